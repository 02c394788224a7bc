/* cli_uri.c - parses -u URIs: valkey://[[user]:password@]host[:port][/db]
 * (also redis://; the TLS schemes valkeys:// and rediss:// are refused
 * because this build has no TLS).  User and password may be
 * percent-encoded.  The parsed strings live until the process exits. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "../../ds/alloc.h"
#include "../../../deps/numconv/numconv.h"

static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *decode(const char *p, size_t len) {
    char *out = mem_alloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '%' && i + 2 < len && hexv(p[i + 1]) >= 0 && hexv(p[i + 2]) >= 0) {
            *o++ = (char)(hexv(p[i + 1]) * 16 + hexv(p[i + 2]));
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

int cli_parse_uri(const char *uri, char *err, size_t errlen) {
    const char *p;
    if (!strncasecmp(uri, "valkey://", 9)) p = uri + 9;
    else if (!strncasecmp(uri, "redis://", 8)) p = uri + 8;
    else if (!strncasecmp(uri, "valkeys://", 10) || !strncasecmp(uri, "rediss://", 9)) {
        snprintf(err, errlen, "Invalid URI scheme: TLS is not supported by this valkey-cli");
        return -1;
    } else {
        snprintf(err, errlen, "Invalid URI scheme");
        return -1;
    }
    const char *end = p + strlen(p);
    const char *at = strrchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            if (colon > p) cli_cfg.user = decode(p, (size_t)(colon - p));
            cli_cfg.pass = decode(colon + 1, (size_t)(at - colon - 1));
        } else {
            /* A lone word before '@' is the password (user "default"). */
            cli_cfg.pass = decode(p, (size_t)(at - p));
        }
        p = at + 1;
    }
    const char *slash = strchr(p, '/');
    const char *hostend = slash ? slash : end;
    const char *portsep = NULL;
    const char *hs = p, *he = hostend;
    if (*p == '[') {
        /* [ipv6]:port */
        const char *rb = memchr(p, ']', (size_t)(hostend - p));
        if (!rb) {
            snprintf(err, errlen, "Invalid URI: unbalanced '['");
            return -1;
        }
        hs = p + 1;
        he = rb;
        if (rb + 1 < hostend && rb[1] == ':') portsep = rb + 1;
    } else {
        portsep = memchr(p, ':', (size_t)(hostend - p));
        if (portsep) he = portsep;
    }
    if (he > hs) cli_cfg.host = mem_strndup(hs, (size_t)(he - hs));
    if (portsep) {
        long long port;
        if (!str_to_ll(portsep + 1, (size_t)(hostend - portsep - 1), &port) || port < 0 || port > 65535) {
            snprintf(err, errlen, "Invalid URI: bad port");
            return -1;
        }
        cli_cfg.port = (int)port;
    }
    if (slash && slash[1]) {
        long long db;
        if (!str_to_ll(slash + 1, strlen(slash + 1), &db) || db < 0 || db > 2147483647LL) {
            snprintf(err, errlen, "Invalid URI: bad database number");
            return -1;
        }
        cli_cfg.dbnum = (int)db;
    }
    return 0;
}
