/* tracking.c - client-side caching: the tracking table, BCAST prefixes,
 * redirection, and the invalidation messages (see tracking.h).
 *
 * Default mode: after a read-only command, every key it named goes into
 * the tracking table (key name -> set of client ids).  The first change
 * to the key sends "invalidate [key]" to each of those clients and drops
 * the key: a client hears about a key once per read of it.  OPTIN/OPTOUT
 * change which reads are remembered (CLIENT CACHING).  BCAST mode keeps
 * no table: keys changed under a client's prefixes during a loop
 * iteration are announced from before_sleep, one message per prefix.
 *
 * Messages go to the client itself as RESP3 pushes, or to the REDIRECT
 * client: a push if it speaks RESP3, else (RESP2, subscribed to anything)
 * a pub/sub message on __redis__:invalidate whose payload is the array of
 * keys.  CLIENT REPLY OFF does not hold pushes back.
 *
 * Invariants:
 *  - the table keeps client ids, not pointers: a client that turns
 *    tracking off or disconnects leaves its ids behind; they are skipped
 *    (and dropped with the key) when the key changes, so a disconnection
 *    never walks the table (Valkey's choice too).  A client switched to
 *    BCAST is skipped as well;
 *  - tracking_total_items counts the ids in the table, duplicates never;
 *  - every tracking client is in the by-id index (ts->clients), so ids
 *    resolve in O(1);
 *  - a REDIRECT target is an entry (ts->redirs) shared by the clients that
 *    name it and freed with the last of them; its client pointer is
 *    cleared when that client is freed, which is how a broken redirection
 *    is seen (ids are never reused, so a pointer cannot come back);
 *  - a prefix is in ts->prefixes while some client uses it; ts->lens holds
 *    the distinct prefix lengths with their counts, so a changed key is
 *    matched with one lookup per length, not one comparison per prefix;
 *  - invalidations for the client whose command is running (target ==
 *    server.current_client, inside call()) are held in ts->held and sent
 *    when the top-level command ends: they follow its reply, and a whole
 *    EXEC reply;
 *  - server.tracking_live is non-zero exactly when the table or the prefix
 *    table holds something, so key_touched() calls in only then. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "reply.h"
#include "keyspec.h"
#include "tracking.h"
#include "../../deps/siphash/siphash.h"

/* A key of the tracking table and the ids of the clients that read it:
 * one id inline, more in an open-addressing set (0 marks a free slot;
 * client ids start at 1). */
typedef struct TrackedKey {
    void *ht_next;
    uint64_t one;      /* the id while set == NULL */
    uint64_t *set;     /* cap slots, at most half full */
    uint32_t n, cap;
    size_t klen;
    char key[];
} TrackedKey;

/* A REDIRECT target, shared by the clients redirecting to it. */
typedef struct TrackingRedir {
    void *ht_next;
    uint64_t id;
    Client *client;    /* NULL once that client is gone */
    uint32_t refs;
} TrackingRedir;

/* A key changed under a prefix since the last before_sleep, with the id
 * of the client that changed it last (0: none, e.g. expiry) for NOLOOP. */
typedef struct PendingKey {
    void *ht_next;
    uint64_t by;
    size_t klen;
    char key[];
} PendingKey;

/* A BCAST prefix and the clients that asked for it. */
typedef struct Prefix {
    void *ht_next;
    ClientTracking **clients;
    uint32_t nclients, cap;
    Htable *pending;          /* PendingKey by name; NULL until a key changes */
    struct Prefix *next_pending;
    int queued;               /* in ts->pending_head's list */
    size_t len;
    char name[];
} Prefix;

typedef struct PrefixLen {
    size_t len;
    uint32_t count;
} PrefixLen;

