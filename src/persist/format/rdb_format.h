/* rdb_format.h - the constants of the RDB file format, as Valkey 8 writes
 * it (version 11) and as Redis 2.x to 7.2 and Valkey 7/8 files hold it.
 * Pure format facts: no server includes, shared with valkey-check-rdb.
 *
 * A file is "REDIS" + four version digits, then opcodes and key/value
 * records, then RDB_OPCODE_EOF and (version >= 5) a CRC-64 of every byte
 * before it, little-endian.  A DUMP payload is one value (type byte and
 * body) followed by a 2-byte little-endian RDB version and the CRC-64 of
 * everything before the CRC.
 *
 * Lengths: the top two bits of the first byte say how the rest reads:
 *   00xxxxxx                 6-bit length
 *   01xxxxxx xxxxxxxx        14-bit length, big-endian
 *   10000000 + 4 bytes       32-bit length, big-endian
 *   10000001 + 8 bytes       64-bit length, big-endian
 *   11xxxxxx                 not a length: a string encoding (RDB_ENC_*)
 * Strings: a length then the bytes, or an encoding byte then an int8,
 * int16 or int32 (little-endian) whose decimal text is the string, or
 * RDB_ENC_LZF then the compressed length, the original length and the
 * LZF bytes.
 *
 * The type macros below are also defined, with identical text, in
 * src/server/rdb_io.h for the types layer (which may not include this
 * folder): C allows an identical redefinition and refuses any other, so
 * the two lists cannot drift apart in a file that includes both. */
#ifndef PERSIST_FORMAT_RDB_FORMAT_H
#define PERSIST_FORMAT_RDB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* What we write; what we read (every older version the format had). */
#define RDB_VERSION 11
#define RDB_MIN_VERSION 1

/* Object types. */
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

/* Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
#define RDB_QL_PLAIN 1
#define RDB_QL_PACKED 2

/* Opcodes, counted down from 255. */
#define RDB_OPCODE_SLOT_INFO 244
#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_FUNCTION_PRE_GA 246
#define RDB_OPCODE_MODULE_AUX 247
#define RDB_OPCODE_IDLE 248
#define RDB_OPCODE_FREQ 249
#define RDB_OPCODE_AUX 250
#define RDB_OPCODE_RESIZEDB 251
#define RDB_OPCODE_EXPIRETIME_MS 252
#define RDB_OPCODE_EXPIRETIME 253
#define RDB_OPCODE_SELECTDB 254
#define RDB_OPCODE_EOF 255

/* Length prefixes and string encodings. */
#define RDB_LEN_32BIT 0x80
#define RDB_LEN_64BIT 0x81
#define RDB_ENCVAL 3
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* Module value opcodes (module values are refused, but valkey-check-rdb
 * walks them as Valkey's does). */
#define RDB_MODULE_OPCODE_EOF 0
#define RDB_MODULE_OPCODE_SINT 1
#define RDB_MODULE_OPCODE_UINT 2
#define RDB_MODULE_OPCODE_FLOAT 3
#define RDB_MODULE_OPCODE_DOUBLE 4
#define RDB_MODULE_OPCODE_STRING 5

/* The DUMP footer: 2 bytes of version, 8 of CRC. */
#define RDB_DUMP_FOOTER 10
/* The file header: "REDIS" and four digits. */
#define RDB_HEADER_LEN 9

/* Strings longer than this are tried with LZF when rdbcompression is on
 * (shorter ones cannot gain the 4 bytes compression must save). */
#define RDB_LZF_MIN_LEN 20

/* 1 for the object types (values that follow a key), 0 for opcodes. */
static inline int rdb_is_object_type(int t) {
    return (t >= 0 && t <= RDB_TYPE_MODULE_2) || (t >= RDB_TYPE_HASH_ZIPMAP && t < RDB_TYPE_COUNT);
}

/* The name valkey-check-rdb prints for an object type ("quicklist-v2"),
 * or "unknown". */
const char *rdb_type_name(int t);

/* The value type (0 string, 1 list, 2 set, 3 zset, 4 hash, 6 stream,
 * the numbering of OBJ_*) an object type holds, or -1 for module
 * values and unknown types. */
int rdb_type_value_kind(int t);

#endif
