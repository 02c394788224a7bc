/* glob.h - glob-style pattern matching as KEYS, SCAN MATCH and CONFIG GET
 * use it: '*', '?', '[abc]', '[^a-z]', and '\' to escape.  Binary safe. */
#ifndef DEPS_GLOB_H
#define DEPS_GLOB_H

#include <stddef.h>

int glob_match(const char *pat, size_t patlen, const char *str, size_t strlen, int nocase);

#endif
