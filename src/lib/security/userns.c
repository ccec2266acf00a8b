// SPDX-License-Identifier: MIT
/*
 * User namespaces for containers: map parsing and validation, subordinate ids, writing the
 * maps, idmapped mounts (userns.h; design in docs/parts/security.md).
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"

#define ID_LAST 4294967294ULL /* (uid_t)-1 is never an id */

void hk_userns_init(struct hk_userns *u)
{
	memset(u, 0, sizeof(*u));
	u->idmap_fd = -1;
	u->root_fd = -1;
	u->target_fd = -1;
}

void hk_userns_close_trees(struct hk_userns *u)
{
	if (u->root_fd >= 0)
		close(u->root_fd);
	u->root_fd = -1;
	for (size_t i = 0; i < u->nsrc; i++) {
		if (u->src[i].fd >= 0)
			close(u->src[i].fd);
		u->src[i].fd = -1;
	}
	for (size_t i = 0; i < u->ndev; i++)
		if (u->dev_fd[i] >= 0)
			close(u->dev_fd[i]);
	u->ndev = 0;
	for (size_t i = 0; i < u->ncg; i++)
		if (u->cg[i].fd >= 0)
			close(u->cg[i].fd);
	u->ncg = 0;
}

void hk_userns_close(struct hk_userns *u)
{
	hk_userns_close_trees(u); /* the trees' fds; then the idmap fd and the source paths */
	if (u->idmap_fd >= 0)
		close(u->idmap_fd);
	u->idmap_fd = -1;
	for (size_t i = 0; i < u->nsrc; i++)
		free(u->src[i].path);
	u->nsrc = 0;
}

static int num(const char **s, uint64_t *ret)
{
	char *end;
	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(*s, &end, 10);
	if (errno || v > 0xffffffffULL)
		return -1;
	*ret = v;
	*s = end;
	return 0;
}

int hk_idmap_parse_ext(const char *s, struct hk_idmap_ext *ret, struct hk_err *err)
{
	uint64_t v[3];
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		if (num(&p, &v[i]) < 0 || *p != (i < 2 ? ':' : '\0'))
			return hk_err_usage(err,
					    "'%s': expected CONTAINER_ID:HOST_ID:COUNT "
					    "(decimal)",
					    s);
		p += i < 2;
	}
	if (v[2] == 0)
		return hk_err_usage(err, "'%s': a map of zero ids", s);
	ret->inside = (uint32_t)v[0];
	ret->outside = (uint32_t)v[1];
	ret->count = (uint32_t)v[2];
	return 0;
}

int hk_idmap_add(struct hk_idmap *m, const char *s, const char *what, struct hk_err *err)
{
	if (m->n == HK_USERNS_MAP_MAX)
		return hk_err_usage(err, "%s: more than %d maps (the kernel's limit)", what,
				    HK_USERNS_MAP_MAX);
	int r = hk_idmap_parse_ext(s, &m->ext[m->n], err);
	if (r < 0)
		return hk_err_prefix(err, "%s", what);
	m->n++;
	return 0;
}

static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

int hk_idmap_validate(const struct hk_idmap *m, const char *what, struct hk_err *err)
{
	if (m->n == 0)
		return hk_err_usage(err, "%s: no map", what);
	if (m->n > HK_USERNS_MAP_MAX)
		return hk_err_usage(err, "%s: %zu maps, the kernel takes at most %d", what, m->n,
				    HK_USERNS_MAP_MAX);
	for (size_t i = 0; i < m->n; i++) {
		const struct hk_idmap_ext *a = &m->ext[i];
		if (a->count == 0)
			return hk_err_usage(err, "%s %u:%u:0: a map of zero ids", what, a->inside,
					    a->outside);
		if ((uint64_t)a->inside + a->count - 1 > ID_LAST ||
		    (uint64_t)a->outside + a->count - 1 > ID_LAST)
			return hk_err_usage(err, "%s %u:%u:%u: ids beyond %llu", what, a->inside,
					    a->outside, a->count, ID_LAST);
		for (size_t j = 0; j < i; j++) {
			const struct hk_idmap_ext *b = &m->ext[j];
			bool in = overlap(a->inside, a->count, b->inside, b->count);
			if (in || overlap(a->outside, a->count, b->outside, b->count))
				return hk_err_usage(err, "%s %u:%u:%u overlaps %u:%u:%u (%s ids)",
						    what, a->inside, a->outside, a->count,
						    b->inside, b->outside, b->count,
						    in ? "container" : "host");
		}
	}
	if (hk_idmap_to_host(m, 0) < 0)
		return hk_err_usage(err,
				    "%s: container id 0 is not mapped (the container's "
				    "init runs as 0)",
				    what);
	return 0;
}

