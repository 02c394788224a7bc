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

static inline uint32_t hash3(uint32_t v, unsigned hlog) {
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
    uint32_t *table = lzf_table;
    unsigned hlog = LZF_HASH_LOG_MIN;
    size_t ip = 0, lit = 0, op = 0;

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

    uint64_t base64 = lzf_next_base;
    if (base64 > UINT32_MAX || (uint64_t)in_len > UINT32_MAX - base64) {
        memset(table, 0, sizeof(uint32_t) * LZF_TABLE_SLOTS);
        base64 = 0;
    }
    /* Past 2^32 (only a base-0 call can be that long) positions wrap, as
     * the distance arithmetic below expects; the next call clears. */
    lzf_next_base = base64 + in_len;
    uint32_t base = (uint32_t)base64;

    if (in_len < LZF_MIN_MATCH) return put_literals(in, in_len, out, &op, out_len) ? op : 0;
    uint32_t v = (uint32_t)in[0] << 8 | in[1];
    while (in_len - ip >= LZF_MIN_MATCH) {
        v = (v << 8 | in[ip + 2]) & 0xffffffu;
        uint32_t h = hash3(v, hlog);
        uint32_t pos = base + (uint32_t)ip;
        uint32_t dist = pos - table[h];
        table[h] = pos;
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
        /* Byte by byte: most matches are short, and 8-byte compares measured
         * slower on listpack-like data. */
        while (len < max && ref[len] == in[ip + len]) len++;

        if (!put_literals(in + lit, ip - lit, out, &op, out_len)) return 0;
        if (!put_reference(len, dist, out, &op, out_len)) return 0;

        size_t end = ip + len;
        /* Index only the last two covered positions: indexing all of them
         * buys under 1% of ratio for about 25% of the speed. */
        for (ip = end - 2; ip < end && in_len - ip >= LZF_MIN_MATCH; ip++) {
            uint32_t w = (uint32_t)in[ip] << 16 | (uint32_t)in[ip + 1] << 8 | in[ip + 2];
            table[hash3(w, hlog)] = base + (uint32_t)ip;
        }
        ip = lit = end;
        if (in_len - ip >= LZF_MIN_MATCH) v = (uint32_t)in[ip] << 8 | in[ip + 1];
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
