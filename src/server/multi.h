/* multi.h - transactions: MULTI/EXEC/DISCARD and optimistic locking with
 * WATCH/UNWATCH.
 *
 * Invariants: CLIENT_MULTI is set from MULTI until EXEC/DISCARD/RESET;
 * queued commands own their arguments (argv_dup); a client is in a key's
 * watcher array (db->watched_keys) exactly when the key is in its own
 * watched list; CLIENT_DIRTY_CAS is set when a watched key changed since
 * WATCH (EXEC then answers a null array). */
#ifndef SERVER_MULTI_H
#define SERVER_MULTI_H

#include <stdint.h>

#include "client.h"
#include "db.h"

struct Command;

/* The dispatcher queues c's command (c->cmd, c->argv) instead of running
 * it, and replies +QUEUED. */
void multi_queue_command(Client *c);
/* A command was refused while queueing: EXEC will answer EXECABORT. */
void multi_flag_error(Client *c);
/* Whether the dispatcher must queue this command for a client in MULTI
 * (everything but EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
int multi_queues(const struct Command *cmd);
/* EXEC itself refused before it runs (wrong arity, OOM...): when cmd is
 * EXEC, answers "-EXECABORT Transaction discarded because of: <err>" (err
 * without its leading '-'), ends any transaction, drops the watches (all
 * as Valkey does, in MULTI or not) and returns 1; otherwise returns 0 and
 * the caller answers err. */
int multi_exec_refused(Client *c, const struct Command *cmd, const char *err);
/* The union of the queued commands' flags (CLIENT PAUSE WRITE holds an
 * EXEC back when it would write). */
uint64_t multi_queued_flags(const Client *c);
/* Ends the transaction state and the watches (disconnection, RESET). */
void multi_client_free(Client *c);
/* key_touched(): marks the watchers of key in db dirty. */
void multi_touch_key(Db *db, const char *key, size_t klen);
/* FLUSHDB/FLUSHALL (dbid -1) before it empties: watchers of keys that
 * exist get dirty.  SWAPDB after the swap: watchers of keys that exist in
 * either database now or existed before. */
void multi_touch_flush(int dbid);
void multi_touch_swap(Db *a, Db *b);
/* INFO: clients watching something, and keys watched (all databases). */
uint64_t multi_watching_clients(void);
uint64_t multi_watched_keys(void);
/* CLIENT LIST: queued commands (-1 when not in MULTI), keys watched. */
long long multi_client_queued(const Client *c);
long long multi_client_watched(const Client *c);

#endif
