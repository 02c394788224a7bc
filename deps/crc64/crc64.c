/* crc64.c - CRC-64/Jones (see crc64.h): carry-less-multiply folding on
 * x86-64 CPUs that have PCLMULQDQ, table-driven slicing by 8 elsewhere.
 *
 * Everything rests on linearity: with initial value 0 and no final xor, the
 * CRC of a message M of n bits is M(x) * x^64 mod P, so any part of the
 * message may be replaced by another of the same length that is congruent
 * to it mod P without changing the result.
 *
 * Tables: table[0][b] is the CRC register after feeding byte b into a zero
 * register; table[k][b] is the same followed by k zero bytes.  Eight input
 * bytes are folded in with eight lookups: the byte at position i is followed
 * by 7-i more bytes of the same block, so it is looked up in table[7-i].
 * Input is read one byte at a time (no wide loads, so any alignment and
 * either byte order are fine) and the register is split into 32-bit halves
 * so 32-bit CPUs avoid 64-bit shifts in the loop.  About 3.7 instructions
 * per byte.
 *
 * Folding (x86-64 with PCLMULQDQ, chosen at run time): the bytes are in
 * reflected order, so 16 input bytes loaded little-endian form a 128-bit
 * value whose bit i is the coefficient of x^(127-i), and a carry-less
 * product of two reflected 64-bit values is the reflected 128-bit form of
 * A * B * x (one degree higher than the plain product).  Four 16-byte
 * accumulators each cover every fourth block; moving an accumulator
 * (hi64 * x^64 + lo64 in the plain sense) 64 bytes further down is two
 * multiplications by the constants x^(512+64-1) and x^(512-1) mod P.  At
 * the end the four accumulators are the 64-byte stand-in for everything
 * folded so far and go through the table code, followed by the tail.  About
 * 0.4 instructions per byte.  The crc passed in is xored into the first 8
 * bytes, which is the same as starting the register from it.
 *
 * The tables and constants are built on first use under pthread_once, since
 * the CRC may be computed from several threads (saving, loading, DUMP). */
#include "crc64.h"

#include <pthread.h>
#include <string.h>

#define CRC64_JONES_POLY 0xad93d23594c935a9ULL

static uint64_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static uint64_t reflect64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++, v >>= 1) r = (r << 1) | (v & 1);
    return r;
}

static uint64_t crc_tables(uint64_t crc, const uint8_t *p, size_t len) {
    uint64_t (*t)[256] = crc_table;
    while (len >= 8) {
        uint32_t lo = (uint32_t)crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                                       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)(crc >> 32) ^ ((uint32_t)p[4] | (uint32_t)p[5] << 8 |
                                               (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24);
        crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
              t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CRC_HAVE_CLMUL 1
#include <immintrin.h>

/* x^n mod P, reflected (bit i is the coefficient of x^(63-i)). */
static uint64_t crc_xpow_reflected(unsigned n) {
    uint64_t r = 1; /* plain form: bit i is the coefficient of x^i */
    while (n--) r = (r >> 63) ? (r << 1) ^ CRC64_JONES_POLY : r << 1;
    return reflect64(r);
}

/* 16 bytes at any alignment; memcpy rather than a pointer cast, as
 * everywhere else (it compiles to one unaligned load). */
__attribute__((target("sse2"))) static inline __m128i crc_load128(const uint8_t *p) {
    __m128i v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Shorter inputs are not worth the setup and the 64-byte finish. */
#define CRC_CLMUL_MIN 256

static int crc_use_clmul;
static uint64_t crc_k_hi, crc_k_lo; /* x^575, x^511 mod P, reflected */

__attribute__((target("pclmul,sse2"))) static uint64_t crc_clmul(uint64_t crc, const uint8_t *p,
                                                                 size_t len) {
    const __m128i k = _mm_set_epi64x((long long)crc_k_lo, (long long)crc_k_hi);
    /* Lane order matches the byte order because x86 is little-endian. */
    __m128i a0 = _mm_xor_si128(crc_load128(p),
                               _mm_set_epi64x(0, (long long)crc));
    __m128i a1 = crc_load128(p + 16);
    __m128i a2 = crc_load128(p + 32);
    __m128i a3 = crc_load128(p + 48);
    p += 64;
    len -= 64;
    /* Low lane (first 8 bytes, the higher degrees) times x^575, high lane
     * times x^511: the accumulator moved 512 bits further on. */
#define CRC_FOLD(a, off)                                                                   \
    a = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00),                      \
                                    _mm_clmulepi64_si128(a, k, 0x11)),                     \
                      crc_load128(p + (off)))
    while (len >= 64) {
        CRC_FOLD(a0, 0);
        CRC_FOLD(a1, 16);
        CRC_FOLD(a2, 32);
        CRC_FOLD(a3, 48);
        p += 64;
        len -= 64;
    }
#undef CRC_FOLD
    uint8_t folded[64];
    memcpy(folded, &a0, 16);
    memcpy(folded + 16, &a1, 16);
    memcpy(folded + 32, &a2, 16);
    memcpy(folded + 48, &a3, 16);
    crc = crc_tables(0, folded, sizeof(folded));
    return crc_tables(crc, p, len);
}
#endif

static void crc_table_build(void) {
    /* Reflected input and output: the register shifts right, with the
     * polynomial's bits reversed. */
    uint64_t poly = reflect64(CRC64_JONES_POLY);
    for (unsigned b = 0; b < 256; b++) {
        uint64_t c = b;
        for (int i = 0; i < 8; i++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        crc_table[0][b] = c;
    }
    for (unsigned b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++) {
            uint64_t c = crc_table[k - 1][b];
            crc_table[k][b] = (c >> 8) ^ crc_table[0][c & 0xff];
        }
#ifdef CRC_HAVE_CLMUL
    crc_k_hi = crc_xpow_reflected(512 + 64 - 1);
    crc_k_lo = crc_xpow_reflected(512 - 1);
    __builtin_cpu_init();
    crc_use_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
#endif
}

uint64_t crc64(uint64_t crc, const void *buf, size_t len) {
    pthread_once(&crc_table_once, crc_table_build);
#ifdef CRC_HAVE_CLMUL
    if (len >= CRC_CLMUL_MIN && crc_use_clmul) return crc_clmul(crc, buf, len);
#endif
    return crc_tables(crc, buf, len);
}
