/* intset.h - a sorted set of integers in one allocation, in Valkey's exact
 * binary layout, so RDB and DUMP write it as a blob and read it back.
 *
 * Layout (every field little-endian, whatever the host):
 *   u32 encoding   bytes per element: 2, 4 or 8
 *   u32 length     number of elements
 *   length * encoding bytes of signed integers, strictly ascending
 *
 * Invariants: elements are unique and sorted; every element fits the
 * encoding; the encoding only ever widens (an insert that does not fit
 * upgrades it, a removal never narrows it).  An Intset pointer IS the blob:
 * (const uint8_t *)is points at intset_bytes(is) bytes ready to be written.
 * Functions that can grow or shrink the set may move it and return the new
 * pointer, like realloc. */
#ifndef DS_INTSET_H
#define DS_INTSET_H

#include <stddef.h>
#include <stdint.h>

/* Opaque: the memory behind it is only ever accessed as bytes. */
typedef struct Intset Intset;

#define INTSET_HEADER_SIZE 8
#define INTSET_ENC_INT16 2
#define INTSET_ENC_INT32 4
#define INTSET_ENC_INT64 8

/* An empty set with the 16-bit encoding. */
Intset *intset_new(void);
void intset_free(Intset *is);
/* A copy of the set (same encoding). */
Intset *intset_dup(const Intset *is);
/* A set holding a copy of a blob; validate the blob first
 * (intset_validate), this only copies. */
Intset *intset_from_blob(const void *blob, size_t size);

/* Adds v; *added (when not NULL) is 1 if it was new, 0 if already there.
 * Returns the set, which may have moved. */
Intset *intset_add(Intset *is, int64_t v, int *added);
/* Removes v; *removed (when not NULL) is 1 if it was there.  Returns the
 * set, which may have moved. */
Intset *intset_remove(Intset *is, int64_t v, int *removed);
/* 1 if v is in the set. */
int intset_find(const Intset *is, int64_t v);
/* Binary search: returns 1 and sets *pos to v's index when present, else
 * returns 0 and sets *pos to the index where v would be inserted. */
int intset_search(const Intset *is, int64_t v, uint32_t *pos);
/* The element at index pos (0 = smallest) into *v; returns 0 (and leaves
 * *v alone) when pos is out of range. */
int intset_get(const Intset *is, uint32_t pos, int64_t *v);

uint32_t intset_len(const Intset *is);
/* Bytes per element: INTSET_ENC_INT16, _INT32 or _INT64. */
uint32_t intset_encoding(const Intset *is);
/* Size of the blob: header plus elements. */
size_t intset_bytes(const Intset *is);
/* Smallest / largest element; 0 for an empty set. */
int64_t intset_min(const Intset *is);
int64_t intset_max(const Intset *is);
/* A uniformly chosen element (rand64() % len); 0 for an empty set. */
int64_t intset_random(const Intset *is, uint64_t (*rand64)(void));

/* Checks an untrusted blob (from RDB or RESTORE) without reading outside
 * [blob, blob+size): the header fits, the encoding is 2, 4 or 8, the size
 * is exactly header + length * encoding, and the set is not empty (Valkey
 * never stores an empty one).  With deep, also that elements are strictly
 * ascending (sorted and unique).  Returns 1 if valid, 0 if not. */
int intset_validate(const void *blob, size_t size, int deep);

#endif
