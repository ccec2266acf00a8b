// SPDX-License-Identifier: MIT
/*
 * Starting a container: clone(2) with new pid, net, uts, ipc and mnt namespaces. The child
 * waits on a sync pipe until its parent has put it into its cgroup, then unshares the
 * cgroup namespace (so it sees that cgroup as its root), sets the hostname, makes its
 * mounts and pivots (rootfs.c), reports READY, forks the main process and becomes
 * hako-init (initbin.c) — or, for an OCI container (spec->command_is_init), becomes the
 * command itself, as runc and crun make it. Failures travel
 * to the parent as {step, struct hk_err} over a CLOEXEC pipe: after the command's execve
 * succeeds the pipe reads EOF.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "ctsec.h"
#include "fstree.h"
#include "initbin.h"
#include "preexec.h"
#include "tramp.h"
#include "userns.h"
#include "base/nsswitch.h"

/* A new network namespace starts with lo down; Docker and every peer bring it up. */
static void lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return;
	struct ifreq ifr = {};
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/* The main process (PID 2 under hako-init; the set-up process itself, PID 1, when
 * spec->command_is_init): its stdio, then the shared pre-exec steps (preexec.h). */
static __attribute__((noreturn)) void main_fn(const struct hk_ct_spec *spec, int report_fd,
					      int sync_fd, int tramp_fd)
{
	sigset_t none;
	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct hk_preexec p = {
		.argv = spec->argv,
		.env = spec->env,
		.pty_slave = spec->tty ? spec->pty_slave : -1,
		.stdio = { spec->stdio[0], spec->stdio[1], spec->stdio[2] },
		.workdir = spec->workdir,
		.mkdir_workdir = true,
		.workdir_fd = -1,
		.sec = spec->sec ? &spec->sec->plan : NULL,
		.report_fd = report_fd,
		.tramp_fd = tramp_fd,
		.go_fd = sync_fd,
		.preserve_fds = spec->preserve_fds,
		.listen_pid = spec->listen_pid,
		.seccomp_sock = spec->seccomp_sock,
	};
	if (!spec->interactive)
		p.stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (spec->log_fd >= 0) /* stderr: its own pipe when the log has one (ctrun.c) */
		p.stdio[1] = p.stdio[2] = spec->log_fd;
	if (spec->log_fd >= 0 && spec->stdio[2] >= 0)
		p.stdio[2] = spec->stdio[2];
	if (spec->go_fd >= 0) { /* OCI: `start` gives the go through the exec fifo */
		close(sync_fd);
		p.go_fd = spec->go_fd;
	}
	/* the config's umask, else 0022 as Docker, runc and crun give: never the operator's */
	umask(spec->umask >= 0 ? (mode_t)spec->umask : 022);
	for (size_t i = 0; i < spec->nrlimits; i++) {
		const struct hk_rlimit *l = &spec->rlimits[i];
		struct rlimit rl = { .rlim_cur = l->soft, .rlim_max = l->hard };
		if (setrlimit(l->resource, &rl) < 0) {
			struct hk_err err = {};
			struct rlimit cur = {};
			getrlimit(l->resource, &cur);
			hk_err_sys(
				&err, -errno,
				"%s: soft %llu, hard %llu (the hard limit now is %llu; raising it "
				"needs CAP_SYS_RESOURCE)",
				l->name ? l->name : "rlimit", l->soft, l->hard,
				(unsigned long long)cur.rlim_max);
			hk_exec_report_send(report_fd, HK_STEP_SETUP, &err);
			_exit(HK_EXIT_HAKO);
		}
	}
	hk_preexec_run(&p);
}

static const int ns_clone_flag[HK_CT_NS_MAX] = {
	[HK_CT_NS_IPC] = CLONE_NEWIPC,	     [HK_CT_NS_UTS] = CLONE_NEWUTS,
	[HK_CT_NS_CGROUP] = CLONE_NEWCGROUP, [HK_CT_NS_PID] = CLONE_NEWPID,
	[HK_CT_NS_MNT] = CLONE_NEWNS,
};

