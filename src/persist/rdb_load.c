/* rdb_load.c - loading an RDB file (versions 1 to 11: Redis 2.x to 7.2,
 * Valkey 7 and 8) into the keyspace.
 *
 * Every opcode Valkey knows without modules is understood: AUX fields
 * are logged or skipped, RESIZEDB and SLOT_INFO are hints, FUNCTION2
 * libraries go to the scripting layer when one registered a loader (and
 * are skipped with a warning otherwise).  Keys whose TTL already passed
 * are dropped (rdb_last_load_keys_expired), empty values skipped as
 * Valkey does, and a key seen twice refuses the file unless the caller
 * allows replacement (DEBUG RELOAD MERGE).
 *
 * Any refusal (short file, bad encoding, a blob whose structure lies, a
 * CRC mismatch) is logged with the offset and the reason, and leaves the
 * keys loaded so far in place: the start-up caller exits, DEBUG RELOAD
 * reports the error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../server/server.h"
#include "format/rdb_format.h"
#include "format/rdb_in.h"
#include "persist.h"
#include "rdb_value.h"

static rdb_function_load_fn *function_loader;

void rdb_register_function_loader(rdb_function_load_fn *fn) {
    function_loader = fn;
}

static int key_kept(RdbIn *in, char **buf, size_t *cap, size_t *klen) {
    const unsigned char *p;
    if (!rdbi_string(in, &p, klen)) return 0;
    if (*klen > *cap || !*buf) {
        mem_free(*buf);
        *cap = *klen < 32 ? 64 : *klen * 2;
        *buf = mem_alloc(*cap);
    }
    if (*klen) memcpy(*buf, p, *klen);
    return 1;
}

static void aux_field(const char *k, size_t klen, const char *v, size_t vlen) {
    char key[64], val[128];
    snprintf(key, sizeof(key), "%.*s", (int)(klen < 63 ? klen : 63), k);
    snprintf(val, sizeof(val), "%.*s", (int)(vlen < 127 ? vlen : 127), v);
    if (key[0] == '%') server_log(LL_NOTICE, "RDB '%s': %s", key, val);
    else if (!strcasecmp(key, "redis-ver")) server_log(LL_NOTICE, "Loading RDB produced by Redis version %s", val);
    else if (!strcasecmp(key, "valkey-ver")) server_log(LL_NOTICE, "Loading RDB produced by Valkey version %s", val);
    else if (!strcasecmp(key, "ctime")) {
        long long age = (long long)time(NULL) - strtoll(val, NULL, 10);
        server_log(LL_NOTICE, "RDB age %lld seconds", age < 0 ? 0 : age);
    } else if (!strcasecmp(key, "used-mem")) {
        long long used = strtoll(val, NULL, 10);
        server_log(LL_NOTICE, "RDB memory usage when created %.2f Mb", (double)used / (1024 * 1024));
        rdb_state.loading_rdb_used_mem = used > 0 ? (uint64_t)used : 0;
    } else if (!strcasecmp(key, "aof-preamble")) {
        if (strtoll(val, NULL, 10)) server_log(LL_NOTICE, "RDB has an AOF tail");
    } else if (!strcasecmp(key, "aof-base")) {
        if (strtoll(val, NULL, 10)) server_log(LL_NOTICE, "RDB is base AOF");
    } else {
        server_log(LL_DEBUG, "Unrecognized RDB AUX field: '%s'", key);
    }
}

/* A loaded key waiting to be added: keys go in one step behind the
 * reading, so that the cache misses of an insert (the bucket, then the
 * entry a lookup compares first) are prefetched while the next value is
 * read.  The order of adds is the file's. */
typedef struct PendingKey {
    Kv *kv; /* NULL: none */
    Db *db;
    uint64_t hash;
    int64_t idle;
    int freq;
} PendingKey;

/* Adds the pending key; 0 (with the reason) when the key exists and
 * replacing is not allowed. */
static int store_pending(RdbIn *in, PendingKey *pk, int flags) {
    Kv *kv = pk->kv;
    if (!kv) return 1;
    pk->kv = NULL;
    Db *db = pk->db;
    if (db_add_new_hashed(db, kv, pk->hash)) {
        size_t klen;
        const char *key = kv_key(kv, &klen);
        if (!(flags & RDB_LOAD_ALLOW_DUP)) {
            server_log(LL_WARNING, "RDB has duplicated key '%.*s' in DB %d", (int)(klen < 128 ? klen : 128), key, db->id);
            kv_free(kv);
            return rdbi_fail(in, "Duplicated key found in RDB file");
        }
        db_delete(db, key, klen);
        db_add(db, kv);
    }
    if (pk->freq >= 0 || pk->idle >= 0) rdb_apply_lru(kv, pk->idle, pk->freq);
    return 1;
}

