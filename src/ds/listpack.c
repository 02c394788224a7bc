/* listpack.c - Valkey's listpack: a list of strings and integers in one
 * allocation, byte-for-byte in Valkey 8's format (see listpack.h).
 *
 * Entry encodings (first byte):
 *   0xxxxxxx               7-bit unsigned integer
 *   10xxxxxx + data        string of up to 63 bytes
 *   110xxxxx yyyyyyyy      13-bit signed integer (two's complement)
 *   1110xxxx yyyyyyyy      string of up to 4095 bytes (12-bit length)
 *   0xF0 + u32 len + data  longer string
 *   0xF1/F2/F3/F4          16/24/32/64-bit signed integer, little-endian
 *   0xFF                   terminator (never the first byte of an entry)
 * followed by the backlen: the size of encoding + data in 7-bit groups,
 * most significant first, every byte but the first with its high bit set,
 * so it can be read from its last byte backwards.
 *
 * Invariants kept by every write: the header total is the size; the count
 * is exact or 65535 (once 65535, only lp_length restores it, as Valkey
 * does, so the same operations give the same header); strings that are
 * canonical int64 text are stored as the smallest integer encoding.
 *
 * Safety: entry pointers handed out by navigation are checked to lie
 * within the listpack (cheap comparisons), so a listpack that passed only
 * the shallow validation aborts on corruption instead of being read out of
 * bounds; deep validation checks everything up front and never reads
 * outside the blob whatever its bytes. */
#include "listpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "unaligned.h"

#define LP_EOF 0xFF
#define LP_MAX_INT_ENC 9
#define LP_MAX_BACKLEN 5
#define LP_ENC_INT16 0xF1
#define LP_ENC_INT24 0xF2
#define LP_ENC_INT32 0xF3
#define LP_ENC_INT64 0xF4
#define LP_ENC_STR32 0xF0

/* ------------------------------------------------------------ failures */

/* A corrupt listpack reached a trusting path, or the API was misused:
 * stop before reading out of bounds, with a line saying why. */
static void lp_panic(const char *why) {
    fprintf(stderr, "listpack: %s\n", why);
    fflush(stderr);
    abort();
}

/* ---------------------------------------------------- little-endian bytes */

static inline uint32_t lp_load_le16(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static inline uint32_t lp_load_le24(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}
static inline uint32_t lp_load_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void lp_store_le32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t lp_total(const unsigned char *lp) {
    return lp_load_le32(lp);
}
static inline void lp_set_total(unsigned char *lp, uint32_t v) {
    lp_store_le32(lp, v);
}
static inline uint32_t lp_count(const unsigned char *lp) {
    return lp_load_le16(lp + 4);
}
static inline void lp_set_count(unsigned char *lp, uint32_t v) {
    if (v > LP_COUNT_UNKNOWN) v = LP_COUNT_UNKNOWN;
    lp[4] = (unsigned char)v;
    lp[5] = (unsigned char)(v >> 8);
}
/* Adjusts a known count; an unknown one stays unknown, and reaching 65535
 * makes it unknown (Valkey's header rule). */
static inline void lp_count_add(unsigned char *lp, int64_t delta) {
    uint32_t c = lp_count(lp);
    if (c == LP_COUNT_UNKNOWN) return;
    int64_t n = (int64_t)c + delta;
    if (n < 0) lp_panic("entry count went negative");
    lp_set_count(lp, n >= (int64_t)LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : (uint32_t)n);
}

/* ------------------------------------------------------------- encodings */

/* Bytes of type byte + length bytes for an entry starting with b; 0 for
 * bytes that start no entry (0xF5..0xFF). */
static inline unsigned lp_hdr_len(unsigned char b) {
    if (b < 0xE0) return 1;
    if (b < 0xF0) return 2;
    if (b == LP_ENC_STR32) return 5;
    if (b <= LP_ENC_INT64) return 1;
    return 0;
}

/* Size of encoding + data (the value the backlen stores); reads only the
 * header bytes. 0 for an invalid first byte. */
static inline uint64_t lp_enc_len(const unsigned char *p) {
    unsigned char b = p[0];
    if (b < 0x80) return 1;
    if (b < 0xC0) return 1 + (uint64_t)(b & 0x3F);
    if (b < 0xE0) return 2;
    if (b < 0xF0) return 2 + (((uint64_t)(b & 0x0F) << 8) | p[1]);
    switch (b) {
    case LP_ENC_STR32: return 5 + (uint64_t)lp_load_le32(p + 1);
    case LP_ENC_INT16: return 3;
    case LP_ENC_INT24: return 4;
    case LP_ENC_INT32: return 5;
    case LP_ENC_INT64: return 9;
    default: return 0;
    }
}

static unsigned lp_backlen_write(unsigned char *buf, uint64_t l) {
    unsigned n = lp_backlen_len(l);
    buf[0] = (unsigned char)(l >> (7 * (n - 1)));
    for (unsigned i = 1; i < n; i++) buf[i] = (unsigned char)(((l >> (7 * (n - 1 - i))) & 127) | 128);
    return n;
}

/* Reads a backlen whose last byte is at `last`, looking at no more than
 * `avail` bytes backwards (and never more than 5). UINT64_MAX when it is
 * malformed or would need more bytes than that. */
static inline uint64_t lp_backlen_read(const unsigned char *last, size_t avail) {
    uint64_t v = 0;
    for (unsigned i = 0; i < LP_MAX_BACKLEN && i < avail; i++) {
        unsigned char b = *(last - i);
        v |= (uint64_t)(b & 127) << (7 * i);
        if (!(b & 128)) return v;
    }
    return UINT64_MAX;
}

/* Whole size of a trusted entry. */
static inline size_t lp_entry_len(const unsigned char *p) {
    uint64_t e = lp_enc_len(p);
    return (size_t)(e + lp_backlen_len(e));
}

/* Size of the entry at p if it lies wholly before `end` (the terminator's
 * position; p < end), else 0. With check_back, the backlen must also be
 * exactly the canonical encoding of the entry's size. Reads nothing at or
 * past end. */
static uint64_t lp_entry_checked(const unsigned char *p, const unsigned char *end, int check_back) {
    size_t room = (size_t)(end - p);
    unsigned h = lp_hdr_len(p[0]);
    if (h == 0 || h > room) return 0;
    uint64_t e = lp_enc_len(p);
    unsigned bl = lp_backlen_len(e);
    uint64_t len = e + bl;
    if (len > room) return 0;
    if (check_back) {
        unsigned char want[LP_MAX_BACKLEN];
        lp_backlen_write(want, e);
        /* A loop, not memcmp: at most five bytes, on every entry of every
         * validated listpack (a call into libc costs more). */
        for (unsigned i = 0; i < bl; i++)
            if (p[e + i] != want[i]) return 0;
    }
    return len;
}

/* Aborts unless the entry at p (not the terminator) lies within lp. */
static inline void lp_check_entry(const unsigned char *lp, size_t total, const unsigned char *p) {
    if (p < lp + LP_HDR_SIZE || p >= lp + total - 1 ||
        lp_entry_checked(p, lp + total - 1, 0) == 0)
        lp_panic("corrupt listpack: entry out of bounds");
}

/* ------------------------------------------------------------- integers */

int lp_string_to_int64(const char *s, size_t len, int64_t *v) {
    if (len == 0 || len > 20) return 0;
    if (len == 1 && s[0] == '0') {
        if (v) *v = 0;
        return 1;
    }
    size_t i = 0;
    int neg = s[0] == '-';
    if (neg) {
        if (len == 1) return 0;
        i = 1;
    }
    /* No leading zero (so no "-0" either). */
    if (s[i] < '1' || s[i] > '9') return 0;
    uint64_t u = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)((unsigned char)s[i] - '0');
        if (d > 9) return 0;
        if (u > (UINT64_MAX - d) / 10) return 0;
        u = u * 10 + d;
    }
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1) return 0;
        if (v) *v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX) return 0;
        if (v) *v = (int64_t)u;
    }
    return 1;
}

