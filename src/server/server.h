/* server.h - the server's global state (`server`) and the server-wide
 * functions: start-up, cron, shutdown, logging, INFO, crash reports,
 * supervision, observability.
 *
 * The subjects have their own headers, which this one includes because the
 * Server struct embeds their state: kv.h (objects and TypeOps), db.h
 * (keyspace), client.h, command.h (dispatch and call()), blocked.h,
 * propagate.h.  Replies are in reply.h; server command handlers are
 * declared in cmds.h.
 *
 * Invariants:
 *  - all commands run on the main thread; server.now_ms is fixed for the
 *    whole of one top-level command (call() takes the snapshot at nesting
 *    level 0 only), so a key cannot expire half-way through it;
 *  - a reply is only sent after everything the command wrote reached the
 *    propagation sinks (before_sleep orders the two). */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../ds/alloc.h"
#include "../ds/htable.h"
#include "../ds/str.h"
#include "../net/event.h"
#include "blocked.h"
#include "client.h"
#include "command.h"
#include "config.h"
#include "db.h"
#include "kv.h"
#include "propagate.h"

#define SERVER_NAME "valkey"
#define SERVER_VERSION "8.0.0"          /* the Valkey level we match */
#define REDIS_COMPAT_VERSION "7.2.4"    /* what clients read as redis_version */
#define OUR_VERSION "0.1.0"             /* this project's own release */

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
    uint64_t reply_buffer_shrinks;
    uint64_t reply_buffer_expands;
    uint64_t acl_denied_auth;            /* failed AUTH / HELLO AUTH */
    uint64_t total_forks;                /* background children forked (persist/child.c) */
    uint64_t latest_fork_usec;           /* how long the last fork() took */
    uint64_t dump_payload_sanitizations; /* blobs deep-checked on load or RESTORE */
    /* the event loop: one cycle is one awake period (wake-up to sleep);
     * the loop counts cycles and their length (ev_cycle_stats) */
    uint64_t eventloop_duration_cmd_sum_us;
    uint64_t eventloop_duration_aof_sum_us;  /* propagation sinks (AOF) */
    uint64_t eventloop_duration_cron_sum_us; /* server_cron and before_sleep, less I/O and AOF */
    uint64_t eventloop_cmd_per_cycle_max;
    /* instantaneous metrics: samples taken every 100ms */
    uint64_t inst_last_sample_ms;
    uint64_t inst_last_commands;
    uint64_t inst_last_in, inst_last_out;
    uint64_t inst_last_cycles, inst_last_el_sum;
    uint64_t inst_ops[16], inst_in[16], inst_out[16];
    uint64_t inst_el_cycles[16], inst_el_duration[16];
    int inst_idx;
} Stats;

/* rename-command entries (dispatch.c); empty unless the config renames. */
typedef struct CommandRenames {
    struct {
        char *name;
        Command *cmd;
    } aliases[256];
    int alias_count;
    Command *hidden[256];
    int hidden_count;
} CommandRenames;

enum { PAUSE_NONE = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 };
/* Descriptors kept for other uses than clients (listeners, logs, files):
 * maxclients + this is the open files limit the server asks for. */
#define SERVER_RESERVED_FDS 32
/* Event loop slots beyond maxclients. */
#define SERVER_EVENTS_EXTRA 128
/* Default of reply_buffer_peak_reset_ms (DEBUG REPLYBUFFER PEAK-RESET-TIME RESET). */
#define REPLY_BUFFER_PEAK_RESET_MS 5000
/* SHUTDOWN flags (and what shutdown-on-sig* maps to). */
enum { SHUTDOWN_NOFLAGS = 0, SHUTDOWN_SAVE = 1, SHUTDOWN_NOSAVE = 2, SHUTDOWN_NOW = 4, SHUTDOWN_FORCE = 8 };
/* What a forked child does (server.child_type). */
enum { CHILD_TYPE_NONE = 0, CHILD_TYPE_RDB = 1, CHILD_TYPE_AOF = 2 };

