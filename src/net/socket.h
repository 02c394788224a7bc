/* socket.h - TCP (IPv4/IPv6) and Unix socket helpers for listening,
 * accepting, connecting and tuning.  Errors come back as -1 with a
 * message in err (when err is not NULL). */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

#define SOCK_ERR_LEN 256
#define SOCK_ADDR_LEN 64 /* enough for "[ipv6]:port" */

/* addr is an IP address or "*" (IPv4 any) / "::*" (IPv6 any). */
int sock_tcp_listen(const char *addr, int port, int backlog, char *err);
int sock_unix_listen(const char *path, mode_t perm, int backlog, char *err);
/* Returns the new fd; ip/port describe the peer (ip may be NULL). */
int sock_tcp_accept(int fd, char *ip, size_t iplen, int *port, char *err);
int sock_unix_accept(int fd, char *err);
int sock_tcp_connect(const char *host, int port, int nonblock, char *err);
int sock_unix_connect(const char *path, int nonblock, char *err);
int sock_set_nonblock(int fd, int on);
int sock_set_cloexec(int fd);
int sock_set_nodelay(int fd, int on);
int sock_set_keepalive(int fd, int interval_sec);
/* "ip:port" of the peer or local end ("[::1]:port" style not used:
 * Valkey prints IPv6 as "::1:port"). Unix sockets give "path:0". */
int sock_peer_name(int fd, char *buf, size_t len);
int sock_local_name(int fd, char *buf, size_t len);

#endif
