/* supervise.c - living under a service manager: systemd readiness
 * notification (sd_notify's datagram protocol, written here so no
 * libsystemd is needed), upstart's SIGSTOP handshake, the kernel's OOM
 * score (oom-score-adj, oom-score-adj-values) and the process title shown
 * by ps (set-proc-title, proc-title-template).
 *
 * Invariants:
 *  - supervision is decided once at start-up (supervised is immutable);
 *    with "auto" the environment decides: UPSTART_JOB means upstart,
 *    NOTIFY_SOCKET means systemd;
 *  - the OOM score base value is read from /proc the first time we change
 *    it, so "oom-score-adj no" can put back what we were started with;
 *  - the process title is written over the memory of argv and of the
 *    environment strings that follow it; the environment is copied to the
 *    heap first, so getenv() keeps working. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server.h"

extern char **environ;

static int supervised_mode; /* SUPERVISED_NO, _UPSTART or _SYSTEMD once decided */

/* ------------------------------------------------------------ systemd */

/* Sends one sd_notify message. Returns 1 when sent, 0 when there is no
 * socket to send to, -1 on error (logged). */
static int systemd_notify(const char *msg) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !path[0]) return 0;
    size_t plen = strlen(path);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sa.sun_path)) {
        server_log(LL_WARNING, "NOTIFY_SOCKET is not a usable socket path: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, plen);
    /* A leading '@' names a socket in the abstract namespace. */
    if (path[0] == '@') sa.sun_path[0] = '\0';
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + (path[0] == '@' ? 0 : 1));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        server_log(LL_WARNING, "Can't create a socket to notify systemd: %s", strerror(errno));
        return -1;
    }
    ssize_t n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
    int saved = errno;
    close(fd);
    if (n == -1) {
        server_log(LL_WARNING, "Can't notify systemd (%s): %s", path, strerror(saved));
        return -1;
    }
    return 1;
}

void supervise_init(void) {
    int mode = server.cfg.supervised;
    if (mode == SUPERVISED_AUTO) {
        if (getenv("UPSTART_JOB")) mode = SUPERVISED_UPSTART;
        else if (getenv("NOTIFY_SOCKET")) mode = SUPERVISED_SYSTEMD;
        else mode = SUPERVISED_NO;
    }
    supervised_mode = SUPERVISED_NO;
    if (mode == SUPERVISED_UPSTART) {
        if (!getenv("UPSTART_JOB")) {
            server_log(LL_WARNING, "upstart supervision requested, but UPSTART_JOB not found!");
            return;
        }
        supervised_mode = SUPERVISED_UPSTART;
    } else if (mode == SUPERVISED_SYSTEMD) {
        if (!getenv("NOTIFY_SOCKET")) {
            server_log(LL_WARNING, "systemd supervision requested or auto-detected, but NOTIFY_SOCKET environment "
                                   "variable not found!");
            return;
        }
        if (systemd_notify("STATUS=Valkey is loading...\n") <= 0) return;
        server_log(LL_NOTICE, "Supervised by systemd. Please make sure you set appropriate values for "
                              "TimeoutStartSec and TimeoutStopSec in your service unit.");
        supervised_mode = SUPERVISED_SYSTEMD;
    }
}

int supervise_is_supervised(void) {
    return supervised_mode != SUPERVISED_NO;
}

const char *supervise_mode_name(void) {
    if (supervised_mode == SUPERVISED_SYSTEMD) return "systemd";
    if (supervised_mode == SUPERVISED_UPSTART) return "upstart";
    return "no";
}

void supervise_ready(void) {
    if (supervised_mode == SUPERVISED_SYSTEMD) {
        systemd_notify("STATUS=Ready to accept connections\n");
        systemd_notify("READY=1\n");
    } else if (supervised_mode == SUPERVISED_UPSTART) {
        /* Upstart waits for the job to stop itself once it is ready. */
        server_log(LL_NOTICE, "supervised by upstart, will stop to signal readiness.");
        raise(SIGSTOP);
        unsetenv("UPSTART_JOB");
    }
}

void supervise_stopping(void) {
    if (supervised_mode == SUPERVISED_SYSTEMD) systemd_notify("STOPPING=1\n");
}

/* -------------------------------------------------------- OOM score */

static int oom_base = 0;
static int oom_base_read = 0;
static int oom_changed = 0;

static int read_oom_score(int *out) {
    int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
    if (fd == -1) return -1;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    *out = atoi(buf);
    return 0;
}

static int write_oom_score(int v) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd == -1) return -1;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d\n", v);
    ssize_t w = write(fd, buf, (size_t)n);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == n ? 0 : -1;
}

/* Applies oom-score-adj for this process (always a primary here: no
 * replication, and background children do not exist yet). */
