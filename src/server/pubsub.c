/* pubsub.c - SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE and their UNSUBSCRIBEs,
 * PUBLISH/SPUBLISH and PUBSUB, and the publish path keyspace
 * notifications use (see pubsub.h for the invariants).
 *
 * The server keeps, per channel (pattern, shard channel), the array of its
 * subscribers; each client keeps a table of its subscriptions pointing at
 * those entries, with its index in the entry's array, so unsubscribing is
 * O(1) (the last subscriber moves into the hole).  A published message is
 * encoded once per protocol and copied into each subscriber's output. */
#include <string.h>

#include "server.h"
#include "cmds.h"
#include "pubsub.h"
#include "reply.h"
#include "../../deps/glob/glob.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/siphash/siphash.h"

/* A channel, pattern or shard channel and its subscribers. */
typedef struct Channel {
    void *ht_next;
    Client **subs;
    uint32_t nsubs, cap;
    size_t len;
    char name[];
} Channel;

/* One subscription of a client: the channel and where the client sits in
 * its array. */
typedef struct SubRef {
    void *ht_next;
    Channel *ch;
    uint32_t index;
} SubRef;

enum { KIND_CHANNEL = 0, KIND_PATTERN, KIND_SHARD, KIND_COUNT };


static uint64_t name_hash(const char *key, size_t len) {
    return siphash13(key, len, server.hash_seed);
}

static void channel_key(const void *entry, const char **key, size_t *len) {
    const Channel *ch = entry;
    *key = ch->name;
    *len = ch->len;
}

static void subref_key(const void *entry, const char **key, size_t *len) {
    const SubRef *r = entry;
    *key = r->ch->name;
    *len = r->ch->len;
}

static const HtType channel_httype = {
    .hash = name_hash,
    .entry_key = channel_key,
    .next_offset = offsetof(Channel, ht_next),
};

static const HtType subref_httype = {
    .hash = name_hash,
    .entry_key = subref_key,
    .next_offset = offsetof(SubRef, ht_next),
};

void pubsub_init(void) {
    for (int k = 0; k < KIND_COUNT; k++) server.pubsub_tables[k] = ht_create(&channel_httype);
}

static Htable **client_table(Client *c, int kind) {
    if (!c->pubsub) c->pubsub = mem_calloc(sizeof(ClientPubsub));
    ClientPubsub *ps = c->pubsub;
    return kind == KIND_CHANNEL ? &ps->channels : kind == KIND_PATTERN ? &ps->patterns : &ps->shard;
}

static uint64_t client_count_of(const Client *c, int kind) {
    if (!c->pubsub) return 0;
    Htable *t = kind == KIND_CHANNEL ? c->pubsub->channels : kind == KIND_PATTERN ? c->pubsub->patterns
                                                                                  : c->pubsub->shard;
    return t ? ht_count(t) : 0;
}

static uint64_t client_total(const Client *c) {
    return client_count_of(c, KIND_CHANNEL) + client_count_of(c, KIND_PATTERN) + client_count_of(c, KIND_SHARD);
}

/* Keeps CLIENT_PUBSUB and the subscribed-clients count in step. */
static void update_flag(Client *c) {
    int now = client_total(c) > 0;
    int was = (c->flags & CLIENT_PUBSUB) != 0;
    if (now && !was) {
        c->flags |= CLIENT_PUBSUB;
        server.pubsub_clients++;
    } else if (!now && was) {
        c->flags &= ~CLIENT_PUBSUB;
        server.pubsub_clients--;
    }
}

/* Returns 1 if c was not subscribed to name yet. */
static int subscribe(Client *c, int kind, const char *name, size_t len) {
    Htable **ct = client_table(c, kind);
    if (!*ct) *ct = ht_create(&subref_httype);
    if (ht_find(*ct, name, len)) return 0;
    Channel *ch = ht_find(server.pubsub_tables[kind], name, len);
    if (!ch) {
        ch = mem_calloc(sizeof(Channel) + len);
        ch->len = len;
        memcpy(ch->name, name, len);
        ht_add(server.pubsub_tables[kind], ch);
    }
    if (ch->nsubs == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 4;
        ch->subs = mem_realloc(ch->subs, sizeof(Client *) * ch->cap);
    }
    SubRef *r = mem_alloc(sizeof(*r));
    r->ch = ch;
    r->index = ch->nsubs;
    ch->subs[ch->nsubs++] = c;
    ht_add(*ct, r);
    update_flag(c);
    return 1;
}

