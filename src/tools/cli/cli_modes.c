/* cli_modes.c - valkey-cli's special modes, each run instead of a
 * command: --pipe (mass insertion of raw protocol with its summary),
 * --scan, --stat, --latency / --latency-history / --latency-dist,
 * --bigkeys / --memkeys, and --eval.
 *
 * Invariant: every mode returns the process exit code (0 or 1) and prints
 * a clear message for any failure; none of them may hang on a server that
 * lacks a command (MEMORY USAGE, EVAL): an error reply ends the mode. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "../../ds/alloc.h"
#include "../../../deps/histogram/histogram.h"
#include "../../../deps/numconv/numconv.h"

/* ---------------------------------------------------------------- pipe */

int cli_mode_pipe(void) {
    if (cli_connect(0) == -1) return 1;
    int fd = cli_conn.fd;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    /* A unique ECHO at the end tells us the last reply has arrived. */
    char magic[41];
    unsigned seed = (unsigned)cli_ustime() ^ (unsigned)getpid();
    for (int i = 0; i < 40; i++) {
        seed = seed * 1103515245u + 12345u;
        magic[i] = "0123456789abcdef"[(seed >> 16) & 15];
    }
    magic[40] = '\0';
    Str *obuf = str_with_capacity(65536);
    size_t opos = 0;
    int eof = 0, announced = 0, done = 0;
    int64_t errors = 0, replies = 0;
    int64_t last_reply = cli_mstime();
    char inbuf[65536];
    while (!done) {
        if (opos == obuf->len && !eof) {
            str_clear(obuf);
            opos = 0;
            ssize_t n = read(STDIN_FILENO, inbuf, sizeof(inbuf));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                fprintf(stderr, "Error reading from stdin: %s\n", strerror(errno));
                return 1;
            }
            if (n == 0) {
                eof = 1;
                const char *echo[2] = {"ECHO", magic};
                obuf = tool_format_command(obuf, 2, echo, NULL);
            } else {
                obuf = str_cat(obuf, inbuf, (size_t)n);
            }
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (opos < obuf->len) pfd.events |= POLLOUT;
        int pr = poll(&pfd, 1, 100);
        if (pr < 0 && errno != EINTR) break;
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            char *space = resp_reader_space(&cli_conn.reader, 65536);
            ssize_t n = read(fd, space, 65536);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                fprintf(stderr, "Error reading from the server: %s\n", n == 0 ? "connection closed" : strerror(errno));
                return 1;
            }
            if (n > 0) {
                resp_reader_wrote(&cli_conn.reader, (size_t)n);
                last_reply = cli_mstime();
            }
            RespValue *r;
            int rc;
            while ((rc = resp_reader_next(&cli_conn.reader, &r)) == RESP_READ_DONE) {
                if (eof && r->type == RESP_T_BULK && r->len == 40 && !memcmp(r->str, magic, 40)) {
                    done = 1;
                } else {
                    replies++;
                    if (cli_reply_is_error(r)) {
                        errors++;
                        fprintf(stderr, "%s\n", r->str);
                    }
                }
                resp_value_free(r);
            }
            if (rc == RESP_READ_ERROR) {
                fprintf(stderr, "Protocol error from the server: %s\n", cli_conn.reader.err);
                return 1;
            }
        }
        if ((pfd.revents & POLLOUT) && opos < obuf->len) {
            ssize_t n = write(fd, obuf->buf + opos, obuf->len - opos);
            if (n > 0) opos += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                fprintf(stderr, "Error writing to the server: %s\n", strerror(errno));
                return 1;
            }
        }
        if (eof && opos == obuf->len && !announced) {
            printf("All data transferred. Waiting for the last reply...\n");
            fflush(stdout);
            announced = 1;
            last_reply = cli_mstime();
        }
        if (announced && !done && cli_cfg.pipe_timeout > 0 &&
            cli_mstime() - last_reply > (int64_t)cli_cfg.pipe_timeout * 1000) {
            printf("No replies for %d seconds: exiting.\n", cli_cfg.pipe_timeout);
            printf("errors: %lld, replies: %lld\n", (long long)errors, (long long)replies);
            return 1;
        }
    }
    str_free(obuf);
    printf("Last reply received from server.\n");
    printf("errors: %lld, replies: %lld\n", (long long)errors, (long long)replies);
    return errors > 0 ? 1 : 0;
}

