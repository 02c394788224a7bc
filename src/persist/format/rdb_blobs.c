/* rdb_blobs.c - listpack checks, ziplist and zipmap conversion (see
 * rdb_blobs.h).
 *
 * Ziplist layout (all little-endian): u32 total bytes, u32 offset of the
 * last entry, u16 count (65535: count by walking), entries, 0xFF.  An
 * entry is the previous entry's size (1 byte below 254, else 0xFE and 4
 * bytes), an encoding, and the data: 00llllll / 01llllll llllllll (big-
 * endian) / 10000000 + 4 bytes (big-endian) for strings; 0xC0 int16,
 * 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8, 0xF1..0xFD the values
 * 0..12 inline.
 *
 * Zipmap layout: a count byte (254 or more: unknown), then field and
 * value, each a length (1 byte below 254, else 0xFE and 4 bytes) and the
 * bytes, the value preceded by a byte of unused space after it; 0xFF
 * ends it. */
#include "rdb_blobs.h"

#include <string.h>

#include "../../ds/alloc.h"
#include "../../ds/intset.h"
#include "../../ds/listpack.h"
#include "../../ds/unaligned.h"
#include "../../../deps/numconv/numconv.h"
#include "../../../deps/siphash/siphash.h"

static uint8_t hash_seed[16] = {0x52, 0x44, 0x42, 0x66, 0x6f, 0x72, 0x6d, 0x61,
                                0x74, 0x2d, 0x64, 0x75, 0x70, 0x73, 0x21, 0x0a};

void rdbf_set_hash_seed(const uint8_t seed[16]) {
    memcpy(hash_seed, seed, 16);
}

static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------ uniqueness */

typedef struct DupSlot {
    uint64_t hash;
    const unsigned char *entry; /* NULL: empty slot */
} DupSlot;

static int entries_equal(const unsigned char *a, const unsigned char *b) {
    char ba[LP_INTBUF_SIZE], bb[LP_INTBUF_SIZE];
    uint32_t la, lb;
    const char *sa = lp_get_str(a, ba, &la);
    const char *sb = lp_get_str(b, bb, &lb);
    return la == lb && memcmp(sa, sb, la) == 0;
}

/* Few elements: compared pairwise, which beats hashing them. */
#define UNIQUE_SMALL 16

static int unique_small(unsigned char *lp, int pairs) {
    const char *s[UNIQUE_SMALL];
    uint32_t len[UNIQUE_SMALL];
    char bufs[UNIQUE_SMALL][LP_INTBUF_SIZE];
    int k = 0, i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        if (pairs && (i & 1)) continue;
        s[k] = lp_get_str(p, bufs[k], &len[k]);
        for (int j = 0; j < k; j++)
            /* The last byte first: keys like field0..field9 differ
             * there, and it spares a memcmp call per pair. */
            if (len[j] == len[k] && (len[k] == 0 || (s[j][len[k] - 1] == s[k][len[k] - 1] &&
                                                     memcmp(s[j], s[k], len[k]) == 0)))
                return 0;
        k++;
    }
    return 1;
}

int rdbf_listpack_unique(unsigned char *lp, int pairs) {
    uint32_t n = lp_length(lp);
    uint32_t keys = pairs ? (n + 1) / 2 : n;
    if (keys < 2) return 1;
    if (keys <= UNIQUE_SMALL) return unique_small(lp, pairs);
    size_t cap = 4;
    while (cap < (size_t)keys * 2) cap *= 2;
    DupSlot *t = mem_calloc(cap * sizeof(DupSlot));
    int ok = 1;
    uint32_t i = 0;
    for (unsigned char *p = lp_first(lp); p && ok; p = lp_next(lp, p), i++) {
        if (pairs && (i & 1)) continue;
        char buf[LP_INTBUF_SIZE];
        uint32_t len;
        const char *s = lp_get_str(p, buf, &len);
        uint64_t h = siphash13(s, len, hash_seed);
        for (size_t k = h & (cap - 1);; k = (k + 1) & (cap - 1)) {
            if (!t[k].entry) {
                t[k].hash = h;
                t[k].entry = p;
                break;
            }
            if (t[k].hash == h && entries_equal(t[k].entry, p)) {
                ok = 0;
                break;
            }
        }
    }
    mem_free(t);
    return ok;
}