/* Returns 1 if c was subscribed to name. */
static int unsubscribe(Client *c, int kind, const char *name, size_t len) {
    Htable **ct = client_table(c, kind);
    if (!*ct) return 0;
    SubRef *r = ht_remove(*ct, name, len);
    if (!r) return 0;
    Channel *ch = r->ch;
    uint32_t i = r->index;
    mem_free(r);
    /* The last subscriber takes the hole; its own reference follows. */
    Client *last = ch->subs[--ch->nsubs];
    if (i != ch->nsubs) {
        ch->subs[i] = last;
        SubRef *lr = ht_find(*client_table(last, kind), ch->name, ch->len);
        lr->index = i;
    }
    if (ch->nsubs == 0) {
        ht_remove(server.pubsub_tables[kind], ch->name, ch->len);
        mem_free(ch->subs);
        mem_free(ch);
    }
    update_flag(c);
    return 1;
}

static void free_kind(Client *c, int kind) {
    Htable **ct = client_table(c, kind);
    if (!*ct) return;
    /* Unsubscribing removes from the table being walked: collect first. */
    while (ht_count(*ct)) {
        SubRef *r = ht_random(*ct, server_rand64);
        char buf[256];
        size_t len = r->ch->len;
        char *name = len <= sizeof(buf) ? buf : mem_alloc(len);
        memcpy(name, r->ch->name, len);
        unsubscribe(c, kind, name, len);
        if (name != buf) mem_free(name);
    }
    ht_release(*ct, NULL);
    *ct = NULL;
}

void pubsub_client_free(Client *c) {
    if (!c->pubsub) return;
    for (int k = 0; k < KIND_COUNT; k++) free_kind(c, k);
    mem_free(c->pubsub);
    c->pubsub = NULL;
    update_flag(c);
}

/* ------------------------------------------------------------- replies */

static const char *const sub_names[KIND_COUNT] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_names[KIND_COUNT] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* The count a (un)subscribe confirmation carries: channels and patterns
 * together, shard channels on their own (Valkey's rule). */
static long long confirm_count(Client *c, int kind) {
    if (kind == KIND_SHARD) return (long long)client_count_of(c, KIND_SHARD);
    return (long long)(client_count_of(c, KIND_CHANNEL) + client_count_of(c, KIND_PATTERN));
}

/* Confirmations and messages are pushes: they reach a client whose
 * replies are off (CLIENT REPLY OFF/SKIP), as in Valkey. */
#define PUSH_BEGIN(c)                                                          \
    uint64_t push_saved_ = (c)->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP); \
    (c)->flags &= ~push_saved_
#define PUSH_END(c) ((c)->flags |= push_saved_)

static void confirm(Client *c, const char *what, const char *name, size_t len, long long count) {
    PUSH_BEGIN(c);
    reply_push_len(c, 3);
    reply_bulk_cstr(c, what);
    if (name) reply_bulk(c, name, len);
    else reply_null(c);
    reply_int(c, count);
    PUSH_END(c);
}

