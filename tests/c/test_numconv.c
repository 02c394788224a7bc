/* test_numconv.c - unit tests for deps/numconv (strict number parsing and
 * formatting).
 *
 * Parsing must be as strict as Valkey's protocol: no sign '+', no spaces,
 * no leading zeros, no "-0", whole input consumed (inputs are (pointer,
 * length) and need not be NUL-ended, so a NUL inside the length is
 * garbage too), overflow is an error right at the 2^63 / 2^64 edges.
 * Formatting must round-trip (ll_to_str, double_to_str), and ld_to_str
 * must print INCRBYFLOAT's human form. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/numconv/numconv.h"
#include "unit.h"

/* Parses a literal (length from sizeof, so embedded NULs count). */
#define LL_OK(lit, val)                                             \
    do {                                                            \
        long long v_ = 12345;                                       \
        if (CHECK(str_to_ll((lit), sizeof(lit) - 1, &v_) == 1))     \
            CHECK_EQ_INT((val), v_);                                \
    } while (0)
#define LL_BAD(lit) CHECK(str_to_ll((lit), sizeof(lit) - 1, &dummy_ll) == 0)

static long long dummy_ll;

static void test_str_to_ll(void) {
    LL_OK("0", 0);
    LL_OK("1", 1);
    LL_OK("-1", -1);
    LL_OK("10", 10);
    LL_OK("-250", -250);
    LL_OK("9223372036854775807", LLONG_MAX);
    LL_OK("9223372036854775806", LLONG_MAX - 1);
    LL_OK("-9223372036854775808", LLONG_MIN);
    LL_OK("-9223372036854775807", LLONG_MIN + 1);

    LL_BAD("");
    LL_BAD("-");
    LL_BAD("+1");
    LL_BAD("+0");
    LL_BAD(" 1");
    LL_BAD("1 ");
    LL_BAD("\t1");
    LL_BAD("1\n");
    LL_BAD("01");
    LL_BAD("00");
    LL_BAD("-0");
    LL_BAD("-00");
    LL_BAD("-01");
    LL_BAD("--1");
    LL_BAD("1-");
    LL_BAD("1a");
    LL_BAD("a1");
    LL_BAD("0x10");
    LL_BAD("1.0");
    LL_BAD("1e3");
    LL_BAD("1\0");
    LL_BAD("1\0" "2");
    LL_BAD("9223372036854775808");   /* 2^63 */
    LL_BAD("-9223372036854775809");  /* -2^63 - 1 */
    LL_BAD("18446744073709551615");  /* 2^64 - 1 */
    LL_BAD("18446744073709551616");  /* 2^64 */
    LL_BAD("-18446744073709551616");
    LL_BAD("99999999999999999999");
    LL_BAD("100000000000000000000");
    LL_BAD("92233720368547758070");

    /* Only len bytes are read: no NUL terminator needed. */
    const char digits[] = {'4', '2', '7', 'x'};
    long long v = 0;
    CHECK_EQ_INT(1, str_to_ll(digits, 2, &v));
    CHECK_EQ_INT(42, v);
    CHECK_EQ_INT(1, str_to_ll(digits, 3, &v));
    CHECK_EQ_INT(427, v);
    CHECK_EQ_INT(0, str_to_ll(digits, 4, &v));
    CHECK_EQ_INT(0, str_to_ll(digits, 0, &v));
}

static void test_str_to_ull(void) {
    unsigned long long v = 0;
    CHECK_EQ_INT(1, str_to_ull("18446744073709551615", 20, &v));
    CHECK_EQ_UINT(ULLONG_MAX, v);
    CHECK_EQ_INT(1, str_to_ull("18446744073709551614", 20, &v));
    CHECK_EQ_UINT(ULLONG_MAX - 1, v);
    CHECK_EQ_INT(1, str_to_ull("9223372036854775808", 19, &v));
    CHECK_EQ_UINT(9223372036854775808ULL, v);
    CHECK_EQ_INT(1, str_to_ull("0", 1, &v));
    CHECK_EQ_UINT(0, v);
    CHECK_EQ_INT(0, str_to_ull("18446744073709551616", 20, &v));
    CHECK_EQ_INT(0, str_to_ull("18446744073709551620", 20, &v));
    CHECK_EQ_INT(0, str_to_ull("28446744073709551615", 20, &v));
    CHECK_EQ_INT(0, str_to_ull("118446744073709551615", 21, &v));
    CHECK_EQ_INT(0, str_to_ull("-1", 2, &v));
    CHECK_EQ_INT(0, str_to_ull("+1", 2, &v));
    CHECK_EQ_INT(0, str_to_ull("01", 2, &v));
    CHECK_EQ_INT(0, str_to_ull("", 0, &v));
    CHECK_EQ_INT(0, str_to_ull(" 1", 2, &v));
}

