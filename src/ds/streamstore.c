/* streamstore.c - a stream's entries (see streamstore.h for the node
 * format and the invariants).
 *
 * Sizes of Valkey's listpack entries are computed without building any
 * listpack (vk_int_size, vk_str_size in streamstore_impl.h, the same
 * thresholds as listpack.c), so that node boundaries fall where Valkey's
 * do; the unit test checks them against real listpacks built by
 * ss_node_to_listpack (streamstore_lp.c, with the loading side). */
#include "streamstore.h"

#include <string.h>

#include "alloc.h"
#include "listpack.h"
#include "streamstore_impl.h"
#include "unaligned.h"
#include "varint.h"

const char *ss_val_str(const SsVal *v, char buf[SS_INTBUF], size_t *len) {
    if (!v->is_int) {
        *len = v->len;
        return (const char *)v->p;
    }
    *len = ll_to_str(buf, (long long)v->ival);
    return buf;
}

/* --------------------------------------------------------------- nodes */

size_t ss_node_vk_bytes(const SsNode *n) { return node_vk_total(n); }

/* Makes room for extra more bytes, growing by half at least. */
static SsNode *node_reserve(SsNode *n, size_t extra) {
    size_t need = (size_t)n->used + extra;
    if (need <= n->cap) return n;
    size_t want = (size_t)n->cap + n->cap / 2;
    if (want < need) want = need;
    n = mem_realloc(n, sizeof(SsNode) + want);
    size_t cap = mem_usable(n) - sizeof(SsNode);
    n->cap = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    return n;
}

static SsNode *node_shrink(SsNode *n) {
    if (n->cap == n->used) return n;
    n = mem_realloc(n, sizeof(SsNode) + n->used);
    size_t cap = mem_usable(n) - sizeof(SsNode);
    n->cap = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    return n;
}

/* Reads the ID part of the entry at p (given the previous entry's ID, or
 * first for the node's first entry) and returns what follows it. */
static inline const unsigned char *entry_id(const unsigned char *p, StreamId master, StreamId prev, int first,
                                            StreamId *id, unsigned *flags) {
    unsigned char b = *p++;
    *flags = HDR_FLAGS(b);
    unsigned form = HDR_FORM(b);
    if (first) {
        *id = master;
    } else if (form == FORM_NEXT_SEQ) {
        id->ms = prev.ms;
        id->seq = prev.seq + 1;
    } else if (form <= FORM_MS_MAX) {
        id->ms = prev.ms + form;
        id->seq = 0;
    } else {
        uint64_t dms, s;
        p = varint_get(p, &dms);
        p = varint_get(p, &s);
        id->ms = prev.ms + dms;
        id->seq = dms ? s : prev.seq + 1 + s;
    }
    return p;
}

/* Skips the ID part of the entry at p (no previous ID needed). */
static inline const unsigned char *entry_skip_id(const unsigned char *p, unsigned *flags) {
    unsigned char b = *p++;
    *flags = HDR_FLAGS(b);
    if (HDR_FORM(b) == FORM_EXPLICIT) {
        uint64_t x;
        p = varint_get(p, &x);
        p = varint_get(p, &x);
    }
    return p;
}

/* Reads the field count at p (after the ID); *nf gets it. */
static inline const unsigned char *entry_nfields(const SsNode *n, const unsigned char *p, unsigned flags,
                                                 uint64_t *nf) {
    if (flags & SS_SAMEFIELDS) {
        *nf = n->nmaster;
        return p;
    }
    return varint_get(p, nf);
}

/* Skips n elements. */
static inline const unsigned char *elems_skip(const unsigned char *p, uint64_t n) {
    while (n--) p = elem_skip(p);
    return p;
}

/* Skips the body (after the ID) of an entry. */
static inline const unsigned char *entry_skip_body(const SsNode *n, const unsigned char *p, unsigned flags) {
    uint64_t nf;
    p = entry_nfields(n, p, flags, &nf);
    return elems_skip(p, (flags & SS_SAMEFIELDS) ? nf : 2 * nf);
}

/* The last entry's ID of a node (deleted or not). */
static StreamId node_last_id(const SsNode *n, StreamId master) {
    const unsigned char *p = n->data + n->first_off, *end = n->data + n->used;
    StreamId id = master, prev = master;
    int first = 1;
    while (p < end) {
        unsigned flags;
        p = entry_id(p, master, prev, first, &id, &flags);
        p = entry_skip_body(n, p, flags);
        prev = id;
        first = 0;
    }
    return id;
}

