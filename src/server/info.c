/* info.c - the INFO command: sections of "field:value" lines.
 *
 * Field names follow Valkey's INFO so monitoring tools parse us unchanged;
 * every value is measured here (memory from the allocator and /proc, CPU
 * from getrusage, the event loop from its own clock readings), never a
 * constant standing in for a measurement.  The zeros written as literals
 * are true ones: they count what this server does not have yet
 * (replication, persistence, forks, Lua, pub/sub, MULTI/WATCH, tracking,
 * cluster, I/O threads, eviction, defragmentation, lazy freeing, module
 * fields), and each becomes a counter with its feature. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "server.h"
#include "evict.h"
#include "lazyfree.h"
#include "pubsub.h"
#include "tracking.h"
#include "reply.h"
#include "cmds.h"

static int section_wanted(const char *list, const char *name, int is_default) {
    if (!list || strcasecmp(list, "default") == 0) return is_default;
    if (strcasecmp(list, "all") == 0 || strcasecmp(list, "everything") == 0) return 1;
    /* list is space separated, lower-cased by the caller */
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (len == n && strncasecmp(p, name, n) == 0) return 1;
        if (len == 7 && strncasecmp(p, "default", 7) == 0 && is_default) return 1;
        if ((len == 3 && strncasecmp(p, "all", 3) == 0) || (len == 10 && strncasecmp(p, "everything", 10) == 0)) return 1;
        p += len;
    }
    return 0;
}

/* Whether the list names this section itself (for sections that "all"
 * and "everything" leave out). */
static int section_named(const char *list, const char *name) {
    if (!list) return 0;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (len == n && strncasecmp(p, name, n) == 0) return 1;
        p += len;
    }
    return 0;
}

static Str *section_header(Str *s, const char *title) {
    if (s->len) s = str_cat(s, "\r\n", 2);
    return str_catfmt(s, "# %s\r\n", title);
}

static Str *info_server(Str *s) {
    struct utsname un;
    uname(&un);
    int64_t uptime = (int64_t)((ev_monotonic_us() - server.start_mono_us) / 1000000u);
    s = str_catfmt(s,
                   "redis_version:%s\r\n"
                   "server_name:%s\r\n"
                   "valkey_version:%s\r\n"
                   /* This project's own release; issue #3 asks for it in a
                   * field of our choice next to the compatibility levels. */
                   "server_version:%s\r\n"
                   "redis_git_sha1:00000000\r\n"
                   "redis_git_dirty:0\r\n"
                   "redis_build_id:0\r\n"
                   "server_mode:standalone\r\n"
                   "os:%s %s %s\r\n"
                   "arch_bits:%d\r\n"
                   "monotonic_clock:POSIX clock_gettime\r\n"
                   "multiplexing_api:%s\r\n"
                   "gcc_version:%d.%d.%d\r\n"
                   "process_id:%d\r\n"
                   "process_supervised:%s\r\n"
                   "run_id:%s\r\n"
                   "tcp_port:%d\r\n"
                   "server_time_usec:%lld\r\n"
                   "uptime_in_seconds:%lld\r\n"
                   "uptime_in_days:%lld\r\n"
                   "hz:%d\r\n"
                   "configured_hz:%d\r\n"
                   "lru_clock:%u\r\n"
                   "executable:%s\r\n"
                   "config_file:%s\r\n"
                   "io_threads_active:0\r\n",
                   REDIS_COMPAT_VERSION, SERVER_NAME, SERVER_VERSION, OUR_VERSION, un.sysname, un.release, un.machine,
                   (int)(sizeof(void *) * 8), ev_backend_name(),
#ifdef __GNUC__
                   __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
                   0, 0, 0,
#endif
                   (int)getpid(), supervise_mode_name(), server.run_id, server.cfg.port, (long long)server.now_ms * 1000,
                   (long long)uptime, (long long)(uptime / 86400), server.cfg.hz, server.cfg.hz, server.lru_clock,
                   server.executable ? server.executable : "", server.config_file ? server.config_file : "");
    /* The zone is the availability-zone directive, as Valkey shows it. */
    char *zone = config_get_value("availability-zone");
    s = str_catfmt(s, "availability_zone:%s\r\n", zone ? zone : "");
    mem_free(zone);
    if (server.cfg.port) s = str_catfmt(s, "listener0:name=tcp,bind=%s,port=%d\r\n", server.cfg.bind_count ? server.cfg.bind[0] : "*", server.cfg.port);
    if (server.cfg.unixsocket) s = str_catfmt(s, "listener%d:name=unix,bind=%s\r\n", server.cfg.port ? 1 : 0, server.cfg.unixsocket);
    return s;
}

