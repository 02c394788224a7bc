/* skiplist.c - skiplist with rank spans and inline members (skiplist.h
 * has the layout and the invariants).
 *
 * Every change walks down from the top level collecting, per level, the
 * last node before the place of interest (update[]) and its rank
 * (rank[]); spans are then fixed from those ranks.  Spans of NULL
 * forwards count to length + 1, so the same arithmetic holds at the end
 * of a level and no case is special; the head's spans above `level` are
 * reset when a level comes into use. */
#include "skiplist.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"

/* ------------------------------------------------------------ nodes */

static size_t varint_len(size_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static SlNode *fwd(SlNode *x, int i) {
    return i ? sl_node_level(x, i)->fwd : x->next;
}

static uint64_t span(SlNode *x, int i) {
    return i ? sl_node_level(x, i)->span : 1;
}

static void set_fwd(SlNode *x, int i, SlNode *y) {
    if (i) sl_node_level(x, i)->fwd = y;
    else x->next = y;
}

/* Start of a node's block. */
static void *node_block(const SlNode *n) {
    return (void *)((const SlLevel *)(const void *)n - (n->level - 1));
}

static SlNode *node_new(int level, double score, const char *m, size_t len) {
    size_t levels = sizeof(SlLevel) * (size_t)(level - 1);
    size_t size = levels + offsetof(SlNode, mem) + varint_len(len) + len;
    SlLevel *block = mem_alloc(size);
    memset(block, 0, levels);
    SlNode *n = (SlNode *)(void *)(block + (level - 1));
    n->score = score;
    n->ht_next = NULL;
    n->next = NULL;
    n->level = (uint8_t)level;
    unsigned char *p = n->mem;
    size_t v = len;
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    if (len) memcpy(p, m, len);
    return n;
}

void sl_node_free(SlNode *n) {
    mem_free(node_block(n));
}

size_t sl_node_usable(const SlNode *n) {
    return mem_usable(node_block(n));
}

size_t sl_overhead_usable(const Skiplist *sl) {
    return mem_usable(sl) + sl_node_usable(sl->head);
}

/* ------------------------------------------------------------ order */

static int member_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Node x against the key (score, m): <0 when x comes first. */
static int key_cmp(const SlNode *x, double score, const char *m, size_t len) {
    if (x->score < score) return -1;
    if (x->score > score) return 1;
    size_t xlen;
    const char *xm = sl_node_member(x, &xlen);
    return member_cmp(xm, xlen, m, len);
}

int sl_lex_cmp(const char *m, size_t len, const SlLex *b) {
    if (b->kind == SL_LEX_MIN) return 1;
    if (b->kind == SL_LEX_MAX) return -1;
    return member_cmp(m, len, b->p, b->len);
}

/* ---------------------------------------------------------- create */

Skiplist *sl_create(sl_rand_fn rand64) {
    Skiplist *sl = mem_alloc(sizeof(*sl));
    sl->head = node_new(SL_MAX_LEVEL, 0, NULL, 0);
    sl->tail = NULL;
    sl->length = 0;
    sl->level = 1;
    sl->rand64 = rand64;
    return sl;
}

void sl_free(Skiplist *sl) {
    SlNode *x = sl->head->next;
    while (x) {
        SlNode *next = x->next;
        sl_node_free(x);
        x = next;
    }
    sl_node_free(sl->head);
    mem_free(sl);
}

/* 1 with probability 7/8, then +1 with 1/4 each: fewer tall nodes than
 * the classic 1/4 throughout (most members fit the smallest block), at
 * the price of a few more steps along level 0. */
static int random_level(Skiplist *sl) {
    uint64_t r = sl->rand64();
    if (r & 7) return 1;
    r >>= 3;
    int level = 2;
    while (level < SL_MAX_LEVEL && (r & 3) == 0) {
        level++;
        r >>= 2;
    }
    return level;
}

/* ---------------------------------------------------------- linking */

/* Last node before key on each level, and its rank. */
static void find_before(const Skiplist *sl, double score, const char *m, size_t len, SlNode **update,
                        uint64_t *rank) {
    SlNode *x = sl->head;
    uint64_t r = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        SlNode *y;
        while ((y = fwd(x, i)) && key_cmp(y, score, m, len) < 0) {
            r += span(x, i);
            x = y;
        }
        update[i] = x;
        if (rank) rank[i] = r;
    }
}

