/* test_quicklist.c - unit tests for src/ds/quicklist (linked listpack
 * nodes, plain nodes for large elements, LZF compression of inner nodes).
 *
 * The core is a randomized model test: thousands of seeded operations
 * (push and pop at both ends, index, replace, insert before/after,
 * delete ranges with positive and negative starts, iteration in both
 * directions with deletion along the way, duplication) run against a
 * plain array of byte strings, for every fill from -5 to a large count
 * and several compress depths, with and without a packed threshold.
 * After every operation the whole content is compared and ql_check
 * verifies the structure: links, counts, node sizes against their
 * listpacks, the fill limits of every packed node, plain nodes only for
 * large elements, and the compression state of every node against its
 * position (end windows raw, inner nodes compressed unless compression
 * does not pay).  Fixed cases pin Valkey's limits (node byte sizes per
 * negative fill, the 8 KB safety limit, the large-element rule) and the
 * node shapes that decide when a list may turn back into a listpack. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/listpack.h"
#include "ds/quicklist.h"
#include "unit.h"

/* ------------------------------------------------------------ model */

typedef struct Val {
    char *p;
    size_t len;
} Val;

typedef struct Model {
    Val *v;
    size_t n, cap;
} Model;

static void model_insert(Model *m, size_t at, const char *p, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = realloc(m->v, m->cap * sizeof(Val));
    }
    memmove(m->v + at + 1, m->v + at, (m->n - at) * sizeof(Val));
    m->v[at].p = malloc(len ? len : 1);
    if (len) memcpy(m->v[at].p, p, len);
    m->v[at].len = len;
    m->n++;
}

static void model_delete(Model *m, size_t at, size_t count) {
    for (size_t i = at; i < at + count; i++) free(m->v[i].p);
    memmove(m->v + at, m->v + at + count, (m->n - at - count) * sizeof(Val));
    m->n -= count;
}

static void model_replace(Model *m, size_t at, const char *p, size_t len) {
    free(m->v[at].p);
    m->v[at].p = malloc(len ? len : 1);
    if (len) memcpy(m->v[at].p, p, len);
    m->v[at].len = len;
}

