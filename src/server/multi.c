/* multi.c - MULTI/EXEC/DISCARD and WATCH/UNWATCH (see multi.h).
 *
 * EXEC runs the queued commands through call(), nested inside EXEC's own
 * call: they share EXEC's time snapshot, and what they write is one
 * propagation unit (wrapped in MULTI/EXEC when it holds several writes);
 * EXEC itself is not propagated.  A runtime error in one command does not
 * stop the others (no rollback); an error while queueing aborts EXEC.
 *
 * WATCH: each database maps a watched key to the array of its watchers;
 * key_touched() (every change, expiry and eviction included) marks them
 * dirty, and a dirty client drops all its watches at once (Valkey's
 * rule: CLIENT LIST watch=0, INFO counts fall).  A watched key that
 * expires between WATCH and EXEC without being deleted also fails the
 * EXEC; one already expired at WATCH time does not, nor does its
 * deletion (lazy or active expiry, FLUSHDB), nor SWAPDB replacing it
 * with another expired key.  FLUSHDB/FLUSHALL/SWAPDB mark watchers dirty
 * only for keys that existed before or after, and leave the watches in
 * place until EXEC. */
#include <string.h>

#include "server.h"
#include "cmds.h"
#include "multi.h"
#include "reply.h"
#include "../../deps/siphash/siphash.h"

typedef struct Queued {
    struct Command *cmd;
    int argc;
    Arg *argv; /* owned */
} Queued;

/* One watcher of a key, and whether the key was already expired (still
 * in the table) when it started watching: such a key's deletion is no
 * change for it. */
typedef struct WatchRef {
    Client *c;
    int expired;
} WatchRef;

/* A watched key of one database and its watchers. */
typedef struct WatchEntry {
    void *ht_next;
    WatchRef *refs;
    uint32_t n, cap;
    size_t klen;
    char key[];
} WatchEntry;

/* What a client watches. */
typedef struct Watched {
    Db *db;
    WatchEntry *we;
} Watched;

typedef struct ClientMulti {
    Queued *cmds;
    int n, cap;
    uint64_t flags;       /* union of the queued commands' CMD_* flags */
    Watched *watched;
    int nwatched, wcap;
} ClientMulti;

static uint64_t watch_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static void watch_entry_key(const void *entry, const char **key, size_t *len) {
    const WatchEntry *we = entry;
    *key = we->key;
    *len = we->klen;
}

static const HtType watch_httype = {
    .hash = watch_hash,
    .entry_key = watch_entry_key,
    .next_offset = offsetof(WatchEntry, ht_next),
};

static ClientMulti *state(Client *c) {
    if (!c->multi) c->multi = mem_calloc(sizeof(ClientMulti));
    return c->multi;
}

/* Queue and watch arrays up to this many entries stay allocated between
 * transactions: a client that uses MULTI tends to use it again, and two
 * allocations fewer per transaction are a tenth of its cost. */
#define MULTI_KEEP_CAP 8

static void free_queue(ClientMulti *m) {
    for (int i = 0; i < m->n; i++) mem_free(m->cmds[i].argv);
    m->n = 0;
    m->flags = 0;
    if (m->cap > MULTI_KEEP_CAP) {
        mem_free(m->cmds);
        m->cmds = NULL;
        m->cap = 0;
    }
}

/* Out of a transaction with nothing watched: big arrays go, the state
 * and small arrays stay for the next transaction. */
static void trim_state(Client *c) {
    ClientMulti *m = c->multi;
    if (!m || m->n || m->nwatched || (c->flags & CLIENT_MULTI)) return;
    if (m->cap > MULTI_KEEP_CAP) {
        mem_free(m->cmds);
        m->cmds = NULL;
        m->cap = 0;
    }
    if (m->wcap > MULTI_KEEP_CAP) {
        mem_free(m->watched);
        m->watched = NULL;
        m->wcap = 0;
    }
}

/* The client goes (or RESETs): everything goes. */
static void release_state(Client *c) {
    ClientMulti *m = c->multi;
    if (!m) return;
    mem_free(m->cmds);
    mem_free(m->watched);
    mem_free(m);
    c->multi = NULL;
}

/* Compared by handler, not by name: this runs for every queued command. */
int multi_queues(const struct Command *cmd) {
    command_proc *p = cmd->parent ? cmd->parent->proc : cmd->proc;
    return p != exec_command && p != discard_command && p != multi_command && p != watch_command &&
           p != quit_command && p != reset_command;
}

void multi_queue_command(Client *c) {
    ClientMulti *m = state(c);
    /* After a queueing error, or once a watched key changed, nothing more
     * is kept: EXEC will fail anyway. */
    if (!(c->flags & (CLIENT_DIRTY_EXEC | CLIENT_DIRTY_CAS))) {
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 4;
            m->cmds = mem_realloc(m->cmds, sizeof(Queued) * (size_t)m->cap);
        }
        m->cmds[m->n].cmd = c->cmd;
        m->cmds[m->n].argc = c->argc;
        m->cmds[m->n].argv = argv_dup(c->argv, c->argc);
        m->n++;
        m->flags |= c->cmd->flags;
    }
    reply_raw(c, "+QUEUED\r\n", 9);
}

