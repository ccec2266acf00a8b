// SPDX-License-Identifier: MIT
/*
 * hako network create|ls|inspect|rm|prune|connect|disconnect: Docker-style networks
 * (src/lib/network/network.h). Everything is validated before anything changes; changes to networks
 * and attachments are serialized by the library's lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "gotmpl.h"
#include "ct.h"
#include "netrun.h"
#include "network.h"
#include "out.h"

/* ct_open, then the repair of networks and attachments a killed hako left (hk_ct_reconcile
 * only tries it, so that other commands carry on), whose failure network commands report. */
static int net_open(struct hk_ctx *ctx, struct hk_paths *p, struct hk_store **st)
{
	int r = ct_open(ctx, p, st);
	if (r == 0 && (r = hk_network_reconcile(*st, p, &ctx->err)) < 0) {
		hk_store_close(*st);
		*st = NULL;
	}
	return r;
}

static int set_str(struct hk_ctx *ctx, char *dst, size_t len, const char *v, const char *what)
{
	if (strlen(v) >= len)
		return cmd_usage(ctx, "network: %s '%s' is too long", what, v);
	snprintf(dst, len, "%s", v);
	return 0;
}

enum { OPT_INTERNAL = 0x100, OPT_IPV6, OPT_SUBNET, OPT_GATEWAY, OPT_IP_RANGE, OPT_PARENT, OPT_MTU };

static const struct option create_opts[] = {
	{ "driver", required_argument, NULL, 'd' },
	{ "subnet", required_argument, NULL, OPT_SUBNET },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "ip-range", required_argument, NULL, OPT_IP_RANGE },
	{ "internal", no_argument, NULL, OPT_INTERNAL },
	{ "parent", required_argument, NULL, OPT_PARENT },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "ipv6", no_argument, NULL, OPT_IPV6 },
	{},
};

static int create_opt(struct hk_ctx *ctx, struct hk_net_row *n, bool *ipv6, int c, const char *v)
{
	bool six = v && strchr(v, ':');
	switch (c) {
	case OPT_INTERNAL:
		n->internal = true;
		return 0;
	case OPT_IPV6:
		*ipv6 = true;
		return 0;
	case 'd':
		return set_str(ctx, n->driver, sizeof(n->driver), v, "--driver");
	case OPT_SUBNET:
		return six ? set_str(ctx, n->subnet6, sizeof(n->subnet6), v, "--subnet")
			   : set_str(ctx, n->subnet, sizeof(n->subnet), v, "--subnet");
	case OPT_GATEWAY:
		return six ? set_str(ctx, n->gateway6, sizeof(n->gateway6), v, "--gateway")
			   : set_str(ctx, n->gateway, sizeof(n->gateway), v, "--gateway");
	case OPT_IP_RANGE:
		return set_str(ctx, n->iprange, sizeof(n->iprange), v, "--ip-range");
	case OPT_PARENT:
		return set_str(ctx, n->parent, sizeof(n->parent), v, "--parent");
	case OPT_MTU:
		return hk_parse_u32(v, 68, 65535, &n->mtu, "--mtu", &ctx->err);
	}
	return cmd_usage(ctx, "network create: option %d not handled", c);
}

static int net_create(struct hk_ctx *ctx, int argc, char **argv)
{
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct hk_net_row n = { 0 };
	bool ipv6 = false;
	const char *name = NULL;
	/* "-": NAME before or after the options */
	int c, r = cmd_getopt_init(ctx, &g, "network create", "-:d:", create_opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 1 && name)
			r = cmd_usage(ctx, "network create: unexpected '%s'", optarg);
		else if (c == 1)
			name = optarg;
		else if (c == '?' || c == ':')
			r = cmd_getopt_bad(ctx, &g, c);
		else
			r = create_opt(ctx, &n, &ipv6, c, optarg);
	}
	if (r < 0)
		return r;
	if (!name)
		return cmd_usage(ctx, "network create: missing NAME");
	if (set_str(ctx, n.name, sizeof(n.name), name, "name") < 0)
		return -EINVAL;
	if (n.subnet6[0] && !ipv6)
		return cmd_usage(ctx, "network create: an IPv6 --subnet needs --ipv6");
	if (ipv6 && !n.subnet6[0])
		return cmd_usage(ctx, "network create: --ipv6 needs an IPv6 --subnet");
	if (n.gateway6[0] && !n.subnet6[0])
		return cmd_usage(ctx, "network create: an IPv6 --gateway needs an IPv6 --subnet");
	r = hk_network_check(&n, &ctx->err);
	if (r < 0)
		return r;
	struct hk_paths p;
	struct hk_store *st;
	r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	struct hk_net_notes notes = { 0 };
	r = hk_network_create(st, &p, &n, &notes, &ctx->err);
	hk_store_close(st);
	netrun_notes(&notes);
	if (r == 0)
		printf("%s\n", n.name);
	return r;
}

