/* list.c - the list commands: pushes and pops at both ends (with counts),
 * indexes and ranges, LINSERT/LSET/LREM/LTRIM/LPOS, LMOVE and LMPOP, and
 * the blocking BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP.
 *
 * Encodings, as Valkey 8 chooses them: a list starts as one listpack
 * (ENC_LISTPACK) and becomes a quicklist (ENC_QUICKLIST, src/ds) when an
 * addition would take it past list-max-listpack-size (the whole listpack
 * becomes its first node).  A quicklist turns back into a listpack when
 * a removal leaves it one packed node within half the limits.  Both checks
 * run where Valkey runs them (before an addition, even one that then does
 * not happen, such as LINSERT without its pivot; after a removal), so
 * OBJECT ENCODING answers as Valkey's does.  A list is never empty: the
 * key goes with its last element.
 *
 * Blocking commands that find nothing block on their keys (blocked.c) and
 * run again from the start when a key changes; what they did is
 * propagated as the plain command (BLPOP -> LPOP key, BLMPOP/LMPOP ->
 * LPOP/RPOP key count, BLMOVE -> LMOVE, BRPOPLPUSH -> RPOPLPUSH). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../ds/listpack.h"
#include "../ds/quicklist.h"
#include "../server/rdb_io.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../server/timeout.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "list.h"
#include "type_args.h"
#include "types.h"

#define LIST_HEAD QL_HEAD
#define LIST_TAIL QL_TAIL

/* Where blocking is not allowed (inside MULTI, scripts), a blocking
 * command that finds nothing answers as if it had timed out. */
#define LIST_NO_BLOCKING (CLIENT_MULTI | CLIENT_SCRIPT)

/* ------------------------------------------------------------ values */

static uint64_t list_length(const Kv *kv) {
    void *p = kv_get_ptr(kv);
    return kv_encoding(kv) == ENC_LISTPACK ? lp_length(p) : ql_count(p);
}

/* Before adding n elements (args): a listpack that would pass the limits
 * becomes a quicklist. */
static void list_grow_check(Kv *kv, const Arg *args, int n) {
    if (kv_encoding(kv) != ENC_LISTPACK) return;
    unsigned char *lp = kv_get_ptr(kv);
    size_t add = 0;
    for (int i = 0; i < n; i++) add += args[i].len;
    uint32_t count = lp_length(lp);
    if (!ql_node_exceeds_limit(server.cfg.list_max_listpack_size, lp_bytes(lp) + add, (uint64_t)count + (uint64_t)n))
        return;
    Quicklist *ql = ql_new(server.cfg.list_max_listpack_size, server.cfg.list_compress_depth);
    if (count) ql_append_listpack(ql, lp);
    else lp_free(lp);
    kv_set_value(kv, ENC_QUICKLIST, ql);
}

/* After a removal: a quicklist of one packed node within half the limits
 * becomes a listpack (half, so a list at the edge does not flip back and
 * forth). */
static void list_shrink_check(Kv *kv) {
    if (kv_encoding(kv) != ENC_QUICKLIST) return;
    Quicklist *ql = kv_get_ptr(kv);
    if (ql->len != 1 || ql->head->container != QL_PACKED) return;
    size_t sz_limit;
    uint64_t count_limit;
    ql_node_limit(server.cfg.list_max_listpack_size, &sz_limit, &count_limit);
    if (ql->head->sz > sz_limit / 2 || ql->count > count_limit / 2) return;
    kv_set_value(kv, ENC_LISTPACK, ql_release_single_listpack(ql));
}

static void list_push(Kv *kv, int where, const char *s, size_t len) {
    if (kv_encoding(kv) == ENC_LISTPACK) {
        unsigned char *lp = kv_get_ptr(kv);
        lp = where == LIST_HEAD ? lp_prepend(lp, s, len) : lp_append(lp, s, len);
        kv_set_value(kv, ENC_LISTPACK, lp);
    } else {
        ql_push(kv_get_ptr(kv), where, s, len);
    }
}

/* Deletes count elements from start (a list index; negative from the
 * tail). */
static void list_del_range(Kv *kv, int64_t start, uint64_t count) {
    if (!count) return;
    if (kv_encoding(kv) == ENC_LISTPACK) {
        unsigned char *lp = kv_get_ptr(kv);
        kv_set_value(kv, ENC_LISTPACK, lp_delete_range(lp, (long)start, count));
    } else {
        ql_del_range(kv_get_ptr(kv), start, count);
    }
}

/* A new list value under key (absent: db_lookup just said so). */
static Kv *list_create(Client *c, const Arg *key) {
    Kv *kv = kv_new_ptr(key->p, key->len, OBJ_LIST, ENC_LISTPACK, lp_new(0));
    return db_store(c->db, key, NULL, kv, 0);
}

/* ------------------------------------------------ uniform iteration */

typedef struct ListIter {
    Kv *kv;
    int enc;
    int dir;            /* QL_FORWARD or QL_BACKWARD */
    QlIter qi;          /* quicklist */
    unsigned char *p;   /* listpack: next entry, NULL at the end */
} ListIter;

