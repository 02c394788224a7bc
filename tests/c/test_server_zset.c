/* test_server_zset.c - unit tests of the sorted set's encoding layer
 * (src/types/zset.c) linked directly with the server objects.
 *
 * A randomized model test drives one ZVal through seeded rounds of
 * zv_add with every flag mix (NX, XX, GT, LT, INCR, NaN refusals), zv_del,
 * zv_score, zv_rank both ways, rank-range iteration both ways (the
 * skiplist's descending walk fetches runs by rank), zv_maybe_grow,
 * zv_convert both ways and zv_fit, against a sorted array; zv_check (order,
 * distinct members, listpack bytes, skiplist spans, the member table
 * agreeing with the skiplist) runs after every step.  Small listpack
 * limits make conversions frequent; Valkey's encoding rules are checked
 * as they apply (a listpack never passes the limits; adding past them
 * converts; nothing converts back by itself).  The digest must not depend
 * on the encoding, and TypeOps.dup must copy exactly.  Valkey's listpack
 * form (zset_to_listpack) must equal, byte for byte, a listpack built
 * from the reference with src/ds/listpack.h, and zset_from_listpack must
 * give the value back; so must the RDB writer's listpack (rdb_save).
 * The listpack bytes of a few scores are pinned, as
 * are zset_from_listpack's answers to foreign listpacks (score text
 * Valkey would not write, pairs out of order, corrupt pairs). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../deps/numconv/dtoa.h"
#include "ds/alloc.h"
#include "ds/listpack.h"
#include "server/rdb_io.h"
#include "server/server.h"
#include "types/types.h"
#include "types/zset.h"
#include "unit.h"
#include "server_test.h"


#define MAXM 80

typedef struct Ref {
    double score;
    size_t len;
    char m[MAXM];
} Ref;

static Ref ref[4096];
static size_t ref_n;

static int ref_cmp(const Ref *a, double score, const char *m, size_t len) {
    if (a->score < score) return -1;
    if (a->score > score) return 1;
    size_t n = a->len < len ? a->len : len;
    int c = n ? memcmp(a->m, m, n) : 0;
    if (c) return c;
    return a->len < len ? -1 : a->len > len;
}

static long ref_find(const char *m, size_t len) {
    for (size_t i = 0; i < ref_n; i++)
        if (ref[i].len == len && (!len || !memcmp(ref[i].m, m, len))) return (long)i;
    return -1;
}

static void ref_remove(size_t at) {
    memmove(&ref[at], &ref[at + 1], (ref_n - at - 1) * sizeof(Ref));
    ref_n--;
}

static void ref_insert(double score, const char *m, size_t len) {
    size_t at = 0;
    while (at < ref_n && ref_cmp(&ref[at], score, m, len) < 0) at++;
    memmove(&ref[at + 1], &ref[at], (ref_n - at) * sizeof(Ref));
    ref[at].score = score;
    ref[at].len = len;
    memcpy(ref[at].m, m, len);
    ref_n++;
}

static double rnd_score(void) {
    switch (unit_rand_below(8)) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return (double)(int)unit_rand_below(7) - 3 + 0.5;
    case 3: return unit_rand_below(2) ? 0.1 : -0.0;
    case 4: return 1e20;
    default: return (double)((int)unit_rand_below(9) - 4);
    }
}

static size_t rnd_member(char *m) {
    switch (unit_rand_below(10)) {
    case 0: return (size_t)snprintf(m, MAXM, "%d", (int)unit_rand_below(50) - 10); /* integer entries */
    case 1: { /* longer than the value limit used below */
        size_t len = 20 + unit_rand_below(40);
        memset(m, 'L', len);
        m[len - 1] = (char)('a' + unit_rand_below(3));
        return len;
    }
    case 2: m[0] = 0; m[1] = (char)unit_rand_below(3); return 2;
    default: return (size_t)snprintf(m, MAXM, "m%u", (unsigned)unit_rand_below(60));
    }
}

static void check_value(const ZVal *z) {
    const char *err = zv_check(z);
    if (!CHECK(err == NULL)) printf("    zv_check: %s\n", err);
    if (!CHECK_EQ_UINT(ref_n, zv_len(z))) return;
    if (z->enc == ENC_LISTPACK) {
        CHECK(ref_n <= server.cfg.zset_max_listpack_entries);
        for (size_t i = 0; i < ref_n; i++) CHECK(ref[i].len <= server.cfg.zset_max_listpack_value);
    }
}

