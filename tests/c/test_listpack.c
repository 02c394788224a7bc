/* test_listpack.c - unit tests for src/ds/listpack (Valkey's listpack
 * format, byte for byte).
 *
 * Expected bytes are written here from the format description, by hand for
 * small cases and by an independent reference encoder (ref_*) for the
 * randomized model test, whose integer rule is "the text equals printf of
 * its strtoll value" rather than a copy of the parser under test.  Covers
 * every encoding at its limits, backlens of 1 to 5 bytes (including a
 * 256 MB entry), the canonical-integer rule, navigation and seek, the
 * 65535 "unknown count" header, a model test of every write operation
 * against an array of strings (content both ways, exact blob, deep
 * validation after each step), find/compare, the random pickers, and
 * validation: hand-made corruptions, thousands of random mutations of
 * valid listpacks (accepted ones must stay walkable and writable), and
 * shallow-accepted corrupt ones walked in a child process, which may only
 * finish or abort, never fault. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "ds/alloc.h"
#include "ds/listpack.h"
#include "unit.h"

/* ------------------------------------------------------------ helpers */

/* A blob with the given entries' bytes, header and terminator. */
static size_t make_blob(unsigned char *out, unsigned count, const unsigned char *entries,
                        size_t elen) {
    size_t total = LP_HDR_SIZE + elen + 1;
    out[0] = (unsigned char)total;
    out[1] = (unsigned char)(total >> 8);
    out[2] = (unsigned char)(total >> 16);
    out[3] = (unsigned char)(total >> 24);
    out[4] = (unsigned char)count;
    out[5] = (unsigned char)(count >> 8);
    if (elen) memcpy(out + LP_HDR_SIZE, entries, elen);
    out[LP_HDR_SIZE + elen] = 0xFF;
    return total;
}

static int lp_equals_blob(const unsigned char *lp, const unsigned char *blob, size_t n) {
    return CHECK_MEM((const char *)blob, n, (const char *)lp, lp_bytes(lp));
}

static unsigned header_count(const unsigned char *lp) {
    return (unsigned)lp[4] | (unsigned)lp[5] << 8;
}

static int deep_ok(unsigned char *lp) {
    return lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL);
}

/* The entry's text (integers in decimal) into buf; returns its length. */
static size_t entry_text(const unsigned char *p, char *buf, size_t cap, const char **out) {
    char ib[LP_INTBUF_SIZE];
    uint32_t len;
    const char *s = lp_get_str(p, ib, &len);
    if (s == ib) {
        memcpy(buf, ib, len);
        *out = buf;
    } else {
        *out = s;
    }
    (void)cap;
    return len;
}

/* ------------------------------------------------ independent reference */

/* Canonical int64 text: exactly what printf writes for its own value. */
static int ref_is_int(const char *s, size_t len, long long *v) {
    if (len == 0 || len > 20) return 0;
    char buf[32], back[32];
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strlen(buf) != len) return 0;
    errno = 0;
    char *end;
    long long x = strtoll(buf, &end, 10);
    if (errno || *end || end == buf) return 0;
    snprintf(back, sizeof(back), "%lld", x);
    if (strcmp(back, buf) != 0) return 0;
    *v = x;
    return 1;
}

/* Backlen bytes for entry size l, per the documented thresholds. */
static size_t ref_backlen(uint64_t l, unsigned char *out) {
    size_t n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (size_t i = 0; i < n; i++) {
        uint64_t group = (l >> (7 * (n - 1 - i))) & 127;
        out[i] = (unsigned char)(group | (i > 0 ? 128 : 0));
    }
    return n;
}

static size_t ref_encode_int(long long v, unsigned char *out) {
    size_t n;
    uint64_t u = (uint64_t)v;
    if (v >= 0 && v <= 127) {
        out[0] = (unsigned char)v;
        n = 1;
    } else if (v >= -4096 && v <= 4095) {
        uint64_t t = u & 0x1FFF;
        out[0] = (unsigned char)(0xC0 | (t >> 8));
        out[1] = (unsigned char)(t & 0xFF);
        n = 2;
    } else {
        size_t w;
        if (v >= -32768 && v <= 32767) out[0] = 0xF1, w = 2;
        else if (v >= -8388608 && v <= 8388607) out[0] = 0xF2, w = 3;
        else if (v >= INT32_MIN && v <= INT32_MAX) out[0] = 0xF3, w = 4;
        else out[0] = 0xF4, w = 8;
        for (size_t i = 0; i < w; i++) out[1 + i] = (unsigned char)(u >> (8 * i));
        n = 1 + w;
    }
    return n + ref_backlen(n, out + n);
}

static size_t ref_encode(const char *s, size_t len, unsigned char *out) {
    long long v;
    if (ref_is_int(s, len, &v)) return ref_encode_int(v, out);
    size_t h;
    if (len < 64) {
        out[0] = (unsigned char)(0x80 | len);
        h = 1;
    } else if (len < 4096) {
        out[0] = (unsigned char)(0xE0 | (len >> 8));
        out[1] = (unsigned char)(len & 0xFF);
        h = 2;
    } else {
        out[0] = 0xF0;
        for (int i = 0; i < 4; i++) out[1 + i] = (unsigned char)(len >> (8 * i));
        h = 5;
    }
    memcpy(out + h, s, len);
    return h + len + ref_backlen(h + len, out + h + len);
}

/* ------------------------------------------------------------- model */

typedef struct Val {
    char *s;
    size_t len;
} Val;

typedef struct Model {
    Val *v;
    size_t n, cap;
} Model;

static Val val_make(const char *s, size_t len) {
    Val v;
    v.s = mem_alloc(len ? len : 1);
    if (len) memcpy(v.s, s, len);
    v.len = len;
    return v;
}

static void model_insert(Model *m, size_t at, const char *s, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = mem_realloc(m->v, m->cap * sizeof(Val));
    }
    memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof(Val));
    m->v[at] = val_make(s, len);
    m->n++;
}

static void model_delete(Model *m, size_t at, size_t count) {
    if (at >= m->n) return;
    if (count > m->n - at) count = m->n - at;
    for (size_t i = at; i < at + count; i++) mem_free(m->v[i].s);
    memmove(&m->v[at], &m->v[at + count], (m->n - at - count) * sizeof(Val));
    m->n -= count;
}

static void model_free(Model *m) {
    model_delete(m, 0, m->n);
    mem_free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}

/* The exact blob the model must be; returns its size (buf is mem_alloc'd). */
static size_t model_blob(const Model *m, unsigned char **out) {
    size_t cap = 7;
    for (size_t i = 0; i < m->n; i++) cap += m->v[i].len + 16;
    unsigned char *b = mem_alloc(cap);
    size_t at = LP_HDR_SIZE;
    for (size_t i = 0; i < m->n; i++) at += ref_encode(m->v[i].s, m->v[i].len, b + at);
    unsigned count = m->n < 65535 ? (unsigned)m->n : 65535;
    b[4] = (unsigned char)count;
    b[5] = (unsigned char)(count >> 8);
    b[at++] = 0xFF;
    b[0] = (unsigned char)at;
    b[1] = (unsigned char)(at >> 8);
    b[2] = (unsigned char)(at >> 16);
    b[3] = (unsigned char)(at >> 24);
    *out = b;
    return at;
}

