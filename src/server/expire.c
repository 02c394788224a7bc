/* expire.c - key expiry: the lazy check on access and the active cycle
 * that removes keys nobody reads.
 *
 * An expired key is deleted, fires the "expired" event, and is propagated
 * as a DEL (UNLINK with lazyfree-lazy-expire) so the AOF replays the same
 * deletion at the same point.  CLIENT PAUSE WRITE/ALL holds deletions
 * back: the key reads as missing but stays until the pause ends.
 *
 * The active cycle walks each database's expires table with a scan cursor
 * (so every volatile key is visited in turn), samples a few keys per step
 * and keeps going while many of the sampled keys were expired, within a
 * CPU budget: the slow cycle runs from cron with a share of each tick, the
 * fast one from before_sleep for about a millisecond when the last slow
 * cycle ran out of time. */
#include <string.h>

#include "server.h"
#include "lazyfree.h"
#include "reply.h"

#define KEYS_PER_LOOP 20
#define SLOW_CYCLE_PERC 25      /* of each cron period */
#define FAST_CYCLE_US 1000
#define ACCEPTABLE_STALE_PERC 10

int kv_is_expired(const Kv *kv) {
    int64_t when = kv_expire(kv);
    return when != -1 && when <= server.now_ms;
}

int db_expire_if_due(Db *db, Kv *kv) {
    if (!kv_is_expired(kv)) return 0;
    if (pause_blocks_expire()) return 1;
    size_t klen;
    const char *k = kv_key(kv, &klen);
    /* The key's bytes die with the entry: copy the name for what follows. */
    char stackbuf[128];
    char *key = klen <= sizeof(stackbuf) ? stackbuf : mem_alloc(klen);
    memcpy(key, k, klen);
    server.stat.expired_keys++;
    /* lazyfree-lazy-expire: a big value is freed on the lazy-free thread. */
    Kv *gone = db_unlink(db, key, klen);
    if (gone) lazyfree_kv(gone, server.cfg.lazyfree_lazy_expire);
    key_touched(NULL, db, key, klen);
    key_event(db, key, klen, NOTIFY_EXPIRED, "expired");
    propagate_deletion(db, key, klen, server.cfg.lazyfree_lazy_expire);
    if (key != stackbuf) mem_free(key);
    return 1;
}

typedef struct ExpireSample {
    Kv *found[64];
    int n;
} ExpireSample;

static void collect_expired(void *priv, Kv *kv) {
    ExpireSample *s = priv;
    if (s->n < 64 && kv_is_expired(kv)) s->found[s->n++] = kv;
}

/* Returns 1 if it stopped because the time ran out. */
static int expire_cycle(uint64_t budget_us) {
    uint64_t start = ev_monotonic_us();
    int effort = server.cfg.active_expire_effort - 1; /* 0..9 */
    int keys_per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort;
    int acceptable = ACCEPTABLE_STALE_PERC - effort;
    int timed_out = 0;
    uint64_t sampled_total = 0, expired_total = 0;
    for (int d = 0; d < server.db_count && !timed_out; d++) {
        Db *db = &server.dbs[(server.expire_next_db + d) % server.db_count];
        int rounds = 0;
        for (;;) {
            if (db_expires_count(db) == 0) {
                db->expire_cursor = 0;
                break;
            }
            ExpireSample s;
            s.n = 0;
            uint64_t sampled = 0;
            uint64_t buckets_left = (uint64_t)keys_per_loop * 2;
            do {
                db->expire_cursor = db_scan_expires(db, db->expire_cursor, collect_expired, &s);
                sampled++;
            } while (db->expire_cursor != 0 && sampled < (uint64_t)keys_per_loop && --buckets_left && s.n < 64);
            for (int i = 0; i < s.n; i++) db_expire_if_due(db, s.found[i]);
            sampled_total += sampled;
            expired_total += (uint64_t)s.n;
            if (++rounds % 16 == 0 && ev_monotonic_us() - start > budget_us) {
                timed_out = 1;
                break;
            }
            /* Stop once few of the sampled keys were stale. */
            if (sampled == 0 || (uint64_t)s.n * 100 / sampled <= (uint64_t)acceptable) break;
        }
    }
    server.expire_next_db = (server.expire_next_db + 1) % server.db_count;
    uint64_t elapsed = ev_monotonic_us() - start;
    server.stat.expire_cycle_cpu_ms += elapsed / 1000;
    if (timed_out) server.stat.expired_time_cap_reached++;
    if (sampled_total)
        server.stat.expired_stale_perc_x100 =
            (server.stat.expired_stale_perc_x100 * 95 + expired_total * 10000 / sampled_total * 5) / 100;
    return timed_out;
}

void expire_cycle_slow(void) {
    if (!server.active_expire_enabled) return;
    uint64_t budget = 1000000u / (uint64_t)server.cfg.hz * SLOW_CYCLE_PERC / 100;
    server_update_time();
    server.expire_last_timed_out = expire_cycle(budget);
}

void expire_cycle_fast(void) {
    if (!server.active_expire_enabled || !server.expire_last_timed_out) return;
    server_update_time();
    server.expire_last_timed_out = expire_cycle(FAST_CYCLE_US);
}

/* Turns an expire argument into an absolute time in ms. unit_ms is 1000
 * for seconds; absolute says whether the value is already a timestamp. */
int expire_arg_to_abs_ms(Client *c, const Arg *a, long long unit_ms, int absolute, const char *cmdname,
                         int64_t *out) {
    long long v;
    if (!arg_to_ll(c, a, &v)) return 0;
    if (v <= 0 || (unit_ms == 1000 && v > INT64_MAX / 1000)) {
        reply_errorf(c, "invalid expire time in '%s' command", cmdname);
        return 0;
    }
    v *= unit_ms;
    if (!absolute) {
        if (v > INT64_MAX - server.now_ms) {
            reply_errorf(c, "invalid expire time in '%s' command", cmdname);
            return 0;
        }
        v += server.now_ms;
    }
    *out = v;
    return 1;
}
