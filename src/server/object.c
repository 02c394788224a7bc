/* object.c - Kv: a key, its value and its TTL in one allocation.
 *
 * Layout (offsets in bytes, P = sizeof(void *); every field is read and
 * written with memcpy, so no access depends on alignment):
 *   0          next        link in the database's key table
 *   P          meta        u32: type (4 bits) | encoding (4) | lru (24)
 *   P+4        keyinfo     u32: key length (31 bits) | has-expire flag
 *   P+8        [expire]    i64 ms, only with the flag
 *   P+16       [vnext]     link in the expires table, only with the flag
 *   ...        key bytes
 *   ...        value: ENC_INT   i64
 *                     ENC_EMBSTR u32 length + bytes
 *                     otherwise a pointer (Str * for ENC_RAW)
 * A 16-byte key with a short value fits a 48-byte allocation, where a
 * Redis 7 key costs about 100 bytes spread over four allocations. */
#include <string.h>

#include "server.h"
#include "../ds/unaligned.h"
#include "../../deps/numconv/numconv.h"
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

static inline const char *B(const Kv *kv) { return (const char *)kv; }
static inline char *BW(Kv *kv) { return (char *)kv; }

static inline uint32_t meta(const Kv *kv) { return load_u32(B(kv) + OFF_META); }
static inline uint32_t keyinfo(const Kv *kv) { return load_u32(B(kv) + OFF_KEYINFO); }
static inline size_t key_off(uint32_t ki) { return OFF_EXPIRE + ((ki & KEYINFO_EXPIRE) ? EXPIRE_BLOCK : 0); }
static inline size_t value_off(const Kv *kv) {
    uint32_t ki = keyinfo(kv);
    return key_off(ki) + (ki & ~KEYINFO_EXPIRE);
}

int kv_type(const Kv *kv) { return (int)(meta(kv) & 0xf); }
int kv_encoding(const Kv *kv) { return (int)((meta(kv) >> 4) & 0xf); }
uint32_t kv_lru(const Kv *kv) { return meta(kv) >> 8; }

static void set_meta(Kv *kv, int type, int enc, uint32_t lru) {
    store_u32(BW(kv) + OFF_META, (uint32_t)type | ((uint32_t)enc << 4) | ((lru & LRU_CLOCK_MAX) << 8));
}

void kv_touch(Kv *kv) {
    set_meta(kv, kv_type(kv), kv_encoding(kv), server.lru_clock);
}

const char *kv_key(const Kv *kv, size_t *len) {
    uint32_t ki = keyinfo(kv);
    *len = ki & ~KEYINFO_EXPIRE;
    return B(kv) + key_off(ki);
}

int kv_has_expire(const Kv *kv) { return (keyinfo(kv) & KEYINFO_EXPIRE) != 0; }

int64_t kv_expire(const Kv *kv) {
    return kv_has_expire(kv) ? load_i64(B(kv) + OFF_EXPIRE) : -1;
}

/* Allocates an entry with room for vsize value bytes; key copied in. */
static Kv *kv_alloc(const char *key, size_t klen, int with_expire, size_t vsize, int type, int enc) {
    size_t koff = OFF_EXPIRE + (with_expire ? EXPIRE_BLOCK : 0);
    Kv *kv = mem_alloc(koff + klen + vsize);
    store_ptr(BW(kv), NULL);
    set_meta(kv, type, enc, server.lru_clock);
    store_u32(BW(kv) + OFF_KEYINFO, (uint32_t)klen | (with_expire ? KEYINFO_EXPIRE : 0));
    if (with_expire) {
        store_i64(BW(kv) + OFF_EXPIRE, 0);
        store_ptr(BW(kv) + OFF_VNEXT, NULL);
    }
    memcpy(BW(kv) + koff, key, klen);
    return kv;
}

Kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl) {
    if (klen + vlen + (with_ttl ? 8 : 0) > EMBSTR_MAX_COMBINED) return kv_new_raw(key, klen, str_new(val, vlen));
    Kv *kv = kv_alloc(key, klen, 0, 4 + vlen, OBJ_STRING, ENC_EMBSTR);
    char *v = BW(kv) + value_off(kv);
    store_u32(v, (uint32_t)vlen);
    memcpy(v + 4, val, vlen);
    return kv;
}

Kv *kv_new_int(const char *key, size_t klen, long long n) {
    Kv *kv = kv_alloc(key, klen, 0, 8, OBJ_STRING, ENC_INT);
    store_i64(BW(kv) + value_off(kv), n);
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
    Kv *kv = kv_alloc(key, klen, 0, P, type, encoding);
    store_ptr(BW(kv) + value_off(kv), ptr);
    return kv;
}

static int value_is_ptr(const Kv *kv) {
    int enc = kv_encoding(kv);
    return !(kv_type(kv) == OBJ_STRING && (enc == ENC_INT || enc == ENC_EMBSTR));
}

void *kv_get_ptr(const Kv *kv) {
    return load_ptr(B(kv) + value_off(kv));
}

Str *kv_get_raw(const Kv *kv) {
    return kv_get_ptr(kv);
}

void kv_free(Kv *kv) {
    if (!kv) return;
    if (value_is_ptr(kv)) {
        void *ptr = kv_get_ptr(kv);
        int type = kv_type(kv);
        if (type == OBJ_STRING) str_free(ptr);
        else if (free_value_hook[type]) free_value_hook[type](ptr, kv_encoding(kv));
    }
    mem_free(kv);
}

