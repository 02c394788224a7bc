/* engine.c - creating a sandboxed interpreter and running code in it (see
 * engine.h).
 *
 * Lua allocates with the C library directly, not through ds/alloc.h: as
 * in Valkey, the interpreter's memory is reported apart (INFO's
 * used_memory_lua / used_memory_vm_*) and is not part of used_memory, so
 * a large script cache never makes maxmemory evict keys. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "../server/server.h"
#include "../server/reply.h"
#include "api.h"
#include "convert.h"
#include "engine.h"
#include "libs.h"
#include "run.h"

#define HOOK_COUNT 100000
#define GC_PERIOD 50

static const char *const flag_names[] = {"no-writes", "allow-oom", "allow-stale", "no-cluster",
                                         "allow-cross-slot-keys", NULL};

const char *script_flag_name(int i) {
    return (i >= 0 && i < 5) ? flag_names[i] : NULL;
}

uint32_t script_flag_parse(const char *name, size_t len, int nocase) {
    for (int i = 0; flag_names[i]; i++) {
        if (strlen(flag_names[i]) != len) continue;
        if (nocase ? strncasecmp(flag_names[i], name, len) == 0 : memcmp(flag_names[i], name, len) == 0)
            return 1u << i;
    }
    return 0;
}

static void *lua_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize) {
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

/* ------------------------------------------------------------ errors */

void engine_push_error(lua_State *L, const char *msg, size_t len, int ignore_stats) {
    /* "CODE msg" keeps its code; a message without a space gets ERR. */
    while (len && (msg[len - 1] == '\r' || msg[len - 1] == '\n')) len--;
    const char *sp = memchr(msg, ' ', len);
    lua_createtable(L, 0, 2);
    if (sp) {
        const char *rest = sp + 1;
        size_t restlen = len - (size_t)(rest - msg);
        while (restlen && (*rest == '\r' || *rest == '\n')) rest++, restlen--;
        lua_pushlstring(L, msg, (size_t)(sp - msg));
        lua_pushliteral(L, " ");
        lua_pushlstring(L, rest, restlen);
        lua_concat(L, 3);
    } else {
        lua_pushliteral(L, "ERR ");
        lua_pushlstring(L, msg, len);
        lua_concat(L, 2);
    }
    lua_setfield(L, -2, "err");
    if (ignore_stats) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
    }
}

/* The message handler of every run: an error becomes a table
 * {err=, source=, line=} naming the script's line (the first Lua frame
 * when the error came from a C function such as redis.call). */
static int error_handler(lua_State *L) {
    lua_Debug ar;
    int have = 0;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        have = 1;
        if (strcmp(ar.what, "C") == 0) have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "Sl", &ar);
    }
    if (lua_type(L, 1) != LUA_TTABLE) {
        /* tostring() of the value, as the script would see it. */
        lua_getfield(L, LUA_REGISTRYINDEX, "script.tostring");
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) != 0 || !lua_isstring(L, -1)) {
            lua_pop(L, 1);
            lua_pushliteral(L, "(error object is not a string)");
        }
        lua_createtable(L, 0, 3);
        lua_pushliteral(L, "ERR ");
        lua_pushvalue(L, -3);
        lua_concat(L, 2);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
        lua_settop(L, 1);
    } else {
        /* A read-only table cannot take the fields: report it as text. */
        lua_getmetatable(L, 1);
        int ro = lua_istable(L, -1);
        if (ro) {
            lua_getfield(L, -1, "__newindex");
            ro = lua_tocfunction(L, -1) == sandbox_ro_error;
            lua_pop(L, 1);
        }
        lua_settop(L, 1);
        if (ro) {
            lua_createtable(L, 0, 3);
            lua_pushliteral(L, "ERR (error object is a read-only table)");
            lua_setfield(L, -2, "err");
            lua_replace(L, 1);
        }
    }
    if (have && ar.currentline >= 0) {
        lua_pushstring(L, ar.source);
        lua_setfield(L, 1, "source");
        lua_pushinteger(L, ar.currentline);
        lua_setfield(L, 1, "line");
    }
    return 1;
}

/* ------------------------------------------------------------ creation */

static int os_clock(lua_State *L) {
    lua_pushnumber(L, ((lua_Number)clock()) / (lua_Number)CLOCKS_PER_SEC);
    return 1;
}

