/* test_rdb_gen.h - seeded generators of valid RDB values for the RDB tests
 * (test_rdb_format.c, test_rdb_fuzz.c) and the fuzz target (fuzz_rdb.c):
 * every object type the format has, old encodings included, written from
 * the format's description with the format layer's writer (RdbOut) and
 * the blobs built here: ziplists and zipmaps by a small encoder of our
 * own, listpacks and intsets through src/ds, stream nodes through the
 * stream store (ss_append, ss_node_to_listpack).
 *
 * The caller supplies the randomness: gen_rand(n) in [0, n). */
#ifndef TESTS_C_TEST_RDB_GEN_H
#define TESTS_C_TEST_RDB_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/intset.h"
#include "ds/listpack.h"
#include "ds/streamstore.h"
#include "persist/format/rdb_format.h"
#include "persist/format/rdb_out.h"

static uint64_t gen_rand(uint64_t n);

/* ------------------------------------------------------------ buffers */

typedef struct GenBuf {
    unsigned char *p;
    size_t len, cap;
} GenBuf;

static void gb_put(GenBuf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}
static void gb_u8(GenBuf *b, unsigned v) {
    unsigned char c = (unsigned char)v;
    gb_put(b, &c, 1);
}
static void gb_le(GenBuf *b, uint64_t v, int n) {
    for (int i = 0; i < n; i++) gb_u8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

/* A random element: short text, an integer's text, binary, or longer. */
static size_t gen_elem(char *buf, size_t cap, uint64_t salt) {
    size_t n;
    switch (gen_rand(5)) {
    case 0: n = (size_t)snprintf(buf, cap, "%lld", (long long)gen_rand(300) - 150); break;
    case 1: n = (size_t)snprintf(buf, cap, "%lld", (long long)(gen_rand(1ULL << 62) - (1ULL << 61))); break;
    case 2:
        n = gen_rand(cap < 40 ? cap : 40);
        for (size_t i = 0; i < n; i++) buf[i] = (char)gen_rand(256);
        break;
    case 3:
        n = gen_rand(cap < 300 ? cap : 300);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + gen_rand(3));
        break;
    default: n = (size_t)snprintf(buf, cap, "e%llu", (unsigned long long)gen_rand(100)); break;
    }
    /* Unique members for sets, hashes, zsets: a salt suffix. */
    if (salt != UINT64_MAX) n += (size_t)snprintf(buf + n, cap - n, "#%llu", (unsigned long long)salt);
    return n;
}

/* ------------------------------------------------------------ ziplist */

static int gen_is_int(const char *s, size_t len, int64_t *v) {
    return lp_string_to_int64(s, len, v);
}

static void zl_put_entry(GenBuf *b, const char *s, size_t len, size_t *prev) {
    size_t start = b->len;
    if (*prev < 254) gb_u8(b, (unsigned)*prev);
    else {
        gb_u8(b, 254);
        gb_le(b, *prev, 4);
    }
    int64_t v;
    if (gen_is_int(s, len, &v)) {
        if (v >= 0 && v <= 12) gb_u8(b, 0xF1 + (unsigned)v);
        else if (v >= -128 && v <= 127) {
            gb_u8(b, 0xFE);
            gb_le(b, (uint64_t)v, 1);
        } else if (v >= -32768 && v <= 32767) {
            gb_u8(b, 0xC0);
            gb_le(b, (uint64_t)v, 2);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
            gb_u8(b, 0xF0);
            gb_le(b, (uint64_t)v, 3);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            gb_u8(b, 0xD0);
            gb_le(b, (uint64_t)v, 4);
        } else {
            gb_u8(b, 0xE0);
            gb_le(b, (uint64_t)v, 8);
        }
    } else {
        if (len < 64) gb_u8(b, (unsigned)len);
        else if (len < 16384) {
            gb_u8(b, 0x40 | (unsigned)(len >> 8));
            gb_u8(b, (unsigned)len & 0xff);
        } else {
            gb_u8(b, 0x80);
            for (int i = 3; i >= 0; i--) gb_u8(b, (unsigned)(len >> (8 * i)) & 0xff);
        }
        gb_put(b, s, len);
    }
    *prev = b->len - start;
}