static uint32_t lp_int64_to_str(char *buf, int64_t v) {
    char tmp[20];
    unsigned n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    uint32_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/* Sign-extends the low `bits` bits of u. */
static inline int64_t lp_sext(uint64_t u, unsigned bits) {
    if (bits < 64 && (u >> (bits - 1)) & 1) u |= ~(uint64_t)0 << bits;
    if (u <= (uint64_t)INT64_MAX) return (int64_t)u;
    return -(int64_t)(~u) - 1;
}

/* Value of an entry known to hold an integer encoding. */
static int64_t lp_decode_int(const unsigned char *p) {
    unsigned char b = p[0];
    if (b < 0x80) return b;
    if ((b & 0xE0) == 0xC0) return lp_sext(((uint64_t)(b & 0x1F) << 8) | p[1], 13);
    switch (b) {
    case LP_ENC_INT16: return lp_sext(lp_load_le16(p + 1), 16);
    case LP_ENC_INT24: return lp_sext(lp_load_le24(p + 1), 24);
    case LP_ENC_INT32: return lp_sext(lp_load_le32(p + 1), 32);
    case LP_ENC_INT64: return lp_sext(load_le64(p + 1), 64);
    default: lp_panic("corrupt listpack: not an entry"); return 0;
    }
}

/* ----------------------------------------------------- encoding a value */

/* An entry ready to be written: header (or the whole integer), the string
 * bytes if any, and the backlen. */
typedef struct LpEnc {
    unsigned char hdr[LP_MAX_INT_ENC];
    unsigned char back[LP_MAX_BACKLEN];
    unsigned hdr_len;
    unsigned back_len;
    const char *data;
    uint32_t data_len;
    uint64_t enc_len; /* hdr_len + data_len */
} LpEnc;

static void lp_enc_finish(LpEnc *e) {
    e->enc_len = (uint64_t)e->hdr_len + e->data_len;
    e->back_len = lp_backlen_write(e->back, e->enc_len);
}

/* The smallest integer encoding of v. */
static void lp_enc_int(LpEnc *e, int64_t v) {
    uint64_t u = (uint64_t)v;
    unsigned nbytes;
    e->data = NULL;
    e->data_len = 0;
    if (v >= 0 && v <= 127) {
        e->hdr[0] = (unsigned char)v;
        e->hdr_len = 1;
        lp_enc_finish(e);
        return;
    }
    if (v >= -4096 && v <= 4095) {
        e->hdr[0] = (unsigned char)(0xC0 | ((u >> 8) & 0x1F));
        e->hdr[1] = (unsigned char)u;
        e->hdr_len = 2;
        lp_enc_finish(e);
        return;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
        e->hdr[0] = LP_ENC_INT16;
        nbytes = 2;
    } else if (v >= -8388608 && v <= 8388607) {
        e->hdr[0] = LP_ENC_INT24;
        nbytes = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        e->hdr[0] = LP_ENC_INT32;
        nbytes = 4;
    } else {
        e->hdr[0] = LP_ENC_INT64;
        nbytes = 8;
    }
    for (unsigned i = 0; i < nbytes; i++) e->hdr[1 + i] = (unsigned char)(u >> (8 * i));
    e->hdr_len = 1 + nbytes;
    lp_enc_finish(e);
}

static void lp_enc_str(LpEnc *e, const char *s, size_t len) {
    int64_t v;
    if (lp_string_to_int64(s, len, &v)) {
        lp_enc_int(e, v);
        return;
    }
    if (len > UINT32_MAX - 16) lp_panic("string too long for a listpack");
    if (len < 64) {
        e->hdr[0] = (unsigned char)(0x80 | len);
        e->hdr_len = 1;
    } else if (len < 4096) {
        e->hdr[0] = (unsigned char)(0xE0 | (len >> 8));
        e->hdr[1] = (unsigned char)len;
        e->hdr_len = 2;
    } else {
        e->hdr[0] = LP_ENC_STR32;
        lp_store_le32(e->hdr + 1, (uint32_t)len);
        e->hdr_len = 5;
    }
    e->data = s;
    e->data_len = (uint32_t)len;
    lp_enc_finish(e);
}

static inline uint64_t lp_enc_size(const LpEnc *e) {
    return e->enc_len + e->back_len;
}

static void lp_enc_put(const LpEnc *e, unsigned char *dst) {
    memcpy(dst, e->hdr, e->hdr_len);
    if (e->data_len) memcpy(dst + e->hdr_len, e->data, e->data_len);
    memcpy(dst + e->enc_len, e->back, e->back_len);
}

/* 1 when s points into lp (a value read from the same listpack, which a
 * resize would move or overwrite before it is copied). */
static int lp_owns(const unsigned char *lp, const char *s) {
    uintptr_t a = (uintptr_t)lp, x = (uintptr_t)s;
    return x >= a && x < a + lp_total(lp);
}

size_t lp_entry_size_str(const char *s, size_t len) {
    LpEnc e;
    lp_enc_str(&e, s, len);
    return (size_t)lp_enc_size(&e);
}

size_t lp_entry_size_int(int64_t v) {
    LpEnc e;
    lp_enc_int(&e, v);
    return (size_t)lp_enc_size(&e);
}

/* --------------------------------------------------------------- whole */

unsigned char *lp_new(size_t capacity) {
    unsigned char *lp = mem_alloc(capacity > LP_HDR_SIZE + 1 ? capacity : LP_HDR_SIZE + 1);
    lp_set_total(lp, LP_HDR_SIZE + 1);
    lp_set_count(lp, 0);
    lp[LP_HDR_SIZE] = LP_EOF;
    return lp;
}

void lp_free(unsigned char *lp) {
    mem_free(lp);
}

unsigned char *lp_dup(const unsigned char *lp) {
    size_t n = lp_total(lp);
    unsigned char *d = mem_alloc(n);
    memcpy(d, lp, n);
    return d;
}

unsigned char *lp_shrink_to_fit(unsigned char *lp) {
    size_t n = lp_total(lp);
    if (n < mem_usable(lp)) return mem_realloc(lp, n);
    return lp;
}

size_t lp_bytes(const unsigned char *lp) {
    return lp_total(lp);
}

int lp_safe_to_add(const unsigned char *lp, size_t add_bytes) {
    size_t len = lp ? lp_total(lp) : 0;
    return add_bytes <= LP_MAX_SAFE_SIZE && len + add_bytes <= LP_MAX_SAFE_SIZE;
}

/* Replaces del bytes at offset off with add bytes of (uninitialized) room,
 * keeping everything after; grows before the move, shrinks after it. */
static unsigned char *lp_resize_at(unsigned char *lp, size_t off, size_t del, uint64_t add) {
    size_t old = lp_total(lp);
    uint64_t nsz = (uint64_t)old - del + add;
    if (nsz > UINT32_MAX) lp_panic("listpack would exceed 4 GB");
    if (nsz > old && nsz > mem_usable(lp)) lp = mem_realloc(lp, (size_t)nsz);
    if (del != add) memmove(lp + off + (size_t)add, lp + off + del, old - off - del);
    if (nsz < old) lp = mem_realloc(lp, (size_t)nsz);
    lp_set_total(lp, (uint32_t)nsz);
    return lp;
}

/* ------------------------------------------------------------ reading */

const char *lp_get(const unsigned char *p, int64_t *ival, uint32_t *slen) {
    unsigned char b = p[0];
    if ((b & 0xC0) == 0x80) {
        if (slen) *slen = b & 0x3F;
        return (const char *)p + 1;
    }
    if ((b & 0xF0) == 0xE0) {
        if (slen) *slen = ((uint32_t)(b & 0x0F) << 8) | p[1];
        return (const char *)p + 2;
    }
    if (b == LP_ENC_STR32) {
        if (slen) *slen = lp_load_le32(p + 1);
        return (const char *)p + 5;
    }
    int64_t v = lp_decode_int(p);
    if (ival) *ival = v;
    return NULL;
}

const char *lp_get_str(const unsigned char *p, char buf[LP_INTBUF_SIZE], uint32_t *len) {
    int64_t v;
    const char *s = lp_get(p, &v, len);
    if (s) return s;
    *len = lp_int64_to_str(buf, v);
    return buf;
}

void lp_get_entry(const unsigned char *p, LpEntry *e) {
    e->lval = 0;
    e->slen = 0;
    e->sval = lp_get(p, &e->lval, &e->slen);
}

int lp_get_int(const unsigned char *p, int64_t *v) {
    uint32_t len;
    const char *s = lp_get(p, v, &len);
    if (!s) return 1;
    return lp_string_to_int64(s, len, v);
}

size_t lp_entry_bytes(const unsigned char *p) {
    return lp_entry_len(p);
}

/* --------------------------------------------------------- navigation */

unsigned char *lp_first(unsigned char *lp) {
    unsigned char *p = lp + LP_HDR_SIZE;
    if (p[0] == LP_EOF) return NULL;
    lp_check_entry(lp, lp_total(lp), p);
    return p;
}

/* The entry after the (checked) entry p, or NULL at the terminator. */
static inline unsigned char *lp_step(const unsigned char *lp, size_t total, unsigned char *p) {
    unsigned char *q = p + lp_entry_len(p);
    if (q[0] == LP_EOF) return NULL;
    lp_check_entry(lp, total, q);
    return q;
}

unsigned char *lp_next(unsigned char *lp, unsigned char *p) {
    if (p[0] == LP_EOF) return NULL;
    return lp_step(lp, lp_total(lp), p);
}

unsigned char *lp_prev(unsigned char *lp, unsigned char *p) {
    if (p <= lp + LP_HDR_SIZE) return NULL;
    size_t avail = (size_t)(p - (lp + LP_HDR_SIZE));
    uint64_t v = lp_backlen_read(p - 1, avail);
    if (v == UINT64_MAX) lp_panic("corrupt listpack: bad backlen");
    uint64_t len = v + lp_backlen_len(v);
    if (len > avail) lp_panic("corrupt listpack: backlen out of bounds");
    unsigned char *q = p - (size_t)len;
    size_t total = lp_total(lp);
    if (q >= lp + total - 1 || lp_entry_checked(q, lp + total - 1, 0) != len)
        lp_panic("corrupt listpack: backlen disagrees with the entry");
    return q;
}

unsigned char *lp_last(unsigned char *lp) {
    return lp_prev(lp, lp + lp_total(lp) - 1);
}

uint32_t lp_length(unsigned char *lp) {
    uint32_t n = lp_count(lp);
    if (n != LP_COUNT_UNKNOWN) return n;
    size_t total = lp_total(lp);
    uint32_t c = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_step(lp, total, p)) c++;
    if (c < LP_COUNT_UNKNOWN) lp_set_count(lp, c);
    return c;
}

