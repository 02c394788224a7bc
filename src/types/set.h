/* set.h - the set type: its command handlers (set_cmds.c, set_algebra.c)
 * and the encoding layer every other part uses to read or build a set
 * (set.c).
 *
 * Encodings, switched exactly when Valkey 8 switches (never back, except
 * that SINTERSTORE's all-integer result becomes an intset as in Valkey):
 *  - ENC_INTSET (src/ds/intset.h) while every member is the canonical
 *    text of an int64 and there are at most set-max-intset-entries;
 *  - ENC_LISTPACK (Valkey's listpack bytes, src/ds/listpack.h) while there
 *    are at most set-max-listpack-entries members of at most
 *    set-max-listpack-value bytes;
 *  - ENC_HASHTABLE: a PackSet (src/ds/packset.h), members inline in
 *    packed buckets, hashed with the keyspace's siphash key.
 *
 * A SetVal is a set value outside its Kv: the encoding and the pointer.
 * Writes may move the pointer or change the encoding; callers holding a
 * Kv write it back with set_store_back().  Member views (SetMember) point
 * into the set and are valid until its next change. */
#ifndef TYPES_SET_H
#define TYPES_SET_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/packset.h"
#include "../ds/str.h"
#include "../server/client.h"
#include "../server/kv.h"

/* ------------------------------------------------------- command handlers */

void sadd_command(Client *c);
void srem_command(Client *c);
void scard_command(Client *c);
void sismember_command(Client *c);
void smismember_command(Client *c);
void smembers_command(Client *c);
void srandmember_command(Client *c);
void spop_command(Client *c);
void smove_command(Client *c);
void sscan_command(Client *c);
void sinter_command(Client *c);
void sintercard_command(Client *c);
void sinterstore_command(Client *c);
void sunion_command(Client *c);
void sunionstore_command(Client *c);
void sdiff_command(Client *c);
void sdiffstore_command(Client *c);

/* ---------------------------------------------------------- encoding layer */

typedef struct SetVal {
    int enc;      /* ENC_INTSET, ENC_LISTPACK or ENC_HASHTABLE */
    void *ptr;
} SetVal;

/* A member read from a set: bytes (p != NULL) or an integer (p == NULL,
 * value v) as intsets and listpacks hold them. */
typedef struct SetMember {
    const char *p;
    size_t len;
    int64_t v;
} SetMember;

/* Room for the decimal text of any int64 and its NUL (NUMCONV_LL_BUF). */
#define SET_INTBUF 21

static inline SetMember set_member_str(const char *p, size_t len) {
    SetMember m = {p, len, 0};
    return m;
}
static inline SetMember set_member_int(int64_t v) {
    SetMember m = {NULL, 0, v};
    return m;
}
/* The member as bytes: m's own or its integer written into buf. */
const char *set_member_bytes(const SetMember *m, char buf[SET_INTBUF], size_t *len);

/* The set a Kv holds, and writing a changed one back. */
static inline SetVal set_of(const Kv *kv) {
    SetVal s = {kv_encoding(kv), kv_get_ptr(kv)};
    return s;
}
void set_store_back(Kv *kv, const SetVal *s);

/* A new empty set that can hold `first` (intset if it is an integer and
 * size_hint fits, else listpack if size_hint fits, else a hash table
 * presized for size_hint), as Valkey's setTypeCreate. */
SetVal set_new_for(const char *first, size_t len, uint64_t size_hint);
/* A new empty set in the given encoding. */
SetVal set_new_enc(int enc, uint64_t size_hint);
void set_free_val(SetVal *s);
uint64_t set_size(const SetVal *s);

/* 1 if m was added, 0 if it was there; converts as Valkey does. */
int set_add(SetVal *s, const SetMember *m);
/* 1 if m was there and is removed. */
int set_remove(SetVal *s, const SetMember *m);
int set_contains(const SetVal *s, const SetMember *m);
/* Before adding up to size_hint members: convert to the hash table if
 * that many could not fit the current encoding (SADD's check). */
void set_maybe_convert(SetVal *s, uint64_t size_hint);
/* Converts to enc (ENC_HASHTABLE or ENC_LISTPACK), presized for cap. */
void set_convert(SetVal *s, int enc, uint64_t cap);
/* A set known to hold only integers becomes an intset if it may. */
void set_maybe_to_intset(SetVal *s);
/* Gives back a listpack's spare room. */
void set_shrink(SetVal *s);

/* Iteration in the encoding's order (ascending for intsets, insertion
 * order for listpacks); the set must not change meanwhile. */
typedef struct SetIter {
    int enc;
    void *ptr;
    uint32_t ii;
    unsigned char *lpp;
    int started;
    PackSetIter pi;
} SetIter;
void set_iter_init(SetIter *it, const SetVal *s);
int set_iter_next(SetIter *it, SetMember *m);

/* A member chosen uniformly at random (the set must not be empty). */
void set_random(const SetVal *s, SetMember *m);
/* Removes a uniformly chosen member, appending its bytes to *acc; returns
 * their length. */
size_t set_pop_random(SetVal *s, Str **acc);

/* Replies with one member as a bulk string. */
void set_reply_member(Client *c, const SetMember *m);
/* The hash of member bytes the hash table uses. */
uint64_t set_member_hash(const char *p, size_t len);

/* SUNION of keys as a reply (SPOP of a whole set replies this way). */
void set_union_reply(Client *c, const Arg *keys, int nkeys);

/* Looks a key up for reading (LOOKUP_READ) or writing: NULL when absent
 * (*err = 0) or after replying WRONGTYPE (*err = 1). */
Kv *set_lookup(Client *c, const Arg *key, int flags, int *err);

#endif
