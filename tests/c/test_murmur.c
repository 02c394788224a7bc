/* test_murmur.c - unit tests for deps/murmur (MurmurHash64A).
 *
 * Two independent sources of truth:
 * - SMHasher's verification value for MurmurHash64A (0x1F0D3804): keys
 *   {}, {0}, {0,1}, ... {0..254} hashed with seed 256-n, the 256 64-bit
 *   results laid out little-endian and hashed again with seed 0; the low
 *   32 bits of that are the published value.
 * - redis-server 7.0's HyperLogLog: PFADD of one element into an empty key
 *   then PFDEBUG GETREG shows which register (the hash's low 14 bits) got
 *   which value (1 + the trailing zeros of the remaining 50 bits), with
 *   seed 0xadc83b19.  The pairs below were read from Debian's redis-server
 *   7.0.15 that way.
 * Plus a bit-by-bit reference written straight from the algorithm's
 * description, compared on random inputs of every length and alignment. */
#include <stdint.h>
#include <string.h>

#include "../../deps/murmur/murmur.h"
#include "unit.h"

#define HLL_SEED 0xadc83b19ULL

/* A second, deliberately naive rendering of the algorithm. */
static uint64_t ref_murmur(const uint8_t *p, size_t len, uint64_t seed) {
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    uint64_t h = seed ^ (len * m);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t k = 0;
        for (int b = 0; b < 8; b++) k |= (uint64_t)p[i + b] << (8 * b);
        k *= m;
        k ^= k >> 47;
        k *= m;
        h ^= k;
        h *= m;
    }
    if (len - i) {
        for (size_t b = 0; b < len - i; b++) h ^= (uint64_t)p[i + b] << (8 * b);
        h *= m;
    }
    h ^= h >> 47;
    h *= m;
    h ^= h >> 47;
    return h;
}

static void test_smhasher_verification(void) {
    uint8_t key[256], hashes[8 * 256];
    for (int i = 0; i < 256; i++) {
        key[i] = (uint8_t)i;
        uint64_t h = murmur64a(key, (size_t)i, (uint64_t)(256 - i));
        for (int b = 0; b < 8; b++) hashes[i * 8 + b] = (uint8_t)(h >> (8 * b));
    }
    uint64_t final = murmur64a(hashes, sizeof(hashes), 0);
    CHECK_EQ_UINT(0x1F0D3804u, (uint32_t)final);
}

static void test_redis_registers(void) {
    static const struct {
        const char *ele;
        unsigned idx, count;
    } v[] = {
        {"", 5938, 2},
        {"a", 12711, 2},
        {"ab", 719, 1},
        {"abc", 9474, 1},
        {"abcd", 11070, 8},
        {"abcde", 3726, 4},
        {"abcdef", 13647, 2},
        {"abcdefg", 5634, 2},
        {"abcdefgh", 1383, 1},
        {"abcdefghi", 6903, 1},
        {"hello world", 9399, 4},
        {"The quick brown fox jumps over the lazy dog", 6862, 4},
        {"12345", 14704, 1},
        {"element:000001", 2028, 2},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint64_t h = murmur64a(v[i].ele, strlen(v[i].ele), HLL_SEED);
        CHECK_EQ_UINT(v[i].idx, h & 16383);
        uint64_t rest = (h >> 14) | (1ULL << 50);
        unsigned count = 1;
        while (!(rest & 1)) {
            count++;
            rest >>= 1;
        }
        CHECK_EQ_UINT(v[i].count, count);
    }
}

static void test_against_reference(void) {
    uint8_t buf[300];
    unit_srand(77);
    for (int round = 0; round < 5000; round++) {
        size_t len = (size_t)unit_rand_below(260);
        size_t off = (size_t)unit_rand_below(9);
        for (size_t i = 0; i < len; i++) buf[off + i] = (uint8_t)unit_rand64();
        uint64_t seed = unit_rand64();
        if (!CHECK_EQ_UINT(ref_murmur(buf + off, len, seed), murmur64a(buf + off, len, seed))) return;
    }
}

/* Every input bit and the length change the result. */
static void test_sensitivity(void) {
    uint8_t buf[40] = {0};
    uint64_t base = murmur64a(buf, sizeof(buf), HLL_SEED);
    int same = 0;
    for (int bit = 0; bit < 8 * (int)sizeof(buf); bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (murmur64a(buf, sizeof(buf), HLL_SEED) == base) same++;
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    CHECK_EQ_INT(0, same);
    CHECK(murmur64a(buf, 39, HLL_SEED) != base);
    CHECK(murmur64a(buf, 40, HLL_SEED + 1) != base);
}

int main(void) {
    UNIT_RUN(test_smhasher_verification);
    UNIT_RUN(test_redis_registers);
    UNIT_RUN(test_against_reference);
    UNIT_RUN(test_sensitivity);
    return unit_finish();
}
