/* test_idtree.c - unit tests for src/ds/idtree (the B+tree of stream IDs
 * behind streams' node index and consumer groups' pending lists).
 *
 * The heart is a randomized model test: a sorted array of (id, value) is
 * the reference, and thousands of seeded rounds of inserts (random,
 * clustered, in order, in reverse), removals (present and absent, from
 * the head, in runs), lookups, seeks (>= and <=) followed by walks in
 * both directions, and full walks must agree with it, with idt_check run
 * throughout.  Value sizes 0, 8, 24 and a wide one (a leaf of 4 items)
 * exercise every leaf capacity; IDs near 0 and near 2^64-1 exercise the
 * ends of the key space.  Other tests pin the density the memory targets
 * rely on (appends fill leaves; removing every other item keeps them at
 * least about half full) and the behaviour of an empty tree. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ds/alloc.h"
#include "ds/idtree.h"
#include "unit.h"

typedef struct Ref {
    StreamId id;
    uint64_t v[16];
} Ref;

static Ref *ref;
static size_t ref_n, ref_cap;
static size_t vwords;

static size_t ref_lower(StreamId id) {
    size_t lo = 0, hi = ref_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sid_cmp(ref[mid].id, id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void fill_value(uint64_t *v, StreamId id, uint64_t salt) {
    for (size_t i = 0; i < vwords; i++) v[i] = id.ms * 31 + id.seq * 7 + i + salt;
}

static StreamId random_id(int mode, uint64_t counter) {
    /* Each draw in its own statement: the seed alone fixes the order. */
    uint64_t a, b;
    switch (mode) {
    case 0: a = unit_rand_below(50); b = unit_rand_below(50); return sid_make(a, b);
    case 1: a = unit_rand64(); b = unit_rand64(); return sid_make(a, b);
    case 2: return sid_make(1000 + counter / 7, counter % 7);
    case 3: a = UINT64_MAX - unit_rand_below(20); b = UINT64_MAX - unit_rand_below(20); return sid_make(a, b);
    default: a = unit_rand_below(3); b = unit_rand64(); return sid_make(a, b);
    }
}

static int check_tree(IdTree *t) {
    const char *err = idt_check(t);
    if (!CHECK(err == NULL)) {
        printf("    idt_check: %s\n", err);
        return 0;
    }
    return CHECK_EQ_UINT(ref_n, idt_count(t));
}

static void do_insert(IdTree *t, StreamId id, uint64_t salt) {
    int existed;
    uint64_t *v = idt_insert(t, id, &existed);
    size_t pos = ref_lower(id);
    int ref_has = pos < ref_n && sid_cmp(ref[pos].id, id) == 0;
    CHECK_EQ_INT(ref_has, existed);
    if (!existed) {
        for (size_t i = 0; i < vwords; i++) CHECK_EQ_UINT(0, v[i]);
        if (ref_n == ref_cap) {
            ref_cap = ref_cap ? ref_cap * 2 : 64;
            ref = realloc(ref, sizeof(Ref) * ref_cap);
        }
        memmove(&ref[pos + 1], &ref[pos], sizeof(Ref) * (ref_n - pos));
        ref_n++;
        ref[pos].id = id;
    }
    fill_value(v, id, salt);
    fill_value(ref[pos].v, id, salt);
}

static void do_remove(IdTree *t, StreamId id) {
    uint64_t out[16] = {0};
    int removed = idt_remove(t, id, out);
    size_t pos = ref_lower(id);
    int ref_has = pos < ref_n && sid_cmp(ref[pos].id, id) == 0;
    CHECK_EQ_INT(ref_has, removed);
    if (ref_has) {
        if (vwords) CHECK(memcmp(out, ref[pos].v, vwords * 8) == 0);
        memmove(&ref[pos], &ref[pos + 1], sizeof(Ref) * (ref_n - pos - 1));
        ref_n--;
    }
}

/* Walks up to steps items from the iterator in one direction, comparing
 * with the model from position pos (SIZE_MAX: nothing expected). */
