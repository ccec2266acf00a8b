// SPDX-License-Identifier: MIT
/* The child's security mounts (--tmpfs, masks, --read-only) and the sealed self-exec that
 * keeps the hako binary out of reach of a container (see ctsec.h). */
#include "ctsec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "masks.h"

int hk_ct_tmpfs_parse(const char *arg, struct hk_ct_tmpfs *ret, struct hk_err *err)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} fl[] = {
		{ "ro", MS_RDONLY, 0 },	    { "rw", 0, MS_RDONLY },   { "noexec", MS_NOEXEC, 0 },
		{ "exec", 0, MS_NOEXEC },   { "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
		{ "nodev", MS_NODEV, 0 },   { "dev", 0, MS_NODEV },
	};
	memset(ret, 0, sizeof(*ret));
	const char *colon = strchr(arg, ':');
	size_t plen = colon ? (size_t)(colon - arg) : strlen(arg);
	if (plen == 0 || arg[0] != '/' || plen >= sizeof(ret->path) || plen == 1)
		return hk_err_usage(err, "--tmpfs '%s': expected an absolute PATH[:OPTIONS] "
				    "(not /)", arg);
	memcpy(ret->path, arg, plen);
	if (strstr(ret->path, "/.."))
		return hk_err_usage(err, "--tmpfs '%s': '..' is not allowed", arg);
	ret->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (!colon)
		return 0;
	char opts[256];
	if (snprintf(opts, sizeof(opts), "%s", colon + 1) >= (int)sizeof(opts))
		return hk_err_usage(err, "--tmpfs '%s': options too long", arg);
	for (char *save = NULL, *t = strtok_r(opts, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool done = false;
		for (size_t i = 0; i < HK_ARRAY_SIZE(fl) && !done; i++) {
			if (strcmp(t, fl[i].name))
				continue;
			ret->flags = (ret->flags | fl[i].set) & ~fl[i].clear;
			done = true;
		}
		if (done)
			continue;
		if (!strchr(t, '=') || strchr(t, '\'') || strchr(t, '"'))
			return hk_err_usage(err, "--tmpfs '%s': unknown option '%s'", arg, t);
		size_t cur = strlen(ret->data);
		snprintf(ret->data + cur, sizeof(ret->data) - cur, "%s%s", cur ? "," : "", t);
	}
	return 0;
}

static int mkdir_p(const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int readonly_root(struct hk_err *err)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &a, sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return hk_err_sys(err, -errno, "--read-only: make / read-only");
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return hk_err_sys(err, -errno, "--read-only: remount / read-only");
	return 0;
}

int hk_ctsec_mounts(const struct hk_ct_sec *s, struct hk_err *err)
{
	if (!s)
		return 0;
	for (size_t i = 0; i < s->ntmpfs; i++) {
		const struct hk_ct_tmpfs *t = &s->tmpfs[i];
		int r = mkdir_p(t->path);
		if (r < 0)
			return hk_err_sys(err, r, "--tmpfs: mkdir '%s'", t->path);
		if (mount("tmpfs", t->path, "tmpfs", t->flags, t->data[0] ? t->data : NULL) < 0)
			return hk_err_sys(err, -errno, "--tmpfs: mount on '%s' (options '%s')",
					  t->path, t->data);
	}
	if (s->masks) {
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return hk_err_sys(err, -errno, "open '/'");
		struct hk_masks m = { hk_masks_default_masked, hk_masks_default_readonly };
		int r = hk_masks_apply(root, &m, err);
		if (r < 0)
			return r;
	}
	return s->readonly_root ? readonly_root(err) : 0;
}

static int sealed(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & (F_SEAL_WRITE | F_SEAL_SEAL)) == (F_SEAL_WRITE | F_SEAL_SEAL);
}

/* argv as the kernel recorded it. */
static char **self_argv(void)
{
	_cleanup_close_ int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	static char buf[65536];
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	if (k <= 0)
		return NULL;
	buf[k] = 0;
	size_t n = 0;
	for (ssize_t i = 0; i < k; i++)
		n += buf[i] == 0;
	char **v = calloc(n + 2, sizeof(char *));
	if (!v)
		return NULL;
	size_t j = 0;
	for (char *p = buf; p < buf + k && j <= n; p += strlen(p) + 1)
		v[j++] = p;
	return v;
}

int hk_selfexe_seal(struct hk_err *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return hk_err_sys(err, -errno, "open /proc/self/exe");
	if (sealed(self))
		return 0;
	struct stat st;
	if (fstat(self, &st) < 0)
		return hk_err_sys(err, -errno, "stat /proc/self/exe");
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
	int mfd = memfd_create("hako", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		mfd = memfd_create("hako", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return hk_err_sys(err, -errno, "memfd_create for the sealed hako copy");
	off_t off = 0;
	while (off < st.st_size) {
		ssize_t k = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
		if (k <= 0) {
			close(mfd);
			return hk_err_sys(err, k < 0 ? -errno : -EIO, "copy hako into a memfd");
		}
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		close(mfd);
		return hk_err_sys(err, -errno, "seal the hako memfd");
	}
	char **argv = self_argv();
	if (!argv) {
		close(mfd);
		return hk_err_sys(err, -EIO, "read /proc/self/cmdline");
	}
	extern char **environ;
	fexecve(mfd, argv, environ);
	int e = -errno;
	close(mfd);
	free(argv);
	return hk_err_sys(err, e, "re-exec hako from its sealed memfd");
}
