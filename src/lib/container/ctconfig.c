// SPDX-License-Identifier: MIT
/* A container's stored config: written at create, its security read back by exec. */
#include "ctconfig.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "store_ctlife.h"

static void add_security(const struct hk_ct_config_sec *s, struct json_object *c)
{
	char hex[HK_CAPS_HEX_LEN], user[32] = "";
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "caps", json_object_new_string(hk_caps_hex(s->caps, hex)));
	json_object_object_add(o, "no_new_privs", json_object_new_boolean(s->no_new_privs));
	json_object_object_add(o, "seccomp", json_object_new_string(s->seccomp));
	/* the profile's text itself, as Docker keeps it in SecurityOpt: exec replays it, so
	 * a file edited or removed after run changes nothing */
	if (s->profile_text)
		json_object_object_add(
			o, "seccomp_profile",
			json_object_new_string_len(s->profile_text, (int)s->profile_len));
	json_object_object_add(o, "privileged", json_object_new_boolean(s->privileged));
	json_object_object_add(o, "read_only", json_object_new_boolean(s->read_only));
	if (s->user.set)
		snprintf(user, sizeof(user), "%u:%u", (unsigned)s->user.uid, (unsigned)s->user.gid);
	json_object_object_add(o, "user", json_object_new_string(user));
	/* the process's supplementary groups (additionalGids): exec's too, as runc's */
	if (s->user.set && s->user.ngroups) {
		struct json_object *g = json_object_new_array();
		for (size_t i = 0; i < s->user.ngroups; i++)
			json_object_array_add(g, json_object_new_int64(s->user.groups[i]));
		json_object_object_add(o, "groups", g);
	}
	char map[HK_USERNS_MAP_MAX * 34] = "";
	if (s->userns)
		hk_idmap_format(&s->userns->uid, map, sizeof(map));
	json_object_object_add(o, "uidmap", json_object_new_string(map));
	if (s->userns)
		hk_idmap_format(&s->userns->gid, map, sizeof(map));
	json_object_object_add(o, "gidmap", json_object_new_string(map));
	json_object_object_add(c, "security", o);
}

static void add_limits(const struct hk_ct_config_sec *s, struct json_object *c)
{
	const struct hk_cglimits *lim = s->lim;
	struct json_object *l = json_object_new_object();
	json_object_object_add(l, "memory", json_object_new_int64(lim->memory));
	json_object_object_add(l, "memory_swap", json_object_new_int64(lim->memory_swap));
	json_object_object_add(l, "cpus", json_object_new_double(lim->cpus_milli / 1000.0));
	json_object_object_add(l, "cpu_shares", json_object_new_int64((int64_t)lim->cpu_shares));
	json_object_object_add(l, "pids_limit", json_object_new_int64(lim->pids));
	json_object_object_add(l, "cpuset_cpus", json_object_new_string(lim->cpuset));
	int64_t size = s->log->max_size == HK_CTLOG_UNLIMITED ? -1 : (int64_t)s->log->max_size;
	json_object_object_add(l, "log_max_size", json_object_new_int64(size));
	json_object_object_add(l, "log_max_file", json_object_new_int((int)s->log->max_file));
	json_object_object_add(c, "limits", l);
}

char *hk_ct_config_json(const struct hk_ct_spec *spec, const struct hk_ct_config_sec *sec)
{
	struct json_object *c = json_object_new_object();
	struct json_object *env = json_object_new_array(), *vols = json_object_new_array();
	for (size_t i = 0; spec->env && spec->env[i]; i++)
		json_object_array_add(env, json_object_new_string(spec->env[i]));
	for (size_t i = 0; i < spec->nmounts; i++) {
		struct json_object *v = json_object_new_object();
		json_object_object_add(v, "source",
				       json_object_new_string(spec->mounts[i].host
								      ? spec->mounts[i].host
								      : "tmpfs"));
		json_object_object_add(v, "destination",
				       json_object_new_string(spec->mounts[i].ct));
		json_object_object_add(v, "readonly", json_object_new_boolean(spec->mounts[i].ro));
		json_object_array_add(vols, v);
	}
	json_object_object_add(c, "env", env);
	json_object_object_add(c, "workdir",
			       json_object_new_string(spec->workdir ? spec->workdir : "/"));
	json_object_object_add(c, "mounts", vols);
	json_object_object_add(c, "interactive", json_object_new_boolean(spec->interactive));
	if (spec->cgroup_path)
		json_object_object_add(c, "cgroup", json_object_new_string(spec->cgroup_path));
	if (spec->nlabels) { /* --label KEY[=VALUE] */
		struct json_object *l = json_object_new_object();
		for (size_t i = 0; i < spec->nlabels; i++) {
			const char *eq = strchr(spec->labels[i], '=');
			char key[256];
			snprintf(key, sizeof(key), "%.*s",
				 (int)(eq ? (size_t)(eq - spec->labels[i])
					  : strlen(spec->labels[i])),
				 spec->labels[i]);
			json_object_object_add(l, key, json_object_new_string(eq ? eq + 1 : ""));
		}
		json_object_object_add(c, "labels", l);
	}
	add_security(sec, c);
	add_limits(sec, c);
	char *s = strdup(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN));
	json_object_put(c);
	return s;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

