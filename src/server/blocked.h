/* blocked.h - clients held back: one module for every reason a command
 * waits instead of running now.
 *
 *   BLOCKED_PAUSE  CLIENT PAUSE postponed the command; it runs when the
 *                  pause ends, clients in the order they arrived;
 *   BLOCKED_KEYS   BLPOP, BZPOPMIN, XREAD...: the command runs again when
 *                  one of its keys changes (first blocked, first served per
 *                  key) or answers its timeout reply;
 *   BLOCKED_WAIT   WAIT / WAITAOF (later issues).
 *
 * A blocked client owns a copy of its command line (argv_dup), so its
 * query buffer may move or be shared meanwhile; the rest of its input
 * waits until the command has completed.  Keys are kept by name.
 * Invariants: a client is blocked for at most one reason; it is in the
 * timeout heap iff it has a timeout; CLIENT_BLOCKED is set exactly while
 * bstate.reason != BLOCKED_NONE. */
#ifndef SERVER_BLOCKED_H
#define SERVER_BLOCKED_H

#include <stdint.h>

#include "client.h"
#include "db.h"

enum { BLOCKED_NONE = 0, BLOCKED_PAUSE, BLOCKED_KEYS, BLOCKED_WAIT, BLOCKED_REASON_COUNT };

/* How a keys-blocked client ends if its timeout comes first: the command
 * gives its timeout reply (BLPOP: a null array). */
typedef void block_timeout_reply_fn(Client *c);

/* Options for block_for_keys(). */
typedef struct BlockKeysSpec {
    int value_type;           /* OBJ_*: wake only when the key holds this type */
    int unblock_on_nokey;     /* also wake when the key is deleted (XREADGROUP) */
    block_timeout_reply_fn *on_timeout;
} BlockKeysSpec;

typedef struct BlockedStats {
    uint64_t blocked_clients;            /* any reason */
    uint64_t by_reason[BLOCKED_REASON_COUNT];
    uint64_t blocking_keys;              /* distinct keys with waiters, all dbs */
    uint64_t blocking_keys_on_nokey;
    uint64_t in_timeout_table;
} BlockedStats;

/* Server-wide state, embedded in Server. */
typedef struct BlockedState {
    BlockedStats stats;
    Client *paused_head, *paused_tail;   /* BLOCKED_PAUSE, FIFO */
    Client *ready_head, *ready_tail;     /* to resume in before_sleep, FIFO */
    struct ReadyKey *ready_keys;         /* keys signalled since the last serve */
    struct ReadyKey *ready_keys_tail;
    Client **heap;                        /* timeout min-heap */
    uint64_t heap_len, heap_cap, seq;
} BlockedState;

/* Holds c's current command until the pause ends. */
void block_for_pause(Client *c);
/* Blocks c on keys (names in keys[0..n)) until one of them is ready or
 * timeout_ms (absolute wall clock; 0 = forever) passes.  Called by a
 * blocking command's handler instead of replying. */
void block_for_keys(Client *c, Db *db, const Arg *keys, int nkeys, int64_t timeout_ms, const BlockKeysSpec *spec);
/* Ends c's wait without running its command: CLIENT UNBLOCK (with the
 * timeout reply or an error), CLIENT KILL, disconnection. */
enum { UNBLOCK_TIMEOUT = 1, UNBLOCK_ERROR, UNBLOCK_FREE };
void unblock_client(Client *c, int how);
/* key_changed() calls this when a key with waiters may have become
 * ready; cheap when nobody waits on the database. */
void blocked_signal_key(Db *db, const char *key, size_t klen);
/* before_sleep: resume paused clients if the pause is over, serve the
 * clients of ready keys, answer the timed-out ones.  Loops until no key
 * becomes ready (a served LMOVE can feed another blocked client). */
void blocked_before_sleep(void);
/* After each top-level command (dispatch.c): serve the waiters of keys
 * that command made ready, before anything else runs. */
void blocked_serve_after_command(void);
/* Milliseconds until the earliest timeout (-1: none), for the loop. */
long long blocked_ms_until_timeout(void);
/* Whether anything is due in blocked_before_sleep. */
int blocked_work_pending(void);
/* SWAPDB / FLUSH: keys of these databases may now satisfy waiters. */
void blocked_signal_db(Db *db);
/* Names of the reasons as CLIENT LIST's flags/INFO see them. */
int client_is_blocked(const Client *c);

#endif
