// SPDX-License-Identifier: MIT
/*
 * A lab file -> struct hk_lab (see lab.h). libyaml's document API (the only libyaml user):
 * the whole file is loaded as a node graph with each node's position, then walked. Every
 * error names FILE:LINE:COLUMN of the offending node and what is wrong with it.
 *
 * containerlab's keys: name, mgmt.{network, ipv4-subnet, ipv6-subnet}, topology.{defaults,
 * kinds, groups, nodes, links}; node: kind, group, image, cmd, exec, binds, env, cap-add,
 * mgmt-ipv4, mgmt-ipv6, network-mode (others, like labels, startup-config, are accepted and
 * ignored, so published files deploy); link: endpoints. hako's additions, under keys containerlab
 * does not have: kinds netns and vm; node: rootfs, interfaces.IF.{ipv4, ipv6, addresses, mtu},
 * routes, sysctls; vm node: kernel, initrd, append, memory, cpus, accel; link: mtu, rate, delay,
 * jitter, loss, corrupt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base/cleanup.h"
#include "base/vec.h"
#include "ipam.h"
#include "lab.h"
#include "store_vm.h"

struct px {
	const char *file;
	yaml_document_t *doc;
	struct hk_err *err;
	struct hk_lab *lab;
};

static struct hk_lab_pos pos_of(const yaml_node_t *n)
{
	return (struct hk_lab_pos){ (unsigned)n->start_mark.line + 1,
				    (unsigned)n->start_mark.column + 1 };
}

static int __attribute__((format(printf, 3, 4)))
bad(struct px *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct hk_lab_pos p = n ? pos_of(n) : (struct hk_lab_pos){ 1, 1 };
	return hk_err_usage(x->err, "%s:%u:%u: %s", x->file, p.line, p.col, msg);
}

static int bad_at(struct px *x, struct hk_lab_pos p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_at(struct px *x, struct hk_lab_pos p, const char *fmt, ...)
{
	char msg[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hk_err_usage(x->err, "%s:%u:%u: %s", x->file, p.line, p.col, msg);
}

static yaml_node_t *node(struct px *x, int i)
{
	return yaml_document_get_node(x->doc, i);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_scalar(struct px *x, const yaml_node_t *n, const char *what, const char **ret)
{
	*ret = scalar(n);
	return *ret ? 0 : bad(x, n, "%s: expected a single value", what);
}

static int want_type(struct px *x, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n && n->type == t)
		return 0;
	return bad(x, n, "%s: expected %s", what,
		   t == YAML_MAPPING_NODE ? "a mapping (key: value)" : "a list");
}

/* The value of key in mapping m, NULL when absent. */
static yaml_node_t *get(struct px *x, const yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(node(x, p->key));
		if (k && !strcmp(k, key))
			return node(x, p->value);
	}
	return NULL;
}

/* Strings of a list (or one scalar) appended to a NULL-terminated array. */
static int str_list(struct px *x, const yaml_node_t *n, const char *what, char ***v, size_t *nv)
{
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		char **nvv = realloc(*v, (*nv + 2) * sizeof(char *));
		if (!nvv || !(nvv[*nv] = strdup(scalar(n))))
			return hk_err_sys(x->err, -ENOMEM, "lab");
		*v = nvv;
		nvv[++*nv] = NULL;
		return 0;
	}
	int r = want_type(x, n, YAML_SEQUENCE_NODE, what);
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     r == 0 && i < n->data.sequence.items.top; i++)
		r = scalar(node(x, *i)) ? str_list(x, node(x, *i), what, v, nv)
					: bad(x, node(x, *i), "%s: expected text", what);
	return r;
}

static int set_str(struct px *x, char **dst, const yaml_node_t *n, const char *what)
{
	if (!n || *dst)
		return 0; /* the first (most specific) place that says it wins */
	const char *s;
	int r = want_scalar(x, n, what, &s);
	if (r == 0 && !(*dst = strdup(s)))
		r = hk_err_sys(x->err, -ENOMEM, "lab");
	return r;
}

static const struct {
	const char *name;
	enum hk_lab_kind kind;
} kinds[] = {
	{ "netns", HK_LAB_NETNS },   { "linux", HK_LAB_LINUX },
	{ "bridge", HK_LAB_BRIDGE }, { "ovs-bridge", HK_LAB_BRIDGE }, /* a Linux bridge stands in */
	{ "host", HK_LAB_HOST },     { "vm", HK_LAB_VM },
};
#define KINDS "netns, linux, bridge, host, vm"

/* A vm node's own keys (hako's), refused on other kinds. */
static const char *const vm_keys[] = { "kernel", "initrd", "append", "memory", "cpus", "accel" };

