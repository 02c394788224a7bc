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

/* ---- the reference compressor: the compressor as it was before its table
 * became persistent (cleared on every call).  lzf_compress must produce
 * exactly its bytes for every input and limit, whatever was compressed
 * before: RDB file sizes were tuned against this output. */

#define REF_MAX_LITERAL 32
#define REF_MAX_DISTANCE 8192
#define REF_MIN_MATCH 3
#define REF_MAX_MATCH (7 + 255 + 2)
#define REF_HASH_LOG 16

/* lzf.c's slot for the 3 bytes at p: (first two bytes + 7 * all three),
 * 16 bits. */
static uint32_t ref_hash3(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return ((v >> 8) + v * 7) & ((1u << REF_HASH_LOG) - 1);
}

static int ref_put_literals(const uint8_t *src, size_t n, uint8_t *out, size_t *op,
                            size_t out_len) {
    while (n > 0) {
        size_t run = n < REF_MAX_LITERAL ? n : REF_MAX_LITERAL;
        if (out_len - *op < run + 1) return 0;
        out[(*op)++] = (uint8_t)(run - 1);
        memcpy(out + *op, src, run);
        *op += run;
        src += run;
        n -= run;
    }
    return 1;
}

static int ref_put_reference(size_t len, size_t dist, uint8_t *out, size_t *op, size_t out_len) {
    size_t l = len - 2, off = dist - 1;
    if (l < 7) {
        if (out_len - *op < 2) return 0;
        out[(*op)++] = (uint8_t)(l << 5 | off >> 8);
    } else {
        if (out_len - *op < 3) return 0;
        out[(*op)++] = (uint8_t)(7 << 5 | off >> 8);
        out[(*op)++] = (uint8_t)(l - 7);
    }
    out[(*op)++] = (uint8_t)off;
    return 1;
}

static uint32_t ref_table[1u << REF_HASH_LOG];

