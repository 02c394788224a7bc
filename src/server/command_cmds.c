/* command_cmds.c - COMMAND and its subcommands (INFO, DOCS, COUNT, LIST,
 * GETKEYS, GETKEYSANDFLAGS, HELP), all answered from the one command table
 * plus the documentation rows of src/command_docs.c.
 *
 * On the first COMMAND call, command_meta_init() parses, for every command
 * and subcommand, the compact text forms of its row (ACL categories,
 * tips, history; the argument tree on the first COMMAND DOCS) into a
 * CommandMeta hung on the Command; the key specs were parsed at start-up
 * (keyspec.c).  Invariants: after that, every Command has a meta (an empty
 * one when its row is missing, which is logged and makes COMMAND DOCS
 * leave the command out, so the tests notice); nothing here changes
 * afterwards, so replies are built without allocating.
 *
 * Reply shapes follow Valkey 8.0: statuses for flags and categories, sets
 * where Valkey uses sets (they read as arrays in RESP2), maps for key specs
 * and docs (flat arrays in RESP2). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"
#include "keyspec.h"
#include "reply.h"
#include "cmds.h"
#include "../../deps/glob/glob.h"


/* ------------------------------------------------------------ arguments */

#define ARG_OPTIONAL (1u << 0)
#define ARG_MULTIPLE (1u << 1)
#define ARG_MULTIPLE_TOKEN (1u << 2)

typedef struct DocArg {
    char *name;
    const char *type;    /* "string", "integer", ... "oneof", "block" */
    char *display;       /* display_text, or NULL */
    char *token;
    char *since;
    char *deprecated_since;
    int key_spec_index;  /* -1 unless type is "key" */
    unsigned flags;
    struct DocArg *sub;  /* oneof/block members */
    int nsub;
} DocArg;

/* ACL categories, in the order Valkey lists them. */
static const char *acl_names[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
    "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
};
#define ACL_COUNT ((int)(sizeof(acl_names) / sizeof(acl_names[0])))

typedef struct CommandMeta {
    const CommandDoc *doc;  /* NULL when the command has no row */
    DocArg *args;
    int nargs;
    int docs_ok;            /* row present, summary written, args parsed */
    int args_parsed;        /* the argument tree is built on first use */
    uint32_t acl;           /* bit i: acl_names[i] */
    int ntips, nhistory, ndoc_flags;
} CommandMeta;

