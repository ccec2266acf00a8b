// SPDX-License-Identifier: MIT
/* Docker's process and /dev flags of run/create (runflags.h). */
#include "runflags.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "image.h"

static char *own(struct hk_runflags *f, char *s)
{
	if (s && f->nowned < HK_ARRAY_SIZE(f->owned))
		f->owned[f->nowned++] = s;
	else if (s) {
		free(s);
		s = NULL;
	}
	return s;
}

enum hk_sysctl_ns hk_sysctl_ns(const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb",
					   "kernel.msgmni", "kernel.sem",
					   "kernel.shmall", "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced" };
	if (!key[0] || key[0] == '.' || strstr(key, "..") || strchr(key, '/') || strlen(key) > 200)
		return HK_SYSCTL_BAD;
	if (!strncmp(key, "net.", 4))
		return HK_SYSCTL_NET;
	if (!strncmp(key, "fs.mqueue.", 10))
		return HK_SYSCTL_IPC;
	for (size_t i = 0; i < HK_ARRAY_SIZE(ipc); i++)
		if (!strcmp(key, ipc[i]))
			return HK_SYSCTL_IPC;
	return !strcmp(key, "kernel.domainname") ? HK_SYSCTL_UTS : HK_SYSCTL_HOST;
}

int hk_runflags_sysctl(struct hk_runflags *f, const char *kv, struct hk_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return hk_err_usage(err, "--sysctl '%s': expected KEY=VALUE", kv);
	char *key = own(f, strndup(kv, (size_t)(eq - kv)));
	if (!key)
		return hk_err_sys(err, -ENOMEM, "--sysctl");
	for (char *p = key; *p; p++)
		if (*p == '/')
			*p = '.'; /* net/ipv4/ip_forward is net.ipv4.ip_forward (Docker's) */
	enum hk_sysctl_ns ns = hk_sysctl_ns(key);
	if (ns == HK_SYSCTL_BAD)
		return hk_err_usage(err, "--sysctl '%s': not a sysctl name", kv);
	if (ns != HK_SYSCTL_NET && ns != HK_SYSCTL_IPC)
		return hk_err_usage(err,
				    "--sysctl '%s': not allowed: only namespaced sysctls (net.*, "
				    "kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) can be "
				    "set for a container",
				    kv);
	if (f->nsysctls == HK_RUNFLAGS_MAX)
		return hk_err_usage(err, "--sysctl: too many");
	f->sysctls[f->nsysctls++] = (struct hk_sysctl){ key, eq + 1 };
	return 0;
}

