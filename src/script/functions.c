/* functions.c - FUNCTION libraries and FCALL.
 *
 * A library is its code (with the "#!lua name=<lib>" line) and the
 * functions its top-level chunk registered with redis.register_function
 * while FUNCTION LOAD ran it; each function is a registry reference into
 * the functions interpreter.  Library names are case-sensitive, function
 * names are not (FCALL finds "MyFunc" as "myfunc"), as in Valkey.
 *
 * Loading works on a LibSet (libraries and functions by name): FUNCTION
 * LOAD on the current one, FUNCTION RESTORE on a staging set first,
 * joined into the current one only when every library loaded and no name
 * collides, so a failed load or restore changes nothing. */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>

#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/siphash/siphash.h"
#include "../server/server.h"
#include "../server/reply.h"
#include "api.h"
#include "engine.h"
#include "funcdump.h"
#include "run.h"
#include "script.h"
#include "shebang.h"

#define LOAD_TIMEOUT_MS 500

typedef struct Library Library;

typedef struct Function {
    void *ht_next;
    Library *lib;
    int ref;
    uint32_t flags;
    Str *desc;
    size_t name_len;
    char name[];
} Function;

struct Library {
    void *ht_next;
    Function **funcs;
    int nfuncs, cap;
    Str *code;
    size_t name_len;
    char name[];
};

typedef struct LibSet {
    Htable *libs;
    Htable *funcs;
} LibSet;

static struct {
    ScriptEngine *eng;
    LibSet cur;
    Library *loading; /* the library FUNCTION LOAD is running */
} fn;

static uint64_t name_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static uint64_t name_hash_nocase(const char *key, size_t len) {
    return siphash13_nocase(key, len, server.hash_seed);
}