const char *hk_lab_kind_name(enum hk_lab_kind k)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(kinds); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "?";
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max &&
	       strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", s[0]) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static struct hk_lab_if *iface_get(struct hk_lab_node *nd, const char *name, bool add)
{
	for (size_t i = 0; i < nd->nifs; i++)
		if (!strcmp(nd->ifs[i].name, name))
			return &nd->ifs[i];
	if (!add)
		return NULL;
	struct hk_lab_if *v = realloc(nd->ifs, (nd->nifs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	nd->ifs = v;
	struct hk_lab_if *f = &v[nd->nifs++];
	*f = (struct hk_lab_if){ .link = -1 };
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

static int add_addr(struct px *x, struct hk_lab_if *f, const yaml_node_t *n, int family)
{
	const char *s;
	int r = want_scalar(x, n, "address", &s);
	if (r < 0)
		return r;
	struct hk_prefix p;
	struct hk_err e;
	if (hk_parse_prefix(s, family, &p, &e) < 0)
		return bad(x, n, "address '%s': %s", s, e.msg);
	if (!p.has_len)
		return bad(x, n, "address '%s': needs a prefix length (/24, /64)", s);
	if (f->naddr == HK_LAB_ADDR_MAX)
		return bad(x, n, "interface '%s': more than %d addresses", f->name,
			   HK_LAB_ADDR_MAX);
	f->addr[f->naddr++] = p;
	return 0;
}

/* interfaces: {IF: {ipv4: A, ipv6: A, addresses: [A...], mtu: N}} */
static int parse_interfaces(struct px *x, struct hk_lab_node *nd, const yaml_node_t *m)
{
	int r = want_type(x, m, YAML_MAPPING_NODE, "interfaces");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     r == 0 && p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		const char *name = scalar(k);
		struct hk_err e;
		if (!name || hk_parse_ifname(name, &e) < 0)
			return bad(x, k, "node '%s': interface name '%s': %s", nd->name,
				   name ? name : "?", name ? e.msg : "expected text");
		if (iface_get(nd, name, false))
			return bad(x, k, "node '%s': interface '%s' given twice", nd->name, name);
		struct hk_lab_if *f = iface_get(nd, name, true);
		if (!f)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		f->pos = pos_of(k);
		if ((r = want_type(x, v, YAML_MAPPING_NODE, "interface")) < 0)
			return r;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     r == 0 && q < v->data.mapping.pairs.top; q++) {
			const char *key = scalar(node(x, q->key));
			yaml_node_t *val = node(x, q->value);
			if (!key)
				r = bad(x, node(x, q->key), "expected a key");
			else if (!strcmp(key, "ipv4") || !strcmp(key, "ipv6") ||
				 !strcmp(key, "addresses")) {
				int fam = key[3] == '4' ? AF_INET : key[3] == '6' ? AF_INET6 : 0;
				if (val->type == YAML_SEQUENCE_NODE) {
					for (yaml_node_item_t *i = val->data.sequence.items.start;
					     r == 0 && i < val->data.sequence.items.top; i++)
						r = add_addr(x, f, node(x, *i), fam);
				} else {
					r = add_addr(x, f, val, fam);
				}
			} else if (!strcmp(key, "state")) {
				const char *st = scalar(val);
				if (!st || (strcmp(st, "up") && strcmp(st, "down")))
					r = bad(x, val,
						"interface '%s': state: expected up or down", name);
				else
					f->down = !strcmp(st, "down");
			} else if (!strcmp(key, "rate")) {
				const char *rs;
				f->rate_set = true;
				f->rate_pos = pos_of(val);
				if ((r = want_scalar(x, val, "rate", &rs)) == 0 &&
				    strcmp(rs, "none") && hk_rate_parse(rs, &f->rate, &e) < 0)
					r = bad(x, val, "interface '%s': rate: %s", name, e.msg);
			} else if (!strcmp(key, "mtu")) {
				const char *s;
				if ((r = want_scalar(x, val, "mtu", &s)) == 0 &&
				    hk_parse_u32(s, 68, 65535, &f->mtu, "mtu", &e) < 0)
					r = bad(x, val, "%s", e.msg);
			} else {
				r = bad(x, node(x, q->key),
					"interface '%s': unknown key '%s' (ipv4, ipv6, addresses, "
					"mtu, state, rate)",
					name, key);
			}
		}
	}
	return r;
}

static int parse_routes(struct px *x, struct hk_lab_node *nd, const yaml_node_t *n)
{
	int r = want_type(x, n, YAML_SEQUENCE_NODE, "routes");
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     r == 0 && i < n->data.sequence.items.top; i++) {
		yaml_node_t *it = node(x, *i);
		const char *s;
		if ((r = want_scalar(x, it, "route", &s)) < 0)
			return r;
		struct hk_lab_route *v = realloc(nd->routes, (nd->nroutes + 1) * sizeof(*v));
		if (!v)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		nd->routes = v;
		struct hk_lab_route *rt = &v[nd->nroutes++];
		*rt = (struct hk_lab_route){ .text = strdup(s), .pos = pos_of(it) };
		char buf[512], *argv[32];
		struct hk_err e;
		snprintf(buf, sizeof(buf), "%s", s);
		int argc = hk_split_args(buf, argv, 32, &e);
		if (!rt->text)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		if (argc <= 0 || hk_route_parse(argc, argv, HK_ROUTE_ADD, &rt->req, &e) < 0)
			return bad(x, it, "route '%s': %s", s, argc ? e.msg : "empty");
	}
	return r;
}

/* sysctls: {net.ipv4.ip_forward: 1}. Only the namespace's own (net.*) and no path tricks. */
static int parse_sysctls(struct px *x, struct hk_lab_node *nd, const yaml_node_t *m)
{
	int r = want_type(x, m, YAML_MAPPING_NODE, "sysctls");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     r == 0 && p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		const char *key = scalar(k), *val = scalar(v);
		if (!key || strncmp(key, "net.", 4) || strstr(key, "..") ||
		    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(key))
			return bad(x, k,
				   "sysctl '%s': only a network namespace's own (net.*) can be set",
				   key ? key : "?");
		if (!val || strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789 -") != strlen(val))
			return bad(x, v, "sysctl '%s': expected a number or a word", key);
		struct hk_lab_kv *nv = realloc(nd->sysctls, (nd->nsysctls + 1) * sizeof(*nv));
		if (!nv)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		nd->sysctls = nv;
		nv[nd->nsysctls++] = (struct hk_lab_kv){ strdup(key), strdup(val), pos_of(k) };
	}
	return r;
}

