/* crc64.h - the CRC-64 that RDB files and DUMP payloads end with: the
 * "Jones" polynomial 0xad93d23594c935a9, input and output reflected, initial
 * value 0, no final xor.  crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
 * Incremental: crc64(crc64(0, a, n), b, m) is the CRC of a followed by b. */
#ifndef DEPS_CRC64_H
#define DEPS_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc over len bytes at p (p may be NULL when len is 0).
 * Thread-safe; the lookup tables are built once, on first use. */
uint64_t crc64(uint64_t crc, const void *p, size_t len);

#endif
