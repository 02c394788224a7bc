/* bench_main.c - valkey-benchmark's entry point: options as Valkey's
 * benchmark takes them (-u URIs parsed as the cli parses them), the
 * default test list with the same command shapes and key names, a command
 * given on the command line (with -x, its last argument read from stdin),
 * idle mode (-I), and the set-up done once over a blocking connection
 * (AUTH, the server's "save" and "appendonly" settings for the report).
 *
 * Invariant: every test is built into a BenchJob before it runs, and the
 * engine (bench_run.c) only ever sees jobs and the parsed options. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "../../ds/alloc.h"
#include "../../ds/str.h"
#include "../common/tool_conn.h"
#include "../common/tool_uri.h"
#include "../../../deps/numconv/numconv.h"

#define BENCH_VERSION "8.0.0"

static void usage(FILE *out) {
    fprintf(out,
        "Usage: valkey-benchmark [OPTIONS] [COMMAND ARGS...]\n"
        "\n"
        "Options:\n"
        " -h <hostname>      Server hostname (default 127.0.0.1)\n"
        " -p <port>          Server port (default 6379)\n"
        " -s <socket>        Server socket (overrides host and port)\n"
        " -a <password>      Password for Valkey Auth\n"
        " --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
        " -u <uri>           Server URI: valkey://[[user]:password@]host[:port][/db]\n"
        "                    (or redis://). Every part is optional; a password\n"
        "                    without a user authenticates the 'default' user.\n"
        " -c <clients>       Number of parallel connections (default 50)\n"
        " -n <requests>      Total number of requests (default 100000)\n"
        " -d <size>          Data size of SET/GET value in bytes (default 3)\n"
        " --dbnum <db>       SELECT the specified db number (default 0)\n"
        " -3                 Start session in RESP3 protocol mode.\n"
        " --threads <num>    Enable multi-thread mode.\n"
        " -k <boolean>       1=keep alive 0=reconnect (default 1)\n"
        " -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,\n"
        "                    random members and scores for ZADD.\n"
        "                    With this option every __rand_int__ in an argument is\n"
        "                    replaced by a 12 digit number from 0 to keyspacelen-1,\n"
        "                    a new one for every command sent.\n"
        "                    Without -r, all commands of a test use the same key.\n"
        " -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).\n"
        " -e                 Show server errors (at most one a second) and keep going;\n"
        "                    without it the first error reply ends the run.\n"
        " -q                 Quiet. Just show query/sec values\n"
        " --precision        Latency precision (0-4); accepted for compatibility,\n"
        "                    the report always shows 3 decimals.\n"
        " --csv              Output in CSV format\n"
        " -l                 Loop. Run the tests forever\n"
        " -t <tests>         Only run the comma separated list of tests. The test\n"
        "                    names are the same as the ones produced as output.\n"
        "                    The -t option is ignored if a specific command is supplied\n"
        "                    on the command line.\n"
        " -I                 Idle mode. Just open N idle connections and wait.\n"
        " -x                 Read last argument from STDIN.\n"
        " --seed <num>       Seed for the random numbers (default: from the clock).\n"
        " --help             Output this help and exit.\n"
        " --version          Output version and exit.\n"
        "\n"
        "Examples:\n"
        "\n"
        " Run the benchmark with the default configuration against 127.0.0.1:6379:\n"
        "   $ valkey-benchmark\n"
        "\n"
        " Use 20 parallel clients, for a total of 100k requests, against 192.168.1.1:\n"
        "   $ valkey-benchmark -h 192.168.1.1 -p 6379 -n 100000 -c 20\n"
        "\n"
        " Fill 127.0.0.1:6379 with about 1 million keys only using the SET test:\n"
        "   $ valkey-benchmark -t set -n 1000000 -r 100000000\n"
        "\n"
        " Benchmark 127.0.0.1:6379 for a few commands producing CSV output:\n"
        "   $ valkey-benchmark -t ping,set,get -n 100000 --csv\n"
        "\n"
        " Benchmark a specific command line:\n"
        "   $ valkey-benchmark -r 10000 -n 10000 eval 'return server.call(\"ping\")' 0\n"
        "\n"
        " Fill a list with 10000 random elements:\n"
        "   $ valkey-benchmark -r 10000 -n 10000 lpush mylist __rand_int__\n");
}

static void invalid(const char *opt, const char *why) {
    if (why) fprintf(stderr, "Invalid value for option \"%s\": %s\n\n", opt, why);
    else fprintf(stderr, "Invalid option \"%s\" or option argument missing\n\n", opt);
    usage(stderr);
    exit(1);
}

static int64_t parse_int(const char *opt, const char *s) {
    long long v;
    if (!str_to_ll(s, strlen(s), &v)) invalid(opt, "not an integer");
    return v;
}

/* ",a,b," in lower case, so a name matches only whole. */
static char *tests_list(const char *s) {
    size_t n = strlen(s);
    char *out = mem_alloc(n + 3);
    out[0] = ',';
    for (size_t i = 0; i < n; i++) out[i + 1] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    out[n + 1] = ',';
    out[n + 2] = '\0';
    return out;
}

