/* run.c - the running script's context, the busy state past
 * busy-reply-threshold, and SCRIPT KILL / FUNCTION KILL (see run.h). */
#include <stdlib.h>
#include <string.h>

#include "../server/server.h"
#include "../server/cmds.h"
#include "../server/reply.h"
#include "run.h"

ScriptRun *script_run;

static Client *fake;
static Arg *leftover_argv; /* a finished busy run's copy of its caller's argv */

#define ERR_BUSY_EVAL "-BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
#define ERR_BUSY_FUNC "-BUSY Valkey is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."

Client *script_fake_client(void) {
    if (!fake) {
        /* Not in the clients list: CLIENT LIST, timeouts and the cron
         * never see it, as Valkey's Lua client. */
        fake = mem_calloc(sizeof(Client));
        fake->id = 0;
        fake->fd = -1;
        fake->flags = CLIENT_SCRIPT | CLIENT_AUTHENTICATED;
        fake->resp = 2;
        fake->db = &server.dbs[0];
        memcpy(fake->addr, "lua", 4);
        resp_parser_init(&fake->parser);
    }
    return fake;
}

void run_release_leftovers(void) {
    mem_free(leftover_argv);
    leftover_argv = NULL;
}

int run_begin(ScriptRun *r, Client *caller, ScriptEngine *eng, const char *name, uint32_t script_flags,
              int eval, int ro) {
    int compat = (script_flags & SCRIPT_FLAG_EVAL_COMPAT) != 0;
    int oom = server.cfg.maxmemory && mem_used() > server.cfg.maxmemory;
    if (!compat) {
        if (!(script_flags & SCRIPT_FLAG_NO_WRITES)) {
            if (ro) {
                reply_error(caller, "Can not execute a script with write flag using *_ro command.");
                return -1;
            }
            /* A script that may write is a denyoom command (Valkey derives
             * the command's flags from the script's). */
            if (oom && !(script_flags & SCRIPT_FLAG_ALLOW_OOM)) {
                reply_error(caller, "-OOM command not allowed when used memory > 'maxmemory'.");
                return -1;
            }
        }
    }
    run_release_leftovers();
    memset(r, 0, sizeof(*r));
    r->caller = caller;
    r->eng = eng;
    r->name = name;
    r->fc = script_fake_client();
    r->fc->db = caller->db;
    r->fc->resp = 2;
    r->fc->flags = CLIENT_SCRIPT | CLIENT_AUTHENTICATED;
    r->start_us = ev_monotonic_us();
    if (eval) r->flags |= RUN_EVAL;
    if (ro || (!compat && (script_flags & SCRIPT_FLAG_NO_WRITES))) r->flags |= RUN_READONLY;
    if (!compat && (script_flags & SCRIPT_FLAG_ALLOW_OOM)) r->flags |= RUN_ALLOW_OOM;
    if (oom) r->flags |= RUN_PRE_OOM;
    script_run = r;
    return 0;
}

/* Gives the caller back its input once the script is over. */
static void unprotect_caller(ScriptRun *r) {
    Client *c = r->caller;
    if (!r->caller_was_blocked) c->flags &= ~CLIENT_BLOCKED;
    /* The copy stays valid until the caller's next command replaces its
     * argv; it is freed at the next script's start. */
    leftover_argv = r->caller_argv_copy;
    r->caller_argv_copy = NULL;
}

void run_end(ScriptRun *r) {
    if (r->flags & RUN_TIMEDOUT) {
        unprotect_caller(r);
    }
    /* Commands of the script may have changed the fake client's state:
     * leave it clean for the next one. */
    r->fc->flags = CLIENT_SCRIPT | CLIENT_AUTHENTICATED;
    r->fc->argv = NULL;
    r->fc->argc = 0;
    script_run = NULL;
}

/* The event loop will run while the caller's command is half-way: its
 * arguments and query buffer must not live in the shared read buffer,
 * and what it sends meanwhile must wait. */
