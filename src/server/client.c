/* client.c - client connections: accepting, reading and parsing requests,
 * writing replies, closing, and the per-client cron.
 *
 * Invariants:
 *  - a client is freed only outside its own command (CLIENT_CLOSE_ASAP
 *    defers it to before_sleep), so a handler never sees a freed client;
 *  - a blocked client (blocked.c) reads no further commands: the rest of
 *    its input waits in the query buffer until its command completes;
 *  - input is read into one buffer shared by every client (shared_qbuf)
 *    and processed there; what is left unprocessed (a partial command, or
 *    a pipeline behind a blocked command) moves to a buffer the client
 *    owns, sized to it; later reads are appended to that buffer (a big
 *    bulk is read into it directly), and once it empties it is freed.
 *    So an idle client owns no input buffer (qbuf=0 in CLIENT LIST), a
 *    client trickling in a partial command owns about what it sent, and
 *    the shared buffer is only in use inside one read_handler call
 *    (nothing that runs there reads for another client);
 *  - the query buffer holds unprocessed bytes from qbuf[parser.start] on;
 *    processed bytes are dropped after each read, so its size is bounded
 *    by one request plus one read (and client-query-buffer-limit);
 *  - a socket write never blocks: what the kernel does not take stays
 *    queued and a write handler finishes it;
 *  - clients_cron visits a bounded number of clients per call (every
 *    client about once a second), so no timer tick costs time in
 *    proportion to the number of connections. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"
#include "multi.h"
#include "pubsub.h"
#include "reply.h"
#include "tracking.h"
#include "../net/socket.h"

#define READ_CHUNK (16 * 1024)
#define MAX_WRITE_PER_EVENT (1024 * 1024)
/* clients_cron visits at least this many clients per call. */
#define CLIENTS_CRON_MIN_VISITS 5

/* The read buffer every client shares (see the invariants above). */
static char *shared_qbuf;

static void read_handler(EventLoop *loop, int fd, void *data, int mask);
static void write_handler(EventLoop *loop, int fd, void *data, int mask);

Client *client_create(int fd, uint64_t flags) {
    Client *c = mem_calloc(sizeof(*c));
    c->id = ++server.next_client_id;
    c->fd = fd;
    c->flags = flags;
    c->resp = server.cfg.client_default_resp;
    c->db = &server.dbs[0];
    c->ctime_ms = c->last_interaction_ms = c->obuf_peak_ms = server.now_ms;
    resp_parser_init(&c->parser);
    if (!server.cfg.requirepass) c->flags |= CLIENT_AUTHENTICATED;
    if (fd != -1) {
        sock_set_nonblock(fd, 1);
        if (!(flags & CLIENT_UNIX_SOCKET)) {
            sock_set_nodelay(fd, 1);
            if (server.cfg.tcp_keepalive) sock_set_keepalive(fd, server.cfg.tcp_keepalive);
        }
        if (ev_add_file(server.loop, fd, EV_READABLE, read_handler, c) == -1) {
            mem_free(c);
            return NULL;
        }
        sock_peer_name(fd, c->addr, sizeof(c->addr));
        sock_local_name(fd, c->laddr, sizeof(c->laddr));
    }
    c->next = server.clients;
    if (server.clients) server.clients->prev = c;
    server.clients = c;
    server.client_count++;
    return c;
}

static void unlink_from(Client **head, Client *c, size_t next_off) {
    Client **pp = head;
    while (*pp) {
        if (*pp == c) {
            *pp = *(Client **)((char *)c + next_off);
            return;
        }
        pp = (Client **)((char *)*pp + next_off);
    }
}

