/* streamstore.c - a stream's entries (see streamstore.h for the node
 * format and the invariants).
 *
 * Sizes of Valkey's listpack entries are computed here without building
 * any listpack (vk_int_size, vk_str_size, the same thresholds as
 * listpack.c), so that node boundaries fall where Valkey's do; the unit
 * test checks them against real listpacks built by ss_node_to_listpack. */
#include "streamstore.h"

#include <string.h>

#include "alloc.h"
#include "listpack.h"
#include "varint.h"

/* Header byte: flags in bits 0-1, ID form in bits 2-7. */
#define HDR_FLAGS(b) ((unsigned)(b)&3u)
#define HDR_FORM(b) ((unsigned)(b) >> 2)
#define FORM_NEXT_SEQ 0
#define FORM_MS_MAX 61
#define FORM_EXPLICIT 62

/* Element tags. */
#define EL_STR_SHORT 0x80 /* + len (0..63) */
#define EL_POS 0xC0       /* + bytes (1..8) */
#define EL_NEG 0xC8       /* + bytes (1..8) */
#define EL_STR_LONG 0xD1

/* ---------------------------------------------- Valkey listpack sizes */

static inline size_t vk_backlen(uint64_t l) {
    if (l <= 127) return 1;
    if (l < 16383) return 2;
    if (l < 2097151) return 3;
    if (l < 268435455) return 4;
    return 5;
}

static inline size_t vk_int_size(int64_t v) {
    if (v >= 0 && v <= 127) return 2;
    if (v >= -4096 && v <= 4095) return 3;
    if (v >= INT16_MIN && v <= INT16_MAX) return 4;
    if (v >= -8388608 && v <= 8388607) return 5;
    if (v >= INT32_MIN && v <= INT32_MAX) return 6;
    return 10;
}

static inline size_t vk_str_size(size_t len) {
    size_t enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
    return enc + vk_backlen(enc);
}

/* ------------------------------------------------------------ elements */

/* A value to write, classified once: integer (Valkey's rule) or bytes. */
typedef struct ElemIn {
    const char *p;
    size_t len;
    int64_t iv;
    int is_int;
} ElemIn;

static inline void elem_classify(ElemIn *e, const char *p, size_t len) {
    e->p = p;
    e->len = len;
    e->is_int = len <= 20 && len > 0 && lp_string_to_int64(p, len, &e->iv);
}

static inline size_t int_bytes(uint64_t u) {
    size_t n = 1;
    while (n < 8 && (u >> (8 * n)) != 0) n++;
    return n;
}

static inline size_t elem_size(const ElemIn *e) {
    if (e->is_int) {
        if (e->iv >= 0 && e->iv <= 127) return 1;
        uint64_t u = e->iv >= 0 ? (uint64_t)e->iv : (uint64_t)(-(e->iv + 1));
        return 1 + int_bytes(u);
    }
    if (e->len < 64) return 1 + e->len;
    return 1 + varint_len(e->len) + e->len;
}

static inline size_t elem_vk_size(const ElemIn *e) {
    return e->is_int ? vk_int_size(e->iv) : vk_str_size(e->len);
}

static inline unsigned char *elem_put(unsigned char *p, const ElemIn *e) {
    if (e->is_int) {
        if (e->iv >= 0 && e->iv <= 127) {
            *p++ = (unsigned char)e->iv;
            return p;
        }
        uint64_t u;
        unsigned char tag;
        if (e->iv >= 0) {
            u = (uint64_t)e->iv;
            tag = EL_POS;
        } else {
            u = (uint64_t)(-(e->iv + 1));
            tag = EL_NEG;
        }
        size_t n = int_bytes(u);
        *p++ = (unsigned char)(tag + n);
        for (size_t i = 0; i < n; i++) *p++ = (unsigned char)(u >> (8 * i));
        return p;
    }
    if (e->len < 64) {
        *p++ = (unsigned char)(EL_STR_SHORT + e->len);
    } else {
        *p++ = EL_STR_LONG;
        p += varint_put(p, e->len);
    }
    if (e->len) memcpy(p, e->p, e->len);
    return p + e->len;
}

