// SPDX-License-Identifier: MIT
/* The child's security mounts (--tmpfs, masks, --read-only); see ctsec.h. (The hako binary
 * is kept out of a container's reach by the exec trampoline: tramp.h.) */
#include "ctsec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "masks.h"

int hk_ct_tmpfs_parse(const char *arg, struct hk_ct_tmpfs *ret, struct hk_err *err)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} fl[] = {
		{ "ro", MS_RDONLY, 0 },
		{ "rw", 0, MS_RDONLY },
		{ "noexec", MS_NOEXEC, 0 },
		{ "exec", 0, MS_NOEXEC },
		{ "nosuid", MS_NOSUID, 0 },
		{ "suid", 0, MS_NOSUID },
		{ "nodev", MS_NODEV, 0 },
		{ "dev", 0, MS_NODEV },
		/* access times and synchronous writes, as mount(8) spells them */
		{ "strictatime", MS_STRICTATIME, MS_NOATIME | MS_RELATIME },
		{ "relatime", MS_RELATIME, MS_NOATIME | MS_STRICTATIME },
		{ "noatime", MS_NOATIME, MS_RELATIME | MS_STRICTATIME },
		{ "nodiratime", MS_NODIRATIME, 0 },
		{ "diratime", 0, MS_NODIRATIME },
		{ "sync", MS_SYNCHRONOUS, 0 },
		{ "async", 0, MS_SYNCHRONOUS },
		{ "dirsync", MS_DIRSYNC, 0 },
	};
	memset(ret, 0, sizeof(*ret));
	const char *colon = strchr(arg, ':');
	size_t plen = colon ? (size_t)(colon - arg) : strlen(arg);
	if (plen == 0 || arg[0] != '/' || plen >= sizeof(ret->path) || plen == 1)
		return hk_err_usage(err,
				    "--tmpfs '%s': expected an absolute PATH[:OPTIONS] "
				    "(not /)",
				    arg);
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
		int r = hk_mkdir_p(t->path, 0755);
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
		struct hk_masks m = { s->masked ? s->masked : hk_masks_default_masked,
				      s->readonly ? s->readonly : hk_masks_default_readonly };
		int r = hk_masks_apply(root, &m, err);
		if (r < 0)
			return r;
	}
	return s->readonly_root ? readonly_root(err) : 0;
}
