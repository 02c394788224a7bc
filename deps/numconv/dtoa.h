/* dtoa.h - doubles printed the way Valkey 8 prints them: the text of
 * scores and of RESP3 doubles.
 *
 * Valkey formats a double with Grisu2 (Loitsch 2010) and a fixed layout
 * rule; the digits are short and always read back to the same double,
 * but Grisu2 is not always the shortest (about 0.1% of doubles get one
 * digit more than the optimum), so matching Valkey byte for byte means
 * running the same algorithm with the same cached powers and the same
 * rounding steps, which is what this file does.  Layout of value =
 * digits x 10^K (n digits, decimal exponent x = K + n - 1):
 *   K >= 0 and |x| < n + 7      the integer: digits then K zeros;
 *   K < 0 and (K > -7 || |x| < 4) plain decimal ("0.001", "12.5");
 *   otherwise                    d.ddde+X / d.ddde-X (no exponent padding).
 * dtoa_valkey adds what Valkey's d2string does first: "nan", "inf",
 * "-inf", "0", "-0", and integral values within +-2^62 as integers. */
#ifndef DEPS_NUMCONV_DTOA_H
#define DEPS_NUMCONV_DTOA_H

#include <stddef.h>

/* Room for any result, NUL included. */
#define DTOA_BUF 32

/* The Grisu2 form alone (no integer shortcut): sign, digits, layout as
 * above; 0.0 is "0", -0.0 "-0".  Writes at most 24 bytes plus a NUL;
 * returns the length. */
size_t dtoa_grisu(double v, char out[DTOA_BUF]);
/* Valkey's reply and listpack form of a double (d2string). */
size_t dtoa_valkey(double v, char out[DTOA_BUF]);

#endif
