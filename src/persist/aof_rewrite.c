/* aof_rewrite.c - BGREWRITEAOF: a forked child writes the dataset as a
 * new base (an RDB when aof-use-rdb-preamble yes, else commands), while
 * the parent has already moved the writes to a new incremental file; when
 * the child succeeds the base is renamed into the directory and one
 * atomic manifest switch makes the old base and incremental files
 * history (deleted unless aof-disable-auto-gc).  A failed, killed or
 * refused rewrite leaves the manifest as it was: the old files plus the
 * new incremental file, which together still hold everything.
 *
 * The plain base is produced from each value's RDB form (the types'
 * rdb_save, written to memory) decoded back into commands: one decoder
 * here serves every type and encoding.  Strings become SET, lists RPUSH,
 * sets SADD, sorted sets ZADD, hashes HMSET (64 items per command, as
 * Valkey batches them), each followed by PEXPIREAT when the key has a
 * TTL.  Streams are walked directly: XADD per entry (XADD MAXLEN 0 for
 * an empty one), XSETID with ENTRIESADDED and MAXDELETEDID, XGROUP
 * CREATE ... ENTRIESREAD per group, XCLAIM ... FORCE JUSTID per pending
 * entry and XGROUP CREATECONSUMER for consumers without any.  A value
 * that cannot be decoded falls back to RESTORE of its DUMP payload. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../ds/idtree.h"
#include "../ds/intset.h"
#include "../ds/listpack.h"
#include "../ds/streamid.h"
#include "../ds/streamstore.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../types/stream.h"
#include "../../deps/numconv/numconv.h"
#include "format/rdb_format.h"
#include "format/rdb_in.h"
#include "format/rdb_out.h"
#include "aof.h"
#include "persist.h"
#include "rdb_value.h"

#define ITEMS_PER_CMD 64
#define WRITE_CHUNK (64 * 1024)
#define AUTOSYNC_BYTES (4 * 1024 * 1024)

/* ------------------------------------------------ the command writer */

typedef struct CmdOut {
    int fd;
    Str *buf;
    uint64_t written, synced;
    int autosync;
    int error;
} CmdOut;

static void out_drain(CmdOut *o) {
    size_t done = 0;
    while (!o->error && done < o->buf->len) {
        ssize_t w = write(o->fd, o->buf->buf + done, o->buf->len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            o->error = 1;
            break;
        }
        done += (size_t)w;
    }
    o->written += done;
    str_clear(o->buf);
    /* Bounded chunks of dirty pages: a small card is not flooded. */
    if (!o->error && o->autosync && o->written - o->synced >= AUTOSYNC_BYTES) {
        if (fdatasync(o->fd) == -1) o->error = 1;
        o->synced = o->written;
    }
}

static void out_header(CmdOut *o, char prefix, uint64_t n) {
    char b[32];
    b[0] = prefix;
    size_t len = 1 + ull_to_str(b + 1, (unsigned long long)n);
    b[len++] = '\r';
    b[len++] = '\n';
    o->buf = str_cat(o->buf, b, len);
}

static void out_bulk(CmdOut *o, const char *p, size_t len) {
    out_header(o, '$', len);
    o->buf = str_cat(o->buf, p, len);
    o->buf = str_cat(o->buf, "\r\n", 2);
    if (o->buf->len >= WRITE_CHUNK) out_drain(o);
}

static void out_bulk_ll(CmdOut *o, long long v) {
    char b[NUMCONV_LL_BUF];
    out_bulk(o, b, ll_to_str(b, v));
}

/* A command with an item list: "name key items..." split into commands
 * of ITEMS_PER_CMD items (width: arguments per item). */
typedef struct Batch {
    CmdOut *o;
    const char *name;
    const char *key;
    size_t klen;
    uint64_t left;    /* items still to come */
    int in_cmd;       /* items left in the open command */
    int width;
} Batch;

static void batch_item_start(Batch *b) {
    if (b->in_cmd == 0) {
        int n = b->left > ITEMS_PER_CMD ? ITEMS_PER_CMD : (int)b->left;
        out_header(b->o, '*', (uint64_t)(2 + n * b->width));
        out_bulk(b->o, b->name, strlen(b->name));
        out_bulk(b->o, b->key, b->klen);
        b->in_cmd = n;
    }
    b->in_cmd--;
    b->left--;
}

