/* bitmap.h - bit operations on byte strings, as the bitmap commands see
 * them: bit 0 is the most significant bit of byte 0 (so "\x80" has bit 0
 * set), and bit fields are read and written most significant bit first.
 *
 * Everything works a 64-bit word at a time where it can, through memcpy
 * (no unaligned loads), with a per-byte tail; counts and positions are
 * 64-bit so strings past 512 MB on 32-bit hosts stay exact. */
#ifndef DS_BITMAP_H
#define DS_BITMAP_H

#include <stddef.h>
#include <stdint.h>

/* Set bits in p[0..len). */
uint64_t bitmap_popcount(const void *p, size_t len);
/* The same without any CPU instruction for it (what other hosts run;
 * exported so tests check it on every host). */
uint64_t bitmap_popcount_portable(const void *p, size_t len);
/* The position of the first bit equal to `bit` (0 or 1) in p[0..len);
 * when there is none: -1 looking for a 1, len * 8 looking for a 0 (the
 * string is read as padded with zeros on the right). */
int64_t bitmap_bitpos(const void *p, size_t len, int bit);

static inline int bitmap_get(const uint8_t *p, uint64_t bit) {
    return (p[bit >> 3] >> (7 - (bit & 7))) & 1;
}
static inline void bitmap_set(uint8_t *p, uint64_t bit, int on) {
    uint8_t mask = (uint8_t)(1u << (7 - (bit & 7)));
    if (on) p[bit >> 3] |= mask;
    else p[bit >> 3] &= (uint8_t)~mask;
}

/* Bit fields of 1..64 bits at any bit offset; the caller makes sure the
 * bytes up to (offset + bits - 1) / 8 exist. */
uint64_t bitfield_get_unsigned(const uint8_t *p, uint64_t offset, int bits);
int64_t bitfield_get_signed(const uint8_t *p, uint64_t offset, int bits);
/* Writes the low `bits` bits of v. */
void bitfield_set(uint8_t *p, uint64_t offset, int bits, uint64_t v);

/* Overflow handling of BITFIELD's SET and INCRBY: value + incr against the
 * range of an unsigned (bits 1..63) or signed (1..64) field.  Returns 0
 * when it fits, 1 above the range, -1 below it; then *limit is the wrapped
 * result (low bits, sign-extended for signed) with BITFIELD_WRAP or the
 * bound with BITFIELD_SAT (untouched with BITFIELD_FAIL).  An unsigned
 * SET passes value as the 64-bit pattern of the signed argument and
 * incr 0, so negative values count as above the range, as in Valkey. */
enum { BITFIELD_WRAP, BITFIELD_SAT, BITFIELD_FAIL };
int bitfield_overflow_unsigned(uint64_t value, int64_t incr, int bits, int mode, uint64_t *limit);
int bitfield_overflow_signed(int64_t value, int64_t incr, int bits, int mode, int64_t *limit);

/* BITOP: dst[0..maxlen) = op over the n sources, each read as padded with
 * zero bytes up to maxlen (NOT takes one source). */
enum { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT };
void bitmap_op(int op, uint8_t *dst, size_t maxlen, const uint8_t *const *src, const size_t *lens, int n);

#endif
