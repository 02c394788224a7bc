/* aof.c - the append-only file while the server runs: the propagation
 * sink that appends commands to the last incremental file, the fsync
 * policies, write errors, the background fsync thread, start-up,
 * CONFIG SET appendonly, the cron, INFO's aof_* fields and WAITAOF.
 *
 * Writing: before_sleep hands the propagation buffer to aof_sink before
 * any reply goes out.  The sink appends it to aof_state.buf and writes:
 *  - always: write + fdatasync right there, so a client never sees the
 *    reply to a write that is not on disk (an error exits, as Valkey:
 *    the promise cannot be kept otherwise);
 *  - everysec: write now, fdatasync in the background thread once a
 *    second; while an fsync is still running the write waits up to 2 s
 *    (a slow card must not stall the loop in write()), then goes ahead
 *    with "Asynchronous AOF fsync is taking too long" and
 *    aof_delayed_fsync counted;
 *  - no: write now, the kernel decides when it reaches the disk.
 * A failed or short write is undone (ftruncate to the last good size) and
 * kept in the buffer; writes are refused with -MISCONF until a retry
 * (each cron tick) succeeds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../server/reply.h"
#include "../server/cpu_affinity.h"
#include "../server/server.h"
#include "aof.h"
#include "persist.h"

AofState aof_state = {.fd = -1, .write_ok = 1, .rewrite_ok = 1, .rewrite_start = -1, .rewrite_last_time = -1,
                      .sink_id = -1};

#define AOF_WRITE_ERROR_LOG_PERIOD 30
#define AOF_FSYNC_SLOW_MS 2000

/* ------------------------------------------------------------- config */

int aof_cfg_bool(const char *name) {
    char *v = config_get_value(name);
    int r = v && strcmp(v, "yes") == 0;
    mem_free(v);
    return r;
}

long long aof_cfg_ll(const char *name) {
    char *v = config_get_value(name);
    long long r = v ? strtoll(v, NULL, 10) : 0;
    mem_free(v);
    return r;
}

/* Directives read on every write, refreshed by the cron (a CONFIG SET
 * takes effect within one tick): looking them up per write would cost
 * a table scan each time. */
static int cfg_timestamps, cfg_no_fsync_on_rewrite;

static void refresh_config(void) {
    cfg_timestamps = aof_cfg_bool("aof-timestamp-enabled");
    cfg_no_fsync_on_rewrite = aof_cfg_bool("no-appendfsync-on-rewrite");
}

/* ------------------------------------------------ the background thread */

typedef struct BioJob {
    struct BioJob *next;
    int fd;
    int close_it;
    uint64_t offset;
} BioJob;

static pthread_mutex_t bio_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bio_cv = PTHREAD_COND_INITIALIZER;
static BioJob *bio_head, *bio_tail;
static int bio_started;
static int bio_pending_jobs;  /* queued or running (under bio_mu) */
static int bio_fsyncing;      /* an fsync job is queued or running (atomic) */
static int bio_fsync_errno;   /* last background fsync error, 0 (atomic) */
/* Test hooks from the environment (the test suite sets them): a slow
 * disk, and a disk that refuses writes while a given file exists. */
static int fsync_delay_ms;          /* VALKEY_AOF_TEST_FSYNC_DELAY_MS */
static const char *fail_flag_file;  /* VALKEY_AOF_TEST_FAIL_IF_EXISTS */

static void *bio_main(void *arg) {
    (void)arg;
    cpu_affinity_bio_thread();
    for (;;) {
        pthread_mutex_lock(&bio_mu);
        while (!bio_head) pthread_cond_wait(&bio_cv, &bio_mu);
        BioJob *j = bio_head;
        bio_head = j->next;
        if (!bio_head) bio_tail = NULL;
        pthread_mutex_unlock(&bio_mu);
        if (j->close_it) {
            close(j->fd);
        } else {
            if (fsync_delay_ms) usleep((useconds_t)fsync_delay_ms * 1000);
            if (fdatasync(j->fd) == -1 && errno != EBADF && errno != EINVAL) {
                __atomic_store_n(&bio_fsync_errno, errno, __ATOMIC_RELAXED);
            } else {
                __atomic_store_n(&bio_fsync_errno, 0, __ATOMIC_RELAXED);
                uint64_t cur = __atomic_load_n(&aof_state.fsynced, __ATOMIC_RELAXED);
                if (j->offset > cur) __atomic_store_n(&aof_state.fsynced, j->offset, __ATOMIC_RELEASE);
            }
            __atomic_store_n(&bio_fsyncing, 0, __ATOMIC_RELEASE);
        }
        mem_free(j);
        pthread_mutex_lock(&bio_mu);
        bio_pending_jobs--;
        pthread_mutex_unlock(&bio_mu);
    }
    return NULL;
}

