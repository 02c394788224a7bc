/* quicklist.c - a linked list of listpack nodes (see quicklist.h for the
 * node rules and invariants).
 *
 * Compression discipline: helpers that restructure the list never
 * compress anything; they decompress what they touch.  Each public
 * operation ends with settle() (the end windows raw, the first nodes past
 * them compressed, and the nodes it touched compressed when inner), or,
 * for an iterator, with the compression of the node it leaves.  So no
 * pointer into a node's bytes is ever invalidated behind a helper's back. */
#include "quicklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/lzf/lzf.h"
#include "alloc.h"
#include "listpack.h"

/* Node byte limits of the negative fills -1 .. -5. */
static const size_t ql_size_levels[] = {4096, 8192, 16384, 32768, 65536};
#define QL_SIZE_LEVELS (sizeof(ql_size_levels) / sizeof(ql_size_levels[0]))
/* Valkey's estimate of what one more entry adds to a listpack, by excess. */
#define QL_ENTRY_OVERHEAD 8
/* Nodes smaller than this are not worth compressing, and compression
 * must save at least QL_MIN_COMPRESS_GAIN bytes to be kept. */
#define QL_MIN_COMPRESS_BYTES 48
#define QL_MIN_COMPRESS_GAIN 8
/* Nodes past each end window that settle() makes sure are compressed: an
 * operation moves at most this many nodes out of a window at once. */
#define QL_SETTLE_SPAN 3

/* 0: the fill decides (the default); otherwise the byte size from which
 * an element is plain. */
static uint64_t ql_threshold;

static void ql_panic(const char *why) {
    fprintf(stderr, "quicklist: %s\n", why);
    abort();
}

/* ------------------------------------------------------------ limits */

static size_t neg_fill_limit(int fill) {
    size_t level = (size_t)(-(long)fill) - 1;
    if (level >= QL_SIZE_LEVELS) level = QL_SIZE_LEVELS - 1;
    return ql_size_levels[level];
}

void ql_node_limit(int fill, size_t *size_limit, uint64_t *count_limit) {
    if (fill >= 0) {
        *size_limit = SIZE_MAX;
        *count_limit = fill == 0 ? 1 : (uint64_t)fill;
    } else {
        *size_limit = neg_fill_limit(fill);
        *count_limit = UINT64_MAX;
    }
}

int ql_node_exceeds_limit(int fill, size_t sz, uint64_t count) {
    if (fill < 0) return sz > neg_fill_limit(fill);
    /* A count limit still keeps nodes within the safety size. */
    if (sz > QL_SIZE_SAFETY_LIMIT) return 1;
    return count > (fill == 0 ? 1 : (uint64_t)fill);
}

int ql_is_large_element(size_t sz, int fill) {
    if (ql_threshold) return sz >= ql_threshold;
    if (fill >= 0) return sz > QL_SIZE_SAFETY_LIMIT;
    return sz > neg_fill_limit(fill);
}

int ql_set_packed_threshold(uint64_t sz) {
    if (sz > (1ULL << 32) - (1ULL << 20)) return 0;
    ql_threshold = sz;
    return 1;
}

uint64_t ql_packed_threshold(void) {
    return ql_threshold;
}

/* Whether one more element of sz bytes may go into node n. */
static int allow_insert(const QlNode *n, int fill, size_t sz) {
    if (!n || n->container == QL_PLAIN || ql_is_large_element(sz, fill)) return 0;
    return !ql_node_exceeds_limit(fill, n->sz + sz + QL_ENTRY_OVERHEAD, (uint64_t)n->count + 1);
}

/* Whether a and b may become one node (the result is exact: one header
 * and terminator fewer). */
static int allow_merge(const QlNode *a, const QlNode *b, int fill) {
    if (!a || !b || a->container == QL_PLAIN || b->container == QL_PLAIN) return 0;
    return !ql_node_exceeds_limit(fill, a->sz + b->sz - LP_HDR_SIZE - 1, (uint64_t)a->count + b->count);
}

static int clamp_fill(int fill) {
    return fill > QL_FILL_MAX ? QL_FILL_MAX : fill < QL_FILL_MIN ? QL_FILL_MIN : fill;
}

