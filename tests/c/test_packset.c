/* test_packset.c - unit tests for src/ds/packset (dense hash set with
 * packed buckets and linear hashing).
 *
 * Members come from a numbered universe (id -> bytes: the empty string,
 * binary bytes with NULs, short and long, some past PACKSET_EXTERNAL_MIN
 * so they live out of line), so a boolean array is the reference model.
 * Covered: a randomized model test of every operation over thousands of
 * seeded rounds with a good and a deliberately poor hash (buckets of
 * hundreds of members), checked with packset_check; iteration and copies
 * against the model; the scan promise while the set grows and shrinks
 * across several levels between calls; uniformity of random picks
 * (chi-square) on even and very uneven buckets; memory accounting and
 * the density the set exists for. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/packset.h"
#include "../../deps/siphash/siphash.h"
#include "unit.h"

static const uint8_t test_key[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16};

static uint64_t hash_sip(const char *p, size_t len) { return siphash13(p, len, test_key); }

/* Three distinct values: every member lands in one of three chains. */
static uint64_t hash_poor(const char *p, size_t len) {
    uint64_t h = len;
    for (size_t i = 0; i < len; i++) h += (unsigned char)p[i];
    return h % 3;
}

/* ---------------------------------------------------------- universe */

#define MAXLEN 800

/* The bytes of member id into buf; returns the length.  id 0 is the empty
 * string; the others start with the id's 4 bytes (so they are distinct)
 * and continue with a filler whose length depends on the id. */
static size_t member_of(uint32_t id, char *buf) {
    if (id == 0) return 0;
    memcpy(buf, &id, 4);
    uint32_t h = id * 2654435761u;
    size_t extra;
    if (h % 23 == 0) extra = PACKSET_EXTERNAL_MIN - 4 + (h >> 8) % 200;  /* out of line */
    else if (h % 7 == 0) extra = 100 + (h >> 8) % 150;                   /* 2-byte varint */
    else extra = (h >> 8) % 24;
    for (size_t i = 0; i < extra; i++) buf[4 + i] = (char)((id + i * 31) & 0xff);
    return 4 + extra;
}

/* The id a member's bytes encode, or -1 if they are not a member. */
static long id_of(const char *p, size_t len) {
    if (len == 0) return 0;
    if (len < 4) return -1;
    uint32_t id;
    memcpy(&id, p, 4);
    char buf[MAXLEN];
    size_t l = member_of(id, buf);
    if (l != len || memcmp(buf, p, len) != 0) return -1;
    return id;
}

/* ------------------------------------------------------ model checks */

/* Compares the set with the model: membership, count, iteration. */
static int same_as_model(const PackSet *s, const unsigned char *model, uint32_t universe, uint64_t count) {
    int ok = 1;
    ok &= CHECK_EQ_UINT(count, packset_count(s));
    const char *err = packset_check(s);
    if (err) printf("    packset_check: %s\n", err);
    ok &= CHECK(err == NULL);
    unsigned char *seen = mem_calloc(universe);
    PackSetIter it;
    packset_iter_init(&it, s);
    const char *p;
    size_t len;
    uint64_t n = 0;
    int bad = 0;
    while (packset_iter_next(&it, &p, &len)) {
        long id = id_of(p, len);
        if (id < 0 || (uint32_t)id >= universe || !model[id] || seen[id]) bad++;
        else seen[id] = 1;
        n++;
    }
    ok &= CHECK_EQ_INT(0, bad);
    ok &= CHECK_EQ_UINT(count, n);
    mem_free(seen);
    return ok;
}

