/* msgpack.h - MessagePack encoding of single items and decoding of one
 * item at a time, allocation-free, for the cmsgpack library scripts use.
 *
 * The encoder picks the forms lua_cmsgpack (and so Valkey) writes: the
 * smallest integer form for the value's sign and magnitude; float32 when
 * the double converts to float and back unchanged, else float64; str8 /
 * str16 / str32 (fixstr under 32 bytes) for strings; fixarray/array16/
 * array32 and fixmap/map16/map32 headers.  Multi-byte fields are big-
 * endian, written byte by byte (no alignment assumptions).
 *
 * The decoder reads every MessagePack type but ext (and 0xc1): bin is
 * returned like str.  An aggregate is returned as a header (its count);
 * its elements follow as the next items. */
#ifndef DEPS_MSGPACK_H
#define DEPS_MSGPACK_H

#include <stddef.h>
#include <stdint.h>

#define MP_MAX_HEADER 9 /* bytes any single encode call may write */

size_t mp_enc_nil(uint8_t *out);
size_t mp_enc_bool(uint8_t *out, int b);
size_t mp_enc_int(uint8_t *out, int64_t v);
/* Unsigned values above INT64_MAX (uint64 form). */
size_t mp_enc_uint(uint8_t *out, uint64_t v);
size_t mp_enc_double(uint8_t *out, double d);
size_t mp_enc_str_header(uint8_t *out, uint64_t len);
size_t mp_enc_array_header(uint8_t *out, uint64_t n);
size_t mp_enc_map_header(uint8_t *out, uint64_t n);

enum { MP_NIL, MP_BOOL, MP_INT, MP_UINT, MP_DOUBLE, MP_STR, MP_ARRAY, MP_MAP };

typedef struct MpItem {
    int type;
    int64_t i;           /* MP_INT, MP_BOOL */
    uint64_t u;          /* MP_UINT */
    double d;            /* MP_DOUBLE (float32 widened) */
    const uint8_t *str;  /* MP_STR: points into the input */
    uint64_t len;        /* MP_STR: bytes; MP_ARRAY: elements; MP_MAP: pairs */
} MpItem;

enum { MP_DEC_MORE = 0, MP_DEC_BAD = -1 };
/* Decodes the item at p; returns the bytes it took (> 0), MP_DEC_MORE
 * when len is too short for it (for a string: its bytes too), or
 * MP_DEC_BAD for a type byte it does not read (ext, 0xc1). */
long mp_dec_item(const uint8_t *p, size_t len, MpItem *it);

#endif
