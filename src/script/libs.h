/* libs.h - the libraries scripts get besides Lua's own: cjson and bit
 * (Debian's lua-cjson and lua-bitop, with bit.tohex made safe), struct and
 * cmsgpack (bindings over deps/structfmt and deps/msgpack), and Valkey's
 * deterministic math.random. */
#ifndef SCRIPT_LIBS_H
#define SCRIPT_LIBS_H

#include <lua.h>

/* Opens cjson, bit, struct and cmsgpack as globals. */
void libs_open(lua_State *L);
/* Replaces math.random/math.randomseed in the math table of the globals
 * at g with the lrand48-compatible generator every platform agrees on. */
void libs_patch_math(lua_State *L, int g);

int libs_open_struct(lua_State *L);
int libs_open_cmsgpack(lua_State *L);

#endif
