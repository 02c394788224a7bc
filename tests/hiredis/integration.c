/*
 * integration.c - end-to-end checks of the server as an ordinary hiredis
 * client sees it: TCP and unix-socket connections, binary-safe values,
 * pipelining, RESP3, the INCR family, expiry, a full SCAN, many clients at
 * once, partial and malformed requests over raw sockets, QUIT.
 *
 * The server comes from the environment (VALKEY_HOST, VALKEY_PORT,
 * VALKEY_SOCKET).  This program works only in database 9 and only on keys
 * that start with "hi:"; it flushes db 9 and nothing else.  It prints one
 * line per failed check and, last, "N passed, M failed".
 */
#include <errno.h>
#include <hiredis/hiredis.h>
#include "resp3.h"
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TEST_DB 9

static int passed, failed;
static const char *host;
static int port;
static const char *sockpath;

/* ---- small helpers ------------------------------------------------------ */

static void fail(const char *sent, const char *expected, const char *fmt, ...)
{
    va_list ap;
    failed++;
    printf("FAIL: sent %s | expected %s | actual ", sent, expected);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static void ok(void) { passed++; }

static void check(int cond, const char *sent, const char *expected, const char *actual)
{
    if (cond) ok();
    else fail(sent, expected, "%s", actual);
}

/* Printable summary of a reply (truncated) for failure lines. */
static const char *repr(const redisReply *r)
{
    static char buf[8][256];
    static int slot;
    char *b = buf[slot++ & 7];
    if (!r) return "(no reply: connection error)";
    switch (r->type) {
    case REDIS_REPLY_STRING: case REDIS_REPLY_STATUS: case REDIS_REPLY_ERROR: {
        const char *tn = r->type == REDIS_REPLY_STRING ? "bulk" :
                         r->type == REDIS_REPLY_STATUS ? "status" :
                         "error";
        int n = snprintf(b, 256, "%s(%zu)\"", tn, r->len);
        for (size_t i = 0; i < r->len && n < 200; i++) {
            unsigned char c = (unsigned char)r->str[i];
            if (c >= 32 && c < 127 && c != '"' && c != '\\') b[n++] = (char)c;
            else n += snprintf(b + n, 256 - n, "\\x%02x", c);
        }
        snprintf(b + n, 256 - n, "%s\"", r->len > 190 ? "..." : "");
        return b;
    }
    case REDIS_REPLY_INTEGER: snprintf(b, 256, "int(%lld)", r->integer); return b;
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_ARRAY: snprintf(b, 256, "array[%zu]", r->elements); return b;
    default: snprintf(b, 256, "type %d", r->type); return b;
    }
}

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    return r;
}

static void expect_status(redisReply *r, const char *sent, const char *status)
{
    if (r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, status) == 0) ok();
    else fail(sent, status, "%s", repr(r));
    if (r) freeReplyObject(r);
}

static void expect_int(redisReply *r, const char *sent, long long v)
{
    char e[64];
    snprintf(e, sizeof e, "int(%lld)", v);
    if (r && r->type == REDIS_REPLY_INTEGER && r->integer == v) ok();
    else fail(sent, e, "%s", repr(r));
    if (r) freeReplyObject(r);
}

static void expect_bulk(redisReply *r, const char *sent, const char *s, size_t len)
{
    char e[128];
    snprintf(e, sizeof e, "bulk(%zu) \"%.60s\"", len, s);
    if (r && r->type == REDIS_REPLY_STRING && r->len == len && memcmp(r->str, s, len) == 0) ok();
    else fail(sent, e, "%s", repr(r));
    if (r) freeReplyObject(r);
}

static void expect_nil(redisReply *r, const char *sent)
{
    if (r && r->type == REDIS_REPLY_NIL) ok();
    else fail(sent, "nil", "%s", repr(r));
    if (r) freeReplyObject(r);
}

static void expect_err(redisReply *r, const char *sent, const char *prefix)
{
    char e[128];
    snprintf(e, sizeof e, "error starting \"%s\"", prefix);
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, prefix, strlen(prefix)) == 0) ok();
    else fail(sent, e, "%s", repr(r));
    if (r) freeReplyObject(r);
}

static redisContext *connect_tcp(void)
{
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout(host, port, tv);
    if (!c || c->err) {
        fail("connect TCP", "connection", "%s", c ? c->errstr : "alloc failure");
        if (c) redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    return c;
}

static int select_db(redisContext *c)
{
    redisReply *r = cmd(c, "SELECT %d", TEST_DB);
    int good = r && r->type == REDIS_REPLY_STATUS;
    if (r) freeReplyObject(r);
    return good;
}

/* Raw TCP socket with a receive timeout, for bytes hiredis would not send. */
static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { close(fd); return -1; }
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0) { if (errno == EINTR) continue; return -1; }
        s += n; len -= (size_t)n;
    }
    return 0;
}