static char *dup_n(const char *p, size_t n) {
    char *s = mem_alloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Counts the space-separated words of s (NULL counts none). */
static int count_words(const char *s) {
    int n = 0;
    while (s && *s) {
        while (*s == ' ') s++;
        if (!*s) break;
        n++;
        while (*s && *s != ' ') s++;
    }
    return n;
}

/* ---------------------------------------------------- the argument tree
 *
 * Grammar (whitespace separates arguments):
 *   arg  := mods name ['<' type '>'] ['[' display ']'] ['=' TOKEN]
 *           ['#' key_spec_index] ['@' since] ['^' deprecated_since]
 *           ['(' args ')' | '{' args '}']
 *   mods := any of '?' optional, '*' multiple, '+' multiple_token
 * '(' ... ')' makes a oneof, '{' ... '}' a block; '#' makes a key; a token
 * with no type and no members is a pure-token; anything else a string. */

static const char *arg_types[] = {"string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block"};

static int is_name_end(char c) {
    return c == '\0' || c == ' ' || strchr("<[=#@^(){}", c) != NULL;
}

static int is_field_end(char c) {
    return c == '\0' || c == ' ' || strchr("#@^(){}", c) != NULL;
}

static int parse_args(const char **pp, char close, DocArg **out, int *count);

static int parse_one_arg(const char **pp, DocArg *a) {
    const char *p = *pp;
    memset(a, 0, sizeof(*a));
    a->key_spec_index = -1;
    for (;; p++) {
        if (*p == '?') a->flags |= ARG_OPTIONAL;
        else if (*p == '*') a->flags |= ARG_MULTIPLE;
        else if (*p == '+') a->flags |= ARG_MULTIPLE_TOKEN;
        else break;
    }
    const char *start = p;
    while (!is_name_end(*p)) p++;
    if (p == start) return 0;
    a->name = dup_n(start, (size_t)(p - start));
    const char *type = NULL;
    if (*p == '<') {
        const char *end = strchr(p, '>');
        if (!end) return 0;
        for (size_t i = 0; i < sizeof(arg_types) / sizeof(arg_types[0]); i++)
            if (strlen(arg_types[i]) == (size_t)(end - p - 1) && strncmp(arg_types[i], p + 1, (size_t)(end - p - 1)) == 0)
                type = arg_types[i];
        if (!type) return 0;
        p = end + 1;
    }
    if (*p == '[') {
        const char *end = strchr(p, ']');
        if (!end) return 0;
        a->display = dup_n(p + 1, (size_t)(end - p - 1));
        p = end + 1;
    }
    if (*p == '=') {
        start = ++p;
        while (!is_field_end(*p)) p++;
        /* May be empty: MIGRATE's "" in place of a key. */
        a->token = dup_n(start, (size_t)(p - start));
    }
    if (*p == '#') {
        p++;
        if (!keyspec_parse_int(&p, &a->key_spec_index) || a->key_spec_index < 0) return 0;
        if (!type) type = "key"; /* a pattern may name keys too (SORT BY/GET) */
    }
    if (*p == '@') {
        start = ++p;
        while (!is_field_end(*p)) p++;
        a->since = dup_n(start, (size_t)(p - start));
    }
    if (*p == '^') {
        start = ++p;
        while (!is_field_end(*p)) p++;
        a->deprecated_since = dup_n(start, (size_t)(p - start));
    }
    if (*p == '(' || *p == '{') {
        char close = *p == '(' ? ')' : '}';
        type = *p == '(' ? "oneof" : "block";
        p++;
        if (!parse_args(&p, close, &a->sub, &a->nsub)) return 0;
        if (*p++ != close) return 0;
    }
    if (!type) type = a->token ? "pure-token" : "string";
    a->type = type;
    *pp = p;
    return 1;
}

/* Parses arguments up to `close` (or the end for '\0'), leaving *pp on it. */
static int parse_args(const char **pp, char close, DocArg **out, int *count) {
    const char *p = *pp;
    int n = 0, cap = 0;
    DocArg *list = NULL;
    for (;;) {
        while (*p == ' ') p++;
        if (*p == close || *p == '\0') break;
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            list = mem_realloc(list, sizeof(DocArg) * (size_t)cap);
        }
        if (!parse_one_arg(&p, &list[n])) {
            *pp = p;
            *out = list;
            *count = n;
            return 0;
        }
        n++;
    }
    if (*p != close) return 0;
    *pp = p;
    *out = list;
    *count = n;
    return 1;
}

/* ------------------------------------------------------------ start-up */

static uint64_t acl_bit(const char *name, size_t len) {
    for (int i = 0; i < ACL_COUNT; i++)
        if (strlen(acl_names[i]) == len && strncmp(acl_names[i], name, len) == 0) return 1u << i;
    return 0;
}

/* The categories Valkey derives from the flags, then the row's own. */
static uint32_t acl_categories(const Command *cmd, const char *extra) {
    uint32_t acl = 0;
    if (cmd->flags & CMD_WRITE) acl |= acl_bit("write", 5);
    if ((cmd->flags & CMD_READONLY) && !(extra && strstr(extra, "scripting"))) acl |= acl_bit("read", 4);
    if (cmd->flags & CMD_ADMIN) acl |= acl_bit("admin", 5) | acl_bit("dangerous", 9);
    if (cmd->flags & CMD_PUBSUB) acl |= acl_bit("pubsub", 6);
    if (cmd->flags & CMD_FAST) acl |= acl_bit("fast", 4);
    if (cmd->flags & CMD_BLOCKING) acl |= acl_bit("blocking", 8);
    for (const char *p = extra; p && *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (!n) break;
        uint64_t bit = acl_bit(p, n);
        if (!bit) server_log(LL_WARNING, "Command '%s': unknown ACL category '%.*s'", cmd->fullname, (int)n, p);
        acl |= (uint32_t)bit;
        p += n;
    }
    if (!(acl & acl_bit("fast", 4))) acl |= acl_bit("slow", 4);
    return acl;
}

static int count_history(const char *h) {
    if (!h || !*h) return 0;
    int n = 1;
    for (; *h; h++)
        if (*h == '|') n++;
    return n;
}

