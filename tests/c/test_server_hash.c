/* test_server_hash.c - the hash type's encoding layer (types/
 * hash_encoding.c) linked directly:
 *
 *  - a randomized model test of hash_set/hash_delete/hash_get/
 *    hash_value_len/hash_len through a Kv, with small limits so values
 *    cross both thresholds: the encoding is listpack exactly while every
 *    pair written fits the limits, and never goes back;
 *  - hash_try_conversion's rules (too many pairs at once, a long argument);
 *  - Valkey's listpack form: hash_to_listpack gives a listpack that passes
 *    deep validation, with integer-looking strings stored as integers, and
 *    hash_from_listpack rebuilds the same pairs (order kept while small),
 *    choosing the encoding by the limits; TypeOps.rdb_save writes the
 *    same listpack bytes;
 *  - the TypeOps: dup, digest equal across encodings and orders, effort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/listpack.h"
#include "server/rdb_io.h"
#include "server/server.h"
#include "types/hash.h"
#include "types/types.h"
#include "unit.h"
#include "server_test.h"


static uint64_t rng(void) { return unit_rand64(); }

/* ------------------------------------------------------------- model */

typedef struct MPair {
    char f[80], v[80];
    size_t flen, vlen;
} MPair;

typedef struct Model {
    MPair a[400];
    size_t n;
} Model;

static long model_find(const Model *m, const char *f, size_t flen) {
    for (size_t i = 0; i < m->n; i++)
        if (m->a[i].flen == flen && memcmp(m->a[i].f, f, flen) == 0) return (long)i;
    return -1;
}

static int same_content(const Kv *kv, const Model *m, int check_order) {
    if (!CHECK_EQ_INT(m->n, hash_len(kv))) return 0;
    HashIter it;
    hash_iter_init(&it, kv);
    size_t i = 0;
    int ok = 1;
    while (ok && hash_iter_next(&it)) {
        long j = check_order ? (long)i : model_find(m, it.f, it.flen);
        ok = CHECK(j >= 0 && (size_t)j < m->n);
        if (ok) ok = CHECK_MEM(m->a[j].f, m->a[j].flen, it.f, it.flen);
        if (ok) ok = CHECK_MEM(m->a[j].v, m->a[j].vlen, it.v, it.vlen);
        i++;
    }
    hash_iter_done(&it);
    if (ok) ok = CHECK_EQ_INT(m->n, i);
    return ok;
}

static size_t gen(char *buf, int space, size_t maxlen) {
    int k = (int)unit_rand_below(100);
    if (k < 70) return (size_t)snprintf(buf, 32, "%d", (int)unit_rand_below((uint64_t)space));
    if (k < 75) return 0;
    size_t n = unit_rand_below(maxlen + 1);
    for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + unit_rand_below(3));
    return n;
}