static inline const unsigned char *elem_get(const unsigned char *p, SsVal *v) {
    unsigned char b = *p++;
    if (b < 0x80) {
        v->is_int = 1;
        v->ival = b;
        return p;
    }
    if (b < 0xC0) {
        v->is_int = 0;
        v->len = (size_t)(b - EL_STR_SHORT);
        v->p = p;
        return p + v->len;
    }
    if (b <= EL_NEG + 8) {
        size_t n = b <= EL_POS + 8 ? (size_t)(b - EL_POS) : (size_t)(b - EL_NEG);
        uint64_t u = 0;
        for (size_t i = 0; i < n; i++) u |= (uint64_t)p[i] << (8 * i);
        v->is_int = 1;
        v->ival = b <= EL_POS + 8 ? (int64_t)u : -(int64_t)u - 1;
        return p + n;
    }
    uint64_t len;
    p = varint_get(p, &len);
    v->is_int = 0;
    v->len = (size_t)len;
    v->p = p;
    return p + len;
}

static inline const unsigned char *elem_skip(const unsigned char *p) {
    unsigned char b = *p;
    if (b < 0x80) return p + 1;
    if (b < 0xC0) return p + 1 + (b - EL_STR_SHORT);
    if (b <= EL_POS + 8) return p + 1 + (b - EL_POS);
    if (b <= EL_NEG + 8) return p + 1 + (b - EL_NEG);
    uint64_t len;
    p = varint_get(p + 1, &len);
    return p + len;
}

/* Whether the stored element equals the classified value (same text). */
static inline int elem_equals(const unsigned char *p, const ElemIn *e) {
    SsVal v;
    elem_get(p, &v);
    if (v.is_int != e->is_int) return 0;
    if (v.is_int) return v.ival == e->iv;
    return v.len == e->len && (e->len == 0 || memcmp(v.p, e->p, e->len) == 0);
}

const char *ss_val_str(const SsVal *v, char buf[SS_INTBUF], size_t *len) {
    if (!v->is_int) {
        *len = v->len;
        return (const char *)v->p;
    }
    *len = ll_to_str(buf, (long long)v->ival);
    return buf;
}

/* --------------------------------------------------------------- nodes */

static inline size_t node_vk_total(const SsNode *n) {
    return 7 + vk_int_size((int64_t)n->live) + vk_int_size((int64_t)n->deleted) + n->vk_fixed;
}

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

static inline void node_set(void *slot, SsNode *n) { memcpy(slot, &n, sizeof(n)); }

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

/* ------------------------------------------------- Valkey's listpacks */

static inline size_t put_val(unsigned char *p, const SsVal *v) {
    if (v->is_int) return lp_put_int(p, v->ival);
    return lp_put_str(p, (const char *)v->p, v->len);
}

/* Written front to back with lp_put_*: the size is known exactly
 * (node_vk_total), so there is no reallocation per entry. */
size_t ss_node_write_listpack(const SsNode *n, StreamId master, unsigned char *lp) {
    unsigned char *w = lp + LP_HDR_SIZE;
    uint64_t count = 4 + (uint64_t)n->nmaster;
    w += lp_put_int(w, n->live);
    w += lp_put_int(w, n->deleted);
    w += lp_put_int(w, n->nmaster);
    const unsigned char *mp = n->data + varint_len(n->nmaster);
    for (uint32_t i = 0; i < n->nmaster; i++) {
        SsVal v;
        mp = elem_get(mp, &v);
        w += put_val(w, &v);
    }
    w += lp_put_int(w, 0);
    const unsigned char *p = n->data + n->first_off, *end = n->data + n->used;
    StreamId prev = master, id;
    int first = 1;
    while (p < end) {
        unsigned flags;
        p = entry_id(p, master, prev, first, &id, &flags);
        uint64_t nf;
        p = entry_nfields(n, p, flags, &nf);
        w += lp_put_int(w, flags);
        w += lp_put_int(w, (int64_t)(id.ms - master.ms));
        w += lp_put_int(w, (int64_t)(id.seq - master.seq));
        int same = (flags & SS_SAMEFIELDS) != 0;
        if (!same) w += lp_put_int(w, (int64_t)nf);
        for (uint64_t i = 0; i < nf; i++) {
            SsVal v;
            if (!same) {
                p = elem_get(p, &v);
                w += put_val(w, &v);
            }
            p = elem_get(p, &v);
            w += put_val(w, &v);
        }
        uint64_t lp_count = nf + 3 + (same ? 0 : nf + 1);
        w += lp_put_int(w, (int64_t)lp_count);
        count += lp_count + 1;
        prev = id;
        first = 0;
    }
    return lp_put_finish(lp, w, count);
}

