/* config.c - the directive table and the row machinery every reader of it
 * shares: lookup, value parsing and printing (plain and special rows), the
 * lines CONFIG REWRITE writes for a row, and init.  Reading the config
 * file and CONFIG REWRITE's file handling live in config_file.c, the
 * CONFIG command in config_cmd.c; config_internal.h is what they share.
 *
 * Every directive Valkey 8.0 knows has one row in config_table.  A row
 * either points at its field in server.cfg, or (for features this server
 * does not have yet: TLS, cluster, replication, ...) keeps its value in a
 * per-row slot so CONFIG GET/SET/REWRITE still behave, and start-up warns
 * when such a directive is set to anything but its default.
 *
 * Invariants:
 *  - a row's value is only ever changed through config_row_set(), which
 *    validates first: a failed set leaves the old value untouched;
 *  - config_row_get() of a row always parses back through config_row_set()
 *    to the same value; CONFIG SET relies on this to roll back (it saves
 *    the text of each old value and sets it again when a later step fails);
 *  - defaults are given as text and loaded through config_row_set() at
 *    init, so the table cannot disagree with itself about what a default
 *    means. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../deps/numconv/numconv.h"
#include "config_internal.h"
#include "server.h"
#include "reply.h"
#include "evict.h"
#include "tracking.h"

/* ------------------------------------------------------------ the table */

enum {
    CT_BOOL,    /* int: 0/1 */
    CT_INT,     /* int */
    CT_UINT,    /* unsigned int */
    CT_ULONG,   /* unsigned long */
    CT_LL,      /* long long */
    CT_ULL,     /* unsigned long long */
    CT_SIZE,    /* size_t */
    CT_ENUM,    /* int, one of the row's names */
    CT_STRING,  /* char * (mem_alloc'ed) */
    CT_SPECIAL  /* own parser and printer */
};

#define NO_FIELD ((size_t)-1)
#define FLD(f) offsetof(ServerConfig, f)

struct ConfigEnum {
    const char *name;
    int value;
};

struct ConfigSpecial {
    /* Returns 0 (and *err), 1 when the value changed, 2 when it did not. */
    int (*set)(const ConfigDef *d, char **argv, int argc, const char **err);
    /* Binary-safe rows: the same from one value of len bytes (or NULL). */
    int (*set_bin)(const ConfigDef *d, const char *p, size_t len, const char **err);
    Str *(*get)(const ConfigDef *d);
    /* Adds the full lines ("name args...") that restore the value. */
    void (*rewrite)(const ConfigDef *d, RewriteLines *out);
};

/* Per-row runtime state. */
typedef struct ConfigSlot {
    long long num;      /* value of a numeric row without a field */
    char *text;         /* value of a string/special row without a field */
    char *def_text;     /* default as CONFIG GET prints it (set at init) */
} ConfigSlot;

static const ConfigEnum loglevel_enum[] = {
    {"debug", LL_DEBUG}, {"verbose", LL_VERBOSE}, {"notice", LL_NOTICE},
    {"warning", LL_WARNING}, {"nothing", LL_NOTHING}, {NULL, 0}};
/* Order matters: Valkey lists them in this order in its error message. */
static const ConfigEnum maxmemory_policy_enum[] = {
    {"volatile-lru", MAXMEMORY_VOLATILE_LRU}, {"volatile-lfu", MAXMEMORY_VOLATILE_LFU},
    {"volatile-random", MAXMEMORY_VOLATILE_RANDOM}, {"volatile-ttl", MAXMEMORY_VOLATILE_TTL},
    {"allkeys-lru", MAXMEMORY_ALLKEYS_LRU}, {"allkeys-lfu", MAXMEMORY_ALLKEYS_LFU},
    {"allkeys-random", MAXMEMORY_ALLKEYS_RANDOM}, {"noeviction", MAXMEMORY_NOEVICTION},
    {NULL, 0}};
static const ConfigEnum supervised_enum[] = {
    {"upstart", SUPERVISED_UPSTART}, {"systemd", SUPERVISED_SYSTEMD},
    {"auto", SUPERVISED_AUTO}, {"no", SUPERVISED_NO}, {NULL, 0}};
static const ConfigEnum appendfsync_enum[] = {
    {"everysec", APPENDFSYNC_EVERYSEC}, {"always", APPENDFSYNC_ALWAYS},
    {"no", APPENDFSYNC_NO}, {NULL, 0}};
static const ConfigEnum protected_enum[] = {
    {"no", PROTECTED_NO}, {"yes", PROTECTED_YES}, {"local", PROTECTED_LOCAL}, {NULL, 0}};
static const ConfigEnum syslog_facility_enum[] = {
    {"user", 0}, {"local0", 1}, {"local1", 2}, {"local2", 3}, {"local3", 4},
    {"local4", 5}, {"local5", 6}, {"local6", 7}, {"local7", 8}, {NULL, 0}};