/* Reads until the peer closes (returns 1), the timeout hits (0) or an error
 * (-1; a reset counts as closed).  *got receives the bytes read. */
static int read_until_close(int fd, char *buf, size_t cap, size_t *got)
{
    *got = 0;
    for (;;) {
        if (*got + 1 >= cap) return 0;
        ssize_t n = read(fd, buf + *got, cap - 1 - *got);
        if (n == 0) { buf[*got] = 0; return 1; }
        if (n < 0) {
            buf[*got] = 0;
            if (errno == EINTR) continue;
            if (errno == ECONNRESET) return 1;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        *got += (size_t)n;
    }
}

/* Reads one line ending in \r\n (within the timeout). */
static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t k = read(fd, buf + n, 1);
        if (k <= 0) { if (k < 0 && errno == EINTR) continue; break; }
        n++;
        if (n >= 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n') break;
    }
    buf[n] = 0;
    return (int)n;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the tests ---------------------------------------------------------- */

static void test_connections(redisContext *c)
{
    expect_status(cmd(c, "PING"), "PING (tcp)", "PONG");
    expect_bulk(cmd(c, "PING %s", "hello"), "PING hello", "hello", 5);
    expect_bulk(cmd(c, "ECHO %b", "a\0b", (size_t)3), "ECHO a\\0b", "a\0b", 3);

    if (!sockpath || !*sockpath) {
        fail("connect unix socket", "VALKEY_SOCKET set", "unset");
        return;
    }
    struct timeval tv = {5, 0};
    redisContext *u = redisConnectUnixWithTimeout(sockpath, tv);
    if (!u || u->err) {
        fail("connect unix socket", sockpath, "%s", u ? u->errstr : "alloc failure");
        if (u) redisFree(u);
        return;
    }
    redisSetTimeout(u, tv);
    expect_status(cmd(u, "PING"), "PING (unix)", "PONG");
    expect_status(cmd(u, "SELECT %d", TEST_DB), "SELECT 9 (unix)", "OK");
    expect_status(cmd(u, "SET hi:unix %s", "via-unix"), "SET hi:unix via-unix (unix)", "OK");
    /* The value must be visible over TCP as well. */
    expect_bulk(cmd(c, "GET hi:unix"), "GET hi:unix (tcp)", "via-unix", 8);
    redisFree(u);
}

static void test_binary(redisContext *c)
{
    const char nul[] = "a\0b\0\0c";
    expect_status(cmd(c, "SET %b %b", "hi:bin\0key", (size_t)10, nul, sizeof nul - 1),
                  "SET hi:bin\\0key a\\0b\\0\\0c", "OK");
    expect_bulk(cmd(c, "GET %b", "hi:bin\0key", (size_t)10), "GET hi:bin\\0key", nul, sizeof nul - 1);
    expect_nil(cmd(c, "GET hi:bin"), "GET hi:bin (prefix of a binary key)");

    const char crlf[] = "line1\r\nline2\r\n*3\r\n$1\r\n";
    expect_status(cmd(c, "SET hi:crlf %b", crlf, sizeof crlf - 1), "SET hi:crlf <CRLF inside>", "OK");
    expect_bulk(cmd(c, "GET hi:crlf"), "GET hi:crlf", crlf, sizeof crlf - 1);
    expect_int(cmd(c, "STRLEN hi:crlf"), "STRLEN hi:crlf", (long long)(sizeof crlf - 1));

    expect_status(cmd(c, "SET hi:empty %b", "", (size_t)0), "SET hi:empty \"\"", "OK");
    expect_bulk(cmd(c, "GET hi:empty"), "GET hi:empty", "", 0);
    expect_int(cmd(c, "EXISTS hi:empty"), "EXISTS hi:empty", 1);
    expect_int(cmd(c, "STRLEN hi:empty"), "STRLEN hi:empty", 0);

    size_t big = 1024 * 1024;
    char *v = malloc(big);
    for (size_t i = 0; i < big; i++) v[i] = (char)((i * 131 + (i >> 9)) & 0xff);
    expect_status(cmd(c, "SET hi:big %b", v, big), "SET hi:big <1MB>", "OK");
    redisReply *r = cmd(c, "GET hi:big");
    if (r && r->type == REDIS_REPLY_STRING && r->len == big && memcmp(r->str, v, big) == 0) ok();
    else fail("GET hi:big", "the same 1 MB", "%s", repr(r));
    if (r) freeReplyObject(r);
    expect_int(cmd(c, "STRLEN hi:big"), "STRLEN hi:big", (long long)big);
    expect_int(cmd(c, "APPEND hi:big %b", "\0", (size_t)1), "APPEND hi:big \\0", (long long)big + 1);
    free(v);
}

static void test_pipeline(redisContext *c)
{
    const int n = 10000;
    /* Even commands SET, odd ones GET the key just set: replies must come
     * back in order and the GET must see its SET. */
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0) redisAppendCommand(c, "SET hi:pipe:%d v%d", i / 2, i);
        else redisAppendCommand(c, "GET hi:pipe:%d", i / 2);
    }
    redisAppendCommand(c, "INCRBY hi:pipe:count %d", n);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK) {
            fail("pipeline of 10000", "a reply per command", "connection error at reply %d: %s", i, c->errstr);
            return;
        }
        char want[32];
        snprintf(want, sizeof want, "v%d", i - (i % 2));
        int good = i % 2 == 0 ? (r->type == REDIS_REPLY_STATUS && strcmp(r->str, "OK") == 0)
                              : (r->type == REDIS_REPLY_STRING && strcmp(r->str, want) == 0);
        if (!good && bad++ < 3) {
            char sent[64];
            snprintf(sent, sizeof sent, "pipelined command #%d", i);
            fail(sent, i % 2 == 0 ? "OK" : want, "%s", repr(r));
        }
        freeReplyObject(r);
    }
    redisReply *r = NULL;
    if (redisGetReply(c, (void **)&r) != REDIS_OK) r = NULL;
    expect_int(r, "INCRBY hi:pipe:count 10000 (end of pipeline)", n);
    if (!bad) ok();
    else fail("pipeline of 10000 SET/GET", "all replies in order", "%d wrong replies", bad);
}

