// SPDX-License-Identifier: MIT
/* hako as a CNI plugin: the six commands (see cni.h). */
#include "cni.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/digest.h"
#include "cniconf.h"
#include "cniipam.h"
#include "link.h"
#include "nat.h"
#include "netlink.h"
#include "network.h"
#include "nsinfo.h"
#include "store.h"
#include "store_net.h"

struct run {
	const struct hk_cni_req *req;
	struct hk_cni_out *out;
	struct hk_cni_conf conf;
	bool local_ipam;
	struct hk_paths paths;
	struct hk_store *st;
	char id[HK_CT_ID_LEN + 1], hostif[16];
	int nsfd;
};

static int fail(struct run *x, int code, int r)
{
	x->out->code = code;
	return r;
}

void hk_cni_attach_id(const char *container_id, const char *ifname, char id[17], char hostif[16])
{
	struct hk_sha256 h;
	char d[HK_DIGEST_MAX];
	hk_sha256_init(&h);
	hk_sha256_update(&h, container_id, strlen(container_id));
	hk_sha256_update(&h, "/", 1);
	hk_sha256_update(&h, ifname, strlen(ifname));
	hk_sha256_final(&h, d);
	snprintf(id, 17, "%.16s", d + strlen(HK_DIGEST_PREFIX));
	snprintf(hostif, 16, "hkn%.12s", id);
}

/* ---- the environment ---- */

static int env_id(struct run *x)
{
	const char *s = x->req->container_id;
	if (!s || !s[0])
		return fail(x, HK_CNI_E_ENV,
			    hk_err_usage(&x->out->err, "CNI_CONTAINERID: missing"));
	bool okc = isalnum((unsigned char)s[0]);
	for (const char *p = s; *p && okc; p++)
		okc = isalnum((unsigned char)*p) || strchr("_.-", *p);
	if (!okc)
		return fail(x, HK_CNI_E_ENV,
			    hk_err_usage(&x->out->err,
					 "CNI_CONTAINERID: '%.64s' is not alphanumeric (then '_', "
					 "'.', '-')",
					 s));
	const char *ifn = x->req->ifname;
	if (!ifn || !ifn[0])
		return fail(x, HK_CNI_E_ENV, hk_err_usage(&x->out->err, "CNI_IFNAME: missing"));
	struct hk_err e;
	if (hk_parse_ifname(ifn, &e) < 0)
		return fail(x, HK_CNI_E_ENV, hk_err_usage(&x->out->err, "CNI_IFNAME: %s", e.msg));
	hk_cni_attach_id(s, ifn, x->id, x->hostif);
	return 0;
}

/* CNI_NETNS opened; required: a missing or unopenable one is an error, else -1 is fine. */
static int env_netns(struct run *x, bool required)
{
	const char *ns = x->req->netns;
	if (!ns || !ns[0])
		return required ? fail(x, HK_CNI_E_ENV,
				       hk_err_usage(&x->out->err, "CNI_NETNS: missing"))
				: 0;
	x->nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (x->nsfd < 0)
		return required ? fail(x, HK_CNI_E_UNKNOWN,
				       hk_err_sys(&x->out->err, -errno, "CNI_NETNS '%s'", ns))
				: 0;
	/* a stale path (the runtime's bind mount gone, the file left) is no namespace */
	enum hk_ns_type t;
	uint64_t ino;
	if (hk_ns_fd_identify(x->nsfd, &t, &ino) == 0 && t == HK_NS_NET)
		return 0;
	close(x->nsfd);
	x->nsfd = -1;
	return required ? fail(x, HK_CNI_E_UNKNOWN,
			       hk_err_set(&x->out->err, -ENOENT,
					  "CNI_NETNS '%s' is not a network namespace", ns))
			: 0;
}

/* CNI_ARGS "K=V;K=V": IP=ADDR asks for a static address (as host-local takes it), unless
 * runtimeConfig.ips gave one; other keys are ignored (IgnoreUnknown or not). */