static void test_ll_to_str(void) {
    char buf[NUMCONV_LL_BUF];
    CHECK_EQ_UINT(1, ll_to_str(buf, 0));
    CHECK_STR("0", buf);
    CHECK_EQ_UINT(2, ll_to_str(buf, -7));
    CHECK_STR("-7", buf);
    CHECK_EQ_UINT(20, ll_to_str(buf, LLONG_MIN));
    CHECK_STR("-9223372036854775808", buf);
    CHECK_EQ_UINT(19, ll_to_str(buf, LLONG_MAX));
    CHECK_STR("9223372036854775807", buf);
    CHECK_EQ_UINT(20, ull_to_str(buf, ULLONG_MAX));
    CHECK_STR("18446744073709551615", buf);
    CHECK_EQ_UINT(1, ull_to_str(buf, 0));
    CHECK_STR("0", buf);

    /* Round trips through str_to_ll and agrees with printf, for edges
     * (powers of ten and their neighbours) and random values. */
    int bad = 0;
    long long p10 = 1;
    for (int e = 0; e < 19; e++, p10 = e < 19 ? p10 * 10 : p10) {
        long long cands[] = {p10, p10 - 1, p10 + 1, -p10, -p10 + 1, -p10 - 1};
        for (size_t k = 0; k < sizeof(cands) / sizeof(cands[0]); k++) {
            char ref[32];
            long long back = 0;
            size_t n = ll_to_str(buf, cands[k]);
            int rn = snprintf(ref, sizeof(ref), "%lld", cands[k]);
            if (n != (size_t)rn || strcmp(buf, ref) != 0) bad++;
            if (!str_to_ll(buf, n, &back) || back != cands[k]) bad++;
        }
    }
    unit_srand(3);
    for (int i = 0; i < 100000; i++) {
        /* Vary the magnitude so short numbers are as common as long ones. */
        uint64_t r = unit_rand64() >> unit_rand_below(64);
        long long x = (long long)r;
        if (unit_rand64() & 1) x = -x;
        char ref[32];
        long long back = 0;
        size_t n = ll_to_str(buf, x);
        int rn = snprintf(ref, sizeof(ref), "%lld", x);
        if (n != (size_t)rn || strcmp(buf, ref) != 0) bad++;
        if (!str_to_ll(buf, n, &back) || back != x) bad++;
        unsigned long long u = unit_rand64() >> unit_rand_below(64), ub = 0;
        n = ull_to_str(buf, u);
        if (!str_to_ull(buf, n, &ub) || ub != u) bad++;
        if ((int)n != digits10(u)) bad++;
    }
    CHECK_EQ_INT(0, bad);
}

static void test_digits10(void) {
    CHECK_EQ_INT(1, digits10(0));
    CHECK_EQ_INT(1, digits10(9));
    CHECK_EQ_INT(2, digits10(10));
    CHECK_EQ_INT(2, digits10(99));
    CHECK_EQ_INT(3, digits10(100));
    CHECK_EQ_INT(19, digits10(9999999999999999999ULL));
    CHECK_EQ_INT(20, digits10(10000000000000000000ULL));
    CHECK_EQ_INT(20, digits10(UINT64_MAX));
}

#define LD_OK(lit, val)                                               \
    do {                                                              \
        long double v_ = -12345;                                      \
        if (CHECK(str_to_ld((lit), sizeof(lit) - 1, &v_) == 1))       \
            CHECK(v_ == (val));                                       \
    } while (0)
#define LD_BAD(lit) CHECK(str_to_ld((lit), sizeof(lit) - 1, &dummy_ld) == 0)
#define D_BAD(lit) CHECK(str_to_double((lit), sizeof(lit) - 1, &dummy_d) == 0)

static long double dummy_ld;
static double dummy_d;

