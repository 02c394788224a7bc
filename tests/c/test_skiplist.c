/* test_skiplist.c - unit tests for src/ds/skiplist (the ordered index of
 * big sorted sets).
 *
 * The heart is a randomized model test: a sorted array of (score, member)
 * is the reference, and seeded rounds of inserts, deletes, score updates
 * (moving and in place), ranks, elements by rank, score seeks (strict and
 * not), rank-range deletions and full walks must agree with it, with
 * sl_check (order, spans against ranks, sublists, tail, level) run
 * throughout.  Scores repeat a lot (ties order by member bytes), include
 * +-inf and -0.0; members are binary, empty, and long enough to need a
 * two-byte length.  The level source is skewed on purpose so nodes of
 * every level 1..SL_MAX_LEVEL are created and unlinked; a second phase
 * with all scores equal checks lexicographic seeks against the model.
 * The remaining tests pin the node layout's size (the memory target
 * depends on it) and exercise the empty list. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/skiplist.h"
#include "unit.h"

#define MAXM 200

typedef struct Ref {
    double score;
    size_t len;
    char m[MAXM];
} Ref;

static Ref *ref;
static size_t ref_n, ref_cap;
static int level_seen[SL_MAX_LEVEL + 1];
static int skew_levels = 1;

/* Level source: plain, or (a quarter of the time) with 3 + 2k low zero
 * bits, which gives level k + 2 exactly or more. */
static uint64_t test_rand(void) {
    uint64_t r = unit_rand64();
    if (skew_levels && (r & 3) == 0) {
        int k = (int)unit_rand_below(31);
        uint64_t hi = unit_rand64() | 1;
        r = 3 + 2 * k >= 64 ? 0 : hi << (3 + 2 * k);
    }
    return r;
}

static int ref_cmp_key(const Ref *a, double score, const char *m, size_t len) {
    if (a->score < score) return -1;
    if (a->score > score) return 1;
    size_t n = a->len < len ? a->len : len;
    int c = n ? memcmp(a->m, m, n) : 0;
    if (c) return c;
    return a->len < len ? -1 : a->len > len;
}

/* Index of the first element not before the key. */
static size_t ref_lower(double score, const char *m, size_t len) {
    size_t lo = 0, hi = ref_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ref_cmp_key(&ref[mid], score, m, len) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static long ref_find_member(const char *m, size_t len) {
    for (size_t i = 0; i < ref_n; i++)
        if (ref[i].len == len && (len == 0 || memcmp(ref[i].m, m, len) == 0)) return (long)i;
    return -1;
}

static void ref_insert(double score, const char *m, size_t len) {
    if (ref_n == ref_cap) {
        ref_cap = ref_cap ? ref_cap * 2 : 64;
        ref = realloc(ref, ref_cap * sizeof(Ref));
    }
    size_t at = ref_lower(score, m, len);
    memmove(&ref[at + 1], &ref[at], (ref_n - at) * sizeof(Ref));
    ref[at].score = score;
    ref[at].len = len;
    if (len) memcpy(ref[at].m, m, len);
    ref_n++;
}

static void ref_remove(size_t at) {
    memmove(&ref[at], &ref[at + 1], (ref_n - at - 1) * sizeof(Ref));
    ref_n--;
}

static double random_score(int all_zero) {
    if (all_zero) return unit_rand_below(2) ? 0.0 : -0.0;
    switch (unit_rand_below(10)) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return -0.0;
    case 3: return (double)(int)unit_rand_below(5) + 0.5;
    case 4: {
        double mant = (double)(unit_rand64() >> 11); /* sequenced: same values on every target */
        return ldexp(mant, (int)unit_rand_below(40) - 60);
    }
    default: return (double)((int)unit_rand_below(11) - 5);
    }
}

static size_t random_member(char *m) {
    switch (unit_rand_below(8)) {
    case 0: return 0;
    case 1: { /* long: two-byte length prefix */
        size_t len = 128 + unit_rand_below(MAXM - 128);
        memset(m, 'x', len);
        m[len - 1] = (char)('a' + unit_rand_below(4));
        return len;
    }
    case 2: { /* binary */
        size_t len = 1 + unit_rand_below(4);
        for (size_t i = 0; i < len; i++) m[i] = (char)(unit_rand_below(3) ? unit_rand_below(256) : 0);
        return len;
    }
    default:
        return (size_t)snprintf(m, MAXM, "m%u", (unsigned)unit_rand_below(400));
    }
}

static void check_walk(Skiplist *sl) {
    if (!CHECK_EQ_UINT(ref_n, sl->length)) return;
    size_t i = 0;
    for (SlNode *x = sl_first(sl); x; x = x->next, i++) {
        size_t len;
        const char *m = sl_node_member(x, &len);
        if (i >= ref_n || !CHECK(ref_cmp_key(&ref[i], x->score, m, len) == 0)) {
            printf("    mismatch at index %zu\n", i);
            return;
        }
    }
    CHECK_EQ_UINT(ref_n, i);
}

