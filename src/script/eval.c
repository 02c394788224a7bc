/* eval.c - EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the script cache
 * and the shebang line.
 *
 * The cache maps a script's SHA1 (20 bytes, which also serve as its hash)
 * to its body (inline in the entry, for SCRIPT SHOW) and a registry
 * reference to its compiled function.  Scripts EVAL added are kept in an
 * LRU list of at most 500 and the oldest is evicted past that (Valkey
 * 8.0's evicted_scripts); SCRIPT LOAD's scripts are never evicted, and a
 * SCRIPT LOAD of an EVAL-added script takes it off the list.
 *
 * EVAL itself is never propagated: the commands the script runs are, as
 * one unit with MULTI/EXEC around them when there are several. */
#include <string.h>
#include <strings.h>

#include "../../deps/sha1/sha1.h"
#include "../server/server.h"
#include "../server/reply.h"
#include "engine.h"
#include "run.h"
#include "script.h"
#include "shebang.h"

#define EVAL_LRU_MAX 500

typedef struct EvalScript {
    void *ht_next;
    struct EvalScript *lru_prev, *lru_next;
    int ref;
    uint32_t flags;
    uint32_t body_off;       /* where the code to compile starts (after the shebang line) */
    uint8_t in_lru;
    uint8_t sha[20];
    size_t body_len;
    char body[];
} EvalScript;

static struct {
    ScriptEngine *eng;
    Htable *scripts;
    EvalScript *lru_head, *lru_tail; /* oldest first */
    size_t lru_len;
    size_t mem;                      /* the entries' allocations */
    uint64_t evicted;
} ev;

static uint64_t sha_hash(const char *key, size_t len) {
    (void)len;
    uint64_t h;
    memcpy(&h, key, sizeof(h)); /* a SHA1 is already uniform */
    return h;
}

static void sha_entry_key(const void *entry, const char **key, size_t *len) {
    const EvalScript *s = entry;
    *key = (const char *)s->sha;
    *len = 20;
}

static const HtType script_httype = {
    .hash = sha_hash,
    .entry_key = sha_entry_key,
    .next_offset = offsetof(EvalScript, ht_next),
};

static void sha1_of(const char *p, size_t len, uint8_t out[20]) {
    Sha1 ctx;
    sha1_init(&ctx);
    sha1_update(&ctx, p, len);
    sha1_final(&ctx, out);
}