static size_t ref_lzf_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len) {
    uint32_t *table = ref_table;
    size_t ip = 0, lit = 0, op = 0;

    if (in_len == 0) return 0;
    memset(table, 0, sizeof(ref_table));

    while (in_len - ip >= REF_MIN_MATCH) {
        uint32_t h = ref_hash3(in + ip);
        uint32_t dist = (uint32_t)ip - table[h];
        table[h] = (uint32_t)ip;
        if (dist - 1 >= REF_MAX_DISTANCE || dist > ip) {
            ip++;
            continue;
        }
        const uint8_t *ref = in + ip - dist;
        if (ref[0] != in[ip] || ref[1] != in[ip + 1] || ref[2] != in[ip + 2]) {
            ip++;
            continue;
        }
        size_t max = in_len - ip < REF_MAX_MATCH ? in_len - ip : REF_MAX_MATCH;
        size_t len = REF_MIN_MATCH;
        while (len < max && ref[len] == in[ip + len]) len++;

        if (!ref_put_literals(in + lit, ip - lit, out, &op, out_len)) return 0;
        if (!ref_put_reference(len, dist, out, &op, out_len)) return 0;

        size_t end = ip + len;
        for (ip = end - 2; ip < end && in_len - ip >= REF_MIN_MATCH; ip++)
            table[ref_hash3(in + ip)] = (uint32_t)ip;
        ip = lit = end;
    }
    if (!ref_put_literals(in + lit, in_len - lit, out, &op, out_len)) return 0;
    return op;
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

/* A random size: mostly small (listpacks), often node-sized, sometimes
 * large enough to use the biggest table and distances past 8192. */
static size_t random_size(void) {
    switch (unit_rand_below(8)) {
    case 0: return unit_rand_below(8);
    case 1:
    case 2: return unit_rand_below(300);
    case 3:
    case 4: return 300 + unit_rand_below(4000);
    case 5:
    case 6: return 4000 + unit_rand_below(5000);
    default: return 9000 + unit_rand_below(60000);
    }
}

/* Fills p with n bytes: a generator, or the previous input changed a
 * little or shifted (the same bytes at other positions, where an entry
 * left by the previous call would find a real match if it were used). */
static void next_input(uint8_t *p, size_t n, const uint8_t *prev, size_t prev_n) {
    unsigned how = (unsigned)unit_rand_below(4);
    if (how >= 2 && prev_n > 0) {
        size_t shift = how == 3 ? unit_rand_below(64) : 0;
        for (size_t i = 0; i < n; i++) p[i] = prev[(i + shift) % prev_n];
        for (int k = (int)unit_rand_below(4); k > 0 && n > 0; k--)
            p[unit_rand_below(n)] = (uint8_t)unit_rand64();
    } else {
        generate((int)unit_rand_below(GEN_COUNT), p, n);
    }
}

/* Compresses one input with both compressors and several limits; returns
 * the number of disagreements. */
static int compare_compressors(const uint8_t *src, size_t n, size_t *compared) {
    int bad = 0;
    size_t cap = LZF_MAX_COMPRESSED(n);
    uint8_t *a = malloc(cap + 1), *b = malloc(cap + 1);
    size_t want = ref_lzf_compress(src, n, b, cap);
    size_t got = lzf_compress(src, n, a, cap);
    if (got != want || memcmp(a, b, got) != 0) {
        printf("    n %zu: got %zu bytes, reference %zu\n", n, got, want);
        bad++;
    }
    (*compared)++;
    /* A limit (exact, short, or random): the same success or failure. */
    if (!bad && n > 0) {
        size_t lim;
        switch (unit_rand_below(3)) {
        case 0: lim = want; break;
        case 1: lim = want ? want - 1 : 0; break;
        default: lim = unit_rand_below(cap + 1); break;
        }
        want = ref_lzf_compress(src, n, b, lim);
        got = lzf_compress(src, n, a, lim);
        if (got != want || memcmp(a, b, got) != 0) {
            printf("    n %zu limit %zu: got %zu, reference %zu\n", n, lim, got, want);
            bad++;
        }
        (*compared)++;
    }
    free(a);
    free(b);
    return bad;
}

/* Sequences of calls of many sizes and kinds: the output must be the old
 * compressor's byte for byte, whatever the table holds from earlier calls. */
static void test_same_as_reference(void) {
    int bad = 0;
    size_t compared = 0;
    uint8_t *prev = malloc(70000), *cur = malloc(70000);
    size_t prev_n = 0;
    for (uint64_t seed = 1; seed <= 60 && !bad; seed++) {
        unit_srand(seed * 1000003);
        for (int call = 0; call < 120 && !bad; call++) {
            size_t n = random_size();
            next_input(cur, n, prev, prev_n);
            /* Exact-size copy: reads past the end would show under ASan. */
            uint8_t *src = malloc(n ? n : 1);
            memcpy(src, cur, n);
            bad += compare_compressors(src, n, &compared);
            free(src);
            uint8_t *t = prev;
            prev = cur;
            cur = t;
            prev_n = n;
        }
        if (bad) printf("    seed %llu\n", (unsigned long long)seed);
    }
    free(prev);
    free(cur);
    CHECK_EQ_INT(0, bad);
    CHECK(compared > 10000);
}

/* The running base near 2^32: calls that fit, the one that clears and
 * restarts, and the ones after, all match the reference. */
static void test_base_wrap(void) {
    int bad = 0;
    size_t compared = 0;
    uint8_t *buf = malloc(70000);
    for (uint64_t seed = 1; seed <= 200 && !bad; seed++) {
        unit_srand(seed * 7919);
        uint64_t base = 0xffffffffull - unit_rand_below(100000);
        if (seed % 10 == 0) base = 0xffffffffull + unit_rand_below(3); /* past the end */
        lzf_compress_set_base(base);
        for (int call = 0; call < 12 && !bad; call++) {
            size_t n = random_size();
            /* The same bytes each call, so any stale entry would match. */
            if (call == 0 || unit_rand_below(2)) generate((int)unit_rand_below(GEN_COUNT), buf, n);
            bad += compare_compressors(buf, n, &compared);
        }
    }
    lzf_compress_set_base(0);
    free(buf);
    CHECK_EQ_INT(0, bad);
    CHECK(compared > 2000);
}

/* Compressed streams of real data, cut at random points or with a few
 * bytes changed, decoded into output buffers of exact, short and random
 * sizes: lzf_decompress agrees with the reference decoder on success,
 * size and bytes. */
static void test_truncated_and_corrupt(void) {
    int bad = 0, ok_seen = 0, err_seen = 0;
    unit_srand(99);
    uint8_t *plain = malloc(20000), *comp = malloc(LZF_MAX_COMPRESSED(20000));
    for (int round = 0; round < 4000 && !bad; round++) {
        size_t n = 1 + unit_rand_below(round % 4 ? 2000 : 20000);
        generate((int)unit_rand_below(GEN_COUNT), plain, n);
        size_t slen = lzf_compress(plain, n, comp, LZF_MAX_COMPRESSED(n));
        unsigned how = (unsigned)unit_rand_below(3);
        if (how == 0) slen = unit_rand_below(slen + 1);
        if (how == 1)
            for (int k = 1 + (int)unit_rand_below(3); k > 0; k--)
                comp[unit_rand_below(slen)] ^= (uint8_t)(1 + unit_rand_below(255));
        uint8_t *stream = malloc(slen ? slen : 1);
        memcpy(stream, comp, slen);
        size_t caps[3] = {n, n - 1, unit_rand_below(n + 300)};
        for (int c = 0; c < 3 && !bad; c++) {
            size_t cap = caps[c];
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
            if (how == 2 && c == 0 && (got != n || memcmp(d, plain, n) != 0)) bad++;
            if (bad) printf("    round %d: n %zu slen %zu cap %zu got %zu want %ld\n", round, n, slen, cap, got, want);
            free(d);
            free(r);
        }
        free(stream);
    }
    free(plain);
    free(comp);
    CHECK_EQ_INT(0, bad);
    CHECK(ok_seen > 1000);
    CHECK(err_seen > 1000);
}

/* Every short period and every length of a back-reference (the copy has
 * a path per kind of overlap), with exact and one-short output room. */
static void test_overlap_copies(void) {
    int bad = 0;
    uint8_t stream[64], expect[320], out[320];
    for (size_t dist = 1; dist <= 40; dist++) {
        for (size_t len = 3; len <= 264; len++) {
            size_t sl = 0;
            for (size_t i = 0; i < dist; i++) {
                if (i % 32 == 0) stream[sl++] = (uint8_t)((dist - i < 32 ? dist - i : 32) - 1);
                stream[sl++] = expect[i] = (uint8_t)(i * 37 + dist);
            }
            if (len - 2 < 7) {
                stream[sl++] = (uint8_t)((len - 2) << 5 | (dist - 1) >> 8);
            } else {
                stream[sl++] = (uint8_t)(7 << 5 | (dist - 1) >> 8);
                stream[sl++] = (uint8_t)(len - 9);
            }
            stream[sl++] = (uint8_t)(dist - 1);
            for (size_t i = dist; i < dist + len; i++) expect[i] = expect[i - dist];
            size_t total = dist + len;
            uint8_t *o = malloc(total);
            if (lzf_decompress(stream, sl, o, total) != total || memcmp(o, expect, total) != 0) bad++;
            if (lzf_decompress(stream, sl, o, total - 1) != 0) bad++;
            free(o);
            memset(out, 0, sizeof(out));
            if (lzf_decompress(stream, sl, out, sizeof(out)) != total || memcmp(out, expect, total) != 0) bad++;
        }
    }
    CHECK_EQ_INT(0, bad);
}

int main(void) {
    UNIT_RUN(test_round_trip_sizes);
    UNIT_RUN(test_round_trip_large);
    UNIT_RUN(test_tiny);
    UNIT_RUN(test_incompressible);
    UNIT_RUN(test_known_streams);
    UNIT_RUN(test_corrupt);
    UNIT_RUN(test_differential_garbage);
    UNIT_RUN(test_same_as_reference);
    UNIT_RUN(test_base_wrap);
    UNIT_RUN(test_truncated_and_corrupt);
    UNIT_RUN(test_overlap_copies);
    return unit_finish();
}
