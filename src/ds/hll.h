/* hll.h - HyperLogLog sketches in Valkey's byte representation.
 *
 * A sketch is an ordinary string value.  Layout (all of it user-visible
 * through GET/SET/DUMP, so every byte must match Valkey's):
 *
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes |
 *   8-byte little-endian cached cardinality | registers
 *
 * The most significant bit of the cache's last byte set means "stale".
 * 16384 registers of 6 bits: dense packs them LSB first (register i at
 * bit 6i), 12288 bytes exactly; sparse is a run-length code of opcodes
 * ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384
 * zero registers) and VAL 1vvvvvxx (1..4 registers of value 1..32), which
 * must cover exactly 16384 registers.  A sparse sketch turns dense when a
 * register needs more than 32 or when it would grow past
 * hll-sparse-max-bytes; it never turns back.
 *
 * Nothing here trusts a sparse body: every reader stops at the end of the
 * buffer and reports corruption (-1) instead of reading or writing out of
 * bounds.  Functions that take (p, len) read p[0..len) and nothing else. */
#ifndef DS_HLL_H
#define DS_HLL_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define HLL_P 14
#define HLL_REGISTERS (1 << HLL_P)
#define HLL_BITS 6
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS + 7) / 8)
#define HLL_DENSE 0
#define HLL_SPARSE 1
/* The seed Valkey hashes elements with. */
#define HLL_HASH_SEED 0xadc83b19ULL

/* An empty sketch: sparse, one XZERO covering every register, cached
 * cardinality 0 and valid (18 bytes). */
Str *hll_new(void);
/* Whether p[0..len) is a sketch as Valkey accepts one: long enough for
 * the header, the magic, encoding 0 or 1, a dense one exactly
 * HLL_DENSE_SIZE bytes long.  (A sparse body is checked only when read.) */
int hll_header_ok(const void *p, size_t len);
static inline int hll_encoding(const void *p) { return ((const uint8_t *)p)[4]; }

/* The register an element falls into and its run length: 1 + the number
 * of trailing zero bits of the hash above the index bits (1..51). */
uint32_t hll_pattern(const void *ele, size_t len, uint8_t *count);

/* Raises register `index` to `count` if it is lower.  *sp may be
 * reallocated or converted to dense (sparse_max: hll-sparse-max-bytes).
 * Returns 1 when the register changed, 0 when not, -1 when the sparse
 * body is corrupt (the register could not be located or converted).
 * Exactly Valkey's split-and-merge of sparse opcodes, so the bytes match. */
int hll_set(Str **sp, uint32_t index, uint8_t count, size_t sparse_max);
/* hll_set for an element's pattern. */
int hll_add(Str **sp, const void *ele, size_t len, size_t sparse_max);
/* Sparse to dense (header bytes kept, encoding changed).  0 on success or
 * when already dense, -1 (and *sp untouched) when the body is corrupt. */
int hll_to_dense(Str **sp);

/* The estimate, from the registers (the cache is neither read nor
 * written).  -1 when the sparse body does not cover exactly 16384
 * registers. */
int hll_count(const void *p, size_t len, uint64_t *card);
/* max[i] = MAX(max[i], register i) over HLL_REGISTERS one-byte registers
 * (the union's registers); -1 when the sparse body is corrupt. */
int hll_merge(uint8_t *max, const void *p, size_t len);
/* The estimate of HLL_REGISTERS one-byte registers. */
uint64_t hll_count_raw(const uint8_t *max);
/* Writes one-byte registers into a sketch whose own registers they
 * already include (max >= each register, as after hll_merge of it): dense
 * ones take every register at once, sparse ones go through hll_set
 * register by register (and may turn dense on the way), as PFMERGE does.
 * The cache is not touched. */
void hll_store_raw(Str **sp, const uint8_t *max, size_t sparse_max);

/* The cached cardinality: 1 and *card when valid, 0 when stale. */
int hll_cache_get(const void *p, uint64_t *card);
void hll_cache_set(void *p, uint64_t card);
void hll_cache_invalidate(void *p);

/* Dense registers (regs points just past the header). */
unsigned hll_dense_get(const uint8_t *regs, uint32_t i);
void hll_dense_set(uint8_t *regs, uint32_t i, unsigned val);

/* PFDEBUG DECODE's text for a sparse body: "z:N", "Z:N", "v:V,N" opcodes
 * separated by spaces (a truncated XZERO reads its missing byte as 0). */
Str *hll_sparse_decode(const void *p, size_t len);

/* PFSELFTEST: register access on random values, then 10M elements added
 * to a dense and a sparse sketch that must agree and stay within the
 * expected error.  Returns NULL or Valkey's "TESTFAILED ..." text in err. */
const char *hll_selftest(uint64_t seed, size_t sparse_max, char *err, size_t errlen);

#endif
