/* stream_read.c - XREAD and XREADGROUP: reading entries after a given ID
 * from one or more streams, for a consumer group with `>` (new entries,
 * recorded in the pending lists) or a history ID (the consumer's own
 * pending entries), and blocking (BLOCK ms) when nothing is there.
 *
 * Blocking goes through blocked.c: the command blocks on its keys and
 * runs again from the start when one changes, keeping its place in the
 * queue and its deadline.  `$` is resolved when the command blocks: the
 * held command gets the stream's last ID in its place, so a re-run reads
 * what arrived since.  XREADGROUP waits with unblock_on_nokey, so a
 * deleted key, a key of another type or a destroyed group ends the wait
 * with the error the re-run gives (NOGROUP, WRONGTYPE), as in Valkey 8.
 *
 * Propagation (the command itself never is): each entry delivered to a
 * group as XCLAIM ... FORCE JUSTID LASTID, the group's new last ID as
 * XGROUP SETID ... ENTRIESREAD, and a consumer it created as XGROUP
 * CREATECONSUMER when no XCLAIM will create it on replay (NOACK, or
 * nothing delivered: Valkey 8 loses the consumer there, Redis fixed it in
 * 2026 the same way), so a replay rebuilds the same group state. */
#include <string.h>

#include "../server/blocked.h"
#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../server/timeout.h"
#include "stream.h"

/* The ID that stands for ">" (Valkey uses the largest ID the same way). */
static int is_gt_marker(StreamId id) {
    return id.ms == UINT64_MAX && id.seq == UINT64_MAX;
}

/* The last live entry's ID (0-0 when none): the common case, a live last
 * entry in the tail node, costs nothing. */
static StreamId last_live_id(const Stream *s) {
    return ss_edge_id(&s->st, 0, 1);
}

static const BlockKeysSpec xread_block_spec = {
    .value_type = OBJ_STREAM,
    .unblock_on_nokey = 0,
    .on_timeout = NULL,
};

static const BlockKeysSpec xreadgroup_block_spec = {
    .value_type = OBJ_STREAM,
    .unblock_on_nokey = 1,
    .on_timeout = NULL,
};

/* Entries of a group read with ">": delivered, recorded as pending
 * (unless noack) and propagated. */
static uint64_t reply_group_new(Client *c, Stream *s, StreamGroup *g, StreamConsumer *cons, StreamId start,
                                uint64_t count, int noack, const Arg *key, const Arg *gname) {
    ReplyDeferred d = reply_deferred_len(c);
    SsIter it;
    ss_iter_start(&it, &s->st, &start, NULL, 0);
    uint64_t n = 0;
    int moved = 0;
    int64_t now = server.now_ms;
    while ((!count || n < count) && ss_next(&it)) {
        StreamId id = it.id;
        if (sid_cmp(id, g->last_id) > 0) {
            if (g->entries_read != STREAM_ENTRIES_READ_INVALID && !stream_range_has_tombstones(s, &id, NULL))
                g->entries_read++;
            else if (s->st.entries_added)
                g->entries_read = stream_estimate_distance(s, id);
            g->last_id = id;
            moved = 1;
        }
        stream_reply_entry(c, &it);
        if (!noack) {
            StreamNack *nack = stream_nack_find(g, id);
            if (!nack) {
                nack = stream_nack_insert(g, id);
                nack->consumer = NULL;
            }
            /* New, or someone's already (XGROUP SETID moved the group
             * back): the entry is this consumer's now, delivered once. */
            nack->delivery_time = now;
            nack->delivery_count = 1;
            stream_nack_assign(g, nack, id, cons);
            cons->active_time = now;
            stream_propagate_xclaim(c, key, gname, id, NULL, nack, g->last_id);
        }
        n++;
    }
    ss_iter_stop(&it);
    if (moved) stream_propagate_setid(c, key, gname, g);
    reply_set_deferred_array_len(c, d, (long long)n);
    return n;
}

/* History: the consumer's own pending entries from start on; an entry
 * deleted meanwhile shows as [id, nil]. */
