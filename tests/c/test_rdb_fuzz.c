/* test_rdb_fuzz.c - the server's RDB loader and writer linked directly
 * (persist/ and every type's rdb_load/rdb_save):
 *
 *  - every generated value of every object type (old encodings included)
 *    loads, passes its type's invariant checker, and written back and
 *    loaded again keeps its digest; what we write passes the format
 *    checker too;
 *  - seeded corrupt payloads (bit flips, byte changes, truncations,
 *    insertions, lengths that lie, spliced bytes): at least 10,000 cases
 *    on every run, each either refused with a reason or accepted as a
 *    value whose invariants hold; never a crash, a leak or a hang (the
 *    sanitizer builds run this same test);
 *  - seeded corrupt whole files loaded through rdb_load_file (the CRC
 *    redone for half of them, so the parser sees the damage): the keyspace
 *    stays consistent whatever was loaded before the refusal;
 *  - DUMP footers: version and CRC checks.
 *
 * FUZZ_ROUNDS=n (environment) multiplies the corrupt cases for a longer
 * run; the counts are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "persist/format/rdb_check.h"
#include "persist/persist.h"
#include "persist/rdb_value.h"
#include "server/server.h"
#include "types/hash.h"
#include "types/types.h"
#include "types/zset.h"
#include "unit.h"

static uint64_t gen_rand(uint64_t n) { return unit_rand_below(n); }
#include "test_rdb_gen.h"

static void setup(void) {
    server_init();
    config_init();
    types_init();
    persist_init();
    server.cfg.loglevel = LL_NOTHING;
    server.db_count = 2;
    server.dbs = mem_calloc(sizeof(Db) * 2);
    for (int i = 0; i < 2; i++) db_init(&server.dbs[i], i);
}

static long rounds_factor(void) {
    const char *e = getenv("FUZZ_ROUNDS");
    long f = e ? atol(e) : 1;
    return f > 0 ? f : 1;
}

/* Loads a value body of type t; NULL when refused or empty. */
static Kv *load_body(const unsigned char *p, size_t len, int t, int *empty, RdbIn *in) {
    rdbi_init_mem(in, p, len);
    return rdb_load_value(in, t, "key", 3, -1, 1, empty);
}

/* ------------------------------------------------------------ round trip */

static void test_round_trip(void) {
    for (int round = 0; round < 1900; round++) {
        unit_srand(9000 + (uint64_t)round);
        int t = gen_types[round % GEN_TYPES];
        /* Small limits now and then, so big encodings are reached too. */
        server.cfg.hash_max_listpack_entries = unit_rand_below(2) ? 128 : 4;
        server.cfg.set_max_listpack_entries = unit_rand_below(2) ? 128 : 4;
        server.cfg.set_max_intset_entries = unit_rand_below(2) ? 512 : 4;
        server.cfg.zset_max_listpack_entries = unit_rand_below(2) ? 128 : 4;
        server.cfg.list_max_listpack_size = unit_rand_below(2) ? -2 : 3;
        server.cfg.list_compress_depth = (int)unit_rand_below(3);
        RdbOut o;
        rdbo_init_mem(&o, 64);
        o.compress = (int)unit_rand_below(2);
        gen_value(&o, t);
        RdbIn in;
        int empty;
        Kv *kv = load_body(o.buf, o.len, t, &empty, &in);
        if (!CHECK(kv != NULL)) {
            printf("    type %d refused at %llu: %s\n", t, (unsigned long long)in.fail_off, in.why);
            rdbi_release(&in);
            rdbo_release(&o);
            continue;
        }
        CHECK_EQ_UINT(0, rdbi_remaining(&in));
        rdbi_release(&in);
        const char *err = kv_check(kv);
        if (!CHECK(err == NULL)) printf("    type %d: %s\n", t, err);
        uint8_t d1[20], d2[20];
        kv_value_digest(kv, d1);
        /* Written back (DUMP form: type byte, body) and loaded again. */
        RdbOut w;
        rdbo_init_mem(&w, 64);
        w.compress = (int)unit_rand_below(2);
        CHECK_EQ_INT(0, rdb_save_value(&w, kv, 0));
        RdbIn in2;
        rdbi_init_mem(&in2, w.buf + 1, w.len - 1);
        CHECK(rdbf_check_value(&in2, w.buf[0]));
        rdbi_release(&in2);
        /* The small encodings are written exactly as the types' own
         * conversions to Valkey's listpack form would write them. */
        if (kv_encoding(kv) == ENC_LISTPACK && (kv_type(kv) == OBJ_HASH || kv_type(kv) == OBJ_ZSET)) {
            unsigned char *ref = kv_type(kv) == OBJ_HASH ? hash_to_listpack(kv_get_ptr(kv), ENC_LISTPACK)
                                                         : zset_to_listpack(kv_get_ptr(kv), ENC_LISTPACK);
            const unsigned char *blob;
            size_t blen;
            rdbi_init_mem(&in2, w.buf + 1, w.len - 1);
            if (CHECK(rdbi_string(&in2, &blob, &blen)))
                CHECK_MEM((const char *)ref, lp_bytes(ref), (const char *)blob, blen);
            rdbi_release(&in2);
            lp_free(ref);
        }
        Kv *kv2 = load_body(w.buf + 1, w.len - 1, w.buf[0], &empty, &in2);
        if (CHECK(kv2 != NULL)) {
            kv_value_digest(kv2, d2);
            CHECK_MEM((const char *)d1, 20, (const char *)d2, 20);
            CHECK_EQ_INT(kv_type(kv), kv_type(kv2));
            kv_free(kv2);
        }
        rdbi_release(&in2);
        kv_free(kv);
        rdbo_release(&w);
        rdbo_release(&o);
    }
    server.cfg.hash_max_listpack_entries = 128;
    server.cfg.set_max_listpack_entries = 128;
    server.cfg.set_max_intset_entries = 512;
    server.cfg.zset_max_listpack_entries = 128;
    server.cfg.list_max_listpack_size = -2;
    server.cfg.list_compress_depth = 0;
}

