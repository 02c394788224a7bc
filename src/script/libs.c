/* libs.c - cjson, bit, and math.random for scripts (see libs.h).
 *
 * bit.tohex: lua-bitop 1.0.2 negates its width argument, which overflows
 * for -2^31 and writes far outside its buffer; the replacement clamps the
 * width first (as Valkey's patched copy does) and keeps the same output.
 *
 * cjson.encode/decode: lua-cjson 2.1.0 sizes its buffers with int and
 * overflows them past 2 GB (CVE-2022-24834, fixed in Valkey's copy), so
 * the wrappers refuse a value whose worst-case encoding, or a document,
 * larger than 1 GB before the library sees it.
 *
 * math.random: the 48-bit linear congruential generator of lrand48
 * (a = 0x5DEECE66D, c = 11), seeded by randomseed(n) to (n << 16) | 0x330E
 * and starting from lrand48's default state, so a script sees the same
 * numbers on every platform after the same seed. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "libs.h"

int luaopen_cjson(lua_State *L);
int luaopen_bit(lua_State *L);

static uint64_t rand48_state = 0x1234ABCD330EULL;

static int32_t rand48_next(void) {
    rand48_state = (0x5DEECE66DULL * rand48_state + 0xB) & 0xFFFFFFFFFFFFULL;
    return (int32_t)(rand48_state >> 17);
}

static int math_random(lua_State *L) {
    lua_Number r = (lua_Number)(rand48_next() % INT32_MAX) / (lua_Number)INT32_MAX;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, r);
        break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * ((lua_Number)u - l + 1)) + l);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int math_randomseed(lua_State *L) {
    uint32_t seed = (uint32_t)luaL_checkint(L, 1);
    rand48_state = ((uint64_t)seed << 16) | 0x330E;
    return 0;
}

void libs_patch_math(lua_State *L, int g) {
    lua_getfield(L, g, "math");
    lua_pushcfunction(L, math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
}

/* lua-bitop's number to 32 bits: the low word of x + 2^52 + 2^51, which
 * is x mod 2^32 for any integer-valued x the double holds. */
static uint32_t bit_arg(lua_State *L, int idx) {
    double n = (double)lua_tonumber(L, idx) + 6755399441055744.0;
    uint64_t bits;
    memcpy(&bits, &n, sizeof(bits));
    uint32_t b = (uint32_t)bits;
    if (b == 0 && !lua_isnumber(L, idx)) luaL_typerror(L, idx, "number");
    return b;
}

/* bit.tohex(x [,n]): n hex digits of x (8 by default), upper case when n
 * is negative. */
static int bit_tohex(lua_State *L) {
    uint32_t b = bit_arg(L, 1);
    int32_t n = lua_isnone(L, 2) ? 8 : (int32_t)bit_arg(L, 2);
    const char *digits = "0123456789abcdef";
    char buf[8];
    if (n == INT32_MIN) n = INT32_MIN + 1;
    if (n < 0) {
        n = -n;
        digits = "0123456789ABCDEF";
    }
    if (n > 8) n = 8;
    for (int i = n; --i >= 0;) {
        buf[i] = digits[b & 15];
        b >>= 4;
    }
    lua_pushlstring(L, buf, (size_t)n);
    return 1;
}

#define CJSON_LIMIT ((double)(1 << 30))

/* Worst-case encoded size of the value at idx: every byte of a string
 * escaped (\u00XX), numbers and literals at their longest. */
static double json_bound(lua_State *L, int idx, int depth) {
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        return 6.0 * (double)lua_objlen(L, idx) + 2;
    case LUA_TTABLE: {
        if (depth > 1000) return 0; /* cjson's own depth limit answers */
        if (idx < 0) idx = lua_gettop(L) + idx + 1;
        double n = 2;
        luaL_checkstack(L, 3, "json value too deep");
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            n += json_bound(L, -2, depth + 1) + json_bound(L, -1, depth + 1) + 2;
            lua_pop(L, 1);
            if (n > CJSON_LIMIT) {
                lua_pop(L, 1);
                return n;
            }
        }
        return n;
    }
    default:
        return 32;
    }
}

/* Calls the wrapped lua-cjson function (upvalue 1) with the arguments.
 * The wrapper is the frame the script called, so an error raised inside
 * the library would name no script line: a message is given the script's
 * position (luaL_where of the caller), as when cjson is called directly. */
static int cjson_call_wrapped(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    if (lua_pcall(L, n, LUA_MULTRET, 0) != 0) {
        if (lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* Argument errors are raised here, in the frame the script called, so
 * they name 'encode' / 'decode' as lua-cjson's own checks would. */
static int cjson_encode_guarded(lua_State *L) {
    luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
    if (json_bound(L, 1, 0) > CJSON_LIMIT)
        return luaL_error(L, "Cannot serialise: the encoded value could exceed 1 GB");
    return cjson_call_wrapped(L);
}

static int cjson_decode_guarded(lua_State *L) {
    luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
    size_t len;
    luaL_checklstring(L, 1, &len);
    if ((double)len > CJSON_LIMIT)
        return luaL_error(L, "Cannot parse: the document is larger than 1 GB");
    return cjson_call_wrapped(L);
}

static void wrap_field(lua_State *L, const char *name, lua_CFunction fn) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

void libs_open(lua_State *L) {
    lua_pushcfunction(L, luaopen_cjson);
    lua_call(L, 0, 1);
    wrap_field(L, "encode", cjson_encode_guarded);
    wrap_field(L, "decode", cjson_decode_guarded);
    lua_setglobal(L, "cjson");
    lua_pushcfunction(L, luaopen_bit);
    lua_pushstring(L, "bit");
    lua_call(L, 1, 1);
    lua_pushcfunction(L, bit_tohex);
    lua_setfield(L, -2, "tohex");
    lua_setglobal(L, "bit");
    lua_pushcfunction(L, libs_open_struct);
    lua_call(L, 0, 1);
    lua_setglobal(L, "struct");
    lua_pushcfunction(L, libs_open_cmsgpack);
    lua_call(L, 0, 1);
    lua_setglobal(L, "cmsgpack");
}
