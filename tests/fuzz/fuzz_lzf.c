/* fuzz_lzf.c - libFuzzer target for deps/lzf.
 *
 * Arbitrary bytes go to lzf_decompress with several output sizes, each an
 * exactly sized heap block so the sanitizers catch any access outside it;
 * the result must never exceed the room given, and a success with one
 * size must reproduce the same bytes with any larger size.  The input is
 * also compressed and decompressed again: with worst-case room compression
 * must succeed and the round trip must be exact; with less room it either
 * fails (0) or still round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/lzf/lzf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decompress_sizes(const uint8_t *data, size_t size) {
    size_t caps[] = {0, 1, 31, size, size * 3 + 17, 70000};
    uint8_t *first = NULL;
    size_t first_len = 0;
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        size_t cap = caps[i];
        uint8_t *out = malloc(cap ? cap : 1);
        size_t n = lzf_decompress(data, size, out, cap);
        if (n > cap) abort();
        if (n && !first) {
            first = malloc(n);
            memcpy(first, out, n);
            first_len = n;
        } else if (first && cap >= first_len && (n != first_len || memcmp(out, first, n) != 0)) {
            abort(); /* more room must not change the result */
        }
        free(out);
    }
    free(first);
}

static void round_trip(const uint8_t *data, size_t size) {
    size_t cap = LZF_MAX_COMPRESSED(size);
    uint8_t *c = malloc(cap ? cap : 1), *d = malloc(size ? size : 1);
    size_t clen = lzf_compress(data, size, c, cap);
    if (size && (clen == 0 || clen > cap)) abort();
    if (size && (lzf_decompress(c, clen, d, size) != size || memcmp(d, data, size) != 0)) abort();
    /* Less room: fail, or succeed within it and still round-trip. */
    size_t small_cap = size / 2 + (size ? data[0] % 16 : 0);
    uint8_t *s = malloc(small_cap ? small_cap : 1);
    size_t slen = lzf_compress(data, size, s, small_cap);
    if (slen > small_cap) abort();
    if (slen && (lzf_decompress(s, slen, d, size) != size || memcmp(d, data, size) != 0)) abort();
    free(s);
    free(c);
    free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    decompress_sizes(data, size);
    round_trip(data, size);
    return 0;
}
