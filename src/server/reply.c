/* reply.c - building replies into a client's output buffer, RESP2 or RESP3
 * depending on what the client asked for with HELLO.
 *
 * Bytes go into the client's chunk while it has room and no block is
 * queued, then into a list of blocks; the order of bytes is always the
 * order of calls.  Nothing is written to the socket here: the client is
 * put on the pending-writes list and before_sleep sends.
 *
 * The chunk is allocated on the first reply (CLIENT_REPLY_MIN bytes, or
 * what the reply needs) and grows, up to CLIENT_REPLY_CHUNK, when a reply
 * does not fit (a reply_buffer_expands); client_obuf_cron, which
 * clients_cron runs for each client about once a second, shrinks a chunk
 * that held less than half its size since its peak was last reset, and
 * frees the chunk of a client that got no reply in that time (each a
 * reply_buffer_shrinks).  With resizing off (DEBUG REPLYBUFFER RESIZING
 * 0) a chunk is allocated whole and keeps its size. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server.h"
#include "reply.h"
#include "../../deps/numconv/numconv.h"

static inline void mark_pending(Client *c) {
    if (!(c->flags & CLIENT_PENDING_WRITE) && c->fd != -1) {
        c->flags |= CLIENT_PENDING_WRITE;
        c->pending_next = server.pending_writes;
        server.pending_writes = c;
    }
}

void client_mark_pending_write(Client *c) {
    mark_pending(c);
}

/* ------------------------------------------------------------ the chunk */

static void obuf_set_size(Client *c, size_t size) {
    if (size == 0) {
        mem_free(c->obuf);
        c->obuf = NULL;
        c->obuf_size = 0;
        return;
    }
    c->obuf = mem_realloc(c->obuf, size);
    /* Use what the allocator gave, but never more than a chunk. */
    size_t usable = mem_usable(c->obuf);
    c->obuf_size = usable < CLIENT_REPLY_CHUNK ? usable : CLIENT_REPLY_CHUNK;
}

size_t client_obuf_reserve(Client *c, size_t need) {
    if (need <= c->obuf_size) return c->obuf_size;
    if (c->obuf_size >= CLIENT_REPLY_CHUNK) return c->obuf_size;
    size_t size;
    if (!server.reply_buffer_resizing) {
        size = CLIENT_REPLY_CHUNK;
    } else {
        size = c->obuf_size * 2;
        if (size < need) size = need;
        if (size < CLIENT_REPLY_MIN) size = CLIENT_REPLY_MIN;
        if (size > CLIENT_REPLY_CHUNK) size = CLIENT_REPLY_CHUNK;
    }
    if (c->obuf_size) server.stat.reply_buffer_expands++;
    obuf_set_size(c, size);
    return c->obuf_size;
}

void client_obuf_cron(Client *c) {
    if (!server.reply_buffer_resizing) return;
    int64_t reset = server.reply_buffer_peak_reset_ms;
    if (c->obuf_size && c->opos == 0 && !c->reply_head) {
        size_t peak = c->obuf_peak;
        size_t target = 0;
        if (peak == 0) {
            /* No reply in a whole period: an idle client keeps no chunk. */
            if (reset >= 0 && server.now_ms - c->obuf_peak_ms >= reset) target = 0;
            else target = c->obuf_size;
        } else if (peak < c->obuf_size / 2 && c->obuf_size / 2 >= CLIENT_REPLY_MIN) {
            target = peak + 1 > CLIENT_REPLY_MIN ? peak + 1 : CLIENT_REPLY_MIN;
        } else {
            target = c->obuf_size;
        }
        if (target != c->obuf_size) {
            server.stat.reply_buffer_shrinks++;
            obuf_set_size(c, target);
        }
    }
    if (reset >= 0 && server.now_ms - c->obuf_peak_ms >= reset) {
        c->obuf_peak = c->opos;
        c->obuf_peak_ms = server.now_ms;
    }
}

