/* dispatch.c - the command table at run time: lookup (case-insensitive,
 * with "container|subcommand" pairs), the checks every command passes
 * (arity, authentication, memory), the call itself and its statistics.
 *
 * Invariant: a command's handler runs only after every check passed, with
 * server.now_ms fixed for its whole run (and the whole of the top-level
 * command it is nested in). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "evict.h"
#include "keyspec.h"
#include "multi.h"
#include "pubsub.h"
#include "tracking.h"
#include "../../deps/siphash/siphash.h"

static uint64_t nocase_hash(const char *key, size_t len) {
    return siphash13_nocase(key, len, server.hash_seed);
}

static int nocase_eq(const char *a, size_t alen, const char *b, size_t blen) {
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

static void command_entry_key(const void *entry, const char **key, size_t *len) {
    const Command *cmd = entry;
    *key = cmd->name;
    *len = strlen(cmd->name);
}

static const HtType command_httype = {
    .hash = nocase_hash,
    .key_eq = nocase_eq,
    .entry_key = command_entry_key,
    .next_offset = offsetof(Command, ht_next),
};

static void error_entry_key(const void *entry, const char **key, size_t *len) {
    const ErrorStat *e = entry;
    *key = e->code;
    *len = strlen(e->code);
}

static uint64_t plain_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static const HtType error_httype = {
    .hash = plain_hash,
    .key_eq = NULL,
    .entry_key = error_entry_key,
    .next_offset = offsetof(ErrorStat, ht_next),
};

static const struct {
    const char *name;
    uint64_t flag;
} flag_names[] = {
    {"write", CMD_WRITE}, {"readonly", CMD_READONLY}, {"denyoom", CMD_DENYOOM},
    {"admin", CMD_ADMIN}, {"pubsub", CMD_PUBSUB}, {"noscript", CMD_NOSCRIPT},
    {"blocking", CMD_BLOCKING}, {"loading", CMD_LOADING}, {"stale", CMD_STALE},
    {"skip_monitor", CMD_SKIP_MONITOR}, {"skip_slowlog", CMD_SKIP_SLOWLOG},
    {"asking", CMD_ASKING}, {"fast", CMD_FAST}, {"no_auth", CMD_NO_AUTH},
    {"may_replicate", CMD_MAY_REPLICATE}, {"sentinel", CMD_SENTINEL},
    {"only_sentinel", CMD_ONLY_SENTINEL}, {"no_mandatory_keys", CMD_NO_MANDATORY_KEYS},
    {"protected", CMD_PROTECTED}, {"module", CMD_MODULE},
    {"no_async_loading", CMD_NO_ASYNC_LOADING}, {"no_multi", CMD_NO_MULTI},
    {"movablekeys", CMD_MOVABLE_KEYS}, {"allow_busy", CMD_ALLOW_BUSY},
    {"touches_arbitrary_keys", CMD_TOUCHES_ARBITRARY_KEYS},
};

uint64_t command_flags_parse(const char *text) {
    uint64_t flags = 0;
    const char *p = text;
    while (p && *p) {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, " ,");
        if (!n) break;
        size_t i;
        for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
            if (strlen(flag_names[i].name) == n && strncmp(flag_names[i].name, p, n) == 0) {
                flags |= flag_names[i].flag;
                break;
            }
        }
        if (i == sizeof(flag_names) / sizeof(flag_names[0])) {
            fprintf(stderr, "Unknown command flag '%.*s' in the command table\n", (int)n, p);
            abort();
        }
        p += n;
    }
    return flags;
}

static void init_one(Command *cmd, Command *parent) {
    cmd->parent = parent;
    cmd->flags = command_flags_parse(cmd->flags_text);
    if (parent) {
        size_t len = strlen(parent->name) + strlen(cmd->name) + 2;
        cmd->fullname = mem_alloc(len);
        snprintf(cmd->fullname, len, "%s|%s", parent->name, cmd->name);
    } else {
        cmd->fullname = mem_strdup(cmd->name);
    }
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) init_one(sub, cmd);
}

const ScriptHooks *script_hooks;

void script_hooks_register(const ScriptHooks *hooks) {
    script_hooks = hooks;
}

void command_docs_register(command_doc_lookup_fn *fn) {
    server.doc_lookup = fn;
}

const CommandDoc *command_doc_find(const char *fullname) {
    return server.doc_lookup ? server.doc_lookup(fullname) : NULL;
}

void commands_init(Command *table) {
    server.cmd_table = table;
    server.commands = ht_create(&command_httype);
    for (Command *cmd = table; cmd->name; cmd++) {
        init_one(cmd, NULL);
        ht_add(server.commands, cmd);
    }
    server.error_stats = ht_create(&error_httype);
    /* Key specs now (every command may need its keys); COMMAND's docs
     * (command_cmds.c) on the first COMMAND call, so an idle server does
     * not page them in. */
    keyspecs_init(table);
}

