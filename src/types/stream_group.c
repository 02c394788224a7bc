/* stream_group.c - consumer group commands: XGROUP CREATE (MKSTREAM,
 * ENTRIESREAD, `$`) / SETID / DESTROY / CREATECONSUMER / DELCONSUMER /
 * HELP, XACK, XPENDING (summary and extended forms, IDLE, consumer),
 * XCLAIM (IDLE, TIME, RETRYCOUNT, FORCE, JUSTID, LASTID) and XAUTOCLAIM
 * (COUNT, JUSTID, the deleted entries it drops), in Valkey 8's order of
 * checks with its error texts.
 *
 * Write effects as Valkey's: these commands count changes and fire
 * their events, but only stream creation (MKSTREAM) signals the key as
 * modified, and XGROUP DESTROY wakes the clients blocked in XREADGROUP
 * (their re-run answers NOGROUP).  XCLAIM and XAUTOCLAIM propagate one
 * XCLAIM ... FORCE JUSTID per entry they claimed or dropped (and XCLAIM
 * an XGROUP SETID when LASTID moved the group without claiming), never
 * themselves. */
#include <limits.h>
#include <string.h>

#include "../server/blocked.h"
#include "../server/db.h"
#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "stream.h"

/* ------------------------------------------------------------- XGROUP */

enum { XG_CREATE, XG_SETID, XG_DESTROY, XG_CREATECONSUMER, XG_DELCONSUMER };

typedef struct XgroupArgs {
    Stream *s;
    StreamGroup *g;
    int mkstream;
    long long entries_read;
} XgroupArgs;

/* What every subcommand but HELP checks first, in Valkey's order: its
 * options, the key's type, that the key exists (unless MKSTREAM), that
 * the group exists (SETID, CREATECONSUMER, DELCONSUMER).  0 after
 * replying. */
static int xgroup_prelude(Client *c, int sub, XgroupArgs *a) {
    memset(a, 0, sizeof(*a));
    a->entries_read = STREAM_ENTRIES_READ_INVALID;
    for (int i = 5; i < c->argc;) {
        if (sub == XG_CREATE && arg_equals(&c->argv[i], "mkstream")) {
            a->mkstream = 1;
            i++;
        } else if ((sub == XG_CREATE || sub == XG_SETID) && arg_equals(&c->argv[i], "entriesread") &&
                   i + 1 < c->argc) {
            if (!arg_to_ll(c, &c->argv[i + 1], &a->entries_read)) return 0;
            if (a->entries_read < 0 && a->entries_read != STREAM_ENTRIES_READ_INVALID) {
                reply_error(c, "value for ENTRIESREAD must be positive or -1");
                return 0;
            }
            i += 2;
        } else {
            stream_reply_subcommand_syntax(c);
            return 0;
        }
    }
    if (!stream_lookup(c, &c->argv[2], LOOKUP_WRITE, &a->s)) return 0;
    if (a->mkstream) return 1;
    if (!a->s) {
        reply_error(c, "The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
                       "the MKSTREAM option to create an empty stream automatically.");
        return 0;
    }
    a->g = stream_group_lookup(a->s, c->argv[3].p, c->argv[3].len);
    if (!a->g && (sub == XG_SETID || sub == XG_CREATECONSUMER || sub == XG_DELCONSUMER)) {
        reply_errorf(c, "-NOGROUP No such consumer group '%.*s' for key name '%.*s'", (int)c->argv[3].len,
                     c->argv[3].p, (int)c->argv[2].len, c->argv[2].p);
        return 0;
    }
    return 1;
}

void xgroup_create_command(Client *c) {
    XgroupArgs a;
    if (!xgroup_prelude(c, XG_CREATE, &a)) return;
    if (c->argc > 8) {
        stream_reply_subcommand_syntax(c);
        return;
    }
    StreamId id;
    const Arg *ida = &c->argv[4];
    if (ida->len == 1 && ida->p[0] == '$') id = a.s ? a.s->st.last_id : sid_make(0, 0);
    else if (!stream_parse_id(c, ida, &id, 0, 1, NULL)) return;
    const Arg *key = &c->argv[2];
    if (!a.s) {
        int err;
        a.s = stream_lookup_create(c, key, &err);
        key_touched(c, c->db, key->p, key->len);
    }
    if (stream_group_create(a.s, c->argv[3].p, c->argv[3].len, id, a.entries_read)) {
        reply_ok(c);
        stream_dirty(c, key, "xgroup-create", 1);
    } else {
        reply_error(c, "-BUSYGROUP Consumer Group name already exists");
    }
}

