/* convert.h - values between the server's replies and Lua, both ways, as
 * Valkey converts them (RESP2 and RESP3).
 *
 * Reply -> Lua: integer -> number; bulk -> string; RESP2 null -> false,
 * RESP3 null -> nil; status -> {ok=s}; error -> {err="CODE msg"};
 * array -> table; RESP3 map -> {map={k=v}}, set -> {set={m=true}},
 * double -> {double=n}, boolean -> boolean, big number -> {big_number=s},
 * verbatim -> {verbatim_string={format=f, string=s}}; attributes dropped.
 *
 * Lua -> reply: string -> bulk; number -> integer (truncated, x86's
 * INT64_MIN for out-of-range and NaN); boolean -> 1/null (RESP2 script) or
 * RESP3 boolean; tables: {err=}, {ok=}, {double=}, {big_number=},
 * {verbatim_string=}, {map=}, {set=}, else the array part up to the first
 * nil; anything else -> null.  Fields are read raw, never through
 * metamethods. */
#ifndef SCRIPT_CONVERT_H
#define SCRIPT_CONVERT_H

#include <lua.h>

#include "../net/resp_reader.h"
#include "../server/client.h"

/* Pushes v; resp is the script's protocol (2 or 3). */
void convert_reply_to_lua(lua_State *L, const RespValue *v, int resp);
/* Writes the value on top of the stack to c and pops it; script_resp is
 * the protocol the script asked for (booleans follow it). */
void convert_lua_to_reply(Client *c, lua_State *L, int script_resp);
/* An error reply of a script: "-msg" (msg already has its code); with
 * nostats the error statistics are left alone (the command that failed
 * inside the script already counted it). */
void convert_reply_error(Client *c, const char *msg, size_t len, int nostats);
/* (long long)d as x86-64 computes it, without undefined behaviour. */
long long convert_number_to_ll(double d);

#endif