/* ----------------------------------------------------------- mutations */

static size_t mutate(unsigned char *b, size_t len, size_t cap) {
    int times = 1 + (int)unit_rand_below(3);
    for (int k = 0; k < times && len; k++) {
        size_t at = (size_t)unit_rand_below(len);
        switch (unit_rand_below(7)) {
        case 0: b[at] ^= (unsigned char)(1u << unit_rand_below(8)); break;
        case 1: b[at] = (unsigned char)unit_rand_below(256); break;
        case 2: len = (size_t)unit_rand_below(len); break;
        case 3:
            if (len < cap) {
                memmove(b + at + 1, b + at, len - at);
                b[at] = (unsigned char)unit_rand_below(256);
                len++;
            }
            break;
        case 4:
            /* A length that lies: a 32-bit length prefix with a big value. */
            if (len - at >= 5) {
                b[at] = 0x80;
                uint32_t v = (uint32_t)unit_rand64();
                for (int i = 0; i < 4; i++) b[at + 1 + i] = (unsigned char)(v >> (24 - 8 * i));
            }
            break;
        case 5: {
            /* Repeat a stretch over another. */
            size_t from = (size_t)unit_rand_below(len), n = 1 + (size_t)unit_rand_below(16);
            if (from + n <= len && at + n <= len) memmove(b + at, b + from, n);
            break;
        }
        default: b[at] = (unsigned char)(b[at] + 1 - 2 * (int)unit_rand_below(2)); break;
        }
    }
    return len;
}

static void test_corrupt_payloads(void) {
    long factor = rounds_factor();
    uint64_t cases = 0, accepted = 0, refused = 0, empties = 0;
    for (long round = 0; round < 600 * factor; round++) {
        unit_srand(20000 + (uint64_t)round);
        int t = gen_types[round % GEN_TYPES];
        RdbOut o;
        rdbo_init_mem(&o, 64);
        o.compress = (int)unit_rand_below(2);
        gen_value(&o, t);
        size_t cap = o.len + 64;
        unsigned char *b = mem_alloc(cap);
        for (int m = 0; m < 19; m++) {
            memcpy(b, o.buf, o.len);
            size_t len = mutate(b, o.len, cap);
            /* Sometimes the type byte is wrong too. */
            int type = unit_rand_below(20) ? t : (int)unit_rand_below(23);
            RdbIn in;
            int empty;
            Kv *kv = load_body(b, len, type, &empty, &in);
            cases++;
            if (kv) {
                accepted++;
                const char *err = kv_check(kv);
                if (!CHECK(err == NULL)) printf("    type %d accepted a broken value: %s\n", type, err);
                kv_free(kv);
            } else if (empty) {
                empties++;
            } else {
                refused++;
                CHECK(in.failed && in.why[0]);
            }
            rdbi_release(&in);
            /* The checker walks the same bytes. */
            rdbi_init_mem(&in, b, len);
            rdbf_check_value(&in, type);
            rdbi_release(&in);
        }
        mem_free(b);
        rdbo_release(&o);
    }
    printf("    corrupt payloads: %llu cases, %llu refused, %llu accepted, %llu empty\n",
           (unsigned long long)cases, (unsigned long long)refused, (unsigned long long)accepted,
           (unsigned long long)empties);
    CHECK(cases >= 10000);
    CHECK(refused > cases / 2);
}

/* ----------------------------------------------------------- whole files */

