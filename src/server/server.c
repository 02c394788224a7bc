/* server.c - the server's life: initialisation, the cron timer, the
 * before-sleep hook, signals and shutdown.
 *
 * Ordering promise kept by before_sleep: clients whose keys became ready
 * (or whose pause ended) run, expired keys are reaped, then the
 * propagation buffer goes to its sinks (the AOF, written and fsynced per
 * its policy), and only then are client replies sent.  The event loop's
 * barrier keeps a write handler from sending earlier in the iteration.
 *
 * Shutdown (SHUTDOWN, SIGTERM, SIGINT) is one path: the trigger records
 * its flags and sets shutdown_asap; before_sleep runs the sequence, so it
 * never runs inside a signal handler or half-way through a command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "cpu_affinity.h"
#include "evict.h"
#include "notify.h"
#include "pubsub.h"
#include "tracking.h"

Server server;

uint64_t server_rand64(void) {
    /* xorshift128+: fast, and good enough for sampling keys. */
    uint64_t s1 = server.rand_state[0];
    const uint64_t s0 = server.rand_state[1];
    server.rand_state[0] = s0;
    s1 ^= s1 << 23;
    server.rand_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return server.rand_state[1] + s0;
}

static void fill_random(void *buf, size_t len) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd != -1) {
        while (got < len) {
            ssize_t n = read(fd, (char *)buf + got, len - got);
            if (n <= 0) break;
            got += (size_t)n;
        }
        close(fd);
    }
    if (got < len) {
        /* No urandom: mix time and pid; weak but never fatal. */
        struct timeval tv;
        gettimeofday(&tv, NULL);
        uint64_t x = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 40);
        for (size_t i = got; i < len; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            ((unsigned char *)buf)[i] = (unsigned char)x;
        }
    }
}

/* The wall clock is read once per cron tick; in between, the loop and
 * the commands derive it from the monotonic clock they read anyway for
 * their timing, which saves a system clock call per iteration. */
void server_update_time(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    server.mono_base_us = ev_monotonic_us();
    server.wall_base_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
    server.now_ms = server.wall_base_us / 1000;
    server.lru_clock = (uint32_t)(server.now_ms / 1000) & LRU_CLOCK_MAX;
}

void server_update_time_mono(uint64_t mono_us) {
    /* One rounding, at the end: the derived time never lags the wall
     * clock by a whole millisecond. */
    server.now_ms = (server.wall_base_us + (int64_t)(mono_us - server.mono_base_us)) / 1000;
    server.lru_clock = (uint32_t)(server.now_ms / 1000) & LRU_CLOCK_MAX;
}

void bytes_to_human(char *buf, size_t len, unsigned long long n) {
    double d = (double)n;
    if (n < 1024) snprintf(buf, len, "%lluB", n);
    else if (n < 1024ULL * 1024) snprintf(buf, len, "%.2fK", d / 1024);
    else if (n < 1024ULL * 1024 * 1024) snprintf(buf, len, "%.2fM", d / (1024.0 * 1024));
    else if (n < 1024ULL * 1024 * 1024 * 1024) snprintf(buf, len, "%.2fG", d / (1024.0 * 1024 * 1024));
    else snprintf(buf, len, "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
}

void server_reset_stats(void) {
    memset(&server.stat, 0, sizeof(server.stat));
    evict_reset_stats();
    server.el_cmds_start = 0;
    if (server.loop) ev_cycle_stats_reset(server.loop);
    server.stat.inst_last_sample_ms = (uint64_t)server.now_ms;
    command_stats_reset();
    latency_tracking_reset();
    server.used_memory_peak = mem_used();
}

/* ------------------------------------------------------------- signals */

static void on_shutdown_signal(int sig) {
    if (server.shutdown_asap && sig == SIGINT) {
        server_log_raw(LL_WARNING, "You insist... exiting now.");
        if (server.cfg.pidfile && server.cfg.pidfile[0]) unlink(server.cfg.pidfile);
        _exit(1);
    }
    server_log_raw(LL_WARNING, sig == SIGINT ? "Received SIGINT scheduling shutdown..."
                                             : "Received SIGTERM scheduling shutdown...");
    /* shutdown-on-sigint/-sigterm use the SHUTDOWN flag values. */
    server.shutdown_flags = sig == SIGINT ? server.cfg.shutdown_on_sigint : server.cfg.shutdown_on_sigterm;
    server.shutdown_by_signal = 1;
    server.shutdown_asap = 1;
}

static void setup_signals(void) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_handler = on_shutdown_signal;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    crash_setup_signals();
}