static int env_args(struct run *x)
{
	const char *s = x->req->args;
	while (s && *s) {
		size_t n = strcspn(s, ";");
		if (n > 3 && !strncmp(s, "IP=", 3) && !x->conf.static_ip[0]) {
			char a[64];
			snprintf(a, sizeof(a), "%.*s", (int)(n - 3 < 63 ? n - 3 : 63), s + 3);
			struct hk_prefix p;
			struct hk_err e;
			if (strchr(a, ',') || hk_parse_addr(a, AF_INET, &p, &e) < 0)
				return fail(
					x, HK_CNI_E_ENV,
					hk_err_usage(&x->out->err,
						     "CNI_ARGS: IP=%s: expected one IPv4 address",
						     a));
			snprintf(x->conf.static_ip, sizeof(x->conf.static_ip), "%s", a);
		}
		s += n + (s[n] == ';');
	}
	return 0;
}

static int store_open(struct run *x)
{
	struct hk_err *err = &x->out->err;
	char db[HK_PATH_MAX + 16];
	const char *root = x->conf.hako_root[0] ? x->conf.hako_root : x->req->root;
	int r = hk_paths_init(&x->paths, root, err);
	if (r == 0) {
		snprintf(db, sizeof(db), "%s/hako.db", x->paths.state);
		r = hk_store_trusted(db, err);
	}
	if (r == 0)
		r = hk_store_open(db, &x->st, err);
	/* a hako (or an ADD) killed half-way: its pending leases and networks are undone */
	if (r == 0)
		r = hk_network_reconcile(x->st, &x->paths, err);
	if (r < 0)
		return fail(x, r == -EBUSY ? HK_CNI_E_AGAIN : HK_CNI_E_IO, r);
	return 0;
}

static int lib_fail(struct run *x, int r)
{
	int code = r == -EBUSY ? HK_CNI_E_AGAIN : HK_CNI_E_INTERNAL;
	if (x->out->err.cls == HK_ERR_USAGE && r != -EADDRINUSE)
		code = HK_CNI_E_CONFIG;
	return fail(x, code, r);
}

/* ---- the network ---- */

static void fmt_prefix(const struct hk_prefix *p, bool len, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN] = "";
	if (!p->family) {
		out[0] = 0;
		return;
	}
	inet_ntop(p->family, p->addr.raw, a, sizeof(a));
	if (len)
		snprintf(out, cap, "%s/%u", a, p->len);
	else
		snprintf(out, cap, "%s", a);
}

/* The config and the recorded network agree on what an attachment depends on. */
static int net_same(struct run *x, const struct hk_net_row *n, const char *subnet,
		    const char *subnet6)
{
	const char *what = NULL, *have = NULL, *want = NULL;
	if (strcmp(n->driver, "bridge"))
		what = "driver", have = n->driver, want = "bridge";
	else if (strcmp(n->subnet, subnet))
		what = "subnet", have = n->subnet, want = subnet;
	else if (strcmp(n->subnet6, subnet6))
		what = "IPv6 subnet", have = n->subnet6[0] ? n->subnet6 : "none",
		want = subnet6[0] ? subnet6 : "none";
	else if (strcmp(n->bridge, x->conf.bridge))
		what = "bridge", have = n->bridge, want = x->conf.bridge;
	else if (n->no_bridge_gw != (!x->conf.is_gateway && !x->conf.is_default_gateway))
		what = "isGateway", have = n->no_bridge_gw ? "false" : "true",
		want = n->no_bridge_gw ? "true" : "false";
	else if (n->no_masq == x->conf.ip_masq)
		what = "ipMasq", have = n->no_masq ? "false" : "true",
		want = x->conf.ip_masq ? "true" : "false";
	if (!what)
		return 0;
	return fail(x, HK_CNI_E_CONFIG,
		    hk_err_usage(&x->out->err,
				 "network '%s': hako network '%s' has %s %s, the configuration "
				 "says %s",
				 x->conf.name, n->name, what, have, want));
}

/* The hako network of the CNI network: made on first use with the config's bridge, ranges
 * and MTU; an existing one must agree. */
