/* test_glob.c - unit tests for deps/glob (glob-style matching for KEYS,
 * SCAN MATCH, CONFIG GET and friends).
 *
 * Hand-picked cases for '*', '?', classes ([abc], [a-z], reversed ranges,
 * [^x]), escapes in and out of classes, nocase, binary bytes and high
 * bytes; then a differential check against a small recursive matcher
 * written here on random well-formed patterns; then patterns that would
 * take exponential time in a naive backtracking matcher must finish fast. */
#include <string.h>
#include <time.h>

#include "../../deps/glob/glob.h"
#include "unit.h"

static int gm(const char *pat, const char *str) {
    return glob_match(pat, strlen(pat), str, strlen(str), 0);
}

static int gm_nocase(const char *pat, const char *str) {
    return glob_match(pat, strlen(pat), str, strlen(str), 1);
}

static void test_literal(void) {
    CHECK_EQ_INT(1, gm("", ""));
    CHECK_EQ_INT(0, gm("", "a"));
    CHECK_EQ_INT(0, gm("a", ""));
    CHECK_EQ_INT(1, gm("hello", "hello"));
    CHECK_EQ_INT(0, gm("hello", "hell"));
    CHECK_EQ_INT(0, gm("hell", "hello"));
    CHECK_EQ_INT(0, gm("hello", "Hello"));
}

static void test_star_question(void) {
    CHECK_EQ_INT(1, gm("*", ""));
    CHECK_EQ_INT(1, gm("*", "anything at all"));
    CHECK_EQ_INT(1, gm("**", "x"));
    CHECK_EQ_INT(1, gm("a*", "a"));
    CHECK_EQ_INT(1, gm("a*", "abc"));
    CHECK_EQ_INT(0, gm("a*", "ba"));
    CHECK_EQ_INT(1, gm("*a", "bca"));
    CHECK_EQ_INT(0, gm("*a", "ab"));
    CHECK_EQ_INT(1, gm("a*b*c", "aXbYc"));
    CHECK_EQ_INT(1, gm("a*b*c", "abc"));
    CHECK_EQ_INT(1, gm("a*b*c", "abcbc"));
    CHECK_EQ_INT(0, gm("a*b*c", "acb"));
    CHECK_EQ_INT(1, gm("user:*:name", "user:1000:name"));
    CHECK_EQ_INT(0, gm("user:*:name", "user:1000:names"));
    CHECK_EQ_INT(1, gm("*ab", "aab"));     /* needs the star to backtrack */
    CHECK_EQ_INT(1, gm("*aab", "aaab"));
    CHECK_EQ_INT(1, gm("?", "x"));
    CHECK_EQ_INT(0, gm("?", ""));
    CHECK_EQ_INT(0, gm("?", "xy"));
    CHECK_EQ_INT(1, gm("h?llo", "hallo"));
    CHECK_EQ_INT(0, gm("h?llo", "hllo"));
    CHECK_EQ_INT(1, gm("??", "ab"));
    CHECK_EQ_INT(0, gm("??", "a"));
    CHECK_EQ_INT(1, gm("*?", "a"));
    CHECK_EQ_INT(0, gm("*?", ""));
    CHECK_EQ_INT(1, gm("?*?", "ab"));
    CHECK_EQ_INT(0, gm("?*?", "a"));
}

static void test_classes(void) {
    CHECK_EQ_INT(1, gm("[abc]", "a"));
    CHECK_EQ_INT(1, gm("[abc]", "c"));
    CHECK_EQ_INT(0, gm("[abc]", "d"));
    CHECK_EQ_INT(0, gm("[abc]", ""));
    CHECK_EQ_INT(0, gm("[abc]", "ab"));
    CHECK_EQ_INT(1, gm("h[ae]llo", "hello"));
    CHECK_EQ_INT(0, gm("h[ae]llo", "hillo"));
    CHECK_EQ_INT(1, gm("[a-z]", "m"));
    CHECK_EQ_INT(1, gm("[a-z]", "a"));
    CHECK_EQ_INT(1, gm("[a-z]", "z"));
    CHECK_EQ_INT(0, gm("[a-z]", "A"));
    CHECK_EQ_INT(0, gm("[a-z]", "{"));
    CHECK_EQ_INT(1, gm("[z-a]", "m"));    /* reversed range still works */
    CHECK_EQ_INT(1, gm("[0-9a-f]", "7"));
    CHECK_EQ_INT(1, gm("[0-9a-f]", "e"));
    CHECK_EQ_INT(0, gm("[0-9a-f]", "g"));
    CHECK_EQ_INT(1, gm("[^x]", "y"));
    CHECK_EQ_INT(0, gm("[^x]", "x"));
    CHECK_EQ_INT(0, gm("[^x]", ""));
    CHECK_EQ_INT(1, gm("[^a-c]", "d"));
    CHECK_EQ_INT(0, gm("[^a-c]", "b"));
    CHECK_EQ_INT(0, gm("[]", "a"));       /* empty class matches nothing */
    CHECK_EQ_INT(1, gm("k[0-9][0-9]", "k42"));
    CHECK_EQ_INT(0, gm("k[0-9][0-9]", "k4x"));
    CHECK_EQ_INT(1, gm("*[0-9]", "abc5"));
    CHECK_EQ_INT(0, gm("*[0-9]", "abc"));
    CHECK_EQ_INT(1, gm("[a]*[b]", "a--b"));
    /* An unterminated class runs to the end of the pattern. */
    CHECK_EQ_INT(1, gm("[abc", "b"));
    CHECK_EQ_INT(0, gm("[abc", "d"));
}