enum {
	N_NAME,
	N_DRIVER,
	N_SUBNET,
	N_GW,
	N_DEV,
	N_INTERNAL,
	N_CTS,
	N_SUBNET6,
	N_GW6,
	N_MTU,
	N_BRIDGE,
	N_PARENT,
	N_RANGE
};
static const struct out_col net_cols[] = {
	[N_NAME] = { "NAME", "name" },
	[N_DRIVER] = { "DRIVER", "driver" },
	[N_SUBNET] = { "SUBNET", "subnet" },
	[N_GW] = { "GATEWAY", "gateway" },
	[N_DEV] = { "DEVICE", "device" },
	[N_INTERNAL] = { "INTERNAL", "internal" },
	[N_CTS] = { "CONTAINERS", "containers", true },
	[N_SUBNET6] = { "SUBNET6", "subnet6", false, true },
	[N_GW6] = { "GATEWAY6", "gateway6", false, true },
	[N_MTU] = { "MTU", "mtu", true, true },
	[N_BRIDGE] = { "BRIDGE", "bridge", false, true },
	[N_PARENT] = { "PARENT", "parent", false, true },
	[N_RANGE] = { "IP RANGE", "ip_range", false, true },
};

static void net_row(struct out_table *t, const struct hk_net_row *n, size_t cts)
{
	out_row(t);
	out_str(t, N_NAME, n->name);
	out_str(t, N_DRIVER, n->driver);
	out_str(t, N_SUBNET, n->subnet);
	out_str(t, N_GW, n->gateway[0] ? n->gateway : NULL);
	out_str(t, N_DEV, n->bridge[0] ? n->bridge : n->parent);
	out_bool(t, N_INTERNAL, n->internal);
	out_int(t, N_CTS, (int64_t)cts);
	out_str(t, N_SUBNET6, n->subnet6[0] ? n->subnet6 : NULL);
	out_str(t, N_GW6, n->gateway6[0] ? n->gateway6 : NULL);
	if (n->mtu)
		out_int(t, N_MTU, n->mtu);
	out_str(t, N_BRIDGE, n->bridge[0] ? n->bridge : NULL);
	out_str(t, N_PARENT, n->parent[0] ? n->parent : NULL);
	out_str(t, N_RANGE, n->iprange[0] ? n->iprange : NULL);
}

/* network ls --format's object: Docker's keys (a hako network's id is its name) */
static struct json_object *ls_object(const struct hk_net_row *n)
{
	struct json_object *o = json_object_new_object();
	char at[40];
	hk_human_rfc3339(n->created, at, sizeof(at));
	json_object_object_add(o, "ID", json_object_new_string(n->name));
	json_object_object_add(o, "Name", json_object_new_string(n->name));
	json_object_object_add(o, "Driver", json_object_new_string(n->driver));
	json_object_object_add(o, "Scope", json_object_new_string("local"));
	json_object_object_add(o, "IPv6", json_object_new_string(n->subnet6[0] ? "true" : "false"));
	json_object_object_add(o, "Internal",
			       json_object_new_string(n->internal ? "true" : "false"));
	json_object_object_add(o, "Labels", json_object_new_string(""));
	json_object_object_add(o, "CreatedAt", json_object_new_string(at));
	return o;
}

static const struct gotmpl_title ls_titles[] = { { "ID", "NETWORK ID" }, { NULL, NULL } };

static int net_ls(struct hk_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'F' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	bool quiet = false;
	const char *format = NULL;
	int c, r = cmd_getopt_init(ctx, &g, "network ls", "+:q", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'F')
			format = gotmpl_listing(optarg);
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "network ls: unexpected '%s'", argv[g.rest]);
	struct hk_paths p;
	struct hk_store *st;
	struct hk_net_row *nets = NULL;
	struct hk_lease_row *l = NULL;
	size_t n = 0, nl = 0;
	r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	r = hk_netstore_list(st, &nets, &n, &ctx->err);
	if (r == 0)
		r = hk_netstore_leases(st, NULL, NULL, &l, &nl, &ctx->err);
	hk_store_close(st);
	struct out_table *t = out_table_new(net_cols, HK_ARRAY_SIZE(net_cols));
	struct json_object **objs = calloc(n + 1, sizeof(*objs));
	bool tmpl = format && !quiet && !ctx->json;
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (quiet && !ctx->json) {
			printf("%s\n", nets[i].name);
			continue;
		}
		size_t cts = 0;
		for (size_t k = 0; k < nl; k++)
			cts += !strcmp(l[k].net, nets[i].name);
		if (tmpl)
			objs[i] = ls_object(&nets[i]);
		else
			net_row(t, &nets[i], cts);
	}
	if (r == 0 && tmpl)
		r = gotmpl_run(ctx, format, objs, n, ls_titles);
	else if (r == 0 && !(quiet && !ctx->json))
		r = out_table_print(t, ctx->json, ctx->noheadings);
	for (size_t i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	out_table_free(t);
	free(nets);
	free(l);
	return r;
}