/* ---------------------------------------------------------------- cron */

static void sample_instantaneous(void) {
    Stats *st = &server.stat;
    uint64_t now = (uint64_t)server.now_ms;
    uint64_t dt = now - st->inst_last_sample_ms;
    if (dt < 100) return;
    int i = st->inst_idx;
    st->inst_ops[i] = (st->commands_processed - st->inst_last_commands) * 1000 / dt;
    st->inst_in[i] = (st->net_input_bytes - st->inst_last_in) * 1000 / dt;
    st->inst_out[i] = (st->net_output_bytes - st->inst_last_out) * 1000 / dt;
    /* Cycles per second, and the mean length of a cycle in the period. */
    EvCycleStats el = ev_cycle_stats(server.loop);
    uint64_t cycles = el.cycles - st->inst_last_cycles;
    st->inst_el_cycles[i] = cycles * 1000 / dt;
    st->inst_el_duration[i] = cycles ? (el.awake_sum_us - st->inst_last_el_sum) / cycles : 0;
    st->inst_last_cycles = el.cycles;
    st->inst_last_el_sum = el.awake_sum_us;
    st->inst_idx = (i + 1) % 16;
    st->inst_last_commands = st->commands_processed;
    st->inst_last_in = st->net_input_bytes;
    st->inst_last_out = st->net_output_bytes;
    st->inst_last_sample_ms = now;
}

static void databases_cron(void) {
    for (int i = 0; i < server.db_count; i++) db_cron(&server.dbs[i], server.cfg.activerehashing ? 1 : 0);
}

static long long server_cron(EventLoop *loop, long long id, void *data) {
    (void)loop;
    (void)id;
    (void)data;
    server_update_time();
    /* DEBUG PAUSE-CRON: tests freeze what the cron would change. */
    if (server.pause_cron) return 1000 / server.cfg.hz;
    /* While a dataset loads, only the loader's own event rounds run the
     * loop: the keyspace is half-built, nothing may expire or rehash. */
    if (server.loading) return 1000 / server.cfg.hz;
    uint64_t cron_start = server.mono_base_us;
    server.cronloops++;
    sample_instantaneous();
    size_t used = mem_used();
    if (used > server.used_memory_peak) server.used_memory_peak = used;
    /* Reading RSS costs a syscall: once a second is plenty. */
    if (server.cronloops % (uint64_t)server.cfg.hz == 0) server.rss_cached = mem_rss();
    clients_cron();
    pause_check_timeout();
    /* The expire cycle is a latency monitor event. */
    uint64_t expire_start = server.cfg.latency_monitor_threshold ? ev_monotonic_us() : 0;
    /* A pause holds back expiry deletions (they are writes). */
    if (!pause_blocks_expire()) expire_cycle_slow();
    if (expire_start) {
        uint64_t ms = (ev_monotonic_us() - expire_start) / 1000;
        if ((long long)ms >= server.cfg.latency_monitor_threshold) latency_add_sample("expire-cycle", ms);
    }
    databases_cron();
    evict_cron();
    if (server.persist && server.persist->cron) server.persist->cron();
#ifdef SANITIZER_BUILD
    /* Sanitizer builds check the keyspace invariants once a second (on
     * databases small enough that the walk costs little). */
    if (server.cronloops % (uint64_t)server.cfg.hz == 0) {
        for (int i = 0; i < server.db_count; i++) {
            if (db_size(&server.dbs[i]) > 100000) continue;
            const char *err = db_check(&server.dbs[i]);
            if (err) server_panic("keyspace invariant broken in db %d: %s", i, err);
        }
    }
#endif
    server.stat.eventloop_duration_cron_sum_us += ev_monotonic_us() - cron_start;
    return 1000 / server.cfg.hz;
}

void server_apply_hz(void) {
    if (server.cfg.hz < 1) server.cfg.hz = 1;
    if (server.cfg.hz > 500) server.cfg.hz = 500;
}

/* Raises the open files limit to what maxclients needs (maxclients plus
 * SERVER_RESERVED_FDS for listeners, logs and files), as far as the
 * system allows: the soft limit up to the hard one, and the hard one too
 * where the process may (CAP_SYS_RESOURCE).  When even that is not
 * enough, maxclients is lowered to what fits.  Returns 0 when maxclients
 * could be kept, -1 when it was lowered (or the limit is unknown). */
