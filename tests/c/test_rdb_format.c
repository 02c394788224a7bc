/* test_rdb_format.c - the RDB format layer (src/persist/format/) alone:
 *
 *  - lengths at every boundary and at random, written and read back with
 *    their exact sizes;
 *  - strings: integer encodings exactly for canonical integers that fit 32
 *    bits (int8/16/32 chosen by value), LZF exactly when it saves 4 bytes,
 *    raw otherwise, all read back byte for byte; a model test of random
 *    strings with compression on and off;
 *  - doubles (binary and the old text form), millisecond times;
 *  - every prefix of an encoded sequence fails cleanly with an offset, and
 *    lengths that lie about the input are refused before allocating;
 *  - the fd reader (a window, strings larger than it) agrees with the
 *    memory reader, and both CRCs agree with crc64 over the bytes;
 *  - listpack uniqueness against a naive model; ziplists and zipmaps from
 *    our own encoder convert entry for entry, repeats and lies refused,
 *    thousands of mutations never crash;
 *  - rdbf_check_value accepts every generated value of every type and
 *    refuses their truncations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../deps/crc64/crc64.h"
#include "ds/alloc.h"
#include "ds/listpack.h"
#include "persist/format/rdb_blobs.h"
#include "persist/format/rdb_check.h"
#include "persist/format/rdb_format.h"
#include "persist/format/rdb_in.h"
#include "persist/format/rdb_out.h"
#include "unit.h"

static uint64_t gen_rand(uint64_t n) { return unit_rand_below(n); }
#include "test_rdb_gen.h"

/* ---------------------------------------------------------------- lengths */

static void test_lengths(void) {
    uint64_t vals[] = {0, 1, 63, 64, 16383, 16384, 65535, 1ULL << 31, UINT32_MAX, 1ULL + UINT32_MAX, UINT64_MAX};
    size_t sizes[] = {1, 1, 1, 2, 2, 5, 5, 5, 5, 9, 9};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        unsigned char b[9];
        CHECK_EQ_INT(sizes[i], rdbo_encode_len(b, vals[i]));
    }
    unit_srand(11);
    RdbOut o;
    rdbo_init_mem(&o, 16);
    uint64_t want[2000];
    for (int i = 0; i < 2000; i++) {
        want[i] = i < 11 ? vals[i] : unit_rand64() >> unit_rand_below(64);
        rdbo_len(&o, want[i]);
    }
    RdbIn in;
    rdbi_init_mem(&in, o.buf, o.len);
    int ok = 1;
    for (int i = 0; i < 2000 && ok; i++) {
        uint64_t n;
        ok = CHECK(rdbi_len(&in, &n, NULL)) && CHECK_EQ_UINT(want[i], n);
    }
    CHECK_EQ_UINT(o.len, rdbi_offset(&in));
    CHECK_EQ_UINT(0, rdbi_remaining(&in));
    /* A string encoding where a length belongs is an error. */
    unsigned char enc[] = {0xC0, 5};
    rdbi_init_mem(&in, enc, 2);
    uint64_t n;
    CHECK(!rdbi_len(&in, &n, NULL));
    CHECK(in.failed);
    rdbo_release(&o);
}

/* ---------------------------------------------------------------- strings */

static void check_string_form(const char *s, size_t len, int compress, unsigned first, size_t total) {
    RdbOut o;
    rdbo_init_mem(&o, 16);
    o.compress = compress;
    rdbo_string(&o, s, len);
    CHECK_EQ_UINT(first, o.buf[0]);
    if (total) CHECK_EQ_UINT(total, o.len);
    RdbIn in;
    rdbi_init_mem(&in, o.buf, o.len);
    const unsigned char *p;
    size_t n;
    if (CHECK(rdbi_string(&in, &p, &n))) CHECK_MEM(s, len, (const char *)p, n);
    CHECK_EQ_UINT(0, rdbi_remaining(&in));
    rdbi_release(&in);
    rdbo_release(&o);
}

