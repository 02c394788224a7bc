/* pubsub.h - publish/subscribe: channels, patterns and shard channels
 * (one shard outside cluster mode), the subscribed state of a client, and
 * the publish path keyspace notifications and client-side caching use.
 *
 * Invariants: a client is in a channel's subscriber array exactly when the
 * channel is in the client's table (and likewise for patterns and shard
 * channels); a channel with no subscriber is removed from the server's
 * table; CLIENT_PUBSUB is set exactly while the client has at least one
 * subscription of any kind. */
#ifndef SERVER_PUBSUB_H
#define SERVER_PUBSUB_H

#include <stddef.h>
#include <stdint.h>

#include "client.h"

/* Subscriptions of one client (NULL until its first subscription). */
typedef struct ClientPubsub {
    struct Htable *channels;
    struct Htable *patterns;
    struct Htable *shard;
} ClientPubsub;

void pubsub_init(void);
/* Delivers message to the channel's subscribers and to the subscribers
 * of matching patterns; returns how many clients received it. */
long long pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen);
/* Counts for INFO and CLIENT LIST. */
uint64_t pubsub_channel_count(void);
uint64_t pubsub_pattern_count(void);
uint64_t pubsub_shard_channel_count(void);
uint64_t pubsub_clients(void);
void pubsub_client_counts(const Client *c, long long *channels, long long *patterns, long long *shard);
/* Drops every subscription of c (disconnection, RESET) without replies. */
void pubsub_client_free(Client *c);
/* Whether RESP2's subscribed mode allows this command (otherwise the
 * dispatcher answers Valkey's error). */
int pubsub_allowed_in_subscribed_mode(const char *cmdname);

#endif
