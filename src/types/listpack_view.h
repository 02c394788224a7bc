/* listpack_view.h - a field/value or member/score listpack read in place
 * (from an RDB string or a listpack in memory): its entries and, on
 * demand, their texts.  The hash and sorted-set loaders build their own
 * layouts (pairpack, scorepack) from it without making a listpack first.
 *
 * Invariants: e holds n entries (views into the blob, valid while it is);
 * after lpv_texts, t[k] is the text of entry first + k*step (a string
 * entry's bytes in place, an integer printed into the view's own buffer).
 * Small blobs use the inline arrays; lpv_release frees the rest. */
#ifndef TYPES_LISTPACK_VIEW_H
#define TYPES_LISTPACK_VIEW_H

#include <stddef.h>

#include "../ds/byteview.h"
#include "../ds/listpack.h"
#include "../server/rdb_io.h"

#define LPV_INLINE 256
#define LPV_INLINE_INTS 64

typedef struct LpView {
    LpEntry *e;
    size_t n;
    ByteView *t;
    char *ints;
    LpEntry e_inline[LPV_INLINE];
    ByteView t_inline[LPV_INLINE];
    char ints_inline[LPV_INLINE_INTS * LP_INTBUF_SIZE];
} LpView;

/* An RDB string holding a listpack of pairs (hash, sorted set), walked
 * once with every check of deep validation: 1 with n (even, > 0) entries
 * in v; 0 when it is refused (r->fail called with the reason) or empty
 * (r->empty set).  Call lpv_release in every case. */
int lpv_read_pairs(LpView *v, RdbReader *r);
/* The entries of a valid listpack in memory. */
void lpv_from_listpack(LpView *v, const unsigned char *lp);
/* Texts of entries first, first + step, ...: returns the array (v->t,
 * which this call may move: use what it returns) and sets *n. */
const ByteView *lpv_texts(LpView *v, size_t first, size_t step, size_t *n);
void lpv_release(LpView *v);

#endif
