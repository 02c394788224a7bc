/* test_server_evict.c - eviction and the LFU counter, linked with the
 * server objects:
 *
 *  - the LFU counter: decay by whole lfu-decay-time periods across the
 *    16-bit minute wrap, saturation at 255, one step per access with
 *    lfu-log-factor 0, logarithmic growth with the default factor;
 *  - a randomized model test of key eviction: databases small enough that
 *    one round of sampling sees every key (maxmemory-samples 64), random
 *    distinct scores (idle time, TTL, LFU counter), keys with and without
 *    a TTL; with a limit one byte below the memory in use, evict_perform
 *    must evict exactly the key the policy ranks first among the eligible
 *    ones (volatile-* only keys with a TTL), or fail when none is left,
 *    with db_check() after every step;
 *  - lazy freeing: big values go to the thread and small ones (or with
 *    lazy off) are freed at once; FLUSHDB-style table hand-off; counters
 *    and used memory after the queue drains. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"
#include "server/evict.h"
#include "server/lazyfree.h"
#include "types/types.h"
#include "unit.h"

static void setup(void) {
    server_init();
    config_init();
    types_init();
    server.db_count = 2;
    server.dbs = mem_calloc(sizeof(Db) * 2);
    for (int i = 0; i < 2; i++) db_init(&server.dbs[i], i);
}

/* ------------------------------------------------------------------ LFU */

static void set_minutes(uint32_t m) {
    server.now_ms = (int64_t)m * 60000 + 1234;
}

static void test_lfu_decay(void) {
    server.cfg.lfu_decay_time = 1;
    set_minutes(1000);
    CHECK_EQ_INT(100, evict_lfu_freq((1000u << 8) | 100));
    set_minutes(1030);
    CHECK_EQ_INT(70, evict_lfu_freq((1000u << 8) | 100));
    set_minutes(1200);
    CHECK_EQ_INT(0, evict_lfu_freq((1000u << 8) | 100));
    /* Across the wrap of the 16-bit minutes: 65530 -> 10 is 15 minutes. */
    set_minutes(65536 + 10);
    CHECK_EQ_INT(85, evict_lfu_freq((65530u << 8) | 100));
    /* A decay period of 10 minutes: 35 minutes take 3. */
    server.cfg.lfu_decay_time = 10;
    set_minutes(2035);
    CHECK_EQ_INT(97, evict_lfu_freq((2000u << 8) | 100));
    /* 0: no decay at all. */
    server.cfg.lfu_decay_time = 0;
    set_minutes(9000);
    CHECK_EQ_INT(100, evict_lfu_freq((2000u << 8) | 100));
    /* Randomized against the formula. */
    unit_srand(7);
    for (int i = 0; i < 5000; i++) {
        uint32_t then = (uint32_t)(unit_rand64() & 0xffff), dt = (uint32_t)(unit_rand64() % 3000);
        uint32_t counter = (uint32_t)(unit_rand64() & 0xff);
        int period = (int)(unit_rand64() % 5);
        server.cfg.lfu_decay_time = period;
        set_minutes(then + dt);
        /* The elapsed time across the wrap counts one minute less, as
         * Valkey's LFUTimeElapsed does. */
        uint32_t elapsed = then + dt > 65535 ? dt - 1 : dt;
        uint32_t periods = period ? elapsed / (uint32_t)period : 0;
        uint32_t want = periods >= counter ? 0 : counter - periods;
        if (!CHECK_EQ_INT(want, evict_lfu_freq((then << 8) | counter))) break;
    }
    server.cfg.lfu_decay_time = 1;
}

static void test_lfu_access(void) {
    server.cfg.lfu_decay_time = 1;
    set_minutes(500);
    uint32_t bits = evict_lfu_initial();
    CHECK_EQ_INT(LFU_INIT_VAL, bits & 0xff);
    CHECK_EQ_INT(500, bits >> 8);
    /* Factor 0: every access counts, up to 255. */
    server.cfg.lfu_log_factor = 0;
    for (int i = 0; i < 300; i++) bits = evict_lfu_access(bits);
    CHECK_EQ_INT(255, bits & 0xff);
    /* An access stamps the time of the decay it applied. */
    set_minutes(503);
    bits = evict_lfu_access(bits);
    CHECK_EQ_INT(503, bits >> 8);
    CHECK_EQ_INT(253, bits & 0xff);
    /* The default factor: logarithmic (about 18 after 1000 hits, well
     * under 255 after 100000).  The increments are random: the bounds
     * are wide enough to hold in millions of runs (12..26 failed about
     * once in 1000). */
    server.cfg.lfu_log_factor = 10;
    bits = evict_lfu_initial();
    for (int i = 0; i < 1000; i++) bits = evict_lfu_access(bits);
    unsigned c1000 = bits & 0xff;
    CHECK(c1000 >= 8 && c1000 <= 34);
    for (int i = 0; i < 99000; i++) bits = evict_lfu_access(bits);
    unsigned c100k = bits & 0xff;
    CHECK(c100k > c1000 && c100k < 200);
}

