/* histogram.h - latency histogram with bounded relative error, for the
 * benchmark's percentiles and the server's per-command latency tracking.
 *
 * Values (any unit; we use microseconds or nanoseconds) fall in log-linear
 * buckets: each power-of-two range is split into HIST_SUB_BUCKETS equal
 * parts, so a reported value is within 1/HIST_SUB_BUCKETS (about 3%) of the
 * true one, from 0 up to 2^HIST_MAX_BITS.  The count array is allocated on
 * the first record, so an unused histogram costs only its struct. */
#ifndef DEPS_HISTOGRAM_H
#define DEPS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB_BUCKETS (1u << HIST_SUB_BITS)
#define HIST_MAX_BITS 44 /* 2^44 us is about 200 days */

typedef struct Histogram {
    uint64_t *counts; /* NULL until the first record */
    uint64_t total;
    uint64_t min, max;
    uint64_t sum;     /* saturates instead of wrapping */
} Histogram;

void hist_init(Histogram *h);
void hist_free(Histogram *h);
void hist_reset(Histogram *h);
void hist_record(Histogram *h, uint64_t value);
void hist_record_n(Histogram *h, uint64_t value, uint64_t n);
void hist_merge(Histogram *dst, const Histogram *src);
/* The value at percentile p (0..100): the highest value of the bucket that
 * holds it, clamped to [min, max]; 0 for an empty histogram. */
uint64_t hist_percentile(const Histogram *h, double p);
double hist_mean(const Histogram *h);
/* How many recorded values are <= v (exact for bucket upper bounds). */
uint64_t hist_count_upto(const Histogram *h, uint64_t v);

/* ---- bucket walking, for valkey-benchmark's distribution reports ---- */
/* The largest value that shares v's bucket (what a report prints for v). */
uint64_t hist_highest_equivalent(uint64_t v);
/* Walks the non-empty buckets from the lowest: start with *cursor = 0.
 * Returns 1 with the bucket's highest equivalent value (clamped to
 * [min, max]) and its count, or 0 when no bucket is left. */
int hist_next_bucket(const Histogram *h, size_t *cursor, uint64_t *top, uint64_t *count);

#endif
