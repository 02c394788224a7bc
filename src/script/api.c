/* api.c - the redis.* / server.* functions (see api.h).
 *
 * redis.call runs a command through the fake client: the arguments are
 * views of the Lua strings on the stack (numbers formatted here, exact
 * integers as integers), the command is looked up and checked as Valkey's
 * scriptCall checks it (arity, noscript, read-only scripts, OOM before
 * the first write), run with call(), and its reply is read back with the
 * shared reply reader and converted (convert.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../net/resp_reader.h"
#include "../server/server.h"
#include "../server/reply.h"
#include "api.h"
#include "convert.h"
#include "engine.h"
#include "run.h"

#define NUM_SLOT 32 /* bytes of the number buffer per argument */

static Arg *call_argv;
static int call_argv_cap;
static char *call_nums;
static RespReader reader;
static int reader_ready;
static int call_inuse;

/* Pushes {err = "ERR msg"} (or msg's own code when it starts with '-'). */
static void push_plain_error(lua_State *L, const char *msg) {
    if (msg[0] == '-') engine_push_error(L, msg + 1, strlen(msg + 1), 0);
    else {
        lua_pushfstring(L, "ERR %s", msg);
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        engine_push_error(L, s, len, 0);
        lua_remove(L, -2);
    }
}

static int raise_plain(lua_State *L, const char *msg) {
    push_plain_error(L, msg);
    return lua_error(L);
}

/* Valkey's number form: an exact integer within +-2^62 as an integer,
 * anything else in its shortest round-trip form. */
static size_t format_number(char *buf, double d) {
    if (d > -4611686018427387904.0 && d < 4611686018427387904.0) {
        long long ll = (long long)d;
        if ((double)ll == d) return ll_to_str(buf, ll);
    }
    return double_to_str(buf, NUM_SLOT, d);
}

static void grow_argv(int argc) {
    if (argc <= call_argv_cap) return;
    int cap = call_argv_cap ? call_argv_cap : 16;
    while (cap < argc) cap *= 2;
    call_argv = mem_realloc(call_argv, sizeof(Arg) * (size_t)cap);
    call_nums = mem_realloc(call_nums, (size_t)NUM_SLOT * (size_t)cap);
    call_argv_cap = cap;
}

/* The reply the fake client holds, as one value (NULL if none). */
static RespValue *take_reply(Client *fc) {
    if (!reader_ready) {
        resp_reader_init(&reader);
        reader_ready = 1;
    }
    if (fc->opos) resp_reader_feed(&reader, fc->obuf, fc->opos);
    fc->opos = 0;
    ReplyBlock *b = fc->reply_head;
    while (b) {
        ReplyBlock *next = b->next;
        resp_reader_feed(&reader, b->buf, b->used);
        mem_free(b);
        b = next;
    }
    fc->reply_head = fc->reply_tail = NULL;
    fc->reply_bytes = 0;
    RespValue *v = NULL;
    if (resp_reader_next(&reader, &v) != RESP_READ_DONE) v = NULL;
    /* One command, one reply: nothing may carry over. */
    reader.len = reader.pos = 0;
    if (reader.cap > 1024 * 1024) resp_reader_free(&reader), reader_ready = 0;
    return v;
}

/* Checks as Valkey's scriptCall does; NULL when allowed, else the error. */
static const char *check_command(ScriptRun *r, Command *cmd, int argc) {
    if (!cmd) return "Unknown command called from script";
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity)
        return "Wrong number of args calling command from script";
    if (!cmd->proc) return "Unknown command called from script";
    if (cmd->flags & CMD_NOSCRIPT) return "This Redis command is not allowed from script";
    if ((r->flags & RUN_READONLY) && (cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE)))
        return "Write commands are not allowed from read-only scripts.";
    if ((cmd->flags & CMD_WRITE) && !(r->flags & RUN_WRITE_DIRTY) && !(r->flags & RUN_ALLOW_OOM) &&
        (r->flags & RUN_PRE_OOM) && (cmd->flags & CMD_DENYOOM) && server.cfg.maxmemory)
        return "-OOM command not allowed when used memory > 'maxmemory'.";
    return NULL;
}

