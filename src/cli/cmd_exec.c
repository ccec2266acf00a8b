// SPDX-License-Identifier: MIT
/*
 * hako exec [-t] [-i] [-d] [-u USER] [-e K=V] [-w DIR] CT -- CMD: the container's security,
 * environment and working directory from its stored config (as Docker's exec: -e and -w over them),
 * then hk_ct_exec (ctexec.h): this process joins the container and forks the command, which lands
 * in the container's pid namespace. Exit status: the command's; 126/127 when it cannot be run; 125
 * for hako's own failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"
#include "ct.h"
#include "ctconfig.h"
#include "ctwait.h"
#include "ctexec.h"
#include "runflags.h"
#include "runsec.h"

#define MAX_ENV 256

struct exec_opts {
	bool tty, interactive, detach;
	const char *workdir;
	const char *user;	   /* -u USER[:GROUP]: names resolved in the container's /etc */
	const char *uenv[MAX_ENV]; /* -e: K=V, or K (hako's own value, as Docker's) */
	size_t nuenv;
	char *env[2 * MAX_ENV + 4]; /* what the command gets (build_env) */
	size_t nenv;
	char *owned[MAX_ENV]; /* the K=V of -e K */
	size_t nowned;
	char **argv;
	const char *ct;
	struct hk_runsec sec; /* the container's caps, no_new_privs, seccomp (runsec.c) */
};

static int parse(struct hk_ctx *ctx, struct exec_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tty", no_argument, NULL, 't' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "detach", no_argument, NULL, 'd' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	/* options end at CT: the command's own follow it */
	int c, r = cmd_getopt_init(ctx, &g, "exec", "+:tie:w:u:d", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		switch (c) {
		case 't':
			o->tty = true;
			break;
		case 'i':
			o->interactive = true;
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'e':
			if (o->nuenv < MAX_ENV && optarg[0] && optarg[0] != '=')
				o->uenv[o->nuenv++] = optarg;
			else
				r = cmd_usage(ctx, "exec: -e '%s': expected KEY=VALUE or KEY",
					      optarg);
			break;
		default:
			r = cmd_getopt_bad(ctx, &g, c);
		}
	}
	if (r < 0)
		return r;
	int i = g.rest;
	if (i >= argc)
		return cmd_usage(ctx,
				 "exec: missing container; hako exec [-t] CT -- CMD [ARGS...]");
	o->ct = argv[i++];
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return cmd_usage(ctx, "exec: missing command");
	if (o->detach && (o->tty || o->interactive))
		return cmd_usage(ctx,
				 "exec: -d with %s: a detached command has no terminal or "
				 "input",
				 o->tty ? "-t" : "-i");
	o->argv = argv + i;
	return 0;
}

/* Do a and b (K=V or K) name the same variable? */
static bool same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
	return ka == kb && !strncmp(a, b, ka);
}

static void env_put(struct exec_opts *o, char *kv)
{
	for (size_t i = 0; i < o->nenv; i++)
		if (same_key(o->env[i], kv)) {
			o->env[i] = kv;
			return;
		}
	o->env[o->nenv++] = kv;
}

/* The container's stored environment (a container from before it was stored: PATH and HOME),
 * then -e (K alone: hako's own value, left out when hako has none), then TERM with -t. */
static void build_env(struct exec_opts *o, char **stored)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		    home[] = "HOME=/root", term[] = "TERM=xterm";
	if (!stored) {
		env_put(o, path);
		env_put(o, home);
	}
	for (size_t i = 0; stored && stored[i] && o->nenv < MAX_ENV; i++)
		env_put(o, stored[i]);
	for (size_t i = 0; i < o->nuenv; i++) {
		char *kv = (char *)o->uenv[i];
		if (!strchr(kv, '=')) {
			const char *v = getenv(kv);
			if (!v || asprintf(&o->owned[o->nowned], "%s=%s", kv, v) < 0)
				continue;
			kv = o->owned[o->nowned++];
		}
		env_put(o, kv);
	}
	if (o->tty) {
		bool has = false;
		for (size_t i = 0; i < o->nenv; i++)
			has |= same_key(o->env[i], term);
		if (!has)
			env_put(o, term);
	}
	o->env[o->nenv] = NULL;
}