void client_free(Client *c) {
    if (server.current_client == c) {
        client_close_async(c);
        return;
    }
    if (c->fd != -1) {
        ev_del_file(server.loop, c->fd, EV_READABLE | EV_WRITABLE);
        close(c->fd);
        c->fd = -1;
    }
    if (c->flags & CLIENT_PENDING_WRITE) unlink_from(&server.pending_writes, c, offsetof(Client, pending_next));
    if (c->flags & CLIENT_CLOSE_ASAP) unlink_from(&server.clients_to_close, c, offsetof(Client, close_next));
    if (c->monitor_slot) monitor_remove(c);
    unblock_client(c, UNBLOCK_FREE);
    pubsub_client_free(c);
    multi_client_free(c);
    if (server.tracking_clients) tracking_client_free(c);
    if (server.clients_cron_next == c) server.clients_cron_next = c->next;
    if (c->prev) c->prev->next = c->next;
    else server.clients = c->next;
    if (c->next) c->next->prev = c->prev;
    server.client_count--;
    ReplyBlock *b = c->reply_head;
    while (b) {
        ReplyBlock *n = b->next;
        mem_free(b);
        b = n;
    }
    resp_parser_free(&c->parser);
    if (!(c->flags & CLIENT_SHARED_QBUF)) mem_free(c->qbuf);
    mem_free(c->argv);
    mem_free(c->obuf);
    if (c->name) str_free(c->name);
    if (c->lib_name) str_free(c->lib_name);
    if (c->lib_ver) str_free(c->lib_ver);
    mem_free(c);
}

void client_close_async(Client *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    c->close_next = server.clients_to_close;
    server.clients_to_close = c;
}

/* Closing a connection is kernel work (a TCP teardown), so a storm of
 * disconnections is closed a slice at a time: at most
 * CLOSE_BUDGET_US per call (checked every CLOSE_CHECK_EVERY clients);
 * the loop does not sleep while some are left (server.c's sleep bound),
 * and replies of the same iteration went out before this ran. */
#define CLOSE_BUDGET_US 1000
#define CLOSE_CHECK_EVERY 32

void clients_close_pending(void) {
    uint64_t start = 0;
    for (int n = 1; server.clients_to_close; n++) {
        Client *c = server.clients_to_close;
        server.clients_to_close = c->close_next;
        c->flags &= ~CLIENT_CLOSE_ASAP;
        if (server.current_client == c) server.current_client = NULL;
        client_free(c);
        if (n % CLOSE_CHECK_EVERY == 0) {
            uint64_t now = ev_monotonic_us();
            if (!start) start = now;
            else if (now - start > CLOSE_BUDGET_US) break;
        }
    }
}

/* The peer hung up (or the connection failed): stop watching the socket
 * now, close it with the next slice of closes. */
static void client_gone(Client *c) {
    if (c->fd != -1) {
        ev_del_file(server.loop, c->fd, EV_READABLE | EV_WRITABLE);
        c->flags &= ~CLIENT_WRITE_HANDLER;
    }
    client_close_async(c);
}

/* requirepass changed.  Without a password the default user needs none,
 * so (as in Valkey) a connection that never authenticated gets through:
 * it is marked CLIENT_AUTH_NOPASS, and loses that again once a password
 * is set.  Connections that authenticated, or that connected while no
 * password was set, stay in either way. */
void clients_password_changed(void) {
    int nopass = server.cfg.requirepass == NULL;
    for (Client *c = server.clients; c; c = c->next) {
        if (nopass) {
            if (!(c->flags & CLIENT_AUTHENTICATED)) c->flags |= CLIENT_AUTHENTICATED | CLIENT_AUTH_NOPASS;
        } else if (c->flags & CLIENT_AUTH_NOPASS) {
            c->flags &= ~(CLIENT_AUTHENTICATED | CLIENT_AUTH_NOPASS);
        }
    }
}

void client_select_db(Client *c, int id) {
    c->db = &server.dbs[id];
}

size_t client_output_bytes(Client *c) {
    return c->reply_bytes + c->opos;
}

/* ------------------------------------------------------------- writing */

static int has_pending_output(Client *c) {
    return c->opos > 0 || c->reply_head != NULL;
}

