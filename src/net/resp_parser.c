/* resp_parser.c - incremental request parser (see resp_parser.h). */
#include "resp_parser.h"

#include <stdio.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../../deps/numconv/numconv.h"

void resp_parser_init(RespParser *p) {
    memset(p, 0, sizeof(*p));
    p->bulk_len = -1;
    p->max_bulk = 512LL * 1024 * 1024;
}

void resp_parser_free(RespParser *p) {
    mem_free(p->args);
    p->args = NULL;
    p->argcap = 0;
}

void resp_parser_reset(RespParser *p, size_t pos) {
    p->kind = 0;
    p->remaining = 0;
    p->bulk_len = -1;
    p->start = p->pos = pos;
    p->argc = 0;
    p->want_total = 0;
}

void resp_parser_shift(RespParser *p, size_t n) {
    p->start -= n;
    p->pos -= n;
    for (size_t i = 0; i < p->argc; i++) p->args[i].off -= n;
    if (p->want_total) p->want_total -= n;
}

static void ensure_args(RespParser *p, size_t n) {
    if (n <= p->argcap) return;
    size_t cap = p->argcap ? p->argcap : 8;
    while (cap < n) cap *= 2;
    p->args = mem_realloc(p->args, cap * sizeof(RespArgRef));
    p->argcap = cap;
}