static int clamp_compress(int depth) {
    return depth > QL_COMPRESS_MAX ? QL_COMPRESS_MAX : depth < 0 ? 0 : depth;
}

/* ------------------------------------------------------------- nodes */

static QlNode *node_alloc(void) {
    return mem_calloc(sizeof(QlNode));
}

/* A packed node holding one element. */
static QlNode *node_new_packed(const char *s, size_t len) {
    QlNode *n = node_alloc();
    n->container = QL_PACKED;
    n->entry = lp_append(lp_new(LP_HDR_SIZE + 1 + lp_entry_size_str(s, len)), s, len);
    n->sz = lp_bytes(n->entry);
    n->count = 1;
    return n;
}

static QlNode *node_new_plain(const char *s, size_t len) {
    QlNode *n = node_alloc();
    n->container = QL_PLAIN;
    n->entry = mem_alloc(len ? len : 1);
    if (len) memcpy(n->entry, s, len);
    n->sz = len;
    n->count = 1;
    return n;
}

static void node_free(QlNode *n) {
    mem_free(n->entry);
    mem_free(n);
}

/* After a packed node's listpack changed. */
static void node_changed(QlNode *n) {
    n->sz = lp_bytes(n->entry);
    n->incompressible = 0;
}

static void node_decompress(QlNode *n) {
    if (!n->compressed) return;
    unsigned char *raw = mem_alloc(n->sz ? n->sz : 1);
    if (lzf_decompress(n->entry, n->csz, raw, n->sz) != n->sz) ql_panic("corrupt compressed node");
    mem_free(n->entry);
    n->entry = raw;
    n->compressed = 0;
    n->csz = 0;
}

/* Compresses n when it is worth it; otherwise marks it incompressible
 * until its content changes. */
static void node_compress(QlNode *n) {
    if (n->compressed || n->pinned || n->incompressible) return;
    if (n->sz < QL_MIN_COMPRESS_BYTES) {
        n->incompressible = 1;
        return;
    }
    unsigned char *buf = mem_alloc(n->sz);
    size_t csz = lzf_compress(n->entry, n->sz, buf, n->sz - QL_MIN_COMPRESS_GAIN - 1);
    if (!csz) {
        mem_free(buf);
        n->incompressible = 1;
        return;
    }
    buf = mem_realloc(buf, csz);
    mem_free(n->entry);
    n->entry = buf;
    n->csz = csz;
    n->compressed = 1;
}

/* Whether n lies outside both end windows of the compress depth. */
static int node_is_inner(const Quicklist *ql, const QlNode *n) {
    uint64_t d = (uint64_t)ql->compress;
    if (!d || ql->len <= 2 * d) return 0;
    const QlNode *a = n, *b = n;
    for (uint64_t i = 0; i < d; i++) {
        a = a->prev;
        b = b->next;
        if (!a || !b) return 0;
    }
    return 1;
}

static void compress_if_inner(Quicklist *ql, QlNode *n) {
    if (n && node_is_inner(ql, n)) node_compress(n);
}

/* The end windows raw; the first QL_SETTLE_SPAN nodes past each window
 * compressed (they may just have left it). */
static void window_fix(Quicklist *ql) {
    uint64_t d = (uint64_t)ql->compress;
    if (!d) return;
    QlNode *f = ql->head, *r = ql->tail;
    for (uint64_t i = 0; i < d && f; i++) {
        node_decompress(f);
        node_decompress(r);
        f = f->next;
        r = r->prev;
    }
    if (ql->len <= 2 * d) return;
    /* f is at position d from the head, r at position d from the tail;
     * a node is inner while its position is at most len - 1 - d. */
    uint64_t last_inner = ql->len - 1 - d;
    for (uint64_t k = 0; k < QL_SETTLE_SPAN && f && d + k <= last_inner; k++, f = f->next) node_compress(f);
    for (uint64_t k = 0; k < QL_SETTLE_SPAN && r && d + k <= last_inner; k++, r = r->prev) node_compress(r);
}

/* The end of every structural operation: windows fixed, and the nodes
 * around `around` (which the operation touched) compressed when inner. */
static void settle(Quicklist *ql, QlNode *around) {
    if (!ql->compress) return;
    window_fix(ql);
    if (!around) return;
    QlNode *a = around;
    for (int i = 0; i < 2 && a->prev; i++) a = a->prev;
    for (int i = 0; i < 5 && a; i++, a = a->next) compress_if_inner(ql, a);
}

