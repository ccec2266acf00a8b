// SPDX-License-Identifier: MIT
#include "nsinfo.h"

#include <ctype.h>
#include <dirent.h>
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
#include "base/vec.h"
#include "fstree.h"
#include "netns.h"
#include "rtnl/netlink.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_types[HK_NS_NTYPES] = {
	[HK_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP }, [HK_NS_IPC] = { "ipc", CLONE_NEWIPC },
	[HK_NS_MNT] = { "mnt", CLONE_NEWNS },		[HK_NS_NET] = { "net", CLONE_NEWNET },
	[HK_NS_PID] = { "pid", CLONE_NEWPID },		[HK_NS_TIME] = { "time", CLONE_NEWTIME },
	[HK_NS_USER] = { "user", CLONE_NEWUSER },	[HK_NS_UTS] = { "uts", CLONE_NEWUTS },
};

const char *hk_ns_type_name(enum hk_ns_type t)
{
	return (unsigned)t < HK_NS_NTYPES ? ns_types[t].name : "?";
}

int hk_ns_type_clone_flag(enum hk_ns_type t)
{
	return (unsigned)t < HK_NS_NTYPES ? ns_types[t].flag : 0;
}

int hk_ns_type_from_clone_flag(int flag)
{
	for (int t = 0; t < HK_NS_NTYPES; t++)
		if (ns_types[t].flag == flag)
			return t;
	return -1;
}

int hk_ns_type_parse(const char *s, enum hk_ns_type *ret, struct hk_err *err)
{
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		if (!strcmp(s, ns_types[t].name)) {
			*ret = t;
			return 0;
		}
	}
	if (!strcmp(s, "mount")) {
		*ret = HK_NS_MNT;
		return 0;
	}
	return hk_err_usage(
		err, "unknown namespace type '%s' (cgroup, ipc, mnt, net, pid, time, user, uts)",
		s);
}

/* ---- pure parsers ------------------------------------------------------------------- */

int hk_ns_link_parse(const char *s, enum hk_ns_type *ret_type, uint64_t *ret_ino)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon[1] != '[' || !isdigit((unsigned char)colon[2]))
		return -EINVAL;
	int type = -1;
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		size_t n = strlen(ns_types[t].name);
		if ((size_t)(colon - s) == n && !strncmp(s, ns_types[t].name, n))
			type = t;
	}
	if (type < 0)
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long ino = strtoull(colon + 2, &end, 10);
	if (errno || end[0] != ']' || end[1] != '\0' || ino == 0)
		return -EINVAL;
	*ret_type = type;
	*ret_ino = ino;
	return 0;
}

/* Decode mountinfo's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

int hk_mountinfo_parse_line(char *line, struct hk_mountinfo_ent *ret)
{
	/* id parent major:minor root mount_point options [optional...] - fstype source super */
	char *f[6], *save = NULL, *tok;
	size_t n = 0;
	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n < 6 || !tok)
		return -EINVAL;
	while (tok && strcmp(tok, "-"))
		tok = strtok_r(NULL, " ", &save);
	if (!tok)
		return -EINVAL;
	char *fstype = strtok_r(NULL, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	if (!fstype || !source)
		return -EINVAL;
	unescape(f[3]);
	unescape(f[4]);
	unescape(source);
	*ret = (struct hk_mountinfo_ent){
		.root = f[3], .mount_point = f[4], .fstype = fstype, .source = source
	};
	return 0;
}

const char *hk_ns_persist_name(const char *path)
{
	static const char dir[] = "/run/netns/";
	if (strncmp(path, dir, sizeof(dir) - 1))
		return NULL;
	const char *name = path + sizeof(dir) - 1;
	if (!*name || strchr(name, '/'))
		return NULL;
	return name;
}

/* ---- bind mounts -------------------------------------------------------------------- */

void hk_ns_binds_free(struct hk_ns_bind *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++)
		free(b[i].path);
	free(b);
}

