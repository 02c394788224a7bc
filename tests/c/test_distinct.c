/* test_distinct.c - unit tests for src/ds/distinct (repeated-string
 * detection for loaders).
 *
 * A randomized model test against the obvious pairwise comparison:
 * thousands of seeded sets of strings drawn from a small alphabet (so
 * repeats are common), with lengths around the hash's word boundaries
 * (0-3, 4-7, 8, 9-16, long), sizes on both sides of the stack table, and
 * the three layouts callers use (a plain array, every other view of a
 * field/value array, a view inside a bigger struct).  Then strings built
 * to agree on length, first and last bytes while differing inside. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/distinct.h"
#include "unit.h"

static int naive_distinct(const ByteView *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (v[i].len == v[j].len && (v[i].len == 0 || !memcmp(v[i].p, v[j].p, v[i].len))) return 0;
    return 1;
}

typedef struct Wrapped {
    ByteView v;
    double other;
} Wrapped;

static size_t gen_len(void) {
    switch (unit_rand_below(6)) {
    case 0: return (size_t)unit_rand_below(4);
    case 1: return 4 + (size_t)unit_rand_below(4);
    case 2: return 8;
    case 3: return 9 + (size_t)unit_rand_below(8);
    case 4: return 17 + (size_t)unit_rand_below(40);
    default: return (size_t)unit_rand_below(3);
    }
}

static void test_model(void) {
    enum { MAXN = 700, MAXLEN = 60 };
    static char buf[MAXN][MAXLEN];
    static ByteView plain[MAXN], pairs[2 * MAXN];
    static Wrapped wrapped[MAXN];
    for (int round = 0; round < 4000; round++) {
        unit_srand(7000 + (uint64_t)round);
        size_t n = round % 10 == 0 ? (size_t)unit_rand_below(MAXN) : (size_t)unit_rand_below(40);
        /* a two-letter alphabet makes short repeats likely; a wider one
         * mostly distinct sets */
        int letters = unit_rand_below(2) ? 2 : 26;
        for (size_t i = 0; i < n; i++) {
            size_t len = gen_len();
            for (size_t k = 0; k < len; k++) buf[i][k] = (char)('a' + unit_rand_below((uint64_t)letters));
            if (unit_rand_below(8) == 0 && i > 0) {
                /* an exact copy of an earlier string */
                size_t j = (size_t)unit_rand_below(i);
                memcpy(buf[i], buf[j], MAXLEN);
                len = plain[j].len;
            }
            plain[i] = (ByteView){buf[i], len};
            pairs[2 * i] = plain[i];
            pairs[2 * i + 1] = (ByteView){"value", 5};
            wrapped[i] = (Wrapped){plain[i], (double)i};
        }
        int want = naive_distinct(plain, n);
        CHECK_EQ_INT(want, bytes_distinct(plain, n, sizeof(ByteView)));
        CHECK_EQ_INT(want, bytes_distinct(pairs, n, 2 * sizeof(ByteView)));
        CHECK_EQ_INT(want, bytes_distinct(&wrapped[0].v, n, sizeof(Wrapped)));
    }
}

/* Strings equal in length, first and last bytes and in every 8-byte
 * word but one differ only in the middle: all distinct, then one repeat. */
static void test_near_misses(void) {
    enum { N = 300, LEN = 40 };
    static char buf[N][LEN];
    static ByteView v[N];
    for (int i = 0; i < N; i++) {
        memset(buf[i], 'x', LEN);
        buf[i][17] = (char)(i & 0xFF);
        buf[i][18] = (char)(i >> 8);
        v[i] = (ByteView){buf[i], LEN};
    }
    CHECK(bytes_distinct(v, N, sizeof(ByteView)));
    v[N - 1] = v[123];
    CHECK(!bytes_distinct(v, N, sizeof(ByteView)));
    /* short strings that differ only in the middle byte */
    static char s3[256][3];
    static ByteView w[256];
    for (int i = 0; i < 256; i++) {
        s3[i][0] = 'a';
        s3[i][1] = (char)i;
        s3[i][2] = 'z';
        w[i] = (ByteView){s3[i], 3};
    }
    CHECK(bytes_distinct(w, 256, sizeof(ByteView)));
    /* the empty string once is fine, twice is a repeat */
    ByteView e[3] = {{"", 0}, {"a", 1}, {"x", 0}};
    CHECK(!bytes_distinct(e, 3, sizeof(ByteView)));
    CHECK(bytes_distinct(e, 2, sizeof(ByteView)));
    CHECK(bytes_distinct(e, 0, sizeof(ByteView)));
    CHECK(bytes_distinct(e, 1, sizeof(ByteView)));
}

int main(void) {
    UNIT_RUN(test_model);
    UNIT_RUN(test_near_misses);
    return unit_finish();
}