/* ---------------------------------------------------------------- scan */

/* One SCAN step; returns the reply (cursor, keys) or NULL after printing
 * why not. */
static RespValue *scan_step(const char *cursor, const char *type) {
    const char *argv[8];
    int argc = 0;
    char count[NUMCONV_LL_BUF];
    ll_to_str(count, cli_cfg.count);
    argv[argc++] = "SCAN";
    argv[argc++] = cursor;
    if (cli_cfg.pattern) {
        argv[argc++] = "MATCH";
        argv[argc++] = cli_cfg.pattern;
    }
    argv[argc++] = "COUNT";
    argv[argc++] = count;
    if (type) {
        argv[argc++] = "TYPE";
        argv[argc++] = type;
    }
    RespValue *r;
    if (tool_command(&cli_conn, &r, argc, argv, NULL) == -1) {
        fprintf(stderr, "I/O error: %s\n", cli_conn.err);
        return NULL;
    }
    if (cli_reply_is_error(r)) {
        fprintf(stderr, "Error: %s\n", r->str);
        resp_value_free(r);
        return NULL;
    }
    if (r->type != RESP_T_ARRAY || r->count != 2 || !r->elem[0]->str || r->elem[1]->type != RESP_T_ARRAY) {
        fprintf(stderr, "Error: unexpected reply to SCAN\n");
        resp_value_free(r);
        return NULL;
    }
    return r;
}

int cli_mode_scan(void) {
    if (cli_connect(0) == -1) return 1;
    char cursor[64] = "0";
    do {
        RespValue *r = scan_step(cursor, NULL);
        if (!r) return 1;
        snprintf(cursor, sizeof(cursor), "%s", r->elem[0]->str);
        RespValue *keys = r->elem[1];
        for (size_t i = 0; i < keys->count; i++) {
            fwrite(keys->elem[i]->str, 1, keys->elem[i]->len, stdout);
            fputc('\n', stdout);
        }
        resp_value_free(r);
    } while (strcmp(cursor, "0") != 0);
    fflush(stdout);
    return 0;
}

/* ---------------------------------------------------------------- stat */

static long long info_ll(const char *info, const char *field) {
    size_t fl = strlen(field);
    for (const char *p = info; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, field, fl) && p[fl] == ':') return strtoll(p + fl + 1, NULL, 10);
    }
    return 0;
}

static void bytes_human(char *buf, size_t cap, double n) {
    const char *units = "KMGTPE";
    if (n < 1024) {
        snprintf(buf, cap, "%lldB", (long long)n);
        return;
    }
    int u = -1;
    while (n >= 1024 && u < 5) {
        n /= 1024;
        u++;
    }
    snprintf(buf, cap, "%.2f%c", n, units[u]);
}

int cli_mode_stat(void) {
    if (cli_connect(0) == -1) return 1;
    double interval = cli_cfg.interval_set ? cli_cfg.interval : 1.0;
    long long prev_requests = -1;
    for (long long line = 0;; line++) {
        RespValue *r;
        if (tool_commandv(&cli_conn, &r, "INFO", NULL) == -1) {
            fprintf(stderr, "I/O error: %s\n", cli_conn.err);
            return 1;
        }
        if (cli_reply_is_error(r) || !r->str) {
            fprintf(stderr, "ERROR: %s\n", r->str ? r->str : "unexpected INFO reply");
            resp_value_free(r);
            return 1;
        }
        const char *info = r->str;
        if (line % 20 == 0) {
            printf("------- data ------ --------------------- load -------------------- - child -\n"
                   "keys       mem      clients blocked requests            connections          \n");
        }
        long long keys = 0;
        for (int db = 0; db < 10000; db++) {
            char f[32];
            snprintf(f, sizeof(f), "db%d:keys=", db);
            const char *p = strstr(info, f);
            if (p) keys += strtoll(p + strlen(f), NULL, 10);
        }
        char col[64], mem[32];
        snprintf(col, sizeof(col), "%lld", keys);
        printf("%-11s", col);
        bytes_human(mem, sizeof(mem), (double)info_ll(info, "used_memory"));
        printf("%-9s", mem);
        snprintf(col, sizeof(col), "%lld", info_ll(info, "connected_clients"));
        printf("%-8s", col);
        snprintf(col, sizeof(col), "%lld", info_ll(info, "blocked_clients"));
        printf("%-8s", col);
        long long req = info_ll(info, "total_commands_processed");
        snprintf(col, sizeof(col), "%lld (+%lld)", req, prev_requests < 0 ? 0 : req - prev_requests);
        prev_requests = req;
        printf("%-20s", col);
        snprintf(col, sizeof(col), "%lld", info_ll(info, "total_connections_received"));
        printf("%-12s", col);
        if (info_ll(info, "rdb_bgsave_in_progress")) printf("RDB");
        else if (info_ll(info, "aof_rewrite_in_progress")) printf("AOF");
        else if (info_ll(info, "loading")) printf("LOAD");
        printf("\n");
        fflush(stdout);
        resp_value_free(r);
        cli_sleep_seconds(interval);
    }
}

