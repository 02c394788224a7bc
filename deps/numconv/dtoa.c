/* dtoa.c - Valkey's text form of a double (see dtoa.h): Grisu2 digit
 * generation with 64-bit "do-it-yourself" floating point numbers, then
 * the layout rule.
 *
 * Outline, for a positive double v = f x 2^e:
 *  - its rounding boundaries m- and m+ (halfway to the neighbouring
 *    doubles), all three scaled by a cached power of ten c_k chosen so the
 *    product's binary exponent lies in [-60, -32]: the integral part of
 *    m+ x c_k then fits 32 bits and the fraction fits the rest;
 *  - digits of m+ x c_k are produced until what remains is within the
 *    (shrunk by one unit each side) interval m- .. m+; the last digit is
 *    then moved towards v while that stays inside the interval and gets
 *    closer ("weeding").
 * Every step - the cached power search, the rounding of products, the
 * unit shrink, the strict/non-strict stop tests - decides which digits
 * come out, so each follows Valkey's behaviour exactly; the result always
 * reads back to v (tests/c/test_dtoa.c checks many seeded values). */
#include "dtoa.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct DiyFp {
    uint64_t f;
    int e;
} DiyFp;

#define FRAC_MASK 0x000FFFFFFFFFFFFFull
#define EXP_MASK 0x7FF0000000000000ull
#define HIDDEN_BIT 0x0010000000000000ull
#define SIGN_BIT 0x8000000000000000ull

/* 10^k for k = -348, -340, ..., 340: the correctly rounded 64-bit
 * significand f (top bit set) and binary exponent e, 10^k ~ f x 2^e.
 * Generated with exact rational arithmetic: for each k, the e with
 * 2^63 <= 10^k / 2^e < 2^64 and f = that quotient rounded to nearest. */
#define POW_FIRST (-348)
#define POW_STEP 8
#define POW_COUNT 87
static const DiyFp pow10_cache[POW_COUNT] = {
    {18054884314459144840u, -1220}, {13451937075301367670u, -1193},
    {10022474136428063862u, -1166}, {14934650266808366570u, -1140},
    {11127181549972568877u, -1113}, {16580792590934885855u, -1087},
    {12353653155963782858u, -1060}, {18408377700990114895u, -1034},
    {13715310171984221708u, -1007}, {10218702384817765436u, -980},
    {15227053142812498563u, -954}, {11345038669416679861u, -927},
    {16905424996341287883u, -901}, {12595523146049147757u, -874},
    {9384396036005875287u, -847}, {13983839803942852151u, -821},
    {10418772551374772303u, -794}, {15525180923007089351u, -768},
    {11567161174868858868u, -741}, {17236413322193710309u, -715},
    {12842128665889583758u, -688}, {9568131466127621947u, -661},
    {14257626930069360058u, -635}, {10622759856335341974u, -608},
    {15829145694278690180u, -582}, {11793632577567316726u, -555},
    {17573882009934360870u, -529}, {13093562431584567480u, -502},
    {9755464219737475723u, -475}, {14536774485912137811u, -449},
    {10830740992659433045u, -422}, {16139061738043178685u, -396},
    {12024538023802026127u, -369}, {17917957937422433684u, -343},
    {13349918974505688015u, -316}, {9946464728195732843u, -289},
    {14821387422376473014u, -263}, {11042794154864902060u, -236},
    {16455045573212060422u, -210}, {12259964326927110867u, -183},
    {18268770466636286478u, -157}, {13611294676837538539u, -130},
    {10141204801825835212u, -103}, {15111572745182864684u, -77},
    {11258999068426240000u, -50}, {16777216000000000000u, -24},
    {12500000000000000000u, 3}, {9313225746154785156u, 30},
    {13877787807814456755u, 56}, {10339757656912845936u, 83},
    {15407439555097886824u, 109}, {11479437019748901445u, 136},
    {17105694144590052135u, 162}, {12744735289059618216u, 189},
    {9495567745759798747u, 216}, {14149498560666738074u, 242},
    {10542197943230523224u, 269}, {15709099088952724970u, 295},
    {11704190886730495818u, 322}, {17440603504673385349u, 348},
    {12994262207056124023u, 375}, {9681479787123295682u, 402},
    {14426529090290212157u, 428}, {10748601772107342003u, 455},
    {16016664761464807395u, 481}, {11933345169920330789u, 508},
    {17782069995880619868u, 534}, {13248674568444952270u, 561},
    {9871031767461413346u, 588}, {14708983551653345445u, 614},
    {10959046745042015199u, 641}, {16330252207878254650u, 667},
    {12166986024289022870u, 694}, {18130221999122236476u, 720},
    {13508068024458167312u, 747}, {10064294952495520794u, 774},
    {14996968138956309548u, 800}, {11173611982879273257u, 827},
    {16649979327439178909u, 853}, {12405201291620119593u, 880},
    {9242595204427927429u, 907}, {13772540099066387757u, 933},
    {10261342003245940623u, 960}, {15290591125556738113u, 986},
    {11392378155556871081u, 1013}, {16975966327722178521u, 1039},
    {12648080533535911531u, 1066},
};

