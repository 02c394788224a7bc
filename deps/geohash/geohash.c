/* geohash.c - geohash cells, distances and search areas for the GEO
 * commands (see geohash.h).
 *
 * Every floating-point expression here is written in the order Valkey
 * evaluates it (and the build is ISO C, so the compiler does not fuse
 * multiplications and additions): the same inputs give the same bits, and
 * so the same scores, coordinates, distances and search results.  Where
 * Valkey's C converts a double to an unsigned integer outside the range
 * the language defines (a sorted set may hold any score, and GEOPOS reads
 * it anyway), the x86-64 result is computed explicitly instead. */
#include "geohash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Degrees to radians and back, as Valkey's helpers (a product and a
 * quotient by the same folded constant). */
#define GEO_D_R (M_PI / 180.0)
static inline double deg_rad(double d) { return d * GEO_D_R; }
static inline double rad_deg(double r) { return r / GEO_D_R; }

static const GeoRange wgs_lon = {GEO_LONG_MIN, GEO_LONG_MAX};
static const GeoRange wgs_lat = {GEO_LAT_MIN, GEO_LAT_MAX};

/* ---------------------------------------------------------------- bits */

/* Spreads the 32 bits of x over the even bit positions. */
static uint64_t spread(uint32_t x) {
    uint64_t v = x;
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    v = (v | (v << 2)) & 0x3333333333333333ULL;
    v = (v | (v << 1)) & 0x5555555555555555ULL;
    return v;
}

/* Gathers the even bit positions of v into 32 bits. */
static uint32_t gather(uint64_t v) {
    v &= 0x5555555555555555ULL;
    v = (v | (v >> 1)) & 0x3333333333333333ULL;
    v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFFULL;
    v = (v | (v >> 16)) & 0x00000000FFFFFFFFULL;
    return (uint32_t)v;
}

uint64_t geohash_interleave(uint32_t even, uint32_t odd) {
    return spread(even) | (spread(odd) << 1);
}

uint64_t geohash_deinterleave(uint64_t v) {
    return (uint64_t)gather(v) | ((uint64_t)gather(v >> 1) << 32);
}

/* A double to uint64_t as x86-64 code compiled from Valkey's plain cast
 * gives it, defined for every input: truncation inside [0, 2^64); below
 * zero the two's complement of the truncated value; -2^63 and less (and
 * -inf) give 2^63; 2^64 and more (and +inf) give 0. */
static uint64_t score_to_u64(double s) {
    const double two63 = 9223372036854775808.0;
    if (s >= two63) {
        double t = s - two63;
        if (t >= two63) return 0;
        return (uint64_t)(int64_t)t ^ (1ULL << 63);
    }
    if (s >= -two63) return (uint64_t)(int64_t)s;
    return 1ULL << 63;
}

/* ---------------------------------------------------- encode / decode */

int geohash_encode(GeoRange lon_r, GeoRange lat_r, double lon, double lat, int step, GeoHashBits *out) {
    if (step > 32 || step == 0) return 0;
    if ((lat_r.min == 0 && lat_r.max == 0) || (lon_r.min == 0 && lon_r.max == 0)) return 0;
    if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return 0;
    out->bits = 0;
    out->step = (uint8_t)step;
    if (lat < lat_r.min || lat > lat_r.max || lon < lon_r.min || lon > lon_r.max) return 0;
    double lat_off = (lat - lat_r.min) / (lat_r.max - lat_r.min);
    double lon_off = (lon - lon_r.min) / (lon_r.max - lon_r.min);
    lat_off *= (double)(1ULL << step);
    lon_off *= (double)(1ULL << step);
    /* An offset of exactly 1 (a point on the top edge) becomes 2^step,
     * one past the last cell: kept, as Valkey keeps it. */
    out->bits = geohash_interleave((uint32_t)lat_off, (uint32_t)lon_off);
    return 1;
}

int geohash_encode_wgs84(double lon, double lat, int step, GeoHashBits *out) {
    return geohash_encode(wgs_lon, wgs_lat, lon, lat, step, out);
}

