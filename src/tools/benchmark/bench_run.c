/* bench_run.c - the client engine of valkey-benchmark: -c connections
 * spread over one event loop (or --threads N loops, one per thread), each
 * sending its pipeline of -P requests and counting the replies.
 *
 * The hot path allocates nothing: each client's output buffer holds the
 * connection prefix (AUTH/SELECT/HELLO) followed by P copies of the
 * request, formatted once; a batch patches its random digits in place and
 * is written straight from the read handler, so the readable event stays
 * registered and the writable one is only used when the socket is full.
 * Replies are skipped over by the shared reader, never built. Idle mode
 * (-I) reuses the clients and the loop but sends nothing at all.
 *
 * Invariants: requests are claimed from one atomic counter before they
 * are sent, so exactly -n requests are sent in all; a client's pending
 * count is the number of replies still owed for the batch on the wire;
 * each worker's histogram and counters are touched by its thread only,
 * and published with relaxed atomics for the progress line. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "../../ds/alloc.h"
#include "../../ds/str.h"
#include "../../net/event.h"
#include "../../net/resp_reader.h"
#include "../../net/socket.h"
#include "../common/tool_conn.h"

#define READ_CHUNK 16384
#define PROGRESS_MS 250

typedef struct Shared {
    const BenchConfig *cfg;
    const BenchJob *job;
    _Atomic int64_t issued;       /* requests claimed so far */
    _Atomic int workers_running;
    char *prefix;                 /* commands every new connection sends first */
    size_t prefix_len;
    int prefix_replies;
    uint64_t start_us;
} Shared;

struct Worker;

typedef struct Client {
    struct Worker *w;
    int fd;
    char *obuf;          /* prefix, then pipeline copies of the request */
    size_t wpos, wend;   /* bytes of obuf still to write */
    int pending;         /* replies owed for the batch on the wire */
    int prefix_pending;  /* replies owed for the prefix */
    int writing;         /* the writable event is registered */
    int fresh;           /* connection not yet used: send the prefix */
    uint64_t start_us;
    RespReader rd;
} Client;

typedef struct Worker {
    Shared *sh;
    EventLoop *loop;
    Client *clients;
    int nclients, live;
    uint64_t rng;
    Histogram hist;
    uint64_t finished, lat_sum;
    _Atomic uint64_t pub_finished, pub_lat_sum;
    uint64_t end_us;
    pthread_t tid;
    /* progress bookkeeping (the main worker only) */
    struct Worker *all;
    int nworkers;
    uint64_t last_us, last_done, last_sum;
    long long timer_id;
    uint64_t last_err_sec;
} Worker;

static void client_read(EventLoop *loop, int fd, void *data, int mask);
static void client_write(EventLoop *loop, int fd, void *data, int mask);

static void die(const char *fmt, const char *a, const char *b) {
    fflush(stdout);
    fprintf(stderr, fmt, a, b);
    exit(1);
}

/* ---------------------------------------------------------- randomness */

/* xorshift64*: fast, good enough to spread keys over the keyspace. */
static inline uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Six digits of v (< 1000000), zero-padded, with 32-bit arithmetic only. */
static inline void put6(char *p, uint32_t v) {
    uint32_t a = v / 10000, r = v % 10000, b = r / 100, c = r % 100;
    memcpy(p, digit_pairs + 2 * a, 2);
    memcpy(p + 2, digit_pairs + 2 * b, 2);
    memcpy(p + 4, digit_pairs + 2 * c, 2);
}

static void randomize(Worker *w, char *req, int copies) {
    const BenchJob *job = w->sh->job;
    uint64_t space = (uint64_t)w->sh->cfg->keyspace;
    for (int i = 0; i < copies; i++, req += job->cmd_len) {
        for (int j = 0; j < job->nrand; j++) {
            uint64_t r = rng_next(&w->rng), v;
            /* Multiply-shift instead of a 64-bit modulo when it fits. */
            if (space <= UINT32_MAX) v = ((r >> 32) * space) >> 32;
            else v = r % space;
            char *p = req + job->rand_pos[j];
            put6(p, (uint32_t)(v / 1000000));
            put6(p + 6, (uint32_t)(v % 1000000));
        }
    }
}

