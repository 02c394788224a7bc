/* config_file.c - the config file, both ways: reading it at start-up
 * (with `include`, then the command-line options as more lines) and
 * writing it back for CONFIG REWRITE.  Every value goes through the
 * table's rows (config.c), so the file means exactly what CONFIG SET
 * with the same text would.
 *
 * Invariants:
 *  - any error while loading is fatal: "*** FATAL CONFIG FILE ERROR ***"
 *    with the line and reason, then exit(1); nothing starts half-configured;
 *  - CONFIG REWRITE keeps the user's file: comments, order, unknown
 *    file-only directives, and a line's own spelling when its value did
 *    not change; it only replaces, drops or appends lines of rows;
 *  - the new file replaces the old one atomically (temporary file,
 *    fsync, rename, directory fsync). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "config_internal.h"
#include "server.h"

#define INCLUDE_MAX_DEPTH 16

/* Directives the file may hold that are not rows (not in CONFIG GET). */
static const char *const file_only_directives[] = {"include", "rename-command", "user", "loadmodule",
                                                   "sentinel", NULL};
/* Old directives Valkey still swallows silently: name, min argc, max argc. */
static const struct {
    const char *name;
    int argc_min, argc_max;
} deprecated_directives[] = {
    {"list-max-ziplist-entries", 2, 2},
    {"list-max-ziplist-value", 2, 2},
    {"lua-replicate-commands", 2, 2},
};

/* ------------------------------------------------------------- loading */

/* Absolute form of path, resolving "." and ".." by text (not symlinks),
 * so INFO shows the file the user named. */
static char *absolute_path(const char *path) {
    char cwd[PATH_MAX];
    Str *full;
    if (path[0] == '/' || !getcwd(cwd, sizeof(cwd))) full = str_from_cstr(path);
    else full = str_catfmt(str_new("", 0), "%s/%s", cwd, path);
    /* Rebuild component by component. */
    Str *out = str_new("", 0);
    const char *p = full->buf;
    while (*p) {
        while (*p == '/') p++;
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0) break;
        if (n == 1 && p[0] == '.') {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = strrchr(out->buf, '/');
            if (slash) out = str_resize(out, (size_t)(slash - out->buf));
        } else {
            out = str_cat(out, "/", 1);
            out = str_cat(out, p, n);
        }
        p += n;
    }
    if (out->len == 0) out = str_cat(out, "/", 1);
    char *res = mem_strdup(out->buf);
    str_free(out);
    str_free(full);
    return res;
}

static Str *read_stream(FILE *fp) {
    Str *s = str_new("", 0);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) s = str_cat(s, buf, n);
    return s;
}

/* Reads a whole file; NULL with errno set when it cannot be opened. */
static Str *read_file(const char *path) {
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    Str *s = read_stream(fp);
    fclose(fp);
    return s;
}

static void fatal_config_error(int linenum, const char *line, const char *reason) {
    /* Valkey 8 prints its own version here in the form "(Version 8.0.0)";
     * we print the Valkey level we match, since that is what tools that
     * parse this banner expect, not this project's release number. */
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Version %s) ***\n", SERVER_VERSION);
    if (line) {
        fprintf(stderr, "Reading the configuration file, at line %d\n", linenum);
        fprintf(stderr, ">>> '%s'\n", line);
    }
    fprintf(stderr, "%s\n", reason);
    exit(1);
}

static void load_text(const char *text, size_t len, int first_line, int depth);

static void load_include_file(const char *path, int depth) {
    Str *text = read_file(path);
    if (!text) {
        server_log(LL_WARNING, "Fatal error, can't open config file '%s': %s", path, strerror(errno));
        exit(1);
    }
    load_text(text->buf, text->len, 1, depth);
    str_free(text);
}

