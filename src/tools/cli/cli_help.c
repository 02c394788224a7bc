/* cli_help.c - what the cli knows about commands: HELP <command>,
 * HELP @<group>, tab completion of command names and the argument hints
 * shown while typing.  The source is COMMAND DOCS of the connected server
 * (so help matches the server); when the server cannot answer it, the
 * built-in name list (cli_cmdlist.c) gives names, groups and versions, and
 * HELP says there are no docs from the server.
 *
 * Invariant: the table is sorted by name and names are upper case; a
 * container command ("CONFIG") and its subcommands ("CONFIG GET") are
 * separate entries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cli_cmdlist.h"
#include "../../ds/alloc.h"

typedef struct CliHelpEntry {
    char *name;
    char *params;    /* "key value [NX|XX]", "" when unknown */
    char *summary;   /* NULL without docs */
    char *since;
    char *group;
} CliHelpEntry;

static CliHelpEntry *help_tab;
static int help_len;
static int help_from_server;

static const char *help_groups[] = {
    "generic", "string", "list", "set", "sorted-set", "hash", "pubsub", "transactions", "connection",
    "server", "scripting", "hyperloglog", "cluster", "geo", "stream", "bitmap",
};
#define HELP_NGROUPS ((int)(sizeof(help_groups) / sizeof(help_groups[0])))

static char *dup_upper(const char *s, size_t n) {
    char *d = mem_alloc(n + 1);
    for (size_t i = 0; i < n; i++) d[i] = (char)toupper((unsigned char)s[i]);
    d[n] = '\0';
    return d;
}

/* Field of a doc: a RESP3 map, or a RESP2 flat array of name/value. */
static const RespValue *doc_field(const RespValue *doc, const char *name) {
    if (!doc) return NULL;
    size_t n = doc->type == RESP_T_MAP ? doc->count * 2 : doc->count;
    if (doc->type != RESP_T_MAP && doc->type != RESP_T_ARRAY) return NULL;
    for (size_t i = 0; i + 1 < n; i += 2) {
        const RespValue *k = doc->elem[i];
        if (k->str && !strcasecmp(k->str, name)) return doc->elem[i + 1];
    }
    return NULL;
}

static const char *doc_text(const RespValue *doc, const char *name) {
    const RespValue *v = doc_field(doc, name);
    return v && v->str ? v->str : NULL;
}

static int arg_has_flag(const RespValue *arg, const char *flag) {
    const RespValue *f = doc_field(arg, "flags");
    if (!f) return 0;
    for (size_t i = 0; i < f->count; i++)
        if (f->elem[i]->str && !strcasecmp(f->elem[i]->str, flag)) return 1;
    return 0;
}

static Str *cat_args(Str *out, const RespValue *args, const char *sep);

/* One argument as the help shows it: "[EX seconds|PX milliseconds]",
 * "key [key ...]", "TOKEN value". */
static Str *cat_arg(Str *out, const RespValue *arg) {
    const char *type = doc_text(arg, "type");
    const char *token = doc_text(arg, "token");
    const char *shown = doc_text(arg, "display_text");
    if (!shown) shown = doc_text(arg, "name");
    if (!shown) shown = "arg";
    Str *one = str_with_capacity(32);
    if (type && !strcmp(type, "pure-token")) {
        one = str_cat_cstr(one, token ? token : shown);
    } else {
        if (token) {
            one = str_cat_cstr(one, token);
            one = str_cat(one, " ", 1);
        }
        const RespValue *sub = doc_field(arg, "arguments");
        if (type && !strcmp(type, "oneof") && sub) one = cat_args(one, sub, "|");
        else if (type && !strcmp(type, "block") && sub) one = cat_args(one, sub, " ");
        else one = str_cat_cstr(one, shown);
    }
    int optional = arg_has_flag(arg, "optional");
    if (optional) out = str_cat(out, "[", 1);
    out = str_cat(out, one->buf, one->len);
    if (arg_has_flag(arg, "multiple")) {
        out = str_cat(out, " [", 2);
        if (token && arg_has_flag(arg, "multiple_token")) {
            out = str_cat(out, one->buf, one->len);
        } else if (token) {
            out = str_cat(out, one->buf + strlen(token) + 1, one->len - strlen(token) - 1);
        } else {
            out = str_cat(out, one->buf, one->len);
        }
        out = str_cat(out, " ...]", 5);
    }
    if (optional) out = str_cat(out, "]", 1);
    str_free(one);
    return out;
}

static Str *cat_args(Str *out, const RespValue *args, const char *sep) {
    for (size_t i = 0; i < args->count; i++) {
        if (i) out = str_cat_cstr(out, sep);
        out = cat_arg(out, args->elem[i]);
    }
    return out;
}

