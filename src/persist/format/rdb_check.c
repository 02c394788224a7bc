/* rdb_check.c - validating RDB values without building them (see
 * rdb_check.h).  Members of the element-by-element encodings are
 * collected in a small hash set to find repeats; stream nodes go through
 * the stream store's own conversion, which checks every entry. */
#include "rdb_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../ds/alloc.h"
#include "../../ds/idtree.h"
#include "../../ds/listpack.h"
#include "../../ds/streamstore.h"
#include "../../../deps/siphash/siphash.h"
#include "rdb_blobs.h"
#include "rdb_format.h"

/* ------------------------------------------------------------ dedup set */

static const uint8_t dedup_key[16] = {7, 1, 4, 9, 2, 8, 5, 3, 6, 0, 11, 13, 12, 10, 15, 14};

typedef struct Dedup {
    unsigned char *arena; /* u32 length + bytes, back to back */
    size_t alen, acap;
    uint64_t *slots;      /* arena offset + 1; 0 = empty */
    uint64_t *hashes;
    size_t cap, n;
} Dedup;

static void dedup_free(Dedup *d) {
    mem_free(d->arena);
    mem_free(d->slots);
    mem_free(d->hashes);
    memset(d, 0, sizeof(*d));
}

static void dedup_insert_slot(Dedup *d, uint64_t h, uint64_t off) {
    size_t k = h & (d->cap - 1);
    while (d->slots[k]) k = (k + 1) & (d->cap - 1);
    d->slots[k] = off + 1;
    d->hashes[k] = h;
}

static void dedup_grow(Dedup *d) {
    size_t oldcap = d->cap;
    uint64_t *os = d->slots, *oh = d->hashes;
    d->cap = oldcap ? oldcap * 2 : 64;
    d->slots = mem_calloc(d->cap * sizeof(uint64_t));
    d->hashes = mem_alloc(d->cap * sizeof(uint64_t));
    for (size_t i = 0; i < oldcap; i++)
        if (os[i]) dedup_insert_slot(d, oh[i], os[i] - 1);
    mem_free(os);
    mem_free(oh);
}

/* 1 when added, 0 when already there. */
static int dedup_add(Dedup *d, const void *p, size_t len) {
    if ((d->n + 1) * 2 > d->cap) dedup_grow(d);
    uint64_t h = siphash13(p, len, dedup_key);
    size_t k = h & (d->cap - 1);
    for (; d->slots[k]; k = (k + 1) & (d->cap - 1)) {
        if (d->hashes[k] != h) continue;
        const unsigned char *e = d->arena + d->slots[k] - 1;
        uint32_t elen;
        memcpy(&elen, e, 4);
        if (elen == len && memcmp(e + 4, p, len) == 0) return 0;
    }
    if (d->alen + 4 + len > d->acap) {
        d->acap = (d->alen + 4 + len) * 2;
        d->arena = mem_realloc(d->arena, d->acap);
    }
    uint32_t l32 = (uint32_t)len;
    memcpy(d->arena + d->alen, &l32, 4);
    memcpy(d->arena + d->alen + 4, p, len);
    d->slots[k] = d->alen + 1;
    d->hashes[k] = h;
    d->alen += 4 + len;
    d->n++;
    return 1;
}

/* --------------------------------------------------------------- values */

static int empty(RdbIn *in) {
    return rdbi_fail(in, "Empty key");
}

/* SET, HASH, ZSET, ZSET_2 and LIST: elements one by one. */
static int check_elements(RdbIn *in, int type) {
    uint64_t n;
    if (!rdbi_count(in, &n)) return 0;
    if (n == 0) return empty(in);
    Dedup d = {0};
    int ok = 1;
    for (uint64_t i = 0; i < n && ok; i++) {
        const unsigned char *p;
        size_t len;
        if (!(ok = rdbi_string(in, &p, &len))) break;
        if (type == RDB_TYPE_LIST) continue;
        if (!dedup_add(&d, p, len)) {
            ok = rdbi_fail(in, type == RDB_TYPE_SET ? "Duplicate set members detected"
                               : type == RDB_TYPE_HASH ? "Duplicate hash fields detected"
                                                       : "Duplicate zset fields detected");
            break;
        }
        if (type == RDB_TYPE_HASH) ok = rdbi_string_skip(in);
        else if (type == RDB_TYPE_ZSET || type == RDB_TYPE_ZSET_2) {
            double score;
            ok = type == RDB_TYPE_ZSET_2 ? rdbi_double_bin(in, &score) : rdbi_double_text(in, &score);
            if (ok && isnan(score)) ok = rdbi_fail(in, "Zset with NAN score detected");
        }
    }
    dedup_free(&d);
    return ok;
}

