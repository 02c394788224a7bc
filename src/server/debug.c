/* debug.c - DEBUG: introspection and fault injection for tests, behind
 * enable-debug-command (no | yes | local; dispatch.c checks it, so a
 * refused call counts as rejected in INFO commandstats).
 *
 * SEGFAULT, PANIC and ASSERT kill the server on purpose, through the same
 * paths a real fault takes, so the crash report (crash.c) can be tested.
 *
 * DEBUG DIGEST is order-independent: each key's fingerprint (key, type,
 * value, TTL) is XORed into its database's, so two servers with the same
 * data print the same digest whatever their hash table layout.
 *
 * The tooling subcommands (POPULATE, PAUSE-CRON, REPLYBUFFER,
 * CONFIG-REWRITE-FORCE-ALL, MALLCTL/MALLCTL-STR) follow Valkey's
 * semantics and errors, since benchmark tools and client test suites
 * drive servers with them; switches take any text the way atoi() reads
 * it, as Valkey's do. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "../net/resp_parser.h"
#include "../ds/quicklist.h"
#include "reply.h"
#include "cmds.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"
#include "../../deps/glob/glob.h"
#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* Fingerprint of a value (and its TTL when with_ttl): the type, then the
 * type's own content digest (TypeOps.digest), independent of encoding. */
static void value_digest(const Kv *kv, int with_ttl, uint8_t out[20]) {
    Sha1 s;
    sha1_init(&s);
    uint8_t type = (uint8_t)kv_type(kv);
    sha1_update(&s, &type, 1);
    uint8_t content[20];
    kv_value_digest(kv, content);
    sha1_update(&s, content, 20);
    if (with_ttl && kv_has_expire(kv)) {
        char buf[NUMCONV_LL_BUF];
        size_t n = ll_to_str(buf, kv_expire(kv));
        sha1_update(&s, "!ttl", 4);
        sha1_update(&s, buf, n);
    }
    sha1_final(&s, out);
}

static void hex20(const uint8_t d[20], char out[41]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[40] = '\0';
}

static void dataset_digest(char out[41]) {
    uint8_t total[20] = {0};
    int any = 0;
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        if (db_size(db) == 0) continue;
        uint8_t dbsum[20] = {0};
        DbIter it;
        db_iter_init(&it, db);
        Kv *kv;
        while ((kv = db_iter_next(&it))) {
            if (kv_is_expired(kv)) continue;
            uint8_t vd[20], kd[20];
            value_digest(kv, 1, vd);
            Sha1 s;
            size_t klen;
            const char *k = kv_key(kv, &klen);
            sha1_init(&s);
            sha1_update(&s, k, klen);
            sha1_update(&s, vd, 20);
            sha1_final(&s, kd);
            for (int j = 0; j < 20; j++) dbsum[j] ^= kd[j];
            any = 1;
        }
        db_iter_done(&it);
        /* Mix in the db number so the same data in another db differs. */
        Sha1 s;
        uint8_t mixed[20];
        sha1_init(&s);
        sha1_update(&s, dbsum, 20);
        sha1_update(&s, &i, sizeof(i));
        sha1_final(&s, mixed);
        for (int j = 0; j < 20; j++) total[j] ^= mixed[j];
    }
    if (!any) memset(total, 0, sizeof(total));
    hex20(total, out);
}

