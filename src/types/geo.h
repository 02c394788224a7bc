/* geo.h - handlers of the GEO commands (geo.c), for the command table.
 * Positions live in sorted sets (scores are 52-bit geohashes, see
 * deps/geohash), so a geo key is a sorted set to every other command. */
#ifndef TYPES_GEO_H
#define TYPES_GEO_H

#include "../server/client.h"

void geoadd_command(Client *c);
void geopos_command(Client *c);
void geodist_command(Client *c);
void geohash_command(Client *c);
void geosearch_command(Client *c);
void geosearchstore_command(Client *c);
void georadius_command(Client *c);
void georadius_ro_command(Client *c);
void georadiusbymember_command(Client *c);
void georadiusbymember_ro_command(Client *c);

#endif