static void protect_caller(ScriptRun *r) {
    Client *c = r->caller;
    if (c->argc) {
        r->caller_argv_copy = argv_dup(c->argv, c->argc);
        for (int i = 0; i < c->argc; i++) c->argv[i] = r->caller_argv_copy[i];
    }
    if (c->flags & CLIENT_SHARED_QBUF) {
        size_t cap = c->qlen ? c->qlen : 1;
        char *own = mem_alloc(cap);
        memcpy(own, c->qbuf, c->qlen);
        c->qbuf = own;
        c->qcap = cap;
        c->flags &= ~CLIENT_SHARED_QBUF;
    }
    r->caller_was_blocked = (c->flags & CLIENT_BLOCKED) != 0;
    c->flags |= CLIENT_BLOCKED;
}

/* One pass of the event loop's file events, then what before_sleep does
 * for replies: other clients get their -BUSY (or SCRIPT KILL's OK). */
static void serve_events(void) {
    Client *current = server.current_client;
    int paused = server.pause_cron;
    server.pause_cron = 1;
    ev_process(server.loop, 1);
    server.pause_cron = paused;
    server.current_client = current;
    if (server.shutdown_asap && (server.shutdown_flags & SHUTDOWN_NOSAVE)) {
        /* SHUTDOWN NOSAVE is the way out of a script that wrote. */
        server.shutdown_asap = 0;
        if (server_prepare_shutdown(server.shutdown_flags) == 0) exit(server.exit_code);
    }
    /* Complete units written before the script reach the sinks before any
     * reply; the script's own unit is still open. */
    propagate_flush();
    clients_write_pending();
    clients_close_pending();
}

int run_interrupt(ScriptRun *r) {
    if (!(r->flags & RUN_TIMEDOUT)) {
        long long limit = server.cfg.busy_reply_threshold;
        if (limit <= 0) return 0;
        uint64_t elapsed_ms = (ev_monotonic_us() - r->start_us) / 1000;
        if ((long long)elapsed_ms < limit) return 0;
        server_log(LL_WARNING,
                   "Slow script detected: still in execution after %llu milliseconds. You can try killing the "
                   "script using the %s command. Script name is: %s.",
                   (unsigned long long)elapsed_ms, (r->flags & RUN_EVAL) ? "SCRIPT KILL" : "FUNCTION KILL", r->name);
        r->flags |= RUN_TIMEDOUT;
        protect_caller(r);
    }
    serve_events();
    return (r->flags & RUN_KILLED) != 0;
}

void run_kill(Client *c, int eval) {
    ScriptRun *r = script_run;
    if (!r) {
        reply_error(c, "-NOTBUSY No scripts in execution right now.");
        return;
    }
    if (r->flags & RUN_WRITE_DIRTY) {
        reply_error(c, "-UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                       "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                       "NOSAVE command.");
        return;
    }
    if (eval && !(r->flags & RUN_EVAL)) {
        reply_error(c, ERR_BUSY_FUNC);
        return;
    }
    if (!eval && (r->flags & RUN_EVAL)) {
        reply_error(c, ERR_BUSY_EVAL);
        return;
    }
    r->flags |= RUN_KILLED;
    reply_ok(c);
}

int run_busy_reject(Client *c) {
    ScriptRun *r = script_run;
    if (!r || !(r->flags & RUN_TIMEDOUT) || c == r->fc) return 0;
    if (c->cmd->flags & CMD_ALLOW_BUSY) {
        /* Only SHUTDOWN NOSAVE may end the server now. */
        if (c->cmd->proc != shutdown_command) return 0;
        for (int i = 1; i < c->argc; i++)
            if (arg_equals(&c->argv[i], "nosave")) return 0;
    }
    reply_error(c, (r->flags & RUN_EVAL) ? ERR_BUSY_EVAL : ERR_BUSY_FUNC);
    return 1;
}
