/* event.c - event loop core: file handler table, timers, the main loop.
 * The kernel interface lives in event_epoll.c / event_kqueue.c /
 * event_poll.c, one of which is included below. */
#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ds/alloc.h"

typedef struct FileEvent {
    int mask;
    ev_file_proc *rproc;
    ev_file_proc *wproc;
    void *data;
} FileEvent;

typedef struct FiredEvent {
    int fd;
    int mask;
} FiredEvent;

typedef struct TimerEvent {
    long long id;
    uint64_t when_us;
    ev_timer_proc *proc;
    void *data;
    struct TimerEvent *next;
    int deleted;
} TimerEvent;

struct EventLoop {
    int setsize; /* the most descriptors the loop may watch */
    int cap;     /* slots allocated so far: grows on demand up to setsize */
    int maxfd;
    int stop;
    long long next_timer_id;
    FileEvent *events;
    FiredEvent *fired;
    TimerEvent *timers;
    ev_hook_proc *before_sleep;
    ev_sleep_bound_proc *sleep_bound;
    EvCycleStats stats;
    uint64_t now_us;   /* latest monotonic reading */
    uint64_t wake_us;  /* when the current cycle began; 0 before the first */
    void *backend;
};

static int backend_create(EventLoop *loop);
static void backend_free(EventLoop *loop);
static int backend_resize(EventLoop *loop, int setsize);
static int backend_add(EventLoop *loop, int fd, int oldmask, int addmask);
static void backend_del(EventLoop *loop, int fd, int oldmask, int delmask);
/* Waits at most timeout_ms (-1 forever); fills loop->fired; returns count. */
static int backend_poll(EventLoop *loop, int timeout_ms);

#if defined(__linux__) && !defined(EV_FORCE_POLL)
#include "event_epoll.c"
#elif (defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)) && !defined(EV_FORCE_POLL)
#include "event_kqueue.c"
#else
#include "event_poll.c"
#endif

uint64_t ev_monotonic_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

EventLoop *ev_create(int setsize) {
    EventLoop *loop = mem_calloc(sizeof(*loop));
    loop->setsize = setsize;
    /* Start small: an idle server on a small device should not pay for
     * ten thousand client slots it may never use. */
    loop->cap = setsize < 256 ? setsize : 256;
    loop->maxfd = -1;
    loop->events = mem_calloc(sizeof(FileEvent) * (size_t)loop->cap);
    loop->fired = mem_calloc(sizeof(FiredEvent) * (size_t)loop->cap);
    if (backend_create(loop) == -1) {
        mem_free(loop->events);
        mem_free(loop->fired);
        mem_free(loop);
        return NULL;
    }
    return loop;
}

void ev_delete(EventLoop *loop) {
    backend_free(loop);
    TimerEvent *t = loop->timers;
    while (t) {
        TimerEvent *n = t->next;
        mem_free(t);
        t = n;
    }
    mem_free(loop->events);
    mem_free(loop->fired);
    mem_free(loop);
}

int ev_setsize(EventLoop *loop) {
    return loop->setsize;
}

static int grow_to(EventLoop *loop, int cap) {
    if (backend_resize(loop, cap) == -1) return -1;
    loop->events = mem_realloc(loop->events, sizeof(FileEvent) * (size_t)cap);
    loop->fired = mem_realloc(loop->fired, sizeof(FiredEvent) * (size_t)cap);
    for (int i = loop->cap; i < cap; i++) loop->events[i].mask = EV_NONE;
    loop->cap = cap;
    return 0;
}

int ev_resize(EventLoop *loop, int setsize) {
    if (setsize == loop->setsize) return 0;
    if (loop->maxfd >= setsize) {
        errno = EBUSY;
        return -1;
    }
    if (loop->cap > setsize && grow_to(loop, setsize) == -1) return -1;
    loop->setsize = setsize;
    return 0;
}

int ev_add_file(EventLoop *loop, int fd, int mask, ev_file_proc *proc, void *data) {
    if (fd >= loop->setsize) {
        errno = ERANGE;
        return -1;
    }
    if (fd >= loop->cap) {
        int cap = loop->cap * 2;
        while (cap <= fd) cap *= 2;
        if (cap > loop->setsize) cap = loop->setsize;
        if (grow_to(loop, cap) == -1) return -1;
    }
    FileEvent *fe = &loop->events[fd];
    int io = mask & (EV_READABLE | EV_WRITABLE);
    if (backend_add(loop, fd, fe->mask & (EV_READABLE | EV_WRITABLE), io) == -1) return -1;
    fe->mask |= mask;
    if (mask & EV_READABLE) fe->rproc = proc;
    if (mask & EV_WRITABLE) fe->wproc = proc;
    fe->data = data;
    if (fd > loop->maxfd) loop->maxfd = fd;
    return 0;
}

void ev_del_file(EventLoop *loop, int fd, int mask) {
    if (fd >= loop->cap) return;
    FileEvent *fe = &loop->events[fd];
    if (fe->mask == EV_NONE) return;
    /* Removing the write handler removes its barrier too. */
    if (mask & EV_WRITABLE) mask |= EV_BARRIER;
    mask &= fe->mask;
    if (!(mask & (EV_READABLE | EV_WRITABLE))) {
        fe->mask &= ~mask;
        return;
    }
    backend_del(loop, fd, fe->mask & (EV_READABLE | EV_WRITABLE), mask & (EV_READABLE | EV_WRITABLE));
    fe->mask &= ~mask;
    if (fd == loop->maxfd && fe->mask == EV_NONE) {
        int j;
        for (j = loop->maxfd - 1; j >= 0; j--)
            if (loop->events[j].mask != EV_NONE) break;
        loop->maxfd = j;
    }
}

