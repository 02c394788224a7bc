/* libm_shim.c - keeps libm out of the process when it is not needed.
 *
 * The server itself calls no libm function; only jemalloc's heap-profiling
 * code (prof.c, prof_data.c) references exp, log and round, and profiling is
 * off unless MALLOC_CONF turns it on.  Linking libm for those three costs
 * about 300 kB of resident memory on every idle server, a tenth of our
 * budget on a small device, so they are defined here instead.
 *
 * They must not allocate or load anything: jemalloc calls log() while it
 * initialises, when malloc cannot be used.  Accuracy is within a couple of
 * ulps (checked against libm in tests/c/test_libm_shim.c), far beyond what
 * sampling intervals and dump unbiasing need.  Built only with jemalloc;
 * with --as-needed, libm is then not loaded at all.  Once code of ours needs
 * libm (geo, HyperLogLog), these still take precedence and stay correct. */
#ifdef USE_JEMALLOC
#include <math.h> /* the prototypes these definitions replace */
#include <stdint.h>
#include <string.h>

/* ln 2 split in two (Cody-Waite): k * LN2_HI is exact for |k| < 2^11,
 * so reducing by it loses nothing; LN2_LO carries the rest. */
#define LN2 0.6931471805599453094172321214581766
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10

static double from_bits(uint64_t b) { double d; memcpy(&d, &b, sizeof(d)); return d; }
static uint64_t to_bits(double d) { uint64_t b; memcpy(&b, &d, sizeof(b)); return b; }

/* 2^k for -1022 <= k <= 1023. */
static double pow2(int k) { return from_bits((uint64_t)(k + 1023) << 52); }

double round(double x) {
    /* At and above 2^52 every double is already an integer (or inf/nan). */
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x;
    double t = (double)(long long)x; /* truncates toward zero, exactly */
    if (x - t >= 0.5) t += 1.0;
    else if (t - x >= 0.5) t -= 1.0;
    if (t == 0.0 && x < 0) t = -0.0;
    return t;
}

double log(double x) {
    if (x != x || x < 0) return from_bits(0x7ff8000000000000ULL); /* NaN */
    if (x == 0) return -from_bits(0x7ff0000000000000ULL);         /* -inf */
    if (x == from_bits(0x7ff0000000000000ULL)) return x;
    int e = 0;
    if (x < 2.2250738585072014e-308) { /* subnormal: scale into range */
        x *= 18014398509481984.0;      /* 2^54 */
        e = -54;
    }
    uint64_t b = to_bits(x);
    e += (int)((b >> 52) & 0x7ff) - 1023;
    double m = from_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL); /* [1,2) */
    if (m > 1.4142135623730951) { m *= 0.5; e++; }                                /* [0.707,1.414) */
    /* log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1),
     * |s| < 0.172: each term is 34 times smaller than the one before. */
    double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    /* Horner from the smallest term up (s^2/3 + s^4/5 + ... to s^26/27,
     * past double precision) keeps the rounding error small. */
    double tail = 0;
    for (int k = 27; k >= 3; k -= 2) tail = (tail + 1.0 / k) * s2;
    double logm = 2.0 * s + 2.0 * s * tail;
    return e * LN2_HI + (logm + e * LN2_LO);
}

double exp(double x) {
    if (x != x) return x;
    if (x > 709.782712893384) return from_bits(0x7ff0000000000000ULL);
    if (x < -745.1332191019412) return 0.0;
    /* x = k ln2 + r with |r| <= ln2/2, then exp(x) = 2^k exp(r). */
    double kf = x / LN2;
    int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 30; n++) {
        term *= r / n;
        sum += term;
        if (term < 1e-18 && term > -1e-18) break;
    }
    /* Split the scaling so 2^k never leaves the normal range. */
    if (k > 1023) return sum * pow2(1023) * pow2(k - 1023);
    if (k < -1022) return sum * pow2(-1022) * pow2(k + 1022);
    return sum * pow2(k);
}
#else
/* Nothing to do with libc malloc: ISO C forbids an empty unit. */
typedef int libm_shim_unused;
#endif
