/* SPDX-License-Identifier: MIT */
/*
 * A container's security set-up as `hako run` hands it to the child (spawn.c), everything
 * resolved in the parent before anything is created:
 *   plan           capabilities + user, no_new_privs, the compiled seccomp program
 *                  (security.h), applied by the main process right before execve and by
 *                  `hako exec`'s child likewise;
 *   masks          masked and read-only paths (masks.h): Docker's /proc and /sys lists,
 *                  or the caller's (an OCI config's);
 *   readonly_root  --read-only: the root mount read-only (after the --tmpfs mounts);
 *   tmpfs          --tmpfs PATH[:OPTS] mounts.
 * The container's init (PID 1, hako's own code) is made non-dumpable, so nothing in the
 * container can open /proc/1/exe (the hako binary) or ptrace it (CVE-2019-5736).
 */
#ifndef HK_CTSEC_H
#define HK_CTSEC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "secfilter.h"
#include "security.h"

struct hk_ct_tmpfs {
	char path[256];
	unsigned long flags; /* MS_* */
	char data[256];	     /* size=, mode=, uid=, gid= ... */
};

struct hk_ct_sec {
	struct hk_sec_plan plan;
	bool masks;
	/* with masks: the masked and read-only paths (NULL-terminated); NULL: Docker's lists */
	const char *const *masked, *const *readonly;
	bool readonly_root;
	const struct hk_ct_tmpfs *tmpfs;
	size_t ntmpfs;
};

/* "PATH[:OPTS]" as Docker's --tmpfs: OPTS comma-separated, flags (ro rw noexec exec nosuid
 * suid nodev dev) and data (size=64m, mode=1777, ...). Default nosuid,nodev,noexec. */
int hk_ct_tmpfs_parse(const char *arg, struct hk_ct_tmpfs *ret, struct hk_err *err);

/* In the child after pivot_root: tmpfs mounts, masks, read-only root. */
int hk_ctsec_mounts(const struct hk_ct_sec *s, struct hk_err *err);

/* seccomp_disk.c: the compiled program for (p, caps) from an on-disk cache under dir
 * (created if missing), compiling and storing it on a miss. The file name is the sha256
 * of the profile's contents, the capability bits it looks at, libseccomp's version, the
 * kernel release and the machine: anything that changes the program changes the name.
 * A cache that cannot be read or written is ignored (the program is compiled); a cache
 * directory or file that anyone but root could have written is refused (trust.h). */
int hk_seccomp_disk_get(const struct hk_seccomp_profile *p, uint64_t caps, const char *dir,
			struct hk_seccomp_prog *ret, bool *ret_hit, struct hk_err *err);

#endif