int geohash_decode(GeoRange lon_r, GeoRange lat_r, GeoHashBits h, GeoArea *out) {
    if (h.bits == 0 && h.step == 0) return 0;
    if ((lat_r.min == 0 && lat_r.max == 0) || (lon_r.min == 0 && lon_r.max == 0)) return 0;
    out->hash = h;
    uint64_t sep = geohash_deinterleave(h.bits);
    double lat_scale = lat_r.max - lat_r.min;
    double lon_scale = lon_r.max - lon_r.min;
    uint32_t ilat = (uint32_t)sep;
    uint32_t ilon = (uint32_t)(sep >> 32);
    double cells = (double)(1ULL << h.step);
    /* uint32_t arithmetic on purpose: ilat + 1 wraps for a garbage score,
     * as it does in Valkey. */
    uint32_t ilat1 = ilat + 1u, ilon1 = ilon + 1u;
    out->lat.min = lat_r.min + (ilat * 1.0 / cells) * lat_scale;
    out->lat.max = lat_r.min + (ilat1 * 1.0 / cells) * lat_scale;
    out->lon.min = lon_r.min + (ilon * 1.0 / cells) * lon_scale;
    out->lon.max = lon_r.min + (ilon1 * 1.0 / cells) * lon_scale;
    return 1;
}

uint64_t geohash_align52(GeoHashBits h) {
    return h.bits << (52 - h.step * 2);
}

static void area_centre(const GeoArea *a, double xy[2]) {
    xy[0] = (a->lon.min + a->lon.max) / 2;
    if (xy[0] > GEO_LONG_MAX) xy[0] = GEO_LONG_MAX;
    if (xy[0] < GEO_LONG_MIN) xy[0] = GEO_LONG_MIN;
    xy[1] = (a->lat.min + a->lat.max) / 2;
    if (xy[1] > GEO_LAT_MAX) xy[1] = GEO_LAT_MAX;
    if (xy[1] < GEO_LAT_MIN) xy[1] = GEO_LAT_MIN;
}

int geohash_score_to_xy(double score, double xy[2]) {
    GeoHashBits h = {score_to_u64(score), GEO_STEP_MAX};
    GeoArea a;
    if (!geohash_decode(wgs_lon, wgs_lat, h, &a)) return 0;
    area_centre(&a, xy);
    return 1;
}

/* One coordinate of a score's cell centre: the same steps as
 * geohash_decode then area_centre, for one half of the bits. */
static double cell_centre(uint32_t i, GeoRange r) {
    const double cells = (double)(1ULL << GEO_STEP_MAX);
    double scale = r.max - r.min;
    uint32_t i1 = i + 1u;
    double lo = r.min + (i * 1.0 / cells) * scale;
    double hi = r.min + (i1 * 1.0 / cells) * scale;
    double v = (lo + hi) / 2;
    if (v > r.max) v = r.max;
    if (v < r.min) v = r.min;
    return v;
}

int geohash_xy_to_score(double lon, double lat, uint64_t *score) {
    GeoHashBits h;
    if (!geohash_encode_wgs84(lon, lat, GEO_STEP_MAX, &h)) return 0;
    *score = geohash_align52(h);
    return 1;
}

int geohash_score_to_string(double score, char out[11]) {
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double xy[2];
    if (!geohash_score_to_xy(score, xy)) return 0;
    /* The standard geohash covers latitudes -90..90, not the Mercator
     * band the scores use: re-encode. */
    GeoRange lon_r = {-180, 180}, lat_r = {-90, 90};
    GeoHashBits h;
    if (!geohash_encode(lon_r, lat_r, xy[0], xy[1], 26, &h)) h.bits = 0;
    for (int i = 0; i < 11; i++) {
        /* 52 bits make 10 full characters and 2 bits of an 11th, which
         * Valkey writes as '0'. */
        unsigned idx = i == 10 ? 0 : (unsigned)((h.bits >> (52 - (i + 1) * 5)) & 0x1f);
        out[i] = alphabet[idx];
    }
    return 1;
}

/* One step east (d > 0) or west (d < 0): longitude bits are the odd ones. */
static void move_x(GeoHashBits *h, int d) {
    if (d == 0) return;
    uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
    uint64_t y = h->bits & 0x5555555555555555ULL;
    uint64_t zz = 0x5555555555555555ULL >> (64 - h->step * 2);
    /* Filling the gaps between x's bits with ones makes a carry or borrow
     * run across them. */
    if (d > 0) {
        x = x + (zz + 1);
    } else {
        x = x | zz;
        x = x - (zz + 1);
    }
    x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2));
    h->bits = x | y;
}

/* One step north (d > 0) or south: latitude bits are the even ones. */
static void move_y(GeoHashBits *h, int d) {
    if (d == 0) return;
    uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
    uint64_t y = h->bits & 0x5555555555555555ULL;
    uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2);
    if (d > 0) {
        y = y + (zz + 1);
    } else {
        y = y | zz;
        y = y - (zz + 1);
    }
    y &= (0x5555555555555555ULL >> (64 - h->step * 2));
    h->bits = x | y;
}