/* Links n next to old (after it when after, else before); old NULL
 * means the list is empty. */
static void link_node(Quicklist *ql, QlNode *old, QlNode *n, int after) {
    if (!old) {
        n->prev = n->next = NULL;
        ql->head = ql->tail = n;
    } else if (after) {
        n->prev = old;
        n->next = old->next;
        if (old->next) old->next->prev = n;
        else ql->tail = n;
        old->next = n;
    } else {
        n->next = old;
        n->prev = old->prev;
        if (old->prev) old->prev->next = n;
        else ql->head = n;
        old->prev = n;
    }
    ql->len++;
}

/* Unlinks and frees n, taking its elements off the count. */
static void delete_node(Quicklist *ql, QlNode *n) {
    if (n->prev) n->prev->next = n->next;
    else ql->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else ql->tail = n->prev;
    ql->len--;
    ql->count -= n->count;
    node_free(n);
}

/* Splits packed node n (raw) at offset: with after, n keeps [0, offset]
 * and the new node (returned, not linked) gets the rest; without, n
 * keeps [offset, count) and the new node gets [0, offset). */
static QlNode *split_node(QlNode *n, long offset, int after) {
    QlNode *m = node_alloc();
    m->container = QL_PACKED;
    m->entry = lp_dup(n->entry);
    uint64_t cnt = n->count;
    if (after) {
        n->entry = lp_delete_range(n->entry, offset + 1, cnt - (uint64_t)offset - 1);
        m->entry = lp_delete_range(m->entry, 0, (uint64_t)offset + 1);
    } else {
        n->entry = lp_delete_range(n->entry, 0, (uint64_t)offset);
        m->entry = lp_delete_range(m->entry, offset, cnt - (uint64_t)offset);
    }
    n->count = lp_length(n->entry);
    m->count = lp_length(m->entry);
    node_changed(n);
    node_changed(m);
    return m;
}

/* Merges b (the node after a) into a; returns a. */
static QlNode *merge_pair(Quicklist *ql, QlNode *a, QlNode *b) {
    node_decompress(a);
    node_decompress(b);
    a->entry = lp_merge(&a->entry, &b->entry);
    b->entry = NULL;
    uint32_t bc = b->count;
    /* b's elements now live in a: keep the list's count right. */
    a->count += bc;
    b->count = 0;
    node_changed(a);
    if (b->prev) b->prev->next = b->next;
    else ql->head = b->next;
    if (b->next) b->next->prev = b->prev;
    else ql->tail = b->prev;
    ql->len--;
    mem_free(b);
    return a;
}

/* After a split around center: merges the pairs two on each side, then
 * center with its neighbours, as far as the fill allows.  Returns the
 * node that now holds center's elements. */
static QlNode *merge_around(Quicklist *ql, QlNode *center) {
    int fill = ql->fill;
    QlNode *prev = center->prev, *next = center->next;
    QlNode *prev_prev = prev ? prev->prev : NULL;
    QlNode *next_next = next ? next->next : NULL;
    if (allow_merge(prev_prev, prev, fill)) merge_pair(ql, prev_prev, prev);
    if (allow_merge(next, next_next, fill)) merge_pair(ql, next, next_next);
    QlNode *target = center;
    if (allow_merge(center->prev, center, fill)) target = merge_pair(ql, center->prev, center);
    if (allow_merge(target, target->next, fill)) merge_pair(ql, target, target->next);
    return target;
}

/* ------------------------------------------------------------- whole */

Quicklist *ql_new(int fill, int compress) {
    Quicklist *ql = mem_calloc(sizeof(*ql));
    ql->fill = clamp_fill(fill);
    ql->compress = clamp_compress(compress);
    return ql;
}

void ql_free(Quicklist *ql) {
    if (!ql) return;
    QlNode *n = ql->head;
    while (n) {
        QlNode *next = n->next;
        node_free(n);
        n = next;
    }
    mem_free(ql);
}

