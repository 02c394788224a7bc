/* test_crc64.c - unit tests for deps/crc64 (CRC-64/Jones of RDB and DUMP).
 *
 * The reference here is the textbook bit-at-a-time CRC in its direct form:
 * bytes are bit-reversed and shifted in at the top of a left-shifting
 * register with the polynomial as written (0xad93d23594c935a9), and the
 * register is bit-reversed at the end.  It shares nothing with the
 * right-shifting table code under test.  Beyond the catalogue check value,
 * three DUMP payloads produced by Debian's redis-server 7.0 carry their own
 * CRC in their last 8 bytes (little-endian), computed over everything
 * before it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/crc64/crc64.h"
#include "unit.h"

static uint8_t reverse8(uint8_t b) {
    uint8_t r = 0;
    for (int i = 0; i < 8; i++) r = (uint8_t)(r << 1 | ((b >> i) & 1));
    return r;
}

static uint64_t reverse64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) r |= ((v >> i) & 1) << (63 - i);
    return r;
}

/* Continues crc (in the reflected convention crc64() uses) over p. */
static uint64_t ref_crc64(uint64_t crc, const uint8_t *p, size_t len) {
    uint64_t reg = reverse64(crc);
    for (size_t i = 0; i < len; i++) {
        reg ^= (uint64_t)reverse8(p[i]) << 56;
        for (int bit = 0; bit < 8; bit++)
            reg = (reg & 0x8000000000000000ULL) ? (reg << 1) ^ 0xad93d23594c935a9ULL : reg << 1;
    }
    return reverse64(reg);
}

static void test_check_value(void) {
    CHECK_EQ_UINT(0xe9c6d914c4b8d9caULL, crc64(0, "123456789", 9));
    CHECK_EQ_UINT(0xe9c6d914c4b8d9caULL, ref_crc64(0, (const uint8_t *)"123456789", 9));
    /* Byte by byte gives the same. */
    uint64_t c = 0;
    static const char digits[] = "123456789";
    for (int i = 0; i < 9; i++) c = crc64(c, &digits[i], 1);
    CHECK_EQ_UINT(0xe9c6d914c4b8d9caULL, c);
}

static void test_empty(void) {
    CHECK_EQ_UINT(0, crc64(0, "", 0));
    CHECK_EQ_UINT(0, crc64(0, NULL, 0));
    CHECK_EQ_UINT(0x0123456789abcdefULL, crc64(0x0123456789abcdefULL, "x", 0));
    /* Zero bytes into a zero register stay zero (no init, no final xor). */
    uint8_t zeros[64] = {0};
    CHECK_EQ_UINT(0, crc64(0, zeros, sizeof(zeros)));
    CHECK(crc64(0, "\x01", 1) != 0);
}

static void check_dump_payload(const char *hex) {
    size_t n = strlen(hex) / 2;
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (uint8_t)v;
    }
    uint64_t stored = 0;
    for (int i = 7; i >= 0; i--) stored = stored << 8 | b[n - 8 + (size_t)i];
    CHECK_EQ_UINT(stored, crc64(0, b, n - 8));
    CHECK_EQ_UINT(stored, ref_crc64(0, b, n - 8));
    free(b);
}

static void test_dump_payloads(void) {
    /* DUMP of "hello", of the set {1, 2, 3, -40000} (an intset) and of 100
     * 'a's (LZF-compressed), RDB version 10. */
    check_dump_payload("000568656c6c6f0a006372df766534200a");
    check_dump_payload("0b180400000004000000c063ffff0100000002000000030000000a00586d1bea36fab7ff");
    check_dump_payload("00c3094064016161e057000161610a00e8a3b507b06df271");
}

/* Random buffers at random offsets (so the 8-byte blocks fall on every
 * alignment) and lengths around and well past the block size. */
