/* list.h - handlers of the list commands, for the command table, the
 * list details DEBUG OBJECT shows, and the reading and building SORT
 * needs. */
#ifndef TYPES_LIST_H
#define TYPES_LIST_H

#include <stddef.h>

#include "../server/client.h"
#include "../server/kv.h"

void lpush_command(Client *c);
void rpush_command(Client *c);
void lpushx_command(Client *c);
void rpushx_command(Client *c);
void lpop_command(Client *c);
void rpop_command(Client *c);
void llen_command(Client *c);
void lindex_command(Client *c);
void linsert_command(Client *c);
void lset_command(Client *c);
void lrange_command(Client *c);
void lrem_command(Client *c);
void ltrim_command(Client *c);
void lpos_command(Client *c);
void lmove_command(Client *c);
void rpoplpush_command(Client *c);
void lmpop_command(Client *c);
void blpop_command(Client *c);
void brpop_command(Client *c);
void blmove_command(Client *c);
void brpoplpush_command(Client *c);
void blmpop_command(Client *c);

/* DEBUG OBJECT's extra fields for a list value (Valkey's " ql_nodes:..
 * ql_avg_node:.. ql_listpack_max:.. ql_compressed:..
 * ql_uncompressed_size:.." for a quicklist, nothing for a listpack).
 * Returns the length written into buf (always NUL-terminated). */
size_t list_debug_object_fields(const void *ptr, int encoding, char *buf, size_t cap);

/* ---------------------------------------- for other commands (SORT) */

/* Number of elements of a list value. */
uint64_t list_len(const Kv *kv);
/* Calls fn on the elements from index `start` (0-based, counted from the
 * head, or from the tail when reverse) towards the other end, until fn
 * returns 0 or the list ends.  s is NULL for an integer element (v).  The
 * list must not change meanwhile. */
typedef int list_visit_fn(void *priv, const char *s, size_t len, long long v);
void list_visit(const Kv *kv, uint64_t start, int reverse, list_visit_fn *fn, void *priv);
/* A list value built the way SORT ... STORE builds it in Valkey: a
 * quicklist filled at the tail, made a listpack at the end when it is one
 * packed node within list-max-listpack-size (LIST_CONV_AUTO). */
typedef struct ListBuild ListBuild;
ListBuild *list_build_new(void);
void list_build_push(ListBuild *b, const char *s, size_t len);
/* The finished value as a new Kv under key, or NULL when nothing was
 * pushed; frees b either way. */
Kv *list_build_finish(ListBuild *b, const char *key, size_t klen);

#endif
