/* rdb_out.h - writing the RDB format: a buffered byte sink with the
 * format's encodings (lengths, strings as integers or LZF, binary
 * doubles, millisecond times) and the running CRC-64.
 *
 * Two modes: memory (the buffer grows; DUMP payloads, tests) and sink
 * (the buffer is handed to a flush function whenever it fills: files,
 * sockets).  The CRC covers every byte produced, in order, and is folded
 * in when bytes leave the buffer, so it costs one pass over the data.
 *
 * Invariants: once a flush fails, `error` is set and every later call
 * returns -1 without writing; the bytes in buf[0..len) are the ones not
 * yet flushed (sink) or all of them (memory).  Every call returns 0 on
 * success and -1 on a write error. */
#ifndef PERSIST_FORMAT_RDB_OUT_H
#define PERSIST_FORMAT_RDB_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Hands n bytes to their destination: 0, or -1 (errno set). */
typedef int rdbo_flush_fn(void *priv, const void *p, size_t n);

typedef struct RdbOut {
    unsigned char *buf;
    size_t len, cap;
    size_t crc_pos;        /* buf[0..crc_pos) is already in crc */
    uint64_t crc;
    uint64_t flushed;      /* bytes handed to flush so far */
    rdbo_flush_fn *flush;  /* NULL: memory mode */
    void *priv;
    int compress;          /* rdbcompression: LZF for strings that gain */
    int error;
    unsigned char *lzf;    /* scratch for compression */
    size_t lzf_cap;
} RdbOut;

/* Memory mode with room for cap bytes to start with. */
void rdbo_init_mem(RdbOut *o, size_t cap);
/* Sink mode: a cap-byte buffer flushed through fn. */
void rdbo_init_sink(RdbOut *o, size_t cap, rdbo_flush_fn *fn, void *priv);
void rdbo_release(RdbOut *o);

/* Slow path of rdbo_raw (flushes or grows). */
int rdbo_raw_slow(RdbOut *o, const void *p, size_t n);

static inline int rdbo_raw(RdbOut *o, const void *p, size_t n) {
    if (o->cap - o->len >= n) {
        memcpy(o->buf + o->len, p, n);
        o->len += n;
        return 0;
    }
    return rdbo_raw_slow(o, p, n);
}

static inline int rdbo_u8(RdbOut *o, unsigned v) {
    if (o->len < o->cap) {
        o->buf[o->len++] = (unsigned char)v;
        return 0;
    }
    unsigned char b = (unsigned char)v;
    return rdbo_raw_slow(o, &b, 1);
}

/* Encodes a length into buf (at most 9 bytes); returns its size. */
size_t rdbo_encode_len(unsigned char *buf, uint64_t n);
/* The string encoding of an integer when it fits int8/16/32 (returns the
 * size, at most 5), else 0. */
size_t rdbo_encode_int(unsigned char *buf, int64_t v);

int rdbo_len(RdbOut *o, uint64_t n);
/* A string: integer-encoded when it is the canonical text of a value
 * that fits 32 bits, LZF-compressed when compression is on and saves at
 * least 4 bytes, else a length and the bytes. */
int rdbo_string(RdbOut *o, const void *p, size_t n);
/* An integer as a string (integer encoding, or its decimal text). */
int rdbo_string_int(RdbOut *o, int64_t v);
/* Bytes already LZF-compressed (clen of them, rawlen once expanded). */
int rdbo_lzf_blob(RdbOut *o, const void *c, size_t clen, size_t rawlen);
/* A double as 8 little-endian bytes of its IEEE-754 form. */
int rdbo_double_bin(RdbOut *o, double d);
/* A millisecond time: 8 bytes, little-endian. */
int rdbo_ms(RdbOut *o, int64_t t);

/* Sink mode: hands the buffered bytes to the flush function. */
int rdbo_flush(RdbOut *o);
/* Bytes produced so far (flushed or buffered). */
static inline uint64_t rdbo_offset(const RdbOut *o) { return o->flushed + o->len; }
/* The CRC-64 of every byte produced so far. */
uint64_t rdbo_crc(RdbOut *o);

#endif
