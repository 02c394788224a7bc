/* rdb_save.c - writing the whole dataset as an RDB file (version 11, as
 * Valkey 8 writes it): header, AUX fields, each non-empty database as
 * SELECTDB, RESIZEDB and its records (EXPIRETIME_MS, IDLE or FREQ as the
 * eviction policy keeps, then type, key and value), EOF and the CRC-64.
 *
 * The file is written under a temporary name ("temp-<pid>.rdb" in the
 * working directory, which `dir` sets), synced, and renamed over the
 * target, so a failed or killed save leaves the previous file intact.
 * With rdb-save-incremental-fsync the kernel is asked to write back every
 * 4 MB as we go (and to have finished the previous 4 MB), so the final
 * fsync does not meet a mountain of dirty pages. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../server/server.h"
#include "../server/evict.h"
#include "../../deps/numconv/numconv.h"
#include "format/rdb_format.h"
#include "format/rdb_out.h"
#include "aof.h"
#include "persist.h"
#include "rdb_value.h"

#define SAVE_BUFFER (1024 * 1024)
#define AUTOSYNC_BYTES (4 * 1024 * 1024)
#define SAVE_BATCH 16

typedef struct SaveSink {
    int fd;
    uint64_t written, synced;
    int autosync;
} SaveSink;

static int sink_write(void *priv, const void *p, size_t n) {
    SaveSink *s = priv;
    const char *b = p;
    while (n) {
        ssize_t w = write(s->fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            return -1;
        }
        b += w;
        n -= (size_t)w;
        s->written += (uint64_t)w;
    }
#ifdef __linux__
    if (s->autosync && s->written - s->synced >= AUTOSYNC_BYTES) {
        /* Start writing this stretch back; wait for the one before. */
        if (sync_file_range(s->fd, (off_t)s->synced, (off_t)(s->written - s->synced), SYNC_FILE_RANGE_WRITE) == -1)
            return -1;
        if (s->synced >= AUTOSYNC_BYTES)
            sync_file_range(s->fd, (off_t)(s->synced - AUTOSYNC_BYTES), AUTOSYNC_BYTES,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        s->synced = s->written;
    }
#endif
    return 0;
}

static int aux_field(RdbOut *o, const char *k, const char *v) {
    if (rdbo_u8(o, RDB_OPCODE_AUX)) return -1;
    if (rdbo_string(o, k, strlen(k))) return -1;
    return rdbo_string(o, v, strlen(v));
}

static int aux_field_ll(RdbOut *o, const char *k, long long v) {
    char buf[NUMCONV_LL_BUF];
    ll_to_str(buf, v);
    return aux_field(o, k, buf);
}

static int policy_keeps_lru(void) {
    int p = server.cfg.maxmemory_policy;
    return p == MAXMEMORY_ALLKEYS_LRU || p == MAXMEMORY_VOLATILE_LRU;
}

static int policy_keeps_lfu(void) {
    int p = server.cfg.maxmemory_policy;
    return p == MAXMEMORY_ALLKEYS_LFU || p == MAXMEMORY_VOLATILE_LFU;
}

static rdb_function_save_fn *function_saver;

void rdb_register_function_saver(rdb_function_save_fn *fn) {
    function_saver = fn;
}

rdb_function_save_fn *rdb_function_saver(void) {
    return function_saver;
}

static int emit_function(void *priv, const char *code, size_t len) {
    RdbOut *o = priv;
    return rdbo_u8(o, RDB_OPCODE_FUNCTION2) || rdbo_string(o, code, len) ? -1 : 0;
}

void persist_debug_delay(int usec) {
    if (usec < 0) usec = (server_rand64() % (uint64_t)(-(long long)usec)) == 0 ? 1 : 0;
    if (usec) usleep((useconds_t)usec);
}

/* Everything but the CRC; keys is counted up as records go out (the
 * child reports it). */
