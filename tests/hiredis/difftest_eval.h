/*
 * difftest_eval.h - difftest's scripting row: EVAL of deterministic
 * scripts from a fixed set of bodies (so the script cache stays far below
 * Valkey 8's 500-script EVAL limit and EVALSHA of a known body is
 * meaningful), with random keys and arguments: reads and writes through
 * redis.call, redis.pcall of commands that fail (WRONGTYPE, not an
 * integer), errors raised with the script's location, the reply
 * conversions (numbers truncated, booleans, nil holes in tables, status
 * and error tables, nested errors, RESP3 maps through redis.setresp),
 * cjson/cmsgpack/struct/bit/string/math.random with a seed, sha1hex,
 * EVAL_RO and a no-writes shebang refusing writes, numkeys errors,
 * EVALSHA before and after a body is cached, SCRIPT EXISTS / LOAD.
 *
 * Keys "df:e0".."df:e9" (strings, lists, hashes the scripts make; TYPE
 * finds their dump), and now and then keys of other rows.  Known Valkey 8
 * / Redis 7.0 differences (difftest.c's accepted table): Valkey 8 words
 * the scripting layer's own errors without "Redis" ("Unknown command
 * called from script", "Wrong number of args calling command from
 * script", "Please specify at least one argument for this call",
 * "Command arguments must be strings or integers").
 */
#ifndef TESTS_HIREDIS_DIFFTEST_EVAL_H
#define TESTS_HIREDIS_DIFFTEST_EVAL_H

#include "difftest_gen.h"

#define EVAL_KEYS "df:e", 10

/* Bodies whose SHA1 the generator knows (EVALSHA before/after caching). */
#define EVAL_GET "return redis.call('GET', KEYS[1])"
#define EVAL_GET_SHA "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f"
#define EVAL_SETGET "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])"
#define EVAL_SETGET_SHA "2b20e84ba26251fc86a627f03be6dd614b31bac8"

static void eval_key(Cmd *c) { add_key_of(c, EVAL_KEYS); }

/* A command for redis.call/pcall and whether it takes a value after the
 * key: most run, some fail on the key's type or on the value. */
static int eval_cmd_name(Cmd *c)
{
    static const struct { const char *name; int arg; } cmds[] = {
        {"GET", 0}, {"INCR", 0}, {"LPUSH", 1}, {"SADD", 1}, {"HGET", 1}, {"STRLEN", 0}, {"TYPE", 0},
        {"EXISTS", 0}, {"DEL", 0}, {"APPEND", 1}, {"INCRBY", 1}, {"LLEN", 0}, {"SET", 1}, {"get", 0},
        {"HSET", 1},
    };
    int i = rnd((int)(sizeof cmds / sizeof *cmds));
    add(c, cmds[i].name);
    /* Now and then the wrong number of arguments (Valkey's own wording). */
    return chance(97) ? cmds[i].arg : !cmds[i].arg;
}

static void eval_number(Cmd *c)
{
    static const char *nums[] = {"1", "-7", "3.7", "-2.5", "0", "1e20", "-1e20", "12345678901",
                                 "0.1", "abc", "", "2.5e-3", "9007199254740993"};
    add(c, nums[rnd((int)(sizeof nums / sizeof *nums))]);
}

static void eval_json(Cmd *c)
{
    static const char *docs[] = {"[1,2,3]", "{\"a\":1}", "{\"a\":[true,false,null]}", "\"str\"", "3.25",
                                 "[0.0, -5e3, -1, 0.3e-3, 1023.2]", "[bad", "{\"a\":", "[[[[1]]]]", "null"};
    add(c, docs[rnd((int)(sizeof docs / sizeof *docs))]);
}

/* redis.call or redis.pcall of a random command on a key, with a value
 * when the command takes one. */
static void eval_call_body(Cmd *c, int pcall)
{
    static const char *bodies[2][2] = {
        {"return redis.call(ARGV[1], KEYS[1])", "return redis.call(ARGV[1], KEYS[1], ARGV[2])"},
        {"return redis.pcall(ARGV[1], KEYS[1])", "return redis.pcall(ARGV[1], KEYS[1], ARGV[2])"},
    };
    int at = c->argc;
    add(c, "");
    add(c, "1");
    eval_key(c);
    int arg = eval_cmd_name(c);
    if (arg) add_value(c);
    free(c->argv[at]);
    c->argv[at] = strdup(bodies[pcall][arg]);
    c->len[at] = strlen(c->argv[at]);
}

