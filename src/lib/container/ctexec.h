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

/* What `hako exec` asks for (and a lab's exec line), resolved against the container's
 * stored config by hk_ct_exec_start, as Docker's exec: -e and -w over the container's. */
struct hk_ct_exec_req {
	char *const *argv;	/* NULL-terminated */
	const char *const *env; /* -e: K=V, or K alone (this process's value; left out when
				 * it has none) */
	size_t nenv;
	const char *workdir; /* NULL: the container's */
	const char *user;    /* -u USER[:GROUP]: numbers, or names in the running container's
			      * own /etc/passwd and /etc/group; NULL: the container's user */
	bool tty, interactive, detach;
	const sigset_t *block; /* as hk_ct_exec's */
};

/* c must be running (else -ESRCH). Its security (caps, no_new_privs, seccomp, user), its
 * environment (the stored one, then q->env, then TERM with tty) and working directory from
 * its stored config, then hk_ct_exec: ret and *ret_status as there; this process is inside
 * the container afterwards either way (a caller that goes on forks first). */
int hk_ct_exec_start(const struct hk_paths *p, const struct hk_ct_row *c,
		     const struct hk_ct_exec_req *q, struct hk_ct_exec_proc *ret, int *ret_status,
		     struct hk_err *err);

#endif
