/* reply.h - building replies into a client's output buffer, RESP2 or
 * RESP3 depending on what the client asked for with HELLO, and parsing
 * arguments with Valkey's standard errors.
 *
 * Bytes go out in the order of the calls.  Nothing is written to the
 * socket here: the client is queued and before_sleep sends, after the
 * durability work (see server.c). */
#ifndef SERVER_REPLY_H
#define SERVER_REPLY_H

#include <stddef.h>

#include "../ds/str.h"
#include "client.h"

void reply_raw(Client *c, const char *p, size_t len);
void reply_simple(Client *c, const char *s);        /* +s */
void reply_ok(Client *c);
/* msg without a leading '-' is sent as "-ERR msg"; "-CODE msg" is sent as is. */
void reply_error(Client *c, const char *msg);
void reply_error_len(Client *c, const char *msg, size_t len);
void reply_errorf(Client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_int(Client *c, long long v);
void reply_bulk(Client *c, const char *p, size_t len);
void reply_bulk_cstr(Client *c, const char *s);
void reply_bulk_ll(Client *c, long long v);
void reply_bulk_str(Client *c, const Str *s);
void reply_null(Client *c);           /* null bulk: $-1 / _ */
void reply_null_array(Client *c);     /* *-1 / _ */
void reply_array_len(Client *c, long long n);
void reply_map_len(Client *c, long long n);   /* RESP2: array of 2n */
void reply_set_len(Client *c, long long n);   /* RESP2: array */
void reply_double(Client *c, double d);
void reply_bool(Client *c, int b);
void reply_verbatim(Client *c, const char *p, size_t len, const char *ext);
void reply_bignum(Client *c, const char *digits, size_t len); /* RESP2: bulk */
/* RESP3 attribute map header; RESP2 has no attributes, so the caller must
 * skip the attribute's body too (returns 0 then). */
int reply_attribute_len(Client *c, long long n);
void reply_push_len(Client *c, long long n);  /* RESP2: array */
/* Deferred lengths, for aggregates whose count is known only after the
 * elements are written: take a handle, write the elements, then set the
 * length with the call for the aggregate's type.  A handle must be set
 * before the command returns. */
typedef struct ReplyDeferred {
    void *block;        /* a reserved header block, or NULL */
    size_t chunk_off;   /* otherwise: the offset in the client's chunk */
    int active;         /* 0 when replies are off for this client */
} ReplyDeferred;
ReplyDeferred reply_deferred_len(Client *c);
void reply_set_deferred_array_len(Client *c, ReplyDeferred d, long long n);
void reply_set_deferred_map_len(Client *c, ReplyDeferred d, long long n);
void reply_set_deferred_set_len(Client *c, ReplyDeferred d, long long n);
/* A bulk (RESP2) or verbatim string (RESP3, with the 3-letter ext) whose
 * n bytes were written after the handle; the caller then ends it with
 * reply_raw(c, "\r\n", 2). */
void reply_set_deferred_verbatim_len(Client *c, ReplyDeferred d, size_t n, const char *ext);
/* Replies with a help array: a title line followed by lines (NULL ended). */
void reply_help(Client *c, const char **lines);
void reply_wrong_arity(Client *c, const char *fullname);
void reply_syntax_error(Client *c);
void reply_wrong_type(Client *c);
void reply_not_integer(Client *c);
void reply_unknown_subcommand(Client *c);
/* Common errors as shared text. */
#define ERR_SYNTAX "syntax error"
#define ERR_WRONGTYPE "-WRONGTYPE Operation against a key holding the wrong kind of value"
#define ERR_NOT_INTEGER "value is not an integer or out of range"
#define ERR_NOT_FLOAT "value is not a valid float"
#define ERR_NO_SUCH_KEY "no such key"
#define ERR_DB_INDEX "DB index is out of range"
#define ERR_OVERFLOW "increment or decrement would overflow"

/* Argument helpers: parse or reply with the standard error and return 0. */
int arg_equals(const Arg *a, const char *s);  /* case-insensitive */
int arg_to_ll(Client *c, const Arg *a, long long *out);
int arg_to_ll_msg(Client *c, const Arg *a, long long *out, const char *errmsg);
int arg_to_ld(Client *c, const Arg *a, long double *out);
int arg_to_double(Client *c, const Arg *a, double *out);

#endif
