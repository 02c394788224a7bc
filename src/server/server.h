/* server.h - the server's global state and the APIs the command layers use.
 *
 * One struct for the server (`server`), one per client, one per database;
 * nothing else in the program keeps mutable globals.  Layers above
 * (types/, persist/, main.c) use the keyspace API (db_*), the object API
 * (kv_*) and the reply API (reply_*); they never touch a client's buffers.
 *
 * Invariants:
 *  - all commands run on the main thread; server.now_ms is fixed for the
 *    duration of one command so a key cannot expire half-way through it;
 *  - a reply is only sent after everything the command wrote is durable
 *    per the persistence policy (before_sleep orders the two). */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../ds/alloc.h"
#include "../ds/htable.h"
#include "../ds/str.h"
#include "../net/event.h"
#include "../net/resp_parser.h"
#include "config.h"

#define SERVER_NAME "valkey"
#define SERVER_VERSION "8.0.0"          /* the Valkey level we match */
#define REDIS_COMPAT_VERSION "7.2.4"    /* what clients read as redis_version */
#define OUR_VERSION "0.1.0"             /* this project's own release */

/* ---------------------------------------------------------------- objects */

/* Value types, numbered as in the RDB format's object types. */
enum { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6 };
/* Encodings, named as OBJECT ENCODING prints them. */
enum { ENC_RAW = 0, ENC_INT = 1, ENC_HASHTABLE = 2, ENC_INTSET = 6, ENC_SKIPLIST = 7,
       ENC_EMBSTR = 8, ENC_QUICKLIST = 9, ENC_STREAM = 10, ENC_LISTPACK = 11 };

/* A string is stored inside the key's allocation (ENC_EMBSTR) when key and
 * value together are this short, counting 8 more bytes for a TTL: the
 * point where Valkey 8 stops embedding, so OBJECT ENCODING agrees. */
#define EMBSTR_MAX_COMBINED 39
#define LRU_BITS 24
#define LRU_CLOCK_MAX ((1u << LRU_BITS) - 1)

/* A key with its value, stored as one allocation (layout in object.c).
 * The struct is opaque: only object.c reads its bytes. */
typedef struct Kv Kv;

/* A read-only view of a string value; ibuf backs integer-encoded ones. */
typedef struct StrView {
    const char *p;
    size_t len;
    char ibuf[24];
} StrView;

/* with_ttl says whether a TTL will be set: it changes what fits inline. */
Kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl);
/* Stores the value as ENC_INT when it is the canonical text of an integer. */
Kv *kv_new_string_auto(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl);
Kv *kv_new_int(const char *key, size_t klen, long long v);
/* A string value that is always ENC_RAW (for values modified in place). */
Kv *kv_new_raw(const char *key, size_t klen, Str *val);
/* A value of another type: takes ownership of ptr. */
Kv *kv_new_ptr(const char *key, size_t klen, int type, int encoding, void *ptr);
void kv_free(Kv *kv);
const char *kv_key(const Kv *kv, size_t *len);
int kv_type(const Kv *kv);
int kv_encoding(const Kv *kv);
const char *kv_type_name(int type);
const char *kv_encoding_name(int encoding);
int kv_has_expire(const Kv *kv);
int64_t kv_expire(const Kv *kv); /* -1 when none */
/* Returns a new Kv (the old one is freed) with the key and value moved. */
Kv *kv_with_expire(Kv *kv, int64_t when_ms);
Kv *kv_without_expire(Kv *kv);
/* A new entry with the same value under another key (for RENAME/MOVE/COPY
 * of strings the value is copied; for pointer types the pointer moves). */
