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
	int i = 0;
	o->env[o->nenv++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	o->env[o->nenv++] = "HOME=/root";
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-e") || !strcmp(a, "-w")) && i + 1 < argc) {
			if (a[1] == 'w') {
				o->workdir = argv[++i];
			} else if (o->nenv < MAX_ENV && strchr(argv[i + 1], '=')) {
				o->env[o->nenv++] = argv[++i];
			} else {
				return cmd_usage(ctx, "exec: -e '%s': expected KEY=VALUE", argv[i + 1]);
			}
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			if (*c == 't')
				o->tty = true;
			else if (*c == 'i')
				o->interactive = true;
			else
				return cmd_usage(ctx, "exec: unknown option '%s'", a);
		}
	}
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

static void child(const struct exec_opts *o, int slave, int report_fd)
{
	struct hk_err err = {};
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* hako's code inside the container's pid namespace until execve: no /proc/PID/exe,
	 * no ptrace for the container's processes (CVE-2019-5736) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (slave >= 0) {
		if (hk_pty_become(slave, &err) < 0)
			goto fail;
	} else if (!o->interactive) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, 0);
	}
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	if (chdir(o->workdir ? o->workdir : "/") < 0) {
		hk_err_sys(&err, -errno, "working directory '%s'", o->workdir);
		goto fail;
	}
	environ = (char **)o->env;
	if (hk_sec_apply(&o->sec.sec.plan, &err) < 0)
		goto fail;
	/* execvp through the sealed trampoline: it reports an exec failure itself */
	hk_tramp_exec(o->tramp_fd, report_fd, o->argv, o->env, &err);
fail:;
	struct hk_exec_report m = { HK_STEP_SETUP, err };
	if (write(report_fd, &m, sizeof(m)) < 0)
		_exit(HK_EXIT_HAKO);
	_exit(HK_EXIT_HAKO);
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
	sigset_t set;
	ct_fwd_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(&ctx->err, -errno, "fork");
	if (pid == 0) {
		close(rep[0]);
		child(o, slave, rep[1]);
	}
	close(rep[1]);
	if (slave >= 0)
		close(slave);
	struct hk_exec_report m;
	ssize_t k = read(rep[0], &m, sizeof(m));
	close(rep[0]);
	if (k == (ssize_t)sizeof(m)) {
		int status;
		ctx->err = m.err;
		hk_exec_report_finish(&ctx->err);
		waitpid(pid, &status, 0);
		return ct_fail(ctx, hk_ct_exit_code(status));
	}
	return ct_wait_fwd(pid, o->tty ? master : -1, o->interactive);
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
