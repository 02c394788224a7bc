/* test_server_core.c - unit tests of server/ code linked directly (the
 * Makefile links tests/c/test_server_*.c with every server object):
 *
 *  - Kv layout: every kind of entry (inline int, embedded and raw strings,
 *    pointer values) with and without a TTL passes kv_check (which checks
 *    that every pointer sits at an aligned offset), survives TTL add and
 *    removal, rekeying and duplication with key, value and TTL intact;
 *  - the keyspace: a randomized model test of db_add/db_set/db_store/
 *    db_delete/db_set_expire/db_persist/db_unlink against a simple array,
 *    with db_check() after every step and a full comparison at the end;
 *    iteration and scanning see every key exactly/at least once;
 *  - the reply encoder: deferred lengths (in the chunk, spilling into
 *    blocks, opened when blocks already exist, nested) produce exactly the
 *    bytes of the same reply written with the lengths known up front;
 *  - propagation: the sink receives SELECT + the command, units of several
 *    commands wrapped in MULTI/EXEC, deletions outside units at once. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"
#include "server/reply.h"
#include "types/types.h"
#include "unit.h"

/* --------------------------------------------------------------- setup */

static void setup(void) {
    server_init();
    config_init();
    types_init();
    server.db_count = 2;
    server.dbs = mem_calloc(sizeof(Db) * 2);
    for (int i = 0; i < 2; i++) db_init(&server.dbs[i], i);
}

/* A value type for pointer-valued entries: a heap int64. */
static void box_free(void *p, int enc) {
    (void)enc;
    mem_free(p);
}
static void *box_dup(const void *p, int enc) {
    (void)enc;
    int64_t *n = mem_alloc(sizeof(int64_t));
    memcpy(n, p, sizeof(int64_t));
    return n;
}
static const TypeOps box_ops = {.type = OBJ_LIST, .name = "list", .free = box_free, .dup = box_dup};

static Kv *new_box(const char *key, int64_t v) {
    int64_t *n = mem_alloc(sizeof(int64_t));
    *n = v;
    return kv_new_ptr(key, strlen(key), OBJ_LIST, ENC_QUICKLIST, n);
}

/* -------------------------------------------------------------- Kv */

static void check_string(const Kv *kv, const char *key, const char *val, int64_t ttl) {
    size_t klen;
    const char *k = kv_key(kv, &klen);
    CHECK_MEM(key, strlen(key), k, klen);
    StrView v;
    kv_string_view(kv, &v);
    CHECK_MEM(val, strlen(val), v.p, v.len);
    CHECK_EQ_INT(ttl, kv_expire(kv));
    const char *err = kv_check(kv);
    if (!CHECK(err == NULL)) printf("    kv_check: %s\n", err);
}

static void test_kv_layout(void) {
    char longval[100];
    memset(longval, 'x', sizeof(longval) - 1);
    longval[sizeof(longval) - 1] = '\0';
    const char *vals[] = {"12345", "-9223372036854775808", "short", "", longval, "007"};
    int expect_enc[] = {ENC_INT, ENC_INT, ENC_EMBSTR, ENC_EMBSTR, ENC_RAW, ENC_EMBSTR};
    /* Keys of every length modulo the pointer size. */
    for (int klen = 1; klen <= 17; klen++) {
        char key[32];
        for (int i = 0; i < klen; i++) key[i] = (char)('a' + i);
        key[klen] = '\0';
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            Kv *kv = kv_new_string_ttl(key, (size_t)klen, vals[i], strlen(vals[i]), -1);
            CHECK_EQ_INT(expect_enc[i], kv_encoding(kv));
            check_string(kv, key, vals[i], -1);
            kv = kv_with_expire(kv, 1000 + klen);
            check_string(kv, key, vals[i], 1000 + klen);
            kv = kv_with_expire(kv, 2000);
            check_string(kv, key, vals[i], 2000);
            Kv *d = kv_dup(kv, "copy", 4);
            check_string(d, "copy", vals[i], 2000);
            kv_free(d);
            kv = kv_rekey(kv, "renamed-key", 11);
            check_string(kv, "renamed-key", vals[i], 2000);
            kv = kv_without_expire(kv);
            check_string(kv, "renamed-key", vals[i], -1);
            kv_free(kv);
            /* The one-allocation constructor with a TTL. */
            kv = kv_new_string_ttl(key, (size_t)klen, vals[i], strlen(vals[i]), 77);
            check_string(kv, key, vals[i], 77);
            kv_free(kv);
        }
        /* Pointer values: aligned slot with and without TTL. */
        Kv *b = new_box(key, klen);
        CHECK(kv_check(b) == NULL);
        CHECK_EQ_INT(klen, *(int64_t *)kv_get_ptr(b));
        b = kv_with_expire(b, 5);
        CHECK(kv_check(b) == NULL);
        CHECK_EQ_INT(klen, *(int64_t *)kv_get_ptr(b));
        int64_t *other = mem_alloc(sizeof(int64_t));
        *other = -1;
        mem_free(kv_get_ptr(b));
        kv_set_value(b, ENC_LISTPACK, other);
        CHECK_EQ_INT(ENC_LISTPACK, kv_encoding(b));
        CHECK_EQ_INT(-1, *(int64_t *)kv_get_ptr(b));
        CHECK_EQ_INT(5, kv_expire(b));
        b = kv_without_expire(b);
        CHECK(kv_check(b) == NULL);
        CHECK_EQ_INT(-1, *(int64_t *)kv_get_ptr(b));
        kv_free(b);
    }
}