/* The scores of a zset listpack: none may read as NaN. */
static int zset_scores_ok(unsigned char *lp) {
    int i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        if (!(i & 1)) continue;
        int64_t iv;
        uint32_t slen;
        const char *s = lp_get(p, &iv, &slen);
        if (!s) continue;
        char buf[128];
        if (slen >= sizeof(buf)) slen = sizeof(buf) - 1;
        memcpy(buf, s, slen);
        buf[slen] = '\0';
        if (isnan(strtod(buf, NULL))) return 0;
    }
    return 1;
}

/* A blob string handed to fn (which frees nothing of it). */
static int with_blob(RdbIn *in, unsigned char **blob, size_t *len) {
    return rdbi_string_alloc(in, blob, len);
}

static int check_listpack_blob(RdbIn *in, unsigned flags, int zset) {
    unsigned char *lp;
    size_t n;
    if (!with_blob(in, &lp, &n)) return 0;
    const char *why = rdbf_check_listpack(lp, n, flags);
    int ok = why ? rdbi_fail(in, "%s", why) : 1;
    if (ok && lp_length(lp) == 0) ok = empty(in);
    if (ok && zset && !zset_scores_ok(lp)) ok = rdbi_fail(in, "Zset with NAN score detected");
    mem_free(lp);
    return ok;
}

static int check_ziplist_blob(RdbIn *in, unsigned flags, int zset) {
    unsigned char *zl;
    size_t n;
    if (!with_blob(in, &zl, &n)) return 0;
    const char *why;
    unsigned char *lp = rdbf_ziplist_to_listpack(zl, n, flags, &why);
    mem_free(zl);
    if (!lp) return rdbi_fail(in, "%s", why);
    int ok = 1;
    if (lp_length(lp) == 0) ok = empty(in);
    if (ok && zset && !zset_scores_ok(lp)) ok = rdbi_fail(in, "Zset with NAN score detected");
    lp_free(lp);
    return ok;
}

static int check_quicklist(RdbIn *in, int type) {
    uint64_t n, elements = 0;
    if (!rdbi_count(in, &n)) return 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t container = RDB_QL_PACKED;
        if (type == RDB_TYPE_LIST_QUICKLIST_2) {
            if (!rdbi_len(in, &container, NULL)) return 0;
            if (container != RDB_QL_PACKED && container != RDB_QL_PLAIN)
                return rdbi_fail(in, "Quicklist integrity check failed.");
        }
        unsigned char *blob;
        size_t len;
        if (!with_blob(in, &blob, &len)) return 0;
        int ok = 1;
        if (container == RDB_QL_PLAIN) {
            if (len == 0) ok = rdbi_fail(in, "Empty plain quicklist node");
            elements++;
        } else if (type == RDB_TYPE_LIST_QUICKLIST_2) {
            const char *why = rdbf_check_listpack(blob, len, 0);
            if (why) ok = rdbi_fail(in, "%s", why);
            else elements += lp_length(blob);
        } else {
            const char *why;
            unsigned char *lp = rdbf_ziplist_to_listpack(blob, len, 0, &why);
            if (!lp) ok = rdbi_fail(in, "%s", why);
            else {
                elements += lp_length(lp);
                lp_free(lp);
            }
        }
        mem_free(blob);
        if (!ok) return 0;
    }
    return elements ? 1 : empty(in);
}

static StreamId id_from_be(const unsigned char b[16]) {
    StreamId id = {0, 0};
    for (int i = 0; i < 8; i++) {
        id.ms = (id.ms << 8) | b[i];
        id.seq = (id.seq << 8) | b[8 + i];
    }
    return id;
}

