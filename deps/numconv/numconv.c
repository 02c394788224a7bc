/* numconv.c - strict number <-> text conversions (see numconv.h). */
#include "numconv.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int digits10(uint64_t v) {
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

size_t ull_to_str(char *buf, unsigned long long v) {
    char tmp[NUMCONV_LL_BUF];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

size_t ll_to_str(char *buf, long long v) {
    if (v < 0) {
        /* Negate in unsigned arithmetic so LLONG_MIN works. */
        buf[0] = '-';
        return 1 + ull_to_str(buf + 1, 0ULL - (unsigned long long)v);
    }
    return ull_to_str(buf, (unsigned long long)v);
}

int str_to_ull(const char *s, size_t len, unsigned long long *out) {
    if (len == 0 || len > 20) return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] < '1' || s[0] > '9') return 0;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (18446744073709551615ULL - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int str_to_ll(const char *s, size_t len, long long *out) {
    if (len == 0) return 0;
    int neg = s[0] == '-';
    unsigned long long v;
    if (neg) {
        if (len == 1) return 0;
        if (s[1] == '0') return 0; /* "-0" and "-01" are not canonical */
        if (!str_to_ull(s + 1, len - 1, &v)) return 0;
        if (v > 9223372036854775808ULL) return 0;
        *out = (long long)(0ULL - v);
        return 1;
    }
    if (!str_to_ull(s, len, &v)) return 0;
    if (v > 9223372036854775807ULL) return 0;
    *out = (long long)v;
    return 1;
}

/* Copies a number's text into buf (NUL-ended) for strtod/strtold; 0 when
 * it is empty, too long or starts with a space (which they would skip). */
static int number_text(const char *s, size_t len, char buf[NUMCONV_LD_BUF]) {
    if (len == 0 || len >= NUMCONV_LD_BUF) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return !isspace((unsigned char)buf[0]);
}

int str_to_ld(const char *s, size_t len, long double *out) {
    char buf[NUMCONV_LD_BUF];
    if (!number_text(s, len, buf)) return 0;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    /* end must reach the real end: an embedded NUL stops strtold early. */
    if (end != buf + len) return 0;
    if (isnan(v)) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) return 0;
    *out = v;
    return 1;
}

int str_to_double(const char *s, size_t len, double *out) {
    char buf[NUMCONV_LD_BUF];
    if (!number_text(s, len, buf)) return 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len) return 0;
    if (isnan(v)) return 0;
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return 0;
    *out = v;
    return 1;
}

size_t ld_to_str(char *buf, size_t cap, long double v) {
    if (isinf(v)) {
        const char *t = v > 0 ? "inf" : "-inf";
        size_t n = strlen(t);
        if (n + 1 > cap) return 0;
        memcpy(buf, t, n + 1);
        return n;
    }
    size_t len;
    if (LDBL_MANT_DIG > DBL_MANT_DIG) {
        /* 17 fractional digits of an extended long double: enough that a
         * value that came from double-precision literals prints back the
         * way users typed it (10.5 + 0.1 gives "10.6"), as Valkey prints. */
        int n = snprintf(buf, cap, "%.17Lf", v);
        if (n < 0 || (size_t)n + 1 > cap) return 0;
        len = (size_t)n;
    } else {
        /* long double is only a double here (32-bit ARM): 17 digits would
         * show its binary error, so print the fewest fractional digits
         * that read back as the same value. */
        int n = 0;
        for (int frac = 0; frac <= 17; frac++) {
            n = snprintf(buf, cap, "%.*Lf", frac, v);
            if (n < 0 || (size_t)n + 1 > cap) return 0;
            if (strtold(buf, NULL) == v) break;
        }
        len = (size_t)n;
    }
    if (memchr(buf, '.', len)) {
        while (len && buf[len - 1] == '0') len--;
        if (len && buf[len - 1] == '.') len--;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        len = 1;
    }
    buf[len] = '\0';
    return len;
}

/* snprintf's result clipped to what actually fits in buf. */
static size_t fitted(int n, size_t cap) {
    if (n < 0 || cap == 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t double_to_str(char *buf, size_t cap, double v) {
    if (isnan(v)) return fitted(snprintf(buf, cap, "nan"), cap);
    if (isinf(v)) return fitted(snprintf(buf, cap, v > 0 ? "inf" : "-inf"), cap);
    /* Try shorter precisions first so 1.1 prints as "1.1", not 17 digits. */
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, cap, "%.*g", prec, v);
        if (n > 0 && (size_t)n < cap && strtod(buf, NULL) == v) return (size_t)n;
    }
    return fitted(snprintf(buf, cap, "%.17g", v), cap);
}
