/* fuzz_listpack.c - libFuzzer target for src/ds/listpack validation.
 *
 * Arbitrary bytes are validated as a listpack blob (deep, with a callback
 * that counts entries).  A blob that passes must also pass the shallow
 * check and must then behave as a proper listpack: the forward and
 * backward walks see the same values in opposite orders, as many as
 * lp_length and the callback say; lp_validate_first/next agree; every
 * entry is found by seek (both signs) and matches its own text through
 * lp_compare and lp_find; writes (append, prepend, replace, delete, batch
 * delete) keep it valid with the expected content; re-encoding the values
 * gives a listpack with the same values.  Any contradiction aborts.  The
 * input is copied into an allocation of exactly its size, so ASan reports
 * any read past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/listpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Seen {
    uint32_t count;
    unsigned int head;
    int head_ok;
} Seen;

static int count_entry(unsigned char *p, unsigned int head, void *arg) {
    Seen *s = arg;
    (void)p;
    if (s->count == 0) s->head = head;
    if (head != s->head) s->head_ok = 0;
    s->count++;
    return 1;
}

/* The entry's value as text, copied into out (room for its length). */
static uint32_t entry_text(const unsigned char *p, char **out) {
    char ib[LP_INTBUF_SIZE];
    uint32_t len;
    const char *s = lp_get_str(p, ib, &len);
    *out = malloc(len ? len : 1);
    if (!*out) abort();
    memcpy(*out, s, len);
    return len;
}

static int same_text(const unsigned char *p, const char *s, uint32_t len) {
    char ib[LP_INTBUF_SIZE];
    uint32_t l;
    const char *t = lp_get_str(p, ib, &l);
    return l == len && (len == 0 || memcmp(t, s, len) == 0);
}