/* env: {K: V} or [K=V] */
static int parse_env(struct px *x, struct hk_lab_node *nd, const yaml_node_t *n)
{
	if (!n || nd->env)
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return str_list(x, n, "env", &nd->env, &nd->nenv);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(node(x, p->key)), *v = scalar(node(x, p->value));
		if (!k || !v)
			return bad(x, node(x, p->key), "env: expected KEY: VALUE");
		char **nv = realloc(nd->env, (nd->nenv + 2) * sizeof(char *));
		if (!nv)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		nd->env = nv;
		if (asprintf(&nv[nd->nenv], "%s=%s", k, v) < 0)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		nv[++nd->nenv] = NULL;
	}
	return 0;
}

static int set_u32(struct px *x, uint32_t *dst, const yaml_node_t *n, const char *what,
		   uint32_t min, uint32_t max)
{
	if (!n || *dst)
		return 0;
	const char *s;
	struct hk_err e;
	int r = want_scalar(x, n, what, &s);
	if (r == 0 && hk_parse_u32(s, min, max, dst, what, &e) < 0)
		r = bad(x, n, "%s", e.msg);
	return r;
}

/* A vm node's guest: kernel, initrd, append, accel (auto, kvm, tcg), memory (MiB), cpus. */
static int vm_settings(struct px *x, struct hk_lab_node *nd, const yaml_node_t *m)
{
	int r = set_str(x, &nd->kernel, get(x, m, "kernel"), "kernel");
	if (r == 0)
		r = set_str(x, &nd->initrd, get(x, m, "initrd"), "initrd");
	if (r == 0)
		r = set_str(x, &nd->append, get(x, m, "append"), "append");
	const yaml_node_t *a = get(x, m, "accel");
	if (r == 0 && a && !nd->accel) {
		r = set_str(x, &nd->accel, a, "accel");
		if (r == 0 && strcmp(nd->accel, "auto") && strcmp(nd->accel, "kvm") &&
		    strcmp(nd->accel, "tcg"))
			r = bad(x, a, "node '%s': accel '%s': expected auto, kvm or tcg", nd->name,
				nd->accel);
	}
	if (r == 0)
		r = set_u32(x, &nd->memory, get(x, m, "memory"), "memory (MiB)", 32, 1024 * 1024);
	if (r == 0)
		r = set_u32(x, &nd->cpus, get(x, m, "cpus"), "cpus", 1, 255);
	return r;
}

/* The settings a node takes from one place (itself, its group, its kind, the defaults):
 * the first place that gives a setting wins. */
static int node_settings(struct px *x, struct hk_lab_node *nd, const yaml_node_t *m)
{
	if (!m)
		return 0;
	int r = set_str(x, &nd->image, get(x, m, "image"), "image");
	if (r == 0)
		r = set_str(x, &nd->rootfs, get(x, m, "rootfs"), "rootfs");
	if (r == 0)
		r = set_str(x, &nd->cmd, get(x, m, "cmd"), "cmd");
	if (r == 0 && !nd->exec)
		r = str_list(x, get(x, m, "exec"), "exec", &nd->exec, &nd->nexec);
	if (r == 0 && !nd->binds)
		r = str_list(x, get(x, m, "binds"), "binds", &nd->binds, &nd->nbinds);
	if (r == 0 && !nd->cap_add)
		r = str_list(x, get(x, m, "cap-add"), "cap-add", &nd->cap_add, &nd->ncap_add);
	if (r == 0)
		r = parse_env(x, nd, get(x, m, "env"));
	if (r == 0 && nd->kind == HK_LAB_VM)
		r = vm_settings(x, nd, m);
	return r;
}

static int node_kind(struct px *x, const yaml_node_t *where, const char *s, enum hk_lab_kind *ret)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(kinds); i++) {
		if (!strcmp(kinds[i].name, s)) {
			*ret = kinds[i].kind;
			return 0;
		}
	}
	return bad(x, where, "unknown kind '%s' (" KINDS ")", s);
}

/* A vm node: a kernel; no exec or routes (its guest is set up from its kernel command
 * line); of sysctls only net.ipv4.ip_forward, which becomes the guest's (hako.forward=1). */
static int check_vm(struct px *x, struct hk_lab_node *nd, const yaml_node_t *kn,
		    const yaml_node_t *m)
{
	if (!nd->kernel)
		return bad(x, kn, "node '%s': kind vm needs a kernel (kernel: PATH)", nd->name);
	if (nd->nexec)
		return bad(x, get(x, m, "exec"),
			   "node '%s': a vm node takes no exec (its guest's command line: append)",
			   nd->name);
	if (nd->nroutes)
		return bad_at(x, nd->routes[0].pos,
			      "node '%s': a vm node takes no routes (its guest's command line: "
			      "append)",
			      nd->name);
	for (size_t i = 0; i < nd->nsysctls; i++) {
		const struct hk_lab_kv *kv = &nd->sysctls[i];
		if (strcmp(kv->key, "net.ipv4.ip_forward"))
			return bad_at(x, kv->pos,
				      "node '%s': sysctl '%s': a vm node takes only "
				      "net.ipv4.ip_forward (its guest's)",
				      nd->name, kv->key);
		nd->forward = strcmp(kv->value, "0") != 0;
	}
	return 0;
}