/* -u USER[:GROUP] (Docker's exec -u): numbers, or names in the running container's own
 * /etc/passwd and /etc/group, read beneath its root; its capabilities as the container's
 * for that user. */
static int exec_user(struct hk_ctx *ctx, struct exec_opts *o, const struct hk_ct_row *c)
{
	char root[64];
	snprintf(root, sizeof(root), "/proc/%d/root", (int)c->pid);
	_cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !hk_proc_alive(c->pid, c->pid_start))
		return hk_err_set(&ctx->err, -ESRCH, "container '%s' is not running", c->name);
	uid_t uid;
	gid_t gid;
	int r = hk_ct_rootfs_user(fd, o->user, &uid, &gid, &ctx->err);
	if (r == 0)
		r = hk_runsec_set_user(&o->sec, uid, gid, &ctx->err);
	return r < 0 ? hk_err_prefix(&ctx->err, "exec") : 0;
}

static int do_exec(struct hk_ctx *ctx, struct exec_opts *o)
{
	struct hk_paths p;
	struct hk_ct_row c;
	int r = ct_get(ctx, o->ct, &p, &c);
	if (r < 0)
		return r;
	if (strcmp(c.state, HK_CT_RUNNING) || !hk_proc_alive(c.pid, c.pid_start)) {
		hk_err_set(&ctx->err, -ESRCH, "container '%s' is not running", c.name);
		hk_ct_row_free(&c);
		return -ESRCH;
	}
	r = hk_runsec_from_config(&o->sec, c.config, ctx->root, &ctx->err);
	_cleanup_(hk_ct_config_env_freep) char **stored = NULL;
	_cleanup_free_ char *workdir = NULL;
	if (r == 0 && hk_ct_config_proc(c.config, &stored, &workdir) < 0)
		r = hk_err_sys(&ctx->err, -ENOMEM, "exec");
	if (r < 0) {
		hk_ct_row_free(&c);
		return r;
	}
	if (o->user && (r = exec_user(ctx, o, &c)) < 0) {
		hk_ct_row_free(&c);
		return r;
	}
	build_env(o, stored);
	sigset_t fwd;
	hk_ct_fwd_sigset(&fwd);
	struct hk_ct_exec x = {
		.paths = &p,
		.row = &c,
		.argv = o->argv,
		.env = (char *const *)o->env,
		.workdir = o->workdir ? o->workdir : workdir,
		.tty = o->tty,
		.interactive = o->interactive,
		.detach = o->detach,
		.sec = &o->sec.sec.plan,
		.block = &fwd,
	};
	struct hk_ct_exec_proc proc;
	int status;
	r = hk_ct_exec(&x, &proc, &status, &ctx->err);
	hk_ct_row_free(&c);
	if (r < 0)
		return status ? ct_fail(ctx, status) : r;
	if (o->detach) /* started: the container's init reaps it (Docker's exec -d) */
		return 0;
	int code =
		hk_ct_wait_fwd(proc.pid, o->tty ? proc.pty_master : -1, o->interactive, proc.proxy);
	if (proc.pty_master >= 0)
		close(proc.pty_master);
	return code;
}

int cmd_ct_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	struct exec_opts o = {};
	int r = parse(ctx, &o, argc, argv);
	if (r < 0)
		return ct_fail(ctx, HK_EXIT_HAKO);
	r = do_exec(ctx, &o);
	hk_runsec_free(&o.sec);
	for (size_t i = 0; i < o.nowned; i++)
		free(o.owned[i]);
	return r < 0 ? ct_fail(ctx, HK_EXIT_HAKO) : r;
}
