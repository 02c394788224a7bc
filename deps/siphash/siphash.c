/* siphash.c - SipHash-1-3, written from the algorithm's published
 * description (Aumasson & Bernstein): one compression round per 8-byte
 * word, three finalization rounds.
 *
 * It hashes every key and command name, so words are read with memcpy
 * (one load where the CPU allows unaligned access, byte loads where it
 * does not) and byte-swapped only on big-endian hosts; the case-folding
 * variant lowers a whole word's ASCII capitals at once. */
#include <string.h>

#include "siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                              \
    do {                                                                      \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);             \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);             \
    } while (0)

static inline uint8_t fold(uint8_t c, int nocase) {
    return (nocase && c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* 'A'..'Z' to 'a'..'z' in every byte of w, others unchanged: per byte,
 * (b & 0x7f) + 0x3f sets bit 7 when b >= 'A', + 0x25 when b > 'Z'; bytes
 * with bit 7 set are not ASCII.  No sum carries into the next byte. */
static inline uint64_t fold_word(uint64_t w) {
    uint64_t low7 = w & 0x7f7f7f7f7f7f7f7fULL;
    uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;
    uint64_t gt_z = low7 + 0x2525252525252525ULL;
    uint64_t upper = (ge_a ^ gt_z) & ~w & 0x8080808080808080ULL;
    return w | (upper >> 2);
}

static inline uint64_t word_le(const uint8_t *p, int nocase) {
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return nocase ? fold_word(w) : w;
}

static inline __attribute__((always_inline)) uint64_t siphash_impl(const uint8_t *in, size_t len,
                                                                   const uint8_t key[16], int nocase) {
    uint64_t k0 = word_le(key, 0), k1 = word_le(key + 8, 0);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    uint64_t v3 = 0x7465646279746573ULL ^ k1;
    const uint8_t *end = in + (len - (len % 8));
    for (; in != end; in += 8) {
        uint64_t m = word_le(in, nocase);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = ((uint64_t)len) << 56;
    switch (len & 7) {
    case 7: b |= ((uint64_t)fold(in[6], nocase)) << 48; /* fall through */
    case 6: b |= ((uint64_t)fold(in[5], nocase)) << 40; /* fall through */
    case 5: b |= ((uint64_t)fold(in[4], nocase)) << 32; /* fall through */
    case 4: b |= ((uint64_t)fold(in[3], nocase)) << 24; /* fall through */
    case 3: b |= ((uint64_t)fold(in[2], nocase)) << 16; /* fall through */
    case 2: b |= ((uint64_t)fold(in[1], nocase)) << 8; /* fall through */
    case 1: b |= ((uint64_t)fold(in[0], nocase)); break;
    case 0: break;
    }
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash13(const void *data, size_t len, const uint8_t key[16]) {
    return siphash_impl(data, len, key, 0);
}

uint64_t siphash13_nocase(const void *data, size_t len, const uint8_t key[16]) {
    return siphash_impl(data, len, key, 1);
}