Kv *kv_rekey(Kv *kv, const char *key, size_t klen);
Kv *kv_dup(const Kv *kv, const char *key, size_t klen);
void kv_string_view(const Kv *kv, StrView *v);
/* Returns 1 and sets *out if the value is ENC_INT. */
int kv_get_int(const Kv *kv, long long *out);
Str *kv_get_raw(const Kv *kv); /* ENC_RAW string value */
void *kv_get_ptr(const Kv *kv);
/* ENC_INT values change in place (no reallocation). */
void kv_set_int_in_place(Kv *kv, long long v);
/* Point an ENC_RAW entry at a (reallocated) Str. */
void kv_set_raw(Kv *kv, Str *s);
/* Copy the table links of src into dst, so dst can take src's place. */
void kv_copy_links(Kv *dst, const Kv *src);
uint32_t kv_lru(const Kv *kv);
void kv_touch(Kv *kv);
size_t kv_mem_usage(const Kv *kv);
/* Chain links for the db tables. */
extern const HtType kv_keys_httype;
extern const HtType kv_expires_httype;

/* ------------------------------------------------------------ databases */

typedef struct Db {
    Htable *keys;
    Htable *expires;  /* the subset of keys with a TTL, linked a second time */
    int id;
    uint64_t expire_cursor;
    long long avg_ttl;
} Db;

/* -------------------------------------------------------------- clients */

#define CLIENT_CLOSE_AFTER_REPLY (1u << 0)
#define CLIENT_CLOSE_ASAP (1u << 1)
#define CLIENT_PENDING_WRITE (1u << 2)
#define CLIENT_UNIX_SOCKET (1u << 3)
#define CLIENT_AUTHENTICATED (1u << 4)
#define CLIENT_NO_TOUCH (1u << 6)
#define CLIENT_NO_EVICT (1u << 7)
#define CLIENT_REPLY_OFF (1u << 8)
#define CLIENT_REPLY_SKIP_NEXT (1u << 9)
#define CLIENT_REPLY_SKIP (1u << 10)
/* ---- connection/lifecycle work (client_cmds.c, dispatch.c): pause */
#define CLIENT_PAUSED_WAIT (1u << 20) /* in server.paused_head: command postponed by CLIENT PAUSE */
#define CLIENT_CMD_READY (1u << 21)   /* the parser holds a complete command to run next */
#define CLIENT_CAPA_REDIRECT (1u << 22) /* CLIENT CAPA redirect */

#define CLIENT_REPLY_CHUNK (16 * 1024)

typedef struct ReplyBlock {
    struct ReplyBlock *next;
    size_t size;
    size_t used;
    char buf[];
} ReplyBlock;

/* A command argument: a view into the query buffer, valid while the
 * command runs. */
typedef struct Arg {
    const char *p;
    size_t len;
} Arg;

struct Command;

typedef struct Client {
    uint64_t id;
    int fd;
    uint32_t flags;
    int resp;            /* 2 or 3 */
    Db *db;
    Str *name;           /* NULL when unset */
    Str *lib_name;
    Str *lib_ver;
    char addr[64];
    char laddr[64];
    /* input */
    char *qbuf;
    size_t qlen, qcap;
    size_t qbuf_peak;
    RespParser parser;
    int argc;
    Arg *argv;
    int argv_cap;
    struct Command *cmd, *last_cmd;
    /* output: a fixed chunk, then a list of blocks */
    char *obuf;
    size_t opos;
    size_t sent;             /* bytes of the first pending piece already written */
    ReplyBlock *reply_head, *reply_tail;
    size_t reply_bytes;      /* bytes in the block list */
    int64_t obuf_soft_since_ms; /* when the soft limit was first exceeded, 0 if not */
    /* bookkeeping */
    int64_t ctime_ms;
    int64_t last_interaction_ms;
    uint64_t commands_processed;
    uint64_t net_in, net_out;
    uint64_t errors_replied;  /* error replies sent, for failed_calls */
    struct Client *prev, *next;        /* server.clients list */
    struct Client *pending_next;       /* server.pending_writes list */
    struct Client *close_next;         /* server.clients_to_close list */
    /* ---- connection/lifecycle work */
    struct Client *paused_next;        /* server.paused_head list (FIFO) */
    size_t obuf_peak;                  /* rbp: most bytes the reply chunk held */
    /* ---- observability (monitor.c) */
    int monitor_slot;                  /* index in server.monitors + 1; 0 when not a monitor */
} Client;

