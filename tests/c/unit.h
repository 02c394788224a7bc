/* unit.h - a very small test framework for the C unit tests in tests/c/.
 *
 * Each test program includes this header once, defines test functions and
 * runs them from main() with UNIT_RUN(fn), then returns unit_finish().
 * Every check counts as one pass or one failure; a failure prints
 * file:line, the expression, and the expected and actual values, and the
 * test goes on (checks never abort), so one run shows every failure.
 * The last line printed is always exactly "N passed, M failed", and the
 * exit status is non-zero when M > 0: the runner relies on both. */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long unit_passed;
static long unit_failed;
static const char *unit_current = "";

static void unit_fail_header(const char *file, int line, const char *expr) {
    unit_failed++;
    fprintf(stdout, "FAIL %s:%d [%s]: %s\n", file, line, unit_current, expr);
}

static inline int unit_check(int ok, const char *file, int line, const char *expr) {
    if (ok) {
        unit_passed++;
        return 1;
    }
    unit_fail_header(file, line, expr);
    return 0;
}

static inline int unit_check_int(long long exp, long long act, const char *file, int line,
                                 const char *expr) {
    if (exp == act) {
        unit_passed++;
        return 1;
    }
    unit_fail_header(file, line, expr);
    fprintf(stdout, "    expected: %lld\n    actual:   %lld\n", exp, act);
    return 0;
}

static inline int unit_check_uint(unsigned long long exp, unsigned long long act,
                                  const char *file, int line, const char *expr) {
    if (exp == act) {
        unit_passed++;
        return 1;
    }
    unit_fail_header(file, line, expr);
    fprintf(stdout, "    expected: %llu (0x%llx)\n    actual:   %llu (0x%llx)\n", exp, exp, act, act);
    return 0;
}

/* Prints bytes with C escapes so binary values are readable; long values
 * are shown from a little before the first difference. */
static void unit_print_bytes(const char *label, const char *p, size_t len, size_t from) {
    fprintf(stdout, "    %s", label);
    if (!p) {
        fprintf(stdout, "(null)\n");
        return;
    }
    size_t end = from + 200 < len ? from + 200 : len;
    fprintf(stdout, "%s\"", from ? "..." : "");
    for (size_t i = from; i < end; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\' || c == '"') fprintf(stdout, "\\%c", c);
        else if (c >= 32 && c < 127) fputc(c, stdout);
        else fprintf(stdout, "\\x%02x", c);
    }
    fprintf(stdout, "\"%s (%zu bytes)\n", end < len ? "..." : "", len);
}

static inline int unit_check_mem(const char *exp, size_t elen, const char *act, size_t alen,
                                 const char *file, int line, const char *expr) {
    if (act && elen == alen && memcmp(exp, act, elen) == 0) {
        unit_passed++;
        return 1;
    }
    unit_fail_header(file, line, expr);
    size_t diff = 0;
    while (act && diff < elen && diff < alen && exp[diff] == act[diff]) diff++;
    size_t from = diff > 40 ? diff - 40 : 0;
    if (from) fprintf(stdout, "    (first difference at byte %zu)\n", diff);
    unit_print_bytes("expected: ", exp, elen, from);
    unit_print_bytes("actual:   ", act, act ? alen : 0, from);
    return 0;
}

static inline int unit_check_str(const char *exp, const char *act, const char *file, int line,
                                 const char *expr) {
    return unit_check_mem(exp, strlen(exp), act, act ? strlen(act) : 0, file, line, expr);
}

/* Each macro evaluates to 1 when the check passed, so a test can stop
 * early: if (!CHECK(p != NULL)) return; */
#define CHECK(cond) unit_check((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_EQ_INT(exp, act) \
    unit_check_int((long long)(exp), (long long)(act), __FILE__, __LINE__, #act " == " #exp)
#define CHECK_EQ_UINT(exp, act) \
    unit_check_uint((unsigned long long)(exp), (unsigned long long)(act), __FILE__, __LINE__, \
                    #act " == " #exp)
#define CHECK_STR(exp, act) unit_check_str((exp), (act), __FILE__, __LINE__, #act " == " #exp)
#define CHECK_MEM(exp, elen, act, alen) \
    unit_check_mem((exp), (elen), (act), (alen), __FILE__, __LINE__, #act " == " #exp)

/* Line-buffered output, so failures printed before a crash are not lost
 * in a pipe's buffer. */
static int unit_started;
static inline void unit_start(void) {
    if (!unit_started) {
        unit_started = 1;
        setvbuf(stdout, NULL, _IOLBF, 0);
    }
}

#define UNIT_RUN(fn)           \
    do {                       \
        unit_start();          \
        unit_current = #fn;    \
        fn();                  \
        unit_current = "";     \
    } while (0)

static inline int unit_finish(void) {
    fflush(stdout);
    printf("%ld passed, %ld failed\n", unit_passed, unit_failed);
    fflush(stdout);
    return unit_failed > 0 ? 1 : 0;
}

/* A small deterministic generator (xorshift64*) so every run of a test
 * sees the same "random" inputs and a failure can be reproduced. */
static uint64_t unit_rng_state = 0x9e3779b97f4a7c15ULL;

static inline void unit_srand(uint64_t seed) {
    unit_rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t unit_rand64(void) {
    uint64_t x = unit_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    unit_rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for tests; n must be > 0. */
static inline uint64_t unit_rand_below(uint64_t n) {
    return unit_rand64() % n;
}

#endif
