// SPDX-License-Identifier: MIT
/* A linux node's container (labct.h). */
#include "labct.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "ctexec.h"
#include "ctstop.h"
#include "ctwait.h"
#include "netns.h"

int hk_lab_ct_stop(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		   struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get(st, ctname, &c, err);
	if (r == 0) {
		r = hk_ct_stop(st, p, &c, -1, 0, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? hk_err_prefix(err, "stop") : 0;
}

int hk_lab_ct_remove(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		     struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get(st, ctname, &c, err);
	if (r == -ENOENT) {
		hk_err_clear(err);
		return 0;
	}
	if (r == 0) {
		r = hk_ct_rm(st, p, &c, true, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? hk_err_prefix(err, "rm") : 0;
}

/* Run child_fn in a child with stdin and stdout on /dev/null, stderr in a pipe and no other
 * descriptor; its exit status, and on failure err = its last stderr line. */
static int spawn(void (*child_fn)(void *), void *arg, const char *what, struct hk_err *err)
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
		close_range(3, ~0U, 0); /* the store, the lab's namespaces and sockets */
		child_fn(arg);
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

struct ctexec {
	const struct hk_paths *paths;
	const struct hk_ct_row *row;
	char **argv;
};

/* As `hako exec CT CMD`: the command's exit status is this child's. */
static void exec_in_ct(void *arg)
{
	struct ctexec *x = arg;
	sigset_t fwd;
	hk_ct_fwd_sigset(&fwd);
	struct hk_ct_exec_req q = { .argv = x->argv, .block = &fwd };
	struct hk_ct_exec_proc proc;
	struct hk_err e = { 0 };
	int status;
	if (hk_ct_exec_start(x->paths, x->row, &q, &proc, &status, &e) < 0) {
		fprintf(stderr, "hako: %s\n", e.msg);
		_exit(status ? status : HK_EXIT_HAKO);
	}
	_exit(hk_ct_wait_fwd(proc.pid, -1, false, proc.proxy));
}

struct nsexec {
	const char *netns;
	char **argv;
};

static void exec_in_netns(void *arg)
{
	struct nsexec *x = arg;
	struct hk_err e = { 0 };
	if (hk_netns_enter_exec(x->netns, &e) < 0) {
		fprintf(stderr, "hako: %s\n", e.msg);
		_exit(1);
	}
	execvp(x->argv[0], x->argv);
	fprintf(stderr, "hako: exec '%s': %s\n", x->argv[0], strerror(errno));
	_exit(127);
}

int hk_lab_node_exec(struct hk_store *st, const struct hk_paths *p, const struct hk_lab_node *n,
		     const char *cmd, struct hk_err *err)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	if (n->kind != HK_LAB_LINUX) {
		struct nsexec x = { n->netns, argv };
		return spawn(exec_in_netns, &x, "exec", err);
	}
	if (!p)
		return hk_err_set(err, -EOPNOTSUPP, "exec: no container runtime");
	struct hk_ct_row c;
	int r = hk_store_get(st, n->ctname, &c, err);
	if (r < 0)
		return hk_err_prefix(err, "exec");
	struct ctexec x = { p, &c, argv };
	r = spawn(exec_in_ct, &x, "exec", err);
	hk_ct_row_free(&c);
	return r;
}
