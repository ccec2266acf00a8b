/* SPDX-License-Identifier: MIT */
/*
 * Capabilities of a container's process (the only libcap user).
 *
 * A capability set is a 64-bit mask, bit N = capability N (as CapEff in /proc/self/status).
 * The default set is Docker's 14 (CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID
 * SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE = 0x00000000a80425fb).
 *
 * Use: resolve --cap-add/--cap-drop in the parent before anything is created
 * (hk_caps_resolve), prepare a plan (hk_caps_plan_new: allocates), and apply it in the child
 * right before execve (hk_caps_plan_apply: syscalls only, no allocation, safe after clone).
 *
 * What the child ends with, as Docker + runc do (moby oci.SetCapabilities):
 *   root (uid 0):  bounding = permitted = effective = the set; inheritable and ambient empty
 *                  (inheritable empty since CVE-2022-24769).
 *   other users:   bounding = the set; permitted, effective, inheritable, ambient empty, so
 *                  --cap-add gives a non-root user nothing effective, exactly like Docker.
 */
#ifndef HK_CAPS_H
#define HK_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_CAPS_DEFAULT UINT64_C(0x00000000a80425fb)
#define HK_CAP_BIT(c) (UINT64_C(1) << (c))
#define HK_CAPS_HEX_LEN 17 /* 16 hex digits + NUL */

/* "CAP_NET_ADMIN" for a known capability number, NULL otherwise. */
const char *hk_cap_name(unsigned cap);

/* One capability name: "NET_ADMIN", "net_admin", "CAP_NET_ADMIN", "cap_net_admin". "ALL" is
 * not a capability here (-EINVAL). Unknown names: usage error naming the word. */
int hk_cap_parse(const char *name, unsigned *ret_cap, struct hk_err *err);

/* What --cap-add / --cap-drop / --privileged asked for. Each list element may itself be a
 * comma-separated list; "ALL" (any case) means every capability. */
struct hk_caps_spec {
	const char *const *add;
	size_t nadd;
	const char *const *drop;
	size_t ndrop;
	bool privileged;
};

/* Compute the set as Docker's TweakCapabilities does:
 *   privileged       -> all
 *   add has ALL      -> all minus drop
 *   drop has ALL     -> exactly add
 *   otherwise        -> (default minus drop) plus add
 * "all" means avail: the capabilities this process can hand on (hk_caps_available()). A
 * named capability outside avail is an error (class HK_ERR_PERM), never silently dropped.
 * Pure: no kernel state. */
int hk_caps_resolve(const struct hk_caps_spec *spec, uint64_t avail, uint64_t *ret,
		    struct hk_err *err);

/* The capabilities the calling process may give a child: its bounding set, limited to the
 * capabilities the running kernel knows. */
int hk_caps_available(uint64_t *ret, struct hk_err *err);

/* "CAP_CHOWN,CAP_KILL" (empty string for the empty set); unknown bits as "CAP_<n>".
 * Returns the length, or -ENOSPC when buf was too small (buf holds a truncated string). */
int hk_caps_format(uint64_t set, char *buf, size_t len);

/* The set as /proc/self/status shows it: 16 lower-case hex digits. Returns buf. */
const char *hk_caps_hex(uint64_t set, char buf[HK_CAPS_HEX_LEN]);

/* Parse a hex mask as in /proc/self/status ("00000000a80425fb"). */
int hk_caps_parse_hex(const char *s, uint64_t *ret, struct hk_err *err);

#define HK_CAPS_GROUPS_MAX 64 /* supplementary groups a container's process may be given */

/* The user the process becomes (--user UID[:GID]); unset keeps the current ids. */
struct hk_caps_user {
	bool set;
	uid_t uid;
	gid_t gid;
	size_t ngroups; /* supplementary groups; 0 clears them */
	const gid_t *groups;
	bool keep_groups; /* the process's groups stay as they are (groups ignored) */
};

struct hk_caps_plan;

/* Prepare, in the parent, everything the child needs (copies user->groups). */
int hk_caps_plan_new(uint64_t caps, const struct hk_caps_user *user, struct hk_caps_plan **ret,
		     struct hk_err *err);
void hk_caps_plan_free(struct hk_caps_plan *plan);
static inline void hk_caps_plan_freep(struct hk_caps_plan **p)
{
	hk_caps_plan_free(*p);
}
#define _cleanup_caps_plan_ __attribute__((cleanup(hk_caps_plan_freep)))

/* In the child, before execve, as root with full capabilities: drop the bounding set, switch
 * user keeping capabilities across setuid (PR_SET_KEEPCAPS), then set permitted/effective/
 * inheritable and clear ambient. No allocation. */
int hk_caps_plan_apply(const struct hk_caps_plan *plan, struct hk_err *err);

/* An OCI process's five sets, each as given (runtime spec: process.capabilities). */
struct hk_caps_sets {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* Replace what hk_caps_plan_new chose by exactly these sets (the bounding set included),
 * whatever the user: hk_caps_plan_apply then sets them after the user switch and raises
 * each ambient capability that is permitted and inheritable (the kernel raises no other;
 * the rest is left out, as runc and crun do). */
int hk_caps_plan_set_exact(struct hk_caps_plan *plan, const struct hk_caps_sets *sets,
			   struct hk_err *err);

/* The set the plan leaves effective (0 for a non-root user) and in the bounding set. */
uint64_t hk_caps_plan_effective(const struct hk_caps_plan *plan);
uint64_t hk_caps_plan_bounding(const struct hk_caps_plan *plan);

/* "UID[:GID]" (numbers, as --user takes them) into *u (set); a usage error otherwise. */
int hk_caps_user_parse(const char *s, struct hk_caps_user *u, struct hk_err *err);

#endif