/* Full comparison; prints the first difference and returns 0 on mismatch. */
static int model_check(unsigned char *lp, const Model *m, const char *op) {
    char tmp[LP_INTBUF_SIZE];
    const char *s;
    if (lp_length(lp) != m->n) {
        printf("    after %s: length %u, model %zu\n", op, lp_length(lp), m->n);
        return 0;
    }
    size_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        size_t len = entry_text(p, tmp, sizeof(tmp), &s);
        if (i >= m->n || len != m->v[i].len || (len && memcmp(s, m->v[i].s, len) != 0)) {
            printf("    after %s: forward entry %zu differs\n", op, i);
            return 0;
        }
    }
    if (i != m->n) {
        printf("    after %s: forward walk saw %zu of %zu\n", op, i, m->n);
        return 0;
    }
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p)) {
        if (i == 0) {
            printf("    after %s: backward walk too long\n", op);
            return 0;
        }
        i--;
        size_t len = entry_text(p, tmp, sizeof(tmp), &s);
        if (len != m->v[i].len || (len && memcmp(s, m->v[i].s, len) != 0)) {
            printf("    after %s: backward entry %zu differs\n", op, i);
            return 0;
        }
    }
    if (i != 0) {
        printf("    after %s: backward walk stopped at %zu\n", op, i);
        return 0;
    }
    unsigned char *blob;
    size_t bn = model_blob(m, &blob);
    int same = bn == lp_bytes(lp) && memcmp(blob, lp, bn) == 0;
    if (!same) {
        printf("    after %s: blob differs from the reference encoding\n", op);
        CHECK_MEM((const char *)blob, bn, (const char *)lp, lp_bytes(lp));
    }
    mem_free(blob);
    if (!same) return 0;
    if (!deep_ok(lp)) {
        printf("    after %s: deep validation rejected a listpack we built\n", op);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------- value maker */

static const long long boundary_ints[] = {
    0, 1, 63, 64, 127, 128, 255, 256, 4095, 4096, -1, -4095, -4096, -4097, 32767, 32768,
    -32768, -32769, 8388607, 8388608, -8388608, -8388609, 2147483647LL, 2147483648LL,
    -2147483647LL - 1, -2147483649LL, 9223372036854775807LL, -9223372036854775807LL - 1,
    1000000007LL, -99999999999LL};

/* Writes a random value into buf (room for 20000 bytes); returns its length. */
static size_t gen_value(char *buf) {
    unsigned kind = (unsigned)unit_rand_below(20);
    size_t len;
    switch (kind) {
    case 0:
    case 1:
    case 2:
        return (size_t)snprintf(buf, 32, "%lld", (long long)unit_rand_below(401) - 200);
    case 3: {
        long long b = boundary_ints[unit_rand_below(sizeof(boundary_ints) / sizeof(boundary_ints[0]))];
        if (unit_rand_below(3) == 0 && b > INT64_MIN + 1 && b < INT64_MAX - 1)
            b += (long long)unit_rand_below(3) - 1;
        return (size_t)snprintf(buf, 32, "%lld", b);
    }
    case 4:
        return (size_t)snprintf(buf, 32, "%lld", (long long)unit_rand64());
    case 5: {
        /* Integer-looking but not canonical: must stay strings. */
        static const char *odd[] = {"-0", "+1", " 1", "1 ", "00", "007", "-01", "0x10", "1e3",
                                    "9223372036854775808", "-9223372036854775809", "-",
                                    "18446744073709551616", "123456789012345678901", "1.0"};
        const char *o = odd[unit_rand_below(sizeof(odd) / sizeof(odd[0]))];
        len = strlen(o);
        memcpy(buf, o, len);
        return len;
    }
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
        len = (size_t)unit_rand_below(21);
        break;
    case 11:
    case 12:
    case 13:
        len = 21 + (size_t)unit_rand_below(110);
        break;
    case 14:
        len = 60 + (size_t)unit_rand_below(10); /* around the 6-bit string limit */
        break;
    case 15:
        len = 120 + (size_t)unit_rand_below(12); /* around the 1-byte backlen limit */
        break;
    case 16:
        len = 4090 + (size_t)unit_rand_below(12); /* around the 12-bit string limit */
        break;
    case 17:
        len = unit_rand_below(8) == 0 ? 16370 + (size_t)unit_rand_below(16) : (size_t)unit_rand_below(300);
        break;
    default:
        len = (size_t)unit_rand_below(8);
        /* digits only: often canonical integers, sometimes not */
        for (size_t i = 0; i < len; i++) buf[i] = (char)('0' + unit_rand_below(10));
        return len;
    }
    for (size_t i = 0; i < len; i++) buf[i] = (char)unit_rand64();
    return len;
}

/* ----------------------------------------------------------- tests */

static void test_empty(void) {
    size_t before = mem_used();
    unsigned char *lp = lp_new(0);
    unsigned char want[7];
    size_t n = make_blob(want, 0, NULL, 0);
    lp_equals_blob(lp, want, n);
    CHECK_EQ_UINT(7, lp_bytes(lp));
    CHECK_EQ_UINT(0, lp_length(lp));
    CHECK(lp_first(lp) == NULL);
    CHECK(lp_last(lp) == NULL);
    CHECK(lp_seek(lp, 0) == NULL);
    CHECK(lp_seek(lp, -1) == NULL);
    CHECK(lp_random_entry(lp, unit_rand64) == NULL);
    CHECK(deep_ok(lp));
    CHECK(lp_find(lp, lp_first(lp), "a", 1, 0) == NULL);
    LpEntry k[2];
    CHECK_EQ_UINT(0, lp_random_pairs_unique(lp, 2, unit_rand64, k, NULL));
    lp = lp_delete_range(lp, 0, 5);
    CHECK_EQ_UINT(7, lp_bytes(lp));
    lp_free(lp);
    lp = lp_new(1000);
    lp_equals_blob(lp, want, n);
    lp = lp_shrink_to_fit(lp);
    lp_equals_blob(lp, want, n);
    CHECK(mem_usable(lp) < 1000);
    lp_free(lp);
    CHECK_EQ_UINT(before, mem_used());
}

/* The example from the brief: "hello" then 1024. */
static void test_hello_1024(void) {
    size_t before = mem_used();
    unsigned char *lp = lp_new(0);
    lp = lp_append(lp, "hello", 5);
    lp = lp_append(lp, "1024", 4);
    static const unsigned char entries[] = {0x85, 'h', 'e', 'l', 'l', 'o', 0x06,
                                            0xC4, 0x00, 0x02};
    static const unsigned char want[] = {17, 0, 0, 0, 2, 0, 0x85, 'h', 'e', 'l', 'l', 'o', 0x06,
                                         0xC4, 0x00, 0x02, 0xFF};
    unsigned char blob[32];
    size_t n = make_blob(blob, 2, entries, sizeof(entries));
    CHECK_EQ_UINT(sizeof(want), n);
    CHECK_MEM((const char *)want, sizeof(want), (const char *)blob, n);
    lp_equals_blob(lp, want, sizeof(want));
    /* Same bytes via the integer API and via prepend. */
    unsigned char *lp2 = lp_new(0);
    lp2 = lp_append_int(lp2, 1024);
    lp2 = lp_prepend(lp2, "hello", 5);
    lp_equals_blob(lp2, want, sizeof(want));
    int64_t v = 0;
    uint32_t slen = 0;
    unsigned char *p = lp_first(lp);
    const char *s = lp_get(p, &v, &slen);
    CHECK(s != NULL && slen == 5 && memcmp(s, "hello", 5) == 0);
    p = lp_next(lp, p);
    CHECK(lp_get(p, &v, &slen) == NULL);
    CHECK_EQ_INT(1024, v);
    CHECK(lp_next(lp, p) == NULL);
    CHECK(lp_prev(lp, lp_first(lp)) == NULL);
    lp_free(lp);
    lp_free(lp2);
    CHECK_EQ_UINT(before, mem_used());
}

typedef struct IntCase {
    long long v;
    unsigned char bytes[10];
    size_t n;
} IntCase;

static void test_int_encodings(void) {
    static const IntCase cases[] = {
        {0, {0x00, 0x01}, 2},
        {1, {0x01, 0x01}, 2},
        {127, {0x7F, 0x01}, 2},
        {128, {0xC0, 0x80, 0x02}, 3},
        {-1, {0xDF, 0xFF, 0x02}, 3},
        {4095, {0xCF, 0xFF, 0x02}, 3},
        {-4096, {0xD0, 0x00, 0x02}, 3},
        {4096, {0xF1, 0x00, 0x10, 0x03}, 4},
        {-4097, {0xF1, 0xFF, 0xEF, 0x03}, 4},
        {32767, {0xF1, 0xFF, 0x7F, 0x03}, 4},
        {-32768, {0xF1, 0x00, 0x80, 0x03}, 4},
        {32768, {0xF2, 0x00, 0x80, 0x00, 0x04}, 5},
        {-32769, {0xF2, 0xFF, 0x7F, 0xFF, 0x04}, 5},
        {8388607, {0xF2, 0xFF, 0xFF, 0x7F, 0x04}, 5},
        {-8388608, {0xF2, 0x00, 0x00, 0x80, 0x04}, 5},
        {8388608, {0xF3, 0x00, 0x00, 0x80, 0x00, 0x05}, 6},
        {-8388609, {0xF3, 0xFF, 0xFF, 0x7F, 0xFF, 0x05}, 6},
        {2147483647LL, {0xF3, 0xFF, 0xFF, 0xFF, 0x7F, 0x05}, 6},
        {-2147483647LL - 1, {0xF3, 0x00, 0x00, 0x00, 0x80, 0x05}, 6},
        {2147483648LL, {0xF4, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x09}, 10},
        {-2147483649LL, {0xF4, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x09}, 10},
        {9223372036854775807LL, {0xF4, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x09}, 10},
        {-9223372036854775807LL - 1, {0xF4, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x09}, 10},
    };
    size_t before = mem_used();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const IntCase *c = &cases[i];
        unsigned char want[32];
        size_t wn = make_blob(want, 1, c->bytes, c->n);
        char text[32];
        size_t tl = (size_t)snprintf(text, sizeof(text), "%lld", c->v);
        /* Three ways in, one encoding out. */
        unsigned char *a = lp_append_int(lp_new(0), c->v);
        unsigned char *b = lp_append(lp_new(0), text, tl);
        unsigned char *d = lp_prepend_int(lp_new(0), c->v);
        if (!lp_equals_blob(a, want, wn)) printf("    value %lld via append_int\n", c->v);
        if (!lp_equals_blob(b, want, wn)) printf("    value %lld via append text\n", c->v);
        lp_equals_blob(d, want, wn);
        int64_t v = 0;
        uint32_t sl = 0;
        CHECK(lp_get(lp_first(a), &v, &sl) == NULL);
        CHECK_EQ_INT(c->v, v);
        CHECK(lp_get(lp_last(b), &v, &sl) == NULL);
        CHECK_EQ_INT(c->v, v);
        char ib[LP_INTBUF_SIZE];
        const char *s = lp_get_str(lp_first(a), ib, &sl);
        CHECK_MEM(text, tl, s, sl);
        CHECK(lp_get_int(lp_first(a), &v) && v == c->v);
        CHECK_EQ_UINT(c->n, lp_entry_bytes(lp_first(a)));
        CHECK_EQ_UINT(c->n, lp_entry_size_int(c->v));
        CHECK_EQ_UINT(c->n, lp_entry_size_str(text, tl));
        CHECK(deep_ok(a));
        lp_free(a);
        lp_free(b);
        lp_free(d);
    }
    CHECK_EQ_UINT(before, mem_used());
}

/* A string entry of len bytes: checks its header and backlen bytes, its
 * content, and both directions of travel. */
static void check_string_entry(size_t len, const unsigned char *hdr, size_t hlen,
                               const unsigned char *back, size_t blen) {
    char *s = mem_alloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) s[i] = (char)('a' + i % 26);
    unsigned char *lp = lp_new(0);
    lp = lp_append(lp, s, len);
    lp = lp_append_int(lp, 7);
    lp = lp_prepend_int(lp, 9);
    unsigned char *p = lp_seek(lp, 1);
    size_t entry = hlen + len + blen;
    CHECK_EQ_UINT(7 + 2 + entry + 2, lp_bytes(lp));
    CHECK_EQ_UINT(entry, lp_entry_bytes(p));
    CHECK_EQ_UINT(entry, lp_entry_size_str(s, len));
    if (!CHECK_MEM((const char *)hdr, hlen, (const char *)p, hlen)) printf("    len %zu\n", len);
    if (!CHECK_MEM((const char *)back, blen, (const char *)p + hlen + len, blen))
        printf("    len %zu\n", len);
    uint32_t sl = 0;
    int64_t v;
    const char *got = lp_get(p, &v, &sl);
    CHECK(got == (const char *)p + hlen);
    CHECK_EQ_UINT(len, sl);
    CHECK(got && memcmp(got, s, len) == 0);
    /* Backwards over the backlen. */
    CHECK(lp_prev(lp, lp_last(lp)) == p);
    CHECK(lp_next(lp, p) == lp_last(lp));
    CHECK(lp_seek(lp, -2) == p);
    CHECK(deep_ok(lp));
    CHECK(lp_find(lp, lp_first(lp), s, len, 0) == p);
    lp_free(lp);
    mem_free(s);
}