void multi_flag_error(Client *c) {
    if (!(c->flags & CLIENT_MULTI)) return;
    c->flags |= CLIENT_DIRTY_EXEC;
    /* EXEC will abort: nothing queued needs keeping. */
    if (c->multi) free_queue(c->multi);
}

uint64_t multi_queued_flags(const Client *c) {
    return c->multi ? c->multi->flags : 0;
}

static void discard_transaction(Client *c) {
    if (c->multi) free_queue(c->multi);
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
}

/* ---------------------------------------------------------------- WATCH */

static void watch_key(Client *c, const Arg *key) {
    ClientMulti *m = state(c);
    Db *db = c->db;
    if (!db->watched_keys) db->watched_keys = ht_create(&watch_httype);
    WatchEntry *we = ht_find(db->watched_keys, key->p, key->len);
    /* Already watched by c: its watchers, not its own list, are searched
     * (WATCH of many keys stays linear). */
    if (we)
        for (uint32_t i = 0; i < we->n; i++)
            if (we->refs[i].c == c) return;
    if (!we) {
        we = mem_calloc(sizeof(WatchEntry) + key->len);
        we->klen = key->len;
        memcpy(we->key, key->p, key->len);
        ht_add(db->watched_keys, we);
        server.watched_keys++;
    }
    if (we->n == we->cap) {
        we->cap = we->cap ? we->cap * 2 : 2;
        we->refs = mem_realloc(we->refs, sizeof(WatchRef) * we->cap);
    }
    Kv *kv = db_find(db, key->p, key->len);
    we->refs[we->n].c = c;
    we->refs[we->n].expired = kv && kv_is_expired(kv);
    we->n++;
    if (m->nwatched == m->wcap) {
        m->wcap = m->wcap ? m->wcap * 2 : 4;
        m->watched = mem_realloc(m->watched, sizeof(Watched) * (size_t)m->wcap);
    }
    m->watched[m->nwatched].db = db;
    m->watched[m->nwatched].we = we;
    if (m->nwatched++ == 0) server.watching_clients++;
}

static void unwatch_all(Client *c) {
    ClientMulti *m = c->multi;
    if (!m || m->nwatched == 0) return;
    for (int i = 0; i < m->nwatched; i++) {
        WatchEntry *we = m->watched[i].we;
        for (uint32_t j = 0; j < we->n; j++) {
            if (we->refs[j].c != c) continue;
            we->refs[j] = we->refs[--we->n];
            break;
        }
        if (we->n == 0) {
            ht_remove(m->watched[i].db->watched_keys, we->key, we->klen);
            mem_free(we->refs);
            mem_free(we);
            server.watched_keys--;
        }
    }
    m->nwatched = 0;
    server.watching_clients--;
}

/* A watched key expired after WATCH but is still in the table. */
static int watched_key_expired(Client *c) {
    ClientMulti *m = c->multi;
    if (!m) return 0;
    for (int i = 0; i < m->nwatched; i++) {
        WatchEntry *we = m->watched[i].we;
        Kv *kv = db_find(m->watched[i].db, we->key, we->klen);
        if (!kv || !kv_is_expired(kv)) continue;
        for (uint32_t j = 0; j < we->n; j++)
            if (we->refs[j].c == c && !we->refs[j].expired) return 1;
    }
    return 0;
}

void multi_touch_key(Db *db, const char *key, size_t klen) {
    if (!db->watched_keys) return;
    WatchEntry *we = ht_find(db->watched_keys, key, klen);
    if (!we) return;
    /* A dirty client drops all its watches at once (nothing it watches
     * can matter any more), which removes it from we->refs: the slot i
     * then holds another client, and we itself goes with its last one. */
    uint32_t i = 0;
    while (i < we->n) {
        Client *c = we->refs[i].c;
        if (we->refs[i].expired && !db_find(db, key, klen)) {
            /* The key was already expired at WATCH time and is now
             * deleted: logically nothing changed (Valkey's rule). */
            we->refs[i].expired = 0;
            i++;
            continue;
        }
        c->flags |= CLIENT_DIRTY_CAS;
        /* What it queued will not run: free it now. */
        if (c->multi) free_queue(c->multi);
        int last = we->n == 1;
        unwatch_all(c);
        if (last) return;
    }
}

/* FLUSHDB/FLUSHALL (replaced NULL) or SWAPDB: the watchers of `watched`
 * (keys of db index `watched`) see the data `emptied` go and `replaced`
 * come in its place.  A key counts as changed when it existed in either,
 * except for expired keys (Valkey's rules): an expired key deleted, or
 * replaced by another expired key, or nothing replaced by an expired key,
 * is no change; the record of "expired at WATCH time" follows the data. */
