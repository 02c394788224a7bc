/* check_aof.c - valkey-check-aof: checks an append-only file, single
 * (old style, possibly with an RDB preamble) or multi-part (given its
 * manifest), reports the first bad offset, and with --fix truncates the
 * last file after its last complete command (asking first when stdin is
 * a terminal).  --truncate-to-timestamp TS cuts the last file at the
 * first `#TS:` annotation later than TS.
 *
 *   valkey-check-aof [--fix|--truncate-to-timestamp TS] <file.manifest|file.aof>
 *
 * Exit status 0 when every file is valid (or was fixed), 1 otherwise.
 * Only the last file of a multi-part AOF may be truncated: corruption in
 * any other file, or a missing file, cannot be fixed here.
 *
 * An RDB preamble or base is walked opcode by opcode with every value
 * checked (src/persist/format/rdb_check.c) and its CRC-64 verified. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../ds/alloc.h"
#include "../../persist/format/rdb_check.h"
#include "../../persist/format/rdb_format.h"
#include "../../persist/format/rdb_in.h"

#define CHECK_VERSION "8.0.0"

/* What checking one file found. */
typedef struct FileResult {
    int ok;                 /* no problem */
    uint64_t size;
    uint64_t ok_up_to;      /* offset after the last complete command */
    uint64_t ok_up_to_line;
    char why[256];
    int64_t ts_cut;         /* --truncate-to-timestamp: where to cut, -1 none */
} FileResult;

static int opt_fix;
static long long opt_ts = -1;

/* ------------------------------------------------------- RDB walking */

static int rdb_walk(const unsigned char *p, size_t len, uint64_t *end, char *why, size_t whycap) {
    RdbIn in;
    rdbi_init_mem(&in, p, len);
    unsigned char hdr[9];
    int ok = rdbi_read(&in, hdr, 9) && memcmp(hdr, "REDIS", 5) == 0;
    char digits[5] = {0};
    if (ok) memcpy(digits, hdr + 5, 4);
    int ver = ok ? atoi(digits) : 0;
    if (ok && (ver < 1 || ver > RDB_VERSION)) ok = rdbi_fail(&in, "Can't handle RDB format version %d", ver);
    in.rdbver = ver;
    while (ok) {
        unsigned t;
        if (!rdbi_u8(&in, &t)) {
            ok = 0;
            break;
        }
        uint64_t a, b, c;
        unsigned char skip[8];
        if (t == RDB_OPCODE_EOF) break;
        switch (t) {
        case RDB_OPCODE_AUX: ok = rdbi_string_skip(&in) && rdbi_string_skip(&in); break;
        case RDB_OPCODE_RESIZEDB: ok = rdbi_len(&in, &a, NULL) && rdbi_len(&in, &b, NULL); break;
        case RDB_OPCODE_SELECTDB: ok = rdbi_len(&in, &a, NULL); break;
        case RDB_OPCODE_EXPIRETIME_MS: ok = rdbi_read(&in, skip, 8); break;
        case RDB_OPCODE_EXPIRETIME: ok = rdbi_read(&in, skip, 4); break;
        case RDB_OPCODE_IDLE: ok = rdbi_len(&in, &a, NULL); break;
        case RDB_OPCODE_FREQ: ok = rdbi_u8(&in, &t); break;
        case RDB_OPCODE_FUNCTION2: ok = rdbi_string_skip(&in); break;
        case RDB_OPCODE_SLOT_INFO: ok = rdbi_len(&in, &a, NULL) && rdbi_len(&in, &b, NULL) && rdbi_len(&in, &c, NULL); break;
        default:
            if (!rdb_is_object_type((int)t)) {
                ok = rdbi_fail(&in, "Unknown RDB opcode or type %u", t);
            } else {
                ok = rdbi_string_skip(&in) && rdbf_check_value(&in, (int)t);
            }
        }
    }
    if (ok && ver >= 5) {
        uint64_t expected = rdbi_crc(&in), got = 0;
        unsigned char x[8];
        ok = rdbi_read(&in, x, 8);
        for (int i = 7; ok && i >= 0; i--) got = (got << 8) | x[i];
        if (ok && got && got != expected) ok = rdbi_fail(&in, "RDB CRC error");
    }
    *end = rdbi_offset(&in);
    if (!ok) {
        const char *w = in.why[0] ? in.why : "Unexpected EOF reading RDB file";
        snprintf(why, whycap, "offset %llu: %.200s", (unsigned long long)in.fail_off, w);
        *end = in.fail_off;
    }
    rdbi_release(&in);
    return ok;
}