static int net_ensure(struct run *x, const struct hk_cni_range *r4, const struct hk_cni_range *r6)
{
	struct hk_err *err = &x->out->err;
	char subnet[64], subnet6[64] = "";
	fmt_prefix(&r4->subnet, true, subnet, sizeof(subnet));
	if (r6)
		fmt_prefix(&r6->subnet, true, subnet6, sizeof(subnet6));
	struct hk_net_row n = { 0 };
	for (int tries = 0; tries < 2; tries++) {
		int r = hk_netstore_get(x->st, x->conf.net, &n, err);
		if (r == 0)
			return net_same(x, &n, subnet, subnet6);
		if (r != -ENOENT)
			return lib_fail(x, r);
		hk_err_clear(err);
		memset(&n, 0, sizeof(n));
		snprintf(n.name, sizeof(n.name), "%s", x->conf.net);
		snprintf(n.driver, sizeof(n.driver), "bridge");
		snprintf(n.subnet, sizeof(n.subnet), "%s", subnet);
		fmt_prefix(&r4->gateway, false, n.gateway, sizeof(n.gateway));
		fmt_prefix(&r4->iprange, true, n.iprange, sizeof(n.iprange));
		if (r6) {
			snprintf(n.subnet6, sizeof(n.subnet6), "%s", subnet6);
			fmt_prefix(&r6->gateway, false, n.gateway6, sizeof(n.gateway6));
		}
		n.mtu = x->conf.mtu;
		n.no_masq = !x->conf.ip_masq;
		n.no_bridge_gw = !x->conf.is_gateway && !x->conf.is_default_gateway;
		r = hk_network_check(&n, err);
		if (r < 0)
			return fail(x, HK_CNI_E_CONFIG,
				    hk_err_prefix(err, "network '%s'", x->conf.name));
		snprintf(n.bridge, sizeof(n.bridge), "%s", x->conf.bridge);
		struct hk_net_notes notes = { 0 };
		r = hk_network_create(x->st, &x->paths, &n, &notes, err);
		if (r == 0)
			return 0;
		/* a concurrent ADD made it first (the name, or the subnet, is taken): compare */
		struct hk_err e;
		if (hk_netstore_get(x->st, x->conf.net, &n, &e) < 0)
			return lib_fail(x, hk_err_prefix(err, "network '%s'", x->conf.name));
		hk_err_clear(err);
	}
	return fail(x, HK_CNI_E_AGAIN, hk_err_set(err, -EAGAIN, "network '%s'", x->conf.name));
}

/* ---- the result ---- */

static void put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void put_iface(json_object *arr, struct hk_nl *nl, const char *name, const char *sandbox)
{
	json_object *o = json_object_new_object();
	put_str(o, "name", name);
	struct hk_link_info *li = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_link_list(nl, name, &li, &n, &e) == 0 && n == 1 && li[0].maclen == 6) {
		char mac[18];
		const uint8_t *m = li[0].mac;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		put_str(o, "mac", mac);
	}
	free(li);
	if (sandbox)
		put_str(o, "sandbox", sandbox);
	json_object_array_add(arr, o);
}

static void put_ip(struct run *x, json_object *arr, const char *addr, const char *subnet,
		   const char *gw, bool six)
{
	json_object *o = json_object_new_object();
	char a[128];
	const char *slash = strchr(subnet, '/');
	snprintf(a, sizeof(a), "%s%s", addr, slash ? slash : "");
	if (hk_cni_version_cmp(x->conf.version, "1.0.0") < 0)
		put_str(o, "version", six ? "6" : "4");
	put_str(o, "address", a);
	if (gw[0])
		put_str(o, "gateway", gw);
	json_object_object_add(o, "interface", json_object_new_int(2));
	json_object_array_add(arr, o);
}

