/* blocked.c - clients held back, for every reason (see blocked.h).
 *
 * Structures:
 *  - per database, blocking_keys maps a key name to a BlockingKey: the
 *    FIFO of waiters (doubly linked nodes) and a "ready" mark;
 *  - each keys-blocked client keeps an array of its nodes, one per key, so
 *    unblocking unlinks it from every key in O(keys);
 *  - ready keys are queued once per change batch and served from
 *    before_sleep: the waiter's command runs again (CLIENT_REPROCESSING);
 *    if it blocks again it keeps its place at the head of the queue;
 *  - a binary min-heap orders clients by timeout (ties by arrival), each
 *    client knowing its index, so removal is O(log n);
 *  - CLIENT PAUSE's postponed clients form a FIFO resumed when the pause
 *    ends.
 * Commands never nest here: everything resumes from before_sleep. */
#include <string.h>

#include "server.h"
#include "reply.h"

typedef struct WaitNode {
    Client *c;
    struct WaitNode *prev, *next;
    struct BlockingKey *bk;
} WaitNode;

typedef struct BlockingKey {
    void *ht_next;
    WaitNode *head, *tail;
    uint64_t waiters;
    uint64_t nokey_waiters;
    int ready;              /* queued in the ready list */
    int pinned;             /* being served: not freed under the server's feet */
    size_t klen;
    char key[];
} BlockingKey;

typedef struct ReadyKey {
    struct ReadyKey *next;
    Db *db;
    size_t klen;
    char key[];
} ReadyKey;

/* Per-client extra state for BLOCKED_KEYS, in bstate.target. */
typedef struct KeyWait {
    WaitNode **nodes;       /* one per key */
    int nnodes;
    BlockKeysSpec spec;
    uint64_t heap_idx;      /* position in the timeout heap + 1; 0 = none */
} KeyWait;

#define BS server.blocked

static uint64_t bk_hash(const char *key, size_t len) {
    return ht_hash(server.dbs[0].keys, key, len);
}

static void bk_entry_key(const void *entry, const char **key, size_t *len) {
    const BlockingKey *bk = entry;
    *key = bk->key;
    *len = bk->klen;
}

static const HtType blocking_keys_httype = {
    .hash = bk_hash,
    .key_eq = NULL,
    .entry_key = bk_entry_key,
    .next_offset = offsetof(BlockingKey, ht_next),
};

/* ---------------------------------------------------------- timeouts */

/* The heap holds clients blocked on keys with a timeout; the pause has
 * its own deadline (client_cmds.c). */
static int64_t heap_key(const Client *c) { return c->bstate.timeout_ms; }

static int heap_less(const Client *a, const Client *b) {
    if (heap_key(a) != heap_key(b)) return heap_key(a) < heap_key(b);
    return a->bstate.timeout_seq < b->bstate.timeout_seq;
}

static void heap_set(uint64_t i, Client *c) {
    BS.heap[i] = c;
    ((KeyWait *)c->bstate.target)->heap_idx = i + 1;
}

static void heap_up(uint64_t i) {
    Client *c = BS.heap[i];
    while (i > 0) {
        uint64_t parent = (i - 1) / 2;
        if (!heap_less(c, BS.heap[parent])) break;
        heap_set(i, BS.heap[parent]);
        i = parent;
    }
    heap_set(i, c);
}

static void heap_down(uint64_t i) {
    Client *c = BS.heap[i];
    for (;;) {
        uint64_t l = 2 * i + 1, r = l + 1, m = i;
        Client *best = c;
        if (l < BS.heap_len && heap_less(BS.heap[l], best)) {
            m = l;
            best = BS.heap[l];
        }
        if (r < BS.heap_len && heap_less(BS.heap[r], best)) m = r;
        if (m == i) break;
        heap_set(i, BS.heap[m]);
        i = m;
    }
    heap_set(i, c);
}

