/*
 * difftest_sort.h - difftest's SORT row: SORT and SORT_RO with ALPHA,
 * ASC/DESC, LIMIT (negative, huge, junk), BY (weight strings, hash fields
 * "->f", missing fields, constant patterns such as "nosort", patterns
 * naming the element itself), GET ('#', strings, hash fields, constants),
 * STORE (and STORE refused by SORT_RO), over lists, sets and sorted sets
 * the row builds itself, and sometimes over any row's key.
 *
 * Its keys: "df:o0".."df:o5", meant as lists (o0, o1), sets (o2, o3) and
 * sorted sets (o4, o5), and STORE destinations "df:o6", "df:o7"; weights
 * "df:ow_<element>" (strings) and "df:oh_<element>" (hashes with field
 * f), written by the row with SET and HSET.  Elements come from a small
 * universe (numbers, letters, decimals, a NUL-free binary one) so weights
 * hit.
 *
 * Replies are compared exactly; where the order is not Valkey's to
 * define, difftest.c's accepted table (m_sort_unordered) asks redis the
 * source's TYPE and compares without order: a set's own order (BY a
 * constant; Redis 7.0 keeps small sets in a hash table where Valkey 8
 * keeps a listpack), ALPHA BY over a set or sorted set (equal weights keep
 * the input order, and the member tables' orders differ), ALPHA over
 * elements equal up to a NUL.  STORE is never combined with ALPHA and a
 * real BY pattern for the same reason: the stored list could differ.
 * Numeric sorts are total orders (ties go by element bytes), so they are
 * compared exactly, partial (LIMIT) or not.  Valkey (and Redis) test errno
 * after strtod without clearing it first, so a range error left by any
 * earlier command fails a later numeric SORT there; m_sort_stale_errno
 * clears it (a ZADD XX of 1.5 to a missing key) and runs the command on
 * redis again.
 * Dump: none of its own (lists, sets and sorted sets dump through their
 * rows; weights are strings and hashes).
 */
#ifndef TESTS_HIREDIS_DIFFTEST_SORT_H
#define TESTS_HIREDIS_DIFFTEST_SORT_H

#include "difftest_gen.h"

#define SORT_KEYS "df:o", 8

/* An element of the row's own keys, into b (at most 16 bytes). */
static size_t sort_elem_text(char *b)
{
    int k = rnd(100);
    const char *t;
    if (k < 40) return (size_t)sprintf(b, "%d", rnd(16) - 3);
    if (k < 65) return (size_t)sprintf(b, "%c", "abcdefg"[rnd(7)]);
    if (k < 75) return (size_t)sprintf(b, "%d.%d", rnd(6), rnd(10));
    if (k < 82) t = (const char *[]){"B", "ab", "a b", "10", "0x1A", " 7", "1e3"}[rnd(7)];
    else if (k < 86) t = (const char *[]){"inf", "-inf", "nan", "1e400", ""}[rnd(5)];
    else if (k < 90) t = "x\r\ny";
    else return (size_t)sprintf(b, "%c%d", "mn"[rnd(2)], rnd(5));
    size_t n = strlen(t);
    memcpy(b, t, n + 1);
    return n;
}

static void sort_elem(Cmd *c)
{
    char b[32];
    size_t n = sort_elem_text(b);
    add_bin(c, b, n);
}

/* A weight key: prefix then an element. */
static void sort_weight_key(Cmd *c, const char *prefix)
{
    char b[48];
    size_t p = strlen(prefix);
    memcpy(b, prefix, p);
    size_t n = sort_elem_text(b + p);
    add_bin(c, b, p + n);
}

/* A weight value: numbers, ties, junk. */
static void sort_weight(Cmd *c)
{
    int k = rnd(100);
    if (k < 45) addf(c, "%d", rnd(40) - 10);
    else if (k < 60) addf(c, "%d", rnd(3));  /* ties */
    else if (k < 72) addf(c, "%d.%d", rnd(20) - 10, rnd(100));
    else if (k < 82) addf(c, "%c%c", "abcxyz"[rnd(6)], "abc"[rnd(3)]);
    else if (k < 86) add(c, (const char *[]){" 5", "0x10", "1e3", "", "12abc", "inf", "-inf"}[rnd(7)]);
    else if (k < 88) add(c, (const char *[]){"nan", "1e400", "1e-400"}[rnd(3)]);
    else if (k < 90) add_bin(c, "3\0zz", 4);  /* strtod stops at the NUL */
    else addf(c, "%d", rnd(1000));
}