static const ConfigEnum repl_diskless_load_enum[] = {
    {"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}, {NULL, 0}};
static const ConfigEnum oom_score_adj_enum[] = {
    {"no", 0}, {"yes", 1}, {"relative", 2}, {"absolute", 3}, {NULL, 0}};
static const ConfigEnum acl_pubsub_enum[] = {
    {"allchannels", 1}, {"resetchannels", 0}, {NULL, 0}};
static const ConfigEnum sanitize_dump_enum[] = {
    {"no", 0}, {"yes", 1}, {"clients", 2}, {NULL, 0}};
static const ConfigEnum endpoint_type_enum[] = {
    {"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}, {NULL, 0}};
static const ConfigEnum propagation_error_enum[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}, {NULL, 0}};
static const ConfigEnum shutdown_on_sig_enum[] = {
    {"default", 0}, {"save", SHUTDOWN_ON_SIG_SAVE}, {"nosave", SHUTDOWN_ON_SIG_NOSAVE},
    {"now", SHUTDOWN_ON_SIG_NOW}, {"force", SHUTDOWN_ON_SIG_FORCE}, {NULL, 0}};
static const ConfigEnum tls_auth_clients_enum[] = {
    {"no", 0}, {"yes", 1}, {"optional", 2}, {NULL, 0}};
static const ConfigEnum log_format_enum[] = {{"legacy", 0}, {"logfmt", 1}, {NULL, 0}};
static const ConfigEnum log_timestamp_enum[] = {
    {"legacy", 0}, {"iso8601", 1}, {"milliseconds", 2}, {NULL, 0}};

/* Apply callbacks: CONFIG SET calls each distinct one once, after all the
 * values of the call are in place. */
/* The listeners reopen with the new bind/port; the details of a failure
 * go to the log and the reply carries Valkey's text for the directive. */
static int apply_listeners_with(char **err, const char *msg) {
    char *detail = NULL;
    if (server_apply_listeners(&detail) == 0) return 0;
    server_log(LL_WARNING, "%s", detail ? detail : "Failed to open the listening sockets");
    mem_free(detail);
    *err = mem_strdup(msg);
    return -1;
}

static int apply_port(char **err) {
    return apply_listeners_with(err, "Unable to listen on this port. Check server logs.");
}

static int apply_bind(char **err) {
    return apply_listeners_with(err, "Failed to bind to specified addresses.");
}

static int apply_listeners(char **err) {
    return apply_listeners_with(err, "Failed to open the listening sockets. Check server logs.");
}

static int apply_maxclients(char **err) {
    return server_apply_maxclients(err);
}

/* The default user's password changed: clients see its new state. */
static int apply_requirepass(char **err) {
    (void)err;
    clients_password_changed();
    return 0;
}

/* Valkey accepts any non-negative hz and then clamps it to 1..500, so the
 * clamped value is what CONFIG GET shows afterwards. */
void config_clamp_hz(void) {
    if (server.cfg.hz < 1) server.cfg.hz = 1;
    if (server.cfg.hz > 500) server.cfg.hz = 500;
}

static int apply_hz(char **err) {
    (void)err;
    config_clamp_hz();
    server_apply_hz();
    return 0;
}

/* ---- connection/lifecycle work: rows read by supervise.c */
static int apply_oom_score(char **err) {
    return supervise_apply_oom_score(err) == 0 ? 0 : -1;
}

static int apply_proc_title(char **err) {
    const char *bad = supervise_check_title_template(server.cfg.proc_title_template);
    if (bad) {
        *err = mem_strdup(bad);
        return -1;
    }
    supervise_set_proc_title(server.cfg.proc_title_template);
    return 0;
}

/* ---- AOF: turning it on at run time builds a base first (persist/aof.c). */
static int apply_appendonly(char **err) {
    if (!server.loop || !server.persist || !server.persist->set_appendonly) return 0;
    return server.persist->set_appendonly(err);
}

/* ---- RDB: the snapshot's name is a file name in `dir`, never a path
 * (Valkey's isValidDBfilename; the start-up check is in persist.c). */
static int apply_dbfilename(char **err) {
    const char *f = server.cfg.dbfilename;
    if (f && (strchr(f, '/') || strchr(f, '\\'))) {
        *err = mem_strdup("dbfilename can't be a path, just a filename");
        return -1;
    }
    return 0;
}

static const ConfigSpecial special_bind, special_save, special_obuf, special_dir,
    special_events, special_oom_values, special_percentiles, special_replicaof, special_password;

/* Row builders: keep each row on one line. */
#define BOOL_ROW(n, a, fl, off, def) {n, a, CT_BOOL, fl, def, 0, 1, NULL, NULL, off, NULL}
#define NUM_ROW(n, a, t, fl, off, def, lo, hi, ap) {n, a, t, fl, def, lo, hi, NULL, NULL, off, ap}
#define ENUM_ROW(n, a, fl, off, def, e) {n, a, CT_ENUM, fl, def, 0, 0, e, NULL, off, NULL}
#define STR_ROW(n, a, fl, off, def) {n, a, CT_STRING, fl, def, 0, 0, NULL, NULL, off, NULL}
#define SPECIAL_ROW(n, a, fl, off, def, sp, ap) {n, a, CT_SPECIAL, fl, def, 0, 0, NULL, &sp, off, ap}

#define IMM CF_IMMUTABLE
#define NUL CF_EMPTY_NULL
#define MEM CF_MEMORY
#define UNS CF_UNSUPPORTED
#define NOF NO_FIELD
#define MULTI CF_MULTI_ARG

const ConfigDef config_table[] = {
    /* ---- networking */
    SPECIAL_ROW("bind", NULL, MULTI, FLD(bind), "* -::*", special_bind, apply_bind),
    NUM_ROW("port", NULL, CT_INT, 0, FLD(port), "6379", 0, 65535, apply_port),
    NUM_ROW("tcp-backlog", NULL, CT_INT, IMM, FLD(tcp_backlog), "511", 0, INT_MAX, NULL),
    NUM_ROW("tcp-keepalive", NULL, CT_INT, 0, FLD(tcp_keepalive), "300", 0, INT_MAX, NULL),
    NUM_ROW("timeout", NULL, CT_INT, 0, FLD(timeout), "0", 0, INT_MAX, NULL),
    NUM_ROW("maxclients", NULL, CT_UINT, 0, FLD(maxclients), "10000", 1, UINT_MAX, apply_maxclients),
    STR_ROW("unixsocket", NULL, IMM | NUL, FLD(unixsocket), ""),
    NUM_ROW("unixsocketperm", NULL, CT_UINT, IMM | CF_OCTAL, FLD(unixsocketperm), "0", 0, 0777, apply_listeners),
    STR_ROW("unixsocketgroup", NULL, IMM | NUL, NOF, ""),
    BOOL_ROW("protected-mode", NULL, 0, FLD(protected_mode), "yes"),
    NUM_ROW("proto-max-bulk-len", NULL, CT_LL, MEM, FLD(proto_max_bulk_len), "536870912", 1024 * 1024, LONG_MAX, NULL),
    NUM_ROW("client-query-buffer-limit", NULL, CT_ULL, MEM, FLD(client_query_buffer_limit), "1073741824", 1024 * 1024, LONG_MAX, NULL),
    SPECIAL_ROW("client-output-buffer-limit", NULL, MULTI, FLD(obuf_limits),
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", special_obuf, NULL),
    SPECIAL_ROW("requirepass", NULL, CF_SENSITIVE, FLD(requirepass), "", special_password, apply_requirepass),
    STR_ROW("bind-source-addr", NULL, NUL, NOF, ""),
    NUM_ROW("socket-mark-id", NULL, CT_UINT, IMM, NOF, "0", 0, UINT_MAX, NULL),
    NUM_ROW("max-new-connections-per-cycle", NULL, CT_UINT, 0, FLD(max_new_conns_per_cycle), "10", 1, 1000, NULL),
    NUM_ROW("max-new-tls-connections-per-cycle", NULL, CT_UINT, 0, NOF, "1", 1, 1000, NULL),
    NUM_ROW("io-threads", NULL, CT_INT, IMM, NOF, "1", 1, 128, NULL),
    NUM_ROW("events-per-io-thread", NULL, CT_INT, 0, NOF, "2", 0, INT_MAX, NULL),
    NUM_ROW("prefetch-batch-max-size", NULL, CT_INT, 0, NOF, "16", 0, 128, NULL),
    /* ---- general */
    NUM_ROW("databases", NULL, CT_INT, IMM, FLD(databases), "16", 1, INT_MAX, NULL),
    NUM_ROW("hz", NULL, CT_INT, 0, FLD(hz), "10", 0, INT_MAX, apply_hz),
    BOOL_ROW("dynamic-hz", NULL, 0, FLD(dynamic_hz), "yes"),
    SPECIAL_ROW("dir", NULL, CF_PROTECTED | CF_ALWAYS_REWRITE, FLD(dir), NULL, special_dir, NULL),
    BOOL_ROW("daemonize", NULL, IMM, FLD(daemonize), "no"),
    STR_ROW("pidfile", NULL, IMM | NUL, FLD(pidfile), ""),
    STR_ROW("logfile", NULL, IMM, FLD(logfile), ""),
    ENUM_ROW("loglevel", NULL, 0, FLD(loglevel), "notice", loglevel_enum),
    ENUM_ROW("log-format", NULL, 0, NOF, "legacy", log_format_enum),
    ENUM_ROW("log-timestamp-format", NULL, 0, NOF, "legacy", log_timestamp_enum),
    BOOL_ROW("always-show-logo", NULL, IMM, FLD(always_show_logo), "no"),
    ENUM_ROW("supervised", NULL, IMM, FLD(supervised), "no", supervised_enum),
    BOOL_ROW("syslog-enabled", NULL, IMM, NOF, "no"),
    STR_ROW("syslog-ident", NULL, IMM, NOF, "valkey"),
    ENUM_ROW("syslog-facility", NULL, IMM, NOF, "local0", syslog_facility_enum),
    BOOL_ROW("crash-log-enabled", NULL, 0, FLD(crash_log_enabled), "yes"),
    BOOL_ROW("crash-memcheck-enabled", NULL, 0, NOF, "yes"),
    BOOL_ROW("hide-user-data-from-log", NULL, 0, NOF, "yes"),
    BOOL_ROW("set-proc-title", NULL, IMM, FLD(set_proc_title), "yes"),
    {"proc-title-template", NULL, CT_STRING, 0, "{title} {listen-addr} {server-mode}", 0, 0, NULL, NULL,
     FLD(proc_title_template), apply_proc_title},
    STR_ROW("locale-collate", NULL, 0, NOF, ""),
    STR_ROW("ignore-warnings", NULL, 0, NOF, ""),
    STR_ROW("availability-zone", NULL, 0, NOF, ""),
    BOOL_ROW("extended-redis-compatibility", NULL, 0, NOF, "no"),
    ENUM_ROW("enable-debug-command", NULL, IMM, FLD(enable_debug_command), "no", protected_enum),
    ENUM_ROW("enable-protected-configs", NULL, IMM, FLD(enable_protected_configs), "no", protected_enum),
    ENUM_ROW("enable-module-command", NULL, IMM, FLD(enable_module_command), "no", protected_enum),
    BOOL_ROW("activerehashing", NULL, 0, FLD(activerehashing), "yes"),
    NUM_ROW("active-expire-effort", NULL, CT_INT, 0, FLD(active_expire_effort), "1", 1, 10, NULL),
    BOOL_ROW("lazyfree-lazy-eviction", NULL, 0, FLD(lazyfree_lazy_eviction), "yes"),
    BOOL_ROW("lazyfree-lazy-expire", NULL, 0, FLD(lazyfree_lazy_expire), "yes"),
    BOOL_ROW("lazyfree-lazy-server-del", NULL, 0, FLD(lazyfree_lazy_server_del), "yes"),
    BOOL_ROW("lazyfree-lazy-user-del", NULL, 0, FLD(lazyfree_lazy_user_del), "yes"),
    BOOL_ROW("lazyfree-lazy-user-flush", NULL, 0, FLD(lazyfree_lazy_user_flush), "yes"),
    BOOL_ROW("latency-tracking", NULL, 0, FLD(latency_tracking), "yes"),
    SPECIAL_ROW("latency-tracking-info-percentiles", NULL, UNS | MULTI, FLD(latency_percentiles), "50 99 99.9",
                special_percentiles, NULL),
    NUM_ROW("latency-monitor-threshold", NULL, CT_LL, 0, FLD(latency_monitor_threshold), "0", 0, LLONG_MAX, NULL),
    NUM_ROW("slowlog-log-slower-than", NULL, CT_LL, 0, FLD(slowlog_log_slower_than), "10000", -1, LLONG_MAX, NULL),
    NUM_ROW("slowlog-max-len", NULL, CT_ULONG, 0, FLD(slowlog_max_len), "128", 0, LONG_MAX, NULL),
    SPECIAL_ROW("notify-keyspace-events", NULL, 0, FLD(notify_keyspace_events), "", special_events, NULL),
    NUM_ROW("busy-reply-threshold", "lua-time-limit", CT_LL, 0, FLD(busy_reply_threshold), "5000", 0, LONG_MAX, NULL),
    NUM_ROW("shutdown-timeout", NULL, CT_INT, 0, FLD(shutdown_timeout), "10", 0, INT_MAX, NULL),
    {"shutdown-on-sigint", NULL, CT_ENUM, CF_FLAGS_ENUM | CF_MULTI_ARG, "default", 0, 0,
     shutdown_on_sig_enum, NULL, FLD(shutdown_on_sigint), NULL},
    {"shutdown-on-sigterm", NULL, CT_ENUM, CF_FLAGS_ENUM | CF_MULTI_ARG, "default", 0, 0,
     shutdown_on_sig_enum, NULL, FLD(shutdown_on_sigterm), NULL},
    NUM_ROW("tracking-table-max-keys", NULL, CT_SIZE, 0, NOF, "1000000", 0, LONG_MAX, tracking_apply_max_keys),
    BOOL_ROW("disable-thp", NULL, IMM, NOF, "yes"),
    BOOL_ROW("jemalloc-bg-thread", NULL, 0, NOF, "yes"),
    {"oom-score-adj", NULL, CT_ENUM, 0, "no", 0, 0, oom_score_adj_enum, NULL, FLD(oom_score_adj), apply_oom_score},
    SPECIAL_ROW("oom-score-adj-values", NULL, MULTI, FLD(oom_score_adj_values), "0 200 800", special_oom_values, apply_oom_score),
    STR_ROW("server-cpulist", "server_cpulist", IMM | NUL, FLD(server_cpulist), ""),
    STR_ROW("bio-cpulist", "bio_cpulist", IMM | NUL, FLD(bio_cpulist), ""),
    STR_ROW("aof-rewrite-cpulist", "aof_rewrite_cpulist", IMM | NUL, FLD(aof_rewrite_cpulist), ""),
    STR_ROW("bgsave-cpulist", "bgsave_cpulist", IMM | NUL, FLD(bgsave_cpulist), ""),
    ENUM_ROW("sanitize-dump-payload", NULL, 0, FLD(sanitize_dump_payload), "no", sanitize_dump_enum),
    /* ---- security (ACL) */
    STR_ROW("aclfile", NULL, IMM, NOF, ""),
    NUM_ROW("acllog-max-len", NULL, CT_ULONG, 0, FLD(acllog_max_len), "128", 0, LONG_MAX, NULL),
    ENUM_ROW("acl-pubsub-default", NULL, 0, NOF, "resetchannels", acl_pubsub_enum),
    /* ---- memory */
    NUM_ROW("maxmemory", NULL, CT_ULL, MEM, FLD(maxmemory), "0", 0, ULLONG_MAX, evict_apply_maxmemory),
    ENUM_ROW("maxmemory-policy", NULL, 0, FLD(maxmemory_policy), "noeviction", maxmemory_policy_enum),
    NUM_ROW("maxmemory-samples", NULL, CT_INT, 0, FLD(maxmemory_samples), "5", 1, 64, NULL),
    NUM_ROW("maxmemory-eviction-tenacity", NULL, CT_INT, UNS, FLD(maxmemory_eviction_tenacity), "10", 0, 100, NULL),
    NUM_ROW("maxmemory-clients", NULL, CT_LL, UNS | MEM | CF_PERCENT, FLD(maxmemory_clients), "0", -100,
            (unsigned long long)SSIZE_MAX, NULL),
    NUM_ROW("lfu-log-factor", NULL, CT_INT, 0, FLD(lfu_log_factor), "10", 0, INT_MAX, NULL),
    NUM_ROW("lfu-decay-time", NULL, CT_INT, 0, FLD(lfu_decay_time), "1", 0, INT_MAX, NULL),
    BOOL_ROW("activedefrag", NULL, 0, NOF, "no"),
    NUM_ROW("active-defrag-ignore-bytes", NULL, CT_LL, MEM, NOF, "104857600", 1, LLONG_MAX, NULL),
    NUM_ROW("active-defrag-threshold-lower", NULL, CT_INT, 0, NOF, "10", 0, 1000, NULL),
    NUM_ROW("active-defrag-threshold-upper", NULL, CT_INT, 0, NOF, "100", 0, 1000, NULL),
    NUM_ROW("active-defrag-cycle-min", NULL, CT_INT, 0, NOF, "1", 1, 99, NULL),
    NUM_ROW("active-defrag-cycle-max", NULL, CT_INT, 0, NOF, "25", 1, 99, NULL),
    NUM_ROW("active-defrag-max-scan-fields", NULL, CT_ULONG, 0, NOF, "1000", 1, LONG_MAX, NULL),
    /* ---- encodings */
    NUM_ROW("hash-max-listpack-entries", "hash-max-ziplist-entries", CT_SIZE, 0, FLD(hash_max_listpack_entries), "512", 0, LONG_MAX, NULL),
    NUM_ROW("hash-max-listpack-value", "hash-max-ziplist-value", CT_SIZE, MEM, FLD(hash_max_listpack_value), "64", 0, LONG_MAX, NULL),
    NUM_ROW("list-max-listpack-size", "list-max-ziplist-size", CT_INT, 0, FLD(list_max_listpack_size), "-2", INT_MIN, INT_MAX, NULL),
    NUM_ROW("list-compress-depth", NULL, CT_INT, 0, FLD(list_compress_depth), "0", 0, INT_MAX, NULL),
    NUM_ROW("set-max-intset-entries", NULL, CT_SIZE, 0, FLD(set_max_intset_entries), "512", 0, LONG_MAX, NULL),
    NUM_ROW("set-max-listpack-entries", NULL, CT_SIZE, 0, FLD(set_max_listpack_entries), "128", 0, LONG_MAX, NULL),
    NUM_ROW("set-max-listpack-value", NULL, CT_SIZE, 0, FLD(set_max_listpack_value), "64", 0, LONG_MAX, NULL),
    NUM_ROW("zset-max-listpack-entries", "zset-max-ziplist-entries", CT_SIZE, 0, FLD(zset_max_listpack_entries), "128", 0, LONG_MAX, NULL),
    NUM_ROW("zset-max-listpack-value", "zset-max-ziplist-value", CT_SIZE, MEM, FLD(zset_max_listpack_value), "64", 0, LONG_MAX, NULL),
    NUM_ROW("stream-node-max-bytes", NULL, CT_SIZE, MEM, FLD(stream_node_max_bytes), "4096", 0, LONG_MAX, NULL),
    NUM_ROW("stream-node-max-entries", NULL, CT_LL, 0, FLD(stream_node_max_entries), "100", 0, LLONG_MAX, NULL),
    NUM_ROW("hll-sparse-max-bytes", NULL, CT_SIZE, MEM, FLD(hll_sparse_max_bytes), "3000", 0, LONG_MAX, NULL),
    /* ---- persistence (RDB: src/persist/; the AOF comes later) */
    SPECIAL_ROW("save", NULL, MULTI, FLD(save_params), "3600 1 300 100 60 10000", special_save, NULL),
    {"dbfilename", NULL, CT_STRING, CF_PROTECTED, "dump.rdb", 0, 0, NULL, NULL, FLD(dbfilename), apply_dbfilename},
    {"appendonly", NULL, CT_BOOL, 0, "no", 0, 1, NULL, NULL, FLD(appendonly), apply_appendonly},
    STR_ROW("appendfilename", NULL, IMM, FLD(appendfilename), "appendonly.aof"),
    STR_ROW("appenddirname", NULL, IMM, FLD(appenddirname), "appendonlydir"),
    ENUM_ROW("appendfsync", NULL, 0, FLD(appendfsync), "everysec", appendfsync_enum),
    BOOL_ROW("no-appendfsync-on-rewrite", NULL, 0, NOF, "no"),
    NUM_ROW("auto-aof-rewrite-percentage", NULL, CT_INT, 0, NOF, "100", 0, INT_MAX, NULL),
    NUM_ROW("auto-aof-rewrite-min-size", NULL, CT_LL, MEM, NOF, "67108864", 0, LLONG_MAX, NULL),
    BOOL_ROW("aof-load-truncated", NULL, 0, NOF, "yes"),
    BOOL_ROW("aof-use-rdb-preamble", NULL, 0, NOF, "yes"),
    BOOL_ROW("aof-timestamp-enabled", NULL, 0, NOF, "no"),
    BOOL_ROW("aof-rewrite-incremental-fsync", NULL, 0, NOF, "yes"),
    BOOL_ROW("rdb-save-incremental-fsync", NULL, 0, FLD(rdb_save_incremental_fsync), "yes"),
    BOOL_ROW("rdbcompression", NULL, 0, FLD(rdb_compression), "yes"),
    BOOL_ROW("rdbchecksum", NULL, IMM, FLD(rdb_checksum), "yes"),
    BOOL_ROW("rdb-del-sync-files", NULL, 0, FLD(rdb_del_sync_files), "no"),
    BOOL_ROW("stop-writes-on-bgsave-error", NULL, 0, FLD(stop_writes_on_bgsave_error), "yes"),
    /* ---- replication */
    SPECIAL_ROW("replicaof", "slaveof", IMM | MULTI, NOF, "", special_replicaof, NULL),
    STR_ROW("primaryauth", "masterauth", NUL | CF_SENSITIVE, NOF, ""),
    STR_ROW("primaryuser", "masteruser", NUL, NOF, ""),
    BOOL_ROW("replica-serve-stale-data", "slave-serve-stale-data", 0, NOF, "yes"),
    BOOL_ROW("replica-read-only", "slave-read-only", 0, NOF, "yes"),
    BOOL_ROW("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, NOF, "yes"),
    BOOL_ROW("replica-lazy-flush", "slave-lazy-flush", 0, NOF, "yes"),
    BOOL_ROW("replica-announced", NULL, 0, NOF, "yes"),
    BOOL_ROW("replica-ignore-disk-write-errors", NULL, 0, NOF, "no"),
    NUM_ROW("replica-priority", "slave-priority", CT_INT, 0, NOF, "100", 0, INT_MAX, NULL),
    STR_ROW("replica-announce-ip", "slave-announce-ip", NUL, NOF, ""),
    NUM_ROW("replica-announce-port", "slave-announce-port", CT_INT, 0, NOF, "0", 0, 65535, NULL),
    NUM_ROW("repl-ping-replica-period", "repl-ping-slave-period", CT_INT, 0, NOF, "10", 1, INT_MAX, NULL),
    NUM_ROW("repl-timeout", NULL, CT_INT, 0, NOF, "60", 1, INT_MAX, NULL),
    BOOL_ROW("repl-disable-tcp-nodelay", NULL, 0, NOF, "no"),
    NUM_ROW("repl-backlog-size", NULL, CT_LL, MEM, NOF, "10485760", 1, LLONG_MAX, NULL),
    NUM_ROW("repl-backlog-ttl", NULL, CT_LL, 0, NOF, "3600", 0, LONG_MAX, NULL),
    BOOL_ROW("repl-diskless-sync", NULL, 0, NOF, "yes"),
    NUM_ROW("repl-diskless-sync-delay", NULL, CT_INT, 0, NOF, "5", 0, INT_MAX, NULL),
    NUM_ROW("repl-diskless-sync-max-replicas", NULL, CT_INT, 0, NOF, "0", 0, INT_MAX, NULL),
    ENUM_ROW("repl-diskless-load", NULL, 0, NOF, "disabled", repl_diskless_load_enum),
    BOOL_ROW("dual-channel-replication-enabled", NULL, 0, NOF, "no"),
    NUM_ROW("min-replicas-to-write", "min-slaves-to-write", CT_INT, 0, NOF, "0", 0, INT_MAX, NULL),
    NUM_ROW("min-replicas-max-lag", "min-slaves-max-lag", CT_INT, 0, NOF, "10", 0, INT_MAX, NULL),
    ENUM_ROW("propagation-error-behavior", NULL, 0, NOF, "ignore", propagation_error_enum),
    /* ---- cluster */
    BOOL_ROW("cluster-enabled", NULL, IMM, NOF, "no"),
    STR_ROW("cluster-config-file", NULL, IMM, NOF, "nodes.conf"),
    NUM_ROW("cluster-node-timeout", NULL, CT_LL, 0, NOF, "15000", 0, LLONG_MAX, NULL),
    NUM_ROW("cluster-port", NULL, CT_INT, IMM, NOF, "0", 0, 65535, NULL),
    STR_ROW("cluster-announce-ip", NULL, NUL, NOF, ""),
    STR_ROW("cluster-announce-client-ipv4", NULL, NUL, NOF, ""),
    STR_ROW("cluster-announce-client-ipv6", NULL, NUL, NOF, ""),
    STR_ROW("cluster-announce-hostname", NULL, NUL, NOF, ""),
    STR_ROW("cluster-announce-human-nodename", NULL, NUL, NOF, ""),
    NUM_ROW("cluster-announce-port", NULL, CT_INT, 0, NOF, "0", 0, 65535, NULL),
    NUM_ROW("cluster-announce-bus-port", NULL, CT_INT, 0, NOF, "0", 0, 65535, NULL),
    NUM_ROW("cluster-announce-tls-port", NULL, CT_INT, 0, NOF, "0", 0, 65535, NULL),
    ENUM_ROW("cluster-preferred-endpoint-type", NULL, 0, NOF, "ip", endpoint_type_enum),
    BOOL_ROW("cluster-replica-no-failover", "cluster-slave-no-failover", 0, NOF, "no"),
    NUM_ROW("cluster-replica-validity-factor", "cluster-slave-validity-factor", CT_INT, 0, NOF, "10", 0, INT_MAX, NULL),
    NUM_ROW("cluster-migration-barrier", NULL, CT_INT, 0, NOF, "1", 0, INT_MAX, NULL),
    BOOL_ROW("cluster-allow-replica-migration", NULL, 0, NOF, "yes"),
    BOOL_ROW("cluster-require-full-coverage", NULL, 0, NOF, "yes"),
    BOOL_ROW("cluster-allow-reads-when-down", NULL, 0, NOF, "no"),
    BOOL_ROW("cluster-allow-pubsubshard-when-down", NULL, 0, NOF, "yes"),
    NUM_ROW("cluster-link-sendbuf-limit", NULL, CT_ULL, MEM, NOF, "0", 0, ULLONG_MAX, NULL),
    NUM_ROW("cluster-blacklist-ttl", NULL, CT_ULONG, 0, NOF, "60", 0, ULONG_MAX, NULL),
    BOOL_ROW("cluster-slot-stats-enabled", NULL, 0, NOF, "no"),
    /* ---- TLS */
    NUM_ROW("tls-port", NULL, CT_INT, 0, NOF, "0", 0, 65535, NULL),
    STR_ROW("tls-cert-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-key-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-key-file-pass", NULL, NUL | CF_SENSITIVE, NOF, ""),
    STR_ROW("tls-client-cert-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-client-key-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-client-key-file-pass", NULL, NUL | CF_SENSITIVE, NOF, ""),
    STR_ROW("tls-dh-params-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-ca-cert-file", NULL, NUL, NOF, ""),
    STR_ROW("tls-ca-cert-dir", NULL, NUL, NOF, ""),
    STR_ROW("tls-protocols", NULL, NUL, NOF, ""),
    STR_ROW("tls-ciphers", NULL, NUL, NOF, ""),
    STR_ROW("tls-ciphersuites", NULL, NUL, NOF, ""),
    ENUM_ROW("tls-auth-clients", NULL, 0, NOF, "yes", tls_auth_clients_enum),
    BOOL_ROW("tls-replication", NULL, 0, NOF, "no"),
    BOOL_ROW("tls-cluster", NULL, 0, NOF, "no"),
    BOOL_ROW("tls-prefer-server-ciphers", NULL, 0, NOF, "no"),
    BOOL_ROW("tls-session-caching", NULL, 0, NOF, "yes"),
    NUM_ROW("tls-session-cache-size", NULL, CT_INT, 0, NOF, "20480", 0, INT_MAX, NULL),
    NUM_ROW("tls-session-cache-timeout", NULL, CT_INT, 0, NOF, "300", 0, INT_MAX, NULL),
    /* ---- hidden testing knobs: CONFIG GET shows them only by exact name */
    NUM_ROW("rdb-key-save-delay", NULL, CT_INT, CF_HIDDEN, FLD(rdb_key_save_delay), "0", INT_MIN, INT_MAX, NULL),
    NUM_ROW("key-load-delay", NULL, CT_INT, CF_HIDDEN, FLD(key_load_delay), "0", INT_MIN, INT_MAX, NULL),
    NUM_ROW("loading-process-events-interval-bytes", NULL, CT_LL, CF_HIDDEN | MEM, FLD(loading_process_events_interval_bytes), "2097152", 1024, INT_MAX, NULL),
    BOOL_ROW("use-exit-on-panic", NULL, CF_HIDDEN | IMM, FLD(use_exit_on_panic), "no"),
    BOOL_ROW("aof-disable-auto-gc", NULL, CF_HIDDEN, NOF, "no"),
    BOOL_ROW("enable-debug-assert", NULL, CF_HIDDEN | IMM, FLD(enable_debug_assert), "no"),
    STR_ROW("debug-context", NULL, CF_HIDDEN, FLD(debug_context), ""),
    STR_ROW("req-res-logfile", NULL, CF_HIDDEN | IMM | NUL, NOF, ""),
    NUM_ROW("client-default-resp", NULL, CT_INT, CF_HIDDEN, FLD(client_default_resp), "2", 2, 3, NULL),
    NUM_ROW("watchdog-period", NULL, CT_INT, CF_HIDDEN, NOF, "0", 0, INT_MAX, NULL),
    NUM_ROW("cluster-ping-interval", NULL, CT_INT, CF_HIDDEN, NOF, "0", 0, INT_MAX, NULL),
};

#define CONFIG_COUNT ((int)(sizeof(config_table) / sizeof(config_table[0])))
const int config_count = CONFIG_COUNT;

static ConfigSlot config_slots[CONFIG_COUNT];

/* Start-up bookkeeping for config_log_unsupported(): file-only directives
 * and module configs we accepted but ignore. */
#define IGNORED_MAX 32
static struct {
    char *name;
    int count;
} config_ignored[IGNORED_MAX];

int config_loading;       /* inside config_load() */
int config_save_seen;     /* a "save" line already reset the defaults */
char config_errbuf[512];  /* formatted error texts */

/* ------------------------------------------------------------- helpers */

int config_row_index(const ConfigDef *d) {
    return (int)(d - config_table);
}

const ConfigDef *config_lookup_len(const char *name, size_t len) {
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const ConfigDef *d = &config_table[i];
        if (strlen(d->name) == len && strncasecmp(d->name, name, len) == 0) return d;
        if (d->alias && strlen(d->alias) == len && strncasecmp(d->alias, name, len) == 0) return d;
    }
    return NULL;
}

const ConfigDef *config_lookup(const char *name) {
    return config_lookup_len(name, strlen(name));
}

int config_row_supported(const ConfigDef *d) {
    return d->off != NO_FIELD && !(d->flags & CF_UNSUPPORTED);
}

/* Address of the row's field; rows without one never get here. */
static void *row_field(const ConfigDef *d) {
    return (char *)&server.cfg + d->off;
}

void config_ignored_note(const char *name) {
    for (int i = 0; i < IGNORED_MAX; i++) {
        if (config_ignored[i].name == NULL) {
            config_ignored[i].name = mem_strdup(name);
            config_ignored[i].count = 1;
            return;
        }
        if (strcasecmp(config_ignored[i].name, name) == 0) {
            config_ignored[i].count++;
            return;
        }
    }
}

void config_args_free(ArgList *a) {
    for (int i = 0; i < a->n; i++) mem_free(a->v[i]);
    mem_free(a->v);
    mem_free(a->lens);
    a->v = NULL;
    a->lens = NULL;
    a->n = 0;
}

/* Splits text with the config-file quoting rules.  Returns 0, or -1 for
 * unbalanced quotes (a is then empty). */
int config_args_split(const char *text, size_t len, ArgList *a) {
    char *copy = mem_strndup(text, len);
    RespArgRef *refs = NULL;
    size_t cap = 0;
    long n = resp_split_args(copy, len, &refs, &cap);
    a->v = NULL;
    a->lens = NULL;
    a->n = 0;
    if (n < 0) {
        mem_free(refs);
        mem_free(copy);
        return -1;
    }
    a->v = mem_alloc(sizeof(char *) * (size_t)(n + 1));
    a->lens = mem_alloc(sizeof(size_t) * (size_t)(n + 1));
    for (long i = 0; i < n; i++) {
        a->v[i] = mem_strndup(copy + refs[i].off, refs[i].len);
        a->lens[i] = refs[i].len;
    }
    a->v[n] = NULL;
    a->lens[n] = 0;
    a->n = (int)n;
    mem_free(refs);
    mem_free(copy);
    return 0;
}


/* ------------------------------------------------------ pure parsers */

int config_parse_bool(const char *s) {
    if (strcasecmp(s, "yes") == 0) return 1;
    if (strcasecmp(s, "no") == 0) return 0;
    return -1;
}

/* Valkey reads the digits with strtoull, so an empty number counts as 0
 * ("" and "kb" are 0); we keep that, but refuse signs and spaces. */
int config_parse_memory(const char *s, unsigned long long *out) {
    const char *u = s;
    unsigned long long mul, val = 0;
    while (*u >= '0' && *u <= '9') u++;
    if (*u == '\0' || strcasecmp(u, "b") == 0) mul = 1;
    else if (strcasecmp(u, "k") == 0) mul = 1000ULL;
    else if (strcasecmp(u, "kb") == 0) mul = 1024ULL;
    else if (strcasecmp(u, "m") == 0) mul = 1000ULL * 1000;
    else if (strcasecmp(u, "mb") == 0) mul = 1024ULL * 1024;
    else if (strcasecmp(u, "g") == 0) mul = 1000ULL * 1000 * 1000;
    else if (strcasecmp(u, "gb") == 0) mul = 1024ULL * 1024 * 1024;
    else return 0;
    for (const char *p = s; p < u; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (val > (ULLONG_MAX - digit) / 10) return 0;
        val = val * 10 + digit;
    }
    if (val > ULLONG_MAX / mul) return 0;
    *out = val * mul;
    return 1;
}

void config_format_memory(char *buf, size_t len, unsigned long long v) {
    const unsigned long long kb = 1024, mb = kb * 1024, gb = mb * 1024;
    if (v && v % gb == 0) snprintf(buf, len, "%llugb", v / gb);
    else if (v && v % mb == 0) snprintf(buf, len, "%llumb", v / mb);
    else if (v && v % kb == 0) snprintf(buf, len, "%llukb", v / kb);
    else snprintf(buf, len, "%llu", v);
}

int config_parse_keyspace_events(const char *s) {
    int flags = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'A': flags |= NOTIFY_ALL; break;
        case 'g': flags |= NOTIFY_GENERIC; break;
        case '$': flags |= NOTIFY_STRING; break;
        case 'l': flags |= NOTIFY_LIST; break;
        case 's': flags |= NOTIFY_SET; break;
        case 'h': flags |= NOTIFY_HASH; break;
        case 'z': flags |= NOTIFY_ZSET; break;
        case 'x': flags |= NOTIFY_EXPIRED; break;
        case 'e': flags |= NOTIFY_EVICTED; break;
        case 'K': flags |= NOTIFY_KEYSPACE; break;
        case 'E': flags |= NOTIFY_KEYEVENT; break;
        case 't': flags |= NOTIFY_STREAM; break;
        case 'm': flags |= NOTIFY_KEY_MISS; break;
        case 'd': flags |= NOTIFY_MODULE; break;
        case 'n': flags |= NOTIFY_NEW; break;
        default: return -1;
        }
    }
    return flags;
}

/* Same letter order as Valkey prints them, so CONFIG GET output matches. */
void config_format_keyspace_events(char *buf, size_t len, int flags) {
    static const struct {
        int bit;
        char ch;
    } classes[] = {{NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'}, {NOTIFY_LIST, 'l'},
                   {NOTIFY_SET, 's'},     {NOTIFY_HASH, 'h'},   {NOTIFY_ZSET, 'z'},
                   {NOTIFY_EXPIRED, 'x'}, {NOTIFY_EVICTED, 'e'}, {NOTIFY_STREAM, 't'},
                   {NOTIFY_MODULE, 'd'}};
    static const struct {
        int bit;
        char ch;
    } tail[] = {{NOTIFY_KEYSPACE, 'K'}, {NOTIFY_KEYEVENT, 'E'}, {NOTIFY_KEY_MISS, 'm'}, {NOTIFY_NEW, 'n'}};
    size_t n = 0;
    if (len == 0) return;
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        if (n + 1 < len) buf[n++] = 'A';
    } else {
        for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
            if ((flags & classes[i].bit) && n + 1 < len) buf[n++] = classes[i].ch;
    }
    for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
        if ((flags & tail[i].bit) && n + 1 < len) buf[n++] = tail[i].ch;
    buf[n] = '\0';
}

/* Finds argv's names in an enum.  A flags enum ORs several names.
 * Returns INT_MIN when a name is unknown. */
static int enum_parse(const ConfigEnum *e, char **argv, int argc, int flags_enum) {
    int value = 0;
    if (argc < 1 || (!flags_enum && argc != 1)) return INT_MIN;
    for (int i = 0; i < argc; i++) {
        const ConfigEnum *x = e;
        while (x->name && strcasecmp(x->name, argv[i]) != 0) x++;
        if (!x->name) return INT_MIN;
        value |= x->value;
    }
    return value;
}

static Str *enum_format(const ConfigEnum *e, int value, int flags_enum) {
    Str *s = str_new("", 0);
    if (!flags_enum || value == 0) {
        for (; e->name; e++)
            if (e->value == value) return str_cat_cstr(s, e->name);
        return s;
    }
    for (; e->name; e++) {
        if (e->value && (value & e->value) == e->value) {
            if (s->len) s = str_cat(s, " ", 1);
            s = str_cat_cstr(s, e->name);
        }
    }
    return s;
}

static const char *enum_error(const ConfigEnum *e) {
    size_t n = (size_t)snprintf(config_errbuf, sizeof(config_errbuf), "argument(s) must be one of the following: ");
    for (; e->name && n < sizeof(config_errbuf); e++)
        n += (size_t)snprintf(config_errbuf + n, sizeof(config_errbuf) - n, "%s%s", e->name, e[1].name ? ", " : "");
    return config_errbuf;
}

int config_allows_protected(int setting, const struct Client *c) {
    if (setting == PROTECTED_YES) return 1;
    if (setting != PROTECTED_LOCAL || c == NULL) return 0;
    if (c->flags & CLIENT_UNIX_SOCKET) return 1;
    /* addr is "ip:port"; the port follows the last ':'. */
    const char *colon = strrchr(c->addr, ':');
    if (!colon) return 0;
    size_t iplen = (size_t)(colon - c->addr);
    return (iplen == 9 && strncmp(c->addr, "127.0.0.1", 9) == 0) ||
           (iplen == 3 && strncmp(c->addr, "::1", 3) == 0) ||
           (iplen == 5 && strncmp(c->addr, "[::1]", 5) == 0);
}

/* --------------------------------------------- numeric and simple rows */

static long long num_load(const ConfigDef *d) {
    if (d->off == NO_FIELD) return config_slots[config_row_index(d)].num;
    void *f = row_field(d);
    switch (d->type) {
    case CT_BOOL:
    case CT_INT:
    case CT_ENUM: return *(int *)f;
    case CT_UINT: return (long long)*(unsigned int *)f;
    case CT_ULONG: return (long long)*(unsigned long *)f;
    case CT_LL: return *(long long *)f;
    case CT_ULL: return (long long)*(unsigned long long *)f;
    case CT_SIZE: return (long long)*(size_t *)f;
    }
    return 0;
}

static void num_store(const ConfigDef *d, long long v) {
    if (d->off == NO_FIELD) {
        config_slots[config_row_index(d)].num = v;
        return;
    }
    void *f = row_field(d);
    switch (d->type) {
    case CT_BOOL:
    case CT_INT:
    case CT_ENUM: *(int *)f = (int)v; break;
    case CT_UINT: *(unsigned int *)f = (unsigned int)v; break;
    case CT_ULONG: *(unsigned long *)f = (unsigned long)v; break;
    case CT_LL: *(long long *)f = v; break;
    case CT_ULL: *(unsigned long long *)f = (unsigned long long)v; break;
    case CT_SIZE: *(size_t *)f = (size_t)v; break;
    }
}

static int type_unsigned(int type) {
    return type == CT_UINT || type == CT_ULONG || type == CT_ULL || type == CT_SIZE;
}

/* Text to number as Valkey does it: memory units, then percent, then a
 * plain integer only for rows with neither. */
static int num_parse(const ConfigDef *d, const char *s, long long *out, const char **err) {
    if (d->flags & CF_MEMORY) {
        unsigned long long u;
        if (config_parse_memory(s, &u)) {
            *out = (long long)u;
            return 1;
        }
    }
    size_t len = strlen(s);
    if ((d->flags & CF_PERCENT) && len > 1 && s[len - 1] == '%') {
        long long p;
        if (str_to_ll(s, len - 1, &p) && p >= 0) {
            *out = -p;
            return 1;
        }
    }
    if (d->flags & CF_OCTAL) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 8);
        if (errno == 0 && *s && *end == '\0') {
            *out = v;
            return 1;
        }
        *err = "argument couldn't be parsed as an octal number";
        return 0;
    }
    if (!(d->flags & (CF_MEMORY | CF_PERCENT)) && str_to_ll(s, len, out)) return 1;
    if ((d->flags & CF_MEMORY) && (d->flags & CF_PERCENT)) *err = "argument must be a memory or percent value";
    else if (d->flags & CF_MEMORY) *err = "argument must be a memory value";
    else *err = "argument couldn't be parsed into an integer";
    return 0;
}