static int arg_tree_ok(const Command *cmd, const DocArg *args, int n, int nspecs) {
    for (int i = 0; i < n; i++) {
        const DocArg *a = &args[i];
        if (a->key_spec_index >= nspecs) {
            server_log(LL_WARNING, "Command '%s': argument '%s' names key spec %d of %d", cmd->fullname, a->name,
                       a->key_spec_index, nspecs);
            return 0;
        }
        if (!arg_tree_ok(cmd, a->sub, a->nsub, nspecs)) return 0;
    }
    return 1;
}

static int missing_docs;

static void meta_init_one(Command *cmd) {
    CommandMeta *m = mem_calloc(sizeof(*m));
    cmd->meta = m;
    const CommandDoc *doc = command_doc_find(cmd->fullname);
    m->doc = doc;
    int ok = doc != NULL && cmd->keyspecs->ok;
    m->acl = acl_categories(cmd, doc ? doc->acl : NULL);
    if (doc) {
        m->ntips = count_words(doc->tips);
        m->ndoc_flags = count_words(doc->doc_flags);
        m->nhistory = count_history(doc->history);
        if (!doc->summary || !*doc->summary) ok = 0;
    }
    if (!ok) {
        missing_docs++;
        server_log(LL_WARNING, "Command '%s' has %s in src/command_docs.c", cmd->fullname,
                   !doc ? "no documentation row" : "no summary or a malformed row");
    }
    m->docs_ok = ok;
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) meta_init_one(sub);
}

/* Argument trees are only needed by COMMAND DOCS: they are built the first
 * time it runs, so a server nobody introspects does not keep them (tens of
 * kB, a noticeable share of an idle server's memory on a small device). A
 * malformed row is logged then and left out of COMMAND DOCS, which the
 * tests check for every command. */
static void meta_parse_args(Command *cmd) {
    CommandMeta *m = cmd->meta;
    if (!m->args_parsed) {
        m->args_parsed = 1;
        const CommandDoc *doc = m->doc;
        if (doc && doc->args && *doc->args) {
            const char *p = doc->args;
            if (!parse_args(&p, '\0', &m->args, &m->nargs) || !arg_tree_ok(cmd, m->args, m->nargs, cmd->keyspecs->nspecs)) {
                server_log(LL_WARNING, "Command '%s': malformed arguments near '%.20s'", cmd->fullname, p);
                m->docs_ok = 0;
            }
        }
    }
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) meta_parse_args(sub);
}

static void meta_parse_all_args(void) {
    static int done;
    if (done) return;
    done = 1;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) meta_parse_args(cmd);
}

/* Built on first use by any COMMAND subcommand: the docs rows are a sizeable
 * share of the binary's read-only data, and reading them all at start-up
 * would make every idle server keep them resident. */
static void command_meta_init(void);

static void ensure_meta(void) {
    static int done;
    if (!done) {
        done = 1;
        command_meta_init();
    }
}

static void command_meta_init(void) {
    missing_docs = 0;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) meta_init_one(cmd);
    if (missing_docs)
        server_log(LL_WARNING, "%d commands lack documentation (COMMAND DOCS leaves them out); see src/command_docs.c",
                   missing_docs);
}

static CommandMeta *meta_of(Command *cmd) {
    if (!cmd->meta) meta_init_one(cmd);
    return cmd->meta;
}

/* ---------------------------------------------------------- COMMAND INFO */

/* Flags as COMMAND INFO shows them, in Valkey's order.  Valkey keeps
 * may_replicate, sentinel, only_sentinel, protected and
 * touches_arbitrary_keys to itself. */
static const struct {
    uint64_t flag;
    const char *name;
} shown_flags[] = {
    {CMD_WRITE, "write"}, {CMD_READONLY, "readonly"}, {CMD_DENYOOM, "denyoom"}, {CMD_MODULE, "module"},
    {CMD_ADMIN, "admin"}, {CMD_PUBSUB, "pubsub"}, {CMD_NOSCRIPT, "noscript"}, {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"}, {CMD_STALE, "stale"}, {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"}, {CMD_ASKING, "asking"}, {CMD_FAST, "fast"}, {CMD_NO_AUTH, "no_auth"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"}, {CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {CMD_NO_MULTI, "no_multi"}, {CMD_MOVABLE_KEYS, "movablekeys"}, {CMD_ALLOW_BUSY, "allow_busy"},
};
#define SHOWN_FLAG_COUNT ((int)(sizeof(shown_flags) / sizeof(shown_flags[0])))

static void reply_word_set(Client *c, const char *words, int n, int status) {
    reply_set_len(c, n);
    for (const char *p = words; p && *p;) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (!len) break;
        if (status) {
            char buf[64];
            if (len >= sizeof(buf)) len = sizeof(buf) - 1;
            memcpy(buf, p, len);
            buf[len] = '\0';
            reply_simple(c, buf);
        } else {
            reply_bulk(c, p, len);
        }
        p += len;
    }
}

