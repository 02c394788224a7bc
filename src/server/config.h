/* config.h - every configuration directive's current value, and the config
 * table API.  The table in config.c is the one description of directives
 * (name, alias, type, default, bounds, setter): the config file parser,
 * command-line overrides, CONFIG GET/SET/REWRITE all read it (the file
 * work is in config_file.c, the command in config_cmd.c; they reach the
 * table through config_internal.h).
 *
 * Invariant: ServerConfig holds only validated values; a setter that
 * fails leaves the old value in place (CONFIG SET is all-or-nothing). */
#ifndef SERVER_CONFIG_H
#define SERVER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/str.h"

#define CONFIG_MAX_BIND 16
/* Most entries latency-tracking-info-percentiles may hold. */
#define CONFIG_MAX_PERCENTILES 16
/* Most "save <seconds> <changes>" pairs (save_params holds twice this). */
#define CONFIG_MAX_SAVE_PARAMS 16

/* notify-keyspace-events classes, with Valkey's bit values. */
#define NOTIFY_KEYSPACE (1 << 0)  /* K */
#define NOTIFY_KEYEVENT (1 << 1)  /* E */
#define NOTIFY_GENERIC (1 << 2)   /* g */
#define NOTIFY_STRING (1 << 3)    /* $ */
#define NOTIFY_LIST (1 << 4)      /* l */
#define NOTIFY_SET (1 << 5)       /* s */
#define NOTIFY_HASH (1 << 6)      /* h */
#define NOTIFY_ZSET (1 << 7)      /* z */
#define NOTIFY_EXPIRED (1 << 8)   /* x */
#define NOTIFY_EVICTED (1 << 9)   /* e */
#define NOTIFY_STREAM (1 << 10)   /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m (not part of A) */
#define NOTIFY_LOADED (1 << 12)   /* module only, no letter */
#define NOTIFY_MODULE (1 << 13)   /* d */
#define NOTIFY_NEW (1 << 14)      /* n (not part of A) */
#define NOTIFY_ALL (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | \
                    NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

/* shutdown-on-sigint / shutdown-on-sigterm flags (0 is "default"). */
enum { SHUTDOWN_ON_SIG_SAVE = 1, SHUTDOWN_ON_SIG_NOSAVE = 2, SHUTDOWN_ON_SIG_NOW = 4,
       SHUTDOWN_ON_SIG_FORCE = 8 };

enum { LL_DEBUG = 0, LL_VERBOSE, LL_NOTICE, LL_WARNING, LL_NOTHING };
enum { MAXMEMORY_NOEVICTION = 0, MAXMEMORY_ALLKEYS_LRU, MAXMEMORY_VOLATILE_LRU,
       MAXMEMORY_ALLKEYS_LFU, MAXMEMORY_VOLATILE_LFU, MAXMEMORY_ALLKEYS_RANDOM,
       MAXMEMORY_VOLATILE_RANDOM, MAXMEMORY_VOLATILE_TTL };
enum { PROTECTED_NO = 0, PROTECTED_YES, PROTECTED_LOCAL }; /* enable-debug-command etc. */
enum { SUPERVISED_NO = 0, SUPERVISED_UPSTART, SUPERVISED_SYSTEMD, SUPERVISED_AUTO };
enum { APPENDFSYNC_NO = 0, APPENDFSYNC_ALWAYS, APPENDFSYNC_EVERYSEC };
enum { SANITIZE_DUMP_NO = 0, SANITIZE_DUMP_YES, SANITIZE_DUMP_CLIENTS };

/* Output buffer limits for one client class (normal, replica, pubsub). */
typedef struct ClientBufferLimit {
    unsigned long long hard;
    unsigned long long soft;
    long long soft_seconds;
} ClientBufferLimit;

enum { CLIENT_CLASS_NORMAL = 0, CLIENT_CLASS_REPLICA, CLIENT_CLASS_PUBSUB, CLIENT_CLASS_COUNT };

