/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle events (hako events, as `docker events`): one JSON object per line appended to
 * RUN/events.log, in Docker's shape:
 *   {"status": "start", "id": ID, "from": IMAGE, "Type": "container", "Action": "start",
 *    "Actor": {"ID": ID, "Attributes": {"name": NAME, "image": IMAGE, "exitCode": "0"}},
 *    "scope": "local", "time": SECONDS, "timeNano": NANOSECONDS}
 * Each event is one write(2) with O_APPEND (whole lines, in order, from any number of
 * processes); past 1 MiB the log moves to events.log.1 (one old file is kept), under a lock.
 * Emitting never fails the operation it describes: an event that cannot be written is lost.
 */
#ifndef HK_CTEVENTS_H
#define HK_CTEVENTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store.h"

/* Record action (st: the store, for the image's name; may be NULL) ("create", "start", "die",
 * "stop", "kill", "pause", "unpause", "rename", "destroy") of container r. attrs: NULL, or
 * NULL-terminated key, value pairs added to the Actor's Attributes ("exitCode", "0"; "signal", "9";
 * "oldName", "a"). */
void hk_ct_event(struct hk_store *st, const struct hk_paths *p, const char *action,
		 const struct hk_ct_row *r, const char *const *attrs);

/* The events with since_ns <= timeNano (and <= until_ns when until_ns > 0), oldest first,
 * each given to fn (borrowed); fn < 0 stops and is returned. follow: then wait for new ones
 * until until_ns (0: until fn stops it, or a signal). */
int hk_ct_events(const struct hk_paths *p, int64_t since_ns, int64_t until_ns, bool follow,
		 int (*fn)(void *ud, struct json_object *ev), void *ud, struct hk_err *err);

#endif