static void test_against_reference(void) {
    uint8_t *buf = malloc(5000);
    unit_srand(64);
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
        size_t off = unit_rand_below(16);
        size_t len = round < 1000 ? unit_rand_below(40) : unit_rand_below(5000 - 16);
        for (size_t i = 0; i < off + len; i++) buf[i] = (uint8_t)unit_rand64();
        uint64_t seed = round % 3 ? 0 : unit_rand64();
        /* Exact-size copy, so a read past the end shows under ASan. */
        uint8_t *p = malloc(off + len ? off + len : 1);
        memcpy(p, buf, off + len);
        uint64_t got = crc64(seed, p + off, len);
        uint64_t want = ref_crc64(seed, p + off, len);
        if (got != want) {
            if (!bad) printf("    round %d off %zu len %zu: %016llx != %016llx\n", round, off, len,
                             (unsigned long long)got, (unsigned long long)want);
            bad++;
        }
        free(p);
    }
    free(buf);
    CHECK_EQ_INT(0, bad);
}

/* Random buffers cut in two at a random point: the CRC continued over the
 * second part equals the reference over the whole.  Offsets up to 63 and
 * lengths on both sides of the sizes where the implementation changes
 * strategy (8-byte blocks, 64-byte folds, the 256-byte switch to folding). */
static void test_split_against_reference(void) {
    uint8_t *buf = malloc(64 + 5000);
    unit_srand(6464);
    int bad = 0;
    for (int round = 0; round < 4000; round++) {
        size_t off = unit_rand_below(64);
        size_t len;
        switch (round % 4) {
        case 0: len = unit_rand_below(5001); break;
        case 1: len = 256 + unit_rand_below(17) - 8; break;
        case 2: len = 64 * (1 + unit_rand_below(78)) + unit_rand_below(3) - 1; break;
        default: len = unit_rand_below(600); break;
        }
        size_t cut = unit_rand_below(len + 1);
        for (size_t i = 0; i < off + len; i++) buf[i] = (uint8_t)unit_rand64();
        uint64_t seed = round % 2 ? 0 : unit_rand64();
        uint64_t want = ref_crc64(seed, buf + off, len);
        uint64_t whole = crc64(seed, buf + off, len);
        uint64_t split = crc64(crc64(seed, buf + off, cut), buf + off + cut, len - cut);
        if (whole != want || split != want) {
            if (!bad)
                printf("    round %d off %zu len %zu cut %zu: %016llx %016llx != %016llx\n", round,
                       off, len, cut, (unsigned long long)whole, (unsigned long long)split,
                       (unsigned long long)want);
            bad++;
        }
    }
    free(buf);
    CHECK_EQ_INT(0, bad);
}

static void test_incremental(void) {
    uint8_t *buf = malloc(20000);
    unit_srand(8);
    int bad = 0;
    for (int round = 0; round < 500; round++) {
        size_t len = unit_rand_below(20000);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)unit_rand64();
        uint64_t whole = crc64(0, buf, len);
        /* Split into a random number of random pieces, some empty. */
        uint64_t c = 0;
        size_t pos = 0;
        while (pos < len) {
            size_t piece = unit_rand_below(2) ? unit_rand_below(20) : unit_rand_below(len - pos + 1);
            if (piece > len - pos) piece = len - pos;
            c = crc64(c, buf + pos, piece);
            pos += piece;
        }
        if (c != whole) bad++;
    }
    free(buf);
    CHECK_EQ_INT(0, bad);
}

/* A single flipped bit anywhere changes the CRC. */
static void test_detects_bit_flips(void) {
    uint8_t buf[256];
    unit_srand(3);
    for (size_t i = 0; i < sizeof(buf); i++) buf[i] = (uint8_t)unit_rand64();
    uint64_t base = crc64(0, buf, sizeof(buf));
    int same = 0;
    for (size_t bit = 0; bit < sizeof(buf) * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (crc64(0, buf, sizeof(buf)) == base) same++;
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ_INT(0, same);
}

int main(void) {
    UNIT_RUN(test_check_value);
    UNIT_RUN(test_empty);
    UNIT_RUN(test_dump_payloads);
    UNIT_RUN(test_against_reference);
    UNIT_RUN(test_split_against_reference);
    UNIT_RUN(test_incremental);
    UNIT_RUN(test_detects_bit_flips);
    return unit_finish();
}
