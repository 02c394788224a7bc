/* test_fvtable.c - unit tests for src/ds/fvtable (chained field/value
 * hash table with inline entries and incremental resizing).
 *
 * A randomized model test (thousands of seeded rounds of set/replace/
 * delete/find against a plain array, with fvt_check after every phase and
 * a full iteration compared), values whose length crosses the one-byte
 * varint (the entry is rebuilt, not reallocated), growth and shrinking
 * with a resize in progress, a hash with heavy collisions (chains past
 * fvt_random's initial bound), the scan guarantee while the table grows
 * and shrinks between calls, the uniformity of fvt_random (chi-square),
 * dup and the memory estimate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/fvtable.h"
#include "ds/resize_policy.h"
#include "../../deps/siphash/siphash.h"
#include "unit.h"

static const uint8_t test_key[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

static uint64_t hash_sip(const char *key, size_t len) { return siphash13(key, len, test_key); }

/* 8 distinct values: long chains everywhere. */
static uint64_t hash_poor(const char *key, size_t len) {
    uint64_t h = 0;
    for (size_t i = 0; i < len; i++) h += (unsigned char)key[i];
    return h & 7;
}

static uint64_t rng(void) { return unit_rand64(); }

/* ------------------------------------------------------------- model */

typedef struct MPair {
    char *f, *v;
    size_t flen, vlen;
    int seen;
} MPair;

typedef struct Model {
    MPair *a;
    size_t n, cap;
} Model;

static long model_find(const Model *m, const char *f, size_t flen) {
    for (size_t i = 0; i < m->n; i++)
        if (m->a[i].flen == flen && memcmp(m->a[i].f, f, flen) == 0) return (long)i;
    return -1;
}

static char *dupmem(const char *p, size_t n) {
    char *d = malloc(n + 1);
    memcpy(d, p, n);
    return d;
}

static int model_set(Model *m, const char *f, size_t flen, const char *v, size_t vlen) {
    long i = model_find(m, f, flen);
    if (i >= 0) {
        free(m->a[i].v);
        m->a[i].v = dupmem(v, vlen);
        m->a[i].vlen = vlen;
        return 0;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->a = realloc(m->a, m->cap * sizeof(MPair));
    }
    m->a[m->n++] = (MPair){dupmem(f, flen), dupmem(v, vlen), flen, vlen, 0};
    return 1;
}

static int model_delete(Model *m, const char *f, size_t flen) {
    long i = model_find(m, f, flen);
    if (i < 0) return 0;
    free(m->a[i].f);
    free(m->a[i].v);
    m->a[i] = m->a[--m->n];
    return 1;
}

static void model_free(Model *m) {
    for (size_t i = 0; i < m->n; i++) {
        free(m->a[i].f);
        free(m->a[i].v);
    }
    free(m->a);
    memset(m, 0, sizeof(*m));
}

static int same_as_model(FvTable *t, Model *m) {
    const char *err = fvt_check(t);
    if (!CHECK(err == NULL)) {
        printf("    check: %s\n", err);
        return 0;
    }
    if (!CHECK_EQ_INT(m->n, fvt_count(t))) return 0;
    for (size_t i = 0; i < m->n; i++) m->a[i].seen = 0;
    FvtIter it;
    fvt_iter_init(&it, t);
    const void *e;
    int ok = 1;
    while (ok && (e = fvt_iter_next(&it))) {
        const char *f, *v;
        size_t flen, vlen;
        fvt_entry_pair(e, &f, &flen, &v, &vlen);
        long i = model_find(m, f, flen);
        ok = CHECK(i >= 0);
        if (ok) ok = CHECK_MEM(m->a[i].v, m->a[i].vlen, v, vlen);
        if (ok) ok = CHECK_EQ_INT(0, m->a[i].seen++);
    }
    fvt_iter_done(&it);
    return ok;
}

