/* server_cmds.c - small server commands: TIME, LASTSAVE, SHUTDOWN.  (COMMAND
 * and its subcommands are in command_cmds.c.) */
#include <string.h>
#include <sys/time.h>

#include "server.h"
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
