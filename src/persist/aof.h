/* aof.h - the append-only file: Valkey's multi-part layout (a directory
 * `appenddirname` holding a manifest, one base file and incremental
 * files), written through the propagation sink, loaded at start-up,
 * rewritten in the background.
 *
 * Files: aof.c (state, manifest, writing and fsync, cron, INFO,
 * CONFIG SET appendonly, commands), aof_manifest.c (the manifest's text
 * form and the directory switch), aof_load.c (start-up load with
 * power-cut recovery, upgrade of an old single file), aof_rewrite.c
 * (BGREWRITEAOF's child and its outcome; the plain-command base).
 *
 * Invariants:
 *  - while the AOF is on, the manifest on disk always lists files that
 *    together hold every acknowledged write: a new incremental file is
 *    in the manifest before anything is written to it, and a rewrite's
 *    base replaces the old base and incremental files only through one
 *    atomic rename of the manifest;
 *  - with appendfsync always, the sink writes and fsyncs before
 *    before_sleep sends any reply (propagate.h's ordering);
 *  - at most one fsync runs in the background thread at a time per
 *    file, and the main thread never waits for it except under WAITAOF. */
#ifndef PERSIST_AOF_H
#define PERSIST_AOF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../ds/str.h"
#include "../server/client.h"

enum { AOF_OFF = 0, AOF_ON = 1, AOF_WAIT_REWRITE = 2 };
enum { AOF_FILE_BASE = 'b', AOF_FILE_INCR = 'i', AOF_FILE_HIST = 'h' };

typedef struct AofFile {
    char *name;     /* file name inside appenddirname (mem_alloc) */
    int64_t seq;
    int type;       /* AOF_FILE_* */
} AofFile;

typedef struct AofManifest {
    AofFile *base;          /* NULL: none yet */
    AofFile *incr;          /* in seq order, the last one is written to */
    int nincr;
    AofFile *hist;          /* waiting to be deleted */
    int nhist;
    int64_t base_seq, incr_seq; /* highest seq used so far */
} AofManifest;

typedef struct AofState {
    int status;             /* AOF_OFF, AOF_ON, AOF_WAIT_REWRITE */
    AofManifest m;
    int fd;                 /* the last incremental file, -1 */
    Str *buf;               /* commands not yet written (postponed or failed) */
    uint64_t incr_size;     /* bytes in the last incremental file */
    uint64_t older_size;    /* base + the other incremental files */
    uint64_t base_size;
    uint64_t rewrite_base_size; /* aof_current_size after the last rewrite (auto-rewrite) */
    uint64_t written;       /* bytes written since start (WAITAOF offsets) */
    uint64_t fsynced;       /* of those, known to be on disk */
    int64_t last_fsync_ms;
    int64_t postponed_ms;   /* everysec: a write waits for a slow fsync since */
    uint64_t delayed_fsync;
    int write_ok;           /* aof_last_write_status */
    int write_errno;
    int64_t last_write_error_log;
    int sink_id;
    int64_t last_ts;        /* aof-timestamp-enabled: last #TS written */
    /* rewrite */
    int rewrite_scheduled;
    int64_t rewrite_start;  /* unix time, -1 */
    int64_t rewrite_last_time;
    int rewrite_ok;
    uint64_t rewrites, rewrite_failures;
    uint64_t last_cow;
    char *rewrite_tmp;      /* the child's output file */
    uint64_t fsyncs;        /* fsync calls made (bench, tests) */
} AofState;

extern AofState aof_state;

/* aof.c */
void aof_init(void);                     /* persist_init: registers the sink */
/* Start-up with appendonly yes: load what the manifest lists (or upgrade
 * an old single file), then open the files for writing.  Exits when the
 * data cannot be loaded. */
void aof_start_up(void);
/* DEBUG LOADAOF: loads the AOF files (the current manifest, or the
 * directory's when the AOF is off) into the emptied keyspace: AOF_LOAD_*. */
int aof_reload(void);
void aof_cron(void);
Str *aof_info(Str *s);
/* The -MISCONF error while the AOF cannot be written, else NULL. */
const char *aof_write_error(void);
/* CONFIG SET appendonly (server.cfg.appendonly already holds the value). */
int aof_apply_appendonly(char **err);
/* Writes and fsyncs everything pending (shutdown, stop). */
void aof_flush_and_sync(void);
/* Shutdown: kills a rewrite child, writes and fsyncs. */
void aof_shutdown(void);
/* Writes the pending buffer: force ignores a running fsync.  0 or -1. */
int aof_flush(int force);
/* Path helpers: dir/name into buf. */
void aof_path(char *buf, size_t cap, const char *name);
int aof_cfg_bool(const char *name);
long long aof_cfg_ll(const char *name);
/* Background fsync thread. */
void aof_bio_fsync(int fd, uint64_t offset);
void aof_bio_close(int fd);
int aof_bio_pending(void);
int aof_fsync_in_progress(void);
/* Opens a new incremental file (seq+1), adds it to the manifest and
 * writes the manifest; the old file is fsynced and closed in the
 * background.  0 or -1 (nothing changed). */
int aof_open_new_incr(void);

/* aof_manifest.c */
void aof_manifest_clear(AofManifest *m);
AofFile *aof_manifest_add(AofManifest *m, const char *name, int64_t seq, int type);
/* Parses a manifest's text: 0, or -1 with a message in err. */
int aof_manifest_parse(AofManifest *m, const char *text, size_t len, char *err, size_t errcap);
Str *aof_manifest_format(const AofManifest *m);
/* Writes the manifest atomically (temp file, fsync, rename, fsync dir). */
int aof_manifest_persist(const AofManifest *m);
/* Reads dir/<appendfilename>.manifest: 1 loaded, 0 none, -1 bad (logged). */
int aof_manifest_load(AofManifest *m);
char *aof_name_base(int64_t seq, int rdb);
char *aof_name_incr(int64_t seq);
int aof_dir_sync(void);
/* Deletes the history files (unless aof-disable-auto-gc). */
void aof_delete_history(AofManifest *m);

/* aof_load.c */
enum { AOF_LOAD_OK = 0, AOF_LOAD_EMPTY = 1, AOF_LOAD_FAILED = 2 };
/* Loads every file of the manifest into the (empty) keyspace. */
int aof_load_manifest(const AofManifest *m);
/* Upgrades an old single appendonly.aof found in `dir`: 1 done, 0 none. */
int aof_upgrade_old_file(AofManifest *m);

/* aof_rewrite.c */
int aof_rewrite_start(void);             /* 0 started, -1 failed */
void aof_rewrite_done(pid_t pid, int exitcode, int bysignal);
void aof_rewrite_kill(void);
/* Writes the dataset as commands to fd (the plain base). 0 or -1. */
int aof_write_commands(int fd);
/* Command handlers. */
void bgrewriteaof_command(Client *c);
void waitaof_command(Client *c);

#endif