typedef struct ListEntry {
    QlEntry qe;         /* quicklist */
    unsigned char *p;   /* listpack */
    const char *s;      /* string view, or NULL: the integer v */
    size_t len;
    int64_t v;
} ListEntry;

/* A value to compare elements with, parsed once. */
typedef struct Needle {
    const char *s;
    size_t len;
    int is_int;
    int64_t v;
} Needle;

static void needle_init(Needle *n, const Arg *a) {
    n->s = a->p;
    n->len = a->len;
    n->is_int = lp_string_to_int64(a->p, a->len, &n->v);
}

static int entry_equals(const ListEntry *e, const Needle *n) {
    if (!e->s) return n->is_int && n->v == e->v;
    return e->len == n->len && (n->len == 0 || memcmp(e->s, n->s, n->len) == 0);
}

/* Starts at list index `index` (negative: from the tail) walking in dir;
 * 0 when the index is out of range. */
static int list_iter_init(ListIter *it, Kv *kv, int64_t index, int dir) {
    it->kv = kv;
    it->enc = kv_encoding(kv);
    it->dir = dir;
    it->p = NULL;
    if (it->enc == ENC_QUICKLIST) return ql_iter_init(&it->qi, kv_get_ptr(kv), dir, index);
    unsigned char *lp = kv_get_ptr(kv);
    int64_t len = (int64_t)lp_length(lp);
    if (index >= len || index < -len) return 0;
    it->p = lp_seek(lp, (long)index);
    return it->p != NULL;
}

static int list_iter_next(ListIter *it, ListEntry *e) {
    if (it->enc == ENC_QUICKLIST) {
        if (!ql_iter_next(&it->qi, &e->qe)) return 0;
        e->s = e->qe.sval;
        e->len = e->qe.slen;
        e->v = e->qe.lval;
        return 1;
    }
    if (!it->p) return 0;
    unsigned char *lp = kv_get_ptr(it->kv);
    uint32_t slen = 0;
    e->p = it->p;
    e->s = lp_get(it->p, &e->v, &slen);
    e->len = slen;
    it->p = it->dir == QL_FORWARD ? lp_next(lp, it->p) : lp_prev(lp, it->p);
    return 1;
}

/* Deletes the element just returned; the walk goes on after it. */
static void list_iter_del(ListIter *it, ListEntry *e) {
    if (it->enc == ENC_QUICKLIST) {
        ql_iter_del(&it->qi, &e->qe);
        return;
    }
    unsigned char *next;
    unsigned char *lp = lp_delete(kv_get_ptr(it->kv), e->p, &next);
    kv_set_value(it->kv, ENC_LISTPACK, lp);
    if (it->dir == QL_FORWARD) it->p = next;
    else it->p = next ? lp_prev(lp, next) : lp_last(lp);
}

/* Inserts next to the element just returned; ends the walk. */
static void list_iter_insert(ListIter *it, ListEntry *e, const Arg *val, int after) {
    if (it->enc == ENC_QUICKLIST) {
        ql_insert(&it->qi, &e->qe, val->p, val->len, after);
        return;
    }
    unsigned char *lp = lp_insert(kv_get_ptr(it->kv), val->p, val->len, e->p, after ? LP_AFTER : LP_BEFORE, NULL);
    kv_set_value(it->kv, ENC_LISTPACK, lp);
    it->p = NULL;
}

static void list_iter_done(ListIter *it) {
    if (it->enc == ENC_QUICKLIST) ql_iter_done(&it->qi);
    it->p = NULL;
}

static void reply_entry(Client *c, const ListEntry *e) {
    if (e->s) reply_bulk(c, e->s, e->len);
    else reply_bulk_ll(c, e->v);
}

/* The element at an end, as a view (valid until the list changes). */
static void list_peek(Kv *kv, int where, ListEntry *e) {
    if (kv_encoding(kv) == ENC_QUICKLIST) {
        ql_peek(kv_get_ptr(kv), where, &e->qe);
        e->s = e->qe.sval;
        e->len = e->qe.slen;
        e->v = e->qe.lval;
        return;
    }
    unsigned char *lp = kv_get_ptr(kv);
    uint32_t slen = 0;
    e->p = where == LIST_HEAD ? lp_first(lp) : lp_last(lp);
    e->s = lp_get(e->p, &e->v, &slen);
    e->len = slen;
}

static void list_pop(Kv *kv, int where) {
    if (kv_encoding(kv) == ENC_QUICKLIST) {
        ql_pop(kv_get_ptr(kv), where);
        return;
    }
    unsigned char *lp = kv_get_ptr(kv);
    unsigned char *p = where == LIST_HEAD ? lp_first(lp) : lp_last(lp);
    kv_set_value(kv, ENC_LISTPACK, lp_delete(lp, p, NULL));
}

/* ------------------------------------------------------------ helpers */

/* Looks key up (LOOKUP_READ or LOOKUP_WRITE); replies WRONGTYPE (and
 * sets *err) when it holds something other than a list. */