/* ---- rename-command.  The table links each Command once under its own
 * name, so a rename is kept aside (server.renames, allocated on the first
 * rename): aliases (new name -> command) and the commands whose own name
 * no longer resolves. */
#define RENAME_MAX ((int)(sizeof(((CommandRenames *)0)->hidden) / sizeof(Command *)))

static Command *command_lookup_renamed(const char *name, size_t len) {
    CommandRenames *r = server.renames;
    for (int i = 0; i < r->alias_count; i++)
        if (strlen(r->aliases[i].name) == len && strncasecmp(r->aliases[i].name, name, len) == 0)
            return r->aliases[i].cmd;
    Command *cmd = ht_find(server.commands, name, len);
    for (int i = 0; i < r->hidden_count; i++)
        if (r->hidden[i] == cmd) return NULL;
    return cmd;
}

const char *command_rename(const char *from, const char *to) {
    if (!server.renames) server.renames = mem_calloc(sizeof(CommandRenames));
    CommandRenames *r = server.renames;
    Command *cmd = command_lookup_renamed(from, strlen(from));
    if (!cmd) return "No such command in rename-command";
    if (to[0] && command_lookup_renamed(to, strlen(to))) return "Target command name already exists";
    if (r->alias_count >= RENAME_MAX || r->hidden_count >= RENAME_MAX) return "Too many rename-command lines";
    /* Drop the old name: an alias entry, or the command's own name. */
    int was_alias = 0;
    for (int i = 0; i < r->alias_count; i++) {
        if (strcasecmp(r->aliases[i].name, from) == 0) {
            mem_free(r->aliases[i].name);
            r->aliases[i] = r->aliases[--r->alias_count];
            was_alias = 1;
            break;
        }
    }
    if (!was_alias) r->hidden[r->hidden_count++] = cmd;
    if (to[0]) {
        r->aliases[r->alias_count].name = mem_strdup(to);
        r->aliases[r->alias_count].cmd = cmd;
        r->alias_count++;
    }
    return NULL;
}

Command *command_lookup(const char *name, size_t len) {
    if (server.renames) return command_lookup_renamed(name, len);
    return ht_find(server.commands, name, len);
}

static Command *find_subcommand(Command *parent, const Arg *a) {
    for (Command *sub = parent->subcommands; sub->name; sub++)
        if (a->len == strlen(sub->name) && strncasecmp(a->p, sub->name, a->len) == 0) return sub;
    return NULL;
}

Command *command_lookup_argv(Arg *argv, int argc) {
    Command *cmd = command_lookup(argv[0].p, argv[0].len);
    if (!cmd || !cmd->subcommands || argc < 2) return cmd;
    return find_subcommand(cmd, &argv[1]);
}

void error_stat_count(const char *msg, size_t len) {
    /* The code is the first word: "ERR", "WRONGTYPE", "NOAUTH"... */
    size_t n = 0;
    while (n < len && n < 64 && msg[n] != ' ') n++;
    ErrorStat *e = ht_find(server.error_stats, msg, n);
    if (!e) {
        /* Bound the table so clients cannot grow it without limit. */
        if (ht_count(server.error_stats) >= 128) return;
        e = mem_alloc(sizeof(ErrorStat) + n + 1);
        e->count = 0;
        memcpy(e->code, msg, n);
        e->code[n] = '\0';
        ht_add(server.error_stats, e);
    }
    e->count++;
}

static void reset_command_stats(Command *cmd) {
    cmd->calls = cmd->usec = cmd->rejected_calls = cmd->failed_calls = 0;
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) reset_command_stats(sub);
}

