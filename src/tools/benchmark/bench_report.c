/* bench_report.c - what valkey-benchmark prints: the progress line, the
 * full report of a test (header, latency by percentile, cumulative
 * distribution, summary), the -q line and the --csv rows, in the formats
 * Valkey's benchmark uses so scripts that parse them keep working.
 *
 * Latencies are kept in microseconds and printed in milliseconds. The
 * percentile ladder halves the distance to 100% at each step (0, 50, 75,
 * 87.5, ...); the cumulative distribution steps by 0.1 ms up to 2 ms and
 * by 1 ms after, printing a line only when the count changes.
 *
 * Invariant: progress_len is the width of the progress line on screen,
 * so the next line can blank it out first. */
#include <math.h>
#include <stdio.h>

#include "bench.h"

static int progress_len;

/* The blanking Valkey prints before each progress line and report: as
 * many spaces as the last progress line, at least one, then CR. */
static void clear_progress(void) {
    printf("%*s\r", progress_len, " ");
    progress_len = 0;
}

void bench_progress(const BenchConfig *cfg, const char *title, uint64_t done, uint64_t interval_done,
                    uint64_t interval_us, uint64_t elapsed_us, double avg_ms, double interval_avg_ms) {
    if (cfg->csv) return;
    double rps = interval_us ? (double)interval_done * 1e6 / (double)interval_us : 0.0;
    double overall = (double)done * 1e6 / (double)elapsed_us;
    clear_progress();
    int n = printf("%s: rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f)\r", title, rps, overall,
                   interval_avg_ms, avg_ms);
    progress_len = n > 0 ? n - 1 : 0;
    fflush(stdout);
}

/* The highest value of the first bucket at which at least p% of the
 * values are counted. */
static uint64_t value_at(const Histogram *h, double p) {
    size_t cur = 0;
    uint64_t top = 0, n, cum = 0;
    while (hist_next_bucket(h, &cur, &top, &n)) {
        cum += n;
        if ((double)cum * 100.0 / (double)h->total >= p) return top;
    }
    return h->max;
}

static double ms(uint64_t us) {
    return (double)us / 1000.0;
}

static void print_row(double pct, uint64_t value_us, uint64_t cum) {
    printf("%3.3f%% <= %.3f milliseconds (cumulative count %llu)\n", pct, ms(value_us), (unsigned long long)cum);
}

/* 0%, then each step covers half of what is left to 100%. */
static double next_level(double level) {
    double halvings = floor(log2(100.0 / (100.0 - level))) + 1;
    return level + 100.0 / pow(2.0, halvings);
}

static void print_percentiles(const Histogram *h) {
    printf("Latency by percentile distribution:\n");
    size_t cur = 0;
    uint64_t top, n, cum = 0, printed = UINT64_MAX;
    double level = 0.0;
    while (hist_next_bucket(h, &cur, &top, &n)) {
        cum += n;
        double reached = (double)cum * 100.0 / (double)h->total;
        if (cum == h->total) {
            /* The last bucket: the level it reaches, then 100%. */
            print_row(level, top, cum);
            print_row(100.0, h->max, cum);
            break;
        }
        while (level <= reached) {
            if (cum != printed) print_row(level, top, cum);
            printed = cum;
            double next = next_level(level);
            if (next <= level) break;
            level = next;
        }
    }
    printf("\n");
}

static void print_cumulative(const Histogram *h) {
    printf("Cumulative distribution of latencies:\n");
    size_t cur = 0;
    uint64_t btop = 0, bn = 0, cum = 0, printed = UINT64_MAX;
    int have = hist_next_bucket(h, &cur, &btop, &bn);
    uint64_t level = 100, step = 100;
    for (;;) {
        uint64_t top = hist_highest_equivalent(level);
        while (have && btop <= top) {
            cum += bn;
            have = hist_next_bucket(h, &cur, &btop, &bn);
        }
        if (cum != printed || cum == h->total)
            print_row((double)cum * 100.0 / (double)h->total, top, cum);
        printed = cum;
        if (cum >= h->total) break;
        level += step;
        if (top >= 2000) step = 1000; /* past 2 ms, tenths add little */
    }
    printf("\n");
}

void bench_report_csv_header(void) {
    printf("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\","
           "\"p99_latency_ms\",\"max_latency_ms\"\n");
}

void bench_report(const BenchConfig *cfg, const BenchJob *job, const BenchResult *res) {
    const Histogram *h = &res->hist;
    double secs = (double)res->elapsed_us / 1e6;
    double rps = (double)res->finished / secs; /* inf when too fast to time, as Valkey prints */
    double avg = hist_mean(h) / 1000.0;
    uint64_t min = h->total ? h->min : 0;
    uint64_t p50 = h->total ? value_at(h, 50) : 0;
    if (cfg->csv) {
        printf("\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n", job->title, rps, avg, ms(min),
               ms(p50), ms(value_at(h, 95)), ms(value_at(h, 99)), ms(h->max));
    } else if (cfg->quiet) {
        clear_progress();
        printf("%s: %.2f requests per second, p50=%.3f msec\n", job->title, rps, ms(p50));
    } else {
        clear_progress();
        printf("====== %s ======\n", job->title);
        printf("  %llu requests completed in %.2f seconds\n", (unsigned long long)res->finished, secs);
        printf("  %d parallel clients\n", cfg->clients);
        printf("  %d bytes payload\n", cfg->datasize);
        printf("  keep alive: %d\n", cfg->keepalive);
        if (cfg->conf_save) {
            printf("  host configuration \"save\": %s\n", cfg->conf_save);
            printf("  host configuration \"appendonly\": %s\n", cfg->conf_appendonly);
        }
        printf("  multi-thread: %s\n", cfg->threads > 0 ? "yes" : "no");
        if (cfg->threads > 0) printf("  threads: %d\n", cfg->threads);
        printf("\n");
        if (h->total) {
            print_percentiles(h);
            print_cumulative(h);
        }
        printf("Summary:\n");
        printf("  throughput summary: %.2f requests per second\n", rps);
        printf("  latency summary (msec):\n");
        printf("    %9s %9s %9s %9s %9s %9s\n", "avg", "min", "p50", "p95", "p99", "max");
        printf("    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", avg, ms(min), ms(p50), ms(value_at(h, 95)),
               ms(value_at(h, 99)), ms(h->max));
    }
    fflush(stdout);
}

void bench_report_end(const BenchConfig *cfg) {
    if (!cfg->csv) printf("\n");
    fflush(stdout);
}
