/* test_hll.c - unit tests for src/ds/hll (HyperLogLog sketches).
 *
 * - byte-exact sketches: the bytes redis-server 7.0.15 produced for fixed
 *   PFADD sequences (recorded as length + MurmurHash64A of the bytes, seed
 *   0) must come out of the same additions here, sparse and dense, with
 *   hll-sparse-max-bytes 3000 and 200;
 * - estimates of crafted dense sketches as redis-server 7.0 answered them
 *   (including the 2^63 overflow of an all-63 sketch);
 * - a seeded model test: random register raises applied to a sketch (at
 *   random sparse size limits) and to a plain byte array; after every step
 *   the return value says whether the model changed, the sketch decodes to
 *   the model, the sparse body covers exactly 16384 registers and stays
 *   within the limit, and sparse and dense forms count the same;
 * - dense register access against a bit-by-bit reference, merges and
 *   raw stores in both directions;
 * - corrupt bodies (short, long, truncated XZERO, random bytes) give -1,
 *   never a crash (the sanitizer builds run this too). */
#include <stdint.h>
#include <string.h>

#include "../../deps/murmur/murmur.h"
#include "ds/alloc.h"
#include "ds/hll.h"
#include "unit.h"

static Str *add_all(Str *s, const char *fmt, int from, int to, size_t sparse_max) {
    char buf[32];
    for (int i = from; i < to; i++) {
        int n = snprintf(buf, sizeof(buf), fmt, i);
        CHECK(hll_add(&s, buf, (size_t)n, sparse_max) >= 0);
    }
    return s;
}

static void check_digest(const Str *s, size_t len, uint64_t digest) {
    CHECK_EQ_UINT(len, s->len);
    CHECK_EQ_UINT(digest, murmur64a(s->buf, s->len, 0));
}

static void test_redis_bytes(void) {
    Str *s = hll_new();
    CHECK_EQ_UINT(18, s->len);
    /* PFADD of nothing on a new key: created, then the cache marked stale. */
    hll_cache_invalidate(s->buf);
    check_digest(s, 18, 0xeed322a9c8804f09ULL);
    str_free(s);

    s = hll_new();
    CHECK_EQ_INT(1, hll_add(&s, "a", 1, 3000));
    CHECK_EQ_INT(1, hll_add(&s, "b", 1, 3000));
    CHECK_EQ_INT(1, hll_add(&s, "c", 1, 3000));
    hll_cache_invalidate(s->buf);
    check_digest(s, 27, 0x2ab02280747d1ed0ULL);
    CHECK_EQ_INT(0, hll_add(&s, "b", 1, 3000));
    str_free(s);

    s = add_all(hll_new(), "e%d", 0, 200, 3000);
    hll_cache_invalidate(s->buf);
    check_digest(s, 513, 0x75ba2a533fcac345ULL);
    uint64_t card = 0;
    CHECK_EQ_INT(0, hll_count(s->buf, s->len, &card));
    CHECK_EQ_UINT(200, card);
    hll_cache_set(s->buf, card);
    check_digest(s, 513, 0xdb9a1f8fcdb8cd0eULL);
    uint64_t cached = 0;
    CHECK_EQ_INT(1, hll_cache_get(s->buf, &cached));
    CHECK_EQ_UINT(200, cached);
    str_free(s);

    /* Seven elements per PFADD, through promotion to dense. */
    s = hll_new();
    s = add_all(s, "x%d", 0, 3003, 3000);
    hll_cache_invalidate(s->buf);
    CHECK_EQ_INT(HLL_DENSE, hll_encoding(s->buf));
    check_digest(s, 12304, 0xbd9d7a140ad0a23fULL);
    str_free(s);

    /* A small sparse limit promotes early. */
    s = add_all(hll_new(), "e%d", 0, 80, 200);
    hll_cache_invalidate(s->buf);
    check_digest(s, 12304, 0x5e1a253b6076aef3ULL);
    str_free(s);

    /* 1000 single additions stay sparse; the count is cached as 1002. */
    s = add_all(hll_new(), "m%d", 0, 1000, 3000);
    CHECK_EQ_INT(HLL_SPARSE, hll_encoding(s->buf));
    CHECK_EQ_INT(0, hll_count(s->buf, s->len, &card));
    CHECK_EQ_UINT(1002, card);
    hll_cache_set(s->buf, card);
    check_digest(s, 1901, 0x1b1b059fbc4db719ULL);
    str_free(s);
}

/* A dense sketch with the given registers, stale cache. */
static Str *dense_from(const uint8_t *regs) {
    Str *s = str_with_capacity(HLL_DENSE_SIZE);
    memset(s->buf, 0, HLL_DENSE_SIZE + 1);
    memcpy(s->buf, "HYLL", 4);
    s->len = HLL_DENSE_SIZE;
    hll_cache_invalidate(s->buf);
    for (uint32_t i = 0; i < HLL_REGISTERS; i++) hll_dense_set((uint8_t *)s->buf + HLL_HDR_SIZE, i, regs[i]);
    return s;
}

