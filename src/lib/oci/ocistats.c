// SPDX-License-Identifier: MIT
/* A container cgroup's figures as runc's events JSON (ocistats.h). */
#include "ocistats.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cglimits.h"

#define U64_MAX_JSON UINT64_MAX

/* The first figure of ctrl's file: "max" is UINT64_MAX (runc's v2 value for no limit). */
static bool num(const char *path, const char *ctrl, const char *file, uint64_t *ret)
{
	char buf[64];
	bool v2;
	if (hk_cglimits_read(path, ctrl, file, buf, sizeof(buf), &v2) < 0)
		return false;
	*ret = !strncmp(buf, "max", 3) ? U64_MAX_JSON : strtoull(buf, NULL, 10);
	return true;
}

/* "KEY N" line of a flat-keyed file */
static bool key(const char *path, const char *ctrl, const char *file, const char *k, uint64_t *ret)
{
	char buf[8192];
	bool v2;
	if (hk_cglimits_read(path, ctrl, file, buf, sizeof(buf), &v2) < 0)
		return false;
	size_t kl = strlen(k);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, k, kl) && l[kl] == ' ') {
			*ret = strtoull(l + kl + 1, NULL, 10);
			return true;
		}
	return false;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* a space-separated list of figures (cpuacct.usage_percpu) as an array; NULL when absent */
static struct json_object *list(const char *path, const char *ctrl, const char *file)
{
	char buf[4096];
	bool v2;
	if (hk_cglimits_read(path, ctrl, file, buf, sizeof(buf), &v2) < 0)
		return NULL;
	struct json_object *a = json_object_new_array();
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save))
		json_object_array_add(a, json_object_new_uint64(strtoull(t, NULL, 10)));
	return a;
}

static struct json_object *cpu(const char *path, bool v2)
{
	struct json_object *c = json_object_new_object(), *u = json_object_new_object(),
			   *t = json_object_new_object(), *a;
	uint64_t v = 0, user = 0, sys = 0, per = 0, thr = 0, thrt = 0;
	if (v2) {
		if (key(path, "cpu", "cpu.stat", "usage_usec", &v))
			add_u64(u, "total", v * 1000);
		key(path, "cpu", "cpu.stat", "user_usec", &user);
		key(path, "cpu", "cpu.stat", "system_usec", &sys);
		key(path, "cpu", "cpu.stat", "nr_periods", &per);
		key(path, "cpu", "cpu.stat", "nr_throttled", &thr);
		key(path, "cpu", "cpu.stat", "throttled_usec", &thrt);
		user *= 1000;
		sys *= 1000;
		thrt *= 1000;
	} else {
		if (num(path, "cpuacct", "cpuacct.usage", &v) && v)
			add_u64(u, "total", v);
		static const char *const pc[][2] = {
			{ "percpu", "cpuacct.usage_percpu" },
			{ "percpu_kernel", "cpuacct.usage_percpu_sys" },
			{ "percpu_user", "cpuacct.usage_percpu_user" }
		};
		for (size_t i = 0; i < sizeof(pc) / sizeof(pc[0]); i++)
			if ((a = list(path, "cpuacct", pc[i][1])))
				json_object_object_add(u, pc[i][0], a);
		/* cpuacct.stat counts USER_HZ ticks */
		long hz = sysconf(_SC_CLK_TCK);
		uint64_t ns = hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;
		key(path, "cpuacct", "cpuacct.stat", "user", &user);
		key(path, "cpuacct", "cpuacct.stat", "system", &sys);
		user *= ns;
		sys *= ns;
		key(path, "cpu", "cpu.stat", "nr_periods", &per);
		key(path, "cpu", "cpu.stat", "nr_throttled", &thr);
		key(path, "cpu", "cpu.stat", "throttled_time", &thrt);
	}
	add_u64(u, "kernel", sys);
	add_u64(u, "user", user);
	if (per) /* runc's omitempty */
		add_u64(t, "periods", per);
	if (thr)
		add_u64(t, "throttled_periods", thr);
	if (thrt)
		add_u64(t, "throttled_time", thrt);
	json_object_object_add(c, "usage", u);
	json_object_object_add(c, "throttling", t);
	return c;
}

