/* monitor.c - MONITOR: clients that receive every command the server
 * runs, one status line each:
 *
 *     +<unix seconds>.<microseconds> [<db> <addr>] "arg0" "arg1" ...
 *
 * with each argument quoted and escaped (\" \\ \n \r \t \a \b, \xHH for
 * other unprintable bytes), as Valkey prints them.
 *
 * Invariants:
 *  - server.monitors holds exactly the clients with CLIENT_MONITOR, and
 *    c->monitor_slot is its index + 1, so removal is O(1);
 *  - call() only calls monitor_feed when server.monitor_count > 0, and
 *    never for admin or skip_monitor commands, so a server without
 *    monitors pays one comparison per command;
 *  - passwords never reach a monitor: obs_arg_redacted picks them out.
 *    The MONITOR client itself is not sent its own commands. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"

/* -------------------------------------------------------- redaction */

static int name_is(const Command *cmd, const char *name) {
    return cmd && strcmp(cmd->name, name) == 0;
}

/* Configs whose values are secrets (Valkey marks the same ones). */
static int config_is_sensitive(const Arg *a) {
    static const char *names[] = {"requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass", NULL};
    for (int i = 0; names[i]; i++)
        if (arg_equals(a, names[i])) return 1;
    return 0;
}

int obs_arg_redacted(const Client *c, int i) {
    const Command *cmd = c->cmd;
    if (!cmd || i == 0) return 0;
    if (!cmd->parent) {
        if (name_is(cmd, "auth")) return 1;
        if (name_is(cmd, "hello")) {
            /* HELLO [protover [AUTH username password] [SETNAME name]] */
            for (int k = 2; k + 2 < c->argc; k++)
                if (arg_equals(&c->argv[k], "auth") && (i == k + 1 || i == k + 2)) return 1;
            return 0;
        }
        if (name_is(cmd, "migrate")) {
            /* ... [AUTH password | AUTH2 username password] [KEYS ...] */
            for (int k = 6; k < c->argc; k++) {
                if (arg_equals(&c->argv[k], "keys")) break;
                if (arg_equals(&c->argv[k], "auth") && i == k + 1) return 1;
                if (arg_equals(&c->argv[k], "auth2") && (i == k + 1 || i == k + 2)) return 1;
            }
        }
        return 0;
    }
    if (name_is(cmd->parent, "config") && name_is(cmd, "set"))
        return i >= 3 && (i % 2) == 1 && config_is_sensitive(&c->argv[i - 1]);
    return 0;
}

/* ---------------------------------------------------------- the feed */


void monitor_feed(Client *c) {
    /* Nobody to feed but the sender itself. */
    if (server.monitor_count == 1 && server.monitors[0] == c) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    Str *line = str_with_capacity(128);
    line = str_catfmt(line, "+%lld.%06ld [%d ", (long long)tv.tv_sec, (long)tv.tv_usec, c->db ? c->db->id : 0);
    if ((c->flags & CLIENT_UNIX_SOCKET) && server.cfg.unixsocket) line = str_catfmt(line, "unix:%s", server.cfg.unixsocket);
    else line = str_cat_cstr(line, c->addr);
    line = str_cat(line, "]", 1);
    for (int i = 0; i < c->argc; i++) {
        line = str_cat(line, " ", 1);
        if (obs_arg_redacted(c, i)) line = str_cat_cstr(line, "\"(redacted)\"");
        else line = str_cat_repr(line, c->argv[i].p, c->argv[i].len);
    }
    line = str_cat(line, "\r\n", 2);
    for (int k = 0; k < server.monitor_count; k++) {
        Client *m = server.monitors[k];
        if (m != c) reply_raw(m, line->buf, line->len);
    }
    str_free(line);
}

void monitor_remove(Client *c) {
    if (!c->monitor_slot) return;
    int idx = c->monitor_slot - 1;
    int last = server.monitor_count - 1;
    if (idx != last) {
        server.monitors[idx] = server.monitors[last];
        server.monitors[idx]->monitor_slot = idx + 1;
    }
    server.monitor_count--;
    c->monitor_slot = 0;
    c->flags &= ~CLIENT_MONITOR;
}

void monitor_command(Client *c) {
    /* Asking twice changes nothing, and gets no second reply. */
    if (c->flags & CLIENT_MONITOR) return;
    if (server.monitor_count == server.monitor_cap) {
        server.monitor_cap = server.monitor_cap ? server.monitor_cap * 2 : 4;
        server.monitors = mem_realloc(server.monitors, sizeof(Client *) * (size_t)server.monitor_cap);
    }
    server.monitors[server.monitor_count++] = c;
    c->monitor_slot = server.monitor_count;
    c->flags |= CLIENT_MONITOR;
    reply_ok(c);
}