typedef struct TrackingState {
    Htable *keys;             /* TrackedKey by name */
    uint64_t items;           /* ids held in keys */
    Htable *clients;          /* ClientTracking by id */
    Htable *redirs;           /* TrackingRedir by id */
    Htable *prefixes;         /* Prefix by name */
    PrefixLen *lens;          /* distinct prefix lengths, ascending */
    int nlens, lens_cap;
    Prefix *pending_head;     /* prefixes with keys to announce */
    Str **held;               /* invalidations held for the running client; NULL = flush */
    int nheld, held_cap;
    size_t max_keys;          /* tracking-table-max-keys, 0 = no limit */
    unsigned limit_rounds;    /* consecutive enforcement runs that stayed over the limit */
} TrackingState;

#define TS (server.tracking)

/* ------------------------------------------------------------ tables */

static uint64_t bytes_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static void tracked_key_of(const void *e, const char **key, size_t *len) {
    const TrackedKey *k = e;
    *key = k->key;
    *len = k->klen;
}

static void client_key_of(const void *e, const char **key, size_t *len) {
    const ClientTracking *ct = e;
    *key = (const char *)&ct->id;
    *len = sizeof(ct->id);
}

static void redir_key_of(const void *e, const char **key, size_t *len) {
    const TrackingRedir *r = e;
    *key = (const char *)&r->id;
    *len = sizeof(r->id);
}

static void prefix_key_of(const void *e, const char **key, size_t *len) {
    const Prefix *p = e;
    *key = p->name;
    *len = p->len;
}

static void pending_key_of(const void *e, const char **key, size_t *len) {
    const PendingKey *k = e;
    *key = k->key;
    *len = k->klen;
}

static const HtType tracked_key_type = {bytes_hash, NULL, tracked_key_of, offsetof(TrackedKey, ht_next)};
static const HtType client_type = {bytes_hash, NULL, client_key_of, offsetof(ClientTracking, ht_next)};
static const HtType redir_type = {bytes_hash, NULL, redir_key_of, offsetof(TrackingRedir, ht_next)};
static const HtType prefix_type = {bytes_hash, NULL, prefix_key_of, offsetof(Prefix, ht_next)};
static const HtType pending_type = {bytes_hash, NULL, pending_key_of, offsetof(PendingKey, ht_next)};

static void read_max_keys(void) {
    char *v = config_get_value("tracking-table-max-keys");
    TS->max_keys = v ? (size_t)strtoull(v, NULL, 10) : 0;
    mem_free(v);
}

static TrackingState *state(void) {
    if (!TS) {
        TS = mem_calloc(sizeof(TrackingState));
        TS->keys = ht_create(&tracked_key_type);
        TS->clients = ht_create(&client_type);
        TS->redirs = ht_create(&redir_type);
        TS->prefixes = ht_create(&prefix_type);
        read_max_keys();
    }
    return TS;
}

static void update_live(void) {
    server.tracking_live = ht_count(TS->keys) != 0 || ht_count(TS->prefixes) != 0;
}

static ClientTracking *client_by_id(uint64_t id) {
    return ht_find(TS->clients, (const char *)&id, sizeof(id));
}

/* ------------------------------------------------------ the id sets */

static uint32_t id_slot(uint64_t id, uint32_t cap) {
    /* Ids are sequential: a multiplicative hash spreads them. */
    return (uint32_t)((id * 0x9E3779B97F4A7C15ULL) >> 32) & (cap - 1);
}

static void idset_insert(uint64_t *set, uint32_t cap, uint64_t id) {
    uint32_t i = id_slot(id, cap);
    while (set[i]) i = (i + 1) & (cap - 1);
    set[i] = id;
}

static int idset_has(const TrackedKey *k, uint64_t id) {
    if (!k->set) return k->n && k->one == id;
    for (uint32_t i = id_slot(id, k->cap);; i = (i + 1) & (k->cap - 1)) {
        if (k->set[i] == id) return 1;
        if (!k->set[i]) return 0;
    }
}