unsigned char *lp_seek(unsigned char *lp, long index) {
    uint32_t n = lp_count(lp);
    int forward = 1;
    if (n != LP_COUNT_UNKNOWN) {
        if (index < 0) index += (long)n;
        if (index < 0 || index >= (long)n) return NULL;
        /* Past the middle: walk from the tail, with a negative index. */
        if (index > (long)n / 2) {
            forward = 0;
            index -= (long)n;
        }
    } else if (index < 0) {
        forward = 0;
    }
    unsigned char *p;
    if (forward) {
        size_t total = lp_total(lp);
        for (p = lp_first(lp); p && index > 0; index--) p = lp_step(lp, total, p);
    } else {
        for (p = lp_last(lp); p && index < -1; index++) p = lp_prev(lp, p);
    }
    return p;
}

/* ------------------------------------------------------------ writing */

static unsigned char *lp_insert_enc(unsigned char *lp, const LpEnc *e, unsigned char *p, int where,
                                    unsigned char **newp) {
    if (where == LP_AFTER) {
        if (p[0] == LP_EOF) lp_panic("insert after the terminator");
        p += lp_entry_len(p);
    }
    size_t off = (size_t)(p - lp);
    lp = lp_resize_at(lp, off, 0, lp_enc_size(e));
    lp_enc_put(e, lp + off);
    lp_count_add(lp, 1);
    if (newp) *newp = lp + off;
    return lp;
}

