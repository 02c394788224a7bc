/* server_test.h - scaffolding shared by the C tests that link the
 * server's objects (tests/c/test_server_*.c): the server set up far
 * enough for the types, and a capturing RdbWriter that keeps what a
 * type's rdb_save writes for a packed value (its RDB type and its one
 * string, the listpack), refusing every other call.
 * Include it once, after unit.h. */
#ifndef TESTS_C_SERVER_TEST_H
#define TESTS_C_SERVER_TEST_H

#include <string.h>

#include "server/rdb_io.h"
#include "server/server.h"
#include "types/types.h"

static void setup(void) {
    server_init();
    config_init();
    types_init();
}

typedef struct Capture {
    RdbWriter w;
    int type, strings;
    unsigned char *blob;
    size_t len;
} Capture;

static int cap_type(RdbWriter *w, int t) {
    ((Capture *)w)->type = t;
    return 0;
}
static int cap_string(RdbWriter *w, const void *p, size_t n) {
    Capture *c = (Capture *)w;
    c->strings++;
    mem_free(c->blob);
    c->blob = mem_alloc(n + 1);
    memcpy(c->blob, p, n);
    c->len = n;
    return 0;
}
static int cap_len(RdbWriter *w, uint64_t n) { (void)w; (void)n; return -1; }
static int cap_int(RdbWriter *w, int64_t v) { (void)w; (void)v; return -1; }
static int cap_lzf(RdbWriter *w, const void *c, size_t clen, size_t rawlen) {
    (void)w; (void)c; (void)clen; (void)rawlen; return -1;
}
static int cap_double(RdbWriter *w, double d) { (void)w; (void)d; return -1; }
static int cap_raw(RdbWriter *w, const void *p, size_t n) { (void)w; (void)p; (void)n; return -1; }

/* rdb_save of a packed value of type t: its listpack blob (free it with
 * mem_free), or NULL after a failed check. */
static unsigned char *rdb_save_blob(int t, const void *ptr, int enc, int want_type, size_t *len) {
    Capture c = {{cap_type, cap_len, cap_string, cap_int, cap_lzf, cap_double, cap_int, cap_raw}, -1, 0, NULL, 0};
    int rc = kv_type_ops(t)->rdb_save(&c.w, ptr, enc);
    if (!CHECK_EQ_INT(0, rc) || !CHECK_EQ_INT(want_type, c.type) || !CHECK_EQ_INT(1, c.strings)) {
        mem_free(c.blob);
        return NULL;
    }
    *len = c.len;
    return c.blob;
}

#endif
