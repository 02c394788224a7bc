/* convert.c - reply <-> Lua conversions (see convert.h). */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "../server/server.h"
#include "../server/reply.h"
#include "convert.h"
#include "engine.h"

long long convert_number_to_ll(double d) {
    /* x86-64's cvttsd2si answers INT64_MIN for NaN and out-of-range
     * values; Valkey's casts do the same on the hosts it is tested on. */
    if (d != d || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return INT64_MIN;
    return (long long)d;
}

static void check_stack(lua_State *L, int n) {
    if (!lua_checkstack(L, n)) luaL_error(L, "reached lua stack limit");
}

void convert_reply_to_lua(lua_State *L, const RespValue *v, int resp) {
    check_stack(L, 5);
    switch (v->type) {
    case RESP_T_INT:
        lua_pushnumber(L, (lua_Number)v->integer);
        break;
    case RESP_T_BULK:
        lua_pushlstring(L, v->str, v->len);
        break;
    case RESP_T_NULL:
        if (resp == 2) lua_pushboolean(L, 0);
        else lua_pushnil(L);
        break;
    case RESP_T_SIMPLE:
        lua_createtable(L, 0, 1);
        lua_pushlstring(L, v->str, v->len);
        lua_setfield(L, -2, "ok");
        break;
    case RESP_T_ERROR:
    case RESP_T_BLOBERR:
        engine_push_error(L, v->str, v->len, 1);
        break;
    case RESP_T_DOUBLE:
        lua_createtable(L, 0, 1);
        lua_pushnumber(L, v->dbl);
        lua_setfield(L, -2, "double");
        break;
    case RESP_T_BOOL:
        lua_pushboolean(L, v->integer != 0);
        break;
    case RESP_T_BIGNUM:
        lua_createtable(L, 0, 1);
        lua_pushlstring(L, v->str, v->len);
        lua_setfield(L, -2, "big_number");
        break;
    case RESP_T_VERBATIM:
        lua_createtable(L, 0, 1);
        lua_createtable(L, 0, 2);
        lua_pushlstring(L, v->str, v->len);
        lua_setfield(L, -2, "string");
        lua_pushlstring(L, v->format, 3);
        lua_setfield(L, -2, "format");
        lua_setfield(L, -2, "verbatim_string");
        break;
    case RESP_T_MAP:
        lua_createtable(L, 0, 1);
        lua_createtable(L, 0, (int)(v->count < 1024 ? v->count : 1024));
        for (size_t i = 0; i < v->count; i++) {
            convert_reply_to_lua(L, v->elem[2 * i], resp);
            convert_reply_to_lua(L, v->elem[2 * i + 1], resp);
            lua_settable(L, -3);
        }
        lua_setfield(L, -2, "map");
        break;
    case RESP_T_SET:
        lua_createtable(L, 0, 1);
        lua_createtable(L, 0, (int)(v->count < 1024 ? v->count : 1024));
        for (size_t i = 0; i < v->count; i++) {
            convert_reply_to_lua(L, v->elem[i], resp);
            lua_pushboolean(L, 1);
            lua_settable(L, -3);
        }
        lua_setfield(L, -2, "set");
        break;
    case RESP_T_ARRAY:
    case RESP_T_PUSH:
        lua_createtable(L, (int)(v->count < 65536 ? v->count : 65536), 0);
        for (size_t i = 0; i < v->count; i++) {
            convert_reply_to_lua(L, v->elem[i], resp);
            lua_rawseti(L, -2, (int)(i + 1));
        }
        break;
    default:
        lua_pushnil(L);
        break;
    }
}

void convert_reply_error(Client *c, const char *msg, size_t len, int nostats) {
    if (!nostats) {
        /* reply_error_len counts it; its text needs the leading '-'. */
        char stackbuf[256];
        char *buf = len + 1 <= sizeof(stackbuf) ? stackbuf : mem_alloc(len + 1);
        buf[0] = '-';
        memcpy(buf + 1, msg, len);
        reply_error_len(c, buf, len + 1);
        if (buf != stackbuf) mem_free(buf);
        return;
    }
    char safe[256];
    reply_raw(c, "-", 1);
    for (size_t off = 0; off < len;) {
        size_t n = len - off < sizeof(safe) ? len - off : sizeof(safe);
        for (size_t i = 0; i < n; i++) safe[i] = (msg[off + i] == '\r' || msg[off + i] == '\n') ? ' ' : msg[off + i];
        reply_raw(c, safe, n);
        off += n;
    }
    reply_raw(c, "\r\n", 2);
}

/* Field name of the table at -1, raw; pushes the value. */
static int raw_field(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    lua_rawget(L, -2);
    return lua_type(L, -1);
}

static void table_to_reply(Client *c, lua_State *L, int script_resp) {
    /* {err = "..."} */
    if (raw_field(L, "err") == LUA_TSTRING) {
        size_t len;
        const char *msg = lua_tolstring(L, -1, &len);
        lua_pop(L, 1);
        int nostats = raw_field(L, "ignore_error_stats_update") == LUA_TBOOLEAN && lua_toboolean(L, -1);
        lua_pop(L, 1);
        /* Valkey formats it as a C string: it ends at a NUL. */
        convert_reply_error(c, msg, strlen(msg), nostats);
        return;
    }
    lua_pop(L, 1);
    if (raw_field(L, "ok") == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        size_t n = strlen(s);
        char stackbuf[256];
        char *buf = n + 1 <= sizeof(stackbuf) ? stackbuf : mem_alloc(n + 1);
        for (size_t i = 0; i < n; i++) buf[i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
        buf[n] = '\0';
        reply_simple(c, buf);
        if (buf != stackbuf) mem_free(buf);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (raw_field(L, "double") == LUA_TNUMBER) {
        reply_double(c, lua_tonumber(L, -1));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (raw_field(L, "big_number") == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        char *buf = mem_alloc(n + 1);
        for (size_t i = 0; i < n; i++) buf[i] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
        reply_bignum(c, buf, n);
        mem_free(buf);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (raw_field(L, "verbatim_string") == LUA_TTABLE) {
        if (raw_field(L, "format") == LUA_TSTRING) {
            size_t flen;
            const char *f = lua_tolstring(L, -1, &flen);
            char fmt[4] = {' ', ' ', ' ', 0};
            memcpy(fmt, f, flen < 3 ? flen : 3);
            lua_pop(L, 1);
            if (raw_field(L, "string") == LUA_TSTRING) {
                size_t len;
                const char *s = lua_tolstring(L, -1, &len);
                reply_verbatim(c, s, len, fmt);
                lua_pop(L, 2);
                return;
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (raw_field(L, "map") == LUA_TTABLE) {
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            convert_lua_to_reply(c, L, script_resp); /* the key */
            convert_lua_to_reply(c, L, script_resp); /* the value */
            n++;
        }
        reply_set_deferred_map_len(c, d, n);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    if (raw_field(L, "set") == LUA_TTABLE) {
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            convert_lua_to_reply(c, L, script_resp);
            n++;
        }
        reply_set_deferred_set_len(c, d, n);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    ReplyDeferred d = reply_deferred_len(c);
    long long n = 0;
    for (int j = 1;; j++) {
        lua_rawgeti(L, -1, j);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        convert_lua_to_reply(c, L, script_resp);
        n++;
    }
    reply_set_deferred_array_len(c, d, n);
}

void convert_lua_to_reply(Client *c, lua_State *L, int script_resp) {
    if (!lua_checkstack(L, 4)) {
        /* A table that contains itself ends here, as in Valkey. */
        reply_error(c, "reached lua stack limit");
        lua_pop(L, 1);
        return;
    }
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        reply_bulk(c, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        if (script_resp == 2) {
            if (lua_toboolean(L, -1)) reply_int(c, 1);
            else reply_null(c);
        } else {
            reply_bool(c, lua_toboolean(L, -1));
        }
        break;
    case LUA_TNUMBER:
        reply_int(c, convert_number_to_ll(lua_tonumber(L, -1)));
        break;
    case LUA_TTABLE:
        table_to_reply(c, L, script_resp);
        break;
    default:
        reply_null(c);
        break;
    }
    lua_pop(L, 1);
}
