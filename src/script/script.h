/* script.h - Lua scripting and functions, as the rest of the server sees
 * them: the start-up call, the command handlers commands.c wires in, and
 * the figures INFO reports.  Everything else stays inside src/script/. */
#ifndef SCRIPT_SCRIPT_H
#define SCRIPT_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "../server/client.h"
#include "../server/command.h"

/* Creates both interpreters and registers the server hooks (-BUSY while
 * a slow script runs, INFO).  Called once from main.c. */
void script_init(void);

typedef ScriptInfo ScriptStats;

/* EVAL family and SCRIPT (eval.c). */
void eval_command(Client *c);
void evalsha_command(Client *c);
void eval_ro_command(Client *c);
void evalsha_ro_command(Client *c);
void script_debug_command(Client *c);
void script_exists_command(Client *c);
void script_flush_command(Client *c);
void script_help_command(Client *c);
void script_kill_command(Client *c);
void script_load_command(Client *c);
void script_show_command(Client *c);

/* FCALL and FUNCTION (functions.c). */
void fcall_command(Client *c);
void fcall_ro_command(Client *c);
void function_delete_command(Client *c);
void function_dump_command(Client *c);
void function_flush_command(Client *c);
void function_help_command(Client *c);
void function_kill_command(Client *c);
void function_list_command(Client *c);
void function_load_command(Client *c);
void function_restore_command(Client *c);
void function_stats_command(Client *c);

/* Internal to src/script/: each part's share of the INFO figures. */
void eval_init(void);
void eval_info(ScriptStats *st);
void eval_stats_reset(void);
void functions_init(void);
void functions_info(ScriptStats *st);

/* Persistence hooks (for RDB and AOF once they exist; FUNCTION DUMP and
 * RESTORE use them too).  A payload is what FUNCTION DUMP returns:
 * per library the RDB opcode 245 and the code as an RDB string, then the
 * RDB version (2 bytes, little-endian) and a CRC64 (8 bytes). */
/* Calls emit(code, len) for each library's code (with its #! line). */
void functions_foreach_code(void (*emit)(const char *code, size_t len, void *priv), void *priv);
/* Loads one library's code as FUNCTION LOAD [REPLACE] does; returns 0, or
 * -1 with *err (mem_alloc'ed) set. */
int functions_load_code(const char *code, size_t len, int replace, char **err);
/* Drops every library (FUNCTION FLUSH, or a full load replacing them). */
void functions_flush_all(void);

#endif
