/* histogram.c - log-linear latency histogram (see histogram.h).
 *
 * Bucket index: values below HIST_SUB_BUCKETS map to themselves (exact);
 * a value v with highest set bit k >= HIST_SUB_BITS maps to group
 * k - HIST_SUB_BITS + 1, sub-bucket (v >> (k - HIST_SUB_BITS)) minus
 * HIST_SUB_BUCKETS, so every group covers one power of two in
 * HIST_SUB_BUCKETS equal steps. */
#include "histogram.h"

#include <stdlib.h>
#include <string.h>

#define GROUPS (HIST_MAX_BITS - HIST_SUB_BITS + 1)
#define NBUCKETS ((size_t)(GROUPS + 1) * HIST_SUB_BUCKETS)
#define MAX_VALUE ((1ULL << HIST_MAX_BITS) - 1)

/* Index of the highest set bit (v > 0): one instruction where the
 * compiler has the builtin, since this runs on every recorded command. */
static int highest_bit(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
    return 63 - __builtin_clzll(v);
#else
    int k = 0;
    while (v >>= 1) k++;
    return k;
#endif
}

static size_t bucket_of(uint64_t v) {
    if (v < HIST_SUB_BUCKETS) return (size_t)v;
    int k = highest_bit(v);
    int shift = k - HIST_SUB_BITS;
    size_t group = (size_t)(shift + 1);
    return group * HIST_SUB_BUCKETS + (size_t)((v >> shift) - HIST_SUB_BUCKETS);
}

/* The largest value that falls in bucket b. */
static uint64_t bucket_top(size_t b) {
    size_t group = b / HIST_SUB_BUCKETS, sub = b % HIST_SUB_BUCKETS;
    if (group == 0) return sub;
    int shift = (int)group - 1;
    return ((((uint64_t)HIST_SUB_BUCKETS + sub) << shift) + ((1ULL << shift) - 1));
}

void hist_init(Histogram *h) {
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

void hist_free(Histogram *h) {
    free(h->counts);
    hist_init(h);
}

void hist_reset(Histogram *h) {
    if (h->counts) memset(h->counts, 0, NBUCKETS * sizeof(uint64_t));
    h->total = h->sum = h->max = 0;
    h->min = UINT64_MAX;
}

void hist_record_n(Histogram *h, uint64_t v, uint64_t n) {
    if (n == 0) return;
    if (!h->counts) {
        /* Plain calloc: deps know nothing of the server's allocator, and
         * a missing histogram is better than a crash. */
        h->counts = calloc(NBUCKETS, sizeof(uint64_t));
        if (!h->counts) return;
    }
    if (v > MAX_VALUE) v = MAX_VALUE;
    h->counts[bucket_of(v)] += n;
    h->total += n;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    uint64_t add = v * n;
    if ((n != 0 && add / n != v) || h->sum > UINT64_MAX - add) h->sum = UINT64_MAX;
    else h->sum += add;
}

void hist_record(Histogram *h, uint64_t v) {
    hist_record_n(h, v, 1);
}

void hist_merge(Histogram *dst, const Histogram *src) {
    if (!src->counts || src->total == 0) return;
    if (!dst->counts) {
        dst->counts = calloc(NBUCKETS, sizeof(uint64_t));
        if (!dst->counts) return;
    }
    for (size_t b = 0; b < NBUCKETS; b++) dst->counts[b] += src->counts[b];
    dst->total += src->total;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
    dst->sum = (dst->sum > UINT64_MAX - src->sum) ? UINT64_MAX : dst->sum + src->sum;
}

uint64_t hist_percentile(const Histogram *h, double p) {
    if (!h->counts || h->total == 0) return 0;
    if (p <= 0) return h->min;
    if (p >= 100) return h->max;
    /* The smallest value with at least p% of the values at or below it. */
    uint64_t rank = (uint64_t)((p / 100.0) * (double)h->total + 0.5);
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) {
            uint64_t v = bucket_top(b);
            if (v > h->max) v = h->max;
            if (v < h->min) v = h->min;
            return v;
        }
    }
    return h->max;
}

double hist_mean(const Histogram *h) {
    return h->total ? (double)h->sum / (double)h->total : 0.0;
}

uint64_t hist_count_upto(const Histogram *h, uint64_t v) {
    if (!h->counts) return 0;
    if (v > MAX_VALUE) v = MAX_VALUE;
    size_t last = bucket_of(v);
    uint64_t n = 0;
    for (size_t b = 0; b <= last; b++) n += h->counts[b];
    return n;
}

/* ---- bucket walking, for valkey-benchmark's distribution reports ---- */

uint64_t hist_highest_equivalent(uint64_t v) {
    if (v > MAX_VALUE) v = MAX_VALUE;
    return bucket_top(bucket_of(v));
}

int hist_next_bucket(const Histogram *h, size_t *cursor, uint64_t *top, uint64_t *count) {
    if (!h->counts) return 0;
    for (size_t b = *cursor; b < NBUCKETS; b++) {
        if (h->counts[b] == 0) continue;
        uint64_t v = bucket_top(b);
        if (v > h->max) v = h->max;
        if (v < h->min) v = h->min;
        *top = v;
        *count = h->counts[b];
        *cursor = b + 1;
        return 1;
    }
    *cursor = NBUCKETS;
    return 0;
}