void hk_ct_config_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

int hk_ct_config_proc(const char *config, char ***ret_env, char **ret_workdir)
{
	*ret_env = NULL;
	*ret_workdir = NULL;
	struct json_object *c = config ? json_tokener_parse(config) : NULL, *v;
	if (!c)
		return 0;
	int r = 0;
	if (json_object_object_get_ex(c, "env", &v) && json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v), k = 0;
		char **env = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; env && i < n; i++) {
			struct json_object *e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_string) ||
			    !strchr(json_object_get_string(e), '='))
				continue;
			if (!(env[k++] = strdup(json_object_get_string(e)))) {
				hk_ct_config_env_free(env);
				env = NULL;
			}
		}
		if (!env)
			r = -ENOMEM;
		*ret_env = env;
	}
	const char *wd = jstr(c, "workdir");
	if (r == 0 && wd && wd[0] && !(*ret_workdir = strdup(wd)))
		r = -ENOMEM;
	json_object_put(c);
	if (r < 0) {
		hk_ct_config_env_free(*ret_env);
		*ret_env = NULL;
	}
	return r;
}

/* seccomp=FILE: the text stored at run (add_security). A container started before the
 * text was stored has only the path: refused rather than read again. */
static int stored_profile(struct json_object *sec, const char *name,
			  struct hk_ct_config_sec_read *s, struct hk_err *err)
{
	struct json_object *v;
	if (!json_object_object_get_ex(sec, "seccomp_profile", &v) ||
	    !json_object_is_type(v, json_type_string))
		return hk_err_set(err, -ENODATA,
				  "seccomp profile '%s' was not stored with the container (started "
				  "by an older hako): run the container again",
				  name);
	size_t len = (size_t)json_object_get_string_len(v);
	s->profile_text = malloc(len + 1);
	s->profile_name = strdup(name);
	if (!s->profile_text || !s->profile_name)
		return hk_err_sys(err, -ENOMEM, "seccomp profile");
	memcpy(s->profile_text, json_object_get_string(v), len);
	s->profile_text[len] = '\0';
	s->profile_len = len;
	return 0;
}

int hk_ct_config_sec_read(const char *config, struct hk_ct_config_sec_read *s, struct hk_err *err)
{
	*s = (struct hk_ct_config_sec_read){ 0 };
	struct json_object *c = config ? json_tokener_parse(config) : NULL, *o, *v;
	if (!c || !json_object_object_get_ex(c, "security", &o)) {
		if (c)
			json_object_put(c);
		return 0;
	}
	s->present = true;
	const char *caps = jstr(o, "caps"), *sc = jstr(o, "seccomp"), *user = jstr(o, "user");
	s->no_new_privs =
		!(json_object_object_get_ex(o, "no_new_privs", &v) && !json_object_get_boolean(v));
	int r = hk_caps_parse_hex(caps ? caps : "", &s->caps, err);
	if (r == 0 && user && *user)
		r = hk_caps_user_parse(user, &s->user, err);
	struct json_object *g;
	if (r == 0 && s->user.set && json_object_object_get_ex(o, "groups", &g) &&
	    json_object_is_type(g, json_type_array)) {
		size_t n = json_object_array_length(g);
		n = n < HK_CAPS_GROUPS_MAX ? n : HK_CAPS_GROUPS_MAX;
		for (size_t i = 0; r == 0 && i < n; i++) {
			int64_t id = json_object_get_int64(json_object_array_get_idx(g, i));
			if (id < 0 || id > UINT32_MAX - 1)
				r = hk_err_set(err, -EINVAL, "stored config: security.groups[%zu]",
					       i);
			s->groups[i] = (gid_t)id;
		}
		s->user.ngroups = r == 0 ? n : 0;
		s->user.groups = s->groups;
	}
	if (r == 0 && sc && strcmp(sc, "unconfined")) {
		s->seccomp = true;
		if (strcmp(sc, "default"))
			r = stored_profile(o, sc, s, err);
	}
	json_object_put(c);
	if (r < 0)
		hk_ct_config_sec_read_free(s);
	return r;
}