static void reply_keyspec_flags(Client *c, uint32_t flags) {
    int n = 0;
    for (int i = 0; i < KEYSPEC_FLAG_COUNT; i++)
        if (flags & (1u << i)) n++;
    reply_set_len(c, n);
    for (int i = 0; i < KEYSPEC_FLAG_COUNT; i++)
        if (flags & (1u << i)) reply_simple(c, keyspec_flag_names[i]);
}

/* {type: <type>, spec: {names[i]: vals[i] ...}} for a search step. */
static void reply_search(Client *c, const char *what, const char *type, int n, const char *const *names,
                         const int *vals) {
    reply_bulk_cstr(c, what);
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, type);
    reply_bulk_cstr(c, "spec");
    reply_map_len(c, n);
    for (int i = 0; i < n; i++) {
        reply_bulk_cstr(c, names[i]);
        reply_int(c, vals[i]);
    }
}

static void reply_key_spec(Client *c, const KeySpec *ks) {
    static const char *const index_names[] = {"index"};
    static const char *const range_names[] = {"lastkey", "keystep", "limit"};
    static const char *const keynum_names[] = {"keynumidx", "firstkey", "keystep"};
    const int fk_vals[3] = {ks->a, ks->b, ks->c};
    reply_map_len(c, ks->notes ? 4 : 3);
    if (ks->notes) {
        reply_bulk_cstr(c, "notes");
        reply_bulk_cstr(c, ks->notes);
    }
    reply_bulk_cstr(c, "flags");
    reply_keyspec_flags(c, ks->flags);
    if (ks->bs_type == BS_INDEX) {
        reply_search(c, "begin_search", "index", 1, index_names, &ks->index);
    } else if (ks->bs_type == BS_KEYWORD) {
        /* The keyword is a string: written out rather than through the helper. */
        reply_bulk_cstr(c, "begin_search");
        reply_map_len(c, 2);
        reply_bulk_cstr(c, "type");
        reply_bulk_cstr(c, "keyword");
        reply_bulk_cstr(c, "spec");
        reply_map_len(c, 2);
        reply_bulk_cstr(c, "keyword");
        reply_bulk_cstr(c, ks->keyword);
        reply_bulk_cstr(c, "startfrom");
        reply_int(c, ks->startfrom);
    } else {
        reply_search(c, "begin_search", "unknown", 0, NULL, NULL);
    }
    if (ks->fk_type == FK_RANGE) reply_search(c, "find_keys", "range", 3, range_names, fk_vals);
    else if (ks->fk_type == FK_KEYNUM) reply_search(c, "find_keys", "keynum", 3, keynum_names, fk_vals);
    else reply_search(c, "find_keys", "unknown", 0, NULL, NULL);
}

static long long subcommand_count(const Command *cmd) {
    long long n = 0;
    if (cmd->subcommands)
        for (const Command *sub = cmd->subcommands; sub->name; sub++) n++;
    return n;
}

static void reply_command_info(Client *c, Command *cmd) {
    CommandMeta *m = meta_of(cmd);
    reply_array_len(c, 10);
    reply_bulk_cstr(c, cmd->fullname);
    reply_int(c, cmd->arity);
    int n = 0;
    for (int i = 0; i < SHOWN_FLAG_COUNT; i++)
        if (cmd->flags & shown_flags[i].flag) n++;
    reply_set_len(c, n);
    for (int i = 0; i < SHOWN_FLAG_COUNT; i++)
        if (cmd->flags & shown_flags[i].flag) reply_simple(c, shown_flags[i].name);
    reply_int(c, cmd->keyspecs->first);
    reply_int(c, cmd->keyspecs->last);
    reply_int(c, cmd->keyspecs->step);
    n = 0;
    for (int i = 0; i < ACL_COUNT; i++)
        if (m->acl & (1u << i)) n++;
    reply_set_len(c, n);
    for (int i = 0; i < ACL_COUNT; i++) {
        if (!(m->acl & (1u << i))) continue;
        char buf[32];
        snprintf(buf, sizeof(buf), "@%s", acl_names[i]);
        reply_simple(c, buf);
    }
    reply_word_set(c, m->doc ? m->doc->tips : NULL, m->ntips, 0);
    reply_set_len(c, cmd->keyspecs->nspecs);
    for (int i = 0; i < cmd->keyspecs->nspecs; i++) reply_key_spec(c, &cmd->keyspecs->specs[i]);
    if (!cmd->subcommands) {
        reply_set_len(c, 0);
        return;
    }
    reply_array_len(c, subcommand_count(cmd));
    for (Command *sub = cmd->subcommands; sub->name; sub++) reply_command_info(c, sub);
}