/* a string key, absent when empty (docs/json.md: no "" placeholders) */
static void jput(struct json_object *o, const char *k, const char *s)
{
	if (s && *s)
		json_object_object_add(o, k, json_object_new_string(s));
}

/* "a b c" -> ["a", "b", "c"] */
static struct json_object *words(const char *s)
{
	struct json_object *a = json_object_new_array();
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, " ");
		if (n)
			json_object_array_add(a, json_object_new_string_len(p, (int)n));
		p += n + (p[n] == ' ');
	}
	return a;
}

static struct json_object *net_json(const struct hk_net_row *n, const struct hk_lease_row *l,
				    size_t nl)
{
	struct json_object *o = json_object_new_object(), *cts = json_object_new_array();
	jput(o, "name", n->name);
	jput(o, "driver", n->driver);
	jput(o, "bridge", n->bridge);
	jput(o, "parent", n->parent);
	jput(o, "subnet", n->subnet);
	jput(o, "gateway", n->gateway);
	jput(o, "ip_range", n->iprange);
	jput(o, "subnet6", n->subnet6);
	jput(o, "gateway6", n->gateway6);
	json_object_object_add(o, "internal", json_object_new_boolean(n->internal));
	json_object_object_add(o, "mtu", json_object_new_int((int)n->mtu));
	json_object_object_add(o, "created", json_object_new_int64(n->created));
	for (size_t i = 0; i < nl; i++) {
		if (strcmp(l[i].net, n->name))
			continue;
		struct json_object *c = json_object_new_object();
		jput(c, "id", l[i].ct);
		jput(c, "name", l[i].ct_name);
		jput(c, "ifname", l[i].ifname);
		jput(c, "host_ifname", l[i].hostif);
		jput(c, "address", l[i].addr);
		jput(c, "address6", l[i].addr6);
		json_object_object_add(c, "aliases", words(l[i].aliases));
		/* being made or undone right now, or left half-way by a killed hako */
		json_object_object_add(c, "pending", json_object_new_boolean(l[i].owner_pid != 0));
		json_object_array_add(cts, c);
	}
	json_object_object_add(o, "containers", cts);
	return o;
}

static int net_inspect(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "network inspect", &argc, &argv) < 0)
		return -EINVAL;
	if (argc < 1)
		return cmd_usage(ctx, "network inspect: missing NAME");
	struct hk_paths p;
	struct hk_store *st;
	int r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	struct json_object *arr = json_object_new_array();
	for (int i = 0; r == 0 && i < argc; i++) {
		struct hk_net_row n;
		struct hk_lease_row *l = NULL;
		size_t nl = 0;
		r = hk_netstore_get(st, argv[i], &n, &ctx->err);
		if (r == 0)
			r = hk_netstore_leases(st, n.name, NULL, &l, &nl, &ctx->err);
		if (r == 0)
			json_object_array_add(arr, net_json(&n, l, nl));
		free(l);
	}
	hk_store_close(st);
	if (r == 0)
		return out_json_print(arr);
	json_object_put(arr);
	return r;
}

static int net_rm(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "network rm", &argc, &argv) < 0)
		return -EINVAL;
	if (argc < 1)
		return cmd_usage(ctx, "network rm: missing NAME");
	struct hk_paths p;
	struct hk_store *st = NULL;
	int r = net_open(ctx, &p, &st);
	for (int i = 0; r == 0 && i < argc; i++) {
		r = hk_network_remove(st, &p, argv[i], &ctx->err);
		if (r == 0)
			printf("%s\n", argv[i]);
	}
	hk_store_close(st);
	return r;
}

