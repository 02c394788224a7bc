/* glob.c - glob-style pattern matching (see glob.h).
 *
 * Iterative with single-star backtracking, so a hostile pattern such as
 * "*a*a*a*a*b" costs O(pattern * string) and never recurses. */
#include "glob.h"

static inline unsigned char lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Matches one character against a class starting after '['. Sets *used to
 * the pattern bytes consumed, including the closing ']'. */
static int class_match(const char *p, size_t plen, unsigned char c, int nocase, size_t *used) {
    size_t i = 0;
    int negate = 0, match = 0;
    if (i < plen && p[i] == '^') {
        negate = 1;
        i++;
    }
    if (nocase) c = lower(c);
    while (i < plen && p[i] != ']') {
        if (p[i] == '\\' && i + 1 < plen) {
            i++;
            if ((unsigned char)(nocase ? lower((unsigned char)p[i]) : (unsigned char)p[i]) == c) match = 1;
            i++;
        } else if (i + 2 < plen && p[i + 1] == '-' && p[i + 2] != ']') {
            unsigned char a = (unsigned char)p[i], b = (unsigned char)p[i + 2];
            if (nocase) { a = lower(a); b = lower(b); }
            if (a > b) { unsigned char t = a; a = b; b = t; }
            if (c >= a && c <= b) match = 1;
            i += 3;
        } else {
            unsigned char a = (unsigned char)p[i];
            if (nocase) a = lower(a);
            if (a == c) match = 1;
            i++;
        }
    }
    /* An unterminated class runs to the end of the pattern. */
    *used = i < plen ? i + 1 : i;
    return negate ? !match : match;
}

int glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    size_t p = 0, s = 0;
    size_t star_p = (size_t)-1, star_s = 0;
    while (s < slen) {
        if (p < plen) {
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
                size_t used;
                if (class_match(pat + p + 1, plen - p - 1, (unsigned char)str[s], nocase, &used)) {
                    p += 1 + used;
                    s++;
                    continue;
                }
            } else {
                if (pc == '\\' && p + 1 < plen) {
                    p++;
                    pc = pat[p];
                }
                unsigned char a = (unsigned char)pc, b = (unsigned char)str[s];
                if (nocase) { a = lower(a); b = lower(b); }
                if (a == b) {
                    p++;
                    s++;
                    continue;
                }
            }
        }
        if (star_p == (size_t)-1) return 0;
        /* Let the last star swallow one more character and retry. */
        p = star_p;
        s = ++star_s;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}
