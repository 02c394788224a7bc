/* kv.h - the object model: a key, its TTL and its value in one allocation
 * (Kv, laid out in kv.c), and the TypeOps each data type registers.
 *
 * Pointer stability: a Kv moves (is reallocated) when its TTL is added or
 * removed, when the key is renamed or moved, and when a string value
 * changes between inline and pointer form.  Anything that outlives one
 * command (blocked clients, WATCH, tracking, pub/sub, cursors) refers to
 * keys BY NAME, never by Kv pointer.  Within a command, use the pointer
 * the last db_* call returned.
 *
 * Values: small strings and integers live inside the Kv; every other
 * value is a pointer to its type's structure plus an encoding id, and the
 * pointer sits at an aligned offset so leak checkers and conservative
 * scanners see it.  kv_set_value() is the one way to switch a pointer
 * value's encoding (listpack -> quicklist/hashtable/skiplist...). */
#ifndef SERVER_KV_H
#define SERVER_KV_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/htable.h"
#include "../ds/str.h"

/* Value types, numbered as in the RDB format's object types. */
enum { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6, OBJ_TYPE_MAX = 8 };
/* Encodings, named as OBJECT ENCODING prints them. */
enum { ENC_RAW = 0, ENC_INT = 1, ENC_HASHTABLE = 2, ENC_INTSET = 6, ENC_SKIPLIST = 7,
       ENC_EMBSTR = 8, ENC_QUICKLIST = 9, ENC_STREAM = 10, ENC_LISTPACK = 11 };

/* A string is stored inside the key's allocation (ENC_EMBSTR) when key and
 * value together are this short, counting 8 more bytes for a TTL: the
 * point where Valkey 8 stops embedding, so OBJECT ENCODING agrees. */
#define EMBSTR_MAX_COMBINED 39
#define LRU_BITS 24
#define LRU_CLOCK_MAX ((1u << LRU_BITS) - 1)

/* A key with its value, stored as one allocation.  Opaque: only kv.c reads
 * its bytes. */
typedef struct Kv Kv;

/* A read-only view of a string value; ibuf backs integer-encoded ones. */
typedef struct StrView {
    const char *p;
    size_t len;
    char ibuf[24];
} StrView;

/* ------------------------------------------------------------ TypeOps */

struct Sha1;
/* Persistence's writer/reader (persist/ defines them). */
struct RdbWriter;
struct RdbReader;
struct AofRewriter;

/* What the server core needs to know about a type's values.  Each type
 * registers one from types_init() (src/types/), called by main.c. */
typedef struct TypeOps {
    int type;                 /* OBJ_* */
    const char *name;         /* TYPE's reply: "string", "list", ... */
    /* Releases a pointer value. */
    void (*free)(void *ptr, int encoding);
    /* A deep copy (COPY). */
    void *(*dup)(const void *ptr, int encoding);
    /* Bytes the value uses (MEMORY USAGE, INFO); samples big aggregates
     * when samples > 0, as MEMORY USAGE ... SAMPLES does. */
    size_t (*mem_usage)(const void *ptr, int encoding, long long samples);
    /* Work freeing it would take (elements/allocations): lazy freeing
     * hands values above lazyfree's threshold to a background thread. */
    size_t (*free_effort)(const void *ptr, int encoding);
    /* A 20-byte fingerprint of the content, independent of encoding and
     * of the order of unordered members: DEBUG DIGEST / DIGEST-VALUE. */
    void (*digest)(const void *ptr, int encoding, uint8_t out[20]);
    /* Extra " name:value" fields DEBUG OBJECT prints for the value (Valkey's
     * ql_nodes:... for quicklists); writes at most cap bytes, returns the
     * length.  May be NULL. */
    size_t (*debug_info)(const void *ptr, int encoding, char *buf, size_t cap);
    /* The value's structural invariants (kv_check, DEBUG KEYSPACE-CHECK,
     * the sanitizer builds' cron check): NULL or what is wrong.  May be
     * NULL. */
    const char *(*check)(const void *ptr, int encoding);
    /* Persistence slots (filled by the RDB and AOF issues): write the
     * value in RDB form / read it back / emit commands that rebuild it. */
    int (*rdb_save)(struct RdbWriter *w, const void *ptr, int encoding);
    void *(*rdb_load)(struct RdbReader *r, int rdb_type, int *encoding);
    int (*aof_rewrite)(struct AofRewriter *w, const char *key, size_t klen, const void *ptr, int encoding);
} TypeOps;

