/* string.c - the string commands: GET/SET and friends, counters, ranges,
 * APPEND/SETRANGE, LCS.
 *
 * Values are stored as ENC_INT when they are the canonical text of a
 * 64-bit integer, inline (ENC_EMBSTR) when key and value are short, as a
 * Str (ENC_RAW) otherwise or once modified in place (APPEND, SETRANGE),
 * which is what OBJECT ENCODING reports in Valkey too. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../server/server.h"
#include "../server/reply.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "string.h"
#include "types.h"

#define ERR_MAX_SIZE "string exceeds maximum allowed size (proto-max-bulk-len)"

/* Looks up a key that must hold a string. Replies WRONGTYPE and sets
 * *err when it holds something else. */
static Kv *lookup_string_read(Client *c, const Arg *key, int *err) {
    Kv *kv = db_lookup_read(c, c->db, key);
    *err = 0;
    if (kv && kv_type(kv) != OBJ_STRING) {
        reply_wrong_type(c);
        *err = 1;
        return NULL;
    }
    return kv;
}

static void reply_value(Client *c, const Kv *kv) {
    StrView v;
    kv_string_view(kv, &v);
    reply_bulk(c, v.p, v.len);
}

/* GET's reply for argv[1]; returns the entry (NULL after a null or error
 * reply) so GETDEL and GETEX can go on with it. */
static Kv *reply_get(Client *c) {
    int err;
    Kv *kv = lookup_string_read(c, &c->argv[1], &err);
    if (err) return NULL;
    if (!kv) reply_null(c);
    else reply_value(c, kv);
    return kv;
}

void get_command(Client *c) {
    reply_get(c);
}

/* --------------------------------------------------------------- SET */

#define SET_NX (1 << 0)
#define SET_XX (1 << 1)
#define SET_GET (1 << 2)
#define SET_KEEPTTL (1 << 3)
#define SET_EX (1 << 4)
#define SET_PX (1 << 5)
#define SET_EXAT (1 << 6)
#define SET_PXAT (1 << 7)
#define SET_PERSIST (1 << 8)
#define SET_ANY_EXPIRE (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

/* Parses SET/GETEX options from argv[first]. allowed says which flags the
 * command takes.  As in Valkey, an option may be repeated (the last
 * expire value wins); only different options that contradict each other
 * (NX with XX, two kinds of expiry) are a syntax error.  The expire value
 * is checked after all options are read.  Returns 0 after replying. */
static int parse_set_options(Client *c, int first, int allowed, int *flags, int64_t *when, const char *name) {
    *flags = 0;
    const Arg *expire_arg = NULL;
    for (int i = first; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        int has_next = i + 1 < c->argc;
        int f = *flags;
        int kind = arg_equals(a, "ex") ? SET_EX : arg_equals(a, "px") ? SET_PX
                 : arg_equals(a, "exat") ? SET_EXAT : arg_equals(a, "pxat") ? SET_PXAT : 0;
        if ((allowed & SET_NX) && arg_equals(a, "nx") && !(f & SET_XX)) {
            *flags |= SET_NX;
        } else if ((allowed & SET_XX) && arg_equals(a, "xx") && !(f & SET_NX)) {
            *flags |= SET_XX;
        } else if ((allowed & SET_GET) && arg_equals(a, "get")) {
            *flags |= SET_GET;
        } else if ((allowed & SET_KEEPTTL) && arg_equals(a, "keepttl") && !(f & (SET_ANY_EXPIRE | SET_PERSIST))) {
            *flags |= SET_KEEPTTL;
        } else if ((allowed & SET_PERSIST) && arg_equals(a, "persist") && !(f & (SET_ANY_EXPIRE | SET_KEEPTTL))) {
            *flags |= SET_PERSIST;
        } else if (kind && has_next && !(f & ((SET_ANY_EXPIRE & ~kind) | SET_KEEPTTL | SET_PERSIST))) {
            *flags |= kind;
            expire_arg = &c->argv[++i];
        } else {
            reply_syntax_error(c);
            return 0;
        }
    }
    if (expire_arg) {
        int f = *flags;
        long long unit = (f & (SET_EX | SET_EXAT)) ? 1000 : 1;
        int absolute = (f & (SET_EXAT | SET_PXAT)) != 0;
        if (!expire_arg_to_abs_ms(c, expire_arg, unit, absolute, name, when)) return 0;
    }
    return 1;
}

