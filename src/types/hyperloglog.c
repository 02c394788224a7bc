/* hyperloglog.c - the HyperLogLog commands: PFADD, PFCOUNT, PFMERGE,
 * PFDEBUG and PFSELFTEST (the sketch format and arithmetic are in
 * src/ds/hll).
 *
 * A sketch is an ordinary string, so SET/GET/DUMP move it between servers
 * and Valkey's bytes are our bytes.  A string is accepted as a sketch when
 * it is not integer-encoded, has the "HYLL" header with encoding 0 or 1,
 * and a dense one is exactly 12304 bytes (else WRONGTYPE "Key is not a
 * valid HyperLogLog string value."); a sparse body that does not add up to
 * 16384 registers is found when read (INVALIDOBJ).
 *
 * Side effects as in Valkey: every command that touches a sketch's bytes
 * (PFADD, single-key PFCOUNT, PFMERGE's destination, PFDEBUG) makes the
 * value a raw string.  PFADD dirties once per element that changed a
 * register (plus one for creating the key) and fires "pfadd"; PFMERGE
 * fires "pfadd" too.  PFCOUNT of one key whose cached cardinality is stale
 * writes the fresh count into the header: that is a change (dirty,
 * propagated as the PFCOUNT itself, watchers invalidated) without an
 * event.  PFDEBUG GETREG/TODENSE converting a sparse sketch only count a
 * change, so that replicas convert too. */
#include <string.h>

#include "../ds/hll.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "hyperloglog.h"
#include "string.h"

#define ERR_INVALID_HLL "-INVALIDOBJ Corrupted HLL object detected"
#define ERR_NOT_HLL "-WRONGTYPE Key is not a valid HyperLogLog string value."

/* Whether an existing key holds a sketch; replies the error if not. */
static int check_hll(Client *c, const Kv *kv) {
    if (kv_type(kv) != OBJ_STRING) {
        reply_wrong_type(c);
        return 0;
    }
    StrView v;
    if (kv_encoding(kv) == ENC_INT) goto invalid;
    kv_string_view(kv, &v);
    if (!hll_header_ok(v.p, v.len)) goto invalid;
    return 1;
invalid:
    reply_error(c, ERR_NOT_HLL);
    return 0;
}

/* Creates an empty sketch at key (looked up and found missing). */
static Kv *create_hll(Client *c, const Arg *key, Str **sp) {
    *sp = hll_new();
    return db_store(c->db, key, NULL, kv_new_raw(key->p, key->len, *sp), 0);
}

void pfadd_command(Client *c) {
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_write(c, c->db, key);
    long long updated = 0;
    Str *s;
    if (!kv) {
        kv = create_hll(c, key, &s);
        updated++;
    } else {
        if (!check_hll(c, kv)) return;
        s = string_unshare(c, &kv, key);
    }
    Str *orig = s;
    int corrupt = 0;
    for (int j = 2; j < c->argc; j++) {
        int r = hll_add(&s, c->argv[j].p, c->argv[j].len, server.cfg.hll_sparse_max_bytes);
        if (r < 0) {
            corrupt = 1;
            break;
        }
        updated += r;
    }
    if (s != orig) kv_set_raw(kv, s);
    if (corrupt) {
        reply_error(c, ERR_INVALID_HLL);
        return;
    }
    if (updated) {
        hll_cache_invalidate(s->buf);
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_STRING, "pfadd", updated);
    }
    reply_int(c, updated ? 1 : 0);
}

void pfcount_command(Client *c) {
    if (c->argc > 2) {
        /* The union's registers, one byte each; nothing is written. */
        uint8_t max[HLL_REGISTERS];
        memset(max, 0, sizeof(max));
        for (int j = 1; j < c->argc; j++) {
            Kv *kv = db_lookup_read(c, c->db, &c->argv[j]);
            if (!kv) continue;
            if (!check_hll(c, kv)) return;
            StrView v;
            kv_string_view(kv, &v);
            if (hll_merge(max, v.p, v.len) < 0) {
                reply_error(c, ERR_INVALID_HLL);
                return;
            }
        }
        reply_int(c, (long long)hll_count_raw(max));
        return;
    }
    const Arg *key = &c->argv[1];
    Kv *kv = db_lookup_read(c, c->db, key);
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    if (!check_hll(c, kv)) return;
    Str *s = string_unshare(c, &kv, key);
    uint64_t card;
    if (!hll_cache_get(s->buf, &card)) {
        if (hll_count(s->buf, s->len, &card) < 0) {
            reply_error(c, ERR_INVALID_HLL);
            return;
        }
        hll_cache_set(s->buf, card);
        /* A write with no event: WATCH sees it, the AOF gets the PFCOUNT. */
        key_touched(c, c->db, key->p, key->len);
        server.dirty++;
    }
    reply_int(c, (long long)card);
}

