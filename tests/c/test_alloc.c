/* test_alloc.c - unit tests for src/ds/alloc (the accounting allocator).
 *
 * The invariant under test: mem_used() is always the sum of mem_usable()
 * over the blocks handed out and not yet freed, so it returns exactly to
 * its starting value after any sequence of alloc/calloc/realloc/free
 * pairs, including from several threads at once.  Also: calloc zeroes,
 * realloc keeps the contents, size 0 and NULL are handled, strdup/strndup
 * are binary safe, and the allocator name and statistics are sane. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "ds/alloc.h"
#include "unit.h"

static void test_alloc_free(void) {
    size_t base = mem_used();
    void *p = mem_alloc(100);
    CHECK(p != NULL);
    CHECK(mem_usable(p) >= 100);
    CHECK_EQ_UINT(base + mem_usable(p), mem_used());
    memset(p, 0xab, 100);
    mem_free(p);
    CHECK_EQ_UINT(base, mem_used());

    /* Size 0 still gives a real, freeable block. */
    void *z = mem_alloc(0);
    CHECK(z != NULL);
    CHECK_EQ_UINT(base + mem_usable(z), mem_used());
    mem_free(z);
    CHECK_EQ_UINT(base, mem_used());

    mem_free(NULL);
    CHECK_EQ_UINT(base, mem_used());
}

static void test_calloc(void) {
    size_t base = mem_used();
    /* Dirty some memory first so calloc can't be zero by luck of a fresh page. */
    for (int i = 0; i < 16; i++) {
        unsigned char *d = mem_alloc(4096);
        memset(d, 0xff, 4096);
        mem_free(d);
    }
    unsigned char *p = mem_calloc(4096);
    int nonzero = 0;
    for (int i = 0; i < 4096; i++)
        if (p[i]) nonzero++;
    CHECK_EQ_INT(0, nonzero);
    CHECK_EQ_UINT(base + mem_usable(p), mem_used());
    mem_free(p);
    void *z = mem_calloc(0);
    CHECK(z != NULL);
    mem_free(z);
    CHECK_EQ_UINT(base, mem_used());
}

static void test_realloc(void) {
    size_t base = mem_used();
    /* realloc(NULL, n) allocates. */
    unsigned char *p = mem_realloc(NULL, 10);
    CHECK(p != NULL);
    CHECK_EQ_UINT(base + mem_usable(p), mem_used());
    for (int i = 0; i < 10; i++) p[i] = (unsigned char)i;
    /* Grow through several size classes; contents survive each move. */
    size_t sizes[] = {10, 100, 5000, 70000, 3 << 20, 64, 17, 1};
    int bad = 0;
    for (size_t k = 1; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t keep = sizes[k] < sizes[k - 1] ? sizes[k] : sizes[k - 1];
        if (keep > 10) keep = 10;
        p = mem_realloc(p, sizes[k]);
        CHECK(mem_usable(p) >= sizes[k]);
        if (!CHECK_EQ_UINT(base + mem_usable(p), mem_used()))
            fprintf(stdout, "    after realloc to %zu\n", sizes[k]);
        for (size_t i = 0; i < keep; i++)
            if (p[i] != (unsigned char)i) bad++;
    }
    CHECK_EQ_INT(0, bad);
    /* realloc to 0 keeps a valid block. */
    p = mem_realloc(p, 0);
    CHECK(p != NULL);
    CHECK_EQ_UINT(base + mem_usable(p), mem_used());
    mem_free(p);
    CHECK_EQ_UINT(base, mem_used());
}

static void test_strdup(void) {
    size_t base = mem_used();
    char *a = mem_strdup("hello");
    CHECK_STR("hello", a);
    char *b = mem_strndup("ab\0cd", 5);
    CHECK_MEM("ab\0cd", 5, b, 5);
    CHECK_EQ_INT('\0', b[5]);
    char *c = mem_strndup("xyz", 0);
    CHECK_STR("", c);
    char *d = mem_strdup("");
    CHECK_STR("", d);
    CHECK_EQ_UINT(base + mem_usable(a) + mem_usable(b) + mem_usable(c) + mem_usable(d), mem_used());
    mem_free(a);
    mem_free(b);
    mem_free(c);
    mem_free(d);
    CHECK_EQ_UINT(base, mem_used());
}

/* A long random mix; after each step the counter equals the sum of the
 * usable sizes of the live blocks. */