static size_t gen_field(char *buf, int space) {
    int k = (int)unit_rand_below(100);
    if (k < 80) return (size_t)snprintf(buf, 64, "f%d", (int)unit_rand_below((uint64_t)space));
    if (k < 85) return 0;
    size_t n = 1 + unit_rand_below(6);
    for (size_t i = 0; i < n; i++) buf[i] = (char)unit_rand_below(3);
    return n;
}

static size_t gen_value(char *buf) {
    int k = (int)unit_rand_below(100);
    size_t n = k < 70 ? unit_rand_below(20) : k < 95 ? 100 + unit_rand_below(60) : 300 + unit_rand_below(300);
    for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + unit_rand_below(26));
    return n;
}

/* --------------------------------------------------------------- tests */

static void test_basic(void) {
    FvTable *t = fvt_create(hash_sip);
    CHECK_EQ_INT(0, fvt_count(t));
    CHECK(fvt_find(t, "a", 1) == NULL);
    CHECK_EQ_INT(0, fvt_delete(t, "a", 1));
    CHECK(fvt_random(t, rng) == NULL);
    CHECK_EQ_INT(0, fvt_scan(t, 0, NULL, NULL));
    CHECK_EQ_INT(1, fvt_set(t, "a", 1, "1", 1));
    CHECK_EQ_INT(0, fvt_set(t, "a", 1, "22", 2));
    const void *e = fvt_find(t, "a", 1);
    const char *v;
    size_t vlen;
    if (CHECK(e != NULL)) {
        fvt_entry_value(e, &v, &vlen);
        CHECK_MEM("22", 2, v, vlen);
    }
    /* Values crossing 127 bytes change the header size. */
    char big[300];
    memset(big, 'q', sizeof big);
    CHECK_EQ_INT(0, fvt_set(t, "a", 1, big, 200));
    e = fvt_find(t, "a", 1);
    fvt_entry_value(e, &v, &vlen);
    CHECK_MEM(big, 200, v, vlen);
    CHECK_EQ_INT(0, fvt_set(t, "a", 1, big, 150));
    CHECK_EQ_INT(0, fvt_set(t, "a", 1, "x", 1));
    e = fvt_find(t, "a", 1);
    fvt_entry_value(e, &v, &vlen);
    CHECK_MEM("x", 1, v, vlen);
    const char *f;
    size_t flen;
    fvt_entry_field(e, &f, &flen);
    CHECK_MEM("a", 1, f, flen);
    CHECK_EQ_INT(1, fvt_set(t, "", 0, "", 0));
    CHECK(fvt_find(t, "", 0) != NULL);
    CHECK_EQ_INT(1, fvt_delete(t, "a", 1));
    CHECK_EQ_INT(1, fvt_count(t));
    CHECK(fvt_check(t) == NULL);
    /* 10-byte field, 7-byte value: one 32-byte block on 64-bit targets. */
    FvTable *u = fvt_create(hash_sip);
    fvt_set(u, "f000000001", 10, "v999999", 7);
    e = fvt_find(u, "f000000001", 10);
    const char *ev, *ef;
    size_t evl, efl;
    fvt_entry_pair(e, &ef, &efl, &ev, &evl);
    CHECK_EQ_INT(sizeof(void *) + 2 + 17, (size_t)(ev + evl - (const char *)e));
    fvt_release(u);
    fvt_release(t);
}