static GeoHashBits moved(GeoHashBits h, int dx, int dy) {
    move_x(&h, dx);
    move_y(&h, dy);
    return h;
}

void geohash_neighbors(GeoHashBits h, GeoNeighbors *n) {
    n->east = moved(h, 1, 0);
    n->west = moved(h, -1, 0);
    n->south = moved(h, 0, -1);
    n->north = moved(h, 0, 1);
    n->north_west = moved(h, -1, 1);
    n->south_west = moved(h, -1, -1);
    n->north_east = moved(h, 1, 1);
    n->south_east = moved(h, 1, -1);
}

/* ----------------------------------------------------------- distances */

double geohash_lat_distance(double lat1, double lat2) {
    return GEO_EARTH_RADIUS_M * fabs(deg_rad(lat2) - deg_rad(lat1));
}

double geohash_distance(double lon1, double lat1, double lon2, double lat2) {
    double lon1r = deg_rad(lon1), lon2r = deg_rad(lon2);
    double v = sin((lon2r - lon1r) / 2);
    /* Same meridian: the haversine reduces to the latitude difference. */
    if (v == 0.0) return geohash_lat_distance(lat1, lat2);
    double lat1r = deg_rad(lat1), lat2r = deg_rad(lat2);
    double u = sin((lat2r - lat1r) / 2);
    double a = u * u + cos(lat1r) * cos(lat2r) * v * v;
    return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a));
}

/* -------------------------------------------------------------- search */

int geohash_estimate_steps(double radius_m, double lat) {
    if (radius_m == 0) return 26;
    int step = 1;
    while (radius_m < GEO_MERCATOR_MAX) {
        radius_m *= 2;
        step++;
    }
    step -= 2; /* so the radius fits the cell in most cases */
    /* Meridians converge towards the poles: wider cells there. */
    if (lat > 66 || lat < -66) {
        step--;
        if (lat > 80 || lat < -80) step--;
    }
    if (step < 1) step = 1;
    if (step > 26) step = 26;
    return step;
}

void geohash_bounding_box(const GeoShape *s, double bounds[4]) {
    double height = 0, width = 0;
    if (s->type == GEO_SHAPE_RADIUS) {
        height = s->conversion * s->radius;
        width = s->conversion * s->radius;
    } else {
        height = s->conversion * s->height / 2;
        width = s->conversion * s->width / 2;
    }
    double lon = s->xy[0], lat = s->xy[1];
    const double lat_delta = rad_deg(height / GEO_EARTH_RADIUS_M);
    const double lon_delta_top = rad_deg(width / GEO_EARTH_RADIUS_M / cos(deg_rad(lat + lat_delta)));
    const double lon_delta_bottom = rad_deg(width / GEO_EARTH_RADIUS_M / cos(deg_rad(lat - lat_delta)));
    /* The widest edge is the one nearer the equator. */
    int south = lat < 0;
    bounds[0] = south ? lon - lon_delta_bottom : lon - lon_delta_top;
    bounds[2] = south ? lon + lon_delta_bottom : lon + lon_delta_top;
    bounds[1] = lat - lat_delta;
    bounds[3] = lat + lat_delta;
}

static int is_none(GeoHashBits h) {
    return h.bits == 0 && h.step == 0;
}

static const GeoHashBits none = {0, 0};