/* hiredis 0.14 (Debian bookworm) cannot read RESP3, so the RESP3 checks
 * use the small reader in resp3.h over a raw connection. */
static RVal *r3cmd(RConn *rc, const char *a0, const char *a1, const char *a2)
{
    char *argv[3] = {(char *)a0, (char *)a1, (char *)a2};
    size_t lens[3] = {strlen(a0), a1 ? strlen(a1) : 0, a2 ? strlen(a2) : 0};
    int argc = a2 ? 3 : a1 ? 2 : 1;
    if (rconn_send_argv(rc, argc, argv, lens) < 0) return NULL;
    return rconn_read(rc);
}

static const char *r3repr(const RVal *v)
{
    static char b[4][160];
    static int slot;
    char *s = b[slot++ & 3];
    if (!v) return "(no reply)";
    if (v->str) snprintf(s, 160, "'%c' \"%.100s\"", v->type, v->str);
    else if (v->type == ':' || v->type == '#') snprintf(s, 160, "'%c' %lld", v->type, v->integer);
    else snprintf(s, 160, "'%c' with %zu elements", v->type, v->n);
    return s;
}

static void r3expect(RVal *v, const char *sent, char type, const char *str, long long integer)
{
    char e[128];
    if (str) snprintf(e, sizeof e, "'%c' \"%s\"", type, str);
    else snprintf(e, sizeof e, "'%c' %lld", type, integer);
    int good = v && v->type == type &&
               (str ? v->str && !strncmp(v->str, str, strlen(str)) : v->integer == integer);
    check(good, sent, e, r3repr(v));
    rval_free(v);
}