static int name_eq_nocase(const char *a, size_t alen, const char *b, size_t blen) {
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

static void lib_key(const void *e, const char **key, size_t *len) {
    const Library *l = e;
    *key = l->name;
    *len = l->name_len;
}

static void func_key(const void *e, const char **key, size_t *len) {
    const Function *f = e;
    *key = f->name;
    *len = f->name_len;
}

static const HtType lib_httype = {
    .hash = name_hash,
    .entry_key = lib_key,
    .next_offset = offsetof(Library, ht_next),
};

static const HtType func_httype = {
    .hash = name_hash_nocase,
    .key_eq = name_eq_nocase,
    .entry_key = func_key,
    .next_offset = offsetof(Function, ht_next),
};

static void libset_init(LibSet *s) {
    s->libs = ht_create(&lib_httype);
    s->funcs = ht_create(&func_httype);
}

static void library_free(Library *l) {
    for (int i = 0; i < l->nfuncs; i++) {
        Function *f = l->funcs[i];
        engine_unref(fn.eng, f->ref);
        if (f->desc) str_free(f->desc);
        mem_free(f);
    }
    mem_free(l->funcs);
    str_free(l->code);
    mem_free(l);
}

static void library_unlink(LibSet *s, Library *l) {
    for (int i = 0; i < l->nfuncs; i++) ht_remove(s->funcs, l->funcs[i]->name, l->funcs[i]->name_len);
    ht_remove(s->libs, l->name, l->name_len);
}

static void library_link(LibSet *s, Library *l) {
    for (int i = 0; i < l->nfuncs; i++) ht_add(s->funcs, l->funcs[i]);
    ht_add(s->libs, l);
}

static void libset_clear(LibSet *s) {
    HtIter it;
    ht_iter_init(&it, s->libs);
    Library *l;
    while ((l = ht_iter_next(&it))) library_free(l);
    ht_iter_done(&it);
    ht_clear(s->libs, NULL);
    ht_clear(s->funcs, NULL);
}

static void libset_release(LibSet *s) {
    libset_clear(s);
    ht_release(s->libs, NULL);
    ht_release(s->funcs, NULL);
}

static int name_valid(const char *p, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------- register_function */

static int register_error(lua_State *L, const char *msg) {
    lua_pushfstring(L, "ERR %s", msg);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    engine_push_error(L, s, len, 0);
    return lua_error(L);
}

static int add_function(lua_State *L, Library *l, const char *name, size_t nlen, int ref, const char *desc,
                        size_t dlen, uint32_t flags) {
    const char *err = NULL;
    if (!name_valid(name, nlen)) {
        err = "Function names can only contain letters, numbers, or underscores(_) and must be at least one "
              "character long";
    } else {
        for (int i = 0; i < l->nfuncs; i++)
            if (name_eq_nocase(l->funcs[i]->name, l->funcs[i]->name_len, name, nlen))
                err = "Function already exists in the library";
    }
    if (err) {
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        return register_error(L, err);
    }
    Function *f = mem_calloc(sizeof(Function) + nlen + 1);
    f->lib = l;
    f->ref = ref;
    f->flags = flags;
    f->desc = desc ? str_new(desc, dlen) : NULL;
    f->name_len = nlen;
    memcpy(f->name, name, nlen);
    if (l->nfuncs == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->funcs = mem_realloc(l->funcs, sizeof(Function *) * (size_t)l->cap);
    }
    l->funcs[l->nfuncs++] = f;
    return 0;
}

/* flags = {'no-writes', ...} at the top of the stack. */
static int read_flags(lua_State *L, uint32_t *out) {
    uint32_t flags = 0;
    for (int j = 1;; j++) {
        lua_rawgeti(L, -1, j);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            return -1;
        }
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        uint32_t bit = script_flag_parse(s, len, 1);
        lua_pop(L, 1);
        if (!bit) return -1;
        flags |= bit;
    }
    *out = flags;
    return 0;
}

int functions_register_from_lua(lua_State *L) {
    Library *l = fn.loading;
    if (!l) return register_error(L, "redis.register_function can only be called on FUNCTION LOAD command");
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2) return register_error(L, "wrong number of arguments to redis.register_function");
    if (argc == 2) {
        if (!lua_isstring(L, 1)) return register_error(L, "first argument to redis.register_function must be a string");
        if (!lua_isfunction(L, 2))
            return register_error(L, "second argument to redis.register_function must be a function");
        size_t nlen;
        const char *name = lua_tolstring(L, 1, &nlen);
        lua_pushvalue(L, 2);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return add_function(L, l, name, nlen, ref, NULL, 0, 0);
    }
    if (!lua_istable(L, 1))
        return register_error(L, "calling redis.register_function with a single argument is only applicable to Lua "
                                 "table (representing named arguments).");
    Str *name = NULL, *desc = NULL;
    int ref = LUA_NOREF;
    uint32_t flags = 0;
    const char *err = NULL;
    lua_pushnil(L);
    while (!err && lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            err = "named argument key given to redis.register_function is not a string";
            break;
        }
        const char *key = lua_tostring(L, -2);
        if (!strcasecmp(key, "function_name")) {
            if (!lua_isstring(L, -1)) err = "function_name argument given to redis.register_function must be a string";
            else {
                size_t n;
                const char *s = lua_tolstring(L, -1, &n);
                if (name) str_free(name);
                name = str_new(s, n);
            }
        } else if (!strcasecmp(key, "description")) {
            if (!lua_isstring(L, -1)) err = "description argument given to redis.register_function must be a string";
            else {
                size_t n;
                const char *s = lua_tolstring(L, -1, &n);
                if (desc) str_free(desc);
                desc = str_new(s, n);
            }
        } else if (!strcasecmp(key, "callback")) {
            if (!lua_isfunction(L, -1)) {
                err = "callback argument given to redis.register_function must be a function";
            } else {
                if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
                lua_pushvalue(L, -1);
                ref = luaL_ref(L, LUA_REGISTRYINDEX);
            }
        } else if (!strcasecmp(key, "flags")) {
            if (!lua_istable(L, -1))
                err = "flags argument to redis.register_function must be a table representing function flags";
            else if (read_flags(L, &flags) != 0) err = "unknown flag given";
        } else {
            err = "unknown argument given to redis.register_function";
        }
        lua_pop(L, 1);
    }
    if (!err && !name) err = "redis.register_function must get a function name argument";
    if (!err && ref == LUA_NOREF) err = "redis.register_function must get a callback argument";
    if (err) {
        if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
        if (name) str_free(name);
        if (desc) str_free(desc);
        return register_error(L, err);
    }
    /* Copied out: add_function may raise, and Lua errors skip C cleanup,
     * so push the copies as Lua strings the GC owns. */
    lua_pushlstring(L, name->buf, name->len);
    if (desc) lua_pushlstring(L, desc->buf, desc->len);
    else lua_pushnil(L);
    str_free(name);
    if (desc) str_free(desc);
    size_t nlen, dlen = 0;
    const char *np = lua_tolstring(L, -2, &nlen);
    const char *dp = lua_isnil(L, -1) ? NULL : lua_tolstring(L, -1, &dlen);
    return add_function(L, l, np, nlen, ref, dp, dlen, flags);
}

