/* test_glob.c - unit tests for deps/glob (glob-style matching for KEYS,
 * SCAN MATCH, CONFIG GET and friends, with Valkey's rules).
 *
 * Hand-picked cases for '*', '?', classes ([abc], [a-z], reversed ranges,
 * [^x]), escapes in and out of classes, nocase, binary bytes and high
 * bytes; Valkey's corner cases ("[a-]", "[]", "[^", the empty string, an
 * escaped byte under nocase, ranges folded after ordering); the star-run
 * depth limit past which Valkey's matcher gives up; then comparisons with
 * a dynamic-programming matcher written here, over random patterns (a
 * soup of metacharacters, well-formed elements, and patterns around the
 * depth limit); then hostile patterns, whose work is bounded by counting
 * the elements the matcher examines (no clock). */
#include <stdint.h>
#include <string.h>

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
    CHECK_EQ_INT(1, gm("*", "x"));
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
    CHECK_EQ_INT(0, gm("[]", "]"));
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

/* ------------------------------------------------ Valkey's corner cases */

static void test_valkey_classes(void) {
    /* "[a-]": the ']' ends the range (']'..'a', 0x5d..0x61), so the class
     * is unterminated and runs on to the end of the pattern. */
    CHECK_EQ_INT(1, gm("[a-]", "a"));
    CHECK_EQ_INT(1, gm("[a-]", "]"));
    CHECK_EQ_INT(1, gm("[a-]", "_"));
    CHECK_EQ_INT(1, gm("[a-]", "^"));
    CHECK_EQ_INT(0, gm("[a-]", "-"));
    CHECK_EQ_INT(0, gm("[a-]", "b"));
    CHECK_EQ_INT(0, gm("[a-]", "a]"));
    CHECK_EQ_INT(1, gm("[a-]x", "x"));     /* 'x' is inside the class */
    CHECK_EQ_INT(0, gm("[a-]x", "ax"));
    CHECK_EQ_INT(1, gm("[a-]]", "`"));     /* the second ']' closes it */
    CHECK_EQ_INT(0, gm("[a-]]", "a]"));
    CHECK_EQ_INT(1, gm("k[0-]*", "k5"));   /* '0'..']' covers '5' */
    CHECK_EQ_INT(1, gm("k[0-]*", "k*"));   /* ...and the '*' is in the class */
    CHECK_EQ_INT(0, gm("k[0-]*", "k5x"));
    /* A '-' with nothing after it is a literal. */
    CHECK_EQ_INT(1, gm("x[a-", "x-"));
    CHECK_EQ_INT(1, gm("x[a-", "xa"));
    CHECK_EQ_INT(0, gm("x[a-", "xb"));
    CHECK_EQ_INT(1, gm("[-a]", "-"));
    /* An escape as a range end is taken as is: '\\'..'a'. */
    CHECK_EQ_INT(1, gm("[a-\\]", "_"));
    CHECK_EQ_INT(0, gm("[a-\\]", "b"));
    /* "[]" is an empty class: "[]a]" never matches; "[^]" matches anything. */
    CHECK_EQ_INT(0, gm("[]a]", "a"));
    CHECK_EQ_INT(0, gm("[]a]", "]"));
    CHECK_EQ_INT(0, gm("[]a]", "a]"));
    CHECK_EQ_INT(1, gm("[^]", "x"));
    CHECK_EQ_INT(1, gm("[^]", "]"));
    CHECK_EQ_INT(1, gm("[^]a]", "ba]"));
    /* "[" alone matches nothing, "[^" any one byte, "[\\" a backslash. */
    CHECK_EQ_INT(0, gm("[", "["));
    CHECK_EQ_INT(0, gm("[", "a"));
    CHECK_EQ_INT(1, gm("[^", "a"));
    CHECK_EQ_INT(0, gm("[^", "ab"));
    CHECK_EQ_INT(1, gm("[\\", "\\"));
    CHECK_EQ_INT(0, gm("[\\", "a"));
    /* '!' does not negate, '^' only in first place, '*' and '?' are literal. */
    CHECK_EQ_INT(1, gm("[!a]", "!"));
    CHECK_EQ_INT(1, gm("[!a]", "a"));
    CHECK_EQ_INT(0, gm("[!a]", "b"));
    CHECK_EQ_INT(1, gm("[a^]", "^"));
    CHECK_EQ_INT(0, gm("[a^]", "b"));
    CHECK_EQ_INT(1, gm("[*?]", "*"));
    CHECK_EQ_INT(0, gm("[*?]", "x"));
}

