/* test_server_acllog.c - the log of denied accesses (conn_cmds.c) that
 * ACL LOG will show: entries newest first, grouping of similar failures
 * within a minute (count, update time, client info, moved to the front),
 * a new entry for another user/reason/object or after a minute, the bound
 * acllog-max-len (also when it shrinks), and reset.  Checked against a
 * simple model over thousands of seeded random events. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"
#include "unit.h"

static void setup(void) {
    server_init();
    config_init();
    server.db_count = 1;
    server.dbs = mem_calloc(sizeof(Db));
    db_init(&server.dbs[0], 0);
}

static int log_len(void) {
    int n = 0;
    for (const AclLogEntry *e = acl_log_entries(); e; e = e->next) n++;
    return n;
}

static void test_grouping(void) {
    Client *c = client_create(-1, 0);
    acl_log_reset();
    server.cfg.acllog_max_len = 128;
    server.now_ms = 1000000;
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "default", 7);
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "default", 7);
    CHECK_EQ_INT(1, log_len());
    const AclLogEntry *e = acl_log_entries();
    CHECK_EQ_UINT(2, e->count);
    CHECK_EQ_INT(ACL_DENIED_AUTH, e->reason);
    CHECK_EQ_INT(ACL_LOG_CTX_TOPLEVEL, e->context);
    CHECK_MEM("AUTH", 4, e->object->buf, e->object->len);
    CHECK_MEM("default", 7, e->username->buf, e->username->len);
    CHECK(strstr(e->client_info->buf, "id=") == e->client_info->buf);
    /* Another user: a new entry in front. */
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "bob", 3);
    CHECK_EQ_INT(2, log_len());
    CHECK_MEM("bob", 3, acl_log_entries()->username->buf, acl_log_entries()->username->len);
    /* The default user's again: grouped, and moved back to the front. */
    server.now_ms += 59999;
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "default", 7);
    e = acl_log_entries();
    CHECK_EQ_INT(2, log_len());
    CHECK_EQ_UINT(3, e->count);
    CHECK_EQ_INT(1000000, e->created_ms);
    CHECK_EQ_INT(1059999, e->updated_ms);
    /* A minute after the last update: a new entry. */
    server.now_ms += 60000;
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "default", 7);
    CHECK_EQ_INT(3, log_len());
    CHECK_EQ_UINT(1, acl_log_entries()->count);
    /* Entry ids grow. */
    CHECK(acl_log_entries()->id > acl_log_entries()->next->id);
    /* A binary user name is kept whole. */
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "a\0b", 3);
    CHECK_MEM("a\0b", 3, acl_log_entries()->username->buf, acl_log_entries()->username->len);
    acl_log_reset();
    CHECK_EQ_INT(0, log_len());
    client_free(c);
}

static void test_bound(void) {
    Client *c = client_create(-1, 0);
    acl_log_reset();
    server.cfg.acllog_max_len = 5;
    char user[16];
    for (int i = 0; i < 20; i++) {
        int n = snprintf(user, sizeof(user), "u%d", i);
        acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, user, (size_t)n);
        CHECK(log_len() <= 5);
    }
    CHECK_MEM("u19", 3, acl_log_entries()->username->buf, acl_log_entries()->username->len);
    server.cfg.acllog_max_len = 2;
    CHECK_EQ_INT(2, log_len());
    server.cfg.acllog_max_len = 0;
    CHECK_EQ_INT(0, log_len());
    acl_log_add(c, ACL_DENIED_AUTH, "AUTH", 4, "x", 1);
    CHECK_EQ_INT(0, log_len());
    client_free(c);
}

/* Model: an array of (user, reason, count, updated) newest first. */
typedef struct ModelEntry {
    int user, reason;
    uint64_t count;
    int64_t updated;
} ModelEntry;

static void test_model(void) {
    Client *c = client_create(-1, 0);
    ModelEntry model[64];
    int mlen = 0;
    for (int round = 0; round < 200; round++) {
        acl_log_reset();
        mlen = 0;
        int max = 1 + (int)unit_rand_below(12);
        server.cfg.acllog_max_len = (unsigned long)max;
        server.now_ms = 5000000;
        for (int step = 0; step < 60; step++) {
            server.now_ms += (int64_t)unit_rand_below(30000);
            int user = (int)unit_rand_below(4);
            int reason = unit_rand_below(4) ? ACL_DENIED_AUTH : ACL_DENIED_CMD;
            char name[8];
            int n = snprintf(name, sizeof(name), "u%d", user);
            acl_log_add(c, reason, "AUTH", 4, name, (size_t)n);
            int found = -1;
            for (int i = 0; i < mlen; i++)
                if (model[i].user == user && model[i].reason == reason && server.now_ms - model[i].updated < 60000) {
                    found = i;
                    break;
                }
            ModelEntry me;
            if (found >= 0) {
                me = model[found];
                me.count++;
                me.updated = server.now_ms;
                memmove(model + 1, model, sizeof(ModelEntry) * (size_t)found);
            } else {
                me = (ModelEntry){user, reason, 1, server.now_ms};
                memmove(model + 1, model, sizeof(ModelEntry) * (size_t)mlen);
                mlen++;
            }
            model[0] = me;
            if (mlen > max) mlen = max;
            /* Compare everything. */
            const AclLogEntry *e = acl_log_entries();
            for (int i = 0; i < mlen; i++, e = e->next) {
                if (!CHECK(e != NULL)) break;
                n = snprintf(name, sizeof(name), "u%d", model[i].user);
                CHECK_MEM(name, (size_t)n, e->username->buf, e->username->len);
                CHECK_EQ_INT(model[i].reason, e->reason);
                CHECK_EQ_UINT(model[i].count, e->count);
                CHECK_EQ_INT(model[i].updated, e->updated_ms);
            }
            CHECK(e == NULL);
        }
    }
    acl_log_reset();
    client_free(c);
}

int main(void) {
    setup();
    UNIT_RUN(test_grouping);
    UNIT_RUN(test_bound);
    UNIT_RUN(test_model);
    return unit_finish();
}
