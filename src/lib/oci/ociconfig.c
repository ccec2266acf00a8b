// SPDX-License-Identifier: MIT
#include "ociconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "ctrun.h"
#include "ctspec.h"
#include "inroot.h"
#include "runflags.h"

/* A member of o by key with the given type; NULL when absent (or null). A member of
 * another type is refused with its path. */
static int member(struct json_object *o, const char *key, enum json_type t, const char *path,
		  struct json_object **ret, struct hk_err *err)
{
	*ret = NULL;
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (json_object_get_type(v) != t &&
	    !(t == json_type_double && json_object_get_type(v) == json_type_int))
		return hk_err_usage(err, "config.json: %s%s%s: expected %s", path, *path ? "." : "",
				    key, json_type_to_name(t));
	*ret = v;
	return 0;
}

/* A user or group id: an integer 0 .. 4294967294 (-1, "no change" to setresuid, and
 * anything a 32-bit id cannot hold are refused, never truncated or taken as root). */
int hk_oci_json_id(struct json_object *v, const char *origin, const char *path, uint32_t *ret,
		   struct hk_err *err)
{
	int64_t x = v && json_object_get_type(v) == json_type_int ? json_object_get_int64(v) : -1;
	if (x < 0 || x > 4294967294LL)
		return hk_err_usage(err, "%s: %s: '%s' is not a user or group id", origin, path,
				    v ? json_object_get_string(v) : "null");
	*ret = (uint32_t)x;
	return 0;
}

/* Member key of o as an id (hk_oci_json_id); absent: 0. */
static int id_member(struct json_object *o, const char *key, const char *origin, const char *path,
		     uint32_t *ret, struct hk_err *err)
{
	struct json_object *v;
	*ret = 0;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	char full[96];
	snprintf(full, sizeof(full), "%s.%s", path, key);
	return hk_oci_json_id(v, origin, full, ret, err);
}

int hk_oci_json_user(struct json_object *u, const char *origin, const char *path,
		     struct hk_oci_user *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	if (json_object_get_type(u) != json_type_object)
		return hk_err_usage(err, "%s: %s: expected an object", origin, path);
	int r = id_member(u, "uid", origin, path, &ret->uid, err);
	if (r == 0)
		r = id_member(u, "gid", origin, path, &ret->gid, err);
	struct json_object *g;
	if (r < 0 || !json_object_object_get_ex(u, "additionalGids", &g) || !g)
		return r;
	if (json_object_get_type(g) != json_type_array)
		return hk_err_usage(err, "%s: %s.additionalGids: expected an array", origin, path);
	size_t ng = json_object_array_length(g);
	if (ng > HK_ARRAY_SIZE(ret->groups))
		return hk_err_usage(err, "%s: %s.additionalGids: more than %zu", origin, path,
				    HK_ARRAY_SIZE(ret->groups));
	for (size_t i = 0; i < ng; i++) {
		char gp[96];
		snprintf(gp, sizeof(gp), "%s.additionalGids[%zu]", path, i);
		if ((r = hk_oci_json_id(json_object_array_get_idx(g, i), origin, gp,
					&ret->groups[i], err)) < 0)
			return r;
	}
	ret->ngroups = ng;
	return 0;
}

static const char *str_or(struct json_object *v, const char *dflt)
{
	return v ? json_object_get_string(v) : dflt;
}

/* Fields of the runtime spec (1.1 and the drafts engines already write) that hako does not
 * implement: asked for, they are refused with their path, never ignored. */
static const char *const spec_unsupported[] = {
	"process.ioPriority",
	"process.scheduler",
	"process.execCPUAffinity",
	"linux.intelRdt",
	"linux.personality",
	"linux.timeOffsets",
	"linux.memoryPolicy",
	"linux.netDevices",
	"vm",
	"windows",
	"solaris",
	"zos",
};

/* The members of o: one the runtime
 * spec defines that hako does not implement is refused with its path; anything else is not
 * in the spec and is ignored, as the spec requires ("MUST ignore unknown properties"). */
static int refuse_unsupported(struct json_object *o, const char *path, struct hk_err *err)
{
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		char full[128];
		snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", key);
		for (size_t i = 0; i < HK_ARRAY_SIZE(spec_unsupported); i++)
			if (!strcmp(spec_unsupported[i], full))
				return hk_err_usage(err, "config.json: %s: not supported by hako",
						    full);
	}
	return 0;
}

int hk_oci_json_strings(struct json_object *a, const char *origin, const char *path, char ***ret,
			size_t *ret_n, struct hk_err *err)
{
	size_t n = json_object_array_length(a);
	char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return hk_err_sys(err, -ENOMEM, "%s", origin);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!s || json_object_get_type(s) != json_type_string) {
			free(v);
			return hk_err_usage(err, "%s: %s[%zu]: expected a string", origin, path, i);
		}
		v[i] = (char *)json_object_get_string(s);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int string_array(struct json_object *a, const char *path, char ***ret, size_t *ret_n,
			struct hk_err *err)
{
	return hk_oci_json_strings(a, "config.json", path, ret, ret_n, err);
}

/* The hooks as the spec types them (each kind an array of {path, args, env, timeout});
 * they are run later from the stored copy, so nothing but checked values gets there. */