/* Type and inode of an open namespace file. */
int hk_ns_fd_identify(int fd, enum hk_ns_type *ret_type, uint64_t *ret_ino)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	int flag = ioctl(fd, NS_GET_NSTYPE);
	if (flag < 0)
		return errno == ENOTTY ? -EINVAL : -errno;
	int t = hk_ns_type_from_clone_flag(flag);
	if (t < 0)
		return -EINVAL;
	*ret_type = t;
	*ret_ino = st.st_ino;
	return 0;
}

static int bind_from_ent(const struct hk_mountinfo_ent *m, struct hk_ns_bind *b)
{
	/* The root of an nsfs mount reads "net:[ino]": no need to touch the mount point. Older
	 * kernels may print something else; then open it and ask the kernel. */
	if (hk_ns_link_parse(m->root, &b->type, &b->ino) < 0) {
		_cleanup_close_ int fd = open(m->mount_point, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 || hk_ns_fd_identify(fd, &b->type, &b->ino) < 0)
			return -EINVAL;
	}
	b->path = strdup(m->mount_point);
	return b->path ? 0 : -ENOMEM;
}

int hk_ns_binds(struct hk_ns_bind **ret, size_t *ret_n, struct hk_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return hk_err_sys(err, -errno, "open /proc/self/mountinfo");
	struct hk_ns_bind *v = NULL;
	size_t n = 0, cap = 0;
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	while (getline(&line, &len, f) > 0) {
		struct hk_mountinfo_ent m;
		if (hk_mountinfo_parse_line(line, &m) < 0 || strcmp(m.fstype, "nsfs"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct hk_ns_bind *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				hk_ns_binds_free(v, n);
				return hk_err_sys(err, -ENOMEM, "read /proc/self/mountinfo");
			}
			v = nv;
		}
		int r = bind_from_ent(&m, &v[n]);
		if (r == -ENOMEM) {
			hk_ns_binds_free(v, n);
			return hk_err_sys(err, r, "read /proc/self/mountinfo");
		}
		if (r == 0)
			n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- listing ------------------------------------------------------------------------ */

/* Entries by inode (nsfs inodes are unique across types): open addressing over an index. */
struct nsmap {
	struct hk_ns_entry *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1, 0 = empty */
	size_t nslot;	/* power of two */
};

static size_t slot_of(const struct nsmap *m, uint64_t ino)
{
	size_t i = (size_t)((ino * 0x9E3779B97F4A7C15ull) >> 20) & (m->nslot - 1);
	while (m->slot[i] && m->v[m->slot[i] - 1].ino != ino)
		i = (i + 1) & (m->nslot - 1);
	return i;
}

static int nsmap_grow(struct nsmap *m)
{
	size_t nslot = m->nslot ? m->nslot * 2 : 256;
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	free(m->slot);
	m->slot = slot;
	m->nslot = nslot;
	for (size_t k = 0; k < m->n; k++)
		m->slot[slot_of(m, m->v[k].ino)] = k + 1;
	return 0;
}

/* The entry for ino, created (nprocs 0) if new. NULL on ENOMEM. */
static struct hk_ns_entry *nsmap_get(struct nsmap *m, enum hk_ns_type type, uint64_t ino)
{
	if ((m->n + 1) * 2 > m->nslot && nsmap_grow(m) < 0)
		return NULL;
	size_t i = slot_of(m, ino);
	if (m->slot[i])
		return &m->v[m->slot[i] - 1];
	if (hk_vec_grow(&m->v, m->n, &m->cap, 64) < 0)
		return NULL;
	m->v[m->n] = (struct hk_ns_entry){ .ino = ino, .type = type, .netnsid = -1 };
	m->slot[i] = ++m->n;
	return &m->v[m->n - 1];
}

static bool parse_pid(const char *s, pid_t *ret)
{
	char *end;
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX)
		return false;
	*ret = (pid_t)v;
	return true;
}

/* The 8 namespace links of one process, through a dirfd on /proc/PID/ns. */
static int scan_pid(struct nsmap *m, int proc_fd, pid_t pid, unsigned types)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%d/ns", (int)pid);
	_cleanup_close_ int ns_fd = openat(proc_fd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ns_fd < 0)
		return 0; /* gone, or not ours to read */
	for (int t = 0; t < HK_NS_NTYPES; t++) {
		if (!(types & (1u << t)))
			continue;
		ssize_t n = readlinkat(ns_fd, ns_types[t].name, buf, sizeof(buf) - 1);
		if (n < 0)
			continue; /* EACCES (lsns skips too), ENOENT (type not built in) */
		buf[n] = '\0';
		enum hk_ns_type type;
		uint64_t ino;
		if (hk_ns_link_parse(buf, &type, &ino) < 0)
			continue;
		struct hk_ns_entry *e = nsmap_get(m, type, ino);
		if (!e)
			return -ENOMEM;
		e->nprocs++;
		if (!e->pid || pid < e->pid)
			e->pid = pid;
	}
	return 0;
}

