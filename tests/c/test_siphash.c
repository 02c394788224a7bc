/* test_siphash.c - unit tests for deps/siphash (SipHash-1-3).
 *
 * The test carries its own SipHash-c-d, written here with the number of
 * compression and finalization rounds as parameters.  With c=2, d=4 it
 * must reproduce published SipHash-2-4 reference vectors (key 00..0f,
 * message 00..n-1), which shows the reference itself is right; with
 * c=1, d=3 it must then agree with siphash13 on every length 0..200 and
 * on random keys, messages and (odd) addresses.  Also: nocase folds ASCII
 * letters only, and every key and input bit matters. */
#include <stdint.h>
#include <string.h>

#include "../../deps/siphash/siphash.h"
#include "unit.h"

static uint64_t rotl(uint64_t x, int b) {
    return (x << b) | (x >> (64 - b));
}

static void sip_round(uint64_t v[4]) {
    v[0] += v[1];
    v[1] = rotl(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl(v[2], 32);
}

static uint64_t le_bytes(const uint8_t *p, size_t n) {
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++) w |= (uint64_t)p[i] << (8 * i);
    return w;
}

static uint64_t ref_siphash(int c, int d, const uint8_t *m, size_t len, const uint8_t key[16]) {
    uint64_t k0 = le_bytes(key, 8), k1 = le_bytes(key + 8, 8);
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
                     k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
    size_t full = len / 8 * 8;
    for (size_t off = 0; off <= full; off += 8) {
        uint64_t w;
        if (off < full) w = le_bytes(m + off, 8);
        else w = le_bytes(m + off, len - full) | ((uint64_t)(len & 0xff) << 56);
        v[3] ^= w;
        for (int i = 0; i < c; i++) sip_round(v);
        v[0] ^= w;
    }
    v[2] ^= 0xff;
    for (int i = 0; i < d; i++) sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static const uint8_t seq_key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void test_reference_is_right(void) {
    /* Published SipHash-2-4 outputs for key 00..0f, message 00..n-1. */
    static const struct {
        size_t n;
        uint64_t h;
    } kat[] = {
        {0, 0x726fdb47dd0e0e31ULL},  {1, 0x74f839c593dc67fdULL},  {2, 0x0d6c8009d9a94f5aULL},
        {7, 0xab0200f58b01d137ULL},  {8, 0x93f5f5799a932462ULL},  {15, 0xa129ca6149be45e5ULL},
        {63, 0x958a324ceb064572ULL},
    };
    uint8_t msg[64];
    for (int i = 0; i < 64; i++) msg[i] = (uint8_t)i;
    for (size_t k = 0; k < sizeof(kat) / sizeof(kat[0]); k++)
        CHECK_EQ_UINT(kat[k].h, ref_siphash(2, 4, msg, kat[k].n, seq_key));
}

static void test_matches_reference(void) {
    uint8_t msg[256];
    for (int i = 0; i < 256; i++) msg[i] = (uint8_t)i;
    int bad = 0;
    for (size_t n = 0; n <= 200; n++) {
        uint64_t want = ref_siphash(1, 3, msg, n, seq_key);
        uint64_t got = siphash13(msg, n, seq_key);
        if (want != got) {
            if (bad++ == 0) CHECK_EQ_UINT(want, got);
        }
    }
    CHECK_EQ_INT(0, bad);
    /* SipHash-1-3 is not SipHash-2-4. */
    CHECK(siphash13(msg, 15, seq_key) != 0xa129ca6149be45e5ULL);

    /* Random keys, lengths and odd start addresses. */
    unit_srand(17);
    static uint8_t buf[1100];
    bad = 0;
    for (int t = 0; t < 3000; t++) {
        uint8_t key[16];
        for (int i = 0; i < 16; i++) key[i] = (uint8_t)unit_rand64();
        size_t shift = (size_t)unit_rand_below(8);
        size_t len = (size_t)unit_rand_below(unit_rand_below(4) == 0 ? 1024 : 40);
        for (size_t i = 0; i < len; i++) buf[shift + i] = (uint8_t)unit_rand64();
        if (siphash13(buf + shift, len, key) != ref_siphash(1, 3, buf + shift, len, key)) bad++;
    }
    CHECK_EQ_INT(0, bad);
}

static void test_nocase(void) {
    uint8_t key[16];
    memcpy(key, seq_key, 16);
    uint64_t lower = siphash13("abc", 3, key);
    CHECK_EQ_UINT(lower, siphash13_nocase("ABC", 3, key));
    CHECK_EQ_UINT(lower, siphash13_nocase("abc", 3, key));
    CHECK_EQ_UINT(lower, siphash13_nocase("aBc", 3, key));
    CHECK(siphash13("ABC", 3, key) != lower);
    /* Longer than one 8-byte word: the word path folds too. */
    const char *mixed = "Hello World, THIS is A Longer Key:With-Punctuation_123";
    char low[64];
    size_t n = strlen(mixed);
    for (size_t i = 0; i < n; i++) low[i] = (mixed[i] >= 'A' && mixed[i] <= 'Z') ? (char)(mixed[i] + 32) : mixed[i];
    CHECK_EQ_UINT(siphash13(low, n, key), siphash13_nocase(mixed, n, key));
    /* Only A-Z fold: '@' and '[' border the range and stay themselves. */
    CHECK_EQ_UINT(siphash13("@[", 2, key), siphash13_nocase("@[", 2, key));
    CHECK(siphash13_nocase("@", 1, key) != siphash13_nocase("`", 1, key));
    CHECK(siphash13_nocase("[", 1, key) != siphash13_nocase("{", 1, key));
    /* Non-ASCII bytes are not folded (0xC9 vs 0xE9). */
    CHECK(siphash13_nocase("\xc9", 1, key) != siphash13_nocase("\xe9", 1, key));
    /* The key is never folded: keys differing only in letter case differ. */
    uint8_t k2[16];
    memcpy(k2, "ABCDEFGHIJKLMNOP", 16);
    uint8_t k3[16];
    memcpy(k3, "abcdefghijklmnop", 16);
    CHECK(siphash13_nocase("x", 1, k2) != siphash13_nocase("x", 1, k3));
}

/* The whole-word folding against a byte-by-byte reference: random strings
 * of every byte value, whole words and tails, at odd addresses. */
static void test_nocase_words(void) {
    uint8_t key[16];
    memcpy(key, seq_key, 16);
    unit_srand(7);
    int bad = 0;
    uint8_t buf[80], low[80];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)unit_rand_below(70);
        size_t off = (size_t)unit_rand_below(8);
        for (size_t i = 0; i < n; i++) {
            /* Half the bytes near the letter ranges' edges, half anything. */
            static const uint8_t edge[] = {'@', 'A', 'B', 'Y', 'Z', '[', '`', 'a', 'z', '{', 0x80, 0xc1, 0xda, 0xff, 0};
            uint8_t b = unit_rand_below(2) ? edge[unit_rand_below(sizeof(edge))] : (uint8_t)unit_rand64();
            buf[off + i] = b;
            low[i] = (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
        }
        if (siphash13_nocase(buf + off, n, key) != siphash13(low, n, key)) bad++;
    }
    CHECK_EQ_INT(0, bad);
}

