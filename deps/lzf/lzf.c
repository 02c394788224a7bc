/* lzf.c - LZF compression and decompression (format in lzf.h), written
 * from the format description.
 *
 * Compressor: a greedy single pass.  A hash table maps the hash of the 3
 * bytes at a position to the last position where such a hash was seen; a
 * candidate within 8192 bytes whose 3 bytes really match starts a
 * back-reference, extended as far as it matches (up to 264 bytes), and the
 * last two positions it covers are indexed too.  Everything else goes out
 * as literal runs of up to 32 bytes.  The table has 64k slots and the
 * hash keeps similar contexts in nearby slots (slot_of), which keeps most
 * lookups in cache; on the datasets of utils/bench-rdb.sh the RDB files
 * come out the size redis-server 7.0's liblzf gives or smaller.
 *
 * The table is not cleared per call (that was most of the cost of
 * compressing a 4-8 kB node): it is one per thread and keeps a running
 * base that grows by each call's input length plus the maximum distance,
 * entries holding base + position.  An entry left by an earlier call is
 * then more than the maximum distance behind every position of this
 * call, so the one distance check rejects it (no separate "is it inside
 * this input" test), exactly as a cleared slot (position 0, whose bytes
 * could only match in the slot position 0 itself set) gives no match: the
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
 * can neither read nor write out of bounds.  (While at least 34 input
 * bytes and 280 bytes of room are left, no item can fail the length
 * checks, so a first loop makes only the distance check.)  Copies go in fixed-size
 * chunks when the room left allows (bytes past the item are scratch that
 * later items overwrite), else exactly. */
#include "lzf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define LZF_MAX_LITERAL 32
#define LZF_MAX_DISTANCE 8192
#define LZF_MIN_MATCH 3
#define LZF_MAX_MATCH (7 + 255 + 2)
#define LZF_HASH_LOG 16
#define LZF_TABLE_SLOTS (1u << LZF_HASH_LOG)
#ifndef LZF_HASH_MUL
#define LZF_HASH_MUL 7
#endif

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

/* Clears the table too: entries above a lowered base would otherwise
 * look near (the distance check relies on the base only growing). */
void lzf_compress_set_base(uint64_t base) {
    if (lzf_table) memset(lzf_table, 0, sizeof(uint32_t) * LZF_TABLE_SLOTS);
    lzf_next_base = base;
}

/* The table slot of the 3 bytes in the low 24 bits of v (first byte
 * highest): the first two bytes pick a neighbourhood of the table and the
 * third moves within it, so the contexts of similar text land in nearby
 * slots and most lookups stay in cache (a well-mixed hash over a table
 * sized to the input measured up to 1.6x slower on stream nodes).  Bits
 * of v above the 24th never reach the slot (the shift moves them to bit
 * 16 and up, the product keeps them at 24 and up, and the mask keeps bits
 * 0-15), so the caller shifts bytes in without masking. */
static inline uint32_t slot_of(uint32_t v) {
    return ((v >> 8) + v * LZF_HASH_MUL) & (LZF_TABLE_SLOTS - 1);
}

/* Two bytes through memcpy: one load where the target allows unaligned
 * access, byte loads where it does not; never an unaligned access. */
static inline uint16_t load16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

