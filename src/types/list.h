/* list.h - handlers of the list commands, for the command table, and the
 * list details DEBUG OBJECT shows. */
#ifndef TYPES_LIST_H
#define TYPES_LIST_H

#include <stddef.h>

#include "../server/client.h"

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

#endif