void xgroup_setid_command(Client *c) {
    XgroupArgs a;
    if (!xgroup_prelude(c, XG_SETID, &a)) return;
    if (c->argc != 5 && c->argc != 7) {
        stream_reply_subcommand_syntax(c);
        return;
    }
    StreamId id;
    const Arg *ida = &c->argv[4];
    if (ida->len == 1 && ida->p[0] == '$') id = a.s->st.last_id;
    else if (!stream_parse_id(c, ida, &id, 0, 0, NULL)) return;
    a.g->last_id = id;
    a.g->entries_read = a.entries_read;
    reply_ok(c);
    stream_dirty(c, &c->argv[2], "xgroup-setid", 1);
}

void xgroup_destroy_command(Client *c) {
    XgroupArgs a;
    if (!xgroup_prelude(c, XG_DESTROY, &a)) return;
    if (!a.g) {
        reply_int(c, 0);
        return;
    }
    stream_group_destroy(a.s, a.g);
    reply_int(c, 1);
    const Arg *key = &c->argv[2];
    stream_dirty(c, key, "xgroup-destroy", 1);
    /* Its readers blocked in XREADGROUP answer NOGROUP now. */
    blocked_signal_key(c->db, key->p, key->len);
}

void xgroup_createconsumer_command(Client *c) {
    XgroupArgs a;
    if (!xgroup_prelude(c, XG_CREATECONSUMER, &a)) return;
    StreamConsumer *cons = stream_consumer_create(a.g, c->argv[4].p, c->argv[4].len, server.now_ms);
    if (cons) stream_dirty(c, &c->argv[2], "xgroup-createconsumer", 1);
    reply_int(c, cons ? 1 : 0);
}

void xgroup_delconsumer_command(Client *c) {
    XgroupArgs a;
    if (!xgroup_prelude(c, XG_DELCONSUMER, &a)) return;
    long long pending = 0;
    StreamConsumer *cons = stream_consumer_lookup(a.g, c->argv[4].p, c->argv[4].len);
    if (cons) {
        pending = (long long)stream_consumer_delete(a.g, cons);
        stream_dirty(c, &c->argv[2], "xgroup-delconsumer", 1);
    }
    reply_int(c, pending);
}

void xgroup_help_command(Client *c) {
    static const char *help[] = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}

/* --------------------------------------------------------------- XACK */

void xack_command(Client *c) {
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    StreamGroup *g = s ? stream_group_lookup(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        reply_int(c, 0);
        return;
    }
    /* All or nothing: every ID is checked first. */
    int n = c->argc - 3;
    StreamId stackids[16];
    StreamId *ids = n <= 16 ? stackids : mem_alloc(sizeof(StreamId) * (size_t)n);
    for (int j = 0; j < n; j++) {
        if (!stream_parse_id(c, &c->argv[3 + j], &ids[j], 0, 1, NULL)) goto done;
    }
    long long acked = 0;
    for (int j = 0; j < n; j++) acked += stream_nack_remove(g, ids[j]);
    if (acked) stream_dirty(c, &c->argv[1], NULL, acked);
    reply_int(c, acked);
done:
    if (ids != stackids) mem_free(ids);
}

/* ----------------------------------------------------------- XPENDING */

static void no_group_error(Client *c) {
    reply_errorf(c, "-NOGROUP No such key '%.*s' or consumer group '%.*s'", (int)c->argv[1].len, c->argv[1].p,
                 (int)c->argv[2].len, c->argv[2].p);
}

