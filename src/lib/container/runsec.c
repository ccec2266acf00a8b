// SPDX-License-Identifier: MIT
/*
 * `hako run` isolation options, resolved before anything is created, and their replay by
 * `hako exec` from the container's stored config. Defaults (docs/parts/security.md):
 * Docker's 14 capabilities, no_new_privs, the built-in seccomp profile (compiled once and
 * cached on disk under STATE/seccomp), masked and read-only /proc and /sys paths, the v1
 * device allowlist. --privileged: every capability, no seccomp, no masks, no device filter.
 */
#include "runsec.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secfilter.h"
#include "store.h"
#include "testpoint.h"
#include "base/cleanup.h"

static int security_opt(struct hk_runsec *s, const char *v, struct hk_err *err)
{
	if (!strncmp(v, "seccomp=", 8) || !strncmp(v, "seccomp:", 8)) {
		if (!v[8])
			return hk_err_usage(
				err, "run: --security-opt seccomp= needs unconfined or FILE");
		s->seccomp = v + 8;
		return 0;
	}
	if (!strcmp(v, "no-new-privileges") || !strcmp(v, "no-new-privileges=true") ||
	    !strcmp(v, "no-new-privileges:true")) {
		s->allow_new_privs = false;
		return 0;
	}
	if (!strcmp(v, "no-new-privileges=false") || !strcmp(v, "no-new-privileges:false")) {
		s->allow_new_privs = true;
		return 0;
	}
	/* AppArmor and SELinux: hako applies neither (the host here has neither enabled), so
	 * the options scripts pass to turn them off are accepted as what they already are; a
	 * profile or label to apply is refused where the host enforces one */
	bool aa = !strncmp(v, "apparmor=", 9) || !strncmp(v, "apparmor:", 9);
	bool label = !strncmp(v, "label=", 6) || !strncmp(v, "label:", 6);
	if ((aa && !strcmp(v + 9, "unconfined")) || (label && !strcmp(v + 6, "disable")))
		return 0;
	if (aa || label) {
		static const char *const lsm[] = { "/sys/module/apparmor/parameters/enabled",
						   "/sys/fs/selinux/enforce" };
		char b[4] = "";
		FILE *f = fopen(lsm[aa ? 0 : 1], "re");
		if (f) {
			if (!fgets(b, sizeof(b), f))
				b[0] = 0;
			fclose(f);
		}
		if (b[0] == 'Y' || b[0] == '1')
			return hk_err_set(err, -EOPNOTSUPP,
					  "run: --security-opt '%s': hako does not apply %s "
					  "profiles or labels (only %s is accepted)",
					  v, aa ? "AppArmor" : "SELinux",
					  aa ? "apparmor=unconfined" : "label=disable");
		return 0; /* no such LSM on this host: nothing to apply, as Docker there */
	}
	return hk_err_usage(err,
			    "run: --security-opt '%s': expected seccomp=unconfined|FILE, "
			    "no-new-privileges[=true|false], apparmor=unconfined or label=disable",
			    v);
}

static void userns_on(struct hk_runsec *s)
{
	if (!s->userns.on)
		s->userns.idmap_fd = s->userns.root_fd = s->userns.target_fd = -1;
	s->userns.on = true;
}

static int limit_number(struct hk_err *err, const char *name, const char *v, bool pids,
			long long *ret)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || (!pids && n <= 0) || n < -1 || n == 0)
		return hk_err_usage(err, "run: %s '%s': expected a positive number%s", name, v,
				    pids ? " (or -1: unlimited)" : "");
	*ret = n;
	return 0;
}

