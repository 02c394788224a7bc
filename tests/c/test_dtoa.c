/* test_dtoa.c - unit tests for deps/numconv/dtoa (Valkey's text form of
 * doubles: Grisu2 digits and the layout rule).
 *
 * Fixed cases pin the layout (plain integer, plain decimal, exponent form
 * and its boundaries, the integer shortcut up to 2^62, specials); then
 * hundreds of thousands of seeded random doubles of every magnitude, denormals
 * included, must read back bit for bit, with never fewer digits than the
 * shortest text that reads back, and exactly that many in the
 * overwhelming majority of cases (Grisu2 never emits a value lying exactly
 * on a rounding boundary, which strtod's round-half-even would accept:
 * 37863960075444096 = 2^55 + ... has the 15-digit 3786396007544410e1 on
 * its upper boundary and prints with 17 digits, as in Valkey). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/numconv/dtoa.h"
#include "unit.h"

static double from_bits(uint64_t b) {
    double v;
    memcpy(&v, &b, sizeof(v));
    return v;
}

static uint64_t to_bits(double v) {
    uint64_t b;
    memcpy(&b, &v, sizeof(b));
    return b;
}

static void check_valkey(double v, const char *want) {
    char buf[DTOA_BUF];
    size_t n = dtoa_valkey(v, buf);
    CHECK_STR(want, buf);
    CHECK_EQ_UINT(strlen(want), n);
}

static void test_fixed(void) {
    check_valkey(0.0, "0");
    check_valkey(-0.0, "-0");
    check_valkey(INFINITY, "inf");
    check_valkey(-INFINITY, "-inf");
    check_valkey(NAN, "nan");
    check_valkey(1.0, "1");
    check_valkey(-7.0, "-7");
    check_valkey(1.5, "1.5");
    check_valkey(-2.5, "-2.5");
    check_valkey(0.1, "0.1");
    check_valkey(0.3, "0.3");
    check_valkey(2.0 / 3.0, "0.6666666666666666");
    check_valkey(123.456, "123.456");
    check_valkey(12345678.9, "12345678.9");
    check_valkey(1e-3, "0.001");
    /* plain decimal while K > -7 ... */
    check_valkey(1e-5, "0.00001");
    check_valkey(0.000123, "0.000123");
    check_valkey(1e-6, "0.000001");
    /* ... then the exponent form, unpadded */
    check_valkey(1e-7, "1e-7");
    check_valkey(1.5e-7, "1.5e-7");
    check_valkey(0.0000123, "1.23e-5");
    check_valkey(-0.0000123, "-1.23e-5");
    /* a small |exponent| keeps the plain form even with many digits */
    check_valkey(1.2345678901234567e-3, "0.0012345678901234567");
    /* integral values: integers up to 2^62, then Grisu with zeros ... */
    check_valkey(1e15, "1000000000000000");
    check_valkey(4611686018427387904.0, "4611686018427387904");
    check_valkey(-4611686018427387904.0, "-4611686018427387904");
    check_valkey(9223372036854775808.0, "9223372036854776000");
    check_valkey(1.2345678901234568e20, "123456789012345680000");
    /* ... and the exponent form when the zeros would be too many */
    check_valkey(1e21, "1e+21");
    check_valkey(1e22, "1e+22");
    check_valkey(-1e100, "-1e+100");
    check_valkey(1.7976931348623157e308, "1.7976931348623157e+308");
    check_valkey(2.2250738585072014e-308, "2.2250738585072014e-308");
    check_valkey(1e-100, "1e-100");
    check_valkey(1.5e300, "1.5e+300");
    check_valkey(4.9406564584124654e-324, "5e-324");
    /* dtoa_grisu has no integer shortcut */
    char buf[DTOA_BUF];
    dtoa_grisu(100.0, buf);
    CHECK_STR("100", buf);
    dtoa_grisu(1e7, buf);
    CHECK_STR("10000000", buf);
    dtoa_grisu(-0.0, buf);
    CHECK_STR("-0", buf);
}

/* Fewest significant digits that read back to v (%.{p}e, p = 0..16). */
static int shortest_digits(double v) {
    char tmp[64];
    for (int p = 0; p <= 16; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p, v);
        if (strtod(tmp, NULL) == v) return p + 1;
    }
    return 17;
}

/* Significant digits in a dtoa result (mantissa digits, leading and
 * trailing zeros of the digit string excluded). */
static int digits_of(const char *s) {
    const char *e = strchr(s, 'e');
    size_t end = e ? (size_t)(e - s) : strlen(s);
    char d[64];
    size_t n = 0;
    for (size_t i = 0; i < end; i++)
        if (s[i] >= '0' && s[i] <= '9') d[n++] = s[i];
    size_t a = 0;
    while (a < n && d[a] == '0') a++;
    while (n > a && d[n - 1] == '0') n--;
    return (int)(n - a);
}

static uint64_t round_trips, exact_shortest, more;

static void check_random(double v) {
    char buf[DTOA_BUF];
    size_t n = dtoa_grisu(v, buf);
    char *end;
    double back = strtod(buf, &end);
    if (!CHECK(end == buf + n && to_bits(back) == to_bits(v))) {
        printf("    value %.17g printed as \"%s\"\n", v, buf);
        return;
    }
    round_trips++;
    int got = digits_of(buf), best = shortest_digits(v);
    if (got == best) exact_shortest++;
    else if (got > best) more++;
    else {
        CHECK(got >= best);
        printf("    value %.17g printed as \"%s\" (%d digits, shortest %d)\n", v, buf, got, best);
    }
    /* the reply form agrees with the plain form except for integers */
    char vk[DTOA_BUF];
    dtoa_valkey(v, vk);
    if (v != floor(v) || fabs(v) > 4611686018427387904.0) CHECK_STR(buf, vk);
}

static void test_random(void) {
    unit_srand(0xd7a0);
    uint64_t failures_before = (uint64_t)unit_failed;
    int rounds = 100000;
    for (int i = 0; i < rounds; i++) {
        /* any finite bit pattern: every exponent, denormals included */
        uint64_t b = unit_rand64();
        if ((b & 0x7FF0000000000000ull) == 0x7FF0000000000000ull) continue;
        check_random(from_bits(b));
        /* numbers people type: short decimals, halves, big integers */
        double d = (double)(int64_t)(unit_rand64() % 2000001) - 1000000.0;
        check_random(d / (double)(1 + unit_rand_below(10000)));
        double mant = (double)(unit_rand64() >> 11); /* sequenced: same values on every target */
        check_random(ldexp(mant, (int)unit_rand_below(200) - 100));
        if ((uint64_t)unit_failed > failures_before + 20) break;
    }
    /* Grisu2 misses the optimum only rarely. */
    CHECK(round_trips > 290000);
    CHECK(exact_shortest > round_trips / 100 * 99);
    printf("    %llu values: %llu shortest, %llu longer\n", (unsigned long long)round_trips,
           (unsigned long long)exact_shortest, (unsigned long long)more);
}

int main(void) {
    UNIT_RUN(test_fixed);
    UNIT_RUN(test_random);
    return unit_finish();
}
