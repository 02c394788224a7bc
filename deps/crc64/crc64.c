/* crc64.c - table-driven CRC-64/Jones (see crc64.h), slicing by 8.
 *
 * table[0][b] is the CRC register after feeding byte b into a zero
 * register; table[k][b] is the same followed by k zero bytes.  Eight input
 * bytes are then folded in with eight lookups: the byte at position i is
 * followed by 7-i more bytes of the same block, so it is looked up in
 * table[7-i].  Input is read one byte at a time (no wide loads, so any
 * alignment and either byte order are fine), and the 64-bit register is
 * split into 32-bit halves so 32-bit CPUs avoid 64-bit shifts in the loop.
 * The 16 kB of tables are built on first use under pthread_once, since
 * the CRC may be computed from several threads (saving, loading, DUMP). */
#include "crc64.h"

#include <pthread.h>

#define CRC64_JONES_POLY 0xad93d23594c935a9ULL

static uint64_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static uint64_t reflect64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++, v >>= 1) r = (r << 1) | (v & 1);
    return r;
}

static void crc_table_build(void) {
    /* Reflected input and output: the register shifts right, with the
     * polynomial's bits reversed. */
    uint64_t poly = reflect64(CRC64_JONES_POLY);
    for (unsigned b = 0; b < 256; b++) {
        uint64_t c = b;
        for (int i = 0; i < 8; i++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        crc_table[0][b] = c;
    }
    for (unsigned b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++) {
            uint64_t c = crc_table[k - 1][b];
            crc_table[k][b] = (c >> 8) ^ crc_table[0][c & 0xff];
        }
}

uint64_t crc64(uint64_t crc, const void *buf, size_t len) {
    const uint8_t *p = buf;
    pthread_once(&crc_table_once, crc_table_build);
    uint64_t (*t)[256] = crc_table;

    while (len >= 8) {
        uint32_t lo = (uint32_t)crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                                       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)(crc >> 32) ^ ((uint32_t)p[4] | (uint32_t)p[5] << 8 |
                                               (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24);
        crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
              t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}
