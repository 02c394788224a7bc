/* fuzz_hll.c - libFuzzer target for src/ds/hll (HyperLogLog sketches).
 *
 * The input is a sketch as a client could SET it: byte 0 picks the
 * encoding and a sparse size limit, the rest is the body after a "HYLL"
 * header (a dense body is cut or zero-padded to its fixed size).  Every
 * reader gets the body in a block of exactly its size, so ASan catches a
 * read past the end.  Invariants (any contradiction aborts):
 * - count, merge and sparse-to-dense agree on whether the body is valid
 *   (a sparse body must cover exactly 16384 registers);
 * - on a valid sketch, the registers from merge equal those of the dense
 *   conversion, and every way of counting gives the same estimate;
 * - register raises taken from the input then behave like a plain array of
 *   registers (the return value says whether one changed; the sketch stays
 *   valid, within the limit while sparse, and decodes to the model);
 * - on an invalid one (or one ending in a cut XZERO, see below) they may
 *   fail but never crash;
 * - the header check accepts the raw input exactly when Valkey would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ds/hll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t regs_a[HLL_REGISTERS], regs_b[HLL_REGISTERS], model[HLL_REGISTERS];

/* Whether a sparse body ends in an XZERO missing its second byte.  Valkey
 * reads that byte as 0 (the string's terminator) so such a sketch counts
 * as valid, but splitting that XZERO loses the last byte of the split
 * (Valkey does the same): the model below only holds without it. */
static int ends_in_cut_xzero(const Str *s) {
    const uint8_t *p = (const uint8_t *)s->buf + HLL_HDR_SIZE, *end = (const uint8_t *)s->buf + s->len;
    while (p < end) {
        if ((*p & 0xc0) == 0x40) {
            if (p + 1 == end) return 1;
            p += 2;
        } else {
            p++;
        }
    }
    return 0;
}

/* The readers on an exact-size copy (ASan bounds). */
static int exact_count(const Str *s, uint64_t *card) {
    uint8_t *copy = malloc(s->len ? s->len : 1);
    memcpy(copy, s->buf, s->len);
    int r = hll_count(copy, s->len, card);
    free(copy);
    return r;
}

static int exact_merge(const Str *s, uint8_t *max) {
    uint8_t *copy = malloc(s->len ? s->len : 1);
    memcpy(copy, s->buf, s->len);
    memset(max, 0, HLL_REGISTERS);
    int r = hll_merge(max, copy, s->len);
    free(copy);
    return r;
}

static void exact_decode(const Str *s) {
    uint8_t *copy = malloc(s->len ? s->len : 1);
    memcpy(copy, s->buf, s->len);
    Str *text = hll_sparse_decode(copy, s->len);
    str_free(text);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Valkey's acceptance rules on the raw bytes. */
    int ok = hll_header_ok(data, size);
    int want = size >= HLL_HDR_SIZE && memcmp(data, "HYLL", 4) == 0 && data[4] <= 1 &&
               (data[4] == 1 || size == HLL_DENSE_SIZE);
    if (ok != want) abort();
    if (size < 1) return 0;

    int dense = (data[0] & 0x80) != 0;
    size_t sparse_max = (data[0] & 0x40) ? 3000 : (size_t)(data[0] & 0x3f) * 8;
    const uint8_t *body = data + 1;
    size_t blen = size - 1;
    /* Split the rest: the sketch body, then the operations (3 bytes each)
     * from a marker byte count at the end. */
    size_t nops = blen ? body[blen - 1] % 32 : 0;
    if (nops * 3 + 1 > blen) nops = blen > 0 ? (blen - 1) / 3 : 0;
    size_t oplen = blen ? nops * 3 + 1 : 0;
    size_t sketch_len = blen - oplen;
    const uint8_t *ops = body + sketch_len;

    Str *s;
    if (dense) {
        s = str_with_capacity(HLL_DENSE_SIZE);
        memset(s->buf, 0, HLL_DENSE_SIZE + 1);
        memcpy(s->buf + HLL_HDR_SIZE, body, sketch_len < HLL_DENSE_SIZE - HLL_HDR_SIZE ? sketch_len : HLL_DENSE_SIZE - HLL_HDR_SIZE);
        s->len = HLL_DENSE_SIZE;
    } else {
        s = str_with_capacity(HLL_HDR_SIZE + sketch_len);
        memset(s->buf, 0, HLL_HDR_SIZE);
        memcpy(s->buf + HLL_HDR_SIZE, body, sketch_len);
        s->len = HLL_HDR_SIZE + sketch_len;
        s->buf[s->len] = 0;
    }
    memcpy(s->buf, "HYLL", 4);
    s->buf[4] = dense ? HLL_DENSE : HLL_SPARSE;
    hll_cache_invalidate(s->buf);
    if (!hll_header_ok(s->buf, s->len)) abort();

    uint64_t c1 = 0, c2 = 0, c3 = 0;
    int rc = exact_count(s, &c1);
    int rm = exact_merge(s, regs_a);
    Str *d = str_dup(s);
    int rd = hll_to_dense(&d);
    if (rc != rm || rc != rd) abort();
    if (!dense) exact_decode(s);
    int valid = rc == 0;
    int cut = !dense && ends_in_cut_xzero(s);
    if (valid) {
        if (hll_encoding(d->buf) != HLL_DENSE || d->len != HLL_DENSE_SIZE) abort();
        if (memcmp(d->buf + 5, s->buf + 5, HLL_HDR_SIZE - 5) != 0) abort();
        if (exact_merge(d, regs_b) != 0 || memcmp(regs_a, regs_b, HLL_REGISTERS) != 0) abort();
        if (exact_count(d, &c2) != 0 || c2 != c1) abort();
        c3 = hll_count_raw(regs_a);
        if (c3 != c1) abort();
        memcpy(model, regs_a, HLL_REGISTERS);
    }
    str_free(d);

    for (size_t k = 0; k < nops; k++) {
        uint32_t index = ((uint32_t)ops[3 * k] << 8 | ops[3 * k + 1]) & (HLL_REGISTERS - 1);
        uint8_t count = (uint8_t)(1 + ops[3 * k + 2] % 51);
        int r = hll_set(&s, index, count, sparse_max);
        if (!valid || cut) {
            if (r < -1 || r > 1) abort();
            continue;
        }
        int changed = model[index] < count;
        if (changed) model[index] = count;
        if (r != changed) abort();
        if (hll_encoding(s->buf) == HLL_SPARSE) {
            if (s->len > sparse_max && s->len > HLL_HDR_SIZE + sketch_len) abort();
        } else if (s->len != HLL_DENSE_SIZE) {
            abort();
        }
        if (exact_merge(s, regs_b) != 0 || memcmp(model, regs_b, HLL_REGISTERS) != 0) abort();
    }
    if (valid && !cut && nops) {
        uint64_t after = 0;
        if (exact_count(s, &after) != 0 || after != hll_count_raw(model)) abort();
    }
    str_free(s);
    return 0;
}
