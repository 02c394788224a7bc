/* test_resp_parser.c - unit tests for src/net/resp_parser (incremental
 * request parser and resp_split_args).
 *
 * A small client loop drives the parser the way the server does: bytes
 * arrive in chunks and are appended to a buffer that is reallocated as it
 * grows (so a pointer kept across calls would show under ASan), every
 * complete request is logged, consumed bytes are dropped from the front
 * after each chunk and the parser is told with resp_parser_shift.  The
 * same input fed whole, one byte at a time and in random splits must give
 * the same log.  Then: each protocol error and its exact wording, the
 * limits for unauthenticated clients, want_total for large bulks, and the
 * quoting rules of resp_split_args. */
#include <stdint.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/str.h"
#include "net/resp_parser.h"
#include "unit.h"

typedef struct Feed {
    char *buf;
    size_t len, cap;
    RespParser p;
    Str *log;  /* one line per outcome, args as <len>:<bytes> */
    int failed;
} Feed;

static void feed_init(Feed *f, int unauthenticated, long long max_bulk) {
    f->buf = NULL;
    f->len = f->cap = 0;
    resp_parser_init(&f->p);
    f->p.unauthenticated = unauthenticated;
    if (max_bulk > 0) f->p.max_bulk = max_bulk;
    f->log = str_new("", 0);
    f->failed = 0;
}

static void feed_free(Feed *f) {
    mem_free(f->buf);
    resp_parser_free(&f->p);
    str_free(f->log);
}

/* Appends n bytes and parses every complete request, like the server's
 * read handler, then drops what has been consumed. */
static void feed_bytes(Feed *f, const char *data, size_t n) {
    if (f->failed || n == 0) return;
    if (f->len + n > f->cap) {
        /* Grow (and so usually move) the buffer between parse calls. */
        f->cap = (f->len + n) * 2;
        f->buf = mem_realloc(f->buf, f->cap);
    }
    memcpy(f->buf + f->len, data, n);
    f->len += n;
    for (;;) {
        int r = resp_parse(&f->p, f->buf, f->len);
        if (r == RESP_PARSE_MORE) break;
        if (r == RESP_PARSE_ERROR) {
            f->log = str_catfmt(f->log, "error:%s\n", f->p.err);
            f->failed = 1;
            return;
        }
        if (r == RESP_PARSE_EMPTY) {
            f->log = str_cat_cstr(f->log, "empty\n");
            resp_parser_reset(&f->p, f->p.pos);
            continue;
        }
        f->log = str_catfmt(f->log, "req %zu:", f->p.argc);
        for (size_t i = 0; i < f->p.argc; i++) {
            f->log = str_catfmt(f->log, " %zu:", f->p.args[i].len);
            f->log = str_cat(f->log, f->buf + f->p.args[i].off, f->p.args[i].len);
        }
        f->log = str_cat_cstr(f->log, "\n");
        resp_parser_reset(&f->p, f->p.pos);
    }
    if (f->p.start > 0) {
        size_t keep = f->len - f->p.start;
        memmove(f->buf, f->buf + f->p.start, keep);
        f->len = keep;
        resp_parser_shift(&f->p, f->p.start);
    }
}

enum { SPLIT_WHOLE = 0, SPLIT_BYTES = 1, SPLIT_RANDOM = 2 };

/* Runs input through a fresh parser with one split strategy; returns the
 * log (caller frees). */
static Str *run_split(const char *in, size_t len, int how, uint64_t seed, int unauth, long long max_bulk) {
    Feed f;
    feed_init(&f, unauth, max_bulk);
    unit_srand(seed);
    size_t off = 0;
    while (off < len) {
        size_t n = len - off;
        if (how == SPLIT_BYTES) n = 1;
        else if (how == SPLIT_RANDOM) {
            size_t r = 1 + (size_t)unit_rand_below(unit_rand_below(4) == 0 ? 200 : 7);
            if (r < n) n = r;
        }
        feed_bytes(&f, in + off, n);
        off += n;
    }
    if (!f.failed && f.len > 0) f.log = str_catfmt(f.log, "pending %zu\n", f.len);
    Str *out = str_dup(f.log);
    feed_free(&f);
    return out;
}