static void test_string_encodings(void) {
    size_t before = mem_used();
    /* enc+data sizes and their backlens: 1 byte up to 127, 2 below 16383,
     * 3 below 2097151, 4 below 268435455, 5 from there on. */
    check_string_entry(0, (const unsigned char[]){0x80}, 1, (const unsigned char[]){0x01}, 1);
    check_string_entry(1, (const unsigned char[]){0x81}, 1, (const unsigned char[]){0x02}, 1);
    check_string_entry(63, (const unsigned char[]){0xBF}, 1, (const unsigned char[]){0x40}, 1);
    check_string_entry(64, (const unsigned char[]){0xE0, 0x40}, 2, (const unsigned char[]){0x42}, 1);
    check_string_entry(125, (const unsigned char[]){0xE0, 0x7D}, 2, (const unsigned char[]){0x7F}, 1);
    check_string_entry(126, (const unsigned char[]){0xE0, 0x7E}, 2,
                       (const unsigned char[]){0x01, 0x80}, 2);
    check_string_entry(4095, (const unsigned char[]){0xEF, 0xFF}, 2,
                       (const unsigned char[]){0x20, 0x81}, 2);
    check_string_entry(4096, (const unsigned char[]){0xF0, 0x00, 0x10, 0x00, 0x00}, 5,
                       (const unsigned char[]){0x20, 0x85}, 2);
    /* 16382 = 127*128 + 126 still takes two bytes; 16383 takes three. */
    check_string_entry(16377, (const unsigned char[]){0xF0, 0xF9, 0x3F, 0x00, 0x00}, 5,
                       (const unsigned char[]){0x7F, 0xFE}, 2);
    check_string_entry(16378, (const unsigned char[]){0xF0, 0xFA, 0x3F, 0x00, 0x00}, 5,
                       (const unsigned char[]){0x00, 0xFF, 0xFF}, 3);
    check_string_entry(70000, (const unsigned char[]){0xF0, 0x70, 0x11, 0x01, 0x00}, 5,
                       (const unsigned char[]){0x04, 0xA2, 0xF5}, 3);
    check_string_entry(2097145, (const unsigned char[]){0xF0, 0xF9, 0xFF, 0x1F, 0x00}, 5,
                       (const unsigned char[]){0x7F, 0xFF, 0xFE}, 3);
    check_string_entry(2097146, (const unsigned char[]){0xF0, 0xFA, 0xFF, 0x1F, 0x00}, 5,
                       (const unsigned char[]){0x00, 0xFF, 0xFF, 0xFF}, 4);
    /* 268435454 and 268435455: 256 MB entries for the 4- and 5-byte forms. */
    check_string_entry(268435449, (const unsigned char[]){0xF0, 0xF9, 0xFF, 0xFF, 0x0F}, 5,
                       (const unsigned char[]){0x7F, 0xFF, 0xFF, 0xFE}, 4);
    check_string_entry(268435450, (const unsigned char[]){0xF0, 0xFA, 0xFF, 0xFF, 0x0F}, 5,
                       (const unsigned char[]){0x00, 0xFF, 0xFF, 0xFF, 0xFF}, 5);
    CHECK_EQ_UINT(before, mem_used());
}

typedef struct TextCase {
    const char *s;
    size_t len;
    int is_int;
    long long v;
} TextCase;

static void test_canonical_ints(void) {
    static const TextCase cases[] = {
        {"0", 1, 1, 0},
        {"1", 1, 1, 1},
        {"-1", 2, 1, -1},
        {"123", 3, 1, 123},
        {"-4096", 5, 1, -4096},
        {"9223372036854775807", 19, 1, 9223372036854775807LL},
        {"-9223372036854775808", 20, 1, -9223372036854775807LL - 1},
        {"0123", 4, 0, 0},
        {"00", 2, 0, 0},
        {"-0", 2, 0, 0},
        {"-01", 3, 0, 0},
        {"+1", 2, 0, 0},
        {" 1", 2, 0, 0},
        {"1 ", 2, 0, 0},
        {"", 0, 0, 0},
        {"-", 1, 0, 0},
        {"1a", 2, 0, 0},
        {"1\0", 2, 0, 0},
        {"0x1", 3, 0, 0},
        {"1e3", 3, 0, 0},
        {"1.5", 3, 0, 0},
        {"9223372036854775808", 19, 0, 0},
        {"-9223372036854775809", 20, 0, 0},
        {"18446744073709551616", 20, 0, 0},
        {"99999999999999999999", 20, 0, 0},
        {"123456789012345678901", 21, 0, 0},
        {"--1", 3, 0, 0},
    };
    size_t before = mem_used();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const TextCase *c = &cases[i];
        int64_t v = 12345;
        int got = lp_string_to_int64(c->s, c->len, &v);
        if (!CHECK_EQ_INT(c->is_int, got)) printf("    text \"%s\"\n", c->s);
        if (c->is_int) CHECK_EQ_INT(c->v, v);
        /* Stored as an integer exactly when canonical; read back unchanged. */
        unsigned char *lp = lp_append(lp_new(0), c->s, c->len);
        int64_t iv;
        uint32_t sl;
        const char *s = lp_get(lp_first(lp), &iv, &sl);
        CHECK_EQ_INT(c->is_int, s == NULL);
        char ib[LP_INTBUF_SIZE];
        s = lp_get_str(lp_first(lp), ib, &sl);
        CHECK_MEM(c->s, c->len, s, sl);
        CHECK(lp_compare(lp_first(lp), c->s, c->len));
        lp_free(lp);
    }
    /* The rule against the printf round trip, for random texts. */
    unit_srand(77);
    int mismatches = 0;
    for (int i = 0; i < 200000; i++) {
        char t[40];
        size_t len;
        switch (unit_rand_below(4)) {
        case 0: len = (size_t)snprintf(t, sizeof(t), "%lld", (long long)unit_rand64()); break;
        case 1:
            len = (size_t)snprintf(t, sizeof(t), "%lld",
                                   (long long)unit_rand64() >> unit_rand_below(64));
            break;
        default:
            len = (size_t)unit_rand_below(22);
            for (size_t j = 0; j < len; j++) {
                static const char alphabet[] = "0123456789-+ 0";
                t[j] = alphabet[unit_rand_below(sizeof(alphabet) - 1)];
            }
        }
        /* Occasionally mutate a canonical text. */
        if (len && unit_rand_below(8) == 0) t[unit_rand_below(len)] = "0-+9 "[unit_rand_below(5)];
        long long want;
        int64_t got;
        int a = ref_is_int(t, len, &want), b = lp_string_to_int64(t, len, &got);
        if (a != b || (a && want != got)) mismatches++;
    }
    CHECK_EQ_INT(0, mismatches);
    CHECK_EQ_UINT(before, mem_used());
}

/* Builds a listpack of n mixed entries and the matching model. */
static unsigned char *build_mixed(Model *m, size_t n, uint64_t seed) {
    static char buf[20000];
    unit_srand(seed);
    unsigned char *lp = lp_new(0);
    for (size_t i = 0; i < n; i++) {
        size_t len = gen_value(buf);
        lp = lp_append(lp, buf, len);
        model_insert(m, m->n, buf, len);
    }
    return lp;
}

static void test_navigation_and_seek(void) {
    size_t before = mem_used();
    Model m = {0};
    unsigned char *lp = build_mixed(&m, 301, 5);
    CHECK(model_check(lp, &m, "build"));
    long n = (long)m.n;
    int bad = 0;
    for (long i = -n - 3; i < n + 3; i++) {
        unsigned char *p = lp_seek(lp, i);
        long want = i < 0 ? n + i : i;
        if (want < 0 || want >= n) {
            if (p != NULL) bad++;
            continue;
        }
        /* Walk to the same entry from the head. */
        unsigned char *q = lp_first(lp);
        for (long k = 0; k < want; k++) q = lp_next(lp, q);
        if (p != q) bad++;
    }
    CHECK_EQ_INT(0, bad);
    /* lp_prev(lp_next(p)) == p everywhere, including the ends. */
    bad = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
        unsigned char *nx = lp_next(lp, p);
        if (nx && lp_prev(lp, nx) != p) bad++;
        if (!nx && p != lp_last(lp)) bad++;
    }
    CHECK_EQ_INT(0, bad);
    CHECK(lp_prev(lp, lp_first(lp)) == NULL);
    CHECK(lp_next(lp, lp_last(lp)) == NULL);
    lp_free(lp);
    model_free(&m);
    CHECK_EQ_UINT(before, mem_used());
}

/* 65535 in the count field means "walk to count". */
static void test_count_overflow(void) {
    size_t before = mem_used();
    /* Most of it in batches (single appends under ASan, whose realloc
     * always copies, would be quadratic), the last ones one by one. */
    unsigned char *lp = lp_new(0);
    static LpEntry many[1000];
    int added = 0;
    while (added < 65530) {
        size_t k = 65530 - added < 1000 ? (size_t)(65530 - added) : 1000;
        for (size_t i = 0; i < k; i++) {
            many[i].sval = NULL;
            many[i].lval = (added + (int)i) % 100;
        }
        lp = lp_batch_append(lp, many, k);
        added += (int)k;
    }
    CHECK_EQ_UINT(65530, header_count(lp));
    for (; added < 65534; added++) lp = lp_append_int(lp, added % 100);
    CHECK_EQ_UINT(65534, header_count(lp));
    CHECK_EQ_UINT(65534, lp_length(lp));
    lp = lp_append_int(lp, 5);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65535, lp_length(lp));
    CHECK_EQ_UINT(65535, header_count(lp));
    lp = lp_append(lp, "x", 1);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65536, lp_length(lp));
    CHECK(deep_ok(lp));
    /* Seek with an unknown count: forward from the head, negative from the tail. */
    int64_t v;
    uint32_t sl;
    CHECK(lp_get(lp_seek(lp, 65535), &v, &sl) != NULL);
    CHECK(lp_seek(lp, 65536) == NULL);
    CHECK(lp_get(lp_seek(lp, -1), &v, &sl) != NULL && sl == 1);
    CHECK(lp_get(lp_seek(lp, -2), &v, &sl) == NULL && v == 5);
    CHECK(lp_get(lp_seek(lp, 0), &v, &sl) == NULL && v == 0);
    CHECK(lp_get(lp_seek(lp, -65536), &v, &sl) == NULL && v == 0);
    CHECK(lp_seek(lp, -65537) == NULL);
    /* Deletions leave the count unknown until lp_length walks. */
    unsigned char *next;
    lp = lp_delete(lp, lp_first(lp), &next);
    CHECK_EQ_UINT(65535, header_count(lp));
    lp = lp_delete(lp, lp_first(lp), &next);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65534, lp_length(lp));
    CHECK_EQ_UINT(65534, header_count(lp));
    CHECK(deep_ok(lp));
    /* A batch that crosses the limit saturates. */
    LpEntry e[3] = {{"a", 1, 0}, {NULL, 0, 42}, {"b", 1, 0}};
    lp = lp_batch_append(lp, e, 3);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65537, lp_length(lp));
    /* Range delete with an unknown count walks. */
    lp = lp_delete_range(lp, -3, 10);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65534, lp_length(lp));
    CHECK(deep_ok(lp));
    /* Merge saturates too. */
    unsigned char *other = lp_append(lp_new(0), "z", 1);
    lp_merge(&lp, &other);
    CHECK(other == NULL);
    CHECK_EQ_UINT(65535, header_count(lp));
    CHECK_EQ_UINT(65535, lp_length(lp));
    CHECK(deep_ok(lp));
    lp_free(lp);

    /* A small listpack may legally say 65535; lp_length repairs it. */
    unsigned char *small = lp_new(0);
    small = lp_append(small, "a", 1);
    small = lp_append(small, "b", 1);
    small = lp_append(small, "c", 1);
    small[4] = 0xFF;
    small[5] = 0xFF;
    CHECK(deep_ok(small));
    CHECK_EQ_UINT(3, lp_length(small));
    CHECK_EQ_UINT(3, header_count(small));
    small[4] = 4;
    small[5] = 0;
    CHECK(!deep_ok(small));
    CHECK(lp_validate_integrity(small, lp_bytes(small), 0, NULL, NULL));
    lp_free(small);
    CHECK_EQ_UINT(before, mem_used());
}

