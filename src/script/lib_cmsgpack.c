/* lib_cmsgpack.c - the cmsgpack library scripts use (pack, unpack,
 * unpack_one, unpack_limit) over deps/msgpack, encoding Lua values as
 * lua_cmsgpack does: a table whose keys are exactly 1..n is an array,
 * any other table a map; numbers that are exact 64-bit integers are
 * integers, others doubles; nesting past 16 tables encodes nil (so a
 * table that contains itself ends); functions and the like are nil.
 * Decoding turns arrays into 1..n tables and maps into tables; 64-bit
 * integers become Lua numbers. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "../../deps/msgpack/msgpack.h"
#include "libs.h"

#define MAX_NESTING 16

/* The output grows in a Lua userdata at a fixed stack slot, so a Lua
 * error half-way leaks nothing. */
typedef struct Out {
    uint8_t *p;
    size_t len, cap;
    int slot;
} Out;

static void out_add(lua_State *L, Out *o, const void *data, size_t n) {
    if (o->cap - o->len < n) {
        size_t cap = o->cap * 2;
        while (cap - o->len < n) cap *= 2;
        uint8_t *np = lua_newuserdata(L, cap);
        memcpy(np, o->p, o->len);
        lua_replace(L, o->slot);
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, data, n);
    o->len += n;
}

static int is_int_equivalent(lua_Number n) {
    return !isinf(n) && n >= INT_MIN && n <= INT_MAX && (lua_Number)(int)n == n;
}

static int is_int64_equivalent(lua_Number n) {
    return !isinf(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 && (lua_Number)(int64_t)n == n;
}

/* Whether the table on top has exactly the keys 1..n. */
static int table_is_array(lua_State *L) {
    int top = lua_gettop(L);
    lua_Number max = 0;
    long count = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_Number n;
        if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || !is_int_equivalent(n)) {
            lua_settop(L, top);
            return 0;
        }
        if (n > max) max = n;
        count++;
    }
    lua_settop(L, top);
    return max == (lua_Number)count;
}

static void encode_value(lua_State *L, Out *o, int level);

static void encode_table(lua_State *L, Out *o, int level) {
    uint8_t h[MP_MAX_HEADER];
    int t = lua_gettop(L);
    if (table_is_array(L)) {
        size_t len = lua_objlen(L, t);
        out_add(L, o, h, mp_enc_array_header(h, len));
        for (size_t j = 1; j <= len; j++) {
            lua_rawgeti(L, t, (int)j);
            encode_value(L, o, level + 1);
        }
    } else {
        uint64_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pop(L, 1);
            n++;
        }
        out_add(L, o, h, mp_enc_map_header(h, n));
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pushvalue(L, -2);
            encode_value(L, o, level + 1);
            encode_value(L, o, level + 1);
        }
    }
}

/* Encodes and pops the value on top of the stack. */
static void encode_value(lua_State *L, Out *o, int level) {
    uint8_t h[MP_MAX_HEADER];
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE && level == MAX_NESTING) t = LUA_TNIL;
    luaL_checkstack(L, 4, "too deeply nested");
    switch (t) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        out_add(L, o, h, mp_enc_str_header(h, len));
        out_add(L, o, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        out_add(L, o, h, mp_enc_bool(h, lua_toboolean(L, -1)));
        break;
    case LUA_TNUMBER: {
        lua_Number n = lua_tonumber(L, -1);
        if (is_int64_equivalent(n)) out_add(L, o, h, mp_enc_int(h, (int64_t)n));
        else out_add(L, o, h, mp_enc_double(h, n));
        break;
    }
    case LUA_TTABLE:
        encode_table(L, o, level);
        break;
    default:
        out_add(L, o, h, mp_enc_nil(h));
        break;
    }
    lua_pop(L, 1);
}