int geohash_search_ranges(const GeoShape *s, uint64_t min[9], uint64_t max[9]) {
    double b[4];
    geohash_bounding_box(s, b);
    double min_lon = b[0], min_lat = b[1], max_lon = b[2], max_lat = b[3];
    double lon = s->xy[0], lat = s->xy[1];
    double radius_m;
    if (s->type == GEO_SHAPE_RADIUS) {
        radius_m = s->radius;
    } else {
        /* centre to corner */
        radius_m = sqrt((s->width / 2) * (s->width / 2) + (s->height / 2) * (s->height / 2));
    }
    radius_m *= s->conversion;

    int steps = geohash_estimate_steps(radius_m, lat);
    GeoHashBits hash;
    GeoNeighbors nb;
    GeoArea area;
    geohash_encode(wgs_lon, wgs_lat, lon, lat, steps, &hash);
    geohash_neighbors(hash, &nb);
    geohash_decode(wgs_lon, wgs_lat, hash, &area);

    /* When the shape reaches past the cells around the centre, one step
     * coarser. */
    int coarser = 0;
    GeoArea north, south, east, west;
    geohash_decode(wgs_lon, wgs_lat, nb.north, &north);
    geohash_decode(wgs_lon, wgs_lat, nb.south, &south);
    geohash_decode(wgs_lon, wgs_lat, nb.east, &east);
    geohash_decode(wgs_lon, wgs_lat, nb.west, &west);
    if (north.lat.max < max_lat) coarser = 1;
    if (south.lat.min > min_lat) coarser = 1;
    if (east.lon.max < max_lon) coarser = 1;
    if (west.lon.min > min_lon) coarser = 1;
    if (steps > 1 && coarser) {
        steps--;
        geohash_encode(wgs_lon, wgs_lat, lon, lat, steps, &hash);
        geohash_neighbors(hash, &nb);
        geohash_decode(wgs_lon, wgs_lat, hash, &area);
    }

    /* Neighbours on a side the shape does not reach are not scanned. */
    if (steps >= 2) {
        if (area.lat.min < min_lat) nb.south = nb.south_west = nb.south_east = none;
        if (area.lat.max > max_lat) nb.north = nb.north_east = nb.north_west = none;
        if (area.lon.min < min_lon) nb.west = nb.south_west = nb.north_west = none;
        if (area.lon.max > max_lon) nb.east = nb.south_east = nb.north_east = none;
    }

    GeoHashBits cells[9] = {hash, nb.north, nb.south, nb.east, nb.west,
                            nb.north_east, nb.north_west, nb.south_east, nb.south_west};
    int n = 0;
    unsigned last = 0;
    for (unsigned i = 0; i < 9; i++) {
        if (is_none(cells[i])) continue;
        /* A huge radius can make neighbours coincide: a cell equal to the
         * one scanned just before is skipped.  As in Valkey, "just before"
         * is never the centre cell (index 0 reads as "none yet"). */
        if (last && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step) continue;
        min[n] = geohash_align52(cells[i]);
        GeoHashBits up = cells[i];
        up.bits++;
        max[n] = geohash_align52(up);
        n++;
        last = i;
    }
    return n;
}

void geohash_matcher_init(GeoMatcher *m, const GeoShape *s) {
    m->shape = *s;
    m->lon1r = deg_rad(s->xy[0]);
    m->lat1r = deg_rad(s->xy[1]);
    m->cos_lat1 = cos(m->lat1r);
    m->radius_m = s->radius * s->conversion;
    m->half_w = s->width * s->conversion / 2;
    m->half_h = s->height * s->conversion / 2;
    /* No point farther in latitude than the radius (or the half height)
     * can match: the great-circle distance is at least the meridian one.
     * The margin covers rounding in both computations by far. */
    double reach = s->type == GEO_SHAPE_RADIUS ? m->radius_m : m->half_h;
    m->lat_reject = reach / GEO_EARTH_RADIUS_M * (1 + 1e-6) + 1e-12;
}

int geohash_matcher_test_score(const GeoMatcher *m, double score, double xy[2], double *dist) {
    uint64_t bits = score_to_u64(score);
    /* latitude first: most candidates are rejected by it alone */
    double lat2 = cell_centre(gather(bits), wgs_lat);
    if (fabs(deg_rad(lat2) - m->lat1r) > m->lat_reject) return 0;
    xy[0] = cell_centre(gather(bits >> 1), wgs_lon);
    xy[1] = lat2;
    return geohash_matcher_test(m, xy[0], lat2, dist);
}

int geohash_matcher_test(const GeoMatcher *m, double lon2, double lat2, double *dist) {
    double lat2r = deg_rad(lat2);
    if (fabs(lat2r - m->lat1r) > m->lat_reject) return 0;
    if (m->shape.type == GEO_SHAPE_RADIUS) {
        /* geohash_distance(centre, point), with the centre's terms
         * computed once */
        double lon2r = deg_rad(lon2);
        double v = sin((lon2r - m->lon1r) / 2);
        double d;
        if (v == 0.0) {
            d = GEO_EARTH_RADIUS_M * fabs(lat2r - m->lat1r);
        } else {
            double u = sin((lat2r - m->lat1r) / 2);
            double a = u * u + m->cos_lat1 * cos(lat2r) * v * v;
            d = 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a));
        }
        if (d > m->radius_m) return 0;
        *dist = d;
        return 1;
    }
    /* Box: the latitude gap, then the longitude gap measured along the
     * point's parallel, then the distance (Valkey's argument orders). */
    if (geohash_lat_distance(lat2, m->shape.xy[1]) > m->half_h) return 0;
    if (geohash_distance(lon2, lat2, m->shape.xy[0], lat2) > m->half_w) return 0;
    *dist = geohash_distance(m->shape.xy[0], m->shape.xy[1], lon2, lat2);
    return 1;
}

