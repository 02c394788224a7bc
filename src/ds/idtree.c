/* idtree.c - the B+tree of stream IDs (see idtree.h).
 *
 * Node layouts (each node is one allocation):
 *   leaf:  header, then n items of iw words each: ms, seq, value words
 *   inner: header, separators sep[0..n-2] as (ms, seq) word pairs, then
 *          child pointers child[0..n-1]; child i holds the keys in
 *          [sep[i-1], sep[i]) (the first and last bounds open)
 * Every walk goes from the root, so nodes need no parent or sibling
 * links: inserts and removals keep the path they descended, iterators
 * keep theirs. */
#include "idtree.h"

#include <string.h>

#include "alloc.h"

typedef struct IdtHdr {
    uint16_t n;    /* items (leaf) or children (inner) */
    uint16_t cap;  /* leaf: items the allocation holds */
    uint32_t leaf;
} IdtHdr;

typedef struct IdtLeaf {
    IdtHdr h;
    uint64_t w[];
} IdtLeaf;

typedef struct IdtInner {
    IdtHdr h;
    uint64_t sep[2 * (IDT_INNER_MAX - 1)];
    void *child[IDT_INNER_MAX];
} IdtInner;

#define IW(t) ((size_t)(t)->vwords + 2)

static inline int is_leaf(const void *node) { return ((const IdtHdr *)node)->leaf != 0; }

static inline int key_cmp(const uint64_t *k, StreamId id) {
    if (k[0] != id.ms) return k[0] < id.ms ? -1 : 1;
    if (k[1] != id.seq) return k[1] < id.seq ? -1 : 1;
    return 0;
}

static inline StreamId key_at(const uint64_t *k) {
    StreamId id = {k[0], k[1]};
    return id;
}

/* ------------------------------------------------------------- nodes */

/* A leaf with room for at least `want` items (up to leaf_max), using the
 * whole size class the allocator gives. */
static IdtLeaf *leaf_alloc(IdTree *t, IdtLeaf *old, size_t want) {
    size_t iw = IW(t);
    if (want > t->leaf_max) want = t->leaf_max;
    IdtLeaf *l = mem_realloc(old, sizeof(IdtLeaf) + want * iw * 8);
    size_t cap = (mem_usable(l) - sizeof(IdtLeaf)) / (iw * 8);
    if (cap > t->leaf_max) cap = t->leaf_max;
    if (!old) {
        l->h.n = 0;
        l->h.leaf = 1;
        t->nodes++;
    }
    l->h.cap = (uint16_t)cap;
    return l;
}

static IdtInner *inner_new(IdTree *t) {
    IdtInner *in = mem_alloc(sizeof(IdtInner));
    in->h.n = 0;
    in->h.cap = IDT_INNER_MAX;
    in->h.leaf = 0;
    t->nodes++;
    return in;
}

static void node_free(IdTree *t, void *node) {
    mem_free(node);
    t->nodes--;
}

static inline uint64_t *leaf_item(const IdTree *t, IdtLeaf *l, size_t i) { return &l->w[i * IW(t)]; }

