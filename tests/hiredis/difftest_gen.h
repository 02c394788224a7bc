/*
 * difftest_gen.h - what difftest's type rows are built from: the seeded
 * PRNG, a command under construction (Cmd) with the way its reply is to be
 * compared, random arguments (values, numbers, times, indexes, counts,
 * members), the key bands, and DiffType, the row each data type fills in.
 *
 * Invariants: every random choice goes through rnd64(), so a seed fixes the
 * command stream (given which rows and commands are enabled).  Keys are
 * "df:" names in small bands, one per row, so commands collide; a row picks
 * mostly from its own band and sometimes from any enabled row's band (that
 * is where WRONGTYPE comes from).  Two shared names, one with a NUL and one
 * with a space, are in every band.
 * Only static functions: included once, by difftest.c (through the rows).
 */
#ifndef TESTS_HIREDIS_DIFFTEST_GEN_H
#define TESTS_HIREDIS_DIFFTEST_GEN_H

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "difftest_conn.h"

#define DB_MAIN 10
#define DB_OTHER 11  /* MOVE/COPY target; also compared */
#define MAXARGS 600  /* room for a bulk SADD of 540 integers */

static uint64_t rng_state;
static long long base_sec;  /* read once per seed: absolute times derive from it */

/* ---- PRNG (splitmix64: fully determined by the seed) -------------------- */

static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int rnd(int n) { return (int)(rnd64() % (uint64_t)n); }
static int chance(int percent) { return rnd(100) < percent; }

/* ---- a command under construction --------------------------------------- */

/* How a reply is compared. */
enum {
    CMP_EXACT = 0,  /* as is (TTL-like integers within a tolerance) */
    CMP_SORT,       /* order unspecified: sort the elements first (SMEMBERS, KEYS) */
    CMP_PAIRS,      /* field/value pairs in unspecified order (HGETALL) */
    CMP_SHAPE,      /* random by definition: types and counts only (SRANDMEMBER) */
    CMP_SCAN,       /* "SCAN 0 ...": iterated to the end on each server, keys sorted */
};

typedef struct Cmd {
    int argc;
    int cmp;  /* CMP_* */
    char *argv[MAXARGS];
    size_t len[MAXARGS];
} Cmd;

