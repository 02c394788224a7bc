/* geo.c - the GEO commands: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE and the deprecated GEORADIUS, GEORADIUSBYMEMBER and
 * their _RO forms.
 *
 * A geo key is a sorted set whose scores are 52-bit geohashes
 * (deps/geohash: the cell arithmetic, distances and number formats,
 * written to give Valkey's bits).  GEOADD is a ZADD underneath: the same
 * encoding choices, the "zadd" event, and it is propagated as the ZADD of
 * the computed scores, as Valkey propagates it.  A search scans the score
 * ranges of up to 9 cells around the centre in Valkey's order, keeps the
 * members inside the shape, then sorts them by distance: stable when all
 * are returned (equal distances keep the order they were found in, as
 * glibc's qsort does for Valkey), Valkey's partial quicksort when COUNT
 * keeps fewer (sort.h).  Members are not copied while scanning the big encoding: the
 * sorted set does not change until the reply is written or the result is
 * stored.
 *
 * Order of checks follows Valkey's georadiusGeneric: the source key's
 * type, the centre and distance of the old commands, the options left to
 * right (each checked as it is read), then the combinations. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ds/alloc.h"
#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/geohash/geohash.h"
#include "../../deps/numconv/numconv.h"
#include "geo.h"
#include "sort.h"
#include "zset.h"

/* ---------------------------------------------------------- arguments */

/* A double argument, or the error msg (Valkey's standard text when NULL). */
static int arg_double_msg(Client *c, const Arg *a, double *out, const char *msg) {
    if (str_to_double(a->p, a->len, out)) return 1;
    reply_error(c, msg ? msg : ERR_NOT_FLOAT);
    return 0;
}

/* longitude, latitude at argv[0..1], within the GEO limits. */
static int parse_lonlat(Client *c, const Arg *argv, double xy[2]) {
    if (!arg_double_msg(c, &argv[0], &xy[0], NULL) || !arg_double_msg(c, &argv[1], &xy[1], NULL)) return 0;
    if (xy[0] < GEO_LONG_MIN || xy[0] > GEO_LONG_MAX || xy[1] < GEO_LAT_MIN || xy[1] > GEO_LAT_MAX) {
        reply_errorf(c, "invalid longitude,latitude pair %f,%f", xy[0], xy[1]);
        return 0;
    }
    return 1;
}

/* Metres per unit, or -1 after the error. */
static double parse_unit(Client *c, const Arg *a) {
    if (arg_equals(a, "m")) return 1;
    if (arg_equals(a, "km")) return 1000;
    if (arg_equals(a, "ft")) return 0.3048;
    if (arg_equals(a, "mi")) return 1609.34;
    reply_error(c, "unsupported unit provided. please use M, KM, FT, MI");
    return -1;
}

/* radius unit at argv[0..1]. */
static int parse_radius(Client *c, const Arg *argv, GeoShape *s) {
    double r;
    if (!arg_double_msg(c, &argv[0], &r, "need numeric radius")) return 0;
    if (r < 0) {
        reply_error(c, "radius cannot be negative");
        return 0;
    }
    double conv = parse_unit(c, &argv[1]);
    if (conv < 0) return 0;
    s->type = GEO_SHAPE_RADIUS;
    s->radius = r;
    s->conversion = conv;
    return 1;
}

/* width height unit at argv[0..2]. */
static int parse_box(Client *c, const Arg *argv, GeoShape *s) {
    double w, h;
    if (!arg_double_msg(c, &argv[0], &w, "need numeric width") ||
        !arg_double_msg(c, &argv[1], &h, "need numeric height"))
        return 0;
    if (h < 0 || w < 0) {
        reply_error(c, "height or width cannot be negative");
        return 0;
    }
    double conv = parse_unit(c, &argv[2]);
    if (conv < 0) return 0;
    s->type = GEO_SHAPE_BOX;
    s->width = w;
    s->height = h;
    s->conversion = conv;
    return 1;
}

/* The source key: NULL when absent (*err 0) or after WRONGTYPE (*err 1). */
static Kv *geo_lookup(Client *c, const Arg *key, int *err) {
    return zs_lookup(c, key, LOOKUP_READ, err);
}