static void test_escapes(void) {
    CHECK_EQ_INT(1, gm("\\*", "*"));
    CHECK_EQ_INT(0, gm("\\*", "a"));
    CHECK_EQ_INT(0, gm("\\*", ""));
    CHECK_EQ_INT(1, gm("\\?", "?"));
    CHECK_EQ_INT(0, gm("\\?", "x"));
    CHECK_EQ_INT(1, gm("a\\[b", "a[b"));
    CHECK_EQ_INT(1, gm("\\\\", "\\"));
    CHECK_EQ_INT(1, gm("\\a", "a"));      /* escaping an ordinary char */
    CHECK_EQ_INT(1, gm("a\\", "a\\"));    /* trailing backslash is literal */
    CHECK_EQ_INT(1, gm("*\\*", "abc*"));
    CHECK_EQ_INT(0, gm("*\\*", "abc"));
    CHECK_EQ_INT(1, gm("[\\]]", "]"));     /* escaped ']' inside a class */
    CHECK_EQ_INT(0, gm("[\\]]", "\\"));
    CHECK_EQ_INT(1, gm("[\\-]", "-"));
    CHECK_EQ_INT(1, gm("[a\\-z]", "-"));
    CHECK_EQ_INT(0, gm("[a\\-z]", "m"));    /* not a range once escaped */
    CHECK_EQ_INT(1, gm("[\\^]", "^"));
}

static void test_nocase(void) {
    CHECK_EQ_INT(1, gm_nocase("HeLLo", "hello"));
    CHECK_EQ_INT(0, gm("HeLLo", "hello"));
    CHECK_EQ_INT(1, gm_nocase("h*O", "HELLO"));
    CHECK_EQ_INT(1, gm_nocase("[A-Z]", "q"));
    CHECK_EQ_INT(1, gm_nocase("[a-z]", "Q"));
    CHECK_EQ_INT(0, gm("[A-Z]", "q"));
    CHECK_EQ_INT(1, gm_nocase("[ABC]", "b"));
    CHECK_EQ_INT(0, gm_nocase("[^A]", "a"));
    CHECK_EQ_INT(1, gm_nocase("\\A", "a"));
    CHECK_EQ_INT(0, gm_nocase("a", "b"));
    CHECK_EQ_INT(0, gm_nocase("[", "a"));
}

static void test_binary(void) {
    CHECK_EQ_INT(1, glob_match("a\0*", 3, "a\0bc", 4, 0));
    CHECK_EQ_INT(0, glob_match("a\0*", 3, "abc", 3, 0));
    CHECK_EQ_INT(1, glob_match("a?c", 3, "a\0c", 3, 0));
    CHECK_EQ_INT(1, glob_match("*", 1, "\0\0\0", 3, 0));
    CHECK_EQ_INT(0, glob_match("a", 1, "a\0", 2, 0)); /* the NUL counts */
    CHECK_EQ_INT(1, glob_match("[\x80-\xff]", 5, "\xc3", 1, 0));
    CHECK_EQ_INT(0, glob_match("[\x80-\xff]", 5, "\x7f", 1, 0));
    CHECK_EQ_INT(1, glob_match("\xe9t\xe9", 3, "\xe9t\xe9", 3, 1));
    /* nocase folds ASCII only: 0xc9 and 0xe9 stay different. */
    CHECK_EQ_INT(0, glob_match("\xc9", 1, "\xe9", 1, 1));
    /* Lengths are honoured: nothing past them is read. */
    CHECK_EQ_INT(1, glob_match("abXX", 2, "abYY", 2, 0));
}

/* ----------------------------------------------- reference comparison */

/* A plain recursive matcher for the well-formed subset generated below:
 * literals, '*', '?', "[..]" classes of literals and ranges with optional
 * '^', and "\\x" escapes outside classes. */
static int ref_class(const char *p, size_t plen, unsigned char c, size_t *used) {
    size_t i = 1; /* after '[' */
    int neg = 0, hit = 0;
    if (i < plen && p[i] == '^') {
        neg = 1;
        i++;
    }
    while (p[i] != ']') {
        if (p[i + 1] == '-' && p[i + 2] != ']') {
            if (c >= (unsigned char)p[i] && c <= (unsigned char)p[i + 2]) hit = 1;
            i += 3;
        } else {
            if (c == (unsigned char)p[i]) hit = 1;
            i++;
        }
    }
    *used = i + 1;
    return neg ? !hit : hit;
}

