// SPDX-License-Identifier: MIT
/*
 * hako exec [-t] [-i] [-d] [-u USER] [-e K=V] [-w DIR] CT -- CMD: hk_ct_exec_start (ctexec.h)
 * takes the container's security, environment and working directory from its stored config
 * (as Docker's exec: -e and -w over them); this process joins the container and forks the
 * command, which lands in the container's pid namespace. Exit status: the command's; 126/127
 * when it cannot be run; 125 for hako's own failures.
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
#include "ctwait.h"
#include "ctexec.h"

#define MAX_ENV 256

struct exec_opts {
	bool tty, interactive, detach;
	const char *workdir;
	const char *user;	   /* -u USER[:GROUP]: names resolved in the container's /etc */
	const char *uenv[MAX_ENV]; /* -e: K=V, or K (hako's own value, as Docker's) */
	size_t nuenv;
	char **argv;
	const char *ct;
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

static int do_exec(struct hk_ctx *ctx, struct exec_opts *o)
{
	struct hk_paths p;
	struct hk_ct_row c;
	int r = ct_get(ctx, o->ct, &p, &c);
	if (r < 0)
		return r;
	sigset_t fwd;
	hk_ct_fwd_sigset(&fwd);
	struct hk_ct_exec_req q = {
		.argv = o->argv,
		.env = o->uenv,
		.nenv = o->nuenv,
		.workdir = o->workdir,
		.user = o->user,
		.tty = o->tty,
		.interactive = o->interactive,
		.detach = o->detach,
		.block = &fwd,
	};
	struct hk_ct_exec_proc proc;
	int status;
	r = hk_ct_exec_start(&p, &c, &q, &proc, &status, &ctx->err);
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
	return r < 0 ? ct_fail(ctx, HK_EXIT_HAKO) : r;
}