static int num_check_bounds(const ConfigDef *d, long long v, const char **err) {
    if (type_unsigned(d->type)) {
        unsigned long long u = (unsigned long long)v;
        if (u < (unsigned long long)d->lo || u > d->hi) {
            if (d->flags & CF_OCTAL)
                snprintf(config_errbuf, sizeof(config_errbuf), "argument must be between %llo and %llo inclusive",
                         (unsigned long long)d->lo, d->hi);
            else
                snprintf(config_errbuf, sizeof(config_errbuf), "argument must be between %llu and %llu inclusive",
                         (unsigned long long)d->lo, d->hi);
            *err = config_errbuf;
            return 0;
        }
        return 1;
    }
    if ((d->flags & CF_PERCENT) && v < 0) {
        if (v < d->lo) {
            snprintf(config_errbuf, sizeof(config_errbuf), "percentage argument must be less or equal to %lld", -d->lo);
            *err = config_errbuf;
            return 0;
        }
        return 1;
    }
    if (v < d->lo || (v > 0 && (unsigned long long)v > d->hi)) {
        snprintf(config_errbuf, sizeof(config_errbuf), "argument must be between %lld and %lld inclusive", d->lo,
                 (long long)d->hi);
        *err = config_errbuf;
        return 0;
    }
    return 1;
}

