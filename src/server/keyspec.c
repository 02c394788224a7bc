/* keyspec.c - the key specs of every command (which arguments are keys,
 * and how each key is used), parsed from the docs rows at start-up, and
 * key extraction from a command line.
 *
 * The specs' compact text form (command_docs.c):
 *   BEGIN/FIND/FLAGS[!notes]   separated by ';'
 *   BEGIN := index | keyword:TOKEN:startfrom | ?
 *   FIND  := range:lastkey,keystep,limit | keynum:keynumidx,firstkey,keystep | ?
 * Invariant: after keyspecs_init every Command has keyspecs (possibly
 * with no specs), and CMD_MOVABLE_KEYS is set where the legacy
 * (first, last, step) triple cannot describe them. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"
#include "keyspec.h"
#include "reply.h"

const char *const keyspec_flag_names[KEYSPEC_FLAG_COUNT] = {
    "RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete", "variable_flags",
};

static char *dup_n(const char *p, size_t n) {
    char *s = mem_alloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

int keyspec_parse_int(const char **pp, int *out) {
    char *end;
    long v = strtol(*pp, &end, 10);
    if (end == *pp || v < INT_MIN || v > INT_MAX) return 0;
    *out = (int)v;
    *pp = end;
    return 1;
}

/* One spec: BEGIN/FIND/FLAGS, where BEGIN is N, keyword:TOKEN:startfrom or
 * ?, FIND is range:last,step,limit, keynum:idx,first,step or ?, and FLAGS
 * are |-separated upper-case names. */
static int parse_key_spec(const char *p, size_t len, KeySpec *ks) {
    char buf[256];
    if (len >= sizeof(buf)) return 0;
    memcpy(buf, p, len);
    buf[len] = '\0';
    memset(ks, 0, sizeof(*ks));
    const char *s = buf;
    if (*s == '?') {
        ks->bs_type = BS_UNKNOWN;
        s++;
    } else if (strncmp(s, "keyword:", 8) == 0) {
        s += 8;
        const char *colon = strchr(s, ':');
        if (!colon) return 0;
        ks->bs_type = BS_KEYWORD;
        ks->keyword = dup_n(s, (size_t)(colon - s));
        s = colon + 1;
        if (!keyspec_parse_int(&s, &ks->startfrom)) return 0;
    } else {
        ks->bs_type = BS_INDEX;
        if (!keyspec_parse_int(&s, &ks->index) || ks->index < 1) return 0;
    }
    if (*s++ != '/') return 0;
    if (*s == '?') {
        ks->fk_type = FK_UNKNOWN;
        s++;
    } else {
        if (strncmp(s, "range:", 6) == 0) {
            ks->fk_type = FK_RANGE;
            s += 6;
        } else if (strncmp(s, "keynum:", 7) == 0) {
            ks->fk_type = FK_KEYNUM;
            s += 7;
        } else {
            return 0;
        }
        if (!keyspec_parse_int(&s, &ks->a) || *s++ != ',' || !keyspec_parse_int(&s, &ks->b) || *s++ != ',' || !keyspec_parse_int(&s, &ks->c))
            return 0;
    }
    if (*s++ != '/') return 0;
    /* FLAGS may end with "!note text": the spec's notes entry. */
    char *bang = strchr(s, '!');
    if (bang) {
        ks->notes = dup_n(bang + 1, strlen(bang + 1));
        *bang = '\0';
    }
    while (*s) {
        size_t n = strcspn(s, "|");
        int i;
        for (i = 0; i < KEYSPEC_FLAG_COUNT; i++)
            if (strlen(keyspec_flag_names[i]) == n && strncasecmp(keyspec_flag_names[i], s, n) == 0) break;
        if (i == KEYSPEC_FLAG_COUNT) return 0;
        ks->flags |= 1u << i;
        s += n;
        if (*s == '|') s++;
    }
    return 1;
}

/* Valkey's legacy (first, last, step): the index/range specs glued
 * together when they are contiguous with step 1; otherwise 0,0,0.  Any
 * spec that the range cannot express makes the command "movablekeys". */
