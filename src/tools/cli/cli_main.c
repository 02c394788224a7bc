/* cli_main.c - valkey-cli's entry point: command-line options, the
 * connection (with AUTH, SELECT and HELLO 3 applied on every connect),
 * one-shot commands with -r/-i/-x, and the choice of output format: as for
 * a terminal when stdout is one or FAKETTY is set, raw otherwise.  With no
 * command the interactive loop runs (cli_repl.c), reading lines from stdin
 * when it is not a terminal, as valkey-cli does; the special modes
 * (--pipe, --scan, --stat, ...) are in cli_modes.c.
 *
 * Exit codes: 0, or 1 when the connection fails, an option is bad, or (with
 * -e) a one-shot command got an error reply. The interactive loop always
 * ends with 0, also when fed from a pipe. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../common/tool_uri.h"
#include "../../ds/alloc.h"
#include "../../../deps/lineedit/lineedit.h"
#include "../../../deps/numconv/numconv.h"

CliConfig cli_cfg;
ToolConn cli_conn = {.fd = -1};

int64_t cli_ustime(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int64_t cli_mstime(void) { return cli_ustime() / 1000; }

void cli_sleep_seconds(double s) {
    if (s <= 0) return;
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

int cli_connected(void) { return cli_conn.fd != -1; }

int cli_stdout_tty(void) {
    /* FAKETTY lets scripts and tests that read the cli through a pipe ask
     * for what a terminal user sees, as valkey-cli allows. */
    return isatty(STDOUT_FILENO) || getenv("FAKETTY") != NULL;
}

int cli_repeat_prefix(int argc, char **argv, long *times) {
    *times = 1;
    if (argc < 2) return 0;
    char *end;
    errno = 0;
    long n = strtol(argv[0], &end, 10);
    if (*end != '\0') return 0;
    /* valkey-cli tests the whole word with strtol: "+2" counts, "" and "0"
     * are refused, a number too big for a long is refused. */
    if (errno == ERANGE || errno == EINVAL || n <= 0) {
        fputs("Invalid valkey-cli repeat command option value.\n", stdout);
        fflush(stdout);
        return -1;
    }
    *times = n;
    return 1;
}

void cli_disconnect(void) {
    if (cli_conn.fd != -1) tool_close(&cli_conn);
    cli_conn.fd = -1;
}

int cli_read_reply(RespValue **out) {
    if (tool_read_reply(&cli_conn, out) == 0) return 0;
    return -1;
}

int cli_connect(int quiet) {
    cli_disconnect();
    if (tool_connect(&cli_conn, cli_cfg.host, cli_cfg.port, cli_cfg.unix_path, 0) == -1) {
        if (!quiet) fprintf(stderr, "%s\n", cli_conn.err);
        cli_conn.fd = -1;
        return -1;
    }
    RespValue *r = NULL;
    if (cli_cfg.pass) {
        int rc = cli_cfg.user ? tool_commandv(&cli_conn, &r, "AUTH", cli_cfg.user, cli_cfg.pass, NULL)
                              : tool_commandv(&cli_conn, &r, "AUTH", cli_cfg.pass, NULL);
        if (rc == -1) goto lost;
        if (cli_reply_is_error(r)) fprintf(stderr, "AUTH failed: %s\n", r->str);
        resp_value_free(r);
    }
    if (cli_cfg.dbnum != 0) {
        char db[NUMCONV_LL_BUF];
        ll_to_str(db, cli_cfg.dbnum);
        if (tool_commandv(&cli_conn, &r, "SELECT", db, NULL) == -1) goto lost;
        if (cli_reply_is_error(r)) {
            fprintf(stderr, "SELECT %d failed: %s\n", cli_cfg.dbnum, r->str);
            cli_cfg.dbnum = 0;
        }
        resp_value_free(r);
    }
    if (cli_cfg.resp == 3) {
        if (tool_commandv(&cli_conn, &r, "HELLO", "3", NULL) == -1) goto lost;
        if (cli_reply_is_error(r)) fprintf(stderr, "HELLO 3 failed: %s\n", r->str);
        resp_value_free(r);
    }
    return 0;
lost:
    if (!quiet) fprintf(stderr, "%s\n", cli_conn.err);
    cli_disconnect();
    return -1;
}

/* ------------------------------------------------------------ arguments */

static int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void cli_free_args(char **argv, int argc, size_t *lens) {
    for (int i = 0; i < argc; i++) mem_free(argv[i]);
    mem_free(argv);
    mem_free(lens);
}