static void node_free(SsNode *n) { mem_free(n); }

/* ---------------------------------------------------------- the store */

static inline SsNode *node_at(void *slot) {
    SsNode *n;
    memcpy(&n, slot, sizeof(n));
    return n;
}


void ss_init(StreamStore *s) {
    memset(s, 0, sizeof(*s));
    idt_init(&s->index, sizeof(SsNode *));
}

void ss_free(StreamStore *s) {
    IdtIter it;
    for (idt_seek_first(&it, &s->index); idt_valid(&it); idt_next(&it)) node_free(node_at(idt_val(&it)));
    idt_clear(&s->index);
    s->tail_node = NULL;
    s->length = 0;
}

void ss_dup(StreamStore *dst, const StreamStore *src) {
    *dst = *src;
    idt_init(&dst->index, sizeof(SsNode *));
    dst->tail_node = NULL;
    IdtIter it;
    for (idt_seek_first(&it, &src->index); idt_valid(&it); idt_next(&it)) {
        const SsNode *n = node_at(idt_val(&it));
        SsNode *c = mem_alloc(sizeof(SsNode) + n->used);
        memcpy(c, n, sizeof(SsNode) + n->used);
        c->cap = n->used;
        node_set(idt_insert(&dst->index, idt_key(&it), NULL), c);
    }
}

size_t ss_mem_usage(const StreamStore *s) {
    size_t bytes = idt_mem_usage(&s->index);
    IdtIter it;
    for (idt_seek_first(&it, &s->index); idt_valid(&it); idt_next(&it)) bytes += mem_usable(node_at(idt_val(&it)));
    return bytes;
}

/* Removes a node from the index and frees it. */
static void drop_node(StreamStore *s, StreamId master, SsNode *n) {
    idt_remove(&s->index, master, NULL);
    if (s->tail_node == n) s->tail_node = NULL;
    node_free(n);
}

#define SS_STACK_ELEMS 16

