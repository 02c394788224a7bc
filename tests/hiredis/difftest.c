/*
 * difftest.c - seeded differential test: the same random stream of data
 * commands goes to our server and to Debian's redis-server (7.0), and
 * every reply must match (type, integers, strings, nested arrays).  Every
 * 1,000 commands and at the end the whole keyspace of both servers is
 * compared: DBSIZE, KEYS * sorted, then for each key TYPE, PTTL (within
 * 1 s) and its whole value as its type's row dumps it.
 *
 * The commands come from a table of rows, one per data type (`rows` below,
 * each in its own difftest_<type>.h), plus one row of generic key commands
 * (DEL, RENAME, COPY, MOVE, EXPIRE..., OBJECT ENCODING, KEYS, SCAN) that
 * pick keys of any enabled type.  At start every command a row lists is
 * looked up on our server with COMMAND INFO: a row whose first command is
 * missing is off ("skipped types: list (no LPUSH)"); other missing
 * commands of an enabled row are just never sent (and listed).
 *
 * To add a type (one row): write tests/hiredis/difftest_<type>.h holding
 *   static void <type>_gen(Cmd *c);    one random command on random keys
 *   static RVal *<type>_dump(Server *s, const char *key, size_t keylen);
 *                                      the canonical whole value (XRANGE - +)
 *   static const DiffType difftype_<type> = {"stream", "stream",
 *       "XADD XLEN ...", 25, "df:t", 8, <type>_gen, <type>_dump};
 * (name, TYPE's answer, every command gen sends with the probe first, a
 * weight, a key band: one not taken, "df:" + k l h s z are the rows' and
 * x is the zset row's private lex band), then include it below and add
 * it to `rows`.  The
 * keyspace check finds the dump by TYPE's answer; the key commands and the
 * other rows reach the new keys through add_any_key.  Rules for a row:
 * build commands with difftest_gen.h's helpers so the seed decides all;
 * pick keys with add_key_of(c, band) (mostly its own band, sometimes any:
 * WRONGTYPE) and start gen with gen_reclaim; set c->cmp = CMP_SORT or
 * CMP_PAIRS when a reply's order is unspecified (SMEMBERS, HGETALL) and
 * CMP_SHAPE when it is random (SRANDMEMBER); never send a command whose
 * effect is random or time-based (SPOP, XADD with "*"): the keyspaces
 * would drift.  Check a new row redis-vs-redis: VALKEY_PORT pointing at a
 * second redis-server must give 0 failures over several seeds.
 * (The Makefile does not track headers for tests/hiredis: after editing a
 * difftest_*.h, touch difftest.c or remove the binary.)
 *
 * Environment: VALKEY_HOST, VALKEY_PORT (ours), REDIS_PORT (redis-server; if
 * unset the test is skipped), DIFF_SEED or argv[1] (one or more seeds,
 * comma-separated; by default three fixed seeds), DIFF_COUNT (commands per
 * seed, default 20000), DIFF_MAX_FAILURES (default 20), DIFF_TYPES (comma
 * list of row names to run, e.g. "list,keys"; default all), DIFF_TRACE=1
 * (print every command with redis's reply, to find a key's history).
 * Seeds divisible by 3 run over RESP3 (HELLO 3, read by resp3.h), the
 * others over RESP2 through hiredis.
 *
 * Keys are "df:*" in databases 10 and 11 (11 is the MOVE/COPY target); only
 * those two databases are flushed.  Timing: relative expiries are >= 1000 s
 * so nothing expires during a run; absolute ones are relative to a base time
 * read once per seed, either far in the future or in the past (which deletes
 * at once).  TTL-like replies are compared within a tolerance.
 *
 * Known, accepted Valkey 8 / Redis 7.0 differences are listed in `accepted`
 * below with their reasons.  A mismatch prints the seed, the command index,
 * the command and both replies, then both databases are flushed on both
 * servers so one bug does not cascade; the run stops after 20 failures.
 * A lost connection (a crashed server) ends that seed.  At the end: the
 * commands sent per row, then the last line "N passed, M failed".
 */
#include <hiredis/hiredis.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "resp3.h"
#include "difftest_conn.h"
#include "difftest_gen.h"
#include "difftest_string.h"
#include "difftest_keys.h"
#include "difftest_list.h"
#include "difftest_hash.h"
#include "difftest_set.h"
#include "difftest_zset.h"
#include "difftest_geo.h"
#include "difftest_sort.h"
#include "difftest_bitops.h"
#include "difftest_hll.h"
#include "difftest_stream.h"
#include "difftest_eval.h"

/* ---- the rows ----------------------------------------------------------- */

static const DiffType *const rows[] = {
    &difftype_string,
    &difftype_keys,
    &difftype_list,
    &difftype_hash,
    &difftype_set,
    &difftype_zset,
    &difftype_geo,
    &difftype_sort,
    &difftype_bitops,
    &difftype_hll,
    &difftype_stream,
    &difftype_eval,
};
#define NROWS (int)(sizeof rows / sizeof *rows)

/* What the run learnt and counted about each row. */
typedef struct RowState {
    int enabled;
    char why_off[96];     /* "no LPUSH", "not in DIFF_TYPES" */
    char missing[512];    /* commands ours lacks, space-separated */
    long long sent, errors;
    int list_wrong;       /* gen sent a command its list lacks (reported once) */
    int dump_missing;     /* ours lacks the dump's command (reported once) */
} RowState;

static RowState row_state[NROWS];

static long long max_failures = 20;  /* DIFF_MAX_FAILURES overrides */
static long long passed, failed;
static unsigned long long cur_seed;
static int trace;  /* DIFF_TRACE=1: print every command and redis's reply */

/* Whether `name` (len bytes, any case) is a word of the space-separated list. */
static int word_in(const char *list, const char *name, size_t len)
{
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n && n == len && !strncasecmp(p, name, n)) return 1;
        p += n;
    }
    return 0;
}

/* ---- printing ----------------------------------------------------------- */

