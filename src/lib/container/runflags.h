/* SPDX-License-Identifier: MIT */
/*
 * Docker's run/create flags that describe the container's process and /dev, parsed and
 * checked before anything is made (runflags.c): --sysctl (namespaced keys only, as Docker),
 * --ulimit, --device, --shm-size, --label. hk_runflags_apply points the spec (and the cgroup
 * limits, for --device's rule) at them.
 */
#ifndef HK_RUNFLAGS_H
#define HK_RUNFLAGS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "cglimits.h"
#include "container.h"

#define HK_RUNFLAGS_MAX 64

struct hk_runflags {
	struct hk_sysctl sysctls[HK_RUNFLAGS_MAX];
	size_t nsysctls;
	struct hk_rlimit rlimits[HK_RUNFLAGS_MAX];
	size_t nrlimits;
	struct hk_ct_device devices[HK_RUNFLAGS_MAX];
	struct hk_cg_devrule devrules[HK_RUNFLAGS_MAX];
	size_t ndevices;
	int64_t shm_size;		     /* bytes; 0: hako's default (64m, as Docker's) */
	const char *labels[HK_RUNFLAGS_MAX]; /* KEY=VALUE (a KEY alone: empty value) */
	size_t nlabels;
	char *owned[3 * HK_RUNFLAGS_MAX]; /* strings made here */
	size_t nowned;
};

/* --sysctl KEY=VALUE: a namespaced sysctl (net.*, kernel.msg*, kernel.sem, kernel.shm*,
 * fs.mqueue.*); anything else refused as Docker does. net.* is checked against the network
 * mode by hk_runflags_check. */
int hk_runflags_sysctl(struct hk_runflags *f, const char *kv, struct hk_err *err);

/* The namespace a sysctl key belongs to, for both front doors (--sysctl, an OCI config's
 * linux.sysctl): net.*; the IPC ones (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*);
 * kernel.domainname (uts); HK_SYSCTL_HOST for any other name; HK_SYSCTL_BAD for what is no
 * sysctl name ("..", "/", a leading ".", over 200 characters). */
enum hk_sysctl_ns {
	HK_SYSCTL_BAD = -1,
	HK_SYSCTL_HOST,
	HK_SYSCTL_NET,
	HK_SYSCTL_IPC,
	HK_SYSCTL_UTS
};
enum hk_sysctl_ns hk_sysctl_ns(const char *key);
/* --ulimit NAME=SOFT[:HARD] (nofile, nproc, core, ...; -1 unlimited). Above hako's own hard
 * limit it needs CAP_SYS_RESOURCE: refused now when hako lacks it (what the kernel would
 * refuse at the container's start). */
int hk_runflags_ulimit(struct hk_runflags *f, const char *v, struct hk_err *err);
/* --device HOST[:CONTAINER[:PERMS]]: HOST a character or block device (PERMS of r, w, m;
 * default rwm), made at CONTAINER (default HOST) in the container's /dev. */
int hk_runflags_device(struct hk_runflags *f, const char *v, struct hk_err *err);
/* --shm-size SIZE (bytes, k, m, g). */
int hk_runflags_shm(struct hk_runflags *f, const char *v, struct hk_err *err);
/* --label KEY[=VALUE]. */
int hk_runflags_label(struct hk_runflags *f, const char *v, struct hk_err *err);
/* After parsing: net.* sysctls need a network namespace of the container's own. */
int hk_runflags_check(const struct hk_runflags *f, enum hk_net_mode net, struct hk_err *err);
/* Point spec and lim at f (which must outlive them). */
void hk_runflags_apply(struct hk_runflags *f, struct hk_ct_spec *spec, struct hk_cglimits *lim);
void hk_runflags_free(struct hk_runflags *f);

/* --user USER[:GROUP] with names, for a --rootfs container: resolved in the rootfs's own
 * etc/passwd and etc/group, opened beneath rootfs_fd with no symlink followed (never a
 * host file), as hk_image_user does for an image's layers: a name must exist there (usage
 * error naming it), a number is taken as is (its passwd entry gives the group). */
int hk_ct_rootfs_user(int rootfs_fd, const char *user, uid_t *ret_uid, gid_t *ret_gid,
		      struct hk_err *err);

#endif