static void add_entry(const char *name, size_t nlen, const RespValue *doc) {
    help_tab = mem_realloc(help_tab, sizeof(CliHelpEntry) * (size_t)(help_len + 1));
    CliHelpEntry *e = &help_tab[help_len++];
    e->name = dup_upper(name, nlen);
    const RespValue *args = doc_field(doc, "arguments");
    Str *p = str_with_capacity(32);
    if (args && (args->type == RESP_T_ARRAY || args->type == RESP_T_SET)) p = cat_args(p, args, " ");
    e->params = mem_strndup(p->buf, p->len);
    str_free(p);
    const char *s = doc_text(doc, "summary");
    e->summary = s ? mem_strdup(s) : NULL;
    e->since = mem_strdup(doc_text(doc, "since") ? doc_text(doc, "since") : "");
    e->group = mem_strdup(doc_text(doc, "group") ? doc_text(doc, "group") : "");
}

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const CliHelpEntry *)a)->name, ((const CliHelpEntry *)b)->name);
}

static void add_docs(const RespValue *docs, const char *parent) {
    size_t n = docs->type == RESP_T_MAP ? docs->count * 2 : docs->count;
    for (size_t i = 0; i + 1 < n; i += 2) {
        const RespValue *k = docs->elem[i], *doc = docs->elem[i + 1];
        if (!k->str) continue;
        /* Subcommands come named "config|get". */
        char name[256];
        snprintf(name, sizeof(name), "%s", k->str);
        char *bar = strchr(name, '|');
        if (bar) *bar = ' ';
        (void)parent;
        add_entry(name, strlen(name), doc);
        const RespValue *subs = doc_field(doc, "subcommands");
        if (subs && (subs->type == RESP_T_MAP || subs->type == RESP_T_ARRAY)) add_docs(subs, name);
    }
}

void cli_help_free(void) {
    for (int i = 0; i < help_len; i++) {
        mem_free(help_tab[i].name);
        mem_free(help_tab[i].params);
        mem_free(help_tab[i].summary);
        mem_free(help_tab[i].since);
        mem_free(help_tab[i].group);
    }
    mem_free(help_tab);
    help_tab = NULL;
    help_len = 0;
    help_from_server = 0;
}

void cli_help_load(void) {
    cli_help_free();
    RespValue *r = NULL;
    if (cli_connected() && tool_commandv(&cli_conn, &r, "COMMAND", "DOCS", NULL) == 0) {
        if ((r->type == RESP_T_MAP || r->type == RESP_T_ARRAY) && r->count > 0) {
            add_docs(r, NULL);
            help_from_server = 1;
        }
        resp_value_free(r);
    }
    if (!help_from_server) {
        for (int i = 0; i < cli_builtin_cmd_count; i++) {
            const CliBuiltinCmd *b = &cli_builtin_cmds[i];
            help_tab = mem_realloc(help_tab, sizeof(CliHelpEntry) * (size_t)(help_len + 1));
            CliHelpEntry *e = &help_tab[help_len++];
            e->name = mem_strdup(b->name);
            e->params = mem_strdup("");
            e->summary = NULL;
            e->since = mem_strdup(b->since);
            e->group = mem_strdup(b->group);
        }
    }
    qsort(help_tab, (size_t)help_len, sizeof(CliHelpEntry), entry_cmp);
}

/* ------------------------------------------------------------- printing */

static void print_entry(const CliHelpEntry *e, int with_group) {
    int color = cli_stdout_tty();
    printf("\n  %s%s%s", color ? "\033[1m" : "", e->name, color ? "\033[0m" : "");
    if (e->params[0]) printf(" %s%s%s", color ? "\033[90m" : "", e->params, color ? "\033[0m" : "");
    printf("\n");
    const char *y = color ? "\033[33m" : "", *z = color ? "\033[0m" : "";
    printf("  %ssummary:%s %s\n", y, z, e->summary ? e->summary : "(no docs from the server)");
    if (e->since[0]) printf("  %ssince:%s %s\n", y, z, e->since);
    if (with_group && e->group[0]) printf("  %sgroup:%s %s\n", y, z, e->group);
}

static void print_intro(void) {
    printf("valkey-cli %s\n"
           "To get help about Valkey commands type:\n"
           "      \"help @<group>\" to get a list of commands in <group>\n"
           "      \"help <command>\" for help on <command>\n"
           "      \"help <tab>\" to get a list of possible help topics\n"
           "      \"quit\" to exit\n"
           "\n"
           "To set valkey-cli preferences:\n"
           "      \":set hints\" enable online hints\n"
           "      \":set nohints\" disable online hints\n",
           CLI_VERSION);
    if (!help_from_server)
        printf("\n(no docs from the server: COMMAND DOCS is not available, only command names are known)\n");
}

