/* evict.c - staying inside maxmemory: key eviction by policy, the LFU
 * counter, and client eviction (maxmemory-clients).
 *
 * Key eviction approximates the policy by sampling, as Valkey does: each
 * round samples maxmemory-samples keys of every database (all keys, or
 * only those with a TTL for volatile-*) into a pool of the 16 best
 * candidates seen so far, kept sorted by a score (idle time for LRU,
 * 255 - counter for LFU, time left inverted for volatile-ttl), and evicts
 * the best one that still exists.  The pool keeps key NAMES, not Kv
 * pointers (a Kv moves), and a stale name is simply skipped.
 *
 * Invariants: eviction only runs between commands (dispatch, or the
 * continuation timer), never inside one; each evicted key is deleted,
 * fires "evicted", and is propagated as DEL (UNLINK when
 * lazyfree-lazy-eviction frees it on the thread).  A slice of eviction is
 * bounded in time by maxmemory-eviction-tenacity; when it runs out, a
 * timer continues the work on the next loop iteration while commands are
 * not refused (EVICT_RUNNING). */
#include <stdint.h>
#include <string.h>

#include "evict.h"
#include "lazyfree.h"
#include "server.h"
#include "cmds.h"
#include "multi.h"

#define EVPOOL_SIZE 16
#define EVPOOL_KEY_INLINE 48
#define EVICT_CHECK_EVERY 16

typedef struct PoolEntry {
    uint64_t score;           /* higher: a better candidate */
    int dbid;
    size_t klen;
    char *heap;               /* the key when longer than inl, else NULL */
    char inl[EVPOOL_KEY_INLINE];
} PoolEntry;

/* Entries move by struct copy, so the key is found through this. */
static inline const char *entry_key(const PoolEntry *e) { return e->heap ? e->heap : e->inl; }

static struct {
    PoolEntry pool[EVPOOL_SIZE];
    int pool_n;               /* filled slots: pool[0..n) ascending by score */
    int next_random_db;
    long long timer_id;       /* the continuation timer, or -1 */
    int timer_set;
    uint64_t exceeded_start_us; /* 0: not over the limit */
    uint64_t exceeded_total_us;
    uint64_t evicted_clients;
    int pre_command_oom;      /* the running command met EVICT_FAIL */
    char *kbuf;               /* the victim's name (outlives its Kv) */
    size_t kbuf_cap;
} ev = {.timer_id = -1};

/* ------------------------------------------------------------------ LFU */

static uint32_t lfu_minutes(void) {
    return (uint32_t)((server.now_ms / 60000) & 0xffff);
}

uint32_t evict_lfu_initial(void) {
    return (lfu_minutes() << 8) | LFU_INIT_VAL;
}

/* Minutes since the stored time, across the 16-bit wrap. */
static uint32_t lfu_elapsed(uint32_t then) {
    uint32_t now = lfu_minutes();
    return now >= then ? now - then : 65535 - then + now;
}

unsigned evict_lfu_freq(uint32_t bits) {
    unsigned counter = bits & 0xff;
    uint32_t periods = server.cfg.lfu_decay_time ? lfu_elapsed(bits >> 8) / (uint32_t)server.cfg.lfu_decay_time : 0;
    return periods >= counter ? 0 : counter - periods;
}

uint32_t evict_lfu_access(uint32_t bits) {
    unsigned counter = evict_lfu_freq(bits);
    if (counter < 255) {
        /* Logarithmic: the chance of counting an access falls as
         * 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1). */
        double base = counter > LFU_INIT_VAL ? (double)(counter - LFU_INIT_VAL) : 0.0;
        double p = 1.0 / (base * server.cfg.lfu_log_factor + 1.0);
        double r = (double)(server_rand64() >> 11) / 9007199254740992.0;
        if (r < p) counter++;
    }
    return (lfu_minutes() << 8) | counter;
}

/* --------------------------------------------------------------- limits */

size_t evict_mem_not_counted(void) {
    /* Commands written but not yet handed to the AOF (and, later, replica
     * buffers) are what eviction must not try to pay for with keys. */
    return server.prop.buf ? server.prop.buf->cap : 0;
}

/* Whether used memory (less what does not count) is over maxmemory; the
 * bytes to free when it is. */
static int over_limit(size_t *tofree) {
    size_t used = mem_used();
    if (used <= server.cfg.maxmemory) return 0;
    size_t skip = evict_mem_not_counted();
    used = used > skip ? used - skip : 0;
    if (used <= server.cfg.maxmemory) return 0;
    *tofree = used - (size_t)server.cfg.maxmemory;
    return 1;
}

/* The slice of one eviction run, from maxmemory-eviction-tenacity: 50 us
 * a step up to 10 (500 us), growing 15% a step after that, and no bound
 * at 100. */
