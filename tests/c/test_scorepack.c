/* test_scorepack.c - unit tests for src/ds/scorepack (ordered member/score
 * pairs, the in-memory form of small sorted sets).
 *
 * Covers the exact bytes of known packs (the size the memory target
 * relies on: ten "mN"/N pairs in 42 bytes), every score form and its
 * boundaries (one- and two-byte integers, +-2^53, -0.0, infinities,
 * fractions) read back bit for bit, the builder's order checks, and a
 * randomized model test: thousands of seeded rounds of inserts, deletes
 * by member, by index range and by offset, lookups, seeks, offset runs
 * and indexes against a sorted array, validating after every write
 * (headers growing and shrinking past one varint byte included) and
 * checking that the builder and the incremental writes give the same
 * bytes.  Last, corrupted packs: sp_validate must reject or accept
 * without reading outside the buffer (run under ASan), and what it
 * accepts must walk cleanly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/scorepack.h"
#include "unit.h"

/* ------------------------------------------------------------- model */

#define MAXLEN 300

typedef struct Ref {
    double score;
    size_t len;
    char m[MAXLEN];
} Ref;

static Ref *ref;
static size_t ref_n;

static int ref_cmp(const Ref *a, double score, const char *m, size_t len) {
    if (a->score < score) return -1;
    if (a->score > score) return 1;
    size_t n = a->len < len ? a->len : len;
    int c = n ? memcmp(a->m, m, n) : 0;
    if (c) return c;
    return a->len < len ? -1 : a->len > len;
}

static long ref_find(const char *m, size_t len) {
    for (size_t i = 0; i < ref_n; i++)
        if (ref[i].len == len && (!len || !memcmp(ref[i].m, m, len))) return (long)i;
    return -1;
}

static size_t ref_insert(double score, const char *m, size_t len) {
    size_t at = 0;
    while (at < ref_n && ref_cmp(&ref[at], score, m, len) < 0) at++;
    memmove(&ref[at + 1], &ref[at], (ref_n - at) * sizeof(Ref));
    ref[at].score = score;
    ref[at].len = len;
    memcpy(ref[at].m, m, len);
    ref_n++;
    return at;
}

static void ref_remove(size_t at, size_t n) {
    memmove(&ref[at], &ref[at + n], (ref_n - at - n) * sizeof(Ref));
    ref_n -= n;
}

static int same_double(double a, double b) {
    return memcmp(&a, &b, sizeof(double)) == 0;
}

static double gen_score(void) {
    switch (unit_rand_below(12)) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return -0.0;
    case 3: return (double)((int)unit_rand_below(9) - 4) + 0.25;
    case 4: return SP_INT_LIMIT - (double)unit_rand_below(3);
    case 5: return -SP_INT_LIMIT + (double)unit_rand_below(3);
    case 6: return SP_INT_LIMIT + 2.0 * (double)(1 + unit_rand_below(2));
    case 7: return (double)(int64_t)(unit_rand64() >> 20) - (double)(1LL << 43);
    case 8: return 1e20 * (unit_rand_below(2) ? 1 : -1);
    case 9: return (double)((int)unit_rand_below(300) - 150);
    default: return (double)((int)unit_rand_below(9) - 4);
    }
}

/* Short members from a small alphabet (ties and shared prefixes), some
 * empty, binary or long (two-byte length headers). */
static size_t gen_member(char *m) {
    switch (unit_rand_below(12)) {
    case 0: return 0;
    case 1: {
        size_t len = 60 + unit_rand_below(MAXLEN - 60);
        for (size_t i = 0; i < len; i++) m[i] = (char)('a' + unit_rand_below(2));
        return len;
    }
    case 2:
        m[0] = '\0';
        m[1] = (char)unit_rand_below(256);
        m[2] = '\r';
        return 1 + unit_rand_below(3);
    default: {
        size_t len = 1 + unit_rand_below(4);
        for (size_t i = 0; i < len; i++) m[i] = (char)('a' + unit_rand_below(3));
        return len;
    }
    }
}

/* The pack against the reference: validation, count, a whole walk, and
 * lookups of a few members. */
static int check_pack(const unsigned char *sp) {
    const char *err = sp_validate(sp, sp_bytes(sp));
    if (!CHECK(err == NULL)) {
        printf("    validate: %s\n", err);
        return 0;
    }
    if (!CHECK_EQ_UINT(ref_n, sp_count(sp))) return 0;
    size_t off = sp_first(sp);
    for (size_t i = 0; i < ref_n; i++) {
        SpEntry e;
        sp_get(sp, off, &e);
        if (!CHECK(e.len == ref[i].len && (!e.len || !memcmp(e.m, ref[i].m, e.len)) &&
                   same_double(e.score, ref[i].score))) {
            printf("    entry %zu differs\n", i);
            return 0;
        }
        off = e.next;
    }
    if (!CHECK_EQ_UINT(sp_bytes(sp), off)) return 0;
    return 1;
}