void rdb_apply_lru(Kv *kv, int64_t idle, int freq) {
    int lfu = server.cfg.maxmemory_policy == MAXMEMORY_ALLKEYS_LFU || server.cfg.maxmemory_policy == MAXMEMORY_VOLATILE_LFU;
    if (lfu && freq >= 0) {
        kv_set_lru(kv, (kv_lru(kv) & ~0xffu) | (uint32_t)freq);
    } else if (!lfu && idle >= 0) {
        uint64_t back = (uint64_t)idle > LRU_CLOCK_MAX ? LRU_CLOCK_MAX : (uint64_t)idle;
        kv_set_lru(kv, (server.lru_clock - (uint32_t)back) & LRU_CLOCK_MAX);
    }
}

static int load_function(RdbIn *in) {
    const unsigned char *code;
    size_t len;
    if (!rdbi_string(in, &code, &len)) return 0;
    if (!function_loader) {
        server_log(LL_WARNING, "The RDB file holds a function library; scripting is not available, skipping it");
        return 1;
    }
    char err[256];
    if (function_loader((const char *)code, len, err, sizeof(err)) == -1)
        return rdbi_fail(in, "Failed loading library, %s", err);
    return 1;
}

/* The opcode loop; 1 when the file was read to its end. */
static int load_stream(RdbIn *in, int flags) {
    unsigned char hdr[RDB_HEADER_LEN + 1];
    if (!rdbi_read(in, hdr, RDB_HEADER_LEN)) return 0;
    hdr[RDB_HEADER_LEN] = '\0';
    if (memcmp(hdr, "REDIS", 5) != 0) {
        server_log(LL_WARNING, "Wrong signature trying to load DB from file");
        return rdbi_fail(in, "Wrong signature");
    }
    int ver = atoi((const char *)hdr + 5);
    if (ver < RDB_MIN_VERSION || ver > RDB_VERSION) {
        server_log(LL_WARNING, "Can't handle RDB format version %d", ver);
        return rdbi_fail(in, "Can't handle RDB format version %d", ver);
    }
    in->rdbver = ver;
    Db *db = &server.dbs[0];
    int64_t expire = -1, idle = -1, now = server.now_ms;
    int freq = -1;
    int deep = server.cfg.sanitize_dump_payload == SANITIZE_DUMP_YES;
    uint64_t every = (uint64_t)server.cfg.loading_process_events_interval_bytes, next_events = every;
    char *key = NULL;
    size_t key_cap = 0, klen;
    int ok = 1;
    PendingKey pending = {0};
    while (ok) {
        unsigned type;
        if (!rdbi_u8(in, &type)) break;
        uint64_t a, b, c;
        const unsigned char *s;
        size_t slen;
        switch (type) {
        case RDB_OPCODE_EXPIRETIME:
            if ((ok = rdbi_secs(in, &expire))) expire *= 1000;
            continue;
        case RDB_OPCODE_EXPIRETIME_MS:
            ok = rdbi_ms(in, &expire);
            continue;
        case RDB_OPCODE_FREQ: {
            unsigned f;
            if ((ok = rdbi_u8(in, &f))) freq = (int)f;
            continue;
        }
        case RDB_OPCODE_IDLE:
            if ((ok = rdbi_len(in, &a, NULL))) idle = a > INT64_MAX ? INT64_MAX : (int64_t)a;
            continue;
        case RDB_OPCODE_EOF:
            break;
        case RDB_OPCODE_SELECTDB:
            if (!(ok = rdbi_len(in, &a, NULL) && store_pending(in, &pending, flags))) continue;
            if (a >= (uint64_t)server.db_count) {
                server_log(LL_WARNING, "FATAL: Data file was created with a Valkey server configured to handle more "
                                       "than %d databases. Exiting\n", server.db_count);
                ok = rdbi_fail(in, "Database %llu out of range", (unsigned long long)a);
                continue;
            }
            db = &server.dbs[a];
            continue;
        case RDB_OPCODE_RESIZEDB:
            if ((ok = rdbi_len(in, &a, NULL) && rdbi_len(in, &b, NULL))) {
                /* A hint, trusted only as far as the input could hold
                 * that many keys (three bytes each at least). */
                uint64_t most = rdbi_remaining(in) / 3;
                if (most > UINT32_MAX) most = UINT32_MAX;
                db_expand(db, a < most ? a : most, b < most ? b : most);
            }
            continue;
        case RDB_OPCODE_SLOT_INFO:
            ok = rdbi_len(in, &a, NULL) && rdbi_len(in, &b, NULL) && rdbi_len(in, &c, NULL);
            continue;
        case RDB_OPCODE_AUX:
            if (!(ok = key_kept(in, &key, &key_cap, &klen) && rdbi_string(in, &s, &slen))) continue;
            aux_field(key, klen, (const char *)s, slen);
            continue;
        case RDB_OPCODE_MODULE_AUX:
            server_log(LL_WARNING, "The RDB file contains AUX module data I can't load: this server loads no modules");
            ok = rdbi_fail(in, "Module AUX data");
            continue;
        case RDB_OPCODE_FUNCTION_PRE_GA:
            ok = rdbi_fail(in, "Pre-release function format not supported.");
            continue;
        case RDB_OPCODE_FUNCTION2:
            ok = load_function(in);
            continue;
        default:
            if (!rdb_is_object_type((int)type)) {
                ok = rdbi_fail(in, "Unknown RDB type or opcode %u", type);
                continue;
            }
            if (!(ok = key_kept(in, &key, &key_cap, &klen))) continue;
            uint64_t hash = db_hash_prefetch(db, key, klen);
            int empty;
            Kv *kv = rdb_load_value(in, (int)type, key, klen, expire, deep, &empty);
            if (!kv) {
                if (!empty) ok = 0;
                else if (rdb_state.empty_skipped++ < 10)
                    server_log(LL_NOTICE, "rdbLoadObject skipping empty key: %.*s", (int)(klen < 128 ? klen : 128), key);
            } else if (expire != -1 && expire < now) {
                kv_free(kv);
                rdb_state.keys_expired++;
            } else {
                db_prefetch_first(db, hash);
                if ((ok = store_pending(in, &pending, flags))) pending = (PendingKey){kv, db, hash, idle, freq};
                else kv_free(kv);
                rdb_state.keys_loaded++;
            }
            if (server.cfg.key_load_delay) persist_debug_delay(server.cfg.key_load_delay);
            expire = -1;
            idle = -1;
            freq = -1;
            if (rdbi_offset(in) >= next_events) {
                rdb_state.loading_loaded = rdbi_offset(in);
                if (mem_used() > server.used_memory_peak) server.used_memory_peak = mem_used();
                if (flags & RDB_LOAD_EVENTS) {
                    ok = ok && store_pending(in, &pending, flags);
                    server_process_events_while_blocked();
                }
                next_events = rdbi_offset(in) + every;
            }
            continue;
        }
        break; /* EOF */
    }
    /* The last key read goes in even after a failure: what loaded stays. */
    if (!store_pending(in, &pending, flags)) ok = 0;
    mem_free(key);
    if (!ok || in->failed) return 0;
    if (ver >= 5) {
        uint64_t expected = rdbi_crc(in), got = 0;
        unsigned char x[8];
        if (!rdbi_read(in, x, 8)) return 0;
        for (int i = 7; i >= 0; i--) got = (got << 8) | x[i];
        if (server.cfg.rdb_checksum && !server.skip_checksum_validation) {
            if (got == 0) {
                server_log(LL_NOTICE, "RDB file was saved with checksum disabled: no check performed.");
            } else if (got != expected) {
                server_log(LL_WARNING, "Wrong RDB checksum expected: (%llx) but got (%llx). Aborting now.",
                           (unsigned long long)expected, (unsigned long long)got);
                return rdbi_fail(in, "RDB CRC error");
            }
        }
    }
    return 1;
}

