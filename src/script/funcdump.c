/* funcdump.c - FUNCTION DUMP / RESTORE payloads (see funcdump.h). */
#include <stdio.h>
#include <string.h>

#include "../../deps/crc64/crc64.h"
#include "../../deps/lzf/lzf.h"
#include "../../deps/numconv/numconv.h"
#include "../ds/alloc.h"
#include "funcdump.h"

static Str *append_len(Str *out, uint64_t len) {
    uint8_t b[9];
    size_t n;
    if (len < 64) {
        b[0] = (uint8_t)len;
        n = 1;
    } else if (len < 16384) {
        b[0] = (uint8_t)(0x40 | (len >> 8));
        b[1] = (uint8_t)len;
        n = 2;
    } else if (len <= 0xFFFFFFFFULL) {
        b[0] = 0x80;
        for (int i = 0; i < 4; i++) b[1 + i] = (uint8_t)(len >> (24 - 8 * i));
        n = 5;
    } else {
        b[0] = 0x81;
        for (int i = 0; i < 8; i++) b[1 + i] = (uint8_t)(len >> (56 - 8 * i));
        n = 9;
    }
    return str_cat(out, (const char *)b, n);
}

Str *funcdump_append_rdb_string(Str *out, const char *p, size_t len, int compress) {
    if (compress && len > 20) {
        /* Valkey keeps the compressed form only when it saves 4 bytes. */
        size_t cap = len - 4;
        char *buf = mem_alloc(cap);
        size_t clen = lzf_compress(p, len, buf, cap);
        if (clen > 0) {
            uint8_t t = 0xC3;
            out = str_cat(out, (const char *)&t, 1);
            out = append_len(out, clen);
            out = append_len(out, len);
            out = str_cat(out, buf, clen);
            mem_free(buf);
            return out;
        }
        mem_free(buf);
    }
    out = append_len(out, len);
    return str_cat(out, p, len);
}

Str *funcdump_append_library(Str *out, const char *code, size_t len, int compress) {
    uint8_t op = FUNCDUMP_OPCODE_FUNCTION2;
    out = str_cat(out, (const char *)&op, 1);
    return funcdump_append_rdb_string(out, code, len, compress);
}

Str *funcdump_finish(Str *out) {
    uint8_t ver[2] = {FUNCDUMP_RDB_VERSION & 0xff, (FUNCDUMP_RDB_VERSION >> 8) & 0xff};
    out = str_cat(out, (const char *)ver, 2);
    uint64_t crc = crc64(0, out->buf, out->len);
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(crc >> (8 * i));
    return str_cat(out, (const char *)b, 8);
}

/* Length field; *enc set for the special encodings (value = the kind). */
static int read_len(const uint8_t *p, size_t len, size_t *pos, int *enc, uint64_t *val) {
    if (*pos >= len) return -1;
    uint8_t b = p[(*pos)++];
    *enc = 0;
    switch (b >> 6) {
    case 0:
        *val = b & 0x3F;
        return 0;
    case 1:
        if (*pos >= len) return -1;
        *val = ((uint64_t)(b & 0x3F) << 8) | p[(*pos)++];
        return 0;
    case 2: {
        int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (!n || len - *pos < (size_t)n) return -1;
        uint64_t v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | p[(*pos)++];
        *val = v;
        return 0;
    }
    default:
        *enc = 1;
        *val = b & 0x3F;
        return 0;
    }
}

char *funcdump_read_rdb_string(const uint8_t *p, size_t len, size_t *pos, size_t *outlen) {
    int enc;
    uint64_t v;
    if (read_len(p, len, pos, &enc, &v) != 0) return NULL;
    if (!enc) {
        if (v > len - *pos) return NULL;
        char *s = mem_alloc((size_t)v + 1);
        memcpy(s, p + *pos, (size_t)v);
        s[v] = '\0';
        *pos += (size_t)v;
        *outlen = (size_t)v;
        return s;
    }
    if (v <= 2) {
        /* INT8 / INT16 / INT32, little-endian, as decimal text. */
        size_t n = (size_t)1 << v;
        if (len - *pos < n) return NULL;
        int64_t x = 0;
        uint64_t u = 0;
        for (size_t i = 0; i < n; i++) u |= (uint64_t)p[*pos + i] << (8 * i);
        if (n == 1) x = (int8_t)u;
        else if (n == 2) x = (int16_t)u;
        else x = (int32_t)u;
        *pos += n;
        char *s = mem_alloc(NUMCONV_LL_BUF);
        *outlen = ll_to_str(s, x);
        s[*outlen] = '\0';
        return s;
    }
    if (v != 3) return NULL;
    uint64_t clen, ulen;
    if (read_len(p, len, pos, &enc, &clen) != 0 || enc) return NULL;
    if (read_len(p, len, pos, &enc, &ulen) != 0 || enc) return NULL;
    if (clen > len - *pos || ulen > (512ULL << 20)) return NULL;
    char *s = mem_alloc((size_t)ulen + 1);
    if (lzf_decompress(p + *pos, (size_t)clen, s, (size_t)ulen) != ulen) {
        mem_free(s);
        return NULL;
    }
    s[ulen] = '\0';
    *pos += (size_t)clen;
    *outlen = (size_t)ulen;
    return s;
}

static char *dup_err(const char *msg) {
    return mem_strdup(msg);
}

int funcdump_parse(const uint8_t *p, size_t len, funcdump_each_fn *each, void *priv, char **err) {
    if (len < 10) {
        *err = dup_err("DUMP payload version or checksum are wrong");
        return -1;
    }
    const uint8_t *footer = p + len - 10;
    unsigned ver = (unsigned)footer[0] | ((unsigned)footer[1] << 8);
    uint64_t crc = crc64(0, p, len - 8), stored = 0;
    for (int i = 0; i < 8; i++) stored |= (uint64_t)footer[2 + i] << (8 * i);
    if (ver > FUNCDUMP_RDB_VERSION || crc != stored) {
        *err = dup_err("DUMP payload version or checksum are wrong");
        return -1;
    }
    size_t pos = 0;
    while (len - pos > 10) {
        uint8_t type = p[pos++];
        if (type == FUNCDUMP_OPCODE_FUNCTION_PRE_GA) {
            *err = dup_err("Pre-GA function format not supported");
            return -1;
        }
        if (type != FUNCDUMP_OPCODE_FUNCTION2) {
            *err = dup_err("given type is not a function");
            return -1;
        }
        size_t clen;
        char *code = funcdump_read_rdb_string(p, len - 10, &pos, &clen);
        if (!code) {
            *err = dup_err("failed loading the given functions payload");
            return -1;
        }
        int rc = each(code, clen, priv, err);
        mem_free(code);
        if (rc != 0) return -1;
    }
    return 0;
}