static void heap_push(Client *c) {
    if (BS.heap_len == BS.heap_cap) {
        BS.heap_cap = BS.heap_cap ? BS.heap_cap * 2 : 16;
        BS.heap = mem_realloc(BS.heap, sizeof(Client *) * BS.heap_cap);
    }
    c->bstate.timeout_seq = ++BS.seq;
    BS.heap[BS.heap_len] = c;
    heap_up(BS.heap_len++);
    BS.stats.in_timeout_table++;
}

static void heap_remove(Client *c) {
    KeyWait *kw = c->bstate.target;
    if (!kw->heap_idx) return;
    uint64_t i = kw->heap_idx - 1;
    kw->heap_idx = 0;
    BS.stats.in_timeout_table--;
    BS.heap_len--;
    if (i == BS.heap_len) return;
    heap_set(i, BS.heap[BS.heap_len]);
    heap_up(i);
    heap_down(((KeyWait *)BS.heap[i]->bstate.target)->heap_idx - 1);
}

long long blocked_ms_until_timeout(void) {
    if (BS.heap_len == 0) return -1;
    int64_t when = heap_key(BS.heap[0]);
    int64_t now = server.now_ms;
    return when <= now ? 0 : (long long)(when - now);
}

/* ------------------------------------------------------ common state */

static void set_blocked(Client *c, int reason, int64_t timeout_ms) {
    c->flags |= CLIENT_BLOCKED;
    c->bstate.reason = reason;
    c->bstate.timeout_ms = timeout_ms;
    BS.stats.blocked_clients++;
    BS.stats.by_reason[reason]++;
}

/* Keeps an owned copy of the running command (unless it is already the
 * owned one being reprocessed). */
static void own_command(Client *c) {
    if (c->bstate.argv) return;
    c->bstate.argv = argv_dup(c->argv, c->argc);
    c->bstate.argc = c->argc;
}

static void clear_blocked(Client *c) {
    BS.stats.blocked_clients--;
    BS.stats.by_reason[c->bstate.reason]--;
    c->bstate.reason = BLOCKED_NONE;
    c->flags &= ~CLIENT_BLOCKED;
}

static void release_command(Client *c) {
    if (c->bstate.argv) mem_free(c->bstate.argv);
    c->bstate.argv = NULL;
    c->bstate.argc = 0;
}

/* Makes the owned command the client's current argv again. */
static void restore_command(Client *c) {
    int argc = c->bstate.argc;
    if (argc > c->argv_cap) {
        c->argv_cap = argc;
        c->argv = mem_realloc(c->argv, sizeof(Arg) * (size_t)argc);
    }
    memcpy(c->argv, c->bstate.argv, sizeof(Arg) * (size_t)argc);
    c->argc = argc;
}

static void queue_resume(Client *c);

/* ------------------------------------------- client FIFOs (bstate.next) */

static void fifo_push(Client **head, Client **tail, Client *c) {
    c->bstate.next = NULL;
    if (*tail) (*tail)->bstate.next = c;
    else *head = c;
    *tail = c;
}

static void fifo_remove(Client **head, Client **tail, Client *c) {
    Client *prev = NULL;
    for (Client *x = *head; x; prev = x, x = x->bstate.next) {
        if (x != c) continue;
        if (prev) prev->bstate.next = c->bstate.next;
        else *head = c->bstate.next;
        if (*tail == c) *tail = prev;
        break;
    }
    c->bstate.next = NULL;
}

/* ------------------------------------------------------------- pause */

void block_for_pause(Client *c) {
    own_command(c);
    set_blocked(c, BLOCKED_PAUSE, 0);
    fifo_push(&BS.paused_head, &BS.paused_tail, c);
}

static void unlink_paused(Client *c) {
    fifo_remove(&BS.paused_head, &BS.paused_tail, c);
}

