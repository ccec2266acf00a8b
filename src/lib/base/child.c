// SPDX-License-Identifier: MIT
/* A child process whose last stderr line is the error (child.h). */
#include "base/child.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int hk_child_run(void (*fn)(void *), void *arg, const char *what, struct hk_err *err)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "%s: pipe", what);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return hk_err_sys(err, -errno, "%s: fork", what);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		dup2(pfd[1], 2);
		close_range(3, ~0U, 0); /* the caller's store, namespaces, sockets */
		fn(arg);
		_exit(127);
	}
	close(pfd[1]);
	char buf[4096];
	size_t n = 0;
	ssize_t k;
	while ((k = read(pfd[0], buf + n, sizeof(buf) - 1 - n)) > 0 || (k < 0 && errno == EINTR)) {
		if (k < 0)
			continue;
		n += (size_t)k;
		if (n == sizeof(buf) - 1) { /* keep the tail */
			memmove(buf, buf + n / 2, n - n / 2);
			n -= n / 2;
		}
	}
	close(pfd[0]);
	buf[n] = 0;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return hk_err_sys(err, -errno, "%s: wait", what);
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (status == 0)
		return 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	char *line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	if (!strncmp(line, "hako: ", 6))
		line += 6;
	hk_err_set(err, -EIO, "%s: %s", what, line[0] ? line : "failed");
	return -EIO;
}
