/* tool_conn.h - a blocking client connection for the tools (valkey-cli,
 * valkey-benchmark): connect over TCP or a Unix socket, send commands as
 * RESP arrays, read replies with the shared reply reader.
 *
 * Invariant: replies come back in the order commands were sent; a reply
 * is read whole before it is returned. */
#ifndef TOOLS_TOOL_CONN_H
#define TOOLS_TOOL_CONN_H

#include <stddef.h>

#include "../../ds/str.h"
#include "../../net/resp_reader.h"

typedef struct ToolConn {
    int fd;
    RespReader reader;
    char err[512];
} ToolConn;

/* unix_path wins over host/port when not NULL. timeout_ms <= 0: none.
 * Returns 0, or -1 with conn->err set. */
int tool_connect(ToolConn *c, const char *host, int port, const char *unix_path, int timeout_ms);
void tool_close(ToolConn *c);
/* Appends one command as a RESP array to out (for pipelining). lens may
 * be NULL when every argument is a C string. */
Str *tool_format_command(Str *out, int argc, const char **argv, const size_t *lens);
/* Writes all of buf. Returns 0 or -1 with err set. */
int tool_write_all(ToolConn *c, const char *buf, size_t len);
/* Blocks until one whole reply is read. Returns 0 with *out set, or -1
 * with err set (connection closed, protocol error). */
int tool_read_reply(ToolConn *c, RespValue **out);
/* Sends one command and reads its reply. */
int tool_command(ToolConn *c, RespValue **out, int argc, const char **argv, const size_t *lens);
/* Like tool_command, but for a command given as words (no binary data):
 * tool_commandv(c, &reply, "AUTH", pass, NULL). */
int tool_commandv(ToolConn *c, RespValue **out, ...);

#endif