static void test_resp3(void)
{
    RConn rc;
    if (rconn_open_tcp(&rc, host, port, 5) < 0) {
        fail("connect for RESP3", "connected", "failed");
        return;
    }
    RVal *v = r3cmd(&rc, "HELLO", "3", NULL);
    if (v && v->type == '%' && v->n % 2 == 0) {
        long long proto = -1;
        int has_server = 0;
        for (size_t i = 0; i + 1 < v->n; i += 2) {
            RVal *k = v->elem[i], *x = v->elem[i + 1];
            if (!k->str) continue;
            if (!strcmp(k->str, "proto") && x->type == ':') proto = x->integer;
            if (!strcmp(k->str, "server")) has_server = 1;
        }
        check(proto == 3, "HELLO 3", "map with proto => 3", "proto missing or not 3");
        check(has_server, "HELLO 3", "map with a server field", "no server field");
    } else {
        fail("HELLO 3", "a map (%)", "%s", r3repr(v));
    }
    rval_free(v);
    char db[8];
    snprintf(db, sizeof db, "%d", TEST_DB);
    r3expect(r3cmd(&rc, "SELECT", db, NULL), "SELECT 9 (RESP3)", '+', "OK", 0);
    r3expect(r3cmd(&rc, "GET", "hi:r3:missing", NULL), "GET hi:r3:missing (RESP3)", '_', NULL, 0);
    r3expect(r3cmd(&rc, "SET", "hi:r3", "5"), "SET hi:r3 5 (RESP3)", '+', "OK", 0);
    r3expect(r3cmd(&rc, "INCR", "hi:r3", NULL), "INCR hi:r3 (RESP3)", ':', NULL, 6);
    r3expect(r3cmd(&rc, "GET", "hi:r3", NULL), "GET hi:r3 (RESP3)", '$', "6", 0);
    r3expect(r3cmd(&rc, "INCR", "hi:r3", "extra"), "INCR hi:r3 extra (RESP3)", '-',
             "ERR wrong number of arguments for 'incr' command", 0);
    v = r3cmd(&rc, "MGET", "hi:r3", "hi:r3:missing");
    check(v && v->type == '*' && v->n == 2 && v->elem[0]->type == '$' && !strcmp(v->elem[0]->str, "6") &&
          v->elem[1]->type == '_', "MGET hi:r3 hi:r3:missing (RESP3)", "[\"6\", _]", r3repr(v));
    rval_free(v);
    r3expect(r3cmd(&rc, "TTL", "hi:r3", NULL), "TTL hi:r3 (RESP3)", ':', NULL, -1);
    r3expect(r3cmd(&rc, "HELLO", "4", NULL), "HELLO 4", '-', "NOPROTO", 0);
    r3expect(r3cmd(&rc, "PING", NULL, NULL), "PING (RESP3, after a failed HELLO 4)", '+', "PONG", 0);
    /* LCS with IDX answers a map in RESP3. */
    r3expect(r3cmd(&rc, "SET", "hi:r3a", "ohmytext"), "SET hi:r3a ohmytext", '+', "OK", 0);
    r3expect(r3cmd(&rc, "SET", "hi:r3b", "mynewtext"), "SET hi:r3b mynewtext", '+', "OK", 0);
    char *lcs[5] = {"LCS", "hi:r3a", "hi:r3b", "IDX", "MINMATCHLEN"};
    size_t lens[5] = {3, 6, 6, 3, 11};
    rconn_send_argv(&rc, 4, lcs, lens);
    v = rconn_read(&rc);
    check(v && v->type == '%' && v->n == 4 && v->elem[3]->type == ':' && v->elem[3]->integer == 6,
          "LCS hi:r3a hi:r3b IDX (RESP3)", "map {matches: [...], len: 6}", r3repr(v));
    rval_free(v);

    /* Back to RESP2: HELLO answers with a flat array, missing keys with $-1. */
    v = r3cmd(&rc, "HELLO", "2", NULL);
    check(v && v->type == '*' && v->n % 2 == 0, "HELLO 2", "an even-sized array", r3repr(v));
    rval_free(v);
    rconn_send_argv(&rc, 2, (char *[]){"GET", "hi:r3:missing"}, (size_t[]){3, 13});
    char raw[16] = {0};
    rconn_fill(&rc, 5);
    memcpy(raw, rc.buf + rc.pos, 5);
    check(!strcmp(raw, "$-1\r\n"), "GET hi:r3:missing (back in RESP2)", "$-1", raw);
    rconn_close(&rc);
}

static void test_mget(redisContext *c)
{
    expect_status(cmd(c, "MSET hi:m1 one hi:m3 three"), "MSET hi:m1 one hi:m3 three", "OK");
    redisReply *r = cmd(c, "MGET hi:m1 hi:m2 hi:m3 hi:m4");
    const char *sent = "MGET hi:m1 hi:m2 hi:m3 hi:m4";
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
        r->element[0]->type == REDIS_REPLY_STRING && !strcmp(r->element[0]->str, "one") &&
        r->element[1]->type == REDIS_REPLY_NIL &&
        r->element[2]->type == REDIS_REPLY_STRING && !strcmp(r->element[2]->str, "three") &&
        r->element[3]->type == REDIS_REPLY_NIL) ok();
    else fail(sent, "[one, nil, three, nil]", "%s", repr(r));
    if (r) freeReplyObject(r);
    expect_err(cmd(c, "MGET"), "MGET", "ERR wrong number of arguments for 'mget' command");
}

