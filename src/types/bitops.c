/* bitops.c - the bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO (bit arithmetic in src/ds/bitmap).
 *
 * A bitmap is a string: reads accept any string encoding (an integer reads
 * as its decimal text), writes turn the value into a raw string
 * (string_unshare) and grow it with zero bytes to the highest bit written.
 * Bit 0 is the most significant bit of the first byte.
 *
 * Valkey 8's rules kept here: a bit offset must address a byte below
 * proto-max-bulk-len; BITCOUNT and BITPOS check all their arguments before
 * looking at the key (so a missing key with a bad range is an error, not
 * 0); a write that changes nothing (SETBIT of the bit already there,
 * BITFIELD SET of the same value) neither dirties nor propagates nor fires
 * an event, while growing the string counts as a change; BITOP deletes its
 * destination when every source is empty or missing ("del"), otherwise
 * stores a raw string without TTL ("set"). */
#include <string.h>

#include "../../deps/numconv/numconv.h"
#include "../ds/alloc.h"
#include "../ds/bitmap.h"
#include "../server/reply.h"
#include "../server/server.h"
#include "bitops.h"
#include "string.h"

#define ERR_BIT_OFFSET "bit offset is not an integer or out of range"
#define ERR_BIT_VALUE "bit is not an integer or out of range"
#define ERR_BITFIELD_TYPE "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."

/* A bit offset argument.  With hash_bits > 0, "#n" means the n-th field of
 * that width (n * hash_bits).  The byte it addresses must be below
 * proto-max-bulk-len. */
static int parse_bit_offset(Client *c, const Arg *a, int hash_bits, uint64_t *out) {
    long long v;
    size_t skip = (hash_bits > 0 && a->len > 0 && a->p[0] == '#') ? 1 : 0;
    if (!str_to_ll(a->p + skip, a->len - skip, &v)) goto err;
    /* Multiplied as 64-bit two's complement: a product past the range
     * comes out negative (or small) exactly as it does in Valkey. */
    if (skip) v = (long long)((uint64_t)v * (uint64_t)hash_bits);
    if (v < 0 || (v >> 3) >= server.cfg.proto_max_bulk_len) goto err;
    *out = (uint64_t)v;
    return 1;
err:
    reply_error(c, ERR_BIT_OFFSET);
    return 0;
}

/* Looks a string key up for reading: *kv NULL when missing, 0 after a
 * WRONGTYPE reply. */
static int lookup_read_string(Client *c, const Arg *key, Kv **kv) {
    *kv = db_lookup_read(c, c->db, key);
    if (*kv && kv_type(*kv) != OBJ_STRING) {
        reply_wrong_type(c);
        return 0;
    }
    return 1;
}

/* The string a write goes to, long enough to hold bit maxbit: created
 * (zeros) when missing, made raw and zero-extended otherwise.  *dirty says
 * whether that alone changed the key (created or grown).  NULL after a
 * WRONGTYPE reply. */
static Str *bit_target(Client *c, const Arg *key, uint64_t maxbit, Kv **kvp, int *dirty) {
    Kv *kv = db_lookup_write(c, c->db, key);
    if (kv && kv_type(kv) != OBJ_STRING) {
        reply_wrong_type(c);
        return NULL;
    }
    size_t need = (size_t)(maxbit >> 3) + 1;
    if (!kv) {
        Str *s = str_with_capacity(need);
        memset(s->buf, 0, need + 1);
        s->len = need;
        *kvp = db_store(c->db, key, NULL, kv_new_raw(key->p, key->len, s), 0);
        *dirty = 1;
        return s;
    }
    Str *s = string_unshare(c, &kv, key);
    *dirty = 0;
    if (s->len < need) {
        Str *grown = str_resize(s, need);
        if (grown != s) kv_set_raw(kv, grown);
        s = grown;
        *dirty = 1;
    }
    *kvp = kv;
    return s;
}

/* ------------------------------------------------------- SETBIT GETBIT */

