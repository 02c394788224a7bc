/* tool_conn.c - blocking client connection for the tools (see tool_conn.h). */
#include "tool_conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../ds/alloc.h"
#include "../../net/event.h"
#include "../../net/socket.h"
#include "../../../deps/numconv/numconv.h"

int tool_connect(ToolConn *c, const char *host, int port, const char *unix_path, int timeout_ms) {
    char err[SOCK_ERR_LEN] = "";
    memset(c, 0, sizeof(*c));
    resp_reader_init(&c->reader);
    c->fd = unix_path ? sock_unix_connect(unix_path, 0, err) : sock_tcp_connect(host, port, 0, err);
    if (c->fd == -1) {
        if (unix_path) snprintf(c->err, sizeof(c->err), "Could not connect to Valkey at %.200s: %s", unix_path, err);
        else snprintf(c->err, sizeof(c->err), "Could not connect to Valkey at %.200s:%d: %s", host, port, err);
        return -1;
    }
    if (timeout_ms > 0) {
        struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    return 0;
}

void tool_close(ToolConn *c) {
    if (c->fd != -1) close(c->fd);
    c->fd = -1;
    resp_reader_free(&c->reader);
}

Str *tool_format_command(Str *out, int argc, const char **argv, const size_t *lens) {
    char num[NUMCONV_LL_BUF];
    out = str_cat(out, "*", 1);
    out = str_cat(out, num, ll_to_str(num, argc));
    out = str_cat(out, "\r\n", 2);
    for (int i = 0; i < argc; i++) {
        size_t len = lens ? lens[i] : strlen(argv[i]);
        out = str_cat(out, "$", 1);
        out = str_cat(out, num, ull_to_str(num, len));
        out = str_cat(out, "\r\n", 2);
        out = str_cat(out, argv[i], len);
        out = str_cat(out, "\r\n", 2);
    }
    return out;
}

int tool_write_all(ToolConn *c, const char *buf, size_t len) {
    while (len) {
        ssize_t n = write(c->fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            snprintf(c->err, sizeof(c->err), "Error writing to the server: %s", n == 0 ? "closed" : strerror(errno));
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int tool_read_reply(ToolConn *c, RespValue **out) {
    for (;;) {
        int rc = resp_reader_next(&c->reader, out);
        if (rc == RESP_READ_DONE) return 0;
        if (rc == RESP_READ_ERROR) {
            snprintf(c->err, sizeof(c->err), "%s", c->reader.err);
            return -1;
        }
        char *space = resp_reader_space(&c->reader, 16384);
        ssize_t n = read(c->fd, space, 16384);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) snprintf(c->err, sizeof(c->err), "Server closed the connection");
            else snprintf(c->err, sizeof(c->err), "Error reading from the server: %s", strerror(errno));
            return -1;
        }
        resp_reader_wrote(&c->reader, (size_t)n);
    }
}

int tool_command(ToolConn *c, RespValue **out, int argc, const char **argv, const size_t *lens) {
    Str *buf = tool_format_command(str_with_capacity(64), argc, argv, lens);
    int rc = tool_write_all(c, buf->buf, buf->len);
    str_free(buf);
    if (rc == -1) return -1;
    return tool_read_reply(c, out);
}

int tool_commandv(ToolConn *c, RespValue **out, ...) {
    const char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, out);
    const char *a;
    while (argc < 64 && (a = va_arg(ap, const char *)) != NULL) argv[argc++] = a;
    va_end(ap);
    return tool_command(c, out, argc, argv, NULL);
}