/* -------------------------------------------------------------- loading */

static char *errdup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *errdup(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    Str *s = str_catvfmt(str_with_capacity(64), fmt, ap);
    va_end(ap);
    char *out = mem_strndup(s->buf, s->len);
    str_free(s);
    return out;
}

/* Loads a library into set; returns it, or NULL with *err set. */
static Library *library_create(LibSet *set, const char *code, size_t len, int replace, uint64_t timeout_ms,
                               char **err) {
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        *err = errdup("Missing library metadata");
        return NULL;
    }
    const char *nl = memchr(code, '\n', len);
    if (!nl) {
        *err = errdup("Invalid library metadata");
        return NULL;
    }
    const char *w[64];
    size_t wl[64];
    int n = shebang_split_words(code, (size_t)(nl - code), w, wl, 64);
    if (n == 0) {
        *err = errdup("Invalid library metadata");
        return NULL;
    }
    const char *name = NULL;
    size_t nlen = 0;
    for (int i = 1; i < n; i++) {
        if (wl[i] >= 5 && strncasecmp(w[i], "name=", 5) == 0) {
            if (name) {
                *err = errdup("Invalid metadata value, name argument was given multiple times");
                return NULL;
            }
            name = w[i] + 5;
            nlen = wl[i] - 5;
            continue;
        }
        *err = errdup("Invalid metadata value given: %.*s", (int)wl[i], w[i]);
        return NULL;
    }
    if (!name) {
        *err = errdup("Library name was not given");
        return NULL;
    }
    if (!name_valid(name, nlen)) {
        *err = errdup("Library names can only contain letters, numbers, or underscores(_) and must be at least "
                      "one character long");
        return NULL;
    }
    if (wl[0] != 5 || strncasecmp(w[0] + 2, "lua", 3) != 0) {
        *err = errdup("Engine '%.*s' not found", (int)wl[0] - 2, w[0] + 2);
        return NULL;
    }
    Library *old = ht_find(set->libs, name, nlen);
    if (old && !replace) {
        *err = errdup("Library '%.*s' already exists", (int)nlen, name);
        return NULL;
    }
    if (old) library_unlink(set, old);
    Library *l = mem_calloc(sizeof(Library) + nlen + 1);
    l->name_len = nlen;
    memcpy(l->name, name, nlen);
    l->code = str_new(code, len);
    char *cerr = NULL;
    const char *body = l->code->buf + (nl - code);
    int chunk = engine_compile(fn.eng, body, len - (size_t)(nl - code), "@user_function", &cerr);
    if (chunk < 0) {
        *err = errdup("Error compiling function: %s", cerr);
        mem_free(cerr);
        goto fail;
    }
    fn.loading = l;
    int rc = engine_run_loader(fn.eng, chunk, timeout_ms, err);
    fn.loading = NULL;
    engine_unref(fn.eng, chunk);
    if (rc != 0) goto fail;
    if (l->nfuncs == 0) {
        *err = errdup("No functions registered");
        goto fail;
    }
    for (int i = 0; i < l->nfuncs; i++) {
        if (ht_find(set->funcs, l->funcs[i]->name, l->funcs[i]->name_len)) {
            *err = errdup("Function %s already exists", l->funcs[i]->name);
            goto fail;
        }
    }
    library_link(set, l);
    if (old) library_free(old);
    return l;
