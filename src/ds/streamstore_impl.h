/* streamstore_impl.h - what streamstore.c (the store) and
 * streamstore_lp.c (conversion to and from Valkey's listpacks) share:
 * the node's header and element encodings, the sizes Valkey's listpack
 * entries take, and the small inline helpers over them.  Not part of
 * the API (streamstore.h is): only those two files include it. */
#ifndef DS_STREAMSTORE_IMPL_H
#define DS_STREAMSTORE_IMPL_H

#include <string.h>

#include "listpack.h"
#include "streamstore.h"
#include "varint.h"

/* The hot helpers of RDB loading and saving are inlined whatever the
 * compiler's size heuristics say (out of line, the cursors they update
 * would live in memory), and their loops are functions of their own
 * (SS_NOINLINE), so that the loop variables get the registers. */
#if defined(__GNUC__)
#define SS_HOT static inline __attribute__((always_inline))
#define SS_NOINLINE __attribute__((noinline))
#else
#define SS_HOT static inline
#define SS_NOINLINE
#endif

/* Header byte: flags in bits 0-1, ID form in bits 2-7. */
#define HDR_FLAGS(b) ((unsigned)(b)&3u)
#define HDR_FORM(b) ((unsigned)(b) >> 2)
#define FORM_NEXT_SEQ 0
#define FORM_MS_MAX 61
#define FORM_EXPLICIT 62

/* Element tags. */
#define EL_STR_SHORT 0x80 /* + len (0..63) */
#define EL_POS 0xC0       /* + bytes (1..8) */
#define EL_NEG 0xC8       /* + bytes (1..8) */
#define EL_STR_LONG 0xD1


/* ---------------------------------------------- Valkey listpack sizes */

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t vk_int_size(int64_t v) {
    /* Range checks as one unsigned compare each. */
    uint64_t u = (uint64_t)v;
    if (u <= 127) return 2;
    if (u + 4096 <= 8191) return 3;
    if (u + 32768 <= 65535) return 4;
    if (u + 8388608 <= 16777215) return 5;
    if (u + 2147483648u <= 4294967295u) return 6;
    return 10;
}

static inline size_t vk_str_size(size_t len) {
    size_t enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
    return enc + lp_backlen_len(enc);
}

/* ------------------------------------------------------------ elements */

/* A value to write, classified once: integer (Valkey's rule) or bytes. */
typedef struct ElemIn {
    const char *p;
    size_t len;
    int64_t iv;
    int is_int;
} ElemIn;

static inline void elem_classify(ElemIn *e, const char *p, size_t len) {
    e->p = p;
    e->len = len;
    e->is_int = len <= 20 && len > 0 && lp_string_to_int64(p, len, &e->iv);
}

static inline size_t int_bytes(uint64_t u) {
    size_t n = 1;
    while (n < 8 && (u >> (8 * n)) != 0) n++;
    return n;
}

static inline size_t elem_size(const ElemIn *e) {
    if (e->is_int) {
        if (e->iv >= 0 && e->iv <= 127) return 1;
        uint64_t u = e->iv >= 0 ? (uint64_t)e->iv : (uint64_t)(-(e->iv + 1));
        return 1 + int_bytes(u);
    }
    if (e->len < 64) return 1 + e->len;
    return 1 + varint_len(e->len) + e->len;
}

static inline size_t elem_vk_size(const ElemIn *e) {
    return e->is_int ? vk_int_size(e->iv) : vk_str_size(e->len);
}

static inline unsigned char *elem_put(unsigned char *p, const ElemIn *e) {
    if (e->is_int) {
        if (e->iv >= 0 && e->iv <= 127) {
            *p++ = (unsigned char)e->iv;
            return p;
        }
        uint64_t u;
        unsigned char tag;
        if (e->iv >= 0) {
            u = (uint64_t)e->iv;
            tag = EL_POS;
        } else {
            u = (uint64_t)(-(e->iv + 1));
            tag = EL_NEG;
        }
        size_t n = int_bytes(u);
        *p++ = (unsigned char)(tag + n);
        for (size_t i = 0; i < n; i++) *p++ = (unsigned char)(u >> (8 * i));
        return p;
    }
    if (e->len < 64) {
        *p++ = (unsigned char)(EL_STR_SHORT + e->len);
    } else {
        *p++ = EL_STR_LONG;
        p += varint_put(p, e->len);
    }
    if (e->len) memcpy(p, e->p, e->len);
    return p + e->len;
}

static inline const unsigned char *elem_get(const unsigned char *p, SsVal *v) {
    unsigned char b = *p++;
    if (b < 0x80) {
        v->is_int = 1;
        v->ival = b;
        return p;
    }
    if (b < 0xC0) {
        v->is_int = 0;
        v->len = (size_t)(b - EL_STR_SHORT);
        v->p = p;
        return p + v->len;
    }
    if (b <= EL_NEG + 8) {
        size_t n = b <= EL_POS + 8 ? (size_t)(b - EL_POS) : (size_t)(b - EL_NEG);
        uint64_t u = 0;
        for (size_t i = 0; i < n; i++) u |= (uint64_t)p[i] << (8 * i);
        v->is_int = 1;
        v->ival = b <= EL_POS + 8 ? (int64_t)u : -(int64_t)u - 1;
        return p + n;
    }
    uint64_t len;
    p = varint_get(p, &len);
    v->is_int = 0;
    v->len = (size_t)len;
    v->p = p;
    return p + len;
}

static inline const unsigned char *elem_skip(const unsigned char *p) {
    unsigned char b = *p;
    if (b < 0x80) return p + 1;
    if (b < 0xC0) return p + 1 + (b - EL_STR_SHORT);
    if (b <= EL_POS + 8) return p + 1 + (b - EL_POS);
    if (b <= EL_NEG + 8) return p + 1 + (b - EL_NEG);
    uint64_t len;
    p = varint_get(p + 1, &len);
    return p + len;
}

/* Whether the stored element equals the classified value (same text). */
static inline int elem_equals(const unsigned char *p, const ElemIn *e) {
    SsVal v;
    elem_get(p, &v);
    if (v.is_int != e->is_int) return 0;
    if (v.is_int) return v.ival == e->iv;
    return v.len == e->len && (e->len == 0 || memcmp(v.p, e->p, e->len) == 0);
}

/* The bytes of Valkey's listpack for node n: header, the two counters and
 * the rest (kept in n->vk_fixed). */
static inline size_t node_vk_total(const SsNode *n) {
    return 7 + vk_int_size((int64_t)n->live) + vk_int_size((int64_t)n->deleted) + n->vk_fixed;
}

/* A node pointer stored in an idtree value slot (unaligned). */
static inline void node_set(void *slot, SsNode *n) { memcpy(slot, &n, sizeof(n)); }

#endif