static int hooks(struct json_object *h, struct hk_err *err)
{
	static const char *const kinds[] = { "prestart",       "createRuntime", "createContainer",
					     "startContainer", "poststart",	"poststop" };
	for (size_t i = 0; h && i < HK_ARRAY_SIZE(kinds); i++) {
		struct json_object *a, *p, *v;
		int r = member(h, kinds[i], json_type_array, "hooks", &a, err);
		if (r < 0)
			return r;
		for (size_t k = 0; a && k < json_object_array_length(a); k++) {
			struct json_object *e = json_object_array_get_idx(a, k);
			char path[64];
			snprintf(path, sizeof(path), "hooks.%s[%zu]", kinds[i], k);
			if (!e || json_object_get_type(e) != json_type_object)
				return hk_err_usage(err, "config.json: %s: expected an object",
						    path);
			if ((r = member(e, "path", json_type_string, path, &p, err)) < 0)
				return r;
			if (!p || json_object_get_string(p)[0] != '/')
				return hk_err_usage(err,
						    "config.json: %s.path: an absolute path is "
						    "required",
						    path);
			static const char *const lists[] = { "args", "env" };
			for (size_t l = 0; l < HK_ARRAY_SIZE(lists); l++) {
				char lp[80], **strs;
				size_t n;
				snprintf(lp, sizeof(lp), "%s.%s", path, lists[l]);
				if ((r = member(e, lists[l], json_type_array, path, &v, err)) < 0 ||
				    (v && (r = string_array(v, lp, &strs, &n, err)) < 0))
					return r;
				if (v)
					free(strs);
			}
			if ((r = member(e, "timeout", json_type_int, path, &v, err)) < 0)
				return r;
			if (v && json_object_get_int64(v) <= 0)
				return hk_err_usage(err,
						    "config.json: %s.timeout: must be greater "
						    "than zero",
						    path);
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int res;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

/* process.capabilities: each set a list of CAP_ names, into c->sec.caps_sets. */
static int cap_sets(struct hk_oci_config *c, struct json_object *caps, struct hk_err *err)
{
	static const struct {
		const char *name;
		size_t off;
	} sets[] = { { "bounding", offsetof(struct hk_caps_sets, bounding) },
		     { "effective", offsetof(struct hk_caps_sets, effective) },
		     { "inheritable", offsetof(struct hk_caps_sets, inheritable) },
		     { "permitted", offsetof(struct hk_caps_sets, permitted) },
		     { "ambient", offsetof(struct hk_caps_sets, ambient) } };
	c->sec.caps_exact = true;
	c->sec.caps_sets = (struct hk_caps_sets){ 0 };
	int r = caps ? refuse_unsupported(caps, "process.capabilities", err) : 0;
	for (size_t s = 0; caps && r == 0 && s < HK_ARRAY_SIZE(sets); s++) {
		struct json_object *a;
		char path[48];
		snprintf(path, sizeof(path), "process.capabilities.%s", sets[s].name);
		if ((r = member(caps, sets[s].name, json_type_array, "process.capabilities", &a,
				err)) < 0)
			return r;
		uint64_t set = 0;
		for (size_t i = 0; a && i < json_object_array_length(a); i++) {
			struct json_object *n = json_object_array_get_idx(a, i);
			if (!n || json_object_get_type(n) != json_type_string)
				return hk_err_usage(err, "config.json: %s[%zu]: expected a string",
						    path, i);
			const char *name = json_object_get_string(n);
			unsigned cap;
			struct hk_err e2;
			/* only the spec's spelling: CAP_ and upper case. A name this kernel
			 * has no capability for is skipped with a warning: the spec's MUST
			 * since 1.1 ("logged as a warning", "SHOULD NOT fail"; 1.0 said "MUST
			 * cause an error"), as runc and crun: a config made for a newer kernel
			 * still runs, with less */
			if (strncmp(name, "CAP_", 4) || hk_cap_parse(name, &cap, &e2) < 0) {
				fprintf(stderr,
					"hako: warning: config.json: %s[%zu]: '%s' is not a "
					"capability this kernel knows: ignored\n",
					path, i, name);
				continue;
			}
			set |= HK_CAP_BIT(cap);
		}
		memcpy((char *)&c->sec.caps_sets + sets[s].off, &set, sizeof(set));
	}
	return r;
}

static int process(struct hk_oci_config *c, struct json_object *p, struct hk_err *err)
{
	struct json_object *v = NULL, *u = NULL, *caps = NULL, *a = NULL;
	int r = refuse_unsupported(p, "process", err);
	if (r == 0)
		r = member(p, "terminal", json_type_boolean, "process", &v, err);
	if (r < 0)
		return r;
	c->terminal = v && json_object_get_boolean(v);
	size_t n;
	if ((r = member(p, "args", json_type_array, "process", &a, err)) < 0)
		return r;
	if (!a || !json_object_array_length(a))
		return hk_err_usage(err, "config.json: process.args: at least one is required");
	if ((r = string_array(a, "process.args", &c->argv, &n, err)) < 0)
		return r;
	c->spec.argv = c->argv;
	if ((r = member(p, "env", json_type_array, "process", &a, err)) < 0)
		return r;
	char **env = NULL;
	size_t nenv = 0;
	if (a && (r = string_array(a, "process.env", &env, &nenv, err)) < 0)
		return r;
	c->env =
		calloc(nenv + 12, sizeof(char *)); /* + LISTEN_FDS, NOTIFY_SOCKET, HOME, defaults */
	for (size_t i = 0; c->env && i < nenv; i++)
		if (!(c->env[c->nenv++] = strdup(env[i])))
			break;
	free(env);
	if (!c->env || c->nenv != nenv)
		return hk_err_sys(err, -ENOMEM, "config.json: process.env");
	if ((r = member(p, "cwd", json_type_string, "process", &v, err)) < 0)
		return r;
	if (!v || json_object_get_string(v)[0] != '/')
		return hk_err_usage(err, "config.json: process.cwd: an absolute path is required");
	c->spec.workdir = json_object_get_string(v);
	/* user */
	if ((r = member(p, "user", json_type_object, "process", &u, err)) < 0)
		return r;
	if (u) {
		struct hk_oci_user ou;
		if ((r = refuse_unsupported(u, "process.user", err)) < 0 ||
		    (r = hk_oci_json_user(u, "config.json", "process.user", &ou, err)) < 0)
			return r;
		c->sec.user = (struct hk_caps_user){ .set = true, .uid = ou.uid, .gid = ou.gid };
		size_t ng = ou.ngroups;
		for (size_t i = 0; i < ng; i++)
			c->groups[i] = ou.groups[i];
		c->sec.user.ngroups = ng;
		c->sec.user.groups = c->groups;
		if ((r = member(u, "umask", json_type_int, "process.user", &v, err)) < 0)
			return r;
		if (v && (json_object_get_int(v) < 0 || json_object_get_int(v) > 0777))
			return hk_err_usage(err,
					    "config.json: process.user.umask: %d is not a "
					    "umask",
					    json_object_get_int(v));
		if (v)
			c->spec.umask = json_object_get_int(v);
	}
	/* capabilities: the five sets exactly as given (an absent set is empty) */
	if ((r = member(p, "capabilities", json_type_object, "process", &caps, err)) < 0)
		return r;
	if ((r = cap_sets(c, caps, err)) < 0)
		return r;
	if ((r = member(p, "noNewPrivileges", json_type_boolean, "process", &v, err)) < 0)
		return r;
	c->sec.allow_new_privs = !(v && json_object_get_boolean(v));
	if ((r = member(p, "oomScoreAdj", json_type_int, "process", &v, err)) < 0)
		return r;
	if (v) {
		c->has_oom_score_adj = true;
		c->oom_score_adj = json_object_get_int(v);
	}
	if ((r = member(p, "apparmorProfile", json_type_string, "process", &v, err)) < 0)
		return r;
	if (v && json_object_get_string(v)[0]) {
		char on = 'N';
		_cleanup_close_ int fd =
			open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, &on, 1) == 1 && on == 'Y')
			return hk_err_usage(err, "config.json: process.apparmorProfile: AppArmor "
						 "profiles are not supported by hako");
	}
	if ((r = member(p, "selinuxLabel", json_type_string, "process", &v, err)) < 0)
		return r;
	if (v && json_object_get_string(v)[0])
		return hk_err_usage(err,
				    "config.json: process.selinuxLabel: not supported by hako");
	if ((r = member(p, "rlimits", json_type_array, "process", &a, err)) < 0)
		return r;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *l = json_object_array_get_idx(a, i), *t = NULL, *h = NULL,
				   *s = NULL;
		char path[48];
		snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
		if ((r = member(l, "type", json_type_string, path, &t, err)) < 0 ||
		    (r = member(l, "hard", json_type_int, path, &h, err)) < 0 ||
		    (r = member(l, "soft", json_type_int, path, &s, err)) < 0)
			return r;
		if (i == HK_OCI_RLIMITS_MAX)
			return hk_err_usage(err, "config.json: process.rlimits: too many");
		int res = -1;
		for (size_t k = 0; t && k < HK_ARRAY_SIZE(rlimit_names); k++)
			if (!strcmp(rlimit_names[k].name, json_object_get_string(t)))
				res = rlimit_names[k].res;
		if (res < 0)
			return hk_err_usage(err, "config.json: %s.type: unknown limit '%s'", path,
					    str_or(t, ""));
		c->rlimits[i] = (struct hk_rlimit){ res, json_object_get_string(t),
						    (unsigned long long)json_object_get_int64(s),
						    (unsigned long long)json_object_get_int64(h) };
		c->spec.nrlimits = i + 1;
	}
	c->spec.rlimits = c->rlimits;
	return 0;
}

