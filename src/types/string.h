/* string.h - handlers of the string commands, for the command table. */
#ifndef TYPES_STRING_H
#define TYPES_STRING_H

#include "../server/client.h"

void get_command(Client *c);
void set_command(Client *c);
void setnx_command(Client *c);
void setex_command(Client *c);
void psetex_command(Client *c);
void getset_command(Client *c);
void getdel_command(Client *c);
void getex_command(Client *c);
void mget_command(Client *c);
void mset_command(Client *c);
void msetnx_command(Client *c);
void strlen_command(Client *c);
void incr_command(Client *c);
void decr_command(Client *c);
void incrby_command(Client *c);
void decrby_command(Client *c);
void incrbyfloat_command(Client *c);
void append_command(Client *c);
void setrange_command(Client *c);
void getrange_command(Client *c);
void lcs_command(Client *c);

/* The key's string value as a raw Str that can be changed in place (an
 * INT or EMBSTR value is converted first, keeping the TTL), as the bit and
 * HyperLogLog commands write it; *kvp is updated when the entry moves. */
Str *string_unshare(Client *c, Kv **kvp, const Arg *key);

#endif