static void test_model_rounds(int rounds, fvt_hash_fn *hash, uint64_t seed0) {
    for (int round = 0; round < rounds; round++) {
        unit_srand(seed0 + (uint64_t)round);
        FvTable *t = fvt_create(hash);
        Model m = {0};
        int space = 1 + (int)unit_rand_below(400);
        int ops = (int)unit_rand_below(600);
        int ok = 1;
        for (int op = 0; op < ops && ok; op++) {
            char f[64], v[700];
            size_t fl = gen_field(f, space), vl = gen_value(v);
            int k = (int)unit_rand_below(10);
            /* Now and then a fork starts or ends (the resize policy):
             * the table must agree with the model either way. */
            if (unit_rand_below(64) == 0) ds_set_resize_avoid(!ds_resize_avoid);
            if (k < 5) {
                ok = CHECK_EQ_INT(model_set(&m, f, fl, v, vl), fvt_set(t, f, fl, v, vl));
            } else if (k < 8) {
                ok = CHECK_EQ_INT(model_delete(&m, f, fl), fvt_delete(t, f, fl));
            } else {
                long i = model_find(&m, f, fl);
                const void *e = fvt_find(t, f, fl);
                ok = CHECK_EQ_INT(i >= 0, e != NULL);
                if (ok && e) {
                    const char *ev;
                    size_t evl;
                    fvt_entry_value(e, &ev, &evl);
                    ok = CHECK_MEM(m.a[i].v, m.a[i].vlen, ev, evl);
                }
            }
            if (ok && (op % 200 == 0 || op == ops - 1)) ok = same_as_model(t, &m);
            if (!ok) printf("    round %d op %d\n", round, op);
        }
        if (ok) {
            FvTable *d = fvt_dup(t);
            ok = same_as_model(d, &m);
            fvt_release(d);
        }
        ds_set_resize_avoid(0);
        model_free(&m);
        fvt_release(t);
        if (!ok) break;
    }
}

static void test_model(void) { test_model_rounds(2000, hash_sip, 0x1000); }
static void test_model_collisions(void) { test_model_rounds(200, hash_poor, 0x2000); }

/* Growth to lf 2 and shrinking under 1/8, with resizes in progress. */
static void test_resize(void) {
    FvTable *t = fvt_create(hash_sip);
    char f[32];
    int n = 100000;
    for (int i = 0; i < n; i++) {
        int fl = snprintf(f, sizeof f, "field:%d", i);
        fvt_set(t, f, (size_t)fl, f, (size_t)fl);
    }
    CHECK(fvt_check(t) == NULL);
    while (fvt_rehash_step(t, 100)) {
    }
    /* 100000 entries at most 2 per bucket: 65536 buckets. */
    CHECK_EQ_INT(65536, t->size[0]);
    for (int i = 0; i < n - 99; i++) {
        int fl = snprintf(f, sizeof f, "field:%d", i);
        if (!CHECK_EQ_INT(1, fvt_delete(t, f, (size_t)fl))) break;
    }
    /* A shrink starts on a delete once the previous resize is done. */
    while (fvt_rehash_step(t, 100)) {
    }
    int fl0 = snprintf(f, sizeof f, "field:%d", n - 99);
    CHECK_EQ_INT(1, fvt_delete(t, f, (size_t)fl0));
    while (fvt_rehash_step(t, 100)) {
    }
    if (!CHECK(t->size[0] <= 1024)) printf("    size %llu count %llu\n", (unsigned long long)t->size[0], (unsigned long long)fvt_count(t));
    CHECK_EQ_INT(98, fvt_count(t));
    CHECK(fvt_check(t) == NULL);
    for (int i = n - 98; i < n; i++) {
        int fl = snprintf(f, sizeof f, "field:%d", i);
        const void *e = fvt_find(t, f, (size_t)fl);
        if (!CHECK(e != NULL)) break;
        const char *v;
        size_t vl;
        fvt_entry_value(e, &v, &vl);
        CHECK_MEM(f, (size_t)fl, v, vl);
    }
    size_t mu = fvt_mem_usage(t, 0), est = fvt_mem_usage(t, 5);
    CHECK(mu > 100 * 16);
    CHECK(est > mu / 2 && est < mu * 2);
    fvt_release(t);
}

static int fields_found(FvTable *t, int from, int to) {
    char f[32];
    for (int i = from; i < to; i++) {
        int fl = snprintf(f, sizeof f, "field:%d", i);
        const void *e = fvt_find(t, f, (size_t)fl);
        const char *v;
        size_t vl;
        if (!e) return 0;
        fvt_entry_value(e, &v, &vl);
        if (vl != (size_t)fl || memcmp(v, f, vl) != 0) return 0;
    }
    return 1;
}