Quicklist *ql_dup(const Quicklist *ql) {
    Quicklist *d = ql_new(ql->fill, ql->compress);
    for (const QlNode *n = ql->head; n; n = n->next) {
        QlNode *m = node_alloc();
        *m = *n;
        size_t bytes = n->compressed ? n->csz : n->sz;
        m->entry = mem_alloc(bytes ? bytes : 1);
        memcpy(m->entry, n->entry, bytes);
        m->pinned = 0;
        link_node(d, d->tail, m, 1);
        d->count += m->count;
    }
    return d;
}

void ql_set_options(Quicklist *ql, int fill, int compress) {
    ql->fill = clamp_fill(fill);
    ql->compress = clamp_compress(compress);
    for (QlNode *n = ql->head; n; n = n->next) {
        if (node_is_inner(ql, n)) node_compress(n);
        else node_decompress(n);
    }
}

void ql_append_listpack(Quicklist *ql, unsigned char *lp) {
    QlNode *n = node_alloc();
    n->container = QL_PACKED;
    n->entry = lp;
    n->count = lp_length(lp);
    n->sz = lp_bytes(lp);
    link_node(ql, ql->tail, n, 1);
    ql->count += n->count;
    settle(ql, n);
}

unsigned char *ql_release_single_listpack(Quicklist *ql) {
    QlNode *n = ql->head;
    if (ql->len != 1 || n->container != QL_PACKED) return NULL;
    node_decompress(n);
    unsigned char *lp = n->entry;
    n->entry = NULL;
    mem_free(n);
    mem_free(ql);
    return lp;
}

size_t ql_mem_usage(const Quicklist *ql, uint64_t samples) {
    size_t total = mem_usable(ql);
    uint64_t seen_nodes = 0, seen_elems = 0;
    size_t bytes = 0;
    for (const QlNode *n = ql->head; n; n = n->next) {
        bytes += mem_usable(n) + mem_usable(n->entry);
        seen_elems += n->count;
        if (samples && ++seen_nodes >= samples) break;
    }
    if (!seen_elems) return total;
    if (seen_elems >= ql->count) return total + bytes;
    return total + (size_t)((double)bytes / (double)seen_elems * (double)ql->count);
}

void ql_stats(const Quicklist *ql, uint64_t *compressed_nodes, uint64_t *raw_bytes) {
    uint64_t c = 0, b = 0;
    for (const QlNode *n = ql->head; n; n = n->next) {
        c += n->compressed;
        b += n->sz;
    }
    *compressed_nodes = c;
    *raw_bytes = b;
}

/* -------------------------------------------------------------- ends */

void ql_push(Quicklist *ql, int where, const char *s, size_t len) {
    int at_head = where == QL_HEAD;
    QlNode *end = at_head ? ql->head : ql->tail;
    if (ql_is_large_element(len, ql->fill)) {
        QlNode *n = node_new_plain(s, len);
        link_node(ql, end, n, !at_head);
        ql->count++;
        settle(ql, n);
        return;
    }
    if (allow_insert(end, ql->fill, len)) {
        /* The end nodes are inside the raw windows. */
        end->entry = at_head ? lp_prepend(end->entry, s, len) : lp_append(end->entry, s, len);
        end->count++;
        node_changed(end);
        ql->count++;
        return;
    }
    QlNode *n = node_new_packed(s, len);
    link_node(ql, end, n, !at_head);
    ql->count++;
    settle(ql, n);
}

static void fill_entry(QlEntry *e, QlNode *n, unsigned char *p, long offset) {
    e->node = n;
    e->p = p;
    e->offset = offset;
    e->lval = 0;
    if (n->container == QL_PLAIN) {
        e->sval = (const char *)n->entry;
        e->slen = n->sz;
    } else {
        uint32_t slen = 0;
        e->sval = lp_get(p, &e->lval, &slen);
        e->slen = slen;
    }
}

int ql_peek(Quicklist *ql, int where, QlEntry *e) {
    QlNode *n = where == QL_HEAD ? ql->head : ql->tail;
    if (!n) return 0;
    if (n->compressed) ql_panic("end node compressed");
    if (n->container == QL_PLAIN) {
        fill_entry(e, n, NULL, 0);
    } else {
        unsigned char *p = where == QL_HEAD ? lp_first(n->entry) : lp_last(n->entry);
        fill_entry(e, n, p, where == QL_HEAD ? 0 : (long)n->count - 1);
    }
    return 1;
}

