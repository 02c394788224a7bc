/* set_cmds.c - the single-key set commands: SADD SREM SCARD SISMEMBER
 * SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SSCAN, with Valkey 8's
 * replies, errors, key events, dirty counts and propagation.
 *
 * A set that loses its last member is deleted in the same command.
 * SPOP is propagated as SREM of the members it popped (batches of 1024,
 * so a big pop replays as MULTI/EXEC), or as DEL/UNLINK when it took the
 * whole set; SRANDMEMBER, a read, propagates nothing. */
#include <limits.h>
#include <string.h>

#include "../server/server.h"
#include "../server/reply.h"
#include "../ds/listpack.h"
#include "../ds/packset.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"
#include "set.h"
#include "type_args.h"

/* Valkey's sampling limits and strategy switches. */
#define SRANDMEMBER_SUB_STRATEGY_MUL 3
#define SPOP_MOVE_STRATEGY_MUL 5
#define RANDOM_SAMPLE_LIMIT 1000
#define SREM_BATCH 1024

/* Stores a new set under key (looked up just before: absent). */
static Kv *store_new_set(Client *c, const Arg *key, SetVal *s) {
    Kv *kv = kv_new_ptr(key->p, key->len, OBJ_SET, s->enc, s->ptr);
    return db_store(c->db, key, NULL, kv, 0);
}

/* ---------------------------------------------------------------- SADD */

void sadd_command(Client *c) {
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = set_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    uint64_t hint = (uint64_t)(c->argc - 2);
    SetVal s = kv ? set_of(kv) : set_new_for(c->argv[2].p, c->argv[2].len, hint);
    if (kv) set_maybe_convert(&s, hint);
    long long added = 0;
    for (int j = 2; j < c->argc; j++) {
        SetMember m = set_member_str(c->argv[j].p, c->argv[j].len);
        added += set_add(&s, &m);
    }
    if (kv) set_store_back(kv, &s);
    else store_new_set(c, key, &s);
    if (added) key_changed_n(c, c->db, key->p, key->len, NOTIFY_SET, "sadd", added);
    reply_int(c, added);
}

/* ---------------------------------------------------------------- SREM */

void srem_command(Client *c) {
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = set_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    long long deleted = 0;
    int emptied = 0;
    for (int j = 2; j < c->argc; j++) {
        SetMember m = set_member_str(c->argv[j].p, c->argv[j].len);
        if (!set_remove(&s, &m)) continue;
        deleted++;
        if (set_size(&s) == 0) {
            emptied = 1;
            break;
        }
    }
    set_store_back(kv, &s);
    if (emptied) db_delete(c->db, key->p, key->len);
    if (deleted) {
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_SET, "srem", deleted);
        if (emptied) key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    }
    reply_int(c, deleted);
}

/* ------------------------------------------------------------- queries */

void scard_command(Client *c) {
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    reply_int(c, (long long)set_size(&s));
}

void sismember_command(Client *c) {
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    SetMember m = set_member_str(c->argv[2].p, c->argv[2].len);
    reply_int(c, set_contains(&s, &m));
}

void smismember_command(Client *c) {
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    SetVal s = kv ? set_of(kv) : (SetVal){0, NULL};
    reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        SetMember m = set_member_str(c->argv[j].p, c->argv[j].len);
        reply_int(c, kv && set_contains(&s, &m));
    }
}

/* Replies with every member of s as a set (RESP3) or array. */
static void reply_whole_set(Client *c, const SetVal *s) {
    reply_set_len(c, (long long)set_size(s));
    SetIter it;
    SetMember m;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &m)) set_reply_member(c, &m);
}

