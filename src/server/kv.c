/* kv.c - Kv: a key, its value and its TTL in one allocation, and the
 * registry of the types' TypeOps.
 *
 * Layout (offsets in bytes, P = sizeof(void *); every field is read and
 * written with memcpy, so no access depends on alignment):
 *   0          next        link in the database's key table
 *   P          meta        u32: type (4 bits) | encoding (4) | lru (24)
 *   P+4        keyinfo     u32: key length (31 bits) | has-expire flag
 *   P+8        [expire]    i64 ms, only with the flag
 *   P+16       [vnext]     link in the expires table, only with the flag
 *   ...        [valptr]    the value pointer, for every value held by
 *                          pointer (aggregates, raw strings)
 *   ...        key bytes
 *   ...        inline value: ENC_INT i64, ENC_EMBSTR u32 length + bytes
 * P+8 and P+16 are multiples of P on both 32- and 64-bit targets, so every
 * pointer a Kv holds sits at an aligned offset: LeakSanitizer and
 * valgrind, which find live memory by scanning aligned words, see the
 * value, and it costs no padding.
 * A 16-byte key with a short value fits a 48-byte allocation, where a
 * Redis 7 key costs about 100 bytes spread over four allocations. */
#include <string.h>

#include "server.h"
#include "evict.h"
#include "../ds/unaligned.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"

#define P sizeof(void *)
#define OFF_META P
#define OFF_KEYINFO (P + 4)
#define OFF_EXPIRE (P + 8)
#define OFF_VNEXT (P + 16)
#define EXPIRE_BLOCK (8 + P)
#define KEYINFO_EXPIRE (1u << 31)

struct Kv {
    char bytes[1];
};

_Static_assert((P + 8) % P == 0 && (P + 16) % P == 0, "pointers in a Kv must be aligned");

static inline const char *B(const Kv *kv) { return (const char *)kv; }
static inline char *BW(Kv *kv) { return (char *)kv; }

static inline uint32_t meta(const Kv *kv) { return load_u32(B(kv) + OFF_META); }
static inline uint32_t keyinfo(const Kv *kv) { return load_u32(B(kv) + OFF_KEYINFO); }

/* Whether values of this type/encoding are held by pointer. */
static inline int is_ptr_enc(int type, int enc) {
    return !(type == OBJ_STRING && (enc == ENC_INT || enc == ENC_EMBSTR));
}
static inline int meta_is_ptr(uint32_t m) { return is_ptr_enc((int)(m & 0xf), (int)((m >> 4) & 0xf)); }

static inline size_t valptr_off(uint32_t ki) { return OFF_EXPIRE + ((ki & KEYINFO_EXPIRE) ? EXPIRE_BLOCK : 0); }
static inline size_t key_off2(uint32_t m, uint32_t ki) { return valptr_off(ki) + (meta_is_ptr(m) ? P : 0); }
static inline size_t inline_value_off(const Kv *kv) {
    uint32_t ki = keyinfo(kv);
    return key_off2(meta(kv), ki) + (ki & ~KEYINFO_EXPIRE);
}

int kv_type(const Kv *kv) { return (int)(meta(kv) & 0xf); }
int kv_encoding(const Kv *kv) { return (int)((meta(kv) >> 4) & 0xf); }
uint32_t kv_lru(const Kv *kv) { return meta(kv) >> 8; }
int kv_value_is_ptr(const Kv *kv) { return meta_is_ptr(meta(kv)); }

static void set_meta(Kv *kv, int type, int enc, uint32_t lru) {
    store_u32(BW(kv) + OFF_META, (uint32_t)type | ((uint32_t)enc << 4) | ((lru & LRU_CLOCK_MAX) << 8));
}

/* Under an LFU policy the access bits hold a decaying counter instead
 * of the clock (evict.h). */