/* Parses input whole, byte by byte and in several random splits; all must
 * give the expected log.  Returns 1 on success. */
static int parse_expect_opts(const char *file, int line, const char *in, size_t len, const char *want,
                             size_t want_len, int unauth, long long max_bulk) {
    int ok = 1;
    for (int how = 0; how < 3; how++) {
        int rounds = how == SPLIT_RANDOM ? 6 : 1;
        for (int k = 0; k < rounds; k++) {
            Str *got = run_split(in, len, how, 1000 + (uint64_t)k, unauth, max_bulk);
            const char *what = how == SPLIT_WHOLE ? "parse whole" : how == SPLIT_BYTES ? "parse byte by byte" : "parse in random splits";
            ok &= unit_check_mem(want, want_len, got->buf, got->len, file, line, what);
            str_free(got);
            if (!ok) return 0;
        }
    }
    return ok;
}

#define PARSE_EXPECT(lit, want) \
    parse_expect_opts(__FILE__, __LINE__, (lit), sizeof(lit) - 1, (want), sizeof(want) - 1, 0, 0)
#define PARSE_EXPECT_UNAUTH(lit, want) \
    parse_expect_opts(__FILE__, __LINE__, (lit), sizeof(lit) - 1, (want), sizeof(want) - 1, 1, 0)
#define PARSE_EXPECT_MAXBULK(lit, want, max) \
    parse_expect_opts(__FILE__, __LINE__, (lit), sizeof(lit) - 1, (want), sizeof(want) - 1, 0, (max))

static void test_multibulk(void) {
    PARSE_EXPECT("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", "req 3: 3:SET 3:key 5:value\n");
    PARSE_EXPECT("*1\r\n$4\r\nPING\r\n", "req 1: 4:PING\n");
    /* Binary: CR LF and NUL inside a bulk are data. */
    PARSE_EXPECT("*2\r\n$3\r\nGET\r\n$6\r\na\r\n\0b\n\r\n", "req 2: 3:GET 6:a\r\n\0b\n\n");
    PARSE_EXPECT("*2\r\n$0\r\n\r\n$1\r\nx\r\n", "req 2: 0: 1:x\n");
    PARSE_EXPECT("*0\r\n", "empty\n");
    PARSE_EXPECT("*-1\r\n", "empty\n");
    /* Pipelined, then a partial request left pending. */
    PARSE_EXPECT("*1\r\n$1\r\na\r\n*1\r\n$1\r\nb\r\n*2\r\n$1\r\nc\r\n$1", "req 1: 1:a\nreq 1: 1:b\npending 13\n");
    /* Large argument count: more than the first preallocation. */
    Str *in = str_catfmt(str_new("", 0), "*2000\r\n");
    Str *want = str_new("req 2000:", 9);
    for (int i = 0; i < 2000; i++) {
        char arg[16];
        int n = snprintf(arg, sizeof(arg), "%d", i);
        in = str_catfmt(in, "$%d\r\n%s\r\n", n, arg);
        want = str_catfmt(want, " %d:%s", n, arg);
    }
    want = str_cat_cstr(want, "\n");
    parse_expect_opts(__FILE__, __LINE__, in->buf, in->len, want->buf, want->len, 0, 0);
    str_free(in);
    str_free(want);
}

static void test_inline(void) {
    PARSE_EXPECT("PING\r\n", "req 1: 4:PING\n");
    PARSE_EXPECT("set a b\n", "req 3: 3:set 1:a 1:b\n");
    PARSE_EXPECT("  set   a\tb  \r\n", "req 3: 3:set 1:a 1:b\n");
    PARSE_EXPECT("\r\n", "empty\n");
    PARSE_EXPECT("   \r\n", "empty\n");
    PARSE_EXPECT("\n\n", "empty\nempty\n");
    PARSE_EXPECT("set \"a b\" 'c d'\r\n", "req 3: 3:set 3:a b 3:c d\n");
    PARSE_EXPECT("echo \"\\x41\\n\"\r\n", "req 2: 4:echo 2:A\n\n");
    PARSE_EXPECT("echo \"\"\r\n", "req 2: 4:echo 0:\n");
    PARSE_EXPECT("PING", "pending 4\n");
    /* Mixed with multibulk in one stream. */
    PARSE_EXPECT("PING\r\n*1\r\n$4\r\nPING\r\nECHO hi\r\n", "req 1: 4:PING\nreq 1: 4:PING\nreq 2: 4:ECHO 2:hi\n");
}