/* The decoded position of a member; 0 when it is not there. */
static int member_xy(const ZVal *z, const Arg *m, double xy[2]) {
    double score;
    if (!zv_score(z, m->p, m->len, &score)) return 0;
    return geohash_score_to_xy(score, xy);
}

/* A coordinate: RESP2 bulk string, RESP3 double, both in Valkey's
 * "human" form. */
static void reply_coord(Client *c, double v) {
    char buf[400];
    size_t n = geohash_format_coord(v, buf + 1, sizeof(buf) - 3);
    if (c->resp >= 3) {
        buf[0] = ',';
        buf[n + 1] = '\r';
        buf[n + 2] = '\n';
        reply_raw(c, buf, n + 3);
    } else {
        reply_bulk(c, buf + 1, n);
    }
}

static void reply_distance(Client *c, double d) {
    char buf[48];
    size_t n = geohash_format_distance(d, buf, sizeof(buf));
    reply_bulk(c, buf, n);
}

/* ----------------------------------------------------------------- GEOADD */

void geoadd_command(Client *c) {
    int flags = 0, ch = 0, idx = 2;
    for (; idx < c->argc; idx++) {
        const Arg *a = &c->argv[idx];
        if (arg_equals(a, "nx")) flags |= ZADD_IN_NX;
        else if (arg_equals(a, "xx")) flags |= ZADD_IN_XX;
        else if (arg_equals(a, "ch")) ch = 1;
        else break;
    }
    int rest = c->argc - idx;
    if (rest % 3 || ((flags & ZADD_IN_NX) && (flags & ZADD_IN_XX))) {
        reply_syntax_error(c);
        return;
    }
    long long elements = rest / 3;
    if (elements == 0) {
        /* ZADD with options and no pairs: Valkey's ZADD answers this. */
        reply_syntax_error(c);
        return;
    }
    /* Every position is checked before anything changes. */
    uint64_t one, *scores = elements == 1 ? &one : mem_alloc(sizeof(uint64_t) * (size_t)elements);
    size_t maxlen = 0;
    for (long long j = 0; j < elements; j++) {
        const Arg *p = &c->argv[idx + 3 * j];
        double xy[2];
        if (!parse_lonlat(c, p, xy)) goto done;
        if (!geohash_xy_to_score(xy[0], xy[1], &scores[j])) scores[j] = 0; /* not reached: in range */
        if (p[2].len > maxlen) maxlen = p[2].len;
    }
    const Arg *key = &c->argv[1];
    int err;
    Kv *kv = zs_lookup(c, key, LOOKUP_WRITE, &err);
    if (err) goto done;
    long long added = 0, updated = 0;
    if (kv || !(flags & ZADD_IN_XX)) {
        ZVal z;
        if (kv) {
            z = zv_of(kv);
            zv_maybe_grow(&z, (uint64_t)elements);
        } else {
            z = zv_new((uint64_t)elements, maxlen);
        }
        for (long long j = 0; j < elements; j++) {
            const Arg *m = &c->argv[idx + 3 * j + 2];
            int out;
            zv_add(&z, (double)scores[j], m->p, m->len, flags, &out, NULL);
            if (out & ZADD_OUT_ADDED) added++;
            if (out & ZADD_OUT_UPDATED) updated++;
        }
        if (kv) zv_store_back(kv, &z);
        else if (zv_len(&z)) db_store(c->db, key, NULL, kv_new_ptr(key->p, key->len, OBJ_ZSET, z.enc, z.ptr), 0);
        else zv_free(&z);
    }
    if (added || updated) {
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_ZSET, "zadd", added + updated);
        /* Propagated as the ZADD Valkey runs underneath: the options as
         * given, then score member pairs. */
        if (server.prop.active) {
            int argc = 2 + (idx - 2) + (int)elements * 2;
            Arg *argv = mem_alloc(sizeof(Arg) * (size_t)argc);
            char *nums = mem_alloc((size_t)elements * NUMCONV_LL_BUF);
            argv[0] = (Arg){"zadd", 4};
            for (int i = 1; i < idx; i++) argv[i] = c->argv[i];
            for (long long j = 0; j < elements; j++) {
                char *num = nums + j * NUMCONV_LL_BUF;
                argv[idx + 2 * j] = (Arg){num, ll_to_str(num, (long long)scores[j])};
                argv[idx + 2 * j + 1] = c->argv[idx + 3 * j + 2];
            }
            propagate_rewrite(c, argc, argv);
            mem_free(nums);
            mem_free(argv);
        }
    }
    reply_int(c, ch ? added + updated : added);
