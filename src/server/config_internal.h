/* config_internal.h - what the config module's files share, and nothing
 * else: the directive row type, the table, and the row accessors.
 *
 *   config.c       the table, value parsing/printing, special rows, init;
 *   config_file.c  reading the config file and command line, CONFIG REWRITE;
 *   config_cmd.c   the CONFIG command (GET, SET, RESETSTAT, REWRITE, HELP).
 *
 * Invariants (kept by config.c):
 *  - a row's value is only ever changed through config_row_set(), which
 *    validates first: a failed set leaves the old value untouched;
 *  - config_row_get() of a row always parses back through
 *    config_row_set_text() to the same value; CONFIG SET relies on this
 *    to roll back.
 * Only the config module's .c files include this header. */
#ifndef SERVER_CONFIG_INTERNAL_H
#define SERVER_CONFIG_INTERNAL_H

#include <stddef.h>

#include "../ds/str.h"

#define CF_IMMUTABLE (1u << 0)   /* file and command line only */
#define CF_PROTECTED (1u << 1)   /* CONFIG SET needs enable-protected-configs */
#define CF_SENSITIVE (1u << 2)   /* holds a secret */
#define CF_HIDDEN (1u << 3)      /* not listed by glob patterns in CONFIG GET */
#define CF_MEMORY (1u << 4)      /* accepts units: 1gb, 64mb, ... */
#define CF_PERCENT (1u << 5)     /* accepts "N%", stored as -N */
#define CF_OCTAL (1u << 6)       /* written and read in base 8 */
#define CF_MULTI_ARG (1u << 7)   /* value is several words */
#define CF_UNSUPPORTED (1u << 8) /* has a field, but nothing acts on it yet */
#define CF_EMPTY_NULL (1u << 9)  /* string: "" is stored as NULL */
#define CF_FLAGS_ENUM (1u << 10) /* enum: several names may be combined */
#define CF_ALWAYS_REWRITE (1u << 11) /* CONFIG REWRITE writes it even at its default */

/* Defined in config.c; only it looks inside. */
typedef struct ConfigEnum ConfigEnum;
typedef struct ConfigSpecial ConfigSpecial;

typedef struct ConfigDef ConfigDef;

/* Lines CONFIG REWRITE should write for one directive. */
typedef struct RewriteLines {
    Str **v;
    int n, cap;
} RewriteLines;

typedef int config_apply_fn(char **err);

struct ConfigDef {
    const char *name;
    const char *alias;       /* older name still accepted, or NULL */
    int type;                /* CT_* (config.c) */
    unsigned flags;
    const char *def;         /* default, as CONFIG GET prints it */
    long long lo;            /* numeric bounds, inclusive */
    unsigned long long hi;
    const ConfigEnum *enums;
    const ConfigSpecial *special;
    size_t off;              /* offset in ServerConfig, or NO_FIELD (config.c) */
    config_apply_fn *apply;  /* run after CONFIG SET changed the value */
};

/* An argument vector of NUL-ended copies; lens[i] is v[i]'s length,
 * which may be past an embedded NUL ("\x00" in a quoted value). */
typedef struct ArgList {
    char **v;
    size_t *lens;
    int n;
} ArgList;

extern const ConfigDef config_table[];
extern const int config_count;

extern int config_loading;       /* inside config_load() */
extern int config_save_seen;     /* a "save" line already reset the defaults */
extern char config_errbuf[512];  /* formatted error texts */

int config_row_index(const ConfigDef *d);
const ConfigDef *config_lookup_len(const char *name, size_t len);
const ConfigDef *config_lookup(const char *name);
/* Whether the server acts on the row (it has a field, not flagged). */
int config_row_supported(const ConfigDef *d);
/* Validates and stores one row's value.  Returns 0 (with *err), 1 when
 * the value changed, 2 when it was already that. */
int config_row_set(const ConfigDef *d, char **argv, int argc, const char **err);
/* Same, from one text value, splitting it for multi-word rows. */
int config_row_set_text(const ConfigDef *d, const char *text, const char **err);
/* Same, from one value of len bytes that may hold NULs: binary-safe rows
 * (requirepass) keep all of it; others see it up to a NUL. */
int config_row_set_value(const ConfigDef *d, const char *p, size_t len, const char **err);
/* The value as CONFIG GET prints it. */
Str *config_row_get(const ConfigDef *d);
int config_row_is_default(const ConfigDef *d);
/* The lines CONFIG REWRITE writes for a row, as they would be read back. */
void config_row_rewrite_lines(const ConfigDef *d, RewriteLines *out);

/* Splits text with the config-file quoting rules.  Returns 0, or -1 for
 * unbalanced quotes (a is then empty). */
int config_args_split(const char *text, size_t len, ArgList *a);
void config_args_free(ArgList *a);

/* client-output-buffer-limit class of a name (CLIENT_CLASS_*), or -1. */
int config_obuf_class(const char *name);
/* Clamps hz to 1..500, as Valkey does after accepting any non-negative. */
void config_clamp_hz(void);
/* Counts a file-only directive or module config we accept but ignore. */
void config_ignored_note(const char *name);

/* config_file.c: writes the running configuration over path.  Returns 0,
 * or -1 with errno set. */
int config_rewrite(const char *path);

#endif