/* What the persistence layer (src/persist/) does for the server: main.c
 * registers it at start-up (persist_hooks_register); the server calls up
 * only through it, and a NULL member (or no registration) means nothing
 * to do. */
typedef struct PersistHooks {
    void (*load)(void);               /* start-up: load the dataset (exits when it cannot) */
    void (*cron)(void);               /* every server_cron tick: children, save points */
    int (*shutdown)(int flags);       /* before exiting (SHUTDOWN_* flags): 0 go on, -1 stay up */
    const char *(*write_error)(void); /* NULL, or the error that refuses writes (-MISCONF) */
    Str *(*info)(Str *s);             /* appends INFO's persistence section body */
    void (*debug_reload)(Client *c, int save, int flush, int merge); /* DEBUG RELOAD, replies */
    void (*debug_loadaof)(Client *c);  /* DEBUG LOADAOF, replies */
    void (*flushed_all)(void);        /* after FLUSHALL emptied every database */
    int (*set_appendonly)(char **err); /* CONFIG SET appendonly: server.cfg.appendonly holds the new value */
} PersistHooks;

typedef struct Server {
    ServerConfig cfg;
    char *config_file;       /* absolute path or NULL */
    char *executable;        /* absolute path of the binary */
    pid_t pid;
    char run_id[41];
    uint8_t hash_seed[16];
    uint64_t rand_state[2];  /* server_rand64's xoroshiro128+ state */
    EventLoop *loop;
    int listen_fds[CONFIG_MAX_BIND];
    int listen_count;
    int unix_fd;
    Db *dbs;
    int db_count;            /* databases as allocated at start-up */
    const TypeOps *type_ops[OBJ_TYPE_MAX];
    Htable *commands;
    Command *cmd_table;      /* the static table from commands.c */
    CommandRenames *renames; /* NULL unless rename-command was used */
    command_doc_lookup_fn *doc_lookup;
    Htable *error_stats;
    Client *clients;         /* doubly linked, newest first */
    Client *clients_cron_next; /* where clients_cron goes on (NULL: from the newest) */
    uint64_t client_count;
    Client *pending_writes;
    Client *clients_to_close;
    Client *current_client;
    uint64_t next_client_id;
    ExecContext exec;        /* call() nesting and its time snapshot */
    PropState prop;          /* propagation (propagate.c) */
    BlockedState blocked;    /* held-back clients (blocked.c) */
    Htable *pubsub_tables[3]; /* channels, patterns, shard channels (pubsub.c) */
    uint64_t pubsub_clients; /* clients with any subscription */
    uint64_t watching_clients; /* clients WATCHing keys (multi.c) */
    uint64_t watched_keys;   /* distinct (db, key) pairs watched */
    /* persistence: src/persist/ runs it through these hooks; the server
     * reads the rest to refuse what it must while a load or a child runs */
    const PersistHooks *persist;
    pid_t child_pid;         /* the forked child (BGSAVE), -1 when none */
    int child_type;          /* CHILD_TYPE_* of that child */
    int loading;             /* a dataset is loading: -LOADING for commands without the loading flag */
    uint64_t tracking_clients; /* clients with CLIENT TRACKING on (tracking.c) */
    int tracking_live;       /* the tracking or prefix table holds something (tracking.c) */
    struct TrackingState *tracking; /* client-side caching tables, NULL until first used */
    /* time */
    int64_t now_ms;          /* cached wall clock, fixed during a command */
    int64_t wall_base_us;    /* wall clock at mono_base_us: now = base + elapsed */
    uint64_t mono_base_us;
    int64_t start_time_ms;
    uint64_t start_mono_us;
    uint32_t lru_clock;
    long long cron_timer_id;
    uint64_t cronloops;
    int pause_cron;          /* DEBUG PAUSE-CRON: server_cron does nothing */
    uint64_t el_cmds_start;  /* commands_processed at the last before_sleep */
    /* reply chunks (DEBUG REPLYBUFFER) */
    int64_t reply_buffer_peak_reset_ms; /* how often a chunk's peak restarts; -1 never */
    int reply_buffer_resizing;          /* 0: chunks are allocated whole and never resized */
    /* active expiry (expire.c) */
    int active_expire_enabled;
    int skip_checksum_validation; /* DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE and RDB loads skip the CRC */
    int pause_after_fork;         /* DEBUG PAUSE-AFTER-FORK: the server stops itself after each fork */
    long long aof_flush_sleep_us; /* DEBUG AOF-FLUSH-SLEEP: sleep before each AOF write */
    int expire_next_db;
    int expire_last_timed_out;
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
    /* CLIENT PAUSE, shutdown */
    int pause_type;            /* PAUSE_NONE, PAUSE_WRITE or PAUSE_ALL */
    int64_t pause_end_ms;      /* wall-clock ms when the pause ends */
    long long pause_timer_id;  /* one-shot timer ending the pause, or -1 */
    int shutdown_flags;        /* SHUTDOWN_* of the pending shutdown_asap */
    int shutdown_by_signal;    /* the pending shutdown came from SIGINT/SIGTERM */
    char replid[41];           /* replication id (DEBUG CHANGE-REPL-ID renews it) */
    /* observability (slowlog.c, latency.c, monitor.c) */
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

/* ------------------------------------------------------------ lifecycle */

void server_update_time(void);
/* Cheaper: derive server.now_ms from a monotonic reading just taken. */
void server_update_time_mono(uint64_t mono_us);
uint64_t server_rand64(void);
void server_init(void);
void server_run(void);
void server_shutdown(void);
/* Start the shutdown sequence; returns 0 when the server will exit, -1
 * (with a log line) when it refused. */
int server_prepare_shutdown(int flags);
/* A new random replication id (server.replid). */
void server_change_replid(void);
void persist_hooks_register(const PersistHooks *hooks);
/* While a long job (a dataset load) holds the main thread: accept, read
 * and answer clients (commands refused with -LOADING), a few rounds. */
void server_process_events_while_blocked(void);
Str *info_generate(const char *section);
void bytes_to_human(char *buf, size_t len, unsigned long long n);
/* Hooks for config setters that need the running server to act. */
int server_apply_listeners(char **err);
/* Makes room for maxclients: raises the open files limit where it may,
 * else lowers maxclients to what fits and returns -1 with *err (when err
 * is not NULL) naming that number. */
int server_apply_maxclients(char **err);
void server_apply_hz(void);
/* Frees every key (sanitizer builds do this at exit so leak checkers
 * report only real leaks). */
void server_free_keyspace(void);

/* client_cmds.c: pause state.  Whether expiry deletions are held back (a
 * WRITE or ALL pause): keys due to expire read as missing but stay. */
int pause_blocks_expire(void);
void pause_clients(int type, int64_t end_ms);
void unpause_clients(void);
/* Ends the pause if its time has come (called from cron/before_sleep). */
void pause_check_timeout(void);
/* The client runs c->cmd now, or must wait for the pause to end. */
int pause_applies(Client *c);

/* crash.c: crash report on fatal signals and failed assertions. */
void crash_setup_signals(void);
void crash_report_assert(const char *expr, const char *file, int line) __attribute__((noreturn));
void crash_report_panic(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
#define server_assert(e) ((e) ? (void)0 : crash_report_assert(#e, __FILE__, __LINE__))
#define server_panic(...) crash_report_panic(__FILE__, __LINE__, __VA_ARGS__)
/* Assertions too costly for production: on with enable-debug-assert. */
#define debug_assert(e) (!server.cfg.enable_debug_assert || (e) ? (void)0 : crash_report_assert(#e, __FILE__, __LINE__))

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

/* ------------------------------------------------------- observability */

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