static void model_round(packset_hash_fn *hash, uint64_t seed, uint32_t universe, int ops) {
    unit_srand(seed);
    unsigned char *model = mem_calloc(universe);
    uint64_t count = 0;
    PackSet *s = packset_new(hash, unit_rand_below(50));
    char buf[MAXLEN];
    int mismatches = 0;
    for (int op = 0; op < ops; op++) {
        uint32_t id = (uint32_t)unit_rand_below(universe);
        size_t len = member_of(id, buf);
        /* Phases: grow for a while, then shrink, so levels go both ways. */
        int grow = (op / 500) % 2 == 0;
        uint64_t r = unit_rand_below(100);
        if (r < (grow ? 45u : 15u)) {
            int added = packset_add(s, buf, len);
            mismatches += added != !model[id];
            if (!model[id]) count++;
            model[id] = 1;
        } else if (r < (grow ? 55u : 25u)) {
            if (!model[id]) {
                packset_add_new(s, buf, len);
                model[id] = 1;
                count++;
            }
        } else if (r < (grow ? 75u : 70u)) {
            int removed = packset_remove(s, buf, len);
            mismatches += removed != model[id];
            if (model[id]) count--;
            model[id] = 0;
        } else if (r < 90) {
            mismatches += packset_contains(s, buf, len) != model[id];
            PackSetPos pos;
            if (packset_find(s, buf, len, &pos)) {
                const char *p;
                size_t l;
                packset_member_at(s, &pos, &p, &l);
                mismatches += !(l == len && memcmp(p, buf, len) == 0);
            }
        } else if (count > 0) {
            /* Delete a random member through its position. */
            PackSetPos pos;
            packset_random(s, unit_rand64, &pos);
            const char *p;
            size_t l;
            packset_member_at(s, &pos, &p, &l);
            long rid = id_of(p, l);
            if (rid < 0 || !model[rid]) {
                mismatches++;
            } else {
                packset_delete_at(s, &pos);
                model[rid] = 0;
                count--;
            }
        }
        if (op % 997 == 0 && packset_check(s)) break;
    }
    CHECK_EQ_INT(0, mismatches);
    same_as_model(s, model, universe, count);
    PackSet *d = packset_dup(s);
    same_as_model(d, model, universe, count);
    /* The copy is independent: emptying it leaves the original alone. */
    for (uint32_t id = 0; id < universe; id++) {
        if (!model[id]) continue;
        size_t len = member_of(id, buf);
        packset_remove(d, buf, len);
    }
    CHECK_EQ_UINT(0, packset_count(d));
    CHECK(packset_check(d) == NULL);
    CHECK_EQ_UINT(1, packset_buckets(d));
    packset_free(d);
    same_as_model(s, model, universe, count);
    packset_free(s);
    mem_free(model);
}

static void test_model_sip(void) {
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        uint32_t universe = seed % 10 == 0 ? 4000 : 300;
        int ops = seed % 10 == 0 ? 8000 : 1200;
        model_round(hash_sip, seed, universe, ops);
    }
}

static void test_model_poor_hash(void) {
    for (uint64_t seed = 1; seed <= 60; seed++) model_round(hash_poor, seed * 7919, 900, 3000);
}

static void test_empty_and_edges(void) {
    PackSet *s = packset_new(hash_sip, 0);
    CHECK_EQ_UINT(0, packset_count(s));
    CHECK(!packset_contains(s, "", 0));
    CHECK(!packset_remove(s, "x", 1));
    CHECK_EQ_UINT(0, packset_scan(s, 0, NULL, NULL));
    CHECK_EQ_INT(1, packset_add(s, "", 0));
    CHECK_EQ_INT(0, packset_add(s, "", 0));
    CHECK(packset_contains(s, "", 0));
    CHECK_EQ_INT(1, packset_add(s, "a\0b", 3));
    CHECK(packset_contains(s, "a\0b", 3));
    CHECK(!packset_contains(s, "a\0c", 3));
    CHECK(!packset_contains(s, "a", 1));
    char big[100000];
    memset(big, 'z', sizeof(big));
    CHECK_EQ_INT(1, packset_add(s, big, sizeof(big)));
    CHECK_EQ_INT(0, packset_add(s, big, sizeof(big)));
    CHECK_EQ_UINT(1, s->external);
    big[sizeof(big) - 1] = 'y';
    CHECK(!packset_contains(s, big, sizeof(big)));
    big[sizeof(big) - 1] = 'z';
    /* A length whose varint takes several bytes, just under the external
     * threshold. */
    CHECK_EQ_INT(1, packset_add(s, big, PACKSET_EXTERNAL_MIN - 1));
    CHECK_EQ_UINT(4, packset_count(s));
    CHECK(packset_check(s) == NULL);
    CHECK_EQ_INT(1, packset_remove(s, big, sizeof(big)));
    CHECK_EQ_UINT(0, s->external);
    CHECK_EQ_INT(1, packset_remove(s, "", 0));
    CHECK_EQ_INT(1, packset_remove(s, "a\0b", 3));
    CHECK_EQ_INT(1, packset_remove(s, big, PACKSET_EXTERNAL_MIN - 1));
    CHECK_EQ_UINT(0, packset_count(s));
    CHECK(packset_check(s) == NULL);
    packset_free(s);
    /* A size hint presizes; removals then merge back down. */
    s = packset_new(hash_sip, 100000);
    CHECK(packset_buckets(s) > 10000);
    CHECK_EQ_INT(1, packset_add(s, "a", 1));
    CHECK_EQ_INT(1, packset_remove(s, "a", 1));
    CHECK(packset_check(s) == NULL);
    packset_free(s);
}