/* Writes as much as the socket takes. Returns -1 if the client was freed. */
static int client_write(Client *c) {
    size_t total = 0;
    if (c->opos > c->obuf_peak) c->obuf_peak = c->opos;
    while (has_pending_output(c)) {
        const char *p;
        size_t len;
        if (c->opos > 0) {
            p = c->obuf + c->sent;
            len = c->opos - c->sent;
        } else {
            p = c->reply_head->buf + c->sent;
            len = c->reply_head->used - c->sent;
            if (len == 0) {
                /* A deferred length's header block is empty until its
                 * length is set; never send an empty piece. */
                ReplyBlock *b = c->reply_head;
                c->reply_head = b->next;
                if (!c->reply_head) c->reply_tail = NULL;
                c->sent = 0;
                mem_free(b);
                continue;
            }
        }
        /* send()/recv() rather than write()/read(): on a socket they skip
         * the generic file layer, a measurable share of a small request. */
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            if (n == -1 && errno == EINTR) continue;
            server_log(LL_VERBOSE, "Error writing to client: %s", n == 0 ? "connection closed" : strerror(errno));
            client_free(c);
            return -1;
        }
        c->sent += (size_t)n;
        total += (size_t)n;
        c->net_out += (uint64_t)n;
        server.stat.net_output_bytes += (uint64_t)n;
        if (c->opos > 0) {
            if (c->sent == c->opos) {
                c->opos = 0;
                c->sent = 0;
            }
        } else if (c->sent == c->reply_head->used) {
            ReplyBlock *b = c->reply_head;
            c->reply_head = b->next;
            if (!c->reply_head) c->reply_tail = NULL;
            c->reply_bytes -= b->used;
            c->sent = 0;
            mem_free(b);
        }
        /* Be fair to other clients, unless memory is tight. */
        if (total > MAX_WRITE_PER_EVENT && !(server.cfg.maxmemory && mem_used() > server.cfg.maxmemory)) break;
    }
    server.stat.total_writes++;
    if (total) c->last_interaction_ms = server.now_ms;
    if (!has_pending_output(c)) {
        if (c->flags & CLIENT_WRITE_HANDLER) {
            ev_del_file(server.loop, c->fd, EV_WRITABLE);
            c->flags &= ~CLIENT_WRITE_HANDLER;
        }
        if (c->flags & CLIENT_CLOSE_AFTER_REPLY) {
            client_free(c);
            return -1;
        }
    }
    return 0;
}

static void write_handler(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop;
    (void)fd;
    (void)mask;
    client_write(data);
}

void clients_write_pending(void) {
    while (server.pending_writes) {
        Client *c = server.pending_writes;
        server.pending_writes = c->pending_next;
        c->flags &= ~CLIENT_PENDING_WRITE;
        if (c->flags & CLIENT_CLOSE_ASAP || c->fd == -1) continue;
        if (client_write(c) == -1) continue;
        if (has_pending_output(c) && !(c->flags & CLIENT_WRITE_HANDLER)) {
            /* With fsync on every write, a reply must never leave in the
             * iteration that read its command before before_sleep made the
             * write durable: the barrier runs the write handler first. */
            int barrier = server.prop.active && server.cfg.appendfsync == APPENDFSYNC_ALWAYS ? EV_BARRIER : 0;
            if (ev_add_file(server.loop, c->fd, EV_WRITABLE | barrier, write_handler, c) == 0)
                c->flags |= CLIENT_WRITE_HANDLER;
        }
    }
}

/* ------------------------------------------------------------- reading */