size_t lzf_compress(const void *in_buf, size_t in_len, void *out_buf, size_t out_len) {
    const uint8_t *in = in_buf, *ip = in, *in_end = in + in_len;
    uint8_t *out = out_buf, *op = out, *out_end = out + out_len;
    uint32_t *table = lzf_table;

    if (in_len == 0) return 0;
    if (!table) {
        void *m = mmap(NULL, sizeof(uint32_t) * LZF_TABLE_SLOTS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (m == MAP_FAILED) return 0; /* "does not compress": the caller stores the bytes as they are */
        lzf_table = table = m;
    }
    uint64_t base64 = lzf_next_base;
    if (base64 > UINT32_MAX - LZF_MAX_DISTANCE || (uint64_t)in_len > UINT32_MAX - LZF_MAX_DISTANCE - base64) {
        memset(table, 0, sizeof(uint32_t) * LZF_TABLE_SLOTS);
        base64 = 0;
    }
    /* Past 2^32 (only a base-0 call can be that long) positions wrap, as
     * the distance arithmetic below expects; the next call clears. */
    lzf_next_base = base64 + in_len + LZF_MAX_DISTANCE;
    /* A position p of this input is base + (p - in) in the table. */
    const uint32_t base = (uint32_t)base64 - (uint32_t)(uintptr_t)in;

    /* Literals go straight to the output.  Each run's control byte is
     * reserved before its first literal (op then points past it, and the
     * run's bytes follow), written when the run ends (a reference, 32
     * bytes, the end) at op[-lit - 1], and given back when the run stays
     * empty.  The reservation may point one past the end of out: nothing
     * is written there, since a literal needs op < out_end and a
     * reference needs room counted without that byte. */
    if (out_len < 2) return 0;
    op++;
    unsigned lit = 0;
    if (in_len > 2) {
        const uint8_t *last = in_end - 2; /* positions before it have 3 bytes */
        uint32_t v = (uint32_t)ip[0] << 8 | ip[1];
        while (ip < last) {
            v = v << 8 | ip[2];
            uint32_t *slot = &table[slot_of(v)];
            uint32_t pos = base + (uint32_t)(uintptr_t)ip;
            uint32_t dist = pos - *slot;
            *slot = pos;
            const uint8_t *ref;
            /* An earlier call's entry is over the maximum distance away
             * (see the top); an empty slot names position 0 of a base-0
             * call, which matches only if position 0 set this slot. */
            if (dist - 1 < LZF_MAX_DISTANCE && (ref = ip - dist)[2] == ip[2] && load16(ref) == load16(ip)) {
                size_t max = (size_t)(in_end - ip) < LZF_MAX_MATCH ? (size_t)(in_end - ip) : LZF_MAX_MATCH;
                size_t len = LZF_MIN_MATCH;
                /* Four bytes per step while four remain, then one: an
                 * 8-byte word compare (XOR, count trailing zeros) runs
                 * fewer instructions but measured 15-30% slower on list
                 * and stream nodes, and this is 20% faster than one byte
                 * per step on list nodes. */
                while (len + 4 <= max && ref[len] == ip[len] && ref[len + 1] == ip[len + 1] &&
                       ref[len + 2] == ip[len + 2] && ref[len + 3] == ip[len + 3])
                    len += 4;
                while (len < max && ref[len] == ip[len]) len++;
                size_t l = len - 2, off = dist - 1;
                /* 2 or 3 bytes of reference where the empty run's
                 * reserved byte (if so) is given back. */
                if (out_end - op < 3 && out_end - op + (ptrdiff_t)!lit < (l < 7 ? 2 : 3)) return 0;
                op[-(ptrdiff_t)lit - 1] = (uint8_t)(lit - 1); /* no branch: an empty run's */
                op -= !lit;                                  /* byte is written over */
                if (l < 7) {
                    *op++ = (uint8_t)(l << 5 | off >> 8);
                } else {
                    *op++ = (uint8_t)(7 << 5 | off >> 8);
                    *op++ = (uint8_t)(l - 7);
                }
                *op++ = (uint8_t)off;
                op++; /* the next run's control byte */
                lit = 0;
                ip += len;
                if (ip >= last) break; /* no more searches: nothing to index */
                /* Index only the last two covered positions: indexing all
                 * of them buys under 1% of ratio for much of the speed. */
                v = (uint32_t)ip[-2] << 16 | (uint32_t)ip[-1] << 8 | ip[0];
                table[slot_of(v)] = base + (uint32_t)(uintptr_t)(ip - 2);
                v = v << 8 | ip[1];
                table[slot_of(v)] = base + (uint32_t)(uintptr_t)(ip - 1);
                continue;
            }
            if (op >= out_end) return 0;
            *op++ = *ip++;
            if (++lit == LZF_MAX_LITERAL) {
                op[-LZF_MAX_LITERAL - 1] = (uint8_t)(LZF_MAX_LITERAL - 1);
                lit = 0;
                op++;
            }
        }
    }
    while (ip < in_end) {
        if (op >= out_end) return 0;
        *op++ = *ip++;
        if (++lit == LZF_MAX_LITERAL) {
            op[-LZF_MAX_LITERAL - 1] = (uint8_t)(LZF_MAX_LITERAL - 1);
            lit = 0;
            op++;
        }
    }
    if (lit) op[-(ptrdiff_t)lit - 1] = (uint8_t)(lit - 1);
    else op--;
    return (size_t)(op - out);
}

/* A back-reference: len bytes at dst from dist bytes back (dist <= the
 * bytes before dst, len <= room, the bytes writable at dst). */
static inline void copy_reference(uint8_t *dst, size_t dist, size_t len, size_t room) {
    const uint8_t *src = dst - dist;
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

size_t lzf_decompress(const void *in_buf, size_t in_len, void *out_buf, size_t out_len) {
    const uint8_t *in = in_buf;
    uint8_t *out = out_buf;
    size_t ip = 0, op = 0;

    /* Far from both ends no item can run over either buffer (an item
     * reads at most 33 bytes, control byte included, and writes at most
     * 264, or 32 with the chunked literal copy): only the distance needs
     * checking.  The rest goes through the fully checked loop below. */
    while (in_len - ip >= 34 && out_len - op >= 280) {
        unsigned ctrl = in[ip++];
        if (ctrl < 32) {
            memcpy(out + op, in + ip, LZF_MAX_LITERAL);
            ip += ctrl + 1;
            op += ctrl + 1;
            continue;
        }
        size_t len = ctrl >> 5;
        if (len == 7) len += in[ip++];
        size_t dist = ((size_t)(ctrl & 31) << 8 | in[ip++]) + 1;
        len += 2;
        if (dist > op) return 0;
        copy_reference(out + op, dist, len, out_len - op);
        op += len;
    }
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
        copy_reference(out + op, dist, len, out_len - op);
        op += len;
    }
    return op;
}