/* First position whose key is >= id (n when none). */
static int leaf_lower_bound(const IdTree *t, const IdtLeaf *l, StreamId id) {
    size_t iw = IW(t);
    int lo = 0, hi = l->h.n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (key_cmp(&l->w[(size_t)mid * iw], id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The child whose range holds id: the number of separators <= id. */
static int inner_child_index(const IdtInner *in, StreamId id) {
    int lo = 0, hi = in->h.n - 1;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (key_cmp(&in->sep[2 * mid], id) <= 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void inner_set_sep(IdtInner *in, int i, StreamId id) {
    in->sep[2 * i] = id.ms;
    in->sep[2 * i + 1] = id.seq;
}

/* Inserts child c at position ci (>= 1) with separator s before it. */
static void inner_insert(IdtInner *in, int ci, StreamId s, void *c) {
    int n = in->h.n;
    memmove(&in->child[ci + 1], &in->child[ci], sizeof(void *) * (size_t)(n - ci));
    memmove(&in->sep[2 * ci], &in->sep[2 * (ci - 1)], sizeof(uint64_t) * 2 * (size_t)(n - ci));
    in->child[ci] = c;
    inner_set_sep(in, ci - 1, s);
    in->h.n++;
}

/* Removes child j and the separator that bounded it (its lower one, or
 * for child 0 the one after it). */
static void inner_remove_child(IdtInner *in, int j) {
    int n = in->h.n;
    memmove(&in->child[j], &in->child[j + 1], sizeof(void *) * (size_t)(n - j - 1));
    if (n >= 2) {
        int s = j == 0 ? 0 : j - 1;
        memmove(&in->sep[2 * s], &in->sep[2 * (s + 1)], sizeof(uint64_t) * 2 * (size_t)(n - 2 - s));
    }
    in->h.n--;
}

void idt_init(IdTree *t, size_t vsize) {
    memset(t, 0, sizeof(*t));
    t->vwords = (uint16_t)((vsize + 7) / 8);
    size_t max = (IDT_LEAF_BYTES - sizeof(IdtLeaf)) / (IW(t) * 8);
    if (max < 4) max = 4;
    if (max > 65535) max = 65535;
    t->leaf_max = (uint16_t)max;
}

static void free_rec(IdTree *t, void *node) {
    if (!is_leaf(node)) {
        IdtInner *in = node;
        for (int i = 0; i < in->h.n; i++) free_rec(t, in->child[i]);
    }
    node_free(t, node);
}

void idt_clear(IdTree *t) {
    if (t->root) free_rec(t, t->root);
    t->root = NULL;
    t->count = 0;
    t->nodes = 0;
    t->height = 0;
}

/* ------------------------------------------------------------ lookup */

void *idt_find(const IdTree *t, StreamId id) {
    void *node = t->root;
    if (!node) return NULL;
    for (int level = t->height; level > 1; level--) {
        IdtInner *in = node;
        node = in->child[inner_child_index(in, id)];
    }
    IdtLeaf *l = node;
    int pos = leaf_lower_bound(t, l, id);
    if (pos < l->h.n) {
        uint64_t *it = &l->w[(size_t)pos * IW(t)];
        if (key_cmp(it, id) == 0) return it + 2;
    }
    return NULL;
}

/* ------------------------------------------------------------ insert */

/* Puts the new item (key id, zeroed value) at pos of a leaf with room. */
static uint64_t *leaf_put(const IdTree *t, IdtLeaf *l, int pos, StreamId id) {
    size_t iw = IW(t);
    uint64_t *it = &l->w[(size_t)pos * iw];
    memmove(it + iw, it, sizeof(uint64_t) * iw * (size_t)(l->h.n - pos));
    it[0] = id.ms;
    it[1] = id.seq;
    memset(it + 2, 0, sizeof(uint64_t) * t->vwords);
    l->h.n++;
    return it + 2;
}

/* Points the parent (or the root) at a node that moved. */
static void relink(IdTree *t, void **path, uint16_t *pidx, int depth, void *node) {
    if (depth == 0) t->root = node;
    else ((IdtInner *)path[depth - 1])->child[pidx[depth - 1]] = node;
}

/* The leaf where id is or would go, with the path to it (inner nodes and
 * the child index taken in each) and id's position in the leaf.
 * Appending is the common case (IDs mostly arrive in order): the
 * rightmost path is tried first, which needs no search. */
static IdtLeaf *descend(const IdTree *t, StreamId id, void **path, uint16_t *pidx, int *depth, int *pos) {
    size_t iw = IW(t);
    void *node = t->root;
    int d = 0;
    for (int level = t->height; level > 1; level--) {
        IdtInner *in = node;
        int ci = in->h.n - 1;
        path[d] = in;
        pidx[d++] = (uint16_t)ci;
        node = in->child[ci];
    }
    IdtLeaf *l = node;
    int p = l->h.n;
    if (p == 0 || key_cmp(&l->w[(size_t)(p - 1) * iw], id) >= 0) {
        d = 0;
        node = t->root;
        for (int level = t->height; level > 1; level--) {
            IdtInner *in = node;
            int ci = inner_child_index(in, id);
            path[d] = in;
            pidx[d++] = (uint16_t)ci;
            node = in->child[ci];
        }
        l = node;
        p = leaf_lower_bound(t, l, id);
    }
    *depth = d;
    *pos = p;
    return l;
}

void *idt_insert(IdTree *t, StreamId id, int *existed) {
    if (existed) *existed = 0;
    if (!t->root) {
        IdtLeaf *l = leaf_alloc(t, NULL, 1);
        t->root = l;
        t->height = 1;
        t->count = 1;
        return leaf_put(t, l, 0, id);
    }
    void *path[IDT_MAX_HEIGHT];
    uint16_t pidx[IDT_MAX_HEIGHT];
    int depth = 0;
    size_t iw = IW(t);
    int pos;
    IdtLeaf *l = descend(t, id, path, pidx, &depth, &pos);
    if (pos < l->h.n && key_cmp(&l->w[(size_t)pos * iw], id) == 0) {
        if (existed) *existed = 1;
        return &l->w[(size_t)pos * iw + 2];
    }
    t->count++;
    if (l->h.n == l->h.cap && l->h.cap < t->leaf_max) {
        l = leaf_alloc(t, l, (size_t)l->h.cap * 2);
        relink(t, path, pidx, depth, l);
    }
    if (l->h.n < l->h.cap) return leaf_put(t, l, pos, id);

    /* A full leaf: split it. */
    IdtLeaf *r;
    uint64_t *val;
    int n = l->h.n;
    if (pos == n) {
        /* Appending: the new item starts a leaf of its own, the old one
         * stays full. */
        r = leaf_alloc(t, NULL, 2);
        val = leaf_put(t, r, 0, id);
    } else {
        int mid = n / 2;
        r = leaf_alloc(t, NULL, (size_t)(n - mid + 1));
        memcpy(r->w, &l->w[(size_t)mid * iw], sizeof(uint64_t) * iw * (size_t)(n - mid));
        r->h.n = (uint16_t)(n - mid);
        l->h.n = (uint16_t)mid;
        if (pos <= mid) val = leaf_put(t, l, pos, id);
        else val = leaf_put(t, r, pos - mid, id);
    }
    StreamId sep = key_at(r->w);
    void *newchild = r;
    for (int d = depth - 1; d >= 0; d--) {
        IdtInner *p = path[d];
        int ci = pidx[d] + 1;
        if (p->h.n < IDT_INNER_MAX) {
            inner_insert(p, ci, sep, newchild);
            return val;
        }
        IdtInner *q = inner_new(t);
        if (ci == p->h.n) {
            q->child[0] = newchild;
            q->h.n = 1;
        } else {
            /* Gather the n+1 children and n separators, then halve. */
            void *ch[IDT_INNER_MAX + 1];
            uint64_t sp[2 * IDT_INNER_MAX];
            int pn = p->h.n;
            memcpy(ch, p->child, sizeof(void *) * (size_t)ci);
            ch[ci] = newchild;
            memcpy(&ch[ci + 1], &p->child[ci], sizeof(void *) * (size_t)(pn - ci));
            memcpy(sp, p->sep, sizeof(uint64_t) * 2 * (size_t)(ci - 1));
            sp[2 * (ci - 1)] = sep.ms;
            sp[2 * (ci - 1) + 1] = sep.seq;
            memcpy(&sp[2 * ci], &p->sep[2 * (ci - 1)], sizeof(uint64_t) * 2 * (size_t)(pn - ci));
            int total = pn + 1, k = total / 2;
            memcpy(p->child, ch, sizeof(void *) * (size_t)k);
            memcpy(p->sep, sp, sizeof(uint64_t) * 2 * (size_t)(k - 1));
            p->h.n = (uint16_t)k;
            sep = key_at(&sp[2 * (k - 1)]);
            memcpy(q->child, &ch[k], sizeof(void *) * (size_t)(total - k));
            memcpy(q->sep, &sp[2 * k], sizeof(uint64_t) * 2 * (size_t)(total - k - 1));
            q->h.n = (uint16_t)(total - k);
        }
        newchild = q;
    }
    IdtInner *root = inner_new(t);
    root->child[0] = t->root;
    root->child[1] = newchild;
    inner_set_sep(root, 0, sep);
    root->h.n = 2;
    t->root = root;
    t->height++;
    return val;
}

/* ------------------------------------------------------------ remove */

/* After path[d] lost a child: remove it if empty, merge it into a
 * neighbour when both fit, collapse a root with one child. */
static void inner_fix(IdTree *t, void **path, uint16_t *pidx, int d) {
    for (;;) {
        IdtInner *p = path[d];
        if (d == 0) {
            if (p->h.n == 1 && t->height > 1) {
                t->root = p->child[0];
                t->height--;
                node_free(t, p);
            } else if (p->h.n == 0) {
                node_free(t, p);
                t->root = NULL;
                t->height = 0;
            }
            return;
        }
        IdtInner *g = path[d - 1];
        int gi = pidx[d - 1];
        if (p->h.n == 0) {
            node_free(t, p);
            inner_remove_child(g, gi);
        } else if (gi > 0 && ((IdtInner *)g->child[gi - 1])->h.n + p->h.n <= IDT_INNER_MAX) {
            IdtInner *lft = g->child[gi - 1];
            int ln = lft->h.n;
            lft->sep[2 * (ln - 1)] = g->sep[2 * (gi - 1)];
            lft->sep[2 * (ln - 1) + 1] = g->sep[2 * (gi - 1) + 1];
            memcpy(&lft->sep[2 * ln], p->sep, sizeof(uint64_t) * 2 * (size_t)(p->h.n - 1));
            memcpy(&lft->child[ln], p->child, sizeof(void *) * (size_t)p->h.n);
            lft->h.n = (uint16_t)(ln + p->h.n);
            node_free(t, p);
            inner_remove_child(g, gi);
        } else if (gi + 1 < g->h.n && ((IdtInner *)g->child[gi + 1])->h.n + p->h.n <= IDT_INNER_MAX) {
            IdtInner *rgt = g->child[gi + 1];
            int pn = p->h.n;
            p->sep[2 * (pn - 1)] = g->sep[2 * gi];
            p->sep[2 * (pn - 1) + 1] = g->sep[2 * gi + 1];
            memcpy(&p->sep[2 * pn], rgt->sep, sizeof(uint64_t) * 2 * (size_t)(rgt->h.n - 1));
            memcpy(&p->child[pn], rgt->child, sizeof(void *) * (size_t)rgt->h.n);
            p->h.n = (uint16_t)(pn + rgt->h.n);
            node_free(t, rgt);
            inner_remove_child(g, gi + 1);
        } else {
            return;
        }
        d--;
    }
}

int idt_remove(IdTree *t, StreamId id, void *val_out) {
    if (!t->root) return 0;
    void *path[IDT_MAX_HEIGHT];
    uint16_t pidx[IDT_MAX_HEIGHT];
    int depth = 0;
    size_t iw = IW(t);
    int pos;
    IdtLeaf *l = descend(t, id, path, pidx, &depth, &pos);
    if (pos >= l->h.n || key_cmp(&l->w[(size_t)pos * iw], id) != 0) return 0;
    uint64_t *it = &l->w[(size_t)pos * iw];
    if (val_out) memcpy(val_out, it + 2, sizeof(uint64_t) * t->vwords);
    memmove(it, it + iw, sizeof(uint64_t) * iw * (size_t)(l->h.n - pos - 1));
    l->h.n--;
    t->count--;
    if (depth == 0) {
        if (l->h.n == 0) {
            node_free(t, l);
            t->root = NULL;
            t->height = 0;
        } else if (l->h.cap > 4 && l->h.n <= l->h.cap / 4) {
            t->root = leaf_alloc(t, l, (size_t)l->h.n * 2);
        }
        return 1;
    }
    IdtInner *p = path[depth - 1];
    int ci = pidx[depth - 1];
    if (ci > 0 && ((IdtLeaf *)p->child[ci - 1])->h.n + l->h.n <= t->leaf_max) {
        IdtLeaf *lft = p->child[ci - 1];
        size_t total = (size_t)lft->h.n + l->h.n;
        if (total > lft->h.cap) {
            lft = leaf_alloc(t, lft, total);
            p->child[ci - 1] = lft;
        }
        memcpy(&lft->w[(size_t)lft->h.n * iw], l->w, sizeof(uint64_t) * iw * l->h.n);
        lft->h.n = (uint16_t)total;
        node_free(t, l);
        inner_remove_child(p, ci);
        inner_fix(t, path, pidx, depth - 1);
    } else if (ci + 1 < p->h.n && ((IdtLeaf *)p->child[ci + 1])->h.n + l->h.n <= t->leaf_max) {
        IdtLeaf *rgt = p->child[ci + 1];
        size_t total = (size_t)l->h.n + rgt->h.n;
        if (total > l->h.cap) {
            l = leaf_alloc(t, l, total);
            p->child[ci] = l;
        }
        memcpy(&l->w[(size_t)l->h.n * iw], rgt->w, sizeof(uint64_t) * iw * rgt->h.n);
        l->h.n = (uint16_t)total;
        node_free(t, rgt);
        inner_remove_child(p, ci + 1);
        inner_fix(t, path, pidx, depth - 1);
    } else if (l->h.n == 0) {
        node_free(t, l);
        inner_remove_child(p, ci);
        inner_fix(t, path, pidx, depth - 1);
    } else if (l->h.cap > 4 && l->h.n <= l->h.cap / 4) {
        p->child[ci] = leaf_alloc(t, l, (size_t)l->h.n * 2);
    }
    return 1;
}

/* -------------------------------------------------------- iteration */

/* Descends from path[d]'s child pidx[d] to a leaf, always taking the
 * first (or last) child. */
static void descend_edge(IdtIter *it, void *node, int d, int last) {
    while (!is_leaf(node)) {
        IdtInner *in = node;
        int ci = last ? in->h.n - 1 : 0;
        it->path[d] = in;
        it->pidx[d] = (uint16_t)ci;
        d++;
        node = in->child[ci];
    }
    it->leaf = node;
    it->idx = last ? ((IdtLeaf *)node)->h.n - 1 : 0;
}

void idt_seek_first(IdtIter *it, const IdTree *t) {
    it->t = t;
    it->leaf = NULL;
    if (t->root) descend_edge(it, t->root, 0, 0);
}

void idt_seek_last(IdtIter *it, const IdTree *t) {
    it->t = t;
    it->leaf = NULL;
    if (t->root) descend_edge(it, t->root, 0, 1);
}

/* Descends towards id; leaves it->idx at the leaf's lower bound. */
static void descend_key(IdtIter *it, const IdTree *t, StreamId id) {
    it->t = t;
    it->leaf = NULL;
    void *node = t->root;
    if (!node) return;
    int d = 0;
    while (!is_leaf(node)) {
        IdtInner *in = node;
        int ci = inner_child_index(in, id);
        it->path[d] = in;
        it->pidx[d] = (uint16_t)ci;
        d++;
        node = in->child[ci];
    }
    it->leaf = node;
    it->idx = leaf_lower_bound(t, node, id);
}

/* Moves to the next leaf's first item (or past the end). */
static void next_leaf(IdtIter *it) {
    for (int d = it->t->height - 2; d >= 0; d--) {
        IdtInner *in = it->path[d];
        if (it->pidx[d] + 1 < in->h.n) {
            it->pidx[d]++;
            descend_edge(it, in->child[it->pidx[d]], d + 1, 0);
            return;
        }
    }
    it->leaf = NULL;
}

static void prev_leaf(IdtIter *it) {
    for (int d = it->t->height - 2; d >= 0; d--) {
        IdtInner *in = it->path[d];
        if (it->pidx[d] > 0) {
            it->pidx[d]--;
            descend_edge(it, in->child[it->pidx[d]], d + 1, 1);
            return;
        }
    }
    it->leaf = NULL;
}

void idt_seek_ge(IdtIter *it, const IdTree *t, StreamId id) {
    descend_key(it, t, id);
    if (it->leaf && it->idx >= ((IdtLeaf *)it->leaf)->h.n) next_leaf(it);
}

void idt_seek_le(IdtIter *it, const IdTree *t, StreamId id) {
    descend_key(it, t, id);
    if (!it->leaf) return;
    IdtLeaf *l = it->leaf;
    if (it->idx < l->h.n && key_cmp(&l->w[(size_t)it->idx * IW(t)], id) == 0) return;
    it->idx--;
    if (it->idx < 0) prev_leaf(it);
}

StreamId idt_key(const IdtIter *it) {
    const IdtLeaf *l = it->leaf;
    return key_at(&l->w[(size_t)it->idx * IW(it->t)]);
}

void *idt_val(const IdtIter *it) {
    IdtLeaf *l = it->leaf;
    return &l->w[(size_t)it->idx * IW(it->t) + 2];
}

void idt_next(IdtIter *it) {
    if (!it->leaf) return;
    if (++it->idx >= ((IdtLeaf *)it->leaf)->h.n) next_leaf(it);
}

void idt_prev(IdtIter *it) {
    if (!it->leaf) return;
    if (--it->idx < 0) prev_leaf(it);
}

int idt_first(const IdTree *t, StreamId *id, void **val) {
    IdtIter it;
    idt_seek_first(&it, t);
    if (!idt_valid(&it)) return 0;
    if (id) *id = idt_key(&it);
    if (val) *val = idt_val(&it);
    return 1;
}

int idt_last(const IdTree *t, StreamId *id, void **val) {
    IdtIter it;
    idt_seek_last(&it, t);
    if (!idt_valid(&it)) return 0;
    if (id) *id = idt_key(&it);
    if (val) *val = idt_val(&it);
    return 1;
}

/* ----------------------------------------------------------- checks */

static size_t mem_rec(const void *node) {
    size_t bytes = mem_usable(node);
    if (!is_leaf(node)) {
        const IdtInner *in = node;
        for (int i = 0; i < in->h.n; i++) bytes += mem_rec(in->child[i]);
    }
    return bytes;
}

size_t idt_mem_usage(const IdTree *t) {
    return t->root ? mem_rec(t->root) : 0;
}

typedef struct CheckState {
    const IdTree *t;
    uint64_t items, nodes;
    int have_prev;
    StreamId prev;
} CheckState;

/* lo/hi: the range this subtree must keep to (NULL: open). */
static const char *check_rec(CheckState *st, const void *node, int level, const StreamId *lo, const StreamId *hi,
                             int is_root) {
    st->nodes++;
    const IdtHdr *h = node;
    if (!is_root && h->n == 0) return "empty non-root node";
    if (level == 1) {
        if (!h->leaf) return "inner node at leaf depth";
        const IdtLeaf *l = node;
        if (l->h.n > l->h.cap || l->h.cap > st->t->leaf_max) return "leaf count over its capacity";
        if (sizeof(IdtLeaf) + (size_t)l->h.cap * IW(st->t) * 8 > mem_usable(l))
            return "leaf capacity over its allocation";
        for (int i = 0; i < l->h.n; i++) {
            StreamId k = key_at(&l->w[(size_t)i * IW(st->t)]);
            if (st->have_prev && sid_cmp(st->prev, k) >= 0) return "keys out of order";
            if (lo && sid_cmp(k, *lo) < 0) return "key below its separator";
            if (hi && sid_cmp(k, *hi) >= 0) return "key at or above the next separator";
            st->prev = k;
            st->have_prev = 1;
            st->items++;
        }
        return NULL;
    }
    if (h->leaf) return "leaf above leaf depth";
    const IdtInner *in = node;
    if (in->h.n > IDT_INNER_MAX) return "inner node over capacity";
    for (int i = 0; i + 1 < in->h.n; i++) {
        StreamId s = key_at(&in->sep[2 * i]);
        if (i > 0 && sid_cmp(key_at(&in->sep[2 * (i - 1)]), s) >= 0) return "separators out of order";
        if (lo && sid_cmp(s, *lo) < 0) return "separator below its range";
        if (hi && sid_cmp(s, *hi) >= 0) return "separator above its range";
    }
    for (int i = 0; i < in->h.n; i++) {
        StreamId clo, chi;
        const StreamId *plo = lo, *phi = hi;
        if (i > 0) {
            clo = key_at(&in->sep[2 * (i - 1)]);
            plo = &clo;
        }
        if (i + 1 < in->h.n) {
            chi = key_at(&in->sep[2 * i]);
            phi = &chi;
        }
        const char *err = check_rec(st, in->child[i], level - 1, plo, phi, 0);
        if (err) return err;
    }
    return NULL;
}

const char *idt_check(const IdTree *t) {
    if (!t->root) {
        if (t->count || t->height || t->nodes) return "empty tree with counts";
        return NULL;
    }
    if (t->height == 0 || t->height > IDT_MAX_HEIGHT) return "bad height";
    CheckState st = {t, 0, 0, 0, {0, 0}};
    const char *err = check_rec(&st, t->root, t->height, NULL, NULL, 1);
    if (err) return err;
    if (st.items != t->count) return "count does not match the items";
    if (st.nodes != t->nodes) return "node count does not match";
    if (t->height == 1 && ((const IdtHdr *)t->root)->n == 0) return "empty root leaf";
    return NULL;
}