/* Handles one directive; returns NULL or the reason it is wrong. */
static const char *load_directive(ArgList *a, int depth) {
    const char *err = NULL;
    const char *name = a->v[0];
    const ConfigDef *d = config_lookup(name);
    if (d) {
        if (!(d->flags & CF_MULTI_ARG) && a->n != 2) return "wrong number of arguments";
        if (!(d->flags & CF_MULTI_ARG)) {
            /* One value, whole (a quoted "\x00" included). */
            if (config_row_set_value(d, a->v[1], a->lens[1], &err) == 0) return err ? err : "wrong number of arguments";
        } else if (a->n == 2 && a->v[1][0]) {
            /* "--save '900 1 300 10'" arrives as one argument: split it. */
            if (config_row_set_text(d, a->v[1], &err) == 0) return err;
        } else if (config_row_set(d, a->v + 1, a->n - 1, &err) == 0) {
            return err ? err : "wrong number of arguments";
        }
        return NULL;
    }
    for (size_t i = 0; i < sizeof(deprecated_directives) / sizeof(deprecated_directives[0]); i++)
        if (strcasecmp(name, deprecated_directives[i].name) == 0 && a->n >= deprecated_directives[i].argc_min &&
            a->n <= deprecated_directives[i].argc_max)
            return NULL;
    if (strcasecmp(name, "include") == 0 && a->n == 2) {
        if (depth >= INCLUDE_MAX_DEPTH) {
            snprintf(config_errbuf, sizeof(config_errbuf),
                     "Includes nested more than %d deep (does a file include itself?)", INCLUDE_MAX_DEPTH);
            return config_errbuf;
        }
        const char *path = a->v[1];
        if (strpbrk(path, "*?[")) {
            glob_t g;
            if (glob(path, GLOB_ERR, NULL, &g) == 0) {
                for (size_t i = 0; i < g.gl_pathc; i++) load_include_file(g.gl_pathv[i], depth + 1);
            }
            globfree(&g);
        } else {
            load_include_file(path, depth + 1);
        }
        return NULL;
    }
    if (strcasecmp(name, "rename-command") == 0 && a->n == 3) {
        /* Renames (or, with "", removes) a command: dispatch.c keeps it. */
        return command_rename(a->v[1], a->v[2]);
    }
    if ((strcasecmp(name, "user") == 0 || strcasecmp(name, "loadmodule") == 0) && a->n >= 2) {
        config_ignored_note(name);
        return NULL;
    }
    if (strcasecmp(name, "sentinel") == 0) {
        /* Bare "sentinel" asks for sentinel mode; its sub-directives are
         * an error outside that mode, as in Valkey. */
        if (a->n != 1) return "sentinel directive while not in sentinel mode";
        config_ignored_note(name);
        return NULL;
    }
    if (strchr(name, '.') && a->n >= 2) {
        /* A module's own directive ("module.setting value"). */
        config_ignored_note("module configuration");
        return NULL;
    }
    return "Bad directive or wrong number of arguments";
}

static void load_text(const char *text, size_t len, int first_line, int depth) {
    size_t pos = 0;
    int linenum = first_line;
    while (pos <= len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        /* Trim the way Valkey does before showing a line in an error. */
        size_t b = pos, e = end;
        while (b < e && strchr(" \t\r\n", text[b])) b++;
        while (e > b && strchr(" \t\r\n", text[e - 1])) e--;
        if (e > b && text[b] != '#') {
            char *line = mem_strndup(text + b, e - b);
            ArgList a;
            const char *err = NULL;
            if (config_args_split(line, e - b, &a) == -1) err = "Unbalanced quotes in configuration line";
            else if (a.n > 0) err = load_directive(&a, depth);
            if (err) fatal_config_error(linenum, line, err);
            config_args_free(&a);
            mem_free(line);
        }
        if (!nl) break;
        pos = end + 1;
        linenum++;
    }
}

