/* timeout.h - a user's relative timeout turned into an absolute wall-clock
 * time, with Valkey's error replies and no overflow: the blocking
 * commands (BLPOP, BZPOPMIN, XREAD BLOCK, WAIT...) and anything else that
 * computes "now + what the user asked".
 *
 * Invariant: on success *out is 0 (wait for ever) or an absolute time in
 * ms after server.now_ms's snapshot, and nothing overflowed getting it. */
#ifndef SERVER_TIMEOUT_H
#define SERVER_TIMEOUT_H

#include <stdint.h>

#include "client.h"

enum { TIMEOUT_UNIT_SECONDS = 0, TIMEOUT_UNIT_MS = 1 };

/* Parses a timeout argument: seconds as a float (BLPOP's "0.5"), or whole
 * milliseconds.  0 means no timeout (*out = 0); otherwise *out is
 * server.now_ms plus the timeout (rounded up to a whole ms).  Returns 1,
 * or 0 after replying with Valkey's error: "timeout is not a float or out
 * of range" / "timeout is not an integer or out of range", "timeout is
 * negative", "timeout is out of range". */
int timeout_arg_to_abs_ms(Client *c, const Arg *a, int unit, int64_t *out);

/* The same check without a client, for callers that report the error in
 * their own way: returns NULL, or the error text. */
const char *timeout_to_abs_ms(const char *p, size_t len, int unit, int64_t now_ms, int64_t *out);

#endif
