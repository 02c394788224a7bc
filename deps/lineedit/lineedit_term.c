/* lineedit_term.c - the terminal half of the line editor: raw mode, key
 * decoding (control keys and the usual escape sequences), history
 * browsing, tab completion cycling and hints, on top of the pure buffer
 * operations in lineedit_buf.c.
 *
 * Invariant: le_readline leaves the terminal in the mode it found it,
 * whatever path it returns by; raw mode is never left on after return. */
#include "lineedit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

enum {
    KEY_CTRL_A = 1, KEY_CTRL_B = 2, KEY_CTRL_C = 3, KEY_CTRL_D = 4, KEY_CTRL_E = 5,
    KEY_CTRL_F = 6, KEY_CTRL_H = 8, KEY_TAB = 9, KEY_CTRL_K = 11, KEY_CTRL_L = 12,
    KEY_ENTER = 13, KEY_CTRL_N = 14, KEY_CTRL_P = 16, KEY_CTRL_T = 20, KEY_CTRL_U = 21,
    KEY_CTRL_W = 23, KEY_ESC = 27, KEY_BACKSPACE = 127,
};

void le_editor_init(LeEditor *e, int history_max) {
    memset(e, 0, sizeof(*e));
    le_history_init(&e->history, history_max);
}

void le_editor_free(LeEditor *e) { le_history_free(&e->history); }

int le_unsupported_term(void) {
    const char *t = getenv("TERM");
    if (!t) return 0;
    return !strcasecmp(t, "dumb") || !strcasecmp(t, "cons25") || !strcasecmp(t, "emacs");
}

void le_clear_screen(void) {
    if (write(STDOUT_FILENO, "\033[H\033[2J", 7) <= 0) {
        /* Nothing useful to do when the terminal is gone. */
    }
}

