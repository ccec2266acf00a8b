// SPDX-License-Identifier: MIT
/*
 * Docker-format seccomp profiles (--security-opt seccomp=FILE), parsed with json-c into the
 * profile of seccomp_profile.h. The format is moby's (profiles/seccomp/default.json):
 *   defaultAction, defaultErrnoRet, architectures | archMap[{architecture,subArchitectures}],
 *   flags, listenerPath (SCMP_ACT_NOTIFY's agent: the filter gets a notification fd, which
 *   the caller sends there), listenerMetadata (the caller's), syscalls[{names | name, action,
 * errnoRet, args[{index,value,valueTwo,op}], includes/excludes {caps, arches, minKernel}, comment}]
 * Stricter than Docker in one way: an unknown key is an error (a misspelled "args" would
 * otherwise turn a conditional rule into an unconditional one), and so are unknown
 * capability and architecture names. Unknown syscall names are accepted (skipped at compile
 * time), as Docker does.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "caps.h"
#include "seccomp_profile.h"

#define HK_SC_FILE_MAX (4 << 20)

struct owner {
	json_object *root;
	void **allocs;
	size_t n, cap;
};

struct pctx {
	struct owner *own;
	const char *origin;
	struct hk_err *err;
};

static void owner_free(struct owner *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->allocs[i]);
	free(o->allocs);
	if (o->root)
		json_object_put(o->root);
	free(o);
}

void hk_seccomp_profile_free(const struct hk_seccomp_profile *p)
{
	if (!p || p == hk_seccomp_profile_default())
		return;
	owner_free(p->owner);
	free((void *)p);
}

static void *own_calloc(struct pctx *c, size_t n, size_t size)
{
	struct owner *o = c->own;
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 16;
		void **a = realloc(o->allocs, ncap * sizeof(*a));
		if (!a)
			return NULL;
		o->allocs = a;
		o->cap = ncap;
	}
	void *p = calloc(n ? n : 1, size);
	if (p)
		o->allocs[o->n++] = p;
	return p;
}

/* Where in the document we are ("syscalls[2].args[0].op"); deep paths are cut, not
 * overflowed. */
__attribute__((format(printf, 3, 4))) static void pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* "seccomp profile 'F': <path>: <message>" as a usage error. */
__attribute__((format(printf, 3, 4))) static int bad(struct pctx *c, const char *path,
						     const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hk_err_usage(c->err, "seccomp profile '%s': %s: %s", c->origin, path, msg);
}

static int nomem(struct pctx *c)
{
	return hk_err_sys(c->err, -ENOMEM, "seccomp profile '%s'", c->origin);
}

static const char *type_name(json_object *o)
{
	return o ? json_type_to_name(json_object_get_type(o)) : "null";
}

static int get_string(struct pctx *c, json_object *o, const char *path, const char **ret)
{
	if (!json_object_is_type(o, json_type_string))
		return bad(c, path, "want a string, got %s", type_name(o));
	*ret = json_object_get_string(o);
	return 0;
}

static int get_u64(struct pctx *c, json_object *o, const char *path, uint64_t max, uint64_t *ret)
{
	if (!json_object_is_type(o, json_type_int))
		return bad(c, path, "want a non-negative integer, got %s", type_name(o));
	if (json_object_get_int64(o) < 0)
		return bad(c, path, "want a non-negative integer, got %s",
			   json_object_get_string(o));
	uint64_t v = json_object_get_uint64(o);
	if (v > max)
		return bad(c, path, "%llu is out of range (max %llu)", (unsigned long long)v,
			   (unsigned long long)max);
	*ret = v;
	return 0;
}