static int selected(const BenchConfig *cfg, const char *name) {
    if (!cfg->tests) return 1;
    char pat[64];
    snprintf(pat, sizeof(pat), ",%s,", name);
    return strstr(cfg->tests, pat) != NULL;
}

/* Every name -t knows, to reject a typo instead of running nothing. */
static const char *known_tests[] = {
    "ping", "ping_inline", "ping_mbulk", "set", "get", "incr", "lpush", "rpush", "lpop", "rpop", "sadd", "hset",
    "spop", "zadd", "zpopmin", "lrange", "lrange_100", "lrange_300", "lrange_500", "lrange_600", "mset", "xadd", NULL};

static void check_tests(const char *list) {
    const char *p = list;
    while (*p) {
        while (*p == ',') p++;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0) break;
        int ok = 0;
        for (int i = 0; known_tests[i]; i++)
            if (strlen(known_tests[i]) == len && strncmp(known_tests[i], p, len) == 0) ok = 1;
        if (!ok) {
            fprintf(stderr, "Unknown test \"%.*s\" in -t (known tests: ping_inline, ping_mbulk, set, get, incr,"
                            " lpush, rpush, lpop, rpop, sadd, hset, spop, zadd, zpopmin, lrange_100, lrange_300,"
                            " lrange_500, lrange_600, mset, xadd; ping and lrange select groups)\n", (int)len, p);
            exit(1);
        }
        p += len;
    }
}

/* Every -u given, owning the strings BenchConfig points to. */
static ToolUri *bench_uris;
static int bench_nuris;

