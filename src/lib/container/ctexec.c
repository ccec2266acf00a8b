// SPDX-License-Identifier: MIT
/* hk_ct_exec (ctexec.h): a command in a running container, `hako exec`. */
#include "ctexec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"
#include "ctconfig.h"
#include "preexec.h"
#include "runflags.h"
#include "runsec.h"
#include "security.h"
#include "tramp.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

static __attribute__((noreturn)) void child(const struct hk_ct_exec *x, int slave, int wd,
					    const int *stdio, int report_fd, int tramp_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022); /* as Docker's and runc's exec: never the operator's */
	struct hk_preexec p = {
		.argv = x->argv,
		.env = x->env,
		.pty_slave = slave,
		.stdio = { stdio[0], stdio[1], stdio[2] },
		.workdir = x->workdir,
		.workdir_fd = wd,
		.sec = NULL, /* applied by the parent before fork (hk_ct_exec) */
		.report_fd = report_fd,
		.tramp_fd = tramp_fd,
		.go_fd = -1,
		.preserve_fds = x->preserve_fds,
		.seccomp_sock = -1,
	};
	if (slave < 0 && !x->interactive)
		p.stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int i = 1; x->detach && i < 3; i++)
		p.stdio[i] = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (x->detach) {
		/* exec -d: the command is forked once more, here in the container's pid
		 * namespace, and this process exits: the command's orphan goes to the container's
		 * init, which reaps it (an orphan of hako's own exec process would go to a reaper
		 * outside and stay a zombie in the container). In a `hako oci` container the init
		 * is the container's own process, which reaps it or not, as under runc. The
		 * report pipe is the command's. */
		pid_t g = fork();
		if (g < 0) {
			struct hk_err e;
			hk_err_sys(&e, -errno, "exec -d: fork");
			hk_exec_report_send(report_fd, HK_STEP_SETUP, &e);
			_exit(HK_EXIT_HAKO);
		}
		if (g > 0)
			_exit(0);
	}
	hk_preexec_run(&p);
}