/* ---------------------------------------------------------------- scan */

typedef struct ScanSeen {
    unsigned int *seen;
    uint32_t universe;
    long bad;
} ScanSeen;

static void scan_cb(void *priv, const char *p, size_t len) {
    ScanSeen *ss = priv;
    long id = id_of(p, len);
    if (id < 0 || (uint32_t)id >= ss->universe) ss->bad++;
    else ss->seen[id]++;
}

/* Between scan calls the set grows by `grow_per_call` members (negative:
 * shrinks), so splits and merges cross levels mid-scan.  Every member
 * present for the whole scan must be reported. */
static void scan_round(uint64_t seed, uint32_t start, long grow_per_call, uint32_t universe) {
    unit_srand(seed);
    PackSet *s = packset_new(hash_sip, 0);
    unsigned char *present = mem_calloc(universe);
    unsigned char *always = mem_calloc(universe); /* present since the start, never removed */
    char buf[MAXLEN];
    uint32_t n = 0;
    while (n < start) {
        uint32_t id = (uint32_t)unit_rand_below(universe);
        if (present[id]) continue;
        packset_add(s, buf, member_of(id, buf));
        present[id] = always[id] = 1;
        n++;
    }
    ScanSeen ss = {mem_calloc(universe * sizeof(unsigned int)), universe, 0};
    uint64_t cursor = 0;
    int calls = 0;
    do {
        cursor = packset_scan(s, cursor, scan_cb, &ss);
        calls++;
        long todo = grow_per_call;
        /* Bounded, so a broken set fails the checks instead of hanging. */
        long attempts = 100000;
        while (todo > 0 && packset_count(s) < universe - 10 && attempts-- > 0) {
            uint32_t id = (uint32_t)unit_rand_below(universe);
            if (present[id]) continue;
            packset_add(s, buf, member_of(id, buf));
            present[id] = 1;
            todo--;
        }
        while (todo < 0 && packset_count(s) > 10 && attempts-- > 0) {
            uint32_t id = (uint32_t)unit_rand_below(universe);
            if (!present[id]) continue;
            packset_remove(s, buf, member_of(id, buf));
            present[id] = always[id] = 0;
            todo++;
        }
        /* Some churn either way. */
        for (int k = 0; k < 3; k++) {
            uint32_t id = (uint32_t)unit_rand_below(universe);
            size_t len = member_of(id, buf);
            if (present[id]) {
                packset_remove(s, buf, len);
                present[id] = always[id] = 0;
            } else {
                packset_add(s, buf, len);
                present[id] = 1;
            }
        }
    } while (cursor != 0 && calls < 1000000);
    long missed = 0;
    for (uint32_t id = 0; id < universe; id++)
        if (always[id] && ss.seen[id] == 0) missed++;
    CHECK_EQ_INT(0, missed);
    CHECK_EQ_INT(0, ss.bad);
    CHECK(cursor == 0);
    CHECK(packset_check(s) == NULL);
    mem_free(ss.seen);
    mem_free(present);
    mem_free(always);
    packset_free(s);
}

static void test_scan_static(void) {
    /* Without changes each member is reported exactly once. */
    PackSet *s = packset_new(hash_sip, 0);
    char buf[MAXLEN];
    uint32_t universe = 5000;
    for (uint32_t id = 0; id < universe; id++) packset_add(s, buf, member_of(id, buf));
    ScanSeen ss = {mem_calloc(universe * sizeof(unsigned int)), universe, 0};
    uint64_t cursor = 0;
    do cursor = packset_scan(s, cursor, scan_cb, &ss);
    while (cursor);
    long wrong = 0;
    for (uint32_t id = 0; id < universe; id++) wrong += ss.seen[id] != 1;
    CHECK_EQ_INT(0, wrong);
    CHECK_EQ_INT(0, ss.bad);
    mem_free(ss.seen);
    packset_free(s);
}

static void test_scan_resizing(void) {
    for (uint64_t seed = 1; seed <= 40; seed++) {
        scan_round(seed, 50, 40, 20000);          /* grows through several levels */
        scan_round(seed + 100, 12000, -40, 20000); /* shrinks through several levels */
        scan_round(seed + 200, 3000, 0, 8000);     /* churn only */
    }
    /* Fast growth: many splits between two calls. */
    for (uint64_t seed = 1; seed <= 10; seed++) scan_round(seed + 300, 20, 700, 30000);
    for (uint64_t seed = 1; seed <= 10; seed++) scan_round(seed + 400, 25000, -700, 30000);
}

