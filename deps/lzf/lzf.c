/* lzf.c - LZF compression and decompression (format in lzf.h), written
 * from the format description.
 *
 * Compressor: a greedy single pass.  A hash table maps the hash of the 3
 * bytes at a position to the last position where such a hash was seen; a
 * candidate within 8192 bytes whose 3 bytes really match starts a
 * back-reference, extended as far as it matches (up to 264 bytes), and the
 * last two positions it covers are indexed too.  Everything else goes out
 * as literal runs of up to 32 bytes.  Each call uses 16 slots per input
 * byte up to 4k slots, 4 per byte beyond, up to 64k: few enough collisions
 * that RDB files come out the size liblzf's 64k-slot table gives
 * (redis-server 7.0's).
 *
 * The table is not cleared per call (that was most of the cost of
 * compressing a 4-8 kB node): it is one per thread and keeps a running
 * base that grows by each call's input length, entries holding base +
 * position.  An entry left by an earlier call is below the current base,
 * so its distance exceeds the current position and the bounds check
 * rejects it, exactly as a cleared slot (position 0, whose bytes could
 * only match in the slot position 0 itself set) gives no match: the
 * output is the same as with a freshly cleared table.  (Even a stale
 * entry that passed the check could not change the output: its bytes only
 * match if the same 3 bytes occurred earlier in this input, and their
 * first occurrence was indexed in this call, overwriting the slot.  The
 * base keeps the guarantee independent of which positions get indexed.)
 * When the base would pass 2^32 the table is cleared once and the base
 * restarts at 0.
 *
 * Decompressor: every length is checked against the bytes left in the
 * input and the room left in the output before anything is copied, and
 * every distance against the bytes already produced, so arbitrary input
 * can neither read nor write out of bounds.  Copies go in fixed-size
 * chunks when the room left allows (bytes past the item are scratch that
 * later items overwrite), else exactly. */
#include "lzf.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define LZF_MAX_LITERAL 32
#define LZF_MAX_DISTANCE 8192
#define LZF_MIN_MATCH 3
#define LZF_MAX_MATCH (7 + 255 + 2)
#define LZF_HASH_LOG_MIN 8
#define LZF_HASH_LOG_MAX 16

#define LZF_TABLE_SLOTS (1u << LZF_HASH_LOG_MAX)

/* One table per thread (concurrent callers never share positions; a
 * forked child gets its own copy), mapped on the first compression: a
 * thread-local array would be zeroed at every thread's start, 256 kB of
 * resident memory in each thread of the server whether it compresses or
 * not.  Fresh anonymous pages are zero, like a cleared table with base 0,
 * and only the slots used become resident.  (A thread that compressed
 * keeps its mapping until the process ends: only the main thread and
 * forked children compress.) */
static _Thread_local uint32_t *lzf_table;
static _Thread_local uint64_t lzf_next_base;

void lzf_compress_set_base(uint64_t base) {
    lzf_next_base = base;
}

/* Bytes ref and in have in common, from 3 up to max (the first 3 are
 * known equal): 8 bytes at a time while 8 remain (the first differing
 * byte found from the XOR), then byte by byte.  ref may overlap in;
 * both stay within the input. */
static inline size_t match_length(const uint8_t *ref, const uint8_t *in, size_t max) {
    size_t len = LZF_MIN_MATCH;
    while (len + 8 <= max) {
        uint64_t a, b;
        memcpy(&a, ref + len, 8);
        memcpy(&b, in + len, 8);
        uint64_t x = a ^ b;
        if (x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            return len + (size_t)(__builtin_clzll(x) >> 3);
#else
            return len + (size_t)(__builtin_ctzll(x) >> 3);
#endif
        }
        len += 8;
    }
    while (len < max && ref[len] == in[len]) len++;
    return len;
}