void ql_pop(Quicklist *ql, int where) {
    QlNode *n = where == QL_HEAD ? ql->head : ql->tail;
    if (!n) ql_panic("pop from an empty quicklist");
    if (n->container == QL_PLAIN || n->count == 1) {
        delete_node(ql, n);
        settle(ql, NULL);
        return;
    }
    unsigned char *p = where == QL_HEAD ? lp_first(n->entry) : lp_last(n->entry);
    n->entry = lp_delete(n->entry, p, NULL);
    n->count--;
    node_changed(n);
    ql->count--;
}

/* ------------------------------------------------------------ by index */

/* The node holding list index idx (0 <= idx < count), sought from the
 * nearer end; *offset is the index within the node. */
static QlNode *seek(const Quicklist *ql, uint64_t idx, long *offset) {
    if (idx <= (ql->count - 1) / 2) {
        uint64_t acc = 0;
        for (QlNode *n = ql->head; n; n = n->next) {
            if (acc + n->count > idx) {
                *offset = (long)(idx - acc);
                return n;
            }
            acc += n->count;
        }
    } else {
        uint64_t from_tail = ql->count - 1 - idx, acc = 0;
        for (QlNode *n = ql->tail; n; n = n->prev) {
            if (acc + n->count > from_tail) {
                *offset = (long)(n->count - 1 - (from_tail - acc));
                return n;
            }
            acc += n->count;
        }
    }
    ql_panic("counts disagree with the nodes");
    return NULL;
}

/* Turns a list index into 0..count-1; 0 when out of range. */
static int normalize_index(const Quicklist *ql, int64_t index, uint64_t *out) {
    if (index >= 0) {
        if ((uint64_t)index >= ql->count) return 0;
        *out = (uint64_t)index;
    } else {
        uint64_t back = (uint64_t)(-(index + 1)) + 1; /* no overflow at INT64_MIN */
        if (back > ql->count) return 0;
        *out = ql->count - back;
    }
    return 1;
}

int ql_replace_at(Quicklist *ql, int64_t index, const char *s, size_t len) {
    QlIter it;
    QlEntry e;
    if (!ql_iter_init(&it, ql, QL_FORWARD, index) || !ql_iter_next(&it, &e)) {
        ql_iter_done(&it);
        return 0;
    }
    ql_replace_entry(&it, &e, s, len);
    return 1;
}

uint64_t ql_del_range(Quicklist *ql, int64_t start, uint64_t count) {
    if (!count) return 0;
    uint64_t idx;
    if (!normalize_index(ql, start, &idx)) return 0;
    uint64_t extent = ql->count - idx;
    if (count < extent) extent = count;
    uint64_t deleted = extent;
    long offset;
    QlNode *n = seek(ql, idx, &offset);
    /* At most two nodes lose part of their elements: the first and the
     * last of the range.  Whole nodes in between are dropped. */
    QlNode *partial[2] = {NULL, NULL};
    int npartial = 0;
    while (extent) {
        QlNode *next = n->next;
        uint64_t avail = n->count - (uint64_t)offset;
        uint64_t del = extent < avail ? extent : avail;
        if (n->container == QL_PLAIN || (offset == 0 && del == n->count)) {
            delete_node(ql, n);
        } else {
            node_decompress(n);
            n->entry = lp_delete_range(n->entry, offset, del);
            n->count -= (uint32_t)del;
            node_changed(n);
            ql->count -= del;
            partial[npartial++] = n;
        }
        extent -= del;
        n = next;
        offset = 0;
    }
    if (ql->compress) {
        window_fix(ql);
        for (int i = 0; i < npartial; i++) compress_if_inner(ql, partial[i]);
    }
    return deleted;
}

/* ----------------------------------------------------------- iteration */

int ql_iter_init(QlIter *it, Quicklist *ql, int dir, int64_t index) {
    memset(it, 0, sizeof(*it));
    it->ql = ql;
    it->dir = dir;
    uint64_t idx;
    if (!normalize_index(ql, index, &idx)) return 0;
    it->node = seek(ql, idx, &it->offset);
    return 1;
}

/* Pins the current node (decompressing it, keeping its compressed bytes)
 * and finds the entry at it->offset. */
