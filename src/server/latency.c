/* latency.c - the two latency instruments operators read:
 *
 *  1. the latency monitor (LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR):
 *     named events ("command", "fast-command", "expire-cycle", ...) keep
 *     a ring of the last LATENCY_RING samples, one per second at most
 *     (a second sample in the same second keeps the larger value), plus
 *     their all-time maximum.  Samples are only taken for durations of at
 *     least latency-monitor-threshold milliseconds, and the threshold is
 *     checked by the caller, so a disabled monitor costs one comparison.
 *
 *  2. per-command latency tracking (latency-tracking yes): each command
 *     owns a log-linear histogram of its durations in nanoseconds (deps/
 *     histogram), allocated on its first call; after that a call costs a
 *     single histogram increment.  LATENCY HISTOGRAM and INFO latencystats
 *     read it.
 *
 * Invariant: an event's ring holds samples in time order starting at
 * `next` (the oldest); a slot with time 0 is empty. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server.h"
#include "reply.h"
#include "cmds.h"
#include "../../deps/histogram/histogram.h"

#define LATENCY_RING 160
/* Durations are recorded in ns and clamped as Valkey does (1 ns to 1 s),
 * so the two report the same buckets for the same workload. */
#define TRACK_MIN_NS 1ULL
#define TRACK_MAX_NS 1000000000ULL

typedef struct LatencySample {
    int32_t time;     /* unix seconds; 0 = empty slot */
    uint32_t latency; /* milliseconds */
} LatencySample;

typedef struct LatencyEvent {
    struct LatencyEvent *next;
    int next_slot;    /* where the next sample goes (and the oldest is) */
    uint32_t max;
    LatencySample samples[LATENCY_RING];
    char name[];
} LatencyEvent;

/* ------------------------------------------------------ latency monitor */

static LatencyEvent *event_find(const char *name, size_t len) {
    for (LatencyEvent *e = server.latency_events; e; e = e->next)
        if (strlen(e->name) == len && strncasecmp(e->name, name, len) == 0) return e;
    return NULL;
}

void latency_add_sample(const char *event, uint64_t ms) {
    LatencyEvent *e = event_find(event, strlen(event));
    if (!e) {
        size_t n = strlen(event);
        e = mem_calloc(sizeof(*e) + n + 1);
        memcpy(e->name, event, n + 1);
        e->next = server.latency_events;
        server.latency_events = e;
    }
    uint32_t lat = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    int32_t now = (int32_t)(server.now_ms / 1000);
    if (lat > e->max) e->max = lat;
    int last = (e->next_slot + LATENCY_RING - 1) % LATENCY_RING;
    if (e->samples[last].time == now) {
        if (lat > e->samples[last].latency) e->samples[last].latency = lat;
        return;
    }
    e->samples[e->next_slot].time = now;
    e->samples[e->next_slot].latency = lat;
    e->next_slot = (e->next_slot + 1) % LATENCY_RING;
}

static const LatencySample *event_latest(const LatencyEvent *e) {
    return &e->samples[(e->next_slot + LATENCY_RING - 1) % LATENCY_RING];
}

static int event_sample_count(const LatencyEvent *e) {
    int n = 0;
    for (int i = 0; i < LATENCY_RING; i++)
        if (e->samples[i].time) n++;
    return n;
}

static void event_free_all(void) {
    while (server.latency_events) {
        LatencyEvent *e = server.latency_events;
        server.latency_events = e->next;
        mem_free(e);
    }
}

static int event_remove(const char *name, size_t len) {
    for (LatencyEvent **pp = &server.latency_events; *pp; pp = &(*pp)->next) {
        LatencyEvent *e = *pp;
        if (strlen(e->name) == len && strncasecmp(e->name, name, len) == 0) {
            *pp = e->next;
            mem_free(e);
            return 1;
        }
    }
    return 0;
}

void latency_latest_command(Client *c) {
    long long n = 0;
    for (LatencyEvent *e = server.latency_events; e; e = e->next) n++;
    reply_array_len(c, n);
    for (LatencyEvent *e = server.latency_events; e; e = e->next) {
        const LatencySample *s = event_latest(e);
        reply_array_len(c, 4);
        reply_bulk_cstr(c, e->name);
        reply_int(c, s->time);
        reply_int(c, s->latency);
        reply_int(c, e->max);
    }
}

