/* test_event.c - the event loop with the platform's backend (epoll on
 * Linux); the cases are in event_cases.h, shared with test_event_poll.c. */
#include <stdint.h>

#include "net/event.h"
#include "unit.h"
#include "event_cases.h"

int main(void) {
    run_event_cases();
    return unit_finish();
}
