/* test_intset.c - unit tests for src/ds/intset (sorted integer set in
 * Valkey's blob layout).
 *
 * The blob bytes are checked against an independent serializer written
 * here from the format (u32 LE encoding, u32 LE length, LE elements), for a
 * small hand-written set and after every round of a seeded model test that
 * drives the set and a plain sorted int64 array with the same random adds,
 * removes and lookups.  Every encoding upgrade (16->32, 16->64, 32->64) is
 * taken at both ends, at the exact boundary values.  Validation is compared
 * with a reference validator on thousands of randomly mutated blobs, each
 * in an exactly sized heap buffer at an odd address, so ASan catches any
 * read past the end and UBSan any misaligned access. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/intset.h"
#include "unit.h"

/* ---- the reference: a sorted array of int64 and a serializer */

typedef struct Model {
    int64_t v[4096];
    uint32_t len;
    uint32_t enc; /* widest encoding any added value ever needed */
} Model;

static uint32_t model_width(int64_t v) {
    if (v >= -32768 && v <= 32767) return 2;
    if (v >= -2147483648LL && v <= 2147483647LL) return 4;
    return 8;
}

/* Index of the first element >= v, by linear scan (independent of the
 * binary search under test). */
static uint32_t model_lower(const Model *m, int64_t v) {
    uint32_t i = 0;
    while (i < m->len && m->v[i] < v) i++;
    return i;
}

static int model_add(Model *m, int64_t v) {
    uint32_t i = model_lower(m, v);
    if (i < m->len && m->v[i] == v) return 0;
    memmove(&m->v[i + 1], &m->v[i], (m->len - i) * sizeof(int64_t));
    m->v[i] = v;
    m->len++;
    if (model_width(v) > m->enc) m->enc = model_width(v);
    return 1;
}

static int model_remove(Model *m, int64_t v) {
    uint32_t i = model_lower(m, v);
    if (i >= m->len || m->v[i] != v) return 0;
    memmove(&m->v[i], &m->v[i + 1], (m->len - i - 1) * sizeof(int64_t));
    m->len--;
    return 1;
}

/* Writes the blob the format prescribes for these values; returns its size. */
static size_t serialize(uint8_t *out, uint32_t enc, const int64_t *v, uint32_t len) {
    uint64_t hdr[2] = {enc, len};
    size_t n = 0;
    for (int f = 0; f < 2; f++)
        for (int i = 0; i < 4; i++) out[n++] = (uint8_t)(hdr[f] >> (8 * i));
    for (uint32_t k = 0; k < len; k++) {
        uint64_t u = (uint64_t)v[k];
        for (uint32_t i = 0; i < enc; i++) out[n++] = (uint8_t)(u >> (8 * i));
    }
    return n;
}

/* The format's validity rules, written out plainly. */
static int ref_validate(const uint8_t *b, size_t size, int deep) {
    if (size < 8) return 0;
    uint32_t enc = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    uint32_t len = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
    if (enc != 2 && enc != 4 && enc != 8) return 0;
    if ((size - 8) % enc != 0 || (size - 8) / enc != len) return 0;
    if (len == 0) return 0;
    if (!deep) return 1;
    int64_t prev = 0;
    for (uint32_t k = 0; k < len; k++) {
        uint64_t u = 0;
        for (uint32_t i = 0; i < enc; i++) u |= (uint64_t)b[8 + k * enc + i] << (8 * i);
        /* sign-extend from enc bytes */
        if (enc < 8 && (u >> (enc * 8 - 1)) & 1) u |= ~0ULL << (enc * 8);
        int64_t cur = (int64_t)u;
        if (k > 0 && cur <= prev) return 0;
        prev = cur;
    }
    return 1;
}

/* Compares everything observable about is with the model; returns the
 * number of mismatches and prints the first one. */