static int read_id_pair(RdbIn *in, StreamId *id) {
    return rdbi_len(in, &id->ms, NULL) && rdbi_len(in, &id->seq, NULL);
}

/* One consumer group: PEL with delivery data, then the consumers and the
 * IDs each owns; every pending entry must have exactly one owner. */
static int check_group(RdbIn *in, int type, Dedup *groups) {
    uint64_t n;
    StreamId id;
    unsigned char raw[16];
    const unsigned char *gname;
    size_t glen;
    if (!rdbi_string(in, &gname, &glen)) return 0;
    if (!dedup_add(groups, gname, glen)) return rdbi_fail(in, "Duplicated consumer group name");
    if (!read_id_pair(in, &id)) return 0;
    if (type >= RDB_TYPE_STREAM_LISTPACKS_2 && !rdbi_len(in, &n, NULL)) return 0;
    IdTree pel;
    idt_init(&pel, 8);
    Dedup names = {0};
    int ok = rdbi_count(in, &n);
    for (uint64_t i = 0; ok && i < n; i++) {
        int64_t t;
        uint64_t count;
        int existed;
        if (!(ok = rdbi_read(in, raw, 16) && rdbi_ms(in, &t) && rdbi_len(in, &count, NULL))) break;
        idt_insert(&pel, id_from_be(raw), &existed);
        if (existed) ok = rdbi_fail(in, "Duplicated global PEL entry loading stream consumer group");
    }
    uint64_t nc = 0, owned = 0;
    if (ok) ok = rdbi_count(in, &nc);
    for (uint64_t i = 0; ok && i < nc; i++) {
        const unsigned char *name;
        size_t nlen;
        int64_t t;
        if (!(ok = rdbi_string(in, &name, &nlen))) break;
        if (!dedup_add(&names, name, nlen)) {
            ok = rdbi_fail(in, "Duplicate stream consumer detected.");
            break;
        }
        if (!(ok = rdbi_ms(in, &t))) break;
        if (type >= RDB_TYPE_STREAM_LISTPACKS_3 && !(ok = rdbi_ms(in, &t))) break;
        if (!(ok = rdbi_count(in, &n))) break;
        for (uint64_t j = 0; ok && j < n; j++) {
            if (!(ok = rdbi_read(in, raw, 16))) break;
            uint64_t *owner = idt_find(&pel, id_from_be(raw));
            if (!owner) ok = rdbi_fail(in, "Consumer entry not found in group global PEL");
            else if (*owner) ok = rdbi_fail(in, "Duplicated consumer PEL entry loading a stream consumer group");
            else {
                *owner = 1;
                owned++;
            }
        }
    }
    if (ok && owned != idt_count(&pel)) ok = rdbi_fail(in, "Stream CG PEL entry without consumer");
    idt_clear(&pel);
    dedup_free(&names);
    return ok;
}

static int check_stream(RdbIn *in, int type) {
    uint64_t nodes, length, added, ngroups;
    StreamId last, first, maxdel;
    if (!rdbi_count(in, &nodes)) return 0;
    StreamStore st;
    ss_init(&st);
    int ok = 1;
    for (uint64_t i = 0; ok && i < nodes; i++) {
        const unsigned char *key;
        size_t klen;
        unsigned char master[16];
        if (!(ok = rdbi_string(in, &key, &klen))) break;
        if (klen != 16) {
            ok = rdbi_fail(in, "Stream node key entry is not the size of a stream ID");
            break;
        }
        memcpy(master, key, 16);
        unsigned char *lp;
        size_t size;
        if (!(ok = with_blob(in, &lp, &size))) break;
        if (!ss_add_listpack(&st, id_from_be(master), lp, size))
            ok = rdbi_fail(in, "Stream listpack integrity check failed.");
        mem_free(lp);
    }
    if (ok) ok = rdbi_len(in, &length, NULL) && read_id_pair(in, &last);
    if (ok && type >= RDB_TYPE_STREAM_LISTPACKS_2)
        ok = read_id_pair(in, &first) && read_id_pair(in, &maxdel) && rdbi_len(in, &added, NULL);
    if (ok && length != st.length) ok = rdbi_fail(in, "Stream length inconsistent with its entries");
    if (ok && type >= RDB_TYPE_STREAM_LISTPACKS_2 && added < length)
        ok = rdbi_fail(in, "Stream entries added below its length");
    if (ok && ss_nodes(&st) && sid_cmp(last, ss_edge_id(&st, 0, 0)) < 0)
        ok = rdbi_fail(in, "Stream last ID below its last entry");
    ss_free(&st);
    if (ok) ok = rdbi_count(in, &ngroups);
    Dedup names = {0};
    for (uint64_t i = 0; ok && i < ngroups; i++) ok = check_group(in, type, &names);
    dedup_free(&names);
    return ok;
}