static void put_escaped(char **p, char *end, const char *s, size_t len)
{
    for (size_t i = 0; i < len && *p < end - 8; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 32 && ch < 127 && ch != '"' && ch != '\\') *(*p)++ = (char)ch;
        else *p += sprintf(*p, "\\x%02x", ch);
    }
}

static void repr_rec(char **p, char *end, const RVal *v)
{
    if (*p >= end - 40) return;
    if (!v) { *p += sprintf(*p, "(connection error)"); return; }
    switch (v->type) {
    case ':': *p += sprintf(*p, "(integer) %lld", v->integer); return;
    case '#': *p += sprintf(*p, "(bool) %lld", v->integer); return;
    case '_': *p += sprintf(*p, "(nil)"); return;
    case '+': case '-': case '$': case ',': case '(': case '=':
        *p += sprintf(*p, "%s\"", v->type == '+' ? "(status) " : v->type == '-' ? "(error) " :
                              v->type == ',' ? "(double) " : v->type == '(' ? "(bignum) " :
                              v->type == '=' ? "(verbatim) " : "");
        put_escaped(p, end, v->str, v->len);
        *(*p)++ = '"';
        **p = 0;
        return;
    default:
        *p += sprintf(*p, "%c%zu[", v->type, v->n);
        for (size_t i = 0; i < v->n && *p < end - 40; i++) {
            if (i) *p += sprintf(*p, ", ");
            repr_rec(p, end, v->elem[i]);
        }
        *p += sprintf(*p, "]");
    }
}

static const char *repr(const RVal *v)
{
    static char buf[2][2048];
    static int slot;
    char *b = buf[slot++ & 1], *p = b;
    repr_rec(&p, b + sizeof buf[0], v);
    *p = 0;
    return b;
}

static const char *cmd_repr(const Cmd *c)
{
    static char b[2048];
    char *p = b, *end = b + sizeof b;
    for (int i = 0; i < c->argc && p < end - 64; i++) {
        if (i) *p++ = ' ';
        int quote = c->len[i] == 0 || memchr(c->argv[i], ' ', c->len[i]) != NULL;
        for (size_t j = 0; j < c->len[i]; j++) {
            unsigned char ch = (unsigned char)c->argv[i][j];
            if (ch < 32 || ch >= 127 || ch == '"') quote = 1;
        }
        if (quote) *p++ = '"';
        put_escaped(&p, end, c->argv[i], c->len[i]);
        if (quote) *p++ = '"';
    }
    *p = 0;
    return b;
}

/* ---- comparing replies -------------------------------------------------- */

/* Equal up to `tol` for integers (TTL-like replies, which depend on when
 * each server ran the command); negative integers (-1, -2) always exact. */
static int val_equal(const RVal *a, const RVal *b, long long tol)
{
    if (!a || !b) return 0;
    if (a->type != b->type) return 0;
    switch (a->type) {
    case ':': case '#':
        if (a->integer < 0 || b->integer < 0) return a->integer == b->integer;
        return llabs(a->integer - b->integer) <= tol;
    case '_': return 1;
    case '+': case '-': case '$': case ',': case '(': case '=':
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    default:
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!val_equal(a->elem[i], b->elem[i], tol)) return 0;
        return 1;
    }
}

static long long tolerance_for(const char *name)
{
    if (!strcasecmp(name, "TTL") || !strcasecmp(name, "EXPIRETIME")) return 1;
    if (!strcasecmp(name, "PTTL") || !strcasecmp(name, "PEXPIRETIME")) return 1000;
    return 0;
}

/* Puts both replies in canonical order as c->cmp asks, then compares. */
static int replies_equal(const Cmd *c, RVal *a, RVal *b)
{
    switch (c->cmp) {
    case CMP_SORT: rval_sort(a); rval_sort(b); break;
    case CMP_PAIRS: rval_sort_pairs(a); rval_sort_pairs(b); break;
    case CMP_SHAPE: return rval_shape_equal(a, b);
    default: break;
    }
    return val_equal(a, b, tolerance_for(c->argv[0]));
}

/* ---- accepted differences ----------------------------------------------- */

typedef struct Accepted {
    const char *cmd;          /* command name, any case; "Z*" matches a prefix */
    /* Returns 1 when this pair of replies to this command is the known
     * difference; `redis` may be asked read-only questions (TYPE). */
    int (*match)(const Cmd *c, const RVal *ours, const RVal *theirs, Server *redis);
    int del_key;              /* after it, DEL argv[1] on both to stay in sync */
    const char *reason;
    long long seen;
} Accepted;

static int is_error(const RVal *v, const char *prefix)
{
    return v && v->type == '-' && !strncmp(v->str, prefix, strlen(prefix));
}

static int is_str(const RVal *v, const char *s)
{
    return v && v->type == '$' && v->len == strlen(s) && !memcmp(v->str, s, v->len);
}

/* GETEX: Valkey checks the expire argument before looking the key up, so a
 * bad time is an error even for a missing key or one of another type;
 * Redis 7.0 looked the key up first (nil / WRONGTYPE). */
static int m_getex_validate_first(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    return (is_error(o, "ERR invalid expire time") || is_error(o, "ERR value is not an integer")) &&
           r && (r->type == '_' || is_error(r, "WRONGTYPE"));
}

/* ZRANK/ZREVRANK key member WITHSCORE: added in Redis 7.2, so 7.0 has an
 * arity of exactly 3 and answers an arity error. */
static int m_zrank_withscore(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)o;
    (void)rs;
    /* Valkey 8's ZRANK takes a 4th argument: WITHSCORE, anything else is
     * a syntax error; Redis 7.0 refuses any 4th argument by arity. */
    return c->argc == 4 && is_error(r, "ERR wrong number of arguments") &&
           (!strcasecmp(c->argv[3], "WITHSCORE") || is_error(o, "ERR syntax error"));
}

