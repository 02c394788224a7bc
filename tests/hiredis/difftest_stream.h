/*
 * difftest_stream.h - difftest's stream row: XADD with explicit and
 * "ms-*" IDs (many below the top item: the errors are compared too),
 * NOMKSTREAM, MAXLEN/MINID with = and ~ and LIMIT; XRANGE/XREVRANGE with
 * "-", "+", exclusive and incomplete bounds and COUNT; XLEN, XDEL, XTRIM,
 * XSETID (ENTRIESADDED, MAXDELETEDID); XREAD of one or two streams with
 * IDs or "$"; consumer groups: XGROUP CREATE (MKSTREAM, ENTRIESREAD) /
 * SETID / DESTROY / CREATECONSUMER / DELCONSUMER, XREADGROUP (">" and
 * history, COUNT, NOACK), XACK, XPENDING (the summary exactly, the
 * extended form by shape: it shows idle times), XCLAIM and XAUTOCLAIM
 * (min-idle-time 0 or one no delivery of a run reaches, IDLE/TIME far in
 * the past, RETRYCOUNT, FORCE, JUSTID, LASTID), XINFO GROUPS exactly,
 * XINFO STREAM by shape (radix-tree-nodes counts each server's own tree),
 * XINFO CONSUMERS.  Accepted Valkey 8 / Redis 7.0 differences (see the
 * matchers below): XINFO CONSUMERS's `inactive`, consumers created by an
 * XREADGROUP that read nothing, the unbalanced-streams error's wording,
 * XSETID's max-deleted-ID check.
 *
 * Never sent: XADD "*" (time-based IDs would make the keyspaces drift),
 * XREAD "+" (Redis 7.2+/Valkey 8), BLOCK.  Keys "df:t0".."df:t5".
 * Dump: XINFO STREAM FULL COUNT 0 without what depends on time or on the
 * server's tree shape: every entry, length, radix-tree-keys (node
 * boundaries are Valkey's, so `~` trims alike), the IDs and counters, and
 * per group (by name) its last ID, entries-read, lag and PEL (ID, owner,
 * delivery count), per consumer with something pending its name and
 * pending IDs with counts.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_STREAM_H
#define TESTS_HIREDIS_DIFFTEST_STREAM_H

#include "difftest_gen.h"

#define STREAM_KEYS "df:t", 6

static void stream_key(Cmd *c) { add_key_of(c, STREAM_KEYS); }

/* An entry ID: mostly "ms-seq" from a small space, sometimes incomplete,
 * edge or invalid. */
static void stream_id(Cmd *c)
{
    int k = rnd(100);
    if (k < 55) addf(c, "%d-%d", 1 + rnd(60), rnd(4));
    else if (k < 75) addf(c, "%d", 1 + rnd(60));
    else if (k < 80) add(c, (const char *[]){"0-0", "0", "0-1", "18446744073709551615-18446744073709551615"}[rnd(4)]);
    else if (k < 85) add(c, (const char *[]){"-", "+", "x", "1-x", "-1", "1-2-3", ""}[rnd(7)]);
    else if (k < 95) addf(c, "%d-%d", 1 + rnd(60), rnd(4));
    else add_special(c);
}

/* A range bound: "-", "+", an ID, incomplete or exclusive. */
static void stream_bound(Cmd *c, int low)
{
    int k = rnd(100);
    if (k < 20) add(c, low ? "-" : "+");
    else if (k < 55) addf(c, "%d-%d", 1 + rnd(60), rnd(4));
    else if (k < 75) addf(c, "%d", 1 + rnd(60));
    else if (k < 90) addf(c, "(%d-%d", 1 + rnd(60), rnd(4));
    else add(c, (const char *[]){"(-", "(+", "x", "(18446744073709551615-18446744073709551615", "(0-0", "(", "+", "-"}[rnd(8)]);
}

static void stream_field(Cmd *c)
{
    int k = rnd(100);
    if (k < 60) add(c, (const char *[]){"temp", "f", "g"}[rnd(3)]);
    else add_elem(c);
}

static void stream_group(Cmd *c)
{
    int k = rnd(100);
    add(c, k < 75 ? "g0" : k < 95 ? "g1" : "nog");
}
static void stream_consumer(Cmd *c) { addf(c, "c%d", rnd(3)); }

