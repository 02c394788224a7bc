/*
 * ipc_example.c - processes on one device using the server as their
 * message bus and shared state, each a real process with its own hiredis
 * connection over the Unix socket (VALKEY_SOCKET; TCP on VALKEY_HOST and
 * VALKEY_PORT when it is not set):
 *
 *   1. a pattern subscriber (PSUBSCRIBE ipc:sensor.*) and a publisher
 *      exchange N messages, pipelined and not, a big binary one among
 *      them: every message arrives once, in order, intact, and every
 *      PUBLISH counts exactly one receiver;
 *   2. K processes increment one counter M times each with optimistic
 *      locking (WATCH, GET, MULTI, SET, RPUSH to a log, EXEC, again on a
 *      null reply): the counter ends at exactly K*M and the log, written
 *      in the same transactions, has K*M entries, M from each process.
 *
 * Works in database 10 on keys starting with "ipc:" only.  Prints one
 * line per failed check and, last, "N passed, M failed".
 */
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_DB 10
#define MESSAGES 2000
#define WORKERS 8
#define INCREMENTS 250
#define BIG_INDEX 777
#define BIG_LEN 100000

static int passed, failed;
static const char *host, *sockpath;
static int port;

static void check(int cond, const char *fmt, ...)
{
    if (cond) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

/* A connection in database TEST_DB, or NULL (the reason printed). */
static redisContext *open_conn(void)
{
    redisContext *c = sockpath ? redisConnectUnix(sockpath) : redisConnect(host, port);
    if (!c || c->err) {
        printf("FAIL: connect %s: %s\n", sockpath ? sockpath : "TCP", c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        return NULL;
    }
    redisReply *r = redisCommand(c, "SELECT %d", TEST_DB);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    if (r) freeReplyObject(r);
    if (!ok) {
        printf("FAIL: SELECT %d\n", TEST_DB);
        redisFree(c);
        return NULL;
    }
    return c;
}

/* The payload of message i: small text, one big binary blob. */
static size_t payload(int i, char *buf, size_t cap)
{
    if (i == BIG_INDEX && cap >= BIG_LEN) {
        for (size_t k = 0; k < BIG_LEN; k++) buf[k] = (char)((k * 7 + (size_t)i) & 0xff);
        return BIG_LEN;
    }
    return (size_t)snprintf(buf, cap, "reading %d", i);
}

static void channel_of(int i, char *buf, size_t cap)
{
    snprintf(buf, cap, "ipc:sensor.%d", i % 4);
}

/* ---- the subscriber process -------------------------------------------- */

static int is_str(const redisReply *r, const char *s, size_t len)
{
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) && r->len == len &&
           memcmp(r->str, s, len) == 0;
}

/* Exit status 0: every message arrived in order, intact. */
static int subscriber(int ready_fd)
{
    redisContext *c = open_conn();
    if (!c) return 2;
    redisReply *r = redisCommand(c, "PSUBSCRIBE ipc:sensor.*");
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || !is_str(r->element[0], "psubscribe", 10) ||
        r->element[2]->integer != 1) {
        printf("FAIL: subscriber: PSUBSCRIBE confirmation\n");
        return 3;
    }
    freeReplyObject(r);
    if (write(ready_fd, "R", 1) != 1) return 4;
    static char want[BIG_LEN];
    for (int i = 0; i < MESSAGES; i++) {
        void *reply;
        if (redisGetReply(c, &reply) != REDIS_OK) {
            printf("FAIL: subscriber: connection error after %d messages: %s\n", i, c->errstr);
            return 5;
        }
        r = reply;
        char ch[64];
        channel_of(i, ch, sizeof ch);
        size_t n = payload(i, want, sizeof want);
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 || !is_str(r->element[0], "pmessage", 8) ||
            !is_str(r->element[1], "ipc:sensor.*", 12) || !is_str(r->element[2], ch, strlen(ch)) ||
            !is_str(r->element[3], want, n)) {
            printf("FAIL: subscriber: message %d is not pmessage ipc:sensor.* %s <payload %d>\n", i, ch, i);
            return 6;
        }
        freeReplyObject(r);
    }
    r = redisCommand(c, "PUNSUBSCRIBE");
    int ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 && r->element[2]->integer == 0;
    if (!ok) printf("FAIL: subscriber: PUNSUBSCRIBE confirmation\n");
    if (r) freeReplyObject(r);
    r = redisCommand(c, "PING");
    ok = ok && r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
    if (r) freeReplyObject(r);
    redisFree(c);
    return ok ? 0 : 7;
}