/* Words separated by blanks; "double quotes" understand \n \r \t \b \a \\
 * \" and \xHH; 'single quotes' only \'.  A closing quote must end the
 * word. */
char **cli_split_args(const char *line, int *argc, size_t **lens) {
    char **argv = NULL;
    size_t *lv = NULL;
    int n = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        Str *w = str_with_capacity(16);
        int dq = 0, sq = 0, done = 0;
        while (!done) {
            char c = *p;
            if (dq) {
                if (!c) goto bad;
                if (c == '\\' && p[1] == 'x' && hex_val(p[2]) >= 0 && hex_val(p[3]) >= 0) {
                    char b = (char)(hex_val(p[2]) * 16 + hex_val(p[3]));
                    w = str_cat(w, &b, 1);
                    p += 3;
                } else if (c == '\\' && p[1]) {
                    char b;
                    p++;
                    switch (*p) {
                    case 'n': b = '\n'; break;
                    case 'r': b = '\r'; break;
                    case 't': b = '\t'; break;
                    case 'b': b = '\b'; break;
                    case 'a': b = '\a'; break;
                    default: b = *p; break;
                    }
                    w = str_cat(w, &b, 1);
                } else if (c == '"') {
                    if (p[1] && p[1] != ' ' && p[1] != '\t' && p[1] != '\n' && p[1] != '\r') goto bad;
                    done = 1;
                } else {
                    w = str_cat(w, &c, 1);
                }
            } else if (sq) {
                if (!c) goto bad;
                if (c == '\\' && p[1] == '\'') {
                    p++;
                    w = str_cat(w, "'", 1);
                } else if (c == '\'') {
                    if (p[1] && p[1] != ' ' && p[1] != '\t' && p[1] != '\n' && p[1] != '\r') goto bad;
                    done = 1;
                } else {
                    w = str_cat(w, &c, 1);
                }
            } else {
                switch (c) {
                case ' ': case '\n': case '\r': case '\t': case '\0': done = 1; break;
                case '"': dq = 1; break;
                case '\'': sq = 1; break;
                default: w = str_cat(w, &c, 1); break;
                }
                if (done) break;
            }
            if (*p) p++;
        }
        argv = mem_realloc(argv, sizeof(char *) * (size_t)(n + 1));
        lv = mem_realloc(lv, sizeof(size_t) * (size_t)(n + 1));
        argv[n] = mem_alloc(w->len + 1);
        memcpy(argv[n], w->buf, w->len + 1);
        lv[n] = w->len;
        n++;
        str_free(w);
        continue;
    bad:
        str_free(w);
        cli_free_args(argv, n, lv);
        *argc = 0;
        *lens = NULL;
        return NULL;
    }
    if (!argv) {
        argv = mem_alloc(sizeof(char *));
        lv = mem_alloc(sizeof(size_t));
    }
    *argc = n;
    *lens = lv;
    return argv;
}

/* ------------------------------------------------------------- commands */

static int mode_for_output(void) { return cli_cfg.output; }

/* Replies a terminal user wants as plain text, as valkey-cli shows them. */
static int prints_verbatim(int argc, char **argv) {
    const char *c = argv[0];
    if (!strcasecmp(c, "info") || !strcasecmp(c, "lolwut")) return 1;
    if (argc < 2) return 0;
    const char *s = argv[1];
    if (!strcasecmp(c, "client") && (!strcasecmp(s, "list") || !strcasecmp(s, "info"))) return 1;
    if (!strcasecmp(c, "cluster") && (!strcasecmp(s, "nodes") || !strcasecmp(s, "info"))) return 1;
    if (!strcasecmp(c, "memory") && (!strcasecmp(s, "doctor") || !strcasecmp(s, "malloc-stats")))
        return 1;
    if (!strcasecmp(c, "latency") && (!strcasecmp(s, "doctor") || !strcasecmp(s, "graph"))) return 1;
    return 0;
}

static void print_reply(const RespValue *r, int mode) {
    int err = cli_reply_is_error(r);
    Str *out = str_with_capacity(256);
    if (err && cli_cfg.exit_on_error && mode != CLI_OUT_STANDARD && !cli_cfg.from_stdin) {
        /* With -e the caller scripts on the exit code: the text goes to stderr. */
        out = str_cat(out, r->str, r->len);
        out = str_cat(out, "\n", 1);
        fwrite(out->buf, 1, out->len, stderr);
    } else {
        out = cli_format_reply(out, r, mode);
        fwrite(out->buf, 1, out->len, stdout);
    }
    str_free(out);
    fflush(stdout);
}

