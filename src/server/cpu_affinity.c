/* cpu_affinity.c - the cpulist directives (see cpu_affinity.h): parsing,
 * and applying to the calling thread with sched_setaffinity where the
 * system has it (Linux); elsewhere a valid list is accepted and changes
 * nothing. */
#include "cpu_affinity.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "server.h"

/* A decimal CPU number at *s (digits only), advancing *s. */
static int read_cpu(const char **s, long *out) {
    const char *p = *s;
    long v = 0;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v >= CPULIST_MAX_CPUS) return 0;
        p++;
    }
    *s = p;
    *out = v;
    return 1;
}

int cpulist_parse(const char *list, unsigned char set[CPULIST_MAX_CPUS / 8]) {
    memset(set, 0, CPULIST_MAX_CPUS / 8);
    const char *s = list;
    if (!s || !*s) return -1;
    for (;;) {
        long first, last, step = 1;
        if (!read_cpu(&s, &first)) return -1;
        last = first;
        if (*s == '-') {
            s++;
            if (!read_cpu(&s, &last) || last < first) return -1;
            if (*s == ':') {
                s++;
                if (!read_cpu(&s, &step) || step == 0) return -1;
            }
        }
        for (long c = first; c <= last; c += step) set[c / 8] |= (unsigned char)(1u << (c % 8));
        if (*s == '\0') return 0;
        if (*s != ',') return -1;
        s++;
    }
}

/* Parses list into set, naming an invalid one in the log (which is NULL
 * off the main thread: no log).  Returns 1 for a valid list, 0 for none,
 * -1 for an invalid one. */
static int parse_or_warn(const char *which, const char *list, unsigned char set[CPULIST_MAX_CPUS / 8]) {
    if (!list || !*list) return 0;
    if (cpulist_parse(list, set) == 0) return 1;
    if (which) server_log(LL_WARNING, "Invalid %s '%s': ignored", which, list);
    return -1;
}

#ifdef __linux__
/* The affinity the process started with, before server-cpulist: the
 * background threads without a cpulist of their own go back to it, as
 * Valkey's (started before server-cpulist applies) keep it. */
static cpu_set_t initial;
static int initial_saved;

void cpu_affinity_bio_thread(void) {
    if (server.cfg.bio_cpulist && *server.cfg.bio_cpulist) cpu_affinity_set(NULL, server.cfg.bio_cpulist);
    else if (initial_saved) sched_setaffinity(0, sizeof(initial), &initial);
}

int cpu_affinity_set(const char *which, const char *list) {
    unsigned char set[CPULIST_MAX_CPUS / 8];
    int parsed = parse_or_warn(which, list, set);
    if (parsed <= 0) return parsed;
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    for (int c = 0; c < CPULIST_MAX_CPUS && c < CPU_SETSIZE; c++)
        if (set[c / 8] & (1u << (c % 8))) CPU_SET(c, &cpus);
    if (sched_setaffinity(0, sizeof(cpus), &cpus) == -1) {
        if (which) server_log(LL_WARNING, "Could not apply %s '%s': %s", which, list, strerror(errno));
        return -1;
    }
    return 0;
}
#else
void cpu_affinity_bio_thread(void) {}

int cpu_affinity_set(const char *which, const char *list) {
    unsigned char set[CPULIST_MAX_CPUS / 8];
    return parse_or_warn(which, list, set) < 0 ? -1 : 0;
}
#endif

void cpu_affinity_init(void) {
    unsigned char set[CPULIST_MAX_CPUS / 8];
#ifdef __linux__
    CPU_ZERO(&initial);
    initial_saved = sched_getaffinity(0, sizeof(initial), &initial) == 0;
#endif
    cpu_affinity_set("server-cpulist", server.cfg.server_cpulist);
    parse_or_warn("bio-cpulist", server.cfg.bio_cpulist, set);
    parse_or_warn("aof-rewrite-cpulist", server.cfg.aof_rewrite_cpulist, set);
    parse_or_warn("bgsave-cpulist", server.cfg.bgsave_cpulist, set);
}