static void test_errors(void) {
    PARSE_EXPECT("*abc\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*1x\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*+1\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*2147483648\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*99999999999999999999\r\n", "error:Protocol error: invalid multibulk length\n");
    PARSE_EXPECT("*2\r\n$x\r\n", "error:Protocol error: invalid bulk length\n");
    PARSE_EXPECT("*1\r\n$-1\r\n", "error:Protocol error: invalid bulk length\n");
    PARSE_EXPECT("*1\r\n$\r\n", "error:Protocol error: invalid bulk length\n");
    PARSE_EXPECT("*1\r\n$01\r\n", "error:Protocol error: invalid bulk length\n");
    PARSE_EXPECT("*1\r\n$99999999999999999999\r\n", "error:Protocol error: invalid bulk length\n");
    PARSE_EXPECT("*1\r\nx3\r\n", "error:Protocol error: expected '$', got 'x'\n");
    PARSE_EXPECT("*2\r\n$1\r\na\r\n:1\r\n", "error:Protocol error: expected '$', got ':'\n");
    PARSE_EXPECT("set \"abc\r\n", "error:Protocol error: unbalanced quotes in request\n");
    PARSE_EXPECT("set 'abc\r\n", "error:Protocol error: unbalanced quotes in request\n");
    PARSE_EXPECT("set \"a\"b\r\n", "error:Protocol error: unbalanced quotes in request\n");
    /* A good request before the bad one is still delivered. */
    PARSE_EXPECT("PING\r\n*x\r\n", "req 1: 4:PING\nerror:Protocol error: invalid multibulk length\n");

    /* proto-max-bulk-len. */
    PARSE_EXPECT_MAXBULK("*1\r\n$11\r\n", "error:Protocol error: invalid bulk length\n", 10);
    PARSE_EXPECT_MAXBULK("*1\r\n$10\r\n0123456789\r\n", "req 1: 10:0123456789\n", 10);

    /* Over-long inline request and header lines. */
    size_t big = RESP_INLINE_MAX + 100;
    char *junk = mem_alloc(big);
    memset(junk, 'a', big);
    Str *got = run_split(junk, big, SPLIT_WHOLE, 1, 0, 0);
    CHECK_STR("error:Protocol error: too big inline request\n", got->buf);
    str_free(got);
    got = run_split(junk, big, SPLIT_RANDOM, 2, 0, 0);
    CHECK_STR("error:Protocol error: too big inline request\n", got->buf);
    str_free(got);
    /* Just under the limit without a newline: still waiting. */
    got = run_split(junk, RESP_INLINE_MAX, SPLIT_WHOLE, 1, 0, 0);
    CHECK(strncmp(got->buf, "pending", 7) == 0);
    str_free(got);
    junk[0] = '*';
    got = run_split(junk, big, SPLIT_WHOLE, 1, 0, 0);
    CHECK_STR("error:Protocol error: too big mbulk count string\n", got->buf);
    str_free(got);
    memcpy(junk, "*1\r\n$", 5);
    got = run_split(junk, big, SPLIT_WHOLE, 1, 0, 0);
    CHECK_STR("error:Protocol error: too big bulk count string\n", got->buf);
    str_free(got);
    mem_free(junk);
}

static void test_unauthenticated(void) {
    PARSE_EXPECT_UNAUTH("*11\r\n", "error:Protocol error: unauthenticated multibulk length\n");
    PARSE_EXPECT_UNAUTH("*10\r\n", "pending 5\n");
    PARSE_EXPECT("*11\r\n", "pending 5\n");
    PARSE_EXPECT_UNAUTH("*1\r\n$16385\r\n", "error:Protocol error: unauthenticated bulk length\n");
    PARSE_EXPECT_UNAUTH("*1\r\n$16384\r\n", "pending 12\n");
    PARSE_EXPECT_UNAUTH("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n", "req 2: 4:AUTH 2:pw\n");
}

