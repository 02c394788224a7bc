/* lineedit_buf.c - the pure half of the line editor: the edit buffer and
 * its operations, the history list and its file, completion lists, and
 * the rendering of one refresh into bytes.  Nothing here touches a
 * terminal, so all of it is unit-tested (tests/c/test_lineedit.c).
 *
 * Invariant: LeBuf keeps buf[len] == '\0' and pos <= len after every
 * operation; operations that cannot apply (backspace at column 0) leave
 * the buffer untouched and return 0. */
#include "lineedit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void le_buf_init(LeBuf *b) {
    b->cap = 64;
    b->buf = le_alloc(b->cap);
    b->buf[0] = '\0';
    b->len = b->pos = 0;
}

void le_buf_free(LeBuf *b) {
    le_free(b->buf);
    b->buf = NULL;
    b->len = b->pos = b->cap = 0;
}

static void le_buf_reserve(LeBuf *b, size_t more) {
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more + 1) cap *= 2;
    b->buf = le_realloc(b->buf, cap);
    b->cap = cap;
}

void le_buf_set(LeBuf *b, const char *s) {
    size_t n = strlen(s);
    b->len = b->pos = 0;
    le_buf_reserve(b, n);
    memcpy(b->buf, s, n);
    b->len = b->pos = n;
    b->buf[n] = '\0';
}

void le_buf_insert(LeBuf *b, const char *s, size_t n) {
    if (n == 0) return;
    le_buf_reserve(b, n);
    memmove(b->buf + b->pos + n, b->buf + b->pos, b->len - b->pos + 1);
    memcpy(b->buf + b->pos, s, n);
    b->len += n;
    b->pos += n;
}

/* Removes n bytes starting at `at` (the caller keeps at + n <= len). */
static void le_buf_cut(LeBuf *b, size_t at, size_t n) {
    memmove(b->buf + at, b->buf + at + n, b->len - at - n + 1);
    b->len -= n;
    if (b->pos > at + n) b->pos -= n;
    else if (b->pos > at) b->pos = at;
}

int le_buf_backspace(LeBuf *b) {
    if (b->pos == 0) return 0;
    le_buf_cut(b, b->pos - 1, 1);
    return 1;
}

int le_buf_delete(LeBuf *b) {
    if (b->pos >= b->len) return 0;
    le_buf_cut(b, b->pos, 1);
    return 1;
}

int le_buf_left(LeBuf *b) {
    if (b->pos == 0) return 0;
    b->pos--;
    return 1;
}

int le_buf_right(LeBuf *b) {
    if (b->pos >= b->len) return 0;
    b->pos++;
    return 1;
}

void le_buf_home(LeBuf *b) { b->pos = 0; }
void le_buf_end(LeBuf *b) { b->pos = b->len; }

int le_buf_kill_to_end(LeBuf *b) {
    if (b->pos == b->len) return 0;
    b->len = b->pos;
    b->buf[b->len] = '\0';
    return 1;
}

int le_buf_kill_to_start(LeBuf *b) {
    if (b->pos == 0) return 0;
    le_buf_cut(b, 0, b->pos);
    return 1;
}

/* Like a shell: first the spaces before the cursor, then the word. */
int le_buf_delete_prev_word(LeBuf *b) {
    size_t end = b->pos, start = b->pos;
    while (start > 0 && b->buf[start - 1] == ' ') start--;
    while (start > 0 && b->buf[start - 1] != ' ') start--;
    if (start == end) return 0;
    le_buf_cut(b, start, end - start);
    return 1;
}

/* Swaps the characters before and under the cursor; at the end of the
 * line, the last two (as emacs does). */
int le_buf_transpose(LeBuf *b) {
    if (b->pos == 0 || b->len < 2) return 0;
    size_t at = b->pos == b->len ? b->pos - 1 : b->pos;
    char t = b->buf[at - 1];
    b->buf[at - 1] = b->buf[at];
    b->buf[at] = t;
    if (b->pos < b->len) b->pos++;
    return 1;
}