/* The mounts hako makes itself (rootfs.c) in every container: an OCI entry for one of them
 * is satisfied by hako's own. */
static bool own_mount(const char *dst)
{
	static const char *const own[] = { "/proc",	      "/sys",	       "/dev",
					   "/dev/pts",	      "/dev/shm",      "/dev/mqueue",
					   "/sys/fs/cgroup",  "/etc/hostname", "/etc/hosts",
					   "/etc/resolv.conf" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(own); i++)
		if (!strcmp(own[i], dst))
			return true;
	return false;
}

static int mounts(struct hk_oci_config *c, struct json_object *a, struct hk_err *err)
{
	int r = 0;
	c->spec.mounts = c->mounts; /* what is counted is freed, even after a refusal */
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *m = json_object_array_get_idx(a, i), *d = NULL, *t = NULL,
				   *s = NULL, *o = NULL;
		char path[32];
		snprintf(path, sizeof(path), "mounts[%zu]", i);
		if ((r = member(m, "destination", json_type_string, path, &d, err)) < 0 ||
		    (r = member(m, "type", json_type_string, path, &t, err)) < 0 ||
		    (r = member(m, "source", json_type_string, path, &s, err)) < 0 ||
		    (r = member(m, "options", json_type_array, path, &o, err)) < 0)
			return r;
		const char *dst = str_or(d, ""), *type = str_or(t, "");
		if (dst[0] != '/')
			return hk_err_usage(err,
					    "config.json: %s.destination: an absolute path is "
					    "required",
					    path);
		bool bind = !strcmp(type, "bind"), ro = false;
		for (size_t k = 0; o && k < json_object_array_length(o); k++) {
			struct json_object *e = json_object_array_get_idx(o, k);
			if (!e || json_object_get_type(e) != json_type_string)
				return hk_err_usage(
					err, "config.json: %s.options[%zu]: expected a string",
					path, k);
			const char *opt = json_object_get_string(e);
			if (!strcmp(opt, "bind") || !strcmp(opt, "rbind"))
				bind = true;
			else if (!strcmp(opt, "ro"))
				ro = true;
		}
		if (!strcmp(dst, "/sys/fs/cgroup") && !strcmp(type, "cgroup")) {
			c->spec.cgroup_mount = true; /* made by hako: rootfs.c */
			c->spec.cgroup_mount_rw = !ro;
			continue;
		}
		if (own_mount(dst) && !bind)
			continue; /* proc, sysfs, devpts, ...: hako makes its own */
		if (own_mount(dst) && bind && strncmp(dst, "/etc/", 5) && strcmp(dst, "/dev/shm") &&
		    strcmp(dst, "/dev"))
			return hk_err_usage(err,
					    "config.json: %s: a bind mount on %s is not "
					    "supported by hako",
					    path, dst);
		if (!strcmp(type, "tmpfs")) {
			char arg[512];
			size_t len = (size_t)snprintf(arg, sizeof(arg), "%s", dst);
			for (size_t k = 0; o && k < json_object_array_length(o); k++) {
				const char *opt =
					json_object_get_string(json_object_array_get_idx(o, k));
				/* propagation: every container mount is private in hako */
				static const char *const skip[] = { "tmpcopyup",  "private",
								    "rprivate",	  "shared",
								    "rshared",	  "slave",
								    "rslave",	  "unbindable",
								    "runbindable" };
				bool drop = false;
				for (size_t q = 0; q < HK_ARRAY_SIZE(skip); q++)
					drop |= !strcmp(opt, skip[q]);
				if (!drop && len < sizeof(arg))
					len += (size_t)snprintf(arg + len, sizeof(arg) - len,
								"%c%s",
								strchr(arg, ':') ? ',' : ':', opt);
			}
			if (c->spec.nmounts == HK_OCI_MOUNTS_MAX)
				return hk_err_usage(err, "config.json: mounts: more than %d",
						    HK_OCI_MOUNTS_MAX);
			/* in the list with the binds: made in the config's order */
			size_t n = c->spec.nmounts;
			r = hk_ct_tmpfs_parse(arg, &c->tmpfs[n], err);
			if (r < 0)
				return hk_err_prefix(err, "config.json: %s", path);
			snprintf(c->mount_ct[n], PATH_MAX, "%s", dst);
			c->mounts[n] = (struct hk_mountspec){ .host_fd = -1,
							      .ct = c->mount_ct[n],
							      .tmpfs = &c->tmpfs[n] };
			c->spec.nmounts++;
			continue;
		}
		if (!bind)
			return hk_err_usage(err,
					    "config.json: %s.type: '%s' on %s is not supported "
					    "by hako (bind and tmpfs are)",
					    path, type, dst);
		if (c->spec.nmounts == HK_OCI_MOUNTS_MAX)
			return hk_err_usage(err, "config.json: mounts: more than %d bind mounts",
					    HK_OCI_MOUNTS_MAX);
		struct hk_mountspec *ms = &c->mounts[c->spec.nmounts];
		snprintf(c->mount_ct[c->spec.nmounts], PATH_MAX, "%s", dst);
		char src[PATH_MAX];
		const char *sp = str_or(s, "");
		int k = sp[0] != '/' ? snprintf(src, sizeof(src), "%s/%s", c->bundle, sp)
				     : snprintf(src, sizeof(src), "%s", sp);
		if (k < 0 || (size_t)k >= sizeof(src))
			return hk_err_usage(err, "config.json: %s.source: path too long", path);
		ms->host_fd = -1;
		ms->host = strdup(src);
		if (!ms->host)
			return hk_err_sys(err, -ENOMEM, "config.json: %s", path);
		c->spec.nmounts++;
		r = hk_ct_mount_source(ms, ms->host, err);
		if (r < 0)
			return hk_err_prefix(err, "config.json: %s.source", path);
		ms->ct = c->mount_ct[c->spec.nmounts - 1];
		ms->ro = ro;
	}
	return 0;
}

