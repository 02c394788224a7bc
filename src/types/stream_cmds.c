/* stream_cmds.c - the stream commands on entries: XADD (NOMKSTREAM,
 * MAXLEN/MINID with = or ~ and LIMIT, explicit, "*" and "ms-*" IDs),
 * XRANGE/XREVRANGE (exclusive "(" bounds, incomplete IDs, COUNT), XLEN,
 * XDEL, XTRIM and XSETID, with Valkey 8's checks in Valkey's order and
 * its error texts.
 *
 * Propagation: XADD with a generated ID (or "ms-*") propagates the ID it
 * made; XADD/XTRIM with `~` propagate `=` and the length (MAXLEN) or
 * first ID (MINID) the stream was left with, so a replay trims exactly
 * the same entries.  XSETID changes only metadata: it counts a change
 * and fires its event, without signalling the key as modified (as
 * Valkey). */
#include <limits.h>
#include <string.h>

#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "stream.h"

/* ---------------------------------------------------- XADD/XTRIM args */

enum { TRIM_NONE = 0, TRIM_MAXLEN = SS_TRIM_MAXLEN, TRIM_MINID = SS_TRIM_MINID };

typedef struct TrimArgs {
    StreamId id;          /* XADD: the given ID */
    int id_given;
    int seq_given;
    int no_mkstream;
    int strategy;
    int strategy_idx;     /* the threshold argument (rewritten for propagation) */
    int approx;
    long long limit;
    long long maxlen;
    StreamId minid;
} TrimArgs;

/* Whether the client replays what a primary or the AOF wrote (Valkey's
 * mustObeyClient): those never apply LIMIT checks.  Neither exists yet;
 * the persistence work flags its loading client here. */
static int must_obey(const Client *c) {
    (void)c;
    return 0;
}

/* Valkey's `~` test: the argument is the character alone (as a C
 * string, so a NUL ends it). */
static int is_char_arg(const Arg *a, char ch) {
    return a->len >= 1 && a->p[0] == ch && (a->len == 1 || a->p[1] == '\0');
}

/* Valkey's streamParseAddOrTrimArgsOrReply: the ID position (XADD), or
 * -1 after replying. */
