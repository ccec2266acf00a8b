// SPDX-License-Identifier: MIT
/* A VM's serial console on hako's terminal (see console.h). */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t k = write(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -errno;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Copy one read of from to to; 1 more to come, 0 at its end, 2 the escape key seen. */
static int pump(int from, int to, bool escape)
{
	char buf[4096];
	ssize_t k = read(from, buf, sizeof(buf));
	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (k <= 0)
		return 0;
	char *esc = escape ? memchr(buf, HK_CONSOLE_ESCAPE, (size_t)k) : NULL;
	size_t n = esc ? (size_t)(esc - buf) : (size_t)k;
	if (write_all(to, buf, n) < 0)
		return 0;
	return esc ? 2 : 1;
}

int hk_console_attach(int fd, int quiet_ms, struct hk_err *err)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	bool in_open = true;
	int ret = 0;
	for (;;) {
		struct pollfd pf[2] = { { fd, POLLIN, 0 },
					{ in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		int k = poll(pf, 2, in_open ? -1 : quiet_ms);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ret = hk_err_sys(err, -errno, "console: poll");
			break;
		}
		if (k == 0)
			break; /* input ended and the console has been quiet */
		if ((pf[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    pump(fd, STDOUT_FILENO, false) == 0)
			break; /* qemu closed it */
		if (pf[1].revents & (POLLIN | POLLHUP)) {
			int p = pump(STDIN_FILENO, fd, tty);
			if (p == 2)
				break;
			if (p == 0)
				in_open = false;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return ret;
}
