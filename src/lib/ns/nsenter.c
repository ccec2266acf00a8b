// SPDX-License-Identifier: MIT
/* Entering namespaces like nsenter: open and check every target first, then setns in
 * util-linux's order. Split from nsinfo.c (listing and inspection). */
#include "nsinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---- entering ----------------------------------------------------------------------- */

/* nsenter's order: user first (it fails on the first pass when it raises privilege and
 * is retried on the second), mnt late because it changes how later paths resolve. */
static const enum hk_ns_type enter_order[HK_NS_NTYPES] = {
	HK_NS_USER, HK_NS_CGROUP, HK_NS_IPC, HK_NS_UTS, HK_NS_NET, HK_NS_PID, HK_NS_MNT, HK_NS_TIME,
};

void hk_ns_enter_init(struct hk_ns_enter *e)
{
	memset(e, 0, sizeof(*e));
	for (int t = 0; t < HK_NS_NTYPES; t++)
		e->fd[t] = -1;
	e->root_fd = e->wd_fd = e->self_pid_fd = e->self_mnt_fd = -1;
}

static void close_ns_fds(struct hk_ns_enter *e)
{
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		hk_closep(&e->fd[t]);
		e->fd[t] = -1;
	}
	hk_closep(&e->root_fd);
	hk_closep(&e->wd_fd);
	e->root_fd = e->wd_fd = -1;
}

void hk_ns_enter_done(struct hk_ns_enter *e)
{
	close_ns_fds(e);
	hk_closep(&e->self_pid_fd);
	hk_closep(&e->self_mnt_fd);
	e->self_pid_fd = e->self_mnt_fd = -1;
}

int hk_ns_enter_parent_reset(struct hk_ns_enter *e, struct hk_err *err)
{
	int r = 0;
	if (e->self_pid_fd >= 0 && setns(e->self_pid_fd, CLONE_NEWPID) < 0)
		r = hk_err_sys(err, -errno, "return to our own pid namespace");
	if (e->self_mnt_fd >= 0)
		(void)setns(e->self_mnt_fd, CLONE_NEWNS); /* EPERM after entering a user ns: fine */
	hk_ns_enter_done(e);
	return r;
}

/* Is our namespace of type t the same as the one behind fd? */
static bool same_as_ours(enum hk_ns_type t, uint64_t ino)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", hk_ns_type_name(t));
	return stat(path, &st) == 0 && st.st_ino == ino;
}

static int open_ns_file(struct hk_ns_enter *e, int proc_fd, enum hk_ns_type t, struct hk_err *err)
{
	char buf[64];
	const char *path = e->path[t];
	int fd;
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	} else {
		snprintf(buf, sizeof(buf), "ns/%s", hk_ns_type_name(t));
		fd = openat(proc_fd, buf, O_RDONLY | O_CLOEXEC);
		snprintf(buf, sizeof(buf), "/proc/%d/ns/%s", (int)e->target, hk_ns_type_name(t));
		path = buf;
	}
	if (fd < 0)
		return hk_err_sys(err, -errno, "%s namespace: open '%s'", hk_ns_type_name(t), path);
	e->fd[t] = fd;
	enum hk_ns_type real;
	uint64_t ino;
	int r = hk_ns_fd_identify(fd, &real, &ino);
	if (r == -EINVAL)
		return hk_err_usage(err, "%s namespace: '%s' is not a namespace file",
				    hk_ns_type_name(t), path);
	if (r < 0)
		return hk_err_sys(err, r, "%s namespace: '%s'", hk_ns_type_name(t), path);
	if (real != t)
		return hk_err_usage(err, "%s namespace: '%s' is a %s namespace", hk_ns_type_name(t),
				    path, hk_ns_type_name(real));
	/* setns() into our own user namespace fails with EINVAL; --all skips every namespace
	 * we are already in, as nsenter does for the user one. */
	if ((t == HK_NS_USER || (e->all && !e->path[t])) && same_as_ours(t, ino))
		hk_closep(&e->fd[t]), e->fd[t] = -1;
	return 0;
}

static int open_dir(int proc_fd, const char *path, const char *proc_name, pid_t target, int *ret,
		    const char *opt, struct hk_err *err)
{
	if (!path && !target)
		return hk_err_usage(err, "%s without a directory needs -t PID", opt);
	int fd = path ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		      : openat(proc_fd, proc_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (path)
			return hk_err_sys(err, -errno, "%s: open '%s'", opt, path);
		return hk_err_sys(err, -errno, "%s: open /proc/%d/%s", opt, (int)target, proc_name);
	}
	*ret = fd;
	return 0;
}