void setbit_command(Client *c) {
    const Arg *key = &c->argv[1];
    uint64_t offset;
    long long on;
    if (!parse_bit_offset(c, &c->argv[2], 0, &offset)) return;
    if (!arg_to_ll_msg(c, &c->argv[3], &on, ERR_BIT_VALUE)) return;
    if (on & ~1LL) {
        reply_error(c, ERR_BIT_VALUE);
        return;
    }
    Kv *kv;
    int dirty;
    Str *s = bit_target(c, key, offset, &kv, &dirty);
    if (!s) return;
    uint8_t *p = (uint8_t *)s->buf;
    int old = bitmap_get(p, offset);
    if (dirty || old != (int)on) {
        bitmap_set(p, offset, (int)on);
        key_changed(c, c->db, key->p, key->len, NOTIFY_STRING, "setbit");
    }
    reply_int(c, old);
}

void getbit_command(Client *c) {
    uint64_t offset;
    if (!parse_bit_offset(c, &c->argv[2], 0, &offset)) return;
    Kv *kv;
    if (!lookup_read_string(c, &c->argv[1], &kv)) return;
    int bit = 0;
    if (kv) {
        StrView v;
        kv_string_view(kv, &v);
        if ((offset >> 3) < v.len) bit = bitmap_get((const uint8_t *)v.p, offset);
    }
    reply_int(c, bit);
}

/* ---------------------------------------------------- BITCOUNT BITPOS */

/* A range after the string's length is known: start/end are byte or bit
 * indexes (negative from the end), clamped as GETRANGE clamps.  Returns 0
 * when the range is empty, else 1 with the first and last bit. */
static int resolve_range(long long start, long long end, int isbit, size_t len, uint64_t *sbit, uint64_t *ebit) {
    long long total = (long long)len;
    if (isbit) total <<= 3;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (start > end) return 0;
    if (isbit) {
        *sbit = (uint64_t)start;
        *ebit = (uint64_t)end;
    } else {
        *sbit = (uint64_t)start * 8;
        *ebit = (uint64_t)end * 8 + 7;
    }
    return 1;
}

/* BYTE or BIT (case-insensitive); replies a syntax error otherwise. */
static int parse_unit(Client *c, const Arg *a, int *isbit) {
    if (arg_equals(a, "bit")) *isbit = 1;
    else if (arg_equals(a, "byte")) *isbit = 0;
    else {
        reply_syntax_error(c);
        return 0;
    }
    return 1;
}

static uint64_t count_range(const uint8_t *p, uint64_t sbit, uint64_t ebit) {
    uint64_t first = sbit >> 3, last = ebit >> 3;
    uint64_t n = bitmap_popcount(p + first, (size_t)(last - first + 1));
    /* Take off the bits of the edge bytes outside the range. */
    unsigned head = (unsigned)(sbit & 7), tail = 7 - (unsigned)(ebit & 7);
    if (head) n -= (uint64_t)__builtin_popcount(p[first] & (0xffu << (8 - head)) & 0xffu);
    if (tail) n -= (uint64_t)__builtin_popcount(p[last] & ((1u << tail) - 1));
    return n;
}