static int call_generic(lua_State *L, int raise) {
    ScriptRun *r = script_run;
    int argc = lua_gettop(L);
    if (!r) return raise_plain(L, "redis.call can only be called inside a script invocation");
    if (argc == 0) {
        push_plain_error(L, "Please specify at least one argument for this call");
        return raise ? lua_error(L) : 1;
    }
    if (call_inuse) {
        server_log(LL_WARNING, "redis.call() recursive call detected");
        push_plain_error(L, "redis.call() recursive call detected");
        return raise ? lua_error(L) : 1;
    }
    grow_argv(argc);
    for (int j = 0; j < argc; j++) {
        int t = lua_type(L, j + 1);
        if (t == LUA_TNUMBER) {
            char *buf = call_nums + (size_t)j * NUM_SLOT;
            call_argv[j].len = format_number(buf, lua_tonumber(L, j + 1));
            call_argv[j].p = buf;
        } else if (t == LUA_TSTRING) {
            call_argv[j].p = lua_tolstring(L, j + 1, &call_argv[j].len);
        } else {
            push_plain_error(L, "Command arguments must be strings or integers");
            return raise ? lua_error(L) : 1;
        }
    }
    Command *cmd = command_lookup_argv(call_argv, argc);
    const char *err = check_command(r, cmd, argc);
    if (err) {
        if (cmd) cmd->rejected_calls++;
        error_stat_count(err[0] == '-' ? err + 1 : "ERR", err[0] == '-' ? strlen(err + 1) : 3);
        server.stat.total_error_replies++;
        push_plain_error(L, err);
        /* Counted once here: the script's own error reply does not count again. */
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
        return raise ? lua_error(L) : 1;
    }
    if (cmd->flags & CMD_WRITE) r->flags |= RUN_WRITE_DIRTY;
    Client *fc = r->fc;
    fc->argv = call_argv;
    fc->argc = argc;
    fc->cmd = cmd;
    int nops = server.prop.nops;
    call_inuse = 1;
    call(fc);
    call_inuse = 0;
    if ((r->flags & RUN_NO_REPL) && server.prop.nops > nops) {
        for (int i = nops; i < server.prop.nops; i++) mem_free(server.prop.ops[i].argv);
        server.prop.nops = nops;
    }
    fc->argv = NULL;
    fc->argc = 0;
    /* The arguments are not needed any more: their stack slots are room
     * for the reply (a command may take thousands of arguments). */
    lua_settop(L, 0);
    RespValue *v = take_reply(fc);
    if (!v) {
        push_plain_error(L, "the command returned no reply");
        return raise ? lua_error(L) : 1;
    }
    int is_err = v->type == RESP_T_ERROR || v->type == RESP_T_BLOBERR;
    convert_reply_to_lua(L, v, fc->resp);
    resp_value_free(v);
    if (is_err && raise) return lua_error(L);
    return 1;
}

static int api_call(lua_State *L) {
    return call_generic(L, 1);
}

static int api_pcall_cmd(lua_State *L) {
    return call_generic(L, 0);
}

int api_pcall(lua_State *L) {
    int argc = lua_gettop(L);
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1)) lua_replace(L, -2);
            else lua_pop(L, 1);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

static int api_sha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_plain(L, "wrong number of arguments");
    size_t len = 0;
    const char *s = lua_tolstring(L, 1, &len);
    if (!s) s = "", len = 0;
    Sha1 ctx;
    uint8_t d[20];
    sha1_init(&ctx);
    sha1_update(&ctx, s, len);
    sha1_final(&ctx, d);
    char hex[41];
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        hex[i * 2] = digits[d[i] >> 4];
        hex[i * 2 + 1] = digits[d[i] & 15];
    }
    lua_pushlstring(L, hex, 40);
    return 1;
}

static int api_error_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_plain_error(L, "wrong number or type of arguments");
        return 1;
    }
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (len && s[0] == '-') s++, len--;
    engine_push_error(L, s, len, 0);
    return 1;
}

static int api_status_reply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_plain_error(L, "wrong number or type of arguments");
        return 1;
    }
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