static void bio_submit(int fd, int close_it, uint64_t offset) {
    if (!bio_started) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, bio_main, NULL) != 0) {
            pthread_attr_destroy(&attr);
            /* No thread: do it here. */
            if (close_it) close(fd);
            else if (fdatasync(fd) == 0) __atomic_store_n(&aof_state.fsynced, offset, __ATOMIC_RELEASE);
            return;
        }
        pthread_attr_destroy(&attr);
        bio_started = 1;
    }
    BioJob *j = mem_calloc(sizeof(BioJob));
    j->fd = fd;
    j->close_it = close_it;
    j->offset = offset;
    if (!close_it) __atomic_store_n(&bio_fsyncing, 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&bio_mu);
    if (bio_tail) bio_tail->next = j;
    else bio_head = j;
    bio_tail = j;
    bio_pending_jobs++;
    pthread_cond_signal(&bio_cv);
    pthread_mutex_unlock(&bio_mu);
}

void aof_bio_fsync(int fd, uint64_t offset) { bio_submit(fd, 0, offset); }
void aof_bio_close(int fd) { bio_submit(fd, 1, 0); }

int aof_bio_pending(void) {
    pthread_mutex_lock(&bio_mu);
    int n = bio_pending_jobs;
    pthread_mutex_unlock(&bio_mu);
    return n;
}

int aof_fsync_in_progress(void) { return __atomic_load_n(&bio_fsyncing, __ATOMIC_ACQUIRE); }

/* ------------------------------------------------------------ writing */

static int64_t now_ms(void) { return server.now_ms ? server.now_ms : (int64_t)time(NULL) * 1000; }

/* fsynced is also written by the background thread (64 bits: atomic
 * even where a plain store would be two). */
static void set_fsynced(uint64_t v) { __atomic_store_n(&aof_state.fsynced, v, __ATOMIC_RELEASE); }
static uint64_t get_fsynced(void) { return __atomic_load_n(&aof_state.fsynced, __ATOMIC_ACQUIRE); }

static int fsync_skipped_for_child(void) {
    return server.child_pid != -1 && cfg_no_fsync_on_rewrite;
}

static int sync_now(void) {
    if (fsync_delay_ms) usleep((useconds_t)fsync_delay_ms * 1000);
    aof_state.fsyncs++;
    if (fdatasync(aof_state.fd) == -1) return -1;
    set_fsynced(aof_state.written);
    aof_state.last_fsync_ms = now_ms();
    return 0;
}

static void write_failed(ssize_t nwritten, int err) {
    int64_t now = (int64_t)time(NULL);
    int log = now - aof_state.last_write_error_log > AOF_WRITE_ERROR_LOG_PERIOD;
    if (log) aof_state.last_write_error_log = now;
    if (nwritten > 0) {
        /* Undo the partial write so the file ends on a whole command. */
        if (ftruncate(aof_state.fd, (off_t)aof_state.incr_size) == -1) {
            if (log)
                server_log(LL_WARNING, "Could not remove short write from the append-only file. Valkey may refuse "
                           "to load the AOF the next time it starts. ftruncate: %s", strerror(errno));
            /* What went out stays out: don't write it twice. */
            memmove(aof_state.buf->buf, aof_state.buf->buf + nwritten, aof_state.buf->len - (size_t)nwritten);
            aof_state.buf = str_resize(aof_state.buf, aof_state.buf->len - (size_t)nwritten);
            aof_state.incr_size += (uint64_t)nwritten;
            aof_state.written += (uint64_t)nwritten;
        }
        if (log)
            server_log(LL_WARNING, "Short write while writing to the AOF file: (nwritten=%lld, expected=%llu)",
                       (long long)nwritten, (unsigned long long)(aof_state.buf->len + (size_t)nwritten));
    } else if (log) {
        server_log(LL_WARNING, "Error writing to the AOF file: %s", strerror(err));
    }
    if (server.cfg.appendfsync == APPENDFSYNC_ALWAYS) {
        server_log(LL_WARNING, "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
                   "Exiting...");
        exit(1);
    }
    aof_state.write_ok = 0;
    aof_state.write_errno = err;
}

