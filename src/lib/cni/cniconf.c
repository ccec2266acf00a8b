// SPDX-License-Identifier: MIT
/* The network configuration of hako-cni (see cniconf.h). */
#include "cniconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "nat.h"

const char *const hk_cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL };

int hk_cni_version_cmp(const char *a, const char *b)
{
	unsigned x[3] = { 0 }, y[3] = { 0 };
	sscanf(a, "%u.%u.%u", &x[0], &x[1], &x[2]);
	sscanf(b, "%u.%u.%u", &y[0], &y[1], &y[2]);
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

bool hk_cni_version_ok(const char *v)
{
	for (size_t i = 0; hk_cni_versions[i]; i++)
		if (!strcmp(v, hk_cni_versions[i]))
			return true;
	return false;
}

struct pc {
	int *code;
	struct hk_err *err;
};

static int bad(struct pc *pc, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct pc *pc, int code, const char *fmt, ...)
{
	char buf[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	*pc->code = code;
	return hk_err_usage(pc->err, "%s", buf);
}

/* obj[key] of type t, or NULL when absent or null; a value of another type: code 7. */
static int member(struct pc *pc, json_object *obj, const char *path, const char *key, json_type t,
		  json_object **ret)
{
	json_object *v = NULL;
	*ret = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	bool okt = json_object_is_type(v, t) ||
		   (t == json_type_double && json_object_is_type(v, json_type_int));
	if (!okt) {
		static const char *const names[] = { "null",   "boolean", "number", "number",
						     "object", "array",	  "string" };
		return bad(pc, HK_CNI_E_CONFIG, "%s%s%s: expected %s %s", path, path[0] ? "." : "",
			   key, t == json_type_array || t == json_type_object ? "an" : "a",
			   names[t]);
	}
	*ret = v;
	return 0;
}

static int get_str(struct pc *pc, json_object *obj, const char *path, const char *key, char *out,
		   size_t cap, bool required)
{
	json_object *v;
	int r = member(pc, obj, path, key, json_type_string, &v);
	if (r < 0)
		return r;
	if (!v)
		return required ? bad(pc, HK_CNI_E_CONFIG, "%s%s%s: missing", path,
				      path[0] ? "." : "", key)
				: 0;
	const char *s = json_object_get_string(v);
	if (strlen(s) >= cap)
		return bad(pc, HK_CNI_E_CONFIG, "%s%s%s: longer than %zu bytes", path,
			   path[0] ? "." : "", key, cap - 1);
	snprintf(out, cap, "%s", s);
	return 0;
}

static int get_bool(struct pc *pc, json_object *obj, const char *path, const char *key, bool *out)
{
	json_object *v;
	int r = member(pc, obj, path, key, json_type_boolean, &v);
	if (r == 0 && v)
		*out = json_object_get_boolean(v);
	return r;
}

static int get_uint(struct pc *pc, json_object *obj, const char *path, const char *key,
		    uint32_t max, uint32_t *out)
{
	json_object *v;
	int r = member(pc, obj, path, key, json_type_int, &v);
	if (r < 0 || !v)
		return r;
	int64_t x = json_object_get_int64(v);
	if (x < 0 || x > max)
		return bad(pc, HK_CNI_E_CONFIG, "%s%s%s: %lld is out of range 0..%u", path,
			   path[0] ? "." : "", key, (long long)x, max);
	*out = (uint32_t)x;
	return 0;
}

/* Refuse what hako does not do: a key whose value is not the reference's default. */
static int unsupported(struct pc *pc, json_object *o)
{
	static const char *const falsy[] = { "promiscMode",   "macspoofchk",
					     "vlanTrunk",     "disableContainerInterface",
					     "portIsolation", "forceAddress" };
	for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++) {
		json_object *v;
		if (json_object_object_get_ex(o, falsy[i], &v) && v && json_object_get_boolean(v))
			return bad(pc, HK_CNI_E_FIELD, "%s: not supported by hako-cni", falsy[i]);
	}
	json_object *v;
	if (json_object_object_get_ex(o, "vlan", &v) && v && json_object_get_int(v) != 0)
		return bad(pc, HK_CNI_E_FIELD, "vlan: not supported by hako-cni");
	return 0;
}

static int parse_cidr(struct pc *pc, const char *path, const char *s, struct hk_prefix *ret)
{
	struct hk_err e;
	if (hk_parse_prefix(s, 0, ret, &e) < 0 || !ret->has_len)
		return bad(pc, HK_CNI_E_CONFIG, "%s: '%s' is not an address/length", path, s);
	struct hk_prefix m = *ret;
	hk_prefix_mask(&m);
	if (memcmp(m.addr.raw, ret->addr.raw, 16))
		return bad(pc, HK_CNI_E_CONFIG, "%s: '%s' has host bits set", path, s);
	return 0;
}

static int parse_ip(struct pc *pc, const char *path, const char *s, int fam, struct hk_prefix *ret)
{
	struct hk_err e;
	if (hk_parse_addr(s, fam, ret, &e) < 0)
		return bad(pc, HK_CNI_E_CONFIG, "%s: '%s' is not an IPv%d address", path, s,
			   fam == AF_INET6 ? 6 : 4);
	return 0;
}

static uint32_t v4(const struct hk_prefix *p)
{
	return ntohl(p->addr.v4.s_addr);
}

/* rangeStart..rangeEnd as one CIDR block inside the subnet (its network address or the one
 * after it, to its broadcast address or the one before): hako's IPAM hands out addresses
 * from a prefix. */
static int range_block(struct pc *pc, const char *path, struct hk_cni_range *r,
		       const struct hk_prefix *start, const struct hk_prefix *end)
{
	if (r->subnet.family != AF_INET)
		return bad(pc, HK_CNI_E_FIELD,
			   "%s: rangeStart/rangeEnd in an IPv6 range: not supported by hako-cni",
			   path);
	uint32_t s = start->family ? v4(start) : v4(&r->subnet) + 1;
	uint32_t e = end->family ? v4(end) : (v4(&r->subnet) | (0xffffffffu >> r->subnet.len)) - 1;
	for (int len = r->subnet.len; len <= 30; len++) {
		uint32_t mask = len ? 0xffffffffu << (32 - len) : 0;
		uint32_t net = s & mask, bc = net | ~mask;
		if ((s == net || s == net + 1) && (e == bc || e == bc - 1)) {
			r->iprange = r->subnet;
			r->iprange.addr.v4.s_addr = htonl(net);
			r->iprange.len = (uint8_t)len;
			if (len == r->subnet.len)
				r->iprange.family = 0; /* the whole subnet */
			if (!hk_ipam_contains(&r->subnet, start->family ? start : &r->subnet) ||
			    (end->family && !hk_ipam_contains(&r->subnet, end)))
				break;
			return 0;
		}
	}
	return bad(pc, HK_CNI_E_FIELD,
		   "%s: rangeStart..rangeEnd must bound one CIDR block inside the subnet "
		   "(hako allocates from a prefix)",
		   path);
}

/* One range object {subnet, rangeStart, rangeEnd, gateway} at path into c. */
static int parse_range(struct pc *pc, struct hk_cni_conf *c, json_object *o, const char *path)
{
	char s[64] = "", rs[64] = "", re[64] = "", gw[64] = "", p[128];
	int r = get_str(pc, o, path, "subnet", s, sizeof(s), true);
	if (r == 0)
		r = get_str(pc, o, path, "rangeStart", rs, sizeof(rs), false);
	if (r == 0)
		r = get_str(pc, o, path, "rangeEnd", re, sizeof(re), false);
	if (r == 0)
		r = get_str(pc, o, path, "gateway", gw, sizeof(gw), false);
	if (r < 0)
		return r;
	struct hk_cni_range rg = { 0 };
	snprintf(p, sizeof(p), "%s.subnet", path);
	if ((r = parse_cidr(pc, p, s, &rg.subnet)) < 0)
		return r;
	int fam = rg.subnet.family;
	bool six = fam == AF_INET6;
	if (six ? c->has6 : c->has4)
		return bad(pc, HK_CNI_E_FIELD,
			   "%s: a second IPv%d range: hako networks have one subnet per family",
			   path, six ? 6 : 4);
	struct hk_prefix start = { 0 }, end = { 0 };
	if (rs[0]) {
		snprintf(p, sizeof(p), "%s.rangeStart", path);
		if ((r = parse_ip(pc, p, rs, fam, &start)) < 0)
			return r;
	}
	if (re[0]) {
		snprintf(p, sizeof(p), "%s.rangeEnd", path);
		if ((r = parse_ip(pc, p, re, fam, &end)) < 0)
			return r;
	}
	if (gw[0]) {
		snprintf(p, sizeof(p), "%s.gateway", path);
		if ((r = parse_ip(pc, p, gw, fam, &rg.gateway)) < 0)
			return r;
		if (!hk_ipam_contains(&rg.subnet, &rg.gateway))
			return bad(pc, HK_CNI_E_CONFIG, "%s: %s is outside the subnet %s", p, gw,
				   s);
	}
	if ((rs[0] || re[0]) && (r = range_block(pc, path, &rg, &start, &end)) < 0)
		return r;
	struct hk_ipam_pool pool;
	struct hk_err e;
	if (hk_ipam_pool_init(&pool, &rg.subnet, rg.iprange.family ? &rg.iprange : NULL,
			      rg.gateway.family ? &rg.gateway : NULL, false, &e) < 0)
		return bad(pc, HK_CNI_E_CONFIG, "%s: %s", path, e.msg);
	if (six) {
		c->r6 = rg;
		c->has6 = true;
	} else {
		c->r4 = rg;
		c->has4 = true;
	}
	return 0;
}

/* ranges: [[{...}], [{...}]] (one range per set: hako has one pool per family). */
static int parse_ranges(struct pc *pc, struct hk_cni_conf *c, json_object *sets, const char *path)
{
	size_t n = json_object_array_length(sets);
	for (size_t i = 0; i < n; i++) {
		json_object *set = json_object_array_get_idx(sets, i);
		char p[128];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_object_is_type(set, json_type_array) ||
		    json_object_array_length(set) == 0)
			return bad(pc, HK_CNI_E_CONFIG, "%s: expected a non-empty array of ranges",
				   p);
		if (json_object_array_length(set) > 1)
			return bad(pc, HK_CNI_E_FIELD,
				   "%s: more than one range in a set: not supported by hako-cni",
				   p);
		json_object *o = json_object_array_get_idx(set, 0);
		snprintf(p, sizeof(p), "%s[%zu][0]", path, i);
		if (!json_object_is_type(o, json_type_object))
			return bad(pc, HK_CNI_E_CONFIG, "%s: expected an object", p);
		int r = parse_range(pc, c, o, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_routes(struct pc *pc, struct hk_cni_conf *c, json_object *arr)
{
	size_t n = json_object_array_length(arr);
	if (n > HK_CNI_MAX_ROUTES)
		return bad(pc, HK_CNI_E_FIELD, "ipam.routes: more than %d routes",
			   HK_CNI_MAX_ROUTES);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		char p[64], dst[64] = "", gw[64] = "";
		snprintf(p, sizeof(p), "ipam.routes[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return bad(pc, HK_CNI_E_CONFIG, "%s: expected an object", p);
		int r = get_str(pc, o, p, "dst", dst, sizeof(dst), true);
		if (r == 0)
			r = get_str(pc, o, p, "gw", gw, sizeof(gw), false);
		if (r < 0)
			return r;
		struct hk_net_route *rt = &c->routes[c->n_routes];
		char q[80];
		snprintf(q, sizeof(q), "%s.dst", p);
		if ((r = parse_cidr(pc, q, dst, &rt->dst)) < 0)
			return r;
		if (gw[0]) {
			snprintf(q, sizeof(q), "%s.gw", p);
			if ((r = parse_ip(pc, q, gw, rt->dst.family, &rt->gw)) < 0)
				return r;
		}
		c->n_routes++;
	}
	return 0;
}

static int parse_ipam(struct pc *pc, struct hk_cni_conf *c, json_object *ipam)
{
	int r = get_str(pc, ipam, "ipam", "type", c->ipam_type, sizeof(c->ipam_type), true);
	if (r < 0 || strcmp(c->ipam_type, "host-local"))
		return r; /* delegated: the plugin reads its own keys */
	json_object *ranges, *routes, *v;
	if ((r = member(pc, ipam, "ipam", "ranges", json_type_array, &ranges)) < 0)
		return r;
	if ((r = member(pc, ipam, "ipam", "routes", json_type_array, &routes)) < 0)
		return r;
	/* the runtime's ipRanges (capability) replace the configured ranges */
	json_object *rc = NULL, *ipr = NULL;
	json_object_object_get_ex(c->root, "runtimeConfig", &rc);
	if (rc && (r = member(pc, rc, "runtimeConfig", "ipRanges", json_type_array, &ipr)) < 0)
		return r;
	if (ipr && json_object_array_length(ipr))
		r = parse_ranges(pc, c, ipr, "runtimeConfig.ipRanges");
	else if (ranges)
		r = parse_ranges(pc, c, ranges, "ipam.ranges");
	else if (json_object_object_get_ex(ipam, "subnet", &v))
		r = parse_range(pc, c, ipam, "ipam");
	else
		return bad(pc, HK_CNI_E_CONFIG, "ipam: needs ranges or subnet");
	if (r == 0 && !c->has4)
		return bad(pc, HK_CNI_E_FIELD,
			   "ipam: no IPv4 range: hako networks need one (IPv6 is optional)");
	if (r == 0 && routes)
		r = parse_routes(pc, c, routes);
	return r;
}

/* runtimeConfig.ips (the "ips" capability): one IPv4 address, with or without /len. */
static int parse_ips(struct pc *pc, struct hk_cni_conf *c)
{
	json_object *rc = NULL, *ips;
	json_object_object_get_ex(c->root, "runtimeConfig", &rc);
	int r = rc ? member(pc, rc, "runtimeConfig", "ips", json_type_array, &ips) : 0;
	if (r < 0 || !rc || !ips || json_object_array_length(ips) == 0)
		return r;
	if (json_object_array_length(ips) > 1)
		return bad(pc, HK_CNI_E_FIELD,
			   "runtimeConfig.ips: more than one address: hako-cni leases one");
	json_object *v = json_object_array_get_idx(ips, 0);
	if (!json_object_is_type(v, json_type_string))
		return bad(pc, HK_CNI_E_CONFIG, "runtimeConfig.ips[0]: expected a string");
	char a[64];
	snprintf(a, sizeof(a), "%s", json_object_get_string(v));
	char *slash = strchr(a, '/');
	if (slash)
		*slash = 0;
	struct hk_prefix p;
	if ((r = parse_ip(pc, "runtimeConfig.ips[0]", a, AF_INET, &p)) < 0)
		return r;
	snprintf(c->static_ip, sizeof(c->static_ip), "%s", a);
	return 0;
}

static int parse_ports(struct pc *pc, struct hk_cni_conf *c)
{
	json_object *rc = NULL, *pm;
	json_object_object_get_ex(c->root, "runtimeConfig", &rc);
	int r = rc ? member(pc, rc, "runtimeConfig", "portMappings", json_type_array, &pm) : 0;
	if (r < 0 || !rc || !pm)
		return r;
	size_t n = json_object_array_length(pm);
	if (n > HK_CNI_MAX_PORTS)
		return bad(pc, HK_CNI_E_FIELD, "runtimeConfig.portMappings: more than %d",
			   HK_CNI_MAX_PORTS);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(pm, i);
		char p[64], proto[8] = "tcp";
		snprintf(p, sizeof(p), "runtimeConfig.portMappings[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return bad(pc, HK_CNI_E_CONFIG, "%s: expected an object", p);
		struct hk_port_row *pr = &c->ports[c->n_ports];
		uint32_t hp = 0, cp = 0;
		r = get_uint(pc, o, p, "hostPort", 65535, &hp);
		if (r == 0)
			r = get_uint(pc, o, p, "containerPort", 65535, &cp);
		if (r == 0)
			r = get_str(pc, o, p, "protocol", proto, sizeof(proto), false);
		if (r == 0)
			r = get_str(pc, o, p, "hostIP", pr->host_ip, sizeof(pr->host_ip), false);
		if (r < 0)
			return r;
		if (!hp || !cp)
			return bad(pc, HK_CNI_E_CONFIG, "%s: hostPort and containerPort are needed",
				   p);
		for (char *q = proto; *q; q++)
			*q = (char)(*q | 0x20);
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			return bad(pc, HK_CNI_E_FIELD,
				   "%s.protocol: '%s': hako-cni does tcp and udp", p, proto);
		struct hk_prefix a;
		if (pr->host_ip[0]) {
			char q[80];
			snprintf(q, sizeof(q), "%s.hostIP", p);
			if ((r = parse_ip(pc, q, pr->host_ip, 0, &a)) < 0)
				return r;
		}
		snprintf(pr->proto, sizeof(pr->proto), "%s", proto);
		pr->host_port = (uint16_t)hp;
		pr->ct_port = (uint16_t)cp;
		c->n_ports++;
	}
	return 0;
}

/* The hako network's name: the CNI name when hako takes it, else "cni-<fnv32 hex>". */
static void net_name(struct hk_cni_conf *c)
{
	struct hk_net_row n = { 0 };
	struct hk_err e;
	size_t len = strlen(c->name);
	if (len <= HK_NET_NAME_MAX)
		memcpy(n.name, c->name, len + 1);
	/* "bridge" is hako's default network (device hako0), never a CNI network's */
	if (len <= HK_NET_NAME_MAX && strcmp(c->name, HK_NET_DEFAULT) &&
	    hk_network_check(&n, &e) == 0) {
		snprintf(c->net, sizeof(c->net), "%s", c->name);
		return;
	}
	uint32_t h = 2166136261u;
	for (const char *s = c->name; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	snprintf(c->net, sizeof(c->net), "cni-%08x", h);
}

static int parse_obj(struct pc *pc, struct hk_cni_conf *c)
{
	json_object *o = c->root, *v;
	int r = get_str(pc, o, "", "cniVersion", c->version, sizeof(c->version), true);
	if (r < 0)
		return r;
	if (!hk_cni_version_ok(c->version)) {
		char want[16];
		snprintf(want, sizeof(want), "%s", c->version);
		snprintf(c->version, sizeof(c->version), "%s", HK_CNI_VERSION);
		return bad(pc, HK_CNI_E_VERSION,
			   "cniVersion: '%s' is not supported (0.3.0 to " HK_CNI_VERSION ")", want);
	}
	if ((r = get_str(pc, o, "", "name", c->name, sizeof(c->name), true)) < 0)
		return r;
	if (!c->name[0])
		return bad(pc, HK_CNI_E_CONFIG, "name: empty");
	char type[64] = "";
	if ((r = get_str(pc, o, "", "type", type, sizeof(type), false)) < 0)
		return r;
	snprintf(c->bridge, sizeof(c->bridge), "cni0");
	if ((r = get_str(pc, o, "", "bridge", c->bridge, sizeof(c->bridge), false)) < 0)
		return r;
	struct hk_err e;
	if (hk_parse_ifname(c->bridge, &e) < 0)
		return bad(pc, HK_CNI_E_CONFIG, "bridge: %s", e.msg);
	if ((r = get_str(pc, o, "", "hakoRoot", c->hako_root, sizeof(c->hako_root), false)) < 0)
		return r;
	if (c->hako_root[0] && c->hako_root[0] != '/')
		return bad(pc, HK_CNI_E_CONFIG, "hakoRoot: '%s' is not an absolute path",
			   c->hako_root);
	if ((r = get_bool(pc, o, "", "isGateway", &c->is_gateway)) < 0 ||
	    (r = get_bool(pc, o, "", "isDefaultGateway", &c->is_default_gateway)) < 0 ||
	    (r = get_bool(pc, o, "", "ipMasq", &c->ip_masq)) < 0 ||
	    (r = get_bool(pc, o, "", "hairpinMode", &c->hairpin)) < 0)
		return r;
	if ((r = get_uint(pc, o, "", "mtu", 65535, &c->mtu)) < 0)
		return r;
	if (c->mtu && c->mtu < 68)
		return bad(pc, HK_CNI_E_CONFIG, "mtu: %u is below 68", c->mtu);
	if ((r = unsupported(pc, o)) < 0)
		return r;
	if ((r = member(pc, o, "", "dns", json_type_object, &c->dns)) < 0 ||
	    (r = member(pc, o, "", "prevResult", json_type_object, &c->prev)) < 0 ||
	    (r = member(pc, o, "", "cni.dev/valid-attachments", json_type_array, &c->valid)) < 0)
		return r;
	if ((r = member(pc, o, "", "ipam", json_type_object, &v)) < 0)
		return r;
	if (!v)
		return bad(pc, HK_CNI_E_CONFIG, "ipam: missing (hako-cni needs addresses)");
	if ((r = parse_ipam(pc, c, v)) < 0)
		return r;
	if ((r = parse_ports(pc, c)) < 0 || (r = parse_ips(pc, c)) < 0)
		return r;
	if (c->is_default_gateway && c->n_routes < HK_CNI_MAX_ROUTES) {
		struct hk_net_route *rt = &c->routes[c->n_routes++];
		memset(rt, 0, sizeof(*rt));
		rt->dst.family = AF_INET; /* 0.0.0.0/0 via the gateway */
	}
	net_name(c);
	return 0;
}

int hk_cni_conf_parse(const char *text, size_t len, struct hk_cni_conf *ret, int *ret_code,
		      struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->version, sizeof(ret->version), "%s", HK_CNI_VERSION);
	struct pc pc = { ret_code, err };
	json_tokener *tok = json_tokener_new();
	if (!tok)
		return hk_err_sys(err, -ENOMEM, "configuration");
	json_object *o = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || je != json_tokener_success) {
		json_object_put(o);
		return bad(&pc, HK_CNI_E_DECODE, "configuration: not JSON at byte %zu: %s", off,
			   json_tokener_error_desc(je));
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return bad(&pc, HK_CNI_E_DECODE, "configuration: expected a JSON object");
	}
	ret->root = o;
	int r = parse_obj(&pc, ret);
	if (r < 0) {
		json_object_put(ret->root);
		ret->root = NULL;
	}
	return r;
}

void hk_cni_conf_free(struct hk_cni_conf *c)
{
	json_object_put(c->root);
	c->root = NULL;
}