void config_load(const char *path, const char *cmdline_options) {
    Str *text = NULL;
    config_loading = 1;
    config_save_seen = 0;
    if (path && path[0]) {
        if (strcmp(path, "-") == 0) {
            text = read_stream(stdin);
        } else {
            text = read_file(path);
            if (!text) {
                server_log(LL_WARNING, "Fatal error, can't open config file '%s': %s", path, strerror(errno));
                exit(1);
            }
            /* Before the file's own "dir" moves us elsewhere. */
            mem_free(server.config_file);
            server.config_file = absolute_path(path);
        }
    }
    int newlines = 0;
    if (text) {
        for (size_t i = 0; i < text->len; i++) newlines += text->buf[i] == '\n';
        load_text(text->buf, text->len, 1, 0);
        str_free(text);
    }
    if (cmdline_options && cmdline_options[0]) {
        /* Valkey joins the file and the options with a newline, so option
         * lines are numbered after the file's last line plus one. */
        config_save_seen = 0;
        load_text(cmdline_options, strlen(cmdline_options), newlines + 2, 0);
    }
    config_loading = 0;
    config_clamp_hz();
    if (server.cfg.logfile && server.cfg.logfile[0]) {
        /* Fail now rather than lose every log line later. */
        FILE *fp = fopen(server.cfg.logfile, "a");
        if (!fp) {
            snprintf(config_errbuf, sizeof(config_errbuf), "Can't open the log file: %s", strerror(errno));
            fatal_config_error(0, NULL, config_errbuf);
        }
        fclose(fp);
    }
}

/* ------------------------------------------------------- CONFIG REWRITE */

#define REWRITE_SIGNATURE "# Generated by CONFIG REWRITE"

/* Two words mean the same value: equal ignoring case, equal sizes in
 * different units ("4096", "4kb"), or the two names of the replica class. */
static int same_word(const char *a, const char *b) {
    unsigned long long x, y;
    if (strcasecmp(a, b) == 0) return 1;
    if (config_parse_memory(a, &x) && config_parse_memory(b, &y) && *a && *b) return x == y;
    return config_obuf_class(a) == CLIENT_CLASS_REPLICA && config_obuf_class(b) == CLIENT_CLASS_REPLICA;
}

/* Do two lines set the same thing?  Compares the words after the
 * directive name, ignoring quoting, so a user's own spelling ("maxmemory
 * 1GB", an alias) survives when the value did not change. */
static int same_setting(const char *a, const char *b) {
    ArgList x, y;
    int same = 0;
    if (config_args_split(a, strlen(a), &x) == -1) return 0;
    if (config_args_split(b, strlen(b), &y) == -1) {
        config_args_free(&x);
        return 0;
    }
    if (x.n == y.n && x.n > 0) {
        same = 1;
        for (int i = 1; i < x.n && same; i++) {
            /* Words holding a NUL are compared byte for byte. */
            if (strlen(x.v[i]) != x.lens[i] || strlen(y.v[i]) != y.lens[i])
                same = x.lens[i] == y.lens[i] && memcmp(x.v[i], y.v[i], x.lens[i]) == 0;
            else
                same = same_word(x.v[i], y.v[i]);
        }
    }
    config_args_free(&x);
    config_args_free(&y);
    return same;
}

typedef struct RewriteFile {
    char **lines;       /* original lines, trimmed of the newline */
    int n;
    Str **out;          /* what each line becomes: NULL = removed */
    Str **after;        /* extra lines written right after line i, or NULL */
    int *owner;         /* row index the line sets, or -1 */
    int has_signature;
} RewriteFile;

static int is_file_only(const char *name) {
    for (int i = 0; file_only_directives[i]; i++)
        if (strcasecmp(name, file_only_directives[i]) == 0) return 1;
    for (size_t i = 0; i < sizeof(deprecated_directives) / sizeof(deprecated_directives[0]); i++)
        if (strcasecmp(name, deprecated_directives[i].name) == 0) return 1;
    return strchr(name, '.') != NULL;
}