void kv_touch(Kv *kv) {
    uint32_t m = meta(kv);
    uint32_t bits = EVICT_POLICY_IS_LFU(server.cfg.maxmemory_policy) ? evict_lfu_access(m >> 8) : server.lru_clock;
    store_u32(BW(kv) + OFF_META, (m & 0xff) | ((bits & LRU_CLOCK_MAX) << 8));
}

void kv_set_lru(Kv *kv, uint32_t lru) {
    uint32_t m = meta(kv);
    store_u32(BW(kv) + OFF_META, (m & 0xff) | ((lru & LRU_CLOCK_MAX) << 8));
}

const char *kv_key(const Kv *kv, size_t *len) {
    uint32_t ki = keyinfo(kv);
    *len = ki & ~KEYINFO_EXPIRE;
    return B(kv) + key_off2(meta(kv), ki);
}

int kv_has_expire(const Kv *kv) { return (keyinfo(kv) & KEYINFO_EXPIRE) != 0; }

int64_t kv_expire(const Kv *kv) {
    return kv_has_expire(kv) ? load_i64(B(kv) + OFF_EXPIRE) : -1;
}

/* Allocates an entry with room for inline_size value bytes; the key is
 * copied in, the TTL set when when_ms != -1, the links cleared. */
static Kv *kv_alloc(const char *key, size_t klen, int64_t when_ms, size_t inline_size, int type, int enc) {
    int with_expire = when_ms != -1;
    int ptr = is_ptr_enc(type, enc);
    size_t voff = OFF_EXPIRE + (with_expire ? EXPIRE_BLOCK : 0);
    size_t koff = voff + (ptr ? P : 0);
    Kv *kv = mem_alloc(koff + klen + inline_size);
    store_ptr(BW(kv), NULL);
    set_meta(kv, type, enc,
             EVICT_POLICY_IS_LFU(server.cfg.maxmemory_policy) ? evict_lfu_initial() : server.lru_clock);
    store_u32(BW(kv) + OFF_KEYINFO, (uint32_t)klen | (with_expire ? KEYINFO_EXPIRE : 0));
    if (with_expire) {
        store_i64(BW(kv) + OFF_EXPIRE, when_ms);
        store_ptr(BW(kv) + OFF_VNEXT, NULL);
    }
    if (ptr) store_ptr(BW(kv) + voff, NULL);
    memcpy(BW(kv) + koff, key, klen);
    return kv;
}

static int fits_embedded(size_t klen, size_t vlen, int64_t when_ms) {
    return klen + vlen + (when_ms != -1 ? 8 : 0) <= EMBSTR_MAX_COMBINED;
}

Kv *kv_new_string_ttl(const char *key, size_t klen, const char *val, size_t vlen, int64_t when_ms) {
    long long n;
    if (vlen <= 20 && str_to_ll(val, vlen, &n)) {
        Kv *kv = kv_alloc(key, klen, when_ms, 8, OBJ_STRING, ENC_INT);
        store_i64(BW(kv) + inline_value_off(kv), n);
        return kv;
    }
    if (!fits_embedded(klen, vlen, when_ms)) {
        Kv *kv = kv_alloc(key, klen, when_ms, 0, OBJ_STRING, ENC_RAW);
        store_ptr(BW(kv) + valptr_off(keyinfo(kv)), str_new(val, vlen));
        return kv;
    }
    Kv *kv = kv_alloc(key, klen, when_ms, 4 + vlen, OBJ_STRING, ENC_EMBSTR);
    char *v = BW(kv) + inline_value_off(kv);
    store_u32(v, (uint32_t)vlen);
    memcpy(v + 4, val, vlen);
    return kv;
}

Kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl) {
    /* The TTL's value is filled in later (kv_with_expire keeps the slot). */
    if (!fits_embedded(klen, vlen, with_ttl ? 0 : -1)) return kv_new_raw(key, klen, str_new(val, vlen));
    Kv *kv = kv_alloc(key, klen, -1, 4 + vlen, OBJ_STRING, ENC_EMBSTR);
    char *v = BW(kv) + inline_value_off(kv);
    store_u32(v, (uint32_t)vlen);
    memcpy(v + 4, val, vlen);
    return kv;
}

