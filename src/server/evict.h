/* evict.h - maxmemory: key eviction by policy (approximated LRU and LFU
 * with an eviction pool, random, nearest TTL), the LFU counter kept in a
 * key's 24 access bits, and client eviction for maxmemory-clients.
 *
 * The access bits of a Kv (kv.h, LRU_BITS) hold either the LRU clock
 * (seconds, server.lru_clock) or, under an LFU policy, 16 bits of minutes
 * of the last decrement and an 8-bit logarithmic access counter. */
#ifndef SERVER_EVICT_H
#define SERVER_EVICT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kv.h"

struct Client;
struct Command;

/* Whether a maxmemory policy keeps LFU counters (bit test: no branches). */
#define EVICT_LFU_POLICIES ((1u << MAXMEMORY_ALLKEYS_LFU) | (1u << MAXMEMORY_VOLATILE_LFU))
#define EVICT_POLICY_IS_LFU(p) (((1u << (p)) & EVICT_LFU_POLICIES) != 0)
/* The counter a new key starts with, so it is not evicted at once. */
#define LFU_INIT_VAL 5

enum { EVICT_OK = 0, EVICT_RUNNING = 1, EVICT_FAIL = 2 };

/* The access bits a new key gets (LRU clock or LFU minutes + LFU_INIT_VAL). */
uint32_t evict_lfu_initial(void);
/* An access under LFU: decays the counter, then increments it with a
 * probability that falls with its value. Returns the new access bits. */
uint32_t evict_lfu_access(uint32_t bits);
/* The counter after decay, without changing the key (OBJECT FREQ). */
unsigned evict_lfu_freq(uint32_t bits);

/* Frees memory down to maxmemory as the policy allows, within a time
 * slice set by maxmemory-eviction-tenacity (the rest continues from a
 * timer).  EVICT_FAIL: over the limit and nothing more can be freed. */
int evict_perform(void);
/* dispatch: runs eviction before a command (maxmemory is set); returns 1
 * when the command must be refused with -OOM. */
int evict_refuses(struct Client *c, struct Command *cmd);
/* CONFIG SET maxmemory: warnings (a limit below the memory in use, or
 * beyond what a 32-bit target can address), and eviction starts now. */
int evict_apply_maxmemory(char **err);
/* Whether the running top-level command found memory over the limit with
 * nothing left to evict: scripts refuse denyoom commands then (Valkey's
 * pre-command OOM state). */
int evict_pre_command_oom(void);
/* server_cron: client eviction (maxmemory-clients), exceeded-time stats. */
void evict_cron(void);

/* Eviction sampling (defined in db.c, which alone reads a Db's tables):
 * reports up to `want` entries of db (its keys with a TTL when
 * volatile_only) from neighbouring buckets starting at `start` (masked
 * to the table); returns how many.  fn must not change the keyspace. */
struct Db;
int db_sample(struct Db *db, int volatile_only, uint64_t start, int want, void (*fn)(void *priv, Kv *kv),
              void *priv);

/* Bytes mem_used() holds that do not count against maxmemory (buffers of
 * data on its way to the AOF). */
size_t evict_mem_not_counted(void);
uint64_t evict_stat_evicted_clients(void);
/* CONFIG RESETSTAT: the counters above start again from 0. */
void evict_reset_stats(void);
/* Milliseconds used memory spent above maxmemory: in total, and in the
 * current stretch (0 when under it). */
uint64_t evict_stat_exceeded_total_ms(void);
uint64_t evict_stat_exceeded_current_ms(void);

#endif