const char *rdbf_check_listpack(unsigned char *lp, size_t size, unsigned flags) {
    if (!lp_validate_integrity(lp, size, 1, NULL, NULL)) return "Listpack integrity check failed.";
    uint32_t n = lp_length(lp);
    if ((flags & RDBF_NONEMPTY) && n == 0) return "Empty listpack";
    if ((flags & RDBF_PAIRS) && (n & 1)) return "Listpack with an odd number of entries where pairs belong";
    if ((flags & RDBF_UNIQUE) && !rdbf_listpack_unique(lp, (flags & RDBF_PAIRS) != 0))
        return "Listpack with duplicate elements";
    return NULL;
}

/* --------------------------------------------------------------- ziplist */

#define ZL_HEADER 10
#define ZL_END 0xFF

/* One ziplist entry parsed within [p, end): its total size and value. */
typedef struct ZlEntry {
    size_t prevlen, size;
    const unsigned char *s; /* string bytes, or NULL for an integer */
    size_t slen;
    int64_t v;
} ZlEntry;

/* Parses the entry at p; 0 when it does not fit or is malformed. */
static int zl_entry(const unsigned char *p, const unsigned char *end, ZlEntry *e) {
    size_t avail = (size_t)(end - p);
    if (avail < 2) return 0;
    size_t h;
    if (p[0] < 254) {
        e->prevlen = p[0];
        h = 1;
    } else if (p[0] == 254) {
        if (avail < 5) return 0;
        e->prevlen = le32(p + 1);
        h = 5;
    } else {
        return 0;
    }
    if (h >= avail) return 0;
    unsigned enc = p[h];
    size_t dlen = 0, elen = 1;
    e->s = NULL;
    switch (enc >> 6) {
    case 0:
        dlen = enc & 0x3f;
        e->s = p + h + 1;
        break;
    case 1:
        if (h + 2 > avail) return 0;
        dlen = ((size_t)(enc & 0x3f) << 8) | p[h + 1];
        elen = 2;
        e->s = p + h + 2;
        break;
    case 2:
        if (enc != 0x80 || h + 5 > avail) return 0;
        dlen = (size_t)p[h + 1] << 24 | (size_t)p[h + 2] << 16 | (size_t)p[h + 3] << 8 | p[h + 4];
        elen = 5;
        e->s = p + h + 5;
        break;
    default:
        if (enc == 0xC0) dlen = 2;
        else if (enc == 0xD0) dlen = 4;
        else if (enc == 0xE0) dlen = 8;
        else if (enc == 0xF0) dlen = 3;
        else if (enc == 0xFE) dlen = 1;
        else if (enc >= 0xF1 && enc <= 0xFD) dlen = 0;
        else return 0;
    }
    if (dlen > avail || h + elen + dlen > avail) return 0;
    e->size = h + elen + dlen;
    if (e->s) {
        e->slen = dlen;
        return 1;
    }
    const unsigned char *d = p + h + 1;
    switch (enc) {
    case 0xC0: e->v = (int16_t)(uint16_t)(d[0] | (unsigned)d[1] << 8); break;
    case 0xD0: e->v = (int32_t)le32(d); break;
    case 0xE0: e->v = (int64_t)load_le64(d); break;
    case 0xF0: {
        uint32_t u = (uint32_t)d[0] << 8 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 24;
        e->v = (int32_t)u >> 8;
        break;
    }
    case 0xFE: e->v = (int8_t)d[0]; break;
    default: e->v = (int64_t)(enc & 0x0f) - 1;
    }
    return 1;
}

