/* intset.c - sorted integer set in Valkey's blob layout (see intset.h).
 *
 * The set is a plain byte buffer; header fields and elements are read and
 * written through the little-endian helpers below, byte by byte in the
 * source, so the code is alignment-safe and gives identical bytes on big-
 * and little-endian hosts (compilers merge the byte accesses into single
 * loads where the target allows it).  Lookups are binary searches; inserts
 * and removals move the tail with memmove and resize the allocation to the
 * exact blob size, because small memory matters more here than the cost of
 * a realloc per change (sets switch to a hash table past
 * set-max-intset-entries anyway). */
#include "intset.h"

#include <string.h>

#include "alloc.h"

/* ---- little-endian loads and stores of 16 and 32 bits (unaligned.h has
 * only the 64-bit ones). */

static inline uint16_t le16_load(const uint8_t *p) {
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t le32_load(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64_load(const uint8_t *p) {
    return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

static inline void le16_store(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void le32_store(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void le64_store(uint8_t *p, uint64_t v) {
    le32_store(p, (uint32_t)v);
    le32_store(p + 4, (uint32_t)(v >> 32));
}

/* ---- raw access */

static inline uint8_t *bytes_of(Intset *is) {
    return (uint8_t *)is;
}

static inline const uint8_t *cbytes_of(const Intset *is) {
    return (const uint8_t *)is;
}

static inline uint32_t hdr_encoding(const uint8_t *b) {
    return le32_load(b);
}

static inline uint32_t hdr_length(const uint8_t *b) {
    return le32_load(b + 4);
}

/* Element pos of a body of the given encoding. */
static inline int64_t elem_get(const uint8_t *body, uint32_t enc, uint32_t pos) {
    const uint8_t *p = body + (size_t)pos * enc;
    if (enc == INTSET_ENC_INT16) return (int16_t)le16_load(p);
    if (enc == INTSET_ENC_INT32) return (int32_t)le32_load(p);
    return (int64_t)le64_load(p);
}

static inline void elem_set(uint8_t *body, uint32_t enc, uint32_t pos, int64_t v) {
    uint8_t *p = body + (size_t)pos * enc;
    if (enc == INTSET_ENC_INT16) le16_store(p, (uint16_t)v);
    else if (enc == INTSET_ENC_INT32) le32_store(p, (uint32_t)v);
    else le64_store(p, (uint64_t)v);
}

/* The narrowest encoding that holds v. */
static uint32_t value_encoding(int64_t v) {
    if (v < INT32_MIN || v > INT32_MAX) return INTSET_ENC_INT64;
    if (v < INT16_MIN || v > INT16_MAX) return INTSET_ENC_INT32;
    return INTSET_ENC_INT16;
}

static size_t blob_size(uint32_t enc, uint32_t len) {
    return INTSET_HEADER_SIZE + (size_t)len * enc;
}

/* ---- public API */

Intset *intset_new(void) {
    uint8_t *b = mem_alloc(INTSET_HEADER_SIZE);
    le32_store(b, INTSET_ENC_INT16);
    le32_store(b + 4, 0);
    return (Intset *)b;
}

void intset_free(Intset *is) {
    mem_free(is);
}

Intset *intset_from_blob(const void *blob, size_t size) {
    uint8_t *b = mem_alloc(size);
    memcpy(b, blob, size);
    return (Intset *)b;
}

Intset *intset_dup(const Intset *is) {
    return intset_from_blob(is, intset_bytes(is));
}

uint32_t intset_len(const Intset *is) {
    return hdr_length(cbytes_of(is));
}

uint32_t intset_encoding(const Intset *is) {
    return hdr_encoding(cbytes_of(is));
}

size_t intset_bytes(const Intset *is) {
    const uint8_t *b = cbytes_of(is);
    return blob_size(hdr_encoding(b), hdr_length(b));
}

int intset_search(const Intset *is, int64_t v, uint32_t *pos) {
    const uint8_t *b = cbytes_of(is);
    const uint8_t *body = b + INTSET_HEADER_SIZE;
    uint32_t enc = hdr_encoding(b), len = hdr_length(b);
    /* Appending in order (the common way sets are built) and values out of
     * range skip the search. */
    if (len == 0 || v > elem_get(body, enc, len - 1)) {
        *pos = len;
        return 0;
    }
    if (v < elem_get(body, enc, 0)) {
        *pos = 0;
        return 0;
    }
    /* Invariant: elements before lo are < v, elements from hi on are >= v. */
    uint32_t lo = 0, hi = len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (elem_get(body, enc, mid) < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return lo < len && elem_get(body, enc, lo) == v;
}

int intset_find(const Intset *is, int64_t v) {
    /* A value wider than the encoding cannot be present. */
    if (value_encoding(v) > intset_encoding(is)) return 0;
    uint32_t pos;
    return intset_search(is, v, &pos);
}

int intset_get(const Intset *is, uint32_t pos, int64_t *v) {
    const uint8_t *b = cbytes_of(is);
    if (pos >= hdr_length(b)) return 0;
    *v = elem_get(b + INTSET_HEADER_SIZE, hdr_encoding(b), pos);
    return 1;
}

int64_t intset_min(const Intset *is) {
    int64_t v = 0;
    intset_get(is, 0, &v);
    return v;
}

int64_t intset_max(const Intset *is) {
    int64_t v = 0;
    uint32_t len = intset_len(is);
    if (len) intset_get(is, len - 1, &v);
    return v;
}

int64_t intset_random(const Intset *is, uint64_t (*rand64)(void)) {
    int64_t v = 0;
    uint32_t len = intset_len(is);
    if (len) intset_get(is, (uint32_t)(rand64() % len), &v);
    return v;
}

/* v is wider than every element, so it is either below all of them (when
 * negative) or above all of them: widen the elements in place, last to
 * first so no element is overwritten before it is read, then put v at the
 * matching end. */
static Intset *upgrade_and_add(Intset *is, uint32_t new_enc, int64_t v) {
    uint8_t *b = bytes_of(is);
    uint32_t old_enc = hdr_encoding(b), len = hdr_length(b);
    uint32_t front = v < 0 ? 1 : 0;
    b = mem_realloc(b, blob_size(new_enc, len + 1));
    uint8_t *body = b + INTSET_HEADER_SIZE;
    for (uint32_t i = len; i-- > 0;)
        elem_set(body, new_enc, i + front, elem_get(body, old_enc, i));
    elem_set(body, new_enc, front ? 0 : len, v);
    le32_store(b, new_enc);
    le32_store(b + 4, len + 1);
    return (Intset *)b;
}

Intset *intset_add(Intset *is, int64_t v, int *added) {
    uint32_t enc = intset_encoding(is), need = value_encoding(v);
    if (added) *added = 1;
    if (need > enc) return upgrade_and_add(is, need, v);

    uint32_t pos;
    if (intset_search(is, v, &pos)) {
        if (added) *added = 0;
        return is;
    }
    uint32_t len = intset_len(is);
    uint8_t *b = mem_realloc(bytes_of(is), blob_size(enc, len + 1));
    uint8_t *body = b + INTSET_HEADER_SIZE;
    memmove(body + (size_t)(pos + 1) * enc, body + (size_t)pos * enc, (size_t)(len - pos) * enc);
    elem_set(body, enc, pos, v);
    le32_store(b + 4, len + 1);
    return (Intset *)b;
}

Intset *intset_remove(Intset *is, int64_t v, int *removed) {
    uint8_t *b = bytes_of(is);
    uint32_t enc = hdr_encoding(b), len = hdr_length(b), pos;
    if (value_encoding(v) > enc || !intset_search(is, v, &pos)) {
        if (removed) *removed = 0;
        return is;
    }
    if (removed) *removed = 1;
    uint8_t *body = b + INTSET_HEADER_SIZE;
    memmove(body + (size_t)pos * enc, body + (size_t)(pos + 1) * enc, (size_t)(len - pos - 1) * enc);
    le32_store(b + 4, len - 1);
    return (Intset *)mem_realloc(b, blob_size(enc, len - 1));
}

int intset_validate(const void *blob, size_t size, int deep) {
    const uint8_t *b = blob;
    if (size < INTSET_HEADER_SIZE) return 0;
    uint32_t enc = hdr_encoding(b), len = hdr_length(b);
    if (enc != INTSET_ENC_INT16 && enc != INTSET_ENC_INT32 && enc != INTSET_ENC_INT64) return 0;
    /* In 64 bits, so a huge length cannot wrap around on 32-bit hosts. */
    if ((uint64_t)INTSET_HEADER_SIZE + (uint64_t)len * enc != (uint64_t)size) return 0;
    if (len == 0) return 0;
    if (!deep) return 1;
    const uint8_t *body = b + INTSET_HEADER_SIZE;
    /* One loop per encoding (RDB loads check every intset this way). */
#define INTSET_ORDERED(ENC)                                        \
    do {                                                           \
        int64_t prev = elem_get(body, ENC, 0);                     \
        for (uint32_t i = 1; i < len; i++) {                       \
            int64_t cur = elem_get(body, ENC, i);                  \
            if (cur <= prev) return 0;                             \
            prev = cur;                                            \
        }                                                          \
    } while (0)
    if (enc == INTSET_ENC_INT16) INTSET_ORDERED(INTSET_ENC_INT16);
    else if (enc == INTSET_ENC_INT32) INTSET_ORDERED(INTSET_ENC_INT32);
    else INTSET_ORDERED(INTSET_ENC_INT64);
#undef INTSET_ORDERED
    return 1;
}
