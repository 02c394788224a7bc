/* str.h - binary-safe growable byte strings.
 *
 * Invariants: buf always has len valid bytes followed by a NUL (so text
 * can be handed to C functions), and cap >= len.  Functions that may grow
 * a string return the (possibly moved) string: always use the result. */
#ifndef DS_STR_H
#define DS_STR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Str {
    size_t len;
    size_t cap;
    char buf[];
} Str;

Str *str_new(const char *p, size_t len);
Str *str_from_cstr(const char *s);
Str *str_with_capacity(size_t cap);
Str *str_dup(const Str *s);
void str_free(Str *s);
/* Make room for at least addlen more bytes (grows geometrically). */
Str *str_reserve(Str *s, size_t addlen);
Str *str_cat(Str *s, const char *p, size_t len);
Str *str_cat_cstr(Str *s, const char *p);
Str *str_catfmt(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
Str *str_catvfmt(Str *s, const char *fmt, va_list ap);
/* Appends p[0..len) in double quotes, escaped so that it reads back the
 * same through the inline/config quoting rules: \\ \" \n \r \t \a \b, and
 * \xHH for every other byte outside printable ASCII.  This is the form
 * MONITOR, the cli, CONFIG REWRITE and log lines show binary data in. */
Str *str_cat_repr(Str *s, const char *p, size_t len);
/* Set the length to newlen, zero-filling any new bytes. */
Str *str_resize(Str *s, size_t newlen);
/* Give back unused capacity. */
Str *str_shrink(Str *s);
void str_clear(Str *s);

#endif