int64_t hk_idmap_to_host(const struct hk_idmap *m, uint32_t in)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct hk_idmap_ext *e = &m->ext[i];
		if (in >= e->inside && (uint64_t)in < (uint64_t)e->inside + e->count)
			return (int64_t)e->outside + (in - e->inside);
	}
	return -1;
}

/* "0:100000:65536,..." (kernel false) or the uid_map text "0 100000 65536\n..." (true). */
static size_t idmap_text(const struct hk_idmap *m, bool kernel, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < m->n && o < len; i++) {
		const struct hk_idmap_ext *e = &m->ext[i];
		int k = kernel ? snprintf(buf + o, len - o, "%u %u %u\n", e->inside, e->outside,
					  e->count)
			       : snprintf(buf + o, len - o, "%s%u:%u:%u", i ? "," : "", e->inside,
					  e->outside, e->count);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	return o < len ? o : len;
}

void hk_idmap_format(const struct hk_idmap *m, char *buf, size_t len)
{
	idmap_text(m, false, buf, len);
}

size_t hk_idmap_kernel_text(const struct hk_idmap *m, char *buf, size_t len)
{
	return idmap_text(m, true, buf, len);
}

int hk_subid_parse_line(const char *line, const char *name, uint32_t *ret_start,
			uint32_t *ret_count)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	const char *colon = strchr(line, ':');
	if (!colon || colon == line)
		return -EINVAL;
	size_t nl = (size_t)(colon - line);
	const char *p = colon + 1;
	uint64_t start, count;
	if (num(&p, &start) < 0 || *p++ != ':' || num(&p, &count) < 0)
		return -EINVAL;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p || count == 0 || start + count - 1 > ID_LAST)
		return -EINVAL;
	if (strlen(name) != nl || strncmp(line, name, nl))
		return 0;
	*ret_start = (uint32_t)start;
	*ret_count = (uint32_t)count;
	return 1;
}

/* The first range of name in file: 1 found, 0 not, < 0 a malformed line (err set). */
static int subid_find(FILE *f, const char *file, const char *name, uint32_t *start, uint32_t *count,
		      struct hk_err *err)
{
	char line[512];
	unsigned lineno = 0;
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		int r = hk_subid_parse_line(line, name, start, count);
		if (r < 0)
			return hk_err_usage(err, "%s:%u: expected NAME:START:COUNT", file, lineno);
		if (r > 0)
			return 1;
	}
	return 0;
}

