/* log.c - log lines in Valkey's format, which supervisors and tools parse:
 *   <pid>:<role> <day> <mon> <year> <hh:mm:ss.mmm> <level char> <message>
 * with level chars . - * # for debug, verbose, notice, warning.
 * logfile "" means stdout, flushed after every line. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

static void write_line(int level, const char *msg) {
    static const char level_chars[] = ".-*#";
    const char *path = server.cfg.logfile;
    int to_stdout = !path || !path[0];
    FILE *fp = to_stdout ? stdout : fopen(path, "a");
    if (!fp) return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t secs = tv.tv_sec;
    localtime_r(&secs, &tm);
    char date[64];
    size_t off = strftime(date, sizeof(date), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(date + off, sizeof(date) - off, "%03d", (int)(tv.tv_usec / 1000));
    /* 'C' in a forked child (a BGSAVE), as in Valkey's logs. */
    pid_t pid = getpid();
    char role = server.pid && pid != server.pid ? 'C' : 'M';
    fprintf(fp, "%d:%c %s %c %s\n", (int)pid, role, date, level_chars[level < 4 ? level : 3], msg);
    fflush(fp);
    if (!to_stdout) fclose(fp);
}

void server_log(int level, const char *fmt, ...) {
    if (level < server.cfg.loglevel) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    write_line(level, msg);
}

void server_log_raw(int level, const char *msg) {
    if (level < server.cfg.loglevel) return;
    const char *path = server.cfg.logfile;
    int fd = (!path || !path[0]) ? STDOUT_FILENO : open(path, O_APPEND | O_CREAT | O_WRONLY, 0644);
    if (fd == -1) return;
    char buf[1100];
    int n = snprintf(buf, sizeof(buf), "%d:signal-handler (%ld) %s\n", (int)getpid(), (long)time(NULL), msg);
    if (n > 0 && write(fd, buf, (size_t)(n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1)) < 0) { /* nothing to do */ }
    if (fd != STDOUT_FILENO) close(fd);
}
