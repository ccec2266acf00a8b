/* SPDX-License-Identifier: MIT */
/*
 * An OCI bundle's config.json (runtime spec 1.1) read into hako's own container description
 * (struct hk_ct_spec + struct hk_runsec): the same description `hako run` fills, so the OCI
 * runtime goes through the same spawn, rootfs, security and cgroup code. Every field is
 * read; one hako cannot honour is refused with its path ("linux.namespaces[2].path:
 * joining a pid namespace is not supported"), before anything is created.
 */
#ifndef HK_OCICONFIG_H
#define HK_OCICONFIG_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

#include "base/err.h"
#include "container.h"
#include "runsec.h"

#define HK_OCI_MOUNTS_MAX 64
#define HK_OCI_RLIMITS_MAX 16
#define HK_OCI_GROUPS_MAX 64

struct hk_oci_config {
	struct json_object *root; /* the parsed config.json (owned) */
	char bundle[PATH_MAX];	  /* absolute */
	char rootfs[PATH_MAX];	  /* root.path, resolved (hk_ct_spec_rootfs) */
	struct hk_ct_spec spec;	  /* argv, env point into root */
	struct hk_runsec sec;	  /* caps (exact set), no_new_privs, seccomp, masks, limits */
	char **env;		  /* NULL-terminated, heap strings (hk_ct_spec_defaults) */
	size_t nenv;
	char **argv; /* NULL-terminated, pointing into root */
	struct hk_mountspec mounts[HK_OCI_MOUNTS_MAX];
	char mount_ct[HK_OCI_MOUNTS_MAX][PATH_MAX];
	struct hk_ct_tmpfs tmpfs[HK_OCI_MOUNTS_MAX]; /* mounts[i].tmpfs */
	struct hk_rlimit rlimits[HK_OCI_RLIMITS_MAX];
	struct hk_sysctl sysctls[HK_OCI_RLIMITS_MAX * 2];
	gid_t groups[HK_OCI_GROUPS_MAX];
	struct hk_cg_devrule devrules[64]; /* linux.resources.devices, then linux.devices' */
	struct hk_ct_device devices[32];   /* linux.devices */
	char netns[PATH_MAX];		   /* linux.namespaces network path, "" for a new one */
	char cgroup_path[256]; /* linux.cgroupsPath without its leading '/' ("": hako's) */
	char notify_dir[108];  /* sd_notify's directory in the container (spec.notify_dir) */
	bool terminal;	       /* process.terminal */
	bool userns;	       /* a new user namespace (linux.namespaces) */
	bool mask_paths;       /* linux.maskedPaths/readonlyPaths given (non-empty) */
	char **masked;	       /* linux.maskedPaths, NULL-terminated, pointing into root */
	char **readonly;       /* linux.readonlyPaths, likewise */
	bool has_oom_score_adj;
	int oom_score_adj;
	/* linux.seccomp.listenerPath (NULL: none): the seccomp agent's socket, which gets the
	 * filter's notification fd with the container process's state; listenerMetadata */
	const char *seccomp_listener, *seccomp_metadata;
};

/* Read BUNDLE/config.json (config: another file, relative to BUNDLE, as crun's --config)
 * into c, which must be zeroed (calloc): the struct is ~330 KB, mostly path buffers that a
 * config rarely fills, and clearing it here would fault in every page of it on each
 * create (about 80 page faults, ~0.5 ms on a VM). state_root: hako's
 * --root for the seccomp cache. Bad input: -EINVAL (usage class, exit 2) with the field's
 * path; nothing is created. */
int hk_oci_config_load(struct hk_oci_config *c, const char *bundle, const char *config,
		       const char *state_root, struct hk_err *err);
void hk_oci_config_free(struct hk_oci_config *c);

/* The checks config.json's values get, for other OCI JSON (exec --process FILE); origin
 * begins the message ("config.json", "--process FILE"), path names the value. A user or group
 * id: an integer 0 .. 4294967294. */
int hk_oci_json_id(struct json_object *v, const char *origin, const char *path, uint32_t *ret,
		   struct hk_err *err);
/* A process's user object (uid, gid, additionalGids), each id as hk_oci_json_id. */
struct hk_oci_user {
	uint32_t uid, gid;
	uint32_t groups[HK_OCI_GROUPS_MAX];
	size_t ngroups;
};
int hk_oci_json_user(struct json_object *u, const char *origin, const char *path,
		     struct hk_oci_user *ret, struct hk_err *err);
/* An array of strings only: *ret (malloc'd, NULL-terminated) points into a. */
int hk_oci_json_strings(struct json_object *a, const char *origin, const char *path, char ***ret,
			size_t *ret_n, struct hk_err *err);

/* The home directory of uid in the rootfs at root_fd (its /etc/passwd, resolved inside the
 * root), "/" when it has none: HOME when the process's env lacks it, as runc and crun. */
void hk_oci_home(int root_fd, uid_t uid, char *buf, size_t len);

/* A linux.resources object (`oci update --resources FILE`) into lim (zeroed first): the
 * fields as create reads them, 0 for each one absent; device rules are refused. */
int hk_oci_resources(struct json_object *res, struct hk_cglimits *lim, struct hk_err *err);

/* The config.json `spec` writes: a busybox-friendly default like runc's (sh, the default
 * capabilities, namespaces pid, network, ipc, uts, mount, cgroup), owned JSON. */
struct json_object *hk_oci_config_default(void);

#endif