static void walk_compare(IdtIter *it, size_t pos, int forward, int steps) {
    for (int s = 0; s < steps; s++) {
        if (pos == SIZE_MAX) {
            CHECK(!idt_valid(it));
            return;
        }
        if (!CHECK(idt_valid(it))) return;
        StreamId k = idt_key(it);
        CHECK_EQ_UINT(ref[pos].id.ms, k.ms);
        CHECK_EQ_UINT(ref[pos].id.seq, k.seq);
        if (vwords) CHECK(memcmp(idt_val(it), ref[pos].v, vwords * 8) == 0);
        if (forward) {
            idt_next(it);
            pos = pos + 1 < ref_n ? pos + 1 : SIZE_MAX;
        } else {
            idt_prev(it);
            pos = pos == 0 ? SIZE_MAX : pos - 1;
        }
    }
}

static void full_walks(IdTree *t) {
    IdtIter it;
    idt_seek_first(&it, t);
    walk_compare(&it, ref_n ? 0 : SIZE_MAX, 1, (int)ref_n + 1);
    idt_seek_last(&it, t);
    walk_compare(&it, ref_n ? ref_n - 1 : SIZE_MAX, 0, (int)ref_n + 1);
}

static void model_round(size_t vsize, uint64_t seed, int ops) {
    unit_srand(seed);
    vwords = (vsize + 7) / 8;
    ref_n = 0;
    IdTree t;
    idt_init(&t, vsize);
    uint64_t counter = 0;
    int mode = (int)unit_rand_below(5);
    for (int op = 0; op < ops; op++) {
        if (unit_rand_below(200) == 0) mode = (int)unit_rand_below(5);
        int what = (int)unit_rand_below(100);
        if (what < 45) {
            StreamId id = random_id(mode, counter++);
            do_insert(&t, id, unit_rand64());
        } else if (what < 50) {
            /* A run of in-order appends past the current last key. */
            StreamId last = ref_n ? ref[ref_n - 1].id : sid_make(5, 0);
            int n = (int)unit_rand_below(40);
            for (int i = 0; i < n; i++) {
                if (!sid_incr(&last)) break;
                do_insert(&t, last, i);
            }
        } else if (what < 52) {
            /* A run of inserts in reverse order below the first key. */
            StreamId first = ref_n ? ref[0].id : sid_make(100, 0);
            int n = (int)unit_rand_below(30);
            for (int i = 0; i < n; i++) {
                if (!sid_decr(&first)) break;
                do_insert(&t, first, i);
            }
        } else if (what < 75) {
            if (ref_n && unit_rand_below(4)) do_remove(&t, ref[unit_rand_below(ref_n)].id);
            else do_remove(&t, random_id(mode, counter));
        } else if (what < 78) {
            /* Remove a run from the head (as trimming and acking do). */
            size_t n = unit_rand_below(50);
            while (n-- && ref_n) do_remove(&t, ref[0].id);
        } else if (what < 80) {
            /* Remove every other item of a stretch. */
            if (ref_n) {
                size_t start = unit_rand_below(ref_n);
                for (size_t i = start; i < ref_n && i < start + 60; i++) do_remove(&t, ref[i].id);
            }
        } else if (what < 88) {
            StreamId id = ref_n && unit_rand_below(2) ? ref[unit_rand_below(ref_n)].id : random_id(mode, counter);
            uint64_t *v = idt_find(&t, id);
            size_t pos = ref_lower(id);
            int ref_has = pos < ref_n && sid_cmp(ref[pos].id, id) == 0;
            CHECK_EQ_INT(ref_has, v != NULL);
            if (v && ref_has && vwords) CHECK(memcmp(v, ref[pos].v, vwords * 8) == 0);
        } else if (what < 94) {
            StreamId id = random_id(mode, counter);
            if (ref_n && unit_rand_below(2)) id = ref[unit_rand_below(ref_n)].id;
            IdtIter it;
            size_t pos = ref_lower(id);
            int forward = (int)unit_rand_below(2);
            idt_seek_ge(&it, &t, id);
            walk_compare(&it, pos < ref_n ? pos : SIZE_MAX, forward, 12);
        } else if (what < 99) {
            StreamId id = random_id(mode, counter);
            if (ref_n && unit_rand_below(2)) id = ref[unit_rand_below(ref_n)].id;
            IdtIter it;
            size_t pos = ref_lower(id);
            size_t le;
            if (pos < ref_n && sid_cmp(ref[pos].id, id) == 0) le = pos;
            else le = pos == 0 ? SIZE_MAX : pos - 1;
            int forward = (int)unit_rand_below(2);
            idt_seek_le(&it, &t, id);
            walk_compare(&it, le, forward, 12);
        } else {
            full_walks(&t);
        }
        if (op % 97 == 0 && !check_tree(&t)) break;
    }
    check_tree(&t);
    full_walks(&t);
    StreamId id;
    if (ref_n) {
        CHECK(idt_first(&t, &id, NULL) && sid_cmp(id, ref[0].id) == 0);
        CHECK(idt_last(&t, &id, NULL) && sid_cmp(id, ref[ref_n - 1].id) == 0);
    }
    /* Empty it completely in random order, checking on the way. */
    while (ref_n) {
        do_remove(&t, ref[unit_rand_below(ref_n)].id);
        if (ref_n % 53 == 0 && !check_tree(&t)) break;
    }
    check_tree(&t);
    CHECK(t.root == NULL && t.nodes == 0 && t.height == 0);
    idt_clear(&t);
}