static int api_log(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return raise_plain(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return raise_plain(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < LL_DEBUG || level > LL_WARNING) return raise_plain(L, "Invalid debug level.");
    if (level < server.cfg.loglevel) return 0;
    Str *msg = str_with_capacity(64);
    for (int j = 2; j <= argc; j++) {
        size_t len;
        const char *s = lua_tolstring(L, j, &len);
        if (!s) continue;
        if (j != 2) msg = str_cat(msg, " ", 1);
        msg = str_cat(msg, s, len);
    }
    server_log(level, "%s", msg->buf);
    str_free(msg);
    return 0;
}

static int api_setresp(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_plain(L, "redis.setresp() requires one argument.");
    int resp = (int)lua_tonumber(L, 1);
    if (resp != 2 && resp != 3) return raise_plain(L, "RESP version must be 2 or 3.");
    if (script_run) script_run->fc->resp = resp;
    return 0;
}

static int api_set_repl(lua_State *L) {
    if (lua_gettop(L) != 1) return raise_plain(L, "redis.set_repl() requires one argument.");
    int flags = (int)lua_tonumber(L, 1);
    if (flags & ~3) return raise_plain(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    /* The AOF and replicas read one stream here: any target keeps it. */
    if (script_run) {
        if (flags == 0) script_run->flags |= RUN_NO_REPL;
        else script_run->flags &= ~RUN_NO_REPL;
    }
    return 0;
}

static int api_replicate_commands(lua_State *L) {
    /* Scripts always replicate their effects since 7.0. */
    lua_pushboolean(L, 1);
    return 1;
}

static int api_breakpoint(lua_State *L) {
    /* No debugging session is ever active. */
    lua_pushboolean(L, 0);
    return 1;
}

static int api_debug(lua_State *L) {
    (void)L;
    return 0;
}

static int api_acl_check_cmd(lua_State *L) {
    if (lua_gettop(L) == 0) return raise_plain(L, "Please specify at least one argument for this call");
    return raise_plain(L, "ACL is not supported by this server yet");
}

static int api_register_function(lua_State *L) {
    return functions_register_from_lua(L);
}

static void set_fn(lua_State *L, const char *name, lua_CFunction fn) {
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
}

static void set_num(lua_State *L, const char *name, double v) {
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

static void set_str(lua_State *L, const char *name, const char *v) {
    lua_pushstring(L, v);
    lua_setfield(L, -2, name);
}

static double version_num(const char *v) {
    int a = 0, b = 0, c = 0;
    sscanf(v, "%d.%d.%d", &a, &b, &c);
    return (double)((a << 16) | (b << 8) | c);
}

static void push_common(lua_State *L) {
    set_fn(L, "log", api_log);
    set_num(L, "LOG_DEBUG", LL_DEBUG);
    set_num(L, "LOG_VERBOSE", LL_VERBOSE);
    set_num(L, "LOG_NOTICE", LL_NOTICE);
    set_num(L, "LOG_WARNING", LL_WARNING);
    set_str(L, "REDIS_VERSION", REDIS_COMPAT_VERSION);
    set_num(L, "REDIS_VERSION_NUM", version_num(REDIS_COMPAT_VERSION));
    set_str(L, "VALKEY_VERSION", SERVER_VERSION);
    set_num(L, "VALKEY_VERSION_NUM", version_num(SERVER_VERSION));
    set_str(L, "SERVER_NAME", SERVER_NAME);
}

void api_push_runtime_table(lua_State *L) {
    lua_newtable(L);
    set_fn(L, "call", api_call);
    set_fn(L, "pcall", api_pcall_cmd);
    push_common(L);
    set_fn(L, "setresp", api_setresp);
    set_fn(L, "sha1hex", api_sha1hex);
    set_fn(L, "error_reply", api_error_reply);
    set_fn(L, "status_reply", api_status_reply);
    set_fn(L, "set_repl", api_set_repl);
    set_num(L, "REPL_NONE", 0);
    set_num(L, "REPL_AOF", 1);
    set_num(L, "REPL_SLAVE", 2);
    set_num(L, "REPL_REPLICA", 2);
    set_num(L, "REPL_ALL", 3);
    set_fn(L, "replicate_commands", api_replicate_commands);
    set_fn(L, "breakpoint", api_breakpoint);
    set_fn(L, "debug", api_debug);
    set_fn(L, "acl_check_cmd", api_acl_check_cmd);
}

static int load_missing(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

void api_push_load_table(lua_State *L) {
    lua_newtable(L);
    set_fn(L, "register_function", api_register_function);
    push_common(L);
    lua_newtable(L);
    lua_pushcfunction(L, load_missing);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}
