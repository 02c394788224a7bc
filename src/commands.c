/* commands.c - the one command table: name, arity, flags, key positions,
 * handler, group and the version that introduced it.  The documentation
 * COMMAND DOCS and the cli's help show (summary, complexity, arguments,
 * key specs) is keyed by name in command_docs.c.
 *
 * Arity, flags and key positions follow Valkey's (shared/compat/
 * commands.tsv); a test compares this table with that file.  Flags are
 * written as Valkey names them and parsed once at start-up. */
#include "commands.h"
#include "persist/persist.h"
#include "server/cmds.h"
#include "types/bitops.h"
#include "types/hash.h"
#include "types/geo.h"
#include "types/hyperloglog.h"
#include "types/list.h"
#include "types/set.h"
#include "types/sort.h"
#include "types/stream.h"
#include "types/string.h"
#include "types/zset.h"
#include "script/script.h"

#define KEY1 1, 1, 1
#define NOKEYS 0, 0, 0
#define ALLKEYS -1

static Command object_subcommands[] = {
    {"encoding", 3, "readonly", 2, 2, 1, object_encoding_command, "generic", "2.2.3", NULL},
    {"freq", 3, "readonly", 2, 2, 1, object_freq_command, "generic", "4.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, object_help_command, "generic", "6.2.0", NULL},
    {"idletime", 3, "readonly", 2, 2, 1, object_idletime_command, "generic", "2.2.3", NULL},
    {"refcount", 3, "readonly", 2, 2, 1, object_refcount_command, "generic", "2.2.3", NULL},
    {0},
};

static Command client_subcommands[] = {
    {"caching", 3, "noscript loading stale sentinel", NOKEYS, client_caching_command, "connection", "6.0.0", NULL},
    {"capa", -3, "noscript loading stale", NOKEYS, client_capa_command, "connection", "8.0.0", NULL},
    {"getname", 2, "noscript loading stale sentinel", NOKEYS, client_getname_command, "connection", "2.6.9", NULL},
    {"getredir", 2, "noscript loading stale sentinel", NOKEYS, client_getredir_command, "connection", "6.0.0", NULL},
    {"help", 2, "loading stale sentinel", NOKEYS, client_help_command, "connection", "5.0.0", NULL},
    {"id", 2, "noscript loading stale sentinel", NOKEYS, client_id_command, "connection", "5.0.0", NULL},
    {"info", 2, "noscript loading stale sentinel", NOKEYS, client_info_command, "connection", "6.2.0", NULL},
    {"kill", -3, "admin noscript loading stale sentinel", NOKEYS, client_kill_command, "connection", "2.4.0", NULL},
    {"list", -2, "admin noscript loading stale sentinel", NOKEYS, client_list_command, "connection", "2.4.0", NULL},
    {"no-evict", 3, "admin noscript loading stale sentinel", NOKEYS, client_no_evict_command, "connection", "7.0.0", NULL},
    {"no-touch", 3, "noscript loading stale", NOKEYS, client_no_touch_command, "connection", "7.2.0", NULL},
    {"pause", -3, "admin noscript loading stale sentinel", NOKEYS, client_pause_command, "connection", "3.0.0", NULL},
    {"reply", 3, "noscript loading stale sentinel", NOKEYS, client_reply_command, "connection", "3.2.0", NULL},
    {"setinfo", 4, "noscript loading stale sentinel", NOKEYS, client_setinfo_command, "connection", "7.2.0", NULL},
    {"setname", 3, "noscript loading stale sentinel", NOKEYS, client_setname_command, "connection", "2.6.9", NULL},
    {"tracking", -3, "noscript loading stale sentinel", NOKEYS, client_tracking_command, "connection", "6.0.0", NULL},
    {"trackinginfo", 2, "noscript loading stale sentinel", NOKEYS, client_trackinginfo_command, "connection", "6.2.0", NULL},
    {"unblock", -3, "admin noscript loading stale sentinel", NOKEYS, client_unblock_command, "connection", "5.0.0", NULL},
    {"unpause", 2, "admin noscript loading stale sentinel", NOKEYS, client_unpause_command, "connection", "6.2.0", NULL},
    {0},
};

/* ---- connection/lifecycle: MODULE subcommands */
static Command module_subcommands[] = {
    {"help", 2, "loading stale", NOKEYS, module_help_command, "server", "5.0.0", NULL},
    {"list", 2, "admin noscript", NOKEYS, module_list_command, "server", "4.0.0", NULL},
    {"load", -3, "no_async_loading admin noscript protected", NOKEYS, module_load_command, "server", "4.0.0", NULL},
    {"loadex", -3, "no_async_loading admin noscript protected", NOKEYS, module_loadex_command, "server", "7.0.0", NULL},
    {"unload", 3, "no_async_loading admin noscript protected", NOKEYS, module_unload_command, "server", "4.0.0", NULL},
    {0},
};

static Command config_subcommands[] = {
    {"get", -3, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, config_command, "server", "5.0.0", NULL},
    {"resetstat", 2, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", NULL},
    {"rewrite", 2, "admin noscript loading stale", NOKEYS, config_command, "server", "2.8.0", NULL},
    {"set", -4, "admin noscript loading stale", NOKEYS, config_command, "server", "2.0.0", NULL},
    {0},
};

static Command command_subcommands[] = {
    {"count", 2, "loading stale sentinel", NOKEYS, command_count_command, "server", "2.8.13", NULL},
    {"docs", -2, "loading stale sentinel", NOKEYS, command_docs_command, "server", "7.0.0", NULL},
    {"getkeys", -3, "loading stale sentinel", NOKEYS, command_getkeys_command, "server", "2.8.13", NULL},
    {"getkeysandflags", -3, "loading stale sentinel", NOKEYS, command_getkeysandflags_command, "server", "7.0.0", NULL},
    {"help", 2, "loading stale sentinel", NOKEYS, command_help_command, "server", "5.0.0", NULL},
    {"info", -2, "loading stale sentinel", NOKEYS, command_info_command, "server", "2.8.13", NULL},
    {"list", -2, "loading stale sentinel", NOKEYS, command_list_command, "server", "7.0.0", NULL},
    {0},
};

/* ---- observability: SLOWLOG, LATENCY, MEMORY subcommands */
static Command slowlog_subcommands[] = {
    {"get", -2, "admin loading stale", NOKEYS, slowlog_get_command, "server", "2.2.12", NULL},
    {"help", 2, "loading stale", NOKEYS, slowlog_help_command, "server", "6.2.0", NULL},
    {"len", 2, "admin loading stale", NOKEYS, slowlog_len_command, "server", "2.2.12", NULL},
    {"reset", 2, "admin loading stale", NOKEYS, slowlog_reset_command, "server", "2.2.12", NULL},
    {0},
};

static Command latency_subcommands[] = {
    {"doctor", 2, "admin noscript loading stale", NOKEYS, latency_doctor_command, "server", "2.8.13", NULL},
    {"graph", 3, "admin noscript loading stale", NOKEYS, latency_graph_command, "server", "2.8.13", NULL},
    {"help", 2, "loading stale", NOKEYS, latency_help_command, "server", "2.8.13", NULL},
    {"histogram", -2, "admin noscript loading stale", NOKEYS, latency_histogram_command, "server", "7.0.0", NULL},
    {"history", 3, "admin noscript loading stale", NOKEYS, latency_history_command, "server", "2.8.13", NULL},
    {"latest", 2, "admin noscript loading stale", NOKEYS, latency_latest_command, "server", "2.8.13", NULL},
    {"reset", -2, "admin noscript loading stale", NOKEYS, latency_reset_command, "server", "2.8.13", NULL},
    {0},
};

static Command memory_subcommands[] = {
    {"doctor", 2, "", NOKEYS, memory_doctor_command, "server", "4.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, memory_help_command, "server", "4.0.0", NULL},
    {"malloc-stats", 2, "", NOKEYS, memory_malloc_stats_command, "server", "4.0.0", NULL},
    {"purge", 2, "", NOKEYS, memory_purge_command, "server", "4.0.0", NULL},
    {"stats", 2, "", NOKEYS, memory_stats_command, "server", "4.0.0", NULL},
    {"usage", -3, "readonly", 2, 2, 1, memory_usage_command, "server", "4.0.0", NULL},
    {0},
};

/* ---- streams: XGROUP and XINFO subcommands (types/stream*.c) */
static Command xgroup_subcommands[] = {
    {"create", -5, "write denyoom", 2, 2, 1, xgroup_create_command, "stream", "5.0.0", NULL},
    {"createconsumer", 5, "write denyoom", 2, 2, 1, xgroup_createconsumer_command, "stream", "6.2.0", NULL},
    {"delconsumer", 5, "write", 2, 2, 1, xgroup_delconsumer_command, "stream", "5.0.0", NULL},
    {"destroy", 4, "write", 2, 2, 1, xgroup_destroy_command, "stream", "5.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, xgroup_help_command, "stream", "5.0.0", NULL},
    {"setid", -5, "write", 2, 2, 1, xgroup_setid_command, "stream", "5.0.0", NULL},
    {0},
};

static Command xinfo_subcommands[] = {
    {"consumers", 4, "readonly", 2, 2, 1, xinfo_consumers_command, "stream", "5.0.0", NULL},
    {"groups", 3, "readonly", 2, 2, 1, xinfo_groups_command, "stream", "5.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, xinfo_help_command, "stream", "5.0.0", NULL},
    {"stream", -3, "readonly", 2, 2, 1, xinfo_stream_command, "stream", "5.0.0", NULL},
    {0},
};

static Command pubsub_subcommands[] = {
    {"channels", -2, "pubsub loading stale", NOKEYS, pubsub_channels_command, "pubsub", "2.8.0", NULL},
    {"help", 2, "loading stale", NOKEYS, pubsub_help_command, "pubsub", "6.2.0", NULL},
    {"numpat", 2, "pubsub loading stale", NOKEYS, pubsub_numpat_command, "pubsub", "2.8.0", NULL},
    {"numsub", -2, "pubsub loading stale", NOKEYS, pubsub_numsub_command, "pubsub", "2.8.0", NULL},
    {"shardchannels", -2, "pubsub loading stale", NOKEYS, pubsub_shardchannels_command, "pubsub", "7.0.0", NULL},
    {"shardnumsub", -2, "pubsub loading stale", NOKEYS, pubsub_shardnumsub_command, "pubsub", "7.0.0", NULL},
    {0},
};

/* ---- scripting (script/): SCRIPT and FUNCTION subcommands */
static Command script_subcommands[] = {
    {"debug", 3, "noscript", NOKEYS, script_debug_command, "scripting", "3.2.0", NULL},
    {"exists", -3, "noscript", NOKEYS, script_exists_command, "scripting", "2.6.0", NULL},
    {"flush", -2, "noscript", NOKEYS, script_flush_command, "scripting", "2.6.0", NULL},
    {"help", 2, "loading stale", NOKEYS, script_help_command, "scripting", "5.0.0", NULL},
    {"kill", 2, "noscript allow_busy", NOKEYS, script_kill_command, "scripting", "2.6.0", NULL},
    {"load", 3, "noscript stale", NOKEYS, script_load_command, "scripting", "2.6.0", NULL},
    {"show", 3, "noscript", NOKEYS, script_show_command, "scripting", "8.0.0", NULL},
    {0},
};

static Command function_subcommands[] = {
    {"delete", 3, "noscript write", NOKEYS, function_delete_command, "scripting", "7.0.0", NULL},
    {"dump", 2, "noscript", NOKEYS, function_dump_command, "scripting", "7.0.0", NULL},
    {"flush", -2, "noscript write", NOKEYS, function_flush_command, "scripting", "7.0.0", NULL},
    {"help", 2, "loading stale", NOKEYS, function_help_command, "scripting", "7.0.0", NULL},
    {"kill", 2, "noscript allow_busy", NOKEYS, function_kill_command, "scripting", "7.0.0", NULL},
    {"list", -2, "noscript", NOKEYS, function_list_command, "scripting", "7.0.0", NULL},
    {"load", -3, "noscript write denyoom", NOKEYS, function_load_command, "scripting", "7.0.0", NULL},
    {"restore", -3, "noscript write denyoom", NOKEYS, function_restore_command, "scripting", "7.0.0", NULL},
    {"stats", 2, "noscript allow_busy", NOKEYS, function_stats_command, "scripting", "7.0.0", NULL},
    {0},
};

Command command_table[] = {
    /* strings */
    {"append", 3, "write denyoom fast", KEY1, append_command, "string", "2.0.0", NULL},
    {"decr", 2, "write denyoom fast", KEY1, decr_command, "string", "1.0.0", NULL},
    {"decrby", 3, "write denyoom fast", KEY1, decrby_command, "string", "1.0.0", NULL},
    {"get", 2, "readonly fast", KEY1, get_command, "string", "1.0.0", NULL},
    {"getdel", 2, "write fast", KEY1, getdel_command, "string", "6.2.0", NULL},
    {"getex", -2, "write fast", KEY1, getex_command, "string", "6.2.0", NULL},
    {"getrange", 4, "readonly", KEY1, getrange_command, "string", "2.4.0", NULL},
    {"getset", 3, "write denyoom fast", KEY1, getset_command, "string", "1.0.0", NULL},
    {"incr", 2, "write denyoom fast", KEY1, incr_command, "string", "1.0.0", NULL},
    {"incrby", 3, "write denyoom fast", KEY1, incrby_command, "string", "1.0.0", NULL},
    {"incrbyfloat", 3, "write denyoom fast", KEY1, incrbyfloat_command, "string", "2.6.0", NULL},
    {"lcs", -3, "readonly", 1, 2, 1, lcs_command, "string", "7.0.0", NULL},
    {"mget", -2, "readonly fast", 1, ALLKEYS, 1, mget_command, "string", "1.0.0", NULL},
    {"mset", -3, "write denyoom", 1, ALLKEYS, 2, mset_command, "string", "1.0.1", NULL},
    {"msetnx", -3, "write denyoom", 1, ALLKEYS, 2, msetnx_command, "string", "1.0.1", NULL},
    {"psetex", 4, "write denyoom", KEY1, psetex_command, "string", "2.6.0", NULL},
    {"set", -3, "write denyoom", KEY1, set_command, "string", "1.0.0", NULL},
    {"setex", 4, "write denyoom", KEY1, setex_command, "string", "2.0.0", NULL},
    {"setnx", 3, "write denyoom fast", KEY1, setnx_command, "string", "1.0.0", NULL},
    {"setrange", 4, "write denyoom", KEY1, setrange_command, "string", "2.2.0", NULL},
    {"strlen", 2, "readonly fast", KEY1, strlen_command, "string", "2.2.0", NULL},
    {"substr", 4, "readonly", KEY1, getrange_command, "string", "1.0.0", NULL},
    /* lists (types/list.c) */
    {"blmove", 6, "write denyoom blocking", 1, 2, 1, blmove_command, "list", "6.2.0", NULL},
    {"blmpop", -5, "write blocking", NOKEYS, blmpop_command, "list", "7.0.0", NULL},
    {"blpop", -3, "write blocking", 1, -2, 1, blpop_command, "list", "2.0.0", NULL},
    {"brpop", -3, "write blocking", 1, -2, 1, brpop_command, "list", "2.0.0", NULL},
    {"brpoplpush", 4, "write denyoom blocking", 1, 2, 1, brpoplpush_command, "list", "2.2.0", NULL},
    {"lindex", 3, "readonly", KEY1, lindex_command, "list", "1.0.0", NULL},
    {"linsert", 5, "write denyoom", KEY1, linsert_command, "list", "2.2.0", NULL},
    {"llen", 2, "readonly fast", KEY1, llen_command, "list", "1.0.0", NULL},
    {"lmove", 5, "write denyoom", 1, 2, 1, lmove_command, "list", "6.2.0", NULL},
    {"lmpop", -4, "write", NOKEYS, lmpop_command, "list", "7.0.0", NULL},
    {"lpop", -2, "write fast", KEY1, lpop_command, "list", "1.0.0", NULL},
    {"lpos", -3, "readonly", KEY1, lpos_command, "list", "6.0.6", NULL},
    {"lpush", -3, "write denyoom fast", KEY1, lpush_command, "list", "1.0.0", NULL},
    {"lpushx", -3, "write denyoom fast", KEY1, lpushx_command, "list", "2.2.0", NULL},
    {"lrange", 4, "readonly", KEY1, lrange_command, "list", "1.0.0", NULL},
    {"lrem", 4, "write", KEY1, lrem_command, "list", "1.0.0", NULL},
    {"lset", 4, "write denyoom", KEY1, lset_command, "list", "1.0.0", NULL},
    {"ltrim", 4, "write", KEY1, ltrim_command, "list", "1.0.0", NULL},
    {"rpop", -2, "write fast", KEY1, rpop_command, "list", "1.0.0", NULL},
    {"rpoplpush", 3, "write denyoom", 1, 2, 1, rpoplpush_command, "list", "1.2.0", NULL},
    {"rpush", -3, "write denyoom fast", KEY1, rpush_command, "list", "1.0.0", NULL},
    {"rpushx", -3, "write denyoom fast", KEY1, rpushx_command, "list", "2.2.0", NULL},
    /* hashes (types/hash.c) */
    {"hdel", -3, "write fast", KEY1, hdel_command, "hash", "2.0.0", NULL},
    {"hexists", 3, "readonly fast", KEY1, hexists_command, "hash", "2.0.0", NULL},
    {"hget", 3, "readonly fast", KEY1, hget_command, "hash", "2.0.0", NULL},
    {"hgetall", 2, "readonly", KEY1, hgetall_command, "hash", "2.0.0", NULL},
    {"hincrby", 4, "write denyoom fast", KEY1, hincrby_command, "hash", "2.0.0", NULL},
    {"hincrbyfloat", 4, "write denyoom fast", KEY1, hincrbyfloat_command, "hash", "2.6.0", NULL},
    {"hkeys", 2, "readonly", KEY1, hkeys_command, "hash", "2.0.0", NULL},
    {"hlen", 2, "readonly fast", KEY1, hlen_command, "hash", "2.0.0", NULL},
    {"hmget", -3, "readonly fast", KEY1, hmget_command, "hash", "2.0.0", NULL},
    {"hmset", -4, "write denyoom fast", KEY1, hmset_command, "hash", "2.0.0", NULL},
    {"hrandfield", -2, "readonly", KEY1, hrandfield_command, "hash", "6.2.0", NULL},
    {"hscan", -3, "readonly", KEY1, hscan_command, "hash", "2.8.0", NULL},
    {"hset", -4, "write denyoom fast", KEY1, hset_command, "hash", "2.0.0", NULL},
    {"hsetnx", 4, "write denyoom fast", KEY1, hsetnx_command, "hash", "2.0.0", NULL},
    {"hstrlen", 3, "readonly fast", KEY1, hstrlen_command, "hash", "3.2.0", NULL},
    {"hvals", 2, "readonly", KEY1, hvals_command, "hash", "2.0.0", NULL},
    /* sets (types/set.c) */
    {"sadd", -3, "write denyoom fast", KEY1, sadd_command, "set", "1.0.0", NULL},
    {"scard", 2, "readonly fast", KEY1, scard_command, "set", "1.0.0", NULL},
    {"sdiff", -2, "readonly", 1, ALLKEYS, 1, sdiff_command, "set", "1.0.0", NULL},
    {"sdiffstore", -3, "write denyoom", 1, ALLKEYS, 1, sdiffstore_command, "set", "1.0.0", NULL},
    {"sinter", -2, "readonly", 1, ALLKEYS, 1, sinter_command, "set", "1.0.0", NULL},
    {"sintercard", -3, "readonly", NOKEYS, sintercard_command, "set", "7.0.0", NULL},
    {"sinterstore", -3, "write denyoom", 1, ALLKEYS, 1, sinterstore_command, "set", "1.0.0", NULL},
    {"sismember", 3, "readonly fast", KEY1, sismember_command, "set", "1.0.0", NULL},
    {"smembers", 2, "readonly", KEY1, smembers_command, "set", "1.0.0", NULL},
    {"smismember", -3, "readonly fast", KEY1, smismember_command, "set", "6.2.0", NULL},
    {"smove", 4, "write fast", 1, 2, 1, smove_command, "set", "1.0.0", NULL},
    {"spop", -2, "write fast", KEY1, spop_command, "set", "1.0.0", NULL},
    {"srandmember", -2, "readonly", KEY1, srandmember_command, "set", "1.0.0", NULL},
    {"srem", -3, "write fast", KEY1, srem_command, "set", "1.0.0", NULL},
    {"sscan", -3, "readonly", KEY1, sscan_command, "set", "2.8.0", NULL},
    {"sunion", -2, "readonly", 1, ALLKEYS, 1, sunion_command, "set", "1.0.0", NULL},
    {"sunionstore", -3, "write denyoom", 1, ALLKEYS, 1, sunionstore_command, "set", "1.0.0", NULL},
    /* sorted sets (types/zset.c) */
    {"bzmpop", -5, "write blocking", NOKEYS, bzmpop_command, "sorted-set", "7.0.0", NULL},
    {"bzpopmax", -3, "write fast blocking", 1, -2, 1, bzpopmax_command, "sorted-set", "5.0.0", NULL},
    {"bzpopmin", -3, "write fast blocking", 1, -2, 1, bzpopmin_command, "sorted-set", "5.0.0", NULL},
    {"zadd", -4, "write denyoom fast", KEY1, zadd_command, "sorted-set", "1.2.0", NULL},
    {"zcard", 2, "readonly fast", KEY1, zcard_command, "sorted-set", "1.2.0", NULL},
    {"zcount", 4, "readonly fast", KEY1, zcount_command, "sorted-set", "2.0.0", NULL},
    {"zdiff", -3, "readonly", NOKEYS, zdiff_command, "sorted-set", "6.2.0", NULL},
    {"zdiffstore", -4, "write denyoom", KEY1, zdiffstore_command, "sorted-set", "6.2.0", NULL},
    {"zincrby", 4, "write denyoom fast", KEY1, zincrby_command, "sorted-set", "1.2.0", NULL},
    {"zinter", -3, "readonly", NOKEYS, zinter_command, "sorted-set", "6.2.0", NULL},
    {"zintercard", -3, "readonly", NOKEYS, zintercard_command, "sorted-set", "7.0.0", NULL},
    {"zinterstore", -4, "write denyoom", KEY1, zinterstore_command, "sorted-set", "2.0.0", NULL},
    {"zlexcount", 4, "readonly fast", KEY1, zlexcount_command, "sorted-set", "2.8.9", NULL},
    {"zmpop", -4, "write", NOKEYS, zmpop_command, "sorted-set", "7.0.0", NULL},
    {"zmscore", -3, "readonly fast", KEY1, zmscore_command, "sorted-set", "6.2.0", NULL},
    {"zpopmax", -2, "write fast", KEY1, zpopmax_command, "sorted-set", "5.0.0", NULL},
    {"zpopmin", -2, "write fast", KEY1, zpopmin_command, "sorted-set", "5.0.0", NULL},
    {"zrandmember", -2, "readonly", KEY1, zrandmember_command, "sorted-set", "6.2.0", NULL},
    {"zrange", -4, "readonly", KEY1, zrange_command, "sorted-set", "1.2.0", NULL},
    {"zrangebylex", -4, "readonly", KEY1, zrangebylex_command, "sorted-set", "2.8.9", NULL},
    {"zrangebyscore", -4, "readonly", KEY1, zrangebyscore_command, "sorted-set", "1.0.5", NULL},
    {"zrangestore", -5, "write denyoom", 1, 2, 1, zrangestore_command, "sorted-set", "6.2.0", NULL},
    {"zrank", -3, "readonly fast", KEY1, zrank_command, "sorted-set", "2.0.0", NULL},
    {"zrem", -3, "write fast", KEY1, zrem_command, "sorted-set", "1.2.0", NULL},
    {"zremrangebylex", 4, "write", KEY1, zremrangebylex_command, "sorted-set", "2.8.9", NULL},
    {"zremrangebyrank", 4, "write", KEY1, zremrangebyrank_command, "sorted-set", "2.0.0", NULL},
    {"zremrangebyscore", 4, "write", KEY1, zremrangebyscore_command, "sorted-set", "1.2.0", NULL},
    {"zrevrange", -4, "readonly", KEY1, zrevrange_command, "sorted-set", "1.2.0", NULL},
    {"zrevrangebylex", -4, "readonly", KEY1, zrevrangebylex_command, "sorted-set", "2.8.9", NULL},
    {"zrevrangebyscore", -4, "readonly", KEY1, zrevrangebyscore_command, "sorted-set", "2.2.0", NULL},
    {"zrevrank", -3, "readonly fast", KEY1, zrevrank_command, "sorted-set", "2.0.0", NULL},
    {"zscan", -3, "readonly", KEY1, zscan_command, "sorted-set", "2.8.0", NULL},
    {"zscore", 3, "readonly fast", KEY1, zscore_command, "sorted-set", "1.2.0", NULL},
    {"zunion", -3, "readonly", NOKEYS, zunion_command, "sorted-set", "6.2.0", NULL},
    {"zunionstore", -4, "write denyoom", KEY1, zunionstore_command, "sorted-set", "2.0.0", NULL},
    /* streams (types/stream*.c) */
    {"xack", -4, "write fast", KEY1, xack_command, "stream", "5.0.0", NULL},
    {"xadd", -5, "write denyoom fast", KEY1, xadd_command, "stream", "5.0.0", NULL},
    {"xautoclaim", -6, "write fast", KEY1, xautoclaim_command, "stream", "6.2.0", NULL},
    {"xclaim", -6, "write fast", KEY1, xclaim_command, "stream", "5.0.0", NULL},
    {"xdel", -3, "write fast", KEY1, xdel_command, "stream", "5.0.0", NULL},
    {"xgroup", -2, "", NOKEYS, NULL, "stream", "5.0.0", xgroup_subcommands},
    {"xinfo", -2, "", NOKEYS, NULL, "stream", "5.0.0", xinfo_subcommands},
    {"xlen", 2, "readonly fast", KEY1, xlen_command, "stream", "5.0.0", NULL},
    {"xpending", -3, "readonly", KEY1, xpending_command, "stream", "5.0.0", NULL},
    {"xrange", -4, "readonly", KEY1, xrange_command, "stream", "5.0.0", NULL},
    {"xread", -4, "blocking readonly", NOKEYS, xread_command, "stream", "5.0.0", NULL},
    {"xreadgroup", -7, "blocking write", NOKEYS, xreadgroup_command, "stream", "5.0.0", NULL},
    {"xrevrange", -4, "readonly", KEY1, xrevrange_command, "stream", "5.0.0", NULL},
    {"xsetid", -3, "write denyoom fast", KEY1, xsetid_command, "stream", "5.0.0", NULL},
    {"xtrim", -4, "write", KEY1, xtrim_command, "stream", "5.0.0", NULL},
    /* bitmaps (types/bitops.c) */
    {"bitcount", -2, "readonly", KEY1, bitcount_command, "bitmap", "2.6.0", NULL},
    {"bitfield", -2, "write denyoom", KEY1, bitfield_command, "bitmap", "3.2.0", NULL},
    {"bitfield_ro", -2, "readonly fast", KEY1, bitfield_ro_command, "bitmap", "6.0.0", NULL},
    {"bitop", -4, "write denyoom", 2, -1, 1, bitop_command, "bitmap", "2.6.0", NULL},
    {"bitpos", -3, "readonly", KEY1, bitpos_command, "bitmap", "2.8.7", NULL},
    {"getbit", 3, "readonly fast", KEY1, getbit_command, "bitmap", "2.2.0", NULL},
    {"setbit", 4, "write denyoom", KEY1, setbit_command, "bitmap", "2.2.0", NULL},
    /* hyperloglog (types/hyperloglog.c) */
    {"pfadd", -2, "write denyoom fast", KEY1, pfadd_command, "hyperloglog", "2.8.9", NULL},
    {"pfcount", -2, "readonly may_replicate", 1, -1, 1, pfcount_command, "hyperloglog", "2.8.9", NULL},
    {"pfdebug", 3, "write denyoom admin", 2, 2, 1, pfdebug_command, "hyperloglog", "2.8.9", NULL},
    {"pfmerge", -2, "write denyoom", 1, -1, 1, pfmerge_command, "hyperloglog", "2.8.9", NULL},
    {"pfselftest", 1, "admin", NOKEYS, pfselftest_command, "hyperloglog", "2.8.9", NULL},
    /* geo (types/geo.c) */
    {"geoadd", -5, "write denyoom", KEY1, geoadd_command, "geo", "3.2.0", NULL},
    {"geodist", -4, "readonly", KEY1, geodist_command, "geo", "3.2.0", NULL},
    {"geohash", -2, "readonly", KEY1, geohash_command, "geo", "3.2.0", NULL},
    {"geopos", -2, "readonly", KEY1, geopos_command, "geo", "3.2.0", NULL},
    {"georadius", -6, "write denyoom", KEY1, georadius_command, "geo", "3.2.0", NULL},
    {"georadius_ro", -6, "readonly", KEY1, georadius_ro_command, "geo", "3.2.10", NULL},
    {"georadiusbymember", -5, "write denyoom", KEY1, georadiusbymember_command, "geo", "3.2.0", NULL},
    {"georadiusbymember_ro", -5, "readonly", KEY1, georadiusbymember_ro_command, "geo", "3.2.10", NULL},
    {"geosearch", -7, "readonly", KEY1, geosearch_command, "geo", "6.2.0", NULL},
    {"geosearchstore", -8, "write denyoom", 1, 2, 1, geosearchstore_command, "geo", "6.2.0", NULL},
    /* sort (types/sort.c) */
    /* pub/sub (server/pubsub.c) */
    {"psubscribe", -2, "pubsub noscript loading stale sentinel", NOKEYS, psubscribe_command, "pubsub", "2.0.0", NULL},
    {"publish", 3, "pubsub loading stale fast may_replicate sentinel", NOKEYS, publish_command, "pubsub", "2.0.0", NULL},
    {"pubsub", -2, "", NOKEYS, NULL, "pubsub", "2.8.0", pubsub_subcommands},
    {"punsubscribe", -1, "pubsub noscript loading stale sentinel", NOKEYS, punsubscribe_command, "pubsub", "2.0.0", NULL},
    {"spublish", 3, "pubsub loading stale fast may_replicate", KEY1, spublish_command, "pubsub", "7.0.0", NULL},
    {"ssubscribe", -2, "pubsub noscript loading stale", 1, ALLKEYS, 1, ssubscribe_command, "pubsub", "7.0.0", NULL},
    {"subscribe", -2, "pubsub noscript loading stale sentinel", NOKEYS, subscribe_command, "pubsub", "2.0.0", NULL},
    {"sunsubscribe", -1, "pubsub noscript loading stale", 1, ALLKEYS, 1, sunsubscribe_command, "pubsub", "7.0.0", NULL},
    {"unsubscribe", -1, "pubsub noscript loading stale sentinel", NOKEYS, unsubscribe_command, "pubsub", "2.0.0", NULL},
    /* transactions (server/multi.c) */
    {"discard", 1, "noscript loading stale fast allow_busy", NOKEYS, discard_command, "transactions", "2.0.0", NULL},
    {"exec", 1, "noscript loading stale skip_slowlog", NOKEYS, exec_command, "transactions", "1.2.0", NULL},
    {"multi", 1, "noscript loading stale fast no_multi allow_busy", NOKEYS, multi_command, "transactions", "1.2.0", NULL},
    {"unwatch", 1, "noscript loading stale fast allow_busy", NOKEYS, unwatch_command, "transactions", "2.2.0", NULL},
    {"watch", -2, "noscript loading stale fast no_multi allow_busy", 1, ALLKEYS, 1, watch_command, "transactions", "2.2.0", NULL},
    {"sort", -2, "write denyoom", KEY1, sort_command, "generic", "1.0.0", NULL},
    {"sort_ro", -2, "readonly", KEY1, sort_ro_command, "generic", "7.0.0", NULL},
    /* keys */
    {"copy", -3, "write denyoom", 1, 2, 1, copy_command, "generic", "6.2.0", NULL},
    {"del", -2, "write", 1, ALLKEYS, 1, del_command, "generic", "1.0.0", NULL},
    {"exists", -2, "readonly fast", 1, ALLKEYS, 1, exists_command, "generic", "1.0.0", NULL},
    {"expire", -3, "write fast", KEY1, expire_command, "generic", "1.0.0", NULL},
    {"expireat", -3, "write fast", KEY1, expireat_command, "generic", "1.2.0", NULL},
    {"expiretime", 2, "readonly fast", KEY1, expiretime_command, "generic", "7.0.0", NULL},
    {"keys", 2, "readonly", NOKEYS, keys_command, "generic", "1.0.0", NULL},
    {"move", 3, "write fast", KEY1, move_command, "generic", "1.0.0", NULL},
    {"object", -2, "", NOKEYS, NULL, "generic", "2.2.3", object_subcommands},
    {"persist", 2, "write fast", KEY1, persist_command, "generic", "2.2.0", NULL},
    {"pexpire", -3, "write fast", KEY1, pexpire_command, "generic", "2.6.0", NULL},
    {"pexpireat", -3, "write fast", KEY1, pexpireat_command, "generic", "2.6.0", NULL},
    {"pexpiretime", 2, "readonly fast", KEY1, pexpiretime_command, "generic", "7.0.0", NULL},
    {"pttl", 2, "readonly fast", KEY1, pttl_command, "generic", "2.6.0", NULL},
    {"randomkey", 1, "readonly touches_arbitrary_keys", NOKEYS, randomkey_command, "generic", "1.0.0", NULL},
    {"rename", 3, "write", 1, 2, 1, rename_command, "generic", "1.0.0", NULL},
    {"renamenx", 3, "write fast", 1, 2, 1, renamenx_command, "generic", "1.0.0", NULL},
    {"scan", -2, "readonly touches_arbitrary_keys", NOKEYS, scan_command, "generic", "2.8.0", NULL},
    {"touch", -2, "readonly fast", 1, ALLKEYS, 1, touch_command, "generic", "3.2.1", NULL},
    {"ttl", 2, "readonly fast", KEY1, ttl_command, "generic", "1.0.0", NULL},
    {"type", 2, "readonly fast", KEY1, type_command, "generic", "1.0.0", NULL},
    {"unlink", -2, "write fast", 1, ALLKEYS, 1, unlink_command, "generic", "4.0.0", NULL},
    /* connection */
    {"auth", -2, "noscript loading stale fast no_auth sentinel allow_busy", NOKEYS, auth_command, "connection", "1.0.0", NULL},
    {"client", -2, "sentinel", NOKEYS, NULL, "connection", "2.4.0", client_subcommands},
    {"echo", 2, "loading stale fast", NOKEYS, echo_command, "connection", "1.0.0", NULL},
    {"hello", -1, "noscript loading stale fast no_auth sentinel allow_busy", NOKEYS, hello_command, "connection", "6.0.0", NULL},
    {"ping", -1, "fast sentinel", NOKEYS, ping_command, "connection", "1.0.0", NULL},
    {"quit", -1, "allow_busy noscript loading stale fast no_auth", NOKEYS, quit_command, "connection", "1.0.0", NULL},
    {"reset", 1, "noscript loading stale fast no_auth allow_busy", NOKEYS, reset_command, "connection", "6.2.0", NULL},
    {"select", 2, "loading stale fast", NOKEYS, select_command, "connection", "1.0.0", NULL},
    /* server */
    {"command", -1, "loading stale sentinel", NOKEYS, command_command, "server", "2.8.13", command_subcommands},
    {"config", -2, "", NOKEYS, NULL, "server", "2.0.0", config_subcommands},
    {"dbsize", 1, "readonly fast", NOKEYS, dbsize_command, "server", "1.0.0", NULL},
    {"debug", -2, "admin noscript loading stale protected", NOKEYS, debug_command, "server", "1.0.0", NULL},
    {"flushall", -1, "write", NOKEYS, flushall_command, "server", "1.0.0", NULL},
    {"flushdb", -1, "write", NOKEYS, flushdb_command, "server", "1.0.0", NULL},
    {"info", -1, "loading stale sentinel", NOKEYS, info_command, "server", "1.0.0", NULL},
    {"lastsave", 1, "loading stale fast", NOKEYS, lastsave_command, "server", "1.0.0", NULL},
    /* ---- persistence (persist/rdb_cmds.c) */
    {"bgsave", -1, "no_async_loading admin noscript", NOKEYS, bgsave_command, "server", "1.0.0", NULL},
    /* ---- append-only file (persist/aof*.c) */
    {"bgrewriteaof", 1, "no_async_loading admin noscript", NOKEYS, bgrewriteaof_command, "server", "1.0.0", NULL},
    {"waitaof", 4, "blocking", NOKEYS, waitaof_command, "generic", "7.2.0", NULL},
    {"dump", 2, "readonly", KEY1, dump_command, "generic", "2.6.0", NULL},
    {"restore", -4, "write denyoom", KEY1, restore_command, "generic", "2.6.0", NULL},
    {"restore-asking", -4, "write denyoom asking", KEY1, restore_command, "server", "3.0.0", NULL},
    {"save", 1, "no_async_loading admin noscript no_multi", NOKEYS, save_command, "server", "1.0.0", NULL},
    {"shutdown", -1, "admin noscript loading stale no_multi sentinel allow_busy", NOKEYS, shutdown_command, "server", "1.0.0", NULL},
    {"swapdb", 3, "write fast", NOKEYS, swapdb_command, "server", "4.0.0", NULL},
    {"time", 1, "loading stale fast", NOKEYS, time_command, "server", "2.6.0", NULL},
    /* ---- observability */
    {"latency", -2, "", NOKEYS, NULL, "server", "2.8.13", latency_subcommands},
    {"memory", -2, "", NOKEYS, NULL, "server", "4.0.0", memory_subcommands},
    {"monitor", 1, "admin noscript loading stale", NOKEYS, monitor_command, "server", "1.0.0", NULL},
    {"slowlog", -2, "", NOKEYS, NULL, "server", "2.2.12", slowlog_subcommands},
    /* ---- connection/lifecycle */
    {"lolwut", -1, "readonly fast", NOKEYS, lolwut_command, "server", "5.0.0", NULL},
    {"module", -2, "", NOKEYS, NULL, "server", "4.0.0", module_subcommands},
    {"role", 1, "noscript loading stale fast sentinel", NOKEYS, role_command, "server", "2.8.12", NULL},
    /* scripting (script/) */
    {"eval", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale", NOKEYS, eval_command, "scripting", "2.6.0", NULL},
    {"eval_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", NOKEYS, eval_ro_command, "scripting", "7.0.0", NULL},
    {"evalsha", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale", NOKEYS, evalsha_command, "scripting", "2.6.0", NULL},
    {"evalsha_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", NOKEYS, evalsha_ro_command, "scripting", "7.0.0", NULL},
    {"fcall", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale", NOKEYS, fcall_command, "scripting", "7.0.0", NULL},
    {"fcall_ro", -3, "noscript skip_monitor no_mandatory_keys stale readonly", NOKEYS, fcall_ro_command, "scripting", "7.0.0", NULL},
    {"function", -2, "", NOKEYS, NULL, "scripting", "7.0.0", function_subcommands},
    {"script", -2, "", NOKEYS, NULL, "scripting", "2.6.0", script_subcommands},
    {0},
};