static void check_output_limits(Client *c) {
    /* A fake client (scripts) is read back by its owner, never cut off. */
    if (c->fd == -1) return;
    /* Subscribers have their own class: a slow one is cut off. */
    int cls = (c->flags & CLIENT_PUBSUB) ? CLIENT_CLASS_PUBSUB : CLIENT_CLASS_NORMAL;
    ClientBufferLimit *lim = &server.cfg.obuf_limits[cls];
    size_t used = c->reply_bytes;
    int hard = lim->hard && used >= lim->hard;
    int soft = 0;
    if (lim->soft && used >= lim->soft) {
        if (c->obuf_soft_since_ms == 0) c->obuf_soft_since_ms = server.now_ms;
        else if (server.now_ms - c->obuf_soft_since_ms > lim->soft_seconds * 1000) soft = 1;
    } else {
        c->obuf_soft_since_ms = 0;
    }
    if ((hard || soft) && !(c->flags & CLIENT_CLOSE_ASAP)) {
        server.stat.obuf_limit_disconnections++;
        server_log(LL_WARNING, "Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
                   (unsigned long long)c->id, c->addr);
        client_close_async(c);
    }
}

void reply_raw(Client *c, const char *p, size_t len) {
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) return;
    if (!c->reply_head) {
        size_t room = c->obuf_size - c->opos;
        if (len > room && c->obuf_size < CLIENT_REPLY_CHUNK) room = client_obuf_reserve(c, c->opos + len) - c->opos;
        size_t n = len < room ? len : room;
        if (n) {
            memcpy(c->obuf + c->opos, p, n);
            c->opos += n;
            p += n;
            len -= n;
        }
    }
    if (len) {
        ReplyBlock *b = c->reply_tail;
        if (b && b->size > b->used) {
            size_t n = b->size - b->used < len ? b->size - b->used : len;
            memcpy(b->buf + b->used, p, n);
            b->used += n;
            c->reply_bytes += n;
            p += n;
            len -= n;
        }
        if (len) {
            size_t size = len > CLIENT_REPLY_CHUNK ? len : CLIENT_REPLY_CHUNK;
            b = mem_alloc(sizeof(ReplyBlock) + size);
            b->size = mem_usable(b) - sizeof(ReplyBlock);
            b->used = len;
            b->next = NULL;
            memcpy(b->buf, p, len);
            if (c->reply_tail) c->reply_tail->next = b;
            else c->reply_head = b;
            c->reply_tail = b;
            c->reply_bytes += len;
        }
        check_output_limits(c);
    }
    mark_pending(c);
}

/* "<prefix><n>\r\n" */
static void reply_header(Client *c, char prefix, long long n) {
    char buf[32];
    buf[0] = prefix;
    size_t len = 1 + ll_to_str(buf + 1, n);
    buf[len++] = '\r';
    buf[len++] = '\n';
    reply_raw(c, buf, len);
}

void reply_simple(Client *c, const char *s) {
    size_t len = strlen(s);
    char buf[128];
    if (len + 3 <= sizeof(buf)) {
        buf[0] = '+';
        memcpy(buf + 1, s, len);
        buf[len + 1] = '\r';
        buf[len + 2] = '\n';
        reply_raw(c, buf, len + 3);
        return;
    }
    reply_raw(c, "+", 1);
    reply_raw(c, s, len);
    reply_raw(c, "\r\n", 2);
}

void reply_ok(Client *c) {
    reply_raw(c, "+OK\r\n", 5);
}