unsigned char *rdbf_ziplist_to_listpack(const unsigned char *zl, size_t size, unsigned flags, const char **why) {
    *why = "Ziplist integrity check failed.";
    if (size < ZL_HEADER + 1 || le32(zl) != size || zl[size - 1] != ZL_END) return NULL;
    size_t tail = le32(zl + 4);
    unsigned head_count = (unsigned)zl[8] | (unsigned)zl[9] << 8;
    if (tail < ZL_HEADER || tail >= size) return NULL;
    const unsigned char *end = zl + size - 1;
    const unsigned char *p = zl + ZL_HEADER, *last = NULL;
    size_t prev_size = 0;
    uint64_t count = 0;
    unsigned char *lp = lp_new(size);
    while (p < end) {
        ZlEntry e;
        if (!zl_entry(p, end, &e) || e.prevlen != prev_size) goto bad;
        if (e.s) lp = lp_append(lp, (const char *)e.s, e.slen);
        else lp = lp_append_int(lp, e.v);
        if (!lp_safe_to_add(lp, 0)) goto bad;
        last = p;
        prev_size = e.size;
        p += e.size;
        count++;
    }
    if (p != end) goto bad;
    /* The tail offset names the last entry (the terminator when empty). */
    if ((last ? (size_t)(last - zl) : ZL_HEADER) != tail) goto bad;
    if (head_count != 65535 && head_count != count) goto bad;
    const char *err = rdbf_check_listpack(lp, lp_bytes(lp), flags);
    if (err) {
        *why = err;
        goto bad;
    }
    *why = NULL;
    return lp_shrink_to_fit(lp);
bad:
    lp_free(lp);
    return NULL;
}

/* ---------------------------------------------------------------- zipmap */

/* A zipmap length at *pp (advanced), or 0 with *ok = 0. */
static size_t zm_len(const unsigned char **pp, const unsigned char *end, int *ok) {
    const unsigned char *p = *pp;
    if (p >= end) {
        *ok = 0;
        return 0;
    }
    if (p[0] < 254) {
        *pp = p + 1;
        return p[0];
    }
    if (p[0] != 254 || end - p < 5) {
        *ok = 0;
        return 0;
    }
    *pp = p + 5;
    return le32(p + 1);
}

unsigned char *rdbf_zipmap_to_listpack(const unsigned char *zm, size_t size, const char **why) {
    *why = "Zipmap integrity check failed.";
    if (size < 2 || zm[size - 1] != 0xFF) return NULL;
    const unsigned char *p = zm + 1, *end = zm + size - 1;
    unsigned head_count = zm[0];
    uint64_t count = 0;
    unsigned char *lp = lp_new(size);
    while (p < end) {
        int ok = 1;
        size_t flen = zm_len(&p, end, &ok);
        if (!ok || flen > (size_t)(end - p)) goto bad;
        const unsigned char *f = p;
        p += flen;
        size_t vlen = zm_len(&p, end, &ok);
        if (!ok || p >= end) goto bad;
        unsigned free_bytes = *p++;
        if (vlen > (size_t)(end - p) || free_bytes > (size_t)(end - p) - vlen) goto bad;
        const unsigned char *v = p;
        p += vlen + free_bytes;
        lp = lp_append(lp, (const char *)f, flen);
        lp = lp_append(lp, (const char *)v, vlen);
        if (!lp_safe_to_add(lp, 0)) goto bad;
        count++;
    }
    if (p != end) goto bad;
    if (head_count < 254 && head_count != count) goto bad;
    if (!rdbf_listpack_unique(lp, 1)) {
        *why = "Hash zipmap with dup elements";
        goto bad;
    }
    *why = NULL;
    return lp_shrink_to_fit(lp);
bad:
    lp_free(lp);
    return NULL;
}

/* ---------------------------------------------------------------- intset */

const char *rdbf_check_intset(const unsigned char *is, size_t size) {
    return intset_validate(is, size, 1) ? NULL : "Intset integrity check failed.";
}
