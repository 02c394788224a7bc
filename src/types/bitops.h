/* bitops.h - handlers of the bitmap commands (bitops.c), for the command
 * table.  A bitmap is an ordinary string value: these commands read any
 * string and write raw strings, growing them with zero bytes. */
#ifndef TYPES_BITOPS_H
#define TYPES_BITOPS_H

#include "../server/client.h"

void setbit_command(Client *c);
void getbit_command(Client *c);
void bitcount_command(Client *c);
void bitpos_command(Client *c);
void bitop_command(Client *c);
void bitfield_command(Client *c);
void bitfield_ro_command(Client *c);

#endif