static unsigned char *build_from_ref(void) {
    SpBuilder b;
    sp_builder_init(&b);
    for (size_t i = 0; i < ref_n; i++)
        if (!CHECK(sp_builder_add(&b, ref[i].score, ref[i].m, ref[i].len))) break;
    return sp_builder_finish(&b);
}

static int one_op(unsigned char **spp) {
    unsigned char *sp = *spp;
    char m[MAXLEN];
    size_t len = gen_member(m);
    int op = (int)unit_rand_below(100);
    if (op < 45) {
        /* add, or update the score (delete + insert, as the zset does) */
        double s = gen_score();
        long at = ref_find(m, len);
        SpEntry e;
        long got = sp_find(sp, m, len, &e);
        if (!CHECK_EQ_INT(at, got)) return 0;
        if (at >= 0) {
            sp = sp_delete(sp, e.off, 1);
            ref_remove((size_t)at, 1);
        }
        uint32_t idx;
        sp = sp_insert(sp, s, m, len, &idx);
        size_t want = ref_insert(s, m, len);
        CHECK_EQ_UINT(want, idx);
    } else if (op < 60) {
        long at = ref_find(m, len);
        SpEntry e;
        long got = sp_find(sp, m, len, &e);
        if (!CHECK_EQ_INT(at, got)) return 0;
        if (at >= 0) {
            CHECK(same_double(ref[at].score, e.score));
            CHECK_EQ_UINT(sp_seek(sp, (uint32_t)at), e.off);
            sp = sp_delete(sp, e.off, 1);
            ref_remove((size_t)at, 1);
        }
    } else if (op < 66) {
        if (ref_n) {
            uint32_t first = (uint32_t)unit_rand_below(ref_n);
            uint32_t n = (uint32_t)unit_rand_below(ref_n - first + 1);
            if (unit_rand_below(2)) sp = sp_delete_range(sp, first, n);
            else sp = sp_delete(sp, sp_seek(sp, first), n);
            ref_remove(first, n);
        }
    } else if (op < 80) {
        /* lookups, present or not */
        long at = ref_find(m, len);
        SpEntry e;
        long got = sp_find(sp, m, len, &e);
        CHECK_EQ_INT(at, got);
        if (at >= 0 && got >= 0) CHECK(same_double(ref[at].score, e.score) && e.len == len);
        if (ref_n) {
            size_t i = unit_rand_below(ref_n);
            got = sp_find(sp, ref[i].m, ref[i].len, NULL);
            CHECK_EQ_INT((long)i, got);
        }
    } else if (op < 88) {
        /* seeks, offset runs and the index agree with one another */
        SpIndex ix;
        sp_index_init(&ix, sp);
        CHECK_EQ_UINT(ref_n, ix.n);
        if (ref_n) {
            uint32_t first = (uint32_t)unit_rand_below(ref_n);
            uint32_t n = (uint32_t)unit_rand_below(ref_n - first) + 1;
            uint32_t *offs = malloc(sizeof(uint32_t) * n);
            sp_offsets(sp, first, n, offs);
            for (uint32_t k = 0; k < n; k++) {
                CHECK_EQ_UINT(ix.off[first + k], offs[k]);
                SpEntry e;
                sp_index_get(sp, &ix, first + k, &e);
                CHECK(ref_cmp(&ref[first + k], e.score, e.m, e.len) == 0);
            }
            CHECK_EQ_UINT(ix.off[first], sp_seek(sp, first));
            free(offs);
        }
        CHECK_EQ_UINT(sp_bytes(sp), sp_seek(sp, (uint32_t)ref_n));
        sp_index_free(&ix);
    } else if (op < 94) {
        /* the builder writes the same bytes; so do sp_from_items and a copy */
        unsigned char *b = build_from_ref();
        CHECK_MEM((const char *)sp, sp_bytes(sp), (const char *)b, sp_bytes(b));
        SpItem *items = malloc((ref_n + 1) * sizeof(SpItem));
        for (size_t i = 0; i < ref_n; i++) items[i] = (SpItem){{ref[i].m, ref[i].len}, ref[i].score};
        unsigned char *fi = sp_from_items(items, ref_n);
        if (CHECK(fi != NULL)) {
            CHECK_MEM((const char *)sp, sp_bytes(sp), (const char *)fi, sp_bytes(fi));
            sp_free(fi);
        }
        if (ref_n >= 2) {
            /* any two neighbours swapped: out of order, refused */
            size_t k = (size_t)unit_rand_below(ref_n - 1);
            SpItem t = items[k];
            items[k] = items[k + 1];
            items[k + 1] = t;
            CHECK(sp_from_items(items, ref_n) == NULL);
        }
        free(items);
        unsigned char *d = sp_dup(sp);
        CHECK_MEM((const char *)sp, sp_bytes(sp), (const char *)d, sp_bytes(d));
        sp_free(b);
        sp_free(d);
    } else {
        /* a burst of inserts: past 127 entries / body bytes the header's
         * varints grow a byte, and shrink back on deletes */
        int k = 20 + (int)unit_rand_below(60);
        for (int i = 0; i < k && ref_n < 400; i++) {
            len = gen_member(m);
            if (ref_find(m, len) >= 0) continue;
            double s = gen_score();
            sp = sp_insert(sp, s, m, len, NULL);
            ref_insert(s, m, len);
        }
    }
    *spp = sp;
    return check_pack(sp);
}

