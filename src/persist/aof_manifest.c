/* aof_manifest.c - the manifest of the multi-part AOF: its text form
 * (one line per file: `file <name> seq <n> type b|h|i`, base first, then
 * history, then incremental files in seq order, as Valkey writes it) and
 * writing it so that a power cut leaves either the old or the new one.
 *
 * Names with spaces or quotes are written quoted (config-file quoting)
 * and read back with the same rules. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../server/server.h"
#include "aof.h"

void aof_manifest_clear(AofManifest *m) {
    if (m->base) {
        mem_free(m->base->name);
        mem_free(m->base);
    }
    for (int i = 0; i < m->nincr; i++) mem_free(m->incr[i].name);
    for (int i = 0; i < m->nhist; i++) mem_free(m->hist[i].name);
    mem_free(m->incr);
    mem_free(m->hist);
    memset(m, 0, sizeof(*m));
}

AofFile *aof_manifest_add(AofManifest *m, const char *name, int64_t seq, int type) {
    AofFile *f;
    if (type == AOF_FILE_BASE) {
        if (!m->base) m->base = mem_calloc(sizeof(AofFile));
        else mem_free(m->base->name);
        f = m->base;
        if (seq > m->base_seq) m->base_seq = seq;
    } else if (type == AOF_FILE_INCR) {
        m->incr = mem_realloc(m->incr, sizeof(AofFile) * (size_t)(m->nincr + 1));
        f = &m->incr[m->nincr++];
        if (seq > m->incr_seq) m->incr_seq = seq;
    } else {
        m->hist = mem_realloc(m->hist, sizeof(AofFile) * (size_t)(m->nhist + 1));
        f = &m->hist[m->nhist++];
    }
    f->name = mem_strdup(name);
    f->seq = seq;
    f->type = type;
    return f;
}

static int needs_quotes(const char *s) {
    if (!*s) return 1;
    for (; *s; s++)
        if (*s <= ' ' || *s == '"' || *s == '\'' || *s == '\\' || (unsigned char)*s >= 127) return 1;
    return 0;
}

static Str *cat_file(Str *s, const AofFile *f) {
    s = str_cat_cstr(s, "file ");
    if (needs_quotes(f->name)) s = str_cat_repr(s, f->name, strlen(f->name));
    else s = str_cat_cstr(s, f->name);
    return str_catfmt(s, " seq %lld type %c\n", (long long)f->seq, f->type);
}

Str *aof_manifest_format(const AofManifest *m) {
    Str *s = str_with_capacity(256);
    if (m->base) s = cat_file(s, m->base);
    for (int i = 0; i < m->nhist; i++) s = cat_file(s, &m->hist[i]);
    for (int i = 0; i < m->nincr; i++) s = cat_file(s, &m->incr[i]);
    return s;
}

/* One line's words: plain, or "quoted" with \\ escapes (\\n \\r \\t
 * \\xHH, anything else as itself).  Returns the count, -1 if malformed. */
#define MANIFEST_MAX_WORDS 16
static int split_words(const char *p, size_t len, char **out, int max) {
    int n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (p[i] == ' ' || p[i] == '\t')) i++;
        if (i == len) break;
        if (n == max) goto bad;
        Str *w = str_with_capacity(16);
        if (p[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    str_free(w);
                    goto bad;
                }
                char ch = p[i++];
                if (ch == '"') break;
                if (ch == '\\' && i < len) {
                    char e = p[i++];
                    if (e == 'n') ch = '\n';
                    else if (e == 'r') ch = '\r';
                    else if (e == 't') ch = '\t';
                    else if (e == 'x' && i + 1 < len) {
                        char hex[3] = {p[i], p[i + 1], 0};
                        ch = (char)strtol(hex, NULL, 16);
                        i += 2;
                    } else ch = e;
                }
                w = str_cat(w, &ch, 1);
            }
            if (i < len && p[i] != ' ') {
                str_free(w);
                goto bad;
            }
        } else {
            size_t s = i;
            while (i < len && p[i] != ' ' && p[i] != '\t') i++;
            w = str_cat(w, p + s, i - s);
        }
        out[n++] = mem_strndup(w->buf, w->len);
        str_free(w);
    }
    return n;
bad:
    for (int k = 0; k < n; k++) mem_free(out[k]);
    return -1;
}

static void free_words(char **w, int n) {
    for (int i = 0; i < n; i++) mem_free(w[i]);
}