/* Returns 1 if id was not there yet. */
static int idset_add(TrackedKey *k, uint64_t id) {
    if (idset_has(k, id)) return 0;
    if (k->n == 0) {
        k->one = id;
    } else if (!k->set || (k->n + 1) * 2 > k->cap) {
        uint32_t cap = k->cap ? k->cap * 2 : 4;
        uint64_t *set = mem_calloc(sizeof(uint64_t) * cap);
        if (k->set) {
            for (uint32_t i = 0; i < k->cap; i++)
                if (k->set[i]) idset_insert(set, cap, k->set[i]);
            mem_free(k->set);
        } else {
            idset_insert(set, cap, k->one);
        }
        k->set = set;
        k->cap = cap;
        idset_insert(set, cap, id);
    } else {
        idset_insert(k->set, k->cap, id);
    }
    k->n++;
    return 1;
}

static void tracked_key_free(void *e) {
    TrackedKey *k = e;
    mem_free(k->set);
    mem_free(k);
}

/* ------------------------------------------------------------ sending */

static const char push_invalidate[] = ">2\r\n$10\r\ninvalidate\r\n";
static const char msg_invalidate[] = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";

/* Invalidations are push messages: CLIENT REPLY OFF/SKIP do not hold them
 * back (Valkey writes them with its "pushing" flag for the same reason). */
static void push_raw(Client *dst, const char *p, size_t len) {
    uint64_t quiet = dst->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP);
    dst->flags &= ~quiet;
    reply_raw(dst, p, len);
    dst->flags |= quiet;
}

enum { PAYLOAD_KEY, PAYLOAD_RESP, PAYLOAD_NULL };

/* Sends one invalidation for tracking client ct: the key named by p/len
 * (PAYLOAD_KEY), a RESP array already encoded (PAYLOAD_RESP), or the null
 * that means every key (PAYLOAD_NULL, encoded for the receiver). */
static void deliver(ClientTracking *ct, int kind, const char *p, size_t len) {
    Client *dst = ct->client;
    int redirected = 0;
    if (ct->redirect_id) {
        dst = ct->redir ? ct->redir->client : NULL;
        if (!dst) {
            ct->flags |= TRACKING_BROKEN;
            /* Only a RESP3 client can be told, in band. */
            if (ct->client->resp > 2) {
                char buf[96];
                int n = snprintf(buf, sizeof(buf), ">2\r\n$21\r\ntracking-redir-broken\r\n:%llu\r\n",
                                 (unsigned long long)ct->redirect_id);
                push_raw(ct->client, buf, (size_t)n);
            }
            return;
        }
        redirected = 1;
    }
    if (dst->resp > 2) push_raw(dst, push_invalidate, sizeof(push_invalidate) - 1);
    else if (redirected && (dst->flags & CLIENT_PUBSUB)) push_raw(dst, msg_invalidate, sizeof(msg_invalidate) - 1);
    else return; /* RESP2 without redirection: nowhere to say it */
    if (kind == PAYLOAD_RESP) {
        push_raw(dst, p, len);
    } else if (kind == PAYLOAD_NULL) {
        if (dst->resp > 2) push_raw(dst, "_\r\n", 3);
        else push_raw(dst, "$-1\r\n", 5);
    } else {
        char head[40];
        int n = snprintf(head, sizeof(head), "*1\r\n$%zu\r\n", len);
        push_raw(dst, head, (size_t)n);
        push_raw(dst, p, len);
        push_raw(dst, "\r\n", 2);
    }
}

/* Is client t the one whose command is running (its invalidations must
 * wait for the reply)? */
static int running(const Client *t) {
    return t == server.current_client && server.exec.nesting > 0;
}

static void hold(const char *key, size_t klen, int null) {
    TrackingState *ts = TS;
    if (ts->nheld == ts->held_cap) {
        ts->held_cap = ts->held_cap ? ts->held_cap * 2 : 8;
        ts->held = mem_realloc(ts->held, sizeof(Str *) * (size_t)ts->held_cap);
    }
    ts->held[ts->nheld++] = null ? NULL : str_new(key, klen);
}

static void drop_held(void) {
    for (int i = 0; i < TS->nheld; i++)
        if (TS->held[i]) str_free(TS->held[i]);
    TS->nheld = 0;
}