/* -------------------------------------------------------------- random */

/* Chi-square of `draws` picks over the n members of s (ids 1..n). */
static double chi_square(PackSet *s, uint32_t n, long draws) {
    long *hits = mem_calloc((n + 1) * sizeof(long));
    for (long d = 0; d < draws; d++) {
        PackSetPos pos;
        packset_random(s, unit_rand64, &pos);
        const char *p;
        size_t len;
        packset_member_at(s, &pos, &p, &len);
        long id = id_of(p, len);
        if (id >= 1 && id <= (long)n) hits[id]++;
        else hits[0]++;
    }
    CHECK_EQ_INT(0, hits[0]);
    double expect = (double)draws / n, chi = 0;
    for (uint32_t id = 1; id <= n; id++) chi += (hits[id] - expect) * (hits[id] - expect) / expect;
    mem_free(hits);
    return chi;
}

/* The bound a correct sampler exceeds with negligible probability: the
 * mean (df) plus ten standard deviations (sqrt(2 df)). */
static double chi_bound(uint32_t n) {
    double df = n - 1;
    return df + 10 * sqrt(2 * df);
}

static void test_random_uniform(void) {
    unit_srand(77);
    char buf[MAXLEN];
    uint32_t sizes[] = {1, 2, 7, 50, 200, 3000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        uint32_t n = sizes[k];
        PackSet *s = packset_new(hash_sip, 0);
        for (uint32_t id = 1; id <= n; id++) packset_add(s, buf, member_of(id, buf));
        if (n == 1) {
            double c = chi_square(s, n, 1000);
            CHECK(c == 0);
        } else {
            double c = chi_square(s, n, (long)n * 400);
            if (c > chi_bound(n)) printf("    n=%u chi2=%.1f bound=%.1f\n", n, c, chi_bound(n));
            CHECK(c <= chi_bound(n));
        }
        packset_free(s);
    }
    /* Very uneven buckets: three chains of different lengths. */
    PackSet *s = packset_new(hash_poor, 0);
    uint32_t n = 120;
    for (uint32_t id = 1; id <= n; id++) packset_add(s, buf, member_of(id, buf));
    double c = chi_square(s, n, (long)n * 400);
    CHECK(c <= chi_bound(n));
    packset_free(s);
    /* A set grown big then shrunk (stale max_fill, many empty buckets). */
    s = packset_new(hash_sip, 0);
    for (uint32_t id = 1; id <= 20000; id++) packset_add(s, buf, member_of(id, buf));
    for (uint32_t id = 101; id <= 20000; id++) packset_remove(s, buf, member_of(id, buf));
    c = chi_square(s, 100, 100 * 400);
    CHECK(c <= chi_bound(100));
    CHECK(packset_check(s) == NULL);
    packset_free(s);
}

/* The sampler must be able to fail: picking a random bucket and then a
 * random member of it (not uniform with uneven buckets) is caught by the
 * same statistic. */
static void test_chi_square_catches_bias(void) {
    unit_srand(78);
    char buf[MAXLEN];
    PackSet *s = packset_new(hash_poor, 0);
    uint32_t n = 120;
    for (uint32_t id = 1; id <= n; id++) packset_add(s, buf, member_of(id, buf));
    long *hits = mem_calloc((n + 1) * sizeof(long));
    long draws = (long)n * 400;
    uint64_t nb = packset_buckets(s);
    for (long d = 0; d < draws;) {
        uint64_t i = unit_rand_below(nb);
        PackSetIter it;
        packset_iter_init(&it, s);
        /* Collect bucket i's members through a scan of its logical bucket. */
        const unsigned char *b = s->buckets[i];
        if (!b) continue;
        uint32_t cnt;
        memcpy(&cnt, b, 4);
        uint32_t pick = (uint32_t)unit_rand_below(cnt);
        const char *p;
        size_t len;
        uint32_t k = 0;
        while (packset_iter_next(&it, &p, &len)) {
            if (it.bucket != i) continue;
            if (k++ == pick) break;
        }
        long id = id_of(p, len);
        if (id >= 1 && id <= (long)n) hits[id]++;
        d++;
    }
    double expect = (double)draws / n, chi = 0;
    for (uint32_t id = 1; id <= n; id++) chi += (hits[id] - expect) * (hits[id] - expect) / expect;
    CHECK(chi > chi_bound(n));
    mem_free(hits);
    packset_free(s);
}