/* ------------------------------------------------------ AOF commands */

enum { P_OK, P_SHORT, P_BAD };

static int read_num(const unsigned char *p, size_t len, size_t *pos, char prefix, long long *out, char *why,
                    size_t whycap) {
    if (*pos >= len) return P_SHORT;
    if (p[*pos] != (unsigned char)prefix) {
        snprintf(why, whycap, "Expected prefix '%c', got: '%c'", prefix, p[*pos] >= 32 && p[*pos] < 127 ? p[*pos] : '?');
        return P_BAD;
    }
    size_t i = *pos + 1;
    long long v = 0;
    int digits = 0;
    while (i < len && p[i] >= '0' && p[i] <= '9' && v < LLONG_MAX / 10 - 10) {
        v = v * 10 + (p[i] - '0');
        i++;
        digits++;
    }
    if (i + 1 >= len) return P_SHORT;
    if (!digits || p[i] != '\r' || p[i + 1] != '\n') {
        snprintf(why, whycap, "Bad number after '%c'", prefix);
        return P_BAD;
    }
    *pos = i + 2;
    *out = v;
    return P_OK;
}

/* One command at pos: its name (first argument) in name. */
static int read_command(const unsigned char *p, size_t len, size_t pos, size_t *next, char *name, size_t namecap,
                        char *why, size_t whycap) {
    long long argc;
    int r = read_num(p, len, &pos, '*', &argc, why, whycap);
    if (r != P_OK) return r;
    if (argc < 1) {
        snprintf(why, whycap, "Invalid argument count %lld", argc);
        return P_BAD;
    }
    name[0] = '\0';
    for (long long i = 0; i < argc; i++) {
        long long blen;
        r = read_num(p, len, &pos, '$', &blen, why, whycap);
        if (r != P_OK) return r;
        if ((unsigned long long)blen + 2 > len - pos) return P_SHORT;
        if (p[pos + blen] != '\r' || p[pos + blen + 1] != '\n') {
            snprintf(why, whycap, "Expected \\r\\n after an argument");
            return P_BAD;
        }
        if (i == 0) {
            size_t n = (size_t)blen < namecap - 1 ? (size_t)blen : namecap - 1;
            memcpy(name, p + pos, n);
            name[n] = '\0';
        }
        pos += (size_t)blen + 2;
    }
    *next = pos;
    return P_OK;
}

static uint64_t count_lines(const unsigned char *p, size_t upto) {
    uint64_t n = 0;
    for (size_t i = 0; i < upto; i++) n += p[i] == '\n';
    return n;
}