int aof_flush(int force) {
    if (aof_state.fd == -1 || !aof_state.buf || aof_state.buf->len == 0) goto maybe_fsync;
    int everysec = server.cfg.appendfsync == APPENDFSYNC_EVERYSEC;
    if (everysec && !force && aof_fsync_in_progress()) {
        int64_t now = now_ms();
        if (aof_state.postponed_ms == 0) {
            aof_state.postponed_ms = now;
            return 0;
        }
        if (now - aof_state.postponed_ms < AOF_FSYNC_SLOW_MS) return 0;
        aof_state.delayed_fsync++;
        server_log(LL_NOTICE, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
                   "without waiting for fsync to complete, this may slow down Valkey.");
    }
    aof_state.postponed_ms = 0;
    size_t len = aof_state.buf->len, done = 0;
    /* DEBUG AOF-FLUSH-SLEEP: a slow device, for tests. */
    if (server.aof_flush_sleep_us > 0) usleep((useconds_t)server.aof_flush_sleep_us);
    if (fail_flag_file && access(fail_flag_file, F_OK) == 0) {
        write_failed(0, ENOSPC);
        return -1;
    }
    while (done < len) {
        ssize_t w = write(aof_state.fd, aof_state.buf->buf + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            write_failed((ssize_t)done, w == 0 || done ? ENOSPC : errno);
            return -1;
        }
        done += (size_t)w;
    }
    aof_state.incr_size += len;
    aof_state.written += len;
    str_clear(aof_state.buf);
    if (aof_state.buf->cap > 4 * 1024 * 1024) {
        str_free(aof_state.buf);
        aof_state.buf = NULL;
    }
    if (!aof_state.write_ok) {
        server_log(LL_WARNING, "AOF write error looks solved, Valkey can write again.");
        aof_state.write_ok = 1;
    }
maybe_fsync:
    if (aof_state.fd == -1 || get_fsynced() >= aof_state.written || fsync_skipped_for_child()) return 0;
    if (server.cfg.appendfsync == APPENDFSYNC_ALWAYS) {
        if (sync_now() == -1) {
            server_log(LL_WARNING, "Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. "
                       "Exiting...", strerror(errno));
            exit(1);
        }
    } else if (server.cfg.appendfsync == APPENDFSYNC_EVERYSEC) {
        int64_t now = now_ms();
        if (now - aof_state.last_fsync_ms >= 1000 && !aof_fsync_in_progress()) {
            aof_state.fsyncs++;
            aof_bio_fsync(aof_state.fd, aof_state.written);
            aof_state.last_fsync_ms = now;
        }
    }
    return 0;
}

static void aof_sink(const char *p, size_t len, void *priv) {
    (void)priv;
    if (aof_state.status == AOF_OFF || aof_state.fd == -1) return;
    if (!aof_state.buf) aof_state.buf = str_with_capacity(len + 64);
    if (cfg_timestamps) {
        int64_t ts = (int64_t)time(NULL);
        if (ts != aof_state.last_ts) {
            aof_state.buf = str_catfmt(aof_state.buf, "#TS:%lld\r\n", (long long)ts);
            aof_state.last_ts = ts;
        }
    }
    aof_state.buf = str_cat(aof_state.buf, p, len);
    aof_flush(0);
}

void aof_flush_and_sync(void) {
    propagate_flush();
    if (aof_state.fd == -1) return;
    aof_flush(1);
    if (get_fsynced() < aof_state.written && fdatasync(aof_state.fd) == 0) {
        set_fsynced(aof_state.written);
        aof_state.fsyncs++;
    }
}

/* ------------------------------------------------------- opening files */