/* Local state the prompt shows: the database after SELECT, MULTI. */
static void track_state(int argc, char **argv, const RespValue *r) {
    if (cli_reply_is_error(r)) {
        if (!strcasecmp(argv[0], "exec")) cli_cfg.in_multi = 0;
        return;
    }
    if (!strcasecmp(argv[0], "select") && argc == 2) {
        long long db;
        if (str_to_ll(argv[1], strlen(argv[1]), &db)) cli_cfg.dbnum = (int)db;
    } else if (!strcasecmp(argv[0], "multi")) {
        cli_cfg.in_multi = 1;
    } else if (!strcasecmp(argv[0], "exec") || !strcasecmp(argv[0], "discard") ||
               !strcasecmp(argv[0], "reset")) {
        cli_cfg.in_multi = 0;
        if (!strcasecmp(argv[0], "reset")) cli_cfg.dbnum = 0;
    } else if (!strcasecmp(argv[0], "hello") && argc >= 2) {
        if (!strcmp(argv[1], "3")) cli_cfg.resp = 3;
        else if (!strcmp(argv[1], "2")) cli_cfg.resp = 2;
    }
}

static int is_subscribe(const char *c) {
    return !strcasecmp(c, "subscribe") || !strcasecmp(c, "psubscribe") ||
           !strcasecmp(c, "ssubscribe") || !strcasecmp(c, "monitor");
}

/* SHUTDOWN that does not ABORT: the server will close the connection. */
static int shuts_down(int argc, char **argv) {
    if (strcasecmp(argv[0], "shutdown") != 0) return 0;
    for (int i = 1; i < argc; i++)
        if (!strcasecmp(argv[i], "abort")) return 0;
    return 1;
}

int cli_send_and_print(int argc, char **argv, size_t *lens) {
    if (!cli_connected()) return -1;
    Str *buf = tool_format_command(str_with_capacity(64), argc, (const char **)argv, lens);
    int rc = tool_write_all(&cli_conn, buf->buf, buf->len);
    str_free(buf);
    if (rc == -1) return -1;
    int mode = mode_for_output();
    if (mode == CLI_OUT_STANDARD && prints_verbatim(argc, argv)) mode = CLI_OUT_RAW;
    for (;;) {
        RespValue *r;
        if (cli_read_reply(&r) == -1) {
            /* A server that shuts down closes the connection instead of
             * replying: for SHUTDOWN that is success, as valkey-cli sees it. */
            if (shuts_down(argc, argv)) {
                cli_disconnect();
                cli_cfg.last_error = 0;
                return 0;
            }
            return -1;
        }
        if (r->type == RESP_T_PUSH && !is_subscribe(argv[0])) {
            /* An out-of-band message (RESP3): shown on a terminal, and then
             * the real reply follows. */
            if (mode == CLI_OUT_STANDARD && cli_stdout_tty()) print_reply(r, mode);
            resp_value_free(r);
            continue;
        }
        cli_cfg.last_error = cli_reply_is_error(r);
        track_state(argc, argv, r);
        print_reply(r, mode);
        resp_value_free(r);
        break;
    }
    if (is_subscribe(argv[0]) && !cli_cfg.last_error) {
        /* Subscribed: every message until the connection ends or ctrl-c. */
        if (!cli_cfg.interactive || mode == CLI_OUT_STANDARD) {
            if (mode == CLI_OUT_STANDARD)
                printf("Reading messages... (press Ctrl-C to quit or any key to type command)\n");
            for (;;) {
                RespValue *r;
                if (cli_read_reply(&r) == -1) return -1;
                print_reply(r, mode);
                resp_value_free(r);
            }
        }
    }
    return 0;
}

/* Runs one command repeat times; returns the exit code. */
static int run_one_shot(int argc, char **argv, size_t *lens) {
    if (!strcasecmp(argv[0], "help") || !strcmp(argv[0], "?")) {
        /* Answered locally, from the server's COMMAND DOCS. */
        cli_help_print(argc - 1, argv + 1);
        return 0;
    }
    int64_t left = cli_cfg.repeat;
    int failed = 0;
    while (left == -1 || left-- > 0) {
        if (cli_send_and_print(argc, argv, lens) == -1) {
            fprintf(stderr, "Error: %s\n", cli_conn.err);
            return 1;
        }
        if (cli_cfg.last_error) failed = 1;
        if (cli_cfg.last_error && cli_cfg.exit_on_error) return 1;
        if (left != 0 && cli_cfg.interval > 0) cli_sleep_seconds(cli_cfg.interval);
    }
    return failed && cli_cfg.exit_on_error ? 1 : 0;
}