/* ------------------------------------------------------------- latency */

int cli_mode_latency(void) {
    if (cli_connect(0) == -1) return 1;
    int tty = cli_cfg.output == CLI_OUT_STANDARD;
    double interval = cli_cfg.interval_set ? cli_cfg.interval
                      : cli_cfg.latency_history ? 15.0
                                                : 1.0;
    Histogram h;
    hist_init(&h);
    long long min = 0, max = 0, count = 0;
    double sum = 0;
    int64_t start = cli_mstime();
    for (;;) {
        int64_t t0 = cli_ustime();
        RespValue *r;
        if (tool_commandv(&cli_conn, &r, "PING", NULL) == -1) {
            fprintf(stderr, "\nI/O error: %s\n", cli_conn.err);
            return 1;
        }
        resp_value_free(r);
        int64_t us = cli_ustime() - t0;
        long long ms = (long long)(us / 1000);
        if (count == 0 || ms < min) min = ms;
        if (count == 0 || ms > max) max = ms;
        count++;
        sum += (double)ms;
        hist_record(&h, (uint64_t)us);
        double elapsed = (double)(cli_mstime() - start) / 1000.0;
        if (cli_cfg.latency_dist) {
            if (elapsed >= interval) {
                printf("p50: %.3f ms, p90: %.3f ms, p99: %.3f ms, p99.9: %.3f ms, max: %.3f ms (%llu samples)\n",
                       hist_percentile(&h, 50) / 1000.0, hist_percentile(&h, 90) / 1000.0,
                       hist_percentile(&h, 99) / 1000.0, hist_percentile(&h, 99.9) / 1000.0,
                       (double)h.max / 1000.0, (unsigned long long)h.total);
                fflush(stdout);
                hist_reset(&h);
                start = cli_mstime();
            }
        } else if (tty) {
            printf("\033[0G\033[2Kmin: %lld, max: %lld, avg: %.2f (%lld samples)", min, max, sum / (double)count,
                   count);
            fflush(stdout);
            if (cli_cfg.latency_history && elapsed >= interval) {
                printf(" -- %.2f seconds range\n", elapsed);
                min = max = count = 0;
                sum = 0;
                start = cli_mstime();
            }
        } else if (elapsed >= interval) {
            /* Without a terminal: one line of plain numbers per interval. */
            printf("%lld %lld %.2f %lld\n", min, max, sum / (double)count, count);
            fflush(stdout);
            if (!cli_cfg.latency_history) break;
            min = max = count = 0;
            sum = 0;
            start = cli_mstime();
        }
        cli_sleep_seconds(0.01);
    }
    hist_free(&h);
    return 0;
}

/* ------------------------------------------------------ bigkeys/memkeys */

typedef struct {
    const char *type;    /* TYPE's answer */
    const char *plural;
    const char *size_cmd;
    const char *unit;
    unsigned long long count, total, biggest;
    Str *biggest_key;
} KeyTypeStats;

