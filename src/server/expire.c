/* expire.c - key expiry: the lazy check on access and the active cycle
 * that removes keys nobody reads.
 *
 * The active cycle walks each database's expires table with a scan cursor
 * (so every volatile key is visited in turn), samples a few keys per step
 * and keeps going while many of the sampled keys were expired, within a
 * CPU budget: the slow cycle runs from cron with a share of each tick, the
 * fast one from before_sleep for about a millisecond when the last slow
 * cycle ran out of time. */
#include "server.h"

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
    /* CLIENT PAUSE holds back deletions (they are writes): the key reads
     * as gone but stays until the pause ends. */
    if (pause_blocks_expire()) return 1;
    size_t klen;
    const char *key = kv_key(kv, &klen);
    server.stat.expired_keys++;
    db_signal_modified(db, key, klen);
    db_delete(db, key, klen);
    return 1;
}

typedef struct ExpireSample {
    Kv *found[64];
    int n;
} ExpireSample;

static void collect_expired(void *priv, void *entry) {
    ExpireSample *s = priv;
    if (s->n < 64 && kv_is_expired(entry)) s->found[s->n++] = entry;
}

static int last_cycle_timed_out;
static int next_db;

/* Returns 1 if it stopped because the time ran out. */
static int expire_cycle(uint64_t budget_us) {
    uint64_t start = ev_monotonic_us();
    int effort = server.cfg.active_expire_effort - 1; /* 0..9 */
    int keys_per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort;
    int acceptable = ACCEPTABLE_STALE_PERC - effort;
    int timed_out = 0;
    uint64_t sampled_total = 0, expired_total = 0;
    for (int d = 0; d < server.db_count && !timed_out; d++) {
        Db *db = &server.dbs[(next_db + d) % server.db_count];
        int rounds = 0;
        for (;;) {
            uint64_t count = ht_count(db->expires);
            if (count == 0) {
                db->expire_cursor = 0;
                break;
            }
            ExpireSample s;
            s.n = 0;
            uint64_t sampled = 0;
            uint64_t buckets_left = (uint64_t)keys_per_loop * 2;
            do {
                db->expire_cursor = ht_scan(db->expires, db->expire_cursor, collect_expired, &s);
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
    next_db = (next_db + 1) % server.db_count;
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
    last_cycle_timed_out = expire_cycle(budget);
}

void expire_cycle_fast(void) {
    if (!server.active_expire_enabled || !last_cycle_timed_out) return;
    server_update_time();
    last_cycle_timed_out = expire_cycle(FAST_CYCLE_US);
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
