/* event_epoll.c - Linux epoll backend, included by event.c. */
#include <sys/epoll.h>
#include <unistd.h>

typedef struct EpollState {
    int epfd;
    struct epoll_event *events;
} EpollState;

static int backend_create(EventLoop *loop) {
    EpollState *st = mem_alloc(sizeof(*st));
    st->events = mem_alloc(sizeof(struct epoll_event) * (size_t)loop->cap);
    st->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epfd == -1) {
        mem_free(st->events);
        mem_free(st);
        return -1;
    }
    loop->backend = st;
    return 0;
}

static void backend_free(EventLoop *loop) {
    EpollState *st = loop->backend;
    close(st->epfd);
    mem_free(st->events);
    mem_free(st);
}

static int backend_resize(EventLoop *loop, int setsize) {
    EpollState *st = loop->backend;
    st->events = mem_realloc(st->events, sizeof(struct epoll_event) * (size_t)setsize);
    return 0;
}

static int backend_add(EventLoop *loop, int fd, int oldmask, int addmask) {
    EpollState *st = loop->backend;
    struct epoll_event ee = {0};
    int op = oldmask == EV_NONE ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int mask = oldmask | addmask;
    if (mask & EV_READABLE) ee.events |= EPOLLIN;
    if (mask & EV_WRITABLE) ee.events |= EPOLLOUT;
    ee.data.fd = fd;
    return epoll_ctl(st->epfd, op, fd, &ee);
}

static void backend_del(EventLoop *loop, int fd, int oldmask, int delmask) {
    EpollState *st = loop->backend;
    struct epoll_event ee = {0};
    int mask = oldmask & ~delmask;
    if (mask & EV_READABLE) ee.events |= EPOLLIN;
    if (mask & EV_WRITABLE) ee.events |= EPOLLOUT;
    ee.data.fd = fd;
    epoll_ctl(st->epfd, mask == EV_NONE ? EPOLL_CTL_DEL : EPOLL_CTL_MOD, fd, &ee);
}

static int backend_poll(EventLoop *loop, int timeout_ms) {
    EpollState *st = loop->backend;
    int n = epoll_wait(st->epfd, st->events, loop->cap, timeout_ms);
    if (n < 0) return 0;
    for (int i = 0; i < n; i++) {
        struct epoll_event *e = &st->events[i];
        int mask = 0;
        if (e->events & EPOLLIN) mask |= EV_READABLE;
        if (e->events & EPOLLOUT) mask |= EV_WRITABLE;
        /* Errors and hang-ups wake both sides so handlers see the failure. */
        if (e->events & (EPOLLERR | EPOLLHUP)) mask |= EV_READABLE | EV_WRITABLE;
        loop->fired[i].fd = e->data.fd;
        loop->fired[i].mask = mask;
    }
    return n;
}

const char *ev_backend_name(void) {
    return "epoll";
}