static void test_incr(redisContext *c)
{
    expect_int(cmd(c, "INCR hi:n"), "INCR hi:n (new key)", 1);
    expect_int(cmd(c, "INCRBY hi:n 41"), "INCRBY hi:n 41", 42);
    expect_int(cmd(c, "DECR hi:n"), "DECR hi:n", 41);
    expect_int(cmd(c, "DECRBY hi:n -9"), "DECRBY hi:n -9", 50);
    expect_bulk(cmd(c, "GET hi:n"), "GET hi:n", "50", 2);
    expect_bulk(cmd(c, "INCRBYFLOAT hi:n 0.5"), "INCRBYFLOAT hi:n 0.5", "50.5", 4);
    expect_bulk(cmd(c, "INCRBYFLOAT hi:n -0.5"), "INCRBYFLOAT hi:n -0.5", "50", 2);
    expect_int(cmd(c, "INCR hi:n"), "INCR hi:n (after INCRBYFLOAT)", 51);

    expect_status(cmd(c, "SET hi:s abc"), "SET hi:s abc", "OK");
    expect_err(cmd(c, "INCR hi:s"), "INCR hi:s (not a number)", "ERR value is not an integer or out of range");
    expect_err(cmd(c, "INCRBY hi:n 1.5"), "INCRBY hi:n 1.5", "ERR value is not an integer or out of range");
    expect_err(cmd(c, "INCRBY hi:n %s", ""), "INCRBY hi:n \"\"", "ERR value is not an integer or out of range");
    expect_err(cmd(c, "INCRBY hi:n 9223372036854775808"), "INCRBY hi:n 9223372036854775808",
               "ERR value is not an integer or out of range");
    expect_err(cmd(c, "INCRBYFLOAT hi:s 1"), "INCRBYFLOAT hi:s 1", "ERR value is not a valid float");
    expect_err(cmd(c, "INCRBYFLOAT hi:n nan"), "INCRBYFLOAT hi:n nan", "ERR value is not a valid float");
    expect_err(cmd(c, "INCRBYFLOAT hi:n inf"), "INCRBYFLOAT hi:n inf", "ERR increment would produce NaN or Infinity");
    expect_status(cmd(c, "SET hi:max 9223372036854775807"), "SET hi:max 9223372036854775807", "OK");
    expect_err(cmd(c, "INCR hi:max"), "INCR hi:max", "ERR increment or decrement would overflow");
    expect_bulk(cmd(c, "GET hi:max"), "GET hi:max (unchanged after overflow)", "9223372036854775807", 19);
    expect_status(cmd(c, "SET hi:min -9223372036854775808"), "SET hi:min -9223372036854775808", "OK");
    expect_err(cmd(c, "DECR hi:min"), "DECR hi:min", "ERR increment or decrement would overflow");
    expect_err(cmd(c, "DECRBY hi:n -9223372036854775808"), "DECRBY hi:n -9223372036854775808", "ERR");
    expect_err(cmd(c, "INCR"), "INCR", "ERR wrong number of arguments for 'incr' command");
    expect_err(cmd(c, "INCRBY hi:n"), "INCRBY hi:n", "ERR wrong number of arguments for 'incrby' command");
    /* A number with spaces or a leading + is not an integer for INCR. */
    expect_status(cmd(c, "SET hi:sp %s", " 1"), "SET hi:sp \" 1\"", "OK");
    expect_err(cmd(c, "INCR hi:sp"), "INCR hi:sp (\" 1\")", "ERR value is not an integer or out of range");
}

