/* conn_cmds.c - connection commands: PING, ECHO, QUIT, RESET, HELLO and
 * AUTH (the CLIENT container is in client_cmds.c), and the log of denied
 * accesses that ACL LOG shows.
 *
 * Only the default user exists (no ACLs yet): with requirepass unset it
 * needs no password; with it set, AUTH/HELLO AUTH must name it (or no
 * user) and give that password, compared byte for byte (a password may
 * hold NULs).  Each failure counts in INFO's acl_access_denied_auth and
 * leaves an entry in the log.
 *
 * The log: newest first, at most acllog-max-len entries; a failure like
 * one logged less than a minute ago (same reason, context, object and
 * user) updates that entry (count, time, client) instead of adding one,
 * as Valkey groups them. */
#include <string.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "multi.h"
#include "pubsub.h"
#include "tracking.h"
#include "../../deps/numconv/numconv.h"

void ping_command(Client *c) {
    if (c->argc > 2) {
        reply_wrong_arity(c, "ping");
        return;
    }
    /* A RESP2 subscriber gets its answer in the shape of a message. */
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2) {
        reply_array_len(c, 2);
        reply_bulk(c, "pong", 4);
        if (c->argc == 2) reply_bulk(c, c->argv[1].p, c->argv[1].len);
        else reply_bulk(c, "", 0);
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

/* --------------------------------------------------------- denied log */

#define ACL_LOG_GROUP_MS 60000

static AclLogEntry *acl_log_head;
static uint64_t acl_log_len;
static uint64_t acl_log_next_id;

static void acl_log_entry_free(AclLogEntry *e) {
    str_free(e->object);
    str_free(e->username);
    str_free(e->client_info);
    mem_free(e);
}

static void acl_log_trim(uint64_t max) {
    AclLogEntry **pp = &acl_log_head;
    for (uint64_t i = 0; *pp && i < max; i++) pp = &(*pp)->next;
    while (*pp) {
        AclLogEntry *e = *pp;
        *pp = e->next;
        acl_log_entry_free(e);
        acl_log_len--;
    }
}

void acl_log_add(Client *c, int reason, const char *object, size_t olen, const char *user, size_t ulen) {
    int context = (c->flags & CLIENT_MULTI) ? ACL_LOG_CTX_MULTI : ACL_LOG_CTX_TOPLEVEL;
    Str *info = str_with_capacity(256);
    client_format_info(c, &info);
    /* A recent entry for the same thing is updated and moved to the front. */
    AclLogEntry **pp = &acl_log_head;
    for (AclLogEntry *e = acl_log_head; e; pp = &e->next, e = e->next) {
        if (e->reason == reason && e->context == context && e->object->len == olen &&
            memcmp(e->object->buf, object, olen) == 0 && e->username->len == ulen &&
            memcmp(e->username->buf, user, ulen) == 0 && server.now_ms - e->updated_ms < ACL_LOG_GROUP_MS) {
            e->count++;
            e->updated_ms = server.now_ms;
            str_free(e->client_info);
            e->client_info = info;
            *pp = e->next;
            e->next = acl_log_head;
            acl_log_head = e;
            return;
        }
    }
    AclLogEntry *e = mem_calloc(sizeof(*e));
    e->id = acl_log_next_id++;
    e->count = 1;
    e->reason = reason;
    e->context = context;
    e->object = str_new(object, olen);
    e->username = str_new(user, ulen);
    e->client_info = info;
    e->created_ms = e->updated_ms = server.now_ms;
    e->next = acl_log_head;
    acl_log_head = e;
    acl_log_len++;
    acl_log_trim(server.cfg.acllog_max_len);
}

const AclLogEntry *acl_log_entries(void) {
    acl_log_trim(server.cfg.acllog_max_len); /* acllog-max-len may have shrunk */
    return acl_log_head;
}

void acl_log_reset(void) {
    acl_log_trim(0);
}

/* ------------------------------------------------------ authentication */

/* Constant-time comparison, so the reply time says nothing about how much
 * of a password was right. */
static int password_matches(const Arg *given) {
    const Str *want = server.cfg.requirepass;
    size_t wlen = want->len;
    unsigned diff = (unsigned)(wlen ^ given->len);
    for (size_t i = 0; i < given->len; i++)
        diff |= (unsigned)((unsigned char)given->p[i] ^ (unsigned char)want->buf[i % (wlen ? wlen : 1)]);
    return diff == 0 && wlen == given->len;
}

/* A failed AUTH / HELLO AUTH: counted and logged under the user tried. */
static void auth_failed(Client *c, const Arg *user) {
    server.stat.acl_denied_auth++;
    const char *u = user ? user->p : "default";
    size_t ulen = user ? user->len : 7;
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, u, ulen);
}

static int is_default_user(const Arg *user) {
    /* User names are case-sensitive. */
    return !user || (user->len == 7 && memcmp(user->p, "default", 7) == 0);
}

/* Returns 1 when user/password are right; replies with the error if not. */
static int check_credentials(Client *c, const Arg *user, const Arg *pass) {
    if (!server.cfg.requirepass) {
        if (!user) {
            /* Without a password the default user accepts anything... but
             * AUTH with only a password is refused as Valkey does. */
            reply_error(c, "AUTH <password> called without any password configured for the default user. "
                           "Are you sure your configuration is correct?");
            return 0;
        }
        if (is_default_user(user)) return 1;
    } else if (is_default_user(user) && password_matches(pass)) {
        return 1;
    }
    auth_failed(c, user);
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
    c->flags = (c->flags | CLIENT_AUTHENTICATED) & ~CLIENT_AUTH_NOPASS;
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
        c->flags = (c->flags | CLIENT_AUTHENTICATED) & ~CLIENT_AUTH_NOPASS;
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
    /* And any transaction, watch and subscription. */
    multi_client_free(c);
    pubsub_client_free(c);
    tracking_disable(c);
    client_select_db(c, 0);
    c->resp = server.cfg.client_default_resp;
    if (c->name) {
        str_free(c->name);
        c->name = NULL;
    }
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_TOUCH | CLIENT_NO_EVICT);
    /* Back to the default user as a new connection finds it. */
    c->flags &= ~(CLIENT_AUTHENTICATED | CLIENT_AUTH_NOPASS);
    if (!server.cfg.requirepass) c->flags |= CLIENT_AUTHENTICATED;
    reply_simple(c, "RESET");
}