/* DEBUG PROTOCOL <type>: one reply of each RESP type, for client tests. */
static void debug_protocol(Client *c, const Arg *t) {
    if (arg_equals(t, "string")) {
        reply_bulk_cstr(c, "Hello World");
    } else if (arg_equals(t, "integer")) {
        reply_int(c, 12345);
    } else if (arg_equals(t, "double")) {
        reply_double(c, 3.141);
    } else if (arg_equals(t, "bignum")) {
        reply_bignum(c, "1234567999999999999999999999999999999", 37);
    } else if (arg_equals(t, "null")) {
        reply_null(c);
    } else if (arg_equals(t, "array")) {
        reply_array_len(c, 3);
        for (int i = 0; i < 3; i++) reply_int(c, i);
    } else if (arg_equals(t, "set")) {
        reply_set_len(c, 3);
        for (int i = 0; i < 3; i++) reply_int(c, i);
    } else if (arg_equals(t, "map")) {
        reply_map_len(c, 3);
        for (int i = 0; i < 3; i++) {
            reply_int(c, i);
            reply_bool(c, i == 1);
        }
    } else if (arg_equals(t, "attrib")) {
        if (reply_attribute_len(c, 1)) {
            reply_bulk_cstr(c, "key-popularity");
            reply_array_len(c, 2);
            reply_bulk_cstr(c, "key:123");
            reply_int(c, 90);
        }
        reply_bulk_cstr(c, "Some real reply following the attribute");
    } else if (arg_equals(t, "push")) {
        if (c->resp < 3) {
            reply_error(c, "RESP2 is not supported by this command");
            return;
        }
        reply_push_len(c, 2);
        reply_bulk_cstr(c, "server-cpu-usage");
        reply_int(c, 42);
        reply_bulk_cstr(c, "Some real reply following the push reply");
    } else if (arg_equals(t, "true")) {
        reply_bool(c, 1);
    } else if (arg_equals(t, "false")) {
        reply_bool(c, 0);
    } else if (arg_equals(t, "verbatim")) {
        reply_verbatim(c, "This is a verbatim\nstring", 25, "txt");
    } else {
        reply_error(c, "Wrong protocol type name. Please use one of the following: string|integer|double|bignum|"
                       "null|array|set|map|attrib|push|verbatim|true|false");
    }
}

static const char *debug_help[] = {
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    CONFIG REWRITE writing every directive, those at their default too.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "JMAP",
    "    Write the memory allocator's statistics to the server log.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "ERROR <string>",
    "    Return a Valkey protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Valkey errors.",
    "LOG <message>",
    "    Write <message> to the server log.",
#ifdef USE_JEMALLOC
    "MALLCTL <key> [<val>]",
    "    Read (or set, then show the old value of) an integer jemalloc option.",
    "MALLCTL-STR <key> [<val>]",
    "    The same for a string option.",
#endif
    "PANIC",
    "    Crash the server simulating a panic.",
    "PAUSE-CRON <0|1>",
    "    Stop (1) or resume (0) the periodic cron work.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys <prefix>:<n> (prefix 'key') holding 'value:<n>',",
    "    or, with <size>, that text zero-padded or cut to <size> bytes. Existing",
    "    keys are left alone.",
    "OBJECT <key>",
    "    Show low level info about the <key> and associated value.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
    "    Save the RDB on disk and reload it back to memory. By default it will save",
    "    the RDB file and load it back.",
    "    * MERGE: Merge the content of the RDB file with the current dataset; keys",
    "      read from the file replace those with the same name.",
    "    * NOFLUSH: Do not empty the dataset before loading the RDB file.",
    "    * NOSAVE: Do not save the RDB file before loading it back.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "PROPAGATED <START|GET|STOP>",
    "    Record the commands propagated to the AOF and replicas; GET returns them.",
    "KEY-EVENTS <START|GET|STOP>",
    "    Record the key events (what keyspace notifications carry); GET returns them.",
    "KEYSPACE-CHECK",
    "    Check the invariants of every database's key tables.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|time>",
    "    How often (ms) a client reply buffer's peak restarts: NEVER keeps the peak,",
    "    RESET restores the default (5000).",
    "REPLYBUFFER RESIZING <0|1>",
    "    Turn the resizing of client reply buffers off (0) or on (1).",
    "PAUSE-AFTER-FORK <0|1>",
    "    Stop the server's main process after fork (SIGSTOP; SIGCONT resumes it).",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the server does it as it should).",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-LEN",
    "    Run a fuzz tester against the glob-style pattern matcher (also",
    "    STRINGMATCH-TEST).",
    "HELP",
    "    Print this help.",
    NULL,
};