/* ------------------------------------------------------------ clients */

static void client_close(Client *c) {
    if (c->fd == -1) return;
    ev_del_file(c->w->loop, c->fd, EV_READABLE | EV_WRITABLE);
    close(c->fd);
    c->fd = -1;
    c->writing = 0;
}

static void client_finish(Client *c) {
    client_close(c);
    Worker *w = c->w;
    if (--w->live == 0) {
        w->end_us = ev_monotonic_us();
        ev_stop(w->loop);
    }
}

static void client_connect(Client *c, ev_file_proc *on_read) {
    const BenchConfig *cfg = c->w->sh->cfg;
    char err[SOCK_ERR_LEN] = "";
    c->fd = cfg->unix_path ? sock_unix_connect(cfg->unix_path, 1, err)
                           : sock_tcp_connect(cfg->host, cfg->port, 1, err);
    if (c->fd == -1) {
        char where[300];
        if (cfg->unix_path) snprintf(where, sizeof(where), "%s", cfg->unix_path);
        else snprintf(where, sizeof(where), "%s:%d", cfg->host, cfg->port);
        die("Could not connect to server at %s: %s\n", where, err);
    }
    /* fds are shared by all threads' loops: grow a loop to the fd it gets. */
    if (c->fd >= ev_setsize(c->w->loop) && ev_resize(c->w->loop, c->fd + 128) == -1)
        die("Error: %s%s\n", "cannot watch the connection: ", strerror(errno));
    if (ev_add_file(c->w->loop, c->fd, EV_READABLE, on_read, c) == -1)
        die("Error: %s%s\n", "cannot watch the connection: ", strerror(errno));
    c->fresh = 1;
    c->rd.pos = c->rd.len = 0;
}

/* Writes what it can; the writable event finishes the rest. */
static void client_flush(Client *c) {
    while (c->wpos < c->wend) {
        ssize_t n = write(c->fd, c->obuf + c->wpos, c->wend - c->wpos);
        if (n > 0) {
            c->wpos += (size_t)n;
            continue;
        }
        if (n == -1 && errno == EINTR) continue;
        if (n == -1 && errno == EAGAIN) {
            if (!c->writing) {
                ev_add_file(c->w->loop, c->fd, EV_WRITABLE, client_write, c);
                c->writing = 1;
            }
            return;
        }
        die("Error: %s%s\n", "writing to the server: ", n == 0 ? "closed" : strerror(errno));
    }
    if (c->writing) {
        ev_del_file(c->w->loop, c->fd, EV_WRITABLE);
        c->writing = 0;
    }
}

/* Claims the next batch and sends it, or retires the client. */
static void client_next(Client *c) {
    Worker *w = c->w;
    Shared *sh = w->sh;
    const BenchConfig *cfg = sh->cfg;
    int64_t want = cfg->pipeline;
    int64_t first = atomic_fetch_add_explicit(&sh->issued, want, memory_order_relaxed);
    if (first >= cfg->requests) {
        client_finish(c);
        return;
    }
    int k = (int)(cfg->requests - first < want ? cfg->requests - first : want);
    if (c->fd == -1) client_connect(c, client_read);
    if (cfg->keyspace > 0 && sh->job->nrand > 0) randomize(w, c->obuf + sh->prefix_len, k);
    if (c->fresh) {
        c->wpos = 0;
        c->prefix_pending = sh->prefix_replies;
        c->fresh = 0;
    } else {
        c->wpos = sh->prefix_len;
    }
    c->wend = sh->prefix_len + (size_t)k * sh->job->cmd_len;
    c->pending = k;
    c->start_us = ev_monotonic_us();
    client_flush(c);
}

static void client_write(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop, (void)fd, (void)mask;
    client_flush(data);
}

/* The text of the simple or blob error that starts at rd->buf + at and
 * ends at rd->pos, cut to fit msg. */