/* want_total names the buffer size that holds the declared bulk, and the
 * bulk is not rescanned as it arrives. */
static void test_want_total(void) {
    RespParser p;
    resp_parser_init(&p);
    const char *hdr = "*2\r\n$3\r\nGET\r\n$100000\r\n";
    size_t hl = strlen(hdr);
    size_t total = hl + 100000 + 2;
    char *buf = mem_alloc(total);
    memcpy(buf, hdr, hl);
    memset(buf + hl, 'v', 100000);
    memcpy(buf + hl + 100000, "\r\n", 2);
    CHECK_EQ_INT(RESP_PARSE_MORE, resp_parse(&p, buf, hl + 10));
    CHECK_EQ_UINT(total, p.want_total);
    CHECK_EQ_UINT(1, p.argc); /* GET already taken */
    CHECK_EQ_INT(RESP_PARSE_MORE, resp_parse(&p, buf, total - 1));
    CHECK_EQ_INT(RESP_PARSE_DONE, resp_parse(&p, buf, total));
    CHECK_EQ_UINT(2, p.argc);
    CHECK_EQ_UINT(100000, p.args[1].len);
    CHECK_EQ_UINT(hl, p.args[1].off);
    CHECK_EQ_UINT(total, p.pos);
    CHECK_EQ_UINT(0, p.want_total);
    /* Nothing to parse at the end of the buffer. */
    resp_parser_reset(&p, p.pos);
    CHECK_EQ_INT(RESP_PARSE_MORE, resp_parse(&p, buf, total));
    resp_parser_free(&p);
    mem_free(buf);
}

/* Shift while a multibulk is half parsed: offsets follow the bytes. */
static void test_shift(void) {
    RespParser p;
    resp_parser_init(&p);
    char buf[128];
    const char *s = "PING\r\n*3\r\n$1\r\na\r\n$2\r\nbb\r\n$3\r\nc";
    size_t len = strlen(s);
    memcpy(buf, s, len);
    CHECK_EQ_INT(RESP_PARSE_DONE, resp_parse(&p, buf, len));
    CHECK_EQ_UINT(1, p.argc);
    resp_parser_reset(&p, p.pos);
    CHECK_EQ_INT(RESP_PARSE_MORE, resp_parse(&p, buf, len));
    CHECK_EQ_UINT(2, p.argc);
    CHECK_EQ_UINT(6, p.start);
    size_t want_before = p.want_total;
    /* Drop "PING\r\n". */
    memmove(buf, buf + 6, len - 6);
    len -= 6;
    resp_parser_shift(&p, 6);
    CHECK_EQ_UINT(0, p.start);
    CHECK_EQ_UINT(want_before - 6, p.want_total);
    memcpy(buf + len, "cc\r\n", 4);
    len += 4;
    CHECK_EQ_INT(RESP_PARSE_DONE, resp_parse(&p, buf, len));
    if (CHECK_EQ_UINT(3, p.argc)) {
        CHECK_MEM("a", 1, buf + p.args[0].off, p.args[0].len);
        CHECK_MEM("bb", 2, buf + p.args[1].off, p.args[1].len);
        CHECK_MEM("ccc", 3, buf + p.args[2].off, p.args[2].len);
    }
    CHECK_EQ_UINT(len, p.pos);
    resp_parser_free(&p);
}

/* Random pipelines of random requests: every split gives the same log,
 * and it is the log we expect from how the stream was built. */
