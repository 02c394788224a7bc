/* server_cmds.c - small server commands: TIME, LASTSAVE, SHUTDOWN and the
 * COMMAND introspection that reads the command table. */
#include <string.h>
#include <sys/time.h>

#include "server.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"

void time_command(Client *c) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    reply_array_len(c, 2);
    reply_bulk_ll(c, (long long)tv.tv_sec);
    reply_bulk_ll(c, (long long)tv.tv_usec);
}

void lastsave_command(Client *c) {
    reply_int(c, server.lastsave_s);
}

void shutdown_command(Client *c) {
    for (int i = 1; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        if (!(arg_equals(a, "nosave") || arg_equals(a, "save") || arg_equals(a, "now") || arg_equals(a, "force") ||
              arg_equals(a, "abort"))) {
            reply_syntax_error(c);
            return;
        }
        if (arg_equals(a, "abort")) {
            /* Nothing is ever pending: shutdown here is immediate. */
            reply_error(c, "No shutdown in progress.");
            return;
        }
    }
    /* Nothing to save yet (persistence comes later): shut down now.  The
     * client gets no reply, as with Valkey: the connection just closes. */
    server.shutdown_asap = 1;
    c->flags |= CLIENT_CLOSE_ASAP;
}

static long long count_commands(void) {
    long long n = 0;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) n++;
    return n;
}

void command_count_command(Client *c) {
    reply_int(c, count_commands());
}

void command_list_command(Client *c) {
    const Arg *pattern = NULL;
    if (c->argc == 5 && arg_equals(&c->argv[2], "filterby") && arg_equals(&c->argv[3], "pattern")) {
        pattern = &c->argv[4];
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    long long n = 0;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++)
        if (!pattern || glob_match(pattern->p, pattern->len, cmd->name, strlen(cmd->name), 1)) n++;
    reply_array_len(c, n);
    for (Command *cmd = server.cmd_table; cmd->name; cmd++)
        if (!pattern || glob_match(pattern->p, pattern->len, cmd->name, strlen(cmd->name), 1)) reply_bulk_cstr(c, cmd->name);
}

void command_help_command(Client *c) {
    static const char *help[] = {
        "(no subcommand)",
        "    Return details about all commands.",
        "COUNT",
        "    Return the total number of commands in this server.",
        "LIST [FILTERBY PATTERN <pattern>]",
        "    Return a list of all commands in this server.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}

/* COMMAND and COMMAND INFO/DOCS: the full reflection comes with the
 * server-surface work; until then say so clearly. */
void command_not_yet_command(Client *c) {
    reply_error(c, "COMMAND INFO/DOCS/GETKEYS are not implemented yet in this server");
}
