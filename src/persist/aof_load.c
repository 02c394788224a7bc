/* aof_load.c - loading the AOF at start-up: every file the manifest
 * lists, base first (an RDB, or commands possibly after an RDB
 * preamble), then the incremental files in order; commands run through a
 * client of our own that has no connection and drops its replies.
 *
 * Power cuts: only the last file may end badly.  With aof-load-truncated
 * yes, what follows its last complete command is cut off (the file is
 * truncated on disk, so new commands follow a whole one) with one log
 * line naming the file and the offset, when it is
 *  - a command cut short (the file ends inside it),
 *  - a run of zero bytes (the file was extended but the data never
 *    reached the card),
 *  - bytes that are not a command, with no complete command after them
 *    (garbage).
 * A MULTI without its EXEC at the end is cut too (its commands are not
 * run).  Anything else (a bad command followed by good ones, a bad
 * non-last file, an unknown command) stops the start-up naming the file
 * and the offset; valkey-check-aof tells what to do. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../server/server.h"
#include "format/rdb_in.h"
#include "aof.h"
#include "persist.h"

enum { PARSE_OK = 0, PARSE_SHORT = 1, PARSE_BAD = 2, PARSE_NOTE = 3 };

#define AOF_MAX_ARGC (1024 * 1024 * 64)

/* One command (or a #annotation line) at p[pos..len): PARSE_OK with argv
 * views into p and *next after it, PARSE_SHORT when the bytes end inside
 * it, PARSE_BAD when they are not the RESP form. */
static int parse_number(const char *p, size_t len, size_t *pos, char prefix, long long *out) {
    if (*pos >= len) return PARSE_SHORT;
    if (p[*pos] != prefix) return PARSE_BAD;
    size_t i = *pos + 1;
    long long v = 0;
    int digits = 0;
    while (i < len && p[i] >= '0' && p[i] <= '9') {
        if (v > (LLONG_MAX - 9) / 10) return PARSE_BAD;
        v = v * 10 + (p[i] - '0');
        i++;
        digits++;
    }
    if (i >= len) return PARSE_SHORT;
    if (!digits || p[i] != '\r') return PARSE_BAD;
    if (i + 1 >= len) return PARSE_SHORT;
    if (p[i + 1] != '\n') return PARSE_BAD;
    *pos = i + 2;
    *out = v;
    return PARSE_OK;
}

static Arg *argv_buf;
static int argv_cap;

static int parse_command(const char *p, size_t len, size_t pos, int *argc, size_t *next) {
    if (pos < len && p[pos] == '#') {
        const char *nl = memchr(p + pos, '\n', len - pos);
        if (!nl) return PARSE_SHORT;
        *next = (size_t)(nl - p) + 1;
        return PARSE_NOTE;
    }
    long long n;
    int r = parse_number(p, len, &pos, '*', &n);
    if (r != PARSE_OK) return r;
    if (n < 1 || n > AOF_MAX_ARGC) return PARSE_BAD;
    if (n > argv_cap) {
        argv_cap = (int)n;
        argv_buf = mem_realloc(argv_buf, sizeof(Arg) * (size_t)argv_cap);
    }
    for (long long i = 0; i < n; i++) {
        long long blen;
        r = parse_number(p, len, &pos, '$', &blen);
        if (r != PARSE_OK) return r;
        if ((unsigned long long)blen > len - pos) {
            /* Longer than the file: cut short, unless absurd. */
            return (unsigned long long)blen > (1ULL << 40) ? PARSE_BAD : PARSE_SHORT;
        }
        if (len - pos < (size_t)blen + 2) return PARSE_SHORT;
        if (p[pos + blen] != '\r' || p[pos + blen + 1] != '\n') return PARSE_BAD;
        argv_buf[i].p = p + pos;
        argv_buf[i].len = (size_t)blen;
        pos += (size_t)blen + 2;
    }
    *argc = (int)n;
    *next = pos;
    return PARSE_OK;
}

/* Whether a complete command starts at some line start after off: then
 * the bad bytes at off are corruption in the middle, not a tail. */
static int command_follows(const char *p, size_t len, size_t off) {
    for (size_t i = off + 1; i < len; i++) {
        if (p[i] != '*' || p[i - 1] != '\n') continue;
        int argc;
        size_t next;
        if (parse_command(p, len, i, &argc, &next) == PARSE_OK && command_lookup_argv(argv_buf, argc)) return 1;
    }
    return 0;
}

static int all_zero(const char *p, size_t len, size_t off) {
    for (size_t i = off; i < len; i++)
        if (p[i]) return 0;
    return 1;
}

/* ----------------------------------------------------------- running */

static Client *load_client(void) {
    static Client *fc;
    if (!fc) {
        fc = mem_calloc(sizeof(Client));
        fc->id = UINT64_MAX;
        fc->fd = -1;
        fc->resp = 2;
        memcpy(fc->addr, "aof", 4);
        resp_parser_init(&fc->parser);
    }
    fc->flags = CLIENT_AUTHENTICATED | CLIENT_REPLY_OFF;
    fc->db = &server.dbs[0];
    return fc;
}

