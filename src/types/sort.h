/* sort.h - SORT and SORT_RO (sort.c), for the command table, and the
 * partial quicksort Valkey uses where only a range of the sorted order is
 * needed (SORT ... BY ... LIMIT, GEOSEARCH ... COUNT), which GEO shares:
 * its placement of equal elements is part of what clients see. */
#ifndef TYPES_SORT_H
#define TYPES_SORT_H

#include <stddef.h>

#include "../server/client.h"

void sort_command(Client *c);
void sort_ro_command(Client *c);

/* <0, 0, >0 as a sorts before, with, after b. */
typedef int sort_cmp_fn(const void *a, const void *b, void *ctx);

/* Sorts base[0..n) of es-byte elements enough that positions lo..hi
 * (inclusive; hi < lo is allowed) hold what a full sort would put there,
 * moving elements exactly as Valkey's pqsort (Bentley-McIlroy quicksort,
 * skipping partitions outside the range) does, so equal elements end up
 * where Valkey puts them. */
void sort_partial(void *base, size_t n, size_t es, sort_cmp_fn *cmp, void *ctx, long long lo, long long hi);

#endif