static void check_commands(const unsigned char *p, size_t len, size_t pos, FileResult *r) {
    int in_multi = 0;
    size_t multi_at = 0;
    r->ok_up_to = pos;
    while (pos < len) {
        if (p[pos] == '#') {
            const unsigned char *nl = memchr(p + pos, '\n', len - pos);
            if (!nl) {
                snprintf(r->why, sizeof(r->why), "Truncated annotation");
                goto bad;
            }
            long long ts;
            if (opt_ts >= 0 && r->ts_cut < 0 && len - pos > 4 && memcmp(p + pos, "#TS:", 4) == 0 &&
                sscanf((const char *)p + pos + 4, "%lld", &ts) == 1 && ts > opt_ts)
                r->ts_cut = (int64_t)(in_multi ? multi_at : pos);
            pos = (size_t)(nl - p) + 1;
            if (!in_multi) r->ok_up_to = pos;
            continue;
        }
        size_t next = pos;
        char name[16];
        int rc = read_command(p, len, pos, &next, name, sizeof(name), r->why, sizeof(r->why));
        if (rc == P_SHORT) {
            snprintf(r->why, sizeof(r->why), "Unexpected EOF inside a command");
            goto bad;
        }
        if (rc == P_BAD) goto bad;
        if (strcasecmp(name, "multi") == 0) {
            if (in_multi) {
                snprintf(r->why, sizeof(r->why), "Unexpected MULTI");
                goto bad;
            }
            in_multi = 1;
            multi_at = pos;
        } else if (strcasecmp(name, "exec") == 0) {
            if (!in_multi) {
                snprintf(r->why, sizeof(r->why), "Unexpected EXEC");
                goto bad;
            }
            in_multi = 0;
        }
        pos = next;
        if (!in_multi) r->ok_up_to = pos;
    }
    if (in_multi) {
        snprintf(r->why, sizeof(r->why), "Reached EOF before reading EXEC for MULTI");
        goto bad;
    }
    r->ok = 1;
    r->ok_up_to = len;
    r->ok_up_to_line = count_lines(p, len);
    return;
bad:
    r->ok = 0;
    {
        int zeros = 1;
        for (size_t i = r->ok_up_to; i < len && zeros; i++) zeros = p[i] == 0;
        if (zeros)
            snprintf(r->why, sizeof(r->why), "a zero-filled tail of %llu bytes",
                     (unsigned long long)(len - r->ok_up_to));
    }
    r->ok_up_to_line = count_lines(p, r->ok_up_to);
}

/* Checks one file; base: may start with an RDB. */
static int check_file(const char *path, const char *shown, FileResult *r) {
    memset(r, 0, sizeof(*r));
    r->ts_cut = -1;
    int fd = open(path, O_RDONLY);
    if (fd == -1) {
        printf("Cannot open file %s: %s, aborting...\n", shown, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == -1) {
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    r->size = len;
    if (len == 0) {
        close(fd);
        r->ok = 1;
        return 0;
    }
    const unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        printf("Cannot map file %s: %s, aborting...\n", shown, strerror(errno));
        return -1;
    }
    size_t pos = 0;
    if (len >= 5 && memcmp(p, "REDIS", 5) == 0) {
        uint64_t end;
        char why[256];
        if (!rdb_walk(p, len, &end, why, sizeof(why))) {
            printf("RDB preamble of AOF file is not sane, aborting: %s\n", why);
            munmap((void *)p, len);
            r->ok = 0;
            r->ok_up_to = 0;
            snprintf(r->why, sizeof(r->why), "%s", why);
            return -2;
        }
        printf("RDB preamble is OK, proceeding with AOF tail...\n");
        pos = (size_t)end;
    }
    check_commands(p, len, pos, r);
    munmap((void *)p, len);
    return 0;
}

static void report(const char *name, const FileResult *r) {
    printf("AOF analyzed: filename=%s, size=%llu, ok_up_to=%llu, ok_up_to_line=%llu, diff=%llu\n", name,
           (unsigned long long)r->size, (unsigned long long)r->ok_up_to, (unsigned long long)r->ok_up_to_line,
           (unsigned long long)(r->size - r->ok_up_to));
}

static int confirm(void) {
    if (!isatty(STDIN_FILENO)) return 1;
    printf("Continue? [y/N]: ");
    fflush(stdout);
    char buf[16];
    if (!fgets(buf, sizeof(buf), stdin)) return 0;
    return buf[0] == 'y' || buf[0] == 'Y';
}

/* The last file: report, fix, or fail.  Returns the exit status. */
static int finish_last(const char *path, const char *name, FileResult *r) {
    if (opt_ts >= 0) {
        if (!r->ok) {
            report(name, r);
            printf("AOF %s is not valid: %s. Fix it first (--fix).\n", name, r->why);
            return 1;
        }
        if (r->ts_cut < 0) {
            printf("No #TS annotation later than %lld in %s: nothing to truncate\n", opt_ts, name);
            return 0;
        }
        if (truncate(path, (off_t)r->ts_cut) == -1) {
            printf("Failed to truncate AOF %s to timestamp %lld: %s\n", name, opt_ts, strerror(errno));
            return 1;
        }
        printf("Successfully truncated AOF %s to timestamp %lld\n", name, opt_ts);
        return 0;
    }
    report(name, r);
    if (r->ok) {
        printf("AOF %s is valid\n", name);
        return 0;
    }
    printf("0x%16llx: %s\n", (unsigned long long)r->ok_up_to, r->why);
    if (!opt_fix) {
        printf("AOF %s is not valid. Use the --fix option to try fixing it.\n", name);
        return 1;
    }
    printf("This will shrink the AOF %s from %llu bytes, with %llu bytes, to %llu bytes\n", name,
           (unsigned long long)r->size, (unsigned long long)(r->size - r->ok_up_to),
           (unsigned long long)r->ok_up_to);
    if (!confirm()) {
        printf("Aborting...\n");
        return 1;
    }
    if (truncate(path, (off_t)r->ok_up_to) == -1) {
        printf("Failed to truncate AOF %s: %s\n", name, strerror(errno));
        return 1;
    }
    printf("Successfully truncated AOF %s\n", name);
    return 0;
}

/* --------------------------------------------------------- manifests */

typedef struct MFile {
    char name[PATH_MAX];
    int type;
} MFile;

static int is_manifest(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[1024];
    int yes = 0;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        yes = strncmp(line, "file ", 5) == 0;
        break;
    }
    fclose(f);
    return yes;
}

