/* glob.h - glob-style pattern matching with the exact rules of Valkey's
 * matcher, as KEYS, SCAN MATCH, CONFIG GET and COMMAND LIST use it.  Binary
 * safe; only ASCII letters fold under nocase.
 *
 *   *        any run of bytes          ?      any one byte
 *   [abc]    one of a, b, c            [^ab]  any byte but a, b ('!' is literal)
 *   [a-z]    a range (either order)    \x     x itself, in or out of brackets
 *
 * Valkey's corner cases, kept on purpose so patterns mean the same here:
 *   - a non-empty pattern never matches the empty string, even "*" or "**"
 *     (callers special-case a lone "*" as "everything", as Valkey does);
 *   - a '-' with a byte after it makes a range whatever that byte is: in
 *     "[a-]" the ']' is the range's end, so the class runs on to the end of
 *     the pattern and covers ']' to 'a';
 *   - "[]" is an empty class (matches nothing), an unterminated class runs
 *     to the end of the pattern, "[" alone matches nothing, "[^" anything;
 *   - an escaped byte inside brackets compares exactly, even under nocase;
 *     a range is put in order before folding, so "[Z-a]" folds to nothing;
 *   - a pattern with more than 1001 star runs, or exactly 1001 and not
 *     ending in a star, matches nothing: the limit past which Valkey's
 *     recursive matcher stops (see glob.c).
 * Bytes compare as unsigned, as Valkey does where char is unsigned (ARM). */
#ifndef DEPS_GLOB_H
#define DEPS_GLOB_H

#include <stddef.h>
#include <stdint.h>

/* 1 when str matches pat, else 0. */
int glob_match(const char *pat, size_t patlen, const char *str, size_t strlen, int nocase);

/* The same, and adds to *steps the number of pattern elements examined, so
 * tests can bound the work without a clock. */
int glob_match_counted(const char *pat, size_t patlen, const char *str, size_t strlen, int nocase,
                       uint64_t *steps);

#endif