static void test_model(void) {
    static const size_t vsizes[] = {0, 8, 24, 100};
    size_t before = mem_used();
    for (uint64_t seed = 1; seed <= 2400; seed++) {
        int ops = seed % 50 == 0 ? 6000 : 400;
        model_round(vsizes[seed % 4], seed, ops);
    }
    CHECK_EQ_UINT(before, mem_used());
    free(ref);
    ref = NULL;
    ref_cap = ref_n = 0;
}

static void test_empty(void) {
    IdTree t;
    idt_init(&t, 24);
    CHECK(idt_find(&t, sid_make(1, 1)) == NULL);
    CHECK_EQ_INT(0, idt_remove(&t, sid_make(1, 1), NULL));
    IdtIter it;
    idt_seek_first(&it, &t);
    CHECK(!idt_valid(&it));
    idt_seek_ge(&it, &t, sid_make(0, 0));
    CHECK(!idt_valid(&it));
    idt_seek_le(&it, &t, sid_max());
    CHECK(!idt_valid(&it));
    CHECK(!idt_first(&t, NULL, NULL));
    CHECK(!idt_last(&t, NULL, NULL));
    CHECK_EQ_UINT(0, idt_mem_usage(&t));
    CHECK(idt_check(&t) == NULL);
    /* One item costs one small block. */
    idt_insert(&t, sid_make(7, 7), NULL);
    CHECK(idt_mem_usage(&t) <= 64);
    idt_clear(&t);
    CHECK(idt_check(&t) == NULL);
}

/* In-order appends leave leaves full: the pending lists of a consumer
 * group that read everything cost little more than their items. */
static void test_density(void) {
    IdTree t;
    idt_init(&t, 24);
    const uint64_t n = 500000;
    for (uint64_t i = 0; i < n; i++) idt_insert(&t, sid_make(1700000000000ULL + i / 300, i % 300), NULL);
    CHECK(idt_check(&t) == NULL);
    double per = (double)idt_mem_usage(&t) / (double)n;
    CHECK(per < 46.0);
    /* Removing every other item keeps leaves about half full or more. */
    for (uint64_t i = 0; i < n; i += 2) idt_remove(&t, sid_make(1700000000000ULL + i / 300, i % 300), NULL);
    CHECK(idt_check(&t) == NULL);
    per = (double)idt_mem_usage(&t) / (double)(n / 2);
    CHECK(per < 90.0);
    /* Removing the older half entirely frees their leaves. */
    for (uint64_t i = 1; i < n / 2; i += 2) idt_remove(&t, sid_make(1700000000000ULL + i / 300, i % 300), NULL);
    CHECK(idt_check(&t) == NULL);
    per = (double)idt_mem_usage(&t) / (double)idt_count(&t);
    CHECK(per < 90.0);
    idt_clear(&t);

    IdTree s;
    idt_init(&s, 0);
    for (uint64_t i = 0; i < n; i++) idt_insert(&s, sid_make(5, i), NULL);
    per = (double)idt_mem_usage(&s) / (double)n;
    CHECK(per < 18.0);
    idt_clear(&s);
}

int main(void) {
    UNIT_RUN(test_empty);
    UNIT_RUN(test_model);
    UNIT_RUN(test_density);
    return unit_finish();
}