/* A name as COMMAND INFO/DOCS take it: "get", or "config|get". */
static Command *lookup_fullname(const Arg *a) {
    const char *bar = memchr(a->p, '|', a->len);
    if (!bar) return command_lookup(a->p, a->len);
    Command *parent = command_lookup(a->p, (size_t)(bar - a->p));
    if (!parent || !parent->subcommands) return NULL;
    const char *sub = bar + 1;
    size_t sublen = a->len - (size_t)(sub - a->p);
    for (Command *s = parent->subcommands; s->name; s++)
        if (strlen(s->name) == sublen && strncasecmp(s->name, sub, sublen) == 0) return s;
    return NULL;
}

static long long count_commands(void) {
    long long n = 0;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) n++;
    return n;
}

/* COMMAND with no subcommand: every command's INFO. */
void command_command(Client *c) {
    ensure_meta();
    reply_array_len(c, count_commands());
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) reply_command_info(c, cmd);
}

void command_info_command(Client *c) {
    ensure_meta();
    if (c->argc == 2) {
        command_command(c);
        return;
    }
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        Command *cmd = lookup_fullname(&c->argv[i]);
        if (cmd) reply_command_info(c, cmd);
        else reply_null_array(c);
    }
}

void command_count_command(Client *c) {
    ensure_meta();
    reply_int(c, count_commands());
}

/* ---------------------------------------------------------- COMMAND DOCS */

static void reply_arg_list(Client *c, const DocArg *args, int n) {
    reply_array_len(c, n);
    for (int i = 0; i < n; i++) {
        const DocArg *a = &args[i];
        int fields = 2 + (a->display != NULL) + (a->key_spec_index >= 0) + (a->token != NULL) + (a->since != NULL) +
                     (a->deprecated_since != NULL) + (a->flags != 0) + (a->sub != NULL || a->nsub > 0);
        reply_map_len(c, fields);
        reply_bulk_cstr(c, "name");
        reply_bulk_cstr(c, a->name);
        reply_bulk_cstr(c, "type");
        reply_bulk_cstr(c, a->type);
        if (a->display) {
            reply_bulk_cstr(c, "display_text");
            reply_bulk_cstr(c, a->display);
        }
        if (a->key_spec_index >= 0) {
            reply_bulk_cstr(c, "key_spec_index");
            reply_int(c, a->key_spec_index);
        }
        if (a->token) {
            reply_bulk_cstr(c, "token");
            reply_bulk_cstr(c, a->token);
        }
        if (a->since) {
            reply_bulk_cstr(c, "since");
            reply_bulk_cstr(c, a->since);
        }
        if (a->deprecated_since) {
            reply_bulk_cstr(c, "deprecated_since");
            reply_bulk_cstr(c, a->deprecated_since);
        }
        if (a->flags) {
            reply_bulk_cstr(c, "flags");
            reply_set_len(c, (a->flags & ARG_OPTIONAL ? 1 : 0) + (a->flags & ARG_MULTIPLE ? 1 : 0) +
                                 (a->flags & ARG_MULTIPLE_TOKEN ? 1 : 0));
            if (a->flags & ARG_OPTIONAL) reply_simple(c, "optional");
            if (a->flags & ARG_MULTIPLE) reply_simple(c, "multiple");
            if (a->flags & ARG_MULTIPLE_TOKEN) reply_simple(c, "multiple_token");
        }
        if (a->sub != NULL || a->nsub > 0) {
            reply_bulk_cstr(c, "arguments");
            reply_arg_list(c, a->sub, a->nsub);
        }
    }
}

