/* alloc.h - the accounting allocator every layer allocates through.
 *
 * Invariant: mem_used() equals the sum of the usable sizes of every block
 * handed out and not yet freed, as the allocator itself reports them, so
 * INFO's used_memory is measured, not estimated.  Allocation failure is
 * fatal: it logs one line to stderr and aborts, like Valkey. */
#ifndef DS_ALLOC_H
#define DS_ALLOC_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_calloc(size_t size);
void *mem_realloc(void *ptr, size_t size);
void mem_free(void *ptr);
/* Usable size of a block returned by mem_alloc (>= the requested size). */
size_t mem_usable(const void *ptr);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t len);
size_t mem_used(void);
/* "jemalloc-5.3.0" or "libc". */
const char *mem_allocator_name(void);
/* Bytes resident in RAM for this process (from /proc where available). */
size_t mem_rss(void);
/* Allocator statistics; 0 where the allocator has none. */
void mem_allocator_stats(size_t *allocated, size_t *active, size_t *resident);
/* Return unused memory to the OS where the allocator supports it. */
void mem_purge(void);

#endif