static void test_valkey_nocase(void) {
    /* An escaped byte inside brackets compares exactly, even under nocase. */
    CHECK_EQ_INT(1, gm_nocase("[\\A]", "A"));
    CHECK_EQ_INT(0, gm_nocase("[\\A]", "a"));
    CHECK_EQ_INT(0, gm_nocase("[x\\b]", "B"));
    CHECK_EQ_INT(1, gm_nocase("[A]", "a"));
    /* A range is put in order on the raw bytes, then folded. */
    CHECK_EQ_INT(1, gm("[Z-a]", "_"));           /* 'Z'..'a' */
    CHECK_EQ_INT(0, gm_nocase("[Z-a]", "_"));    /* 'z'..'a': empty */
    CHECK_EQ_INT(0, gm_nocase("[Z-a]", "m"));
    CHECK_EQ_INT(0, gm_nocase("[a-Z]", "a"));
    CHECK_EQ_INT(1, gm_nocase("[A-z]", "M"));
    CHECK_EQ_INT(0, gm_nocase("[A-z]", "_"));    /* 'a'..'z' once folded */
    CHECK_EQ_INT(1, gm("[A-z]", "_"));
    CHECK_EQ_INT(1, gm_nocase("[^A-C]", "d"));
    CHECK_EQ_INT(0, gm_nocase("[^A-C]", "b"));
}

static void test_empty_string(void) {
    /* Valkey's matcher never starts on an empty string: only "" matches. */
    CHECK_EQ_INT(1, gm("", ""));
    CHECK_EQ_INT(0, gm("*", ""));
    CHECK_EQ_INT(0, gm("**", ""));
    CHECK_EQ_INT(0, gm("***", ""));
    CHECK_EQ_INT(0, gm_nocase("**", ""));
    CHECK_EQ_INT(0, gm("[^", ""));
    /* Once a non-empty string is used up, trailing stars are fine. */
    CHECK_EQ_INT(1, gm("a**", "a"));
    CHECK_EQ_INT(1, gm("**a**", "a"));
    CHECK_EQ_INT(1, gm("?*", "a"));
    CHECK_EQ_INT(0, gm("a*?", "a"));
}

/* ------------------------------------------------------ star-run depth */

static char big_pat[200000];
static char big_str[60000];

/* Writes unit repeated times followed by tail into big_pat; returns the length. */
static size_t repeat_pattern(const char *unit, size_t times, const char *tail) {
    size_t n = 0, ul = strlen(unit), tl = strlen(tail);
    for (size_t i = 0; i < times; i++, n += ul) memcpy(big_pat + n, unit, ul);
    memcpy(big_pat + n, tail, tl);
    return n + tl;
}

static int deep(const char *unit, size_t times, const char *tail, char fill, size_t slen) {
    size_t plen = repeat_pattern(unit, times, tail);
    memset(big_str, fill, slen);
    return glob_match(big_pat, plen, big_str, slen, 0);
}

static void test_depth_limit(void) {
    /* The case from the issue: 50,000 runs of "*?" against 50,000 bytes.
     * Plain glob says yes; Valkey stops at its depth limit and says no. */
    CHECK_EQ_INT(0, deep("*?", 50000, "", 'a', 50000));
    CHECK_EQ_INT(0, deep("*?", 50000, "", 'a', 1));
    /* Up to 1000 star runs behave as plain glob. */
    CHECK_EQ_INT(1, deep("*?", 1000, "", 'a', 50000));
    CHECK_EQ_INT(1, deep("*?", 1000, "", 'a', 1000));
    CHECK_EQ_INT(0, deep("*?", 1000, "", 'a', 999));
    CHECK_EQ_INT(1, deep("*a", 1000, "", 'a', 1000));
    CHECK_EQ_INT(0, deep("*a", 1000, "", 'b', 1000));
    /* Run 1001 matches only when it ends the pattern. */
    CHECK_EQ_INT(0, deep("*?", 1001, "", 'a', 50000));
    CHECK_EQ_INT(1, deep("*?", 1000, "*", 'a', 50000));
    CHECK_EQ_INT(1, deep("*?", 1000, "***", 'a', 1000));
    CHECK_EQ_INT(0, deep("*?", 1000, "*?", 'a', 50000));
    CHECK_EQ_INT(1, deep("?*", 1001, "", 'a', 1001));
    CHECK_EQ_INT(0, deep("?*", 1001, "", 'a', 1000));  /* too short anyway */
    CHECK_EQ_INT(0, deep("?*", 1002, "", 'a', 50000));
    CHECK_EQ_INT(1, deep("**a", 1000, "**", 'a', 1000)); /* a run of stars counts once */
    CHECK_EQ_INT(0, deep("**a", 1001, "", 'a', 1001));
    /* Stars in brackets or escaped are not runs. */
    CHECK_EQ_INT(1, deep("[*]", 3000, "", '*', 3000));
    CHECK_EQ_INT(1, deep("\\*", 3000, "", '*', 3000));
    CHECK_EQ_INT(1, deep("*[*]", 1000, "*", '*', 3000));
    CHECK_EQ_INT(0, deep("*[*]", 1001, "", '*', 3000));
    /* One long run is one run. */
    CHECK_EQ_INT(1, deep("*", 100000, "", 'a', 50000));
    CHECK_EQ_INT(0, deep("*", 100000, "b", 'a', 50000));
    CHECK_EQ_INT(1, deep("*", 100000, "a", 'a', 50000));
}