void reply_error_len(Client *c, const char *msg, size_t len) {
    int has_code = len && msg[0] == '-';
    if (has_code) {
        error_stat_count(msg + 1, len - 1);
    } else {
        reply_raw(c, "-ERR ", 5);
        error_stat_count("ERR", 3);
    }
    /* Error text must stay on one line or the protocol breaks: copy it in
     * pieces with CR and LF turned into spaces. */
    char safe[256];
    for (size_t off = 0; off < len;) {
        size_t n = len - off < sizeof(safe) ? len - off : sizeof(safe);
        for (size_t i = 0; i < n; i++) safe[i] = (msg[off + i] == '\r' || msg[off + i] == '\n') ? ' ' : msg[off + i];
        reply_raw(c, safe, n);
        off += n;
    }
    reply_raw(c, "\r\n", 2);
    c->errors_replied++;
    server.stat.total_error_replies++;
}

void reply_error(Client *c, const char *msg) {
    reply_error_len(c, msg, strlen(msg));
}

void reply_errorf(Client *c, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof(buf)) n = sizeof(buf) - 1;
    reply_error_len(c, buf, (size_t)n);
}

void reply_int(Client *c, long long v) {
    if (v == 0) reply_raw(c, ":0\r\n", 4);
    else if (v == 1) reply_raw(c, ":1\r\n", 4);
    else reply_header(c, ':', v);
}

void reply_bulk(Client *c, const char *p, size_t len) {
    /* Header, payload and trailer in one copy when they fit the chunk. */
    char hdr[32];
    hdr[0] = '$';
    size_t hl = 1 + ull_to_str(hdr + 1, len);
    hdr[hl++] = '\r';
    hdr[hl++] = '\n';
    size_t total = hl + len + 2;
    if (!c->reply_head && c->opos + total <= CLIENT_REPLY_CHUNK &&
        !(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP))) {
        if (c->opos + total > c->obuf_size) client_obuf_reserve(c, c->opos + total);
        if (c->opos + total <= c->obuf_size) {
            char *d = c->obuf + c->opos;
            memcpy(d, hdr, hl);
            if (len) memcpy(d + hl, p, len); /* an empty value may be (NULL, 0) */
            d[hl + len] = '\r';
            d[hl + len + 1] = '\n';
            c->opos += total;
            mark_pending(c);
            return;
        }
    }
    reply_raw(c, hdr, hl);
    reply_raw(c, p, len);
    reply_raw(c, "\r\n", 2);
}

void reply_bulk_cstr(Client *c, const char *s) {
    if (!s) reply_null(c);
    else reply_bulk(c, s, strlen(s));
}

void reply_bulk_str(Client *c, const Str *s) {
    reply_bulk(c, s->buf, s->len);
}

void reply_bulk_ll(Client *c, long long v) {
    char buf[NUMCONV_LL_BUF];
    size_t n = ll_to_str(buf, v);
    reply_bulk(c, buf, n);
}

void reply_null(Client *c) {
    if (c->resp >= 3) reply_raw(c, "_\r\n", 3);
    else reply_raw(c, "$-1\r\n", 5);
}

void reply_null_array(Client *c) {
    if (c->resp >= 3) reply_raw(c, "_\r\n", 3);
    else reply_raw(c, "*-1\r\n", 5);
}

void reply_array_len(Client *c, long long n) {
    reply_header(c, '*', n);
}

void reply_map_len(Client *c, long long n) {
    if (c->resp >= 3) reply_header(c, '%', n);
    else reply_header(c, '*', n * 2);
}

void reply_set_len(Client *c, long long n) {
    reply_header(c, c->resp >= 3 ? '~' : '*', n);
}

void reply_double(Client *c, double d) {
    char buf[64];
    size_t n = double_to_str(buf, sizeof(buf), d);
    if (c->resp >= 3) {
        reply_raw(c, ",", 1);
        reply_raw(c, buf, n);
        reply_raw(c, "\r\n", 2);
    } else {
        reply_bulk(c, buf, n);
    }
}

void reply_bool(Client *c, int b) {
    if (c->resp >= 3) reply_raw(c, b ? "#t\r\n" : "#f\r\n", 4);
    else reply_int(c, b ? 1 : 0);
}