static void iter_load(QlIter *it) {
    QlNode *n = it->node;
    if (n->compressed) {
        unsigned char *raw = mem_alloc(n->sz ? n->sz : 1);
        if (lzf_decompress(n->entry, n->csz, raw, n->sz) != n->sz) ql_panic("corrupt compressed node");
        it->saved = n->entry;
        it->saved_csz = n->csz;
        n->entry = raw;
        n->compressed = 0;
        n->csz = 0;
    }
    n->pinned = 1;
    it->loaded = 1;
    it->dirty = 0;
    if (n->container == QL_PLAIN) it->p = n->entry;
    else it->p = lp_seek(n->entry, it->offset);
}

/* Leaves the current node: compressed again when it is inner (with its
 * old bytes when unchanged). */
static void iter_leave(QlIter *it) {
    QlNode *n = it->node;
    if (!it->loaded || !n) return;
    n->pinned = 0;
    it->loaded = 0;
    if (it->saved) {
        if (!it->dirty && node_is_inner(it->ql, n)) {
            mem_free(n->entry);
            n->entry = it->saved;
            n->csz = it->saved_csz;
            n->compressed = 1;
        } else {
            mem_free(it->saved);
        }
        it->saved = NULL;
    } else if (it->dirty) {
        compress_if_inner(it->ql, n);
    }
    it->dirty = 0;
}

/* Drops the saved compressed bytes: the node is about to change. */
static void iter_touch(QlIter *it) {
    if (it->saved) {
        mem_free(it->saved);
        it->saved = NULL;
    }
    it->dirty = 1;
}

int ql_iter_next(QlIter *it, QlEntry *e) {
    for (;;) {
        QlNode *n = it->node;
        if (!n) return 0;
        if (!it->loaded) iter_load(it);
        if (it->p) {
            fill_entry(e, n, n->container == QL_PLAIN ? NULL : it->p, it->offset);
            if (n->container == QL_PLAIN) {
                it->p = NULL;
            } else if (it->dir == QL_FORWARD) {
                it->p = lp_next(n->entry, it->p);
                it->offset++;
            } else {
                it->p = lp_prev(n->entry, it->p);
                it->offset--;
            }
            return 1;
        }
        iter_leave(it);
        if (it->dir == QL_FORWARD) {
            it->node = n->next;
            it->offset = 0;
        } else {
            it->node = n->prev;
            it->offset = it->node ? (long)it->node->count - 1 : 0;
        }
    }
}

void ql_iter_del(QlIter *it, QlEntry *e) {
    Quicklist *ql = it->ql;
    QlNode *n = e->node;
    if (n != it->node || !it->loaded) ql_panic("iterator delete of an element it is not on");
    if (n->container == QL_PLAIN || n->count == 1) {
        iter_touch(it);
        n->pinned = 0;
        it->loaded = 0;
        it->dirty = 0;
        QlNode *next = it->dir == QL_FORWARD ? n->next : n->prev;
        delete_node(ql, n);
        it->node = next;
        it->offset = (it->dir == QL_FORWARD || !next) ? 0 : (long)next->count - 1;
        /* The current node (if any) is not pinned yet: settle may compress
         * it, and loading it decompresses it again. */
        settle(ql, NULL);
        return;
    }
    iter_touch(it);
    unsigned char *after;
    n->entry = lp_delete(n->entry, e->p, &after);
    n->count--;
    node_changed(n);
    ql->count--;
    if (it->dir == QL_FORWARD) {
        it->p = after;
        it->offset = e->offset;
    } else {
        it->p = after ? lp_prev(n->entry, after) : lp_last(n->entry);
        it->offset = e->offset - 1;
    }
}

void ql_iter_done(QlIter *it) {
    iter_leave(it);
    it->node = NULL;
    it->p = NULL;
}

/* Inserts s next to entry (node n, entry p at offset) following the
 * node rules; n is raw and unpinned.  Returns a node the change touched,
 * for settle(). */
