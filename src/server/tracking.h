/* tracking.h - client-side caching (CLIENT TRACKING): which clients may
 * hold which keys in a local cache, and the invalidation messages sent to
 * them when those keys change, expire, are evicted or flushed.
 *
 * The rest of the server calls in through a few hooks, each behind one
 * test of a server field so that a server where nobody tracks pays a
 * load and a branch:
 *   key_touched()    -> tracking_key_touched()   (server.tracking_live)
 *   keys_flushed()   -> tracking_flushed()       (server.tracking)
 *   call()           -> tracking_after_call()    (server.tracking_clients)
 *   before_sleep()   -> tracking_before_sleep()  (server.tracking_clients)
 *   client_free()    -> tracking_client_free()   (server.tracking_clients)
 *
 * Invariants (details in tracking.c):
 *  - c->tracking != NULL exactly when CLIENT_TRACKING is set in c->flags,
 *    and server.tracking_clients counts those clients;
 *  - keys are tracked by name, for all databases at once (as Valkey);
 *  - a client's BCAST prefixes never overlap (none is a prefix of another),
 *    except for the empty prefix BCAST adds when given no PREFIX, which
 *    Valkey lets a client add beside others. */
#ifndef SERVER_TRACKING_H
#define SERVER_TRACKING_H

#include <stddef.h>
#include <stdint.h>

#include "client.h"

struct Command;

/* Options of CLIENT TRACKING ON, and the client's state bits. */
#define TRACKING_BCAST (1u << 0)
#define TRACKING_OPTIN (1u << 1)
#define TRACKING_OPTOUT (1u << 2)
#define TRACKING_NOLOOP (1u << 3)
#define TRACKING_CACHING (1u << 4) /* CLIENT CACHING yes|no, for the next command (or transaction) */
#define TRACKING_BROKEN (1u << 5)  /* the redirect client is gone */

/* A tracking client's state (c->tracking). */
typedef struct ClientTracking {
    void *ht_next;                 /* link in the by-id index */
    uint64_t id;                   /* the client's id (the index key) */
    Client *client;
    unsigned flags;                /* TRACKING_* */
    uint64_t redirect_id;          /* REDIRECT target, 0 for none */
    struct TrackingRedir *redir;   /* that target's entry (NULL for none) */
    Str **prefixes;                /* BCAST prefixes, sorted bytewise */
    int nprefixes, prefixes_cap;
} ClientTracking;

/* CLIENT TRACKING ON.  The caller parsed and checked the options (Valkey's
 * order of checks); this checks that the new prefixes overlap neither one
 * another nor the client's current ones, replying with Valkey's error and
 * returning 0 if they do; otherwise turns tracking on (or changes its
 * options), returns 1 and the caller replies OK.  redirect_to is the live
 * client named by REDIRECT (NULL for none). */
int tracking_enable(Client *c, Client *redirect_to, unsigned options, const Arg *prefixes, int nprefixes);
/* CLIENT TRACKING OFF, RESET.  Keys the client read stay in the table
 * until they change (their ids are skipped then), as in Valkey. */
void tracking_disable(Client *c);
/* A client goes away: tracking off, and clients redirecting to it see the
 * redirection broken from now on. */
void tracking_client_free(Client *c);

/* call(), after each command (at every nesting level): remembers the keys
 * a read-only command named for the tracking client running it; at the
 * end of a top-level command, sends the invalidations held for that
 * client (so they follow its reply) and ends a CLIENT CACHING override. */
void tracking_after_call(Client *c, struct Command *cmd);
/* A key changed (write, expiry, eviction): c made the change, or NULL. */
void tracking_key_touched(Client *c, const char *key, size_t klen);
/* FLUSHDB/FLUSHALL: a null invalidation ("every key") to every tracking
 * client, and the table is emptied. */
void tracking_flushed(void);
/* before_sleep: BCAST messages of this loop iteration, one per prefix;
 * tracking-table-max-keys enforcement. */
void tracking_before_sleep(void);
/* config.c: CONFIG SET tracking-table-max-keys. */
int tracking_apply_max_keys(char **err);

/* INFO stats. */
uint64_t tracking_total_keys(void);
uint64_t tracking_total_items(void);
uint64_t tracking_total_prefixes(void);

#endif