/* Whole ascending and descending walks, and a random rank window. */
static void check_walks(const ZVal *z) {
    if (!ref_n) return;
    ZIter it;
    ZElem e;
    uint64_t a = unit_rand_below(ref_n), b = a + unit_rand_below(ref_n - a);
    for (int rev = 0; rev < 2; rev++) {
        zi_init(&it, z, a, b, rev);
        uint64_t k = a;
        while (zi_next(&it, &e)) {
            const Ref *r = &ref[rev ? ref_n - 1 - k : k];
            if (!CHECK(ref_cmp(r, e.score, e.m, e.len) == 0)) {
                printf("    %s walk [%llu, %llu] wrong at %llu\n", rev ? "descending" : "ascending",
                       (unsigned long long)a, (unsigned long long)b, (unsigned long long)k);
                return;
            }
            k++;
        }
        CHECK_EQ_UINT(b + 1, k);
    }
}

static void digest_of(const ZVal *z, uint8_t out[20]) {
    kv_type_ops(OBJ_ZSET)->digest(z->ptr, z->enc, out);
}

/* The reference as Valkey's listpack: member, then the score's d2string
 * text (the listpack stores it as an integer when it is one). */
static unsigned char *ref_listpack(void) {
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < ref_n; i++) {
        char sbuf[DTOA_BUF];
        size_t slen = dtoa_valkey(ref[i].score, sbuf);
        lp = lp_append(lp, ref[i].m, ref[i].len);
        lp = lp_append(lp, sbuf, slen);
    }
    return lp;
}

/* zset_to_listpack against the reference, and back; a pack's RDB form
 * (TypeOps.rdb_save) is the same listpack. */
static void check_listpack_form(const ZVal *z) {
    unsigned char *want = ref_listpack(), *got = zset_to_listpack(z->ptr, z->enc);
    CHECK_MEM((const char *)want, lp_bytes(want), (const char *)got, lp_bytes(got));
    if (z->enc == ENC_LISTPACK) {
        size_t n;
        unsigned char *blob = rdb_save_blob(OBJ_ZSET, z->ptr, z->enc, RDB_TYPE_ZSET_LISTPACK, &n);
        if (blob) CHECK_MEM((const char *)want, lp_bytes(want), (const char *)blob, n);
        mem_free(blob);
    }
    int enc = -1;
    void *back = zset_from_listpack(got, &enc);
    if (CHECK(back != NULL)) {
        ZVal b = {enc, back};
        CHECK_EQ_INT(ref_n > server.cfg.zset_max_listpack_entries ? ENC_SKIPLIST : ENC_LISTPACK, enc);
        CHECK(zv_check(&b) == NULL);
        uint8_t d1[20], d2[20];
        digest_of(z, d1);
        digest_of(&b, d2);
        CHECK_MEM((char *)d1, 20, (char *)d2, 20);
        if (enc == ENC_LISTPACK && z->enc == ENC_LISTPACK)
            CHECK_MEM((const char *)z->ptr, sp_bytes(z->ptr), (const char *)back, sp_bytes(back));
        zv_free(&b);
    }
    lp_free(want);
    lp_free(got);
}