static QlNode *insert_at(Quicklist *ql, QlNode *n, unsigned char *p, long offset, const char *s, size_t len,
                         int after) {
    int fill = ql->fill;
    int full = !allow_insert(n, fill, len);
    int at_tail = after && offset == (long)n->count - 1;
    int at_head = !after && offset == 0;
    int avail_next = at_tail && allow_insert(n->next, fill, len);
    int avail_prev = at_head && allow_insert(n->prev, fill, len);
    ql->count++;

    if (ql_is_large_element(len, fill)) {
        QlNode *plain = node_new_plain(s, len);
        if (n->container == QL_PLAIN || at_tail || at_head) {
            link_node(ql, n, plain, after);
        } else {
            /* Split so the plain node goes between the two halves. */
            QlNode *half = split_node(n, offset, after);
            link_node(ql, n, plain, after);
            link_node(ql, plain, half, after);
        }
        return plain;
    }
    if (!full) {
        n->entry = lp_insert(n->entry, s, len, p, after ? LP_AFTER : LP_BEFORE, NULL);
        n->count++;
        node_changed(n);
        return n;
    }
    if (avail_next) {
        QlNode *m = n->next;
        node_decompress(m);
        m->entry = lp_prepend(m->entry, s, len);
        m->count++;
        node_changed(m);
        return m;
    }
    if (avail_prev) {
        QlNode *m = n->prev;
        node_decompress(m);
        m->entry = lp_append(m->entry, s, len);
        m->count++;
        node_changed(m);
        return m;
    }
    if (at_tail || at_head) {
        QlNode *m = node_new_packed(s, len);
        link_node(ql, n, m, after);
        return m;
    }
    /* Full, in the middle: split, put the element at the cut, merge what
     * became small. */
    QlNode *half = split_node(n, offset, after);
    if (after) half->entry = lp_prepend(half->entry, s, len);
    else half->entry = lp_append(half->entry, s, len);
    half->count++;
    node_changed(half);
    link_node(ql, n, half, after);
    return merge_around(ql, n);
}

/* Unpins the iterator's node as changed (no compression yet) and ends
 * the iteration. */
static void iter_release_for_change(QlIter *it) {
    if (it->loaded && it->node) {
        iter_touch(it);
        it->node->pinned = 0;
    }
    it->loaded = 0;
    it->dirty = 0;
    it->node = NULL;
    it->p = NULL;
}

void ql_insert(QlIter *it, QlEntry *e, const char *s, size_t len, int after) {
    Quicklist *ql = it->ql;
    QlNode *n = e->node;
    iter_release_for_change(it);
    QlNode *touched = insert_at(ql, n, e->p, e->offset, s, len, after);
    settle(ql, touched);
}

void ql_replace_entry(QlIter *it, QlEntry *e, const char *s, size_t len) {
    Quicklist *ql = it->ql;
    QlNode *n = e->node;
    int fill = ql->fill;
    iter_release_for_change(it);
    int large = ql_is_large_element(len, fill);
    if (n->container == QL_PACKED && !large &&
        !ql_node_exceeds_limit(fill, n->sz - lp_entry_bytes(e->p) + len + QL_ENTRY_OVERHEAD, n->count)) {
        unsigned char *p = e->p;
        n->entry = lp_replace(n->entry, &p, s, len);
        node_changed(n);
        settle(ql, n);
        return;
    }
    if (n->container == QL_PLAIN) {
        if (large) {
            mem_free(n->entry);
            n->entry = mem_alloc(len ? len : 1);
            if (len) memcpy(n->entry, s, len);
            n->sz = len;
            n->incompressible = 0;
            settle(ql, n);
        } else {
            /* A small value leaves plain form: insert it after, drop n. */
            QlNode *touched = insert_at(ql, n, NULL, 0, s, len, 1);
            if (touched == n) ql_panic("plain node took an insert");
            delete_node(ql, n);
            settle(ql, touched);
        }
        return;
    }
    /* The node is full or the value is large: cut after the element, put
     * the value in a node of its own, then drop the old element (now the
     * last of n) and merge what is small. */
    QlNode *half = NULL;
    if (e->offset != (long)n->count - 1) half = split_node(n, e->offset, 1);
    QlNode *m = large ? node_new_plain(s, len) : node_new_packed(s, len);
    link_node(ql, n, m, 1);
    if (half) link_node(ql, m, half, 1);
    ql->count++;
    if (n->count == 1) {
        delete_node(ql, n);
    } else {
        n->entry = lp_delete(n->entry, lp_last(n->entry), NULL);
        n->count--;
        node_changed(n);
        ql->count--;
        m = merge_around(ql, m);
    }
    settle(ql, m);
}

