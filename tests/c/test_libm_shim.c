/* test_libm_shim.c - src/ds/libm_shim.c against the real libm.
 *
 * With jemalloc the shim's exp/log/round are linked into this program, so
 * the plain names call the shim; the real functions come from libm.so.6
 * through dlsym.  Sweeps many magnitudes and checks agreement within a few
 * ulps (round must agree exactly).  With libc malloc there is no shim and
 * the test checks libm against itself, which still must pass. */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed, failed;

static int64_t ulps_apart(double a, double b) {
    if (a == b) return 0;
    if (isnan(a) && isnan(b)) return 0;
    int64_t ia, ib;
    memcpy(&ia, &a, 8);
    memcpy(&ib, &b, 8);
    if (ia < 0) ia = INT64_MIN - ia;
    if (ib < 0) ib = INT64_MIN - ib;
    return ia > ib ? ia - ib : ib - ia;
}

static void check(const char *fn, double x, double ours, double real, int64_t max_ulps) {
    int64_t d = ulps_apart(ours, real);
    if (d <= max_ulps) {
        passed++;
    } else {
        failed++;
        if (failed < 20) printf("FAIL %s(%.17g): shim %.17g, libm %.17g (%lld ulps)\n", fn, x, ours, real, (long long)d);
    }
}

int main(void) {
    void *lib = dlopen("libm.so.6", RTLD_NOW);
    if (!lib) {
        printf("cannot open libm.so.6: %s\n0 passed, 1 failed\n", dlerror());
        return 1;
    }
    double (*real_log)(double) = (double (*)(double))dlsym(lib, "log");
    double (*real_exp)(double) = (double (*)(double))dlsym(lib, "exp");
    double (*real_round)(double) = (double (*)(double))dlsym(lib, "round");
    /* Volatile so the compiler cannot fold calls on constants into
     * builtins: we want the linked functions. */
    double (*volatile my_log)(double) = log;
    double (*volatile my_exp)(double) = exp;
    double (*volatile my_round)(double) = round;
    static const double specials[] = {0.5, 1.0, 2.0, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                                      4503599627370495.5, -4503599627370495.5, 1e-310, 5e-324, 1e300,
                                      0.1, 10, 1e-5, 709.7, -744.0};
    for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
        double x = specials[i];
        check("round", x, my_round(x), real_round(x), 0);
        if (x > 0) check("log", x, my_log(x), real_log(x), 2);
        if (x < 709.78) check("exp", x, my_exp(x), real_exp(x), 4);
    }
    /* A sweep: log over (0, 1e300], exp over [-700, 700], round over a
     * spread of halves. */
    for (double x = 1e-300; x < 1e300; x *= 1.37) check("log", x, my_log(x), real_log(x), 2);
    for (double x = 1e-6; x < 1.0; x += 0.000731) check("log", x, my_log(x), real_log(x), 2);
    for (double x = -700; x < 700; x += 0.0917) check("exp", x, my_exp(x), real_exp(x), 4);
    for (double x = -1000.5; x < 1000; x += 0.25) check("round", x, my_round(x), real_round(x), 0);
    check("log", 0.0, my_log(0.0), real_log(0.0), 0);
    check("log", -1.0, my_log(-1.0), real_log(-1.0), 0);
    check("exp", 1000.0, my_exp(1000.0), real_exp(1000.0), 0);
    check("exp", -1000.0, my_exp(-1000.0), real_exp(-1000.0), 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
