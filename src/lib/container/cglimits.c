// SPDX-License-Identifier: MIT
/* Resource limits, device allowlist, OOM verdict and usage of a container's cgroup, on
 * cgroup v1 and v2 (see cglimits.h for the file map). */
#include "cglimits.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"

#define MNT_MAX 256
#define PATH_LEN 4200

/* Where controller ctrl lives: its mount point, and whether that is the v2 tree. */
static int find_ctrl(const char *ctrl, char mnt[MNT_MAX], bool *ret_v2)
{
	const struct hk_cg_mount *m;
	struct hk_err e;
	int n = hk_cgroup_mounts(&m, &e);
	if (n < 0)
		return n;
	char v2mnt[MNT_MAX] = "";
	for (int i = 0; i < n; i++) {
		char opts[512];
		if (m[i].v2) {
			if (!v2mnt[0])
				snprintf(v2mnt, sizeof(v2mnt), "%s", m[i].mp);
			continue;
		}
		snprintf(opts, sizeof(opts), "%s", m[i].opts);
		for (char *save = NULL, *t = strtok_r(opts, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (!strcmp(t, ctrl)) {
				snprintf(mnt, MNT_MAX, "%s", m[i].mp);
				*ret_v2 = false;
				return 0;
			}
		}
	}
	if (!v2mnt[0])
		return -ENOENT;
	char p[MNT_MAX + 32], buf[512] = "";
	snprintf(p, sizeof(p), "%s/cgroup.controllers", v2mnt);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (k <= 0)
		return -ENOENT;
	buf[k] = 0;
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(t, ctrl)) {
			snprintf(mnt, MNT_MAX, "%s", v2mnt);
			*ret_v2 = true;
			return 0;
		}
	}
	return -ENOENT;
}

/* Write each of vals[0..n) with its own write(2) on one open of dir/file (a cgroup file
 * takes one value per write). */
static int write_all(const char *dir, const char *file, const char *const *vals, size_t n,
		     struct hk_err *err)
{
	char p[PATH_LEN];
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
		return err ? hk_err_set(err, -ENAMETOOLONG, "cgroup: '%s': path too long", dir)
			   : -ENAMETOOLONG;
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	for (size_t i = 0; i < n; i++) {
		if (fd >= 0 && write(fd, vals[i], strlen(vals[i])) >= 0)
			continue;
		int e = -errno;
		if (!err)
			return e;
		if (e == -EINVAL || e == -EBUSY)
			return hk_err_sys(err, e,
					  "cgroup: write '%s' to '%s' (the kernel refuses "
					  "this value)",
					  vals[i], p);
		return hk_err_sys(err, e, "cgroup: write '%s' to '%s'", vals[i], p);
	}
	return 0;
}

static int write_at(const char *dir, const char *file, const char *val, struct hk_err *err)
{
	return write_all(dir, file, &val, 1, err);
}

static int read_at(const char *dir, const char *file, char *buf, size_t len)
{
	char p[PATH_LEN];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t k = read(fd, buf, len - 1);
	if (k < 0)
		return -errno;
	buf[k] = 0;
	return 0;
}