static int namespaces(struct hk_oci_config *c, struct json_object *a, struct hk_err *err)
{
	bool seen_net = false;
	unsigned seen = 0; /* 1 << HK_CT_NS_*: listed, new or joined */
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *n = json_object_array_get_idx(a, i), *t = NULL, *p = NULL;
		char path[48];
		snprintf(path, sizeof(path), "linux.namespaces[%zu]", i);
		int r = member(n, "type", json_type_string, path, &t, err);
		if (r == 0)
			r = member(n, "path", json_type_string, path, &p, err);
		if (r < 0)
			return r;
		const char *type = str_or(t, ""), *nspath = str_or(p, "");
		static const struct {
			const char *name;
			int flag, slot; /* slot: spec.ns_path index, -1 network, -2 none */
		} kinds[] = { { "network", CLONE_NEWNET, -1 },
			      { "mount", CLONE_NEWNS, HK_CT_NS_MNT },
			      { "pid", CLONE_NEWPID, HK_CT_NS_PID },
			      { "ipc", CLONE_NEWIPC, HK_CT_NS_IPC },
			      { "uts", CLONE_NEWUTS, HK_CT_NS_UTS },
			      { "cgroup", CLONE_NEWCGROUP, HK_CT_NS_CGROUP },
			      { "time", CLONE_NEWTIME, -2 },
			      { "user", CLONE_NEWUSER, -2 } };
		size_t k = 0;
		while (k < HK_ARRAY_SIZE(kinds) && strcmp(kinds[k].name, type))
			k++;
		if (k == HK_ARRAY_SIZE(kinds))
			return hk_err_usage(err, "config.json: %s.type: unknown namespace '%s'",
					    path, type);
		if (!strcmp(type, "user") && nspath[0])
			return hk_err_usage(err,
					    "config.json: %s.path: joining a user namespace is not "
					    "supported by hako",
					    path);
		c->userns |= !strcmp(type, "user");
		seen_net |= kinds[k].slot == -1;
		if (kinds[k].slot >= 0)
			seen |= 1u << kinds[k].slot;
		if (!nspath[0])
			continue;
		if (nspath[0] != '/')
			return hk_err_usage(
				err, "config.json: %s.path: an absolute path is required", path);
		if (kinds[k].slot == -2)
			return hk_err_usage(err,
					    "config.json: %s.path: joining a %s namespace is not "
					    "supported by hako",
					    path, type);
		/* the file must be a namespace of that type (nothing is created otherwise) */
		_cleanup_close_ int fd = open(nspath, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return hk_err_sys(err, -errno, "config.json: %s.path '%s'", path, nspath);
		int got = ioctl(fd, NS_GET_NSTYPE);
		if (got != kinds[k].flag)
			return hk_err_usage(
				err, "config.json: %s.path: '%s' is not a namespace of type %s",
				path, nspath, type);
		if (kinds[k].slot == -1)
			snprintf(c->netns, sizeof(c->netns), "%s", nspath);
		else
			c->spec.ns_path[kinds[k].slot] = nspath;
	}
	/* not listed: the runtime's own (the spec's MUST), as runc and crun. Without a mount
	 * namespace the rootfs is a chroot, its mounts made under it in hako's (container.h) */
	c->spec.ns_share = ~seen & ((1u << HK_CT_NS_MAX) - 1);
	if (!(seen & (1u << HK_CT_NS_UTS)) && c->spec.hostname[0])
		return hk_err_usage(err, "config.json: hostname: needs a uts namespace in "
					 "linux.namespaces (the runtime's would be renamed)");
	if (!(seen & (1u << HK_CT_NS_UTS)) && c->spec.domainname[0])
		return hk_err_usage(err, "config.json: domainname: needs a uts namespace in "
					 "linux.namespaces (the runtime's would be renamed)");
	if (!seen_net) {
		c->spec.net = HK_NET_HOST; /* not listed: the runtime's own (the spec) */
	} else if (c->netns[0]) {
		c->spec.net = HK_NET_NETNS;
		c->spec.netns = c->netns;
	} else {
		c->spec.net = HK_NET_NONE; /* a new namespace of its own, lo only */
	}
	return 0;
}

static int resources(struct hk_cglimits *lim, struct hk_cg_devrule *rules, size_t maxrules,
		     struct json_object *res, struct hk_err *err)
{
	struct json_object *m = NULL, *cpu = NULL, *pids = NULL, *v = NULL;
	/* the resources hako does not set: refused when they ask for anything */
	static const char *const unset[] = { "blockIO", "hugepageLimits", "network", "rdma",
					     "unified" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(unset); i++) {
		if (!json_object_object_get_ex(res, unset[i], &v) || !v)
			continue;
		bool empty = (json_object_get_type(v) == json_type_object &&
			      !json_object_object_length(v)) ||
			     (json_object_get_type(v) == json_type_array &&
			      !json_object_array_length(v));
		if (!empty)
			return hk_err_usage(err,
					    "config.json: linux.resources.%s: not supported by "
					    "hako",
					    unset[i]);
	}
	int r = member(res, "memory", json_type_object, "linux.resources", &m, err);
	if (r == 0)
		r = member(res, "cpu", json_type_object, "linux.resources", &cpu, err);
	if (r == 0)
		r = member(res, "pids", json_type_object, "linux.resources", &pids, err);
	if (r < 0)
		return r;
	if (m && (r = member(m, "limit", json_type_int, "linux.resources.memory", &v, err)) < 0)
		return r;
	if (m && v && json_object_get_int64(v) > 0)
		lim->memory = json_object_get_int64(v);
	if (m && (r = member(m, "swap", json_type_int, "linux.resources.memory", &v, err)) < 0)
		return r;
	if (m && v && json_object_get_int64(v) != 0)
		lim->memory_swap = json_object_get_int64(v);
	static const struct {
		const char *key;
		size_t off;
	} mem[] = { { "reservation", offsetof(struct hk_cglimits, mem_reservation) },
		    { "kernel", offsetof(struct hk_cglimits, mem_kernel) },
		    { "kernelTCP", offsetof(struct hk_cglimits, mem_kernel_tcp) } };
	for (size_t i = 0; m && i < HK_ARRAY_SIZE(mem); i++) {
		if ((r = member(m, mem[i].key, json_type_int, "linux.resources.memory", &v, err)) <
		    0)
			return r;
		int64_t x = v ? json_object_get_int64(v) : 0;
		if (x > 0)
			memcpy((char *)lim + mem[i].off, &x, sizeof(x));
	}
	if (m &&
	    (r = member(m, "swappiness", json_type_int, "linux.resources.memory", &v, err)) < 0)
		return r;
	if (m && v && (json_object_get_int64(v) < 0 || json_object_get_int64(v) > 100))
		return hk_err_usage(err,
				    "config.json: linux.resources.memory.swappiness: 0 to 100");
	if (m && v) {
		lim->swappiness_set = true;
		lim->swappiness = (unsigned)json_object_get_int64(v);
	}
	if (m && (r = member(m, "disableOOMKiller", json_type_boolean, "linux.resources.memory", &v,
			     err)) < 0)
		return r;
	lim->oom_kill_disable = m && v && json_object_get_boolean(v);
	if (cpu) {
		struct json_object *q = NULL, *per = NULL, *sh = NULL, *set = NULL;
		if ((r = member(cpu, "quota", json_type_int, "linux.resources.cpu", &q, err)) < 0 ||
		    (r = member(cpu, "period", json_type_int, "linux.resources.cpu", &per, err)) <
			    0 ||
		    (r = member(cpu, "shares", json_type_int, "linux.resources.cpu", &sh, err)) <
			    0 ||
		    (r = member(cpu, "cpus", json_type_string, "linux.resources.cpu", &set, err)) <
			    0)
			return r;
		int64_t quota = q ? json_object_get_int64(q) : 0;
		int64_t period = per ? json_object_get_int64(per) : 100000;
		/* the kernel's ranges, checked before anything is made */
		if (per && (period < HK_CG_CPU_PERIOD_MIN || period > HK_CG_CPU_PERIOD_MAX))
			return hk_err_usage(err,
					    "config.json: linux.resources.cpu.period: %" PRId64
					    " is out of range (1000 to 1000000 microseconds)",
					    period);
		if (quota > 0 && (quota < HK_CG_CPU_QUOTA_MIN || quota > HK_CG_CPU_QUOTA_MAX))
			return hk_err_usage(err,
					    "config.json: linux.resources.cpu.quota: %" PRId64
					    " is out of range (1000 to %lld microseconds, or -1)",
					    quota, HK_CG_CPU_QUOTA_MAX);
		if (quota > 0 && period > 0) {
			int64_t milli = quota * 1000 / period; /* < 2^54: no overflow */
			lim->cpus_milli = milli > UINT32_MAX ? UINT32_MAX : (uint32_t)milli;
			if (!lim->cpus_milli)
				lim->cpus_milli = 1;
			lim->cpu_quota = quota; /* written as given */
			lim->cpu_period = (uint64_t)period;
		}
		if (sh && json_object_get_int64(sh) > 0)
			lim->cpu_shares = (uint64_t)json_object_get_int64(sh);
		if (set && json_object_get_string(set)[0] &&
		    hk_cg_parse_cpuset(json_object_get_string(set), lim->cpuset,
				       sizeof(lim->cpuset), err) < 0)
			return hk_err_prefix(err, "config.json: linux.resources.cpu.cpus");
		if ((r = member(cpu, "mems", json_type_string, "linux.resources.cpu", &set, err)) <
		    0)
			return r;
		if (set && json_object_get_string(set)[0] &&
		    hk_cg_parse_cpuset(json_object_get_string(set), lim->cpuset_mems,
				       sizeof(lim->cpuset_mems), err) < 0)
			return hk_err_prefix(err, "config.json: linux.resources.cpu.mems");
		static const char *const rt[] = { "realtimeRuntime", "realtimePeriod", "idle",
						  "burst" };
		for (size_t i = 0; i < HK_ARRAY_SIZE(rt); i++) {
			struct json_object *x;
			if ((r = member(cpu, rt[i], json_type_int, "linux.resources.cpu", &x,
					err)) < 0)
				return r;
			if (x && json_object_get_int64(x))
				return hk_err_usage(err,
						    "config.json: linux.resources.cpu.%s: not "
						    "supported by hako",
						    rt[i]);
		}
	}
	if ((r = member(res, "devices", json_type_array, "linux.resources", &v, err)) < 0)
		return r;
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		struct json_object *d = json_object_array_get_idx(v, i), *al, *ty, *ma, *mi, *ac;
		char path[48], maj[24] = "*", min[24] = "*";
		snprintf(path, sizeof(path), "linux.resources.devices[%zu]", i);
		if ((r = member(d, "allow", json_type_boolean, path, &al, err)) < 0 ||
		    (r = member(d, "type", json_type_string, path, &ty, err)) < 0 ||
		    (r = member(d, "major", json_type_int, path, &ma, err)) < 0 ||
		    (r = member(d, "minor", json_type_int, path, &mi, err)) < 0 ||
		    (r = member(d, "access", json_type_string, path, &ac, err)) < 0)
			return r;
		const char *t = str_or(ty, "a"), *acc = str_or(ac, "rwm");
		if (!al)
			return hk_err_usage(err, "config.json: %s.allow: required", path);
		if (strlen(t) != 1 || !strchr("abc", t[0]) || !acc[0] ||
		    strspn(acc, "rwm") != strlen(acc))
			return hk_err_usage(err,
					    "config.json: %s: type a, b or c and access of r, w, "
					    "m expected",
					    path);
		if (!maxrules)
			return hk_err_usage(err, "linux.resources.devices: an update cannot change "
						 "device rules");
		if (i == maxrules)
			return hk_err_usage(err, "config.json: linux.resources.devices: too many");
		if (ma)
			snprintf(maj, sizeof(maj), "%" PRId64, json_object_get_int64(ma));
		if (mi)
			snprintf(min, sizeof(min), "%" PRId64, json_object_get_int64(mi));
		struct hk_cg_devrule *dr = &rules[i];
		dr->allow = json_object_get_boolean(al);
		if (t[0] == 'a')
			snprintf(dr->rule, sizeof(dr->rule), "a");
		else
			snprintf(dr->rule, sizeof(dr->rule), "%c %s:%s %s", t[0], maj, min, acc);
		lim->devrules = rules;
		lim->ndevrules = i + 1;
	}
	if (pids && (r = member(pids, "limit", json_type_int, "linux.resources.pids", &v, err)) < 0)
		return r;
	if (pids && v && json_object_get_int64(v) != 0)
		lim->pids = json_object_get_int64(v) < 0 ? -1 : json_object_get_int64(v);
	return 0;
}

