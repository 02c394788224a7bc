/*
 * difftest_geo.h - difftest's GEO row: GEOADD (NX XX CH, bulk adds past
 * 128 members, invalid and edge coordinates), GEOPOS, GEODIST (units),
 * GEOHASH, GEOSEARCH and GEOSEARCHSTORE (FROMMEMBER/FROMLONLAT,
 * BYRADIUS/BYBOX, ASC/DESC, COUNT [ANY], WITHCOORD/WITHDIST/WITHHASH,
 * STOREDIST) and the GEORADIUS family with STORE/STOREDIST, plus ZADD of
 * scores no GEOADD makes (negative, fractional, huge) and ZREM.
 *
 * Positions: mostly continuous random points in a 2.5 x 2 degree box
 * around Sicily (searches there find tens of members), some from a pool
 * of 12 fixed points (equal distances, so the order of ties is
 * compared), some at the edges of the coordinate ranges.  Every reply is
 * compared exactly: results come in Valkey's order (cells, then scores,
 * then a stable sort by distance, or pqsort under COUNT).
 * Keys "df:g0".."df:g7" (TYPE zset: the zset row's dump compares them).
 * Known Valkey 8 / Redis 7.0 differences (difftest.c's accepted table):
 * distances are rounded by llrint(d * 10^4) in Valkey and by "%.4f" in
 * Redis 7.0, and Valkey measures points on the centre's meridian by their
 * latitude difference alone.
 */
#ifndef TESTS_HIREDIS_DIFFTEST_GEO_H
#define TESTS_HIREDIS_DIFFTEST_GEO_H

#include "difftest_gen.h"

#define GEO_KEYS "df:g", 8

static void geo_key(Cmd *c) { add_key_of(c, GEO_KEYS); }

static const double geo_pool[12][2] = {
    {13.361389, 38.115556}, {15.087269, 37.502669}, {14.2, 37.9},   {13.95, 38.4},
    {14.61, 37.11},         {15.3, 38.9},           {13.51, 37.68}, {14.05, 38.05},
    {14.88, 38.21},         {13.02, 38.77},         {14.44, 37.47}, {15.41, 37.23},
};

/* A longitude latitude pair. */
static void geo_lonlat(Cmd *c)
{
    int k = rnd(100);
    if (k < 60) {
        addf(c, "%.6f", 13.0 + rnd(2500000) / 1e6);
        addf(c, "%.6f", 37.0 + rnd(2000000) / 1e6);
    } else if (k < 85) {
        int i = rnd(12);
        addf(c, "%.6f", geo_pool[i][0]);
        addf(c, "%.6f", geo_pool[i][1]);
    } else if (k < 92) {
        static const char *edge[][2] = {{"180", "85.05112878"}, {"-180", "-85.05112878"}, {"0", "0"},
                                        {"179.999999", "-85.05112877"}, {"-179.5", "84.9"}, {"90", "-45"}};
        int i = rnd(6);
        add(c, edge[i][0]);
        add(c, edge[i][1]);
    } else {
        static const char *bad[][2] = {{"181", "10"}, {"10", "86"}, {"-180.0000001", "0"}, {"x", "1"},
                                       {"1", ""}, {"nan", "1"}, {"1e400", "2"}, {"inf", "0"}};
        int i = rnd(8);
        add(c, bad[i][0]);
        add(c, bad[i][1]);
    }
}

static void geo_member(Cmd *c)
{
    int k = rnd(100);
    if (k < 80) addf(c, "p%d", rnd(12));
    else if (k < 90) addf(c, "%d", rnd(10));
    else add_elem(c);
}

static void geo_unit(Cmd *c)
{
    int k = rnd(100);
    if (k < 88) add_word(c, (const char *[]){"m", "km", "ft", "mi"}[rnd(4)]);
    else if (k < 95) add(c, (const char *[]){"KM", "Mi", "M", "fT"}[rnd(4)]);
    else add(c, (const char *[]){"yd", "", "kms"}[rnd(3)]);
}

/* A distance in the unit that follows: mostly something that finds
 * members in the box (1-300 km). */
static void geo_radius(Cmd *c, int *unit_km)
{
    int k = rnd(100);
    *unit_km = 1;
    if (k < 80) addf(c, "%d.%d", 1 + rnd(300), rnd(10));
    else if (k < 88) add(c, (const char *[]){"0", "0.5", "5000", "20000"}[rnd(4)]);
    else add(c, (const char *[]){"-1", "x", "", "inf", "nan"}[rnd(5)]);
}

static void geo_with_options(Cmd *c, int store_ok)
{
    int n = rnd(4);
    for (int i = 0; i < n; i++) {
        int k = rnd(100);
        if (k < 20) add_word(c, "WITHDIST");
        else if (k < 35) add_word(c, "WITHCOORD");
        else if (k < 45) add_word(c, "WITHHASH");
        else if (k < 65) add_word(c, chance(50) ? "ASC" : "DESC");
        else if (k < 85) {
            add_word(c, "COUNT");
            if (chance(90)) addf(c, "%d", 1 + rnd(12));
            else add(c, (const char *[]){"0", "-1", "x"}[rnd(3)]);
            if (chance(30)) add_word(c, "ANY");
        } else if (k < 90) {
            add_word(c, "ANY");
        } else if (k < 97 && store_ok) {
            add_word(c, chance(50) ? "STORE" : "STOREDIST");
            addf(c, "df:g%d", 6 + rnd(2));
        } else {
            add_word(c, "BOGUS");
        }
    }
}