static void protocol_error(Client *c) {
    server_log(LL_VERBOSE, "%s from client: id=%llu addr=%s", c->parser.err, (unsigned long long)c->id, c->addr);
    reply_error(c, c->parser.err);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* Runs every complete request in the query buffer, until the client is
 * blocked (its command then owns a copy of its arguments, so the buffer
 * can be compacted or let go below) or closing. */
static void process_input(Client *c) {
    RespParser *p = &c->parser;
    while (c->qlen && !(c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_BLOCKED))) {
        p->unauthenticated = !(c->flags & CLIENT_AUTHENTICATED);
        p->max_bulk = server.cfg.proto_max_bulk_len;
        int r = resp_parse(p, c->qbuf, c->qlen);
        if (r == RESP_PARSE_MORE) break;
        if (r == RESP_PARSE_ERROR) {
            protocol_error(c);
            break;
        }
        if (r == RESP_PARSE_EMPTY) {
            resp_parser_reset(p, p->pos);
            continue;
        }
        if ((int)p->argc > c->argv_cap) {
            c->argv_cap = (int)p->argc;
            c->argv = mem_realloc(c->argv, sizeof(Arg) * (size_t)c->argv_cap);
        }
        for (size_t i = 0; i < p->argc; i++) {
            c->argv[i].p = c->qbuf + p->args[i].off;
            c->argv[i].len = p->args[i].len;
        }
        c->argc = (int)p->argc;
        size_t next = p->pos;
        server.current_client = c;
        process_command(c);
        server.current_client = NULL;
        c->argc = 0;
        resp_parser_reset(p, next);
    }
}

/* After processing: drops the processed bytes.  Input still pending moves
 * out of the shared buffer into one the client owns (its size, or all of
 * a bulk already announced); an emptied buffer of the client's own is
 * freed. */
static void input_settle_slow(Client *c);