int ev_file_mask(EventLoop *loop, int fd) {
    if (fd >= loop->cap) return 0;
    return loop->events[fd].mask;
}

long long ev_add_timer(EventLoop *loop, long long ms, ev_timer_proc *proc, void *data) {
    TimerEvent *t = mem_alloc(sizeof(*t));
    t->id = loop->next_timer_id++;
    t->when_us = ev_monotonic_us() + (uint64_t)ms * 1000u;
    t->proc = proc;
    t->data = data;
    t->deleted = 0;
    t->next = loop->timers;
    loop->timers = t;
    return t->id;
}

void ev_del_timer(EventLoop *loop, long long id) {
    for (TimerEvent *t = loop->timers; t; t = t->next) {
        if (t->id == id) t->deleted = 1;
    }
}

void ev_set_before_sleep(EventLoop *loop, ev_hook_proc *proc) {
    loop->before_sleep = proc;
}

void ev_set_sleep_bound(EventLoop *loop, ev_sleep_bound_proc *proc) {
    loop->sleep_bound = proc;
}

EvCycleStats ev_cycle_stats(const EventLoop *loop) {
    return loop->stats;
}

void ev_cycle_stats_reset(EventLoop *loop) {
    memset(&loop->stats, 0, sizeof(loop->stats));
}

uint64_t ev_now_us(EventLoop *loop) {
    return loop->now_us;
}

void ev_stop(EventLoop *loop) {
    loop->stop = 1;
}

/* Milliseconds until the nearest timer (-1 when there is none), measured
 * from now, which is taken here: the moment the loop goes to sleep. */
static int nearest_timer_ms(EventLoop *loop, uint64_t now) {
    uint64_t best = UINT64_MAX;
    for (TimerEvent *t = loop->timers; t; t = t->next)
        if (!t->deleted && t->when_us < best) best = t->when_us;
    if (best == UINT64_MAX) return -1;
    if (best <= now) return 0;
    /* Round up so we never wake just before the timer is due. */
    return (int)((best - now + 999) / 1000);
}

static int process_timers(EventLoop *loop) {
    int processed = 0;
    long long max_id = loop->next_timer_id - 1;
    uint64_t now = loop->now_us = ev_monotonic_us();
    TimerEvent *prev = NULL, *t = loop->timers;
    while (t) {
        if (t->deleted) {
            TimerEvent *n = t->next;
            if (prev) prev->next = n;
            else loop->timers = n;
            mem_free(t);
            t = n;
            continue;
        }
        /* Timers created by this round's handlers wait for the next round. */
        if (t->id <= max_id && t->when_us <= now) {
            long long again = t->proc(loop, t->id, t->data);
            processed++;
            now = loop->now_us = ev_monotonic_us();
            if (again == EV_NOMORE) t->deleted = 1;
            else t->when_us = now + (uint64_t)again * 1000u;
        }
        prev = t;
        t = t->next;
    }
    return processed;
}

int ev_process(EventLoop *loop, int dont_wait) {
    /* The cycle ends here: one reading serves the timer wait and it. */
    uint64_t now = loop->now_us = ev_monotonic_us();
    if (loop->wake_us) {
        uint64_t awake = now - loop->wake_us;
        loop->stats.cycles++;
        loop->stats.awake_sum_us += awake;
        if (awake > loop->stats.awake_max_us) loop->stats.awake_max_us = awake;
    }
    int timeout = dont_wait ? 0 : nearest_timer_ms(loop, now);
    if (!dont_wait && loop->sleep_bound) {
        long long bound = loop->sleep_bound(loop);
        if (bound >= 0 && (timeout < 0 || bound < timeout)) timeout = bound > 1000000 ? 1000000 : (int)bound;
    }
    int n = backend_poll(loop, timeout);
    loop->wake_us = loop->now_us = ev_monotonic_us();
    int processed = 0;
    for (int i = 0; i < n; i++) {
        int fd = loop->fired[i].fd;
        int mask = loop->fired[i].mask;
        FileEvent *fe = &loop->events[fd];
        int fired = 0;
        int barrier = (fe->mask & EV_BARRIER) != 0;
        if (barrier && (fe->mask & mask & EV_WRITABLE)) {
            fe->wproc(loop, fd, fe->data, mask);
            fired = 1;
        }
        /* Each handler may have removed the fd or the other handler. */
        fe = &loop->events[fd];
        if (fe->mask & mask & EV_READABLE) {
            if (!fired || fe->wproc != fe->rproc) fe->rproc(loop, fd, fe->data, mask);
            fired = 1;
        }
        fe = &loop->events[fd];
        if (!barrier && (fe->mask & mask & EV_WRITABLE)) {
            if (!fired || fe->wproc != fe->rproc) fe->wproc(loop, fd, fe->data, mask);
        }
        processed++;
    }
    processed += process_timers(loop);
    return processed;
}

void ev_main(EventLoop *loop) {
    loop->stop = 0;
    while (!loop->stop) {
        if (loop->before_sleep) loop->before_sleep(loop);
        if (loop->stop) break;
        ev_process(loop, 0);
    }
}

