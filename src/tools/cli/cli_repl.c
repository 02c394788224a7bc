/* cli_repl.c - valkey-cli's interactive mode: the prompt
 * ("127.0.0.1:6379[2](TX)> "), history kept in ~/.valkeycli_history (or
 * $VALKEYCLI_HISTFILE), completion and hints from cli_help.c, the local
 * commands (HELP, CONNECT, CLEAR, QUIT/EXIT, :set hints), a numeric
 * repeat prefix ("3 incr x"), the time taken by slow commands, and
 * reconnecting when the server went away.
 *
 * When stdin is not a terminal the same loop reads plain lines: no prompt,
 * no history, no line editing, as valkey-cli does, so a script piping
 * commands in gets the same local commands and (with FAKETTY) the same
 * output a person would.
 *
 * Invariant: a command whose send fails because the connection dropped is
 * retried once on a fresh connection, so a server restart costs the user
 * nothing but the error line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "../../ds/alloc.h"
#include "../../../deps/lineedit/lineedit.h"
#include "../../../deps/numconv/numconv.h"

static char *history_path(void) {
    const char *env = getenv("VALKEYCLI_HISTFILE");
    if (env) {
        if (!*env || !strcmp(env, "/dev/null")) return NULL;
        return mem_strdup(env);
    }
    const char *home = getenv("HOME");
    if (!home || !*home) return NULL;
    size_t n = strlen(home) + 32;
    char *p = mem_alloc(n);
    snprintf(p, n, "%s/.valkeycli_history", home);
    return p;
}

static void build_prompt(char *buf, size_t cap) {
    size_t n;
    if (!cli_connected()) {
        snprintf(buf, cap, "not connected> ");
        return;
    }
    if (cli_cfg.unix_path) n = (size_t)snprintf(buf, cap, "%s", cli_cfg.unix_path);
    else if (strchr(cli_cfg.host, ':')) n = (size_t)snprintf(buf, cap, "[%s]:%d", cli_cfg.host, cli_cfg.port);
    else n = (size_t)snprintf(buf, cap, "%s:%d", cli_cfg.host, cli_cfg.port);
    if (n < cap && cli_cfg.dbnum) n += (size_t)snprintf(buf + n, cap - n, "[%d]", cli_cfg.dbnum);
    if (n < cap && cli_cfg.in_multi) n += (size_t)snprintf(buf + n, cap - n, "(TX)");
    if (n < cap) snprintf(buf + n, cap - n, "> ");
}

static void add_completion(const char *s, void *ctx) { le_add_completion((LeCompletions *)ctx, s); }

static void complete_cb(const char *line, LeCompletions *lc, void *ctx) {
    (void)ctx;
    cli_help_complete(line, add_completion, lc);
}

static char *hint_cb(const char *line, int *color, int *bold, void *ctx) {
    (void)ctx;
    if (!cli_cfg.hints) return NULL;
    *color = 90;
    *bold = 0;
    return cli_help_hint(line);
}

/* Lines that may carry a password stay out of the history file. */
static int is_sensitive(int argc, char **argv) {
    if (!strcasecmp(argv[0], "auth") || !strcasecmp(argv[0], "migrate")) return 1;
    if (!strcasecmp(argv[0], "hello")) {
        for (int i = 1; i < argc; i++)
            if (!strcasecmp(argv[i], "auth")) return 1;
    }
    if (argc >= 2 && !strcasecmp(argv[0], "acl") && !strcasecmp(argv[1], "setuser")) return 1;
    if (argc >= 3 && !strcasecmp(argv[0], "config") && !strcasecmp(argv[1], "set")) {
        for (int i = 2; i < argc; i += 2)
            if (!strcasecmp(argv[i], "requirepass") || !strcasecmp(argv[i], "masterauth")) return 1;
    }
    return 0;
}

/* Errors about the connection go to stderr, as valkey-cli prints them;
 * stdout is flushed first so both streams keep their order on a terminal. */
static void conn_error(const char *fmt, const char *msg) {
    fflush(stdout);
    fprintf(stderr, fmt, msg);
    fflush(stderr);
}

static void run_command(int argc, char **argv, size_t *lens) {
    if (!cli_connected() && cli_connect(1) == 0 && !cli_cfg.from_stdin) cli_help_load();
    if (!cli_connected()) {
        conn_error("%s\n", cli_conn.err);
        return;
    }
    if (cli_send_and_print(argc, argv, lens) == 0) return;
    conn_error("Error: %s\n", cli_conn.err);
    /* The server may have restarted: one fresh connection, one retry. */
    int db = cli_cfg.dbnum;
    if (cli_connect(1) == 0) {
        cli_cfg.in_multi = 0;
        cli_cfg.dbnum = db;
        if (cli_send_and_print(argc, argv, lens) == -1) {
            conn_error("Error: %s\n", cli_conn.err);
            cli_disconnect();
        }
    }
}