static void one_op(ZVal *z) {
    char m[MAXM];
    size_t len = rnd_member(m);
    int op = (int)unit_rand_below(100);
    if (op < 45) {
        static const int mixes[] = {0, ZADD_IN_NX, ZADD_IN_XX, ZADD_IN_GT, ZADD_IN_LT, ZADD_IN_INCR,
                                    ZADD_IN_INCR | ZADD_IN_XX, ZADD_IN_INCR | ZADD_IN_GT, ZADD_IN_XX | ZADD_IN_LT};
        int in = mixes[unit_rand_below(sizeof(mixes) / sizeof(mixes[0]))];
        double s = rnd_score(), got = 12345;
        long at = ref_find(m, len);
        double want = s;
        int want_ok = 1, want_out = 0;
        if (at >= 0) {
            double cur = ref[at].score;
            if (in & ZADD_IN_NX) want_out = ZADD_OUT_NOP;
            else {
                if (in & ZADD_IN_INCR) want = cur + s;
                if (isnan(want)) want_ok = 0, want_out = ZADD_OUT_NAN;
                else if (((in & ZADD_IN_LT) && want >= cur) || ((in & ZADD_IN_GT) && want <= cur)) want_out = ZADD_OUT_NOP;
                else if (want != cur) want_out = ZADD_OUT_UPDATED;
            }
        } else if (in & ZADD_IN_XX) {
            want_out = ZADD_OUT_NOP;
        } else {
            want_out = ZADD_OUT_ADDED;
        }
        int out;
        int ok = zv_add(z, s, m, len, in, &out, &got);
        CHECK_EQ_INT(want_ok, ok);
        CHECK_EQ_INT(want_out, out);
        if (want_out == ZADD_OUT_UPDATED) {
            ref_remove((size_t)at);
            ref_insert(want, m, len);
        } else if (want_out == ZADD_OUT_ADDED) {
            ref_insert(want, m, len);
        }
        if (want_out & (ZADD_OUT_UPDATED | ZADD_OUT_ADDED)) CHECK(got == want);
        /* past the limits, a listpack has become a skiplist */
        if (ref_n > server.cfg.zset_max_listpack_entries || len > server.cfg.zset_max_listpack_value)
            if (want_out == ZADD_OUT_ADDED) CHECK_EQ_INT(ENC_SKIPLIST, z->enc);
    } else if (op < 60) {
        long at = ref_find(m, len);
        CHECK_EQ_INT(at >= 0, zv_del(z, m, len));
        if (at >= 0) ref_remove((size_t)at);
    } else if (op < 75) {
        long at = ref_find(m, len);
        double s = 777;
        int rev = (int)unit_rand_below(2);
        long long r = zv_rank(z, m, len, rev, &s);
        if (at < 0) {
            CHECK_EQ_INT(-1, r);
            CHECK_EQ_INT(0, zv_score(z, m, len, &s));
        } else {
            CHECK_EQ_INT(rev ? (long long)ref_n - 1 - at : at, r);
            CHECK(s == ref[at].score);
            double s2;
            CHECK(zv_score(z, m, len, &s2) && s2 == ref[at].score);
        }
    } else if (op < 85) {
        check_walks(z);
    } else if (op < 90) {
        uint8_t d1[20], d2[20];
        digest_of(z, d1);
        int enc = z->enc;
        zv_convert(z, ENC_SKIPLIST);
        digest_of(z, d2);
        CHECK_MEM((char *)d1, 20, (char *)d2, 20);
        check_walks(z);
        /* back where the rules allow it: a listpack within the limits */
        size_t maxlen = 0, total = 0;
        for (size_t i = 0; i < ref_n; i++) {
            total += ref[i].len;
            if (ref[i].len > maxlen) maxlen = ref[i].len;
        }
        zv_fit(z, maxlen, total);
        int fits = ref_n <= server.cfg.zset_max_listpack_entries && maxlen <= server.cfg.zset_max_listpack_value;
        CHECK_EQ_INT(fits ? ENC_LISTPACK : ENC_SKIPLIST, z->enc);
        if (!fits) CHECK_EQ_INT(enc, ENC_SKIPLIST);
        digest_of(z, d2);
        CHECK_MEM((char *)d1, 20, (char *)d2, 20);
    } else if (op < 95) {
        int enc = z->enc;
        uint64_t hint = unit_rand_below(40);
        zv_maybe_grow(z, hint);
        CHECK_EQ_INT(enc == ENC_LISTPACK && hint > server.cfg.zset_max_listpack_entries ? ENC_SKIPLIST : enc, z->enc);
    } else {
        void *copy = kv_type_ops(OBJ_ZSET)->dup(z->ptr, z->enc);
        ZVal c = {z->enc, copy};
        uint8_t d1[20], d2[20];
        digest_of(z, d1);
        digest_of(&c, d2);
        CHECK_MEM((char *)d1, 20, (char *)d2, 20);
        CHECK(zv_check(&c) == NULL);
        zv_free(&c);
        check_listpack_form(z);
    }
    check_value(z);
}

static void test_model(void) {
    server.cfg.zset_max_listpack_entries = 16;
    server.cfg.zset_max_listpack_value = 24;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        unit_srand(seed * 31337);
        ref_n = 0;
        ZVal z = zv_new(0, 0);
        for (int i = 0; i < 1500 && unit_failed < 20; i++) one_op(&z);
        check_walks(&z);
        zv_free(&z);
    }
    server.cfg.zset_max_listpack_entries = 128;
    server.cfg.zset_max_listpack_value = 64;
}

/* The creation rule (zsetTypeCreate), and the pack's size for the
 * dataset of the memory target. */
