/* msgpack.c - MessagePack items (see msgpack.h). */
#include "msgpack.h"

#include <string.h>

static size_t put_be(uint8_t *out, uint8_t tag, uint64_t v, int bytes) {
    out[0] = tag;
    for (int i = 0; i < bytes; i++) out[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return (size_t)bytes + 1;
}

static uint64_t get_be(const uint8_t *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = (v << 8) | p[i];
    return v;
}

size_t mp_enc_nil(uint8_t *out) {
    out[0] = 0xc0;
    return 1;
}

size_t mp_enc_bool(uint8_t *out, int b) {
    out[0] = b ? 0xc3 : 0xc2;
    return 1;
}

size_t mp_enc_uint(uint8_t *out, uint64_t v) {
    if (v <= 127) {
        out[0] = (uint8_t)v;
        return 1;
    }
    if (v <= 0xff) return put_be(out, 0xcc, v, 1);
    if (v <= 0xffff) return put_be(out, 0xcd, v, 2);
    if (v <= 0xffffffffULL) return put_be(out, 0xce, v, 4);
    return put_be(out, 0xcf, v, 8);
}

size_t mp_enc_int(uint8_t *out, int64_t v) {
    if (v >= 0) return mp_enc_uint(out, (uint64_t)v);
    if (v >= -32) {
        out[0] = (uint8_t)(0xe0 | (v & 0x1f));
        return 1;
    }
    if (v >= -128) return put_be(out, 0xd0, (uint64_t)v, 1);
    if (v >= -32768) return put_be(out, 0xd1, (uint64_t)v, 2);
    if (v >= -2147483648LL) return put_be(out, 0xd2, (uint64_t)v, 4);
    return put_be(out, 0xd3, (uint64_t)v, 8);
}

size_t mp_enc_double(uint8_t *out, double d) {
    float f = (float)d;
    if ((double)f == d) {
        uint32_t b;
        memcpy(&b, &f, 4);
        return put_be(out, 0xca, b, 4);
    }
    uint64_t b;
    memcpy(&b, &d, 8);
    return put_be(out, 0xcb, b, 8);
}

size_t mp_enc_str_header(uint8_t *out, uint64_t len) {
    if (len < 32) {
        out[0] = (uint8_t)(0xa0 | len);
        return 1;
    }
    if (len <= 0xff) return put_be(out, 0xd9, len, 1);
    if (len <= 0xffff) return put_be(out, 0xda, len, 2);
    return put_be(out, 0xdb, len, 4);
}

size_t mp_enc_array_header(uint8_t *out, uint64_t n) {
    if (n <= 15) {
        out[0] = (uint8_t)(0x90 | n);
        return 1;
    }
    if (n <= 0xffff) return put_be(out, 0xdc, n, 2);
    return put_be(out, 0xdd, n, 4);
}

size_t mp_enc_map_header(uint8_t *out, uint64_t n) {
    if (n <= 15) {
        out[0] = (uint8_t)(0x80 | n);
        return 1;
    }
    if (n <= 0xffff) return put_be(out, 0xde, n, 2);
    return put_be(out, 0xdf, n, 4);
}

/* A string of the given header size and length field width. */
static long dec_str(const uint8_t *p, size_t len, MpItem *it, int lenbytes) {
    if (len < (size_t)lenbytes + 1) return MP_DEC_MORE;
    uint64_t n = get_be(p + 1, lenbytes);
    if (n > len - 1 - (size_t)lenbytes) return MP_DEC_MORE;
    it->type = MP_STR;
    it->str = p + 1 + lenbytes;
    it->len = n;
    return (long)(1 + lenbytes + n);
}

static long dec_count(const uint8_t *p, size_t len, MpItem *it, int type, int bytes) {
    if (len < (size_t)bytes + 1) return MP_DEC_MORE;
    it->type = type;
    it->len = get_be(p + 1, bytes);
    return bytes + 1;
}

long mp_dec_item(const uint8_t *p, size_t len, MpItem *it) {
    if (len == 0) return MP_DEC_MORE;
    uint8_t b = p[0];
    memset(it, 0, sizeof(*it));
    if (b <= 0x7f) {
        it->type = MP_INT;
        it->i = b;
        return 1;
    }
    if (b >= 0xe0) {
        it->type = MP_INT;
        it->i = (int8_t)b;
        return 1;
    }
    if ((b & 0xe0) == 0xa0) {
        size_t n = b & 0x1f;
        if (len - 1 < n) return MP_DEC_MORE;
        it->type = MP_STR;
        it->str = p + 1;
        it->len = n;
        return (long)(1 + n);
    }
    if ((b & 0xf0) == 0x90) {
        it->type = MP_ARRAY;
        it->len = b & 0x0f;
        return 1;
    }
    if ((b & 0xf0) == 0x80) {
        it->type = MP_MAP;
        it->len = b & 0x0f;
        return 1;
    }
    switch (b) {
    case 0xc0:
        it->type = MP_NIL;
        return 1;
    case 0xc2:
    case 0xc3:
        it->type = MP_BOOL;
        it->i = b == 0xc3;
        return 1;
    case 0xc4: case 0xd9: return dec_str(p, len, it, 1);
    case 0xc5: case 0xda: return dec_str(p, len, it, 2);
    case 0xc6: case 0xdb: return dec_str(p, len, it, 4);
    case 0xca: {
        if (len < 5) return MP_DEC_MORE;
        uint32_t v = (uint32_t)get_be(p + 1, 4);
        float f;
        memcpy(&f, &v, 4);
        it->type = MP_DOUBLE;
        it->d = f;
        return 5;
    }
    case 0xcb: {
        if (len < 9) return MP_DEC_MORE;
        uint64_t v = get_be(p + 1, 8);
        memcpy(&it->d, &v, 8);
        it->type = MP_DOUBLE;
        return 9;
    }
    case 0xcc: case 0xcd: case 0xce: case 0xcf: {
        int bytes = 1 << (b - 0xcc);
        if (len < (size_t)bytes + 1) return MP_DEC_MORE;
        uint64_t v = get_be(p + 1, bytes);
        if (v > (uint64_t)INT64_MAX) {
            it->type = MP_UINT;
            it->u = v;
        } else {
            it->type = MP_INT;
            it->i = (int64_t)v;
        }
        return bytes + 1;
    }
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        int bytes = 1 << (b - 0xd0);
        if (len < (size_t)bytes + 1) return MP_DEC_MORE;
        uint64_t v = get_be(p + 1, bytes);
        int shift = 64 - 8 * bytes;
        /* Sign-extend without a signed shift of a negative value. */
        if (shift && (v >> (8 * bytes - 1))) v |= ~0ULL << (8 * bytes);
        it->type = MP_INT;
        memcpy(&it->i, &v, 8);
        return bytes + 1;
    }
    case 0xdc: return dec_count(p, len, it, MP_ARRAY, 2);
    case 0xdd: return dec_count(p, len, it, MP_ARRAY, 4);
    case 0xde: return dec_count(p, len, it, MP_MAP, 2);
    case 0xdf: return dec_count(p, len, it, MP_MAP, 4);
    default:
        return MP_DEC_BAD;
    }
}
