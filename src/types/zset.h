/* zset.h - the sorted set type: its command handlers (zset_cmds.c,
 * zset_range.c, zset_ops.c) and the encoding layer they share (zset.c).
 *
 * Encodings, switched where Valkey 8 switches them:
 *  - ENC_LISTPACK (what OBJECT ENCODING calls it): a scorepack
 *    (src/ds/scorepack.h), the (member, score) pairs ordered by (score,
 *    member bytes), integral scores as one- or two-byte varints; used
 *    while there are at most zset-max-listpack-entries elements of at most
 *    zset-max-listpack-value bytes, exactly when Valkey holds a listpack.
 *    zset_to_listpack()/zset_from_listpack() convert to and from Valkey's
 *    listpack bytes (member, then score as d2string's text, an integer
 *    entry when integral) for RDB, DUMP and DEBUG;
 *  - ENC_SKIPLIST: a ZsetBig, the skiplist of src/ds/skiplist.h whose
 *    nodes are also the entries of a member table (src/ds/htable.h), so
 *    one member costs one allocation.
 * A pack becomes a skiplist when an addition would pass a limit (or
 * when ZADD brings more elements than the entry limit); a skiplist goes
 * back to a pack only where Valkey converts back: the results of
 * ZRANGESTORE and ZUNION/ZINTER/ZDIFFSTORE that fit.
 *
 * A ZVal is a value outside its Kv (encoding and pointer): changes may
 * move the pointer or switch the encoding, and callers holding a Kv write
 * it back with zv_store_back().  Element views (ZElem) point into the
 * value and stay valid until its next change.  A sorted set is never
 * empty in the keyspace: the key goes with its last element. */
#ifndef TYPES_ZSET_H
#define TYPES_ZSET_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/htable.h"
#include "../ds/listpack.h"
#include "../ds/scorepack.h"
#include "../ds/skiplist.h"
#include "../server/client.h"
#include "../server/kv.h"

/* ------------------------------------------------------- command handlers */

void zadd_command(Client *c);
void zincrby_command(Client *c);
void zrem_command(Client *c);
void zcard_command(Client *c);
void zscore_command(Client *c);
void zmscore_command(Client *c);
void zrank_command(Client *c);
void zrevrank_command(Client *c);
void zpopmin_command(Client *c);
void zpopmax_command(Client *c);
void zmpop_command(Client *c);
void bzpopmin_command(Client *c);
void bzpopmax_command(Client *c);
void bzmpop_command(Client *c);
void zrandmember_command(Client *c);
void zscan_command(Client *c);
void zrange_command(Client *c);
void zrangestore_command(Client *c);
void zrevrange_command(Client *c);
void zrangebyscore_command(Client *c);
void zrevrangebyscore_command(Client *c);
void zrangebylex_command(Client *c);
void zrevrangebylex_command(Client *c);
void zcount_command(Client *c);
void zlexcount_command(Client *c);
void zremrangebyrank_command(Client *c);
void zremrangebyscore_command(Client *c);
void zremrangebylex_command(Client *c);
void zunion_command(Client *c);
void zinter_command(Client *c);
void zdiff_command(Client *c);
void zunionstore_command(Client *c);
void zinterstore_command(Client *c);
void zdiffstore_command(Client *c);
void zintercard_command(Client *c);

/* ---------------------------------------------------------- encoding layer */

/* The big encoding: ordered index plus member table over the same nodes. */
typedef struct ZsetBig {
    Skiplist *sl;
    Htable *ht;
} ZsetBig;

typedef struct ZVal {
    int enc; /* ENC_LISTPACK or ENC_SKIPLIST */
    void *ptr;
} ZVal;

static inline ZVal zv_of(const Kv *kv) {
    ZVal z = {kv_encoding(kv), kv_get_ptr(kv)};
    return z;
}
void zv_store_back(Kv *kv, const ZVal *z);

/* A new empty value sized for size_hint elements whose longest member is
 * maxlen bytes (Valkey's zsetTypeCreate). */
ZVal zv_new(uint64_t size_hint, size_t maxlen);
void zv_free(ZVal *z);
uint64_t zv_len(const ZVal *z);
/* Converts to enc (ENC_LISTPACK or ENC_SKIPLIST). */
void zv_convert(ZVal *z, int enc);
/* Before adding up to size_hint elements: a listpack that could not hold
 * that many becomes a skiplist. */
void zv_maybe_grow(ZVal *z, uint64_t size_hint);
/* A skiplist whose elements fit the listpack limits becomes a pack
 * (maxlen: longest member, total: sum of member lengths). */
void zv_fit(ZVal *z, size_t maxlen, size_t total);

