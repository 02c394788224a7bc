/* streamstore.h - the entries of a stream: nodes of delta-encoded
 * entries, indexed by their master ID in an idtree, with the bookkeeping
 * Valkey keeps next to them (length, last/first/max-deleted IDs, entries
 * added).  Consumer groups live above this (src/types/stream.c).
 *
 * A node is what Valkey keeps in one listpack of its radix tree, in a
 * denser form of our own (one allocation, header then bytes):
 *   master fields:  varint count, then that many elements
 *   entries:        header byte, ID, [varint nfields, fields], values
 * The header byte holds Valkey's entry flags in bits 0-1 (SS_DELETED,
 * SS_SAMEFIELDS: the entry's fields are the master fields, only values
 * follow) and in bits 2-7 how the ID follows from the previous entry's
 * (the first entry's ID is the master ID itself):
 *   0       same ms, seq + 1
 *   1..61   ms + that, seq 0
 *   62      varint ms delta, then varint seq (ms delta > 0) or varint
 *           seq - previous seq - 1 (ms delta 0)
 * An element is a string or an integer (a string that is the canonical
 * text of an int64, Valkey's listpack rule): a byte 0..127 is that
 * integer; 0x80+len a string of up to 63 bytes; 0xC0+n (n = 1..8) a
 * non-negative integer in n little-endian bytes; 0xC8+n a negative one
 * (-1 - value); 0xD1 a varint length then the bytes.  A reading of
 * "temp 215" costs 3 bytes where Valkey's listpack takes about 12.
 *
 * Node boundaries follow Valkey exactly, so XINFO's node count, `~`
 * trimming (whole nodes only) and the RDB's listpacks match: every node
 * tracks the byte size its Valkey listpack would have (vk_fixed plus the
 * two counters), and a new node starts when that size plus the new
 * entry's field and value bytes reaches stream-node-max-bytes, or when
 * the node holds stream-node-max-entries entries (live or deleted).
 *
 * Invariants (ss_check): IDs strictly increase through the nodes; a
 * node's first entry has the master ID; live + deleted is the number of
 * entries and live is the number without SS_DELETED; vk_fixed matches
 * the entries; the lengths add up to `length`; first_id is the first
 * live entry's ID, or 0-0 when there is none; last_id >= every entry.
 * A node with no live entries exists only where Valkey keeps one (an
 * exact MINID trim that flagged the rest of a node already holding
 * deleted entries). */
#ifndef DS_STREAMSTORE_H
#define DS_STREAMSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "idtree.h"
#include "streamid.h"

#define SS_DELETED 1
#define SS_SAMEFIELDS 2

/* Valkey's cap on a stream listpack, whatever stream-node-max-bytes says. */
#define SS_LISTPACK_MAX ((size_t)1 << 30)

typedef struct SsNode {
    uint32_t used;       /* bytes of data in use */
    uint32_t cap;        /* bytes data can hold */
    uint32_t live;       /* entries without SS_DELETED */
    uint32_t deleted;    /* entries with it */
    uint32_t vk_fixed;   /* Valkey listpack bytes but header, end and the two counters */
    uint32_t first_off;  /* offset of the first entry (after the master fields) */
    uint32_t nmaster;    /* master field count */
    unsigned char data[];
} SsNode;

typedef struct StreamStore {
    IdTree index;            /* master ID -> SsNode * */
    uint64_t length;         /* live entries */
    uint64_t entries_added;  /* entries ever added (XADD, or XSETID's ENTRIESADDED) */
    StreamId last_id;        /* the last ID generated or set */
    StreamId first_id;       /* the first live entry, 0-0 when none */
    StreamId max_deleted_id; /* the largest ID XDEL removed */
    /* The tail node's last entry (for delta-encoding the next append,
     * and the last ID without a walk): its ID and where its header byte
     * is; valid while tail_node is the index's last node. */
    const SsNode *tail_node;
    StreamId tail_last;
    uint32_t tail_last_off;
} StreamStore;

/* A string argument (field or value to append). */
typedef struct SsStr {
    const char *p;
    size_t len;
} SsStr;

/* An element read back: an integer (is_int, ival) or bytes (p, len). */
typedef struct SsVal {
    const unsigned char *p;
    size_t len;
    int64_t ival;
    int is_int;
} SsVal;

/* Room for an integer element's text (the longest int64, NUL included). */
#define SS_INTBUF 21

void ss_init(StreamStore *s);
/* Frees every node (the StreamStore itself is the caller's). */
void ss_free(StreamStore *s);
/* A deep copy into dst (uninitialised before). */
void ss_dup(StreamStore *dst, const StreamStore *src);
static inline uint64_t ss_nodes(const StreamStore *s) { return idt_count(&s->index); }
size_t ss_mem_usage(const StreamStore *s);