static void model_clear(Model *m) {
    model_delete(m, 0, m->n);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* Whether an entry holds exactly the bytes of a model value. */
static int entry_is(const QlEntry *e, const Val *v) {
    if (e->sval) return e->slen == v->len && (v->len == 0 || memcmp(e->sval, v->p, v->len) == 0);
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%lld", (long long)e->lval);
    return (size_t)n == v->len && memcmp(buf, v->p, v->len) == 0;
}

/* ---------------------------------------------------------- values */

static char valbuf[80000];

/* A random value: short text, integers (stored as integers by the
 * listpack), compressible repetitive text, random bytes, and sometimes
 * something large enough for a plain node. */
static size_t random_value(int big_ok) {
    int kind = (int)unit_rand_below(100);
    size_t len;
    if (kind < 25) {
        len = (size_t)snprintf(valbuf, sizeof(valbuf), "%lld", (long long)(unit_rand64() % 2000000) - 1000000);
        if (kind < 3) len = (size_t)snprintf(valbuf, sizeof(valbuf), "%lld", (long long)unit_rand64());
    } else if (kind < 55) {
        len = 1 + unit_rand_below(20);
        for (size_t i = 0; i < len; i++) valbuf[i] = (char)('a' + unit_rand_below(26));
    } else if (kind < 80) {
        /* Repetitive: compresses well. */
        len = 20 + unit_rand_below(300);
        for (size_t i = 0; i < len; i++) valbuf[i] = "abcabcxyz"[i % 9];
        valbuf[0] = (char)('a' + unit_rand_below(26));
    } else if (kind < 95 || !big_ok) {
        /* Random bytes (NUL, CR, LF included): does not compress. */
        len = unit_rand_below(200);
        for (size_t i = 0; i < len; i++) valbuf[i] = (char)unit_rand64();
    } else if (kind < 98) {
        len = 4000 + unit_rand_below(5000);
        for (size_t i = 0; i < len; i++) valbuf[i] = (char)('A' + (i * 7 + len) % 23);
    } else {
        len = 9000 + unit_rand_below(70000);
        for (size_t i = 0; i < len; i++) valbuf[i] = (char)('A' + (i * 13 + len) % 17);
    }
    return len;
}

/* ----------------------------------------------------- comparisons */

static long mismatches;

/* Compares the whole list with the model: forward, and backward too
 * when both_ways (decompressing every inner node twice is what the test
 * spends its time on, under qemu above all). */
static void compare_all(Quicklist *ql, const Model *m, int both_ways) {
    if (ql_count(ql) != m->n) {
        mismatches++;
        return;
    }
    QlIter it;
    QlEntry e;
    size_t i = 0;
    if (m->n) {
        ql_iter_init(&it, ql, QL_FORWARD, 0);
        while (ql_iter_next(&it, &e)) {
            if (i >= m->n || !entry_is(&e, &m->v[i])) mismatches++;
            i++;
        }
        ql_iter_done(&it);
        if (i != m->n) mismatches++;
        if (!both_ways) return;
        i = m->n;
        ql_iter_init(&it, ql, QL_BACKWARD, -1);
        while (ql_iter_next(&it, &e)) {
            if (i == 0 || !entry_is(&e, &m->v[i - 1])) mismatches++;
            i--;
        }
        ql_iter_done(&it);
        if (i != 0) mismatches++;
    } else if (ql_iter_init(&it, ql, QL_FORWARD, 0)) {
        mismatches++;
    }
}

static const char *last_check_error;
static int last_op;
static long check_failures;

/* What the runs reached, so a test that never compresses or never makes
 * a plain node cannot pass silently. */
static uint64_t seen_compressed, seen_plain, seen_max_nodes;

static void check_structure(Quicklist *ql, int strict) {
    uint64_t comp, raw;
    ql_stats(ql, &comp, &raw);
    seen_compressed += comp;
    if (ql->len > seen_max_nodes) seen_max_nodes = ql->len;
    for (QlNode *n = ql->head; n; n = n->next) seen_plain += n->container == QL_PLAIN;
    const char *err = ql_check(ql, strict);
    if (err) {
        if (!last_check_error) fprintf(stdout, "    first structure error: %s (operation %d)\n", err, last_op);
        last_check_error = err;
        check_failures++;
    }
}

/* A random index into a list of n (> 0) elements, positive or negative. */
static int64_t random_index(size_t n, size_t *pos) {
    size_t i = unit_rand_below(n);
    *pos = i;
    if (unit_rand_below(2)) return (int64_t)i;
    return (int64_t)i - (int64_t)n;
}

/* ------------------------------------------------------ model test */

/* One run: `ops` random operations with these options; returns the
 * number of structural or content errors. */
static void model_run(int fill, int depth, uint64_t threshold, uint64_t seed, int ops) {
    unit_srand(seed);
    ql_set_packed_threshold(threshold);
    size_t mem_before = mem_used();
    Quicklist *ql = ql_new(fill, depth);
    Model m = {0};
    for (int op = 0; op < ops; op++) {
        int w = (int)unit_rand_below(100);
        /* Keep lists within a few hundred elements, biased to grow. */
        if (m.n > 400) w = 30 + (int)unit_rand_below(30);
        last_op = w;
        if (w < 30) {
            size_t len = random_value(1);
            int head = (int)unit_rand_below(2);
            ql_push(ql, head ? QL_HEAD : QL_TAIL, valbuf, len);
            model_insert(&m, head ? 0 : m.n, valbuf, len);
        } else if (w < 38) {
            int head = (int)unit_rand_below(2);
            QlEntry e;
            int got = ql_peek(ql, head ? QL_HEAD : QL_TAIL, &e);
            if (got != (m.n > 0)) mismatches++;
            if (got) {
                if (!entry_is(&e, &m.v[head ? 0 : m.n - 1])) mismatches++;
                ql_pop(ql, head ? QL_HEAD : QL_TAIL);
                model_delete(&m, head ? 0 : m.n - 1, 1);
            }
        } else if (w < 46) {
            /* Index lookups (from the nearer end). */
            for (int k = 0; k < 3 && m.n; k++) {
                size_t pos;
                int64_t idx = random_index(m.n, &pos);
                QlIter it;
                QlEntry e;
                if (!ql_iter_init(&it, ql, QL_FORWARD, idx) || !ql_iter_next(&it, &e) || !entry_is(&e, &m.v[pos]))
                    mismatches++;
                ql_iter_done(&it);
            }
            /* Out of range. */
            QlIter it;
            if (ql_iter_init(&it, ql, QL_FORWARD, (int64_t)m.n)) mismatches++;
            if (ql_iter_init(&it, ql, QL_FORWARD, -(int64_t)m.n - 1)) mismatches++;
            if (ql_iter_init(&it, ql, QL_FORWARD, INT64_MIN)) mismatches++;
        } else if (w < 56) {
            /* Insert before/after a random element. */
            if (!m.n) continue;
            size_t pos;
            int64_t idx = random_index(m.n, &pos);
            int after = (int)unit_rand_below(2);
            size_t len = random_value(1);
            QlIter it;
            QlEntry e;
            int dir = unit_rand_below(2) ? QL_FORWARD : QL_BACKWARD;
            if (!ql_iter_init(&it, ql, dir, idx) || !ql_iter_next(&it, &e)) {
                mismatches++;
                ql_iter_done(&it);
                continue;
            }
            ql_insert(&it, &e, valbuf, len, after);
            ql_iter_done(&it); /* already over: must be harmless */
            model_insert(&m, pos + (size_t)after, valbuf, len);
        } else if (w < 64) {
            /* Replace by index. */
            if (!m.n) {
                if (ql_replace_at(ql, 0, "x", 1)) mismatches++;
                continue;
            }
            size_t pos;
            int64_t idx = random_index(m.n, &pos);
            size_t len = random_value(1);
            if (!ql_replace_at(ql, idx, valbuf, len)) mismatches++;
            model_replace(&m, pos, valbuf, len);
        } else if (w < 72) {
            /* Delete a range, with a start from either end, counts that
             * run past the end, and out-of-range starts. */
            if (!m.n) {
                if (ql_del_range(ql, 0, 5)) mismatches++;
                continue;
            }
            size_t pos;
            int64_t start = random_index(m.n, &pos);
            uint64_t count = unit_rand_below(4) ? unit_rand_below(8) : unit_rand_below(m.n + 5);
            if (unit_rand_below(20) == 0) count = UINT64_MAX;
            size_t expect = m.n - pos < count ? m.n - pos : (size_t)count;
            uint64_t got = ql_del_range(ql, start, count);
            if (got != expect) mismatches++;
            model_delete(&m, pos, expect);
            if (ql_del_range(ql, (int64_t)m.n, 3) != 0) mismatches++;
            if (ql_del_range(ql, -(int64_t)m.n - 1, 3) != 0) mismatches++;
        } else if (w < 82) {
            /* Walk from a random start in either direction, deleting the
             * elements a predicate picks, checking every visited value. */
            if (!m.n) continue;
            size_t pos;
            int64_t idx = random_index(m.n, &pos);
            int dir = unit_rand_below(2) ? QL_FORWARD : QL_BACKWARD;
            uint64_t mod = 1 + unit_rand_below(4);
            uint64_t limit = unit_rand_below(3) ? m.n : unit_rand_below(10);
            QlIter it;
            QlEntry e;
            if (!ql_iter_init(&it, ql, dir, idx)) mismatches++;
            size_t i = pos; /* model index of the next element */
            uint64_t visited = 0;
            while (visited < limit && ql_iter_next(&it, &e)) {
                if (i >= m.n || !entry_is(&e, &m.v[i])) {
                    mismatches++;
                    break;
                }
                int del = (visited % mod) == 0;
                visited++;
                if (del) {
                    ql_iter_del(&it, &e);
                    model_delete(&m, i, 1);
                    if (dir == QL_BACKWARD) {
                        if (i == 0) break;
                        i--;
                    }
                } else if (dir == QL_FORWARD) {
                    i++;
                } else {
                    if (i == 0) {
                        if (ql_iter_next(&it, &e)) mismatches++;
                        break;
                    }
                    i--;
                }
            }
            ql_iter_done(&it);
        } else if (w < 86) {
            /* A full walk that deletes nothing (compressed nodes must come
             * back compressed), then a copy that must be equal. */
            Quicklist *d = ql_dup(ql);
            check_structure(d, 1);
            compare_all(d, &m, 1);
            ql_free(d);
        } else if (w < 90) {
            /* Equality as LREM/LPOS see it. */
            if (!m.n) continue;
            size_t pos;
            int64_t idx = random_index(m.n, &pos);
            QlIter it;
            QlEntry e;
            ql_iter_init(&it, ql, QL_FORWARD, idx);
            if (!ql_iter_next(&it, &e) || !ql_entry_equals(&e, m.v[pos].p, m.v[pos].len)) mismatches++;
            if (ql_entry_equals(&e, "no such value!", 14)) mismatches++;
            ql_iter_done(&it);
        } else if (w < 97) {
            /* Pops in bursts, to empty the list now and then. */
            int head = (int)unit_rand_below(2);
            size_t k = unit_rand_below(30);
            while (k-- && m.n) {
                ql_pop(ql, head ? QL_HEAD : QL_TAIL);
                model_delete(&m, head ? 0 : m.n - 1, 1);
            }
        } else {
            /* Mass push of small values: many nodes. */
            size_t k = 20 + unit_rand_below(200);
            while (k--) {
                size_t len = random_value(0);
                ql_push(ql, QL_TAIL, valbuf, len);
                model_insert(&m, m.n, valbuf, len);
            }
        }
        check_structure(ql, 1);
        compare_all(ql, &m, op % 4 == 0);
    }
    compare_all(ql, &m, 1);
    ql_free(ql);
    model_clear(&m);
    if (mem_used() != mem_before) mismatches++;
    ql_set_packed_threshold(0);
}

static void test_model(void) {
    static const int fills[] = {-1, -2, -3, -4, -5, -7, 0, 1, 2, 3, 5, 8, 16, 128, 1000, 40000};
    static const int depths[] = {0, 1, 2, 3};
    uint64_t seed = 1;
    long runs = 0;
    for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
        for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
            mismatches = 0;
            check_failures = 0;
            last_check_error = NULL;
            model_run(fills[f], depths[d], 0, seed++, 700);
            runs++;
            if (!CHECK_EQ_INT(0, mismatches) || !CHECK_EQ_INT(0, check_failures))
                printf("    fill %d depth %d\n", fills[f], depths[d]);
        }
    }
    /* A packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD): small
     * elements become plain nodes too. */
    static const uint64_t thresholds[] = {1, 30, 200, 5000};
    for (size_t t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++) {
        for (int depth = 0; depth <= 2; depth += 2) {
            mismatches = 0;
            check_failures = 0;
            last_check_error = NULL;
            model_run(t % 2 ? -2 : 4, depth, thresholds[t], seed++, 500);
            if (!CHECK_EQ_INT(0, mismatches) || !CHECK_EQ_INT(0, check_failures))
                printf("    threshold %llu depth %d\n", (unsigned long long)thresholds[t], depth);
        }
    }
    CHECK(runs == 64);
    CHECK(seen_compressed > 1000);
    CHECK(seen_plain > 1000);
    CHECK(seen_max_nodes > 100);
}

