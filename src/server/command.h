/* command.h - commands at run time: the Command record (the static table
 * in src/commands.c plus what start-up fills in), dispatch, and call().
 *
 * call() is re-entrant: EXEC, scripts and unblocked clients call it from
 * inside another command.  The execution context (server.exec) keeps the
 * nesting level: the time snapshot is taken at level 0 only, so one
 * top-level command sees one "now", and everything its nested calls
 * write is propagated together when level 0 returns (propagate.h). */
#ifndef SERVER_COMMAND_H
#define SERVER_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "client.h"

typedef void command_proc(Client *c);

#define CMD_WRITE (1ULL << 0)
#define CMD_READONLY (1ULL << 1)
#define CMD_DENYOOM (1ULL << 2)
#define CMD_ADMIN (1ULL << 3)
#define CMD_PUBSUB (1ULL << 4)
#define CMD_NOSCRIPT (1ULL << 5)
#define CMD_BLOCKING (1ULL << 6)
#define CMD_LOADING (1ULL << 7)
#define CMD_STALE (1ULL << 8)
#define CMD_SKIP_MONITOR (1ULL << 9)
#define CMD_SKIP_SLOWLOG (1ULL << 10)
#define CMD_ASKING (1ULL << 11)
#define CMD_FAST (1ULL << 12)
#define CMD_NO_AUTH (1ULL << 13)
#define CMD_MAY_REPLICATE (1ULL << 14)
#define CMD_SENTINEL (1ULL << 15)
#define CMD_ONLY_SENTINEL (1ULL << 16)
#define CMD_NO_MANDATORY_KEYS (1ULL << 17)
#define CMD_PROTECTED (1ULL << 18)
#define CMD_MODULE (1ULL << 19)
#define CMD_NO_ASYNC_LOADING (1ULL << 20)
#define CMD_NO_MULTI (1ULL << 21)
#define CMD_MOVABLE_KEYS (1ULL << 22)
#define CMD_ALLOW_BUSY (1ULL << 23)
#define CMD_TOUCHES_ARBITRARY_KEYS (1ULL << 24)

typedef struct Command {
    const char *name;        /* lower case; subcommands hold only their part */
    int arity;               /* N exact, -N at least N */
    const char *flags_text;  /* space-separated, as COMMAND INFO lists them */
    int first_key, last_key, key_step;
    command_proc *proc;
    const char *group;
    const char *since;
    struct Command *subcommands; /* array ended by a NULL name, or NULL */
    /* filled at start-up */
    uint64_t flags;
    struct Command *parent;
    char *fullname;          /* "config|get" */
    void *ht_next;           /* command table link */
    /* statistics */
    uint64_t calls, usec, rejected_calls, failed_calls;
    /* the per-command latency histogram (latency.c), allocated on the
     * first call while latency-tracking is on */
    struct Histogram *latency_hist;
    /* key specs (keyspec.c), parsed at start-up */
    struct KeySpecs *keyspecs;
    /* documentation for COMMAND DOCS/INFO (command_cmds.c), built on the
     * first COMMAND call; NULL until then */
    struct CommandMeta *meta;
} Command;

/* The documentation of each command lives in src/command_docs.c, one row
 * per full name ("get", "client|kill"), in compact text forms.  main.c
 * registers the lookup at start-up, so this layer never includes it. */
typedef struct CommandDoc {
    const char *name;         /* full name, lower case */
    const char *acl;          /* ACL categories beyond those the flags imply */
    const char *key_specs;    /* "1/range:0,1,0/RW|ACCESS;keyword:STORE:6/..." */
    const char *summary;      /* NULL: not written yet (the check reports it) */
    const char *complexity;
    const char *args;         /* argument tree, grammar in command_docs.c */
    const char *tips;         /* space-separated */
    const char *history;      /* "version text|version text" */
    const char *doc_flags;    /* "deprecated", "syscmd" */
    const char *deprecated_since;
    const char *replaced_by;
} CommandDoc;

typedef const CommandDoc *command_doc_lookup_fn(const char *fullname);
void command_docs_register(command_doc_lookup_fn *fn);
const CommandDoc *command_doc_find(const char *fullname);

/* Builds the table at start-up: flags, full names, key specs. */
void commands_init(Command *table);
Command *command_lookup(const char *name, size_t len);
Command *command_lookup_argv(Arg *argv, int argc);
/* rename-command from the config file; "" removes.  Returns NULL or an
 * error text. */
const char *command_rename(const char *from, const char *to);
uint64_t command_flags_parse(const char *text);
void command_stats_reset(void);
void error_stat_count(const char *msg, size_t len);

/* Runs c->argv (looked up, checked, called).  Returns 0 if the client
 * must be dropped, 1 otherwise, or PROCESS_BLOCKED when the command was
 * held back (blocked.c) and will run again later. */
int process_command(Client *c);
#define PROCESS_BLOCKED 2

/* Runs c->cmd with c->argv through the execution context: statistics,
 * slowlog, MONITOR, and propagation of what it changed. */
void call(Client *c);

/* The execution context (server.exec). */
typedef struct ExecContext {
    int nesting;              /* call() depth; 0 between commands */
    int64_t cmd_start_ms;     /* wall clock of the top-level command */
} ExecContext;

/* Scripting (src/script/) registers these at start-up; script_hooks is
 * NULL in a server built without it.  busy_reject: a script is past
 * busy-reply-threshold, so c's command is refused with -BUSY (written)
 * and 1 is returned, unless it may run now (allow_busy). */
typedef struct ScriptInfo {
    size_t vm_eval, vm_functions;       /* interpreter memory */
    size_t scripts_eval, functions_mem; /* script cache and libraries */
    uint64_t cached_scripts, functions, libraries, evicted_scripts;
} ScriptInfo;
typedef struct ScriptHooks {
    int (*busy_reject)(Client *c);
    void (*info)(ScriptInfo *out);
    void (*stats_reset)(void); /* CONFIG RESETSTAT */
} ScriptHooks;
extern const ScriptHooks *script_hooks;
void script_hooks_register(const ScriptHooks *hooks);

/* Command handlers of the server layer (src/server/cmds.h) and of the
 * types (src/types/) are wired into src/commands.c. */

#endif