unsigned char *ss_node_to_listpack(const SsNode *n, StreamId master) {
    unsigned char *lp = mem_alloc(node_vk_total(n));
    ss_node_write_listpack(n, master, lp);
    return lp;
}

/* The next entry of an untrusted listpack, checked as deep validation
 * would (lp_reader_next): 0 at the end or on damage. */
static inline int next_val(LpReader *r, ElemIn *e) {
    LpEntry le;
    if (lp_reader_next(r, &le) != 1) return 0;
    if (!le.sval) {
        e->is_int = 1;
        e->iv = le.lval;
        e->p = NULL;
        e->len = 0;
    } else {
        elem_classify(e, le.sval, le.slen);
    }
    return 1;
}

/* The next entry, which must be an integer (or its canonical text). */
static inline int next_int(LpReader *r, int64_t *v) {
    LpEntry le;
    if (lp_reader_next(r, &le) != 1) return 0;
    if (!le.sval) {
        *v = le.lval;
        return 1;
    }
    return lp_string_to_int64(le.sval, le.slen, v);
}

/* A growing byte buffer for the node being built. */
typedef struct Buf {
    unsigned char *b;
    size_t len, cap;
} Buf;

static unsigned char *buf_room(Buf *b, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->b = mem_realloc(b->b, b->cap);
    }
    return b->b + b->len;
}

static inline void buf_elem(Buf *b, const ElemIn *e) {
    if (e->is_int && e->iv >= 0 && e->iv <= 0xFFFF && b->cap - b->len >= 3) {
        /* Small non-negative integers (most stream values and counts),
         * encoded as elem_put does without its general path. */
        unsigned char *q = b->b + b->len;
        if (e->iv <= 127) {
            q[0] = (unsigned char)e->iv;
            b->len += 1;
        } else if (e->iv <= 0xFF) {
            q[0] = EL_POS + 1;
            q[1] = (unsigned char)e->iv;
            b->len += 2;
        } else {
            q[0] = EL_POS + 2;
            q[1] = (unsigned char)e->iv;
            q[2] = (unsigned char)(e->iv >> 8);
            b->len += 3;
        }
        return;
    }
    unsigned char *p = buf_room(b, elem_size(e));
    b->len = (size_t)(elem_put(p, e) - b->b);
}

static inline void buf_varint(Buf *b, uint64_t v) {
    unsigned char *p = buf_room(b, VARINT_MAX);
    b->len += varint_put(p, v);
}

/* One pass over the listpack: each entry is checked (bounds, backlen)
 * as it is converted, so the blob is walked once.  The node is built in
 * a buffer that holds its SsNode header in front, sized from the
 * listpack (our form is rarely bigger), and trimmed at the end. */