/* ---------------------------------------------------------- model test */

typedef struct ModelKey {
    char name[16];
    int db;
    int alive;
    int volatile_key;
    uint64_t score; /* the policy's rank: higher goes first */
} ModelKey;

#define MODEL_KEYS 40

static int policy_volatile(int p) {
    return p == MAXMEMORY_VOLATILE_LRU || p == MAXMEMORY_VOLATILE_LFU || p == MAXMEMORY_VOLATILE_TTL;
}

static void finish_rehash(void) {
    for (int d = 0; d < server.db_count; d++)
        for (int i = 0; i < 1000 && (ht_is_rehashing(server.dbs[d].keys) || ht_is_rehashing(server.dbs[d].expires));
             i++)
            db_cron(&server.dbs[d], 1);
}

static void run_model(int policy, uint64_t seed) {
    unit_srand(seed);
    for (int d = 0; d < server.db_count; d++) db_flush(&server.dbs[d]);
    server.cfg.maxmemory_policy = policy;
    server.cfg.maxmemory_samples = 64;
    server.cfg.maxmemory_eviction_tenacity = 100;
    server.cfg.lazyfree_lazy_eviction = 0;
    server.cfg.lfu_decay_time = 0;
    server.cfg.maxmemory = 0;
    set_minutes(100000);
    server.lru_clock = 5000000;
    /* Distinct scores: a shuffled 0..255 for LFU, distinct idle times and
     * expiry times otherwise. */
    int perm[256];
    for (int i = 0; i < 256; i++) perm[i] = i;
    for (int i = 255; i > 0; i--) {
        int j = (int)(unit_rand64() % (uint64_t)(i + 1));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    ModelKey keys[MODEL_KEYS];
    for (int i = 0; i < MODEL_KEYS; i++) {
        ModelKey *m = &keys[i];
        snprintf(m->name, sizeof(m->name), "k%d", i);
        m->db = (int)(unit_rand64() % 2);
        m->alive = 1;
        m->volatile_key = (unit_rand64() % 3) != 0;
        int64_t when = m->volatile_key ? server.now_ms + 1000000 + perm[i] * 1000 : -1;
        Kv *kv = kv_new_string_ttl(m->name, strlen(m->name), "value", 5, when);
        uint32_t bits;
        if (policy == MAXMEMORY_ALLKEYS_LFU || policy == MAXMEMORY_VOLATILE_LFU) {
            bits = (uint32_t)perm[i];
            m->score = 255 - (uint64_t)perm[i];
        } else if (policy == MAXMEMORY_VOLATILE_TTL) {
            bits = server.lru_clock;
            m->score = m->volatile_key ? UINT64_MAX - (uint64_t)when : 0;
        } else {
            uint32_t idle = 10 + (uint32_t)perm[i] * 7;
            bits = server.lru_clock - idle;
            m->score = idle;
        }
        kv_set_lru(kv, bits);
        db_add(&server.dbs[m->db], kv);
    }
    finish_rehash();
    for (int step = 0; step <= MODEL_KEYS; step++) {
        uint64_t before = db_size(&server.dbs[0]) + db_size(&server.dbs[1]);
        server.cfg.maxmemory = mem_used() - 1;
        int r = evict_perform();
        server.cfg.maxmemory = 0;
        uint64_t after = db_size(&server.dbs[0]) + db_size(&server.dbs[1]);
        /* Usually one key goes; a few (4 seen) when a table shrank
         * meanwhile: its new bucket array is counted at once and the old
         * one is freed only when the incremental rehash ends, so the next
         * removals seem to free nothing.  The keys gone must be the
         * policy's first ones, in order. */
        uint64_t gone = before - after;
        int any_eligible = 0;
        for (int i = 0; i < MODEL_KEYS; i++)
            if (keys[i].alive && (!policy_volatile(policy) || keys[i].volatile_key)) any_eligible = 1;
        if (!any_eligible) {
            CHECK_EQ_INT(EVICT_FAIL, r);
            CHECK_EQ_INT(before, after);
            break;
        }
        /* EVICT_FAIL is right only when the keys it evicted were the last
         * eligible ones and memory is still over the limit: a table that
         * shrank on the last deletion holds its old buckets until its
         * rehash ends, so the removal can free less than it costs. */
        if (r != EVICT_OK && !CHECK_EQ_INT(EVICT_FAIL, r)) break;
        if (!CHECK(gone >= 1 && gone <= 6)) break;
        int ok = 1;
        for (uint64_t g = 0; g < gone && ok; g++) {
            int best = -1;
            for (int i = 0; i < MODEL_KEYS; i++) {
                ModelKey *m = &keys[i];
                if (!m->alive || (policy_volatile(policy) && !m->volatile_key)) continue;
                if (best == -1 || m->score > keys[best].score) best = i;
            }
            if (!CHECK(best != -1)) {
                ok = 0;
                break;
            }
            ModelKey *m = &keys[best];
            if (!CHECK(db_find(&server.dbs[m->db], m->name, strlen(m->name)) == NULL)) {
                printf("    policy %d seed %llu step %d: expected %s evicted\n", policy, (unsigned long long)seed,
                       step, m->name);
                ok = 0;
            }
            m->alive = 0;
        }
        if (!ok) break;
        if (r == EVICT_FAIL) {
            int left = 0;
            for (int i = 0; i < MODEL_KEYS; i++)
                if (keys[i].alive && (!policy_volatile(policy) || keys[i].volatile_key)) left = 1;
            if (!CHECK(!left)) printf("    policy %d seed %llu step %d: EVICT_FAIL with eligible keys left\n", policy,
                                      (unsigned long long)seed, step);
            break;
        }
        /* Everything else is still there. */
        for (int i = 0; i < MODEL_KEYS; i++)
            if (keys[i].alive && !CHECK(db_find(&server.dbs[keys[i].db], keys[i].name, strlen(keys[i].name)))) {
                ok = 0;
                break;
            }
        if (!ok) break;
        for (int d = 0; d < server.db_count; d++) {
            const char *err = db_check(&server.dbs[d]);
            if (!CHECK(err == NULL)) printf("    db_check: %s\n", err);
        }
    }
}

static void test_eviction_model(void) {
    int policies[] = {MAXMEMORY_ALLKEYS_LRU, MAXMEMORY_VOLATILE_LRU, MAXMEMORY_ALLKEYS_LFU, MAXMEMORY_VOLATILE_LFU,
                      MAXMEMORY_VOLATILE_TTL};
    long failed_before = unit_failed;
    for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++)
        for (uint64_t seed = 1; seed <= 60 && unit_failed == failed_before; seed++) run_model(policies[p], seed);
    for (int d = 0; d < server.db_count; d++) db_flush(&server.dbs[d]);
}