/* Stores value under key with the given TTL (-1 none), in one allocation,
 * replacing `old` (what db_lookup just returned for key, or NULL).
 * keep_ttl keeps the old TTL instead.  Fires "set" (and "expire"). */
static void store_string(Client *c, const Arg *key, Kv *old, const char *val, size_t vlen, int64_t when,
                         int keep_ttl) {
    /* An inline string over an inline string with no TTL to set or drop:
     * rewritten where it is (no allocation, and while a fork shares the
     * pages, one page copied instead of three). */
    if (!old || when != -1 || (kv_has_expire(old) && !keep_ttl) || !kv_string_overwrite(old, val, vlen))
        db_store(c->db, key, old, kv_new_string_ttl(key->p, key->len, val, vlen, when), keep_ttl);
    /* A TTL already in the past is stored as given, as Valkey does: the key
     * is invisible at once and the expiry cycle reaps it. */
    key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "set");
    if (when != -1) key_event(c->db, key->p, key->len, NOTIFY_GENERIC, "expire");
}

/* SET key value PXAT ms: the replayable form of a relative or second-based
 * expiry (SET EX/PX/EXAT, SETEX, PSETEX). */
static void propagate_set_pxat(Client *c, const Arg *key, const Arg *val, int64_t when) {
    char num[24];
    Arg argv[5] = {{"SET", 3}, *key, *val, {"PXAT", 4}, {num, (size_t)ll_to_str(num, when)}};
    propagate_rewrite(c, 5, argv);
}

static void set_generic(Client *c, int flags, const Arg *key, const Arg *val, int64_t when) {
    Kv *old = db_lookup_write(c, c->db, key);
    if (flags & SET_GET) {
        if (old && kv_type(old) != OBJ_STRING) {
            reply_wrong_type(c);
            return;
        }
        if (old) {
            server.stat.keyspace_hits++;
            reply_value(c, old);
        } else {
            /* A read that missed, as GET's: "keymiss" too. */
            server.stat.keyspace_misses++;
            if (server.cfg.notify_keyspace_events & NOTIFY_KEY_MISS)
                key_event(c->db, key->p, key->len, NOTIFY_KEY_MISS, "keymiss");
            reply_null(c);
        }
    }
    if (((flags & SET_NX) && old) || ((flags & SET_XX) && !old)) {
        if (!(flags & SET_GET)) reply_null(c);
        return;
    }
    store_string(c, key, old, val->p, val->len, when, (flags & SET_KEEPTTL) != 0);
    if (when != -1 && !(flags & SET_PXAT)) {
        propagate_set_pxat(c, key, val, when);
    } else if ((flags & SET_GET) && server.prop.active) {
        /* Replay needs no GET. */
        Arg argv[16];
        int n = 0;
        if (c->argc <= 16) {
            for (int i = 0; i < c->argc; i++)
                if (i < 3 || !arg_equals(&c->argv[i], "get")) argv[n++] = c->argv[i];
            propagate_rewrite(c, n, argv);
        }
    }
    if (!(flags & SET_GET)) reply_ok(c);
}

void set_command(Client *c) {
    int flags;
    int64_t when = -1;
    if (!parse_set_options(c, 3, SET_NX | SET_XX | SET_GET | SET_KEEPTTL | SET_ANY_EXPIRE, &flags, &when, "set")) return;
    set_generic(c, flags, &c->argv[1], &c->argv[2], when);
}

void setnx_command(Client *c) {
    if (db_lookup_write(c, c->db, &c->argv[1])) {
        reply_int(c, 0);
        return;
    }
    store_string(c, &c->argv[1], NULL, c->argv[2].p, c->argv[2].len, -1, 0);
    reply_int(c, 1);
}

static void setex_generic(Client *c, long long unit, const char *name) {
    int64_t when;
    if (!expire_arg_to_abs_ms(c, &c->argv[2], unit, 0, name, &when)) return;
    Kv *old = db_lookup_write(c, c->db, &c->argv[1]);
    store_string(c, &c->argv[1], old, c->argv[3].p, c->argv[3].len, when, 0);
    propagate_set_pxat(c, &c->argv[1], &c->argv[3], when);
    reply_ok(c);
}