static Str *info_clients(Str *s) {
    size_t max_in = 0, max_out = 0;
    for (Client *c = server.clients; c; c = c->next) {
        size_t in = client_qbuf_owned(c);
        if (in > max_in) max_in = in;
        size_t o = client_output_bytes(c);
        if (o > max_out) max_out = o;
    }
    return str_catfmt(s,
                      "connected_clients:%llu\r\n"
                      "cluster_connections:0\r\n"
                      "maxclients:%u\r\n"
                      "client_recent_max_input_buffer:%zu\r\n"
                      "client_recent_max_output_buffer:%zu\r\n"
                      "blocked_clients:%llu\r\n"
                      "tracking_clients:%llu\r\n"
                      "pubsub_clients:%llu\r\n"
                      "watching_clients:%llu\r\n"
                      "clients_in_timeout_table:%llu\r\n"
                      "total_watched_keys:%llu\r\n"
                      "total_blocking_keys:%llu\r\n"
                      "total_blocking_keys_on_nokey:%llu\r\n",
                      (unsigned long long)server.client_count, server.cfg.maxclients, max_in, max_out,
                      /* Clients held by CLIENT PAUSE are not "blocked" here, as in Valkey. */
                      (unsigned long long)(server.blocked.stats.blocked_clients -
                                           server.blocked.stats.by_reason[BLOCKED_PAUSE]),
                      (unsigned long long)server.tracking_clients, (unsigned long long)server.pubsub_clients,
                      (unsigned long long)server.watching_clients,
                      (unsigned long long)server.blocked.stats.in_timeout_table,
                      (unsigned long long)server.watched_keys,
                      (unsigned long long)server.blocked.stats.blocking_keys,
                      (unsigned long long)server.blocked.stats.blocking_keys_on_nokey);
}

static size_t total_system_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    return pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize : 0;
}

static uint64_t info_evicted_scripts(void) {
    ScriptInfo si = {0};
    if (script_hooks && script_hooks->info) script_hooks->info(&si);
    return si.evicted_scripts;
}

/* The scripting figures (script_hooks; zeros without scripting). */
static Str *info_scripts_memory(void) {
    ScriptInfo si = {0};
    if (script_hooks && script_hooks->info) script_hooks->info(&si);
    char h_lua[32], h_vm[32], h_scripts[32];
    bytes_to_human(h_lua, sizeof(h_lua), si.vm_eval);
    bytes_to_human(h_vm, sizeof(h_vm), si.vm_eval + si.vm_functions);
    bytes_to_human(h_scripts, sizeof(h_scripts), si.scripts_eval + si.functions_mem);
    return str_catfmt(str_with_capacity(512),
                      "used_memory_lua:%zu\r\n"
                      "used_memory_vm_eval:%zu\r\n"
                      "used_memory_lua_human:%s\r\n"
                      "used_memory_scripts_eval:%zu\r\n"
                      "number_of_cached_scripts:%llu\r\n"
                      "number_of_functions:%llu\r\n"
                      "number_of_libraries:%llu\r\n"
                      "used_memory_vm_functions:%zu\r\n"
                      "used_memory_vm_total:%zu\r\n"
                      "used_memory_vm_total_human:%s\r\n"
                      "used_memory_functions:%zu\r\n"
                      "used_memory_scripts:%zu\r\n"
                      "used_memory_scripts_human:%s\r\n",
                      si.vm_eval, si.vm_eval, h_lua, si.scripts_eval, (unsigned long long)si.cached_scripts,
                      (unsigned long long)si.functions, (unsigned long long)si.libraries, si.vm_functions,
                      si.vm_eval + si.vm_functions, h_vm, si.functions_mem, si.scripts_eval + si.functions_mem,
                      h_scripts);
}

