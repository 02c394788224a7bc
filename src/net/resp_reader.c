/* resp_reader.c - incremental RESP2/RESP3 reply reader (see resp_reader.h).
 *
 * Parsing is two passes over a complete reply: scan() checks that a whole
 * reply is buffered (and well formed) without allocating; build() then
 * creates the tree.  Replies are usually small, and a large one is only
 * re-scanned when it arrives in pieces. */
#include "resp_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../../deps/numconv/numconv.h"

#define MAX_DEPTH 64

void resp_reader_init(RespReader *r) {
    memset(r, 0, sizeof(*r));
    r->max_bulk = 512LL * 1024 * 1024;
    r->max_elements = 4294967296LL;
}

void resp_reader_free(RespReader *r) {
    mem_free(r->buf);
    r->buf = NULL;
    r->len = r->pos = r->cap = 0;
}

/* Drop consumed bytes before growing, so the buffer holds one reply. */
char *resp_reader_space(RespReader *r, size_t n) {
    if (r->pos > 0 && (r->pos == r->len || r->cap - r->len < n)) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->len < n) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap - r->len < n) cap *= 2;
        r->buf = mem_realloc(r->buf, cap);
        r->cap = cap;
    }
    return r->buf + r->len;
}

void resp_reader_wrote(RespReader *r, size_t n) {
    r->len += n;
}

void resp_reader_feed(RespReader *r, const char *p, size_t n) {
    if (n == 0) return;
    memcpy(resp_reader_space(r, n), p, n);
    r->len += n;
}

static int fail(RespReader *r, const char *fmt, int c) {
    snprintf(r->err, sizeof(r->err), fmt, c);
    return RESP_READ_ERROR;
}

/* The line starting at *pos (after the type byte): sets *start and
 * *linelen, and moves *pos past its CRLF. */
static int take_line(RespReader *r, size_t *pos, size_t *start, size_t *linelen) {
    const char *cr = memchr(r->buf + *pos, '\r', r->len - *pos);
    if (!cr || (size_t)(cr - r->buf) + 1 >= r->len) return RESP_READ_MORE;
    if (cr[1] != '\n') return fail(r, "Protocol error: expected LF after CR%c", ' ');
    *start = *pos;
    *linelen = (size_t)(cr - r->buf) - *pos;
    *pos = (size_t)(cr - r->buf) + 2;
    return RESP_READ_DONE;
}

static int is_aggregate(int t) {
    return t == RESP_T_ARRAY || t == RESP_T_MAP || t == RESP_T_SET || t == RESP_T_ATTR || t == RESP_T_PUSH;
}

static int is_blob(int t) {
    return t == RESP_T_BULK || t == RESP_T_BLOBERR || t == RESP_T_VERBATIM;
}

/* Checks that one complete value starts at *pos; moves *pos past it. */
static int scan(RespReader *r, size_t *pos, int depth) {
    if (depth > MAX_DEPTH) return fail(r, "Protocol error: nesting deeper than %d", MAX_DEPTH);
    if (*pos >= r->len) return RESP_READ_MORE;
    int t = (unsigned char)r->buf[*pos];
    size_t p = *pos + 1, start, linelen;
    int rc = take_line(r, &p, &start, &linelen);
    if (rc != RESP_READ_DONE) return rc;
    const char *line = r->buf + start;
    long long n;
    switch (t) {
    case RESP_T_SIMPLE: case RESP_T_ERROR: case RESP_T_BIGNUM:
        break;
    case RESP_T_INT:
        if (!str_to_ll(line, linelen, &n)) return fail(r, "Protocol error: bad integer%c", ' ');
        break;
    case RESP_T_DOUBLE: {
        double d;
        int special = (linelen == 3 && (!memcmp(line, "inf", 3) || !memcmp(line, "nan", 3))) ||
                      (linelen == 4 && !memcmp(line, "-inf", 4));
        if (!special && !str_to_double(line, linelen, &d)) return fail(r, "Protocol error: bad double%c", ' ');
        break;
    }
    case RESP_T_BOOL:
        if (linelen != 1 || (line[0] != 't' && line[0] != 'f')) return fail(r, "Protocol error: bad boolean%c", ' ');
        break;
    case RESP_T_NULL:
        if (linelen != 0) return fail(r, "Protocol error: bad null%c", ' ');
        break;
    default:
        if (is_blob(t)) {
            if (!str_to_ll(line, linelen, &n)) return fail(r, "Protocol error: bad bulk length%c", ' ');
            if (n == -1) break; /* RESP2 null bulk */
            if (n < 0 || n > r->max_bulk) return fail(r, "Protocol error: bulk length out of range%c", ' ');
            if (t == RESP_T_VERBATIM && n < 4) return fail(r, "Protocol error: verbatim string too short%c", ' ');
            if (r->len - p < (size_t)n + 2) return RESP_READ_MORE;
            if (r->buf[p + n] != '\r' || r->buf[p + n + 1] != '\n')
                return fail(r, "Protocol error: bulk not ended by CRLF%c", ' ');
            p += (size_t)n + 2;
        } else if (is_aggregate(t)) {
            if (!str_to_ll(line, linelen, &n)) return fail(r, "Protocol error: bad aggregate length%c", ' ');
            if (n == -1) break; /* RESP2 null array */
            if (n < 0 || n > r->max_elements) return fail(r, "Protocol error: aggregate length out of range%c", ' ');
            long long items = (t == RESP_T_MAP || t == RESP_T_ATTR) ? n * 2 : n;
            for (long long i = 0; i < items; i++) {
                rc = scan(r, &p, depth + 1);
                if (rc != RESP_READ_DONE) return rc;
            }
            /* An attribute decorates the value that follows it. */
            if (t == RESP_T_ATTR) {
                rc = scan(r, &p, depth + 1);
                if (rc != RESP_READ_DONE) return rc;
            }
        } else {
            return fail(r, "Protocol error: unknown reply type byte '%c'", t >= 32 && t < 127 ? t : '?');
        }
    }
    *pos = p;
    return RESP_READ_DONE;
}