static int adjust_open_files_limit(void) {
    rlim_t want = (rlim_t)server.cfg.maxclients + SERVER_RESERVED_FDS;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
        server_log(LL_WARNING, "Unable to obtain the current NOFILE limit (%s), assuming 1024 and setting the max "
                   "clients configuration accordingly.", strerror(errno));
        server.cfg.maxclients = 1024 - SERVER_RESERVED_FDS;
        return -1;
    }
    rlim_t old = rl.rlim_cur;
    if (old == RLIM_INFINITY || old >= want) return 0;
    /* Ask for all of it, then less, 16 descriptors at a time, down to the
     * current limit; the hard limit is never lowered. */
    rlim_t best = want;
    int err = 0;
    while (best > old) {
        struct rlimit next = {best, rl.rlim_max != RLIM_INFINITY && rl.rlim_max < best ? best : rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &next) == 0) break;
        err = errno;
        best = best - old > 16 ? best - 16 : old;
    }
    if (best >= want) {
        server_log(LL_NOTICE, "Increased maximum number of open files to %llu (it was originally set to %llu).",
                   (unsigned long long)want, (unsigned long long)old);
        return 0;
    }
    unsigned int asked = server.cfg.maxclients;
    if (best <= SERVER_RESERVED_FDS) {
        server_log(LL_WARNING, "Your current 'ulimit -n' of %llu is not enough for the server to start. Please "
                   "increase your open file limit to at least %llu. Exiting.", (unsigned long long)old,
                   (unsigned long long)want);
        exit(1);
    }
    server.cfg.maxclients = (unsigned int)(best - SERVER_RESERVED_FDS);
    server_log(LL_WARNING, "You requested maxclients of %u requiring at least %llu max file descriptors.", asked,
               (unsigned long long)want);
    server_log(LL_WARNING, "Server can't set maximum open files to %llu because of OS error: %s.",
               (unsigned long long)want, strerror(err));
    server_log(LL_WARNING, "Current maximum open files is %llu. maxclients has been reduced to %u to compensate for "
               "low ulimit. If you need higher maxclients increase 'ulimit -n'.", (unsigned long long)best,
               server.cfg.maxclients);
    return -1;
}

int server_apply_maxclients(char **err) {
    unsigned int asked = server.cfg.maxclients;
    if (adjust_open_files_limit() == -1 && server.cfg.maxclients != asked) {
        if (err) {
            char msg[128];
            snprintf(msg, sizeof(msg),
                     "The operating system is not able to handle the specified number of clients, try with %u",
                     server.cfg.maxclients);
            *err = mem_strdup(msg);
        }
        return -1;
    }
    /* The event loop must have a slot for every client plus listeners. */
    int want = (int)server.cfg.maxclients + SERVER_EVENTS_EXTRA;
    if (server.loop && ev_setsize(server.loop) < want && ev_resize(server.loop, want) == -1) {
        if (err) *err = mem_strdup("The event loop API is not able to handle the specified number of clients");
        return -1;
    }
    return 0;
}

/* Timing, with the readings the loop takes anyway: start is the loop's
 * reading after this iteration's timers (nothing ran since).  Only when
 * housekeeping did work (blocked clients, the fast expire cycle) or the
 * AOF is written is the clock read again, to count that time: an idle
 * pass costs a fraction of a microsecond, and the common iteration no
 * clock reading at all.  The loop's next reading, as it goes to sleep,
 * ends the cycle (ev_cycle_stats). */
static void before_sleep(EventLoop *loop) {
    if (server.shutdown_asap) {
        server_shutdown();
        return;
    }
    Stats *st = &server.stat;
    uint64_t start = ev_now_us(loop);
    if (!start) start = ev_monotonic_us();
    server_update_time_mono(start);
    pause_check_timeout();
    int busy = 0;
    if (blocked_work_pending()) {
        blocked_before_sleep();
        busy = 1;
    }
    if (!pause_blocks_expire() && server.expire_last_timed_out) {
        expire_cycle_fast();
        busy = 1;
    }
    if (server.tracking_clients) tracking_before_sleep();
    uint64_t t = busy ? ev_monotonic_us() : start;
    st->eventloop_duration_cron_sum_us += t - start;
    /* Durability before replies: the sinks get every write first. */
    if (server.prop.active) {
        propagate_flush();
        st->eventloop_duration_aof_sum_us += ev_monotonic_us() - t;
    } else {
        propagate_flush();
    }
    clients_write_pending();
    clients_close_pending();
    /* The commands of this cycle: its handlers' and before_sleep's. */
    uint64_t cmds = st->commands_processed - server.el_cmds_start;
    if (cmds > st->eventloop_cmd_per_cycle_max) st->eventloop_cmd_per_cycle_max = cmds;
    server.el_cmds_start = st->commands_processed;
}