void hk_oci_home(int root_fd, uid_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "/");
	int fd = root_fd >= 0 ? hk_inroot_open(root_fd, "/etc/passwd") : -1;
	if (fd < 0)
		return;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	FILE *f = fopen(p, "re");
	close(fd);
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		/* name:passwd:uid:gid:gecos:home:shell */
		char *fld[7] = {}, *t = line;
		size_t n = 0;
		for (; n < 7 && (fld[n] = strsep(&t, ":\n")); n++)
			;
		char *end;
		if (n < 6 || !fld[2][0] || strtoul(fld[2], &end, 10) != uid || *end)
			continue;
		if (fld[5][0])
			snprintf(buf, len, "%s", fld[5]);
		break;
	}
	fclose(f);
}

int hk_oci_resources(struct json_object *res, struct hk_cglimits *lim, struct hk_err *err)
{
	*lim = (struct hk_cglimits){ 0 };
	if (!json_object_is_type(res, json_type_object))
		return hk_err_usage(err, "resources: expected a JSON object (linux.resources)");
	return resources(lim, NULL, 0, res, err);
}

/* linux.sysctl: namespaced keys only (as runc: net.* with a network namespace of its own,
 * the IPC ones, fs.mqueue.*), written in the container's namespaces (spawn.c). */
static int sysctls(struct hk_oci_config *c, struct json_object *o, struct hk_err *err)
{
	size_t n = 0;
	/* net.*: in a network namespace of its own, or a joined one that is not ours (an
	 * engine's, made for this container: CNI) */
	bool own_net = c->spec.net == HK_NET_NONE;
	struct stat a, b;
	if (c->spec.net == HK_NET_NETNS && stat(c->netns, &a) == 0 &&
	    stat("/proc/self/ns/net", &b) == 0)
		own_net = a.st_ino != b.st_ino || a.st_dev != b.st_dev;
	json_object_object_foreach(o, key, val)
	{
		enum hk_sysctl_ns ns = hk_sysctl_ns(key); /* runflags.h: one list for both */
		if (ns == HK_SYSCTL_BAD)
			return hk_err_usage(err, "config.json: linux.sysctl.%s: not a sysctl name",
					    key);
		bool is_ipc = ns == HK_SYSCTL_IPC;
		/* an IPC sysctl needs an ipc namespace in linux.namespaces (runc, crun) */
		if (is_ipc && c->spec.ns_share & (1u << HK_CT_NS_IPC))
			return hk_err_usage(err,
					    "config.json: linux.sysctl.%s: an IPC sysctl needs an "
					    "ipc namespace in linux.namespaces",
					    key);
		/* kernel.domainname: with a uts namespace, and the config's domainname when it
		 * sets one (crun); kernel.hostname is refused below (the hostname field sets it) */
		bool is_uts = ns == HK_SYSCTL_UTS;
		const char *name = c->spec.domainname;
		if (is_uts && c->spec.ns_share & (1u << HK_CT_NS_UTS))
			return hk_err_usage(
				err,
				"config.json: linux.sysctl.%s: needs a uts namespace in "
				"linux.namespaces",
				key);
		if (is_uts && name[0] && val && strcmp(name, json_object_get_string(val)))
			return hk_err_usage(err,
					    "config.json: linux.sysctl.%s: '%s' conflicts with the "
					    "config's '%s'",
					    key, json_object_get_string(val), name);
		bool ok = is_ipc || is_uts || (ns == HK_SYSCTL_NET && own_net);
		if (!ok)
			return hk_err_usage(err,
					    "config.json: linux.sysctl.%s: not a sysctl of the "
					    "container's own namespaces",
					    key);
		if (!val || json_object_get_type(val) != json_type_string)
			return hk_err_usage(err, "config.json: linux.sysctl.%s: expected a string",
					    key);
		if (n == HK_ARRAY_SIZE(c->sysctls))
			return hk_err_usage(err, "config.json: linux.sysctl: too many");
		c->sysctls[n++] = (struct hk_sysctl){ key, json_object_get_string(val) };
	}
	c->spec.sysctls = c->sysctls;
	c->spec.nsysctls = n;
	return 0;
}