static void test_model(void) {
    ref = malloc(sizeof(Ref) * 500);
    for (uint64_t round = 0; round < 3000; round++) {
        unit_srand(0xC0FFEE00ULL + round * 7919);
        ref_n = 0;
        unsigned char *sp = sp_new();
        int ops = 20 + (int)unit_rand_below(120);
        int ok = 1;
        for (int i = 0; i < ops && ok; i++) ok = one_op(&sp);
        sp_free(sp);
        if (!ok || unit_failed > 20) {
            printf("    round %llu\n", (unsigned long long)round);
            break;
        }
    }
    free(ref);
    ref = NULL;
}

/* ------------------------------------------------------- fixed cases */

static void test_empty(void) {
    unsigned char *sp = sp_new();
    CHECK_EQ_UINT(2, sp_bytes(sp));
    CHECK_EQ_UINT(0, sp_count(sp));
    CHECK_EQ_UINT(2, sp_first(sp));
    CHECK_EQ_INT(-1, sp_find(sp, "a", 1, NULL));
    CHECK(sp_validate(sp, 2) == NULL);
    SpIndex ix;
    sp_index_init(&ix, sp);
    CHECK_EQ_UINT(0, ix.n);
    sp_index_free(&ix);
    sp = sp_delete(sp, sp_first(sp), 0);
    CHECK_EQ_UINT(2, sp_bytes(sp));
    sp_free(sp);
    SpBuilder b;
    sp_builder_init(&b);
    sp = sp_builder_finish(&b);
    CHECK_MEM("\0\0", 2, (const char *)sp, sp_bytes(sp));
    sp_free(sp);
}

/* The dataset of the memory target, and the bytes of a mixed pack. */
static void test_exact_bytes(void) {
    unsigned char *sp = sp_new();
    for (int i = 9; i >= 0; i--) {
        char m[3] = {'m', (char)('0' + i), 0};
        sp = sp_insert(sp, i, m, 2, NULL);
    }
    CHECK_EQ_UINT(42, sp_bytes(sp));
    CHECK_EQ_UINT(10, sp_count(sp));
    /* header: body 40, count 10; then 04 'm' '0' 00, 04 'm' '1' 02, ... */
    unsigned char want[42] = {40, 10};
    for (int i = 0; i < 10; i++) {
        want[2 + 4 * i] = 4;
        want[3 + 4 * i] = 'm';
        want[4 + 4 * i] = (unsigned char)('0' + i);
        want[5 + 4 * i] = (unsigned char)(2 * i);
    }
    CHECK_MEM((const char *)want, 42, (const char *)sp, sp_bytes(sp));
    sp_free(sp);

    /* ("b", -1) ("a", 1.5) ("c", 3) */
    sp = sp_new();
    sp = sp_insert(sp, 1.5, "a", 1, NULL);
    sp = sp_insert(sp, 3, "c", 1, NULL);
    sp = sp_insert(sp, -1, "b", 1, NULL);
    unsigned char w2[18] = {16, 3, 2, 'b', 1, 3, 'a'};
    double d = 1.5;
    memcpy(w2 + 7, &d, 8);
    w2[15] = 2;
    w2[16] = 'c';
    w2[17] = 6;
    CHECK_MEM((const char *)w2, 18, (const char *)sp, sp_bytes(sp));
    uint32_t idx;
    sp = sp_insert(sp, 1.5, "", 0, &idx); /* before "a": same score, shorter */
    CHECK_EQ_UINT(1, idx);
    CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
    sp_free(sp);
}