static unsigned char *lp_replace_enc(unsigned char *lp, unsigned char **p, const LpEnc *e) {
    size_t off = (size_t)(*p - lp);
    lp = lp_resize_at(lp, off, lp_entry_len(*p), lp_enc_size(e));
    lp_enc_put(e, lp + off);
    *p = lp + off;
    return lp;
}

/* Runs an insert or replace of a string that may live inside lp itself
 * from a private copy. */
static unsigned char *lp_write_str(unsigned char *lp, const char *s, size_t len, unsigned char **p,
                                   int where, unsigned char **newp, int replace) {
    char *copy = NULL;
    if (len && lp_owns(lp, s)) {
        copy = mem_alloc(len);
        memcpy(copy, s, len);
        s = copy;
    }
    LpEnc e;
    lp_enc_str(&e, s, len);
    if (replace)
        lp = lp_replace_enc(lp, p, &e);
    else
        lp = lp_insert_enc(lp, &e, *p, where, newp);
    mem_free(copy);
    return lp;
}

unsigned char *lp_insert(unsigned char *lp, const char *s, size_t len, unsigned char *p, int where,
                         unsigned char **newp) {
    return lp_write_str(lp, s, len, &p, where, newp, 0);
}

unsigned char *lp_insert_int(unsigned char *lp, int64_t v, unsigned char *p, int where,
                             unsigned char **newp) {
    LpEnc e;
    lp_enc_int(&e, v);
    return lp_insert_enc(lp, &e, p, where, newp);
}

