// SPDX-License-Identifier: MIT
/*
 * hako's PID 1 (what tini does): it forks the main process, then only waits for signals.
 * Every signal is blocked and collected with sigwaitinfo: SIGCHLD reaps every child
 * (orphans re-parented to PID 1 included), anything else is forwarded to the main process.
 * Blocked signals are delivered to a namespace's init even from outside it, where
 * unhandled ones would be dropped. When the main process ends, init exits with its status
 * (128+N for signal N) and the kernel kills whatever is left in the namespace.
 * It keeps no file descriptor but 0, 1, 2 (on /dev/null), so /proc/1/fd shows no hako fd.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int hk_ct_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return HK_EXIT_HAKO;
}

static void close_all_but_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	syscall(SYS_close_range, 3U, ~0U, 0U);
}

void hk_init_run(hk_main_fn main_fn, void *arg)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	pid_t main_pid = fork();
	if (main_pid < 0)
		_exit(HK_EXIT_HAKO);
	if (main_pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		main_fn(arg);
		_exit(HK_EXIT_HAKO);
	}
	close_all_but_stdio();
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(main_pid, sig);
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p == main_pid)
				_exit(hk_ct_exit_code(st));
		}
	}
}