/* Returns the index of the first command word, argc if none. */
static int parse_options(BenchConfig *cfg, int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        int more = i + 1 < argc;
#define ARG() (more ? argv[++i] : (invalid(o, NULL), (char *)NULL))
        if (!strcmp(o, "-h")) cfg->host = ARG();
        else if (!strcmp(o, "-p")) {
            int64_t v = parse_int(o, ARG());
            if (v < 0 || v > 65535) invalid(o, "port out of range");
            cfg->port = (int)v;
        } else if (!strcmp(o, "-s")) cfg->unix_path = ARG();
        else if (!strcmp(o, "-a")) cfg->auth = ARG();
        else if (!strcmp(o, "--user")) cfg->user = ARG();
        else if (!strcmp(o, "-u")) {
            char err[256];
            ToolUri u;
            if (tool_parse_uri(ARG(), "valkey-benchmark", &u, err, sizeof(err)) == -1) {
                fprintf(stderr, "%s\n", err);
                exit(1);
            }
            /* cfg points into the parsed strings: they are kept until the end. */
            bench_uris = mem_realloc(bench_uris, sizeof(ToolUri) * (size_t)(bench_nuris + 1));
            bench_uris[bench_nuris++] = u;
            if (u.host) cfg->host = u.host;
            if (u.port != -1) cfg->port = u.port;
            if (u.user) cfg->user = u.user;
            if (u.pass) cfg->auth = u.pass;
            if (u.dbnum != -1) cfg->dbnum = u.dbnum;
        } else if (!strcmp(o, "-I")) cfg->idle = 1;
        else if (!strcmp(o, "-x")) cfg->stdin_last_arg = 1;
        else if (!strcmp(o, "-c")) {
            int64_t v = parse_int(o, ARG());
            cfg->clients = v < 1 ? 1 : v > BENCH_MAX_CLIENTS ? BENCH_MAX_CLIENTS : (int)v;
        } else if (!strcmp(o, "-n")) {
            cfg->requests = parse_int(o, ARG());
            if (cfg->requests < 1) invalid(o, "the number of requests must be positive");
        } else if (!strcmp(o, "-d")) {
            int64_t v = parse_int(o, ARG());
            cfg->datasize = v < 1 ? 1 : v > 1024 * 1024 * 1024 ? 1024 * 1024 * 1024 : (int)v;
        } else if (!strcmp(o, "--dbnum")) {
            int64_t v = parse_int(o, ARG());
            if (v < 0 || v > INT32_MAX) invalid(o, "db number out of range");
            cfg->dbnum = (int)v;
        } else if (!strcmp(o, "-3")) cfg->resp3 = 1;
        else if (!strcmp(o, "--threads")) {
            int64_t v = parse_int(o, ARG());
            if (v > BENCH_MAX_THREADS) {
                printf("WARNING: Too many threads, limiting threads to %d.\n", BENCH_MAX_THREADS);
                v = BENCH_MAX_THREADS;
            }
            cfg->threads = v < 0 ? 0 : (int)v;
        } else if (!strcmp(o, "-k")) cfg->keepalive = parse_int(o, ARG()) != 0;
        else if (!strcmp(o, "-r")) {
            int64_t v = parse_int(o, ARG());
            if (v > 1000000000000LL) invalid(o, "the keyspace length has at most 12 digits");
            cfg->keyspace = v < 0 ? 0 : v;
        } else if (!strcmp(o, "-P")) {
            int64_t v = parse_int(o, ARG());
            cfg->pipeline = v < 1 ? 1 : v > BENCH_MAX_PIPELINE ? BENCH_MAX_PIPELINE : (int)v;
        } else if (!strcmp(o, "-e")) cfg->show_errors = 1;
        else if (!strcmp(o, "-q")) cfg->quiet = 1;
        else if (!strcmp(o, "--csv")) cfg->csv = 1;
        else if (!strcmp(o, "-l")) cfg->loop = 1;
        else if (!strcmp(o, "-t")) {
            const char *t = ARG();
            mem_free(cfg->tests);
            cfg->tests = tests_list(t);
            check_tests(cfg->tests);
        } else if (!strcmp(o, "--precision")) {
            int64_t v = parse_int(o, ARG());
            cfg->precision = v < 0 ? 0 : v > 4 ? 4 : (int)v;
        } else if (!strcmp(o, "--seed")) cfg->seed = (uint64_t)parse_int(o, ARG());
        else if (!strcmp(o, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(o, "--version") || !strcmp(o, "-v")) {
            printf("valkey-benchmark %s\n", BENCH_VERSION);
            exit(0);
        } else if (!strcmp(o, "--")) {
            return i + 1;
        } else if (o[0] == '-') {
            invalid(o, NULL);
        } else {
            break; /* the command to benchmark */
        }
#undef ARG
    }
    return i;
}

/* One blocking connection before the run: checks that the server answers
 * and that AUTH works, and reads what the report shows of its config. */
static void fetch_server_config(BenchConfig *cfg) {
    ToolConn c;
    char where[300];
    if (cfg->unix_path) snprintf(where, sizeof(where), "%s", cfg->unix_path);
    else snprintf(where, sizeof(where), "%s:%d", cfg->host, cfg->port);
    if (tool_connect(&c, cfg->host, cfg->port, cfg->unix_path, 5000) == -1) {
        /* tool_conn says "...at <where>: <reason>": keep the reason. */
        const char *why = strrchr(c.err, ':');
        fprintf(stderr, "Could not connect to server at %s: %s\n", where, why ? why + 2 : c.err);
        exit(1);
    }
    RespValue *r = NULL;
    if (cfg->auth) {
        int rc = cfg->user ? tool_commandv(&c, &r, "AUTH", cfg->user, cfg->auth, NULL)
                           : tool_commandv(&c, &r, "AUTH", cfg->auth, NULL);
        if (rc == -1 || r->type == RESP_T_ERROR) {
            fprintf(stderr, "Node %s replied with error:\n%s\n", where, rc == -1 ? c.err : r->str);
            exit(1);
        }
        resp_value_free(r);
    }
    const char *names[2] = {"save", "appendonly"};
    char *vals[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        r = NULL;
        if (tool_commandv(&c, &r, "CONFIG", "GET", names[i], NULL) == -1) break;
        if (r->type == RESP_T_ERROR && !strncmp(r->str, "NOAUTH", 6)) {
            fprintf(stderr, "Node %s replied with error:\n%s\n", where, r->str);
            exit(1);
        }
        /* RESP2 gives [name, value]; a RESP3 map holds the same pair. */
        if ((r->type == RESP_T_ARRAY || r->type == RESP_T_MAP) && r->count >= 1 && r->elem[1]->str)
            vals[i] = mem_strdup(r->elem[1]->str);
        resp_value_free(r);
    }
    tool_close(&c);
    if (vals[0] && vals[1]) {
        cfg->conf_save = vals[0];
        cfg->conf_appendonly = vals[1];
    } else {
        fprintf(stderr, "WARNING: Could not fetch server CONFIG\n");
        mem_free(vals[0]);
        mem_free(vals[1]);
    }
}