/* A negative LIMIT offset on a skiplist-encoded sorted set: Valkey 8 (Redis
 * PR 12450, zslNthInRange) counts it from the other end of the range;
 * Redis 7.0 walks off the end and answers nothing (as both do for a
 * listpack; Redis 8 made the skiplist answer nothing again, PR 14043). */
static int m_negative_limit(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)o;
    (void)rs;
    for (int i = 1; i + 2 < c->argc; i++)
        if (!strcasecmp(c->argv[i], "LIMIT") && c->argv[i + 1][0] == '-')
            return r->type == '*' && r->n == 0;
    return 0;
}

/* A whole string that strtod reads completely. */
static int full_double(const RVal *v, double *d)
{
    if (!v->str || !v->len || (v->type != '$' && v->type != ',')) return 0;
    char *end;
    *d = strtod(v->str, &end);
    return end == v->str + v->len;
}

/* Same replies except strings that are the same double printed differently. */
static int same_but_doubles(const RVal *a, const RVal *b, int *seen)
{
    if (a->type != b->type) return 0;
    if (rval_is_str(a)) {
        if (a->len == b->len && !memcmp(a->str, b->str, a->len)) return 1;
        double x, y;
        if (!full_double(a, &x) || !full_double(b, &y)) return 0;
        if (!(x == y || (isnan(x) && isnan(y)))) return 0;
        *seen = 1;
        return 1;
    }
    if (rval_is_agg(a)) {
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!same_but_doubles(a->elem[i], b->elem[i], seen)) return 0;
        return 1;
    }
    return a->integer == b->integer;
}

/* Sorted-set scores: Redis 7.0 prints doubles with "%.17g"
 * (0.1 -> "0.10000000000000001", 1e308 -> "1.0000000000000001e+308"),
 * Valkey 8 (like Redis 7.2) prints the shortest form that reads back the
 * same.  Same value, different text.  Also -0 vs 0: a listpack stores a
 * score of -0 as the integer 0, a skiplist keeps -0, so the sign of a zero
 * score depends on the encoding. */
static int m_double_format(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    int seen = 0;
    return same_but_doubles(o, r, &seen) && seen;
}

static long long redis_int(Server *rs, const char *cmd, const char *key, size_t keylen)
{
    RVal *v = call_key(rs, cmd, key, keylen, NULL);
    long long n = v && v->type == ':' ? v->integer : -3;
    rval_free(v);
    return n;
}

/* OBJECT ENCODING, two Valkey 8 changes:
 * - small lists and small sets of non-integers are listpacks (as in Redis
 *   7.2); Redis 7.0 always uses a quicklist / a hashtable for those;
 * - a string is embedded only while key + value (+ 8 bytes of TTL) fit in
 *   39 bytes, where Redis 7.0 embeds any value up to 44 bytes. */
static int m_object_encoding(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    if (c->argc != 3 || strcasecmp(c->argv[1], "ENCODING")) return 0;
    const char *key = c->argv[2];
    size_t klen = c->len[2];
    if (is_str(o, "listpack") && is_str(r, "quicklist")) return 1;
    if (is_str(o, "listpack") && is_str(r, "hashtable")) {
        RVal *t = call_key(rs, "TYPE", key, klen, NULL);
        int set = t && t->type == '+' && !strcmp(t->str, "set");
        rval_free(t);
        return set;
    }
    if (is_str(o, "raw") && is_str(r, "embstr")) {
        long long vlen = redis_int(rs, "STRLEN", key, klen), ttl = redis_int(rs, "PTTL", key, klen);
        return vlen >= 0 && (long long)klen + vlen + (ttl >= 0 ? 8 : 0) > 39;
    }
    return 0;
}

/* LPOS ... RANK -9223372036854775808: Redis 7.0 negates the rank and
 * overflows (it answers as if the rank were valid); Valkey rejects it as
 * out of range. */
static int m_lpos_rank_min(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)r;
    (void)rs;
    for (int i = 3; i + 1 < c->argc; i++)
        if (!strcasecmp(c->argv[i], "RANK") && !strcmp(c->argv[i + 1], "-9223372036854775808"))
            return is_error(o, "ERR value is out of range");
    return 0;
}

/* OBJECT ENCODING of a sorted set: since 7.2 (so in Valkey 8) a ZADD of
 * more pairs than zset-max-listpack-entries makes the set a skiplist up
 * front, even when the pairs repeat members or XX skips them; Redis 7.0
 * converts only when the set really outgrows the listpack.  Nothing
 * converts back, so the key keeps answering differently. */
static int m_zset_encoding(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)rs;
    return c->argc == 3 && !strcasecmp(c->argv[1], "ENCODING") && o->type == '$' && r->type == '$' &&
           o->len == 8 && !memcmp(o->str, "skiplist", 8) && r->len == 8 && !memcmp(r->str, "listpack", 8);
}

/* GEO distances: Valkey 8 rounds them with llrint(d * 10^4), Redis 7.0
 * prints "%.4f" (which rounds the exact binary value), and Valkey measures
 * a point on the centre's meridian by the latitude difference alone (7.0
 * runs the full haversine): the same distance may print one unit apart in
 * the fourth decimal. */
static int dist_text_near(const RVal *a, const RVal *b, int *seen)
{
    if (a->type != b->type) return 0;
    if (rval_is_str(a)) {
        if (a->len == b->len && !memcmp(a->str, b->str, a->len)) return 1;
        const char *da = memchr(a->str, '.', a->len), *db = memchr(b->str, '.', b->len);
        if (!da || !db || a->str + a->len - da != 5 || b->str + b->len - db != 5) return 0;
        double x, y;
        if (!full_double(a, &x) || !full_double(b, &y)) return 0;
        if (fabs(x - y) > 0.000101 * (1 + fabs(x) * 1e-12)) return 0;
        *seen = 1;
        return 1;
    }
    if (rval_is_agg(a)) {
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!dist_text_near(a->elem[i], b->elem[i], seen)) return 0;
        return 1;
    }
    return a->integer == b->integer;
}