unsigned char *lp_append(unsigned char *lp, const char *s, size_t len) {
    unsigned char *eof = lp + lp_total(lp) - 1;
    return lp_write_str(lp, s, len, &eof, LP_BEFORE, NULL, 0);
}

unsigned char *lp_prepend(unsigned char *lp, const char *s, size_t len) {
    unsigned char *head = lp + LP_HDR_SIZE;
    return lp_write_str(lp, s, len, &head, LP_BEFORE, NULL, 0);
}

unsigned char *lp_append_int(unsigned char *lp, int64_t v) {
    return lp_insert_int(lp, v, lp + lp_total(lp) - 1, LP_BEFORE, NULL);
}

unsigned char *lp_prepend_int(unsigned char *lp, int64_t v) {
    return lp_insert_int(lp, v, lp + LP_HDR_SIZE, LP_BEFORE, NULL);
}

unsigned char *lp_replace(unsigned char *lp, unsigned char **p, const char *s, size_t len) {
    return lp_write_str(lp, s, len, p, LP_BEFORE, NULL, 1);
}

unsigned char *lp_replace_int(unsigned char *lp, unsigned char **p, int64_t v) {
    LpEnc e;
    lp_enc_int(&e, v);
    return lp_replace_enc(lp, p, &e);
}

unsigned char *lp_delete(unsigned char *lp, unsigned char *p, unsigned char **next) {
    if (p[0] == LP_EOF) lp_panic("delete of the terminator");
    size_t off = (size_t)(p - lp);
    lp = lp_resize_at(lp, off, lp_entry_len(p), 0);
    lp_count_add(lp, -1);
    if (next) *next = lp[off] == LP_EOF ? NULL : lp + off;
    return lp;
}

unsigned char *lp_delete_range_from(unsigned char *lp, unsigned char **p, uint64_t count) {
    if (count == 0) return lp;
    size_t total = lp_total(lp);
    unsigned char *first = *p, *tail = first;
    uint32_t deleted = 0;
    while (count-- && tail[0] != LP_EOF) {
        tail += lp_entry_len(tail);
        deleted++;
        if (tail[0] != LP_EOF) lp_check_entry(lp, total, tail);
    }
    size_t off = (size_t)(first - lp);
    memmove(first, tail, (size_t)(lp + total - tail));
    lp_set_total(lp, (uint32_t)(total - (size_t)(tail - first)));
    lp_count_add(lp, -(int64_t)deleted);
    lp = lp_shrink_to_fit(lp);
    *p = lp[off] == LP_EOF ? NULL : lp + off;
    return lp;
}

unsigned char *lp_delete_range(unsigned char *lp, long index, uint64_t count) {
    if (count == 0) return lp;
    uint32_t n = lp_count(lp);
    unsigned char *p = lp_seek(lp, index);
    if (!p) return lp;
    if (n != LP_COUNT_UNKNOWN) {
        if (index < 0) index += (long)n;
        /* Everything from p on goes: move the terminator, no walk. */
        if ((uint64_t)((long)n - index) <= count) {
            p[0] = LP_EOF;
            lp_set_total(lp, (uint32_t)(p - lp + 1));
            lp_set_count(lp, (uint32_t)index);
            return lp_shrink_to_fit(lp);
        }
    }
    return lp_delete_range_from(lp, &p, count);
}

unsigned char *lp_batch_delete(unsigned char *lp, unsigned char **ps, size_t n) {
    if (n == 0) return lp;
    size_t total = lp_total(lp);
    unsigned char *end = lp + total; /* one past the terminator */
    unsigned char *dst = ps[0];
    /* Slide each kept run (between one deleted entry and the next) down. */
    for (size_t i = 0; i < n; i++) {
        unsigned char *del = ps[i];
        if (del < lp + LP_HDR_SIZE || del >= end - 1) lp_panic("batch delete of a non-entry");
        unsigned char *keep = del + lp_entry_len(del);
        unsigned char *keep_end = i + 1 < n ? ps[i + 1] : end;
        if (keep_end < keep || keep_end > end) lp_panic("batch delete entries out of order");
        size_t k = (size_t)(keep_end - keep);
        if (k) {
            memmove(dst, keep, k);
            dst += k;
        }
    }
    lp_set_total(lp, (uint32_t)(dst - lp));
    lp_count_add(lp, -(int64_t)n);
    return lp_shrink_to_fit(lp);
}

