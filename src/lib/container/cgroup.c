// SPDX-License-Identifier: MIT
/*
 * One cgroup per container, in every mounted hierarchy: on a hybrid host the v1
 * controllers (cpu, memory, pids, name=systemd, ...) and the v2 tree at
 * /sys/fs/cgroup/unified; on a pure v2 host the one tree at /sys/fs/cgroup. The path is the
 * same relative one everywhere ("hako/<id>"), under each hierarchy's root.
 */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cglimits.h"

#define MAX_HIER 16

static struct {
	bool done;
	int n;
	struct hk_cg_mount m[HK_CG_MOUNTS_MAX];
} cg_mounts;

/* A v1 hierarchy with no controller (name=systemd): hako neither limits nor counts anything
 * there, so its container has no cgroup in it (a mkdir and an rmdir less per container). */
static bool no_controller(const char *super)
{
	char opts[512];
	snprintf(opts, sizeof(opts), "%s", super);
	static const char *const plain[] = {
		"rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods"
	};
	char *save = NULL;
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		bool known = !strncmp(o, "name=", 5) || !strncmp(o, "release_agent=", 14);
		for (size_t i = 0; i < HK_ARRAY_SIZE(plain); i++)
			known |= !strcmp(o, plain[i]);
		if (!known)
			return false; /* a controller */
	}
	return true;
}

/* Which of two mounts of one hierarchy to use: one of its root ("/", not a bind of a
 * subdirectory), then one under /sys/fs/cgroup. */
static int rank(const char *root, const char *mp)
{
	return 2 * !strcmp(root, "/") + !strncmp(mp, "/sys/fs/cgroup", 14);
}

int hk_cgroup_mounts(const struct hk_cg_mount **ret, struct hk_err *err)
{
	*ret = cg_mounts.m;
	if (cg_mounts.done)
		return cg_mounts.n;
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return hk_err_sys(err, -errno, "cgroup: read /proc/self/mountinfo");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int n = 0, rk[HK_CG_MOUNTS_MAX];
	char dev[HK_CG_MOUNTS_MAX][32];
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS"; one entry
	 * per hierarchy (MAJ:MIN, its superblock): a bind of it elsewhere (a chroot's
	 * `mount --rbind /sys`) is the same hierarchy, and the table never fills with them */
	while (getline(&line, &cap, f) > 0) {
		struct hk_cg_mount m;
		char *sep = strstr(line, " - "), fstype[32], src[64], d[32], root[256];
		if (!sep || sscanf(sep + 3, "%31s %63s %511s", fstype, src, m.opts) != 3 ||
		    sscanf(line, "%*s %*s %31s %255s %255s", d, root, m.mp) != 3)
			continue;
		m.v2 = !strcmp(fstype, "cgroup2");
		if (!m.v2 && strcmp(fstype, "cgroup"))
			continue;
		m.controller = m.v2 || !no_controller(m.opts);
		int k = 0, r = rank(root, m.mp);
		while (k < n && strcmp(dev[k], d))
			k++;
		if (k == n && n == HK_CG_MOUNTS_MAX)
			continue; /* more hierarchies than the kernel has controllers and names */
		if (k < n && r < rk[k]) /* a tie: the later, which a mount over the other hides */
			continue;
		cg_mounts.m[k] = m;
		rk[k] = r;
		snprintf(dev[k], sizeof(dev[k]), "%s", d);
		n += k == n;
	}
	cg_mounts.n = n;
	cg_mounts.done = true;
	return n;
}

/* Mount points of the hierarchies a container has a cgroup in (with a controller; a mount
 * point once). */
static int hierarchies(char mnts[MAX_HIER][256], bool v2[MAX_HIER], struct hk_err *err)
{
	const struct hk_cg_mount *m;
	int k = hk_cgroup_mounts(&m, err), n = 0;
	for (int i = 0; i < k && n < MAX_HIER; i++) {
		bool dup = false;
		for (int j = 0; j < n; j++)
			dup |= !strcmp(mnts[j], m[i].mp);
		if (!m[i].controller || dup)
			continue;
		snprintf(mnts[n], 256, "%s", m[i].mp);
		v2[n++] = m[i].v2;
	}
	return k < 0 ? k : n;
}