static uint64_t slice_us(void) {
    int t = server.cfg.maxmemory_eviction_tenacity;
    if (t <= 10) return 50 * (uint64_t)t;
    if (t >= 100) return UINT64_MAX;
    double us = 500.0;
    for (int i = 10; i < t; i++) us *= 1.15;
    return (uint64_t)us;
}

static void exceeded_begin(void) {
    if (!ev.exceeded_start_us) ev.exceeded_start_us = ev_monotonic_us();
}

static void exceeded_end(void) {
    if (!ev.exceeded_start_us) return;
    ev.exceeded_total_us += ev_monotonic_us() - ev.exceeded_start_us;
    ev.exceeded_start_us = 0;
}

uint64_t evict_stat_exceeded_total_ms(void) {
    uint64_t cur = ev.exceeded_start_us ? ev_monotonic_us() - ev.exceeded_start_us : 0;
    return (ev.exceeded_total_us + cur) / 1000;
}

uint64_t evict_stat_exceeded_current_ms(void) {
    return ev.exceeded_start_us ? (ev_monotonic_us() - ev.exceeded_start_us) / 1000 : 0;
}

void evict_reset_stats(void) {
    ev.evicted_clients = 0;
    ev.exceeded_total_us = 0;
    if (ev.exceeded_start_us) ev.exceeded_start_us = ev_monotonic_us();
}

uint64_t evict_stat_evicted_clients(void) {
    return ev.evicted_clients;
}

/* ----------------------------------------------------------------- pool */

static uint64_t score_of(const Kv *kv, int policy) {
    uint32_t bits = kv_lru(kv);
    switch (policy) {
    case MAXMEMORY_ALLKEYS_LFU:
    case MAXMEMORY_VOLATILE_LFU:
        return 255 - evict_lfu_freq(bits);
    case MAXMEMORY_VOLATILE_TTL:
        /* The nearest expiry is the best candidate. */
        return UINT64_MAX - (uint64_t)kv_expire(kv);
    default: {
        uint32_t now = server.lru_clock;
        uint32_t idle = now >= bits ? now - bits : LRU_CLOCK_MAX - bits + now;
        return (uint64_t)idle * 1000;
    }
    }
}

static void entry_clear(PoolEntry *e) {
    mem_free(e->heap);
    e->heap = NULL;
    e->klen = 0;
}

static void pool_insert(int dbid, const Kv *kv, uint64_t score) {
    int n = ev.pool_n;
    if (n == EVPOOL_SIZE && score <= ev.pool[0].score) return;
    size_t klen;
    const char *key = kv_key(kv, &klen);
    /* The same key sampled twice keeps one slot. */
    for (int i = 0; i < n; i++)
        if (ev.pool[i].dbid == dbid && ev.pool[i].klen == klen && memcmp(entry_key(&ev.pool[i]), key, klen) == 0)
            return;
    int pos;
    if (n == EVPOOL_SIZE) {
        /* Drop the worst (slot 0) and slide down what ranks below. */
        entry_clear(&ev.pool[0]);
        pos = 0;
        while (pos + 1 < n && ev.pool[pos + 1].score < score) {
            ev.pool[pos] = ev.pool[pos + 1];
            pos++;
        }
    } else {
        pos = n;
        while (pos > 0 && ev.pool[pos - 1].score > score) {
            ev.pool[pos] = ev.pool[pos - 1];
            pos--;
        }
        ev.pool_n++;
    }
    /* The slot's old contents were copied to a neighbour: not ours. */
    PoolEntry *e = &ev.pool[pos];
    e->heap = klen > EVPOOL_KEY_INLINE ? mem_alloc(klen) : NULL;
    memcpy(e->heap ? e->heap : e->inl, key, klen);
    e->klen = klen;
    e->score = score;
    e->dbid = dbid;
}

typedef struct Sampler {
    int dbid, policy;
} Sampler;

static void sample_one(void *priv, Kv *kv) {
    Sampler *s = priv;
    pool_insert(s->dbid, kv, score_of(kv, s->policy));
}

/* Samples about `want` keys of one database at a random place. */
static void pool_populate(Db *db, int volatile_only, int policy, int want) {
    Sampler s = {db->id, policy};
    db_sample(db, volatile_only, server_rand64(), want, sample_one, &s);
}

/* Keeps a copy of the victim's name in ev.kbuf. */
static void keep_name(const char *key, size_t klen) {
    if (klen > ev.kbuf_cap) {
        ev.kbuf = mem_realloc(ev.kbuf, klen);
        ev.kbuf_cap = klen;
    }
    memcpy(ev.kbuf, key, klen);
}