static int compare(const Intset *is, const Model *m, const char *where) {
    static uint8_t expect[8 + 4096 * 8];
    int bad = 0;
    if (intset_len(is) != m->len) bad++;
    if (intset_encoding(is) != m->enc) bad++;
    size_t n = serialize(expect, m->enc, m->v, m->len);
    if (intset_bytes(is) != n || memcmp(is, expect, n) != 0) bad++;
    for (uint32_t i = 0; i < m->len && !bad; i++) {
        int64_t v = 0;
        if (!intset_get(is, i, &v) || v != m->v[i]) bad++;
    }
    int64_t dummy = 12345;
    if (intset_get(is, m->len, &dummy) || dummy != 12345) bad++;
    if (m->len) {
        if (intset_min(is) != m->v[0] || intset_max(is) != m->v[m->len - 1]) bad++;
    }
    if (intset_validate(is, intset_bytes(is), 1) != (m->len > 0)) bad++;
    if (bad) printf("    mismatch %s: len %u/%u enc %u/%u\n", where, intset_len(is), m->len,
                    intset_encoding(is), m->enc);
    return bad;
}

static void model_init(Model *m) {
    m->len = 0;
    m->enc = 2;
}

/* ---- tests */

static void test_empty(void) {
    Intset *is = intset_new();
    static const uint8_t blob[8] = {2, 0, 0, 0, 0, 0, 0, 0};
    CHECK_EQ_INT(0, intset_len(is));
    CHECK_EQ_INT(2, intset_encoding(is));
    CHECK_EQ_INT(8, intset_bytes(is));
    CHECK_MEM((const char *)blob, 8, (const char *)is, intset_bytes(is));
    CHECK(!intset_find(is, 0));
    int64_t v = 7;
    CHECK(!intset_get(is, 0, &v));
    CHECK_EQ_INT(7, v);
    CHECK_EQ_INT(0, intset_min(is));
    CHECK_EQ_INT(0, intset_max(is));
    CHECK_EQ_INT(0, intset_random(is, unit_rand64));
    uint32_t pos = 99;
    CHECK(!intset_search(is, 5, &pos));
    CHECK_EQ_INT(0, pos);
    int removed = -1;
    is = intset_remove(is, 0, &removed);
    CHECK_EQ_INT(0, removed);
    /* Valkey never stores an empty set: not valid as a blob. */
    CHECK_EQ_INT(0, intset_validate(is, intset_bytes(is), 0));
    CHECK_EQ_INT(0, intset_validate(is, intset_bytes(is), 1));
    intset_free(is);
}