static void subscribe_generic(Client *c, int kind) {
    /* Inside EXEC a client cannot wait for messages; SUBSCRIBE and
     * PSUBSCRIBE are let through there for compatibility, SSUBSCRIBE is
     * not (Valkey's rule). */
    if (kind == KIND_SHARD && (c->flags & (CLIENT_MULTI | CLIENT_SCRIPT))) {
        reply_error(c, "SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    for (int i = 1; i < c->argc; i++) {
        subscribe(c, kind, c->argv[i].p, c->argv[i].len);
        confirm(c, sub_names[kind], c->argv[i].p, c->argv[i].len, confirm_count(c, kind));
    }
}

static void unsubscribe_generic(Client *c, int kind) {
    if (c->argc > 1) {
        for (int i = 1; i < c->argc; i++) {
            unsubscribe(c, kind, c->argv[i].p, c->argv[i].len);
            confirm(c, unsub_names[kind], c->argv[i].p, c->argv[i].len, confirm_count(c, kind));
        }
        return;
    }
    /* No arguments: every subscription of this kind, one reply each, or a
     * single reply with a null name when there is none. */
    Htable **ct = client_table(c, kind);
    if (!*ct || ht_count(*ct) == 0) {
        confirm(c, unsub_names[kind], NULL, 0, confirm_count(c, kind));
        return;
    }
    while (*ct && ht_count(*ct)) {
        SubRef *r = ht_random(*ct, server_rand64);
        Str *name = str_new(r->ch->name, r->ch->len);
        unsubscribe(c, kind, name->buf, name->len);
        confirm(c, unsub_names[kind], name->buf, name->len, confirm_count(c, kind));
        str_free(name);
    }
}

void subscribe_command(Client *c) { subscribe_generic(c, KIND_CHANNEL); }
void psubscribe_command(Client *c) { subscribe_generic(c, KIND_PATTERN); }
void ssubscribe_command(Client *c) { subscribe_generic(c, KIND_SHARD); }
void unsubscribe_command(Client *c) { unsubscribe_generic(c, KIND_CHANNEL); }
void punsubscribe_command(Client *c) { unsubscribe_generic(c, KIND_PATTERN); }
void sunsubscribe_command(Client *c) { unsubscribe_generic(c, KIND_SHARD); }

/* ------------------------------------------------------------- publish */

/* A message encoded for one protocol, built on first use. */
typedef struct Encoded {
    Str *resp[2];  /* RESP2, RESP3 */
} Encoded;

static void cat_bulk(Str **s, const char *p, size_t len) {
    *s = str_catfmt(*s, "$%zu\r\n", len);
    *s = str_cat(*s, p, len);
    *s = str_cat(*s, "\r\n", 2);
}

static const Str *encoded(Encoded *e, int resp, const char *kind, const char *pattern, size_t plen,
                          const char *channel, size_t clen, const char *msg, size_t mlen) {
    int i = resp >= 3 ? 1 : 0;
    if (e->resp[i]) return e->resp[i];
    Str *s = str_with_capacity(32 + plen + clen + mlen);
    s = str_catfmt(s, "%c%d\r\n", i ? '>' : '*', pattern ? 4 : 3);
    cat_bulk(&s, kind, strlen(kind));
    if (pattern) cat_bulk(&s, pattern, plen);
    cat_bulk(&s, channel, clen);
    cat_bulk(&s, msg, mlen);
    e->resp[i] = s;
    return s;
}

static void encoded_free(Encoded *e) {
    for (int i = 0; i < 2; i++)
        if (e->resp[i]) str_free(e->resp[i]);
}

static long long deliver(Channel *ch, const char *kind, const char *pattern, size_t plen, const char *channel,
                         size_t clen, const char *msg, size_t mlen) {
    Encoded e = {{NULL, NULL}};
    for (uint32_t i = 0; i < ch->nsubs; i++) {
        Client *s = ch->subs[i];
        const Str *m = encoded(&e, s->resp, kind, pattern, plen, channel, clen, msg, mlen);
        PUSH_BEGIN(s);
        reply_raw(s, m->buf, m->len);
        PUSH_END(s);
    }
    encoded_free(&e);
    return ch->nsubs;
}

long long pubsub_publish(const char *channel, size_t clen, const char *msg, size_t mlen) {
    long long receivers = 0;
    Channel *ch = ht_find(server.pubsub_tables[KIND_CHANNEL], channel, clen);
    if (ch) receivers += deliver(ch, "message", NULL, 0, channel, clen, msg, mlen);
    if (ht_count(server.pubsub_tables[KIND_PATTERN])) {
        HtIter it;
        ht_iter_init(&it, server.pubsub_tables[KIND_PATTERN]);
        Channel *p;
        while ((p = ht_iter_next(&it)))
            if (glob_match(p->name, p->len, channel, clen, 0))
                receivers += deliver(p, "pmessage", p->name, p->len, channel, clen, msg, mlen);
        ht_iter_done(&it);
    }
    return receivers;
}

static long long publish_shard(const char *channel, size_t clen, const char *msg, size_t mlen) {
    Channel *ch = ht_find(server.pubsub_tables[KIND_SHARD], channel, clen);
    return ch ? deliver(ch, "smessage", NULL, 0, channel, clen, msg, mlen) : 0;
}

void publish_command(Client *c) {
    long long n = pubsub_publish(c->argv[1].p, c->argv[1].len, c->argv[2].p, c->argv[2].len);
    /* Replicas would receive it (Valkey propagates PUBLISH); the AOF does
     * not: it changes no data. */
    reply_int(c, n);
}

void spublish_command(Client *c) {
    reply_int(c, publish_shard(c->argv[1].p, c->argv[1].len, c->argv[2].p, c->argv[2].len));
}

/* --------------------------------------------------------------- PUBSUB */

static void list_channels(Client *c, int kind) {
    const Arg *pat = c->argc > 2 ? &c->argv[2] : NULL;
    ReplyDeferred d = reply_deferred_len(c);
    long long n = 0;
    HtIter it;
    ht_iter_init(&it, server.pubsub_tables[kind]);
    Channel *ch;
    while ((ch = ht_iter_next(&it))) {
        if (pat && !glob_match(pat->p, pat->len, ch->name, ch->len, 0)) continue;
        reply_bulk(c, ch->name, ch->len);
        n++;
    }
    ht_iter_done(&it);
    reply_set_deferred_array_len(c, d, n);
}

static void numsub(Client *c, int kind) {
    /* A flat array in RESP3 too, as Valkey answers. */
    reply_array_len(c, (long long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        Channel *ch = ht_find(server.pubsub_tables[kind], c->argv[i].p, c->argv[i].len);
        reply_bulk(c, c->argv[i].p, c->argv[i].len);
        reply_int(c, ch ? ch->nsubs : 0);
    }
}

void pubsub_channels_command(Client *c) {
    if (c->argc > 3) {
        reply_errorf(c, "unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                     (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].p);
        return;
    }
    list_channels(c, KIND_CHANNEL);
}

void pubsub_shardchannels_command(Client *c) {
    if (c->argc > 3) {
        reply_errorf(c, "unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                     (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].p);
        return;
    }
    list_channels(c, KIND_SHARD);
}

void pubsub_numsub_command(Client *c) { numsub(c, KIND_CHANNEL); }
void pubsub_shardnumsub_command(Client *c) { numsub(c, KIND_SHARD); }

void pubsub_numpat_command(Client *c) {
    reply_int(c, (long long)ht_count(server.pubsub_tables[KIND_PATTERN]));
}

void pubsub_help_command(Client *c) {
    static const char *help[] = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    reply_help(c, help);
}

/* --------------------------------------------------------------- counts */

uint64_t pubsub_channel_count(void) { return ht_count(server.pubsub_tables[KIND_CHANNEL]); }
uint64_t pubsub_pattern_count(void) { return ht_count(server.pubsub_tables[KIND_PATTERN]); }
uint64_t pubsub_shard_channel_count(void) { return ht_count(server.pubsub_tables[KIND_SHARD]); }
uint64_t pubsub_clients(void) { return server.pubsub_clients; }

void pubsub_client_counts(const Client *c, long long *channels, long long *patterns, long long *shard) {
    *channels = (long long)client_count_of(c, KIND_CHANNEL);
    *patterns = (long long)client_count_of(c, KIND_PATTERN);
    *shard = (long long)client_count_of(c, KIND_SHARD);
}

int pubsub_allowed_in_subscribed_mode(const char *name) {
    static const char *const ok[] = {"subscribe", "ssubscribe", "psubscribe", "unsubscribe", "sunsubscribe",
                                     "punsubscribe", "ping", "quit", "reset", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcmp(ok[i], name) == 0) return 1;
    return 0;
}