void command_stats_reset(void) {
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) reset_command_stats(cmd);
    ht_clear(server.error_stats, mem_free);
    if (script_hooks && script_hooks->stats_reset) script_hooks->stats_reset();
}

static void reply_unknown_command(Client *c) {
    char args[256];
    size_t used = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && used < 128; i++) {
        int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
                         (int)(c->argv[i].len < 128 - used ? c->argv[i].len : 128 - used), c->argv[i].p);
        if (n < 0) break;
        used += (size_t)n;
        if (used >= sizeof(args)) used = sizeof(args) - 1;
    }
    reply_errorf(c, "unknown command '%.*s', with args beginning with: %s",
                 (int)(c->argv[0].len < 128 ? c->argv[0].len : 128), c->argv[0].p, args);
}

static int arity_ok(const Command *cmd, int argc) {
    return (cmd->arity > 0 && cmd->arity == argc) || (cmd->arity < 0 && argc >= -cmd->arity);
}

/* ---- observability: what watches every command (slowlog.c, latency.c,
 * monitor.c).  Each costs a comparison unless it is switched on, and
 * latency tracking one histogram increment. */
static inline void call_observe(Client *c, Command *cmd, uint64_t elapsed) {
    if (server.cfg.latency_tracking) latency_track_command(cmd, elapsed);
    if (server.cfg.slowlog_log_slower_than >= 0 && (long long)elapsed >= server.cfg.slowlog_log_slower_than &&
        !(cmd->flags & CMD_SKIP_SLOWLOG))
        slowlog_push(c, elapsed);
    if (server.cfg.latency_monitor_threshold && (long long)(elapsed / 1000) >= server.cfg.latency_monitor_threshold)
        latency_add_sample(cmd->flags & CMD_FAST ? "fast-command" : "command", elapsed / 1000);
    if (server.monitor_count && !(cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN))) monitor_feed(c);
}

void call(Client *c) {
    Command *cmd = c->cmd;
    ExecContext *ex = &server.exec;
    uint64_t start = ev_monotonic_us();
    if (ex->nesting == 0) {
        /* One time snapshot per top-level command: nested calls (EXEC,
         * scripts) see the same "now". */
        server_update_time_mono(start);
        ex->cmd_start_ms = server.now_ms;
    }
    uint64_t errors_before = c->errors_replied;
    uint64_t dirty_before = server.dirty;
    int prop = server.prop.active;
    /* A nested call's rewrite must not clobber its caller's. */
    int saved_set = 0, saved_argc = 0;
    Arg *saved_argv = NULL;
    if (prop) {
        saved_set = server.prop.rewrite_set;
        saved_argc = server.prop.rewrite_argc;
        saved_argv = server.prop.rewrite_argv;
        server.prop.rewrite_set = 0;
        server.prop.rewrite_argc = 0;
        server.prop.rewrite_argv = NULL;
    }
    ex->nesting++;
    cmd->proc(c);
    ex->nesting--;
    if (server.tracking_clients) tracking_after_call(c, cmd);
    uint64_t elapsed = ev_monotonic_us() - start;
    if (prop) {
        propagate_command_done(c, server.dirty != dirty_before);
        server.prop.rewrite_set = saved_set;
        server.prop.rewrite_argc = saved_argc;
        server.prop.rewrite_argv = saved_argv;
        if (ex->nesting == 0) propagate_unit_end();
    }
    c->last_cmd = cmd;
    /* A command that blocked counts when it completes (served, timed out
     * or unblocked), so it is accounted once. */
    if (c->flags & CLIENT_BLOCKED) return;
    cmd->calls++;
    cmd->usec += elapsed;
    if (c->errors_replied != errors_before) cmd->failed_calls++;
    c->commands_processed++;
    server.stat.commands_processed++;
    server.stat.eventloop_duration_cmd_sum_us += elapsed;
    call_observe(c, cmd, elapsed);
}

/* CLIENT REPLY SKIP affects the command after the one that set it. */
static void update_reply_skip(Client *c) {
    if (c->flags & CLIENT_REPLY_SKIP) c->flags &= ~CLIENT_REPLY_SKIP;
    if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
        c->flags &= ~CLIENT_REPLY_SKIP_NEXT;
        c->flags |= CLIENT_REPLY_SKIP;
    }
}