int aof_manifest_parse(AofManifest *m, const char *text, size_t len, char *err, size_t errcap) {
    memset(m, 0, sizeof(*m));
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        lineno++;
        const char *line = text + pos;
        size_t llen = end - pos;
        pos = end + 1;
        while (llen && (line[llen - 1] == '\r' || line[llen - 1] == ' ')) llen--;
        if (llen == 0 || line[0] == '#') continue;
        if (!nl) {
            snprintf(err, errcap, "The AOF manifest file is invalid format (line %d not terminated)", lineno);
            goto bad;
        }
        char *words[MANIFEST_MAX_WORDS];
        int nw = split_words(line, llen, words, MANIFEST_MAX_WORDS);
        if (nw < 2 || nw % 2) {
            if (nw > 0) free_words(words, nw);
            snprintf(err, errcap, "Invalid AOF manifest file format (line %d)", lineno);
            goto bad;
        }
        const char *name = NULL;
        long long seq = -1;
        int type = 0;
        for (int i = 0; i + 1 < nw; i += 2) {
            if (strcmp(words[i], "file") == 0) name = words[i + 1];
            else if (strcmp(words[i], "seq") == 0) seq = strtoll(words[i + 1], NULL, 10);
            else if (strcmp(words[i], "type") == 0) type = words[i + 1][0];
            /* unknown keys: ignored, as Valkey does (forward compatibility) */
        }
        const char *why = NULL;
        if (!name || seq < 0 || (type != AOF_FILE_BASE && type != AOF_FILE_INCR && type != AOF_FILE_HIST) ||
            strchr(name, '/'))
            why = "Invalid AOF manifest file format";
        else if (type == AOF_FILE_BASE && m->base)
            why = "Found duplicate base file information";
        else if (type == AOF_FILE_INCR && m->nincr && seq <= m->incr[m->nincr - 1].seq)
            why = "Found a non-monotonic sequence number";
        if (why) {
            free_words(words, nw);
            snprintf(err, errcap, "%s (line %d)", why, lineno);
            goto bad;
        }
        aof_manifest_add(m, name, seq, type);
        free_words(words, nw);
    }
    if (!m->base && m->nincr == 0) {
        snprintf(err, errcap, "Found an empty AOF manifest");
        goto bad;
    }
    return 0;
bad:
    aof_manifest_clear(m);
    return -1;
}

void aof_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", server.cfg.appenddirname, name);
}

int aof_dir_sync(void) {
    int fd = open(server.cfg.appenddirname, O_RDONLY | O_CLOEXEC);
    if (fd == -1) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int aof_manifest_persist(const AofManifest *m) {
    char path[PATH_MAX], tmp[PATH_MAX], name[1024];
    snprintf(name, sizeof(name), "%s.manifest", server.cfg.appendfilename);
    aof_path(path, sizeof(path), name);
    snprintf(name, sizeof(name), "temp-%s.manifest", server.cfg.appendfilename);
    aof_path(tmp, sizeof(tmp), name);
    Str *s = aof_manifest_format(m);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = -1;
    const char *op = "open";
    if (fd != -1) {
        op = "write";
        if (write_all(fd, s->buf, s->len) == 0) {
            op = "fsync";
            if (fsync(fd) == 0) rc = 0;
        }
        int e = errno;
        close(fd);
        errno = e;
    }
    str_free(s);
    if (rc == 0) {
        op = "rename";
        rc = rename(tmp, path);
    }
    if (rc == 0) {
        op = "fsync directory";
        rc = aof_dir_sync();
    }
    if (rc == -1) {
        int e = errno;
        server_log(LL_WARNING, "Can't persist the AOF manifest file %s (%s): %s", path, op, strerror(e));
        unlink(tmp);
        errno = e;
    }
    return rc;
}

int aof_manifest_load(AofManifest *m) {
    char path[PATH_MAX], name[1024];
    snprintf(name, sizeof(name), "%s.manifest", server.cfg.appendfilename);
    aof_path(path, sizeof(path), name);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0;
        server_log(LL_WARNING, "Fatal error: can't open the AOF manifest %s for reading: %s", path, strerror(errno));
        return -1;
    }
    Str *s = str_with_capacity(256);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) s = str_cat(s, chunk, n);
    fclose(f);
    char err[256];
    int rc = aof_manifest_parse(m, s->buf, s->len, err, sizeof(err));
    str_free(s);
    if (rc == -1) {
        server_log(LL_WARNING, "%s: %s", path, err);
        return -1;
    }
    return 1;
}

char *aof_name_base(int64_t seq, int rdb) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s.%lld.base.%s", server.cfg.appendfilename, (long long)seq, rdb ? "rdb" : "aof");
    return mem_strdup(buf);
}

char *aof_name_incr(int64_t seq) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s.%lld.incr.aof", server.cfg.appendfilename, (long long)seq);
    return mem_strdup(buf);
}

void aof_delete_history(AofManifest *m) {
    if (m->nhist == 0 || aof_cfg_bool("aof-disable-auto-gc")) return;
    for (int i = 0; i < m->nhist; i++) {
        char path[PATH_MAX];
        aof_path(path, sizeof(path), m->hist[i].name);
        if (unlink(path) == 0 || errno == ENOENT)
            server_log(LL_NOTICE, "Removed the history file %s", m->hist[i].name);
        mem_free(m->hist[i].name);
    }
    mem_free(m->hist);
    m->hist = NULL;
    m->nhist = 0;
    aof_manifest_persist(m);
}
