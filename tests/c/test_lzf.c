/* test_lzf.c - unit tests for deps/lzf (LZF compression as RDB uses it).
 *
 * A small decoder written here from the format rules (ref_decode) is the
 * reference: everything our compressor produces must decode with it to the
 * original bytes, and on arbitrary and mutated streams lzf_decompress must
 * agree with it on success, size and bytes.  Hand-assembled streams check
 * each item kind, the longest reference, the farthest distance and
 * overlapping copies; corrupt streams (reference before the start,
 * truncated items, output too small) must return 0.  Round trips cover
 * random, repetitive, text-like, zero and mixed inputs of every size up to
 * about 1 kB plus a few large ones; every output limit below the
 * compressed size must make lzf_compress return 0.  Buffers are exactly
 * sized heap blocks, so ASan reports any access past an end, and guard
 * bytes catch stray writes in the plain build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../deps/lzf/lzf.h"
#include "unit.h"

/* ---- the reference decoder: one byte at a time, -1 on any error */

static long ref_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t ctrl = in[i++];
        unsigned kind = ctrl >> 5;
        if (kind == 0) {
            for (unsigned k = 0; k <= (ctrl & 31u); k++) {
                if (i >= n || o >= cap) return -1;
                out[o++] = in[i++];
            }
            continue;
        }
        size_t len = kind + 2;
        if (kind == 7) {
            if (i >= n) return -1;
            len += in[i++];
        }
        if (i >= n) return -1;
        size_t back = ((size_t)(ctrl & 31) << 8) + in[i++] + 1;
        if (back > o) return -1;
        for (size_t k = 0; k < len; k++) {
            if (o >= cap) return -1;
            out[o] = out[o - back];
            o++;
        }
    }
    return (long)o;
}

/* ---- input generators */

enum { GEN_RANDOM, GEN_REPEAT, GEN_TEXT, GEN_ZEROS, GEN_MIXED, GEN_COUNT };

static void generate(int kind, uint8_t *p, size_t n) {
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ",
                                  "dog ", "key:", "value:", "user:1000:", "session ", "\n"};
    size_t i = 0;
    switch (kind) {
    case GEN_RANDOM:
        for (; i < n; i++) p[i] = (uint8_t)unit_rand64();
        break;
    case GEN_REPEAT: {
        size_t period = 1 + unit_rand_below(300);
        for (; i < n; i++) p[i] = i < period ? (uint8_t)unit_rand64() : p[i - period];
        break;
    }
    case GEN_TEXT:
        while (i < n) {
            const char *w = words[unit_rand_below(sizeof(words) / sizeof(words[0]))];
            for (size_t k = 0; w[k] && i < n; k++) p[i++] = (uint8_t)w[k];
        }
        break;
    case GEN_ZEROS:
        memset(p, 0, n);
        break;
    default:
        /* Random stretches and copies from up to 10000 bytes back: the
         * compressor must respect the 8192-byte distance limit. */
        while (i < n) {
            size_t len = 1 + unit_rand_below(400);
            if (len > n - i) len = n - i;
            if (i > 0 && unit_rand_below(2)) {
                size_t back = 1 + unit_rand_below(i < 10000 ? i : 10000);
                for (size_t k = 0; k < len; k++, i++) p[i] = p[i - back];
            } else {
                for (size_t k = 0; k < len; k++) p[i++] = (uint8_t)unit_rand64();
            }
        }
        break;
    }
}

/* ---- round trips */

/* Compresses and decompresses n bytes; returns the number of problems
 * found (printing the first) and adds the compressed size to *csize. */
