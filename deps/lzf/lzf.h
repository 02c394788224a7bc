/* lzf.h - the LZF compressed format, as RDB files store compressed strings.
 *
 * A stream is a sequence of items, each starting with a control byte:
 *   000LLLLL                 literal run: the next L+1 bytes (1..32) are copied
 *   LLLooooo [E] oooooooo    back-reference: copy L+2 bytes starting
 *                            ((ooooo << 8) | low) + 1 bytes back in the output;
 *                            when L is 7 an extra byte E follows the control
 *                            byte and the length is E+9 (so 3..264 bytes).
 * A back-reference may overlap the bytes it produces (distance < length
 * repeats a pattern).  Distances reach at most 8192 bytes back.  The
 * stream carries no header and no length: the caller stores the original
 * size (RDB does) and passes it as out_len. */
#ifndef DEPS_LZF_H
#define DEPS_LZF_H

#include <stddef.h>
#include <stdint.h>

/* Worst-case compressed size of n bytes (all literals: one control byte per
 * 32).  lzf_compress never fails when out_len is at least this. */
#define LZF_MAX_COMPRESSED(n) ((n) + ((n) + 31) / 32)

/* Compresses in_len bytes into out (at most out_len bytes).  Returns the
 * compressed size, or 0 when the result does not fit in out_len or in_len
 * is 0.  Never writes past out + out_len.  Callers that want compression
 * only when it pays pass out_len < in_len and store the raw bytes on 0. */
size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_len);

/* For tests: sets the calling thread's running table base (see lzf.c), so
 * the clear-and-restart past 2^32 can be reached without compressing 4 GB.
 * Never changes what lzf_compress outputs. */
void lzf_compress_set_base(uint64_t base);

/* Decompresses in_len bytes into out (at most out_len bytes).  Returns the
 * decompressed size, or 0 on corrupt input (truncated item, back-reference
 * before the start of the output) or when out_len is too small.  Reads
 * nothing outside [in, in+in_len) and writes nothing outside
 * [out, out+out_len), whatever the input. */
size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_len);

#endif
