/* quicklist.h - a doubly linked list of nodes, each a listpack of several
 * elements (or one large element held as plain bytes): the big encoding of
 * lists.  Pushes and pops at both ends are O(1) amortized; the inner nodes
 * can be LZF-compressed.
 *
 * Node shape follows Valkey 8 rule for rule, because a list converts back
 * to a listpack only while it is a single node, which makes the node
 * layout visible through OBJECT ENCODING:
 *   - `fill` (list-max-listpack-size): negative is a byte limit per node,
 *     -1 4 KB, -2 8 KB, -3 16 KB, -4 32 KB, -5 (and below) 64 KB; zero or
 *     positive is an element limit per node (0 counts as 1), with an 8 KB
 *     safety size limit on top;
 *   - an element larger than the node byte limit (the 8 KB safety limit
 *     for positive fills), or at least the packed threshold when one was
 *     set (DEBUG QUICKLIST-PACKED-THRESHOLD), gets a node of its own in
 *     "plain" form (raw bytes, no listpack);
 *   - an insert goes into the node at the position if the node allows it
 *     (estimating the new size by excess), else into the neighbour at a
 *     node boundary, else a new node, else the node is split; after a
 *     split, small neighbours are merged (and after a replace that had to
 *     split);
 *   - deletions never merge.
 *
 * Compression (`compress` = list-compress-depth d > 0): the d nodes at
 * each end are always raw; every other node is compressed unless it is
 * too small (< 48 bytes) or compressing saves less than 8 bytes (it is
 * marked incompressible until its content changes).  Nodes are
 * decompressed while an iterator stands on them and compressed again when
 * it leaves (an unchanged node gets its old compressed bytes back).
 *
 * Invariants (ql_check): the links are consistent; count and len match
 * the nodes; every node holds at least one element; a packed node's count
 * and size are its listpack's; a plain node holds exactly one element;
 * with compression, the end windows are raw and inner nodes compressed or
 * marked incompressible; no node is left pinned.
 *
 * Iterators: at most one iterator may change a quicklist at a time, and
 * nothing else may change it while an iterator is open (other than
 * through that iterator).  ql_insert and ql_replace_entry end the
 * iteration they were given. */
#ifndef DS_QUICKLIST_H
#define DS_QUICKLIST_H

#include <stddef.h>
#include <stdint.h>

/* Ends (push/pop/peek). */
#define QL_HEAD 0
#define QL_TAIL 1
/* Iteration directions. */
#define QL_FORWARD 0  /* head to tail */
#define QL_BACKWARD 1 /* tail to head */

/* Bounds of the options (Valkey's: 16-bit fields). */
#define QL_FILL_MAX 32767
#define QL_FILL_MIN (-5)
#define QL_COMPRESS_MAX 65535
/* The byte limit that applies on top of a positive (count) fill. */
#define QL_SIZE_SAFETY_LIMIT 8192

/* Node containers. */
#define QL_PLAIN 1
#define QL_PACKED 2

typedef struct QlNode {
    struct QlNode *prev, *next;
    unsigned char *entry; /* listpack, plain bytes, or LZF bytes when compressed */
    size_t sz;            /* bytes of the uncompressed content */
    size_t csz;           /* bytes of entry while compressed, else 0 */
    uint32_t count;       /* elements (1 for a plain node) */
    uint8_t container;    /* QL_PACKED or QL_PLAIN */
    uint8_t compressed;
    uint8_t incompressible; /* a compression attempt failed since the last change */
    uint8_t pinned;         /* an iterator stands on it: kept raw */
} QlNode;

typedef struct Quicklist {
    QlNode *head, *tail;
    uint64_t count; /* elements */
    uint64_t len;   /* nodes */
    int fill;       /* clamped to [QL_FILL_MIN, QL_FILL_MAX] */
    int compress;   /* depth, clamped to [0, QL_COMPRESS_MAX] */
} Quicklist;

/* One element as an iterator or a peek sees it: a string view (sval,
 * slen) or an integer (sval NULL, lval).  Views stay valid until the
 * iterator moves to another node, is done, or the list changes. */
typedef struct QlEntry {
    QlNode *node;
    unsigned char *p; /* the entry in node's listpack (NULL for a plain node) */
    long offset;      /* index of the element within its node */
    const char *sval;
    size_t slen;
    int64_t lval;
} QlEntry;

typedef struct QlIter {
    Quicklist *ql;
    QlNode *node;         /* current node; NULL when the iteration is over */
    unsigned char *p;     /* next entry to hand out in node; NULL: move on */
    long offset;          /* index in node of p (or where to start when not loaded) */
    int dir;              /* QL_FORWARD or QL_BACKWARD */
    int loaded;           /* node is pinned and p is valid */
    int dirty;            /* node changed since it was pinned */
    unsigned char *saved; /* node's compressed bytes while it is pinned unchanged */
    size_t saved_csz;
} QlIter;