static inline void input_settle(Client *c) {
    /* The common case: all of it processed in the shared buffer. */
    if ((c->flags & (CLIENT_SHARED_QBUF | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) == CLIENT_SHARED_QBUF &&
        c->parser.start == c->qlen) {
        c->flags &= ~CLIENT_SHARED_QBUF;
        c->qbuf = NULL;
        c->qcap = c->qlen = 0;
        resp_parser_reset(&c->parser, 0);
        return;
    }
    input_settle_slow(c);
}

static void input_settle_slow(Client *c) {
    RespParser *p = &c->parser;
    if (c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) {
        /* Nothing more will be read from this client. */
        resp_parser_reset(p, 0);
        c->qlen = 0;
    }
    size_t keep = c->qlen - p->start;
    if (c->flags & CLIENT_SHARED_QBUF) {
        c->flags &= ~CLIENT_SHARED_QBUF;
        char *shared = c->qbuf;
        c->qbuf = NULL;
        c->qcap = 0;
        if (keep) {
            /* What is pending, or all of a bulk already announced. */
            size_t cap = keep;
            size_t want = p->want_total > p->start ? p->want_total - p->start : 0;
            if (want > cap) cap = want;
            c->qbuf = mem_alloc(cap);
            c->qcap = cap;
            memcpy(c->qbuf, shared + p->start, keep);
        }
    } else if (keep == 0) {
        mem_free(c->qbuf);
        c->qbuf = NULL;
        c->qcap = 0;
    } else if (p->start) {
        memmove(c->qbuf, c->qbuf + p->start, keep);
    }
    c->qlen = keep;
    if (p->start) resp_parser_shift(p, p->start);
}

void client_resume_input(Client *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    process_input(c);
    input_settle(c);
}

size_t client_qbuf_owned(const Client *c) {
    return (c->flags & CLIENT_SHARED_QBUF) ? 0 : c->qcap;
}

/* ------------------------------------------------------ owned commands */

Arg *argv_dup(const Arg *argv, int argc) {
    size_t bytes = sizeof(Arg) * (size_t)argc;
    for (int i = 0; i < argc; i++) bytes += argv[i].len + 1;
    Arg *copy = mem_alloc(bytes ? bytes : 1);
    char *p = (char *)(copy + argc);
    for (int i = 0; i < argc; i++) {
        memcpy(p, argv[i].p, argv[i].len);
        p[argv[i].len] = '\0';
        copy[i].p = p;
        copy[i].len = argv[i].len;
        p += argv[i].len + 1;
    }
    return copy;
}

/* Grows the client's own buffer to hold at least need bytes: by half
 * again at least, so a client trickling bytes in does not reallocate on
 * every read. */
static void qbuf_reserve(Client *c, size_t need) {
    if (need <= c->qcap) return;
    size_t cap = c->qcap + c->qcap / 2;
    if (cap < need) cap = need;
    c->qbuf = mem_realloc(c->qbuf, cap);
    c->qcap = cap;
}

static void read_handler(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop;
    (void)mask;
    Client *c = data;
    if (!shared_qbuf) shared_qbuf = mem_alloc(READ_CHUNK);
    ssize_t n;
    if (c->qlen && (c->parser.want_total > c->qlen + READ_CHUNK || c->qcap - c->qlen >= READ_CHUNK)) {
        /* A big bulk is on its way (the buffer is sized for all of it at
         * once), or the client's own buffer has a read's room anyway
         * (a busy pipeline): read straight into it. */
        qbuf_reserve(c, c->parser.want_total);
        n = recv(fd, c->qbuf + c->qlen, c->qcap - c->qlen, 0);
    } else {
        n = recv(fd, shared_qbuf, READ_CHUNK, 0);
        if (n > 0) {
            if (c->qlen == 0) {
                /* Nothing pending: process in the shared buffer. */
                c->qbuf = shared_qbuf;
                c->qcap = READ_CHUNK;
                c->flags |= CLIENT_SHARED_QBUF;
            } else {
                /* A partial command is pending: append to it. */
                qbuf_reserve(c, c->qlen + (size_t)n);
                memcpy(c->qbuf + c->qlen, shared_qbuf, (size_t)n);
            }
        }
    }
    if (n <= 0) {
        if (n == -1 && (errno == EAGAIN || errno == EINTR)) return;
        if (n == 0) server_log(LL_VERBOSE, "Client closed connection id=%llu addr=%s", (unsigned long long)c->id, c->addr);
        else server_log(LL_VERBOSE, "Reading from client: %s", strerror(errno));
        client_gone(c);
        return;
    }
    c->qlen += (size_t)n;
    c->net_in += (uint64_t)n;
    server.stat.net_input_bytes += (uint64_t)n;
    server.stat.total_reads++;
    c->last_interaction_ms = server.now_ms;
    if (c->qlen > c->qbuf_peak) c->qbuf_peak = c->qlen;
    if (server.cfg.client_query_buffer_limit && c->qlen > server.cfg.client_query_buffer_limit) {
        server_log(LL_WARNING, "Closing client that reached max query buffer length: id=%llu addr=%s qbuf=%zu",
                   (unsigned long long)c->id, c->addr, c->qlen);
        server.stat.qbuf_limit_disconnections++;
        client_free(c);
        return;
    }
    process_input(c);
    input_settle(c);
}

/* ----------------------------------------------------------- accepting */

static int is_loopback(const char *ip) {
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

static void accept_common(int fd, int flags, const char *ip) {
    if (server.client_count >= server.cfg.maxclients) {
        static const char msg[] = "-ERR max number of clients reached\r\n";
        if (write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */ }
        server.stat.rejected_connections++;
        close(fd);
        return;
    }
    /* Protected mode (Valkey 8): with no password for the default user,
     * only loopback and Unix socket clients are served, whatever "bind"
     * says. */
    if (ip && server.cfg.protected_mode && !server.cfg.requirepass && !is_loopback(ip)) {
        static const char msg[] =
            "-DENIED Running in protected mode because protected mode is enabled and no password is set for the "
            "default user. In this mode connections are only accepted from the loopback interface. If you want to "
            "connect from external computers you may adopt one of the following solutions: 1) Just disable "
            "protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by "
            "connecting from the same host the server is running, however MAKE SURE the server is not publicly "
            "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
            "Alternatively you can just disable the protected mode by editing the configuration file, and setting "
            "the protected mode option to 'no', and then restarting the server. 3) If you started the server "
            "manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
            "authentication password for the default user. NOTE: You only need to do one of the above things in "
            "order for the server to start accepting connections from the outside.\r\n";
        if (write(fd, msg, sizeof(msg) - 1) < 0) { /* best effort */ }
        server.stat.rejected_connections++;
        close(fd);
        return;
    }
    Client *c = client_create(fd, flags);
    if (!c) {
        server_log(LL_WARNING, "Error registering fd event for the new client: %s (fd=%d)", strerror(errno), fd);
        close(fd);
        return;
    }
    server.stat.connections_received++;
    server_log(LL_VERBOSE, "Accepted %s", c->addr);
}

static void tcp_accept_handler(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop;
    (void)data;
    (void)mask;
    char ip[64], err[SOCK_ERR_LEN];
    int port;
    /* Accepting is work done before anyone else is served in that loop
     * iteration: a storm of connections is taken in slices
     * (max-new-connections-per-cycle), the rest in the next iterations. */
    for (unsigned int i = 0; i < server.cfg.max_new_conns_per_cycle; i++) {
        int cfd = sock_tcp_accept(fd, ip, sizeof(ip), &port, err);
        if (cfd == -1) {
            if (errno != EWOULDBLOCK && errno != EAGAIN) server_log(LL_WARNING, "Accepting client connection: %s", err);
            return;
        }
        accept_common(cfd, 0, ip);
    }
}

static void unix_accept_handler(EventLoop *loop, int fd, void *data, int mask) {
    (void)loop;
    (void)data;
    (void)mask;
    char err[SOCK_ERR_LEN];
    for (unsigned int i = 0; i < server.cfg.max_new_conns_per_cycle; i++) {
        int cfd = sock_unix_accept(fd, err);
        if (cfd == -1) {
            if (errno != EWOULDBLOCK && errno != EAGAIN) server_log(LL_WARNING, "Accepting client connection: %s", err);
            return;
        }
        accept_common(cfd, CLIENT_UNIX_SOCKET, NULL);
    }
}

void accept_close_listeners(void) {
    for (int i = 0; i < server.listen_count; i++) {
        ev_del_file(server.loop, server.listen_fds[i], EV_READABLE);
        close(server.listen_fds[i]);
    }
    server.listen_count = 0;
    if (server.unix_fd != -1) {
        ev_del_file(server.loop, server.unix_fd, EV_READABLE);
        close(server.unix_fd);
        server.unix_fd = -1;
        if (server.cfg.unixsocket) unlink(server.cfg.unixsocket);
    }
}

/* Opens every configured listener into fds; on failure closes what it
 * opened and returns -1 with a message in err. */
static int open_tcp_listeners(int *fds, int *count, char *errbuf, size_t errlen) {
    *count = 0;
    if (server.cfg.port == 0) return 0;
    for (int i = 0; i < server.cfg.bind_count; i++) {
        const char *addr = server.cfg.bind[i];
        int optional = addr[0] == '-';
        if (optional) addr++;
        char err[SOCK_ERR_LEN] = "";
        int fd = sock_tcp_listen(addr, server.cfg.port, server.cfg.tcp_backlog, err);
        if (fd == -1) {
            if (optional) continue;
            snprintf(errbuf, errlen, "Failed listening on port %d (tcp), aborting. %s:%d: %s",
                     server.cfg.port, addr, server.cfg.port, err);
            for (int j = 0; j < *count; j++) close(fds[j]);
            *count = 0;
            return -1;
        }
        fds[(*count)++] = fd;
    }
    return 0;
}

int accept_init_listeners(void) {
    char err[512];
    int fds[CONFIG_MAX_BIND], count;
    if (open_tcp_listeners(fds, &count, err, sizeof(err)) == -1) {
        server_log(LL_WARNING, "%s", err);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        server.listen_fds[i] = fds[i];
        ev_add_file(server.loop, fds[i], EV_READABLE, tcp_accept_handler, NULL);
    }
    server.listen_count = count;
    if (server.cfg.unixsocket && server.cfg.unixsocket[0]) {
        char uerr[SOCK_ERR_LEN];
        int fd = sock_unix_listen(server.cfg.unixsocket, (mode_t)server.cfg.unixsocketperm, server.cfg.tcp_backlog, uerr);
        if (fd == -1) {
            server_log(LL_WARNING, "Failed opening Unix socket: %s", uerr);
            return -1;
        }
        server.unix_fd = fd;
        ev_add_file(server.loop, fd, EV_READABLE, unix_accept_handler, NULL);
    }
    if (server.listen_count == 0 && server.unix_fd == -1) {
        server_log(LL_WARNING, "Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

/* CONFIG SET bind/port: the old sockets must be closed first, since the
 * new set usually reuses an address:port of the old one.  On failure the
 * server has no TCP listener until the config layer rolls the values back
 * and calls this again, which reopens the old set. */
int server_apply_listeners(char **errp) {
    char err[512];
    int fds[CONFIG_MAX_BIND], count;
    for (int i = 0; i < server.listen_count; i++) {
        ev_del_file(server.loop, server.listen_fds[i], EV_READABLE);
        close(server.listen_fds[i]);
    }
    server.listen_count = 0;
    if (open_tcp_listeners(fds, &count, err, sizeof(err)) == -1) {
        if (errp) *errp = mem_strdup(err);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        server.listen_fds[i] = fds[i];
        ev_add_file(server.loop, fds[i], EV_READABLE, tcp_accept_handler, NULL);
    }
    server.listen_count = count;
    if (server.unix_fd != -1 && server.cfg.unixsocket) chmod(server.cfg.unixsocket, (mode_t)server.cfg.unixsocketperm);
    return 0;
}

/* ------------------------------------------------------------------ cron */

/* One client's periodic work: the idle timeout, the reply chunk. */
static void client_cron_one(Client *c, int64_t idle_limit_ms) {
    if (c->flags & CLIENT_CLOSE_ASAP) return; /* about to go anyway */
    /* Clients waiting on purpose (blocked, subscribed) are not idle. */
    if (idle_limit_ms && !(c->flags & (CLIENT_BLOCKED | CLIENT_PUBSUB)) &&
        server.now_ms - c->last_interaction_ms > idle_limit_ms) {
        server_log(LL_VERBOSE, "Closing idle client");
        client_free(c);
        return;
    }
    client_obuf_cron(c);
}

/* Visits clients_count / hz clients (at least a few) per call, going on
 * where the last call stopped, so every client is visited about once a
 * second whatever their number, at a cost per tick that does not grow
 * with it faster than the work itself. */
void clients_cron(void) {
    uint64_t n = server.client_count;
    if (n == 0) return;
    uint64_t visits = n / (uint64_t)server.cfg.hz;
    if (visits < CLIENTS_CRON_MIN_VISITS) visits = n < CLIENTS_CRON_MIN_VISITS ? n : CLIENTS_CRON_MIN_VISITS;
    int64_t idle_limit = (int64_t)server.cfg.timeout * 1000;
    while (visits--) {
        Client *c = server.clients_cron_next ? server.clients_cron_next : server.clients;
        if (!c) break;
        server.clients_cron_next = c->next;
        client_cron_one(c, idle_limit);
    }
}

size_t clients_buffer_memory(void) {
    size_t total = 0;
    for (Client *c = server.clients; c; c = c->next) total += client_qbuf_owned(c) + c->reply_bytes + c->obuf_size;
    return total;
}