static int write_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		return -errno;
	return 0;
}

/* v1 cpuset: a new cgroup starts with no cpus/mems and takes no tasks; inherit them. */
static void cpuset_inherit(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(files); i++) {
		char p[HK_PATH_MAX + 32], pp[HK_PATH_MAX + 32], buf[256] = "";
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		snprintf(pp, sizeof(pp), "%s/../%s", dir, files[i]);
		_cleanup_close_ int fd = open(pp, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		if (k > 0) {
			buf[k] = 0;
			write_file(p, buf);
		}
	}
}

static bool is_cpuset(const char *mnt)
{
	char p[HK_PATH_MAX];
	snprintf(p, sizeof(p), "%s/cpuset.cpus", mnt);
	return access(p, F_OK) == 0;
}

int hk_cgroup_create(const char *path, struct hk_err *err)
{
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	int n = hierarchies(mnts, v2, err);
	if (n < 0)
		return n;
	if (n == 0)
		return hk_err_set(err, -EOPNOTSUPP, "cgroup: no cgroup file system is mounted");
	for (int i = 0; i < n; i++) {
		char dir[HK_PATH_MAX];
		bool cpuset = !v2[i] && is_cpuset(mnts[i]);
		size_t base = (size_t)snprintf(dir, sizeof(dir), "%s/", mnts[i]);
		if (snprintf(dir + base, sizeof(dir) - base, "%s", path) >=
		    (int)(sizeof(dir) - base))
			return hk_err_set(err, -ENAMETOOLONG, "cgroup '%s': path too long", path);
		/* each level from the top ("hako", then the container's own; an OCI
		 * cgroupsPath may have more), cpuset's cpus and mems copied down at each */
		for (char *c = dir + base;; c++) {
			if (*c != '/' && *c)
				continue;
			char was = *c;
			*c = 0;
			if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
				int r = -errno;
				/* a read-only or unusable v1 hierarchy is skipped; v2 is not
				 * optional */
				if (!v2[i] && was)
					break;
				hk_cgroup_remove(path, NULL);
				return hk_err_sys(err, r, "cgroup: mkdir '%s'", dir);
			}
			if (cpuset)
				cpuset_inherit(dir);
			*c = was;
			if (!was)
				break;
		}
	}
	return 0;
}

int hk_cgroup_attach(const char *path, pid_t pid, struct hk_err *err)
{
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	int n = hierarchies(mnts, v2, err);
	if (n < 0)
		return n;
	char spid[32];
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	for (int i = 0; i < n; i++) {
		char p[HK_PATH_MAX + 32], dir[HK_PATH_MAX];
		if (snprintf(dir, sizeof(dir), "%s/%s", mnts[i], path) >= (int)sizeof(dir) ||
		    access(dir, F_OK) < 0)
			continue; /* skipped at create */
		snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
		int r = write_file(p, spid);
		if (r < 0)
			return hk_err_sys(err, r, "cgroup: join '%s'", dir);
	}
	return 0;
}

void hk_cgjoin_init(struct hk_cgjoin *j)
{
	j->v2_fd = -1;
	j->n = 0;
	for (int i = 0; i < HK_CGJOIN_MAX; i++)
		j->fds[i] = -1;
	j->v2_procs[0] = 0;
}

int hk_cgjoin_open(const char *path, struct hk_cgjoin *j, struct hk_err *err)
{
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	hk_cgjoin_init(j);
	int n = hierarchies(mnts, v2, err);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		char dir[HK_PATH_MAX], p[HK_PATH_MAX + 32];
		if (snprintf(dir, sizeof(dir), "%s/%s", mnts[i], path) >= (int)sizeof(dir) ||
		    (v2[i] && j->v2_fd >= 0) || (!v2[i] && j->n >= HK_CGJOIN_MAX))
			continue;
		int fd;
		if (v2[i]) {
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		} else {
			snprintf(p, sizeof(p), "%s/tasks", dir);
			fd = open(p, O_WRONLY | O_CLOEXEC);
		}
		if (fd < 0 && errno == ENOENT)
			continue; /* skipped at create */
		if (fd < 0) {
			int r = hk_err_sys(err, -errno, "cgroup: join '%s'", dir);
			hk_cgjoin_close(j);
			return r;
		}
		if (v2[i]) {
			j->v2_fd = fd;
			snprintf(j->v2_procs, sizeof(j->v2_procs), "%s/cgroup.procs", dir);
		} else {
			j->fds[j->n++] = fd;
		}
	}
	return 0;
}