/* "KEY N" line of a flat-keyed file (memory.events, memory.oom_control, cpu.stat). */
static int read_key(const char *dir, const char *file, const char *key, uint64_t *ret)
{
	char buf[4096];
	int r = read_at(dir, file, buf, sizeof(buf));
	if (r < 0)
		return r;
	size_t kl = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, key, kl) && l[kl] == ' ') {
			*ret = strtoull(l + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

static int read_u64(const char *dir, const char *file, int64_t *ret)
{
	char buf[64];
	int r = read_at(dir, file, buf, sizeof(buf));
	if (r < 0)
		return r;
	*ret = !strncmp(buf, "max", 3) ? -1 : (int64_t)strtoll(buf, NULL, 10);
	return 0;
}

int hk_cg_parse_bytes(const char *opt, const char *s, int64_t *ret, struct hk_err *err)
{
	if (!strcmp(s, "-1")) {
		*ret = -1;
		return 0;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	uint64_t mul = 1;
	switch (*end | 0x20) {
	case 'k':
		mul = 1ULL << 10;
		break;
	case 'm':
		mul = 1ULL << 20;
		break;
	case 'g':
		mul = 1ULL << 30;
		break;
	case 't':
		mul = 1ULL << 40;
		break;
	case 'b':
	case ' ': /* '\0' | 0x20 */
		break;
	default:
		mul = 0;
	}
	if (*end && mul)
		end++;
	if ((*end == 'b' || *end == 'B') && mul > 1)
		end++;
	if (errno || end == s || *end || !mul || v <= 0 || v * (double)mul > 9.2e18)
		return hk_err_usage(err, "%s '%s': expected a size such as 512m, 1g, 1048576", opt,
				    s);
	*ret = (int64_t)(v * (double)mul);
	return 0;
}

int hk_cg_parse_cpus(const char *s, uint32_t *ret_milli, struct hk_err *err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (errno || end == s || *end || v < 0.01 || v > 1024)
		return hk_err_usage(err, "--cpus '%s': expected a number of CPUs such as 0.5 or 2",
				    s);
	if (n > 0 && v > (double)n)
		return hk_err_usage(err, "--cpus %s: this machine has %ld CPUs", s, n);
	*ret_milli = (uint32_t)(v * 1000 + 0.5);
	return 0;
}

int hk_cg_parse_cpuset(const char *s, char *buf, size_t len, struct hk_err *err)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	if (!*s || strlen(s) >= len || strspn(s, "0123456789,-") != strlen(s))
		return hk_err_usage(err, "--cpuset-cpus '%s': expected a CPU list such as 0-1,3",
				    s);
	for (const char *p = s; *p;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			return hk_err_usage(err, "--cpuset-cpus '%s': malformed list", s);
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return hk_err_usage(err, "--cpuset-cpus '%s': malformed range", s);
		}
		if (n > 0 && b >= n)
			return hk_err_usage(err,
					    "--cpuset-cpus '%s': CPU %ld does not exist (this "
					    "machine has 0-%ld)",
					    s, b, n - 1);
		p = *end == ',' ? end + 1 : end;
	}
	snprintf(buf, len, "%s", s);
	return 0;
}

static int need(const char *ctrl, const char *opt, struct hk_err *err)
{
	char mnt[MNT_MAX];
	bool v2;
	int r = find_ctrl(ctrl, mnt, &v2);
	if (r < 0)
		return hk_err_set(err, -EOPNOTSUPP,
				  "%s: the '%s' cgroup controller is not "
				  "available on this host (neither a v1 hierarchy nor the v2 tree "
				  "has it)",
				  opt, ctrl);
	return 0;
}

static bool has_swap_accounting(void)
{
	char mnt[MNT_MAX], p[MNT_MAX + 64];
	bool v2;
	if (find_ctrl("memory", mnt, &v2) < 0)
		return false;
	snprintf(p, sizeof(p), "%s/%s", mnt,
		 v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
	if (v2) /* the root has no memory.swap.max: look for the feature in a child */
		return access("/proc/swaps", F_OK) == 0;
	return access(p, F_OK) == 0;
}

int hk_cglimits_check(const struct hk_cglimits *l, struct hk_err *err)
{
	if (l->memory > 0 && l->memory < HK_CG_MEMORY_MIN)
		return hk_err_usage(err, "--memory %" PRId64 ": the minimum is 6m (%d bytes)",
				    l->memory, HK_CG_MEMORY_MIN);
	if (l->memory < 0)
		return hk_err_usage(err, "--memory: expected a positive size");
	if (l->memory_swap && !l->memory)
		return hk_err_usage(err, "--memory-swap needs --memory");
	if (l->memory_swap > 0 && l->memory_swap < l->memory)
		return hk_err_usage(err,
				    "--memory-swap (%" PRId64 ") must be at least --memory "
				    "(%" PRId64 "): it is memory plus swap",
				    l->memory_swap, l->memory);
	int r = 0;
	if (l->memory)
		r = need("memory", "--memory", err);
	if (r == 0 && l->memory_swap > 0 && l->memory_swap != l->memory && !has_swap_accounting())
		r = hk_err_set(err, -EOPNOTSUPP,
			       "--memory-swap: this kernel does not account "
			       "swap in the memory cgroup (swapaccount)");
	if (r == 0 && l->cpus_milli)
		r = need("cpu", "--cpus", err);
	if (r == 0 && l->cpu_shares) {
		if (l->cpu_shares < 2 || l->cpu_shares > 262144)
			return hk_err_usage(err, "--cpu-shares %" PRIu64 ": expected 2 to 262144",
					    l->cpu_shares);
		r = need("cpu", "--cpu-shares", err);
	}
	if (r == 0 && l->pids)
		r = need("pids", "--pids-limit", err);
	if (r == 0 && l->cpuset[0])
		r = need("cpuset", "--cpuset-cpus", err);
	return r;
}

/* The container's directory for ctrl; on v2 first make the controller available to it
 * (subtree_control of the root and of "hako"). */
static int ctrl_dir(const char *ctrl, const char *path, char dir[PATH_LEN], bool *ret_v2,
		    struct hk_err *err)
{
	char mnt[MNT_MAX];
	int r = find_ctrl(ctrl, mnt, ret_v2);
	if (r < 0)
		return hk_err_set(err, -EOPNOTSUPP, "cgroup: no '%s' controller", ctrl);
	snprintf(dir, PATH_LEN, "%s/%s", mnt, path);
	if (!*ret_v2)
		return 0;
	char on[64], parent[PATH_LEN];
	snprintf(on, sizeof(on), "+%s", ctrl);
	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = 0;
	r = write_at(mnt, "cgroup.subtree_control", on, err);
	return r < 0 ? r : write_at(parent, "cgroup.subtree_control", on, err);
}

static int apply_memory(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	char dir[PATH_LEN], v[32];
	bool v2;
	int r = ctrl_dir("memory", path, dir, &v2, err);
	if (r < 0)
		return r;
	snprintf(v, sizeof(v), "%" PRId64, l->memory);
	r = write_at(dir, v2 ? "memory.max" : "memory.limit_in_bytes", v, err);
	if (r < 0)
		return r;
	/* swap: unset = as much again as memory (Docker); -1 = unlimited */
	int64_t total = l->memory_swap ? l->memory_swap : 2 * l->memory;
	if (v2) {
		if (total < 0)
			strcpy(v, "max");
		else
			snprintf(v, sizeof(v), "%" PRId64, total - l->memory);
		r = write_at(dir, "memory.swap.max", v, NULL);
	} else {
		snprintf(v, sizeof(v), "%" PRId64, total);
		r = write_at(dir, "memory.memsw.limit_in_bytes", v, NULL);
	}
	/* no swap accounting: only an explicit swap limit other than "none" is an error */
	if (r == -ENOENT && (l->memory_swap <= 0 || l->memory_swap == l->memory))
		return 0;
	if (r < 0)
		return hk_err_sys(err, r, "cgroup '%s': set the swap limit", dir);
	return 0;
}

static bool memory_extra(const struct hk_cglimits *l)
{
	return l->mem_reservation || l->mem_kernel || l->mem_kernel_tcp || l->swappiness_set ||
	       l->oom_kill_disable;
}

static int apply_memory_extra(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	char dir[PATH_LEN], v[32];
	bool v2;
	int r = ctrl_dir("memory", path, dir, &v2, err);
	if (r == 0 && l->mem_reservation) {
		snprintf(v, sizeof(v), "%" PRId64, l->mem_reservation);
		r = write_at(dir, v2 ? "memory.low" : "memory.soft_limit_in_bytes", v, err);
	}
	if (r == 0 && l->mem_kernel && !v2) {
		snprintf(v, sizeof(v), "%" PRId64, l->mem_kernel);
		write_at(dir, "memory.kmem.limit_in_bytes", v, NULL); /* see cglimits.h */
	}
	if (r < 0 || !(l->mem_kernel_tcp || l->swappiness_set || l->oom_kill_disable))
		return r;
	if (v2)
		return hk_err_set(err, -EOPNOTSUPP,
				  "cgroup v2 has no kernel TCP limit, swappiness or OOM-killer "
				  "switch");
	if (l->mem_kernel_tcp) {
		snprintf(v, sizeof(v), "%" PRId64, l->mem_kernel_tcp);
		r = write_at(dir, "memory.kmem.tcp.limit_in_bytes", v, err);
	}
	if (r == 0 && l->swappiness_set) {
		snprintf(v, sizeof(v), "%u", l->swappiness);
		r = write_at(dir, "memory.swappiness", v, err);
	}
	if (r == 0 && l->oom_kill_disable)
		r = write_at(dir, "memory.oom_control", "1", err);
	return r;
}

static int apply_cpu(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	char dir[PATH_LEN], v[64];
	bool v2;
	int r = ctrl_dir("cpu", path, dir, &v2, err);
	if (r < 0)
		return r;
	uint64_t period = l->cpu_period ? l->cpu_period : HK_CG_CPU_PERIOD;
	uint64_t quota =
		l->cpu_quota > 0 ? (uint64_t)l->cpu_quota : (uint64_t)l->cpus_milli * period / 1000;
	if (l->cpus_milli && v2) {
		snprintf(v, sizeof(v), "%" PRIu64 " %" PRIu64, quota, period);
		r = write_at(dir, "cpu.max", v, err);
	} else if (l->cpus_milli) {
		snprintf(v, sizeof(v), "%" PRIu64, period);
		r = write_at(dir, "cpu.cfs_period_us", v, err);
		snprintf(v, sizeof(v), "%" PRIu64, quota);
		if (r == 0)
			r = write_at(dir, "cpu.cfs_quota_us", v, err);
	}
	if (r < 0 || !l->cpu_shares)
		return r;
	if (v2) /* Docker/runc: weight = 1 + (shares - 2) * 9999 / 262142 */
		snprintf(v, sizeof(v), "%" PRIu64, 1 + (l->cpu_shares - 2) * 9999 / 262142);
	else
		snprintf(v, sizeof(v), "%" PRIu64, l->cpu_shares);
	return write_at(dir, v2 ? "cpu.weight" : "cpu.shares", v, err);
}

/* Docker's default device rules: mknod of anything, use of the harmless character devices
 * only (so a block device node made inside cannot be read). v1 devices controller. */
static int apply_devices(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	static const char *const allow[] = {
		"c *:* m",   "b *:* m",	  "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
		"c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
	};
	char mnt[MNT_MAX], dir[PATH_LEN];
	bool v2;
	if (find_ctrl("devices", mnt, &v2) < 0 || v2)
		return 0; /* documented: no v1 devices controller, no device filter */
	snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
	int r = write_at(dir, "devices.deny", "a", err);
	for (size_t i = 0; r == 0 && i < l->ndevrules; i++)
		r = write_at(dir, l->devrules[i].allow ? "devices.allow" : "devices.deny",
			     l->devrules[i].rule, err);
	return r < 0 ? r : write_all(dir, "devices.allow", allow, HK_ARRAY_SIZE(allow), err);
}

int hk_cglimits_apply(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	int r = 0;
	char dir[PATH_LEN], v[32];
	bool v2;
	if (l->memory)
		r = apply_memory(path, l, err);
	if (r == 0 && memory_extra(l))
		r = apply_memory_extra(path, l, err);
	if (r == 0 && (l->cpus_milli || l->cpu_shares))
		r = apply_cpu(path, l, err);
	if (r == 0 && l->pids) {
		r = ctrl_dir("pids", path, dir, &v2, err);
		if (l->pids < 0)
			strcpy(v, "max");
		else
			snprintf(v, sizeof(v), "%" PRId64, l->pids);
		if (r == 0)
			r = write_at(dir, "pids.max", v, err);
	}
	if (r == 0 && l->cpuset[0]) {
		r = ctrl_dir("cpuset", path, dir, &v2, err);
		if (r == 0)
			r = write_at(dir, "cpuset.cpus", l->cpuset, err);
	}
	if (r == 0 && l->cpuset_mems[0]) {
		r = ctrl_dir("cpuset", path, dir, &v2, err);
		if (r == 0)
			r = write_at(dir, "cpuset.mems", l->cpuset_mems, err);
	}
	if (r == 0 && l->devices)
		r = apply_devices(path, l, err);
	return r;
}

int hk_cglimits_oom(const char *path, bool *ret_oom, int64_t *ret_limit, struct hk_err *err)
{
	char dir[PATH_LEN];
	bool v2;
	*ret_oom = false;
	*ret_limit = -1;
	char mnt[MNT_MAX];
	if (find_ctrl("memory", mnt, &v2) < 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
	uint64_t kills = 0;
	int r = read_key(dir, v2 ? "memory.events" : "memory.oom_control", "oom_kill", &kills);
	if (r == -ENOENT && !v2) { /* kernels before 4.13: no oom_kill count */
		uint64_t under = 0;
		r = read_key(dir, "memory.oom_control", "under_oom", &under);
		int64_t fail = 0;
		read_u64(dir, "memory.failcnt", &fail);
		kills = under || fail > 0;
	}
	if (r < 0)
		return hk_err_sys(err, r, "cgroup '%s': read the OOM count", dir);
	*ret_oom = kills > 0;
	read_u64(dir, v2 ? "memory.max" : "memory.limit_in_bytes", ret_limit);
	return 0;
}

int hk_cglimits_stats(const char *path, struct hk_cgstats *ret, struct hk_err *err)
{
	char mnt[MNT_MAX], dir[PATH_LEN];
	bool v2;
	int64_t v;
	*ret = (struct hk_cgstats){ .mem_limit = -1, .pids_limit = -1 };
	bool any = false;
	if (find_ctrl("memory", mnt, &v2) == 0) {
		snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
		if (read_u64(dir, v2 ? "memory.current" : "memory.usage_in_bytes", &v) == 0) {
			ret->mem_usage = (uint64_t)v;
			any = true;
		}
		read_u64(dir, v2 ? "memory.max" : "memory.limit_in_bytes", &ret->mem_limit);
		/* v1 "no limit" is a huge page-rounded number */
		if (ret->mem_limit >= INT64_C(0x7ffffffffffff000))
			ret->mem_limit = -1;
	}
	if (find_ctrl("cpuacct", mnt, &v2) == 0 && !v2) {
		snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
		if (read_u64(dir, "cpuacct.usage", &v) == 0)
			ret->cpu_usec = (uint64_t)v / 1000;
	} else if (find_ctrl("cpu", mnt, &v2) == 0 && v2) {
		snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
		read_key(dir, "cpu.stat", "usage_usec", &ret->cpu_usec);
	}
	if (find_ctrl("pids", mnt, &v2) == 0) {
		snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
		if (read_u64(dir, "pids.current", &v) == 0)
			ret->pids = (uint64_t)v;
		read_u64(dir, "pids.max", &ret->pids_limit);
	}
	if (!any)
		return hk_err_set(err, -ENOENT, "cgroup '%s': no memory accounting found", path);
	return 0;
}

/* ---- changing the limits of a live cgroup ---- */

#define UNLIMITED INT64_MAX

/* The container's directory for ctrl, which must exist (no subtree_control write: the
 * controller was enabled when the cgroup was made). */
static int live_dir(const char *ctrl, const char *path, char dir[PATH_LEN], bool *ret_v2,
		    struct hk_err *err)
{
	char mnt[MNT_MAX];
	if (find_ctrl(ctrl, mnt, ret_v2) < 0)
		return hk_err_set(err, -EOPNOTSUPP,
				  "update: the '%s' cgroup controller is not available on this "
				  "host",
				  ctrl);
	snprintf(dir, PATH_LEN, "%s/%s", mnt, path);
	if (access(dir, F_OK) < 0)
		return hk_err_sys(err, -errno, "update: cgroup '%s'", dir);
	return 0;
}

/* A limit file's value: "max", "-1" and v1's page-rounded huge number are UNLIMITED. */
static int read_limit(const char *dir, const char *file, int64_t *ret)
{
	int r = read_u64(dir, file, ret);
	if (r == 0 && (*ret < 0 || *ret >= INT64_C(0x7ffffffffffff000)))
		*ret = UNLIMITED;
	return r;
}

static void fmt_limit(char *v, size_t n, int64_t x, bool v2)
{
	if (x == UNLIMITED || x < 0)
		snprintf(v, n, "%s", v2 ? "max" : "-1");
	else
		snprintf(v, n, "%" PRId64, x);
}

static int update_memory(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	char dir[PATH_LEN], v[32];
	bool v2;
	int r = live_dir("memory", path, dir, &v2, err);
	if (r < 0)
		return r;
	const char *mfile = v2 ? "memory.max" : "memory.limit_in_bytes";
	int64_t cur = UNLIMITED, mem, sw = 0;
	if ((r = read_limit(dir, mfile, &cur)) < 0)
		return hk_err_sys(err, r, "update: read %s/%s", dir, mfile);
	mem = l->memory > 0 ? l->memory : l->memory < 0 ? UNLIMITED : cur;
	if (v2) {
		int64_t cursw = UNLIMITED;
		bool has_swap = read_limit(dir, "memory.swap.max", &cursw) == 0;
		if (l->memory_swap > 0 && mem == UNLIMITED)
			return hk_err_usage(err, "--memory-swap needs a memory limit");
		if (l->memory_swap && !has_swap)
			return hk_err_set(err, -EOPNOTSUPP,
					  "--memory-swap: this kernel does not account swap in "
					  "the memory cgroup (swapaccount)");
		fmt_limit(v, sizeof(v), mem, true);
		if ((r = write_at(dir, mfile, v, err)) < 0 || !l->memory_swap)
			return r; /* memory.swap.max is swap alone: its amount is kept */
		fmt_limit(v, sizeof(v), l->memory_swap < 0 ? UNLIMITED : l->memory_swap - mem,
			  true);
		return write_at(dir, "memory.swap.max", v, err);
	}
	int64_t cursw = UNLIMITED;
	bool has_swap = read_limit(dir, "memory.memsw.limit_in_bytes", &cursw) == 0;
	if (l->memory_swap > 0 && mem == UNLIMITED)
		return hk_err_usage(err, "--memory-swap needs a memory limit");
	if (l->memory_swap && !has_swap)
		return hk_err_set(err, -EOPNOTSUPP,
				  "--memory-swap: this kernel does not account swap in the "
				  "memory cgroup (swapaccount)");
	if (l->memory_swap)
		sw = l->memory_swap < 0 ? UNLIMITED : l->memory_swap;
	else if (has_swap && cursw != UNLIMITED) /* keep the swap amount */
		sw = mem == UNLIMITED || cur == UNLIMITED ? UNLIMITED : mem + (cursw - cur);
	if (!sw) {
		fmt_limit(v, sizeof(v), mem, false);
		return write_at(dir, mfile, v, err);
	}
	/* memory <= memory+swap at every step: a raise writes memsw first, a cut memory */
	char vs[32];
	fmt_limit(v, sizeof(v), mem, false);
	fmt_limit(vs, sizeof(vs), sw, false);
	if (mem > cur) {
		r = write_at(dir, "memory.memsw.limit_in_bytes", vs, err);
		return r < 0 ? r : write_at(dir, mfile, v, err);
	}
	r = write_at(dir, mfile, v, err);
	return r < 0 ? r : write_at(dir, "memory.memsw.limit_in_bytes", vs, err);
}

static int update_cpu(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	char dir[PATH_LEN], v[64], q[32];
	bool v2;
	int r = live_dir("cpu", path, dir, &v2, err);
	if (r < 0)
		return r;
	if (l->cpus_milli || l->cpu_quota || l->cpu_period) {
		int64_t period = (int64_t)l->cpu_period, quota = l->cpu_quota;
		if (v2) {
			char cur[64] = "max 100000";
			read_at(dir, "cpu.max", cur, sizeof(cur));
			int64_t cp = 100000;
			char cq[24] = "max";
			sscanf(cur, "%23s %" SCNd64, cq, &cp);
			if (!period)
				period = cp;
			if (!quota && !l->cpus_milli)
				quota = strcmp(cq, "max") ? strtoll(cq, NULL, 10) : -1;
		} else if (!period || (!quota && !l->cpus_milli)) {
			int64_t cp = 100000, cq = -1;
			read_u64(dir, "cpu.cfs_period_us", &cp);
			read_u64(dir, "cpu.cfs_quota_us", &cq);
			if (!period)
				period = cp;
			if (!quota && !l->cpus_milli)
				quota = cq;
		}
		if (!quota) /* --cpus: over the period in force */
			quota = (int64_t)l->cpus_milli * period / 1000;
		fmt_limit(q, sizeof(q), quota, v2);
		if (v2) {
			snprintf(v, sizeof(v), "%s %" PRId64, q, period);
			r = write_at(dir, "cpu.max", v, err);
		} else {
			/* the kernel checks quota/period as a pair: if period first is refused,
			 * quota first */
			snprintf(v, sizeof(v), "%" PRId64, period);
			r = write_at(dir, "cpu.cfs_period_us", v, NULL);
			if (r == 0)
				r = write_at(dir, "cpu.cfs_quota_us", q, err);
			else if ((r = write_at(dir, "cpu.cfs_quota_us", q, err)) == 0)
				r = write_at(dir, "cpu.cfs_period_us", v, err);
		}
	}
	if (r < 0 || !l->cpu_shares)
		return r;
	if (v2)
		snprintf(v, sizeof(v), "%" PRIu64, 1 + (l->cpu_shares - 2) * 9999 / 262142);
	else
		snprintf(v, sizeof(v), "%" PRIu64, l->cpu_shares);
	return write_at(dir, v2 ? "cpu.weight" : "cpu.shares", v, err);
}

int hk_cglimits_update_check(const struct hk_cglimits *l, struct hk_err *err)
{
	if (l->mem_kernel || l->mem_kernel_tcp || l->swappiness_set || l->oom_kill_disable ||
	    l->ndevrules || l->devices)
		return hk_err_usage(err, "update: only the memory, swap, memory reservation, "
					 "CPU, pids and cpuset limits can be changed");
	if (l->memory > 0 && l->memory < HK_CG_MEMORY_MIN)
		return hk_err_usage(err, "--memory %" PRId64 ": the minimum is 6m (%d bytes)",
				    l->memory, HK_CG_MEMORY_MIN);
	if (l->memory_swap > 0 && l->memory > 0 && l->memory_swap < l->memory)
		return hk_err_usage(err,
				    "--memory-swap (%" PRId64 ") must be at least --memory "
				    "(%" PRId64 "): it is memory plus swap",
				    l->memory_swap, l->memory);
	if (l->cpu_shares && (l->cpu_shares < 2 || l->cpu_shares > 262144))
		return hk_err_usage(err, "--cpu-shares %" PRIu64 ": expected 2 to 262144",
				    l->cpu_shares);
	if (l->cpu_period &&
	    (l->cpu_period < HK_CG_CPU_PERIOD_MIN || l->cpu_period > HK_CG_CPU_PERIOD_MAX))
		return hk_err_usage(err,
				    "--cpu-period %" PRIu64 ": expected 1000 to 1000000 "
				    "microseconds",
				    l->cpu_period);
	if (l->cpu_quota > 0 &&
	    (l->cpu_quota < HK_CG_CPU_QUOTA_MIN || l->cpu_quota > HK_CG_CPU_QUOTA_MAX))
		return hk_err_usage(err,
				    "--cpu-quota %" PRId64 ": expected 1000 to %lld "
				    "microseconds, or -1",
				    l->cpu_quota, HK_CG_CPU_QUOTA_MAX);
	return 0;
}

int hk_cglimits_update(const char *path, const struct hk_cglimits *l, struct hk_err *err)
{
	int r = hk_cglimits_update_check(l, err);
	if (r < 0)
		return r;
	bool mem = l->memory || l->memory_swap || l->mem_reservation;
	bool cpu = l->cpus_milli || l->cpu_quota || l->cpu_period || l->cpu_shares;
	bool cpuset = l->cpuset[0] || l->cpuset_mems[0];
	if (mem)
		r = need("memory", "update", err);
	if (r == 0 && cpu)
		r = need("cpu", "update", err);
	if (r == 0 && l->pids)
		r = need("pids", "update", err);
	if (r == 0 && cpuset)
		r = need("cpuset", "update", err);
	if (r == 0 && (l->memory || l->memory_swap))
		r = update_memory(path, l, err);
	char dir[PATH_LEN], v[32];
	bool v2;
	if (r == 0 && l->mem_reservation && (r = live_dir("memory", path, dir, &v2, err)) == 0) {
		fmt_limit(v, sizeof(v), l->mem_reservation, v2);
		r = write_at(dir, v2 ? "memory.low" : "memory.soft_limit_in_bytes", v, err);
	}
	if (r == 0 && cpu)
		r = update_cpu(path, l, err);
	if (r == 0 && l->pids && (r = live_dir("pids", path, dir, &v2, err)) == 0) {
		fmt_limit(v, sizeof(v), l->pids, true); /* "max" on v1 too */
		r = write_at(dir, "pids.max", v, err);
	}
	if (r == 0 && cpuset && (r = live_dir("cpuset", path, dir, &v2, err)) == 0) {
		if (l->cpuset[0])
			r = write_at(dir, "cpuset.cpus", l->cpuset, err);
		if (r == 0 && l->cpuset_mems[0])
			r = write_at(dir, "cpuset.mems", l->cpuset_mems, err);
	}
	return r;
}

int hk_cglimits_read(const char *path, const char *ctrl, const char *file, char *buf, size_t len,
		     bool *ret_v2)
{
	char mnt[MNT_MAX], dir[PATH_LEN];
	int r = find_ctrl(ctrl, mnt, ret_v2);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/%s", mnt, path);
	return read_at(dir, file, buf, len);
}