/* An array of strings (null is an empty array); each validated by check if given. */
static int get_strings(struct pctx *c, json_object *o, const char *path, const char *const **ret,
		       size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_array))
		return bad(c, path, "want an array of strings, got %s", type_name(o));
	size_t n = json_object_array_length(o);
	const char **v = own_calloc(c, n, sizeof(*v));
	if (!v)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		char p[128];
		pathf(p, sizeof(p), "%s[%zu]", path, i);
		int r = get_string(c, json_object_array_get_idx(o, i), p, &v[i]);
		if (r < 0)
			return r;
		if (!*v[i])
			return bad(c, p, "empty string");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static const struct {
	const char *name;
	enum hk_sc_action action;
} actions[] = {
	{ "SCMP_ACT_KILL", HK_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", HK_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", HK_SC_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", HK_SC_TRAP },
	{ "SCMP_ACT_ERRNO", HK_SC_ERRNO },
	{ "SCMP_ACT_TRACE", HK_SC_TRACE },
	{ "SCMP_ACT_LOG", HK_SC_LOG },
	{ "SCMP_ACT_ALLOW", HK_SC_ALLOW },
	{ "SCMP_ACT_NOTIFY", HK_SC_NOTIFY },
};

static int get_action(struct pctx *c, json_object *o, const char *path, enum hk_sc_action *ret)
{
	const char *s = NULL;
	int r = get_string(c, o, path, &s);
	if (r < 0)
		return r;
	for (size_t i = 0; i < HK_ARRAY_SIZE(actions); i++) {
		if (!strcmp(s, actions[i].name)) {
			*ret = actions[i].action;
			return 0;
		}
	}
	return bad(c, path,
		   "unknown action '%s' (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, "
		   "SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, "
		   "SCMP_ACT_LOG, SCMP_ACT_NOTIFY)",
		   s);
}

static const struct {
	const char *name;
	enum hk_sc_op op;
} ops[] = {
	{ "SCMP_CMP_NE", HK_SC_NE },
	{ "SCMP_CMP_LT", HK_SC_LT },
	{ "SCMP_CMP_LE", HK_SC_LE },
	{ "SCMP_CMP_EQ", HK_SC_EQ },
	{ "SCMP_CMP_GE", HK_SC_GE },
	{ "SCMP_CMP_GT", HK_SC_GT },
	{ "SCMP_CMP_MASKED_EQ", HK_SC_MASKED_EQ },
};

static int parse_arg(struct pctx *c, json_object *o, const char *path, struct hk_sc_arg *a)
{
	char p[160];
	bool have_index = false, have_op = false;
	if (!json_object_is_type(o, json_type_object))
		return bad(c, path, "want an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val)
	{
		pathf(p, sizeof(p), "%s.%s", path, key);
		int r = 0;
		uint64_t v;
		if (!strcmp(key, "index")) {
			r = get_u64(c, val, p, HK_SC_ARGS_MAX - 1, &v);
			a->index = (unsigned)v;
			have_index = true;
		} else if (!strcmp(key, "value")) {
			r = get_u64(c, val, p, UINT64_MAX, &a->value);
		} else if (!strcmp(key, "valueTwo")) {
			r = get_u64(c, val, p, UINT64_MAX, &a->value2);
		} else if (!strcmp(key, "op")) {
			const char *s = NULL;
			r = get_string(c, val, p, &s);
			if (r < 0)
				return r;
			for (size_t i = 0; i < HK_ARRAY_SIZE(ops); i++)
				if (!strcmp(s, ops[i].name))
					a->op = ops[i].op;
			if (!a->op)
				return bad(c, p,
					   "unknown operator '%s' (SCMP_CMP_EQ, NE, LT, LE, "
					   "GE, GT, MASKED_EQ)",
					   s);
			have_op = true;
		} else {
			return bad(c, p, "unknown key");
		}
		if (r < 0)
			return r;
	}
	if (!have_index)
		return bad(c, path, "'index' is missing");
	if (!have_op)
		return bad(c, path, "'op' is missing");
	return 0;
}

static int parse_filter(struct pctx *c, json_object *o, const char *path, struct hk_sc_filter *f)
{
	char p[160];
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return bad(c, path, "want an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val)
	{
		pathf(p, sizeof(p), "%s.%s", path, key);
		const char *const *v;
		size_t n;
		int r;
		if (!strcmp(key, "caps") || !strcmp(key, "arches")) {
			r = get_strings(c, val, p, &v, &n);
			if (r < 0)
				return r;
			for (size_t i = 0; i < n; i++) {
				char pi[176];
				pathf(pi, sizeof(pi), "%s[%zu]", p, i);
				if (key[0] == 'c') {
					unsigned cap;
					if (hk_cap_parse(v[i], &cap, c->err) < 0)
						return bad(c, pi, "unknown capability '%s'", v[i]);
					f->caps |= HK_CAP_BIT(cap);
				} else {
					uint32_t bit = hk_sc_goarch_bit(v[i]);
					if (!bit)
						return bad(c, pi,
							   "unknown architecture '%s' (Go "
							   "names: amd64, arm64, 386, ...)",
							   v[i]);
					f->arches |= bit;
				}
			}
		} else if (!strcmp(key, "minKernel")) {
			const char *s = NULL;
			int used = 0;
			r = get_string(c, val, p, &s);
			if (r < 0)
				return r;
			if (sscanf(s, "%u.%u%n", &f->min_major, &f->min_minor, &used) != 2 ||
			    s[used])
				return bad(c, p, "want a kernel version like \"4.8\", got '%s'", s);
		} else {
			return bad(c, p, "unknown key");
		}
	}
	return 0;
}

/* One syscalls[] entry's keys, with the entry's path in path. */
static int parse_rule_key(struct pctx *c, const char *key, json_object *val, const char *path,
			  struct hk_sc_rule *rule, bool *have_action)
{
	char p[160];
	uint64_t v;
	int r;
	pathf(p, sizeof(p), "%s.%s", path, key);
	if (!strcmp(key, "names"))
		return get_strings(c, val, p, &rule->names, &rule->nnames);
	if (!strcmp(key, "name")) { /* the format before "names" */
		const char **one = own_calloc(c, 1, sizeof(*one));
		if (!one)
			return nomem(c);
		r = get_string(c, val, p, &one[0]);
		rule->names = one;
		rule->nnames = 1;
		return r;
	}
	if (!strcmp(key, "action")) {
		*have_action = true;
		return get_action(c, val, p, &rule->action);
	}
	if (!strcmp(key, "errnoRet")) {
		r = get_u64(c, val, p, 4095, &v);
		rule->errno_ret = (int)v;
		return r;
	}
	if (!strcmp(key, "args")) {
		if (!val)
			return 0;
		if (!json_object_is_type(val, json_type_array))
			return bad(c, p, "want an array, got %s", type_name(val));
		size_t n = json_object_array_length(val);
		if (n > HK_SC_ARGS_MAX)
			return bad(c, p, "%zu conditions, at most %d", n, HK_SC_ARGS_MAX);
		struct hk_sc_arg *a = own_calloc(c, n, sizeof(*a));
		if (!a)
			return nomem(c);
		for (size_t i = 0; i < n; i++) {
			char pi[176];
			pathf(pi, sizeof(pi), "%s[%zu]", p, i);
			r = parse_arg(c, json_object_array_get_idx(val, i), pi, &a[i]);
			if (r < 0)
				return r;
		}
		rule->args = a;
		rule->nargs = n;
		return 0;
	}
	if (!strcmp(key, "includes"))
		return parse_filter(c, val, p, &rule->inc);
	if (!strcmp(key, "excludes"))
		return parse_filter(c, val, p, &rule->exc);
	if (!strcmp(key, "comment"))
		return val ? get_string(c, val, p, &(const char *){ NULL }) : 0;
	return bad(c, p, "unknown key");
}

static int parse_rule(struct pctx *c, json_object *o, const char *path, struct hk_sc_rule *rule)
{
	bool have_action = false;
	rule->errno_ret = -1;
	if (!json_object_is_type(o, json_type_object))
		return bad(c, path, "want an object, got %s", type_name(o));
	json_object_object_foreach(o, key, val)
	{
		int r = parse_rule_key(c, key, val, path, rule, &have_action);
		if (r < 0)
			return r;
	}
	if (rule->nnames == 0)
		return bad(c, path, "no syscall 'names'");
	if (!have_action)
		return bad(c, path, "'action' is missing");
	if (rule->errno_ret >= 0 && rule->action != HK_SC_ERRNO && rule->action != HK_SC_TRACE)
		return bad(c, path, "'errnoRet' goes with SCMP_ACT_ERRNO or SCMP_ACT_TRACE only");
	return 0;
}

static int parse_syscalls(struct pctx *c, json_object *o, struct hk_seccomp_profile *p)
{
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_array))
		return bad(c, "syscalls", "want an array, got %s", type_name(o));
	size_t n = json_object_array_length(o);
	struct hk_sc_rule *rules = own_calloc(c, n, sizeof(*rules));
	if (!rules)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		pathf(path, sizeof(path), "syscalls[%zu]", i);
		int r = parse_rule(c, json_object_array_get_idx(o, i), path, &rules[i]);
		if (r < 0)
			return r;
	}
	p->rules = rules;
	p->nrules = n;
	return 0;
}

