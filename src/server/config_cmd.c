/* config_cmd.c - the CONFIG command: GET, SET, RESETSTAT, REWRITE, HELP.
 * It only reads and writes rows of the directive table (config.c) through
 * config_internal.h; the file work of REWRITE is in config_file.c.
 *
 * Invariants:
 *  - CONFIG SET is all-or-nothing: every name is checked before any value
 *    changes, and when a value or an apply hook fails, every row already
 *    set goes back to the text it had (and hooks that ran run again);
 *  - CONFIG GET with a plain name answers under the name as asked (alias
 *    or hidden row included); glob patterns skip hidden rows. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../deps/glob/glob.h"
#include "config_internal.h"
#include "server.h"
#include "reply.h"
#include "cmds.h"

/* ----------------------------------------------------------- CONFIG GET */

typedef struct GetMatch {
    const char *key;
    size_t klen;
    const ConfigDef *d;
} GetMatch;

static int match_add(GetMatch **m, int *n, int *cap, const char *key, size_t klen, const ConfigDef *d) {
    for (int i = 0; i < *n; i++)
        if ((*m)[i].klen == klen && memcmp((*m)[i].key, key, klen) == 0) return 0;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *m = mem_realloc(*m, sizeof(GetMatch) * (size_t)*cap);
    }
    (*m)[*n].key = key;
    (*m)[*n].klen = klen;
    (*m)[*n].d = d;
    (*n)++;
    return 1;
}

static void config_get_command(Client *c) {
    GetMatch *m = NULL;
    int n = 0, cap = 0;
    for (int i = 2; i < c->argc; i++) {
        const Arg *pat = &c->argv[i];
        if (!memchr(pat->p, '*', pat->len) && !memchr(pat->p, '?', pat->len) && !memchr(pat->p, '[', pat->len)) {
            /* A plain name answers under the name as asked, hidden or not. */
            const ConfigDef *d = config_lookup_len(pat->p, pat->len);
            if (d) match_add(&m, &n, &cap, pat->p, pat->len, d);
            continue;
        }
        for (int j = 0; j < config_count; j++) {
            const ConfigDef *d = &config_table[j];
            if (d->flags & CF_HIDDEN) continue;
            if (glob_match(pat->p, pat->len, d->name, strlen(d->name), 1))
                match_add(&m, &n, &cap, d->name, strlen(d->name), d);
            if (d->alias && glob_match(pat->p, pat->len, d->alias, strlen(d->alias), 1))
                match_add(&m, &n, &cap, d->alias, strlen(d->alias), d);
        }
    }
    reply_map_len(c, n);
    for (int i = 0; i < n; i++) {
        Str *v = config_row_get(m[i].d);
        reply_bulk(c, m[i].key, m[i].klen);
        reply_bulk(c, v->buf, v->len);
        str_free(v);
    }
    mem_free(m);
}

/* ----------------------------------------------------------- CONFIG SET */

