/* keyspace_cmds.c - commands that work on keys whatever their type:
 * DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, MOVE, COPY, the EXPIRE family,
 * OBJECT, RANDOMKEY, and the database-wide DBSIZE/FLUSHDB/FLUSHALL/SWAPDB.
 *
 * Expired keys are invisible to every command here even before the
 * expiry cycle removes them. */
#include <string.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "evict.h"
#include "lazyfree.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"

/* UNLINK, and DEL with lazyfree-lazy-user-del, free big values on the
 * lazyfree thread. */
static void del_generic(Client *c, int lazy) {
    long long deleted = 0;
    for (int i = 1; i < c->argc; i++) {
        Kv *kv = db_lookup_write(c, c->db, &c->argv[i]);
        if (!kv) continue;
        lazyfree_kv(db_unlink(c->db, c->argv[i].p, c->argv[i].len), lazy);
        key_changed(c, c->db, c->argv[i].p, c->argv[i].len, NOTIFY_GENERIC, "del");
        deleted++;
    }
    reply_int(c, deleted);
}

void del_command(Client *c) { del_generic(c, server.cfg.lazyfree_lazy_user_del); }
void unlink_command(Client *c) { del_generic(c, 1); }

/* EXISTS counts hits and misses but is not an access (Valkey's rule):
 * it leaves the LRU clock / LFU counter alone; TOUCH is one. */
static void exists_generic(Client *c, int flags) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++)
        if (db_lookup(c, c->db, &c->argv[i], flags)) n++;
    reply_int(c, n);
}

void exists_command(Client *c) {
    exists_generic(c, LOOKUP_NOTOUCH);
}

void touch_command(Client *c) {
    exists_generic(c, LOOKUP_READ);
}

void type_command(Client *c) {
    Kv *kv = db_lookup(c, c->db, &c->argv[1], LOOKUP_NOTOUCH);
    reply_simple(c, kv ? kv_type_name(kv_type(kv)) : "none");
}

/* ------------------------------------------------------------ KEYS/SCAN */

void keys_command(Client *c) {
    const Arg *pat = &c->argv[1];
    int all = pat->len == 1 && pat->p[0] == '*';
    long long n = 0;
    ReplyDeferred d = reply_deferred_len(c);
    DbIter it;
    db_iter_init(&it, c->db);
    Kv *kv;
    while ((kv = db_iter_next(&it))) {
        size_t klen;
        const char *k = kv_key(kv, &klen);
        if (!all && !glob_match(pat->p, pat->len, k, klen, 0)) continue;
        if (kv_is_expired(kv)) continue;
        reply_bulk(c, k, klen);
        n++;
    }
    db_iter_done(&it);
    reply_set_deferred_array_len(c, d, n);
}

typedef struct ScanBatch {
    Kv **items;
    size_t n, cap;
} ScanBatch;

static void scan_collect(void *priv, Kv *entry) {
    ScanBatch *b = priv;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = mem_realloc(b->items, b->cap * sizeof(Kv *));
    }
    b->items[b->n++] = entry;
}

static int type_from_name(const Arg *a) {
    static const int types[] = {OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH, OBJ_STREAM};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (arg_equals(a, kv_type_name(types[i]))) return types[i];
    return -1;
}

