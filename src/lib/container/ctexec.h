/* SPDX-License-Identifier: MIT */
/*
 * A command run in a running container (`hako exec`): this process joins the container
 * (cgroup, namespaces, root: nsjoin.c), takes its restrictions and forks the command, which
 * lands in the container's pid namespace and goes through the same pre-exec sequence as the
 * container's own main process (preexec.h).
 */
#ifndef HK_CTEXEC_H
#define HK_CTEXEC_H

#include <signal.h>
#include <stdbool.h>

#include "base/err.h"
#include "store.h"

struct hk_sec_plan;

struct hk_ct_exec {
	const struct hk_paths *paths;
	const struct hk_ct_row *row; /* the container, running */
	char *const *argv;	     /* NULL-terminated */
	char *const *env;
	const char *workdir; /* NULL: "/"; must exist (exec creates nothing) */
	bool tty, interactive;
	bool detach; /* exec -d: stdin, stdout, stderr /dev/null (no tty, no pipes) */
	/* the container's restrictions (from its stored config, ctconfig.h): this process
	 * takes them before the fork, so the child, visible to the container from birth,
	 * never holds more than the container's processes do */
	const struct hk_sec_plan *sec;
	const sigset_t *block; /* blocked before the fork (the caller forwards them) */
	int preserve_fds;      /* this process's fds 3 .. 3+N-1 reach the command (preexec.h) */
	/* the seccomp filter's notification fd, when it has one (a listenerPath), for the
	 * caller to send to the agent and close; NULL: closed (notified calls fail ENOSYS) */
	int *seccomp_fd;
};

struct hk_ct_exec_proc {
	pid_t pid;	/* the command's process */
	int pty_master; /* tty: -1 otherwise */
	int proxy[3];	/* without tty: hako's ends of the stdio pipes (hk_stdio_pipes) */
};

/* Join, restrict, fork, wait for the exec. 0: the command runs (the caller waits for it and
 * closes ret's descriptors). < 0: failed; *ret_status 0 when hako failed, else the status
 * of a command that could not be executed (126/127, its process reaped). This process is
 * inside the container afterwards either way. */
int hk_ct_exec(const struct hk_ct_exec *x, struct hk_ct_exec_proc *ret, int *ret_status,
	       struct hk_err *err);

#endif
