/* alloc.c - accounting wrapper over jemalloc (USE_JEMALLOC) or libc malloc.
 *
 * Debian's jemalloc is built without a symbol prefix, so with USE_JEMALLOC
 * malloc/free below are jemalloc's.  The counter is updated with relaxed
 * atomics because background threads may free memory. */
#include "alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

static _Atomic size_t used_bytes;

static void out_of_memory(size_t size) {
    fprintf(stderr, "Out Of Memory allocating %zu bytes!\n", size);
    fflush(stderr);
    abort();
}

void *mem_alloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
    return p;
}

void *mem_calloc(size_t size) {
    void *p = calloc(1, size ? size : 1);
    if (!p) out_of_memory(size);
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
    return p;
}

void *mem_realloc(void *ptr, size_t size) {
    if (!ptr) return mem_alloc(size);
    size_t old = malloc_usable_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size);
    size_t now = malloc_usable_size(p);
    if (now >= old)
        atomic_fetch_add_explicit(&used_bytes, now - old, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&used_bytes, old - now, memory_order_relaxed);
    return p;
}

void mem_free(void *ptr) {
    if (!ptr) return;
    atomic_fetch_sub_explicit(&used_bytes, malloc_usable_size(ptr), memory_order_relaxed);
    free(ptr);
}

size_t mem_usable(const void *ptr) {
    return malloc_usable_size((void *)ptr);
}

char *mem_strndup(const char *s, size_t len) {
    char *p = mem_alloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *mem_strdup(const char *s) {
    return mem_strndup(s, strlen(s));
}

size_t mem_used(void) {
    return atomic_load_explicit(&used_bytes, memory_order_relaxed);
}

const char *mem_allocator_name(void) {
#ifdef USE_JEMALLOC
    static char name[64];
    if (!name[0]) {
        const char *ver = NULL;
        size_t sz = sizeof(ver);
        if (mallctl("version", &ver, &sz, NULL, 0) == 0 && ver) {
            /* "5.3.0-0-g54eaed1d..." -> "jemalloc-5.3.0" */
            size_t n = strcspn(ver, "-");
            snprintf(name, sizeof(name), "jemalloc-%.*s", (int)n, ver);
        } else {
            snprintf(name, sizeof(name), "jemalloc");
        }
    }
    return name;
#else
    return "libc";
#endif
}

size_t mem_rss(void) {
#if defined(__linux__)
    char buf[256];
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    unsigned long long pages_total = 0, pages_rss = 0;
    if (sscanf(buf, "%llu %llu", &pages_total, &pages_rss) != 2) return 0;
    return (size_t)(pages_rss * (unsigned long long)sysconf(_SC_PAGESIZE));
#else
    return 0;
#endif
}

void mem_allocator_stats(size_t *allocated, size_t *active, size_t *resident) {
    *allocated = *active = *resident = 0;
#ifdef USE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    sz = sizeof(size_t);
    mallctl("stats.allocated", allocated, &sz, NULL, 0);
    mallctl("stats.active", active, &sz, NULL, 0);
    mallctl("stats.resident", resident, &sz, NULL, 0);
#endif
}

void mem_purge(void) {
#ifdef USE_JEMALLOC
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "arena.%d.purge", 4096); /* MALLCTL_ARENAS_ALL */
    mallctl(cmd, NULL, NULL, NULL, 0);
#elif defined(__GLIBC__)
    malloc_trim(0);
#endif
}
