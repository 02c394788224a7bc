/* commands.h - the one command table (commands.c). */
#ifndef COMMANDS_H
#define COMMANDS_H

#include "server/command.h"

extern Command command_table[];

#endif
