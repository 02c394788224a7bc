/* murmur.h - MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit variant
 * for 64-bit platforms), the hash HyperLogLog registers are chosen with.
 *
 * The input is read as little-endian 64-bit words whatever the host byte
 * order, so every platform computes the same value for the same bytes:
 * HLLs created on one machine stay valid on another.  Never use it where an
 * attacker choosing keys matters (it is not keyed); siphash is for that. */
#ifndef DEPS_MURMUR_H
#define DEPS_MURMUR_H

#include <stddef.h>
#include <stdint.h>

uint64_t murmur64a(const void *key, size_t len, uint64_t seed);

#endif
