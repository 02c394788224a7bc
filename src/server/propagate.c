/* propagate.c - turns what commands changed into the replayable command
 * stream the sinks (AOF, later replicas, a test sink) receive.  See
 * propagate.h for the contract.
 *
 * Cost when no sink is active: call() checks one flag and does nothing
 * else, so a server without persistence pays nothing per write. */
#include <string.h>

#include "server.h"
#include "../../deps/numconv/numconv.h"

static void free_ops(void) {
    for (int i = 0; i < server.prop.nops; i++) mem_free(server.prop.ops[i].argv);
    server.prop.nops = 0;
}

static void clear_rewrite(void) {
    if (server.prop.rewrite_argv) mem_free(server.prop.rewrite_argv);
    server.prop.rewrite_argv = NULL;
    server.prop.rewrite_argc = 0;
    server.prop.rewrite_set = 0;
}

static void update_active(void) {
    int active = 0;
    for (int i = 0; i < server.prop.nsinks; i++) active |= server.prop.sinks[i].active;
    if (active && !server.prop.active) server.prop.last_dbid = -1;
    server.prop.active = active;
    if (!active) {
        free_ops();
        clear_rewrite();
        if (server.prop.buf) str_clear(server.prop.buf);
    }
}

int propagate_sink_add(propagate_sink_fn *fn, void *priv) {
    int max = (int)(sizeof(server.prop.sinks) / sizeof(server.prop.sinks[0]));
    server_assert(server.prop.nsinks < max);
    int id = server.prop.nsinks++;
    server.prop.sinks[id].fn = fn;
    server.prop.sinks[id].priv = priv;
    server.prop.sinks[id].active = 0;
    return id;
}

void propagate_sink_set_active(int id, int active) {
    server_assert(id >= 0 && id < server.prop.nsinks);
    /* What is buffered belongs to the sinks active when it was written. */
    propagate_flush();
    server.prop.sinks[id].active = active != 0;
    update_active();
}

/* ------------------------------------------------------ serialization */

static void buf_cat(const char *p, size_t len) {
    if (!server.prop.buf) server.prop.buf = str_with_capacity(1024);
    server.prop.buf = str_cat(server.prop.buf, p, len);
}

static void buf_header(char prefix, unsigned long long n) {
    char hdr[32];
    hdr[0] = prefix;
    size_t len = 1 + ull_to_str(hdr + 1, n);
    hdr[len++] = '\r';
    hdr[len++] = '\n';
    buf_cat(hdr, len);
}

static void write_command(int argc, const Arg *argv) {
    buf_header('*', (unsigned long long)argc);
    for (int i = 0; i < argc; i++) {
        buf_header('$', argv[i].len);
        buf_cat(argv[i].p, argv[i].len);
        buf_cat("\r\n", 2);
    }
    server.prop.commands++;
}

static void write_select(int dbid) {
    if (dbid == server.prop.last_dbid) return;
    char num[NUMCONV_LL_BUF];
    Arg sel[2] = {{"SELECT", 6}, {num, ll_to_str(num, dbid)}};
    write_command(2, sel);
    server.prop.last_dbid = dbid;
}

static void write_one(int dbid, int argc, const Arg *argv) {
    write_select(dbid);
    write_command(argc, argv);
}

/* ------------------------------------------------------------- units */

static void unit_push(int dbid, int argc, const Arg *argv) {
    PropState *p = &server.prop;
    if (p->nops == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->ops = mem_realloc(p->ops, sizeof(PropOp) * (size_t)p->cap);
    }
    p->ops[p->nops].dbid = dbid;
    p->ops[p->nops].argc = argc;
    p->ops[p->nops].argv = argv_dup(argv, argc);
    p->nops++;
}

void propagate_rewrite(Client *c, int argc, const Arg *argv) {
    (void)c;
    if (!server.prop.active) return;
    clear_rewrite();
    server.prop.rewrite_set = 1;
    server.prop.rewrite_argc = argc;
    server.prop.rewrite_argv = argv_dup(argv, argc);
}

void propagate_rewrite_del(Client *c, const Arg *key, int lazy) {
    if (!server.prop.active) return;
    Arg argv[2] = {{lazy ? "UNLINK" : "DEL", lazy ? 6u : 3u}, *key};
    propagate_rewrite(c, 2, argv);
}

void propagate_rewrite_pexpireat(Client *c, const Arg *key, int64_t when_ms, int extra_from) {
    if (!server.prop.active) return;
    char num[NUMCONV_LL_BUF];
    int extra = extra_from > 0 && extra_from < c->argc ? c->argc - extra_from : 0;
    Arg stackv[8];
    Arg *argv = 3 + extra <= 8 ? stackv : mem_alloc(sizeof(Arg) * (size_t)(3 + extra));
    argv[0] = (Arg){"PEXPIREAT", 9};
    argv[1] = *key;
    argv[2] = (Arg){num, ll_to_str(num, when_ms)};
    for (int i = 0; i < extra; i++) argv[3 + i] = c->argv[extra_from + i];
    propagate_rewrite(c, 3 + extra, argv);
    if (argv != stackv) mem_free(argv);
}

void propagate_prevent(Client *c) {
    (void)c;
    if (!server.prop.active) return;
    clear_rewrite();
    server.prop.rewrite_set = 2;
}

void propagate_also(int dbid, int argc, const Arg *argv) {
    if (!server.prop.active) return;
    if (server.exec.nesting == 0) write_one(dbid, argc, argv);
    else unit_push(dbid, argc, argv);
}

void propagate_deletion(Db *db, const char *key, size_t klen, int lazy) {
    if (!server.prop.active) return;
    /* Written at once, before the open unit: the key expired before the
     * command that met it (time is frozen for the whole command, so no
     * key the unit wrote can expire inside it). */
    Arg del[2] = {{lazy ? "UNLINK" : "DEL", lazy ? 6u : 3u}, {key, klen}};
    write_one(db->id, 2, del);
}

void propagate_force(Client *c) {
    (void)c;
    if (!server.prop.active || server.prop.rewrite_set) return;
    server.prop.rewrite_set = 3;
}

void propagate_command_done(Client *c, int dirtied) {
    PropState *p = &server.prop;
    if (dirtied || p->rewrite_set == 3) {
        if (p->rewrite_set == 1) unit_push(c->db->id, p->rewrite_argc, p->rewrite_argv);
        else if (p->rewrite_set == 0 || p->rewrite_set == 3) unit_push(c->db->id, c->argc, c->argv);
    }
    clear_rewrite();
}

void propagate_unit_end(void) {
    PropState *p = &server.prop;
    if (p->nops == 0) return;
    if (p->nops == 1) {
        write_one(p->ops[0].dbid, p->ops[0].argc, p->ops[0].argv);
    } else {
        /* Several writes of one top-level call replay atomically. */
        write_select(p->ops[0].dbid);
        Arg multi = {"MULTI", 5}, exec = {"EXEC", 4};
        write_command(1, &multi);
        for (int i = 0; i < p->nops; i++) write_one(p->ops[i].dbid, p->ops[i].argc, p->ops[i].argv);
        write_command(1, &exec);
    }
    free_ops();
}

void propagate_flush(void) {
    PropState *p = &server.prop;
    if (!p->buf || p->buf->len == 0) return;
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].active) p->sinks[i].fn(p->buf->buf, p->buf->len, p->sinks[i].priv);
    str_clear(p->buf);
    /* Don't keep a big buffer after a burst. */
    if (p->buf->cap > 1024 * 1024) {
        str_free(p->buf);
        p->buf = NULL;
    }
}