static int round_trip(const uint8_t *src, size_t n, size_t *csize, int try_all_limits) {
    int bad = 0;
    size_t cap = LZF_MAX_COMPRESSED(n);
    uint8_t *c = malloc(cap + 1);
    uint8_t *d = malloc(n ? n : 1);
    uint8_t *r = malloc(n ? n : 1);
    size_t clen = lzf_compress(src, n, c, cap);
    if (n == 0) {
        if (clen != 0) bad++;
        goto done;
    }
    if (clen == 0 || clen > cap) {
        printf("    compress failed: n %zu clen %zu\n", n, clen);
        bad++;
        goto done;
    }
    *csize += clen;
    size_t dlen = lzf_decompress(c, clen, d, n);
    if (dlen != n || memcmp(d, src, n) != 0) {
        printf("    decompress mismatch: n %zu dlen %zu\n", n, dlen);
        bad++;
    }
    long rlen = ref_decode(c, clen, r, n);
    if (rlen != (long)n || memcmp(r, src, n) != 0) {
        printf("    reference decoder disagrees: n %zu rlen %ld\n", n, rlen);
        bad++;
    }
    /* One byte less room for the output is an error. */
    if (lzf_decompress(c, clen, d, n - 1) != 0) bad++;
    /* Exactly enough room works and gives the same bytes. */
    uint8_t *c2 = malloc(clen);
    if (lzf_compress(src, n, c2, clen) != clen || memcmp(c2, c, clen) != 0) bad++;
    free(c2);
    /* Any smaller limit fails without writing past it. */
    size_t limits[3] = {clen - 1, clen / 2, 0};
    size_t nlimits = try_all_limits ? clen : 3;
    for (size_t k = 0; k < nlimits && !bad; k++) {
        size_t lim = try_all_limits ? k : limits[k];
        uint8_t *small = malloc(lim + 8);
        memset(small + lim, 0xa5, 8);
        if (lzf_compress(src, n, small, lim) != 0) bad++;
        for (int g = 0; g < 8; g++)
            if (small[lim + g] != 0xa5) bad++;
        if (bad) printf("    limit %zu of %zu not respected (n %zu)\n", lim, clen, n);
        free(small);
    }
done:
    free(c);
    free(d);
    free(r);
    return bad;
}

static void test_round_trip_sizes(void) {
    static const char *names[GEN_COUNT] = {"random", "repeat", "text", "zeros", "mixed"};
    uint8_t *buf = malloc(1100);
    unit_srand(42);
    for (int kind = 0; kind < GEN_COUNT; kind++) {
        int bad = 0;
        size_t total = 0, csize = 0;
        for (size_t n = 0; n <= 1100 && !bad; n++) {
            generate(kind, buf, n);
            /* Exact-size copy: reads past the input end would show. */
            uint8_t *src = malloc(n ? n : 1);
            memcpy(src, buf, n);
            bad += round_trip(src, n, &csize, n <= 80);
            total += n;
            free(src);
        }
        if (bad) printf("    generator %s\n", names[kind]);
        CHECK_EQ_INT(0, bad);
        /* Compression ratios that show the compressor finds matches. */
        if (kind == GEN_RANDOM) CHECK(csize <= total + total / 32 + 1101);
        if (kind == GEN_ZEROS) CHECK(csize < total / 40);
        /* The first period (up to 300 bytes) of each input is random. */
        if (kind == GEN_REPEAT) CHECK(csize < total / 3);
        if (kind == GEN_TEXT) CHECK(csize < total * 2 / 3);
    }
    free(buf);
}

static void test_round_trip_large(void) {
    static const size_t sizes[] = {4096, 8191, 8192, 8193, 65535, 65536, 100000, 1 << 20, 3000017};
    unit_srand(7);
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (int kind = 0; kind < GEN_COUNT; kind++) {
            size_t n = sizes[s], csize = 0;
            uint8_t *src = malloc(n);
            generate(kind, src, n);
            CHECK_EQ_INT(0, round_trip(src, n, &csize, 0));
            if (kind == GEN_ZEROS) CHECK(csize < n / 80 + 16); /* 3 bytes per 264 */
            if (kind == GEN_MIXED) CHECK(csize < n * 3 / 4);
            free(src);
        }
    }
}

static void test_tiny(void) {
    for (size_t n = 1; n <= 3; n++) {
        for (int v = 0; v < 256; v += 5) {
            uint8_t src[3] = {(uint8_t)v, (uint8_t)(v * 7), (uint8_t)v};
            uint8_t c[8], d[3];
            size_t clen = lzf_compress(src, n, c, sizeof(c));
            /* Nothing to match in 3 bytes or fewer: one literal run. */
            CHECK_EQ_INT(n + 1, clen);
            CHECK_EQ_INT(n - 1, c[0]);
            CHECK_EQ_INT(n, lzf_decompress(c, clen, d, n));
            CHECK_MEM((const char *)src, n, (const char *)d, n);
            CHECK_EQ_INT(0, lzf_compress(src, n, c, n)); /* no room for the control byte */
        }
    }
    uint8_t x = 1;
    CHECK_EQ_INT(0, lzf_compress(&x, 0, &x, 1));
    CHECK_EQ_INT(0, lzf_decompress(&x, 0, &x, 1));
}

