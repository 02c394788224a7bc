/* rdb_blobs.h - the packed encodings an RDB value may carry as one
 * string: checks of listpacks beyond their own structure (pairs, no
 * repeated members), and the conversion of the encodings Redis wrote
 * before listpacks (ziplists of lists, hashes and sorted sets; zipmaps
 * of hashes from Redis 2.x) into listpacks, validating every byte.
 *
 * Everything here takes untrusted bytes and never reads outside them;
 * refusals come back as a reason (a static string) for the load error. */
#ifndef PERSIST_FORMAT_RDB_BLOBS_H
#define PERSIST_FORMAT_RDB_BLOBS_H

#include <stddef.h>
#include <stdint.h>

/* Checks asked of a listpack or a converted ziplist. */
#define RDBF_PAIRS 1    /* an even number of entries: field, value, ... */
#define RDBF_UNIQUE 2   /* no element repeated (with PAIRS: no field) */
#define RDBF_NONEMPTY 4 /* at least one entry */

/* The key of the hash used for duplicate detection (the server passes its
 * own random seed so crafted payloads cannot collide on purpose). */
void rdbf_set_hash_seed(const uint8_t seed[16]);

/* Deep validation of a listpack blob plus the flags' checks: NULL when
 * valid, else why not. */
const char *rdbf_check_listpack(unsigned char *lp, size_t size, unsigned flags);
/* 1 when no element (pairs: no field) of a valid listpack repeats.
 * Elements compare by their text (an integer equals its decimal text). */
int rdbf_listpack_unique(unsigned char *lp, int pairs);

/* A ziplist blob as a new listpack (exactly sized), or NULL with *why. */
unsigned char *rdbf_ziplist_to_listpack(const unsigned char *zl, size_t size, unsigned flags, const char **why);
/* A zipmap blob (field/value pairs) as a new listpack, or NULL with *why;
 * repeated fields are refused. */
unsigned char *rdbf_zipmap_to_listpack(const unsigned char *zm, size_t size, const char **why);

/* An intset blob: NULL when valid (deep: sorted and unique), else why. */
const char *rdbf_check_intset(const unsigned char *is, size_t size);

#endif
