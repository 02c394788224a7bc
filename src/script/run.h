/* run.h - the one script running now (EVAL or FCALL): its caller, the fake
 * client its commands run through, its flags, and the busy state.
 *
 * A script is atomic: nothing else runs while it does.  Past
 * busy-reply-threshold milliseconds the Lua count hook enters the busy
 * state: it serves the event loop's file events (other clients get -BUSY,
 * except allow_busy commands such as SCRIPT KILL), with the caller's input
 * held back (its argv and query buffer copied so the shared read buffer
 * can be reused, and CLIENT_BLOCKED so its pipeline waits).  Timers (the
 * cron) do not run while busy, so no key expires or is evicted mid-script.
 *
 * Invariant: script_run is non-NULL exactly while a script runs; its
 * fake client runs commands at call() nesting > 0, so what they write is
 * one propagation unit with the caller's command. */
#ifndef SCRIPT_RUN_H
#define SCRIPT_RUN_H

#include <stdint.h>

#include "../server/client.h"
#include "engine.h"

#define RUN_EVAL (1u << 0)        /* EVAL (vs FCALL): error texts, which KILL applies */
#define RUN_READONLY (1u << 1)    /* *_RO command or a no-writes script */
#define RUN_ALLOW_OOM (1u << 2)
#define RUN_WRITE_DIRTY (1u << 3) /* a write command ran: the script cannot be killed */
#define RUN_TIMEDOUT (1u << 4)    /* past busy-reply-threshold */
#define RUN_KILLED (1u << 5)      /* SCRIPT KILL / FUNCTION KILL asked */
#define RUN_PRE_OOM (1u << 6)     /* used memory was over maxmemory when the script started */
#define RUN_NO_REPL (1u << 7)     /* redis.set_repl(REPL_NONE): writes are not propagated */

typedef struct ScriptRun {
    Client *caller;
    Client *fc;               /* the fake client */
    ScriptEngine *eng;
    const char *name;         /* sha1 hex (EVAL) or function name, for errors and logs */
    uint32_t flags;
    uint64_t start_us;
    Arg *caller_argv_copy;    /* owned copy of the caller's argv while busy */
    int caller_was_blocked;
} ScriptRun;

extern ScriptRun *script_run;

/* The fake client every script's commands run with (created once). */
Client *script_fake_client(void);

/* Starts a run for caller (flags RUN_*); returns 0, or -1 after replying
 * with the refusal (script flags checked against the command and the
 * server state: *_RO with a writing script, OOM). */
int run_begin(ScriptRun *r, Client *caller, ScriptEngine *eng, const char *name, uint32_t script_flags,
              int eval, int ro);
void run_end(ScriptRun *r);
/* The Lua count hook's work: enter or stay in the busy state, serve the
 * event loop; returns 1 when the script must be killed. */
int run_interrupt(ScriptRun *r);
/* SCRIPT KILL (eval = 1) / FUNCTION KILL (eval = 0). */
void run_kill(Client *c, int eval);
/* dispatch.c's hook: while busy, refuse c's command with -BUSY. */
int run_busy_reject(Client *c);
/* Frees what a finished run left for later (the caller's argv copy). */
void run_release_leftovers(void);

#endif
