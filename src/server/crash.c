/* crash.c - the crash report: what the server writes to its log when it
 * dies of a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), a
 * failed server_assert() or a server_panic(), so that a user can send us
 * something useful.
 *
 * The report is framed by Valkey's START/END lines (tools grep for them)
 * and holds: the signal and faulting address, a backtrace (glibc's
 * backtrace() where the platform has it), the INFO sections, the client
 * list, and the client whose command was running with its arguments.
 *
 * Invariants:
 *  - the handlers run on an alternate stack, so a stack overflow still
 *    gets a report;
 *  - a report is written once: a second fault while reporting skips
 *    straight to dying;
 *  - after a signal, the default action is restored and the same signal
 *    raised again, so the exit status (and a core dump, if enabled) say
 *    what really happened; after an assertion or panic the process aborts,
 *    or exits with status 1 when use-exit-on-panic is set (for tests).
 *
 * Writing the report is not async-signal-safe (INFO allocates, the log
 * line formatter uses stdio): a process that is already dying accepts
 * that risk, as Valkey does; the raw writes below avoid stdio. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#if defined(__GLIBC__) || defined(__APPLE__)
#include <execinfo.h>
#include <unwind.h>
#define HAVE_BACKTRACE 1
#endif

#include "server.h"

static volatile sig_atomic_t crash_reporting;
static char *alt_stack;

/* ------------------------------------------------------------- output */

static int log_fd(void) {
    const char *path = server.cfg.logfile;
    if (!path || !path[0]) return STDOUT_FILENO;
    return open(path, O_APPEND | O_CREAT | O_WRONLY, 0644);
}

static void put(int fd, const char *s, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n <= 0) return;
        s += n;
        len -= (size_t)n;
    }
}

static void puts_fd(int fd, const char *s) {
    put(fd, s, strlen(s));
}

static void putf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(int fd, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    put(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* A log line in the usual format, written without stdio buffering. */
static void log_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(int fd, const char *fmt, ...) {
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char date[64];
    strftime(date, sizeof(date), "%d %b %Y %H:%M:%S.000", &tm);
    pid_t pid = getpid();
    putf(fd, "%d:%c %s # %s\n", (int)pid, server.pid && pid != server.pid ? 'C' : 'M', date, msg);
}

/* --------------------------------------------------------- the report */

static void report_start(int fd) {
    puts_fd(fd, "\n\n=== VALKEY BUG REPORT START: Cut & paste starting from here ===\n");
}

#ifdef HAVE_BACKTRACE
/* Frames are collected with the unwinder of the statically linked libgcc
 * rather than glibc's backtrace(): that one loads libgcc_s.so on first use
 * (allocating, so it cannot wait for a crash), which costs ~100 kB of
 * resident memory on every server that never crashes. */
typedef struct FrameCollector {
    void **frames;
    int n, max;
} FrameCollector;

static _Unwind_Reason_Code collect_frame(struct _Unwind_Context *ctx, void *arg) {
    FrameCollector *fc = arg;
    if (fc->n >= fc->max) return _URC_END_OF_STACK;
    fc->frames[fc->n++] = (void *)_Unwind_GetIP(ctx);
    return _URC_NO_REASON;
}
#endif

static void report_backtrace(int fd) {
    puts_fd(fd, "\n------ STACK TRACE ------\n");
#ifdef HAVE_BACKTRACE
    void *frames[100];
    FrameCollector fc = {frames, 0, 100};
    _Unwind_Backtrace(collect_frame, &fc);
    puts_fd(fd, "\nBacktrace:\n");
    backtrace_symbols_fd(frames, fc.n, fd);
#else
    puts_fd(fd, "\nBacktrace: not available on this platform\n");
#endif
}

static void report_client(int fd, Client *c) {
    puts_fd(fd, "\n------ CURRENT CLIENT INFO ------\n");
    if (!c) {
        puts_fd(fd, "(no client was running a command)\n");
        return;
    }
    Str *s = str_with_capacity(512);
    client_format_info(c, &s);
    put(fd, s->buf, s->len);
    put(fd, "\n", 1);
    str_free(s);
    for (int i = 0; i < c->argc; i++) {
        /* Quoted and escaped as Valkey prints them (arguments may be
         * binary), cut at 128 bytes. */
        size_t len = c->argv[i].len < 128 ? c->argv[i].len : 128;
        char shown[128 * 4 + 3];
        size_t o = 0;
        shown[o++] = '"';
        for (size_t j = 0; j < len; j++) {
            unsigned char ch = (unsigned char)c->argv[i].p[j];
            if (ch == '"' || ch == '\\') {
                shown[o++] = '\\';
                shown[o++] = (char)ch;
            } else if (ch >= 32 && ch < 127) {
                shown[o++] = (char)ch;
            } else {
                static const char hex[] = "0123456789abcdef";
                shown[o++] = '\\';
                shown[o++] = 'x';
                shown[o++] = hex[ch >> 4];
                shown[o++] = hex[ch & 15];
            }
        }
        shown[o++] = '"';
        shown[o] = '\0';
        putf(fd, "argv[%d]: '%s'%s\n", i, shown, c->argv[i].len > len ? " (truncated)" : "");
    }
}

static void report_body(int fd) {
    report_backtrace(fd);
    puts_fd(fd, "\n------ INFO OUTPUT ------\n");
    Str *info = info_generate("all");
    if (info) {
        put(fd, info->buf, info->len);
        str_free(info);
    }
    puts_fd(fd, "\n------ CLIENT LIST OUTPUT ------\n");
    for (Client *x = server.clients; x; x = x->next) {
        Str *s = str_with_capacity(512);
        client_format_info(x, &s);
        put(fd, s->buf, s->len);
        put(fd, "\n", 1);
        str_free(s);
    }
    report_client(fd, server.current_client);
    puts_fd(fd, "\n------ MODULES INFO OUTPUT ------\n");
    /* debug-context: whatever a test harness wants attached to a crash. */
    if (server.cfg.debug_context && server.cfg.debug_context[0]) {
        puts_fd(fd, "\n------ DEBUG CONTEXT ------\n");
        puts_fd(fd, server.cfg.debug_context);
        puts_fd(fd, "\n");
    }
}

static void report_end(int fd) {
    puts_fd(fd, "\n=== VALKEY BUG REPORT END. Make sure to include from START to END. ===\n\n"
                "       Please report the crash by opening an issue on github:\n\n"
                "           https://github.com/valkey-io/valkey/issues\n\n"
                "  If a module was involved, please open in the module's repo instead.\n\n"
                "  Suspect RAM error? Use valkey-server --test-memory to verify it.\n\n"
                "  Some other issues could be detected by valkey-check-aof and valkey-check-rdb.\n\n");
}

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
    }
}