/* linux.devices: nodes made in the container's /dev (or, outside it, in its root), each
 * allowed by its device cgroup (after linux.resources.devices' rules, as runc). */
static int devices(struct hk_oci_config *c, struct json_object *a, struct hk_err *err)
{
	int r = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *d = json_object_array_get_idx(a, i), *p, *t, *ma, *mi, *fm;
		uint32_t duid, dgid;
		char path[40];
		snprintf(path, sizeof(path), "linux.devices[%zu]", i);
		if ((r = member(d, "path", json_type_string, path, &p, err)) < 0 ||
		    (r = member(d, "type", json_type_string, path, &t, err)) < 0 ||
		    (r = member(d, "major", json_type_int, path, &ma, err)) < 0 ||
		    (r = member(d, "minor", json_type_int, path, &mi, err)) < 0 ||
		    (r = member(d, "fileMode", json_type_int, path, &fm, err)) < 0 ||
		    (r = id_member(d, "uid", "config.json", path, &duid, err)) < 0 ||
		    (r = id_member(d, "gid", "config.json", path, &dgid, err)) < 0)
			return r;
		const char *dp = str_or(p, ""), *ty = str_or(t, "");
		size_t dl = strlen(dp);
		if (dp[0] != '/' || dl < 2 || dl >= 200 || strstr(dp, "/../") || strstr(dp, "//") ||
		    strstr(dp, "/./") || dp[dl - 1] == '/' || !strcmp(dp + dl - 2, "/.") ||
		    (dl >= 3 && !strcmp(dp + dl - 3, "/..")) || !strcmp(dp, "/dev"))
			return hk_err_usage(err,
					    "config.json: %s.path: '%s': an absolute path to a "
					    "file is required (no '.' or '..' component)",
					    path, dp);
		mode_t type = !strcmp(ty, "c") || !strcmp(ty, "u") ? S_IFCHR
			      : !strcmp(ty, "b")		   ? S_IFBLK
			      : !strcmp(ty, "p")		   ? S_IFIFO
								   : 0;
		if (!type)
			return hk_err_usage(err, "config.json: %s.type: '%s' is not c, b, u or p",
					    path, ty);
		if (type != S_IFIFO && (!ma || !mi))
			return hk_err_usage(err, "config.json: %s: major and minor are required",
					    path);
		if (c->spec.ndevices == HK_ARRAY_SIZE(c->devices) ||
		    c->sec.lim.ndevrules == HK_ARRAY_SIZE(c->devrules))
			return hk_err_usage(err, "config.json: linux.devices: too many");
		struct hk_ct_device *dev = &c->devices[c->spec.ndevices++];
		*dev = (struct hk_ct_device){
			.path = dp,
			.type = type,
			.major = ma ? (unsigned)json_object_get_int64(ma) : 0,
			.minor = mi ? (unsigned)json_object_get_int64(mi) : 0,
			.mode = fm ? (mode_t)json_object_get_int64(fm) & 07777 : 0666,
			.uid = duid,
			.gid = dgid,
		};
		if (type == S_IFIFO)
			continue;
		struct hk_cg_devrule *dr = &c->devrules[c->sec.lim.ndevrules++];
		dr->allow = true;
		snprintf(dr->rule, sizeof(dr->rule), "%c %u:%u rwm", type == S_IFBLK ? 'b' : 'c',
			 dev->major, dev->minor);
		c->sec.lim.devrules = c->devrules;
	}
	c->spec.devices = c->devices;
	return 0;
}

/* A new user namespace: linux.uidMappings and gidMappings, both required, go through
 * hako's --uidmap/--gidmap (runsec.h: validated, the rootfs idmapped). */
static int idmaps(struct hk_oci_config *c, struct json_object *l, struct hk_err *err)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	for (size_t k = 0; k < 2; k++) {
		struct json_object *a;
		int r = member(l, keys[k], json_type_array, "linux", &a, err);
		if (r < 0)
			return r;
		size_t n = a ? json_object_array_length(a) : 0;
		if (!c->userns && n)
			return hk_err_usage(err,
					    "config.json: linux.%s: given without a user "
					    "namespace in linux.namespaces",
					    keys[k]);
		if (c->userns && !n)
			return hk_err_usage(err,
					    "config.json: linux.%s: a new user namespace needs "
					    "its mappings",
					    keys[k]);
		for (size_t i = 0; i < n; i++) {
			struct json_object *m = json_object_array_get_idx(a, i), *ci, *hi, *sz;
			char path[48], ext[64];
			snprintf(path, sizeof(path), "linux.%s[%zu]", keys[k], i);
			if ((r = member(m, "containerID", json_type_int, path, &ci, err)) < 0 ||
			    (r = member(m, "hostID", json_type_int, path, &hi, err)) < 0 ||
			    (r = member(m, "size", json_type_int, path, &sz, err)) < 0)
				return r;
			if (!ci || !hi || !sz)
				return hk_err_usage(err,
						    "config.json: %s: containerID, hostID and size "
						    "are required",
						    path);
			snprintf(ext, sizeof(ext), "%" PRId64 ":%" PRId64 ":%" PRId64,
				 json_object_get_int64(ci), json_object_get_int64(hi),
				 json_object_get_int64(sz));
			r = hk_runsec_set(&c->sec, k ? HK_RUNSEC_GIDMAP : HK_RUNSEC_UIDMAP, ext,
					  err);
			if (r < 0)
				return hk_err_prefix(err, "config.json: %s", path);
		}
	}
	return 0;
}