static Kv *lookup_list(Client *c, const Arg *key, int flags, int *err) {
    Kv *kv = db_lookup(c, c->db, key, flags);
    *err = 0;
    if (kv && kv_type(kv) != OBJ_LIST) {
        reply_wrong_type(c);
        *err = 1;
        return NULL;
    }
    return kv;
}

/* LEFT or RIGHT (any case), else a syntax error. */
static int parse_end(Client *c, const Arg *a, int *where) {
    if (arg_equals(a, "left")) *where = LIST_HEAD;
    else if (arg_equals(a, "right")) *where = LIST_TAIL;
    else {
        reply_syntax_error(c);
        return 0;
    }
    return 1;
}

/* After elements were removed from an end (pops, LMOVE's source): the
 * pop event, the key deleted with its last element (and "del"), or a
 * chance to become a listpack again.  changes counts for the dirty
 * counter. */
static void list_removed(Client *c, const Arg *key, Kv *kv, int where, long long changes) {
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_LIST, where == LIST_HEAD ? "lpop" : "rpop", changes);
    if (list_length(kv) == 0) {
        db_delete(c->db, key->p, key->len);
        key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    } else {
        list_shrink_check(kv);
    }
}

/* Replies with the elements from start to end (list indexes, clamped as
 * LRANGE clamps them), tail first when reverse. */
static void reply_range(Client *c, Kv *kv, long long start, long long end, int reverse) {
    long long llen = (long long)list_length(kv);
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
        reply_array_len(c, 0);
        return;
    }
    if (end >= llen) end = llen - 1;
    long long n = end - start + 1;
    reply_array_len(c, n);
    ListIter it;
    ListEntry e;
    list_iter_init(&it, kv, reverse ? end : start, reverse ? QL_BACKWARD : QL_FORWARD);
    while (n-- > 0 && list_iter_next(&it, &e)) reply_entry(c, &e);
    list_iter_done(&it);
}

/* Pops up to count elements from an end, replying with them as an array
 * (nearest the end first); returns how many. */
static long long pop_range_reply(Client *c, Kv *kv, int where, long long count) {
    long long llen = (long long)list_length(kv);
    long long n = count > llen ? llen : count;
    if (where == LIST_HEAD) {
        reply_range(c, kv, 0, n - 1, 0);
        list_del_range(kv, 0, (uint64_t)n);
    } else {
        reply_range(c, kv, -n, -1, 1);
        list_del_range(kv, -n, (uint64_t)n);
    }
    return n;
}

/* --------------------------------------------------------------- push */

static void push_generic(Client *c, int where, int only_existing) {
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        if (only_existing) {
            reply_int(c, 0);
            return;
        }
        kv = list_create(c, key);
    }
    int n = c->argc - 2;
    list_grow_check(kv, &c->argv[2], n);
    for (int i = 2; i < c->argc; i++) list_push(kv, where, c->argv[i].p, c->argv[i].len);
    reply_int(c, (long long)list_length(kv));
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_LIST, where == LIST_HEAD ? "lpush" : "rpush", n);
}

void lpush_command(Client *c) { push_generic(c, LIST_HEAD, 0); }
void rpush_command(Client *c) { push_generic(c, LIST_TAIL, 0); }
void lpushx_command(Client *c) { push_generic(c, LIST_HEAD, 1); }
void rpushx_command(Client *c) { push_generic(c, LIST_TAIL, 1); }

/* ---------------------------------------------------------------- pop */

static void pop_generic(Client *c, int where) {
    int has_count = c->argc == 3;
    long long count = 0;
    if (c->argc > 3) {
        reply_wrong_arity(c, c->cmd ? c->cmd->fullname : (where == LIST_HEAD ? "lpop" : "rpop"));
        return;
    }
    if (has_count && !type_arg_range(c, &c->argv[2], 0, LLONG_MAX, "value is out of range, must be positive", &count))
        return;
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        if (has_count) reply_null_array(c);
        else reply_null(c);
        return;
    }
    if (has_count && count == 0) {
        reply_array_len(c, 0);
        return;
    }
    long long popped = 1;
    if (!has_count) {
        ListEntry e;
        list_peek(kv, where, &e);
        reply_entry(c, &e);
        list_pop(kv, where);
    } else {
        popped = pop_range_reply(c, kv, where, count);
    }
    list_removed(c, key, kv, where, popped);
}

void lpop_command(Client *c) { pop_generic(c, LIST_HEAD); }
void rpop_command(Client *c) { pop_generic(c, LIST_TAIL); }

/* ------------------------------------------------------------ reading */