static char **str_slot(const ConfigDef *d) {
    if (d->off == NO_FIELD) return &config_slots[config_row_index(d)].text;
    return (char **)row_field(d);
}

/* Validates and stores one row's value.  Returns 0 (with *err), 1 when
 * the value changed, 2 when it was already that. */
int config_row_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    if (d->type == CT_SPECIAL) return d->special->set(d, argv, argc, err);
    if (d->type == CT_ENUM) {
        int v = enum_parse(d->enums, argv, argc, (d->flags & CF_FLAGS_ENUM) != 0);
        if (v == INT_MIN) {
            *err = enum_error(d->enums);
            return 0;
        }
        if (num_load(d) == v) return 2;
        num_store(d, v);
        return 1;
    }
    if (argc != 1) {
        *err = "wrong number of arguments";
        return 0;
    }
    if (d->type == CT_BOOL) {
        int b = config_parse_bool(argv[0]);
        if (b < 0) {
            *err = "argument must be 'yes' or 'no'";
            return 0;
        }
        if (num_load(d) == b) return 2;
        num_store(d, b);
        return 1;
    }
    if (d->type == CT_STRING) {
        char **slot = str_slot(d);
        const char *v = argv[0];
        if ((d->flags & CF_EMPTY_NULL) && v[0] == '\0') v = NULL;
        if ((!v && !*slot) || (v && *slot && strcmp(v, *slot) == 0)) return 2;
        mem_free(*slot);
        *slot = v ? mem_strdup(v) : NULL;
        return 1;
    }
    long long v;
    if (!num_parse(d, argv[0], &v, err)) return 0;
    if (!num_check_bounds(d, v, err)) return 0;
    if (num_load(d) == v) return 2;
    num_store(d, v);
    return 1;
}