static void test_known_blob(void) {
    Intset *is = intset_new();
    int added = -1;
    is = intset_add(is, 5, &added);
    CHECK_EQ_INT(1, added);
    is = intset_add(is, -2, NULL);
    is = intset_add(is, 300, NULL);
    is = intset_add(is, 5, &added);
    CHECK_EQ_INT(0, added);
    static const uint8_t b16[] = {2, 0, 0, 0, 3, 0, 0, 0, 0xfe, 0xff, 5, 0, 0x2c, 0x01};
    CHECK_MEM((const char *)b16, sizeof(b16), (const char *)is, intset_bytes(is));

    /* -40000 = 0xffff63c0 needs 32 bits: prepended, all widened. */
    is = intset_add(is, -40000, &added);
    CHECK_EQ_INT(1, added);
    static const uint8_t b32[] = {4, 0, 0, 0, 4, 0, 0, 0, 0xc0, 0x63, 0xff, 0xff, 0xfe, 0xff,
                                  0xff, 0xff, 5, 0, 0, 0, 0x2c, 0x01, 0, 0};
    CHECK_MEM((const char *)b32, sizeof(b32), (const char *)is, intset_bytes(is));

    /* 2^40 + 0x0102 needs 64 bits: appended. */
    is = intset_add(is, 0x10000000102LL, NULL);
    static const uint8_t b64[] = {8,    0,    0,    0,    5,    0,    0,    0,    0xc0, 0x63, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 5,    0,    0,    0,    0,    0,    0,    0,    0x2c,
                                  0x01, 0,    0,    0,    0,    0,    0,    0x02, 0x01, 0,    0,
                                  0,    1,    0,    0};
    CHECK_MEM((const char *)b64, sizeof(b64), (const char *)is, intset_bytes(is));
    CHECK_EQ_INT(1, intset_validate(is, intset_bytes(is), 1));

    /* The blob Debian's redis-server 7.0 puts in `DUMP` for SADD k 1 2 3
     * -40000 (same format as Valkey 8): the same bytes, built in another
     * order. */
    static const uint8_t dumped[] = {4, 0, 0, 0, 4, 0, 0, 0, 0xc0, 0x63, 0xff, 0xff, 1, 0,
                                     0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    Intset *other = intset_new();
    other = intset_add(other, 1, NULL);
    other = intset_add(other, 2, NULL);
    other = intset_add(other, 3, NULL);
    other = intset_add(other, -40000, NULL);
    CHECK_MEM((const char *)dumped, sizeof(dumped), (const char *)other, intset_bytes(other));
    CHECK_EQ_INT(1, intset_validate(dumped, sizeof(dumped), 1));
    intset_free(other);

    /* Removing the wide values never narrows the encoding. */
    int removed = -1;
    is = intset_remove(is, 0x10000000102LL, &removed);
    CHECK_EQ_INT(1, removed);
    is = intset_remove(is, -40000, &removed);
    CHECK_EQ_INT(1, removed);
    is = intset_remove(is, -40000, &removed);
    CHECK_EQ_INT(0, removed);
    CHECK_EQ_INT(8, intset_encoding(is));
    CHECK_EQ_INT(3, intset_len(is));
    CHECK_EQ_INT(8 + 3 * 8, intset_bytes(is));
    CHECK_EQ_INT(-2, intset_min(is));
    CHECK_EQ_INT(300, intset_max(is));

    /* The blob loads back into an equal set, and dup copies it. */
    Intset *copy = intset_from_blob(is, intset_bytes(is));
    Intset *dup = intset_dup(copy);
    CHECK_MEM((const char *)is, intset_bytes(is), (const char *)copy, intset_bytes(copy));
    CHECK_MEM((const char *)is, intset_bytes(is), (const char *)dup, intset_bytes(dup));
    dup = intset_add(dup, 7, NULL);
    CHECK(intset_find(dup, 7));
    CHECK(!intset_find(copy, 7));
    intset_free(dup);
    intset_free(copy);
    intset_free(is);
}

/* Starts from a set of `base` values, adds `extra`, and checks against the
 * model; `extra` lands at one end because it is wider than the encoding. */
static void upgrade_case(const int64_t *base, int nbase, int64_t extra, uint32_t enc_before,
                         uint32_t enc_after, int at_front) {
    Intset *is = intset_new();
    static Model m;
    model_init(&m);
    for (int i = 0; i < nbase; i++) {
        is = intset_add(is, base[i], NULL);
        model_add(&m, base[i]);
    }
    CHECK_EQ_INT(enc_before, intset_encoding(is));
    int added = 0;
    is = intset_add(is, extra, &added);
    model_add(&m, extra);
    CHECK_EQ_INT(1, added);
    CHECK_EQ_INT(enc_after, intset_encoding(is));
    int64_t v = 0;
    if (at_front) CHECK(intset_get(is, 0, &v) && v == extra);
    else CHECK(intset_get(is, intset_len(is) - 1, &v) && v == extra);
    CHECK_EQ_INT(0, compare(is, &m, "upgrade"));
    /* Every older value is still found at its new width. */
    for (int i = 0; i < nbase; i++) CHECK(intset_find(is, base[i]));
    intset_free(is);
}

static void test_upgrades(void) {
    const int64_t s16[] = {INT16_MIN, -1, 0, 1, INT16_MAX};
    const int64_t s32[] = {INT32_MIN, INT16_MIN - 1, 0, INT16_MAX + 1, INT32_MAX};
    /* Boundary values stay in their encoding. */
    upgrade_case(s16, 4, INT16_MAX, 2, 2, 0);
    upgrade_case(s16 + 1, 4, INT16_MIN, 2, 2, 1);
    /* 16 -> 32 */
    upgrade_case(s16, 5, INT16_MAX + 1, 2, 4, 0);
    upgrade_case(s16, 5, INT16_MIN - 1, 2, 4, 1);
    upgrade_case(s16, 5, INT32_MAX, 2, 4, 0);
    upgrade_case(s16, 5, INT32_MIN, 2, 4, 1);
    /* 16 -> 64 */
    upgrade_case(s16, 5, (int64_t)INT32_MAX + 1, 2, 8, 0);
    upgrade_case(s16, 5, (int64_t)INT32_MIN - 1, 2, 8, 1);
    upgrade_case(s16, 5, INT64_MAX, 2, 8, 0);
    upgrade_case(s16, 5, INT64_MIN, 2, 8, 1);
    /* 32 -> 64 */
    upgrade_case(s32, 5, (int64_t)INT32_MAX + 1, 4, 8, 0);
    upgrade_case(s32, 5, (int64_t)INT32_MIN - 1, 4, 8, 1);
    upgrade_case(s32, 5, INT64_MAX, 4, 8, 0);
    upgrade_case(s32, 5, INT64_MIN, 4, 8, 1);
    /* Upgrading a set of one, and an empty set straight to 64 bits. */
    upgrade_case(s16 + 2, 1, -5000000000LL, 2, 8, 1);
    upgrade_case(s16, 0, 5000000000LL, 2, 8, 0);
    /* A value already present at a narrower width is not re-added. */
    Intset *is = intset_new();
    is = intset_add(is, 100, NULL);
    is = intset_add(is, 1LL << 40, NULL);
    int added = -1;
    is = intset_add(is, 100, &added);
    CHECK_EQ_INT(0, added);
    CHECK_EQ_INT(2, intset_len(is));
    intset_free(is);
}

/* Values spread over every encoding, with the boundaries over-represented. */
static int64_t random_value(void) {
    static const int64_t edges[] = {0,         1,         -1,        INT16_MAX, INT16_MIN,
                                    INT16_MAX + 1, INT16_MIN - 1, INT32_MAX, INT32_MIN,
                                    (int64_t)INT32_MAX + 1, (int64_t)INT32_MIN - 1,
                                    INT64_MAX, INT64_MIN};
    switch (unit_rand_below(8)) {
    case 0: return edges[unit_rand_below(sizeof(edges) / sizeof(edges[0]))];
    case 1: case 2: case 3: return (int64_t)unit_rand_below(201) - 100;
    case 4: return (int16_t)unit_rand64();
    case 5: return (int32_t)unit_rand64();
    default: return (int64_t)unit_rand64();
    }
}

static void test_model(void) {
    static Model m;
    unit_srand(1234);
    int bad = 0, rounds = 3000;
    long ops = 0;
    for (int round = 0; round < rounds && !bad; round++) {
        Intset *is = intset_new();
        model_init(&m);
        /* Rounds differ in how wide their values get: some stay in 16 bits
         * for a long time, then upgrade mid-way. */
        int narrow_until = (int)unit_rand_below(300);
        int nops = 1 + (int)unit_rand_below(600);
        for (int op = 0; op < nops && !bad; op++, ops++) {
            int64_t v = random_value();
            if (op < narrow_until) v = (int16_t)v;
            /* Often operate on an existing value. */
            if (m.len && unit_rand_below(3) == 0) v = m.v[unit_rand_below(m.len)];
            int kind = (int)unit_rand_below(10);
            if (kind < 5 && m.len < 4000) {
                int added = -1;
                is = intset_add(is, v, &added);
                if (added != model_add(&m, v)) bad++;
            } else if (kind < 8) {
                int removed = -1;
                is = intset_remove(is, v, &removed);
                if (removed != model_remove(&m, v)) bad++;
            } else {
                uint32_t pos = 0xdeadbeef, want = model_lower(&m, v);
                int found = want < m.len && m.v[want] == v;
                if (intset_search(is, v, &pos) != found || pos != want) bad++;
                if (intset_find(is, v) != found) bad++;
                if (m.len) {
                    int64_t r = intset_random(is, unit_rand64);
                    uint32_t at = model_lower(&m, r);
                    if (at >= m.len || m.v[at] != r) bad++;
                }
            }
            if (bad) printf("    round %d op %d value %lld\n", round, op, (long long)v);
        }
        bad += compare(is, &m, "after round");
        intset_free(is);
    }
    CHECK_EQ_INT(0, bad);
    CHECK(ops > 500000);
}

/* The same values in every encoding, to check search on each width. */
static void test_search_each_encoding(void) {
    int bad = 0;
    for (int w = 0; w < 3; w++) {
        Intset *is = intset_new();
        if (w == 1) is = intset_add(is, 1 << 20, NULL);
        if (w == 2) is = intset_add(is, 1LL << 40, NULL);
        for (int64_t v = -1000; v <= 1000; v += 2) is = intset_add(is, v, NULL);
        for (int64_t v = -1003; v <= 1003; v++) {
            uint32_t pos = 0;
            int found = intset_search(is, v, &pos);
            int want_found = v >= -1000 && v <= 1000 && (v % 2 == 0);
            int64_t below = v < -1000 ? 0 : (v > 1000 ? 1001 : (v + 1000 + 1) / 2);
            if (found != want_found || (int64_t)pos != below) bad++;
        }
        CHECK_EQ_INT((uint32_t)(2 << w), intset_encoding(is));
        intset_free(is);
    }
    CHECK_EQ_INT(0, bad);
}

static void test_random_covers_all(void) {
    Intset *is = intset_new();
    int hits[10] = {0};
    for (int i = 0; i < 10; i++) is = intset_add(is, i * 1000, NULL);
    unit_srand(99);
    for (int i = 0; i < 10000; i++) {
        int64_t r = intset_random(is, unit_rand64);
        if (r % 1000 == 0 && r >= 0 && r < 10000) hits[r / 1000]++;
    }
    int lo = 10000;
    for (int i = 0; i < 10; i++)
        if (hits[i] < lo) lo = hits[i];
    CHECK(lo > 800);
    intset_free(is);
}

/* Validates a copy of blob in an exactly sized heap block starting at an
 * odd address, so any read past the end or any misaligned wide load shows. */
static int validate_exact(const uint8_t *blob, size_t size, int deep) {
    uint8_t *area = malloc(size + 1);
    if (size) memcpy(area + 1, blob, size);
    int r = intset_validate(area + 1, size, deep);
    free(area);
    return r;
}

static void test_validate_mutations(void) {
    static uint8_t blob[8 + 300 * 8 + 16];
    static Model m;
    unit_srand(77);
    int bad = 0, valid_seen = 0, invalid_seen = 0;
    for (int round = 0; round < 20000; round++) {
        model_init(&m);
        int n = (int)unit_rand_below(40);
        for (int i = 0; i < n; i++) model_add(&m, random_value());
        /* Sometimes write a wider encoding than needed: still valid. */
        if (unit_rand_below(4) == 0 && m.enc < 8) m.enc *= 2;
        size_t size = serialize(blob, m.enc, m.v, m.len);
        int mutation = (int)unit_rand_below(9);
        switch (mutation) {
        case 0: break; /* untouched */
        case 1: blob[unit_rand_below(size)] ^= (uint8_t)(1 + unit_rand_below(255)); break;
        case 2: size = unit_rand_below(size + 1); break; /* truncate */
        case 3: blob[size] = (uint8_t)unit_rand64(); size += 1 + unit_rand_below(8); break;
        case 4: { /* bad or other encoding */
            static const uint8_t encs[] = {0, 1, 2, 3, 4, 5, 8, 16, 255};
            blob[0] = encs[unit_rand_below(sizeof(encs))];
            break;
        }
        case 5: /* length field off by a little or a lot */
            blob[4 + unit_rand_below(4)] += (uint8_t)(1 + unit_rand_below(3));
            break;
        case 6: /* swap two elements */
            if (m.len >= 2) {
                uint32_t a = (uint32_t)unit_rand_below(m.len), b = (uint32_t)unit_rand_below(m.len);
                for (uint32_t i = 0; i < m.enc; i++) {
                    uint8_t t = blob[8 + a * m.enc + i];
                    blob[8 + a * m.enc + i] = blob[8 + b * m.enc + i];
                    blob[8 + b * m.enc + i] = t;
                }
            }
            break;
        case 7: /* duplicate a neighbour */
            if (m.len >= 2) {
                uint32_t a = (uint32_t)unit_rand_below(m.len - 1);
                memcpy(blob + 8 + (a + 1) * m.enc, blob + 8 + a * m.enc, m.enc);
            }
            break;
        default: /* several random bytes */
            for (int k = 0; k < 4 && size; k++) blob[unit_rand_below(size)] = (uint8_t)unit_rand64();
            break;
        }
        for (int deep = 0; deep <= 1; deep++) {
            int want = ref_validate(blob, size, deep);
            int got = validate_exact(blob, size, deep);
            if (want != got) {
                if (!bad) printf("    round %d mutation %d deep %d: want %d got %d\n", round, mutation,
                                 deep, want, got);
                bad++;
            }
            if (deep && want) valid_seen++;
            else if (deep) invalid_seen++;
        }
    }
    CHECK_EQ_INT(0, bad);
    /* Both outcomes were really exercised. */
    CHECK(valid_seen > 2000);
    CHECK(invalid_seen > 5000);
}

static void test_validate_edges(void) {
    uint8_t b[24] = {2, 0, 0, 0, 1, 0, 0, 0, 7, 0};
    for (size_t s = 0; s < 10; s++) CHECK_EQ_INT(0, validate_exact(b, s, 1));
    CHECK_EQ_INT(1, validate_exact(b, 10, 1));
    CHECK_EQ_INT(0, validate_exact(b, 11, 1));
    /* A length whose byte count would wrap a 32-bit size_t. */
    uint8_t huge[8] = {8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    CHECK_EQ_INT(0, validate_exact(huge, 8, 0));
    uint8_t wrap[16] = {8, 0, 0, 0, 0x01, 0, 0, 0x20, 1, 0, 0, 0, 0, 0, 0, 0};
    /* 0x20000001 * 8 = 2^32 + 8: on 32-bit hosts a careless size check
     * would see 8 + 8 == 16 here. */
    CHECK_EQ_INT(0, validate_exact(wrap, 16, 0));
    /* Two equal elements / descending pair: only deep notices. */
    uint8_t dup[12] = {2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0};
    CHECK_EQ_INT(1, validate_exact(dup, 12, 0));
    CHECK_EQ_INT(0, validate_exact(dup, 12, 1));
    uint8_t desc[16] = {4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    CHECK_EQ_INT(0, validate_exact(desc, 16, 1));
    desc[8] = 0xfe, desc[9] = 0xff, desc[10] = 0xff, desc[11] = 0xff; /* -2 < -1 */
    CHECK_EQ_INT(1, validate_exact(desc, 16, 1));
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_known_blob);
    UNIT_RUN(test_upgrades);
    UNIT_RUN(test_model);
    UNIT_RUN(test_search_each_encoding);
    UNIT_RUN(test_random_covers_all);
    UNIT_RUN(test_validate_mutations);
    UNIT_RUN(test_validate_edges);
    CHECK_EQ_INT(0, mem_used());
    return unit_finish();
}
