/* resp_parser.h - incremental parser for client requests: RESP multibulk
 * arrays of bulk strings, and inline commands typed by telnet users.
 *
 * The parser never copies argument bytes: arguments are (offset, length)
 * pairs into the caller's buffer, so the buffer may be reallocated between
 * calls.  Inline arguments are unescaped in place (the unescaped form is
 * never longer).  State survives partial input: call again with more bytes
 * and parsing resumes where it stopped, so a large request is scanned once. */
#ifndef NET_RESP_PARSER_H
#define NET_RESP_PARSER_H

#include <stddef.h>

/* Longest inline request or multibulk/bulk header line. */
#define RESP_INLINE_MAX (64 * 1024)
/* Limits for clients that have not authenticated yet. */
#define RESP_UNAUTH_MAX_ARGS 10
#define RESP_UNAUTH_MAX_BULK 16384

typedef struct RespArgRef {
    size_t off;
    size_t len;
} RespArgRef;

typedef struct RespParser {
    int kind;            /* 0 nothing yet, '*' multibulk, 'i' inline */
    long long remaining; /* multibulk arguments still to read */
    long long bulk_len;  /* -1 while expecting a '$' header */
    size_t start;        /* offset where this request starts */
    size_t pos;          /* offset of the next unparsed byte */
    size_t argc;
    size_t argcap;
    RespArgRef *args;
    long long max_bulk;  /* proto-max-bulk-len */
    int unauthenticated;
    /* A large bulk that is declared but not yet here: the caller may grow
     * its buffer to this total size at once. */
    size_t want_total;
    char err[128];
} RespParser;

enum { RESP_PARSE_ERROR = -1, RESP_PARSE_MORE = 0, RESP_PARSE_DONE = 1, RESP_PARSE_EMPTY = 2 };

void resp_parser_init(RespParser *p);
void resp_parser_free(RespParser *p);
/* Forget the current request and continue at offset pos. */
void resp_parser_reset(RespParser *p, size_t pos);
/* Shift offsets after the caller drops the first n bytes of its buffer. */
void resp_parser_shift(RespParser *p, size_t n);
/* Parse from p->pos in buf[0..len). Returns RESP_PARSE_DONE with argc and
 * args set (p->pos is then just after the request), RESP_PARSE_EMPTY for
 * an empty request to skip (p->pos past it), RESP_PARSE_MORE when more
 * bytes are needed, RESP_PARSE_ERROR with p->err set ("Protocol error: ..."). */
int resp_parse(RespParser *p, char *buf, size_t len);

/* Splits a line into arguments the way inline commands and config files
 * quote them: "double quotes" with \n \r \t \b \a \\ \" \xHH escapes,
 * 'single quotes' with \' only.  Unescapes into line itself; *args (of
 * capacity *cap, may start NULL/0) grows with mem_realloc.  Offsets are
 * relative to line.  Returns the count, or -1 for unbalanced quotes. */
long resp_split_args(char *line, size_t len, RespArgRef **args, size_t *cap);

#endif
