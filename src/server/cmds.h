/* cmds.h - the handlers of the commands the server layer implements
 * itself (keys, connection, server administration, introspection), as
 * src/commands.c wires them into the command table.  Type commands are
 * declared in src/types/<type>.h. */
#ifndef SERVER_CMDS_H
#define SERVER_CMDS_H

#include "client.h"

/* server/info.c, debug.c, config_cmd.c */
void info_command(Client *c);
void debug_command(Client *c);
void config_command(Client *c);
/* server/keyspace_cmds.c */
void del_command(Client *c);
void unlink_command(Client *c);
void exists_command(Client *c);
void touch_command(Client *c);
void type_command(Client *c);
void keys_command(Client *c);
void scan_command(Client *c);
void randomkey_command(Client *c);
void rename_command(Client *c);
void renamenx_command(Client *c);
void move_command(Client *c);
void copy_command(Client *c);
void expire_command(Client *c);
void pexpire_command(Client *c);
void expireat_command(Client *c);
void pexpireat_command(Client *c);
void ttl_command(Client *c);
void pttl_command(Client *c);
void expiretime_command(Client *c);
void pexpiretime_command(Client *c);
void persist_command(Client *c);
void object_encoding_command(Client *c);
void object_refcount_command(Client *c);
void object_idletime_command(Client *c);
void object_freq_command(Client *c);
void object_help_command(Client *c);
void select_command(Client *c);
void dbsize_command(Client *c);
void flushdb_command(Client *c);
void flushall_command(Client *c);
void swapdb_command(Client *c);
/* server/conn_cmds.c */
void ping_command(Client *c);
void echo_command(Client *c);
void quit_command(Client *c);
void auth_command(Client *c);
void hello_command(Client *c);
void reset_command(Client *c);
void client_id_command(Client *c);
void client_setname_command(Client *c);
void client_getname_command(Client *c);
void client_setinfo_command(Client *c);
void client_info_command(Client *c);
void client_list_command(Client *c);
void client_reply_command(Client *c);
void client_no_touch_command(Client *c);
void client_no_evict_command(Client *c);
void client_help_command(Client *c);
/* server/client_cmds.c, server/server_cmds.c */
void client_kill_command(Client *c);
void client_pause_command(Client *c);
void client_unpause_command(Client *c);
void client_unblock_command(Client *c);
void client_capa_command(Client *c);
void client_tracking_command(Client *c);
void client_trackinginfo_command(Client *c);
void client_getredir_command(Client *c);
void client_caching_command(Client *c);
void lolwut_command(Client *c);
void role_command(Client *c);
void module_list_command(Client *c);
void module_load_command(Client *c);
void module_loadex_command(Client *c);
void module_unload_command(Client *c);
void module_help_command(Client *c);
/* server/server_cmds.c */
void time_command(Client *c);
void lastsave_command(Client *c);
void shutdown_command(Client *c);
/* server/command_cmds.c */
void command_command(Client *c);
void command_count_command(Client *c);
void command_docs_command(Client *c);
void command_getkeys_command(Client *c);
void command_getkeysandflags_command(Client *c);
void command_help_command(Client *c);
void command_info_command(Client *c);
void command_list_command(Client *c);

/* server/slowlog.c, latency.c, monitor.c, memory_cmds.c */
void slowlog_get_command(Client *c);
void slowlog_len_command(Client *c);
void slowlog_reset_command(Client *c);
void slowlog_help_command(Client *c);
void latency_latest_command(Client *c);
void latency_history_command(Client *c);
void latency_reset_command(Client *c);
void latency_graph_command(Client *c);
void latency_doctor_command(Client *c);
void latency_histogram_command(Client *c);
void latency_help_command(Client *c);
void monitor_command(Client *c);
void memory_usage_command(Client *c);
void memory_stats_command(Client *c);
void memory_doctor_command(Client *c);
void memory_malloc_stats_command(Client *c);
void memory_purge_command(Client *c);
void memory_help_command(Client *c);

/* server/pubsub.c */
void subscribe_command(Client *c);
void unsubscribe_command(Client *c);
void psubscribe_command(Client *c);
void punsubscribe_command(Client *c);
void ssubscribe_command(Client *c);
void sunsubscribe_command(Client *c);
void publish_command(Client *c);
void spublish_command(Client *c);
void pubsub_channels_command(Client *c);
void pubsub_numsub_command(Client *c);
void pubsub_numpat_command(Client *c);
void pubsub_shardchannels_command(Client *c);
void pubsub_shardnumsub_command(Client *c);
void pubsub_help_command(Client *c);
/* server/multi.c */
void multi_command(Client *c);
void exec_command(Client *c);
void discard_command(Client *c);
void watch_command(Client *c);
void unwatch_command(Client *c);

#endif
