/* varint.h - unsigned LEB128 integers (7 bits a byte, low group first, the
 * high bit set on every byte but the last), for length prefixes inside the
 * compact structures of src/ds (pairpack, fvtable).  Small values take one
 * byte; a uint64_t takes at most VARINT_MAX bytes.  The readers here trust
 * their input (bytes written by varint_put); bounded decoding of untrusted
 * bytes belongs to each structure's validator. */
#ifndef DS_VARINT_H
#define DS_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10

static inline size_t varint_len(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t varint_put(unsigned char *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline const unsigned char *varint_get(const unsigned char *p, uint64_t *v) {
    if (p[0] < 0x80) {
        *v = p[0];
        return p + 1;
    }
    uint64_t r = 0;
    int shift = 0;
    for (;;) {
        unsigned char b = *p++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    *v = r;
    return p;
}

#endif