static int parse_add_trim(Client *c, TrimArgs *a, int xadd) {
    memset(a, 0, sizeof(*a));
    int i = 2, limit_given = 0;
    for (; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const Arg *opt = &c->argv[i];
        if (xadd && is_char_arg(opt, '*')) break;
        if ((arg_equals(opt, "maxlen") || arg_equals(opt, "minid")) && more) {
            int maxlen = arg_equals(opt, "maxlen");
            if (a->strategy != TRIM_NONE) {
                reply_error(c, "syntax error, MAXLEN and MINID options at the same time are not compatible");
                return -1;
            }
            a->approx = 0;
            const Arg *next = &c->argv[i + 1];
            if (more >= 2 && is_char_arg(next, '~')) {
                a->approx = 1;
                i++;
            } else if (more >= 2 && is_char_arg(next, '=')) {
                i++;
            }
            if (maxlen) {
                if (!arg_to_ll(c, &c->argv[i + 1], &a->maxlen)) return -1;
                if (a->maxlen < 0) {
                    reply_error(c, "The MAXLEN argument must be >= 0.");
                    return -1;
                }
            } else if (!stream_parse_id(c, &c->argv[i + 1], &a->minid, 0, 1, NULL)) {
                return -1;
            }
            i++;
            a->strategy = maxlen ? TRIM_MAXLEN : TRIM_MINID;
            a->strategy_idx = i;
        } else if (arg_equals(opt, "limit") && more) {
            if (!arg_to_ll(c, &c->argv[i + 1], &a->limit)) return -1;
            if (a->limit < 0) {
                reply_error(c, "The LIMIT argument must be >= 0.");
                return -1;
            }
            limit_given = 1;
            i++;
        } else if (xadd && arg_equals(opt, "nomkstream")) {
            a->no_mkstream = 1;
        } else if (xadd) {
            if (!stream_parse_id(c, opt, &a->id, 0, 1, &a->seq_given)) return -1;
            a->id_given = 1;
            break;
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    if (a->limit && a->strategy == TRIM_NONE) {
        reply_error(c, "syntax error, LIMIT cannot be used without specifying a trimming strategy");
        return -1;
    }
    if (!xadd && a->strategy == TRIM_NONE) {
        reply_error(c, "syntax error, XTRIM must be called with a trimming strategy");
        return -1;
    }
    if (must_obey(c)) {
        a->limit = 0;
    } else if (limit_given) {
        if (!a->approx) {
            reply_error(c, "syntax error, LIMIT cannot be used without the special ~ option");
            return -1;
        }
    } else if (a->approx) {
        /* At most about a hundred nodes of work per call. */
        long long n = server.cfg.stream_node_max_entries;
        a->limit = n > 0 && n <= 10000 ? 100 * n : (n <= 0 ? 10000 : 1000000);
        if (a->limit > 1000000) a->limit = 1000000;
    } else {
        a->limit = 0;
    }
    return i;
}

static int64_t do_trim(Stream *s, const TrimArgs *a) {
    return ss_trim(&s->st, a->strategy, (uint64_t)a->maxlen, a->minid, a->approx, a->limit);
}

/* The command with `~` made `=` and the threshold the trim really left
 * (and, for XADD, the ID it generated at id_idx), as it must replay. */
static void propagate_exact(Client *c, const Stream *s, const TrimArgs *a, int id_idx, StreamId id) {
    if (!server.prop.active) return;
    Arg stackv[16];
    Arg *argv = c->argc <= 16 ? stackv : mem_alloc(sizeof(Arg) * (size_t)c->argc);
    memcpy(argv, c->argv, sizeof(Arg) * (size_t)c->argc);
    char thr[SID_TEXT_MAX], idb[SID_TEXT_MAX];
    if (a && a->approx) {
        argv[a->strategy_idx - 1] = (Arg){"=", 1};
        if (a->strategy == TRIM_MAXLEN) argv[a->strategy_idx] = (Arg){thr, ull_to_str(thr, s->st.length)};
        else argv[a->strategy_idx] = (Arg){thr, sid_format(thr, ss_edge_id(&s->st, 1, 0))};
    }
    if (id_idx > 0) argv[id_idx] = (Arg){idb, sid_format(idb, id)};
    propagate_rewrite(c, c->argc, argv);
    if (argv != stackv) mem_free(argv);
}

/* --------------------------------------------------------------- XADD */

void xadd_command(Client *c) {
    TrimArgs a;
    int idpos = parse_add_trim(c, &a, 1);
    if (idpos < 0) return;
    int field_pos = idpos + 1;
    int nargs = c->argc - field_pos;
    if (nargs < 2 || nargs % 2) {
        reply_wrong_arity(c, "xadd");
        return;
    }
    if (a.id_given && a.seq_given && sid_is_zero(a.id)) {
        reply_error(c, "The ID specified in XADD must be greater than 0-0");
        return;
    }
    const Arg *key = &c->argv[1];
    Stream *s;
    if (a.no_mkstream) {
        if (!stream_lookup(c, key, LOOKUP_WRITE, &s)) return;
        if (!s) {
            reply_null(c);
            return;
        }
    } else {
        int err;
        s = stream_lookup_create(c, key, &err);
        if (err) return;
    }
    StreamStore *st = &s->st;
    if (st->last_id.ms == UINT64_MAX && st->last_id.seq == UINT64_MAX) {
        reply_error(c, "The stream has exhausted the last possible ID, unable to add more items");
        return;
    }
    /* The new ID. */
    StreamId id;
    int bad_id = 0;
    if (a.id_given) {
        if (a.seq_given) {
            id = a.id;
        } else if (st->last_id.ms == a.id.ms) {
            if (st->last_id.seq == UINT64_MAX) bad_id = 1;
            id = st->last_id;
            id.seq++;
        } else {
            id = a.id;
        }
    } else {
        uint64_t now = (uint64_t)server.now_ms;
        if (now > st->last_id.ms) {
            id = sid_make(now, 0);
        } else {
            id = st->last_id;
            sid_incr(&id);
        }
    }
    if (bad_id || sid_cmp(id, st->last_id) <= 0) {
        reply_error(c, "The ID specified in XADD is equal or smaller than the target stream top item");
        return;
    }
    size_t nf = (size_t)nargs / 2, total = 0;
    for (int i = field_pos; i < c->argc; i++) total += c->argv[i].len;
    if (total > SS_LISTPACK_MAX) {
        reply_error(c, "Elements are too large to be stored");
        return;
    }
    SsStr stackfv[16];
    SsStr *fv = nargs <= 16 ? stackfv : mem_alloc(sizeof(SsStr) * (size_t)nargs);
    for (int i = 0; i < nargs; i++) {
        fv[i].p = c->argv[field_pos + i].p;
        fv[i].len = c->argv[field_pos + i].len;
    }
    ss_append(st, id, fv, nf, server.cfg.stream_node_max_bytes, (uint64_t)server.cfg.stream_node_max_entries);
    if (fv != stackfv) mem_free(fv);
    reply_stream_id(c, id);
    int64_t trimmed = a.strategy != TRIM_NONE ? do_trim(s, &a) : 0;
    /* "xadd" (and "xtrim"), one change, the key signalled (waiters too). */
    stream_changed(c, key, "xadd", 1);
    if (trimmed) stream_dirty(c, key, "xtrim", 0);
    int rewrite_id = !a.id_given || !a.seq_given;
    if (rewrite_id || (a.strategy != TRIM_NONE && a.approx))
        propagate_exact(c, s, a.strategy != TRIM_NONE ? &a : NULL, rewrite_id ? idpos : 0, id);
}

/* ------------------------------------------------------ XRANGE/XREVRANGE */

static void xrange_generic(Client *c, int rev) {
    const Arg *start_arg = rev ? &c->argv[3] : &c->argv[2];
    const Arg *end_arg = rev ? &c->argv[2] : &c->argv[3];
    StreamId start, end;
    int startex, endex;
    if (!stream_parse_range_id(c, start_arg, &start, &startex, 0)) return;
    if (startex && !sid_incr(&start)) {
        reply_error(c, "invalid start ID for the interval");
        return;
    }
    if (!stream_parse_range_id(c, end_arg, &end, &endex, UINT64_MAX)) return;
    if (endex && !sid_decr(&end)) {
        reply_error(c, "invalid end ID for the interval");
        return;
    }
    long long count = -1;
    for (int j = 4; j < c->argc; j++) {
        if (arg_equals(&c->argv[j], "count") && j + 1 < c->argc) {
            if (!arg_to_ll(c, &c->argv[j + 1], &count)) return;
            if (count < 0) count = 0;
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    if (!s) {
        reply_array_len(c, 0);
        return;
    }
    if (count == 0) {
        reply_null_array(c);
        return;
    }
    SsIter it;
    ss_iter_start(&it, &s->st, &start, &end, rev);
    stream_reply_range(c, &it, count < 0 ? 0 : (uint64_t)count);
    ss_iter_stop(&it);
}

void xrange_command(Client *c) {
    xrange_generic(c, 0);
}

void xrevrange_command(Client *c) {
    xrange_generic(c, 1);
}

/* --------------------------------------------------------------- XLEN */

void xlen_command(Client *c) {
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_READ, &s)) return;
    reply_int(c, s ? (long long)s->st.length : 0);
}

/* --------------------------------------------------------------- XDEL */

void xdel_command(Client *c) {
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_WRITE, &s)) return;
    if (!s) {
        reply_int(c, 0);
        return;
    }
    /* Every ID is checked before anything is deleted. */
    int n = c->argc - 2;
    StreamId stackids[16];
    StreamId *ids = n <= 16 ? stackids : mem_alloc(sizeof(StreamId) * (size_t)n);
    for (int j = 0; j < n; j++) {
        if (!stream_parse_id(c, &c->argv[2 + j], &ids[j], 0, 1, NULL)) goto done;
    }
    long long deleted = 0;
    for (int j = 0; j < n; j++) deleted += ss_delete(&s->st, ids[j]);
    if (deleted) stream_changed(c, &c->argv[1], "xdel", deleted);
    reply_int(c, deleted);
done:
    if (ids != stackids) mem_free(ids);
}

