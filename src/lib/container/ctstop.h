/* SPDX-License-Identifier: MIT */
/*
 * Stopping, signalling and removing a container (hako stop, kill, rm, restart; a lab's
 * nodes): Docker's semantics over the store, the container's monitor recording the exit.
 */
#ifndef HK_CTSTOP_H
#define HK_CTSTOP_H

#include <stdbool.h>

#include "base/err.h"
#include "store.h"

/* Stop r as a user does (hako stop): marked stopped (its restart policy leaves it so), its
 * stop signal (sig > 0: that one; 0: --stop-signal, else SIGTERM), then after timeout
 * seconds (< 0: --stop-timeout, else 10) SIGKILL; returns once its exit is recorded (by its
 * monitor, or reconciled). Not running: nothing to do. */
int hk_ct_stop(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *r,
	       int timeout, int sig, struct hk_err *err);
/* Send sig to r's init (hako kill): marked stopped by a user first. Not running: -ESRCH. */
int hk_ct_kill(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *r, int sig,
	       struct hk_err *err);
/* Remove r (hako rm): running, -EBUSY unless force (then its init is killed first). r's state
 * is set to removing before anything goes, so that an rm killed half-way is finished by the
 * next command. */
int hk_ct_rm(struct hk_store *st, const struct hk_paths *p, struct hk_ct_row *r, bool force,
	     struct hk_err *err);

#endif