static void test_string_encodings(void) {
    check_string_form("0", 1, 1, 0xC0, 2);
    check_string_form("-128", 4, 1, 0xC0, 2);
    check_string_form("127", 3, 1, 0xC0, 2);
    check_string_form("128", 3, 1, 0xC1, 3);
    check_string_form("-32768", 6, 1, 0xC1, 3);
    check_string_form("32768", 5, 1, 0xC2, 5);
    check_string_form("-2147483648", 11, 1, 0xC2, 5);
    check_string_form("2147483647", 10, 1, 0xC2, 5);
    /* Past 32 bits, not canonical, or too long: raw. */
    check_string_form("2147483648", 10, 1, 10, 11);
    check_string_form("007", 3, 1, 3, 4);
    check_string_form("-0", 2, 1, 2, 3);
    check_string_form("+1", 2, 1, 2, 3);
    check_string_form(" 1", 2, 1, 2, 3);
    check_string_form("", 0, 1, 0, 1);
    /* LZF only past 20 bytes and only when it saves 4. */
    char rep[200];
    memset(rep, 'a', sizeof(rep));
    check_string_form(rep, 20, 1, 20, 21);
    check_string_form(rep, 200, 1, 0xC3, 0);
    check_string_form(rep, 200, 0, 0x40, 202);
    char rnd[100];
    unit_srand(12);
    for (size_t i = 0; i < sizeof(rnd); i++) rnd[i] = (char)unit_rand_below(256);
    check_string_form(rnd, sizeof(rnd), 1, 0x40, 102);
    /* rdbo_string_int: the integer encodings, else decimal text. */
    long long ints[] = {0, -1, 127, -129, 40000, 5000000000LL, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        RdbOut o;
        rdbo_init_mem(&o, 16);
        rdbo_string_int(&o, ints[i]);
        RdbIn in;
        rdbi_init_mem(&in, o.buf, o.len);
        const unsigned char *p;
        size_t n;
        char want[32];
        int wl = snprintf(want, sizeof(want), "%lld", ints[i]);
        if (CHECK(rdbi_string(&in, &p, &n))) CHECK_MEM(want, (size_t)wl, (const char *)p, n);
        rdbi_release(&in);
        rdbo_release(&o);
    }
}

/* Model: random strings written (compression on or off) and read back,
 * as views and as allocations, in order. */
static void test_string_model(void) {
    for (int round = 0; round < 200; round++) {
        unit_srand(1000 + (uint64_t)round);
        RdbOut o;
        rdbo_init_mem(&o, 64);
        o.compress = (int)unit_rand_below(2);
        char *vals[40];
        size_t lens[40];
        for (int i = 0; i < 40; i++) {
            lens[i] = gen_elem(vals[i] = mem_alloc(400), 320, UINT64_MAX);
            rdbo_string(&o, vals[i], lens[i]);
        }
        RdbIn in;
        rdbi_init_mem(&in, o.buf, o.len);
        int ok = 1;
        for (int i = 0; i < 40 && ok; i++) {
            if (i % 2) {
                const unsigned char *p;
                size_t n;
                ok = CHECK(rdbi_string(&in, &p, &n)) && CHECK_MEM(vals[i], lens[i], (const char *)p, n);
            } else {
                unsigned char *p;
                size_t n;
                ok = CHECK(rdbi_string_alloc(&in, &p, &n)) && CHECK_MEM(vals[i], lens[i], (const char *)p, n);
                if (ok) mem_free(p);
            }
        }
        CHECK_EQ_UINT(rdbo_crc(&o), crc64(0, o.buf, o.len));
        CHECK_EQ_UINT(rdbo_crc(&o), rdbi_crc(&in));
        for (int i = 0; i < 40; i++) mem_free(vals[i]);
        rdbi_release(&in);
        rdbo_release(&o);
    }
}