/* Runs the held command, then whatever input followed it. */
static void rerun(Client *c) {
    restore_command(c);
    /* The owned bytes must outlive the command: keep them until it ends. */
    Arg *owned = c->bstate.argv;
    c->bstate.argv = NULL;
    Client *was_current = server.current_client;
    server.current_client = c;
    /* Blocking again takes a fresh copy of the (borrowed) arguments. */
    process_command(c);
    server.current_client = was_current;
    c->argc = 0;
    mem_free(owned);
    /* The rest of its input runs from before_sleep: this may be inside
     * another client's command. */
    if (!(c->flags & CLIENT_BLOCKED)) queue_resume(c);
}

static void resume_paused(void) {
    /* A resumed client that pipelined CLIENT PAUSE starts a new pause,
     * and the walk stops there: the rest wait for that one to end. */
    while (BS.paused_head && server.pause_type == PAUSE_NONE) {
        Client *c = BS.paused_head;
        unlink_paused(c);
        clear_blocked(c);
        rerun(c);
    }
}

/* -------------------------------------------------------------- keys */

void block_for_keys(Client *c, Db *db, const Arg *keys, int nkeys, int64_t timeout_ms, const BlockKeysSpec *spec) {
    int reprocessing = (c->flags & CLIENT_REPROCESSING) != 0;
    if (reprocessing) {
        /* Keep the original deadline across a re-run. */
        timeout_ms = c->bstate.timeout_ms;
    }
    own_command(c);
    set_blocked(c, BLOCKED_KEYS, timeout_ms);
    c->bstate.db = db;
    KeyWait *kw = mem_calloc(sizeof(*kw));
    kw->spec = *spec;
    kw->nodes = mem_alloc(sizeof(WaitNode *) * (size_t)(nkeys ? nkeys : 1));
    c->bstate.target = kw;
    if (!db->blocking_keys) db->blocking_keys = ht_create(&blocking_keys_httype);
    for (int i = 0; i < nkeys; i++) {
        BlockingKey *bk = ht_find(db->blocking_keys, keys[i].p, keys[i].len);
        /* The same key twice (BLPOP k k 0) waits once. */
        int dup = 0;
        for (int j = 0; j < kw->nnodes; j++)
            if (kw->nodes[j]->bk == bk && bk) dup = 1;
        if (dup) continue;
        if (!bk) {
            bk = mem_calloc(sizeof(BlockingKey) + keys[i].len);
            bk->klen = keys[i].len;
            memcpy(bk->key, keys[i].p, keys[i].len);
            ht_add(db->blocking_keys, bk);
            BS.stats.blocking_keys++;
        }
        WaitNode *n = mem_alloc(sizeof(*n));
        n->c = c;
        n->bk = bk;
        if (reprocessing) {
            /* Served but nothing left for it: back to the front. */
            n->prev = NULL;
            n->next = bk->head;
            if (bk->head) bk->head->prev = n;
            else bk->tail = n;
            bk->head = n;
        } else {
            n->next = NULL;
            n->prev = bk->tail;
            if (bk->tail) bk->tail->next = n;
            else bk->head = n;
            bk->tail = n;
        }
        bk->waiters++;
        if (spec->unblock_on_nokey) {
            if (bk->nokey_waiters++ == 0) BS.stats.blocking_keys_on_nokey++;
        }
        kw->nodes[kw->nnodes++] = n;
    }
    if (timeout_ms) heap_push(c);
}

static void unlink_keys(Client *c) {
    KeyWait *kw = c->bstate.target;
    Db *db = c->bstate.db;
    for (int i = 0; i < kw->nnodes; i++) {
        WaitNode *n = kw->nodes[i];
        BlockingKey *bk = n->bk;
        if (n->prev) n->prev->next = n->next;
        else bk->head = n->next;
        if (n->next) n->next->prev = n->prev;
        else bk->tail = n->prev;
        bk->waiters--;
        if (kw->spec.unblock_on_nokey && --bk->nokey_waiters == 0) BS.stats.blocking_keys_on_nokey--;
        mem_free(n);
        /* A key in the ready list keeps its entry until it is served. */
        if (bk->waiters == 0 && !bk->ready && !bk->pinned) {
            ht_remove(db->blocking_keys, bk->key, bk->klen);
            mem_free(bk);
            BS.stats.blocking_keys--;
        }
    }
    heap_remove(c);
    mem_free(kw->nodes);
    mem_free(kw);
    c->bstate.target = NULL;
}