static void legacy_range(Command *cmd, KeySpecs *m) {
    m->first = m->last = m->step = 0;
    if (m->nspecs == 0) return;
    int movable = 0;
    if (m->nspecs == 1 && m->specs[0].bs_type == BS_INDEX && m->specs[0].fk_type == FK_RANGE) {
        KeySpec *ks = &m->specs[0];
        m->first = ks->index;
        m->last = ks->a < 0 ? ks->a : ks->index + ks->a;
        m->step = ks->b;
        if (ks->flags & KEYSPEC_INCOMPLETE) cmd->flags |= CMD_MOVABLE_KEYS;
        return;
    }
    int first = INT_MAX, last = 0, prev_last = 0, glued = 1;
    for (int i = 0; i < m->nspecs; i++) {
        KeySpec *ks = &m->specs[i];
        if (ks->bs_type != BS_INDEX || ks->fk_type != FK_RANGE) {
            movable = 1;
            continue;
        }
        if (ks->flags & KEYSPEC_INCOMPLETE) movable = 1;
        if (ks->b != 1 || (prev_last && prev_last != ks->index - 1)) {
            glued = 0;
            break;
        }
        if (ks->index < first) first = ks->index;
        int abs_last = ks->a >= 0 ? ks->index + ks->a : ks->a;
        /* A negative last (counted from the end) wins over any positive. */
        if ((unsigned)abs_last > (unsigned)last) last = abs_last;
        prev_last = last;
    }
    if (!glued || first == INT_MAX) movable = 1;
    if (glued && first != INT_MAX) {
        m->first = first;
        m->last = last;
        m->step = 1;
    }
    if (movable) cmd->flags |= CMD_MOVABLE_KEYS;
}

/* Where a keyword spec's keys begin, or 0 when the keyword is absent.  A
 * positive startfrom searches forwards from there, up to the next-to-last
 * argument (a keyword needs a key after it); a negative one backwards
 * from argc+startfrom down to argument 2. */
static int keyword_start(const KeySpec *ks, Arg *argv, int argc) {
    if (ks->startfrom > 0) {
        for (int i = ks->startfrom; i < argc - 1; i++)
            if (arg_equals(&argv[i], ks->keyword)) return i + 1;
    } else {
        for (int i = argc + ks->startfrom; i > 1; i--)
            if (i < argc && arg_equals(&argv[i], ks->keyword)) return i + 1;
    }
    return 0;
}

static int add_key(int *keys, uint32_t *flags, int n, int max, int idx, uint32_t f) {
    if (n >= max) return n;
    keys[n] = idx;
    if (flags) flags[n] = f;
    return n + 1;
}

/* Keys by the specs alone; -1 when a spec that should match does not fit
 * the arguments (an INCOMPLETE spec is then just skipped). */
static int keys_by_specs(const KeySpecs *m, Arg *argv, int argc, int *keys, uint32_t *flags, int max) {
    int n = 0;
    for (int s = 0; s < m->nspecs; s++) {
        const KeySpec *ks = &m->specs[s];
        int first, last, step;
        if (ks->bs_type == BS_UNKNOWN || ks->fk_type == FK_UNKNOWN) continue;
        if (ks->bs_type == BS_INDEX) {
            first = ks->index;
        } else {
            first = keyword_start(ks, argv, argc);
            if (!first) continue;
        }
        if (ks->fk_type == FK_RANGE) {
            step = ks->b;
            if (ks->a >= 0) {
                last = first + ks->a;
            } else if (ks->c <= 1) {
                last = argc + ks->a;
            } else {
                /* limit: only 1/limit of the remaining arguments are keys */
                last = first + ((argc - first) / ks->c + ks->a);
            }
        } else {
            int numidx = first + ks->a;
            if (numidx >= argc) goto invalid;
            char buf[32];
            size_t len = argv[numidx].len < sizeof(buf) - 1 ? argv[numidx].len : sizeof(buf) - 1;
            memcpy(buf, argv[numidx].p, len);
            buf[len] = '\0';
            char *end;
            long long numkeys = strtoll(buf, &end, 10);
            if (end == buf || *end || numkeys < 0 || numkeys > argc) goto invalid;
            if (numkeys == 0) continue;
            step = ks->c;
            first += ks->b;
            last = first + (int)((numkeys - 1) * step);
        }
        if (first >= argc || last >= argc || last < first || step <= 0) goto invalid;
        for (int i = first; i <= last; i += step) n = add_key(keys, flags, n, max, i, ks->flags);
        continue;
    invalid:
        if (ks->flags & KEYSPEC_INCOMPLETE) continue;
        return -1;
    }
    return n;
}