void setex_command(Client *c) { setex_generic(c, 1000, "setex"); }
void psetex_command(Client *c) { setex_generic(c, 1, "psetex"); }

void getset_command(Client *c) {
    set_generic(c, SET_GET, &c->argv[1], &c->argv[2], -1);
    /* Replays as SET key value. */
    Arg argv[3] = {{"SET", 3}, c->argv[1], c->argv[2]};
    propagate_rewrite(c, 3, argv);
}

void getdel_command(Client *c) {
    if (!reply_get(c)) return;
    db_delete(c->db, c->argv[1].p, c->argv[1].len);
    key_changed(c, c->db, c->argv[1].p, c->argv[1].len, NOTIFY_GENERIC, "del");
    propagate_rewrite_del(c, &c->argv[1], server.cfg.lazyfree_lazy_user_del);
}

void getex_command(Client *c) {
    int flags;
    int64_t when = -1;
    if (!parse_set_options(c, 2, SET_ANY_EXPIRE | SET_PERSIST, &flags, &when, "getex")) return;
    Kv *kv = reply_get(c);
    if (!kv) return;
    const Arg *key = &c->argv[1];
    if (when != -1) {
        if (when <= server.now_ms) {
            db_delete(c->db, key->p, key->len);
            key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "del");
            propagate_rewrite_del(c, key, server.cfg.lazyfree_lazy_expire);
        } else {
            db_set_expire(c->db, kv, when);
            key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "expire");
            if (!(flags & SET_PXAT)) propagate_rewrite_pexpireat(c, key, when, 0);
        }
    } else if ((flags & SET_PERSIST) && kv_has_expire(kv)) {
        db_persist(c->db, kv);
        key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "persist");
        Arg argv[2] = {{"PERSIST", 7}, *key};
        propagate_rewrite(c, 2, argv);
    }
}

void mget_command(Client *c) {
    reply_array_len(c, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        Kv *kv = db_lookup_read(c, c->db, &c->argv[i]);
        if (!kv || kv_type(kv) != OBJ_STRING) reply_null(c);
        else reply_value(c, kv);
    }
}

static void mset_generic(Client *c, int nx) {
    if (c->argc % 2 == 0) {
        reply_wrong_arity(c, c->cmd->fullname);
        return;
    }
    if (nx) {
        for (int i = 1; i < c->argc; i += 2) {
            if (db_lookup_write(c, c->db, &c->argv[i])) {
                reply_int(c, 0);
                return;
            }
        }
    }
    for (int i = 1; i < c->argc; i += 2) {
        Kv *old = db_lookup_write(c, c->db, &c->argv[i]);
        store_string(c, &c->argv[i], old, c->argv[i + 1].p, c->argv[i + 1].len, -1, 0);
    }
    if (nx) reply_int(c, 1);
    else reply_ok(c);
}

void mset_command(Client *c) { mset_generic(c, 0); }
void msetnx_command(Client *c) { mset_generic(c, 1); }

void strlen_command(Client *c) {
    int err;
    Kv *kv = lookup_string_read(c, &c->argv[1], &err);
    if (err) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    reply_int(c, (long long)v.len);
}

/* ---------------------------------------------------------- counters */

/* Replaces a string's value keeping its TTL; returns the new entry. */
static Kv *replace_value(Client *c, Kv *old, Kv *fresh) {
    int64_t when = kv_expire(old);
    if (when != -1) fresh = kv_with_expire(fresh, when);
    db_replace(c->db, old, fresh);
    kv_free(old);
    return fresh;
}

