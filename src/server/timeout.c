/* timeout.c - relative timeouts to absolute times (see timeout.h).
 *
 * The comparisons are made before any conversion or addition, so a huge
 * value ("1e300", "inf", 9223372036854775807 ms) is refused instead of
 * wrapping into a time in the past or converting out of range. */
#include "timeout.h"

#include <math.h>

#include "server.h"
#include "reply.h"
#include "../../deps/numconv/numconv.h"

const char *timeout_to_abs_ms(const char *p, size_t len, int unit, int64_t now_ms, int64_t *out) {
    int64_t ms;
    if (unit == TIMEOUT_UNIT_SECONDS) {
        long double secs;
        if (!str_to_ld(p, len, &secs)) return "timeout is not a float or out of range";
        long double v = secs * 1000.0L;
        /* INT64_MAX rounds up to 2^63 where long double is double: >=
         * keeps the conversion below in range on every target. */
        if (v >= (long double)INT64_MAX) return "timeout is out of range";
        if (v < 0) return "timeout is negative";
        ms = (int64_t)ceill(v);
    } else {
        long long v;
        if (!str_to_ll(p, len, &v)) return "timeout is not an integer or out of range";
        if (v < 0) return "timeout is negative";
        ms = v;
    }
    if (ms > 0) {
        if (ms > INT64_MAX - now_ms) return "timeout is out of range";
        ms += now_ms;
    }
    *out = ms;
    return NULL;
}

int timeout_arg_to_abs_ms(Client *c, const Arg *a, int unit, int64_t *out) {
    const char *err = timeout_to_abs_ms(a->p, a->len, unit, server.now_ms, out);
    if (err) {
        reply_error(c, err);
        return 0;
    }
    return 1;
}