/* ------------------------------------------------------------- keyspace */

#define MODEL_KEYS 64
typedef struct ModelKey {
    int present;
    int64_t value;
    int64_t ttl;
} ModelKey;

static void key_name(int i, char *buf) {
    /* Mixed lengths so entries of many sizes coexist. */
    snprintf(buf, 40, "key:%d:%.*s", i, i % 13, "abcdefghijklmnop");
}

static int64_t entry_value(Kv *kv) {
    if (kv_type(kv) == OBJ_LIST) return *(int64_t *)kv_get_ptr(kv);
    long long n = 0;
    kv_get_int(kv, &n);
    return n;
}

static Kv *make_entry(const char *key, int64_t v, int64_t ttl) {
    if (v & 1) {
        Kv *kv = new_box(key, v);
        return ttl == -1 ? kv : kv_with_expire(kv, ttl);
    }
    char num[32];
    snprintf(num, sizeof(num), "%lld", (long long)v);
    return kv_new_string_ttl(key, strlen(key), num, strlen(num), ttl);
}

static void count_scan(void *priv, Kv *kv) {
    (void)kv;
    (*(int *)priv)++;
}

/* kv_string_overwrite: every pair of old and new values of the layout
 * test's kinds (int, embedded, raw; lengths around the allocation's
 * slack), with and without a TTL: rewritten in place exactly when the new
 * value is inline and fits the allocation, then indistinguishable from a
 * new entry (same encoding, key, TTL, value; kv_check passes); otherwise
 * untouched. */
static void test_kv_overwrite(void) {
    char vals[40][64];
    size_t nvals = 0;
    const char *fixed[] = {"0", "12345", "-9223372036854775808", "", "007", "abc"};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) strcpy(vals[nvals++], fixed[i]);
    for (int len = 1; len <= 60 && nvals < 40; len += 2) {
        memset(vals[nvals], 'a' + len % 26, (size_t)len);
        vals[nvals++][len] = '\0';
    }
    for (int klen = 3; klen <= 18; klen += 5) {
        char key[32];
        for (int i = 0; i < klen; i++) key[i] = (char)('k' + i % 10);
        key[klen] = '\0';
        for (int ttl = 0; ttl < 2; ttl++)
            for (size_t a = 0; a < nvals; a++)
                for (size_t b = 0; b < nvals; b++) {
                    int64_t when = ttl ? 4242 : -1;
                    Kv *kv = kv_new_string_ttl(key, (size_t)klen, vals[a], strlen(vals[a]), when);
                    int old_enc = kv_encoding(kv);
                    Kv *fresh = kv_new_string_ttl(key, (size_t)klen, vals[b], strlen(vals[b]), when);
                    int inline_old = old_enc != ENC_RAW, inline_new = kv_encoding(fresh) != ENC_RAW;
                    int done = kv_string_overwrite(kv, vals[b], strlen(vals[b]));
                    if (done) {
                        CHECK(inline_old && inline_new);
                        CHECK_EQ_INT(kv_encoding(fresh), kv_encoding(kv));
                        check_string(kv, key, vals[b], when);
                    } else {
                        /* refused only when it could not fit */
                        CHECK(!inline_old || !inline_new || mem_usable(kv) < mem_usable(fresh));
                        CHECK_EQ_INT(old_enc, kv_encoding(kv));
                        check_string(kv, key, vals[a], when);
                    }
                    kv_free(fresh);
                    kv_free(kv);
                }
    }
}