/* Pointers returned by the write functions. */
static void test_write_pointers(void) {
    size_t before = mem_used();
    unsigned char *lp = lp_new(0);
    lp = lp_append(lp, "b", 1);
    unsigned char *p = lp_first(lp), *np = NULL;
    lp = lp_insert(lp, "a", 1, p, LP_BEFORE, &np);
    CHECK(np == lp_first(lp));
    lp = lp_insert(lp, "c", 1, lp_last(lp), LP_AFTER, &np);
    CHECK(np == lp_last(lp));
    lp = lp_insert_int(lp, 1000, lp_seek(lp, 1), LP_AFTER, &np);
    CHECK(np == lp_seek(lp, 2));
    char ib[LP_INTBUF_SIZE];
    uint32_t sl;
    const char *s = lp_get_str(np, ib, &sl);
    CHECK_MEM("1000", 4, s, sl);
    /* a b 1000 c */
    p = lp_seek(lp, 1);
    char longer[65];
    memset(longer, 'L', sizeof(longer));
    lp = lp_replace(lp, &p, longer, sizeof(longer));
    CHECK(p == lp_seek(lp, 1));
    CHECK_EQ_UINT(65, (lp_get(p, NULL, &sl), sl));
    lp = lp_replace_int(lp, &p, -5);
    CHECK(p == lp_seek(lp, 1));
    int64_t v;
    CHECK(lp_get(p, &v, &sl) == NULL && v == -5);
    /* delete in the middle: next is the following entry */
    lp = lp_delete(lp, p, &np);
    CHECK(np == lp_seek(lp, 1));
    CHECK(lp_get(np, &v, &sl) == NULL && v == 1000);
    /* delete the last: next is NULL */
    lp = lp_delete(lp, lp_last(lp), &np);
    CHECK(np == NULL);
    CHECK_EQ_UINT(2, lp_length(lp));
    /* range delete from an entry */
    lp = lp_append(lp, "x", 1);
    lp = lp_append(lp, "y", 1);
    p = lp_seek(lp, 1);
    lp = lp_delete_range_from(lp, &p, 2);
    CHECK(p == lp_seek(lp, 1));
    CHECK(lp_compare(p, "y", 1));
    lp = lp_delete_range_from(lp, &p, 5);
    CHECK(p == NULL);
    CHECK_EQ_UINT(1, lp_length(lp));
    CHECK(lp_compare(lp_first(lp), "a", 1));
    /* insert before the terminator appends */
    lp = lp_insert(lp, "z", 1, lp + lp_bytes(lp) - 1, LP_BEFORE, &np);
    CHECK(np == lp_last(lp) && lp_compare(np, "z", 1));
    /* batch insert: newp is the first inserted */
    LpEntry e[3] = {{"q", 1, 0}, {NULL, 0, 300}, {"77", 2, 0}};
    lp = lp_batch_insert(lp, lp_first(lp), LP_AFTER, e, 3, &np);
    CHECK(np == lp_seek(lp, 1));
    CHECK(lp_compare(lp_seek(lp, 1), "q", 1));
    CHECK(lp_compare(lp_seek(lp, 2), "300", 3));
    CHECK(lp_get(lp_seek(lp, 3), &v, &sl) == NULL && v == 77);
    CHECK(lp_compare(lp_seek(lp, 4), "z", 1));
    CHECK(deep_ok(lp));
    lp_free(lp);
    CHECK_EQ_UINT(before, mem_used());
}

/* Values read out of the listpack and written back into it. */
static void test_self_alias(void) {
    size_t before = mem_used();
    Model m = {0};
    unsigned char *lp = lp_new(0);
    char big[300];
    for (int i = 0; i < 300; i++) big[i] = (char)('A' + i % 26);
    lp = lp_append(lp, big, 300);
    model_insert(&m, 0, big, 300);
    lp = lp_append(lp, "short", 5);
    model_insert(&m, 1, "short", 5);
    for (int round = 0; round < 20; round++) {
        uint32_t sl;
        int64_t v;
        unsigned char *p = lp_seek(lp, (long)(round % 2));
        const char *s = lp_get(p, &v, &sl);
        size_t idx = (size_t)(round % 2);
        switch (round % 4) {
        case 0: lp = lp_prepend(lp, s, sl); model_insert(&m, 0, m.v[idx].s, m.v[idx].len); break;
        case 1: lp = lp_append(lp, s, sl); model_insert(&m, m.n, m.v[idx].s, m.v[idx].len); break;
        case 2: {
            unsigned char *q = lp_last(lp);
            size_t last = m.n - 1;
            lp = lp_replace(lp, &q, s, sl);
            Val nv = val_make(m.v[idx].s, m.v[idx].len);
            mem_free(m.v[last].s);
            m.v[last] = nv;
            break;
        }
        default: {
            LpEntry e[2] = {{s, sl, 0}, {s, sl, 0}};
            lp = lp_batch_insert(lp, lp_first(lp), LP_BEFORE, e, 2, NULL);
            Val keep = val_make(m.v[idx].s, m.v[idx].len);
            model_insert(&m, 0, keep.s, keep.len);
            model_insert(&m, 0, keep.s, keep.len);
            mem_free(keep.s);
        }
        }
        if (!CHECK(model_check(lp, &m, "self alias"))) break;
    }
    lp_free(lp);
    model_free(&m);
    CHECK_EQ_UINT(before, mem_used());
}

static long rand_index(size_t n) {
    /* in range mostly, sometimes negative, sometimes out of range */
    long r = (long)unit_rand_below(n + 4);
    if (unit_rand_below(2)) r = -r - 1;
    return r;
}

