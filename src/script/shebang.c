/* shebang.c - splitting a script's or library's first line into words
 * (see shebang.h), shared by EVAL (eval.c) and FUNCTION LOAD
 * (functions.c) so both read the line the same way. */
#include "shebang.h"

int shebang_split_words(const char *p, size_t len, const char **w, size_t *wl, int max) {
    int n = 0;
    size_t i = 0;
    while (i < len && n < max) {
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) i++;
        if (i >= len) break;
        size_t s = i;
        while (i < len && p[i] != ' ' && p[i] != '\t' && p[i] != '\r') i++;
        w[n] = p + s;
        wl[n] = i - s;
        n++;
    }
    return n;
}