static int fail(RespParser *p, const char *msg) {
    snprintf(p->err, sizeof(p->err), "Protocol error: %s", msg);
    return RESP_PARSE_ERROR;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

long resp_split_args(char *line, size_t len, RespArgRef **args, size_t *cap) {
    size_t i = 0, count = 0;
    while (1) {
        while (i < len && is_space(line[i])) i++;
        if (i >= len) return (long)count;
        size_t out = i, argstart = i;
        int inq = 0, insq = 0, done = 0;
        while (!done) {
            if (inq) {
                if (i >= len) return -1;
                if (line[i] == '\\' && i + 3 < len && line[i + 1] == 'x' &&
                    hexval(line[i + 2]) >= 0 && hexval(line[i + 3]) >= 0) {
                    line[out++] = (char)(hexval(line[i + 2]) * 16 + hexval(line[i + 3]));
                    i += 4;
                } else if (line[i] == '\\' && i + 1 < len) {
                    char c;
                    i++;
                    switch (line[i]) {
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'b': c = '\b'; break;
                    case 'a': c = '\a'; break;
                    default: c = line[i]; break;
                    }
                    line[out++] = c;
                    i++;
                } else if (line[i] == '"') {
                    /* A closing quote must end the argument. */
                    if (i + 1 < len && !is_space(line[i + 1])) return -1;
                    i++;
                    done = 1;
                } else {
                    line[out++] = line[i++];
                }
            } else if (insq) {
                if (i >= len) return -1;
                if (line[i] == '\\' && i + 1 < len && line[i + 1] == '\'') {
                    line[out++] = '\'';
                    i += 2;
                } else if (line[i] == '\'') {
                    if (i + 1 < len && !is_space(line[i + 1])) return -1;
                    i++;
                    done = 1;
                } else {
                    line[out++] = line[i++];
                }
            } else {
                if (i >= len || is_space(line[i])) {
                    done = 1;
                } else if (line[i] == '"') {
                    inq = 1;
                    i++;
                } else if (line[i] == '\'') {
                    insq = 1;
                    i++;
                } else {
                    line[out++] = line[i++];
                }
            }
        }
        if (count == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *args = mem_realloc(*args, *cap * sizeof(RespArgRef));
        }
        (*args)[count].off = argstart;
        (*args)[count].len = out - argstart;
        count++;
    }
}

static int parse_inline(RespParser *p, char *buf, size_t len) {
    char *nl = memchr(buf + p->pos, '\n', len - p->pos);
    if (!nl) {
        if (len - p->pos > RESP_INLINE_MAX) return fail(p, "too big inline request");
        return RESP_PARSE_MORE;
    }
    size_t end = (size_t)(nl - buf);
    size_t linelen = end - p->pos;
    if (linelen && buf[end - 1] == '\r') linelen--;
    /* Valkey splits inline commands as C strings: a NUL ends the line. */
    const char *nul = memchr(buf + p->pos, '\0', linelen);
    if (nul) linelen = (size_t)(nul - (buf + p->pos));
    long n = resp_split_args(buf + p->pos, linelen, &p->args, &p->argcap);
    if (n < 0) return fail(p, "unbalanced quotes in request");
    size_t base = p->pos;
    p->pos = end + 1;
    if (n == 0) return RESP_PARSE_EMPTY;
    for (long i = 0; i < n; i++) p->args[i].off += base;
    p->argc = (size_t)n;
    return RESP_PARSE_DONE;
}

/* Reads a "<prefix><number>\r\n" line at p->pos.  Returns 1 with *val,
 * 0 when the line is incomplete, -1 when it is over-long. */
static int read_header(RespParser *p, const char *buf, size_t len, long long *val, int *valid) {
    const char *cr = memchr(buf + p->pos, '\r', len - p->pos);
    if (!cr || (size_t)(cr - buf) + 1 >= len) {
        if (len - p->pos > RESP_INLINE_MAX) return -1;
        return 0;
    }
    size_t numstart = p->pos + 1;
    size_t numlen = (size_t)(cr - buf) - numstart;
    *valid = str_to_ll(buf + numstart, numlen, val);
    p->pos = (size_t)(cr - buf) + 2;
    return 1;
}

static int parse_multibulk(RespParser *p, char *buf, size_t len) {
    if (p->remaining == 0 && p->argc == 0) {
        long long n;
        int valid;
        int r = read_header(p, buf, len, &n, &valid);
        if (r < 0) return fail(p, "too big mbulk count string");
        if (r == 0) return RESP_PARSE_MORE;
        if (!valid || n > 1024LL * 1024 * 1024) return fail(p, "invalid multibulk length");
        if (p->unauthenticated && n > RESP_UNAUTH_MAX_ARGS) return fail(p, "unauthenticated multibulk length");
        if (n <= 0) return RESP_PARSE_EMPTY;
        p->remaining = n;
        /* Don't trust a huge count for preallocation. */
        ensure_args(p, n < 1024 ? (size_t)n : 1024);
    }
    while (p->remaining > 0) {
        if (p->bulk_len == -1) {
            if (p->pos >= len) return RESP_PARSE_MORE;
            if (buf[p->pos] != '$') {
                char msg[64];
                snprintf(msg, sizeof(msg), "expected '$', got '%c'", buf[p->pos]);
                return fail(p, msg);
            }
            long long n;
            int valid;
            int r = read_header(p, buf, len, &n, &valid);
            if (r < 0) return fail(p, "too big bulk count string");
            if (r == 0) return RESP_PARSE_MORE;
            if (!valid || n < 0 || n > p->max_bulk) return fail(p, "invalid bulk length");
            if (p->unauthenticated && n > RESP_UNAUTH_MAX_BULK) return fail(p, "unauthenticated bulk length");
            p->bulk_len = n;
        }
        size_t need = p->pos + (size_t)p->bulk_len + 2;
        if (len < need) {
            p->want_total = need;
            return RESP_PARSE_MORE;
        }
        ensure_args(p, p->argc + 1);
        p->args[p->argc].off = p->pos;
        p->args[p->argc].len = (size_t)p->bulk_len;
        p->argc++;
        p->pos = need;
        p->bulk_len = -1;
        p->remaining--;
    }
    p->want_total = 0;
    return RESP_PARSE_DONE;
}

int resp_parse(RespParser *p, char *buf, size_t len) {
    if (p->pos >= len) return RESP_PARSE_MORE;
    if (p->kind == 0) p->kind = buf[p->pos] == '*' ? '*' : 'i';
    if (p->kind == '*') return parse_multibulk(p, buf, len);
    return parse_inline(p, buf, len);
}
