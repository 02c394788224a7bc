/* notify.c - keyspace notifications: every key event (key_changed(), the
 * expiry path, "new" on every added key, "keymiss" on a read miss) is
 * published, when its class is enabled in notify-keyspace-events, on
 *   __keyspace@<db>__:<key>    with the event name as the message (K)
 *   __keyevent@<db>__:<event>  with the key as the message (E).
 * It listens to the key events db.c fires, so no command publishes
 * anything itself and the order is the order the events happen. */
#include <stdio.h>
#include <string.h>

#include "server.h"
#include "notify.h"
#include "pubsub.h"

static void publish_event(Db *db, const char *key, size_t klen, int notify_class, const char *event) {
    int flags = server.cfg.notify_keyspace_events;
    if (!(flags & notify_class) || !(flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT))) return;
    /* Nobody subscribed to anything: no channel name to build. */
    if (pubsub_channel_count() == 0 && pubsub_pattern_count() == 0) return;
    char prefix[64];
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) {
        int n = snprintf(prefix, sizeof(prefix), "__keyspace@%d__:", db->id);
        Str *ch = str_with_capacity((size_t)n + klen);
        ch = str_cat(ch, prefix, (size_t)n);
        ch = str_cat(ch, key, klen);
        pubsub_publish(ch->buf, ch->len, event, elen);
        str_free(ch);
    }
    if (flags & NOTIFY_KEYEVENT) {
        int n = snprintf(prefix, sizeof(prefix), "__keyevent@%d__:", db->id);
        Str *ch = str_with_capacity((size_t)n + elen);
        ch = str_cat(ch, prefix, (size_t)n);
        ch = str_cat(ch, event, elen);
        pubsub_publish(ch->buf, ch->len, key, klen);
        str_free(ch);
    }
}

void notify_init(void) {
    key_events_subscribe(publish_event);
}
