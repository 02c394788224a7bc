/* event_poll.c - portable poll(2) backend, included by event.c where
 * neither epoll nor kqueue exists (or with -DEV_FORCE_POLL). */
#include <poll.h>

typedef struct PollState {
    struct pollfd *fds;
} PollState;

static int backend_create(EventLoop *loop) {
    PollState *st = mem_alloc(sizeof(*st));
    st->fds = mem_alloc(sizeof(struct pollfd) * (size_t)loop->cap);
    loop->backend = st;
    return 0;
}

static void backend_free(EventLoop *loop) {
    PollState *st = loop->backend;
    mem_free(st->fds);
    mem_free(st);
}

static int backend_resize(EventLoop *loop, int setsize) {
    PollState *st = loop->backend;
    st->fds = mem_realloc(st->fds, sizeof(struct pollfd) * (size_t)setsize);
    return 0;
}

/* The handler table in the loop is the source of truth; nothing to do. */
static int backend_add(EventLoop *loop, int fd, int oldmask, int addmask) {
    (void)loop; (void)fd; (void)oldmask; (void)addmask;
    return 0;
}

static void backend_del(EventLoop *loop, int fd, int oldmask, int delmask) {
    (void)loop; (void)fd; (void)oldmask; (void)delmask;
}

static int backend_poll(EventLoop *loop, int timeout_ms) {
    PollState *st = loop->backend;
    int nfds = 0;
    for (int fd = 0; fd <= loop->maxfd; fd++) {
        int mask = loop->events[fd].mask;
        if (!mask) continue;
        st->fds[nfds].fd = fd;
        st->fds[nfds].events = (short)(((mask & EV_READABLE) ? POLLIN : 0) | ((mask & EV_WRITABLE) ? POLLOUT : 0));
        st->fds[nfds].revents = 0;
        nfds++;
    }
    int r = poll(st->fds, (nfds_t)nfds, timeout_ms);
    if (r <= 0) return 0;
    int out = 0;
    for (int i = 0; i < nfds; i++) {
        short re = st->fds[i].revents;
        if (!re) continue;
        int mask = 0;
        if (re & POLLIN) mask |= EV_READABLE;
        if (re & POLLOUT) mask |= EV_WRITABLE;
        if (re & (POLLERR | POLLHUP | POLLNVAL)) mask |= EV_READABLE | EV_WRITABLE;
        loop->fired[out].fd = st->fds[i].fd;
        loop->fired[out].mask = mask;
        out++;
    }
    return out;
}

const char *ev_backend_name(void) {
    return "poll";
}