/* ------------------------------------------------------------- commands */

typedef void command_proc(Client *c);

#define CMD_WRITE (1ULL << 0)
#define CMD_READONLY (1ULL << 1)
#define CMD_DENYOOM (1ULL << 2)
#define CMD_ADMIN (1ULL << 3)
#define CMD_PUBSUB (1ULL << 4)
#define CMD_NOSCRIPT (1ULL << 5)
#define CMD_BLOCKING (1ULL << 6)
#define CMD_LOADING (1ULL << 7)
#define CMD_STALE (1ULL << 8)
#define CMD_SKIP_MONITOR (1ULL << 9)
#define CMD_SKIP_SLOWLOG (1ULL << 10)
#define CMD_ASKING (1ULL << 11)
#define CMD_FAST (1ULL << 12)
#define CMD_NO_AUTH (1ULL << 13)
#define CMD_MAY_REPLICATE (1ULL << 14)
#define CMD_SENTINEL (1ULL << 15)
#define CMD_ONLY_SENTINEL (1ULL << 16)
#define CMD_NO_MANDATORY_KEYS (1ULL << 17)
#define CMD_PROTECTED (1ULL << 18)
#define CMD_MODULE (1ULL << 19)
#define CMD_NO_ASYNC_LOADING (1ULL << 20)
#define CMD_NO_MULTI (1ULL << 21)
#define CMD_MOVABLE_KEYS (1ULL << 22)
#define CMD_ALLOW_BUSY (1ULL << 23)
#define CMD_TOUCHES_ARBITRARY_KEYS (1ULL << 24)

typedef struct Command {
    const char *name;        /* lower case; subcommands hold only their part */
    int arity;               /* N exact, -N at least N */
    const char *flags_text;  /* space-separated, as COMMAND INFO lists them */
    int first_key, last_key, key_step;
    command_proc *proc;
    const char *group;
    const char *since;
    struct Command *subcommands; /* array ended by a NULL name, or NULL */
    /* filled at start-up */
    uint64_t flags;
    struct Command *parent;
    char *fullname;          /* "config|get" */
    void *ht_next;           /* command table link */
    /* statistics */
    uint64_t calls, usec, rejected_calls, failed_calls;
    /* ---- observability (latency.c): the per-command latency histogram,
     * allocated on the first call while latency-tracking is on */
    struct Histogram *latency_hist;
    /* ---- COMMAND reflection (command_cmds.c): parsed key specs and
     * documentation, built by command_meta_init(); NULL until then */
    struct CommandMeta *meta;
} Command;

/* ---- COMMAND INFO/DOCS/GETKEYS (server/command_cmds.c) ----
 * The documentation of each command lives in src/command_docs.c, one row
 * per full name ("get", "client|kill"), in compact text forms parsed once
 * at start-up.  That upper layer registers command_doc_lookup before
 * main() runs, so this layer never includes it. */
typedef struct CommandDoc {
    const char *name;         /* full name, lower case */
    const char *acl;          /* ACL categories beyond those the flags imply */
    const char *key_specs;    /* "1/range:0,1,0/RW|ACCESS;keyword:STORE:6/..." */
    const char *summary;      /* NULL: not written yet (the check reports it) */
    const char *complexity;
    const char *args;         /* argument tree, grammar in command_docs.c */
    const char *tips;         /* space-separated */
    const char *history;      /* "version text|version text" */
    const char *doc_flags;    /* "deprecated", "syscmd" */
    const char *deprecated_since;
    const char *replaced_by;
} CommandDoc;

extern const CommandDoc *(*command_doc_lookup)(const char *fullname);
/* Parses every command's key specs and docs; logs what is missing. */
void command_meta_init(void);
/* The keys of a command line (argv[0] is the command's name) found by the
 * key specs: argument indexes into keys[], access flags (KEYSPEC_*) into
 * flags[] when not NULL.  Returns the count, or -1 when the arguments do
 * not fit the specs. */