static void run_one(const BenchConfig *cfg, BenchJob *job) {
    BenchResult res;
    bench_run(cfg, job, &res);
    bench_report(cfg, job, &res);
    hist_free(&res.hist);
    bench_job_free(job);
}

static BenchJob *job(const char *title, int argc, const char **argv) {
    return bench_job_new(title, argc, argv, NULL, 0);
}

static void run_default_tests(const BenchConfig *cfg, const char *data) {
    const char *key = "key:__rand_int__";
    if (selected(cfg, "ping_inline") || selected(cfg, "ping")) {
        const char *a[] = {"PING"};
        run_one(cfg, bench_job_new("PING_INLINE", 1, a, NULL, 1));
    }
    if (selected(cfg, "ping_mbulk") || selected(cfg, "ping")) {
        const char *a[] = {"PING"};
        run_one(cfg, job("PING_MBULK", 1, a));
    }
    if (selected(cfg, "set")) {
        const char *a[] = {"SET", key, data};
        run_one(cfg, job("SET", 3, a));
    }
    if (selected(cfg, "get")) {
        const char *a[] = {"GET", key};
        run_one(cfg, job("GET", 2, a));
    }
    if (selected(cfg, "incr")) {
        const char *a[] = {"INCR", "counter:__rand_int__"};
        run_one(cfg, job("INCR", 2, a));
    }
    if (selected(cfg, "lpush")) {
        const char *a[] = {"LPUSH", "mylist", data};
        run_one(cfg, job("LPUSH", 3, a));
    }
    if (selected(cfg, "rpush")) {
        const char *a[] = {"RPUSH", "mylist", data};
        run_one(cfg, job("RPUSH", 3, a));
    }
    if (selected(cfg, "lpop")) {
        const char *a[] = {"LPOP", "mylist"};
        run_one(cfg, job("LPOP", 2, a));
    }
    if (selected(cfg, "rpop")) {
        const char *a[] = {"RPOP", "mylist"};
        run_one(cfg, job("RPOP", 2, a));
    }
    if (selected(cfg, "sadd")) {
        const char *a[] = {"SADD", "myset", "element:__rand_int__"};
        run_one(cfg, job("SADD", 3, a));
    }
    if (selected(cfg, "hset")) {
        const char *a[] = {"HSET", "myhash", "element:__rand_int__", data};
        run_one(cfg, job("HSET", 4, a));
    }
    if (selected(cfg, "spop")) {
        const char *a[] = {"SPOP", "myset"};
        run_one(cfg, job("SPOP", 2, a));
    }
    if (selected(cfg, "zadd")) {
        /* With -r the score is random too. */
        const char *a[] = {"ZADD", "myzset", cfg->keyspace ? "__rand_int__" : "0", "element:__rand_int__"};
        run_one(cfg, job("ZADD", 4, a));
    }
    if (selected(cfg, "zpopmin")) {
        const char *a[] = {"ZPOPMIN", "myzset"};
        run_one(cfg, job("ZPOPMIN", 2, a));
    }
    static const struct { const char *name, *title, *last; } ranges[] = {
        {"lrange_100", "LRANGE_100 (first 100 elements)", "99"},
        {"lrange_300", "LRANGE_300 (first 300 elements)", "299"},
        {"lrange_500", "LRANGE_500 (first 500 elements)", "499"},
        {"lrange_600", "LRANGE_600 (first 600 elements)", "599"},
    };
    int any_range = selected(cfg, "lrange");
    for (int i = 0; i < 4; i++) any_range |= selected(cfg, ranges[i].name);
    if (any_range) {
        const char *a[] = {"LPUSH", "mylist", data};
        run_one(cfg, job("LPUSH (needed to benchmark LRANGE)", 3, a));
    }
    for (int i = 0; i < 4; i++) {
        if (!selected(cfg, "lrange") && !selected(cfg, ranges[i].name)) continue;
        const char *a[] = {"LRANGE", "mylist", "0", ranges[i].last};
        run_one(cfg, job(ranges[i].title, 4, a));
    }
    if (selected(cfg, "mset")) {
        const char *a[21];
        a[0] = "MSET";
        for (int i = 1; i < 21; i += 2) {
            a[i] = key;
            a[i + 1] = data;
        }
        run_one(cfg, job("MSET (10 keys)", 21, a));
    }
    if (selected(cfg, "xadd")) {
        const char *a[] = {"XADD", "mystream", "*", "myfield", data};
        run_one(cfg, job("XADD", 5, a));
    }
}