static int write_dataset(RdbOut *o, uint64_t *keys) {
    char magic[RDB_HEADER_LEN + 1];
    snprintf(magic, sizeof(magic), "REDIS%04d", RDB_VERSION);
    if (rdbo_raw(o, magic, RDB_HEADER_LEN)) return -1;
    if (aux_field(o, "valkey-ver", SERVER_VERSION) || aux_field_ll(o, "redis-bits", (long long)sizeof(void *) * 8) ||
        aux_field_ll(o, "ctime", (long long)time(NULL)) || aux_field_ll(o, "used-mem", (long long)mem_used()) ||
        aux_field_ll(o, "aof-base", 0))
        return -1;
    if (function_saver && function_saver(emit_function, o) == -1) return -1;
    int lru = policy_keeps_lru(), lfu = policy_keeps_lfu();
    int delay = server.cfg.rdb_key_save_delay;
    int in_child = getpid() != server.pid;
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        if (db_size(db) == 0) continue;
        if (rdbo_u8(o, RDB_OPCODE_SELECTDB) || rdbo_len(o, (uint64_t)i) || rdbo_u8(o, RDB_OPCODE_RESIZEDB) ||
            rdbo_len(o, db_size(db)) || rdbo_len(o, db_expires_count(db)))
            return -1;
        DbIter it;
        db_iter_init(&it, db);
        int rc = 0;
        /* Keys go out in batches: the values of a batch are prefetched
         * together, so their cache misses overlap instead of each stalling
         * its key's save in turn (most of a small value's cost). */
        Kv *batch[SAVE_BATCH];
        size_t nb = 0, bi = 0;
        while (rc == 0) {
            if (bi == nb) {
                nb = bi = 0;
                Kv *k;
                while (nb < SAVE_BATCH && (k = db_iter_next(&it))) batch[nb++] = k;
                if (nb == 0) break;
                for (size_t j = 0; j < nb; j++)
                    if (kv_type(batch[j]) != OBJ_STRING) __builtin_prefetch(kv_get_ptr(batch[j]));
            }
            Kv *kv = batch[bi++];
            int64_t when = kv_expire(kv);
            if (when != -1 && (rdbo_u8(o, RDB_OPCODE_EXPIRETIME_MS) || rdbo_ms(o, when))) rc = -1;
            if (rc == 0 && lru) {
                uint32_t now = server.lru_clock, then = kv_lru(kv);
                uint64_t idle = now >= then ? now - then : (LRU_CLOCK_MAX - then) + now;
                rc = rdbo_u8(o, RDB_OPCODE_IDLE) || rdbo_len(o, idle) ? -1 : 0;
            } else if (rc == 0 && lfu) {
                rc = rdbo_u8(o, RDB_OPCODE_FREQ) || rdbo_u8(o, (uint8_t)evict_lfu_freq(kv_lru(kv))) ? -1 : 0;
            }
            if (rc == 0) rc = rdb_save_value(o, kv, 1);
            if (delay) persist_debug_delay(delay);
            if ((++*keys & 1023) == 0 && in_child) child_send_info(*keys, 0);
        }
        db_iter_done(&it);
        if (rc) return -1;
    }
    return rdbo_u8(o, RDB_OPCODE_EOF);
}

/* fsync of the directory holding the renamed file, so the rename itself
 * survives a power cut. */
static int sync_dir(const char *filename) {
    char dir[PATH_MAX];
    const char *slash = strrchr(filename, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = (size_t)(slash - filename);
        if (n >= sizeof(dir)) return 0;
        memcpy(dir, filename, n ? n : 1);
        dir[n ? n : 1] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd == -1) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int rdb_save_file(const char *filename) {
    char tmp[64], cwd[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
        int e = errno;
        server_log(LL_WARNING, "Failed opening the temp RDB file %s (in server root dir %s) for saving: %s", tmp,
                   getcwd(cwd, sizeof(cwd)) ? cwd : "unknown", strerror(e));
        errno = e;
        return -1;
    }
    SaveSink sink = {fd, 0, 0, server.cfg.rdb_save_incremental_fsync};
    RdbOut o;
    rdbo_init_sink(&o, SAVE_BUFFER, sink_write, &sink);
    o.compress = server.cfg.rdb_compression;
    uint64_t keys = 0;
    const char *op = "rdbSaveRio";
    int rc = write_dataset(&o, &keys);
    if (rc == 0) {
        uint64_t crc = server.cfg.rdb_checksum ? rdbo_crc(&o) : 0;
        unsigned char b[8];
        for (int i = 0; i < 8; i++) b[i] = (unsigned char)(crc >> (8 * i));
        rc = rdbo_raw(&o, b, 8);
    }
    if (rc == 0) rc = rdbo_flush(&o);
    rdbo_release(&o);
    if (rc == 0 && fsync(fd) == -1) {
        op = "fsync";
        rc = -1;
    }
    if (rc == -1) {
        int e = errno;
        server_log(LL_WARNING, "Write error while saving DB to the disk(%s): %s", op, strerror(e));
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (close(fd) == -1) {
        int e = errno;
        server_log(LL_WARNING, "Write error while saving DB to the disk(fclose): %s", strerror(e));
        unlink(tmp);
        errno = e;
        return -1;
    }
    /* The file being replaced stays open across the rename, so the rename
     * only drops a name and the old blocks are freed when the last
     * descriptor closes: in the server that is the background thread's
     * job, off SAVE's time (about 2 ms for a 5 MB file on ext4 here).
     * O_NOFOLLOW: a symlink is what the rename replaces; O_NONBLOCK: a
     * FIFO must not block the open. */
    int replaced = getpid() == server.pid ? open(filename, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
    if (rename(tmp, filename) == -1) {
        int e = errno;
        if (replaced != -1) close(replaced);
        server_log(LL_WARNING, "Error moving temp DB file %s on the final destination %s (in server root dir %s): %s",
                   tmp, filename, getcwd(cwd, sizeof(cwd)) ? cwd : "unknown", strerror(e));
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (replaced != -1) aof_bio_close(replaced);
    if (sync_dir(filename) == -1) {
        server_log(LL_WARNING, "Failed to fsync directory while saving DB: %s", strerror(errno));
        return -1;
    }
    rdb_state.child_keys = keys;
    return 0;
}