/* Where a scaled boundary's exponent must land. */
#define EXP_LOW (-60)
#define EXP_HIGH (-32)

static const uint64_t pow10_u64[10] = {1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
                                       1000000000u};

static uint64_t bits_of(double v) {
    uint64_t b;
    memcpy(&b, &v, sizeof(b));
    return b;
}

/* The high 64 bits of a.f x b.f, rounded half up, in 32-bit pieces so it
 * needs no 128-bit type. */
static DiyFp diy_mul(DiyFp a, DiyFp b) {
    const uint64_t lo32 = 0xFFFFFFFFu;
    uint64_t ah = a.f >> 32, al = a.f & lo32, bh = b.f >> 32, bl = b.f & lo32;
    uint64_t hh = ah * bh, hl = ah * bl, lh = al * bh, ll = al * bl;
    uint64_t mid = (hl & lo32) + (lh & lo32) + (ll >> 32) + ((uint64_t)1 << 31);
    DiyFp r = {hh + (hl >> 32) + (lh >> 32) + (mid >> 32), a.e + b.e + 64};
    return r;
}

/* The cached power for a boundary of binary exponent e: start from an
 * estimate of the index and step until the product's exponent lands in
 * [EXP_LOW, EXP_HIGH]. Sets *k to the power's decimal exponent. */
static DiyFp cached_power(int e, int *k) {
    int estimate = (int)(-(e + POW_COUNT) * 0.30102999566398114);
    int i = (estimate - POW_FIRST) / POW_STEP;
    for (;;) {
        int landed = e + pow10_cache[i].e + 64;
        if (landed < EXP_LOW) i++;
        else if (landed > EXP_HIGH) i--;
        else break;
    }
    *k = POW_FIRST + i * POW_STEP;
    return pow10_cache[i];
}

/* Moves the last digit down while the candidate stays inside the
 * interval (rest + step <= delta) and gets closer to w (at distance
 * wdist from the upper end). */
static void weed(char *d, int n, uint64_t delta, uint64_t rest, uint64_t step, uint64_t wdist) {
    while (rest < wdist && delta - rest >= step &&
           (rest + step < wdist || wdist - rest > rest + step - wdist)) {
        d[n - 1]--;
        rest += step;
    }
}

/* Digits of hi (the scaled upper boundary) until the rest is within delta
 * of it; *K gets the decimal exponent of the last digit added. */
static int gen_digits(DiyFp w, DiyFp hi, DiyFp lo, char *d, int *K) {
    uint64_t wdist = hi.f - w.f;
    uint64_t delta = hi.f - lo.f;
    int shift = -hi.e;
    uint64_t one = (uint64_t)1 << shift, mask = one - 1;
    uint64_t ip = hi.f >> shift; /* < 2^32 */
    uint64_t fp = hi.f & mask;
    int n = 0, kappa = 10;
    for (int p = 9; p >= 0; p--) {
        uint64_t div = pow10_u64[p];
        unsigned digit = (unsigned)(ip / div);
        if (digit || n) d[n++] = (char)('0' + digit);
        ip -= digit * div;
        kappa--;
        uint64_t rest = (ip << shift) + fp;
        if (rest <= delta) {
            *K += kappa;
            weed(d, n, delta, rest, div << shift, wdist);
            return n;
        }
    }
    uint64_t unit = 10; /* 10^(fraction digits produced) */
    for (;;) {
        fp *= 10;
        delta *= 10;
        kappa--;
        unsigned digit = (unsigned)(fp >> shift);
        if (digit || n) d[n++] = (char)('0' + digit);
        fp &= mask;
        if (fp < delta) {
            *K += kappa;
            weed(d, n, delta, fp, one, wdist * unit);
            return n;
        }
        unit *= 10;
    }
}