/* Dies with sig as the cause: default action, then the signal again. */
static void die_by_signal(int sig) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_handler = SIG_DFL;
    sigaction(sig, &act, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig); /* only if the signal did not kill us */
}

static void die_after_panic(void) {
    if (server.cfg.use_exit_on_panic) _exit(1);
    die_by_signal(SIGABRT);
}

static void fatal_signal_handler(int sig, siginfo_t *info, void *uctx) {
    (void)uctx;
    if (crash_reporting) die_by_signal(sig);
    crash_reporting = 1;
    int fd = log_fd();
    if (fd != -1) {
        report_start(fd);
        log_line(fd, "Valkey %s crashed by signal: %d, si_code: %d", SERVER_VERSION, sig, info ? info->si_code : 0);
        if (info && (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL))
            log_line(fd, "Accessing address: %p", info->si_addr);
        log_line(fd, "Killed by %s", signal_name(sig));
        if (server.cfg.crash_log_enabled) report_body(fd);
        report_end(fd);
        if (fd != STDOUT_FILENO) close(fd);
    }
    /* The pid file would name a dead process. */
    if (server.cfg.pidfile && server.cfg.pidfile[0]) unlink(server.cfg.pidfile);
    die_by_signal(sig);
}

void crash_report_assert(const char *expr, const char *file, int line) {
    if (!crash_reporting) {
        crash_reporting = 1;
        int fd = log_fd();
        if (fd != -1) {
            report_start(fd);
            log_line(fd, "=== ASSERTION FAILED ===");
            log_line(fd, "==> %s:%d '%s' is not true", file, line, expr);
            if (server.cfg.crash_log_enabled) report_body(fd);
            report_end(fd);
            if (fd != STDOUT_FILENO) close(fd);
        }
    }
    die_after_panic();
    abort();
}

void crash_report_panic(const char *file, int line, const char *fmt, ...) {
    if (!crash_reporting) {
        crash_reporting = 1;
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int fd = log_fd();
        if (fd != -1) {
            report_start(fd);
            log_line(fd, "------------------------------------------------");
            log_line(fd, "!!! Software Failure. Press left mouse button to continue");
            log_line(fd, "Guru Meditation: %s #%s:%d", msg, file, line);
            if (server.cfg.crash_log_enabled) report_body(fd);
            report_end(fd);
            if (fd != STDOUT_FILENO) close(fd);
        }
    }
    die_after_panic();
    abort();
}

void crash_setup_signals(void) {
    /* An alternate stack, so a stack overflow can still be reported. */
    size_t size = SIGSTKSZ > 65536 ? (size_t)SIGSTKSZ : 65536;
    if (!alt_stack) alt_stack = mem_alloc(size);
    stack_t ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp = alt_stack;
    ss.ss_size = size;
    sigaltstack(&ss, NULL);
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    act.sa_sigaction = fatal_signal_handler;
    sigaction(SIGSEGV, &act, NULL);
    sigaction(SIGBUS, &act, NULL);
    sigaction(SIGFPE, &act, NULL);
    sigaction(SIGILL, &act, NULL);
    sigaction(SIGABRT, &act, NULL);
}