/* Links x (unlinked, its level set) at its place. */
static void link_node(Skiplist *sl, SlNode *x) {
    SlNode *update[SL_MAX_LEVEL];
    uint64_t rank[SL_MAX_LEVEL];
    size_t len;
    const char *m = sl_node_member(x, &len);
    find_before(sl, x->score, m, len, update, rank);
    int level = x->level;
    if (level > sl->level) {
        for (int i = sl->level; i < level; i++) {
            update[i] = sl->head;
            rank[i] = 0;
            sl_node_level(sl->head, i)->span = sl->length + 1;
            sl_node_level(sl->head, i)->fwd = NULL;
        }
        sl->level = level;
    }
    for (int i = 0; i < level; i++) {
        set_fwd(x, i, fwd(update[i], i));
        set_fwd(update[i], i, x);
        if (i) {
            SlLevel *ul = sl_node_level(update[i], i);
            sl_node_level(x, i)->span = ul->span - (rank[0] - rank[i]);
            ul->span = rank[0] - rank[i] + 1;
        }
    }
    for (int i = level; i < sl->level; i++) sl_node_level(update[i], i)->span++;
    if (!x->next) sl->tail = x;
    sl->length++;
}

/* Unlinks x, whose predecessors on every level are update[]. */
static void unlink_node(Skiplist *sl, SlNode *x, SlNode **update) {
    for (int i = 0; i < sl->level; i++) {
        if (fwd(update[i], i) == x) {
            if (i) sl_node_level(update[i], i)->span += span(x, i) - 1;
            set_fwd(update[i], i, fwd(x, i));
        } else {
            sl_node_level(update[i], i)->span--;
        }
    }
    if (sl->tail == x) sl->tail = update[0] == sl->head ? NULL : update[0];
    while (sl->level > 1 && !fwd(sl->head, sl->level - 1)) sl->level--;
    sl->length--;
}

SlNode *sl_insert(Skiplist *sl, double score, const char *m, size_t len) {
    SlNode *x = node_new(random_level(sl), score, m, len);
    link_node(sl, x);
    return x;
}

SlNode *sl_unlink(Skiplist *sl, double score, const char *m, size_t len) {
    SlNode *update[SL_MAX_LEVEL];
    find_before(sl, score, m, len, update, NULL);
    SlNode *x = update[0]->next;
    if (!x || key_cmp(x, score, m, len) != 0) return NULL;
    unlink_node(sl, x, update);
    return x;
}

void sl_update_score(Skiplist *sl, SlNode *x, double score) {
    SlNode *update[SL_MAX_LEVEL];
    size_t len;
    const char *m = sl_node_member(x, &len);
    find_before(sl, x->score, m, len, update, NULL);
    /* Still between its neighbours: change it in place. */
    SlNode *prev = update[0], *next = x->next;
    if ((prev == sl->head || key_cmp(prev, score, m, len) < 0) && (!next || key_cmp(next, score, m, len) > 0)) {
        x->score = score;
        return;
    }
    unlink_node(sl, x, update);
    x->score = score;
    for (int i = 0; i < x->level; i++) set_fwd(x, i, NULL);
    link_node(sl, x);
}

uint64_t sl_delete_ranks(Skiplist *sl, uint64_t from, uint64_t to, sl_node_fn *fn, void *priv) {
    if (from < 1) from = 1;
    if (to > sl->length) to = sl->length;
    if (from > to) return 0;
    SlNode *update[SL_MAX_LEVEL];
    SlNode *x = sl->head;
    uint64_t traversed = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        while (fwd(x, i) && traversed + span(x, i) < from) {
            traversed += span(x, i);
            x = fwd(x, i);
        }
        update[i] = x;
    }
    /* update[] stays the predecessor set as nodes after it go. */
    uint64_t removed = 0, count = to - from + 1;
    x = update[0]->next;
    while (x && removed < count) {
        SlNode *next = x->next;
        unlink_node(sl, x, update);
        if (fn) fn(priv, x);
        removed++;
        x = next;
    }
    return removed;
}