static void test_doubles_and_times(void) {
    RdbOut o;
    rdbo_init_mem(&o, 16);
    double ds[] = {0.0, -1.5, 1e300, 3.14159, 1.0 / 0.0};
    for (int i = 0; i < 5; i++) rdbo_double_bin(&o, ds[i]);
    rdbo_ms(&o, 1700000000123LL);
    rdbo_ms(&o, -5);
    unsigned char text[] = {3, '1', '.', '5', 253, 254, 255, 2, 'x', 'y'};
    rdbo_raw(&o, text, sizeof(text));
    RdbIn in;
    rdbi_init_mem(&in, o.buf, o.len);
    for (int i = 0; i < 5; i++) {
        double d;
        CHECK(rdbi_double_bin(&in, &d));
        CHECK(d == ds[i]);
    }
    int64_t t;
    CHECK(rdbi_ms(&in, &t) && t == 1700000000123LL);
    CHECK(rdbi_ms(&in, &t) && t == -5);
    /* Little-endian on disk, whatever the host. */
    uint64_t le = 0;
    for (int i = 7; i >= 0; i--) le = (le << 8) | o.buf[40 + i];
    CHECK_EQ_UINT(1700000000123ULL, le);
    double d;
    CHECK(rdbi_double_text(&in, &d) && d == 1.5);
    CHECK(rdbi_double_text(&in, &d) && d != d);
    CHECK(rdbi_double_text(&in, &d) && d == 1.0 / 0.0);
    CHECK(rdbi_double_text(&in, &d) && d == -1.0 / 0.0);
    CHECK(!rdbi_double_text(&in, &d));
    rdbi_release(&in);
    rdbo_release(&o);
}

/* ------------------------------------------------- truncation and lies */

static void test_truncations_and_lies(void) {
    unit_srand(21);
    RdbOut o;
    rdbo_init_mem(&o, 16);
    o.compress = 1;
    char buf[400];
    for (int i = 0; i < 30; i++) rdbo_string(&o, buf, gen_elem(buf, 320, UINT64_MAX));
    char rep[300];
    memset(rep, 'q', sizeof(rep));
    rdbo_string(&o, rep, sizeof(rep));
    for (size_t cut = 0; cut < o.len; cut++) {
        RdbIn in;
        rdbi_init_mem(&in, o.buf, cut);
        int ok = 1;
        for (int i = 0; i < 31 && ok; i++) ok = rdbi_string_skip(&in);
        if (!CHECK(!ok && in.failed && in.fail_off <= cut)) break;
        rdbi_release(&in);
    }
    rdbo_release(&o);
    /* A string length past the input, an LZF claiming too much, a count
     * past the input: refused before anything is allocated. */
    unsigned char big[] = {0x81, 0, 0, 0, 0x10, 0, 0, 0, 0, 'a'};
    RdbIn in;
    rdbi_init_mem(&in, big, sizeof(big));
    const unsigned char *p;
    size_t n;
    CHECK(!rdbi_string(&in, &p, &n));
    CHECK(strstr(in.why, "exceeds") != NULL);
    rdbi_release(&in);
    unsigned char lzf[] = {0xC3, 2, 0x80, 0x10, 0, 0, 0, 0, 'a'};
    rdbi_init_mem(&in, lzf, sizeof(lzf));
    CHECK(!rdbi_string(&in, &p, &n));
    rdbi_release(&in);
    unsigned char lzf2[] = {0xC3, 2, 5, 0, 'a'};
    rdbi_init_mem(&in, lzf2, sizeof(lzf2));
    CHECK(!rdbi_string(&in, &p, &n));
    rdbi_release(&in);
    unsigned char cnt[] = {0x80, 0, 0, 1, 0};
    rdbi_init_mem(&in, cnt, sizeof(cnt));
    uint64_t c;
    CHECK(!rdbi_count(&in, &c));
    /* The first failure is kept; later ones do not overwrite it. */
    rdbi_init_mem(&in, cnt, 1);
    CHECK(!rdbi_u8(&in, (unsigned *)&c) || !rdbi_len(&in, &c, NULL));
    rdbi_fail(&in, "second");
    CHECK(strcmp(in.why, "second") != 0);
}

/* ----------------------------------------------------------- fd reader */