/* -------------------------------------------------------------- XTRIM */

void xtrim_command(Client *c) {
    TrimArgs a;
    if (parse_add_trim(c, &a, 0) < 0) return;
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_WRITE, &s)) return;
    if (!s) {
        reply_int(c, 0);
        return;
    }
    int64_t deleted = do_trim(s, &a);
    if (deleted) {
        stream_changed(c, &c->argv[1], "xtrim", deleted);
        if (a.approx) propagate_exact(c, s, &a, 0, sid_make(0, 0));
    }
    reply_int(c, deleted);
}

/* ------------------------------------------------------------- XSETID */

void xsetid_command(Client *c) {
    StreamId id, max_xdel = {0, 0};
    long long entries_added = -1;
    if (!stream_parse_id(c, &c->argv[2], &id, 0, 1, NULL)) return;
    for (int i = 3; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        if (arg_equals(&c->argv[i], "entriesadded") && more) {
            if (!arg_to_ll(c, &c->argv[i + 1], &entries_added)) return;
            if (entries_added < 0) {
                reply_error(c, "entries_added must be positive");
                return;
            }
            i++;
        } else if (arg_equals(&c->argv[i], "maxdeletedid") && more) {
            if (!stream_parse_id(c, &c->argv[i + 1], &max_xdel, 0, 1, NULL)) return;
            if (sid_cmp(id, max_xdel) < 0) {
                reply_error(c, "The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                return;
            }
            i++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    Stream *s;
    if (!stream_lookup(c, &c->argv[1], LOOKUP_WRITE, &s)) return;
    if (!s) {
        reply_error(c, ERR_NO_SUCH_KEY);
        return;
    }
    StreamStore *st = &s->st;
    if (sid_cmp(id, st->max_deleted_id) < 0) {
        reply_error(c, "The ID specified in XSETID is smaller than current max_deleted_entry_id");
        return;
    }
    if (st->length > 0) {
        StreamId maxid = ss_edge_id(st, 0, 1);
        if (sid_cmp(id, maxid) < 0) {
            reply_error(c, "The ID specified in XSETID is smaller than the target stream top item");
            return;
        }
        if (entries_added != -1 && st->length > (uint64_t)entries_added) {
            reply_error(c, "The entries_added specified in XSETID is smaller than the target stream length");
            return;
        }
    }
    st->last_id = id;
    if (entries_added != -1) st->entries_added = (uint64_t)entries_added;
    if (!sid_is_zero(max_xdel)) st->max_deleted_id = max_xdel;
    reply_ok(c);
    stream_dirty(c, &c->argv[1], "xsetid", 1);
}
