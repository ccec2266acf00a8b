// SPDX-License-Identifier: MIT
/*
 * hako-init: a container's PID 1 (what tini or docker-init do), as a tiny freestanding
 * program. hako's own set-up code forks the container's main process, then drops to what
 * this program needs and execs it from a sealed memfd (src/lib/container/initbin.c): no capability
 * but CAP_KILL (to forward signals to a main process of another uid), no_new_privs, and a
 * seccomp filter allowing only the calls below, so a container that can ptrace its PID 1
 * (--cap-add SYS_PTRACE) gains nothing from it. /proc/1/cmdline reads "hako-init".
 *
 *   argv = { "hako-init", "<main pid>" }, every signal blocked (the mask survives execve).
 *
 * Signals are collected with rt_sigtimedwait: SIGCHLD reaps every child (orphans
 * re-parented to PID 1 included), anything else is forwarded to the main process. Blocked
 * signals reach a namespace's init even from outside it. When the main process ends, the
 * init exits with its status (128+N for signal N) and the kernel kills whatever is left.
 */
#include <asm/unistd.h>
#include <linux/signal.h>
#include <linux/wait.h>

#define HK_FREESTANDING_MAIN init_main
#include "sys.h"

#define EXIT_HAKO 125
#define SIG_CHLD 17

static int exit_code(int st)
{
	if ((st & 0x7f) == 0)
		return (st >> 8) & 0xff; /* exited */
	return 128 + (st & 0x7f);	 /* killed by a signal */
}

/* Reap every child that has ended; the main process's end ends the init. */
static void reap(long main_pid)
{
	for (;;) {
		int st = 0;
		long p = sys4(__NR_wait4, -1, (long)&st, WNOHANG, 0);
		if (p <= 0)
			return;
		if (p == main_pid)
			sys_exit(exit_code(st));
	}
}

__attribute__((noreturn, used)) void init_main(long *sp);

__attribute__((noreturn, used)) void init_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	long main_pid = 0;
	if (argc != 2)
		sys_exit(EXIT_HAKO);
	for (const char *p = argv[1]; *p; p++) {
		if (*p < '0' || *p > '9')
			sys_exit(EXIT_HAKO);
		main_pid = main_pid * 10 + (*p - '0');
	}
	unsigned long all = ~0UL; /* the kernel's sigset: one bit per signal, 64 signals */
	unsigned char info[128];  /* siginfo_t, unused */
	/* a child may have ended before this program ran: reap first, then wait */
	reap(main_pid);
	for (;;) {
		long sig = sys4(__NR_rt_sigtimedwait, (long)&all, (long)info, 0, sizeof(all));
		if (sig == SIG_CHLD)
			reap(main_pid);
		else if (sig > 0)
			sys3(__NR_kill, main_pid, sig, 0);
	}
}
