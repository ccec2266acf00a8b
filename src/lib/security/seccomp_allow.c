// SPDX-License-Identifier: MIT
/*
 * A minimal seccomp filter from a list of allowed system calls (libseccomp): everything
 * else fails with EPERM. Used for hako's container init (initbin.c), whose loop needs five
 * calls; the container's own profiles are compiled by seccomp.c.
 */
#include "seccomp_allow.h"

#include <errno.h>
#include <seccomp.h>

int hk_seccomp_load_allowlist(const char *const *names, size_t n, struct hk_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return hk_err_set(err, -ENOMEM, "seccomp: seccomp_init failed");
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0)
			hk_err_sys(err, r, "seccomp: allow %s", names[i]);
	}
	if (r == 0) {
		r = seccomp_load(ctx);
		if (r < 0)
			hk_err_sys(err, r, "seccomp: install the filter");
	}
	seccomp_release(ctx);
	return r;
}
