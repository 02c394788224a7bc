/* distinct.h - whether any two of n byte strings are equal, in expected
 * linear time: the check a loader runs over the fields of a hash or the
 * members of a sorted set read from an untrusted blob before building the
 * in-memory form (which assumes no repeats).
 *
 * Every string is hashed in full into an open-addressed table (on the
 * stack up to DISTINCT_STACK strings); strings whose hashes agree are
 * compared byte for byte, so the answer never depends on the hash, only
 * the speed does. */
#ifndef DS_DISTINCT_H
#define DS_DISTINCT_H

#include <stddef.h>

#include "byteview.h"

#define DISTINCT_STACK 128

/* 1 when no two of the n views are equal.  The views are `stride` bytes
 * apart from `first` on (sizeof(ByteView) for a plain array; a ByteView
 * may also be the first member of a bigger struct, or every other
 * element of a field/value array), each suitably aligned. */
int bytes_distinct(const ByteView *first, size_t n, size_t stride);

#endif