void bitcount_command(Client *c) {
    long long start = 0, end = -1;
    int isbit = 0, ranged = c->argc >= 3;
    if (c->argc > 5) {
        reply_syntax_error(c);
        return;
    }
    if (ranged) {
        if (!arg_to_ll(c, &c->argv[2], &start)) return;
        if (c->argc == 5 && !parse_unit(c, &c->argv[4], &isbit)) return;
        if (c->argc >= 4 && !arg_to_ll(c, &c->argv[3], &end)) return;
    }
    Kv *kv;
    if (!lookup_read_string(c, &c->argv[1], &kv)) return;
    if (!kv) {
        reply_int(c, 0);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    if (c->argc == 3) end = (long long)v.len - 1;
    /* Both negative and crossed: empty before any clamping, as Valkey
     * (clamping would turn e.g. -1 -5 on a short string into 0 0). */
    if (ranged && start < 0 && end < 0 && start > end) {
        reply_int(c, 0);
        return;
    }
    uint64_t sbit, ebit;
    if (!resolve_range(start, end, isbit, v.len, &sbit, &ebit)) {
        reply_int(c, 0);
        return;
    }
    reply_int(c, (long long)count_range((const uint8_t *)v.p, sbit, ebit));
}

/* The first bit equal to `bit` in [sbit, ebit], or -1. */
static int64_t find_in_range(const uint8_t *p, uint64_t sbit, uint64_t ebit, int bit) {
    uint64_t i = sbit;
    for (; i <= ebit && (i & 7); i++)
        if (bitmap_get(p, i) == bit) return (int64_t)i;
    uint64_t whole = i <= ebit ? (ebit + 1 - i) / 8 : 0;
    if (whole) {
        int64_t pos = bitmap_bitpos(p + i / 8, (size_t)whole, bit);
        if (pos >= 0 && (uint64_t)pos < whole * 8) return (int64_t)i + pos;
        i += whole * 8;
    }
    for (; i <= ebit; i++)
        if (bitmap_get(p, i) == bit) return (int64_t)i;
    return -1;
}

void bitpos_command(Client *c) {
    long long bit, start = 0, end = -1;
    int isbit = 0, end_given = 0;
    if (!arg_to_ll(c, &c->argv[2], &bit)) return;
    if (bit != 0 && bit != 1) {
        reply_error(c, "The bit argument must be 1 or 0.");
        return;
    }
    if (c->argc > 6) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc >= 4) {
        if (!arg_to_ll(c, &c->argv[3], &start)) return;
        if (c->argc == 6 && !parse_unit(c, &c->argv[5], &isbit)) return;
        if (c->argc >= 5) {
            if (!arg_to_ll(c, &c->argv[4], &end)) return;
            end_given = 1;
        }
    }
    Kv *kv;
    if (!lookup_read_string(c, &c->argv[1], &kv)) return;
    /* A missing key is an endless run of zeros. */
    if (!kv) {
        reply_int(c, bit ? -1 : 0);
        return;
    }
    StrView v;
    kv_string_view(kv, &v);
    uint64_t sbit, ebit;
    if (!resolve_range(start, end, isbit, v.len, &sbit, &ebit)) {
        reply_int(c, -1);
        return;
    }
    int64_t pos = find_in_range((const uint8_t *)v.p, sbit, ebit, (int)bit);
    /* No clear bit up to the end of the string: without an explicit end
     * the string counts as padded with zeros, so the answer is the first
     * bit past it. */
    if (pos < 0 && bit == 0 && !end_given) pos = (int64_t)ebit + 1;
    reply_int(c, pos);
}

/* -------------------------------------------------------------- BITOP */