void blocked_signal_key(Db *db, const char *key, size_t klen) {
    if (!db->blocking_keys) return;
    BlockingKey *bk = ht_find(db->blocking_keys, key, klen);
    if (!bk || bk->ready) return;
    bk->ready = 1;
    ReadyKey *rk = mem_alloc(sizeof(ReadyKey) + klen);
    rk->next = NULL;
    rk->db = db;
    rk->klen = klen;
    memcpy(rk->key, key, klen);
    if (BS.ready_keys_tail) BS.ready_keys_tail->next = rk;
    else BS.ready_keys = rk;
    BS.ready_keys_tail = rk;
}

void blocked_signal_db(Db *db) {
    if (!db->blocking_keys) return;
    HtIter it;
    ht_iter_init(&it, db->blocking_keys);
    BlockingKey *bk;
    while ((bk = ht_iter_next(&it))) blocked_signal_key(db, bk->key, bk->klen);
    ht_iter_done(&it);
}

/* Whether the key's current value can serve this waiter. */
static int can_serve(Client *c, Db *db, const char *key, size_t klen) {
    KeyWait *kw = c->bstate.target;
    Arg k = {key, klen};
    Kv *kv = db_lookup(NULL, db, &k, LOOKUP_NOSTATS | LOOKUP_NOTOUCH);
    if (!kv) return kw->spec.unblock_on_nokey;
    return kw->spec.unblock_on_nokey || kv_type(kv) == kw->spec.value_type;
}

/* Whether c still waits on bk (it may have been served or unblocked by
 * an earlier waiter's command). */
static int waits_on(Client *c, BlockingKey *bk) {
    if (!(c->flags & CLIENT_BLOCKED) || c->bstate.reason != BLOCKED_KEYS) return 0;
    KeyWait *kw = c->bstate.target;
    for (int i = 0; i < kw->nnodes; i++)
        if (kw->nodes[i]->bk == bk) return 1;
    return 0;
}

static void serve_key(ReadyKey *rk) {
    Db *db = rk->db;
    BlockingKey *bk = db->blocking_keys ? ht_find(db->blocking_keys, rk->key, rk->klen) : NULL;
    if (!bk) return;
    bk->ready = 0;
    /* Every waiter of the key, in order, gets its turn: one the value
     * cannot serve (a BLPOP behind an XREAD on a stream key) is skipped,
     * not a barrier for those behind it.  The walk goes over a snapshot:
     * served clients leave the list, one that blocks again returns to its
     * head. */
    uint64_t n = bk->waiters, k = 0;
    Client *stack[16];
    Client **snap = n <= 16 ? stack : mem_alloc(sizeof(Client *) * n);
    for (WaitNode *w = bk->head; w && k < n; w = w->next) snap[k++] = w->c;
    bk->pinned = 1;
    for (uint64_t i = 0; i < k; i++) {
        Client *c = snap[i];
        if (!waits_on(c, bk) || (c->flags & CLIENT_CLOSE_ASAP)) continue;
        if (!can_serve(c, db, rk->key, rk->klen)) continue;
        unlink_keys(c);
        clear_blocked(c);
        c->flags |= CLIENT_REPROCESSING;
        rerun(c);
        c->flags &= ~CLIENT_REPROCESSING;
    }
    bk->pinned = 0;
    if (snap != stack) mem_free(snap);
    if (bk->waiters == 0 && !bk->ready) {
        ht_remove(db->blocking_keys, bk->key, bk->klen);
        mem_free(bk);
        BS.stats.blocking_keys--;
    }
}

static int serving;