/* One of the bodies, with its keys and arguments. */
static void eval_body(Cmd *c)
{
    int k = rnd(28);
    switch (k) {
    case 0: add(c, EVAL_GET); add(c, "1"); eval_key(c); break;
    case 1: add(c, EVAL_SETGET); add(c, "1"); eval_key(c); add_value(c); break;
    case 2: add(c, "return redis.call('INCRBY', KEYS[1], ARGV[1])"); add(c, "1"); eval_key(c); eval_number(c); break;
    case 3: eval_call_body(c, 1); break;
    case 4: eval_call_body(c, 0); break;
    case 5:
        add(c, "return {tonumber(ARGV[1]) or 0, true, false, 'x', nil, 'after nil'}");
        add(c, "0"); eval_number(c);
        break;
    case 6: add(c, "return tonumber(ARGV[1])"); add(c, "0"); eval_number(c); break;
    case 7: add(c, "return {ok=ARGV[1]}"); add(c, "0"); add_value(c); break;
    case 8: add(c, "return {err=ARGV[1]}"); add(c, "0"); add_value(c); break;
    case 9: add(c, "return redis.error_reply(ARGV[1])"); add(c, "0"); add_value(c); break;
    case 10: add(c, "return redis.status_reply(ARGV[1])"); add(c, "0"); add_value(c); break;
    case 11:
        add(c, "redis.call('RPUSH', KEYS[1], unpack(ARGV)) return redis.call('LRANGE', KEYS[1], 0, -1)");
        add(c, "1"); eval_key(c);
        for (int i = 1 + rnd(4); i > 0; i--) add_elem(c);
        break;
    case 12:
        add(c, "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return redis.call('HGETALL', KEYS[1])");
        add(c, "1"); eval_key(c); add_elem(c); add_value(c);
        c->cmp = CMP_PAIRS;
        break;
    case 13:
        add(c, "return cjson.encode({ARGV[1], tonumber(ARGV[2]) or ARGV[2], {a = ARGV[1]}})");
        add(c, "0"); add_value(c); eval_number(c);
        break;
    case 14: add(c, "return cjson.encode(cjson.decode(ARGV[1]))"); add(c, "0"); eval_json(c); break;
    case 15:
        add(c, "return {cmsgpack.pack(ARGV[1], tonumber(ARGV[2]), {1, 2, {x = ARGV[1]}}), cmsgpack.unpack(cmsgpack.pack(ARGV[1]))}");
        add(c, "0"); add_value(c); eval_number(c);
        break;
    case 16: {
        static const char *fmts[] = {">i4", "<h", "B", ">I2 <I2", "i3", "q", "!3i", "c2"};
        add(c, "return {struct.unpack(ARGV[1], struct.pack(ARGV[1], tonumber(ARGV[2]) or 0, tonumber(ARGV[2]) or 0))}");
        add(c, "0"); add(c, fmts[rnd(8)]); eval_number(c);
        break;
    }
    case 17:
        add(c, "local n = tonumber(ARGV[1]) or 0 return {bit.band(n, 255), bit.bor(n, 1), bit.tohex(n), bit.lshift(1, 5)}");
        add(c, "0"); eval_number(c);
        break;
    case 18:
        add(c, "return string.format('%s:%d', ARGV[1], #ARGV[1]) .. string.upper(ARGV[1]) .. string.rep('-', 3)");
        add(c, "0"); add_value(c);
        break;
    case 19: add(c, "return redis.sha1hex(ARGV[1])"); add(c, "0"); add_value(c); break;
    case 20:
        add(c, "math.randomseed(tonumber(ARGV[1]) or 1) return {math.random(100), math.random(5, 50), math.floor(math.random() * 1000)}");
        add(c, "0"); eval_number(c);
        break;
    case 21: add(c, "return {1, {err='ERR nested'}, {ok='fine'}, {2, {3}}}"); add(c, "0"); break;
    case 22:
        add(c, "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('EXPIRE', KEYS[1], 5000)");
        add(c, "1"); eval_key(c); add_value(c);
        break;
    case 23:
        add(c, "redis.setresp(3) return redis.call('HGETALL', KEYS[1])");
        add(c, "1"); eval_key(c);
        c->cmp = CMP_PAIRS;
        break;
    case 24: add(c, "#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'x')"); add(c, "1"); eval_key(c); break;
    case 25:
        /* Unknown commands: Valkey's own wording (accepted), now and then. */
        if (chance(20)) add(c, "return redis.call('NOSUCHCOMMAND', KEYS[1])");
        else add(c, "return redis.pcall('GETSET', KEYS[1], 'x')");
        add(c, "1"); eval_key(c);
        break;
    case 26: add(c, "local a = 1\nlocal b = nosuchfunction()\nreturn b"); add(c, "0"); break;
    default:
        add(c, "redis.call('SET', KEYS[1], 'a') redis.call('INCR', KEYS[1]) return 'unreached'");
        add(c, "1"); eval_key(c);
        break;
    }
}

static void eval_gen(Cmd *c)
{
    if (gen_reclaim(c, EVAL_KEYS)) return;
    int w = rnd(100);
#define PICK(limit) if ((w -= (limit)) < 0)
    PICK(70) {
        add_word(c, "EVAL");
        eval_body(c);
        return;
    }
    PICK(8) {
        add_word(c, "EVAL_RO");
        eval_call_body(c, chance(50));
        return;
    }
    PICK(8) {
        add_word(c, "EVALSHA");
        add(c, chance(50) ? EVAL_GET_SHA : EVAL_SETGET_SHA);
        add(c, "1"); eval_key(c); add_value(c);
        return;
    }
    PICK(4) {
        /* numkeys errors and a SHA of the wrong length */
        static const char *nk[] = {"2", "-1", "x", "99"};
        add_word(c, chance(80) ? "EVAL" : "EVALSHA");
        add(c, chance(80) ? "return 1" : "abc");
        add(c, nk[rnd(4)]);
        if (chance(50)) eval_key(c);
        return;
    }
    PICK(4) { add_word(c, "SCRIPT"); add(c, "EXISTS"); add(c, EVAL_GET_SHA); add(c, EVAL_SETGET_SHA); return; }
    PICK(3) { add_word(c, "SCRIPT"); add(c, "LOAD"); add(c, chance(50) ? EVAL_GET : EVAL_SETGET); return; }
    PICK(1) { add_word(c, "SCRIPT"); add(c, "FLUSH"); return; }
#undef PICK
    add_word(c, "GET");
    eval_key(c);
}

static const DiffType difftype_eval = {
    "eval", NULL,
    "EVAL EVAL_RO EVALSHA SCRIPT GET DEL",
    8, EVAL_KEYS, eval_gen, NULL,
};

#endif