static uint64_t file_size(const char *name) {
    char path[PATH_MAX];
    struct stat st;
    aof_path(path, sizeof(path), name);
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int open_incr(const char *name, int truncate) {
    char path[PATH_MAX];
    aof_path(path, sizeof(path), name);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd == -1) server_log(LL_WARNING, "Can't open the append-only file %s: %s", path, strerror(errno));
    return fd;
}

/* The sink starts or continues on a new file: the first command in it
 * must say which database it is for. */
static void switch_fd(int fd, uint64_t size) {
    if (aof_state.fd != -1) {
        /* Everything written to the old file reaches the disk before the
         * file is left behind (and closed) in the background. */
        aof_bio_fsync(aof_state.fd, aof_state.written);
        aof_bio_close(aof_state.fd);
    }
    aof_state.fd = fd;
    aof_state.incr_size = size;
    server.prop.last_dbid = -1;
}

static int make_dir(void) {
    if (mkdir(server.cfg.appenddirname, 0755) == -1 && errno != EEXIST) {
        server_log(LL_WARNING, "Can't open or create append-only dir %s: %s", server.cfg.appenddirname,
                   strerror(errno));
        return -1;
    }
    return 0;
}

int aof_open_new_incr(void) {
    AofManifest *m = &aof_state.m;
    char *name = aof_name_incr(m->incr_seq + 1);
    int fd = open_incr(name, 1);
    if (fd == -1) {
        mem_free(name);
        return -1;
    }
    aof_manifest_add(m, name, m->incr_seq + 1, AOF_FILE_INCR);
    /* While the AOF waits for its first base the manifest on disk (if
     * any) still describes the old files: it is written when the base
     * exists. */
    if (aof_state.status == AOF_ON && aof_manifest_persist(m) == -1) {
        mem_free(m->incr[m->nincr - 1].name);
        m->nincr--;
        m->incr_seq--;
        close(fd);
        char path[PATH_MAX];
        aof_path(path, sizeof(path), name);
        unlink(path);
        mem_free(name);
        return -1;
    }
    server_log(LL_NOTICE, "Creating AOF incr file %s on background rewrite", name);
    mem_free(name);
    aof_state.older_size += aof_state.incr_size;
    switch_fd(fd, 0);
    return 0;
}

/* Sizes from the files themselves (start-up). */
static void compute_sizes(void) {
    AofManifest *m = &aof_state.m;
    aof_state.base_size = m->base ? file_size(m->base->name) : 0;
    aof_state.older_size = aof_state.base_size;
    for (int i = 0; i + 1 < m->nincr; i++) aof_state.older_size += file_size(m->incr[i].name);
    aof_state.incr_size = m->nincr ? file_size(m->incr[m->nincr - 1].name) : 0;
    aof_state.rewrite_base_size = aof_state.older_size + aof_state.incr_size;
}

/* A fresh AOF: an empty base (so a later rewrite and other servers find
 * the layout they expect) and the first incremental file. */
static int create_base(AofManifest *m) {
    int rdb = aof_cfg_bool("aof-use-rdb-preamble");
    char *name = aof_name_base(m->base_seq + 1, rdb);
    char path[PATH_MAX];
    aof_path(path, sizeof(path), name);
    int rc;
    if (rdb) {
        rc = rdb_save_file(path);
    } else {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        rc = fd == -1 ? -1 : aof_write_commands(fd);
        if (fd != -1 && (fsync(fd) == -1 || close(fd) == -1)) rc = -1;
    }
    if (rc == -1) {
        server_log(LL_WARNING, "Can't create the AOF base file %s: %s", path, strerror(errno));
        mem_free(name);
        return -1;
    }
    server_log(LL_NOTICE, "Creating AOF base file %s on server start", name);
    aof_manifest_add(m, name, m->base_seq + 1, AOF_FILE_BASE);
    mem_free(name);
    return 0;
}

int aof_reload(void) {
    AofManifest disk = {0}, *m = &aof_state.m;
    if (aof_state.status != AOF_ON) {
        /* Off: whatever the directory's manifest lists. */
        int rc = aof_manifest_load(&disk);
        if (rc == -1) return AOF_LOAD_FAILED;
        if (rc == 0) return AOF_LOAD_EMPTY;
        m = &disk;
    }
    uint64_t processed = server.stat.commands_processed;
    int lr = aof_load_manifest(m);
    server.stat.commands_processed = processed;
    aof_manifest_clear(&disk);
    return lr;
}