/* A ziplist of n elements drawn with gen_elem; pairs: even n; unique:
 * salted (the first of each pair when pairs). */
static void gen_ziplist(GenBuf *out, uint64_t n, int pairs, int unique, int zset) {
    GenBuf b = {0};
    gb_put(&b, "\0\0\0\0\0\0\0\0\0\0", 10);
    size_t prev = 0, tail = 10;
    char buf[400];
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        if (pairs && (i & 1) && zset) len = (size_t)snprintf(buf, sizeof(buf), "%g", (double)gen_rand(1000) / 8);
        else len = gen_elem(buf, 320, unique && (!pairs || !(i & 1)) ? i : UINT64_MAX);
        tail = b.len;
        zl_put_entry(&b, buf, len, &prev);
    }
    gb_u8(&b, 0xFF);
    uint32_t total = (uint32_t)b.len;
    for (int i = 0; i < 4; i++) b.p[i] = (unsigned char)(total >> (8 * i));
    for (int i = 0; i < 4; i++) b.p[4 + i] = (unsigned char)(tail >> (8 * i));
    b.p[8] = (unsigned char)(n < 65535 ? n : 65535);
    b.p[9] = (unsigned char)((n < 65535 ? n : 65535) >> 8);
    gb_put(out, b.p, b.len);
    mem_free(b.p);
}

static void gen_zipmap(GenBuf *out, uint64_t n) {
    gb_u8(out, n < 254 ? (unsigned)n : 254);
    char buf[400];
    for (uint64_t i = 0; i < n; i++) {
        for (int half = 0; half < 2; half++) {
            size_t len = gen_elem(buf, 300, half ? UINT64_MAX : i);
            if (len < 254) gb_u8(out, (unsigned)len);
            else {
                gb_u8(out, 254);
                gb_le(out, len, 4);
            }
            unsigned free_bytes = half ? (unsigned)gen_rand(3) : 0;
            if (half) gb_u8(out, free_bytes);
            gb_put(out, buf, len);
            for (unsigned k = 0; k < free_bytes; k++) gb_u8(out, 0);
        }
    }
    gb_u8(out, 0xFF);
}

/* ------------------------------------------------------------ listpack */

static unsigned char *gen_listpack(uint64_t n, int pairs, int unique, int zset) {
    unsigned char *lp = lp_new(0);
    char buf[400];
    for (uint64_t i = 0; i < n; i++) {
        size_t len;
        if (pairs && (i & 1) && zset) len = (size_t)snprintf(buf, sizeof(buf), "%g", (double)gen_rand(1000) / 8 - 50);
        else len = gen_elem(buf, 320, unique && (!pairs || !(i & 1)) ? i : UINT64_MAX);
        lp = lp_append(lp, buf, len);
    }
    return lp;
}

/* ------------------------------------------------------------- streams */

static void gen_id_be(StreamId id, unsigned char b[16]) {
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(id.ms >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(id.seq >> (56 - 8 * i));
    }
}

