/* stream_info.c - XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO
 * CONSUMERS (with Valkey 8's `inactive`) and XINFO HELP, with Valkey 8's
 * fields in Valkey's order.  Groups and consumers are listed in name
 * order.
 *
 * "radix-tree-keys" is the number of entry nodes, which falls where
 * Valkey's does (see streamstore.h); "radix-tree-nodes" counts our index
 * (its B+tree nodes plus one per entry node), which matches Valkey's
 * radix tree for a one-node stream and is of the same order otherwise. */
#include <string.h>

#include "../server/reply.h"
#include "../server/server.h"
#include "stream.h"

static void bulk(Client *c, const char *s) {
    reply_bulk(c, s, strlen(s));
}

static void reply_entries_read(Client *c, const StreamGroup *g) {
    if (g->entries_read != STREAM_ENTRIES_READ_INVALID) reply_int(c, g->entries_read);
    else reply_null(c);
}

/* The first or last live entry as [id, [fields...]], or a null. */
static void reply_edge_entry(Client *c, const Stream *s, int last) {
    SsIter it;
    ss_iter_start(&it, &s->st, NULL, NULL, last);
    if (ss_next(&it)) stream_reply_entry(c, &it);
    else reply_null(c);
    ss_iter_stop(&it);
}

static void reply_stream_full(Client *c, const Stream *s, long long count) {
    bulk(c, "entries");
    SsIter it;
    ss_iter_start(&it, &s->st, NULL, NULL, 0);
    stream_reply_range(c, &it, (uint64_t)count);
    ss_iter_stop(&it);
    bulk(c, "groups");
    size_t ng;
    StreamGroup **groups = stream_groups_sorted(s, &ng);
    reply_array_len(c, (long long)ng);
    for (size_t i = 0; i < ng; i++) {
        StreamGroup *g = groups[i];
        reply_map_len(c, 7);
        bulk(c, "name");
        reply_bulk(c, g->name, g->nlen);
        bulk(c, "last-delivered-id");
        reply_stream_id(c, g->last_id);
        bulk(c, "entries-read");
        reply_entries_read(c, g);
        bulk(c, "lag");
        stream_reply_lag(c, s, g);
        bulk(c, "pel-count");
        reply_int(c, (long long)idt_count(&g->pel));
        bulk(c, "pending");
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        IdtIter pi;
        for (idt_seek_first(&pi, &g->pel); idt_valid(&pi) && (!count || n < count); idt_next(&pi)) {
            const StreamNack *nack = idt_val(&pi);
            reply_array_len(c, 4);
            reply_stream_id(c, idt_key(&pi));
            reply_bulk(c, nack->consumer->name, nack->consumer->nlen);
            reply_int(c, nack->delivery_time);
            reply_int(c, (long long)nack->delivery_count);
            n++;
        }
        reply_set_deferred_array_len(c, d, n);
        bulk(c, "consumers");
        size_t nc;
        StreamConsumer **cons = stream_consumers_sorted(g, &nc);
        reply_array_len(c, (long long)nc);
        for (size_t j = 0; j < nc; j++) {
            StreamConsumer *cn = cons[j];
            reply_map_len(c, 5);
            bulk(c, "name");
            reply_bulk(c, cn->name, cn->nlen);
            bulk(c, "seen-time");
            reply_int(c, cn->seen_time);
            bulk(c, "active-time");
            reply_int(c, cn->active_time);
            bulk(c, "pel-count");
            reply_int(c, (long long)idt_count(&cn->pel));
            bulk(c, "pending");
            ReplyDeferred cd = reply_deferred_len(c);
            long long m = 0;
            IdtIter ci;
            for (idt_seek_first(&ci, &cn->pel); idt_valid(&ci) && (!count || m < count); idt_next(&ci)) {
                StreamId id = idt_key(&ci);
                const StreamNack *nack = stream_nack_find(g, id);
                reply_array_len(c, 3);
                reply_stream_id(c, id);
                reply_int(c, nack->delivery_time);
                reply_int(c, (long long)nack->delivery_count);
                m++;
            }
            reply_set_deferred_array_len(c, cd, m);
        }
        mem_free(cons);
    }
    mem_free(groups);
}