void xpending_command(Client *c) {
    int justinfo = c->argc == 3;
    StreamId start = {0, 0}, end = {0, 0};
    long long count = 0, minidle = 0;
    const Arg *consname = NULL;
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc >= 6) {
        int si = 3;
        if (arg_equals(&c->argv[3], "idle")) {
            if (!arg_to_ll(c, &c->argv[4], &minidle)) return;
            if (c->argc < 8) {
                reply_syntax_error(c);
                return;
            }
            si += 2;
        }
        if (!arg_to_ll(c, &c->argv[si + 2], &count)) return;
        if (count < 0) count = 0;
        int startex, endex;
        if (!stream_parse_range_id(c, &c->argv[si], &start, &startex, 0)) return;
        if (startex && !sid_incr(&start)) {
            reply_error(c, "invalid start ID for the interval");
            return;
        }
        if (!stream_parse_range_id(c, &c->argv[si + 1], &end, &endex, UINT64_MAX)) return;
        if (endex && !sid_decr(&end)) {
            reply_error(c, "invalid end ID for the interval");
            return;
        }
        if (si + 3 < c->argc) consname = &c->argv[si + 3];
    }
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    StreamGroup *g = s ? stream_group_lookup(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        no_group_error(c);
        return;
    }
    if (justinfo) {
        reply_array_len(c, 4);
        reply_int(c, (long long)idt_count(&g->pel));
        StreamId first, last;
        if (!idt_first(&g->pel, &first, NULL)) {
            reply_null(c);
            reply_null(c);
            reply_null_array(c);
            return;
        }
        idt_last(&g->pel, &last, NULL);
        reply_stream_id(c, first);
        reply_stream_id(c, last);
        size_t nc;
        StreamConsumer **cons = stream_consumers_sorted(g, &nc);
        long long with = 0;
        for (size_t i = 0; i < nc; i++) with += idt_count(&cons[i]->pel) > 0;
        reply_array_len(c, with);
        for (size_t i = 0; i < nc; i++) {
            if (!idt_count(&cons[i]->pel)) continue;
            reply_array_len(c, 2);
            reply_bulk(c, cons[i]->name, cons[i]->nlen);
            reply_bulk_ll(c, (long long)idt_count(&cons[i]->pel));
        }
        mem_free(cons);
        return;
    }
    StreamConsumer *cons = NULL;
    if (consname) {
        cons = stream_consumer_lookup(g, consname->p, consname->len);
        if (!cons) {
            reply_array_len(c, 0);
            return;
        }
    }
    const IdTree *pel = cons ? &cons->pel : &g->pel;
    int64_t now = server.now_ms;
    ReplyDeferred d = reply_deferred_len(c);
    long long n = 0;
    IdtIter it;
    for (idt_seek_ge(&it, pel, start); count && idt_valid(&it); idt_next(&it)) {
        StreamId id = idt_key(&it);
        if (sid_cmp(id, end) > 0) break;
        const StreamNack *nack = cons ? stream_nack_find(g, id) : idt_val(&it);
        if (minidle && now - nack->delivery_time < minidle) continue;
        n++;
        count--;
        reply_array_len(c, 4);
        reply_stream_id(c, id);
        reply_bulk(c, nack->consumer->name, nack->consumer->nlen);
        int64_t elapsed = now - nack->delivery_time;
        reply_int(c, elapsed < 0 ? 0 : elapsed);
        reply_int(c, (long long)nack->delivery_count);
    }
    reply_set_deferred_array_len(c, d, n);
}

/* ------------------------------------------------------------- XCLAIM */

/* The consumer, created (a change, "xgroup-createconsumer") if missing;
 * its seen time is now. */
static StreamConsumer *consumer_for_claim(Client *c, StreamGroup *g, const Arg *name) {
    StreamConsumer *cons = stream_consumer_lookup(g, name->p, name->len);
    if (!cons) {
        cons = stream_consumer_create(g, name->p, name->len, server.now_ms);
        stream_dirty(c, &c->argv[1], "xgroup-createconsumer", 1);
    }
    cons->seen_time = server.now_ms;
    return cons;
}