int cli_mode_bigkeys(int memkeys) {
    if (cli_connect(0) == -1) return 1;
    KeyTypeStats st[] = {
        {"list", "lists", "LLEN", "items", 0, 0, 0, NULL},
        {"hash", "hashs", "HLEN", "fields", 0, 0, 0, NULL},
        {"string", "strings", "STRLEN", "bytes", 0, 0, 0, NULL},
        {"stream", "streams", "XLEN", "entries", 0, 0, 0, NULL},
        {"set", "sets", "SCARD", "members", 0, 0, 0, NULL},
        {"zset", "zsets", "ZCARD", "members", 0, 0, 0, NULL},
    };
    const int ntypes = (int)(sizeof(st) / sizeof(st[0]));
    RespValue *r;
    if (tool_commandv(&cli_conn, &r, "DBSIZE", NULL) == -1 || r->type != RESP_T_INT) {
        fprintf(stderr, "Error: DBSIZE failed: %s\n", r && r->str ? r->str : cli_conn.err);
        return 1;
    }
    unsigned long long total_keys = (unsigned long long)r->integer;
    resp_value_free(r);
    if (memkeys) {
        /* Find out before scanning whether the server can answer at all. */
        if (tool_commandv(&cli_conn, &r, "MEMORY", "USAGE", "__valkey_cli_probe__", NULL) == -1) {
            fprintf(stderr, "I/O error: %s\n", cli_conn.err);
            return 1;
        }
        int missing = cli_reply_is_error(r);
        if (missing) fprintf(stderr, "Error: MEMORY USAGE is not available on this server: %s\n", r->str);
        resp_value_free(r);
        if (missing) return 1;
    }
    printf("\n# Scanning the entire keyspace to find biggest keys as well as\n"
           "# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n"
           "# per 100 SCAN commands (not usually needed).\n\n");
    unsigned long long sampled = 0, keylen_total = 0;
    char cursor[64] = "0";
    char samples[NUMCONV_LL_BUF];
    ll_to_str(samples, cli_cfg.memkeys_samples);
    int rc = 0;
    do {
        RespValue *sr = scan_step(cursor, NULL);
        if (!sr) return 1;
        snprintf(cursor, sizeof(cursor), "%s", sr->elem[0]->str);
        RespValue *keys = sr->elem[1];
        /* Progress counts whole SCAN batches, as valkey-cli shows it. */
        double pct = total_keys ? 100.0 * (double)sampled / (double)total_keys : 0;
        if (pct > 100) pct = 100;
        for (size_t i = 0; i < keys->count && rc == 0; i++) {
            RespValue *k = keys->elem[i];
            const char *targv[2] = {"TYPE", k->str};
            size_t tlens[2] = {4, k->len};
            if (tool_command(&cli_conn, &r, 2, targv, tlens) == -1) {
                fprintf(stderr, "I/O error: %s\n", cli_conn.err);
                rc = 1;
                break;
            }
            KeyTypeStats *t = NULL;
            for (int j = 0; j < ntypes && r->str; j++)
                if (!strcmp(r->str, st[j].type)) t = &st[j];
            resp_value_free(r);
            if (!t) continue;   /* gone meanwhile, or a module type */
            const char *sargv[5] = {memkeys ? "MEMORY" : t->size_cmd, memkeys ? "USAGE" : k->str, k->str,
                                    "SAMPLES", samples};
            size_t slens[5] = {strlen(sargv[0]), memkeys ? 5 : k->len, k->len, 7, strlen(samples)};
            int sargc = memkeys ? (cli_cfg.memkeys_samples ? 5 : 3) : 2;
            if (tool_command(&cli_conn, &r, sargc, sargv, slens) == -1) {
                fprintf(stderr, "I/O error: %s\n", cli_conn.err);
                rc = 1;
                break;
            }
            if (cli_reply_is_error(r)) {
                if (memkeys)
                    fprintf(stderr, "Error: MEMORY USAGE is not available on this server: %s\n", r->str);
                else
                    fprintf(stderr, "Error: %s failed on a %s key: %s\n", t->size_cmd, t->type, r->str);
                resp_value_free(r);
                rc = 1;
                break;
            }
            unsigned long long size = r->type == RESP_T_INT && r->integer > 0 ? (unsigned long long)r->integer : 0;
            resp_value_free(r);
            sampled++;
            keylen_total += k->len;
            t->count++;
            t->total += size;
            if (!t->biggest_key || size > t->biggest) {
                Str *q = str_cat_repr(str_with_capacity(k->len + 4), k->str, k->len);
                printf("[%05.2f%%] Biggest %-6s found so far '%s' with %llu %s\n", pct, t->type, q->buf, size,
                       memkeys ? "bytes" : t->unit);
                if (t->biggest_key) str_free(t->biggest_key);
                t->biggest_key = q;
                t->biggest = size;
            }
            if (cli_cfg.interval_set && sampled % 100 == 0) cli_sleep_seconds(cli_cfg.interval);
        }
        resp_value_free(sr);
    } while (rc == 0 && strcmp(cursor, "0") != 0);
    if (rc == 0) {
        printf("\n-------- summary -------\n\n");
        printf("Sampled %llu keys in the keyspace!\n", sampled);
        printf("Total key length in bytes is %llu (avg len %.2f)\n\n", keylen_total,
               sampled ? (double)keylen_total / (double)sampled : 0.0);
        for (int j = 0; j < ntypes; j++)
            if (st[j].biggest_key)
                printf("Biggest %6s found '%s' has %llu %s\n", st[j].type, st[j].biggest_key->buf, st[j].biggest,
                       memkeys ? "bytes" : st[j].unit);
        printf("\n");
        for (int j = 0; j < ntypes; j++)
            printf("%llu %s with %llu %s (%05.2f%% of keys, avg size %.2f)\n", st[j].count, st[j].plural,
                   st[j].total, memkeys ? "bytes" : st[j].unit,
                   sampled ? 100.0 * (double)st[j].count / (double)sampled : 0.0,
                   st[j].count ? (double)st[j].total / (double)st[j].count : 0.0);
    }
    for (int j = 0; j < ntypes; j++)
        if (st[j].biggest_key) str_free(st[j].biggest_key);
    fflush(stdout);
    return rc;
}