/* A queued command of a MULTI block. */
typedef struct Queued {
    Arg *argv;
    int argc;
    Command *cmd;
} Queued;

static void run(Client *fc, Command *cmd, Arg *argv, int argc) {
    fc->argv = argv;
    fc->argc = argc;
    fc->cmd = cmd;
    call(fc);
    fc->argv = NULL;
    fc->argc = 0;
}

/* Loads one file's bytes; *cut is set to the offset where a bad tail
 * starts (or -1).  last: this is the last file (a bad tail may be cut). */
static int load_bytes(const char *name, const char *p, size_t len, int last, int64_t *cut) {
    *cut = -1;
    size_t pos = 0;
    Client *fc = load_client();
    if (len >= 5 && memcmp(p, "REDIS", 5) == 0) {
        RdbIn in;
        rdbi_init_mem(&in, p, len);
        int rc = rdb_load_from(&in, name, 0);
        pos = (size_t)rdbi_offset(&in);
        rdbi_release(&in);
        if (rc != RDB_LOAD_OK) {
            server_log(LL_WARNING, "Bad file format reading the append only file %s: the RDB preamble is corrupt "
                       "(offset %llu). Use valkey-check-aof to inspect it.", name, (unsigned long long)pos);
            return AOF_LOAD_FAILED;
        }
        server.loading = 1;
    }
    Queued *q = NULL;
    int nq = 0, qcap = 0, in_multi = 0;
    size_t multi_start = 0;
    int status = AOF_LOAD_OK;
    uint64_t since_events = 0;
    while (pos < len) {
        int argc = 0;
        size_t next = pos;
        int r = parse_command(p, len, pos, &argc, &next);
        if (r == PARSE_NOTE) {
            pos = next;
            continue;
        }
        Command *cmd = r == PARSE_OK ? command_lookup_argv(argv_buf, argc) : NULL;
        if (r == PARSE_OK && !cmd) {
            /* A known command after it means this is no tail.  (The scan
             * reuses argv_buf: the name is copied first.) */
            char cname[65];
            size_t cl = argv_buf[0].len > 64 ? 64 : argv_buf[0].len;
            memcpy(cname, argv_buf[0].p, cl);
            cname[cl] = '\0';
            if (!last || command_follows(p, len, pos)) {
                server_log(LL_WARNING, "Unknown command '%s' reading the append only file %s at offset %llu",
                           cname, name, (unsigned long long)pos);
                status = AOF_LOAD_FAILED;
                break;
            }
            r = PARSE_BAD;
        }
        if (r != PARSE_OK) {
            size_t at = in_multi ? multi_start : pos;
            const char *what = NULL;
            if (!last) {
                what = NULL;
            } else if (all_zero(p, len, pos)) {
                what = "a zero-filled tail";
            } else if (r == PARSE_SHORT) {
                what = "a truncated last command";
            } else if (!command_follows(p, len, pos)) {
                what = "garbage after the last complete command";
            }
            if (!what || !aof_cfg_bool("aof-load-truncated")) {
                if (r == PARSE_SHORT && last)
                    server_log(LL_WARNING, "Unexpected end of file reading the append only file %s at offset %llu. "
                               "You can: 1) Make a backup of your AOF file, then use ./valkey-check-aof --fix "
                               "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' "
                               "configuration option to yes and restart the server.", name, (unsigned long long)pos);
                else
                    server_log(LL_WARNING, "Bad file format reading the append only file %s at offset %llu: make a "
                               "backup of your AOF file, then use ./valkey-check-aof --fix <filename.manifest>",
                               name, (unsigned long long)pos);
                status = AOF_LOAD_FAILED;
                break;
            }
            server_log(LL_WARNING, "AOF %s: %s%s at offset %llu (%llu bytes) cut off, as aof-load-truncated "
                       "allows", name, in_multi ? "an unfinished MULTI block and " : "", what,
                       (unsigned long long)at, (unsigned long long)(len - at));
            *cut = (int64_t)at;
            break;
        }
        if (cmd->proc == NULL || (cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
            server_log(LL_WARNING, "Bad command '%.*s' (wrong number of arguments) reading the append only file "
                       "%s at offset %llu", (int)(argv_buf[0].len > 64 ? 64 : argv_buf[0].len), argv_buf[0].p,
                       name, (unsigned long long)pos);
            status = AOF_LOAD_FAILED;
            break;
        }
        size_t nlen = argv_buf[0].len;
        if (nlen == 5 && strncasecmp(argv_buf[0].p, "MULTI", 5) == 0) {
            in_multi = 1;
            multi_start = pos;
        } else if (nlen == 4 && strncasecmp(argv_buf[0].p, "EXEC", 4) == 0 && in_multi) {
            for (int i = 0; i < nq; i++) {
                run(fc, q[i].cmd, q[i].argv, q[i].argc);
                mem_free(q[i].argv);
            }
            nq = 0;
            in_multi = 0;
        } else if (in_multi) {
            if (nq == qcap) {
                qcap = qcap ? qcap * 2 : 16;
                q = mem_realloc(q, sizeof(Queued) * (size_t)qcap);
            }
            q[nq].argv = argv_dup(argv_buf, argc);
            q[nq].argc = argc;
            q[nq].cmd = cmd;
            nq++;
        } else {
            run(fc, cmd, argv_buf, argc);
        }
        pos = next;
        if (++since_events == 1024) {
            since_events = 0;
            server_process_events_while_blocked();
        }
    }
    if (status == AOF_LOAD_OK && in_multi && *cut == -1) {
        /* The file ends inside a MULTI block: a truncation too. */
        if (last && aof_cfg_bool("aof-load-truncated")) {
            server_log(LL_WARNING, "AOF %s: an unfinished MULTI block at offset %llu (%llu bytes) cut off, as "
                       "aof-load-truncated allows", name, (unsigned long long)multi_start,
                       (unsigned long long)(len - multi_start));
            *cut = (int64_t)multi_start;
        } else {
            server_log(LL_WARNING, "Unexpected end of file reading the append only file %s at offset %llu "
                       "(unfinished MULTI)", name, (unsigned long long)multi_start);
            status = AOF_LOAD_FAILED;
        }
    }
    for (int i = 0; i < nq; i++) mem_free(q[i].argv);
    mem_free(q);
    fc->db = &server.dbs[0];
    return status;
}

static int load_file(const AofFile *f, int last) {
    char path[PATH_MAX];
    aof_path(path, sizeof(path), f->name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        if (errno == ENOENT && f->type == AOF_FILE_INCR && last) {
            /* Valkey: a missing last incr file (crash right after the
             * manifest named it) is an empty one. */
            server_log(LL_NOTICE, "The AOF file %s doesn't exist", f->name);
            return AOF_LOAD_EMPTY;
        }
        server_log(LL_WARNING, "Fatal error: can't open the append log file %s for reading: %s", path,
                   strerror(errno));
        return AOF_LOAD_FAILED;
    }
    struct stat st;
    if (fstat(fd, &st) == -1) {
        close(fd);
        return AOF_LOAD_FAILED;
    }
    size_t len = (size_t)st.st_size;
    if (len == 0) {
        close(fd);
        return AOF_LOAD_EMPTY;
    }
    const char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        server_log(LL_WARNING, "Fatal error: can't map the append log file %s: %s", path, strerror(errno));
        close(fd);
        return AOF_LOAD_FAILED;
    }
    rdb_state.loading_total += len;
    int64_t cut;
    int rc = load_bytes(f->name, p, len, last, &cut);
    munmap((void *)p, len);
    close(fd);
    rdb_state.loading_loaded += len;
    if (rc == AOF_LOAD_OK && cut >= 0 && truncate(path, (off_t)cut) == -1) {
        server_log(LL_WARNING, "Error truncating the AOF file %s: %s", path, strerror(errno));
        return AOF_LOAD_FAILED;
    }
    return rc;
}

