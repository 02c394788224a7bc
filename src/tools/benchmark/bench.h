/* bench.h - what the parts of valkey-benchmark share: the options, one
 * test ("job": a preformatted command and where its random digits go),
 * the per-thread state of the client engine, and the results a report is
 * printed from.
 *
 * Invariants: a job's command is a complete RESP (or inline) request whose
 * every placeholder is exactly BENCH_RAND_LEN bytes wide, so patching
 * random digits never moves a byte and every copy of the command has the
 * same length; the counters a report reads are owned by one worker each
 * and only published (atomically) for the progress line. */
#ifndef TOOLS_BENCH_H
#define TOOLS_BENCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../../../deps/histogram/histogram.h"

#define BENCH_RAND_LEN 12          /* "__rand_int__" and the digits that replace it */
#define BENCH_MAX_THREADS 500
#define BENCH_MAX_CLIENTS 100000
#define BENCH_MAX_PIPELINE 100000

typedef struct BenchConfig {
    const char *host;
    int port;
    const char *unix_path;
    const char *auth;
    const char *user;
    int clients;
    int64_t requests;
    int datasize;
    int keepalive;
    int64_t keyspace;      /* 0: no random substitution */
    int pipeline;
    int show_errors;       /* -e: print errors and keep going */
    int quiet;
    int csv;
    int loop;
    int threads;           /* 0: one loop in the main thread */
    int precision;
    int dbnum;
    int resp3;             /* -3: HELLO 3 on every connection */
    uint64_t seed;
    int idle;              /* -I: open the connections and wait */
    int stdin_last_arg;    /* -x: the command's last argument is stdin */
    char *tests;           /* ",name,name," in lower case, or NULL for all */
    /* Read from the server once, for the report's "host configuration". */
    char *conf_save;
    char *conf_appendonly;
} BenchConfig;

typedef struct BenchJob {
    char *title;
    char *cmd;             /* one request */
    size_t cmd_len;
    size_t *rand_pos;      /* offsets of the placeholders in cmd */
    int nrand;
} BenchJob;

typedef struct BenchResult {
    Histogram hist;        /* latencies in microseconds */
    uint64_t finished;
    uint64_t elapsed_us;
} BenchResult;

/* bench_cmd.c: building requests. */
BenchJob *bench_job_new(const char *title, int argc, const char **argv, const size_t *lens, int inline_req);
void bench_job_free(BenchJob *job);

/* bench_run.c: runs one job to completion (exits the process on a fatal
 * error such as a refused connection or, without -e, an error reply). */
void bench_run(const BenchConfig *cfg, const BenchJob *job, BenchResult *res);

/* -I: opens the -c connections, sends nothing, and shows how many are
 * open until killed. A reply (the server refusing a client) or a closed
 * connection ends the process with status 1. Never returns. */
void bench_idle(const BenchConfig *cfg);

/* bench_report.c: printing. */
void bench_progress(const BenchConfig *cfg, const char *title, uint64_t done, uint64_t interval_done,
                    uint64_t interval_us, uint64_t elapsed_us, double avg_ms, double interval_avg_ms);
void bench_report(const BenchConfig *cfg, const BenchJob *job, const BenchResult *res);
void bench_report_csv_header(void);
void bench_report_end(const BenchConfig *cfg);

#endif