void latency_history_command(Client *c) {
    LatencyEvent *e = event_find(c->argv[2].p, c->argv[2].len);
    if (!e) {
        reply_array_len(c, 0);
        return;
    }
    reply_array_len(c, event_sample_count(e));
    for (int k = 0; k < LATENCY_RING; k++) {
        const LatencySample *s = &e->samples[(e->next_slot + k) % LATENCY_RING];
        if (!s->time) continue;
        reply_array_len(c, 2);
        reply_int(c, s->time);
        reply_int(c, s->latency);
    }
}

void latency_reset_command(Client *c) {
    long long n = 0;
    if (c->argc == 2) {
        for (LatencyEvent *e = server.latency_events; e; e = e->next) n++;
        event_free_all();
    } else {
        for (int i = 2; i < c->argc; i++) n += event_remove(c->argv[i].p, c->argv[i].len);
    }
    reply_int(c, n);
}

/* "12s", "3m", "2h", "1d": how long ago, as the graph's column labels. */
static void age_label(char *buf, size_t len, int64_t secs) {
    if (secs < 0) secs = 0;
    if (secs < 60) snprintf(buf, len, "%llds", (long long)secs);
    else if (secs < 3600) snprintf(buf, len, "%lldm", (long long)(secs / 60));
    else if (secs < 86400) snprintf(buf, len, "%lldh", (long long)(secs / 3600));
    else snprintf(buf, len, "%lldd", (long long)(secs / 86400));
}

/* The graph: one column per sample (oldest left), GRAPH_ROWS rows of
 * height scaled between the lowest and highest sample, then each
 * column's age written downwards under it. */
#define GRAPH_ROWS 4
void latency_graph_command(Client *c) {
    LatencyEvent *e = event_find(c->argv[2].p, c->argv[2].len);
    if (!e || event_sample_count(e) == 0) {
        reply_errorf(c, "No samples available for event '%.*s'", (int)(c->argv[2].len > 128 ? 128 : c->argv[2].len),
                     c->argv[2].p);
        return;
    }
    LatencySample cols[LATENCY_RING];
    int n = 0;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int k = 0; k < LATENCY_RING; k++) {
        const LatencySample *s = &e->samples[(e->next_slot + k) % LATENCY_RING];
        if (!s->time) continue;
        cols[n++] = *s;
        if (s->latency < lo) lo = s->latency;
        if (s->latency > hi) hi = s->latency;
    }
    Str *out = str_catfmt(str_with_capacity(1024), "%s - high %u ms, low %u ms (all time high %u ms)\n", e->name, hi,
                          lo, e->max);
    for (int i = 0; i < 80; i++) out = str_cat(out, "-", 1);
    out = str_cat(out, "\n", 1);
    /* Level of each column: 1..GRAPH_ROWS*2 half-rows. */
    int level[LATENCY_RING];
    for (int i = 0; i < n; i++) {
        double f = hi > lo ? (double)(cols[i].latency - lo) / (double)(hi - lo) : 0.0;
        level[i] = 1 + (int)(f * (GRAPH_ROWS * 2 - 1) + 0.5);
    }
    for (int row = GRAPH_ROWS - 1; row >= 0; row--) {
        for (int i = 0; i < n; i++) {
            int top = level[i] - row * 2; /* half-rows above this row's floor */
            char ch = ' ';
            if (top >= 2) ch = level[i] > row * 2 + 2 ? '|' : '#';
            else if (top == 1) ch = '_';
            out = str_cat(out, &ch, 1);
        }
        out = str_cat(out, "\n", 1);
    }
    /* Ages, written vertically, one character per line. */
    char labels[LATENCY_RING][16];
    size_t maxlen = 0;
    int64_t now_s = server.now_ms / 1000;
    for (int i = 0; i < n; i++) {
        age_label(labels[i], sizeof(labels[i]), now_s - cols[i].time);
        if (strlen(labels[i]) > maxlen) maxlen = strlen(labels[i]);
    }
    for (size_t line = 0; line < maxlen; line++) {
        for (int i = 0; i < n; i++) {
            char ch = line < strlen(labels[i]) ? labels[i][line] : ' ';
            out = str_cat(out, &ch, 1);
        }
        out = str_cat(out, "\n", 1);
    }
    reply_verbatim(c, out->buf, out->len, "txt");
    str_free(out);
}

/* A plain-language reading of the events, with advice that depends on
 * which events fired. */
