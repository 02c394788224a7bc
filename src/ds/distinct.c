/* distinct.c - repeated-string detection for loaders (see distinct.h).
 *
 * The table holds, per slot, the string's index + 1 (0: empty) and 32
 * bits of its hash; it has at least twice as many slots as strings, so
 * linear probing stays short, and the tag spares most byte comparisons
 * of strings that only share a slot. */
#include "distinct.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"

typedef struct Slot {
    uint32_t idx1; /* index + 1; 0 = empty */
    uint32_t tag;  /* the hash's high bits */
} Slot;

/* Whole-string hash: 8-byte words multiplied in (the last word overlaps
 * the one before rather than going byte by byte; short strings are read
 * as two overlapping halves), with the length, then a finalizer so both
 * the low bits (slot) and the high bits (tag) mix. */
static uint64_t view_hash(const char *p, size_t len) {
    uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ull, w = 0;
    const char *end = p + len;
    if (len >= 8) {
        for (; end - p > 8; p += 8) {
            memcpy(&w, p, 8);
            h = (h ^ w) * 0xFF51AFD7ED558CCDull;
            h ^= h >> 29;
        }
        memcpy(&w, end - 8, 8); /* the last 8 bytes, overlapping what went before */
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, end - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else if (len) {
        w = (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[len / 2] << 8 | (unsigned char)end[-1];
    }
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 32;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    return h;
}

static inline const ByteView *view_at(const ByteView *first, size_t i, size_t stride) {
    /* The caller's array spaces views `stride` bytes apart, each aligned
     * as a ByteView (distinct.h), so the cast lands on a real view. */
    return (const ByteView *)(const void *)((const char *)first + i * stride);
}

int bytes_distinct(const ByteView *first, size_t n, size_t stride) {
    if (n < 2) return 1;
    size_t slots = 16;
    while (slots < 2 * n) slots <<= 1;
    Slot stack[2 * DISTINCT_STACK];
    Slot *t = slots <= 2 * DISTINCT_STACK ? stack : mem_alloc(slots * sizeof(Slot));
    memset(t, 0, slots * sizeof(Slot));
    size_t mask = slots - 1;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        const ByteView *v = view_at(first, i, stride);
        uint64_t h = view_hash(v->p, v->len);
        uint32_t tag = (uint32_t)(h >> 32);
        for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
            if (t[s].idx1 == 0) {
                t[s].idx1 = (uint32_t)(i + 1);
                t[s].tag = tag;
                break;
            }
            if (t[s].tag != tag) continue;
            const ByteView *o = view_at(first, t[s].idx1 - 1, stride);
            if (o->len == v->len && (v->len == 0 || !memcmp(o->p, v->p, v->len))) {
                ok = 0;
                break;
            }
        }
    }
    if (t != stack) mem_free(t);
    return ok;
}
