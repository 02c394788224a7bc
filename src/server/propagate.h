/* propagate.h - what a command changed, as commands that replay it:
 * the stream the AOF (and later replicas) receive.
 *
 * After call() runs a command that changed the dataset (the dirty counter
 * moved), the command is recorded as written, or in the deterministic form
 * its handler asked for (propagate_rewrite: SET EX -> SET PXAT, EXPIRE ->
 * PEXPIREAT, INCRBYFLOAT -> SET KEEPTTL, GETDEL -> DEL ...), or not at
 * all (propagate_prevent).  Everything one top-level call records is one
 * unit: written to the buffer when nesting level 0 returns, wrapped in
 * MULTI/EXEC when it holds several commands, with SELECT whenever the
 * database differs from the last one written.  Expiry and eviction
 * deletions outside any unit are written at once as DEL (UNLINK when the
 * matching lazyfree option is on).
 *
 * before_sleep hands the buffer to the registered sinks (the AOF, a test
 * sink) BEFORE any reply is written: a client never sees the reply to a
 * write its sinks have not received.  With no active sink nothing is
 * serialized at all. */
#ifndef SERVER_PROPAGATE_H
#define SERVER_PROPAGATE_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/str.h"
#include "client.h"
#include "db.h"

/* A sink receives serialized RESP commands. */
typedef void propagate_sink_fn(const char *buf, size_t len, void *priv);

typedef struct PropOp {
    int dbid;
    int argc;
    Arg *argv;                /* owned (argv_dup) */
} PropOp;

typedef struct PropState {
    int active;               /* some sink wants the stream */
    Str *buf;                 /* serialized, not yet handed to the sinks */
    int last_dbid;            /* database of the last command written, -1 after a sink change */
    PropOp *ops;              /* the open unit */
    int nops, cap;
    /* the running command's replacement, set by its handler */
    int rewrite_set;          /* 0 none, 1 rewrite, 2 prevent, 3 force */
    int rewrite_argc;
    Arg *rewrite_argv;        /* owned */
    struct PropSink {
        propagate_sink_fn *fn;
        void *priv;
        int active;
    } sinks[4];
    int nsinks;
    uint64_t commands;        /* commands written (tests, INFO) */
} PropState;

/* Registers a sink (from main.c or a module's init); returns its id. */
int propagate_sink_add(propagate_sink_fn *fn, void *priv);
void propagate_sink_set_active(int id, int active);

/* Handlers: propagate this instead of the command as written (argv[0] is
 * the command name), or nothing at all.  Only the last call counts. */
void propagate_rewrite(Client *c, int argc, const Arg *argv);
void propagate_prevent(Client *c);
/* Propagate the command as written even if it changed nothing (FLUSHDB of
 * an empty database must still reach the AOF). */
void propagate_force(Client *c);
/* The common rewrites: DEL/UNLINK key; PEXPIREAT key ms followed by the
 * running command's arguments from index extra_from on (0: none). */
void propagate_rewrite_del(Client *c, const Arg *key, int lazy);
void propagate_rewrite_pexpireat(Client *c, const Arg *key, int64_t when_ms, int extra_from);
/* Adds a command of its own to the open unit (or writes it at once
 * outside a command): e.g. a LPUSH a blocked BLMOVE performed. */
void propagate_also(int dbid, int argc, const Arg *argv);
/* An expired or evicted key was deleted. */
void propagate_deletion(Db *db, const char *key, size_t klen, int lazy);

/* call() uses these around each command (only when server.prop.active). */
void propagate_command_done(Client *c, int dirtied);
void propagate_unit_end(void);
/* before_sleep: hand the buffer to the active sinks and clear it. */
void propagate_flush(void);

#endif
