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

#include "base/child.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "container.h"
#include "ctexec.h"
#include "ctstop.h"
#include "ctwait.h"
#include "netns.h"

/* err prefixed with what; the lab's step failed (exit 1), whatever the container's error (a
 * node stop of a container removed by hand is not a missing lab or node) */
static int failed(struct hk_err *err, const char *what)
{
	hk_err_prefix(err, "%s", what);
	hk_err_class_set(err, HK_ERR_FAILED);
	return err->code < 0 ? err->code : -EIO;
}

int hk_lab_ct_stop(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		   struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get_name(st, ctname, &c, err);
	if (r == 0) {
		r = hk_ct_stop(st, p, &c, -1, 0, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? failed(err, "stop") : 0;
}

int hk_lab_ct_remove(struct hk_store *st, const struct hk_paths *p, const char *ctname,
		     struct hk_err *err)
{
	struct hk_ct_row c;
	int r = hk_store_get_name(st, ctname, &c, err);
	if (r == -ENOENT) {
		hk_err_clear(err);
		return 0;
	}
	if (r == 0) {
		r = hk_ct_rm(st, p, &c, true, err);
		hk_ct_row_free(&c);
	}
	return r < 0 ? failed(err, "rm") : 0;
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
		return hk_child_run(exec_in_netns, &x, "exec", err);
	}
	if (!p)
		return hk_err_set(err, -EOPNOTSUPP, "exec: no container runtime");
	struct hk_ct_row c;
	int r = hk_store_get_name(st, n->ctname, &c, err);
	if (r < 0)
		return failed(err, "exec");
	struct ctexec x = { p, &c, argv };
	r = hk_child_run(exec_in_ct, &x, "exec", err);
	hk_ct_row_free(&c);
	return r;
}

struct words {
	char **v;
	size_t n, cap;
	bool oom;
};

/* s is taken (freed when it cannot be kept) */
static void add_own(struct words *w, char *s)
{
	if (!s || w->n + 1 >= w->cap) {
		free(s);
		w->oom = true;
		return;
	}
	w->v[w->n++] = s;
}

static void add(struct words *w, const char *s)
{
	add_own(w, strdup(s));
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

#define CMD_WORDS_MAX 128

/* Split a command line into words (quotes as a shell would). */
static int add_words(struct words *w, const char *line, struct hk_err *err)
{
	_cleanup_free_ char *buf = strdup(line);
	char *v[CMD_WORDS_MAX];
	if (!buf)
		return hk_err_sys(err, -ENOMEM, "lab");
	int n = hk_split_args(buf, v, CMD_WORDS_MAX, err);
	for (int i = 0; i < n; i++)
		add(w, v[i]);
	return n < 0 ? n : 0;
}

void hk_lab_run_args_free(char **args)
{
	for (size_t i = 0; args && args[i]; i++)
		free(args[i]);
	free(args);
}

int hk_lab_run_args(const struct hk_lab *lab, const struct hk_lab_node *n, char ***ret,
		    struct hk_err *err)
{
	struct words w = { .cap = 16 + 2 * (n->ncap_add + n->nbinds + n->nenv) + CMD_WORDS_MAX };
	*ret = NULL;
	if (!(w.v = calloc(w.cap, sizeof(char *))))
		return hk_err_sys(err, -ENOMEM, "lab");
	/* a lab node configures its own network (containerlab's exec lines: ip addr add, ...):
	 * hako run's defaults plus CAP_NET_ADMIN; more only where the file asks (cap-add:
	 * FRR's daemons want SYS_ADMIN). containerlab runs its nodes privileged; hako does
	 * not, since CAP_SYS_ADMIN in a container without a user namespace reaches the host
	 * (a cgroup v1 release_agent, mounts) */
	add(&w, "--cap-add");
	add(&w, "NET_ADMIN");
	for (size_t i = 0; i < n->ncap_add; i++) {
		add(&w, "--cap-add");
		add(&w, n->cap_add[i]);
	}
	add(&w, "--name");
	add(&w, n->ctname);
	if (valid_hostname(n->name)) {
		add(&w, "--hostname");
		add(&w, n->name);
	}
	char *net = NULL;
	add(&w, "--net");
	add_own(&w, asprintf(&net, "netns:%s", n->netns) < 0 ? NULL : net);
	for (size_t i = 0; i < n->nbinds; i++) {
		/* SRC:DST[:OPTS], SRC relative to the lab file */
		const char *b = n->binds[i], *colon = strchr(b, ':');
		if (!colon)
			continue;
		_cleanup_free_ char *src = strndup(b, (size_t)(colon - b));
		_cleanup_free_ char *abs = src ? abs_path(lab, src) : NULL;
		char *v = NULL;
		add(&w, "-v");
		add_own(&w, abs && asprintf(&v, "%s%s", abs, colon) >= 0 ? v : NULL);
	}
	for (size_t i = 0; i < n->nenv; i++) {
		add(&w, "-e");
		add(&w, n->env[i]);
	}
	int r = 0;
	if (n->rootfs) {
		add(&w, "--rootfs");
		add_own(&w, abs_path(lab, n->rootfs));
		add(&w, "--");
		r = add_words(&w, n->cmd ? n->cmd : "sleep 2147483647", err);
	} else {
		add(&w, n->image);
		if (n->cmd)
			r = add_words(&w, n->cmd, err);
	}
	if (r == 0 && w.oom)
		r = hk_err_sys(err, -ENOMEM, "lab");
	if (r < 0) {
		hk_lab_run_args_free(w.v);
		return r;
	}
	*ret = w.v;
	return 0;
}