void aof_start_up(void) {
    AofManifest *m = &aof_state.m;
    const char *f = server.cfg.appendfilename;
    if (!f || !*f || strchr(f, '/') || strchr(f, '\\')) {
        fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Version %s) ***\n", SERVER_VERSION);
        fprintf(stderr, "appendfilename can't be a path, just a filename\n");
        exit(1);
    }
    if (make_dir() == -1) exit(1);
    int rc = aof_manifest_load(m);
    if (rc == -1) exit(1);
    int dirty_manifest = 0;
    if (rc >= 0 && aof_upgrade_old_file(m)) rc = 1;
    refresh_config();
    if (rc == 1) {
        uint64_t t0 = ev_monotonic_us();
        /* Replayed commands are not the clients': as Valkey, they leave
         * no trace in the command statistics, and the data they built is
         * on disk already (no change to save). */
        uint64_t processed = server.stat.commands_processed;
        int lr = aof_load_manifest(m);
        if (lr == AOF_LOAD_FAILED) exit(1);
        server.stat.commands_processed = processed;
        command_stats_reset();
        server.dirty = 0;
        if (lr == AOF_LOAD_OK)
            server_log(LL_NOTICE, "DB loaded from append only file: %.3f seconds",
                       (double)(ev_monotonic_us() - t0) / 1e6);
    }
    if (!m->base && m->nincr == 0) {
        if (create_base(m) == -1) exit(1);
        dirty_manifest = 1;
    }
    int fd;
    if (m->nincr == 0) {
        char *name = aof_name_incr(m->incr_seq + 1);
        fd = open_incr(name, 1);
        if (fd == -1) exit(1);
        server_log(LL_NOTICE, "Creating AOF incr file %s on server start", name);
        aof_manifest_add(m, name, m->incr_seq + 1, AOF_FILE_INCR);
        mem_free(name);
        dirty_manifest = 1;
    } else {
        fd = open_incr(m->incr[m->nincr - 1].name, 0);
        if (fd == -1) exit(1);
    }
    if (dirty_manifest && aof_manifest_persist(m) == -1) exit(1);
    compute_sizes();
    aof_state.fd = fd;
    aof_state.last_fsync_ms = now_ms();
    aof_state.status = AOF_ON;
    aof_delete_history(m);
    propagate_sink_set_active(aof_state.sink_id, 1);
    server.prop.last_dbid = -1;
}

/* ---------------------------------------------- CONFIG SET appendonly */

static void aof_stop(void) {
    aof_flush_and_sync();
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_AOF) aof_rewrite_kill();
    propagate_sink_set_active(aof_state.sink_id, 0);
    if (aof_state.fd != -1) close(aof_state.fd);
    aof_state.fd = -1;
    aof_state.status = AOF_OFF;
    aof_state.rewrite_scheduled = 0;
    aof_state.write_ok = 1;
    if (aof_state.buf) str_clear(aof_state.buf);
    aof_manifest_clear(&aof_state.m);
    server_log(LL_NOTICE, "Background append only file rewriting stopped");
}

/* Valkey's startAppendOnly: the data set goes to a new base by a
 * rewrite; commands from now on go to a new incremental file, which
 * joins the manifest with the base when the rewrite succeeds. */