/* mgmt-ipv4 / mgmt-ipv6: an address (no length) on the management network. */
static int mgmt_addr(struct px *x, struct hk_lab_node *nd, const yaml_node_t *v, int family,
		     struct hk_prefix *ret, struct hk_lab_pos *pos)
{
	const char *key = family == AF_INET ? "mgmt-ipv4" : "mgmt-ipv6", *s;
	if (!v)
		return 0;
	int r = want_scalar(x, v, key, &s);
	struct hk_err e;
	if (r == 0 && hk_parse_addr(s, family, ret, &e) < 0)
		r = bad(x, v, "node '%s': %s '%s': %s", nd->name, key, s, e.msg);
	*pos = pos_of(v);
	return r;
}

/* A node's place on the management network: network-mode (none: off; from the node, its
 * group, kind or the defaults), mgmt-ipv4, mgmt-ipv6 (the node's own). */
static int node_mgmt(struct px *x, struct hk_lab_node *nd, const yaml_node_t *m,
		     const yaml_node_t *const *order, size_t norder)
{
	for (size_t i = 0; i < norder; i++) {
		const yaml_node_t *v = get(x, order[i], "network-mode");
		if (!v)
			continue;
		const char *s = scalar(v);
		if (!s || (strcmp(s, "none") && strcmp(s, "bridge")))
			return bad(x, v, "node '%s': network-mode '%s': expected none or bridge",
				   nd->name, s ? s : "?");
		nd->no_mgmt = !strcmp(s, "none");
		break;
	}
	int r = mgmt_addr(x, nd, get(x, m, "mgmt-ipv4"), AF_INET, &nd->mgmt4, &nd->mgmt4_pos);
	if (r == 0)
		r = mgmt_addr(x, nd, get(x, m, "mgmt-ipv6"), AF_INET6, &nd->mgmt6, &nd->mgmt6_pos);
	if (r < 0)
		return r;
	if ((nd->mgmt4.family || nd->mgmt6.family) && (nd->kind != HK_LAB_LINUX || nd->no_mgmt))
		return bad_at(x, nd->mgmt4.family ? nd->mgmt4_pos : nd->mgmt6_pos,
			      "node '%s': only a linux node on the management network has a "
			      "management address",
			      nd->name);
	return 0;
}

static int parse_node(struct px *x, const yaml_node_t *topo, const yaml_node_t *k,
		      const yaml_node_t *m, struct hk_lab_node *nd)
{
	const char *name = scalar(k);
	if (!name || !valid_name(name, HK_LAB_NODE_MAX))
		return bad(x, k, "node name '%s': letters, digits, '_', '.', '-', at most %d",
			   name ? name : "?", HK_LAB_NODE_MAX);
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->pos = pos_of(k);
	nd->declared = true;
	if (m && m->type == YAML_SCALAR_NODE && !*scalar(m))
		m = NULL; /* "node:" with nothing: every setting from elsewhere */
	if (m && m->type != YAML_MAPPING_NODE)
		return want_type(x, m, YAML_MAPPING_NODE, "node");
	const yaml_node_t *group = NULL;
	const yaml_node_t *gname = get(x, m, "group");
	if (gname) {
		const char *g = scalar(gname);
		group = g ? get(x, get(x, topo, "groups"), g) : NULL;
		if (!group)
			return bad(x, gname, "node '%s': no such group '%s'", name, g ? g : "?");
	}
	const yaml_node_t *defaults = get(x, topo, "defaults");
	const yaml_node_t *kn = get(x, m, "kind");
	if (!kn)
		kn = get(x, group, "kind");
	if (!kn)
		kn = get(x, defaults, "kind");
	if (!kn)
		return bad(x, k, "node '%s': no kind (" KINDS ")", name);
	const char *ks;
	int r = want_scalar(x, kn, "kind", &ks);
	if (r == 0)
		r = node_kind(x, kn, ks, &nd->kind);
	if (r < 0)
		return r;
	nd->kind_pos = pos_of(kn);
	const yaml_node_t *order[] = { m, group, get(x, get(x, topo, "kinds"), ks), defaults };
	for (size_t i = 0; r == 0 && i < HK_ARRAY_SIZE(order); i++)
		r = node_settings(x, nd, order[i]);
	const yaml_node_t *v;
	if (r == 0 && (v = get(x, m, "interfaces")))
		r = parse_interfaces(x, nd, v);
	if (r == 0 && (v = get(x, m, "routes")))
		r = parse_routes(x, nd, v);
	if (r == 0 && (v = get(x, m, "sysctls")))
		r = parse_sysctls(x, nd, v);
	if (r == 0 && (v = get(x, m, "host"))) {
		const char *hs = scalar(v);
		if (!hs || !hk_lab_host_find(x->lab, hs))
			return bad(x, v, "node '%s': no such host '%s' in topology.hosts", name,
				   hs ? hs : "?");
		snprintf(nd->host, sizeof(nd->host), "%s", hs);
	}
	if (r == 0)
		r = node_mgmt(x, nd, m, order, HK_ARRAY_SIZE(order));
	if (r == 0 && (v = get(x, m, "state"))) {
		const char *st = scalar(v);
		if (!st || (strcmp(st, "running") && strcmp(st, "stopped")))
			return bad(x, v, "node '%s': state: expected running or stopped", name);
		nd->stopped = !strcmp(st, "stopped");
	}
	if (r == 0 && x->lab->nhosts && !nd->host[0])
		return bad(x, k, "node '%s': the lab spans hosts: say which one runs it (host:)",
			   name);
	if (r < 0)
		return r;
	if (nd->kind == HK_LAB_LINUX && !nd->image && !nd->rootfs)
		return bad(x, kn, "node '%s': kind linux needs an image or a rootfs", name);
	if (nd->kind == HK_LAB_VM)
		return check_vm(x, nd, kn, m);
	for (size_t i = 0; i < HK_ARRAY_SIZE(vm_keys); i++)
		if ((v = get(x, m, vm_keys[i])))
			return bad(x, v, "node '%s': %s is for kind vm, not %s", name, vm_keys[i],
				   ks);
	if (nd->kind != HK_LAB_LINUX && (nd->nexec || nd->routes || nd->sysctls) &&
	    nd->kind != HK_LAB_NETNS)
		return bad(x, k, "node '%s': a %s node takes no exec, routes or sysctls", name, ks);
	return 0;
}