static int m_geo_distance(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    int seen = 0;
    return dist_text_near(o, r, &seen) && seen;
}

/* SORT: the options that decide whether the reply's order is defined. */
typedef struct SortShape {
    int alpha, by_real, by_const, limit, store, gets;
} SortShape;

static void sort_shape(const Cmd *c, SortShape *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 2; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (!strcasecmp(a, "ALPHA")) {
            s->alpha = 1;
        } else if (!strcasecmp(a, "LIMIT") && i + 2 < c->argc) {
            s->limit = 1;
            i += 2;
        } else if (!strcasecmp(a, "STORE") && i + 1 < c->argc) {
            s->store = 1;
            i++;
        } else if (!strcasecmp(a, "GET") && i + 1 < c->argc) {
            s->gets++;
            i++;
        } else if (!strcasecmp(a, "BY") && i + 1 < c->argc) {
            i++;
            /* a '*' before any NUL makes a real pattern */
            if (strchr(c->argv[i], '*')) s->by_real = 1;
            else s->by_const = 1;
        }
    }
}

/* Tuples of k elements, compared as multisets. */
static size_t tuple_k;
static const RVal *tuple_base;
static int tuple_cmp(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    for (size_t t = 0; t < tuple_k; t++) {
        int r = rval_cmp(tuple_base->elem[i * tuple_k + t], tuple_base->elem[j * tuple_k + t]);
        if (r) return r;
    }
    return 0;
}

static int tuples_equal_unordered(const RVal *a, const RVal *b, size_t k)
{
    if (!rval_is_agg(a) || !rval_is_agg(b) || a->n != b->n || a->n % k) return 0;
    size_t m = a->n / k;
    size_t *ia = malloc((m + 1) * sizeof *ia), *ib = malloc((m + 1) * sizeof *ib);
    for (size_t i = 0; i < m; i++) ia[i] = ib[i] = i;
    tuple_k = k;
    tuple_base = a;
    qsort(ia, m, sizeof *ia, tuple_cmp);
    tuple_base = b;
    qsort(ib, m, sizeof *ib, tuple_cmp);
    int same = 1;
    for (size_t i = 0; i < m && same; i++)
        for (size_t t = 0; t < k && same; t++)
            same = val_equal(a->elem[ia[i] * k + t], b->elem[ib[i] * k + t], 0);
    free(ia);
    free(ib);
    return same;
}

/* SORT replies whose order is not Valkey's to define, by the source's
 * type (asked of redis): a set's own order (BY a constant; Redis 7.0 keeps
 * small sets in a hash table, Valkey 8 in a listpack), ALPHA with a BY
 * pattern over a set or sorted set (equal weights keep the input order,
 * the member table's), ALPHA over members equal up to a NUL (strcoll).
 * Compared as multisets, or by length where LIMIT picks from that order. */
static int m_sort_unordered(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    if (c->argc < 2 || !rval_is_agg(o) || !rval_is_agg(r)) return 0;
    SortShape sh;
    sort_shape(c, &sh);
    RVal *t = call_key(rs, "TYPE", c->argv[1], c->len[1], NULL);
    int set = t && t->type == '+' && !strcmp(t->str, "set");
    int zset = t && t->type == '+' && !strcmp(t->str, "zset");
    rval_free(t);
    size_t k = sh.gets ? (size_t)sh.gets : 1;
    if (set && sh.by_const && !sh.store) return sh.limit ? o->n == r->n : tuples_equal_unordered(o, r, k);
    if ((set || zset) && sh.alpha && sh.by_real) return sh.limit ? o->n == r->n : tuples_equal_unordered(o, r, k);
    if ((set || zset) && sh.alpha && !sh.by_real && !sh.store) return tuples_equal_unordered(o, r, k);
    return 0;
}

/* Valkey (and Redis 7.0) read SORT weights with strtod and then test
 * errno without clearing it first: a range error left by an earlier
 * command (ZADD 1e400, a SORT of "1e400") fails a later numeric SORT of
 * good numbers.  Not reproducible here (it depends on every libc call
 * since): redis's errno is cleared (ZADD XX of 1.5 to a missing key
 * parses a double after errno = 0) and the command runs there again,
 * which also brings a STORE destination back in sync. */
static int m_sort_stale_errno(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    if (!is_error(r, "ERR One or more scores can't be converted into double") || o->type == '-') return 0;
    RVal *z = call_key(rs, "ZADD", "df:errno-reset", 14, "XX", "1.5", "x", NULL);
    rval_free(z);
    RVal *again = call(rs, c->argc, (char **)c->argv, c->len);
    int same = again && (val_equal(o, again, 0) || m_sort_unordered(c, o, again, rs));
    rval_free(again);
    return same;
}

/* BITCOUNT and BITPOS: Valkey 8 checks every argument before it looks at
 * the key, so a bad range is an error even for a missing key (7.0: 0 or
 * -1) or a key of another type (7.0: WRONGTYPE); it reads BITCOUNT's unit
 * before its end and no longer answers 0 for two crossed negative indexes
 * before reading the unit; and BITCOUNT key start (end optional, 8.0)
 * counts where 7.0 answers a syntax error. */
static int is_arg_error(const RVal *v)
{
    return is_error(v, "ERR value is not an integer") || is_error(v, "ERR syntax error");
}

static int m_bit_args_first(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)rs;
    if (!strcasecmp(c->argv[0], "BITCOUNT") && c->argc == 3 && is_error(r, "ERR syntax error")) return 1;
    return is_arg_error(o) && (r->type == ':' || is_error(r, "WRONGTYPE") || (is_arg_error(r) && !val_equal(o, r, 0)));
}

/* A sparse HyperLogLog body ending in an XZERO missing its second byte:
 * after a split of that opcode Valkey reads the missing byte from memory
 * past the string (the byte the split lost, where the terminator was),
 * while we always read 0 there (INVALIDOBJ).  Valkey's own copy of the
 * same bytes (GET then SET) is corrupt to it too.  DEL keeps the servers
 * in step (redis may have cached a count or merged). */