static void test_db_model(void) {
    ModelKey model[MODEL_KEYS];
    memset(model, 0, sizeof(model));
    Db *db = &server.dbs[0];
    unit_srand(42);
    int failures = 0;
    for (int step = 0; step < 20000 && failures < 5; step++) {
        int i = (int)unit_rand_below(MODEL_KEYS);
        char key[40];
        key_name(i, key);
        Arg karg = {key, strlen(key)};
        ModelKey *m = &model[i];
        int op = (int)unit_rand_below(7);
        int64_t v = (int64_t)unit_rand_below(1000000);
        int64_t ttl = unit_rand_below(2) ? -1 : (int64_t)(1000000000000LL + unit_rand_below(1000));
        switch (op) {
        case 0: /* add if absent */
            if (!m->present) {
                db_add(db, make_entry(key, v, ttl));
                m->present = 1, m->value = v, m->ttl = ttl;
            }
            break;
        case 1: /* set, maybe keeping the TTL */ {
            int keep = (int)unit_rand_below(2);
            Kv *kv = db_set(db, make_entry(key, v, -1), keep);
            if (!(keep && m->present)) m->ttl = -1;
            m->present = 1, m->value = v;
            CHECK_EQ_INT(m->ttl, kv_expire(kv));
            break;
        }
        case 2: /* lookup then store (the SET path) */ {
            Kv *old = db_find(db, key, strlen(key));
            db_store(db, &karg, old, make_entry(key, v, ttl), 0);
            m->present = 1, m->value = v, m->ttl = ttl;
            break;
        }
        case 3:
            CHECK_EQ_INT(m->present, db_delete(db, key, strlen(key)));
            m->present = 0;
            break;
        case 4:
            if (m->present) {
                Kv *kv = db_find(db, key, strlen(key));
                int64_t when = (int64_t)(2000000000000LL + unit_rand_below(1000));
                kv = db_set_expire(db, kv, when);
                CHECK_EQ_INT(when, kv_expire(kv));
                m->ttl = when;
            }
            break;
        case 5:
            if (m->present) {
                db_persist(db, db_find(db, key, strlen(key)));
                m->ttl = -1;
            }
            break;
        case 6: /* unlink and add back under the same name (RENAME's path) */
            if (m->present) {
                Kv *kv = db_unlink(db, key, strlen(key));
                db_add(db, kv_rekey(kv, key, strlen(key)));
            }
            break;
        }
        const char *err = db_check(db);
        if (err) {
            failures++;
            CHECK(err == NULL);
            printf("    step %d op %d: %s\n", step, op, err);
        }
    }
    uint64_t present = 0, volatile_keys = 0;
    for (int i = 0; i < MODEL_KEYS; i++) {
        char key[40];
        key_name(i, key);
        Kv *kv = db_find(db, key, strlen(key));
        CHECK_EQ_INT(model[i].present, kv != NULL);
        if (!kv) continue;
        present++;
        if (model[i].ttl != -1) volatile_keys++;
        CHECK_EQ_INT(model[i].value, entry_value(kv));
        CHECK_EQ_INT(model[i].ttl, kv_expire(kv));
    }
    CHECK_EQ_UINT(present, db_size(db));
    CHECK_EQ_UINT(volatile_keys, db_expires_count(db));
    /* Iteration sees every key once; a whole scan at least once. */
    int seen = 0;
    DbIter it;
    db_iter_init(&it, db);
    while (db_iter_next(&it)) seen++;
    db_iter_done(&it);
    CHECK_EQ_INT((int)present, seen);
    int scanned = 0;
    uint64_t cursor = 0;
    do cursor = db_scan(db, cursor, count_scan, &scanned);
    while (cursor);
    CHECK(scanned >= (int)present);
    CHECK_EQ_UINT(present, db_flush(db));
    CHECK_EQ_UINT(0, db_size(db));
    CHECK(db_check(db) == NULL);
}

