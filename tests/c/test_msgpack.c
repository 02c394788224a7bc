/* test_msgpack.c - deps/msgpack: fixed encodings from the MessagePack
 * spec, and a seeded model test: random item sequences encoded, then
 * decoded item by item against the model, every truncation reported as
 * "more", and the byte forms checked against the size rules. */
#include <math.h>

#include "../../deps/msgpack/msgpack.h"
#include "unit.h"

static size_t hex(const char *h, uint8_t *out) {
    size_t n = 0;
    while (h[0] && h[1]) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

static void check_enc(size_t got_len, const uint8_t *got, const char *want_hex) {
    uint8_t want[64];
    size_t n = hex(want_hex, want);
    CHECK_MEM((const char *)want, n, (const char *)got, got_len);
}

static void test_fixed(void) {
    uint8_t b[16];
    check_enc(mp_enc_nil(b), b, "c0");
    check_enc(mp_enc_bool(b, 1), b, "c3");
    check_enc(mp_enc_bool(b, 0), b, "c2");
    check_enc(mp_enc_int(b, 0), b, "00");
    check_enc(mp_enc_int(b, 127), b, "7f");
    check_enc(mp_enc_int(b, 128), b, "cc80");
    check_enc(mp_enc_int(b, 256), b, "cd0100");
    check_enc(mp_enc_int(b, 65536), b, "ce00010000");
    check_enc(mp_enc_int(b, 4294967296LL), b, "cf0000000100000000");
    check_enc(mp_enc_int(b, -1), b, "ff");
    check_enc(mp_enc_int(b, -32), b, "e0");
    check_enc(mp_enc_int(b, -33), b, "d0df");
    check_enc(mp_enc_int(b, -129), b, "d1ff7f");
    check_enc(mp_enc_int(b, -32769), b, "d2ffff7fff");
    check_enc(mp_enc_int(b, -1099511627776LL), b, "d3ffffff0000000000");
    check_enc(mp_enc_uint(b, UINT64_MAX), b, "cfffffffffffffffff");
    check_enc(mp_enc_double(b, 0.1), b, "cb3fb999999999999a");
    check_enc(mp_enc_double(b, 1.5), b, "ca3fc00000");
    check_enc(mp_enc_str_header(b, 5), b, "a5");
    check_enc(mp_enc_str_header(b, 40), b, "d928");
    check_enc(mp_enc_str_header(b, 300), b, "da012c");
    check_enc(mp_enc_str_header(b, 70000), b, "db00011170");
    check_enc(mp_enc_array_header(b, 15), b, "9f");
    check_enc(mp_enc_array_header(b, 16), b, "dc0010");
    check_enc(mp_enc_array_header(b, 70000), b, "dd00011170");
    check_enc(mp_enc_map_header(b, 2), b, "82");
    check_enc(mp_enc_map_header(b, 20), b, "de0014");
    MpItem it;
    uint8_t in[16];
    size_t n = hex("c1", in);
    CHECK_EQ_INT(MP_DEC_BAD, mp_dec_item(in, n, &it));
    n = hex("d401", in); /* fixext 1 */
    CHECK_EQ_INT(MP_DEC_BAD, mp_dec_item(in, n, &it));
    n = hex("c4026162", in); /* bin 8 reads as a string */
    CHECK_EQ_INT(4, mp_dec_item(in, n, &it));
    CHECK_EQ_INT(MP_STR, it.type);
    CHECK_MEM("ab", 2, (const char *)it.str, it.len);
    n = hex("d0df", in);
    CHECK_EQ_INT(2, mp_dec_item(in, n, &it));
    CHECK_EQ_INT(-33, it.i);
    CHECK_EQ_INT(MP_DEC_MORE, mp_dec_item(in, 0, &it));
}

/* The model: a flat list of items as the decoder returns them. */
typedef struct Model {
    int type;
    int64_t i;
    uint64_t u;
    double d;
    uint8_t s[80];
    size_t len;
} Model;

static void gen(Model *m) {
    switch (unit_rand_below(8)) {
    case 0: m->type = MP_NIL; break;
    case 1: m->type = MP_BOOL; m->i = (int64_t)unit_rand_below(2); break;
    case 2: {
        m->type = MP_INT;
        int bits = (int)unit_rand_below(64);
        uint64_t r = unit_rand64() >> (63 - bits);
        m->i = unit_rand_below(2) ? (int64_t)(r >> 1) : -(int64_t)(r >> 1) - 1;
        break;
    }
    case 3: m->type = MP_UINT; m->u = (1ULL << 63) | unit_rand64(); break;
    case 4: {
        m->type = MP_DOUBLE;
        if (unit_rand_below(2)) m->d = (double)(int32_t)unit_rand64() / 8.0; /* exact in float */
        else m->d = (double)unit_rand64() / 3.0;
        break;
    }
    case 5: {
        m->type = MP_STR;
        m->len = unit_rand_below(sizeof(m->s));
        for (size_t i = 0; i < m->len; i++) m->s[i] = (uint8_t)unit_rand64();
        break;
    }
    case 6: m->type = MP_ARRAY; m->len = unit_rand_below(3) ? unit_rand_below(20) : unit_rand_below(100000); break;
    default: m->type = MP_MAP; m->len = unit_rand_below(3) ? unit_rand_below(20) : unit_rand_below(100000); break;
    }
}

/* The encoding's length by the rules, independently of the encoder. */
static size_t rule_len(const Model *m) {
    switch (m->type) {
    case MP_NIL: case MP_BOOL: return 1;
    case MP_INT:
        if (m->i >= -32 && m->i <= 127) return 1;
        if (m->i >= 0) return m->i <= 0xff ? 2 : m->i <= 0xffff ? 3 : m->i <= 0xffffffffLL ? 5 : 9;
        return m->i >= -128 ? 2 : m->i >= -32768 ? 3 : m->i >= -2147483648LL ? 5 : 9;
    case MP_UINT: return 9;
    case MP_DOUBLE: return (double)(float)m->d == m->d ? 5 : 9;
    case MP_STR: return (m->len < 32 ? 1 : m->len <= 0xff ? 2 : 3) + m->len;
    default: return m->len <= 15 ? 1 : m->len <= 0xffff ? 3 : 5;
    }
}

static size_t encode(const Model *m, uint8_t *out) {
    size_t n = 0;
    switch (m->type) {
    case MP_NIL: return mp_enc_nil(out);
    case MP_BOOL: return mp_enc_bool(out, (int)m->i);
    case MP_INT: return mp_enc_int(out, m->i);
    case MP_UINT: return mp_enc_uint(out, m->u);
    case MP_DOUBLE: return mp_enc_double(out, m->d);
    case MP_STR:
        n = mp_enc_str_header(out, m->len);
        memcpy(out + n, m->s, m->len);
        return n + m->len;
    case MP_ARRAY: return mp_enc_array_header(out, m->len);
    default: return mp_enc_map_header(out, m->len);
    }
}

static void test_model(void) {
    enum { ITEMS = 40 };
    Model model[ITEMS];
    uint8_t buf[ITEMS * 100];
    size_t off[ITEMS + 1];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        for (int i = 0; i < ITEMS; i++) {
            gen(&model[i]);
            off[i] = len;
            size_t n = encode(&model[i], buf + len);
            if (!CHECK_EQ_INT((long long)rule_len(&model[i]), (long long)n)) return;
            len += n;
        }
        off[ITEMS] = len;
        size_t pos = 0;
        for (int i = 0; i < ITEMS; i++) {
            MpItem it;
            /* Any cut inside the item asks for more. */
            size_t cut = off[i] + unit_rand_below(off[i + 1] - off[i]);
            if (!CHECK_EQ_INT(MP_DEC_MORE, mp_dec_item(buf + pos, cut - pos, &it))) return;
            long n = mp_dec_item(buf + pos, len - pos, &it);
            if (!CHECK_EQ_INT((long long)(off[i + 1] - off[i]), n)) return;
            const Model *m = &model[i];
            CHECK_EQ_INT(m->type, it.type);
            switch (m->type) {
            case MP_BOOL: case MP_INT: CHECK_EQ_INT(m->i, it.i); break;
            case MP_UINT: CHECK_EQ_UINT(m->u, it.u); break;
            case MP_DOUBLE: CHECK(m->d == it.d); break;
            case MP_STR: CHECK_MEM((const char *)m->s, m->len, (const char *)it.str, it.len); break;
            case MP_ARRAY: case MP_MAP: CHECK_EQ_UINT(m->len, it.len); break;
            }
            pos += (size_t)n;
        }
    }
}

int main(void) {
    UNIT_RUN(test_fixed);
    UNIT_RUN(test_model);
    return unit_finish();
}