static struct hk_lab_node *add_node(struct hk_lab *lab)
{
	struct hk_lab_node *v = realloc(lab->nodes, (lab->nnodes + 1) * sizeof(*v));
	if (!v)
		return NULL;
	lab->nodes = v;
	struct hk_lab_node *n = &v[lab->nnodes++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* topology.hosts: {NAME: {address: IP}} */
static int parse_hosts(struct px *x, const yaml_node_t *topo)
{
	const yaml_node_t *m = get(x, topo, "hosts");
	if (!m)
		return 0;
	int r = want_type(x, m, YAML_MAPPING_NODE, "hosts");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     r == 0 && p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		const char *name = scalar(k), *a = scalar(get(x, v, "address"));
		struct hk_err e;
		struct hk_prefix addr;
		if (!name || !valid_name(name, HK_LAB_NODE_MAX))
			return bad(x, k, "host name '%s': letters, digits, '_', '.', '-'",
				   name ? name : "?");
		if (hk_lab_host_find(x->lab, name))
			return bad(x, k, "host '%s' is defined twice", name);
		if (!a)
			return bad(x, v, "host '%s': expected address: IP", name);
		if (hk_parse_addr(a, 0, &addr, &e) < 0)
			return bad(x, get(x, v, "address"), "host '%s': %s", name, e.msg);
		struct hk_lab *lab = x->lab;
		struct hk_lab_host *nv = realloc(lab->hosts, (lab->nhosts + 1) * sizeof(*nv));
		if (!nv)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		lab->hosts = nv;
		nv[lab->nhosts] = (struct hk_lab_host){ .addr = addr, .pos = pos_of(k) };
		snprintf(nv[lab->nhosts++].name, sizeof(nv->name), "%s", name);
	}
	return r;
}

static int parse_nodes(struct px *x, const yaml_node_t *topo)
{
	const yaml_node_t *m = get(x, topo, "nodes");
	if (!m)
		return 0;
	int r = want_type(x, m, YAML_MAPPING_NODE, "nodes");
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     r == 0 && p < m->data.mapping.pairs.top; p++) {
		const char *name = scalar(node(x, p->key));
		if (name && hk_lab_node_find(x->lab, name) >= 0)
			return bad(x, node(x, p->key), "node '%s' is defined twice", name);
		struct hk_lab_node *nd = add_node(x->lab);
		if (!nd)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		r = parse_node(x, topo, node(x, p->key), node(x, p->value), nd);
	}
	return r;
}

/* "NODE:IF" of a link: the node (the host's, made on first use), its interface. */
static int endpoint(struct px *x, const yaml_node_t *n, size_t link, struct hk_lab_ep *ret)
{
	const char *s;
	int r = want_scalar(x, n, "endpoint", &s);
	if (r < 0)
		return r;
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1])
		return bad(x, n, "endpoint '%s': expected NODE:INTERFACE", s);
	char name[HK_LAB_NODE_MAX + 1];
	if ((size_t)(colon - s) > HK_LAB_NODE_MAX)
		return bad(x, n, "endpoint '%s': no such node", s);
	snprintf(name, sizeof(name), "%.*s", (int)(colon - s), s);
	long ni = hk_lab_node_find(x->lab, name);
	if (ni < 0 && !strcmp(name, "host")) {
		struct hk_lab_node *h = add_node(x->lab);
		if (!h)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		snprintf(h->name, sizeof(h->name), "host");
		h->kind = HK_LAB_HOST;
		ni = (long)x->lab->nnodes - 1;
	}
	if (ni < 0)
		return bad(x, n, "endpoint '%s': no such node '%s'", s, name);
	struct hk_lab_node *nd = &x->lab->nodes[ni];
	struct hk_err e;
	if (hk_parse_ifname(colon + 1, &e) < 0)
		return bad(x, n, "endpoint '%s': %s", s, e.msg);
	struct hk_lab_if *f = iface_get(nd, colon + 1, true);
	if (!f)
		return hk_err_sys(x->err, -ENOMEM, "lab");
	if (f->link >= 0)
		return bad(x, n, "endpoint '%s' is already used by the link at line %u", s,
			   x->lab->links[f->link].pos.line);
	f->link = (long)link;
	if (!f->pos.line)
		f->pos = pos_of(n);
	*ret = (struct hk_lab_ep){ (size_t)ni, (size_t)(f - nd->ifs) };
	return 0;
}