static uint64_t reply_group_history(Client *c, Stream *s, StreamGroup *g, StreamConsumer *cons, StreamId start,
                                    uint64_t count) {
    ReplyDeferred d = reply_deferred_len(c);
    uint64_t n = 0;
    int64_t now = server.now_ms;
    IdtIter it;
    for (idt_seek_ge(&it, &cons->pel, start); idt_valid(&it) && (!count || n < count); idt_next(&it)) {
        StreamId id = idt_key(&it);
        if (stream_reply_one(c, s, id)) {
            StreamNack *nack = stream_nack_find(g, id);
            nack->delivery_time = now;
            nack->delivery_count++;
        } else {
            reply_array_len(c, 2);
            reply_stream_id(c, id);
            reply_null_array(c);
        }
        n++;
    }
    reply_set_deferred_array_len(c, d, (long long)n);
    return n;
}

static void xread_generic(Client *c, int group_cmd) {
    long long count = 0;
    int64_t timeout = 0;
    int block = 0, noack = 0;
    int streams_arg = 0, nstreams = 0;
    const Arg *gname = NULL, *cname = NULL;
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        const Arg *o = &c->argv[i];
        if (arg_equals(o, "block") && more) {
            i++;
            if (!timeout_arg_to_abs_ms(c, &c->argv[i], TIMEOUT_UNIT_MS, &timeout)) goto done;
            block = 1;
        } else if (arg_equals(o, "count") && more) {
            i++;
            if (!arg_to_ll(c, &c->argv[i], &count)) goto done;
            if (count < 0) count = 0;
        } else if (arg_equals(o, "streams") && more) {
            streams_arg = i + 1;
            nstreams = c->argc - streams_arg;
            if (nstreams % 2) {
                reply_errorf(c, "Unbalanced '%s' list of streams: for each stream key an ID or '%c' must be specified.",
                             group_cmd ? "xreadgroup" : "xread", group_cmd ? '>' : '$');
                goto done;
            }
            nstreams /= 2;
            break;
        } else if (arg_equals(o, "group") && more >= 2) {
            if (!group_cmd) {
                reply_error(c, "The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                goto done;
            }
            gname = &c->argv[i + 1];
            cname = &c->argv[i + 2];
            i += 2;
        } else if (arg_equals(o, "noack")) {
            if (!group_cmd) {
                reply_error(c, "The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                goto done;
            }
            noack = 1;
        } else {
            reply_syntax_error(c);
            goto done;
        }
    }
    if (streams_arg == 0) {
        reply_syntax_error(c);
        goto done;
    }
    if (group_cmd && !gname) {
        reply_error(c, "Missing GROUP option for XREADGROUP");
        goto done;
    }

    StreamId stack_ids[8];
    StreamGroup *stack_groups[8];
    StreamId *ids = nstreams <= 8 ? stack_ids : mem_alloc(sizeof(StreamId) * (size_t)nstreams);
    StreamGroup **groups = nstreams <= 8 ? stack_groups : mem_alloc(sizeof(StreamGroup *) * (size_t)nstreams);
    const Arg *keys = &c->argv[streams_arg];
    for (int i = 0; i < nstreams; i++) {
        const Arg *key = &keys[i], *ida = &keys[nstreams + i];
        Stream *s;
        if (!stream_lookup(c, key, LOOKUP_READ, &s)) goto cleanup;
        groups[i] = NULL;
        if (gname) {
            groups[i] = s ? stream_group_lookup(s, gname->p, gname->len) : NULL;
            if (!groups[i]) {
                reply_errorf(c, "-NOGROUP No such key '%.*s' or consumer group '%.*s' in XREADGROUP with GROUP option",
                             (int)key->len, key->p, (int)gname->len, gname->p);
                goto cleanup;
            }
        }
        if (ida->len == 1 && ida->p[0] == '$') {
            if (group_cmd) {
                reply_error(c, "The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
                               "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
                               "would just return an empty result set.");
                goto cleanup;
            }
            ids[i] = s ? s->st.last_id : sid_make(0, 0);
        } else if (ida->len == 1 && ida->p[0] == '+') {
            if (group_cmd) {
                reply_error(c, "The + ID is meaningless in the context of XREADGROUP: you want to read the history of "
                               "this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID "
                               "would just return an empty result set.");
                goto cleanup;
            }
            ids[i] = sid_make(0, 0);
            if (s) {
                ids[i] = s->st.last_id;
                if (!sid_decr(&ids[i])) {
                    reply_error(c, "the stream last element ID is 0-0");
                    goto cleanup;
                }
            }
        } else if (ida->len == 1 && ida->p[0] == '>') {
            if (!group_cmd) {
                reply_error(c, "The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                               "<consumer> option.");
                goto cleanup;
            }
            ids[i] = sid_max();
        } else if (!stream_parse_id(c, ida, &ids[i], 0, 1, NULL)) {
            goto cleanup;
        }
    }

    /* Serve what can be served now. */
    ReplyDeferred top = {0};
    long long served = 0;
    for (int i = 0; i < nstreams; i++) {
        const Arg *key = &keys[i];
        Stream *s;
        stream_lookup(c, key, LOOKUP_READ, &s);
        if (!s) continue;
        StreamId gt = ids[i];
        int serve = 0, history = 0;
        int created = 0; /* a consumer created here, not yet propagated */
        StreamConsumer *cons = NULL;
        if (groups[i]) {
            StreamGroup *g = groups[i];
            if (!is_gt_marker(gt)) {
                serve = history = 1;
            } else if (s->st.length) {
                StreamId maxid = last_live_id(s);
                if (sid_cmp(maxid, g->last_id) > 0) {
                    serve = 1;
                    gt = g->last_id;
                }
            }
            cons = stream_consumer_lookup(g, cname->p, cname->len);
            if (!cons) {
                cons = stream_consumer_create(g, cname->p, cname->len, server.now_ms);
                stream_dirty(c, key, "xgroup-createconsumer", 1);
                if (noack) stream_propagate_createconsumer(c, key, gname, cons);
                else created = 1;
            }
            cons->seen_time = server.now_ms;
        } else if (s->st.length) {
            StreamId maxid = last_live_id(s);
            if (sid_cmp(maxid, gt) > 0) serve = 1;
        }
        if (!serve) {
            if (created) stream_propagate_createconsumer(c, key, gname, cons);
            continue;
        }
        if (served++ == 0) top = reply_deferred_len(c);
        StreamId start = gt;
        sid_incr(&start);
        if (c->resp == 2) reply_array_len(c, 2);
        reply_bulk(c, key->p, key->len);
        if (!groups[i]) {
            SsIter it;
            ss_iter_start(&it, &s->st, &start, NULL, 0);
            stream_reply_range(c, &it, (uint64_t)count);
            ss_iter_stop(&it);
        } else {
            uint64_t got = history ? reply_group_history(c, s, groups[i], cons, start, (uint64_t)count)
                                   : reply_group_new(c, s, groups[i], cons, start, (uint64_t)count, noack, key, gname);
            /* Entries delivered were propagated as XCLAIMs, which create
             * the consumer on replay; with none, say so explicitly (or an
             * AOF replay or a replica would lack the consumer). */
            if (created && got == 0) stream_propagate_createconsumer(c, key, gname, cons);
            stream_dirty(c, key, NULL, 1);
        }
    }
    if (served) {
        if (c->resp == 2) reply_set_deferred_array_len(c, top, served);
        else reply_set_deferred_map_len(c, top, served);
        goto cleanup;
    }
    if (block) {
        if (c->flags & STREAM_NO_BLOCKING) {
            reply_null_array(c);
            goto cleanup;
        }
        /* `$` means "after what is there now": the held command gets the
         * IDs it resolved to, or a re-run would wait for ever.  The texts
         * live here until block_for_keys copies the command; the client's
         * arguments then point into that copy. */
        char stack_txt[8][SID_TEXT_MAX];
        char (*txt)[SID_TEXT_MAX] = nstreams <= 8 ? stack_txt : mem_alloc((size_t)nstreams * SID_TEXT_MAX);
        Arg *idargs = &c->argv[streams_arg + nstreams];
        int rewrote = 0;
        for (int i = 0; i < nstreams; i++) {
            if (idargs[i].len != 1 || idargs[i].p[0] != '$') continue;
            idargs[i].len = sid_format(txt[i], ids[i]);
            idargs[i].p = txt[i];
            rewrote = 1;
        }
        block_for_keys(c, c->db, keys, nstreams, timeout, group_cmd ? &xreadgroup_block_spec : &xread_block_spec);
        if (rewrote && c->bstate.argv) {
            for (int i = 0; i < nstreams; i++) idargs[i] = c->bstate.argv[streams_arg + nstreams + i];
        }
        if (txt != stack_txt) mem_free(txt);
        goto cleanup;
    }
    reply_null_array(c);
cleanup:
    if (ids != stack_ids) mem_free(ids);
    if (groups != stack_groups) mem_free(groups);
done:
    propagate_prevent(c);
}

void xread_command(Client *c) {
    xread_generic(c, 0);
}

void xreadgroup_command(Client *c) {
    xread_generic(c, 1);
}