/* ----------------------------------------------------------- limits */

/* The per-node limits for a fill: *size_limit (SIZE_MAX when the fill
 * counts elements) and *count_limit (UINT64_MAX when it limits bytes). */
void ql_node_limit(int fill, size_t *size_limit, uint64_t *count_limit);
/* Whether a node (or a listpack-encoded list) of sz bytes and count
 * elements is past the limits of fill. */
int ql_node_exceeds_limit(int fill, size_t sz, uint64_t count);
/* Whether an element of sz bytes goes into a plain node of its own. */
int ql_is_large_element(size_t sz, int fill);
/* DEBUG QUICKLIST-PACKED-THRESHOLD: elements of at least sz bytes become
 * plain nodes whatever the fill; 0 restores the default (fill-based).
 * Returns 0 (and changes nothing) when sz is 4 GB - 1 MB or more. */
int ql_set_packed_threshold(uint64_t sz);
uint64_t ql_packed_threshold(void);

/* ------------------------------------------------------------ whole */

Quicklist *ql_new(int fill, int compress);
void ql_free(Quicklist *ql);
Quicklist *ql_dup(const Quicklist *ql);
/* Changes the options of an existing list; compresses or decompresses
 * nodes so the compression invariant holds for the new depth. */
void ql_set_options(Quicklist *ql, int fill, int compress);
static inline uint64_t ql_count(const Quicklist *ql) { return ql->count; }
/* Appends a whole (non-empty) listpack as a new tail node, taking
 * ownership of it (the listpack -> quicklist conversion). */
void ql_append_listpack(Quicklist *ql, unsigned char *lp);
/* When the list is one packed node: frees the quicklist and returns that
 * node's listpack (raw); otherwise returns NULL and changes nothing. */
unsigned char *ql_release_single_listpack(Quicklist *ql);
/* Bytes held (nodes, their contents, the header), sampling `samples`
 * nodes from the head and extrapolating per element (0: every node). */
size_t ql_mem_usage(const Quicklist *ql, uint64_t samples);
/* Nodes that are compressed, and the uncompressed bytes of all nodes
 * (DEBUG OBJECT). */
void ql_stats(const Quicklist *ql, uint64_t *compressed_nodes, uint64_t *raw_bytes);

/* ------------------------------------------------------------- ends */

void ql_push(Quicklist *ql, int where, const char *s, size_t len);
/* The element at an end (0 when empty). */
int ql_peek(Quicklist *ql, int where, QlEntry *e);
/* Removes the element at an end (the list must not be empty). */
void ql_pop(Quicklist *ql, int where);

/* ---------------------------------------------------------- by index */

/* Index: 0 the head, -1 the tail; nodes are sought from the nearer end. */
/* Replaces the element at index; 0 when index is out of range. */
int ql_replace_at(Quicklist *ql, int64_t index, const char *s, size_t len);
/* Deletes up to count elements from start (negative: from the tail, and
 * then at most the -start elements up to the tail); returns how many. */
uint64_t ql_del_range(Quicklist *ql, int64_t start, uint64_t count);

/* -------------------------------------------------------- iteration */

/* Starts at the element of list index `index` and walks in dir.  Returns
 * 0 (and an iterator that yields nothing) when index is out of range. */
int ql_iter_init(QlIter *it, Quicklist *ql, int dir, int64_t index);
/* The next element, or 0 at the end. */
int ql_iter_next(QlIter *it, QlEntry *e);
/* Deletes the element e that ql_iter_next just returned; the iteration
 * goes on with the element after it (in the iterator's direction). */
void ql_iter_del(QlIter *it, QlEntry *e);
/* Ends the iteration (compresses the node it stood on, if due).  Safe
 * to call more than once. */
void ql_iter_done(QlIter *it);
/* Inserts s before or after (after != 0) the element e that it just
 * returned.  Ends the iteration. */
void ql_insert(QlIter *it, QlEntry *e, const char *s, size_t len, int after);
/* Replaces the element e that it just returned.  Ends the iteration. */
void ql_replace_entry(QlIter *it, QlEntry *e, const char *s, size_t len);
/* Whether e equals s/len (an integer element equals its decimal text). */
int ql_entry_equals(const QlEntry *e, const char *s, size_t len);

/* ------------------------------------------------------------ check */

/* Checks the invariants above; strict also checks the fill's limits
 * (true when the list was built by this API alone, with no listpack
 * appended and no option change): a packed node with several elements
 * within the element limit and within twice the byte limit (a split may
 * put one element too many into a half, as in Valkey), large elements
 * only in plain nodes and small ones only in packed nodes.  Returns NULL
 * or what is wrong. */
const char *ql_check(const Quicklist *ql, int strict);

#endif
