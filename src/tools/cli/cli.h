/* cli.h - what the parts of valkey-cli share: the options (one CliConfig,
 * filled by cli_main.c from the command line), the connection, reply
 * formatting, the interactive loop, the special modes and command help.
 *
 * Invariant: cli_conn is connected (fd != -1) or cli_connected() is 0;
 * every mode goes through cli_connect() so authentication, SELECT and the
 * protocol version are applied the same way after a reconnect. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "../../ds/str.h"
#include "../common/tool_conn.h"

#define CLI_VERSION "8.0.0"

enum { CLI_OUT_STANDARD, CLI_OUT_RAW, CLI_OUT_CSV, CLI_OUT_JSON, CLI_OUT_QUOTED_JSON };

typedef struct CliConfig {
    char *host;
    int port;
    char *unix_path;
    char *user;
    char *pass;
    int dbnum;            /* requested with -n / the URI, and after SELECT */
    int resp;             /* 2 or 3 */
    int64_t repeat;       /* -r; -1 = forever */
    double interval;      /* -i, seconds */
    int interval_set;
    int stdin_last_arg;   /* -x */
    char *mb_delim;       /* -d */
    char *cmd_delim;      /* -D */
    int exit_on_error;    /* -e */
    int output;           /* CLI_OUT_* */
    int no_raw;           /* --no-raw given */
    int raw_given;
    int pipe;
    int pipe_timeout;     /* seconds; 0 = wait forever */
    int scan;
    char *pattern;
    int count;
    int stat;
    int latency, latency_history, latency_dist;
    int bigkeys, memkeys;
    int64_t memkeys_samples;
    int no_auth_warning;
    char *eval;
    int interactive;      /* the REPL is running */
    int in_multi;         /* for the (TX) prompt */
    int hints;            /* :set hints */
    int last_error;       /* the last reply was an error */
    int from_stdin;       /* the interactive loop reads a pipe, not a terminal */
} CliConfig;

extern CliConfig cli_cfg;
extern ToolConn cli_conn;

/* cli_main.c */
int cli_connect(int quiet);        /* 0 or -1 (message printed unless quiet) */
int cli_connected(void);
void cli_disconnect(void);
/* 1 when output is for a person: stdout is a terminal or FAKETTY is set. */
int cli_stdout_tty(void);
/* "3 incr x": 1 with *times set when argv[0] is a repeat count, 0 when it is
 * not a number, -1 (message printed) when it is a number below 1 or too big. */
int cli_repeat_prefix(int argc, char **argv, long *times);
/* Sends argv, reads and prints the reply (with -r/-i handled by the caller).
 * Returns 0, or -1 when the connection failed. */
int cli_send_and_print(int argc, char **argv, size_t *lens);
/* Splits a line the way the cli does ("quoted \x41", 'single'); returns
 * NULL on unbalanced quotes.  Free with cli_free_args. */
char **cli_split_args(const char *line, int *argc, size_t **lens);
void cli_free_args(char **argv, int argc, size_t *lens);
/* Reads the next reply; prints nothing. */
int cli_read_reply(RespValue **out);
void cli_sleep_seconds(double s);
int64_t cli_mstime(void);
int64_t cli_ustime(void);

/* cli_format.c */
Str *cli_format_tty(Str *out, const RespValue *v, const char *prefix);
Str *cli_format_raw(Str *out, const RespValue *v);
Str *cli_format_csv(Str *out, const RespValue *v);
Str *cli_format_json(Str *out, const RespValue *v, int quoted);
/* The whole reply as the current output mode prints it. */
Str *cli_format_reply(Str *out, const RespValue *v, int mode);
int cli_reply_is_error(const RespValue *v);
/* Quoted, escaped form of bytes: "a\x00b\n". */

/* cli_repl.c */
void cli_repl(void);

/* cli_help.c */
void cli_help_load(void);                 /* from COMMAND DOCS, or built-in names */
void cli_help_print(int argc, char **argv);
void cli_help_free(void);
/* Completion candidates and hints for the current line. */
void cli_help_complete(const char *line, void (*add)(const char *, void *), void *ctx);
char *cli_help_hint(const char *line);   /* mem_alloc'ed, or NULL */

/* cli_modes.c */
int cli_mode_pipe(void);
int cli_mode_scan(void);
int cli_mode_stat(void);
int cli_mode_latency(void);
int cli_mode_bigkeys(int memkeys);
int cli_mode_eval(int argc, char **argv);

#endif
