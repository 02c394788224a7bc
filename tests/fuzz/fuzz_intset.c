/* fuzz_intset.c - libFuzzer target for src/ds/intset validation.
 *
 * Arbitrary bytes are validated as an intset blob (deep).  A blob that
 * passes must also pass the shallow check, and must then behave as a
 * proper set: every element readable, strictly ascending, found by search
 * at its own index, values between neighbours absent with the right insert
 * position, min and max at the ends; adding and removing a few values must
 * keep it valid.  Any contradiction aborts. */
#include <stdint.h>
#include <stdlib.h>

#include "ds/intset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_set(const Intset *is) {
    uint32_t len = intset_len(is), pos;
    int64_t prev = 0, v;
    for (uint32_t i = 0; i < len; i++) {
        if (!intset_get(is, i, &v)) abort();
        if (i > 0 && v <= prev) abort();
        if (!intset_search(is, v, &pos) || pos != i || !intset_find(is, v)) abort();
        /* The value just above v is either the next element or absent and
         * would go right after v. */
        if (v < INT64_MAX) {
            int64_t next = 0;
            int has_next = intset_get(is, i + 1, &next);
            int found = intset_search(is, v + 1, &pos);
            if (has_next && next == v + 1) {
                if (!found || pos != i + 1) abort();
            } else if (found || pos != i + 1) {
                abort();
            }
        }
        prev = v;
    }
    if (intset_get(is, len, &v)) abort();
    if (len && (intset_get(is, 0, &v), v != intset_min(is))) abort();
    if (len && (intset_get(is, len - 1, &v), v != intset_max(is))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int deep = intset_validate(data, size, 1);
    int shallow = intset_validate(data, size, 0);
    if (deep && !shallow) abort();
    if (!deep) return 0;

    Intset *is = intset_from_blob(data, size);
    if (intset_bytes(is) != size) abort();
    check_set(is);
    /* Mutate with values taken from the input itself and the extremes. */
    int64_t lo = intset_min(is), hi = intset_max(is);
    int64_t probes[] = {lo > INT64_MIN ? lo - 1 : lo, hi < INT64_MAX ? hi + 1 : hi, 0, INT64_MIN,
                        INT64_MAX, (int64_t)size * 1000003};
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        int added, removed;
        int was = intset_find(is, probes[i]);
        is = intset_add(is, probes[i], &added);
        if (added == was || !intset_find(is, probes[i])) abort();
        if (!intset_validate(is, intset_bytes(is), 1)) abort();
        is = intset_remove(is, probes[i], &removed);
        if (!removed || intset_find(is, probes[i])) abort();
        if (intset_len(is) && !intset_validate(is, intset_bytes(is), 1)) abort();
    }
    check_set(is);
    intset_free(is);
    return 0;
}
