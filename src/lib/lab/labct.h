/* SPDX-License-Identifier: MIT */
/*
 * A linux node's container, through the container library: the same functions `hako stop`,
 * `hako rm` call (ctstop.h). Private to the lab.
 */
#ifndef HK_LABCT_H
#define HK_LABCT_H

#include "base/err.h"
#include "store.h"

/* Stop container ctname as `hako stop` does (its stop signal, 10 s, then SIGKILL). */
int hk_lab_ct_stop(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		   struct hk_err *err);
/* Remove container ctname, running or not, as `hako rm -f` does; a missing one is
 * success. */
int hk_lab_ct_remove(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		     struct hk_err *err);

#endif
