/* client_cmds.c - the CLIENT container: ID, SETNAME, GETNAME, SETINFO,
 * INFO, LIST, KILL, REPLY, PAUSE/UNPAUSE, UNBLOCK, NO-EVICT, NO-TOUCH,
 * CAPA and the tracking subcommands; plus the pause state the dispatcher
 * consults before running a command.
 *
 * Pause invariants:
 *  - while a pause is active, a command it covers is not run: the client
 *    is held back by blocked.c (BLOCKED_PAUSE, FIFO) with a copy of its
 *    command, and the loop goes on serving everyone else;
 *  - when the pause ends (CLIENT UNPAUSE or its deadline), the held
 *    clients run their commands in the order they were postponed, from
 *    before_sleep (so a command never runs inside another one);
 *  - a WRITE pause also holds back expiry deletions (lazy and active): a
 *    key past its TTL reads as missing but stays until the pause ends, so
 *    nothing is written while paused.
 *
 * The tracking subcommands parse and check their options here, in
 * Valkey's order of checks (so the same error wins); the state and the
 * invalidations are tracking.c's. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "multi.h"
#include "pubsub.h"
#include "tracking.h"
#include "timeout.h"
#include "../../deps/numconv/numconv.h"

/* ----------------------------------------------------------- names */

/* Client names may not contain spaces or control characters, since
 * CLIENT LIST prints them unquoted. */
int client_name_valid(Client *c, const Arg *name) {
    for (size_t i = 0; i < name->len; i++) {
        if (name->p[i] < '!' || name->p[i] > '~') {
            reply_error(c, "Client names cannot contain spaces, newlines or special characters.");
            return 0;
        }
    }
    return 1;
}

void client_name_set(Client *c, const Arg *name) {
    if (c->name) str_free(c->name);
    c->name = name->len ? str_new(name->p, name->len) : NULL;
}

/* ------------------------------------------------------- client lines */

/* Client types as CLIENT LIST/KILL TYPE name them; only normal clients
 * exist until replication and pub/sub do. */
enum { CTYPE_NORMAL = 0, CTYPE_REPLICA, CTYPE_PUBSUB, CTYPE_PRIMARY };

static int client_type_by_name(const Arg *a) {
    if (arg_equals(a, "normal")) return CTYPE_NORMAL;
    if (arg_equals(a, "replica") || arg_equals(a, "slave")) return CTYPE_REPLICA;
    if (arg_equals(a, "pubsub")) return CTYPE_PUBSUB;
    if (arg_equals(a, "master") || arg_equals(a, "primary")) return CTYPE_PRIMARY;
    return -1;
}

static int client_type(const Client *c) {
    return (c->flags & CLIENT_PUBSUB) ? CTYPE_PUBSUB : CTYPE_NORMAL;
}

