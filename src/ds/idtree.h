/* idtree.h - an ordered index of stream IDs (128-bit keys, ms then seq),
 * each with a fixed-size value stored inline: a B+tree.  Streams use one
 * to find their entry nodes by master ID (value: the node pointer), and
 * consumer groups one per pending entries list (the group's holds each
 * entry's delivery data inline; a consumer's holds the IDs alone).
 *
 * Layout: a leaf is one allocation holding its items side by side, each
 * item the two key words then the value words; it starts small and grows
 * up to IDT_LEAF_BYTES, so a tree of one item costs one small block.
 * Inner nodes hold up to IDT_INNER_MAX children and the separator keys
 * between them.  Appending past the last item of a full leaf starts a new
 * leaf instead of halving (IDs mostly arrive in order), which keeps
 * leaves full.  Removing merges a leaf into a neighbour when both fit in
 * one, so leaves stay more than half full on average.
 *
 * Invariants (idt_check): every leaf is at the same depth; keys strictly
 * increase across leaves; separator i of an inner node is <= every key
 * of child i+1 and > every key of child i; a non-root node is not empty;
 * count is the number of items.  Value pointers handed out stay valid
 * until the next insert or remove; iterators likewise. */
#ifndef DS_IDTREE_H
#define DS_IDTREE_H

#include <stddef.h>
#include <stdint.h>

#include "streamid.h"

/* A leaf's allocation grows to at most this many bytes. */
#define IDT_LEAF_BYTES 512
/* Children of an inner node at most. */
#define IDT_INNER_MAX 20
/* Deep enough for any count with inner nodes at least half full. */
#define IDT_MAX_HEIGHT 32

typedef struct IdTree {
    void *root;          /* a leaf (height 1) or an inner node; NULL when empty */
    uint64_t count;      /* items */
    uint64_t nodes;      /* leaves and inner nodes */
    uint16_t vwords;     /* value size in 8-byte words */
    uint16_t leaf_max;   /* items a leaf holds at most */
    uint16_t height;     /* 0 when empty */
    uint16_t pad;
} IdTree;

/* An empty tree whose values are vsize bytes (rounded up to 8). */
void idt_init(IdTree *t, size_t vsize);
/* Frees every node; the tree is empty afterwards. */
void idt_clear(IdTree *t);
static inline uint64_t idt_count(const IdTree *t) { return t->count; }

/* The value of id, or NULL.  Values are 8-byte aligned. */
void *idt_find(const IdTree *t, StreamId id);
/* The value of id, inserting it (value zeroed) when absent; *existed
 * (may be NULL) tells which. */
void *idt_insert(IdTree *t, StreamId id, int *existed);
/* Removes id; copies its value to val_out (may be NULL) first.  Returns
 * 1 when it was there. */
int idt_remove(IdTree *t, StreamId id, void *val_out);

/* Bytes of every node, as the allocator counts them. */
size_t idt_mem_usage(const IdTree *t);
/* NULL, or what is wrong (O(n), for tests and checkers). */
const char *idt_check(const IdTree *t);

/* A cursor on one item.  Any insert or remove invalidates it; seek again
 * (by key) to go on. */
typedef struct IdtIter {
    const IdTree *t;
    void *path[IDT_MAX_HEIGHT];  /* inner nodes from the root */
    uint16_t pidx[IDT_MAX_HEIGHT];
    void *leaf;                  /* NULL when past either end */
    int idx;
} IdtIter;

void idt_seek_first(IdtIter *it, const IdTree *t);
void idt_seek_last(IdtIter *it, const IdTree *t);
/* The first item >= id / the last item <= id (or nothing). */
void idt_seek_ge(IdtIter *it, const IdTree *t, StreamId id);
void idt_seek_le(IdtIter *it, const IdTree *t, StreamId id);
static inline int idt_valid(const IdtIter *it) { return it->leaf != NULL; }
StreamId idt_key(const IdtIter *it);
void *idt_val(const IdtIter *it);
void idt_next(IdtIter *it);
void idt_prev(IdtIter *it);

/* Shorthands for the two ends; return 0 when the tree is empty. */
int idt_first(const IdTree *t, StreamId *id, void **val);
int idt_last(const IdTree *t, StreamId *id, void **val);

#endif
