/* test_bitmap.c - unit tests for src/ds/bitmap (the bitmap commands' bit
 * operations).
 *
 * Each operation is compared with a bit-by-bit reference written here on
 * seeded random strings of every length 0..300 at every alignment: counts,
 * first set/clear bit, bit fields of 1..64 bits at random offsets (get,
 * set, and that neighbouring bits are untouched), BITOP over 1..5 sources
 * of different lengths.  Overflow checks are compared with exact integer
 * arithmetic for widths up to 24 bits over random values and increments,
 * and pinned at the 63/64-bit edges (INT64_MIN, INT64_MAX, UINT63_MAX). */
#include <stdint.h>
#include <string.h>

#include "ds/bitmap.h"
#include "unit.h"

static int ref_bit(const uint8_t *p, uint64_t i) { return (p[i / 8] >> (7 - i % 8)) & 1; }

static uint64_t ref_popcount(const uint8_t *p, size_t len) {
    uint64_t n = 0;
    for (uint64_t i = 0; i < len * 8; i++) n += (uint64_t)ref_bit(p, i);
    return n;
}

static int64_t ref_bitpos(const uint8_t *p, size_t len, int bit) {
    for (uint64_t i = 0; i < len * 8; i++)
        if (ref_bit(p, i) == bit) return (int64_t)i;
    return bit ? -1 : (int64_t)len * 8;
}

static void fill(uint8_t *p, size_t len, int density) {
    for (size_t i = 0; i < len; i++) {
        switch (density) {
        case 0: p[i] = 0; break;
        case 1: p[i] = 0xff; break;
        default: p[i] = (uint8_t)unit_rand64(); break;
        }
        if (density < 2 && unit_rand_below(50) == 0) p[i] ^= (uint8_t)(1u << unit_rand_below(8));
    }
}

static void test_popcount_bitpos(void) {
    static uint8_t buf[400];
    unit_srand(1);
    for (size_t len = 0; len <= 300; len++) {
        for (int rep = 0; rep < 6; rep++) {
            size_t off = (size_t)unit_rand_below(8);
            fill(buf + off, len, rep % 3);
            if (!CHECK_EQ_UINT(ref_popcount(buf + off, len), bitmap_popcount(buf + off, len))) return;
            if (!CHECK_EQ_UINT(ref_popcount(buf + off, len), bitmap_popcount_portable(buf + off, len))) return;
            if (!CHECK_EQ_INT(ref_bitpos(buf + off, len, 1), bitmap_bitpos(buf + off, len, 1))) return;
            if (!CHECK_EQ_INT(ref_bitpos(buf + off, len, 0), bitmap_bitpos(buf + off, len, 0))) return;
        }
    }
    /* A long string (several batches of the SWAR count). */
    static uint8_t big[100003];
    fill(big, sizeof(big), 2);
    CHECK_EQ_UINT(ref_popcount(big, sizeof(big)), bitmap_popcount(big, sizeof(big)));
    CHECK_EQ_UINT(ref_popcount(big, sizeof(big)), bitmap_popcount_portable(big, sizeof(big)));
    memset(big, 0xff, sizeof(big));
    CHECK_EQ_UINT((uint64_t)sizeof(big) * 8, bitmap_popcount(big, sizeof(big)));
    CHECK_EQ_UINT((uint64_t)sizeof(big) * 8, bitmap_popcount_portable(big, sizeof(big)));
    CHECK_EQ_INT((int64_t)sizeof(big) * 8, bitmap_bitpos(big, sizeof(big), 0));
    big[sizeof(big) - 1] = 0xfe;
    CHECK_EQ_INT((int64_t)sizeof(big) * 8 - 1, bitmap_bitpos(big, sizeof(big), 0));
}

