/* skiplist.h - the ordered index of big sorted sets: a skiplist of
 * (score, member) nodes kept in (score, member bytes) order, with rank
 * spans so ranks, and elements by rank, are found in O(log n).
 *
 * Memory is the point of the layout.  A node is one allocation holding
 * the member's bytes inline, and it is also the entry of the owner's
 * member table (htable.h links it through `ht_next`), so one member costs
 * one block.  A node of level L is laid out as
 *     [SlLevel for level L-1] ... [SlLevel for level 1] [SlNode]
 * and an SlNode pointer points at the SlNode part: level 0's successor is
 * `next` (its span is always 1, so it is not stored) and level i >= 1 is
 * the SlLevel just below the node's address, ((SlLevel *)node)[-i].  A
 * 16-byte member at level 1 takes 42 bytes (a 48-byte block on jemalloc).
 * There is no backward pointer: reverse walks go by rank (sl_at_rank).
 * Levels: 1 with probability 7/8, then each further level with 1/4, up to
 * SL_MAX_LEVEL; a level-1 node has no SlLevel at all.
 *
 * Invariants (sl_check verifies them):
 *  - level-0 order is strictly increasing by (score, member bytes), where
 *    members compare as memcmp over the common length, then shorter first;
 *    scores are never NaN;
 *  - for every node x (and the head, rank 0) and every level i < level,
 *    span(x, i) = rank(forward(x, i)) - rank(x), counting rank(NULL) as
 *    length + 1; level-i lists are sublists of level i-1;
 *  - `tail` is the last node (NULL when empty), `level` the highest level
 *    in use (at least 1), `length` the number of nodes.
 * The caller keeps members unique (its member table says whether one is
 * present) and never inserts a NaN score. */
#ifndef DS_SKIPLIST_H
#define DS_SKIPLIST_H

#include <stddef.h>
#include <stdint.h>

#define SL_MAX_LEVEL 32

typedef struct SlNode {
    double score;
    void *ht_next;         /* the owner's member table link (htable.h) */
    struct SlNode *next;   /* level-0 successor */
    uint8_t level;
    unsigned char mem[];   /* member length (LEB128), then its bytes */
} SlNode;

/* One level >= 1 of a node: the successor there and the distance to it. */
typedef struct SlLevel {
    SlNode *fwd;
    uint64_t span;
} SlLevel;

typedef uint64_t (*sl_rand_fn)(void);

typedef struct Skiplist {
    SlNode *head;          /* level SL_MAX_LEVEL, no member, rank 0 */
    SlNode *tail;
    uint64_t length;
    int level;
    sl_rand_fn rand64;     /* draws node levels */
} Skiplist;

/* A lexicographic range end: "-" (below every member), "+" (above
 * every member) or a member value. */
enum { SL_LEX_MIN = 0, SL_LEX_MAX = 1, SL_LEX_VAL = 2 };
typedef struct SlLex {
    int kind;
    const char *p;
    size_t len;
} SlLex;

Skiplist *sl_create(sl_rand_fn rand64);
/* Frees the list and every node (the owner's table must not be used on
 * them afterwards). */
void sl_free(Skiplist *sl);

/* ---------------------------------------------------------- nodes */

static inline const char *sl_node_member(const SlNode *n, size_t *len) {
    const unsigned char *p = n->mem;
    size_t v = *p & 0x7f;
    int shift = 7;
    while (*p++ & 0x80) {
        v |= (size_t)(*p & 0x7f) << shift;
        shift += 7;
    }
    *len = v;
    return (const char *)p;
}
static inline SlLevel *sl_node_level(SlNode *n, int i) {
    return (SlLevel *)(void *)n - i;
}
static inline SlNode *sl_first(const Skiplist *sl) {
    return sl->head->next;
}
/* Frees a node that sl_unlink or sl_delete_ranks handed back. */
void sl_node_free(SlNode *n);
/* Bytes of the node's block (MEMORY USAGE). */
size_t sl_node_usable(const SlNode *n);
/* Bytes of the list's own blocks: the struct and the head. */
size_t sl_overhead_usable(const Skiplist *sl);

/* --------------------------------------------------------- changes */

/* Links a new node (the member must not be present); returns it. */
SlNode *sl_insert(Skiplist *sl, double score, const char *m, size_t len);
/* Unlinks the node with this score and member and returns it, or NULL
 * when there is none; the caller frees it (after its table let go). */
SlNode *sl_unlink(Skiplist *sl, double score, const char *m, size_t len);
/* Gives a linked node a new score, moving it if its place changes (the
 * node itself stays the same allocation). */
void sl_update_score(Skiplist *sl, SlNode *n, double score);
/* Unlinks the nodes of ranks from..to (1-based, inclusive, clamped to the
 * length) in order, handing each to fn (which frees it or keeps it);
 * returns how many. */
typedef void sl_node_fn(void *priv, SlNode *n);
uint64_t sl_delete_ranks(Skiplist *sl, uint64_t from, uint64_t to, sl_node_fn *fn, void *priv);

/* ----------------------------------------------------------- reads */

/* 1-based rank of the element (score, member), 0 when absent. */
uint64_t sl_rank(const Skiplist *sl, double score, const char *m, size_t len);
/* The node of a 1-based rank, or NULL when out of range. */
SlNode *sl_at_rank(const Skiplist *sl, uint64_t rank);
/* The first node whose score is >= v (> v when strict), or NULL; *rank
 * gets its rank (length + 1 when NULL). */
SlNode *sl_seek_score(const Skiplist *sl, double v, int strict, uint64_t *rank);
/* The first node whose member is >= b (> b when strict), comparing
 * members only, by descending the levels as for scores: meaningful when
 * all scores are equal (what lexicographic commands require); otherwise
 * the answer depends on the levels, as in Valkey.  *rank as above. */
SlNode *sl_seek_lex(const Skiplist *sl, const SlLex *b, int strict, uint64_t *rank);
/* Compares a member with a lex range end: <0, 0, >0. */
int sl_lex_cmp(const char *m, size_t len, const SlLex *b);

/* Checks every invariant; NULL or what is wrong.  O(n log n). */
const char *sl_check(const Skiplist *sl);

#endif
