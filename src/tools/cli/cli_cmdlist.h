/* cli_cmdlist.h - the built-in list of Valkey command names (see
 * cli_cmdlist.c), the cli's fallback when COMMAND DOCS is unavailable. */
#ifndef TOOLS_CLI_CMDLIST_H
#define TOOLS_CLI_CMDLIST_H

typedef struct CliBuiltinCmd {
    const char *name;    /* upper case; "CONFIG GET" for subcommands */
    const char *group;   /* as COMMAND DOCS names it: "string", "sorted-set" */
    const char *since;
    int arity;
} CliBuiltinCmd;

extern const CliBuiltinCmd cli_builtin_cmds[];
extern const int cli_builtin_cmd_count;

#endif
