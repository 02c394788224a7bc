/* child.c - the forked child every background job (BGSAVE, later the AOF
 * rewrite) runs in, and the pipe it reports through.
 *
 * The child resets the signals the parent catches (so SIGTERM/SIGINT end
 * it and SIGUSR1, the parent's "stop", ends it without counting as an
 * error), closes the listening sockets (a dead parent must free its port
 * even while the child still writes), runs at the lowest CPU priority
 * (SCHED_IDLE where the system has it), and leaves with _exit: no atexit
 * handler, no keyspace teardown, no leak report for memory it shares.
 *
 * Messages on the pipe are fixed-size records, smaller than PIPE_BUF, so
 * each write is atomic and the parent, reading non-blocking from cron,
 * never sees half a record. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../ds/resize_policy.h"
#include "../server/cpu_affinity.h"
#include "../server/server.h"
#include "persist.h"

typedef struct ChildInfo {
    uint64_t keys;
    uint64_t cow;
    uint64_t final;
} ChildInfo;

static int info_fd = -1; /* parent: the read end; child: the write end */

/* The child runs only where a core would otherwise idle: where cores are
 * short the serving process keeps its throughput and the snapshot takes
 * longer.  SCHED_IDLE (Linux) also lets a waking server preempt the child
 * at once, which nice 19 alone does not.  The child is not starved: the
 * scheduler still gives it a small share of a busy core.  SET with -r
 * 1000000 and BGSAVE back to back on 2 cores (utils/bench-rdb.sh): 0.58x
 * of the writes without a save at priority 0, 0.62-0.73x at nice 19,
 * 0.73-0.77x with SCHED_IDLE, three runs each. */
static void child_lower_priority(void) {
    setpriority(PRIO_PROCESS, 0, 19);
#ifdef SCHED_IDLE
    struct sched_param param = {0};
    sched_setscheduler(0, SCHED_IDLE, &param);
#endif
}

pid_t child_fork(int type) {
    int fds[2];
    if (pipe(fds) == -1) return -1;
    uint64_t t0 = ev_monotonic_us();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        info_fd = fds[1];
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGUSR1, SIG_DFL);
        child_lower_priority();
        cpu_affinity_set(NULL, type == CHILD_TYPE_RDB ? server.cfg.bgsave_cpulist : server.cfg.aof_rewrite_cpulist);
        for (int i = 0; i < server.listen_count; i++) close(server.listen_fds[i]);
        if (server.unix_fd != -1) close(server.unix_fd);
        server.child_pid = -1;
        return 0;
    }
    close(fds[1]);
    if (pid == -1) {
        int e = errno;
        close(fds[0]);
        errno = e;
        return -1;
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    info_fd = fds[0];
    /* From here until child_reset the child shares our pages: hash
     * tables hold back resizes and rehashing, which would copy them. */
    ds_set_resize_avoid(1);
    server.child_pid = pid;
    server.child_type = type;
    server.stat.latest_fork_usec = ev_monotonic_us() - t0;
    server.stat.total_forks++;
    if (server.pause_after_fork) {
        /* DEBUG PAUSE-AFTER-FORK: tests act on the child alone meanwhile. */
        server_log(LL_NOTICE, "Process is about to stop.");
        raise(SIGSTOP);
        server_log(LL_NOTICE, "Process has been continued.");
    }
    rdb_state.child_keys = rdb_state.child_cow = rdb_state.child_cow_peak = 0;
    rdb_state.child_cow_time = 0;
    return pid;
}

uint64_t child_cow_bytes(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f) f = fopen("/proc/self/smaps", "r");
    if (!f) return 0;
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v;
        if (sscanf(line, "Private_Dirty: %llu kB", &v) == 1) kb += v;
    }
    fclose(f);
    return kb * 1024;
}

void child_send_info(uint64_t keys, int final) {
    static int64_t last_s;
    if (info_fd == -1) return;
    int64_t now = (int64_t)time(NULL);
    /* Progress once a second at most: reading the page counts costs. */
    if (!final && now == last_s) return;
    last_s = now;
    ChildInfo ci = {keys, child_cow_bytes(), (uint64_t)final};
    ssize_t w;
    do {
        w = write(info_fd, &ci, sizeof(ci));
    } while (w < 0 && errno == EINTR);
}

void child_read_info(void) {
    if (info_fd == -1) return;
    ChildInfo ci;
    for (;;) {
        ssize_t r = read(info_fd, &ci, sizeof(ci));
        if (r < 0 && errno == EINTR) continue;
        if (r != (ssize_t)sizeof(ci)) break;
        rdb_state.child_keys = ci.keys;
        rdb_state.child_cow = ci.cow;
        rdb_state.child_cow_time = (int64_t)time(NULL);
        if (ci.cow > rdb_state.child_cow_peak) rdb_state.child_cow_peak = ci.cow;
        if (ci.final) rdb_state.last_cow = ci.cow;
    }
}

void child_exit(int code) {
    _exit(code);
}

void child_reset(void) {
    if (info_fd != -1) close(info_fd);
    info_fd = -1;
    ds_set_resize_avoid(0);
    server.child_pid = -1;
    server.child_type = CHILD_TYPE_NONE;
}
