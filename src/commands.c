/* commands.c - the one command table: name, arity, flags, key positions,
 * handler, and the documentation COMMAND DOCS and the cli's help show.
 *
 * Arity, flags and key positions follow Valkey's (shared/compat/
 * commands.tsv); a test compares this table with that file.  Flags are
 * written as Valkey names them and parsed once at start-up. */
#include "commands.h"
#include "types/string.h"

#define KEY1 1, 1, 1
#define NOKEYS 0, 0, 0
#define ALLKEYS -1

static Command object_subcommands[] = {
    {"encoding", 3, "readonly", 2, 2, 1, object_encoding_command, "generic", "2.2.3", "Returns the internal encoding of an object.", "O(1)", NULL},
    {"freq", 3, "readonly", 2, 2, 1, object_freq_command, "generic", "4.0.0", "Returns the logarithmic access frequency counter of an object.", "O(1)", NULL},
    {"help", 2, "loading stale", NOKEYS, object_help_command, "generic", "6.2.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"idletime", 3, "readonly", 2, 2, 1, object_idletime_command, "generic", "2.2.3", "Returns the time since the last access to an object.", "O(1)", NULL},
    {"refcount", 3, "readonly", 2, 2, 1, object_refcount_command, "generic", "2.2.3", "Returns the reference count of a value of a key.", "O(1)", NULL},
    {0},
};

static Command client_subcommands[] = {
    {"caching", 3, "noscript loading stale sentinel", NOKEYS, client_caching_command, "connection", "6.0.0", "Instructs the server whether to track the keys in the next request.", "O(1)", NULL},
    {"capa", -3, "noscript loading stale", NOKEYS, client_capa_command, "connection", "8.0.0", "Declares the capabilities the client supports.", "O(1)", NULL},
    {"getname", 2, "noscript loading stale sentinel", NOKEYS, client_getname_command, "connection", "2.6.9", "Returns the name of the connection.", "O(1)", NULL},
    {"getredir", 2, "noscript loading stale sentinel", NOKEYS, client_getredir_command, "connection", "6.0.0", "Returns the client ID to which the connection's tracking notifications are redirected.", "O(1)", NULL},
    {"help", 2, "loading stale sentinel", NOKEYS, client_help_command, "connection", "5.0.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"id", 2, "noscript loading stale sentinel", NOKEYS, client_id_command, "connection", "5.0.0", "Returns the unique client ID of the connection.", "O(1)", NULL},
    {"info", 2, "noscript loading stale sentinel", NOKEYS, client_info_command, "connection", "6.2.0", "Returns information about the connection.", "O(1)", NULL},
    {"kill", -3, "admin noscript loading stale sentinel", NOKEYS, client_kill_command, "connection", "2.4.0", "Terminates open connections.", "O(N) where N is the number of client connections", NULL},
    {"list", -2, "admin noscript loading stale sentinel", NOKEYS, client_list_command, "connection", "2.4.0", "Lists open connections.", "O(N) where N is the number of client connections", NULL},
    {"no-evict", 3, "admin noscript loading stale sentinel", NOKEYS, client_no_evict_command, "connection", "7.0.0", "Sets the client eviction mode of the connection.", "O(1)", NULL},
    {"no-touch", 3, "noscript loading stale", NOKEYS, client_no_touch_command, "connection", "7.2.0", "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "O(1)", NULL},
    {"pause", -3, "admin noscript loading stale sentinel", NOKEYS, client_pause_command, "connection", "3.0.0", "Suspends commands processing.", "O(1)", NULL},
    {"reply", 3, "noscript loading stale sentinel", NOKEYS, client_reply_command, "connection", "3.2.0", "Instructs the server whether to reply to commands.", "O(1)", NULL},
    {"setinfo", 4, "noscript loading stale sentinel", NOKEYS, client_setinfo_command, "connection", "7.2.0", "Sets information specific to the client or connection.", "O(1)", NULL},
    {"setname", 3, "noscript loading stale sentinel", NOKEYS, client_setname_command, "connection", "2.6.9", "Sets the connection name.", "O(1)", NULL},
    {"tracking", -3, "noscript loading stale sentinel", NOKEYS, client_tracking_command, "connection", "6.0.0", "Controls server-assisted client-side caching for the connection.", "O(1). Some options may introduce additional complexity.", NULL},
    {"trackinginfo", 2, "noscript loading stale sentinel", NOKEYS, client_trackinginfo_command, "connection", "6.2.0", "Returns information about server-assisted client-side caching for the connection.", "O(1)", NULL},
    {"unblock", -3, "admin noscript loading stale sentinel", NOKEYS, client_unblock_command, "connection", "5.0.0", "Unblocks a client blocked by a blocking command from a different connection.", "O(log N) where N is the number of client connections", NULL},
    {"unpause", 2, "admin noscript loading stale sentinel", NOKEYS, client_unpause_command, "connection", "6.2.0", "Resumes processing commands from paused clients.", "O(N) Where N is the number of paused clients", NULL},
    {0},
};

/* ---- connection/lifecycle: MODULE subcommands */
static Command module_subcommands[] = {
    {"help", 2, "loading stale", NOKEYS, module_help_command, "server", "5.0.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"list", 2, "admin noscript", NOKEYS, module_list_command, "server", "4.0.0", "Returns all loaded modules.", "O(N) where N is the number of loaded modules.", NULL},
    {"load", -3, "no_async_loading admin noscript protected", NOKEYS, module_load_command, "server", "4.0.0", "Loads a module.", "O(1)", NULL},
    {"loadex", -3, "no_async_loading admin noscript protected", NOKEYS, module_loadex_command, "server", "7.0.0", "Loads a module using extended parameters.", "O(1)", NULL},
    {"unload", 3, "no_async_loading admin noscript protected", NOKEYS, module_unload_command, "server", "4.0.0", "Unloads a module.", "O(1)", NULL},
    {0},
};

static Command config_subcommands[] = {
    {"get", -3, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", "Returns the effective values of configuration parameters.", "O(N) when N is the number of configuration parameters provided", NULL},
    {"help", 2, "loading stale", NOKEYS, config_command, "server", "5.0.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"resetstat", 2, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", "Resets the server's statistics.", "O(1)", NULL},
    {"rewrite", 2, "admin noscript loading stale", NOKEYS, config_command, "server", "2.8.0", "Persists the effective configuration to file.", "O(1)", NULL},
    {"set", -4, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", "Sets configuration parameters in-flight.", "O(N) when N is the number of configuration parameters provided", NULL},
    {0},
};

static Command command_subcommands[] = {
    {"count", 2, "loading stale sentinel", NOKEYS, command_count_command, "server", "2.8.13", "Returns a count of commands.", "O(1)", NULL},
    {"docs", -2, "loading stale sentinel", NOKEYS, command_docs_command, "server", "7.0.0", "Returns documentary information about one, multiple or all commands.", "O(N) where N is the number of commands to look up", NULL},
    {"getkeys", -3, "loading stale sentinel", NOKEYS, command_getkeys_command, "server", "2.8.13", "Extracts the key names from an arbitrary command.", "O(N) where N is the number of arguments to the command", NULL},
    {"getkeysandflags", -3, "loading stale sentinel", NOKEYS, command_getkeysandflags_command, "server", "7.0.0", "Extracts the key names and access flags for an arbitrary command.", "O(N) where N is the number of arguments to the command", NULL},
    {"help", 2, "loading stale sentinel", NOKEYS, command_help_command, "server", "5.0.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"info", -2, "loading stale sentinel", NOKEYS, command_info_command, "server", "2.8.13", "Returns information about one, multiple or all commands.", "O(N) where N is the number of commands to look up", NULL},
    {"list", -2, "loading stale sentinel", NOKEYS, command_list_command, "server", "7.0.0", "Returns a list of command names.", "O(N) where N is the total number of commands", NULL},
    {0},
};

/* ---- observability: SLOWLOG, LATENCY, MEMORY subcommands */
static Command slowlog_subcommands[] = {
    {"get", -2, "admin loading stale", NOKEYS, slowlog_get_command, "server", "2.2.12", "Returns the slow log's entries.", "O(N) where N is the number of entries returned", NULL},
    {"help", 2, "loading stale", NOKEYS, slowlog_help_command, "server", "6.2.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"len", 2, "admin loading stale", NOKEYS, slowlog_len_command, "server", "2.2.12", "Returns the number of entries in the slow log.", "O(1)", NULL},
    {"reset", 2, "admin loading stale", NOKEYS, slowlog_reset_command, "server", "2.2.12", "Clears all entries from the slow log.", "O(N) where N is the number of entries in the slowlog", NULL},
    {0},
};

static Command latency_subcommands[] = {
    {"doctor", 2, "admin noscript loading stale", NOKEYS, latency_doctor_command, "server", "2.8.13", "Returns a human-readable latency analysis report.", "O(1)", NULL},
    {"graph", 3, "admin noscript loading stale", NOKEYS, latency_graph_command, "server", "2.8.13", "Returns a latency graph for an event.", "O(1)", NULL},
    {"help", 2, "loading stale", NOKEYS, latency_help_command, "server", "2.8.13", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"histogram", -2, "admin noscript loading stale", NOKEYS, latency_histogram_command, "server", "7.0.0", "Returns the cumulative distribution of latencies of a subset or all commands.", "O(N) where N is the number of commands with latency information being retrieved.", NULL},
    {"history", 3, "admin noscript loading stale", NOKEYS, latency_history_command, "server", "2.8.13", "Returns timestamp-latency samples for an event.", "O(1)", NULL},
    {"latest", 2, "admin noscript loading stale", NOKEYS, latency_latest_command, "server", "2.8.13", "Returns the latest latency samples for all events.", "O(1)", NULL},
    {"reset", -2, "admin noscript loading stale", NOKEYS, latency_reset_command, "server", "2.8.13", "Resets the latency data for one or more events.", "O(1)", NULL},
    {0},
};

static Command memory_subcommands[] = {
    {"doctor", 2, "", NOKEYS, memory_doctor_command, "server", "4.0.0", "Outputs a memory problems report.", "O(1)", NULL},
    {"help", 2, "loading stale", NOKEYS, memory_help_command, "server", "4.0.0", "Returns helpful text about the different subcommands.", "O(1)", NULL},
    {"malloc-stats", 2, "", NOKEYS, memory_malloc_stats_command, "server", "4.0.0", "Returns the allocator statistics.", "Depends on how much memory is allocated, could be slow", NULL},
    {"purge", 2, "", NOKEYS, memory_purge_command, "server", "4.0.0", "Asks the allocator to release memory.", "Depends on how much memory is allocated, could be slow", NULL},
    {"stats", 2, "", NOKEYS, memory_stats_command, "server", "4.0.0", "Returns details about memory usage.", "O(1)", NULL},
    {"usage", -3, "readonly", 2, 2, 1, memory_usage_command, "server", "4.0.0", "Estimates the memory usage of a key.", "O(N) where N is the number of samples.", NULL},
    {0},
};

Command command_table[] = {
    /* strings */
    {"append", 3, "write denyoom fast", KEY1, append_command, "string", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "O(1)", NULL},
    {"decr", 2, "write denyoom fast", KEY1, decr_command, "string", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "O(1)", NULL},
    {"decrby", 3, "write denyoom fast", KEY1, decrby_command, "string", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "O(1)", NULL},
    {"get", 2, "readonly fast", KEY1, get_command, "string", "1.0.0", "Returns the string value of a key.", "O(1)", NULL},
    {"getdel", 2, "write fast", KEY1, getdel_command, "string", "6.2.0", "Returns the string value of a key after deleting the key.", "O(1)", NULL},
    {"getex", -2, "write fast", KEY1, getex_command, "string", "6.2.0", "Returns the string value of a key after setting its expiration time.", "O(1)", NULL},
    {"getrange", 4, "readonly", KEY1, getrange_command, "string", "2.4.0", "Returns a substring of the string stored at a key.", "O(N) where N is the length of the returned string.", NULL},
    {"getset", 3, "write denyoom fast", KEY1, getset_command, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value.", "O(1)", NULL},
    {"incr", 2, "write denyoom fast", KEY1, incr_command, "string", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "O(1)", NULL},
    {"incrby", 3, "write denyoom fast", KEY1, incrby_command, "string", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "O(1)", NULL},
    {"incrbyfloat", 3, "write denyoom fast", KEY1, incrbyfloat_command, "string", "2.6.0", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "O(1)", NULL},
    {"lcs", -3, "readonly", 1, 2, 1, lcs_command, "string", "7.0.0", "Finds the longest common substring.", "O(N*M) where N and M are the lengths of s1 and s2, respectively", NULL},
    {"mget", -2, "readonly fast", 1, ALLKEYS, 1, mget_command, "string", "1.0.0", "Atomically returns the string values of one or more keys.", "O(N) where N is the number of keys to retrieve.", NULL},
    {"mset", -3, "write denyoom", 1, ALLKEYS, 2, mset_command, "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys.", "O(N) where N is the number of keys to set.", NULL},
    {"msetnx", -3, "write denyoom", 1, ALLKEYS, 2, msetnx_command, "string", "1.0.1", "Atomically modifies the string values of one or more keys only when all keys don't exist.", "O(N) where N is the number of keys to set.", NULL},
    {"psetex", 4, "write denyoom", KEY1, psetex_command, "string", "2.6.0", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "O(1)", NULL},
    {"set", -3, "write denyoom", KEY1, set_command, "string", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "O(1)", NULL},
    {"setex", 4, "write denyoom", KEY1, setex_command, "string", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "O(1)", NULL},
    {"setnx", 3, "write denyoom fast", KEY1, setnx_command, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist.", "O(1)", NULL},
    {"setrange", 4, "write denyoom", KEY1, setrange_command, "string", "2.2.0", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "O(1), not counting the time taken to copy the new string in place.", NULL},
    {"strlen", 2, "readonly fast", KEY1, strlen_command, "string", "2.2.0", "Returns the length of a string value.", "O(1)", NULL},
    {"substr", 4, "readonly", KEY1, getrange_command, "string", "1.0.0", "Returns a substring from a string value.", "O(N) where N is the length of the returned string.", NULL},
    /* keys */
    {"copy", -3, "write denyoom", 1, 2, 1, copy_command, "generic", "6.2.0", "Copies the value of a key to a new key.", "O(N) worst case for collections, where N is the number of nested items.", NULL},
    {"del", -2, "write", 1, ALLKEYS, 1, del_command, "generic", "1.0.0", "Deletes one or more keys.", "O(N) where N is the number of keys that will be removed.", NULL},
    {"exists", -2, "readonly fast", 1, ALLKEYS, 1, exists_command, "generic", "1.0.0", "Determines whether one or more keys exist.", "O(N) where N is the number of keys to check.", NULL},
    {"expire", -3, "write fast", KEY1, expire_command, "generic", "1.0.0", "Sets the expiration time of a key in seconds.", "O(1)", NULL},
    {"expireat", -3, "write fast", KEY1, expireat_command, "generic", "1.2.0", "Sets the expiration time of a key to a Unix timestamp.", "O(1)", NULL},
    {"expiretime", 2, "readonly fast", KEY1, expiretime_command, "generic", "7.0.0", "Returns the expiration time of a key as a Unix timestamp.", "O(1)", NULL},
    {"keys", 2, "readonly", NOKEYS, keys_command, "generic", "1.0.0", "Returns all key names that match a pattern.", "O(N) with N being the number of keys in the database", NULL},
    {"move", 3, "write fast", KEY1, move_command, "generic", "1.0.0", "Moves a key to another database.", "O(1)", NULL},
    {"object", -2, "", NOKEYS, NULL, "generic", "2.2.3", "A container for object introspection commands.", "Depends on subcommand.", object_subcommands},
    {"persist", 2, "write fast", KEY1, persist_command, "generic", "2.2.0", "Removes the expiration time of a key.", "O(1)", NULL},
    {"pexpire", -3, "write fast", KEY1, pexpire_command, "generic", "2.6.0", "Sets the expiration time of a key in milliseconds.", "O(1)", NULL},
    {"pexpireat", -3, "write fast", KEY1, pexpireat_command, "generic", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp.", "O(1)", NULL},
    {"pexpiretime", 2, "readonly fast", KEY1, pexpiretime_command, "generic", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp.", "O(1)", NULL},
    {"pttl", 2, "readonly fast", KEY1, pttl_command, "generic", "2.6.0", "Returns the expiration time in milliseconds of a key.", "O(1)", NULL},
    {"randomkey", 1, "readonly touches_arbitrary_keys", NOKEYS, randomkey_command, "generic", "1.0.0", "Returns a random key name from the database.", "O(1)", NULL},
    {"rename", 3, "write", 1, 2, 1, rename_command, "generic", "1.0.0", "Renames a key and overwrites the destination.", "O(1)", NULL},
    {"renamenx", 3, "write fast", 1, 2, 1, renamenx_command, "generic", "1.0.0", "Renames a key only when the target key name doesn't exist.", "O(1)", NULL},
    {"scan", -2, "readonly touches_arbitrary_keys", NOKEYS, scan_command, "generic", "2.8.0", "Iterates over the key names in the database.", "O(1) for every call. O(N) for a complete iteration.", NULL},
    {"touch", -2, "readonly fast", 1, ALLKEYS, 1, touch_command, "generic", "3.2.1", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", "O(N) where N is the number of keys that will be touched.", NULL},
    {"ttl", 2, "readonly fast", KEY1, ttl_command, "generic", "1.0.0", "Returns the expiration time in seconds of a key.", "O(1)", NULL},
    {"type", 2, "readonly fast", KEY1, type_command, "generic", "1.0.0", "Determines the type of value stored at a key.", "O(1)", NULL},
    {"unlink", -2, "write fast", 1, ALLKEYS, 1, unlink_command, "generic", "4.0.0", "Asynchronously deletes one or more keys.", "O(1) for each key removed regardless of its size.", NULL},
    /* connection */
    {"auth", -2, "noscript loading stale fast no_auth sentinel allow_busy", NOKEYS, auth_command, "connection", "1.0.0", "Authenticates the connection.", "O(N) where N is the number of passwords defined for the user", NULL},
    {"client", -2, "sentinel", NOKEYS, NULL, "connection", "2.4.0", "A container for client connection commands.", "Depends on subcommand.", client_subcommands},
    {"echo", 2, "loading stale fast", NOKEYS, echo_command, "connection", "1.0.0", "Returns the given string.", "O(1)", NULL},
    {"hello", -1, "noscript loading stale fast no_auth sentinel allow_busy", NOKEYS, hello_command, "connection", "6.0.0", "Handshakes with the server.", "O(1)", NULL},
    {"ping", -1, "fast sentinel", NOKEYS, ping_command, "connection", "1.0.0", "Returns the server's liveliness response.", "O(1)", NULL},
    {"quit", -1, "allow_busy noscript loading stale fast no_auth", NOKEYS, quit_command, "connection", "1.0.0", "Closes the connection.", "O(1)", NULL},
    {"reset", 1, "noscript loading stale fast no_auth allow_busy", NOKEYS, reset_command, "connection", "6.2.0", "Resets the connection.", "O(1)", NULL},
    {"select", 2, "loading stale fast", NOKEYS, select_command, "connection", "1.0.0", "Changes the selected database.", "O(1)", NULL},
    /* server */
    {"command", -1, "loading stale sentinel", NOKEYS, command_command, "server", "2.8.13", "Returns detailed information about all commands.", "O(N) where N is the total number of commands", command_subcommands},
    {"config", -2, "", NOKEYS, NULL, "server", "2.0.0", "A container for server configuration commands.", "Depends on subcommand.", config_subcommands},
    {"dbsize", 1, "readonly fast", NOKEYS, dbsize_command, "server", "1.0.0", "Returns the number of keys in the database.", "O(1)", NULL},
    {"debug", -2, "admin noscript loading stale protected", NOKEYS, debug_command, "server", "1.0.0", "A container for debugging commands.", "Depends on subcommand.", NULL},
    {"flushall", -1, "write", NOKEYS, flushall_command, "server", "1.0.0", "Removes all keys from all databases.", "O(N) where N is the total number of keys in all databases", NULL},
    {"flushdb", -1, "write", NOKEYS, flushdb_command, "server", "1.0.0", "Remove all keys from the current database.", "O(N) where N is the number of keys in the selected database", NULL},
    {"info", -1, "loading stale sentinel", NOKEYS, info_command, "server", "1.0.0", "Returns information and statistics about the server.", "O(1)", NULL},
    {"lastsave", 1, "loading stale fast", NOKEYS, lastsave_command, "server", "1.0.0", "Returns the Unix timestamp of the last successful save to disk.", "O(1)", NULL},
    {"shutdown", -1, "admin noscript loading stale no_multi sentinel allow_busy", NOKEYS, shutdown_command, "server", "1.0.0", "Synchronously saves the database(s) to disk and shuts down the server.", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", NULL},
    {"swapdb", 3, "write fast", NOKEYS, swapdb_command, "server", "4.0.0", "Swaps two databases.", "O(N) where N is the count of clients watching or blocking on keys from both databases.", NULL},
    {"time", 1, "loading stale fast", NOKEYS, time_command, "server", "2.6.0", "Returns the server time.", "O(1)", NULL},
    /* ---- observability */
    {"latency", -2, "", NOKEYS, NULL, "server", "2.8.13", "A container for latency diagnostics commands.", "Depends on subcommand.", latency_subcommands},
    {"memory", -2, "", NOKEYS, NULL, "server", "4.0.0", "A container for memory diagnostics commands.", "Depends on subcommand.", memory_subcommands},
    {"monitor", 1, "admin noscript loading stale", NOKEYS, monitor_command, "server", "1.0.0", "Listens for all requests received by the server in real-time.", "O(1)", NULL},
    {"slowlog", -2, "", NOKEYS, NULL, "server", "2.2.12", "A container for slow log commands.", "Depends on subcommand.", slowlog_subcommands},
    /* ---- connection/lifecycle */
    {"lolwut", -1, "readonly fast", NOKEYS, lolwut_command, "server", "5.0.0", "Displays computer art and the server version.", "", NULL},
    {"module", -2, "", NOKEYS, NULL, "server", "4.0.0", "A container for module commands.", "Depends on subcommand.", module_subcommands},
    {"role", 1, "noscript loading stale fast sentinel", NOKEYS, role_command, "server", "2.8.12", "Returns the replication role.", "O(1)", NULL},
    {0},
};