static int parse_impair(struct px *x, struct hk_lab_link *l, const yaml_node_t *m)
{
	static const char *const keys[] = { "rate", "delay", "jitter", "loss", "corrupt" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(keys); i++) {
		const yaml_node_t *v = get(x, m, keys[i]);
		if (!v)
			continue;
		const char *s;
		struct hk_err e;
		int r = want_scalar(x, v, keys[i], &s);
		if (r < 0)
			return r;
		switch (i) {
		case 0:
			r = hk_rate_parse(s, &l->imp.rate, &e);
			break;
		case 1:
			r = hk_time_parse(s, &l->imp.delay, &e);
			break;
		case 2:
			r = hk_time_parse(s, &l->imp.jitter, &e);
			break;
		case 3:
			r = hk_percent_parse(s, &l->imp.loss, &e);
			break;
		default:
			r = hk_percent_parse(s, &l->imp.corrupt, &e);
		}
		if (r < 0)
			return bad(x, v, "%s: %s", keys[i], e.msg);
		if (!l->imp_pos.line || i > 0)
			l->imp_pos = pos_of(v);
	}
	return 0;
}

static int parse_links(struct px *x, const yaml_node_t *topo)
{
	const yaml_node_t *s = get(x, topo, "links");
	if (!s)
		return 0;
	int r = want_type(x, s, YAML_SEQUENCE_NODE, "links");
	for (yaml_node_item_t *i = s->data.sequence.items.start;
	     r == 0 && i < s->data.sequence.items.top; i++) {
		yaml_node_t *m = node(x, *i);
		if ((r = want_type(x, m, YAML_MAPPING_NODE, "link")) < 0)
			return r;
		yaml_node_t *eps = get(x, m, "endpoints");
		if (!eps || eps->type != YAML_SEQUENCE_NODE ||
		    eps->data.sequence.items.top - eps->data.sequence.items.start != 2)
			return bad(x, eps ? eps : m,
				   "link: expected endpoints: [\"A:IF\", \"B:IF\"]");
		struct hk_lab *lab = x->lab;
		struct hk_lab_link *v = realloc(lab->links, (lab->nlinks + 1) * sizeof(*v));
		if (!v)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		lab->links = v;
		struct hk_lab_link *l = &v[lab->nlinks];
		*l = (struct hk_lab_link){ .pos = pos_of(m) };
		lab->nlinks++;
		for (int k = 0; r == 0 && k < 2; k++)
			r = endpoint(x, node(x, eps->data.sequence.items.start[k]), lab->nlinks - 1,
				     &l->ep[k]);
		if (r < 0)
			return r;
		if (lab->nodes[l->ep[0].node].kind == HK_LAB_HOST &&
		    lab->nodes[l->ep[1].node].kind == HK_LAB_HOST)
			return bad(x, eps, "link: both ends on the host");
		const yaml_node_t *mtu = get(x, m, "mtu");
		const char *ms;
		struct hk_err e;
		if (mtu && ((r = want_scalar(x, mtu, "mtu", &ms)) < 0 ||
			    hk_parse_u32(ms, 68, 65535, &l->mtu, "mtu", &e) < 0))
			return r < 0 ? r : bad(x, mtu, "%s", e.msg);
		r = parse_impair(x, l, m);
	}
	return r;
}

/* Checks across the whole file: interfaces given addresses but on no link, the same
 * address twice, routes through devices the node does not have. */
static int check(struct px *x)
{
	struct hk_lab *lab = x->lab;
	for (size_t a = 0; a < lab->nnodes; a++) {
		struct hk_lab_node *nd = &lab->nodes[a];
		if (nd->kind == HK_LAB_VM && nd->nifs > HK_VM_NICS_MAX)
			return bad_at(x, nd->ifs[HK_VM_NICS_MAX].pos,
				      "node '%s': a vm node has at most %d interfaces", nd->name,
				      HK_VM_NICS_MAX);
		for (size_t i = 0; i < nd->nifs; i++) {
			struct hk_lab_if *f = &nd->ifs[i];
			if (f->link < 0 &&
			    !(nd->kind == HK_LAB_BRIDGE && !strcmp(f->name, nd->name)))
				return bad_at(x, f->pos, "node '%s': interface '%s' is on no link",
					      nd->name, f->name);
			if (nd->kind == HK_LAB_LINUX && !nd->no_mgmt &&
			    !strcmp(f->name, HK_LAB_MGMT_IF))
				return bad_at(x, f->pos,
					      "node '%s': %s is a linux node's management "
					      "interface: use eth1, eth2, ... (or network-mode: "
					      "none)",
					      nd->name, HK_LAB_MGMT_IF);
			for (size_t k = 0; k < f->naddr; k++) {
				/* against every address seen before this one */
				for (size_t b = 0; b <= a; b++) {
					struct hk_lab_node *o = &lab->nodes[b];
					for (size_t j = 0; j < o->nifs; j++) {
						struct hk_lab_if *g = &o->ifs[j];
						for (size_t l = 0; l < g->naddr; l++) {
							if (g == f && l >= k)
								break;
							if (b == a && j > i)
								break;
							if (g->addr[l].family !=
								    f->addr[k].family ||
							    memcmp(g->addr[l].addr.raw,
								   f->addr[k].addr.raw, 16))
								continue;
							char buf[64];
							return bad_at(x, f->pos,
								      "node '%s': interface '%s': "
								      "address %s "
								      "collides with %s:%s",
								      nd->name, f->name,
								      hk_prefix_str(&f->addr[k],
										    buf,
										    sizeof(buf)),
								      o->name, g->name);
						}
					}
				}
			}
		}
		for (size_t i = 0; i < nd->nroutes; i++) {
			const char *dev = nd->routes[i].req.dev;
			if (dev[0] && strcmp(dev, "lo") && !iface_get(nd, dev, false))
				return bad_at(x, nd->routes[i].pos,
					      "node '%s': route '%s': no interface '%s'", nd->name,
					      nd->routes[i].text, dev);
		}
	}
	return 0;
}

