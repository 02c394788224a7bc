/* event_kqueue.c - BSD/macOS kqueue backend, included by event.c. */
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

typedef struct KqueueState {
    int kqfd;
    struct kevent *events;
} KqueueState;

static int backend_create(EventLoop *loop) {
    KqueueState *st = mem_alloc(sizeof(*st));
    st->events = mem_alloc(sizeof(struct kevent) * (size_t)loop->cap);
    st->kqfd = kqueue();
    if (st->kqfd == -1) {
        mem_free(st->events);
        mem_free(st);
        return -1;
    }
    loop->backend = st;
    return 0;
}

static void backend_free(EventLoop *loop) {
    KqueueState *st = loop->backend;
    close(st->kqfd);
    mem_free(st->events);
    mem_free(st);
}

static int backend_resize(EventLoop *loop, int setsize) {
    KqueueState *st = loop->backend;
    st->events = mem_realloc(st->events, sizeof(struct kevent) * (size_t)setsize);
    return 0;
}

static int backend_add(EventLoop *loop, int fd, int oldmask, int addmask) {
    KqueueState *st = loop->backend;
    struct kevent ke;
    (void)oldmask;
    if (addmask & EV_READABLE) {
        EV_SET(&ke, fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
        if (kevent(st->kqfd, &ke, 1, NULL, 0, NULL) == -1) return -1;
    }
    if (addmask & EV_WRITABLE) {
        EV_SET(&ke, fd, EVFILT_WRITE, EV_ADD, 0, 0, NULL);
        if (kevent(st->kqfd, &ke, 1, NULL, 0, NULL) == -1) return -1;
    }
    return 0;
}

static void backend_del(EventLoop *loop, int fd, int oldmask, int delmask) {
    KqueueState *st = loop->backend;
    struct kevent ke;
    (void)oldmask;
    if (delmask & EV_READABLE) {
        EV_SET(&ke, fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
        kevent(st->kqfd, &ke, 1, NULL, 0, NULL);
    }
    if (delmask & EV_WRITABLE) {
        EV_SET(&ke, fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
        kevent(st->kqfd, &ke, 1, NULL, 0, NULL);
    }
}

static int backend_poll(EventLoop *loop, int timeout_ms) {
    KqueueState *st = loop->backend;
    struct timespec ts, *tsp = NULL;
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    int n = kevent(st->kqfd, NULL, 0, st->events, loop->cap, tsp);
    if (n < 0) return 0;
    /* kqueue reports read and write of one fd as two events; merge them. */
    int out = 0;
    for (int i = 0; i < n; i++) {
        int fd = (int)st->events[i].ident;
        int mask = st->events[i].filter == EVFILT_READ ? EV_READABLE : EV_WRITABLE;
        int j;
        for (j = 0; j < out; j++)
            if (loop->fired[j].fd == fd) break;
        if (j == out) {
            loop->fired[out].fd = fd;
            loop->fired[out].mask = 0;
            out++;
        }
        loop->fired[j].mask |= mask;
    }
    return out;
}

const char *ev_backend_name(void) {
    return "kqueue";
}