static int net_prune(struct hk_ctx *ctx, int argc, char **argv)
{
	/* -f: accepted (as Docker's), prune never asks */
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	int c, r = cmd_getopt_init(ctx, &g, "network prune", "+:f", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1)
		if (c != 'f')
			r = cmd_getopt_bad(ctx, &g, c);
	if (r < 0)
		return r;
	if (g.rest < argc)
		return cmd_usage(ctx, "network prune: unexpected '%s'", argv[g.rest]);
	struct hk_paths p;
	struct hk_store *st;
	struct hk_net_row *nets = NULL;
	struct hk_lease_row *l = NULL;
	size_t n = 0, nl = 0;
	r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	r = hk_netstore_list(st, &nets, &n, &ctx->err);
	if (r == 0)
		r = hk_netstore_leases(st, NULL, NULL, &l, &nl, &ctx->err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		bool used = false;
		for (size_t k = 0; k < nl; k++)
			used |= !strcmp(l[k].net, nets[i].name);
		if (used)
			continue;
		r = hk_network_remove(st, &p, nets[i].name, &ctx->err);
		if (r == -EBUSY) { /* a container joined meanwhile */
			hk_err_clear(&ctx->err);
			r = 0;
		} else if (r == 0) {
			printf("%s\n", nets[i].name);
		}
	}
	hk_store_close(st);
	free(nets);
	free(l);
	return r;
}

static int running_ct(struct hk_ctx *ctx, struct hk_store *st, const char *key, struct hk_ct_row *c)
{
	int r = hk_store_get(st, key, c, &ctx->err);
	if (r == -ENOENT)
		hk_err_class_set(&ctx->err, HK_ERR_NOTFOUND);
	if (r < 0)
		return r;
	if (strcmp(c->state, HK_CT_RUNNING))
		r = hk_err_set(&ctx->err, -ESRCH, "container '%s' is not running", c->name);
	else if (strcmp(c->net, "new"))
		r = cmd_usage(ctx,
			      "container '%s' has --net %s: only containers with their own "
			      "network namespace join networks",
			      c->name, c->net);
	if (r < 0)
		hk_ct_row_free(c);
	return r;
}

static int net_connect(struct hk_ctx *ctx, int argc, char **argv)
{
	/* as hako run's (cmd_netrun.c) */
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, NETRUN_IP },
		{ "alias", required_argument, NULL, NETRUN_ALIAS },
		{ "network-alias", required_argument, NULL, NETRUN_ALIAS },
		{ "publish", required_argument, NULL, NETRUN_PUBLISH },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	struct netrun o = { 0 };
	const char *pos[2];
	int npos = 0, opt,
	    r = cmd_getopt_init(ctx, &g, "network connect", "-:p:", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 1 && npos == 2)
			r = cmd_usage(ctx, "network connect: unexpected '%s'", optarg);
		else if (opt == 1)
			pos[npos++] = optarg;
		else if (opt == NETRUN_IP || opt == NETRUN_ALIAS || opt == NETRUN_PUBLISH)
			r = netrun_set(ctx, &o, opt, optarg);
		else
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	if (npos != 2)
		return cmd_usage(ctx, "network connect: expected NET CT");
	if (netrun_network(ctx, &o, pos[0]) < 0)
		return -EINVAL;
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row c;
	r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	r = running_ct(ctx, st, pos[1], &c);
	if (r == 0) {
		r = netrun_attach(ctx, &o, st, &p, &c);
		if (r == 0) /* joined again by a start (hako start) */
			netrun_remember(st, &o, c.id);
		hk_ct_row_free(&c);
	}
	hk_store_close(st);
	return r;
}

static int net_disconnect(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "network disconnect", &argc, &argv) < 0)
		return -EINVAL;
	if (argc != 2)
		return cmd_usage(ctx, "network disconnect: expected NET CT");
	struct hk_paths p;
	struct hk_store *st;
	struct hk_ct_row c;
	struct hk_net_row n;
	int r = net_open(ctx, &p, &st);
	if (r < 0)
		return r;
	r = hk_netstore_get(st, argv[0], &n, &ctx->err);
	if (r == 0)
		r = hk_store_get(st, argv[1], &c, &ctx->err);
	if (r == -ENOENT)
		hk_err_class_set(&ctx->err, HK_ERR_NOTFOUND);
	if (r == 0) {
		struct hk_lease_row *l = NULL;
		size_t nl = 0;
		r = hk_netstore_leases(st, n.name, c.id, &l, &nl, &ctx->err);
		free(l);
		if (r == 0 && nl == 0)
			r = cmd_usage(ctx, "container '%s' is not connected to network '%s'",
				      c.name, n.name);
		if (r == 0)
			r = hk_network_disconnect(st, &p, c.id, n.name, &ctx->err);
		if (r == 0)
			netrun_forget(st, n.name, c.id);
		hk_ct_row_free(&c);
	}
	hk_store_close(st);
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "create", NULL, net_create },		{ "ls", "list", net_ls },
	{ "inspect", NULL, net_inspect },	{ "rm", "remove", net_rm },
	{ "prune", NULL, net_prune },		{ "connect", NULL, net_connect },
	{ "disconnect", NULL, net_disconnect },
};

int cmd_network(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "network", verbs, HK_ARRAY_SIZE(verbs), "ls", argc, argv);
}