static void test_create(void) {
    ZVal z = zv_new(128, 64);
    CHECK_EQ_INT(ENC_LISTPACK, z.enc);
    zv_free(&z);
    z = zv_new(129, 1);
    CHECK_EQ_INT(ENC_SKIPLIST, z.enc);
    zv_free(&z);
    z = zv_new(1, 65);
    CHECK_EQ_INT(ENC_SKIPLIST, z.enc);
    zv_free(&z);
    z = zv_new(10, 2);
    for (int i = 0; i < 10; i++) {
        char m[3] = {'m', (char)('0' + i), 0};
        int out;
        zv_add(&z, i, m, 2, 0, &out, NULL);
        CHECK_EQ_INT(ZADD_OUT_ADDED, out);
    }
    CHECK_EQ_INT(ENC_LISTPACK, z.enc);
    CHECK_EQ_UINT(42, sp_bytes(z.ptr)); /* a 48-byte block; Valkey's listpack: 67 (80) */
    unsigned char *lp = zset_to_listpack(z.ptr, z.enc);
    CHECK_EQ_UINT(67, lp_bytes(lp));
    lp_free(lp);
    zv_free(&z);
}

/* The listpack entries Valkey writes for a few scores, pinned as text or
 * integer entries (not derived from dtoa_valkey). */
static void test_listpack_bytes(void) {
    static const struct {
        double score;
        const char *text; /* NULL: an integer entry */
        int64_t ival;
    } cases[] = {
        {3, NULL, 3},
        {-7, NULL, -7},
        {0.0, NULL, 0},
        {-0.0, "-0", 0},
        {1.5, "1.5", 0},
        {0.1, "0.1", 0},
        {-INFINITY, "-inf", 0},
        {INFINITY, "inf", 0},
        {9007199254740992.0, NULL, 9007199254740992LL},
        {9007199254740994.0, NULL, 9007199254740994LL},
        {1e20, "1e+20", 0},
        {1700000000.25, "1700000000.25", 0},
    };
    size_t nc = sizeof(cases) / sizeof(cases[0]);
    for (int enc = 0; enc < 2; enc++) {
        ZVal z = zv_new(1, 1);
        if (enc) zv_convert(&z, ENC_SKIPLIST);
        for (size_t i = 0; i < nc; i++) {
            char m[8];
            int len = snprintf(m, sizeof(m), "k%02zu", i);
            int out;
            zv_add(&z, cases[i].score, m, (size_t)len, 0, &out, NULL);
        }
        /* and an integer-looking member, stored as an integer entry */
        int out;
        zv_add(&z, 2, "-123", 4, 0, &out, NULL);
        unsigned char *lp = zset_to_listpack(z.ptr, z.enc);
        CHECK_EQ_UINT(2 * (nc + 1), lp_length(lp));
        size_t seen = 0;
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
            unsigned char *sp = lp_next(lp, p);
            int64_t iv;
            uint32_t mlen, slen;
            const char *mp = lp_get(p, &iv, &mlen);
            if (!mp) {
                CHECK_EQ_INT(-123, iv);
                const char *s = lp_get(sp, &iv, &slen);
                CHECK(s == NULL && iv == 2);
                p = sp;
                continue;
            }
            size_t i = (size_t)atoi(mp + 1);
            seen++;
            const char *s = lp_get(sp, &iv, &slen);
            if (cases[i].text) {
                if (CHECK(s != NULL)) CHECK_MEM(cases[i].text, strlen(cases[i].text), s, slen);
            } else if (CHECK(s == NULL)) {
                CHECK_EQ_INT(cases[i].ival, iv);
            }
            p = sp;
        }
        CHECK_EQ_UINT(nc, seen);
        lp_free(lp);
        zv_free(&z);
    }
}

static unsigned char *lp_of(const char **items, size_t n) {
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < n; i++) lp = lp_append(lp, items[i], strlen(items[i]));
    return lp;
}

/* Listpacks Valkey could hand us (older writers' score text, limits
 * changed since) and corrupt ones. */
