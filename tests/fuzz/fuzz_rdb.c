/* fuzz_rdb.c - libFuzzer target for the server's RDB loading: the first
 * byte chooses what the rest is,
 *   even:  a RESTORE payload body (next byte: the RDB type), loaded as
 *          RESTORE loads it, then checked by the format checker too;
 *   odd:   a whole RDB file, loaded into the keyspace as at start-up.
 * Whatever is accepted must pass the invariant checkers (kv_check,
 * db_check); nothing may crash, leak or hang.  The keyspace is emptied
 * after each input.
 *
 *   make fuzz FUZZ=rdb FUZZ_TIME=600 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "persist/format/rdb_check.h"
#include "persist/format/rdb_in.h"
#include "persist/persist.h"
#include "persist/rdb_value.h"
#include "server/server.h"
#include "types/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup_once(void) {
    static int done;
    if (done) return;
    done = 1;
    server_init();
    config_init();
    types_init();
    persist_init();
    server.cfg.loglevel = LL_NOTHING;
    server.db_count = 4;
    server.dbs = mem_calloc(sizeof(Db) * 4);
    for (int i = 0; i < 4; i++) db_init(&server.dbs[i], i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup_once();
    if (size < 2) return 0;
    RdbIn in;
    if ((data[0] & 1) == 0) {
        int type = data[1], empty;
        rdbi_init_mem(&in, data + 2, size - 2);
        Kv *kv = rdb_load_value(&in, type, "key", 3, -1, data[0] & 2, &empty);
        if (kv) {
            const char *err = kv_check(kv);
            if (err) {
                fprintf(stderr, "accepted a broken value: %s\n", err);
                abort();
            }
            kv_free(kv);
        }
        rdbi_release(&in);
        rdbi_init_mem(&in, data + 2, size - 2);
        rdbf_check_value(&in, type);
        rdbi_release(&in);
        return 0;
    }
    rdbi_init_mem(&in, data + 1, size - 1);
    rdb_load_from(&in, "fuzz", (data[0] & 2) ? RDB_LOAD_ALLOW_DUP : 0);
    rdbi_release(&in);
    for (int i = 0; i < server.db_count; i++) {
        const char *err = db_check(&server.dbs[i]);
        if (err) {
            fprintf(stderr, "db %d broken after a load: %s\n", i, err);
            abort();
        }
        db_flush(&server.dbs[i]);
    }
    return 0;
}