static void test_redis_estimates(void) {
    static const struct {
        unsigned v1, n1, v2;
        uint64_t card;
    } cases[] = {
        {63, 16384, 0, 1ULL << 63}, {51, 16384, 0, 1ULL << 63}, {51, 100, 3, 95129},
        {0, 16000, 20, 389},        {52, 16384, 0, 1ULL << 63}, {50, 16384, 0, 1ULL << 63},
        {1, 16384, 0, 23637},       {0, 16383, 1, 1},           {40, 8000, 0, 12712},
    };
    static uint8_t regs[HLL_REGISTERS];
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (uint32_t i = 0; i < HLL_REGISTERS; i++) regs[i] = (uint8_t)(i < cases[c].n1 ? cases[c].v1 : cases[c].v2);
        Str *s = dense_from(regs);
        uint64_t card = 0;
        CHECK_EQ_INT(0, hll_count(s->buf, s->len, &card));
        CHECK_EQ_UINT(cases[c].card, card);
        CHECK_EQ_UINT(cases[c].card, hll_count_raw(regs));
        /* Caching 2^63 leaves the stale bit set, as in Valkey. */
        hll_cache_set(s->buf, card);
        uint64_t back = 0;
        CHECK_EQ_INT(card >> 63 ? 0 : 1, hll_cache_get(s->buf, &back));
        str_free(s);
    }
    Str *e = hll_new();
    uint64_t card = 99;
    CHECK_EQ_INT(0, hll_count(e->buf, e->len, &card));
    CHECK_EQ_UINT(0, card);
    str_free(e);
}

/* Registers of any sketch, through hll_merge into zeros. */
static int decode(const Str *s, uint8_t *out) {
    memset(out, 0, HLL_REGISTERS);
    return hll_merge(out, s->buf, s->len);
}

/* The sparse body covers exactly 16384 registers (walked independently). */
static int sparse_covers(const Str *s) {
    const uint8_t *p = (const uint8_t *)s->buf + HLL_HDR_SIZE, *end = (const uint8_t *)s->buf + s->len;
    long total = 0;
    while (p < end) {
        if ((*p & 0xc0) == 0) total += (*p & 0x3f) + 1, p++;
        else if ((*p & 0xc0) == 0x40) {
            if (p + 1 >= end) return 0;
            total += (((long)(*p & 0x3f) << 8) | p[1]) + 1;
            p += 2;
        } else total += (*p & 3) + 1, p++;
    }
    return total == HLL_REGISTERS;
}

static void test_model(void) {
    static uint8_t model[HLL_REGISTERS], got[HLL_REGISTERS];
    unit_srand(2024);
    for (int round = 0; round < 60; round++) {
        size_t sparse_max = (size_t)(round % 3 == 0 ? 3000 : 20 + unit_rand_below(6000));
        memset(model, 0, sizeof(model));
        Str *s = hll_new();
        int ops = 50 + (int)unit_rand_below(2500);
        /* Clustered indexes make runs, merges and splits of every kind. */
        uint32_t base = (uint32_t)unit_rand_below(HLL_REGISTERS);
        for (int k = 0; k < ops; k++) {
            uint32_t idx = unit_rand_below(3) ? (base + (uint32_t)unit_rand_below(200)) % HLL_REGISTERS
                                               : (uint32_t)unit_rand_below(HLL_REGISTERS);
            uint8_t count = (uint8_t)(unit_rand_below(40) ? 1 + unit_rand_below(6) : 1 + unit_rand_below(51));
            int want = model[idx] < count;
            if (want) model[idx] = count;
            int was_sparse = hll_encoding(s->buf) == HLL_SPARSE;
            size_t prev_len = s->len;
            int r = hll_set(&s, idx, count, sparse_max);
            if (!CHECK_EQ_INT(want, r)) goto out;
            if (hll_encoding(s->buf) == HLL_SPARSE) {
                if (!CHECK(sparse_covers(s)) || !CHECK(s->len <= sparse_max || !want)) goto out;
                CHECK(count <= 32 || !want);
            } else {
                CHECK_EQ_UINT(HLL_DENSE_SIZE, s->len);
                /* Turning dense needs a reason: a big value, or a split
                 * (at most 3 bytes more) that would pass the limit. */
                if (was_sparse) CHECK(count > 32 || prev_len + 3 > sparse_max);
            }
            if (k % 97 == 0 || k == ops - 1) {
                if (!CHECK_EQ_INT(0, decode(s, got)) || !CHECK_MEM((const char *)model, sizeof(model), (const char *)got,
                                                                   sizeof(got)))
                    goto out;
                uint64_t c1 = 0, c2 = 0;
                CHECK_EQ_INT(0, hll_count(s->buf, s->len, &c1));
                c2 = hll_count_raw(model);
                CHECK_EQ_UINT(c2, c1);
                /* The dense form of the same registers counts the same. */
                Str *d = str_dup(s);
                CHECK_EQ_INT(0, hll_to_dense(&d));
                CHECK_EQ_INT(HLL_DENSE, hll_encoding(d->buf));
                CHECK_MEM(s->buf, 4, d->buf, 4);
                CHECK_MEM(s->buf + 5, 11, d->buf + 5, 11);
                uint64_t c3 = 0;
                CHECK_EQ_INT(0, hll_count(d->buf, d->len, &c3));
                CHECK_EQ_UINT(c1, c3);
                str_free(d);
            }
        }
    out:
        str_free(s);
    }
}

