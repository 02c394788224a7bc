/* persist.c - the persistence hooks the server calls (server.h's
 * PersistHooks): the start-up load, the cron, the shutdown save, the
 * MISCONF check, INFO's persistence section and DEBUG RELOAD.
 *
 * Start-up: a dbfilename that does not exist means an empty server; one
 * that cannot be read or is refused stops the start (Valkey exits too),
 * after a log line naming the offset and the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../server/reply.h"
#include "../server/server.h"
#include "../server/tracking.h"
#include "format/rdb_blobs.h"
#include "aof.h"
#include "persist.h"

static void persist_load(void) {
    /* CONFIG SET refuses a path (config.c); the file and the command line
     * are checked here, before anything is read. */
    const char *f = server.cfg.dbfilename;
    if (f && (strchr(f, '/') || strchr(f, '\\'))) {
        fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Version %s) ***\n", SERVER_VERSION);
        fprintf(stderr, "dbfilename can't be a path, just a filename\n");
        exit(1);
    }
    if (server.cfg.appendonly) {
        /* The AOF holds everything: the RDB file is not read. */
        aof_start_up();
        return;
    }
    uint64_t t0 = ev_monotonic_us();
    int rc = rdb_load_file(server.cfg.dbfilename, RDB_LOAD_EVENTS);
    if (rc == RDB_LOAD_OK) {
        server_log(LL_NOTICE, "DB loaded from disk: %.3f seconds", (double)(ev_monotonic_us() - t0) / 1e6);
    } else if (rc == RDB_LOAD_FAILED) {
        server_log(LL_WARNING, "Fatal error loading the DB, check server logs. Exiting.");
        exit(1);
    }
}

static int persist_shutdown(int flags) {
    aof_shutdown();
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_RDB) {
        server_log(LL_WARNING, "There is a child saving an .rdb. Killing it!");
        rdb_kill_child();
    }
    int save = (flags & SHUTDOWN_SAVE) || (server.cfg.save_params_count > 0 && !(flags & SHUTDOWN_NOSAVE));
    if (save) {
        server_log(LL_NOTICE, "Saving the final RDB snapshot before exiting.");
        if (rdb_save_foreground() == -1) {
            if (flags & SHUTDOWN_FORCE) {
                server_log(LL_WARNING, "Error trying to save the DB. Exit anyway.");
            } else {
                server_log(LL_WARNING, "Error trying to save the DB, can't exit.");
                return -1;
            }
        }
    }
    return 0;
}

static Str *persist_info(Str *s) {
    int64_t now = (int64_t)time(NULL);
    int child_rdb = server.child_pid != -1 && server.child_type == CHILD_TYPE_RDB;
    uint64_t keys = child_rdb ? rdb_state.child_keys : 0, total = child_rdb ? rdb_state.child_keys_total : 0;
    s = str_catfmt(s,
                   "loading:%d\r\n"
                   "async_loading:0\r\n"
                   "current_cow_peak:%llu\r\n"
                   "current_cow_size:%llu\r\n"
                   "current_cow_size_age:%lld\r\n"
                   "current_fork_perc:%.2f\r\n"
                   "current_save_keys_processed:%llu\r\n"
                   "current_save_keys_total:%llu\r\n"
                   "rdb_changes_since_last_save:%llu\r\n"
                   "rdb_bgsave_in_progress:%d\r\n"
                   "rdb_last_save_time:%lld\r\n"
                   "rdb_last_bgsave_status:%s\r\n"
                   "rdb_last_bgsave_time_sec:%lld\r\n"
                   "rdb_current_bgsave_time_sec:%lld\r\n"
                   "rdb_saves:%llu\r\n"
                   "rdb_last_cow_size:%llu\r\n"
                   "rdb_last_load_keys_expired:%llu\r\n"
                   "rdb_last_load_keys_loaded:%llu\r\n",
                   server.loading, (unsigned long long)(child_rdb ? rdb_state.child_cow_peak : 0),
                   (unsigned long long)(child_rdb ? rdb_state.child_cow : 0),
                   (long long)(child_rdb && rdb_state.child_cow_time ? now - rdb_state.child_cow_time : 0),
                   total ? (double)keys * 100 / (double)total : 0.0, (unsigned long long)keys,
                   (unsigned long long)total, (unsigned long long)server.dirty, child_rdb,
                   (long long)server.lastsave_s, rdb_state.lastbgsave_ok ? "ok" : "err",
                   (long long)rdb_state.save_time_last,
                   (long long)(child_rdb && rdb_state.save_time_start != -1 ? now - rdb_state.save_time_start : -1),
                   (unsigned long long)rdb_state.saves, (unsigned long long)rdb_state.last_cow,
                   (unsigned long long)rdb_state.keys_expired, (unsigned long long)rdb_state.keys_loaded);
    s = aof_info(s);
    if (server.loading) {
        int64_t elapsed = now - rdb_state.loading_start;
        double perc = rdb_state.loading_total ? (double)rdb_state.loading_loaded * 100 / (double)rdb_state.loading_total
                                              : 0;
        int64_t eta = 1;
        if (elapsed > 0 && rdb_state.loading_loaded) {
            double rate = (double)rdb_state.loading_loaded / (double)elapsed;
            eta = (int64_t)((double)(rdb_state.loading_total - rdb_state.loading_loaded) / rate);
        }
        s = str_catfmt(s,
                       "loading_start_time:%lld\r\n"
                       "loading_total_bytes:%llu\r\n"
                       "loading_rdb_used_mem:%llu\r\n"
                       "loading_loaded_bytes:%llu\r\n"
                       "loading_loaded_perc:%.2f\r\n"
                       "loading_eta_seconds:%lld\r\n",
                       (long long)rdb_state.loading_start, (unsigned long long)rdb_state.loading_total,
                       (unsigned long long)rdb_state.loading_rdb_used_mem,
                       (unsigned long long)rdb_state.loading_loaded, perc, (long long)eta);
    }
    return s;
}

