/* lzf.c - LZF compression and decompression (format in lzf.h), written
 * from the format description.
 *
 * Compressor: a greedy single pass.  A hash table maps the hash of the 3
 * bytes at a position to the last position where such a hash was seen; a
 * candidate within 8192 bytes whose 3 bytes really match starts a
 * back-reference, extended as far as it matches (up to 264 bytes), and the
 * last two positions it covers are indexed too.  Everything else goes out as literal
 * runs of up to 32 bytes.  The table holds 32-bit positions (256 kB at
 * most, on the stack) and has 16 slots per input byte up to 4k slots, 4
 * per byte beyond, up to 64k: few enough collisions that RDB files come
 * out the size liblzf's 64k-slot table gives (redis-server 7.0's; a table
 * the input's size made them up to 5% bigger), while compressing a short
 * string still does not pay for clearing a big table.  Stale or wrapped entries are
 * harmless: a candidate is only used after its bytes are compared.
 *
 * Decompressor: every length is checked against the bytes left in the
 * input and the room left in the output before anything is copied, and
 * every distance against the bytes already produced, so arbitrary input
 * can neither read nor write out of bounds. */
#include "lzf.h"

#include <stdint.h>
#include <string.h>

#define LZF_MAX_LITERAL 32
#define LZF_MAX_DISTANCE 8192
#define LZF_MIN_MATCH 3
#define LZF_MAX_MATCH (7 + 255 + 2)
#define LZF_HASH_LOG_MIN 8
#define LZF_HASH_LOG_MAX 16

static inline uint32_t hash3(const uint8_t *p, unsigned hlog) {
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return (v * 2654435761u) >> (32 - hlog);
}

/* Writes n literal bytes as runs of at most 32; 0 if out is too small. */
static int put_literals(const uint8_t *src, size_t n, uint8_t *out, size_t *op, size_t out_len) {
    while (n > 0) {
        size_t run = n < LZF_MAX_LITERAL ? n : LZF_MAX_LITERAL;
        if (out_len - *op < run + 1) return 0;
        out[(*op)++] = (uint8_t)(run - 1);
        memcpy(out + *op, src, run);
        *op += run;
        src += run;
        n -= run;
    }
    return 1;
}

/* Writes one back-reference (len 3..264, dist 1..8192); 0 if no room. */
static int put_reference(size_t len, size_t dist, uint8_t *out, size_t *op, size_t out_len) {
    size_t l = len - 2, off = dist - 1;
    if (l < 7) {
        if (out_len - *op < 2) return 0;
        out[(*op)++] = (uint8_t)(l << 5 | off >> 8);
    } else {
        if (out_len - *op < 3) return 0;
        out[(*op)++] = (uint8_t)(7 << 5 | off >> 8);
        out[(*op)++] = (uint8_t)(l - 7);
    }
    out[(*op)++] = (uint8_t)off;
    return 1;
}

size_t lzf_compress(const void *in_buf, size_t in_len, void *out_buf, size_t out_len) {
    const uint8_t *in = in_buf;
    uint8_t *out = out_buf;
    uint32_t table[1u << LZF_HASH_LOG_MAX];
    unsigned hlog = LZF_HASH_LOG_MIN;
    size_t ip = 0, lit = 0, op = 0;

    if (in_len == 0) return 0;
    /* 16 slots per byte up to 4k slots, then 4 per byte up to 64k. */
    size_t slots = in_len * 16 <= 4096 ? in_len * 16 : (in_len * 4 > 4096 ? in_len * 4 : 4096);
    while (hlog < LZF_HASH_LOG_MAX && ((size_t)1 << hlog) < slots) hlog++;
    memset(table, 0, sizeof(table[0]) << hlog);

    while (in_len - ip >= LZF_MIN_MATCH) {
        uint32_t h = hash3(in + ip, hlog);
        /* Positions are kept modulo 2^32; the distance is too. */
        uint32_t dist = (uint32_t)ip - table[h];
        table[h] = (uint32_t)ip;
        if (dist - 1 >= LZF_MAX_DISTANCE || dist > ip) {
            ip++;
            continue;
        }
        const uint8_t *ref = in + ip - dist;
        if (ref[0] != in[ip] || ref[1] != in[ip + 1] || ref[2] != in[ip + 2]) {
            ip++;
            continue;
        }
        size_t max = in_len - ip < LZF_MAX_MATCH ? in_len - ip : LZF_MAX_MATCH;
        size_t len = LZF_MIN_MATCH;
        while (len < max && ref[len] == in[ip + len]) len++;

        if (!put_literals(in + lit, ip - lit, out, &op, out_len)) return 0;
        if (!put_reference(len, dist, out, &op, out_len)) return 0;

        size_t end = ip + len;
        /* Index only the last two covered positions: indexing all of them
         * buys under 1% of ratio for about 25% of the speed. */
        for (ip = end - 2; ip < end && in_len - ip >= LZF_MIN_MATCH; ip++)
            table[hash3(in + ip, hlog)] = (uint32_t)ip;
        ip = lit = end;
    }
    if (!put_literals(in + lit, in_len - lit, out, &op, out_len)) return 0;
    return op;
}

size_t lzf_decompress(const void *in_buf, size_t in_len, void *out_buf, size_t out_len) {
    const uint8_t *in = in_buf;
    uint8_t *out = out_buf;
    size_t ip = 0, op = 0;

    while (ip < in_len) {
        unsigned ctrl = in[ip++];
        if (ctrl < 32) {
            size_t run = ctrl + 1;
            if (run > in_len - ip || run > out_len - op) return 0;
            memcpy(out + op, in + ip, run);
            ip += run;
            op += run;
            continue;
        }
        size_t len = ctrl >> 5;
        if (len == 7) {
            if (ip >= in_len) return 0;
            len += in[ip++];
        }
        if (ip >= in_len) return 0;
        size_t dist = ((size_t)(ctrl & 31) << 8 | in[ip++]) + 1;
        len += 2;
        if (dist > op || len > out_len - op) return 0;
        uint8_t *dst = out + op;
        const uint8_t *src = dst - dist;
        if (dist >= len) {
            memcpy(dst, src, len);
        } else {
            /* Overlapping: each byte may be one this copy just wrote. */
            for (size_t i = 0; i < len; i++) dst[i] = src[i];
        }
        op += len;
    }
    return op;
}