/* mgmt: {network: NAME, ipv4-subnet: A/LEN, ipv6-subnet: A/LEN} (containerlab's; its other
 * keys, like ipv4-gw or bridge, are accepted and ignored). */
static int parse_mgmt(struct px *x, const yaml_node_t *m)
{
	if (!m)
		return 0;
	int r = want_type(x, m, YAML_MAPPING_NODE, "mgmt");
	struct hk_lab_mgmt *g = &x->lab->mgmt;
	const yaml_node_t *v = get(x, m, "network");
	const char *s;
	struct hk_err e;
	if (r == 0 && v) {
		if ((r = want_scalar(x, v, "mgmt.network", &s)) < 0)
			return r;
		if (!valid_name(s, HK_LAB_NET_MAX) || !strcmp(s, "none") || !strcmp(s, "host") ||
		    !strcmp(s, "bridge") || !strcmp(s, "default") || !strcmp(s, "new"))
			return bad(
				x, v,
				"mgmt.network '%s': a hako network's name (letters, digits, "
				"'_', '.', '-', at most %d; not none, host, bridge, default, new)",
				s, HK_LAB_NET_MAX);
		snprintf(g->network, sizeof(g->network), "%s", s);
		g->network_pos = pos_of(v);
	}
	static const char *const keys[] = { "ipv4-subnet", "ipv6-subnet" };
	for (int k = 0; r == 0 && k < 2; k++) {
		if (!(v = get(x, m, keys[k])))
			continue;
		struct hk_prefix *p = k ? &g->sub6 : &g->sub4;
		struct hk_ipam_pool pool;
		if ((r = want_scalar(x, v, keys[k], &s)) < 0)
			return r;
		if (hk_parse_prefix(s, k ? AF_INET6 : AF_INET, p, &e) < 0 || !p->has_len ||
		    hk_ipam_pool_init(&pool, p, NULL, NULL, false, &e) < 0)
			return bad(x, v, "mgmt.%s '%s': %s", keys[k], s,
				   p->has_len ? e.msg : "expected ADDRESS/LENGTH");
		*(k ? &g->sub6_pos : &g->sub4_pos) = pos_of(v);
	}
	return r;
}

/* The management addresses the file pins: each inside the file's subnet (when it gives
 * one), not its network, broadcast or gateway address, and no two alike. */
static int check_mgmt(struct px *x)
{
	struct hk_lab *lab = x->lab;
	for (int fam = 0; fam < 2; fam++) {
		const struct hk_prefix *sub = fam ? &lab->mgmt.sub6 : &lab->mgmt.sub4;
		struct hk_ipam_pool pool;
		struct hk_err e;
		if (sub->family && hk_ipam_pool_init(&pool, sub, NULL, NULL, false, &e) < 0)
			return hk_err_usage(x->err, "mgmt: %s", e.msg);
		_cleanup_free_ struct hk_prefix *taken = calloc(lab->nnodes + 1, sizeof(*taken));
		size_t nt = 0;
		if (!taken)
			return hk_err_sys(x->err, -ENOMEM, "lab");
		for (size_t i = 0; i < lab->nnodes; i++) {
			const struct hk_lab_node *nd = &lab->nodes[i];
			const struct hk_prefix *a = fam ? &nd->mgmt6 : &nd->mgmt4;
			struct hk_lab_pos pos = fam ? nd->mgmt6_pos : nd->mgmt4_pos;
			if (!a->family)
				continue;
			char buf[64];
			inet_ntop(a->family, a->addr.raw, buf, sizeof(buf));
			for (size_t k = 0; k < nt; k++)
				if (!memcmp(taken[k].addr.raw, a->addr.raw, 16))
					return bad_at(x, pos,
						      "node '%s': mgmt-ipv%c %s: already another "
						      "node's",
						      nd->name, fam ? '6' : '4', buf);
			if (sub->family && hk_ipam_check(&pool, a, NULL, 0, &e) < 0)
				return bad_at(x, pos, "node '%s': mgmt-ipv%c %s: %s", nd->name,
					      fam ? '6' : '4', buf, e.msg);
			taken[nt++] = *a;
		}
	}
	return 0;
}

static int parse_doc(struct px *x)
{
	yaml_node_t *root = yaml_document_get_root_node(x->doc);
	if (!root)
		return hk_err_usage(x->err, "%s:1:1: the file is empty", x->file);
	int r = want_type(x, root, YAML_MAPPING_NODE, "lab file");
	if (r < 0)
		return r;
	const yaml_node_t *nm = get(x, root, "name");
	const char *name;
	if (!nm)
		return bad(x, root, "no 'name'");
	if ((r = want_scalar(x, nm, "name", &name)) < 0)
		return r;
	if (!valid_name(name, HK_LAB_NAME_MAX))
		return bad(x, nm, "lab name '%s': letters, digits, '_', '.', '-', at most %d", name,
			   HK_LAB_NAME_MAX);
	snprintf(x->lab->name, sizeof(x->lab->name), "%s", name);
	const yaml_node_t *topo = get(x, root, "topology");
	if (!topo)
		return bad(x, root, "no 'topology'");
	if ((r = want_type(x, topo, YAML_MAPPING_NODE, "topology")) < 0)
		return r;
	r = parse_mgmt(x, get(x, root, "mgmt"));
	if (r == 0)
		r = parse_hosts(x, topo);
	if (r == 0)
		r = parse_nodes(x, topo);
	if (r == 0)
		r = parse_links(x, topo);
	if (r == 0)
		r = check(x);
	return r < 0 ? r : check_mgmt(x);
}