static void serve_ready_keys(void) {
    if (serving) return;
    serving = 1;
    while (BS.ready_keys) {
        ReadyKey *list = BS.ready_keys;
        BS.ready_keys = BS.ready_keys_tail = NULL;
        while (list) {
            ReadyKey *rk = list;
            list = rk->next;
            serve_key(rk);
            mem_free(rk);
        }
    }
    serving = 0;
}

void blocked_serve_after_command(void) {
    /* As Valkey does after every top-level command: a client blocked on a
     * key a command just filled is served before the next command runs
     * (LPUSH k x; BLPOP k pipelined by one client gives x to the client
     * already waiting). */
    if (BS.ready_keys && server.pause_type == PAUSE_NONE) serve_ready_keys();
}

/* ---------------------------------------------------------- unblocking */

/* Clients whose command ended outside before_sleep (CLIENT UNBLOCK) go on
 * with their input from before_sleep, so commands never nest. */
static void queue_resume(Client *c) {
    if (c->flags & CLIENT_UNBLOCKED) return;
    c->flags |= CLIENT_UNBLOCKED;
    fifo_push(&BS.ready_head, &BS.ready_tail, c);
}

static void unqueue_resume(Client *c) {
    fifo_remove(&BS.ready_head, &BS.ready_tail, c);
    c->flags &= ~CLIENT_UNBLOCKED;
}

static void resume_unblocked(void) {
    while (BS.ready_head) {
        Client *c = BS.ready_head;
        BS.ready_head = c->bstate.next;
        if (!BS.ready_head) BS.ready_tail = NULL;
        c->bstate.next = NULL;
        c->flags &= ~CLIENT_UNBLOCKED;
        client_resume_input(c);
    }
}

void unblock_client(Client *c, int how) {
    if (how == UNBLOCK_FREE && (c->flags & CLIENT_UNBLOCKED)) unqueue_resume(c);
    if (!(c->flags & CLIENT_BLOCKED)) return;
    int reason = c->bstate.reason;
    if (reason == BLOCKED_PAUSE) unlink_paused(c);
    KeyWait kwcopy = {0};
    if (reason == BLOCKED_KEYS) {
        kwcopy = *(KeyWait *)c->bstate.target;
        unlink_keys(c);
    }
    clear_blocked(c);
    if (how == UNBLOCK_FREE) {
        release_command(c);
        return;
    }
    /* The command ends here: its timeout reply or an error. */
    restore_command(c);
    c->cmd = command_lookup_argv(c->argv, c->argc);
    if (how == UNBLOCK_TIMEOUT && kwcopy.spec.on_timeout) kwcopy.spec.on_timeout(c);
    else if (how == UNBLOCK_ERROR) reply_error(c, "-UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else reply_null_array(c);
    if (c->cmd) c->cmd->calls++;
    c->argc = 0;
    release_command(c);
    queue_resume(c);
}

static void handle_timeouts(void) {
    while (BS.heap_len && heap_key(BS.heap[0]) <= server.now_ms) unblock_client(BS.heap[0], UNBLOCK_TIMEOUT);
}

int blocked_work_pending(void) {
    return (BS.ready_keys != NULL && server.pause_type == PAUSE_NONE) || BS.ready_head != NULL || (BS.paused_head && server.pause_type == PAUSE_NONE) ||
           (BS.heap_len && heap_key(BS.heap[0]) <= server.now_ms);
}

void blocked_before_sleep(void) {
    /* What runs here can make more keys ready (a served LMOVE, a resumed
     * client's pipeline): go on until nothing is due, so the loop never
     * sleeps on work. */
    int rounds = 0;
    do {
        if (BS.paused_head && server.pause_type == PAUSE_NONE) resume_paused();
        /* Popping is a write: nothing is served while writes are paused. */
        if (server.pause_type == PAUSE_NONE) serve_ready_keys();
        handle_timeouts();
        resume_unblocked();
    } while (blocked_work_pending() && ++rounds < 1000);
}

int client_is_blocked(const Client *c) {
    return (c->flags & CLIENT_BLOCKED) != 0;
}