/* name/seq/type words; a quoted name may hold spaces and \xHH escapes. */
static int parse_manifest_line(const char *line, MFile *out) {
    char words[8][PATH_MAX];
    int n = 0;
    const char *s = line;
    while (*s && n < 8) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '\n' || *s == '\r') break;
        size_t k = 0;
        if (*s == '"') {
            s++;
            while (*s && *s != '"' && k < PATH_MAX - 1) {
                char ch = *s++;
                if (ch == '\\' && *s) {
                    char e = *s++;
                    if (e == 'x' && s[0] && s[1]) {
                        char hex[3] = {s[0], s[1], 0};
                        ch = (char)strtol(hex, NULL, 16);
                        s += 2;
                    } else {
                        ch = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
                    }
                }
                words[n][k++] = ch;
            }
            if (*s != '"') return -1;
            s++;
        } else {
            while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && k < PATH_MAX - 1) words[n][k++] = *s++;
        }
        words[n][k] = '\0';
        n++;
    }
    if (n < 2 || n % 2) return -1;
    out->name[0] = '\0';
    out->type = 0;
    for (int i = 0; i + 1 < n; i += 2) {
        if (strcmp(words[i], "file") == 0) snprintf(out->name, sizeof(out->name), "%s", words[i + 1]);
        else if (strcmp(words[i], "type") == 0) out->type = words[i + 1][0];
    }
    if (!out->name[0] || (out->type != 'b' && out->type != 'i' && out->type != 'h') || strchr(out->name, '/'))
        return -1;
    return 0;
}