int kv_get_int(const Kv *kv, long long *out) {
    if (kv_type(kv) != OBJ_STRING || kv_encoding(kv) != ENC_INT) return 0;
    *out = load_i64(B(kv) + value_off(kv));
    return 1;
}

void kv_string_view(const Kv *kv, StrView *v) {
    const char *val = B(kv) + value_off(kv);
    switch (kv_encoding(kv)) {
    case ENC_INT:
        v->len = ll_to_str(v->ibuf, load_i64(val));
        v->p = v->ibuf;
        break;
    case ENC_EMBSTR:
        v->len = load_u32(val);
        v->p = val + 4;
        break;
    default: {
        Str *s = load_ptr(val);
        v->p = s->buf;
        v->len = s->len;
    }
    }
}

/* Size of the value part of an entry. */
static size_t value_size(const Kv *kv) {
    switch (kv_encoding(kv)) {
    case ENC_INT: return 8;
    case ENC_EMBSTR: return kv_type(kv) == OBJ_STRING ? 4 + load_u32(B(kv) + value_off(kv)) : P;
    default: return P;
    }
}

/* Builds an entry with a new key and/or TTL state, moving the value bytes
 * (and so ownership of any pointer value).  The old entry is freed
 * without touching its value. */
static Kv *kv_rebuild(Kv *old, const char *key, size_t klen, int with_expire, int64_t when) {
    size_t vsize = value_size(old);
    Kv *kv = kv_alloc(key, klen, with_expire, vsize, kv_type(old), kv_encoding(old));
    set_meta(kv, kv_type(old), kv_encoding(old), kv_lru(old));
    memcpy(BW(kv) + value_off(kv), B(old) + value_off(old), vsize);
    if (with_expire) store_i64(BW(kv) + OFF_EXPIRE, when);
    /* Keep the table links so db_replace can splice the new entry in. */
    store_ptr(BW(kv), load_ptr(B(old)));
    if (with_expire && kv_has_expire(old)) store_ptr(BW(kv) + OFF_VNEXT, load_ptr(B(old) + OFF_VNEXT));
    mem_free(old);
    return kv;
}

Kv *kv_with_expire(Kv *kv, int64_t when_ms) {
    if (kv_has_expire(kv)) {
        store_i64(BW(kv) + OFF_EXPIRE, when_ms);
        return kv;
    }
    size_t klen;
    const char *k = kv_key(kv, &klen);
    /* kv_rebuild frees the old entry, so copy the key out first when long. */
    char stackbuf[128];
    char *copy = klen <= sizeof(stackbuf) ? stackbuf : mem_alloc(klen);
    memcpy(copy, k, klen);
    Kv *n = kv_rebuild(kv, copy, klen, 1, when_ms);
    if (copy != stackbuf) mem_free(copy);
    return n;
}

Kv *kv_without_expire(Kv *kv) {
    if (!kv_has_expire(kv)) return kv;
    size_t klen;
    const char *k = kv_key(kv, &klen);
    char stackbuf[128];
    char *copy = klen <= sizeof(stackbuf) ? stackbuf : mem_alloc(klen);
    memcpy(copy, k, klen);
    Kv *n = kv_rebuild(kv, copy, klen, 0, 0);
    if (copy != stackbuf) mem_free(copy);
    return n;
}

Kv *kv_rekey(Kv *kv, const char *key, size_t klen) {
    int64_t when = kv_expire(kv);
    Kv *n = kv_rebuild(kv, key, klen, when != -1, when);
    store_ptr(BW(n), NULL);
    if (when != -1) store_ptr(BW(n) + OFF_VNEXT, NULL);
    return n;
}

Kv *kv_dup(const Kv *kv, const char *key, size_t klen) {
    int64_t when = kv_expire(kv);
    size_t vsize = value_size(kv);
    Kv *n = kv_alloc(key, klen, when != -1, vsize, kv_type(kv), kv_encoding(kv));
    if (when != -1) store_i64(BW(n) + OFF_EXPIRE, when);
    char *dst = BW(n) + value_off(n);
    if (!value_is_ptr(kv)) {
        memcpy(dst, B(kv) + value_off(kv), vsize);
    } else if (kv_type(kv) == OBJ_STRING) {
        store_ptr(dst, str_dup(kv_get_raw(kv)));
    } else {
        store_ptr(dst, dup_value_hook[kv_type(kv)](kv_get_ptr(kv), kv_encoding(kv)));
    }
    return n;
}

size_t kv_mem_usage(const Kv *kv) {
    size_t n = mem_usable(kv);
    if (value_is_ptr(kv)) {
        if (kv_type(kv) == OBJ_STRING) n += mem_usable(kv_get_raw(kv));
        else if (value_mem_hook[kv_type(kv)]) n += value_mem_hook[kv_type(kv)](kv_get_ptr(kv), kv_encoding(kv));
    }
    return n;
}

const char *kv_type_name(int type) {
    switch (type) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_SET: return "set";
    case OBJ_ZSET: return "zset";
    case OBJ_HASH: return "hash";
    case OBJ_STREAM: return "stream";
    default: return "unknown";
    }
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
    store_i64(BW(kv) + value_off(kv), v);
}

void kv_set_raw(Kv *kv, Str *s) {
    store_ptr(BW(kv) + value_off(kv), s);
}

void kv_copy_links(Kv *dst, const Kv *src) {
    store_ptr(BW(dst), load_ptr(B(src)));
    if (kv_has_expire(dst) && kv_has_expire(src)) store_ptr(BW(dst) + OFF_VNEXT, load_ptr(B(src) + OFF_VNEXT));
}