/* --------------------------------------------- RDB value to commands */

static int lp_items(Batch *b, unsigned char *lp, int pairs, int zset) {
    unsigned char *p = lp_first(lp);
    while (p) {
        char buf[LP_INTBUF_SIZE], buf2[LP_INTBUF_SIZE];
        uint32_t len, len2;
        const char *s = lp_get_str(p, buf, &len);
        if (!pairs) {
            batch_item_start(b);
            out_bulk(b->o, s, len);
            p = lp_next(lp, p);
            continue;
        }
        unsigned char *q = lp_next(lp, p);
        if (!q) return -1;
        const char *s2 = lp_get_str(q, buf2, &len2);
        batch_item_start(b);
        if (zset) {
            out_bulk(b->o, s2, len2); /* score first */
            out_bulk(b->o, s, len);
        } else {
            out_bulk(b->o, s, len);
            out_bulk(b->o, s2, len2);
        }
        p = lp_next(lp, q);
    }
    return 0;
}

static uint32_t lp_count(unsigned char *lp) { return lp_length(lp); }

static int rdb_to_commands(CmdOut *o, const char *key, size_t klen, const unsigned char *blob, size_t blen) {
    RdbIn in;
    rdbi_init_mem(&in, blob, blen);
    unsigned t;
    int rc = -1;
    Batch b = {o, NULL, key, klen, 0, 0, 1};
    if (!rdbi_u8(&in, &t)) goto done;
    if (t == RDB_TYPE_LIST_QUICKLIST_2) {
        uint64_t nodes;
        if (!rdbi_len(&in, &nodes, NULL)) goto done;
        b.name = "RPUSH";
        for (uint64_t i = 0; i < nodes; i++) {
            uint64_t container;
            unsigned char *s;
            size_t n;
            if (!rdbi_len(&in, &container, NULL) || !rdbi_string_alloc(&in, &s, &n)) goto done;
            if (container == RDB_QL_PLAIN) {
                b.left = 1;
                b.in_cmd = 0;
                batch_item_start(&b);
                out_bulk(o, (const char *)s, n);
            } else {
                b.left = lp_count(s);
                b.in_cmd = 0;
                lp_items(&b, s, 0, 0);
            }
            mem_free(s);
        }
    } else if (t == RDB_TYPE_SET || t == RDB_TYPE_HASH || t == RDB_TYPE_ZSET_2) {
        uint64_t n;
        if (!rdbi_len(&in, &n, NULL)) goto done;
        b.name = t == RDB_TYPE_SET ? "SADD" : t == RDB_TYPE_HASH ? "HMSET" : "ZADD";
        b.width = t == RDB_TYPE_SET ? 1 : 2;
        b.left = n;
        for (uint64_t i = 0; i < n; i++) {
            unsigned char *m;
            size_t mlen;
            if (!rdbi_string_alloc(&in, &m, &mlen)) goto done;
            batch_item_start(&b);
            if (t == RDB_TYPE_ZSET_2) {
                double d;
                if (!rdbi_double_bin(&in, &d)) {
                    mem_free(m);
                    goto done;
                }
                char num[64];
                out_bulk(o, num, (size_t)snprintf(num, sizeof(num), "%.17g", d));
                out_bulk(o, (const char *)m, mlen);
            } else {
                out_bulk(o, (const char *)m, mlen);
                if (t == RDB_TYPE_HASH) {
                    const unsigned char *v;
                    size_t vlen;
                    if (!rdbi_string(&in, &v, &vlen)) {
                        mem_free(m);
                        goto done;
                    }
                    out_bulk(o, (const char *)v, vlen);
                }
            }
            mem_free(m);
        }
    } else if (t == RDB_TYPE_SET_INTSET) {
        unsigned char *s;
        size_t n;
        if (!rdbi_string_alloc(&in, &s, &n)) goto done;
        const Intset *is = (const Intset *)(void *)s;
        b.name = "SADD";
        b.left = intset_len(is);
        for (uint32_t i = 0; i < intset_len(is); i++) {
            int64_t v;
            intset_get(is, i, &v);
            batch_item_start(&b);
            out_bulk_ll(o, v);
        }
        mem_free(s);
    } else if (t == RDB_TYPE_SET_LISTPACK || t == RDB_TYPE_HASH_LISTPACK || t == RDB_TYPE_ZSET_LISTPACK) {
        unsigned char *s;
        size_t n;
        if (!rdbi_string_alloc(&in, &s, &n)) goto done;
        int pairs = t != RDB_TYPE_SET_LISTPACK;
        b.name = t == RDB_TYPE_SET_LISTPACK ? "SADD" : t == RDB_TYPE_HASH_LISTPACK ? "HMSET" : "ZADD";
        b.width = pairs ? 2 : 1;
        b.left = lp_count(s) / (pairs ? 2 : 1);
        lp_items(&b, s, pairs, t == RDB_TYPE_ZSET_LISTPACK);
        mem_free(s);
    } else {
        goto done; /* the caller writes RESTORE */
    }
    rc = in.failed ? -1 : 0;
done:
    rdbi_release(&in);
    return rc;
}