static void send_held(Client *t) {
    TrackingState *ts = TS;
    for (int i = 0; i < ts->nheld; i++) {
        Str *k = ts->held[i];
        if (t && t->tracking) {
            if (k) deliver(t->tracking, PAYLOAD_KEY, k->buf, k->len);
            else deliver(t->tracking, PAYLOAD_NULL, NULL, 0);
        }
    }
    drop_held();
}

/* Tells every client id in k (still tracking, not BCAST) that the key
 * changed, then forgets them; k is already out of the table. */
static void announce(TrackedKey *k) {
    uint32_t slots = k->set ? k->cap : 1;
    for (uint32_t i = 0; i < slots; i++) {
        uint64_t id = k->set ? k->set[i] : (k->n ? k->one : 0);
        if (!id) continue;
        ClientTracking *ct = client_by_id(id);
        if (!ct || (ct->flags & TRACKING_BCAST)) continue;
        Client *t = ct->client;
        if ((ct->flags & TRACKING_NOLOOP) && t == server.current_client) continue;
        if (running(t)) hold(k->key, k->klen, 0);
        else deliver(ct, PAYLOAD_KEY, k->key, k->klen);
    }
    TS->items -= k->n;
}

static void invalidate_tracked(const char *key, size_t klen) {
    TrackedKey *k = ht_remove(TS->keys, key, klen);
    if (!k) return;
    announce(k);
    tracked_key_free(k);
}

/* ---------------------------------------------------- remembering keys */

static void remember_key(uint64_t id, const char *key, size_t klen) {
    TrackingState *ts = TS;
    TrackedKey *k = ht_find(ts->keys, key, klen);
    if (!k) {
        k = mem_calloc(sizeof(TrackedKey) + klen);
        k->klen = klen;
        memcpy(k->key, key, klen);
        ht_add(ts->keys, k);
    }
    if (idset_add(k, id)) ts->items++;
}

/* Keeps the table at most tracking-table-max-keys long by forgetting
 * random keys (and invalidating them, since their clients would otherwise
 * never hear of a change).  Each run over the limit works harder than the
 * last, so a big excess goes in a few runs without one long stall. */
static void enforce_limit(void) {
    TrackingState *ts = TS;
    size_t max = ts->max_keys;
    if (!max || ht_count(ts->keys) <= max) {
        ts->limit_rounds = 0;
        return;
    }
    uint64_t effort = 100 * ((uint64_t)ts->limit_rounds + 1);
    while (effort-- && ht_count(ts->keys) > max) {
        TrackedKey *k = ht_random(ts->keys, server_rand64);
        if (!k) break;
        invalidate_tracked(k->key, k->klen);
    }
    if (ht_count(ts->keys) > max) ts->limit_rounds++;
    else ts->limit_rounds = 0;
    update_live();
}

static void remember_keys(Client *t, Client *c, struct Command *cmd) {
    unsigned f = t->tracking->flags;
    /* OPTIN remembers only after CACHING yes, OPTOUT all but after CACHING no. */
    if ((f & TRACKING_OPTIN) && !(f & TRACKING_CACHING)) return;
    if ((f & TRACKING_OPTOUT) && (f & TRACKING_CACHING)) return;
    int local[16];
    int max = c->argc;
    int *keys = max <= 16 ? local : mem_alloc(sizeof(int) * (size_t)max);
    int n = command_get_keys(cmd, c->argv, c->argc, keys, NULL, max);
    for (int i = 0; i < n; i++) remember_key(t->id, c->argv[keys[i]].p, c->argv[keys[i]].len);
    if (keys != local) mem_free(keys);
    if (n > 0) {
        update_live();
        if (TS->max_keys && ht_count(TS->keys) > TS->max_keys) enforce_limit();
    }
}

static int is_client_subcommand(const struct Command *cmd) {
    return cmd->parent && strcmp(cmd->parent->name, "client") == 0;
}

/* A read-only script's declared keys are not what it read: only the
 * commands it runs count (Valkey's rule). */
static int is_readonly_script(const struct Command *cmd) {
    return strcmp(cmd->name, "eval_ro") == 0 || strcmp(cmd->name, "evalsha_ro") == 0 ||
           strcmp(cmd->name, "fcall_ro") == 0;
}