fail:
    library_free(l);
    if (old) library_link(set, old);
    return NULL;
}

int functions_load_code(const char *code, size_t len, int replace, char **err) {
    return library_create(&fn.cur, code, len, replace, 0, err) ? 0 : -1;
}

void functions_foreach_code(void (*emit)(const char *code, size_t len, void *priv), void *priv) {
    HtIter it;
    ht_iter_init(&it, fn.cur.libs);
    Library *l;
    while ((l = ht_iter_next(&it))) emit(l->code->buf, l->code->len, priv);
    ht_iter_done(&it);
}

void functions_flush_all(void) {
    libset_clear(&fn.cur);
    /* A new interpreter gives all of the old one's memory back. */
    engine_free(fn.eng);
    fn.eng = engine_create(1);
}

/* Moves every library of src into dst (replacing same-named ones when
 * replace); all or nothing. */
static int libset_join(LibSet *dst, LibSet *src, int replace, char **err) {
    HtIter it;
    Library *l;
    ht_iter_init(&it, src->libs);
    while ((l = ht_iter_next(&it))) {
        if (!replace && ht_find(dst->libs, l->name, l->name_len)) {
            *err = errdup("Library %s already exists", l->name);
            ht_iter_done(&it);
            return -1;
        }
    }
    ht_iter_done(&it);
    /* Function names must not collide with what stays in dst. */
    ht_iter_init(&it, src->libs);
    while ((l = ht_iter_next(&it))) {
        for (int i = 0; i < l->nfuncs; i++) {
            Function *f = ht_find(dst->funcs, l->funcs[i]->name, l->funcs[i]->name_len);
            if (f && !(replace && ht_find(src->libs, f->lib->name, f->lib->name_len))) {
                *err = errdup("Function %s already exists", l->funcs[i]->name);
                ht_iter_done(&it);
                return -1;
            }
        }
    }
    ht_iter_done(&it);
    /* Commit: drop the replaced libraries, move the new ones. */
    Library **moving = mem_alloc(sizeof(Library *) * (ht_count(src->libs) + 1));
    size_t n = 0;
    ht_iter_init(&it, src->libs);
    while ((l = ht_iter_next(&it))) moving[n++] = l;
    ht_iter_done(&it);
    for (size_t i = 0; i < n; i++) {
        Library *old = ht_find(dst->libs, moving[i]->name, moving[i]->name_len);
        if (old) {
            library_unlink(dst, old);
            library_free(old);
        }
        library_unlink(src, moving[i]);
        library_link(dst, moving[i]);
    }
    mem_free(moving);
    return 0;
}

/* --------------------------------------------------------- the commands */

void function_load_command(Client *c) {
    int replace = 0;
    int pos = 2;
    while (pos < c->argc - 1) {
        const Arg *a = &c->argv[pos++];
        if (arg_equals(a, "replace")) {
            replace = 1;
            continue;
        }
        reply_errorf(c, "Unknown option given: %.*s", (int)(a->len < 128 ? a->len : 128), a->p);
        return;
    }
    if (pos >= c->argc) {
        reply_error(c, "Function code is missing");
        return;
    }
    char *err = NULL;
    Library *l = library_create(&fn.cur, c->argv[pos].p, c->argv[pos].len, replace, LOAD_TIMEOUT_MS, &err);
    if (!l) {
        reply_error(c, err);
        mem_free(err);
        return;
    }
    server.dirty++;
    reply_bulk(c, l->name, l->name_len);
}

void function_delete_command(Client *c) {
    Library *l = ht_find(fn.cur.libs, c->argv[2].p, c->argv[2].len);
    if (!l) {
        reply_error(c, "Library not found");
        return;
    }
    library_unlink(&fn.cur, l);
    library_free(l);
    server.dirty++;
    reply_ok(c);
}