typedef struct ServerConfig {
    /* networking */
    char *bind[CONFIG_MAX_BIND]; /* addresses; a leading '-' means optional */
    int bind_count;
    int port;
    int tcp_backlog;
    int tcp_keepalive;
    int timeout;               /* idle client timeout, seconds; 0 = never */
    unsigned int maxclients;
    unsigned int max_new_conns_per_cycle; /* accepts per listener per loop iteration */
    char *unixsocket;          /* NULL when unset */
    unsigned int unixsocketperm;
    int protected_mode;
    long long proto_max_bulk_len;
    unsigned long long client_query_buffer_limit;
    ClientBufferLimit obuf_limits[CLIENT_CLASS_COUNT];
    Str *requirepass;          /* NULL when unset; binary-safe ("abc\0def") */
    unsigned long acllog_max_len;
    /* general */
    int databases;
    int hz;
    int dynamic_hz;
    char *dir;
    int daemonize;
    char *pidfile;             /* NULL when unset */
    char *logfile;             /* "" logs to stdout */
    int loglevel;
    int always_show_logo;
    int supervised;
    int enable_debug_command;
    int enable_protected_configs;
    int enable_module_command;
    int activerehashing;
    int active_expire_effort;
    int lazyfree_lazy_user_del;
    int lazyfree_lazy_user_flush;
    int lazyfree_lazy_expire;
    int lazyfree_lazy_server_del;
    int latency_tracking;
    long long slowlog_log_slower_than;
    unsigned long slowlog_max_len;
    long long latency_monitor_threshold;
    /* memory */
    unsigned long long maxmemory;
    int maxmemory_policy;
    int maxmemory_samples;
    int lfu_log_factor;
    int lfu_decay_time;
    /* encodings (kept for the types that come later) */
    size_t hash_max_listpack_entries;
    size_t hash_max_listpack_value;
    int list_max_listpack_size;
    int list_compress_depth;
    size_t set_max_intset_entries;
    size_t set_max_listpack_entries;
    size_t set_max_listpack_value;
    size_t zset_max_listpack_entries;
    size_t zset_max_listpack_value;
    size_t stream_node_max_bytes;
    long long stream_node_max_entries;
    size_t hll_sparse_max_bytes;
    /* persistence (later issues) */
    int appendonly;
    int appendfsync;
    char *appendfilename;
    char *appenddirname;
    char *dbfilename;
    int save_params_count;
    long long save_params[32]; /* pairs: seconds, changes */
    /* RDB snapshots and DUMP/RESTORE (src/persist/) */
    int rdb_compression;
    int rdb_checksum;
    int rdb_del_sync_files;
    int rdb_save_incremental_fsync;
    int stop_writes_on_bgsave_error;
    int sanitize_dump_payload;           /* SANITIZE_DUMP_* */
    /* CPU affinity (cpu_affinity.h), NULL or "" for none */
    char *server_cpulist;
    char *bio_cpulist;
    char *aof_rewrite_cpulist;
    char *bgsave_cpulist;
    int rdb_key_save_delay;              /* test hook: microseconds per key saved */
    int key_load_delay;                  /* test hook: microseconds per key loaded */
    long long loading_process_events_interval_bytes;
    /* added with config.c (flagged unsupported in its table until the
     * feature reads them; remove the flag there when it does) */
    int notify_keyspace_events;          /* NOTIFY_* bits */
    double latency_percentiles[CONFIG_MAX_PERCENTILES];
    int latency_percentiles_count;
    int lazyfree_lazy_eviction;
    int maxmemory_eviction_tenacity;
    long long maxmemory_clients;         /* bytes, or -N meaning N% of maxmemory */
    long long busy_reply_threshold;      /* ms (alias lua-time-limit) */
    int shutdown_timeout;                /* seconds */
    int shutdown_on_sigint;              /* SHUTDOWN_ON_SIG_* bits */
    int shutdown_on_sigterm;
    /* ---- read by crash.c and supervise.c (connection/lifecycle work) */
    int crash_log_enabled;
    int use_exit_on_panic;
    /* hidden, test-oriented directives (not listed by CONFIG GET *) */
    int enable_debug_assert;             /* debug_assert() checks on */
    char *debug_context;                 /* free text shown in crash reports */
    int client_default_resp;             /* protocol of new connections: 2 or 3 */
    int set_proc_title;
    char *proc_title_template;
    int oom_score_adj;                   /* OOM_SCORE_ADJ_* */
    int oom_score_adj_values[3];         /* primary, replica, background child */
} ServerConfig;

enum { OOM_SCORE_ADJ_NO = 0, OOM_SCORE_ADJ_YES = 1, OOM_SCORE_RELATIVE = 2, OOM_SCORE_ABSOLUTE = 3 };

struct Client;

/* Fill server.cfg with every directive's default. */
void config_init(void);
/* Apply a config file (may be NULL) and then the command-line options
 * (already joined as "directive value" lines).  On any error prints
 * "*** FATAL CONFIG FILE ERROR ***" with the line and reason on stderr and
 * exits(1). Remembers the file's absolute path for CONFIG REWRITE. */
void config_load(const char *path, const char *cmdline_options);
/* Logs, once, the directives that were set but whose feature does not
 * exist here yet. */
void config_log_unsupported(void);
/* Value of a directive as CONFIG GET prints it, or NULL if unknown.
 * The result is a newly allocated string (mem_free it). */
char *config_get_value(const char *name);

/* Pure helpers, exposed for unit tests and for other modules. */
/* Parses a memory size: digits with an optional unit b, k (1000), kb
 * (1024), m, mb, g, gb, case-insensitive.  Returns 1 and sets *out, or 0. */
int config_parse_memory(const char *s, unsigned long long *out);
/* "yes" -> 1, "no" -> 0 (case-insensitive), anything else -> -1. */
int config_parse_bool(const char *s);
/* Value of a name in one of the table's enums (e.g. "maxmemory-policy",
 * "allkeys-lru"), or -1 if the directive has no such name. */
/* Memory size as CONFIG REWRITE writes it: "1gb", "64mb", "4kb" or bytes. */
void config_format_memory(char *buf, size_t len, unsigned long long v);
/* notify-keyspace-events text <-> NOTIFY_* bits; parse returns -1 on an
 * unknown letter.  format writes at most 20 bytes plus NUL. */
int config_parse_keyspace_events(const char *s);
void config_format_keyspace_events(char *buf, size_t len, int flags);
/* Whether a setting of enable-debug-command, enable-protected-configs or
 * enable-module-command (PROTECTED_*) lets client c proceed: "local" means
 * a Unix socket or a loopback peer. */
int config_allows_protected(int setting, const struct Client *c);

/* DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE that writes every
 * directive, defaults included.  Returns 0, or -1 with errno set. */
int config_rewrite_force_all(const char *path);

/* ------------------------------------------- hooks the server provides */
/* CONFIG RESETSTAT: zero the statistics INFO reports. */
void server_reset_stats(void);

#endif
