/* conn_cmds.c - connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH
 * and the CLIENT subcommands a client library sends when it connects
 * (ID, SETNAME, GETNAME, SETINFO, INFO, LIST, REPLY, NO-TOUCH, NO-EVICT). */
#include <string.h>

#include "server.h"
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

/* Client names may not contain spaces or control characters, since
 * CLIENT LIST prints them unquoted. */
static int valid_client_name(Client *c, const Arg *name) {
    for (size_t i = 0; i < name->len; i++) {
        if (name->p[i] < '!' || name->p[i] > '~') {
            reply_error(c, "Client names cannot contain spaces, newlines or special characters.");
            return 0;
        }
    }
    return 1;
}

static void set_client_name(Client *c, const Arg *name) {
    if (c->name) str_free(c->name);
    c->name = name->len ? str_new(name->p, name->len) : NULL;
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
            if (!valid_client_name(c, name)) return;
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
    if (name) set_client_name(c, name);
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
    client_select_db(c, 0);
    c->resp = 2;
    if (c->name) {
        str_free(c->name);
        c->name = NULL;
    }
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_TOUCH | CLIENT_NO_EVICT);
    if (server.cfg.requirepass) c->flags &= ~CLIENT_AUTHENTICATED;
    reply_simple(c, "RESET");
}

/* -------------------------------------------------------------- CLIENT */

void client_format_info(Client *c, Str **out) {
    const char *cmd = c->last_cmd ? c->last_cmd->fullname : "NULL";
    char flags[16];
    int nf = 0;
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) flags[nf++] = 'c';
    if (c->flags & CLIENT_CLOSE_ASAP) flags[nf++] = 'A';
    if (c->flags & CLIENT_UNIX_SOCKET) flags[nf++] = 'U';
    if (c->flags & CLIENT_NO_EVICT) flags[nf++] = 'e';
    if (c->flags & CLIENT_NO_TOUCH) flags[nf++] = 'T';
    if (!nf) flags[nf++] = 'N';
    flags[nf] = '\0';
    int64_t age = (server.now_ms - c->ctime_ms) / 1000;
    int64_t idle = (server.now_ms - c->last_interaction_ms) / 1000;
    size_t obl = c->opos, oll = 0, omem = 0;
    for (ReplyBlock *b = c->reply_head; b; b = b->next) {
        oll++;
        omem += b->size;
    }
    size_t tot_mem = sizeof(Client) + c->qcap + CLIENT_REPLY_CHUNK + omem;
    *out = str_catfmt(*out,
                      "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=0 psub=0 ssub=0 "
                      "multi=-1 watch=0 qbuf=%zu qbuf-free=%zu argv-mem=0 multi-mem=0 rbs=%d rbp=%zu obl=%zu oll=%zu "
                      "omem=%zu tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
                      (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name->buf : "",
                      (long long)age, (long long)idle, flags, c->db->id, c->qlen, c->qcap - c->qlen,
                      CLIENT_REPLY_CHUNK, c->qbuf_peak, obl, oll, omem, tot_mem, cmd, c->resp,
                      c->lib_name ? c->lib_name->buf : "", c->lib_ver ? c->lib_ver->buf : "");
}

void client_id_command(Client *c) {
    reply_int(c, (long long)c->id);
}

void client_setname_command(Client *c) {
    if (!valid_client_name(c, &c->argv[2])) return;
    set_client_name(c, &c->argv[2]);
    reply_ok(c);
}

void client_getname_command(Client *c) {
    if (c->name) reply_bulk_str(c, c->name);
    else reply_null(c);
}

void client_setinfo_command(Client *c) {
    const Arg *attr = &c->argv[2], *val = &c->argv[3];
    Str **slot;
    if (arg_equals(attr, "lib-name")) slot = &c->lib_name;
    else if (arg_equals(attr, "lib-ver")) slot = &c->lib_ver;
    else {
        reply_errorf(c, "Unrecognized option '%.*s'", (int)(attr->len < 128 ? attr->len : 128), attr->p);
        return;
    }
    for (size_t i = 0; i < val->len; i++) {
        if (val->p[i] < '!' || val->p[i] > '~') {
            reply_errorf(c, "%s cannot contain spaces, newlines or special characters.",
                         slot == &c->lib_name ? "lib-name" : "lib-ver");
            return;
        }
    }
    if (*slot) str_free(*slot);
    *slot = val->len ? str_new(val->p, val->len) : NULL;
    reply_ok(c);
}

void client_info_command(Client *c) {
    Str *s = str_with_capacity(256);
    client_format_info(c, &s);
    s = str_cat(s, "\n", 1);
    reply_verbatim(c, s->buf, s->len, "txt");
    str_free(s);
}

void client_list_command(Client *c) {
    Str *s = str_with_capacity(1024);
    /* Oldest first, as Valkey lists them. */
    Client *last = server.clients;
    while (last && last->next) last = last->next;
    for (Client *x = last; x; x = x->prev) {
        client_format_info(x, &s);
        s = str_cat(s, "\n", 1);
    }
    reply_verbatim(c, s->buf, s->len, "txt");
    str_free(s);
}

void client_reply_command(Client *c) {
    const Arg *mode = &c->argv[2];
    if (arg_equals(mode, "on")) {
        c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
        reply_ok(c);
    } else if (arg_equals(mode, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (arg_equals(mode, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF)) c->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        reply_syntax_error(c);
    }
}

static void client_flag_toggle(Client *c, uint32_t flag) {
    if (arg_equals(&c->argv[2], "on")) c->flags |= flag;
    else if (arg_equals(&c->argv[2], "off")) c->flags &= ~flag;
    else {
        reply_syntax_error(c);
        return;
    }
    reply_ok(c);
}

void client_no_touch_command(Client *c) { client_flag_toggle(c, CLIENT_NO_TOUCH); }
void client_no_evict_command(Client *c) { client_flag_toggle(c, CLIENT_NO_EVICT); }

void client_help_command(Client *c) {
    static const char *help[] = {
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "LIST",
        "    Return information about client connections.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}