void smembers_command(Client *c) {
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_set_len(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    reply_whole_set(c, &s);
}

/* ------------------------------------------------------------- SRANDMEMBER */

/* count members drawn independently (repeats possible), as an array. */
static void reply_random_with_repeats(Client *c, const SetVal *s, uint64_t count) {
    reply_array_len(c, (long long)count);
    if (s->enc == ENC_LISTPACK && count > 1) {
        /* One walk of the listpack per batch of draws. */
        uint32_t limit = count > RANDOM_SAMPLE_LIMIT ? RANDOM_SAMPLE_LIMIT : (uint32_t)count;
        LpEntry *entries = mem_alloc(sizeof(LpEntry) * limit);
        while (count) {
            uint32_t n = count > limit ? limit : (uint32_t)count;
            count -= n;
            lp_random_entries(s->ptr, n, server_rand64, entries);
            for (uint32_t i = 0; i < n; i++) {
                if (entries[i].sval) reply_bulk(c, entries[i].sval, entries[i].slen);
                else reply_bulk_ll(c, entries[i].lval);
            }
            if (c->flags & CLIENT_CLOSE_ASAP) break;
        }
        mem_free(entries);
        return;
    }
    while (count--) {
        SetMember m;
        set_random(s, &m);
        set_reply_member(c, &m);
        if ((count & 1023) == 0 && (c->flags & CLIENT_CLOSE_ASAP)) break;
    }
}

/* count distinct members (count < size), as an array. */
static void reply_random_unique(Client *c, const SetVal *s, uint64_t count, uint64_t size) {
    reply_array_len(c, (long long)count);
    if (s->enc == ENC_LISTPACK) {
        /* Selection sampling in one pass: listpack order, uniform subset. */
        unsigned char *lp = s->ptr;
        unsigned char *p = lp_first(lp);
        uint32_t index = 0;
        for (uint64_t left = count; left; left--) {
            p = lp_next_random(lp, p, &index, (uint32_t)left, 0, server_rand64);
            SetMember m;
            uint32_t slen;
            int64_t iv;
            const char *str = lp_get(p, &iv, &slen);
            m = str ? set_member_str(str, slen) : set_member_int(iv);
            set_reply_member(c, &m);
            p = lp_next(lp, p);
            index++;
        }
        return;
    }
    if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
        /* Close to the size: a partial shuffle of all the members. */
        SetMember *all = mem_alloc(sizeof(SetMember) * size);
        SetIter it;
        uint64_t n = 0;
        set_iter_init(&it, s);
        while (n < size && set_iter_next(&it, &all[n])) n++;
        for (uint64_t i = 0; i < count; i++) {
            uint64_t j = i + server_rand64() % (n - i);
            SetMember t = all[i];
            all[i] = all[j];
            all[j] = t;
            set_reply_member(c, &all[i]);
        }
        mem_free(all);
        return;
    }
    /* Far from the size: draw until count distinct members came up. */
    PackSet *seen = packset_new(set_member_hash, count);
    uint64_t got = 0;
    while (got < count) {
        SetMember m;
        char buf[SET_INTBUF];
        size_t len;
        set_random(s, &m);
        const char *p = set_member_bytes(&m, buf, &len);
        if (!packset_add(seen, p, len)) continue;
        set_reply_member(c, &m);
        got++;
    }
    packset_free(seen);
}

