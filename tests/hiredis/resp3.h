/*
 * resp3.h - a minimal blocking RESP2/RESP3 client over a raw socket, for the
 * hiredis tests.  Debian bookworm ships hiredis 0.14, whose reader rejects
 * RESP3 type bytes (%, _, #, ...), so the RESP3 checks read replies here.
 *
 * A reply is an RVal tree.  type is the RESP type byte: + - : $ * % ~ _ #
 * , ( = >.  RESP2 nulls ($-1, *-1) are returned as '_' so both protocols
 * compare alike.  For maps n counts keys and values (2 per entry).  Only
 * static functions: each test program includes this header once.
 */
#ifndef TESTS_HIREDIS_RESP3_H
#define TESTS_HIREDIS_RESP3_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct RVal {
    char type;
    long long integer;  /* ':' and '#' (0/1) */
    char *str;          /* + - $ , ( = and the big number; NUL-terminated */
    size_t len;
    size_t n;           /* elements of * % ~ > */
    struct RVal **elem;
} RVal;

typedef struct RConn {
    int fd;
    char *buf;
    size_t len, pos, cap;
} RConn;

static void rval_free(RVal *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) rval_free(v->elem[i]);
    free(v->elem);
    free(v->str);
    free(v);
}

static int rconn_open_tcp(RConn *c, const char *host, int port, int timeout_sec)
{
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    struct timeval tv = {timeout_sec, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    c->cap = 1 << 16;
    c->buf = malloc(c->cap);
    return 0;
}

static void rconn_close(RConn *c)
{
    if (c->fd >= 0) close(c->fd);
    free(c->buf);
    c->fd = -1;
    c->buf = NULL;
}

static int rconn_send_argv(RConn *c, int argc, char **argv, const size_t *lens)
{
    size_t total = 32;
    for (int i = 0; i < argc; i++) total += lens[i] + 32;
    char *out = malloc(total), *p = out;
    p += sprintf(p, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        p += sprintf(p, "$%zu\r\n", lens[i]);
        memcpy(p, argv[i], lens[i]);
        p += lens[i];
        *p++ = '\r';
        *p++ = '\n';
    }
    size_t left = (size_t)(p - out);
    char *s = out;
    while (left) {
        ssize_t k = write(c->fd, s, left);
        if (k < 0) {
            if (errno == EINTR) continue;
            free(out);
            return -1;
        }
        s += k;
        left -= (size_t)k;
    }
    free(out);
    return 0;
}

/* Makes at least `need` unread bytes available; 0 on success. */
static int rconn_fill(RConn *c, size_t need)
{
    while (c->len - c->pos < need) {
        if (c->pos > 0) {
            memmove(c->buf, c->buf + c->pos, c->len - c->pos);
            c->len -= c->pos;
            c->pos = 0;
        }
        if (c->cap < need + 1) {
            c->cap = need * 2 + 1024;
            c->buf = realloc(c->buf, c->cap);
        }
        ssize_t k = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        c->len += (size_t)k;
    }
    return 0;
}

/* Reads a line without its CRLF into a fresh string. */
static char *rconn_line(RConn *c, size_t *out_len)
{
    for (;;) {
        for (size_t i = c->pos; i + 1 < c->len; i++) {
            if (c->buf[i] == '\r' && c->buf[i + 1] == '\n') {
                size_t n = i - c->pos;
                char *s = malloc(n + 1);
                memcpy(s, c->buf + c->pos, n);
                s[n] = 0;
                c->pos = i + 2;
                if (out_len) *out_len = n;
                return s;
            }
        }
        if (rconn_fill(c, c->len - c->pos + 1) < 0) return NULL;
    }
}

/* Reads one reply; NULL on a closed connection, timeout or garbage.
 * Attributes (|) are read and dropped. */
static RVal *rconn_read(RConn *c)
{
    if (rconn_fill(c, 1) < 0) return NULL;
    char t = c->buf[c->pos++];
    size_t ll;
    char *line = rconn_line(c, &ll);
    if (!line) return NULL;
    RVal *v = calloc(1, sizeof *v);
    v->type = t;
    switch (t) {
    case '+': case '-': case ',': case '(':
        v->str = line;
        v->len = ll;
        return v;
    case ':':
        v->integer = strtoll(line, NULL, 10);
        free(line);
        return v;
    case '#':
        v->integer = line[0] == 't';
        free(line);
        return v;
    case '_':
        free(line);
        return v;
    case '$': case '=': {
        long long n = strtoll(line, NULL, 10);
        free(line);
        if (n < 0) { v->type = '_'; return v; }
        if (rconn_fill(c, (size_t)n + 2) < 0) { rval_free(v); return NULL; }
        v->str = malloc((size_t)n + 1);
        memcpy(v->str, c->buf + c->pos, (size_t)n);
        v->str[n] = 0;
        v->len = (size_t)n;
        c->pos += (size_t)n + 2;
        return v;
    }
    case '*': case '%': case '~': case '>': case '|': {
        long long n = strtoll(line, NULL, 10);
        free(line);
        if (n < 0) { v->type = '_'; return v; }
        if (t == '%' || t == '|') n *= 2;
        v->n = (size_t)n;
        v->elem = calloc((size_t)n + 1, sizeof *v->elem);
        for (long long i = 0; i < n; i++) {
            v->elem[i] = rconn_read(c);
            if (!v->elem[i]) { rval_free(v); return NULL; }
        }
        if (t == '|') {  /* an attribute: drop it, the reply follows */
            rval_free(v);
            return rconn_read(c);
        }
        return v;
    }
    default:
        free(line);
        rval_free(v);
        return NULL;
    }
}

#endif
