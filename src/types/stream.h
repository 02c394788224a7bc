/* stream.h - the stream type: its command handlers (stream_cmds.c: XADD,
 * XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID, XREAD; stream_group.c:
 * XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM; stream_info.c:
 * XINFO) and the value they share (stream.c): the entries
 * (src/ds/streamstore.h) plus the consumer groups.
 *
 * A consumer group keeps its pending entries list (PEL) as an idtree
 * whose items hold the delivery data inline (StreamNack: 24 bytes, no
 * allocation of its own); each consumer keeps the IDs it owns in an
 * idtree of bare IDs.  Groups and consumers are found by name in hash
 * tables and listed in name order (byte order, a prefix first: the order
 * of Valkey's radix trees) by sorting when a command lists them.
 *
 * Invariants (stream_check, run by DEBUG KEYSPACE-CHECK): every group
 * PEL item names a consumer of that group, whose PEL holds that ID; every
 * consumer PEL ID is in the group's PEL owned by that consumer; the entry
 * store passes ss_check.  OBJECT ENCODING says "stream", as Valkey.
 *
 * What the RDB/DUMP code (persist/) calls to write Valkey's stream format
 * (RDB_TYPE_STREAM_LISTPACKS_3):
 *   - the nodes: iterate s->st.index (idt_seek_first/idt_next); the key
 *     is the master ID (written as 16 bytes big-endian), the value an
 *     SsNode * (memcpy it out); ss_node_to_listpack(node, master) gives
 *     the listpack blob exactly as Valkey holds it (lp_free it after);
 *   - then s->st.length, last_id, first_id, max_deleted_id,
 *     entries_added;
 *   - the groups: stream_groups_sorted(); for each its name, last_id,
 *     entries_read, its PEL (idt iteration over g->pel: ID, then the
 *     StreamNack's delivery_time and delivery_count), then
 *     stream_consumers_sorted(): name, seen_time, active_time and the IDs
 *     of c->pel.
 * Loading does the reverse: stream_new(), ss_add_listpack() per node (it
 * validates the blob), set the metadata fields, stream_group_create(),
 * stream_nack_insert(g, id) and fill delivery_time/delivery_count,
 * stream_consumer_create() (with the saved times), and
 * stream_nack_assign(g, nack_id, consumer) for each consumer PEL ID;
 * finish with stream_check() when deep validation is asked for. */
#ifndef TYPES_STREAM_H
#define TYPES_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/htable.h"
#include "../ds/idtree.h"
#include "../ds/streamstore.h"
#include "../server/client.h"
#include "../server/kv.h"

/* ------------------------------------------------------- command handlers */

void xadd_command(Client *c);
void xrange_command(Client *c);
void xrevrange_command(Client *c);
void xlen_command(Client *c);
void xdel_command(Client *c);
void xtrim_command(Client *c);
void xsetid_command(Client *c);
void xread_command(Client *c);
void xreadgroup_command(Client *c);
void xgroup_create_command(Client *c);
void xgroup_createconsumer_command(Client *c);
void xgroup_delconsumer_command(Client *c);
void xgroup_destroy_command(Client *c);
void xgroup_setid_command(Client *c);
void xgroup_help_command(Client *c);
void xack_command(Client *c);
void xpending_command(Client *c);
void xclaim_command(Client *c);
void xautoclaim_command(Client *c);
void xinfo_stream_command(Client *c);
void xinfo_groups_command(Client *c);
void xinfo_consumers_command(Client *c);
void xinfo_help_command(Client *c);

/* ---------------------------------------------------------------- values */

/* A pending entry's delivery data: the value of a group PEL item. */
typedef struct StreamNack {
    int64_t delivery_time;
    uint64_t delivery_count;
    struct StreamConsumer *consumer;
} StreamNack;

typedef struct StreamConsumer {
    void *ht_next;
    IdTree pel;              /* IDs only */
    int64_t seen_time;       /* last attempted interaction */
    int64_t active_time;     /* last successful one, -1 never */
    size_t nlen;
    char name[];
} StreamConsumer;

/* A group's entries_read when it is not known (Valkey's -1). */
#define STREAM_ENTRIES_READ_INVALID (-1)

typedef struct StreamGroup {
    void *ht_next;
    IdTree pel;              /* ID -> StreamNack */
    Htable *consumers;       /* by name, created with the first one */
    StreamId last_id;        /* last delivered ID */
    int64_t entries_read;
    size_t nlen;
    char name[];
} StreamGroup;

typedef struct Stream {
    StreamStore st;
    Htable *groups;          /* by name; NULL until the first group */
} Stream;

Stream *stream_new(void);
void stream_free(Stream *s);

StreamGroup *stream_group_lookup(const Stream *s, const char *name, size_t len);
/* NULL when a group of that name exists already. */
StreamGroup *stream_group_create(Stream *s, const char *name, size_t len, StreamId last_id, int64_t entries_read);
void stream_group_destroy(Stream *s, StreamGroup *g);
uint64_t stream_group_count(const Stream *s);
/* The groups in name order (mem_free the array); *n gets the count. */
StreamGroup **stream_groups_sorted(const Stream *s, size_t *n);