/* MAXLEN/MINID [=|~] threshold [LIMIT n]; sometimes malformed. */
static void stream_trim(Cmd *c, int required)
{
    if (!required && chance(60)) return;
    int minid = chance(35);
    add_word(c, minid ? "MINID" : "MAXLEN");
    int op = rnd(3);
    if (op == 1) add(c, "=");
    else if (op == 2) add(c, "~");
    if (minid) stream_id(c);
    else if (chance(90)) addf(c, "%d", rnd(30));
    else add_count(c);
    if (chance(op == 2 ? 40 : 5)) {
        add_word(c, "LIMIT");
        if (chance(90)) addf(c, "%d", rnd(40));
        else add_count(c);
    }
}

static void stream_gen_xadd(Cmd *c)
{
    add_word(c, "XADD");
    stream_key(c);
    if (chance(10)) add_word(c, "NOMKSTREAM");
    stream_trim(c, 0);
    /* "ms-*" near the top of the IDs' range mostly succeeds (same ms: the
     * next sequence), so streams grow; random IDs mostly fail. */
    int k = rnd(100);
    if (k < 50) add(c, "60-*");
    else if (k < 65) addf(c, "%d-*", 57 + rnd(4));
    else if (k < 75) addf(c, "%d-*", 1 + rnd(60));
    else stream_id(c);
    int pairs = chance(85) ? 1 : 1 + rnd(3);
    for (int i = 0; i < pairs; i++) {
        stream_field(c);
        if (chance(8)) {
            /* Big values: a node reaches stream-node-max-bytes (4096)
             * after a few, so node boundaries and `~` trims happen. */
            char b[3000];
            int n = 800 + rnd(2200);
            for (int j = 0; j < n; j++) b[j] = "xyz"[(j * 5 + rnd(2)) % 3];
            add_bin(c, b, (size_t)n);
        } else {
            add_value(c);
        }
    }
    if (chance(2)) add(c, "dangling");
}

static void stream_gen_xread(Cmd *c)
{
    add_word(c, "XREAD");
    if (chance(50)) {
        add_word(c, "COUNT");
        add_count(c);
    }
    add_word(c, "STREAMS");
    int n = chance(70) ? 1 : 2;
    for (int i = 0; i < n; i++) stream_key(c);
    /* "+" (the last entry) is Redis 7.4/Valkey 8: 7.0 refuses it. */
    for (int i = 0; i < n; i++) {
        if (chance(20)) add(c, "$");
        else if (chance(95)) addf(c, "%d-%d", rnd(60), rnd(4));
        else add(c, (const char *[]){"-", "x", "0", "18446744073709551615-18446744073709551615"}[rnd(4)]);
    }
}

static void stream_gen_xreadgroup(Cmd *c)
{
    add_word(c, "XREADGROUP");
    add_word(c, "GROUP");
    stream_group(c);
    stream_consumer(c);
    if (chance(50)) {
        add_word(c, "COUNT");
        add_count(c);
    }
    if (chance(20)) add_word(c, "NOACK");
    add_word(c, "STREAMS");
    stream_key(c);
    int k = rnd(100);
    if (k < 70) add(c, ">");
    else if (k < 85) add(c, "0");
    else if (k < 97) addf(c, "%d-%d", rnd(60), rnd(4));
    /* not "+": Valkey 8 explains it is meaningless, 7.0 calls it invalid */
    else add(c, (const char *[]){"$", "x", "-"}[rnd(3)]);
}

static void stream_gen_xgroup(Cmd *c)
{
    add_word(c, "XGROUP");
    int k = rnd(100);
    if (k < 55) {
        add_word(c, "CREATE");
        stream_key(c);
        stream_group(c);
        if (chance(30)) add(c, "$");
        else if (chance(80)) addf(c, "%d", rnd(40));
        else stream_id(c);
        if (chance(60)) add_word(c, "MKSTREAM");
        if (chance(20)) {
            add_word(c, "ENTRIESREAD");
            if (chance(80)) addf(c, "%d", rnd(30) - 1);
            else add_count(c);
        }
    } else if (k < 70) {
        add_word(c, "SETID");
        stream_key(c);
        stream_group(c);
        if (chance(30)) add(c, "$");
        else stream_id(c);
        if (chance(30)) {
            add_word(c, "ENTRIESREAD");
            addf(c, "%d", rnd(30) - 1);
        }
    } else if (k < 74) {
        add_word(c, "DESTROY");
        stream_key(c);
        stream_group(c);
    } else if (k < 87) {
        add_word(c, "CREATECONSUMER");
        stream_key(c);
        stream_group(c);
        stream_consumer(c);
    } else {
        add_word(c, "DELCONSUMER");
        stream_key(c);
        stream_group(c);
        stream_consumer(c);
    }
}

