/* stream.c - the stream value (entries plus consumer groups), what the
 * stream commands share (lookups, ID parsing, entry replies, write
 * effects, propagation of group state) and the TypeOps.
 *
 * See stream.h for the layout of groups, consumers and pending entries,
 * and src/ds/streamstore.h for the entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../ds/listpack.h"
#include "../server/db.h"
#include "../server/propagate.h"
#include "../server/rdb_io.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/siphash/siphash.h"
#include "stream.h"
#include "types.h"

/* ------------------------------------------------------ groups by name */

static uint64_t name_hash(const char *p, size_t len) {
    return siphash13(p, len, server.hash_seed);
}

static void group_key(const void *e, const char **k, size_t *len) {
    const StreamGroup *g = e;
    *k = g->name;
    *len = g->nlen;
}

static void consumer_key(const void *e, const char **k, size_t *len) {
    const StreamConsumer *c = e;
    *k = c->name;
    *len = c->nlen;
}

static const HtType group_httype = {
    .hash = name_hash,
    .key_eq = NULL,
    .entry_key = group_key,
    .next_offset = offsetof(StreamGroup, ht_next),
};

static const HtType consumer_httype = {
    .hash = name_hash,
    .key_eq = NULL,
    .entry_key = consumer_key,
    .next_offset = offsetof(StreamConsumer, ht_next),
};

Stream *stream_new(void) {
    Stream *s = mem_alloc(sizeof(Stream));
    ss_init(&s->st);
    s->groups = NULL;
    return s;
}

static void consumer_free(void *e) {
    StreamConsumer *c = e;
    idt_clear(&c->pel);
    mem_free(c);
}

static void group_free(void *e) {
    StreamGroup *g = e;
    if (g->consumers) ht_release(g->consumers, consumer_free);
    idt_clear(&g->pel);
    mem_free(g);
}

void stream_free(Stream *s) {
    ss_free(&s->st);
    if (s->groups) ht_release(s->groups, group_free);
    mem_free(s);
}

StreamGroup *stream_group_lookup(const Stream *s, const char *name, size_t len) {
    return s->groups ? ht_find(s->groups, name, len) : NULL;
}

StreamGroup *stream_group_create(Stream *s, const char *name, size_t len, StreamId last_id, int64_t entries_read) {
    if (!s->groups) s->groups = ht_create(&group_httype);
    else if (ht_find(s->groups, name, len)) return NULL;
    StreamGroup *g = mem_alloc(sizeof(StreamGroup) + len);
    g->ht_next = NULL;
    idt_init(&g->pel, sizeof(StreamNack));
    g->consumers = NULL;
    g->last_id = last_id;
    g->entries_read = entries_read;
    g->nlen = len;
    memcpy(g->name, name, len);
    ht_add(s->groups, g);
    return g;
}

void stream_group_destroy(Stream *s, StreamGroup *g) {
    ht_remove(s->groups, g->name, g->nlen);
    group_free(g);
}