/* Every write operation against an array of strings. */
static void test_model(void) {
    size_t before = mem_used();
    static char buf[20000];
    int bad_rounds = 0;
    long steps = 0;
    for (uint64_t seed = 1; seed <= 160 && bad_rounds == 0; seed++) {
        unit_srand(seed * 7919);
        Model m = {0};
        unsigned char *lp = lp_new(unit_rand_below(2) ? 0 : 64);
        int rounds = 150 + (int)unit_rand_below(150);
        for (int step = 0; step < rounds; step++, steps++) {
            size_t len = gen_value(buf);
            unsigned op = (unsigned)unit_rand_below(m.n > 60 ? 19 : 14);
            const char *name = "";
            char t[32];
            int64_t iv = (int64_t)boundary_ints[unit_rand_below(sizeof(boundary_ints) / sizeof(boundary_ints[0]))];
            size_t tl = (size_t)snprintf(t, sizeof(t), "%lld", (long long)iv);
            switch (op) {
            case 0:
            case 1:
                name = "append";
                lp = lp_append(lp, buf, len);
                model_insert(&m, m.n, buf, len);
                break;
            case 2:
                name = "prepend";
                lp = lp_prepend(lp, buf, len);
                model_insert(&m, 0, buf, len);
                break;
            case 3:
                name = "append_int";
                lp = lp_append_int(lp, iv);
                model_insert(&m, m.n, t, tl);
                break;
            case 4:
                name = "prepend_int";
                lp = lp_prepend_int(lp, iv);
                model_insert(&m, 0, t, tl);
                break;
            case 5:
            case 6: {
                name = "insert";
                if (m.n == 0) break;
                size_t at = (size_t)unit_rand_below(m.n);
                int after = (int)unit_rand_below(2);
                unsigned char *np, *p = lp_seek(lp, (long)at);
                if (unit_rand_below(2)) {
                    lp = lp_insert(lp, buf, len, p, after ? LP_AFTER : LP_BEFORE, &np);
                    model_insert(&m, at + (size_t)after, buf, len);
                } else {
                    lp = lp_insert_int(lp, iv, p, after ? LP_AFTER : LP_BEFORE, &np);
                    model_insert(&m, at + (size_t)after, t, tl);
                }
                if (np != lp_seek(lp, (long)(at + (size_t)after))) bad_rounds++;
                break;
            }
            case 7: {
                name = "replace";
                if (m.n == 0) break;
                size_t at = (size_t)unit_rand_below(m.n);
                unsigned char *p = lp_seek(lp, (long)at);
                Val nv;
                if (unit_rand_below(2)) {
                    lp = lp_replace(lp, &p, buf, len);
                    nv = val_make(buf, len);
                } else {
                    lp = lp_replace_int(lp, &p, iv);
                    nv = val_make(t, tl);
                }
                if (p != lp_seek(lp, (long)at)) bad_rounds++;
                mem_free(m.v[at].s);
                m.v[at] = nv;
                break;
            }
            case 8:
            case 9: {
                name = "delete";
                if (m.n == 0) break;
                size_t at = (size_t)unit_rand_below(m.n);
                unsigned char *next;
                lp = lp_delete(lp, lp_seek(lp, (long)at), &next);
                model_delete(&m, at, 1);
                if (next != (at < m.n ? lp_seek(lp, (long)at) : NULL)) bad_rounds++;
                break;
            }
            case 10: {
                name = "delete_range";
                long idx = rand_index(m.n);
                uint64_t count = unit_rand_below(8) == 0 ? UINT64_MAX : unit_rand_below(12);
                lp = lp_delete_range(lp, idx, count);
                long at = idx < 0 ? (long)m.n + idx : idx;
                if (at >= 0 && at < (long)m.n)
                    model_delete(&m, (size_t)at, count > m.n ? m.n : (size_t)count);
                break;
            }
            case 11: {
                name = "delete_range_from";
                if (m.n == 0) break;
                size_t at = (size_t)unit_rand_below(m.n);
                uint64_t count = 1 + unit_rand_below(10);
                unsigned char *p = lp_seek(lp, (long)at);
                lp = lp_delete_range_from(lp, &p, count);
                model_delete(&m, at, (size_t)count);
                if (p != (at < m.n ? lp_seek(lp, (long)at) : NULL)) bad_rounds++;
                break;
            }
            case 12:
            case 13: {
                name = "batch_insert";
                enum { MAXB = 6 };
                LpEntry e[MAXB];
                static char bb[MAXB][200];
                size_t k = 1 + (size_t)unit_rand_below(MAXB);
                Val vals[MAXB];
                for (size_t i = 0; i < k; i++) {
                    if (unit_rand_below(3) == 0) {
                        e[i].sval = NULL;
                        e[i].lval = (int64_t)unit_rand64() >> unit_rand_below(64);
                        char tt[32];
                        size_t ttl = (size_t)snprintf(tt, sizeof(tt), "%lld", (long long)e[i].lval);
                        vals[i] = val_make(tt, ttl);
                    } else {
                        size_t l = gen_value(buf);
                        if (l > sizeof(bb[0])) l = sizeof(bb[0]);
                        memcpy(bb[i], buf, l);
                        e[i].sval = bb[i];
                        e[i].slen = (uint32_t)l;
                        vals[i] = val_make(bb[i], l);
                    }
                }
                size_t at;
                if (m.n == 0 || unit_rand_below(3) == 0) {
                    lp = lp_batch_append(lp, e, k);
                    at = m.n;
                } else {
                    size_t pos = (size_t)unit_rand_below(m.n);
                    int after = (int)unit_rand_below(2);
                    unsigned char *np;
                    lp = lp_batch_insert(lp, lp_seek(lp, (long)pos), after ? LP_AFTER : LP_BEFORE, e, k, &np);
                    at = pos + (size_t)after;
                    if (np != lp_seek(lp, (long)at)) bad_rounds++;
                }
                for (size_t i = 0; i < k; i++) {
                    model_insert(&m, at + i, vals[i].s, vals[i].len);
                    mem_free(vals[i].s);
                }
                break;
            }
            default: {
                /* batch delete of a random sorted subset */
                name = "batch_delete";
                unsigned char **ps = mem_alloc(m.n * sizeof(*ps) + 1);
                size_t *idx = mem_alloc(m.n * sizeof(*idx) + 1);
                size_t k = 0, i = 0;
                unsigned keep_odds = 1 + (unsigned)unit_rand_below(5);
                for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++)
                    if (unit_rand_below(keep_odds + 1) == 0) {
                        ps[k] = p;
                        idx[k++] = i;
                    }
                lp = lp_batch_delete(lp, ps, k);
                while (k--) model_delete(&m, idx[k], 1);
                mem_free(ps);
                mem_free(idx);
                break;
            }
            }
            if (!model_check(lp, &m, name)) {
                printf("    seed %llu step %d\n", (unsigned long long)seed, step);
                bad_rounds++;
                break;
            }
            /* Spot checks of find on the current content. */
            if (m.n && step % 8 == 0) {
                size_t at = (size_t)unit_rand_below(m.n);
                Val *want = &m.v[at];
                size_t first = 0;
                while (m.v[first].len != want->len ||
                       (want->len && memcmp(m.v[first].s, want->s, want->len) != 0))
                    first++;
                if (lp_find(lp, lp_first(lp), want->s, want->len, 0) != lp_seek(lp, (long)first)) {
                    printf("    find mismatch, seed %llu step %d\n", (unsigned long long)seed, step);
                    bad_rounds++;
                }
                if (!lp_compare(lp_seek(lp, (long)at), want->s, want->len)) bad_rounds++;
                /* skip = 1: only even positions */
                size_t even = 0;
                int found = 0;
                for (; even < m.n; even += 2)
                    if (m.v[even].len == want->len &&
                        (want->len == 0 || memcmp(m.v[even].s, want->s, want->len) == 0)) {
                        found = 1;
                        break;
                    }
                unsigned char *f = lp_find(lp, lp_first(lp), want->s, want->len, 1);
                if (f != (found ? lp_seek(lp, (long)even) : NULL)) bad_rounds++;
            }
        }
        lp_free(lp);
        model_free(&m);
    }
    CHECK_EQ_INT(0, bad_rounds);
    CHECK(steps > 30000);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_find_and_compare(void) {
    size_t before = mem_used();
    unsigned char *lp = lp_new(0);
    /* field/value pairs where values look like fields */
    const char *kv[] = {"f1", "f2", "10", "f1", "f2", "10", "-0", "x", "0", "y", "", "e"};
    for (int i = 0; i < 12; i++) lp = lp_append(lp, kv[i], strlen(kv[i]));
    unsigned char *first = lp_first(lp);
    CHECK(lp_find(lp, first, "f1", 2, 0) == lp_seek(lp, 0));
    CHECK(lp_find(lp, first, "f2", 2, 0) == lp_seek(lp, 1));
    CHECK(lp_find(lp, first, "f2", 2, 1) == lp_seek(lp, 4)); /* field, not the value at 1 */
    CHECK(lp_find(lp, first, "10", 2, 1) == lp_seek(lp, 2));
    CHECK(lp_find(lp, lp_seek(lp, 3), "10", 2, 1) == lp_seek(lp, 5)); /* compares 3, 5, ... */
    CHECK(lp_find(lp, lp_seek(lp, 4), "10", 2, 1) == NULL);           /* compares 4, 6, ... */
    CHECK(lp_find(lp, lp_seek(lp, 3), "10", 2, 0) == lp_seek(lp, 5));
    CHECK(lp_find(lp, first, "-0", 2, 1) == lp_seek(lp, 6)); /* a string, not 0 */
    CHECK(lp_find(lp, first, "0", 1, 1) == lp_seek(lp, 8));
    CHECK(lp_find(lp, first, "00", 2, 0) == NULL);
    CHECK(lp_find(lp, first, "010", 3, 0) == NULL);
    CHECK(lp_find(lp, first, "", 0, 1) == lp_seek(lp, 10));
    CHECK(lp_find(lp, first, "e", 1, 1) == NULL);
    CHECK(lp_find(lp, first, "e", 1, 0) == lp_seek(lp, 11));
    CHECK(lp_find(lp, first, "zz", 2, 0) == NULL);
    CHECK(lp_find(lp, NULL, "f1", 2, 0) == NULL);
    CHECK(lp_compare(lp_seek(lp, 2), "10", 2));
    CHECK(!lp_compare(lp_seek(lp, 2), "010", 3));
    CHECK(!lp_compare(lp_seek(lp, 2), "+10", 3));
    CHECK(!lp_compare(lp_seek(lp, 8), "-0", 2));
    CHECK(lp_compare(lp_seek(lp, 6), "-0", 2));
    CHECK(lp_compare(lp_seek(lp, 10), "", 0));
    CHECK(!lp_compare(lp_seek(lp, 10), "a", 1));
    CHECK(!lp_compare(lp + lp_bytes(lp) - 1, "a", 1));
    int64_t v;
    CHECK(lp_get_int(lp_seek(lp, 2), &v) && v == 10);
    CHECK(!lp_get_int(lp_seek(lp, 6), &v));
    CHECK(!lp_get_int(lp_seek(lp, 0), &v));
    /* big integers */
    lp = lp_append_int(lp, INT64_MIN);
    CHECK(lp_find(lp, lp_first(lp), "-9223372036854775808", 20, 0) == lp_last(lp));
    CHECK(lp_find(lp, lp_first(lp), "-9223372036854775809", 20, 0) == NULL);
    lp_free(lp);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_batch_and_merge(void) {
    size_t before = mem_used();
    /* batch append gives the same bytes as appending one by one */
    unit_srand(99);
    static char store[64][100];
    LpEntry e[64];
    unsigned char *one = lp_new(0);
    for (int i = 0; i < 64; i++) {
        if (i % 3 == 0) {
            e[i].sval = NULL;
            e[i].lval = (int64_t)unit_rand64() >> unit_rand_below(64);
            one = lp_append_int(one, e[i].lval);
        } else {
            size_t l = (size_t)unit_rand_below(100);
            for (size_t j = 0; j < l; j++) store[i][j] = (char)('0' + unit_rand_below(10));
            e[i].sval = store[i];
            e[i].slen = (uint32_t)l;
            one = lp_append(one, store[i], l);
        }
    }
    unsigned char *batch = lp_batch_append(lp_new(0), e, 64);
    lp_equals_blob(batch, one, lp_bytes(one));
    batch = lp_batch_append(batch, e, 0);
    lp_equals_blob(batch, one, lp_bytes(one));
    /* merge both ways equals the concatenation */
    Model ma = {0}, mb = {0};
    unsigned char *a = build_mixed(&ma, 40, 11), *b = lp_new(0);
    for (int i = 0; i < 3; i++) {
        b = lp_append(b, "sm", 2);
        model_insert(&mb, mb.n, "sm", 2);
    }
    CHECK(lp_bytes(a) > lp_bytes(b));
    for (size_t i = 0; i < mb.n; i++) model_insert(&ma, ma.n, mb.v[i].s, mb.v[i].len);
    unsigned char *a2 = lp_dup(a), *b2 = lp_dup(b);
    unsigned char *r = lp_merge(&a, &b);
    CHECK(r == a && b == NULL);
    CHECK(model_check(r, &ma, "merge larger first"));
    lp_free(r);
    /* smaller first: the second one is grown */
    Model mc = {0}, md = {0};
    unsigned char *c = lp_new(0), *d = build_mixed(&md, 50, 14);
    for (int i = 0; i < 3; i++) {
        c = lp_append_int(c, -i);
        char t[8];
        size_t tl = (size_t)snprintf(t, sizeof(t), "%d", -i);
        model_insert(&mc, mc.n, t, tl);
    }
    CHECK(lp_bytes(c) < lp_bytes(d));
    for (size_t i = 0; i < md.n; i++) model_insert(&mc, mc.n, md.v[i].s, md.v[i].len);
    r = lp_merge(&c, &d);
    CHECK(r == c && d == NULL);
    CHECK(model_check(r, &mc, "merge smaller first"));
    lp_free(r);
    /* merging an empty listpack */
    unsigned char *empty = lp_new(0);
    r = lp_merge(&a2, &empty);
    CHECK(r == a2 && empty == NULL);
    CHECK_EQ_UINT(40, lp_length(r));
    CHECK(deep_ok(r));
    lp_free(r);
    lp_free(b2);
    lp_free(one);
    lp_free(batch);
    model_free(&ma);
    model_free(&mb);
    model_free(&mc);
    model_free(&md);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_delete_range_cases(void) {
    size_t before = mem_used();
    for (long idx = -8; idx <= 8; idx++) {
        for (uint64_t cnt = 0; cnt <= 8; cnt++) {
            Model m = {0};
            unsigned char *lp = lp_new(0);
            for (int i = 0; i < 6; i++) {
                char t[8];
                size_t tl = (size_t)snprintf(t, sizeof(t), "v%d", i);
                lp = lp_append(lp, t, tl);
                model_insert(&m, m.n, t, tl);
            }
            lp = lp_delete_range(lp, idx, cnt);
            long at = idx < 0 ? 6 + idx : idx;
            if (at >= 0 && at < 6) model_delete(&m, (size_t)at, (size_t)cnt);
            if (!CHECK(model_check(lp, &m, "delete_range")))
                printf("    index %ld count %llu\n", idx, (unsigned long long)cnt);
            lp_free(lp);
            model_free(&m);
        }
    }
    CHECK_EQ_UINT(before, mem_used());
}

static void test_safe_to_add_and_sizes(void) {
    size_t before = mem_used();
    CHECK(lp_safe_to_add(NULL, LP_MAX_SAFE_SIZE));
    CHECK(!lp_safe_to_add(NULL, LP_MAX_SAFE_SIZE + 1));
    CHECK(!lp_safe_to_add(NULL, SIZE_MAX));
    unsigned char *lp = lp_new(0);
    CHECK(lp_safe_to_add(lp, LP_MAX_SAFE_SIZE - 7));
    CHECK(!lp_safe_to_add(lp, LP_MAX_SAFE_SIZE - 6));
    CHECK(!lp_safe_to_add(lp, SIZE_MAX));
    /* entry_size predicts exactly what an insert adds */
    unit_srand(3);
    static char buf[20000];
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        size_t len = gen_value(buf);
        size_t was = lp_bytes(lp);
        lp = lp_append(lp, buf, len);
        if (lp_bytes(lp) - was != lp_entry_size_str(buf, len)) bad++;
        if (lp_entry_bytes(lp_last(lp)) != lp_entry_size_str(buf, len)) bad++;
        if (lp_bytes(lp) > 200000) lp = lp_delete_range(lp, 0, 1000);
    }
    CHECK_EQ_INT(0, bad);
    lp_free(lp);
    CHECK_EQ_UINT(before, mem_used());
}

/* ------------------------------------------------------------ random */

/* d for a key "field<d>", -1 for anything else; reads only slen bytes. */
static int field_num(const LpEntry *k) {
    if (!k->sval || k->slen < 6 || memcmp(k->sval, "field", 5) != 0) return -1;
    int n = 0;
    for (uint32_t i = 5; i < k->slen; i++) {
        if (k->sval[i] < '0' || k->sval[i] > '9') return -1;
        n = n * 10 + (k->sval[i] - '0');
    }
    return n;
}

static void test_random_pickers(void) {
    size_t before = mem_used();
    enum { PAIRS = 20 };
    unsigned char *lp = lp_new(0);
    for (int i = 0; i < PAIRS; i++) {
        char f[16];
        size_t fl = (size_t)snprintf(f, sizeof(f), "field%d", i);
        lp = lp_append(lp, f, fl);
        lp = lp_append_int(lp, i * 1000); /* value tells the pair */
    }
    unit_srand(1234);
    /* pair identity: field%d goes with d*1000 */
#define PAIR_OK(k, v) ((k).sval && (v).sval == NULL && field_num(&(k)) * 1000 == (v).lval)
    int hits[PAIRS] = {0}, bad = 0;
    for (int i = 0; i < 4000; i++) {
        LpEntry k, v;
        lp_random_pair(lp, PAIRS, unit_rand64, &k, &v);
        if (!PAIR_OK(k, v)) bad++;
        else hits[v.lval / 1000]++;
        lp_random_pair(lp, PAIRS, unit_rand64, &k, NULL);
        if (!k.sval) bad++;
    }
    CHECK_EQ_INT(0, bad);
    int lo = 1 << 30, hi = 0;
    for (int i = 0; i < PAIRS; i++) {
        lo = hits[i] < lo ? hits[i] : lo;
        hi = hits[i] > hi ? hits[i] : hi;
    }
    CHECK(lo > 100 && hi < 320); /* expected 200 each */

    /* with repeats */
    memset(hits, 0, sizeof(hits));
    LpEntry ks[500], vs[500];
    int repeats = 0;
    for (int round = 0; round < 20; round++) {
        lp_random_pairs(lp, 500, unit_rand64, ks, vs);
        int seen[PAIRS] = {0};
        for (int i = 0; i < 500; i++) {
            if (!PAIR_OK(ks[i], vs[i])) {
                bad++;
                continue;
            }
            hits[vs[i].lval / 1000]++;
            if (seen[vs[i].lval / 1000]++) repeats++;
        }
    }
    lp_random_pairs(lp, 5, unit_rand64, ks, NULL);
    for (int i = 0; i < 5; i++)
        if (!ks[i].sval) bad++;
    CHECK_EQ_INT(0, bad);
    CHECK(repeats > 0);
    lo = 1 << 30;
    hi = 0;
    for (int i = 0; i < PAIRS; i++) {
        lo = hits[i] < lo ? hits[i] : lo;
        hi = hits[i] > hi ? hits[i] : hi;
    }
    CHECK(lo > 350 && hi < 650); /* expected 500 each */
    /* draw order is random: not always sorted */
    int unsorted = 0;
    for (int i = 1; i < 500; i++)
        if (vs[i].lval < vs[i - 1].lval) unsorted++;
    CHECK(unsorted > 0);

    /* unique: distinct, in listpack order, every pair reachable, uniform */
    memset(hits, 0, sizeof(hits));
    for (int round = 0; round < 3000; round++) {
        uint32_t want = 1 + (uint32_t)unit_rand_below(PAIRS);
        uint32_t got = lp_random_pairs_unique(lp, want, unit_rand64, ks, vs);
        if (got != want) bad++;
        for (uint32_t i = 0; i < got; i++) {
            if (!PAIR_OK(ks[i], vs[i])) {
                bad++;
                continue;
            }
            if (i && vs[i].lval <= vs[i - 1].lval) bad++;
            if (want == 5) hits[vs[i].lval / 1000]++;
        }
    }
    CHECK_EQ_INT(0, bad);
    /* count above the size returns them all */
    CHECK_EQ_UINT(PAIRS, lp_random_pairs_unique(lp, 100, unit_rand64, ks, NULL));
    for (int i = 0; i < PAIRS; i++)
        if (field_num(&ks[i]) != i) bad++;
    CHECK_EQ_INT(0, bad);
    /* about 3000/20 rounds asked for 5 of 20: each pair ~ 1/4 of those */
    int total5 = 0;
    lo = 1 << 30;
    hi = 0;
    for (int i = 0; i < PAIRS; i++) {
        total5 += hits[i];
        lo = hits[i] < lo ? hits[i] : lo;
        hi = hits[i] > hi ? hits[i] : hi;
    }
    CHECK(total5 > 400);
    CHECK(lo > total5 / 40 && hi < total5 / 10); /* expected total5 / 20 each */

    /* one unique pick at a time must be uniform over the pairs, the last
     * one included (selection sampling's probabilities must be exact) */
    memset(hits, 0, sizeof(hits));
    for (int round = 0; round < 20000; round++) {
        if (lp_random_pairs_unique(lp, 1, unit_rand64, ks, vs) != 1 || !PAIR_OK(ks[0], vs[0]))
            bad++;
        else
            hits[vs[0].lval / 1000]++;
    }
    CHECK_EQ_INT(0, bad);
    lo = 1 << 30;
    hi = 0;
    for (int i = 0; i < PAIRS; i++) {
        lo = hits[i] < lo ? hits[i] : lo;
        hi = hits[i] > hi ? hits[i] : hi;
    }
    CHECK(lo > 850 && hi < 1150); /* expected 1000 each, sd about 31 */

    /* single entries, and lp_next_random over all entries */
    int ehits[2 * PAIRS] = {0};
    for (int i = 0; i < 8000; i++) {
        unsigned char *p = lp_random_entry(lp, unit_rand64);
        long idx = 0;
        for (unsigned char *q = lp_first(lp); q != p; q = lp_next(lp, q)) idx++;
        ehits[idx]++;
    }
    lo = 1 << 30;
    hi = 0;
    for (int i = 0; i < 2 * PAIRS; i++) {
        lo = ehits[i] < lo ? ehits[i] : lo;
        hi = ehits[i] > hi ? ehits[i] : hi;
    }
    CHECK(lo > 120 && hi < 300); /* expected 200 */
    LpEntry ents[300];
    lp_random_entries(lp, 300, unit_rand64, ents);
    for (int i = 0; i < 300; i++)
        if (!ents[i].sval && ents[i].lval % 1000) bad++;
    CHECK_EQ_INT(0, bad);
    for (int round = 0; round < 500; round++) {
        uint32_t remaining = 1 + (uint32_t)unit_rand_below(2 * PAIRS);
        uint32_t idx = 0, got = 0, last = 0;
        unsigned char *p = lp_first(lp);
        while (remaining) {
            p = lp_next_random(lp, p, &idx, remaining, 0, unit_rand64);
            if (!p) break;
            if (got && idx <= last) bad++;
            if (p != lp_seek(lp, (long)idx)) bad++;
            last = idx;
            got++;
            remaining--;
            p = lp_next(lp, p);
            idx++;
        }
        if (remaining) bad++;
    }
    CHECK_EQ_INT(0, bad);
#undef PAIR_OK
    lp_free(lp);
    CHECK_EQ_UINT(before, mem_used());
}

/* --------------------------------------------------------- validation */

static int count_cb(unsigned char *p, unsigned int head, void *data) {
    int *c = data;
    (void)p;
    if (head != 3) return 0;
    c[0]++;
    return c[0] != c[1]; /* reject at the c[1]-th entry */
}

static int try_blob(const unsigned char *bytes, size_t n, int deep) {
    unsigned char *b = mem_alloc(n ? n : 1);
    memcpy(b, bytes, n);
    int r = lp_validate_integrity(b, n, deep, NULL, NULL);
    mem_free(b);
    return r;
}

static void test_validation_cases(void) {
    size_t before = mem_used();
    unsigned char b[64];
    size_t n;
    /* valid, to start from */
    static const unsigned char good[] = {0x85, 'h', 'e', 'l', 'l', 'o', 0x06, 0xC4, 0x00, 0x02};
    n = make_blob(b, 2, good, sizeof(good));
    CHECK(try_blob(b, n, 1));
    CHECK(try_blob(b, n, 0));
    CHECK(!try_blob(b, n - 1, 0)); /* size differs from the header */
    CHECK(!try_blob(b, 6, 0));
    CHECK(!try_blob(b, 0, 1));
    /* callback sees each entry and can reject */
    unsigned char *lp = lp_new(0);
    lp = lp_append(lp, "a", 1);
    lp = lp_append_int(lp, 1);
    lp = lp_append(lp, "c", 1);
    int c[2] = {0, 99};
    CHECK(lp_validate_integrity(lp, lp_bytes(lp), 1, count_cb, c));
    CHECK_EQ_INT(3, c[0]);
    c[0] = 0;
    c[1] = 2;
    CHECK(!lp_validate_integrity(lp, lp_bytes(lp), 1, count_cb, c));
    CHECK_EQ_INT(2, c[0]);
    /* shallow skips entries and the callback */
    c[0] = 0;
    CHECK(lp_validate_integrity(lp, lp_bytes(lp), 0, count_cb, c));
    CHECK_EQ_INT(0, c[0]);
    /* validate_first/next walk */
    unsigned char *p = lp_validate_first(lp);
    int steps = 0;
    while (p && p[0] != 0xFF) {
        if (!lp_validate_next(lp, &p, lp_bytes(lp))) break;
        steps++;
    }
    CHECK_EQ_INT(3, steps);
    CHECK(p == lp + lp_bytes(lp) - 1);
    CHECK(lp_validate_next(lp, &p, lp_bytes(lp)) && p == NULL);
    CHECK(!lp_validate_next(lp, &p, lp_bytes(lp))); /* NULL is not an entry */
    unsigned char *e0 = lp_new(0);
    CHECK(lp_validate_first(e0) == NULL);
    lp_free(e0);
    lp_free(lp);

    struct {
        const char *what;
        unsigned count;
        unsigned char e[16];
        size_t n;
    } bad[] = {
        {"invalid encoding byte", 1, {0xF5, 0x01}, 2},
        {"0xFE", 1, {0xFE, 0x01}, 2},
        {"terminator mid-list", 1, {0x01, 0x01, 0xFF, 0x00}, 4},
        {"string overruns", 1, {0x85, 'a', 'b', 0x06}, 4},
        {"12-bit string overruns", 1, {0xE0, 0x40, 'a', 0x42}, 4},
        {"32-bit length overruns", 1, {0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 'a', 0x05}, 7},
        {"32-bit header cut", 1, {0xF0, 0x01, 0x00}, 3},
        {"backlen wrong value", 1, {0x81, 'a', 0x03}, 3},
        {"backlen missing", 1, {0x81, 'a'}, 2},
        {"int64 cut", 1, {0xF4, 1, 2, 3, 4, 5, 6, 7}, 8},
        {"13-bit cut", 1, {0xC1}, 1},
        {"count too high", 2, {0x01, 0x01}, 2},
        {"count too low", 0, {0x01, 0x01}, 2},
        {"non-canonical backlen (2 bytes for 2)", 1, {0x81, 'a', 0x00, 0x82}, 4},
        {"backlen high bit on the first byte", 1, {0x81, 'a', 0x82}, 3},
        {"trailing garbage before terminator", 1, {0x01, 0x01, 0x01}, 3},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = make_blob(b, bad[i].count, bad[i].e, bad[i].n);
        if (!CHECK(!try_blob(b, n, 1))) printf("    accepted: %s\n", bad[i].what);
        CHECK(try_blob(b, n, 0)); /* header and terminator are fine */
    }
    /* An entry whose backlen ends in 0xFF, placed so that its last byte is
     * the blob's last byte: it would pass for the terminator. enc+data is
     * 255 (12-bit string of 253 bytes): backlen 0x01 0xFF. */
    {
        unsigned char big[6 + 257];
        size_t total = sizeof(big);
        big[0] = (unsigned char)total;
        big[1] = (unsigned char)(total >> 8);
        big[2] = big[3] = 0;
        big[4] = 1;
        big[5] = 0;
        big[6] = 0xE0;
        big[7] = 253;
        memset(big + 8, 'q', 253);
        big[8 + 253] = 0x01;
        big[8 + 254] = 0xFF;
        CHECK(try_blob(big, total, 0));
        CHECK(!try_blob(big, total, 1));
        unsigned char *q = mem_alloc(total);
        memcpy(q, big, total);
        unsigned char *pp = q + LP_HDR_SIZE;
        CHECK(!lp_validate_next(q, &pp, total));
        mem_free(q);
    }
    /* header says more bytes than there are / missing terminator */
    n = make_blob(b, 1, (const unsigned char[]){0x01, 0x01}, 2);
    b[0]++;
    CHECK(!try_blob(b, n, 0));
    n = make_blob(b, 1, (const unsigned char[]){0x01, 0x01}, 2);
    b[n - 1] = 0x00;
    CHECK(!try_blob(b, n, 0));
    CHECK_EQ_UINT(before, mem_used());
}

/* Walks an accepted listpack every way the API offers; returns 0 if
 * anything disagrees (it must not crash: ASan watches the reads). */
static int walk_all(unsigned char *lp) {
    char ib[LP_INTBUF_SIZE];
    uint32_t sl;
    int64_t v;
    uint32_t fwd = 0, back = 0;
    unsigned long sum = 0, sum_back = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
        const char *s = lp_get_str(p, ib, &sl);
        if (sl) sum += (unsigned char)s[sl - 1] + sl;
        (void)lp_get(p, &v, &sl);
        (void)lp_get_int(p, &v);
        fwd++;
    }
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p)) {
        const char *s = lp_get_str(p, ib, &sl);
        if (sl) sum_back += (unsigned char)s[sl - 1] + sl;
        back++;
    }
    if (fwd != back || sum != sum_back) return 0;
    if (lp_length(lp) != fwd) return 0;
    for (long i = -2; i < 3; i++) {
        unsigned char *p = lp_seek(lp, i);
        if (p) (void)lp_get_str(p, ib, &sl);
    }
    (void)lp_find(lp, lp_first(lp), "1", 1, 0);
    (void)lp_find(lp, lp_first(lp), "ab", 2, 1);
    return 1;
}