/* v > 0, finite: its digits and *K with v ~ digits x 10^K. */
static int grisu2(double v, char *d, int *K) {
    uint64_t bits = bits_of(v);
    int bexp = (int)((bits & EXP_MASK) >> 52);
    DiyFp w;
    if (bexp) {
        w.f = (bits & FRAC_MASK) + HIDDEN_BIT;
        w.e = bexp - 1075;
    } else {
        w.f = bits & FRAC_MASK;
        w.e = -1074;
    }
    /* m+ = (2f + 1) x 2^(e-1), normalized to bit 63. */
    DiyFp hi = {(w.f << 1) + 1, w.e - 1};
    while (!(hi.f & (HIDDEN_BIT << 1))) {
        hi.f <<= 1;
        hi.e--;
    }
    hi.f <<= 10;
    hi.e -= 10;
    /* m- is closer when f is a power of two (the double below has a
     * smaller exponent); it takes m+'s exponent. */
    int lshift = w.f == HIDDEN_BIT ? 2 : 1;
    DiyFp lo = {(w.f << lshift) - 1, w.e - lshift};
    lo.f <<= lo.e - hi.e;
    lo.e = hi.e;
    while (!(w.f & HIDDEN_BIT)) {
        w.f <<= 1;
        w.e--;
    }
    w.f <<= 11;
    w.e -= 11;
    int k;
    DiyFp c = cached_power(hi.e, &k);
    w = diy_mul(w, c);
    hi = diy_mul(hi, c);
    lo = diy_mul(lo, c);
    /* Stay strictly inside the interval despite the products' error. */
    lo.f++;
    hi.f--;
    *K = -k;
    return gen_digits(w, hi, lo, d, K);
}

/* The layout rule (dtoa.h) for digits d[0..n) x 10^K. */
static size_t lay_out(const char *d, int n, int K, int neg, char *out) {
    int x = K + n - 1;
    int ax = x < 0 ? -x : x;
    if (K >= 0 && ax < n + 7) {
        memcpy(out, d, (size_t)n);
        memset(out + n, '0', (size_t)K);
        return (size_t)(n + K);
    }
    if (K < 0 && (K > -7 || ax < 4)) {
        int before = n + K; /* digits before the point */
        if (before <= 0) {
            int zeros = -before;
            out[0] = '0';
            out[1] = '.';
            memset(out + 2, '0', (size_t)zeros);
            memcpy(out + 2 + zeros, d, (size_t)n);
            return (size_t)(n + 2 + zeros);
        }
        memcpy(out, d, (size_t)before);
        out[before] = '.';
        memcpy(out + before + 1, d + before, (size_t)(n - before));
        return (size_t)(n + 1);
    }
    int m = n < 18 - neg ? n : 18 - neg;
    size_t i = 0;
    out[i++] = d[0];
    if (m > 1) {
        out[i++] = '.';
        memcpy(out + i, d + 1, (size_t)(m - 1));
        i += (size_t)(m - 1);
    }
    out[i++] = 'e';
    out[i++] = K + m - 1 < 0 ? '-' : '+';
    int hundreds = 0;
    if (ax > 99) {
        hundreds = ax / 100;
        out[i++] = (char)('0' + hundreds);
        ax -= hundreds * 100;
    }
    if (ax > 9) {
        int tens = ax / 10;
        out[i++] = (char)('0' + tens);
        ax -= tens * 10;
    } else if (hundreds) {
        out[i++] = '0';
    }
    out[i++] = (char)('0' + ax % 10);
    return i;
}

size_t dtoa_grisu(double v, char out[DTOA_BUF]) {
    uint64_t bits = bits_of(v);
    size_t len = 0;
    int neg = (bits & SIGN_BIT) != 0;
    if (neg) out[len++] = '-';
    if (v == 0) {
        out[len++] = '0';
    } else if ((bits & EXP_MASK) == EXP_MASK) {
        memcpy(out + len, (bits & FRAC_MASK) ? "nan" : "inf", 3);
        len += 3;
    } else {
        char digits[24];
        int K = 0;
        int n = grisu2(v, digits, &K);
        len += lay_out(digits, n, K, neg, out + len);
    }
    out[len] = '\0';
    return len;
}

/* Decimal text of v; returns the length (no NUL). */
static size_t ll_text(long long v, char *out) {
    char tmp[24];
    size_t n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) out[len++] = '-';
    while (n) out[len++] = tmp[--n];
    return len;
}

size_t dtoa_valkey(double v, char out[DTOA_BUF]) {
    size_t len;
    if (isnan(v)) {
        memcpy(out, "nan", 4);
        return 3;
    }
    if (isinf(v)) {
        len = v < 0 ? 4 : 3;
        memcpy(out, v < 0 ? "-inf" : "inf", len + 1);
        return len;
    }
    if (v == 0) {
        len = signbit(v) ? 2 : 1;
        memcpy(out, signbit(v) ? "-0" : "0", len + 1);
        return len;
    }
    /* Integral values within +-2^62 print as integers (faster than the
     * digit generation, and what Valkey does). */
    if (v >= -4611686018427387904.0 && v <= 4611686018427387904.0) {
        long long ll = (long long)v;
        if ((double)ll == v) {
            len = ll_text(ll, out);
            out[len] = '\0';
            return len;
        }
    }
    return dtoa_grisu(v, out);
}
