/* test_event_poll.c - the same event loop cases (event_cases.h) against
 * the portable poll(2) backend, which the server uses where neither epoll
 * nor kqueue exists.  The loop is compiled into this test with
 * EV_FORCE_POLL; its public names are renamed so they do not clash with
 * the epoll build of the same file linked from the library objects. */
#include <stdint.h>

#define ev_monotonic_us evp_monotonic_us
#define ev_create evp_create
#define ev_delete evp_delete
#define ev_setsize evp_setsize
#define ev_resize evp_resize
#define ev_add_file evp_add_file
#define ev_del_file evp_del_file
#define ev_file_mask evp_file_mask
#define ev_add_timer evp_add_timer
#define ev_del_timer evp_del_timer
#define ev_set_before_sleep evp_set_before_sleep
#define ev_set_sleep_bound evp_set_sleep_bound
#define ev_stop evp_stop
#define ev_process evp_process
#define ev_main evp_main
#define ev_backend_name evp_backend_name
#define ev_cycle_stats evp_cycle_stats
#define ev_cycle_stats_reset evp_cycle_stats_reset
#define ev_now_us evp_now_us
#define EV_FORCE_POLL 1
#include "net/event.c"

#include "unit.h"
#include "event_cases.h"

int main(void) {
    CHECK_STR("poll", ev_backend_name());
    run_event_cases();
    return unit_finish();
}
