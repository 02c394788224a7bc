/* api.h - the redis.* (alias server.*) table scripts call: call, pcall,
 * sha1hex, error_reply, status_reply, log, setresp, set_repl,
 * replicate_commands, breakpoint, debug, acl_check_cmd, the REPL_* and
 * LOG_* constants and the version fields; and the smaller table
 * FUNCTION LOAD's code sees (register_function, log, versions). */
#ifndef SCRIPT_API_H
#define SCRIPT_API_H

#include <lua.h>

/* Pushes a new, unprotected redis table for scripts. */
void api_push_runtime_table(lua_State *L);
/* Pushes the table a library's load code sees as redis/server; reading
 * anything else from it is an error. */
void api_push_load_table(lua_State *L);
/* The pcall scripts get: an error table from redis.call becomes its
 * "err" string, as in Valkey. */
int api_pcall(lua_State *L);

/* functions.c: register_function's work (the library being loaded). */
int functions_register_from_lua(lua_State *L);

#endif