void latency_doctor_command(Client *c) {
    Str *out = str_with_capacity(1024);
    if (!server.latency_events) {
        if (server.cfg.latency_monitor_threshold == 0)
            out = str_cat_cstr(out,
                               "The latency monitor is off (latency-monitor-threshold is 0), so there is nothing "
                               "to analyse yet. Turn it on with CONFIG SET latency-monitor-threshold <milliseconds> "
                               "and ask again once the server has run for a while.\n");
        else
            out = str_cat_cstr(out, "No latency spikes were recorded: every monitored operation finished within "
                                    "the configured latency-monitor-threshold. Nothing to report.\n");
        reply_verbatim(c, out->buf, out->len, "txt");
        str_free(out);
        return;
    }
    out = str_cat_cstr(out, "Latency report. The server recorded operations slower than "
                            "latency-monitor-threshold; here is what they were:\n\n");
    int idx = 1, saw_command = 0, saw_expire = 0;
    for (LatencyEvent *e = server.latency_events; e; e = e->next, idx++) {
        int count = 0;
        uint64_t sum = 0;
        int32_t first = 0, last = 0;
        for (int k = 0; k < LATENCY_RING; k++) {
            const LatencySample *s = &e->samples[(e->next_slot + k) % LATENCY_RING];
            if (!s->time) continue;
            if (!count) first = s->time;
            last = s->time;
            count++;
            sum += s->latency;
        }
        double avg = count ? (double)sum / count : 0;
        double dev = 0;
        for (int k = 0; k < LATENCY_RING; k++)
            if (e->samples[k].time) {
                double d = (double)e->samples[k].latency - avg;
                dev += d < 0 ? -d : d;
            }
        if (count) dev /= count;
        double period = count > 1 ? (double)(last - first) / (count - 1) : 0;
        out = str_catfmt(out,
                         "%d. %s: %d latency spikes (average %.0fms, mean deviation %.0fms, period %.2f sec). "
                         "Worst all time event %ums.\n",
                         idx, e->name, count, avg, dev, period, e->max);
        if (strcmp(e->name, "command") == 0 || strcmp(e->name, "fast-command") == 0) saw_command = 1;
        if (strncmp(e->name, "expire", 6) == 0) saw_expire = 1;
    }
    out = str_cat_cstr(out, "\nSuggestions:\n\n");
    if (saw_command)
        out = str_cat_cstr(out, "- Slow commands were seen: SLOWLOG GET names them with their arguments. Commands "
                                "that touch many elements (KEYS, SMEMBERS on big sets, LRANGE over long lists, "
                                "DEL of large values) are the usual cause; prefer SCAN-style iteration and "
                                "UNLINK.\n");
    if (saw_expire)
        out = str_cat_cstr(out, "- The active expire cycle took long: many keys expiring at the same moment make "
                                "it work hard. Spreading the expire times over a window avoids the pile-up.\n");
    out = str_cat_cstr(out, "- If the machine is virtualised or shared, measure its intrinsic latency too: "
                            "spikes can come from the host rather than from the server.\n");
    reply_verbatim(c, out->buf, out->len, "txt");
    str_free(out);
}

void latency_help_command(Client *c) {
    static const char *help[] = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    reply_help(c, help);
}

/* ------------------------------------------------ per-command tracking */

void latency_track_command(Command *cmd, uint64_t duration_us) {
    if (!cmd->latency_hist) {
        cmd->latency_hist = mem_alloc(sizeof(Histogram));
        hist_init(cmd->latency_hist);
    }
    uint64_t ns = duration_us * 1000;
    if (ns < TRACK_MIN_NS) ns = TRACK_MIN_NS;
    if (ns > TRACK_MAX_NS) ns = TRACK_MAX_NS;
    hist_record(cmd->latency_hist, ns);
}

static void reset_one(Command *cmd) {
    if (cmd->latency_hist) {
        hist_free(cmd->latency_hist);
        mem_free(cmd->latency_hist);
        cmd->latency_hist = NULL;
    }
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) reset_one(sub);
}

void latency_tracking_reset(void) {
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) reset_one(cmd);
}

static int has_samples(const Command *cmd) {
    return cmd->latency_hist && cmd->latency_hist->total > 0;
}

/* "calls" and "histogram_usec": cumulative counts at the power-of-two
 * levels 1024 ns * 2^k, listed only where the count grows.  Valkey's
 * histogram (2 significant digits) names each level by the top of the
 * sub-bucket holding it, 2^k + 2^(k-7) - 1 ns, in whole microseconds
 * (1, 2, 4, 8, 16, 33, 66, 132, ...); we use the same names and bounds.
 * Our buckets are a little coarser (1/32 of a power of two), so a value
 * within 3% above a bound may be counted under it. */