void llen_command(Client *c) {
    int err;
    Kv *kv = lookup_list(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    reply_int(c, kv ? (long long)list_length(kv) : 0);
}

void lindex_command(Client *c) {
    int err;
    Kv *kv = lookup_list(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_null(c);
        return;
    }
    long long index;
    if (!arg_to_ll(c, &c->argv[2], &index)) return;
    ListIter it;
    ListEntry e;
    if (list_iter_init(&it, kv, index, QL_FORWARD) && list_iter_next(&it, &e)) reply_entry(c, &e);
    else reply_null(c);
    list_iter_done(&it);
}

void lrange_command(Client *c) {
    long long start, end;
    if (!arg_to_ll(c, &c->argv[2], &start) || !arg_to_ll(c, &c->argv[3], &end)) return;
    int err;
    Kv *kv = lookup_list(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_array_len(c, 0);
        return;
    }
    reply_range(c, kv, start, end, 0);
}

void lpos_command(Client *c) {
    long long rank = 1, count = -1, maxlen = 0; /* count -1: no COUNT */
    for (int j = 3; j < c->argc; j++) {
        const Arg *opt = &c->argv[j];
        int more = j + 1 < c->argc;
        if (arg_equals(opt, "rank") && more) {
            long long v;
            j++;
            if (!str_to_ll(c->argv[j].p, c->argv[j].len, &v)) {
                reply_error(c, ERR_NOT_INTEGER);
                return;
            }
            if (v == LLONG_MIN) {
                reply_errorf(c, "value is out of range, value must between %lld and %lld", -LLONG_MAX, LLONG_MAX);
                return;
            }
            if (v == 0) {
                reply_error(c, "RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                               "or use negative to start from the end of the list");
                return;
            }
            rank = v;
        } else if (arg_equals(opt, "count") && more) {
            j++;
            if (!type_arg_range(c, &c->argv[j], 0, LLONG_MAX, "COUNT can't be negative", &count)) return;
        } else if (arg_equals(opt, "maxlen") && more) {
            j++;
            if (!type_arg_range(c, &c->argv[j], 0, LLONG_MAX, "MAXLEN can't be negative", &maxlen)) return;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    int dir = QL_FORWARD;
    if (rank < 0) {
        rank = -rank;
        dir = QL_BACKWARD;
    }
    int err;
    Kv *kv = lookup_list(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        if (count != -1) reply_array_len(c, 0);
        else reply_null(c);
        return;
    }
    Needle needle;
    needle_init(&needle, &c->argv[2]);
    ReplyDeferred d = {0};
    if (count != -1) d = reply_deferred_len(c);
    long long llen = (long long)list_length(kv), index = 0, matches = 0, found = -1, replied = 0;
    ListIter it;
    ListEntry e;
    list_iter_init(&it, kv, dir == QL_FORWARD ? 0 : -1, dir);
    while ((maxlen == 0 || index < maxlen) && list_iter_next(&it, &e)) {
        if (entry_equals(&e, &needle)) {
            matches++;
            if (matches >= rank) {
                long long pos = dir == QL_FORWARD ? index : llen - index - 1;
                if (count == -1) {
                    found = pos;
                    break;
                }
                reply_int(c, pos);
                replied++;
                if (count && matches - rank + 1 >= count) break;
            }
        }
        index++;
    }
    list_iter_done(&it);
    if (count != -1) reply_set_deferred_array_len(c, d, replied);
    else if (found != -1) reply_int(c, found);
    else reply_null(c);
}

/* ------------------------------------------------------------ writing */

void linsert_command(Client *c) {
    int after;
    if (arg_equals(&c->argv[2], "after")) after = 1;
    else if (arg_equals(&c->argv[2], "before")) after = 0;
    else {
        reply_syntax_error(c);
        return;
    }
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    /* As in Valkey: converted before looking for the pivot, so even an
     * insert that does not happen can leave a quicklist. */
    list_grow_check(kv, &c->argv[4], 1);
    Needle pivot;
    needle_init(&pivot, &c->argv[3]);
    ListIter it;
    ListEntry e;
    int inserted = 0;
    list_iter_init(&it, kv, 0, QL_FORWARD);
    while (list_iter_next(&it, &e)) {
        if (entry_equals(&e, &pivot)) {
            list_iter_insert(&it, &e, &c->argv[4], after);
            inserted = 1;
            break;
        }
    }
    list_iter_done(&it);
    if (!inserted) {
        reply_int(c, -1);
        return;
    }
    key_changed(c, c->db, key->p, key->len, NOTIFY_LIST, "linsert");
    reply_int(c, (long long)list_length(kv));
}

void lset_command(Client *c) {
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_error(c, ERR_NO_SUCH_KEY);
        return;
    }
    long long index;
    if (!arg_to_ll(c, &c->argv[2], &index)) return;
    const Arg *val = &c->argv[3];
    list_grow_check(kv, val, 1);
    int done = 0;
    if (kv_encoding(kv) == ENC_QUICKLIST) {
        done = ql_replace_at(kv_get_ptr(kv), index, val->p, val->len);
    } else {
        unsigned char *lp = kv_get_ptr(kv);
        int64_t len = (int64_t)lp_length(lp);
        unsigned char *p = index < len && index >= -len ? lp_seek(lp, (long)index) : NULL;
        if (p) {
            kv_set_value(kv, ENC_LISTPACK, lp_replace(lp, &p, val->p, val->len));
            done = 1;
        }
    }
    if (!done) {
        reply_error(c, "index out of range");
        return;
    }
    reply_ok(c);
    key_changed(c, c->db, key->p, key->len, NOTIFY_LIST, "lset");
    /* A big element replaced by a small one may make it fit again. */
    list_shrink_check(kv);
}

void lrem_command(Client *c) {
    long long toremove;
    if (!arg_to_ll(c, &c->argv[2], &toremove)) return;
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    int dir = QL_FORWARD;
    uint64_t limit = (uint64_t)toremove;
    if (toremove < 0) {
        dir = QL_BACKWARD;
        limit = (uint64_t)(-(toremove + 1)) + 1;
    }
    Needle needle;
    needle_init(&needle, &c->argv[3]);
    ListIter it;
    ListEntry e;
    uint64_t removed = 0;
    list_iter_init(&it, kv, dir == QL_FORWARD ? 0 : -1, dir);
    while (list_iter_next(&it, &e)) {
        if (!entry_equals(&e, &needle)) continue;
        list_iter_del(&it, &e);
        removed++;
        if (limit && removed == limit) break;
    }
    list_iter_done(&it);
    if (removed) {
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_LIST, "lrem", (long long)removed);
        if (list_length(kv) == 0) {
            db_delete(c->db, key->p, key->len);
            key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
        } else {
            list_shrink_check(kv);
        }
    }
    reply_int(c, (long long)removed);
}

void ltrim_command(Client *c) {
    long long start, end;
    if (!arg_to_ll(c, &c->argv[2], &start) || !arg_to_ll(c, &c->argv[3], &end)) return;
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_ok(c);
        return;
    }
    long long llen = (long long)list_length(kv), ltrim, rtrim;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
        ltrim = llen;
        rtrim = 0;
    } else {
        if (end >= llen) end = llen - 1;
        ltrim = start;
        rtrim = llen - end - 1;
    }
    list_del_range(kv, 0, (uint64_t)ltrim);
    list_del_range(kv, -rtrim, (uint64_t)rtrim);
    /* The event fires even when nothing was trimmed; only a trim that
     * removed something is a change worth propagating. */
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_LIST, "ltrim", ltrim + rtrim);
    if (list_length(kv) == 0) {
        db_delete(c->db, key->p, key->len);
        key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    } else {
        list_shrink_check(kv);
    }
    reply_ok(c);
}