static int ends_in_cut_xzero(const RVal *v)
{
    if (!v || v->type != '$' || v->len < 17 || memcmp(v->str, "HYLL", 4) || v->str[4] != 1) return 0;
    const unsigned char *p = (const unsigned char *)v->str + 16, *end = (const unsigned char *)v->str + v->len;
    while (p < end) {
        if ((*p & 0xc0) == 0x40) {
            if (p + 1 == end) return 1;
            p += 2;
        } else {
            p++;
        }
    }
    return 0;
}

static int m_hll_cut_xzero(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)r;
    if (!is_error(o, "INVALIDOBJ")) return 0;
    for (int i = 1; i < c->argc; i++) {
        RVal *v = call_key(rs, "GET", c->argv[i], c->len[i], NULL);
        int cut = ends_in_cut_xzero(v);
        rval_free(v);
        if (cut) return 1;
    }
    return 0;
}

/* Valkey 8 words the scripting layer's own errors without "Redis" (and
 * without "Lua redis lib"); the rest of the text, the script's location
 * included, is the same. */
static int m_script_wording(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    static const char *const pairs[][2] = {
        {"Unknown Redis command called from script", "Unknown command called from script"},
        {"Wrong number of args calling Redis command from script", "Wrong number of args calling command from script"},
        {"Please specify at least one argument for this redis lib call", "Please specify at least one argument for this call"},
        {"Lua redis lib command arguments must be strings or integers", "Command arguments must be strings or integers"},
    };
    if (!o || !r || o->type != '-' || r->type != '-') return 0;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        const char *at = strstr(r->str, pairs[i][0]);
        if (!at) continue;
        size_t head = (size_t)(at - r->str), l0 = strlen(pairs[i][0]), l1 = strlen(pairs[i][1]);
        return o->len == r->len - l0 + l1 && !strncmp(o->str, r->str, head) &&
               !strncmp(o->str + head, pairs[i][1], l1) && !strcmp(o->str + head + l1, at + l0);
    }
    return 0;
}

static Accepted accepted[] = {
    /* Valkey vs Redis 7.0, checked against Valkey's own t_string.c. */
    {"GETEX", m_getex_validate_first, 0, "Valkey validates GETEX's time before the key lookup", 0},
    {"ZRANK", m_zrank_withscore, 0, "WITHSCORE is Redis 7.2+/Valkey (other 4th arguments: syntax error); 7.0 answers an arity error", 0},
    {"ZREVRANK", m_zrank_withscore, 0, "WITHSCORE is Redis 7.2+/Valkey (other 4th arguments: syntax error); 7.0 answers an arity error", 0},
    {"Z*", m_double_format, 0, "Redis 7.0 prints scores with %.17g, Valkey the shortest form (and -0 vs 0)", 0},
    {"Z*", m_negative_limit, 0, "a negative LIMIT offset on a skiplist counts from the range's end in Valkey 8 (zslNthInRange), gives nothing in 7.0", 0},
    {"OBJECT", m_object_encoding, 0, "Valkey 8 encodings: listpack lists/sets, embstr only if key+value fit 39 bytes", 0},
    {"OBJECT", m_zset_encoding, 0, "Valkey 8 (7.2+) makes a zset a skiplist when one ZADD brings more pairs than the listpack limit", 0},
    {"LPOS", m_lpos_rank_min, 0, "Redis 7.0 overflows negating RANK LLONG_MIN; Valkey rejects it", 0},
    {"SORT*", m_sort_unordered, 0, "order Valkey leaves undefined: a set's own order, ties of ALPHA BY over sets and sorted sets (compared as multisets)", 0},
    {"SORT*", m_sort_stale_errno, 0, "Valkey tests a stale errno after strtod: an earlier range error fails a numeric SORT (redis rerun with errno cleared)", 0},
    {"GEO*", m_geo_distance, 0, "distances: Valkey rounds llrint(d*10^4) and measures same-meridian points by latitude alone; 7.0 prints %.4f of the full haversine", 0},
    {"BITCOUNT", m_bit_args_first, 0, "Valkey 8 checks BITCOUNT's arguments (unit before end) before the key and takes a start alone; 7.0 answers 0/WRONGTYPE/syntax error", 0},
    {"BITPOS", m_bit_args_first, 0, "Valkey 8 checks BITPOS's range before the key; 7.0 answers -1/0/WRONGTYPE first", 0},
    {"PF*", m_hll_cut_xzero, 1, "a sparse HLL ending in a cut XZERO: after a split Valkey reads past the string, we read 0", 0},
    {"XREAD*", m_xread_unbalanced, 0, "Valkey 8 names the command and its special ID ('xreadgroup', '>') in the unbalanced-streams error; 7.0 always says XREAD and '$'", 0},
    {"XINFO", m_xinfo_consumers, 0, "XINFO CONSUMERS: Valkey 8 (7.2+) adds `inactive`; and an XREADGROUP that reads nothing creates its consumer (7.0: only when served), so ours may list/count more consumers with nothing pending", 0},
    {"XSETID", m_xsetid_maxdeleted, 1, "Valkey 8 (7.2+) refuses an XSETID below the stream's max deleted ID, checked before the top item; 7.0 checks the top item first", 0},
    {"EVAL*", m_script_wording, 0, "Valkey 8 words the scripting layer's errors without 'Redis' ('Unknown command called from script', 'Wrong number of args calling command from script', ...)", 0},
    {"XGROUP", m_xgroup_createconsumer, 0, "the consumer already exists on ours: Valkey 8 (7.2+) created it in an XREADGROUP that read nothing, 7.0 did not", 0},
};
#define NACCEPTED (int)(sizeof accepted / sizeof *accepted)