/* Registers ops for ops->type (replaces any previous registration). */
void kv_register_type(const TypeOps *ops);
const TypeOps *kv_type_ops(int type);

/* -------------------------------------------------------------- Kv API */

/* with_ttl says whether a TTL will be set: it changes what fits inline. */
Kv *kv_new_string(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl);
/* Stores the value as ENC_INT when it is the canonical text of an integer. */
Kv *kv_new_string_auto(const char *key, size_t klen, const char *val, size_t vlen, int with_ttl);
Kv *kv_new_int(const char *key, size_t klen, long long v);
/* A string value that is always ENC_RAW (for values modified in place). */
Kv *kv_new_raw(const char *key, size_t klen, Str *val);
/* A value of another type: takes ownership of ptr. */
Kv *kv_new_ptr(const char *key, size_t klen, int type, int encoding, void *ptr);
/* The same with a TTL slot filled in (when_ms != -1): one allocation. */
Kv *kv_new_string_ttl(const char *key, size_t klen, const char *val, size_t vlen, int64_t when_ms);
void kv_free(Kv *kv);
const char *kv_key(const Kv *kv, size_t *len);
int kv_type(const Kv *kv);
int kv_encoding(const Kv *kv);
const char *kv_type_name(int type);
const char *kv_encoding_name(int encoding);
int kv_has_expire(const Kv *kv);
int64_t kv_expire(const Kv *kv); /* -1 when none */
/* Whether the value is held by pointer (everything but inline strings). */
int kv_value_is_ptr(const Kv *kv);
/* Returns a new Kv (the old one is freed) with the key and value moved. */
Kv *kv_with_expire(Kv *kv, int64_t when_ms);
Kv *kv_without_expire(Kv *kv);
/* A new entry with the same value under another key; the value moves
 * (the old entry is freed without its value). */
Kv *kv_rekey(Kv *kv, const char *key, size_t klen);
/* A deep copy under another key (COPY), keeping the TTL. */
Kv *kv_dup(const Kv *kv, const char *key, size_t klen);
void kv_string_view(const Kv *kv, StrView *v);
/* Returns 1 and sets *out if the value is ENC_INT. */
int kv_get_int(const Kv *kv, long long *out);
Str *kv_get_raw(const Kv *kv); /* ENC_RAW string value */
void *kv_get_ptr(const Kv *kv);
/* Replaces a pointer value and/or its encoding in place (the Kv does not
 * move).  The old pointer is NOT freed: the caller converted it. */
void kv_set_value(Kv *kv, int encoding, void *ptr);
/* ENC_INT values change in place (no reallocation). */
void kv_set_int_in_place(Kv *kv, long long v);
/* SET over an inline string (int or embedded) whose allocation has room
 * for the new inline value: the value, its encoding and the access bits
 * (the LRU clock restarts, an LFU count stays, as when a value replaces
 * another) are rewritten in place, and 1 returned; 0 (nothing
 * changed) when the new value is not inline or does not fit.  The key,
 * its TTL and the links stay: the caller keeps or drops the TTL itself.
 * Sparing the allocation matters most while a fork shares the pages. */
int kv_string_overwrite(Kv *kv, const char *val, size_t vlen);
/* Point an ENC_RAW entry at a (reallocated) Str. */
void kv_set_raw(Kv *kv, Str *s);
/* Copy the table links of src into dst, so dst can take src's place. */
void kv_copy_links(Kv *dst, const Kv *src);
uint32_t kv_lru(const Kv *kv);
/* Sets the access clock to server.lru_clock. */
void kv_touch(Kv *kv);
/* Sets the access field (LRU_BITS): a restored idle time or LFU counter. */
void kv_set_lru(Kv *kv, uint32_t lru);
size_t kv_mem_usage(const Kv *kv, long long samples);
/* Fingerprint of the value (not the key or TTL), see TypeOps.digest. */
void kv_value_digest(const Kv *kv, uint8_t out[20]);
/* Checks the entry's internal consistency; returns NULL or what is wrong. */
const char *kv_check(const Kv *kv);

/* Hash table descriptions of the db tables (keys, and the expires subset
 * linked through a second field). */
extern const HtType kv_keys_httype;
extern const HtType kv_expires_httype;

#endif
