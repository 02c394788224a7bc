/* unaligned.h - the one place multi-byte integers are read from and written
 * to byte buffers.  Everything goes through memcpy, which compilers turn into
 * a single load/store where the CPU allows it and into byte accesses where
 * an unaligned access would fault (older ARM cores).  Never cast a char*
 * to a wider pointer type anywhere else. */
#ifndef DS_UNALIGNED_H
#define DS_UNALIGNED_H

#include <stdint.h>
#include <string.h>

static inline uint16_t load_u16(const void *p) { uint16_t v; memcpy(&v, p, sizeof(v)); return v; }
static inline uint32_t load_u32(const void *p) { uint32_t v; memcpy(&v, p, sizeof(v)); return v; }
static inline uint64_t load_u64(const void *p) { uint64_t v; memcpy(&v, p, sizeof(v)); return v; }
static inline int64_t load_i64(const void *p) { int64_t v; memcpy(&v, p, sizeof(v)); return v; }
static inline void *load_ptr(const void *p) { void *v; memcpy(&v, p, sizeof(v)); return v; }
static inline void store_u16(void *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static inline void store_u32(void *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }
static inline void store_u64(void *p, uint64_t v) { memcpy(p, &v, sizeof(v)); }
static inline void store_i64(void *p, int64_t v) { memcpy(p, &v, sizeof(v)); }
static inline void store_ptr(void *p, const void *v) { memcpy(p, &v, sizeof(v)); }

/* Little-endian on-disk/on-wire forms, independent of the host order. */
static inline uint64_t load_le64(const void *p) {
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}
static inline void store_le64(void *p, uint64_t v) {
    uint8_t *b = p;
    for (int i = 0; i < 8; i++) { b[i] = (uint8_t)v; v >>= 8; }
}

#endif