Kv *kv_new_int(const char *key, size_t klen, long long n) {
    Kv *kv = kv_alloc(key, klen, -1, 8, OBJ_STRING, ENC_INT);
    store_i64(BW(kv) + inline_value_off(kv), n);
    return kv;
}

Kv *kv_new_string_auto(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl) {
    long long n;
    if (vlen <= 20 && str_to_ll(val, vlen, &n)) return kv_new_int(key, klen, n);
    return kv_new_string(key, klen, val, vlen, with_ttl);
}

Kv *kv_new_raw(const char *key, size_t klen, Str *val) {
    return kv_new_ptr(key, klen, OBJ_STRING, ENC_RAW, val);
}

Kv *kv_new_ptr(const char *key, size_t klen, int type, int encoding, void *ptr) {
    Kv *kv = kv_alloc(key, klen, -1, 0, type, encoding);
    store_ptr(BW(kv) + valptr_off(keyinfo(kv)), ptr);
    return kv;
}

void *kv_get_ptr(const Kv *kv) {
    return load_ptr(B(kv) + valptr_off(keyinfo(kv)));
}

Str *kv_get_raw(const Kv *kv) {
    return kv_get_ptr(kv);
}

void kv_set_value(Kv *kv, int encoding, void *ptr) {
    server_assert(kv_value_is_ptr(kv) && is_ptr_enc(kv_type(kv), encoding));
    set_meta(kv, kv_type(kv), encoding, kv_lru(kv));
    store_ptr(BW(kv) + valptr_off(keyinfo(kv)), ptr);
}

/* ------------------------------------------------------------ TypeOps */

void kv_register_type(const TypeOps *ops) {
    server_assert(ops->type >= 0 && ops->type < OBJ_TYPE_MAX);
    server.type_ops[ops->type] = ops;
}

const TypeOps *kv_type_ops(int type) {
    return type >= 0 && type < OBJ_TYPE_MAX ? server.type_ops[type] : NULL;
}

static const TypeOps *ops_of(const Kv *kv) {
    const TypeOps *ops = server.type_ops[kv_type(kv)];
    server_assert(ops != NULL);
    return ops;
}

void kv_free(Kv *kv) {
    if (!kv) return;
    if (kv_value_is_ptr(kv)) {
        void *ptr = kv_get_ptr(kv);
        if (ptr) ops_of(kv)->free(ptr, kv_encoding(kv));
    }
    mem_free(kv);
}

int kv_get_int(const Kv *kv, long long *out) {
    if (kv_type(kv) != OBJ_STRING || kv_encoding(kv) != ENC_INT) return 0;
    *out = load_i64(B(kv) + inline_value_off(kv));
    return 1;
}

void kv_string_view(const Kv *kv, StrView *v) {
    switch (kv_encoding(kv)) {
    case ENC_INT:
        v->len = ll_to_str(v->ibuf, load_i64(B(kv) + inline_value_off(kv)));
        v->p = v->ibuf;
        break;
    case ENC_EMBSTR: {
        const char *val = B(kv) + inline_value_off(kv);
        v->len = load_u32(val);
        v->p = val + 4;
        break;
    }
    default: {
        Str *s = kv_get_ptr(kv);
        v->p = s->buf;
        v->len = s->len;
    }
    }
}

/* Size of the inline value part of an entry (0 for pointer values). */
static size_t inline_size(const Kv *kv) {
    if (kv_value_is_ptr(kv)) return 0;
    if (kv_encoding(kv) == ENC_INT) return 8;
    return 4 + load_u32(B(kv) + inline_value_off(kv));
}

/* Builds an entry with a new key and/or TTL state, moving the value (and
 * so ownership of any pointer value).  The old entry is freed without
 * touching its value.  key may point into old. */
