/* murmur.c - MurmurHash64A, see murmur.h.
 *
 * The algorithm: h starts as seed ^ (len * M); every full 8-byte block k is
 * mixed (k *= M; k ^= k >> 47; k *= M) and folded in (h ^= k; h *= M); the
 * 1..7 trailing bytes are xored into h as a little-endian number and h is
 * multiplied once more; a final avalanche (h ^= h >> 47; h *= M;
 * h ^= h >> 47) spreads every input bit over the result.  Blocks are read
 * byte by byte into a little-endian value (through memcpy where the host
 * is little-endian), never through a cast pointer. */
#include "murmur.h"

#include <string.h>

#define MURMUR_M 0xc6a4a7935bd1e995ULL
#define MURMUR_R 47

static inline uint64_t murmur_block(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
#endif
}

uint64_t murmur64a(const void *key, size_t len, uint64_t seed) {
    const uint8_t *p = key;
    /* The length enters as a 64-bit number (Valkey passes an int, so the
     * two agree on every length a value can have). */
    uint64_t h = seed ^ ((uint64_t)len * MURMUR_M);
    size_t blocks = len / 8;
    for (size_t i = 0; i < blocks; i++, p += 8) {
        uint64_t k = murmur_block(p);
        k *= MURMUR_M;
        k ^= k >> MURMUR_R;
        k *= MURMUR_M;
        h ^= k;
        h *= MURMUR_M;
    }
    size_t rest = len & 7;
    if (rest) {
        uint64_t t = 0;
        for (size_t i = rest; i > 0; i--) t = (t << 8) | p[i - 1];
        h ^= t;
        h *= MURMUR_M;
    }
    h ^= h >> MURMUR_R;
    h *= MURMUR_M;
    h ^= h >> MURMUR_R;
    return h;
}
