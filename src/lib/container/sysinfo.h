/* SPDX-License-Identifier: MIT */
/*
 * hako system info, df and prune (Docker's `docker info`, `system df`, `system prune`): counts
 * and sizes from the state database and the disk, and removing what nothing uses.
 */
#ifndef HK_SYSINFO_H
#define HK_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store.h"

struct hk_sysinfo {
	size_t containers, running, paused, stopped, images, networks;
	char kernel[65], os[256], arch[65], hostname[65];
	int cgroup_version; /* 1 or 2 (2: cgroup2 mounted on /sys/fs/cgroup) */
	const char *driver; /* "overlay" when the kernel has overlayfs, else "copy" */
	long ncpu;
	uint64_t mem_total;
};

int hk_sysinfo_get(struct hk_store *st, const struct hk_paths *p, struct hk_sysinfo *ret,
		   struct hk_err *err);

/* One line of `system df`: Images, Containers, Local Volumes, Build Cache. */
struct hk_sysdf {
	const char *type;
	size_t total, active;
	uint64_t size, reclaimable;
};
#define HK_SYSDF_ROWS 4

int hk_sysdf_get(struct hk_store *st, const struct hk_paths *p, struct hk_sysdf ret[HK_SYSDF_ROWS],
		 struct hk_err *err);

struct hk_prune_result {
	size_t containers, networks, images, layers;
	uint64_t reclaimed; /* bytes of the removed containers' changes and images */
};

/* Remove every stopped container (added to ret's containers and reclaimed; ret is not
 * cleared). Goes on past a failure; the first one is returned. */
int hk_container_prune(struct hk_store *st, const struct hk_paths *p, struct hk_prune_result *ret,
		       struct hk_err *err);
/* Remove stopped containers, networks no container uses (hako's default network kept),
 * images no container uses that are untagged (all of them with all_images), and layers no
 * image uses. Goes on past a failure; the first one is returned. */
int hk_system_prune(struct hk_store *st, const struct hk_paths *p, bool all_images,
		    struct hk_prune_result *ret, struct hk_err *err);

#endif
