// SPDX-License-Identifier: MIT
/*
 * secure_exec: run a command under the security set-up a container gets, without a
 * container, so the pieces can be tested before `hako run` wires them in.
 *
 *   secure_exec [--cap-add LIST] [--cap-drop LIST] [--privileged] [--user UID[:GID]]
 *               [--allow-new-privs] [--seccomp default|unconfined|FILE] [--masks] [--time]
 *               -- CMD [ARG...]
 *
 * Everything is resolved first (capabilities, the seccomp profile compiled); bad input exits
 * 2 with one line and nothing done. Then a child unshares a mount namespace (with --masks
 * also a pid namespace, mounts a fresh /proc and applies Docker's masked and read-only
 * paths), applies capabilities, no_new_privs and seccomp, and execs CMD. Exit status: CMD's,
 * 125 for a set-up failure, 126/127 when CMD cannot be run.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "masks.h"
#include "secfilter.h"
#include "security.h"

#define MAX_LIST 32

struct opts {
	const char *add[MAX_LIST], *drop[MAX_LIST];
	size_t nadd, ndrop;
	bool privileged, allow_new_privs, masks, timing;
	struct hk_caps_user user;
	const char *seccomp;
	char **argv;
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int usage_fail(const char *msg, const char *arg)
{
	fprintf(stderr, "secure_exec: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

static int parse_user(const char *s, struct hk_caps_user *u)
{
	char *end;
	errno = 0;
	unsigned long uid = strtoul(s, &end, 10), gid;
	if (errno || end == s || uid > 0xfffffffeUL)
		return -1;
	gid = uid;
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (errno || end == g || gid > 0xfffffffeUL)
			return -1;
	}
	if (*end)
		return -1;
	u->set = true;
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;
	o->seccomp = "default";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--cap-add") && has_val && o->nadd < MAX_LIST) {
			o->add[o->nadd++] = argv[++i];
		} else if (!strcmp(a, "--cap-drop") && has_val && o->ndrop < MAX_LIST) {
			o->drop[o->ndrop++] = argv[++i];
		} else if (!strcmp(a, "--privileged")) {
			o->privileged = true;
		} else if (!strcmp(a, "--allow-new-privs")) {
			o->allow_new_privs = true;
		} else if (!strcmp(a, "--masks")) {
			o->masks = true;
		} else if (!strcmp(a, "--time")) {
			o->timing = true;
		} else if (!strcmp(a, "--user") && has_val) {
			if (parse_user(argv[++i], &o->user) < 0)
				return usage_fail("bad --user, want UID[:GID]", argv[i]);
		} else if (!strcmp(a, "--seccomp") && has_val) {
			o->seccomp = argv[++i];
		} else {
			return usage_fail("unknown or incomplete option", a);
		}
	}
	if (i >= argc)
		return usage_fail("no command given", NULL);
	o->argv = argv + i;
	return 0;
}

/* In the child: namespaces and mounts. Returns only in the process that goes on to exec
 * (with --masks, pid 1 of the new pid namespace; its parent waits and passes the status). */
static int setup_ns(const struct opts *o, struct hk_err *err)
{
	int flags = CLONE_NEWNS | (o->masks ? CLONE_NEWPID : 0);
	if (unshare(flags) < 0)
		return hk_err_sys(err, -errno, "unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return hk_err_sys(err, -errno, "make / private");
	if (!o->masks)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(err, -errno, "fork");
	if (pid > 0) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return hk_err_sys(err, -errno, "mount /proc");
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hk_err_sys(err, -errno, "open /");
	struct hk_masks m = { hk_masks_default_masked, hk_masks_default_readonly };
	int r = hk_masks_apply(root, &m, err);
	close(root);
	return r;
}

/* The same steps as hk_sec_apply() with no_new_privs, one by one, timed. */
static int apply_timed(const struct hk_sec_plan *plan, struct hk_err *err)
{
	double t0 = now_us();
	int r = plan->caps ? hk_caps_plan_apply(plan->caps, err) : 0;
	double t1 = now_us();
	if (r >= 0 && plan->no_new_privs)
		r = hk_sec_apply(&(struct hk_sec_plan){ .no_new_privs = true }, err);
	double t2 = now_us();
	if (r >= 0 && plan->seccomp)
		r = hk_seccomp_apply(plan->seccomp, err);
	double t3 = now_us();
	fprintf(stderr, "secure_exec: time caps_apply_us=%.1f nnp_us=%.1f seccomp_apply_us=%.1f\n",
		t1 - t0, t2 - t1, t3 - t2);
	return r;
}

static void child(const struct opts *o, const struct hk_sec_plan *plan)
{
	struct hk_err err = { 0 };
	int r = setup_ns(o, &err);
	if (r >= 0)
		r = (o->timing && plan->no_new_privs) ? apply_timed(plan, &err)
						      : hk_sec_apply(plan, &err);
	if (r < 0) {
		fprintf(stderr, "secure_exec: %s\n", err.msg);
		_exit(125);
	}
	execvp(o->argv[0], o->argv);
	int e = errno;
	fprintf(stderr, "secure_exec: exec %s: %s\n", o->argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static int compile(const struct opts *o, uint64_t caps, struct hk_seccomp_profile **ret_owned,
		   struct hk_seccomp_cache **ret_cache, const struct hk_seccomp_prog **ret,
		   struct hk_err *err)
{
	const struct hk_seccomp_profile *p = hk_seccomp_profile_default();
	*ret = NULL;
	if (!strcmp(o->seccomp, "unconfined"))
		return 0;
	if (strcmp(o->seccomp, "default") != 0) {
		int r = hk_seccomp_profile_load(o->seccomp, ret_owned, err);
		if (r < 0)
			return r;
		p = *ret_owned;
	}
	int r = hk_seccomp_cache_new(p, ret_cache, err);
	if (r < 0)
		return r;
	double t0 = now_us();
	r = hk_seccomp_cache_get(*ret_cache, caps, ret, err);
	double t1 = now_us();
	if (r < 0)
		return r;
	if (o->timing) {
		const struct hk_seccomp_prog *again;
		double t2 = now_us();
		hk_seccomp_cache_get(*ret_cache, caps, &again, err);
		double t3 = now_us();
		fprintf(stderr,
			"secure_exec: time seccomp_compile_us=%.1f cached_us=%.2f insns=%u\n",
			t1 - t0, t3 - t2, (*ret)->fprog.len);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct hk_err err = { 0 };
	uint64_t avail, caps;
	_cleanup_seccomp_profile_ struct hk_seccomp_profile *owned = NULL;
	_cleanup_seccomp_cache_ struct hk_seccomp_cache *cache = NULL;
	_cleanup_caps_plan_ struct hk_caps_plan *plan = NULL;
	const struct hk_seccomp_prog *prog = NULL;

	int r = parse_opts(argc, argv, &o);
	if (r)
		return r;
	struct hk_caps_spec spec = { o.add, o.nadd, o.drop, o.ndrop, o.privileged };
	r = hk_caps_available(&avail, &err);
	if (r >= 0)
		r = hk_caps_resolve(&spec, avail, &caps, &err);
	if (r >= 0)
		r = compile(&o, caps, &owned, &cache, &prog, &err);
	if (r >= 0)
		r = hk_caps_plan_new(caps, &o.user, &plan, &err);
	if (r < 0) {
		fprintf(stderr, "secure_exec: %s\n", err.msg);
		return err.cls ? (int)err.cls : 1;
	}
	struct hk_sec_plan sp = { plan, prog, !o.allow_new_privs };
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("secure_exec: fork");
		return 125;
	}
	if (pid == 0)
		child(&o, &sp);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
