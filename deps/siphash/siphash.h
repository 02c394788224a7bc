/* siphash.h - SipHash-1-3 keyed hashing (64-bit output) for hash tables.
 * A random per-process key keeps clients from forcing collisions. */
#ifndef DEPS_SIPHASH_H
#define DEPS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash13(const void *data, size_t len, const uint8_t key[16]);
/* Same, with ASCII letters folded to lower case (for case-blind tables). */
uint64_t siphash13_nocase(const void *data, size_t len, const uint8_t key[16]);

#endif
