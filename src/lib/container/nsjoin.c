// SPDX-License-Identifier: MIT
/*
 * Joining a running container (hako exec): every namespace file is opened first (from the
 * persisted copies under the run dir, so nothing depends on a /proc path staying valid
 * half-way; a foreground run --rm's from /proc/<init>/ns, the init's start time checked
 * after), then the cgroup is joined (before the cgroup namespace, so the process lands
 * in the container's cgroup), then setns in the order user-less runtimes use: ipc, uts,
 * net, pid, cgroup, mnt last (after it the host's paths are gone), then the container's
 * root via /proc/<init>/root (what the namespace's root is after pivot_root, and the only
 * root of a chroot-fallback container).
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "userns.h"

static const struct {
	const char *name;
	int type;
} order[] = { { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },	      { "net", CLONE_NEWNET },
	      { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS } };

#define NNS (sizeof(order) / sizeof(order[0]))

int hk_ct_join(pid_t init, uint64_t init_start, const char *nsdir, const char *cgroup,
	       bool with_net, struct hk_err *err)
{
	int fds[NNS];
	int r = 0, userfd = -1;
	for (size_t i = 0; i < NNS; i++)
		fds[i] = -1;
	char p[HK_PATH_MAX];
	snprintf(p, sizeof(p), "/proc/%d/root", (int)init);
	_cleanup_close_ int rootfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		r = hk_err_sys(err, -errno, "open '%s'", p);
		goto out;
	}
	for (size_t i = 0; i < NNS; i++) {
		/* --net host/netns:NAME: not persisted by us; the init's is the one */
		if (!with_net && order[i].type == CLONE_NEWNET)
			snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)init);
		else
			snprintf(p, sizeof(p), "%s/%s", nsdir, order[i].name);
		fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 && errno == ENOENT) {
			/* not persisted: a foreground run --rm (hk_ns_persist_lazy), or a mount
			 * namespace the kernel would not bind (hk_ns_persist) */
			snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)init, order[i].name);
			fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		}
		if (fds[i] < 0) {
			r = hk_err_sys(err, -errno, "open namespace '%s'", p);
			goto out;
		}
	}
	/* still the same init (its pid not reused since it was looked up): the files opened
	 * through /proc/<init> (its root too) are its namespaces */
	if (init_start && !hk_proc_alive(init, init_start)) {
		r = hk_err_set(err, -ESRCH, "the container's init is gone");
		goto out;
	}
	r = hk_cgroup_attach(cgroup, getpid(), err);
	if (r < 0)
		goto out;
	/* --userns: the user namespace first (it owns the others), then container root. A
	 * network namespace it does not own (--net host/netns:) is joined before: inside the
	 * user namespace there is no capability over it. */
	snprintf(p, sizeof(p), "%s/user", nsdir);
	userfd = open(p, O_RDONLY | O_CLOEXEC);
	if (userfd < 0 && errno != ENOENT) {
		r = hk_err_sys(err, -errno, "open namespace '%s'", p);
		goto out;
	}
	for (size_t i = 0; userfd >= 0 && !with_net && i < NNS; i++) {
		if (order[i].type != CLONE_NEWNET)
			continue;
		if (setns(fds[i], CLONE_NEWNET) < 0) {
			r = hk_err_sys(err, -errno, "join the net namespace");
			goto out;
		}
		close(fds[i]);
		fds[i] = -1;
	}
	if (userfd >= 0 && setns(userfd, CLONE_NEWUSER) < 0) {
		r = hk_err_sys(err, -errno, "join the user namespace");
		goto out;
	}
	if (userfd >= 0 && (r = hk_userns_become_root(false, err)) < 0)
		goto out;
	for (size_t i = 0; i < NNS; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], order[i].type) < 0) {
			r = hk_err_sys(err, -errno, "join the %s namespace", order[i].name);
			goto out;
		}
	}
	if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		r = hk_err_sys(err, -errno, "enter the container's root");
out:
	if (userfd >= 0)
		close(userfd);
	for (size_t i = 0; i < NNS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}