/* ---- connection/lifecycle work: crashes, RELOAD, replication ids,
 * matcher fuzzing and encoding introspection. */

static void debug_segfault(void) {
    /* A real invalid write: a read-only page, so the fault is genuine and
     * the crash report shows a true si_addr. */
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) page = 4096;
    char *p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) *(volatile char *)p = 'x';
    raise(SIGSEGV); /* only if the write somehow did not fault */
}

/* Random patterns against random strings: the matcher must finish and not
 * crash whatever it is given (the test is that we get to reply). */
static void debug_stringmatch_fuzz(void) {
    static const char alphabet[] = "ab*?[]^-\\c";
    char pat[32], str[32];
    for (int i = 0; i < 100000; i++) {
        size_t plen = (size_t)(server_rand64() % sizeof(pat));
        size_t slen = (size_t)(server_rand64() % sizeof(str));
        for (size_t j = 0; j < plen; j++) pat[j] = alphabet[server_rand64() % (sizeof(alphabet) - 1)];
        for (size_t j = 0; j < slen; j++) str[j] = alphabet[server_rand64() % (sizeof(alphabet) - 1)];
        (void)glob_match(pat, plen, str, slen, (int)(i & 1));
    }
}

/* ---- test sinks: what would be propagated, and the key events fired,
 * recorded between START and STOP so tests can read them with GET. */
static Str *captured_stream;
static int capture_sink_id = -1;
static Str *captured_events;
static int events_listening, events_subscribed;

static void capture_sink(const char *buf, size_t len, void *priv) {
    (void)priv;
    captured_stream = str_cat(captured_stream, buf, len);
}

static void capture_event(Db *db, const char *key, size_t klen, int notify_class, const char *event) {
    (void)notify_class;
    if (!events_listening) return;
    /* Records of: db (u32), event length (u32) + bytes, key length + bytes. */
    uint32_t hdr[2] = {(uint32_t)db->id, (uint32_t)strlen(event)};
    captured_events = str_cat(captured_events, (const char *)hdr, sizeof(hdr));
    captured_events = str_cat(captured_events, event, hdr[1]);
    uint32_t kl = (uint32_t)klen;
    captured_events = str_cat(captured_events, (const char *)&kl, sizeof(kl));
    captured_events = str_cat(captured_events, key, klen);
}

/* DEBUG PROPAGATED START|GET|STOP: GET answers the commands propagated
 * since START, each as an array of bulk strings (SELECT, MULTI/EXEC
 * included, exactly as a sink receives them). */
static void debug_propagated(Client *c, const Arg *op) {
    if (arg_equals(op, "start")) {
        if (capture_sink_id == -1) capture_sink_id = propagate_sink_add(capture_sink, NULL);
        if (!captured_stream) captured_stream = str_with_capacity(256);
        str_clear(captured_stream);
        propagate_sink_set_active(capture_sink_id, 1);
        reply_ok(c);
    } else if (arg_equals(op, "stop")) {
        if (capture_sink_id != -1) propagate_sink_set_active(capture_sink_id, 0);
        reply_ok(c);
    } else if (arg_equals(op, "get")) {
        propagate_flush();
        RespParser p;
        resp_parser_init(&p);
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        size_t len = captured_stream ? captured_stream->len : 0;
        while (len && resp_parse(&p, captured_stream->buf, len) == RESP_PARSE_DONE) {
            reply_array_len(c, (long long)p.argc);
            for (size_t i = 0; i < p.argc; i++) reply_bulk(c, captured_stream->buf + p.args[i].off, p.args[i].len);
            n++;
            resp_parser_reset(&p, p.pos);
        }
        resp_parser_free(&p);
        reply_set_deferred_array_len(c, d, n);
    } else {
        reply_syntax_error(c);
    }
}

/* DEBUG KEY-EVENTS START|GET|STOP: GET answers [db, event, key] for each
 * key event fired since START (what keyspace notifications will carry). */