void tracking_after_call(Client *c, struct Command *cmd) {
    /* The keys count for the client that sent the command (the one whose
     * EXEC, or whose script, runs it).  Shard channels (SSUBSCRIBE...)
     * have key specs but are no keys. */
    Client *t = server.current_client ? server.current_client : c;
    if ((cmd->flags & CMD_READONLY) && !(cmd->flags & CMD_PUBSUB) && t->tracking &&
        !(t->tracking->flags & TRACKING_BCAST) && !is_readonly_script(cmd))
        remember_keys(t, c, cmd);
    if (server.exec.nesting) return;
    if (TS->nheld) send_held(t);
    /* CLIENT CACHING covers the next command, or the next transaction
     * (MULTI ... EXEC); the CLIENT subcommands in between leave it be. */
    if (c->tracking && (c->tracking->flags & TRACKING_CACHING) && !(c->flags & (CLIENT_MULTI | CLIENT_BLOCKED)) &&
        !is_client_subcommand(cmd))
        c->tracking->flags &= ~TRACKING_CACHING;
}

/* -------------------------------------------------------------- BCAST */

static void lens_add(size_t len) {
    TrackingState *ts = TS;
    int i = 0;
    while (i < ts->nlens && ts->lens[i].len < len) i++;
    if (i < ts->nlens && ts->lens[i].len == len) {
        ts->lens[i].count++;
        return;
    }
    if (ts->nlens == ts->lens_cap) {
        ts->lens_cap = ts->lens_cap ? ts->lens_cap * 2 : 4;
        ts->lens = mem_realloc(ts->lens, sizeof(PrefixLen) * (size_t)ts->lens_cap);
    }
    memmove(&ts->lens[i + 1], &ts->lens[i], sizeof(PrefixLen) * (size_t)(ts->nlens - i));
    ts->lens[i].len = len;
    ts->lens[i].count = 1;
    ts->nlens++;
}

static void lens_remove(size_t len) {
    TrackingState *ts = TS;
    for (int i = 0; i < ts->nlens; i++) {
        if (ts->lens[i].len != len) continue;
        if (--ts->lens[i].count == 0) {
            memmove(&ts->lens[i], &ts->lens[i + 1], sizeof(PrefixLen) * (size_t)(ts->nlens - i - 1));
            ts->nlens--;
        }
        return;
    }
}

static void pending_clear(Prefix *p) {
    if (p->pending) ht_clear(p->pending, mem_free);
}

static void prefix_add_client(ClientTracking *ct, const char *name, size_t len) {
    TrackingState *ts = TS;
    Prefix *p = ht_find(ts->prefixes, name, len);
    if (!p) {
        p = mem_calloc(sizeof(Prefix) + len);
        p->len = len;
        memcpy(p->name, name, len);
        ht_add(ts->prefixes, p);
        lens_add(len);
    }
    for (uint32_t i = 0; i < p->nclients; i++)
        if (p->clients[i] == ct) return;
    if (p->nclients == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 2;
        p->clients = mem_realloc(p->clients, sizeof(ClientTracking *) * p->cap);
    }
    p->clients[p->nclients++] = ct;
    if (ct->nprefixes == ct->prefixes_cap) {
        ct->prefixes_cap = ct->prefixes_cap ? ct->prefixes_cap * 2 : 2;
        ct->prefixes = mem_realloc(ct->prefixes, sizeof(Str *) * (size_t)ct->prefixes_cap);
    }
    ct->prefixes[ct->nprefixes++] = str_new(name, len);
}

static void prefix_remove_client(ClientTracking *ct, const Str *name) {
    TrackingState *ts = TS;
    Prefix *p = ht_find(ts->prefixes, name->buf, name->len);
    if (!p) return;
    for (uint32_t i = 0; i < p->nclients; i++) {
        if (p->clients[i] != ct) continue;
        p->clients[i] = p->clients[--p->nclients];
        break;
    }
    if (p->nclients) return;
    if (p->queued) {
        Prefix **pp = &ts->pending_head;
        while (*pp != p) pp = &(*pp)->next_pending;
        *pp = p->next_pending;
    }
    if (p->pending) ht_release(p->pending, mem_free);
    ht_remove(ts->prefixes, p->name, p->len);
    lens_remove(p->len);
    mem_free(p->clients);
    mem_free(p);
}