/* ------------------------------------------------------------ history */

void le_history_init(LeHistory *h, int max) {
    h->items = NULL;
    h->len = 0;
    h->max = max > 0 ? max : 1;
}

void le_history_free(LeHistory *h) {
    for (int i = 0; i < h->len; i++) le_free(h->items[i]);
    le_free(h->items);
    h->items = NULL;
    h->len = 0;
}

int le_history_add(LeHistory *h, const char *line) {
    if (h->len > 0 && strcmp(h->items[h->len - 1], line) == 0) return 0;
    if (h->items == NULL) {
        h->items = le_alloc(sizeof(char *) * (size_t)h->max);
        memset(h->items, 0, sizeof(char *) * (size_t)h->max);
    }
    if (h->len == h->max) {
        le_free(h->items[0]);
        memmove(h->items, h->items + 1, sizeof(char *) * (size_t)(h->len - 1));
        h->len--;
    }
    h->items[h->len++] = le_strdup(line);
    return 1;
}

int le_history_load(LeHistory *h, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n) le_history_add(h, line);
    }
    fclose(f);
    return 0;
}

int le_history_save(const LeHistory *h, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int i = 0; i < h->len; i++) fprintf(f, "%s\n", h->items[i]);
    int err = ferror(f);
    if (fclose(f) != 0 || err) return -1;
    return 0;
}

/* -------------------------------------------------------- completions */

void le_add_completion(LeCompletions *lc, const char *s) {
    lc->items = le_realloc(lc->items, sizeof(char *) * (lc->len + 1));
    lc->items[lc->len++] = le_strdup(s);
}

void le_completions_free(LeCompletions *lc) {
    for (size_t i = 0; i < lc->len; i++) le_free(lc->items[i]);
    le_free(lc->items);
    lc->items = NULL;
    lc->len = 0;
}

/* ---------------------------------------------------------- rendering */

typedef struct {
    char *p;
    size_t len, cap;
} LeOut;

static void out_add(LeOut *o, const char *s, size_t n) {
    if (o->len + n + 1 > o->cap) {
        while (o->len + n + 1 > o->cap) o->cap = o->cap ? o->cap * 2 : 128;
        o->p = le_realloc(o->p, o->cap);
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_str(LeOut *o, const char *s) { out_add(o, s, strlen(s)); }

/* The line scrolls sideways when it does not fit: the window always
 * contains the cursor, so the user sees what they type. */
char *le_render(const char *prompt, const LeBuf *b, int cols, const char *hint, int hint_color,
                int hint_bold, size_t *out_len) {
    LeOut o = {0};
    size_t plen = strlen(prompt);
    size_t width = cols > 0 ? (size_t)cols : 80;
    const char *text = b->buf;
    size_t len = b->len, pos = b->pos;
    while (plen + pos >= width && len > 0) {
        text++;
        len--;
        pos--;
    }
    while (plen + len > width && len > pos) len--;
    out_str(&o, "\r");
    out_str(&o, prompt);
    out_add(&o, text, len);
    if (hint && *hint && plen + len < width) {
        size_t room = width - plen - len;
        size_t hlen = strlen(hint);
        if (hlen > room) hlen = room;
        char esc[32];
        if (hint_bold && hint_color < 0) hint_color = 37;
        if (hint_color >= 0 || hint_bold) {
            snprintf(esc, sizeof(esc), "\033[%d;%d;49m", hint_bold ? 1 : 0, hint_color);
            out_str(&o, esc);
        }
        out_add(&o, hint, hlen);
        if (hint_color >= 0 || hint_bold) out_str(&o, "\033[0m");
    }
    out_str(&o, "\033[0K");
    char mv[32];
    snprintf(mv, sizeof(mv), "\r\033[%dC", (int)(pos + plen));
    if (pos + plen > 0) out_str(&o, mv);
    else out_str(&o, "\r");
    *out_len = o.len;
    return o.p;
}