static void test_expire(redisContext *c)
{
    expect_status(cmd(c, "SET hi:e v"), "SET hi:e v", "OK");
    expect_int(cmd(c, "TTL hi:e"), "TTL hi:e (no expiry)", -1);
    expect_int(cmd(c, "PTTL hi:e"), "PTTL hi:e (no expiry)", -1);
    expect_int(cmd(c, "TTL hi:nokey"), "TTL hi:nokey", -2);
    expect_int(cmd(c, "PTTL hi:nokey"), "PTTL hi:nokey", -2);
    expect_int(cmd(c, "EXPIRE hi:e 100"), "EXPIRE hi:e 100", 1);
    expect_int(cmd(c, "EXPIRE hi:nokey 100"), "EXPIRE hi:nokey 100", 0);
    redisReply *r = cmd(c, "TTL hi:e");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer >= 99 && r->integer <= 100,
          "TTL hi:e", "99..100", repr(r));
    if (r) freeReplyObject(r);
    r = cmd(c, "PTTL hi:e");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer > 95000 && r->integer <= 100000,
          "PTTL hi:e", "95000..100000", repr(r));
    if (r) freeReplyObject(r);
    expect_int(cmd(c, "EXPIRE hi:e 50 GT"), "EXPIRE hi:e 50 GT", 0);
    expect_int(cmd(c, "EXPIRE hi:e 50 LT"), "EXPIRE hi:e 50 LT", 1);
    expect_int(cmd(c, "PERSIST hi:e"), "PERSIST hi:e", 1);
    expect_int(cmd(c, "PERSIST hi:e"), "PERSIST hi:e (again)", 0);
    expect_int(cmd(c, "TTL hi:e"), "TTL hi:e (after PERSIST)", -1);
    expect_err(cmd(c, "EXPIRE hi:e abc"), "EXPIRE hi:e abc", "ERR value is not an integer or out of range");
    /* SET without KEEPTTL drops the TTL. */
    expect_int(cmd(c, "EXPIRE hi:e 100"), "EXPIRE hi:e 100", 1);
    expect_status(cmd(c, "SET hi:e w"), "SET hi:e w", "OK");
    expect_int(cmd(c, "TTL hi:e"), "TTL hi:e (after plain SET)", -1);

    /* A short PEXPIRE really expires, and not early.  The clock is read
     * before the command is sent, so the server's deadline is at least
     * t0 + 300 ms: whenever the key is seen gone, that time has passed.
     * Both checks are bounds that hold however slow the run (qemu,
     * sanitizers); only "gone within 10 s" assumes the server runs. */
    long long t0 = now_ms();
    expect_int(cmd(c, "PEXPIRE hi:e 300"), "PEXPIRE hi:e 300", 1);
    long long gone_at = -1;
    while (now_ms() - t0 < 10000) {
        r = cmd(c, "EXISTS hi:e");
        long long seen = now_ms();
        int exists = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
        int absent = r && r->type == REDIS_REPLY_INTEGER && r->integer == 0;
        if (r) freeReplyObject(r);
        if (!exists && !absent) break;
        if (absent) {
            gone_at = seen;
            break;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    check(gone_at >= 0, "PEXPIRE hi:e 300 then EXISTS hi:e", "0 within 10 s", "key still there");
    /* A few ms of slack for whole-millisecond clocks on both sides. */
    char early[64];
    snprintf(early, sizeof early, "gone %lld ms after", gone_at - t0);
    check(gone_at < 0 || gone_at - t0 >= 295, "PEXPIRE hi:e 300",
          "key alive until 300 ms after the command was sent", early);
    expect_nil(cmd(c, "GET hi:e"), "GET hi:e (expired)");
    expect_int(cmd(c, "TTL hi:e"), "TTL hi:e (expired)", -2);

    /* A negative TTL deletes at once. */
    expect_status(cmd(c, "SET hi:e2 v"), "SET hi:e2 v", "OK");
    expect_int(cmd(c, "EXPIRE hi:e2 -1"), "EXPIRE hi:e2 -1", 1);
    expect_int(cmd(c, "EXISTS hi:e2"), "EXISTS hi:e2 (after EXPIRE -1)", 0);
    expect_status(cmd(c, "SET hi:e3 v EX 1000"), "SET hi:e3 v EX 1000", "OK");
    r = cmd(c, "TTL hi:e3");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer >= 999 && r->integer <= 1000,
          "TTL hi:e3", "999..1000", repr(r));
    if (r) freeReplyObject(r);
    expect_err(cmd(c, "SET hi:e3 v EX 0"), "SET hi:e3 v EX 0", "ERR invalid expire time in 'set' command");
}

static void test_scan(redisContext *c)
{
    const int n = 100000;
    for (int i = 0; i < n; i++) redisAppendCommand(c, "SET hi:scan:%d %d", i, i);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK) {
            fail("SET hi:scan:* (pipelined)", "OK", "connection error: %s", c->errstr);
            return;
        }
        if (r->type != REDIS_REPLY_STATUS) bad++;
        freeReplyObject(r);
    }
    check(bad == 0, "100000 x SET hi:scan:<i>", "all OK", "some replies not OK");

    unsigned char *seen = calloc((size_t)n, 1);
    char cursor[32] = "0";
    int rounds = 0, foreign = 0, distinct = 0;
    do {
        redisReply *r = cmd(c, "SCAN %s MATCH hi:scan:* COUNT 500", cursor);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
            fail("SCAN <cursor> MATCH hi:scan:* COUNT 500", "[cursor, [keys]]", "%s", repr(r));
            if (r) freeReplyObject(r);
            free(seen);
            return;
        }
        snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            redisReply *k = r->element[1]->element[i];
            char *end;
            long idx = -1;
            if (k->type == REDIS_REPLY_STRING && k->len > 8 && !memcmp(k->str, "hi:scan:", 8))
                idx = strtol(k->str + 8, &end, 10);
            if (idx < 0 || idx >= n || *end) { foreign++; continue; }
            if (!seen[idx]) distinct++;
            seen[idx] = 1;
        }
        freeReplyObject(r);
        rounds++;
    } while (strcmp(cursor, "0") != 0 && rounds < 1000000);
    char actual[96];
    snprintf(actual, sizeof actual, "%d of %d keys seen", distinct, n);
    check(distinct == n, "SCAN full iteration MATCH hi:scan:*", "every key seen", actual);
    check(foreign == 0, "SCAN full iteration MATCH hi:scan:*", "only matching keys", "keys not matching the pattern");
    check(strcmp(cursor, "0") == 0, "SCAN full iteration", "cursor returns to 0", "did not terminate");

    /* The unfiltered count: DBSIZE must count them too. */
    redisReply *r = cmd(c, "DBSIZE");
    check(r && r->type == REDIS_REPLY_INTEGER && r->integer >= n, "DBSIZE", ">= 100000", repr(r));
    if (r) freeReplyObject(r);
    expect_err(cmd(c, "SCAN notanumber"), "SCAN notanumber", "ERR invalid cursor");
    free(seen);
}