static int check_manifest(const char *mpath) {
    printf("Start checking Multi Part AOF\n");
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", mpath);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof(dir), ".");
    FILE *f = fopen(mpath, "r");
    if (!f) {
        printf("Cannot open file %s: %s, aborting...\n", mpath, strerror(errno));
        return 1;
    }
    MFile base = {{0}, 0};
    MFile *incr = NULL;
    int nincr = 0, lineno = 0, have_base = 0;
    char line[PATH_MAX + 64];
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\r') continue;
        MFile m;
        if (parse_manifest_line(line, &m) == -1) {
            printf("*** FATAL AOF MANIFEST FILE ERROR ***\nReading the manifest file, at line %d\n"
                   "Invalid AOF manifest file format\n", lineno);
            fclose(f);
            mem_free(incr);
            return 1;
        }
        if (m.type == 'b') {
            if (have_base) {
                printf("*** FATAL AOF MANIFEST FILE ERROR ***\nFound duplicate base file information (line %d)\n",
                       lineno);
                fclose(f);
                mem_free(incr);
                return 1;
            }
            base = m;
            have_base = 1;
        } else if (m.type == 'i') {
            incr = mem_realloc(incr, sizeof(MFile) * (size_t)(nincr + 1));
            incr[nincr++] = m;
        }
    }
    fclose(f);
    if (!have_base && nincr == 0) {
        printf("*** FATAL AOF MANIFEST FILE ERROR ***\nFound an empty AOF manifest\n");
        return 1;
    }
    int total = have_base + nincr, idx = 0, status = 0;
    char path[PATH_MAX * 2 + 2];
    FileResult r;
    if (have_base) {
        idx++;
        snprintf(path, sizeof(path), "%s/%s", dir, base.name);
        int rdb = 0;
        FILE *bf = fopen(path, "rb");
        if (bf) {
            char sig[5];
            rdb = fread(sig, 1, 5, bf) == 5 && memcmp(sig, "REDIS", 5) == 0;
            fclose(bf);
        }
        printf("Start to check BASE AOF (%s format).\n", rdb ? "RDB" : "AOF");
        int rc = check_file(path, base.name, &r);
        if (rc == -1 || rc == -2) {
            mem_free(incr);
            return 1;
        }
        if (idx == total) {
            status = finish_last(path, base.name, &r);
        } else if (!r.ok) {
            report(base.name, &r);
            printf("0x%16llx: %s\n", (unsigned long long)r.ok_up_to, r.why);
            printf("BASE AOF %s is not valid and it is not the last file: it can't be fixed here\n", base.name);
            status = 1;
        } else {
            printf("BASE AOF %s is valid\n", base.name);
        }
    }
    if (nincr && status == 0) printf("Start to check INCR files.\n");
    for (int i = 0; i < nincr && status == 0; i++) {
        idx++;
        snprintf(path, sizeof(path), "%s/%s", dir, incr[i].name);
        int rc = check_file(path, incr[i].name, &r);
        if (rc == -1 || rc == -2) {
            status = 1;
            break;
        }
        if (idx == total) {
            status = finish_last(path, incr[i].name, &r);
        } else if (!r.ok) {
            report(incr[i].name, &r);
            printf("0x%16llx: %s\n", (unsigned long long)r.ok_up_to, r.why);
            printf("INCR AOF %s is not valid and it is not the last file: it can't be fixed here\n", incr[i].name);
            status = 1;
        } else {
            printf("INCR AOF %s is valid\n", incr[i].name);
        }
    }
    mem_free(incr);
    if (status == 0) printf("All AOF files and manifest are valid\n");
    return status;
}

static void usage(const char *argv0) {
    printf("Usage: %s [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n", argv0);
    exit(1);
}

int main(int argc, char **argv) {
    const char *file = NULL;
    if (argc == 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        printf("valkey-check-aof %s\n", CHECK_VERSION);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fix") == 0) {
            opt_fix = 1;
        } else if (strcmp(argv[i], "--truncate-to-timestamp") == 0 && i + 1 < argc) {
            char *end;
            opt_ts = strtoll(argv[++i], &end, 10);
            if (*end || opt_ts < 0) {
                printf("Invalid timestamp, aborting...\n");
                return 1;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            printf("Invalid argument: %s\n", argv[i]);
            usage(argv[0]);
        } else if (!file) {
            file = argv[i];
        } else {
            usage(argv[0]);
        }
    }
    if (!file) usage(argv[0]);
    if (opt_fix && opt_ts >= 0) {
        printf("Option --fix and --truncate-to-timestamp can not be used together\n");
        return 1;
    }
    struct stat st;
    if (stat(file, &st) == -1) {
        printf("Cannot open file %s: %s, aborting...\n", file, strerror(errno));
        return 1;
    }
    if (is_manifest(file)) return check_manifest(file);
    printf("Start checking Old-Style AOF\n");
    FileResult r;
    int rc = check_file(file, file, &r);
    if (rc == -1 || rc == -2) return 1;
    return finish_last(file, file, &r);
}