static void config_set_command(Client *c) {
    if (c->argc < 4) {
        reply_wrong_arity(c, "config|set");
        return;
    }
    /* An unpaired name is a syntax error, not an arity one, as in Valkey. */
    if (c->argc % 2) {
        reply_syntax_error(c);
        return;
    }
    int count = (c->argc - 2) / 2;
    const ConfigDef **defs = mem_calloc(sizeof(*defs) * (size_t)count);
    const Arg **values = mem_calloc(sizeof(*values) * (size_t)count);
    Str **backup = mem_calloc(sizeof(*backup) * (size_t)count);
    config_apply_fn **applies = mem_calloc(sizeof(*applies) * (size_t)count);
    int *apply_owner = mem_calloc(sizeof(int) * (size_t)count);
    int napplies = 0, nset = 0, ran = 0;
    const char *errstr = NULL;
    char *apply_err = NULL;
    char *bad_name = NULL;     /* the name as the client wrote it */
    const char *err_name = NULL;
    int unknown = 0;

    /* 1. Check every name before touching anything. */
    for (int i = 0; i < count && !bad_name; i++) {
        const Arg *name = &c->argv[2 + i * 2];
        const ConfigDef *d = config_lookup_len(name->p, name->len);
        if (!d) {
            unknown = 1;
            bad_name = mem_strndup(name->p, name->len);
            break;
        }
        if ((d->flags & CF_IMMUTABLE) ||
            ((d->flags & CF_PROTECTED) && !config_allows_protected(server.cfg.enable_protected_configs, c))) {
            errstr = (d->flags & CF_IMMUTABLE) ? "can't set immutable config" : "can't set protected config";
            bad_name = mem_strndup(name->p, name->len);
            break;
        }
        for (int j = 0; j < i; j++) {
            if (defs[j] == d) {
                errstr = "duplicate parameter";
                bad_name = mem_strndup(name->p, name->len);
                break;
            }
        }
        defs[i] = d;
        values[i] = &c->argv[3 + i * 2];
    }
    if (bad_name) goto done;

    /* 2. Set them one by one, keeping the old value to roll back to (as
     * bytes: a binary-safe row's value may hold NULs). */
    for (int i = 0; i < count; i++) {
        backup[i] = config_row_get(defs[i]);
        int r = config_row_set_value(defs[i], values[i]->p, values[i]->len, &errstr);
        if (r == 0) {
            err_name = defs[i]->name;
            nset = i; /* rows before i changed; row i did not */
            goto rollback;
        }
        if (r == 1 && defs[i]->apply) {
            int seen = 0;
            for (int j = 0; j < napplies; j++) seen |= applies[j] == defs[i]->apply;
            if (!seen) {
                apply_owner[napplies] = i;
                applies[napplies++] = defs[i]->apply;
            }
        }
    }
    nset = count;

    /* 3. Let the server act on the new values. */
    for (int j = 0; j < napplies; j++) {
        ran = j + 1;
        if (applies[j](&apply_err) != 0) {
            err_name = defs[apply_owner[j]]->name;
            errstr = apply_err;
            server_log(LL_WARNING,
                       "Failed applying new configuration. Possibly related to new %s setting. "
                       "Restoring previous settings.",
                       err_name);
            goto rollback;
        }
    }
    for (int i = 0; i < count; i++)
        if (!config_row_supported(defs[i]))
            server_log(LL_WARNING, "CONFIG SET %s: value stored, but this version does not act on it yet",
                       defs[i]->name);
    reply_ok(c);
    goto cleanup;

rollback:
    for (int i = nset - 1; i >= 0; i--) {
        const char *ignored = NULL;
        if (backup[i] && config_row_set_value(defs[i], backup[i]->buf, backup[i]->len, &ignored) == 0)
            server_log(LL_WARNING, "Could not restore '%s': %s", defs[i]->name, ignored ? ignored : "?");
    }
    /* The hooks that already ran saw the new values: run them again. */
    for (int j = 0; j < ran; j++) {
        char *again = NULL;
        if (applies[j](&again) != 0)
            server_log(LL_WARNING, "Failed re-applying the restored configuration: %s", again ? again : "?");
        mem_free(again);
    }
done:
    if (unknown) {
        reply_errorf(c, "Unknown option or number of arguments for CONFIG SET - '%s'", bad_name);
    } else {
        const char *who = bad_name ? bad_name : err_name;
        if (errstr) reply_errorf(c, "CONFIG SET failed (possibly related to argument '%s') - %s", who, errstr);
        else reply_errorf(c, "CONFIG SET failed (possibly related to argument '%s')", who);
    }
cleanup:
    for (int i = 0; i < count; i++)
        if (backup[i]) str_free(backup[i]);
    mem_free(apply_err);
    mem_free(bad_name);
    mem_free(defs);
    mem_free(values);
    mem_free(backup);
    mem_free(applies);
    mem_free(apply_owner);
}

/* ------------------------------------------------------- CONFIG command */

static const char *config_help[] = {
    "GET <pattern> [<pattern> ...]",
    "    Reply with each directive whose name matches a glob-style <pattern>,",
    "    and its current value.",
    "SET <directive> <value> [<directive> <value> ...]",
    "    Change directives at run time. Either all of them change or none does.",
    "RESETSTAT",
    "    Zero the statistics that INFO reports.",
    "REWRITE",
    "    Save the running configuration into the config file, keeping its comments.",
    "HELP",
    "    Print this help.",
    NULL,
};

void config_command(Client *c) {
    if (c->argc < 2) {
        reply_wrong_arity(c, "config");
        return;
    }
    const Arg *sub = &c->argv[1];
    if (arg_equals(sub, "get")) {
        if (c->argc < 3) {
            reply_wrong_arity(c, "config|get");
            return;
        }
        config_get_command(c);
    } else if (arg_equals(sub, "set")) {
        config_set_command(c);
    } else if (arg_equals(sub, "resetstat")) {
        if (c->argc != 2) {
            reply_wrong_arity(c, "config|resetstat");
            return;
        }
        server_reset_stats();
        reply_ok(c);
    } else if (arg_equals(sub, "rewrite")) {
        if (c->argc != 2) {
            reply_wrong_arity(c, "config|rewrite");
            return;
        }
        if (!server.config_file) {
            reply_error(c, "The server is running without a config file");
            return;
        }
        if (config_rewrite(server.config_file) == -1) {
            int e = errno;
            server_log(LL_WARNING, "CONFIG REWRITE failed: %s", strerror(e));
            reply_errorf(c, "Rewriting config file: %s", strerror(e));
        } else {
            server_log(LL_NOTICE, "CONFIG REWRITE executed with success.");
            reply_ok(c);
        }
    } else if (arg_equals(sub, "help") && c->argc == 2) {
        reply_help(c, config_help);
    } else {
        reply_unknown_subcommand(c);
    }
}
