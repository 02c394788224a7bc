/* command_docs.h - the documentation rows of every command (command_docs.c),
 * looked up by full name ("get", "client|kill").  main.c registers the
 * lookup with the server layer (command_docs_register), which never
 * includes this file. */
#ifndef COMMAND_DOCS_H
#define COMMAND_DOCS_H

#include "server/command.h"

/* The row of a command or subcommand, or NULL. */
const CommandDoc *command_docs_find(const char *fullname);
/* The whole table, ended by a row with a NULL name (for checks). */
extern const CommandDoc command_docs[];

#endif
