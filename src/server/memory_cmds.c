/* memory_cmds.c - MEMORY USAGE|STATS|DOCTOR|MALLOC-STATS|PURGE|HELP, and
 * the overhead breakdown INFO memory shares with MEMORY STATS.
 *
 * Every figure is measured: used memory from the accounting allocator
 * (ds/alloc), RSS from /proc, allocator figures from jemalloc's mallctl
 * (zero under libc, which has no such counters), table overheads from the
 * tables' own bucket arrays.  Nothing is a constant standing in for a
 * measurement. */
#include <stdio.h>
#include <string.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "server.h"
#include "reply.h"
#include "cmds.h"

void mem_overhead_compute(MemOverhead *m) {
    memset(m, 0, sizeof(*m));
    m->used = mem_used();
    if (m->used > server.used_memory_peak) server.used_memory_peak = m->used;
    m->peak = server.used_memory_peak;
    m->startup = server.used_memory_startup;
    m->clients_normal = clients_buffer_memory();
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        DbTableStats st;
        db_table_stats(db, &st);
        m->db_main += st.keys_bytes;
        m->db_expires += st.expires_bytes;
        m->keys += db_size(db);
        m->rehashing += st.rehashing_bytes;
        m->rehashing_count += st.rehashing_tables;
    }
    m->total = m->startup + m->clients_normal + m->db_main + m->db_expires;
    if (m->total > m->used) m->total = m->used;
    m->dataset = m->used - m->total;
    size_t net = m->used > m->startup ? m->used - m->startup : 1;
    m->dataset_perc = (float)m->dataset * 100 / (float)net;
    m->bytes_per_key = m->keys ? net / m->keys : 0;
    m->peak_perc = m->peak ? (float)m->used * 100 / (float)m->peak : 0;
    mem_allocator_stats(&m->allocated, &m->active, &m->resident);
    m->rss = mem_rss();
    m->frag = m->used ? (float)m->rss / (float)m->used : 0;
    m->frag_bytes = (long long)m->rss - (long long)m->used;
    m->alloc_frag = m->allocated ? (float)m->active / (float)m->allocated : 0;
    m->alloc_frag_bytes = (long long)m->active - (long long)m->allocated;
    m->alloc_rss = m->active ? (float)m->resident / (float)m->active : 0;
    m->alloc_rss_bytes = (long long)m->resident - (long long)m->active;
    m->rss_overhead = m->resident ? (float)m->rss / (float)m->resident : 0;
    m->rss_overhead_bytes = (long long)m->rss - (long long)m->resident;
}

/* ------------------------------------------------------- MEMORY USAGE */