static Str *info_memory(Str *s) {
    MemOverhead m;
    mem_overhead_compute(&m);
    size_t used = m.used, rss = m.rss, overhead = m.total, dataset = m.dataset;
    size_t allocated = m.allocated, active = m.active, resident = m.resident;
    char h_used[32], h_rss[32], h_peak[32], h_sys[32], h_max[32];
    bytes_to_human(h_used, sizeof(h_used), used);
    bytes_to_human(h_rss, sizeof(h_rss), rss);
    bytes_to_human(h_peak, sizeof(h_peak), server.used_memory_peak);
    bytes_to_human(h_sys, sizeof(h_sys), total_system_memory());
    bytes_to_human(h_max, sizeof(h_max), server.cfg.maxmemory);
    Str *scripts = info_scripts_memory();
    static const char *policies[] = {"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu",
                                     "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"};
    s = str_catfmt(
        s,
        "used_memory:%zu\r\n"
        "used_memory_human:%s\r\n"
        "used_memory_rss:%zu\r\n"
        "used_memory_rss_human:%s\r\n"
        "used_memory_peak:%zu\r\n"
        "used_memory_peak_human:%s\r\n"
        "used_memory_peak_perc:%.2f%%\r\n"
        "used_memory_overhead:%zu\r\n"
        "used_memory_startup:%zu\r\n"
        "used_memory_dataset:%zu\r\n"
        "used_memory_dataset_perc:%.2f%%\r\n"
        "allocator_allocated:%zu\r\n"
        "allocator_active:%zu\r\n"
        "allocator_resident:%zu\r\n"
        "allocator_muzzy:0\r\n"
        "total_system_memory:%zu\r\n"
        "total_system_memory_human:%s\r\n"
        "%s"
        "maxmemory:%llu\r\n"
        "maxmemory_human:%s\r\n"
        "maxmemory_policy:%s\r\n"
        "allocator_frag_ratio:%.2f\r\n"
        "allocator_frag_bytes:%lld\r\n"
        "allocator_rss_ratio:%.2f\r\n"
        "allocator_rss_bytes:%lld\r\n"
        "rss_overhead_ratio:%.2f\r\n"
        "rss_overhead_bytes:%lld\r\n"
        "mem_fragmentation_ratio:%.2f\r\n"
        "mem_fragmentation_bytes:%lld\r\n"
        "mem_not_counted_for_evict:%zu\r\n"
        "mem_replication_backlog:0\r\n"
        "mem_total_replication_buffers:0\r\n"
        "mem_clients_slaves:0\r\n"
        "mem_clients_normal:%zu\r\n"
        "mem_cluster_links:0\r\n"
        "mem_aof_buffer:0\r\n"
        "mem_allocator:%s\r\n"
        "mem_overhead_db_hashtable_rehashing:%zu\r\n"
        "active_defrag_running:0\r\n"
        "lazyfree_pending_objects:%llu\r\n"
        "lazyfreed_objects:%llu\r\n",
        used, h_used, rss, h_rss, server.used_memory_peak, h_peak,
        (double)m.peak_perc, overhead, server.used_memory_startup, dataset, (double)m.dataset_perc, allocated,
        active, resident, total_system_memory(), h_sys, scripts->buf, (unsigned long long)server.cfg.maxmemory,
        h_max,
        policies[server.cfg.maxmemory_policy & 7], (double)m.alloc_frag, m.alloc_frag_bytes, (double)m.alloc_rss,
        m.alloc_rss_bytes, (double)m.rss_overhead, m.rss_overhead_bytes, (double)m.frag, m.frag_bytes,
        evict_mem_not_counted(), m.clients_normal, mem_allocator_name(), m.rehashing,
        (unsigned long long)lazyfree_pending(), (unsigned long long)lazyfree_freed());
    str_free(scripts);
    return s;
}

static Str *info_persistence(Str *s) {
    if (server.persist && server.persist->info) return server.persist->info(s);
    return str_catfmt(s,
                      "loading:0\r\n"
                      "async_loading:0\r\n"
                      "current_cow_peak:0\r\n"
                      "current_cow_size:0\r\n"
                      "current_cow_size_age:0\r\n"
                      "current_fork_perc:0.00\r\n"
                      "current_save_keys_processed:0\r\n"
                      "current_save_keys_total:0\r\n"
                      "rdb_changes_since_last_save:%llu\r\n"
                      "rdb_bgsave_in_progress:0\r\n"
                      "rdb_last_save_time:%lld\r\n"
                      "rdb_last_bgsave_status:ok\r\n"
                      "rdb_last_bgsave_time_sec:-1\r\n"
                      "rdb_current_bgsave_time_sec:-1\r\n"
                      "rdb_saves:0\r\n"
                      "rdb_last_cow_size:0\r\n"
                      "rdb_last_load_keys_expired:0\r\n"
                      "rdb_last_load_keys_loaded:0\r\n"
                      "aof_enabled:0\r\n"
                      "aof_rewrite_in_progress:0\r\n"
                      "aof_rewrite_scheduled:0\r\n"
                      "aof_last_rewrite_time_sec:-1\r\n"
                      "aof_current_rewrite_time_sec:-1\r\n"
                      "aof_last_bgrewrite_status:ok\r\n"
                      "aof_rewrites:0\r\n"
                      "aof_rewrites_consecutive_failures:0\r\n"
                      "aof_last_write_status:ok\r\n"
                      "aof_last_cow_size:0\r\n"
                      "module_fork_in_progress:0\r\n"
                      "module_fork_last_cow_size:0\r\n",
                      (unsigned long long)server.dirty, (long long)server.lastsave_s);
}