/* ------------------------------------------------------- LMOVE family */

/* Copies of popped values: small ones on the stack. */
typedef struct ValueCopy {
    char *p;
    size_t len;
    char small[128];
} ValueCopy;

static void value_copy(ValueCopy *vc, const ListEntry *e) {
    if (!e->s) {
        vc->len = ll_to_str(vc->small, e->v);
        vc->p = vc->small;
        return;
    }
    vc->len = e->len;
    vc->p = e->len <= sizeof(vc->small) ? vc->small : mem_alloc(e->len);
    if (e->len) memcpy(vc->p, e->s, e->len);
}

static void value_release(ValueCopy *vc) {
    if (vc->p != vc->small) mem_free(vc->p);
}

/* LMOVE source destination wherefrom whereto, and the blocking forms
 * once their source has elements.  Returns 1 when an element moved. */
static int lmove_generic(Client *c, int wherefrom, int whereto) {
    const Arg *src = &c->argv[1], *dst = &c->argv[2];
    int err;
    Kv *skv = lookup_list(c, src, LOOKUP_WRITE, &err);
    if (err) return 0;
    if (!skv) {
        reply_null(c);
        return 0;
    }
    Kv *dkv = lookup_list(c, dst, LOOKUP_WRITE, &err);
    if (err) return 0;
    ListEntry e;
    ValueCopy vc;
    list_peek(skv, wherefrom, &e);
    value_copy(&vc, &e);
    list_pop(skv, wherefrom);
    /* Push first, then account for the source (as Valkey orders the
     * events: the destination's push, then the source's pop). */
    if (!dkv) dkv = list_create(c, dst);
    Arg val = {vc.p, vc.len};
    list_grow_check(dkv, &val, 1);
    list_push(dkv, whereto, vc.p, vc.len);
    key_changed_n(c, c->db, dst->p, dst->len, NOTIFY_LIST, whereto == LIST_HEAD ? "lpush" : "rpush", 0);
    reply_bulk(c, vc.p, vc.len);
    value_release(&vc);
    /* When source and destination are one list, the element is back in
     * it by now, so the key stays. */
    list_removed(c, src, skv, wherefrom, 1);
    return 1;
}

void lmove_command(Client *c) {
    int from, to;
    if (!parse_end(c, &c->argv[3], &from) || !parse_end(c, &c->argv[4], &to)) return;
    lmove_generic(c, from, to);
}

void rpoplpush_command(Client *c) {
    lmove_generic(c, LIST_TAIL, LIST_HEAD);
}

/* The first non-empty list among keys: pops up to count elements and
 * replies [key, [elements]]; propagated as LPOP/RPOP key n.  Returns 0
 * when every key is missing (nothing replied), -1 after an error reply,
 * 1 when served. */