static void build_file(RdbOut *o) {
    rdbo_raw(o, "REDIS0011", 9);
    const char *aux[] = {"valkey-ver", "8.0.0", "ctime", "1700000000", "used-mem", "1000"};
    for (int i = 0; i < 6; i += 2) {
        rdbo_u8(o, RDB_OPCODE_AUX);
        rdbo_string(o, aux[i], strlen(aux[i]));
        rdbo_string(o, aux[i + 1], strlen(aux[i + 1]));
    }
    for (int db = 0; db < 2; db++) {
        uint64_t n = 1 + unit_rand_below(8);
        rdbo_u8(o, RDB_OPCODE_SELECTDB);
        rdbo_len(o, (uint64_t)db);
        rdbo_u8(o, RDB_OPCODE_RESIZEDB);
        rdbo_len(o, n);
        rdbo_len(o, 0);
        for (uint64_t k = 0; k < n; k++) {
            if (unit_rand_below(4) == 0) {
                rdbo_u8(o, RDB_OPCODE_EXPIRETIME_MS);
                rdbo_ms(o, unit_rand_below(2) ? 4102444800000LL : 1000);
            }
            if (unit_rand_below(8) == 0) {
                rdbo_u8(o, RDB_OPCODE_IDLE);
                rdbo_len(o, unit_rand_below(1000));
            }
            int t = gen_types[unit_rand_below(GEN_TYPES)];
            char key[32];
            rdbo_u8(o, (unsigned)t);
            rdbo_string(o, key, (size_t)snprintf(key, sizeof(key), "k%d:%llu", db, (unsigned long long)k));
            gen_value(o, t);
        }
    }
    rdbo_u8(o, RDB_OPCODE_EOF);
}

static int fd_sink(void *priv, const void *p, size_t n) {
    return write(*(int *)priv, p, n) == (ssize_t)n ? 0 : -1;
}

static void test_corrupt_files(void) {
    char path[] = "/tmp/test_rdb_fuzz.XXXXXX";
    int fd = mkstemp(path);
    if (!CHECK(fd != -1)) return;
    close(fd);
    long factor = rounds_factor();
    uint64_t ok = 0, failed = 0;
    for (long round = 0; round < 300 * factor; round++) {
        unit_srand(40000 + (uint64_t)round);
        RdbOut o;
        rdbo_init_mem(&o, 256);
        o.compress = (int)unit_rand_below(2);
        build_file(&o);
        size_t cap = o.len + 64;
        unsigned char *b = mem_alloc(cap);
        for (int m = 0; m < 7; m++) {
            memcpy(b, o.buf, o.len);
            size_t len = m == 0 ? o.len : mutate(b, o.len, cap);
            fd = open(path, O_WRONLY | O_TRUNC);
            RdbOut f;
            rdbo_init_sink(&f, 4096, fd_sink, &fd);
            rdbo_raw(&f, b, len);
            uint64_t crc = unit_rand_below(2) || m == 0 ? rdbo_crc(&f) : unit_rand64();
            unsigned char c8[8];
            for (int i = 0; i < 8; i++) c8[i] = (unsigned char)(crc >> (8 * i));
            rdbo_raw(&f, c8, 8);
            rdbo_flush(&f);
            rdbo_release(&f);
            close(fd);
            int rc = rdb_load_file(path, 0);
            if (m == 0) CHECK_EQ_INT(RDB_LOAD_OK, rc);
            if (rc == RDB_LOAD_OK) ok++;
            else failed++;
            for (int i = 0; i < server.db_count; i++) {
                const char *err = db_check(&server.dbs[i]);
                if (!CHECK(err == NULL)) printf("    db %d after a load: %s\n", i, err);
                db_flush(&server.dbs[i]);
            }
        }
        mem_free(b);
        rdbo_release(&o);
    }
    printf("    corrupt files: %llu loaded, %llu refused\n", (unsigned long long)ok, (unsigned long long)failed);
    CHECK(failed > 0);
    unlink(path);
}

/* ------------------------------------------------------------ DUMP footer */

static void test_dump_footer(void) {
    Kv *kv = kv_new_string("k", 1, "hello", 5, 0);
    Str *p = rdb_dump_payload(kv);
    CHECK(rdb_dump_verify((const unsigned char *)p->buf, p->len));
    CHECK(!rdb_dump_verify((const unsigned char *)p->buf, 9));
    for (size_t i = 0; i < p->len; i++) {
        p->buf[i] ^= 0x20;
        CHECK(!rdb_dump_verify((const unsigned char *)p->buf, p->len));
        p->buf[i] ^= 0x20;
    }
    str_free(p);
    kv_free(kv);
}

int main(void) {
    setup();
    UNIT_RUN(test_round_trip);
    UNIT_RUN(test_corrupt_payloads);
    UNIT_RUN(test_corrupt_files);
    UNIT_RUN(test_dump_footer);
    server_free_keyspace();
    return unit_finish();
}