static uint64_t inst_avg(const uint64_t *samples) {
    uint64_t sum = 0;
    for (int i = 0; i < 16; i++) sum += samples[i];
    return sum / 16;
}

static Str *info_stats(Str *s) {
    Stats *st = &server.stat;
    EvCycleStats el = ev_cycle_stats(server.loop);
    return str_catfmt(
        s,
        "total_connections_received:%llu\r\n"
        "total_commands_processed:%llu\r\n"
        "instantaneous_ops_per_sec:%llu\r\n"
        "total_net_input_bytes:%llu\r\n"
        "total_net_output_bytes:%llu\r\n"
        "total_net_repl_input_bytes:0\r\n"
        "total_net_repl_output_bytes:0\r\n"
        "instantaneous_input_kbps:%.2f\r\n"
        "instantaneous_output_kbps:%.2f\r\n"
        "instantaneous_input_repl_kbps:0.00\r\n"
        "instantaneous_output_repl_kbps:0.00\r\n"
        "rejected_connections:%llu\r\n"
        "sync_full:0\r\n"
        "sync_partial_ok:0\r\n"
        "sync_partial_err:0\r\n"
        "expired_keys:%llu\r\n"
        "expired_stale_perc:%.2f\r\n"
        "expired_time_cap_reached_count:%llu\r\n"
        "expire_cycle_cpu_milliseconds:%llu\r\n"
        "evicted_keys:%llu\r\n"
        "evicted_clients:%llu\r\n"
        "evicted_scripts:%llu\r\n"
        "total_eviction_exceeded_time:%llu\r\n"
        "current_eviction_exceeded_time:%llu\r\n"
        "keyspace_hits:%llu\r\n"
        "keyspace_misses:%llu\r\n"
        "pubsub_channels:%llu\r\n"
        "pubsub_patterns:%llu\r\n"
        "pubsubshard_channels:%llu\r\n"
        "latest_fork_usec:%llu\r\n"
        "total_forks:%llu\r\n"
        "migrate_cached_sockets:0\r\n"
        "slave_expires_tracked_keys:0\r\n"
        "active_defrag_hits:0\r\n"
        "active_defrag_misses:0\r\n"
        "active_defrag_key_hits:0\r\n"
        "active_defrag_key_misses:0\r\n"
        "total_active_defrag_time:0\r\n"
        "current_active_defrag_time:0\r\n"
        "tracking_total_keys:%llu\r\n"
        "tracking_total_items:%llu\r\n"
        "tracking_total_prefixes:%llu\r\n"
        "unexpected_error_replies:%llu\r\n"
        "total_error_replies:%llu\r\n"
        "dump_payload_sanitizations:%llu\r\n"
        "total_reads_processed:%llu\r\n"
        "total_writes_processed:%llu\r\n"
        "io_threaded_reads_processed:0\r\n"
        "io_threaded_writes_processed:0\r\n"
        "io_threaded_freed_objects:0\r\n"
        "io_threaded_poll_processed:0\r\n"
        "io_threaded_total_prefetch_batches:0\r\n"
        "io_threaded_total_prefetch_entries:0\r\n"
        "client_query_buffer_limit_disconnections:%llu\r\n"
        "client_output_buffer_limit_disconnections:%llu\r\n"
        "reply_buffer_shrinks:%llu\r\n"
        "reply_buffer_expands:%llu\r\n"
        "eventloop_cycles:%llu\r\n"
        "eventloop_duration_sum:%llu\r\n"
        "eventloop_duration_cmd_sum:%llu\r\n"
        "instantaneous_eventloop_cycles_per_sec:%llu\r\n"
        "instantaneous_eventloop_duration_usec:%llu\r\n"
        "acl_access_denied_auth:%llu\r\n"
        "acl_access_denied_cmd:0\r\n"
        "acl_access_denied_key:0\r\n"
        "acl_access_denied_channel:0\r\n",
        (unsigned long long)st->connections_received, (unsigned long long)st->commands_processed,
        (unsigned long long)inst_avg(st->inst_ops), (unsigned long long)st->net_input_bytes,
        (unsigned long long)st->net_output_bytes, (double)inst_avg(st->inst_in) / 1024,
        (double)inst_avg(st->inst_out) / 1024, (unsigned long long)st->rejected_connections,
        (unsigned long long)st->expired_keys, (double)st->expired_stale_perc_x100 / 100,
        (unsigned long long)st->expired_time_cap_reached, (unsigned long long)st->expire_cycle_cpu_ms,
        (unsigned long long)st->evicted_keys, (unsigned long long)evict_stat_evicted_clients(),
        (unsigned long long)info_evicted_scripts(), (unsigned long long)evict_stat_exceeded_total_ms(),
        (unsigned long long)evict_stat_exceeded_current_ms(),
        (unsigned long long)st->keyspace_hits,
        (unsigned long long)st->keyspace_misses, (unsigned long long)pubsub_channel_count(),
        (unsigned long long)pubsub_pattern_count(), (unsigned long long)pubsub_shard_channel_count(),
        (unsigned long long)st->latest_fork_usec, (unsigned long long)st->total_forks,
        (unsigned long long)tracking_total_keys(), (unsigned long long)tracking_total_items(),
        (unsigned long long)tracking_total_prefixes(), (unsigned long long)st->unexpected_error_replies,
        (unsigned long long)st->total_error_replies,
        (unsigned long long)st->dump_payload_sanitizations, (unsigned long long)st->total_reads,
        (unsigned long long)st->total_writes, (unsigned long long)st->qbuf_limit_disconnections,
        (unsigned long long)st->obuf_limit_disconnections, (unsigned long long)st->reply_buffer_shrinks,
        (unsigned long long)st->reply_buffer_expands, (unsigned long long)el.cycles,
        (unsigned long long)el.awake_sum_us, (unsigned long long)st->eventloop_duration_cmd_sum_us,
        (unsigned long long)inst_avg(st->inst_el_cycles), (unsigned long long)inst_avg(st->inst_el_duration),
        (unsigned long long)st->acl_denied_auth);
}