static void srandmember_with_count(Client *c) {
    long long l;
    if (!arg_to_ll(c, &c->argv[2], &l)) return;
    if (l == LLONG_MIN) {
        reply_error(c, "value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        return;
    }
    int unique = l >= 0;
    uint64_t count = (uint64_t)(l >= 0 ? l : -l);
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv || count == 0) {
        reply_array_len(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    uint64_t size = set_size(&s);
    if (!unique || count == 1) {
        reply_random_with_repeats(c, &s, count);
    } else if (count >= size) {
        reply_array_len(c, (long long)size);
        SetIter it;
        SetMember m;
        set_iter_init(&it, &s);
        while (set_iter_next(&it, &m)) set_reply_member(c, &m);
    } else {
        reply_random_unique(c, &s, count, size);
    }
}

void srandmember_command(Client *c) {
    if (c->argc == 3) {
        srandmember_with_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_null(c);
        return;
    }
    SetVal s = set_of(kv);
    SetMember m;
    set_random(&s, &m);
    set_reply_member(c, &m);
}

/* ---------------------------------------------------------------- SPOP */

/* SREM key m1 m2 ... for the popped members, in batches. */
typedef struct SremBatch {
    Client *c;
    const Arg *key;
    Str *bytes;           /* the members back to back */
    size_t lens[SREM_BATCH];
    int n;
    int active;           /* a sink wants the stream */
} SremBatch;

static void batch_flush(SremBatch *b) {
    if (!b->n) return;
    Arg *argv = mem_alloc(sizeof(Arg) * (size_t)(b->n + 2));
    argv[0] = (Arg){"SREM", 4};
    argv[1] = *b->key;
    size_t off = 0;
    for (int i = 0; i < b->n; i++) {
        argv[i + 2] = (Arg){b->bytes->buf + off, b->lens[i]};
        off += b->lens[i];
    }
    propagate_also(b->c->db->id, b->n + 2, argv);
    mem_free(argv);
    str_clear(b->bytes);
    b->n = 0;
}

static void batch_add(SremBatch *b, const char *p, size_t len) {
    if (!b->active) return;
    b->bytes = str_cat(b->bytes, p, len);
    b->lens[b->n++] = len;
    if (b->n == SREM_BATCH) batch_flush(b);
}

static void batch_add_member(SremBatch *b, const SetMember *m) {
    char buf[SET_INTBUF];
    size_t len;
    const char *p = set_member_bytes(m, buf, &len);
    batch_add(b, p, len);
}

/* Pops count members of a listpack set (count < size) in one pass. */
static void spop_listpack_pick(Client *c, SetVal *s, uint64_t count, SremBatch *b) {
    unsigned char *lp = s->ptr;
    unsigned char **ps = mem_alloc(sizeof(unsigned char *) * count);
    unsigned char *p = lp_first(lp);
    uint32_t index = 0;
    for (uint64_t i = 0; i < count; i++) {
        p = lp_next_random(lp, p, &index, (uint32_t)(count - i), 0, server_rand64);
        uint32_t slen;
        int64_t iv;
        const char *str = lp_get(p, &iv, &slen);
        SetMember m = str ? set_member_str(str, slen) : set_member_int(iv);
        set_reply_member(c, &m);
        batch_add_member(b, &m);
        ps[i] = p;
        p = lp_next(lp, p);
        index++;
    }
    s->ptr = lp_batch_delete(lp, ps, count);
    mem_free(ps);
}

/* Keeps `remaining` random members in a new set; the old one, holding
 * the popped members, is replied and freed. */
static SetVal spop_keep_remaining(Client *c, SetVal *s, uint64_t remaining, SremBatch *b) {
    SetVal keep = {0, NULL};
    if (s->enc == ENC_LISTPACK) {
        keep = set_new_enc(ENC_LISTPACK, 0);
        unsigned char *lp = s->ptr;
        unsigned char **ps = mem_alloc(sizeof(unsigned char *) * remaining);
        unsigned char *p = lp_first(lp);
        uint32_t index = 0;
        for (uint64_t i = 0; i < remaining; i++) {
            p = lp_next_random(lp, p, &index, (uint32_t)(remaining - i), 0, server_rand64);
            SetMember m;
            uint32_t slen;
            int64_t iv;
            const char *str = lp_get(p, &iv, &slen);
            m = str ? set_member_str(str, slen) : set_member_int(iv);
            set_add(&keep, &m);
            ps[i] = p;
            p = lp_next(lp, p);
            index++;
        }
        s->ptr = lp_batch_delete(lp, ps, remaining);
        mem_free(ps);
    } else {
        Str *tmp = str_with_capacity(64);
        while (remaining--) {
            SetMember m;
            set_random(s, &m);
            if (!keep.ptr) keep = set_new_enc(m.p ? ENC_LISTPACK : ENC_INTSET, 0);
            /* Copy: the removal below invalidates the view. */
            str_clear(tmp);
            if (m.p) {
                tmp = str_cat(tmp, m.p, m.len);
                m.p = tmp->buf;
            }
            set_add(&keep, &m);
            set_remove(s, &m);
        }
        str_free(tmp);
    }
    SetIter it;
    SetMember m;
    set_iter_init(&it, s);
    while (set_iter_next(&it, &m)) {
        set_reply_member(c, &m);
        batch_add_member(b, &m);
    }
    set_free_val(s);
    return keep;
}

static void spop_with_count(Client *c) {
    const Arg *key = &c->argv[1];
    long long l;
    const char *range_err = "value is out of range, must be positive";
    if (!arg_to_ll_msg(c, &c->argv[2], &l, range_err)) return;
    if (l < 0) {
        reply_error(c, range_err);
        return;
    }
    uint64_t count = (uint64_t)l;
    int err;
    Kv *kv = set_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv || count == 0) {
        reply_set_len(c, 0);
        return;
    }
    SetVal s = set_of(kv);
    uint64_t size = set_size(&s);
    if (count >= size) {
        set_union_reply(c, key, 1);
        db_delete(c->db, key->p, key->len);
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_SET, "spop", (long long)size);
        key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
        propagate_rewrite_del(c, key, server.cfg.lazyfree_lazy_server_del);
        return;
    }
    SremBatch *b = mem_alloc(sizeof(*b));
    b->c = c;
    b->key = key;
    b->n = 0;
    b->active = server.prop.active;
    b->bytes = str_with_capacity(b->active ? 256 : 0);
    reply_set_len(c, (long long)count);
    uint64_t remaining = size - count;
    if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
        if (s.enc == ENC_LISTPACK) {
            spop_listpack_pick(c, &s, count, b);
        } else {
            Str *acc = str_with_capacity(64);
            for (uint64_t i = 0; i < count; i++) {
                str_clear(acc);
                size_t len = set_pop_random(&s, &acc);
                reply_bulk(c, acc->buf, len);
                batch_add(b, acc->buf, len);
            }
            str_free(acc);
        }
    } else {
        s = spop_keep_remaining(c, &s, remaining, b);
    }
    batch_flush(b);
    str_free(b->bytes);
    mem_free(b);
    set_store_back(kv, &s);
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_SET, "spop", (long long)count);
    propagate_prevent(c);
}