/* A min-idle-time no delivery of a run reaches (IDLE/TIME below put some
 * far in the past), or 0. */
static void stream_min_idle(Cmd *c)
{
    int k = rnd(100);
    if (k < 70) add(c, "0");
    else if (k < 90) add(c, "100000000");
    else if (k < 95) add(c, "-5");
    else add(c, "x");
}

static void stream_gen_xclaim(Cmd *c)
{
    add_word(c, "XCLAIM");
    stream_key(c);
    stream_group(c);
    stream_consumer(c);
    stream_min_idle(c);
    int n = 1 + rnd(3);
    for (int i = 0; i < n; i++) stream_id(c);
    if (chance(20)) {
        add_word(c, "IDLE");
        add(c, chance(70) ? "1000000000" : "0");
    }
    if (chance(10)) {
        add_word(c, "TIME");
        addf(c, "%d", rnd(1000000));
    }
    if (chance(20)) {
        add_word(c, "RETRYCOUNT");
        if (chance(90)) addf(c, "%d", rnd(10));
        else add_count(c);
    }
    if (chance(25)) add_word(c, "FORCE");
    if (chance(25)) add_word(c, "JUSTID");
    if (chance(10)) {
        add_word(c, "LASTID");
        stream_id(c);
    }
}

static void stream_gen_xautoclaim(Cmd *c)
{
    add_word(c, "XAUTOCLAIM");
    stream_key(c);
    stream_group(c);
    stream_consumer(c);
    stream_min_idle(c);
    if (chance(60)) add(c, "0");
    else stream_bound(c, 1);
    if (chance(50)) {
        add_word(c, "COUNT");
        if (chance(85)) addf(c, "%d", 1 + rnd(5));
        else add_count(c);
    }
    if (chance(25)) add_word(c, "JUSTID");
}

static void stream_gen(Cmd *c)
{
    if (gen_reclaim(c, STREAM_KEYS)) return;
    int k = rnd(1000);
    if (k < 250) {
        stream_gen_xadd(c);
    } else if (k < 340) {
        add_word(c, chance(60) ? "XRANGE" : "XREVRANGE");
        int rev = !strcasecmp(c->argv[0], "XREVRANGE");
        stream_key(c);
        stream_bound(c, !rev);
        stream_bound(c, rev);
        if (chance(50)) {
            add_word(c, "COUNT");
            add_count(c);
        }
    } else if (k < 370) {
        add_word(c, "XLEN");
        stream_key(c);
    } else if (k < 420) {
        add_word(c, "XDEL");
        stream_key(c);
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) stream_id(c);
    } else if (k < 460) {
        add_word(c, "XTRIM");
        stream_key(c);
        stream_trim(c, chance(95));
    } else if (k < 480) {
        add_word(c, "XSETID");
        stream_key(c);
        stream_id(c);
        if (chance(30)) {
            add_word(c, "ENTRIESADDED");
            addf(c, "%d", rnd(40) - 1);
        }
        if (chance(20)) {
            add_word(c, "MAXDELETEDID");
            stream_id(c);
        }
    } else if (k < 520) {
        stream_gen_xread(c);
    } else if (k < 640) {
        stream_gen_xgroup(c);
    } else if (k < 720) {
        stream_gen_xreadgroup(c);
    } else if (k < 770) {
        add_word(c, "XACK");
        stream_key(c);
        stream_group(c);
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) stream_id(c);
    } else if (k < 830) {
        add_word(c, "XPENDING");
        stream_key(c);
        stream_group(c);
        if (chance(50)) {
            if (chance(20)) {
                add_word(c, "IDLE");
                add(c, chance(50) ? "0" : "100000000");
            }
            stream_bound(c, 1);
            stream_bound(c, 0);
            add_count(c);
            if (chance(40)) stream_consumer(c);
            c->cmp = CMP_SHAPE;
        }
    } else if (k < 900) {
        stream_gen_xclaim(c);
    } else if (k < 950) {
        stream_gen_xautoclaim(c);
    } else if (k < 975) {
        add_word(c, "XINFO");
        add_word(c, "GROUPS");
        stream_key(c);
    } else if (k < 988) {
        add_word(c, "XINFO");
        add_word(c, "STREAM");
        stream_key(c);
        c->cmp = CMP_SHAPE;
    } else {
        add_word(c, "XINFO");
        add_word(c, "CONSUMERS");
        stream_key(c);
        stream_group(c);
    }
}

