/* test_str.c - unit tests for src/ds/str (binary-safe growable strings).
 *
 * Every test checks the two invariants from str.h after each operation:
 * buf[len] is NUL and cap >= len.  Covers construction from binary data,
 * cat/catfmt (short, past capacity, huge), resize with zero-filling (also
 * over bytes a shorter resize left behind), reserve, geometric then linear
 * growth, shrink, clear, dup independence, and that freeing returns
 * mem_used() to where it was. */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/str.h"
#include "unit.h"

static int str_ok(const Str *s) {
    return s && s->cap >= s->len && s->buf[s->len] == '\0';
}

#define CHECK_STR_IS(s, lit) CHECK_MEM((lit), sizeof(lit) - 1, (s)->buf, (s)->len)

static void test_new(void) {
    size_t before = mem_used();
    Str *s = str_new("ab\0cd", 5);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(5, s->len);
    CHECK_STR_IS(s, "ab\0cd");

    Str *e = str_new(NULL, 0);
    CHECK(str_ok(e));
    CHECK_EQ_UINT(0, e->len);

    Str *c = str_from_cstr("hello");
    CHECK(str_ok(c));
    CHECK_STR("hello", c->buf);
    CHECK_EQ_UINT(5, c->len);

    Str *w = str_with_capacity(100);
    CHECK(str_ok(w));
    CHECK_EQ_UINT(0, w->len);
    CHECK(w->cap >= 100);
    CHECK_EQ_INT('\0', w->buf[0]);

    Str *d = str_dup(s);
    CHECK(d != s);
    CHECK(str_ok(d));
    CHECK_STR_IS(d, "ab\0cd");
    d->buf[0] = 'X';
    CHECK_EQ_INT('a', s->buf[0]); /* the copy is independent */

    CHECK(mem_used() > before);
    str_free(s);
    str_free(e);
    str_free(c);
    str_free(w);
    str_free(d);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_cat(void) {
    size_t before = mem_used();
    Str *s = str_new("", 0);
    s = str_cat(s, "foo", 3);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "foo");
    s = str_cat_cstr(s, "bar");
    CHECK_STR_IS(s, "foobar");
    s = str_cat(s, "\0\xff", 2);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "foobar\0\xff");
    s = str_cat(s, "zzz", 0);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(8, s->len);

    /* Many small appends against a reference buffer. */
    static char ref[200000];
    size_t rlen = 0;
    str_clear(s);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(0, s->len);
    int bad = 0;
    unit_srand(7);
    while (rlen < sizeof(ref) - 100) {
        char chunk[64];
        size_t n = (size_t)unit_rand_below(sizeof(chunk));
        for (size_t i = 0; i < n; i++) chunk[i] = (char)unit_rand64();
        memcpy(ref + rlen, chunk, n);
        rlen += n;
        s = str_cat(s, chunk, n);
        if (!str_ok(s) || s->len != rlen) bad++;
    }
    CHECK_EQ_INT(0, bad);
    CHECK_MEM(ref, rlen, s->buf, s->len);
    str_free(s);
    CHECK_EQ_UINT(before, mem_used());
}

/* Growth is geometric while small (few reallocations for many appends)
 * and linear once big (no doubling of multi-megabyte strings). */
static void test_growth_policy(void) {
    Str *s = str_new("", 0);
    int cap_changes = 0;
    size_t cap = s->cap;
    for (int i = 0; i < 200000; i++) {
        s = str_cat(s, "x", 1);
        if (s->cap != cap) {
            cap_changes++;
            cap = s->cap;
        }
    }
    CHECK(str_ok(s));
    CHECK_EQ_UINT(200000, s->len);
    /* Doubling from a few bytes to 200 KB needs about 16 steps. */
    CHECK(cap_changes <= 30);
    str_free(s);

    s = str_new("", 0);
    static char chunk[65536];
    memset(chunk, 'y', sizeof(chunk));
    double worst = 0;
    while (s->len < 12u * 1024 * 1024) {
        size_t oldcap = s->cap;
        s = str_cat(s, chunk, sizeof(chunk));
        if (s->cap != oldcap && s->len >= 8u * 1024 * 1024) {
            double ratio = (double)s->cap / (double)s->len;
            if (ratio > worst) worst = ratio;
        }
    }
    CHECK(str_ok(s));
    CHECK(worst > 0);    /* we did see growth past 8 MB */
    CHECK(worst < 1.5);  /* doubling would give ~2.0 */
    str_free(s);
}

