/* rdb_value.h - one value in RDB form, the part files, DUMP/RESTORE and
 * (later) replication share: the writer and reader tables the types'
 * TypeOps.rdb_save/rdb_load are given (server/rdb_io.h), filled in over
 * the format layer's RdbOut/RdbIn, and strings, which the object layer
 * holds inline and this file writes itself. */
#ifndef PERSIST_RDB_VALUE_H
#define PERSIST_RDB_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "../server/kv.h"
#include "format/rdb_in.h"
#include "format/rdb_out.h"

/* Writes kv's type byte, then its key (with_key: a file record) and its
 * value.  Returns 0, or -1 on a write error. */
int rdb_save_value(RdbOut *o, const Kv *kv, int with_key);

/* Reads a value of rdb_type into a new Kv under key with the given TTL
 * (-1: none).  NULL when the input is refused (the reason is in in->why)
 * or, with *empty set, when the value had no elements.  deep: the extra
 * checks sanitize-dump-payload asks for. */
Kv *rdb_load_value(RdbIn *in, int rdb_type, const char *key, size_t klen, int64_t expire, int deep, int *empty);

/* The DUMP payload of kv: value, RDB version, CRC-64 (a new Str). */
Str *rdb_dump_payload(const Kv *kv);
/* Checks a DUMP payload's footer: 1 when the version is one we read and
 * the CRC matches. */
int rdb_dump_verify(const unsigned char *p, size_t len);

#endif