static int aof_start_runtime(char **err) {
    if (make_dir() == -1) {
        *err = mem_strdup("Can't create the append-only directory");
        return -1;
    }
    AofManifest *m = &aof_state.m;
    aof_manifest_clear(m);
    if (aof_manifest_load(m) == -1) aof_manifest_clear(m);
    /* The old files are superseded by the coming base. */
    AofManifest old = *m;
    memset(m, 0, sizeof(*m));
    m->base_seq = old.base_seq;
    m->incr_seq = old.incr_seq;
    if (old.base) aof_manifest_add(m, old.base->name, old.base->seq, AOF_FILE_HIST);
    for (int i = 0; i < old.nhist; i++) aof_manifest_add(m, old.hist[i].name, old.hist[i].seq, AOF_FILE_HIST);
    for (int i = 0; i < old.nincr; i++) aof_manifest_add(m, old.incr[i].name, old.incr[i].seq, AOF_FILE_HIST);
    aof_manifest_clear(&old);
    refresh_config();
    aof_state.status = AOF_WAIT_REWRITE;
    aof_state.older_size = aof_state.incr_size = aof_state.base_size = 0;
    if (server.child_pid != -1) {
        if (server.child_type == CHILD_TYPE_AOF) aof_rewrite_kill();
        if (server.child_pid != -1) {
            /* A BGSAVE runs: the rewrite starts when it ends. */
            aof_state.rewrite_scheduled = 1;
            server_log(LL_NOTICE, "AOF was enabled but there is already another background operation. An AOF "
                       "background was scheduled to start when possible.");
        }
    }
    if (!aof_state.rewrite_scheduled && aof_rewrite_start() == -1) {
        aof_state.status = AOF_OFF;
        aof_manifest_clear(m);
        *err = mem_strdup("Unable to turn on AOF. Check server logs.");
        return -1;
    }
    return 0;
}

int aof_apply_appendonly(char **err) {
    int want = server.cfg.appendonly != 0;
    if (want && aof_state.status == AOF_OFF) return aof_start_runtime(err);
    if (!want && aof_state.status != AOF_OFF) aof_stop();
    return 0;
}

/* ---------------------------------------------------------- the cron */

void aof_cron(void) {
    /* BGREWRITEAOF during a BGSAVE waits for the child slot, AOF on or not. */
    if (server.child_pid == -1 && aof_state.rewrite_scheduled && aof_state.status == AOF_OFF) {
        if (aof_rewrite_start() == 0) aof_state.rewrite_scheduled = 0;
        return;
    }
    if (aof_state.status == AOF_OFF) return;
    refresh_config();
    int e = __atomic_load_n(&bio_fsync_errno, __ATOMIC_RELAXED);
    if (e && aof_state.write_ok) {
        server_log(LL_WARNING, "Error fsyncing the AOF file in the background: %s", strerror(e));
        aof_state.write_ok = 0;
        aof_state.write_errno = e;
    } else if (!e && !aof_state.write_ok && aof_state.write_errno && (!aof_state.buf || !aof_state.buf->len)) {
        aof_state.write_ok = 1;
        server_log(LL_WARNING, "AOF write error looks solved, Valkey can write again.");
    }
    /* Postponed or failed writes, and everysec's fsync when idle. */
    aof_flush(0);
    if (server.child_pid == -1 && aof_state.rewrite_scheduled) {
        if (aof_rewrite_start() == 0) aof_state.rewrite_scheduled = 0;
        return;
    }
    long long perc = aof_cfg_ll("auto-aof-rewrite-percentage");
    if (aof_state.status == AOF_ON && server.child_pid == -1 && perc > 0) {
        uint64_t size = aof_state.older_size + aof_state.incr_size;
        uint64_t base = aof_state.rewrite_base_size ? aof_state.rewrite_base_size : 1;
        uint64_t growth = size > base ? (size * 100 / base) - 100 : 0;
        int64_t now = (int64_t)time(NULL);
        static int64_t last_try;
        if (size >= (uint64_t)aof_cfg_ll("auto-aof-rewrite-min-size") && growth >= (uint64_t)perc &&
            (aof_state.rewrite_ok || now - last_try > 5)) {
            server_log(LL_NOTICE, "Starting automatic rewriting of AOF on %llu%% growth",
                       (unsigned long long)growth);
            last_try = now;
            aof_rewrite_start();
        }
    }
}

const char *aof_write_error(void) {
    static char msg[256];
    if (aof_state.status == AOF_OFF || aof_state.write_ok) return NULL;
    snprintf(msg, sizeof(msg), "-MISCONF Errors writing to the AOF file: %s", strerror(aof_state.write_errno));
    return msg;
}

void aof_shutdown(void) {
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_AOF) {
        server_log(LL_WARNING, "There is a child rewriting the AOF. Killing it!");
        aof_rewrite_kill();
    }
    if (aof_state.status == AOF_OFF) return;
    server_log(LL_NOTICE, "Calling fsync() on the AOF file.");
    aof_flush_and_sync();
}