/* Checks lp holds exactly vals[0..n) both ways. */
static void check_content(unsigned char *lp, char **vals, uint32_t *lens, uint32_t n) {
    if (!lp_validate_integrity(lp, lp_bytes(lp), 1, NULL, NULL)) abort();
    if (lp_length(lp) != n) abort();
    uint32_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++)
        if (i >= n || !same_text(p, vals[i], lens[i])) abort();
    if (i != n) abort();
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p))
        if (i == 0 || (i--, !same_text(p, vals[i], lens[i]))) abort();
    if (i != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *lp = mem_alloc(size ? size : 1);
    if (size) memcpy(lp, data, size);
    Seen seen = {0, 0, 1};
    int deep = lp_validate_integrity(lp, size, 1, count_entry, &seen);
    int shallow = lp_validate_integrity(lp, size, 0, NULL, NULL);
    if (deep && !shallow) abort();
    if (!deep) {
        mem_free(lp);
        return 0;
    }
    if (!seen.head_ok) abort();
    unsigned int head = (unsigned int)lp[4] | (unsigned int)lp[5] << 8;
    if (seen.count && seen.head != head) abort();

    /* validate_first/next walk the same entries */
    uint32_t steps = 0;
    unsigned char *vp = lp_validate_first(lp);
    while (vp && vp[0] != 0xFF) {
        if (!lp_validate_next(lp, &vp, size)) abort();
        steps++;
    }
    if (steps != seen.count) abort();

    /* forward: collect the values */
    uint32_t n = seen.count;
    char **vals = malloc((n ? n : 1) * sizeof(*vals));
    uint32_t *lens = malloc((n ? n : 1) * sizeof(*lens));
    unsigned char **ptrs = malloc((n ? n : 1) * sizeof(*ptrs));
    if (!vals || !lens || !ptrs) abort();
    uint32_t i = 0;
    for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p), i++) {
        if (i >= n) abort();
        ptrs[i] = p;
        lens[i] = entry_text(p, &vals[i]);
        int64_t v;
        uint32_t sl;
        const char *s = lp_get(p, &v, &sl);
        if (s && (s < (const char *)lp || s + sl > (const char *)lp + size)) abort();
        int64_t iv;
        int as_int = lp_get_int(p, &iv);
        if (!s && (!as_int || iv != v)) abort();
        if (lp_entry_bytes(p) < 2 || p + lp_entry_bytes(p) > lp + size - 1) abort();
    }
    if (i != n) abort();
    /* backward: the same entries in reverse */
    for (unsigned char *p = lp_last(lp); p; p = lp_prev(lp, p))
        if (i == 0 || ptrs[--i] != p) abort();
    if (i != 0) abort();
    if (lp_length(lp) != n) abort();

    /* seek, compare and find per entry (bounded work for long inputs) */
    uint32_t probe = n < 64 ? n : 64;
    for (uint32_t k = 0; k < probe; k++) {
        uint32_t at = n <= 64 ? k : (uint32_t)(((uint64_t)k * 2654435761u) % n);
        if (lp_seek(lp, (long)at) != ptrs[at]) abort();
        if (lp_seek(lp, (long)at - (long)n) != ptrs[at]) abort();
        if (!lp_compare(ptrs[at], vals[at], lens[at])) abort();
        unsigned char *f = lp_find(lp, lp_first(lp), vals[at], lens[at], 0);
        if (!f || f > ptrs[at] || !lp_compare(f, vals[at], lens[at])) abort();
        f = lp_find(lp, ptrs[at], vals[at], lens[at], 1);
        if (f != ptrs[at]) abort();
    }
    if (lp_seek(lp, (long)n) != NULL || lp_seek(lp, -(long)n - 1) != NULL) abort();

    /* re-encoding the values gives the same values */
    unsigned char *re = lp_new(0);
    for (uint32_t k = 0; k < n; k++) re = lp_append(re, vals[k], lens[k]);
    check_content(re, vals, lens, n);
    lp_free(re);

    /* writes on the accepted listpack */
    unsigned char *dup = lp_dup(lp);
    if (memcmp(dup, lp, size) != 0) abort();
    char **model = malloc((n + 4) * sizeof(*model));
    uint32_t *mlens = malloc((n + 4) * sizeof(*mlens));
    if (!model || !mlens) abort();
    static char tail_s[] = "tail", head_s[] = "-42", mid_s[] = "replaced value";
    model[0] = head_s;
    mlens[0] = 3;
    for (uint32_t k = 0; k < n; k++) {
        model[k + 1] = vals[k];
        mlens[k + 1] = lens[k];
    }
    model[n + 1] = tail_s;
    mlens[n + 1] = 4;
    uint32_t m = n + 2;
    dup = lp_append(dup, tail_s, 4);
    dup = lp_prepend(dup, head_s, 3);
    check_content(dup, model, mlens, m);
    unsigned char *mid = lp_seek(dup, (long)(m / 2));
    dup = lp_replace(dup, &mid, mid_s, strlen(mid_s));
    model[m / 2] = mid_s;
    mlens[m / 2] = (uint32_t)strlen(mid_s);
    check_content(dup, model, mlens, m);
    /* batch delete every other entry, then delete the first */
    unsigned char **del = malloc(m * sizeof(*del));
    if (!del) abort();
    uint32_t nd = 0, kept = 0;
    uint32_t k = 0;
    for (unsigned char *p = lp_first(dup); p; p = lp_next(dup, p), k++) {
        if (k % 2 == 0) {
            del[nd++] = p;
        } else {
            model[kept] = model[k];
            mlens[kept++] = mlens[k];
        }
    }
    dup = lp_batch_delete(dup, del, nd);
    check_content(dup, model, mlens, kept);
    if (kept) {
        unsigned char *next;
        dup = lp_delete(dup, lp_first(dup), &next);
        if (kept > 1 ? next != lp_first(dup) : next != NULL) abort();
        check_content(dup, model + 1, mlens + 1, kept - 1);
    }
    lp_free(dup);

    free(del);
    free(model);
    free(mlens);
    for (uint32_t j = 0; j < n; j++) free(vals[j]);
    free(vals);
    free(lens);
    free(ptrs);
    mem_free(lp);
    return 0;
}