/* ZADD's flags (in) and outcomes (out), as in Valkey's zsetAdd. */
#define ZADD_IN_INCR (1 << 0)
#define ZADD_IN_NX (1 << 1)
#define ZADD_IN_XX (1 << 2)
#define ZADD_IN_GT (1 << 3)
#define ZADD_IN_LT (1 << 4)
#define ZADD_OUT_NOP (1 << 0)
#define ZADD_OUT_NAN (1 << 1)
#define ZADD_OUT_ADDED (1 << 2)
#define ZADD_OUT_UPDATED (1 << 3)
/* Adds or updates an element; returns 0 (and ZADD_OUT_NAN) when INCR
 * would make the score NaN, 1 otherwise.  *newscore (may be NULL) gets
 * the element's score when it was added or updated. */
int zv_add(ZVal *z, double score, const char *m, size_t len, int in, int *out, double *newscore);
/* 1 when the member was there and is gone. */
int zv_del(ZVal *z, const char *m, size_t len);
/* 1 and *score when the member is there. */
int zv_score(const ZVal *z, const char *m, size_t len, double *score);
/* 0-based rank (from the top when rev), -1 when absent; *score (may be
 * NULL) gets the member's score. */
long long zv_rank(const ZVal *z, const char *m, size_t len, int rev, double *score);

/* An element read from a value (or a set, for the algebra): member bytes
 * (integers of a listpack rendered into buf) and score. */
typedef struct ZElem {
    const char *m;
    size_t len;
    double score;
    char buf[LP_INTBUF_SIZE];
} ZElem;

/* Elements of 0-based ranks first..last in ascending order, or from the
 * top when rev (rank 0 = highest), last >= first, both < length. */
typedef struct ZIter {
    int enc, rev;
    uint64_t left;
    const unsigned char *sp;   /* pack */
    size_t off;                /* pack ascending: the next entry's offset */
    SlNode *node;              /* skiplist ascending: the next node */
    const Skiplist *sl;
    uint64_t next_rank;        /* descending: 0-based ascending index of the next element */
    union {                    /* descending: the run below fetched ahead, ascending */
        SlNode *nodes[64];
        uint32_t offs[128];
    } chunk;
    int chunk_n;
} ZIter;
void zi_init(ZIter *it, const ZVal *z, uint64_t first, uint64_t last, int rev);
int zi_next(ZIter *it, ZElem *e);

/* Valkey's listpack bytes for a value of either encoding: member then
 * score for each element in order, the score as Valkey's d2string text
 * (an integer entry when it is one), exactly what Valkey writes; for
 * RDB/DUMP/DEBUG.  The caller frees it with lp_free. */
unsigned char *zset_to_listpack(const void *ptr, int enc);
/* A value from Valkey listpack bytes (already validated as a listpack):
 * a skiplist when there are more than zset-max-listpack-entries pairs
 * (Valkey's rule when loading), a pack otherwise.  Scores read as Valkey
 * reads them (integers, or strtod of at most 127 bytes of text); pairs
 * out of order are sorted.  NULL when the entries are not a sorted set:
 * an odd count, a NaN score or a repeated member.  Sets *enc. */
void *zset_from_listpack(unsigned char *lp, int *enc);

/* The node of a member in the big encoding, or NULL. */
SlNode *zb_find(const ZsetBig *zb, const char *m, size_t len);
/* Removes the node from the member table and frees it (after the
 * skiplist let go of it). */
void zb_drop_node(ZsetBig *zb, SlNode *n);

/* Every invariant of a value (order, distinct members, listpack bytes,
 * skiplist spans, the member table agreeing with the skiplist); NULL or
 * what is wrong.  O(n log n) (O(n^2) for listpacks): tests and checks. */
const char *zv_check(const ZVal *z);

/* ------------------------------------------------------------- helpers */

/* Looks a key up (db_lookup flags): NULL when absent (*err = 0) or after
 * replying WRONGTYPE (*err = 1). */
Kv *zs_lookup(Client *c, const Arg *key, int flags, int *err);
/* A score reply: RESP3 double, RESP2 bulk string in Valkey's form. */
void zs_reply_score(Client *c, double d);
/* After elements were removed from key (n of them): the event (and the
 * key deleted with "del" when it is empty), counting n changes. */
void zs_removed(Client *c, const Arg *key, Kv *kv, const char *event, long long n);
/* Stores z as key's value (replacing whatever is there, TTL cleared), or
 * deletes key when z is empty; fires event / "del"; replies the length. */
void zs_store_result(Client *c, const Arg *key, ZVal *z, const char *event);
/* Where blocking is not allowed, a blocking pop that finds nothing
 * answers as if it timed out. */
#define ZSET_NO_BLOCKING (CLIENT_MULTI | CLIENT_SCRIPT)

#endif
