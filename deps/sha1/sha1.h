/* sha1.h - SHA-1 (FIPS 180-4), for DEBUG DIGEST and, later, script ids.
 * Not for security: SHA-1 is only a content fingerprint here. */
#ifndef DEPS_SHA1_H
#define DEPS_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct Sha1 {
    uint32_t h[5];
    uint64_t total;
    uint8_t block[64];
    size_t used;
} Sha1;

void sha1_init(Sha1 *s);
void sha1_update(Sha1 *s, const void *data, size_t len);
void sha1_final(Sha1 *s, uint8_t out[20]);

#endif