static void add_field(FvTable *t, int i) {
    char f[32];
    int fl = snprintf(f, sizeof f, "field:%d", i);
    fvt_set(t, f, (size_t)fl, f, (size_t)fl);
}

/* The resize policy (a fork shares the pages): growth waits for 4 times
 * the fill (8 a bucket) and then jumps at least 4x, shrinking waits for
 * 1/32 of a bucket, a normal rehash in progress stops moving buckets and
 * goes on once the policy is off; every field stays found. */
static void test_resize_avoid(void) {
    FvTable *t = fvt_create(hash_sip);
    int n = 0;
    for (; n < 1000; n++) add_field(t, n);
    while (fvt_rehash_step(t, 100)) {
    }
    uint64_t size = t->size[0];
    CHECK_EQ_UINT(512, size);

    ds_set_resize_avoid(1);
    for (; (uint64_t)n < size * 8; n++) add_field(t, n);
    CHECK(!fvt_is_rehashing(t));
    CHECK_EQ_UINT(size, t->size[0]);
    add_field(t, n++);
    CHECK(fvt_is_rehashing(t));
    CHECK(t->size[1] >= 4 * size);
    int64_t idx = t->rehash_idx;
    CHECK(fields_found(t, 0, n));
    CHECK(t->rehash_idx > idx || !fvt_is_rehashing(t));
    while (fvt_rehash_step(t, 100)) {
    }
    CHECK(fvt_check(t) == NULL);

    /* A normal (2x) rehash in progress when the policy turns on. */
    ds_set_resize_avoid(0);
    while (!fvt_is_rehashing(t)) add_field(t, n++);
    CHECK_EQ_UINT(2 * t->size[0], t->size[1]);
    ds_set_resize_avoid(1);
    idx = t->rehash_idx;
    uint64_t t0 = t->used[0];
    for (int j = 0; j < 300; j++) add_field(t, n++);
    CHECK(fields_found(t, 0, n));
    CHECK_EQ_INT(idx, t->rehash_idx);
    CHECK_EQ_UINT(t0, t->used[0]);
    CHECK(fvt_check(t) == NULL);
    ds_set_resize_avoid(0);
    CHECK(fields_found(t, 0, n));
    CHECK(t->rehash_idx > idx || !fvt_is_rehashing(t));
    while (fvt_rehash_step(t, 100)) {
    }

    /* Shrinking: not under 1/8 a bucket while avoiding, only under 1/32. */
    ds_set_resize_avoid(1);
    size = t->size[0];
    char f[32];
    int d = 0;
    while (fvt_count(t) * 16 >= size) {
        int fl = snprintf(f, sizeof f, "field:%d", d++);
        fvt_delete(t, f, (size_t)fl);
    }
    CHECK(!fvt_is_rehashing(t));
    CHECK_EQ_UINT(size, t->size[0]);
    while (fvt_count(t) * 32 >= size) {
        int fl = snprintf(f, sizeof f, "field:%d", d++);
        fvt_delete(t, f, (size_t)fl);
    }
    CHECK(fvt_is_rehashing(t));
    CHECK(t->size[0] >= 4 * t->size[1]);
    ds_set_resize_avoid(0);
    while (fvt_rehash_step(t, 100)) {
    }
    CHECK(fvt_check(t) == NULL);
    CHECK_EQ_UINT((uint64_t)(n - d), fvt_count(t));
    CHECK(fields_found(t, d, n));
    fvt_release(t);
}

typedef struct ScanState {
    Model *m;
    int other;  /* reported entries added during the scan */
} ScanState;

static void scan_mark(void *priv, const void *e) {
    ScanState *s = priv;
    const char *f;
    size_t flen;
    fvt_entry_field(e, &f, &flen);
    long i = model_find(s->m, f, flen);
    if (i < 0) s->other++;
    else s->m->a[i].seen++;
}

/* Every entry present for the whole scan is reported, however the table
 * grows or shrinks between calls. */
