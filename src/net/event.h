/* event.h - the single-threaded event loop: file events, timers and a
 * before-sleep hook.  The backend (epoll, kqueue or poll) is picked at
 * compile time.
 *
 * Invariants: a file descriptor has at most one read and one write handler;
 * within one iteration its read handler runs before its write handler,
 * unless the write handler was registered with EV_BARRIER;
 * the loop never sleeps longer than the nearest timer; with no timer due
 * and no file ready it blocks in the kernel (no busy wake-ups).
 *
 * A cycle is one awake period: from the moment the kernel wait returns
 * to the moment the loop is about to wait again (the before-sleep hook
 * included).  The loop reads the monotonic clock there anyway, so timing
 * cycles costs one clock reading per iteration (at wake-up), and
 * ev_now_us() hands out the latest reading for free. */
#ifndef NET_EVENT_H
#define NET_EVENT_H

#include <stdint.h>

#define EV_NONE 0
#define EV_READABLE 1
#define EV_WRITABLE 2
/* With EV_WRITABLE: when the fd is readable and writable in the same
 * iteration, run the write handler BEFORE the read handler, so nothing
 * the read handler produces is written before the next before-sleep hook
 * (the durability barrier: the AOF is written and fsynced there). */
#define EV_BARRIER 4

/* A timer proc returns the milliseconds until its next run, or EV_NOMORE. */
#define EV_NOMORE -1

typedef struct EventLoop EventLoop;
typedef void ev_file_proc(EventLoop *loop, int fd, void *data, int mask);
typedef long long ev_timer_proc(EventLoop *loop, long long id, void *data);
typedef void ev_hook_proc(EventLoop *loop);

EventLoop *ev_create(int setsize);
void ev_delete(EventLoop *loop);
int ev_setsize(EventLoop *loop);
/* Returns 0, or -1 with errno set (ERANGE when fd >= setsize). */
int ev_resize(EventLoop *loop, int setsize);
int ev_add_file(EventLoop *loop, int fd, int mask, ev_file_proc *proc, void *data);
void ev_del_file(EventLoop *loop, int fd, int mask);
int ev_file_mask(EventLoop *loop, int fd);
long long ev_add_timer(EventLoop *loop, long long ms, ev_timer_proc *proc, void *data);
void ev_del_timer(EventLoop *loop, long long id);
void ev_set_before_sleep(EventLoop *loop, ev_hook_proc *proc);
/* An extra bound on how long the loop may sleep: proc returns the
 * milliseconds until something outside the timers is due, or -1. */
typedef long long ev_sleep_bound_proc(EventLoop *loop);
void ev_set_sleep_bound(EventLoop *loop, ev_sleep_bound_proc *proc);
/* Awake cycles so far: how many, their total and longest length (us). */
typedef struct EvCycleStats {
    uint64_t cycles;
    uint64_t awake_sum_us;
    uint64_t awake_max_us;
} EvCycleStats;
EvCycleStats ev_cycle_stats(const EventLoop *loop);
void ev_cycle_stats_reset(EventLoop *loop);
/* The loop's latest monotonic clock reading (after the timers of this
 * iteration ran, it is at most as old as the last timer). */
uint64_t ev_now_us(EventLoop *loop);
/* Runs until ev_stop. */
void ev_main(EventLoop *loop);
void ev_stop(EventLoop *loop);
/* One iteration; returns the number of events handled. */
int ev_process(EventLoop *loop, int dont_wait);
const char *ev_backend_name(void);
/* Monotonic clock in microseconds. */
uint64_t ev_monotonic_us(void);

#endif
