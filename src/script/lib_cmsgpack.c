/* lib_cmsgpack.c - placeholder */
#include <lua.h>
#include "libs.h"
int libs_open_cmsgpack(lua_State *L) { lua_newtable(L); return 1; }
