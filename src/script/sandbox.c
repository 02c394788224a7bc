/* sandbox.c - read-only tables for a stock Lua 5.1 (see engine.h).
 *
 * A protected table is an empty proxy whose metatable has __index = the
 * real table and __newindex = an error; tables inside a protected table
 * are replaced by their own proxies, so no path from a script reaches a
 * real table.  Three registry tables (weak-keyed) hold the bookkeeping:
 * proxy -> real, real -> proxy, and metatable -> what getmetatable shows
 * for it (false: nothing, as Valkey's library tables have no metatable).
 *
 * Built-ins that bypass metatables are wrapped: rawset, setmetatable and
 * table.insert/remove/sort refuse a proxy; rawget, next, pairs and ipairs
 * read the real table behind one (so `pairs(os)` lists os.clock);
 * getmetatable answers from the view table; loadstring/load refuse
 * precompiled chunks; unpack counts its range without the int overflow
 * that crashes the stock one.  Functions reachable from the globals get the
 * global proxy as their environment, so getfenv never hands out a real
 * table. */
#include <limits.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "engine.h"

static char key_proxies, key_reals, key_mtviews;

#define RO_MSG "Attempt to modify a readonly table"

/* Registry table at key (created weak-keyed on first use). */
static void push_registry_table(lua_State *L, void *key) {
    lua_pushlightuserdata(L, key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (!lua_isnil(L, -1)) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushlightuserdata(L, key);
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

/* Replaces the value at idx (a proxy) by its real table; returns 1 if it
 * was a proxy. */
static int resolve_proxy(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    if (idx < 0) idx = lua_gettop(L) + idx + 1;
    push_registry_table(L, &key_proxies);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 2);
        return 0;
    }
    lua_replace(L, idx);
    lua_pop(L, 1);
    return 1;
}

static int is_proxy(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    if (idx < 0) idx = lua_gettop(L) + idx + 1;
    push_registry_table(L, &key_proxies);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    int yes = !lua_isnil(L, -1);
    lua_pop(L, 2);
    return yes;
}

/* The metamethod form: the error carries the script's line, as the
 * patched VM's does. */
int sandbox_ro_error(lua_State *L) {
    return luaL_error(L, RO_MSG);
}

/* The built-in form: no line (the VM's error from inside a C function). */
static int ro_error_plain(lua_State *L) {
    lua_pushliteral(L, RO_MSG);
    return lua_error(L);
}

void sandbox_protect_table(lua_State *L, int idx) {
    if (idx < 0) idx = lua_gettop(L) + idx + 1;
    luaL_checkstack(L, 8, "protecting a table");
    push_registry_table(L, &key_reals);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1)) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 2);
    /* The proxy, its metatable, and the bookkeeping. */
    lua_newtable(L);                         /* P */
    int p = lua_gettop(L);
    lua_newtable(L);                         /* M */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sandbox_ro_error);
    lua_setfield(L, -2, "__newindex");
    push_registry_table(L, &key_mtviews);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 0);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_setmetatable(L, p);
    push_registry_table(L, &key_proxies);
    lua_pushvalue(L, p);
    lua_pushvalue(L, idx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    push_registry_table(L, &key_reals);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, p);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    /* Inner tables are replaced by their proxies (assigning existing
     * fields during a traversal is allowed). */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -1) == LUA_TTABLE && !lua_rawequal(L, -1, idx) && !is_proxy(L, -1)) {
            sandbox_protect_table(L, lua_gettop(L));
            lua_pushvalue(L, -3);
            lua_insert(L, -2);
            lua_rawset(L, idx);
        } else if (lua_rawequal(L, -1, idx)) {
            lua_pushvalue(L, -2);
            lua_pushvalue(L, p);
            lua_rawset(L, idx);
        }
        lua_pop(L, 1);
    }
}

/* ------------------------------------------------------------ wrappers */

static int sb_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_proxy(L, 1)) return ro_error_plain(L);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int sb_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    resolve_proxy(L, 1);
    lua_rawget(L, 1);
    return 1;
}

static int sb_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    resolve_proxy(L, 1);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int sb_pairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int sb_ipairs_aux(lua_State *L) {
    int i = luaL_checkint(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    resolve_proxy(L, 1);
    i++;
    lua_pushinteger(L, i);
    lua_rawgeti(L, 1, i);
    return lua_isnil(L, -1) ? 0 : 2;
}

static int sb_ipairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int sb_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (is_proxy(L, 1)) return ro_error_plain(L);
    if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int sb_getmetatable(lua_State *L) {
    luaL_checkany(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    push_registry_table(L, &key_mtviews);
    lua_pushvalue(L, -2);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) == LUA_TBOOLEAN) lua_pushnil(L);
        return 1;
    }
    lua_pop(L, 2);
    luaL_getmetafield(L, 1, "__metatable");
    return 1;
}

