// SPDX-License-Identifier: MIT
/*
 * -t: a pseudo-terminal for the container's process. The caller's terminal goes raw while
 * hako copies bytes both ways (so ^C, ^Z, arrows reach the container's line discipline),
 * and SIGWINCH copies the caller's window size to the pty.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

int hk_pty_open(int *ret_master, int *ret_slave, struct hk_err *err)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return hk_err_sys(err, -errno, "open a pseudo-terminal");
	char name[64];
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
		int e = -errno;
		close(m);
		return hk_err_sys(err, e, "set up a pseudo-terminal");
	}
	int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		int e = -errno;
		close(m);
		return hk_err_sys(err, e, "open '%s'", name);
	}
	hk_pty_copy_winsize(STDIN_FILENO, m);
	*ret_master = m;
	*ret_slave = s;
	return 0;
}

int hk_pty_become(int slave, struct hk_err *err)
{
	if (setsid() < 0)
		return hk_err_sys(err, -errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return hk_err_sys(err, -errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return hk_err_sys(err, -errno, "dup2 the pty");
	return 0;
}

void hk_pty_copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static int copy(int from, int to)
{
	char buf[8192];
	ssize_t k = read(from, buf, sizeof(buf));
	if (k <= 0)
		return k < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	for (ssize_t off = 0; off < k;) {
		ssize_t w = write(to, buf + off, k - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		off += w;
	}
	return 1;
}

int hk_pty_proxy(int master, bool forward_stdin, int sigfd, struct hk_err *err)
{
	struct termios saved, raw;
	bool restore = false;
	if (forward_stdin && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST | ONLCR; /* keep our own stderr readable */
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			restore = true;
	}
	int ret = 0;
	bool in_open = forward_stdin;
	for (;;) {
		struct pollfd pf[3] = { { master, POLLIN, 0 },
					{ sigfd, POLLIN, 0 },
					{ in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = hk_err_sys(err, -errno, "poll");
			break;
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!copy(master, STDOUT_FILENO))
				break; /* EIO: every slave fd is closed */
		}
		if (pf[2].revents & (POLLIN | POLLHUP)) {
			if (!copy(STDIN_FILENO, master))
				in_open = false;
		}
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGWINCH) {
				hk_pty_copy_winsize(STDIN_FILENO, master);
				continue;
			}
			ret = (int)si.ssi_signo; /* the caller decides (SIGCHLD, forwarding) */
			break;
		}
	}
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return ret;
}