/* ---------------------------------------------------------------- eval */

/* --eval file key1 key2 , arg1 arg2 */
int cli_mode_eval(int argc, char **argv) {
    FILE *f = fopen(cli_cfg.eval, "rb");
    if (!f) {
        fprintf(stderr, "Can't open file '%s': %s\n", cli_cfg.eval, strerror(errno));
        return 1;
    }
    Str *script = str_with_capacity(1024);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) script = str_cat(script, buf, n);
    fclose(f);
    if (cli_connect(0) == -1) {
        str_free(script);
        return 1;
    }
    int nkeys = 0, comma = -1;
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], ",")) {
            comma = i;
            break;
        }
    nkeys = comma == -1 ? argc : comma;
    char nk[NUMCONV_LL_BUF];
    ll_to_str(nk, nkeys);
    char **cargv = mem_alloc(sizeof(char *) * (size_t)(argc + 3));
    size_t *lens = mem_alloc(sizeof(size_t) * (size_t)(argc + 3));
    int c = 0;
    cargv[c] = "EVAL";
    lens[c++] = 4;
    cargv[c] = script->buf;
    lens[c++] = script->len;
    cargv[c] = nk;
    lens[c++] = strlen(nk);
    for (int i = 0; i < argc; i++) {
        if (i == comma) continue;
        cargv[c] = argv[i];
        lens[c++] = strlen(argv[i]);
    }
    RespValue *r;
    int rc = 0;
    if (tool_command(&cli_conn, &r, c, (const char **)cargv, lens) == -1) {
        fprintf(stderr, "I/O error: %s\n", cli_conn.err);
        rc = 1;
    } else {
        if (cli_reply_is_error(r) && r->str && strstr(r->str, "unknown command")) {
            fprintf(stderr, "--eval: this server does not support scripting yet (%s)\n", r->str);
            rc = 1;
        } else {
            Str *out = cli_format_reply(str_with_capacity(128), r, cli_cfg.output);
            fwrite(out->buf, 1, out->len, stdout);
            str_free(out);
            if (cli_reply_is_error(r) && cli_cfg.exit_on_error) rc = 1;
        }
        resp_value_free(r);
    }
    mem_free(cargv);
    mem_free(lens);
    str_free(script);
    return rc;
}