static void open_lib(lua_State *L, const char *name, lua_CFunction fn) {
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

static int missing_global(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

static int ref_top(lua_State *L) {
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

ScriptEngine *engine_create(int is_functions) {
    ScriptEngine *e = mem_calloc(sizeof(*e));
    e->is_functions = is_functions;
    lua_State *L = lua_newstate(lua_alloc_fn, NULL);
    if (!L) server_panic("Lua: not enough memory to create an interpreter");
    e->L = L;
    open_lib(L, "", luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    libs_open(L);
    int g = lua_gettop(L) + 1;
    lua_pushvalue(L, LUA_GLOBALSINDEX);

    /* What scripts must not have. */
    static const char *const removed[] = {"print", "dofile", "loadfile", "require", "module", NULL};
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, g, removed[i]);
    }
    lua_getfield(L, g, "tostring");
    lua_setfield(L, LUA_REGISTRYINDEX, "script.tostring");
    lua_newtable(L);
    lua_pushcfunction(L, os_clock);
    lua_setfield(L, -2, "clock");
    lua_setfield(L, g, "os");
    lua_pushcfunction(L, api_pcall);
    lua_setfield(L, g, "pcall");
    libs_patch_math(L, g);
    api_push_runtime_table(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, g, "server");
    lua_setfield(L, g, "redis");

    if (is_functions) {
        /* FUNCTION LOAD's globals: redis/server with the load API only;
         * reading anything else is an error. */
        lua_newtable(L);
        int la = lua_gettop(L);
        api_push_load_table(L);
        sandbox_protect_table(L, -1);
        lua_pushvalue(L, -1);
        lua_setfield(L, la, "redis");
        lua_setfield(L, la, "server");
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushcfunction(L, missing_global);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, la);
        e->ref_libapi = ref_top(L);
    }

    sandbox_install(L, g); /* pushes the globals' proxy */
    int p = lua_gettop(L);
    if (is_functions) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_libapi);
        sandbox_set_envs(L, lua_gettop(L), p);
        lua_pop(L, 1);
    }
    lua_getmetatable(L, p);
    e->ref_proxy_mt = ref_top(L);
    lua_pushvalue(L, p);
    e->ref_proxy = ref_top(L);
    lua_pushvalue(L, g);
    e->ref_globals = ref_top(L);
    lua_pushcfunction(L, error_handler);
    e->ref_errh = ref_top(L);
    lua_pushvalue(L, p);
    lua_replace(L, LUA_GLOBALSINDEX);
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT, 0);
    return e;
}

void engine_free(ScriptEngine *e) {
    if (!e) return;
    lua_close(e->L);
    mem_free(e);
}

size_t engine_memory(ScriptEngine *e) {
    return (size_t)lua_gc(e->L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(e->L, LUA_GCCOUNTB, 0);
}

int engine_compile(ScriptEngine *e, const char *code, size_t len, const char *chunkname, char **err) {
    lua_State *L = e->L;
    if (luaL_loadbuffer(L, code, len, chunkname)) {
        size_t n;
        const char *msg = lua_tolstring(L, -1, &n);
        *err = mem_strndup(msg ? msg : "unknown error", msg ? n : 13);
        lua_pop(L, 1);
        return -1;
    }
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

void engine_unref(ScriptEngine *e, int ref) {
    luaL_unref(e->L, LUA_REGISTRYINDEX, ref);
}

/* ------------------------------------------------------------- running */

static void count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    ScriptRun *r = script_run;
    if (!r || !run_interrupt(r)) return;
    const char *msg = (r->flags & RUN_EVAL) ? "Script killed by user with SCRIPT KILL."
                                            : "Script killed by user with FUNCTION KILL.";
    server_log(LL_NOTICE, "%s", msg);
    /* Every line from now on raises it again: pcall cannot keep it alive. */
    lua_sethook(L, count_hook, LUA_MASKLINE, 0);
    lua_pushfstring(L, "ERR %s", msg);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    engine_push_error(L, s, len, 0);
    lua_error(L);
}

static void push_array(lua_State *L, const Arg *v, int n) {
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, v[i].p, v[i].len);
        lua_rawseti(L, -2, i + 1);
    }
}

/* Raw field of the table at idx as text (numbers formatted), or NULL. */
static const char *raw_text(lua_State *L, int idx, const char *name, char *numbuf, size_t cap) {
    lua_pushstring(L, name);
    lua_rawget(L, idx);
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TSTRING) {
        s = lua_tostring(L, -1);
    } else if (lua_type(L, -1) == LUA_TNUMBER) {
        snprintf(numbuf, cap, "%lld", (long long)lua_tonumber(L, -1));
        s = numbuf;
    }
    lua_pop(L, 1); /* the string stays referenced by the table */
    return s;
}