void ss_append(StreamStore *s, StreamId id, const SsStr *fv, size_t nf, size_t node_max_bytes,
               uint64_t node_max_entries) {
    ElemIn stack[SS_STACK_ELEMS];
    ElemIn *el = 2 * nf <= SS_STACK_ELEMS ? stack : mem_alloc(sizeof(ElemIn) * 2 * nf);
    size_t totelelen = 0;
    for (size_t i = 0; i < 2 * nf; i++) {
        elem_classify(&el[i], fv[i].p, fv[i].len);
        totelelen += fv[i].len;
    }
    if (node_max_bytes == 0 || node_max_bytes > SS_LISTPACK_MAX) node_max_bytes = SS_LISTPACK_MAX;

    StreamId master;
    void *slot = NULL;
    SsNode *n = NULL;
    if (idt_last(&s->index, &master, &slot)) {
        n = node_at(slot);
        if (node_vk_total(n) + totelelen >= node_max_bytes ||
            (node_max_entries && (uint64_t)n->live + n->deleted >= node_max_entries)) {
            /* Full: it keeps exactly its bytes from now on. */
            SsNode *shrunk = node_shrink(n);
            if (shrunk != n) node_set(slot, shrunk);
            if (s->tail_node == n) s->tail_node = NULL;
            n = NULL;
        }
    }

    if (!n) {
        /* A new node whose master fields are this entry's fields. */
        size_t bytes = varint_len(nf) + 1;
        size_t vk = vk_int_size((int64_t)nf) + vk_int_size(0);
        for (size_t i = 0; i < nf; i++) {
            bytes += elem_size(&el[2 * i]) + elem_size(&el[2 * i + 1]);
            vk += elem_vk_size(&el[2 * i]);
        }
        /* The entry: flags, two zero deltas, values, lp-count. */
        size_t evk = 2 + 2 + 2 + vk_int_size((int64_t)nf + 3);
        for (size_t i = 0; i < nf; i++) evk += elem_vk_size(&el[2 * i + 1]);
        size_t cap = bytes < 64 ? 2 * bytes : bytes + bytes / 2;
        n = mem_alloc(sizeof(SsNode) + cap);
        size_t usable = mem_usable(n) - sizeof(SsNode);
        n->cap = (uint32_t)(usable > UINT32_MAX ? UINT32_MAX : usable);
        unsigned char *p = n->data;
        p += varint_put(p, nf);
        for (size_t i = 0; i < nf; i++) p = elem_put(p, &el[2 * i]);
        n->first_off = (uint32_t)(p - n->data);
        n->nmaster = (uint32_t)nf;
        s->tail_last_off = n->first_off;
        *p++ = (unsigned char)SS_SAMEFIELDS;
        for (size_t i = 0; i < nf; i++) p = elem_put(p, &el[2 * i + 1]);
        n->used = (uint32_t)(p - n->data);
        n->live = 1;
        n->deleted = 0;
        n->vk_fixed = (uint32_t)(vk + evk);
        node_set(idt_insert(&s->index, id, NULL), n);
    } else {
        StreamId prev = s->tail_node == n ? s->tail_last : node_last_id(n, master);
        int same = nf == n->nmaster;
        if (same) {
            const unsigned char *mp = n->data + varint_len(nf);
            for (size_t i = 0; i < nf && same; i++) {
                same = elem_equals(mp, &el[2 * i]);
                mp = elem_skip(mp);
            }
        }
        /* The ID relative to the previous entry. */
        unsigned form;
        uint64_t dms = id.ms - prev.ms, s2 = 0;
        if (dms == 0 && id.seq == prev.seq + 1) form = FORM_NEXT_SEQ;
        else if (dms >= 1 && dms <= FORM_MS_MAX && id.seq == 0) form = (unsigned)dms;
        else {
            form = FORM_EXPLICIT;
            s2 = dms ? id.seq : id.seq - prev.seq - 1;
        }
        size_t bytes = 1;
        size_t evk = 2 + vk_int_size((int64_t)(id.ms - master.ms)) + vk_int_size((int64_t)(id.seq - master.seq));
        if (form == FORM_EXPLICIT) bytes += varint_len(dms) + varint_len(s2);
        if (!same) {
            bytes += varint_len(nf);
            evk += vk_int_size((int64_t)nf);
        }
        for (size_t i = 0; i < nf; i++) {
            if (!same) {
                bytes += elem_size(&el[2 * i]);
                evk += elem_vk_size(&el[2 * i]);
            }
            bytes += elem_size(&el[2 * i + 1]);
            evk += elem_vk_size(&el[2 * i + 1]);
        }
        evk += vk_int_size((int64_t)(nf + 3 + (same ? 0 : nf + 1)));
        SsNode *grown = node_reserve(n, bytes);
        if (grown != n) {
            node_set(slot, grown);
            n = grown;
        }
        unsigned char *p = n->data + n->used;
        s->tail_last_off = n->used;
        *p++ = (unsigned char)((form << 2) | (same ? SS_SAMEFIELDS : 0));
        if (form == FORM_EXPLICIT) {
            p += varint_put(p, dms);
            p += varint_put(p, s2);
        }
        if (!same) p += varint_put(p, nf);
        for (size_t i = 0; i < nf; i++) {
            if (!same) p = elem_put(p, &el[2 * i]);
            p = elem_put(p, &el[2 * i + 1]);
        }
        n->used = (uint32_t)(p - n->data);
        n->live++;
        n->vk_fixed += (uint32_t)evk;
    }
    s->tail_node = n;
    s->tail_last = id;
    s->length++;
    s->entries_added++;
    s->last_id = id;
    if (s->length == 1) s->first_id = id;
    if (el != stack) mem_free(el);
}

/* Finds the entry id in its node: returns the pointer to its header byte
 * (and the node, its master and slot), or NULL. */
static unsigned char *find_entry(const StreamStore *s, StreamId id, SsNode **node, StreamId *master, void **slot) {
    IdtIter it;
    idt_seek_le(&it, &s->index, id);
    if (!idt_valid(&it)) return NULL;
    *master = idt_key(&it);
    *slot = idt_val(&it);
    SsNode *n = node_at(*slot);
    *node = n;
    const unsigned char *p = n->data + n->first_off, *end = n->data + n->used;
    StreamId cur, prev = *master;
    int first = 1;
    while (p < end) {
        const unsigned char *h = p;
        unsigned flags;
        p = entry_id(p, *master, prev, first, &cur, &flags);
        int c = sid_cmp(cur, id);
        if (c == 0) return (unsigned char *)h;
        if (c > 0) return NULL;
        p = entry_skip_body(n, p, flags);
        prev = cur;
        first = 0;
    }
    return NULL;
}