/* The key for every subcommand but HELP: "no such key" when missing. */
static Stream *info_lookup(Client *c) {
    Stream *s;
    if (!stream_lookup(c, &c->argv[2], LOOKUP_READ, &s)) return NULL;
    if (!s) reply_error(c, ERR_NO_SUCH_KEY);
    return s;
}

void xinfo_stream_command(Client *c) {
    Stream *s = info_lookup(c);
    if (!s) return;
    int full = 0;
    long long count = 10;
    int optc = c->argc - 3;
    if (optc) {
        if ((optc != 1 && optc != 3) || !arg_equals(&c->argv[3], "full") ||
            (optc == 3 && !arg_equals(&c->argv[4], "count"))) {
            stream_reply_subcommand_syntax(c);
            return;
        }
        if (optc == 3) {
            if (!arg_to_ll(c, &c->argv[5], &count)) return;
            if (count < 0) count = 10;
        }
        full = 1;
    }
    const StreamStore *st = &s->st;
    reply_map_len(c, full ? 9 : 10);
    bulk(c, "length");
    reply_int(c, (long long)st->length);
    bulk(c, "radix-tree-keys");
    reply_int(c, (long long)ss_nodes(st));
    bulk(c, "radix-tree-nodes");
    reply_int(c, (long long)(st->index.nodes + ss_nodes(st)));
    bulk(c, "last-generated-id");
    reply_stream_id(c, st->last_id);
    bulk(c, "max-deleted-entry-id");
    reply_stream_id(c, st->max_deleted_id);
    bulk(c, "entries-added");
    reply_int(c, (long long)st->entries_added);
    bulk(c, "recorded-first-entry-id");
    reply_stream_id(c, st->first_id);
    if (full) {
        reply_stream_full(c, s, count);
        return;
    }
    bulk(c, "groups");
    reply_int(c, (long long)stream_group_count(s));
    bulk(c, "first-entry");
    reply_edge_entry(c, s, 0);
    bulk(c, "last-entry");
    reply_edge_entry(c, s, 1);
}

void xinfo_groups_command(Client *c) {
    Stream *s = info_lookup(c);
    if (!s) return;
    size_t ng;
    StreamGroup **groups = stream_groups_sorted(s, &ng);
    reply_array_len(c, (long long)ng);
    for (size_t i = 0; i < ng; i++) {
        StreamGroup *g = groups[i];
        reply_map_len(c, 6);
        bulk(c, "name");
        reply_bulk(c, g->name, g->nlen);
        bulk(c, "consumers");
        reply_int(c, (long long)stream_consumer_count(g));
        bulk(c, "pending");
        reply_int(c, (long long)idt_count(&g->pel));
        bulk(c, "last-delivered-id");
        reply_stream_id(c, g->last_id);
        bulk(c, "entries-read");
        reply_entries_read(c, g);
        bulk(c, "lag");
        stream_reply_lag(c, s, g);
    }
    mem_free(groups);
}

void xinfo_consumers_command(Client *c) {
    Stream *s = info_lookup(c);
    if (!s) return;
    StreamGroup *g = stream_group_lookup(s, c->argv[3].p, c->argv[3].len);
    if (!g) {
        reply_errorf(c, "-NOGROUP No such consumer group '%.*s' for key name '%.*s'", (int)c->argv[3].len,
                     c->argv[3].p, (int)c->argv[2].len, c->argv[2].p);
        return;
    }
    size_t nc;
    StreamConsumer **cons = stream_consumers_sorted(g, &nc);
    int64_t now = server.now_ms;
    reply_array_len(c, (long long)nc);
    for (size_t i = 0; i < nc; i++) {
        StreamConsumer *cn = cons[i];
        int64_t idle = now - cn->seen_time;
        if (idle < 0) idle = 0;
        reply_map_len(c, 4);
        bulk(c, "name");
        reply_bulk(c, cn->name, cn->nlen);
        bulk(c, "pending");
        reply_int(c, (long long)idt_count(&cn->pel));
        bulk(c, "idle");
        reply_int(c, idle);
        bulk(c, "inactive");
        reply_int(c, cn->active_time != -1 ? now - cn->active_time : -1);
    }
    mem_free(cons);
}

void xinfo_help_command(Client *c) {
    static const char *help[] = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}