static int mpop_keys(Client *c, const Arg *keys, long long nkeys, int where, long long count) {
    for (long long j = 0; j < nkeys; j++) {
        const Arg *key = &keys[j];
        int err;
        Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
        if (err) return -1;
        if (!kv) continue;
        reply_array_len(c, 2);
        reply_bulk(c, key->p, key->len);
        long long n = pop_range_reply(c, kv, where, count);
        list_removed(c, key, kv, where, n);
        char num[NUMCONV_LL_BUF];
        size_t numlen = ll_to_str(num, n);
        Arg argv[3] = {{where == LIST_HEAD ? "LPOP" : "RPOP", 4}, *key, {num, numlen}};
        propagate_rewrite(c, 3, argv);
        return 1;
    }
    return 0;
}

/* Parses [B]LMPOP from numkeys_idx: numkeys, keys, LEFT|RIGHT and an
 * optional COUNT.  Returns 0 after an error reply. */
static int parse_mpop(Client *c, int numkeys_idx, long long *nkeys, int *where, long long *count) {
    return type_parse_mpop(c, numkeys_idx, "left", LIST_HEAD, "right", LIST_TAIL, nkeys, where, count);
}

void lmpop_command(Client *c) {
    long long nkeys, count;
    int where;
    if (!parse_mpop(c, 1, &nkeys, &where, &count)) return;
    if (mpop_keys(c, &c->argv[2], nkeys, where, count) == 0) reply_null_array(c);
}

/* ----------------------------------------------------------- blocking */

/* A blocking timeout in seconds (decimals allowed, rounded up to whole
 * ms) as an absolute time, 0 for "forever", with Valkey's errors. */
static int parse_timeout(Client *c, const Arg *a, int64_t *abs_ms) {
    return timeout_arg_to_abs_ms(c, a, TIMEOUT_UNIT_SECONDS, abs_ms);
}

static const BlockKeysSpec list_block_spec = {
    .value_type = OBJ_LIST,
    .unblock_on_nokey = 0,
    .on_timeout = NULL, /* a null array, as Valkey answers every list wait */
};

/* BLPOP/BRPOP (count -1: one element, [key, value]) and BLMPOP (count >=
 * 1: [key, [elements]]). */
static void blocking_pop(Client *c, const Arg *keys, long long nkeys, int where, int timeout_idx, long long count) {
    int64_t timeout;
    if (!parse_timeout(c, &c->argv[timeout_idx], &timeout)) return;
    if (count != -1) {
        int r = mpop_keys(c, keys, nkeys, where, count);
        if (r) return;
    } else {
        for (long long j = 0; j < nkeys; j++) {
            const Arg *key = &keys[j];
            int err;
            Kv *kv = lookup_list(c, key, LOOKUP_WRITE, &err);
            if (err) return;
            if (!kv) continue;
            ListEntry e;
            reply_array_len(c, 2);
            reply_bulk(c, key->p, key->len);
            list_peek(kv, where, &e);
            reply_entry(c, &e);
            list_pop(kv, where);
            list_removed(c, key, kv, where, 1);
            Arg argv[2] = {{where == LIST_HEAD ? "LPOP" : "RPOP", 4}, *key};
            propagate_rewrite(c, 2, argv);
            return;
        }
    }
    if (c->flags & LIST_NO_BLOCKING) {
        reply_null_array(c);
        return;
    }
    block_for_keys(c, c->db, keys, (int)nkeys, timeout, &list_block_spec);
}

void blpop_command(Client *c) {
    blocking_pop(c, &c->argv[1], c->argc - 2, LIST_HEAD, c->argc - 1, -1);
}

void brpop_command(Client *c) {
    blocking_pop(c, &c->argv[1], c->argc - 2, LIST_TAIL, c->argc - 1, -1);
}

void blmpop_command(Client *c) {
    long long nkeys, count;
    int where;
    if (!parse_mpop(c, 2, &nkeys, &where, &count)) return;
    blocking_pop(c, &c->argv[3], nkeys, where, 1, count);
}

static void blmove_generic(Client *c, int wherefrom, int whereto, int64_t timeout, int is_blmove) {
    int err;
    Kv *kv = lookup_list(c, &c->argv[1], LOOKUP_WRITE, &err);
    if (err) return;
    if (kv) {
        if (!lmove_generic(c, wherefrom, whereto)) return;
        /* Replayed as the non-blocking form. */
        if (is_blmove) {
            Arg argv[5] = {{"LMOVE", 5}, c->argv[1], c->argv[2], c->argv[3], c->argv[4]};
            propagate_rewrite(c, 5, argv);
        } else {
            Arg argv[3] = {{"RPOPLPUSH", 9}, c->argv[1], c->argv[2]};
            propagate_rewrite(c, 3, argv);
        }
        return;
    }
    if (c->flags & LIST_NO_BLOCKING) {
        reply_null(c);
        return;
    }
    block_for_keys(c, c->db, &c->argv[1], 1, timeout, &list_block_spec);
}