/* ------------------------------------------------------- fixed cases */

static void test_limits(void) {
    size_t sz;
    uint64_t cnt;
    static const size_t bytes[] = {4096, 8192, 16384, 32768, 65536, 65536, 65536};
    for (int f = -1; f >= -7; f--) {
        ql_node_limit(f, &sz, &cnt);
        CHECK_EQ_UINT(bytes[-f - 1], sz);
        CHECK_EQ_UINT(UINT64_MAX, cnt);
        CHECK(!ql_node_exceeds_limit(f, bytes[-f - 1], 1000000));
        CHECK(ql_node_exceeds_limit(f, bytes[-f - 1] + 1, 1));
        CHECK(!ql_is_large_element(bytes[-f - 1], f));
        CHECK(ql_is_large_element(bytes[-f - 1] + 1, f));
    }
    ql_node_limit(0, &sz, &cnt);
    CHECK_EQ_UINT(1, cnt);
    CHECK_EQ_UINT(SIZE_MAX, sz);
    ql_node_limit(128, &sz, &cnt);
    CHECK_EQ_UINT(128, cnt);
    /* Counted fills keep the 8 KB safety limit. */
    CHECK(!ql_node_exceeds_limit(128, 8192, 128));
    CHECK(ql_node_exceeds_limit(128, 8193, 2));
    CHECK(ql_node_exceeds_limit(128, 100, 129));
    CHECK(ql_node_exceeds_limit(0, 10, 2));
    CHECK(!ql_node_exceeds_limit(0, 10, 1));
    CHECK(!ql_is_large_element(8192, 5));
    CHECK(ql_is_large_element(8193, 5));
    /* The packed threshold overrides the fill; 0 restores the default. */
    CHECK(ql_set_packed_threshold(100));
    CHECK(ql_is_large_element(100, -5));
    CHECK(!ql_is_large_element(99, -5));
    CHECK_EQ_UINT(100, ql_packed_threshold());
    CHECK(!ql_set_packed_threshold((1ULL << 32) - (1ULL << 20) + 1));
    CHECK_EQ_UINT(100, ql_packed_threshold());
    CHECK(ql_set_packed_threshold((1ULL << 32) - (1ULL << 20)));
    CHECK(ql_set_packed_threshold(0));
    CHECK(!ql_is_large_element(100, -5));
    /* Options are clamped as Valkey clamps them. */
    Quicklist *ql = ql_new(100000, 1 << 20);
    CHECK_EQ_INT(QL_FILL_MAX, ql->fill);
    CHECK_EQ_INT(QL_COMPRESS_MAX, ql->compress);
    ql_free(ql);
    ql = ql_new(-100, -3);
    CHECK_EQ_INT(-5, ql->fill);
    CHECK_EQ_INT(0, ql->compress);
    ql_free(ql);
}

