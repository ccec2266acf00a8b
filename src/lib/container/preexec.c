// SPDX-License-Identifier: MIT
/* The pre-exec sequence shared by `hako run` and `hako exec` (see preexec.h). */
#include "preexec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fdpass.h"
#include "container.h"
#include "inroot.h"
#include "security.h"
#include "tramp.h"

int hk_keyring_new_session(struct hk_err *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return hk_err_sys(err, -errno, "join a new session keyring");
	return 0;
}

int hk_groups_clear(struct hk_err *err)
{
	if (setgroups(0, NULL) < 0)
		return hk_err_sys(err, -errno, "setgroups: drop the supplementary groups");
	return 0;
}

int hk_workdir_open(const char *wd, bool create, struct hk_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hk_err_sys(err, -errno, "open the container's root");
	int fd = hk_inroot_open(root, wd);
	if (fd == -ENOENT && create)
		fd = hk_inroot_target(root, wd, false, err);
	if (fd == -ELOOP)
		return hk_err_set(err, fd,
				  "working directory '%s': refused: it resolves through a "
				  "/proc magic link or too many symbolic links",
				  wd);
	if (fd < 0)
		return hk_err_sys(err, fd, "working directory '%s'", wd);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return hk_err_sys(err, -ENOTDIR, "working directory '%s'", wd);
	}
	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor from 3 + preserve up but those in keep (n <= 8). */
static void close_all_but(int *keep, size_t n, int preserve)
{
	qsort(keep, n, sizeof(*keep), cmp_int);
	unsigned from = 3 + (unsigned)preserve;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0U);
}

/* env with LISTEN_PID=<this process's pid> (its pid namespace's: the command's own, as
 * sd_listen_fds() compares it with getpid()) in place of any LISTEN_PID there; buf holds
 * the string. NULL: out of memory. */
static char *const *listen_env(char *const *env, char *buf, size_t len)
{
	size_t n = 0;
	while (env && env[n])
		n++;
	char **e = calloc(n + 2, sizeof(*e));
	if (!e)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], "LISTEN_PID=", 11))
			e[k++] = env[i];
	snprintf(buf, len, "LISTEN_PID=%d", (int)getpid());
	e[k] = buf;
	return e;
}

void hk_preexec_run(const struct hk_preexec *p)
{
	struct hk_err err = {};
	int wd = p->workdir_fd;
	char lpid[32];
	const char *wdname = p->workdir ? p->workdir : "/";
	char go;
	if (p->pty_slave >= 0) {
		if (hk_pty_become(p->pty_slave, &err) < 0)
			goto fail;
	} else {
		/* no controlling terminal, a process group of its own: the operator's terminal
		 * and job are out of reach (TIOCSTI, kill(0, ...)) */
		if (setsid() < 0 && errno != EPERM) {
			hk_err_sys(&err, -errno, "setsid");
			goto fail;
		}
		for (int i = 0; i < 3; i++) {
			if (p->stdio[i] >= 0 && p->stdio[i] != i && dup2(p->stdio[i], i) < 0) {
				hk_err_sys(&err, -errno, "dup2 onto fd %d", i);
				goto fail;
			}
		}
	}
	/* nothing of the host stays open: a directory fd here would be a way out through
	 * /proc/self/fd/N (CVE-2024-21626) */
	int keep[] = { p->report_fd, p->tramp_fd, p->go_fd, wd, p->seccomp_sock };
	close_all_but(keep, HK_ARRAY_SIZE(keep), p->preserve_fds > 0 ? p->preserve_fds : 0);
	if (wd < 0 && (wd = hk_workdir_open(wdname, p->mkdir_workdir, &err)) < 0)
		goto fail;
	if (fchdir(wd) < 0) {
		hk_err_sys(&err, -errno, "working directory '%s'", wdname);
		goto fail;
	}
	close(wd);
	wd = -1;
	/* under the root: getcwd() fails (or says "(unreachable)") for a directory outside it */
	char cwd[HK_PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
		hk_err_set(&err, -EPERM, "working directory '%s': not inside the container",
			   wdname);
		goto fail;
	}
	int nfd = p->sec ? hk_sec_apply(p->sec, &err) : 0;
	if (nfd < 0)
		goto fail;
	if (nfd > 0) { /* the agent's: to the runtime, never kept (nor exec'd with) */
		int k = p->seccomp_sock >= 0 ? hk_fd_send(p->seccomp_sock, "s", 1, nfd) : 0;
		close(nfd);
		if (k < 0) {
			hk_err_sys(&err, k, "seccomp: send the notification fd to the runtime");
			goto fail;
		}
	}
	if (p->seccomp_sock >= 0)
		close(p->seccomp_sock);
	if (p->go_fd >= 0) {
		hk_exec_report_send(p->report_fd, HK_STEP_PREPARED, NULL);
		if (read(p->go_fd, &go, 1) != 1)
			_exit(HK_EXIT_HAKO); /* the parent gave up */
	}
	char *const *env = p->env;
	if (p->listen_pid && !(env = listen_env(p->env, lpid, sizeof(lpid)))) {
		hk_err_sys(&err, -ENOMEM, "LISTEN_PID");
		goto fail;
	}
	/* execvp through the sealed trampoline: it reports an exec failure itself */
	hk_tramp_exec(p->tramp_fd, p->report_fd, p->argv, env, &err);
fail:
	hk_exec_report_send(p->report_fd, HK_STEP_SETUP, &err);
	/* run: the namespaces must outlive the parent's persisting them (its go, or EOF) */
	if (p->go_fd >= 0 && read(p->go_fd, &go, 1) < 0)
		_exit(HK_EXIT_HAKO);
	_exit(HK_EXIT_HAKO);
}