/* SORT and SORT_RO: the key, and STORE's destination when given. */
static int sort_keys(Arg *argv, int argc, int *keys, uint32_t *flags, int max) {
    int n = add_key(keys, flags, 0, max, 1, KEYSPEC_RO | KEYSPEC_ACCESS);
    /* Skip the arguments of LIMIT (2), BY and GET (1) so a key named
     * "store" there is not taken for the keyword. */
    int store = 0;
    for (int i = 2; i < argc; i++) {
        if (arg_equals(&argv[i], "limit") && i + 2 < argc) i += 2;
        else if ((arg_equals(&argv[i], "by") || arg_equals(&argv[i], "get")) && i + 1 < argc) i += 1;
        else if (arg_equals(&argv[i], "store") && i + 1 < argc) store = ++i;
    }
    if (store) n = add_key(keys, flags, n, max, store, KEYSPEC_OW | KEYSPEC_UPDATE);
    return n;
}

int command_get_keys(Command *cmd, Arg *argv, int argc, int *keys, uint32_t *flags, int max) {
    const KeySpecs *m = cmd->keyspecs;
    const char *name = cmd->fullname;
    if (strcmp(name, "sort") == 0 || strcmp(name, "sort_ro") == 0) return sort_keys(argv, argc, keys, flags, max);
    int n = keys_by_specs(m, argv, argc, keys, flags, max);
    if (n > 0 && flags && strcmp(name, "set") == 0) {
        /* SET reads the old value only with GET. */
        int get = 0;
        for (int i = 3; i < argc; i++)
            if (arg_equals(&argv[i], "get")) get = 1;
        flags[0] = get ? KEYSPEC_RW | KEYSPEC_ACCESS | KEYSPEC_UPDATE : KEYSPEC_OW | KEYSPEC_UPDATE;
    }
    return n;
}

int command_has_key_args(Command *cmd) {
    const KeySpecs *m = cmd->keyspecs;
    for (int i = 0; i < m->nspecs; i++)
        if (!(m->specs[i].flags & KEYSPEC_NOT_KEY)) return 1;
    return 0;
}


static void init_one(Command *cmd) {
    KeySpecs *m = mem_calloc(sizeof(*m));
    cmd->keyspecs = m;
    const CommandDoc *doc = command_doc_find(cmd->fullname);
    m->ok = 1;
    if (doc && doc->key_specs && *doc->key_specs) {
        const char *p = doc->key_specs;
        int n = 1;
        for (const char *q = p; *q; q++)
            if (*q == ';') n++;
        m->specs = mem_calloc((size_t)n * sizeof(KeySpec));
        while (*p) {
            size_t len = strcspn(p, ";");
            if (!parse_key_spec(p, len, &m->specs[m->nspecs])) {
                server_log(LL_WARNING, "Command '%s': malformed key spec '%.*s'", cmd->fullname, (int)len, p);
                m->ok = 0;
                break;
            }
            m->nspecs++;
            p += len;
            if (*p == ';') p++;
        }
    }
    legacy_range(cmd, m);
    /* The table's own key positions must agree with the specs, or code
     * reading them would disagree with COMMAND INFO. */
    if (doc && (cmd->first_key != m->first || cmd->last_key != m->last || cmd->key_step != m->step))
        server_log(LL_WARNING, "Command '%s': table key range %d,%d,%d but its key specs say %d,%d,%d", cmd->fullname,
                   cmd->first_key, cmd->last_key, cmd->key_step, m->first, m->last, m->step);
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) init_one(sub);
}

void keyspecs_init(Command *table) {
    for (Command *cmd = table; cmd->name; cmd++) init_one(cmd);
}
