/* lineedit.h - a small line editor for interactive programs (the cli):
 * raw terminal mode, cursor movement, history, emacs-style control keys,
 * tab completion and hints through callbacks.  Written for this project.
 *
 * The editing itself (LeBuf operations, le_render) is pure: no terminal,
 * no globals, so it is unit-tested without a tty (tests/c/test_lineedit.c).
 * Only le_readline touches the terminal, and it always restores the
 * terminal mode it found before returning, also on errors.
 *
 * Memory comes from the allocator hooks below (malloc by default): the
 * library includes nothing outside deps/.
 *
 * Invariant of LeBuf: 0 <= pos <= len < cap, and buf[len] == '\0'. */
#ifndef DEPS_LINEEDIT_H
#define DEPS_LINEEDIT_H

#include <stddef.h>

/* Allocator hooks.  Every block the library hands out (le_readline's line,
 * le_render's bytes) is freed with le_free, and every block it takes over
 * (a hint) must come from le_alloc: a program with its own allocator
 * installs its three functions once, before any other call, and then uses
 * its own free on what it gets.  They must not return NULL (abort
 * instead).  le_set_allocator(NULL, NULL, NULL) restores malloc. */
typedef void *le_alloc_fn(size_t size);
typedef void *le_realloc_fn(void *ptr, size_t size);
typedef void le_free_fn(void *ptr);
void le_set_allocator(le_alloc_fn *alloc_fn, le_realloc_fn *realloc_fn, le_free_fn *free_fn);
void *le_alloc(size_t size);
void *le_realloc(void *ptr, size_t size);
void le_free(void *ptr);
char *le_strdup(const char *s);

typedef struct LeBuf {
    char *buf;
    size_t len;   /* bytes in the line */
    size_t pos;   /* cursor, a byte offset */
    size_t cap;
} LeBuf;

void le_buf_init(LeBuf *b);
void le_buf_free(LeBuf *b);
void le_buf_set(LeBuf *b, const char *s);          /* replace, cursor at end */
void le_buf_insert(LeBuf *b, const char *s, size_t n);
int le_buf_backspace(LeBuf *b);                    /* returns 1 if changed */
int le_buf_delete(LeBuf *b);                       /* char under the cursor */
int le_buf_left(LeBuf *b);
int le_buf_right(LeBuf *b);
void le_buf_home(LeBuf *b);
void le_buf_end(LeBuf *b);
int le_buf_kill_to_end(LeBuf *b);                  /* ctrl-k */
int le_buf_kill_to_start(LeBuf *b);                /* ctrl-u */
int le_buf_delete_prev_word(LeBuf *b);             /* ctrl-w */
int le_buf_transpose(LeBuf *b);                    /* ctrl-t */

/* History: oldest first.  Adding the same line twice in a row keeps one. */
typedef struct LeHistory {
    char **items;
    int len;
    int max;
} LeHistory;

void le_history_init(LeHistory *h, int max);
void le_history_free(LeHistory *h);
int le_history_add(LeHistory *h, const char *line);   /* 1 if added */
/* One line per entry; returns 0 or -1 (errno set). */
int le_history_load(LeHistory *h, const char *path);
int le_history_save(const LeHistory *h, const char *path);

/* Completion: the callback adds candidates for the whole line. */
typedef struct LeCompletions {
    char **items;
    size_t len;
} LeCompletions;
void le_add_completion(LeCompletions *lc, const char *s);
void le_completions_free(LeCompletions *lc);
typedef void LeCompletionFn(const char *line, LeCompletions *lc, void *ctx);
/* Hint shown after the text (in color); returns a string from le_alloc or
 * NULL.  *color is an ANSI color number (-1 for none), *bold 0/1. */
typedef char *LeHintFn(const char *line, int *color, int *bold, void *ctx);

/* What one refresh writes to the terminal for a single-line editor in a
 * terminal `cols` wide: the part of the line around the cursor that fits,
 * the hint when there is room, and the cursor put back.  Returned string
 * is from le_alloc; *out_len gets its length. */
char *le_render(const char *prompt, const LeBuf *b, int cols, const char *hint, int hint_color,
                int hint_bold, size_t *out_len);

typedef struct LeEditor {
    LeHistory history;
    LeCompletionFn *complete;
    LeHintFn *hint;
    void *ctx;
    int interrupted;   /* set when le_readline returned NULL on ctrl-c */
} LeEditor;

void le_editor_init(LeEditor *e, int history_max);
void le_editor_free(LeEditor *e);
/* Reads one line.  With a terminal on stdin it edits in raw mode;
 * otherwise it reads a plain line.  Returns an le_alloc'ed string without
 * the newline, or NULL at end of input (ctrl-d on an empty line) or on
 * ctrl-c (e->interrupted = 1). */
char *le_readline(LeEditor *e, const char *prompt);
void le_clear_screen(void);
/* 1 when the terminal is one we cannot drive (TERM=dumb and friends). */
int le_unsupported_term(void);

#endif