void client_format_info(Client *c, Str **out) {
    const char *cmd = c->last_cmd ? c->last_cmd->fullname : "NULL";
    char flags[16];
    int nf = 0;
    /* Letters in the order Valkey prints them. */
    if (c->flags & CLIENT_MONITOR) flags[nf++] = 'O';
    if (c->flags & CLIENT_PUBSUB) flags[nf++] = 'P';
    if (c->flags & CLIENT_MULTI) flags[nf++] = 'x';
    if (c->flags & CLIENT_BLOCKED) flags[nf++] = 'b';
    if (c->flags & CLIENT_TRACKING) flags[nf++] = 't';
    if (c->tracking && (c->tracking->flags & TRACKING_BROKEN)) flags[nf++] = 'R';
    if (c->tracking && (c->tracking->flags & TRACKING_BCAST)) flags[nf++] = 'B';
    if (c->flags & CLIENT_DIRTY_CAS) flags[nf++] = 'd';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) flags[nf++] = 'c';
    if (c->flags & CLIENT_CLOSE_ASAP) flags[nf++] = 'A';
    if (c->flags & CLIENT_UNIX_SOCKET) flags[nf++] = 'U';
    if (c->flags & CLIENT_NO_EVICT) flags[nf++] = 'e';
    if (c->flags & CLIENT_NO_TOUCH) flags[nf++] = 'T';
    if (!nf) flags[nf++] = 'N';
    flags[nf] = '\0';
    char events[3];
    int ne = 0;
    int mask = c->fd != -1 ? ev_file_mask(server.loop, c->fd) : 0;
    if (mask & EV_READABLE) events[ne++] = 'r';
    if (mask & EV_WRITABLE) events[ne++] = 'w';
    events[ne] = '\0';
    int64_t age = (server.now_ms - c->ctime_ms) / 1000;
    int64_t idle = (server.now_ms - c->last_interaction_ms) / 1000;
    size_t oll = 0, omem = 0;
    for (ReplyBlock *b = c->reply_head; b; b = b->next) {
        oll++;
        omem += b->size;
    }
    /* argv-mem: the arguments of the command being run (views into the
     * query buffer here, so their bytes plus the argv array). */
    size_t argv_mem = 0;
    if (c->argc > 0) {
        for (int i = 0; i < c->argc; i++) argv_mem += c->argv[i].len;
    }
    size_t rbp = c->obuf_peak > c->opos ? c->obuf_peak : c->opos;
    /* Only the input buffer the client owns counts: while its input is
     * being processed in the shared buffer, that is nothing. */
    size_t qowned = client_qbuf_owned(c);
    size_t tot_mem = sizeof(Client) + qowned + c->obuf_size + omem + (size_t)c->argv_cap * sizeof(Arg);
    long long sub, psub, ssub;
    pubsub_client_counts(c, &sub, &psub, &ssub);
    *out = str_catfmt(*out,
                      "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%lld psub=%lld "
                      "ssub=%lld multi=%lld watch=%lld qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=0 rbs=%zu rbp=%zu obl=%zu "
                      "oll=%zu omem=%zu tot-mem=%zu events=%s cmd=%s user=default redir=%lld resp=%d lib-name=%s "
                      "lib-ver=%s tot-net-in=%llu tot-net-out=%llu tot-cmds=%llu",
                      (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name->buf : "",
                      (long long)age, (long long)idle, flags, c->db->id, sub, psub, ssub, multi_client_queued(c),
                      multi_client_watched(c), c->qlen, qowned ? qowned - c->qlen : 0,
                      argv_mem, c->obuf_size, rbp, c->opos, oll, omem, tot_mem, events, cmd,
                      c->tracking ? (long long)c->tracking->redirect_id : -1LL, c->resp,
                      c->lib_name ? c->lib_name->buf : "", c->lib_ver ? c->lib_ver->buf : "",
                      (unsigned long long)c->net_in, (unsigned long long)c->net_out,
                      (unsigned long long)c->commands_processed);
}

static Client *client_by_id(uint64_t id) {
    for (Client *x = server.clients; x; x = x->next)
        if (x->id == id) return x;
    return NULL;
}

/* -------------------------------------------------- simple subcommands */

void client_id_command(Client *c) {
    reply_int(c, (long long)c->id);
}