static Accepted *find_accepted(const Cmd *c, const RVal *ours, const RVal *theirs, Server *redis)
{
    if (!ours || !theirs) return NULL;
    for (int i = 0; i < NACCEPTED; i++) {
        Accepted *a = &accepted[i];
        size_t n = strlen(a->cmd);
        int hit = a->cmd[n - 1] == '*' ? !strncasecmp(c->argv[0], a->cmd, n - 1)
                                       : !strcasecmp(c->argv[0], a->cmd);
        if (hit && a->match(c, ours, theirs, redis)) return a;
    }
    return NULL;
}

/* ---- talking to both servers -------------------------------------------- */

static int flush_both(Server *ours, Server *redis)
{
    char db1[8], db2[8];
    snprintf(db1, sizeof db1, "%d", DB_MAIN);
    snprintf(db2, sizeof db2, "%d", DB_OTHER);
    Server *s[2] = {ours, redis};
    for (int i = 0; i < 2; i++) {
        const char *seq[][2] = {{"SELECT", db2}, {"FLUSHDB", NULL}, {"SELECT", db1}, {"FLUSHDB", NULL}};
        for (int j = 0; j < 4; j++) {
            RVal *v = callv(s[i], seq[j][0], seq[j][1], NULL);
            int good = v && v->type == '+';
            rval_free(v);
            if (!good) {
                printf("FAIL: seed %llu: %s %s on %s did not answer OK\n", cur_seed, seq[j][0],
                       seq[j][1] ? seq[j][1] : "", s[i]->name);
                failed++;
                return -1;
            }
        }
    }
    return 0;
}

/* Runs "SCAN 0 ..." to the end (cursor 0) and answers the sorted,
 * de-duplicated keys it returned, or the first reply that was not a scan
 * page (an error).  Cursors are the server's own, so only the set of keys
 * is comparable. */
static RVal *scan_all(Server *s, const Cmd *c)
{
    if (c->argc < 2) return call(s, c->argc, (char **)c->argv, c->len);
    char *argv[MAXARGS];
    size_t lens[MAXARGS];
    memcpy(argv, c->argv, sizeof(char *) * (size_t)c->argc);
    memcpy(lens, c->len, sizeof(size_t) * (size_t)c->argc);
    char cursor[32] = "0";
    RVal *all = calloc(1, sizeof *all);
    all->type = '*';
    size_t cap = 0;
    for (int iter = 0; iter < 100000; iter++) {
        argv[1] = cursor;
        lens[1] = strlen(cursor);
        RVal *r = call(s, c->argc, argv, lens);
        if (!r || r->type != '*' || r->n != 2 || r->elem[0]->type != '$' || r->elem[0]->len >= sizeof cursor ||
            r->elem[1]->type != '*') {
            rval_free(all);
            return r;
        }
        RVal *page = r->elem[1];
        if (all->n + page->n + 1 > cap) {
            cap = (all->n + page->n + 1) * 2;
            all->elem = realloc(all->elem, cap * sizeof *all->elem);
        }
        for (size_t i = 0; i < page->n; i++) all->elem[all->n++] = page->elem[i];
        page->n = 0;
        memcpy(cursor, r->elem[0]->str, r->elem[0]->len + 1);
        rval_free(r);
        if (!strcmp(cursor, "0")) {
            rval_sort(all);
            size_t k = 0;
            for (size_t i = 0; i < all->n; i++) {
                if (k && !rval_cmp(all->elem[k - 1], all->elem[i])) rval_free(all->elem[i]);
                else all->elem[k++] = all->elem[i];
            }
            all->n = k;
            return all;
        }
    }
    rval_free(all);
    RVal *e = calloc(1, sizeof *e);
    e->type = '-';
    e->str = strdup("difftest: SCAN did not reach cursor 0 in 100000 calls");
    e->len = strlen(e->str);
    return e;
}

static RVal *send_cmd(Server *s, const Cmd *c)
{
    if (c->cmp == CMP_SCAN) return scan_all(s, c);
    return call(s, c->argc, (char **)c->argv, c->len);
}

static void report(long long idx, const char *what, const char *sent, const RVal *o, const RVal *r)
{
    failed++;
    printf("FAIL: seed %llu, command #%lld, %s: sent %s\n    ours:  %s\n    redis: %s\n",
           cur_seed, idx, what, sent, repr(o), repr(r));
    fflush(stdout);
}

/* The row that dumps keys of this TYPE answer, or -1. */
static int row_for_type(const RVal *type)
{
    if (!type || type->type != '+') return -1;
    for (int i = 0; i < NROWS; i++)
        if (rows[i]->type_reply && rows[i]->dump && !strcmp(rows[i]->type_reply, type->str)) return i;
    return -1;
}

/* Compares one key of the selected database: TYPE, PTTL, then the whole
 * value as its row dumps it.  Returns 0 when equal. */
static int compare_key(Server *ours, Server *redis, const RVal *key, const char *what, long long idx)
{
    char *argv[2] = {"TYPE", key->str};
    size_t lens[2] = {4, key->len};
    Cmd tmp = {2, CMP_EXACT, {argv[0], argv[1]}, {lens[0], lens[1]}};
    RVal *x = call(ours, 2, argv, lens), *y = call(redis, 2, argv, lens);
    int bad = !val_equal(x, y, 0);
    if (bad) report(idx, what, cmd_repr(&tmp), x, y);
    int r = bad ? -1 : row_for_type(y);
    rval_free(x);
    rval_free(y);
    if (bad) return 1;

    tmp.argv[0] = argv[0] = "PTTL";
    tmp.len[0] = lens[0] = 4;
    x = call(ours, 2, argv, lens);
    y = call(redis, 2, argv, lens);
    bad = !val_equal(x, y, 1000);
    if (bad) report(idx, what, cmd_repr(&tmp), x, y);
    rval_free(x);
    rval_free(y);
    if (bad || r < 0) return bad;

    x = rows[r]->dump(ours, key->str, key->len);
    y = rows[r]->dump(redis, key->str, key->len);
    bad = !val_equal(x, y, 0);
    if (bad && is_error(x, "ERR unknown command")) {
        /* A type whose dump command ours lacks yet: values not compared. */
        if (!row_state[r].dump_missing) printf("difftest: %s values not compared, ours: %s\n", rows[r]->name, repr(x));
        row_state[r].dump_missing = 1;
        bad = 0;
    } else if (bad) {
        char label[64];
        snprintf(label, sizeof label, "(%s dump)", rows[r]->name);
        tmp.argv[0] = label;
        tmp.len[0] = strlen(label);
        report(idx, what, cmd_repr(&tmp), x, y);
    }
    rval_free(x);
    rval_free(y);
    return bad;
}

