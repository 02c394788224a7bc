/* structfmt.c - struct library formats (see structfmt.h). */
#include "structfmt.h"

#include <limits.h>

typedef struct AlignProbe {
    char c;
    union {
        double d;
        void *p;
        long long l;
    } u;
} AlignProbe;

int sf_native_endian(void) {
    const uint16_t one = 1;
    const uint8_t *b = (const uint8_t *)&one;
    return b[0] == 1 ? SF_LITTLE : SF_BIG;
}

int sf_native_align(void) {
    return (int)offsetof(AlignProbe, u);
}

void sf_init(SfState *st, const char *fmt) {
    st->fmt = fmt;
    st->endian = sf_native_endian();
    st->align = 1;
}

static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* A decimal number at st->fmt, or def when there is none. */
static int get_num(SfState *st, int def, int *out) {
    if (!is_digit(*st->fmt)) {
        *out = def;
        return SF_OK;
    }
    int a = 0;
    do {
        int d = *st->fmt - '0';
        if (a > (INT_MAX - d) / 10) return SF_ERR_OVERFLOW;
        a = a * 10 + d;
        st->fmt++;
    } while (is_digit(*st->fmt));
    *out = a;
    return SF_OK;
}

int sf_next(SfState *st, SfOpt *o) {
    for (;;) {
        char c = *st->fmt;
        if (c == '\0') return SF_END;
        st->fmt++;
        o->opt = c;
        o->size = 0;
        o->value = 0;
        o->bad_char = 0;
        int n, rc;
        switch (c) {
        case 'b': case 'B': o->size = sizeof(char); return SF_OK;
        case 'h': case 'H': o->size = sizeof(short); return SF_OK;
        case 'l': case 'L': o->size = sizeof(long); return SF_OK;
        case 'T': o->size = sizeof(size_t); return SF_OK;
        case 'f': o->size = sizeof(float); return SF_OK;
        case 'd': o->size = sizeof(double); return SF_OK;
        case 'x': o->size = 1; return SF_OK;
        case 's': return SF_OK;
        case 'c':
            if ((rc = get_num(st, 1, &n)) != SF_OK) return rc;
            o->size = (size_t)n;
            return SF_OK;
        case 'i': case 'I':
            if ((rc = get_num(st, (int)sizeof(int), &n)) != SF_OK) return rc;
            if (n > SF_MAXINTSIZE) {
                o->value = n;
                return SF_ERR_INTSIZE;
            }
            o->size = (size_t)n;
            return SF_OK;
        case ' ': continue;
        case '<': st->endian = SF_LITTLE; continue;
        case '>': st->endian = SF_BIG; continue;
        case '=': st->endian = sf_native_endian(); continue;
        case '!':
            if ((rc = get_num(st, sf_native_align(), &n)) != SF_OK) return rc;
            if (n <= 0 || (n & (n - 1)) != 0) {
                o->value = n;
                return SF_ERR_ALIGN;
            }
            st->align = n;
            continue;
        default:
            o->bad_char = c;
            return SF_ERR_OPTION;
        }
    }
}

size_t sf_padding(const SfState *st, const SfOpt *o, size_t pos) {
    size_t size = o->size;
    if (size == 0 || o->opt == 'c' || o->opt == 's') return 0;
    if (size > (size_t)st->align) size = (size_t)st->align;
    /* size is a power of two here only when the format made it one; the
     * original uses the same mask arithmetic either way. */
    return (size - (pos & (size - 1))) & (size - 1);
}

void sf_put_int(uint8_t *out, uint64_t v, size_t size, int endian) {
    for (size_t i = 0; i < size; i++) {
        uint8_t byte = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
        if (endian == SF_LITTLE) out[i] = byte;
        else out[size - 1 - i] = byte;
    }
}

uint64_t sf_get_uint(const uint8_t *in, size_t size, int endian) {
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++) {
        uint8_t byte = endian == SF_LITTLE ? in[size - 1 - i] : in[i];
        v = (v << 8) | byte;
    }
    return v;
}

int64_t sf_get_int(const uint8_t *in, size_t size, int endian) {
    uint64_t v = sf_get_uint(in, size, endian);
    if (size > 0 && size < 8 && (v >> (8 * size - 1)) & 1) v |= ~0ULL << (8 * size);
    int64_t s;
    __builtin_memcpy(&s, &v, sizeof(s));
    return s;
}