size_t lzf_compress(const void *in_buf, size_t in_len, void *out_buf, size_t out_len) {
    const uint8_t *in = in_buf;
    uint8_t *out = out_buf, *op = out, *out_end = out + out_len;
    uint32_t *table = lzf_table;
    unsigned hlog = LZF_HASH_LOG_MIN;

    if (in_len == 0) return 0;
    if (!table) {
        void *m = mmap(NULL, sizeof(uint32_t) * LZF_TABLE_SLOTS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (m == MAP_FAILED) return 0; /* "does not compress": the caller stores the bytes as they are */
        lzf_table = table = m;
    }
    /* 16 slots per byte up to 4k slots, then 4 per byte up to 64k. */
    size_t slots = in_len * 16 <= 4096 ? in_len * 16 : (in_len * 4 > 4096 ? in_len * 4 : 4096);
    while (hlog < LZF_HASH_LOG_MAX && ((size_t)1 << hlog) < slots) hlog++;
    unsigned shift = 32 - hlog;

    uint64_t base64 = lzf_next_base;
    if (base64 > UINT32_MAX || (uint64_t)in_len > UINT32_MAX - base64) {
        memset(table, 0, sizeof(uint32_t) * LZF_TABLE_SLOTS);
        base64 = 0;
    }
    /* Past 2^32 (only a base-0 call can be that long) positions wrap, as
     * the distance arithmetic below expects; the next call clears. */
    lzf_next_base = base64 + in_len;
    uint32_t base = (uint32_t)base64;

    /* Literals go straight to the output as they are met: a run's control
     * byte is reserved when its first byte comes and filled in when the
     * run ends (a reference, 32 bytes, or the end), so runs split at the
     * same places as writing each run whole would, and every check is
     * against the exact room left. */
    uint8_t *lit_ctrl = NULL;
    unsigned lit = 0;
    size_t ip = 0;
#define LZF_LITERAL()                                    \
    do {                                                 \
        if (lit == 0) {                                  \
            if (out_end - op < 2) return 0;              \
            lit_ctrl = op++;                             \
        } else if (op == out_end) {                      \
            return 0;                                    \
        }                                                \
        *op++ = in[ip++];                                \
        if (++lit == LZF_MAX_LITERAL) {                  \
            *lit_ctrl = (uint8_t)(LZF_MAX_LITERAL - 1);  \
            lit = 0;                                     \
        }                                                \
    } while (0)

    if (in_len >= LZF_MIN_MATCH) {
        uint32_t v = (uint32_t)in[0] << 8 | in[1];
        while (in_len - ip >= LZF_MIN_MATCH) {
            v = (v << 8 | in[ip + 2]) & 0xffffffu;
            uint32_t h = (v * 2654435761u) >> shift;
            uint32_t pos = base + (uint32_t)ip;
            uint32_t dist = pos - table[h];
            table[h] = pos;
            const uint8_t *ref = NULL;
            if (dist - 1 >= LZF_MAX_DISTANCE || dist > ip || (ref = in + ip - dist)[0] != in[ip] ||
                ref[1] != in[ip + 1] || ref[2] != in[ip + 2]) {
                LZF_LITERAL();
                continue;
            }
            size_t max = in_len - ip < LZF_MAX_MATCH ? in_len - ip : LZF_MAX_MATCH;
            size_t len = match_length(ref, in + ip, max);
            if (lit) {
                *lit_ctrl = (uint8_t)(lit - 1);
                lit = 0;
            }
            size_t l = len - 2, off = dist - 1;
            if (l < 7) {
                if (out_end - op < 2) return 0;
                *op++ = (uint8_t)(l << 5 | off >> 8);
            } else {
                if (out_end - op < 3) return 0;
                *op++ = (uint8_t)(7 << 5 | off >> 8);
                *op++ = (uint8_t)(l - 7);
            }
            *op++ = (uint8_t)off;
            /* Index only the last two covered positions: indexing all of
             * them buys under 1% of ratio for about 25% of the speed. */
            size_t end = ip + len;
            if (end + 1 <= in_len) { /* end - 2 has 3 bytes */
                uint32_t w = (uint32_t)in[end - 2] << 16 | (uint32_t)in[end - 1] << 8 | in[end];
                table[(w * 2654435761u) >> shift] = base + (uint32_t)(end - 2);
                if (end + 2 <= in_len) { /* so has end - 1 */
                    w = (w << 8 | in[end + 1]) & 0xffffffu;
                    table[(w * 2654435761u) >> shift] = base + (uint32_t)(end - 1);
                    if (end + 3 <= in_len) v = w & 0xffffu; /* in[end], in[end + 1] */
                }
            }
            ip = end;
        }
    }
    while (ip < in_len) LZF_LITERAL();
#undef LZF_LITERAL
    if (lit) *lit_ctrl = (uint8_t)(lit - 1);
    return (size_t)(op - out);
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
            /* A whole 32-byte chunk when both sides have room: a fixed size
             * copies without a call; the extra bytes are overwritten later. */
            if (in_len - ip >= LZF_MAX_LITERAL && out_len - op >= LZF_MAX_LITERAL)
                memcpy(out + op, in + ip, LZF_MAX_LITERAL);
            else
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
        size_t room = out_len - op;
        op += len;
        if (dist >= 16 && len <= 16 && room >= 16) {
            memcpy(dst, src, 16); /* disjoint: the source ends before dst */
        } else if (dist >= len) {
            memcpy(dst, src, len);
        } else if (dist >= 8) {
            /* Overlapping, but each 8-byte chunk reads bytes already written. */
            size_t i = 0;
            for (; len - i >= 8; i += 8) memcpy(dst + i, src + i, 8);
            for (; i < len; i++) dst[i] = src[i];
        } else if (dist == 1) {
            memset(dst, *src, len);
        } else {
            /* Short period: each byte may be one this copy just wrote. */
            for (size_t i = 0; i < len; i++) dst[i] = src[i];
        }
    }
    return op;
}
