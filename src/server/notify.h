/* notify.h - keyspace notifications (notify.c): publishes key events on
 * the __keyspace@N__ / __keyevent@N__ channels per notify-keyspace-events. */
#ifndef SERVER_NOTIFY_H
#define SERVER_NOTIFY_H

/* Subscribes the notifier to the key events (once, at start-up). */
void notify_init(void);

#endif