/* In the init: join the namespaces given by path (their fds opened by hk_ct_spawn). */
static int join_paths(const struct hk_ct_spec *spec, const int *ns_fd, struct hk_err *err)
{
	for (int i = 0; i < HK_CT_NS_MAX; i++)
		if (i != HK_CT_NS_PID && ns_fd[i] >= 0 && setns(ns_fd[i], ns_clone_flag[i]) < 0)
			return hk_err_sys(err, -errno, "join namespace '%s'", spec->ns_path[i]);
	return 0;
}

/* Whether the init waits for its parent before going on: for --userns's id maps, or for
 * the parent to put it into the v2 cgroup where clone3 could not (cg->v2_procs still set;
 * clone_into). Otherwise it goes on at once, one hand-off fewer. */
static bool spawn_waits(const struct hk_ct_spec *spec, const struct hk_cgjoin *cg)
{
	return spec->userns || cg->v2_procs[0];
}

static void child(const struct hk_ct_spec *spec, struct hk_userns *trees, struct hk_cgjoin *cg,
		  int sync_fd, int report_fd, int netns_fd, const int *ns_fd)
{
	struct hk_err err = {};
	char c;
	/* The container lives as long as its monitor (hako run, or run -d's monitor): a hako
	 * killed at any point leaves no orphan container, only a row the next command fixes.
	 * (getppid() is 0 across the pid namespace; a parent that died before this prctl is
	 * seen below as EOF on the sync pipe.) */
	if (!spec->survive_creator && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(HK_EXIT_HAKO);
	/* the parent's "1" once it has done what must precede the rest (spawn_waits) */
	if (spawn_waits(spec, cg) && read(sync_fd, &c, 1) != 1)
		_exit(HK_EXIT_HAKO); /* the parent gave up */
	/* into the container's cgroups before anything else (cgroup.c: hk_cgjoin_self) */
	int e = hk_cgjoin_self(cg);
	hk_cgjoin_close(cg);
	if (e < 0) {
		hk_err_sys(&err, e, "cgroup: join '%s'", spec->cgroup);
		goto fail;
	}
	/* a session of its own (no controlling terminal: the operator's stays out of reach),
	 * no keyring and no supplementary group of the operator's */
	if (setsid() < 0) {
		hk_err_sys(&err, -errno, "setsid");
		goto fail;
	}
	if (hk_keyring_new_session(&err) < 0 || (!spec->keep_groups && hk_groups_clear(&err) < 0) ||
	    join_paths(spec, ns_fd, &err) < 0)
		goto fail;
	/* what is made in the container's tree (mount points, /dev) gets the same modes
	 * whatever the operator's umask; the command gets its own before its exec */
	umask(022);
	/* where the rootfs tree goes: the run directory, trusted (0700, root's), opened
	 * before --userns's id change */
	trees->target_fd = open(spec->rundir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (trees->target_fd < 0) {
		hk_err_sys(&err, -errno, "open '%s'", spec->rundir);
		goto fail;
	}
	/* the creator's mount namespace: the rootfs goes on RUN/<id>/root, below hako's own
	 * files (oci.json, exec.fifo), which the container must not reach */
	if (spec->ns_share & (1u << HK_CT_NS_MNT)) {
		int dir = trees->target_fd;
		if (mkdirat(dir, HK_CT_SHARED_ROOT, 0700) < 0 && errno != EEXIST) {
			hk_err_sys(&err, -errno, "mkdir '%s/%s'", spec->rundir, HK_CT_SHARED_ROOT);
			goto fail;
		}
		trees->target_fd = openat(dir, HK_CT_SHARED_ROOT,
					  O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		if (trees->target_fd < 0) {
			hk_err_sys(&err, -errno, "open '%s/%s'", spec->rundir, HK_CT_SHARED_ROOT);
			goto fail;
		}
	}
	/* --userns: the maps are written; become container root (an id change clears the
	 * parent-death signal: set it again) */
	if (spec->userns && (hk_userns_become_root(spec->keep_groups, &err) < 0 ||
			     (!spec->survive_creator && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)))
		goto fail;
	if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0) {
		hk_err_sys(&err, -errno, "join network namespace '%s'", spec->netns);
		goto fail;
	}
	if (ns_fd[HK_CT_NS_CGROUP] < 0 && !(spec->ns_share & (1u << HK_CT_NS_CGROUP)) &&
	    unshare(CLONE_NEWCGROUP) < 0) {
		hk_err_sys(&err, -errno, "unshare the cgroup namespace");
		goto fail;
	}
	if (spec->net == HK_NET_NEW || spec->net == HK_NET_NONE)
		lo_up();
	/* the creator's uts namespace (an OCI config without one): its names stay */
	bool uts = !(spec->ns_share & (1u << HK_CT_NS_UTS));
	if (uts && sethostname(spec->hostname, strlen(spec->hostname)) < 0) {
		hk_err_sys(&err, -errno, "sethostname '%s'", spec->hostname);
		goto fail;
	}
	if (uts && spec->domainname[0] &&
	    setdomainname(spec->domainname, strlen(spec->domainname)) < 0) {
		hk_err_sys(&err, -errno, "setdomainname '%s'", spec->domainname);
		goto fail;
	}
	if (hk_rootfs_setup(spec, trees, &err) < 0) {
		hk_err_prefix(&err, "rootfs '%s'", spec->rootfs);
		goto fail;
	}
	for (size_t i = 0; i < spec->nsysctls; i++) {
		char p[256];
		snprintf(p, sizeof(p), "/proc/sys/%s", spec->sysctls[i].key);
		for (char *d = p + 10; *d; d++)
			if (*d == '.')
				*d = '/';
		int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		const char *v = spec->sysctls[i].value;
		if (fd < 0 || write(fd, v, strlen(v)) < 0) {
			hk_err_sys(&err, -errno, "sysctl %s=%s", spec->sysctls[i].key, v);
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		close(fd);
	}
	if (hk_ctsec_mounts(spec->sec, &err) < 0)
		goto fail;
	/* hako's code until the exec below: nothing in the container may open /proc/1/exe
	 * (the hako binary) or ptrace it (CVE-2019-5736) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	int tramp_fd = hk_tramp_open(&err);
	if (tramp_fd < 0)
		goto fail;
	hk_exec_report_send(report_fd, HK_STEP_READY, NULL);
	/* the OCI door: this process becomes the command (PID 1, its pid the init's, as runc's
	 * and crun's), with every restriction of a main process applied before the exec */
	if (spec->command_is_init)
		main_fn(spec, report_fd, sync_fd, tramp_fd);
	/* every signal blocked from here on: none is lost or kills us before hako-init waits */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	pid_t main_pid = fork();
	if (main_pid < 0) {
		hk_err_sys(&err, -errno, "fork the main process");
		goto fail;
	}
	if (main_pid == 0)
		main_fn(spec, report_fd, sync_fd, tramp_fd);
	/* PID 1 keeps nothing of hako's: CAP_KILL, no_new_privs, a five-call filter */
	hk_init_become(main_pid, &err);
	hk_exec_report_send(report_fd, HK_STEP_SETUP, &err);
	kill(main_pid, SIGKILL);
	_exit(HK_EXIT_HAKO);
fail:
	hk_exec_report_send(report_fd, HK_STEP_SETUP, &err);
	_exit(HK_EXIT_HAKO);
}

/* A device node for a user namespace's container (mknod is refused there): made here, in
 * the run directory (root's, 0700), with the owner the container's ids map to, and taken as
 * a detached tree of that one file (device nodes allowed in it, whatever the run
 * directory's mount says). Its name, .device-I, stays until the init has attached the tree
 * (a tree whose source is unlinked cannot be moved): unlink_devices. */
static int device_tree(const struct hk_ct_spec *spec, size_t i, struct hk_err *err)
{
	const struct hk_ct_device *d = &spec->devices[i];
	int64_t uid = hk_idmap_to_host(&spec->userns->uid, d->uid),
		gid = hk_idmap_to_host(&spec->userns->gid, d->gid);
	if (uid < 0 || gid < 0)
		return hk_err_usage(err,
				    "device '%s': owner %u:%u is not mapped in the user "
				    "namespace",
				    d->path, (unsigned)d->uid, (unsigned)d->gid);
	_cleanup_close_ int dir = open(spec->rundir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return hk_err_sys(err, -errno, "open '%s'", spec->rundir);
	char n[32];
	snprintf(n, sizeof(n), ".device-%zu", i);
	unlinkat(dir, n, 0);
	if (mknodat(dir, n, d->type | (d->mode & 07777), makedev(d->major, d->minor)) < 0)
		return hk_err_sys(err, -errno, "device '%s': mknod", d->path);
	int fd = -1, r = 0;
	if (fchownat(dir, n, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir, n, d->mode & 07777, 0) < 0) /* the umask */
		r = hk_err_sys(err, -errno, "device '%s': owner and mode", d->path);
	if (r == 0 &&
	    (fd = (int)syscall(SYS_open_tree, dir, n,
			       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW)) < 0)
		r = hk_err_sys(err, -errno, "device '%s': open_tree", d->path);
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_NODEV };
	if (r == 0 && syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		r = hk_err_sys(err, -errno, "device '%s': allow device nodes", d->path);
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}

/* The names device_tree left in the run directory. */
static void unlink_devices(const struct hk_ct_spec *spec)
{
	_cleanup_close_ int dir =
		spec->userns && spec->ndevices
			? open(spec->rundir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			: -1;
	for (size_t i = 0; dir >= 0 && i < spec->ndevices; i++) {
		char n[32];
		snprintf(n, sizeof(n), ".device-%zu", i);
		unlinkat(dir, n, 0);
	}
}

/* The rootfs (from spec->rootfs_fd, unless --userns prepared it idmapped already), the run
 * directory's etc files and every -v source (from its host_fd) as detached trees (userns.h):
 * with or without --userns, the only way the init reaches host paths; nothing is looked up
 * again by name. */
static int open_trees(struct hk_userns *u, const struct hk_ct_spec *spec, struct hk_err *err)
{
	static const char *const etc[] = { "hostname", "hosts", "resolv.conf" };
	char p[HK_PATH_MAX];
	int r = 0;
	if (u->root_fd < 0) { /* not idmapped (no --userns, an image's overlay, a chowned
				 rootfs): the directory opened and checked once, as it is */
		u->root_fd = hk_tree_clone(spec->rootfs_fd, spec->rootfs);
		if (u->root_fd < 0)
			return hk_err_sys(err, -errno, "open_tree '%s'", spec->rootfs);
	}
	for (size_t i = 0; r == 0 && i < HK_ARRAY_SIZE(etc); i++) {
		snprintf(p, sizeof(p), "%s/%s", spec->rundir, etc[i]);
		r = hk_userns_open_src(u, -1, p, false, false, err);
	}
	for (size_t i = 0; r == 0 && i < spec->nmounts; i++)
		if (!spec->mounts[i].tmpfs)
			r = hk_userns_open_src(u, spec->mounts[i].host_fd, spec->mounts[i].host,
					       spec->mounts[i].ro, spec->mounts[i].idmap, err);
	if (r == 0 && spec->notify_dir) {
		/* read-only: sending to a socket needs no write access to its mount */
		snprintf(p, sizeof(p), "%s/%s", spec->rundir, HK_CT_NOTIFY_DIR);
		r = hk_userns_open_src(u, -1, p, true, false, err);
	}
	if (r == 0 && spec->cgroup_mount && hk_ct_cgroup_binds(spec))
		r = hk_cgroup_trees(spec, u, err);
	for (size_t i = 0; r == 0 && spec->userns && i < spec->ndevices; i++) {
		if (u->ndev == HK_USERNS_DEV_MAX)
			return hk_err_usage(err, "more than %d devices", HK_USERNS_DEV_MAX);
		int fd = device_tree(spec, i, err);
		if (fd < 0)
			return fd;
		u->dev_fd[u->ndev++] = fd;
	}
	return r;
}

/* Close the namespace fds hk_ct_spawn opened. */
static void close_ns(int *ns_fd)
{
	for (int i = 0; i < HK_CT_NS_MAX; i++)
		if (ns_fd[i] >= 0)
			close(ns_fd[i]);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3's arguments (linux/sched.h's struct clone_args, CLONE_ARGS_SIZE_VER2) */
struct clone_args3 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

/* Like fork, in new namespaces (flags), and born in the v2 cgroup when there is one
 * (CLONE_INTO_CGROUP: no migration, so no RCU grace period). Where clone3 or
 * CLONE_INTO_CGROUP is refused (older kernels, a seccomp filter), plain clone, and
 * cg->v2_procs stays set for the parent to write the pid in; else it is cleared. */
static pid_t clone_into(unsigned long flags, struct hk_cgjoin *cg)
{
	if (cg->v2_fd >= 0) {
		struct clone_args3 a = { .flags = flags | CLONE_INTO_CGROUP,
					 .exit_signal = SIGCHLD,
					 .cgroup = (uint64_t)cg->v2_fd };
		/* born there: nothing for the parent to do (as the child sees it too) */
		char keep = cg->v2_procs[0];
		cg->v2_procs[0] = 0;
		pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0)
			return pid;
		cg->v2_procs[0] = keep;
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

int hk_ct_spawn(const struct hk_ct_spec *spec, struct hk_ct_proc *ret, struct hk_err *err)
{
	int sync[2], rep[2];
	_cleanup_close_ int netns_fd = -1, oldpid = -1;
	int ns_fd[HK_CT_NS_MAX];
	for (int i = 0; i < HK_CT_NS_MAX; i++) {
		ns_fd[i] = spec->ns_path[i] ? open(spec->ns_path[i], O_RDONLY | O_CLOEXEC) : -1;
		if (spec->ns_path[i] && ns_fd[i] < 0) {
			int e = -errno;
			close_ns(ns_fd);
			return hk_err_sys(err, e, "namespace '%s'", spec->ns_path[i]);
		}
	}
	if (spec->net == HK_NET_NETNS) {
		char p[HK_PATH_MAX];
		/* a name under /run/netns, or (an OCI config's namespace path) an absolute path */
		snprintf(p, sizeof(p), spec->netns[0] == '/' ? "%s" : "/run/netns/%s", spec->netns);
		netns_fd = open(p, O_RDONLY | O_CLOEXEC);
		if (netns_fd < 0)
			return hk_err_sys(err, -errno, "network namespace '%s'", spec->netns);
	}
	if (pipe2(sync, O_CLOEXEC) < 0) {
		close_ns(ns_fd);
		return hk_err_sys(err, -errno, "pipe");
	}
	if (pipe2(rep, O_CLOEXEC) < 0) {
		close(sync[0]);
		close(sync[1]);
		close_ns(ns_fd);
		return hk_err_sys(err, -errno, "pipe");
	}
	unsigned long flags = 0;
	for (int i = 0; i < HK_CT_NS_MAX; i++)
		if (i != HK_CT_NS_CGROUP && ns_fd[i] < 0 && !(spec->ns_share & (1u << i)))
			flags |= (unsigned long)ns_clone_flag[i];
	if (spec->net == HK_NET_NEW || spec->net == HK_NET_NONE)
		flags |= CLONE_NEWNET;
	if (spec->userns)
		flags |= CLONE_NEWUSER;
	/* userns.h: the rootfs and bind sources opened here as detached trees, with or without
	 * --userns (the init never looks a host path up by name); a shared network namespace
	 * joined around clone */
	struct hk_userns local;
	hk_userns_init(&local);
	struct hk_userns *trees = spec->userns ? spec->userns : &local;
	/* --userns with --net netns:NAME: the init, in its own user namespace, cannot join a
	 * network namespace the host owns: it is cloned in it instead */
	struct hk_cgjoin cg;
	hk_cgjoin_init(&cg);
	int r = spec->cgroup ? hk_cgjoin_open(spec->cgroup, &cg, err) : 0, oldnet = -1;
	if (r == 0)
		r = open_trees(trees, spec, err);
	if (r == 0 && spec->userns)
		r = hk_thread_netns_enter(netns_fd, &oldnet, err);
	/* a pid namespace by path: this process's children are born in it (undone below) */
	if (r == 0 && ns_fd[HK_CT_NS_PID] >= 0) {
		oldpid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (oldpid < 0 || setns(ns_fd[HK_CT_NS_PID], CLONE_NEWPID) < 0)
			r = hk_err_sys(err, -errno, "join pid namespace '%s'",
				       spec->ns_path[HK_CT_NS_PID]);
	}
	if (r < 0) {
		int fds[] = { sync[0], sync[1], rep[0], rep[1] };
		for (size_t i = 0; i < HK_ARRAY_SIZE(fds); i++)
			close(fds[i]);
		close_ns(ns_fd);
		hk_userns_close_trees(trees);
		hk_userns_close(&local);
		hk_cgjoin_close(&cg);
		unlink_devices(spec);
		return r;
	}
	pid_t pid = clone_into(flags, &cg);
	if (pid == 0) {
		close(sync[1]);
		close(rep[0]);
		child(spec, trees, &cg, sync[0], rep[1], spec->userns ? -1 : netns_fd, ns_fd);
	}
	int e = errno;
	hk_cgjoin_close(&cg);
	hk_thread_netns_leave(oldnet);
	if (oldpid >= 0 && setns(oldpid, CLONE_NEWPID) < 0)
		abort(); /* never: our own namespace; going on would put later children in it */
	close_ns(ns_fd);
	/* the init has its own copies: ours would pin the trees' mounts for as long as we run */
	hk_userns_close_trees(trees);
	hk_userns_close(&local);
	close(sync[0]);
	close(rep[1]);
	if (pid < 0) {
		close(sync[1]);
		close(rep[0]);
		unlink_devices(spec);
		return hk_err_sys(err, -e, "clone the container's namespaces");
	}
	r = spec->userns ? hk_userns_write_maps(pid, spec->userns, err) : 0;
	if (r == 0 && cg.v2_procs[0]) { /* clone3 could not put it there */
		char spid[24];
		snprintf(spid, sizeof(spid), "%d", (int)pid);
		_cleanup_close_ int fd = open(cg.v2_procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, spid, strlen(spid)) < 0)
			r = hk_err_sys(err, -errno, "cgroup: join '%s'", cg.v2_procs);
	}
	/* a child that died already must not kill us with SIGPIPE */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	if (r == 0 && spawn_waits(spec, &cg) && write(sync[1], "1", 1) != 1)
		r = hk_err_sys(err, -errno, "start the container");
	sigaction(SIGPIPE, &old, NULL);
	struct hk_exec_report m;
	if (r == 0) {
		int k = hk_exec_report_recv(rep[0], &m);
		if (k <= 0)
			r = hk_err_set(err, -EIO, "the container's init died during set-up");
		else if (m.step != HK_STEP_READY) {
			*err = m.err;
			r = err->code ? err->code : -EIO;
		}
	}
	unlink_devices(spec); /* attached by now (or never) */
	if (r < 0) {
		close(rep[0]);
		close(sync[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	ret->pid = pid;
	ret->report_fd = rep[0];
	ret->sync_fd = sync[1];
	ret->start_time = hk_proc_start_time(pid);
	return 0;
}

int hk_ct_wait_prepared(struct hk_ct_proc *p, struct hk_err *err)
{
	struct hk_exec_report m;
	int k = hk_exec_report_recv(p->report_fd, &m);
	if (k <= 0)
		return hk_err_set(err, -EIO, "the container's main process died during set-up");
	if (m.step == HK_STEP_PREPARED)
		return 0;
	*err = m.err;
	return err->code ? err->code : -EIO;
}

int hk_ct_spawn_go(struct hk_ct_proc *p, struct hk_err *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	ssize_t k = write(p->sync_fd, "2", 1);
	int e = errno;
	sigaction(SIGPIPE, &old, NULL);
	close(p->sync_fd);
	p->sync_fd = -1;
	if (k != 1)
		return hk_err_sys(err, -e, "start the container's command");
	return 0;
}

int hk_ct_wait_exec(struct hk_ct_proc *p, int *ret_status, struct hk_err *err)
{
	struct hk_exec_report m;
	int k = hk_exec_report_recv(p->report_fd, &m);
	close(p->report_fd);
	p->report_fd = -1;
	if (k == 0)
		return 0;
	if (k < 0)
		return hk_err_set(err, -EIO, "the container's init: short report");
	*err = m.err;
	hk_exec_report_finish(err);
	if (m.step == HK_STEP_EXEC)
		*ret_status = err->code == -ENOENT ? HK_EXIT_NOTFOUND : HK_EXIT_NOEXEC;
	else
		*ret_status = HK_EXIT_HAKO;
	return err->code ? err->code : -EIO;
}
