/*
 * difftest_conn.h - difftest's connections and reply helpers: a Server is
 * one connection (RESP2 through hiredis, or RESP3 through resp3.h) and
 * every reply, whichever protocol, becomes an RVal tree.  The helpers here
 * put replies whose order is unspecified into a canonical order (sort the
 * elements, or sort field/value pairs) and compare random replies by shape
 * only; the type rows' dumps use them too.
 *
 * Only static functions: included once, by difftest.c (through the rows).
 * rval_cmp is a total order on replies, so sorting makes two replies with
 * the same multiset of elements equal element by element.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_CONN_H
#define TESTS_HIREDIS_DIFFTEST_CONN_H

#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "resp3.h"

typedef struct Server {
    const char *name;
    redisContext *h;  /* RESP2 through hiredis */
    RConn rc;         /* RESP3 through resp3.h */
    int resp3;
} Server;

static RVal *conn_from_hiredis(const redisReply *r)
{
    RVal *v = calloc(1, sizeof *v);
    switch (r->type) {
    case REDIS_REPLY_STRING: v->type = '$'; break;
    case REDIS_REPLY_STATUS: v->type = '+'; break;
    case REDIS_REPLY_ERROR: v->type = '-'; break;
    case REDIS_REPLY_INTEGER: v->type = ':'; v->integer = r->integer; return v;
    case REDIS_REPLY_NIL: v->type = '_'; return v;
    case REDIS_REPLY_ARRAY:
        v->type = '*';
        v->n = r->elements;
        v->elem = calloc(r->elements + 1, sizeof *v->elem);
        for (size_t i = 0; i < r->elements; i++) v->elem[i] = conn_from_hiredis(r->element[i]);
        return v;
    default: v->type = '?'; return v;
    }
    v->str = malloc(r->len + 1);
    memcpy(v->str, r->str, r->len);
    v->str[r->len] = 0;
    v->len = r->len;
    return v;
}

/* One command, one reply; NULL when the connection is gone. */
static RVal *call(Server *s, int argc, char **argv, const size_t *lens)
{
    if (s->resp3) {
        if (rconn_send_argv(&s->rc, argc, argv, lens) < 0) return NULL;
        return rconn_read(&s->rc);
    }
    redisReply *r = redisCommandArgv(s->h, argc, (const char **)argv, lens);
    if (!r) return NULL;
    RVal *v = conn_from_hiredis(r);
    freeReplyObject(r);
    return v;
}

/* A fixed command of C strings: a0, then up to 3 more, NULL-terminated. */
static RVal *callv(Server *s, const char *a0, ...)
{
    char *argv[4] = {(char *)a0};
    size_t lens[4] = {strlen(a0)};
    int argc = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *a; argc < 4 && (a = va_arg(ap, const char *)) != NULL; argc++) {
        argv[argc] = (char *)a;
        lens[argc] = strlen(a);
    }
    va_end(ap);
    return call(s, argc, argv, lens);
}

/* cmd key [x [y [z]]]: the key may hold any bytes; the rest NULL-terminated.
 * What the rows' dumps call. */
static RVal *call_key(Server *s, const char *cmd, const char *key, size_t keylen, ...)
{
    char *argv[6] = {(char *)cmd, (char *)key};
    size_t lens[6] = {strlen(cmd), keylen};
    int argc = 2;
    va_list ap;
    va_start(ap, keylen);
    for (const char *a; argc < 6 && (a = va_arg(ap, const char *)) != NULL; argc++) {
        argv[argc] = (char *)a;
        lens[argc] = strlen(a);
    }
    va_end(ap);
    return call(s, argc, argv, lens);
}

static int server_open(Server *s, const char *name, const char *host, int port, int resp3)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->resp3 = resp3;
    if (resp3) {
        if (rconn_open_tcp(&s->rc, host, port, 10) < 0) return -1;
        RVal *v = callv(s, "HELLO", "3", NULL);
        int good = v && v->type == '%';
        rval_free(v);
        if (!good) return -1;
    } else {
        struct timeval tv = {10, 0};
        s->h = redisConnectWithTimeout(host, port, tv);
        if (!s->h || s->h->err) return -1;
        redisSetTimeout(s->h, tv);
    }
    return 0;
}