/* Appends an entry of nf field/value pairs (fv[0] field, fv[1] value,
 * ...): id must be greater than every entry (the caller checked it
 * against last_id).  node_max_bytes 0 means Valkey's 1 GB cap;
 * node_max_entries 0 no limit.  Updates length, last_id, entries_added
 * and first_id like Valkey's streamAppendItem. */
void ss_append(StreamStore *s, StreamId id, const SsStr *fv, size_t nf, size_t node_max_bytes,
               uint64_t node_max_entries);

/* XDEL of one ID: flags the live entry id as deleted (freeing its node
 * when it was the node's last live entry), raises max_deleted_id to it
 * and moves first_id on when it was the first.  Returns 1 when there was
 * such an entry. */
int ss_delete(StreamStore *s, StreamId id);
/* 1 when id is a live entry. */
int ss_exists(const StreamStore *s, StreamId id);

enum { SS_TRIM_MAXLEN = 1, SS_TRIM_MINID = 2 };
/* Valkey's streamTrim: removes whole nodes from the head while allowed,
 * then (unless approx) flags entries inside the next node; limit > 0
 * caps the entries removed (whole nodes only).  Returns how many live
 * entries went; updates length and first_id. */
int64_t ss_trim(StreamStore *s, int strategy, uint64_t maxlen, StreamId minid, int approx, int64_t limit);

/* The first or last entry's ID (deleted ones too unless skip_deleted);
 * with none: the largest ID for first, 0-0 for last (Valkey's
 * streamGetEdgeID). */
StreamId ss_edge_id(const StreamStore *s, int first, int skip_deleted);

/* Iteration over [start, end] (NULL: open), forward or reverse, live
 * entries only unless with_deleted.  After ss_next returns 1, id, flags
 * and nfields describe the entry and ss_field reads its pairs in order
 * (reading fewer is fine).  The store must not change meanwhile. */
typedef struct SsIter {
    const StreamStore *s;
    IdtIter it;
    const SsNode *node;           /* current node, NULL before the first */
    StreamId master;
    const unsigned char *p;       /* forward: the next entry */
    const unsigned char *end;     /* end of the node's bytes */
    StreamId prev;                /* forward: previous entry's ID in the node */
    int first_in_node;
    int rev, with_deleted, done;
    StreamId start, stop;
    /* reverse: the node's entries (offsets and IDs), walked backwards */
    uint32_t *roff;
    StreamId *rid;
    size_t rcap, rn, ri;
    /* the current entry */
    StreamId id;
    unsigned flags;
    uint64_t nfields;
    uint64_t left;                /* pairs not read yet */
    const unsigned char *fp;      /* next element of the entry */
    const unsigned char *mp;      /* next master field (SS_SAMEFIELDS) */
} SsIter;

void ss_iter_start(SsIter *it, const StreamStore *s, const StreamId *start, const StreamId *end, int rev);
int ss_next(SsIter *it);
void ss_field(SsIter *it, SsVal *field, SsVal *value);
void ss_iter_stop(SsIter *it);
static inline void ss_iter_with_deleted(SsIter *it) { it->with_deleted = 1; }

/* The element as text: its bytes, or an integer written into buf. */
const char *ss_val_str(const SsVal *v, char buf[SS_INTBUF], size_t *len);

/* ---------------------------------------------------- Valkey's listpacks
 * What the RDB and DUMP code calls: Valkey stores a stream as its nodes'
 * listpacks (master entry, delta-encoded IDs, the layout in t_stream.c)
 * keyed by the master ID, then the metadata above. */

/* The Valkey listpack of a node (lp_free it); its size is ss_node_vk_bytes. */
unsigned char *ss_node_to_listpack(const SsNode *n, StreamId master);
/* The same written into lp, which has room for ss_node_vk_bytes(n) bytes:
 * returns that size (no allocation: a saver reuses one buffer). */
size_t ss_node_write_listpack(const SsNode *n, StreamId master, unsigned char *lp);
size_t ss_node_vk_bytes(const SsNode *n);
/* Adds a node read from an RDB/DUMP: master ID and listpack (size bytes,
 * not trusted).  Its IDs must be greater than every entry already held.
 * Counts length; the caller sets last_id and the other metadata
 * afterwards.  Returns 0 (nothing added) when the bytes are not a valid
 * stream listpack; deep validates every entry. */
int ss_add_listpack(StreamStore *s, StreamId master, const unsigned char *lp, size_t size);

/* NULL, or what is wrong (O(n)). */
const char *ss_check(const StreamStore *s);

#endif
