/* debug.c - DEBUG: introspection and fault injection for tests, behind
 * enable-debug-command (no | yes | local).
 *
 * DEBUG DIGEST is order-independent: each key's fingerprint (key, type,
 * value, TTL) is XORed into its database's, so two servers with the same
 * data print the same digest whatever their hash table layout. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "../../deps/numconv/numconv.h"
#include "../../deps/sha1/sha1.h"

/* Fingerprint of a value (and its TTL when with_ttl). */
static void value_digest(const Kv *kv, int with_ttl, uint8_t out[20]) {
    Sha1 s;
    sha1_init(&s);
    uint8_t type = (uint8_t)kv_type(kv);
    sha1_update(&s, &type, 1);
    if (kv_type(kv) == OBJ_STRING) {
        StrView v;
        kv_string_view(kv, &v);
        sha1_update(&s, v.p, v.len);
    }
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
        HtIter it;
        ht_iter_init(&it, db->keys);
        Kv *kv;
        while ((kv = ht_iter_next(&it))) {
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
        ht_iter_done(&it);
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
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Valkey protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Valkey errors.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "OBJECT <key>",
    "    Show low level info about the <key> and associated value.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the server does it as it should).",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "HELP",
    "    Print this help.",
    NULL,
};

void debug_command(Client *c) {
    if (!config_allows_protected(server.cfg.enable_debug_command, c)) {
        reply_error(c, "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
                       "run it from a local connection, otherwise you need to set this option in the configuration "
                       "file, and then restart the server.");
        return;
    }
    const Arg *sub = &c->argv[1];
    if (arg_equals(sub, "help") && c->argc == 2) {
        reply_help(c, debug_help);
    } else if (arg_equals(sub, "sleep") && c->argc == 3) {
        double secs;
        if (!arg_to_double(c, &c->argv[2], &secs)) return;
        if (secs > 0) {
            struct timespec ts;
            ts.tv_sec = (time_t)secs;
            ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
            nanosleep(&ts, NULL);
        }
        reply_ok(c);
    } else if (arg_equals(sub, "set-active-expire") && c->argc == 3) {
        long long v;
        if (!arg_to_ll(c, &c->argv[2], &v)) return;
        server.active_expire_enabled = v != 0;
        reply_ok(c);
    } else if (arg_equals(sub, "log") && c->argc == 3) {
        server_log(LL_WARNING, "DEBUG LOG: %.*s", (int)c->argv[2].len, c->argv[2].p);
        reply_ok(c);
    } else if (arg_equals(sub, "error") && c->argc == 3) {
        reply_error_len(c, c->argv[2].p, c->argv[2].len);
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
        char buf[256];
        snprintf(buf, sizeof(buf), "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%u",
                 (void *)kv, kv_encoding_name(kv_encoding(kv)), serialized, then, idle);
        reply_simple(c, buf);
    } else if (arg_equals(sub, "protocol") && c->argc == 3) {
        debug_protocol(c, &c->argv[2]);
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
