/* rdb_in.c - the bounded RDB reader (see rdb_in.h).
 *
 * fd mode keeps a window of the file in buf: consumed bytes are folded
 * into the CRC when the window moves (or rdbi_crc asks), so every byte is
 * summed once, in file order.  Reads larger than the window go straight
 * from the file into their destination after the window is used up. */
#include "rdb_in.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../ds/alloc.h"
#include "../../../deps/crc64/crc64.h"
#include "../../../deps/lzf/lzf.h"
#include "../../../deps/numconv/numconv.h"
#include "rdb_format.h"

#define WINDOW_BYTES (256 * 1024)
/* The best LZF ratio: a 3-byte back-reference expands to 264 bytes. */
#define LZF_MAX_RATIO 88

void rdbi_init_mem(RdbIn *in, const void *p, size_t len) {
    memset(in, 0, sizeof(*in));
    in->win = in->p = in->crc_pos = p;
    in->end = in->p + len;
    in->size = len;
    in->fd = -1;
    in->rdbver = RDB_VERSION;
}

void rdbi_init_fd(RdbIn *in, int fd, uint64_t size) {
    memset(in, 0, sizeof(*in));
    in->fd = fd;
    in->size = size;
    in->buf_cap = WINDOW_BYTES;
    in->buf = mem_alloc(in->buf_cap);
    in->win = in->p = in->end = in->crc_pos = in->buf;
    in->rdbver = RDB_VERSION;
}

void rdbi_release(RdbIn *in) {
    mem_free(in->buf);
    mem_free(in->scratch);
    in->buf = in->scratch = NULL;
    in->buf_cap = in->scratch_cap = 0;
}

int rdbi_fail(RdbIn *in, const char *fmt, ...) {
    if (in->failed) return 0;
    in->failed = 1;
    in->fail_off = rdbi_offset(in);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->why, sizeof(in->why), fmt, ap);
    va_end(ap);
    return 0;
}

static int short_read(RdbIn *in) {
    return rdbi_fail(in, "Unexpected EOF reading RDB file");
}

uint64_t rdbi_remaining(const RdbIn *in) {
    if (in->size == RDBI_SIZE_UNKNOWN) return UINT64_MAX;
    uint64_t off = rdbi_offset(in);
    return off >= in->size ? 0 : in->size - off;
}

static void fold_crc(RdbIn *in) {
    if (in->crc_pos < in->p) {
        in->crc = crc64(in->crc, in->crc_pos, (size_t)(in->p - in->crc_pos));
        in->crc_pos = in->p;
    }
}

uint64_t rdbi_crc(RdbIn *in) {
    fold_crc(in);
    return in->crc;
}

/* fd mode: drops the consumed part of the window (after summing it). */
static void drop_consumed(RdbIn *in) {
    fold_crc(in);
    size_t unread = (size_t)(in->end - in->p);
    in->win_off += (uint64_t)(in->p - in->win);
    if (unread && in->p != in->buf) memmove(in->buf, in->p, unread);
    in->win = in->p = in->crc_pos = in->buf;
    in->end = in->buf + unread;
}

/* Makes at least n (<= the window size) unread bytes available; 0 when
 * the input ends first (nothing recorded). */
static int fill(RdbIn *in, size_t n) {
    if ((size_t)(in->end - in->p) >= n) return 1;
    if (in->fd == -1) return 0;
    drop_consumed(in);
    while ((size_t)(in->end - in->p) < n) {
        ssize_t r = read(in->fd, (unsigned char *)in->end, in->buf_cap - (size_t)(in->end - in->buf));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        in->end += r;
    }
    return 1;
}