unsigned char *lp_batch_insert(unsigned char *lp, unsigned char *p, int where,
                               const LpEntry *entries, size_t n, unsigned char **newp) {
    if (n == 0) {
        if (newp) *newp = NULL;
        return lp;
    }
    LpEnc local[8];
    LpEnc *enc = local;
    if (n > sizeof(local) / sizeof(local[0])) {
        if (n > SIZE_MAX / sizeof(LpEnc)) lp_panic("batch too large");
        enc = mem_alloc(n * sizeof(LpEnc));
    }
    /* Strings read from this same listpack are copied first: the resize
     * below moves them. */
    char *copies = NULL;
    size_t copy_bytes = 0;
    for (size_t i = 0; i < n; i++)
        if (entries[i].sval && entries[i].slen && lp_owns(lp, entries[i].sval))
            copy_bytes += entries[i].slen;
    if (copy_bytes) copies = mem_alloc(copy_bytes);
    char *cp = copies;
    uint64_t add = 0;
    for (size_t i = 0; i < n; i++) {
        const LpEntry *en = &entries[i];
        if (en->sval) {
            const char *s = en->sval;
            if (en->slen && lp_owns(lp, s)) {
                memcpy(cp, s, en->slen);
                s = cp;
                cp += en->slen;
            }
            lp_enc_str(&enc[i], s, en->slen);
        } else {
            lp_enc_int(&enc[i], en->lval);
        }
        add += lp_enc_size(&enc[i]);
    }
    if (where == LP_AFTER) {
        if (p[0] == LP_EOF) lp_panic("insert after the terminator");
        p += lp_entry_len(p);
    }
    size_t off = (size_t)(p - lp);
    lp = lp_resize_at(lp, off, 0, add);
    unsigned char *dst = lp + off;
    for (size_t i = 0; i < n; i++) {
        lp_enc_put(&enc[i], dst);
        dst += lp_enc_size(&enc[i]);
    }
    lp_count_add(lp, (int64_t)n);
    if (newp) *newp = lp + off;
    if (enc != local) mem_free(enc);
    mem_free(copies);
    return lp;
}

unsigned char *lp_batch_append(unsigned char *lp, const LpEntry *entries, size_t n) {
    return lp_batch_insert(lp, lp + lp_total(lp) - 1, LP_BEFORE, entries, n, NULL);
}

unsigned char *lp_merge(unsigned char **first, unsigned char **second) {
    unsigned char *a = *first, *b = *second;
    if (a == b) lp_panic("merge of a listpack with itself");
    uint64_t count = (uint64_t)lp_length(a) + lp_length(b);
    size_t ba = lp_total(a), bb = lp_total(b);
    uint64_t total = (uint64_t)ba + bb - LP_HDR_SIZE - 1;
    if (total > UINT32_MAX) lp_panic("listpack would exceed 4 GB");
    unsigned char *r;
    /* Grow the larger one, so the bigger copy can often be avoided. */
    if (ba >= bb) {
        r = mem_realloc(a, (size_t)total);
        memcpy(r + ba - 1, b + LP_HDR_SIZE, bb - LP_HDR_SIZE);
        mem_free(b);
    } else {
        r = mem_realloc(b, (size_t)total);
        memmove(r + ba - 1, r + LP_HDR_SIZE, bb - LP_HDR_SIZE);
        memcpy(r + LP_HDR_SIZE, a + LP_HDR_SIZE, ba - LP_HDR_SIZE - 1);
        mem_free(a);
    }
    lp_set_total(r, (uint32_t)total);
    lp_set_count(r, count >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : (uint32_t)count);
    *first = r;
    *second = NULL;
    return r;
}

/* ------------------------------------------------------------- search */

/* Entry at p (valid, not the terminator) against s/len; *needle_state is
 * 0 until the needle's integer form was computed, then 1 (has one, in
 * *needle) or -1 (has none). */
static inline int lp_matches(const unsigned char *p, const char *s, size_t len, int *needle_state,
                             int64_t *needle) {
    int64_t v;
    uint32_t slen;
    const char *str = lp_get(p, &v, &slen);
    if (str) return slen == len && (len == 0 || memcmp(str, s, len) == 0);
    if (*needle_state == 0) *needle_state = lp_string_to_int64(s, len, needle) ? 1 : -1;
    return *needle_state == 1 && *needle == v;
}

unsigned char *lp_find(unsigned char *lp, unsigned char *p, const char *s, size_t len,
                       unsigned int skip) {
    if (!p || p[0] == LP_EOF) return NULL;
    const unsigned char *end = lp + lp_total(lp) - 1;
    int needle_state = 0;
    int64_t needle = 0;
    unsigned int skipped = 0;
    /* Each entry's size is decoded (and bounds-checked) once, here. */
    if (p < lp + LP_HDR_SIZE || p >= end) lp_panic("corrupt listpack: entry out of bounds");
    uint64_t elen = lp_entry_checked(p, end, 0);
    for (;;) {
        if (elen == 0) lp_panic("corrupt listpack: entry out of bounds");
        if (skipped == 0) {
            if (lp_matches(p, s, len, &needle_state, &needle)) return p;
            skipped = skip;
        } else {
            skipped--;
        }
        p += (size_t)elen;
        if (p[0] == LP_EOF) return NULL;
        elen = lp_entry_checked(p, end, 0);
    }
}

int lp_compare(const unsigned char *p, const char *s, size_t len) {
    if (p[0] == LP_EOF) return 0;
    int state = 0;
    int64_t needle = 0;
    return lp_matches(p, s, len, &state, &needle);
}

/* ------------------------------------------------------------- random */