/* A command refused before it ran: the refusal counts against the command
 * and, inside MULTI, makes EXEC abort (Valkey's rule). */
static int reject(Client *c, Command *cmd) {
    if (cmd) cmd->rejected_calls++;
    multi_flag_error(c);
    update_reply_skip(c);
    return 1;
}

int process_command(Client *c) {
    Command *base = command_lookup(c->argv[0].p, c->argv[0].len);
    Command *cmd = base;
    if (!base) {
        reply_unknown_command(c);
        return reject(c, NULL);
    }
    if (base->subcommands && c->argc >= 2) {
        cmd = find_subcommand(base, &c->argv[1]);
        if (!cmd) {
            c->cmd = base;
            reply_unknown_subcommand(c);
            return reject(c, NULL);
        }
    }
    c->cmd = cmd;
    if (!arity_ok(cmd, c->argc)) {
        if (!multi_exec_refused(c, cmd, "wrong number of arguments for 'exec' command"))
            reply_wrong_arity(c, cmd->fullname);
        return reject(c, cmd);
    }
    if (!(c->flags & CLIENT_AUTHENTICATED) && !(cmd->flags & CMD_NO_AUTH)) {
        reply_error(c, "-NOAUTH Authentication required.");
        return reject(c, cmd);
    }
    if ((c->flags & CLIENT_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        reply_error(c, "Command not allowed inside a transaction");
        return reject(c, cmd);
    }
    /* One predictable branch when maxmemory is 0; otherwise evict first
     * and refuse only what may grow memory (evict.c). */
    if (server.cfg.maxmemory && evict_refuses(c, cmd)) {
        if (!multi_exec_refused(c, cmd, "OOM command not allowed when used memory > 'maxmemory'."))
            reply_error(c, "-OOM command not allowed when used memory > 'maxmemory'.");
        return reject(c, cmd);
    }
    /* A failed background save refuses writes (and PING, as in Valkey)
     * while stop-writes-on-bgsave-error holds (persist/ says why). */
    if (server.persist && server.persist->write_error && ((cmd->flags & CMD_WRITE) || cmd->proc == ping_command)) {
        const char *misconf = server.persist->write_error();
        if (misconf) {
            reply_error(c, misconf);
            return reject(c, cmd);
        }
    }
    /* DEBUG and MODULE are gated by their enable-* options. */
    if ((cmd->flags & CMD_PROTECTED) &&
        ((base->proc == debug_command && !config_allows_protected(server.cfg.enable_debug_command, c)) ||
         (strcmp(base->name, "module") == 0 && !config_allows_protected(server.cfg.enable_module_command, c)))) {
        int dbg = base->proc == debug_command;
        reply_errorf(c, "%s command not allowed. If the %s option is set to \"local\", you can run it from a local "
                        "connection, otherwise you need to set this option in the configuration file, and then "
                        "restart the server.",
                     dbg ? "DEBUG" : "MODULE", dbg ? "enable-debug-command" : "enable-module-command");
        return reject(c, cmd);
    }
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2 && !pubsub_allowed_in_subscribed_mode(cmd->fullname)) {
        reply_errorf(c, "Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                        "allowed in this context",
                     cmd->fullname);
        return reject(c, cmd);
    }
    /* A script past busy-reply-threshold: only allow_busy commands run. */
    if (script_hooks && script_hooks->busy_reject(c)) return reject(c, cmd);
    if (server.loading && !(cmd->flags & CMD_LOADING)) {
        reply_error(c, "-LOADING Valkey is loading the dataset in memory");
        return reject(c, cmd);
    }
    if (server.pause_type != PAUSE_NONE && pause_applies(c)) {
        /* Held back until the pause ends; blocked.c runs it then. */
        block_for_pause(c);
        return PROCESS_BLOCKED;
    }
    if ((c->flags & CLIENT_MULTI) && multi_queues(cmd)) {
        multi_queue_command(c);
        update_reply_skip(c);
        return 1;
    }
    /* CLIENT LIST names the running command as the client's last one. */
    c->last_cmd = cmd;
    call(c);
    update_reply_skip(c);
    int blocked = (c->flags & CLIENT_BLOCKED) != 0;
    if (server.exec.nesting == 0 && server.blocked.ready_keys) blocked_serve_after_command();
    return blocked ? PROCESS_BLOCKED : 1;
}