/* A key changed: queue it under every prefix it starts with. */
static void bcast_remember(Client *c, const char *key, size_t klen) {
    TrackingState *ts = TS;
    for (int i = 0; i < ts->nlens && ts->lens[i].len <= klen; i++) {
        Prefix *p = ht_find(ts->prefixes, key, ts->lens[i].len);
        if (!p) continue;
        if (!p->pending) p->pending = ht_create(&pending_type);
        PendingKey *k = ht_find(p->pending, key, klen);
        if (!k) {
            k = mem_alloc(sizeof(PendingKey) + klen);
            k->klen = klen;
            memcpy(k->key, key, klen);
            ht_add(p->pending, k);
        }
        /* The last change decides what NOLOOP leaves out. */
        k->by = c ? c->id : 0;
        if (!p->queued) {
            p->queued = 1;
            p->next_pending = ts->pending_head;
            ts->pending_head = p;
        }
    }
}

/* Bytewise order, a prefix before what extends it (a radix tree's order,
 * so messages and TRACKINGINFO list keys as Valkey does). */
static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

static int pending_cmp(const void *x, const void *y) {
    const PendingKey *a = *(PendingKey *const *)x, *b = *(PendingKey *const *)y;
    return bytes_cmp(a->key, a->klen, b->key, b->klen);
}

/* The RESP array of the keys, less those last changed by `skip` (an id,
 * 0 for none); NULL when that leaves none. */
static Str *keys_array(PendingKey **keys, uint64_t n, uint64_t skip) {
    uint64_t count = 0;
    for (uint64_t i = 0; i < n; i++)
        if (!skip || keys[i]->by != skip) count++;
    if (!count) return NULL;
    Str *s = str_with_capacity(16 + count * 16);
    s = str_catfmt(s, "*%llu\r\n", (unsigned long long)count);
    for (uint64_t i = 0; i < n; i++) {
        if (skip && keys[i]->by == skip) continue;
        s = str_catfmt(s, "$%zu\r\n", keys[i]->klen);
        s = str_cat(s, keys[i]->key, keys[i]->klen);
        s = str_cat(s, "\r\n", 2);
    }
    return s;
}

static void broadcast_prefix(Prefix *p) {
    uint64_t n = p->pending ? ht_count(p->pending) : 0;
    if (!n) return;
    PendingKey **keys = mem_alloc(sizeof(PendingKey *) * (size_t)n);
    uint64_t i = 0;
    HtIter it;
    ht_iter_init(&it, p->pending);
    PendingKey *k;
    while ((k = ht_iter_next(&it)) && i < n) keys[i++] = k;
    ht_iter_done(&it);
    qsort(keys, (size_t)n, sizeof(PendingKey *), pending_cmp);
    Str *common = NULL;
    for (uint32_t j = 0; j < p->nclients; j++) {
        ClientTracking *ct = p->clients[j];
        if (ct->flags & TRACKING_NOLOOP) {
            Str *own = keys_array(keys, n, ct->id);
            if (own) {
                deliver(ct, PAYLOAD_RESP, own->buf, own->len);
                str_free(own);
            }
        } else {
            if (!common) common = keys_array(keys, n, 0);
            deliver(ct, PAYLOAD_RESP, common->buf, common->len);
        }
    }
    if (common) str_free(common);
    mem_free(keys);
    pending_clear(p);
}

/* --------------------------------------------------- enable / disable */

static int overlap(const char *a, size_t alen, const char *b, size_t blen) {
    return memcmp(a, b, alen < blen ? alen : blen) == 0;
}

