/* server_cmds.c - small server commands: TIME, LASTSAVE, SHUTDOWN, ROLE,
 * LOLWUT and MODULE (no modules are ever loaded).  (COMMAND and its
 * subcommands are in command_cmds.c.) */
#include <string.h>
#include <sys/time.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
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

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].  The final RDB save (SAVE,
 * or save points without NOSAVE) runs here through the persistence hook;
 * the rest of the shutdown runs from before_sleep.  On success the client
 * gets no reply, as with Valkey: its connection closes when the server
 * exits. */
void shutdown_command(Client *c) {
    int flags = SHUTDOWN_NOFLAGS, abort_req = 0;
    for (int i = 1; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        if (arg_equals(a, "nosave")) flags |= SHUTDOWN_NOSAVE;
        else if (arg_equals(a, "save")) flags |= SHUTDOWN_SAVE;
        else if (arg_equals(a, "now")) flags |= SHUTDOWN_NOW;
        else if (arg_equals(a, "force")) flags |= SHUTDOWN_FORCE;
        else if (arg_equals(a, "abort")) abort_req = 1;
        else {
            reply_syntax_error(c);
            return;
        }
    }
    if ((abort_req && flags != SHUTDOWN_NOFLAGS) || ((flags & SHUTDOWN_NOSAVE) && (flags & SHUTDOWN_SAVE))) {
        reply_syntax_error(c);
        return;
    }
    if (abort_req) {
        /* A shutdown here never waits (no replicas to catch up), so there
         * is never one in progress to abort. */
        reply_error(c, "No shutdown in progress.");
        return;
    }
    /* The final save runs now, so its failure can be the reply; the
     * shutdown sequence then has nothing left to save. */
    if (server.persist && server.persist->shutdown) {
        if (server.persist->shutdown(flags) == -1) {
            reply_error(c, "Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        flags = (flags & ~SHUTDOWN_SAVE) | SHUTDOWN_NOSAVE;
    }
    server.shutdown_flags = flags;
    server.shutdown_by_signal = 0;
    server.shutdown_asap = 1;
    c->flags |= CLIENT_CLOSE_ASAP;
}

/* ------------------------------------------ ROLE, LOLWUT, MODULE */

/* Always a primary with no replicas until replication exists. */
void role_command(Client *c) {
    reply_array_len(c, 3);
    reply_bulk_cstr(c, "master");
    reply_int(c, 0);
    reply_array_len(c, 0);
}

/* Our own art for LOLWUT: a field of tiles drawn by a small deterministic
 * generator (the same size draws the same picture): slopes thick at the
 * top thin out into calm tiles toward the bottom. */
static Str *lolwut_art(Str *out, long long cols, long long rows) {
    static const char tiles[] = "/\\_| .";
    uint32_t x = 2463534242u;
    for (long long r = 0; r < rows; r++) {
        int slope_share = 70 - (int)(r * 60 / rows);
        for (long long k = 0; k < cols; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            int pick = (int)((x >> 8) % 100);
            int idx = pick < slope_share ? (int)(x & 1) : 2 + (int)((x >> 3) % 4);
            out = str_cat(out, &tiles[idx], 1);
        }
        out = str_cat(out, "\n", 1);
    }
    return out;
}

/* LOLWUT [VERSION v] [columns [rows]]: the art, then the version line
 * Valkey 8.0 ends its output with ("Redis ver. " and its own version,
 * whatever extended-redis-compatibility says). */
void lolwut_command(Client *c) {
    int first = 1;
    if (c->argc >= 3 && arg_equals(&c->argv[1], "version")) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        first = 3;
    }
    long long dims[2] = {40, 10};
    for (int i = first, d = 0; i < c->argc && d < 2; i++, d++)
        if (!arg_to_ll(c, &c->argv[i], &dims[d])) return;
    /* Bound the drawing so nobody asks for gigabytes of slashes. */
    for (int d = 0; d < 2; d++) {
        if (dims[d] < 1) dims[d] = 1;
        if (dims[d] > 1000) dims[d] = 1000;
    }
    Str *s = lolwut_art(str_with_capacity(512), dims[0], dims[1]);
    s = str_catfmt(s, "Redis ver. %s\n", SERVER_VERSION);
    reply_verbatim(c, s->buf, s->len, "txt");
    str_free(s);
}

/* MODULE: this server loads no modules.  LIST is empty; LOAD and LOADEX
 * fail the way Valkey's do for a library it cannot load (and log why);
 * UNLOAD finds nothing to unload.  LOAD/LOADEX/UNLOAD are "protected":
 * dispatch.c checks enable-module-command before they get here. */
void module_list_command(Client *c) {
    reply_array_len(c, 0);
}

static void module_load_failed(Client *c) {
    server_log(LL_WARNING, "Module %.*s failed to load: this server does not load modules",
               (int)(c->argv[2].len < 256 ? c->argv[2].len : 256), c->argv[2].p);
    reply_error(c, "Error loading the extension. Please check the server logs.");
}

void module_load_command(Client *c) {
    module_load_failed(c);
}

/* MODULE LOADEX path [CONFIG name value ...] [ARGS args...] */
void module_loadex_command(Client *c) {
    for (int i = 3; i < c->argc; i++) {
        if (arg_equals(&c->argv[i], "config")) {
            if (i + 2 >= c->argc) {
                server_log(LL_NOTICE, "CONFIG specified without name value pair");
                reply_error(c, "Error loading the extension. Please check the server logs.");
                return;
            }
            i += 2;
        } else if (arg_equals(&c->argv[i], "args")) {
            break;
        } else {
            server_log(LL_NOTICE, "Syntax Error from arguments to loadex around %.*s.",
                       (int)(c->argv[i].len < 128 ? c->argv[i].len : 128), c->argv[i].p);
            reply_error(c, "Error loading the extension. Please check the server logs.");
            return;
        }
    }
    module_load_failed(c);
}

void module_unload_command(Client *c) {
    reply_error(c, "Error unloading module: no such module with that name");
}

void module_help_command(Client *c) {
    static const char *help[] = {
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}