static Str *read_all_stdin(void) {
    Str *s = str_with_capacity(1024);
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) s = str_cat(s, buf, n);
    return s;
}

static void usage(FILE *f) {
    fprintf(f,
"valkey-cli %s\n"
"\n"
"Usage: valkey-cli [OPTIONS] [cmd [arg [arg ...]]]\n"
"  -h <hostname>      Server hostname (default: 127.0.0.1).\n"
"  -p <port>          Server port (default: 6379).\n"
"  -s <socket>        Server socket (overrides hostname and port).\n"
"  -a <password>      Password to use when connecting to the server.\n"
"                     The VALKEYCLI_AUTH environment variable is safer.\n"
"  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
"  --pass <password>  Alias of -a for consistency with the new --user option.\n"
"  -u <uri>           Server URI: valkey://[[username]:password@]host[:port][/db].\n"
"  -r <repeat>        Execute specified command N times (-1: forever).\n"
"  -i <interval>      When -r is used, waits <interval> seconds per command.\n"
"                     Sub-second times like -i 0.1 work. Also the interval\n"
"                     of --stat, --latency-history and --bigkeys.\n"
"  -n <db>            Database number.\n"
"  -2                 Start session in RESP2 protocol mode.\n"
"  -3                 Start session in RESP3 protocol mode.\n"
"  -x                 Read last argument from STDIN.\n"
"  -d <delimiter>     Delimiter between response bulks for raw formatting (default: \\n).\n"
"  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).\n"
"  -e                 Return exit error code when command execution fails.\n"
"  --raw              Use raw formatting for replies (default when STDOUT is\n"
"                     not a tty).\n"
"  --no-raw           Force formatted output even when STDOUT is not a tty.\n"
"  --csv              Output in CSV format.\n"
"  --json             Output in JSON format (default RESP3, use -2 for RESP2).\n"
"  --quoted-json      Same as --json, but strings are ASCII-safe quoted.\n"
"  --stat             Print rolling stats about the server: mem, clients, ...\n"
"  --latency          Enter a special mode continuously sampling latency.\n"
"  --latency-history  Like --latency but tracking latency changes over time.\n"
"                     Default time interval is 15 sec. Change it using -i.\n"
"  --latency-dist     Shows latency as a distribution, every -i seconds (default 1).\n"
"  --pipe             Transfer raw protocol from stdin to the server.\n"
"  --pipe-timeout <n> In --pipe mode, abort with error if after sending all data\n"
"                     no reply is received within <n> seconds (default: 30,\n"
"                     0 waits forever).\n"
"  --bigkeys          Sample keys looking for keys with many elements (complexity).\n"
"  --memkeys          Sample keys looking for keys consuming a lot of memory.\n"
"  --memkeys-samples <n> Sample keys looking for keys consuming a lot of memory,\n"
"                     with the number of samples MEMORY USAGE takes.\n"
"  --scan             List all keys using the SCAN command.\n"
"  --pattern <pat>    Keys pattern when using --scan, --bigkeys or --memkeys\n"
"                     (default: *).\n"
"  --count <count>    Count option when using --scan, --bigkeys or --memkeys\n"
"                     (default: 10).\n"
"  --eval <file>      Send an EVAL command using the Lua script at <file>.\n"
"  --no-auth-warning  Don't show warning message when using password on command\n"
"                     line interface.\n"
"  --help             Output this help and exit.\n"
"  --version          Output version and exit.\n"
"\n"
"Examples:\n"
"  valkey-cli -u valkey://default:PASSWORD@localhost:6379/0\n"
"  cat /etc/passwd | valkey-cli -x set mypasswd\n"
"  valkey-cli -D \"\" --raw dump key > key.dump && valkey-cli -X dump_tag restore key2 0 dump_tag replace < key.dump\n"
"  valkey-cli -r 100 lpush mylist x\n"
"  valkey-cli -r 100 -i 1 info | grep used_memory_human:\n"
"  valkey-cli --scan --pattern '*:12345*'\n"
"\n"
"When no command is given, valkey-cli starts in interactive mode.\n"
"Type \"help\" in interactive mode for information on available commands\n"
"and settings.\n"
"\n", CLI_VERSION);
}