void blmove_command(Client *c) {
    int from, to;
    int64_t timeout;
    if (!parse_end(c, &c->argv[3], &from) || !parse_end(c, &c->argv[4], &to)) return;
    if (!parse_timeout(c, &c->argv[5], &timeout)) return;
    blmove_generic(c, from, to, timeout, 1);
}

void brpoplpush_command(Client *c) {
    int64_t timeout;
    if (!parse_timeout(c, &c->argv[3], &timeout)) return;
    blmove_generic(c, LIST_TAIL, LIST_HEAD, timeout, 0);
}

/* ------------------------------------------- for other commands (SORT) */

uint64_t list_len(const Kv *kv) {
    return list_length(kv);
}

void list_visit(const Kv *kv, uint64_t start, int reverse, list_visit_fn *fn, void *priv) {
    ListIter it;
    ListEntry e;
    if (start >= list_length(kv)) return;
    int64_t index = reverse ? -1 - (int64_t)start : (int64_t)start;
    if (!list_iter_init(&it, (Kv *)kv, index, reverse ? QL_BACKWARD : QL_FORWARD)) return;
    while (list_iter_next(&it, &e))
        if (!fn(priv, e.s, e.len, e.v)) break;
    list_iter_done(&it);
}

struct ListBuild {
    Quicklist *ql;
};

ListBuild *list_build_new(void) {
    ListBuild *b = mem_alloc(sizeof(*b));
    b->ql = ql_new(server.cfg.list_max_listpack_size, server.cfg.list_compress_depth);
    return b;
}

void list_build_push(ListBuild *b, const char *s, size_t len) {
    ql_push(b->ql, LIST_TAIL, s, len);
}

Kv *list_build_finish(ListBuild *b, const char *key, size_t klen) {
    Quicklist *ql = b->ql;
    mem_free(b);
    if (ql->count == 0) {
        ql_free(ql);
        return NULL;
    }
    size_t sz_limit;
    uint64_t count_limit;
    ql_node_limit(server.cfg.list_max_listpack_size, &sz_limit, &count_limit);
    if (ql->len == 1 && ql->head->container == QL_PACKED && ql->head->sz <= sz_limit && ql->count <= count_limit)
        return kv_new_ptr(key, klen, OBJ_LIST, ENC_LISTPACK, ql_release_single_listpack(ql));
    return kv_new_ptr(key, klen, OBJ_LIST, ENC_QUICKLIST, ql);
}

/* ---------------------------------------------------------------- RDB */

/* Every list is written as RDB_TYPE_LIST_QUICKLIST_2: a listpack value
 * as one packed node, a quicklist node by node, compressed nodes as the
 * LZF bytes they already hold. */
static int list_rdb_save(RdbWriter *w, const void *ptr, int encoding) {
    if (w->type(w, RDB_TYPE_LIST_QUICKLIST_2)) return -1;
    if (encoding == ENC_LISTPACK) {
        if (w->len(w, 1) || w->len(w, RDB_QL_PACKED)) return -1;
        return w->string(w, ptr, lp_bytes(ptr));
    }
    const Quicklist *ql = ptr;
    if (w->len(w, ql->len)) return -1;
    for (const QlNode *n = ql->head; n; n = n->next) {
        if (w->len(w, n->container == QL_PLAIN ? RDB_QL_PLAIN : RDB_QL_PACKED)) return -1;
        int rc = n->compressed ? w->lzf(w, n->entry, n->csz, n->sz) : w->string(w, n->entry, n->sz);
        if (rc) return -1;
    }
    return 0;
}

static void list_rdb_push_entries(Quicklist *ql, unsigned char *lp) {
    char buf[LP_INTBUF_SIZE];
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
        uint32_t len;
        const char *s = lp_get_str(p, buf, &len);
        ql_push(ql, QL_TAIL, s, len);
    }
}

/* The node layouts of every list type files have held.  A single packed
 * node within list-max-listpack-size becomes a listpack value (Valkey's
 * conversion after a load), except for the old whole-list ziplist, which
 * Valkey keeps as a quicklist. */