/* ---- the dump ----------------------------------------------------------- */

/* The value of `name` in a map reply (RESP3 map or RESP2 flat array). */
static RVal *stream_map_get(RVal *m, const char *name)
{
    if (!m || (m->type != '%' && m->type != '*')) return NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        RVal *k = m->elem[i];
        if (k->str && k->len == strlen(name) && !memcmp(k->str, name, k->len)) return m->elem[i + 1];
    }
    return NULL;
}

/* Moves v (may be NULL: a nil) into the array out. */
static void stream_push(RVal *out, RVal *v)
{
    out->elem = realloc(out->elem, (out->n + 1) * sizeof *out->elem);
    if (!v) {
        v = calloc(1, sizeof *v);
        v->type = '_';
    }
    out->elem[out->n++] = v;
}

static RVal *stream_array(void)
{
    RVal *a = calloc(1, sizeof *a);
    a->type = '*';
    return a;
}

/* Detaches the field of m (so freeing m leaves it alone). */
static RVal *stream_take(RVal *m, const char *name)
{
    if (!m || (m->type != '%' && m->type != '*')) return NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        RVal *k = m->elem[i];
        if (k->str && k->len == strlen(name) && !memcmp(k->str, name, k->len)) {
            RVal *v = m->elem[i + 1];
            m->elem[i + 1] = calloc(1, sizeof *v);
            m->elem[i + 1]->type = '_';
            return v;
        }
    }
    return NULL;
}

/* [elem[i] for each i in idx] of a list of arrays, as a new array. */
static RVal *stream_pick(RVal *list, const int *idx, int nidx)
{
    RVal *out = stream_array();
    for (size_t i = 0; list && i < list->n; i++) {
        RVal *e = list->elem[i], *row = stream_array();
        for (int j = 0; j < nidx; j++) {
            RVal *x = e && (size_t)idx[j] < e->n ? e->elem[idx[j]] : NULL;
            if (x) e->elem[idx[j]] = NULL;
            stream_push(row, x);
        }
        stream_push(out, row);
    }
    return out;
}

static RVal *stream_dump(Server *s, const char *key, size_t keylen)
{
    char *argv[6] = {"XINFO", "STREAM", (char *)key, "FULL", "COUNT", "0"};
    size_t lens[6] = {5, 6, keylen, 4, 5, 1};
    RVal *full = call(s, 6, argv, lens);
    if (!full || (full->type != '%' && full->type != '*')) return full;
    RVal *out = stream_array();
    static const char *fields[] = {"length", "radix-tree-keys", "last-generated-id", "max-deleted-entry-id",
                                   "entries-added", "recorded-first-entry-id", "entries"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) stream_push(out, stream_take(full, fields[i]));
    RVal *groups = stream_map_get(full, "groups");
    RVal *gout = stream_array();
    for (size_t i = 0; groups && i < groups->n; i++) {
        RVal *g = groups->elem[i], *row = stream_array();
        static const char *gf[] = {"name", "last-delivered-id", "entries-read", "lag", "pel-count"};
        for (size_t j = 0; j < sizeof gf / sizeof *gf; j++) stream_push(row, stream_take(g, gf[j]));
        static const int pel_idx[] = {0, 1, 3}; /* ID, owner, deliveries (not the time) */
        stream_push(row, stream_pick(stream_map_get(g, "pending"), pel_idx, 3));
        RVal *cons = stream_map_get(g, "consumers"), *cout = stream_array();
        for (size_t j = 0; cons && j < cons->n; j++) {
            /* Consumers with nothing pending may exist on ours only (an
             * XREADGROUP that read nothing creates one in Valkey 8). */
            RVal *pc = stream_map_get(cons->elem[j], "pel-count");
            if (pc && pc->integer == 0) continue;
            RVal *cn = cons->elem[j], *crow = stream_array();
            stream_push(crow, stream_take(cn, "name"));
            stream_push(crow, stream_take(cn, "pel-count"));
            static const int cpel_idx[] = {0, 2}; /* ID, deliveries */
            stream_push(crow, stream_pick(stream_map_get(cn, "pending"), cpel_idx, 2));
            stream_push(cout, crow);
        }
        stream_push(row, cout);
        stream_push(gout, row);
    }
    stream_push(out, gout);
    rval_free(full);
    return out;
}

