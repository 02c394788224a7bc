/* test_resp_reader.c - unit tests for src/net/resp_reader (the reply reader
 * shared by the cli and the benchmark).
 *
 * Every reply type of RESP2 and RESP3 is read whole, byte by byte and in
 * every two-piece split, and must give the same tree; skip() must consume
 * exactly what next() does; malformed input and absurd declared lengths
 * must fail cleanly without allocating; and mem_used() must come back to
 * where it started. */
#include <stdio.h>
#include <string.h>

#include "ds/alloc.h"
#include "net/resp_reader.h"
#include "unit.h"

/* A compact text form of a tree, to compare trees with one string. */
static void show(const RespValue *v, char *out, size_t cap) {
    size_t n = strlen(out);
    switch (v->type) {
    case RESP_T_INT: snprintf(out + n, cap - n, "i%lld", v->integer); break;
    case RESP_T_BOOL: snprintf(out + n, cap - n, "b%lld", v->integer); break;
    case RESP_T_NULL: snprintf(out + n, cap - n, v->resp2_null_array ? "N*" : "N"); break;
    case RESP_T_VERBATIM: snprintf(out + n, cap - n, "=%s:%s", v->format, v->str); break;
    case RESP_T_DOUBLE: snprintf(out + n, cap - n, ",%g", v->dbl); break;
    case RESP_T_ARRAY: case RESP_T_SET: case RESP_T_PUSH: case RESP_T_MAP: {
        size_t items = v->type == RESP_T_MAP ? v->count * 2 : v->count;
        snprintf(out + n, cap - n, "%c[", v->type);
        for (size_t i = 0; i < items; i++) {
            if (i) strncat(out, " ", cap - strlen(out) - 1);
            show(v->elem[i], out, cap);
        }
        strncat(out, "]", cap - strlen(out) - 1);
        break;
    }
    default: snprintf(out + n, cap - n, "%c%.*s", v->type, (int)v->len, v->str); break;
    }
}

/* Reads one reply from wire, fed in pieces cut at `cut` (0 = whole);
 * returns its text form ("ERR" on a protocol error, "MORE" if incomplete). */
static void read_one(const char *wire, size_t len, size_t cut, char *out, size_t cap) {
    RespReader r;
    resp_reader_init(&r);
    RespValue *v = NULL;
    int rc = RESP_READ_MORE;
    out[0] = '\0';
    if (cut == 0) {
        resp_reader_feed(&r, wire, len);
        rc = resp_reader_next(&r, &v);
    } else {
        for (size_t off = 0; off < len && rc == RESP_READ_MORE; off += cut) {
            size_t n = len - off < cut ? len - off : cut;
            resp_reader_feed(&r, wire + off, n);
            rc = resp_reader_next(&r, &v);
            if (rc == RESP_READ_DONE) CHECK_EQ_UINT(len, off + n); /* not done before the last byte */
        }
    }
    if (rc == RESP_READ_DONE) {
        show(v, out, cap);
        resp_value_free(v);
        CHECK_EQ_UINT(r.len, r.pos); /* consumed exactly the reply */
    } else {
        snprintf(out, cap, rc == RESP_READ_ERROR ? "ERR" : "MORE");
    }
    resp_reader_free(&r);
}

static void expect_tree(const char *wire, size_t len, const char *want) {
    char got[1024];
    for (size_t cut = 0; cut <= len; cut++) {
        read_one(wire, len, cut, got, sizeof(got));
        if (!unit_check_str(want, got, __FILE__, __LINE__, wire)) return;
    }
}

#define TREE(lit, want) expect_tree((lit), sizeof(lit) - 1, (want))

static void test_every_type(void) {
    size_t before = mem_used();
    TREE("+OK\r\n", "+OK");
    TREE("-ERR wrong\r\n", "-ERR wrong");
    TREE(":-42\r\n", "i-42");
    TREE("$5\r\nhe\r\no\r\n", "$he\r\no");
    TREE("$0\r\n\r\n", "$");
    TREE("$-1\r\n", "N");
    TREE("*-1\r\n", "N*");
    TREE("_\r\n", "N");
    TREE("#t\r\n", "b1");
    TREE("#f\r\n", "b0");
    TREE(",3.25\r\n", ",3.25");
    TREE(",inf\r\n", ",inf");
    TREE("(123456789012345678901234567890\r\n", "(123456789012345678901234567890");
    TREE("!8\r\nSYNTAX x\r\n", "!SYNTAX x");
    TREE("=15\r\ntxt:Some string\r\n", "=txt:Some string");
    TREE("*3\r\n:1\r\n$1\r\na\r\n*0\r\n", "*[i1 $a *[]]");
    TREE("%2\r\n+k\r\n:1\r\n$2\r\nk2\r\n#f\r\n", "%[+k i1 $k2 b0]");
    TREE("~2\r\n:1\r\n:2\r\n", "~[i1 i2]");
    TREE(">2\r\n$7\r\nmessage\r\n:9\r\n", ">[$message i9]");
    /* The attribute is consumed and the value it decorates returned. */
    TREE("|1\r\n+key-popularity\r\n*1\r\n:90\r\n$4\r\nreal\r\n", "$real");
    TREE("*2\r\n*1\r\n*1\r\n:7\r\n_\r\n", "*[*[*[i7]] N]");
    CHECK_EQ_UINT(before, mem_used());
}