StreamConsumer *stream_consumer_lookup(const StreamGroup *g, const char *name, size_t len);
/* NULL when it exists.  seen_time = now, active_time = -1. */
StreamConsumer *stream_consumer_create(StreamGroup *g, const char *name, size_t len, int64_t now);
/* Removes the consumer and its pending entries from the group; returns
 * how many it had. */
uint64_t stream_consumer_delete(StreamGroup *g, StreamConsumer *c);
uint64_t stream_consumer_count(const StreamGroup *g);
StreamConsumer **stream_consumers_sorted(const StreamGroup *g, size_t *n);

/* Group PEL: the nack of id or NULL; inserting one (zeroed, no owner);
 * giving it to a consumer (moving it from its previous owner); removing
 * it from the group and its owner. */
StreamNack *stream_nack_find(const StreamGroup *g, StreamId id);
StreamNack *stream_nack_insert(StreamGroup *g, StreamId id);
void stream_nack_assign(StreamGroup *g, StreamNack *nack, StreamId id, StreamConsumer *to);
int stream_nack_remove(StreamGroup *g, StreamId id);

/* Lag bookkeeping (Valkey 7's entries_read/lag). */
int stream_range_has_tombstones(const Stream *s, const StreamId *start, const StreamId *end);
/* The logical read counter of id, or STREAM_ENTRIES_READ_INVALID. */
int64_t stream_estimate_distance(const Stream *s, StreamId id);
/* Replies with the group's lag, or a null when it cannot be known. */
void stream_reply_lag(Client *c, const Stream *s, const StreamGroup *g);

const char *stream_check(const Stream *s);

/* ------------------------------------------------------- command helpers */

/* Looks the key up (LOOKUP_* flags): 1 with *s (NULL when missing), or 0
 * after replying WRONGTYPE. */
int stream_lookup(Client *c, const Arg *key, int flags, Stream **s);
/* The same, creating an empty stream (firing "new") when missing. */
Stream *stream_lookup_create(Client *c, const Arg *key, int *err);

/* Parses an ID argument the way Valkey's streamGenericParseIDOrReply
 * does: "-"/"+" (unless strict), "ms" (seq = missing_seq), "ms-seq", and
 * with seq_given non-NULL "ms-*" (sets *seq_given 0).  Replies "Invalid
 * stream ID specified as stream command argument" (when c is not NULL)
 * and returns 0 on failure. */
int stream_parse_id(Client *c, const Arg *a, StreamId *id, uint64_t missing_seq, int strict, int *seq_given);
/* A range bound: "(" before an ID makes it exclusive (strict then). */
int stream_parse_range_id(Client *c, const Arg *a, StreamId *id, int *exclude, uint64_t missing_seq);

/* Appends one entry (ID and field/value array) of the iterator, as
 * XRANGE shows it. */
void stream_reply_entry(Client *c, SsIter *it);
/* Replies the iterator's entries, up to count (0: all), as one array;
 * returns how many. */
uint64_t stream_reply_range(Client *c, SsIter *it, uint64_t count);
void reply_stream_id(Client *c, StreamId id);
/* Replies with the live entry id as [id, [field, value...]] and returns
 * 1, or returns 0 (nothing replied) when there is none. */
int stream_reply_one(Client *c, const Stream *s, StreamId id);

/* Valkey's addReplySubcommandSyntaxError. */
void stream_reply_subcommand_syntax(Client *c);

/* Write effects.  Valkey signals a modified key (WATCH, tracking,
 * waiters) only for XADD/XDEL/XTRIM and stream creation; group commands
 * only count a change and fire their event (NULL: none). */
void stream_changed(Client *c, const Arg *key, const char *event, long long changes);
void stream_dirty(Client *c, const Arg *key, const char *event, long long changes);

/* Propagates one command built by the caller (an extra command of the
 * open unit, like Valkey's alsoPropagate). */
void stream_propagate(Client *c, int argc, const Arg *argv);
/* XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID
 * last: how a delivery or claim replays (idtext: the ID as the user
 * wrote it, or NULL to write id). */
void stream_propagate_xclaim(Client *c, const Arg *key, const Arg *group, StreamId id, const Arg *idtext,
                             const StreamNack *nack, StreamId last_id);
/* XGROUP SETID key group last ENTRIESREAD n. */
void stream_propagate_setid(Client *c, const Arg *key, const Arg *group, const StreamGroup *g);
/* XGROUP CREATECONSUMER key group consumer. */
void stream_propagate_createconsumer(Client *c, const Arg *key, const Arg *group, const StreamConsumer *cons);

/* Where blocking is not allowed (MULTI, scripts) a command that would
 * block answers as if it timed out. */
#define STREAM_NO_BLOCKING (CLIENT_MULTI | CLIENT_SCRIPT)

#endif
