/* test_streamstore.c - unit tests for src/ds/streamstore (a stream's
 * entries in our dense node format).
 *
 * The model test runs Valkey's own algorithm next to the store: a list
 * of real listpacks (src/ds/listpack) built, counted, flagged and trimmed
 * step by step as Valkey's t_stream.c does (streamAppendItem with its
 * node-size and node-entries limits, XDEL's flagging and node freeing,
 * streamTrim with MAXLEN/MINID, `~` and LIMIT), plus a plain array of the
 * live entries.  After every step the store must agree: each node,
 * converted with ss_node_to_listpack, is byte for byte the model's
 * listpack (so node boundaries, master entries, flags, delta-encoded IDs
 * and counters all match Valkey's), lengths and first IDs match, and
 * ss_check passes.  Range iteration both ways (open, closed, empty,
 * tombstones included or not), ss_exists and the edge IDs are compared
 * with the array; copies (ss_dup) and stores rebuilt from the listpacks
 * (ss_add_listpack) must iterate the same.  Thousands of seeded rounds
 * vary the limits (tiny byte limits, 1-entry nodes, no limits), the
 * fields (repeating the master's or not, integers at every listpack
 * integer width, binary, empty, long strings) and the ID gaps (same ms,
 * small and huge ms steps, sequences near 2^64).  Other tests: corrupt
 * listpacks refused by ss_add_listpack, and the density the memory
 * target relies on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/listpack.h"
#include "ds/streamstore.h"
#include "unit.h"

/* ------------------------------------------------------------- model */

#define MAXF 6
#define MAXV 300

typedef struct MEntry {
    StreamId id;
    int nf;
    size_t flen[MAXF], vlen[MAXF];
    char f[MAXF][MAXV], v[MAXF][MAXV];
} MEntry;

/* Live entries, in ID order. */
static MEntry *ents;
static size_t nents, cap_ents;

typedef struct MNode {
    StreamId master;
    unsigned char *lp;
} MNode;

static MNode *mnodes;
static size_t nmnodes, cap_mnodes;
static uint64_t m_length;
static StreamId m_first, m_last, m_maxdel;

static int64_t lpi(unsigned char *p) {
    int64_t v;
    if (!lp_get_int(p, &v)) {
        printf("model: not an integer entry\n");
        abort();
    }
    return v;
}

static int lp_eq(unsigned char *p, const char *s, size_t len) { return lp_compare(p, s, len); }

static void m_append(StreamId id, const MEntry *e, size_t max_bytes, uint64_t max_entries) {
    size_t tot = 0;
    for (int i = 0; i < e->nf; i++) tot += e->flen[i] + e->vlen[i];
    if (max_bytes == 0 || max_bytes > SS_LISTPACK_MAX) max_bytes = SS_LISTPACK_MAX;
    MNode *tail = nmnodes ? &mnodes[nmnodes - 1] : NULL;
    if (tail) {
        unsigned char *p = lp_first(tail->lp);
        int64_t count = lpi(p) + lpi(lp_next(tail->lp, p));
        if (lp_bytes(tail->lp) + tot >= max_bytes || (max_entries && (uint64_t)count >= max_entries)) tail = NULL;
    }
    int flags = 0;
    if (!tail) {
        if (nmnodes == cap_mnodes) {
            cap_mnodes = cap_mnodes ? cap_mnodes * 2 : 16;
            mnodes = realloc(mnodes, sizeof(MNode) * cap_mnodes);
        }
        tail = &mnodes[nmnodes++];
        tail->master = id;
        unsigned char *lp = lp_new(64);
        lp = lp_append_int(lp, 1);
        lp = lp_append_int(lp, 0);
        lp = lp_append_int(lp, e->nf);
        for (int i = 0; i < e->nf; i++) lp = lp_append(lp, e->f[i], e->flen[i]);
        lp = lp_append_int(lp, 0);
        tail->lp = lp;
        flags = SS_SAMEFIELDS;
    } else {
        unsigned char *p = lp_first(tail->lp);
        tail->lp = lp_replace_int(tail->lp, &p, lpi(p) + 1);
        p = lp_next(tail->lp, p);
        p = lp_next(tail->lp, p);
        int64_t mf = lpi(p);
        if (mf == e->nf) {
            int i;
            for (i = 0; i < e->nf; i++) {
                p = lp_next(tail->lp, p);
                if (!lp_eq(p, e->f[i], e->flen[i])) break;
            }
            if (i == e->nf) flags = SS_SAMEFIELDS;
        }
    }
    unsigned char *lp = tail->lp;
    lp = lp_append_int(lp, flags);
    lp = lp_append_int(lp, (int64_t)(id.ms - tail->master.ms));
    lp = lp_append_int(lp, (int64_t)(id.seq - tail->master.seq));
    if (!(flags & SS_SAMEFIELDS)) lp = lp_append_int(lp, e->nf);
    for (int i = 0; i < e->nf; i++) {
        if (!(flags & SS_SAMEFIELDS)) lp = lp_append(lp, e->f[i], e->flen[i]);
        lp = lp_append(lp, e->v[i], e->vlen[i]);
    }
    lp = lp_append_int(lp, e->nf + 3 + ((flags & SS_SAMEFIELDS) ? 0 : e->nf + 1));
    tail->lp = lp;
    m_length++;
    m_last = id;
    if (m_length == 1) m_first = id;
    if (nents == cap_ents) {
        cap_ents = cap_ents ? cap_ents * 2 : 64;
        ents = realloc(ents, sizeof(MEntry) * cap_ents);
    }
    ents[nents] = *e;
    ents[nents].id = id;
    nents++;
}

/* Walks the model node's entries: calls fn for each with its flags
 * pointer (the listpack may move if fn replaces). */
typedef struct MWalk {
    MNode *n;
    unsigned char *p;       /* flags entry of the current entry */
    unsigned char *next;    /* flags entry of the next (NULL at end) */
    StreamId id;
    int64_t flags;
} MWalk;

static void mw_start(MWalk *w, MNode *n) {
    w->n = n;
    unsigned char *p = lp_first(n->lp);
    p = lp_next(n->lp, p);
    p = lp_next(n->lp, p);
    int64_t mf = lpi(p);
    for (int64_t i = 0; i < mf + 2; i++) p = lp_next(n->lp, p);
    w->next = p;
}

static int mw_next(MWalk *w) {
    unsigned char *lp = w->n->lp, *p = w->next;
    if (!p) return 0;
    w->p = p;
    w->flags = lpi(p);
    p = lp_next(lp, p);
    w->id.ms = w->n->master.ms + (uint64_t)lpi(p);
    p = lp_next(lp, p);
    w->id.seq = w->n->master.seq + (uint64_t)lpi(p);
    p = lp_next(lp, p);
    int64_t skip;
    if (w->flags & SS_SAMEFIELDS) {
        unsigned char *q = lp_first(lp);
        q = lp_next(lp, q);
        q = lp_next(lp, q);
        skip = lpi(q);
    } else {
        skip = 2 * lpi(p);
        p = lp_next(lp, p);
    }
    for (int64_t i = 0; i < skip; i++) p = lp_next(lp, p);
    /* p is the lp-count; the next entry follows it */
    w->next = lp_next(lp, p);
    return 1;
}