static void test_incomplete(void) {
    char got[64];
    const char *cases[] = {"+OK", "+OK\r", "$5\r\nab", "$5\r\nabcde\r", "*2\r\n:1\r\n", "%1\r\n+k\r\n", ""};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        read_one(cases[i], strlen(cases[i]), 0, got, sizeof(got));
        CHECK_STR("MORE", got);
    }
}

static void test_malformed(void) {
    size_t before = mem_used();
    char got[64];
    const char *cases[] = {
        "?what\r\n",          /* unknown type byte */
        ":12a\r\n",           /* bad integer */
        "$abc\r\n",           /* bad length */
        "$-5\r\n",            /* negative length */
        "$3\r\nabcd\r\n",     /* payload not ended by CRLF */
        "#x\r\n",             /* bad boolean */
        ",1.5x\r\n",          /* bad double */
        "_x\r\n",             /* null with payload */
        "=2\r\nab\r\n",       /* verbatim shorter than its format */
        "+OK\rX\n",           /* CR not followed by LF */
        "*9999999999999\r\n", /* absurd aggregate: refused before allocating */
        "$9999999999999\r\n", /* absurd bulk */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        read_one(cases[i], strlen(cases[i]), 0, got, sizeof(got));
        if (!unit_check_str("ERR", got, __FILE__, __LINE__, cases[i])) continue;
    }
    /* Nesting past the limit is an error, not a stack overflow. */
    char deep[1024] = "";
    for (int i = 0; i < 100; i++) strcat(deep, "*1\r\n");
    strcat(deep, ":1\r\n");
    read_one(deep, strlen(deep), 0, got, sizeof(got));
    CHECK_STR("ERR", got);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_skip_and_pipeline(void) {
    size_t before = mem_used();
    const char wire[] = "+OK\r\n:1\r\n$3\r\nabc\r\n-ERR x\r\n*2\r\n:1\r\n:2\r\n_\r\n";
    int want[] = {'+', ':', '$', '-', '*', '_'};
    RespReader r;
    resp_reader_init(&r);
    /* Byte by byte through the direct-write interface. */
    size_t got = 0;
    for (size_t i = 0; i < sizeof(wire) - 1; i++) {
        memcpy(resp_reader_space(&r, 1), wire + i, 1);
        resp_reader_wrote(&r, 1);
        int type;
        while (resp_reader_skip(&r, &type) == RESP_READ_DONE) {
            CHECK(got < 6);
            if (got < 6) CHECK_EQ_INT(want[got], type);
            got++;
        }
    }
    CHECK_EQ_UINT(6, got);
    /* Mixed next() and skip() on the same stream stay in step. */
    resp_reader_feed(&r, wire, sizeof(wire) - 1);
    RespValue *v;
    CHECK_EQ_INT(RESP_READ_DONE, resp_reader_skip(&r, NULL));
    CHECK_EQ_INT(RESP_READ_DONE, resp_reader_next(&r, &v));
    CHECK_EQ_INT(RESP_T_INT, v->type);
    CHECK_EQ_INT(1, v->integer);
    resp_value_free(v);
    CHECK_EQ_INT(RESP_READ_DONE, resp_reader_skip(&r, NULL));
    CHECK_EQ_INT(RESP_READ_DONE, resp_reader_next(&r, &v));
    CHECK_EQ_INT(RESP_T_ERROR, v->type);
    CHECK_STR("ERR x", v->str);
    resp_value_free(v);
    resp_reader_free(&r);
    CHECK_EQ_UINT(before, mem_used());
}

static void test_large_bulk(void) {
    size_t before = mem_used();
    size_t n = 1 << 20;
    char hdr[32];
    int hl = snprintf(hdr, sizeof(hdr), "$%zu\r\n", n);
    RespReader r;
    resp_reader_init(&r);
    resp_reader_feed(&r, hdr, (size_t)hl);
    RespValue *v;
    char chunk[4096];
    memset(chunk, 'z', sizeof(chunk));
    for (size_t sent = 0; sent < n; sent += sizeof(chunk)) {
        CHECK_EQ_INT(RESP_READ_MORE, resp_reader_next(&r, &v));
        resp_reader_feed(&r, chunk, sizeof(chunk));
    }
    CHECK_EQ_INT(RESP_READ_MORE, resp_reader_next(&r, &v));
    resp_reader_feed(&r, "\r\n", 2);
    CHECK_EQ_INT(RESP_READ_DONE, resp_reader_next(&r, &v));
    CHECK_EQ_UINT(n, v->len);
    CHECK(v->str[0] == 'z' && v->str[n - 1] == 'z' && v->str[n] == '\0');
    resp_value_free(v);
    resp_reader_free(&r);
    CHECK_EQ_UINT(before, mem_used());
}

int main(void) {
    UNIT_RUN(test_every_type);
    UNIT_RUN(test_incomplete);
    UNIT_RUN(test_malformed);
    UNIT_RUN(test_skip_and_pipeline);
    UNIT_RUN(test_large_bulk);
    return unit_finish();
}
