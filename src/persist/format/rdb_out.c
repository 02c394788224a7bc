/* rdb_out.c - the RDB writer's buffer and encodings (see rdb_out.h). */
#include "rdb_out.h"

#include <string.h>

#include "../../ds/alloc.h"
#include "../../ds/listpack.h"
#include "../../../deps/crc64/crc64.h"
#include "../../../deps/lzf/lzf.h"
#include "../../../deps/numconv/numconv.h"
#include "rdb_format.h"

void rdbo_init_mem(RdbOut *o, size_t cap) {
    memset(o, 0, sizeof(*o));
    if (cap < 64) cap = 64;
    o->buf = mem_alloc(cap);
    o->cap = cap;
}

void rdbo_init_sink(RdbOut *o, size_t cap, rdbo_flush_fn *fn, void *priv) {
    rdbo_init_mem(o, cap);
    o->flush = fn;
    o->priv = priv;
}

void rdbo_release(RdbOut *o) {
    mem_free(o->buf);
    mem_free(o->lzf);
    o->buf = o->lzf = NULL;
    o->len = o->cap = o->lzf_cap = 0;
}

static void fold_crc(RdbOut *o) {
    if (o->crc_pos < o->len) {
        o->crc = crc64(o->crc, o->buf + o->crc_pos, o->len - o->crc_pos);
        o->crc_pos = o->len;
    }
}

int rdbo_flush(RdbOut *o) {
    if (o->error) return -1;
    if (!o->flush || o->len == 0) return 0;
    fold_crc(o);
    if (o->flush(o->priv, o->buf, o->len) == -1) {
        o->error = 1;
        return -1;
    }
    o->flushed += o->len;
    o->len = o->crc_pos = 0;
    return 0;
}

uint64_t rdbo_crc(RdbOut *o) {
    fold_crc(o);
    return o->crc;
}

int rdbo_raw_slow(RdbOut *o, const void *p, size_t n) {
    if (o->error) return -1;
    if (!o->flush) {
        size_t need = o->len + n, cap = o->cap * 2;
        if (cap < need) cap = need;
        o->buf = mem_realloc(o->buf, cap);
        o->cap = cap;
        memcpy(o->buf + o->len, p, n);
        o->len += n;
        return 0;
    }
    if (rdbo_flush(o) == -1) return -1;
    if (n >= o->cap) {
        /* Big blobs go straight out, without a copy through the buffer. */
        o->crc = crc64(o->crc, p, n);
        if (o->flush(o->priv, p, n) == -1) {
            o->error = 1;
            return -1;
        }
        o->flushed += n;
        return 0;
    }
    memcpy(o->buf, p, n);
    o->len = n;
    return 0;
}

size_t rdbo_encode_len(unsigned char *buf, uint64_t n) {
    if (n < 64) {
        buf[0] = (unsigned char)n;
        return 1;
    }
    if (n < 16384) {
        buf[0] = (unsigned char)(0x40 | (n >> 8));
        buf[1] = (unsigned char)n;
        return 2;
    }
    if (n <= UINT32_MAX) {
        buf[0] = RDB_LEN_32BIT;
        for (int i = 0; i < 4; i++) buf[1 + i] = (unsigned char)(n >> (24 - 8 * i));
        return 5;
    }
    buf[0] = RDB_LEN_64BIT;
    for (int i = 0; i < 8; i++) buf[1 + i] = (unsigned char)(n >> (56 - 8 * i));
    return 9;
}

size_t rdbo_encode_int(unsigned char *buf, int64_t v) {
    if (v >= -128 && v <= 127) {
        buf[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
        buf[1] = (unsigned char)v;
        return 2;
    }
    if (v >= -32768 && v <= 32767) {
        buf[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
        buf[1] = (unsigned char)v;
        buf[2] = (unsigned char)((uint64_t)v >> 8);
        return 3;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
        buf[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
        for (int i = 0; i < 4; i++) buf[1 + i] = (unsigned char)((uint64_t)v >> (8 * i));
        return 5;
    }
    return 0;
}

int rdbo_len(RdbOut *o, uint64_t n) {
    unsigned char b[9];
    return rdbo_raw(o, b, rdbo_encode_len(b, n));
}

/* LZF when it saves at least 4 bytes: returns 1 written, 0 not worth it,
 * -1 on a write error. */
static int try_lzf(RdbOut *o, const void *p, size_t n) {
    size_t room = n - 4;
    if (o->lzf_cap < room) {
        mem_free(o->lzf);
        o->lzf_cap = room < 8192 ? 8192 : room;
        o->lzf = mem_alloc(o->lzf_cap);
    }
    size_t c = lzf_compress(p, n, o->lzf, room);
    if (!c) return 0;
    return rdbo_lzf_blob(o, o->lzf, c, n) == -1 ? -1 : 1;
}

int rdbo_string(RdbOut *o, const void *p, size_t n) {
    if (n <= 11 && n > 0) {
        int64_t v;
        unsigned char b[5];
        size_t k;
        if (lp_string_to_int64(p, n, &v) && (k = rdbo_encode_int(b, v)) > 0) return rdbo_raw(o, b, k);
    }
    if (o->compress && n > RDB_LZF_MIN_LEN) {
        int r = try_lzf(o, p, n);
        if (r) return r == 1 ? 0 : -1;
    }
    unsigned char b[9];
    size_t k = rdbo_encode_len(b, n);
    if (o->cap - o->len >= k + n) {
        memcpy(o->buf + o->len, b, k);
        memcpy(o->buf + o->len + k, p, n);
        o->len += k + n;
        return 0;
    }
    if (rdbo_raw(o, b, k) == -1) return -1;
    return rdbo_raw(o, p, n);
}

int rdbo_string_int(RdbOut *o, int64_t v) {
    unsigned char b[5];
    size_t k = rdbo_encode_int(b, v);
    if (k) return rdbo_raw(o, b, k);
    char txt[NUMCONV_LL_BUF];
    size_t n = ll_to_str(txt, v);
    if (rdbo_len(o, n) == -1) return -1;
    return rdbo_raw(o, txt, n);
}

int rdbo_lzf_blob(RdbOut *o, const void *c, size_t clen, size_t rawlen) {
    unsigned char b[19];
    b[0] = (RDB_ENCVAL << 6) | RDB_ENC_LZF;
    size_t k = 1;
    k += rdbo_encode_len(b + k, clen);
    k += rdbo_encode_len(b + k, rawlen);
    if (rdbo_raw(o, b, k) == -1) return -1;
    return rdbo_raw(o, c, clen);
}

int rdbo_double_bin(RdbOut *o, double d) {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(bits >> (8 * i));
    return rdbo_raw(o, b, 8);
}

int rdbo_ms(RdbOut *o, int64_t t) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)t >> (8 * i));
    return rdbo_raw(o, b, 8);
}