static void test_random_streams(void) {
    int bad = 0;
    for (uint64_t seed = 1; seed <= 40 && !bad; seed++) {
        unit_srand(seed * 7919);
        Str *in = str_new("", 0);
        Str *want = str_new("", 0);
        int nreq = 1 + (int)unit_rand_below(20);
        for (int r = 0; r < nreq; r++) {
            if (unit_rand_below(4) == 0) {
                /* Inline: plain words. */
                int argc = 1 + (int)unit_rand_below(5);
                want = str_catfmt(want, "req %d:", argc);
                for (int a = 0; a < argc; a++) {
                    int wl = 1 + (int)unit_rand_below(8);
                    char w[16];
                    for (int k = 0; k < wl; k++) w[k] = (char)('a' + unit_rand_below(26));
                    if (a) in = str_cat(in, " ", 1);
                    in = str_cat(in, w, (size_t)wl);
                    want = str_catfmt(want, " %d:", wl);
                    want = str_cat(want, w, (size_t)wl);
                }
                in = str_cat_cstr(in, unit_rand_below(2) ? "\r\n" : "\n");
                want = str_cat_cstr(want, "\n");
            } else {
                int argc = 1 + (int)unit_rand_below(6);
                in = str_catfmt(in, "*%d\r\n", argc);
                want = str_catfmt(want, "req %d:", argc);
                for (int a = 0; a < argc; a++) {
                    size_t bl = (size_t)unit_rand_below(unit_rand_below(5) == 0 ? 3000 : 12);
                    char *b = mem_alloc(bl + 1);
                    for (size_t k = 0; k < bl; k++) b[k] = (char)unit_rand64();
                    in = str_catfmt(in, "$%zu\r\n", bl);
                    in = str_cat(in, b, bl);
                    in = str_cat(in, "\r\n", 2);
                    want = str_catfmt(want, " %zu:", bl);
                    want = str_cat(want, b, bl);
                    mem_free(b);
                }
                want = str_cat_cstr(want, "\n");
            }
        }
        /* Random streams reuse parse_expect (whole, bytes, random). */
        if (!parse_expect_opts(__FILE__, __LINE__, in->buf, in->len, want->buf, want->len, 0, 0)) {
            printf("    seed %llu\n", (unsigned long long)seed);
            bad = 1;
        }
        str_free(in);
        str_free(want);
    }
    CHECK_EQ_INT(0, bad);
}

/* ------------------------------------------------------- resp_split_args */

/* Splits a copy of lit; expects the args given as a NULL-terminated list
 * of (pointer, length) pairs, or count -1. */
static void split_expect(const char *file, int line, const char *lit, size_t litlen, long want_n,
                         const char *const *want, const size_t *want_len) {
    /* Exactly litlen bytes, so ASan catches a read past the line. */
    char *copy = mem_alloc(litlen);
    if (litlen) memcpy(copy, lit, litlen);
    RespArgRef *args = NULL;
    size_t cap = 0;
    long n = resp_split_args(copy, litlen, &args, &cap);
    if (unit_check_int(want_n, n, file, line, "resp_split_args count")) {
        for (long i = 0; i < n; i++) {
            unit_check(args[i].off + args[i].len <= litlen, file, line, "arg within line");
            unit_check_mem(want[i], want_len[i], copy + args[i].off, args[i].len, file, line, "split arg");
        }
    } else {
        printf("    input: %.*s\n", (int)litlen, lit);
    }
    if (n > 0) unit_check(cap >= (size_t)n, file, line, "capacity covers count");
    mem_free(args);
    mem_free(copy);
}

#define SPLIT0(lit) split_expect(__FILE__, __LINE__, (lit), sizeof(lit) - 1, 0, NULL, NULL)
#define SPLIT_BAD(lit) split_expect(__FILE__, __LINE__, (lit), sizeof(lit) - 1, -1, NULL, NULL)
#define SPLIT1(lit, a)                                                                      \
    do {                                                                                    \
        const char *w_[] = {a};                                                             \
        size_t l_[] = {sizeof(a) - 1};                                                      \
        split_expect(__FILE__, __LINE__, (lit), sizeof(lit) - 1, 1, w_, l_);                \
    } while (0)
#define SPLIT2(lit, a, b)                                                                   \
    do {                                                                                    \
        const char *w_[] = {a, b};                                                          \
        size_t l_[] = {sizeof(a) - 1, sizeof(b) - 1};                                       \
        split_expect(__FILE__, __LINE__, (lit), sizeof(lit) - 1, 2, w_, l_);                \
    } while (0)