/* "SCMP_ARCH_X86_64" -> "x86_64" (into storage owned by the profile). */
static int arch_name(struct pctx *c, const char *s, const char *path, const char **ret)
{
	if (strncmp(s, "SCMP_ARCH_", 10) != 0)
		return bad(c, path, "want an architecture like SCMP_ARCH_X86_64, got '%s'", s);
	size_t n = strlen(s + 10);
	char *low = own_calloc(c, n + 1, 1);
	if (!low)
		return nomem(c);
	for (size_t i = 0; i < n; i++)
		low[i] = (char)((s[10 + i] >= 'A' && s[10 + i] <= 'Z') ? s[10 + i] - 'A' + 'a'
								       : s[10 + i]);
	if (!hk_sc_arch_known(low))
		return bad(c, path, "unknown architecture '%s'", s);
	*ret = low;
	return 0;
}

static int arch_names(struct pctx *c, json_object *o, const char *path, const char *const **ret,
		      size_t *ret_n)
{
	const char *const *v;
	size_t n;
	int r = get_strings(c, o, path, &v, &n);
	if (r < 0)
		return r;
	const char **out = own_calloc(c, n, sizeof(*out));
	if (!out)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		char p[96];
		pathf(p, sizeof(p), "%s[%zu]", path, i);
		r = arch_name(c, v[i], p, &out[i]);
		if (r < 0)
			return r;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

static int parse_archmap(struct pctx *c, json_object *o, struct hk_seccomp_profile *p)
{
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_array))
		return bad(c, "archMap", "want an array, got %s", type_name(o));
	size_t n = json_object_array_length(o);
	struct hk_sc_archmap *m = own_calloc(c, n, sizeof(*m));
	if (!m)
		return nomem(c);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(o, i);
		char path[64], pk[96];
		pathf(path, sizeof(path), "archMap[%zu]", i);
		if (!json_object_is_type(e, json_type_object))
			return bad(c, path, "want an object, got %s", type_name(e));
		json_object_object_foreach(e, key, val)
		{
			int r;
			pathf(pk, sizeof(pk), "%s.%s", path, key);
			if (!strcmp(key, "architecture")) {
				const char *s = NULL;
				r = get_string(c, val, pk, &s);
				if (r >= 0)
					r = arch_name(c, s, pk, &m[i].arch);
			} else if (!strcmp(key, "subArchitectures")) {
				r = arch_names(c, val, pk, &m[i].sub, &m[i].nsub);
			} else {
				r = bad(c, pk, "unknown key");
			}
			if (r < 0)
				return r;
		}
		if (!m[i].arch)
			return bad(c, path, "'architecture' is missing");
	}
	p->archmap = m;
	p->narchmap = n;
	return 0;
}