void bitop_command(Client *c) {
    const Arg *dest = &c->argv[2];
    int op;
    if (arg_equals(&c->argv[1], "and")) op = BITOP_AND;
    else if (arg_equals(&c->argv[1], "or")) op = BITOP_OR;
    else if (arg_equals(&c->argv[1], "xor")) op = BITOP_XOR;
    else if (arg_equals(&c->argv[1], "not")) op = BITOP_NOT;
    else {
        reply_syntax_error(c);
        return;
    }
    if (op == BITOP_NOT && c->argc != 4) {
        reply_error(c, "BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    /* Views of the sources (an integer's text lives in its view). */
    StrView *views = mem_alloc(sizeof(StrView) * (size_t)n);
    const uint8_t **src = mem_alloc(sizeof(*src) * (size_t)n);
    size_t *lens = mem_alloc(sizeof(*lens) * (size_t)n);
    size_t maxlen = 0;
    for (int j = 0; j < n; j++) {
        Kv *kv;
        if (!lookup_read_string(c, &c->argv[3 + j], &kv)) goto done;
        if (!kv) {
            src[j] = NULL;
            lens[j] = 0;
            continue;
        }
        kv_string_view(kv, &views[j]);
        src[j] = (const uint8_t *)views[j].p;
        lens[j] = views[j].len;
        if (lens[j] > maxlen) maxlen = lens[j];
    }
    if (maxlen) {
        Str *res = str_with_capacity(maxlen);
        bitmap_op(op, (uint8_t *)res->buf, maxlen, src, lens, n);
        res->len = maxlen;
        res->buf[maxlen] = '\0';
        /* The sources are not needed past this point: the destination may
         * be one of them. */
        Kv *old = db_lookup_write(c, c->db, dest);
        db_store(c->db, dest, old, kv_new_raw(dest->p, dest->len, res), 0);
        key_changed(c, c->db, dest->p, dest->len, NOTIFY_STRING, "set");
    } else if (db_delete(c->db, dest->p, dest->len)) {
        key_changed(c, c->db, dest->p, dest->len, NOTIFY_GENERIC, "del");
    }
    reply_int(c, (long long)maxlen);
done:
    mem_free(views);
    mem_free(src);
    mem_free(lens);
}

/* ----------------------------------------------------------- BITFIELD */

enum { BF_GET, BF_SET, BF_INCRBY };

typedef struct BitfieldOp {
    uint64_t offset;
    int64_t arg;     /* SET value or INCRBY increment */
    int opcode;
    int overflow;    /* BITFIELD_WRAP/SAT/FAIL in force for this op */
    int bits;
    int sign;
} BitfieldOp;

/* "i1".."i64" or "u1".."u63". */
static int parse_bitfield_type(Client *c, const Arg *a, int *sign, int *bits) {
    long long n;
    /* Valkey reads the width as a C string: it stops at a NUL byte. */
    size_t wlen = a->len > 1 ? strnlen(a->p + 1, a->len - 1) : 0;
    if (a->len < 1 || (a->p[0] != 'i' && a->p[0] != 'u')) goto err;
    *sign = a->p[0] == 'i';
    if (!str_to_ll(a->p + 1, wlen, &n) || n < 1 || (*sign && n > 64) || (!*sign && n > 63)) goto err;
    *bits = (int)n;
    return 1;
err:
    reply_error(c, ERR_BITFIELD_TYPE);
    return 0;
}

/* Reads a field from a string that may be shorter than the field (or
 * absent): the missing bytes read as zeros. */
static void bitfield_read(Client *c, const uint8_t *p, size_t len, const BitfieldOp *op) {
    uint8_t buf[9] = {0};
    uint64_t byte = op->offset >> 3;
    for (int i = 0; i < 9 && p && byte + (uint64_t)i < len; i++) buf[i] = p[byte + (uint64_t)i];
    uint64_t rel = op->offset & 7;
    if (op->sign) reply_int(c, bitfield_get_signed(buf, rel, op->bits));
    else reply_int(c, (long long)bitfield_get_unsigned(buf, rel, op->bits));
}

/* One SET or INCRBY on the (long enough) string; returns 1 if it wrote a
 * different value. */
static int bitfield_write(Client *c, uint8_t *p, const BitfieldOp *op, int dirty) {
    int overflow;
    if (op->sign) {
        int64_t oldval = bitfield_get_signed(p, op->offset, op->bits), newval, ret, lim = 0;
        if (op->opcode == BF_INCRBY) {
            overflow = bitfield_overflow_signed(oldval, op->arg, op->bits, op->overflow, &lim);
            newval = overflow ? lim : (int64_t)((uint64_t)oldval + (uint64_t)op->arg);
            ret = newval;
        } else {
            overflow = bitfield_overflow_signed(op->arg, 0, op->bits, op->overflow, &lim);
            newval = overflow ? lim : op->arg;
            ret = oldval;
        }
        if (overflow && op->overflow == BITFIELD_FAIL) {
            reply_null(c);
            return 0;
        }
        reply_int(c, ret);
        bitfield_set(p, op->offset, op->bits, (uint64_t)newval);
        return dirty || oldval != newval;
    }
    uint64_t oldval = bitfield_get_unsigned(p, op->offset, op->bits), newval, ret, lim = 0;
    if (op->opcode == BF_INCRBY) {
        overflow = bitfield_overflow_unsigned(oldval, op->arg, op->bits, op->overflow, &lim);
        newval = overflow ? lim : oldval + (uint64_t)op->arg;
        ret = newval;
    } else {
        overflow = bitfield_overflow_unsigned((uint64_t)op->arg, 0, op->bits, op->overflow, &lim);
        newval = overflow ? lim : (uint64_t)op->arg;
        ret = oldval;
    }
    if (overflow && op->overflow == BITFIELD_FAIL) {
        reply_null(c);
        return 0;
    }
    reply_int(c, (long long)ret);
    bitfield_set(p, op->offset, op->bits, newval);
    return dirty || oldval != newval;
}

static void bitfield_generic(Client *c, int readonly_cmd) {
    const Arg *key = &c->argv[1];
    BitfieldOp *ops = mem_alloc(sizeof(BitfieldOp) * (size_t)(c->argc / 3 + 1));
    int nops = 0, overflow = BITFIELD_WRAP, writes = 0;
    uint64_t highest = 0;

    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1, opcode;
        const Arg *sub = &c->argv[j];
        if (arg_equals(sub, "get") && left >= 2) opcode = BF_GET;
        else if (arg_equals(sub, "set") && left >= 3) opcode = BF_SET;
        else if (arg_equals(sub, "incrby") && left >= 3) opcode = BF_INCRBY;
        else if (arg_equals(sub, "overflow") && left >= 1) {
            const Arg *how = &c->argv[++j];
            if (arg_equals(how, "wrap")) overflow = BITFIELD_WRAP;
            else if (arg_equals(how, "sat")) overflow = BITFIELD_SAT;
            else if (arg_equals(how, "fail")) overflow = BITFIELD_FAIL;
            else {
                reply_error(c, "Invalid OVERFLOW type specified");
                goto done;
            }
            continue;
        } else {
            reply_syntax_error(c);
            goto done;
        }
        BitfieldOp *op = &ops[nops];
        if (!parse_bitfield_type(c, &c->argv[j + 1], &op->sign, &op->bits)) goto done;
        if (!parse_bit_offset(c, &c->argv[j + 2], op->bits, &op->offset)) goto done;
        long long arg = 0;
        if (opcode != BF_GET) {
            writes = 1;
            if (highest < op->offset + (uint64_t)op->bits - 1) highest = op->offset + (uint64_t)op->bits - 1;
            if (!arg_to_ll(c, &c->argv[j + 3], &arg)) goto done;
        }
        op->arg = arg;
        op->opcode = opcode;
        op->overflow = overflow;
        nops++;
        j += opcode == BF_GET ? 2 : 3;
    }

    Kv *kv = NULL;
    Str *s = NULL;
    int dirty = 0;
    if (!writes) {
        if (!lookup_read_string(c, key, &kv)) goto done;
    } else {
        if (readonly_cmd) {
            reply_error(c, "BITFIELD_RO only supports the GET subcommand");
            goto done;
        }
        s = bit_target(c, key, highest, &kv, &dirty);
        if (!s) goto done;
    }

    StrView v = {0};
    const uint8_t *rp = NULL;
    size_t rlen = 0;
    if (s) {
        rp = (const uint8_t *)s->buf;
        rlen = s->len;
    } else if (kv) {
        kv_string_view(kv, &v);
        rp = (const uint8_t *)v.p;
        rlen = v.len;
    }
    long long changes = 0;
    reply_array_len(c, nops);
    for (int k = 0; k < nops; k++) {
        if (ops[k].opcode == BF_GET) bitfield_read(c, rp, rlen, &ops[k]);
        else changes += bitfield_write(c, (uint8_t *)s->buf, &ops[k], dirty);
    }
    if (changes) key_changed_n(c, c->db, key->p, key->len, NOTIFY_STRING, "setbit", changes);
done:
    mem_free(ops);
}

void bitfield_command(Client *c) {
    bitfield_generic(c, 0);
}

void bitfield_ro_command(Client *c) {
    bitfield_generic(c, 1);
}