/* ---------------------------------------------------------- streams */

static void out_id(CmdOut *o, StreamId id) {
    char b[64];
    out_bulk(o, b, sid_format(b, id));
}

static void write_stream(CmdOut *o, const char *key, size_t klen, const Stream *s) {
    const StreamStore *st = &s->st;
    if (st->length) {
        SsIter it;
        ss_iter_start(&it, st, NULL, NULL, 0);
        while (ss_next(&it)) {
            out_header(o, '*', 3 + 2 * it.nfields);
            out_bulk(o, "XADD", 4);
            out_bulk(o, key, klen);
            out_id(o, it.id);
            for (uint64_t i = 0; i < it.nfields; i++) {
                SsVal f, v;
                char fb[SS_INTBUF], vb[SS_INTBUF];
                size_t fl, vl;
                ss_field(&it, &f, &v);
                const char *fp = ss_val_str(&f, fb, &fl);
                out_bulk(o, fp, fl);
                const char *vp = ss_val_str(&v, vb, &vl);
                out_bulk(o, vp, vl);
            }
        }
        ss_iter_stop(&it);
    } else {
        /* An empty stream exists: an entry trimmed away at once. */
        out_header(o, '*', 7);
        out_bulk(o, "XADD", 4);
        out_bulk(o, key, klen);
        out_bulk(o, "MAXLEN", 6);
        out_bulk(o, "0", 1);
        out_id(o, st->last_id);
        out_bulk(o, "x", 1);
        out_bulk(o, "y", 1);
    }
    out_header(o, '*', 7);
    out_bulk(o, "XSETID", 6);
    out_bulk(o, key, klen);
    out_id(o, st->last_id);
    out_bulk(o, "ENTRIESADDED", 12);
    out_bulk_ll(o, (long long)st->entries_added);
    out_bulk(o, "MAXDELETEDID", 12);
    out_id(o, st->max_deleted_id);
    size_t ng = 0;
    StreamGroup **groups = s->groups ? stream_groups_sorted(s, &ng) : NULL;
    for (size_t g = 0; g < ng; g++) {
        StreamGroup *gr = groups[g];
        out_header(o, '*', 7);
        out_bulk(o, "XGROUP", 6);
        out_bulk(o, "CREATE", 6);
        out_bulk(o, key, klen);
        out_bulk(o, gr->name, gr->nlen);
        out_id(o, gr->last_id);
        out_bulk(o, "ENTRIESREAD", 11);
        out_bulk_ll(o, (long long)gr->entries_read);
        IdtIter it;
        for (idt_seek_first(&it, &gr->pel); idt_valid(&it); idt_next(&it)) {
            const StreamNack *n = idt_val(&it);
            if (!n->consumer) continue;
            out_header(o, '*', 12);
            out_bulk(o, "XCLAIM", 6);
            out_bulk(o, key, klen);
            out_bulk(o, gr->name, gr->nlen);
            out_bulk(o, n->consumer->name, n->consumer->nlen);
            out_bulk(o, "0", 1);
            out_id(o, idt_key(&it));
            out_bulk(o, "TIME", 4);
            out_bulk_ll(o, (long long)n->delivery_time);
            out_bulk(o, "RETRYCOUNT", 10);
            out_bulk_ll(o, (long long)n->delivery_count);
            out_bulk(o, "JUSTID", 6);
            out_bulk(o, "FORCE", 5);
        }
        size_t nc = 0;
        StreamConsumer **cons = gr->consumers ? stream_consumers_sorted(gr, &nc) : NULL;
        for (size_t c = 0; c < nc; c++) {
            if (idt_count(&cons[c]->pel)) continue;
            out_header(o, '*', 5);
            out_bulk(o, "XGROUP", 6);
            out_bulk(o, "CREATECONSUMER", 14);
            out_bulk(o, key, klen);
            out_bulk(o, gr->name, gr->nlen);
            out_bulk(o, cons[c]->name, cons[c]->nlen);
        }
        mem_free(cons);
    }
    mem_free(groups);
}