static int linux_section(struct hk_oci_config *c, struct json_object *l, struct hk_err *err)
{
	struct json_object *v;
	int r = refuse_unsupported(l, "linux", err);
	if (r == 0)
		r = member(l, "namespaces", json_type_array, "linux", &v, err);
	if (r == 0)
		r = namespaces(c, v, err);
	if (r == 0)
		r = member(l, "uidMappings", json_type_array, "linux", &v, err);
	if (r == 0)
		r = idmaps(c, l, err);
	if (r == 0)
		r = member(l, "cgroupsPath", json_type_string, "linux", &v, err);
	if (r == 0 && v && json_object_get_string(v)[0]) {
		/* absolute: under each hierarchy's root; relative: likewise (hako runs in the
		 * root cgroup's namespace) */
		const char *cg = json_object_get_string(v);
		while (*cg == '/')
			cg++;
		size_t len = strlen(cg);
		if (!*cg || len >= sizeof(c->cgroup_path) || strstr(cg, "..") || strchr(cg, ':') ||
		    strstr(cg, "//"))
			return hk_err_usage(
				err,
				"config.json: linux.cgroupsPath: '%s' is not a cgroup "
				"path hako takes (no '..', no systemd slice:prefix:name)",
				json_object_get_string(v));
		memcpy(c->cgroup_path, cg, len + 1);
		while (len && c->cgroup_path[len - 1] == '/')
			c->cgroup_path[--len] = 0;
		c->spec.cgroup_path = c->cgroup_path;
	}
	if (r == 0)
		r = member(l, "resources", json_type_object, "linux", &v, err);
	if (r == 0 && v)
		r = resources(&c->sec.lim, c->devrules, HK_ARRAY_SIZE(c->devrules), v, err);
	if (r == 0)
		r = member(l, "sysctl", json_type_object, "linux", &v, err);
	if (r == 0 && v && (r = sysctls(c, v, err)) < 0)
		return r;
	if (r == 0)
		r = member(l, "devices", json_type_array, "linux", &v, err);
	if (r == 0 && v)
		r = devices(c, v, err);
	if (r == 0)
		r = member(l, "rootfsPropagation", json_type_string, "linux", &v, err);
	if (r == 0 && v && json_object_get_string(v)[0]) {
		static const struct {
			const char *name;
			unsigned long flag;
		} prop[] = { { "shared", MS_SHARED },	      { "rshared", MS_SHARED },
			     { "slave", MS_SLAVE },	      { "rslave", MS_SLAVE },
			     { "private", MS_PRIVATE },	      { "rprivate", MS_PRIVATE },
			     { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE } };
		for (size_t i = 0; i < HK_ARRAY_SIZE(prop); i++)
			if (!strcmp(prop[i].name, json_object_get_string(v)))
				c->spec.root_propagation = prop[i].flag;
		if (!c->spec.root_propagation)
			return hk_err_usage(err,
					    "config.json: linux.rootfsPropagation: '%s' is not a "
					    "propagation",
					    json_object_get_string(v));
	}
	/* the masked and read-only paths: hako's own lists (Docker's, which every engine's
	 * default is) when the config asks for any */
	struct json_object *mp = NULL, *rp = NULL;
	if (r == 0)
		r = member(l, "maskedPaths", json_type_array, "linux", &mp, err);
	if (r == 0)
		r = member(l, "readonlyPaths", json_type_array, "linux", &rp, err);
	if (r < 0)
		return r;
	c->sec.privileged = false;
	size_t n;
	if (mp && (r = string_array(mp, "linux.maskedPaths", &c->masked, &n, err)) < 0)
		return r;
	if (rp && (r = string_array(rp, "linux.readonlyPaths", &c->readonly, &n, err)) < 0)
		return r;
	char **lists[] = { c->masked, c->readonly };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; lists[k] && lists[k][i]; i++)
			if (lists[k][i][0] != '/')
				return hk_err_usage(
					err,
					"config.json: linux.%s[%zu]: an absolute path is "
					"required",
					k ? "readonlyPaths" : "maskedPaths", i);
	bool masks = (c->masked && c->masked[0]) || (c->readonly && c->readonly[0]);
	if (member(l, "seccomp", json_type_object, "linux", &v, err) < 0)
		return -EINVAL;
	if (v) {
		const char *txt = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		c->sec.profile_text = strdup(txt);
		if (!c->sec.profile_text)
			return hk_err_sys(err, -ENOMEM, "config.json: linux.seccomp");
		c->sec.profile_len = strlen(txt);
		c->sec.seccomp = "config.json:linux.seccomp";
		/* the profile's parser checks the types (and that SCMP_ACT_NOTIFY has a
		 * listenerPath); the runtime connects there (ociruntime.c) */
		struct json_object *lp, *lm;
		if (json_object_object_get_ex(v, "listenerPath", &lp) &&
		    json_object_is_type(lp, json_type_string) && *json_object_get_string(lp)) {
			c->seccomp_listener = json_object_get_string(lp);
			c->sec.seccomp_listener = true;
		}
		if (json_object_object_get_ex(v, "listenerMetadata", &lm) &&
		    json_object_is_type(lm, json_type_string))
			c->seccomp_metadata = json_object_get_string(lm);
	} else {
		c->sec.seccomp = "unconfined"; /* an OCI config without seccomp asks for none */
	}
	/* the device allowlist goes with hako's default isolation; the masked and read-only
	 * paths are the config's own lists */
	c->sec.lim.devices = true;
	c->mask_paths = masks;
	return 0;
}

/* crun's annotation run.oci.keep_original_groups (podman's --group-add keep-groups): any
 * value but "0" keeps the runtime's supplementary groups for the process (additionalGids
 * are then not set, as crun). */
static int keep_groups(struct hk_oci_config *c, struct hk_err *err)
{
	struct json_object *a, *v;
	int r = member(c->root, "annotations", json_type_object, "", &a, err);
	if (r < 0 || !a)
		return r;
	if ((r = member(a, "run.oci.keep_original_groups", json_type_string, "annotations", &v,
			err)) < 0 ||
	    !v)
		return r;
	c->spec.keep_groups = strcmp(json_object_get_string(v), "0") != 0;
	c->sec.user.keep_groups = c->spec.keep_groups;
	return 0;
}