void memory_usage_command(Client *c) {
    /* MEMORY USAGE key [SAMPLES count]: big aggregates are sized from a
     * sample of count elements (0: all of them), as Valkey does. */
    long long samples = 5;
    for (int i = 3; i < c->argc; i++) {
        if (arg_equals(&c->argv[i], "samples") && i + 1 < c->argc) {
            if (!arg_to_ll(c, &c->argv[i + 1], &samples)) return;
            if (samples < 0) {
                reply_syntax_error(c);
                return;
            }
            i++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    Kv *kv = db_lookup(c, c->db, &c->argv[2], LOOKUP_NOTOUCH | LOOKUP_NOSTATS);
    if (!kv) {
        reply_null(c);
        return;
    }
    /* The entry (key, value, links, TTL) plus its share of the bucket
     * arrays that point at it. */
    size_t n = kv_mem_usage(kv, samples) + sizeof(void *);
    if (kv_has_expire(kv)) n += sizeof(void *);
    reply_int(c, (long long)n);
}

/* ------------------------------------------------------- MEMORY STATS */

static void stat_num(Client *c, const char *name, long long v) {
    reply_bulk_cstr(c, name);
    reply_int(c, v);
}

static void stat_dbl(Client *c, const char *name, float v) {
    reply_bulk_cstr(c, name);
    reply_double(c, (double)v);
}

void memory_stats_command(Client *c) {
    MemOverhead m;
    mem_overhead_compute(&m);
    int dbs_with_keys = 0;
    for (int i = 0; i < server.db_count; i++)
        if (db_size(&server.dbs[i])) dbs_with_keys++;
    reply_map_len(c, 31 + dbs_with_keys);
    stat_num(c, "peak.allocated", (long long)m.peak);
    stat_num(c, "total.allocated", (long long)m.used);
    stat_num(c, "startup.allocated", (long long)m.startup);
    stat_num(c, "replication.backlog", 0);
    stat_num(c, "clients.slaves", 0);
    stat_num(c, "clients.normal", (long long)m.clients_normal);
    stat_num(c, "cluster.links", 0);
    stat_num(c, "aof.buffer", 0);
    stat_num(c, "lua.caches", 0);
    stat_num(c, "functions.caches", 0);
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        if (!db_size(db)) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", i);
        reply_bulk_cstr(c, name);
        reply_map_len(c, 2);
        stat_num(c, "overhead.hashtable.main", (long long)ht_mem_usage(db->keys));
        stat_num(c, "overhead.hashtable.expires", (long long)ht_mem_usage(db->expires));
    }
    stat_num(c, "overhead.db.hashtable.lut", (long long)(m.db_main + m.db_expires));
    stat_num(c, "overhead.db.hashtable.rehashing", (long long)m.rehashing);
    stat_num(c, "overhead.total", (long long)m.total);
    stat_num(c, "db.dict.rehashing.count", (long long)m.rehashing_count);
    stat_num(c, "keys.count", (long long)m.keys);
    stat_num(c, "keys.bytes-per-key", (long long)m.bytes_per_key);
    stat_num(c, "dataset.bytes", (long long)m.dataset);
    stat_dbl(c, "dataset.percentage", m.dataset_perc);
    stat_dbl(c, "peak.percentage", m.peak_perc);
    stat_num(c, "allocator.allocated", (long long)m.allocated);
    stat_num(c, "allocator.active", (long long)m.active);
    stat_num(c, "allocator.resident", (long long)m.resident);
    stat_num(c, "allocator.muzzy", 0);
    stat_dbl(c, "allocator-fragmentation.ratio", m.alloc_frag);
    stat_num(c, "allocator-fragmentation.bytes", m.alloc_frag_bytes);
    stat_dbl(c, "allocator-rss.ratio", m.alloc_rss);
    stat_num(c, "allocator-rss.bytes", m.alloc_rss_bytes);
    stat_dbl(c, "rss-overhead.ratio", m.rss_overhead);
    stat_num(c, "rss-overhead.bytes", m.rss_overhead_bytes);
    stat_dbl(c, "fragmentation", m.frag);
    stat_num(c, "fragmentation.bytes", m.frag_bytes);
}

/* ------------------------------------------------------ MEMORY DOCTOR */

/* Below this much memory in use, ratios mean nothing: a few hundred KB
 * of allocator slack looks like "fragmentation 3.0". */
#define DOCTOR_MIN_USED (5u * 1024 * 1024)

void memory_doctor_command(Client *c) {
    MemOverhead m;
    mem_overhead_compute(&m);
    Str *out = str_with_capacity(1024);
    if (m.used < DOCTOR_MIN_USED) {
        out = str_cat_cstr(out, "This instance holds very little data, too little for a memory diagnosis to say "
                                "anything useful: with so few bytes in use, every ratio is dominated by fixed "
                                "costs. Load some data and ask again.\n");
        reply_verbatim(c, out->buf, out->len, "txt");
        str_free(out);
        return;
    }
    int issues = 0;
    Str *list = str_with_capacity(512);
    if (m.peak_perc < 66.7f) {
        issues++;
        list = str_catfmt(list, " * Peak memory: at some point this instance used %zu bytes, more than 150%% of "
                                "what it uses now. The allocator may hold on to memory freed since then, so the "
                                "RSS can stay high.\n\n", m.peak);
    }
    if (m.frag > 1.4f && m.rss > m.used + 10u * 1024 * 1024) {
        issues++;
        list = str_catfmt(list, " * High fragmentation: the process holds %.2f times the memory in use (RSS %zu "
                                "bytes for %zu used). MEMORY PURGE asks the allocator to return free pages.\n\n",
                          (double)m.frag, m.rss, m.used);
    }
    uint64_t normal = server.client_count;
    if (normal && m.clients_normal / normal > 200u * 1024) {
        issues++;
        list = str_catfmt(list, " * Big client buffers: the %llu connected clients use %zu bytes of buffers, "
                                "more than 200KB each on average. Slow readers of big replies, or pipelines "
                                "of huge requests, cause this; client-output-buffer-limit bounds it.\n\n",
                          (unsigned long long)normal, m.clients_normal);
    }
    if (issues == 0)
        out = str_cat_cstr(out, "No memory problems found: peak, fragmentation and client buffers all look "
                                "normal for this instance.\n");
    else
        out = str_catfmt(str_catfmt(out, "%d memory issue%s found:\n\n", issues, issues > 1 ? "s" : ""), "%s",
                         list->buf);
    str_free(list);
    reply_verbatim(c, out->buf, out->len, "txt");
    str_free(out);
}

/* ------------------------------------------------- MALLOC-STATS, PURGE */

#ifdef USE_JEMALLOC
static void collect_stats(void *opaque, const char *text) {
    Str **out = opaque;
    *out = str_cat_cstr(*out, text);
}
#endif

void memory_malloc_stats_command(Client *c) {
#ifdef USE_JEMALLOC
    Str *out = str_with_capacity(16 * 1024);
    malloc_stats_print(collect_stats, &out, NULL);
    reply_verbatim(c, out->buf, out->len, "txt");
    str_free(out);
#else
    reply_bulk_cstr(c, "Stats not supported for the current allocator");
#endif
}

void memory_purge_command(Client *c) {
    mem_purge();
    reply_ok(c);
}

void memory_help_command(Client *c) {
    static const char *help[] = {
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    reply_help(c, help);
}
