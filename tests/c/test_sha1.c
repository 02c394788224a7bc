/* test_sha1.c - unit tests for deps/sha1.
 *
 * Known answers from FIPS 180 ("abc", the empty message, the 448-bit and
 * 896-bit two-block messages, one million 'a'), plus digests of generated
 * messages around the padding edges (55, 56, 57, 63, 64, 65 bytes...) that
 * were computed with an independent SHA-1 implementation.  Every message
 * is also fed in different chunkings, byte by byte and from odd
 * addresses: the digest must not depend on how the data arrives. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../deps/sha1/sha1.h"
#include "unit.h"

static void to_hex(const uint8_t d[20], char out[41]) {
    for (int i = 0; i < 20; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Digest of msg fed in chunks of the given size (0: all at once). */
static void digest_chunked(const void *msg, size_t len, size_t chunk, char hex[41]) {
    Sha1 s;
    uint8_t d[20];
    sha1_init(&s);
    if (chunk == 0) {
        sha1_update(&s, msg, len);
    } else {
        const uint8_t *p = msg;
        for (size_t off = 0; off < len; off += chunk)
            sha1_update(&s, p + off, len - off < chunk ? len - off : chunk);
    }
    sha1_final(&s, d);
    to_hex(d, hex);
}

/* Checks the digest under several chunkings. */
static void check_digest(const char *file, int line, const void *msg, size_t len, const char *want) {
    static const size_t chunks[] = {0, 1, 3, 55, 63, 64, 65, 1000};
    for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
        char hex[41];
        digest_chunked(msg, len, chunks[k], hex);
        if (!unit_check_mem(want, 40, hex, strlen(hex), file, line, "sha1 digest")) {
            printf("    message length %zu, chunk %zu\n", len, chunks[k]);
            return;
        }
    }
}
#define CHECK_SHA1(msg, len, want) check_digest(__FILE__, __LINE__, (msg), (len), (want))

static void test_fips_vectors(void) {
    CHECK_SHA1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK_SHA1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK_SHA1(m448, strlen(m448), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    const char *m896 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    CHECK_SHA1(m896, strlen(m896), "a49b2446a02c645bf419f995b67091253a04a259");
    const char *fox = "The quick brown fox jumps over the lazy dog";
    CHECK_SHA1(fox, strlen(fox), "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
}

static void test_million_a(void) {
    static char a[1000000];
    memset(a, 'a', sizeof(a));
    char hex[41];
    digest_chunked(a, sizeof(a), 0, hex);
    CHECK_STR("34aa973cd4c4daa4f61eeb2bdbad27316534016f", hex);
    digest_chunked(a, sizeof(a), 4099, hex);
    CHECK_STR("34aa973cd4c4daa4f61eeb2bdbad27316534016f", hex);
    /* The classic form: a thousand updates of a thousand bytes. */
    digest_chunked(a, sizeof(a), 1000, hex);
    CHECK_STR("34aa973cd4c4daa4f61eeb2bdbad27316534016f", hex);
}

/* Messages of bytes (i*7+3) mod 251 around the padding boundaries. */
static void test_padding_edges(void) {
    static const struct {
        size_t len;
        const char *hex;
    } v[] = {
        {1, "9842926af7ca0a8cca12604f945414f07b01e13d"},
        {55, "8829dc293fb52f1477aa7323310a5bcf949ce4f8"},
        {56, "3c440665799f6f245108a068a11e59507d4f9e2c"},
        {57, "ee3bd3dcaf8c3f17b919ec48238c7109187f6292"},
        {63, "5e2cdca8ef9552e40ad2228153e778e586eebc50"},
        {64, "24d0ab86ac7542b26241687c97b79ae2cc22ac90"},
        {65, "f71ba60012ec8015b3d5ba56798c4ff43aeb8beb"},
        {119, "ea44537c014a6f0d332e845ed7f9331ae45440c5"},
        {120, "939b2cbff515552d0bc4cfa0c332a57f9fce7736"},
        {128, "0a1d410f25f3840e4498a2ad922fea55bb4b79da"},
        {1000, "576418509284cbe426fa53fa4aa8da5fee1ab095"},
    };
    static uint8_t buf[1000 + 8];
    for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        /* From odd addresses too: no alignment assumptions. */
        for (size_t shift = 0; shift < 4; shift++) {
            uint8_t *m = buf + shift;
            for (size_t i = 0; i < v[k].len; i++) m[i] = (uint8_t)((i * 7 + 3) % 251);
            CHECK_SHA1(m, v[k].len, v[k].hex);
        }
    }
}

/* A different message gives a different digest; init resets state. */
static void test_state(void) {
    char h1[41], h2[41];
    digest_chunked("abd", 3, 0, h1);
    CHECK(strcmp(h1, "a9993e364706816aba3e25717850c26c9cd0d89d") != 0);
    Sha1 s;
    uint8_t d[20];
    sha1_init(&s);
    sha1_update(&s, "garbage that must be forgotten", 30);
    sha1_init(&s);
    sha1_update(&s, "abc", 3);
    sha1_final(&s, d);
    to_hex(d, h2);
    CHECK_STR("a9993e364706816aba3e25717850c26c9cd0d89d", h2);
    /* Zero-length updates change nothing. */
    sha1_init(&s);
    sha1_update(&s, "", 0);
    sha1_update(&s, "ab", 2);
    sha1_update(&s, "", 0);
    sha1_update(&s, "c", 1);
    sha1_final(&s, d);
    to_hex(d, h2);
    CHECK_STR("a9993e364706816aba3e25717850c26c9cd0d89d", h2);
}

int main(void) {
    UNIT_RUN(test_fips_vectors);
    UNIT_RUN(test_million_a);
    UNIT_RUN(test_padding_edges);
    UNIT_RUN(test_state);
    return unit_finish();
}
