/* resize_policy.h - whether the hash tables (htable, fvtable) should
 * avoid resizing now: the server turns it on while a forked child
 * (BGSAVE, AOF rewrite) shares its pages, because a resize relinks every
 * entry and so copies nearly every page the table's entries sit on.
 *
 * While it is on (Valkey's "resize avoid"): a table grows only once it
 * holds RESIZE_FORCE_RATIO times its normal fill, shrinks only under
 * 1/RESIZE_FORCE_RATIO of its normal shrink point, and a rehash already
 * in progress moves buckets only if it is such a forced one (its sizes
 * differ by at least RESIZE_FORCE_RATIO).  Lookups stay correct in every
 * case: a paused rehash leaves entries in both tables, and both are
 * searched.  One flag for the process: only the main thread resizes. */
#ifndef DS_RESIZE_POLICY_H
#define DS_RESIZE_POLICY_H

#include <stdint.h>

#define RESIZE_FORCE_RATIO 4

extern int ds_resize_avoid;

static inline void ds_set_resize_avoid(int on) { ds_resize_avoid = on; }

/* Whether a rehash from a table of from_size buckets to to_size may move
 * buckets now. */
static inline int ds_rehash_may_move(uint64_t from_size, uint64_t to_size) {
    if (!ds_resize_avoid) return 1;
    return to_size >= from_size * RESIZE_FORCE_RATIO || from_size >= to_size * RESIZE_FORCE_RATIO;
}

#endif
