/* test_histogram.c - unit tests for deps/histogram: exact small values,
 * bounded relative error everywhere else, percentiles against a sorted
 * reference, merge, reset, saturation at the top of the range. */
#include <stdlib.h>
#include <string.h>

#include "../../deps/histogram/histogram.h"
#include "unit.h"

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_empty_and_small(void) {
    Histogram h;
    hist_init(&h);
    CHECK_EQ_UINT(0, hist_percentile(&h, 50));
    CHECK(hist_mean(&h) == 0.0);
    CHECK_EQ_UINT(0, hist_count_upto(&h, 100));
    for (uint64_t v = 0; v < 32; v++) hist_record(&h, v);
    /* Below 32 every value has a bucket of its own. */
    for (uint64_t v = 0; v < 32; v++) CHECK_EQ_UINT(v + 1, hist_count_upto(&h, v));
    CHECK_EQ_UINT(0, h.min);
    CHECK_EQ_UINT(31, h.max);
    CHECK_EQ_UINT(15, hist_percentile(&h, 50));
    CHECK_EQ_UINT(31, hist_percentile(&h, 100));
    CHECK(hist_mean(&h) == 15.5);
    hist_free(&h);
}

static void test_relative_error(void) {
    /* One value at a time: the reported p50 is within 1/32 above it. */
    uint64_t values[] = {33, 100, 1000, 4097, 65535, 1000003, 123456789, 99999999999ULL};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        Histogram h;
        hist_init(&h);
        hist_record(&h, values[i]);
        hist_record(&h, values[i] * 2);
        uint64_t p = hist_percentile(&h, 50);
        CHECK(p >= values[i]);
        CHECK(p <= values[i] + values[i] / 32 + 1);
        hist_free(&h);
    }
}

static void test_against_sorted_reference(void) {
    enum { N = 100000 };
    uint64_t *ref = malloc(N * sizeof(uint64_t));
    Histogram h;
    hist_init(&h);
    srand(7);
    for (int i = 0; i < N; i++) {
        /* A long-tailed mix like real latencies. */
        uint64_t v = (uint64_t)(rand() % 200) + 50;
        if (i % 100 == 0) v *= 40;
        if (i % 10000 == 0) v *= 1000;
        ref[i] = v;
        hist_record(&h, v);
    }
    qsort(ref, N, sizeof(uint64_t), cmp_u64);
    double ps[] = {1, 50, 90, 95, 99, 99.9, 99.99};
    for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
        uint64_t exact = ref[(size_t)(ps[i] / 100.0 * N + 0.5) - 1];
        uint64_t got = hist_percentile(&h, ps[i]);
        CHECK(got >= exact);
        CHECK(got <= exact + exact / 32 + 1);
    }
    CHECK_EQ_UINT(ref[0], h.min);
    CHECK_EQ_UINT(ref[N - 1], h.max);
    CHECK_EQ_UINT(N, h.total);
    CHECK_EQ_UINT(N, hist_count_upto(&h, h.max));
    free(ref);
    hist_free(&h);
}

static void test_merge_reset_saturate(void) {
    Histogram a, b;
    hist_init(&a);
    hist_init(&b);
    for (int i = 0; i < 1000; i++) hist_record(&a, 10);
    for (int i = 0; i < 1000; i++) hist_record(&b, 1000);
    hist_merge(&a, &b);
    CHECK_EQ_UINT(2000, a.total);
    CHECK_EQ_UINT(10, a.min);
    CHECK_EQ_UINT(1000, a.max);
    CHECK_EQ_UINT(10, hist_percentile(&a, 50));
    CHECK(hist_percentile(&a, 51) >= 1000);
    hist_reset(&a);
    CHECK_EQ_UINT(0, a.total);
    CHECK_EQ_UINT(0, hist_percentile(&a, 99));
    /* Values past the range are clamped into the top bucket. */
    hist_record(&a, UINT64_MAX);
    CHECK_EQ_UINT((1ULL << HIST_MAX_BITS) - 1, a.max);
    /* 2^40 * 2^30 overflows 64 bits: the sum saturates, never wraps. */
    hist_record_n(&a, 1ULL << 40, 1ULL << 30);
    CHECK_EQ_UINT(1 + (1ULL << 30), a.total);
    CHECK_EQ_UINT(UINT64_MAX, a.sum);
    hist_free(&a);
    hist_free(&b);
}

/* ---- bucket walking (valkey-benchmark's reports) ---- */
static void test_bucket_walk(void) {
    Histogram h;
    hist_init(&h);
    size_t cur = 0;
    uint64_t top, n;
    CHECK(!hist_next_bucket(&h, &cur, &top, &n));
    /* Exact below 32; above, a value's bucket top is >= it and within 1/32. */
    CHECK_EQ_UINT(7, hist_highest_equivalent(7));
    uint64_t probes[] = {100, 1000, 2000, 123456, 99999999};
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        uint64_t t = hist_highest_equivalent(probes[i]);
        CHECK(t >= probes[i] && t - probes[i] <= probes[i] / 32);
        CHECK_EQ_UINT(t, hist_highest_equivalent(t));
        CHECK(hist_highest_equivalent(t + 1) > t);
    }
    hist_record_n(&h, 5, 3);
    hist_record_n(&h, 1000, 2);
    hist_record(&h, 5000);
    /* Walked in order, counts summing to the total, tops clamped to max. */
    uint64_t tops[4], counts[4];
    int k = 0;
    cur = 0;
    while (k < 4 && hist_next_bucket(&h, &cur, &tops[k], &counts[k])) k++;
    CHECK_EQ_UINT(3, (uint64_t)k);
    CHECK_EQ_UINT(5, tops[0]);
    CHECK_EQ_UINT(3, counts[0]);
    CHECK_EQ_UINT(hist_highest_equivalent(1000), tops[1]);
    CHECK_EQ_UINT(2, counts[1]);
    CHECK_EQ_UINT(5000, tops[2]);
    CHECK_EQ_UINT(1, counts[2]);
    CHECK(!hist_next_bucket(&h, &cur, &top, &n));
    hist_free(&h);
}

int main(void) {
    UNIT_RUN(test_empty_and_small);
    UNIT_RUN(test_relative_error);
    UNIT_RUN(test_against_sorted_reference);
    UNIT_RUN(test_merge_reset_saturate);
    UNIT_RUN(test_bucket_walk);
    return unit_finish();
}
