// SPDX-License-Identifier: MIT
/*
 * hako networks from the container side: `hako run` options (--network, --ip, -p,
 * --network-alias), `hako port CT` (published ports) and `hako ss CT` (listening sockets in
 * the container's network namespace through sock_diag, like `ss -N CT -tlp`).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/cleanup.h"
#include "ct.h"
#include "nat.h"
#include "netrun.h"
#include "network.h"
#include "out.h"
#include "sockdiag.h"
#include "store_ctlife.h"

void netrun_notes(const struct hk_net_notes *notes)
{
	if (notes->forwarding4)
		fprintf(stderr, "hako: enabled IPv4 forwarding (net.ipv4.ip_forward=1) for hako "
				"networks\n");
	if (notes->forwarding6)
		fprintf(stderr, "hako: enabled IPv6 forwarding (net.ipv6.conf.all.forwarding=1) "
				"for hako networks\n");
	if (notes->resolv[0])
		fprintf(stderr, "hako: warning: %s\n", notes->resolv);
}

int netrun_network(struct hk_ctx *ctx, struct netrun *n, const char *val)
{
	const char *name = !strcmp(val, "bridge") ? HK_NET_DEFAULT : val;
	if (hk_nat_check_name(name, "--network", &ctx->err) < 0)
		return -EINVAL;
	if (strlen(name) > HK_NET_NAME_MAX)
		return cmd_usage(ctx, "run: --network '%s': name too long", name);
	snprintf(n->net, sizeof(n->net), "%s", name);
	return 0;
}

/* [HOSTIP:]HOSTPORT:CTPORT[/tcp|udp]; an IPv6 HOSTIP in brackets: [::1]:8080:80. */
static int parse_port(struct hk_ctx *ctx, struct hk_port_row *p, const char *spec)
{
	char buf[128], *s = buf;
	snprintf(buf, sizeof(buf), "%s", spec);
	memset(p, 0, sizeof(*p));
	strcpy(p->proto, "tcp");
	char *slash = strrchr(s, '/');
	if (slash) {
		*slash++ = 0;
		if (strcmp(slash, "tcp") && strcmp(slash, "udp"))
			return cmd_usage(ctx, "run: -p '%s': protocol must be tcp or udp", spec);
		strcpy(p->proto, slash);
	}
	char *ctp = strrchr(s, ':');
	uint32_t v;
	if (!ctp) { /* -p CTPORT: a random host port (picked at connect) */
		if (hk_parse_u32(s, 1, 65535, &v, "container port", &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: -p '%s'", spec);
		p->ct_port = (uint16_t)v;
		return 0;
	}
	*ctp++ = 0;
	char *hp = strrchr(s, ':');
	if (hp) {
		*hp++ = 0;
		if (s[0] == '[' && s[strlen(s) - 1] == ']') {
			s[strlen(s) - 1] = 0;
			s++;
		}
		struct hk_prefix a;
		if (hk_parse_addr(s, 0, &a, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: -p '%s'", spec);
		inet_ntop(a.family, a.addr.raw, p->host_ip, sizeof(p->host_ip));
	} else {
		hp = s;
	}
	v = 0; /* HOSTIP::CTPORT: a random host port */
	if (hp[0] && hk_parse_u32(hp, 1, 65535, &v, "host port", &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run: -p '%s'", spec);
	p->host_port = (uint16_t)v;
	if (hk_parse_u32(ctp, 1, 65535, &v, "container port", &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run: -p '%s'", spec);
	p->ct_port = (uint16_t)v;
	return 0;
}

static int append(struct hk_ctx *ctx, char *buf, size_t cap, const char *sep, const char *w,
		  const char *opt)
{
	size_t o = strlen(buf);
	if (o + strlen(sep) + strlen(w) + 2 > cap)
		return cmd_usage(ctx, "run: too many %s options", opt);
	snprintf(buf + o, cap - o, "%s%s", o ? sep : "", w);
	return 0;
}

/* A DNS name or search domain: letters, digits, '-', '_', '.'; at most 253. */
static bool dns_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static int set_dns(struct hk_ctx *ctx, struct netrun *n, int id, const char *val)
{
	struct hk_prefix a;
	if (id == NETRUN_DNS) {
		if (hk_parse_addr(val, 0, &a, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: --dns");
		return append(ctx, n->dns, sizeof(n->dns), " ", val, "--dns");
	}
	if (id == NETRUN_DNS_SEARCH) {
		if (strcmp(val, ".") && !dns_name_ok(val))
			return cmd_usage(ctx, "run: --dns-search '%s': not a domain name", val);
		return append(ctx, n->dns_search, sizeof(n->dns_search), " ", val, "--dns-search");
	}
	if (id == NETRUN_DNS_OPTION) {
		if (!val[0] || strpbrk(val, " \t\n#;"))
			return cmd_usage(ctx, "run: --dns-option '%s': one resolv.conf option",
					 val);
		return append(ctx, n->dns_option, sizeof(n->dns_option), " ", val, "--dns-option");
	}
	/* --add-host NAME:IP (the IP may hold ':' itself: the name is before the first) */
	const char *colon = strchr(val, ':');
	char name[254];
	if (!colon || colon == val || (size_t)(colon - val) >= sizeof(name))
		return cmd_usage(ctx, "run: --add-host '%s': expected NAME:IP", val);
	snprintf(name, sizeof(name), "%.*s", (int)(colon - val), val);
	if (!dns_name_ok(name))
		return cmd_usage(ctx, "run: --add-host '%s': '%s' is not a host name", val, name);
	if (hk_parse_addr(colon + 1, 0, &a, &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "run: --add-host '%s'", val);
	char line[320];
	snprintf(line, sizeof(line), "%s\t%s\n", colon + 1, name);
	return append(ctx, n->add_hosts, sizeof(n->add_hosts), "", line, "--add-host");
}

/* "A-B" (or "A"): the first port and how many; usage error naming spec otherwise. */
static int port_span(struct hk_ctx *ctx, const char *w, const char *spec, uint32_t *first,
		     uint32_t *count)
{
	char a[16], *dash;
	snprintf(a, sizeof(a), "%s", w);
	uint32_t last;
	if ((dash = strchr(a, '-')))
		*dash++ = 0;
	if (strlen(w) >= sizeof(a) || hk_parse_u32(a, 1, 65535, first, "port", &ctx->err) < 0 ||
	    hk_parse_u32(dash ? dash : a, 1, 65535, &last, "port", &ctx->err) < 0 || last < *first)
		return cmd_usage(ctx, "run: -p '%s': '%s' is not a port or a range A-B", spec, w);
	*count = last - *first + 1;
	return 0;
}

/* Docker's port ranges: [IP:][H1-H2:]C1-C2[/PROTO] (host and container ranges of one
 * length, or no host port: random ones), one -p each. */
static int publish_range(struct hk_ctx *ctx, struct netrun *n, const char *spec)
{
	char buf[128], ip[80] = "";
	snprintf(buf, sizeof(buf), "%s", spec);
	char *proto = strrchr(buf, '/');
	if (proto)
		*proto++ = 0;
	char *ct = strrchr(buf, ':'), *host = NULL;
	if (ct) {
		*ct++ = 0;
		host = strrchr(buf, ':') ? strrchr(buf, ':') + 1 : buf;
		if (host != buf)
			snprintf(ip, sizeof(ip), "%.*s:", (int)(host - buf - 1), buf);
	} else {
		ct = buf;
	}
	uint32_t c0, cn, h0 = 0, hn = 0;
	int r = port_span(ctx, ct, spec, &c0, &cn);
	if (r == 0 && host && host[0])
		r = port_span(ctx, host, spec, &h0, &hn);
	if (r < 0)
		return r;
	if (hn && hn != cn)
		return cmd_usage(
			ctx, "run: -p '%s': the host and container ranges differ in length", spec);
	for (uint32_t i = 0; i < cn; i++) {
		char one[128];
		if (hn)
			snprintf(one, sizeof(one), "%s%u:%u%s%s", ip, h0 + i, c0 + i,
				 proto ? "/" : "", proto ? proto : "");
		else if (host)
			snprintf(one, sizeof(one), "%s:%u%s%s", ip[0] ? ip : "", c0 + i,
				 proto ? "/" : "", proto ? proto : "");
		else
			snprintf(one, sizeof(one), "%u%s%s", c0 + i, proto ? "/" : "",
				 proto ? proto : "");
		if ((r = netrun_set(ctx, n, NETRUN_PUBLISH, one)) < 0)
			return r;
	}
	return 0;
}

int netrun_set(struct hk_ctx *ctx, struct netrun *n, int id, const char *val)
{
	if (id == NETRUN_IP) {
		struct hk_prefix a;
		if (hk_parse_addr(val, AF_INET, &a, &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: --ip");
		n->ip = val;
		return 0;
	}
	if (id == NETRUN_PUBLISH && strchr(val, '-'))
		return publish_range(ctx, n, val);
	if (id == NETRUN_PUBLISH) {
		if (n->n_ports == NETRUN_PORTS_MAX)
			return cmd_usage(ctx, "run: too many -p options");
		struct hk_port_row *p = &n->ports[n->n_ports];
		int r = parse_port(ctx, p, val);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n->n_ports && p->host_port; i++)
			if (n->ports[i].host_port == p->host_port &&
			    !strcmp(n->ports[i].proto, p->proto))
				return cmd_usage(ctx, "run: -p: host port %u/%s given twice",
						 p->host_port, p->proto);
		n->n_ports++;
		return 0;
	}
	if (id == NETRUN_PUBLISH_ALL) {
		n->publish_all = true;
		return 0;
	}
	if (id == NETRUN_EXPOSE) { /* Docker's --expose: a port -P publishes */
		uint32_t v;
		char num[16];
		size_t k = strcspn(val, "/");
		const char *proto = val[k] ? val + k + 1 : "tcp";
		if (k >= sizeof(num) || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
			return cmd_usage(ctx, "run: --expose '%s': expected PORT or PORT/tcp|udp",
					 val);
		snprintf(num, sizeof(num), "%.*s", (int)k, val);
		if (hk_parse_u32(num, 1, 65535, &v, "port", &ctx->err) < 0)
			return hk_err_prefix(&ctx->err, "run: --expose '%s'", val);
		if (n->n_expose == NETRUN_PORTS_MAX)
			return cmd_usage(ctx, "run: too many --expose options");
		snprintf(n->expose[n->n_expose++], sizeof(n->expose[0]), "%u/%s", v, proto);
		return 0;
	}
	if (id >= NETRUN_DNS && id <= NETRUN_ADD_HOST)
		return set_dns(ctx, n, id, val);
	if (id != NETRUN_ALIAS)
		return cmd_usage(ctx, "run: option %d: not a network option", id);
	struct hk_err e;
	if (hk_nat_check_name(val, "--network-alias", &e) < 0)
		return cmd_usage(ctx, "run: %s", e.msg);
	size_t o = strlen(n->aliases);
	if (o + strlen(val) + 2 > sizeof(n->aliases))
		return cmd_usage(ctx, "run: too many aliases");
	snprintf(n->aliases + o, sizeof(n->aliases) - o, "%s%s", o ? " " : "", val);
	return 0;
}

int netrun_check(struct hk_ctx *ctx, const struct netrun *n)
{
	if (!n->net[0] && (n->ip || n->n_ports || n->publish_all || n->aliases[0]))
		return cmd_usage(ctx, "run: --ip, -p, -P and --network-alias need a hako network "
				      "(not --network none, host, container:NAME or netns:NAME)");
	return 0;
}

int netrun_publish_all(struct hk_ctx *ctx, struct netrun *n, char **exposed)
{
	size_t ni = 0;
	while (exposed && exposed[ni])
		ni++;
	for (size_t i = 0; n->publish_all && i < ni + n->n_expose; i++) {
		const char *e = i < ni ? exposed[i] : n->expose[i - ni];
		char buf[32];
		snprintf(buf, sizeof(buf), "%s", e);
		char *slash = strchr(buf, '/');
		const char *proto = slash ? slash + 1 : "tcp";
		if (slash)
			*slash = 0;
		uint32_t v;
		if ((strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
		    hk_parse_u32(buf, 1, 65535, &v, "port", &ctx->err) < 0) {
			hk_err_clear(&ctx->err);
			continue; /* a range or an sctp port: not published */
		}
		bool have = false;
		for (size_t k = 0; k < n->n_ports; k++)
			have |= n->ports[k].ct_port == v && !strcmp(n->ports[k].proto, proto);
		if (have)
			continue;
		if (n->n_ports == NETRUN_PORTS_MAX)
			return cmd_usage(ctx, "run: -P: too many ports");
		struct hk_port_row *p = &n->ports[n->n_ports++];
		memset(p, 0, sizeof(*p));
		p->ct_port = (uint16_t)v;
		snprintf(p->proto, sizeof(p->proto), "%s", proto);
	}
	return 0;
}

const struct hk_dns_conf *netrun_dns(struct netrun *n)
{
	n->dnsconf = (struct hk_dns_conf){ .servers = n->dns,
					   .search = n->dns_search,
					   .options = n->dns_option };
	return n->dns[0] || n->dns_search[0] || n->dns_option[0] ? &n->dnsconf : NULL;
}

void netrun_keep_stderr(struct netrun *n)
{
	if (n->net[0])
		n->notes_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
}

const struct hk_net_attach *netrun_attach_spec(struct netrun *n, struct hk_net_attach *buf)
{
	if (!n->net[0])
		return NULL;
	*buf = (struct hk_net_attach){ .net = n->net,
				       .ip = n->ip,
				       .aliases = n->aliases,
				       .ports = n->ports,
				       .n_ports = n->n_ports,
				       .dns = netrun_dns(n) };
	return buf;
}

void netrun_notes_out(struct netrun *n, const struct hk_net_notes *notes)
{
	if (n->notes_fd > 0) {
		/* the detached monitor: its stderr is /dev/null */
		int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		fflush(stderr);
		dup2(n->notes_fd, STDERR_FILENO);
		netrun_notes(notes);
		fflush(stderr);
		if (saved >= 0) {
			dup2(saved, STDERR_FILENO);
			close(saved);
		}
		close(n->notes_fd);
		n->notes_fd = 0;
	} else {
		netrun_notes(notes);
	}
}

int netrun_attach(struct hk_ctx *ctx, struct netrun *n, struct hk_store *st,
		  const struct hk_paths *p, const struct hk_ct_row *row)
{
	struct hk_net_notes notes = { 0 };
	struct hk_net_attach a;
	int r = hk_network_connect(st, p, row, netrun_attach_spec(n, &a), &notes, &ctx->err);
	struct hk_net_row nrow;
	struct hk_err e2;
	/* which ENOENT: asked of the store, never read out of the message */
	if (r == -ENOENT && hk_netstore_get(st, n->net, &nrow, &e2) == -ENOENT)
		hk_err_set(&ctx->err, -ENOENT,
			   "no such network: %s (expected none, host or "
			   "netns:NAME, or a network of 'hako network ls')",
			   n->net);
	netrun_notes_out(n, &notes);
	return r;
}

/* ---- networks joined later, joined again by start ---- */

static struct json_object *nets_of(struct hk_store *st, const char *ct_id)
{
	struct hk_ctlife_row life;
	struct hk_err e;
	if (hk_ctlife_get(st, ct_id, &life, &e) < 0)
		return NULL;
	struct json_object *a = json_tokener_parse(life.nets);
	hk_ctlife_row_free(&life);
	if (a && json_object_get_type(a) != json_type_array) {
		json_object_put(a);
		a = NULL;
	}
	return a ? a : json_object_new_array();
}

static void nets_put(struct hk_store *st, const char *ct_id, struct json_object *a)
{
	struct hk_err e;
	hk_ctlife_set_nets(st, ct_id, json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
			   &e);
}

/* a without the entry for net */
static struct json_object *nets_without(struct json_object *a, const char *net)
{
	struct json_object *b = json_object_new_array(), *v;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(o, "net", &v) &&
		    !strcmp(json_object_get_string(v), net))
			continue;
		json_object_array_add(b, json_object_get(o));
	}
	return b;
}

void netrun_remember(struct hk_store *st, const struct netrun *n, const char *ct_id)
{
	struct json_object *a = nets_of(st, ct_id);
	if (!a)
		return; /* no lifecycle record: nothing kept */
	struct hk_lease_row *l = NULL;
	size_t nl = 0;
	struct hk_err e;
	char ip[64] = "";
	if (hk_netstore_leases(st, n->net, ct_id, &l, &nl, &e) == 0 && nl == 1)
		snprintf(ip, sizeof(ip), "%s", l[0].addr);
	free(l);
	struct json_object *b = nets_without(a, n->net), *o = json_object_new_object(),
			   *ports = json_object_new_array();
	json_object_put(a);
	json_object_object_add(o, "net", json_object_new_string(n->net));
	json_object_object_add(o, "ip", json_object_new_string(n->ip ? n->ip : ip));
	json_object_object_add(o, "aliases", json_object_new_string(n->aliases));
	for (size_t i = 0; i < n->n_ports; i++) {
		const struct hk_port_row *p = &n->ports[i];
		char spec[128];
		bool v6 = strchr(p->host_ip, ':') != NULL;
		snprintf(spec, sizeof(spec), "%s%s%s%s%u:%u/%s", v6 ? "[" : "", p->host_ip,
			 v6 ? "]" : "", p->host_ip[0] ? ":" : "", p->host_port, p->ct_port,
			 p->proto);
		json_object_array_add(ports, json_object_new_string(spec));
	}
	json_object_object_add(o, "ports", ports);
	json_object_array_add(b, o);
	nets_put(st, ct_id, b);
	json_object_put(b);
}

void netrun_forget(struct hk_store *st, const char *net, const char *ct_id)
{
	struct json_object *a = nets_of(st, ct_id);
	if (!a)
		return;
	struct json_object *b = nets_without(a, net);
	if (json_object_array_length(b) != json_object_array_length(a))
		nets_put(st, ct_id, b);
	json_object_put(a);
	json_object_put(b);
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_get_type(v) == json_type_string
		       ? json_object_get_string(v)
		       : "";
}

int netrun_rejoin(struct hk_ctx *ctx, struct hk_store *st, const struct hk_paths *p,
		  const struct hk_ct_row *row, const char *nets)
{
	struct json_object *a = nets ? json_tokener_parse(nets) : NULL, *v;
	int r = 0;
	size_t n =
		a && json_object_get_type(a) == json_type_array ? json_object_array_length(a) : 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct netrun nr = { 0 };
		char aliases[256];
		snprintf(aliases, sizeof(aliases), "%s", jstr(o, "aliases"));
		r = netrun_network(ctx, &nr, jstr(o, "net"));
		if (r == 0 && jstr(o, "ip")[0])
			r = netrun_set(ctx, &nr, NETRUN_IP, jstr(o, "ip"));
		char *save = NULL;
		for (char *w = strtok_r(aliases, " ", &save); r == 0 && w;
		     w = strtok_r(NULL, " ", &save))
			r = netrun_set(ctx, &nr, NETRUN_ALIAS, w);
		if (json_object_object_get_ex(o, "ports", &v) &&
		    json_object_get_type(v) == json_type_array)
			for (size_t k = 0; r == 0 && k < json_object_array_length(v); k++)
				r = netrun_set(
					ctx, &nr, NETRUN_PUBLISH,
					json_object_get_string(json_object_array_get_idx(v, k)));
		if (r == 0)
			r = netrun_attach(ctx, &nr, st, p, row);
		if (r < 0)
			hk_err_prefix(&ctx->err, "start: join network '%s' again", jstr(o, "net"));
	}
	json_object_put(a);
	return r;
}

/* ---- hako port CT ---- */

static int get_ct(struct hk_ctx *ctx, const char *key, struct hk_paths *p, struct hk_ct_row *c)
{
	int r = ct_get(ctx, key, p, c);
	if (r == -ENOENT)
		hk_err_class_set(&ctx->err, HK_ERR_NOTFOUND);
	return r;
}

enum { P_CT, P_PROTO, P_HOST, P_HPORT, P_NET };
static const struct out_col port_cols[] = {
	[P_CT] = { "CONTAINER PORT", "container_port", true },
	[P_PROTO] = { "PROTO", "proto" },
	[P_HOST] = { "HOST IP", "host_ip" },
	[P_HPORT] = { "HOST PORT", "host_port", true },
	[P_NET] = { "NETWORK", "network" },
};

/* Docker's `port CT PORT[/PROTO]` (tcp by default): into *ret_port and ret_proto. */
static int port_filter(struct hk_ctx *ctx, const char *arg, uint32_t *ret_port, char ret_proto[4])
{
	char num[16];
	size_t n = strcspn(arg, "/");
	const char *proto = arg[n] ? arg + n + 1 : "tcp";
	if (n >= sizeof(num) || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return cmd_usage(ctx, "port: '%s': expected PORT or PORT/tcp|udp", arg);
	snprintf(num, sizeof(num), "%.*s", (int)n, arg);
	if (hk_parse_u32(num, 1, 65535, ret_port, "port", &ctx->err) < 0)
		return hk_err_prefix(&ctx->err, "port '%s'", arg);
	snprintf(ret_proto, 4, "%s", proto);
	return 0;
}

int cmd_ct_port(struct hk_ctx *ctx, int argc, char **argv)
{
	if (cmd_no_options(ctx, "port", &argc, &argv) < 0)
		return -EINVAL;
	if (argc != 1 && argc != 2)
		return cmd_usage(ctx, "port: expected a container; hako port CT [PORT[/PROTO]]");
	uint32_t want = 0;
	char proto[4] = "";
	if (argc == 2 && port_filter(ctx, argv[1], &want, proto) < 0)
		return -EINVAL;
	struct hk_paths p;
	struct hk_ct_row c;
	int r = get_ct(ctx, argv[0], &p, &c);
	if (r < 0)
		return r;
	char name[sizeof(c.name)];
	snprintf(name, sizeof(name), "%s", c.name);
	struct hk_store *st;
	struct hk_port_row *ports = NULL;
	size_t n = 0;
	r = ct_open(ctx, &p, &st);
	if (r == 0)
		r = hk_netstore_ports(st, c.id, &ports, &n, &ctx->err);
	hk_store_close(st);
	hk_ct_row_free(&c);
	if (r < 0)
		return r;
	size_t k = 0; /* PORT/PROTO: only its bindings */
	for (size_t i = 0; i < n; i++)
		if (!want || (ports[i].ct_port == want && !strcmp(ports[i].proto, proto)))
			ports[k++] = ports[i];
	n = k;
	if (want && !n) {
		free(ports);
		/* exit 1, as Docker's: the container is there, not this binding */
		hk_err_set(&ctx->err, -ENOENT, "no public port '%u/%s' published for '%s'", want,
			   proto, name);
		hk_err_class_set(&ctx->err, HK_ERR_FAILED);
		return -ENOENT;
	}
	if (want && !ctx->json) { /* Docker's: HOSTIP:HOSTPORT, a line each */
		for (size_t i = 0; i < n; i++) {
			const char *ip = ports[i].host_ip[0] ? ports[i].host_ip : "0.0.0.0";
			printf(strchr(ip, ':') ? "[%s]:%u\n" : "%s:%u\n", ip,
			       (unsigned)ports[i].host_port);
		}
		free(ports);
		return 0;
	}
	struct out_table *t = out_table_new(port_cols, HK_ARRAY_SIZE(port_cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_int(t, P_CT, ports[i].ct_port);
		out_str(t, P_PROTO, ports[i].proto);
		out_str(t, P_HOST, ports[i].host_ip[0] ? ports[i].host_ip : "0.0.0.0");
		out_int(t, P_HPORT, ports[i].host_port);
		out_str(t, P_NET, ports[i].net);
	}
	free(ports);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}

/* ---- hako ss CT ---- */

enum { S_NETID, S_STATE, S_RQ, S_SQ, S_LOCAL, S_LPORT, S_PEER, S_PPORT, S_PROC };
static const struct out_col ss_cols[] = {
	[S_NETID] = { "Netid", "netid" },
	[S_STATE] = { "State", "state" },
	[S_RQ] = { "Recv-Q", "recv_q", true },
	[S_SQ] = { "Send-Q", "send_q", true },
	[S_LOCAL] = { "Local", "local" },
	[S_LPORT] = { "Port", "local_port", true },
	[S_PEER] = { "Peer", "peer", false, true },
	[S_PPORT] = { "PPort", "peer_port", true, true },
	[S_PROC] = { "Process", "users" },
};

static void ss_users(struct out_table *t, const struct hk_sock *s)
{
	struct json_object *arr = json_object_new_array();
	char human[256] = "";
	for (size_t i = 0; i < s->n_users && i < HK_SOCKDIAG_USERS_MAX; i++) {
		struct json_object *u = json_object_new_object();
		json_object_object_add(u, "comm", json_object_new_string(s->users[i].comm));
		json_object_object_add(u, "pid", json_object_new_int(s->users[i].pid));
		json_object_object_add(u, "fd", json_object_new_int(s->users[i].fd));
		json_object_array_add(arr, u);
		size_t o = strlen(human);
		snprintf(human + o, sizeof(human) - o, "%s(\"%s\",pid=%d,fd=%d)",
			 i ? "," : "users:", s->users[i].comm, s->users[i].pid, s->users[i].fd);
	}
	out_json(t, S_PROC, arr, human[0] ? human : NULL);
}

int cmd_ct_ss(struct hk_ctx *ctx, int argc, char **argv)
{
	/* ss(8)'s letters; -l and -n are what hako ss always does */
	static const struct option opts[] = { {} };
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	unsigned flags = 0;
	int opt, r = cmd_getopt_init(ctx, &g, "ss", "+:tupln", opts, argc, argv);
	while (r == 0 && (opt = cmd_getopt_next(&g)) != -1) {
		if (opt == 't')
			flags |= HK_SOCKDIAG_TCP;
		else if (opt == 'u')
			flags |= HK_SOCKDIAG_UDP;
		else if (opt == 'p')
			flags |= HK_SOCKDIAG_PROCS;
		else if (opt != 'l' && opt != 'n')
			r = cmd_getopt_bad(ctx, &g, opt);
	}
	if (r < 0)
		return r;
	int i = g.rest;
	if (argc - i != 1)
		return cmd_usage(ctx, "ss: expected one container; hako ss [-tup] CT");
	if (!(flags & (HK_SOCKDIAG_TCP | HK_SOCKDIAG_UDP)))
		flags |= HK_SOCKDIAG_TCP;
	struct hk_paths p;
	struct hk_ct_row c;
	r = get_ct(ctx, argv[i], &p, &c);
	if (r < 0)
		return r;
	char path[HK_PATH_MAX + 16];
	hk_ct_nsdir(&p, c.id, path, sizeof(path));
	strncat(path, "/net", sizeof(path) - strlen(path) - 1);
	bool running = !strcmp(c.state, HK_CT_RUNNING);
	hk_ct_row_free(&c);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (!running || fd < 0)
		return hk_err_set(&ctx->err, -ESRCH, "ss: container '%s' is not running", argv[i]);
	struct hk_sock *v;
	size_t n;
	r = hk_sockdiag_list(fd, flags, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(ss_cols, HK_ARRAY_SIZE(ss_cols));
	for (size_t k = 0; k < n; k++) {
		char a[INET6_ADDRSTRLEN];
		out_row(t);
		out_str(t, S_NETID, v[k].proto == IPPROTO_TCP ? "tcp" : "udp");
		out_str(t, S_STATE, hk_sockdiag_state_str(v[k].state));
		out_int(t, S_RQ, v[k].rqueue);
		out_int(t, S_SQ, v[k].wqueue);
		out_str(t, S_LOCAL, inet_ntop(v[k].family, v[k].local.addr.raw, a, sizeof(a)));
		out_int(t, S_LPORT, v[k].local_port);
		out_str(t, S_PEER, inet_ntop(v[k].family, v[k].peer.addr.raw, a, sizeof(a)));
		out_int(t, S_PPORT, v[k].peer_port);
		if (flags & HK_SOCKDIAG_PROCS)
			ss_users(t, &v[k]);
	}
	free(v);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}