static void test_model(void) {
    for (int round = 0; round < 1500; round++) {
        unit_srand(0x7000 + (uint64_t)round);
        server.cfg.hash_max_listpack_entries = 1 + unit_rand_below(40);
        server.cfg.hash_max_listpack_value = unit_rand_below(20);
        Kv *kv = hash_new_kv("h", 1);
        Model m = {0};
        int fits = 1;  /* every pair written so far fits the limits */
        int ops = (int)unit_rand_below(200), ok = 1;
        for (int op = 0; op < ops && ok; op++) {
            char f[80], v[80];
            size_t fl = gen(f, 60, 24), vl = gen(v, 1000000, 24);
            int k = (int)unit_rand_below(10);
            if (k < 6) {
                long i = model_find(&m, f, fl);
                int added = hash_set(kv, f, fl, v, vl);
                ok = CHECK_EQ_INT(i < 0, added);
                if (i < 0 && m.n < 400) i = (long)m.n++;
                if (i >= 0) {
                    memcpy(m.a[i].f, f, fl);
                    m.a[i].flen = fl;
                    memcpy(m.a[i].v, v, vl);
                    m.a[i].vlen = vl;
                }
                if (fl > server.cfg.hash_max_listpack_value || vl > server.cfg.hash_max_listpack_value ||
                    m.n > server.cfg.hash_max_listpack_entries)
                    fits = 0;
            } else if (k < 8) {
                long i = model_find(&m, f, fl);
                ok = CHECK_EQ_INT(i >= 0, hash_delete(kv, f, fl));
                if (i >= 0) m.a[i] = m.a[--m.n];
                /* Deleting from the middle reorders the model: compare
                 * contents only from now on. */
            } else {
                long i = model_find(&m, f, fl);
                HashVal hv;
                hash_val_init(&hv);
                int found = hash_get(kv, f, fl, &hv);
                ok = CHECK_EQ_INT(i >= 0, found);
                if (ok && found) ok = CHECK_MEM(m.a[i].v, m.a[i].vlen, hv.p, hv.len);
                hash_val_free(&hv);
                if (ok) ok = CHECK_EQ_INT(i >= 0 ? (long long)m.a[i].vlen : -1, hash_value_len(kv, f, fl));
            }
            if (ok) ok = CHECK_EQ_INT(fits ? ENC_LISTPACK : ENC_HASHTABLE, kv_encoding(kv));
            if (ok) ok = same_content(kv, &m, 0);
            if (ok && kv_encoding(kv) == ENC_LISTPACK) {
                const unsigned char *pp = kv_get_ptr(kv);
                const char *err = pp_validate(pp, pp_bytes(pp));
                ok = CHECK(err == NULL);
            }
            if (ok && kv_encoding(kv) == ENC_HASHTABLE) ok = CHECK(fvt_check(kv_get_ptr(kv)) == NULL);
            if (!ok) printf("    round %d op %d\n", round, op);
        }
        kv_free(kv);
        if (!ok) break;
    }
    server.cfg.hash_max_listpack_entries = 512;
    server.cfg.hash_max_listpack_value = 64;
}

static void test_try_conversion(void) {
    server.cfg.hash_max_listpack_entries = 4;
    server.cfg.hash_max_listpack_value = 8;
    Kv *kv = hash_new_kv("h", 1);
    Arg a[10] = {{"f", 1}, {"v", 1}, {"f", 1}, {"v", 1}, {"f", 1}, {"v", 1}, {"f", 1}, {"v", 1}, {"f", 1}, {"v", 1}};
    hash_try_conversion(kv, a, 0, 7);
    CHECK_EQ_INT(ENC_LISTPACK, kv_encoding(kv));
    hash_try_conversion(kv, a, 0, 9);
    CHECK_EQ_INT(ENC_HASHTABLE, kv_encoding(kv));
    CHECK_EQ_INT(0, hash_len(kv));
    kv_free(kv);
    kv = hash_new_kv("h", 1);
    Arg b[2] = {{"f", 1}, {"123456789", 9}};
    hash_try_conversion(kv, b, 0, 0);
    CHECK_EQ_INT(ENC_LISTPACK, kv_encoding(kv));
    hash_try_conversion(kv, b, 0, 1);
    CHECK_EQ_INT(ENC_HASHTABLE, kv_encoding(kv));
    kv_free(kv);
    server.cfg.hash_max_listpack_entries = 512;
    server.cfg.hash_max_listpack_value = 64;
}

