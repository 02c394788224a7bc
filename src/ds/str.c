/* str.c - binary-safe growable byte strings (see str.h). */
#include "str.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"

/* Past this, grow linearly to avoid doubling very large strings. */
#define STR_MAX_PREALLOC (1024 * 1024)

static Str *str_alloc(size_t cap) {
    Str *s = mem_alloc(sizeof(Str) + cap + 1);
    /* The allocator may round up: use what we got. */
    s->cap = mem_usable(s) - sizeof(Str) - 1;
    s->len = 0;
    s->buf[0] = '\0';
    return s;
}

Str *str_with_capacity(size_t cap) {
    return str_alloc(cap);
}

Str *str_new(const char *p, size_t len) {
    Str *s = str_alloc(len);
    if (len) memcpy(s->buf, p, len);
    s->len = len;
    s->buf[len] = '\0';
    return s;
}

Str *str_from_cstr(const char *s) {
    return str_new(s, strlen(s));
}

Str *str_dup(const Str *s) {
    return str_new(s->buf, s->len);
}

void str_free(Str *s) {
    mem_free(s);
}

Str *str_reserve(Str *s, size_t addlen) {
    if (s->cap - s->len >= addlen) return s;
    size_t need = s->len + addlen;
    size_t cap = need < STR_MAX_PREALLOC ? need * 2 : need + STR_MAX_PREALLOC;
    s = mem_realloc(s, sizeof(Str) + cap + 1);
    s->cap = mem_usable(s) - sizeof(Str) - 1;
    return s;
}

Str *str_cat(Str *s, const char *p, size_t len) {
    s = str_reserve(s, len);
    if (len) memcpy(s->buf + s->len, p, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return s;
}

Str *str_cat_cstr(Str *s, const char *p) {
    return str_cat(s, p, strlen(p));
}

Str *str_catvfmt(Str *s, const char *fmt, va_list ap) {
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(s->buf + s->len, s->cap - s->len + 1, fmt, cp);
    va_end(cp);
    if (n < 0) return s;
    if ((size_t)n > s->cap - s->len) {
        s = str_reserve(s, (size_t)n);
        vsnprintf(s->buf + s->len, s->cap - s->len + 1, fmt, ap);
    }
    s->len += (size_t)n;
    return s;
}

Str *str_catfmt(Str *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    s = str_catvfmt(s, fmt, ap);
    va_end(ap);
    return s;
}

Str *str_cat_repr(Str *s, const char *p, size_t len) {
    s = str_cat(s, "\"", 1);
    size_t run = 0; /* printable bytes not yet copied: copied in one go */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        const char *esc = NULL;
        switch (ch) {
        case '\\': esc = "\\\\"; break;
        case '"': esc = "\\\""; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\a': esc = "\\a"; break;
        case '\b': esc = "\\b"; break;
        default: break;
        }
        if (!esc && ch >= 0x20 && ch < 0x7f) {
            run++;
            continue;
        }
        if (run) s = str_cat(s, p + i - run, run);
        run = 0;
        if (esc) {
            s = str_cat(s, esc, 2);
        } else {
            static const char hex[] = "0123456789abcdef";
            char x[4] = {'\\', 'x', hex[ch >> 4], hex[ch & 15]};
            s = str_cat(s, x, 4);
        }
    }
    if (run) s = str_cat(s, p + len - run, run);
    return str_cat(s, "\"", 1);
}

Str *str_resize(Str *s, size_t newlen) {
    if (newlen > s->len) {
        s = str_reserve(s, newlen - s->len);
        memset(s->buf + s->len, 0, newlen - s->len);
    }
    s->len = newlen;
    s->buf[newlen] = '\0';
    return s;
}

Str *str_shrink(Str *s) {
    if (s->cap == s->len) return s;
    /* Copy rather than realloc: some allocators keep a shrunk block at its
     * old size (glibc does for mmapped blocks), which would defeat this. */
    Str *n = str_new(s->buf, s->len);
    str_free(s);
    return n;
}

void str_clear(Str *s) {
    s->len = 0;
    s->buf[0] = '\0';
}