done:
    if (scores != &one) mem_free(scores);
}

/* ------------------------------------------------ GEOPOS, GEODIST, GEOHASH */

void geopos_command(Client *c) {
    int err;
    Kv *kv = geo_lookup(c, &c->argv[1], &err);
    if (err) return;
    ZVal z;
    if (kv) z = zv_of(kv);
    reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double xy[2];
        if (!kv || !member_xy(&z, &c->argv[j], xy)) {
            reply_null_array(c);
            continue;
        }
        reply_array_len(c, 2);
        reply_coord(c, xy[0]);
        reply_coord(c, xy[1]);
    }
}

void geodist_command(Client *c) {
    double to_m = 1;
    if (c->argc == 5) {
        to_m = parse_unit(c, &c->argv[4]);
        if (to_m < 0) return;
    } else if (c->argc > 5) {
        reply_syntax_error(c);
        return;
    }
    int err;
    Kv *kv = geo_lookup(c, &c->argv[1], &err);
    if (err) return;
    if (!kv) {
        reply_null(c);
        return;
    }
    ZVal z = zv_of(kv);
    double a[2], b[2];
    if (!member_xy(&z, &c->argv[2], a) || !member_xy(&z, &c->argv[3], b)) {
        reply_null(c);
        return;
    }
    reply_distance(c, geohash_distance(a[0], a[1], b[0], b[1]) / to_m);
}

void geohash_command(Client *c) {
    int err;
    Kv *kv = geo_lookup(c, &c->argv[1], &err);
    if (err) return;
    ZVal z;
    if (kv) z = zv_of(kv);
    reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        double score;
        char buf[11];
        if (!kv || !zv_score(&z, c->argv[j].p, c->argv[j].len, &score) || !geohash_score_to_string(score, buf))
            reply_null(c);
        else
            reply_bulk(c, buf, 11);
    }
}

/* ------------------------------------------------------------------ search */

/* A member found inside the shape.  m points into the sorted set, or
 * (off >= 0) into the search's byte arena: members of the small encoding
 * may be rendered into a temporary buffer, so they are copied. */
typedef struct GeoPoint {
    const char *m;
    size_t len;
    long long off;
    double lon, lat, dist, score;
} GeoPoint;

typedef struct GeoFound {
    GeoPoint *v;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
    GeoPoint inline_v[32];
} GeoFound;

static void found_init(GeoFound *f) {
    f->v = f->inline_v;
    f->n = 0;
    f->cap = sizeof(f->inline_v) / sizeof(f->inline_v[0]);
    f->arena = NULL;
    f->alen = f->acap = 0;
}

static void found_free(GeoFound *f) {
    if (f->v != f->inline_v) mem_free(f->v);
    mem_free(f->arena);
}

static GeoPoint *found_push(GeoFound *f) {
    if (f->n == f->cap) {
        size_t cap = f->cap * 2;
        if (f->v == f->inline_v) {
            f->v = mem_alloc(sizeof(GeoPoint) * cap);
            memcpy(f->v, f->inline_v, sizeof(f->inline_v));
        } else {
            f->v = mem_realloc(f->v, sizeof(GeoPoint) * cap);
        }
        f->cap = cap;
    }
    return &f->v[f->n++];
}

static long long arena_copy(GeoFound *f, const char *p, size_t len) {
    if (f->alen + len > f->acap) {
        f->acap = (f->alen + len) * 2 + 64;
        f->arena = mem_realloc(f->arena, f->acap);
    }
    if (len) memcpy(f->arena + f->alen, p, len);
    long long off = (long long)f->alen;
    f->alen += len;
    return off;
}

/* Tests one element against the shape; appends it when inside. */
static void consider(GeoFound *f, const GeoMatcher *mt, double score, const char *m, size_t len, int copy) {
    double xy[2], dist = 0;
    if (!geohash_matcher_test_score(mt, score, xy, &dist)) return;
    GeoPoint *p = found_push(f);
    p->lon = xy[0];
    p->lat = xy[1];
    p->dist = dist;
    p->score = score;
    p->len = len;
    if (copy) {
        p->m = NULL;
        p->off = arena_copy(f, m, len);
    } else {
        p->m = m;
        p->off = -1;
    }
}