static void test_scan_guarantee(void) {
    for (int round = 0; round < 60; round++) {
        unit_srand(0x3000 + (uint64_t)round);
        int poor = round % 5 == 4;
        FvTable *t = fvt_create(poor ? hash_poor : hash_sip);
        Model stable = {0};
        int n0 = (int)unit_rand_below(poor ? 300 : 3000), cap = poor ? 300 : 6000;
        char f[32];
        for (int i = 0; i < n0; i++) {
            int fl = snprintf(f, sizeof f, "s%d", i);
            fvt_set(t, f, (size_t)fl, "v", 1);
            model_set(&stable, f, (size_t)fl, "v", 1);
        }
        int grow = (int)unit_rand_below(2);
        int extra = 0, calls = 0;
        ScanState st = {&stable, 0};
        uint64_t cur = 0;
        do {
            cur = fvt_scan(t, cur, scan_mark, &st);
            calls++;
            /* Churn between calls: add or remove entries not in `stable`. */
            int k = (int)unit_rand_below(200);
            for (int j = 0; j < k; j++) {
                if ((grow && extra < cap) || extra == 0) {
                    int fl = snprintf(f, sizeof f, "x%d", extra++);
                    fvt_set(t, f, (size_t)fl, "w", 1);
                } else {
                    int fl = snprintf(f, sizeof f, "x%d", --extra);
                    fvt_delete(t, f, (size_t)fl);
                }
            }
            if (unit_rand_below(10) == 0) grow = !grow;
        } while (cur != 0 && calls < 10000000);
        size_t missing = 0;
        for (size_t i = 0; i < stable.n; i++)
            if (!stable.a[i].seen) missing++;
        CHECK_EQ_INT(0, missing);
        CHECK(fvt_check(t) == NULL);
        model_free(&stable);
        fvt_release(t);
    }
}

/* fvt_random: chi-square of 200000 draws over 100 entries (99 degrees of
 * freedom: the 1-in-a-million critical value is about 180), also with
 * chains longer than the sampler's initial bound. */
static void test_random_uniform(void) {
    for (int variant = 0; variant < 3; variant++) {
        unit_srand(0x4000 + (uint64_t)variant);
        FvTable *t = fvt_create(variant == 2 ? hash_poor : hash_sip);
        int n = 100;
        char f[32];
        for (int i = 0; i < n; i++) {
            int fl = snprintf(f, sizeof f, "r%d", i);
            fvt_set(t, f, (size_t)fl, "", 0);
        }
        if (variant == 1) {
            /* Mid-resize: grow then sample before the rehash ends. */
            for (int i = 0; i < 400; i++) {
                int fl = snprintf(f, sizeof f, "tmp%d", i);
                fvt_set(t, f, (size_t)fl, "", 0);
            }
            for (int i = 0; i < 400; i++) {
                int fl = snprintf(f, sizeof f, "tmp%d", i);
                fvt_delete(t, f, (size_t)fl);
            }
        }
        long counts[100] = {0};
        int draws = 200000;
        for (int d = 0; d < draws; d++) {
            const void *e = fvt_random(t, rng);
            const char *ef;
            size_t efl;
            fvt_entry_field(e, &ef, &efl);
            int id = 0;
            for (size_t k = 1; k < efl; k++) id = id * 10 + (ef[k] - '0');
            if (id >= 0 && id < n) counts[id]++;
        }
        double expect = (double)draws / n, chi = 0;
        for (int i = 0; i < n; i++) chi += (counts[i] - expect) * (counts[i] - expect) / expect;
        if (!CHECK(chi < 180)) printf("    variant %d chi-square %.1f\n", variant, chi);
        long min = counts[0];
        for (int i = 0; i < n; i++)
            if (counts[i] < min) min = counts[i];
        CHECK(min > 0);
        fvt_release(t);
    }
}

int main(void) {
    UNIT_RUN(test_basic);
    UNIT_RUN(test_model);
    UNIT_RUN(test_model_collisions);
    UNIT_RUN(test_resize);
    UNIT_RUN(test_resize_avoid);
    UNIT_RUN(test_scan_guarantee);
    UNIT_RUN(test_random_uniform);
    return unit_finish();
}