static void test_sensitivity(void) {
    uint8_t key[16];
    memcpy(key, seq_key, 16);
    const char *msg = "sensitivity test message";
    size_t n = strlen(msg);
    uint64_t base = siphash13(msg, n, key);
    CHECK_EQ_UINT(base, siphash13(msg, n, key)); /* deterministic */
    int same = 0;
    for (int bit = 0; bit < 128; bit++) {
        key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (siphash13(msg, n, key) == base) same++;
        key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ_INT(0, same);
    char m[64];
    memcpy(m, msg, n);
    for (size_t bit = 0; bit < n * 8; bit++) {
        m[bit / 8] ^= (char)(1u << (bit % 8));
        if (siphash13(m, n, key) == base) same++;
        m[bit / 8] ^= (char)(1u << (bit % 8));
    }
    CHECK_EQ_INT(0, same);
    /* The length is part of the hash: trailing zero bytes matter. */
    uint8_t zeros[16] = {0};
    int collide = 0;
    for (size_t a = 0; a < 16; a++)
        for (size_t b = a + 1; b <= 16; b++)
            if (siphash13(zeros, a, key) == siphash13(zeros, b, key)) collide++;
    CHECK_EQ_INT(0, collide);
    /* Output bits look balanced over many inputs. */
    int ones[64] = {0};
    for (uint32_t i = 0; i < 4000; i++) {
        uint64_t h = siphash13(&i, sizeof(i), key);
        for (int b = 0; b < 64; b++) ones[b] += (int)((h >> b) & 1);
    }
    int skewed = 0;
    for (int b = 0; b < 64; b++)
        if (ones[b] < 1700 || ones[b] > 2300) skewed++;
    CHECK_EQ_INT(0, skewed);
}

int main(void) {
    UNIT_RUN(test_reference_is_right);
    UNIT_RUN(test_matches_reference);
    UNIT_RUN(test_nocase);
    UNIT_RUN(test_nocase_words);
    UNIT_RUN(test_sensitivity);
    return unit_finish();
}