static void m_remove_node(size_t i) {
    lp_free(mnodes[i].lp);
    memmove(&mnodes[i], &mnodes[i + 1], sizeof(MNode) * (nmnodes - i - 1));
    nmnodes--;
}

/* Flags the entry at w->p deleted, adjusting the counters. */
static void m_flag(MWalk *w) {
    MNode *n = w->n;
    size_t off_next = w->next ? (size_t)(w->next - n->lp) : 0;
    unsigned char *p = w->p;
    n->lp = lp_replace_int(n->lp, &p, w->flags | SS_DELETED);
    p = lp_first(n->lp);
    int64_t count = lpi(p);
    n->lp = lp_replace_int(n->lp, &p, count - 1);
    p = lp_next(n->lp, p);
    int64_t del = lpi(p);
    n->lp = lp_replace_int(n->lp, &p, del + 1);
    /* Counter widths may have changed: find the next entry again. */
    if (off_next) {
        MWalk again;
        mw_start(&again, n);
        while (mw_next(&again) && sid_cmp(again.id, w->id) != 0) {}
        w->next = again.next;
    }
}

static void ents_remove(StreamId id) {
    for (size_t i = 0; i < nents; i++) {
        if (sid_cmp(ents[i].id, id) == 0) {
            memmove(&ents[i], &ents[i + 1], sizeof(MEntry) * (nents - i - 1));
            nents--;
            return;
        }
    }
}

static int m_delete(StreamId id) {
    for (size_t i = nmnodes; i-- > 0;) {
        if (sid_cmp(mnodes[i].master, id) > 0) continue;
        MWalk w;
        mw_start(&w, &mnodes[i]);
        while (mw_next(&w)) {
            if (sid_cmp(w.id, id) != 0) continue;
            if (w.flags & SS_DELETED) return 0;
            if (lpi(lp_first(mnodes[i].lp)) == 1) m_remove_node(i);
            else m_flag(&w);
            m_length--;
            ents_remove(id);
            m_first = nents ? ents[0].id : sid_make(0, 0);
            if (sid_cmp(id, m_maxdel) > 0) m_maxdel = id;
            return 1;
        }
        return 0;
    }
    return 0;
}

static int64_t m_trim(int strategy, uint64_t maxlen, StreamId minid, int approx, int64_t limit) {
    int64_t deleted = 0;
    while (nmnodes) {
        if (strategy == SS_TRIM_MAXLEN && m_length <= maxlen) break;
        MNode *n = &mnodes[0];
        int64_t entries = lpi(lp_first(n->lp));
        if (limit && deleted + entries > limit) break;
        int remove;
        if (strategy == SS_TRIM_MAXLEN) {
            remove = m_length - (uint64_t)entries >= maxlen;
        } else {
            MWalk w;
            mw_start(&w, n);
            StreamId last = n->master;
            while (mw_next(&w)) last = w.id;
            remove = sid_cmp(last, minid) < 0;
        }
        if (remove) {
            MWalk w;
            mw_start(&w, n);
            while (mw_next(&w))
                if (!(w.flags & SS_DELETED)) ents_remove(w.id);
            m_remove_node(0);
            m_length -= (uint64_t)entries;
            deleted += entries;
            continue;
        }
        if (approx) break;
        MWalk w;
        mw_start(&w, n);
        while (mw_next(&w)) {
            int stop = strategy == SS_TRIM_MAXLEN ? m_length <= maxlen : sid_cmp(w.id, minid) >= 0;
            if (stop) break;
            if (!(w.flags & SS_DELETED)) {
                m_flag(&w);
                ents_remove(w.id);
                m_length--;
                deleted++;
            }
        }
        break;
    }
    if (m_length == 0) m_first = sid_make(0, 0);
    else if (deleted) m_first = ents[0].id;
    return deleted;
}

static void m_reset(void) {
    for (size_t i = 0; i < nmnodes; i++) lp_free(mnodes[i].lp);
    nmnodes = 0;
    nents = 0;
    m_length = 0;
    m_first = m_last = m_maxdel = sid_make(0, 0);
}

/* ------------------------------------------------------- comparisons */

static int compare_nodes(const StreamStore *s) {
    if (!CHECK_EQ_UINT(nmnodes, ss_nodes(s))) return 0;
    IdtIter it;
    size_t i = 0;
    for (idt_seek_first(&it, &s->index); idt_valid(&it); idt_next(&it), i++) {
        SsNode *n;
        memcpy(&n, idt_val(&it), sizeof(n));
        StreamId k = idt_key(&it);
        if (!CHECK(sid_cmp(k, mnodes[i].master) == 0)) return 0;
        unsigned char *lp = ss_node_to_listpack(n, k);
        CHECK_EQ_UINT(lp_bytes(mnodes[i].lp), ss_node_vk_bytes(n));
        int same = CHECK_MEM((const char *)mnodes[i].lp, lp_bytes(mnodes[i].lp), (const char *)lp, lp_bytes(lp));
        lp_free(lp);
        if (!same) return 0;
    }
    return 1;
}

static int entry_matches(SsIter *it, const MEntry *e) {
    if (!CHECK(sid_cmp(it->id, e->id) == 0)) return 0;
    if (!CHECK_EQ_UINT((uint64_t)e->nf, it->nfields)) return 0;
    for (int i = 0; i < e->nf; i++) {
        SsVal f, v;
        char fb[SS_INTBUF], vb[SS_INTBUF];
        size_t fl, vl;
        ss_field(it, &f, &v);
        const char *fs = ss_val_str(&f, fb, &fl), *vs = ss_val_str(&v, vb, &vl);
        if (!CHECK_MEM(e->f[i], e->flen[i], fs, fl)) return 0;
        if (!CHECK_MEM(e->v[i], e->vlen[i], vs, vl)) return 0;
    }
    return 1;
}

