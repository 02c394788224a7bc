/* hyperloglog.h - handlers of the HyperLogLog commands (hyperloglog.c),
 * for the command table.  A sketch is a string value in Valkey's byte
 * format (src/ds/hll.h). */
#ifndef TYPES_HYPERLOGLOG_H
#define TYPES_HYPERLOGLOG_H

#include "../server/client.h"

void pfadd_command(Client *c);
void pfcount_command(Client *c);
void pfmerge_command(Client *c);
void pfdebug_command(Client *c);
void pfselftest_command(Client *c);

#endif