int ss_exists(const StreamStore *s, StreamId id) {
    SsNode *n;
    StreamId master;
    void *slot;
    unsigned char *h = find_entry(s, id, &n, &master, &slot);
    return h && !(HDR_FLAGS(*h) & SS_DELETED);
}

int ss_delete(StreamStore *s, StreamId id) {
    SsNode *n;
    StreamId master;
    void *slot;
    unsigned char *h = find_entry(s, id, &n, &master, &slot);
    if (!h || (HDR_FLAGS(*h) & SS_DELETED)) return 0;
    if (n->live == 1) {
        drop_node(s, master, n);
    } else {
        *h |= SS_DELETED;
        n->live--;
        n->deleted++;
    }
    s->length--;
    if (sid_cmp(id, s->max_deleted_id) > 0) s->max_deleted_id = id;
    if (s->length == 0) s->first_id = sid_make(0, 0);
    else if (sid_cmp(id, s->first_id) == 0) s->first_id = ss_edge_id(s, 1, 1);
    return 1;
}

int64_t ss_trim(StreamStore *s, int strategy, uint64_t maxlen, StreamId minid, int approx, int64_t limit) {
    int64_t deleted = 0;
    for (;;) {
        if (strategy == SS_TRIM_MAXLEN && s->length <= maxlen) break;
        StreamId master;
        void *slot;
        if (!idt_first(&s->index, &master, &slot)) break;
        SsNode *n = node_at(slot);
        int64_t entries = n->live;
        if (limit && deleted + entries > limit) break;
        int remove_node;
        if (strategy == SS_TRIM_MAXLEN) remove_node = s->length - (uint64_t)entries >= maxlen;
        else remove_node = sid_cmp(node_last_id(n, master), minid) < 0;
        if (remove_node) {
            drop_node(s, master, n);
            s->length -= (uint64_t)entries;
            deleted += entries;
            continue;
        }
        if (approx) break;
        /* Flag entries from the head of this node. */
        unsigned char *p = n->data + n->first_off, *end = n->data + n->used;
        StreamId cur, prev = master;
        int first = 1;
        while (p < end) {
            unsigned char *h = p;
            unsigned flags;
            p = (unsigned char *)entry_id(p, master, prev, first, &cur, &flags);
            int stop = strategy == SS_TRIM_MAXLEN ? s->length <= maxlen : sid_cmp(cur, minid) >= 0;
            if (stop) break;
            p = (unsigned char *)entry_skip_body(n, p, flags);
            if (!(flags & SS_DELETED)) {
                *h |= SS_DELETED;
                n->live--;
                n->deleted++;
                s->length--;
                deleted++;
            }
            prev = cur;
            first = 0;
        }
        break;
    }
    if (s->length == 0) s->first_id = sid_make(0, 0);
    else if (deleted) s->first_id = ss_edge_id(s, 1, 1);
    return deleted;
}

/* ----------------------------------------------------------- iterator */

static void load_node(SsIter *it) {
    it->master = idt_key(&it->it);
    it->node = node_at(idt_val(&it->it));
    it->p = it->node->data + it->node->first_off;
    it->end = it->node->data + it->node->used;
    it->prev = it->master;
    it->first_in_node = 1;
}

/* Reverse: records the current node's entries (offsets and IDs). */
static void load_node_rev(SsIter *it) {
    load_node(it);
    const SsNode *n = it->node;
    size_t k = 0;
    const unsigned char *p = it->p;
    StreamId prev = it->master, cur;
    int first = 1;
    while (p < it->end) {
        if (k == it->rcap) {
            it->rcap = it->rcap ? it->rcap * 2 : 128;
            it->roff = mem_realloc(it->roff, sizeof(uint32_t) * it->rcap);
            it->rid = mem_realloc(it->rid, sizeof(StreamId) * it->rcap);
        }
        it->roff[k] = (uint32_t)(p - n->data);
        unsigned flags;
        p = entry_id(p, it->master, prev, first, &cur, &flags);
        p = entry_skip_body(n, p, flags);
        it->rid[k++] = cur;
        prev = cur;
        first = 0;
    }
    it->rn = it->ri = k;
}

