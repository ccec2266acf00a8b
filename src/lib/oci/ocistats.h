/* SPDX-License-Identifier: MIT */
/*
 * `oci events`: a container cgroup's figures in runc's JSON (runc's libcontainer/cgroups
 * Stats as `runc events` prints them): cpu (usage: total, percpu, percpu_kernel, percpu_user,
 * kernel, user, in nanoseconds; throttling), memory (usage, swap, kernel, kernelTCP: limit,
 * usage, max, failcnt; raw: memory.stat), pids (current, limit), and blkio, hugetlb,
 * intel_rdt empty, network_interfaces null. Read through cglimits.h on v1 and v2 alike.
 */
#ifndef HK_OCISTATS_H
#define HK_OCISTATS_H

#include <json-c/json.h>
#include <stdint.h>

/* The "data" object of a stats event for the cgroup at path (relative, as the row's);
 * *ret_oom_kills: the OOM killer's count so far (memory.oom_control / memory.events). */
struct json_object *hk_oci_stats_json(const char *path, uint64_t *ret_oom_kills);

#endif