void reply_verbatim(Client *c, const char *p, size_t len, const char *ext) {
    if (c->resp < 3) {
        reply_bulk(c, p, len);
        return;
    }
    reply_header(c, '=', (long long)(len + 4));
    reply_raw(c, ext, 3);
    reply_raw(c, ":", 1);
    reply_raw(c, p, len);
    reply_raw(c, "\r\n", 2);
}

void reply_bignum(Client *c, const char *digits, size_t len) {
    if (c->resp < 3) {
        reply_bulk(c, digits, len);
        return;
    }
    reply_raw(c, "(", 1);
    reply_raw(c, digits, len);
    reply_raw(c, "\r\n", 2);
}

int reply_attribute_len(Client *c, long long n) {
    if (c->resp < 3) return 0;
    reply_header(c, '|', n);
    return 1;
}

void reply_push_len(Client *c, long long n) {
    reply_header(c, c->resp >= 3 ? '>' : '*', n);
}

/* ---------------------------------------------------- deferred lengths
 *
 * While the reply still fits the client's chunk, the handle is just an
 * offset there: setting the length moves what follows it to make room
 * for the header.  If blocks were queued meanwhile, the tail of the chunk
 * after the offset moves into a new block at the front of the list, with
 * the header before it, which keeps the byte order (the chunk goes out
 * before every block).  When blocks already exist at the start, an empty
 * header block is queued and filled in later; replies written meanwhile
 * go to blocks after it. */
#define DEFERRED_HDR_MAX 32

ReplyDeferred reply_deferred_len(Client *c) {
    ReplyDeferred d = {NULL, 0, 0};
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) return d;
    d.active = 1;
    if (!c->reply_head) {
        d.chunk_off = c->opos;
        return d;
    }
    ReplyBlock *b = mem_alloc(sizeof(ReplyBlock) + DEFERRED_HDR_MAX);
    b->size = 0; /* nothing may be appended until the header is set */
    b->used = 0;
    b->next = NULL;
    c->reply_tail->next = b;
    c->reply_tail = b;
    d.block = b;
    return d;
}

static void set_deferred_header(Client *c, ReplyDeferred d, const char *hdr, size_t hl);

static void set_deferred(Client *c, ReplyDeferred d, char prefix, long long n) {
    char hdr[DEFERRED_HDR_MAX];
    hdr[0] = prefix;
    size_t hl = 1 + ll_to_str(hdr + 1, n);
    hdr[hl++] = '\r';
    hdr[hl++] = '\n';
    set_deferred_header(c, d, hdr, hl);
}

static void set_deferred_header(Client *c, ReplyDeferred d, const char *hdr, size_t hl) {
    if (!d.active || (c->flags & CLIENT_CLOSE_ASAP)) return;
    if (d.block) {
        ReplyBlock *b = d.block;
        memcpy(b->buf, hdr, hl);
        b->used = hl;
        b->size = DEFERRED_HDR_MAX;
        c->reply_bytes += hl;
        return;
    }
    size_t tail = c->opos - d.chunk_off;
    if (!c->reply_head && c->opos + hl <= client_obuf_reserve(c, c->opos + hl)) {
        memmove(c->obuf + d.chunk_off + hl, c->obuf + d.chunk_off, tail);
        memcpy(c->obuf + d.chunk_off, hdr, hl);
        c->opos += hl;
        mark_pending(c);
        return;
    }
    ReplyBlock *b = mem_alloc(sizeof(ReplyBlock) + hl + tail);
    b->size = mem_usable(b) - sizeof(ReplyBlock);
    b->used = hl + tail;
    memcpy(b->buf, hdr, hl);
    if (tail) memcpy(b->buf + hl, c->obuf + d.chunk_off, tail);
    b->next = c->reply_head;
    c->reply_head = b;
    if (!c->reply_tail) c->reply_tail = b;
    c->reply_bytes += b->used;
    /* Later writes see a reply_head and append after the blocks. */
    c->opos = d.chunk_off;
    mark_pending(c);
}