static void server_close(Server *s)
{
    if (s->resp3) rconn_close(&s->rc);
    else if (s->h) redisFree(s->h);
}

/* ---- canonical order ---------------------------------------------------- */

static int rval_is_str(const RVal *v)
{
    return v->str != NULL || v->type == '$' || v->type == '+' || v->type == '-' ||
           v->type == ',' || v->type == '(' || v->type == '=';
}

static int rval_is_agg(const RVal *v)
{
    return v->type == '*' || v->type == '~' || v->type == '%' || v->type == '>';
}

/* A total order: by type byte, then value (bytes, integer, or element-wise). */
static int rval_cmp(const RVal *a, const RVal *b)
{
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    if (rval_is_str(a)) {
        size_t n = a->len < b->len ? a->len : b->len;
        int r = n ? memcmp(a->str, b->str, n) : 0;
        return r ? r : (a->len > b->len) - (a->len < b->len);
    }
    if (rval_is_agg(a)) {
        size_t n = a->n < b->n ? a->n : b->n;
        for (size_t i = 0; i < n; i++) {
            int r = rval_cmp(a->elem[i], b->elem[i]);
            if (r) return r;
        }
        return (a->n > b->n) - (a->n < b->n);
    }
    return (a->integer > b->integer) - (a->integer < b->integer);
}

static int rval_qsort_cmp(const void *x, const void *y)
{
    return rval_cmp(*(RVal *const *)x, *(RVal *const *)y);
}

/* Sorts the elements of an array or set reply; anything else is left alone. */
static void rval_sort(RVal *v)
{
    if (v && (v->type == '*' || v->type == '~') && v->n > 1)
        qsort(v->elem, v->n, sizeof *v->elem, rval_qsort_cmp);
}

/* Sorts the (field, value) pairs of a map reply (RESP3 %, n counts both) or
 * of a flat RESP2 array of even length, by field then value. */
static void rval_sort_pairs(RVal *v)
{
    if (!v || (v->type != '*' && v->type != '%') || v->n % 2 || v->n < 4) return;
    size_t pairs = v->n / 2;
    RVal **tmp = malloc(pairs * sizeof *tmp);
    for (size_t i = 0; i < pairs; i++) {
        /* Wrap each pair in a two-element array so rval_cmp orders it. */
        RVal *p = calloc(1, sizeof *p);
        p->type = '*';
        p->n = 2;
        p->elem = malloc(2 * sizeof *p->elem);
        p->elem[0] = v->elem[2 * i];
        p->elem[1] = v->elem[2 * i + 1];
        tmp[i] = p;
    }
    qsort(tmp, pairs, sizeof *tmp, rval_qsort_cmp);
    for (size_t i = 0; i < pairs; i++) {
        v->elem[2 * i] = tmp[i]->elem[0];
        v->elem[2 * i + 1] = tmp[i]->elem[1];
        free(tmp[i]->elem);
        free(tmp[i]);
    }
    free(tmp);
}

/* Same types and, for aggregates, the same element counts all the way
 * down; strings and numbers are not compared, except errors, which must
 * match exactly.  For replies that are random by definition. */
static int rval_shape_equal(const RVal *a, const RVal *b)
{
    if (!a || !b || a->type != b->type) return 0;
    if (a->type == '-') return a->len == b->len && !memcmp(a->str, b->str, a->len);
    if (!rval_is_agg(a)) return 1;
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!rval_shape_equal(a->elem[i], b->elem[i])) return 0;
    return 1;
}

/* Rewrites a score string (bulk or RESP3 double) as "%.17g" of its value,
 * so a dump does not depend on how a server prints doubles; -0 becomes 0
 * (a listpack stores a -0 score as the integer 0, a skiplist keeps -0). */
static void rval_canon_double(RVal *v)
{
    if (!v || !v->str || (v->type != '$' && v->type != ',')) return;
    char b[64];
    snprintf(b, sizeof b, "%.17g", strtod(v->str, NULL) + 0.0);
    free(v->str);
    v->len = strlen(b);
    v->str = malloc(v->len + 1);
    memcpy(v->str, b, v->len + 1);
}

#endif
