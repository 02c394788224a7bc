/* lineedit_alloc.c - where the line editor gets its memory.  deps/ knows
 * nothing of the server, so the library does not call the server's
 * allocator: it uses malloc/realloc/free unless its program installs other
 * functions with le_set_allocator (the cli installs its accounting
 * allocator, so every string crosses the boundary under one allocator).
 *
 * Invariant: the three hooks always belong together: they are replaced
 * only as a set, so a block is freed by the allocator that made it as long
 * as the program sets them before its first call into the library.
 * Allocation failure aborts, as everywhere in this project, so callers
 * never check for NULL. */
#include "lineedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void le_out_of_memory(size_t size) {
    fprintf(stderr, "lineedit: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

static void *le_default_alloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) le_out_of_memory(size);
    return p;
}

static void *le_default_realloc(void *ptr, size_t size) {
    void *p = realloc(ptr, size ? size : 1);
    if (!p) le_out_of_memory(size);
    return p;
}

static le_alloc_fn *le_hook_alloc = le_default_alloc;
static le_realloc_fn *le_hook_realloc = le_default_realloc;
static le_free_fn *le_hook_free = free;

void le_set_allocator(le_alloc_fn *alloc_fn, le_realloc_fn *realloc_fn, le_free_fn *free_fn) {
    if (alloc_fn && realloc_fn && free_fn) {
        le_hook_alloc = alloc_fn;
        le_hook_realloc = realloc_fn;
        le_hook_free = free_fn;
    } else {
        le_hook_alloc = le_default_alloc;
        le_hook_realloc = le_default_realloc;
        le_hook_free = free;
    }
}

void *le_alloc(size_t size) { return le_hook_alloc(size); }

void *le_realloc(void *ptr, size_t size) { return le_hook_realloc(ptr, size); }

void le_free(void *ptr) {
    if (ptr) le_hook_free(ptr);
}

char *le_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = le_alloc(n);
    memcpy(p, s, n);
    return p;
}