static void sha_to_hex(const uint8_t sha[20], char hex[41]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        hex[i * 2] = digits[sha[i] >> 4];
        hex[i * 2 + 1] = digits[sha[i] & 15];
    }
    hex[40] = '\0';
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 40 hex digits, either case, to 20 bytes; 0 if it is not one. */
static int hex_to_sha(const char *p, size_t len, uint8_t sha[20]) {
    if (len != 40) return 0;
    for (int i = 0; i < 20; i++) {
        int hi = hexval(p[i * 2]), lo = hexval(p[i * 2 + 1]);
        if (hi < 0 || lo < 0) return 0;
        sha[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

static EvalScript *find_hex(const char *p, size_t len) {
    uint8_t sha[20];
    if (!hex_to_sha(p, len, sha)) return NULL;
    return ht_find(ev.scripts, (const char *)sha, 20);
}

/* ------------------------------------------------------------- the LRU */

static void lru_unlink(EvalScript *s) {
    if (!s->in_lru) return;
    if (s->lru_prev) s->lru_prev->lru_next = s->lru_next;
    else ev.lru_head = s->lru_next;
    if (s->lru_next) s->lru_next->lru_prev = s->lru_prev;
    else ev.lru_tail = s->lru_prev;
    s->lru_prev = s->lru_next = NULL;
    s->in_lru = 0;
    ev.lru_len--;
}

static void lru_push(EvalScript *s) {
    s->lru_prev = ev.lru_tail;
    s->lru_next = NULL;
    if (ev.lru_tail) ev.lru_tail->lru_next = s;
    else ev.lru_head = s;
    ev.lru_tail = s;
    s->in_lru = 1;
    ev.lru_len++;
}

static void script_free(EvalScript *s) {
    engine_unref(ev.eng, s->ref);
    ev.mem -= mem_usable(s);
    mem_free(s);
}

static void script_delete(EvalScript *s) {
    lru_unlink(s);
    ht_remove(ev.scripts, (const char *)s->sha, 20);
    script_free(s);
}

/* ------------------------------------------------------------- shebang */

/* EVAL's shebang ("#!lua flags=no-writes,allow-oom"): the flags, and
 * where the code starts.  Returns 0, or -1 with *err set (Str). */
static int parse_shebang(const char *body, size_t len, uint32_t *flags, uint32_t *code_off, Str **err) {
    *flags = SCRIPT_FLAG_EVAL_COMPAT;
    *code_off = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!') return 0;
    const char *nl = memchr(body, '\n', len);
    if (!nl) {
        *err = str_from_cstr("Invalid script shebang");
        return -1;
    }
    const char *w[64];
    size_t wl[64];
    int n = shebang_split_words(body, (size_t)(nl - body), w, wl, 64);
    if (n == 0) {
        *err = str_from_cstr("Invalid engine in script shebang");
        return -1;
    }
    if (wl[0] != 5 || memcmp(w[0], "#!lua", 5) != 0) {
        *err = str_catfmt(str_from_cstr(""), "Unexpected engine in script shebang: %.*s", (int)wl[0], w[0]);
        return -1;
    }
    uint32_t f = 0;
    for (int i = 1; i < n; i++) {
        if (wl[i] >= 6 && memcmp(w[i], "flags=", 6) == 0) {
            const char *p = w[i] + 6, *end = w[i] + wl[i];
            while (p < end) {
                const char *comma = memchr(p, ',', (size_t)(end - p));
                size_t fl = comma ? (size_t)(comma - p) : (size_t)(end - p);
                uint32_t bit = script_flag_parse(p, fl, 0);
                if (!bit) {
                    *err = str_catfmt(str_from_cstr(""), "Unexpected flag in script shebang: %.*s", (int)fl, p);
                    return -1;
                }
                f |= bit;
                p += fl + (comma ? 1 : 0);
            }
        } else {
            *err = str_catfmt(str_from_cstr(""), "Unknown lua shebang option: %.*s", (int)wl[i], w[i]);
            return -1;
        }
    }
    *flags = f;
    *code_off = (uint32_t)(nl - body);
    return 0;
}

/* Compiles and caches a script; replies the error and returns NULL on
 * failure. */
static EvalScript *script_register(Client *c, const char *body, size_t len, const uint8_t sha[20], int from_eval) {
    uint32_t flags, off;
    Str *err = NULL;
    if (parse_shebang(body, len, &flags, &off, &err) != 0) {
        reply_error_len(c, err->buf, err->len);
        str_free(err);
        return NULL;
    }
    char *cerr = NULL;
    int ref = engine_compile(ev.eng, body + off, len - off, "@user_script", &cerr);
    if (ref < 0) {
        reply_errorf(c, "Error compiling script (new function): %s", cerr);
        mem_free(cerr);
        return NULL;
    }
    if (from_eval) {
        /* Scripts that only EVAL ever saw are evicted oldest first. */
        while (ev.lru_len >= EVAL_LRU_MAX) {
            script_delete(ev.lru_head);
            ev.evicted++;
        }
    }
    EvalScript *s = mem_alloc(sizeof(EvalScript) + len + 1);
    memset(s, 0, sizeof(*s));
    s->ref = ref;
    s->flags = flags;
    s->body_off = off;
    memcpy(s->sha, sha, 20);
    s->body_len = len;
    memcpy(s->body, body, len);
    s->body[len] = '\0';
    ht_add(ev.scripts, s);
    ev.mem += mem_usable(s);
    if (from_eval) lru_push(s);
    return s;
}

/* --------------------------------------------------------- the commands */

static void eval_generic(Client *c, int evalsha, int ro) {
    /* Monitors see the script before the commands it runs. */
    if (server.monitor_count) monitor_feed(c);
    if (evalsha && c->argv[1].len != 40) {
        reply_error(c, "-NOSCRIPT No matching script. Please use EVAL.");
        return;
    }
    long long numkeys;
    if (!arg_to_ll(c, &c->argv[2], &numkeys)) return;
    if (numkeys > c->argc - 3) {
        reply_error(c, "Number of keys can't be greater than number of args");
        return;
    }
    if (numkeys < 0) {
        reply_error(c, "Number of keys can't be negative");
        return;
    }
    EvalScript *s;
    if (evalsha) {
        s = find_hex(c->argv[1].p, c->argv[1].len);
        if (!s) {
            reply_error(c, "-NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
    } else {
        uint8_t sha[20];
        sha1_of(c->argv[1].p, c->argv[1].len, sha);
        s = ht_find(ev.scripts, (const char *)sha, 20);
        if (!s && !(s = script_register(c, c->argv[1].p, c->argv[1].len, sha, 1))) return;
    }
    char name[41];
    sha_to_hex(s->sha, name);
    ScriptRun run;
    if (run_begin(&run, c, ev.eng, name, s->flags, 1, ro) != 0) return;
    /* EVAL itself is not replayed; what it ran is. */
    propagate_prevent(c);
    int ref = s->ref;
    if (s->in_lru) {
        lru_unlink(s);
        lru_push(s);
    }
    int nk = (int)numkeys;
    engine_call(ev.eng, ref, c->argv + 3, nk, c->argv + 3 + nk, c->argc - 3 - nk);
    run_end(&run);
}

void eval_command(Client *c) {
    eval_generic(c, 0, 0);
}

void evalsha_command(Client *c) {
    eval_generic(c, 1, 0);
}

void eval_ro_command(Client *c) {
    eval_generic(c, 0, 1);
}

void evalsha_ro_command(Client *c) {
    eval_generic(c, 1, 1);
}

static void eval_reset(void) {
    HtIter it;
    ht_iter_init(&it, ev.scripts);
    EvalScript *s;
    while ((s = ht_iter_next(&it))) {
        ev.mem -= mem_usable(s);
        mem_free(s);
    }
    ht_iter_done(&it);
    ht_clear(ev.scripts, NULL);
    ev.lru_head = ev.lru_tail = NULL;
    ev.lru_len = 0;
    /* A new interpreter gives all of the old one's memory back. */
    engine_free(ev.eng);
    ev.eng = engine_create(0);
}

void script_flush_command(Client *c) {
    if (c->argc > 3 || (c->argc == 3 && !arg_equals(&c->argv[2], "sync") && !arg_equals(&c->argv[2], "async"))) {
        reply_error(c, "SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    eval_reset();
    reply_ok(c);
}

void script_exists_command(Client *c) {
    reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) reply_int(c, find_hex(c->argv[i].p, c->argv[i].len) ? 1 : 0);
}

void script_load_command(Client *c) {
    uint8_t sha[20];
    sha1_of(c->argv[2].p, c->argv[2].len, sha);
    EvalScript *s = ht_find(ev.scripts, (const char *)sha, 20);
    if (s) lru_unlink(s); /* loaded explicitly: no longer evictable */
    else if (!script_register(c, c->argv[2].p, c->argv[2].len, sha, 0)) return;
    char hex[41];
    sha_to_hex(sha, hex);
    reply_bulk(c, hex, 40);
}

void script_kill_command(Client *c) {
    run_kill(c, 1);
}

void script_show_command(Client *c) {
    EvalScript *s = find_hex(c->argv[2].p, c->argv[2].len);
    if (!s) {
        reply_error(c, "-NOSCRIPT No matching script. Please use EVAL.");
        return;
    }
    reply_bulk(c, s->body, s->body_len);
}

void script_debug_command(Client *c) {
    if (arg_equals(&c->argv[2], "no")) {
        reply_ok(c);
    } else if (arg_equals(&c->argv[2], "yes") || arg_equals(&c->argv[2], "sync")) {
        /* The Lua debugger (LDB) is not part of this server. */
        reply_error(c, "SCRIPT DEBUG is not supported by this server: the Lua debugger is not available");
    } else {
        reply_error(c, "Use SCRIPT DEBUG YES/SYNC/NO");
    }
}

void script_help_command(Client *c) {
    static const char *help[] = {
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined",
        "    by the lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "SHOW <sha1>",
        "    Show a script from the scripts cache.",
        "HELP",
        "    Print this help.",
        NULL,
    };
    reply_help(c, help);
}

/* -------------------------------------------------------------- state */

void eval_init(void) {
    ev.scripts = ht_create(&script_httype);
    ev.eng = engine_create(0);
}

void eval_info(ScriptStats *st) {
    st->vm_eval = engine_memory(ev.eng);
    st->cached_scripts = ht_count(ev.scripts);
    st->scripts_eval = ev.mem + ht_mem_usage(ev.scripts);
    st->evicted_scripts = ev.evicted;
}

void eval_stats_reset(void) {
    ev.evicted = 0;
}
