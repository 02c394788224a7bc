/* persist.h - RDB snapshots as the rest of the server sees them: the
 * hooks main.c registers (persist_init), the command handlers
 * (SAVE, BGSAVE, DUMP, RESTORE, RESTORE-ASKING), and the state INFO
 * persistence reports.
 *
 * Files: rdb_value.c (one value), rdb_save.c (a whole file), rdb_load.c
 * (loading one), child.c (the forked child and its info pipe), bgsave.c
 * (BGSAVE, save points, their outcome), rdb_cmds.c (commands), persist.c
 * (hooks: start-up load, cron, shutdown, MISCONF, INFO, DEBUG RELOAD).
 *
 * Invariants: at most one child exists (server.child_pid); server.dirty
 * counts the changes since the last successful save (a BGSAVE subtracts
 * what it saw when it succeeds); a failed save never replaces the old
 * file (the new one is written to a temporary name and renamed). */
#ifndef PERSIST_PERSIST_H
#define PERSIST_PERSIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../server/client.h"
#include "../server/kv.h"

/* What rdb_load_file returns. */
enum { RDB_LOAD_OK = 0, RDB_LOAD_NOT_EXIST = 1, RDB_LOAD_FAILED = 2 };
/* rdb_load_file flags. */
#define RDB_LOAD_ALLOW_DUP 1     /* DEBUG RELOAD MERGE: keys from the file replace existing ones */
#define RDB_LOAD_EVENTS 2        /* serve clients (-LOADING) while loading */

typedef struct RdbState {
    int lastbgsave_ok;           /* the last background save succeeded */
    int64_t lastbgsave_try;      /* unix time of the last BGSAVE attempt */
    int64_t save_time_start;     /* unix time the running BGSAVE started, -1 */
    int64_t save_time_last;      /* seconds the last BGSAVE took, -1 */
    uint64_t dirty_before_bgsave;
    int bgsave_scheduled;        /* BGSAVE SCHEDULE waiting for the child slot */
    uint64_t saves;              /* rdb_saves */
    uint64_t last_cow;           /* rdb_last_cow_size */
    uint64_t keys_loaded, keys_expired, empty_skipped;  /* the last load */
    /* loading (INFO loading_* fields) */
    int64_t loading_start;
    uint64_t loading_total, loading_loaded, loading_rdb_used_mem;
    /* the running child's progress (current_*) */
    uint64_t child_keys, child_keys_total, child_cow, child_cow_peak;
    int64_t child_cow_time;
    /* fork counts and dump_payload_sanitizations live in server.stat */
} RdbState;

extern RdbState rdb_state;

/* Registers the persistence hooks and seeds the format layer; main.c
 * calls it once, before the configuration is loaded. */
void persist_init(void);

/* rdb_save.c: writes the whole dataset to filename (through a temporary
 * file renamed into place).  0, or -1 with a log line. */
int rdb_save_file(const char *filename);
/* rdb_load.c: loads filename into the keyspace; rdb_load_from does it
 * from any reader (name is for the log). */
int rdb_load_file(const char *filename, int flags);
struct RdbIn;
int rdb_load_from(struct RdbIn *in, const char *name, int flags);
/* Sets a key's access data from an RDB IDLE (seconds, -1: none) or FREQ
 * (LFU counter, -1: none), whichever the eviction policy keeps. */
void rdb_apply_lru(Kv *kv, int64_t idle, int freq);

/* Sleeps usec microseconds (negative: one call in -usec sleeps 1 us),
 * as Valkey's rdb-key-save-delay and key-load-delay test hooks do. */
void persist_debug_delay(int usec);

/* bgsave.c */
/* Starts a BGSAVE child: 0, or -1 (fork failed, or a child exists). */
int rdb_bgsave_start(void);
/* SAVE's work in the foreground, with the bookkeeping; 0 or -1. */
int rdb_save_foreground(void);
/* From the cron: a child that ended, due save points, scheduled saves. */
void rdb_cron(void);
/* Kills a running BGSAVE child and removes its temporary file. */
void rdb_kill_child(void);
/* The -MISCONF error when writes must be refused, else NULL. */
const char *rdb_write_error(void);

/* child.c: fork management shared by every kind of child. */
/* Forks: in the child returns 0 (after resetting signals and closing
 * what it must not hold), in the parent the child's pid, -1 on failure. */
pid_t child_fork(int type);
/* The child reports progress and, at the end, its copy-on-write size. */
void child_send_info(uint64_t keys, int final);
/* Reads what the child sent (non-blocking). */
void child_read_info(void);
/* Ends the child process (never returns). */
void child_exit(int code) __attribute__((noreturn));
/* Parent: the child ended (waitpid said so): closes the pipe, clears the
 * server's child fields. */
void child_reset(void);
/* Private_Dirty bytes of this process (the copy-on-write cost). */
uint64_t child_cow_bytes(void);

/* Function libraries (RDB_OPCODE_FUNCTION2) belong to the scripting
 * layer, which registers these when it exists.  The loader gets one
 * library's code: 0, or -1 with the reason in err (the load fails).  The
 * saver calls emit once per library. */
typedef int rdb_function_load_fn(const char *code, size_t len, char *err, size_t errcap);
typedef int rdb_function_emit_fn(void *priv, const char *code, size_t len);
typedef int rdb_function_save_fn(rdb_function_emit_fn *emit, void *priv);
void rdb_register_function_loader(rdb_function_load_fn *fn);
void rdb_register_function_saver(rdb_function_save_fn *fn);
/* The registered saver (NULL without scripting): the AOF's plain base
 * writes each library as FUNCTION LOAD. */
rdb_function_save_fn *rdb_function_saver(void);

/* Commands (rdb_cmds.c). */
void save_command(Client *c);
void bgsave_command(Client *c);
void dump_command(Client *c);
void restore_command(Client *c);
/* aof_rewrite.c / aof.c (the AOF's own API is in aof.h) */
void bgrewriteaof_command(Client *c);
void waitaof_command(Client *c);

#endif
