/* SPDX-License-Identifier: MIT */
/*
 * A container's stored config (the `config` column of its row, JSON): what `hako run` was
 * given that `hako exec` replays (environment, working directory, mounts, security, limits).
 * Written by hk_ct_config_json when the container is created; its security read back by
 * hk_ct_config_sec_read for `hako exec`. Keys: docs/json.md.
 */
#ifndef HK_CTCONFIG_H
#define HK_CTCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "caps.h"
#include "cglimits.h"
#include "container.h"
#include "store.h"
#include "ctlog.h"
#include "userns.h"

/* The container's security and limits as resolved by the caller (caps, seccomp, user...). */
struct hk_ct_config_sec {
	uint64_t caps;
	bool no_new_privs;
	const char *seccomp;	  /* "default", "unconfined" or the profile's file name */
	const char *profile_text; /* seccomp=FILE: the text parsed (exec replays it); or NULL */
	size_t profile_len;
	bool privileged, read_only;
	struct hk_caps_user user;	/* user.set: "UID:GID", else "" */
	const struct hk_userns *userns; /* --userns: its maps; NULL: none */
	const struct hk_cglimits *lim;
	const struct hk_ctlog_opts *log;
};

/* The stored config of spec (env, workdir, mounts, interactive) with sec: a malloc'ed
 * string, NULL when out of memory. */
char *hk_ct_config_json(const struct hk_ct_spec *spec, const struct hk_ct_config_sec *sec);

/* The security part of a stored config, for `hako exec`. */
struct hk_ct_config_sec_read {
	bool present; /* false: a container from before security existed: nothing to replay */
	uint64_t caps;
	bool no_new_privs;
	struct hk_caps_user user; /* user.groups points into groups */
	gid_t groups[HK_CAPS_GROUPS_MAX];
	bool seccomp;	    /* a filter is applied: the default one, or profile_text */
	char *profile_text; /* seccomp=FILE: the text stored at run (never the file again) */
	size_t profile_len;
	char *profile_name; /* its file name, for messages */
};
/* Parse config's "security" object. A seccomp=FILE container whose config has no profile
 * text (started by an older hako) is refused (-ENODATA) rather than read from FILE again. */
int hk_ct_config_sec_read(const char *config, struct hk_ct_config_sec_read *ret,
			  struct hk_err *err);
void hk_ct_config_sec_read_free(struct hk_ct_config_sec_read *s);

/* What `hako exec` starts from, as Docker's exec: the container's environment (the image's,
 * then run's -e) and working directory as stored at create. *ret_env: a NULL-terminated
 * array of malloc'ed K=V strings (hk_ct_config_env_free), NULL when config has none;
 * *ret_workdir: malloc'ed, NULL when config has none. 0, or -ENOMEM. */
int hk_ct_config_proc(const char *config, char ***ret_env, char **ret_workdir);
void hk_ct_config_env_free(char **env);
static inline void hk_ct_config_env_freep(char ***env)
{
	hk_ct_config_env_free(*env);
}

/* config with the limits l sets (hako update's: the non-zero fields) written into its
 * "limits" object: a malloc'ed string; NULL: no config, not JSON, or out of memory. */
char *hk_ct_config_limits_set(const char *config, const struct hk_cglimits *l);
/* The "limits" of config into lim: memory, memory_swap, cpus, cpu_shares, pids_limit and
 * cpuset_cpus as stored (a start replays them over its stored options); the fields config
 * lacks are left as they are. */
void hk_ct_config_limits_get(const char *config, struct hk_cglimits *lim);

/* hako update: the limits l sets (checked first) in the cgroup of a running container, and
 * in its stored config either way: inspect shows them and the next start (restart policy,
 * hako start) applies them, as Docker's update of a running or stopped container. */
int hk_ct_update_limits(struct hk_store *st, const struct hk_ct_row *r, const struct hk_cglimits *l,
			struct hk_err *err);

#endif