static void incr_generic(Client *c, const Arg *key, long long by) {
    Kv *kv = db_lookup_write(c, c->db, key);
    long long cur = 0;
    if (kv) {
        if (kv_type(kv) != OBJ_STRING) {
            reply_wrong_type(c);
            return;
        }
        if (!kv_get_int(kv, &cur)) {
            StrView v;
            kv_string_view(kv, &v);
            if (!str_to_ll(v.p, v.len, &cur)) {
                reply_not_integer(c);
                return;
            }
        }
    }
    if ((by < 0 && cur < 0 && by < LLONG_MIN - cur) || (by > 0 && cur > 0 && by > LLONG_MAX - cur)) {
        reply_error(c, ERR_OVERFLOW);
        return;
    }
    long long result = cur + by;
    if (kv && kv_encoding(kv) == ENC_INT) {
        kv_set_int_in_place(kv, result);
    } else if (kv) {
        replace_value(c, kv, kv_new_int(key->p, key->len, result));
    } else {
        db_store(c->db, key, NULL, kv_new_int(key->p, key->len, result), 0);
    }
    key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "incrby");
    reply_int(c, result);
}

void incr_command(Client *c) { incr_generic(c, &c->argv[1], 1); }
void decr_command(Client *c) { incr_generic(c, &c->argv[1], -1); }

void incrby_command(Client *c) {
    long long by;
    if (!arg_to_ll(c, &c->argv[2], &by)) return;
    incr_generic(c, &c->argv[1], by);
}

void decrby_command(Client *c) {
    long long by;
    if (!arg_to_ll(c, &c->argv[2], &by)) return;
    if (by == LLONG_MIN) {
        reply_error(c, "decrement would overflow");
        return;
    }
    incr_generic(c, &c->argv[1], -by);
}

void incrbyfloat_command(Client *c) {
    const Arg *key = &c->argv[1];
    long double by, cur = 0;
    Kv *kv = db_lookup_write(c, c->db, key);
    if (kv) {
        if (kv_type(kv) != OBJ_STRING) {
            reply_wrong_type(c);
            return;
        }
        StrView v;
        kv_string_view(kv, &v);
        if (!str_to_ld(v.p, v.len, &cur)) {
            reply_error(c, ERR_NOT_FLOAT);
            return;
        }
    }
    if (!arg_to_ld(c, &c->argv[2], &by)) return;
    long double result = cur + by;
    if (isnan(result) || isinf(result)) {
        reply_error(c, "increment would produce NaN or Infinity");
        return;
    }
    char buf[NUMCONV_LD_BUF];
    size_t len = ld_to_str(buf, sizeof(buf), result);
    /* Stored as text, never as an integer, like Valkey does. */
    Kv *fresh = kv_new_string(key->p, key->len, buf, len, kv && kv_has_expire(kv));
    if (kv) replace_value(c, kv, fresh);
    else db_store(c->db, key, NULL, fresh, 0);
    key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "incrbyfloat");
    /* Replays as the value it produced, keeping the TTL: float formatting
     * must not decide the outcome twice. */
    Arg argv[4] = {{"SET", 3}, *key, {buf, len}, {"KEEPTTL", 7}};
    propagate_rewrite(c, 4, argv);
    reply_bulk(c, buf, len);
}

/* ------------------------------------------------------------ ranges */

/* offset + len would exceed proto-max-bulk-len (checked without overflow). */
static int check_size(Client *c, long long offset, size_t len) {
    if ((unsigned long long)len > (unsigned long long)server.cfg.proto_max_bulk_len ||
        offset > server.cfg.proto_max_bulk_len - (long long)len) {
        reply_error(c, ERR_MAX_SIZE);
        return 0;
    }
    return 1;
}

/* Makes the key's value a raw Str that can be modified in place. */
static Str *make_raw(Client *c, Kv **kvp, const Arg *key) {
    Kv *kv = *kvp;
    if (kv_encoding(kv) == ENC_RAW) return kv_get_raw(kv);
    StrView v;
    kv_string_view(kv, &v);
    Kv *fresh = kv_new_raw(key->p, key->len, str_new(v.p, v.len));
    *kvp = replace_value(c, kv, fresh);
    return kv_get_raw(*kvp);
}

Str *string_unshare(Client *c, Kv **kvp, const Arg *key) {
    return make_raw(c, kvp, key);
}

void append_command(Client *c) {
    const Arg *key = &c->argv[1], *val = &c->argv[2];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (!kv) {
        db_store(c->db, key, NULL, kv_new_string_auto(key->p, key->len, val->p, val->len, 0), 0);
        key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "append");
        reply_int(c, (long long)val->len);
        return;
    }
    if (kv_type(kv) != OBJ_STRING) {
        reply_wrong_type(c);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    if (!check_size(c, (long long)v.len, val->len)) return;
    Str *s = make_raw(c, &kv, key);
    Str *grown = str_cat(s, val->p, val->len);
    if (grown != s) kv_set_raw(kv, grown);
    key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "append");
    reply_int(c, (long long)grown->len);
}