void client_setname_command(Client *c) {
    if (!client_name_valid(c, &c->argv[2])) return;
    client_name_set(c, &c->argv[2]);
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

/* One client's line, written straight into the reply. */
static size_t list_line(Client *c, Client *x, Str **line) {
    str_clear(*line);
    client_format_info(x, line);
    *line = str_cat(*line, "\n", 1);
    reply_raw(c, (*line)->buf, (*line)->len);
    return (*line)->len;
}

/* CLIENT LIST [TYPE type] | [ID id [id ...]]: the lines go into the reply
 * as they are formatted, under a deferred length, so a server with
 * thousands of clients builds no big temporary string. */
void client_list_command(Client *c) {
    int type = -1;
    int by_id = 0;
    if (c->argc == 4 && arg_equals(&c->argv[2], "type")) {
        type = client_type_by_name(&c->argv[3]);
        if (type == -1) {
            reply_errorf(c, "Unknown client type '%.*s'", (int)(c->argv[3].len < 128 ? c->argv[3].len : 128),
                         c->argv[3].p);
            return;
        }
    } else if (c->argc > 3 && arg_equals(&c->argv[2], "id")) {
        for (int i = 3; i < c->argc; i++) {
            long long id;
            if (!arg_to_ll_msg(c, &c->argv[i], &id, "Invalid client ID")) return;
        }
        by_id = 1;
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    Str *line = str_with_capacity(256);
    size_t total = 0;
    ReplyDeferred d = reply_deferred_len(c);
    if (by_id) {
        /* In the order asked, ids that match no client skipped. */
        for (int i = 3; i < c->argc; i++) {
            long long id;
            str_to_ll(c->argv[i].p, c->argv[i].len, &id);
            Client *x = client_by_id((uint64_t)id);
            if (x && !(x->flags & CLIENT_CLOSE_ASAP)) total += list_line(c, x, &line);
        }
    } else {
        /* Oldest first, as Valkey lists them. */
        Client *last = server.clients;
        while (last && last->next) last = last->next;
        for (Client *x = last; x; x = x->prev) {
            if (x->flags & CLIENT_CLOSE_ASAP) continue;
            if (type != -1 && client_type(x) != type) continue;
            total += list_line(c, x, &line);
        }
    }
    reply_set_deferred_verbatim_len(c, d, total, "txt");
    reply_raw(c, "\r\n", 2);
    str_free(line);
}

/* ------------------------------------------------------------- KILL */

typedef struct KillFilter {
    uint64_t id;           /* 0: any */
    int type;              /* -1: any */
    const Arg *addr, *laddr, *user;
    int skipme;
    long long maxage;      /* seconds (> 0); 0: no age filter */
} KillFilter;

static int arg_is(const Arg *a, const char *s) {
    return a->len == strlen(s) && memcmp(a->p, s, a->len) == 0;
}

static int kill_matches(const KillFilter *f, Client *self, Client *x) {
    if (x->flags & CLIENT_CLOSE_ASAP) return 0;
    if (f->id && x->id != f->id) return 0;
    if (f->type != -1 && client_type(x) != f->type) return 0;
    if (f->addr && !arg_is(f->addr, x->addr)) return 0;
    if (f->laddr && !arg_is(f->laddr, x->laddr)) return 0;
    if (f->user && !arg_is(f->user, "default")) return 0;
    if (f->skipme && x == self) return 0;
    /* Older than maxage seconds; a huge maxage just matches nobody. */
    if (f->maxage && (server.now_ms - x->ctime_ms) / 1000 <= f->maxage) return 0;
    return 1;
}

static void kill_one(Client *self, Client *x) {
    /* The caller itself still gets its reply, then the connection closes. */
    if (x == self) self->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else client_close_async(x);
}

/* CLIENT KILL addr | CLIENT KILL <filter> <value> [<filter> <value> ...] */
void client_kill_command(Client *c) {
    KillFilter f = {0, -1, NULL, NULL, NULL, 1, 0};
    if (c->argc == 3) {
        /* The old form names one address, and may name the caller. */
        f.addr = &c->argv[2];
        f.skipme = 0;
        for (Client *x = server.clients; x; x = x->next) {
            if (kill_matches(&f, c, x)) {
                kill_one(c, x);
                reply_ok(c);
                return;
            }
        }
        reply_error(c, "No such client");
        return;
    }
    for (int i = 2; i < c->argc; i += 2) {
        const Arg *opt = &c->argv[i];
        if (i + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        const Arg *val = &c->argv[i + 1];
        if (arg_equals(opt, "id")) {
            long long id;
            if (!str_to_ll(val->p, val->len, &id) || id < 1) {
                reply_error(c, "client-id should be greater than 0");
                return;
            }
            f.id = (uint64_t)id;
        } else if (arg_equals(opt, "type")) {
            f.type = client_type_by_name(val);
            if (f.type == -1) {
                reply_errorf(c, "Unknown client type '%.*s'", (int)(val->len < 128 ? val->len : 128), val->p);
                return;
            }
        } else if (arg_equals(opt, "addr")) {
            f.addr = val;
        } else if (arg_equals(opt, "laddr")) {
            f.laddr = val;
        } else if (arg_equals(opt, "user")) {
            /* Only the default user exists until ACLs do. */
            if (!arg_is(val, "default")) {
                reply_errorf(c, "No such user '%.*s'", (int)(val->len < 128 ? val->len : 128), val->p);
                return;
            }
            f.user = val;
        } else if (arg_equals(opt, "skipme")) {
            if (arg_equals(val, "yes")) f.skipme = 1;
            else if (arg_equals(val, "no")) f.skipme = 0;
            else {
                reply_syntax_error(c);
                return;
            }
        } else if (arg_equals(opt, "maxage")) {
            long long age;
            if (!str_to_ll(val->p, val->len, &age)) {
                reply_error(c, "maxage is not an integer or out of range");
                return;
            }
            if (age <= 0) {
                reply_error(c, "maxage should be greater than 0");
                return;
            }
            f.maxage = age;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    long long killed = 0;
    for (Client *x = server.clients; x; x = x->next) {
        if (kill_matches(&f, c, x)) {
            kill_one(c, x);
            killed++;
        }
    }
    reply_int(c, killed);
}

/* ------------------------------------------------------------ REPLY */

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

/* CLIENT CAPA <capability> ...: unknown capabilities are ignored, as
 * clients announce what they can do without knowing the server. */
void client_capa_command(Client *c) {
    for (int i = 2; i < c->argc; i++)
        if (arg_equals(&c->argv[i], "redirect")) c->flags |= CLIENT_CAPA_REDIRECT;
    reply_ok(c);
}

/* ------------------------------------------------------------ PAUSE */

static long long pause_timer_proc(EventLoop *loop, long long id, void *data) {
    (void)loop;
    (void)id;
    (void)data;
    server.pause_timer_id = -1;
    server_update_time();
    pause_check_timeout();
    return EV_NOMORE;
}

int pause_blocks_expire(void) {
    return server.pause_type != PAUSE_NONE && server.now_ms < server.pause_end_ms;
}

/* A new pause replaces the type of the current one and keeps the later of
 * the two deadlines, as Valkey does. */
void pause_clients(int type, int64_t end_ms) {
    server.pause_type = type;
    if (end_ms > server.pause_end_ms || server.pause_timer_id == -1) {
        if (end_ms > server.pause_end_ms) server.pause_end_ms = end_ms;
        if (server.pause_timer_id != -1) ev_del_timer(server.loop, server.pause_timer_id);
        int64_t wait = server.pause_end_ms - server.now_ms;
        server.pause_timer_id = ev_add_timer(server.loop, wait > 0 ? wait : 0, pause_timer_proc, NULL);
    }
}

void unpause_clients(void) {
    server.pause_type = PAUSE_NONE;
    server.pause_end_ms = 0;
    if (server.pause_timer_id != -1) ev_del_timer(server.loop, server.pause_timer_id);
    server.pause_timer_id = -1;
}

void pause_check_timeout(void) {
    if (server.pause_type != PAUSE_NONE && server.now_ms >= server.pause_end_ms) unpause_clients();
}

int pause_applies(Client *c) {
    if (server.pause_type == PAUSE_NONE) return 0;
    pause_check_timeout();
    if (server.pause_type == PAUSE_ALL) return 1;
    if (server.pause_type == PAUSE_WRITE) {
        /* EXEC writes when a queued command does. */
        uint64_t flags = c->cmd->flags | (c->cmd->proc == exec_command ? multi_queued_flags(c) : 0);
        return (flags & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
    }
    return 0;
}

/* CLIENT PAUSE timeout [WRITE|ALL] */
void client_pause_command(Client *c) {
    int64_t end;
    int type = PAUSE_ALL;
    if (!timeout_arg_to_abs_ms(c, &c->argv[2], TIMEOUT_UNIT_MS, &end)) return;
    if (c->argc == 4) {
        if (arg_equals(&c->argv[3], "write")) type = PAUSE_WRITE;
        else if (arg_equals(&c->argv[3], "all")) type = PAUSE_ALL;
        else {
            reply_error(c, "CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    } else if (c->argc > 4) {
        reply_syntax_error(c);
        return;
    }
    /* A zero timeout is a pause that ends now (not one without end). */
    pause_clients(type, end ? end : server.now_ms);
    reply_ok(c);
}

void client_unpause_command(Client *c) {
    /* The reply goes out before the postponed commands run, in order. */
    reply_ok(c);
    unpause_clients();
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of a client blocked on
 * keys (BLPOP...), with its timeout reply or an UNBLOCKED error.  A client
 * held by CLIENT PAUSE is not unblocked by this (as in Valkey). */
void client_unblock_command(Client *c) {
    long long id;
    int how = UNBLOCK_TIMEOUT;
    if (!arg_to_ll(c, &c->argv[2], &id)) return;
    if (c->argc == 4) {
        if (arg_equals(&c->argv[3], "timeout")) how = UNBLOCK_TIMEOUT;
        else if (arg_equals(&c->argv[3], "error")) how = UNBLOCK_ERROR;
        else {
            reply_error(c, "CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if (c->argc > 4) {
        reply_syntax_error(c);
        return;
    }
    Client *x = client_by_id((uint64_t)id);
    if (x && (x->flags & CLIENT_BLOCKED) && x->bstate.reason == BLOCKED_KEYS) {
        unblock_client(x, how);
        reply_int(c, 1);
    } else {
        reply_int(c, 0);
    }
}

/* --------------------------------------------------------- tracking */

/* CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN]
 * [OPTOUT] [NOLOOP].  Every option is parsed (and REDIRECT's client looked
 * up) before ON or OFF is read, as Valkey does: OFF with a bad option is an
 * error too. */
void client_tracking_command(Client *c) {
    Client *redirect_to = NULL;
    unsigned options = 0;
    int nprefixes = 0;
    Arg *prefixes = mem_alloc(sizeof(Arg) * (size_t)c->argc);
    for (int j = 3; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const Arg *a = &c->argv[j];
        if (arg_equals(a, "redirect") && more) {
            j++;
            if (redirect_to) {
                reply_error(c, "A client can only redirect to a single other client");
                goto done;
            }
            long long id;
            if (!arg_to_ll(c, &c->argv[j], &id)) goto done;
            redirect_to = id > 0 ? client_by_id((uint64_t)id) : NULL;
            if (!redirect_to) {
                reply_error(c, "The client ID you want redirect to does not exist");
                goto done;
            }
        } else if (arg_equals(a, "bcast")) {
            options |= TRACKING_BCAST;
        } else if (arg_equals(a, "optin")) {
            options |= TRACKING_OPTIN;
        } else if (arg_equals(a, "optout")) {
            options |= TRACKING_OPTOUT;
        } else if (arg_equals(a, "noloop")) {
            options |= TRACKING_NOLOOP;
        } else if (arg_equals(a, "prefix") && more) {
            prefixes[nprefixes++] = c->argv[++j];
        } else {
            reply_syntax_error(c);
            goto done;
        }
    }
    if (arg_equals(&c->argv[2], "on")) {
        unsigned cur = c->tracking ? c->tracking->flags : 0;
        if (!(options & TRACKING_BCAST) && nprefixes) {
            reply_error(c, "PREFIX option requires BCAST mode to be enabled");
            goto done;
        }
        if (c->tracking && (cur & TRACKING_BCAST) != (options & TRACKING_BCAST)) {
            reply_error(c, "You can't switch BCAST mode on/off before disabling tracking for this client, and then "
                           "re-enabling it with a different mode.");
            goto done;
        }
        if ((options & TRACKING_BCAST) && (options & (TRACKING_OPTIN | TRACKING_OPTOUT))) {
            reply_error(c, "OPTIN and OPTOUT are not compatible with BCAST");
            goto done;
        }
        if ((options & TRACKING_OPTIN) && (options & TRACKING_OPTOUT)) {
            reply_error(c, "You can't specify both OPTIN mode and OPTOUT mode");
            goto done;
        }
        if (((options & TRACKING_OPTIN) && (cur & TRACKING_OPTOUT)) ||
            ((options & TRACKING_OPTOUT) && (cur & TRACKING_OPTIN))) {
            reply_error(c, "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
                           "re-enabling it with a different mode.");
            goto done;
        }
        if (!tracking_enable(c, redirect_to, options, prefixes, nprefixes)) goto done;
    } else if (arg_equals(&c->argv[2], "off")) {
        tracking_disable(c);
    } else {
        reply_syntax_error(c);
        goto done;
    }
    reply_ok(c);
done:
    mem_free(prefixes);
}

/* A map of flags (a set), redirect and prefixes, in Valkey's order. */
void client_trackinginfo_command(Client *c) {
    const ClientTracking *ct = c->tracking;
    unsigned f = ct ? ct->flags : 0;
    const char *names[8];
    int n = 0;
    names[n++] = ct ? "on" : "off";
    if (f & TRACKING_BCAST) names[n++] = "bcast";
    if (f & TRACKING_OPTIN) {
        names[n++] = "optin";
        if (f & TRACKING_CACHING) names[n++] = "caching-yes";
    }
    if (f & TRACKING_OPTOUT) {
        names[n++] = "optout";
        if (f & TRACKING_CACHING) names[n++] = "caching-no";
    }
    if (f & TRACKING_NOLOOP) names[n++] = "noloop";
    if (f & TRACKING_BROKEN) names[n++] = "broken_redirect";
    reply_map_len(c, 3);
    reply_bulk_cstr(c, "flags");
    reply_set_len(c, n);
    for (int i = 0; i < n; i++) reply_bulk_cstr(c, names[i]);
    reply_bulk_cstr(c, "redirect");
    reply_int(c, ct ? (long long)ct->redirect_id : -1);
    reply_bulk_cstr(c, "prefixes");
    reply_array_len(c, ct ? ct->nprefixes : 0);
    for (int i = 0; ct && i < ct->nprefixes; i++) reply_bulk_str(c, ct->prefixes[i]);
}

/* -1 when not tracking, 0 when tracking without REDIRECT. */
void client_getredir_command(Client *c) {
    reply_int(c, c->tracking ? (long long)c->tracking->redirect_id : -1);
}

/* CLIENT CACHING YES (OPTIN) / NO (OPTOUT): the next command (or
 * transaction) is remembered, or not, against the mode's default. */
void client_caching_command(Client *c) {
    ClientTracking *ct = c->tracking;
    if (!ct) {
        reply_error(c, "CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT "
                       "mode enabled");
        return;
    }
    if (arg_equals(&c->argv[2], "yes")) {
        if (!(ct->flags & TRACKING_OPTIN)) {
            reply_error(c, "CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            return;
        }
    } else if (arg_equals(&c->argv[2], "no")) {
        if (!(ct->flags & TRACKING_OPTOUT)) {
            reply_error(c, "CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            return;
        }
    } else {
        reply_syntax_error(c);
        return;
    }
    ct->flags |= TRACKING_CACHING;
    reply_ok(c);
}

/* ------------------------------------------------------------- HELP */

void client_help_command(Client *c) {
    static const char *help[] = {
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "CAPA <option> [options...]",
        "    The client claims its some capability options. Options are:",
        "    * REDIRECT",
        "      The client can handle redirection during primary and replica failover in standalone mode.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * MAXAGE <maxage>",
        "      Kill connections older than the specified age.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}