static void error_text(const RespReader *rd, size_t at, char *msg, size_t cap) {
    const char *t = rd->buf + at + 1;
    const char *e = memchr(t, '\r', rd->pos - at - 1);
    size_t tl = e ? (size_t)(e - t) : 0;
    if (rd->buf[at] == '!' && e) {
        /* Blob error: "!<len>\r\n<text>\r\n". */
        t = e + 2;
        e = memchr(t, '\r', rd->pos - (size_t)(t - rd->buf));
        tl = e ? (size_t)(e - t) : 0;
    }
    if (tl >= cap) tl = cap - 1;
    memcpy(msg, t, tl);
    msg[tl] = '\0';
}

/* An error reply: fatal unless -e, then shown at most once a second. */
static void on_error_reply(Worker *w, const char *msg) {
    if (!w->sh->cfg->show_errors) die("Error from server: %s%s\n", msg, "");
    uint64_t sec = ev_monotonic_us() / 1000000;
    if (sec != w->last_err_sec) {
        w->last_err_sec = sec;
        printf("Error from server: %s\n", msg);
    }
}

static void client_read(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop, (void)mask;
    Client *c = data;
    Worker *w = c->w;
    char *space = resp_reader_space(&c->rd, READ_CHUNK);
    ssize_t n = read(fd, space, READ_CHUNK);
    if (n <= 0) {
        if (n == -1 && (errno == EAGAIN || errno == EINTR)) return;
        die("Error: %s%s\n", n == 0 ? "Server closed the connection" : strerror(errno), "");
    }
    resp_reader_wrote(&c->rd, (size_t)n);
    uint64_t done = 0;
    while (c->pending > 0 || c->prefix_pending > 0) {
        size_t at = c->rd.pos;
        int type;
        int rc = resp_reader_skip(&c->rd, &type);
        if (rc == RESP_READ_MORE) break;
        if (rc == RESP_READ_ERROR) die("Error: %s%s\n", c->rd.err, "");
        if (type == RESP_T_ERROR || type == RESP_T_BLOBERR) {
            char msg[4096];
            error_text(&c->rd, at, msg, sizeof(msg));
            if (c->prefix_pending > 0) die("Error from server: %s%s\n", msg, "");
            on_error_reply(w, msg);
        }
        if (c->prefix_pending > 0) {
            c->prefix_pending--;
            continue;
        }
        c->pending--;
        done++;
    }
    if (done) {
        uint64_t lat = ev_monotonic_us() - c->start_us;
        hist_record_n(&w->hist, lat, done);
        w->finished += done;
        w->lat_sum += lat * done;
        atomic_store_explicit(&w->pub_finished, w->finished, memory_order_relaxed);
        atomic_store_explicit(&w->pub_lat_sum, w->lat_sum, memory_order_relaxed);
    }
    if (c->pending == 0 && c->prefix_pending == 0) {
        if (!w->sh->cfg->keepalive) client_close(c);
        client_next(c);
    }
}

/* ------------------------------------------------------------ progress */

static void progress(Worker *main_w, uint64_t now) {
    uint64_t done = 0, sum = 0;
    for (int i = 0; i < main_w->nworkers; i++) {
        done += atomic_load_explicit(&main_w->all[i].pub_finished, memory_order_relaxed);
        sum += atomic_load_explicit(&main_w->all[i].pub_lat_sum, memory_order_relaxed);
    }
    uint64_t d = done - main_w->last_done, s = sum - main_w->last_sum;
    double avg = (double)sum / (double)done / 1000.0;     /* NaN before the first reply, as Valkey shows */
    double iavg = (double)s / (double)d / 1000.0;
    bench_progress(main_w->sh->cfg, main_w->sh->job->title, done, d, now - main_w->last_us,
                   now - main_w->sh->start_us, avg, iavg);
    main_w->last_us = now;
    main_w->last_done = done;
    main_w->last_sum = sum;
}

static long long progress_timer(EventLoop *loop, long long id, void *data) {
    (void)loop, (void)id;
    progress(data, ev_monotonic_us());
    return PROGRESS_MS;
}

/* ------------------------------------------------------------- workers */

/* Connections are made before the clock starts, as Valkey does: the
 * rate measures requests, not connection set-up. */
static void worker_connect(Worker *w) {
    for (int i = 0; i < w->nclients; i++) client_connect(&w->clients[i], client_read);
}