uint64_t stream_group_count(const Stream *s) {
    return s->groups ? ht_count(s->groups) : 0;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

static int group_cmp(const void *a, const void *b) {
    const StreamGroup *x = *(StreamGroup *const *)a, *y = *(StreamGroup *const *)b;
    return name_cmp(x->name, x->nlen, y->name, y->nlen);
}

static int consumer_cmp(const void *a, const void *b) {
    const StreamConsumer *x = *(StreamConsumer *const *)a, *y = *(StreamConsumer *const *)b;
    return name_cmp(x->name, x->nlen, y->name, y->nlen);
}

/* Every entry of a table, sorted by cmp. */
static void **table_sorted(Htable *ht, size_t *n, int (*cmp)(const void *, const void *)) {
    *n = ht ? (size_t)ht_count(ht) : 0;
    void **arr = mem_alloc(sizeof(void *) * (*n ? *n : 1));
    if (!*n) return arr;
    size_t k = 0;
    HtIter it;
    ht_iter_init(&it, ht);
    void *e;
    while ((e = ht_iter_next(&it))) arr[k++] = e;
    ht_iter_done(&it);
    qsort(arr, k, sizeof(void *), cmp);
    return arr;
}

StreamGroup **stream_groups_sorted(const Stream *s, size_t *n) {
    return (StreamGroup **)table_sorted(s->groups, n, group_cmp);
}

StreamConsumer *stream_consumer_lookup(const StreamGroup *g, const char *name, size_t len) {
    return g->consumers ? ht_find(g->consumers, name, len) : NULL;
}

StreamConsumer *stream_consumer_create(StreamGroup *g, const char *name, size_t len, int64_t now) {
    if (!g->consumers) g->consumers = ht_create(&consumer_httype);
    else if (ht_find(g->consumers, name, len)) return NULL;
    StreamConsumer *c = mem_alloc(sizeof(StreamConsumer) + len);
    c->ht_next = NULL;
    idt_init(&c->pel, 0);
    c->seen_time = now;
    c->active_time = -1;
    c->nlen = len;
    memcpy(c->name, name, len);
    ht_add(g->consumers, c);
    return c;
}

uint64_t stream_consumer_delete(StreamGroup *g, StreamConsumer *c) {
    uint64_t pending = idt_count(&c->pel);
    IdtIter it;
    for (idt_seek_first(&it, &c->pel); idt_valid(&it); idt_next(&it)) idt_remove(&g->pel, idt_key(&it), NULL);
    ht_remove(g->consumers, c->name, c->nlen);
    consumer_free(c);
    return pending;
}

uint64_t stream_consumer_count(const StreamGroup *g) {
    return g->consumers ? ht_count(g->consumers) : 0;
}

StreamConsumer **stream_consumers_sorted(const StreamGroup *g, size_t *n) {
    return (StreamConsumer **)table_sorted(g->consumers, n, consumer_cmp);
}

StreamNack *stream_nack_find(const StreamGroup *g, StreamId id) {
    return idt_find(&g->pel, id);
}

StreamNack *stream_nack_insert(StreamGroup *g, StreamId id) {
    return idt_insert(&g->pel, id, NULL);
}

void stream_nack_assign(StreamGroup *g, StreamNack *nack, StreamId id, StreamConsumer *to) {
    (void)g;
    if (nack->consumer == to) return;
    if (nack->consumer) idt_remove(&nack->consumer->pel, id, NULL);
    idt_insert(&to->pel, id, NULL);
    nack->consumer = to;
}

int stream_nack_remove(StreamGroup *g, StreamId id) {
    StreamNack nack;
    if (!idt_remove(&g->pel, id, &nack)) return 0;
    if (nack.consumer) idt_remove(&nack.consumer->pel, id, NULL);
    return 1;
}

/* -------------------------------------------------------------- lag */

int stream_range_has_tombstones(const Stream *s, const StreamId *start, const StreamId *end) {
    const StreamStore *st = &s->st;
    if (!st->length || sid_is_zero(st->max_deleted_id)) return 0;
    if (sid_cmp(st->first_id, st->max_deleted_id) > 0) return 0;
    StreamId a = start ? *start : sid_make(0, 0), b = end ? *end : sid_max();
    return sid_cmp(a, st->max_deleted_id) <= 0 && sid_cmp(st->max_deleted_id, b) <= 0;
}

int64_t stream_estimate_distance(const Stream *s, StreamId id) {
    const StreamStore *st = &s->st;
    if (!st->entries_added) return 0;
    if (!st->length && sid_cmp(id, st->last_id) < 1) return (int64_t)st->entries_added;
    int cmp_last = sid_cmp(id, st->last_id);
    if (cmp_last == 0) return (int64_t)st->entries_added;
    if (cmp_last > 0) return STREAM_ENTRIES_READ_INVALID;
    int cmp_first = sid_cmp(id, st->first_id);
    if (sid_is_zero(st->max_deleted_id) || sid_cmp(st->max_deleted_id, st->first_id) < 0) {
        if (cmp_first < 0) return (int64_t)(st->entries_added - st->length);
        if (cmp_first == 0) return (int64_t)(st->entries_added - st->length + 1);
    }
    return STREAM_ENTRIES_READ_INVALID;
}

void stream_reply_lag(Client *c, const Stream *s, const StreamGroup *g) {
    const StreamStore *st = &s->st;
    if (!st->entries_added) {
        reply_int(c, 0);
        return;
    }
    if (g->entries_read != STREAM_ENTRIES_READ_INVALID && !stream_range_has_tombstones(s, &g->last_id, NULL)) {
        reply_int(c, (long long)st->entries_added - g->entries_read);
        return;
    }
    int64_t read = stream_estimate_distance(s, g->last_id);
    if (read != STREAM_ENTRIES_READ_INVALID) reply_int(c, (long long)st->entries_added - read);
    else reply_null(c);
}

/* ----------------------------------------------------------- checks */

const char *stream_check(const Stream *s) {
    const char *err = ss_check(&s->st);
    if (err) return err;
    if (!s->groups) return NULL;
    HtIter it;
    ht_iter_init(&it, s->groups);
    StreamGroup *g;
    while ((g = ht_iter_next(&it)) && !err) {
        if ((err = idt_check(&g->pel))) break;
        uint64_t owned = 0;
        if (g->consumers) {
            HtIter ci;
            ht_iter_init(&ci, g->consumers);
            StreamConsumer *c;
            while ((c = ht_iter_next(&ci)) && !err) {
                if ((err = idt_check(&c->pel))) break;
                IdtIter pi;
                for (idt_seek_first(&pi, &c->pel); idt_valid(&pi); idt_next(&pi)) {
                    StreamNack *n = idt_find(&g->pel, idt_key(&pi));
                    if (!n) {
                        err = "a consumer's pending ID is not in its group's PEL";
                        break;
                    }
                    if (n->consumer != c) {
                        err = "a pending entry's owner does not list it";
                        break;
                    }
                }
                owned += idt_count(&c->pel);
            }
            ht_iter_done(&ci);
        }
        if (!err && owned != idt_count(&g->pel)) err = "group PEL entries without an owner";
    }
    ht_iter_done(&it);
    return err;
}

/* ---------------------------------------------------------- lookups */

int stream_lookup(Client *c, const Arg *key, int flags, Stream **s) {
    Kv *kv = db_lookup(c, c->db, key, flags);
    *s = NULL;
    if (!kv) return 1;
    if (kv_type(kv) != OBJ_STREAM) {
        reply_wrong_type(c);
        return 0;
    }
    *s = kv_get_ptr(kv);
    return 1;
}

Stream *stream_lookup_create(Client *c, const Arg *key, int *err) {
    *err = 0;
    Kv *kv = db_lookup(c, c->db, key, LOOKUP_WRITE);
    if (kv) {
        if (kv_type(kv) != OBJ_STREAM) {
            reply_wrong_type(c);
            *err = 1;
            return NULL;
        }
        return kv_get_ptr(kv);
    }
    Stream *s = stream_new();
    db_store(c->db, key, NULL, kv_new_ptr(key->p, key->len, OBJ_STREAM, ENC_STREAM, s), 0);
    return s;
}

/* ------------------------------------------------------------- IDs */

/* Valkey's string2ull: a canonical long long that is not negative, or
 * else whatever strtoull reads completely (spaces, '+', leading zeros
 * and a '-' that wraps around are all accepted there). */
static int id_part(const char *s, uint64_t *out) {
    size_t len = strlen(s);
    long long ll;
    if (str_to_ll(s, len, &ll)) {
        if (ll < 0) return 0;
        *out = (uint64_t)ll;
        return 1;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || !(*s != '\0' && *end == '\0')) return 0;
    *out = (uint64_t)v;
    return 1;
}

int stream_parse_id(Client *c, const Arg *a, StreamId *id, uint64_t missing_seq, int strict, int *seq_given) {
    char buf[128];
    if (a->len > sizeof(buf) - 1) goto invalid;
    memcpy(buf, a->p, a->len);
    buf[a->len] = '\0';
    /* Like Valkey, the text ends at the first NUL. */
    if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') goto invalid;
    if (seq_given) *seq_given = 1;
    if (buf[0] == '-' && buf[1] == '\0') {
        *id = sid_make(0, 0);
        return 1;
    }
    if (buf[0] == '+' && buf[1] == '\0') {
        *id = sid_max();
        return 1;
    }
    uint64_t ms, seq;
    char *dash = strchr(buf, '-');
    if (dash) *dash = '\0';
    if (!id_part(buf, &ms)) goto invalid;
    if (dash) {
        if (seq_given && dash[1] == '*' && dash[2] == '\0') {
            seq = 0;
            *seq_given = 0;
        } else if (!id_part(dash + 1, &seq)) {
            goto invalid;
        }
    } else {
        seq = missing_seq;
    }
    id->ms = ms;
    id->seq = seq;
    return 1;
invalid:
    if (c) reply_error(c, "Invalid stream ID specified as stream command argument");
    return 0;
}

int stream_parse_range_id(Client *c, const Arg *a, StreamId *id, int *exclude, uint64_t missing_seq) {
    *exclude = a->len > 1 && a->p[0] == '(';
    if (*exclude) {
        Arg rest = {a->p + 1, a->len - 1};
        return stream_parse_id(c, &rest, id, missing_seq, 1, NULL);
    }
    return stream_parse_id(c, a, id, missing_seq, 0, NULL);
}

void reply_stream_id(Client *c, StreamId id) {
    char buf[SID_TEXT_MAX];
    reply_bulk(c, buf, sid_format(buf, id));
}

/* ---------------------------------------------------- entry replies */

/* Entries are written as RESP into a stack buffer and handed to the
 * reply in large pieces: most fields and values are a few bytes. */
#define EB_SIZE 2048
#define EB_BIG 256

typedef struct EntryBuf {
    size_t n;
    char b[EB_SIZE];
} EntryBuf;

static inline void eb_flush(Client *c, EntryBuf *eb) {
    if (eb->n) reply_raw(c, eb->b, eb->n);
    eb->n = 0;
}

static inline void eb_header(EntryBuf *eb, char prefix, uint64_t n) {
    char *p = eb->b + eb->n;
    *p++ = prefix;
    p += ull_to_str(p, (unsigned long long)n);
    *p++ = '\r';
    *p++ = '\n';
    eb->n = (size_t)(p - eb->b);
}

static inline void eb_val(Client *c, EntryBuf *eb, const SsVal *v) {
    if (v->is_int) {
        char num[SS_INTBUF];
        size_t len = ll_to_str(num, (long long)v->ival);
        if (eb->n + len + 32 > EB_SIZE) eb_flush(c, eb);
        eb_header(eb, '$', len);
        memcpy(eb->b + eb->n, num, len);
        eb->n += len;
    } else if (v->len > EB_BIG) {
        eb_flush(c, eb);
        reply_bulk(c, (const char *)v->p, v->len);
        return;
    } else {
        if (eb->n + v->len + 32 > EB_SIZE) eb_flush(c, eb);
        eb_header(eb, '$', v->len);
        if (v->len) memcpy(eb->b + eb->n, v->p, v->len);
        eb->n += v->len;
    }
    eb->b[eb->n++] = '\r';
    eb->b[eb->n++] = '\n';
}

static inline void eb_entry(Client *c, EntryBuf *eb, SsIter *it) {
    if (eb->n + 96 > EB_SIZE) eb_flush(c, eb);
    char id[SID_TEXT_MAX];
    size_t idlen = sid_format(id, it->id);
    memcpy(eb->b + eb->n, "*2\r\n", 4);
    eb->n += 4;
    eb_header(eb, '$', idlen);
    memcpy(eb->b + eb->n, id, idlen);
    eb->n += idlen;
    eb->b[eb->n++] = '\r';
    eb->b[eb->n++] = '\n';
    eb_header(eb, '*', 2 * it->nfields);
    uint64_t nf = it->nfields;
    for (uint64_t i = 0; i < nf; i++) {
        SsVal f, v;
        ss_field(it, &f, &v);
        eb_val(c, eb, &f);
        eb_val(c, eb, &v);
    }
}

void stream_reply_entry(Client *c, SsIter *it) {
    EntryBuf eb;
    eb.n = 0;
    eb_entry(c, &eb, it);
    eb_flush(c, &eb);
}

uint64_t stream_reply_range(Client *c, SsIter *it, uint64_t count) {
    ReplyDeferred d = reply_deferred_len(c);
    EntryBuf eb;
    eb.n = 0;
    uint64_t n = 0;
    while ((!count || n < count) && ss_next(it)) {
        eb_entry(c, &eb, it);
        n++;
    }
    eb_flush(c, &eb);
    reply_set_deferred_array_len(c, d, (long long)n);
    return n;
}

int stream_reply_one(Client *c, const Stream *s, StreamId id) {
    SsIter it;
    ss_iter_start(&it, &s->st, &id, &id, 0);
    int found = ss_next(&it);
    if (found) stream_reply_entry(c, &it);
    ss_iter_stop(&it);
    return found;
}

void stream_reply_subcommand_syntax(Client *c) {
    char cmd[64];
    size_t n = c->argv[0].len < sizeof(cmd) - 1 ? c->argv[0].len : sizeof(cmd) - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = c->argv[0].p[i];
        cmd[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
    }
    cmd[n] = '\0';
    const Arg *sub = &c->argv[1];
    reply_errorf(c, "unknown subcommand or wrong number of arguments for '%.*s'. Try %s HELP.",
                 (int)(sub->len < 128 ? sub->len : 128), sub->p, cmd);
}

/* ------------------------------------------------------ write effects */

void stream_changed(Client *c, const Arg *key, const char *event, long long changes) {
    key_changed_n(c, c->db, key->p, key->len, NOTIFY_STREAM, event, changes);
}

void stream_dirty(Client *c, const Arg *key, const char *event, long long changes) {
    server.dirty += (uint64_t)changes;
    if (event) key_event(c->db, key->p, key->len, NOTIFY_STREAM, event);
}

void stream_propagate(Client *c, int argc, const Arg *argv) {
    if (!server.prop.active) return;
    propagate_also(c->db->id, argc, argv);
}

void stream_propagate_xclaim(Client *c, const Arg *key, const Arg *group, StreamId id, const Arg *idtext,
                             const StreamNack *nack, StreamId last_id) {
    if (!server.prop.active) return;
    char idb[SID_TEXT_MAX], lastb[SID_TEXT_MAX], tb[NUMCONV_LL_BUF], cb[NUMCONV_LL_BUF];
    const StreamConsumer *cons = nack->consumer;
    Arg idarg = idtext ? *idtext : (Arg){idb, sid_format(idb, id)};
    Arg argv[14] = {
        {"XCLAIM", 6},
        *key,
        *group,
        {cons ? cons->name : "", cons ? cons->nlen : 0},
        {"0", 1},
        idarg,
        {"TIME", 4},
        {tb, ll_to_str(tb, nack->delivery_time)},
        {"RETRYCOUNT", 10},
        {cb, ll_to_str(cb, (long long)nack->delivery_count)},
        {"FORCE", 5},
        {"JUSTID", 6},
        {"LASTID", 6},
        {lastb, sid_format(lastb, last_id)},
    };
    propagate_also(c->db->id, 14, argv);
}

void stream_propagate_setid(Client *c, const Arg *key, const Arg *group, const StreamGroup *g) {
    if (!server.prop.active) return;
    char idb[SID_TEXT_MAX], nb[NUMCONV_LL_BUF];
    Arg argv[7] = {
        {"XGROUP", 6}, {"SETID", 5}, *key, *group, {idb, sid_format(idb, g->last_id)},
        {"ENTRIESREAD", 11}, {nb, ll_to_str(nb, g->entries_read)},
    };
    propagate_also(c->db->id, 7, argv);
}

void stream_propagate_createconsumer(Client *c, const Arg *key, const Arg *group, const StreamConsumer *cons) {
    if (!server.prop.active) return;
    Arg argv[5] = {{"XGROUP", 6}, {"CREATECONSUMER", 14}, *key, *group, {cons->name, cons->nlen}};
    propagate_also(c->db->id, 5, argv);
}

/* ---------------------------------------------------------------- RDB */

/* Stream IDs are written as 16 bytes, ms then seq, big-endian (the keys
 * of Valkey's radix trees). */
static void sid_to_be(StreamId id, unsigned char b[16]) {
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(id.ms >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(id.seq >> (56 - 8 * i));
    }
}

static StreamId sid_from_be(const unsigned char b[16]) {
    StreamId id = {0, 0};
    for (int i = 0; i < 8; i++) {
        id.ms = (id.ms << 8) | b[i];
        id.seq = (id.seq << 8) | b[8 + i];
    }
    return id;
}

static int rdb_save_id_pair(RdbWriter *w, StreamId id) {
    return w->len(w, id.ms) || w->len(w, id.seq) ? -1 : 0;
}

static int rdb_save_group(RdbWriter *w, const StreamGroup *g) {
    if (w->string(w, g->name, g->nlen) || rdb_save_id_pair(w, g->last_id) ||
        w->len(w, (uint64_t)g->entries_read) || w->len(w, idt_count(&g->pel)))
        return -1;
    IdtIter it;
    unsigned char raw[16];
    for (idt_seek_first(&it, &g->pel); idt_valid(&it); idt_next(&it)) {
        const StreamNack *n = idt_val(&it);
        sid_to_be(idt_key(&it), raw);
        if (w->raw(w, raw, 16) || w->ms(w, n->delivery_time) || w->len(w, n->delivery_count)) return -1;
    }
    size_t nc;
    StreamConsumer **cons = stream_consumers_sorted(g, &nc);
    int rc = w->len(w, nc);
    for (size_t i = 0; i < nc && rc == 0; i++) {
        const StreamConsumer *c = cons[i];
        rc = w->string(w, c->name, c->nlen) || w->ms(w, c->seen_time) || w->ms(w, c->active_time) ||
             w->len(w, idt_count(&c->pel));
        for (idt_seek_first(&it, &c->pel); rc == 0 && idt_valid(&it); idt_next(&it)) {
            sid_to_be(idt_key(&it), raw);
            rc = w->raw(w, raw, 16);
        }
    }
    mem_free(cons);
    return rc ? -1 : 0;
}

/* RDB_TYPE_STREAM_LISTPACKS_3: every node as (master ID, Valkey
 * listpack), the metadata, then the groups in name order with their PELs
 * and consumers. */
static int stream_rdb_save(RdbWriter *w, const void *ptr, int encoding) {
    (void)encoding;
    const Stream *s = ptr;
    const StreamStore *st = &s->st;
    if (w->type(w, RDB_TYPE_STREAM_LISTPACKS_3) || w->len(w, ss_nodes(st))) return -1;
    IdtIter it;
    /* One buffer for every node's listpack, grown to the largest. */
    unsigned char *lp = NULL;
    size_t cap = 0;
    for (idt_seek_first(&it, &st->index); idt_valid(&it); idt_next(&it)) {
        const SsNode *node;
        memcpy(&node, idt_val(&it), sizeof(node));
        StreamId master = idt_key(&it);
        unsigned char key[16];
        sid_to_be(master, key);
        size_t need = ss_node_vk_bytes(node);
        if (need > cap) {
            mem_free(lp);
            cap = need + need / 4;
            lp = mem_alloc(cap);
        }
        size_t size = ss_node_write_listpack(node, master, lp);
        int rc = w->string(w, key, 16);
        if (rc == 0) rc = w->string(w, lp, size);
        if (rc) {
            mem_free(lp);
            return -1;
        }
    }
    mem_free(lp);
    if (w->len(w, st->length) || rdb_save_id_pair(w, st->last_id) || rdb_save_id_pair(w, st->first_id) ||
        rdb_save_id_pair(w, st->max_deleted_id) || w->len(w, st->entries_added))
        return -1;
    size_t ng;
    StreamGroup **groups = s->groups ? stream_groups_sorted(s, &ng) : NULL;
    if (!groups) ng = 0;
    int rc = w->len(w, ng);
    for (size_t i = 0; i < ng && rc == 0; i++) rc = rdb_save_group(w, groups[i]);
    mem_free(groups);
    return rc;
}

static int rdb_load_id_pair(RdbReader *r, StreamId *id) {
    return r->len(r, &id->ms) && r->len(r, &id->seq);
}

/* A group's PEL and consumers (after its name and IDs). */
static int rdb_load_group_body(RdbReader *r, int rdb_type, StreamGroup *g) {
    uint64_t n;
    unsigned char raw[16];
    if (!r->count(r, &n)) return 0;
    for (uint64_t i = 0; i < n; i++) {
        int64_t when;
        uint64_t count;
        if (!r->raw(r, raw, 16) || !r->ms(r, &when) || !r->len(r, &count)) return 0;
        StreamId id = sid_from_be(raw);
        if (stream_nack_find(g, id)) return r->fail(r, "Duplicated global PEL entry loading stream consumer group");
        StreamNack *nack = stream_nack_insert(g, id);
        nack->delivery_time = when;
        nack->delivery_count = count;
        nack->consumer = NULL;
    }
    uint64_t nc;
    if (!r->count(r, &nc)) return 0;
    for (uint64_t i = 0; i < nc; i++) {
        const char *name;
        size_t nlen;
        int64_t seen, active;
        if (!r->string(r, &name, &nlen)) return 0;
        StreamConsumer *c = stream_consumer_create(g, name, nlen, 0);
        if (!c) return r->fail(r, "Duplicate stream consumer detected.");
        if (!r->ms(r, &seen)) return 0;
        active = seen;
        if (rdb_type >= RDB_TYPE_STREAM_LISTPACKS_3 && !r->ms(r, &active)) return 0;
        c->seen_time = seen;
        c->active_time = active;
        if (!r->count(r, &n)) return 0;
        for (uint64_t j = 0; j < n; j++) {
            if (!r->raw(r, raw, 16)) return 0;
            StreamId id = sid_from_be(raw);
            StreamNack *nack = stream_nack_find(g, id);
            if (!nack) return r->fail(r, "Consumer entry not found in group global PEL");
            if (nack->consumer) return r->fail(r, "Duplicated consumer PEL entry loading a stream consumer group");
            stream_nack_assign(g, nack, id, c);
        }
    }
    /* Every pending entry must have an owner (the PEL invariant). */
    uint64_t owned = 0;
    if (g->consumers) {
        HtIter hi;
        ht_iter_init(&hi, g->consumers);
        StreamConsumer *c;
        while ((c = ht_iter_next(&hi))) owned += idt_count(&c->pel);
        ht_iter_done(&hi);
    }
    if (owned != idt_count(&g->pel)) return r->fail(r, "Stream CG PEL entry without consumer");
    return 1;
}

/* RDB_TYPE_STREAM_LISTPACKS (v1), _2 (first/max-deleted IDs, entries
 * added, groups' entries read) and _3 (consumers' active time).  Nodes
 * are validated entry by entry as they are converted; the metadata must
 * agree with them. */
static void *stream_rdb_load(RdbReader *r, int rdb_type, int *enc) {
    if (rdb_type != RDB_TYPE_STREAM_LISTPACKS && rdb_type != RDB_TYPE_STREAM_LISTPACKS_2 &&
        rdb_type != RDB_TYPE_STREAM_LISTPACKS_3) {
        r->fail(r, "Unknown RDB encoding type for a stream");
        return NULL;
    }
    Stream *s = stream_new();
    StreamStore *st = &s->st;
    uint64_t nodes, length;
    if (!r->count(r, &nodes)) goto fail;
    for (uint64_t i = 0; i < nodes; i++) {
        const char *key;
        size_t klen;
        if (!r->string(r, &key, &klen)) goto fail;
        if (klen != 16) {
            r->fail(r, "Stream node key entry is not the size of a stream ID");
            goto fail;
        }
        StreamId master = sid_from_be((const unsigned char *)key);
        const char *lp;
        size_t size;
        /* A view is enough: ss_add_listpack validates every entry as it
         * converts them into a node of its own. */
        if (!r->string(r, &lp, &size)) goto fail;
        if (!ss_add_listpack(st, master, (const unsigned char *)lp, size)) {
            r->fail(r, "Stream listpack integrity check failed.");
            goto fail;
        }
    }
    StreamId last, first, maxdel = {0, 0};
    uint64_t added;
    if (!r->len(r, &length) || !rdb_load_id_pair(r, &last)) goto fail;
    if (rdb_type >= RDB_TYPE_STREAM_LISTPACKS_2) {
        if (!rdb_load_id_pair(r, &first) || !rdb_load_id_pair(r, &maxdel) || !r->len(r, &added)) goto fail;
    } else {
        added = length;
    }
    if (length != st->length) {
        r->fail(r, "Stream length inconsistent with its entries");
        goto fail;
    }
    if (added < length) {
        r->fail(r, "Stream entries added below its length");
        goto fail;
    }
    if (ss_nodes(st) && sid_cmp(last, ss_edge_id(st, 0, 0)) < 0) {
        r->fail(r, "Stream last ID below its last entry");
        goto fail;
    }
    st->last_id = last;
    st->max_deleted_id = maxdel;
    st->entries_added = added;
    st->first_id = st->length ? ss_edge_id(st, 1, 1) : sid_make(0, 0);
    uint64_t ng;
    if (!r->count(r, &ng)) goto fail;
    for (uint64_t i = 0; i < ng; i++) {
        const char *name;
        size_t nlen;
        StreamId gid;
        uint64_t read;
        if (!r->string(r, &name, &nlen)) goto fail;
        /* The name view dies with the next read: create the group first. */
        StreamGroup *g = stream_group_create(s, name, nlen, sid_make(0, 0), 0);
        if (!g) {
            r->fail(r, "Duplicated consumer group name");
            goto fail;
        }
        if (!rdb_load_id_pair(r, &gid)) goto fail;
        g->last_id = gid;
        if (rdb_type >= RDB_TYPE_STREAM_LISTPACKS_2) {
            if (!r->len(r, &read)) goto fail;
            g->entries_read = (int64_t)read;
        } else {
            g->entries_read = stream_estimate_distance(s, gid);
        }
        if (!rdb_load_group_body(r, rdb_type, g)) goto fail;
    }
    if (r->deep) {
        const char *err = stream_check(s);
        if (err) {
            r->fail(r, err);
            goto fail;
        }
    }
    *enc = ENC_STREAM;
    return s;
fail:
    stream_free(s);
    return NULL;
}

/* ------------------------------------------------------------ TypeOps */

static void stream_free_value(void *ptr, int encoding) {
    (void)encoding;
    stream_free(ptr);
}

static void *stream_dup(const void *ptr, int encoding) {
    (void)encoding;
    const Stream *src = ptr;
    Stream *s = mem_alloc(sizeof(Stream));
    ss_dup(&s->st, &src->st);
    s->groups = NULL;
    if (!src->groups) return s;
    size_t ng;
    StreamGroup **groups = stream_groups_sorted(src, &ng);
    for (size_t i = 0; i < ng; i++) {
        StreamGroup *sg = groups[i];
        StreamGroup *g = stream_group_create(s, sg->name, sg->nlen, sg->last_id, sg->entries_read);
        size_t nc;
        StreamConsumer **cons = stream_consumers_sorted(sg, &nc);
        for (size_t j = 0; j < nc; j++) {
            StreamConsumer *c = stream_consumer_create(g, cons[j]->name, cons[j]->nlen, cons[j]->seen_time);
            c->active_time = cons[j]->active_time;
        }
        mem_free(cons);
        IdtIter it;
        for (idt_seek_first(&it, &sg->pel); idt_valid(&it); idt_next(&it)) {
            const StreamNack *from = idt_val(&it);
            StreamId id = idt_key(&it);
            StreamNack *n = stream_nack_insert(g, id);
            n->delivery_time = from->delivery_time;
            n->delivery_count = from->delivery_count;
            n->consumer = NULL;
            if (from->consumer) {
                StreamConsumer *owner = stream_consumer_lookup(g, from->consumer->name, from->consumer->nlen);
                stream_nack_assign(g, n, id, owner);
            }
        }
    }
    mem_free(groups);
    return s;
}

static size_t stream_mem_usage(const void *ptr, int encoding, long long samples) {
    (void)encoding;
    const Stream *s = ptr;
    size_t bytes = mem_usable(s) + idt_mem_usage(&s->st.index);
    uint64_t nodes = ss_nodes(&s->st), seen = 0;
    size_t nb = 0;
    IdtIter it;
    for (idt_seek_first(&it, &s->st.index); idt_valid(&it) && (samples <= 0 || seen < (uint64_t)samples);
         idt_next(&it)) {
        const SsNode *n;
        memcpy(&n, idt_val(&it), sizeof(n));
        nb += mem_usable(n);
        seen++;
    }
    if (seen && seen < nodes) nb = (size_t)((double)nb / (double)seen * (double)nodes);
    bytes += nb;
    if (s->groups) {
        bytes += ht_mem_usage(s->groups);
        HtIter gi;
        ht_iter_init(&gi, s->groups);
        StreamGroup *g;
        while ((g = ht_iter_next(&gi))) {
            bytes += mem_usable(g) + idt_mem_usage(&g->pel);
            if (!g->consumers) continue;
            bytes += ht_mem_usage(g->consumers);
            HtIter ci;
            ht_iter_init(&ci, g->consumers);
            StreamConsumer *c;
            while ((c = ht_iter_next(&ci))) bytes += mem_usable(c) + idt_mem_usage(&c->pel);
            ht_iter_done(&ci);
        }
        ht_iter_done(&gi);
    }
    return bytes;
}

static size_t stream_free_effort(const void *ptr, int encoding) {
    (void)encoding;
    const Stream *s = ptr;
    size_t effort = (size_t)ss_nodes(&s->st) + 1;
    if (s->groups) {
        HtIter gi;
        ht_iter_init(&gi, s->groups);
        StreamGroup *g;
        while ((g = ht_iter_next(&gi))) effort += 1 + (size_t)g->pel.nodes + (size_t)stream_consumer_count(g);
        ht_iter_done(&gi);
    }
    return effort;
}

static void digest_bytes(Sha1 *h, const void *p, size_t len) {
    uint64_t l = len;
    sha1_update(h, &l, sizeof(l));
    sha1_update(h, p, len);
}

static void digest_id(Sha1 *h, StreamId id) {
    char buf[SID_TEXT_MAX];
    digest_bytes(h, buf, sid_format(buf, id));
}

static void digest_ll(Sha1 *h, long long v) {
    char buf[NUMCONV_LL_BUF];
    digest_bytes(h, buf, ll_to_str(buf, v));
}

/* Ordered: the entries, then the metadata, then the groups by name with
 * their pending entries and consumers. */
static void stream_digest(const void *ptr, int encoding, uint8_t out[20]) {
    (void)encoding;
    const Stream *s = ptr;
    Sha1 h;
    sha1_init(&h);
    SsIter it;
    ss_iter_start(&it, &s->st, NULL, NULL, 0);
    while (ss_next(&it)) {
        digest_id(&h, it.id);
        digest_ll(&h, (long long)it.nfields);
        for (uint64_t i = 0; i < it.nfields; i++) {
            SsVal f, v;
            char fb[SS_INTBUF], vb[SS_INTBUF];
            size_t fl, vl;
            ss_field(&it, &f, &v);
            const char *fs = ss_val_str(&f, fb, &fl), *vs = ss_val_str(&v, vb, &vl);
            digest_bytes(&h, fs, fl);
            digest_bytes(&h, vs, vl);
        }
    }
    ss_iter_stop(&it);
    digest_ll(&h, (long long)s->st.length);
    digest_id(&h, s->st.last_id);
    digest_id(&h, s->st.first_id);
    digest_id(&h, s->st.max_deleted_id);
    digest_ll(&h, (long long)s->st.entries_added);
    size_t ng;
    StreamGroup **groups = stream_groups_sorted(s, &ng);
    for (size_t i = 0; i < ng; i++) {
        StreamGroup *g = groups[i];
        digest_bytes(&h, g->name, g->nlen);
        digest_id(&h, g->last_id);
        digest_ll(&h, g->entries_read);
        IdtIter pi;
        for (idt_seek_first(&pi, &g->pel); idt_valid(&pi); idt_next(&pi)) {
            const StreamNack *n = idt_val(&pi);
            digest_id(&h, idt_key(&pi));
            digest_ll(&h, n->delivery_time);
            digest_ll(&h, (long long)n->delivery_count);
            digest_bytes(&h, n->consumer ? n->consumer->name : "", n->consumer ? n->consumer->nlen : 0);
        }
        size_t nc;
        StreamConsumer **cons = stream_consumers_sorted(g, &nc);
        for (size_t j = 0; j < nc; j++) {
            digest_bytes(&h, cons[j]->name, cons[j]->nlen);
            digest_ll(&h, cons[j]->seen_time);
            digest_ll(&h, cons[j]->active_time);
            digest_ll(&h, (long long)idt_count(&cons[j]->pel));
        }
        mem_free(cons);
    }
    mem_free(groups);
    sha1_final(&h, out);
}

static const char *stream_check_value(const void *ptr, int encoding) {
    (void)encoding;
    return stream_check(ptr);
}

static const TypeOps stream_type_ops = {
    .type = OBJ_STREAM,
    .name = "stream",
    .free = stream_free_value,
    .dup = stream_dup,
    .mem_usage = stream_mem_usage,
    .free_effort = stream_free_effort,
    .digest = stream_digest,
    .check = stream_check_value,
    .rdb_save = stream_rdb_save,
    .rdb_load = stream_rdb_load,
};

void stream_type_init(void) {
    kv_register_type(&stream_type_ops);
}