static void test_random_mix(void) {
    enum { SLOTS = 256 };
    static unsigned char *blocks[SLOTS];
    size_t base = mem_used();
    size_t expect = 0;
    int mismatches = 0;
    unit_srand(11);
    for (int step = 0; step < 50000; step++) {
        int i = (int)unit_rand_below(SLOTS);
        size_t size = (size_t)unit_rand_below(unit_rand_below(8) == 0 ? 200000 : 300);
        uint64_t op = unit_rand_below(3);
        if (blocks[i]) expect -= mem_usable(blocks[i]);
        if (op == 0 && blocks[i]) {
            mem_free(blocks[i]);
            blocks[i] = NULL;
        } else if (op == 1) {
            blocks[i] = mem_realloc(blocks[i], size);
        } else {
            mem_free(blocks[i]);
            blocks[i] = (op == 2 && (step & 1)) ? mem_calloc(size) : mem_alloc(size);
        }
        if (blocks[i]) {
            expect += mem_usable(blocks[i]);
            if (size) blocks[i][size - 1] = 1; /* the block is really that big */
        }
        if (mem_used() != base + expect) mismatches++;
    }
    CHECK_EQ_INT(0, mismatches);
    for (int i = 0; i < SLOTS; i++) {
        mem_free(blocks[i]);
        blocks[i] = NULL;
    }
    CHECK_EQ_UINT(base, mem_used());
}

static void *thread_churn(void *arg) {
    (void)arg;
    void *keep[32] = {0};
    for (int i = 0; i < 40000; i++) {
        int k = i & 31;
        mem_free(keep[k]);
        keep[k] = (i % 3) ? mem_alloc((size_t)(i % 500) + 1) : mem_realloc(NULL, 64);
        if (i % 7 == 0) keep[k] = mem_realloc(keep[k], (size_t)(i % 1000) + 1);
    }
    for (int k = 0; k < 32; k++) mem_free(keep[k]);
    return NULL;
}

static void *thread_free(void *arg) {
    mem_free(arg);
    return NULL;
}

/* The counter is updated atomically: concurrent threads lose nothing. */
static void test_threads(void) {
    size_t base = mem_used();
    pthread_t t[4];
    int started = 0;
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, thread_churn, NULL) == 0) started++;
    CHECK_EQ_INT(4, started);
    for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
    CHECK_EQ_UINT(base, mem_used());

    /* A block allocated here and freed by another thread. */
    void *p = mem_alloc(1000);
    pthread_t f;
    if (CHECK(pthread_create(&f, NULL, thread_free, p) == 0)) pthread_join(f, NULL);
    CHECK_EQ_UINT(base, mem_used());
}

static void test_info(void) {
    const char *name = mem_allocator_name();
    CHECK(name != NULL);
#ifdef USE_JEMALLOC
    CHECK(strncmp(name, "jemalloc", 8) == 0);
    /* "jemalloc-5.3.0": no git suffix. */
    CHECK(strchr(name + 9, '-') == NULL);
    CHECK(strchr(name, '.') != NULL);
    size_t allocated, active, resident;
    void *p = mem_alloc(1 << 20);
    mem_allocator_stats(&allocated, &active, &resident);
    CHECK(allocated >= (1 << 20));
    CHECK(active >= allocated);
    CHECK(resident > 0);
    mem_free(p);
#else
    CHECK_STR("libc", name);
    size_t allocated = 1, active = 1, resident = 1;
    mem_allocator_stats(&allocated, &active, &resident);
    CHECK_EQ_UINT(0, allocated);
    CHECK_EQ_UINT(0, active);
    CHECK_EQ_UINT(0, resident);
#endif
    CHECK_STR(name, mem_allocator_name()); /* stable across calls */
#ifdef __linux__
    size_t rss = mem_rss();
    CHECK(rss > 0);
    /* Touching 8 MB raises the resident size. */
    unsigned char *big = mem_alloc(8 << 20);
    memset(big, 1, 8 << 20);
    CHECK(mem_rss() >= rss + (4 << 20));
    mem_free(big);
#endif
    mem_purge(); /* must not crash */
}

int main(void) {
    UNIT_RUN(test_alloc_free);
    UNIT_RUN(test_calloc);
    UNIT_RUN(test_realloc);
    UNIT_RUN(test_strdup);
    UNIT_RUN(test_random_mix);
    UNIT_RUN(test_threads);
    UNIT_RUN(test_info);
    return unit_finish();
}