static void write_key(CmdOut *o, Kv *kv) {
    size_t klen;
    const char *key = kv_key(kv, &klen);
    int done = 0;
    if (kv_type(kv) == OBJ_STRING) {
        out_header(o, '*', 3);
        out_bulk(o, "SET", 3);
        out_bulk(o, key, klen);
        long long v;
        if (kv_get_int(kv, &v)) {
            out_bulk_ll(o, v);
        } else {
            StrView sv;
            kv_string_view(kv, &sv);
            out_bulk(o, sv.p, sv.len);
        }
        done = 1;
    } else if (kv_type(kv) == OBJ_STREAM && kv_encoding(kv) == ENC_STREAM) {
        write_stream(o, key, klen, kv_get_ptr(kv));
        done = 1;
    } else if (kv_type(kv) != OBJ_STREAM) {
        RdbOut ro;
        rdbo_init_mem(&ro, 256);
        if (rdb_save_value(&ro, kv, 0) == 0 && rdb_to_commands(o, key, klen, ro.buf, ro.len) == 0) done = 1;
        rdbo_release(&ro);
    }
    if (!done) {
        Str *payload = rdb_dump_payload(kv);
        out_header(o, '*', 4);
        out_bulk(o, "RESTORE", 7);
        out_bulk(o, key, klen);
        out_bulk(o, "0", 1);
        out_bulk(o, payload->buf, payload->len);
        str_free(payload);
    }
    int64_t when = kv_expire(kv);
    if (when != -1) {
        out_header(o, '*', 3);
        out_bulk(o, "PEXPIREAT", 9);
        out_bulk(o, key, klen);
        out_bulk_ll(o, when);
    }
}

/* One library as FUNCTION LOAD <code> (rdb_function_emit_fn). */
static int emit_function_load(void *priv, const char *code, size_t len) {
    CmdOut *o = priv;
    out_header(o, '*', 3);
    out_bulk(o, "FUNCTION", 8);
    out_bulk(o, "LOAD", 4);
    out_bulk(o, code, len);
    return o->error ? -1 : 0;
}

int aof_write_commands(int fd) {
    CmdOut o = {fd, str_with_capacity(WRITE_CHUNK + 1024), 0, 0, aof_cfg_bool("aof-rewrite-incremental-fsync"), 0};
    int in_child = getpid() != server.pid;
    uint64_t keys = 0;
    /* Function libraries first, as Valkey's rewrite writes them. */
    rdb_function_save_fn *save_functions = rdb_function_saver();
    if (save_functions && save_functions(emit_function_load, &o) == -1) o.error = 1;
    for (int i = 0; i < server.db_count && !o.error; i++) {
        Db *db = &server.dbs[i];
        if (db_size(db) == 0) continue;
        out_header(&o, '*', 2);
        out_bulk(&o, "SELECT", 6);
        out_bulk_ll(&o, i);
        DbIter it;
        db_iter_init(&it, db);
        Kv *kv;
        while (!o.error && (kv = db_iter_next(&it))) {
            write_key(&o, kv);
            if ((++keys & 1023) == 0 && in_child) child_send_info(keys, 0);
            if (server.cfg.rdb_key_save_delay) persist_debug_delay(server.cfg.rdb_key_save_delay);
        }
        db_iter_done(&it);
    }
    if (!o.error) out_drain(&o);
    str_free(o.buf);
    rdb_state.child_keys = keys;
    return o.error ? -1 : 0;
}