/* The value as CONFIG GET prints it. */
Str *config_row_get(const ConfigDef *d) {
    char buf[64];
    switch (d->type) {
    case CT_SPECIAL: return d->special->get(d);
    case CT_BOOL: return str_from_cstr(num_load(d) ? "yes" : "no");
    case CT_ENUM: return enum_format(d->enums, (int)num_load(d), (d->flags & CF_FLAGS_ENUM) != 0);
    case CT_STRING: {
        char *s = *str_slot(d);
        return str_from_cstr(s ? s : "");
    }
    default: break;
    }
    long long v = num_load(d);
    if ((d->flags & CF_PERCENT) && v < 0) snprintf(buf, sizeof(buf), "%lld%%", -v);
    else if (d->flags & CF_OCTAL) snprintf(buf, sizeof(buf), "%llo", (unsigned long long)v);
    else if (type_unsigned(d->type) || (d->flags & CF_MEMORY)) snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    else snprintf(buf, sizeof(buf), "%lld", v);
    return str_from_cstr(buf);
}

/* Sets a row from one text value, splitting it for multi-word rows. */
int config_row_set_text(const ConfigDef *d, const char *text, const char **err) {
    if (!(d->flags & CF_MULTI_ARG)) {
        char *argv[2] = {(char *)text, NULL};
        return config_row_set(d, argv, 1, err);
    }
    ArgList a;
    if (config_args_split(text, strlen(text), &a) == -1) {
        *err = "Unbalanced quotes in configuration line";
        return 0;
    }
    int r;
    if (a.n == 0) {
        /* An empty value ("" for save, bind, ...) reaches the row as one
         * empty argument, as Valkey passes it. */
        char *argv[2] = {"", NULL};
        r = config_row_set(d, argv, 1, err);
    } else {
        r = config_row_set(d, a.v, a.n, err);
    }
    config_args_free(&a);
    return r;
}

