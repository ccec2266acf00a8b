/* SPDX-License-Identifier: MIT */
/* `hako run` / `hako exec` isolation options (capabilities, seccomp, no_new_privs,
 * --read-only, --tmpfs, --user, resource limits, the -d log's bounds), parsed from their values
 * and resolved here so that every front door (cmd_run.c, cmd_exec.c, libhako) shares them.
 * Everything is resolved before anything is created. */
#ifndef HK_RUNSEC_H
#define HK_RUNSEC_H

#include <stdbool.h>

#include "caps.h"
#include "cglimits.h"
#include "base/err.h"
#include "container.h"
#include "ctconfig.h"
#include "ctlog.h"
#include "ctsec.h"
#include "userns.h"

#define HK_RUNSEC_LIST_MAX 32
#define HK_RUNSEC_TMPFS_MAX 16

struct hk_runsec {
	const char *add[HK_RUNSEC_LIST_MAX], *drop[HK_RUNSEC_LIST_MAX];
	size_t nadd, ndrop;
	bool privileged, allow_new_privs, read_only;
	const char *seccomp;	  /* NULL: default; "unconfined"; a file */
	struct hk_caps_user user; /* from a stored config: user.groups points into groups */
	gid_t groups[HK_CAPS_GROUPS_MAX];
	const char *user_name; /* --user NAME[:GROUP] (a name in it), to resolve in the root */
	struct hk_ct_tmpfs tmpfs[HK_RUNSEC_TMPFS_MAX];
	size_t ntmpfs;
	struct hk_cglimits lim;
	/* --log-opt max-size=, max-file= (ctlog.h): the bounds of a -d container's log */
	struct hk_ctlog_opts log;
	bool log_set;
	struct hk_userns userns; /* --userns, --uidmap, --gidmap (userns.h) */
	/* an OCI process: its five capability sets exactly as given (add/drop unused) */
	bool caps_exact;
	struct hk_caps_sets caps_sets;
	/* resolved by hk_runsec_prepare */
	uint64_t caps;
	struct hk_caps_plan *plan;
	struct hk_seccomp_profile *profile;
	/* seccomp=FILE: the file's text, read once; what was parsed is what the container's
	 * config stores and what `exec` parses again (never the file) */
	char *profile_text;
	size_t profile_len;
	struct hk_seccomp_prog prog;
	struct hk_ct_sec sec;
	/* the profile may have a listenerPath: the caller sends the agent its notification fd
	 * (hako oci); else such a profile is refused */
	bool seccomp_listener;
};

/* The isolation options of `hako run`: the vals of their entries in cmd_run.c's option table
 * (-m and -u: the letters of their short forms; the rest HK_RUNSEC_OPT_FIRST..HK_RUNSEC_OPT_LAST).
 */
enum runsec_opt {
	HK_RUNSEC_MEMORY = 'm', /* -m, --memory SIZE */
	HK_RUNSEC_USER = 'u',	/* -u, --user UID[:GID] */
	HK_RUNSEC_PRIVILEGED = 0x200,
	HK_RUNSEC_READ_ONLY,
	HK_RUNSEC_USERNS, /* --userns, --userns=host */
	HK_RUNSEC_CAP_ADD,
	HK_RUNSEC_CAP_DROP,
	HK_RUNSEC_SECURITY_OPT,
	HK_RUNSEC_TMPFS,
	HK_RUNSEC_MEMORY_SWAP,
	HK_RUNSEC_CPUS,
	HK_RUNSEC_CPU_SHARES,
	HK_RUNSEC_PIDS_LIMIT,
	HK_RUNSEC_CPUSET_CPUS,
	HK_RUNSEC_UIDMAP,
	HK_RUNSEC_GIDMAP,
	HK_RUNSEC_LOG_OPT,
	HK_RUNSEC_OPT_FIRST = HK_RUNSEC_PRIVILEGED,
	HK_RUNSEC_OPT_LAST = HK_RUNSEC_LOG_OPT,
};

/* Option id with its value (optarg: NULL for a flag or a bare --userns): 0, or < 0 bad
 * input. */
int hk_runsec_set(struct hk_runsec *s, int id, const char *val, struct hk_err *err);
/* After parsing: resolve caps, load and compile seccomp, check limits; set spec->sec. */
int hk_runsec_prepare(struct hk_runsec *s, struct hk_ct_spec *spec, const char *root,
		      struct hk_err *err);
/* After hk_runsec_prepare: run as uid:gid (an image's User when --user was not given). */
int hk_runsec_set_user(struct hk_runsec *s, uid_t uid, gid_t gid, struct hk_err *err);
void hk_runsec_free(struct hk_runsec *s);
/* The security and limits the container's stored config records (ctconfig.h). */
void hk_runsec_config(const struct hk_runsec *s, struct hk_ct_config_sec *ret);
/* --userns: maps resolved and validated, the --rootfs tree idmapped (before anything is
 * created); spec->userns set. No-op without --userns. */
int hk_runsec_userns(struct hk_runsec *s, struct hk_ct_spec *spec, struct hk_err *err);
/* hako exec: the container's security from its stored config, ready to apply (a seccomp
 * profile compiled under p). A seccomp=FILE profile comes from the text stored at run,
 * never from FILE again. */
int hk_runsec_from_config(struct hk_runsec *s, const char *config, const struct hk_paths *p,
			  struct hk_err *err);

#endif
