/* test_server_cpulist.c - cpulist_parse (src/server/cpu_affinity.c), the
 * syntax of Valkey's server-cpulist, bio-cpulist, aof-rewrite-cpulist
 * and bgsave-cpulist: the documented examples, malformed lists refused,
 * and random well-formed lists (items "a", "a-b", "a-b:s", joined by
 * commas) compared with a model that expands each item on its own. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "server/cpu_affinity.h"
#include "unit.h"

static int has(const unsigned char *set, int cpu) { return (set[cpu / 8] >> (cpu % 8)) & 1; }

/* The CPUs of set as "0,2,4" (all of them, no ranges), for messages and
 * comparisons. */
static void set_text(const unsigned char *set, char *out, size_t cap) {
    size_t n = 0;
    out[0] = '\0';
    for (int c = 0; c < CPULIST_MAX_CPUS && n + 8 < cap; c++)
        if (has(set, c)) n += (size_t)snprintf(out + n, cap - n, "%s%d", n ? "," : "", c);
}

static void check_list(const char *list, const char *want) {
    unsigned char set[CPULIST_MAX_CPUS / 8];
    char got[4096];
    if (!CHECK_EQ_INT(0, cpulist_parse(list, set))) {
        printf("    list '%s' refused\n", list);
        return;
    }
    set_text(set, got, sizeof(got));
    if (!CHECK(strcmp(got, want) == 0)) printf("    list '%s': got %s, want %s\n", list, got, want);
}

static void check_refused(const char *list) {
    unsigned char set[CPULIST_MAX_CPUS / 8];
    if (!CHECK_EQ_INT(-1, cpulist_parse(list, set))) printf("    list '%s' accepted\n", list);
}

/* valkey.conf's examples and the forms around them. */
static void test_examples(void) {
    check_list("0-7:2", "0,2,4,6");
    check_list("1,3", "1,3");
    check_list("8-11", "8,9,10,11");
    check_list("1,10-11", "1,10,11");
    check_list("0", "0");
    check_list("5-5", "5");
    check_list("0-6:3", "0,3,6");
    check_list("0-7:100", "0");
    check_list("3,1,3", "1,3");
    check_list("1023", "1023");
    check_list("0-9:9", "0,9");
}

static void test_refused(void) {
    const char *bad[] = {"", ",", "1,", ",1", "a", "1-", "-1", "3-1", "1-3:", "1-3:0", "1:2", "1 ,2", " 1", "1 ",
                         "1,,2", "1-2-3", "1-3:2:1", "1024", "0-1024", "99999999999999999999", "1.5", "+1", "0x1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_refused(bad[i]);
    unsigned char set[CPULIST_MAX_CPUS / 8];
    CHECK_EQ_INT(-1, cpulist_parse(NULL, set));
}

static void test_random_model(void) {
    unit_srand(0xC9u);
    for (int round = 0; round < 20000; round++) {
        char list[512];
        unsigned char want[CPULIST_MAX_CPUS / 8];
        memset(want, 0, sizeof(want));
        size_t n = 0;
        int items = 1 + (int)unit_rand_below(6);
        for (int i = 0; i < items; i++) {
            int a = (int)unit_rand_below(CPULIST_MAX_CPUS);
            int kind = (int)unit_rand_below(3);
            int b = a + (int)unit_rand_below((uint64_t)(CPULIST_MAX_CPUS - a));
            int s = 1 + (int)unit_rand_below(20);
            if (kind == 0) {
                n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%d", i ? "," : "", a);
                want[a / 8] |= (unsigned char)(1u << (a % 8));
            } else {
                if (kind == 1) s = 1;
                n += (size_t)snprintf(list + n, sizeof(list) - n, kind == 1 ? "%s%d-%d" : "%s%d-%d:%d", i ? "," : "",
                                      a, b, s);
                for (int c = a; c <= b; c += s) want[c / 8] |= (unsigned char)(1u << (c % 8));
            }
        }
        unsigned char got[CPULIST_MAX_CPUS / 8];
        if (!CHECK_EQ_INT(0, cpulist_parse(list, got)) || !CHECK(memcmp(got, want, sizeof(got)) == 0)) {
            printf("    round %d list '%s'\n", round, list);
            break;
        }
    }
}

int main(void) {
    UNIT_RUN(test_examples);
    UNIT_RUN(test_refused);
    UNIT_RUN(test_random_model);
    return unit_finish();
}