int command_get_keys(Command *cmd, Arg *argv, int argc, int *keys, uint32_t *flags, int max);

/* --------------------------------------------------------------- server */

typedef struct ErrorStat {
    void *ht_next;
    uint64_t count;
    char code[];
} ErrorStat;

typedef struct Stats {
    uint64_t connections_received;
    uint64_t commands_processed;
    uint64_t rejected_connections;
    uint64_t expired_keys;
    uint64_t expired_stale_perc_x100;
    uint64_t expired_time_cap_reached;
    uint64_t expire_cycle_cpu_ms;
    uint64_t evicted_keys;
    uint64_t keyspace_hits;
    uint64_t keyspace_misses;
    uint64_t net_input_bytes;
    uint64_t net_output_bytes;
    uint64_t total_error_replies;
    uint64_t unexpected_error_replies;
    uint64_t total_reads;
    uint64_t total_writes;
    uint64_t qbuf_limit_disconnections;
    uint64_t obuf_limit_disconnections;
    uint64_t eventloop_cycles;
    uint64_t eventloop_duration_sum_us;
    uint64_t eventloop_duration_cmd_sum_us;
    /* instantaneous metrics: samples taken every 100ms */
    uint64_t inst_last_sample_ms;
    uint64_t inst_last_commands;
    uint64_t inst_last_in, inst_last_out;
    uint64_t inst_ops[16], inst_in[16], inst_out[16];
    int inst_idx;
} Stats;

typedef struct Server {
    ServerConfig cfg;
    char *config_file;       /* absolute path or NULL */
    char *executable;        /* absolute path of the binary */
    pid_t pid;
    char run_id[41];
    uint8_t hash_seed[16];
    EventLoop *loop;
    int listen_fds[CONFIG_MAX_BIND];
    int listen_count;
    int unix_fd;
    Db *dbs;
    int db_count;            /* databases as allocated at start-up */
    Htable *commands;
    Command *cmd_table;      /* the static table from commands.c */
    Htable *error_stats;
    Client *clients;         /* doubly linked, newest first */
    uint64_t client_count;
    Client *pending_writes;
    Client *clients_to_close;
    Client *current_client;
    uint64_t next_client_id;
    /* time */
    int64_t now_ms;          /* cached wall clock, fixed during a command */
    int64_t start_time_ms;
    uint64_t start_mono_us;
    uint32_t lru_clock;
    long long cron_timer_id;
    uint64_t cronloops;
    int active_expire_enabled;
    int shutdown_asap;
    int exit_code;
    size_t used_memory_peak;
    size_t used_memory_startup;
    size_t rss_cached;       /* RSS sampled in cron (reading it costs a syscall) */
    uint64_t dirty;          /* changes since the last save */
    int64_t lastsave_s;
    Stats stat;
    /* logging */
    int log_to_stdout;
    int daemonized;
    /* ---- connection/lifecycle work: CLIENT PAUSE, shutdown, crash */
    int pause_type;            /* PAUSE_NONE, PAUSE_WRITE or PAUSE_ALL */
    int64_t pause_end_ms;      /* wall-clock ms when the pause ends */
    long long pause_timer_id;  /* one-shot timer ending the pause, or -1 */
    Client *paused_head, *paused_tail; /* postponed clients, resumed in order */
    uint64_t paused_count;
    int shutdown_flags;        /* SHUTDOWN_* of the pending shutdown_asap */
    int shutdown_by_signal;    /* the pending shutdown came from SIGINT/SIGTERM */
    char replid[41];           /* replication id (DEBUG CHANGE-REPL-ID renews it) */
    /* ---- observability (slowlog.c, latency.c, monitor.c) */
    struct SlowlogEntry *slowlog_head, *slowlog_tail; /* newest first */
    uint64_t slowlog_len;
    uint64_t slowlog_next_id;
    struct LatencyEvent *latency_events;              /* latency monitor: a short list */
    Client **monitors;                                /* clients in MONITOR mode */
    int monitor_count, monitor_cap;
} Server;

