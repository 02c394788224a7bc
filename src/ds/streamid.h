/* streamid.h - the 128-bit ID of a stream entry (milliseconds, sequence)
 * and its arithmetic: order, successor/predecessor, and the "ms-seq" text.
 *
 * IDs order by ms, then seq, as unsigned 64-bit numbers: 0-0 is the
 * smallest, 18446744073709551615-18446744073709551615 the largest.  The
 * successor of the largest and the predecessor of the smallest do not
 * exist: sid_incr/sid_decr report that instead of wrapping silently. */
#ifndef DS_STREAMID_H
#define DS_STREAMID_H

#include <stddef.h>
#include <stdint.h>

#include "../../deps/numconv/numconv.h"

typedef struct StreamId {
    uint64_t ms, seq;
} StreamId;

/* Longest "ms-seq" text: two 20-digit numbers and the dash, NUL included. */
#define SID_TEXT_MAX 42

static inline int sid_cmp(StreamId a, StreamId b) {
    if (a.ms != b.ms) return a.ms < b.ms ? -1 : 1;
    if (a.seq != b.seq) return a.seq < b.seq ? -1 : 1;
    return 0;
}

static inline int sid_is_zero(StreamId a) { return a.ms == 0 && a.seq == 0; }

static inline StreamId sid_make(uint64_t ms, uint64_t seq) {
    StreamId id = {ms, seq};
    return id;
}

static inline StreamId sid_max(void) { return sid_make(UINT64_MAX, UINT64_MAX); }

/* The next ID; returns 0 (and leaves 0-0) when id was the largest. */
static inline int sid_incr(StreamId *id) {
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return 1;
    }
    if (id->ms != UINT64_MAX) {
        id->ms++;
        id->seq = 0;
        return 1;
    }
    id->ms = id->seq = 0;
    return 0;
}

/* The previous ID; returns 0 (and leaves the largest ID) when id was 0-0. */
static inline int sid_decr(StreamId *id) {
    if (id->seq != 0) {
        id->seq--;
        return 1;
    }
    if (id->ms != 0) {
        id->ms--;
        id->seq = UINT64_MAX;
        return 1;
    }
    id->ms = id->seq = UINT64_MAX;
    return 0;
}

/* Writes "ms-seq" (NUL-terminated) into buf (SID_TEXT_MAX bytes); returns
 * the length. */
static inline size_t sid_format(char *buf, StreamId id) {
    size_t n = ull_to_str(buf, (unsigned long long)id.ms);
    buf[n++] = '-';
    n += ull_to_str(buf + n, (unsigned long long)id.seq);
    return n;
}

#endif