static void add_bin(Cmd *c, const char *s, size_t len)
{
    if (c->argc >= MAXARGS) return;
    c->argv[c->argc] = malloc(len + 1);
    memcpy(c->argv[c->argc], s, len);
    c->argv[c->argc][len] = 0;
    c->len[c->argc++] = len;
}
static void add(Cmd *c, const char *s) { add_bin(c, s, strlen(s)); }
static void addf(Cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(Cmd *c, const char *fmt, ...)
{
    char b[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    add(c, b);
}
static void cmd_free(Cmd *c)
{
    for (int i = 0; i < c->argc; i++) free(c->argv[i]);
    c->argc = 0;
}

/* Command names and options: mostly upper case, sometimes mixed. */
static void add_word(Cmd *c, const char *w)
{
    char b[64];
    size_t n = strlen(w);
    int mode = rnd(10);
    for (size_t i = 0; i < n && i < sizeof b - 1; i++)
        b[i] = mode == 0 ? (char)tolower((unsigned char)w[i])
             : mode == 1 && (i & 1) ? (char)tolower((unsigned char)w[i]) : w[i];
    b[n < sizeof b - 1 ? n : sizeof b - 1] = 0;
    add(c, b);
}

/* ---- the row of a data type --------------------------------------------- */

typedef struct DiffType {
    const char *name;        /* "list": in reports and DIFF_TYPES */
    const char *type_reply;  /* what TYPE answers for its keys; NULL for a row
                                with no type of its own (the key commands) */
    const char *commands;    /* every command gen may send, space-separated.
                                The first is the probe: if our server lacks it
                                the row is off; others it lacks are not sent */
    int weight;              /* share of the generated commands */
    const char *key_prefix;  /* its key band: key_prefix0 .. key_prefix<nkeys-1>, */
    int nkeys;               /* or NULL/0 for none */
    void (*gen)(Cmd *c);     /* one random command; sets c->cmp if not exact */
    /* The canonical whole value of a key of this type (NULL: none), e.g.
     * LRANGE 0 -1, or SMEMBERS sorted.  NULL return: connection lost. */
    RVal *(*dump)(Server *s, const char *key, size_t keylen);
} DiffType;

/* The enabled rows with a key band, set up by difftest.c before a run:
 * add_any_key picks among them. */
static const DiffType *gen_bands[32];
static int gen_nbands;
static int gen_last_band;  /* the band add_any_key used last */

/* ---- keys --------------------------------------------------------------- */

/* One of n keys of a band, or (1 in 30 each) one of the two shared names. */
static void add_key_in(Cmd *c, const char *prefix, int n)
{
    int k = rnd(30);
    if (k == 29) add_bin(c, "df:\0nul", 7);
    else if (k == 28) add(c, "df:sp ace");
    else addf(c, "%s%d", prefix, rnd(n));
}

/* A key of any enabled row's band. */
static void add_any_key(Cmd *c)
{
    if (gen_nbands == 0) { add_key_in(c, "df:k", 28); return; }
    gen_last_band = rnd(gen_nbands);
    const DiffType *t = gen_bands[gen_last_band];
    add_key_in(c, t->key_prefix, t->nkeys);
}

/* A second key for RENAME/COPY: mostly from the band of the first, so
 * values do not drift into other types' bands faster than rows reclaim
 * them. */
static void add_any_key_near(Cmd *c)
{
    if (gen_nbands == 0 || !chance(70)) { add_any_key(c); return; }
    const DiffType *t = gen_bands[gen_last_band];
    add_key_in(c, t->key_prefix, t->nkeys);
}

/* A key for a row's command: its own band mostly, any band sometimes. */
static void add_key_of(Cmd *c, const char *prefix, int n)
{
    if (chance(90)) add_key_in(c, prefix, n);
    else add_any_key(c);
}

/* Now and then (3%) a row deletes one of its own keys: values of other
 * types that RENAME/COPY/MOVE or other rows left in its band would
 * otherwise turn most of its commands into WRONGTYPE errors.  Returns 1
 * when it generated the DEL (list DEL among the row's commands). */
static int gen_reclaim(Cmd *c, const char *prefix, int n)
{
    if (!chance(3)) return 0;
    add_word(c, "DEL");
    add_key_in(c, prefix, n);
    return 1;
}

static void add_any_keys(Cmd *c, int min, int max)
{
    int n = min + rnd(max - min + 1);
    for (int i = 0; i < n; i++) add_any_key(c);
}

/* ---- random arguments --------------------------------------------------- */

static const char *special_numbers[] = {
    "9223372036854775807", "-9223372036854775808", "9223372036854775806",
    "9223372036854775808", "-9223372036854775809", "18446744073709551616",
    "0", "-0", "007", "+1", " 1", "1 ", "1.5", "-2.5", "3e2", "-2.5e-3", "0.1",
    "1e308", "-1e308", "1e400", "nan", "NaN", "inf", "-inf", "+inf", "", "0x10",
    "1.", ".5", "5.0", "12345678901234567890123", "-1", "2147483648", "4294967296",
};
#define NSPECIAL (int)(sizeof special_numbers / sizeof *special_numbers)

static void add_special(Cmd *c) { add(c, special_numbers[rnd(NSPECIAL)]); }

/* A string value: short, numeric, special, long, binary. */
static void add_value(Cmd *c)
{
    int kind = rnd(100);
    char b[512];
    if (kind < 35) {
        int n = rnd(9);
        for (int i = 0; i < n; i++) b[i] = "abcx"[rnd(4)];
        add_bin(c, b, (size_t)n);
    } else if (kind < 62) {
        addf(c, "%d", rnd(51) - 20);
    } else if (kind < 72) {
        add_special(c);
    } else if (kind < 80) {
        addf(c, "%d.%d", rnd(200) - 100, rnd(1000));
    } else if (kind < 85) {
        int n = 20 + rnd(200);
        for (int i = 0; i < n; i++) b[i] = "abc"[(i * 7 + rnd(2)) % 3];
        add_bin(c, b, (size_t)n);
    } else if (kind < 88) {
        add_bin(c, "a\0b\r\nc", 6);
    } else if (kind < 90) {
        add_bin(c, "5\0x", chance(50) ? 3 : 2);  /* a number, then NUL (and more) */
    } else {
        addf(c, "%c%d", "abc"[rnd(3)], rnd(100));
    }
}

/* An element of a list, set or hash: a small space so commands collide,
 * integers (intsets, listpack integer encodings), strings past 64 bytes
 * (listpack -> hashtable/skiplist), binary, empty. */
static void add_elem(Cmd *c)
{
    int kind = rnd(100);
    char b[256];
    if (kind < 40) {
        addf(c, "m%d", rnd(12));
    } else if (kind < 65) {
        addf(c, "%d", rnd(30) - 10);
    } else if (kind < 70) {
        add_special(c);
    } else if (kind < 75) {
        int n = 60 + rnd(12);  /* around the 64-byte listpack value limit */
        memset(b, 'L', (size_t)n);
        b[n - 1] = (char)('0' + rnd(3));
        add_bin(c, b, (size_t)n);
    } else if (kind < 80) {
        static const char *bin[] = {"a\0b\r\nc", "\0", "\r\n", "x\n"};
        static const size_t blen[] = {6, 1, 2, 2};
        int k = rnd(4);
        add_bin(c, bin[k], blen[k]);
    } else if (kind < 83) {
        add(c, "");
    } else if (kind < 90) {
        addf(c, "%c", "abcdefgh"[rnd(8)]);
    } else {
        addf(c, "%c%d", "abc"[rnd(3)], rnd(100));
    }
}

/* The i-th element of a bulk insert: many distinct ones, past the 128 and
 * (when ints) 512 element encoding limits. */
static void add_bulk_elem(Cmd *c, int i, int ints)
{
    if (ints) addf(c, "%d", i * 3 - 200);
    else addf(c, "b%d", i);
}

/* How many elements a variadic insert adds: mostly 1-3, sometimes past 128. */
static int bulk_count(void)
{
    if (chance(2)) return 129 + rnd(40);
    return 1 + (chance(60) ? 0 : rnd(3));
}

/* An increment for INCRBY/DECRBY/INCRBYFLOAT/HINCRBY. */
static void add_number(Cmd *c)
{
    if (chance(75)) addf(c, "%d", rnd(201) - 100);
    else if (chance(10)) add_bin(c, "7\0", 2);
    else if (chance(50)) add_special(c);
    else addf(c, "%d.%d", rnd(21) - 10, rnd(100));
}

/* A count argument (LPOP, ZPOPMIN, COUNT n): small, zero, negative, junk. */
static void add_count(Cmd *c)
{
    int k = rnd(100);
    if (k < 75) addf(c, "%d", rnd(6));
    else if (k < 82) addf(c, "%d", 100 + rnd(200));
    else if (k < 88) addf(c, "-%d", 1 + rnd(3));
    else add_special(c);
}

/* A relative time, in seconds or ms: far in the future, or one that
 * deletes at once / is rejected.  Never one that expires mid-run. */
static void add_rel_time(Cmd *c, int ms)
{
    int k = rnd(100);
    if (k < 75) addf(c, "%d", (1000 + rnd(99000)) * (ms ? 1000 : 1) + (ms ? rnd(1000) : 0));
    else if (k < 80) add(c, "0");
    else if (k < 86) addf(c, "-%d", 1 + rnd(1000));
    else add_special(c);
}

/* An absolute time: future (>= base + 1000 s) or, if past_ok, in the past. */
static void add_abs_time(Cmd *c, int ms, int past_ok)
{
    int k = rnd(100);
    long long t;
    if (k < 70 || (!past_ok && k < 90)) {
        t = base_sec + 1000 + rnd(99000);
        if (ms) t = t * 1000 + rnd(1000);
        addf(c, "%lld", t);
    } else if (k < 90) {
        t = base_sec - 1 - rnd(100000);
        if (ms) t = t * 1000 + rnd(1000);
        addf(c, "%lld", t);
    } else {
        add_special(c);
    }
}

/* An index or range end (GETRANGE, LRANGE, LINDEX). */
static void add_index(Cmd *c)
{
    if (chance(90)) addf(c, "%d", rnd(25) - 12);
    else add_special(c);
}

/* numkeys then that many keys from `pick` (LMPOP, SINTERCARD, ZUNION):
 * sometimes a numkeys that does not match, or is not a number. */
static void add_numkeys(Cmd *c, void (*pick)(Cmd *), int max)
{
    int n = 1 + rnd(max);
    int k = rnd(100);
    if (k < 90) addf(c, "%d", n);
    else if (k < 93) add(c, "0");
    else if (k < 96) addf(c, "%d", n + 1 + rnd(3));
    else if (k < 98) add(c, "-1");
    else add(c, "x");
    for (int i = 0; i < n; i++) pick(c);
}

#endif