int hk_cgjoin_self(struct hk_cgjoin *j)
{
	int r = 0;
	for (int i = 0; i < j->n; i++) {
		/* "0": the calling thread. Moving only itself, the kernel skips the global
		 * threadgroup lock whose write side waits for an RCU grace period (~10 ms
		 * here) on every migration by pid (cgroup_procs_write_start). */
		if (r == 0 && write(j->fds[i], "0", 1) != 1)
			r = -errno;
		close(j->fds[i]);
		j->fds[i] = -1;
	}
	j->n = 0;
	return r;
}

void hk_cgjoin_close(struct hk_cgjoin *j)
{
	for (int i = 0; i < j->n; i++)
		if (j->fds[i] >= 0)
			close(j->fds[i]);
	j->n = 0;
	if (j->v2_fd >= 0)
		close(j->v2_fd);
	j->v2_fd = -1;
}

/* Read the pids of one cgroup directory's cgroup.procs. */
static int read_procs(const char *dir, pid_t **ret, size_t *ret_n)
{
	char p[HK_PATH_MAX + 32];
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	if (!f)
		return -errno;
	pid_t *v = NULL;
	size_t n = 0;
	int pid;
	while (fscanf(f, "%d", &pid) == 1) {
		pid_t *nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		v[n++] = pid;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int hk_cgroup_pids(const char *path, pid_t **ret, size_t *ret_n, struct hk_err *err)
{
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	int n = hierarchies(mnts, v2, err);
	if (n < 0)
		return n;
	int r = -ENOENT;
	/* prefer v2, then any v1 hierarchy that has the directory */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			if (v2[i] != (pass == 0))
				continue;
			char dir[HK_PATH_MAX];
			snprintf(dir, sizeof(dir), "%s/%s", mnts[i], path);
			r = read_procs(dir, ret, ret_n);
			if (r == 0)
				return 0;
		}
	}
	return hk_err_sys(err, r, "cgroup '%s': read processes", path);
}

/* The file that freezes path's processes: v1 freezer.state where a freezer hierarchy is
 * mounted, else v2 cgroup.freeze. *v1 says which. -ENOENT: neither. */
static int freeze_file(const char *path, char *buf, size_t len, bool *v1)
{
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	int n = hierarchies(mnts, v2, NULL);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			snprintf(buf, len, "%s/%s/%s", mnts[i], path,
				 pass == 0 ? "freezer.state" : "cgroup.freeze");
			if ((pass == 0) == !v2[i] && access(buf, F_OK) == 0) {
				*v1 = pass == 0;
				return 0;
			}
		}
	return -ENOENT;
}

static bool read_is(const char *file, const char *want)
{
	char buf[32] = "";
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (k <= 0)
		return false;
	buf[k] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return !strcmp(buf, want);
}

int hk_cgroup_freeze(const char *path, bool freeze, struct hk_err *err)
{
	char f[HK_PATH_MAX + 64];
	bool v1;
	if (freeze_file(path, f, sizeof(f), &v1) < 0)
		return hk_err_set(err, -EOPNOTSUPP,
				  "cgroup '%s': no freezer (v1 freezer or v2 "
				  "cgroup.freeze)",
				  path);
	const char *v = v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");
	int r = write_file(f, v);
	if (r < 0)
		return hk_err_sys(err, r, "cgroup '%s': %s", path, freeze ? "freeze" : "thaw");
	/* v1: FREEZING until every task stopped; v2: cgroup.events says frozen 1 */
	for (int t = 0; t < 200; t++) {
		if (v1 ? read_is(f, v) : !freeze || hk_cgroup_frozen(path))
			return 0;
		usleep(5000);
	}
	return hk_err_set(err, -ETIMEDOUT, "cgroup '%s': %s did not complete in 1 s", path,
			  freeze ? "freeze" : "thaw");
}

