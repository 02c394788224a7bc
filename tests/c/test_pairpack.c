/* test_pairpack.c - unit tests for src/ds/pairpack (front-coded
 * field/value pairs, the in-memory form of small hashes).
 *
 * Covers the exact sizes of known packs (both header forms, the size the
 * memory target relies on), long and binary strings, shared prefixes past
 * the one-byte header's reach, the saturated pair count, the one-pass constructor, the
 * expansion, and a randomized model test: thousands of seeded rounds of
 * set/update/delete/find against a plain array of pairs in insertion
 * order, validating the pack after every write and comparing a full walk.
 * Last, corrupted packs: pp_validate must reject or accept without
 * reading outside the buffer (run under ASan), and what it accepts must
 * walk cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/pairpack.h"
#include "unit.h"

/* ------------------------------------------------------------- model */

typedef struct MStr {
    char *p;
    size_t len;
} MStr;

typedef struct Model {
    MStr *f, *v;
    size_t n, cap;
} Model;

static void mstr_set(MStr *s, const char *p, size_t len) {
    free(s->p);
    s->p = malloc(len + 1);
    memcpy(s->p, p, len);
    s->len = len;
}

static long model_find(const Model *m, const char *f, size_t flen) {
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].len == flen && memcmp(m->f[i].p, f, flen) == 0) return (long)i;
    return -1;
}

static int model_set(Model *m, const char *f, size_t flen, const char *v, size_t vlen) {
    long i = model_find(m, f, flen);
    if (i >= 0) {
        mstr_set(&m->v[i], v, vlen);
        return 0;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->f = realloc(m->f, m->cap * sizeof(MStr));
        m->v = realloc(m->v, m->cap * sizeof(MStr));
    }
    m->f[m->n] = (MStr){0};
    m->v[m->n] = (MStr){0};
    mstr_set(&m->f[m->n], f, flen);
    mstr_set(&m->v[m->n], v, vlen);
    m->n++;
    return 1;
}

static int model_delete(Model *m, const char *f, size_t flen) {
    long i = model_find(m, f, flen);
    if (i < 0) return 0;
    free(m->f[i].p);
    free(m->v[i].p);
    memmove(&m->f[i], &m->f[i + 1], (m->n - (size_t)i - 1) * sizeof(MStr));
    memmove(&m->v[i], &m->v[i + 1], (m->n - (size_t)i - 1) * sizeof(MStr));
    m->n--;
    return 1;
}