/* Compares one database of both servers; returns 0 when equal. */
static int compare_db(Server *ours, Server *redis, int db, long long idx)
{
    char dbs[8], what[64];
    snprintf(dbs, sizeof dbs, "%d", db);
    RVal *a = callv(ours, "SELECT", dbs, NULL), *b = callv(redis, "SELECT", dbs, NULL);
    rval_free(a);
    rval_free(b);
    int bad = 0;

    snprintf(what, sizeof what, "keyspace check of db %d", db);
    a = callv(ours, "DBSIZE", NULL);
    b = callv(redis, "DBSIZE", NULL);
    if (!val_equal(a, b, 0)) { report(idx, what, "DBSIZE", a, b); bad = 1; }
    rval_free(a);
    rval_free(b);

    a = callv(ours, "KEYS", "*", NULL);
    b = callv(redis, "KEYS", "*", NULL);
    if (!a || !b || (a->type != '*' && a->type != '~') || a->type != b->type) {
        report(idx, what, "KEYS *", a, b);
        bad = 1;
    } else {
        rval_sort(a);
        rval_sort(b);
        if (!val_equal(a, b, 0)) {
            report(idx, what, "KEYS * (sorted)", a, b);
            bad = 1;
        } else {
            for (size_t i = 0; i < a->n && !bad; i++) bad = compare_key(ours, redis, a->elem[i], what, idx);
        }
    }
    rval_free(a);
    rval_free(b);
    snprintf(dbs, sizeof dbs, "%d", DB_MAIN);
    a = callv(ours, "SELECT", dbs, NULL);
    b = callv(redis, "SELECT", dbs, NULL);
    rval_free(a);
    rval_free(b);
    return bad;
}

static int compare_keyspace(Server *ours, Server *redis, long long idx)
{
    int bad = compare_db(ours, redis, DB_MAIN, idx) | compare_db(ours, redis, DB_OTHER, idx);
    if (bad) flush_both(ours, redis);
    else passed++;
    return bad;
}

/* ---- which rows run ----------------------------------------------------- */

/* Looks every row's commands up on our server (COMMAND INFO answers nil
 * for an unknown one) and applies DIFF_TYPES; fills row_state and the
 * key bands add_any_key picks from.  Returns -1 if ours is unreachable,
 * -2 if no row is left to run. */
static int setup_rows(const char *host, int vport, const char *only)
{
    Server probe;
    if (server_open(&probe, "ours", host, vport, 0) < 0) return -1;
    gen_nbands = 0;
    for (int i = 0; i < NROWS; i++) {
        const DiffType *t = rows[i];
        RowState *st = &row_state[i];
        memset(st, 0, sizeof *st);
        st->enabled = 1;
        if (only && *only && !word_in(only, t->name, strlen(t->name))) {
            st->enabled = 0;
            snprintf(st->why_off, sizeof st->why_off, "not in DIFF_TYPES");
            continue;
        }
        int first = 1;
        for (const char *p = t->commands; *p;) {
            while (*p == ' ') p++;
            size_t n = strcspn(p, " ");
            if (!n) break;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)n, p);
            p += n;
            RVal *v = callv(&probe, "COMMAND", "INFO", name, NULL);
            int missing = v && v->type == '*' && v->n == 1 && v->elem[0]->type == '_';
            rval_free(v);
            if (!missing) { first = 0; continue; }
            if (first) {
                st->enabled = 0;
                snprintf(st->why_off, sizeof st->why_off, "no %s", name);
                break;
            }
            size_t used = strlen(st->missing);
            snprintf(st->missing + used, sizeof st->missing - used, "%s%s", used ? " " : "", name);
        }
        if (st->enabled && t->key_prefix && gen_nbands < (int)(sizeof gen_bands / sizeof *gen_bands))
            gen_bands[gen_nbands++] = t;
    }
    server_close(&probe);

    int any = 0;
    for (int i = 0; i < NROWS; i++) any |= row_state[i].enabled;
    if (!any) return -2;
    char line[1024] = "";
    for (int i = 0; i < NROWS; i++) {
        if (row_state[i].enabled) continue;
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "%s%s (%s)", used ? ", " : "", rows[i]->name,
                 row_state[i].why_off);
    }
    if (*line) printf("difftest: skipped types: %s\n", line);
    for (int i = 0; i < NROWS; i++)
        if (row_state[i].enabled && row_state[i].missing[0])
            printf("difftest: %s: not sent, ours lacks them: %s\n", rows[i]->name, row_state[i].missing);
    return 0;
}

/* One random command from a row picked by weight; a command ours lacks is
 * drawn again.  Returns the row's index. */
static int gen_command(Cmd *c)
{
    int total = 0;
    for (int i = 0; i < NROWS; i++)
        if (row_state[i].enabled) total += rows[i]->weight;
    for (int tries = 0; tries < 10000; tries++) {
        int w = rnd(total), r = 0;
        while (!row_state[r].enabled || (w -= rows[r]->weight) >= 0) r++;
        memset(c, 0, offsetof(Cmd, argv));
        rows[r]->gen(c);
        const char *name = c->argc ? c->argv[0] : "";
        size_t len = c->argc ? c->len[0] : 0;
        if (!word_in(rows[r]->commands, name, len) && !row_state[r].list_wrong) {
            printf("FAIL: row %s generated %s, which its commands list lacks (add it there)\n",
                   rows[r]->name, name);
            row_state[r].list_wrong = 1;
            failed++;
        }
        if (!word_in(row_state[r].missing, name, len)) return r;
        cmd_free(c);
    }
    printf("difftest: no row generates a command ours has\n");
    exit(1);
}

