/* rdb_check.h - full validation of one RDB value without building it:
 * what valkey-check-rdb runs for every key.  Every rule the server's
 * loader enforces is checked here too (lengths within the input, blob
 * structures, pairs, repeated members or fields, NaN scores, stream
 * nodes entry by entry, consumer groups whose pending entries all have
 * an owner), and an empty value is an error, as in Valkey's checker.
 * Module values are walked opcode by opcode, as Valkey's checker does. */
#ifndef PERSIST_FORMAT_RDB_CHECK_H
#define PERSIST_FORMAT_RDB_CHECK_H

#include "rdb_in.h"

/* Reads the body of a value of object type `type`: 1 when valid, else 0
 * with the reason in in->why. */
int rdbf_check_value(RdbIn *in, int type);

#endif