static void test_str_to_ld(void) {
    LD_OK("1.5", 1.5L);
    LD_OK("-3", -3.0L);
    LD_OK("0", 0.0L);
    LD_OK("1e10", 1e10L);
    LD_OK("2.5e-3", 2.5e-3L);
    LD_OK("+1.5", 1.5L); /* strtold takes '+', as Valkey's INCRBYFLOAT does */
    LD_OK("inf", (long double)INFINITY);
    LD_OK("-inf", -(long double)INFINITY);
    LD_OK("Infinity", (long double)INFINITY);

    LD_BAD("");
    LD_BAD("nan");
    LD_BAD("NaN");
    LD_BAD("-nan");
    LD_BAD("nan(123)");
    LD_BAD(" 1");
    LD_BAD("\t1");
    LD_BAD("\n1");
    LD_BAD("1 ");
    LD_BAD("abc");
    LD_BAD("1.5x");
    LD_BAD("1e");
    LD_BAD("1e99999");   /* overflows to infinity */
    LD_BAD("-1e99999");
    LD_BAD("1e-99999");  /* underflows to zero */
    LD_BAD("1\0");       /* NUL inside the length is trailing garbage */
    LD_BAD("1.5\0" "9");

    /* Only len bytes are read. */
    const char txt[] = {'2', '.', '5', '9', 'x'};
    long double v = 0;
    CHECK_EQ_INT(1, str_to_ld(txt, 3, &v));
    CHECK(v == 2.5L);
    CHECK_EQ_INT(0, str_to_ld(txt, 5, &v));

    /* Over-long input is refused rather than truncated. */
    static char longnum[NUMCONV_LD_BUF + 10];
    memset(longnum, '1', sizeof(longnum));
    CHECK_EQ_INT(0, str_to_ld(longnum, sizeof(longnum), &v));
    double d;
    CHECK_EQ_INT(0, str_to_double(longnum, sizeof(longnum), &d));
}

static void test_str_to_double(void) {
    double v = 0;
    CHECK_EQ_INT(1, str_to_double("3.25", 4, &v));
    CHECK(v == 3.25);
    CHECK_EQ_INT(1, str_to_double("-0.5", 4, &v));
    CHECK(v == -0.5);
    CHECK_EQ_INT(1, str_to_double("inf", 3, &v));
    CHECK(isinf(v) && v > 0);
    CHECK_EQ_INT(1, str_to_double("-inf", 4, &v));
    CHECK(isinf(v) && v < 0);
    CHECK_EQ_INT(1, str_to_double("1e308", 5, &v));
    CHECK(v == 1e308);
    D_BAD("");
    D_BAD("nan");
    D_BAD(" 1");
    D_BAD("1 ");
    D_BAD("x");
    D_BAD("1e309"); /* beyond double, though fine as a long double */
    D_BAD("2\0");
    const char txt[] = {'7', '5'};
    CHECK_EQ_INT(1, str_to_double(txt, 1, &v));
    CHECK(v == 7.0);
}

/* Formats v and compares with the expected text and length. */
static void check_ld(const char *file, int line, long double v, const char *want) {
    char buf[NUMCONV_LD_BUF];
    memset(buf, 'X', sizeof(buf));
    size_t n = ld_to_str(buf, sizeof(buf), v);
    unit_check_mem(want, strlen(want), buf, n, file, line, "ld_to_str");
    unit_check(buf[n] == '\0', file, line, "ld_to_str NUL-terminates");
}
#define CHECK_LD(v, want) check_ld(__FILE__, __LINE__, (v), (want))

static void test_ld_to_str(void) {
    CHECK_LD(0.0L, "0");
    CHECK_LD(-0.0L, "0");
    CHECK_LD(3.0L, "3");
    CHECK_LD(100.0L, "100");        /* zeros before the point stay */
    CHECK_LD(1000000.0L, "1000000");
    CHECK_LD(-20.0L, "-20");
    CHECK_LD(0.5L, "0.5");
    CHECK_LD(-0.25L, "-0.25");
    CHECK_LD(10.5L, "10.5");
    CHECK_LD(1.5e20L, "150000000000000000000");
    CHECK_LD(-1e-30L, "0");         /* rounds to "-0" first */
    CHECK_LD((long double)INFINITY, "inf");
    CHECK_LD(-(long double)INFINITY, "-inf");

    /* INCRBYFLOAT: both operands parsed as long double, then summed. */
    long double a, b;
    /* Also where long double is only a double (32-bit ARM). */
    if (CHECK(str_to_ld("10.5", 4, &a)) && CHECK(str_to_ld("0.1", 3, &b))) CHECK_LD(a + b, "10.6");
    if (CHECK(str_to_ld("5.0e3", 5, &a)) && CHECK(str_to_ld("200", 3, &b))) CHECK_LD(a + b, "5200");
    if (CHECK(str_to_ld("3.0e-5", 6, &a))) CHECK_LD(a, "0.00003");
    if (CHECK(str_to_ld("1.1", 3, &a))) CHECK_LD(a, "1.1");
    if (CHECK(str_to_ld("-2.2", 4, &a)) && CHECK(str_to_ld("1.1", 3, &b))) CHECK_LD(a + b, "-1.1");

    /* Too small a buffer: 0, not a truncated number. */
    char small[8];
    CHECK_EQ_UINT(0, ld_to_str(small, 3, 1234.5L));
    CHECK_EQ_UINT(0, ld_to_str(small, 3, (long double)INFINITY));
    CHECK_EQ_UINT(3, ld_to_str(small, 4, (long double)INFINITY));
    CHECK_STR("inf", small);

    /* The largest long double fits the documented buffer. */
    char *big = malloc(NUMCONV_LD_BUF);
    size_t n = ld_to_str(big, NUMCONV_LD_BUF, LDBL_MAX);
    CHECK(n > 300);
    CHECK(n < NUMCONV_LD_BUF);
    n = ld_to_str(big, NUMCONV_LD_BUF, -LDBL_MAX);
    CHECK(n > 300 && big[0] == '-');
    free(big);
}