void ss_iter_start(SsIter *it, const StreamStore *s, const StreamId *start, const StreamId *end, int rev) {
    memset(it, 0, sizeof(*it));
    it->s = s;
    it->rev = rev;
    it->start = start ? *start : sid_make(0, 0);
    it->stop = end ? *end : sid_max();
    if (sid_cmp(it->start, it->stop) > 0) {
        it->done = 1;
        return;
    }
    if (!rev) {
        if (!sid_is_zero(it->start)) {
            idt_seek_le(&it->it, &s->index, it->start);
            if (!idt_valid(&it->it)) idt_seek_first(&it->it, &s->index);
        } else {
            idt_seek_first(&it->it, &s->index);
        }
        if (idt_valid(&it->it)) load_node(it);
        else it->done = 1;
    } else {
        idt_seek_le(&it->it, &s->index, it->stop);
        if (idt_valid(&it->it)) load_node_rev(it);
        else it->done = 1;
    }
}

void ss_iter_stop(SsIter *it) {
    mem_free(it->roff);
    mem_free(it->rid);
    it->roff = NULL;
    it->rid = NULL;
    it->rcap = 0;
}

/* Sets up the current entry's field reading from p (just after the ID). */
static inline void begin_entry(SsIter *it, const unsigned char *p, unsigned flags) {
    const SsNode *n = it->node;
    it->flags = flags;
    p = entry_nfields(n, p, flags, &it->nfields);
    it->left = it->nfields;
    it->fp = p;
    if (flags & SS_SAMEFIELDS) it->mp = n->data + varint_len(n->nmaster);
}

/* Forward: the end of the current entry's body. */
static inline const unsigned char *finish_entry(SsIter *it) {
    if (it->flags & SS_SAMEFIELDS) return elems_skip(it->fp, it->left);
    return elems_skip(it->fp, 2 * it->left);
}

int ss_next(SsIter *it) {
    if (it->done) return 0;
    if (!it->rev) {
        for (;;) {
            if (it->left) {
                it->p = finish_entry(it);
                it->left = 0;
            }
            if (it->p >= it->end) {
                idt_next(&it->it);
                if (!idt_valid(&it->it)) {
                    it->done = 1;
                    return 0;
                }
                load_node(it);
                continue;
            }
            unsigned flags;
            const unsigned char *p = entry_id(it->p, it->master, it->prev, it->first_in_node, &it->id, &flags);
            it->prev = it->id;
            it->first_in_node = 0;
            begin_entry(it, p, flags);
            it->p = it->fp; /* the body's end is computed when moving on */
            if (sid_cmp(it->id, it->start) < 0) continue;
            if ((flags & SS_DELETED) && !it->with_deleted) continue;
            if (sid_cmp(it->id, it->stop) > 0) {
                it->done = 1;
                return 0;
            }
            return 1;
        }
    }
    for (;;) {
        if (it->ri == 0) {
            idt_prev(&it->it);
            if (!idt_valid(&it->it)) {
                it->done = 1;
                return 0;
            }
            load_node_rev(it);
            continue;
        }
        it->ri--;
        StreamId id = it->rid[it->ri];
        if (sid_cmp(id, it->stop) > 0) continue;
        const unsigned char *h = it->node->data + it->roff[it->ri];
        if ((HDR_FLAGS(*h) & SS_DELETED) && !it->with_deleted) continue;
        if (sid_cmp(id, it->start) < 0) {
            it->done = 1;
            return 0;
        }
        unsigned flags;
        const unsigned char *p = entry_skip_id(h, &flags);
        it->id = id;
        begin_entry(it, p, flags);
        return 1;
    }
}

void ss_field(SsIter *it, SsVal *field, SsVal *value) {
    if (it->flags & SS_SAMEFIELDS) it->mp = elem_get(it->mp, field);
    else it->fp = elem_get(it->fp, field);
    it->fp = elem_get(it->fp, value);
    it->left--;
    if (!it->rev && it->left == 0) it->p = it->fp;
}

StreamId ss_edge_id(const StreamStore *s, int first, int skip_deleted) {
    if (!first && s->tail_node) {
        /* The last entry appended is the last one while its node is. */
        void *slot;
        if (idt_last(&s->index, NULL, &slot) && node_at(slot) == s->tail_node &&
            (!skip_deleted || !(s->tail_node->data[s->tail_last_off] & SS_DELETED)))
            return s->tail_last;
    }
    SsIter it;
    ss_iter_start(&it, s, NULL, NULL, !first);
    if (!skip_deleted) ss_iter_with_deleted(&it);
    StreamId id = first ? sid_max() : sid_make(0, 0);
    if (ss_next(&it)) id = it.id;
    ss_iter_stop(&it);
    return id;
}