static size_t ents_lower(StreamId id) {
    size_t lo = 0, hi = nents;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sid_cmp(ents[mid].id, id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Iterates [a, b] and compares with the model; read_fields 0 reads none,
 * 2 some, 1 all (the iterator must cope with each). */
static void compare_range(const StreamStore *s, const StreamId *a, const StreamId *b, int rev, int read_fields) {
    StreamId lo = a ? *a : sid_make(0, 0), hi = b ? *b : sid_max();
    size_t from = ents_lower(lo), to = from;
    while (to < nents && sid_cmp(ents[to].id, hi) <= 0) to++;
    SsIter it;
    ss_iter_start(&it, s, a, b, rev);
    size_t n = 0, want = sid_cmp(lo, hi) > 0 ? 0 : to - from;
    while (ss_next(&it)) {
        if (!CHECK(n < want)) break;
        const MEntry *e = &ents[rev ? to - 1 - n : from + n];
        if (read_fields == 1) {
            if (!entry_matches(&it, e)) break;
        } else {
            if (!CHECK(sid_cmp(it.id, e->id) == 0)) break;
            if (read_fields == 2 && it.nfields) {
                SsVal f, v;
                ss_field(&it, &f, &v);
            }
        }
        n++;
    }
    CHECK_EQ_UINT(want, n);
    ss_iter_stop(&it);
}

static void compare_all(const StreamStore *s) {
    compare_range(s, NULL, NULL, 0, 1);
    compare_range(s, NULL, NULL, 1, 1);
}

static int compare_store(const StreamStore *s) {
    const char *err = ss_check(s);
    if (!CHECK(err == NULL)) {
        printf("    ss_check: %s\n", err);
        return 0;
    }
    CHECK_EQ_UINT(m_length, s->length);
    CHECK(sid_cmp(m_first, s->first_id) == 0);
    CHECK(sid_cmp(m_maxdel, s->max_deleted_id) == 0);
    return compare_nodes(s);
}

/* ------------------------------------------------------- generation */

static void gen_str(char *buf, size_t *len, int kind) {
    switch (kind) {
    case 0: *len = (size_t)snprintf(buf, MAXV, "%d", (int)unit_rand_below(128)); break;
    case 1: *len = (size_t)snprintf(buf, MAXV, "%lld", (long long)unit_rand_below(70000) - 35000); break;
    case 2: {
        static const char *edge[] = {"-9223372036854775808", "9223372036854775807", "-4096", "4095", "-4097",
                                     "4096", "32767", "-32769", "8388607", "-8388608", "2147483647",
                                     "-2147483649", "007", "-0", "+1", "1.5", "", "0", "-1", "128",
                                     "18446744073709551616", "12345678901234567890"};
        const char *e = edge[unit_rand_below(sizeof edge / sizeof *edge)];
        *len = strlen(e);
        memcpy(buf, e, *len);
        break;
    }
    case 3: {
        size_t n = unit_rand_below(12);
        for (size_t i = 0; i < n; i++) buf[i] = (char)unit_rand_below(256);
        *len = n;
        break;
    }
    default: {
        size_t n = 50 + unit_rand_below(MAXV - 50);
        for (size_t i = 0; i < n; i++) buf[i] = "abc\r\n\0"[unit_rand_below(6)];
        *len = n;
        break;
    }
    }
}

static void gen_entry(MEntry *e, const MEntry *prev_master) {
    if (prev_master && unit_rand_below(100) < 70) {
        e->nf = prev_master->nf;
        for (int i = 0; i < e->nf; i++) {
            e->flen[i] = prev_master->flen[i];
            memcpy(e->f[i], prev_master->f[i], e->flen[i]);
        }
        if (e->nf && unit_rand_below(10) == 0) {
            int i = (int)unit_rand_below((uint64_t)e->nf);
            gen_str(e->f[i], &e->flen[i], (int)unit_rand_below(4));
        }
    } else {
        e->nf = 1 + (int)unit_rand_below(unit_rand_below(4) == 0 ? MAXF : 2);
        for (int i = 0; i < e->nf; i++) {
            int k = (int)unit_rand_below(10);
            if (k < 5) {
                static const char *names[] = {"temp", "hum", "a", "b", "x"};
                const char *nm = names[unit_rand_below(5)];
                e->flen[i] = strlen(nm);
                memcpy(e->f[i], nm, e->flen[i]);
            } else {
                gen_str(e->f[i], &e->flen[i], k % 5);
            }
        }
    }
    for (int i = 0; i < e->nf; i++) gen_str(e->v[i], &e->vlen[i], (int)unit_rand_below(unit_rand_below(8) ? 4 : 5));
}

/* An ID above the last one, with gaps of every kind. */
static int next_id(StreamId last, StreamId *id) {
    int k = (int)unit_rand_below(100);
    *id = last;
    if (k < 40) {
        if (id->seq == UINT64_MAX) return 0;
        id->seq++;
        return 1;
    }
    if (k < 70) {
        uint64_t d = 1 + unit_rand_below(70);
        if (id->ms > UINT64_MAX - d) return 0;
        id->ms += d;
        id->seq = unit_rand_below(5) ? 0 : unit_rand_below(1000);
        return 1;
    }
    if (k < 80) {
        uint64_t d = 2 + unit_rand_below(100000);
        if (id->seq > UINT64_MAX - d) return 0;
        id->seq += d;
        return 1;
    }
    if (k < 90) {
        uint64_t r = unit_rand64();
        uint64_t d = 1 + (r >> unit_rand_below(64));
        if (id->ms > UINT64_MAX - d) return 0;
        id->ms += d;
        r = unit_rand64();
        id->seq = r >> unit_rand_below(64);
        return 1;
    }
    id->ms = last.ms + (last.ms == UINT64_MAX ? 0 : 1);
    if (id->ms == last.ms) return 0;
    id->seq = UINT64_MAX - unit_rand_below(3);
    return 1;
}

static StreamId random_known_id(void) {
    if (nents && unit_rand_below(3)) return ents[unit_rand_below(nents)].id;
    uint64_t ms = unit_rand_below(2) ? m_last.ms : m_last.ms / 2;
    uint64_t seq = unit_rand_below(4);
    return sid_make(ms, seq);
}

static void model_round(uint64_t seed, int ops) {
    unit_srand(seed);
    static const size_t byte_limits[] = {0, 4096, 100, 300, 1000, 60};
    static const uint64_t entry_limits[] = {0, 100, 1, 3, 7, 50};
    size_t maxb = byte_limits[unit_rand_below(6)];
    uint64_t maxe = entry_limits[unit_rand_below(6)];
    StreamStore s;
    ss_init(&s);
    m_reset();
    StreamId last = sid_make(unit_rand_below(3) ? 1700000000000ULL : unit_rand_below(3), 0);
    if (unit_rand_below(8) == 0) last = sid_make(UINT64_MAX - 2, 0);
    MEntry e, master;
    int have_master = 0;
    for (int op = 0; op < ops; op++) {
        int k = (int)unit_rand_below(100);
        if (unit_rand_below(300) == 0) {
            maxb = byte_limits[unit_rand_below(6)];
            maxe = entry_limits[unit_rand_below(6)];
        }
        if (k < 60) {
            StreamId id;
            if (!next_id(last, &id)) continue;
            gen_entry(&e, have_master ? &master : NULL);
            if (!have_master || unit_rand_below(20) == 0) {
                master = e;
                have_master = 1;
            }
            SsStr fv[2 * MAXF];
            for (int i = 0; i < e.nf; i++) {
                fv[2 * i].p = e.f[i];
                fv[2 * i].len = e.flen[i];
                fv[2 * i + 1].p = e.v[i];
                fv[2 * i + 1].len = e.vlen[i];
            }
            ss_append(&s, id, fv, (size_t)e.nf, maxb, maxe);
            m_append(id, &e, maxb, maxe);
            last = id;
        } else if (k < 72) {
            StreamId id = random_known_id();
            CHECK_EQ_INT(m_delete(id), ss_delete(&s, id));
        } else if (k < 78) {
            int approx = (int)unit_rand_below(2);
            int64_t limit = approx && unit_rand_below(2) ? (int64_t)unit_rand_below(300) : 0;
            int64_t a, b;
            if (unit_rand_below(2)) {
                uint64_t maxlen = m_length ? unit_rand_below(m_length + 3) : unit_rand_below(3);
                a = m_trim(SS_TRIM_MAXLEN, maxlen, sid_make(0, 0), approx, limit);
                b = ss_trim(&s, SS_TRIM_MAXLEN, maxlen, sid_make(0, 0), approx, limit);
            } else {
                StreamId minid = random_known_id();
                a = m_trim(SS_TRIM_MINID, 0, minid, approx, limit);
                b = ss_trim(&s, SS_TRIM_MINID, 0, minid, approx, limit);
            }
            CHECK_EQ_INT(a, b);
        } else if (k < 86) {
            StreamId x = random_known_id(), y = random_known_id();
            int rev = (int)unit_rand_below(2);
            int form = (int)unit_rand_below(4);
            compare_range(&s, form & 1 ? &x : NULL, form & 2 ? &y : NULL, rev, (int)unit_rand_below(3));
        } else if (k < 92) {
            StreamId id = random_known_id();
            size_t pos = ents_lower(id);
            int live = pos < nents && sid_cmp(ents[pos].id, id) == 0;
            CHECK_EQ_INT(live, ss_exists(&s, id));
        } else if (k < 95) {
            StreamId f = ss_edge_id(&s, 1, 1), l = ss_edge_id(&s, 0, 1);
            CHECK(sid_cmp(f, nents ? ents[0].id : sid_max()) == 0);
            CHECK(sid_cmp(l, nents ? ents[nents - 1].id : sid_make(0, 0)) == 0);
            /* With tombstones: the model's first/last listpack entries. */
            StreamId fd = sid_max(), ld = sid_make(0, 0);
            if (nmnodes) {
                MWalk w;
                mw_start(&w, &mnodes[0]);
                if (mw_next(&w)) fd = w.id;
                mw_start(&w, &mnodes[nmnodes - 1]);
                while (mw_next(&w)) ld = w.id;
            }
            CHECK(sid_cmp(fd, ss_edge_id(&s, 1, 0)) == 0);
            CHECK(sid_cmp(ld, ss_edge_id(&s, 0, 0)) == 0);
        } else if (k < 97) {
            StreamStore d;
            ss_dup(&d, &s);
            CHECK(ss_check(&d) == NULL);
            compare_all(&d);
            ss_free(&d);
        } else if (k < 99) {
            /* Rebuild from Valkey's listpacks (what an RDB load does). */
            StreamStore r;
            ss_init(&r);
            int ok = 1;
            for (size_t i = 0; i < nmnodes && ok; i++)
                ok = CHECK(ss_add_listpack(&r, mnodes[i].master, mnodes[i].lp, lp_bytes(mnodes[i].lp)));
            r.last_id = s.last_id;
            r.first_id = s.first_id;
            r.entries_added = s.entries_added;
            if (ok) {
                const char *err = ss_check(&r);
                if (!CHECK(err == NULL)) printf("    rebuilt: %s\n", err);
                CHECK_EQ_UINT(s.length, r.length);
                compare_all(&r);
                compare_nodes(&r);
            }
            ss_free(&r);
        } else {
            compare_all(&s);
        }
        if (op % 23 == 0 && !compare_store(&s)) {
            printf("    (seed %llu, op %d)\n", (unsigned long long)seed, op);
            break;
        }
    }
    compare_store(&s);
    compare_all(&s);
    ss_free(&s);
}

static void test_model(void) {
    size_t before = mem_used();
    for (uint64_t seed = 1; seed <= 3000; seed++) model_round(seed, seed % 100 == 0 ? 3000 : 250);
    m_reset();
    CHECK_EQ_UINT(before, mem_used());
    free(ents);
    free(mnodes);
}

/* ------------------------------------------- loading any listpack form
 * ss_add_listpack against a reference reader built from the listpack
 * API (deep validation, then the stream rules item by item): random
 * nodes written with every encoding the format allows (integers in
 * wider encodings than needed or as decimal text, strings in longer
 * length forms, an unknown header count), then damaged at random.  The
 * store must accept exactly what the reference accepts, hold the same
 * entries, and hold the same bytes as when the node is written
 * canonically (so its Valkey listpack is Valkey's). */

#define LF_MAXITEMS 4096

/* A decoded item: its text (integers as decimal). */
typedef struct LfItem {
    char *s;
    size_t len;
} LfItem;

/* Its items: with the master fields, the values after mf; else field,
 * value, field, value ... */
typedef struct LfEntry {
    StreamId id;
    int flags, nf;
    const LfItem *mf, *items;
} LfEntry;

static const LfItem *lf_field(const LfEntry *e, int j) {
    return (e->flags & SS_SAMEFIELDS) ? &e->mf[j] : &e->items[2 * j];
}

static const LfItem *lf_value(const LfEntry *e, int j) {
    return (e->flags & SS_SAMEFIELDS) ? &e->items[j] : &e->items[2 * j + 1];
}

/* Writes the backlen of an entry of l bytes (encoding and data). */
static size_t lf_backlen(unsigned char *p, size_t l) {
    if (l <= 127) {
        p[0] = (unsigned char)l;
        return 1;
    }
    if (l < 16383) {
        p[0] = (unsigned char)(l >> 7);
        p[1] = (unsigned char)((l & 127) | 128);
        return 2;
    }
    p[0] = (unsigned char)(l >> 14);
    p[1] = (unsigned char)(((l >> 7) & 127) | 128);
    p[2] = (unsigned char)((l & 127) | 128);
    return 3;
}

/* A string item in the given length form (0: 6-bit, 1: 12-bit, 2: 32-bit,
 * the smallest that fits when the asked one does not). */
static size_t lf_put_str(unsigned char *p, const char *s, size_t len, int form) {
    size_t h;
    if (form == 0 && len < 64) {
        p[0] = (unsigned char)(0x80 | len);
        h = 1;
    } else if (form <= 1 && len < 4096) {
        p[0] = (unsigned char)(0xE0 | (len >> 8));
        p[1] = (unsigned char)len;
        h = 2;
    } else {
        p[0] = 0xF0;
        for (int i = 0; i < 4; i++) p[1 + i] = (unsigned char)(len >> (8 * i));
        h = 5;
    }
    if (len) memcpy(p + h, s, len);
    return h + len + lf_backlen(p + h + len, h + len);
}

/* An integer item: canonical (form 0), or in a wider integer encoding
 * that holds it, or as its decimal text. */
static size_t lf_put_int(unsigned char *p, int64_t v, int form) {
    if (form == 0) return lp_put_int(p, v);
    if (form == 1) {
        char t[24];
        int n = snprintf(t, sizeof t, "%lld", (long long)v);
        return lf_put_str(p, t, (size_t)n, (int)unit_rand_below(2));
    }
    int widths[] = {13, 16, 24, 32, 64};
    int w = widths[unit_rand_below(5)];
    while (w < 64) {
        int64_t lim = (int64_t)1 << (w - 1);
        if (v >= -lim && v < lim) break;
        w = w == 13 ? 16 : w == 16 ? 24 : w == 24 ? 32 : 64;
    }
    uint64_t u = (uint64_t)v;
    size_t h;
    if (w == 13) {
        p[0] = (unsigned char)(0xC0 | ((u >> 8) & 0x1F));
        p[1] = (unsigned char)u;
        h = 2;
    } else {
        int nb = w / 8;
        p[0] = (unsigned char)(w == 16 ? 0xF1 : w == 24 ? 0xF2 : w == 32 ? 0xF3 : 0xF4);
        for (int i = 0; i < nb; i++) p[1 + i] = (unsigned char)(u >> (8 * i));
        h = (size_t)(1 + nb);
    }
    return h + lf_backlen(p + h, h);
}

/* A random element text: integers of every width, integer-like text
 * that is not canonical, binary, long strings. */
static size_t lf_gen_text(char *buf) {
    switch (unit_rand_below(8)) {
    case 0: return (size_t)snprintf(buf, 32, "%d", (int)unit_rand_below(128));
    case 1: return (size_t)snprintf(buf, 32, "%d", 128 + (int)unit_rand_below(4000));
    case 2: return (size_t)snprintf(buf, 32, "%lld", (long long)unit_rand64());
    case 3: return (size_t)snprintf(buf, 32, "%d", -(int)unit_rand_below(5000));
    case 4: {
        static const char *odd[] = {"-0", "007", "+1", "", "1.5", "-", "x", "temp", "9223372036854775808"};
        const char *o = odd[unit_rand_below(9)];
        memcpy(buf, o, strlen(o));
        return strlen(o);
    }
    case 5: {
        size_t n = unit_rand_below(70);
        for (size_t i = 0; i < n; i++) buf[i] = (char)unit_rand_below(256);
        return n;
    }
    case 6: {
        size_t n = unit_rand_below(unit_rand_below(4) ? 200 : 5000);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + unit_rand_below(3));
        return n;
    }
    default: return (size_t)snprintf(buf, 32, "v%d", (int)unit_rand_below(10));
    }
}

/* An element item: integers (canonical text) as integers, else strings,
 * each in a random form when `odd`. */
static size_t lf_put_elem(unsigned char *p, const char *s, size_t len, int odd) {
    int64_t v;
    if (len && len <= 20 && lp_string_to_int64(s, len, &v)) return lf_put_int(p, v, odd ? (int)unit_rand_below(3) : 0);
    return lf_put_str(p, s, len, odd ? (int)unit_rand_below(3) : 0);
}

/* A random node: the listpack, canonical (lpc) and in odd forms (lpo).
 * master is the key it is stored under; the entries' IDs follow prev. */
typedef struct LfNode {
    unsigned char *lpc, *lpo;
    size_t lpc_len, lpo_len;
    StreamId master, first, last;
} LfNode;

static unsigned char *lf_buf_c, *lf_buf_o;
static size_t lf_cap;
static char lf_text[LF_MAXITEMS][5100];
static size_t lf_tlen[LF_MAXITEMS];

static void lf_make_node(LfNode *nd, StreamId after, int have_after, int odd_master) {
    size_t need = 64 + (size_t)LF_MAXITEMS * 5200;
    if (lf_cap < need) {
        lf_buf_c = realloc(lf_buf_c, need);
        lf_buf_o = realloc(lf_buf_o, need);
        lf_cap = need;
    }
    int nmaster = (int)unit_rand_below(4);
    if (unit_rand_below(6) == 0) nmaster = 0;
    int nent = 1 + (int)unit_rand_below(unit_rand_below(3) ? 30 : 400);
    int big_seq = unit_rand_below(6) == 0; /* IDs whose seq deltas need 10-byte varints */
    StreamId first = after;
    first.ms += 1 + unit_rand_below(3);
    first.seq = big_seq ? UINT64_MAX / 2 + unit_rand_below(1000) : unit_rand_below(3);
    if (!have_after && unit_rand_below(2)) first = sid_make(unit_rand_below(3), 0);
    StreamId master = first;
    if (odd_master) {
        master.ms -= unit_rand_below(3);
        master.seq -= unit_rand_below(3);
    }
    /* Master fields. */
    size_t nt = 0;
    for (int i = 0; i < nmaster; i++) {
        lf_tlen[nt] = lf_gen_text(lf_text[nt]);
        nt++;
    }
    unsigned char *c = lf_buf_c + LP_HDR_SIZE, *o = lf_buf_o + LP_HDR_SIZE;
    int live = 0, del = 0;
    unsigned char *cnt_c = c, *cnt_o = o; /* the counters are written last */
    size_t room = 64;
    c += room;
    o += room;
    unsigned char *mc = c, *mo = o;
    c += lp_put_int(c, nmaster);
    o += lf_put_int(o, nmaster, (int)unit_rand_below(3));
    for (int i = 0; i < nmaster; i++) {
        c += lf_put_elem(c, lf_text[i], lf_tlen[i], 0);
        o += lf_put_elem(o, lf_text[i], lf_tlen[i], 1);
    }
    c += lp_put_int(c, 0);
    o += lf_put_int(o, 0, (int)unit_rand_below(3));
    uint64_t items = 3 + (uint64_t)nmaster + 1;
    StreamId id = first;
    for (int e = 0; e < nent && nt + 20 < LF_MAXITEMS; e++) {
        if (e) {
            int k = (int)unit_rand_below(10);
            if (big_seq) {
                id.ms += 1 + unit_rand_below(3);
                id.seq = first.seq + unit_rand_below(50);
            } else if (k < 6 && id.seq < UINT64_MAX) {
                id.seq++;
            } else if (k < 8) {
                id.ms += 1 + unit_rand_below(unit_rand_below(2) ? 60 : 100000);
                id.seq = unit_rand_below(3) ? 0 : unit_rand_below(300);
            } else if (id.seq < UINT64_MAX - 10000) {
                id.seq += 2 + unit_rand_below(9000);
            } else {
                id.ms++;
            }
        }
        int same = nmaster > 0 && unit_rand_below(5) != 0;
        if (nmaster == 0 && unit_rand_below(2)) same = 1;
        int flags = (same ? SS_SAMEFIELDS : 0) | (unit_rand_below(8) == 0 ? SS_DELETED : 0);
        if (flags & SS_DELETED) del++;
        else live++;
        int nf = same ? nmaster : 1 + (int)unit_rand_below(3);
        c += lp_put_int(c, flags);
        o += lf_put_int(o, flags, (int)unit_rand_below(6) == 0 ? 1 + (int)unit_rand_below(2) : 0);
        int64_t dms = (int64_t)(id.ms - first.ms), dseq = (int64_t)(id.seq - first.seq);
        int64_t odms = (int64_t)(id.ms - master.ms), odseq = (int64_t)(id.seq - master.seq);
        c += lp_put_int(c, dms);
        c += lp_put_int(c, dseq);
        o += lf_put_int(o, odms, unit_rand_below(5) == 0 ? 1 + (int)unit_rand_below(2) : 0);
        o += lf_put_int(o, odseq, unit_rand_below(5) == 0 ? 1 + (int)unit_rand_below(2) : 0);
        if (!same) {
            c += lp_put_int(c, nf);
            o += lf_put_int(o, nf, (int)unit_rand_below(3));
        }
        for (int i = 0; i < nf; i++) {
            char t[5100];
            size_t tl;
            if (!same) {
                if (nmaster && unit_rand_below(3)) {
                    tl = lf_tlen[i % nmaster];
                    memcpy(t, lf_text[i % nmaster], tl);
                } else {
                    tl = lf_gen_text(t);
                }
                c += lf_put_elem(c, t, tl, 0);
                o += lf_put_elem(o, t, tl, unit_rand_below(4) == 0);
            }
            tl = lf_gen_text(t);
            c += lf_put_elem(c, t, tl, 0);
            o += lf_put_elem(o, t, tl, unit_rand_below(4) == 0);
            nt++;
        }
        int64_t lpc = same ? nf + 3 : 2 * nf + 4;
        c += lp_put_int(c, lpc);
        o += lf_put_int(o, lpc, unit_rand_below(8) == 0 ? 1 + (int)unit_rand_below(2) : 0);
        items += (uint64_t)lpc + 1;
    }
    /* Counters in front of the master entry, then close both. */
    unsigned char hc[32], ho[32];
    size_t lc = lp_put_int(hc, live), lo = lf_put_int(ho, live, (int)unit_rand_below(3));
    lc += lp_put_int(hc + lc, del);
    lo += lf_put_int(ho + lo, del, (int)unit_rand_below(3));
    memmove(cnt_c, hc, lc);
    memmove(cnt_c + lc, mc, (size_t)(c - mc));
    c = cnt_c + lc + (c - mc);
    memmove(cnt_o, ho, lo);
    memmove(cnt_o + lo, mo, (size_t)(o - mo));
    o = cnt_o + lo + (o - mo);
    nd->lpc_len = lp_put_finish(lf_buf_c, c, items);
    nd->lpo_len = lp_put_finish(lf_buf_o, o, unit_rand_below(4) ? items : LP_COUNT_UNKNOWN);
    if (unit_rand_below(4) == 0) {
        /* The unknown count, in its two bytes. */
        lf_buf_o[4] = 0xFF;
        lf_buf_o[5] = 0xFF;
    }
    nd->lpc = malloc(nd->lpc_len);
    memcpy(nd->lpc, lf_buf_c, nd->lpc_len);
    nd->lpo = malloc(nd->lpo_len);
    memcpy(nd->lpo, lf_buf_o, nd->lpo_len);
    nd->master = master;
    nd->first = first;
    nd->last = id;
}

/* The reference: 1 and the node's entries when the listpack is a valid
 * stream node following `after` (have_after), else 0. */
typedef struct LfRef {
    LfEntry e[LF_MAXITEMS];
    LfItem it[2 * LF_MAXITEMS];
    char ib[2 * LF_MAXITEMS][LP_INTBUF_SIZE];
    int n;
    StreamId key;
    uint64_t live, deleted;
} LfRef;

static LfRef lf_ref;

static int lf_ref_int(unsigned char **p, unsigned char *lp, int64_t *v) {
    if (!*p || !lp_get_int(*p, v)) return 0;
    *p = lp_next(lp, *p);
    return 1;
}

static int lf_ref_item(unsigned char **p, unsigned char *lp, LfItem *out, char *buf) {
    if (!*p) return 0;
    uint32_t l;
    const char *s = lp_get_str(*p, buf, &l);
    out->s = (char *)s;
    out->len = l;
    *p = lp_next(lp, *p);
    return 1;
}

static int lf_reference(unsigned char *lp, size_t size, StreamId master, int have_after, StreamId after) {
    LfRef *r = &lf_ref;
    r->n = 0;
    if (!lp_validate_integrity(lp, size, 1, NULL, NULL)) return 0;
    unsigned char *p = lp_first(lp);
    int64_t count, deleted, nmaster, zero;
    if (!lf_ref_int(&p, lp, &count) || count < 0) return 0;
    if (!lf_ref_int(&p, lp, &deleted) || deleted < 0) return 0;
    if (!lf_ref_int(&p, lp, &nmaster) || nmaster < 0 || nmaster > (int64_t)size) return 0;
    size_t ni = 0;
    LfItem *mf = &r->it[0];
    for (int64_t i = 0; i < nmaster; i++, ni++)
        if (ni >= 2 * LF_MAXITEMS || !lf_ref_item(&p, lp, &r->it[ni], r->ib[ni])) return 0;
    if (!lf_ref_int(&p, lp, &zero) || zero != 0) return 0;
    StreamId prev = master;
    uint64_t live = 0, del = 0;
    while (p) {
        int64_t flags, dms, dseq, nf, lpc;
        if (!lf_ref_int(&p, lp, &flags) || (flags & ~(int64_t)3)) return 0;
        if (!lf_ref_int(&p, lp, &dms) || !lf_ref_int(&p, lp, &dseq)) return 0;
        StreamId id = sid_make(master.ms + (uint64_t)dms, master.seq + (uint64_t)dseq);
        int same = (flags & SS_SAMEFIELDS) != 0;
        if (same) nf = nmaster;
        else if (!lf_ref_int(&p, lp, &nf) || nf < 0 || nf > (int64_t)size) return 0;
        if (r->n == 0) {
            if (have_after && sid_cmp(id, after) <= 0) return 0;
            r->key = id;
        } else if (sid_cmp(id, prev) <= 0) {
            return 0;
        }
        if (r->n >= LF_MAXITEMS) return 0;
        LfEntry *e = &r->e[r->n++];
        e->id = id;
        e->flags = (int)flags;
        e->nf = (int)nf;
        e->mf = mf;
        e->items = &r->it[ni];
        for (int64_t i = 0; i < (same ? nf : 2 * nf); i++, ni++)
            if (ni >= 2 * LF_MAXITEMS || !lf_ref_item(&p, lp, &r->it[ni], r->ib[ni])) return 0;
        if (!lf_ref_int(&p, lp, &lpc) || lpc != (same ? nf + 3 : 2 * nf + 4)) return 0;
        if (flags & SS_DELETED) del++;
        else live++;
        prev = id;
    }
    if (r->n == 0 || live != (uint64_t)count || del != (uint64_t)deleted) return 0;
    r->live = live;
    r->deleted = del;
    return 1;
}

/* The store's last node holds exactly the reference's entries. */
static int lf_same_as_ref(const StreamStore *s) {
    StreamId key;
    void *slot;
    if (!CHECK(idt_last(&s->index, &key, &slot))) return 0;
    if (!CHECK(sid_cmp(key, lf_ref.key) == 0)) return 0;
    SsIter it;
    ss_iter_start(&it, s, &key, NULL, 0);
    ss_iter_with_deleted(&it);
    int i = 0, ok = 1;
    while (ok && ss_next(&it)) {
        if (!CHECK(i < lf_ref.n)) {
            ok = 0;
            break;
        }
        const LfEntry *e = &lf_ref.e[i++];
        ok = CHECK(sid_cmp(it.id, e->id) == 0) && CHECK_EQ_INT(e->flags & SS_DELETED, (int)(it.flags & SS_DELETED)) &&
             CHECK_EQ_UINT((uint64_t)e->nf, it.nfields);
        for (int j = 0; ok && j < e->nf; j++) {
            SsVal f, v;
            char fb[SS_INTBUF], vb[SS_INTBUF];
            size_t fl, vl;
            ss_field(&it, &f, &v);
            const char *fs = ss_val_str(&f, fb, &fl), *vs = ss_val_str(&v, vb, &vl);
            const LfItem *ef = lf_field(e, j), *ev = lf_value(e, j);
            ok = CHECK_MEM(ef->s, ef->len, fs, fl) && CHECK_MEM(ev->s, ev->len, vs, vl);
        }
    }
    ss_iter_stop(&it);
    return ok && CHECK_EQ_INT(lf_ref.n, i);
}

static const SsNode *lf_last_node(const StreamStore *s) {
    void *slot;
    SsNode *n = NULL;
    if (idt_last(&s->index, NULL, &slot)) memcpy(&n, slot, sizeof(n));
    return n;
}

static void lf_round(uint64_t seed) {
    unit_srand(seed);
    StreamStore a, b;
    ss_init(&a);
    ss_init(&b);
    StreamId after = sid_make(0, 0);
    int have = 0, nodes = 1 + (int)unit_rand_below(3);
    for (int k = 0; k < nodes; k++) {
        LfNode nd;
        int odd_master = unit_rand_below(5) == 0;
        lf_make_node(&nd, after, have, odd_master);
        /* Canonical and odd forms: both valid, the same node. */
        int rc = lf_reference(nd.lpo, nd.lpo_len, nd.master, have, after);
        CHECK(rc);
        CHECK(ss_add_listpack(&a, nd.first, nd.lpc, nd.lpc_len));
        int ok = CHECK(ss_add_listpack(&b, nd.master, nd.lpo, nd.lpo_len));
        if (rc && ok) {
            lf_same_as_ref(&b);
            const SsNode *na = lf_last_node(&a), *nb = lf_last_node(&b);
            if (CHECK(na && nb)) {
                CHECK_MEM((const char *)na->data, na->used, (const char *)nb->data, nb->used);
                CHECK_EQ_UINT(na->vk_fixed, nb->vk_fixed);
                CHECK_EQ_UINT(na->live, nb->live);
                CHECK_EQ_UINT(na->first_off, nb->first_off);
                unsigned char *lp = ss_node_to_listpack(nb, lf_ref.key);
                CHECK_EQ_UINT(nd.lpc_len, ss_node_vk_bytes(nb));
                CHECK_MEM((const char *)nd.lpc, nd.lpc_len, (const char *)lp, lp_bytes(lp));
                mem_free(lp);
            }
            b.last_id = a.last_id = nd.last;
            b.entries_added = a.entries_added = a.length;
            a.first_id = ss_edge_id(&a, 1, 1);
            b.first_id = ss_edge_id(&b, 1, 1);
            if (a.length == 0) a.first_id = b.first_id = sid_make(0, 0);
            const char *err = ss_check(&b);
            if (!CHECK(err == NULL)) printf("    seed %llu: %s\n", (unsigned long long)seed, err);
        }
        /* Damaged copies: accepted exactly when the reference accepts. */
        for (int d = 0; d < 6; d++) {
            size_t len = nd.lpo_len;
            unsigned char *bad = malloc(len);
            memcpy(bad, nd.lpo, len);
            int kind = (int)unit_rand_below(4);
            if (kind == 0 && len > 8) {
                len -= 1 + unit_rand_below(len - 7);
            } else {
                int flips = 1 + (int)unit_rand_below(3);
                for (int f = 0; f < flips; f++) {
                    size_t at = LP_HDR_SIZE + unit_rand_below(len - LP_HDR_SIZE);
                    bad[at] = kind == 1 ? (unsigned char)unit_rand_below(256) : (unsigned char)(bad[at] ^ (1u << unit_rand_below(8)));
                }
            }
            int want = lf_reference(bad, len, nd.master, have, after);
            StreamStore u;
            ss_init(&u);
            int got = 0;
            {
                /* Add to a store holding only the nodes before this one. */
                IdtIter it;
                for (idt_seek_first(&it, &b.index); have && idt_valid(&it); idt_next(&it)) {
                    SsNode *n;
                    memcpy(&n, idt_val(&it), sizeof(n));
                    if (sid_cmp(idt_key(&it), after) > 0) break;
                    unsigned char *lp = ss_node_to_listpack(n, idt_key(&it));
                    CHECK(ss_add_listpack(&u, idt_key(&it), lp, lp_bytes(lp)));
                    mem_free(lp);
                }
                uint64_t before = ss_nodes(&u), len_before = u.length;
                got = ss_add_listpack(&u, nd.master, bad, len);
                if (!got) {
                    CHECK_EQ_UINT(before, ss_nodes(&u));
                    CHECK_EQ_UINT(len_before, u.length);
                }
            }
            if (!CHECK_EQ_INT(want, got)) printf("    seed %llu: damaged node %s\n", (unsigned long long)seed, want ? "refused" : "accepted");
            else if (got) lf_same_as_ref(&u);
            ss_free(&u);
            free(bad);
        }
        free(nd.lpc);
        free(nd.lpo);
        if (!rc || !ok) break;
        after = nd.last;
        have = 1;
    }
    ss_free(&a);
    ss_free(&b);
}

static void test_load_forms(void) {
    size_t before = mem_used();
    for (uint64_t seed = 1; seed <= 1500; seed++) lf_round(seed);
    CHECK_EQ_UINT(before, mem_used());
    free(lf_buf_c);
    free(lf_buf_o);
    lf_buf_c = lf_buf_o = NULL;
    lf_cap = 0;
}

/* ----------------------------------------------------------- others */

static unsigned char *valid_lp(void) {
    unsigned char *lp = lp_new(64);
    lp = lp_append_int(lp, 2);
    lp = lp_append_int(lp, 0);
    lp = lp_append_int(lp, 1);
    lp = lp_append(lp, "temp", 4);
    lp = lp_append_int(lp, 0);
    for (int i = 0; i < 2; i++) {
        lp = lp_append_int(lp, SS_SAMEFIELDS);
        lp = lp_append_int(lp, 0);
        lp = lp_append_int(lp, i);
        lp = lp_append_int(lp, 200 + i);
        lp = lp_append_int(lp, 4);
    }
    return lp;
}

static void test_corrupt(void) {
    StreamStore s;
    ss_init(&s);
    unsigned char *lp = valid_lp();
    CHECK(ss_add_listpack(&s, sid_make(5, 0), lp, lp_bytes(lp)));
    CHECK_EQ_UINT(2, s.length);
    /* The same IDs again do not follow the existing entries. */
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), lp, lp_bytes(lp)));
    ss_free(&s);
    /* Truncated, wrong counters, bad flags, wrong lp-count. */
    ss_init(&s);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), lp, lp_bytes(lp) - 1));
    unsigned char *p = lp_first(lp);
    unsigned char *bad = lp_dup(lp);
    p = lp_first(bad);
    bad = lp_replace_int(bad, &p, 3);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), bad, lp_bytes(bad)));
    lp_free(bad);
    bad = lp_dup(lp);
    p = lp_seek(bad, 5);
    bad = lp_replace_int(bad, &p, 8);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), bad, lp_bytes(bad)));
    lp_free(bad);
    bad = lp_dup(lp);
    p = lp_seek(bad, 9);
    bad = lp_replace_int(bad, &p, 5);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), bad, lp_bytes(bad)));
    lp_free(bad);
    /* IDs going backwards inside the node. */
    bad = lp_dup(lp);
    p = lp_seek(bad, 11);
    bad = lp_replace_int(bad, &p, -1);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), bad, lp_bytes(bad)));
    lp_free(bad);
    /* A sequence number wrapping to 0 within the same millisecond. */
    for (int wrap_at = 1; wrap_at <= 3; wrap_at++) {
        bad = lp_new(64);
        bad = lp_append_int(bad, wrap_at + 1);
        bad = lp_append_int(bad, 0);
        bad = lp_append_int(bad, 1);
        bad = lp_append(bad, "temp", 4);
        bad = lp_append_int(bad, 0);
        for (int i = 0; i <= wrap_at; i++) {
            bad = lp_append_int(bad, SS_SAMEFIELDS);
            bad = lp_append_int(bad, 0);
            bad = lp_append_int(bad, i);
            bad = lp_append_int(bad, 200 + i);
            bad = lp_append_int(bad, 4);
        }
        CHECK(!ss_add_listpack(&s, sid_make(5, UINT64_MAX - (uint64_t)wrap_at + 1), bad, lp_bytes(bad)));
        /* One entry fewer reaches UINT64_MAX and is fine. */
        CHECK(ss_add_listpack(&s, sid_make(5, UINT64_MAX - (uint64_t)wrap_at), bad, lp_bytes(bad)));
        ss_free(&s);
        ss_init(&s);
        lp_free(bad);
    }
    /* Past the wrap: seq 1 after UINT64_MAX in the same ms. */
    bad = lp_new(64);
    bad = lp_append_int(bad, 3);
    bad = lp_append_int(bad, 0);
    bad = lp_append_int(bad, 1);
    bad = lp_append(bad, "temp", 4);
    bad = lp_append_int(bad, 0);
    for (int i = 0; i < 3; i++) {
        bad = lp_append_int(bad, SS_SAMEFIELDS);
        bad = lp_append_int(bad, 0);
        bad = lp_append_int(bad, i == 2 ? 3 : i);
        bad = lp_append_int(bad, 200 + i);
        bad = lp_append_int(bad, 4);
    }
    CHECK(!ss_add_listpack(&s, sid_make(5, UINT64_MAX - 1), bad, lp_bytes(bad)));
    CHECK(ss_add_listpack(&s, sid_make(5, UINT64_MAX - 3), bad, lp_bytes(bad)));
    ss_free(&s);
    ss_init(&s);
    lp_free(bad);
    /* No entries at all. */
    bad = lp_new(16);
    bad = lp_append_int(bad, 0);
    bad = lp_append_int(bad, 0);
    bad = lp_append_int(bad, 0);
    bad = lp_append_int(bad, 0);
    CHECK(!ss_add_listpack(&s, sid_make(5, 0), bad, lp_bytes(bad)));
    lp_free(bad);
    CHECK_EQ_UINT(0, s.length);
    CHECK_EQ_UINT(0, ss_nodes(&s));
    ss_free(&s);
    lp_free(lp);
}

