/* glob.c - glob-style pattern matching with Valkey's rules (see glob.h).
 *
 * Valkey's matcher recurses once per star run, trying the rest of the
 * pattern at each later position, and answers "no match" from any call
 * nested more than 1000 deep. Worked through, that limit is a property of
 * the pattern alone: the call for the rest after star run number j is
 * nested j deep, so run 1001 can only succeed when it ends the pattern
 * (it then matches without recursing); otherwise every path to a match
 * passes through it and fails. Past that limit the search is ordinary glob
 * matching (its early-exit trick changes the time, not the answer).
 *
 * So matching here is two passes over the pattern, neither recursive:
 *   1. count star runs and apply the limit above;
 *   2. match iteratively, remembering only the last star: when an element
 *      fails, that star swallows one more byte and the rest is retried.
 *      Every non-star element takes exactly one byte, so the last star
 *      alone can absorb any slack and earlier stars never need revisiting.
 *      Work is O(pattern * string) at worst, stack use constant.
 *
 * Elements are parsed the same way in both passes: a class's extent does
 * not depend on the byte being matched. */
#include "glob.h"

/* Deepest star run Valkey's matcher can pass through and still match. */
#define GLOB_MAX_STAR_RUNS 1000

static inline unsigned char glob_fold(unsigned char c, int nocase) {
    return (nocase && c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Tests byte c against the class whose '[' is at pat[start]. Returns 1 on a
 * hit and sets *next to the index just past the class. */
static int glob_class(const char *pat, size_t plen, size_t start, unsigned char c, int nocase,
                      size_t *next) {
    size_t i = start + 1;
    int negate = 0, hit = 0;
    if (i < plen && pat[i] == '^') {
        negate = 1;
        i++;
    }
    unsigned char fc = glob_fold(c, nocase);
    for (;;) {
        if (i + 1 < plen && pat[i] == '\\') {
            /* Escaped: compared exactly, nocase or not. */
            if ((unsigned char)pat[i + 1] == c) hit = 1;
            i += 2;
        } else if (i >= plen) {
            break; /* unterminated: the class runs to the end */
        } else if (pat[i] == ']') {
            i++;
            break;
        } else if (i + 2 < plen && pat[i + 1] == '-') {
            /* The end byte may be ']' or '\\': it is taken as is. */
            unsigned char lo = (unsigned char)pat[i], hi = (unsigned char)pat[i + 2];
            if (lo > hi) {
                unsigned char t = lo;
                lo = hi;
                hi = t;
            }
            /* Ordered first, folded after: "[Z-a]" under nocase is empty. */
            lo = glob_fold(lo, nocase);
            hi = glob_fold(hi, nocase);
            if (fc >= lo && fc <= hi) hit = 1;
            i += 3;
        } else {
            if (glob_fold((unsigned char)pat[i], nocase) == fc) hit = 1;
            i++;
        }
    }
    *next = i;
    return negate ? !hit : hit;
}

/* Index just past the element starting at pat[p] (p < plen). */
static size_t glob_skip(const char *pat, size_t plen, size_t p) {
    size_t next;
    if (pat[p] == '[') {
        (void)glob_class(pat, plen, p, 0, 0, &next);
        return next;
    }
    if (pat[p] == '\\' && p + 1 < plen) return p + 2;
    return p + 1;
}

/* 1 when the pattern's star runs are within the depth Valkey accepts. */
static int glob_depth_ok(const char *pat, size_t plen, uint64_t *steps) {
    size_t runs = 0, p = 0;
    int last_is_star = 0;
    while (p < plen) {
        (*steps)++;
        if (pat[p] == '*') {
            while (p < plen && pat[p] == '*') p++;
            runs++;
            last_is_star = 1;
        } else {
            p = glob_skip(pat, plen, p);
            last_is_star = 0;
        }
        if (runs > GLOB_MAX_STAR_RUNS + 1) return 0;
    }
    return runs <= GLOB_MAX_STAR_RUNS || last_is_star;
}

int glob_match_counted(const char *pat, size_t plen, const char *str, size_t slen, int nocase,
                       uint64_t *steps) {
    /* Valkey's loop never starts on an empty string: only "" matches it. */
    if (slen == 0) return plen == 0;
    if (!glob_depth_ok(pat, plen, steps)) return 0;

    const size_t none = (size_t)-1;
    size_t p = 0, s = 0, star_p = none, star_s = 0;
    while (s < slen) {
        (*steps)++;
        if (p < plen) {
            unsigned char c = (unsigned char)str[s];
            char pc = pat[p];
            if (pc == '*') {
                while (p < plen && pat[p] == '*') p++;
                if (p == plen) return 1;
                star_p = p;
                star_s = s;
                continue;
            }
            if (pc == '?') {
                p++;
                s++;
                continue;
            }
            if (pc == '[') {
                size_t next;
                if (glob_class(pat, plen, p, c, nocase, &next)) {
                    p = next;
                    s++;
                    continue;
                }
            } else {
                size_t lit = (pc == '\\' && p + 1 < plen) ? p + 1 : p;
                if (glob_fold((unsigned char)pat[lit], nocase) == glob_fold(c, nocase)) {
                    p = lit + 1;
                    s++;
                    continue;
                }
            }
        }
        if (star_p == none) return 0;
        p = star_p;
        s = ++star_s;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}

int glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    uint64_t steps = 0;
    return glob_match_counted(pat, plen, str, slen, nocase, &steps);
}