/* ---------------------------------------------------------- formatting */

size_t geohash_format_distance(double d, char *buf, size_t cap) {
    char tmp[48];
    if (d == 0) {
        memcpy(tmp, "0.0000", 6);
        if (cap < 7) return 0;
        memcpy(buf, tmp, 6);
        buf[6] = '\0';
        return 6;
    }
    long long sv = llrint(d * 10000.0);
    unsigned long long v;
    size_t n = 0;
    if (sv < 0) {
        tmp[n++] = '-';
        v = sv == (-9223372036854775807LL - 1) ? 9223372036854775808ULL : (unsigned long long)-sv;
    } else {
        v = (unsigned long long)sv;
    }
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    /* at least one integer digit, then exactly four fractional ones */
    while (nd < 5) digits[nd++] = '0';
    for (int i = nd - 1; i >= 4; i--) tmp[n++] = digits[i];
    tmp[n++] = '.';
    for (int i = 3; i >= 0; i--) tmp[n++] = digits[i];
    if (n + 1 > cap) return 0;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return n;
}

/* 64 x 64 -> 128 bits, portable (no __int128 on 32-bit targets). */
static void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* "%.17f" of |v| <= 180 (every coordinate we print), done exactly with
 * integers: v * 10^17 = m * 5^17 * 2^(e + 17), rounded to nearest with
 * ties to even as printf rounds; about 30 times cheaper than printf's
 * arbitrary-precision path.  Returns 0 when v is outside the range. */
static size_t coord_fixed17(double v, char *out) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int neg = (int)(bits >> 63);
    int ex = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((1ULL << 52) - 1);
    if (ex == 0x7ff || fabs(v) > 180) return 0;
    int e;
    if (ex == 0) {
        e = -1074;
    } else {
        m |= 1ULL << 52;
        e = ex - 1075;
    }
    /* |v| <= 180 < 2^8 with m >= 2^52 makes e <= -45: k >= 28 below */
    int k = -(e + 17);
    uint64_t hi, lo, q;
    mul_64x64(m, 762939453125ULL /* 5^17 */, &hi, &lo);
    if (k >= 128) {
        q = 0;
    } else {
        /* q = P >> k, then round on the bits shifted out */
        uint64_t rem_hi, rem_lo, half_hi, half_lo;
        if (k >= 64) {
            q = hi >> (k - 64);
            rem_hi = k == 64 ? 0 : hi & ((1ULL << (k - 64)) - 1);
            rem_lo = lo;
            half_hi = 1ULL << (k - 65 < 0 ? 0 : k - 65);
            half_lo = 0;
            if (k == 64) {
                half_hi = 0;
                half_lo = 1ULL << 63;
            }
        } else {
            q = (lo >> k) | (hi << (64 - k));
            rem_hi = 0;
            rem_lo = lo & ((1ULL << k) - 1);
            half_hi = 0;
            half_lo = 1ULL << (k - 1);
        }
        int cmp = rem_hi != half_hi ? (rem_hi > half_hi ? 1 : -1) : rem_lo != half_lo ? (rem_lo > half_lo ? 1 : -1) : 0;
        if (cmp > 0 || (cmp == 0 && (q & 1))) q++;
    }
    const uint64_t p17 = 100000000000000000ULL;
    uint64_t ip = q / p17, frac = q % p17;
    char tmp[48];
    size_t n = 0;
    if (neg) tmp[n++] = '-';
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (nd) tmp[n++] = digits[--nd];
    tmp[n++] = '.';
    for (int i = 16; i >= 0; i--) {
        tmp[n + (size_t)i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    n += 17;
    memcpy(out, tmp, n);
    out[n] = '\0';
    return n;
}

size_t geohash_format_coord(double v, char *buf, size_t cap) {
    if (isinf(v)) return (size_t)snprintf(buf, cap, "%s", v > 0 ? "inf" : "-inf");
    if (isnan(v)) return (size_t)snprintf(buf, cap, "nan");
    char fast[48];
    size_t len = coord_fixed17(v, fast);
    if (len && len + 1 <= cap) {
        memcpy(buf, fast, len + 1);
    } else {
        int n = snprintf(buf, cap, "%.17f", v);
        if (n < 0 || (size_t)n + 1 > cap) {
            if (cap) buf[0] = '\0';
            return 0;
        }
        len = (size_t)n;
    }
    if (memchr(buf, '.', len)) {
        while (buf[len - 1] == '0') len--;
        if (buf[len - 1] == '.') len--;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        len = 1;
    }
    buf[len] = '\0';
    return len;
}