static int fd_sink(void *priv, const void *p, size_t n) {
    return write(*(int *)priv, p, n) == (ssize_t)n ? 0 : -1;
}

static void test_fd_reader(void) {
    char path[] = "/tmp/test_rdb_format.XXXXXX";
    int fd = mkstemp(path);
    if (!CHECK(fd != -1)) return;
    unit_srand(31);
    RdbOut o;
    rdbo_init_sink(&o, 4096, fd_sink, &fd);
    o.compress = 1;
    size_t sizes[] = {10, 300000, 5, 1000000, 70000, 0, 262144, 131072};
    char *vals[8];
    for (int i = 0; i < 8; i++) {
        vals[i] = mem_alloc(sizes[i] + 1);
        for (size_t k = 0; k < sizes[i]; k++) vals[i][k] = (char)(i % 2 ? unit_rand_below(256) : 'a' + k % 7);
        rdbo_string(&o, vals[i], sizes[i]);
        rdbo_len(&o, sizes[i]);
    }
    rdbo_flush(&o);
    uint64_t wcrc = rdbo_crc(&o), total = rdbo_offset(&o);
    rdbo_release(&o);
    lseek(fd, 0, SEEK_SET);
    RdbIn in;
    rdbi_init_fd(&in, fd, total);
    for (int i = 0; i < 8; i++) {
        const unsigned char *p;
        size_t n;
        uint64_t l;
        if (!CHECK(rdbi_string(&in, &p, &n))) break;
        CHECK_MEM(vals[i], sizes[i], (const char *)p, n);
        CHECK(rdbi_len(&in, &l, NULL) && l == sizes[i]);
    }
    CHECK_EQ_UINT(total, rdbi_offset(&in));
    CHECK_EQ_UINT(wcrc, rdbi_crc(&in));
    rdbi_release(&in);
    for (int i = 0; i < 8; i++) mem_free(vals[i]);
    close(fd);
    unlink(path);
}

/* ------------------------------------------------------- listpack checks */

static int naive_unique(unsigned char *lp, int pairs) {
    int n = (int)lp_length(lp), i = 0;
    for (unsigned char *a = lp_first(lp); a; a = lp_next(lp, a), i++) {
        if (pairs && (i & 1)) continue;
        int j = i + 1;
        for (unsigned char *b = lp_next(lp, a); b; b = lp_next(lp, b), j++) {
            if (pairs && (j & 1)) continue;
            char ba[LP_INTBUF_SIZE], bb[LP_INTBUF_SIZE];
            uint32_t la, lb;
            const char *sa = lp_get_str(a, ba, &la), *sb = lp_get_str(b, bb, &lb);
            if (la == lb && memcmp(sa, sb, la) == 0) return 0;
        }
    }
    (void)n;
    return 1;
}

static void test_listpack_checks(void) {
    for (int round = 0; round < 2000; round++) {
        unit_srand(4000 + (uint64_t)round);
        unsigned char *lp = lp_new(0);
        uint64_t n = unit_rand_below(30);
        for (uint64_t i = 0; i < n; i++) {
            char buf[8];
            int len = snprintf(buf, sizeof(buf), "%d", (int)unit_rand_below(40));
            /* Some as text the listpack keeps as integers, some as strings. */
            lp = unit_rand_below(2) ? lp_append(lp, buf, (size_t)len) : lp_append(lp, buf + (len > 1), (size_t)len - (len > 1));
        }
        int pairs = (int)unit_rand_below(2);
        CHECK_EQ_INT(naive_unique(lp, pairs), rdbf_listpack_unique(lp, pairs));
        const char *why = rdbf_check_listpack(lp, lp_bytes(lp), (pairs ? RDBF_PAIRS : 0) | RDBF_UNIQUE);
        int expect_ok = naive_unique(lp, pairs) && (!pairs || n % 2 == 0);
        CHECK_EQ_INT(expect_ok, why == NULL);
        lp_free(lp);
    }
    unsigned char *e = lp_new(0);
    CHECK(rdbf_check_listpack(e, lp_bytes(e), RDBF_NONEMPTY) != NULL);
    CHECK(rdbf_check_listpack(e, lp_bytes(e), 0) == NULL);
    CHECK(rdbf_check_listpack(e, lp_bytes(e) - 1, 0) != NULL);
    lp_free(e);
}