/* The loop must wake for the earliest blocked-client timeout, and not
 * sleep at all while closes are left over (clients_close_pending). */
static long long sleep_bound(EventLoop *loop) {
    (void)loop;
    if (server.clients_to_close) return 0;
    return blocked_ms_until_timeout();
}

/* ------------------------------------------------------------ start-up */

static void write_pidfile(void) {
    if (!server.cfg.pidfile || !server.cfg.pidfile[0]) return;
    FILE *fp = fopen(server.cfg.pidfile, "w");
    if (!fp) {
        server_log(LL_WARNING, "Failed to write PID file: %s", strerror(errno));
        return;
    }
    fprintf(fp, "%d\n", (int)getpid());
    fclose(fp);
}

static void daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) {
        server_log(LL_WARNING, "fork: %s", strerror(errno));
        exit(1);
    }
    if (pid > 0) exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR);
    if (fd != -1) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) close(fd);
    }
    server.daemonized = 1;
}

void server_change_replid(void) {
    unsigned char bytes[20];
    fill_random(bytes, sizeof(bytes));
    for (int i = 0; i < 20; i++) snprintf(server.replid + i * 2, 3, "%02x", bytes[i]);
}

void server_init(void) {
    fill_random(server.hash_seed, sizeof(server.hash_seed));
    fill_random(server.rand_state, sizeof(server.rand_state));
    unsigned char idbytes[20];
    fill_random(idbytes, sizeof(idbytes));
    for (int i = 0; i < 20; i++) snprintf(server.run_id + i * 2, 3, "%02x", idbytes[i]);
    server_change_replid();
    server.unix_fd = -1;
    server.active_expire_enabled = 1;
    server.reply_buffer_peak_reset_ms = REPLY_BUFFER_PEAK_RESET_MS;
    server.reply_buffer_resizing = 1;
    server.pause_timer_id = -1;
    server_update_time();
    server.start_time_ms = server.now_ms;
    server.start_mono_us = ev_monotonic_us();
    server.lastsave_s = server.now_ms / 1000;
    server.child_pid = -1;
    pubsub_init();
    notify_init();
}

/* Everything after the configuration is known. */
static int server_open(void) {
    supervise_init();
    /* A supervised server stays in the foreground, as the manager expects. */
    if (server.cfg.daemonize && !supervise_is_supervised()) daemonize();
    server.pid = getpid();
    setup_signals();
    server_apply_hz();
    server_apply_maxclients(NULL);
    server.loop = ev_create((int)server.cfg.maxclients + SERVER_EVENTS_EXTRA);
    if (!server.loop) {
        server_log(LL_WARNING, "Failed creating the event loop. Error message: '%s'", strerror(errno));
        return -1;
    }
    server.db_count = server.cfg.databases;
    server.dbs = mem_calloc(sizeof(Db) * (size_t)server.db_count);
    for (int i = 0; i < server.db_count; i++) db_init(&server.dbs[i], i);
    if (accept_init_listeners() == -1) return -1;
    if (server.cfg.daemonize || server.cfg.pidfile) write_pidfile();
    server.cron_timer_id = ev_add_timer(server.loop, 1, server_cron, NULL);
    ev_set_before_sleep(server.loop, before_sleep);
    ev_set_sleep_bound(server.loop, sleep_bound);
    server.used_memory_startup = mem_used();
    server.used_memory_peak = server.used_memory_startup;
    server.rss_cached = mem_rss();
    server.stat.inst_last_sample_ms = (uint64_t)server.now_ms;
    if (server.cfg.oom_score_adj != OOM_SCORE_ADJ_NO) supervise_apply_oom_score(NULL);
    supervise_set_proc_title(server.cfg.proc_title_template);
    return 0;
}

