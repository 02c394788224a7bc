/* bgsave.c - snapshots in the background and their bookkeeping: BGSAVE's
 * child, the save points (`save <seconds> <changes>`), BGSAVE SCHEDULE,
 * what a finished child means for dirty/lastsave/the bgsave status, and
 * the -MISCONF refusal that follows a failure.
 *
 * A failed save is retried by the save points only after
 * CONFIG_BGSAVE_RETRY_DELAY seconds (Valkey's 5), so a full disk does not
 * fork a child every cron tick. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../server/server.h"
#include "aof.h"
#include "persist.h"

#define BGSAVE_RETRY_DELAY 5

RdbState rdb_state = {.lastbgsave_ok = 1, .save_time_start = -1, .save_time_last = -1};

static uint64_t keys_total(void) {
    uint64_t n = 0;
    for (int i = 0; i < server.db_count; i++) n += db_size(&server.dbs[i]);
    return n;
}

int rdb_save_foreground(void) {
    if (rdb_save_file(server.cfg.dbfilename) == -1) return -1;
    server_log(LL_NOTICE, "DB saved on disk");
    server.dirty = 0;
    server.lastsave_s = (int64_t)time(NULL);
    rdb_state.lastbgsave_ok = 1;
    return 0;
}

int rdb_bgsave_start(void) {
    if (server.child_pid != -1) return -1;
    rdb_state.saves++;
    rdb_state.dirty_before_bgsave = server.dirty;
    rdb_state.lastbgsave_try = (int64_t)time(NULL);
    rdb_state.child_keys_total = keys_total();
    pid_t pid = child_fork(CHILD_TYPE_RDB);
    if (pid == 0) {
        supervise_set_proc_title("valkey-rdb-bgsave");
        int rc = rdb_save_file(server.cfg.dbfilename);
        if (rc == 0) server_log(LL_NOTICE, "DB saved on disk");
        child_send_info(rdb_state.child_keys, 1);
        child_exit(rc == 0 ? 0 : 1);
    }
    if (pid == -1) {
        rdb_state.lastbgsave_ok = 0;
        server_log(LL_WARNING, "Can't save in background: fork: %s", strerror(errno));
        return -1;
    }
    server_log(LL_NOTICE, "Background saving started by pid %ld", (long)pid);
    rdb_state.save_time_start = (int64_t)time(NULL);
    return 0;
}

static void remove_temp_file(pid_t pid) {
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "temp-%d.rdb", (int)pid);
    unlink(tmp);
}

static void bgsave_done(pid_t pid, int exitcode, int bysignal) {
    int64_t now = (int64_t)time(NULL);
    if (!bysignal && exitcode == 0) {
        server_log(LL_NOTICE, "Background saving terminated with success");
        server.dirty = server.dirty > rdb_state.dirty_before_bgsave ? server.dirty - rdb_state.dirty_before_bgsave : 0;
        server.lastsave_s = now;
        rdb_state.lastbgsave_ok = 1;
    } else if (!bysignal) {
        server_log(LL_WARNING, "Background saving error");
        rdb_state.lastbgsave_ok = 0;
    } else {
        server_log(LL_WARNING, "Background saving terminated by signal %d", bysignal);
        remove_temp_file(pid);
        /* SIGUSR1 is our own "stop": not an error. */
        if (bysignal != SIGUSR1) rdb_state.lastbgsave_ok = 0;
    }
    rdb_state.save_time_last = rdb_state.save_time_start == -1 ? -1 : now - rdb_state.save_time_start;
    rdb_state.save_time_start = -1;
}

/* A child that ended: its outcome. */
static void check_child_done(void) {
    child_read_info();
    int status;
    pid_t p = waitpid(server.child_pid, &status, WNOHANG);
    if (p == 0) return;
    pid_t pid = server.child_pid;
    int type = server.child_type, exitcode = 1, bysignal = 0;
    if (p == -1) {
        server_log(LL_WARNING, "waitpid() returned an error: %s. child_type: %d, child_pid = %d", strerror(errno),
                   type, (int)pid);
    } else if (WIFEXITED(status)) {
        exitcode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        bysignal = WTERMSIG(status);
    }
    child_read_info();
    child_reset();
    if (type == CHILD_TYPE_RDB) bgsave_done(pid, exitcode, bysignal);
    else if (type == CHILD_TYPE_AOF) aof_rewrite_done(pid, exitcode, bysignal);
}

void rdb_cron(void) {
    if (server.child_pid != -1) check_child_done();
    if (server.child_pid != -1) return;
    int64_t now = (int64_t)time(NULL);
    int may_retry = rdb_state.lastbgsave_ok || now - rdb_state.lastbgsave_try > BGSAVE_RETRY_DELAY;
    for (int i = 0; i + 1 < server.cfg.save_params_count; i += 2) {
        long long secs = server.cfg.save_params[i], changes = server.cfg.save_params[i + 1];
        if (server.dirty >= (uint64_t)changes && now - server.lastsave_s > secs && may_retry) {
            server_log(LL_NOTICE, "%lld changes in %lld seconds. Saving...", changes, secs);
            rdb_bgsave_start();
            return;
        }
    }
    if (rdb_state.bgsave_scheduled && may_retry && rdb_bgsave_start() == 0) rdb_state.bgsave_scheduled = 0;
}

void rdb_kill_child(void) {
    if (server.child_pid == -1 || server.child_type != CHILD_TYPE_RDB) return;
    pid_t pid = server.child_pid;
    server_log(LL_NOTICE, "Killing running RDB child: %ld", (long)pid);
    kill(pid, SIGUSR1);
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
    }
    child_reset();
    remove_temp_file(pid);
    rdb_state.save_time_start = -1;
}

const char *rdb_write_error(void) {
    if (!server.cfg.stop_writes_on_bgsave_error || server.cfg.save_params_count == 0 || rdb_state.lastbgsave_ok)
        return NULL;
    return "-MISCONF Valkey is configured to save RDB snapshots, but it's currently unable to persist to disk. "
           "Commands that may modify the data set are disabled, because this instance is configured to report "
           "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
           "Valkey logs for details about the RDB error.";
}
