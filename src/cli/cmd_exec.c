// SPDX-License-Identifier: MIT
/*
 * hako exec [-t] [-i] [-e K=V] [-w DIR] CT -- CMD: this process joins the container
 * (cgroup, namespaces, root: nsjoin.c) and forks the command, which lands in the
 * container's pid namespace. Exit status: the command's; 126/127 when it cannot be run;
 * 125 for hako's own failures.
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
#include "preexec.h"
#include "security.h"
#include "run_sec.h"
#include "tramp.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#define MAX_ENV 256

struct exec_opts {
	bool tty, interactive;
	const char *workdir;
	char *env[MAX_ENV + 4];
	size_t nenv;
	char **argv;
	const char *ct;
	struct run_sec sec; /* the container's caps, no_new_privs, seccomp (run_sec.c) */
	int tramp_fd;	    /* the sealed exec trampoline (tramp.h) */
};

static int parse(struct hk_ctx *ctx, struct exec_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {{}}; /* short options only */
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	o->env[o->nenv++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	o->env[o->nenv++] = "HOME=/root";
	/* options end at CT: the command's own follow it */
	int c, r = cmd_getopt_init(ctx, &g, "exec", "+:tie:w:", opts, argc, argv);
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
		case 'e':
			if (o->nenv < MAX_ENV && strchr(optarg, '='))
				o->env[o->nenv++] = optarg;
			else
				r = cmd_usage(ctx, "exec: -e '%s': expected KEY=VALUE", optarg);
			break;
		default:
			r = cmd_getopt_bad(ctx, &g, c);
		}
	}
	if (r < 0)
		return r;
	int i = g.rest;
	if (i >= argc)
		return cmd_usage(ctx, "exec: missing container; hako exec [-t] CT -- CMD [ARGS...]");
	o->ct = argv[i++];
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return cmd_usage(ctx, "exec: missing command");
	if (o->tty)
		o->env[o->nenv++] = "TERM=xterm";
	o->argv = argv + i;
	return 0;
}

static __attribute__((noreturn)) void child(const struct exec_opts *o, int slave, int wd,
					   const int *stdio, int report_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct hk_preexec p = {
		.argv = o->argv,
		.env = (char *const *)o->env,
		.pty_slave = slave,
		.stdio = { stdio[0], stdio[1], stdio[2] },
		.workdir = o->workdir,
		.workdir_fd = wd,
		.sec = NULL, /* applied by the parent before fork (do_exec) */
		.report_fd = report_fd,
		.tramp_fd = o->tramp_fd,
		.go_fd = -1,
	};
	if (slave < 0 && !o->interactive)
		p.stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	hk_preexec_run(&p);
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
	char nsdir[HK_PATH_MAX], cg[64];
	hk_ct_nsdir(&p, c.id, nsdir, sizeof(nsdir));
	hk_ct_cgroup(c.id, cg, sizeof(cg));
	bool own_net = hk_ct_own_net(c.net);
	pid_t init = c.pid;
	r = runsec_from_config(ctx, c.config, &o->sec);
	hk_ct_row_free(&c);
	if (r < 0)
		return r;
	_cleanup_close_ int master = -1, tramp = hk_tramp_open(&ctx->err);
	int slave = -1, rep[2];
	if (tramp < 0)
		return tramp;
	o->tramp_fd = tramp;
	if (pipe2(rep, O_CLOEXEC) < 0)
		return hk_err_sys(&ctx->err, -errno, "pipe");
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer's exit-time check hangs once this process is in the container's root
	 * (that /proc does not show it): check now, which also cancels the exit-time one */
	__lsan_do_leak_check();
#endif
	r = hk_ct_join(init, nsdir, cg, own_net, &ctx->err);
	if (r < 0)
		return r;
	/* after joining: the pty comes from the container's own devpts (/dev/ptmx there), so
	 * the command sees its terminal under /dev/pts (tty, ttyname work) */
	if (o->tty && hk_pty_open(&master, &slave, &ctx->err) < 0)
		return -EIO;
	/* without -t: pipes, never our terminal */
	int cstdio[3] = { -1, -1, -1 }, proxy[3] = { -1, -1, -1 };
	if (!o->tty && hk_stdio_pipes(o->interactive, cstdio, proxy, &ctx->err) < 0)
		return -EIO;
	/* the working directory, resolved inside the container's root while we may */
	_cleanup_close_ int wd = hk_workdir_open(o->workdir ? o->workdir : "/", false, &ctx->err);
	if (wd < 0)
		return wd;
	/* The child becomes visible to the container's processes the moment it is forked: it
	 * must hold no more than they do. So this process takes the container's restrictions
	 * now (a fresh session keyring, capabilities, user, no_new_privs, seccomp); it only
	 * waits, forwards signals and copies the pty from here on. */
	if (hk_keyring_new_session(&ctx->err) < 0 ||
	    hk_sec_apply(&o->sec.sec.plan, &ctx->err) < 0)
		return -EPERM;
	sigset_t set;
	ct_fwd_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "fork");
	if (pid == 0) {
		close(rep[0]);
		child(o, slave, wd, cstdio, rep[1]);
	}
	close(rep[1]);
	if (slave >= 0)
		close(slave);
	for (int i = 0; i < 3; i++)
		if (cstdio[i] >= 0)
			close(cstdio[i]);
	struct hk_exec_report m;
	int k = hk_exec_report_recv(rep[0], &m);
	close(rep[0]);
	if (k == 1) {
		int status;
		ctx->err = m.err;
		hk_exec_report_finish(&ctx->err);
		waitpid(pid, &status, 0);
		hk_stdio_drain(proxy);
		return ct_fail(ctx, hk_ct_exit_code(status));
	}
	return ct_wait_fwd(pid, o->tty ? master : -1, o->interactive, proxy);
}

int cmd_ct_exec(struct hk_ctx *ctx, int argc, char **argv)
{
	struct exec_opts o = {};
	int r = parse(ctx, &o, argc, argv);
	if (r < 0)
		return ct_fail(ctx, HK_EXIT_HAKO);
	r = do_exec(ctx, &o);
	runsec_free(&o.sec);
	return r < 0 ? ct_fail(ctx, HK_EXIT_HAKO) : r;
}