void setrange_command(Client *c) {
    const Arg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (!arg_to_ll(c, &c->argv[2], &offset)) return;
    if (offset < 0) {
        reply_error(c, "offset is out of range");
        return;
    }
    Kv *kv = db_lookup_write(c, c->db, key);
    if (kv && kv_type(kv) != OBJ_STRING) {
        reply_wrong_type(c);
        return;
    }
    if (!kv) {
        if (val->len == 0) {
            reply_int(c, 0);
            return;
        }
        if (!check_size(c, offset, val->len)) return;
        Str *s = str_with_capacity((size_t)offset + val->len);
        s = str_resize(s, (size_t)offset);
        s = str_cat(s, val->p, val->len);
        db_store(c->db, key, NULL, kv_new_raw(key->p, key->len, s), 0);
        key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "setrange");
        reply_int(c, (long long)s->len);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    if (val->len == 0) {
        reply_int(c, (long long)v.len);
        return;
    }
    if (!check_size(c, offset, val->len)) return;
    Str *s = make_raw(c, &kv, key);
    Str *orig = s;
    if ((size_t)offset + val->len > s->len) s = str_resize(s, (size_t)offset + val->len);
    memcpy(s->buf + offset, val->p, val->len);
    if (s != orig) kv_set_raw(kv, s);
    key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "setrange");
    reply_int(c, (long long)s->len);
}

