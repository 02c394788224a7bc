/* socket.c - TCP and Unix socket helpers (see socket.h). */
#include "socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void set_err(char *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SOCK_ERR_LEN, fmt, ap);
    va_end(ap);
}

int sock_set_nonblock(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) return -1;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int sock_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags == -1) return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int sock_set_nodelay(int fd, int on) {
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int sock_set_keepalive(int fd, int interval) {
    int yes = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) == -1) return -1;
#ifdef TCP_KEEPIDLE
    int idle = interval, intvl = interval / 3 ? interval / 3 : 1, cnt = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#else
    (void)interval;
#endif
    return 0;
}

/* The stream addresses for host:port (host NULL: the wildcard), or NULL
 * with err set. Free with freeaddrinfo. */
static struct addrinfo *resolve(const char *host, int port, int family, int flags, char *err) {
    struct addrinfo hints, *res = NULL;
    char portstr[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    snprintf(portstr, sizeof(portstr), "%d", port);
    int rv = getaddrinfo(host, portstr, &hints, &res);
    if (rv != 0) {
        set_err(err, "%s", gai_strerror(rv));
        return NULL;
    }
    return res;
}

int sock_tcp_listen(const char *addr, int port, int backlog, char *err) {
    struct addrinfo *res, *p;
    int fd = -1;
    int ipv6 = strchr(addr, ':') != NULL;
    const char *host = addr;
    if (strcmp(addr, "*") == 0 || strcmp(addr, "::*") == 0) host = NULL;
    res = resolve(host, port, ipv6 ? AF_INET6 : AF_INET, AI_PASSIVE | AI_NUMERICHOST, err);
    if (!res) return -1;
    for (p = res; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
        if (fd == -1) continue;
        int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
        if (bind(fd, p->ai_addr, p->ai_addrlen) == -1 || listen(fd, backlog) == -1) {
            set_err(err, "%s", strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        break;
    }
    if (fd == -1 && p == NULL && err && !err[0]) set_err(err, "unable to bind socket");
    freeaddrinfo(res);
    if (fd != -1) sock_set_nonblock(fd, 1);
    return fd;
}

/* A Unix stream socket and the address for path; -1 when path is too long
 * or no socket can be had. */
static int unix_socket(const char *path, struct sockaddr_un *sa, char *err) {
    if (strlen(path) >= sizeof(sa->sun_path)) {
        set_err(err, "unix socket path too long");
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        set_err(err, "socket: %s", strerror(errno));
        return -1;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    strcpy(sa->sun_path, path);
    return fd;
}

int sock_unix_listen(const char *path, mode_t perm, int backlog, char *err) {
    struct sockaddr_un sa;
    int fd = unix_socket(path, &sa, err);
    if (fd == -1) return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(fd, backlog) == -1) {
        set_err(err, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (perm) chmod(path, perm);
    sock_set_nonblock(fd, 1);
    return fd;
}

int sock_tcp_accept(int lfd, char *ip, size_t iplen, int *port, char *err) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int fd;
    do {
        fd = accept(lfd, (struct sockaddr *)&sa, &salen);
    } while (fd == -1 && errno == EINTR);
    if (fd == -1) {
        set_err(err, "accept: %s", strerror(errno));
        return -1;
    }
    sock_set_cloexec(fd);
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        if (ip) inet_ntop(AF_INET, &s->sin_addr, ip, (socklen_t)iplen);
        if (port) *port = ntohs(s->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        if (ip) inet_ntop(AF_INET6, &s->sin6_addr, ip, (socklen_t)iplen);
        if (port) *port = ntohs(s->sin6_port);
    } else {
        if (ip && iplen) ip[0] = '\0';
        if (port) *port = 0;
    }
    return fd;
}

int sock_unix_accept(int lfd, char *err) {
    return sock_tcp_accept(lfd, NULL, 0, NULL, err);
}

int sock_tcp_connect(const char *host, int port, int nonblock, char *err) {
    struct addrinfo *res = resolve(host, port, AF_UNSPEC, 0, err), *p;
    int fd = -1;
    if (!res) return -1;
    for (p = res; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
        if (fd == -1) continue;
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0) break;
        set_err(err, "%s", strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd == -1) return -1;
    sock_set_nodelay(fd, 1);
    if (nonblock) sock_set_nonblock(fd, 1);
    return fd;
}

int sock_unix_connect(const char *path, int nonblock, char *err) {
    struct sockaddr_un sa;
    int fd = unix_socket(path, &sa, err);
    if (fd == -1) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
        set_err(err, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (nonblock) sock_set_nonblock(fd, 1);
    return fd;
}

static int format_name(struct sockaddr_storage *sa, char *buf, size_t len) {
    char ip[INET6_ADDRSTRLEN];
    if (sa->ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
        return snprintf(buf, len, "%s:%d", ip, ntohs(s->sin_port));
    }
    if (sa->ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
        return snprintf(buf, len, "%s:%d", ip, ntohs(s->sin6_port));
    }
    if (sa->ss_family == AF_UNIX) {
        struct sockaddr_un *s = (struct sockaddr_un *)sa;
        return snprintf(buf, len, "%s:0", s->sun_path);
    }
    return snprintf(buf, len, "?:0");
}

/* "ip:port" of one end of fd: the peer's or our own. */
static int sock_name(int fd, char *buf, size_t len, int peer) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&sa, &salen) : getsockname(fd, (struct sockaddr *)&sa, &salen);
    if (rc == -1) {
        snprintf(buf, len, "?:0");
        return -1;
    }
    format_name(&sa, buf, len);
    return 0;
}

int sock_peer_name(int fd, char *buf, size_t len) {
    return sock_name(fd, buf, len, 1);
}

int sock_local_name(int fd, char *buf, size_t len) {
    return sock_name(fd, buf, len, 0);
}