void cli_help_print(int argc, char **argv) {
    if (!help_tab) cli_help_load();
    if (argc == 0) {
        print_intro();
        return;
    }
    if (argv[0][0] == '@') {
        const char *g = argv[0] + 1;
        int any = 0;
        for (int i = 0; i < help_len; i++) {
            /* Group listings show top-level commands and subcommands alike,
             * but not bare containers without their own arguments. */
            if (!strcasecmp(help_tab[i].group, g)) {
                print_entry(&help_tab[i], 0);
                any = 1;
            }
        }
        if (any) printf("\n");
        if (!help_from_server && any) printf("(no docs from the server)\n");
        return;
    }
    char name[512] = "";
    for (int i = 0; i < argc; i++) {
        if (i) strncat(name, " ", sizeof(name) - strlen(name) - 1);
        strncat(name, argv[i], sizeof(name) - strlen(name) - 1);
    }
    for (char *p = name; *p; p++) *p = (char)toupper((unsigned char)*p);
    for (int i = 0; i < help_len; i++) {
        if (!strcmp(help_tab[i].name, name)) {
            print_entry(&help_tab[i], 1);
            printf("\n");
            return;
        }
    }
}

/* ---------------------------------------------------- completion, hints */

/* Candidate keeps the user's case: all lower when they typed lower case. */
static void add_cased(const char *typed_prefix, size_t plen, const char *cand,
                      void (*add)(const char *, void *), void *ctx) {
    int lower = 0;
    for (size_t i = 0; i < plen; i++)
        if (islower((unsigned char)typed_prefix[i])) lower = 1;
    char buf[600];
    snprintf(buf, sizeof(buf), "%s", cand);
    if (lower)
        for (char *p = buf; *p; p++) *p = (char)tolower((unsigned char)*p);
    add(buf, ctx);
}

void cli_help_complete(const char *line, void (*add)(const char *, void *), void *ctx) {
    if (!help_tab) cli_help_load();
    const char *p = line;
    while (*p == ' ') p++;
    if (!strncasecmp(p, "help ", 5)) {
        const char *topic = p + 5;
        while (*topic == ' ') topic++;
        size_t tl = strlen(topic);
        char buf[600];
        for (int i = 0; i < HELP_NGROUPS; i++) {
            snprintf(buf, sizeof(buf), "@%s", help_groups[i]);
            if (!strncasecmp(buf, topic, tl)) {
                char full[700];
                snprintf(full, sizeof(full), "%.*s%s", (int)(topic - line), line, buf);
                add(full, ctx);
            }
        }
        for (int i = 0; i < help_len; i++) {
            if (!strncasecmp(help_tab[i].name, topic, tl)) {
                char full[700];
                snprintf(full, sizeof(full), "%.*s%s", (int)(topic - line), line, help_tab[i].name);
                add(full, ctx);
            }
        }
        return;
    }
    size_t len = strlen(p);
    for (int i = 0; i < help_len; i++)
        if (!strncasecmp(help_tab[i].name, p, len)) add_cased(p, len, help_tab[i].name, add, ctx);
}

/* The arguments not yet typed: the longest command name the line starts
 * with, then its parameter words minus as many as were typed. */
char *cli_help_hint(const char *line) {
    if (!help_tab) cli_help_load();
    const char *p = line;
    while (*p == ' ') p++;
    const CliHelpEntry *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < help_len; i++) {
        size_t n = strlen(help_tab[i].name);
        if (n > best_len && !strncasecmp(p, help_tab[i].name, n) && (p[n] == ' ' || p[n] == '\0')) {
            best = &help_tab[i];
            best_len = n;
        }
    }
    if (!best || !best->params[0]) return NULL;
    /* Arguments typed after the name (a trailing space starts a new one). */
    int typed = 0;
    const char *q = p + best_len;
    int trailing_space = 0;
    while (*q) {
        while (*q == ' ') q++;
        if (!*q) {
            trailing_space = 1;
            break;
        }
        typed++;
        while (*q && *q != ' ') q++;
        trailing_space = 0;
    }
    if (q > p + best_len && q[-1] == ' ') trailing_space = 1;
    if (typed > 0 && !trailing_space) return NULL;
    const char *h = best->params;
    for (int i = 0; i < typed && *h; i++) {
        /* Skip one word, keeping bracketed groups whole. */
        int depth = 0;
        while (*h && (depth > 0 || *h != ' ')) {
            if (*h == '[') depth++;
            else if (*h == ']') depth--;
            h++;
        }
        while (*h == ' ') h++;
    }
    if (!*h) return NULL;
    size_t hl = strlen(h);
    char *out = mem_alloc(hl + 2);
    int lead = p[strlen(p) - 1] != ' ';
    if (lead) {
        out[0] = ' ';
        memcpy(out + 1, h, hl + 1);
    } else {
        memcpy(out, h, hl + 1);
    }
    return out;
}