void scan_command(Client *c) {
    unsigned long long cursor;
    if (!str_to_ull(c->argv[1].p, c->argv[1].len, &cursor)) {
        reply_error(c, "invalid cursor");
        return;
    }
    const Arg *pattern = NULL;
    long long count = 10;
    int type = -1, type_given = 0;
    for (int i = 2; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        if (i + 1 >= c->argc) {
            reply_syntax_error(c);
            return;
        }
        if (arg_equals(a, "match")) {
            pattern = &c->argv[++i];
            if (pattern->len == 1 && pattern->p[0] == '*') pattern = NULL;
        } else if (arg_equals(a, "count")) {
            if (!arg_to_ll(c, &c->argv[++i], &count)) return;
            if (count < 1) {
                reply_syntax_error(c);
                return;
            }
        } else if (arg_equals(a, "type")) {
            type_given = 1;
            type = type_from_name(&c->argv[++i]);
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    ScanBatch b = {0};
    /* Visit buckets until enough keys are gathered, with a bound on empty
     * buckets so a sparse table does not stall the server. */
    long long max_visits = count * 10;
    do {
        cursor = db_scan(c->db, cursor, scan_collect, &b);
    } while (cursor && --max_visits && (long long)b.n < count);
    /* Filter after collecting: expiring during the scan would modify the
     * table under the scan's feet. */
    size_t kept = 0;
    for (size_t i = 0; i < b.n; i++) {
        Kv *kv = b.items[i];
        size_t klen;
        const char *k = kv_key(kv, &klen);
        if (pattern && !glob_match(pattern->p, pattern->len, k, klen, 0)) continue;
        if (type_given && kv_type(kv) != type) continue;
        if (kv_has_expire(kv) && db_expire_if_due(c->db, kv)) continue;
        b.items[kept++] = kv;
    }
    char cbuf[NUMCONV_LL_BUF];
    size_t clen = ull_to_str(cbuf, cursor);
    reply_array_len(c, 2);
    reply_bulk(c, cbuf, clen);
    reply_array_len(c, (long long)kept);
    for (size_t i = 0; i < kept; i++) {
        size_t klen;
        const char *k = kv_key(b.items[i], &klen);
        reply_bulk(c, k, klen);
    }
    mem_free(b.items);
}

void randomkey_command(Client *c) {
    Kv *kv = db_random(c->db);
    if (!kv) {
        reply_null(c);
        return;
    }
    size_t klen;
    const char *k = kv_key(kv, &klen);
    reply_bulk(c, k, klen);
}

/* ---------------------------------------------------------- RENAME etc. */

static void rename_generic(Client *c, int nx) {
    const Arg *src = &c->argv[1], *dst = &c->argv[2];
    Kv *kv = db_lookup_write(c, c->db, src);
    if (!kv) {
        reply_error(c, ERR_NO_SUCH_KEY);
        return;
    }
    int same = src->len == dst->len && memcmp(src->p, dst->p, src->len) == 0;
    if (same) {
        if (nx) reply_int(c, 0);
        else reply_ok(c);
        return;
    }
    if (db_lookup_write(c, c->db, dst)) {
        if (nx) {
            reply_int(c, 0);
            return;
        }
        db_delete(c->db, dst->p, dst->len);
    }
    db_unlink(c->db, src->p, src->len);
    db_add(c->db, kv_rekey(kv, dst->p, dst->len));
    key_changed(c, c->db, src->p, src->len, NOTIFY_GENERIC, "rename_from");
    key_changed_n(c, c->db, dst->p, dst->len, NOTIFY_GENERIC, "rename_to", 0);
    if (nx) reply_int(c, 1);
    else reply_ok(c);
}

void rename_command(Client *c) { rename_generic(c, 0); }
void renamenx_command(Client *c) { rename_generic(c, 1); }

static int parse_db_index(Client *c, const Arg *a, int *out) {
    long long id;
    if (!str_to_ll(a->p, a->len, &id)) {
        reply_not_integer(c);
        return 0;
    }
    if (id < 0 || id >= server.db_count) {
        reply_error(c, ERR_DB_INDEX);
        return 0;
    }
    *out = (int)id;
    return 1;
}

void move_command(Client *c) {
    int target;
    if (!parse_db_index(c, &c->argv[2], &target)) return;
    Db *dst = &server.dbs[target];
    if (dst == c->db) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (!kv || db_lookup_write(c, dst, key)) {
        reply_int(c, 0);
        return;
    }
    db_unlink(c->db, key->p, key->len);
    db_add(dst, kv_rekey(kv, key->p, key->len));
    key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "move_from");
    key_changed_n(c, dst, key->p, key->len, NOTIFY_GENERIC, "move_to", 0);
    reply_int(c, 1);
}

void copy_command(Client *c) {
    Db *dst = c->db;
    int replace = 0;
    for (int i = 3; i < c->argc; i++) {
        if (arg_equals(&c->argv[i], "replace")) {
            replace = 1;
        } else if (arg_equals(&c->argv[i], "db") && i + 1 < c->argc) {
            int id;
            if (!parse_db_index(c, &c->argv[++i], &id)) return;
            dst = &server.dbs[id];
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const Arg *src = &c->argv[1], *dkey = &c->argv[2];
    if (dst == c->db && src->len == dkey->len && memcmp(src->p, dkey->p, src->len) == 0) {
        reply_error(c, "source and destination objects are the same");
        return;
    }
    Kv *kv = db_lookup_write(c, c->db, src);
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    if (db_lookup_write(c, dst, dkey)) {
        if (!replace) {
            reply_int(c, 0);
            return;
        }
        db_delete(dst, dkey->p, dkey->len);
    }
    db_add(dst, kv_dup(kv, dkey->p, dkey->len));
    key_changed(c, dst, dkey->p, dkey->len, NOTIFY_GENERIC, "copy_to");
    reply_int(c, 1);
}

/* -------------------------------------------------------------- EXPIRE */

#define EXP_NX 1
#define EXP_XX 2
#define EXP_GT 4
#define EXP_LT 8

static void expire_generic(Client *c, long long unit_ms, int absolute) {
    int flags = 0;
    for (int i = 3; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        if (arg_equals(a, "nx")) flags |= EXP_NX;
        else if (arg_equals(a, "xx")) flags |= EXP_XX;
        else if (arg_equals(a, "gt")) flags |= EXP_GT;
        else if (arg_equals(a, "lt")) flags |= EXP_LT;
        else {
            Str *msg = str_from_cstr("Unsupported option ");
            /* Valkey prints the option as a C string: it ends at a NUL. */
            msg = str_cat(msg, a->p, strnlen(a->p, a->len));
            reply_error_len(c, msg->buf, msg->len);
            str_free(msg);
            return;
        }
    }
    if ((flags & EXP_NX) && (flags & (EXP_XX | EXP_GT | EXP_LT))) {
        reply_error(c, "NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if ((flags & EXP_GT) && (flags & EXP_LT)) {
        reply_error(c, "GT and LT options at the same time are not compatible");
        return;
    }
    long long when;
    if (!arg_to_ll(c, &c->argv[2], &when)) return;
    const char *name = c->cmd->name;
    if (when > INT64_MAX / unit_ms || when < INT64_MIN / unit_ms) {
        reply_errorf(c, "invalid expire time in '%s' command", name);
        return;
    }
    when *= unit_ms;
    if (!absolute) {
        if ((when > 0 && server.now_ms > INT64_MAX - when) || (when < 0 && server.now_ms < INT64_MIN - when)) {
            reply_errorf(c, "invalid expire time in '%s' command", name);
            return;
        }
        when += server.now_ms;
    }
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    int64_t cur = kv_expire(kv);
    if ((flags & EXP_NX) && cur != -1) goto refuse;
    if ((flags & EXP_XX) && cur == -1) goto refuse;
    /* No TTL counts as an infinite one for GT and LT. */
    if ((flags & EXP_GT) && (cur == -1 || when <= cur)) goto refuse;
    if ((flags & EXP_LT) && cur != -1 && when >= cur) goto refuse;
    if (when <= server.now_ms) {
        /* A time in the past deletes the key, and replays as a DEL. */
        db_delete(c->db, key->p, key->len);
        key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "del");
        propagate_rewrite_del(c, key, server.cfg.lazyfree_lazy_expire);
    } else {
        db_set_expire(c->db, kv, when);
        key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "expire");
        propagate_rewrite_pexpireat(c, key, when, 3);
    }
    reply_int(c, 1);
    return;
refuse:
    reply_int(c, 0);
}

void expire_command(Client *c) { expire_generic(c, 1000, 0); }
void pexpire_command(Client *c) { expire_generic(c, 1, 0); }
void expireat_command(Client *c) { expire_generic(c, 1000, 1); }
void pexpireat_command(Client *c) { expire_generic(c, 1, 1); }

static void ttl_generic(Client *c, int in_ms, int absolute) {
    Kv *kv = db_lookup(c, c->db, &c->argv[1], LOOKUP_NOTOUCH);
    if (!kv) {
        reply_int(c, -2);
        return;
    }
    int64_t when = kv_expire(kv);
    if (when == -1) {
        reply_int(c, -1);
        return;
    }
    if (absolute) {
        /* EXPIRETIME rounds to the nearest second, as Valkey does. */
        reply_int(c, in_ms ? when : when / 1000 + (when % 1000 >= 500)); /* no overflow near INT64_MAX */
        return;
    }
    int64_t left = when - server.now_ms;
    if (left < 0) left = 0;
    reply_int(c, in_ms ? left : (left + 500) / 1000);
}

void ttl_command(Client *c) { ttl_generic(c, 0, 0); }
void pttl_command(Client *c) { ttl_generic(c, 1, 0); }
void expiretime_command(Client *c) { ttl_generic(c, 0, 1); }
void pexpiretime_command(Client *c) { ttl_generic(c, 1, 1); }

void persist_command(Client *c) {
    Kv *kv = db_lookup_write(c, c->db, &c->argv[1]);
    if (!kv || !kv_has_expire(kv)) {
        reply_int(c, 0);
        return;
    }
    db_persist(c->db, kv);
    key_changed(c, c->db, c->argv[1].p, c->argv[1].len, NOTIFY_GENERIC, "persist");
    reply_int(c, 1);
}

/* -------------------------------------------------------------- OBJECT */

static int policy_is_lfu(void) {
    return server.cfg.maxmemory_policy == MAXMEMORY_ALLKEYS_LFU || server.cfg.maxmemory_policy == MAXMEMORY_VOLATILE_LFU;
}

static Kv *object_lookup(Client *c) {
    Kv *kv = db_lookup(c, c->db, &c->argv[2], LOOKUP_NOTOUCH | LOOKUP_NONOTIFY);
    if (!kv) reply_null(c);
    return kv;
}

void object_encoding_command(Client *c) {
    Kv *kv = object_lookup(c);
    if (kv) reply_bulk_cstr(c, kv_encoding_name(kv_encoding(kv)));
}

void object_refcount_command(Client *c) {
    Kv *kv = object_lookup(c);
    if (kv) reply_int(c, 1); /* values are never shared here */
}

void object_idletime_command(Client *c) {
    Kv *kv = object_lookup(c);
    if (!kv) return;
    if (policy_is_lfu()) {
        reply_error(c, "An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
                       "between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    uint32_t now = server.lru_clock, then = kv_lru(kv);
    uint32_t idle = now >= then ? now - then : (LRU_CLOCK_MAX - then) + now;
    reply_int(c, idle);
}

void object_freq_command(Client *c) {
    Kv *kv = object_lookup(c);
    if (!kv) return;
    if (!policy_is_lfu()) {
        reply_error(c, "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
                       "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    reply_int(c, evict_lfu_freq(kv_lru(kv)));
}

void object_help_command(Client *c) {
    static const char *help[] = {
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}

/* ----------------------------------------------------------- databases */

void select_command(Client *c) {
    long long id;
    if (!str_to_ll(c->argv[1].p, c->argv[1].len, &id)) {
        reply_not_integer(c);
        return;
    }
    if (id < 0 || id >= server.db_count) {
        reply_error(c, ERR_DB_INDEX);
        return;
    }
    client_select_db(c, (int)id);
    reply_ok(c);
}

void dbsize_command(Client *c) {
    reply_int(c, (long long)db_size(c->db));
}

/* FLUSHDB/FLUSHALL take an optional ASYNC or SYNC; without one,
 * lazyfree-lazy-user-flush decides.  Returns 0 (replied) on a syntax
 * error, else 1 and *lazy. */
static int parse_flush_flags(Client *c, int *lazy) {
    *lazy = server.cfg.lazyfree_lazy_user_flush;
    if (c->argc == 1) return 1;
    if (c->argc == 2 && arg_equals(&c->argv[1], "async")) {
        *lazy = 1;
        return 1;
    }
    if (c->argc == 2 && arg_equals(&c->argv[1], "sync")) {
        *lazy = 0;
        return 1;
    }
    reply_syntax_error(c);
    return 0;
}

void flushdb_command(Client *c) {
    int lazy;
    if (!parse_flush_flags(c, &lazy)) return;
    keys_flushing(c, c->db->id);
    keys_flushed(c, c->db->id, lazy ? db_flush_lazy(c->db) : db_flush(c->db));
    propagate_force(c);
    reply_ok(c);
}

void flushall_command(Client *c) {
    int lazy;
    if (!parse_flush_flags(c, &lazy)) return;
    uint64_t removed = 0;
    keys_flushing(c, -1);
    for (int i = 0; i < server.db_count; i++)
        removed += lazy ? db_flush_lazy(&server.dbs[i]) : db_flush(&server.dbs[i]);
    keys_flushed(c, -1, removed);
    propagate_force(c);
    reply_ok(c);
}

void swapdb_command(Client *c) {
    long long a, b;
    if (!str_to_ll(c->argv[1].p, c->argv[1].len, &a)) {
        reply_error(c, "invalid first DB index");
        return;
    }
    if (!str_to_ll(c->argv[2].p, c->argv[2].len, &b)) {
        reply_error(c, "invalid second DB index");
        return;
    }
    if (a < 0 || a >= server.db_count || b < 0 || b >= server.db_count) {
        reply_error(c, ERR_DB_INDEX);
        return;
    }
    /* Swap contents, not Db structs: clients keep their db index. */
    db_swap(&server.dbs[a], &server.dbs[b]);
    dbs_swapped(c, (int)a, (int)b);
    reply_ok(c);
}