/* ---------------------------------------------------------- accounting */

static void test_memory(void) {
    size_t before = mem_used();
    PackSet *s = packset_new(hash_sip, 0);
    char buf[32];
    uint32_t n = 200000;
    for (uint32_t i = 0; i < n; i++) {
        snprintf(buf, sizeof(buf), "member:%09u", i);
        packset_add(s, buf, 16);
    }
    size_t used = mem_used() - before;
    size_t exact = packset_mem_usage(s, 0);
    CHECK_EQ_UINT(used, exact);
    /* The point of the structure: well under 28 bytes a 16-byte member. */
    double per = (double)used / n;
    if (per > 24) printf("    %.2f bytes a member\n", per);
    CHECK(per < 24);
    size_t est = packset_mem_usage(s, 64);
    CHECK(est > exact * 0.9 && est < exact * 1.1);
    CHECK(packset_allocations(s) >= packset_buckets(s));
    CHECK(packset_check(s) == NULL);
    PackSet *d = packset_dup(s);
    /* A copy allocates each bucket at its size; the original's buckets
     * went through reallocs, which libc malloc may leave a little larger. */
    size_t copy = packset_mem_usage(d, 0);
    CHECK(copy <= exact && copy >= exact * 0.95);
    packset_free(d);
    packset_free(s);
    CHECK_EQ_UINT(before, mem_used());
}

/* packset_add_many against packset_add on a twin set: the same results
 * member by member (repeats within and across batches included), the
 * same members, invariants holding; both hashes, batch sizes around the
 * internal round of 32. */
static void test_add_many(void) {
    static char bufs[200][MAXLEN];
    const char *ps[200];
    size_t lens[200];
    unsigned char got[200];
    long mismatches = 0, added_total = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        unit_srand(seed * 31337);
        packset_hash_fn *hash = seed % 4 == 0 ? hash_poor : hash_sip;
        uint32_t universe = 1 + (uint32_t)unit_rand_below(seed % 3 == 0 ? 50 : 3000);
        PackSet *a = packset_new(hash, unit_rand_below(100));
        PackSet *b = packset_new(hash, unit_rand_below(100));
        unsigned char *model = mem_calloc(universe);
        uint64_t count = 0;
        int batches = 1 + (int)unit_rand_below(20);
        for (int bt = 0; bt < batches; bt++) {
            size_t n = (size_t)unit_rand_below(200);
            for (size_t i = 0; i < n; i++) {
                uint32_t id = (uint32_t)unit_rand_below(universe);
                lens[i] = member_of(id, bufs[i]);
                ps[i] = bufs[i];
            }
            uint64_t fresh = packset_add_many(a, ps, lens, n, unit_rand_below(4) ? got : NULL);
            uint64_t want_fresh = 0;
            for (size_t i = 0; i < n; i++) {
                int r = packset_add(b, ps[i], lens[i]);
                long id = id_of(ps[i], lens[i]);
                if (r != !model[id]) mismatches++;
                if (r) {
                    model[id] = 1;
                    count++;
                    want_fresh++;
                }
            }
            CHECK_EQ_UINT(want_fresh, fresh);
            added_total += (long)fresh;
        }
        /* Per-member results, on a last batch with known answers. */
        size_t n = 1 + (size_t)unit_rand_below(100);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = (uint32_t)unit_rand_below(universe);
            lens[i] = member_of(id, bufs[i]);
            ps[i] = bufs[i];
        }
        packset_add_many(a, ps, lens, n, got);
        for (size_t i = 0; i < n; i++) {
            long id = id_of(ps[i], lens[i]);
            int r = packset_add(b, ps[i], lens[i]);
            if (got[i] != r) mismatches++;
            if (r) {
                model[id] = 1;
                count++;
            }
        }
        same_as_model(a, model, universe, count);
        same_as_model(b, model, universe, count);
        mem_free(model);
        packset_free(a);
        packset_free(b);
    }
    CHECK_EQ_INT(0, mismatches);
    CHECK(added_total > 10000);
}

int main(void) {
    UNIT_RUN(test_empty_and_edges);
    UNIT_RUN(test_model_sip);
    UNIT_RUN(test_model_poor_hash);
    UNIT_RUN(test_add_many);
    UNIT_RUN(test_scan_static);
    UNIT_RUN(test_scan_resizing);
    UNIT_RUN(test_random_uniform);
    UNIT_RUN(test_chi_square_catches_bias);
    UNIT_RUN(test_memory);
    return unit_finish();
}