bool hk_cgroup_frozen(const char *path)
{
	char f[HK_PATH_MAX + 64];
	bool v1;
	if (freeze_file(path, f, sizeof(f), &v1) < 0)
		return false;
	if (v1)
		return read_is(f, "FROZEN");
	char ev[HK_PATH_MAX + 64], buf[512] = "";
	snprintf(ev, sizeof(ev), "%.*s/cgroup.events", (int)(strrchr(f, '/') - f), f);
	_cleanup_close_ int fd = open(ev, O_RDONLY | O_CLOEXEC);
	ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (k > 0)
		buf[k] = 0;
	return strstr(buf, "frozen 1") != NULL;
}

/* Processes of path's that someone moved into a frozen v1 freezer cgroup of another
 * (crun's test_delete does, to make a delete hang) do not die of SIGKILL. Moved back into
 * path's own freezer cgroup dir (thawed) they are thawed: v1's freezer_attach makes a task
 * conform to its new cgroup. Only the processes missing from it are moved (a move by pid
 * can wait for an RCU grace period). */
static void thaw_strays(const char *path, const char *dir)
{
	pid_t *all = NULL, *ours = NULL;
	size_t na = 0, no = 0;
	struct hk_err e;
	if (hk_cgroup_pids(path, &all, &na, &e) < 0)
		return;
	if (na && read_procs(dir, &ours, &no) == 0) {
		char procs[HK_PATH_MAX + 80];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		_cleanup_close_ int fd = -1;
		for (size_t i = 0; i < na; i++) {
			size_t k = 0;
			while (k < no && ours[k] != all[i])
				k++;
			if (k < no)
				continue;
			if (fd < 0 && (fd = open(procs, O_WRONLY | O_CLOEXEC)) < 0)
				break;
			char s[24];
			int len = snprintf(s, sizeof(s), "%d", (int)all[i]);
			if (write(fd, s, (size_t)len) < 0)
				continue; /* gone meanwhile */
		}
	}
	free(all);
	free(ours);
}

void hk_cgroup_thaw_all(const char *path)
{
	char f[HK_PATH_MAX + 64];
	bool v1;
	if (freeze_file(path, f, sizeof(f), &v1) < 0)
		return;
	/* v1: FREEZING too (a pause under way), which SIGKILL would not end either */
	if (v1 ? !read_is(f, "THAWED") : hk_cgroup_frozen(path))
		hk_cgroup_freeze(path, false, NULL);
	if (v1) {
		*strrchr(f, '/') = 0; /* the freezer directory */
		thaw_strays(path, f);
	}
}

int hk_cgroup_remove(const char *path, struct hk_err *err)
{
	/* frozen processes do not die of SIGKILL (v1): thaw them first */
	hk_cgroup_thaw_all(path);
	char mnts[MAX_HIER][256];
	bool v2[MAX_HIER];
	int n = hierarchies(mnts, v2, err);
	if (n < 0)
		return n;
	int ret = 0;
	for (int i = 0; i < n; i++) {
		char dir[HK_PATH_MAX];
		if (snprintf(dir, sizeof(dir), "%s/%s", mnts[i], path) >= (int)sizeof(dir))
			continue;
		/* a cgroup with processes cannot go: kill them and wait a little */
		for (int tries = 0; tries < 200; tries++) {
			if (rmdir(dir) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				if (!ret)
					ret = hk_err_sys(err, -errno, "cgroup: rmdir '%s'", dir);
				break;
			}
			pid_t *pids = NULL;
			size_t np = 0;
			if (read_procs(dir, &pids, &np) == 0) {
				for (size_t k = 0; k < np; k++)
					kill(pids[k], SIGKILL);
				free(pids);
			}
			usleep(5000);
			if (tries == 199 && !ret)
				ret = hk_err_sys(err, -EBUSY, "cgroup: rmdir '%s'", dir);
		}
		/* the shared parent "hako" stays: removing it would race another run's mkdir */
	}
	return ret;
}