static void bad_option(const char *opt) {
    fprintf(stderr, "Unrecognized option or bad number of args for: '%s'\n", opt);
    exit(1);
}

static long long int_arg(const char *opt, const char *v) {
    long long n;
    if (!str_to_ll(v, strlen(v), &n)) {
        fprintf(stderr, "Invalid value for '%s': '%s' is not an integer\n", opt, v);
        exit(1);
    }
    return n;
}

/* Returns the index of the first command word. */
static int parse_options(int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
#define NEXT() (more ? argv[++i] : (bad_option(a), (char *)NULL))
        if (a[0] != '-' || a[1] == '\0') break;
        if (!strcmp(a, "-h") && !more) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "-h")) {
            cli_cfg.host = NEXT();
        } else if (!strcmp(a, "-p")) {
            long long p = int_arg(a, NEXT());
            if (p < 0 || p > 65535) {
                fprintf(stderr, "Invalid server port: %lld\n", p);
                exit(1);
            }
            cli_cfg.port = (int)p;
        } else if (!strcmp(a, "-s")) {
            cli_cfg.unix_path = NEXT();
        } else if (!strcmp(a, "-a") || !strcmp(a, "--pass")) {
            cli_cfg.pass = NEXT();
            if (!cli_cfg.no_auth_warning) cli_cfg.no_auth_warning = -1; /* warn later */
        } else if (!strcmp(a, "--user")) {
            cli_cfg.user = NEXT();
        } else if (!strcmp(a, "-u")) {
            char err[256];
            ToolUri u;
            if (tool_parse_uri(NEXT(), "valkey-cli", &u, err, sizeof(err)) == -1) {
                fprintf(stderr, "%s\n", err);
                exit(1);
            }
            /* The strings live as long as the process. */
            if (u.host) cli_cfg.host = u.host;
            if (u.port != -1) cli_cfg.port = u.port;
            if (u.user) cli_cfg.user = u.user;
            if (u.pass) cli_cfg.pass = u.pass;
            if (u.dbnum != -1) cli_cfg.dbnum = u.dbnum;
            if (cli_cfg.pass && !cli_cfg.no_auth_warning) cli_cfg.no_auth_warning = -1;
        } else if (!strcmp(a, "-n")) {
            cli_cfg.dbnum = (int)int_arg(a, NEXT());
        } else if (!strcmp(a, "-r")) {
            cli_cfg.repeat = int_arg(a, NEXT());
        } else if (!strcmp(a, "-i")) {
            const char *v = NEXT();
            double d;
            if (!str_to_double(v, strlen(v), &d) || d < 0) {
                fprintf(stderr, "Invalid value for '-i': '%s' is not a number of seconds\n", v);
                exit(1);
            }
            cli_cfg.interval = d;
            cli_cfg.interval_set = 1;
        } else if (!strcmp(a, "-x")) {
            cli_cfg.stdin_last_arg = 1;
        } else if (!strcmp(a, "-d")) {
            cli_cfg.mb_delim = NEXT();
        } else if (!strcmp(a, "-D")) {
            cli_cfg.cmd_delim = NEXT();
        } else if (!strcmp(a, "-e")) {
            cli_cfg.exit_on_error = 1;
        } else if (!strcmp(a, "-2")) {
            cli_cfg.resp = 2;
        } else if (!strcmp(a, "-3")) {
            cli_cfg.resp = 3;
        } else if (!strcmp(a, "--raw")) {
            cli_cfg.raw_given = 1;
        } else if (!strcmp(a, "--no-raw")) {
            cli_cfg.no_raw = 1;
        } else if (!strcmp(a, "--csv")) {
            cli_cfg.output = CLI_OUT_CSV;
        } else if (!strcmp(a, "--json")) {
            cli_cfg.output = CLI_OUT_JSON;
        } else if (!strcmp(a, "--quoted-json")) {
            cli_cfg.output = CLI_OUT_QUOTED_JSON;
        } else if (!strcmp(a, "--pipe")) {
            cli_cfg.pipe = 1;
        } else if (!strcmp(a, "--pipe-timeout")) {
            long long t = int_arg(a, NEXT());
            cli_cfg.pipe_timeout = t < 0 ? 0 : (int)t;
        } else if (!strcmp(a, "--scan")) {
            cli_cfg.scan = 1;
        } else if (!strcmp(a, "--pattern")) {
            cli_cfg.pattern = NEXT();
        } else if (!strcmp(a, "--count")) {
            long long c = int_arg(a, NEXT());
            if (c <= 0) {
                fprintf(stderr, "Invalid value for '--count': must be positive\n");
                exit(1);
            }
            cli_cfg.count = (int)c;
        } else if (!strcmp(a, "--stat")) {
            cli_cfg.stat = 1;
        } else if (!strcmp(a, "--latency")) {
            cli_cfg.latency = 1;
        } else if (!strcmp(a, "--latency-history")) {
            cli_cfg.latency = cli_cfg.latency_history = 1;
        } else if (!strcmp(a, "--latency-dist")) {
            cli_cfg.latency = cli_cfg.latency_dist = 1;
        } else if (!strcmp(a, "--bigkeys")) {
            cli_cfg.bigkeys = 1;
        } else if (!strcmp(a, "--memkeys")) {
            cli_cfg.memkeys = 1;
        } else if (!strcmp(a, "--memkeys-samples")) {
            cli_cfg.memkeys = 1;
            cli_cfg.memkeys_samples = int_arg(a, NEXT());
        } else if (!strcmp(a, "--eval")) {
            cli_cfg.eval = NEXT();
        } else if (!strcmp(a, "--no-auth-warning")) {
            cli_cfg.no_auth_warning = 1;
        } else if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
            printf("valkey-cli %s\n", CLI_VERSION);
            exit(0);
        } else if (!strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else {
            bad_option(a);
        }
#undef NEXT
    }
    return i;
}