static int parse_flags(struct pctx *c, json_object *o, struct hk_seccomp_profile *p)
{
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	};
	const char *const *v;
	size_t n;
	int r = get_strings(c, o, "flags", &v, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		size_t k = 0;
		while (k < HK_ARRAY_SIZE(flags) && strcmp(v[i], flags[k].name))
			k++;
		if (k == HK_ARRAY_SIZE(flags))
			return bad(c, "flags", "unknown flag '%s'", v[i]);
		p->flags |= flags[k].flag;
	}
	return r;
}

static int parse_top(struct pctx *c, json_object *root, struct hk_seccomp_profile *p)
{
	bool have_default = false;
	const char *const *arches = NULL;
	size_t narches = 0;
	int r = 0;

	if (!json_object_is_type(root, json_type_object))
		return bad(c, "top level", "want an object, got %s", type_name(root));
	json_object_object_foreach(root, key, val)
	{
		uint64_t v;
		if (!strcmp(key, "defaultAction")) {
			r = get_action(c, val, key, &p->default_action);
			have_default = true;
		} else if (!strcmp(key, "defaultErrnoRet")) {
			r = get_u64(c, val, key, 4095, &v);
			p->default_errno = (int)v;
		} else if (!strcmp(key, "architectures")) {
			r = arch_names(c, val, key, &arches, &narches);
		} else if (!strcmp(key, "archMap")) {
			r = parse_archmap(c, val, p);
		} else if (!strcmp(key, "syscalls")) {
			r = parse_syscalls(c, val, p);
		} else if (!strcmp(key, "flags")) {
			r = parse_flags(c, val, p);
		} else if (!strcmp(key, "listenerPath")) {
			/* a seccomp agent there gets the filter's notification fd (an OCI
			 * runtime's: the caller sends it) */
			const char *s = NULL;
			r = get_string(c, val, key, &s);
			if (r == 0 && *s)
				p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		} else if (strcmp(key, "listenerMetadata") != 0) {
			r = bad(c, key, "unknown key");
		}
		if (r < 0)
			return r;
	}
	if (!have_default)
		return bad(c, "defaultAction", "missing (e.g. \"SCMP_ACT_ERRNO\")");
	if (p->default_action == HK_SC_NOTIFY)
		return bad(c, "defaultAction",
			   "SCMP_ACT_NOTIFY cannot be the default action (the kernel's rule: the "
			   "agent's own calls would wait for it)");
	bool notify = false;
	for (size_t i = 0; i < p->nrules; i++)
		notify |= p->rules[i].action == HK_SC_NOTIFY;
	if (notify && !(p->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return bad(c, "listenerPath",
			   "missing: SCMP_ACT_NOTIFY needs a seccomp agent listening at "
			   "listenerPath");
	if (narches && p->narchmap)
		return bad(c, "architectures",
			   "give either 'architectures' or 'archMap', not both");
	if (narches) { /* a plain list: one archmap entry with no main arch adds all of it */
		struct hk_sc_archmap *m = own_calloc(c, 1, sizeof(*m));
		if (!m)
			return nomem(c);
		m->arch = "";
		m->sub = arches;
		m->nsub = narches;
		p->archmap = m;
		p->narchmap = 1;
	}
	return 0;
}

/* json-c reports a byte offset; people read line and column. */
static void offset_pos(const char *text, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parse_json(struct pctx *c, const char *text, size_t len, json_object **ret)
{
	unsigned line, col;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return nomem(c);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *o = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || e != json_tokener_success) {
		if (o)
			json_object_put(o);
		if (e == json_tokener_continue || e == json_tokener_success)
			return hk_err_usage(c->err, "seccomp profile '%s': not valid JSON: %s",
					    c->origin,
					    len ? "unexpected end of file" : "empty file");
		offset_pos(text, end < len ? end : len, &line, &col); /* end: the offending byte */
		return hk_err_usage(c->err,
				    "seccomp profile '%s': line %u, column %u: not valid "
				    "JSON: %s",
				    c->origin, line, col, json_tokener_error_desc(e));
	}
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		json_object_put(o);
		offset_pos(text, end, &line, &col);
		return hk_err_usage(c->err,
				    "seccomp profile '%s': line %u, column %u: text after "
				    "the JSON value",
				    c->origin, line, col);
	}
	*ret = o;
	return 0;
}

int hk_seccomp_profile_parse(const char *text, size_t len, const char *origin,
			     struct hk_seccomp_profile **ret, struct hk_err *err)
{
	struct pctx c = { .origin = origin ? origin : "-", .err = err };
	if (len > HK_SC_FILE_MAX)
		return hk_err_usage(err, "seccomp profile '%s': larger than %d bytes", c.origin,
				    HK_SC_FILE_MAX);
	struct hk_seccomp_profile *p = calloc(1, sizeof(*p));
	c.own = calloc(1, sizeof(*c.own));
	if (!p || !c.own) {
		free(p);
		free(c.own);
		return nomem(&c);
	}
	p->owner = c.own;
	p->default_errno = -1;
	int r = parse_json(&c, text, len, &c.own->root);
	if (r >= 0)
		r = parse_top(&c, c.own->root, p);
	if (r < 0) {
		hk_seccomp_profile_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int hk_seccomp_profile_read(const char *path, char **ret_text, size_t *ret_len, struct hk_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = -errno;
		hk_err_sys(err, e, "seccomp profile '%s'", path);
		hk_err_class_set(err, HK_ERR_USAGE);
		return e;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return hk_err_sys(err, -errno, "seccomp profile '%s'", path);
	if (!S_ISREG(st.st_mode) || st.st_size > HK_SC_FILE_MAX)
		return hk_err_usage(err, "seccomp profile '%s': not a regular file under %d bytes",
				    path, HK_SC_FILE_MAX);
	_cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return hk_err_sys(err, -ENOMEM, "seccomp profile '%s'", path);
	size_t off = 0;
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hk_err_sys(err, -errno, "seccomp profile '%s': read", path);
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	*ret_text = TAKE_PTR(buf);
	*ret_len = off;
	return 0;
}

int hk_seccomp_profile_load(const char *path, struct hk_seccomp_profile **ret, struct hk_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = hk_seccomp_profile_read(path, &text, &len, err);
	return r < 0 ? r : hk_seccomp_profile_parse(text, len, path, ret, err);
}