static void test_dense_access(void) {
    static uint8_t regs[HLL_DENSE_SIZE], bits[HLL_REGISTERS * 6];
    unit_srand(5);
    memset(regs, 0, sizeof(regs));
    memset(bits, 0, sizeof(bits));
    for (int k = 0; k < 200000; k++) {
        uint32_t i = (uint32_t)unit_rand_below(HLL_REGISTERS);
        unsigned v = (unsigned)unit_rand_below(64);
        hll_dense_set(regs, i, v);
        for (int b = 0; b < 6; b++) bits[i * 6 + b] = (uint8_t)((v >> b) & 1);
    }
    /* The packed bytes equal the bit-by-bit layout (LSB first). */
    int bad = 0;
    for (size_t b = 0; b < sizeof(bits); b++)
        if (((regs[b / 8] >> (b % 8)) & 1) != bits[b]) bad++;
    CHECK_EQ_INT(0, bad);
    for (uint32_t i = 0; i < HLL_REGISTERS; i++) {
        unsigned v = 0;
        for (int b = 0; b < 6; b++) v |= (unsigned)bits[i * 6 + b] << b;
        if (hll_dense_get(regs, i) != v) bad++;
    }
    CHECK_EQ_INT(0, bad);
}

static void test_merge_and_store(void) {
    static uint8_t a[HLL_REGISTERS], b[HLL_REGISTERS], max[HLL_REGISTERS], got[HLL_REGISTERS];
    unit_srand(11);
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < HLL_REGISTERS; i++) {
            a[i] = (uint8_t)(unit_rand_below(3) ? 0 : unit_rand_below(64));
            b[i] = (uint8_t)(unit_rand_below(3) ? 0 : unit_rand_below(33));
            max[i] = a[i] > b[i] ? a[i] : b[i];
        }
        Str *sa = dense_from(a);
        /* A sparse sketch with b's registers (all <= 32 fit). */
        Str *sb = hll_new();
        for (uint32_t i = 0; i < HLL_REGISTERS; i++)
            if (b[i]) hll_set(&sb, i, b[i], 1u << 20);
        CHECK_EQ_INT(HLL_SPARSE, hll_encoding(sb->buf));
        memset(got, 0, sizeof(got));
        CHECK_EQ_INT(0, hll_merge(got, sa->buf, sa->len));
        CHECK_EQ_INT(0, hll_merge(got, sb->buf, sb->len));
        CHECK_MEM((const char *)max, sizeof(max), (const char *)got, sizeof(got));
        /* Stored into a dense sketch: exactly max. */
        hll_store_raw(&sa, got, 3000);
        uint8_t back[HLL_REGISTERS];
        decode(sa, back);
        CHECK_MEM((const char *)max, sizeof(max), (const char *)back, sizeof(back));
        /* Into the sparse one (limit 3000): turns dense, same registers. */
        hll_store_raw(&sb, got, 3000);
        decode(sb, back);
        CHECK_MEM((const char *)max, sizeof(max), (const char *)back, sizeof(back));
        str_free(sa);
        str_free(sb);
    }
}