static void test_bitfields(void) {
    static uint8_t buf[32], ref[32];
    unit_srand(2);
    for (int round = 0; round < 200000; round++) {
        int bits = 1 + (int)unit_rand_below(64);
        uint64_t offset = unit_rand_below(sizeof(buf) * 8 - (uint64_t)bits + 1);
        fill(buf, sizeof(buf), 2);
        memcpy(ref, buf, sizeof(buf));
        uint64_t want = 0;
        for (int j = 0; j < bits; j++) want = (want << 1) | (uint64_t)ref_bit(buf, offset + (uint64_t)j);
        if (!CHECK_EQ_UINT(want, bitfield_get_unsigned(buf, offset, bits))) return;
        int64_t swant;
        memcpy(&swant, &want, sizeof(swant));
        if (bits < 64 && (want >> (bits - 1)) & 1) swant = -(int64_t)((1ULL << bits) - want);
        if (!CHECK_EQ_INT(swant, bitfield_get_signed(buf, offset, bits))) return;

        uint64_t v = unit_rand64();
        bitfield_set(buf, offset, bits, v);
        for (int j = 0; j < bits; j++) {
            int b = (int)((v >> (bits - 1 - j)) & 1);
            uint64_t at = offset + (uint64_t)j;
            if (b) ref[at / 8] |= (uint8_t)(0x80u >> (at % 8));
            else ref[at / 8] &= (uint8_t)~(0x80u >> (at % 8));
        }
        if (!CHECK_MEM((const char *)ref, sizeof(ref), (const char *)buf, sizeof(buf))) return;
    }
}

/* Exact reference for narrow fields: everything fits in int64. */
static void test_overflow_model(void) {
    unit_srand(3);
    for (int round = 0; round < 300000; round++) {
        int bits = 1 + (int)unit_rand_below(24);
        int mode = (int)unit_rand_below(3);
        int64_t span = (int64_t)1 << bits;
        int64_t incr = (int64_t)unit_rand_below(4 * (uint64_t)span) - 2 * span;
        if (unit_rand_below(4) == 0) incr = 0;
        /* unsigned: value within the field */
        uint64_t uv = unit_rand_below((uint64_t)span);
        int64_t sum = (int64_t)uv + incr;
        int want = sum > span - 1 ? 1 : sum < 0 ? -1 : 0;
        uint64_t ulim = 12345;
        int got = bitfield_overflow_unsigned(uv, incr, bits, mode, &ulim);
        if (!CHECK_EQ_INT(want, got)) return;
        if (want && mode == BITFIELD_WRAP) CHECK_EQ_UINT((uint64_t)sum & (uint64_t)(span - 1), ulim);
        if (want && mode == BITFIELD_SAT) CHECK_EQ_UINT(want > 0 ? (uint64_t)(span - 1) : 0, ulim);
        if (want && mode == BITFIELD_FAIL) CHECK_EQ_UINT(12345, ulim);
        /* signed: a value within the field, or (SET) any value */
        int64_t half = span / 2;
        int64_t sv = (int64_t)unit_rand_below((uint64_t)span) - half;
        int64_t sincr = incr;
        if (unit_rand_below(3) == 0) {
            sv = (int64_t)unit_rand_below(8 * (uint64_t)span) - 4 * span;
            sincr = 0;
        }
        int64_t ssum = sv + sincr;
        want = ssum > half - 1 ? 1 : ssum < -half ? -1 : 0;
        int64_t slim = 777;
        got = bitfield_overflow_signed(sv, sincr, bits, mode, &slim);
        if (!CHECK_EQ_INT(want, got)) return;
        if (want && mode == BITFIELD_WRAP) {
            int64_t low = (int64_t)((uint64_t)ssum & (uint64_t)(span - 1));
            if (low >= half) low -= span;
            CHECK_EQ_INT(low, slim);
        }
        if (want && mode == BITFIELD_SAT) CHECK_EQ_INT(want > 0 ? half - 1 : -half, slim);
    }
}

