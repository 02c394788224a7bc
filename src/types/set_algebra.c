/* set_algebra.c - the multi-key set commands: SINTER SINTERCARD
 * SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE, with Valkey 8's
 * algorithms, so results (and the STORE forms' encodings) come out as
 * Valkey's do:
 *  - intersection walks the smallest set and probes the others; a stored
 *    result starts as an intset when the smallest set is one, else as a
 *    listpack, and ends as an intset if every member was an integer;
 *  - union and difference build the result from an empty intset with the
 *    ordinary conversions; difference picks between probing (cost of
 *    the first set times the number of sets, halved) and add-then-remove
 *    (total size), as Valkey does.
 * A missing key is an empty set; a STORE form with an empty result
 * deletes the destination.  Sources are looked up as reads; every key is
 * type-checked before anything is written. */
#include <stdlib.h>
#include <string.h>

#include "../server/server.h"
#include "../server/reply.h"
#include "../ds/listpack.h"
#include "set.h"

enum { OP_UNION, OP_DIFF };

typedef struct SrcSet {
    Kv *kv;          /* NULL: missing key */
    SetVal s;
    uint64_t size;
    int order;       /* position among the arguments, to break ties */
} SrcSet;

/* Looks every source up; 0 after replying WRONGTYPE. */
static int lookup_sources(Client *c, const Arg *keys, int n, SrcSet *out) {
    for (int j = 0; j < n; j++) {
        int err;
        Kv *kv = set_lookup(c, &keys[j], LOOKUP_READ, &err);
        if (err) return 0;
        out[j].kv = kv;
        out[j].order = j;
        if (kv) {
            out[j].s = set_of(kv);
            out[j].size = set_size(&out[j].s);
        } else {
            out[j].s = (SetVal){0, NULL};
            out[j].size = 0;
        }
    }
    return 1;
}

static int by_size(const void *a, const void *b) {
    const SrcSet *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->order - y->order;
}

static int by_size_desc(const void *a, const void *b) {
    const SrcSet *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->order - y->order;
}

/* Stores a non-empty result under dst, or deletes dst for an empty one;
 * replies with the result's size. */
static void store_result(Client *c, const Arg *dst, SetVal *res, const char *event) {
    Kv *old = db_lookup(c, c->db, dst, LOOKUP_WRITE);
    uint64_t size = set_size(res);
    if (size == 0) {
        set_free_val(res);
        reply_int(c, 0);
        if (old) {
            db_delete(c->db, dst->p, dst->len);
            key_changed(c, c->db, dst->p, dst->len, NOTIFY_GENERIC, "del");
        }
        return;
    }
    set_shrink(res);
    Kv *kv = kv_new_ptr(dst->p, dst->len, OBJ_SET, res->enc, res->ptr);
    db_store(c->db, dst, old, kv, 0);
    reply_int(c, (long long)size);
    key_changed(c, c->db, dst->p, dst->len, NOTIFY_SET, event);
}

/* --------------------------------------------------------- intersection */

static void sinter_generic(Client *c, const Arg *keys, int n, const Arg *dst, int card_only, uint64_t limit) {
    SrcSet *sets = mem_alloc(sizeof(SrcSet) * (size_t)n);
    if (!lookup_sources(c, keys, n, sets)) {
        mem_free(sets);
        return;
    }
    int empty = 0;
    for (int j = 0; j < n; j++) empty |= sets[j].kv == NULL;
    if (empty) {
        mem_free(sets);
        if (dst) {
            SetVal none = set_new_enc(ENC_INTSET, 0);
            store_result(c, dst, &none, "sinterstore");
        } else if (card_only) {
            reply_int(c, 0);
        } else {
            reply_set_len(c, 0);
        }
        return;
    }
    qsort(sets, (size_t)n, sizeof(SrcSet), by_size);
    SetVal res = {0, NULL};
    ReplyDeferred d = {0};
    if (dst) {
        if (sets[0].s.enc == ENC_INTSET) {
            /* Members come in ascending order: cheap intset appends. */
            res = set_new_enc(ENC_INTSET, 0);
        } else if (sets[0].s.enc == ENC_LISTPACK) {
            res.enc = ENC_LISTPACK;
            res.ptr = lp_new(lp_bytes(sets[0].s.ptr));
        } else {
            res = set_new_enc(ENC_LISTPACK, 0);
        }
    } else if (!card_only) {
        d = reply_deferred_len(c);
    }
    uint64_t card = 0;
    int only_integers = 1;
    SetIter it;
    SetMember m;
    set_iter_init(&it, &sets[0].s);
    while (set_iter_next(&it, &m)) {
        int j;
        for (j = 1; j < n; j++) {
            if (sets[j].kv == sets[0].kv) continue;
            if (!set_contains(&sets[j].s, &m)) break;
        }
        if (j < n) continue;
        if (card_only) {
            card++;
            if (limit && card >= limit) break;
        } else if (!dst) {
            set_reply_member(c, &m);
            card++;
        } else {
            if (m.p && only_integers) {
                int64_t v;
                if (sets[0].s.enc == ENC_HASHTABLE && lp_string_to_int64(m.p, m.len, &v)) {
                    /* Integers go in as integers where the result keeps them so. */
                    if (res.enc != ENC_HASHTABLE) m = set_member_int(v);
                } else {
                    only_integers = 0;
                }
            }
            set_add(&res, &m);
        }
    }
    if (card_only) {
        reply_int(c, (long long)card);
    } else if (dst) {
        if (set_size(&res) > 0 && only_integers) set_maybe_to_intset(&res);
        store_result(c, dst, &res, "sinterstore");
    } else {
        reply_set_deferred_set_len(c, d, (long long)card);
    }
    mem_free(sets);
}

