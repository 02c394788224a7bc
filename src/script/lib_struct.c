/* lib_struct.c - the struct library scripts use (struct.pack,
 * struct.unpack, struct.size) over deps/structfmt, with the original
 * library's argument rules and error texts. */
#include <string.h>

#include <lauxlib.h>

#include "../../deps/structfmt/structfmt.h"
#include "libs.h"

static void format_error(lua_State *L, int rc, const SfOpt *o) {
    switch (rc) {
    case SF_ERR_OPTION:
        luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", o->bad_char));
        break;
    case SF_ERR_INTSIZE:
        luaL_error(L, "integral size %d is larger than limit of %d", o->value, SF_MAXINTSIZE);
        break;
    case SF_ERR_ALIGN:
        luaL_error(L, "alignment %d is not a power of 2", o->value);
        break;
    default:
        luaL_error(L, "integral size overflow");
        break;
    }
}

/* A Lua number as the integer the original stores: negatives through a
 * signed conversion, others unsigned.  Out of range, C leaves the result
 * undefined; this gives what x86-64 (Valkey's usual host) computes: the
 * signed form's INT64_MIN below -2^63, and 0 at 2^64 and above or NaN. */
static uint64_t number_bits(lua_Number n) {
    if (n != n) return 0;
    if (n < 0) {
        if (n < -9223372036854775808.0) return (uint64_t)1 << 63;
        return (uint64_t)(int64_t)n;
    }
    if (n >= 18446744073709551616.0) return 0;
    return (uint64_t)n;
}

static void add_correct(luaL_Buffer *b, const void *p, size_t size, int endian) {
    uint8_t tmp[16];
    memcpy(tmp, p, size);
    if (endian != sf_native_endian())
        for (size_t i = 0; i < size / 2; i++) {
            uint8_t t = tmp[i];
            tmp[i] = tmp[size - 1 - i];
            tmp[size - 1 - i] = t;
        }
    luaL_addlstring(b, (const char *)tmp, size);
}

static int struct_pack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    SfState st;
    SfOpt o;
    sf_init(&st, fmt);
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    lua_pushnil(L); /* keeps the arguments apart from the buffer */
    luaL_buffinit(L, &b);
    int rc;
    while ((rc = sf_next(&st, &o)) == SF_OK) {
        size_t size = o.size;
        size_t pad = sf_padding(&st, &o, total);
        total += pad;
        while (pad-- > 0) luaL_addchar(&b, '\0');
        switch (o.opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
            uint8_t buf[SF_MAXINTSIZE];
            sf_put_int(buf, number_bits(luaL_checknumber(L, arg++)), size, st.endian);
            luaL_addlstring(&b, (const char *)buf, size);
            break;
        }
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            add_correct(&b, &f, sizeof(f), st.endian);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            add_correct(&b, &d, sizeof(d), st.endian);
            break;
        }
        case 'c': case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) size = l;
            luaL_argcheck(L, l >= size, arg, "string too short");
            luaL_addlstring(&b, s, size);
            if (o.opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        }
        total += size;
    }
    if (rc != SF_END) format_error(L, rc, &o);
    luaL_pushresult(&b);
    return 1;
}

static int struct_unpack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    lua_Integer start = luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, start >= 1, 3, "offset must be 1 or greater");
    size_t pos = (size_t)(start - 1);
    SfState st;
    SfOpt o;
    sf_init(&st, fmt);
    int n = 0, rc;
    while ((rc = sf_next(&st, &o)) == SF_OK) {
        size_t size = o.size;
        pos += sf_padding(&st, &o, pos);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        const uint8_t *at = (const uint8_t *)data + pos;
        switch (o.opt) {
        case 'b': case 'h': case 'l': case 'i':
            lua_pushnumber(L, (lua_Number)sf_get_int(at, size, st.endian));
            n++;
            break;
        case 'B': case 'H': case 'L': case 'T': case 'I':
            lua_pushnumber(L, (lua_Number)sf_get_uint(at, size, st.endian));
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            uint8_t tmp[sizeof(float)];
            memcpy(tmp, at, sizeof(tmp));
            if (st.endian != sf_native_endian())
                for (size_t i = 0; i < sizeof(tmp) / 2; i++) {
                    uint8_t t = tmp[i];
                    tmp[i] = tmp[sizeof(tmp) - 1 - i];
                    tmp[sizeof(tmp) - 1 - i] = t;
                }
            float f;
            memcpy(&f, tmp, sizeof(f));
            lua_pushnumber(L, f);
            n++;
            break;
        }
        case 'd': {
            uint8_t tmp[sizeof(double)];
            memcpy(tmp, at, sizeof(tmp));
            if (st.endian != sf_native_endian())
                for (size_t i = 0; i < sizeof(tmp) / 2; i++) {
                    uint8_t t = tmp[i];
                    tmp[i] = tmp[sizeof(tmp) - 1 - i];
                    tmp[sizeof(tmp) - 1 - i] = t;
                }
            double d;
            memcpy(&d, tmp, sizeof(d));
            lua_pushnumber(L, d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                lua_Number want = lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                size = want < 0 ? (size_t)-1 : (size_t)want;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (!e) luaL_error(L, "unfinished string in data");
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        }
        pos += size;
    }
    if (rc != SF_END) format_error(L, rc, &o);
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

static int struct_size(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    SfState st;
    SfOpt o;
    sf_init(&st, fmt);
    size_t pos = 0;
    int rc;
    while ((rc = sf_next(&st, &o)) == SF_OK) {
        if (o.opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
        if (o.opt == 'c' && o.size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
        pos += sf_padding(&st, &o, pos) + o.size;
    }
    if (rc != SF_END) format_error(L, rc, &o);
    lua_pushnumber(L, (lua_Number)pos);
    return 1;
}

int libs_open_struct(lua_State *L) {
    lua_newtable(L);
    lua_pushcfunction(L, struct_pack);
    lua_setfield(L, -2, "pack");
    lua_pushcfunction(L, struct_unpack);
    lua_setfield(L, -2, "unpack");
    lua_pushcfunction(L, struct_size);
    lua_setfield(L, -2, "size");
    return 1;
}