void hk_ct_config_sec_read_free(struct hk_ct_config_sec_read *s)
{
	free(s->profile_text);
	free(s->profile_name);
	s->profile_text = s->profile_name = NULL;
}

char *hk_ct_config_limits_set(const char *config, const struct hk_cglimits *l)
{
	struct json_object *c = config ? json_tokener_parse(config) : NULL, *lim;
	if (!c || !json_object_is_type(c, json_type_object)) {
		json_object_put(c);
		return NULL;
	}
	if (!json_object_object_get_ex(c, "limits", &lim) ||
	    !json_object_is_type(lim, json_type_object)) {
		lim = json_object_new_object();
		json_object_object_add(c, "limits", lim);
	}
	if (l->memory)
		json_object_object_add(lim, "memory", json_object_new_int64(l->memory));
	if (l->memory_swap)
		json_object_object_add(lim, "memory_swap", json_object_new_int64(l->memory_swap));
	if (l->cpus_milli)
		json_object_object_add(lim, "cpus", json_object_new_double(l->cpus_milli / 1000.0));
	if (l->cpu_shares)
		json_object_object_add(lim, "cpu_shares",
				       json_object_new_int64((int64_t)l->cpu_shares));
	if (l->pids) /* -1: unlimited, as update takes it */
		json_object_object_add(lim, "pids_limit",
				       json_object_new_int64(l->pids < 0 ? 0 : l->pids));
	if (l->cpuset[0])
		json_object_object_add(lim, "cpuset_cpus", json_object_new_string(l->cpuset));
	const char *t = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN);
	char *ret = t ? strdup(t) : NULL;
	json_object_put(c);
	return ret;
}

void hk_ct_config_limits_get(const char *config, struct hk_cglimits *lim)
{
	struct json_object *c = config ? json_tokener_parse(config) : NULL, *l, *v;
	if (c && json_object_object_get_ex(c, "limits", &l) &&
	    json_object_is_type(l, json_type_object)) {
		if (json_object_object_get_ex(l, "memory", &v))
			lim->memory = json_object_get_int64(v);
		if (json_object_object_get_ex(l, "memory_swap", &v))
			lim->memory_swap = json_object_get_int64(v);
		if (json_object_object_get_ex(l, "cpus", &v)) {
			double x = json_object_get_double(v);
			lim->cpus_milli = x > 0 && x < 1e6 ? (uint32_t)(x * 1000 + 0.5) : 0;
		}
		if (json_object_object_get_ex(l, "cpu_shares", &v))
			lim->cpu_shares = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(l, "pids_limit", &v))
			lim->pids = json_object_get_int64(v);
		if (json_object_object_get_ex(l, "cpuset_cpus", &v))
			snprintf(lim->cpuset, sizeof(lim->cpuset), "%s", json_object_get_string(v));
	}
	json_object_put(c);
}

int hk_ct_update_limits(struct hk_store *st, const struct hk_ct_row *r, const struct hk_cglimits *l,
			struct hk_err *err)
{
	if (!strcmp(r->state, HK_CT_CREATING) || !strcmp(r->state, HK_CT_REMOVING))
		return hk_err_usage(err, "container '%s' is %s", r->name, r->state);
	int rc = hk_cglimits_update_check(l, err);
	if (rc < 0)
		return hk_err_prefix(err, "container '%s'", r->name);
	bool live = (!strcmp(r->state, HK_CT_RUNNING) || !strcmp(r->state, HK_CT_CREATED)) &&
		    hk_proc_alive(r->pid, r->pid_start);
	if (live && (rc = hk_ct_update(r, l, err)) < 0)
		return rc;
	/* what inspect shows and the next start replays (its options are the run's) */
	_cleanup_free_ char *cfg = hk_ct_config_limits_set(r->config, l);
	if (!cfg && !live)
		return hk_err_usage(err, "container '%s' is not running and has no stored config",
				    r->name);
	if (cfg && (rc = hk_store_set_config(st, r->id, cfg, err)) < 0)
		return hk_err_prefix(err, "container '%s'", r->name);
	return 0;
}
