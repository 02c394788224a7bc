/* main.c - valkey-server's entry point: command-line parsing, then the
 * configuration, then the event loop.
 *
 * Command line as Valkey takes it:
 *   valkey-server [config-file|-] [--directive value ...] [-v|--version] [-h|--help]
 * Every "--name a b" becomes the config line "name a b", applied after the
 * file, so the command line wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>

#include "command_docs.h"
#include "commands.h"
#include "persist/persist.h"
#include "server/server.h"
#include "types/types.h"
#include "script/script.h"

static void usage(void) {
    fprintf(stderr,
            "Usage: ./valkey-server [/path/to/valkey.conf] [options] [-]\n"
            "       ./valkey-server - (read config from stdin)\n"
            "       ./valkey-server -v or --version\n"
            "       ./valkey-server -h or --help\n\n"
            "Examples:\n"
            "       ./valkey-server (run the server with default conf)\n"
            "       ./valkey-server /etc/valkey/6379.conf\n"
            "       ./valkey-server --port 7777\n"
            "       ./valkey-server /etc/myvalkey.conf --loglevel verbose -\n");
    exit(1);
}

static void version(void) {
    printf("Valkey server v=%s sha=00000000:0 malloc=%s bits=%d build=0 (compatible server release %s)\n", SERVER_VERSION,
           mem_allocator_name(), (int)(sizeof(void *) * 8), OUR_VERSION);
    exit(0);
}


int main(int argc, char **argv) {
    const char *config_path = NULL;
    Str *options = str_with_capacity(128);
    int i = 1;
    if (argc >= 2) {
        if (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0) version();
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) usage();
        if (argv[1][0] != '-' || (argv[1][1] == '\0' && argc == 2)) {
            config_path = argv[1];
            i = 2;
        }
    }
    int in_directive = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            if (options->len) options = str_cat(options, "\n", 1);
            options = str_cat_cstr(options, a + 2);
            in_directive = 1;
        } else if (strcmp(a, "-") == 0 && i == argc - 1 && !config_path) {
            config_path = "-";
        } else if (in_directive) {
            options = str_cat(options, " ", 1);
            /* Quoted so the config parser reads it back exactly (spaces,
             * quotes and empty strings survive). */
            options = str_cat_repr(options, a, strlen(a));
        } else {
            fprintf(stderr, "Invalid option '%s'\n", a);
            usage();
        }
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        server.executable = mem_strdup(exe);
    } else {
        server.executable = mem_strdup(argv[0]);
    }
    server_init();
    config_init();
    /* The upper layers' hooks, registered before anything runs. */
    types_init();
    script_init();
    command_docs_register(command_docs_find);
    commands_init(command_table);
    persist_init();
    config_load(config_path, options->len ? options->buf : NULL);
    str_free(options);
    server_run();
    return 0;
}
