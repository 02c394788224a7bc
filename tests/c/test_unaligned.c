/* test_unaligned.c - unit tests for src/ds/unaligned.h (memcpy-based loads
 * and stores, and the little-endian helpers).
 *
 * Every helper is exercised at every offset 0..7 of a byte buffer, so the
 * UBSan build (with -fsanitize=alignment) would flag any access that is
 * really a wide load through a cast pointer.  Guard bytes around each
 * store must stay untouched; host-order helpers must agree with memcpy;
 * the little-endian helpers must give the same bytes on any host. */
#include <stdint.h>
#include <string.h>

#include "ds/unaligned.h"
#include "unit.h"

#define GUARD 0xa5

static uint8_t area[32];

static void fill_guard(void) {
    memset(area, GUARD, sizeof(area));
}

/* Counts bytes outside [off, off+n) that are no longer the guard. */
static int guard_damage(size_t off, size_t n) {
    int bad = 0;
    for (size_t i = 0; i < sizeof(area); i++)
        if ((i < off || i >= off + n) && area[i] != GUARD) bad++;
    return bad;
}

static void test_host_order_round_trip(void) {
    int bad = 0, damage = 0, order = 0;
    unit_srand(21);
    for (int round = 0; round < 200; round++) {
        for (size_t off = 0; off < 8; off++) {
            uint8_t *p = area + 8 + off;
            uint64_t r = unit_rand64();

            fill_guard();
            store_u16(p, (uint16_t)r);
            if (load_u16(p) != (uint16_t)r) bad++;
            uint16_t v16 = (uint16_t)r;
            if (memcmp(p, &v16, 2) != 0) order++;
            damage += guard_damage(8 + off, 2);

            fill_guard();
            store_u32(p, (uint32_t)r);
            if (load_u32(p) != (uint32_t)r) bad++;
            uint32_t v32 = (uint32_t)r;
            if (memcmp(p, &v32, 4) != 0) order++;
            damage += guard_damage(8 + off, 4);

            fill_guard();
            store_u64(p, r);
            if (load_u64(p) != r) bad++;
            if (memcmp(p, &r, 8) != 0) order++;
            damage += guard_damage(8 + off, 8);

            fill_guard();
            int64_t s = (int64_t)(r >> 1) * ((r & 1) ? -1 : 1);
            store_i64(p, s);
            if (load_i64(p) != s) bad++;
            damage += guard_damage(8 + off, 8);
        }
    }
    CHECK_EQ_INT(0, bad);
    CHECK_EQ_INT(0, damage);
    CHECK_EQ_INT(0, order);

    /* Edge values. */
    for (size_t off = 0; off < 8; off++) {
        uint8_t *p = area + off;
        store_i64(p, INT64_MIN);
        CHECK(load_i64(p) == INT64_MIN);
        store_i64(p, -1);
        CHECK_EQ_INT(-1, load_i64(p));
        CHECK_EQ_UINT(UINT64_MAX, load_u64(p));
        store_u16(p, 0xffff);
        CHECK_EQ_UINT(0xffff, load_u16(p));
        store_u32(p, 0);
        CHECK_EQ_UINT(0, load_u32(p));
    }
}

static void test_pointers(void) {
    int x = 1, y = 2;
    for (size_t off = 0; off < 8; off++) {
        fill_guard();
        uint8_t *p = area + 8 + off;
        store_ptr(p, &x);
        CHECK(load_ptr(p) == &x);
        CHECK_EQ_INT(1, *(int *)load_ptr(p));
        store_ptr(p, &y);
        CHECK(load_ptr(p) == &y);
        store_ptr(p, NULL);
        CHECK(load_ptr(p) == NULL);
        CHECK_EQ_INT(0, guard_damage(8 + off, sizeof(void *)));
    }
}

static void test_little_endian(void) {
    static const uint8_t want[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    for (size_t off = 0; off < 8; off++) {
        fill_guard();
        uint8_t *p = area + 8 + off;
        store_le64(p, 0x0102030405060708ULL);
        CHECK_MEM((const char *)want, 8, (const char *)p, 8);
        CHECK_EQ_UINT(0x0102030405060708ULL, load_le64(p));
        CHECK_EQ_INT(0, guard_damage(8 + off, 8));
    }
    /* Bytes laid out by hand read back as little-endian. */
    uint8_t b[9] = {0xff, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};
    CHECK_EQ_UINT(0x0123456789abcdefULL, load_le64(b + 1));
    CHECK_EQ_UINT(0x23456789abcdefffULL, load_le64(b));
    /* Top bit and zero. */
    store_le64(area + 3, 0x8000000000000000ULL);
    CHECK_EQ_INT(0x80, area[3 + 7]);
    CHECK_EQ_INT(0, area[3]);
    CHECK_EQ_UINT(0x8000000000000000ULL, load_le64(area + 3));
    store_le64(area + 5, 0);
    CHECK_EQ_UINT(0, load_le64(area + 5));
    /* Random round trips, and agreement with the host helpers on a
     * little-endian host (x86, ARM as Debian builds it). */
    int bad = 0, host_mismatch = 0;
    const uint16_t one = 1;
    int host_le = *(const uint8_t *)&one == 1;
    unit_srand(8);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = unit_rand64();
        size_t off = (size_t)unit_rand_below(16);
        store_le64(area + off, v);
        if (load_le64(area + off) != v) bad++;
        for (int k = 0; k < 8; k++)
            if (area[off + (size_t)k] != (uint8_t)(v >> (8 * k))) bad++;
        if (host_le && load_u64(area + off) != v) host_mismatch++;
    }
    CHECK_EQ_INT(0, bad);
    CHECK_EQ_INT(0, host_mismatch);
}

int main(void) {
    UNIT_RUN(test_host_order_round_trip);
    UNIT_RUN(test_pointers);
    UNIT_RUN(test_little_endian);
    return unit_finish();
}