static unsigned char *mutate(const unsigned char *src, size_t n, size_t *outn) {
    size_t cap = n + 64;
    unsigned char *tmp = mem_alloc(cap);
    memcpy(tmp, src, n);
    size_t len = n;
    int edits = 1 + (int)unit_rand_below(4);
    for (int e = 0; e < edits; e++) {
        size_t at = (size_t)unit_rand_below(len);
        switch (unit_rand_below(9)) {
        case 0: tmp[at] ^= (unsigned char)(1u << unit_rand_below(8)); break;
        case 1: tmp[at] = (unsigned char)unit_rand64(); break;
        case 2: {
            static const unsigned char special[] = {0xFF, 0xF0, 0xF4, 0xF5, 0x80, 0xBF,
                                                    0xE0, 0xEF, 0xC0, 0x7F, 0x00};
            tmp[at] = special[unit_rand_below(sizeof(special))];
            break;
        }
        case 3: /* truncate */
            len = LP_HDR_SIZE + (size_t)unit_rand_below(len > LP_HDR_SIZE ? len - LP_HDR_SIZE : 1) + 1;
            break;
        case 4: /* garbage appended */
            if (len + 8 <= cap) {
                for (int i = 0; i < 8; i++) tmp[len++] = (unsigned char)unit_rand64();
            }
            break;
        case 5: /* remove a byte */
            if (len > 8) {
                memmove(tmp + at, tmp + at + 1, len - at - 1);
                len--;
            }
            break;
        case 6: /* duplicate a byte */
            if (len + 1 <= cap) {
                memmove(tmp + at + 1, tmp + at, len - at);
                len++;
            }
            break;
        case 7: tmp[4] = (unsigned char)unit_rand64(); tmp[5] = unit_rand_below(2) ? 0 : 0xFF; break;
        default: /* swap two bytes */ {
            size_t b2 = (size_t)unit_rand_below(len);
            unsigned char t = tmp[at];
            tmp[at] = tmp[b2];
            tmp[b2] = t;
        }
        }
        if (len < LP_HDR_SIZE + 1) len = LP_HDR_SIZE + 1;
    }
    /* Usually make it pass the shallow checks, so deep validation is what
     * has to catch the damage. */
    if (unit_rand_below(4)) {
        tmp[0] = (unsigned char)len;
        tmp[1] = (unsigned char)(len >> 8);
        tmp[2] = (unsigned char)(len >> 16);
        tmp[3] = (unsigned char)(len >> 24);
        if (unit_rand_below(4)) tmp[len - 1] = 0xFF;
    }
    unsigned char *out = mem_alloc(len); /* exact size: ASan sees any overread */
    memcpy(out, tmp, len);
    mem_free(tmp);
    *outn = len;
    return out;
}