static void test_many_clients(void)
{
    enum { N = 200 };
    redisContext *cs[N];
    int opened = 0;
    for (int i = 0; i < N; i++) {
        cs[i] = connect_tcp();
        if (!cs[i]) break;
        opened++;
    }
    check(opened == N, "200 simultaneous connections", "all open", "some failed to connect");
    /* All of them are open at once: each sends SELECT + SET before anyone
     * reads, then each reads its replies and GETs its own key. */
    for (int i = 0; i < opened; i++) {
        redisAppendCommand(cs[i], "SELECT %d", TEST_DB);
        redisAppendCommand(cs[i], "SET hi:conc:%d client-%d", i, i);
        redisAppendCommand(cs[i], "GET hi:conc:%d", i);
    }
    int bad = 0;
    for (int i = opened - 1; i >= 0; i--) {
        char want[32];
        snprintf(want, sizeof want, "client-%d", i);
        for (int j = 0; j < 3; j++) {
            redisReply *r = NULL;
            if (redisGetReply(cs[i], (void **)&r) != REDIS_OK) { bad++; break; }
            if (j < 2 && r->type != REDIS_REPLY_STATUS) bad++;
            if (j == 2 && (r->type != REDIS_REPLY_STRING || strcmp(r->str, want))) bad++;
            freeReplyObject(r);
        }
    }
    char actual[64];
    snprintf(actual, sizeof actual, "%d bad replies", bad);
    check(bad == 0, "SELECT/SET/GET on 200 open connections", "all correct", actual);
    /* Every client's key is visible to the last one. */
    if (opened) {
        redisReply *r = cmd(cs[0], "EXISTS hi:conc:0 hi:conc:%d", opened - 1);
        expect_int(r, "EXISTS hi:conc:0 hi:conc:199", 2);
    }
    for (int i = 0; i < opened; i++) redisFree(cs[i]);
}

static void test_partial_command(redisContext *c)
{
    int fd = raw_connect();
    if (fd < 0) { fail("raw connect", "connected", "failed"); return; }
    const char first[] = "*3\r\n$3\r\nSET\r\n$10\r\nhi:partia";
    const char rest[] = "l\r\n$4\r\ndone\r\n";
    write_all(fd, "*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n", 23);
    char line[256];
    read_line(fd, line, sizeof line);
    check(!strcmp(line, "+OK\r\n"), "SELECT 9 (raw)", "+OK", line);
    write_all(fd, first, sizeof first - 1);

    /* The half-sent command must not hold up another client. */
    long long t0 = now_ms();
    expect_status(cmd(c, "PING"), "PING while another client sent half a command", "PONG");
    expect_status(cmd(c, "SET hi:other x"), "SET hi:other x while another client is mid-command", "OK");
    expect_nil(cmd(c, "GET hi:partial"), "GET hi:partial (command not complete yet)");
    check(now_ms() - t0 < 2000, "PING during a partial command", "a quick reply", "took 2 s or more");

    write_all(fd, rest, sizeof rest - 1);
    read_line(fd, line, sizeof line);
    check(!strcmp(line, "+OK\r\n"), "rest of SET hi:partial done", "+OK", line);
    expect_bulk(cmd(c, "GET hi:partial"), "GET hi:partial (after completion)", "done", 4);

    /* A command split byte by byte still works. */
    const char ping[] = "*1\r\n$4\r\nPING\r\n";
    for (size_t i = 0; i < sizeof ping - 1; i++) write_all(fd, ping + i, 1);
    read_line(fd, line, sizeof line);
    check(!strcmp(line, "+PONG\r\n"), "PING sent one byte per write", "+PONG", line);
    close(fd);
}