/* ------------------------------------------------------ the rewrite */

static int rewrite_rdb; /* the running child writes an RDB base */

static void tmp_name(char *buf, size_t cap, pid_t pid) {
    char name[64];
    snprintf(name, sizeof(name), "temp-rewriteaof-bg-%d.aof", (int)pid);
    aof_path(buf, cap, name);
}

static int child_write_base(const char *path) {
    if (rewrite_rdb) return rdb_save_file(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) return -1;
    int rc = aof_write_commands(fd);
    if (rc == 0 && fsync(fd) == -1) rc = -1;
    if (close(fd) == -1) rc = -1;
    return rc;
}

int aof_rewrite_start(void) {
    if (server.child_pid != -1) return -1;
    AofManifest *m = &aof_state.m;
    if (aof_state.status == AOF_OFF) {
        /* Without the AOF on, the rewrite still replaces the directory's
         * contents with one base (as Valkey does). */
        if (mkdir(server.cfg.appenddirname, 0755) == -1 && errno != EEXIST) return -1;
        aof_manifest_clear(m);
        if (aof_manifest_load(m) == -1) aof_manifest_clear(m);
    } else {
        /* Everything up to the fork goes to the old file, which the
         * child's snapshot also holds; everything after, to the new one. */
        propagate_flush();
        aof_flush(1);
        if (aof_open_new_incr() == -1) {
            aof_state.rewrite_ok = 0;
            aof_state.rewrite_failures++;
            return -1;
        }
        if (aof_state.status == AOF_WAIT_REWRITE) propagate_sink_set_active(aof_state.sink_id, 1);
        server.prop.last_dbid = -1;
    }
    rewrite_rdb = aof_cfg_bool("aof-use-rdb-preamble");
    rdb_state.child_keys_total = 0;
    for (int i = 0; i < server.db_count; i++) rdb_state.child_keys_total += db_size(&server.dbs[i]);
    pid_t pid = child_fork(CHILD_TYPE_AOF);
    if (pid == 0) {
        supervise_set_proc_title("valkey-aof-rewrite");
        char path[PATH_MAX];
        tmp_name(path, sizeof(path), getpid());
        int rc = child_write_base(path);
        if (rc == 0) server_log(LL_NOTICE, "Successfully created the temporary AOF base file %s", path);
        child_send_info(rdb_state.child_keys, 1);
        child_exit(rc == 0 ? 0 : 1);
    }
    if (pid == -1) {
        server_log(LL_WARNING, "Can't rewrite append only file in background: fork: %s", strerror(errno));
        aof_state.rewrite_ok = 0;
        aof_state.rewrite_failures++;
        if (aof_state.status == AOF_OFF) aof_manifest_clear(m);
        return -1;
    }
    server_log(LL_NOTICE, "Background append only file rewriting started by pid %ld", (long)pid);
    aof_state.rewrite_scheduled = 0;
    aof_state.rewrite_start = (int64_t)time(NULL);
    aof_state.rewrites++;
    return 0;
}

static void rewrite_failed(void) {
    aof_state.rewrite_ok = 0;
    aof_state.rewrite_failures++;
    /* AOF being turned on: it needs its base, try again. */
    if (aof_state.status == AOF_WAIT_REWRITE) aof_state.rewrite_scheduled = 1;
    if (aof_state.status == AOF_OFF) aof_manifest_clear(&aof_state.m);
}