/* Random policies take some key (an eligible one), and noeviction none. */
static void test_random_and_noeviction(void) {
    int policies[] = {MAXMEMORY_ALLKEYS_RANDOM, MAXMEMORY_VOLATILE_RANDOM, MAXMEMORY_NOEVICTION};
    for (size_t p = 0; p < 3; p++) {
        for (int d = 0; d < server.db_count; d++) db_flush(&server.dbs[d]);
        server.cfg.maxmemory_policy = policies[p];
        for (int i = 0; i < 30; i++) {
            char name[16];
            snprintf(name, sizeof(name), "r%d", i);
            int64_t when = i % 2 ? server.now_ms + 100000 : -1;
            db_add(&server.dbs[i % 2], kv_new_string_ttl(name, strlen(name), "v", 1, when));
        }
        uint64_t before = db_size(&server.dbs[0]) + db_size(&server.dbs[1]);
        uint64_t vol_before = db_expires_count(&server.dbs[0]) + db_expires_count(&server.dbs[1]);
        server.cfg.maxmemory = mem_used() - 1;
        int r = evict_perform();
        server.cfg.maxmemory = 0;
        uint64_t after = db_size(&server.dbs[0]) + db_size(&server.dbs[1]);
        uint64_t vol_after = db_expires_count(&server.dbs[0]) + db_expires_count(&server.dbs[1]);
        if (policies[p] == MAXMEMORY_NOEVICTION) {
            CHECK_EQ_INT(EVICT_FAIL, r);
            CHECK_EQ_INT(before, after);
        } else {
            CHECK_EQ_INT(EVICT_OK, r);
            CHECK_EQ_INT(before - 1, after);
            if (policies[p] == MAXMEMORY_VOLATILE_RANDOM) CHECK_EQ_INT(vol_before - 1, vol_after);
        }
    }
    for (int d = 0; d < server.db_count; d++) db_flush(&server.dbs[d]);
    server.cfg.maxmemory_policy = MAXMEMORY_NOEVICTION;
}