/* --------------------------------------------------------------- replies */

/* Everything queued for the client, in sending order. */
static Str *client_output(Client *c) {
    Str *s = str_new(c->obuf, c->opos);
    for (ReplyBlock *b = c->reply_head; b; b = b->next) s = str_cat(s, b->buf, b->used);
    return s;
}

static void reset_output(Client *c) {
    while (c->reply_head) {
        ReplyBlock *b = c->reply_head;
        c->reply_head = b->next;
        mem_free(b);
    }
    c->reply_tail = NULL;
    c->reply_bytes = 0;
    c->opos = 0;
}

/* Writes n bulk elements of size sz, with a deferred or known length. */
static void write_array(Client *c, int deferred, int n, size_t sz) {
    char buf[4096];
    memset(buf, 'v', sizeof(buf));
    ReplyDeferred d = {0};
    if (deferred) d = reply_deferred_len(c);
    else reply_array_len(c, n);
    for (int i = 0; i < n; i++) reply_bulk(c, buf, sz % sizeof(buf));
    if (deferred) reply_set_deferred_array_len(c, d, n);
}

static void test_reply_deferred(void) {
    Client *c = client_create(-1, 0);
    struct {
        int prefix;  /* bytes written before, to start with blocks or not */
        int n;
        size_t sz;
    } cases[] = {{0, 0, 0}, {0, 3, 5}, {10, 100, 200}, {100, 40, 1000}, {20000, 5, 10}, {16380, 3, 1},
                 {0, 1000, 100}, {16000, 20, 100}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (int resp = 2; resp <= 3; resp++) {
            c->resp = resp;
            Str *expect, *got;
            char pre[32768];
            memset(pre, 'p', sizeof(pre));
            reset_output(c);
            reply_raw(c, pre, (size_t)cases[k].prefix);
            write_array(c, 0, cases[k].n, cases[k].sz);
            reply_int(c, 7);
            expect = client_output(c);
            reset_output(c);
            reply_raw(c, pre, (size_t)cases[k].prefix);
            write_array(c, 1, cases[k].n, cases[k].sz);
            reply_int(c, 7);
            got = client_output(c);
            CHECK_MEM(expect->buf, expect->len, got->buf, got->len);
            str_free(expect);
            str_free(got);
        }
    }
    /* Nested: a deferred map of deferred arrays. */
    c->resp = 3;
    reset_output(c);
    reply_map_len(c, 2);
    for (int i = 0; i < 2; i++) {
        reply_int(c, i);
        write_array(c, 0, 300, 100);
    }
    Str *expect = client_output(c);
    reset_output(c);
    ReplyDeferred outer = reply_deferred_len(c);
    for (int i = 0; i < 2; i++) {
        reply_int(c, i);
        write_array(c, 1, 300, 100);
    }
    reply_set_deferred_map_len(c, outer, 2);
    Str *got = client_output(c);
    CHECK_MEM(expect->buf, expect->len, got->buf, got->len);
    str_free(expect);
    str_free(got);
    /* A verbatim string of unknown length. */
    reset_output(c);
    reply_verbatim(c, "hello world", 11, "txt");
    expect = client_output(c);
    reset_output(c);
    ReplyDeferred d = reply_deferred_len(c);
    reply_raw(c, "hello world", 11);
    reply_set_deferred_verbatim_len(c, d, 11, "txt");
    reply_raw(c, "\r\n", 2);
    got = client_output(c);
    CHECK_MEM(expect->buf, expect->len, got->buf, got->len);
    str_free(expect);
    str_free(got);
    reset_output(c);
    client_free(c);
}

/* ------------------------------------------------------------ propagation */

static Str *sink_data;

static void test_sink(const char *buf, size_t len, void *priv) {
    (void)priv;
    sink_data = str_cat(sink_data, buf, len);
}

