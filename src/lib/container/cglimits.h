/* SPDX-License-Identifier: MIT */
/*
 * Resource limits of a container's cgroup (--memory, --memory-swap, --cpus, --cpu-shares,
 * --pids-limit, --cpuset-cpus), the device allowlist, the OOM verdict and usage figures,
 * on cgroup v1 and v2 alike. Each controller is looked up at run time in
 * /proc/self/mountinfo: a v1 hierarchy that carries it, else the v2 tree when its root's
 * cgroup.controllers lists it. A limit asked for whose controller is nowhere is an error
 * from hk_cglimits_check(), before anything is created: never silently dropped.
 *
 *   v1                                      v2
 *   memory.limit_in_bytes                   memory.max
 *   memory.memsw.limit_in_bytes (mem+swap)  memory.swap.max (swap only: swap - memory)
 *   cpu.cfs_quota_us / cpu.cfs_period_us    cpu.max "QUOTA PERIOD"
 *   cpu.shares                              cpu.weight (Docker's shares->weight formula)
 *   pids.max                                pids.max
 *   cpuset.cpus                             cpuset.cpus
 *   memory.oom_control oom_kill             memory.events oom_kill
 */
#ifndef HK_CGLIMITS_H
#define HK_CGLIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define HK_CG_MEMORY_MIN (6 * 1024 * 1024) /* Docker's minimum; below it runs nothing */
#define HK_CG_CPU_PERIOD 100000		   /* microseconds, as Docker */
/* The kernel's CFS bandwidth ranges (kernel/sched/core.c): a period of 1 ms to 1 s, a
 * quota of at least 1 ms and at most 2^44 - 1 microseconds (max_cfs_runtime). */
#define HK_CG_CPU_PERIOD_MIN 1000
#define HK_CG_CPU_PERIOD_MAX 1000000
#define HK_CG_CPU_QUOTA_MIN 1000
#define HK_CG_CPU_QUOTA_MAX 17592186044415LL

struct hk_cglimits {
	int64_t memory;	      /* bytes; 0: none */
	int64_t memory_swap;  /* memory + swap, bytes; 0: unset (2 x memory), -1: unlimited */
	uint32_t cpus_milli;  /* 500 = --cpus 0.5; 0: none */
	uint64_t cpu_shares;  /* 0: none */
	int64_t pids;	      /* 0: none; -1: unlimited */
	char cpuset[128];     /* "" none, else "0-1,3" */
	char cpuset_mems[64]; /* "" none, else memory nodes "0" (an OCI config's cpu.mems) */
	bool devices;	      /* apply the device allowlist (not with --privileged) */
	/* an OCI config's exact values: cpu.cfs_quota_us / cpu.cfs_period_us (0: from
	 * cpus_milli and HK_CG_CPU_PERIOD), and its linux.resources.devices rules, applied in
	 * their order before the allowlist (v1 devices controller) */
	int64_t cpu_quota;
	uint64_t cpu_period;
	const struct hk_cg_devrule *devrules;
	size_t ndevrules;
	/* an OCI config's other memory fields (0 / false: unset): reservation (v1
	 * memory.soft_limit_in_bytes, v2 memory.low), kernelTCP, swappiness (v1 only) and
	 * disableOOMKiller (v1 memory.oom_control); kernel (kmem) is deprecated by Linux and
	 * written only where the kernel still takes it, as runc and crun do */
	int64_t mem_reservation, mem_kernel, mem_kernel_tcp;
	bool swappiness_set, oom_kill_disable;
	unsigned swappiness;
};

/* One device cgroup rule: "a", "c 1:3 rwm", "b *:* m" ... (devices.allow/deny syntax). */
struct hk_cg_devrule {
	bool allow;
	char rule[48];
};

/* Parsers for the option values; usage errors (exit 2) naming the option. */
int hk_cg_parse_bytes(const char *opt, const char *s, int64_t *ret, struct hk_err *err);
int hk_cg_parse_cpus(const char *s, uint32_t *ret_milli, struct hk_err *err);
int hk_cg_parse_cpuset(const char *s, char *buf, size_t len, struct hk_err *err);

/* Values consistent, every needed controller present. Changes nothing. */
int hk_cglimits_check(const struct hk_cglimits *l, struct hk_err *err);

/* Write the limits into the container's cgroup path (relative, "hako/<id>"), after
 * hk_cgroup_create() and before any process joins. */
int hk_cglimits_apply(const char *path, const struct hk_cglimits *l, struct hk_err *err);

/* Did the kernel's OOM killer kill anything in the cgroup? ret_limit: the memory limit. */
int hk_cglimits_oom(const char *path, bool *ret_oom, int64_t *ret_limit, struct hk_err *err);

/* Change the limits of a live cgroup (hako update, hako oci update). Only what is set is
 * written, everything else stays: memory (> 0, or -1 unlimited); memory_swap (memory plus
 * swap: > 0, or -1 unlimited; when only memory changes, the swap amount in force is kept, v1
 * and v2 alike); mem_reservation; cpus_milli (the quota over the period in force) or
 * cpu_quota (-1 unlimited) and cpu_period; cpu_shares; pids (-1 unlimited); cpuset and
 * cpuset_mems. The values are checked and each controller looked up before any write; the
 * writes are ordered so the kernel takes a raise and a cut alike (v1: memory.limit_in_bytes
 * <= memory.memsw.limit_in_bytes at every step). Any other field set: a usage error. */
int hk_cglimits_update(const char *path, const struct hk_cglimits *l, struct hk_err *err);
/* The values hk_cglimits_update refuses (-EINVAL, nothing written). */
int hk_cglimits_update_check(const struct hk_cglimits *l, struct hk_err *err);

/* The text of controller ctrl's file in the cgroup at path ("memory", "memory.stat"), for
 * the figures hk_cglimits_stats does not give (the OCI runtime's events); ret_v2: the v2
 * tree answered. -ENOENT: no such controller or file. */
int hk_cglimits_read(const char *path, const char *ctrl, const char *file, char *buf, size_t len,
		     bool *ret_v2);

struct hk_cgstats {
	uint64_t mem_usage; /* bytes */
	int64_t mem_limit;  /* bytes; -1: none */
	uint64_t cpu_usec;  /* CPU time used */
	uint64_t pids;	    /* tasks */
	int64_t pids_limit; /* -1: none */
};

int hk_cglimits_stats(const char *path, struct hk_cgstats *ret, struct hk_err *err);

/* cgroup.c: the cgroup and cgroup2 hierarchies mounted (/proc/self/mountinfo), one mount
 * each (the one of its root, under /sys/fs/cgroup if there is one), read once per process
 * (the one parser of them: a start makes, limits, joins and mounts cgroups; the cgroup
 * mounts do not change under a command, and each read walks every mount). opts: the
 * superblock's options ("rw,memory", "rw,name=systemd"); controller: a v1 hierarchy with a
 * controller, or the v2 tree. *ret: the table (static), its length the return value. */
#define HK_CG_MOUNTS_MAX 32
struct hk_cg_mount {
	char mp[256], opts[512];
	bool v2, controller;
};
int hk_cgroup_mounts(const struct hk_cg_mount **ret, struct hk_err *err);

#endif
