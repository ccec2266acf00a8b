// SPDX-License-Identifier: MIT
/* Mirrors, insecure and blocked registries (see regconf.h). */
#include "regconf.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *conf_path(void)
{
	const char *e = getenv("HAKO_REGISTRIES_CONF");
	return e && *e ? e : HK_REGCONF_PATH;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static bool jbool(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

/* prefix matches name ("host/path") at a '/' boundary: its length, else 0 */
static size_t match(const char *prefix, const char *name)
{
	size_t n = strlen(prefix);
	while (n && prefix[n - 1] == '/')
		n--;
	return n && !strncmp(prefix, name, n) && (name[n] == 0 || name[n] == '/') ? n : 0;
}

/* ref with its first plen characters of "domain/repo" replaced by loc */
static int rewrite(const struct hk_regref *ref, size_t plen, const char *loc, struct hk_regref *out,
		   struct hk_err *err)
{
	char name[600], s[800];
	snprintf(name, sizeof(name), "%s/%s", ref->domain, ref->repo);
	snprintf(s, sizeof(s), "%s%s%s%s%s%s", loc, name + plen, ref->tag[0] ? ":" : "", ref->tag,
		 ref->digest[0] ? "@" : "", ref->digest);
	int r = hk_regref_parse(s, out, err);
	if (r < 0) {
		err->code = -EBADMSG;
		return hk_err_prefix(err, "%s: location '%s'", conf_path(), loc);
	}
	return 0;
}

int hk_regconf_endpoints(const struct hk_regref *ref, bool with_mirrors,
			 struct hk_regconf_ep ret[HK_REGCONF_MAX_EP], size_t *ret_n,
			 struct hk_err *err)
{
	const char *path = conf_path();
	*ret_n = 1;
	ret[0] = (struct hk_regconf_ep){ .ref = *ref };
	json_object *root = json_object_from_file(path);
	if (!root) {
		FILE *f = fopen(path, "r");
		if (!f)
			return 0; /* no configuration */
		fclose(f);
		return hk_err_set(err, -EBADMSG, "%s: not valid JSON", path);
	}
	json_object *regs, *best = NULL;
	size_t best_len = 0;
	char name[600];
	snprintf(name, sizeof(name), "%s/%s", ref->domain, ref->repo);
	int r = 0;
	if (!json_object_object_get_ex(root, "registry", &regs) ||
	    !json_object_is_type(regs, json_type_array))
		r = hk_err_set(err, -EBADMSG, "%s: no \"registry\" array", path);
	for (size_t i = 0; r == 0 && i < json_object_array_length(regs); i++) {
		json_object *e = json_object_array_get_idx(regs, i);
		const char *loc = jstr(e, "location"), *pre = jstr(e, "prefix");
		if (!loc && !pre) {
			r = hk_err_set(err, -EBADMSG, "%s: registry %zu has no location", path, i);
			break;
		}
		size_t n = match(pre ? pre : loc, name);
		if (n > best_len) {
			best_len = n;
			best = e;
		}
	}
	if (r == 0 && best && jbool(best, "blocked")) {
		r = hk_err_set(err, -EACCES, "registry '%s' is blocked by %s", ref->domain, path);
	} else if (r == 0 && best) {
		json_object *mirrors;
		size_t n = 0;
		if (with_mirrors && json_object_object_get_ex(best, "mirror", &mirrors) &&
		    json_object_is_type(mirrors, json_type_array))
			for (size_t i = 0; r == 0 && i < json_object_array_length(mirrors) &&
					   n + 1 < HK_REGCONF_MAX_EP;
			     i++) {
				json_object *m = json_object_array_get_idx(mirrors, i);
				const char *ml = jstr(m, "location");
				if (!ml) {
					r = hk_err_set(err, -EBADMSG,
						       "%s: a mirror has no location", path);
					break;
				}
				r = rewrite(ref, best_len, ml, &ret[n].ref, err);
				ret[n].insecure = jbool(m, "insecure");
				ret[n++].mirror = true;
			}
		const char *loc = jstr(best, "location");
		if (r == 0)
			r = loc ? rewrite(ref, best_len, loc, &ret[n].ref, err) : 0;
		if (r == 0 && !loc)
			ret[n].ref = *ref;
		ret[n].insecure = jbool(best, "insecure");
		ret[n].mirror = false;
		*ret_n = n + 1;
	}
	json_object_put(root);
	if (r < 0)
		*ret_n = 0;
	return r;
}