static Kv *kv_rebuild(Kv *old, const char *key, size_t klen, int64_t when) {
    size_t isize = inline_size(old);
    Kv *kv = kv_alloc(key, klen, when, isize, kv_type(old), kv_encoding(old));
    set_meta(kv, kv_type(old), kv_encoding(old), kv_lru(old));
    if (kv_value_is_ptr(old)) store_ptr(BW(kv) + valptr_off(keyinfo(kv)), kv_get_ptr(old));
    else memcpy(BW(kv) + inline_value_off(kv), B(old) + inline_value_off(old), isize);
    /* Keep the table links so db_replace can splice the new entry in. */
    store_ptr(BW(kv), load_ptr(B(old)));
    if (when != -1 && kv_has_expire(old)) store_ptr(BW(kv) + OFF_VNEXT, load_ptr(B(old) + OFF_VNEXT));
    mem_free(old);
    return kv;
}

Kv *kv_with_expire(Kv *kv, int64_t when_ms) {
    if (kv_has_expire(kv)) {
        store_i64(BW(kv) + OFF_EXPIRE, when_ms);
        return kv;
    }
    /* kv_alloc copies the key before kv_rebuild frees the old entry. */
    size_t klen;
    const char *k = kv_key(kv, &klen);
    return kv_rebuild(kv, k, klen, when_ms);
}

Kv *kv_without_expire(Kv *kv) {
    if (!kv_has_expire(kv)) return kv;
    size_t klen;
    const char *k = kv_key(kv, &klen);
    return kv_rebuild(kv, k, klen, -1);
}

Kv *kv_rekey(Kv *kv, const char *key, size_t klen) {
    int64_t when = kv_expire(kv);
    Kv *n = kv_rebuild(kv, key, klen, when);
    store_ptr(BW(n), NULL);
    if (when != -1) store_ptr(BW(n) + OFF_VNEXT, NULL);
    return n;
}

Kv *kv_dup(const Kv *kv, const char *key, size_t klen) {
    size_t isize = inline_size(kv);
    Kv *n = kv_alloc(key, klen, kv_expire(kv), isize, kv_type(kv), kv_encoding(kv));
    if (!kv_value_is_ptr(kv)) {
        memcpy(BW(n) + inline_value_off(n), B(kv) + inline_value_off(kv), isize);
    } else {
        store_ptr(BW(n) + valptr_off(keyinfo(n)), ops_of(kv)->dup(kv_get_ptr(kv), kv_encoding(kv)));
    }
    return n;
}

size_t kv_mem_usage(const Kv *kv, long long samples) {
    size_t n = mem_usable(kv);
    if (kv_value_is_ptr(kv)) {
        const TypeOps *ops = ops_of(kv);
        if (ops->mem_usage) n += ops->mem_usage(kv_get_ptr(kv), kv_encoding(kv), samples);
    }
    return n;
}

void kv_value_digest(const Kv *kv, uint8_t out[20]) {
    if (!kv_value_is_ptr(kv) || kv_type(kv) == OBJ_STRING) {
        StrView v;
        kv_string_view(kv, &v);
        Sha1 s;
        sha1_init(&s);
        sha1_update(&s, v.p, v.len);
        sha1_final(&s, out);
        return;
    }
    ops_of(kv)->digest(kv_get_ptr(kv), kv_encoding(kv), out);
}