int hk_lab_parse(const char *file, const char *dir, const char *text, struct hk_lab *ret,
		 struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->file = strdup(file);
	ret->dir = strdup(dir);
	ret->text = strdup(text);
	if (!ret->file || !ret->dir || !ret->text)
		return hk_err_sys(err, -ENOMEM, "lab");
	yaml_parser_t p;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&p))
		return hk_err_sys(err, -ENOMEM, "lab: yaml");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	int r = 0;
	if (!yaml_parser_load(&p, &doc)) {
		r = hk_err_usage(err, "%s:%zu:%zu: %s%s%s", file, p.problem_mark.line + 1,
				 p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
				 p.context ? " " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return r;
	}
	struct px x = { .file = file, .doc = &doc, .err = err, .lab = ret };
	r = parse_doc(&x);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return r;
}

/* --- lab save: the file with runtime changes ------------------------------------------ */

/* The value node of key in mapping id (0 none). */
static int map_get(yaml_document_t *doc, int id, const char *key)
{
	yaml_node_t *m = yaml_document_get_node(doc, id);
	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		if (k && !strcmp(k, key))
			return p->value;
	}
	return 0;
}

/* Set key in mapping id to value (a node id), replacing the value it had. */
static int map_set(yaml_document_t *doc, int id, const char *key, int value)
{
	yaml_node_t *m = yaml_document_get_node(doc, id);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		if (k && !strcmp(k, key)) {
			p->value = value;
			return 0;
		}
	}
	int k = yaml_document_add_scalar(doc, NULL, (yaml_char_t *)key, -1,
					 YAML_PLAIN_SCALAR_STYLE);
	return k && yaml_document_append_mapping_pair(doc, id, k, value) ? 0 : -ENOMEM;
}

/* The mapping under key in mapping id, made (or put in place of a value that is none) when
 * missing; 0 on failure. */
static int map_sub(yaml_document_t *doc, int id, const char *key)
{
	int v = map_get(doc, id, key);
	yaml_node_t *n = v ? yaml_document_get_node(doc, v) : NULL;
	if (n && n->type == YAML_MAPPING_NODE)
		return v;
	if (n && !(n->type == YAML_SCALAR_NODE && !n->data.scalar.length))
		return 0; /* something else is there: not ours to replace */
	v = yaml_document_add_mapping(doc, NULL, YAML_ANY_MAPPING_STYLE);
	return v && map_set(doc, id, key, v) == 0 ? v : 0;
}

struct outbuf {
	char *p;
	size_t n, cap;
};

static int out_write(void *data, unsigned char *buf, size_t size)
{
	struct outbuf *o = data;
	if (o->n + size + 1 > o->cap) {
		size_t cap = (o->n + size + 1) * 2;
		char *np = realloc(o->p, cap);
		if (!np)
			return 0;
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->n, buf, size);
	o->n += size;
	o->p[o->n] = 0;
	return 1;
}

int hk_lab_edit_text(const struct hk_lab *lab, const struct hk_lab_edit *e, size_t n, char **ret,
		     struct hk_err *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&p))
		return hk_err_sys(err, -ENOMEM, "lab: yaml");
	yaml_parser_set_input_string(&p, (const unsigned char *)lab->text, strlen(lab->text));
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return hk_err_usage(err, "lab '%s': its file no longer parses", lab->name);
	}
	yaml_parser_delete(&p);
	int r = 0, root = 1; /* the root is the document's first node */
	int nodes = map_get(&doc, map_get(&doc, root, "topology"), "nodes");
	for (size_t i = 0; r == 0 && i < n; i++) {
		int nd = map_sub(&doc, nodes, e[i].node), at = nd;
		if (at && e[i].iface)
			at = map_sub(&doc, map_sub(&doc, nd, "interfaces"), e[i].iface);
		int v = yaml_document_add_scalar(&doc, NULL, (yaml_char_t *)e[i].value, -1,
						 YAML_PLAIN_SCALAR_STYLE);
		if (!nodes || !at || !v || map_set(&doc, at, e[i].key, v) < 0)
			r = hk_err_set(err, -EINVAL, "lab '%s': node '%s'%s%s: cannot set %s",
				       lab->name, e[i].node, e[i].iface ? " interface " : "",
				       e[i].iface ? e[i].iface : "", e[i].key);
	}
	if (r < 0) {
		yaml_document_delete(&doc);
		return r;
	}
	yaml_emitter_t em;
	struct outbuf o = { 0 };
	if (!yaml_emitter_initialize(&em)) {
		yaml_document_delete(&doc);
		return hk_err_sys(err, -ENOMEM, "lab: yaml");
	}
	yaml_emitter_set_output(&em, out_write, &o);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	/* dump frees the document's nodes (and empties its stack: the delete after it frees
	 * only what is left) */
	bool ok = yaml_emitter_open(&em) && yaml_emitter_dump(&em, &doc) && yaml_emitter_close(&em);
	char problem[128];
	snprintf(problem, sizeof(problem), "%s", em.problem ? em.problem : "failed");
	yaml_document_delete(&doc);
	yaml_emitter_delete(&em);
	if (!ok || !o.p) {
		free(o.p);
		return hk_err_set(err, -EIO, "lab '%s': writing the file: %s", lab->name, problem);
	}
	*ret = o.p;
	return 0;
}