/* Elements with min <= score < max, in order; stops once `limit` (0:
 * none) points have been found. */
static void scan_range(GeoFound *f, const ZVal *z, const GeoMatcher *mt, double min, double max, size_t limit) {
    if (z->enc == ENC_SKIPLIST) {
        const ZsetBig *zb = z->ptr;
        uint64_t rank;
        for (SlNode *n = sl_seek_score(zb->sl, min, 0, &rank); n && n->score < max; n = n->next) {
            size_t len;
            const char *m = sl_node_member(n, &len);
            consider(f, mt, n->score, m, len, 0);
            if (limit && f->n >= limit) return;
        }
        return;
    }
    uint64_t len = zv_len(z);
    if (!len) return;
    ZIter it;
    ZElem e;
    zi_init(&it, z, 0, len - 1, 0);
    while (zi_next(&it, &e)) {
        if (e.score < min) continue;
        if (e.score >= max) break;
        consider(f, mt, e.score, e.m, e.len, 1);
        if (limit && f->n >= limit) return;
    }
}

/* The sort works on (distance, index) pairs, not on the points. */
typedef struct DistKey {
    double dist;
    size_t idx;
} DistKey;

/* By distance only (equal distances compare equal), ascending or (ctx
 * non-NULL) descending: the partial sort's order. */
static int key_cmp_dist(const void *a, const void *b, void *desc) {
    const DistKey *x = a, *y = b;
    int r = x->dist > y->dist ? 1 : x->dist == y->dist ? 0 : -1;
    return desc ? -r : r;
}

/* The full sort's order: by distance, then by discovery (stable, as
 * glibc's qsort, a merge sort, sorts for Valkey). */
static inline int key_before(const DistKey *x, const DistKey *y, int desc) {
    if (x->dist != y->dist) return desc ? x->dist > y->dist : x->dist < y->dist;
    return x->idx < y->idx;
}

/* Merge sort of v[0..n) by key_before (a total order), tmp as scratch. */
static void keys_sort(DistKey *v, DistKey *tmp, size_t n, int desc) {
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            DistKey k = v[i];
            size_t j = i;
            while (j > 0 && key_before(&k, &v[j - 1], desc)) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = k;
        }
        return;
    }
    size_t h = n / 2;
    keys_sort(v, tmp, h, desc);
    keys_sort(v + h, tmp, n - h, desc);
    if (!key_before(&v[h], &v[h - 1], desc)) return; /* already in order */
    memcpy(tmp, v, sizeof(DistKey) * h);
    size_t i = 0, j = h, o = 0;
    while (i < h && j < n) v[o++] = key_before(&v[j], &tmp[i], desc) ? v[j++] : tmp[i++];
    while (i < h) v[o++] = tmp[i++];
}

enum { SORT_NONE = 0, SORT_ASC, SORT_DESC };
/* Which command runs the search. */
#define GEO_BY_COORDS (1 << 0)   /* GEORADIUS[_RO] */
#define GEO_BY_MEMBER (1 << 1)   /* GEORADIUSBYMEMBER[_RO] */
#define GEO_NOSTORE (1 << 2)     /* the _RO forms */
#define GEO_SEARCH (1 << 3)      /* GEOSEARCH[STORE] */
#define GEO_SEARCHSTORE (1 << 4) /* GEOSEARCHSTORE */

/* Stores the first n points (in keys' order) as a sorted set at key (scores: the geohash,
 * or the distance in the unit), or deletes key when there are none. */
static void store_points(Client *c, const Arg *key, GeoFound *f, const DistKey *keys, size_t n, int storedist,
                         const char *event) {
    Kv *old = db_lookup_write(c, c->db, key);
    if (n) {
        size_t maxlen = 0;
        for (size_t i = 0; i < n; i++)
            if (f->v[keys[i].idx].len > maxlen) maxlen = f->v[keys[i].idx].len;
        ZVal z = zv_new(n, maxlen);
        for (size_t i = 0; i < n; i++) {
            GeoPoint *p = &f->v[keys[i].idx];
            int out;
            zv_add(&z, storedist ? p->dist : p->score, p->m, p->len, 0, &out, NULL);
        }
        db_store(c->db, key, old, kv_new_ptr(key->p, key->len, OBJ_ZSET, z.enc, z.ptr), 0);
        key_changed_n(c, c->db, key->p, key->len, NOTIFY_ZSET, event, (long long)n);
    } else if (old) {
        db_delete(c->db, key->p, key->len);
        key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "del");
    }
    reply_int(c, (long long)n);
}