int hk_subid_lookup(const char *file, const char *name, const char *fallback, uint32_t *ret_start,
		    uint32_t *ret_count, const char **ret_who, struct hk_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	if (!f) {
		if (errno == ENOENT)
			return -ENOENT;
		return hk_err_sys(err, -errno, "open '%s'", file);
	}
	const char *who[] = { name, fallback };
	for (size_t i = 0; i < 2; i++) {
		if (!who[i])
			continue;
		int r = subid_find(f, file, who[i], ret_start, ret_count, err);
		if (r < 0)
			return r;
		if (r > 0) {
			*ret_who = who[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int default_one(struct hk_idmap *m, const char *file, struct hk_err *err)
{
	uint32_t start, count;
	const char *who;
	int r = hk_subid_lookup(file, "hako", "root", &start, &count, &who, err);
	if (r == -ENOENT)
		return hk_err_usage(err,
				    "--userns: no subordinate ids for user 'hako' or 'root' "
				    "in %s; add a line such as 'root:100000:65536' (or give "
				    "--uidmap/--gidmap)",
				    file);
	if (r < 0)
		return r;
	m->ext[0] = (struct hk_idmap_ext){ 0, start, count };
	m->n = 1;
	return 0;
}

int hk_userns_default(struct hk_userns *u, const char *subuid, const char *subgid,
		      struct hk_err *err)
{
	int r = 0;
	if (u->uid.n == 0)
		r = default_one(&u->uid, subuid, err);
	if (r == 0 && u->gid.n == 0)
		r = default_one(&u->gid, subgid, err);
	return r;
}

static int write_file(const char *path, const char *text, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t k = write(fd, text, len);
	if (k < 0)
		return -errno;
	return (size_t)k == len ? 0 : -EIO;
}

static int write_map(pid_t pid, const char *which, const struct hk_idmap *m, struct hk_err *err)
{
	char path[64], text[HK_USERNS_MAP_MAX * 34 + 1];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	size_t n = hk_idmap_kernel_text(m, text, sizeof(text));
	int r = write_file(path, text, n);
	if (r == -EPERM && !strcmp(which, "gid_map")) {
		/* a writer without CAP_SETGID over the parent namespace: the kernel accepts a
		 * gid_map only once setgroups is denied (user_namespaces(7)) */
		char sg[64];
		snprintf(sg, sizeof(sg), "/proc/%d/setgroups", (int)pid);
		if (write_file(sg, "deny", 4) == 0)
			r = write_file(path, text, n);
	}
	if (r < 0)
		return hk_err_sys(err, r, "write %s of pid %d", which, (int)pid);
	return 0;
}

int hk_userns_write_maps(pid_t pid, const struct hk_userns *u, struct hk_err *err)
{
	int r = write_map(pid, "gid_map", &u->gid, err);
	return r < 0 ? r : write_map(pid, "uid_map", &u->uid, err);
}

int hk_userns_become_root(bool keep_groups, struct hk_err *err)
{
	/* the setgroups before the id change: it needs CAP_SETGID in the namespace */
	if (!keep_groups && setgroups(0, NULL) < 0 && errno != EPERM)
		return hk_err_sys(err, -errno, "setgroups in the user namespace");
	if (setresgid(0, 0, 0) < 0)
		return hk_err_sys(err, -errno, "setresgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return hk_err_sys(err, -errno, "setresuid 0 in the user namespace");
	return 0;
}

int hk_userns_make_fd(struct hk_userns *u, struct hk_err *err)
{
	if (u->idmap_fd >= 0)
		return 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "pipe");
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		ssize_t k = read(p[0], &c, 1); /* until the parent is done with us */
		_exit(k < 0);
	}
	int e = errno;
	close(p[0]);
	int r = 0;
	if (pid < 0)
		r = hk_err_sys(err, -e, "clone a user namespace");
	if (r == 0)
		r = hk_userns_write_maps(pid, u, err);
	if (r == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		u->idmap_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (u->idmap_fd < 0)
			r = hk_err_sys(err, -errno, "open '%s'", path);
	}
	close(p[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return r;
}

static const char *fs_name(long type)
{
	static const struct {
		long magic;
		const char *name;
	} t[] = { { 0x65735546, "fuse" },
		  { 0x01021994, "tmpfs" },
		  { 0x6969, "nfs" },
		  { 0x794c7630, "overlay" },
		  { 0x9123683e, "btrfs" },
		  { 0x58465342, "xfs" },
		  { 0xef53, "ext4" },
		  { 0x4d44, "vfat" },
		  { 0x2011bab0, "exfat" },
		  { 0x5346544e, "ntfs" },
		  { 0xff534d42, "cifs" },
		  { 0x73717368, "squashfs" },
		  { (long)0x858458f6, "ramfs" },
		  { 0x9fa0, "proc" },
		  { 0x62656572, "sysfs" } };
	for (size_t i = 0; i < HK_ARRAY_SIZE(t); i++)
		if (t[i].magic == type)
			return t[i].name;
	return NULL;
}

int hk_tree_clone(int dirfd, const char *path)
{
	return (int)syscall(SYS_open_tree, dirfd >= 0 ? dirfd : AT_FDCWD, dirfd >= 0 ? "" : path,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
				    (dirfd >= 0 ? AT_EMPTY_PATH : 0));
}

int hk_userns_idmap_tree(const struct hk_userns *u, int dirfd, const char *path, int *ret_fd,
			 struct hk_err *err)
{
	int fd = hk_tree_clone(dirfd, path);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open_tree '%s'", path);
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)u->idmap_fd };
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0) {
		*ret_fd = fd;
		return 0;
	}
	int e = errno;
	close(fd);
	if (e != EINVAL && e != EOPNOTSUPP && e != ENOSYS)
		return hk_err_sys(err, -e, "idmapped mount of '%s'", path);
	struct statfs sf;
	char fsbuf[32];
	int sr = dirfd >= 0 ? fstatfs(dirfd, &sf) : statfs(path, &sf);
	const char *fs = sr == 0 ? fs_name((long)sf.f_type) : NULL;
	if (!fs && sr == 0) {
		snprintf(fsbuf, sizeof(fsbuf), "0x%lx", (unsigned long)sf.f_type);
		fs = fsbuf;
	}
	hk_err_set(err, -e,
		   "idmapped mount of '%s': its filesystem (%s) does not support "
		   "idmapped mounts; chown the tree into the range (container uid 0 = host uid "
		   "%" PRId64 ") and run --userns with it as it is",
		   path, fs ? fs : "unknown", hk_idmap_to_host(&u->uid, 0));
	hk_err_class_set(err, HK_ERR_UNSUPPORTED);
	return -e;
}

int hk_userns_prepare_rootfs(struct hk_userns *u, int rootfs_fd, const char *rootfs,
			     struct hk_err *err)
{
	struct stat st;
	if (fstat(rootfs_fd, &st) < 0)
		return hk_err_sys(err, -errno, "rootfs '%s'", rootfs);
	if ((int64_t)st.st_uid == hk_idmap_to_host(&u->uid, 0) &&
	    (int64_t)st.st_gid == hk_idmap_to_host(&u->gid, 0))
		return 0; /* already chowned into the range (the documented fallback) */
	int r = hk_userns_make_fd(u, err);
	return r < 0 ? r : hk_userns_idmap_tree(u, rootfs_fd, rootfs, &u->root_fd, err);
}

int hk_userns_mount_root(const struct hk_userns *u, const char *target, char *ret_root, size_t len,
			 struct hk_err *err)
{
	if (u->root_fd < 0 || u->target_fd < 0)
		return hk_err_set(err, -EBADF, "the rootfs tree was not opened");
	if (syscall(SYS_move_mount, u->root_fd, "", u->target_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return hk_err_sys(err, -errno, "move the rootfs tree onto '%s'", target);
	snprintf(ret_root, len, "/proc/self/fd/%d", u->root_fd);
	return 0;
}

/* Effective = permitted (a change of fsuid away from 0 clears the filesystem capabilities
 * from the effective set; overlayfs keeps the mounter's credentials for its upper layer). */
static int caps_raise(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int ovl_set(int fs, const char *key, int fd, const char *sub)
{
	char p[4200];
	snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", fd, sub);
	return syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, p, 0) < 0 ? -errno : 0;
}

/* fsconfig create with container root's fs ids: the upper layer is written through its
 * idmapped mount as the image's root. */
static int ovl_create(const struct hk_userns *u, int fs)
{
	uid_t fsuid = (uid_t)hk_idmap_to_host(&u->uid, 0);
	gid_t fsgid = (gid_t)hk_idmap_to_host(&u->gid, 0);
	setfsgid(fsgid);
	setfsuid(fsuid);
	int r = caps_raise();
	if (r == 0 && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		r = -errno;
	setfsuid(0);
	setfsgid(0);
	caps_raise();
	return r;
}

/* "dir/name" -> dir and name (in buf). */
static const char *split(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s", path);
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return NULL;
	*slash = 0;
	return slash + 1;
}

int hk_userns_overlay(const struct hk_userns *u, char *const *lowers, const char *upper,
		      const char *work, const char *target, struct hk_err *err)
{
	static const char *const opts[][2] = { { "index", "off" },
					       { "redirect_dir", "off" },
					       { "metacopy", "off" } };
	/* upper and work must be under one mount: idmap their common parent */
	char ud[4200], wd[4200];
	const char *un = split(upper, ud, sizeof(ud)), *wn = split(work, wd, sizeof(wd));
	if (!un || !wn || strcmp(ud, wd))
		return hk_err_set(err, -EINVAL,
				  "overlay: upper '%s' and work '%s' are not in one "
				  "directory",
				  upper, work);
	size_t n = 0;
	while (lowers[n])
		n++;
	int *fds = calloc(n + 1, sizeof(int)), r = 0;
	if (!fds)
		return hk_err_sys(err, -ENOMEM, "overlay");
	for (size_t i = 0; i < n + 1; i++)
		fds[i] = -1;
	_cleanup_close_ int fs = -1, m = -1;
	for (size_t i = 0; r == 0 && i < n + 1; i++)
		r = hk_userns_idmap_tree(u, -1, i < n ? lowers[i] : ud, &fds[i], err);
	if (r == 0 && (fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC)) < 0)
		r = hk_err_sys(err, -errno, "fsopen overlay");
	for (size_t i = 0; r == 0 && i < n; i++)
		if ((r = ovl_set(fs, "lowerdir+", fds[i], "")) < 0)
			hk_err_sys(err, r, "overlay lowerdir+ '%s'", lowers[i]);
	if (r == 0 && ((r = ovl_set(fs, "upperdir", fds[n], un)) < 0 ||
		       (r = ovl_set(fs, "workdir", fds[n], wn)) < 0))
		hk_err_sys(err, r, "overlay upperdir '%s'", upper);
	for (size_t i = 0; r == 0 && i < HK_ARRAY_SIZE(opts); i++)
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, opts[i][0], opts[i][1], 0) < 0 &&
		    errno != EINVAL)
			r = hk_err_sys(err, -errno, "overlay option %s", opts[i][0]);
	if (r == 0 && (r = ovl_create(u, fs)) < 0)
		hk_err_sys(err, r, "create the overlay on idmapped layers (upper '%s')", upper);
	if (r == 0 && (m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0)
		r = hk_err_sys(err, -errno, "fsmount overlay");
	if (r == 0 && syscall(SYS_move_mount, m, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		r = hk_err_sys(err, -errno, "mount overlay on '%s'", target);
	for (size_t i = 0; i < n + 1; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return r;
}

int hk_userns_open_src(struct hk_userns *u, int fd_in, const char *path, bool ro, bool idmap,
		       struct hk_err *err)
{
	if (u->nsrc == HK_USERNS_SRC_MAX)
		return hk_err_set(err, -E2BIG, "--userns: more than %d bind sources",
				  HK_USERNS_SRC_MAX);
	int fd = -1, r = 0;
	if (idmap) {
		r = hk_userns_make_fd(u, err);
		if (r == 0)
			r = hk_userns_idmap_tree(u, fd_in, path, &fd, err);
		if (r < 0)
			return r;
	} else {
		fd = hk_tree_clone(fd_in, path);
		if (fd < 0)
			return hk_err_sys(err, -errno, "open_tree '%s'", path);
	}
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	if (ro &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0) {
		int e = errno;
		close(fd);
		return hk_err_sys(err, -e, "read-only '%s'", path);
	}
	char *p = strdup(path);
	if (!p) {
		close(fd);
		return hk_err_sys(err, -ENOMEM, "open '%s'", path);
	}
	u->src[u->nsrc].path = p;
	u->src[u->nsrc++].fd = fd;
	return 0;
}

int hk_userns_src_fd(const struct hk_userns *u, const char *path)
{
	return hk_userns_src_fd_nth(u, path, 0);
}

int hk_userns_src_fd_nth(const struct hk_userns *u, const char *path, size_t nth)
{
	for (size_t i = 0; u && i < u->nsrc; i++)
		if (!strcmp(u->src[i].path, path) && nth-- == 0)
			return u->src[i].fd;
	return -1;
}
