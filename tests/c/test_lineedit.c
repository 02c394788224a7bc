/* test_lineedit.c - unit tests for the pure half of deps/lineedit: the
 * edit buffer operations behind each control key, history (limits,
 * duplicates, the file round trip), completion lists and the rendering
 * of one refresh (scrolling, hints, cursor placement), and the allocator
 * hooks: with a program's own allocator installed, every block the
 * library makes comes from it and goes back to it.  No tty needed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../deps/lineedit/lineedit.h"
#include "unit.h"

static void set_at(LeBuf *b, const char *s, size_t pos) {
    le_buf_set(b, s);
    b->pos = pos;
}

static void test_insert_and_move(void) {
    LeBuf b;
    le_buf_init(&b);
    le_buf_insert(&b, "hllo", 4);
    CHECK_EQ_INT(4, (long long)b.pos);
    le_buf_home(&b);
    CHECK(le_buf_right(&b));
    le_buf_insert(&b, "e", 1);
    CHECK_STR("hello", b.buf);
    CHECK_EQ_INT(2, (long long)b.pos);
    le_buf_end(&b);
    CHECK(!le_buf_right(&b));
    CHECK_EQ_INT(5, (long long)b.pos);
    le_buf_home(&b);
    CHECK(!le_buf_left(&b));
    /* Growing past the first allocation keeps the contents. */
    le_buf_end(&b);
    for (int i = 0; i < 200; i++) le_buf_insert(&b, "x", 1);
    CHECK_EQ_INT(205, (long long)b.len);
    CHECK(b.buf[205] == '\0');
    CHECK(memcmp(b.buf, "hellox", 6) == 0);
    le_buf_free(&b);
}

static void test_delete_keys(void) {
    LeBuf b;
    le_buf_init(&b);
    set_at(&b, "abc", 0);
    CHECK(!le_buf_backspace(&b));
    CHECK(le_buf_delete(&b));
    CHECK_STR("bc", b.buf);
    set_at(&b, "abc", 3);
    CHECK(!le_buf_delete(&b));
    CHECK(le_buf_backspace(&b));
    CHECK_STR("ab", b.buf);
    CHECK_EQ_INT(2, (long long)b.pos);
    /* ctrl-k, ctrl-u */
    set_at(&b, "set key value", 7);
    CHECK(le_buf_kill_to_end(&b));
    CHECK_STR("set key", b.buf);
    CHECK(!le_buf_kill_to_end(&b));
    set_at(&b, "set key value", 4);
    CHECK(le_buf_kill_to_start(&b));
    CHECK_STR("key value", b.buf);
    CHECK_EQ_INT(0, (long long)b.pos);
    CHECK(!le_buf_kill_to_start(&b));
    le_buf_free(&b);
}

static void test_delete_word(void) {
    LeBuf b;
    le_buf_init(&b);
    set_at(&b, "set key value", 13);
    CHECK(le_buf_delete_prev_word(&b));
    CHECK_STR("set key ", b.buf);
    CHECK(le_buf_delete_prev_word(&b));
    CHECK_STR("set ", b.buf);
    /* Spaces before the cursor go with the word before them. */
    set_at(&b, "get   k", 6);
    CHECK(le_buf_delete_prev_word(&b));
    CHECK_STR("k", b.buf);
    CHECK_EQ_INT(0, (long long)b.pos);
    CHECK(!le_buf_delete_prev_word(&b));
    /* Mid-line: the text after the cursor stays. */
    set_at(&b, "one two three", 7);
    CHECK(le_buf_delete_prev_word(&b));
    CHECK_STR("one  three", b.buf);
    CHECK_EQ_INT(4, (long long)b.pos);
    le_buf_free(&b);
}

static void test_transpose(void) {
    LeBuf b;
    le_buf_init(&b);
    set_at(&b, "ab", 1);
    CHECK(le_buf_transpose(&b));
    CHECK_STR("ba", b.buf);
    CHECK_EQ_INT(2, (long long)b.pos);
    CHECK(le_buf_transpose(&b)); /* at the end: the last two */
    CHECK_STR("ab", b.buf);
    set_at(&b, "ab", 0);
    CHECK(!le_buf_transpose(&b));
    set_at(&b, "a", 1);
    CHECK(!le_buf_transpose(&b));
    le_buf_free(&b);
}

static void test_history(void) {
    LeHistory h;
    le_history_init(&h, 3);
    CHECK(le_history_add(&h, "a"));
    CHECK(!le_history_add(&h, "a")); /* same as the last: kept once */
    CHECK(le_history_add(&h, "b"));
    CHECK(le_history_add(&h, "a"));
    CHECK(le_history_add(&h, "c")); /* over the limit: the oldest goes */
    CHECK_EQ_INT(3, h.len);
    CHECK_STR("b", h.items[0]);
    CHECK_STR("c", h.items[2]);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/test_lineedit_%d.hist", (int)getpid());
    CHECK_EQ_INT(0, le_history_save(&h, path));
    LeHistory h2;
    le_history_init(&h2, 10);
    CHECK_EQ_INT(0, le_history_load(&h2, path));
    CHECK_EQ_INT(3, h2.len);
    CHECK_STR("b", h2.items[0]);
    CHECK_STR("a", h2.items[1]);
    CHECK_STR("c", h2.items[2]);
    unlink(path);
    CHECK_EQ_INT(-1, le_history_load(&h2, path));
    CHECK_EQ_INT(-1, le_history_save(&h2, "/nonexistent-dir/x/hist"));
    le_history_free(&h);
    le_history_free(&h2);
}