/* --------------------------------------------------------------- INFO */

Str *aof_info(Str *s) {
    int64_t now = (int64_t)time(NULL);
    int child_aof = server.child_pid != -1 && server.child_type == CHILD_TYPE_AOF;
    s = str_catfmt(s,
                   "aof_enabled:%d\r\n"
                   "aof_rewrite_in_progress:%d\r\n"
                   "aof_rewrite_scheduled:%d\r\n"
                   "aof_last_rewrite_time_sec:%lld\r\n"
                   "aof_current_rewrite_time_sec:%lld\r\n"
                   "aof_last_bgrewrite_status:%s\r\n"
                   "aof_rewrites:%llu\r\n"
                   "aof_rewrites_consecutive_failures:%llu\r\n"
                   "aof_last_write_status:%s\r\n"
                   "aof_last_cow_size:%llu\r\n"
                   "module_fork_in_progress:0\r\n"
                   "module_fork_last_cow_size:0\r\n",
                   aof_state.status != AOF_OFF, child_aof, aof_state.rewrite_scheduled,
                   (long long)aof_state.rewrite_last_time,
                   (long long)(child_aof && aof_state.rewrite_start != -1 ? now - aof_state.rewrite_start : -1),
                   aof_state.rewrite_ok ? "ok" : "err", (unsigned long long)aof_state.rewrites,
                   (unsigned long long)aof_state.rewrite_failures, aof_state.write_ok ? "ok" : "err",
                   (unsigned long long)aof_state.last_cow);
    if (aof_state.status != AOF_OFF)
        s = str_catfmt(s,
                       "aof_current_size:%llu\r\n"
                       "aof_base_size:%llu\r\n"
                       "aof_pending_rewrite:%d\r\n"
                       "aof_buffer_length:%llu\r\n"
                       "aof_pending_bio_fsync:%d\r\n"
                       "aof_delayed_fsync:%llu\r\n",
                       (unsigned long long)(aof_state.older_size + aof_state.incr_size),
                       (unsigned long long)aof_state.base_size, aof_state.rewrite_scheduled,
                       (unsigned long long)(aof_state.buf ? aof_state.buf->len : 0), aof_bio_pending(),
                       (unsigned long long)aof_state.delayed_fsync);
    return s;
}

/* ------------------------------------------------------------ WAITAOF */

/* WAITAOF numlocal numreplicas timeout.  There are no replicas: the
 * local part is answered at once, fsyncing here what the background
 * thread has not reached yet (the client asked to wait for exactly
 * that, and the fsync is what it would wait for). */
void waitaof_command(Client *c) {
    long long numlocal, numreplicas, timeout;
    if (!arg_to_ll(c, &c->argv[1], &numlocal) || !arg_to_ll(c, &c->argv[2], &numreplicas)) return;
    if (!arg_to_ll(c, &c->argv[3], &timeout)) return;
    if (timeout < 0) {
        reply_error(c, "timeout is negative");
        return;
    }
    if (numlocal && aof_state.status == AOF_OFF) {
        reply_error(c, "WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
        return;
    }
    int local = 0;
    if (aof_state.status != AOF_OFF) {
        aof_flush(1);
        if ((!aof_state.buf || aof_state.buf->len == 0) && get_fsynced() < aof_state.written &&
            fdatasync(aof_state.fd) == 0) {
            set_fsynced(aof_state.written);
            aof_state.fsyncs++;
        }
        local = (!aof_state.buf || aof_state.buf->len == 0) && get_fsynced() >= aof_state.written;
    }
    reply_array_len(c, 2);
    reply_int(c, local);
    reply_int(c, 0);
}

/* -------------------------------------------------------------- init */

void aof_init(void) {
    aof_state.sink_id = propagate_sink_add(aof_sink, NULL);
    const char *d = getenv("VALKEY_AOF_TEST_FSYNC_DELAY_MS");
    if (d) fsync_delay_ms = atoi(d);
    /* Copied: the process title code reuses the environment's memory. */
    const char *f = getenv("VALKEY_AOF_TEST_FAIL_IF_EXISTS");
    if (f) fail_flag_file = mem_strdup(f);
}
