/* SPDX-License-Identifier: MIT */
/* Waiting for a container's process, as a front door in the foreground does (hako run,
 * hako exec, libhako): the caller's signals forwarded to it, its terminal or stdio pipes
 * copied, or (-d) its output kept in the bounded log, until it exits. */
#ifndef HK_CTWAIT_H
#define HK_CTWAIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ctlog.h"

/* The signals a foreground run or exec blocks and forwards to its process. */
void hk_ct_fwd_sigset(sigset_t *set);
/* Forward those signals (blocked by the caller) to pid and, with a pty master (>= 0; its
 * input from stdin when stdin_open), copy the pty, until pid exits; its exit code. proxy:
 * NULL, or the caller's ends of hk_stdio_pipes, copied likewise and closed at the end. */
int hk_ct_wait_fwd(pid_t pid, int master, bool stdin_open, int *proxy);
/* -d: forward signals to pid and keep its output (log_rd) in log, until it exits; its exit
 * code. */
int hk_ct_wait_logged(pid_t pid, struct hk_ctlog *log, int log_rd);

#endif