static long long documented_subcommands(Command *cmd) {
    long long n = 0;
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++)
            if (meta_of(sub)->docs_ok) n++;
    return n;
}

static void reply_history(Client *c, const char *h, int n) {
    reply_set_len(c, n);
    while (h && *h) {
        size_t len = strcspn(h, "|");
        size_t vlen = strcspn(h, " ");
        if (vlen > len) vlen = len;
        reply_array_len(c, 2);
        reply_bulk(c, h, vlen);
        size_t rest = vlen < len ? vlen + 1 : len;
        reply_bulk(c, h + rest, len - rest);
        h += len;
        if (*h == '|') h++;
    }
}

static void reply_command_docs(Client *c, Command *cmd) {
    CommandMeta *m = meta_of(cmd);
    const CommandDoc *d = m->doc;
    long long nsub = documented_subcommands(cmd);
    int fields = 3 + (d->complexity != NULL) + (m->ndoc_flags > 0) + (d->deprecated_since != NULL) + (d->replaced_by != NULL) +
                 (m->nhistory > 0) + (m->nargs > 0) + (nsub > 0);
    reply_map_len(c, fields);
    reply_bulk_cstr(c, "summary");
    reply_bulk_cstr(c, d->summary);
    reply_bulk_cstr(c, "since");
    reply_bulk_cstr(c, cmd->since ? cmd->since : "");
    reply_bulk_cstr(c, "group");
    reply_bulk_cstr(c, cmd->group ? cmd->group : "");
    if (d->complexity) {
        reply_bulk_cstr(c, "complexity");
        reply_bulk_cstr(c, d->complexity);
    }
    if (m->ndoc_flags > 0) {
        reply_bulk_cstr(c, "doc_flags");
        reply_word_set(c, d->doc_flags, m->ndoc_flags, 1);
    }
    if (d->deprecated_since) {
        reply_bulk_cstr(c, "deprecated_since");
        reply_bulk_cstr(c, d->deprecated_since);
    }
    if (d->replaced_by) {
        reply_bulk_cstr(c, "replaced_by");
        reply_bulk_cstr(c, d->replaced_by);
    }
    if (m->nhistory > 0) {
        reply_bulk_cstr(c, "history");
        reply_history(c, d->history, m->nhistory);
    }
    if (m->nargs > 0) {
        reply_bulk_cstr(c, "arguments");
        reply_arg_list(c, m->args, m->nargs);
    }
    if (nsub > 0) {
        reply_bulk_cstr(c, "subcommands");
        reply_map_len(c, nsub);
        for (Command *sub = cmd->subcommands; sub->name; sub++) {
            if (!meta_of(sub)->docs_ok) continue;
            reply_bulk_cstr(c, sub->fullname);
            reply_command_docs(c, sub);
        }
    }
}

void command_docs_command(Client *c) {
    ensure_meta();
    meta_parse_all_args();
    if (c->argc == 2) {
        long long n = 0;
        for (Command *cmd = server.cmd_table; cmd->name; cmd++)
            if (meta_of(cmd)->docs_ok) n++;
        reply_map_len(c, n);
        for (Command *cmd = server.cmd_table; cmd->name; cmd++) {
            if (!cmd->meta->docs_ok) continue;
            reply_bulk_cstr(c, cmd->fullname);
            reply_command_docs(c, cmd);
        }
        return;
    }
    /* Unknown names are left out, as Valkey does. */
    long long n = 0;
    for (int i = 2; i < c->argc; i++) {
        Command *cmd = lookup_fullname(&c->argv[i]);
        if (cmd && meta_of(cmd)->docs_ok) n++;
    }
    reply_map_len(c, n);
    for (int i = 2; i < c->argc; i++) {
        Command *cmd = lookup_fullname(&c->argv[i]);
        if (!cmd || !cmd->meta->docs_ok) continue;
        reply_bulk_cstr(c, cmd->fullname);
        reply_command_docs(c, cmd);
    }
}

/* ---------------------------------------------------------- COMMAND LIST */

enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

static int list_match(Command *cmd, int filter, const Arg *arg, uint32_t aclbit) {
    switch (filter) {
    case FILTER_MODULE: return 0; /* no module commands here */
    case FILTER_ACLCAT: return (meta_of(cmd)->acl & aclbit) != 0;
    case FILTER_PATTERN: return glob_match(arg->p, arg->len, cmd->fullname, strlen(cmd->fullname), 1);
    default: return 1;
    }
}