/* Two accepted differences (difftest.c's table) meet in XINFO:
 *  - Valkey 8 (Redis 7.2+) creates the consumer of every XREADGROUP, even
 *    one that reads nothing; Redis 7.0 only when something is served.  So
 *    ours may list more consumers (with nothing pending) and count more;
 *  - XINFO CONSUMERS in Valkey 8 has a fourth field, `inactive`, and its
 *    `idle` counts from the last attempt; 7.0 answers name, pending, idle.
 * XINFO GROUPS matches when only `consumers` is larger on ours; XINFO
 * CONSUMERS when redis's consumers are among ours with the same pending
 * counts and ours's others have nothing pending. */
static int stream_str_eq(const RVal *a, const RVal *b)
{
    return a && b && a->str && b->str && a->len == b->len && !memcmp(a->str, b->str, a->len);
}

static int m_xinfo_consumers(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)rs;
    if (!o || !r || o->type != '*' || r->type != '*') return 0;
    if (c->argc == 3 && !strcasecmp(c->argv[1], "GROUPS")) {
        if (o->n != r->n) return 0;
        for (size_t i = 0; i < o->n; i++) {
            RVal *a = o->elem[i], *b = r->elem[i];
            if (!a || !b || a->n != b->n) return 0;
            for (size_t j = 0; j + 1 < a->n; j += 2) {
                if (!stream_str_eq(a->elem[j], b->elem[j])) return 0;
                int is_cons = a->elem[j]->len == 9 && !memcmp(a->elem[j]->str, "consumers", 9);
                if (is_cons ? a->elem[j + 1]->integer < b->elem[j + 1]->integer
                            : rval_cmp(a->elem[j + 1], b->elem[j + 1]) != 0)
                    return 0;
            }
        }
        return 1;
    }
    if (c->argc != 4 || strcasecmp(c->argv[1], "CONSUMERS")) return 0;
    size_t j = 0;
    for (size_t i = 0; i < o->n; i++) {
        RVal *a = o->elem[i];
        RVal *an = stream_map_get(a, "name"), *ap = stream_map_get(a, "pending");
        if (!an || !ap || !stream_map_get(a, "inactive")) return 0;
        RVal *b = j < r->n ? r->elem[j] : NULL;
        if (b && stream_str_eq(an, stream_map_get(b, "name"))) {
            RVal *bp = stream_map_get(b, "pending");
            if (!bp || bp->integer != ap->integer) return 0;
            j++;
        } else if (ap->integer != 0) {
            return 0;
        }
    }
    return j == r->n;
}

/* XGROUP CREATECONSUMER of a consumer only ours has (see above). */
static int m_xgroup_createconsumer(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)rs;
    return c->argc == 5 && !strcasecmp(c->argv[1], "CREATECONSUMER") && o && r && o->type == ':' &&
           r->type == ':' && o->integer == 0 && r->integer == 1;
}

/* Accepted difference: Valkey 8 names the command and its special ID in
 * the unbalanced-arguments error ("Unbalanced 'xreadgroup' list of
 * streams: ... or '>' ..."); Redis 7.0 always says XREAD and '$'. */
static int m_xread_unbalanced(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    static const char p[] = "ERR Unbalanced ";
    return o && r && o->type == '-' && r->type == '-' && !strncmp(o->str, p, sizeof p - 1) &&
           !strncmp(r->str, "ERR Unbalanced XREAD list of streams", 36);
}

/* Accepted difference: Valkey 8 (Redis 7.2+) refuses an XSETID below the
 * stream's max deleted ID, checked before the top item; Redis 7.0 checks
 * the top item first (and has no such check when it passes).  The key is
 * deleted on both afterwards, as they may now differ. */
static int m_xsetid_maxdeleted(const Cmd *c, const RVal *o, const RVal *r, Server *rs)
{
    (void)c;
    (void)rs;
    static const char e[] = "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id";
    return o && r && o->type == '-' && !strcmp(o->str, e) && (r->type != '-' || strcmp(r->str, e));
}

static const DiffType difftype_stream = {
    "stream", "stream",
    "XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD XGROUP XREADGROUP XACK XPENDING XCLAIM "
    "XAUTOCLAIM XINFO DEL",
    25, STREAM_KEYS, stream_gen, stream_dump,
};

#endif