static int result(struct run *x, const struct hk_net_row *n, const struct hk_lease_row *l,
		  const struct hk_net_route *routes, size_t n_routes, json_object *dns)
{
	_cleanup_nl_ struct hk_nl *host = NULL, *ct = NULL;
	struct hk_err e;
	if (hk_nl_open(&host, -1, &e) < 0 || hk_nl_open(&ct, x->nsfd, &e) < 0)
		host = NULL; /* no MACs then */
	json_object *o = json_object_new_object(), *ifs = json_object_new_array(),
		    *ips = json_object_new_array(), *rts = json_object_new_array();
	put_str(o, "cniVersion", x->conf.version);
	if (host) {
		put_iface(ifs, host, n->bridge, NULL);
		put_iface(ifs, host, l->hostif, NULL);
		put_iface(ifs, ct, l->ifname, x->req->netns);
	}
	json_object_object_add(o, "interfaces", ifs);
	put_ip(x, ips, l->addr, n->subnet, n->gateway, false);
	if (l->addr6[0])
		put_ip(x, ips, l->addr6, n->subnet6, n->gateway6, true);
	json_object_object_add(o, "ips", ips);
	for (size_t i = 0; i < n_routes; i++) {
		json_object *r = json_object_new_object();
		char s[80];
		fmt_prefix(&routes[i].dst, true, s, sizeof(s));
		put_str(r, "dst", s);
		if (routes[i].gw.family) {
			fmt_prefix(&routes[i].gw, false, s, sizeof(s));
			put_str(r, "gw", s);
		}
		json_object_array_add(rts, r);
	}
	if (n_routes)
		json_object_object_add(o, "routes", rts);
	else
		json_object_put(rts);
	json_object_object_add(o, "dns", dns ? json_object_get(dns) : json_object_new_object());
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	x->out->json = strdup(s);
	json_object_put(o);
	return x->out->json
		       ? 0
		       : fail(x, HK_CNI_E_INTERNAL, hk_err_sys(&x->out->err, -ENOMEM, "result"));
}

/* ---- the commands ---- */

static int ipam_exec(struct run *x, const char *command, struct hk_cni_ipam_res *res)
{
	int code = 0;
	/* GC and STATUS came with spec 1.1: an ipam plugin that does not list 1.1.0 has
	 * neither (nothing of it to collect or to ask), as libcni skips them */
	if (!strcmp(command, "GC") || !strcmp(command, "STATUS")) {
		bool yes;
		int r = hk_cni_ipam_supports(x->req->path, x->conf.ipam_type, "1.1.0", &yes, &code,
					     &x->out->err);
		if (r < 0)
			return fail(x, code, r);
		if (!yes)
			return 0;
	}
	int r = hk_cni_ipam_exec(x->req->path, x->conf.ipam_type, command, x->req->conf,
				 x->req->conf_len, res, &code, &x->out->err);
	return r < 0 ? fail(x, code, r) : 0;
}

static int cmd_add(struct run *x)
{
	int r = env_id(x);
	if (r == 0)
		r = env_netns(x, true);
	if (r == 0)
		r = env_args(x);
	if (r == 0)
		r = store_open(x);
	if (r < 0)
		return r;
	struct hk_cni_range r4 = x->conf.r4, r6 = x->conf.r6;
	bool has6 = x->conf.has6;
	char ip[64];
	snprintf(ip, sizeof(ip), "%s", x->conf.static_ip);
	struct hk_net_route routes[HK_CNI_MAX_ROUTES];
	size_t n_routes = x->conf.n_routes;
	memcpy(routes, x->conf.routes, sizeof(routes));
	json_object *dns = x->conf.dns;
	struct hk_cni_ipam_res res = { 0 };
	if (!x->local_ipam) {
		if ((r = ipam_exec(x, "ADD", &res)) < 0)
			return r;
		memset(&r4, 0, sizeof(r4));
		r4.subnet = res.addr4;
		hk_prefix_mask(&r4.subnet);
		r4.gateway = res.gw4;
		fmt_prefix(&res.addr4, false, ip, sizeof(ip));
		has6 = false; /* hako leases IPv6 from its own pool only */
		n_routes = 0;
		for (size_t i = 0; i < res.n_routes; i++)
			routes[n_routes++] = res.routes[i];
		for (size_t i = 0; i < x->conf.n_routes && n_routes < HK_CNI_MAX_ROUTES; i++)
			if (x->conf.is_default_gateway && !x->conf.routes[i].dst.len)
				routes[n_routes++] = x->conf.routes[i];
		if (!dns && res.dns)
			dns = res.dns;
	}
	r = net_ensure(x, &r4, has6 ? &r6 : NULL);
	struct hk_net_row n;
	if (r == 0 && (r = hk_netstore_get(x->st, x->conf.net, &n, &x->out->err)) < 0)
		lib_fail(x, r);
	struct hk_lease_row l;
	if (r == 0) {
		struct hk_net_attach a = { .net = x->conf.net,
					   .ip = ip[0] ? ip : NULL,
					   .aliases = "",
					   .ports = x->conf.ports,
					   .n_ports = x->conf.n_ports };
		struct hk_net_ext ext = { .id = x->id,
					  .netns_fd = x->nsfd,
					  .ifname = x->req->ifname,
					  .hostif = x->hostif,
					  .routes = routes,
					  .n_routes = n_routes };
		struct hk_net_notes notes = { 0 };
		r = hk_network_attach_ext(x->st, &x->paths, &a, &ext, &l, &notes, &x->out->err);
		if (r < 0)
			lib_fail(x, r);
	}
	if (r == 0)
		r = result(x, &n, &l, routes, n_routes, dns);
	if (r < 0 && !x->local_ipam) {
		struct hk_cni_out keep = *x->out;
		ipam_exec(x, "DEL", NULL); /* give the address back */
		*x->out = keep;
	}
	hk_cni_ipam_res_free(&res);
	return r;
}