static void debug_key_events(Client *c, const Arg *op) {
    if (arg_equals(op, "start")) {
        if (!events_subscribed) {
            key_events_subscribe(capture_event);
            events_subscribed = 1;
        }
        if (!captured_events) captured_events = str_with_capacity(256);
        str_clear(captured_events);
        events_listening = 1;
        reply_ok(c);
    } else if (arg_equals(op, "stop")) {
        events_listening = 0;
        reply_ok(c);
    } else if (arg_equals(op, "get")) {
        ReplyDeferred d = reply_deferred_len(c);
        long long n = 0;
        size_t off = 0, len = captured_events ? captured_events->len : 0;
        while (off < len) {
            uint32_t hdr[2], kl;
            memcpy(hdr, captured_events->buf + off, sizeof(hdr));
            off += sizeof(hdr);
            const char *ev = captured_events->buf + off;
            off += hdr[1];
            memcpy(&kl, captured_events->buf + off, sizeof(kl));
            off += sizeof(kl);
            reply_array_len(c, 3);
            reply_int(c, hdr[0]);
            reply_bulk(c, ev, hdr[1]);
            reply_bulk(c, captured_events->buf + off, kl);
            off += kl;
            n++;
        }
        reply_set_deferred_array_len(c, d, n);
    } else {
        reply_syntax_error(c);
    }
}

/* DEBUG ERROR <msg>: the message is the whole error line after '-', as
 * Valkey sends it ("LOADING fake" -> "-LOADING fake", "plain" ->
 * "-plain"): client libraries test their error classes with it. */
static void debug_error(Client *c, const Arg *msg) {
    char small[256];
    char *line = msg->len + 1 <= sizeof(small) ? small : mem_alloc(msg->len + 1);
    line[0] = '-';
    memcpy(line + 1, msg->p, msg->len);
    reply_error_len(c, line, msg->len + 1);
    if (line != small) mem_free(line);
}

/* Longest DEBUG SLEEP: anything longer (1e300, inf) answers an error
 * rather than sleeping for ever or converting out of range. */
#define DEBUG_SLEEP_MAX_S 1e9

/* DEBUG SLEEP <seconds>: parsed as strtod does (leading number, the rest
 * ignored, no number at all is 0), as Valkey does: client libraries probe
 * the command with "0\r\n" or "0 ".  Negative values and NaN sleep 0. */
static void debug_sleep(Client *c, const Arg *a) {
    char small[128];
    char *text = a->len < sizeof(small) ? small : mem_alloc(a->len + 1);
    memcpy(text, a->p, a->len);
    text[a->len] = '\0';
    double secs = strtod(text, NULL);
    if (text != small) mem_free(text);
    if (secs > DEBUG_SLEEP_MAX_S) {
        reply_error(c, "DEBUG SLEEP time is out of range");
        return;
    }
    if (secs > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)secs;
        ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
        if (ts.tv_nsec > 999999999) ts.tv_nsec = 999999999;
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        }
    }
    reply_ok(c);
}

/* An argument read as atoi() reads it (Valkey's switches take any text:
 * leading spaces, a sign, digits, then anything; no digits is 0). */
static long long arg_atoi(const Arg *a) {
    size_t i = 0;
    while (i < a->len && (a->p[i] == ' ' || (a->p[i] >= '\t' && a->p[i] <= '\r'))) i++;
    int neg = 0;
    if (i < a->len && (a->p[i] == '-' || a->p[i] == '+')) neg = a->p[i++] == '-';
    long long v = 0;
    for (; i < a->len && a->p[i] >= '0' && a->p[i] <= '9'; i++) {
        if (v > (LLONG_MAX - 9) / 10) break;
        v = v * 10 + (a->p[i] - '0');
    }
    return neg ? -v : v;
}

/* A non-negative count, with Valkey's errors for other values. */
static int arg_positive(Client *c, const Arg *a, long long *out) {
    if (!arg_to_ll(c, a, out)) return 0;
    if (*out < 0) {
        reply_error(c, "value is out of range, must be positive");
        return 0;
    }
    return 1;
}