static void test_incompressible(void) {
    unit_srand(11);
    for (size_t n = 40; n < 5000; n = n * 3 / 2) {
        uint8_t *src = malloc(n), *c = malloc(n);
        generate(GEN_RANDOM, src, n);
        /* RDB asks for less room than the input: random data must not fit. */
        CHECK_EQ_INT(0, lzf_compress(src, n, c, n - 4));
        free(src);
        free(c);
    }
}

/* ---- hand-assembled streams */

static void check_stream(const uint8_t *stream, size_t slen, const uint8_t *expect, size_t elen) {
    uint8_t *d = malloc(elen), *r = malloc(elen);
    CHECK_EQ_INT(elen, lzf_decompress(stream, slen, d, elen));
    CHECK_MEM((const char *)expect, elen, (const char *)d, elen);
    CHECK_EQ_INT((long)elen, ref_decode(stream, slen, r, elen));
    CHECK_MEM((const char *)expect, elen, (const char *)r, elen);
    free(d);
    free(r);
}

static void test_known_streams(void) {
    /* One literal run. */
    static const uint8_t s1[] = {0x02, 'a', 'b', 'c'};
    check_stream(s1, sizeof(s1), (const uint8_t *)"abc", 3);

    /* "abc" then a reference of length 6 (L=4) at distance 3 (o=2),
     * overlapping what it writes. */
    static const uint8_t s2[] = {0x02, 'a', 'b', 'c', 4 << 5 | 0, 2};
    check_stream(s2, sizeof(s2), (const uint8_t *)"abcabcabc", 9);

    /* Length 10 needs L=7 and an extra byte 10-9=1; distance 1. */
    static const uint8_t s3[] = {0x00, 'z', 7 << 5, 1, 0};
    check_stream(s3, sizeof(s3), (const uint8_t *)"zzzzzzzzzzz", 11);

    /* The longest reference: 7+255+2 = 264 bytes. */
    static const uint8_t s4[] = {0x00, 'q', 0xe0, 0xff, 0x00};
    uint8_t e4[265];
    memset(e4, 'q', sizeof(e4));
    check_stream(s4, sizeof(s4), e4, sizeof(e4));

    /* The shortest reference, L=1 (3 bytes), in the middle of literals:
     * "xyz-" then copy "xyz" from 4 back, then literal "!". */
    static const uint8_t s5[] = {0x03, 'x', 'y', 'z', '-', 1 << 5 | 0, 3, 0x00, '!'};
    check_stream(s5, sizeof(s5), (const uint8_t *)"xyz-xyz!", 8);

    /* What Debian's redis-server 7.0 (liblzf) stored in DUMP for a value of
     * 100 'a's: "aa", 96 bytes from 1 back (L=7, extra 87), "aa". */
    static const uint8_t s7[] = {0x01, 'a', 'a', 0xe0, 0x57, 0x00, 0x01, 'a', 'a'};
    uint8_t e7[100];
    memset(e7, 'a', sizeof(e7));
    check_stream(s7, sizeof(s7), e7, sizeof(e7));

    /* The farthest distance, 8192: o = 8191 = 0x1fff -> ctrl low bits 0x1f,
     * low byte 0xff.  8192 literal bytes (256 runs of 32), then 5 bytes
     * (L=3) copied from the very start. */
    size_t slen = 256 * 33 + 2;
    uint8_t *s6 = malloc(slen), *e6 = malloc(8192 + 5);
    for (size_t run = 0; run < 256; run++) {
        s6[run * 33] = 31;
        for (size_t k = 0; k < 32; k++) {
            uint8_t b = (uint8_t)((run * 32 + k) * 131 + 17);
            s6[run * 33 + 1 + k] = b;
            e6[run * 32 + k] = b;
        }
    }
    s6[256 * 33] = 3 << 5 | 0x1f;
    s6[256 * 33 + 1] = 0xff;
    memcpy(e6 + 8192, e6, 5);
    check_stream(s6, slen, e6, 8192 + 5);
    /* Without the first literal run only 8160 bytes precede the same
     * reference, so it points before the start. */
    CHECK_EQ_INT(0, lzf_decompress(s6 + 33, slen - 33, e6, 8192 + 5));
    free(s6);
    free(e6);
}