int config_row_set_value(const ConfigDef *d, const char *p, size_t len, const char **err) {
    if (d->type == CT_SPECIAL && d->special->set_bin) return d->special->set_bin(d, p, len, err);
    /* Everything else is text: what follows a NUL is not part of it. */
    char *text = mem_strndup(p, len);
    int r = config_row_set_text(d, text, err);
    mem_free(text);
    return r;
}

int config_row_is_default(const ConfigDef *d) {
    const char *def = config_slots[config_row_index(d)].def_text;
    Str *cur = config_row_get(d);
    int same = def && strlen(def) == cur->len && memcmp(cur->buf, def, cur->len) == 0;
    str_free(cur);
    return same;
}

/* ------------------------------------------------------- special rows */

static void lines_add(RewriteLines *out, Str *line) {
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 4;
        out->v = mem_realloc(out->v, sizeof(Str *) * (size_t)out->cap);
    }
    out->v[out->n++] = line;
}

static int empty_single_arg(char **argv, int argc) {
    return argc == 1 && argv[0][0] == '\0';
}

/* bind */
static int bind_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    if (empty_single_arg(argv, argc)) argc = 0;
    if (argc > CONFIG_MAX_BIND) {
        *err = "Too many bind addresses specified.";
        return 0;
    }
    ServerConfig *cfg = &server.cfg;
    if (argc == cfg->bind_count) {
        int same = 1;
        for (int i = 0; i < argc && same; i++) same = strcmp(argv[i], cfg->bind[i]) == 0;
        if (same) return 2;
    }
    for (int i = 0; i < cfg->bind_count; i++) {
        mem_free(cfg->bind[i]);
        cfg->bind[i] = NULL;
    }
    for (int i = 0; i < argc; i++) cfg->bind[i] = mem_strdup(argv[i]);
    cfg->bind_count = argc;
    return 1;
}