/* DEBUG POPULATE <count> [<prefix>] [<size>]: keys <prefix>:0 .. :count-1
 * holding "value:<n>" (or, with size, that text cut or zero-padded to
 * size bytes); keys that exist are skipped.  Like Valkey: a plain add,
 * not a write command's (no dirty count, not propagated), but watchers
 * see the keys change. */
static void debug_populate(Client *c) {
    long long count, size = 0;
    if (!arg_positive(c, &c->argv[2], &count)) return;
    if (c->argc == 5 && !arg_positive(c, &c->argv[4], &size)) return;
    const char *prefix = "key";
    size_t plen = 3;
    if (c->argc >= 4) {
        prefix = c->argv[3].p;
        plen = c->argv[3].len;
    }
    Str *key = str_with_capacity(plen + 24);
    char num[NUMCONV_LL_BUF];
    char *padded = size ? mem_calloc((size_t)size) : NULL;
    for (long long i = 0; i < count; i++) {
        size_t nlen = ll_to_str(num, i);
        str_clear(key);
        key = str_cat(key, prefix, plen);
        key = str_cat(key, ":", 1);
        key = str_cat(key, num, nlen);
        Arg karg = {key->buf, key->len};
        if (db_lookup_write(c, c->db, &karg)) continue;
        char val[8 + NUMCONV_LL_BUF];
        memcpy(val, "value:", 6);
        memcpy(val + 6, num, nlen);
        size_t vlen = 6 + nlen;
        Kv *kv;
        if (size) {
            memset(padded, 0, (size_t)size);
            memcpy(padded, val, (size_t)size < vlen ? (size_t)size : vlen);
            kv = kv_new_string(key->buf, key->len, padded, (size_t)size, 0);
        } else {
            kv = kv_new_string(key->buf, key->len, val, vlen, 0);
        }
        db_add(c->db, kv);
        key_touched(c, c->db, key->buf, key->len);
    }
    mem_free(padded);
    str_free(key);
    reply_ok(c);
}

/* DEBUG REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms> | RESIZING <0|1> */
static void debug_replybuffer(Client *c) {
    const Arg *what = &c->argv[2], *val = &c->argv[3];
    if (arg_equals(what, "peak-reset-time")) {
        if (arg_equals(val, "never")) {
            server.reply_buffer_peak_reset_ms = -1;
        } else if (arg_equals(val, "reset")) {
            server.reply_buffer_peak_reset_ms = REPLY_BUFFER_PEAK_RESET_MS;
        } else {
            long long ms;
            if (!arg_to_ll(c, val, &ms)) return;
            server.reply_buffer_peak_reset_ms = ms;
        }
    } else if (arg_equals(what, "resizing")) {
        server.reply_buffer_resizing = arg_atoi(val) != 0;
    } else {
        reply_unknown_subcommand(c);
        return;
    }
    reply_ok(c);
}

static void debug_config_rewrite_force_all(Client *c) {
    if (!server.config_file) {
        reply_error(c, "The server is running without a config file");
        return;
    }
    if (config_rewrite_force_all(server.config_file) == -1) {
        reply_errorf(c, "CONFIG-REWRITE-FORCE-ALL failed: %s", strerror(errno));
        return;
    }
    reply_ok(c);
}

#ifdef USE_JEMALLOC
/* A NUL-terminated copy of an argument (mallctl names and values). */
static char *arg_cstr(const Arg *a) {
    char *s = mem_alloc(a->len + 1);
    memcpy(s, a->p, a->len);
    s[a->len] = '\0';
    return s;
}

/* DEBUG MALLCTL <key> [<val>]: an integer option of any width.  The
 * widest is tried first and halved while jemalloc answers EINVAL (a size
 * mismatch); a write-only option (EPERM on read) is written alone. */