extern Server server;

/* ------------------------------------------------------------- logging */

void server_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Async-signal-safe enough for signal handlers: no allocation. */
void server_log_raw(int level, const char *msg);

/* --------------------------------------------------------------- replies */

void reply_raw(Client *c, const char *p, size_t len);
void reply_simple(Client *c, const char *s);        /* +s */
void reply_ok(Client *c);
/* msg without a leading '-' is sent as "-ERR msg"; "-CODE msg" is sent as is. */
void reply_error(Client *c, const char *msg);
void reply_error_len(Client *c, const char *msg, size_t len);
void reply_errorf(Client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_int(Client *c, long long v);
void reply_bulk(Client *c, const char *p, size_t len);
void reply_bulk_cstr(Client *c, const char *s);
void reply_bulk_ll(Client *c, long long v);
void reply_bulk_str(Client *c, const Str *s);
void reply_null(Client *c);           /* null bulk: $-1 / _ */
void reply_null_array(Client *c);     /* *-1 / _ */
void reply_array_len(Client *c, long long n);
void reply_map_len(Client *c, long long n);   /* RESP2: array of 2n */
void reply_set_len(Client *c, long long n);   /* RESP2: array */
void reply_double(Client *c, double d);
void reply_bool(Client *c, int b);
void reply_verbatim(Client *c, const char *p, size_t len, const char *ext);
void reply_bignum(Client *c, const char *digits, size_t len); /* RESP2: bulk */
/* RESP3 attribute map header; RESP2 has no attributes, so the caller must
 * skip the attribute's body too (returns 0 then). */
int reply_attribute_len(Client *c, long long n);
void reply_push_len(Client *c, long long n);  /* RESP2: array */
/* Replies with a help array: a title line followed by lines (NULL ended). */
void reply_help(Client *c, const char **lines);
void reply_wrong_arity(Client *c, const char *fullname);
void reply_syntax_error(Client *c);
void reply_wrong_type(Client *c);
void reply_not_integer(Client *c);
void reply_unknown_subcommand(Client *c);
/* Common errors as shared text. */
#define ERR_SYNTAX "syntax error"
#define ERR_WRONGTYPE "-WRONGTYPE Operation against a key holding the wrong kind of value"
#define ERR_NOT_INTEGER "value is not an integer or out of range"
#define ERR_NOT_FLOAT "value is not a valid float"
#define ERR_NO_SUCH_KEY "no such key"
#define ERR_DB_INDEX "DB index is out of range"
#define ERR_OVERFLOW "increment or decrement would overflow"

/* Argument helpers: parse or reply with the standard error and return 0. */
int arg_equals(const Arg *a, const char *s);  /* case-insensitive */
int arg_to_ll(Client *c, const Arg *a, long long *out);
int arg_to_ll_msg(Client *c, const Arg *a, long long *out, const char *errmsg);
int arg_to_ld(Client *c, const Arg *a, long double *out);
int arg_to_double(Client *c, const Arg *a, double *out);

/* --------------------------------------------------------------- keyspace */

/* Looks a key up for reading: expires it if due, counts a hit or a miss,
 * updates its access time. */
Kv *db_lookup_read(Client *c, Db *db, const Arg *key);
/* Looks a key up for writing: expires it if due, no statistics. */
Kv *db_lookup_write(Db *db, const Arg *key);
/* Neither expiry nor statistics (for KEYS/SCAN filtering and internals). */
Kv *db_find(Db *db, const char *key, size_t len);
/* Adds a key that does not exist. */
void db_add(Db *db, Kv *kv);
/* Stores kv as the key's value, replacing (and freeing) any old value.
 * With keep_ttl the old TTL carries over; otherwise kv's own TTL (if any)
 * applies. Returns the entry as stored (may differ from kv). */
Kv *db_set(Db *db, Kv *kv, int keep_ttl);
/* Swap old for new under the same key (new takes old's place in the
 * tables; old is NOT freed). Both must have the same TTL state. */
void db_replace(Db *db, Kv *old_kv, Kv *new_kv);
int db_delete(Db *db, const char *key, size_t len);
/* Removes the entry from the tables without freeing it. */
Kv *db_unlink(Db *db, const char *key, size_t len);
/* Sets or clears the TTL of a key present in db; returns the new entry. */
Kv *db_set_expire(Db *db, Kv *kv, int64_t when_ms);
Kv *db_persist(Db *db, Kv *kv);
uint64_t db_size(Db *db);
uint64_t db_expires_count(Db *db);
void db_flush(Db *db);
Kv *db_random(Db *db);
/* Frees a value through the type's destructor (set by upper layers). */
extern void (*free_value_hook[8])(void *ptr, int encoding);
extern void *(*dup_value_hook[8])(const void *ptr, int encoding);
extern size_t (*value_mem_hook[8])(const void *ptr, int encoding);
/* Called after every change to a key (WATCH, notifications hook here). */
void db_signal_modified(Db *db, const char *key, size_t len);
uint64_t server_rand64(void);

/* ---------------------------------------------------------------- expiry */

int kv_is_expired(const Kv *kv);
/* Deletes kv if its TTL has passed; returns 1 if it did. */
int db_expire_if_due(Db *db, Kv *kv);
/* Parses an expire argument (seconds when unit_ms is 1000, else ms;
 * relative unless absolute) into an absolute ms time, or replies with
 * "invalid expire time in '<cmdname>' command" and returns 0. */
int expire_arg_to_abs_ms(Client *c, const Arg *a, long long unit_ms, int absolute, const char *cmdname, int64_t *out);
void expire_cycle_slow(void);
void expire_cycle_fast(void);

/* --------------------------------------------------------------- clients */

Client *client_create(int fd, int flags);
void client_free(Client *c);
void client_close_async(Client *c);
void client_select_db(Client *c, int id);
void clients_write_pending(void);
void clients_close_pending(void);
void clients_cron(void);
void client_format_info(Client *c, Str **out);
int accept_init_listeners(void);
void accept_close_listeners(void);
size_t client_output_bytes(Client *c);
size_t clients_buffer_memory(void);

/* --------------------------------------------------------------- dispatch */

void commands_init(Command *table);
Command *command_lookup(const char *name, size_t len);
Command *command_lookup_argv(Arg *argv, int argc);
/* Runs c->argv; returns 0 if the client must be dropped. */
int process_command(Client *c);
void command_stats_reset(void);
uint64_t command_flags_parse(const char *text);
void error_stat_count(const char *msg, size_t len);

/* ------------------------------------------------------------------ misc */

void server_update_time(void);
/* Cheaper: derive server.now_ms from a monotonic reading just taken. */
void server_update_time_mono(uint64_t mono_us);
void server_init(void);
void server_run(void);
void server_shutdown(void);
void info_command(Client *c);
Str *info_generate(const char *section);
void debug_command(Client *c);
void bytes_to_human(char *buf, size_t len, unsigned long long n);
/* Hooks for config setters that need the running server to act. */
int server_apply_listeners(char **err);
void server_apply_maxclients(void);
void server_apply_hz(void);
void server_reset_stats(void);

/* ------------------------------------- connection/lifecycle work */

enum { PAUSE_NONE = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 };
/* SHUTDOWN flags (and what shutdown-on-sig* maps to). */
enum { SHUTDOWN_NOFLAGS = 0, SHUTDOWN_SAVE = 1, SHUTDOWN_NOSAVE = 2, SHUTDOWN_NOW = 4, SHUTDOWN_FORCE = 8 };
/* process_command() result when CLIENT PAUSE postponed the command: the
 * caller keeps the parsed command and runs it again when resumed. */
#define PROCESS_POSTPONED 2

/* client_cmds.c: pause state.  Whether expiry deletions are held back (a
 * WRITE or ALL pause): keys due to expire read as missing but stay. */
int pause_blocks_expire(void);
void pause_clients(int type, int64_t end_ms);
void unpause_clients(void);
/* Ends the pause if its time has come (called from cron/before_sleep). */
void pause_check_timeout(void);
/* Runs the postponed commands once no pause is active (before_sleep). */
void pause_resume_clients(void);
/* The client runs c->cmd now, or must wait for the pause to end. */
int pause_applies(Client *c);
/* client_cmds.c: client names (also set by HELLO). */
int client_name_valid(Client *c, const Arg *name);
void client_name_set(Client *c, const Arg *name);
/* client.c: run a postponed client's command and what follows it. */
void client_resume(Client *c);
void client_unlink_paused(Client *c);

/* dispatch.c: rename-command from the config file; "" removes. Returns
 * NULL or an error text. */
const char *command_rename(const char *from, const char *to);

/* crash.c: crash report on fatal signals and failed assertions. */
void crash_setup_signals(void);
void crash_report_assert(const char *expr, const char *file, int line) __attribute__((noreturn));
void crash_report_panic(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define server_assert(e) ((e) ? (void)0 : crash_report_assert(#e, __FILE__, __LINE__))
#define server_panic(...) crash_report_panic(__FILE__, __LINE__, __VA_ARGS__)

/* supervise.c: systemd/upstart notification, oom-score-adj, process title. */
void supervise_init(void);             /* decides the supervision mode */
int supervise_is_supervised(void);
/* INFO's process_supervised: "no", "upstart" or "systemd". */
const char *supervise_mode_name(void);
void supervise_ready(void);            /* READY=1 / SIGSTOP */
void supervise_stopping(void);
int supervise_apply_oom_score(char **err);
int supervise_set_proc_title(const char *tmpl);
/* Checks a proc-title-template; NULL when valid, else the error text. */
const char *supervise_check_title_template(const char *tmpl);

/* server.c: start the shutdown sequence; returns 0 when the server will
 * exit, -1 (with a log line) when it refused. */
int server_prepare_shutdown(int flags);
/* A new random replication id (server.replid). */
void server_change_replid(void);

/* ---------------------------------------------- observability (slowlog.c,
 * latency.c, monitor.c, memory_cmds.c, info.c) */

/* MONITOR clients carry this flag (CLIENT LIST shows it as 'O'). */
#define CLIENT_MONITOR (1u << 24)
/* call() feeds these after each command with its duration. */
void slowlog_push(Client *c, uint64_t duration_us);
void latency_track_command(Command *cmd, uint64_t duration_us);
/* Adds a latency monitor sample (ms) for an event that reached
 * latency-monitor-threshold (the caller checks the threshold). */
void latency_add_sample(const char *event, uint64_t ms);
/* CONFIG RESETSTAT: forgets the per-command latency histograms. */
void latency_tracking_reset(void);
/* Sends the command c just ran to every MONITOR client except c. */
void monitor_feed(Client *c);
void monitor_remove(Client *c);
/* Whether argument i of the command c is running must show as
 * "(redacted)" in MONITOR and SLOWLOG (passwords). */
int obs_arg_redacted(const Client *c, int i);
/* INFO's latencystats section body. */
Str *info_latencystats(Str *s);
/* memory_cmds.c: where the memory goes, for INFO memory and MEMORY STATS. */
typedef struct MemOverhead {
    size_t used, peak, startup, clients_normal;
    size_t db_main, db_expires, rehashing; /* table bucket arrays */
    uint64_t rehashing_count, keys;
    size_t total, dataset, bytes_per_key;
    float dataset_perc, peak_perc;
    size_t allocated, active, resident, rss;
    float frag, alloc_frag, alloc_rss, rss_overhead;
    long long frag_bytes, alloc_frag_bytes, alloc_rss_bytes, rss_overhead_bytes;
} MemOverhead;
void mem_overhead_compute(MemOverhead *m);

#endif
