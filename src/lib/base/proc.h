/* SPDX-License-Identifier: MIT */
/*
 * Owner liveness: hako records the pid and start time of whoever owns a change (a container's
 * init, the process running a network create, a lease's holder) so that a later command can
 * tell a live owner from a dead one whose pid was reused.
 */
#ifndef HK_BASE_PROC_H
#define HK_BASE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time (clock ticks since boot, /proc/PID/stat field 22) of pid; 0 if it does not
 * exist or is a zombie. */
uint64_t hk_proc_start_time(pid_t pid);
/* Is pid alive and the same process (start_time matches; 0 skips the check)? */
bool hk_proc_alive(pid_t pid, uint64_t start_time);

#endif