static void gen_stream(RdbOut *o, int type) {
    StreamStore st;
    ss_init(&st);
    uint64_t n = 1 + gen_rand(60), ms = 1000;
    StreamId ids[64];
    for (uint64_t i = 0; i < n; i++) {
        ms += gen_rand(3);
        StreamId id = sid_make(ms, i);
        char f[2][64], v[2][320];
        SsStr fv[4];
        size_t nf = 1 + gen_rand(2);
        for (size_t k = 0; k < nf; k++) {
            fv[2 * k].len = (size_t)snprintf(f[k], sizeof(f[k]), "%s", k ? "b" : (gen_rand(3) ? "a" : "c"));
            fv[2 * k].p = f[k];
            fv[2 * k + 1].len = gen_elem(v[k], 300, UINT64_MAX);
            fv[2 * k + 1].p = v[k];
        }
        ss_append(&st, id, fv, nf, 400, 10);
        ids[i] = id;
    }
    rdbo_len(o, ss_nodes(&st));
    IdtIter it;
    for (idt_seek_first(&it, &st.index); idt_valid(&it); idt_next(&it)) {
        const SsNode *node;
        memcpy(&node, idt_val(&it), sizeof(node));
        unsigned char key[16];
        gen_id_be(idt_key(&it), key);
        unsigned char *lp = ss_node_to_listpack(node, idt_key(&it));
        rdbo_string(o, key, 16);
        rdbo_string(o, lp, lp_bytes(lp));
        lp_free(lp);
    }
    rdbo_len(o, st.length);
    rdbo_len(o, st.last_id.ms);
    rdbo_len(o, st.last_id.seq);
    if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
        rdbo_len(o, st.first_id.ms);
        rdbo_len(o, st.first_id.seq);
        rdbo_len(o, 0);
        rdbo_len(o, 0);
        rdbo_len(o, st.entries_added);
    }
    ss_free(&st);
    uint64_t ng = gen_rand(3);
    rdbo_len(o, ng);
    for (uint64_t g = 0; g < ng; g++) {
        char name[16];
        size_t nl = (size_t)snprintf(name, sizeof(name), "g%llu", (unsigned long long)g);
        rdbo_string(o, name, nl);
        uint64_t last = gen_rand(n);
        rdbo_len(o, ids[last].ms);
        rdbo_len(o, ids[last].seq);
        if (type >= RDB_TYPE_STREAM_LISTPACKS_2) rdbo_len(o, last + 1);
        /* The first `pend` entries are pending, split between two consumers. */
        uint64_t pend = gen_rand(last + 2);
        rdbo_len(o, pend);
        unsigned char raw[16];
        for (uint64_t i = 0; i < pend; i++) {
            gen_id_be(ids[i], raw);
            rdbo_raw(o, raw, 16);
            rdbo_ms(o, 1700000000000LL + (int64_t)i);
            rdbo_len(o, 1 + gen_rand(3));
        }
        rdbo_len(o, 2);
        for (int c = 0; c < 2; c++) {
            char cn[16];
            size_t cl = (size_t)snprintf(cn, sizeof(cn), "c%d", c);
            rdbo_string(o, cn, cl);
            rdbo_ms(o, 1700000000000LL);
            if (type >= RDB_TYPE_STREAM_LISTPACKS_3) rdbo_ms(o, 1700000000001LL);
            uint64_t own = 0;
            for (uint64_t i = 0; i < pend; i++) own += (i % 2) == (uint64_t)c;
            rdbo_len(o, own);
            for (uint64_t i = 0; i < pend; i++) {
                if ((i % 2) != (uint64_t)c) continue;
                gen_id_be(ids[i], raw);
                rdbo_raw(o, raw, 16);
            }
        }
    }
}

/* ----------------------------------------------------------- any value */

/* The object types gen_value knows (every one but modules). */
static const int gen_types[] = {
    RDB_TYPE_STRING, RDB_TYPE_LIST, RDB_TYPE_SET, RDB_TYPE_ZSET, RDB_TYPE_HASH, RDB_TYPE_ZSET_2,
    RDB_TYPE_HASH_ZIPMAP, RDB_TYPE_LIST_ZIPLIST, RDB_TYPE_SET_INTSET, RDB_TYPE_ZSET_ZIPLIST,
    RDB_TYPE_HASH_ZIPLIST, RDB_TYPE_LIST_QUICKLIST, RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_HASH_LISTPACK,
    RDB_TYPE_ZSET_LISTPACK, RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_STREAM_LISTPACKS_2, RDB_TYPE_SET_LISTPACK,
    RDB_TYPE_STREAM_LISTPACKS_3,
};
#define GEN_TYPES ((int)(sizeof(gen_types) / sizeof(gen_types[0])))