int hk_runsec_set(struct hk_runsec *s, int id, const char *v, struct hk_err *err)
{
	long long n = 0;
	int r;
	switch (id) {
	case HK_RUNSEC_PRIVILEGED:
		s->privileged = true;
		return 0;
	case HK_RUNSEC_READ_ONLY:
		s->read_only = true;
		return 0;
	case HK_RUNSEC_USERNS:
		if (!v) {
			userns_on(s);
			return 0;
		}
		if (strcmp(v, "host"))
			return hk_err_usage(
				err, "run: '--userns=%s': expected --userns or --userns=host", v);
		if (s->userns.on)
			return hk_err_usage(err,
					    "run: --userns=host with --userns/--uidmap/--gidmap");
		return 0; /* Docker's spelling of the default: no user namespace */
	case HK_RUNSEC_CAP_ADD:
		if (s->nadd == HK_RUNSEC_LIST_MAX)
			return hk_err_usage(err, "run: too many --cap-add options");
		s->add[s->nadd++] = v;
		return 0;
	case HK_RUNSEC_CAP_DROP:
		if (s->ndrop == HK_RUNSEC_LIST_MAX)
			return hk_err_usage(err, "run: too many --cap-drop options");
		s->drop[s->ndrop++] = v;
		return 0;
	case HK_RUNSEC_SECURITY_OPT:
		return security_opt(s, v, err);
	case HK_RUNSEC_LOG_OPT:
		if (!s->log_set)
			hk_ctlog_opts_default(&s->log);
		s->log_set = true;
		r = hk_ctlog_opt_parse(&s->log, v, err);
		return r < 0 ? hk_err_prefix(err, "run") : 0;
	case HK_RUNSEC_TMPFS:
		if (s->ntmpfs == HK_RUNSEC_TMPFS_MAX)
			return hk_err_usage(err, "run: too many --tmpfs options");
		r = hk_ct_tmpfs_parse(v, &s->tmpfs[s->ntmpfs], err);
		s->ntmpfs += r == 0;
		return r < 0 ? hk_err_prefix(err, "run") : 0;
	case HK_RUNSEC_USER:
		/* NAME[:GROUP]: resolved later in the container's own /etc (hk_runsec_user_name) */
		if (strspn(v, "0123456789:") != strlen(v) && *v && *v != ':' &&
		    v[strlen(v) - 1] != ':' && strlen(v) < 256 && !strchr(v, '/')) {
			s->user_name = v;
			s->user.set = true;
			return 0;
		}
		s->user_name = NULL;
		return hk_caps_user_parse(v, &s->user, err);
	case HK_RUNSEC_MEMORY:
		return hk_cg_parse_bytes("--memory", v, &s->lim.memory, err);
	case HK_RUNSEC_MEMORY_SWAP:
		return hk_cg_parse_bytes("--memory-swap", v, &s->lim.memory_swap, err);
	case HK_RUNSEC_CPUS:
		return hk_cg_parse_cpus(v, &s->lim.cpus_milli, err);
	case HK_RUNSEC_CPUSET_CPUS:
		return hk_cg_parse_cpuset(v, s->lim.cpuset, sizeof(s->lim.cpuset), err);
	case HK_RUNSEC_UIDMAP:
	case HK_RUNSEC_GIDMAP:
		userns_on(s);
		r = id == HK_RUNSEC_UIDMAP ? hk_idmap_add(&s->userns.uid, v, "--uidmap", err)
					   : hk_idmap_add(&s->userns.gid, v, "--gidmap", err);
		return r < 0 ? hk_err_prefix(err, "run") : 0;
	case HK_RUNSEC_CPU_SHARES:
		if (limit_number(err, "--cpu-shares", v, false, &n) < 0)
			return -EINVAL;
		s->lim.cpu_shares = (uint64_t)n;
		return 0;
	case HK_RUNSEC_PIDS_LIMIT:
		if (limit_number(err, "--pids-limit", v, true, &n) < 0)
			return -EINVAL;
		s->lim.pids = n;
		return 0;
	}
	return hk_err_usage(err, "run: option %d: not an isolation option", id);
}

