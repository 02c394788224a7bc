/* conn_cmds.c - connection commands: PING, ECHO, QUIT, RESET, HELLO and
 * AUTH (the CLIENT container is in client_cmds.c).
 *
 * Only the default user exists (no ACLs yet): with requirepass unset it
 * needs no password; with it set, AUTH/HELLO AUTH must name it (or no
 * user) and give that password. */
#include <string.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "../../deps/numconv/numconv.h"

void ping_command(Client *c) {
    if (c->argc > 2) {
        reply_wrong_arity(c, "ping");
        return;
    }
    if (c->argc == 2) reply_bulk(c, c->argv[1].p, c->argv[1].len);
    else reply_raw(c, "+PONG\r\n", 7);
}

void echo_command(Client *c) {
    reply_bulk(c, c->argv[1].p, c->argv[1].len);
}

void quit_command(Client *c) {
    reply_ok(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* Constant-time comparison, so the reply time says nothing about how much
 * of a password was right. */
static int password_matches(const Arg *given) {
    const char *want = server.cfg.requirepass;
    size_t wlen = strlen(want);
    unsigned diff = (unsigned)(wlen ^ given->len);
    for (size_t i = 0; i < given->len; i++) diff |= (unsigned)(given->p[i] ^ want[i % (wlen ? wlen : 1)]);
    return diff == 0 && wlen == given->len;
}

/* Returns 1 when user/password are right; replies with the error if not. */
static int check_credentials(Client *c, const Arg *user, const Arg *pass) {
    if (!server.cfg.requirepass) {
        if (!user || arg_equals(user, "default")) {
            /* Without a password the default user accepts anything... but
             * AUTH with only a password is refused as Valkey does. */
            if (!user) {
                reply_error(c, "AUTH <password> called without any password configured for the default user. "
                               "Are you sure your configuration is correct?");
                return 0;
            }
            return 1;
        }
    } else if ((!user || arg_equals(user, "default")) && password_matches(pass)) {
        return 1;
    }
    reply_error(c, "-WRONGPASS invalid username-password pair or user is disabled.");
    return 0;
}

void auth_command(Client *c) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    const Arg *user = c->argc == 3 ? &c->argv[1] : NULL;
    const Arg *pass = &c->argv[c->argc - 1];
    if (!check_credentials(c, user, pass)) return;
    c->flags |= CLIENT_AUTHENTICATED;
    reply_ok(c);
}

void hello_command(Client *c) {
    long long ver = 0;
    int next = 1;
    if (c->argc >= 2) {
        if (!str_to_ll(c->argv[1].p, c->argv[1].len, &ver)) {
            reply_error(c, "Protocol version is not an integer or out of range");
            return;
        }
        next = 2;
        if (ver < 2 || ver > 3) {
            reply_error(c, "-NOPROTO unsupported protocol version");
            return;
        }
    }
    const Arg *user = NULL, *pass = NULL, *name = NULL;
    for (int i = next; i < c->argc; i++) {
        int more = c->argc - i - 1;
        if (arg_equals(&c->argv[i], "auth") && more >= 2) {
            user = &c->argv[i + 1];
            pass = &c->argv[i + 2];
            i += 2;
        } else if (arg_equals(&c->argv[i], "setname") && more >= 1) {
            name = &c->argv[++i];
            if (!client_name_valid(c, name)) return;
        } else {
            reply_errorf(c, "Syntax error in HELLO option '%.*s'", (int)(c->argv[i].len < 128 ? c->argv[i].len : 128),
                         c->argv[i].p);
            return;
        }
    }
    if (user) {
        if (!check_credentials(c, user, pass)) return;
        c->flags |= CLIENT_AUTHENTICATED;
    }
    if (!(c->flags & CLIENT_AUTHENTICATED)) {
        reply_error(c, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                       "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
                       "RESP protocol version at the same time");
        return;
    }
    if (name) client_name_set(c, name);
    if (ver) c->resp = (int)ver;
    int redis_compat = 0;
    {
        char *v = config_get_value("extended-redis-compatibility");
        if (v) {
            redis_compat = strcmp(v, "yes") == 0;
            mem_free(v);
        }
    }
    reply_map_len(c, 7);
    reply_bulk_cstr(c, "server");
    reply_bulk_cstr(c, redis_compat ? "redis" : SERVER_NAME);
    reply_bulk_cstr(c, "version");
    reply_bulk_cstr(c, redis_compat ? REDIS_COMPAT_VERSION : SERVER_VERSION);
    reply_bulk_cstr(c, "proto");
    reply_int(c, c->resp);
    reply_bulk_cstr(c, "id");
    reply_int(c, (long long)c->id);
    reply_bulk_cstr(c, "mode");
    reply_bulk_cstr(c, "standalone");
    reply_bulk_cstr(c, "role");
    reply_bulk_cstr(c, "master");
    reply_bulk_cstr(c, "modules");
    reply_array_len(c, 0);
}

void reset_command(Client *c) {
    /* RESET leaves MONITOR mode too, as Valkey does. */
    if (c->flags & CLIENT_MONITOR) monitor_remove(c);
    client_select_db(c, 0);
    c->resp = server.cfg.client_default_resp;
    if (c->name) {
        str_free(c->name);
        c->name = NULL;
    }
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_TOUCH | CLIENT_NO_EVICT);
    if (server.cfg.requirepass) c->flags &= ~CLIENT_AUTHENTICATED;
    reply_simple(c, "RESET");
}