static void worker_start(Worker *w) {
    for (int i = 0; i < w->nclients; i++) client_next(&w->clients[i]);
}

static void *worker_thread(void *arg) {
    Worker *w = arg;
    worker_start(w);
    if (w->live > 0) ev_main(w->loop);
    atomic_fetch_sub(&w->sh->workers_running, 1);
    return NULL;
}

static char *build_prefix(const BenchConfig *cfg, size_t *len, int *replies) {
    Str *s = str_with_capacity(64);
    *replies = 0;
    if (cfg->auth) {
        const char *argv[3] = {"AUTH", cfg->user ? cfg->user : cfg->auth, cfg->auth};
        s = tool_format_command(s, cfg->user ? 3 : 2, argv, NULL);
        (*replies)++;
    }
    if (cfg->resp3) {
        const char *argv[2] = {"HELLO", "3"};
        s = tool_format_command(s, 2, argv, NULL);
        (*replies)++;
    }
    if (cfg->dbnum != 0) {
        char db[24];
        snprintf(db, sizeof(db), "%d", cfg->dbnum);
        const char *argv[2] = {"SELECT", db};
        s = tool_format_command(s, 2, argv, NULL);
        (*replies)++;
    }
    char *out = mem_alloc(s->len + 1);
    memcpy(out, s->buf, s->len + 1);
    *len = s->len;
    str_free(s);
    return out;
}

void bench_run(const BenchConfig *cfg, const BenchJob *job, BenchResult *res) {
    Shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.cfg = cfg;
    sh.job = job;
    atomic_init(&sh.issued, 0);
    sh.prefix = build_prefix(cfg, &sh.prefix_len, &sh.prefix_replies);

    /* Every client holds its whole pipeline: refuse sizes that cannot
     * fit rather than abort on a failed allocation. */
    uint64_t per_client = (uint64_t)sh.prefix_len + (uint64_t)cfg->pipeline * job->cmd_len;
    uint64_t all = per_client * (uint64_t)cfg->clients;
    uint64_t limit = sizeof(size_t) > 4 ? (8ULL << 30) : (1ULL << 30);
    if (per_client / (uint64_t)cfg->pipeline < job->cmd_len || all > limit) {
        char need[64];
        snprintf(need, sizeof(need), "%llu MB", (unsigned long long)(all >> 20));
        die("Error: the request buffers would need %s (clients x pipeline x request size)%s\n", need,
            "; lower -c, -P or -d");
    }

    int nworkers = cfg->threads > 0 ? cfg->threads : 1;
    if (nworkers > cfg->clients) nworkers = cfg->clients;
    atomic_init(&sh.workers_running, nworkers);
    Worker *workers = mem_calloc(sizeof(Worker) * (size_t)nworkers);
    size_t obuf_len = sh.prefix_len + (size_t)cfg->pipeline * job->cmd_len;
    uint64_t seed = cfg->seed;
    for (int i = 0; i < nworkers; i++) {
        Worker *w = &workers[i];
        w->sh = &sh;
        w->nclients = cfg->clients / nworkers + (i < cfg->clients % nworkers);
        w->live = w->nclients;
        w->loop = ev_create(cfg->clients + 128);
        if (!w->loop) die("Error: %s%s\n", "cannot create the event loop", "");
        hist_init(&w->hist);
        /* Distinct, never-zero streams per worker. */
        w->rng = (seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1)) | 1;
        w->clients = mem_calloc(sizeof(Client) * (size_t)w->nclients);
        for (int j = 0; j < w->nclients; j++) {
            Client *c = &w->clients[j];
            c->w = w;
            c->fd = -1;
            c->obuf = mem_alloc(obuf_len ? obuf_len : 1);
            memcpy(c->obuf, sh.prefix, sh.prefix_len);
            for (int k = 0; k < cfg->pipeline; k++)
                memcpy(c->obuf + sh.prefix_len + (size_t)k * job->cmd_len, job->cmd, job->cmd_len);
            resp_reader_init(&c->rd);
        }
        w->all = workers;
        w->nworkers = nworkers;
    }
    for (int i = 0; i < nworkers; i++) worker_connect(&workers[i]);
    sh.start_us = ev_monotonic_us();
    Worker *mw = &workers[0];
    mw->last_us = sh.start_us;
    if (cfg->threads > 0) {
        for (int i = 0; i < nworkers; i++)
            if (pthread_create(&workers[i].tid, NULL, worker_thread, &workers[i]) != 0)
                die("Error: %s%s\n", "cannot create a thread: ", strerror(errno));
        uint64_t next = sh.start_us + PROGRESS_MS * 1000;
        while (atomic_load(&sh.workers_running) > 0) {
            poll(NULL, 0, 10);
            uint64_t now = ev_monotonic_us();
            if (!cfg->csv && now >= next) {
                progress(mw, now);
                next = now + PROGRESS_MS * 1000;
            }
        }
        for (int i = 0; i < nworkers; i++) pthread_join(workers[i].tid, NULL);
    } else {
        if (!cfg->csv) mw->timer_id = ev_add_timer(mw->loop, PROGRESS_MS, progress_timer, mw);
        worker_start(mw);
        if (mw->live > 0) ev_main(mw->loop);
    }

    uint64_t end = 0;
    hist_init(&res->hist);
    res->finished = 0;
    for (int i = 0; i < nworkers; i++) {
        Worker *w = &workers[i];
        if (w->end_us > end) end = w->end_us;
        hist_merge(&res->hist, &w->hist);
        res->finished += w->finished;
        hist_free(&w->hist);
        for (int j = 0; j < w->nclients; j++) {
            client_close(&w->clients[j]);
            mem_free(w->clients[j].obuf);
            resp_reader_free(&w->clients[j].rd);
        }
        mem_free(w->clients);
        ev_delete(w->loop);
    }
    res->elapsed_us = end > sh.start_us ? end - sh.start_us : 0;
    mem_free(workers);
    mem_free(sh.prefix);
}

