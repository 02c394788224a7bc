/* resp_reader.h - incremental reader of server replies, every RESP2 and
 * RESP3 type, for the tools (valkey-cli, valkey-benchmark) and tests.
 *
 * Feed bytes as they arrive; take complete replies out one at a time,
 * either as a tree of RespValue (the cli prints them) or just skipped over
 * (the benchmark only counts them).  Nothing is taken out until a whole
 * reply is buffered, so a partial reply costs a re-scan of at most itself.
 * Declared lengths are checked against limits before anything is
 * allocated, so a hostile peer cannot make the reader allocate wildly. */
#ifndef NET_RESP_READER_H
#define NET_RESP_READER_H

#include <stddef.h>

enum {
    RESP_T_SIMPLE = '+',
    RESP_T_ERROR = '-',
    RESP_T_INT = ':',
    RESP_T_BULK = '$',
    RESP_T_ARRAY = '*',
    RESP_T_NULL = '_',    /* RESP3 null, and RESP2 $-1 / *-1 */
    RESP_T_DOUBLE = ',',
    RESP_T_BOOL = '#',
    RESP_T_BIGNUM = '(',
    RESP_T_BLOBERR = '!',
    RESP_T_VERBATIM = '=',
    RESP_T_MAP = '%',
    RESP_T_SET = '~',
    RESP_T_ATTR = '|',
    RESP_T_PUSH = '>',
};

typedef struct RespValue {
    int type;
    long long integer;        /* RESP_T_INT, RESP_T_BOOL (0/1) */
    double dbl;               /* RESP_T_DOUBLE */
    char *str;                /* text types (NUL-terminated copy), the double's text */
    size_t len;
    char format[4];           /* RESP_T_VERBATIM: "txt", "mkd" */
    size_t count;             /* aggregates: elements (maps and attributes: pairs) */
    struct RespValue **elem;  /* aggregates: count items, or 2*count for maps/attributes */
    int resp2_null_array;     /* RESP_T_NULL that came as *-1 */
} RespValue;

typedef struct RespReader {
    char *buf;
    size_t len, pos, cap;
    long long max_bulk;       /* largest bulk accepted (default 512 MB) */
    long long max_elements;   /* largest aggregate accepted (default 2^32) */
    char err[128];
} RespReader;

enum { RESP_READ_ERROR = -1, RESP_READ_MORE = 0, RESP_READ_DONE = 1 };

void resp_reader_init(RespReader *r);
void resp_reader_free(RespReader *r);
void resp_reader_feed(RespReader *r, const char *p, size_t n);
/* Room for n more bytes at resp_reader_space(); then resp_reader_wrote(n).
 * Lets a caller read() straight into the buffer. */
char *resp_reader_space(RespReader *r, size_t n);
void resp_reader_wrote(RespReader *r, size_t n);
/* A whole reply as a tree (free it with resp_value_free). */
int resp_reader_next(RespReader *r, RespValue **out);
/* A whole reply, skipped; *type gets its top-level type (may be NULL). */
int resp_reader_skip(RespReader *r, int *type);
void resp_value_free(RespValue *v);

#endif