static void test_listpack_form(void) {
    for (int round = 0; round < 300; round++) {
        unit_srand(0x8000 + (uint64_t)round);
        int big = round % 3 == 0;
        server.cfg.hash_max_listpack_entries = big ? 0 : 512;
        Kv *kv = hash_new_kv("h", 1);
        Model m = {0};
        int n = (int)unit_rand_below(100);
        for (int i = 0; i < n; i++) {
            char f[80], v[80];
            size_t fl = gen(f, 1000, 30), vl = gen(v, 100000, 30);
            if (model_find(&m, f, fl) >= 0) continue;
            hash_set(kv, f, fl, v, vl);
            MPair *p = &m.a[m.n++];
            memcpy(p->f, f, fl);
            p->flen = fl;
            memcpy(p->v, v, vl);
            p->vlen = vl;
        }
        if (m.n == 0) {
            hash_set(kv, "-5", 2, "x", 1);
            m.a[m.n++] = (MPair){"-5", "x", 2, 1};
        }
        server.cfg.hash_max_listpack_entries = 512;
        unsigned char *lp = hash_to_listpack(kv_get_ptr(kv), kv_encoding(kv));
        if (!CHECK(lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL))) break;
        if (kv_encoding(kv) == ENC_LISTPACK) {
            /* The RDB writer's listpack is hash_to_listpack's, byte for byte. */
            size_t bn;
            unsigned char *blob = rdb_save_blob(OBJ_HASH, kv_get_ptr(kv), ENC_LISTPACK, RDB_TYPE_HASH_LISTPACK, &bn);
            if (blob) CHECK_MEM((const char *)lp, lp_bytes(lp), (const char *)blob, bn);
            mem_free(blob);
        }
        CHECK_EQ_INT(2 * m.n, lp_length(lp));
        /* Integer-looking fields are integer entries, as Valkey writes them. */
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
            int64_t iv;
            uint32_t slen;
            const char *s = lp_get(p, &iv, &slen);
            if (s) {
                int64_t dummy;
                CHECK(!lp_string_to_int64(s, slen, &dummy));
            }
        }
        int enc;
        void *ptr = hash_from_listpack(lp, &enc);
        CHECK_EQ_INT(ENC_LISTPACK, enc);
        Kv *back = kv_new_ptr("b", 1, OBJ_HASH, enc, ptr);
        same_content(back, &m, !big);
        uint8_t d1[20], d2[20];
        kv_value_digest(kv, d1);
        kv_value_digest(back, d2);
        CHECK_MEM((const char *)d1, 20, (const char *)d2, 20);
        /* Past the limits, loading makes a table. */
        server.cfg.hash_max_listpack_entries = m.n > 1 ? m.n - 1 : 0;
        ptr = hash_from_listpack(lp, &enc);
        CHECK_EQ_INT(ENC_HASHTABLE, enc);
        Kv *tab = kv_new_ptr("t", 1, OBJ_HASH, enc, ptr);
        same_content(tab, &m, 0);
        kv_value_digest(tab, d2);
        CHECK_MEM((const char *)d1, 20, (const char *)d2, 20);
        server.cfg.hash_max_listpack_entries = 512;
        Kv *dup = kv_dup(tab, "d", 1);
        same_content(dup, &m, 0);
        const TypeOps *ops = kv_type_ops(OBJ_HASH);
        CHECK_EQ_INT(m.n, ops->free_effort(kv_get_ptr(tab), ENC_HASHTABLE));
        CHECK(ops->mem_usage(kv_get_ptr(tab), ENC_HASHTABLE, 0) > m.n * 8);
        kv_free(dup);
        kv_free(tab);
        kv_free(back);
        lp_free(lp);
        kv_free(kv);
    }
    /* Different pairs, different digests. */
    Kv *a = hash_new_kv("a", 1), *b = hash_new_kv("b", 1);
    hash_set(a, "ab", 2, "c", 1);
    hash_set(b, "a", 1, "bc", 2);
    uint8_t da[20], db[20];
    kv_value_digest(a, da);
    kv_value_digest(b, db);
    CHECK(memcmp(da, db, 20) != 0);
    kv_free(a);
    kv_free(b);
}

/* fvt_random through the type: every field of a table can come up. */
static void test_random_reaches_all(void) {
    server.cfg.hash_max_listpack_entries = 0;
    Kv *kv = hash_new_kv("h", 1);
    char f[16];
    for (int i = 0; i < 64; i++) hash_set(kv, f, (size_t)snprintf(f, sizeof f, "%d", i), "", 0);
    int seen[64] = {0};
    for (int d = 0; d < 20000; d++) {
        const char *p;
        size_t len;
        fvt_entry_field(fvt_random(kv_get_ptr(kv), rng), &p, &len);
        int id = 0;
        for (size_t k = 0; k < len; k++) id = id * 10 + (p[k] - '0');
        if (id >= 0 && id < 64) seen[id]++;
    }
    int min = seen[0];
    for (int i = 0; i < 64; i++)
        if (seen[i] < min) min = seen[i];
    CHECK(min > 0);
    kv_free(kv);
    server.cfg.hash_max_listpack_entries = 512;
}

int main(void) {
    setup();
    UNIT_RUN(test_model);
    UNIT_RUN(test_try_conversion);
    UNIT_RUN(test_listpack_form);
    UNIT_RUN(test_random_reaches_all);
    return unit_finish();
}
