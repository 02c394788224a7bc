/* rdb_cmds.c - SAVE, BGSAVE [SCHEDULE], DUMP and RESTORE (RESTORE-ASKING
 * is the same handler), with Valkey's replies, errors, propagation and
 * key events.
 *
 * RESTORE refuses a payload whose footer is wrong ("DUMP payload version
 * or checksum are wrong") or whose value does not parse, or leaves bytes
 * unread ("Bad data format"): the value is built entirely before the
 * keyspace is touched, so a refusal changes nothing. */
#include <string.h>

#include "../server/propagate.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "../../deps/numconv/numconv.h"
#include "format/rdb_format.h"
#include "format/rdb_in.h"
#include "persist.h"
#include "rdb_value.h"

void save_command(Client *c) {
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_RDB) {
        reply_error(c, "Background save already in progress");
        return;
    }
    rdb_state.saves++;
    if (rdb_save_foreground() == 0) reply_ok(c);
    else reply_error(c, "-ERR");
}

void bgsave_command(Client *c) {
    int schedule = 0;
    if (c->argc > 1) {
        if (c->argc == 2 && arg_equals(&c->argv[1], "schedule")) {
            schedule = 1;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    int in_exec = (c->flags & CLIENT_MULTI) != 0;
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_RDB) {
        reply_error(c, "Background save already in progress");
    } else if (server.child_pid != -1 || in_exec) {
        if (schedule || in_exec) {
            rdb_state.bgsave_scheduled = 1;
            server_log(LL_NOTICE, schedule ? "Background saving scheduled due to user request"
                                           : "Background saving scheduled to run after transaction execution");
            reply_simple(c, "Background saving scheduled");
        } else {
            reply_error(c, "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                           "order to schedule a BGSAVE whenever possible.");
        }
    } else if (rdb_bgsave_start() == 0) {
        reply_simple(c, "Background saving started");
    } else {
        reply_error(c, "-ERR");
    }
}

void dump_command(Client *c) {
    Kv *kv = db_lookup_read(c, c->db, &c->argv[1]);
    if (!kv) {
        reply_null(c);
        return;
    }
    Str *payload = rdb_dump_payload(kv);
    reply_bulk(c, payload->buf, payload->len);
    str_free(payload);
}

/* The value a payload holds, under key with the TTL (-1: none), or NULL
 * (reply sent). */
static Kv *payload_value(Client *c, const Arg *key, const Arg *payload, int64_t expire) {
    const unsigned char *p = (const unsigned char *)payload->p;
    if (!rdb_dump_verify(p, payload->len)) {
        reply_error(c, "DUMP payload version or checksum are wrong");
        return NULL;
    }
    int deep = server.cfg.sanitize_dump_payload != SANITIZE_DUMP_NO;
    RdbIn in;
    rdbi_init_mem(&in, p, payload->len - RDB_DUMP_FOOTER);
    unsigned type;
    int empty = 0;
    Kv *kv = NULL;
    if (rdbi_u8(&in, &type) && rdb_is_object_type((int)type))
        kv = rdb_load_value(&in, (int)type, key->p, key->len, expire, deep, &empty);
    if (kv && rdbi_remaining(&in) != 0) {
        kv_free(kv);
        kv = NULL;
        rdbi_fail(&in, "Trailing bytes after the value");
    }
    if (!kv) {
        server_log(LL_VERBOSE, "RESTORE refused a payload at offset %llu: %s", (unsigned long long)in.fail_off,
                   in.why[0] ? in.why : (empty ? "empty value" : "bad type"));
        reply_error(c, "Bad data format");
    }
    rdbi_release(&in);
    return kv;
}

/* RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] */
void restore_command(Client *c) {
    int replace = 0, absttl = 0;
    long long idle = -1, freq = -1, ttl;
    for (int j = 4; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const Arg *a = &c->argv[j];
        if (arg_equals(a, "replace")) {
            replace = 1;
        } else if (arg_equals(a, "absttl")) {
            absttl = 1;
        } else if (arg_equals(a, "idletime") && more >= 1 && freq == -1) {
            if (!arg_to_ll(c, &c->argv[j + 1], &idle)) return;
            if (idle < 0) {
                reply_error(c, "Invalid IDLETIME value, must be >= 0");
                return;
            }
            j++;
        } else if (arg_equals(a, "freq") && more >= 1 && idle == -1) {
            if (!arg_to_ll(c, &c->argv[j + 1], &freq)) return;
            if (freq < 0 || freq > 255) {
                reply_error(c, "Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const Arg *key = &c->argv[1];
    if (!replace && db_lookup_write(c, c->db, key)) {
        reply_error(c, "-BUSYKEY Target key name already exists.");
        return;
    }
    if (!arg_to_ll(c, &c->argv[2], &ttl)) return;
    if (ttl < 0) {
        reply_error(c, "Invalid TTL value, must be >= 0");
        return;
    }
    int64_t when = -1;
    if (ttl) when = absttl ? ttl : server.exec.cmd_start_ms + ttl;
    Kv *kv = payload_value(c, key, &c->argv[3], when);
    if (!kv) return;
    int deleted = replace ? db_delete(c->db, key->p, key->len) : 0;
    if (when != -1 && when <= server.exec.cmd_start_ms) {
        /* Already expired: the key is gone (and was deleted if it existed). */
        kv_free(kv);
        if (deleted) {
            propagate_rewrite_del(c, key, server.cfg.lazyfree_lazy_server_del);
            key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "del");
        }
        reply_ok(c);
        return;
    }
    db_add(c->db, kv);
    if (idle >= 0 || freq >= 0) rdb_apply_lru(kv, idle, (int)freq);
    if (when != -1 && !absttl && server.prop.active) {
        /* Replicas and the AOF get the absolute time. */
        char buf[NUMCONV_LL_BUF];
        Arg *argv = mem_alloc(sizeof(Arg) * (size_t)(c->argc + 1));
        memcpy(argv, c->argv, sizeof(Arg) * (size_t)c->argc);
        argv[2].p = buf;
        argv[2].len = ll_to_str(buf, when);
        argv[c->argc].p = "ABSTTL";
        argv[c->argc].len = 6;
        propagate_rewrite(c, c->argc + 1, argv);
        mem_free(argv);
    }
    key_changed(c, c->db, key->p, key->len, NOTIFY_GENERIC, "restore");
    reply_ok(c);
}