static Str *bind_get(const ConfigDef *d) {
    (void)d;
    Str *s = str_new("", 0);
    for (int i = 0; i < server.cfg.bind_count; i++) {
        if (i) s = str_cat(s, " ", 1);
        s = str_cat_cstr(s, server.cfg.bind[i]);
    }
    return s;
}

/* Rewrite lines for special rows whose CONFIG GET text is the line's value:
 * as separate words ("bind 127.0.0.1 -::1", or "" when empty), or as one
 * quoted argument ("dir", which may hold spaces). */
static void rewrite_words(const ConfigDef *d, RewriteLines *out) {
    Str *v = d->special->get(d);
    Str *line = str_catfmt(str_with_capacity(64), "%s ", d->name);
    line = v->len ? str_cat(line, v->buf, v->len) : str_cat_cstr(line, "\"\"");
    str_free(v);
    lines_add(out, line);
}

static void rewrite_quoted(const ConfigDef *d, RewriteLines *out) {
    Str *v = d->special->get(d);
    lines_add(out, str_cat_repr(str_catfmt(str_with_capacity(64), "%s ", d->name), v->buf, v->len));
    str_free(v);
}

static const ConfigSpecial special_bind = {bind_set, NULL, bind_get, rewrite_words};

/* save: pairs of <seconds> <changes>.  In a config file the first "save"
 * line replaces the built-in default and later ones add to it, so several
 * "save" lines build one schedule; the command line starts over. */
static int save_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    long long vals[CONFIG_MAX_SAVE_PARAMS * 2];
    if (empty_single_arg(argv, argc)) argc = 0;
    if (argc % 2) {
        *err = "Invalid save parameters";
        return 0;
    }
    for (int i = 0; i < argc; i++) {
        long long v;
        if (!str_to_ll(argv[i], strlen(argv[i]), &v) || (i % 2 == 0 && v < 1) || (i % 2 == 1 && v < 0)) {
            *err = "Invalid save parameters";
            return 0;
        }
        if (i < CONFIG_MAX_SAVE_PARAMS * 2) vals[i] = v;
    }
    int keep = 0;
    if (config_loading && config_save_seen) keep = server.cfg.save_params_count;
    if (keep + argc > CONFIG_MAX_SAVE_PARAMS * 2) {
        snprintf(config_errbuf, sizeof(config_errbuf), "Too many save parameters (at most %d pairs)",
                 CONFIG_MAX_SAVE_PARAMS);
        *err = config_errbuf;
        return 0;
    }
    if (config_loading) config_save_seen = 1;
    for (int i = 0; i < argc; i++) server.cfg.save_params[keep + i] = vals[i];
    server.cfg.save_params_count = keep + argc;
    return 1;
}

static Str *save_get(const ConfigDef *d) {
    (void)d;
    Str *s = str_new("", 0);
    for (int i = 0; i < server.cfg.save_params_count; i++)
        s = str_catfmt(s, "%s%lld", i ? " " : "", server.cfg.save_params[i]);
    return s;
}

static void save_rewrite(const ConfigDef *d, RewriteLines *out) {
    (void)d;
    if (server.cfg.save_params_count == 0) {
        lines_add(out, str_from_cstr("save \"\""));
        return;
    }
    for (int i = 0; i + 1 < server.cfg.save_params_count; i += 2)
        lines_add(out, str_catfmt(str_new("", 0), "save %lld %lld", server.cfg.save_params[i],
                                  server.cfg.save_params[i + 1]));
}

static const ConfigSpecial special_save = {save_set, NULL, save_get, save_rewrite};

/* client-output-buffer-limit: groups of <class> <hard> <soft> <seconds>. */
static const char *const obuf_class_names[CLIENT_CLASS_COUNT] = {"normal", "slave", "pubsub"};

int config_obuf_class(const char *name) {
    if (strcasecmp(name, "normal") == 0) return CLIENT_CLASS_NORMAL;
    if (strcasecmp(name, "slave") == 0 || strcasecmp(name, "replica") == 0) return CLIENT_CLASS_REPLICA;
    if (strcasecmp(name, "pubsub") == 0) return CLIENT_CLASS_PUBSUB;
    return -1;
}

static int obuf_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    ClientBufferLimit next[CLIENT_CLASS_COUNT];
    memcpy(next, server.cfg.obuf_limits, sizeof(next));
    /* "" names no class: accepted, nothing changes (as in Valkey). */
    if (empty_single_arg(argv, argc)) argc = 0;
    if (argc % 4) {
        *err = "Wrong number of arguments in buffer limit configuration.";
        return 0;
    }
    for (int i = 0; i < argc; i += 4) {
        int cls = config_obuf_class(argv[i]);
        if (cls < 0) {
            *err = "Invalid client class specified in buffer limit configuration.";
            return 0;
        }
        unsigned long long hard, soft;
        long long secs;
        if (!config_parse_memory(argv[i + 1], &hard) || !config_parse_memory(argv[i + 2], &soft) ||
            !str_to_ll(argv[i + 3], strlen(argv[i + 3]), &secs) || secs < 0) {
            *err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            return 0;
        }
        next[cls].hard = hard;
        next[cls].soft = soft;
        next[cls].soft_seconds = secs;
    }
    if (memcmp(next, server.cfg.obuf_limits, sizeof(next)) == 0) return 2;
    memcpy(server.cfg.obuf_limits, next, sizeof(next));
    return 1;
}

static Str *obuf_get(const ConfigDef *d) {
    (void)d;
    Str *s = str_new("", 0);
    for (int i = 0; i < CLIENT_CLASS_COUNT; i++) {
        const ClientBufferLimit *l = &server.cfg.obuf_limits[i];
        s = str_catfmt(s, "%s%s %llu %llu %lld", i ? " " : "", obuf_class_names[i], l->hard, l->soft,
                       l->soft_seconds);
    }
    return s;
}

static void obuf_rewrite(const ConfigDef *d, RewriteLines *out) {
    (void)d;
    for (int i = 0; i < CLIENT_CLASS_COUNT; i++) {
        const ClientBufferLimit *l = &server.cfg.obuf_limits[i];
        char hard[32], soft[32];
        config_format_memory(hard, sizeof(hard), l->hard);
        config_format_memory(soft, sizeof(soft), l->soft);
        lines_add(out, str_catfmt(str_new("", 0), "client-output-buffer-limit %s %s %s %lld", obuf_class_names[i],
                                  hard, soft, l->soft_seconds));
    }
}

static const ConfigSpecial special_obuf = {obuf_set, NULL, obuf_get, obuf_rewrite};

/* dir: changes the working directory; CONFIG GET shows the absolute one. */
static int dir_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    if (argc != 1) {
        *err = "wrong number of arguments";
        return 0;
    }
    if (chdir(argv[0]) == -1) {
        *err = strerror(errno);
        return 0;
    }
    char cwd[PATH_MAX];
    mem_free(server.cfg.dir);
    server.cfg.dir = mem_strdup(getcwd(cwd, sizeof(cwd)) ? cwd : argv[0]);
    return 1;
}

static Str *dir_get(const ConfigDef *d) {
    (void)d;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd))) return str_from_cstr(cwd);
    return str_from_cstr(server.cfg.dir ? server.cfg.dir : "");
}

/* dir is a single-word row: a path may hold spaces, so it is never split. */
static const ConfigSpecial special_dir = {dir_set, NULL, dir_get, rewrite_quoted};

/* notify-keyspace-events */
static int events_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    if (argc != 1) {
        *err = "wrong number of arguments";
        return 0;
    }
    int flags = config_parse_keyspace_events(argv[0]);
    if (flags < 0) {
        *err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        return 0;
    }
    if (flags == server.cfg.notify_keyspace_events) return 2;
    server.cfg.notify_keyspace_events = flags;
    return 1;
}

static Str *events_get(const ConfigDef *d) {
    (void)d;
    char buf[32];
    config_format_keyspace_events(buf, sizeof(buf), server.cfg.notify_keyspace_events);
    return str_from_cstr(buf);
}

static const ConfigSpecial special_events = {events_set, NULL, events_get, rewrite_quoted};

