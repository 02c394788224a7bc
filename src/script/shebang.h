/* shebang.h - the first line of an EVAL script ("#!lua flags=...") or a
 * FUNCTION library ("#!lua name=..."), split into words; eval.c and
 * functions.c each read their own options from the words. */
#ifndef SCRIPT_SHEBANG_H
#define SCRIPT_SHEBANG_H

#include <stddef.h>

/* Splits p[0..len) at spaces, tabs and CRs into at most max words (w[i],
 * wl[i] point into p); returns how many.  Words past max are ignored. */
int shebang_split_words(const char *p, size_t len, const char **w, size_t *wl, int max);

#endif
