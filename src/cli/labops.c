// SPDX-License-Identifier: MIT
/*
 * The lab's container runtime (see labops.h). A `linux` node's container is made by this
 * same hako binary running `run -d` (so it gets exactly `hako run`'s security defaults,
 * image resolution and monitor); the child's last stderr line is the error. The library
 * stops and removes it and runs exec lines in it (labct.c). `hako lab exec` replaces this
 * process by `hako exec CT CMD`, or by CMD in the node's namespace.
 */
#include "labops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "netns.h"

#define MAX_ARGS 512

struct argv_b {
	char *v[MAX_ARGS + 1];
	char *own[MAX_ARGS]; /* allocated words, freed at the end */
	int n, nown;
};

static void add(struct argv_b *a, const char *s)
{
	if (a->n < MAX_ARGS)
		a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void add_own(struct argv_b *a, char *s)
{
	if (!s)
		return;
	if (a->nown < MAX_ARGS)
		a->own[a->nown++] = s;
	add(a, s);
}

static void argv_free(struct argv_b *a)
{
	for (int i = 0; i < a->nown; i++)
		free(a->own[i]);
}

/* Run child_fn in a child with stdout on /dev/null and stderr in a pipe; its exit status,
 * and on failure err = its last stderr line. */
static int spawn(struct hk_ctx *ctx, void (*child_fn)(void *), void *arg, const char *what,
		 struct hk_err *err)
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
		child_fn(arg);
		_exit(127);
	}
	(void)ctx;
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

static void exec_self(void *arg)
{
	struct argv_b *a = arg;
	execv("/proc/self/exe", a->v);
}

static void self_argv(struct hk_ctx *ctx, struct argv_b *a)
{
	add(a, "hako");
	if (ctx->root) {
		add(a, "--root");
		add(a, ctx->root);
	}
}

/* Split a command line into words (quotes as a shell would); words are copied. */
static int add_words(struct argv_b *a, const char *line, struct hk_err *err)
{
	_cleanup_free_ char *buf = strdup(line);
	char *w[128];
	if (!buf)
		return hk_err_sys(err, -ENOMEM, "lab");
	int n = hk_split_args(buf, w, 128, err);
	for (int i = 0; i < n; i++)
		add_own(a, strdup(w[i]));
	return n < 0 ? n : 0;
}

static char *abs_path(const struct hk_lab *lab, const char *p)
{
	char *s;
	if (p[0] == '/')
		return strdup(p);
	return asprintf(&s, "%s/%s", lab->dir, p) < 0 ? NULL : s;
}

static bool valid_hostname(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") ==
		       strlen(s) &&
	       s[0] != '-';
}

static int ct_start(void *data, const struct hk_lab *lab, const struct hk_lab_node *n,
		    struct hk_err *err)
{
	struct labops_data *d = data;
	struct argv_b a = { 0 };
	self_argv(d->ctx, &a);
	add(&a, "run");
	add(&a, "-d");
	/* a lab node configures its own network (containerlab's exec lines: ip addr add, ...):
	 * hako run's defaults plus CAP_NET_ADMIN; more only where the file asks (cap-add:
	 * FRR's daemons want SYS_ADMIN). containerlab runs its nodes privileged; hako does
	 * not, since CAP_SYS_ADMIN in a container without a user namespace reaches the host
	 * (a cgroup v1 release_agent, mounts) */
	add(&a, "--cap-add");
	add(&a, "NET_ADMIN");
	for (size_t i = 0; i < n->ncap_add; i++) {
		add(&a, "--cap-add");
		add(&a, n->cap_add[i]);
	}
	add(&a, "--name");
	add(&a, n->ctname);
	if (valid_hostname(n->name)) {
		add(&a, "--hostname");
		add(&a, n->name);
	}
	char *net = NULL;
	if (asprintf(&net, "netns:%s", n->netns) < 0)
		net = NULL;
	add(&a, "--net");
	add_own(&a, net);
	for (size_t i = 0; i < n->nbinds; i++) {
		/* SRC:DST[:OPTS], SRC relative to the lab file */
		char *b = n->binds[i], *colon = strchr(b, ':'), *v;
		if (!colon)
			continue;
		_cleanup_free_ char *src = strndup(b, (size_t)(colon - b));
		_cleanup_free_ char *abs = src ? abs_path(lab, src) : NULL;
		add(&a, "-v");
		add_own(&a, abs && asprintf(&v, "%s%s", abs, colon) >= 0 ? v : NULL);
	}
	for (size_t i = 0; i < n->nenv; i++) {
		add(&a, "-e");
		add(&a, n->env[i]);
	}
	int r = 0;
	if (n->rootfs) {
		add(&a, "--rootfs");
		add_own(&a, abs_path(lab, n->rootfs));
		add(&a, "--");
		r = add_words(&a, n->cmd ? n->cmd : "sleep 2147483647", err);
	} else {
		add(&a, n->image);
		if (n->cmd)
			r = add_words(&a, n->cmd, err);
	}
	if (r == 0)
		r = spawn(d->ctx, exec_self, &a, "container", err);
	argv_free(&a);
	return r;
}

static void progress(void *data, const char *phase, size_t done, size_t total)
{
	struct labops_data *d = data;
	if (!d->bar || !total)
		return;
	int w = 30, fill = (int)(done * (size_t)w / total);
	fprintf(stderr, "\r%-10s [%.*s%*s] %zu/%zu", phase, fill, "##############################",
		w - fill, "", done, total);
	fflush(stderr);
	d->drawn = true;
}

void labops_bar_done(struct labops_data *d)
{
	if (d->drawn)
		fputs("\r\033[K", stderr);
	d->drawn = false;
}

void labops_init(struct hk_lab_ops *ops, struct labops_data *data, struct hk_ctx *ctx)
{
	*data = (struct labops_data){ .ctx = ctx, .bar = isatty(2) && !ctx->json };
	struct hk_err e;
	bool paths = hk_paths_init(&data->paths, ctx->root, &e) == 0;
	*ops = (struct hk_lab_ops){ .data = data,
				    .paths = paths ? &data->paths : NULL,
				    .ct_start = ct_start,
				    .progress = progress };
}

int labops_exec(struct hk_ctx *ctx, const struct hk_lab_node *n, char **cmd)
{
	fflush(NULL);
	if (n->kind == HK_LAB_LINUX) {
		struct argv_b a = { 0 };
		self_argv(ctx, &a);
		add(&a, "exec");
		add(&a, n->ctname);
		for (size_t i = 0; cmd[i]; i++)
			add(&a, cmd[i]);
		execv("/proc/self/exe", a.v);
		return hk_err_sys(&ctx->err, -errno, "exec");
	}
	if (!n->netns[0]) {
		execvp(cmd[0], cmd);
	} else {
		int r = hk_netns_enter_exec(n->netns, &ctx->err);
		if (r < 0)
			return r;
		execvp(cmd[0], cmd);
	}
	int e = errno;
	hk_err_sys(&ctx->err, -e, "exec '%s'", cmd[0]);
	return e == ENOENT ? 127 : 126;
}
