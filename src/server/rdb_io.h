/* rdb_io.h - what a type's TypeOps.rdb_save / rdb_load see of the RDB
 * writer and reader: a table of functions that src/persist/ fills in
 * (persist/rdb_value.c), so a type file serializes its values without
 * including anything above the server layer.
 *
 * Saving: rdb_save(w, ptr, enc) first calls w->type(w, RDB_TYPE_x) with
 * the RDB type it writes (the writer puts the type byte, and in a file
 * the key, where they belong), then the value's body through the other
 * calls.  Every call returns 0, or -1 on a write error (the type returns
 * -1 at once).
 *
 * Loading: rdb_load(r, rdb_type, &enc) reads the body of a value of
 * rdb_type and returns the new value (and its encoding), or NULL: either
 * the input is refused (a reader call failed, or the type called
 * r->fail with the reason), or the value was empty (the type sets
 * r->empty: a file skips the key, RESTORE refuses it).  Reader calls
 * return 1, or 0 after recording the failure; a refused input is never a
 * crash and never leaks.  Blobs (listpacks, intsets, converted ziplists
 * and zipmaps) come back deep-validated and owned by the caller.
 *
 * The RDB_TYPE_* macros repeat src/persist/format/rdb_format.h with the
 * same text: a file including both would not compile were they to
 * differ. */
#ifndef SERVER_RDB_IO_H
#define SERVER_RDB_IO_H

#include <stddef.h>
#include <stdint.h>

#define RDB_TYPE_STRING 0
#define RDB_TYPE_LIST 1
#define RDB_TYPE_SET 2
#define RDB_TYPE_ZSET 3
#define RDB_TYPE_HASH 4
#define RDB_TYPE_ZSET_2 5
#define RDB_TYPE_MODULE_PRE_GA 6
#define RDB_TYPE_MODULE_2 7
#define RDB_TYPE_HASH_ZIPMAP 9
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_SET_INTSET 11
#define RDB_TYPE_ZSET_ZIPLIST 12
#define RDB_TYPE_HASH_ZIPLIST 13
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_STREAM_LISTPACKS 15
#define RDB_TYPE_HASH_LISTPACK 16
#define RDB_TYPE_ZSET_LISTPACK 17
#define RDB_TYPE_LIST_QUICKLIST_2 18
#define RDB_TYPE_STREAM_LISTPACKS_2 19
#define RDB_TYPE_SET_LISTPACK 20
#define RDB_TYPE_STREAM_LISTPACKS_3 21
#define RDB_TYPE_COUNT 22

#define RDB_QL_PLAIN 1
#define RDB_QL_PACKED 2

/* Checks a blob must pass on top of its own structure (rdb_format.h's
 * RDBF_* values). */
#define RDB_BLOB_PAIRS 1    /* an even number of entries: field, value, ... */
#define RDB_BLOB_UNIQUE 2   /* no element (with PAIRS: no field) repeated */
#define RDB_BLOB_NONEMPTY 4 /* at least one entry */
#define RDB_BLOB_UNCHECKED 8 /* no check here: the caller validates every byte itself */

typedef struct RdbWriter RdbWriter;
struct RdbWriter {
    int (*type)(RdbWriter *w, int rdb_type);
    int (*len)(RdbWriter *w, uint64_t n);
    /* A string (integer-encoded or compressed when that is smaller). */
    int (*string)(RdbWriter *w, const void *p, size_t n);
    int (*string_int)(RdbWriter *w, int64_t v);
    /* Bytes already LZF-compressed (a compressed quicklist node). */
    int (*lzf)(RdbWriter *w, const void *c, size_t clen, size_t rawlen);
    int (*double_bin)(RdbWriter *w, double d);
    int (*ms)(RdbWriter *w, int64_t t);
    int (*raw)(RdbWriter *w, const void *p, size_t n);
};

typedef struct RdbReader RdbReader;
struct RdbReader {
    int (*len)(RdbReader *r, uint64_t *n);
    /* A length counting items of at least a byte each: refused when the
     * input cannot hold that many (so it may size an allocation). */
    int (*count)(RdbReader *r, uint64_t *n);
    /* A string as a view, valid until the next call. */
    int (*string)(RdbReader *r, const char **p, size_t *n);
    int (*double_bin)(RdbReader *r, double *d);
    /* The old text form of a double (RDB_TYPE_ZSET). */
    int (*double_text)(RdbReader *r, double *d);
    int (*ms)(RdbReader *r, int64_t *t);
    int (*raw)(RdbReader *r, void *dst, size_t n);
    /* A listpack string, deep-validated with the RDB_BLOB_* checks in
     * flags; the caller owns it (lp_free). *size may be NULL. */
    unsigned char *(*listpack)(RdbReader *r, unsigned flags, size_t *size);
    /* A ziplist string converted to a listpack (with the checks). */
    unsigned char *(*ziplist)(RdbReader *r, unsigned flags);
    /* A zipmap string converted to a field/value listpack. */
    unsigned char *(*zipmap)(RdbReader *r);
    /* An intset string, validated (sorted, unique, not empty). */
    void *(*intset)(RdbReader *r);
    /* Records why the value is refused (the first reason wins); returns 0. */
    int (*fail)(RdbReader *r, const char *why);
    /* 1 when no element (pairs: field) of a valid listpack repeats. */
    int (*unique)(RdbReader *r, unsigned char *lp, int pairs);
    /* Deep checks asked by sanitize-dump-payload (extra invariants a
     * type may verify when set; structural checks happen always). */
    int deep;
    /* Set by rdb_load when it returns NULL for an empty value. */
    int empty;
};

#endif