static int prepare(struct hk_ns_enter *e, int proc_fd, struct hk_err *err)
{
	int r, n = 0;
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		if (e->all && !e->want[t]) {
			char buf[64];
			snprintf(buf, sizeof(buf), "/proc/self/ns/%s", hk_ns_type_name(t));
			e->want[t] = access(buf, F_OK) == 0; /* the kernel has this type */
		}
		if (!e->want[t])
			continue;
		if (!e->path[t] && !e->target)
			return hk_err_usage(err, "--%s needs a file (--%s=PATH) or -t PID",
					    hk_ns_type_name(t), hk_ns_type_name(t));
		if ((r = open_ns_file(e, proc_fd, t, err)) < 0)
			return r;
		n += e->fd[t] >= 0;
	}
	if (e->root && (r = open_dir(proc_fd, e->root_path, "root", e->target, &e->root_fd,
				     "--root", err)) < 0)
		return r;
	if (e->wd &&
	    (r = open_dir(proc_fd, e->wd_path, "cwd", e->target, &e->wd_fd, "--wd", err)) < 0)
		return r;
	if (e->fd[HK_NS_PID] < 0)
		return n;
	if ((e->self_pid_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0)
		return hk_err_sys(err, -errno, "open /proc/self/ns/pid");
	if (e->fd[HK_NS_MNT] >= 0)
		e->self_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	return n;
}

int hk_ns_enter_prepare(struct hk_ns_enter *e, struct hk_err *err)
{
	bool any = e->all;
	for (int t = 0; t < HK_NS_NTYPES; t++)
		any = any || e->want[t];
	if (!any)
		return hk_err_usage(err,
				    "no namespace given (--net, --uts, ..., or --all with -t PID)");
	if (e->all && !e->target)
		return hk_err_usage(err, "--all needs -t PID");
	_cleanup_close_ int proc_fd = -1;
	if (e->target) {
		char path[32];
		snprintf(path, sizeof(path), "/proc/%d", (int)e->target);
		/* a dirfd on /proc/PID pins that process: if it exits, opening under it fails
		 * instead of reaching a recycled PID */
		proc_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (proc_fd < 0 && errno == ENOENT)
			return hk_err_set(err, -ESRCH, "process %d does not exist", (int)e->target);
		if (proc_fd < 0)
			return hk_err_sys(err, -errno, "open %s", path);
	}
	int r = prepare(e, proc_fd, err);
	if (r < 0)
		hk_ns_enter_done(e);
	return r;
}

bool hk_ns_enter_needs_fork(const struct hk_ns_enter *e)
{
	return e->fd[HK_NS_PID] >= 0;
}

static int enter_pass(struct hk_ns_enter *e, bool with_user, bool report, bool *entered_user,
		      struct hk_err *err)
{
	for (int i = 0; i < HK_NS_NTYPES; i++) {
		enum hk_ns_type t = enter_order[i];
		if (e->fd[t] < 0 || (t == HK_NS_USER && !with_user))
			continue;
		if (setns(e->fd[t], hk_ns_type_clone_flag(t)) < 0) {
			if (report)
				return hk_err_sys(err, -errno, "enter %s namespace",
						  hk_ns_type_name(t));
			continue;
		}
		if (t == HK_NS_USER)
			*entered_user = true;
		hk_closep(&e->fd[t]);
		e->fd[t] = -1;
	}
	return 0;
}

int hk_ns_enter_apply(struct hk_ns_enter *e, struct hk_err *err)
{
	bool user = false;
	int r;
	if (e->fd[HK_NS_USER] >= 0)
		(void)setgroups(0, NULL); /* may fail; retried below once inside */
	/* Two passes as nsenter: without the user namespace first, errors ignored (entering
	 * it last drops privilege only after everything else is joined); then the rest, user
	 * included, errors reported (a namespace owned by the target user namespace can only
	 * be joined from inside it). */
	enter_pass(e, false, false, &user, err);
	if ((r = enter_pass(e, true, true, &user, err)) < 0)
		goto out;
	if (user) {
		if (setgroups(0, NULL) < 0 && errno != EPERM) {
			r = hk_err_sys(err, -errno, "setgroups");
			goto out;
		}
		if (setgid(0) < 0 || setuid(0) < 0) {
			r = hk_err_sys(err, -errno, "become root in the user namespace");
			goto out;
		}
	}
	if (e->root_fd >= 0) {
		/* keep the working directory (the namespace root after entering mnt), as nsenter */
		if (e->wd_fd < 0)
			e->wd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fchdir(e->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
			r = hk_err_sys(err, -errno, "change root directory");
			goto out;
		}
	}
	if (e->wd_fd >= 0 && fchdir(e->wd_fd) < 0) {
		r = hk_err_sys(err, -errno, "change working directory");
		goto out;
	}
	r = 0;
out:
	close_ns_fds(e);
	if (r < 0)
		hk_ns_enter_done(e);
	return r;
}