/* ------------------------------------------------------------ reads */

uint64_t sl_rank(const Skiplist *sl, double score, const char *m, size_t len) {
    SlNode *x = sl->head;
    uint64_t r = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        SlNode *y;
        while ((y = fwd(x, i)) && key_cmp(y, score, m, len) <= 0) {
            r += span(x, i);
            x = y;
        }
        if (x != sl->head && key_cmp(x, score, m, len) == 0) return r;
    }
    return 0;
}

SlNode *sl_at_rank(const Skiplist *sl, uint64_t rank) {
    if (rank < 1 || rank > sl->length) return NULL;
    SlNode *x = sl->head;
    uint64_t traversed = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        while (fwd(x, i) && traversed + span(x, i) <= rank) {
            traversed += span(x, i);
            x = fwd(x, i);
        }
        if (traversed == rank) return x;
    }
    return NULL;
}

SlNode *sl_seek_score(const Skiplist *sl, double v, int strict, uint64_t *rank) {
    SlNode *x = sl->head;
    uint64_t r = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        SlNode *y;
        while ((y = fwd(x, i)) && (strict ? y->score <= v : y->score < v)) {
            r += span(x, i);
            x = y;
        }
    }
    *rank = r + 1;
    return x->next;
}

SlNode *sl_seek_lex(const Skiplist *sl, const SlLex *b, int strict, uint64_t *rank) {
    SlNode *x = sl->head;
    uint64_t r = 0;
    for (int i = sl->level - 1; i >= 0; i--) {
        SlNode *y;
        while ((y = fwd(x, i))) {
            size_t len;
            const char *m = sl_node_member(y, &len);
            int c = sl_lex_cmp(m, len, b);
            if (strict ? c > 0 : c >= 0) break;
            r += span(x, i);
            x = y;
        }
    }
    *rank = r + 1;
    return x->next;
}

/* ------------------------------------------------------------ check */

const char *sl_check(const Skiplist *sl) {
    if (sl->level < 1 || sl->level > SL_MAX_LEVEL) return "level out of range";
    if (sl->head->level != SL_MAX_LEVEL) return "head level";
    /* Level 0: order, length, tail, node levels. */
    uint64_t n = 0;
    SlNode *last = NULL;
    int top = 1;
    for (SlNode *x = sl->head->next; x; x = x->next) {
        n++;
        if (isnan(x->score)) return "NaN score";
        if (x->level < 1 || x->level > SL_MAX_LEVEL) return "node level out of range";
        if (x->level > top) top = x->level;
        if (last) {
            size_t len;
            const char *m = sl_node_member(x, &len);
            if (key_cmp(last, x->score, m, len) >= 0) return "level 0 out of order";
        }
        last = x;
    }
    if (n != sl->length) return "length differs from the level-0 count";
    if (sl->tail != last) return "tail is not the last node";
    if (top > sl->level) return "a node is taller than the list level";
    if (sl->level > 1 && !fwd(sl->head, sl->level - 1)) return "top level is empty";
    /* Upper levels: each is a sublist of the one below (every node of
     * level > i is met on level i), spans match ranks. */
    for (int i = 1; i < sl->level; i++) {
        SlNode *x = sl->head;
        uint64_t rank = 0;          /* rank of x */
        SlNode *below = sl->head;   /* walks level 0 in step */
        uint64_t below_rank = 0;
        for (;;) {
            SlNode *y = fwd(x, i);
            uint64_t target;
            if (y) {
                if (y->level <= i) return "node on a level above its own";
                /* find y on level 0, counting */
                while (below != y) {
                    below = below->next;
                    below_rank++;
                    if (!below) return "upper-level node missing from level 0";
                    if (below->level > i && below != y) return "upper level skips a node of its height";
                }
                target = below_rank;
            } else {
                target = sl->length + 1;
            }
            if (span(x, i) != target - rank) return "span does not match ranks";
            if (!y) break;
            x = y;
            rank = target;
        }
    }
    return NULL;
}