static void test_score_forms(void) {
    struct {
        double v;
        size_t score_bytes;
    } cases[] = {
        {0, 1}, {63, 1}, {64, 2}, {-64, 1}, {-65, 2}, {8191, 2}, {8192, 3}, {-1, 1},
        {SP_INT_LIMIT, 8}, {-SP_INT_LIMIT, 8}, {SP_INT_LIMIT + 2, 8}, {-0.0, 8}, {0.5, 8},
        {INFINITY, 8}, {-INFINITY, 8}, {1e300, 8}, {-4.9e-324, 8}, {1700000000000.0, 6},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = cases[i].v;
        /* "m" member: a 1-byte header, 1 byte, then the score */
        CHECK_EQ_UINT(2 + cases[i].score_bytes, sp_entry_size(v, 1));
        unsigned char *sp = sp_new();
        sp = sp_insert(sp, v, "m", 1, NULL);
        CHECK_EQ_UINT(2 + 2 + cases[i].score_bytes, sp_bytes(sp));
        SpEntry e;
        CHECK_EQ_INT(0, sp_find(sp, "m", 1, &e));
        if (!CHECK(same_double(v, e.score))) printf("    case %zu: %.17g read back as %.17g\n", i, v, e.score);
        CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
        sp_free(sp);
    }
    /* -0.0 and 0 are the same score: ties go by member */
    unsigned char *sp = sp_new();
    sp = sp_insert(sp, 0.0, "b", 1, NULL);
    uint32_t idx;
    sp = sp_insert(sp, -0.0, "a", 1, &idx);
    CHECK_EQ_UINT(0, idx);
    CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
    sp_free(sp);
}

static void test_builder_order(void) {
    SpBuilder b;
    sp_builder_init(&b);
    CHECK(sp_builder_add(&b, 1, "b", 1));
    CHECK(!sp_builder_add(&b, 1, "b", 1)); /* equal */
    CHECK(!sp_builder_add(&b, 1, "a", 1)); /* member below */
    CHECK(!sp_builder_add(&b, 0.5, "z", 1)); /* score below */
    CHECK(!sp_builder_add(&b, NAN, "z", 1));
    CHECK(sp_builder_add(&b, 1, "ba", 2));
    CHECK(sp_builder_add(&b, INFINITY, "", 0));
    unsigned char *sp = sp_builder_finish(&b);
    CHECK_EQ_UINT(3, sp_count(sp));
    CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
    sp_free(sp);
    sp_builder_init(&b);
    CHECK(sp_builder_add(&b, 1, "x", 1));
    sp_builder_abort(&b);
    /* a big member moves the body past the builder's first block */
    char big[1000];
    memset(big, 'q', sizeof(big));
    sp_builder_init(&b);
    CHECK(sp_builder_add(&b, 1, big, sizeof(big)));
    CHECK(sp_builder_add(&b, 2, big, sizeof(big)));
    sp = sp_builder_finish(&b);
    CHECK_EQ_UINT(2 + 2 * (2 + 1000 + 1) + 1, sp_bytes(sp)); /* header 3: body 2006 */
    CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
    sp_free(sp);
}

static void test_from_items(void) {
    SpItem ok[] = {{{"b", 1}, 1}, {{"ba", 2}, 1}, {{"", 0}, 2.5}, {{"a", 1}, INFINITY}};
    unsigned char *sp = sp_from_items(ok, 4);
    CHECK_EQ_UINT(4, sp_count(sp));
    CHECK(sp_validate(sp, sp_bytes(sp)) == NULL);
    sp_free(sp);
    sp = sp_from_items(ok, 0);
    CHECK_EQ_UINT(0, sp_count(sp));
    CHECK_EQ_UINT(2, sp_bytes(sp));
    sp_free(sp);
    SpItem equal[] = {{{"b", 1}, 1}, {{"b", 1}, 1}};
    CHECK(sp_from_items(equal, 2) == NULL);
    SpItem member_below[] = {{{"b", 1}, 1}, {{"a", 1}, 1}};
    CHECK(sp_from_items(member_below, 2) == NULL);
    SpItem prefix_below[] = {{{"ba", 2}, 1}, {{"b", 1}, 1}};
    CHECK(sp_from_items(prefix_below, 2) == NULL);
    SpItem score_below[] = {{{"a", 1}, 2}, {{"b", 1}, 1}};
    CHECK(sp_from_items(score_below, 2) == NULL);
    SpItem nan[] = {{{"a", 1}, NAN}};
    CHECK(sp_from_items(nan, 1) == NULL);
}