/* oom-score-adj-values: three adjustments (primary, replica, background
 * child); kept as text until OOM score handling exists. */
static int oom_values_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    if (argc != 3) {
        *err = "wrong number of arguments";
        return 0;
    }
    Str *s = str_new("", 0);
    for (int i = 0; i < argc; i++) {
        long long v;
        if (!str_to_ll(argv[i], strlen(argv[i]), &v) || v < -2000 || v > 2000) {
            str_free(s);
            *err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
            return 0;
        }
        s = str_catfmt(s, "%s%lld", i ? " " : "", v);
    }
    char **slot = &config_slots[config_row_index(d)].text;
    int same = *slot && strcmp(*slot, s->buf) == 0;
    if (!same) {
        mem_free(*slot);
        *slot = mem_strdup(s->buf);
    }
    str_free(s);
    if (d->off != NO_FIELD) {
        /* The numbers supervise.c writes to /proc (parsed again: all valid). */
        int *vals = row_field(d);
        for (int i = 0; i < 3; i++) {
            long long v = 0;
            str_to_ll(argv[i], strlen(argv[i]), &v);
            vals[i] = (int)v;
        }
    }
    return same ? 2 : 1;
}

static Str *text_slot_get(const ConfigDef *d) {
    const char *t = config_slots[config_row_index(d)].text;
    return str_from_cstr(t ? t : "");
}

static void text_slot_rewrite(const ConfigDef *d, RewriteLines *out) {
    const char *t = config_slots[config_row_index(d)].text;
    if (!t || !*t) return; /* nothing to write: the line goes away */
    lines_add(out, str_catfmt(str_new("", 0), "%s %s", d->name, t));
}

static const ConfigSpecial special_oom_values = {oom_values_set, NULL, text_slot_get, text_slot_rewrite};

/* latency-tracking-info-percentiles */
static int percentiles_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    (void)d;
    double vals[CONFIG_MAX_PERCENTILES];
    if (empty_single_arg(argv, argc)) argc = 0;
    if (argc > CONFIG_MAX_PERCENTILES) {
        snprintf(config_errbuf, sizeof(config_errbuf),
                 "latency-tracking-info-percentiles accepts at most %d values", CONFIG_MAX_PERCENTILES);
        *err = config_errbuf;
        return 0;
    }
    for (int i = 0; i < argc; i++) {
        if (!str_to_double(argv[i], strlen(argv[i]), &vals[i])) {
            *err = "Invalid latency-tracking-info-percentiles parameters";
            return 0;
        }
        if (vals[i] < 0.0 || vals[i] > 100.0) {
            *err = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
            return 0;
        }
    }
    for (int i = 0; i < argc; i++) server.cfg.latency_percentiles[i] = vals[i];
    server.cfg.latency_percentiles_count = argc;
    return 1;
}

static Str *percentiles_get(const ConfigDef *d) {
    (void)d;
    Str *s = str_new("", 0);
    for (int i = 0; i < server.cfg.latency_percentiles_count; i++) {
        char buf[64];
        int n = snprintf(buf, sizeof(buf), "%f", server.cfg.latency_percentiles[i]);
        /* "%f" then drop trailing zeros and a bare point: 99.900000 -> 99.9 */
        if (strchr(buf, '.')) {
            while (n > 0 && buf[n - 1] == '0') n--;
            if (n > 0 && buf[n - 1] == '.') n--;
        }
        if (i) s = str_cat(s, " ", 1);
        s = str_cat(s, buf, (size_t)n);
    }
    return s;
}

static const ConfigSpecial special_percentiles = {percentiles_set, NULL, percentiles_get, rewrite_words};

/* replicaof <host> <port> | no one (kept as text until replication). */
static int replicaof_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    char **slot = &config_slots[config_row_index(d)].text;
    if (empty_single_arg(argv, argc)) argc = 0; /* restoring an unset value */
    if (argc == 0 || (argc == 2 && strcasecmp(argv[0], "no") == 0 && strcasecmp(argv[1], "one") == 0)) {
        if (!*slot) return 2;
        mem_free(*slot);
        *slot = NULL;
        return 1;
    }
    if (argc != 2) {
        *err = "wrong number of arguments";
        return 0;
    }
    long long port;
    if (!str_to_ll(argv[1], strlen(argv[1]), &port) || port < 0 || port > 65535) {
        *err = "Invalid master port";
        return 0;
    }
    Str *s = str_catfmt(str_new("", 0), "%s %lld", argv[0], port);
    mem_free(*slot);
    *slot = mem_strdup(s->buf);
    str_free(s);
    return 1;
}

static const ConfigSpecial special_replicaof = {replicaof_set, NULL, text_slot_get, text_slot_rewrite};

/* requirepass: binary-safe, so a password may hold any byte ("abc\0def"
 * set with CONFIG SET, or as "abc\x00def" in the config file); "" unsets
 * it (the default user then needs no password). */
static int password_set_bin(const ConfigDef *d, const char *p, size_t len, const char **err) {
    (void)err;
    Str **slot = row_field(d);
    if (len == 0) {
        if (!*slot) return 2;
        str_free(*slot);
        *slot = NULL;
        return 1;
    }
    if (*slot && (*slot)->len == len && memcmp((*slot)->buf, p, len) == 0) return 2;
    if (*slot) str_free(*slot);
    *slot = str_new(p, len);
    return 1;
}

static int password_set(const ConfigDef *d, char **argv, int argc, const char **err) {
    if (argc != 1) {
        *err = "wrong number of arguments";
        return 0;
    }
    return password_set_bin(d, argv[0], strlen(argv[0]), err);
}

static Str *password_get(const ConfigDef *d) {
    Str *const *slot = row_field(d);
    return *slot ? str_new((*slot)->buf, (*slot)->len) : str_new("", 0);
}

static void password_rewrite(const ConfigDef *d, RewriteLines *out) {
    Str *const *slot = row_field(d);
    if (!*slot) return; /* unset: the directive goes away */
    lines_add(out, str_cat_repr(str_catfmt(str_with_capacity(64), "%s ", d->name), (*slot)->buf, (*slot)->len));
}

static const ConfigSpecial special_password = {password_set, password_set_bin, password_get, password_rewrite};

/* ---------------------------------------------------------------- init */

void config_init(void) {
    char cwd[PATH_MAX];
    server.cfg.dir = mem_strdup(getcwd(cwd, sizeof(cwd)) ? cwd : ".");
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const ConfigDef *d = &config_table[i];
        const char *err = NULL;
        if (d->def && config_row_set_text(d, d->def, &err) == 0) {
            /* A default that does not parse is a bug in the table above. */
            fprintf(stderr, "config: bad built-in default for '%s': %s\n", d->name, err ? err : "?");
            abort();
        }
        Str *v = config_row_get(d);
        config_slots[i].def_text = mem_strdup(v->buf);
        str_free(v);
    }
}

void config_log_unsupported(void) {
    Str *list = str_new("", 0);
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const ConfigDef *d = &config_table[i];
        if (config_row_supported(d) || config_row_is_default(d)) continue;
        /* "save" with nothing to save asks for what we do anyway. */
        if (d->special == &special_save && server.cfg.save_params_count == 0) continue;
        list = str_catfmt(list, "%s%s", list->len ? ", " : "", d->name);
    }
    for (int i = 0; i < IGNORED_MAX && config_ignored[i].name; i++) {
        list = str_catfmt(list, "%s%s", list->len ? ", " : "", config_ignored[i].name);
        if (config_ignored[i].count > 1) list = str_catfmt(list, " (x%d)", config_ignored[i].count);
    }
    if (list->len)
        server_log(LL_WARNING, "These directives are accepted but have no effect in this version: %s", list->buf);
    str_free(list);
}

char *config_get_value(const char *name) {
    const ConfigDef *d = config_lookup(name);
    if (!d) return NULL;
    Str *v = config_row_get(d);
    char *res = mem_strndup(v->buf, v->len);
    str_free(v);
    return res;
}

/* ------------------------------------------------------ lines to write */

/* The lines CONFIG REWRITE writes for a row, as they would be read back. */
void config_row_rewrite_lines(const ConfigDef *d, RewriteLines *out) {
    if (d->type == CT_SPECIAL) {
        d->special->rewrite(d, out);
        return;
    }
    Str *line = str_catfmt(str_new("", 0), "%s ", d->name);
    if (d->type == CT_STRING) {
        const char *v = *str_slot(d);
        if (!v) {
            /* Unset: the directive must vanish from the file. */
            str_free(line);
            return;
        }
        line = str_cat_repr(line, v, strlen(v));
    } else if ((d->flags & CF_MEMORY) && (d->type == CT_ULL || num_load(d) >= 0)) {
        /* Memory sizes go back in units ("1gb"); percentages as "N%". */
        char buf[32];
        config_format_memory(buf, sizeof(buf), (unsigned long long)num_load(d));
        line = str_cat_cstr(line, buf);
    } else {
        Str *v = config_row_get(d);
        line = str_cat(line, v->buf, v->len);
        str_free(v);
    }
    lines_add(out, line);
}
