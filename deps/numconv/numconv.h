/* numconv.h - strict conversions between numbers and their text form.
 *
 * Parsing is strict the way Valkey's protocol is: no spaces, no '+', no
 * leading zeros, the whole input must be consumed, overflow is an error.
 * Every function takes (pointer, length): inputs need not be NUL-ended. */
#ifndef DEPS_NUMCONV_H
#define DEPS_NUMCONV_H

#include <stddef.h>
#include <stdint.h>

/* Longest text of a long long, with sign, plus NUL. */
#define NUMCONV_LL_BUF 21
/* Longest text ld_to_str produces, plus NUL. */
#define NUMCONV_LD_BUF 5200

/* Returns 1 and sets *out on success, 0 on bad input or overflow. */
int str_to_ll(const char *s, size_t len, long long *out);
int str_to_ull(const char *s, size_t len, unsigned long long *out);
/* Accepts what strtold accepts (decimal, exponent, "inf"), rejects NaN,
 * leading space, trailing garbage and overflow to infinity from finite text. */
int str_to_ld(const char *s, size_t len, long double *out);
int str_to_double(const char *s, size_t len, double *out);
/* Writes the decimal text of v; returns its length. buf needs NUMCONV_LL_BUF. */
size_t ll_to_str(char *buf, long long v);
size_t ull_to_str(char *buf, unsigned long long v);
/* Human form used by INCRBYFLOAT: fixed notation, no trailing zeros,
 * "inf"/"-inf", and "0" for negative zero.  Returns the length or 0. */
size_t ld_to_str(char *buf, size_t cap, long double v);
/* Shortest round-trip form of a double ("%.17g" trimmed): for scores and
 * RESP3 doubles; "inf", "-inf", "nan". Returns the length. */
size_t double_to_str(char *buf, size_t cap, double v);
/* Number of decimal digits of v (1 for 0). */
int digits10(uint64_t v);

#endif