static void test_corrupt(void) {
    uint8_t max[HLL_REGISTERS];
    uint64_t card;
    /* Too few registers: one ZERO of 64. */
    Str *s = hll_new();
    s->buf[HLL_HDR_SIZE] = 0x3f;
    s->len = HLL_HDR_SIZE + 1;
    CHECK_EQ_INT(-1, hll_count(s->buf, s->len, &card));
    CHECK_EQ_INT(-1, hll_merge(max, s->buf, s->len));
    CHECK_EQ_INT(-1, hll_to_dense(&s));
    CHECK_EQ_INT(HLL_SPARSE, hll_encoding(s->buf));
    /* A register past the covered part cannot be set; one inside can. */
    CHECK_EQ_INT(-1, hll_set(&s, 100, 3, 3000));
    CHECK_EQ_INT(1, hll_set(&s, 10, 3, 3000));
    /* A value above 32 needs the dense form, which fails. */
    CHECK_EQ_INT(-1, hll_set(&s, 11, 40, 3000));
    str_free(s);

    /* Too many registers: XZERO 16384 then ZERO 1. */
    s = hll_new();
    s = str_cat(s, "\x00", 1);
    CHECK_EQ_INT(-1, hll_count(s->buf, s->len, &card));
    CHECK_EQ_INT(-1, hll_merge(max, s->buf, s->len));
    CHECK_EQ_INT(-1, hll_to_dense(&s));
    /* PFADD only looks as far as the register it needs. */
    CHECK_EQ_INT(1, hll_set(&s, 5, 2, 3000));
    str_free(s);

    /* A truncated XZERO (second byte missing). */
    s = hll_new();
    s->len = HLL_HDR_SIZE + 1;
    s->buf[s->len] = 0;
    CHECK_EQ_INT(-1, hll_count(s->buf, s->len, &card));
    Str *dec = hll_sparse_decode(s->buf, s->len);
    CHECK_STR("Z:16129", dec->buf);
    str_free(dec);
    hll_set(&s, 3, 2, 3000);
    str_free(s);

    /* Random bodies: no crash, and -1 whenever the cover is not exact. */
    unit_srand(99);
    for (int round = 0; round < 3000; round++) {
        size_t len = HLL_HDR_SIZE + (size_t)unit_rand_below(64);
        Str *r = str_with_capacity(len);
        memcpy(r->buf, "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80", HLL_HDR_SIZE);
        for (size_t i = HLL_HDR_SIZE; i < len; i++) {
            uint8_t byte = (uint8_t)unit_rand64();
            if (unit_rand_below(4) == 0) byte = (uint8_t)(0x40 | (byte & 0x3f));
            r->buf[i] = (char)byte;
        }
        r->len = len;
        r->buf[len] = 0;
        int covers = sparse_covers(r);
        memset(max, 0, sizeof(max));
        int rc = hll_count(r->buf, r->len, &card);
        int rm = hll_merge(max, r->buf, r->len);
        CHECK_EQ_INT(covers ? 0 : -1, rc);
        CHECK_EQ_INT(rc, rm);
        Str *d = str_dup(r);
        CHECK_EQ_INT(rc, hll_to_dense(&d));
        str_free(d);
        for (int k = 0; k < 5; k++) hll_set(&r, (uint32_t)unit_rand_below(HLL_REGISTERS), (uint8_t)(1 + unit_rand_below(40)), 100);
        str_free(r);
    }
}

static void test_headers(void) {
    Str *s = hll_new();
    CHECK(hll_header_ok(s->buf, s->len));
    CHECK(!hll_header_ok(s->buf, 15));
    s->buf[0] = 'h';
    CHECK(!hll_header_ok(s->buf, s->len));
    s->buf[0] = 'H';
    s->buf[4] = 2;
    CHECK(!hll_header_ok(s->buf, s->len));
    s->buf[4] = HLL_DENSE;
    CHECK(!hll_header_ok(s->buf, s->len));
    s->buf[4] = HLL_SPARSE;
    CHECK_EQ_INT(0, hll_to_dense(&s));
    CHECK(hll_header_ok(s->buf, s->len));
    CHECK(!hll_header_ok(s->buf, s->len - 1));
    str_free(s);
    /* A header alone is a sparse sketch with no opcodes: corrupt. */
    uint64_t card;
    CHECK_EQ_INT(-1, hll_count("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0", 16, &card));
}

static void test_decode_text(void) {
    Str *s = hll_new();
    hll_set(&s, 1000, 2, 3000);
    hll_set(&s, 1020, 3, 3000);
    hll_set(&s, 1021, 3, 3000);
    Str *d = hll_sparse_decode(s->buf, s->len);
    CHECK_STR("Z:1000 v:2,1 z:19 v:3,2 Z:15362", d->buf);
    str_free(d);
    str_free(s);
}

static void test_selftest(void) {
    char err[128];
    CHECK(hll_selftest(42, 3000, err, sizeof(err)) == NULL);
}

int main(void) {
    UNIT_RUN(test_redis_bytes);
    UNIT_RUN(test_redis_estimates);
    UNIT_RUN(test_model);
    UNIT_RUN(test_dense_access);
    UNIT_RUN(test_merge_and_store);
    UNIT_RUN(test_corrupt);
    UNIT_RUN(test_headers);
    UNIT_RUN(test_decode_text);
    UNIT_RUN(test_selftest);
    return unit_finish();
}