/* Sends bytes on a fresh raw connection and expects a protocol error
 * followed by the server closing the connection. */
static void expect_protocol_error(redisContext *c, const char *what, const char *bytes, size_t len)
{
    int fd = raw_connect();
    if (fd < 0) { fail(what, "raw connection", "connect failed"); return; }
    write_all(fd, bytes, len);
    char buf[4096];
    size_t got;
    int closed = read_until_close(fd, buf, sizeof buf, &got);
    close(fd);
    check(!strncmp(buf, "-ERR Protocol error", 19), what, "-ERR Protocol error...", got ? buf : "(nothing)");
    check(closed == 1, what, "the server closes the connection", closed == 0 ? "still open after 5 s" : "read error");
    expect_status(cmd(c, "PING"), "PING on another connection after a protocol error", "PONG");
}

static void test_bad_protocol(redisContext *c)
{
    expect_protocol_error(c, "*abc\\r\\n", "*abc\r\n", 6);
    expect_protocol_error(c, "*1\\r\\n$2147483648\\r\\n", "*1\r\n$2147483648\r\n", 18);
    expect_protocol_error(c, "*1\\r\\n$abc\\r\\n", "*1\r\n$abc\r\n", 10);
    expect_protocol_error(c, "*1\\r\\n$-5\\r\\n", "*1\r\n$-5\r\n", 9);
    expect_protocol_error(c, "*1\\r\\n+PING\\r\\n (not a bulk)", "*1\r\n+PING\r\n", 11);
    expect_protocol_error(c, "*99999999999\\r\\n", "*99999999999\r\n", 14);
    expect_protocol_error(c, "SET \"unbalanced\\r\\n (inline)", "SET \"unbalanced\r\n", 17);
    /* A declared bulk longer than what follows leaves the command
     * incomplete rather than wrong: the server must keep waiting, and the
     * connection stays usable for others. */
    int fd = raw_connect();
    if (fd >= 0) {
        write_all(fd, "*1\r\n$100\r\nPING\r\n", 16);
        expect_status(cmd(c, "PING"), "PING while another client declared a longer bulk", "PONG");
        close(fd);
    }
    /* Inline commands are accepted. */
    fd = raw_connect();
    if (fd >= 0) {
        char line[128];
        write_all(fd, "PING\r\n", 6);
        read_line(fd, line, sizeof line);
        check(!strcmp(line, "+PONG\r\n"), "inline PING", "+PONG", line);
        close(fd);
    }
}

static void test_quit(void)
{
    redisContext *c = connect_tcp();
    if (!c) return;
    expect_status(cmd(c, "QUIT"), "QUIT", "OK");
    redisReply *r = cmd(c, "PING");
    check(r == NULL && c->err != 0, "PING after QUIT", "connection closed", repr(r));
    if (r) freeReplyObject(r);
    redisFree(c);

    int fd = raw_connect();
    if (fd < 0) { fail("raw connect", "connected", "failed"); return; }
    /* Commands pipelined after QUIT are not executed. */
    write_all(fd, "QUIT\r\nSET hi:afterquit 1\r\n", 26);
    char buf[256];
    size_t got;
    int closed = read_until_close(fd, buf, sizeof buf, &got);
    close(fd);
    check(!strcmp(buf, "+OK\r\n"), "QUIT then SET (raw)", "+OK and nothing else", buf);
    check(closed == 1, "QUIT (raw)", "connection closed", "still open");
    redisContext *c2 = connect_tcp();
    if (!c2) return;
    select_db(c2);
    expect_int(cmd(c2, "EXISTS hi:afterquit"), "EXISTS hi:afterquit (sent after QUIT)", 0);
    redisFree(c2);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    host = getenv("VALKEY_HOST");
    if (!host || !*host) host = "127.0.0.1";
    const char *p = getenv("VALKEY_PORT");
    port = p ? atoi(p) : 6379;
    sockpath = getenv("VALKEY_SOCKET");

    redisContext *c = connect_tcp();
    if (!c) { printf("%d passed, %d failed\n", passed, failed); return 1; }
    expect_status(cmd(c, "SELECT %d", TEST_DB), "SELECT 9", "OK");
    expect_status(cmd(c, "FLUSHDB"), "FLUSHDB (db 9)", "OK");

    test_connections(c);
    test_binary(c);
    test_pipeline(c);
    test_resp3();
    test_mget(c);
    test_incr(c);
    test_expire(c);
    test_scan(c);
    test_many_clients();
    test_partial_command(c);
    test_bad_protocol(c);
    test_quit();

    expect_status(cmd(c, "FLUSHDB"), "FLUSHDB (db 9, cleanup)", "OK");
    redisFree(c);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
