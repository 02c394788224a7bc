/* engine.h - one sandboxed Lua 5.1 interpreter: its creation, the
 * protected globals, and calling a compiled function under a run context.
 *
 * Two engines exist: one for EVAL scripts and one for FUNCTION libraries
 * (as in Valkey, so SCRIPT FLUSH and FUNCTION FLUSH each drop only their
 * own state).  Debian's stock Lua has no read-only tables, so the sandbox
 * builds them from proxies (sandbox.c): every library table and the global
 * table a script sees are empty tables whose metatable reads through to
 * the real one and refuses writes with Valkey's "Attempt to modify a
 * readonly table"; the built-ins that could write around a metatable
 * (rawset, setmetatable, table.insert/remove/sort) or see through it
 * (rawget, next, pairs, ipairs, getmetatable) know the proxies.
 *
 * Invariants: the thread's global table (LUA_GLOBALSINDEX) is the proxy
 * of the real globals whenever no script runs (a script's setfenv(0, t)
 * is undone after the run); the real globals table and the real library
 * tables are reachable only from C (registry references), never from a
 * script. */
#ifndef SCRIPT_ENGINE_H
#define SCRIPT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "../server/client.h"

/* Script flags (shebang on EVAL, register_function on functions). */
#define SCRIPT_FLAG_NO_WRITES (1u << 0)
#define SCRIPT_FLAG_ALLOW_OOM (1u << 1)
#define SCRIPT_FLAG_ALLOW_STALE (1u << 2)
#define SCRIPT_FLAG_NO_CLUSTER (1u << 3)
#define SCRIPT_FLAG_ALLOW_CROSS_SLOT (1u << 4)
#define SCRIPT_FLAG_EVAL_COMPAT (1u << 5) /* an EVAL script without shebang */
/* Name of flag bit i, or NULL past the last; in Valkey's order. */
const char *script_flag_name(int i);
/* Parses one flag name (case-sensitive, as EVAL's shebang); 0 if unknown. */
uint32_t script_flag_parse(const char *name, size_t len, int nocase);

typedef struct ScriptEngine {
    lua_State *L;
    int is_functions;    /* the FUNCTION engine (KEYS/ARGV are arguments) */
    int ref_globals;     /* registry: the real global table */
    int ref_proxy;       /* registry: the proxy scripts see as _G */
    int ref_proxy_mt;    /* registry: the proxy's metatable (its __index switches for FUNCTION LOAD) */
    int ref_errh;        /* registry: the error handler */
    int ref_libapi;      /* registry: the globals FUNCTION LOAD runs with (functions engine) */
    uint32_t gc_count;   /* runs since the last GC step */
} ScriptEngine;

ScriptEngine *engine_create(int is_functions);
void engine_free(ScriptEngine *e);
/* Bytes the interpreter holds (Lua's own count). */
size_t engine_memory(ScriptEngine *e);

/* Compiles a chunk; on success pushes nothing and returns a registry
 * reference to the function (>= 0); on error returns -1 with *err set to
 * Lua's message (mem_alloc'ed, the caller frees it). */
int engine_compile(ScriptEngine *e, const char *code, size_t len, const char *chunkname, char **err);
void engine_unref(ScriptEngine *e, int ref);

/* Runs function ref under the current run (run.h) and writes its result,
 * or its error, to the caller.  EVAL sets KEYS and ARGV as globals; a
 * function gets them as its two arguments. */
void engine_call(ScriptEngine *e, int ref, const Arg *keys, int nkeys, const Arg *args, int nargs);

/* FUNCTION LOAD: runs a library's top-level chunk with only the load API
 * (register_function, log) visible.  Returns 0, or -1 with *err set
 * ("Error registering functions: ..."), mem_alloc'ed. */
int engine_run_loader(ScriptEngine *e, int ref, uint64_t timeout_ms, char **err);

/* Pushes the error table redis.call raises: {err = "CODE msg"} from a
 * reply text "-CODE msg" or "msg" (then "ERR msg"), trailing CR/LF cut. */
void engine_push_error(lua_State *L, const char *msg, size_t len, int ignore_stats);

/* sandbox.c: the protection scheme described above. */
void sandbox_install(lua_State *L, int globals_idx);
/* Pushes a read-only proxy of the table at idx (recursively proxied). */
void sandbox_protect_table(lua_State *L, int idx);
/* Every function reachable from the table at idx gets the table at env as
 * its environment (getfenv must never reveal a real table). */
void sandbox_set_envs(lua_State *L, int idx, int env);
/* Raises "Attempt to modify a readonly table" at the caller's line. */
int sandbox_ro_error(lua_State *L);

#endif