static int compile(struct hk_err *err, struct hk_runsec *s, const struct hk_paths *p)
{
	const struct hk_seccomp_profile *prof = hk_seccomp_profile_default();
	if (s->seccomp && strcmp(s->seccomp, "unconfined") && strcmp(s->seccomp, "default")) {
		/* read once (run) or given (exec, from the config): the bytes parsed here are
		 * the bytes hk_runsec_config stores */
		int r = 0;
		if (!s->profile_text)
			r = hk_seccomp_profile_read(s->seccomp, &s->profile_text, &s->profile_len,
						    err);
		if (r == 0)
			r = hk_seccomp_profile_parse(s->profile_text, s->profile_len, s->seccomp,
						     &s->profile, err);
		if (r < 0)
			return hk_err_prefix(err, "run: --security-opt seccomp");
		prof = s->profile;
	}
	char dir[HK_PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s/seccomp", p->state);
	bool hit;
	int r = hk_seccomp_disk_get(prof, s->caps, dir, &s->prog, &hit, err);
	if (r < 0)
		return hk_err_prefix(err, "run: seccomp");
	if ((s->prog.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) && !s->seccomp_listener)
		return hk_err_usage(err,
				    "run: --security-opt seccomp: listenerPath: a seccomp agent "
				    "gets its descriptor from `hako oci` only");
	s->sec.plan.seccomp = &s->prog;
	return 0;
}

/* Capabilities, user, seccomp from the options (no kernel state changed). */
static int resolve(struct hk_err *err, struct hk_runsec *s, const struct hk_paths *p)
{
	struct hk_caps_spec cs = { s->add, s->nadd, s->drop, s->ndrop, s->privileged };
	uint64_t avail;
	int r = hk_caps_available(&avail, err);
	if (r == 0 && !s->caps_exact)
		r = hk_caps_resolve(&cs, avail, &s->caps, err);
	if (r == 0 && s->caps_exact) {
		/* the bounding set bounds the others; the runtime cannot give what it lacks */
		uint64_t all = s->caps_sets.bounding | s->caps_sets.effective |
			       s->caps_sets.permitted | s->caps_sets.inheritable |
			       s->caps_sets.ambient,
			 lack = all & ~avail;
		for (unsigned c = 0; c < 64 && lack && r == 0; c++)
			if (lack & HK_CAP_BIT(c))
				r = hk_err_set(err, -EPERM,
					       "capability %s: not in this process's bounding set",
					       hk_cap_name(c) ? hk_cap_name(c) : "?");
		s->caps = s->caps_sets.bounding;
	}
	if (r == 0)
		r = hk_caps_plan_new(s->caps, &s->user, &s->plan, err);
	if (r == 0 && s->caps_exact)
		r = hk_caps_plan_set_exact(s->plan, &s->caps_sets, err);
	if (r < 0)
		return hk_err_prefix(err, "run");
	s->sec.plan.caps = s->plan;
	s->sec.plan.no_new_privs = !s->allow_new_privs;
	bool unconfined = s->privileged || (s->seccomp && !strcmp(s->seccomp, "unconfined"));
	if (s->privileged && s->seccomp && strcmp(s->seccomp, "unconfined"))
		unconfined = false; /* an explicit profile wins over --privileged, as Docker */
	return unconfined ? 0 : compile(err, s, p);
}

int hk_runsec_prepare(struct hk_runsec *s, struct hk_ct_spec *spec, const char *root,
		      struct hk_err *err)
{
	struct hk_paths p;
	int r = hk_runsec_userns(s, spec, err); /* first: it writes nothing, not even a cache */
	if (r < 0)
		return r;
	r = hk_cglimits_check(&s->lim, err);
	if (r == 0 && !s->log_set)
		hk_ctlog_opts_default(&s->log);
	s->log_set = true;
	if (r == 0)
		r = hk_ctlog_opts_check(&s->log, err);
	if (r < 0)
		return hk_err_prefix(err, "run");
	r = hk_paths_init(&p, root, err);
	if (r == 0)
		r = resolve(err, s, &p);
	if (r < 0)
		return r;
	s->lim.devices = !s->privileged;
	s->sec.masks = !s->privileged;
	s->sec.readonly_root = s->read_only;
	s->sec.tmpfs = s->tmpfs;
	s->sec.ntmpfs = s->ntmpfs;
	spec->sec = &s->sec;
	return 0;
}

int hk_runsec_set_user(struct hk_runsec *s, uid_t uid, gid_t gid, struct hk_err *err)
{
	s->user = (struct hk_caps_user){ .set = true, .uid = uid, .gid = gid };
	hk_caps_plan_free(s->plan);
	s->plan = NULL;
	int r = hk_caps_plan_new(s->caps, &s->user, &s->plan, err);
	if (r < 0)
		return hk_err_prefix(err, "run");
	s->sec.plan.caps = s->plan;
	return 0;
}

int hk_runsec_userns(struct hk_runsec *s, struct hk_ct_spec *spec, struct hk_err *err)
{
	struct hk_userns *u = &s->userns;
	for (size_t i = 0; !u->on && i < spec->nmounts; i++)
		if (spec->mounts[i].idmap)
			return hk_err_usage(err, "run: -v %s:%s:idmap needs --userns",
					    spec->mounts[i].host, spec->mounts[i].ct);
	if (!u->on)
		return 0;
	if (u->uid.n && !u->gid.n)
		u->gid = u->uid; /* --uidmap alone: the same map for groups (as Podman) */
	/* test builds only (testpoint.h): other files than /etc/subuid and /etc/subgid */
	const char *su = hk_test_getenv("HAKO_SUBUID"), *sg = hk_test_getenv("HAKO_SUBGID");
	int r = hk_userns_default(u, su ? su : HK_USERNS_DEFAULT_SUBUID,
				  sg ? sg : HK_USERNS_DEFAULT_SUBGID, err);
	if (r == 0)
		r = hk_idmap_validate(&u->uid, "--uidmap", err);
	if (r == 0)
		r = hk_idmap_validate(&u->gid, "--gidmap", err);
	if (r == 0 && spec->rootfs && spec->rootfs[0] && spec->rootfs_fd >= 0)
		r = hk_userns_prepare_rootfs(u, spec->rootfs_fd, spec->rootfs, err);
	if (r < 0)
		return hk_err_prefix(err, "run");
	spec->userns = u;
	return 0;
}

void hk_runsec_free(struct hk_runsec *s)
{
	if (s->userns.on)
		hk_userns_close(&s->userns);
	hk_caps_plan_free(s->plan);
	s->plan = NULL;
	hk_seccomp_prog_release(&s->prog);
	if (s->profile)
		hk_seccomp_profile_free(s->profile);
	s->profile = NULL;
	free(s->profile_text);
	s->profile_text = NULL;
}

void hk_runsec_config(const struct hk_runsec *s, struct hk_ct_config_sec *c)
{
	*c = (struct hk_ct_config_sec){
		.caps = s->caps,
		.no_new_privs = !s->allow_new_privs,
		.seccomp =
			s->sec.plan.seccomp ? (s->seccomp ? s->seccomp : "default") : "unconfined",
		.profile_text = s->sec.plan.seccomp ? s->profile_text : NULL,
		.profile_len = s->profile_len,
		.privileged = s->privileged,
		.read_only = s->read_only,
		.user = s->user,
		.userns = s->userns.on ? &s->userns : NULL,
		.lim = &s->lim,
		.log = &s->log,
	};
}

int hk_runsec_from_config(struct hk_runsec *s, const char *config, const struct hk_paths *p,
			  struct hk_err *err)
{
	struct hk_ct_config_sec_read c;
	int r = hk_ct_config_sec_read(config, &c, err);
	if (r < 0 || !c.present)
		return r < 0 ? hk_err_prefix(err, "exec: the container's security") : 0;
	s->caps = c.caps;
	s->allow_new_privs = !c.no_new_privs;
	s->user = c.user;
	for (size_t i = 0; i < c.user.ngroups; i++)
		s->groups[i] = c.groups[i];
	s->user.groups = s->groups;
	r = hk_caps_plan_new(s->caps, &s->user, &s->plan, err);
	if (r == 0) {
		s->sec.plan.caps = s->plan;
		s->sec.plan.no_new_privs = !s->allow_new_privs;
	}
	if (r == 0 && c.seccomp) {
		s->seccomp = c.profile_name;
		s->profile_text = TAKE_PTR(c.profile_text);
		s->profile_len = c.profile_len;
		s->seccomp_listener = true; /* accepted at create: `hako oci` */
		r = compile(err, s, p);
	}
	s->seccomp = NULL;
	hk_ct_config_sec_read_free(&c);
	return r < 0 ? hk_err_prefix(err, "exec: the container's security") : 0;
}
