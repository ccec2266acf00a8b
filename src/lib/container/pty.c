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
	/* a session leader already (an OCI container's PID 1: its set-up process made the
	 * session, with no terminal) takes the pty as it is */
	if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
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

int hk_stdio_pipes(bool in, int child[3], int parent[3], struct hk_err *err)
{
	for (int i = 0; i < 3; i++)
		child[i] = parent[i] = -1;
	for (int i = 0; i < 3; i++) {
		if ((i == 0 && !in) || !isatty(i))
			continue;
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0) {
			int e = -errno;
			for (int j = 0; j < i; j++) {
				if (child[j] >= 0)
					close(child[j]);
				if (parent[j] >= 0)
					close(parent[j]);
			}
			return hk_err_sys(err, e, "pipe for fd %d", i);
		}
		child[i] = i == 0 ? p[0] : p[1];
		parent[i] = i == 0 ? p[1] : p[0];
	}
	return 0;
}

int hk_stdio_proxy(int fds[3], int sigfd, struct hk_err *err)
{
	for (;;) {
		struct pollfd pf[4] = { { sigfd, POLLIN, 0 },
					{ fds[0] >= 0 ? STDIN_FILENO : -1, POLLIN, 0 },
					{ fds[1], POLLIN, 0 },
					{ fds[2], POLLIN, 0 } };
		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return hk_err_sys(err, -errno, "poll");
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR) && !copy(STDIN_FILENO, fds[0])) {
			close(fds[0]); /* EOF on the terminal: EOF for the container */
			fds[0] = -1;
		}
		for (int i = 1; i < 3; i++) {
			if (pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR) && !copy(fds[i], i)) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) == sizeof(si))
				return (int)si.ssi_signo;
		}
	}
}

void hk_stdio_drain(int fds[3])
{
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 0)
			continue;
		if (i > 0) {
			/* not blocking: a process left behind (exec's) may hold the pipe */
			fcntl(fds[i], F_SETFL, O_NONBLOCK);
			char buf[8192];
			ssize_t k;
			while ((k = read(fds[i], buf, sizeof(buf))) > 0)
				if (write(i, buf, (size_t)k) < 0)
					break;
		}
		close(fds[i]);
		fds[i] = -1;
	}
}
