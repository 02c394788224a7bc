/* test_structfmt.c - deps/structfmt: option parsing with its limits and
 * errors, alignment as the struct library computes it, and integers of
 * every size in both byte orders against a bit-by-bit reference over
 * seeded random values. */
#include "../../deps/structfmt/structfmt.h"
#include "unit.h"

static void test_parse(void) {
    SfState st;
    SfOpt o;
    sf_init(&st, "<b >H l! i3 c10 c s x f d T");
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT('b', o.opt);
    CHECK_EQ_INT(SF_LITTLE, st.endian);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT('H', o.opt);
    CHECK_EQ_INT(SF_BIG, st.endian);
    CHECK_EQ_INT((long long)sizeof(short), (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT((long long)sizeof(long), (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o)); /* '!' applied, then i3 */
    CHECK_EQ_INT(sf_native_align(), st.align);
    CHECK_EQ_INT('i', o.opt);
    CHECK_EQ_INT(3, (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT(10, (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT(1, (long long)o.size); /* bare c is one byte */
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT('s', o.opt);
    CHECK_EQ_INT(0, (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT((long long)sizeof(float), (long long)o.size);
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    CHECK_EQ_INT((long long)sizeof(size_t), (long long)o.size);
    CHECK_EQ_INT(SF_END, sf_next(&st, &o));

    sf_init(&st, "q");
    CHECK_EQ_INT(SF_ERR_OPTION, sf_next(&st, &o));
    CHECK_EQ_INT('q', o.bad_char);
    sf_init(&st, "i33");
    CHECK_EQ_INT(SF_ERR_INTSIZE, sf_next(&st, &o));
    CHECK_EQ_INT(33, o.value);
    sf_init(&st, "i32");
    CHECK_EQ_INT(SF_OK, sf_next(&st, &o));
    sf_init(&st, "!3");
    CHECK_EQ_INT(SF_ERR_ALIGN, sf_next(&st, &o));
    CHECK_EQ_INT(3, o.value);
    sf_init(&st, "c99999999999");
    CHECK_EQ_INT(SF_ERR_OVERFLOW, sf_next(&st, &o));
}

static void test_padding(void) {
    SfState st;
    SfOpt o = {'i', 4, 0, 0};
    sf_init(&st, "");
    CHECK_EQ_INT(0, (long long)sf_padding(&st, &o, 3)); /* alignment 1 until '!' */
    st.align = 8;
    for (size_t pos = 0; pos < 64; pos++) {
        for (size_t size = 1; size <= 16; size *= 2) {
            o.size = size;
            size_t a = size > 8 ? 8 : size;
            size_t want = pos % a ? a - pos % a : 0;
            CHECK_EQ_INT((long long)want, (long long)sf_padding(&st, &o, pos));
        }
    }
    o.opt = 'c';
    o.size = 8;
    CHECK_EQ_INT(0, (long long)sf_padding(&st, &o, 3));
}

static void test_ints(void) {
    uint8_t buf[SF_MAXINTSIZE];
    for (int round = 0; round < 20000; round++) {
        size_t size = 1 + unit_rand_below(SF_MAXINTSIZE);
        int endian = (int)unit_rand_below(2);
        uint64_t v = unit_rand64() >> unit_rand_below(64);
        if (unit_rand_below(2)) v = ~v + 1; /* negatives */
        sf_put_int(buf, v, size, endian);
        /* Reference: byte k (least significant first) is v >> 8k, zero past 8. */
        int ok = 1;
        for (size_t k = 0; k < size; k++) {
            uint8_t want = k < 8 ? (uint8_t)(v >> (8 * k)) : 0;
            uint8_t got = endian == SF_LITTLE ? buf[k] : buf[size - 1 - k];
            if (want != got) ok = 0;
        }
        if (!CHECK(ok)) return;
        size_t keep = size < 8 ? size : 8;
        uint64_t mask = keep == 8 ? UINT64_MAX : ((1ULL << (8 * keep)) - 1);
        if (!CHECK_EQ_UINT(v & mask, sf_get_uint(buf, size, endian))) return;
        if (size <= 8) {
            uint64_t ext = v & mask;
            if (size < 8 && ((ext >> (8 * size - 1)) & 1)) ext |= ~mask;
            if (!CHECK_EQ_UINT(ext, (uint64_t)sf_get_int(buf, size, endian))) return;
        }
    }
}

int main(void) {
    UNIT_RUN(test_parse);
    UNIT_RUN(test_padding);
    UNIT_RUN(test_ints);
    return unit_finish();
}