static void check_invariants(Skiplist *sl) {
    const char *err = sl_check(sl);
    if (!CHECK(err == NULL)) printf("    sl_check: %s\n", err);
}

static void free_cb(void *priv, SlNode *n) {
    Ref *expect = priv; /* the removed run, in order */
    static size_t k;
    if (!expect) {
        k = 0;
        return;
    }
    size_t len;
    const char *m = sl_node_member(n, &len);
    CHECK(ref_cmp_key(&expect[k], n->score, m, len) == 0);
    k++;
    sl_node_free(n);
}

static void one_op(Skiplist *sl, int all_zero) {
    char m[MAXM];
    size_t len;
    int op = (int)unit_rand_below(100);
    if (op < 35) { /* insert */
        len = random_member(m);
        if (ref_find_member(m, len) >= 0) return;
        double s = random_score(all_zero);
        SlNode *x = sl_insert(sl, s, m, len);
        level_seen[x->level] = 1;
        ref_insert(s, m, len);
    } else if (op < 50) { /* delete, present or not */
        if (ref_n && unit_rand_below(4)) {
            size_t at = unit_rand_below(ref_n);
            Ref r = ref[at];
            SlNode *x = sl_unlink(sl, r.score, r.m, r.len);
            if (CHECK(x != NULL)) {
                CHECK(x->score == r.score);
                sl_node_free(x);
            }
            ref_remove(at);
        } else {
            len = random_member(m);
            double s = random_score(all_zero);
            long at = ref_find_member(m, len);
            if (at >= 0 && ref[at].score == s) return;
            CHECK(sl_unlink(sl, s, m, len) == NULL);
        }
    } else if (op < 62) { /* score update: in place or moving */
        if (!ref_n || all_zero) return;
        size_t at = unit_rand_below(ref_n);
        SlNode *x = sl_at_rank(sl, at + 1);
        if (!CHECK(x != NULL)) return;
        Ref r = ref[at];
        double s = unit_rand_below(3) ? random_score(0) : r.score + ldexp(1, -40);
        sl_update_score(sl, x, s);
        ref_remove(at);
        ref_insert(s, r.m, r.len);
        CHECK(x->score == s);
    } else if (op < 72) { /* rank of present and absent elements */
        if (ref_n && unit_rand_below(3)) {
            size_t at = unit_rand_below(ref_n);
            CHECK_EQ_UINT(at + 1, sl_rank(sl, ref[at].score, ref[at].m, ref[at].len));
        } else {
            len = random_member(m);
            double s = random_score(all_zero);
            long at = ref_find_member(m, len);
            uint64_t want = at >= 0 && ref[at].score == s ? (uint64_t)at + 1 : 0;
            CHECK_EQ_UINT(want, sl_rank(sl, s, m, len));
        }
    } else if (op < 80) { /* element by rank, out of range too */
        uint64_t r = unit_rand_below(ref_n + 2);
        SlNode *x = sl_at_rank(sl, r);
        if (r < 1 || r > ref_n) {
            CHECK(x == NULL);
        } else if (CHECK(x != NULL)) {
            size_t xl;
            const char *xm = sl_node_member(x, &xl);
            CHECK(ref_cmp_key(&ref[r - 1], x->score, xm, xl) == 0);
        }
    } else if (op < 90) { /* seeks */
        if (all_zero) {
            SlLex b;
            b.kind = (int)unit_rand_below(3);
            len = random_member(m);
            b.p = m;
            b.len = len;
            int strict = (int)unit_rand_below(2);
            uint64_t rank;
            SlNode *x = sl_seek_lex(sl, &b, strict, &rank);
            size_t want = 0;
            while (want < ref_n) {
                int c = sl_lex_cmp(ref[want].m, ref[want].len, &b);
                if (strict ? c > 0 : c >= 0) break;
                want++;
            }
            CHECK_EQ_UINT(want + 1, rank);
            CHECK(want == ref_n ? x == NULL : x == sl_at_rank(sl, want + 1));
        } else {
            double v = random_score(0);
            int strict = (int)unit_rand_below(2);
            uint64_t rank;
            SlNode *x = sl_seek_score(sl, v, strict, &rank);
            size_t want = 0;
            while (want < ref_n && (strict ? ref[want].score <= v : ref[want].score < v)) want++;
            CHECK_EQ_UINT(want + 1, rank);
            CHECK(want == ref_n ? x == NULL : x == sl_at_rank(sl, want + 1));
        }
    } else if (op < 95) { /* rank-range deletion */
        if (!ref_n) return;
        uint64_t from = unit_rand_below(ref_n + 1);
        uint64_t to = from + unit_rand_below(6);
        if (unit_rand_below(20) == 0) to = ref_n + 5;
        uint64_t f = from < 1 ? 1 : from, t = to > ref_n ? ref_n : to;
        uint64_t want = f <= t ? t - f + 1 : 0;
        Ref *run = want ? malloc(want * sizeof(Ref)) : NULL;
        if (want) memcpy(run, &ref[f - 1], want * sizeof(Ref));
        free_cb(NULL, NULL);
        uint64_t got = sl_delete_ranks(sl, from, to, free_cb, run ? run : ref);
        CHECK_EQ_UINT(want, got);
        for (uint64_t k = 0; k < want; k++) ref_remove(f - 1);
        free(run);
    } else {
        check_walk(sl);
    }
}

