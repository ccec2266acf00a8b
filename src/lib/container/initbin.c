// SPDX-License-Identifier: MIT
/*
 * Turning the container's set-up process into its PID 1: after it has forked the main
 * process, it keeps nothing of hako's privilege and execs hako-init (src/tramp/init.c) from
 * a sealed memfd. What it keeps: CAP_KILL only (bounding, permitted and effective), no
 * ambient or inheritable capabilities, no_new_privs, a seccomp filter that allows the init
 * loop's calls and nothing else, every signal blocked, fds 0-2 on /dev/null and no other.
 */
#include "initbin.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "caps.h"
#include "secfilter.h"
#include "testpoint.h"
#include "tramp.h"

extern const unsigned char hk_init_bin[];
extern const size_t hk_init_bin_len;

/* what src/tramp/init.c calls, and the exec that starts it */
static const char *const init_calls[] = {
	"rt_sigtimedwait", "wait4",	      "kill",	  "exit_group", "exit",
	"rt_sigreturn",	   "restart_syscall", "execveat", "execve",
};

int hk_init_become(pid_t main_pid, struct hk_err *err)
{
	int fd = hk_sealed_memfd("hako-init", hk_init_bin, hk_init_bin_len, err);
	if (fd < 0)
		return fd;
	/* execute-only: a process that cannot read its own program is not dumpable after the
	 * exec (no CAP_DAC_OVERRIDE left to read it with), so without CAP_SYS_PTRACE nothing in
	 * the container may ptrace PID 1 or open /proc/1/exe */
	if (fchmod(fd, 0111) < 0) {
		int e = -errno;
		close(fd);
		return hk_err_sys(err, e, "container init: chmod its memfd");
	}
	/* stdio on /dev/null; every other fd goes (the memfd closes at exec: CLOEXEC) */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)fd - 1, 0U);
	syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
	/* Handlers hako set are reset by execve itself; only ignored signals would stay
	 * ignored (SIGCHLD ignored means no exit status). Reset just those: setting SIG_DFL on
	 * a signal whose default is to ignore it (SIGCHLD) discards it if pending, and the
	 * main process may have exited already. */
	hk_test_delay("init-become");
	for (int s = 1; s < NSIG; s++) {
		struct sigaction old;
		if (sigaction(s, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			signal(s, SIG_DFL);
	}
	/* everything that allocates comes before the filter, which refuses mmap (an allocator
	 * may map memory at any malloc or free: ASan's does): the program is built first, and
	 * once installed never freed (the exec below, or this process's exit, takes it) */
	struct hk_seccomp_prog prog;
	struct hk_caps_plan *plan;
	int r = hk_seccomp_allowlist(init_calls, HK_ARRAY_SIZE(init_calls), &prog, err);
	if (r == 0)
		r = hk_caps_plan_new(HK_CAP_BIT(CAP_KILL), NULL, &plan, err);
	if (r == 0) {
		r = hk_caps_plan_apply(plan, err);
		hk_caps_plan_free(plan);
	}
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = hk_err_sys(err, -errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (r == 0)
		r = hk_seccomp_apply(&prog, err);
	if (r < 0) {
		hk_seccomp_prog_release(&prog); /* not installed: freeing is safe */
		close(fd);
		return hk_err_prefix(err, "container init");
	}
	char pid[24];
	snprintf(pid, sizeof(pid), "%d", (int)main_pid);
	char *argv[] = { "hako-init", pid, NULL }, *envp[] = { NULL };
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	r = hk_err_sys(err, -errno, "container init: exec hako-init");
	close(fd);
	return r;
}