/* Now and then: wrong arity, or a stray extra argument. */
static void mutate(Cmd *c)
{
    if (chance(3) && c->argc > 1) {
        free(c->argv[--c->argc]);
    } else if (chance(2)) {
        if (chance(50)) add_value(c);
        else add_word(c, "BOGUS");
    }
}

/* ---- the run ------------------------------------------------------------ */

static void run_seed(unsigned long long seed, long long count, const char *host, int vport, int rport)
{
    int resp3 = seed % 3 == 0;
    Server ours, redis;
    cur_seed = seed;
    rng_state = seed;
    base_sec = (long long)time(NULL);
    printf("difftest: seed %llu, %lld commands, %s\n", seed, count, resp3 ? "RESP3" : "RESP2");
    fflush(stdout);
    if (server_open(&ours, "ours", host, vport, resp3) < 0 ||
        server_open(&redis, "redis", "127.0.0.1", rport, resp3) < 0) {
        printf("FAIL: seed %llu: cannot connect (ours %s:%d, redis 127.0.0.1:%d)\n", seed, host, vport, rport);
        failed++;
        return;
    }
    if (flush_both(&ours, &redis) < 0) goto out;

    long long accepted_now = 0;
    int lost = 0;
    for (long long i = 0; i < count && failed < max_failures; i++) {
        Cmd c;
        int row = gen_command(&c);
        mutate(&c);
        RVal *a = send_cmd(&ours, &c);
        RVal *b = send_cmd(&redis, &c);
        row_state[row].sent++;
        if (b && b->type == '-') row_state[row].errors++;
        if (!a || !b) {
            report(i, "connection lost", cmd_repr(&c), a, b);
            lost = 1;
            rval_free(a);
            rval_free(b);
            cmd_free(&c);
            break;
        }
        int same = replies_equal(&c, a, b);
        if (trace) printf("#%lld [%s] %s -> %s\n", i, rows[row]->name, cmd_repr(&c), repr(b));
        if (same) {
            passed++;
        } else {
            Accepted *acc = find_accepted(&c, a, b, &redis);
            if (acc) {
                acc->seen++;
                accepted_now++;
                if (trace) printf("    accepted difference (%s), ours: %s\n", acc->reason, repr(a));
                if (acc->del_key && c.argc > 1) {
                    char *argv[2] = {"DEL", c.argv[1]};
                    size_t lens[2] = {3, c.len[1]};
                    rval_free(call(&ours, 2, argv, lens));
                    rval_free(call(&redis, 2, argv, lens));
                }
            } else {
                report(i, "reply mismatch", cmd_repr(&c), a, b);
                printf("    (both databases flushed on both servers to resynchronise)\n");
                flush_both(&ours, &redis);
            }
        }
        rval_free(a);
        rval_free(b);
        cmd_free(&c);
        if ((i + 1) % 1000 == 0) compare_keyspace(&ours, &redis, i);
    }
    if (lost) goto out;
    if (failed < max_failures) compare_keyspace(&ours, &redis, count);
    printf("difftest: seed %llu done, %lld accepted differences\n", seed, accepted_now);
    flush_both(&ours, &redis);
out:
    server_close(&ours);
    server_close(&redis);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *host = getenv("VALKEY_HOST");
    if (!host || !*host) host = "127.0.0.1";
    const char *vp = getenv("VALKEY_PORT"), *rp = getenv("REDIS_PORT");
    if (!rp || !*rp) {
        printf("difftest: skipped, REDIS_PORT is not set (no redis-server to compare with)\n");
        printf("0 passed, 0 failed\n");
        return 0;
    }
    int vport = vp ? atoi(vp) : 6379, rport = atoi(rp);
    const char *cs = getenv("DIFF_COUNT");
    long long count = cs && *cs ? atoll(cs) : 20000;
    trace = getenv("DIFF_TRACE") && *getenv("DIFF_TRACE") == '1';
    const char *mf = getenv("DIFF_MAX_FAILURES");
    if (mf && *mf) max_failures = atoll(mf);
    const char *seeds = argc > 1 ? argv[1] : getenv("DIFF_SEED");
    if (!seeds || !*seeds) seeds = "101,202,303";  /* 303 runs over RESP3 */

    char only[256] = "";
    const char *types = getenv("DIFF_TYPES");
    if (types) {
        snprintf(only, sizeof only, "%s", types);
        for (char *p = only; *p; p++)
            if (*p == ',') *p = ' ';
    }
    int setup = setup_rows(host, vport, only);
    if (setup < 0) {
        if (setup == -1) printf("FAIL: cannot connect to our server at %s:%d\n", host, vport);
        else printf("FAIL: no row to run (DIFF_TYPES=%s)\n", types ? types : "");
        printf("0 passed, 1 failed\n");
        return 1;
    }

    char *copy = strdup(seeds), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t && failed < max_failures; t = strtok_r(NULL, ",", &save))
        run_seed(strtoull(t, NULL, 10), count, host, vport, rport);
    free(copy);

    for (int i = 0; i < NACCEPTED; i++)
        if (accepted[i].seen)
            printf("accepted difference (%s): %s x%lld\n", accepted[i].reason, accepted[i].cmd, accepted[i].seen);
    printf("difftest: commands sent per type:");
    for (int i = 0; i < NROWS; i++) {
        if (row_state[i].enabled)
            printf(" %s %lld (%lld errors)%s", rows[i]->name, row_state[i].sent, row_state[i].errors,
                   i + 1 < NROWS ? "," : "");
        else
            printf(" %s off%s", rows[i]->name, i + 1 < NROWS ? "," : "");
    }
    printf("\n");
    if (failed >= max_failures) printf("difftest: stopped after %lld failures\n", max_failures);
    printf("%lld passed, %lld failed\n", passed, failed);
    return failed ? 1 : 0;
}