int aof_load_manifest(const AofManifest *m) {
    int total = (m->base ? 1 : 0) + m->nincr, idx = 0, any = 0;
    server.loading = 1;
    rdb_state.loading_start = server.now_ms / 1000;
    rdb_state.loading_total = rdb_state.loading_loaded = 0;
    int rc = AOF_LOAD_OK;
    if (m->base) {
        idx++;
        rc = load_file(m->base, idx == total);
        if (rc == AOF_LOAD_OK) {
            server_log(LL_NOTICE, "DB loaded from base file %s", m->base->name);
            any = 1;
        }
    }
    for (int i = 0; i < m->nincr && rc != AOF_LOAD_FAILED; i++) {
        idx++;
        rc = load_file(&m->incr[i], idx == total);
        if (rc == AOF_LOAD_OK) {
            server_log(LL_NOTICE, "DB loaded from incr file %s", m->incr[i].name);
            any = 1;
        }
    }
    server.loading = 0;
    if (rc == AOF_LOAD_FAILED) return rc;
    return any ? AOF_LOAD_OK : AOF_LOAD_EMPTY;
}

/* Valkey 7's upgrade: an old `appendfilename` in the working directory
 * and no manifest yet (or one naming only that file as the base, which
 * is not in the directory: a crash half-way through the upgrade).  The
 * manifest is written first, then the file moves into the directory as
 * the base, keeping its name. */
int aof_upgrade_old_file(AofManifest *m) {
    const char *name = server.cfg.appendfilename;
    struct stat st;
    if (stat(name, &st) == -1 || !S_ISREG(st.st_mode)) return 0;
    char path[PATH_MAX];
    aof_path(path, sizeof(path), name);
    if (m->base || m->nincr) {
        if (m->nincr || !m->base || strcmp(m->base->name, name) != 0 || stat(path, &st) == 0) return 0;
    } else {
        aof_manifest_add(m, name, 1, AOF_FILE_BASE);
        if (aof_manifest_persist(m) == -1) exit(1);
    }
    if (rename(name, path) == -1) {
        server_log(LL_WARNING, "Error moving the old AOF file %s into the dir %s: %s", name,
                   server.cfg.appenddirname, strerror(errno));
        exit(1);
    }
    aof_dir_sync();
    server_log(LL_NOTICE, "Successfully migrated an old-style AOF into the AOF directory");
    return 1;
}