/* Writes the body of a random valid, non-empty value of type t. */
static void gen_value(RdbOut *o, int t) {
    char buf[400];
    uint64_t n = 1 + gen_rand(gen_rand(4) ? 12 : 300);
    GenBuf b = {0};
    switch (t) {
    case RDB_TYPE_STRING: rdbo_string(o, buf, gen_elem(buf, 320, UINT64_MAX)); break;
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
        rdbo_len(o, n);
        for (uint64_t i = 0; i < n; i++) rdbo_string(o, buf, gen_elem(buf, 320, t == RDB_TYPE_SET ? i : UINT64_MAX));
        break;
    case RDB_TYPE_HASH:
        rdbo_len(o, n);
        for (uint64_t i = 0; i < n; i++) {
            rdbo_string(o, buf, gen_elem(buf, 320, i));
            rdbo_string(o, buf, gen_elem(buf, 320, UINT64_MAX));
        }
        break;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
        rdbo_len(o, n);
        for (uint64_t i = 0; i < n; i++) {
            rdbo_string(o, buf, gen_elem(buf, 320, i));
            double d = gen_rand(10) == 0 ? (gen_rand(2) ? 1.0 / 0.0 : -1.0 / 0.0) : (double)gen_rand(100000) / 16 - 50;
            if (t == RDB_TYPE_ZSET_2) {
                rdbo_double_bin(o, d);
            } else if (d != d || d == 1.0 / 0.0 || d == -1.0 / 0.0) {
                rdbo_u8(o, d > 0 ? 254 : 255);
            } else {
                int len = snprintf(buf, sizeof(buf), "%.17g", d);
                rdbo_u8(o, (unsigned)len);
                rdbo_raw(o, buf, (size_t)len);
            }
        }
        break;
    case RDB_TYPE_HASH_ZIPMAP:
        gen_zipmap(&b, n > 200 ? 200 : n);
        rdbo_string(o, b.p, b.len);
        break;
    case RDB_TYPE_LIST_ZIPLIST:
        gen_ziplist(&b, n, 0, 0, 0);
        rdbo_string(o, b.p, b.len);
        break;
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_HASH_ZIPLIST:
        gen_ziplist(&b, 2 * n, 1, 1, t == RDB_TYPE_ZSET_ZIPLIST);
        rdbo_string(o, b.p, b.len);
        break;
    case RDB_TYPE_SET_INTSET: {
        Intset *is = intset_new();
        for (uint64_t i = 0; i < n; i++) {
            int64_t v = gen_rand(3) == 0 ? (int64_t)(gen_rand(1ULL << 40)) - (1LL << 39) : (int64_t)gen_rand(1000);
            is = intset_add(is, v, NULL);
        }
        rdbo_string(o, is, intset_bytes(is));
        intset_free(is);
        break;
    }
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: {
        uint64_t nodes = 1 + gen_rand(5);
        rdbo_len(o, nodes);
        for (uint64_t k = 0; k < nodes; k++) {
            uint64_t m = 1 + gen_rand(20);
            if (t == RDB_TYPE_LIST_QUICKLIST) {
                b.len = 0;
                gen_ziplist(&b, m, 0, 0, 0);
                rdbo_string(o, b.p, b.len);
            } else if (gen_rand(6) == 0) {
                rdbo_len(o, RDB_QL_PLAIN);
                size_t len = 1 + gen_rand(300);
                memset(buf, 'P', len);
                rdbo_string(o, buf, len);
            } else {
                rdbo_len(o, RDB_QL_PACKED);
                unsigned char *lp = gen_listpack(m, 0, 0, 0);
                rdbo_string(o, lp, lp_bytes(lp));
                lp_free(lp);
            }
        }
        break;
    }
    case RDB_TYPE_HASH_LISTPACK:
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_SET_LISTPACK: {
        int pairs = t != RDB_TYPE_SET_LISTPACK;
        unsigned char *lp = gen_listpack(pairs ? 2 * n : n, pairs, 1, t == RDB_TYPE_ZSET_LISTPACK);
        rdbo_string(o, lp, lp_bytes(lp));
        lp_free(lp);
        break;
    }
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    case RDB_TYPE_STREAM_LISTPACKS_3: gen_stream(o, t); break;
    }
    mem_free(b.p);
}

#endif