/* INFO DEBUG: Valkey's experimental loop metrics; only shown when asked
 * for by name (not by "all" or "everything"), as in Valkey. */
static Str *info_debug(Str *s) {
    Stats *st = &server.stat;
    EvCycleStats el = ev_cycle_stats(server.loop);
    return str_catfmt(s,
                      "eventloop_duration_aof_sum:%llu\r\n"
                      "eventloop_duration_cron_sum:%llu\r\n"
                      "eventloop_duration_max:%llu\r\n"
                      "eventloop_cmd_per_cycle_max:%llu\r\n",
                      (unsigned long long)st->eventloop_duration_aof_sum_us,
                      (unsigned long long)st->eventloop_duration_cron_sum_us,
                      (unsigned long long)el.awake_max_us,
                      (unsigned long long)st->eventloop_cmd_per_cycle_max);
}

static Str *info_replication(Str *s) {
    /* No backlog exists yet; its size is the configured one. */
    char *backlog = config_get_value("repl-backlog-size");
    s = str_catfmt(s,
                      "role:master\r\n"
                      "connected_slaves:0\r\n"
                      "replicas_waiting_psync:0\r\n"
                      "master_failover_state:no-failover\r\n"
                      "master_replid:%s\r\n"
                      "master_replid2:0000000000000000000000000000000000000000\r\n"
                      "master_repl_offset:0\r\n"
                      "second_repl_offset:-1\r\n"
                      "repl_backlog_active:0\r\n"
                      "repl_backlog_size:%s\r\n"
                      "repl_backlog_first_byte_offset:0\r\n"
                      "repl_backlog_histlen:0\r\n",
                      server.replid, backlog ? backlog : "0");
    mem_free(backlog);
    return s;
}

static Str *info_cpu(Str *s) {
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
#define TV(t) ((double)(t).tv_sec + (double)(t).tv_usec / 1000000.0)
    s = str_catfmt(s,
                   "used_cpu_sys:%.6f\r\n"
                   "used_cpu_user:%.6f\r\n"
                   "used_cpu_sys_children:%.6f\r\n"
                   "used_cpu_user_children:%.6f\r\n"
                   "used_cpu_sys_main_thread:%.6f\r\n"
                   "used_cpu_user_main_thread:%.6f\r\n",
                   TV(self.ru_stime), TV(self.ru_utime), TV(children.ru_stime), TV(children.ru_utime),
                   TV(self.ru_stime), TV(self.ru_utime));
#undef TV
    return s;
}

