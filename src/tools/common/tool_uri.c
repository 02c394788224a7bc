/* tool_uri.c - parses the -u URIs of the tools (see tool_uri.h).
 *
 * The authority is split at the last '@' (so a password may hold an
 * unencoded '@'), then at the first ':' of the user info; a host in
 * brackets is an IPv6 address. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tool_uri.h"
#include "../../ds/alloc.h"
#include "../../../deps/numconv/numconv.h"

static int uri_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *uri_decode(const char *p, size_t len) {
    char *out = mem_alloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '%' && i + 2 < len && uri_hex(p[i + 1]) >= 0 && uri_hex(p[i + 2]) >= 0) {
            *o++ = (char)(uri_hex(p[i + 1]) * 16 + uri_hex(p[i + 2]));
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

void tool_uri_free(ToolUri *u) {
    mem_free(u->host);
    mem_free(u->user);
    mem_free(u->pass);
    u->host = u->user = u->pass = NULL;
}

int tool_parse_uri(const char *uri, const char *tool, ToolUri *out, char *err, size_t errlen) {
    memset(out, 0, sizeof(*out));
    out->port = -1;
    out->dbnum = -1;
    const char *p;
    if (!strncasecmp(uri, "valkey://", 9)) p = uri + 9;
    else if (!strncasecmp(uri, "redis://", 8)) p = uri + 8;
    else if (!strncasecmp(uri, "valkeys://", 10) || !strncasecmp(uri, "rediss://", 9)) {
        snprintf(err, errlen, "Invalid URI scheme: TLS is not supported by this %s", tool);
        return -1;
    } else {
        snprintf(err, errlen, "Invalid URI scheme");
        return -1;
    }
    const char *end = p + strlen(p);
    const char *at = strrchr(p, '@');
    const char *slash = strchr(at ? at : p, '/');
    const char *hostend = slash ? slash : end;
    const char *hs = at ? at + 1 : p, *he = hostend, *portsep = NULL;
    if (*hs == '[') {
        const char *rb = memchr(hs, ']', (size_t)(hostend - hs));
        if (!rb) {
            snprintf(err, errlen, "Invalid URI: unbalanced '['");
            return -1;
        }
        if (rb + 1 < hostend && rb[1] == ':') portsep = rb + 1;
        hs++;
        he = rb;
    } else {
        portsep = memchr(hs, ':', (size_t)(hostend - hs));
        if (portsep) he = portsep;
    }
    if (portsep) {
        long long port;
        if (!str_to_ll(portsep + 1, (size_t)(hostend - portsep - 1), &port) || port < 0 || port > 65535) {
            snprintf(err, errlen, "Invalid URI: bad port");
            return -1;
        }
        out->port = (int)port;
    }
    if (slash && slash[1]) {
        long long db;
        if (!str_to_ll(slash + 1, strlen(slash + 1), &db) || db < 0 || db > 2147483647LL) {
            snprintf(err, errlen, "Invalid URI: bad database number");
            return -1;
        }
        out->dbnum = (int)db;
    }
    /* Nothing can fail from here on: allocate. */
    if (he > hs) out->host = mem_strndup(hs, (size_t)(he - hs));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            if (colon > p) out->user = uri_decode(p, (size_t)(colon - p));
            out->pass = uri_decode(colon + 1, (size_t)(at - colon - 1));
        } else {
            /* A lone word before '@' is the password (user "default"). */
            out->pass = uri_decode(p, (size_t)(at - p));
        }
    }
    return 0;
}