/* A node whose IDs need long varints (seq near 2^63, the ms going up):
 * our form outgrows the listpack, from the stack buffer to the heap. */
static void test_load_grow(void) {
    for (int nent = 700; nent <= 2200; nent += 1500) {
        unsigned char *lp = lp_new(64);
        lp = lp_append_int(lp, nent);
        lp = lp_append_int(lp, 0);
        lp = lp_append_int(lp, 1);
        lp = lp_append(lp, "v", 1);
        lp = lp_append_int(lp, 0);
        for (int i = 0; i < nent; i++) {
            lp = lp_append_int(lp, SS_SAMEFIELDS);
            lp = lp_append_int(lp, i);
            lp = lp_append_int(lp, 0);
            lp = lp_append_int(lp, i % 7);
            lp = lp_append_int(lp, 4);
        }
        StreamId master = sid_make(5, (uint64_t)1 << 63);
        StreamStore s;
        ss_init(&s);
        if (CHECK(ss_add_listpack(&s, master, lp, lp_bytes(lp)))) {
            s.last_id = sid_make(5 + (uint64_t)nent - 1, master.seq);
            s.first_id = master;
            s.entries_added = s.length;
            const char *err = ss_check(&s);
            if (!CHECK(err == NULL)) printf("    %s\n", err);
            void *slot;
            SsNode *n;
            CHECK(idt_last(&s.index, NULL, &slot));
            memcpy(&n, slot, sizeof(n));
            CHECK(n->used > lp_bytes(lp));
            unsigned char *back = ss_node_to_listpack(n, master);
            CHECK_MEM((const char *)lp, lp_bytes(lp), (const char *)back, lp_bytes(back));
            lp_free(back);
        }
        ss_free(&s);
        lp_free(lp);
    }
}

/* One million "temp <200..249>" readings, a thousand per millisecond:
 * the dense format must stay near 4 bytes an entry (the memory target
 * is 9.5 MiB for the whole server with them). */
static void test_density(void) {
    StreamStore s;
    ss_init(&s);
    char v[8];
    SsStr fv[2] = {{"temp", 4}, {v, 3}};
    StreamId id = sid_make(1700000000000ULL, 0);
    for (int i = 0; i < 1000000; i++) {
        snprintf(v, sizeof v, "%d", 200 + i % 50);
        ss_append(&s, id, fv, 1, 4096, 100);
        if (++id.seq == 1000) {
            id.ms++;
            id.seq = 0;
        }
    }
    CHECK_EQ_UINT(10000, ss_nodes(&s));
    double per = (double)ss_mem_usage(&s) / 1e6;
    printf("    1M readings: %.2f bytes an entry\n", per);
    CHECK(per < 4.6);
    CHECK(ss_check(&s) == NULL);
    ss_free(&s);
}

int main(void) {
    UNIT_RUN(test_corrupt);
    UNIT_RUN(test_density);
    UNIT_RUN(test_load_forms);
    UNIT_RUN(test_load_grow);
    UNIT_RUN(test_model);
    return unit_finish();
}