static Str *command_stat_line(Str *s, Command *cmd) {
    if (cmd->calls || cmd->rejected_calls || cmd->failed_calls)
        s = str_catfmt(s, "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu\r\n",
                       cmd->fullname, (unsigned long long)cmd->calls, (unsigned long long)cmd->usec,
                       cmd->calls ? (double)cmd->usec / (double)cmd->calls : 0.0,
                       (unsigned long long)cmd->rejected_calls, (unsigned long long)cmd->failed_calls);
    if (cmd->subcommands)
        for (Command *sub = cmd->subcommands; sub->name; sub++) s = command_stat_line(s, sub);
    return s;
}

static Str *info_commandstats(Str *s) {
    for (Command *cmd = server.cmd_table; cmd->name; cmd++) s = command_stat_line(s, cmd);
    return s;
}

static Str *info_errorstats(Str *s) {
    HtIter it;
    ht_iter_init(&it, server.error_stats);
    ErrorStat *e;
    while ((e = ht_iter_next(&it))) s = str_catfmt(s, "errorstat_%s:count=%llu\r\n", e->code, (unsigned long long)e->count);
    ht_iter_done(&it);
    return s;
}

static Str *info_keyspace(Str *s) {
    for (int i = 0; i < server.db_count; i++) {
        Db *db = &server.dbs[i];
        uint64_t keys = db_size(db), expires = db_expires_count(db);
        if (!keys) continue;
        /* avg_ttl from a small sample of the volatile keys. */
        long long avg = 0;
        if (expires) {
            long long sum = 0, n = 0;
            for (int k = 0; k < 16; k++) {
                Kv *kv = db_random_volatile(db);
                if (!kv) break;
                long long left = kv_expire(kv) - server.now_ms;
                if (left > 0) {
                    sum += left;
                    n++;
                }
            }
            avg = n ? sum / n : 0;
        }
        s = str_catfmt(s, "db%d:keys=%llu,expires=%llu,avg_ttl=%lld\r\n", i, (unsigned long long)keys,
                       (unsigned long long)expires, avg);
    }
    return s;
}

Str *info_generate(const char *sections) {
    Str *s = str_with_capacity(4096);
    server_update_time();
    if (section_wanted(sections, "server", 1)) s = info_server(section_header(s, "Server"));
    if (section_wanted(sections, "clients", 1)) s = info_clients(section_header(s, "Clients"));
    if (section_wanted(sections, "memory", 1)) s = info_memory(section_header(s, "Memory"));
    if (section_wanted(sections, "persistence", 1)) s = info_persistence(section_header(s, "Persistence"));
    if (section_wanted(sections, "stats", 1)) s = info_stats(section_header(s, "Stats"));
    if (section_wanted(sections, "replication", 1)) s = info_replication(section_header(s, "Replication"));
    if (section_wanted(sections, "cpu", 1)) s = info_cpu(section_header(s, "CPU"));
    if (section_wanted(sections, "modules", 1)) s = section_header(s, "Modules");
    if (section_wanted(sections, "commandstats", 0)) s = info_commandstats(section_header(s, "Commandstats"));
    if (section_wanted(sections, "errorstats", 1)) s = info_errorstats(section_header(s, "Errorstats"));
    if (section_wanted(sections, "latencystats", 0)) s = info_latencystats(section_header(s, "Latencystats"));
    if (section_wanted(sections, "cluster", 1)) s = str_cat_cstr(section_header(s, "Cluster"), "cluster_enabled:0\r\n");
    if (section_wanted(sections, "keyspace", 1)) s = info_keyspace(section_header(s, "Keyspace"));
    if (section_named(sections, "debug")) s = info_debug(section_header(s, "Debug"));
    return s;
}

void info_command(Client *c) {
    Str *list = str_with_capacity(64);
    for (int i = 1; i < c->argc; i++) {
        if (i > 1) list = str_cat(list, " ", 1);
        list = str_cat(list, c->argv[i].p, c->argv[i].len);
    }
    Str *s = info_generate(c->argc > 1 ? list->buf : NULL);
    reply_verbatim(c, s->buf, s->len, "txt");
    str_free(s);
    str_free(list);
}