static void model_run(uint64_t seed, int ops, int all_zero) {
    unit_srand(seed);
    ref_n = 0;
    Skiplist *sl = sl_create(test_rand);
    for (int i = 0; i < ops; i++) {
        one_op(sl, all_zero);
        if (i % 64 == 0) check_invariants(sl);
        if (unit_failed > 20) break;
    }
    check_invariants(sl);
    check_walk(sl);
    /* drain from the front and the back by rank */
    while (ref_n) {
        uint64_t r = unit_rand_below(2) ? 1 : ref_n;
        SlNode *x = sl_at_rank(sl, r);
        if (!CHECK(x != NULL)) break;
        size_t len;
        const char *m = sl_node_member(x, &len);
        CHECK(sl_unlink(sl, x->score, m, len) == x);
        sl_node_free(x);
        ref_remove(r - 1);
    }
    CHECK(sl->tail == NULL && sl->level == 1 && sl->length == 0);
    check_invariants(sl);
    sl_free(sl);
}

static void test_model(void) {
    for (uint64_t seed = 1; seed <= 40; seed++) model_run(seed * 7919, 4000, 0);
    for (int l = 1; l <= SL_MAX_LEVEL; l++)
        if (!CHECK(level_seen[l])) printf("    level %d never drawn\n", l);
}

static void test_model_lex(void) {
    for (uint64_t seed = 1; seed <= 20; seed++) model_run(seed * 104729, 3000, 1);
}

/* The unskewed distribution: about 7/8 of nodes at level 1. */
static void test_level_distribution(void) {
    skew_levels = 0;
    unit_srand(99);
    Skiplist *sl = sl_create(test_rand);
    int ones = 0, n = 20000;
    char m[32];
    for (int i = 0; i < n; i++) {
        size_t len = (size_t)snprintf(m, sizeof(m), "member:%09d", i);
        SlNode *x = sl_insert(sl, i * 1.5, m, len);
        ones += x->level == 1;
    }
    CHECK(ones > n * 85 / 100 && ones < n * 90 / 100);
    CHECK(sl_check(sl) == NULL);
    /* ranks of a big sequential list */
    for (int i = 0; i < n; i += 997) {
        size_t len = (size_t)snprintf(m, sizeof(m), "member:%09d", i);
        CHECK_EQ_UINT((uint64_t)i + 1, sl_rank(sl, i * 1.5, m, len));
    }
    sl_free(sl);
    skew_levels = 1;
}

/* The block sizes the memory targets rely on (64-bit: a 16-byte member
 * at level 1 in 42 bytes, level 2 in 58). */
static void test_layout(void) {
    Skiplist *sl = sl_create(test_rand);
    CHECK_EQ_UINT(2 * sizeof(void *) + sizeof(double) + 1, offsetof(SlNode, mem));
    char m[200];
    memset(m, 'q', sizeof(m));
    SlNode *x = sl_insert(sl, 1, m, 16);
    size_t len;
    const char *p = sl_node_member(x, &len);
    CHECK_EQ_UINT(16, len);
    CHECK(p == (const char *)x->mem + 1);
    CHECK(sl_node_usable(x) >= offsetof(SlNode, mem) + 17 + (x->level - 1) * sizeof(SlLevel));
    SlNode *y = sl_insert(sl, 2, m, 200);
    p = sl_node_member(y, &len);
    CHECK_EQ_UINT(200, len);
    CHECK(p == (const char *)y->mem + 2);
    CHECK(sl_check(sl) == NULL);
    sl_free(sl);
}

static void test_empty(void) {
    Skiplist *sl = sl_create(test_rand);
    uint64_t r;
    CHECK(sl_first(sl) == NULL);
    CHECK(sl_at_rank(sl, 0) == NULL && sl_at_rank(sl, 1) == NULL);
    CHECK(sl_seek_score(sl, 0, 0, &r) == NULL && r == 1);
    SlLex b = {SL_LEX_MIN, NULL, 0};
    CHECK(sl_seek_lex(sl, &b, 0, &r) == NULL && r == 1);
    CHECK(sl_rank(sl, 0, "a", 1) == 0);
    CHECK(sl_unlink(sl, 0, "a", 1) == NULL);
    CHECK(sl_delete_ranks(sl, 1, 10, NULL, NULL) == 0);
    CHECK(sl_check(sl) == NULL);
    sl_free(sl);
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_layout);
    UNIT_RUN(test_level_distribution);
    UNIT_RUN(test_model);
    UNIT_RUN(test_model_lex);
    free(ref);
    CHECK_EQ_UINT(0, mem_used());
    return unit_finish();
}