/* ------------------------------------------------ reference comparison */

/* The reference reads the pattern into tokens, each a star run or the set
 * of the 256 bytes it accepts (found by trying every byte against the
 * rules in glob.h), then decides with a dynamic-programming table over
 * (token, string position). It shares no code with the matcher. */
typedef struct RefTok {
    int star;
    uint8_t set[32];
} RefTok;

static unsigned ref_fold(unsigned c, int nocase) {
    return (nocase && c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static void ref_add(RefTok *t, unsigned c) {
    t->set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int ref_has(const RefTok *t, unsigned c) {
    return (t->set[c >> 3] >> (c & 7)) & 1;
}

static void ref_add_equal(RefTok *t, unsigned b, int nocase) {
    for (unsigned c = 0; c < 256; c++)
        if (ref_fold(c, nocase) == ref_fold(b, nocase)) ref_add(t, c);
}

static void ref_add_range(RefTok *t, unsigned lo, unsigned hi, int nocase) {
    if (lo > hi) {
        unsigned x = lo;
        lo = hi;
        hi = x;
    }
    lo = ref_fold(lo, nocase);
    hi = ref_fold(hi, nocase);
    for (unsigned c = 0; c < 256; c++) {
        unsigned f = ref_fold(c, nocase);
        if (f >= lo && f <= hi) ref_add(t, c);
    }
}

/* Returns the index past the class opened at p[i] and fills t. */
static size_t ref_class(const unsigned char *p, size_t n, size_t i, int nocase, RefTok *t) {
    i++;
    int neg = i < n && p[i] == '^';
    if (neg) i++;
    while (i < n) {
        if (p[i] == '\\' && i + 1 < n) {
            ref_add(t, p[i + 1]);
            i += 2;
        } else if (p[i] == ']') {
            i++;
            break;
        } else if (i + 2 < n && p[i + 1] == '-') {
            ref_add_range(t, p[i], p[i + 2], nocase);
            i += 3;
        } else {
            ref_add_equal(t, p[i], nocase);
            i++;
        }
    }
    if (neg)
        for (int j = 0; j < 32; j++) t->set[j] ^= 0xff;
    return i;
}

static size_t ref_tokenize(const unsigned char *p, size_t n, int nocase, RefTok *out) {
    size_t k = 0, i = 0;
    while (i < n) {
        RefTok *t = &out[k++];
        memset(t, 0, sizeof(*t));
        if (p[i] == '*') {
            t->star = 1;
            while (i < n && p[i] == '*') i++;
        } else if (p[i] == '?') {
            memset(t->set, 0xff, sizeof(t->set));
            i++;
        } else if (p[i] == '[') {
            i = ref_class(p, n, i, nocase, t);
        } else if (p[i] == '\\' && i + 1 < n) {
            ref_add_equal(t, p[i + 1], nocase);
            i += 2;
        } else {
            ref_add_equal(t, p[i], nocase);
            i++;
        }
    }
    return k;
}

#define REF_MAX_TOK 2100
#define REF_MAX_STR 1400

static RefTok ref_toks[REF_MAX_TOK];
static unsigned char ref_can[2][REF_MAX_STR + 1];

static int ref_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    if (slen == 0) return plen == 0;
    size_t k = ref_tokenize((const unsigned char *)pat, plen, nocase, ref_toks);
    size_t runs = 0;
    for (size_t i = 0; i < k; i++) runs += (size_t)ref_toks[i].star;
    if (runs > 1001 || (runs == 1001 && !ref_toks[k - 1].star)) return 0;
    /* Rows by token from the end: row i says, for each j, whether tokens
     * i.. match str[j..]. Two rows are enough. */
    unsigned char *next = ref_can[0], *cur = ref_can[1];
    for (size_t j = 0; j <= slen; j++) next[j] = j == slen;
    for (size_t i = k; i-- > 0;) {
        const RefTok *t = &ref_toks[i];
        cur[slen] = t->star ? next[slen] : 0;
        for (size_t j = slen; j-- > 0;) {
            if (t->star) cur[j] = next[j] || cur[j + 1];
            else cur[j] = ref_has(t, (unsigned char)str[j]) && next[j + 1];
        }
        unsigned char *x = next;
        next = cur;
        cur = x;
    }
    return next[0];
}

static void show(const char *label, const char *p, size_t n) {
    printf("    %s \"", label);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 32 && c < 127 && c != '"' && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
    printf("\"");
}

static int compare_one(const char *pat, size_t plen, const char *str, size_t slen, int nocase,
                       int *disagree, long *matches) {
    int want = ref_match(pat, plen, str, slen, nocase);
    uint64_t steps = 0;
    int got = glob_match_counted(pat, plen, str, slen, nocase, &steps);
    *matches += want;
    /* The promised bound on the work: every step advances the pattern or
     * the string, and the string restarts at most once per byte. */
    int ok = got == want && steps <= (uint64_t)(plen + 1) * (slen + 1) + plen + 1;
    if (!ok && (*disagree)++ < 5) {
        show("pattern", pat, plen);
        show(" string", str, slen);
        printf(" nocase %d: expected %d got %d in %llu steps\n", nocase, want, got,
               (unsigned long long)steps);
    }
    return ok;
}

/* Random soup of metacharacters and a few letters, as a hostile user types. */
static void test_reference_soup(void) {
    static const char pat_alpha[] = "ab*?[]^-\\!AZ_";
    static const char str_alpha[] = "abAB]-^_\\*![z";
    unit_srand(7);
    int disagree = 0;
    long matches = 0;
    const long rounds = 300000;
    for (long r = 0; r < rounds; r++) {
        char pat[24], str[12];
        size_t plen = (size_t)unit_rand_below(sizeof(pat));
        size_t slen = (size_t)unit_rand_below(sizeof(str));
        for (size_t i = 0; i < plen; i++)
            pat[i] = unit_rand_below(16) ? pat_alpha[unit_rand_below(sizeof(pat_alpha) - 1)]
                                        : (char)unit_rand_below(256);
        for (size_t i = 0; i < slen; i++)
            str[i] = unit_rand_below(16) ? str_alpha[unit_rand_below(sizeof(str_alpha) - 1)]
                                        : (char)unit_rand_below(256);
        compare_one(pat, plen, str, slen, (int)unit_rand_below(2), &disagree, &matches);
    }
    CHECK_EQ_INT(0, disagree);
    CHECK(matches > rounds / 100); /* enough matches to mean something */
}

/* Patterns built from elements, and strings that often fit them. */
static size_t gen_element(char *out) {
    static const char *const classes[] = {"[ab]", "[a-c]", "[^a]", "[a-]", "[]a]", "[^]",
                                          "[\\]]", "[A-b]", "[\\A]", "[c-a]", "[-b]", "[a\\-c]"};
    switch (unit_rand_below(9)) {
    case 0:
    case 1: out[0] = '*'; return 1;
    case 2: out[0] = '?'; return 1;
    case 3:
    case 4: {
        const char *c = classes[unit_rand_below(sizeof(classes) / sizeof(classes[0]))];
        memcpy(out, c, strlen(c));
        return strlen(c);
    }
    case 5: out[0] = '\\'; out[1] = "*a?A["[unit_rand_below(5)]; return 2;
    default: out[0] = "abcAB"[unit_rand_below(5)]; return 1;
    }
}

static void test_reference_elements(void) {
    unit_srand(99);
    int disagree = 0;
    long matches = 0;
    const long rounds = 200000;
    for (long r = 0; r < rounds; r++) {
        char pat[128], str[16];
        size_t plen = 0;
        int parts = 1 + (int)unit_rand_below(7);
        for (int i = 0; i < parts; i++) plen += gen_element(pat + plen);
        size_t slen = (size_t)unit_rand_below(10);
        for (size_t k = 0; k < slen; k++) str[k] = "abcABC]-_*"[unit_rand_below(10)];
        compare_one(pat, plen, str, slen, (int)unit_rand_below(2), &disagree, &matches);
    }
    CHECK_EQ_INT(0, disagree);
    CHECK(matches > rounds / 20);
}

/* Around the depth limit: 990 to 1010 star runs, mostly "*?", against long
 * strings, so plenty match on the near side of the limit. */
static void test_reference_deep(void) {
    unit_srand(1234);
    static char pat[REF_MAX_TOK * 8], str[REF_MAX_STR];
    int disagree = 0;
    long matches = 0;
    const long rounds = 60;
    for (long r = 0; r < rounds; r++) {
        size_t runs = 990 + (size_t)unit_rand_below(21), plen = 0;
        for (size_t i = 0; i < runs; i++) {
            pat[plen++] = '*';
            if (i + 1 == runs && unit_rand_below(2)) break; /* ends in a star */
            static const char *const some[] = {"?", "a", "[a-c]", "[^]", "[*]", "[^a]"};
            const char *e = some[unit_rand_below(32) ? 0 : 1 + unit_rand_below(5)];
            memcpy(pat + plen, e, strlen(e));
            plen += strlen(e);
        }
        size_t slen = 1000 + (size_t)unit_rand_below(REF_MAX_STR - 1000);
        for (size_t k = 0; k < slen; k++) str[k] = "abc*]"[unit_rand_below(5)];
        compare_one(pat, plen, str, slen, (int)unit_rand_below(2), &disagree, &matches);
    }
    CHECK_EQ_INT(0, disagree);
    CHECK(matches > 5);
    CHECK(matches < rounds - 5);
}

/* ---------------------------------------------------------- hostile input */

/* Patterns a naive backtracking matcher takes exponential time on. The
 * bound is on counted steps, so a slow machine cannot fail it and a
 * regression to exponential work cannot pass it. */
static void test_pathological(void) {
    static char str[20000];
    memset(str, 'a', sizeof(str));
    const char *pats[] = {
        "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
        "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
        "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b",
        "*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[^a]",
        "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
    };
    for (size_t k = 0; k < sizeof(pats) / sizeof(pats[0]); k++) {
        size_t plen = strlen(pats[k]);
        for (int nocase = 0; nocase <= 1; nocase++) {
            uint64_t steps = 0;
            CHECK_EQ_INT(0, glob_match_counted(pats[k], plen, str, sizeof(str), nocase, &steps));
            if (!CHECK(steps <= (uint64_t)(plen + 1) * (sizeof(str) + 1)))
                printf("    pattern %zu: %llu steps\n", k, (unsigned long long)steps);
        }
    }
    /* A match at the very end is still found. */
    str[sizeof(str) - 1] = 'b';
    CHECK_EQ_INT(1, glob_match(pats[0], strlen(pats[0]), str, sizeof(str), 0));
    CHECK_EQ_INT(1, glob_match(pats[2], strlen(pats[2]), str, sizeof(str), 0));
    CHECK_EQ_INT(1, glob_match(pats[4], strlen(pats[4]), str + sizeof(str) - 60, 60, 1));

    /* The case is refused in one pass over the pattern: far fewer
     * steps than pattern bytes. */
    size_t plen = repeat_pattern("*?", 50000, "");
    memset(big_str, 'a', 50000);
    uint64_t steps = 0;
    CHECK_EQ_INT(0, glob_match_counted(big_pat, plen, big_str, 50000, 0, &steps));
    if (!CHECK(steps < plen)) printf("    %llu steps\n", (unsigned long long)steps);
    /* Just inside the limit it is a real search, still within the bound. */
    plen = repeat_pattern("*?", 1000, "b");
    steps = 0;
    CHECK_EQ_INT(0, glob_match_counted(big_pat, plen, big_str, 50000, 0, &steps));
    CHECK(steps <= (uint64_t)(plen + 1) * 50001);
}

int main(void) {
    UNIT_RUN(test_literal);
    UNIT_RUN(test_star_question);
    UNIT_RUN(test_classes);
    UNIT_RUN(test_escapes);
    UNIT_RUN(test_nocase);
    UNIT_RUN(test_binary);
    UNIT_RUN(test_valkey_classes);
    UNIT_RUN(test_valkey_nocase);
    UNIT_RUN(test_empty_string);
    UNIT_RUN(test_depth_limit);
    UNIT_RUN(test_reference_soup);
    UNIT_RUN(test_reference_elements);
    UNIT_RUN(test_reference_deep);
    UNIT_RUN(test_pathological);
    return unit_finish();
}
