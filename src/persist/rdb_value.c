/* rdb_value.c - one value in RDB form (see rdb_value.h): the RdbWriter
 * and RdbReader tables of server/rdb_io.h filled in over RdbOut/RdbIn,
 * strings written and read here, everything else through the value's
 * TypeOps; DUMP payloads.
 *
 * The tables are the first member of a struct that also holds the
 * cursor, so each function gets from one to the other with a cast of a
 * struct pointer to its first member. */
#include "rdb_value.h"

#include <string.h>

#include "../ds/alloc.h"
#include "../ds/intset.h"
#include "../ds/listpack.h"
#include "../server/rdb_io.h"
#include "../server/server.h"
#include "../../deps/crc64/crc64.h"
#include "format/rdb_blobs.h"
#include "format/rdb_format.h"
#include "persist.h"

_Static_assert(RDB_BLOB_PAIRS == RDBF_PAIRS && RDB_BLOB_UNIQUE == RDBF_UNIQUE && RDB_BLOB_NONEMPTY == RDBF_NONEMPTY,
               "rdb_io.h and rdb_blobs.h blob flags differ");
_Static_assert(OBJ_LIST == 1 && OBJ_SET == 2 && OBJ_ZSET == 3 && OBJ_HASH == 4 && OBJ_STREAM == 6,
               "rdb_type_value_kind numbers value types as OBJ_*");

/* --------------------------------------------------------------- writer */

typedef struct ValWriter {
    RdbWriter w;
    RdbOut *o;
    const char *key; /* written after the type byte; NULL for DUMP */
    size_t klen;
} ValWriter;

static RdbOut *W(RdbWriter *w) { return ((ValWriter *)w)->o; }

static int vw_type(RdbWriter *w, int t) {
    ValWriter *v = (ValWriter *)w;
    if (rdbo_u8(v->o, (unsigned)t)) return -1;
    return v->key ? rdbo_string(v->o, v->key, v->klen) : 0;
}
static int vw_len(RdbWriter *w, uint64_t n) { return rdbo_len(W(w), n); }
static int vw_string(RdbWriter *w, const void *p, size_t n) { return rdbo_string(W(w), p, n); }
static int vw_string_int(RdbWriter *w, int64_t v) { return rdbo_string_int(W(w), v); }
static int vw_lzf(RdbWriter *w, const void *c, size_t clen, size_t rawlen) {
    return rdbo_lzf_blob(W(w), c, clen, rawlen);
}
static int vw_double_bin(RdbWriter *w, double d) { return rdbo_double_bin(W(w), d); }
static int vw_ms(RdbWriter *w, int64_t t) { return rdbo_ms(W(w), t); }
static int vw_raw(RdbWriter *w, const void *p, size_t n) { return rdbo_raw(W(w), p, n); }

int rdb_save_value(RdbOut *o, const Kv *kv, int with_key) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    if (kv_type(kv) == OBJ_STRING) {
        if (rdbo_u8(o, RDB_TYPE_STRING)) return -1;
        if (with_key && rdbo_string(o, key, klen)) return -1;
        long long v;
        if (kv_get_int(kv, &v)) return rdbo_string_int(o, v);
        StrView sv;
        kv_string_view(kv, &sv);
        return rdbo_string(o, sv.p, sv.len);
    }
    const TypeOps *ops = kv_type_ops(kv_type(kv));
    if (!ops || !ops->rdb_save) {
        server_log(LL_WARNING, "Can't save a value of type %d: its type has no RDB form", kv_type(kv));
        return -1;
    }
    ValWriter v = {{vw_type, vw_len, vw_string, vw_string_int, vw_lzf, vw_double_bin, vw_ms, vw_raw},
                   o, with_key ? key : NULL, klen};
    return ops->rdb_save(&v.w, kv_get_ptr(kv), kv_encoding(kv));
}

/* --------------------------------------------------------------- reader */

typedef struct ValReader {
    RdbReader r;
    RdbIn *in;
} ValReader;

static RdbIn *R(RdbReader *r) { return ((ValReader *)r)->in; }

static int vr_len(RdbReader *r, uint64_t *n) { return rdbi_len(R(r), n, NULL); }
static int vr_count(RdbReader *r, uint64_t *n) { return rdbi_count(R(r), n); }
static int vr_string(RdbReader *r, const char **p, size_t *n) {
    return rdbi_string(R(r), (const unsigned char **)p, n);
}
static int vr_double_bin(RdbReader *r, double *d) { return rdbi_double_bin(R(r), d); }
static int vr_double_text(RdbReader *r, double *d) { return rdbi_double_text(R(r), d); }
static int vr_ms(RdbReader *r, int64_t *t) { return rdbi_ms(R(r), t); }
static int vr_raw(RdbReader *r, void *dst, size_t n) { return rdbi_read(R(r), dst, n); }
static int vr_fail(RdbReader *r, const char *why) { return rdbi_fail(R(r), "%s", why); }
static int vr_unique(RdbReader *r, unsigned char *lp, int pairs) {
    (void)r;
    return rdbf_listpack_unique(lp, pairs);
}