typedef struct LpPick {
    uint32_t index;
    uint32_t order;
} LpPick;

static int lp_pick_cmp(const void *a, const void *b) {
    uint32_t x = ((const LpPick *)a)->index, y = ((const LpPick *)b)->index;
    return (x > y) - (x < y);
}

unsigned char *lp_random_entry(unsigned char *lp, lp_rand_fn rand64) {
    uint32_t n = lp_length(lp);
    if (n == 0) return NULL;
    return lp_seek(lp, (long)(rand64() % n));
}

/* Draws count indexes (step apart: 1 for entries, 2 for pairs) and fills
 * keys (and vals: the entry after each) in draw order, in one pass. */
static void lp_random_fill(unsigned char *lp, uint32_t count, uint32_t slots, uint32_t step,
                           lp_rand_fn rand64, LpEntry *keys, LpEntry *vals) {
    if (count == 0) return;
    if (slots == 0) lp_panic("random pick from an empty listpack");
    LpPick *picks = mem_alloc((size_t)count * sizeof(LpPick));
    for (uint32_t i = 0; i < count; i++) {
        picks[i].index = (uint32_t)(rand64() % slots) * step;
        picks[i].order = i;
    }
    qsort(picks, count, sizeof(LpPick), lp_pick_cmp);
    size_t total = lp_total(lp);
    unsigned char *p = lp_first(lp);
    uint32_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        while (at < picks[i].index) {
            p = lp_step(lp, total, p);
            if (!p) lp_panic("listpack shorter than its count");
            at++;
        }
        lp_get_entry(p, &keys[picks[i].order]);
        if (vals) {
            unsigned char *v = lp_step(lp, total, p);
            if (!v) lp_panic("listpack pair without a value");
            lp_get_entry(v, &vals[picks[i].order]);
        }
    }
    mem_free(picks);
}

void lp_random_entries(unsigned char *lp, uint32_t count, lp_rand_fn rand64, LpEntry *out) {
    lp_random_fill(lp, count, lp_length(lp), 1, rand64, out, NULL);
}

void lp_random_pair(unsigned char *lp, uint32_t pair_count, lp_rand_fn rand64, LpEntry *key,
                    LpEntry *val) {
    if (pair_count == 0) lp_panic("random pair from an empty listpack");
    uint64_t r = rand64() % pair_count;
    unsigned char *p = lp_seek(lp, (long)(2 * r));
    if (!p) lp_panic("listpack shorter than its pair count");
    lp_get_entry(p, key);
    if (!val) return;
    p = lp_next(lp, p);
    if (!p) lp_panic("listpack pair without a value");
    lp_get_entry(p, val);
}

void lp_random_pairs(unsigned char *lp, uint32_t count, lp_rand_fn rand64, LpEntry *keys,
                     LpEntry *vals) {
    lp_random_fill(lp, count, lp_length(lp) / 2, 2, rand64, keys, vals);
}

static unsigned char *lp_next_random_in(unsigned char *lp, size_t total, uint32_t length,
                                        unsigned char *p, uint32_t *index, uint32_t remaining,
                                        int even_only, lp_rand_fn rand64) {
    uint32_t i = *index;
    while (p && i < length) {
        if (even_only && (i & 1)) {
            p = lp_step(lp, total, p);
            i++;
            continue;
        }
        /* Candidates left from here on, this one included: pick it with
         * probability remaining/available, which makes every subset of
         * `remaining` candidates equally likely. */
        uint32_t available = even_only ? (length - i + 1) / 2 : length - i;
        if (remaining >= available || rand64() % available < remaining) {
            *index = i;
            return p;
        }
        p = lp_step(lp, total, p);
        i++;
    }
    return NULL;
}

unsigned char *lp_next_random(unsigned char *lp, unsigned char *p, uint32_t *index,
                              uint32_t remaining, int even_only, lp_rand_fn rand64) {
    if (remaining == 0) return NULL;
    return lp_next_random_in(lp, lp_total(lp), lp_length(lp), p, index, remaining, even_only,
                             rand64);
}

uint32_t lp_random_pairs_unique(unsigned char *lp, uint32_t count, lp_rand_fn rand64,
                                LpEntry *keys, LpEntry *vals) {
    uint32_t length = lp_length(lp);
    uint32_t pairs = length / 2;
    if (count > pairs) count = pairs;
    size_t total = lp_total(lp);
    unsigned char *p = lp_first(lp);
    uint32_t index = 0, picked = 0;
    while (picked < count) {
        p = lp_next_random_in(lp, total, length, p, &index, count - picked, 1, rand64);
        if (!p) lp_panic("listpack shorter than its count");
        lp_get_entry(p, &keys[picked]);
        p = lp_step(lp, total, p);
        if (!p) lp_panic("listpack pair without a value");
        if (vals) lp_get_entry(p, &vals[picked]);
        p = lp_step(lp, total, p);
        index += 2;
        picked++;
    }
    return picked;
}

/* ------------------------------------------------ building front to back */

/* lp_put_int beyond the two one-byte-header encodings (inline). */
size_t lp_put_int_wide(unsigned char *dst, int64_t v) {
    LpEnc e;
    lp_enc_int(&e, v);
    lp_enc_put(&e, dst);
    return (size_t)lp_enc_size(&e);
}