/* DEBUG RELOAD: save (unless NOSAVE), empty the dataset (unless NOFLUSH),
 * load the file back (MERGE: its keys replace existing ones). */
static void persist_debug_reload(Client *c, int save, int flush, int merge) {
    if (server.loading) {
        reply_error(c, "-LOADING Valkey is loading the dataset in memory");
        return;
    }
    if (save && rdb_save_foreground() == -1) {
        reply_error(c, "-ERR");
        return;
    }
    if (flush) {
        /* As Valkey's emptyData: WATCHers of existing keys are aborted and
         * client-side caches drop everything; no change is counted. */
        keys_flushing(c, -1);
        for (int i = 0; i < server.db_count; i++) db_flush(&server.dbs[i]);
        if (server.tracking) tracking_flushed();
    }
    if (rdb_load_file(server.cfg.dbfilename, merge ? RDB_LOAD_ALLOW_DUP : 0) != RDB_LOAD_OK) {
        reply_error(c, "Error trying to load the RDB dump, check server logs.");
        return;
    }
    server_log(LL_NOTICE, "DB reloaded by DEBUG RELOAD");
    reply_ok(c);
}

/* DEBUG LOADAOF: what was written reaches the files, the dataset is
 * emptied and loaded back from the AOF (as Valkey; a failed load is an
 * error reply here, where Valkey exits). */
static void persist_debug_loadaof(Client *c) {
    if (server.loading) {
        reply_error(c, "-LOADING Valkey is loading the dataset in memory");
        return;
    }
    if (aof_state.status == AOF_ON) aof_flush_and_sync();
    keys_flushing(c, -1);
    for (int i = 0; i < server.db_count; i++) db_flush(&server.dbs[i]);
    if (server.tracking) tracking_flushed();
    if (aof_reload() == AOF_LOAD_FAILED) {
        reply_error(c, "Error trying to load the AOF files, check server logs.");
        return;
    }
    server.dirty = 0;
    server_log(LL_NOTICE, "Append Only File loaded by DEBUG LOADAOF");
    reply_ok(c);
}

/* FLUSHALL: a running BGSAVE would write the old data back; where save
 * points are configured the (now empty) snapshot is written at once, and
 * the flush itself counts one change. */
static void persist_flushed_all(void) {
    if (server.child_pid != -1 && server.child_type == CHILD_TYPE_RDB) rdb_kill_child();
    if (server.cfg.save_params_count > 0 && rdb_save_foreground() == 0) server.dirty = 1;
}

static void persist_cron(void) {
    rdb_cron();
    aof_cron();
}

static const char *persist_write_error(void) {
    const char *e = rdb_write_error();
    return e ? e : aof_write_error();
}

static const PersistHooks hooks = {
    .load = persist_load,
    .cron = persist_cron,
    .shutdown = persist_shutdown,
    .write_error = persist_write_error,
    .info = persist_info,
    .debug_reload = persist_debug_reload,
    .debug_loadaof = persist_debug_loadaof,
    .flushed_all = persist_flushed_all,
    .set_appendonly = aof_apply_appendonly,
};

void persist_init(void) {
    rdbf_set_hash_seed(server.hash_seed);
    persist_hooks_register(&hooks);
    aof_init();
}