/* ----------------------------------------------------------- idle mode */

/* Nothing was sent, so anything the server says is news: an error (such
 * as "max number of clients reached") ends the run as Valkey's benchmark
 * ends it; anything else (a RESP3 push) is passed over. */
static void idle_read(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop, (void)mask;
    Client *c = data;
    char *space = resp_reader_space(&c->rd, READ_CHUNK);
    ssize_t n = read(fd, space, READ_CHUNK);
    if (n <= 0) {
        if (n == -1 && (errno == EAGAIN || errno == EINTR)) return;
        die("Error: %s%s\n", n == 0 ? "Server closed the connection" : strerror(errno), "");
    }
    resp_reader_wrote(&c->rd, (size_t)n);
    for (;;) {
        size_t at = c->rd.pos;
        int type;
        int rc = resp_reader_skip(&c->rd, &type);
        if (rc == RESP_READ_MORE) return;
        if (rc == RESP_READ_ERROR) die("Error: %s%s\n", c->rd.err, "");
        if (type == RESP_T_ERROR || type == RESP_T_BLOBERR) {
            char msg[4096];
            error_text(&c->rd, at, msg, sizeof(msg));
            die("Error from server: %s%s\n", msg, "");
        }
    }
}

static long long idle_progress(EventLoop *loop, long long id, void *data) {
    (void)loop, (void)id;
    Worker *w = data;
    printf("clients: %d\r", w->live);
    fflush(stdout);
    return PROGRESS_MS;
}

void bench_idle(const BenchConfig *cfg) {
    Shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.cfg = cfg;
    Worker w;
    memset(&w, 0, sizeof(w));
    w.sh = &sh;
    w.nclients = cfg->clients;
    w.loop = ev_create(cfg->clients + 128);
    if (!w.loop) die("Error: %s%s\n", "cannot create the event loop", "");
    w.clients = mem_calloc(sizeof(Client) * (size_t)w.nclients);
    for (int i = 0; i < w.nclients; i++) {
        Client *c = &w.clients[i];
        c->w = &w;
        c->fd = -1;
        resp_reader_init(&c->rd);
        client_connect(c, idle_read);
        w.live++;
    }
    ev_add_timer(w.loop, PROGRESS_MS, idle_progress, &w);
    ev_main(w.loop);
    exit(0); /* the loop never stops on its own */
}