/* Namespaces held by open fds of pid: /proc/PID/fd/N -> "net:[ino]". */
static int scan_fds(struct nsmap *m, int proc_fd, pid_t pid, unsigned types,
		    const struct hk_ns_bind *b, size_t nb)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%d/fd", (int)pid);
	_cleanup_closedir_ DIR *d = hk_opendir_at(proc_fd, buf);
	if (!d)
		return 0;
	int fd = dirfd(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		char link[PATH_MAX];
		ssize_t n = readlinkat(fd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		enum hk_ns_type type = HK_NS_NTYPES;
		uint64_t ino;
		/* an fd opened through a bind mount reads as that mount's path */
		for (size_t k = 0; link[0] == '/' && k < nb; k++)
			if (!strcmp(link, b[k].path))
				type = b[k].type, ino = b[k].ino;
		if (type == HK_NS_NTYPES && hk_ns_link_parse(link, &type, &ino) < 0)
			continue;
		if (!(types & (1u << type)))
			continue;
		struct hk_ns_entry *e = nsmap_get(m, type, ino);
		if (!e)
			return -ENOMEM;
		if (!e->fd_pid || pid < e->fd_pid)
			e->fd_pid = pid;
	}
	return 0;
}

static int scan_procs(struct nsmap *m, int proc_fd, const struct hk_ns_list_opts *o, unsigned types,
		      const struct hk_ns_bind *b, size_t nb)
{
	_cleanup_closedir_ DIR *d = hk_opendir_at(proc_fd, ".");
	if (!d)
		return -errno;
	struct dirent *de;
	while ((de = readdir(d))) {
		pid_t pid;
		if (!parse_pid(de->d_name, &pid))
			continue;
		int r = scan_pid(m, proc_fd, pid, types);
		if (r == 0 && o->fds)
			r = scan_fds(m, proc_fd, pid, types, b, nb);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "args joined by spaces" from /proc/PID/cmdline; kernel threads (empty): comm. */
static char *read_command(int proc_fd, pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	_cleanup_close_ int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		snprintf(path, sizeof(path), "%d/comm", (int)pid);
		_cleanup_close_ int cfd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
		n = cfd < 0 ? -1 : read(cfd, buf, sizeof(buf) - 1);
		if (n <= 0)
			return NULL;
		if (buf[n - 1] == '\n')
			n--;
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strdup(buf);
}

/* Owner and command of each entry's lowest pid (read once per distinct pid). */
static int fill_procs(struct nsmap *m, int proc_fd)
{
	pid_t last = 0;
	uid_t uid = 0;
	const char *cmd = NULL;
	for (size_t i = 0; i < m->n; i++) {
		struct hk_ns_entry *e = &m->v[i];
		if (!e->pid)
			continue;
		if (e->pid != last) {
			char path[32];
			struct stat st;
			snprintf(path, sizeof(path), "%d", (int)e->pid);
			uid = fstatat(proc_fd, path, &st, 0) == 0 ? st.st_uid : 0;
			last = e->pid;
			e->command = read_command(proc_fd, e->pid);
			cmd = e->command;
		} else if (cmd && !(e->command = strdup(cmd))) {
			return -ENOMEM;
		}
		e->uid = uid;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_binds(struct nsmap *m, unsigned types, struct hk_ns_bind *b, size_t nb)
{
	for (size_t i = 0; i < nb; i++) {
		if (!(types & (1u << b[i].type)))
			continue;
		struct hk_ns_entry *e = nsmap_get(m, b[i].type, b[i].ino);
		char **p = e ? realloc(e->paths, (e->npaths + 1) * sizeof(char *)) : NULL;
		if (!p)
			return -ENOMEM;
		e->paths = p;
		bool dup = false; /* the same mount point can show up twice (propagation) */
		for (size_t k = 0; k < e->npaths; k++)
			dup = dup || !strcmp(e->paths[k], b[i].path);
		if (!dup && !(e->paths[e->npaths] = strdup(b[i].path)))
			return -ENOMEM;
		e->npaths += !dup;
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].npaths > 1)
			qsort(m->v[i].paths, m->v[i].npaths, sizeof(char *), cmp_str);
	return 0;
}

static void entry_clear(struct hk_ns_entry *e)
{
	free(e->command);
	for (size_t k = 0; k < e->npaths; k++)
		free(e->paths[k]);
	free(e->paths);
}

void hk_ns_list_free(struct hk_ns_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		entry_clear(&e[i]);
	free(e);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct hk_ns_entry *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Keep only the entries whose inode is one of pid's namespaces. */
static void filter_pid(struct nsmap *m, const uint64_t *inos, size_t ninos)
{
	size_t w = 0;
	for (size_t i = 0; i < m->n; i++) {
		bool keep = false;
		for (size_t k = 0; k < ninos; k++)
			keep = keep || m->v[i].ino == inos[k];
		if (keep)
			m->v[w++] = m->v[i];
		else
			entry_clear(&m->v[i]);
	}
	m->n = w;
}

/* The namespace inodes of pid (the 8 types). ESRCH if it does not exist. */
static int pid_inos(int proc_fd, pid_t pid, uint64_t *inos, size_t *ret_n, struct hk_err *err)
{
	struct nsmap one = { 0 };
	int r = scan_pid(&one, proc_fd, pid, HK_NS_ALL_TYPES);
	*ret_n = 0;
	for (size_t i = 0; r == 0 && i < one.n; i++)
		inos[(*ret_n)++] = one.v[i].ino;
	free(one.v);
	free(one.slot);
	if (r < 0)
		return hk_err_sys(err, r, "read namespaces of process %d", (int)pid);
	if (*ret_n == 0) {
		char path[32];
		snprintf(path, sizeof(path), "%d", (int)pid);
		if (faccessat(proc_fd, path, F_OK, 0) < 0)
			return hk_err_set(err, -ESRCH, "process %d does not exist", (int)pid);
		return hk_err_set(err, -EACCES, "process %d: cannot read its namespaces", (int)pid);
	}
	return 0;
}

/* NETNSID of every network namespace, through a bind mount or a process's link; one that
 * vanished meanwhile, has no id here, or is held only by an fd keeps -1. */
static int fill_nsids(struct nsmap *m, int proc_fd, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, -1, err);
	for (size_t i = 0; r == 0 && i < m->n; i++) {
		struct hk_ns_entry *e = &m->v[i];
		if (e->type != HK_NS_NET)
			continue;
		char link[64];
		snprintf(link, sizeof(link), "%d/ns/net", (int)e->pid);
		_cleanup_close_ int fd = e->npaths ? open(e->paths[0], O_RDONLY | O_CLOEXEC)
					 : e->pid  ? openat(proc_fd, link, O_RDONLY | O_CLOEXEC)
						   : -1;
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_ino != e->ino)
			continue;
		struct hk_err ignored = { 0 };
		if (hk_netns_nsid(nl, fd, &e->netnsid, &ignored) < 0)
			e->netnsid = -1;
	}
	return r;
}

int hk_ns_list(const struct hk_ns_list_opts *o, struct hk_ns_entry **ret, size_t *ret_n,
	       struct hk_err *err)
{
	unsigned types = o->types ? o->types & HK_NS_ALL_TYPES : HK_NS_ALL_TYPES;
	_cleanup_close_ int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return hk_err_sys(err, -errno, "open /proc");
	uint64_t inos[HK_NS_NTYPES];
	size_t ninos = 0, nb = 0;
	struct hk_ns_bind *b = NULL;
	int r;
	if (o->pid > 0 && (r = pid_inos(proc_fd, o->pid, inos, &ninos, err)) < 0)
		return r;
	if ((r = hk_ns_binds(&b, &nb, err)) < 0)
		return r;
	struct nsmap m = { 0 };
	if ((r = scan_procs(&m, proc_fd, o, types, b, nb)) < 0) {
		hk_err_sys(err, r, "scan /proc");
		goto fail;
	}
	if ((r = add_binds(&m, types, b, nb)) < 0) {
		hk_err_sys(err, r, "list namespaces");
		goto fail;
	}
	if (o->pid > 0)
		filter_pid(&m, inos, ninos);
	/* the initial namespaces come first and share one lowest pid: fill_procs reads it once */
	qsort(m.v, m.n, sizeof(*m.v), cmp_entry);
	if ((r = fill_procs(&m, proc_fd)) < 0) {
		hk_err_sys(err, r, "list namespaces");
		goto fail;
	}
	if (o->nsids && (r = fill_nsids(&m, proc_fd, err)) < 0)
		goto fail;
	free(m.slot);
	hk_ns_binds_free(b, nb);
	*ret = m.v;
	*ret_n = m.n;
	return 0;
fail:
	free(m.slot);
	hk_ns_binds_free(b, nb);
	hk_ns_list_free(m.v, m.n);
	return r;
}

/* ---- one process -------------------------------------------------------------------- */

static int cmp_link(const void *a, const void *b)
{
	return strcmp(((const struct hk_ns_link *)a)->file, ((const struct hk_ns_link *)b)->file);
}

/* Read the link `file` under the ns dirfd into type/ino. */
static int read_ns_link(int ns_fd, const char *file, enum hk_ns_type *type, uint64_t *ino)
{
	char buf[64];
	ssize_t n = readlinkat(ns_fd, file, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return hk_ns_link_parse(buf, type, ino);
}

/* A dirfd on the ns directory of the initial namespaces: PID 1's, or kthreadd's (PID 2)
 * when PID 1 is not readable (kernel threads run in the initial namespaces). -1 if none. */
static int open_init_ns(void)
{
	enum hk_ns_type t;
	uint64_t ino;
	int fd = open("/proc/1/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && read_ns_link(fd, "net", &t, &ino) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	char comm[32] = "";
	_cleanup_close_ int cfd = open("/proc/2/comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = cfd < 0 ? -1 : read(cfd, comm, sizeof(comm) - 1);
	if (n <= 0 || strncmp(comm, "kthreadd\n", 9))
		return -1;
	return open("/proc/2/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int hk_ns_show(pid_t pid, struct hk_ns_link **ret, size_t *ret_n, struct hk_err *err)
{
	char path[64];
	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/ns");
	_cleanup_closedir_ DIR *d = hk_opendir_at(AT_FDCWD, path);
	if (!d && errno == ENOENT)
		return hk_err_set(err, -ESRCH, "process %d does not exist", (int)pid);
	if (!d)
		return hk_err_sys(err, -errno, "open %s", path);
	_cleanup_close_ int init_fd = open_init_ns();
	struct hk_ns_link *v = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct hk_ns_link *nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return hk_err_sys(err, -ENOMEM, "read %s", path);
		}
		v = nv;
		struct hk_ns_link *l = memset(&v[n], 0, sizeof(*l));
		snprintf(l->file, sizeof(l->file), "%.*s", (int)sizeof(l->file) - 1, de->d_name);
		int r = read_ns_link(dirfd(d), l->file, &l->type, &l->ino);
		if (r < 0) {
			hk_err_sys(err, r, "read %s/%s", path, l->file); /* before l goes */
			free(v);
			return r;
		}
		enum hk_ns_type it;
		uint64_t iino;
		if (init_fd >= 0 && read_ns_link(init_fd, l->file, &it, &iino) == 0) {
			l->init_known = true;
			l->shared_with_init = iino == l->ino;
		}
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_link);
	*ret = v;
	*ret_n = n;
	return 0;
}