static void show_banner(void) {
    int bits = (int)(sizeof(void *) * 8);
    if (server.cfg.always_show_logo || (isatty(STDOUT_FILENO) && (!server.cfg.logfile || !server.cfg.logfile[0]))) {
        char art[1024];
        snprintf(art, sizeof(art),
                 "\n"
                 "      .-----------.\n"
                 "     /  _   _   _  \\      Valkey-compatible server %s (%s level %s) %d bit\n"
                 "    |  |_| |_| |_|  |\n"
                 "    |   key/value   |     Running in standalone mode\n"
                 "    |  _   _   _    |     Port: %d\n"
                 "    | |_| |_| |_|   |     PID: %d\n"
                 "     \\             /\n"
                 "      '-----------'\n",
                 OUR_VERSION, SERVER_NAME, SERVER_VERSION, bits, server.cfg.port, (int)server.pid);
        server_log(LL_NOTICE, "%s", art);
    } else {
        server_log(LL_NOTICE, "Running mode=standalone, port=%d. PID: %d", server.cfg.port, (int)server.pid);
    }
}

void server_run(void) {
    server_log(LL_NOTICE, "oO0OoO0OoO0Oo Valkey is starting oO0OoO0OoO0Oo");
    server_log(LL_NOTICE, "Valkey version=%s, bits=%d, commit=00000000, modified=0, pid=%d, just started",
               SERVER_VERSION, (int)(sizeof(void *) * 8), (int)getpid());
    if (server.config_file) server_log(LL_NOTICE, "Configuration loaded");
    else server_log(LL_WARNING, "Warning: no config file specified, using the default config. In order to specify a config file use valkey-server /path/to/valkey.conf");
    const char *bad_title = supervise_check_title_template(server.cfg.proc_title_template);
    if (bad_title) {
        fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Version %s) ***\n", SERVER_VERSION);
        fprintf(stderr, ">>> 'proc-title-template \"%s\"'\n%s\n", server.cfg.proc_title_template, bad_title);
        exit(1);
    }
    cpu_affinity_init();
    if (server_open() == -1) exit(1);
    server_log(LL_NOTICE, "monotonic clock: POSIX clock_gettime");
    show_banner();
    config_log_unsupported();
    server_log(LL_NOTICE, "Server initialized");
    if (server.persist && server.persist->load) server.persist->load();
    if (server.listen_count) server_log(LL_NOTICE, "Ready to accept connections tcp");
    if (server.unix_fd != -1) server_log(LL_NOTICE, "Ready to accept connections unix");
    supervise_ready();
    ev_main(server.loop);
#if defined(__SANITIZE_ADDRESS__) || defined(SANITIZER_BUILD)
    /* Leak checkers report what is alive at exit: free the keyspace so only
     * real leaks remain. */
    server_free_keyspace();
#endif
    exit(server.exit_code);
}

/* The shutdown sequence.  The persistence hook stops any child and saves
 * the final snapshot (SAVE, or save points configured without NOSAVE);
 * when that save fails without FORCE the server stays up and this
 * returns -1.  NOW matters only with replicas to wait for, which do not
 * exist yet, so shutdown-timeout never comes into play either. */
int server_prepare_shutdown(int flags) {
    server_log(LL_WARNING, "User requested shutdown...");
    if (server.persist && server.persist->shutdown && server.persist->shutdown(flags) == -1) return -1;
    supervise_stopping();
    if (server.cfg.pidfile && server.cfg.pidfile[0]) {
        server_log(LL_NOTICE, "Removing the pid file.");
        unlink(server.cfg.pidfile);
    }
    if (server.unix_fd != -1) server_log(LL_NOTICE, "Removing the unix socket file.");
    accept_close_listeners();
    server_log(LL_WARNING, "%s is now ready to exit, bye bye...", "Valkey");
    return 0;
}

void server_free_keyspace(void) {
    for (int i = 0; i < server.db_count; i++) db_flush(&server.dbs[i]);
}

void server_shutdown(void) {
    server.shutdown_asap = 0;
    if (server_prepare_shutdown(server.shutdown_flags) == 0) ev_stop(server.loop);
    else if (server.shutdown_by_signal)
        server_log(LL_WARNING, "SIGTERM received but errors trying to shut down the server, check the logs for more "
                               "information");
}

void persist_hooks_register(const PersistHooks *hooks) {
    server.persist = hooks;
}

void server_process_events_while_blocked(void) {
    /* Up to four rounds, as long as something happened: a client's
     * command and its reply may take one each. */
    for (int i = 0; i < 4; i++) {
        server_update_time();
        int n = ev_process(server.loop, 1);
        clients_write_pending();
        clients_close_pending();
        if (n == 0) break;
    }
}