/* ---- the publisher process ------------------------------------------------ */

/* Exit status 0: every PUBLISH reached exactly one subscriber. */
static int publisher(void)
{
    redisContext *c = open_conn();
    if (!c) return 2;
    static char buf[BIG_LEN];
    int i = 0;
    while (i < MESSAGES) {
        /* Alternately one at a time and a pipeline of 50. */
        int batch = (i / 50) % 2 ? 50 : 1;
        if (i + batch > MESSAGES) batch = MESSAGES - i;
        for (int k = 0; k < batch; k++) {
            char ch[64];
            channel_of(i + k, ch, sizeof ch);
            size_t n = payload(i + k, buf, sizeof buf);
            redisAppendCommand(c, "PUBLISH %s %b", ch, buf, n);
        }
        for (int k = 0; k < batch; k++) {
            void *reply;
            if (redisGetReply(c, &reply) != REDIS_OK) {
                printf("FAIL: publisher: connection error: %s\n", c->errstr);
                return 3;
            }
            redisReply *r = reply;
            if (r->type != REDIS_REPLY_INTEGER || r->integer != 1) {
                printf("FAIL: publisher: PUBLISH %d counted %lld receivers, not 1\n", i + k,
                       r->type == REDIS_REPLY_INTEGER ? r->integer : -1);
                return 4;
            }
            freeReplyObject(r);
        }
        i += batch;
    }
    redisFree(c);
    return 0;
}

/* Runs fn in a child process; returns its pid. */
static pid_t spawn(int (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(120);
        _exit(fn(arg));
    }
    return pid;
}

static int run_subscriber(void *arg) { return subscriber(*(int *)arg); }
static int run_publisher(void *arg) { (void)arg; return publisher(); }

static int wait_status(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void test_pubsub(redisContext *c)
{
    int fds[2];
    if (pipe(fds) != 0) {
        check(0, "pipe");
        return;
    }
    pid_t sub = spawn(run_subscriber, &fds[1]);
    char b;
    /* The publisher starts once the subscriber is subscribed. */
    check(read(fds[0], &b, 1) == 1 && b == 'R', "subscriber ready");
    close(fds[0]);
    close(fds[1]);
    redisReply *r = redisCommand(c, "PUBSUB NUMPAT");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer >= 1, "PUBSUB NUMPAT counts the subscriber's pattern");
    if (r) freeReplyObject(r);
    /* A channel the pattern does not match reaches nobody. */
    r = redisCommand(c, "PUBLISH ipc:other x");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer == 0, "PUBLISH ipc:other counts 0 receivers");
    if (r) freeReplyObject(r);
    pid_t pub = spawn(run_publisher, NULL);
    int ps = wait_status(pub);
    check(ps == 0, "publisher process: %d messages each to one receiver (exit %d)", MESSAGES, ps);
    int ss = wait_status(sub);
    check(ss == 0, "subscriber process: %d messages in order and intact (exit %d)", MESSAGES, ss);
}

/* ---- the optimistic-locking counter ------------------------------------------ */