void reply_set_deferred_array_len(Client *c, ReplyDeferred d, long long n) {
    set_deferred(c, d, '*', n);
}

void reply_set_deferred_map_len(Client *c, ReplyDeferred d, long long n) {
    if (c->resp >= 3) set_deferred(c, d, '%', n);
    else set_deferred(c, d, '*', n * 2);
}

void reply_set_deferred_set_len(Client *c, ReplyDeferred d, long long n) {
    set_deferred(c, d, c->resp >= 3 ? '~' : '*', n);
}

void reply_set_deferred_verbatim_len(Client *c, ReplyDeferred d, size_t n, const char *ext) {
    if (c->resp < 3) {
        set_deferred(c, d, '$', (long long)n);
        return;
    }
    char hdr[DEFERRED_HDR_MAX];
    hdr[0] = '=';
    size_t hl = 1 + ll_to_str(hdr + 1, (long long)n + 4);
    hdr[hl++] = '\r';
    hdr[hl++] = '\n';
    memcpy(hdr + hl, ext, 3);
    hdr[hl + 3] = ':';
    set_deferred_header(c, d, hdr, hl + 4);
}

void reply_help(Client *c, const char **lines) {
    long long n = 0;
    while (lines[n]) n++;
    char title[160];
    const char *name = c->cmd ? (c->cmd->parent ? c->cmd->parent->name : c->cmd->name) : "?";
    int tl = snprintf(title, sizeof(title), "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", name);
    for (int i = 0; i < tl && title[i] != ' '; i++)
        if (title[i] >= 'a' && title[i] <= 'z') title[i] = (char)(title[i] - 32);
    reply_array_len(c, n + 1);
    reply_simple(c, title);
    for (long long i = 0; i < n; i++) reply_simple(c, lines[i]);
}

void reply_wrong_arity(Client *c, const char *fullname) {
    reply_errorf(c, "wrong number of arguments for '%s' command", fullname);
}

void reply_syntax_error(Client *c) {
    reply_error(c, ERR_SYNTAX);
}

void reply_wrong_type(Client *c) {
    reply_error(c, ERR_WRONGTYPE);
}

void reply_not_integer(Client *c) {
    reply_error(c, ERR_NOT_INTEGER);
}

void reply_unknown_subcommand(Client *c) {
    const Arg *sub = c->argc > 1 ? &c->argv[1] : &c->argv[0];
    char cmd[64];
    size_t n = c->argv[0].len < sizeof(cmd) - 1 ? c->argv[0].len : sizeof(cmd) - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = c->argv[0].p[i];
        cmd[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
    }
    cmd[n] = '\0';
    reply_errorf(c, "unknown subcommand '%.*s'. Try %s HELP.", (int)(sub->len < 128 ? sub->len : 128), sub->p, cmd);
}

/* ---------------------------------------------------------- arguments */

int arg_equals(const Arg *a, const char *s) {
    size_t n = strlen(s);
    if (a->len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a->p[i], y = s[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}

int arg_to_ll_msg(Client *c, const Arg *a, long long *out, const char *errmsg) {
    if (str_to_ll(a->p, a->len, out)) return 1;
    reply_error(c, errmsg ? errmsg : ERR_NOT_INTEGER);
    return 0;
}

int arg_to_ll(Client *c, const Arg *a, long long *out) {
    return arg_to_ll_msg(c, a, out, NULL);
}

int arg_to_ld(Client *c, const Arg *a, long double *out) {
    if (str_to_ld(a->p, a->len, out)) return 1;
    reply_error(c, ERR_NOT_FLOAT);
    return 0;
}

int arg_to_double(Client *c, const Arg *a, double *out) {
    if (str_to_double(a->p, a->len, out)) return 1;
    reply_error(c, ERR_NOT_FLOAT);
    return 0;
}