/* %s in Valkey's messages stops at a NUL byte. */
static int shown(size_t len, const char *p) {
    size_t n = 0;
    while (n < len && n < 1024 && p[n]) n++;
    return (int)n;
}

typedef struct PrefixRef {
    const char *p;
    size_t len;
} PrefixRef;

static int ref_cmp(const void *x, const void *y) {
    const PrefixRef *a = x, *b = y;
    return bytes_cmp(a->p, a->len, b->p, b->len);
}

/* Whether any two of the new and current prefixes overlap: in sorted
 * order, a prefix of another sits right before something it prefixes, so
 * neighbours suffice (O(n log n) for the thousands Valkey's tests use). */
static int any_overlap(const ClientTracking *ct, const Arg *pfx, int n) {
    int cur = ct ? ct->nprefixes : 0;
    int total = n + cur;
    PrefixRef *refs = mem_alloc(sizeof(PrefixRef) * (size_t)(total ? total : 1));
    for (int i = 0; i < n; i++) refs[i] = (PrefixRef){pfx[i].p, pfx[i].len};
    for (int i = 0; i < cur; i++) refs[n + i] = (PrefixRef){ct->prefixes[i]->buf, ct->prefixes[i]->len};
    qsort(refs, (size_t)total, sizeof(PrefixRef), ref_cmp);
    int found = 0;
    for (int i = 1; i < total && !found; i++)
        found = overlap(refs[i - 1].p, refs[i - 1].len, refs[i].p, refs[i].len);
    mem_free(refs);
    return found;
}

/* Valkey's checks, in Valkey's order (so the pair named in the error is
 * the same): each new prefix against the current ones, then against the
 * new ones after it.  Replies and returns 0 on an overlap. */
static int check_prefixes(Client *c, const Arg *pfx, int n) {
    ClientTracking *ct = c->tracking;
    if (!any_overlap(ct, pfx, n)) return 1;
    for (int i = 0; i < n; i++) {
        for (int e = 0; ct && e < ct->nprefixes; e++) {
            const Str *x = ct->prefixes[e];
            if (overlap(x->buf, x->len, pfx[i].p, pfx[i].len)) {
                reply_errorf(c, "Prefix '%.*s' overlaps with an existing prefix '%.*s'. Prefixes for a single client "
                                "must not overlap.",
                             shown(pfx[i].len, pfx[i].p), pfx[i].p, shown(x->len, x->buf), x->buf);
                return 0;
            }
        }
        for (int j = i + 1; j < n; j++) {
            if (overlap(pfx[i].p, pfx[i].len, pfx[j].p, pfx[j].len)) {
                reply_errorf(c, "Prefix '%.*s' overlaps with another provided prefix '%.*s'. Prefixes for a single "
                                "client must not overlap.",
                             shown(pfx[i].len, pfx[i].p), pfx[i].p, shown(pfx[j].len, pfx[j].p), pfx[j].p);
                return 0;
            }
        }
    }
    return 1;
}

static int str_ptr_cmp(const void *x, const void *y) {
    const Str *a = *(Str *const *)x, *b = *(Str *const *)y;
    return bytes_cmp(a->buf, a->len, b->buf, b->len);
}

static void redirect_release(ClientTracking *ct) {
    TrackingRedir *r = ct->redir;
    ct->redir = NULL;
    ct->redirect_id = 0;
    if (!r || --r->refs) return;
    ht_remove(TS->redirs, (const char *)&r->id, sizeof(r->id));
    mem_free(r);
}

static void redirect_set(ClientTracking *ct, Client *to) {
    TrackingRedir *r = ht_find(TS->redirs, (const char *)&to->id, sizeof(to->id));
    if (!r) {
        r = mem_calloc(sizeof(*r));
        r->id = to->id;
        r->client = to;
        ht_add(TS->redirs, r);
    }
    r->refs++;
    ct->redir = r;
    ct->redirect_id = to->id;
}

