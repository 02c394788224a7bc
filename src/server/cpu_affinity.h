/* cpu_affinity.h - Valkey's cpulist directives (server-cpulist,
 * bio-cpulist, aof-rewrite-cpulist, bgsave-cpulist): which CPUs the main
 * thread, the background threads and the forked children may run on.
 *
 * A cpulist is comma-separated items, each a CPU number, a range "a-b",
 * or a range with a step "a-b:s" ("0-7:2" is 0,2,4,6; "1,10-11").  An
 * empty list changes nothing.  A list that does not parse, or names CPUs
 * past CPULIST_MAX_CPUS, is ignored with a warning in the log (Valkey
 * ignores it silently); so is one the kernel refuses (no usable CPU). */
#ifndef SERVER_CPU_AFFINITY_H
#define SERVER_CPU_AFFINITY_H

#define CPULIST_MAX_CPUS 1024

/* Parses list into set (CPULIST_MAX_CPUS bits, CPU n at bit n % 8 of
 * byte n / 8).  Returns 0, or -1 when the list is malformed or empty. */
int cpulist_parse(const char *list, unsigned char set[CPULIST_MAX_CPUS / 8]);

/* Restricts the calling thread (and what it later creates or forks) to
 * list; which names the directive in the warning, NULL for no warning
 * (background threads and children, which must not log).  Returns 0 when
 * applied or when list is NULL or empty, -1 when ignored. */
int cpu_affinity_set(const char *which, const char *list);

/* Start-up, in the main thread: saves the initial affinity, applies
 * server-cpulist and checks the other three lists (warning about each
 * that will be ignored). */
void cpu_affinity_init(void);
/* At the start of a background thread: bio-cpulist, or the initial
 * affinity when it is empty. */
void cpu_affinity_bio_thread(void);


#endif