int ss_add_listpack(StreamStore *s, StreamId master, const unsigned char *lp, size_t size) {
    LpReader r;
    if (size > UINT32_MAX || !lp_reader_init(&r, lp, size)) return 0;
    int64_t count, deleted, nmaster, zero;
    if (!next_int(&r, &count) || count < 0) return 0;
    if (!next_int(&r, &deleted) || deleted < 0) return 0;
    if (!next_int(&r, &nmaster) || nmaster < 0 || nmaster > (int64_t)size) return 0;
    uint64_t seen_entries = 3;
    Buf b = {NULL, sizeof(SsNode), 0};
    buf_room(&b, size + 64);
    buf_varint(&b, (uint64_t)nmaster);
    size_t vk = vk_int_size(nmaster);
    for (int64_t i = 0; i < nmaster; i++) {
        ElemIn e;
        if (!next_val(&r, &e)) goto bad;
        buf_elem(&b, &e);
        vk += elem_vk_size(&e);
    }
    if (!next_int(&r, &zero) || zero != 0) goto bad;
    seen_entries += (uint64_t)nmaster + 1;
    vk += vk_int_size(0);
    size_t first_off = b.len - sizeof(SsNode), last_off = first_off;
    /* Entries must follow whatever the store already holds. */
    StreamId last;
    int have_last = ss_nodes(s) > 0;
    if (have_last) last = ss_edge_id(s, 0, 0);
    StreamId prev = master, id;
    int64_t seen_live = 0, seen_deleted = 0;
    int first = 1;
    StreamId node_key = master;
    for (;;) {
        int64_t flags, dms, dseq, nf;
        LpEntry le;
        int rc = lp_reader_next(&r, &le);
        if (rc == 0) break;
        if (rc < 0) goto bad;
        if (le.sval) {
            if (!lp_string_to_int64(le.sval, le.slen, &flags)) goto bad;
        } else {
            flags = le.lval;
        }
        if (flags & ~(int64_t)3) goto bad;
        if (!next_int(&r, &dms) || !next_int(&r, &dseq)) goto bad;
        id.ms = master.ms + (uint64_t)dms;
        id.seq = master.seq + (uint64_t)dseq;
        int same = (flags & SS_SAMEFIELDS) != 0;
        if (same) {
            nf = nmaster;
        } else {
            if (!next_int(&r, &nf) || nf < 0 || nf > (int64_t)size) goto bad;
        }
        if (first) {
            if (have_last && sid_cmp(id, last) <= 0) goto bad;
            /* Our nodes start at their master ID: key the node by it. */
            node_key = id;
            prev = id;
        } else if (sid_cmp(id, prev) <= 0) {
            goto bad;
        }
        unsigned form;
        uint64_t d = id.ms - prev.ms, s2 = 0;
        if (first) form = FORM_NEXT_SEQ;
        else if (d == 0 && id.seq == prev.seq + 1) form = FORM_NEXT_SEQ;
        else if (d >= 1 && d <= FORM_MS_MAX && id.seq == 0) form = (unsigned)d;
        else {
            form = FORM_EXPLICIT;
            s2 = d ? id.seq : id.seq - prev.seq - 1;
        }
        last_off = b.len - sizeof(SsNode);
        unsigned char *h = buf_room(&b, 1);
        *h = (unsigned char)((form << 2) | (unsigned)flags);
        b.len++;
        if (form == FORM_EXPLICIT) {
            buf_varint(&b, d);
            buf_varint(&b, s2);
        }
        size_t evk = 2 + vk_int_size((int64_t)(id.ms - node_key.ms)) + vk_int_size((int64_t)(id.seq - node_key.seq));
        if (!same) {
            buf_varint(&b, (uint64_t)nf);
            evk += vk_int_size(nf);
        }
        for (int64_t i = 0; i < nf; i++) {
            ElemIn e;
            if (!same) {
                if (!next_val(&r, &e)) goto bad;
                buf_elem(&b, &e);
                evk += elem_vk_size(&e);
            }
            if (!next_val(&r, &e)) goto bad;
            buf_elem(&b, &e);
            evk += elem_vk_size(&e);
        }
        int64_t lpcount;
        if (!next_int(&r, &lpcount) || lpcount != nf + 3 + (same ? 0 : nf + 1)) goto bad;
        seen_entries += (uint64_t)lpcount + 1;
        evk += vk_int_size(lpcount);
        vk += evk;
        if (flags & SS_DELETED) seen_deleted++;
        else seen_live++;
        prev = id;
        first = 0;
    }
    if (first || seen_live != count || seen_deleted != deleted) goto bad;
    /* The header's count, as deep validation checks it. */
    uint32_t head = lp_reader_count(lp);
    if (head != LP_COUNT_UNKNOWN && head != seen_entries) goto bad;
    size_t used = b.len - sizeof(SsNode);
    if (used > UINT32_MAX || vk > UINT32_MAX) goto bad;
    SsNode *n = mem_realloc(b.b, b.len);
    n->used = n->cap = (uint32_t)used;
    n->live = (uint32_t)seen_live;
    n->deleted = (uint32_t)seen_deleted;
    n->vk_fixed = (uint32_t)vk;
    n->first_off = (uint32_t)first_off;
    n->nmaster = (uint32_t)nmaster;
    node_set(idt_insert(&s->index, node_key, NULL), n);
    s->length += (uint64_t)seen_live;
    /* The tail cache, so the next node's order check needs no walk. */
    s->tail_node = n;
    s->tail_last = prev;
    s->tail_last_off = (uint32_t)last_off;
    return 1;
bad:
    mem_free(b.b);
    return 0;
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