/* Node shapes under Valkey's rules: a counted fill of 3 puts a, b, c in
 * one node and d in a second; a value past the node limit is plain. */
static void test_node_shapes(void) {
    Quicklist *ql = ql_new(3, 0);
    const char *vals[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) ql_push(ql, QL_TAIL, vals[i], 1);
    CHECK_EQ_UINT(2, ql->len);
    CHECK_EQ_UINT(3, ql->head->count);
    CHECK_EQ_UINT(1, ql->tail->count);
    /* Popping the tail node's element drops the node. */
    ql_pop(ql, QL_TAIL);
    CHECK_EQ_UINT(1, ql->len);
    /* Inserting after a in the full node [a b c] splits it: [a] [x b c],
     * and the two cannot merge back (4 elements > 3). */
    QlIter it;
    QlEntry e;
    ql_iter_init(&it, ql, QL_FORWARD, 0);
    ql_iter_next(&it, &e);
    ql_insert(&it, &e, "x", 1, 1);
    CHECK_EQ_UINT(2, ql->len);
    CHECK_EQ_UINT(4, ql_count(ql));
    CHECK(ql_check(ql, 1) == NULL);
    /* The single packed node comes out as the listpack. */
    CHECK(ql_release_single_listpack(ql) == NULL);
    ql_del_range(ql, 0, 2);
    CHECK_EQ_UINT(1, ql->len);
    unsigned char *lp = ql_release_single_listpack(ql);
    if (CHECK(lp != NULL)) {
        CHECK_EQ_UINT(2, lp_length(lp));
        lp_free(lp);
    }

    /* Large elements: plain nodes of their own, also in the middle. */
    ql = ql_new(-2, 0);
    char *big = malloc(10000);
    memset(big, 'z', 10000);
    for (int i = 0; i < 10; i++) ql_push(ql, QL_TAIL, "small", 5);
    ql_push(ql, QL_TAIL, big, 10000);
    CHECK_EQ_UINT(2, ql->len);
    CHECK_EQ_INT(QL_PLAIN, ql->tail->container);
    CHECK_EQ_UINT(10000, ql->tail->sz);
    ql_iter_init(&it, ql, QL_FORWARD, 4);
    ql_iter_next(&it, &e);
    ql_insert(&it, &e, big, 8193, 1);
    /* [small x5] [plain] [small x5] [plain] */
    CHECK_EQ_UINT(4, ql->len);
    CHECK(ql_check(ql, 1) == NULL);
    /* A plain element replaced by a small one goes back into a listpack. */
    CHECK(ql_replace_at(ql, 5, "tiny", 4));
    CHECK(ql_check(ql, 1) == NULL);
    ql_iter_init(&it, ql, QL_FORWARD, 5);
    CHECK(ql_iter_next(&it, &e) && e.slen == 4 && memcmp(e.sval, "tiny", 4) == 0);
    ql_iter_done(&it);
    /* And a small one replaced by a large one becomes plain. */
    CHECK(ql_replace_at(ql, 0, big, 9000));
    CHECK_EQ_INT(QL_PLAIN, ql->head->container);
    CHECK(ql_check(ql, 1) == NULL);
    CHECK_EQ_UINT(12, ql_count(ql));
    free(big);
    ql_free(ql);
}