static int cmd_del(struct run *x)
{
	int r = env_id(x);
	if (r == 0)
		r = env_netns(x, false);
	if (r == 0)
		r = store_open(x);
	if (r < 0)
		return r;
	r = hk_network_detach_ext(x->st, &x->paths, x->conf.net, x->id, x->nsfd, x->req->ifname,
				  &x->out->err);
	if (r < 0)
		return lib_fail(x, r);
	return x->local_ipam ? 0 : ipam_exec(x, "DEL", NULL);
}

static int check_fail(struct run *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int check_fail(struct run *x, const char *fmt, ...)
{
	char msg[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hk_err_set(&x->out->err, -EIO, "CHECK: %s", msg);
	return fail(x, HK_CNI_E_INTERNAL, -EIO);
}

static bool has_addr(struct hk_nl *nl, int idx, const char *addr, int fam)
{
	struct hk_addr_info *a = NULL;
	size_t n = 0;
	struct hk_err e;
	struct hk_prefix want;
	bool found = false;
	if (hk_parse_addr(addr, fam, &want, &e) < 0 || hk_addr_list(nl, fam, idx, &a, &n, &e) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = !memcmp(a[i].local.addr.raw, want.addr.raw, fam == AF_INET ? 4 : 16);
	free(a);
	return found;
}

/* prevResult's addresses are the lease's. */
static int check_prev(struct run *x, const struct hk_lease_row *l)
{
	json_object *ips;
	if (!json_object_object_get_ex(x->conf.prev, "ips", &ips) ||
	    !json_object_is_type(ips, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(ips); i++) {
		json_object *ip = json_object_array_get_idx(ips, i), *v;
		if (!json_object_object_get_ex(ip, "address", &v))
			continue;
		char a[80];
		snprintf(a, sizeof(a), "%s", json_object_get_string(v));
		char *slash = strchr(a, '/');
		if (slash)
			*slash = 0;
		if (strcmp(a, l->addr) && strcmp(a, l->addr6))
			return check_fail(x,
					  "prevResult: address %s is not the one hako leased (%s)",
					  a, l->addr);
	}
	return 0;
}

static int cmd_check(struct run *x)
{
	if (hk_cni_version_cmp(x->conf.version, "0.4.0") < 0)
		return fail(x, HK_CNI_E_VERSION,
			    hk_err_usage(&x->out->err, "CHECK: needs cniVersion 0.4.0 or later"));
	if (!x->conf.prev)
		return fail(x, HK_CNI_E_CONFIG, hk_err_usage(&x->out->err, "prevResult: missing"));
	int r = env_id(x);
	if (r == 0)
		r = env_netns(x, true);
	if (r == 0)
		r = store_open(x);
	if (r < 0)
		return r;
	struct hk_err *err = &x->out->err;
	struct hk_lease_row *l = NULL;
	size_t nl_ = 0;
	struct hk_net_row n;
	r = hk_netstore_leases(x->st, x->conf.net, x->id, &l, &nl_, err);
	if (r < 0)
		return lib_fail(x, r);
	_cleanup_free_ struct hk_lease_row *lease = l;
	if (nl_ == 0)
		return fail(x, HK_CNI_E_UNKNOWN,
			    hk_err_set(err, -ENOENT, "network '%s': no attachment of %s/%s",
				       x->conf.name, x->req->container_id, x->req->ifname));
	if ((r = hk_netstore_get(x->st, x->conf.net, &n, err)) < 0)
		return lib_fail(x, r);
	_cleanup_nl_ struct hk_nl *host = NULL, *ct = NULL;
	if ((r = hk_nl_open(&host, -1, err)) < 0 || (r = hk_nl_open(&ct, x->nsfd, err)) < 0)
		return lib_fail(x, r);
	struct hk_link_info *li = NULL, *bi = NULL, *hi = NULL;
	size_t k = 0;
	struct hk_err e;
	if (hk_link_list(ct, x->req->ifname, &li, &k, &e) < 0)
		return check_fail(x, "interface %s is not in %s", x->req->ifname, x->req->netns);
	int idx = li[0].index;
	free(li);
	if (!has_addr(ct, idx, lease->addr, AF_INET))
		return check_fail(x, "interface %s has lost its address %s", x->req->ifname,
				  lease->addr);
	if (lease->addr6[0] && !has_addr(ct, idx, lease->addr6, AF_INET6))
		return check_fail(x, "interface %s has lost its address %s", x->req->ifname,
				  lease->addr6);
	if (hk_link_list(host, n.bridge, &bi, &k, &e) < 0)
		return check_fail(x, "bridge %s is gone", n.bridge);
	bool up = bi[0].flags & IFF_UP;
	int bidx = bi[0].index;
	free(bi);
	if (!up)
		return check_fail(x, "bridge %s is down", n.bridge);
	if (hk_link_list(host, lease->hostif, &hi, &k, &e) < 0)
		return check_fail(x, "host interface %s is gone", lease->hostif);
	bool on = hi[0].master == bidx;
	free(hi);
	if (!on)
		return check_fail(x, "host interface %s is not on bridge %s", lease->hostif,
				  n.bridge);
	if ((r = check_prev(x, lease)) < 0)
		return r;
	return x->local_ipam ? 0 : ipam_exec(x, "CHECK", NULL);
}

/* cni.dev/valid-attachments as lease ids. */
static int valid_ids(struct run *x, char (**ret)[HK_CT_ID_LEN + 1], size_t *ret_n)
{
	json_object *v = x->conf.valid;
	size_t n = v ? json_object_array_length(v) : 0;
	char(*ids)[HK_CT_ID_LEN + 1] = calloc(n + 1, sizeof(*ids));
	if (!ids)
		return fail(x, HK_CNI_E_INTERNAL, hk_err_sys(&x->out->err, -ENOMEM, "GC"));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(v, i), *c = NULL, *f = NULL;
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, "containerID", &c) ||
		    !json_object_object_get_ex(o, "ifname", &f) ||
		    !json_object_is_type(c, json_type_string) ||
		    !json_object_is_type(f, json_type_string)) {
			free(ids);
			return fail(x, HK_CNI_E_CONFIG,
				    hk_err_usage(&x->out->err,
						 "cni.dev/valid-attachments[%zu]: expected "
						 "{\"containerID\": STRING, \"ifname\": STRING}",
						 i));
		}
		char hostif[16];
		hk_cni_attach_id(json_object_get_string(c), json_object_get_string(f), ids[i],
				 hostif);
	}
	*ret = ids;
	*ret_n = n;
	return 0;
}

static int cmd_gc(struct run *x)
{
	if (hk_cni_version_cmp(x->conf.version, "1.1.0") < 0)
		return fail(x, HK_CNI_E_VERSION,
			    hk_err_usage(&x->out->err, "GC: needs cniVersion 1.1.0"));
	char(*ids)[HK_CT_ID_LEN + 1] = NULL;
	size_t nids = 0;
	int r = valid_ids(x, &ids, &nids);
	if (r == 0)
		r = store_open(x);
	if (r < 0) {
		free(ids);
		return r;
	}
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	r = hk_netstore_leases(x->st, x->conf.net, NULL, &l, &n, &x->out->err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (l[i].ct_name[0]) /* a hako container's: not the runtime's to collect */
			continue;
		bool keep = false;
		for (size_t j = 0; j < nids && !keep; j++)
			keep = !strcmp(ids[j], l[i].ct);
		if (!keep)
			r = hk_network_detach_ext(x->st, &x->paths, x->conf.net, l[i].ct, -1, NULL,
						  &x->out->err);
	}
	free(l);
	free(ids);
	if (r < 0)
		return lib_fail(x, r);
	return x->local_ipam ? 0 : ipam_exec(x, "GC", NULL);
}

static int cmd_status(struct run *x)
{
	if (hk_cni_version_cmp(x->conf.version, "1.1.0") < 0)
		return fail(x, HK_CNI_E_VERSION,
			    hk_err_usage(&x->out->err, "STATUS: needs cniVersion 1.1.0"));
	int r = store_open(x);
	_cleanup_nat_ struct hk_nat *nat = NULL;
	if (r == 0)
		r = hk_nat_open(&nat, -1, &x->out->err);
	if (r < 0)
		return fail(x, HK_CNI_E_UNAVAILABLE, r);
	return x->local_ipam ? 0 : ipam_exec(x, "STATUS", NULL);
}

/* VERSION: the config may be anything with a cniVersion, or nothing. */
static int cmd_version(struct run *x)
{
	json_object *o = x->req->conf_len ? json_tokener_parse(x->req->conf) : NULL, *v;
	const char *ver = HK_CNI_VERSION;
	if (o && json_object_object_get_ex(o, "cniVersion", &v) &&
	    json_object_is_type(v, json_type_string))
		ver = json_object_get_string(v);
	json_object *res = json_object_new_object(), *arr = json_object_new_array();
	put_str(res, "cniVersion", ver);
	for (size_t i = 0; hk_cni_versions[i]; i++)
		json_object_array_add(arr, json_object_new_string(hk_cni_versions[i]));
	json_object_object_add(res, "supportedVersions", arr);
	x->out->json = strdup(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	json_object_put(res);
	json_object_put(o);
	return 0;
}

int hk_cni_run(const struct hk_cni_req *req, struct hk_cni_out *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->version, sizeof(out->version), "%s", HK_CNI_VERSION);
	struct run x = { .req = req, .out = out, .nsfd = -1 };
	const char *c = req->command ? req->command : "";
	if (!strcmp(c, "VERSION"))
		return cmd_version(&x);
	static const char *const cmds[] = { "ADD", "DEL", "CHECK", "GC", "STATUS" };
	size_t i = 0;
	while (i < HK_ARRAY_SIZE(cmds) && strcmp(c, cmds[i]))
		i++;
	if (i == HK_ARRAY_SIZE(cmds)) {
		out->code = HK_CNI_E_ENV;
		return hk_err_usage(
			&out->err,
			"CNI_COMMAND: '%s' is not ADD, DEL, CHECK, GC, STATUS or VERSION", c);
	}
	int r = hk_cni_conf_parse(req->conf, req->conf_len, &x.conf, &out->code, &out->err);
	snprintf(out->version, sizeof(out->version), "%s", x.conf.version);
	if (r < 0)
		return r;
	x.local_ipam = !strcmp(x.conf.ipam_type, "host-local");
	switch (i) {
	case 0:
		r = cmd_add(&x);
		break;
	case 1:
		r = cmd_del(&x);
		break;
	case 2:
		r = cmd_check(&x);
		break;
	case 3:
		r = cmd_gc(&x);
		break;
	default:
		r = cmd_status(&x);
	}
	if (r < 0 && !out->code)
		out->code = HK_CNI_E_INTERNAL;
	if (x.nsfd >= 0)
		close(x.nsfd);
	if (x.st)
		hk_store_close(x.st);
	hk_cni_conf_free(&x.conf);
	return r;
}

void hk_cni_out_free(struct hk_cni_out *out)
{
	free(out->json);
	out->json = NULL;
}

char *hk_cni_error_json(const struct hk_cni_out *out)
{
	json_object *o = json_object_new_object();
	put_str(o, "cniVersion", out->version);
	json_object_object_add(o, "code", json_object_new_int(out->code));
	put_str(o, "msg", out->err.msg[0] ? out->err.msg : "failed");
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}
