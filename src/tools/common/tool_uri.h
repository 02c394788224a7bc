/* tool_uri.h - the -u URIs valkey-cli and valkey-benchmark take:
 * valkey://[[user]:password@]host[:port][/db], or redis://.  The TLS
 * schemes (valkeys://, rediss://) are refused: these tools have no TLS.
 * User and password may be percent-encoded.
 *
 * Invariant: a field the URI does not give is left as "absent" (NULL or
 * -1), so the caller's defaults and earlier options stay in force. */
#ifndef TOOLS_TOOL_URI_H
#define TOOLS_TOOL_URI_H

#include <stddef.h>

typedef struct ToolUri {
    char *host;  /* mem_alloc'ed, or NULL */
    int port;    /* -1: absent */
    char *user;  /* mem_alloc'ed, or NULL (then AUTH takes the password alone) */
    char *pass;  /* mem_alloc'ed, or NULL */
    int dbnum;   /* -1: absent */
} ToolUri;

/* Parses uri into *out. tool names the program in the TLS refusal.
 * Returns 0, or -1 with err set (and nothing allocated). */
int tool_parse_uri(const char *uri, const char *tool, ToolUri *out, char *err, size_t errlen);

/* Frees what tool_parse_uri allocated. */
void tool_uri_free(ToolUri *u);

#endif