static void test_from_listpack(void) {
    int enc;
    ZVal z;
    /* older score text ("%.17g"), integer entries, out of order */
    const char *a[] = {"b", "0.10000000000000001", "a", "2", "c", "-1.5e0", "100", "100"};
    unsigned char *lp = lp_of(a, 8);
    void *v = zset_from_listpack(lp, &enc);
    if (CHECK(v != NULL)) {
        z = (ZVal){enc, v};
        CHECK_EQ_INT(ENC_LISTPACK, enc);
        CHECK(zv_check(&z) == NULL);
        CHECK_EQ_UINT(4, zv_len(&z));
        double s;
        CHECK(zv_score(&z, "b", 1, &s) && s == 0.1);
        CHECK(zv_score(&z, "c", 1, &s) && s == -1.5);
        CHECK(zv_score(&z, "100", 3, &s) && s == 100);
        CHECK_EQ_INT(0, zv_rank(&z, "c", 1, 0, NULL));
        CHECK_EQ_INT(3, zv_rank(&z, "100", 3, 0, NULL));
        /* written back the way Valkey writes */
        unsigned char *out = zset_to_listpack(z.ptr, z.enc);
        const char *w[] = {"c", "-1.5", "b", "0.1", "a", "2", "100", "100"};
        unsigned char *want = lp_of(w, 8);
        CHECK_MEM((const char *)want, lp_bytes(want), (const char *)out, lp_bytes(out));
        lp_free(out);
        lp_free(want);
        zv_free(&z);
    }
    lp_free(lp);
    /* more pairs than the entry limit: a skiplist; a long member alone
     * does not convert (Valkey's load checks the count only) */
    server.cfg.zset_max_listpack_entries = 2;
    server.cfg.zset_max_listpack_value = 4;
    const char *b[] = {"x", "1", "y", "2", "z", "3"};
    lp = lp_of(b, 6);
    v = zset_from_listpack(lp, &enc);
    if (CHECK(v != NULL)) {
        z = (ZVal){enc, v};
        CHECK_EQ_INT(ENC_SKIPLIST, enc);
        CHECK_EQ_UINT(3, zv_len(&z));
        CHECK(zv_check(&z) == NULL);
        zv_free(&z);
    }
    lp_free(lp);
    const char *c[] = {"a-long-member", "1"};
    lp = lp_of(c, 2);
    v = zset_from_listpack(lp, &enc);
    if (CHECK(v != NULL)) {
        z = (ZVal){enc, v};
        CHECK_EQ_INT(ENC_LISTPACK, enc);
        zv_free(&z);
    }
    lp_free(lp);
    /* corrupt: odd count, NaN, repeated members (in order or not, in
     * either encoding) */
    const char *bad1[] = {"a", "1", "b"};
    const char *bad2[] = {"a", "nan"};
    const char *bad3[] = {"a", "1", "a", "2"};
    const char *bad4[] = {"a", "2", "b", "1", "a", "3"};
    const char *bad5[] = {"a", "1", "b", "2", "a", "3"};
    struct {
        const char **items;
        size_t n;
    } bad[] = {{bad1, 3}, {bad2, 2}, {bad3, 4}, {bad4, 6}, {bad5, 6}};
    for (int limit = 0; limit < 2; limit++) {
        server.cfg.zset_max_listpack_entries = limit ? 1 : 128;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            lp = lp_of(bad[i].items, bad[i].n);
            v = zset_from_listpack(lp, &enc);
            if (!CHECK(v == NULL)) {
                printf("    case %zu (limit %d) accepted\n", i, limit);
                z = (ZVal){enc, v};
                zv_free(&z);
            }
            lp_free(lp);
        }
    }
    /* many pairs out of order and repeats past the pairwise check */
    server.cfg.zset_max_listpack_entries = 128;
    server.cfg.zset_max_listpack_value = 64;
    lp = lp_new(0);
    for (int i = 0; i < 40; i++) {
        char m[8];
        lp = lp_append(lp, m, (size_t)snprintf(m, sizeof(m), "m%d", i % 39));
        lp = lp_append_int(lp, i);
    }
    v = zset_from_listpack(lp, &enc);
    CHECK(v == NULL);
    lp_free(lp);
    lp = lp_new(0);
    for (int i = 39; i >= 0; i--) {
        char m[8];
        lp = lp_append(lp, m, (size_t)snprintf(m, sizeof(m), "m%d", i));
        lp = lp_append_int(lp, i % 7);
    }
    v = zset_from_listpack(lp, &enc);
    if (CHECK(v != NULL)) {
        z = (ZVal){enc, v};
        CHECK(zv_check(&z) == NULL);
        CHECK_EQ_UINT(40, zv_len(&z));
        zv_free(&z);
    }
    lp_free(lp);
}

int main(void) {
    setup();
    UNIT_RUN(test_create);
    UNIT_RUN(test_listpack_bytes);
    UNIT_RUN(test_from_listpack);
    UNIT_RUN(test_model);
    return unit_finish();
}
