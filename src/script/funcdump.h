/* funcdump.h - FUNCTION DUMP / RESTORE payloads in Valkey's format: per
 * library the RDB opcode FUNCTION2 (245) and the library's code as an RDB
 * string (LZF-compressed past 20 bytes when rdbcompression is on, as
 * Valkey writes it; plain, integer-encoded or LZF when reading), then the
 * RDB version (11, two bytes little-endian) and the CRC64 of everything
 * before it (eight bytes little-endian).  The same encoding is what the
 * RDB file will hold for functions. */
#ifndef SCRIPT_FUNCDUMP_H
#define SCRIPT_FUNCDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/str.h"

#define FUNCDUMP_RDB_VERSION 11
#define FUNCDUMP_OPCODE_FUNCTION2 245
#define FUNCDUMP_OPCODE_FUNCTION_PRE_GA 246

/* Appends one library; returns the (possibly moved) string. */
Str *funcdump_append_library(Str *out, const char *code, size_t len, int compress);
/* Appends the version and checksum footer. */
Str *funcdump_finish(Str *out);
/* An RDB string: length encoding then the bytes (or LZF). */
Str *funcdump_append_rdb_string(Str *out, const char *p, size_t len, int compress);
/* Reads an RDB string at *pos; returns a mem_alloc'ed copy (NUL-ended)
 * and its length, or NULL when malformed. */
char *funcdump_read_rdb_string(const uint8_t *p, size_t len, size_t *pos, size_t *outlen);
/* Checks the footer, then calls each(code) per library; returns 0, or -1
 * with *err set (mem_alloc'ed): Valkey's texts for a bad payload, or the
 * callback's own error. */
typedef int funcdump_each_fn(const char *code, size_t len, void *priv, char **err);
int funcdump_parse(const uint8_t *p, size_t len, funcdump_each_fn *each, void *priv, char **err);

#endif
