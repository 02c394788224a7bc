/* lib_struct.c - placeholder */
#include <lua.h>
#include "libs.h"
int libs_open_struct(lua_State *L) { lua_newtable(L); return 1; }