/* runc's MemoryEntry: limit and failcnt always, usage and max when not 0 */
static struct json_object *entry(uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
	struct json_object *e = json_object_new_object();
	add_u64(e, "limit", limit);
	if (usage)
		add_u64(e, "usage", usage);
	if (max)
		add_u64(e, "max", max);
	add_u64(e, "failcnt", failcnt);
	return e;
}

static struct json_object *v1_entry(const char *path, const char *prefix)
{
	char f[64];
	uint64_t lim = 0, use = 0, max = 0, fail = 0;
	snprintf(f, sizeof(f), "%slimit_in_bytes", prefix);
	num(path, "memory", f, &lim);
	snprintf(f, sizeof(f), "%susage_in_bytes", prefix);
	num(path, "memory", f, &use);
	snprintf(f, sizeof(f), "%smax_usage_in_bytes", prefix);
	num(path, "memory", f, &max);
	snprintf(f, sizeof(f), "%sfailcnt", prefix);
	num(path, "memory", f, &fail);
	return entry(lim, use, max, fail);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > U64_MAX_JSON - b ? U64_MAX_JSON : a + b;
}

static struct json_object *memory(const char *path, bool v2)
{
	struct json_object *m = json_object_new_object(), *raw = json_object_new_object();
	char buf[8192];
	bool x;
	uint64_t cache = 0;
	if (hk_cglimits_read(path, "memory", "memory.stat", buf, sizeof(buf), &x) == 0) {
		for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			char k[64];
			unsigned long long v;
			if (sscanf(l, "%63s %llu", k, &v) != 2)
				continue;
			add_u64(raw, k, v);
			if (!strcmp(k, v2 ? "file" : "cache"))
				cache = v;
		}
	}
	if (cache)
		add_u64(m, "cache", cache);
	if (v2) {
		uint64_t lim = 0, use = 0, max = 0, fail = 0, slim = 0, suse = 0;
		num(path, "memory", "memory.max", &lim);
		num(path, "memory", "memory.current", &use);
		num(path, "memory", "memory.peak", &max);
		key(path, "memory", "memory.events", "max", &fail);
		num(path, "memory", "memory.swap.max", &slim);
		num(path, "memory", "memory.swap.current", &suse);
		json_object_object_add(m, "usage", entry(lim, use, max, fail));
		json_object_object_add(m, "swap", entry(sat_add(lim, slim), use + suse, 0, 0));
		json_object_object_add(m, "kernel", entry(0, 0, 0, 0));
		json_object_object_add(m, "kernelTCP", entry(0, 0, 0, 0));
	} else {
		json_object_object_add(m, "usage", v1_entry(path, "memory."));
		json_object_object_add(m, "swap", v1_entry(path, "memory.memsw."));
		json_object_object_add(m, "kernel", v1_entry(path, "memory.kmem."));
		json_object_object_add(m, "kernelTCP", v1_entry(path, "memory.kmem.tcp."));
	}
	json_object_object_add(m, "raw", raw);
	return m;
}

struct json_object *hk_oci_stats_json(const char *path, uint64_t *ret_oom_kills)
{
	struct json_object *d = json_object_new_object(), *p = json_object_new_object();
	char buf[8];
	bool cpu_v2 = false, mem_v2 = false;
	if (hk_cglimits_read(path, "cpu", "cgroup.procs", buf, sizeof(buf), &cpu_v2) < 0)
		cpu_v2 = false;
	if (hk_cglimits_read(path, "memory", "cgroup.procs", buf, sizeof(buf), &mem_v2) < 0)
		mem_v2 = false;
	json_object_object_add(d, "cpu", cpu(path, cpu_v2));
	json_object_object_add(d, "memory", memory(path, mem_v2));
	uint64_t cur = 0, lim = 0;
	if (num(path, "pids", "pids.current", &cur) && cur)
		add_u64(p, "current", cur);
	if (num(path, "pids", "pids.max", &lim) && lim && lim != U64_MAX_JSON)
		add_u64(p, "limit", lim);
	json_object_object_add(d, "pids", p);
	json_object_object_add(d, "blkio", json_object_new_object());
	json_object_object_add(d, "hugetlb", json_object_new_object());
	json_object_object_add(d, "intel_rdt", json_object_new_object());
	json_object_object_add(d, "network_interfaces", NULL);
	*ret_oom_kills = 0;
	if (!key(path, "memory", mem_v2 ? "memory.events" : "memory.oom_control", "oom_kill",
		 ret_oom_kills))
		*ret_oom_kills = 0;
	return d;
}