static void test_catfmt(void) {
    size_t before = mem_used();
    Str *s = str_from_cstr("n=");
    s = str_catfmt(s, "%d", 42);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "n=42");
    s = str_catfmt(s, ",%s,%lld,%c", "str", -9223372036854775807LL - 1, 'z');
    CHECK(str_ok(s));
    CHECK_STR("n=42,str,-9223372036854775808,z", s->buf);
    CHECK_EQ_UINT(strlen("n=42,str,-9223372036854775808,z"), s->len);
    /* Empty output changes nothing. */
    size_t len = s->len;
    s = str_catfmt(s, "%s", "");
    CHECK_EQ_UINT(len, s->len);
    CHECK(str_ok(s));

    /* Output much larger than the capacity takes the grow-and-retry path. */
    Str *t = str_with_capacity(4);
    char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    t = str_catfmt(t, "<%s>", big);
    CHECK(str_ok(t));
    CHECK_EQ_UINT(sizeof(big) + 1, t->len);
    CHECK_EQ_INT('<', t->buf[0]);
    CHECK_EQ_INT('q', t->buf[1]);
    CHECK_EQ_INT('q', t->buf[sizeof(big) - 1]);
    CHECK_EQ_INT('>', t->buf[sizeof(big)]);

    /* Exactly filling the spare capacity, then one byte past it. */
    Str *u = str_with_capacity(16);
    size_t room = u->cap;
    char fill[256];
    if (CHECK(room < sizeof(fill))) {
        memset(fill, 'a', room);
        fill[room] = '\0';
        u = str_catfmt(u, "%s", fill);
        CHECK(str_ok(u));
        CHECK_EQ_UINT(room, u->len);
        u = str_catfmt(u, "%s", "b");
        CHECK(str_ok(u));
        CHECK_EQ_UINT(room + 1, u->len);
        CHECK_EQ_INT('b', u->buf[room]);
        CHECK_EQ_INT('a', u->buf[room - 1]);
    }

    /* Binary content before the formatted part is preserved. */
    Str *v = str_new("\0\0", 2);
    v = str_catfmt(v, "%u", 7u);
    CHECK_STR_IS(v, "\0\0" "7");
    str_free(s);
    str_free(t);
    str_free(u);
    str_free(v);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_resize(void) {
    Str *s = str_from_cstr("abcdef");
    s = str_resize(s, 2);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "ab");
    /* Growing again must zero-fill, not resurrect "cdef". */
    s = str_resize(s, 6);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "ab\0\0\0\0");
    /* Growing past the capacity zero-fills too. */
    s = str_resize(s, 3000);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(3000, s->len);
    int nonzero = 0;
    for (size_t i = 2; i < 3000; i++)
        if (s->buf[i] != 0) nonzero++;
    CHECK_EQ_INT(0, nonzero);
    CHECK_EQ_INT('a', s->buf[0]);
    CHECK_EQ_INT('b', s->buf[1]);
    s = str_resize(s, 0);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(0, s->len);
    /* Same size: no change. */
    s = str_cat(s, "xyz", 3);
    s = str_resize(s, 3);
    CHECK_STR_IS(s, "xyz");
    str_free(s);
}