/* The best candidate in the pool that still exists. */
static Kv *pool_pick(int volatile_only, Db **dbp, size_t *klenp) {
    while (ev.pool_n > 0) {
        PoolEntry *e = &ev.pool[--ev.pool_n];
        Kv *kv = e->dbid < server.db_count ? db_find(&server.dbs[e->dbid], entry_key(e), e->klen) : NULL;
        int ok = kv && (!volatile_only || kv_has_expire(kv));
        if (ok) {
            keep_name(entry_key(e), e->klen);
            *klenp = e->klen;
            *dbp = &server.dbs[e->dbid];
        }
        entry_clear(e);
        if (ok) return kv;
    }
    return NULL;
}

/* Chooses the next key to evict under the policy (its name in ev.kbuf);
 * NULL when none can be. */
static Kv *choose_victim(int policy, Db **dbp, size_t *klenp) {
    int volatile_only = policy == MAXMEMORY_VOLATILE_LRU || policy == MAXMEMORY_VOLATILE_LFU ||
                        policy == MAXMEMORY_VOLATILE_RANDOM || policy == MAXMEMORY_VOLATILE_TTL;
    if (policy == MAXMEMORY_ALLKEYS_RANDOM || policy == MAXMEMORY_VOLATILE_RANDOM) {
        for (int i = 0; i < server.db_count; i++) {
            Db *db = &server.dbs[ev.next_random_db];
            ev.next_random_db = (ev.next_random_db + 1) % server.db_count;
            Kv *kv = volatile_only ? db_random_volatile(db) : db_random(db);
            if (!kv) continue;
            size_t klen;
            const char *key = kv_key(kv, &klen);
            keep_name(key, klen);
            *klenp = klen;
            *dbp = db;
            return kv;
        }
        return NULL;
    }
    /* Pooled names can all be stale (deleted since): sample again, a
     * bounded number of times. */
    for (int round = 0; round < 16; round++) {
        uint64_t total = 0;
        for (int i = 0; i < server.db_count; i++) {
            Db *db = &server.dbs[i];
            uint64_t n = volatile_only ? db_expires_count(db) : db_size(db);
            if (!n) continue;
            total += n;
            pool_populate(db, volatile_only, policy, server.cfg.maxmemory_samples);
        }
        if (!total) return NULL;
        Kv *kv = pool_pick(volatile_only, dbp, klenp);
        if (kv) return kv;
    }
    /* Eligible keys exist but the samples kept missing them: a table left
     * big and sparse by mass deletions (it shrinks from the cron) can
     * defeat neighbour sampling.  Evict a random eligible key rather than
     * answer OOM with keys still there (Valkey samples until it finds). */
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        Kv *kv = volatile_only ? db_random_volatile(db) : db_random(db);
        if (!kv) continue;
        size_t klen;
        const char *key = kv_key(kv, &klen);
        keep_name(key, klen);
        *klenp = klen;
        *dbp = db;
        return kv;
    }
    return NULL;
}

/* ------------------------------------------------------------- eviction */

static long long evict_timer(EventLoop *loop, long long id, void *data) {
    (void)loop;
    (void)id;
    (void)data;
    if (evict_perform() == EVICT_RUNNING) return 0;
    ev.timer_set = 0;
    return EV_NOMORE;
}

/* Evicts one key; returns the bytes its removal freed, measured around
 * the removal alone: what the propagation and the events that follow
 * allocate (the AOF buffer grows by a DEL) is not counted against it, or
 * small keys would seem to free nothing and far too many would go. */
static size_t evict_one(Db *db, const char *key, size_t klen) {
    int lazy = server.cfg.lazyfree_lazy_eviction;
    size_t before = mem_used();
    Kv *kv = db_unlink(db, key, klen);
    if (!kv) return 0;
    lazyfree_kv(kv, lazy);
    size_t after = mem_used();
    server.stat.evicted_keys++;
    key_touched(NULL, db, key, klen);
    key_event(db, key, klen, NOTIFY_EVICTED, "evicted");
    propagate_deletion(db, key, klen, lazy);
    return before > after ? before - after : 0;
}