/* A module value: the module id, then opcodes until EOF (only walked). */
static int check_module(RdbIn *in) {
    uint64_t id, op, v;
    if (!rdbi_len(in, &id, NULL)) return 0;
    for (;;) {
        if (!rdbi_len(in, &op, NULL)) return 0;
        if (op == RDB_MODULE_OPCODE_EOF) return 1;
        double d;
        unsigned char f[4];
        switch (op) {
        case RDB_MODULE_OPCODE_SINT:
        case RDB_MODULE_OPCODE_UINT:
            if (!rdbi_len(in, &v, NULL)) return 0;
            break;
        case RDB_MODULE_OPCODE_STRING:
            if (!rdbi_string_skip(in)) return 0;
            break;
        case RDB_MODULE_OPCODE_FLOAT:
            if (!rdbi_read(in, f, 4)) return 0;
            break;
        case RDB_MODULE_OPCODE_DOUBLE:
            if (!rdbi_double_bin(in, &d)) return 0;
            break;
        default:
            return rdbi_fail(in, "Unknown module value opcode %llu", (unsigned long long)op);
        }
    }
}

int rdbf_check_value(RdbIn *in, int type) {
    switch (type) {
    case RDB_TYPE_STRING: return rdbi_string_skip(in);
    case RDB_TYPE_LIST:
    case RDB_TYPE_SET:
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
    case RDB_TYPE_HASH: return check_elements(in, type);
    case RDB_TYPE_HASH_ZIPMAP: {
        unsigned char *zm;
        size_t n;
        if (!with_blob(in, &zm, &n)) return 0;
        const char *why;
        unsigned char *lp = rdbf_zipmap_to_listpack(zm, n, &why);
        mem_free(zm);
        if (!lp) return rdbi_fail(in, "%s", why);
        int ok = lp_length(lp) ? 1 : empty(in);
        lp_free(lp);
        return ok;
    }
    case RDB_TYPE_LIST_ZIPLIST: return check_ziplist_blob(in, 0, 0);
    case RDB_TYPE_ZSET_ZIPLIST: return check_ziplist_blob(in, RDBF_PAIRS | RDBF_UNIQUE, 1);
    case RDB_TYPE_HASH_ZIPLIST: return check_ziplist_blob(in, RDBF_PAIRS | RDBF_UNIQUE, 0);
    case RDB_TYPE_SET_INTSET: {
        unsigned char *is;
        size_t n;
        if (!with_blob(in, &is, &n)) return 0;
        const char *why = rdbf_check_intset(is, n);
        mem_free(is);
        return why ? rdbi_fail(in, "%s", why) : 1;
    }
    case RDB_TYPE_HASH_LISTPACK: return check_listpack_blob(in, RDBF_PAIRS | RDBF_UNIQUE, 0);
    case RDB_TYPE_ZSET_LISTPACK: return check_listpack_blob(in, RDBF_PAIRS | RDBF_UNIQUE, 1);
    case RDB_TYPE_SET_LISTPACK: return check_listpack_blob(in, RDBF_UNIQUE, 0);
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: return check_quicklist(in, type);
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    case RDB_TYPE_STREAM_LISTPACKS_3: return check_stream(in, type);
    case RDB_TYPE_MODULE_2: return check_module(in);
    case RDB_TYPE_MODULE_PRE_GA: return rdbi_fail(in, "Pre-release module format not supported");
    default: return rdbi_fail(in, "Unknown RDB encoding type %d", type);
    }
}