void function_flush_command(Client *c) {
    if (c->argc > 3 || (c->argc == 3 && !arg_equals(&c->argv[2], "sync") && !arg_equals(&c->argv[2], "async"))) {
        reply_error(c, "FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    functions_flush_all();
    server.dirty++;
    reply_ok(c);
}

void function_kill_command(Client *c) {
    run_kill(c, 0);
}

static void reply_function(Client *c, Function *f) {
    reply_map_len(c, 3);
    reply_bulk_cstr(c, "name");
    reply_bulk(c, f->name, f->name_len);
    reply_bulk_cstr(c, "description");
    if (f->desc) reply_bulk_str(c, f->desc);
    else reply_null(c);
    reply_bulk_cstr(c, "flags");
    int n = 0;
    for (int i = 0; script_flag_name(i); i++)
        if (f->flags & (1u << i)) n++;
    reply_set_len(c, n);
    for (int i = 0; script_flag_name(i); i++)
        if (f->flags & (1u << i)) reply_simple(c, script_flag_name(i));
}

void function_list_command(Client *c) {
    int withcode = 0;
    const Arg *pattern = NULL;
    for (int i = 2; i < c->argc; i++) {
        if (!withcode && arg_equals(&c->argv[i], "withcode")) {
            withcode = 1;
            continue;
        }
        if (!pattern && arg_equals(&c->argv[i], "libraryname")) {
            if (i >= c->argc - 1) {
                reply_error(c, "library name argument was not given");
                return;
            }
            pattern = &c->argv[++i];
            continue;
        }
        reply_errorf(c, "Unknown argument %.*s", (int)(c->argv[i].len < 128 ? c->argv[i].len : 128), c->argv[i].p);
        return;
    }
    ReplyDeferred d = reply_deferred_len(c);
    long long n = 0;
    HtIter it;
    ht_iter_init(&it, fn.cur.libs);
    Library *l;
    while ((l = ht_iter_next(&it))) {
        if (pattern && !glob_match(pattern->p, pattern->len, l->name, l->name_len, 1)) continue;
        n++;
        reply_map_len(c, withcode ? 4 : 3);
        reply_bulk_cstr(c, "library_name");
        reply_bulk(c, l->name, l->name_len);
        reply_bulk_cstr(c, "engine");
        reply_bulk_cstr(c, "LUA");
        reply_bulk_cstr(c, "functions");
        reply_array_len(c, l->nfuncs);
        for (int i = 0; i < l->nfuncs; i++) reply_function(c, l->funcs[i]);
        if (withcode) {
            reply_bulk_cstr(c, "library_code");
            reply_bulk_str(c, l->code);
        }
    }
    ht_iter_done(&it);
    reply_set_deferred_array_len(c, d, n);
}

void function_stats_command(Client *c) {
    ScriptRun *r = script_run;
    if (r && (r->flags & RUN_EVAL)) {
        reply_error(c, "-BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
        return;
    }
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "running_script");
    if (!r) {
        reply_null(c);
    } else {
        reply_map_len(c, 3);
        reply_bulk_cstr(c, "name");
        reply_bulk_cstr(c, r->name);
        reply_bulk_cstr(c, "command");
        reply_array_len(c, r->caller->argc);
        for (int i = 0; i < r->caller->argc; i++) reply_bulk(c, r->caller->argv[i].p, r->caller->argv[i].len);
        reply_bulk_cstr(c, "duration_ms");
        reply_int(c, (long long)((ev_monotonic_us() - r->start_us) / 1000));
    }
    reply_bulk_cstr(c, "engines");
    reply_map_len(c, 1);
    reply_bulk_cstr(c, "LUA");
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "libraries_count");
    reply_int(c, (long long)ht_count(fn.cur.libs));
    reply_bulk_cstr(c, "functions_count");
    reply_int(c, (long long)ht_count(fn.cur.funcs));
}

static void dump_one(const char *code, size_t len, void *priv) {
    Str **out = priv;
    *out = funcdump_append_library(*out, code, len, server.cfg.rdb_compression);
}

void function_dump_command(Client *c) {
    Str *out = str_with_capacity(64);
    functions_foreach_code(dump_one, &out);
    out = funcdump_finish(out);
    reply_bulk_str(c, out);
    str_free(out);
}

static int restore_one(const char *code, size_t len, void *priv, char **err) {
    LibSet *staging = priv;
    return library_create(staging, code, len, 0, 0, err) ? 0 : -1;
}

void function_restore_command(Client *c) {
    if (c->argc > 4) {
        reply_syntax_error(c);
        return;
    }
    enum { POLICY_APPEND, POLICY_REPLACE, POLICY_FLUSH } policy = POLICY_APPEND;
    if (c->argc == 4) {
        if (arg_equals(&c->argv[3], "append")) policy = POLICY_APPEND;
        else if (arg_equals(&c->argv[3], "replace")) policy = POLICY_REPLACE;
        else if (arg_equals(&c->argv[3], "flush")) policy = POLICY_FLUSH;
        else {
            reply_error(c, "Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
    }
    LibSet staging;
    libset_init(&staging);
    char *err = NULL;
    if (funcdump_parse((const uint8_t *)c->argv[2].p, c->argv[2].len, restore_one, &staging, &err) != 0) {
        libset_release(&staging);
        reply_error(c, err);
        mem_free(err);
        return;
    }
    if (policy == POLICY_FLUSH) {
        libset_clear(&fn.cur);
        libset_join(&fn.cur, &staging, 1, &err);
    } else if (libset_join(&fn.cur, &staging, policy == POLICY_REPLACE, &err) != 0) {
        libset_release(&staging);
        reply_error(c, err);
        mem_free(err);
        return;
    }
    libset_release(&staging);
    server.dirty++;
    reply_ok(c);
}

void function_help_command(Client *c) {
    static const char *help[] = {
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
        "RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}

static void fcall_generic(Client *c, int ro) {
    if (server.monitor_count) monitor_feed(c);
    Function *f = ht_find(fn.cur.funcs, c->argv[1].p, c->argv[1].len);
    if (!f) {
        reply_error(c, "Function not found");
        return;
    }
    long long numkeys;
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &numkeys)) {
        reply_error(c, "Bad number of keys provided");
        return;
    }
    if (numkeys > c->argc - 3) {
        reply_error(c, "Number of keys can't be greater than number of args");
        return;
    }
    if (numkeys < 0) {
        reply_error(c, "Number of keys can't be negative");
        return;
    }
    ScriptRun run;
    if (run_begin(&run, c, fn.eng, f->name, f->flags, 0, ro) != 0) return;
    propagate_prevent(c);
    int nk = (int)numkeys;
    engine_call(fn.eng, f->ref, c->argv + 3, nk, c->argv + 3 + nk, c->argc - 3 - nk);
    run_end(&run);
}

void fcall_command(Client *c) {
    fcall_generic(c, 0);
}

void fcall_ro_command(Client *c) {
    fcall_generic(c, 1);
}

/* -------------------------------------------------------------- state */

void functions_init(void) {
    libset_init(&fn.cur);
    fn.eng = engine_create(1);
}

void functions_info(ScriptStats *st) {
    st->vm_functions = engine_memory(fn.eng);
    st->functions = ht_count(fn.cur.funcs);
    st->libraries = ht_count(fn.cur.libs);
    size_t mem = ht_mem_usage(fn.cur.libs) + ht_mem_usage(fn.cur.funcs);
    HtIter it;
    ht_iter_init(&it, fn.cur.libs);
    Library *l;
    while ((l = ht_iter_next(&it))) {
        mem += mem_usable(l) + mem_usable(l->code) + (l->funcs ? mem_usable(l->funcs) : 0);
        for (int i = 0; i < l->nfuncs; i++)
            mem += mem_usable(l->funcs[i]) + (l->funcs[i]->desc ? mem_usable(l->funcs[i]->desc) : 0);
    }
    ht_iter_done(&it);
    st->functions_mem = mem;
}