static int accept_cb(unsigned char *p, unsigned int head, void *data) {
    (void)p;
    (void)head;
    ++*(long *)data;
    return 1;
}

static void test_validation_mutations(void) {
    size_t before = mem_used();
    static char buf[20000];
    long accepted = 0, rejected = 0, broken = 0, tried = 0;
    for (uint64_t seed = 1; seed <= 150; seed++) {
        unit_srand(seed * 104729);
        /* a valid listpack of small and medium entries */
        unsigned char *lp = lp_new(0);
        int n = 1 + (int)unit_rand_below(40);
        if (seed % 2 == 0) {
            /* only the small entries (7-bit integers, strings under 64
             * bytes) the validator steps over on its fast path */
            n = 1 + (int)unit_rand_below(200);
            for (int i = 0; i < n; i++) {
                size_t len = unit_rand_below(3) ? 1 + unit_rand_below(63) : 0;
                for (size_t j = 0; j < len; j++) buf[j] = (char)('a' + unit_rand_below(26));
                if (len) lp = lp_append(lp, buf, len);
                else lp = lp_append_int(lp, (int64_t)unit_rand_below(128));
            }
        }
        for (int i = 0; i < n && seed % 2; i++) {
            size_t len = gen_value(buf);
            if (len > 300 && unit_rand_below(4)) len = 300;
            lp = lp_append(lp, buf, len);
        }
        if (!deep_ok(lp)) broken++;
        for (int k = 0; k < 60; k++) {
            size_t mn;
            unsigned char *m = mutate(lp, lp_bytes(lp), &mn);
            tried++;
            /* Without a callback validation takes its own path for the
             * common entries: it must agree with the callback path. */
            long visited = 0;
            int plain = lp_validate_integrity(m, mn, 1, NULL, NULL);
            if (plain != lp_validate_integrity(m, mn, 1, accept_cb, &visited)) broken++;
            if (plain) {
                accepted++;
                if (!walk_all(m)) broken++;
                /* accepted means writable too */
                m = lp_append(m, "tail", 4);
                unsigned char *f = lp_first(m);
                m = lp_delete(m, f, NULL);
                m = lp_prepend_int(m, 123456);
                if (!deep_ok(m)) broken++;
            } else {
                rejected++;
            }
            mem_free(m);
        }
        lp_free(lp);
    }
    CHECK_EQ_INT(0, broken);
    CHECK(tried >= 9000);
    CHECK(accepted > 100); /* some mutations keep it valid (e.g. a changed data byte) */
    CHECK(rejected > 1000);
    printf("    mutations: %ld tried, %ld accepted, %ld rejected\n", tried, accepted, rejected);
    CHECK_EQ_UINT(before, mem_used());
}