/* Hand-made bad packs, each rejected for its reason. */
static void test_validate_cases(void) {
    static const struct {
        const char *bytes;
        size_t len;
    } bad[] = {
        {"", 0},                            /* no header */
        {"\x00", 1},                        /* no count */
        {"\x03\x01\x02m", 4},               /* body length says 3, has 2 */
        {"\x03\x02\x02m\x00", 5},           /* count 2, one entry */
        {"\x80\x00\x00", 3},                /* overlong varint */
        {"\x04\x01\x02m\x80\x00", 6},       /* overlong score varint */
        {"\x03\x01\x02m\x80", 5},           /* score varint cut */
        {"\x03\x01\x7fm\x00", 5},           /* member runs past the end */
        {"\x0a\x01\x03m\x00\x00\x00\x00\x00\x00\xf8\x7f", 12}, /* NaN */
        {"\x0a\x01\x03m\x00\x00\x00\x00\x00\x00\xf0\x3f", 12}, /* 1.0 stored as a double */
        {"\x07\x01\x03m\x00\x00\x00\x00\x00", 9},              /* double cut */
        {"\x0a\x01\x02m\x82\x80\x80\x80\x80\x80\x80\x20", 12}, /* 2^53 + 1 */
        {"\x06\x02\x02m\x02\x02m\x02", 8},  /* repeated (equal pairs) */
        {"\x06\x02\x02n\x02\x02m\x02", 8},  /* member order */
        {"\x06\x02\x02m\x04\x02m\x02", 8},  /* score order */
        {"\x0c\x01\x02m\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 14}, /* varint past 64 bits */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char *c = malloc(bad[i].len ? bad[i].len : 1);
        memcpy(c, bad[i].bytes, bad[i].len);
        if (!CHECK(sp_validate(c, bad[i].len) != NULL)) printf("    case %zu accepted\n", i);
        free(c);
    }
    /* and the good ones next to them */
    CHECK(sp_validate((const unsigned char *)"\x03\x01\x02m\x00", 5) == NULL);
    CHECK(sp_validate((const unsigned char *)"\x0a\x01\x02m\x80\x80\x80\x80\x80\x80\x80\x20", 12) == NULL); /* 2^53 */
    CHECK(sp_validate((const unsigned char *)"\x06\x02\x02m\x02\x02n\x02", 8) == NULL);
}

/* Flipped bytes, truncations and garbage: sp_validate never reads past
 * the buffer (ASan watches) and whatever it accepts walks cleanly. */
static void test_validate_corrupt(void) {
    char m[MAXLEN];
    for (int round = 0; round < 6000; round++) {
        unit_srand(0xBADC0DE0ULL + (uint64_t)round);
        unsigned char *sp = sp_new();
        int n = (int)unit_rand_below(14);
        for (int i = 0; i < n; i++) {
            size_t len = gen_member(m);
            if (len > 40) len = 40;
            if (sp_find(sp, m, len, NULL) >= 0) continue;
            sp = sp_insert(sp, gen_score(), m, len, NULL);
        }
        size_t size = sp_bytes(sp);
        unsigned char *c = malloc(size);
        memcpy(c, sp, size);
        int flips = (int)unit_rand_below(4);
        for (int k = 0; k < flips; k++) c[unit_rand_below(size)] = (unsigned char)unit_rand64();
        size_t csize = size;
        if (unit_rand_below(3) == 0) csize = unit_rand_below(size + 1);
        unsigned char *t = malloc(csize ? csize : 1);
        memcpy(t, c, csize);
        if (sp_validate(t, csize) == NULL) {
            /* Accepted: it must be walkable within bounds. */
            CHECK_EQ_UINT(csize, sp_bytes(t));
            uint32_t cnt = 0;
            for (size_t off = sp_first(t); off < csize; cnt++) {
                SpEntry e;
                sp_get(t, off, &e);
                CHECK(!isnan(e.score));
                CHECK(sp_find(t, e.m, e.len, NULL) >= 0);
                off = e.next;
            }
            CHECK_EQ_UINT(sp_count(t), cnt);
            if (!flips && csize == size) CHECK_MEM((const char *)sp, size, (const char *)t, csize);
        } else {
            /* only a change can make it invalid */
            CHECK(flips || csize != size);
        }
        free(t);
        free(c);
        sp_free(sp);
    }
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_exact_bytes);
    UNIT_RUN(test_score_forms);
    UNIT_RUN(test_builder_order);
    UNIT_RUN(test_from_items);
    UNIT_RUN(test_validate_cases);
    UNIT_RUN(test_model);
    UNIT_RUN(test_validate_corrupt);
    return unit_finish();
}