int main(int argc, char **argv) {
    /* Line editing allocates through our accounting allocator too. */
    le_set_allocator(mem_alloc, mem_realloc, mem_free);
    cli_cfg.host = "127.0.0.1";
    cli_cfg.port = 6379;
    cli_cfg.resp = 0;
    cli_cfg.repeat = 1;
    cli_cfg.count = 10;
    cli_cfg.pipe_timeout = 30;
    cli_cfg.hints = 1;
    cli_cfg.output = -1;
    if (getenv("VALKEYCLI_AUTH")) cli_cfg.pass = getenv("VALKEYCLI_AUTH");
    else if (getenv("REDISCLI_AUTH")) cli_cfg.pass = getenv("REDISCLI_AUTH");

    int first = parse_options(argc, argv);
    argc -= first;
    argv += first;

    if (cli_cfg.output == -1) {
        int tty = cli_stdout_tty();
        cli_cfg.output = (cli_cfg.raw_given || (!tty && !cli_cfg.no_raw)) ? CLI_OUT_RAW : CLI_OUT_STANDARD;
        if (cli_cfg.raw_given && cli_cfg.no_raw) cli_cfg.output = CLI_OUT_STANDARD;
    }
    /* JSON shows maps as objects only in RESP3: it is the default there. */
    if (cli_cfg.resp == 0)
        cli_cfg.resp = (cli_cfg.output == CLI_OUT_JSON || cli_cfg.output == CLI_OUT_QUOTED_JSON) ? 3 : 2;
    if (cli_cfg.no_auth_warning == -1)
        fprintf(stderr, "Warning: Using a password with '-a' or '-u' option on the command"
                        " line interface may not be safe.\n");
    if (cli_cfg.user && !cli_cfg.pass) {
        fprintf(stderr, "--user requires a password: use -a or --pass too\n");
        return 1;
    }

    if (cli_cfg.pipe) return cli_mode_pipe();
    if (cli_cfg.scan) return cli_mode_scan();
    if (cli_cfg.stat) return cli_mode_stat();
    if (cli_cfg.latency) return cli_mode_latency();
    if (cli_cfg.bigkeys || cli_cfg.memkeys) return cli_mode_bigkeys(cli_cfg.memkeys);
    if (cli_cfg.eval) return cli_mode_eval(argc, argv);

    if (argc == 0) {
        cli_repl();
        return 0;
    }

    if (cli_connect(0) == -1) return 1;
    char **cargv = mem_alloc(sizeof(char *) * (size_t)(argc + 1));
    size_t *lens = mem_alloc(sizeof(size_t) * (size_t)(argc + 1));
    for (int i = 0; i < argc; i++) {
        cargv[i] = argv[i];
        lens[i] = strlen(argv[i]);
    }
    Str *last = NULL;
    if (cli_cfg.stdin_last_arg) {
        last = read_all_stdin();
        cargv[argc] = last->buf;
        lens[argc] = last->len;
        argc++;
    }
    int rc = run_one_shot(argc, cargv, lens);
    if (last) str_free(last);
    mem_free(cargv);
    mem_free(lens);
    cli_disconnect();
    return rc;
}