void spop_command(Client *c) {
    if (c->argc == 3) {
        spop_with_count(c);
        return;
    }
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = set_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) return;
    if (!kv) {
        reply_null(c);
        return;
    }
    SetVal s = set_of(kv);
    Str *acc = str_with_capacity(32);
    size_t len = set_pop_random(&s, &acc);
    set_store_back(kv, &s);
    reply_bulk(c, acc->buf, len);
    Arg argv[3] = {{"SREM", 4}, *key, {acc->buf, len}};
    propagate_rewrite(c, 3, argv);
    int emptied = set_size(&s) == 0;
    if (emptied) db_delete(c->db, key->p, key->len);
    key_changed(c, c->db, key->p, key->len, NOTIFY_SET, "spop");
    if (emptied) key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    str_free(acc);
}

/* --------------------------------------------------------------- SMOVE */

void smove_command(Client *c) {
    const Arg *src = &c->argv[1], *dst = &c->argv[2];
    Kv *skv = db_lookup(c, c->db, src, LOOKUP_WRITE);
    Kv *dkv = db_lookup(c, c->db, dst, LOOKUP_WRITE);
    if (!skv) {
        reply_int(c, 0);
        return;
    }
    if (kv_type(skv) != OBJ_SET || (dkv && kv_type(dkv) != OBJ_SET)) {
        reply_wrong_type(c);
        return;
    }
    SetMember m = set_member_str(c->argv[3].p, c->argv[3].len);
    SetVal s = set_of(skv);
    if (skv == dkv) {
        reply_int(c, set_contains(&s, &m));
        return;
    }
    if (!set_remove(&s, &m)) {
        reply_int(c, 0);
        return;
    }
    set_store_back(skv, &s);
    int emptied = set_size(&s) == 0;
    if (emptied) db_delete(c->db, src->p, src->len);
    key_changed(c, c->db, src->p, src->len, NOTIFY_SET, "srem");
    if (emptied) key_event(c->db, src->p, src->len, NOTIFY_GENERIC, "del");
    SetVal d = dkv ? set_of(dkv) : set_new_for(m.p, m.len, 1);
    int added = set_add(&d, &m);
    if (dkv) set_store_back(dkv, &d);
    else store_new_set(c, dst, &d);
    if (added) key_changed(c, c->db, dst->p, dst->len, NOTIFY_SET, "sadd");
    reply_int(c, 1);
}