/* Shallow-accepted corrupt listpacks walked through the API in child
 * processes: each case may finish or abort with a message, never fault or
 * read out of bounds (ASan would exit the child with an error instead).
 * One child walks the cases in turn, telling the parent through a pipe
 * which one it is on; after an abort the next child resumes past it. */
static void test_shallow_walk_aborts_cleanly(void) {
    enum { CASES = 150 };
    static char buf[20000];
    static unsigned char *cases[CASES];
    int ncases = 0, bad = 0, aborted = 0, finished = 0, forks = 0;
    unit_srand(4242);
    while (ncases < CASES) {
        unsigned char *lp = lp_new(0);
        int n = 1 + (int)unit_rand_below(20);
        for (int i = 0; i < n; i++) {
            size_t len = gen_value(buf);
            if (len > 200) len = 200;
            lp = lp_append(lp, buf, len);
        }
        size_t mn;
        unsigned char *m = mutate(lp, lp_bytes(lp), &mn);
        lp_free(lp);
        if (lp_validate_integrity(m, mn, 0, NULL, NULL))
            cases[ncases++] = m;
        else
            mem_free(m);
    }
    int next = 0;
    while (next < ncases && forks < CASES + 1) {
        int fd[2];
        if (pipe(fd) != 0) {
            bad++;
            break;
        }
        fflush(stdout);
        forks++;
        pid_t pid = fork();
        if (pid == 0) {
            close(fd[0]);
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) dup2(devnull, 2);
            alarm(60);
            for (int i = next; i <= ncases; i++) {
                if (write(fd[1], &i, sizeof(i)) != (ssize_t)sizeof(i)) _exit(3);
                if (i < ncases) walk_all(cases[i]);
            }
            _exit(0);
        }
        close(fd[1]);
        int at = -1, v;
        while (read(fd[0], &v, sizeof(v)) == (ssize_t)sizeof(v)) at = v;
        close(fd[0]);
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || at < next) {
            bad++;
            break;
        }
        finished += at - next; /* the cases before the one it stopped on */
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && at == ncases) {
            next = ncases;
        } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && at < ncases) {
            aborted++;
            next = at + 1;
        } else {
            bad++;
            printf("    case %d: child status 0x%x\n", at, status);
            next = at + 1;
        }
    }
    for (int i = 0; i < ncases; i++) mem_free(cases[i]);
    CHECK_EQ_INT(0, bad);
    CHECK_EQ_INT(ncases, finished + aborted + bad);
    CHECK(aborted > 10);
    CHECK(finished > 10);
    printf("    shallow-only walks: %d finished, %d aborted, %d forks\n", finished, aborted, forks);
}

/* lp_put_* against lp_append: the same random values, the same bytes;
 * lp_reader_next reads them back as lp_get_entry does. */
static void test_put_and_reader_model(void) {
    size_t before = mem_used();
    static char buf[20000];
    long rounds = 0, entries = 0;
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        unit_srand(seed * 7919);
        size_t n = (size_t)unit_rand_below(seed % 10 == 0 ? 300 : 30);
        unsigned char *ref = lp_new(0);
        size_t cap = LP_HDR_SIZE + 1, vals = 0;
        char **texts = mem_alloc((n + 1) * sizeof(char *));
        size_t *lens = mem_alloc((n + 1) * sizeof(size_t));
        int64_t *ints = mem_alloc((n + 1) * sizeof(int64_t));
        int *is_int = mem_alloc((n + 1) * sizeof(int));
        for (size_t i = 0; i < n; i++) {
            if (unit_rand_below(3) == 0) {
                int64_t v = unit_rand_below(2) ? (int64_t)unit_rand_below(300) - 150 : (int64_t)unit_rand64();
                if (unit_rand_below(4) == 0)
                    v = boundary_ints[unit_rand_below(sizeof(boundary_ints) / sizeof(boundary_ints[0]))];
                ints[i] = v;
                is_int[i] = 1;
                texts[i] = NULL;
                lens[i] = 0;
                ref = lp_append_int(ref, v);
                cap += LP_PUT_INT_MAX;
            } else {
                size_t len = gen_value(buf);
                if (len > 5000 && unit_rand_below(2)) len = 5000;
                texts[i] = mem_alloc(len + 1);
                memcpy(texts[i], buf, len);
                lens[i] = len;
                is_int[i] = 0;
                ref = lp_append(ref, texts[i], len);
                cap += lp_put_str_max(len);
            }
            vals++;
        }
        unsigned char *lp = mem_alloc(cap);
        unsigned char *p = lp + LP_HDR_SIZE;
        for (size_t i = 0; i < n; i++)
            p += is_int[i] ? lp_put_int(p, ints[i]) : lp_put_str(p, texts[i], lens[i]);
        size_t total = lp_put_finish(lp, p, vals);
        CHECK(total <= cap);
        if (!CHECK_MEM((const char *)ref, lp_bytes(ref), (const char *)lp, total)) break;
        /* The reader over the built listpack: every entry as lp_get_entry. */
        LpReader r;
        CHECK(lp_reader_init(&r, lp, total));
        unsigned char *q = lp_first(ref);
        size_t seen = 0;
        LpEntry e, w;
        int rc;
        while ((rc = lp_reader_next(&r, &e)) == 1) {
            if (!CHECK(q != NULL)) break;
            lp_get_entry(q, &w);
            CHECK((e.sval == NULL) == (w.sval == NULL));
            if (e.sval) CHECK_MEM(w.sval, w.slen, e.sval, e.slen);
            else CHECK_EQ_INT(w.lval, e.lval);
            q = lp_next(ref, q);
            seen++;
        }
        CHECK_EQ_INT(0, rc);
        CHECK_EQ_UINT(n, seen);
        {
            LpEntry few[8], *arr = few;
            long all = lp_read_all(lp, total, &arr, 8);
            if (CHECK_EQ_INT((long)n, all)) {
                unsigned char *rp = lp_first(ref);
                for (long i = 0; i < all && rp; i++, rp = lp_next(ref, rp)) {
                    LpEntry w2;
                    lp_get_entry(rp, &w2);
                    CHECK((arr[i].sval == NULL) == (w2.sval == NULL));
                    if (arr[i].sval) CHECK_MEM(w2.sval, w2.slen, arr[i].sval, arr[i].slen);
                    else CHECK_EQ_INT(w2.lval, arr[i].lval);
                }
            }
            if (arr != few) mem_free(arr);
        }
        CHECK_EQ_UINT(lp_length(ref), lp_reader_count(lp) == LP_COUNT_UNKNOWN ? seen : lp_reader_count(lp));
        entries += (long)seen;
        for (size_t i = 0; i < n; i++) mem_free(texts[i]);
        mem_free(texts);
        mem_free(lens);
        mem_free(ints);
        mem_free(is_int);
        mem_free(lp);
        lp_free(ref);
        rounds++;
    }
    printf("    put/reader: %ld rounds, %ld entries\n", rounds, entries);
    CHECK_EQ_UINT(before, mem_used());
}

/* On corrupt input the reader agrees with deep validation: it reads to a
 * clean terminator exactly when lp_validate_integrity (deep, count
 * aside) accepts, and never reads outside the blob (ASan build). */
/* Deep validation but for the count, walked with lp_validate_next (an
 * independent check: lp_validate_integrity itself uses the reader). */
static int validate_ignoring_count(unsigned char *m, size_t mn) {
    if (mn < LP_HDR_SIZE + 1 || !lp_validate_integrity(m, mn, 0, NULL, NULL)) return 0;
    unsigned char *p = m + LP_HDR_SIZE;
    while (p[0] != 0xFF) {
        if (!lp_validate_next(m, &p, mn)) return 0;
        if (!p) return 0;
    }
    return p == m + mn - 1;
}

static void test_reader_mutations(void) {
    size_t before = mem_used();
    static char buf[20000];
    long tried = 0, agree = 0, accepted = 0, agree_all = 0, read_all_ok = 0;
    for (uint64_t seed = 1; seed <= 150; seed++) {
        unit_srand(seed * 15485863);
        unsigned char *lp = lp_new(0);
        int n = 1 + (int)unit_rand_below(40);
        for (int i = 0; i < n; i++) {
            size_t len = gen_value(buf);
            if (len > 300 && unit_rand_below(4)) len = 300;
            lp = lp_append(lp, buf, len);
        }
        for (int k = 0; k < 60; k++) {
            size_t mn;
            unsigned char *m = mutate(lp, lp_bytes(lp), &mn);
            tried++;
            int want = validate_ignoring_count(m, mn);
            LpReader r;
            int got = 0;
            uint32_t cnt = 0;
            if (lp_reader_init(&r, m, mn)) {
                LpEntry e;
                int rc;
                unsigned long sink = 0;
                while ((rc = lp_reader_next(&r, &e)) == 1) {
                    sink += e.sval ? e.slen : (unsigned long)e.lval;
                    cnt++;
                }
                (void)sink;
                got = rc == 0;
            }
            /* lp_read_all agrees too (count included), from a small
             * caller array that it must outgrow now and then. */
            LpEntry small[4], *arr = small;
            long all = lp_read_all(m, mn, &arr, 4);
            int head_ok = got && (lp_reader_count(m) == LP_COUNT_UNKNOWN || lp_reader_count(m) == cnt);
            if ((all >= 0) == head_ok) agree_all++;
            if (all >= 0 && (uint32_t)all == cnt) read_all_ok++;
            if (arr != small) mem_free(arr);
            if (got == want) agree++;
            if (got) accepted++;
            mem_free(m);
        }
        lp_free(lp);
    }
    CHECK_EQ_INT(tried, agree);
    CHECK_EQ_INT(tried, agree_all);
    CHECK(read_all_ok > 100);
    CHECK(accepted > 100);
    CHECK_EQ_UINT(before, mem_used());
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_hello_1024);
    UNIT_RUN(test_int_encodings);
    UNIT_RUN(test_canonical_ints);
    UNIT_RUN(test_navigation_and_seek);
    UNIT_RUN(test_write_pointers);
    UNIT_RUN(test_self_alias);
    UNIT_RUN(test_model);
    UNIT_RUN(test_find_and_compare);
    UNIT_RUN(test_batch_and_merge);
    UNIT_RUN(test_delete_range_cases);
    UNIT_RUN(test_safe_to_add_and_sizes);
    UNIT_RUN(test_random_pickers);
    UNIT_RUN(test_validation_cases);
    UNIT_RUN(test_validation_mutations);
    UNIT_RUN(test_put_and_reader_model);
    UNIT_RUN(test_reader_mutations);
    /* Forks: before the big allocations below make fork slow. */
    UNIT_RUN(test_shallow_walk_aborts_cleanly);
    UNIT_RUN(test_count_overflow);
    UNIT_RUN(test_string_encodings); /* 256 MB entries */
    return unit_finish();
}