static unsigned char *vr_listpack(RdbReader *r, unsigned flags, size_t *size) {
    unsigned char *lp;
    size_t n;
    if (!rdbi_string_alloc(R(r), &lp, &n)) return NULL;
    if (flags & RDB_BLOB_UNCHECKED) {
        if (size) *size = n;
        return lp;
    }
    const char *why = rdbf_check_listpack(lp, n, flags);
    if (why) {
        mem_free(lp);
        rdbi_fail(R(r), "%s", why);
        return NULL;
    }
    if (r->deep) server.stat.dump_payload_sanitizations++;
    if (size) *size = n;
    return lp;
}

static unsigned char *vr_ziplist(RdbReader *r, unsigned flags) {
    unsigned char *zl;
    size_t n;
    if (!rdbi_string_alloc(R(r), &zl, &n)) return NULL;
    const char *why;
    unsigned char *lp = rdbf_ziplist_to_listpack(zl, n, flags, &why);
    mem_free(zl);
    if (!lp) rdbi_fail(R(r), "%s", why);
    return lp;
}

static unsigned char *vr_zipmap(RdbReader *r) {
    unsigned char *zm;
    size_t n;
    if (!rdbi_string_alloc(R(r), &zm, &n)) return NULL;
    const char *why;
    unsigned char *lp = rdbf_zipmap_to_listpack(zm, n, &why);
    mem_free(zm);
    if (!lp) rdbi_fail(R(r), "%s", why);
    return lp;
}

static void *vr_intset(RdbReader *r) {
    unsigned char *is;
    size_t n;
    if (!rdbi_string_alloc(R(r), &is, &n)) return NULL;
    const char *why = rdbf_check_intset(is, n);
    if (why) {
        mem_free(is);
        rdbi_fail(R(r), "%s", why);
        return NULL;
    }
    if (r->deep) server.stat.dump_payload_sanitizations++;
    /* An Intset is its blob (intset.h). */
    return is;
}

Kv *rdb_load_value(RdbIn *in, int rdb_type, const char *key, size_t klen, int64_t expire, int deep, int *empty) {
    *empty = 0;
    if (rdb_type == RDB_TYPE_STRING) {
        const unsigned char *p;
        size_t n;
        if (!rdbi_string(in, &p, &n)) return NULL;
        return kv_new_string_ttl(key, klen, (const char *)p, n, expire);
    }
    int kind = rdb_type_value_kind(rdb_type);
    if (kind < 0) {
        if (rdb_type == RDB_TYPE_MODULE_PRE_GA) rdbi_fail(in, "Pre-release module format not supported");
        else if (rdb_type == RDB_TYPE_MODULE_2)
            rdbi_fail(in, "The RDB file contains module data I can't load: this server loads no modules");
        else rdbi_fail(in, "Unknown RDB encoding type %d", rdb_type);
        return NULL;
    }
    const TypeOps *ops = kv_type_ops(kind);
    if (!ops || !ops->rdb_load) {
        rdbi_fail(in, "No loader for values of type %s", rdb_type_name(rdb_type));
        return NULL;
    }
    ValReader v = {{vr_len, vr_count, vr_string, vr_double_bin, vr_double_text, vr_ms, vr_raw, vr_listpack,
                    vr_ziplist, vr_zipmap, vr_intset, vr_fail, vr_unique, deep, 0},
                   in};
    int enc = 0;
    void *ptr = ops->rdb_load(&v.r, rdb_type, &enc);
    if (!ptr) {
        if (v.r.empty && !in->failed) *empty = 1;
        else rdbi_fail(in, "Bad %s value", rdb_type_name(rdb_type));
        return NULL;
    }
    Kv *kv = kv_new_ptr(key, klen, kind, enc, ptr);
    return expire != -1 ? kv_with_expire(kv, expire) : kv;
}

/* ----------------------------------------------------------------- DUMP */

Str *rdb_dump_payload(const Kv *kv) {
    RdbOut o;
    rdbo_init_mem(&o, 128);
    o.compress = server.cfg.rdb_compression;
    /* Memory mode cannot fail. */
    rdb_save_value(&o, kv, 0);
    unsigned char foot[RDB_DUMP_FOOTER];
    foot[0] = RDB_VERSION & 0xff;
    foot[1] = (RDB_VERSION >> 8) & 0xff;
    rdbo_raw(&o, foot, 2);
    uint64_t crc = rdbo_crc(&o);
    for (int i = 0; i < 8; i++) foot[2 + i] = (unsigned char)(crc >> (8 * i));
    rdbo_raw(&o, foot + 2, 8);
    Str *s = str_new((const char *)o.buf, o.len);
    rdbo_release(&o);
    return s;
}

int rdb_dump_verify(const unsigned char *p, size_t len) {
    if (len < RDB_DUMP_FOOTER) return 0;
    const unsigned char *foot = p + len - RDB_DUMP_FOOTER;
    unsigned ver = foot[0] | (unsigned)foot[1] << 8;
    if (ver > RDB_VERSION) return 0;
    if (server.skip_checksum_validation) return 1;
    uint64_t crc = crc64(0, p, len - 8), got = 0;
    for (int i = 7; i >= 0; i--) got = (got << 8) | foot[2 + i];
    return crc == got;
}