/* 8 KB nodes hold 681 elements of 10 bytes: Valkey's estimate (size +
 * length + 8 must stay within the limit) decides, which sets memory use. */
static void test_node_fill_8k(void) {
    Quicklist *ql = ql_new(-2, 0);
    char buf[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "v%09d", i);
        ql_push(ql, QL_TAIL, buf, 10);
    }
    CHECK_EQ_UINT(681, ql->head->count);
    CHECK(ql->head->sz <= 8192);
    CHECK_EQ_UINT((5000 + 680) / 681, ql->len);
    CHECK(ql_check(ql, 1) == NULL);
    ql_free(ql);
}

/* Compression: inner nodes compressed, ends raw, reads leave them
 * compressed, dup keeps the bytes, set_options recompresses. */
static void test_compression(void) {
    Quicklist *ql = ql_new(-1, 1);
    char buf[200];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof(buf), "element-number-%d-element-number-%d", i % 50, i % 50);
        ql_push(ql, QL_TAIL, buf, (size_t)n);
    }
    uint64_t comp, raw;
    ql_stats(ql, &comp, &raw);
    CHECK(ql->len > 4);
    CHECK_EQ_UINT(ql->len - 2, comp);
    CHECK(!ql->head->compressed && !ql->tail->compressed);
    CHECK(ql_check(ql, 1) == NULL);
    size_t mem_compressed = ql_mem_usage(ql, 0);
    /* A middle lookup decompresses one node for the read only. */
    QlIter it;
    QlEntry e;
    ql_iter_init(&it, ql, QL_FORWARD, 1000);
    CHECK(ql_iter_next(&it, &e));
    CHECK(e.node->compressed == 0 && e.node->pinned);
    ql_iter_done(&it);
    ql_stats(ql, &comp, &raw);
    CHECK_EQ_UINT(ql->len - 2, comp);
    Quicklist *d = ql_dup(ql);
    CHECK(ql_check(d, 1) == NULL);
    ql_free(d);
    ql_set_options(ql, -1, 0);
    ql_stats(ql, &comp, &raw);
    CHECK_EQ_UINT(0, comp);
    CHECK(ql_check(ql, 1) == NULL);
    CHECK(ql_mem_usage(ql, 0) > mem_compressed);
    ql_set_options(ql, -1, 3);
    ql_stats(ql, &comp, &raw);
    CHECK_EQ_UINT(ql->len - 6, comp);
    CHECK(ql_check(ql, 1) == NULL);
    /* Sampled memory usage is in the right range. */
    size_t exact = ql_mem_usage(ql, 0), sampled = ql_mem_usage(ql, 5);
    CHECK(sampled > exact / 2 && sampled < exact * 2);
    ql_free(ql);

    /* Incompressible inner nodes stay raw, marked. */
    ql = ql_new(-1, 1);
    for (int i = 0; i < 200; i++) {
        for (int j = 0; j < 100; j++) buf[j] = (char)unit_rand64();
        ql_push(ql, QL_HEAD, buf, 100);
    }
    ql_stats(ql, &comp, &raw);
    CHECK_EQ_UINT(0, comp);
    CHECK(ql_check(ql, 1) == NULL);
    ql_free(ql);
}

