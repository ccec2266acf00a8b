// SPDX-License-Identifier: MIT
#include "ctwait.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"

void hk_ct_fwd_sigset(sigset_t *set)
{
	static const int fwd[] = { SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
				   SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD };
	sigemptyset(set);
	for (size_t i = 0; i < HK_ARRAY_SIZE(fwd); i++)
		sigaddset(set, fwd[i]);
}

int hk_ct_wait_fwd(pid_t pid, int master, bool stdin_open, int *proxy)
{
	bool pumping = proxy && (proxy[0] >= 0 || proxy[1] >= 0 || proxy[2] >= 0);
	/* a container that closes its end of a pipe must not kill us: EPIPE ends that copy */
	if (pumping)
		signal(SIGPIPE, SIG_IGN);
	sigset_t set;
	hk_ct_fwd_sigset(&set);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int status = 0;
	/* without a signalfd (out of fds) nothing is forwarded: wait, not spin on read */
	for (; sfd >= 0;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		int sig;
		if (master >= 0) {
			struct hk_err e;
			sig = hk_pty_proxy(master, stdin_open, sfd, &e);
			if (sig <= 0) {
				waitpid(pid, &status, 0);
				break;
			}
		} else if (pumping) {
			struct hk_err e;
			sig = hk_stdio_proxy(proxy, sfd, &e);
			if (sig < 0)
				pumping = false;
			if (sig <= 0)
				continue;
		} else {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			sig = (int)si.ssi_signo;
		}
		if (sig != SIGCHLD && sig != SIGWINCH)
			kill(pid, sig);
	}
	if (sfd < 0)
		waitpid(pid, &status, 0);
	if (proxy)
		hk_stdio_drain(proxy);
	if (master >= 0) {
		/* what the process wrote last, still in the pty */
		fcntl(master, F_SETFL, O_NONBLOCK);
		char buf[4096];
		ssize_t n;
		while ((n = read(master, buf, sizeof(buf))) > 0)
			if (write(STDOUT_FILENO, buf, n) < 0)
				break;
	}
	return hk_ct_exit_code(status);
}

/* -d: forward signals to the init and keep its output in the log, until the init exits. */
int hk_ct_wait_logged(pid_t pid, struct hk_ctlog *log, int log_rd)
{
	sigset_t set;
	hk_ct_fwd_sigset(&set);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int status = 0;
	struct hk_err e;
	int err_rd = hk_ctlog_err_fd(log);
	bool eof = false, eof2 = err_rd < 0;
	for (; sfd >= 0;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		struct pollfd pf[3] = { { sfd, POLLIN, 0 },
					{ eof ? -1 : log_rd, POLLIN, 0 },
					{ eof2 ? -1 : err_rd, POLLIN, 0 } };
		if (poll(pf, 3, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents && hk_ctlog_pump_stream(log, log_rd, HK_CTLOG_STDOUT, &e) == 0)
			eof = true;
		if (pf[2].revents && hk_ctlog_pump_stream(log, err_rd, HK_CTLOG_STDERR, &e) == 0)
			eof2 = true;
		struct signalfd_siginfo si;
		while ((pf[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo != SIGCHLD && si.ssi_signo != SIGWINCH)
				kill(pid, (int)si.ssi_signo);
	}
	if (sfd < 0) /* out of fds: no forwarding, the log read after the end */
		waitpid(pid, &status, 0);
	hk_ctlog_drain_stream(log, log_rd, HK_CTLOG_STDOUT, &e);
	if (err_rd >= 0)
		hk_ctlog_drain_stream(log, err_rd, HK_CTLOG_STDERR, &e);
	return hk_ct_exit_code(status);
}