void xclaim_command(Client *c) {
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    StreamGroup *g = s ? stream_group_lookup(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        no_group_error(c);
        return;
    }
    long long minidle, retrycount = -1, deliverytime = -1;
    if (!arg_to_ll_msg(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XCLAIM")) return;
    if (minidle < 0) minidle = 0;
    int n = c->argc - 5, j;
    StreamId stackids[16];
    StreamId *ids = n <= 16 ? stackids : mem_alloc(sizeof(StreamId) * (size_t)(n > 0 ? n : 1));
    for (j = 5; j < c->argc; j++)
        if (!stream_parse_id(NULL, &c->argv[j], &ids[j - 5], 0, 1, NULL)) break;
    int last_id_arg = j - 1;
    int64_t now = server.now_ms;
    int force = 0, justid = 0, propagate_last = 0;
    StreamId lastid = {0, 0};
    for (; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const Arg *opt = &c->argv[j];
        if (arg_equals(opt, "force")) {
            force = 1;
        } else if (arg_equals(opt, "justid")) {
            justid = 1;
        } else if (arg_equals(opt, "idle") && more) {
            j++;
            if (!arg_to_ll_msg(c, &c->argv[j], &deliverytime, "Invalid IDLE option argument for XCLAIM")) goto done;
            deliverytime = now - deliverytime;
        } else if (arg_equals(opt, "time") && more) {
            j++;
            if (!arg_to_ll_msg(c, &c->argv[j], &deliverytime, "Invalid TIME option argument for XCLAIM")) goto done;
        } else if (arg_equals(opt, "retrycount") && more) {
            j++;
            if (!arg_to_ll_msg(c, &c->argv[j], &retrycount, "Invalid RETRYCOUNT option argument for XCLAIM"))
                goto done;
        } else if (arg_equals(opt, "lastid") && more) {
            j++;
            if (!stream_parse_id(c, &c->argv[j], &lastid, 0, 1, NULL)) goto done;
        } else {
            reply_errorf(c, "Unrecognized XCLAIM option '%.*s'", (int)opt->len, opt->p);
            goto done;
        }
    }
    if (sid_cmp(lastid, g->last_id) > 0) {
        g->last_id = lastid;
        propagate_last = 1;
    }
    /* A time from the future or before the epoch means now: clients
     * compute it from their own clocks. */
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
    StreamConsumer *cons = consumer_for_claim(c, g, &c->argv[3]);
    const Arg *key = &c->argv[1], *gname = &c->argv[2];
    ReplyDeferred d = reply_deferred_len(c);
    long long claimed = 0;
    for (int k = 5; k <= last_id_arg; k++) {
        StreamId id = ids[k - 5];
        StreamNack *nack = stream_nack_find(g, id);
        if (!ss_exists(&s->st, id)) {
            /* Gone from the stream: drop it from the PEL too. */
            if (nack) {
                stream_propagate_xclaim(c, key, gname, id, &c->argv[k], nack, g->last_id);
                propagate_last = 0;
                stream_dirty(c, key, NULL, 1);
                stream_nack_remove(g, id);
            }
            continue;
        }
        if (force && !nack) {
            nack = stream_nack_insert(g, id);
            nack->delivery_time = now;
            nack->delivery_count = 1;
            nack->consumer = NULL;
        }
        if (!nack) continue;
        if (nack->consumer && minidle && now - nack->delivery_time < minidle) continue;
        nack->delivery_time = deliverytime;
        if (retrycount >= 0) nack->delivery_count = (uint64_t)retrycount;
        else if (!justid) nack->delivery_count++;
        stream_nack_assign(g, nack, id, cons);
        if (justid) reply_stream_id(c, id);
        else stream_reply_one(c, s, id);
        claimed++;
        cons->active_time = now;
        stream_propagate_xclaim(c, key, gname, id, &c->argv[k], nack, g->last_id);
        propagate_last = 0;
        stream_dirty(c, key, NULL, 1);
    }
    if (propagate_last) {
        stream_propagate_setid(c, key, gname, g);
        stream_dirty(c, key, NULL, 1);
    }
    reply_set_deferred_array_len(c, d, claimed);
    propagate_prevent(c);
done:
    if (ids != stackids) mem_free(ids);
}

/* --------------------------------------------------------- XAUTOCLAIM */

void xautoclaim_command(Client *c) {
    long long minidle, count = 100;
    if (!arg_to_ll_msg(c, &c->argv[4], &minidle, "Invalid min-idle-time argument for XAUTOCLAIM")) return;
    if (minidle < 0) minidle = 0;
    StreamId start;
    int startex;
    if (!stream_parse_range_id(c, &c->argv[5], &start, &startex, 0)) return;
    if (startex && !sid_incr(&start)) {
        reply_error(c, "invalid start ID for the interval");
        return;
    }
    int justid = 0;
    /* COUNT times the attempts factor (10) and the ID size must fit. */
    const long long max_count = LONG_MAX / 16;
    for (int j = 6; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_equals(&c->argv[j], "count") && more) {
            long long v;
            if (!str_to_ll(c->argv[j + 1].p, c->argv[j + 1].len, &v) || v < 1 || v > max_count) {
                reply_error(c, "COUNT must be > 0");
                return;
            }
            count = v;
            j++;
        } else if (arg_equals(&c->argv[j], "justid")) {
            justid = 1;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    StreamGroup *g = s ? stream_group_lookup(s, c->argv[2].p, c->argv[2].len) : NULL;
    if (!g) {
        no_group_error(c);
        return;
    }
    StreamConsumer *cons = consumer_for_claim(c, g, &c->argv[3]);
    const Arg *key = &c->argv[1], *gname = &c->argv[2];
    int64_t now = server.now_ms;
    long long attempts = count * 10;
    /* Claim first, then reply: the cursor (known at the end) comes first. */
    StreamId *claimed = NULL, *deleted = NULL;
    size_t nclaimed = 0, capclaimed = 0, ndeleted = 0, capdeleted = 0;
    IdtIter it;
    idt_seek_ge(&it, &g->pel, start);
    while (attempts-- > 0 && count > 0 && idt_valid(&it)) {
        StreamId id = idt_key(&it);
        StreamNack *nack = idt_val(&it);
        if (!ss_exists(&s->st, id)) {
            stream_propagate_xclaim(c, key, gname, id, NULL, nack, g->last_id);
            stream_dirty(c, key, NULL, 1);
            stream_nack_remove(g, id);
            if (ndeleted == capdeleted) {
                capdeleted = capdeleted ? capdeleted * 2 : 16;
                deleted = mem_realloc(deleted, sizeof(StreamId) * capdeleted);
            }
            deleted[ndeleted++] = id;
            idt_seek_ge(&it, &g->pel, id);
            count--;
            continue;
        }
        if (minidle && now - nack->delivery_time < minidle) {
            idt_next(&it);
            continue;
        }
        nack->delivery_time = now;
        if (!justid) nack->delivery_count++;
        /* Moving the ID between consumers leaves the group's PEL alone. */
        stream_nack_assign(g, nack, id, cons);
        if (nclaimed == capclaimed) {
            capclaimed = capclaimed ? capclaimed * 2 : 16;
            claimed = mem_realloc(claimed, sizeof(StreamId) * capclaimed);
        }
        claimed[nclaimed++] = id;
        count--;
        cons->active_time = now;
        stream_propagate_xclaim(c, key, gname, id, NULL, nack, g->last_id);
        stream_dirty(c, key, NULL, 1);
        idt_next(&it);
    }
    StreamId next = idt_valid(&it) ? idt_key(&it) : sid_make(0, 0);
    reply_array_len(c, 3);
    reply_stream_id(c, next);
    reply_array_len(c, (long long)nclaimed);
    for (size_t i = 0; i < nclaimed; i++) {
        if (justid) reply_stream_id(c, claimed[i]);
        else stream_reply_one(c, s, claimed[i]);
    }
    reply_array_len(c, (long long)ndeleted);
    for (size_t i = 0; i < ndeleted; i++) reply_stream_id(c, deleted[i]);
    mem_free(claimed);
    mem_free(deleted);
    propagate_prevent(c);
}
