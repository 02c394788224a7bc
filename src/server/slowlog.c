/* slowlog.c - the slow log: commands that ran for at least
 * slowlog-log-slower-than microseconds (negative: off, 0: every command),
 * newest first, at most slowlog-max-len entries (SLOWLOG GET|LEN|RESET|HELP).
 *
 * An entry owns copies of what it shows, trimmed as Valkey trims them so
 * a huge command cannot make the log huge: at most SLOWLOG_MAX_ARGC
 * arguments (the last slot then says how many more there were) and at
 * most SLOWLOG_MAX_ARGLEN bytes of each (followed by how many more bytes
 * there were).  Passwords appear as "(redacted)".
 *
 * call() checks the threshold before calling in, so a command under it
 * costs nothing here. */
#include <stdio.h>
#include <string.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_ARGLEN 128

typedef struct SlowlogEntry {
    struct SlowlogEntry *next, *prev;
    uint64_t id;
    int64_t time_s;
    uint64_t duration_us;
    Str *peer;
    Str *name;
    int argc;
    Str *argv[];
} SlowlogEntry;

static void entry_free(SlowlogEntry *e) {
    for (int i = 0; i < e->argc; i++) str_free(e->argv[i]);
    str_free(e->peer);
    str_free(e->name);
    mem_free(e);
}

static Str *trimmed_arg(const Arg *a) {
    if (a->len <= SLOWLOG_MAX_ARGLEN) return str_new(a->p, a->len);
    Str *s = str_new(a->p, SLOWLOG_MAX_ARGLEN);
    return str_catfmt(s, "... (%llu more bytes)", (unsigned long long)(a->len - SLOWLOG_MAX_ARGLEN));
}

static void trim_to(uint64_t max) {
    while (server.slowlog_len > max) {
        SlowlogEntry *e = server.slowlog_tail;
        server.slowlog_tail = e->prev;
        if (e->prev) e->prev->next = NULL;
        else server.slowlog_head = NULL;
        entry_free(e);
        server.slowlog_len--;
    }
}

void slowlog_push(Client *c, uint64_t duration_us) {
    if (server.cfg.slowlog_max_len == 0) return;
    int argc = c->argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : c->argc;
    SlowlogEntry *e = mem_alloc(sizeof(*e) + sizeof(Str *) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        if (i == argc - 1 && argc < c->argc)
            e->argv[i] = str_catfmt(str_with_capacity(48), "... (%d more arguments)", c->argc - argc + 1);
        else if (obs_arg_redacted(c, i))
            e->argv[i] = str_from_cstr("(redacted)");
        else
            e->argv[i] = trimmed_arg(&c->argv[i]);
    }
    e->argc = argc;
    e->id = server.slowlog_next_id++;
    e->time_s = server.now_ms / 1000;
    e->duration_us = duration_us;
    e->peer = str_from_cstr(c->addr); /* as CLIENT LIST's addr= shows it */
    e->name = c->name ? str_new(c->name->buf, c->name->len) : str_with_capacity(0);
    e->prev = NULL;
    e->next = server.slowlog_head;
    if (server.slowlog_head) server.slowlog_head->prev = e;
    else server.slowlog_tail = e;
    server.slowlog_head = e;
    server.slowlog_len++;
    trim_to(server.cfg.slowlog_max_len);
}

void slowlog_get_command(Client *c) {
    long long count = 10;
    if (c->argc > 3) {
        reply_errorf(c, "unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG HELP.",
                     (int)c->argv[1].len, c->argv[1].p);
        return;
    }
    if (c->argc == 3) {
        if (!arg_to_ll_msg(c, &c->argv[2], &count, "count should be greater than or equal to -1")) return;
        if (count < -1) {
            reply_error(c, "count should be greater than or equal to -1");
            return;
        }
        if (count == -1) count = (long long)server.slowlog_len;
    }
    /* A shorter log than asked for: send what there is. */
    if ((uint64_t)count > server.slowlog_len) count = (long long)server.slowlog_len;
    reply_array_len(c, count);
    SlowlogEntry *e = server.slowlog_head;
    for (long long i = 0; i < count && e; i++, e = e->next) {
        reply_array_len(c, 6);
        reply_int(c, (long long)e->id);
        reply_int(c, (long long)e->time_s);
        reply_int(c, (long long)e->duration_us);
        reply_array_len(c, e->argc);
        for (int k = 0; k < e->argc; k++) reply_bulk_str(c, e->argv[k]);
        reply_bulk_str(c, e->peer);
        reply_bulk_str(c, e->name);
    }
}

void slowlog_len_command(Client *c) {
    reply_int(c, (long long)server.slowlog_len);
}

void slowlog_reset_command(Client *c) {
    trim_to(0);
    reply_ok(c);
}

void slowlog_help_command(Client *c) {
    static const char *help[] = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    reply_help(c, help);
}