/* Smallest %.<p>g precision that reads back as v. */
static int shortest_g(char *out, size_t cap, double v) {
    for (int p = 1; p <= 17; p++) {
        int n = snprintf(out, cap, "%.*g", p, v);
        if (strtod(out, NULL) == v) return n;
    }
    return -1;
}

/* Significant digits in a %g-style text: "-7.650e+14" -> 3. */
static int sig_digits(const char *s) {
    char d[64];
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && n < 63) d[n++] = *s;
    int lo = 0, hi = n;
    while (lo < hi && d[lo] == '0') lo++;
    while (hi > lo && d[hi - 1] == '0') hi--;
    return hi - lo;
}

static void check_d(const char *file, int line, double v, const char *want) {
    char buf[64];
    size_t n = double_to_str(buf, sizeof(buf), v);
    unit_check_mem(want, strlen(want), buf, n, file, line, "double_to_str");
}
#define CHECK_D(v, want) check_d(__FILE__, __LINE__, (v), (want))

static void test_double_to_str(void) {
    CHECK_D(0.0, "0");
    CHECK_D(1.0, "1");
    CHECK_D(-2.5, "-2.5");
    CHECK_D(1.1, "1.1");
    CHECK_D(0.1, "0.1");
    CHECK_D(0.1 + 0.2, "0.30000000000000004");
    CHECK_D(1.0 / 3.0, "0.3333333333333333");
    CHECK_D(123456789012345680.0, "1.2345678901234568e+17");
    CHECK_D(1e300, "1e+300");
    CHECK_D(INFINITY, "inf");
    CHECK_D(-INFINITY, "-inf");
    CHECK_D(NAN, "nan");
    CHECK_D(DBL_MAX, "1.7976931348623157e+308");
    CHECK(sig_digits("-7.6507214583205e+14") == 14 && sig_digits("-765072145832050") == 14);
    CHECK(sig_digits("0.00120") == 2);

    /* Random bit patterns: the text reads back bit-exactly, and for normal
     * numbers no text with fewer significant digits would. */
    unit_srand(5);
    int not_round_trip = 0, not_shortest = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = unit_rand64();
        double v;
        memcpy(&v, &bits, sizeof(v));
        if (isnan(v)) continue;
        char buf[64], ref[64];
        size_t n = double_to_str(buf, sizeof(buf), v);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &v, sizeof(v)) != 0 || n != strlen(buf)) {
            if (not_round_trip++ == 0) printf("    %s does not read back\n", buf);
        }
        if (isnormal(v)) {
            int rn = shortest_g(ref, sizeof(ref), v);
            if (rn < 0 || sig_digits(ref) < sig_digits(buf)) {
                if (not_shortest++ == 0) printf("    %s, shorter: %s\n", buf, ref);
            }
        }
    }
    CHECK_EQ_INT(0, not_round_trip);
    CHECK_EQ_INT(0, not_shortest);
    /* Values typed by users with few digits come back as typed. */
    const char *typed[] = {"3.14", "-0.001", "1e-07", "2.5e+20", "12345.678", "0.2"};
    for (size_t k = 0; k < sizeof(typed) / sizeof(typed[0]); k++) {
        char buf[64];
        double v = strtod(typed[k], NULL);
        size_t n = double_to_str(buf, sizeof(buf), v);
        CHECK_MEM(typed[k], strlen(typed[k]), buf, n);
    }
}

int main(void) {
    UNIT_RUN(test_str_to_ll);
    UNIT_RUN(test_str_to_ull);
    UNIT_RUN(test_ll_to_str);
    UNIT_RUN(test_digits10);
    UNIT_RUN(test_str_to_ld);
    UNIT_RUN(test_str_to_double);
    UNIT_RUN(test_ld_to_str);
    UNIT_RUN(test_double_to_str);
    return unit_finish();
}
