/* lazyfree.c - the background free thread and its queue.
 *
 * Jobs are a singly linked FIFO under one mutex; the thread is started on
 * the first job, so a server that never frees lazily has no extra thread.
 * The thread only calls kv_free and the hash table's release, which touch
 * nothing but the objects handed over (TypeOps.free functions are pure)
 * and the allocator, whose used-bytes counter is atomic.
 *
 * Counters: pending counts objects queued and not yet freed (a database
 * counts as its keys), freed the objects the thread has freed. */
#include <pthread.h>
#include <stdatomic.h>

#include "cpu_affinity.h"
#include "lazyfree.h"
#include "../ds/alloc.h"

typedef struct LazyJob {
    struct LazyJob *next;
    Kv *kv;                   /* one entry, or */
    Htable *keys, *expires;   /* a database's tables */
    uint64_t count;           /* objects the job frees */
} LazyJob;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* a job was queued */
    pthread_cond_t idle;      /* the queue became empty */
    LazyJob *head, *tail;
    int started;
    int busy;                 /* the thread is running a job */
    _Atomic uint64_t pending;
    _Atomic uint64_t freed;
} lf = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0, 0};

static void kv_free_entry(void *e) { kv_free(e); }

static void run_job(LazyJob *j) {
    if (j->kv) {
        kv_free(j->kv);
    } else {
        /* Entries are linked in both tables: drop the expires links,
         * then free each entry once, through the main table. */
        ht_release(j->expires, NULL);
        ht_release(j->keys, kv_free_entry);
    }
}

static void *lazyfree_main(void *arg) {
    (void)arg;
    cpu_affinity_bio_thread();
    pthread_mutex_lock(&lf.lock);
    for (;;) {
        while (!lf.head) pthread_cond_wait(&lf.wake, &lf.lock);
        LazyJob *j = lf.head;
        lf.head = j->next;
        if (!lf.head) lf.tail = NULL;
        lf.busy = 1;
        pthread_mutex_unlock(&lf.lock);
        run_job(j);
        uint64_t n = j->count;
        mem_free(j);
        atomic_fetch_add_explicit(&lf.freed, n, memory_order_relaxed);
        atomic_fetch_sub_explicit(&lf.pending, n, memory_order_relaxed);
        pthread_mutex_lock(&lf.lock);
        lf.busy = 0;
        if (!lf.head) pthread_cond_broadcast(&lf.idle);
    }
    return NULL;
}

static void enqueue(LazyJob *j) {
    j->next = NULL;
    atomic_fetch_add_explicit(&lf.pending, j->count, memory_order_relaxed);
    pthread_mutex_lock(&lf.lock);
    if (!lf.started) {
        pthread_t tid;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&tid, &attr, lazyfree_main, NULL) != 0) {
            /* No thread: free here rather than never. */
            pthread_attr_destroy(&attr);
            pthread_mutex_unlock(&lf.lock);
            run_job(j);
            atomic_fetch_add_explicit(&lf.freed, j->count, memory_order_relaxed);
            atomic_fetch_sub_explicit(&lf.pending, j->count, memory_order_relaxed);
            mem_free(j);
            return;
        }
        pthread_attr_destroy(&attr);
        lf.started = 1;
    }
    if (lf.tail) lf.tail->next = j;
    else lf.head = j;
    lf.tail = j;
    pthread_cond_signal(&lf.wake);
    pthread_mutex_unlock(&lf.lock);
}

int lazyfree_kv(Kv *kv, int lazy) {
    if (!kv) return 0;
    if (!lazy || !kv_value_is_ptr(kv)) {
        kv_free(kv);
        return 0;
    }
    const TypeOps *ops = kv_type_ops(kv_type(kv));
    void *ptr = kv_get_ptr(kv);
    if (!ptr || !ops || !ops->free_effort || ops->free_effort(ptr, kv_encoding(kv)) <= LAZYFREE_THRESHOLD) {
        kv_free(kv);
        return 0;
    }
    LazyJob *j = mem_calloc(sizeof(*j));
    j->kv = kv;
    j->count = 1;
    enqueue(j);
    return 1;
}

void lazyfree_tables(Htable *keys, Htable *expires, uint64_t count) {
    LazyJob *j = mem_calloc(sizeof(*j));
    j->keys = keys;
    j->expires = expires;
    j->count = count;
    enqueue(j);
}

uint64_t lazyfree_pending(void) {
    return atomic_load_explicit(&lf.pending, memory_order_relaxed);
}

uint64_t lazyfree_freed(void) {
    return atomic_load_explicit(&lf.freed, memory_order_relaxed);
}

void lazyfree_drain(void) {
    pthread_mutex_lock(&lf.lock);
    while (lf.head || lf.busy) pthread_cond_wait(&lf.idle, &lf.lock);
    pthread_mutex_unlock(&lf.lock);
}