int hk_oci_config_load(struct hk_oci_config *c, const char *bundle, const char *config,
		       const char *state_root, struct hk_err *err)
{
	hk_ct_spec_init(&c->spec);
	if (!realpath(bundle, c->bundle))
		return hk_err_sys(err, -errno, "bundle '%s'", bundle);
	char path[2 * PATH_MAX];
	if (config && config[0] == '/')
		snprintf(path, sizeof(path), "%s", config);
	else
		snprintf(path, sizeof(path), "%s/%s", c->bundle, config ? config : "config.json");
	c->root = json_object_from_file(path);
	if (!c->root)
		return hk_err_usage(err, "%s: %s", path, json_util_get_last_err());
	if (json_object_get_type(c->root) != json_type_object)
		return hk_err_usage(err, "%s: expected an object", path);
	struct json_object *v = NULL, *p = NULL, *root = NULL, *l = NULL;
	int r = refuse_unsupported(c->root, "", err);
	if (r == 0)
		r = member(c->root, "ociVersion", json_type_string, "", &v, err);
	if (r == 0 && (!v || strncmp(json_object_get_string(v), "1.", 2)))
		r = hk_err_usage(err, "config.json: ociVersion: expected 1.x, not '%s'",
				 str_or(v, "(missing)"));
	if (r == 0)
		r = member(c->root, "process", json_type_object, "", &p, err);
	if (r == 0 && !p)
		r = hk_err_usage(err, "config.json: process: required");
	if (r == 0)
		r = process(c, p, err);
	if (r == 0)
		r = keep_groups(c, err);
	if (r == 0)
		r = member(c->root, "root", json_type_object, "", &root, err);
	if (r == 0 && !root)
		r = hk_err_usage(err, "config.json: root: required");
	if (r == 0)
		r = member(root, "path", json_type_string, "root", &v, err);
	if (r < 0)
		return r;
	if (!v || !json_object_get_string(v)[0])
		return hk_err_usage(err, "config.json: root.path: required");
	const char *rp = json_object_get_string(v);
	char rootfs[PATH_MAX + 8];
	snprintf(rootfs, sizeof(rootfs), rp[0] == '/' ? "%s" : "%s/%s",
		 rp[0] == '/' ? rp : c->bundle, rp);
	if (hk_ct_spec_rootfs(&c->spec, rootfs, c->rootfs, err) < 0)
		return hk_err_prefix(err, "config.json: root.path");
	if ((r = member(root, "readonly", json_type_boolean, "root", &v, err)) < 0)
		return r;
	c->sec.read_only = v && json_object_get_boolean(v);
	if ((r = member(c->root, "hostname", json_type_string, "", &v, err)) < 0)
		return r;
	if (v && json_object_get_string(v)[0]) {
		if (!hk_ct_hostname_valid(json_object_get_string(v)))
			return hk_err_usage(err, "config.json: hostname: '%s' is not a hostname",
					    json_object_get_string(v));
		snprintf(c->spec.hostname, sizeof(c->spec.hostname), "%s",
			 json_object_get_string(v));
	}
	if ((r = member(c->root, "domainname", json_type_string, "", &v, err)) < 0)
		return r;
	if (v && json_object_get_string(v)[0]) {
		if (!hk_ct_hostname_valid(json_object_get_string(v)))
			return hk_err_usage(err,
					    "config.json: domainname: '%s' is not a domain name",
					    json_object_get_string(v));
		snprintf(c->spec.domainname, sizeof(c->spec.domainname), "%s",
			 json_object_get_string(v));
	}
	if ((r = member(c->root, "mounts", json_type_array, "", &v, err)) < 0)
		return r;
	if (v && (r = mounts(c, v, err)) < 0)
		return r;
	if ((r = member(c->root, "linux", json_type_object, "", &l, err)) < 0)
		return r;
	if (!l)
		return hk_err_usage(err, "config.json: linux: required on Linux");
	if ((r = linux_section(c, l, err)) < 0)
		return r;
	if ((r = member(c->root, "hooks", json_type_object, "", &v, err)) < 0 ||
	    (r = hooks(v, err)) < 0)
		return r;
	static const char *const in_container[] = { "createContainer", "startContainer" };
	for (size_t i = 0; v && i < HK_ARRAY_SIZE(in_container); i++) {
		struct json_object *h;
		if (json_object_object_get_ex(v, in_container[i], &h) && h &&
		    json_object_array_length(h))
			return hk_err_usage(err,
					    "config.json: hooks.%s: hooks run in the "
					    "container's namespaces are not supported by hako "
					    "yet",
					    in_container[i]);
	}
	c->spec.interactive = true; /* stdin is the engine's, as are stdout and stderr */
	c->spec.tty = c->terminal;
	c->spec.survive_creator = true;
	c->spec.command_is_init = true; /* PID 1 is the process (runc, crun): engines add an
					 * init themselves when they want one */
	c->spec.sec = NULL;
	c->sec.log_set = false;
	r = hk_runsec_prepare(&c->sec, &c->spec, state_root, err);
	if (r < 0)
		return hk_err_prefix(err, "config.json");
	/* masks: the config's lists, exactly (runsec set hako's from privileged, which an OCI
	 * config does not have) */
	static const char *const none[] = { NULL };
	c->sec.sec.masks = c->mask_paths;
	c->sec.sec.masked = c->masked ? (const char *const *)c->masked : none;
	c->sec.sec.readonly = c->readonly ? (const char *const *)c->readonly : none;
	return 0;
}

void hk_oci_config_free(struct hk_oci_config *c)
{
	for (size_t i = 0; i < c->nenv; i++)
		free(c->env[i]);
	free(c->env);
	free(c->argv);
	free(c->masked);
	free(c->readonly);
	for (size_t i = 0; i < c->spec.nmounts; i++)
		free(c->mounts[i].host);
	hk_ct_spec_close_fds(&c->spec);
	hk_runsec_free(&c->sec);
	if (c->root)
		json_object_put(c->root);
	c->root = NULL;
}

struct json_object *hk_oci_config_default(void)
{
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };
	static const char *const masked[] = { "/proc/acpi",	     "/proc/asound",
					      "/proc/kcore",	     "/proc/keys",
					      "/proc/latency_stats", "/proc/timer_list",
					      "/proc/timer_stats",   "/proc/sched_debug",
					      "/sys/firmware",	     "/proc/scsi" };
	static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					  "/proc/sysrq-trigger" };
	static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
	struct json_object *o = json_object_new_object(), *p = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
	json_object_object_add(p, "terminal", json_object_new_boolean(0));
	struct json_object *u = json_object_new_object();
	json_object_object_add(u, "uid", json_object_new_int(0));
	json_object_object_add(u, "gid", json_object_new_int(0));
	json_object_object_add(p, "user", u);
	struct json_object *args = json_object_new_array();
	json_object_array_add(args, json_object_new_string("sh"));
	json_object_object_add(p, "args", args);
	struct json_object *env = json_object_new_array();
	json_object_array_add(env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:"
							  "/usr/sbin:/usr/bin:/sbin:/bin"));
	json_object_array_add(env, json_object_new_string("TERM=xterm"));
	json_object_object_add(p, "env", env);
	json_object_object_add(p, "cwd", json_object_new_string("/"));
	struct json_object *cs = json_object_new_object();
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	for (size_t s = 0; s < HK_ARRAY_SIZE(sets); s++) {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < HK_ARRAY_SIZE(caps); i++)
			json_object_array_add(a, json_object_new_string(caps[i]));
		json_object_object_add(cs, sets[s], a);
	}
	json_object_object_add(p, "capabilities", cs);
	struct json_object *rl = json_object_new_array(), *l = json_object_new_object();
	json_object_object_add(l, "type", json_object_new_string("RLIMIT_NOFILE"));
	json_object_object_add(l, "hard", json_object_new_int(1024));
	json_object_object_add(l, "soft", json_object_new_int(1024));
	json_object_array_add(rl, l);
	json_object_object_add(p, "rlimits", rl);
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(1));
	json_object_object_add(o, "process", p);
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "path", json_object_new_string("rootfs"));
	json_object_object_add(root, "readonly", json_object_new_boolean(1));
	json_object_object_add(o, "root", root);
	json_object_object_add(o, "hostname", json_object_new_string("hako"));
	struct json_object *mounts = json_object_new_array(), *m = json_object_new_object();
	json_object_object_add(m, "destination", json_object_new_string("/proc"));
	json_object_object_add(m, "type", json_object_new_string("proc"));
	json_object_object_add(m, "source", json_object_new_string("proc"));
	json_object_array_add(mounts, m);
	json_object_object_add(o, "mounts", mounts);
	struct json_object *lx = json_object_new_object(), *nss = json_object_new_array();
	for (size_t i = 0; i < HK_ARRAY_SIZE(ns); i++) {
		struct json_object *n = json_object_new_object();
		json_object_object_add(n, "type", json_object_new_string(ns[i]));
		json_object_array_add(nss, n);
	}
	json_object_object_add(lx, "namespaces", nss);
	struct json_object *ma = json_object_new_array(), *ra = json_object_new_array();
	for (size_t i = 0; i < HK_ARRAY_SIZE(masked); i++)
		json_object_array_add(ma, json_object_new_string(masked[i]));
	for (size_t i = 0; i < HK_ARRAY_SIZE(ro); i++)
		json_object_array_add(ra, json_object_new_string(ro[i]));
	json_object_object_add(lx, "maskedPaths", ma);
	json_object_object_add(lx, "readonlyPaths", ra);
	json_object_object_add(o, "linux", lx);
	return o;
}
