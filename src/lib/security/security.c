// SPDX-License-Identifier: MIT
#include "security.h"

#include <errno.h>
#include <sys/prctl.h>
#include <unistd.h>

static int apply_caps(const struct hk_sec_plan *plan, struct hk_err *err)
{
	return plan->caps ? hk_caps_plan_apply(plan->caps, err) : 0;
}

static int apply_seccomp(const struct hk_sec_plan *plan, struct hk_err *err)
{
	return plan->seccomp ? hk_seccomp_apply(plan->seccomp, err) : 0;
}

int hk_sec_apply(const struct hk_sec_plan *plan, struct hk_err *err)
{
	int r;
	if (!plan->no_new_privs) {
		int fd = apply_seccomp(plan, err);
		if (fd < 0 || (r = apply_caps(plan, err)) == 0)
			return fd;
		if (fd > 0)
			close(fd);
		return r;
	}
	r = apply_caps(plan, err);
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hk_err_sys(err, -errno, "prctl PR_SET_NO_NEW_PRIVS");
	return apply_seccomp(plan, err);
}