static void geo_search(Client *c, int src_idx, int flags) {
    const Arg *storekey = NULL;
    int storedist = 0;
    int err;
    Kv *kv = geo_lookup(c, &c->argv[src_idx], &err);
    if (err) return;
    ZVal z;
    if (kv) z = zv_of(kv);

    GeoShape shape;
    memset(&shape, 0, sizeof(shape));
    int base;
    if (flags & GEO_BY_COORDS) {
        base = 6;
        if (!parse_lonlat(c, &c->argv[2], shape.xy)) return;
        if (!parse_radius(c, &c->argv[4], &shape)) return;
    } else if (flags & GEO_BY_MEMBER) {
        base = 5;
        /* With no key, the radius is not even read: only the options. */
        if (kv) {
            if (!member_xy(&z, &c->argv[2], shape.xy)) {
                reply_error(c, "could not decode requested zset member");
                return;
            }
            if (!parse_radius(c, &c->argv[3], &shape)) return;
        }
    } else {
        base = 2;
        if (flags & GEO_SEARCHSTORE) {
            base = 3;
            storekey = &c->argv[1];
        }
    }

    int withdist = 0, withhash = 0, withcoord = 0;
    int frommember = 0, fromloc = 0, byradius = 0, bybox = 0, any = 0, sort = SORT_NONE;
    long long count = 0;
    int rest = c->argc - base;
    for (int i = 0; i < rest; i++) {
        const Arg *a = &c->argv[base + i];
        int left = rest - i - 1; /* arguments after this one */
        if (arg_equals(a, "withdist")) {
            withdist = 1;
        } else if (arg_equals(a, "withhash")) {
            withhash = 1;
        } else if (arg_equals(a, "withcoord")) {
            withcoord = 1;
        } else if (arg_equals(a, "any")) {
            any = 1;
        } else if (arg_equals(a, "asc")) {
            sort = SORT_ASC;
        } else if (arg_equals(a, "desc")) {
            sort = SORT_DESC;
        } else if (arg_equals(a, "count") && left >= 1) {
            if (!arg_to_ll(c, a + 1, &count)) return;
            if (count <= 0) {
                reply_error(c, "COUNT must be > 0");
                return;
            }
            i++;
        } else if ((arg_equals(a, "store") || arg_equals(a, "storedist")) && left >= 1 &&
                   !(flags & (GEO_NOSTORE | GEO_SEARCH))) {
            storekey = a + 1;
            storedist = arg_equals(a, "storedist");
            i++;
        } else if (arg_equals(a, "storedist") && (flags & GEO_SEARCHSTORE)) {
            storedist = 1;
        } else if (arg_equals(a, "frommember") && left >= 1 && (flags & GEO_SEARCH) && !fromloc) {
            /* Without a key the member is not looked up: the error for
             * the missing key comes after the options. */
            if (kv && !member_xy(&z, a + 1, shape.xy)) {
                reply_error(c, "could not decode requested zset member");
                return;
            }
            frommember = 1;
            i++;
        } else if (arg_equals(a, "fromlonlat") && left >= 2 && (flags & GEO_SEARCH) && !frommember) {
            if (!parse_lonlat(c, a + 1, shape.xy)) return;
            fromloc = 1;
            i += 2;
        } else if (arg_equals(a, "byradius") && left >= 2 && (flags & GEO_SEARCH) && !bybox) {
            if (!parse_radius(c, a + 1, &shape)) return;
            byradius = 1;
            i += 2;
        } else if (arg_equals(a, "bybox") && left >= 3 && (flags & GEO_SEARCH) && !byradius) {
            if (!parse_box(c, a + 1, &shape)) return;
            bybox = 1;
            i += 3;
        } else {
            reply_syntax_error(c);
            return;
        }
    }

    if (storekey && (withdist || withhash || withcoord)) {
        reply_errorf(c, "%s is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                     (flags & GEO_SEARCHSTORE) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS");
        return;
    }
    if ((flags & GEO_SEARCH) && !(frommember || fromloc)) {
        reply_errorf(c, "exactly one of FROMMEMBER or FROMLONLAT can be specified for %.*s", (int)c->argv[0].len,
                     c->argv[0].p);
        return;
    }
    if ((flags & GEO_SEARCH) && !(byradius || bybox)) {
        reply_errorf(c, "exactly one of BYRADIUS and BYBOX can be specified for %.*s", (int)c->argv[0].len,
                     c->argv[0].p);
        return;
    }
    if (any && !count) {
        reply_error(c, "the ANY argument requires COUNT argument");
        return;
    }

    const char *event = (flags & GEO_SEARCH) ? "geosearchstore" : "georadiusstore";
    GeoFound f;
    found_init(&f);
    if (kv) {
        /* COUNT needs the nearest ones: ascending unless ANY or told. */
        if (count && sort == SORT_NONE && !any) sort = SORT_ASC;
        uint64_t mins[9], maxs[9];
        int nranges = geohash_search_ranges(&shape, mins, maxs);
        GeoMatcher mt;
        geohash_matcher_init(&mt, &shape);
        size_t limit = !any ? 0 : (unsigned long long)count > SIZE_MAX ? SIZE_MAX : (size_t)count;
        for (int i = 0; i < nranges; i++) {
            if (limit && f.n >= limit) break;
            scan_range(&f, &z, &mt, (double)mins[i], (double)maxs[i], limit);
        }
        for (size_t i = 0; i < f.n; i++)
            if (f.v[i].off >= 0) f.v[i].m = f.arena + f.v[i].off;
    }
    size_t n = f.n;
    if (count && (unsigned long long)count < n) n = (size_t)count;
    /* order[i]: the point that comes i-th */
    DistKey inline_keys[64], *keys = f.n <= 32 ? inline_keys : mem_alloc(sizeof(DistKey) * f.n * 2);
    for (size_t i = 0; i < f.n; i++) {
        keys[i].dist = f.v[i].dist;
        keys[i].idx = i;
    }
    if (sort != SORT_NONE && n == f.n) {
        keys_sort(keys, keys + (f.n <= 32 ? 32 : f.n), f.n, sort == SORT_DESC);
    } else if (sort != SORT_NONE) {
        /* only the first n matter: Valkey's partial quicksort, whose
         * handling of equal distances decides which of them come out */
        static int desc_flag;
        sort_partial(keys, f.n, sizeof(DistKey), key_cmp_dist, sort == SORT_DESC ? &desc_flag : NULL, 0,
                     (long long)n - 1);
    }
    for (size_t i = 0; i < n; i++) f.v[keys[i].idx].dist /= shape.conversion;

    if (storekey) {
        store_points(c, storekey, &f, keys, n, storedist, event);
    } else {
        int opts = withdist + withhash + withcoord;
        reply_array_len(c, (long long)n);
        for (size_t i = 0; i < n; i++) {
            const GeoPoint *p = &f.v[keys[i].idx];
            if (opts) reply_array_len(c, opts + 1);
            reply_bulk(c, p->m, p->len);
            if (withdist) reply_distance(c, p->dist);
            if (withhash) reply_int(c, (long long)p->score);
            if (withcoord) {
                reply_array_len(c, 2);
                reply_coord(c, p->lon);
                reply_coord(c, p->lat);
            }
        }
    }
    if (keys != inline_keys) mem_free(keys);
    found_free(&f);
}

void georadius_command(Client *c) {
    geo_search(c, 1, GEO_BY_COORDS);
}

void georadius_ro_command(Client *c) {
    geo_search(c, 1, GEO_BY_COORDS | GEO_NOSTORE);
}

void georadiusbymember_command(Client *c) {
    geo_search(c, 1, GEO_BY_MEMBER);
}

void georadiusbymember_ro_command(Client *c) {
    geo_search(c, 1, GEO_BY_MEMBER | GEO_NOSTORE);
}

void geosearch_command(Client *c) {
    geo_search(c, 1, GEO_SEARCH);
}

void geosearchstore_command(Client *c) {
    geo_search(c, 2, GEO_SEARCH | GEO_SEARCHSTORE);
}