/* ------------------------------------------------------ ziplist, zipmap */

static void test_ziplist(void) {
    for (int round = 0; round < 1500; round++) {
        unit_srand(5000 + (uint64_t)round);
        /* Our encoder's entries, then the conversion, must agree. */
        uint64_t n = unit_rand_below(40);
        uint64_t seed = unit_rand64();
        unit_srand(seed);
        GenBuf zb = {0};
        gen_ziplist(&zb, n, 0, 0, 0);
        unit_srand(seed);
        unsigned char *ref = gen_listpack(n, 0, 0, 0);
        const char *why;
        unsigned char *lp = rdbf_ziplist_to_listpack(zb.p, zb.len, 0, &why);
        if (CHECK(lp != NULL)) {
            CHECK_EQ_INT(lp_length(ref), lp_length(lp));
            CHECK_MEM((const char *)ref, lp_bytes(ref), (const char *)lp, lp_bytes(lp));
            lp_free(lp);
        }
        lp_free(ref);
        /* Mutations: never a crash; what is accepted is a valid listpack. */
        for (int m = 0; m < 8 && zb.len; m++) {
            unsigned char *copy = mem_alloc(zb.len);
            memcpy(copy, zb.p, zb.len);
            size_t at = unit_rand_below(zb.len);
            copy[at] ^= (unsigned char)(1 + unit_rand_below(255));
            unsigned char *out = rdbf_ziplist_to_listpack(copy, zb.len - (m == 7 ? unit_rand_below(zb.len) : 0), 0, &why);
            if (out) {
                CHECK(lp_validate_integrity(out, lp_bytes(out), 1, NULL, NULL));
                lp_free(out);
            }
            mem_free(copy);
        }
        mem_free(zb.p);
    }
    /* Pairs with a repeated field are refused; an odd count too. */
    GenBuf zb = {0};
    size_t prev = 0;
    gb_put(&zb, "\0\0\0\0\0\0\0\0\0\0", 10);
    const char *vals[] = {"f", "1", "f", "2"};
    size_t tail = 10;
    for (int i = 0; i < 4; i++) {
        tail = zb.len;
        zl_put_entry(&zb, vals[i], strlen(vals[i]), &prev);
    }
    gb_u8(&zb, 0xFF);
    for (int i = 0; i < 4; i++) zb.p[i] = (unsigned char)(zb.len >> (8 * i));
    for (int i = 0; i < 4; i++) zb.p[4 + i] = (unsigned char)(tail >> (8 * i));
    zb.p[8] = 4;
    const char *why;
    CHECK(rdbf_ziplist_to_listpack(zb.p, zb.len, RDBF_PAIRS | RDBF_UNIQUE, &why) == NULL);
    unsigned char *ok = rdbf_ziplist_to_listpack(zb.p, zb.len, 0, &why);
    CHECK(ok != NULL);
    lp_free(ok);
    zb.p[8] = 3;
    CHECK(rdbf_ziplist_to_listpack(zb.p, zb.len, 0, &why) == NULL);
    mem_free(zb.p);
}