static void test_reserve_shrink_clear(void) {
    size_t before = mem_used();
    Str *s = str_from_cstr("keep");
    s = str_reserve(s, 10000);
    CHECK(str_ok(s));
    CHECK(s->cap - s->len >= 10000);
    CHECK_STR_IS(s, "keep");
    /* Appending within the reservation does not move the string. */
    Str *same = s;
    char chunk[10000];
    memset(chunk, 'k', sizeof(chunk));
    s = str_cat(s, chunk, sizeof(chunk));
    CHECK(s == same);
    CHECK_EQ_UINT(10004, s->len);
    /* A reservation already satisfied changes nothing. */
    size_t cap = s->cap;
    s = str_reserve(s, 0);
    CHECK_EQ_UINT(cap, s->cap);

    s = str_reserve(s, 1 << 20);
    size_t big_used = mem_used();
    size_t big_cap = s->cap;
    s = str_shrink(s);
    CHECK(str_ok(s));
    CHECK(s->cap >= s->len);
    CHECK(s->cap < big_cap);
    CHECK(s->cap - s->len < 4096); /* within allocator rounding */
    CHECK(mem_used() < big_used);
    CHECK_EQ_UINT(10004, s->len);
    CHECK_EQ_INT('k', s->buf[10003]);
    CHECK_EQ_INT('p', s->buf[3]);

    str_clear(s);
    CHECK(str_ok(s));
    CHECK_EQ_UINT(0, s->len);
    s = str_shrink(s);
    CHECK(str_ok(s));
    CHECK(s->cap < big_cap);
    CHECK(s->cap <= 4096); /* a page at most: glibc keeps mmapped blocks page-sized */
    s = str_cat_cstr(s, "after");
    CHECK_STR_IS(s, "after");
    str_free(s);
    CHECK_EQ_UINT(before, mem_used());
}

/* Appending nothing from a NULL pointer is a no-op, as str_new(NULL, 0)
 * is; memcpy(dst, NULL, 0) is undefined, so under UBSan an unguarded copy
 * aborts here.  Run last so every other check has reported first. */
static void test_cat_null_empty(void) {
    Str *s = str_new(NULL, 0);
    s = str_cat(s, "ab", 2);
    s = str_cat(s, NULL, 0);
    CHECK(str_ok(s));
    CHECK_STR_IS(s, "ab");
    str_free(s);
}

/* str_cat_repr: every escape, \xHH for control and high bytes, printable
 * runs copied as they are, and the result reads back through the inline
 * quoting rules (resp_split_args is not linked here, so the reverse is
 * checked by hand for each byte value). */
static void test_repr(void) {
    size_t before = mem_used();
    Str *s = str_cat_repr(str_from_cstr("x="), "a\"b\\c\n\r\t\a\b\x01\x7f\xff z", 15);
    CHECK_STR_IS(s, "x=\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\xff z\"");
    str_free(s);
    s = str_cat_repr(str_with_capacity(0), "", 0);
    CHECK_STR_IS(s, "\"\"");
    str_free(s);
    /* All 256 byte values: printable ASCII stays, everything else grows. */
    for (int b = 0; b < 256; b++) {
        char in = (char)b;
        s = str_cat_repr(str_with_capacity(0), &in, 1);
        size_t inner = s->len - 2;
        int plain = b >= 0x20 && b < 0x7f && b != '"' && b != '\\';
        CHECK_EQ_UINT(plain ? 1 : (inner == 2 ? 2 : 4), inner);
        if (plain) CHECK_EQ_INT(b, (unsigned char)s->buf[1]);
        if (inner == 4) {
            unsigned v = 0;
            CHECK(sscanf(s->buf + 3, "%2x", &v) == 1);
            CHECK_EQ_UINT((unsigned)b, v);
        }
        str_free(s);
    }
    CHECK_EQ_UINT(before, mem_used());
}

int main(void) {
    UNIT_RUN(test_repr);
    UNIT_RUN(test_new);
    UNIT_RUN(test_cat);
    UNIT_RUN(test_growth_policy);
    UNIT_RUN(test_catfmt);
    UNIT_RUN(test_resize);
    UNIT_RUN(test_reserve_shrink_clear);
    UNIT_RUN(test_cat_null_empty);
    return unit_finish();
}