/* One line from a pipe or file, without its newline; NULL at the end. */
static char *read_plain_line(void) {
    Str *l = str_with_capacity(128);
    int c, any = 0;
    while ((c = getchar()) != EOF) {
        any = 1;
        if (c == '\n') break;
        char b = (char)c;
        l = str_cat(l, &b, 1);
    }
    if (!any) {
        str_free(l);
        return NULL;
    }
    char *line = mem_alloc(l->len + 1);
    memcpy(line, l->buf, l->len + 1);
    str_free(l);
    return line;
}

/* A line's local command or the command for the server. Returns 0 when the
 * loop must end (QUIT/EXIT). */
static int run_line(int argc, char **argv, size_t *lens) {
    long times;
    int skip = cli_repeat_prefix(argc, argv, &times);
    if (skip < 0) return 1;
    char **av = argv + skip;
    size_t *lv = lens + skip;
    int ac = argc - skip;

    /* As in valkey-cli, the first word decides, before any count. */
    if (!strcasecmp(argv[0], "quit") || !strcasecmp(argv[0], "exit")) return 0;
    if (!strcasecmp(av[0], "help") || !strcasecmp(av[0], "?")) {
        cli_help_print(ac - 1, av + 1);
    } else if (av[0][0] == ':') {
        if (!strcasecmp(av[0], ":set") && ac == 2 && !strcasecmp(av[1], "hints")) cli_cfg.hints = 1;
        else if (!strcasecmp(av[0], ":set") && ac == 2 && !strcasecmp(av[1], "nohints")) cli_cfg.hints = 0;
        else if (!strcasecmp(av[0], ":set") && ac == 2) printf("Unknown valkey-cli preference '%s'\n", av[1]);
    } else if (!strcasecmp(av[0], "restart")) {
        printf("Use 'restart' only in Lua debugging mode.\n");
    } else if (ac == 1 && !strcasecmp(av[0], "clear")) {
        le_clear_screen();
    } else if (!strcasecmp(av[0], "connect")) {
        if (ac < 2 || ac > 3) {
            printf("(error) usage: CONNECT host [port]\n");
        } else {
            long long port = cli_cfg.port;
            if (ac == 3 && (!str_to_ll(av[2], lv[2], &port) || port < 0 || port > 65535)) {
                printf("(error) invalid port '%s'\n", av[2]);
            } else {
                cli_cfg.host = mem_strdup(av[1]); /* lives as long as the process */
                cli_cfg.port = (int)port;
                cli_cfg.unix_path = NULL;
                cli_cfg.dbnum = 0;
                cli_cfg.in_multi = 0;
                cli_connect(0);
                cli_help_load();
            }
        }
    } else {
        int64_t start = cli_mstime();
        for (long i = 0; i < times; i++) {
            run_command(ac, av, lv);
            if (!cli_connected()) break;
        }
        /* A person waiting on a slow command is told how long it took. */
        int64_t took = cli_mstime() - start;
        if (took >= 500 && cli_cfg.output == CLI_OUT_STANDARD) printf("(%.2fs)\n", (double)took / 1000);
    }
    return 1;
}

void cli_repl(void) {
    cli_cfg.interactive = 1;
    int term = isatty(STDIN_FILENO);
    cli_cfg.from_stdin = !term;
    LeEditor ed;
    le_editor_init(&ed, 100);
    ed.complete = complete_cb;
    ed.hint = hint_cb;
    /* History is for a person at a terminal, not for a script's lines. */
    char *hist = term ? history_path() : NULL;
    if (hist) le_history_load(&ed.history, hist);

    /* A pipe loads the command docs only if it asks for HELP. */
    cli_connect(0);
    if (term) cli_help_load();

    char prompt[512];
    for (;;) {
        char *line;
        if (term) {
            build_prompt(prompt, sizeof(prompt));
            line = le_readline(&ed, prompt);
        } else {
            line = read_plain_line();
        }
        if (!line) break;
        int argc;
        size_t *lens;
        char **argv = cli_split_args(line, &argc, &lens);
        if (!argv) {
            printf("Invalid argument(s)\n");
            fflush(stdout);
            mem_free(line);
            continue;
        }
        if (argc == 0) {
            cli_free_args(argv, argc, lens);
            mem_free(line);
            continue;
        }
        if (term && !is_sensitive(argc, argv)) {
            le_history_add(&ed.history, line);
            if (hist) le_history_save(&ed.history, hist);
        }
        mem_free(line);
        int go_on = run_line(argc, argv, lens);
        fflush(stdout);
        cli_free_args(argv, argc, lens);
        if (!go_on) break;
    }
    if (hist) {
        le_history_save(&ed.history, hist);
        mem_free(hist);
    }
    le_editor_free(&ed);
    cli_help_free();
    cli_disconnect();
}