/* All of stdin, binary safe (-x). */
static Str *read_stdin(void) {
    Str *s = str_with_capacity(1024);
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) s = str_cat(s, buf, n);
    return s;
}

/* Lets -c go past the default descriptor limit when the system allows. */
static void raise_fd_limit(int want) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= (rlim_t)want) return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)want ? (rlim_t)want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv) {
    BenchConfig cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.host = "127.0.0.1";
    cfg.port = 6379;
    cfg.clients = 50;
    cfg.requests = 100000;
    cfg.datasize = 3;
    cfg.keepalive = 1;
    cfg.pipeline = 1;
    cfg.precision = 3;
    cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    int first = parse_options(&cfg, argc, argv);
    if (cfg.user && !cfg.auth) {
        fprintf(stderr, "--user needs -a to give the password\n");
        return 1;
    }
    if (!cfg.keepalive)
        fprintf(stderr, "WARNING: Keepalive disabled. You probably need 'echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse'"
                        " for Linux and 'sudo sysctl -w net.inet.tcp.msl=1000' for Mac OS X in order to use a lot"
                        " of clients/requests\n");
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(cfg.clients + 128);
    fetch_server_config(&cfg);
    if (cfg.idle) {
        printf("Creating %d idle connections and waiting forever (Ctrl+C when done)\n", cfg.clients);
        fflush(stdout);
        bench_idle(&cfg);
    }

    char *data = mem_alloc((size_t)cfg.datasize + 1);
    memset(data, 'x', (size_t)cfg.datasize);
    data[cfg.datasize] = '\0';

    if (cfg.csv) bench_report_csv_header();
    /* A command line: its words, then stdin as the last one with -x. */
    int cargc = argc - first;
    const char **cargv = NULL;
    size_t *clens = NULL;
    Str *title = NULL, *last = NULL;
    if (cargc > 0) {
        cargv = mem_alloc(sizeof(char *) * (size_t)(cargc + 1));
        clens = mem_alloc(sizeof(size_t) * (size_t)(cargc + 1));
        /* The title is the command line as typed, without stdin's part. */
        title = str_with_capacity(64);
        for (int i = 0; i < cargc; i++) {
            cargv[i] = argv[first + i];
            clens[i] = strlen(cargv[i]);
            if (i) title = str_cat(title, " ", 1);
            title = str_cat_cstr(title, cargv[i]);
        }
        if (cfg.stdin_last_arg) {
            last = read_stdin();
            cargv[cargc] = last->buf;
            clens[cargc] = last->len;
            cargc++;
        }
    }
    do {
        if (cargc > 0) {
            run_one(&cfg, bench_job_new(title->buf, cargc, cargv, clens, 0));
        } else {
            run_default_tests(&cfg, data);
        }
        bench_report_end(&cfg);
    } while (cfg.loop);

    if (title) str_free(title);
    if (last) str_free(last);
    mem_free(cargv);
    mem_free(clens);
    mem_free(data);
    mem_free(cfg.tests);
    mem_free(cfg.conf_save);
    mem_free(cfg.conf_appendonly);
    for (int i = 0; i < bench_nuris; i++) tool_uri_free(&bench_uris[i]);
    mem_free(bench_uris);
    return 0;
}