void getrange_command(Client *c) {
    long long start, end;
    if (!arg_to_ll(c, &c->argv[2], &start) || !arg_to_ll(c, &c->argv[3], &end)) return;
    int err;
    Kv *kv = lookup_string_read(c, &c->argv[1], &err);
    if (err) return;
    if (!kv) {
        reply_bulk(c, "", 0);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    long long len = (long long)v.len;
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(c, "", 0);
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (len == 0 || start > end) {
        reply_bulk(c, "", 0);
        return;
    }
    reply_bulk(c, v.p + start, (size_t)(end - start + 1));
}

/* --------------------------------------------------------------- LCS */

void lcs_command(Client *c) {
    StrView va, vb;
    Kv *ka = db_lookup_read(c, c->db, &c->argv[1]);
    Kv *kb = db_lookup_read(c, c->db, &c->argv[2]);
    if ((ka && kv_type(ka) != OBJ_STRING) || (kb && kv_type(kb) != OBJ_STRING)) {
        reply_error(c, "The specified keys must contain string values");
        return;
    }
    int want_len = 0, want_idx = 0, with_match_len = 0;
    long long min_match_len = 0;
    for (int i = 3; i < c->argc; i++) {
        const Arg *a = &c->argv[i];
        if (arg_equals(a, "idx")) want_idx = 1;
        else if (arg_equals(a, "len")) want_len = 1;
        else if (arg_equals(a, "withmatchlen")) with_match_len = 1;
        else if (arg_equals(a, "minmatchlen") && i + 1 < c->argc) {
            if (!arg_to_ll(c, &c->argv[++i], &min_match_len)) return;
            if (min_match_len < 0) min_match_len = 0;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (want_len && want_idx) {
        reply_error(c, "If you want both the length and indexes, please just use IDX.");
        return;
    }
    /* Views of integer values live in the StrView itself: take both
     * views only after both lookups are done. */
    if (ka) kv_string_view(ka, &va);
    else va.p = "", va.len = 0;
    if (kb) kv_string_view(kb, &vb);
    else vb.p = "", vb.len = 0;
    size_t alen = va.len, blen = vb.len;
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    if (cells > (unsigned long long)server.cfg.proto_max_bulk_len / sizeof(uint32_t) || cells > SIZE_MAX / sizeof(uint32_t)) {
        reply_error(c, "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    uint32_t *dp = mem_alloc((size_t)cells * sizeof(uint32_t));
#define DP(i, j) dp[(size_t)(i) * (blen + 1) + (size_t)(j)]
    for (size_t i = 0; i <= alen; i++) {
        for (size_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) DP(i, j) = 0;
            else if (va.p[i - 1] == vb.p[j - 1]) DP(i, j) = DP(i - 1, j - 1) + 1;
            else DP(i, j) = DP(i - 1, j) > DP(i, j - 1) ? DP(i - 1, j) : DP(i, j - 1);
        }
    }
    uint32_t lcs_len = DP(alen, blen);
    if (want_len) {
        reply_int(c, lcs_len);
        mem_free(dp);
        return;
    }
    char *lcs = want_idx ? NULL : mem_alloc(lcs_len + 1);
    /* Walk back from the end; collect match ranges (for IDX) as we go. */
    long long *ranges = want_idx ? mem_alloc(sizeof(long long) * 5 * (lcs_len + 1)) : NULL;
    size_t nranges = 0;
    size_t i = alen, j = blen, idx = lcs_len;
    size_t a_start = alen, a_end = 0, b_start = 0, b_end = 0; /* a_start == alen: no range open */
    while (i > 0 && j > 0) {
        int emit = 0;
        if (va.p[i - 1] == vb.p[j - 1]) {
            if (lcs) lcs[idx - 1] = va.p[i - 1];
            if (a_start == alen) {
                a_start = a_end = i - 1;
                b_start = b_end = j - 1;
            } else if (a_start == i && b_start == j) {
                a_start--;
                b_start--;
            } else {
                emit = 1;
            }
            if (a_start == 0 || b_start == 0) emit = 1;
            idx--;
            i--;
            j--;
        } else {
            if (DP(i - 1, j) > DP(i, j - 1)) i--;
            else j--;
            if (a_start != alen) emit = 1;
        }
        if (emit && ranges) {
            long long mlen = (long long)(a_end - a_start + 1);
            if (min_match_len == 0 || mlen >= min_match_len) {
                long long *r = &ranges[nranges * 5];
                r[0] = (long long)a_start;
                r[1] = (long long)a_end;
                r[2] = (long long)b_start;
                r[3] = (long long)b_end;
                r[4] = mlen;
                nranges++;
            }
        }
        if (emit) a_start = alen;
    }
#undef DP
    mem_free(dp);
    if (!want_idx) {
        reply_bulk(c, lcs, lcs_len);
        mem_free(lcs);
        return;
    }
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "matches");
    reply_array_len(c, (long long)nranges);
    for (size_t k = 0; k < nranges; k++) {
        long long *r = &ranges[k * 5];
        reply_array_len(c, with_match_len ? 3 : 2);
        reply_array_len(c, 2);
        reply_int(c, r[0]);
        reply_int(c, r[1]);
        reply_array_len(c, 2);
        reply_int(c, r[2]);
        reply_int(c, r[3]);
        if (with_match_len) reply_int(c, r[4]);
    }
    reply_bulk_cstr(c, "len");
    reply_int(c, lcs_len);
    mem_free(ranges);
}

/* ------------------------------------------------------------ TypeOps */

/* Only ENC_RAW strings are held by pointer (a Str); INT and EMBSTR live
 * inside the Kv, which kv.c copies, sizes and digests itself. */
static void string_free(void *ptr, int encoding) {
    (void)encoding;
    str_free(ptr);
}

static void *string_dup(const void *ptr, int encoding) {
    (void)encoding;
    return str_dup(ptr);
}

static size_t string_mem_usage(const void *ptr, int encoding, long long samples) {
    (void)encoding;
    (void)samples;
    return mem_usable(ptr);
}

static size_t string_free_effort(const void *ptr, int encoding) {
    (void)ptr;
    (void)encoding;
    return 1;
}

static void string_digest(const void *ptr, int encoding, uint8_t out[20]) {
    (void)encoding;
    const Str *s = ptr;
    Sha1 h;
    sha1_init(&h);
    sha1_update(&h, s->buf, s->len);
    sha1_final(&h, out);
}

static const TypeOps string_type_ops = {
    .type = OBJ_STRING,
    .name = "string",
    .free = string_free,
    .dup = string_dup,
    .mem_usage = string_mem_usage,
    .free_effort = string_free_effort,
    .digest = string_digest,
};

void string_type_init(void) {
    kv_register_type(&string_type_ops);
}
