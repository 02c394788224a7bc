/* structfmt.h - the format strings of Lua's struct library (pack, unpack,
 * size), without Lua: option parsing with its limits, alignment, and
 * integers of 1..32 bytes in either byte order.
 *
 * A format is a sequence of options: '<' '>' '=' byte order (little, big,
 * native), '!'[n] maximum alignment (n a power of two, default the native
 * maximum), ' ' ignored; data options 'b'/'B' char, 'h'/'H' short,
 * 'l'/'L' long, 'T' size_t, 'i'/'I'[n] integer of n bytes (default int),
 * 'f' float, 'd' double, 'x' one padding byte, 'c'[n] n bytes (c0: the
 * whole string / a size read before), 's' zero-terminated string.  Sizes
 * are the host's, as in the original library.  Alignment starts at 1 (no
 * padding) until a '!' raises it. */
#ifndef DEPS_STRUCTFMT_H
#define DEPS_STRUCTFMT_H

#include <stddef.h>
#include <stdint.h>

#define SF_MAXINTSIZE 32

enum { SF_LITTLE = 0, SF_BIG = 1 };
enum {
    SF_OK = 0,
    SF_END,          /* no more options */
    SF_ERR_OPTION,   /* invalid format option (bad_char set) */
    SF_ERR_INTSIZE,  /* integral size above SF_MAXINTSIZE (value set) */
    SF_ERR_ALIGN,    /* alignment not a power of 2 (value set) */
    SF_ERR_OVERFLOW, /* a size that overflows an int */
};

typedef struct SfState {
    const char *fmt;   /* next byte to read */
    int endian;        /* SF_LITTLE / SF_BIG */
    int align;         /* current maximum alignment */
} SfState;

typedef struct SfOpt {
    char opt;          /* the option letter */
    size_t size;       /* bytes it takes (0 for 'c0', 's' and controls) */
    int value;         /* for errors: the offending number */
    char bad_char;     /* for SF_ERR_OPTION */
} SfOpt;

int sf_native_endian(void);
int sf_native_align(void);
void sf_init(SfState *st, const char *fmt);
/* Next data option (control options are applied to st on the way);
 * returns SF_OK, SF_END or an error. */
int sf_next(SfState *st, SfOpt *o);
/* Padding needed before an option of this size at offset pos. */
size_t sf_padding(const SfState *st, const SfOpt *o, size_t pos);
/* Writes v (two's complement for negatives) as size bytes; bytes past
 * the 8th are zero, as the original writes them. */
void sf_put_int(uint8_t *out, uint64_t v, size_t size, int endian);
/* Reads size bytes; signed values are sign-extended from their top bit
 * (sizes above 8 keep only the low 8 bytes, as the original). */
uint64_t sf_get_uint(const uint8_t *in, size_t size, int endian);
int64_t sf_get_int(const uint8_t *in, size_t size, int endian);

#endif