static int ref_match(const char *p, size_t plen, const char *s, size_t slen) {
    if (plen == 0) return slen == 0;
    if (p[0] == '*') {
        for (size_t k = 0; k <= slen; k++)
            if (ref_match(p + 1, plen - 1, s + k, slen - k)) return 1;
        return 0;
    }
    if (slen == 0) return 0;
    if (p[0] == '?') return ref_match(p + 1, plen - 1, s + 1, slen - 1);
    if (p[0] == '[') {
        size_t used;
        if (!ref_class(p, plen, (unsigned char)s[0], &used)) return 0;
        return ref_match(p + used, plen - used, s + 1, slen - 1);
    }
    if (p[0] == '\\') return p[1] == s[0] && ref_match(p + 2, plen - 2, s + 1, slen - 1);
    return p[0] == s[0] && ref_match(p + 1, plen - 1, s + 1, slen - 1);
}

static size_t gen_pattern(char *out) {
    size_t n = 0;
    int parts = 1 + (int)unit_rand_below(6);
    for (int i = 0; i < parts; i++) {
        switch (unit_rand_below(8)) {
        case 0:
        case 1: out[n++] = '*'; break;
        case 2: out[n++] = '?'; break;
        case 3:
            out[n++] = '[';
            if (unit_rand_below(3) == 0) out[n++] = '^';
            if (unit_rand_below(2)) {
                out[n++] = 'a';
                out[n++] = '-';
                out[n++] = 'b';
            } else {
                out[n++] = (char)('a' + unit_rand_below(3));
                if (unit_rand_below(2)) out[n++] = (char)('a' + unit_rand_below(3));
            }
            out[n++] = ']';
            break;
        case 4: out[n++] = '\\'; out[n++] = unit_rand_below(2) ? '*' : 'a'; break;
        default: out[n++] = (char)('a' + unit_rand_below(3)); break;
        }
    }
    out[n] = '\0';
    return n;
}

static void test_against_reference(void) {
    unit_srand(99);
    int disagree = 0;
    for (int i = 0; i < 100000; i++) {
        char pat[64], str[16];
        size_t plen = gen_pattern(pat);
        size_t slen = (size_t)unit_rand_below(9);
        for (size_t k = 0; k < slen; k++) {
            uint64_t r = unit_rand_below(10);
            str[k] = r < 8 ? (char)('a' + r % 3) : (r == 8 ? '*' : 'd');
        }
        str[slen] = '\0';
        int want = ref_match(pat, plen, str, slen);
        int got = glob_match(pat, plen, str, slen, 0);
        if (want != got && disagree++ < 5)
            printf("    pattern \"%s\" string \"%s\": expected %d got %d\n", pat, str, want, got);
    }
    CHECK_EQ_INT(0, disagree);
}

/* ---------------------------------------------------------- hostile input */

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_pathological(void) {
    static char str[20000];
    memset(str, 'a', sizeof(str));
    const char *pats[] = {
        "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
        "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
        "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b",
        "*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[^a]",
    };
    double start = seconds();
    int wrong = 0;
    for (size_t k = 0; k < sizeof(pats) / sizeof(pats[0]); k++) {
        if (glob_match(pats[k], strlen(pats[k]), str, sizeof(str), 0) != 0) wrong++;
        if (glob_match(pats[k], strlen(pats[k]), str, sizeof(str), 1) != 0) wrong++;
    }
    /* Many stars in a row and a long pattern of stars. */
    static char stars[5000];
    memset(stars, '*', sizeof(stars));
    if (glob_match(stars, sizeof(stars), str, sizeof(str), 0) != 1) wrong++;
    stars[sizeof(stars) - 1] = 'b';
    if (glob_match(stars, sizeof(stars), str, sizeof(str), 0) != 0) wrong++;
    double elapsed = seconds() - start;
    CHECK_EQ_INT(0, wrong);
    if (!CHECK(elapsed < 0.5)) printf("    took %.3f s\n", elapsed);
    /* A match at the very end still found. */
    str[sizeof(str) - 1] = 'b';
    CHECK_EQ_INT(1, glob_match(pats[0], strlen(pats[0]), str, sizeof(str), 0));
    CHECK_EQ_INT(1, glob_match(pats[2], strlen(pats[2]), str, sizeof(str), 0));
}

int main(void) {
    UNIT_RUN(test_literal);
    UNIT_RUN(test_star_question);
    UNIT_RUN(test_classes);
    UNIT_RUN(test_escapes);
    UNIT_RUN(test_nocase);
    UNIT_RUN(test_binary);
    UNIT_RUN(test_against_reference);
    UNIT_RUN(test_pathological);
    return unit_finish();
}