static void *list_rdb_load(RdbReader *r, int rdb_type, int *enc) {
    Quicklist *ql = ql_new(server.cfg.list_max_listpack_size, server.cfg.list_compress_depth);
    uint64_t n;
    const char *p;
    size_t len;
    unsigned char *lp;
    if (rdb_type == RDB_TYPE_LIST) {
        if (!r->count(r, &n)) goto fail;
        for (uint64_t i = 0; i < n; i++) {
            if (!r->string(r, &p, &len)) goto fail;
            ql_push(ql, QL_TAIL, p, len);
        }
    } else if (rdb_type == RDB_TYPE_LIST_ZIPLIST) {
        if (!(lp = r->ziplist(r, 0))) goto fail;
        list_rdb_push_entries(ql, lp);
        lp_free(lp);
    } else if (rdb_type == RDB_TYPE_LIST_QUICKLIST || rdb_type == RDB_TYPE_LIST_QUICKLIST_2) {
        if (!r->count(r, &n)) goto fail;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t container = RDB_QL_PACKED;
            if (rdb_type == RDB_TYPE_LIST_QUICKLIST_2) {
                if (!r->len(r, &container)) goto fail;
                if (container != RDB_QL_PACKED && container != RDB_QL_PLAIN) {
                    r->fail(r, "Quicklist integrity check failed.");
                    goto fail;
                }
            }
            if (container == RDB_QL_PLAIN) {
                if (!r->string(r, &p, &len)) goto fail;
                if (len == 0) {
                    r->fail(r, "Empty plain quicklist node");
                    goto fail;
                }
                ql_push(ql, QL_TAIL, p, len);
                continue;
            }
            lp = rdb_type == RDB_TYPE_LIST_QUICKLIST_2 ? r->listpack(r, 0, NULL) : r->ziplist(r, 0);
            if (!lp) goto fail;
            /* Empty nodes are skipped, as Valkey does. */
            if (lp_length(lp) == 0) lp_free(lp);
            else ql_append_listpack(ql, lp);
        }
    } else {
        r->fail(r, "Unknown RDB encoding type for a list");
        goto fail;
    }
    if (ql->count == 0) {
        r->empty = 1;
        goto fail;
    }
    if (rdb_type != RDB_TYPE_LIST_ZIPLIST) {
        size_t sz_limit;
        uint64_t count_limit;
        ql_node_limit(server.cfg.list_max_listpack_size, &sz_limit, &count_limit);
        if (ql->len == 1 && ql->head->container == QL_PACKED && ql->head->sz <= sz_limit &&
            ql->count <= count_limit) {
            *enc = ENC_LISTPACK;
            return ql_release_single_listpack(ql);
        }
    }
    *enc = ENC_QUICKLIST;
    return ql;
fail:
    ql_free(ql);
    return NULL;
}

/* ------------------------------------------------------------ TypeOps */

static void list_free(void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) lp_free(ptr);
    else ql_free(ptr);
}

static void *list_dup(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return lp_dup(ptr);
    return ql_dup(ptr);
}

static size_t list_mem_usage(const void *ptr, int encoding, long long samples) {
    if (encoding == ENC_LISTPACK) return mem_usable(ptr);
    return ql_mem_usage(ptr, samples > 0 ? (uint64_t)samples : 0);
}

static size_t list_free_effort(const void *ptr, int encoding) {
    if (encoding == ENC_LISTPACK) return 1;
    return (size_t)((const Quicklist *)ptr)->len;
}

/* Ordered: each element's length and bytes (integers as their decimal
 * text, so the encoding does not matter). */
static void digest_add(Sha1 *h, const char *s, size_t len) {
    uint8_t n[8];
    uint64_t l = len;
    for (int i = 0; i < 8; i++) n[i] = (uint8_t)(l >> (8 * i));
    sha1_update(h, n, 8);
    sha1_update(h, s, len);
}

static void list_digest(const void *ptr, int encoding, uint8_t out[20]) {
    Sha1 h;
    sha1_init(&h);
    char buf[LP_INTBUF_SIZE];
    if (encoding == ENC_LISTPACK) {
        unsigned char *lp = (unsigned char *)ptr;
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
            uint32_t len;
            const char *s = lp_get_str(p, buf, &len);
            digest_add(&h, s, len);
        }
    } else {
        QlIter it;
        QlEntry e;
        ql_iter_init(&it, (Quicklist *)ptr, QL_FORWARD, 0);
        while (ql_iter_next(&it, &e)) {
            if (e.sval) {
                digest_add(&h, e.sval, e.slen);
            } else {
                size_t n = ll_to_str(buf, e.lval);
                digest_add(&h, buf, n);
            }
        }
        ql_iter_done(&it);
    }
    sha1_final(&h, out);
}

size_t list_debug_object_fields(const void *ptr, int encoding, char *buf, size_t cap) {
    if (!cap) return 0;
    buf[0] = '\0';
    if (encoding != ENC_QUICKLIST) return 0;
    const Quicklist *ql = ptr;
    uint64_t compressed, raw;
    ql_stats(ql, &compressed, &raw);
    double avg = ql->len ? (double)ql->count / (double)ql->len : 0;
    int n = snprintf(buf, cap, " ql_nodes:%llu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%llu",
                     (unsigned long long)ql->len, avg, ql->fill, ql->compress != 0, (unsigned long long)raw);
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The encoding's own invariants (DEBUG KEYSPACE-CHECK, sanitizer cron). */
static const char *list_check(const void *ptr, int encoding) {
    if (encoding == ENC_QUICKLIST) return ql_check(ptr, 0);
    unsigned char *lp = (unsigned char *)ptr;
    return lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL) ? NULL : "listpack fails validation";
}

static const TypeOps list_type_ops = {
    .type = OBJ_LIST,
    .name = "list",
    .free = list_free,
    .dup = list_dup,
    .mem_usage = list_mem_usage,
    .free_effort = list_free_effort,
    .digest = list_digest,
    .debug_info = list_debug_object_fields,
    .check = list_check,
    .rdb_save = list_rdb_save,
    .rdb_load = list_rdb_load,
};

void list_type_init(void) {
    kv_register_type(&list_type_ops);
}