size_t lp_put_str(unsigned char *dst, const char *s, size_t len) {
    if (len < 64 && !(len && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-'))) {
        /* The common case: a short string that cannot be an integer. */
        dst[0] = (unsigned char)(0x80 | len);
        if (len) memcpy(dst + 1, s, len);
        dst[1 + len] = (unsigned char)(1 + len);
        return len + 2;
    }
    LpEnc e;
    lp_enc_str(&e, s, len);
    lp_enc_put(&e, dst);
    return (size_t)lp_enc_size(&e);
}

size_t lp_put_finish(unsigned char *lp, unsigned char *end, uint64_t count) {
    *end = LP_EOF;
    uint64_t total = (uint64_t)(end - lp) + 1; /* 64-bit: the check means something on 32-bit targets too */
    if (total > UINT32_MAX) lp_panic("listpack would exceed 4 GB");
    lp_set_total(lp, (uint32_t)total);
    lp_set_count(lp, count >= LP_COUNT_UNKNOWN ? LP_COUNT_UNKNOWN : (uint32_t)count);
    return (size_t)total;
}

/* ---------------------------------------------- reading front to back */

int lp_reader_init(LpReader *r, const unsigned char *lp, size_t size) {
    if (size < LP_HDR_SIZE + 1 || lp_total(lp) != size || lp[size - 1] != LP_EOF) return 0;
    r->p = lp + LP_HDR_SIZE;
    r->end = lp + size - 1;
    return 1;
}

/* lp_reader_next past its inline cases. */
int lp_reader_next_slow(LpReader *r, LpEntry *e) {
    const unsigned char *p = r->p;
    if (p == r->end) return 0;
    if (p[0] == LP_EOF) return -1; /* a terminator before the end */
    uint64_t len = lp_entry_checked(p, r->end, 1);
    if (len == 0) return -1;
    lp_get_entry(p, e);
    r->p = p + (size_t)len;
    return 1;
}

long lp_read_all(const unsigned char *lp, size_t size, LpEntry **out, size_t room) {
    LpReader r;
    LpEntry *first = *out, *e = first;
    if (!lp_reader_init(&r, lp, size)) return -1;
    size_t n = 0;
    int rc;
    for (;;) {
        if (n == room) {
            size_t ncap = room * 2 + 16;
            LpEntry *ne = mem_alloc(ncap * sizeof(*ne));
            if (n) memcpy(ne, e, n * sizeof(*ne));
            if (e != first) mem_free(e);
            e = ne;
            room = ncap;
            *out = e;
        }
        if ((rc = lp_reader_next(&r, &e[n])) != 1) break;
        n++;
    }
    uint32_t head = lp_reader_count(lp);
    if (rc < 0 || (head != LP_COUNT_UNKNOWN && head != n)) return -1;
    return (long)n;
}

/* ---------------------------------------------------------- validation */

unsigned char *lp_validate_first(unsigned char *lp) {
    unsigned char *p = lp + LP_HDR_SIZE;
    return p[0] == LP_EOF ? NULL : p;
}

int lp_validate_next(unsigned char *lp, unsigned char **pp, size_t lpbytes) {
    unsigned char *p = *pp;
    if (!p || lpbytes < LP_HDR_SIZE + 1) return 0;
    if (p < lp + LP_HDR_SIZE || p > lp + lpbytes - 1) return 0;
    if (p[0] == LP_EOF) {
        *pp = NULL;
        return 1;
    }
    uint64_t len = lp_entry_checked(p, lp + lpbytes - 1, 1);
    if (len == 0) return 0;
    *pp = p + (size_t)len;
    return 1;
}

int lp_validate_integrity(unsigned char *lp, size_t size, int deep, lp_validate_entry_fn entry_cb,
                          void *cb_data) {
    if (size < LP_HDR_SIZE + 1) return 0;
    if (lp_total(lp) != size) return 0;
    if (lp[size - 1] != LP_EOF) return 0;
    if (!deep) return 1;
    uint32_t head = lp_count(lp);
    uint32_t seen = 0;
    /* The one-pass reader: the same checks as lp_validate_next, the
     * common small entries inline; it ends only at the terminator. */
    LpReader r = {lp + LP_HDR_SIZE, lp + size - 1};
    LpEntry e;
    if (!entry_cb) {
        /* Without a callback nothing needs decoding: 7-bit integers and
         * short strings (most entries) are only stepped over, with the
         * reader's checks; far from the end (a short string takes at most
         * 65 bytes) the bounds cannot fail, so only the backlens are
         * checked.  Anything else, and the last bytes, go to the reader. */
        const unsigned char *p = r.p, *end = r.end;
        while (end - p > 65) {
            unsigned char b = p[0];
            if (b < 0x80) {
                if (p[1] != 1) break;
                p += 2;
            } else if (b < 0xC0) {
                size_t l = b & 0x3F;
                if (p[1 + l] != l + 1) break;
                p += l + 2;
            } else {
                break;
            }
            seen++;
        }
        r.p = p;
    }
    for (;;) {
        unsigned char *entry = (unsigned char *)r.p;
        int rc = lp_reader_next(&r, &e);
        if (rc < 0) return 0;
        if (rc == 0) break;
        if (entry_cb && !entry_cb(entry, head, cb_data)) return 0;
        seen++;
    }
    if (head != LP_COUNT_UNKNOWN && head != seen) return 0;
    return 1;
}