/* table.insert/remove/sort over the original in upvalue 1. */
static int sb_table_writer(lua_State *L) {
    if (is_proxy(L, 1)) return ro_error_plain(L);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* unpack(t [,i [,j]]) with its range counted without overflow: stock
 * Lua 5.1 computes j - i + 1 in an int and crashes on huge ranges. */
static int sb_unpack(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    int i = luaL_optint(L, 2, 1);
    resolve_proxy(L, 1);
    int e = lua_isnoneornil(L, 3) ? (int)lua_objlen(L, 1) : luaL_checkint(L, 3);
    if (i > e) return 0;
    unsigned n = (unsigned)e - (unsigned)i;
    if (n >= (unsigned)INT_MAX || !lua_checkstack(L, (int)++n)) return luaL_error(L, "too many results to unpack");
    lua_rawgeti(L, 1, i);
    while (i++ < e) lua_rawgeti(L, 1, i);
    return (int)n;
}

static int load_checked(lua_State *L, const char *s, size_t len, const char *chunkname) {
    if (len && s[0] == LUA_SIGNATURE[0]) {
        lua_pushnil(L);
        lua_pushliteral(L, "attempt to load a binary chunk: bytecode loading is disabled");
        return 2;
    }
    if (luaL_loadbuffer(L, s, len, chunkname) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int sb_loadstring(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *chunkname = luaL_optstring(L, 2, s);
    return load_checked(L, s, len, chunkname);
}

static int sb_load(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    lua_settop(L, 2);
    lua_pushliteral(L, "");
    for (;;) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
        if (lua_objlen(L, -1) == 0) {
            lua_pop(L, 1);
            break;
        }
        lua_concat(L, 2);
    }
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    return load_checked(L, s, len, chunkname);
}

static int nonexistent_global(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

/* Every function reachable from the table at idx (through proxies' real
 * tables) gets env as its environment. */
static void set_function_envs(lua_State *L, int idx, int env, int depth) {
    if (env < 0) env = lua_gettop(L) + env + 1;
    if (depth > 8) return;
    if (idx < 0) idx = lua_gettop(L) + idx + 1;
    lua_pushvalue(L, idx);
    resolve_proxy(L, -1);
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -1) == LUA_TFUNCTION) {
            lua_pushvalue(L, env);
            lua_setfenv(L, -2);
        } else if (lua_type(L, -1) == LUA_TTABLE && !lua_rawequal(L, -1, t) && !lua_rawequal(L, -1, env)) {
            set_function_envs(L, -1, env, depth + 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void sandbox_set_envs(lua_State *L, int idx, int env) {
    set_function_envs(L, idx, env, 0);
}

static void wrap_table_writer(lua_State *L, int tablib, const char *name) {
    lua_getfield(L, tablib, name);
    lua_pushcclosure(L, sb_table_writer, 1);
    lua_setfield(L, tablib, name);
}

/* Installs the wrappers into the real globals at g, protects every table
 * in it, and leaves on the stack the proxy of the globals (its metatable
 * has a view for getmetatable). */
void sandbox_install(lua_State *L, int g) {
    if (g < 0) g = lua_gettop(L) + g + 1;
    luaL_checkstack(L, 16, "sandbox");
    lua_pushcfunction(L, sb_rawset);
    lua_setfield(L, g, "rawset");
    lua_pushcfunction(L, sb_rawget);
    lua_setfield(L, g, "rawget");
    lua_pushcfunction(L, sb_next);
    lua_pushvalue(L, -1);
    lua_setfield(L, g, "next");
    lua_pushcclosure(L, sb_pairs, 1);
    lua_setfield(L, g, "pairs");
    lua_pushcfunction(L, sb_ipairs_aux);
    lua_pushcclosure(L, sb_ipairs, 1);
    lua_setfield(L, g, "ipairs");
    lua_pushcfunction(L, sb_setmetatable);
    lua_setfield(L, g, "setmetatable");
    lua_pushcfunction(L, sb_getmetatable);
    lua_setfield(L, g, "getmetatable");
    lua_pushcfunction(L, sb_loadstring);
    lua_setfield(L, g, "loadstring");
    lua_pushcfunction(L, sb_unpack);
    lua_setfield(L, g, "unpack");
    lua_pushcfunction(L, sb_load);
    lua_setfield(L, g, "load");
    lua_getfield(L, g, "table");
    if (lua_istable(L, -1)) {
        int tl = lua_gettop(L);
        wrap_table_writer(L, tl, "insert");
        wrap_table_writer(L, tl, "remove");
        wrap_table_writer(L, tl, "sort");
    }
    lua_pop(L, 1);

    /* Library tables become proxies. */
    lua_pushnil(L);
    while (lua_next(L, g)) {
        if (lua_type(L, -1) == LUA_TTABLE && !lua_rawequal(L, -1, g) && !is_proxy(L, -1)) {
            sandbox_protect_table(L, -1);
            lua_pushvalue(L, -3);
            lua_insert(L, -2);
            lua_rawset(L, g);
        }
        lua_pop(L, 1);
    }

    /* The string metatable reads through the protected string table and
     * shows itself read-only. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        int sm = lua_gettop(L);
        lua_getfield(L, g, "string");
        lua_setfield(L, sm, "__index");
        push_registry_table(L, &key_mtviews);
        lua_pushvalue(L, sm);
        sandbox_protect_table(L, sm);
        lua_rawset(L, -3);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);

    /* Reading a missing global is an error. */
    lua_newtable(L);
    lua_pushcfunction(L, nonexistent_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, g);

    /* The globals' proxy; getmetatable(_G) shows a read-only table whose
     * __index is the proxy itself (never the real globals). */
    sandbox_protect_table(L, g);
    int p = lua_gettop(L);
    lua_getmetatable(L, p);
    int m = lua_gettop(L);
    lua_newtable(L);
    lua_pushvalue(L, p);
    lua_setfield(L, -2, "__index");
    int v = lua_gettop(L);
    push_registry_table(L, &key_mtviews);
    lua_pushvalue(L, m);
    sandbox_protect_table(L, v);
    lua_rawset(L, -3);
    lua_pop(L, 3);
    lua_pushvalue(L, p);
    lua_setfield(L, g, "_G");
    set_function_envs(L, g, p, 0);
}
