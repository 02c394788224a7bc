/* rdb_in.h - reading the RDB format from untrusted bytes: a bounded
 * cursor over a memory span (DUMP payloads, mapped files) or a file
 * descriptor read through a window, with the format's decodings and the
 * running CRC-64.
 *
 * Nothing here reads outside its input or allocates more than the input
 * can justify: a length that exceeds the bytes left (when the size is
 * known) is refused before anything is allocated, and an LZF string may
 * not claim more than 88 bytes per compressed byte (the format's best
 * ratio).  The first failure is kept with its offset and reason
 * (rdbi_fail) and every later read fails too, so callers may test once at
 * the end of a sequence.
 *
 * Views returned by rdbi_string stay valid until the next read. */
#ifndef PERSIST_FORMAT_RDB_IN_H
#define PERSIST_FORMAT_RDB_IN_H

#include <stddef.h>
#include <stdint.h>

#define RDBI_WHY_MAX 256
#define RDBI_SIZE_UNKNOWN UINT64_MAX

typedef struct RdbIn {
    const unsigned char *p, *end; /* unread part of the window */
    const unsigned char *win;     /* start of the window */
    const unsigned char *crc_pos; /* win..crc_pos is already in crc */
    uint64_t win_off;             /* input offset of win */
    uint64_t size;                /* total input bytes, or RDBI_SIZE_UNKNOWN */
    uint64_t crc;
    int fd;                       /* -1: memory */
    unsigned char *buf;           /* the window's storage (fd mode) */
    size_t buf_cap;
    unsigned char *scratch;       /* decoded strings and strings larger than the window */
    size_t scratch_cap;
    int rdbver;                   /* the file's version (ms times before 9 are host order) */
    int failed;
    uint64_t fail_off;
    char why[RDBI_WHY_MAX];
} RdbIn;

/* A cursor over len bytes at p (not copied; they must outlive it). */
void rdbi_init_mem(RdbIn *in, const void *p, size_t len);
/* A cursor over a file descriptor from its current position; size is
 * what is left to read when known (RDBI_SIZE_UNKNOWN otherwise). */
void rdbi_init_fd(RdbIn *in, int fd, uint64_t size);
void rdbi_release(RdbIn *in);

/* Records the first failure (printf format) with the current offset;
 * returns 0 so callers can `return rdbi_fail(...)`. */
int rdbi_fail(RdbIn *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The input offset of the next byte. */
static inline uint64_t rdbi_offset(const RdbIn *in) { return in->win_off + (uint64_t)(in->p - in->win); }
/* Bytes left when the size is known, else UINT64_MAX. */
uint64_t rdbi_remaining(const RdbIn *in);
/* CRC-64 of every byte consumed so far. */
uint64_t rdbi_crc(RdbIn *in);

/* Each returns 1, or 0 after recording why (short input, bad encoding). */
int rdbi_read(RdbIn *in, void *dst, size_t n);
int rdbi_skip(RdbIn *in, uint64_t n);
int rdbi_u8_slow(RdbIn *in, unsigned *v);
static inline int rdbi_u8(RdbIn *in, unsigned *v) {
    if (in->p < in->end && !in->failed) {
        *v = *in->p++;
        return 1;
    }
    return rdbi_u8_slow(in, v);
}
/* A length, or (encoded set to 1) the string encoding a 11xxxxxx byte
 * names; encoded may be NULL, and then an encoding byte is an error.
 * Inline for a 6-bit length in the window, the common case. */
int rdbi_len_slow(RdbIn *in, uint64_t *n, int *encoded);
static inline int rdbi_len(RdbIn *in, uint64_t *n, int *encoded) {
    if (in->p < in->end && *in->p < 0x40 && !in->failed) {
        *n = *in->p++;
        if (encoded) *encoded = 0;
        return 1;
    }
    return rdbi_len_slow(in, n, encoded);
}
/* A length used as a number of items that each take at least one byte:
 * refused when more than the input has left. */
int rdbi_count(RdbIn *in, uint64_t *n);
/* A string (raw, integer-encoded or LZF), as a view.  Inline for a
 * short raw string wholly in the window (its bytes are then within the
 * input, so the length needs no other check). */
int rdbi_string_slow(RdbIn *in, const unsigned char **p, size_t *len);
static inline int rdbi_string(RdbIn *in, const unsigned char **p, size_t *len) {
    if (in->p < in->end && !in->failed) {
        unsigned b = in->p[0];
        if (b < 0x40 && (size_t)(in->end - in->p) > b) {
            *p = in->p + 1;
            *len = b;
            in->p += 1 + b;
            return 1;
        }
    }
    return rdbi_string_slow(in, p, len);
}
/* The same in a new allocation (mem_alloc; the caller frees it). */
int rdbi_string_alloc(RdbIn *in, unsigned char **p, size_t *len);
/* Skips a string without keeping it (still checks its encoding). */
int rdbi_string_skip(RdbIn *in);
/* Doubles: 8 bytes IEEE-754 little-endian, or the old text form (a
 * length byte, 253 NaN, 254 +inf, 255 -inf). */
int rdbi_double_bin(RdbIn *in, double *d);
int rdbi_double_text(RdbIn *in, double *d);
/* A millisecond time (8 bytes, little-endian from version 9 on). */
int rdbi_ms(RdbIn *in, int64_t *t);
/* A second time (4 bytes, RDB_OPCODE_EXPIRETIME). */
int rdbi_secs(RdbIn *in, int64_t *t);

#endif
