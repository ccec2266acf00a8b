/* SPDX-License-Identifier: MIT */
/*
 * The last steps of every process hako starts inside a container, `hako run`'s main process
 * and `hako exec`'s child alike (one copy: a drift here is an escape):
 *
 *   1. a session of its own (setsid), or the -t pty as its controlling terminal: never the
 *      operator's terminal, process group or job;
 *   2. stdio: the pty, the -d log, proxy pipes or /dev/null — whatever the caller prepared;
 *   3. every other descriptor closed, but the report pipe, the go pipe, the trampoline and
 *      (an OCI runtime's --preserve-fds N) 3 .. 3+N-1, as they are: the caller's own,
 *      inherited without FD_CLOEXEC, reach the command; hako's own there (O_CLOEXEC) do not;
 *   4. the working directory resolved inside the container's root (openat2 RESOLVE_IN_ROOT,
 *      no /proc magic links), fchdir'ed to, and checked to lie under the root;
 *   5. capabilities, no_new_privs, seccomp (security.h), unless the caller applied them;
 *      a filter's notification fd (a profile's listenerPath) is sent over seccomp_sock
 *      (SCM_RIGHTS) for the runtime to pass on to the agent, and closed here;
 *   6. [run] report HK_STEP_PREPARED and wait for the parent's go;
 *   7. exec through the sealed trampoline (tramp.h).
 * A failure is reported as {HK_STEP_SETUP, err} on the report pipe.
 */
#ifndef HK_PREEXEC_H
#define HK_PREEXEC_H

#include <stdbool.h>

#include "base/err.h"

struct hk_sec_plan;

struct hk_preexec {
	char *const *argv; /* NULL-terminated; argv[0] looked up in PATH like execvp */
	char *const *env;
	int pty_slave;	     /* -t: >= 0, becomes the controlling terminal and 0, 1, 2 */
	int stdio[3];	     /* without -t: descriptors for 0, 1, 2 (-1: keep that one) */
	const char *workdir; /* as seen in the container; NULL: "/" */
	bool mkdir_workdir;  /* create it when missing (run, as Docker's WORKDIR); exec: no */
	int workdir_fd;	     /* >= 0: resolved already (hk_workdir_open), used and closed */
	const struct hk_sec_plan *sec; /* NULL: the caller has applied it already */
	int report_fd;		       /* CLOEXEC pipe: failures; EOF once the command runs */
	int tramp_fd;		       /* hk_tramp_open() */
	int go_fd;	  /* >= 0: report HK_STEP_PREPARED, then wait for a byte here */
	int preserve_fds; /* fds 3 .. 3+N-1 left open (step 3) */
	int seccomp_sock; /* >= 0: the seccomp filter's notification fd goes there (step 5) */
	bool listen_pid;  /* socket activation: LISTEN_PID=<its pid, as the container sees it>
			   * set in env (replacing one there) */
};

/* Steps 1-7 above; returns never. */
__attribute__((noreturn)) void hk_preexec_run(const struct hk_preexec *p);

/* The working directory wd (absolute, as seen in the container) resolved under the calling
 * process's root, as an O_PATH descriptor; create: make what is missing. */
int hk_workdir_open(const char *wd, bool create, struct hk_err *err);

/* Join a new anonymous session keyring: the caller's keys (the operator's) are no longer
 * reachable. ENOSYS (no keyrings in this kernel) is not an error. */
int hk_keyring_new_session(struct hk_err *err);
/* Drop every supplementary group (the operator's: a host group grants host access, to a
 * bind-mounted file or a device node, that the container must not inherit); the process's
 * own come with its user (process.user.additionalGids, caps.h). */
int hk_groups_clear(struct hk_err *err);

#endif