int supervise_apply_oom_score(char **err) {
    if (!oom_base_read) {
        if (read_oom_score(&oom_base) == -1) {
            if (server.cfg.oom_score_adj == OOM_SCORE_ADJ_NO) return 0;
            server_log(LL_WARNING, "Unable to read oom_score_adj: %s", strerror(errno));
            if (err) *err = mem_strdup("Failed to set current oom_score_adj. Check server logs.");
            return -1;
        }
        oom_base_read = 1;
    }
    int want;
    if (server.cfg.oom_score_adj == OOM_SCORE_ADJ_NO) {
        if (!oom_changed) return 0;
        want = oom_base; /* put back what we were started with */
    } else {
        want = server.cfg.oom_score_adj_values[0];
        /* "yes" is the older name of "relative". */
        if (server.cfg.oom_score_adj != OOM_SCORE_ABSOLUTE) want += oom_base;
        if (want < -1000) want = -1000;
        if (want > 1000) want = 1000;
    }
    if (write_oom_score(want) == -1) {
        server_log(LL_WARNING, "Unable to write oom_score_adj: %s", strerror(errno));
        if (errno == EACCES)
            server_log(LL_WARNING, "Insufficient permissions to set a lower oom_score_adj value.");
        if (err) *err = mem_strdup("Failed to set current oom_score_adj. Check server logs.");
        return -1;
    }
    oom_changed = server.cfg.oom_score_adj != OOM_SCORE_ADJ_NO;
    return 0;
}

/* ------------------------------------------------------ process title */

static char *title_area;     /* argv[0] .. end of the last contiguous string */
static size_t title_area_len;
static int title_inited;
static char *title_name;     /* argv[0] as started: what {title} expands to */

/* Finds the argv strings (glibc's program_invocation_name is argv[0]) and
 * the environment strings right after them, and moves the environment to
 * the heap so the whole span can be overwritten. */
static void title_init(void) {
    title_inited = 1;
#ifdef __GLIBC__
    char *start = program_invocation_name;
    if (!start) return;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd == -1) return;
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n <= 0 || n == (ssize_t)sizeof(buf) || memcmp(start, buf, (size_t)n) != 0) return;
    char *end = start + n;
    size_t envc = 0;
    while (environ && environ[envc]) envc++;
    char **newenv = mem_alloc(sizeof(char *) * (envc + 1));
    for (size_t i = 0; i < envc; i++) {
        if (environ[i] == end) end += strlen(environ[i]) + 1;
        newenv[i] = mem_strdup(environ[i]);
    }
    newenv[envc] = NULL;
    environ = newenv;
    /* Keep program_invocation_name (used in libc messages) readable. */
    program_invocation_name = mem_strdup(start);
    title_name = program_invocation_name;
    title_area = start;
    title_area_len = (size_t)(end - start);
#endif
}

/* Expands one {name}; returns 0 for an unknown name. */
static int title_var(Str **out, const char *name, size_t len) {
#define IS(s) (len == strlen(s) && memcmp(name, s, len) == 0)
    if (IS("title")) {
        *out = str_cat_cstr(*out, title_name ? title_name : (server.executable ? server.executable : "valkey-server"));
    } else if (IS("listen-addr")) {
        if (server.cfg.port) {
            const char *addr = server.cfg.bind_count ? server.cfg.bind[0] : "*";
            if (addr[0] == '-') addr++;
            *out = str_catfmt(*out, "%s:%d", addr, server.cfg.port);
        } else {
            *out = str_catfmt(*out, "unixsocket:%s", server.cfg.unixsocket ? server.cfg.unixsocket : "");
        }
    } else if (IS("server-mode")) {
        /* "[cluster]" or "[sentinel]" in those modes; neither exists here. */
    } else if (IS("port")) {
        *out = str_catfmt(*out, "%d", server.cfg.port);
    } else if (IS("tls-port")) {
        *out = str_cat_cstr(*out, "0");
    } else if (IS("unixsocket")) {
        *out = str_cat_cstr(*out, server.cfg.unixsocket ? server.cfg.unixsocket : "");
    } else if (IS("config-file")) {
        *out = str_cat_cstr(*out, server.config_file ? server.config_file : "");
    } else {
        return 0;
    }
    return 1;
#undef IS
}

/* Expands a template; NULL when it is malformed or names an unknown
 * variable.  "{{" stands for a literal "{".  The result is trimmed of
 * spaces, since an empty {server-mode} leaves one at the end. */
static Str *title_expand(const char *tmpl) {
    Str *out = str_new("", 0);
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open) {
            out = str_cat_cstr(out, p);
            break;
        }
        out = str_cat(out, p, (size_t)(open - p));
        if (open[1] == '{') {
            out = str_cat(out, "{", 1);
            p = open + 2;
            continue;
        }
        const char *close = strchr(open + 1, '}');
        if (!close || !title_var(&out, open + 1, (size_t)(close - open - 1))) {
            str_free(out);
            return NULL;
        }
        p = close + 1;
    }
    size_t b = 0, e = out->len;
    while (b < e && out->buf[b] == ' ') b++;
    while (e > b && out->buf[e - 1] == ' ') e--;
    Str *trimmed = str_new(out->buf + b, e - b);
    str_free(out);
    return trimmed;
}

const char *supervise_check_title_template(const char *tmpl) {
    Str *s = title_expand(tmpl ? tmpl : "");
    int ok = s && s->len > 0;
    if (s) str_free(s);
    return ok ? NULL : "template format is invalid or contains unknown variables";
}

int supervise_set_proc_title(const char *tmpl) {
    if (!server.cfg.set_proc_title) return 0;
    if (!title_inited) title_init();
    if (!title_area || title_area_len < 2) return -1;
    Str *s = title_expand(tmpl);
    if (!s) return -1;
    size_t n = s->len < title_area_len - 1 ? s->len : title_area_len - 1;
    memset(title_area, 0, title_area_len);
    memcpy(title_area, s->buf, n);
    str_free(s);
    return 0;
}