/* One increment; returns how many times EXEC found the key changed. */
static int increment(redisContext *c, int worker, int *err)
{
    for (int attempt = 0;; attempt++) {
        redisReply *r = redisCommand(c, "WATCH ipc:counter");
        if (!r || r->type != REDIS_REPLY_STATUS) *err = 1;
        if (r) freeReplyObject(r);
        r = redisCommand(c, "GET ipc:counter");
        long long v = r && r->type == REDIS_REPLY_STRING ? atoll(r->str) : -1;
        if (r) freeReplyObject(r);
        if (v < 0) {
            *err = 1;
            return attempt;
        }
        redisAppendCommand(c, "MULTI");
        redisAppendCommand(c, "SET ipc:counter %lld", v + 1);
        redisAppendCommand(c, "RPUSH ipc:log %d", worker);
        redisAppendCommand(c, "EXEC");
        const char *want[3] = {"OK", "QUEUED", "QUEUED"};
        for (int k = 0; k < 3; k++) {
            void *reply;
            if (redisGetReply(c, &reply) != REDIS_OK) {
                *err = 1;
                return attempt;
            }
            r = reply;
            if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, want[k]) != 0) *err = 1;
            freeReplyObject(r);
        }
        void *reply;
        if (redisGetReply(c, &reply) != REDIS_OK) {
            *err = 1;
            return attempt;
        }
        r = reply;
        if (r->type == REDIS_REPLY_NIL) {
            /* Someone else incremented in between: read again. */
            freeReplyObject(r);
            continue;
        }
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STATUS ||
            r->element[1]->type != REDIS_REPLY_INTEGER)
            *err = 1;
        freeReplyObject(r);
        return attempt;
    }
}

static int counter_worker(void *arg)
{
    int worker = *(int *)arg;
    redisContext *c = open_conn();
    if (!c) return 2;
    int err = 0;
    long retries = 0;
    for (int i = 0; i < INCREMENTS && !err; i++) retries += increment(c, worker, &err);
    redisFree(c);
    if (err) {
        printf("FAIL: worker %d: unexpected reply in the WATCH/MULTI/EXEC loop\n", worker);
        return 3;
    }
    /* Retries, for the report (the exit status carries 0 = fine). */
    printf("worker %d: %d increments, %ld retries\n", worker, INCREMENTS, retries);
    return 0;
}

static void test_counter(redisContext *c)
{
    redisReply *r = redisCommand(c, "DEL ipc:counter ipc:log");
    if (r) freeReplyObject(r);
    r = redisCommand(c, "SET ipc:counter 0");
    if (r) freeReplyObject(r);
    int ids[WORKERS];
    pid_t pids[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        ids[w] = w;
        pids[w] = spawn(counter_worker, &ids[w]);
    }
    for (int w = 0; w < WORKERS; w++) {
        int st = wait_status(pids[w]);
        check(st == 0, "counter worker %d exit %d", w, st);
    }
    r = redisCommand(c, "GET ipc:counter");
    long long v = r && r->type == REDIS_REPLY_STRING ? atoll(r->str) : -1;
    check(v == (long long)WORKERS * INCREMENTS, "counter ends at %d (is %lld)", WORKERS * INCREMENTS, v);
    if (r) freeReplyObject(r);
    r = redisCommand(c, "LLEN ipc:log");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer == (long long)WORKERS * INCREMENTS,
          "the log written in the same transactions has %d entries", WORKERS * INCREMENTS);
    if (r) freeReplyObject(r);
    /* Each worker's increments are all there. */
    int per[WORKERS] = {0};
    r = redisCommand(c, "LRANGE ipc:log 0 -1");
    if (r && r->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < r->elements; i++) {
            int w = atoi(r->element[i]->str);
            if (w >= 0 && w < WORKERS) per[w]++;
        }
    if (r) freeReplyObject(r);
    for (int w = 0; w < WORKERS; w++)
        check(per[w] == INCREMENTS, "worker %d has %d log entries (want %d)", w, per[w], INCREMENTS);
    r = redisCommand(c, "DEL ipc:counter ipc:log");
    if (r) freeReplyObject(r);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    host = getenv("VALKEY_HOST");
    if (!host || !*host) host = "127.0.0.1";
    const char *p = getenv("VALKEY_PORT");
    port = p ? atoi(p) : 6379;
    sockpath = getenv("VALKEY_SOCKET");
    if (sockpath && !*sockpath) sockpath = NULL;
    signal(SIGPIPE, SIG_IGN);
    redisContext *c = open_conn();
    if (!c) {
        printf("%d passed, %d failed\n", passed, failed + 1);
        return 1;
    }
    test_pubsub(c);
    test_counter(c);
    redisFree(c);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