void pfmerge_command(Client *c) {
    const Arg *dest = &c->argv[1];
    uint8_t max[HLL_REGISTERS];
    int use_dense = 0;
    memset(max, 0, sizeof(max));
    /* The destination is a source too (argv[1] onwards). */
    for (int j = 1; j < c->argc; j++) {
        Kv *kv = db_lookup_read(c, c->db, &c->argv[j]);
        if (!kv) continue;
        if (!check_hll(c, kv)) return;
        StrView v;
        kv_string_view(kv, &v);
        if (hll_encoding(v.p) == HLL_DENSE) use_dense = 1;
        if (hll_merge(max, v.p, v.len) < 0) {
            reply_error(c, ERR_INVALID_HLL);
            return;
        }
    }
    Kv *kv = db_lookup_write(c, c->db, dest);
    Str *s;
    if (!kv) kv = create_hll(c, dest, &s);
    else s = string_unshare(c, &kv, dest);
    Str *orig = s;
    if (use_dense && hll_to_dense(&s) < 0) {
        reply_error(c, ERR_INVALID_HLL);
        return;
    }
    hll_store_raw(&s, max, server.cfg.hll_sparse_max_bytes);
    if (s != orig) kv_set_raw(kv, s);
    hll_cache_invalidate(s->buf);
    /* A merge is a mass PFADD, so Valkey names the event after it. */
    key_changed(c, c->db, dest->p, dest->len, NOTIFY_STRING, "pfadd");
    reply_ok(c);
}

/* Converts the key's sketch to dense for PFDEBUG; 0 after the error. */
static int debug_to_dense(Client *c, Kv *kv, Str **sp, int *converted) {
    *converted = 0;
    if (hll_encoding((*sp)->buf) != HLL_SPARSE) return 1;
    Str *orig = *sp;
    if (hll_to_dense(sp) < 0) {
        reply_error(c, ERR_INVALID_HLL);
        return 0;
    }
    if (*sp != orig) kv_set_raw(kv, *sp);
    *converted = 1;
    /* Counted as a change so the conversion reaches replicas. */
    server.dirty++;
    return 1;
}

void pfdebug_command(Client *c) {
    const Arg *sub = &c->argv[1], *key = &c->argv[2];
    Kv *kv = db_lookup_write(c, c->db, key);
    if (!kv) {
        reply_error(c, "The specified key does not exist");
        return;
    }
    if (!check_hll(c, kv)) return;
    Str *s = string_unshare(c, &kv, key);
    int converted;
    if (arg_equals(sub, "getreg")) {
        if (!debug_to_dense(c, kv, &s, &converted)) return;
        const uint8_t *regs = (const uint8_t *)s->buf + HLL_HDR_SIZE;
        reply_array_len(c, HLL_REGISTERS);
        for (uint32_t i = 0; i < HLL_REGISTERS; i++) reply_int(c, hll_dense_get(regs, i));
    } else if (arg_equals(sub, "decode")) {
        if (hll_encoding(s->buf) != HLL_SPARSE) {
            reply_error(c, "HLL encoding is not sparse");
            return;
        }
        Str *text = hll_sparse_decode(s->buf, s->len);
        reply_bulk(c, text->buf, text->len);
        str_free(text);
    } else if (arg_equals(sub, "encoding")) {
        reply_simple(c, hll_encoding(s->buf) == HLL_DENSE ? "dense" : "sparse");
    } else if (arg_equals(sub, "todense")) {
        if (!debug_to_dense(c, kv, &s, &converted)) return;
        reply_int(c, converted);
    } else {
        /* Valkey prints the name as a C string (up to a NUL byte). */
        int n = (int)strnlen(sub->p, sub->len);
        reply_errorf(c, "Unknown PFDEBUG subcommand '%.*s'", n, sub->p);
    }
}

void pfselftest_command(Client *c) {
    char err[128];
    const char *failed = hll_selftest(server_rand64(), server.cfg.hll_sparse_max_bytes, err, sizeof(err));
    if (failed) reply_error(c, failed);
    else reply_ok(c);
}