static void geo_gen_search(Cmd *c, int store)
{
    add_word(c, store ? "GEOSEARCHSTORE" : "GEOSEARCH");
    if (store) addf(c, "df:g%d", 6 + rnd(2));
    geo_key(c);
    /* FROM and BY in either order, sometimes both FROMs, or none */
    int from_first = chance(80);
    int u;
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? from_first : !from_first;
        if (from) {
            int k = rnd(100);
            if (k < 45) { add_word(c, "FROMMEMBER"); geo_member(c); }
            else if (k < 92) { add_word(c, "FROMLONLAT"); geo_lonlat(c); }
            else if (k < 96) { add_word(c, "FROMMEMBER"); geo_member(c); add_word(c, "FROMLONLAT"); geo_lonlat(c); }
        } else {
            int k = rnd(100);
            if (k < 55) { add_word(c, "BYRADIUS"); geo_radius(c, &u); geo_unit(c); }
            else if (k < 95) { add_word(c, "BYBOX"); geo_radius(c, &u); geo_radius(c, &u); geo_unit(c); }
        }
    }
    int n = rnd(4);
    for (int i = 0; i < n; i++) {
        int k = rnd(100);
        if (k < 15 && !store) add_word(c, "WITHDIST");
        else if (k < 25 && !store) add_word(c, "WITHCOORD");
        else if (k < 32 && !store) add_word(c, "WITHHASH");
        else if (k < 52) add_word(c, chance(50) ? "ASC" : "DESC");
        else if (k < 80) {
            add_word(c, "COUNT");
            if (chance(90)) addf(c, "%d", 1 + rnd(12));
            else add(c, (const char *[]){"0", "-1", "x"}[rnd(3)]);
            if (chance(30)) add_word(c, "ANY");
        } else if (k < 88) add_word(c, store ? "STOREDIST" : "WITHDIST");
        else if (k < 92) add_word(c, "ANY");
        else add_word(c, (const char *[]){"BOGUS", "STORE", "WITHDIST"}[rnd(3)]);
    }
}

static void geo_gen(Cmd *c)
{
    if (gen_reclaim(c, GEO_KEYS)) return;
    int w = rnd(190);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(50) {
        add_word(c, "GEOADD");
        geo_key(c);
        if (chance(30)) {
            static const char *opts[] = {"NX", "XX", "CH"};
            int n = 1 + rnd(2);
            for (int i = 0; i < n; i++) add_word(c, opts[rnd(3)]);
        }
        if (chance(2)) {  /* past zset-max-listpack-entries */
            int n = 129 + rnd(30);
            for (int i = 0; i < n; i++) {
                addf(c, "%.6f", 13.0 + rnd(2500000) / 1e6);
                addf(c, "%.6f", 37.0 + rnd(2000000) / 1e6);
                addf(c, "q%d", i);
            }
            return;
        }
        int n = 1 + (chance(40) ? 0 : rnd(6));
        for (int i = 0; i < n; i++) {
            geo_lonlat(c);
            geo_member(c);
        }
        if (chance(3)) add_word(c, "extra");
        return;
    }
    PICK(8) {
        add_word(c, "ZADD");
        geo_key(c);
        add(c, (const char *[]){"-5", "0.5", "-1e300", "1e300", "inf", "-inf", "4503599627370496",
                                "9.3e18", "123456789012345.75", "3479099956230698"}[rnd(10)]);
        geo_member(c);
        return;
    }
    PICK(6) {
        add_word(c, "ZREM");
        geo_key(c);
        geo_member(c);
        return;
    }
    PICK(15) {
        add_word(c, "GEOPOS");
        geo_key(c);
        int n = rnd(4);
        for (int i = 0; i < n; i++) geo_member(c);
        return;
    }
    PICK(10) {
        add_word(c, "GEOHASH");
        geo_key(c);
        int n = rnd(4);
        for (int i = 0; i < n; i++) geo_member(c);
        return;
    }
    PICK(15) {
        add_word(c, "GEODIST");
        geo_key(c);
        geo_member(c);
        geo_member(c);
        if (chance(70)) geo_unit(c);
        if (chance(3)) add_word(c, "extra");
        return;
    }
    PICK(35) { geo_gen_search(c, 0); return; }
    PICK(15) { geo_gen_search(c, 1); return; }
    PICK(32) {
        int bymember = chance(40), ro = chance(30);
        add_word(c, bymember ? (ro ? "GEORADIUSBYMEMBER_RO" : "GEORADIUSBYMEMBER") : (ro ? "GEORADIUS_RO" : "GEORADIUS"));
        geo_key(c);
        if (bymember) geo_member(c);
        else geo_lonlat(c);
        int u;
        geo_radius(c, &u);
        geo_unit(c);
        geo_with_options(c, 1);
        return;
    }
#undef PICK
    add_word(c, "GEOSEARCH");
    geo_key(c);
}

static const DiffType difftype_geo = {
    "geo", NULL,
    "GEOADD GEOPOS GEOHASH GEODIST GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER "
    "GEORADIUSBYMEMBER_RO ZADD ZREM DEL",
    12, GEO_KEYS, geo_gen, NULL,
};

#endif
