/* test_server_timeout.c - timeout_to_abs_ms (src/server/timeout.c): the
 * relative-to-absolute conversion the blocking commands and CLIENT PAUSE
 * use.  Valkey's three errors at their boundaries, rounding of fractional
 * seconds up to a whole millisecond, and no overflow anywhere near
 * INT64_MAX: checked against exact 128-bit-free reasoning on values built
 * around the limit, plus random values compared with a long double model. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "server/timeout.h"
#include "unit.h"

static const char *conv(const char *text, int unit, int64_t now, int64_t *out) {
    *out = -12345;
    return timeout_to_abs_ms(text, strlen(text), unit, now, out);
}

#define ERR_FLOAT "timeout is not a float or out of range"
#define ERR_INT "timeout is not an integer or out of range"
#define ERR_NEG "timeout is negative"
#define ERR_RANGE "timeout is out of range"

static void check_err(const char *text, int unit, int64_t now, const char *want) {
    int64_t out;
    const char *got = conv(text, unit, now, &out);
    if (!CHECK(got != NULL && strcmp(got, want) == 0)) printf("    input '%s': got %s\n", text, got ? got : "(ok)");
    CHECK_EQ_INT(-12345, out); /* untouched on error */
}

static void check_ok(const char *text, int unit, int64_t now, int64_t want) {
    int64_t out;
    const char *got = conv(text, unit, now, &out);
    if (!CHECK(got == NULL)) printf("    input '%s': %s\n", text, got);
    CHECK_EQ_INT(want, out);
}

static void test_seconds(void) {
    const int64_t now = 1700000000000LL;
    check_ok("0", TIMEOUT_UNIT_SECONDS, now, 0);
    check_ok("0.0", TIMEOUT_UNIT_SECONDS, now, 0);
    check_ok("1", TIMEOUT_UNIT_SECONDS, now, now + 1000);
    check_ok("0.5", TIMEOUT_UNIT_SECONDS, now, now + 500);
    check_ok("0.0001", TIMEOUT_UNIT_SECONDS, now, now + 1); /* rounded up */
    check_ok("1.0001", TIMEOUT_UNIT_SECONDS, now, now + 1001);
    check_err("abc", TIMEOUT_UNIT_SECONDS, now, ERR_FLOAT);
    check_err("", TIMEOUT_UNIT_SECONDS, now, ERR_FLOAT);
    check_err("nan", TIMEOUT_UNIT_SECONDS, now, ERR_FLOAT);
    check_err("1 ", TIMEOUT_UNIT_SECONDS, now, ERR_FLOAT);
    check_err("-1", TIMEOUT_UNIT_SECONDS, now, ERR_NEG);
    check_err("-0.001", TIMEOUT_UNIT_SECONDS, now, ERR_NEG);
    check_err("-inf", TIMEOUT_UNIT_SECONDS, now, ERR_NEG);
    check_err("inf", TIMEOUT_UNIT_SECONDS, now, ERR_RANGE);
    check_err("1e300", TIMEOUT_UNIT_SECONDS, now, ERR_RANGE);
    check_err("9223372036854775.807", TIMEOUT_UNIT_SECONDS, now, ERR_RANGE);
    /* In range as milliseconds, but not once added to now. */
    check_err("9223372036854775", TIMEOUT_UNIT_SECONDS, now, ERR_RANGE);
    check_err("9223372036000000", TIMEOUT_UNIT_SECONDS, now, ERR_RANGE);
    check_ok("9223370000000000", TIMEOUT_UNIT_SECONDS, now, 9223370000000000000LL + now);
    /* With now at 0 the same number of seconds fits. */
    check_ok("9223370000000000", TIMEOUT_UNIT_SECONDS, 0, 9223370000000000000LL);
}

static void test_milliseconds(void) {
    const int64_t now = 1700000000000LL;
    check_ok("0", TIMEOUT_UNIT_MS, now, 0);
    check_ok("1", TIMEOUT_UNIT_MS, now, now + 1);
    check_ok("100000", TIMEOUT_UNIT_MS, now, now + 100000);
    check_err("0.5", TIMEOUT_UNIT_MS, now, ERR_INT);
    check_err("abc", TIMEOUT_UNIT_MS, now, ERR_INT);
    check_err("9223372036854775808", TIMEOUT_UNIT_MS, now, ERR_INT);
    check_err("-1", TIMEOUT_UNIT_MS, now, ERR_NEG);
    check_err("-9223372036854775808", TIMEOUT_UNIT_MS, now, ERR_NEG);
    check_err("9223372036854775807", TIMEOUT_UNIT_MS, now, ERR_RANGE);
    /* The exact boundary: now + v == INT64_MAX fits, one more does not. */
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)(INT64_MAX - now));
    check_ok(buf, TIMEOUT_UNIT_MS, now, INT64_MAX);
    snprintf(buf, sizeof(buf), "%lld", (long long)(INT64_MAX - now + 1));
    check_err(buf, TIMEOUT_UNIT_MS, now, ERR_RANGE);
}

/* Random values over the whole range, against a model that knows the
 * answer without overflowing: whole milliseconds compared as unsigned. */
static void test_random_ms(void) {
    for (int i = 0; i < 20000; i++) {
        uint64_t r = unit_rand64();
        int64_t now = (int64_t)(unit_rand64() >> (1 + unit_rand64() % 40));
        int64_t v = (int64_t)(r >> (1 + r % 63));
        if (i % 3 == 0) v = -v;
        char buf[32];
        snprintf(buf, sizeof(buf), "%lld", (long long)v);
        int64_t out;
        const char *err = conv(buf, TIMEOUT_UNIT_MS, now, &out);
        if (v < 0) {
            CHECK(err && strcmp(err, ERR_NEG) == 0);
        } else if (v == 0) {
            CHECK(err == NULL && out == 0);
        } else if ((uint64_t)v + (uint64_t)now > (uint64_t)INT64_MAX) {
            CHECK(err && strcmp(err, ERR_RANGE) == 0);
        } else {
            CHECK(err == NULL && out == now + v);
        }
    }
}

int main(void) {
    UNIT_RUN(test_seconds);
    UNIT_RUN(test_milliseconds);
    UNIT_RUN(test_random_ms);
    return unit_finish();
}