static void test_overflow_edges(void) {
    int64_t s = 0;
    uint64_t u = 0;
    /* i64 */
    CHECK_EQ_INT(0, bitfield_overflow_signed(INT64_MAX, 0, 64, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(1, bitfield_overflow_signed(INT64_MAX, 1, 64, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(INT64_MIN, s);
    CHECK_EQ_INT(1, bitfield_overflow_signed(INT64_MAX, 1, 64, BITFIELD_SAT, &s));
    CHECK_EQ_INT(INT64_MAX, s);
    CHECK_EQ_INT(-1, bitfield_overflow_signed(INT64_MIN, -1, 64, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(INT64_MAX, s);
    CHECK_EQ_INT(-1, bitfield_overflow_signed(INT64_MIN, INT64_MIN, 64, BITFIELD_SAT, &s));
    CHECK_EQ_INT(INT64_MIN, s);
    CHECK_EQ_INT(0, bitfield_overflow_signed(-1, INT64_MIN + 1, 64, BITFIELD_SAT, &s));
    CHECK_EQ_INT(0, bitfield_overflow_signed(-5, INT64_MAX, 64, BITFIELD_SAT, &s));
    CHECK_EQ_INT(0, bitfield_overflow_signed(5, INT64_MIN, 64, BITFIELD_SAT, &s));
    CHECK_EQ_INT(1, bitfield_overflow_signed(5, INT64_MAX - 4, 64, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(INT64_MIN, s);
    /* i63 and i8 with values far outside (SET of a big number) */
    CHECK_EQ_INT(1, bitfield_overflow_signed(INT64_MAX, 0, 63, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(-1, s);
    CHECK_EQ_INT(-1, bitfield_overflow_signed(INT64_MIN, 0, 8, BITFIELD_SAT, &s));
    CHECK_EQ_INT(-128, s);
    CHECK_EQ_INT(-1, bitfield_overflow_signed(INT64_MIN, 0, 8, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(0, s);
    CHECK_EQ_INT(1, bitfield_overflow_signed(200, INT64_MAX, 16, BITFIELD_WRAP, &s));
    CHECK_EQ_INT(199, s);
    /* u63 */
    uint64_t u63 = (1ULL << 63) - 1;
    CHECK_EQ_INT(0, bitfield_overflow_unsigned(u63 - 1, 1, 63, BITFIELD_SAT, &u));
    CHECK_EQ_INT(1, bitfield_overflow_unsigned(u63, 1, 63, BITFIELD_SAT, &u));
    CHECK_EQ_UINT(u63, u);
    CHECK_EQ_INT(1, bitfield_overflow_unsigned(u63, INT64_MAX, 63, BITFIELD_WRAP, &u));
    CHECK_EQ_UINT(u63 - 1, u);
    CHECK_EQ_INT(-1, bitfield_overflow_unsigned(0, INT64_MIN, 63, BITFIELD_WRAP, &u));
    CHECK_EQ_UINT(0, u);
    CHECK_EQ_INT(-1, bitfield_overflow_unsigned(3, INT64_MIN, 63, BITFIELD_SAT, &u));
    CHECK_EQ_UINT(0, u);
    /* SET u8 -1: the pattern is above the range, as in Valkey */
    CHECK_EQ_INT(1, bitfield_overflow_unsigned((uint64_t)-1, 0, 8, BITFIELD_SAT, &u));
    CHECK_EQ_UINT(255, u);
    CHECK_EQ_INT(1, bitfield_overflow_unsigned((uint64_t)-2, 0, 8, BITFIELD_WRAP, &u));
    CHECK_EQ_UINT(254, u);
}

static void test_bitop(void) {
    static uint8_t src[5][80], dst[100], ref[100];
    unit_srand(4);
    for (int round = 0; round < 20000; round++) {
        int op = (int)unit_rand_below(4);
        int n = op == BITOP_NOT ? 1 : 1 + (int)unit_rand_below(5);
        const uint8_t *ptrs[5];
        size_t lens[5], maxlen = 0;
        for (int k = 0; k < n; k++) {
            lens[k] = (size_t)unit_rand_below(unit_rand_below(4) ? 80 : 3);
            size_t off = (size_t)unit_rand_below(8);
            if (lens[k] + off > 80) off = 80 - lens[k];
            fill(src[k] + off, lens[k], (int)unit_rand_below(3));
            ptrs[k] = lens[k] ? src[k] + off : NULL;
            if (lens[k] > maxlen) maxlen = lens[k];
        }
        for (size_t j = 0; j < maxlen; j++) {
            unsigned out = lens[0] > j ? ptrs[0][j] : 0;
            if (op == BITOP_NOT) out = ~out & 0xff;
            for (int k = 1; k < n; k++) {
                unsigned b = lens[k] > j ? ptrs[k][j] : 0;
                out = op == BITOP_AND ? (out & b) : op == BITOP_OR ? (out | b) : (out ^ b);
            }
            ref[j] = (uint8_t)out;
        }
        size_t doff = (size_t)unit_rand_below(8);
        bitmap_op(op, dst + doff, maxlen, ptrs, lens, n);
        if (!CHECK_MEM((const char *)ref, maxlen, (const char *)dst + doff, maxlen)) return;
    }
}

int main(void) {
    UNIT_RUN(test_popcount_bitpos);
    UNIT_RUN(test_bitfields);
    UNIT_RUN(test_overflow_model);
    UNIT_RUN(test_overflow_edges);
    UNIT_RUN(test_bitop);
    return unit_finish();
}