static const struct {
	const char *name;
	int res;
} limits[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

static int limit_value(const char *s, unsigned long long *ret)
{
	if (!strcmp(s, "-1") || !strcmp(s, "unlimited")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+')
		return -EINVAL;
	*ret = n;
	return 0;
}

static bool have_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {};
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

int hk_runflags_ulimit(struct hk_runflags *f, const char *v, struct hk_err *err)
{
	const char *eq = strchr(v, '=');
	size_t i = 0;
	for (; eq && i < HK_ARRAY_SIZE(limits); i++)
		if (strlen(limits[i].name) == (size_t)(eq - v) &&
		    !strncmp(v, limits[i].name, (size_t)(eq - v)))
			break;
	if (!eq || i == HK_ARRAY_SIZE(limits))
		return hk_err_usage(err,
				    "--ulimit '%s': expected NAME=SOFT[:HARD] with NAME one of "
				    "as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, "
				    "nofile, nproc, rss, rtprio, rttime, sigpending, stack",
				    v);
	char soft_s[32], *hard_s;
	snprintf(soft_s, sizeof(soft_s), "%s", eq + 1);
	hard_s = strchr(soft_s, ':');
	if (hard_s)
		*hard_s++ = 0;
	unsigned long long soft, hard;
	if (limit_value(soft_s, &soft) < 0 || (hard_s && limit_value(hard_s, &hard) < 0))
		return hk_err_usage(err, "--ulimit '%s': expected numbers (-1: unlimited)", v);
	if (!hard_s)
		hard = soft;
	if (soft > hard)
		return hk_err_usage(err, "--ulimit '%s': the soft limit is above the hard limit",
				    v);
	struct rlimit cur;
	if (getrlimit(limits[i].res, &cur) == 0 && hard > cur.rlim_max &&
	    !have_cap(CAP_SYS_RESOURCE))
		return hk_err_set(err, -EPERM,
				  "--ulimit '%s': the hard limit %llu is above hako's own (%llu), "
				  "and raising it needs CAP_SYS_RESOURCE, which hako does not have",
				  v, hard, (unsigned long long)cur.rlim_max);
	for (size_t k = 0; k < f->nrlimits; k++)
		if (f->rlimits[k].resource == limits[i].res) {
			f->rlimits[k].soft = soft;
			f->rlimits[k].hard = hard;
			return 0;
		}
	if (f->nrlimits == HK_RUNFLAGS_MAX)
		return hk_err_usage(err, "--ulimit: too many");
	f->rlimits[f->nrlimits++] = (struct hk_rlimit){ limits[i].res, limits[i].name, soft, hard };
	return 0;
}

static bool dev_path_ok(const char *p)
{
	return !strncmp(p, "/dev/", 5) && p[5] && !strstr(p, "/../") && !strstr(p, "//") &&
	       strcmp(p + strlen(p) - 3, "/..") && p[strlen(p) - 1] != '/' && !strstr(p, "/./");
}

int hk_runflags_device(struct hk_runflags *f, const char *v, struct hk_err *err)
{
	char *host = own(f, strdup(v));
	if (!host)
		return hk_err_sys(err, -ENOMEM, "--device");
	char *ct = strchr(host, ':'), *perms = NULL;
	if (ct) {
		*ct++ = 0;
		perms = strchr(ct, ':');
		if (perms)
			*perms++ = 0;
		if (!perms && strspn(ct, "rwm") == strlen(ct) && *ct) { /* HOST:PERMS */
			perms = ct;
			ct = NULL;
		}
	}
	if (!ct || !*ct)
		ct = host;
	if (perms && (!*perms || strspn(perms, "rwm") != strlen(perms)))
		return hk_err_usage(err, "--device '%s': permissions are r, w and m", v);
	struct stat st;
	if (stat(host, &st) < 0)
		return hk_err_sys(err, -errno, "--device '%s'", host);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return hk_err_usage(err, "--device '%s': not a character or block device", host);
	if (!dev_path_ok(ct))
		return hk_err_usage(err, "--device '%s': the container path must be under /dev/",
				    v);
	if (f->ndevices == HK_RUNFLAGS_MAX)
		return hk_err_usage(err, "--device: too many");
	f->devices[f->ndevices] = (struct hk_ct_device){
		.path = ct,
		.type = st.st_mode & S_IFMT,
		.major = major(st.st_rdev),
		.minor = minor(st.st_rdev),
		.mode = st.st_mode & 07777,
	};
	struct hk_cg_devrule *rule = &f->devrules[f->ndevices++];
	rule->allow = true;
	snprintf(rule->rule, sizeof(rule->rule), "%c %u:%u %s", S_ISCHR(st.st_mode) ? 'c' : 'b',
		 major(st.st_rdev), minor(st.st_rdev), perms ? perms : "rwm");
	return 0;
}

int hk_runflags_shm(struct hk_runflags *f, const char *v, struct hk_err *err)
{
	int r = hk_cg_parse_bytes("--shm-size", v, &f->shm_size, err);
	if (r == 0 && f->shm_size <= 0)
		return hk_err_usage(err, "--shm-size '%s': must be above 0", v);
	return r;
}

int hk_runflags_label(struct hk_runflags *f, const char *v, struct hk_err *err)
{
	if (!*v || *v == '=')
		return hk_err_usage(err, "--label '%s': expected KEY[=VALUE]", v);
	if (f->nlabels == HK_RUNFLAGS_MAX)
		return hk_err_usage(err, "--label: too many");
	f->labels[f->nlabels++] = v;
	return 0;
}

int hk_runflags_check(const struct hk_runflags *f, enum hk_net_mode net, struct hk_err *err)
{
	for (size_t i = 0; i < f->nsysctls; i++)
		if (!strncmp(f->sysctls[i].key, "net.", 4) && net == HK_NET_HOST)
			return hk_err_usage(err,
					    "--sysctl %s: not allowed with --network host: the "
					    "host's network namespace is not the container's",
					    f->sysctls[i].key);
	return 0;
}

void hk_runflags_apply(struct hk_runflags *f, struct hk_ct_spec *spec, struct hk_cglimits *lim)
{
	if (f->nsysctls) {
		spec->sysctls = f->sysctls;
		spec->nsysctls = f->nsysctls;
	}
	if (f->nrlimits) {
		spec->rlimits = f->rlimits;
		spec->nrlimits = f->nrlimits;
	}
	if (f->ndevices) {
		spec->devices = f->devices;
		spec->ndevices = f->ndevices;
		lim->devrules = f->devrules;
		lim->ndevrules = f->ndevices;
	}
	spec->shm_size = f->shm_size;
	spec->labels = f->labels;
	spec->nlabels = f->nlabels;
}

void hk_runflags_free(struct hk_runflags *f)
{
	for (size_t i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	f->nowned = 0;
}

#define USER_DB_MAX (4U << 20)

/* etc/NAME of the rootfs, malloc'ed; NULL when it has none. */
static int read_db(int rootfs_fd, const char *name, char **ret, struct hk_err *err)
{
	char rel[32];
	snprintf(rel, sizeof(rel), "etc/%s", name);
	struct stat st;
	*ret = NULL;
	int fd = hk_open_regular_beneath(rootfs_fd, rel, true, &st);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return hk_err_usage(err, "--user: the rootfs's /%s cannot be read safely (%s)", rel,
				    strerror(-fd));
	_cleanup_close_ int f = fd;
	if (st.st_size > USER_DB_MAX)
		return hk_err_usage(err, "--user: the rootfs's /%s is too large", rel);
	char *b = malloc((size_t)st.st_size + 1);
	if (!b)
		return hk_err_sys(err, -ENOMEM, "--user");
	ssize_t n = read(f, b, (size_t)st.st_size);
	if (n < 0) {
		free(b);
		return hk_err_sys(err, -errno, "--user: read /%s", rel);
	}
	b[n] = 0;
	*ret = b;
	return 0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 10;
}

int hk_ct_rootfs_user(int rootfs_fd, const char *user, uid_t *ret_uid, gid_t *ret_gid,
		      struct hk_err *err)
{
	char u[256];
	snprintf(u, sizeof(u), "%s", user);
	char *g = strchr(u, ':');
	if (g)
		*g++ = 0;
	if (!*u || (g && !*g))
		return hk_err_usage(err, "--user '%s': expected USER[:GROUP]", user);
	_cleanup_free_ char *pw = NULL;
	_cleanup_free_ char *gr = NULL;
	int r = read_db(rootfs_fd, "passwd", &pw, err);
	if (r == 0 && g)
		r = read_db(rootfs_fd, "group", &gr, err);
	if (r < 0)
		return r;
	unsigned long uid = 0, gid = 0, gg = 0;
	bool num = all_digits(u);
	if (num)
		uid = strtoul(u, NULL, 10);
	bool found = pw && hk_user_db_find(pw, u, num, &uid, &gid) == 0;
	if (!num && !found)
		return hk_err_usage(err, "--user '%s': no user '%s' in the container's /etc/passwd",
				    user, u);
	if (g) {
		bool gnum = all_digits(g);
		if (gnum)
			gg = strtoul(g, NULL, 10);
		else if (!gr || hk_user_db_find(gr, g, false, &gg, NULL) < 0)
			return hk_err_usage(err,
					    "--user '%s': no group '%s' in the container's "
					    "/etc/group",
					    user, g);
		gid = gg;
	}
	if (uid > 0xfffffffeUL || gid > 0xfffffffeUL)
		return hk_err_usage(err, "--user '%s': id out of range", user);
	*ret_uid = (uid_t)uid;
	*ret_gid = (gid_t)gid;
	return 0;
}
