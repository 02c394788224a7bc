/* client.h - a client connection: its flags, input (query buffer and the
 * parsed command's arguments), output (a chunk, then a list of blocks)
 * and bookkeeping; and the functions that create, run and free clients.
 *
 * Memory of an idle connection is kept small (a device may hold thousands
 * of them): a client reads into one query buffer all clients share and
 * owns one only while it holds unprocessed input (a partial command, or
 * a pipeline behind a blocked command); its reply chunk is allocated on
 * the first reply, grows up to CLIENT_REPLY_CHUNK as replies need, and
 * clients_cron shrinks or frees it when the client's recent peak says it
 * is too big.
 *
 * Invariants:
 *  - c->qbuf is NULL when c->qlen is 0, except while the client's input
 *    is being processed (CLIENT_SHARED_QBUF: it then points at the shared
 *    buffer);
 *  - a client is freed only outside its own command (CLIENT_CLOSE_ASAP
 *    defers it to before_sleep), so a handler never sees a freed client;
 *  - c->argv are views valid while the command runs; a command that must
 *    outlive the query buffer (MULTI queue, blocked or paused client,
 *    script) keeps an owned copy (argv_dup). */
#ifndef SERVER_CLIENT_H
#define SERVER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "../ds/str.h"
#include "../net/resp_parser.h"

struct Db;
struct Command;

#define CLIENT_CLOSE_AFTER_REPLY (1ULL << 0)
#define CLIENT_CLOSE_ASAP (1ULL << 1)
#define CLIENT_PENDING_WRITE (1ULL << 2)
#define CLIENT_UNIX_SOCKET (1ULL << 3)
#define CLIENT_AUTHENTICATED (1ULL << 4)
#define CLIENT_NO_TOUCH (1ULL << 6)
#define CLIENT_NO_EVICT (1ULL << 7)
#define CLIENT_REPLY_OFF (1ULL << 8)
#define CLIENT_REPLY_SKIP_NEXT (1ULL << 9)
#define CLIENT_REPLY_SKIP (1ULL << 10)
#define CLIENT_BLOCKED (1ULL << 11)        /* held back by blocked.c (any reason) */
#define CLIENT_UNBLOCKED (1ULL << 12)      /* in server.unblocked list, to resume in before_sleep */
#define CLIENT_REPROCESSING (1ULL << 13)   /* running a command again after being unblocked */
#define CLIENT_MULTI (1ULL << 14)          /* inside MULTI (issue: transactions) */
#define CLIENT_DIRTY_CAS (1ULL << 15)      /* a WATCHed key changed */
#define CLIENT_TRACKING (1ULL << 16)       /* client-side caching on */
#define CLIENT_PUBSUB (1ULL << 17)         /* subscribed to something (RESP2 restrictions) */
#define CLIENT_SCRIPT (1ULL << 18)         /* the fake client scripts run commands with */
#define CLIENT_CMD_READY (1ULL << 21)      /* the parser holds a complete command to run next */
#define CLIENT_CAPA_REDIRECT (1ULL << 22)  /* CLIENT CAPA redirect */
#define CLIENT_MONITOR (1ULL << 24)        /* MONITOR (CLIENT LIST shows 'O') */
#define CLIENT_WRITE_BARRIER (1ULL << 25)  /* replies wait for before_sleep's durability work */
#define CLIENT_SHARED_QBUF (1ULL << 26)    /* qbuf is the shared read buffer (while processing) */
#define CLIENT_AUTH_NOPASS (1ULL << 27)    /* authenticated only because the default user has no password */
#define CLIENT_WRITE_HANDLER (1ULL << 28)  /* the write handler is installed (a reply did not go out at once) */
#define CLIENT_DIRTY_EXEC (1ULL << 29)     /* a command was refused while queueing: EXEC aborts */

/* The reply chunk: at most CLIENT_REPLY_CHUNK bytes, at least
 * CLIENT_REPLY_MIN once allocated. */
#define CLIENT_REPLY_CHUNK (16 * 1024)
#define CLIENT_REPLY_MIN 512

typedef struct ReplyBlock {
    struct ReplyBlock *next;
    size_t size;
    size_t used;
    char buf[];
} ReplyBlock;

/* A command argument: a view into the query buffer (or into an owned
 * copy), valid while the command runs. */
typedef struct Arg {
    const char *p;
    size_t len;
} Arg;

/* An owned copy of a command line in one allocation (the Arg array, then
 * each argument's bytes NUL-terminated); release with mem_free. */
Arg *argv_dup(const Arg *argv, int argc);

/* Why and how a client is held back (blocked.c). */
typedef struct BlockState {
    int reason;               /* BLOCKED_* (blocked.h) */
    int64_t timeout_ms;       /* absolute wall-clock ms; 0 = forever */
    Arg *argv;                /* the owned command to run (again) */
    int argc;
    struct Db *db;            /* BLOCKED_KEYS: the database of the keys */
    Arg *keys;                /* BLOCKED_KEYS: owned names (argv_dup) */
    int nkeys;
    void *target;             /* reason-specific data */
    struct Client *next;      /* FIFO link in the pause list / ready list */
    uint64_t timeout_seq;     /* tie-breaker in the timeout table */
} BlockState;