int hk_ct_exec(const struct hk_ct_exec *x, struct hk_ct_exec_proc *ret, int *ret_status,
	       struct hk_err *err)
{
	*ret = (struct hk_ct_exec_proc){ .pid = -1, .pty_master = -1, .proxy = { -1, -1, -1 } };
	*ret_status = 0;
	char nsdir[HK_PATH_MAX], cg[HK_PATH_MAX];
	hk_ct_nsdir(x->paths, x->row->id, nsdir, sizeof(nsdir));
	hk_ct_row_cgroup(x->row, cg, sizeof(cg));
	/* joining a frozen cgroup would freeze this process with it (Docker refuses too) */
	if (hk_cgroup_frozen(cg))
		return hk_err_usage(err, "container '%s' is paused; unpause it before exec",
				    x->row->name);
	bool own_net = hk_ct_own_net(x->row->net);
	pid_t init = x->row->pid;
	_cleanup_close_ int master = -1, tramp = hk_tramp_open(err), wd = -1;
	int slave = -1, rep[2] = { -1, -1 }, cstdio[3] = { -1, -1, -1 }, proxy[3] = { -1, -1, -1 };
	int r = tramp;
	if (tramp < 0)
		return tramp;
	if (pipe2(rep, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "pipe");
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer's exit-time check hangs once this process is in the container's root
	 * (that /proc does not show it): check now, which also cancels the exit-time one */
	__lsan_do_leak_check();
#endif
	r = hk_ct_join(init, x->row->pid_start, nsdir, cg, own_net, err);
	/* after joining: the pty comes from the container's own devpts (/dev/ptmx there), so
	 * the command sees its terminal under /dev/pts (tty, ttyname work); without -t: pipes,
	 * never our terminal */
	if (r == 0 && x->tty && !x->detach)
		r = hk_pty_open(&master, &slave, err);
	else if (r == 0 && !x->detach)
		r = hk_stdio_pipes(x->interactive, cstdio, proxy, err);
	/* the working directory is resolved by the child (hk_preexec_run): only a process in
	 * the container's pid namespace sees its own /proc/self, so a magic link such as
	 * /proc/self/fd/N is refused as one rather than found missing */
	/* The child becomes visible to the container's processes the moment it is forked: it
	 * must hold no more than they do. So this process takes the container's restrictions
	 * now (a fresh session keyring, no supplementary group of the operator's,
	 * capabilities, user, no_new_privs, seccomp); it only
	 * waits, forwards signals and copies the pty from here on. */
	if (r == 0)
		r = hk_keyring_new_session(err);
	if (r == 0)
		r = hk_groups_clear(err);
	if (r == 0)
		r = hk_sec_apply(x->sec, err);
	if (r > 0) { /* the filter's notification fd: the caller's, never the child's */
		if (x->seccomp_fd)
			*x->seccomp_fd = r;
		else
			close(r);
		r = 0;
	}
	if (r == 0 && x->block)
		sigprocmask(SIG_BLOCK, x->block, NULL);
	pid_t pid = r == 0 ? fork() : -1;
	if (r == 0 && pid < 0)
		r = hk_err_sys(err, -errno, "fork");
	if (pid == 0) {
		close(rep[0]);
		child(x, slave, wd, cstdio, rep[1], tramp);
	}
	/* the child's ends (and, on failure, everything) */
	int *fds[] = { &rep[1], &slave, &cstdio[0], &cstdio[1], &cstdio[2] };
	for (size_t i = 0; i < HK_ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (r < 0) {
		close(rep[0]);
		for (int i = 0; i < 3; i++)
			if (proxy[i] >= 0)
				close(proxy[i]);
		return r;
	}
	struct hk_exec_report m;
	int k = hk_exec_report_recv(rep[0], &m);
	close(rep[0]);
	if (k == 1) {
		int status;
		*err = m.err;
		hk_exec_report_finish(err);
		waitpid(pid, &status, 0);
		hk_stdio_drain(proxy);
		*ret_status = hk_ct_exit_code(status);
		if (x->detach) /* the process waited for is the one between: the trampoline's */
			*ret_status = m.step != HK_STEP_EXEC ? 0 : err->code == -ENOENT ? 127 : 126;
		return err->code ? err->code : -EIO;
	}
	if (x->detach) { /* the one between, gone once it forked the command */
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	ret->pid = pid;
	ret->pty_master = TAKE_FD(master);
	for (int i = 0; i < 3; i++)
		ret->proxy[i] = proxy[i];
	return 0;
}

#define EXEC_ENV_MAX 256

struct exec_env {
	char *v[2 * EXEC_ENV_MAX + 4]; /* what the command gets */
	size_t n;
	char *owned[EXEC_ENV_MAX]; /* the K=V of a K alone */
	size_t nowned;
};

/* Do a and b (K=V or K) name the same variable? */
static bool same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
	return ka == kb && !strncmp(a, b, ka);
}

static void env_put(struct exec_env *e, char *kv)
{
	for (size_t i = 0; i < e->n; i++)
		if (same_key(e->v[i], kv)) {
			e->v[i] = kv;
			return;
		}
	e->v[e->n++] = kv;
}

/* The container's stored environment (a container from before it was stored: PATH and HOME),
 * then the request's (K alone: this process's value, left out when it has none), then TERM
 * with a tty. */
static void build_env(struct exec_env *e, const struct hk_ct_exec_req *q, char **stored)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		    home[] = "HOME=/root", term[] = "TERM=xterm";
	if (!stored) {
		env_put(e, path);
		env_put(e, home);
	}
	for (size_t i = 0; stored && stored[i] && e->n < EXEC_ENV_MAX; i++)
		env_put(e, stored[i]);
	for (size_t i = 0; i < q->nenv && i < EXEC_ENV_MAX; i++) {
		char *kv = (char *)q->env[i];
		if (!strchr(kv, '=')) {
			const char *v = getenv(kv);
			if (!v || asprintf(&e->owned[e->nowned], "%s=%s", kv, v) < 0)
				continue;
			kv = e->owned[e->nowned++];
		}
		env_put(e, kv);
	}
	if (q->tty) {
		bool has = false;
		for (size_t i = 0; i < e->n; i++)
			has |= same_key(e->v[i], term);
		if (!has)
			env_put(e, term);
	}
	e->v[e->n] = NULL;
}

/* -u USER[:GROUP] (Docker's exec -u): numbers, or names in the running container's own
 * /etc/passwd and /etc/group, read beneath its root; its capabilities as the container's
 * for that user. */
static int exec_user(struct hk_runsec *sec, const char *user, const struct hk_ct_row *c,
		     struct hk_err *err)
{
	char root[64];
	snprintf(root, sizeof(root), "/proc/%d/root", (int)c->pid);
	_cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !hk_proc_alive(c->pid, c->pid_start))
		return hk_err_set(err, -ESRCH, "container '%s' is not running", c->name);
	uid_t uid;
	gid_t gid;
	int r = hk_ct_rootfs_user(fd, user, &uid, &gid, err);
	if (r == 0)
		r = hk_runsec_set_user(sec, uid, gid, err);
	return r < 0 ? hk_err_prefix(err, "exec") : 0;
}

int hk_ct_exec_start(const struct hk_paths *p, const struct hk_ct_row *c,
		     const struct hk_ct_exec_req *q, struct hk_ct_exec_proc *ret, int *ret_status,
		     struct hk_err *err)
{
	*ret = (struct hk_ct_exec_proc){ .pid = -1, .pty_master = -1, .proxy = { -1, -1, -1 } };
	*ret_status = 0;
	if (strcmp(c->state, HK_CT_RUNNING) || !hk_proc_alive(c->pid, c->pid_start))
		return hk_err_set(err, -ESRCH, "container '%s' is not running", c->name);
	struct hk_runsec sec = {};
	struct exec_env e = {};
	_cleanup_(hk_ct_config_env_freep) char **stored = NULL;
	_cleanup_free_ char *workdir = NULL;
	int r = hk_runsec_from_config(&sec, c->config, p, err);
	if (r == 0 && hk_ct_config_proc(c->config, &stored, &workdir) < 0)
		r = hk_err_sys(err, -ENOMEM, "exec");
	if (r == 0 && q->user)
		r = exec_user(&sec, q->user, c, err);
	if (r == 0) {
		build_env(&e, q, stored);
		struct hk_ct_exec x = {
			.paths = p,
			.row = c,
			.argv = q->argv,
			.env = (char *const *)e.v,
			.workdir = q->workdir ? q->workdir : workdir,
			.tty = q->tty,
			.interactive = q->interactive,
			.detach = q->detach,
			.sec = &sec.sec.plan,
			.block = q->block,
		};
		r = hk_ct_exec(&x, ret, ret_status, err);
	}
	hk_runsec_free(&sec);
	for (size_t i = 0; i < e.nowned; i++)
		free(e.owned[i]);
	return r;
}