void aof_rewrite_done(pid_t pid, int exitcode, int bysignal) {
    int64_t now = (int64_t)time(NULL);
    char tmp[PATH_MAX];
    tmp_name(tmp, sizeof(tmp), pid);
    aof_state.rewrite_last_time = aof_state.rewrite_start == -1 ? -1 : now - aof_state.rewrite_start;
    aof_state.rewrite_start = -1;
    aof_state.last_cow = rdb_state.last_cow;
    if (bysignal || exitcode != 0) {
        unlink(tmp);
        if (bysignal)
            server_log(LL_WARNING, "Background AOF rewrite terminated by signal %d", bysignal);
        else
            server_log(LL_WARNING, "Background AOF rewrite terminated with error");
        if (bysignal != SIGUSR1) rewrite_failed();
        else if (aof_state.status == AOF_OFF) aof_manifest_clear(&aof_state.m);
        return;
    }
    AofManifest *m = &aof_state.m;
    char *base = aof_name_base(m->base_seq + 1, rewrite_rdb);
    char path[PATH_MAX];
    aof_path(path, sizeof(path), base);
    if (rename(tmp, path) == -1) {
        server_log(LL_WARNING, "Error trying to rename the temporary AOF base file %s into %s: %s", tmp, base,
                   strerror(errno));
        unlink(tmp);
        mem_free(base);
        rewrite_failed();
        return;
    }
    /* The new manifest: the new base, the incremental file opened at the
     * fork (if the AOF is on), the rest history. */
    AofManifest nm;
    memset(&nm, 0, sizeof(nm));
    nm.base_seq = m->base_seq;
    nm.incr_seq = m->incr_seq;
    aof_manifest_add(&nm, base, m->base_seq + 1, AOF_FILE_BASE);
    if (m->base) aof_manifest_add(&nm, m->base->name, m->base->seq, AOF_FILE_HIST);
    for (int i = 0; i < m->nhist; i++) aof_manifest_add(&nm, m->hist[i].name, m->hist[i].seq, AOF_FILE_HIST);
    int keep = aof_state.status == AOF_OFF ? m->nincr : m->nincr - 1;
    for (int i = 0; i < m->nincr; i++)
        aof_manifest_add(&nm, m->incr[i].name, m->incr[i].seq, i < keep ? AOF_FILE_HIST : AOF_FILE_INCR);
    if (aof_manifest_persist(&nm) == -1) {
        unlink(path);
        mem_free(base);
        aof_manifest_clear(&nm);
        rewrite_failed();
        return;
    }
    aof_manifest_clear(m);
    *m = nm;
    struct stat st;
    aof_state.base_size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    aof_state.older_size = aof_state.base_size;
    aof_state.rewrite_base_size = aof_state.older_size + aof_state.incr_size;
    aof_state.rewrite_ok = 1;
    aof_state.rewrite_failures = 0;
    if (aof_state.status == AOF_WAIT_REWRITE) {
        aof_state.status = AOF_ON;
        server_log(LL_NOTICE, "Background AOF rewrite finished successfully: AOF is on");
    }
    server_log(LL_NOTICE, "Background AOF rewrite terminated with success (new base %s)", base);
    mem_free(base);
    aof_delete_history(m);
    if (aof_state.status == AOF_OFF) aof_manifest_clear(m);
}

void aof_rewrite_kill(void) {
    if (server.child_pid == -1 || server.child_type != CHILD_TYPE_AOF) return;
    pid_t pid = server.child_pid;
    server_log(LL_NOTICE, "Killing running AOF rewrite child: %ld", (long)pid);
    kill(pid, SIGUSR1);
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
    }
    child_reset();
    char tmp[PATH_MAX];
    tmp_name(tmp, sizeof(tmp), pid);
    unlink(tmp);
    aof_state.rewrite_start = -1;
}

void bgrewriteaof_command(Client *c) {
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_AOF) {
        reply_error(c, "Background append only file rewriting already in progress");
    } else if (server.child_pid != -1) {
        aof_state.rewrite_scheduled = 1;
        reply_simple(c, "Background append only file rewriting scheduled");
    } else if (aof_rewrite_start() == 0) {
        reply_simple(c, "Background append only file rewriting started");
    } else {
        reply_error(c, "Can't execute an AOF background rewriting. Please check the server logs for more "
                       "information.");
    }
}