static void touch_replaced(Db *watched, Db *emptied, Db *replaced) {
    if (!watched->watched_keys) return;
    HtIter it;
    ht_iter_init(&it, watched->watched_keys);
    WatchEntry *we;
    while ((we = ht_iter_next(&it))) {
        Kv *old = db_find(emptied, we->key, we->klen);
        Kv *now = replaced ? db_find(replaced, we->key, we->klen) : NULL;
        if (!old && !now) continue;
        int now_expired = now && kv_is_expired(now);
        for (uint32_t i = 0; i < we->n; i++) {
            WatchRef *w = &we->refs[i];
            Client *c = w->c;
            if (w->expired) {
                if (!now) {
                    w->expired = 0;
                    continue;
                }
                if (now_expired) continue;
            } else if (!old && now_expired) {
                w->expired = 1;
                continue;
            }
            /* Dirty, but the watches stay until EXEC: dropping them here
             * would change the table being walked. */
            c->flags |= CLIENT_DIRTY_CAS;
            free_queue(c->multi);
        }
    }
    ht_iter_done(&it);
}

void multi_touch_flush(int dbid) {
    for (int i = 0; i < server.db_count; i++)
        if (dbid == -1 || dbid == i) touch_replaced(&server.dbs[i], &server.dbs[i], NULL);
}

void multi_touch_swap(Db *a, Db *b) {
    /* Called after the swap: a holds what b held, and b what a held. */
    if (a == b) return;
    touch_replaced(a, b, a);
    touch_replaced(b, a, b);
}

int multi_exec_refused(Client *c, const struct Command *cmd, const char *err) {
    /* Valkey aborts even outside MULTI (and drops the watches then too). */
    if (cmd->proc != exec_command) return 0;
    if (err[0] == '-') err++;
    reply_errorf(c, "-EXECABORT Transaction discarded because of: %s", err);
    discard_transaction(c);
    unwatch_all(c);
    trim_state(c);
    return 1;
}

/* ------------------------------------------------------------- commands */

void multi_command(Client *c) {
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "MULTI calls can not be nested");
        return;
    }
    state(c);
    c->flags |= CLIENT_MULTI;
    reply_ok(c);
}

void discard_command(Client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "DISCARD without MULTI");
        return;
    }
    discard_transaction(c);
    unwatch_all(c);
    trim_state(c);
    reply_ok(c);
}

void exec_command(Client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "EXEC without MULTI");
        return;
    }
    /* EXEC is not replayed itself: what it runs is. */
    propagate_prevent(c);
    if (c->flags & CLIENT_DIRTY_EXEC) {
        reply_error(c, "-EXECABORT Transaction discarded because of previous errors.");
        discard_transaction(c);
        unwatch_all(c);
        trim_state(c);
        return;
    }
    if ((c->flags & CLIENT_DIRTY_CAS) || watched_key_expired(c)) {
        reply_null_array(c);
        discard_transaction(c);
        unwatch_all(c);
        trim_state(c);
        return;
    }
    unwatch_all(c);
    ClientMulti *m = c->multi;
    /* The queue is taken out of the state: a queued command may not
     * touch it (MULTI/EXEC are never queued), but be safe. */
    Queued *cmds = m->cmds;
    int n = m->n, cap = m->cap;
    m->cmds = NULL;
    m->n = m->cap = 0;
    m->flags = 0;
    Arg *own_argv = c->argv;
    int own_argc = c->argc;
    struct Command *own_cmd = c->cmd;
    reply_array_len(c, n);
    /* CLIENT_MULTI stays set while the commands run: blocking commands
     * then answer as if timed out instead of blocking. */
    for (int i = 0; i < n; i++) {
        c->argv = cmds[i].argv;
        c->argc = cmds[i].argc;
        c->cmd = cmds[i].cmd;
        call(c);
    }
    c->argv = own_argv;
    c->argc = own_argc;
    c->cmd = own_cmd;
    for (int i = 0; i < n; i++) mem_free(cmds[i].argv);
    /* The array goes back for the next transaction (CLIENT_MULTI, still
     * set, kept the state alive meanwhile). */
    m = c->multi;
    if (m && !m->cmds && cap <= MULTI_KEEP_CAP) {
        m->cmds = cmds;
        m->cap = cap;
    } else {
        mem_free(cmds);
    }
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
    trim_state(c);
}

void watch_command(Client *c) {
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "WATCH inside MULTI is not allowed");
        return;
    }
    /* A client that is already dirty gains nothing from more watches. */
    if (!(c->flags & CLIENT_DIRTY_CAS))
        for (int i = 1; i < c->argc; i++) watch_key(c, &c->argv[i]);
    reply_ok(c);
}

void unwatch_command(Client *c) {
    unwatch_all(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    trim_state(c);
    reply_ok(c);
}

void multi_client_free(Client *c) {
    if (!c->multi) return;
    discard_transaction(c);
    unwatch_all(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    release_state(c);
}

uint64_t multi_watching_clients(void) { return server.watching_clients; }
uint64_t multi_watched_keys(void) { return server.watched_keys; }

long long multi_client_queued(const Client *c) {
    if (!(c->flags & CLIENT_MULTI)) return -1;
    return c->multi ? c->multi->n : 0;
}

long long multi_client_watched(const Client *c) {
    return c->multi ? c->multi->nwatched : 0;
}