static void debug_mallctl_int(Client *c) {
    long long newval = 0;
    int write = c->argc > 3;
    if (write && !arg_to_ll(c, &c->argv[3], &newval)) return;
    char *name = arg_cstr(&c->argv[2]);
    int ret = EINVAL;
    for (size_t width = sizeof(int64_t); width > 0; width /= 2) {
        unsigned char oldbuf[8] = {0}, newbuf[8] = {0};
        /* The low-order bytes of the value, in the machine's own order. */
        int64_t nv = (int64_t)newval;
        int32_t n32 = (int32_t)nv;
        int16_t n16 = (int16_t)nv;
        int8_t n8 = (int8_t)nv;
        if (width == 8) memcpy(newbuf, &nv, 8);
        else if (width == 4) memcpy(newbuf, &n32, 4);
        else if (width == 2) memcpy(newbuf, &n16, 2);
        else memcpy(newbuf, &n8, 1);
        size_t oldlen = width;
        ret = mallctl(name, oldbuf, &oldlen, write ? newbuf : NULL, write ? width : 0);
        if (ret == EPERM && write) {
            ret = mallctl(name, NULL, NULL, newbuf, width);
            if (ret == 0) {
                reply_ok(c);
                mem_free(name);
                return;
            }
        }
        if (ret == EINVAL) continue;
        if (ret != 0) break;
        long long old;
        if (width == 8) {
            int64_t v;
            memcpy(&v, oldbuf, 8);
            old = v;
        } else if (width == 4) {
            int32_t v;
            memcpy(&v, oldbuf, 4);
            old = v;
        } else if (width == 2) {
            int16_t v;
            memcpy(&v, oldbuf, 2);
            old = v;
        } else {
            old = (unsigned char)oldbuf[0];
        }
        reply_int(c, old);
        mem_free(name);
        return;
    }
    reply_errorf(c, "%s", strerror(ret));
    mem_free(name);
}

/* DEBUG MALLCTL-STR <key> [<val>]: a string option; "VOID" as the value
 * runs an option that takes no value (arena.<i>.purge...). */
static void debug_mallctl_str(Client *c) {
    char *name = arg_cstr(&c->argv[2]);
    const char *old = NULL;
    size_t sz = sizeof(old);
    int rret = mallctl(name, &old, &sz, NULL, 0);
    int write = c->argc > 3;
    if (rret && !(rret == EPERM && write)) {
        reply_errorf(c, "%s", strerror(rret));
        mem_free(name);
        return;
    }
    if (write) {
        char *val = arg_cstr(&c->argv[3]);
        int wret;
        if (strcmp(val, "VOID") == 0) wret = mallctl(name, NULL, NULL, NULL, 0);
        else wret = mallctl(name, NULL, NULL, &val, sizeof(val));
        mem_free(val);
        if (wret) {
            reply_errorf(c, "%s", strerror(wret));
            mem_free(name);
            return;
        }
    }
    if (!rret) reply_bulk_cstr(c, old ? old : "");
    else reply_ok(c);
    mem_free(name);
}
#endif

/* The subcommands tools and test suites drive the server with; returns
 * 1 when it handled the subcommand. */
static int debug_tooling(Client *c, const Arg *sub) {
    if (arg_equals(sub, "populate") && c->argc >= 3 && c->argc <= 5) {
        debug_populate(c);
    } else if (arg_equals(sub, "pause-cron") && c->argc == 3) {
        server.pause_cron = arg_atoi(&c->argv[2]) != 0;
        reply_ok(c);
    } else if (arg_equals(sub, "replybuffer") && c->argc == 4) {
        debug_replybuffer(c);
    } else if (arg_equals(sub, "config-rewrite-force-all") && c->argc == 2) {
        debug_config_rewrite_force_all(c);
    } else if ((arg_equals(sub, "mallctl") || arg_equals(sub, "mallctl-str")) && c->argc >= 3) {
#ifdef USE_JEMALLOC
        if (arg_equals(sub, "mallctl")) debug_mallctl_int(c);
        else debug_mallctl_str(c);
#else
        reply_errorf(c, "DEBUG %s needs a jemalloc build; this server uses %s", arg_equals(sub, "mallctl") ?
                     "MALLCTL" : "MALLCTL-STR", mem_allocator_name());
#endif
    } else {
        return 0;
    }
    return 1;
}