/* Walks commands and their subcommands; replies when emit, else counts. */
static long long list_walk(Client *c, int emit, int filter, const Arg *arg, uint32_t aclbit) {
    long long n = 0;
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) {
        if (list_match(cmd, filter, arg, aclbit)) {
            n++;
            if (emit) reply_bulk_cstr(c, cmd->fullname);
        }
        if (!cmd->subcommands) continue;
        for (Command *sub = cmd->subcommands; sub->name; sub++) {
            if (!list_match(sub, filter, arg, aclbit)) continue;
            n++;
            if (emit) reply_bulk_cstr(c, sub->fullname);
        }
    }
    return n;
}

void command_list_command(Client *c) {
    ensure_meta();
    int filter = FILTER_NONE;
    const Arg *arg = NULL;
    uint32_t aclbit = 0;
    if (c->argc == 5 && arg_equals(&c->argv[2], "filterby")) {
        arg = &c->argv[4];
        if (arg_equals(&c->argv[3], "module")) {
            filter = FILTER_MODULE;
        } else if (arg_equals(&c->argv[3], "aclcat")) {
            filter = FILTER_ACLCAT;
            for (int i = 0; i < ACL_COUNT; i++)
                if (arg_equals(arg, acl_names[i])) aclbit = 1u << i;
            /* An unknown category matches nothing. */
            if (!aclbit) filter = FILTER_MODULE;
        } else if (arg_equals(&c->argv[3], "pattern")) {
            filter = FILTER_PATTERN;
        } else {
            reply_syntax_error(c);
            return;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    reply_array_len(c, list_walk(c, 0, filter, arg, aclbit));
    list_walk(c, 1, filter, arg, aclbit);
}

/* ------------------------------------------------------- COMMAND GETKEYS */

static void getkeys(Client *c, int with_flags) {
    Arg *argv = c->argv + 2;
    int argc = c->argc - 2;
    Command *cmd = command_lookup_argv(argv, argc);
    if (!cmd) {
        reply_error(c, "Invalid command specified");
        return;
    }
    if (!command_has_key_args(cmd)) {
        reply_error(c, "The command has no key arguments");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        reply_error(c, "Invalid number of arguments specified for command");
        return;
    }
    int max = argc;
    int *keys = mem_alloc(sizeof(int) * (size_t)max);
    uint32_t *flags = mem_alloc(sizeof(uint32_t) * (size_t)max);
    int n = command_get_keys(cmd, argv, argc, keys, flags, max);
    if (n <= 0) {
        if (cmd->flags & CMD_NO_MANDATORY_KEYS) reply_array_len(c, 0);
        else reply_error(c, "Invalid arguments specified for command");
    } else {
        reply_array_len(c, n);
        for (int i = 0; i < n; i++) {
            if (with_flags) {
                reply_array_len(c, 2);
                reply_bulk(c, argv[keys[i]].p, argv[keys[i]].len);
                reply_keyspec_flags(c, flags[i] & ~(KEYSPEC_INCOMPLETE | KEYSPEC_VARIABLE_FLAGS));
            } else {
                reply_bulk(c, argv[keys[i]].p, argv[keys[i]].len);
            }
        }
    }
    mem_free(keys);
    mem_free(flags);
}

void command_getkeys_command(Client *c) {
    ensure_meta();
    getkeys(c, 0);
}

void command_getkeysandflags_command(Client *c) {
    ensure_meta();
    getkeys(c, 1);
}

/* ---------------------------------------------------------- COMMAND HELP */

void command_help_command(Client *c) {
    static const char *help[] = {
        "(no subcommand)",
        "    Return details about every command of this server.",
        "COUNT",
        "    Return how many commands this server has.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
        "    Return the names of the commands of this server, optionally only those",
        "    of a module, of an ACL category or whose name matches a glob pattern.",
        "INFO [<command-name> ...]",
        "    Return details about the named commands, or about all of them when no",
        "    name is given.",
        "DOCS [<command-name> ...]",
        "    Return the documentation of the named commands, or of all of them when",
        "    no name is given.",
        "GETKEYS <full-command>",
        "    Return the key names found in a complete command line.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the key names of a complete command line with their access flags.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}