const char *kv_check(const Kv *kv) {
    int type = kv_type(kv), enc = kv_encoding(kv);
    if (!server.type_ops[type]) return "unknown type";
    if (type == OBJ_STRING && enc != ENC_INT && enc != ENC_EMBSTR && enc != ENC_RAW) return "bad string encoding";
    if (kv_value_is_ptr(kv) && !kv_get_ptr(kv)) return "null value pointer";
    if (kv_value_is_ptr(kv) && valptr_off(keyinfo(kv)) % P != 0) return "value pointer not aligned";
    if (kv_has_expire(kv) && OFF_VNEXT % P != 0) return "expires link not aligned";
    size_t klen;
    kv_key(kv, &klen);
    size_t need = inline_value_off(kv) + inline_size(kv);
    if (mem_usable(kv) < need) return "allocation smaller than its layout";
    if (type == OBJ_STRING && enc == ENC_EMBSTR && klen + load_u32(B(kv) + inline_value_off(kv)) > EMBSTR_MAX_COMBINED)
        return "embedded string too long";
    const TypeOps *ops = server.type_ops[type];
    if (kv_value_is_ptr(kv) && ops->check) return ops->check(kv_get_ptr(kv), enc);
    return NULL;
}

const char *kv_type_name(int type) {
    const TypeOps *ops = kv_type_ops(type);
    return ops ? ops->name : "unknown";
}

const char *kv_encoding_name(int enc) {
    switch (enc) {
    case ENC_RAW: return "raw";
    case ENC_INT: return "int";
    case ENC_HASHTABLE: return "hashtable";
    case ENC_INTSET: return "intset";
    case ENC_SKIPLIST: return "skiplist";
    case ENC_EMBSTR: return "embstr";
    case ENC_QUICKLIST: return "quicklist";
    case ENC_STREAM: return "stream";
    case ENC_LISTPACK: return "listpack";
    default: return "unknown";
    }
}

/* ------------------------------------------------ hash table descriptions */

static uint64_t key_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static void kv_entry_key(const void *entry, const char **key, size_t *len) {
    *key = kv_key(entry, len);
}

const HtType kv_keys_httype = {
    .hash = key_hash,
    .key_eq = NULL,
    .entry_key = kv_entry_key,
    .next_offset = 0,
};

const HtType kv_expires_httype = {
    .hash = key_hash,
    .key_eq = NULL,
    .entry_key = kv_entry_key,
    .next_offset = OFF_VNEXT,
};

/* ------------------------------------------------ in-place value updates */

void kv_set_int_in_place(Kv *kv, long long v) {
    store_i64(BW(kv) + inline_value_off(kv), v);
}

int kv_string_overwrite(Kv *kv, const char *val, size_t vlen) {
    uint32_t m = meta(kv), ki = keyinfo(kv);
    if (meta_is_ptr(m) || (m & 0xf) != OBJ_STRING) return 0;
    long long n;
    int as_int = vlen <= 20 && str_to_ll(val, vlen, &n);
    size_t klen = ki & ~KEYINFO_EXPIRE;
    if (!as_int && !fits_embedded(klen, vlen, (ki & KEYINFO_EXPIRE) ? 0 : -1)) return 0;
    size_t voff = valptr_off(ki) + klen; /* inline values follow the key */
    if (voff + (as_int ? 8 : 4 + vlen) > mem_usable(kv)) return 0;
    int enc = as_int ? ENC_INT : ENC_EMBSTR;
    /* As db.c's overwrite: an LFU count stays, the LRU clock restarts. */
    set_meta(kv, OBJ_STRING, enc, EVICT_POLICY_IS_LFU(server.cfg.maxmemory_policy) ? m >> 8 : server.lru_clock);
    char *v = BW(kv) + voff;
    if (as_int) {
        store_i64(v, n);
    } else {
        store_u32(v, (uint32_t)vlen);
        memcpy(v + 4, val, vlen);
    }
    return 1;
}

void kv_set_raw(Kv *kv, Str *s) {
    store_ptr(BW(kv) + valptr_off(keyinfo(kv)), s);
}

void kv_copy_links(Kv *dst, const Kv *src) {
    store_ptr(BW(dst), load_ptr(B(src)));
    if (kv_has_expire(dst) && kv_has_expire(src))
        store_ptr(BW(dst) + OFF_VNEXT, load_ptr(B(src) + OFF_VNEXT));
}