/* A source key; *kind: 0 list, 1 set, 2 sorted set (the row's own keys,
 * by intended type), -1 any row's key. */
static void sort_src_key(Cmd *c, int *kind)
{
    if (chance(8)) {
        add_any_key(c);
        *kind = -1;
        return;
    }
    int i = rnd(6);
    addf(c, "df:o%d", i);
    *kind = i / 2;
}

static void sort_fill(Cmd *c)
{
    int kind = rnd(3), i = kind * 2 + rnd(2);
    static const char *cmd[] = {"RPUSH", "SADD", "ZADD"};
    add_word(c, cmd[kind]);
    addf(c, "df:o%d", i);
    int n = chance(3) ? 130 + rnd(20) : 1 + rnd(6);
    for (int j = 0; j < n; j++) {
        if (kind == 2) addf(c, "%d", rnd(5));
        if (n > 100) addf(c, "e%d", j);
        else sort_elem(c);
    }
}

/* BY: *real when the pattern has a '*' (before any NUL). */
static void sort_add_by(Cmd *c, int *real)
{
    int k = rnd(100);
    *real = 1;
    add_word(c, "BY");
    if (k < 35) add(c, "df:ow_*");
    else if (k < 55) add(c, "df:oh_*->f");
    else if (k < 60) add(c, "df:oh_*->g");
    else if (k < 63) add(c, "df:oh_*->");
    else if (k < 66) add(c, "*");
    else if (k < 69) { add_bin(c, "nosort\0*", 8); *real = 0; }
    else {
        *real = 0;
        add(c, (const char *[]){"nosort", "df:ow_", "#", "x->f"}[rnd(4)]);
    }
}

static void sort_add_get(Cmd *c)
{
    add_word(c, "GET");
    add(c, (const char *[]){"#", "df:ow_*", "df:oh_*->f", "df:oh_*->g", "constant", "df:o*", "#x"}[rnd(7)]);
}

static void sort_gen(Cmd *c)
{
    if (gen_reclaim(c, SORT_KEYS)) return;
    int w = rnd(100);
    if (w < 18) { sort_fill(c); return; }
    if (w < 26) {
        add_word(c, "SET");
        sort_weight_key(c, "df:ow_");
        sort_weight(c);
        return;
    }
    if (w < 32) {
        add_word(c, "HSET");
        sort_weight_key(c, "df:oh_");
        add(c, chance(85) ? "f" : "h");
        sort_weight(c);
        return;
    }

    int ro = chance(25);
    add_word(c, ro ? "SORT_RO" : "SORT");
    int kind;
    sort_src_key(c, &kind);
    int by_real = 0, by_const = 0, alpha = 0, has_by = 0;
    int nopts = rnd(5);
    for (int i = 0; i < nopts; i++) {
        int k = rnd(100);
        if (k < 20) {
            add_word(c, chance(50) ? "DESC" : "ASC");
        } else if (k < 38) {
            add_word(c, "ALPHA");
            alpha = 1;
        } else if (k < 55) {
            add_word(c, "LIMIT");
            if (chance(92)) addf(c, "%d", rnd(8) - (chance(10) ? 3 : 0));
            else add_special(c);
            if (chance(92)) addf(c, "%d", rnd(8) - 2);
            else add_special(c);
        } else if (k < 75 && !has_by) {
            int real;
            sort_add_by(c, &real);
            has_by = 1;
            by_real = real;
            by_const = !real;
        } else if (k < 94) {
            sort_add_get(c);
        } else {
            add_word(c, chance(50) ? "BOGUS" : "LIMIT");
        }
    }
    /* STORE last, and never where the stored order could be the input
     * order of a set or sorted set (ALPHA with a real BY pattern). */
    if (chance(20) && !(alpha && by_real)) {
        add_word(c, "STORE");
        addf(c, "df:o%d", 6 + rnd(2));
    }
    (void)by_const;
}

static const DiffType difftype_sort = {
    "sort", NULL,
    "SORT SORT_RO RPUSH SADD ZADD SET HSET DEL",
    10, SORT_KEYS, sort_gen, NULL,
};

#endif
