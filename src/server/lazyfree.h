/* lazyfree.h - freeing big values and whole databases on a background
 * thread, so UNLINK, FLUSHALL ASYNC and the lazyfree-lazy-* deletions do
 * not stall the event loop.
 *
 * A value whose free effort (TypeOps.free_effort: elements/allocations)
 * is above LAZYFREE_THRESHOLD goes to the thread's queue; smaller ones are
 * freed at once, where that is cheaper than the hand-off.  The allocator's
 * counter is atomic, so used_memory drops as the thread frees. */
#ifndef SERVER_LAZYFREE_H
#define SERVER_LAZYFREE_H

#include <stdint.h>

#include "../ds/htable.h"
#include "kv.h"

#define LAZYFREE_THRESHOLD 64

/* Frees an entry already unlinked from its database: on the thread when
 * lazy and its value is big, here otherwise.  Returns 1 if queued. */
int lazyfree_kv(Kv *kv, int lazy);
/* Frees a database's detached tables (db_flush_detach) on the thread;
 * count is the number of keys they hold. */
void lazyfree_tables(Htable *keys, Htable *expires, uint64_t count);
/* FLUSHDB/FLUSHALL ASYNC (defined in db.c, the only file that may touch
 * a Db's tables): gives the database new empty tables and hands the old
 * ones to the thread; returns how many keys they held. */
struct Db;
uint64_t db_flush_lazy(struct Db *db);
/* Objects queued and not yet freed; objects freed by the thread so far. */
uint64_t lazyfree_pending(void);
uint64_t lazyfree_freed(void);
/* Waits until the queue is empty (tests, shutdown). */
void lazyfree_drain(void);

#endif
