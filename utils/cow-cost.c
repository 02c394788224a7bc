/* cow-cost.c - what a fork costs the process that keeps running, on this
 * machine: the fork itself, and the page fault each page costs on its
 * first write afterwards.  utils/bench-rdb.sh prints it next to the BGSAVE
 * figures, because those faults, not the child's work, set how much write
 * throughput a forked snapshot can keep.
 *
 *   cc -O2 -o /tmp/cow-cost utils/cow-cost.c && /tmp/cow-cost [MB]
 *
 * For MB of touched memory (default 56, the 1M-key dataset's used_memory)
 * it reports, in microseconds per 4 kB page, the median of 5 rounds:
 *   first-touch   a fresh page's first write (allocate and zero);
 *   cow-copy      a write while a child shares the page (copy);
 *   reuse         a write after the child has exited (the page is ours
 *                 again, but fork write-protected it, so it still traps);
 * and the fork's own time in milliseconds.  Only this process and its
 * children are involved: no server, no network. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define ROUNDS 5

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One write per page; returns microseconds per page. */
static double write_pages(volatile char *p, size_t pages, char v) {
    double t0 = now_us();
    for (size_t i = 0; i < pages; i++) p[i * PAGE] = v;
    return (now_us() - t0) / (double)pages;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v) {
    qsort(v, ROUNDS, sizeof(double), cmp_double);
    return v[ROUNDS / 2];
}

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 56;
    if (mb == 0) mb = 56;
    size_t pages = mb * 1024 * 1024 / PAGE;
    double first[ROUNDS], copy[ROUNDS], reuse[ROUNDS], fork_ms[ROUNDS];

    for (int r = 0; r < ROUNDS; r++) {
        char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
#ifdef MADV_NOHUGEPAGE
        madvise(p, pages * PAGE, MADV_NOHUGEPAGE); /* as the server: 4 kB pages */
#endif
        first[r] = write_pages(p, pages, 1);

        /* A child that holds the pages until told to go, as a BGSAVE
         * child does while it writes the file. */
        int go[2];
        if (pipe(go) == -1) {
            perror("pipe");
            return 1;
        }
        double t0 = now_us();
        pid_t child = fork();
        if (child == 0) {
            char b;
            close(go[1]);
            while (read(go[0], &b, 1) == -1) {}
            _exit(0);
        }
        fork_ms[r] = (now_us() - t0) / 1e3;
        if (child == -1) {
            perror("fork");
            return 1;
        }
        close(go[0]);
        copy[r] = write_pages(p, pages, 2);
        close(go[1]);
        waitpid(child, NULL, 0);

        /* A child that exits at once: afterwards every page is ours alone
         * but write-protected. */
        child = fork();
        if (child == 0) _exit(0);
        if (child == -1) {
            perror("fork");
            return 1;
        }
        waitpid(child, NULL, 0);
        reuse[r] = write_pages(p, pages, 3);
        munmap(p, pages * PAGE);
    }
    printf("%zu MB, %zu pages: fork %.2f ms; per page: first-touch %.2f us, cow-copy %.2f us, reuse %.2f us\n", mb,
           pages, median(fork_ms), median(first), median(copy), median(reuse));
    return 0;
}