static void rewrite_file_parse(RewriteFile *rf, const Str *text) {
    memset(rf, 0, sizeof(*rf));
    if (!text) return;
    size_t pos = 0;
    int cap = 0;
    while (pos < text->len) {
        const char *nl = memchr(text->buf + pos, '\n', text->len - pos);
        size_t end = nl ? (size_t)(nl - text->buf) : text->len;
        if (rf->n == cap) {
            cap = cap ? cap * 2 : 64;
            rf->lines = mem_realloc(rf->lines, sizeof(char *) * (size_t)cap);
        }
        size_t e = end;
        if (e > pos && text->buf[e - 1] == '\r') e--;
        rf->lines[rf->n++] = mem_strndup(text->buf + pos, e - pos);
        pos = end + 1;
    }
    rf->out = mem_calloc(sizeof(Str *) * (size_t)(rf->n + 1));
    rf->after = mem_calloc(sizeof(Str *) * (size_t)(rf->n + 1));
    rf->owner = mem_alloc(sizeof(int) * (size_t)(rf->n + 1));
    for (int i = 0; i < rf->n; i++) {
        const char *l = rf->lines[i];
        while (*l == ' ' || *l == '\t') l++;
        rf->owner[i] = -1;
        rf->out[i] = str_from_cstr(rf->lines[i]);
        if (*l == '\0' || *l == '#') {
            if (strcmp(l, REWRITE_SIGNATURE) == 0) rf->has_signature = 1;
            continue;
        }
        ArgList a;
        if (config_args_split(l, strlen(l), &a) == -1 || a.n == 0) {
            /* Valkey keeps a line it cannot read, as a comment. */
            str_free(rf->out[i]);
            rf->out[i] = str_catfmt(str_new("", 0), "# ??? %s", rf->lines[i]);
            continue;
        }
        const ConfigDef *d = config_lookup(a.v[0]);
        if (d) rf->owner[i] = config_row_index(d);
        else if (!is_file_only(a.v[0])) {
            str_free(rf->out[i]);
            rf->out[i] = str_catfmt(str_new("", 0), "# ??? %s", rf->lines[i]);
        }
        config_args_free(&a);
    }
}

static void rewrite_file_free(RewriteFile *rf) {
    for (int i = 0; i < rf->n; i++) {
        mem_free(rf->lines[i]);
        if (rf->out[i]) str_free(rf->out[i]);
        if (rf->after[i]) str_free(rf->after[i]);
    }
    mem_free(rf->lines);
    mem_free(rf->out);
    mem_free(rf->after);
    mem_free(rf->owner);
}

/* Builds the new file text.  For each row: lines already in the file are
 * replaced in place (kept verbatim when they set the same value), extra
 * old lines are dropped, extra new lines follow the last old one; a row
 * absent from the file is appended at the end only when it differs from
 * its default, or with force_all (DEBUG CONFIG-REWRITE-FORCE-ALL) always,
 * hidden test knobs excepted. */