static int term_cols(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

static void write_all(const char *p, size_t n) {
    while (n) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

/* Reads one byte; returns 1, 0 at end of input, -1 on error. */
static int read_byte(char *c) {
    for (;;) {
        ssize_t n = read(STDIN_FILENO, c, 1);
        if (n < 0 && errno == EINTR) continue;
        return n < 0 ? -1 : (int)n;
    }
}

/* Without a terminal: a plain line of any length. */
static char *read_plain_line(void) {
    LeBuf b;
    le_buf_init(&b);
    char c;
    int got = 0;
    for (;;) {
        int r = read_byte(&c);
        if (r <= 0) break;
        got = 1;
        if (c == '\n') break;
        le_buf_insert(&b, &c, 1);
    }
    if (!got) {
        le_buf_free(&b);
        return NULL;
    }
    if (b.len && b.buf[b.len - 1] == '\r') b.buf[--b.len] = '\0';
    return b.buf;
}

typedef struct {
    LeEditor *e;
    const char *prompt;
    LeBuf b;
    int hist_index;   /* 0 = the line being edited, n = n-th most recent */
    char *saved;      /* the line being edited while browsing history */
} LeState;

static void refresh(LeState *s) {
    char *hint = NULL;
    int color = -1, bold = 0;
    if (s->e->hint && s->b.len) hint = s->e->hint(s->b.buf, &color, &bold, s->e->ctx);
    size_t n;
    char *out = le_render(s->prompt, &s->b, term_cols(), hint, color, bold, &n);
    write_all(out, n);
    le_free(out);
    le_free(hint);
}

static void history_step(LeState *s, int dir) {
    LeHistory *h = &s->e->history;
    int next = s->hist_index + dir;
    if (next < 0 || next > h->len) return;
    if (s->hist_index == 0) {
        le_free(s->saved);
        s->saved = le_strdup(s->b.buf);
    }
    s->hist_index = next;
    le_buf_set(&s->b, next == 0 ? s->saved : h->items[h->len - next]);
    refresh(s);
}

/* TAB pressed: cycle through the candidates, showing each in place of the
 * line; ESC goes back to what was typed; any other key keeps the shown
 * candidate and is then handled normally.  Returns that key, or -1 at the
 * end of input. */
static int complete_line(LeState *s) {
    LeCompletions lc = {0};
    s->e->complete(s->b.buf, &lc, s->e->ctx);
    if (lc.len == 0) {
        write_all("\x07", 1);
        return 0;
    }
    char *orig = le_strdup(s->b.buf);
    size_t orig_pos = s->b.pos;
    size_t i = 0;
    int key;
    for (;;) {
        if (i < lc.len) {
            le_buf_set(&s->b, lc.items[i]);
        } else {
            le_buf_set(&s->b, orig);
            s->b.pos = orig_pos;
        }
        refresh(s);
        char c;
        if (read_byte(&c) <= 0) {
            key = -1;
            break;
        }
        if (c == KEY_TAB) {
            i = (i + 1) % (lc.len + 1);
            if (i == lc.len) write_all("\x07", 1);
            continue;
        }
        if (c == KEY_ESC) {
            le_buf_set(&s->b, orig);
            s->b.pos = orig_pos;
            refresh(s);
            key = 0;
            break;
        }
        key = (unsigned char)c;
        break;
    }
    le_free(orig);
    le_completions_free(&lc);
    return key;
}

/* After ESC: the rest of an arrow/home/end/delete sequence. */
static void handle_escape(LeState *s) {
    char seq[3];
    if (read_byte(&seq[0]) <= 0 || read_byte(&seq[1]) <= 0) return;
    if (seq[0] == '[') {
        if (seq[1] >= '0' && seq[1] <= '9') {
            if (read_byte(&seq[2]) <= 0) return;
            if (seq[2] == '~') {
                if (seq[1] == '3' && le_buf_delete(&s->b)) refresh(s);
                else if (seq[1] == '1' || seq[1] == '7') { le_buf_home(&s->b); refresh(s); }
                else if (seq[1] == '4' || seq[1] == '8') { le_buf_end(&s->b); refresh(s); }
            }
            return;
        }
        switch (seq[1]) {
        case 'A': history_step(s, 1); break;
        case 'B': history_step(s, -1); break;
        case 'C': if (le_buf_right(&s->b)) refresh(s); break;
        case 'D': if (le_buf_left(&s->b)) refresh(s); break;
        case 'H': le_buf_home(&s->b); refresh(s); break;
        case 'F': le_buf_end(&s->b); refresh(s); break;
        }
    } else if (seq[0] == 'O') {
        if (seq[1] == 'H') { le_buf_home(&s->b); refresh(s); }
        else if (seq[1] == 'F') { le_buf_end(&s->b); refresh(s); }
    }
}

/* The edit loop; returns the line, or NULL (end of input or ctrl-c). */
static char *edit(LeState *s) {
    refresh(s);
    for (;;) {
        char ch;
        if (read_byte(&ch) <= 0) return NULL;
        int c = (unsigned char)ch;
        if (c == KEY_TAB && s->e->complete) {
            c = complete_line(s);
            if (c < 0) return NULL;
            if (c == 0) continue;
        }
        switch (c) {
        case KEY_ENTER:
        case '\n': {
            /* Redraw without the hint so the scrollback shows the line only. */
            LeHintFn *h = s->e->hint;
            s->e->hint = NULL;
            le_buf_end(&s->b);
            refresh(s);
            s->e->hint = h;
            char *line = s->b.buf;
            s->b.buf = NULL;
            return line;
        }
        case KEY_CTRL_C:
            s->e->interrupted = 1;
            return NULL;
        case KEY_CTRL_D:
            if (s->b.len == 0) return NULL;
            if (le_buf_delete(&s->b)) refresh(s);
            break;
        case KEY_BACKSPACE:
        case KEY_CTRL_H:
            if (le_buf_backspace(&s->b)) refresh(s);
            break;
        case KEY_CTRL_A: le_buf_home(&s->b); refresh(s); break;
        case KEY_CTRL_E: le_buf_end(&s->b); refresh(s); break;
        case KEY_CTRL_B: if (le_buf_left(&s->b)) refresh(s); break;
        case KEY_CTRL_F: if (le_buf_right(&s->b)) refresh(s); break;
        case KEY_CTRL_K: le_buf_kill_to_end(&s->b); refresh(s); break;
        case KEY_CTRL_U: le_buf_kill_to_start(&s->b); refresh(s); break;
        case KEY_CTRL_W: le_buf_delete_prev_word(&s->b); refresh(s); break;
        case KEY_CTRL_T: if (le_buf_transpose(&s->b)) refresh(s); break;
        case KEY_CTRL_P: history_step(s, 1); break;
        case KEY_CTRL_N: history_step(s, -1); break;
        case KEY_CTRL_L: le_clear_screen(); refresh(s); break;
        case KEY_ESC: handle_escape(s); break;
        default:
            if (c >= 32 || c == KEY_TAB) {
                le_buf_insert(&s->b, &ch, 1);
                refresh(s);
            }
            break;
        }
    }
}

char *le_readline(LeEditor *e, const char *prompt) {
    e->interrupted = 0;
    if (!isatty(STDIN_FILENO) || le_unsupported_term()) {
        if (isatty(STDOUT_FILENO)) {
            fputs(prompt, stdout);
            fflush(stdout);
        }
        return read_plain_line();
    }
    struct termios orig, raw;
    if (tcgetattr(STDIN_FILENO, &orig) == -1) return read_plain_line();
    raw = orig;
    /* No echo, no line buffering, no signals from ctrl-c/ctrl-z, no CR/NL
     * translation on input; output processing stays so "\n" still works
     * in replies printed between lines. */
    raw.c_iflag &= (tcflag_t) ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_cflag |= CS8;
    raw.c_lflag &= (tcflag_t) ~(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == -1) return read_plain_line();

    LeState s = {.e = e, .prompt = prompt, .hist_index = 0, .saved = NULL};
    le_buf_init(&s.b);
    fflush(stdout);
    char *line = edit(&s);
    le_free(s.saved);
    if (s.b.buf) le_buf_free(&s.b);
    tcsetattr(STDIN_FILENO, TCSADRAIN, &orig);
    write_all("\n", 1);
    return line;
}
