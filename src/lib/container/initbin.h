/* SPDX-License-Identifier: MIT */
#ifndef HK_INITBIN_H
#define HK_INITBIN_H

#include <sys/types.h>

#include "base/err.h"

/* In the container's set-up process, once it has forked the main process (main_pid, as
 * seen in the container's pid namespace): drop to CAP_KILL, no_new_privs and a filter that
 * allows only the init loop, then exec hako-init (src/tramp/init.c) as the container's
 * PID 1 with every signal still blocked. Returns only on failure. */
int hk_init_become(pid_t main_pid, struct hk_err *err);

#endif