static void reply_run_error(lua_State *L, Client *c, const char *name) {
    if (lua_type(L, -1) != LUA_TTABLE) {
        const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
        reply_errorf(c, "Error running script %s, %.100s\n", name, msg);
        return;
    }
    int t = lua_gettop(L);
    char linebuf[32];
    const char *msg = raw_text(L, t, "err", linebuf, sizeof(linebuf));
    if (!msg) msg = "ERR unknown error";
    const char *source = raw_text(L, t, "source", linebuf, sizeof(linebuf));
    const char *line = raw_text(L, t, "line", linebuf, sizeof(linebuf));
    lua_pushstring(L, "ignore_error_stats_update");
    lua_rawget(L, t);
    int nostats = lua_toboolean(L, -1);
    lua_pop(L, 1);
    Str *out = str_from_cstr(msg);
    if (source && line) out = str_catfmt(out, " script: %s, on %s:%s.", name, source, line);
    convert_reply_error(c, out->buf, out->len, nostats);
    str_free(out);
}

void engine_call(ScriptEngine *e, int ref, const Arg *keys, int nkeys, const Arg *args, int nargs) {
    lua_State *L = e->L;
    ScriptRun *r = script_run;
    int base = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_errh);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    int nparams = 0;
    if (e->is_functions) {
        push_array(L, keys, nkeys);
        push_array(L, args, nargs);
        nparams = 2;
    } else {
        lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_globals);
        lua_pushliteral(L, "KEYS");
        push_array(L, keys, nkeys);
        lua_rawset(L, -3);
        lua_pushliteral(L, "ARGV");
        push_array(L, args, nargs);
        lua_rawset(L, -3);
        lua_pop(L, 1);
    }
    int hooked = server.cfg.busy_reply_threshold > 0;
    if (hooked) lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_COUNT);
    int err = lua_pcall(L, nparams, 1, base + 1);
    if (hooked || lua_gethook(L)) lua_sethook(L, NULL, 0, 0);
    if (++e->gc_count >= GC_PERIOD) {
        /* Small steps often rather than a full cycle now and then. */
        e->gc_count = 0;
        lua_gc(L, LUA_GCSTEP, GC_PERIOD);
    }
    if (err) reply_run_error(L, r->caller, r->name);
    else convert_lua_to_reply(r->caller, L, r->fc->resp);
    lua_settop(L, base);
    /* A script's setfenv(0, t) changed the thread's globals: undo it. */
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_proxy);
    lua_replace(L, LUA_GLOBALSINDEX);
}

typedef struct LoadCtx {
    uint64_t start_us;
    uint64_t timeout_ms;
} LoadCtx;

static LoadCtx *load_ctx;

static void load_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (!load_ctx || !load_ctx->timeout_ms) return;
    if ((ev_monotonic_us() - load_ctx->start_us) / 1000 <= load_ctx->timeout_ms) return;
    lua_sethook(L, load_hook, LUA_MASKLINE, 0);
    lua_pushliteral(L, "ERR FUNCTION LOAD timeout");
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    engine_push_error(L, s, len, 0);
    lua_error(L);
}

static void set_proxy_index(ScriptEngine *e, int ref) {
    lua_State *L = e->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_proxy_mt);
    lua_pushliteral(L, "__index");
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

int engine_run_loader(ScriptEngine *e, int ref, uint64_t timeout_ms, char **err) {
    lua_State *L = e->L;
    int base = lua_gettop(L);
    LoadCtx ctx = {ev_monotonic_us(), timeout_ms};
    load_ctx = &ctx;
    set_proxy_index(e, e->ref_libapi);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_sethook(L, load_hook, LUA_MASKCOUNT, HOOK_COUNT);
    int rc = lua_pcall(L, 0, 0, 0);
    lua_sethook(L, NULL, 0, 0);
    set_proxy_index(e, e->ref_globals);
    load_ctx = NULL;
    if (rc) {
        Str *msg = str_from_cstr("Error registering functions: ");
        if (lua_type(L, -1) == LUA_TSTRING) {
            msg = str_catfmt(msg, "ERR %s", lua_tostring(L, -1));
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            lua_pushliteral(L, "err");
            lua_rawget(L, -2);
            msg = str_cat_cstr(msg, lua_isstring(L, -1) ? lua_tostring(L, -1) : "ERR unknown error");
            lua_pop(L, 1);
        } else {
            msg = str_cat_cstr(msg, "ERR unknown error");
        }
        *err = mem_strndup(msg->buf, msg->len);
        str_free(msg);
    }
    lua_settop(L, base);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_proxy);
    lua_replace(L, LUA_GLOBALSINDEX);
    return rc ? -1 : 0;
}