static void test_zipmap(void) {
    for (int round = 0; round < 1000; round++) {
        unit_srand(6000 + (uint64_t)round);
        uint64_t n = unit_rand_below(30);
        GenBuf zm = {0};
        gen_zipmap(&zm, n);
        const char *why;
        unsigned char *lp = rdbf_zipmap_to_listpack(zm.p, zm.len, &why);
        if (CHECK(lp != NULL)) {
            CHECK_EQ_INT(2 * n, lp_length(lp));
            lp_free(lp);
        }
        for (int m = 0; m < 6 && zm.len; m++) {
            unsigned char *copy = mem_alloc(zm.len);
            memcpy(copy, zm.p, zm.len);
            copy[unit_rand_below(zm.len)] = (unsigned char)unit_rand_below(256);
            unsigned char *out = rdbf_zipmap_to_listpack(copy, zm.len, &why);
            if (out) {
                CHECK(lp_validate_integrity(out, lp_bytes(out), 1, NULL, NULL));
                CHECK(rdbf_listpack_unique(out, 1));
                lp_free(out);
            }
            mem_free(copy);
        }
        mem_free(zm.p);
    }
    unsigned char dup[] = {2, 1, 'a', 1, 0, 'x', 1, 'a', 1, 0, 'y', 0xFF};
    const char *why;
    CHECK(rdbf_zipmap_to_listpack(dup, sizeof(dup), &why) == NULL);
    unsigned char good[] = {1, 1, 'a', 1, 2, 'x', 0, 0, 0xFF};
    unsigned char *lp = rdbf_zipmap_to_listpack(good, sizeof(good), &why);
    CHECK(lp != NULL && lp_length(lp) == 2);
    lp_free(lp);
    good[4] = 9; /* free space past the end */
    CHECK(rdbf_zipmap_to_listpack(good, sizeof(good), &why) == NULL);
}

/* ----------------------------------------------------- value validation */

static void test_check_values(void) {
    int accepted = 0, refused = 0;
    for (int round = 0; round < 600; round++) {
        unit_srand(7000 + (uint64_t)round);
        int t = gen_types[round % GEN_TYPES];
        RdbOut o;
        rdbo_init_mem(&o, 64);
        o.compress = (int)unit_rand_below(2);
        gen_value(&o, t);
        RdbIn in;
        rdbi_init_mem(&in, o.buf, o.len);
        if (!CHECK(rdbf_check_value(&in, t))) printf("    type %d: %s at %llu\n", t, in.why, (unsigned long long)in.fail_off);
        CHECK_EQ_UINT(0, rdbi_remaining(&in));
        rdbi_release(&in);
        accepted++;
        for (int k = 0; k < 4; k++) {
            size_t cut = (size_t)unit_rand_below(o.len);
            rdbi_init_mem(&in, o.buf, cut);
            if (rdbf_check_value(&in, t)) CHECK(0);
            else refused++;
            rdbi_release(&in);
        }
        rdbo_release(&o);
    }
    CHECK_EQ_INT(600, accepted);
    CHECK_EQ_INT(2400, refused);
    /* Empty values and repeats are errors for the checker. */
    unsigned char empty_list[] = {0};
    RdbIn in;
    rdbi_init_mem(&in, empty_list, 1);
    CHECK(!rdbf_check_value(&in, RDB_TYPE_LIST));
    rdbi_release(&in);
    unsigned char dup_set[] = {2, 1, 'a', 1, 'a'};
    rdbi_init_mem(&in, dup_set, sizeof(dup_set));
    CHECK(!rdbf_check_value(&in, RDB_TYPE_SET));
    CHECK(strstr(in.why, "Duplicate") != NULL);
    rdbi_release(&in);
    unsigned char nan_zset[] = {1, 1, 'a', 253};
    rdbi_init_mem(&in, nan_zset, sizeof(nan_zset));
    CHECK(!rdbf_check_value(&in, RDB_TYPE_ZSET));
    rdbi_release(&in);
    CHECK_STR("string", rdb_type_name(0));
    CHECK_STR("quicklist-v2", rdb_type_name(18));
    CHECK_STR("unknown", rdb_type_name(8));
    CHECK_EQ_INT(6, rdb_type_value_kind(RDB_TYPE_STREAM_LISTPACKS_3));
}

int main(void) {
    UNIT_RUN(test_lengths);
    UNIT_RUN(test_string_encodings);
    UNIT_RUN(test_string_model);
    UNIT_RUN(test_doubles_and_times);
    UNIT_RUN(test_truncations_and_lies);
    UNIT_RUN(test_fd_reader);
    UNIT_RUN(test_listpack_checks);
    UNIT_RUN(test_ziplist);
    UNIT_RUN(test_zipmap);
    UNIT_RUN(test_check_values);
    return unit_finish();
}
