/* hash.h - the hash type: its command handlers (hash.c) and the encoding
 * layer every other part uses to read or build a hash (hash_encoding.c).
 *
 * Encodings, switched exactly when Valkey switches (never back):
 *  - ENC_LISTPACK (OBJECT ENCODING "listpack") while there are at most
 *    hash-max-listpack-entries pairs and no field or value is longer than
 *    hash-max-listpack-value bytes.  The pointer is a pairpack
 *    (src/ds/pairpack.h), NOT listpack bytes: persistence converts with
 *    hash_to_listpack()/hash_from_listpack().
 *  - ENC_HASHTABLE: an FvTable (src/ds/fvtable.h), pairs inline in the
 *    entries, fields hashed with the keyspace's siphash key. */
#ifndef TYPES_HASH_H
#define TYPES_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/fvtable.h"
#include "../ds/pairpack.h"
#include "../server/client.h"
#include "../server/kv.h"

/* ------------------------------------------------------- command handlers */

void hset_command(Client *c);
void hmset_command(Client *c);
void hsetnx_command(Client *c);
void hget_command(Client *c);
void hmget_command(Client *c);
void hgetall_command(Client *c);
void hkeys_command(Client *c);
void hvals_command(Client *c);
void hdel_command(Client *c);
void hexists_command(Client *c);
void hlen_command(Client *c);
void hstrlen_command(Client *c);
void hincrby_command(Client *c);
void hincrbyfloat_command(Client *c);
void hrandfield_command(Client *c);
void hscan_command(Client *c);

/* ---------------------------------------------------------- encoding layer */

/* A value read from either encoding: p/len point into the table entry or
 * into buf.  Release with hash_val_free. */
typedef struct HashVal {
    const char *p;
    size_t len;
    PpStr buf;
} HashVal;
void hash_val_init(HashVal *v);
void hash_val_free(HashVal *v);

/* A new, empty hash in the small encoding. */
Kv *hash_new_kv(const char *key, size_t klen);
uint64_t hash_len(const Kv *kv);
/* 1 and *out filled when the field exists. */
int hash_get(const Kv *kv, const char *f, size_t flen, HashVal *out);
int hash_exists(const Kv *kv, const char *f, size_t flen);
/* The value's length, or -1 when the field is absent. */
long long hash_value_len(const Kv *kv, const char *f, size_t flen);
/* Sets a field (converting to the table first when the pair is too long
 * for the small encoding, and after when there are too many pairs);
 * returns 1 if the field is new. */
int hash_set(Kv *kv, const char *f, size_t flen, const char *v, size_t vlen);
/* Returns 1 if the field was there. */
int hash_delete(Kv *kv, const char *f, size_t flen);
/* Valkey's check before a multi-field write of argv[start..end]
 * (field/value pairs): convert when there are more pairs than the small
 * encoding may hold, or any argument is too long for it. */
void hash_try_conversion(Kv *kv, const Arg *argv, int start, int end);
void hash_convert_to_table(Kv *kv);

/* Iteration in the encoding's order (insertion order while small). */
typedef struct HashIter {
    int enc;
    PpIter pi;
    FvtIter ti;
    const char *f, *v;
    size_t flen, vlen;
} HashIter;
void hash_iter_init(HashIter *it, const Kv *kv);
int hash_iter_next(HashIter *it);
void hash_iter_done(HashIter *it);

/* Valkey's listpack bytes for the pairs (field, value, field, ...), for
 * RDB/DUMP; the caller frees with lp_free. */
unsigned char *hash_to_listpack(const void *ptr, int enc);
/* A hash value from Valkey listpack bytes (already validated): the small
 * encoding unless the pairs exceed its limits.  Returns the pointer and
 * sets *enc. */
void *hash_from_listpack(unsigned char *lp, int *enc);

/* The keyed hash of a field (the table's hash function). */
uint64_t hash_field_hash(const char *f, size_t len);

void hash_type_init(void);

#endif