/* ------------------------------------------------------------- checks */

const char *ss_check(const StreamStore *s) {
    const char *err = idt_check(&s->index);
    if (err) return err;
    IdtIter it;
    uint64_t total = 0;
    int have_prev = 0, have_live = 0;
    StreamId prev = {0, 0}, first_live = {0, 0};
    for (idt_seek_first(&it, &s->index); idt_valid(&it); idt_next(&it)) {
        StreamId master = idt_key(&it);
        const SsNode *n = node_at(idt_val(&it));
        if (n->used > n->cap) return "node used over capacity";
        if (sizeof(SsNode) + n->cap > mem_usable(n)) return "node capacity over its allocation";
        if (n->first_off > n->used) return "node entries start past its end";
        const unsigned char *p = n->data, *end = n->data + n->used;
        uint64_t nm;
        p = varint_get(p, &nm);
        if (nm != n->nmaster) return "master field count mismatch";
        size_t vk = vk_int_size((int64_t)nm) + vk_int_size(0);
        for (uint64_t i = 0; i < nm; i++) {
            SsVal v;
            p = elem_get(p, &v);
            vk += v.is_int ? vk_int_size(v.ival) : vk_str_size(v.len);
        }
        if (p != n->data + n->first_off) return "master fields do not end at the first entry";
        uint32_t live = 0, del = 0;
        StreamId cur, nprev = master;
        int first = 1;
        if (p >= end) return "node without entries";
        while (p < end) {
            unsigned flags;
            p = entry_id(p, master, nprev, first, &cur, &flags);
            if (have_prev && sid_cmp(cur, prev) <= 0) return "entry IDs do not increase";
            uint64_t nf;
            p = entry_nfields(n, p, flags, &nf);
            int same = (flags & SS_SAMEFIELDS) != 0;
            size_t evk = 2 + vk_int_size((int64_t)(cur.ms - master.ms)) + vk_int_size((int64_t)(cur.seq - master.seq));
            if (!same) evk += vk_int_size((int64_t)nf);
            for (uint64_t i = 0; i < (same ? nf : 2 * nf); i++) {
                SsVal v;
                p = elem_get(p, &v);
                evk += v.is_int ? vk_int_size(v.ival) : vk_str_size(v.len);
            }
            evk += vk_int_size((int64_t)(nf + 3 + (same ? 0 : nf + 1)));
            vk += evk;
            if (p > end) return "entry runs past its node";
            if (flags & SS_DELETED) del++;
            else {
                live++;
                if (!have_live) {
                    have_live = 1;
                    first_live = cur;
                }
            }
            prev = nprev = cur;
            have_prev = 1;
            first = 0;
        }
        if (live != n->live || del != n->deleted) return "node counters do not match the flags";
        if (vk != n->vk_fixed) return "node Valkey size does not match its entries";
        total += live;
    }
    if (total != s->length) return "length does not match the nodes";
    if (have_live ? sid_cmp(first_live, s->first_id) != 0 : !sid_is_zero(s->first_id))
        return "first_id is not the first live entry";
    if (have_prev && sid_cmp(prev, s->last_id) > 0) return "an entry is above last_id";
    if (s->entries_added < s->length) return "entries_added below the length";
    if (s->tail_node) {
        StreamId master;
        void *slot;
        if (!idt_last(&s->index, &master, &slot) || node_at(slot) != s->tail_node) return "stale tail cache";
        if (sid_cmp(node_last_id(s->tail_node, master), s->tail_last) != 0) return "tail cache ID is wrong";
        if (s->tail_last_off < s->tail_node->first_off || s->tail_last_off >= s->tail_node->used)
            return "tail cache offset out of its node";
        unsigned flags;
        const unsigned char *h = s->tail_node->data + s->tail_last_off;
        const unsigned char *body = entry_skip_id(h, &flags);
        if (entry_skip_body(s->tail_node, body, flags) != s->tail_node->data + s->tail_node->used)
            return "tail cache offset is not the last entry";
    }
    return NULL;
}