static void run(Client *c, int argc, const char **argv) {
    Arg a[8];
    for (int i = 0; i < argc; i++) a[i] = (Arg){argv[i], strlen(argv[i])};
    memcpy(c->argv, a, sizeof(Arg) * (size_t)argc);
    c->argc = argc;
}

/* A fake command that changes the dataset (dirty), optionally rewriting
 * itself, and nested calls of it. */
static int fake_rewrite;
static void fake_write_proc(Client *c) {
    server.dirty++;
    if (fake_rewrite) {
        Arg r[2] = {{"DEL", 3}, c->argv[1]};
        propagate_rewrite(c, 2, r);
    }
}
static void fake_read_proc(Client *c) {
    (void)c;
}
static Command fake_write = {.name = "fakew", .proc = fake_write_proc};
static Command fake_read = {.name = "faker", .proc = fake_read_proc};
static Client *nested_target;
static void fake_multi_proc(Client *c) {
    /* Like EXEC: two nested writes, and not propagated itself. */
    propagate_prevent(c);
    for (int i = 0; i < 2; i++) {
        nested_target->cmd = &fake_write;
        call(nested_target);
    }
}
static Command fake_multi = {.name = "fakem", .proc = fake_multi_proc};

static void test_propagation(void) {
    int id = propagate_sink_add(test_sink, NULL);
    sink_data = str_with_capacity(64);
    Client *c = client_create(-1, 0);
    c->argv = mem_alloc(sizeof(Arg) * 8);
    c->argv_cap = 8;
    const char *w[] = {"fakew", "k"};
    const char *r[] = {"faker", "k"};

    /* No active sink: nothing is serialized. */
    run(c, 2, w);
    c->cmd = &fake_write;
    call(c);
    propagate_flush();
    CHECK_EQ_UINT(0, sink_data->len);

    propagate_sink_set_active(id, 1);
    c->cmd = &fake_write;
    call(c);
    c->cmd = &fake_read;
    run(c, 2, r);
    call(c);
    propagate_flush();
    const char *exp1 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$5\r\nfakew\r\n$1\r\nk\r\n";
    CHECK_MEM(exp1, strlen(exp1), sink_data->buf, sink_data->len);

    /* A rewrite, in another database: SELECT again. */
    str_clear(sink_data);
    client_select_db(c, 1);
    run(c, 2, w);
    fake_rewrite = 1;
    c->cmd = &fake_write;
    call(c);
    fake_rewrite = 0;
    propagate_flush();
    const char *exp2 = "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n";
    CHECK_MEM(exp2, strlen(exp2), sink_data->buf, sink_data->len);

    /* Two nested writes in one top-level call: MULTI/EXEC. */
    str_clear(sink_data);
    Client *inner = client_create(-1, 0);
    inner->argv = mem_alloc(sizeof(Arg) * 8);
    inner->argv_cap = 8;
    client_select_db(inner, 1);
    run(inner, 2, w);
    nested_target = inner;
    const char *m[] = {"fakem"};
    run(c, 1, m);
    c->cmd = &fake_multi;
    call(c);
    propagate_flush();
    const char *exp3 = "*1\r\n$5\r\nMULTI\r\n*2\r\n$5\r\nfakew\r\n$1\r\nk\r\n*2\r\n$5\r\nfakew\r\n$1\r\nk\r\n"
                       "*1\r\n$4\r\nEXEC\r\n";
    CHECK_MEM(exp3, strlen(exp3), sink_data->buf, sink_data->len);

    /* A deletion outside any command goes out at once. */
    str_clear(sink_data);
    propagate_deletion(&server.dbs[0], "gone", 4, 0);
    propagate_flush();
    const char *exp4 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n";
    CHECK_MEM(exp4, strlen(exp4), sink_data->buf, sink_data->len);

    propagate_sink_set_active(id, 0);
    str_free(sink_data);
    client_free(inner);
    client_free(c);
}

int main(void) {
    setup();
    kv_register_type(&box_ops);
    UNIT_RUN(test_kv_layout);
    UNIT_RUN(test_kv_overwrite);
    UNIT_RUN(test_db_model);
    UNIT_RUN(test_reply_deferred);
    UNIT_RUN(test_propagation);
    return unit_finish();
}