typedef struct Client {
    uint64_t id;
    int fd;
    uint64_t flags;
    int resp;            /* 2 or 3 */
    struct Db *db;
    Str *name;           /* NULL when unset */
    Str *lib_name;
    Str *lib_ver;
    char addr[64];
    char laddr[64];
    /* input */
    char *qbuf;
    size_t qlen, qcap;
    size_t qbuf_peak;
    RespParser parser;
    int argc;
    Arg *argv;
    int argv_cap;
    struct Command *cmd, *last_cmd;
    /* output: a chunk (NULL until the first reply), then a list of blocks */
    char *obuf;
    size_t obuf_size;        /* usable bytes at obuf */
    size_t opos;
    size_t sent;             /* bytes of the first pending piece already written */
    ReplyBlock *reply_head, *reply_tail;
    size_t reply_bytes;      /* bytes in the block list */
    int64_t obuf_soft_since_ms; /* when the soft limit was first exceeded, 0 if not */
    /* bookkeeping */
    int64_t ctime_ms;
    int64_t last_interaction_ms;
    uint64_t commands_processed;
    uint64_t net_in, net_out;
    uint64_t errors_replied;  /* error replies sent, for failed_calls */
    struct Client *prev, *next;        /* server.clients list */
    struct Client *pending_next;       /* server.pending_writes list */
    struct Client *close_next;         /* server.clients_to_close list */
    BlockState bstate;                 /* valid while CLIENT_BLOCKED */
    size_t obuf_peak;                  /* rbp: most bytes the chunk held since obuf_peak_ms */
    int64_t obuf_peak_ms;              /* when obuf_peak was last reset */
    int monitor_slot;                  /* index in server.monitors + 1; 0 when not a monitor */
    struct ClientPubsub *pubsub;       /* subscriptions (pubsub.c), NULL when none */
    struct ClientMulti *multi;         /* MULTI queue and WATCHed keys (multi.c), NULL when none */
    struct ClientTracking *tracking;   /* CLIENT TRACKING state (tracking.c), NULL when off */
} Client;

Client *client_create(int fd, uint64_t flags);
void client_free(Client *c);
void client_close_async(Client *c);
void client_select_db(Client *c, int id);
void clients_write_pending(void);
void clients_close_pending(void);
void clients_cron(void);
void client_format_info(Client *c, Str **out);
int accept_init_listeners(void);
void accept_close_listeners(void);
size_t client_output_bytes(Client *c);
size_t clients_buffer_memory(void);
/* Queues the client for before_sleep's write pass (idempotent). */
void client_mark_pending_write(Client *c);
/* After a blocked client's command completed (blocked.c): go on with what
 * is left in its query buffer. */
void client_resume_input(Client *c);
/* CONFIG SET requirepass: updates who may run commands (see client.c). */
void clients_password_changed(void);
/* Bytes of input buffer the client owns (0 while it uses the shared one). */
size_t client_qbuf_owned(const Client *c);
/* reply.c: makes the reply chunk hold at least need bytes (capped at
 * CLIENT_REPLY_CHUNK); returns its usable size. */
size_t client_obuf_reserve(Client *c, size_t need);
/* reply.c: the cron's resize of an idle or oversized reply chunk. */
void client_obuf_cron(Client *c);

/* conn_cmds.c: the log of denied accesses (what ACL LOG shows), newest
 * first, at most acllog-max-len entries; similar entries within a minute
 * are grouped (count, updated_ms). */
enum { ACL_DENIED_CMD = 1, ACL_DENIED_KEY, ACL_DENIED_AUTH, ACL_DENIED_CHANNEL };
enum { ACL_LOG_CTX_TOPLEVEL = 0, ACL_LOG_CTX_MULTI, ACL_LOG_CTX_LUA, ACL_LOG_CTX_MODULE };
typedef struct AclLogEntry {
    struct AclLogEntry *next;
    uint64_t id;              /* entry-id */
    uint64_t count;
    int reason;               /* ACL_DENIED_* */
    int context;              /* ACL_LOG_CTX_* */
    Str *object;              /* "AUTH", or the command, key or channel */
    Str *username;
    Str *client_info;         /* the client's CLIENT LIST line, last time */
    int64_t created_ms, updated_ms;
} AclLogEntry;
void acl_log_add(Client *c, int reason, const char *object, size_t olen, const char *user, size_t ulen);
const AclLogEntry *acl_log_entries(void);
void acl_log_reset(void);

/* client_cmds.c: client names (also set by HELLO). */
int client_name_valid(Client *c, const Arg *name);
void client_name_set(Client *c, const Arg *name);

#endif