static RespValue *new_value(int type) {
    RespValue *v = mem_calloc(sizeof(*v));
    v->type = type;
    return v;
}

static void set_text(RespValue *v, const char *p, size_t len) {
    v->str = mem_strndup(p, len);
    v->len = len;
}

/* Builds the value at *pos; scan() has already validated it. */
static RespValue *build(RespReader *r, size_t *pos) {
    int t = (unsigned char)r->buf[*pos];
    size_t p = *pos + 1, start, linelen;
    take_line(r, &p, &start, &linelen);
    const char *line = r->buf + start;
    RespValue *v;
    long long n = 0;
    if ((is_blob(t) || is_aggregate(t)) && str_to_ll(line, linelen, &n) && n == -1) {
        v = new_value(RESP_T_NULL);
        v->resp2_null_array = is_aggregate(t);
        *pos = p;
        return v;
    }
    v = new_value(t);
    switch (t) {
    case RESP_T_SIMPLE: case RESP_T_ERROR: case RESP_T_BIGNUM:
        set_text(v, line, linelen);
        break;
    case RESP_T_INT:
        str_to_ll(line, linelen, &v->integer);
        break;
    case RESP_T_DOUBLE:
        set_text(v, line, linelen);
        v->dbl = strtod(v->str, NULL);
        break;
    case RESP_T_BOOL:
        v->integer = line[0] == 't';
        break;
    case RESP_T_NULL:
        break;
    default:
        str_to_ll(line, linelen, &n);
        if (is_blob(t)) {
            const char *data = r->buf + p;
            if (t == RESP_T_VERBATIM) {
                memcpy(v->format, data, 3);
                v->format[3] = '\0';
                set_text(v, data + 4, (size_t)n - 4);
            } else {
                set_text(v, data, (size_t)n);
            }
            p += (size_t)n + 2;
        } else {
            size_t items = (size_t)((t == RESP_T_MAP || t == RESP_T_ATTR) ? n * 2 : n);
            v->count = (size_t)n;
            v->elem = items ? mem_alloc(items * sizeof(RespValue *)) : NULL;
            for (size_t i = 0; i < items; i++) v->elem[i] = build(r, &p);
            if (t == RESP_T_ATTR) {
                /* Return the decorated value; the attribute is dropped, as
                 * clients that do not ask for attributes do. */
                RespValue *real = build(r, &p);
                resp_value_free(v);
                v = real;
            }
        }
    }
    *pos = p;
    return v;
}

int resp_reader_next(RespReader *r, RespValue **out) {
    size_t p = r->pos;
    int rc = scan(r, &p, 0);
    if (rc != RESP_READ_DONE) return rc;
    size_t b = r->pos;
    *out = build(r, &b);
    r->pos = p;
    return RESP_READ_DONE;
}

int resp_reader_skip(RespReader *r, int *type) {
    size_t p = r->pos;
    int rc = scan(r, &p, 0);
    if (rc != RESP_READ_DONE) return rc;
    if (type) *type = (unsigned char)r->buf[r->pos];
    r->pos = p;
    return RESP_READ_DONE;
}

void resp_value_free(RespValue *v) {
    if (!v) return;
    size_t items = (v->type == RESP_T_MAP || v->type == RESP_T_ATTR) ? v->count * 2 : v->count;
    for (size_t i = 0; i < items && v->elem; i++) resp_value_free(v->elem[i]);
    mem_free(v->elem);
    mem_free(v->str);
    mem_free(v);
}