int evict_perform(void) {
    size_t tofree;
    if (server.loading || !server.cfg.maxmemory || !over_limit(&tofree)) {
        exceeded_end();
        return EVICT_OK;
    }
    /* CLIENT PAUSE WRITE/ALL holds deletions back, evictions included. */
    if (pause_blocks_expire()) return EVICT_OK;
    exceeded_begin();
    int policy = server.cfg.maxmemory_policy;
    uint64_t start = ev_monotonic_us();
    uint64_t limit = slice_us();
    int result = EVICT_FAIL;
    if (policy != MAXMEMORY_NOEVICTION) {
        size_t freed = 0;
        uint64_t keys = 0;
        result = EVICT_OK;
        while (freed < tofree) {
            Db *db;
            size_t klen;
            if (!choose_victim(policy, &db, &klen)) {
                result = EVICT_FAIL;
                break;
            }
            freed += evict_one(db, ev.kbuf, klen);
            keys++;
            if (keys % EVICT_CHECK_EVERY == 0) {
                /* Values freed on the thread lower used memory later:
                 * look at the real figure now and then. */
                if (server.cfg.lazyfree_lazy_eviction && !over_limit(&tofree)) break;
                if (ev_monotonic_us() - start > limit) {
                    if (!ev.timer_set) {
                        ev.timer_id = ev_add_timer(server.loop, 0, evict_timer, NULL);
                        ev.timer_set = 1;
                    }
                    result = EVICT_RUNNING;
                    break;
                }
            }
        }
    }
    if (result == EVICT_FAIL && lazyfree_pending()) {
        /* The thread may still bring us under: wait a little for it. */
        while (lazyfree_pending() && ev_monotonic_us() - start < limit) {
            if (!over_limit(&tofree)) break;
        }
        if (!over_limit(&tofree)) result = EVICT_OK;
    }
    if (result == EVICT_OK && !over_limit(&tofree)) exceeded_end();
    return result;
}

int evict_refuses(Client *c, Command *cmd) {
    size_t tofree;
    ev.pre_command_oom = 0;
    if (!over_limit(&tofree)) {
        if (ev.exceeded_start_us) exceeded_end();
        return 0;
    }
    if (evict_perform() != EVICT_FAIL) return 0;
    ev.pre_command_oom = 1;
    int deny = (cmd->flags & CMD_DENYOOM) != 0;
    if (c->flags & CLIENT_MULTI) {
        /* Queueing costs memory whatever the command: only what ends
         * the transaction passes, and EXEC only without a command that
         * may grow memory in its queue (Valkey's rule). */
        if (cmd->proc == exec_command) deny = (multi_queued_flags(c) & CMD_DENYOOM) != 0;
        else if (cmd->proc != discard_command && cmd->proc != quit_command && cmd->proc != reset_command) deny = 1;
    }
    return deny;
}

int evict_apply_maxmemory(char **err) {
    (void)err;
    unsigned long long max = server.cfg.maxmemory;
    if (sizeof(void *) == 4 && max > 3ULL * 1024 * 1024 * 1024)
        server_log(LL_WARNING, "WARNING: maxmemory (%llu) is above 3 GB on a 32 bit target, which cannot address "
                   "that much memory: the limit will never be reached.", max);
    if (max && mem_used() > max)
        server_log(LL_WARNING, "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the "
                   "current memory usage (%zu). This will result in key eviction and/or the inability to accept new "
                   "write commands depending on the maxmemory-policy.", max, mem_used());
    /* Start at once rather than on the next command. */
    if (max && !ev.timer_set && server.loop) {
        ev.timer_id = ev_add_timer(server.loop, 0, evict_timer, NULL);
        ev.timer_set = 1;
    }
    return 0;
}

int evict_pre_command_oom(void) {
    return server.cfg.maxmemory && ev.pre_command_oom;
}

/* ----------------------------------------------------- client eviction */

static size_t client_memory(const Client *c) {
    return sizeof(Client) + client_qbuf_owned(c) + c->obuf_size + c->reply_bytes + (size_t)c->argv_cap * sizeof(Arg);
}

static size_t clients_limit(void) {
    long long v = server.cfg.maxmemory_clients;
    unsigned long long bytes = 0;
    if (v > 0) bytes = (unsigned long long)v;
    else if (v < 0 && server.cfg.maxmemory) bytes = server.cfg.maxmemory / 100 * (unsigned long long)(-v);
    /* A 32-bit size_t cannot hold every configured value. */
    return bytes > SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

static void evict_clients(void) {
    size_t limit = clients_limit();
    if (!limit) return;
    size_t total = 0;
    for (Client *c = server.clients; c; c = c->next)
        if (!(c->flags & CLIENT_NO_EVICT)) total += client_memory(c);
    while (total > limit) {
        Client *worst = NULL;
        size_t worst_mem = 0;
        for (Client *c = server.clients; c; c = c->next) {
            if (c->flags & (CLIENT_NO_EVICT | CLIENT_CLOSE_ASAP)) continue;
            size_t m = client_memory(c);
            if (m > worst_mem) {
                worst = c;
                worst_mem = m;
            }
        }
        if (!worst) break;
        server_log(LL_VERBOSE, "Evicting client: id=%llu addr=%s tot-mem=%zu", (unsigned long long)worst->id,
                   worst->addr, worst_mem);
        ev.evicted_clients++;
        client_close_async(worst);
        total -= worst_mem;
    }
}

void evict_cron(void) {
    if (server.cfg.maxmemory_clients) evict_clients();
    /* A limit lowered by CONFIG SET with no command since: evict now. */
    if (server.cfg.maxmemory && !ev.timer_set) evict_perform();
    else if (!server.cfg.maxmemory) exceeded_end();
}