static Str *rewrite_build(RewriteFile *rf, int force_all) {
    Str *tail = str_new("", 0);
    int *where = mem_alloc(sizeof(int) * (size_t)(rf->n + 1));
    for (int r = 0; r < config_count; r++) {
        const ConfigDef *d = &config_table[r];
        int m = 0;
        for (int i = 0; i < rf->n; i++)
            if (rf->owner[i] == r) where[m++] = i;
        int force = (d->flags & CF_ALWAYS_REWRITE) || (force_all && !(d->flags & CF_HIDDEN)) ||
                    !config_row_is_default(d);
        if (m == 0 && !force) continue;
        RewriteLines nl = {NULL, 0, 0};
        config_row_rewrite_lines(d, &nl);
        for (int k = 0; k < nl.n; k++) {
            if (k < m) {
                if (!same_setting(rf->lines[where[k]], nl.v[k]->buf)) {
                    str_free(rf->out[where[k]]);
                    rf->out[where[k]] = nl.v[k];
                    nl.v[k] = NULL;
                }
            } else if (m > 0) {
                Str **after = &rf->after[where[m - 1]];
                if (!*after) *after = str_new("", 0);
                *after = str_cat(*after, nl.v[k]->buf, nl.v[k]->len);
                *after = str_cat(*after, "\n", 1);
            } else {
                tail = str_cat(tail, nl.v[k]->buf, nl.v[k]->len);
                tail = str_cat(tail, "\n", 1);
            }
        }
        for (int k = nl.n; k < m; k++) {
            str_free(rf->out[where[k]]);
            rf->out[where[k]] = NULL;
        }
        for (int k = 0; k < nl.n; k++)
            if (nl.v[k]) str_free(nl.v[k]);
        mem_free(nl.v);
    }
    mem_free(where);
    Str *content = str_new("", 0);
    for (int i = 0; i < rf->n; i++) {
        if (rf->out[i]) {
            content = str_cat(content, rf->out[i]->buf, rf->out[i]->len);
            content = str_cat(content, "\n", 1);
        }
        if (rf->after[i]) content = str_cat(content, rf->after[i]->buf, rf->after[i]->len);
    }
    if (tail->len) {
        if (!rf->has_signature) {
            if (content->len && content->buf[content->len - 1] == '\n' &&
                !(content->len >= 2 && content->buf[content->len - 2] == '\n'))
                content = str_cat(content, "\n", 1);
            content = str_cat_cstr(content, REWRITE_SIGNATURE "\n");
        }
        content = str_cat(content, tail->buf, tail->len);
    }
    str_free(tail);
    return content;
}

/* Writes content over path atomically: a temporary file in the same
 * directory, fsync'ed, renamed over the old one, then the directory is
 * synced so the rename itself survives a crash. */
static int write_file_atomic(const char *path, const Str *content) {
    char real[PATH_MAX];
    /* Follow a symlinked config to the file it names, so the link stays. */
    const char *target = realpath(path, real) ? real : path;
    Str *tmp = str_catfmt(str_new("", 0), "%s.tmp-XXXXXX", target);
    int fd = mkstemp(tmp->buf);
    if (fd == -1) {
        str_free(tmp);
        return -1;
    }
    struct stat st;
    mode_t mode;
    if (stat(target, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t um = umask(0);
        umask(um);
        mode = 0644 & ~um;
    }
    size_t off = 0;
    int ok = fchmod(fd, mode) == 0;
    while (ok && off < content->len) {
        ssize_t w = write(fd, content->buf + off, content->len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            ok = 0;
        } else {
            off += (size_t)w;
        }
    }
    if (ok && fsync(fd) == -1) ok = 0;
    int saved = errno;
    close(fd);
    if (ok && rename(tmp->buf, target) == -1) {
        saved = errno;
        ok = 0;
    }
    if (!ok) {
        unlink(tmp->buf);
        str_free(tmp);
        errno = saved;
        return -1;
    }
    str_free(tmp);
    /* Sync the directory entry. */
    char *dir = mem_strdup(target);
    char *slash = strrchr(dir, '/');
    if (slash) {
        if (slash == dir) slash[1] = '\0';
        else *slash = '\0';
        int dfd = open(dir, O_RDONLY);
        if (dfd != -1) {
            fsync(dfd);
            close(dfd);
        }
    }
    mem_free(dir);
    return 0;
}

/* Returns 0, or -1 with errno set. */
static int rewrite_to(const char *path, int force_all) {
    Str *text = read_file(path);
    if (!text && errno != ENOENT) return -1;
    RewriteFile rf;
    rewrite_file_parse(&rf, text);
    if (text) str_free(text);
    Str *content = rewrite_build(&rf, force_all);
    rewrite_file_free(&rf);
    int r = write_file_atomic(path, content);
    str_free(content);
    return r;
}

int config_rewrite(const char *path) {
    return rewrite_to(path, 0);
}

int config_rewrite_force_all(const char *path) {
    return rewrite_to(path, 1);
}
