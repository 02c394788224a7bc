/* keyspec.h - which arguments of a command line are keys, by the key
 * specs Valkey publishes (COMMAND INFO), parsed from the docs rows at
 * start-up.  COMMAND GETKEYS, ACL key patterns and client-side caching
 * all ask this module, so it is built before the first command runs. */
#ifndef SERVER_KEYSPEC_H
#define SERVER_KEYSPEC_H

#include <stdint.h>

#include "command.h"

/* Key spec flags, in the order COMMAND INFO prints them. */
#define KEYSPEC_RO (1u << 0)
#define KEYSPEC_RW (1u << 1)
#define KEYSPEC_OW (1u << 2)
#define KEYSPEC_RM (1u << 3)
#define KEYSPEC_ACCESS (1u << 4)
#define KEYSPEC_UPDATE (1u << 5)
#define KEYSPEC_INSERT (1u << 6)
#define KEYSPEC_DELETE (1u << 7)
#define KEYSPEC_NOT_KEY (1u << 8)
#define KEYSPEC_INCOMPLETE (1u << 9)
#define KEYSPEC_VARIABLE_FLAGS (1u << 10)
#define KEYSPEC_FLAG_COUNT 11
extern const char *const keyspec_flag_names[KEYSPEC_FLAG_COUNT];

enum { BS_INDEX = 1, BS_KEYWORD, BS_UNKNOWN };
enum { FK_RANGE = 1, FK_KEYNUM, FK_UNKNOWN };

typedef struct KeySpec {
    int bs_type;
    int index;           /* BS_INDEX: argument position */
    char *keyword;       /* BS_KEYWORD */
    int startfrom;       /* BS_KEYWORD: where the search starts; < 0 from the end, backwards */
    int fk_type;
    int a, b, c;         /* range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep */
    uint32_t flags;
    char *notes;         /* a remark COMMAND INFO shows with the spec, or NULL */
} KeySpec;

typedef struct KeySpecs {
    KeySpec *specs;
    int nspecs;
    int first, last, step;  /* the legacy key range, derived from the specs */
    int ok;                 /* the docs row's key_specs parsed */
} KeySpecs;

/* Parses every command's key specs (and subcommands'); sets
 * CMD_MOVABLE_KEYS where the legacy range cannot express them. */
void keyspecs_init(Command *table);
/* The keys of a command line (argv[0] is the command's name): argument
 * indexes into keys[], access flags (KEYSPEC_*) into flags[] when not
 * NULL.  Returns the count, or -1 when the arguments do not fit. */
int command_get_keys(Command *cmd, Arg *argv, int argc, int *keys, uint32_t *flags, int max);
/* Reads a decimal int at *pp and advances it (the docs rows' number
 * fields); returns 0 when there is none. */
int keyspec_parse_int(const char **pp, int *out);
/* Whether any spec names real keys (not only NOT_KEY ones). */
int command_has_key_args(Command *cmd);

#endif