static void test_completions(void) {
    LeCompletions lc = {0};
    le_add_completion(&lc, "GET");
    le_add_completion(&lc, "GETDEL");
    CHECK_EQ_INT(2, (long long)lc.len);
    CHECK_STR("GETDEL", lc.items[1]);
    le_completions_free(&lc);
    CHECK_EQ_INT(0, (long long)lc.len);
}

static void test_render(void) {
    LeBuf b;
    le_buf_init(&b);
    size_t n;
    set_at(&b, "get k", 5);
    char *out = le_render("> ", &b, 80, NULL, -1, 0, &n);
    CHECK_STR("\r> get k\033[0K\r\033[7C", out);
    CHECK_EQ_INT((long long)strlen(out), (long long)n);
    le_free(out);
    /* A hint in color after the text; the cursor stays after the text. */
    set_at(&b, "get", 3);
    out = le_render("> ", &b, 80, " key", 90, 0, &n);
    CHECK_STR("\r> get\033[0;90;49m key\033[0m\033[0K\r\033[5C", out);
    le_free(out);
    /* The hint is cut to the room left. */
    out = le_render("> ", &b, 8, " key value", 90, 0, &n);
    CHECK_STR("\r> get\033[0;90;49m ke\033[0m\033[0K\r\033[5C", out);
    le_free(out);
    /* A long line scrolls so the cursor stays visible. */
    set_at(&b, "abcdefghij", 10);
    out = le_render("> ", &b, 8, NULL, -1, 0, &n);
    CHECK_STR("\r> fghij\033[0K\r\033[7C", out);
    le_free(out);
    b.pos = 0;
    out = le_render("> ", &b, 8, NULL, -1, 0, &n);
    CHECK_STR("\r> abcdef\033[0K\r\033[2C", out);
    le_free(out);
    le_buf_free(&b);
}

/* A counting allocator with a tagged header, so a block freed here that it
 * did not make (or made by it and freed elsewhere) shows up. */
#define TEST_LE_MAGIC 0x1e5a11c5u
typedef union TestLeHdr {
    max_align_t align;
    uint32_t magic;
} TestLeHdr;
static long test_le_live, test_le_allocs, test_le_foreign;

static void *test_le_alloc(size_t size) {
    TestLeHdr *h = malloc(sizeof(TestLeHdr) + size);
    if (!h) abort();
    h->magic = TEST_LE_MAGIC;
    test_le_live++;
    test_le_allocs++;
    return h + 1;
}

static void *test_le_realloc(void *ptr, size_t size) {
    if (!ptr) return test_le_alloc(size);
    TestLeHdr *h = (TestLeHdr *)ptr - 1;
    if (h->magic != TEST_LE_MAGIC) {
        test_le_foreign++;
        return realloc(ptr, size);
    }
    h = realloc(h, sizeof(TestLeHdr) + size);
    if (!h) abort();
    return h + 1;
}

static void test_le_free(void *ptr) {
    TestLeHdr *h = (TestLeHdr *)ptr - 1;
    if (h->magic != TEST_LE_MAGIC) {
        test_le_foreign++;
        return; /* not ours: leak it rather than corrupt the heap */
    }
    h->magic = 0;
    test_le_live--;
    free(h);
}

static void test_allocator_hooks(void) {
    le_set_allocator(test_le_alloc, test_le_realloc, test_le_free);
    LeBuf b;
    le_buf_init(&b);
    for (int i = 0; i < 300; i++) le_buf_insert(&b, "y", 1); /* grows: realloc */
    size_t n;
    char *out = le_render("> ", &b, 40, " hint", 90, 1, &n);
    CHECK(test_le_live >= 2);
    le_free(out);
    le_buf_free(&b);
    LeHistory h;
    le_history_init(&h, 2);
    le_history_add(&h, "one");
    le_history_add(&h, "two");
    le_history_add(&h, "three"); /* drops "one" through the hook */
    char path[64];
    snprintf(path, sizeof(path), "/tmp/test_lineedit_hooks_%d.hist", (int)getpid());
    CHECK_EQ_INT(0, le_history_save(&h, path));
    LeHistory h2;
    le_history_init(&h2, 5);
    CHECK_EQ_INT(0, le_history_load(&h2, path));
    unlink(path);
    CHECK_EQ_INT(2, h2.len);
    LeCompletions lc = {0};
    le_add_completion(&lc, "SET");
    le_add_completion(&lc, "SETEX");
    char *dup = le_strdup("copy");
    CHECK_STR("copy", dup);
    le_free(dup);
    le_completions_free(&lc);
    le_history_free(&h);
    le_history_free(&h2);
    LeEditor e;
    le_editor_init(&e, 4);
    le_history_add(&e.history, "x");
    le_editor_free(&e);
    CHECK(test_le_allocs >= 10);
    CHECK_EQ_INT(0, test_le_live);
    CHECK_EQ_INT(0, test_le_foreign);
    /* Back to malloc: blocks no longer pass through the counting hooks. */
    le_set_allocator(NULL, NULL, NULL);
    long before = test_le_allocs;
    char *p = le_alloc(100);
    p = le_realloc(p, 5000);
    memset(p, 1, 5000);
    le_free(p);
    le_free(NULL);
    CHECK_EQ_INT(before, test_le_allocs);
}

int main(void) {
    UNIT_RUN(test_insert_and_move);
    UNIT_RUN(test_delete_keys);
    UNIT_RUN(test_delete_word);
    UNIT_RUN(test_transpose);
    UNIT_RUN(test_history);
    UNIT_RUN(test_completions);
    UNIT_RUN(test_render);
    UNIT_RUN(test_allocator_hooks);
    return unit_finish();
}