int ql_entry_equals(const QlEntry *e, const char *s, size_t len) {
    if (e->sval) return e->slen == len && (len == 0 || memcmp(e->sval, s, len) == 0);
    int64_t v;
    return lp_string_to_int64(s, len, &v) && v == e->lval;
}

/* --------------------------------------------------------------- check */

const char *ql_check(const Quicklist *ql, int strict) {
    uint64_t count = 0, len = 0;
    const QlNode *prev = NULL;
    size_t size_limit;
    uint64_t count_limit;
    ql_node_limit(ql->fill, &size_limit, &count_limit);
    /* A split puts the new element into one half of a full node, which
     * can take that half past the byte limit by up to one element (Valkey
     * does the same); the element limit always holds. */
    size_t byte_limit = size_limit == SIZE_MAX ? QL_SIZE_SAFETY_LIMIT : size_limit;
    if (ql->fill < QL_FILL_MIN || ql->fill > QL_FILL_MAX) return "fill out of bounds";
    if (ql->compress < 0 || ql->compress > QL_COMPRESS_MAX) return "compress depth out of bounds";
    if ((ql->head == NULL) != (ql->tail == NULL)) return "head and tail disagree";
    for (const QlNode *n = ql->head; n; n = n->next) {
        if (n->prev != prev) return "broken prev link";
        if (n->pinned) return "node left pinned";
        if (n->count == 0) return "empty node";
        if (n->container != QL_PACKED && n->container != QL_PLAIN) return "bad container";
        if (n->container == QL_PLAIN && n->count != 1) return "plain node with several elements";
        if (n->compressed && n->csz == 0) return "compressed node without bytes";
        if (!n->compressed && n->csz) return "raw node with a compressed size";
        /* Look at the raw content (decompressed into a scratch copy). */
        unsigned char *raw = n->entry, *tmp = NULL;
        if (n->compressed) {
            tmp = mem_alloc(n->sz ? n->sz : 1);
            if (lzf_decompress(n->entry, n->csz, tmp, n->sz) != n->sz) {
                mem_free(tmp);
                return "compressed node does not decompress to its size";
            }
            raw = tmp;
        }
        const char *err = NULL;
        if (n->container == QL_PACKED) {
            if (!lp_validate_integrity(raw, n->sz, 1, NULL, NULL)) err = "invalid listpack in node";
            else if (lp_bytes(raw) != n->sz) err = "node size differs from its listpack";
            else if (lp_length(raw) != n->count) err = "node count differs from its listpack";
            else if (strict && n->count > 1 && n->count > count_limit)
                err = "packed node past the fill's element limit";
            else if (strict && n->count > 1 && n->sz > 2 * byte_limit + QL_ENTRY_OVERHEAD + LP_HDR_SIZE + 1)
                err = "packed node past twice the fill's byte limit";
            else if (strict && n->count == 1) {
                int64_t v;
                uint32_t slen = 0;
                if (lp_get(lp_first(raw), &v, &slen) && ql_is_large_element(slen, ql->fill))
                    err = "large element left in a packed node";
            }
        } else if (strict && !ql_is_large_element(n->sz, ql->fill)) {
            err = "small element in a plain node";
        }
        if (tmp) mem_free(tmp);
        if (err) return err;
        /* Compression state against the position. */
        int inner = node_is_inner(ql, n);
        if (!inner && n->compressed) return "node in an end window is compressed";
        if (inner && !n->compressed) {
            if (!n->incompressible) return "inner node left raw";
            if (n->sz >= QL_MIN_COMPRESS_BYTES) {
                unsigned char *buf = mem_alloc(n->sz);
                size_t c = lzf_compress(n->entry, n->sz, buf, n->sz - QL_MIN_COMPRESS_GAIN - 1);
                mem_free(buf);
                if (c) return "node marked incompressible compresses";
            }
        }
        count += n->count;
        len++;
        prev = n;
    }
    if (prev != ql->tail) return "tail is not the last node";
    if (count != ql->count) return "element count differs from the nodes";
    if (len != ql->len) return "node count differs";
    return NULL;
}