void sinter_command(Client *c) {
    sinter_generic(c, c->argv + 1, c->argc - 1, NULL, 0, 0);
}

void sinterstore_command(Client *c) {
    sinter_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], 0, 0);
}

void sintercard_command(Client *c) {
    long long numkeys, limit = 0;
    const char *nk_err = "numkeys should be greater than 0";
    if (!arg_to_ll_msg(c, &c->argv[1], &numkeys, nk_err)) return;
    if (numkeys < 1) {
        reply_error(c, nk_err);
        return;
    }
    if (numkeys > c->argc - 2) {
        reply_error(c, "Number of keys can't be greater than number of args");
        return;
    }
    for (int j = 2 + (int)numkeys; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (arg_equals(&c->argv[j], "limit") && more) {
            const char *lim_err = "LIMIT can't be negative";
            if (!arg_to_ll_msg(c, &c->argv[++j], &limit, lim_err)) return;
            if (limit < 0) {
                reply_error(c, lim_err);
                return;
            }
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    sinter_generic(c, c->argv + 2, (int)numkeys, NULL, 1, (uint64_t)limit);
}

/* --------------------------------------------------- union, difference */

static void sunion_diff_generic(Client *c, const Arg *keys, int n, const Arg *dst, int op) {
    SrcSet *sets = mem_alloc(sizeof(SrcSet) * (size_t)n);
    if (!lookup_sources(c, keys, n, sets)) {
        mem_free(sets);
        return;
    }
    int sameset = 0;
    for (int j = 1; j < n; j++)
        if (sets[j].kv && sets[j].kv == sets[0].kv) sameset = 1;
    int algo = 1;
    if (op == OP_DIFF && sets[0].kv && !sameset) {
        long long one = 0, two = 0;
        for (int j = 0; j < n; j++) {
            if (!sets[j].kv) continue;
            one += (long long)sets[0].size;
            two += (long long)sets[j].size;
        }
        /* Probing has the better constant, and stops early on a hit. */
        one /= 2;
        algo = one <= two ? 1 : 2;
        if (algo == 1 && n > 1) qsort(sets + 1, (size_t)(n - 1), sizeof(SrcSet), by_size_desc);
    }
    SetVal res = set_new_enc(ENC_INTSET, 0);
    long long card = 0;
    SetIter it;
    SetMember m;
    if (op == OP_UNION) {
        for (int j = 0; j < n; j++) {
            if (!sets[j].kv) continue;
            set_iter_init(&it, &sets[j].s);
            while (set_iter_next(&it, &m)) card += set_add(&res, &m);
        }
    } else if (sameset || !sets[0].kv) {
        /* A set minus itself, or nothing minus anything: empty. */
    } else if (algo == 1) {
        set_iter_init(&it, &sets[0].s);
        while (set_iter_next(&it, &m)) {
            int j;
            for (j = 1; j < n; j++) {
                if (!sets[j].kv) continue;
                if (sets[j].kv == sets[0].kv) break;
                if (set_contains(&sets[j].s, &m)) break;
            }
            if (j == n) card += set_add(&res, &m);
        }
    } else {
        for (int j = 0; j < n; j++) {
            if (!sets[j].kv) continue;
            set_iter_init(&it, &sets[j].s);
            while (set_iter_next(&it, &m)) {
                if (j == 0) card += set_add(&res, &m);
                else card -= set_remove(&res, &m);
            }
            if (card == 0) break;
        }
    }
    mem_free(sets);
    if (dst) {
        store_result(c, dst, &res, op == OP_UNION ? "sunionstore" : "sdiffstore");
        return;
    }
    reply_set_len(c, card);
    set_iter_init(&it, &res);
    while (set_iter_next(&it, &m)) set_reply_member(c, &m);
    set_free_val(&res);
}

void set_union_reply(Client *c, const Arg *keys, int nkeys) {
    sunion_diff_generic(c, keys, nkeys, NULL, OP_UNION);
}

void sunion_command(Client *c) {
    sunion_diff_generic(c, c->argv + 1, c->argc - 1, NULL, OP_UNION);
}

void sunionstore_command(Client *c) {
    sunion_diff_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], OP_UNION);
}

void sdiff_command(Client *c) {
    sunion_diff_generic(c, c->argv + 1, c->argc - 1, NULL, OP_DIFF);
}

void sdiffstore_command(Client *c) {
    sunion_diff_generic(c, c->argv + 2, c->argc - 2, &c->argv[1], OP_DIFF);
}
