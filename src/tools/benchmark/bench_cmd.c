/* bench_cmd.c - turns a test's words into the bytes sent for it, once per
 * test: a RESP multibulk (or an inline line for PING_INLINE), plus the
 * offsets of every "__rand_int__" in it.
 *
 * Invariant: the placeholder and the zero-padded number that replaces it
 * are both BENCH_RAND_LEN bytes, so the engine patches digits in place and
 * all copies of the request in a pipeline stay the same length. */
#include <string.h>

#include "bench.h"
#include "../../ds/alloc.h"
#include "../../ds/str.h"
#include "../common/tool_conn.h"

static const char rand_marker[] = "__rand_int__";

/* Records where each placeholder sits; they never overlap because a hit
 * skips its whole width before the search resumes. */
static void find_placeholders(BenchJob *job) {
    size_t cap = 0;
    const char *p = job->cmd, *end = job->cmd + job->cmd_len;
    while ((size_t)(end - p) >= BENCH_RAND_LEN) {
        const char *hit = memmem(p, (size_t)(end - p), rand_marker, BENCH_RAND_LEN);
        if (!hit) break;
        if ((size_t)job->nrand == cap) {
            cap = cap ? cap * 2 : 4;
            job->rand_pos = mem_realloc(job->rand_pos, cap * sizeof(size_t));
        }
        job->rand_pos[job->nrand++] = (size_t)(hit - job->cmd);
        p = hit + BENCH_RAND_LEN;
    }
}

BenchJob *bench_job_new(const char *title, int argc, const char **argv, const size_t *lens, int inline_req) {
    BenchJob *job = mem_calloc(sizeof(*job));
    job->title = mem_strdup(title);
    Str *s = str_with_capacity(64);
    if (inline_req) {
        /* Inline form: the words joined by spaces, as a telnet user types. */
        for (int i = 0; i < argc; i++) {
            if (i) s = str_cat(s, " ", 1);
            s = str_cat(s, argv[i], lens ? lens[i] : strlen(argv[i]));
        }
        s = str_cat(s, "\r\n", 2);
    } else {
        s = tool_format_command(s, argc, argv, lens);
    }
    job->cmd_len = s->len;
    job->cmd = mem_alloc(s->len ? s->len : 1);
    memcpy(job->cmd, s->buf, s->len);
    str_free(s);
    find_placeholders(job);
    return job;
}

void bench_job_free(BenchJob *job) {
    if (!job) return;
    mem_free(job->title);
    mem_free(job->cmd);
    mem_free(job->rand_pos);
    mem_free(job);
}