/* A value type whose free effort is what the box says. */
static _Atomic int box_frees;
typedef struct Box {
    size_t effort;
    char pad[200];
} Box;
static void box_free(void *p, int enc) {
    (void)enc;
    mem_free(p);
    box_frees++;
}
static size_t box_effort(const void *p, int enc) {
    (void)enc;
    return ((const Box *)p)->effort;
}
static const TypeOps box_ops = {.type = OBJ_STREAM, .name = "stream", .free = box_free, .free_effort = box_effort};

static Kv *new_box(const char *key, size_t effort) {
    Box *b = mem_calloc(sizeof(Box));
    b->effort = effort;
    return kv_new_ptr(key, strlen(key), OBJ_STREAM, ENC_STREAM, b);
}

static void test_lazyfree(void) {
    kv_register_type(&box_ops);
    size_t base = mem_used();
    uint64_t freed = lazyfree_freed();
    /* Above the threshold and lazy: the thread frees it. */
    CHECK_EQ_INT(1, lazyfree_kv(new_box("a", LAZYFREE_THRESHOLD + 1), 1));
    lazyfree_drain();
    CHECK_EQ_INT(freed + 1, lazyfree_freed());
    CHECK_EQ_INT(0, lazyfree_pending());
    CHECK_EQ_INT(1, box_frees);
    CHECK_EQ_UINT(base, mem_used());
    /* At the threshold, or not lazy: freed here, at once. */
    CHECK_EQ_INT(0, lazyfree_kv(new_box("b", LAZYFREE_THRESHOLD), 1));
    CHECK_EQ_INT(2, box_frees);
    CHECK_EQ_INT(0, lazyfree_kv(new_box("c", 1000000), 0));
    CHECK_EQ_INT(3, box_frees);
    CHECK_EQ_INT(0, lazyfree_kv(kv_new_string("d", 1, "value", 5, 0), 1));
    CHECK_EQ_INT(freed + 1, lazyfree_freed());
    CHECK_EQ_UINT(base, mem_used());
    /* Many jobs in a row, from big values. */
    for (int i = 0; i < 500; i++) lazyfree_kv(new_box("e", 1000), 1);
    lazyfree_drain();
    CHECK_EQ_INT(freed + 501, lazyfree_freed());
    CHECK_EQ_INT(503, box_frees);
    CHECK_EQ_UINT(base, mem_used());
    /* A database's tables, with TTLs (linked twice), handed over whole. */
    Db *db = &server.dbs[1];
    db_flush(db);
    size_t base_db = mem_used();
    for (int i = 0; i < 3000; i++) {
        char name[16];
        snprintf(name, sizeof(name), "f%d", i);
        db_add(db, kv_new_string_ttl(name, strlen(name), "v", 1, i % 3 ? -1 : server.now_ms + 100000));
    }
    CHECK_EQ_INT(3000, db_flush_lazy(db));
    CHECK_EQ_INT(0, db_size(db));
    CHECK_EQ_INT(0, db_expires_count(db));
    CHECK(db_check(db) == NULL);
    lazyfree_drain();
    CHECK_EQ_INT(freed + 3501, lazyfree_freed());
    CHECK_EQ_INT(0, lazyfree_pending());
    /* Only the new (empty) tables are left of the database's memory. */
    CHECK(mem_used() <= base_db + 1024);
    /* The new tables work. */
    db_add(db, kv_new_string("g", 1, "v", 1, 0));
    CHECK(db_find(db, "g", 1) != NULL);
    db_flush(db);
}

int main(void) {
    setup();
    UNIT_RUN(test_lfu_decay);
    UNIT_RUN(test_lfu_access);
    UNIT_RUN(test_eviction_model);
    UNIT_RUN(test_random_and_noeviction);
    UNIT_RUN(test_lazyfree);
    return unit_finish();
}