static void test_corrupt(void) {
    uint8_t out[64];
    /* A reference with nothing before it, and one reaching one byte too far. */
    static const uint8_t c1[] = {1 << 5, 0};
    CHECK_EQ_INT(0, lzf_decompress(c1, sizeof(c1), out, sizeof(out)));
    static const uint8_t c2[] = {0x00, 'a', 1 << 5, 1};
    CHECK_EQ_INT(0, lzf_decompress(c2, sizeof(c2), out, sizeof(out)));
    static const uint8_t ok2[] = {0x00, 'a', 1 << 5, 0};
    CHECK_EQ_INT(4, lzf_decompress(ok2, sizeof(ok2), out, sizeof(out)));
    /* A literal run announcing more bytes than remain. */
    static const uint8_t c3[] = {0x05, 'a', 'b'};
    CHECK_EQ_INT(0, lzf_decompress(c3, sizeof(c3), out, sizeof(out)));
    /* References cut short: no offset byte; no extra length byte; extra
     * length but no offset. */
    static const uint8_t c4[] = {0x00, 'a', 1 << 5};
    CHECK_EQ_INT(0, lzf_decompress(c4, sizeof(c4), out, sizeof(out)));
    static const uint8_t c5[] = {0x00, 'a', 0xe0};
    CHECK_EQ_INT(0, lzf_decompress(c5, sizeof(c5), out, sizeof(out)));
    static const uint8_t c6[] = {0x00, 'a', 0xe0, 0x01};
    CHECK_EQ_INT(0, lzf_decompress(c6, sizeof(c6), out, sizeof(out)));
    /* Output too small, for a literal and for a reference. */
    static const uint8_t s[] = {0x02, 'a', 'b', 'c', 4 << 5 | 0, 2};
    CHECK_EQ_INT(9, lzf_decompress(s, sizeof(s), out, 9));
    CHECK_EQ_INT(0, lzf_decompress(s, sizeof(s), out, 8));
    CHECK_EQ_INT(0, lzf_decompress(s, sizeof(s), out, 3));
    CHECK_EQ_INT(0, lzf_decompress(s, sizeof(s), out, 2));
    CHECK_EQ_INT(0, lzf_decompress(s, sizeof(s), NULL, 0));
}

/* Random and mutated streams: lzf_decompress and the reference decoder
 * must agree exactly, in exactly sized buffers. */
static void test_differential_garbage(void) {
    unit_srand(5);
    int bad = 0, ok_seen = 0, err_seen = 0;
    uint8_t plain[600], comp[700];
    for (int round = 0; round < 40000 && !bad; round++) {
        size_t slen;
        uint8_t *stream;
        if (round % 2) {
            /* Pure garbage, biased towards small literal counts and short
             * references so some of it decodes. */
            slen = unit_rand_below(64);
            stream = malloc(slen ? slen : 1);
            for (size_t i = 0; i < slen; i++)
                stream[i] = (uint8_t)(unit_rand_below(4) ? unit_rand_below(64) : unit_rand64());
        } else {
            /* A real compressed stream with a few bytes changed or cut. */
            size_t n = 1 + unit_rand_below(sizeof(plain));
            generate((int)unit_rand_below(GEN_COUNT), plain, n);
            slen = lzf_compress(plain, n, comp, sizeof(comp));
            for (int k = (int)unit_rand_below(3); k >= 0; k--)
                comp[unit_rand_below(slen)] = (uint8_t)unit_rand64();
            if (unit_rand_below(3) == 0) slen = unit_rand_below(slen + 1);
            stream = malloc(slen ? slen : 1);
            memcpy(stream, comp, slen);
        }
        size_t cap = unit_rand_below(700);
        uint8_t *d = malloc(cap ? cap : 1), *r = malloc(cap ? cap : 1);
        size_t got = lzf_decompress(stream, slen, d, cap);
        long want = ref_decode(stream, slen, r, cap);
        if (want <= 0) {
            if (got != 0) bad++;
            err_seen++;
        } else {
            if (got != (size_t)want || memcmp(d, r, got) != 0) bad++;
            ok_seen++;
        }
        if (bad) printf("    round %d: slen %zu cap %zu got %zu want %ld\n", round, slen, cap, got, want);
        free(stream);
        free(d);
        free(r);
    }
    CHECK_EQ_INT(0, bad);
    CHECK(ok_seen > 2000);
    CHECK(err_seen > 2000);
}

int main(void) {
    UNIT_RUN(test_round_trip_sizes);
    UNIT_RUN(test_round_trip_large);
    UNIT_RUN(test_tiny);
    UNIT_RUN(test_incompressible);
    UNIT_RUN(test_known_streams);
    UNIT_RUN(test_corrupt);
    UNIT_RUN(test_differential_garbage);
    return unit_finish();
}
