/* type_args.h - argument parsing several data types' commands share, so
 * each rule (and its error text) is written once: bounded integers, the
 * numkeys/keys/end/COUNT tail of LMPOP and ZMPOP (and their blocking
 * forms), and the options of HSCAN, SSCAN and ZSCAN.
 *
 * Every parser answers the error itself and returns 0, or returns 1 with
 * the outputs set; on 0 the outputs are unspecified.
 *
 * All are static inline, as the per-file copies they replace were static:
 * each command's path costs no more instructions than before (checked
 * with callgrind), and the callers' constant arguments fold away. */
#ifndef TYPES_TYPE_ARGS_H
#define TYPES_TYPE_ARGS_H

#include <limits.h>

#include "../server/client.h"
#include "../server/reply.h"
#include "../../deps/numconv/numconv.h"

/* An integer argument within [min, max]: parse errors answer msg (or the
 * standard not-an-integer text), range errors msg (or Valkey's "must
 * between"). */
static inline int type_arg_range(Client *c, const Arg *a, long long min, long long max, const char *msg,
                                 long long *out) {
    long long v;
    if (!str_to_ll(a->p, a->len, &v)) {
        reply_error(c, msg ? msg : ERR_NOT_INTEGER);
        return 0;
    }
    if (v < min || v > max) {
        if (msg) reply_error(c, msg);
        else reply_errorf(c, "value is out of range, value must between %lld and %lld", min, max);
        return 0;
    }
    *out = v;
    return 1;
}

/* From argv[numkeys_idx]: numkeys (>= 1, and no more than the arguments
 * left before the end word), the keys, one of the two end words (word0
 * sets *end to id0, word1 to id1; any case), then an optional COUNT n
 * (n >= 1; 1 when absent). */
static inline int type_parse_mpop(Client *c, int numkeys_idx, const char *word0, int id0, const char *word1, int id1,
                                  long long *nkeys, int *end, long long *count) {
    if (!type_arg_range(c, &c->argv[numkeys_idx], 1, LLONG_MAX, "numkeys should be greater than 0", nkeys))
        return 0;
    /* The end word must follow the keys. */
    if (*nkeys > (long long)c->argc - numkeys_idx - 2) {
        reply_syntax_error(c);
        return 0;
    }
    int end_idx = numkeys_idx + (int)*nkeys + 1;
    if (arg_equals(&c->argv[end_idx], word0)) *end = id0;
    else if (arg_equals(&c->argv[end_idx], word1)) *end = id1;
    else {
        reply_syntax_error(c);
        return 0;
    }
    *count = -1;
    for (int j = end_idx + 1; j < c->argc; j++) {
        if (*count == -1 && arg_equals(&c->argv[j], "count") && j + 1 < c->argc) {
            j++;
            if (!type_arg_range(c, &c->argv[j], 1, LLONG_MAX, "count should be greater than 0", count)) return 0;
        } else {
            reply_syntax_error(c);
            return 0;
        }
    }
    if (*count == -1) *count = 1;
    return 1;
}

/* The flag options of a SCAN-family command. */
#define SCAN_OPT_NOVALUES (1 << 0) /* HSCAN's */
#define SCAN_OPT_NOSCORES (1 << 1) /* ZSCAN's */

typedef struct ScanOpts {
    long long count;     /* COUNT (>= 1), 10 when absent */
    const Arg *pattern;  /* MATCH, NULL when absent or "*" */
    int flags;           /* the SCAN_OPT_* given (only accepted ones) */
} ScanOpts;

/* SCAN_OPT_NOVALUES or SCAN_OPT_NOSCORES when a is that word (any case),
 * else 0; the third letter tells which one to compare. */
static inline int type_scan_flag_word(const Arg *a) {
    if (a->len != 8) return 0;
    if ((a->p[2] | 0x20) == 'v') return arg_equals(a, "novalues") ? SCAN_OPT_NOVALUES : 0;
    return arg_equals(a, "noscores") ? SCAN_OPT_NOSCORES : 0;
}

/* The options after the cursor (argv[3] on): COUNT n, MATCH pattern, the
 * flags in `accepted`; a flag in `refused` answers Valkey's "NOVALUES
 * option can only be used in HSCAN" ("NOSCORES ... in ZSCAN"), anything
 * else a syntax error. */
static inline int type_parse_scan_opts(Client *c, int accepted, int refused, ScanOpts *o) {
    long long count = 10;
    const Arg *pattern = NULL;
    int flags = 0;
    for (int i = 3; i < c->argc;) {
        int left = c->argc - i, f;
        const Arg *a = &c->argv[i];
        /* The first letter picks the one word worth comparing in full. */
        int first = a->len ? a->p[0] | 0x20 : 0;
        if (first == 'c' && left >= 2 && arg_equals(a, "count")) {
            if (!arg_to_ll(c, &c->argv[i + 1], &count)) return 0;
            if (count < 1) {
                reply_syntax_error(c);
                return 0;
            }
            i += 2;
        } else if (first == 'm' && left >= 2 && arg_equals(a, "match")) {
            const Arg *pat = &c->argv[i + 1];
            pattern = pat->len == 1 && pat->p[0] == '*' ? NULL : pat;
            i += 2;
        } else if (first == 'n' && (f = type_scan_flag_word(a) & (accepted | refused)) != 0) {
            if (!(f & accepted)) {
                reply_error(c, f == SCAN_OPT_NOVALUES ? "NOVALUES option can only be used in HSCAN"
                                                      : "NOSCORES option can only be used in ZSCAN");
                return 0;
            }
            flags |= f;
            i++;
        } else {
            reply_syntax_error(c);
            return 0;
        }
    }
    o->count = count;
    o->pattern = pattern;
    o->flags = flags;
    return 1;
}

#endif