int tracking_enable(Client *c, Client *redirect_to, unsigned options, const Arg *prefixes, int nprefixes) {
    TrackingState *ts = state();
    if ((options & TRACKING_BCAST) && !check_prefixes(c, prefixes, nprefixes)) return 0;
    ClientTracking *ct = c->tracking;
    if (!ct) {
        ct = mem_calloc(sizeof(*ct));
        ct->id = c->id;
        ct->client = c;
        ht_add(ts->clients, ct);
        c->tracking = ct;
        c->flags |= CLIENT_TRACKING;
        server.tracking_clients++;
    }
    /* Everything but a pending CLIENT CACHING starts over. */
    ct->flags &= ~(TRACKING_BROKEN | TRACKING_BCAST | TRACKING_OPTIN | TRACKING_OPTOUT | TRACKING_NOLOOP);
    redirect_release(ct);
    if (redirect_to) redirect_set(ct, redirect_to);
    if (options & TRACKING_BCAST) {
        ct->flags |= TRACKING_BCAST;
        /* Prefixes add up over several TRACKING ON calls. */
        if (nprefixes == 0) prefix_add_client(ct, "", 0);
        for (int i = 0; i < nprefixes; i++) prefix_add_client(ct, prefixes[i].p, prefixes[i].len);
        qsort(ct->prefixes, (size_t)ct->nprefixes, sizeof(Str *), str_ptr_cmp);
        update_live();
    }
    ct->flags |= options & (TRACKING_OPTIN | TRACKING_OPTOUT | TRACKING_NOLOOP);
    return 1;
}

void tracking_disable(Client *c) {
    ClientTracking *ct = c->tracking;
    if (!ct) return;
    TrackingState *ts = TS;
    for (int i = 0; i < ct->nprefixes; i++) {
        prefix_remove_client(ct, ct->prefixes[i]);
        str_free(ct->prefixes[i]);
    }
    mem_free(ct->prefixes);
    redirect_release(ct);
    ht_remove(ts->clients, (const char *)&ct->id, sizeof(ct->id));
    /* What was held for it has nowhere to go any more. */
    if (c == server.current_client) drop_held();
    mem_free(ct);
    c->tracking = NULL;
    c->flags &= ~CLIENT_TRACKING;
    server.tracking_clients--;
    update_live();
}

void tracking_client_free(Client *c) {
    tracking_disable(c);
    if (!TS || !ht_count(TS->redirs)) return;
    TrackingRedir *r = ht_find(TS->redirs, (const char *)&c->id, sizeof(c->id));
    if (r) r->client = NULL;
}

/* ----------------------------------------------------------- changes */

void tracking_key_touched(Client *c, const char *key, size_t klen) {
    TrackingState *ts = TS;
    if (ts->nlens) bcast_remember(c, key, klen);
    if (ht_count(ts->keys)) {
        invalidate_tracked(key, klen);
        if (!ht_count(ts->keys)) update_live();
    }
}

void tracking_flushed(void) {
    TrackingState *ts = TS;
    HtIter it;
    ht_iter_init(&it, ts->clients);
    ClientTracking *ct;
    while ((ct = ht_iter_next(&it))) {
        if (running(ct->client)) hold(NULL, 0, 1);
        else deliver(ct, PAYLOAD_NULL, NULL, 0);
    }
    ht_iter_done(&it);
    ht_clear(ts->keys, tracked_key_free);
    ts->items = 0;
    update_live();
}

void tracking_before_sleep(void) {
    TrackingState *ts = TS;
    if (!ts) return;
    while (ts->pending_head) {
        Prefix *p = ts->pending_head;
        ts->pending_head = p->next_pending;
        p->queued = 0;
        p->next_pending = NULL;
        broadcast_prefix(p);
    }
    if (ts->max_keys && ht_count(ts->keys) > ts->max_keys) enforce_limit();
}

int tracking_apply_max_keys(char **err) {
    (void)err;
    if (TS) read_max_keys();
    return 0;
}

uint64_t tracking_total_keys(void) { return TS ? ht_count(TS->keys) : 0; }
uint64_t tracking_total_items(void) { return TS ? TS->items : 0; }
uint64_t tracking_total_prefixes(void) { return TS ? ht_count(TS->prefixes) : 0; }