int rdbi_read(RdbIn *in, void *dst, size_t n) {
    if (in->failed) return 0;
    size_t avail = (size_t)(in->end - in->p);
    if (avail >= n) {
        memcpy(dst, in->p, n);
        in->p += n;
        return 1;
    }
    if (in->fd == -1) return short_read(in);
    if (n <= in->buf_cap / 2) {
        if (!fill(in, n)) return short_read(in);
        memcpy(dst, in->p, n);
        in->p += n;
        return 1;
    }
    /* Large: the window's rest, then straight from the file. */
    unsigned char *d = dst;
    memcpy(d, in->p, avail);
    in->p += avail;
    drop_consumed(in);
    size_t got = avail;
    while (got < n) {
        ssize_t r = read(in->fd, d + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return short_read(in);
        got += (size_t)r;
    }
    in->crc = crc64(in->crc, d + avail, n - avail);
    in->win_off += n - avail;
    return 1;
}

int rdbi_skip(RdbIn *in, uint64_t n) {
    unsigned char tmp[4096];
    while (n) {
        size_t k = n > sizeof(tmp) ? sizeof(tmp) : (size_t)n;
        if ((size_t)(in->end - in->p) >= k) {
            in->p += k;
        } else if (!rdbi_read(in, tmp, k)) {
            return 0;
        }
        n -= k;
    }
    return !in->failed;
}

int rdbi_u8_slow(RdbIn *in, unsigned *v) {
    if (in->failed) return 0;
    if (in->p == in->end && !fill(in, 1)) return short_read(in);
    *v = *in->p++;
    return 1;
}

int rdbi_len_slow(RdbIn *in, uint64_t *n, int *encoded) {
    unsigned b = 0;
    if (!rdbi_u8(in, &b)) return 0;
    if (encoded) *encoded = 0;
    switch (b >> 6) {
    case 0:
        *n = b & 0x3f;
        return 1;
    case 1: {
        unsigned lo;
        if (!rdbi_u8(in, &lo)) return 0;
        *n = ((uint64_t)(b & 0x3f) << 8) | lo;
        return 1;
    }
    case 3:
        if (!encoded) return rdbi_fail(in, "Unexpected string encoding where a length belongs");
        *encoded = 1;
        *n = b & 0x3f;
        return 1;
    default: {
        unsigned char x[8];
        size_t k = b == RDB_LEN_32BIT ? 4 : b == RDB_LEN_64BIT ? 8 : 0;
        if (!k) return rdbi_fail(in, "Unknown length encoding %u in rdbLoadLen()", b);
        if (!rdbi_read(in, x, k)) return 0;
        uint64_t v = 0;
        for (size_t i = 0; i < k; i++) v = (v << 8) | x[i];
        *n = v;
        return 1;
    }
    }
}

int rdbi_count(RdbIn *in, uint64_t *n) {
    if (!rdbi_len(in, n, NULL)) return 0;
    if (*n > rdbi_remaining(in)) return rdbi_fail(in, "Length %llu exceeds the input", (unsigned long long)*n);
    return 1;
}

static unsigned char *scratch(RdbIn *in, size_t n) {
    if (in->scratch_cap < n || !in->scratch) {
        size_t cap = in->scratch_cap * 2;
        if (cap < n) cap = n;
        if (cap < 64) cap = 64;
        mem_free(in->scratch);
        in->scratch = mem_alloc(cap);
        in->scratch_cap = cap;
    }
    return in->scratch;
}

/* An integer-encoded string's decimal text into out (NUMCONV_LL_BUF). */
static int read_int_string(RdbIn *in, unsigned enc, char *out, size_t *len) {
    unsigned char b[4];
    int64_t v;
    if (enc == RDB_ENC_INT8) {
        if (!rdbi_read(in, b, 1)) return 0;
        v = (int8_t)b[0];
    } else if (enc == RDB_ENC_INT16) {
        if (!rdbi_read(in, b, 2)) return 0;
        v = (int16_t)(uint16_t)(b[0] | (unsigned)b[1] << 8);
    } else if (enc == RDB_ENC_INT32) {
        if (!rdbi_read(in, b, 4)) return 0;
        v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
    } else {
        return rdbi_fail(in, "Unknown RDB string encoding type %u", enc);
    }
    *len = ll_to_str(out, v);
    return 1;
}

/* LZF string header: compressed and original lengths, sanity-checked. */
static int lzf_header(RdbIn *in, uint64_t *clen, uint64_t *rawlen) {
    if (!rdbi_len(in, clen, NULL) || !rdbi_len(in, rawlen, NULL)) return 0;
    if (*clen > rdbi_remaining(in)) return rdbi_fail(in, "LZF length %llu exceeds the input", (unsigned long long)*clen);
    if (*clen == 0 || *rawlen / LZF_MAX_RATIO > *clen || *rawlen > SIZE_MAX / 2)
        return rdbi_fail(in, "Invalid LZF compressed string");
    return 1;
}

/* Decompresses clen bytes of input into out (rawlen bytes). */
static int lzf_body(RdbIn *in, size_t clen, unsigned char *out, size_t rawlen) {
    const unsigned char *c;
    unsigned char *tmp = NULL;
    if (clen <= in->buf_cap / 2 || in->fd == -1) {
        if (!fill(in, clen)) return short_read(in);
        c = in->p;
        in->p += clen;
    } else {
        tmp = mem_alloc(clen);
        if (!rdbi_read(in, tmp, clen)) {
            mem_free(tmp);
            return 0;
        }
        c = tmp;
    }
    size_t got = lzf_decompress(c, clen, out, rawlen);
    mem_free(tmp);
    if (got != rawlen) return rdbi_fail(in, "Invalid LZF compressed string");
    return 1;
}

int rdbi_string_slow(RdbIn *in, const unsigned char **p, size_t *len) {
    uint64_t n;
    int enc;
    if (!rdbi_len(in, &n, &enc)) return 0;
    if (enc) {
        if (n == RDB_ENC_LZF) {
            uint64_t clen;
            if (!lzf_header(in, &clen, &n)) return 0;
            unsigned char *out = scratch(in, n ? (size_t)n : 1);
            if (!lzf_body(in, (size_t)clen, out, (size_t)n)) return 0;
            *p = out;
            *len = (size_t)n;
            return 1;
        }
        unsigned char *out = scratch(in, NUMCONV_LL_BUF);
        if (!read_int_string(in, (unsigned)n, (char *)out, len)) return 0;
        *p = out;
        return 1;
    }
    if (n > rdbi_remaining(in)) return rdbi_fail(in, "String length %llu exceeds the input", (unsigned long long)n);
    if ((uint64_t)(in->end - in->p) >= n || (in->fd != -1 && n <= in->buf_cap / 2 && fill(in, (size_t)n))) {
        *p = in->p;
        in->p += n;
        *len = (size_t)n;
        return 1;
    }
    if (in->fd == -1) return short_read(in);
    unsigned char *out = scratch(in, (size_t)n);
    if (!rdbi_read(in, out, (size_t)n)) return 0;
    *p = out;
    *len = (size_t)n;
    return 1;
}

int rdbi_string_alloc(RdbIn *in, unsigned char **p, size_t *len) {
    uint64_t n;
    int enc;
    if (!rdbi_len(in, &n, &enc)) return 0;
    if (enc) {
        if (n == RDB_ENC_LZF) {
            uint64_t clen;
            if (!lzf_header(in, &clen, &n)) return 0;
            unsigned char *out = mem_alloc(n ? (size_t)n : 1);
            if (!lzf_body(in, (size_t)clen, out, (size_t)n)) {
                mem_free(out);
                return 0;
            }
            *p = out;
            *len = (size_t)n;
            return 1;
        }
        char txt[NUMCONV_LL_BUF];
        if (!read_int_string(in, (unsigned)n, txt, len)) return 0;
        *p = mem_alloc(*len);
        memcpy(*p, txt, *len);
        return 1;
    }
    if (n > rdbi_remaining(in) || n > SIZE_MAX / 2)
        return rdbi_fail(in, "String length %llu exceeds the input", (unsigned long long)n);
    unsigned char *out = mem_alloc(n ? (size_t)n : 1);
    if (!rdbi_read(in, out, (size_t)n)) {
        mem_free(out);
        return 0;
    }
    *p = out;
    *len = (size_t)n;
    return 1;
}

int rdbi_string_skip(RdbIn *in) {
    uint64_t n;
    int enc;
    if (!rdbi_len(in, &n, &enc)) return 0;
    if (!enc) {
        if (n > rdbi_remaining(in)) return rdbi_fail(in, "String length %llu exceeds the input", (unsigned long long)n);
        return rdbi_skip(in, n);
    }
    if (n == RDB_ENC_LZF) {
        uint64_t clen;
        if (!lzf_header(in, &clen, &n)) return 0;
        /* Decompressed anyway: a string that does not expand is corrupt. */
        unsigned char *out = scratch(in, n ? (size_t)n : 1);
        return lzf_body(in, (size_t)clen, out, (size_t)n);
    }
    char txt[NUMCONV_LL_BUF];
    size_t len;
    return read_int_string(in, (unsigned)n, txt, &len);
}

int rdbi_double_bin(RdbIn *in, double *d) {
    unsigned char b[8];
    if (!rdbi_read(in, b, 8)) return 0;
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--) bits = (bits << 8) | b[i];
    memcpy(d, &bits, 8);
    return 1;
}

int rdbi_double_text(RdbIn *in, double *d) {
    unsigned len = 0;
    if (!rdbi_u8(in, &len)) return 0;
    if (len == 253) *d = NAN;
    else if (len == 254) *d = INFINITY;
    else if (len == 255) *d = -INFINITY;
    else {
        char buf[256];
        if (!rdbi_read(in, buf, len)) return 0;
        buf[len] = '\0';
        char *endp;
        *d = strtod(buf, &endp);
        if (endp == buf) return rdbi_fail(in, "Invalid double value");
    }
    return 1;
}

int rdbi_ms(RdbIn *in, int64_t *t) {
    unsigned char b[8];
    if (!rdbi_read(in, b, 8)) return 0;
    uint64_t v = 0;
    if (in->rdbver >= 9) {
        for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    } else {
        /* Before version 9 the time was written in host order. */
        memcpy(&v, b, 8);
    }
    *t = (int64_t)v;
    return 1;
}

int rdbi_secs(RdbIn *in, int64_t *t) {
    unsigned char b[4];
    if (!rdbi_read(in, b, 4)) return 0;
    uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    *t = (int32_t)v;
    return 1;
}