/* A listpack appended whole (conversion) and the iteration over it. */
static void test_append_listpack(void) {
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < 300; i++) lp = lp_append_int(lp, i);
    Quicklist *ql = ql_new(-2, 0);
    ql_append_listpack(ql, lp);
    CHECK_EQ_UINT(300, ql_count(ql));
    ql_push(ql, QL_TAIL, "end", 3);
    CHECK(ql_check(ql, 0) == NULL);
    QlIter it;
    QlEntry e;
    ql_iter_init(&it, ql, QL_BACKWARD, -2);
    CHECK(ql_iter_next(&it, &e) && !e.sval && e.lval == 299);
    CHECK(ql_iter_next(&it, &e) && !e.sval && e.lval == 298);
    ql_iter_done(&it);
    CHECK(ql_entry_equals(&e, "298", 3));
    CHECK(!ql_entry_equals(&e, "0298", 4));
    ql_free(ql);
}

int main(void) {
    size_t base = mem_used();
    UNIT_RUN(test_limits);
    UNIT_RUN(test_node_shapes);
    UNIT_RUN(test_node_fill_8k);
    UNIT_RUN(test_compression);
    UNIT_RUN(test_append_listpack);
    UNIT_RUN(test_model);
    CHECK_EQ_UINT(base, mem_used());
    return unit_finish();
}