#define SPLIT3(lit, a, b, c)                                                                \
    do {                                                                                    \
        const char *w_[] = {a, b, c};                                                       \
        size_t l_[] = {sizeof(a) - 1, sizeof(b) - 1, sizeof(c) - 1};                        \
        split_expect(__FILE__, __LINE__, (lit), sizeof(lit) - 1, 3, w_, l_);                \
    } while (0)

static void test_split_args(void) {
    SPLIT0("");
    SPLIT0("   ");
    SPLIT0(" \t\r\n ");
    SPLIT3("a b c", "a", "b", "c");
    SPLIT3("  a   bb\tccc  ", "a", "bb", "ccc");
    SPLIT2("set \"a b\"", "set", "a b");
    /* Double-quote escapes. */
    SPLIT1("\"\\n\\r\\t\\b\\a\\\\\\\"\"", "\n\r\t\b\a\\\"");
    SPLIT1("\"\\x41\\x7a\\x00!\"", "Az\0!");
    SPLIT1("\"\\xfF\"", "\xff");
    SPLIT1("\"\\x4g\"", "x4g");   /* not hex: the escaped char is kept */
    SPLIT1("\"\\q\"", "q");
    SPLIT1("\"\\x4\"", "x4");
    /* Single quotes: only \' is an escape. */
    SPLIT1("'single \\' quote'", "single ' quote");
    SPLIT1("'a\\nb'", "a\\nb");
    SPLIT1("'\"'", "\"");
    SPLIT1("\"'\"", "'");
    /* Empty quoted arguments. */
    SPLIT1("\"\"", "");
    SPLIT2("'' x", "", "x");
    /* A quote inside a word opens a quoted part of the same argument. */
    SPLIT1("a\"b c\"", "ab c");
    SPLIT2("\"a\" \"b\"", "a", "b");
    SPLIT2("\"a\"\t'b'", "a", "b");
    /* Closing quote must be followed by a space or the end. */
    SPLIT_BAD("\"a\"b");
    SPLIT_BAD("'a'b");
    SPLIT_BAD("\"a\"\"b\"");
    /* Unbalanced. */
    SPLIT_BAD("\"abc");
    SPLIT_BAD("'abc");
    SPLIT_BAD("\"abc\\");
    SPLIT_BAD("\"abc\\\"");
    SPLIT_BAD("'abc\\'");
    SPLIT_BAD("x \"");

    /* Many arguments grow the caller's array from nothing; offsets are
     * relative to the line and the result is unescaped in place. */
    Str *line = str_new("", 0);
    for (int i = 0; i < 300; i++) line = str_catfmt(line, "%s\"v\\x%02x\"", i ? " " : "", i & 0xff);
    RespArgRef *args = NULL;
    size_t cap = 0;
    long n = resp_split_args(line->buf, line->len, &args, &cap);
    CHECK_EQ_INT(300, n);
    CHECK(cap >= 300);
    int bad = 0;
    for (long i = 0; i < n && n == 300; i++) {
        if (args[i].len != 2 || line->buf[args[i].off] != 'v' ||
            (unsigned char)line->buf[args[i].off + 1] != (unsigned char)(i & 0xff))
            bad++;
    }
    CHECK_EQ_INT(0, bad);
    /* The array is reused on the next call. */
    RespArgRef *kept = args;
    char again[] = "x y";
    CHECK_EQ_INT(2, resp_split_args(again, 3, &args, &cap));
    CHECK(args == kept);
    mem_free(args);
    str_free(line);
}

int main(void) {
    size_t before = mem_used();
    UNIT_RUN(test_multibulk);
    UNIT_RUN(test_inline);
    UNIT_RUN(test_errors);
    UNIT_RUN(test_unauthenticated);
    UNIT_RUN(test_want_total);
    UNIT_RUN(test_shift);
    UNIT_RUN(test_random_streams);
    UNIT_RUN(test_split_args);
    CHECK_EQ_UINT(before, mem_used()); /* nothing leaked through mem_* */
    return unit_finish();
}