static void reply_command_cdf(Client *c, const Command *cmd) {
    const Histogram *h = cmd->latency_hist;
    reply_bulk_cstr(c, cmd->fullname);
    reply_map_len(c, 2);
    reply_bulk_cstr(c, "calls");
    reply_int(c, (long long)h->total);
    reply_bulk_cstr(c, "histogram_usec");
    uint64_t keys[64], counts[64];
    int n = 0;
    uint64_t prev = 0;
    for (int k = 10; k < 40; k++) {
        uint64_t top = (1ULL << k) + (1ULL << (k - 7)) - 1;
        uint64_t cum = hist_count_upto(h, top);
        if (cum > prev) {
            keys[n] = top / 1000;
            counts[n] = cum;
            n++;
        }
        prev = cum;
        if (cum >= h->total) break;
    }
    reply_map_len(c, n);
    for (int i = 0; i < n; i++) {
        reply_int(c, (long long)keys[i]);
        reply_int(c, (long long)counts[i]);
    }
}

static long long count_tracked(const Command *cmd) {
    long long n = has_samples(cmd);
    if (cmd->subcommands)
        for (const Command *sub = cmd->subcommands; sub->name; sub++) n += has_samples(sub);
    return n;
}

static void reply_tracked(Client *c, const Command *cmd) {
    if (has_samples(cmd)) reply_command_cdf(c, cmd);
    if (cmd->subcommands)
        for (const Command *sub = cmd->subcommands; sub->name; sub++)
            if (has_samples(sub)) reply_command_cdf(c, sub);
}

/* A name as LATENCY HISTOGRAM takes it: "get", "config" (all of its
 * subcommands) or "config|get". */
static Command *lookup_by_fullname(const Arg *a) {
    const char *bar = memchr(a->p, '|', a->len);
    if (!bar) return command_lookup(a->p, a->len);
    Command *parent = command_lookup(a->p, (size_t)(bar - a->p));
    if (!parent || !parent->subcommands) return NULL;
    size_t sl = a->len - (size_t)(bar - a->p) - 1;
    for (Command *sub = parent->subcommands; sub->name; sub++)
        if (strlen(sub->name) == sl && strncasecmp(sub->name, bar + 1, sl) == 0) return sub;
    return NULL;
}

void latency_histogram_command(Client *c) {
    if (c->argc == 2) {
        long long n = 0;
        for (Command *cmd = server.cmd_table; cmd->name; cmd++) n += count_tracked(cmd);
        reply_map_len(c, n);
        for (Command *cmd = server.cmd_table; cmd->name; cmd++) reply_tracked(c, cmd);
        return;
    }
    /* Each named command once, even if named twice; unknown names are
     * skipped, as Valkey does. */
    Command *picked[256];
    int npicked = 0;
    long long n = 0;
    for (int i = 2; i < c->argc && npicked < 256; i++) {
        Command *cmd = lookup_by_fullname(&c->argv[i]);
        if (!cmd) continue;
        int dup = 0;
        for (int k = 0; k < npicked; k++)
            if (picked[k] == cmd) dup = 1;
        if (dup) continue;
        picked[npicked++] = cmd;
        n += count_tracked(cmd);
    }
    reply_map_len(c, n);
    for (int k = 0; k < npicked; k++) reply_tracked(c, picked[k]);
}

/* INFO latencystats: latency_percentiles_usec_<cmd>:p50=...,p99=... with
 * the percentiles of latency-tracking-info-percentiles, in microseconds. */
static Str *percentile_line(Str *s, const Command *cmd) {
    s = str_catfmt(s, "latency_percentiles_usec_%s:", cmd->fullname);
    for (int i = 0; i < server.cfg.latency_percentiles_count; i++) {
        char pct[64];
        double p = server.cfg.latency_percentiles[i];
        int len = snprintf(pct, sizeof(pct), "%f", p);
        /* "99.900000" -> "99.9", "50.000000" -> "50" */
        while (len > 0 && pct[len - 1] == '0') pct[--len] = '\0';
        if (len > 0 && pct[len - 1] == '.') pct[--len] = '\0';
        s = str_catfmt(s, "%sp%s=%.3f", i ? "," : "", pct,
                       (double)hist_percentile(cmd->latency_hist, p) / 1000.0);
    }
    return str_cat(s, "\r\n", 2);
}

Str *info_latencystats(Str *s) {
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) {
        if (has_samples(cmd)) s = percentile_line(s, cmd);
        if (cmd->subcommands)
            for (Command *sub = cmd->subcommands; sub->name; sub++)
                if (has_samples(sub)) s = percentile_line(s, sub);
    }
    return s;
}
