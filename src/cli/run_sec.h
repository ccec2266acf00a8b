/* SPDX-License-Identifier: MIT */
/* `hako run` / `hako exec` isolation options (capabilities, seccomp, no_new_privs,
 * --read-only, --tmpfs, --user, resource limits, the -d log's bounds), kept in run_sec.c so
 * cmd_run.c and cmd_exec.c only call them. Everything is resolved before anything is created. */
#ifndef HK_RUN_SEC_H
#define HK_RUN_SEC_H

#include <stdbool.h>

#include "caps.h"
#include "cglimits.h"
#include "cmd.h"
#include "container.h"
#include "ctconfig.h"
#include "ctlog.h"
#include "ctsec.h"
#include "userns.h"

#define RUNSEC_LIST_MAX 32
#define RUNSEC_TMPFS_MAX 16

struct run_sec {
	const char *add[RUNSEC_LIST_MAX], *drop[RUNSEC_LIST_MAX];
	size_t nadd, ndrop;
	bool privileged, allow_new_privs, read_only;
	const char *seccomp; /* NULL: default; "unconfined"; a file */
	struct hk_caps_user user;
	struct hk_ct_tmpfs tmpfs[RUNSEC_TMPFS_MAX];
	size_t ntmpfs;
	struct hk_cglimits lim;
	/* --log-opt max-size=, max-file= (ctlog.h): the bounds of a -d container's log */
	struct hk_ctlog_opts log;
	bool log_set;
	struct hk_userns userns; /* --userns, --uidmap, --gidmap (userns.h) */
	/* resolved by runsec_prepare */
	uint64_t caps;
	struct hk_caps_plan *plan;
	struct hk_seccomp_profile *profile;
	/* seccomp=FILE: the file's text, read once; what was parsed is what the container's
	 * config stores and what `exec` parses again (never the file) */
	char *profile_text;
	size_t profile_len;
	struct hk_seccomp_prog prog;
	struct hk_ct_sec sec;
};

/* The isolation options of `hako run`: the vals of their entries in cmd_run.c's option table
 * (-m and -u: the letters of their short forms; the rest RUNSEC_OPT_FIRST..RUNSEC_OPT_LAST). */
enum runsec_opt {
	RUNSEC_MEMORY = 'm', /* -m, --memory SIZE */
	RUNSEC_USER = 'u',   /* -u, --user UID[:GID] */
	RUNSEC_PRIVILEGED = 0x200,
	RUNSEC_READ_ONLY,
	RUNSEC_USERNS, /* --userns, --userns=host */
	RUNSEC_CAP_ADD,
	RUNSEC_CAP_DROP,
	RUNSEC_SECURITY_OPT,
	RUNSEC_TMPFS,
	RUNSEC_MEMORY_SWAP,
	RUNSEC_CPUS,
	RUNSEC_CPU_SHARES,
	RUNSEC_PIDS_LIMIT,
	RUNSEC_CPUSET_CPUS,
	RUNSEC_UIDMAP,
	RUNSEC_GIDMAP,
	RUNSEC_LOG_OPT,
	RUNSEC_OPT_FIRST = RUNSEC_PRIVILEGED,
	RUNSEC_OPT_LAST = RUNSEC_LOG_OPT,
};

/* Option id with its value (optarg: NULL for a flag or a bare --userns): 0, or < 0 bad
 * input. */
int runsec_set(struct hk_ctx *ctx, struct run_sec *s, int id, const char *val);
/* After parsing: resolve caps, load and compile seccomp, check limits; set spec->sec. */
int runsec_prepare(struct hk_ctx *ctx, struct run_sec *s, struct hk_ct_spec *spec);
/* After runsec_prepare: run as uid:gid (an image's User when --user was not given). */
int runsec_set_user(struct hk_ctx *ctx, struct run_sec *s, uid_t uid, gid_t gid);
void runsec_free(struct run_sec *s);
/* The security and limits the container's stored config records (ctconfig.h). */
void runsec_config(const struct run_sec *s, struct hk_ct_config_sec *ret);
/* --userns: maps resolved and validated, the --rootfs tree idmapped (before anything is
 * created); spec->userns set. No-op without --userns. */
int runsec_userns(struct hk_ctx *ctx, struct run_sec *s, struct hk_ct_spec *spec);
/* hako exec: the container's security from its stored config, ready to apply. A
 * seccomp=FILE profile comes from the text stored at run, never from FILE again. */
int runsec_from_config(struct hk_ctx *ctx, const char *config, struct run_sec *s);

#endif
