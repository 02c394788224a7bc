/* pairpack.h - a small ordered list of field/value pairs in one
 * allocation, front-coded: the in-memory form of hashes that Valkey keeps
 * as a listpack ("OBJECT ENCODING" still says listpack; RDB/DUMP convert
 * to Valkey's listpack bytes when writing).
 *
 * Why not the listpack itself: a listpack spends 2 bytes of framing per
 * string and stores every byte of every string.  Fields of one hash often
 * share a prefix with the previous field ("field1", "field2", "user:name",
 * "user:mail") and values with the previous value, so each string here is
 * stored as (bytes shared with the previous string of its column, the rest),
 * usually behind a single header byte.  Ten "fieldN"/"value1234N" pairs take
 * 61 bytes (a 64-byte block) where the listpack takes 217 (a 224 block).
 *
 * Layout (native byte order: a pack never leaves memory; read with
 * unaligned.h):
 *   u32 total bytes (header included)
 *   u16 pair count, 0xFFFF meaning "at least 65535: count by walking"
 *   pairs in insertion order: field string, then value string.
 * A string is coded against the previous string of the same column (the
 * previous pair's field or value; "" before the first pair):
 *   header byte b < 0xF0: shared = b >> 4 (0..14), suffix = b & 15 (0..15)
 *   header byte 0xF0: shared and suffix length follow as LEB128 varints
 *   then `suffix` bytes.  The string is prev[0..shared) + the suffix bytes.
 * Invariants: shared <= length of the previous string of the column;
 * the total matches the allocation's logical size; the count is exact
 * below 0xFFFF.  `shared` need not be the longest common prefix (the
 * short header caps it at 14), lookups do not rely on it.
 *
 * Every operation is a walk from the start (like a listpack's): packs are
 * bounded by hash-max-listpack-entries / -value. */
#ifndef DS_PAIRPACK_H
#define DS_PAIRPACK_H

#include <stddef.h>
#include <stdint.h>

#include "byteview.h"

#define PP_HEADER_SIZE 6
#define PP_COUNT_UNKNOWN 0xFFFF
/* Strings up to this long are rebuilt without a heap allocation. */
#define PP_INLINE 96

typedef ByteView PpView;

/* A string rebuilt from a pack: p points at inl or at a heap block.
 * Initialise with pp_str_init, release with pp_str_free; do not copy. */
typedef struct PpStr {
    char *p;
    size_t len, cap;
    char inl[PP_INLINE];
} PpStr;

void pp_str_init(PpStr *s);
void pp_str_free(PpStr *s);

unsigned char *pp_new(void);
void pp_free(unsigned char *pp);
unsigned char *pp_dup(const unsigned char *pp);
/* Logical size (what the allocation needs). */
size_t pp_bytes(const unsigned char *pp);
/* Number of pairs (walks only when over 65534). */
uint32_t pp_count(const unsigned char *pp);

/* Index of the pair whose field is f, or -1.  *vlen (if not NULL) gets the
 * value's length; val (if not NULL) gets the value's bytes. */
long pp_find(const unsigned char *pp, const char *f, size_t flen, PpStr *val, size_t *vlen);

/* Sets f to v: replaces the value in place (the pair keeps its position)
 * or appends a new pair.  Returns the pack (it may move); *added is 1 when
 * the field was new. */
unsigned char *pp_set(unsigned char *pp, const char *f, size_t flen, const char *v, size_t vlen, int *added);
/* Removes the pair of field f; *deleted says whether it was there. */
unsigned char *pp_delete(unsigned char *pp, const char *f, size_t flen, int *deleted);

/* The pack of `pairs` pairs whose fields are v[2i] and values v[2i+1],
 * in that order (no field may repeat: the caller checked), written in
 * one pass into one allocation of its exact size. */
unsigned char *pp_from_views(const PpView *v, size_t pairs);

/* Walks the pairs in order; it->f and it->v hold the current pair, valid
 * until the next call. */
typedef struct PpIter {
    const unsigned char *p, *end;
    PpStr f, v;
} PpIter;
void pp_iter_init(PpIter *it, const unsigned char *pp);
int pp_iter_next(PpIter *it);
void pp_iter_done(PpIter *it);

/* Every pair rebuilt into one allocation (free it with mem_free):
 * views[2i] is field i, views[2i+1] its value.  *count gets the pairs. */
PpView *pp_expand(const unsigned char *pp, uint32_t *count);

/* Checks a pack of `size` bytes without reading outside it: header,
 * every string header and length, shared prefixes, the count.  Returns
 * NULL or what is wrong. */
const char *pp_validate(const unsigned char *pp, size_t size);

#endif