static void model_free(Model *m) {
    for (size_t i = 0; i < m->n; i++) {
        free(m->f[i].p);
        free(m->v[i].p);
    }
    free(m->f);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* The pack holds exactly the model's pairs, in the model's order. */
static int same_as_model(const unsigned char *pp, const Model *m) {
    const char *err = pp_validate(pp, pp_bytes(pp));
    if (!CHECK(err == NULL)) {
        printf("    validate: %s\n", err);
        return 0;
    }
    if (!CHECK_EQ_INT(m->n, pp_count(pp))) return 0;
    PpIter it;
    pp_iter_init(&it, pp);
    size_t i = 0;
    int ok = 1;
    while (pp_iter_next(&it)) {
        if (i >= m->n) {
            ok = CHECK(0 && "more pairs than the model");
            break;
        }
        if (!CHECK_MEM(m->f[i].p, m->f[i].len, it.f.p, it.f.len) ||
            !CHECK_MEM(m->v[i].p, m->v[i].len, it.v.p, it.v.len)) {
            ok = 0;
            break;
        }
        i++;
    }
    pp_iter_done(&it);
    if (ok) ok = CHECK_EQ_INT(m->n, i);
    return ok;
}

/* --------------------------------------------------------- generators */

/* Strings with shared prefixes (the point of the format), empty ones,
 * binary bytes, and long ones crossing the one-byte header's limits. */
static size_t gen_str(char *buf, int space) {
    static const char *prefixes[] = {"", "field", "user:1000:", "f", "value12345", "aaaaaaaaaaaaaaaaaaaaaaaa"};
    int kind = (int)unit_rand_below(100);
    size_t n = 0;
    if (kind < 60) {
        const char *pre = prefixes[unit_rand_below(6)];
        n = (size_t)snprintf(buf, 64, "%s%d", pre, (int)unit_rand_below((uint64_t)space));
    } else if (kind < 65) {
        n = 0;
    } else if (kind < 80) {
        n = unit_rand_below(8);
        for (size_t i = 0; i < n; i++) buf[i] = (char)unit_rand_below(4); /* NULs and low bytes */
    } else if (kind < 95) {
        n = 10 + unit_rand_below(60);
        memset(buf, 'x', n);
        buf[n - 1] = (char)('a' + unit_rand_below(3));
    } else {
        n = 100 + unit_rand_below(400);
        memset(buf, 'y', n);
        buf[unit_rand_below(n)] = 'z';
    }
    return n;
}

/* --------------------------------------------------------------- tests */

static void test_empty(void) {
    unsigned char *pp = pp_new();
    CHECK_EQ_INT(PP_HEADER_SIZE, pp_bytes(pp));
    CHECK_EQ_INT(0, pp_count(pp));
    CHECK(pp_validate(pp, pp_bytes(pp)) == NULL);
    CHECK_EQ_INT(-1, pp_find(pp, "a", 1, NULL, NULL));
    CHECK_EQ_INT(-1, pp_find(pp, "", 0, NULL, NULL));
    int del;
    pp = pp_delete(pp, "a", 1, &del);
    CHECK_EQ_INT(0, del);
    PpIter it;
    pp_iter_init(&it, pp);
    CHECK_EQ_INT(0, pp_iter_next(&it));
    pp_iter_done(&it);
    uint32_t n = 99;
    PpView *v = pp_expand(pp, &n);
    CHECK_EQ_INT(0, n);
    mem_free(v);
    pp_free(pp);
}

/* Ten "fieldK" = "value<n>" pairs with consecutive n: one header byte per
 * string, 2 bytes for every string after the first of its column. */
static void test_sizes(void) {
    unsigned char *pp = pp_new();
    for (int k = 0; k < 10; k++) {
        char f[16], v[16];
        int fl = snprintf(f, sizeof f, "field%d", k), vl = snprintf(v, sizeof v, "value%d", 123450 + k);
        int added;
        pp = pp_set(pp, f, (size_t)fl, v, (size_t)vl, &added);
        CHECK_EQ_INT(1, added);
    }
    /* 6 + (1+6) + 9*2 + (1+11) + 9*2 */
    CHECK_EQ_INT(61, pp_bytes(pp));
    CHECK(mem_usable(pp) >= 61);
    size_t vlen;
    PpStr v;
    pp_str_init(&v);
    CHECK_EQ_INT(7, pp_find(pp, "field7", 6, &v, &vlen));
    CHECK_MEM("value123457", 11, v.p, v.len);
    CHECK_EQ_INT(11, vlen);
    CHECK_EQ_INT(-1, pp_find(pp, "field", 5, NULL, NULL));
    CHECK_EQ_INT(-1, pp_find(pp, "field77", 7, NULL, NULL));
    CHECK_EQ_INT(-1, pp_find(pp, "fielc7", 6, NULL, NULL));
    CHECK_EQ_INT(0, pp_find(pp, "field0", 6, NULL, &vlen));
    pp_str_free(&v);

    /* The varint header: a shared prefix longer than 14 with a suffix,
     * and a suffix longer than 15. */
    unsigned char *q = pp_new();
    int added;
    const char *a = "abcdefghijklmnopqrstuvwxyz0123", *b = "abcdefghijklmnopqrstuvwxyz0124";
    q = pp_set(q, a, 30, "", 0, &added);
    size_t before = pp_bytes(q);
    q = pp_set(q, b, 30, "", 0, &added);
    /* ESC + varint 29 + varint 1 + 1 byte; the value: 1 byte */
    CHECK_EQ_INT(before + 4 + 1, pp_bytes(q));
    CHECK_EQ_INT(1, pp_find(q, b, 30, NULL, NULL));
    CHECK_EQ_INT(0, pp_find(q, a, 30, NULL, NULL));
    CHECK(pp_validate(q, pp_bytes(q)) == NULL);
    pp_free(q);
    pp_free(pp);
}

static void test_long_and_binary(void) {
    Model m = {0};
    unsigned char *pp = pp_new();
    size_t big = 100000;
    char *s = malloc(big);
    for (size_t i = 0; i < big; i++) s[i] = (char)(i * 7);
    int added;
    pp = pp_set(pp, s, big, s, big, &added);
    model_set(&m, s, big, s, big);
    s[big - 1] ^= 1;
    pp = pp_set(pp, s, big, "\0\r\n", 3, &added);
    model_set(&m, s, big, "\0\r\n", 3);
    CHECK_EQ_INT(1, added);
    pp = pp_set(pp, "\0", 1, s, big - 5, &added);
    model_set(&m, "\0", 1, s, big - 5);
    pp = pp_set(pp, "", 0, "", 0, &added);
    model_set(&m, "", 0, "", 0);
    same_as_model(pp, &m);
    PpStr v;
    pp_str_init(&v);
    size_t vlen;
    CHECK_EQ_INT(2, pp_find(pp, "\0", 1, &v, &vlen));
    CHECK_MEM(s, big - 5, v.p, v.len);
    CHECK_EQ_INT(3, pp_find(pp, "", 0, &v, &vlen));
    CHECK_EQ_INT(0, vlen);
    pp_str_free(&v);
    /* Deleting the first pair re-codes the second against nothing. */
    int del;
    s[big - 1] ^= 1;
    pp = pp_delete(pp, s, big, &del);
    model_delete(&m, s, big);
    CHECK_EQ_INT(1, del);
    same_as_model(pp, &m);
    free(s);
    model_free(&m);
    pp_free(pp);
}

static void test_saturated_count(void) {
    uint32_t n = 70000;
    char *names = malloc((size_t)n * 24);
    PpView *views = malloc(2 * (size_t)n * sizeof(PpView));
    for (uint32_t i = 0; i < n; i++) {
        int fl = snprintf(names + (size_t)i * 24, 24, "k%u", i);
        views[2 * i] = (PpView){names + (size_t)i * 24, (size_t)fl};
        views[2 * i + 1] = (PpView){"v", 1};
    }
    unsigned char *pp = pp_from_views(views, n);
    free(views);
    free(names);
    CHECK(pp_validate(pp, pp_bytes(pp)) == NULL);
    CHECK_EQ_INT(n, pp_count(pp));
    /* the count is saturated: the walk counts */
    CHECK_EQ_INT(PP_COUNT_UNKNOWN, pp[4] | pp[5] << 8);
    int del;
    for (uint32_t i = 0; i < 5000; i++) {
        char f[24];
        int fl = snprintf(f, sizeof f, "k%u", i * 3);
        pp = pp_delete(pp, f, (size_t)fl, &del);
        CHECK(del);
    }
    CHECK_EQ_INT(n - 5000, pp_count(pp));
    CHECK(pp_validate(pp, pp_bytes(pp)) == NULL);
    CHECK_EQ_INT(-1, pp_find(pp, "k3", 2, NULL, NULL));
    CHECK_EQ_INT(0, pp_find(pp, "k1", 2, NULL, NULL));
    pp_free(pp);
}

/* pp_from_views codes exactly like pp_set does for new fields. */
static void test_from_views_matches_set(void) {
    for (int round = 0; round < 200; round++) {
        unit_srand(1000 + (uint64_t)round);
        unsigned char *pp = pp_new();
        Model m = {0};
        int n = (int)unit_rand_below(40);
        for (int i = 0; i < n; i++) {
            char f[600], v[600];
            size_t fl = gen_str(f, 1000), vl = gen_str(v, 1000);
            if (model_find(&m, f, fl) >= 0) continue;
            model_set(&m, f, fl, v, vl);
            int added;
            pp = pp_set(pp, f, fl, v, vl, &added);
        }
        PpView *in = malloc((2 * m.n + 1) * sizeof(PpView));
        for (size_t i = 0; i < m.n; i++) {
            in[2 * i] = (PpView){m.f[i].p, m.f[i].len};
            in[2 * i + 1] = (PpView){m.v[i].p, m.v[i].len};
        }
        unsigned char *built = pp_from_views(in, m.n);
        free(in);
        CHECK_MEM((const char *)pp, pp_bytes(pp), (const char *)built, pp_bytes(built));
        CHECK(pp_validate(built, pp_bytes(built)) == NULL);
        same_as_model(built, &m);
        uint32_t cnt;
        PpView *views = pp_expand(built, &cnt);
        CHECK_EQ_INT(m.n, cnt);
        for (uint32_t i = 0; i < cnt && i < m.n; i++) {
            CHECK_MEM(m.f[i].p, m.f[i].len, views[2 * i].p, views[2 * i].len);
            CHECK_MEM(m.v[i].p, m.v[i].len, views[2 * i + 1].p, views[2 * i + 1].len);
        }
        mem_free(views);
        model_free(&m);
        pp_free(pp);
        pp_free(built);
    }
}

static void test_model(void) {
    int rounds = 3000;
    for (int round = 0; round < rounds; round++) {
        unit_srand(0xabcdef00ULL + (uint64_t)round);
        Model m = {0};
        unsigned char *pp = pp_new();
        int space = 1 + (int)unit_rand_below(60);
        int ops = 1 + (int)unit_rand_below(120);
        int ok = 1;
        for (int op = 0; op < ops && ok; op++) {
            char f[600], v[600];
            size_t fl = gen_str(f, space), vl = gen_str(v, space * 3);
            int kind = (int)unit_rand_below(10);
            if (kind < 5) {
                int added, madded = model_set(&m, f, fl, v, vl);
                pp = pp_set(pp, f, fl, v, vl, &added);
                ok = CHECK_EQ_INT(madded, added);
            } else if (kind < 7 && m.n) {
                /* Update an existing field, chosen from the model. */
                size_t i = unit_rand_below(m.n);
                MStr key = {0};
                mstr_set(&key, m.f[i].p, m.f[i].len);
                int added;
                pp = pp_set(pp, key.p, key.len, v, vl, &added);
                model_set(&m, key.p, key.len, v, vl);
                ok = CHECK_EQ_INT(0, added);
                free(key.p);
            } else if (kind < 9) {
                if (m.n && unit_rand_below(2)) {
                    size_t i = unit_rand_below(m.n);
                    fl = m.f[i].len;
                    memcpy(f, m.f[i].p, fl);
                }
                int del, mdel = model_delete(&m, f, fl);
                pp = pp_delete(pp, f, fl, &del);
                ok = CHECK_EQ_INT(mdel, del);
            } else {
                if (m.n && unit_rand_below(2)) {
                    size_t i = unit_rand_below(m.n);
                    fl = m.f[i].len;
                    memcpy(f, m.f[i].p, fl);
                }
                long mi = model_find(&m, f, fl);
                PpStr val;
                pp_str_init(&val);
                size_t vlen = 12345;
                long pi = pp_find(pp, f, fl, unit_rand_below(2) ? &val : NULL, &vlen);
                ok = CHECK_EQ_INT(mi, pi);
                if (ok && mi >= 0) {
                    ok = CHECK_EQ_INT(m.v[mi].len, vlen);
                    if (ok && val.len) ok = CHECK_MEM(m.v[mi].p, m.v[mi].len, val.p, val.len);
                }
                pp_str_free(&val);
            }
            if (ok) ok = same_as_model(pp, &m);
            if (!ok) printf("    round %d op %d\n", round, op);
        }
        model_free(&m);
        pp_free(pp);
        if (!ok) break;
    }
}

/* Flipped bytes, truncations and garbage: pp_validate never reads past
 * the buffer (ASan watches) and whatever it accepts walks and expands. */
static void test_validate_corrupt(void) {
    CHECK(pp_validate((const unsigned char *)"abc", 3) != NULL);
    for (int round = 0; round < 4000; round++) {
        unit_srand(0x5eed0000ULL + (uint64_t)round);
        unsigned char *pp = pp_new();
        int n = (int)unit_rand_below(12);
        for (int i = 0; i < n; i++) {
            char f[600], v[600];
            size_t fl = gen_str(f, 30), vl = gen_str(v, 30);
            int added;
            pp = pp_set(pp, f, fl, v, vl, &added);
        }
        size_t size = pp_bytes(pp);
        unsigned char *c = malloc(size);
        memcpy(c, pp, size);
        int flips = 1 + (int)unit_rand_below(3);
        for (int k = 0; k < flips; k++) {
            size_t at = unit_rand_below(size);
            c[at] = (unsigned char)unit_rand64();
        }
        size_t csize = size;
        if (unit_rand_below(4) == 0) {
            csize = unit_rand_below(size + 1);
            if (csize >= 4) {
                uint32_t t = (uint32_t)csize;
                memcpy(c, &t, 4);
            }
        }
        if (pp_validate(c, csize) == NULL) {
            /* Accepted: it must be walkable within bounds. */
            unsigned char *copy = mem_alloc(csize);
            memcpy(copy, c, csize);
            PpIter it;
            pp_iter_init(&it, copy);
            uint32_t cnt = 0;
            while (pp_iter_next(&it)) cnt++;
            pp_iter_done(&it);
            CHECK_EQ_INT(pp_count(copy), cnt);
            uint32_t ec;
            mem_free(pp_expand(copy, &ec));
            CHECK_EQ_INT(cnt, ec);
            mem_free(copy);
        }
        free(c);
        pp_free(pp);
    }
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_sizes);
    UNIT_RUN(test_long_and_binary);
    UNIT_RUN(test_saturated_count);
    UNIT_RUN(test_from_views_matches_set);
    UNIT_RUN(test_model);
    UNIT_RUN(test_validate_corrupt);
    return unit_finish();
}
