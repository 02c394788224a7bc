/* geohash.h - the geohash arithmetic behind the GEO commands, with the
 * exact floating-point steps Valkey takes, so that scores, decoded
 * coordinates, search areas and distances agree with Valkey's bit for bit
 * (on the same libm).
 *
 *  - A position is stored as a 52-bit integer score: 26 bits of latitude
 *    offset interleaved with 26 bits of longitude offset (latitude in the
 *    even bits, longitude in the odd ones), over longitudes -180..180 and
 *    the Web Mercator latitudes -85.05112878..85.05112878.
 *  - A score decodes to the centre of its cell (clamped to those limits).
 *  - Distances are haversine great-circle distances on a sphere of
 *    6372797.560856 m, with Valkey's shortcut when the longitudes give a
 *    zero half-angle sine (then only the latitude difference counts).
 *  - A search (radius or box) scans up to 9 cells: the cell of the centre
 *    at a step estimated from the radius and its 8 neighbours, minus those
 *    Valkey drops, as score ranges [min, max).
 *
 * Knows nothing of the server: numbers in, numbers out.  Uses libm's sin,
 * cos, asin and sqrt, as Valkey does. */
#ifndef DEPS_GEOHASH_H
#define DEPS_GEOHASH_H

#include <stddef.h>
#include <stdint.h>

#define GEO_LONG_MIN -180.0
#define GEO_LONG_MAX 180.0
#define GEO_LAT_MIN -85.05112878
#define GEO_LAT_MAX 85.05112878
#define GEO_STEP_MAX 26                     /* bits per coordinate in a score */
#define GEO_EARTH_RADIUS_M 6372797.560856
#define GEO_MERCATOR_MAX 20037726.37

typedef struct GeoHashBits {
    uint64_t bits;
    uint8_t step;       /* bits per coordinate; 0 with bits 0: "no cell" */
} GeoHashBits;

typedef struct GeoRange {
    double min, max;
} GeoRange;

typedef struct GeoArea {
    GeoHashBits hash;
    GeoRange lon, lat;
} GeoArea;

/* The 8 cells around one, at the same step (wrapping around at the edges
 * of the coordinate ranges, as the bit arithmetic does). */
typedef struct GeoNeighbors {
    GeoHashBits north, south, east, west, north_east, north_west, south_east, south_west;
} GeoNeighbors;

/* ---------------------------------------------------------- bits */

/* Bit i of even goes to bit 2i, bit i of odd to bit 2i+1. */
uint64_t geohash_interleave(uint32_t even, uint32_t odd);
/* The inverse: even bits to the low 32 bits, odd bits to the high 32. */
uint64_t geohash_deinterleave(uint64_t v);

/* ------------------------------------------------ encode / decode */

/* The cell of (lon, lat) at `step` (1..32) over the given ranges; 0 when
 * the point is outside the ranges or the Mercator limits. */
int geohash_encode(GeoRange lon_r, GeoRange lat_r, double lon, double lat, int step, GeoHashBits *out);
/* The same over the GEO ranges. */
int geohash_encode_wgs84(double lon, double lat, int step, GeoHashBits *out);
/* The bounds of a cell; 0 for the "no cell" value. */
int geohash_decode(GeoRange lon_r, GeoRange lat_r, GeoHashBits h, GeoArea *out);
/* The cell's bits shifted up to 52 bits: its lowest score. */
uint64_t geohash_align52(GeoHashBits h);
/* A score (a 52-bit cell as a double) to the centre of its cell:
 * xy[0] longitude, xy[1] latitude.  Returns 0 when it cannot decode. */
int geohash_score_to_xy(double score, double xy[2]);
/* The score GEOADD stores for (lon, lat); 0 when out of range. */
int geohash_xy_to_score(double lon, double lat, uint64_t *score);
/* GEOHASH's 11-character standard geohash (latitudes -90..90) of a
 * stored score.  Returns 0 when the score does not decode. */
int geohash_score_to_string(double score, char out[11]);

void geohash_neighbors(GeoHashBits h, GeoNeighbors *n);

/* ------------------------------------------------------ distances */

double geohash_distance(double lon1, double lat1, double lon2, double lat2);
/* The distance along a meridian between two latitudes. */
double geohash_lat_distance(double lat1, double lat2);

/* ----------------------------------------------------------- search */

enum { GEO_SHAPE_RADIUS = 1, GEO_SHAPE_BOX = 2 };

typedef struct GeoShape {
    int type;
    double xy[2];          /* the centre: longitude, latitude */
    double radius;         /* GEO_SHAPE_RADIUS, in the unit */
    double width, height;  /* GEO_SHAPE_BOX, in the unit */
    double conversion;     /* metres per unit */
} GeoShape;

/* Precomputed values of a shape for testing many points against it. */
typedef struct GeoMatcher {
    GeoShape shape;
    double lon1r, lat1r, cos_lat1;
    double radius_m, half_w, half_h;
    double lat_reject;     /* a latitude gap (radians) beyond which no point can match */
} GeoMatcher;

/* The number of bits per coordinate of the search cells for a radius in
 * metres around a latitude. */
int geohash_estimate_steps(double radius_m, double lat);
/* The shape's bounding box: bounds[0] min longitude, [1] min latitude,
 * [2] max longitude, [3] max latitude. */
void geohash_bounding_box(const GeoShape *s, double bounds[4]);
/* The cells to scan, in Valkey's order (centre, N, S, E, W, NE, NW, SE,
 * SW), without those dropped and without a cell equal to the one scanned
 * just before it: score ranges [min[i], max[i]).  Returns how many. */
int geohash_search_ranges(const GeoShape *s, uint64_t min[9], uint64_t max[9]);

void geohash_matcher_init(GeoMatcher *m, const GeoShape *s);
/* 1 when the point (lon2, lat2) is inside the shape, with *dist its
 * distance from the centre in metres; 0 otherwise. */
int geohash_matcher_test(const GeoMatcher *m, double lon2, double lat2, double *dist);
/* The same for a stored score: decodes it (into xy, as
 * geohash_score_to_xy does) only as far as the test needs. */
int geohash_matcher_test_score(const GeoMatcher *m, double score, double xy[2], double *dist);

/* ------------------------------------------------------- formatting */

/* A distance as Valkey prints it: rounded to 4 fractional digits by
 * llrint(d * 10000) (not printf's rounding of the exact value). */
size_t geohash_format_distance(double d, char *buf, size_t cap);
/* A coordinate as Valkey prints it: "%.17f" with trailing zeros (and a
 * bare point) removed, "-0" as "0". */
size_t geohash_format_coord(double v, char *buf, size_t cap);

#endif