/* --------------------------------------------------------------- SSCAN */

typedef struct ScanCollect {
    const Arg *pattern;   /* NULL: everything */
    long long sampled;
    SetMember *items;     /* views into the hash table (unchanged meanwhile) */
    size_t n, cap;
} ScanCollect;

static void scan_member(void *priv, const char *p, size_t len) {
    ScanCollect *sc = priv;
    sc->sampled++;
    if (sc->pattern && !glob_match(sc->pattern->p, sc->pattern->len, p, len, 0)) return;
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 16;
        sc->items = mem_realloc(sc->items, sc->cap * sizeof(SetMember));
    }
    sc->items[sc->n++] = set_member_str(p, len);
}

void sscan_command(Client *c) {
    unsigned long long cursor;
    if (!str_to_ull(c->argv[2].p, c->argv[2].len, &cursor)) {
        reply_error(c, "invalid cursor");
        return;
    }
    int err;
    Kv *kv = set_lookup(c, &c->argv[1], LOOKUP_READ, &err);
    if (err) return;
    if (!kv) {
        reply_array_len(c, 2);
        reply_bulk(c, "0", 1);
        reply_array_len(c, 0);
        return;
    }
    ScanOpts o;
    if (!type_parse_scan_opts(c, 0, SCAN_OPT_NOVALUES | SCAN_OPT_NOSCORES, &o)) return;
    long long count = o.count;
    const Arg *pattern = o.pattern;
    SetVal s = set_of(kv);
    reply_array_len(c, 2);
    if (s.enc != ENC_HASHTABLE) {
        /* Small encodings are returned whole, with cursor 0. */
        reply_bulk(c, "0", 1);
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        SetIter it;
        SetMember m;
        set_iter_init(&it, &s);
        while (set_iter_next(&it, &m)) {
            char buf[SET_INTBUF];
            size_t len;
            const char *p = set_member_bytes(&m, buf, &len);
            if (pattern && !glob_match(pattern->p, pattern->len, p, len, 0)) continue;
            reply_bulk(c, p, len);
            n++;
        }
        reply_set_deferred_array_len(c, d, n);
        return;
    }
    ScanCollect sc = {pattern, 0, NULL, 0, 0};
    /* Bounded: a sparse table must not stall the server. */
    long long max_iterations = count * 10;
    do {
        cursor = packset_scan(s.ptr, cursor, scan_member, &sc);
    } while (cursor && max_iterations-- && sc.sampled < count);
    char cbuf[NUMCONV_LL_BUF];
    reply_bulk(c, cbuf, ull_to_str(cbuf, cursor));
    reply_array_len(c, (long long)sc.n);
    for (size_t i = 0; i < sc.n; i++) reply_bulk(c, sc.items[i].p, sc.items[i].len);
    mem_free(sc.items);
}