int rdb_load_from(RdbIn *in, const char *name, int flags) {
    server.loading = 1;
    rdb_state.loading_start = server.now_ms / 1000;
    rdb_state.loading_total = in->size == RDBI_SIZE_UNKNOWN ? 0 : in->size;
    rdb_state.loading_loaded = 0;
    rdb_state.loading_rdb_used_mem = 0;
    rdb_state.keys_loaded = rdb_state.keys_expired = rdb_state.empty_skipped = 0;
    int ok = load_stream(in, flags);
    if (!ok) {
        server_log(LL_WARNING, "Internal error in RDB reading offset %llu, file %s -> %s",
                   (unsigned long long)in->fail_off, name, in->why[0] ? in->why : "Unexpected EOF reading RDB file");
    } else if (rdb_state.empty_skipped) {
        server_log(LL_NOTICE, "Done loading RDB, keys loaded: %llu, keys expired: %llu, empty keys skipped: %llu.",
                   (unsigned long long)rdb_state.keys_loaded, (unsigned long long)rdb_state.keys_expired,
                   (unsigned long long)rdb_state.empty_skipped);
    } else {
        server_log(LL_NOTICE, "Done loading RDB, keys loaded: %llu, keys expired: %llu.",
                   (unsigned long long)rdb_state.keys_loaded, (unsigned long long)rdb_state.keys_expired);
    }
    rdb_state.loading_loaded = rdbi_offset(in);
    server.loading = 0;
    return ok ? RDB_LOAD_OK : RDB_LOAD_FAILED;
}

int rdb_load_file(const char *filename, int flags) {
    int fd = open(filename, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        if (errno == ENOENT) return RDB_LOAD_NOT_EXIST;
        server_log(LL_WARNING, "Fatal error: can't open the RDB file %s for reading: %s", filename, strerror(errno));
        return RDB_LOAD_FAILED;
    }
    struct stat st;
    uint64_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : RDBI_SIZE_UNKNOWN;
    RdbIn in;
    rdbi_init_fd(&in, fd, size);
    int rc = rdb_load_from(&in, filename, flags);
    rdbi_release(&in);
    close(fd);
    return rc;
}