/* Returns 1 when it handled the subcommand. */
static int debug_lifecycle(Client *c, const Arg *sub) {
    if (arg_equals(sub, "segfault")) {
        debug_segfault();
    } else if (arg_equals(sub, "panic")) {
        server_panic("DEBUG PANIC called at Unix time %lld", (long long)(server.now_ms / 1000));
    } else if (arg_equals(sub, "assert")) {
        volatile int one = 1;
        server_assert(one == 2);
    } else if (arg_equals(sub, "jmap") && c->argc == 2) {
        /* The allocator's own statistics, for someone reading the log. */
        server_log(LL_WARNING, "DEBUG JMAP: allocator=%s used_memory=%zu rss=%zu", mem_allocator_name(),
                   mem_used(), mem_rss());
        reply_ok(c);
    } else if (arg_equals(sub, "change-repl-id") && c->argc == 2) {
        server_change_replid();
        server_log(LL_NOTICE, "Changing replication IDs after receiving DEBUG change-repl-id");
        reply_ok(c);
    } else if (arg_equals(sub, "quicklist-packed-threshold") && c->argc == 3) {
        char buf[64];
        unsigned long long v;
        size_t n = c->argv[2].len < sizeof(buf) - 1 ? c->argv[2].len : sizeof(buf) - 1;
        memcpy(buf, c->argv[2].p, n);
        buf[n] = '\0';
        /* Elements from this size on get a node of their own (0: back to
         * Valkey's default of 1 GB). */
        if (n != c->argv[2].len || !config_parse_memory(buf, &v) || !ql_set_packed_threshold(v)) {
            reply_error(c, "argument must be a memory value bigger than 1 and smaller than 4gb");
            return 1;
        }
        reply_ok(c);
    } else if (arg_equals(sub, "listpack") && c->argc == 3) {
        Kv *kv = db_find(c->db, c->argv[2].p, c->argv[2].len);
        if (!kv || kv_is_expired(kv)) reply_error(c, ERR_NO_SUCH_KEY);
        else if (kv_encoding(kv) != ENC_LISTPACK)
            reply_error(c, "The value stored at the specified key is not represented using an listpack");
        else reply_simple(c, "Listpack structure printed on stdout");
    } else if ((arg_equals(sub, "stringmatch-len") || arg_equals(sub, "stringmatch-test")) && c->argc == 2) {
        debug_stringmatch_fuzz();
        reply_simple(c, "Apparently Valkey did not crash: test passed");
    } else if (arg_equals(sub, "loadaof") && c->argc == 2) {
        if (server.persist && server.persist->debug_loadaof) server.persist->debug_loadaof(c);
        else reply_error(c, "Error trying to load the AOF files, check server logs.");
    } else if (arg_equals(sub, "reload")) {
        int save = 1, flush = 1, merge = 0;
        for (int i = 2; i < c->argc; i++) {
            if (arg_equals(&c->argv[i], "merge")) merge = 1;
            else if (arg_equals(&c->argv[i], "noflush")) flush = 0;
            else if (arg_equals(&c->argv[i], "nosave")) save = 0;
            else {
                reply_error(c, "DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return 1;
            }
        }
        /* Save, flush, load back: the persistence layer does it and replies. */
        if (server.persist && server.persist->debug_reload) {
            server.persist->debug_reload(c, save, flush, merge);
        } else if (save) {
            server_log(LL_WARNING, "DEBUG RELOAD: can't save the DB, no RDB support is registered");
            reply_error(c, "-ERR");
        } else {
            reply_error(c, "Error trying to load the RDB dump, check server logs.");
        }
    } else {
        return 0;
    }
    return 1;
}

void debug_command(Client *c) {
    const Arg *sub = &c->argv[1];
    if (debug_lifecycle(c, sub)) return;
    if (debug_tooling(c, sub)) return;
    if (arg_equals(sub, "help") && c->argc == 2) {
        reply_help(c, debug_help);
    } else if (arg_equals(sub, "sleep") && c->argc == 3) {
        debug_sleep(c, &c->argv[2]);
    } else if (arg_equals(sub, "set-active-expire") && c->argc == 3) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        server.active_expire_enabled = v != 0;
        reply_ok(c);
    } else if (arg_equals(sub, "set-skip-checksum-validation") && c->argc == 3) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        server.skip_checksum_validation = v != 0;
        reply_ok(c);
    } else if (arg_equals(sub, "aof-flush-sleep") && c->argc == 3) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        server.aof_flush_sleep_us = v > 0 ? v : 0;
        reply_ok(c);
    } else if (arg_equals(sub, "pause-after-fork") && c->argc == 3) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        server.pause_after_fork = v != 0;
        reply_ok(c);
    } else if (arg_equals(sub, "log") && c->argc == 3) {
        server_log(LL_WARNING, "DEBUG LOG: %.*s", (int)c->argv[2].len, c->argv[2].p);
        reply_ok(c);
    } else if (arg_equals(sub, "error") && c->argc == 3) {
        debug_error(c, &c->argv[2]);
    } else if (arg_equals(sub, "object") && c->argc == 3) {
        Kv *kv = db_find(c->db, c->argv[2].p, c->argv[2].len);
        if (!kv || kv_is_expired(kv)) {
            reply_error(c, ERR_NO_SUCH_KEY);
            return;
        }
        uint32_t now = server.lru_clock, then = kv_lru(kv);
        uint32_t idle = now >= then ? now - then : (LRU_CLOCK_MAX - then) + now;
        size_t serialized = 0;
        if (kv_type(kv) == OBJ_STRING) {
            StrView v;
            kv_string_view(kv, &v);
            serialized = v.len + 1;
        }
        char buf[512];
        int n = snprintf(buf, sizeof(buf),
                         "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%u",
                         (void *)kv, kv_encoding_name(kv_encoding(kv)), serialized, then, idle);
        const TypeOps *ops = kv_type_ops(kv_type(kv));
        if (n > 0 && (size_t)n < sizeof(buf) && kv_value_is_ptr(kv) && ops && ops->debug_info)
            ops->debug_info(kv_get_ptr(kv), kv_encoding(kv), buf + n, sizeof(buf) - (size_t)n);
        reply_simple(c, buf);
    } else if (arg_equals(sub, "protocol") && c->argc == 3) {
        debug_protocol(c, &c->argv[2]);
    } else if (arg_equals(sub, "propagated") && c->argc == 3) {
        debug_propagated(c, &c->argv[2]);
    } else if (arg_equals(sub, "key-events") && c->argc == 3) {
        debug_key_events(c, &c->argv[2]);
    } else if (arg_equals(sub, "keyspace-check") && c->argc == 2) {
        /* The invariant checkers of every database (db_check, kv_check). */
        for (int i = 0; i < server.db_count; i++) {
            const char *err = db_check(&server.dbs[i]);
            if (err) {
                reply_errorf(c, "db %d: %s", i, err);
                return;
            }
        }
        reply_ok(c);
    } else if (arg_equals(sub, "digest") && c->argc == 2) {
        char hex[41];
        dataset_digest(hex);
        reply_simple(c, hex);
    } else if (arg_equals(sub, "digest-value") && c->argc >= 2) {
        reply_array_len(c, c->argc - 2);
        for (int i = 2; i < c->argc; i++) {
            Kv *kv = db_find(c->db, c->argv[i].p, c->argv[i].len);
            uint8_t d[20] = {0};
            char hex[41];
            if (kv && !kv_is_expired(kv)) value_digest(kv, 0, d);
            hex20(d, hex);
            reply_simple(c, hex);
        }
    } else {
        reply_unknown_subcommand(c);
    }
}
