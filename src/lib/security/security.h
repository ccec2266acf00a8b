/* SPDX-License-Identifier: MIT */
/*
 * The last steps of a container's child before execve: capabilities, no_new_privs, seccomp,
 * in the order runc uses. Everything is prepared in the parent (hk_caps_plan_new,
 * hk_seccomp_cache_get); this only makes system calls.
 *
 *   no_new_privs on:   caps (bounding, user, capset) -> PR_SET_NO_NEW_PRIVS -> seccomp, the
 *                      filter last so it need not allow what set-up itself uses;
 *   no_new_privs off:  seccomp first, while CAP_SYS_ADMIN is still held (the kernel wants it
 *                      without no_new_privs), then caps; the filter must allow capset,
 *                      prctl and setresuid, which Docker's default profile does.
 */
#ifndef HK_SECURITY_H
#define HK_SECURITY_H

#include <stdbool.h>

#include "base/err.h"
#include "caps.h"
#include "secfilter.h"

struct hk_sec_plan {
	const struct hk_caps_plan *caps;       /* NULL: leave capabilities and user alone */
	const struct hk_seccomp_prog *seccomp; /* NULL: unconfined */
	bool no_new_privs;
};

/* 0, or the seccomp filter's notification fd (> 0) when it has one (hk_seccomp_apply): the
 * caller sends it to the agent and closes it. */
int hk_sec_apply(const struct hk_sec_plan *plan, struct hk_err *err);

#endif