static int mp_pack(lua_State *L) {
    int nargs = lua_gettop(L);
    if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    if (!lua_checkstack(L, nargs + 8)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
    Out o = {NULL, 0, 64, 0};
    o.p = lua_newuserdata(L, o.cap);
    o.slot = lua_gettop(L);
    for (int i = 1; i <= nargs; i++) {
        lua_pushvalue(L, i);
        encode_value(L, &o, 0);
    }
    lua_pushlstring(L, (const char *)o.p, o.len);
    return 1;
}

typedef struct Cursor {
    const uint8_t *p;
    size_t left;
    int err; /* 0, 1 = missing bytes, 2 = bad format */
} Cursor;

static void decode_value(lua_State *L, Cursor *c) {
    MpItem it;
    luaL_checkstack(L, 2, "too many items to unpack: use unpack_one or unpack_limit");
    long n = mp_dec_item(c->p, c->left, &it);
    if (n == MP_DEC_MORE) {
        c->err = 1;
        return;
    }
    if (n == MP_DEC_BAD) {
        c->err = 2;
        return;
    }
    c->p += n;
    c->left -= (size_t)n;
    switch (it.type) {
    case MP_NIL:
        lua_pushnil(L);
        break;
    case MP_BOOL:
        lua_pushboolean(L, (int)it.i);
        break;
    case MP_INT:
        lua_pushnumber(L, (lua_Number)it.i);
        break;
    case MP_UINT: {
        /* lua_cmsgpack pushes uint64 as a signed integer: 2^64-1 is -1. */
        int64_t v;
        memcpy(&v, &it.u, sizeof(v));
        lua_pushnumber(L, (lua_Number)v);
        break;
    }
    case MP_DOUBLE:
        lua_pushnumber(L, it.d);
        break;
    case MP_STR:
        lua_pushlstring(L, (const char *)it.str, (size_t)it.len);
        break;
    case MP_ARRAY:
        lua_newtable(L);
        for (uint64_t i = 0; i < it.len; i++) {
            decode_value(L, c);
            if (c->err) return;
            lua_rawseti(L, -2, (int)(i + 1));
        }
        break;
    case MP_MAP:
        lua_newtable(L);
        for (uint64_t i = 0; i < it.len; i++) {
            decode_value(L, c);
            if (c->err) return;
            decode_value(L, c);
            if (c->err) return;
            if (lua_isnil(L, -2)) lua_pop(L, 2); /* a nil key cannot be stored */
            else lua_settable(L, -3);
        }
        break;
    }
}

static int unpack_full(lua_State *L, int limit, int offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int all = !limit && !offset;
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset, limit);
    if ((size_t)offset > len) return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)len);
    if (all) limit = INT_MAX;
    Cursor c = {(const uint8_t *)s + offset, len - (size_t)offset, 0};
    int cnt;
    for (cnt = 0; c.left > 0 && cnt < limit; cnt++) {
        decode_value(L, &c);
        if (c.err == 1) return luaL_error(L, "Missing bytes in input.");
        if (c.err == 2) return luaL_error(L, "Bad data format in input.");
    }
    if (!all) {
        luaL_checkstack(L, 1, "too many results to unpack");
        lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(len - c.left));
        lua_insert(L, 2);
        cnt++;
    }
    return cnt;
}

static int mp_unpack(lua_State *L) {
    return unpack_full(L, 0, 0);
}

static int mp_unpack_one(lua_State *L) {
    int offset = (int)luaL_optinteger(L, 2, 0);
    lua_pop(L, lua_gettop(L) - 1);
    return unpack_full(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L) {
    int limit = (int)luaL_checkinteger(L, 2);
    int offset = (int)luaL_optinteger(L, 3, 0);
    lua_pop(L, lua_gettop(L) - 1);
    return unpack_full(L, limit, offset);
}

int libs_open_cmsgpack(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, mp_pack);
    lua_setfield(L, -2, "pack");
    lua_pushcfunction(L, mp_unpack);
    lua_setfield(L, -2, "unpack");
    lua_pushcfunction(L, mp_unpack_one);
    lua_setfield(L, -2, "unpack_one");
    lua_pushcfunction(L, mp_unpack_limit);
    lua_setfield(L, -2, "unpack_limit");
    lua_pushliteral(L, "lua-cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "0.4.0");
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
