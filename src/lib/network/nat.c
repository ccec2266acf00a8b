// SPDX-License-Identifier: MIT
/*
 * hako's nftables rules (see nat.h for the table's layout). Commands are built as nft's text
 * language from validated pieces only: names from a small alphabet, addresses printed back
 * from parsed binary form, ports as numbers, so nothing from the user reaches nft verbatim.
 */
#include "nat.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/nsswitch.h"
#include "dl_nft.h" /* libnftables through dlopen */

#define T "inet " HK_NAT_TABLE

struct hk_nat {
	int netns_fd; /* -1: the caller's namespace */
	struct nft_ctx *nft;
};

/* ---- namespace switching ------------------------------------------------------------- */

/* Enter nat's namespace on this thread; *ret_self is the fd to come back with (-1: none). */
static int ns_enter(struct hk_nat *nat, int *ret_self, struct hk_err *err)
{
	int r = hk_thread_netns_enter(nat->netns_fd, ret_self, err);
	return r < 0 ? hk_err_prefix(err, "nat") : 0;
}

static void ns_leave(int self)
{
	hk_thread_netns_leave(self);
}

int hk_nat_open(struct hk_nat **ret, int netns_fd, struct hk_err *err)
{
	if (hk_dl_nft(err) < 0)
		return err->code;
	struct hk_nat *nat = calloc(1, sizeof(*nat));
	if (!nat)
		return hk_err_sys(err, -ENOMEM, "nat");
	nat->netns_fd = -1;
	if (netns_fd >= 0) {
		nat->netns_fd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 3);
		if (nat->netns_fd < 0) {
			int r = hk_err_sys(err, -errno, "nat: dup namespace fd");
			hk_nat_close(nat);
			return r;
		}
	}
	/* Created inside the namespace too, in case libnftables opens its socket here. */
	int self, r = ns_enter(nat, &self, err);
	if (r < 0) {
		hk_nat_close(nat);
		return r;
	}
	nat->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	ns_leave(self);
	if (!nat->nft || nft_ctx_buffer_output(nat->nft) || nft_ctx_buffer_error(nat->nft)) {
		hk_nat_close(nat);
		return hk_err_set(err, -ENOMEM, "nat: cannot create an nftables context");
	}
	*ret = nat;
	return 0;
}

void hk_nat_close(struct hk_nat *nat)
{
	if (!nat)
		return;
	if (nat->nft)
		nft_ctx_free(nat->nft);
	if (nat->netns_fd >= 0)
		close(nat->netns_fd);
	free(nat);
}

/* ---- running nft --------------------------------------------------------------------- */

/* nft reports errors as text only; recover the errno the kernel gave from it. */
static int errno_of(const char *msg)
{
	static const int known[] = { ENOENT, EEXIST, EPERM,  EOPNOTSUPP,   EBUSY,
				     ENOMEM, EINVAL, ENOSPC, EAFNOSUPPORT, EPROTONOSUPPORT };
	for (size_t i = 0; i < HK_ARRAY_SIZE(known); i++)
		if (strstr(msg, strerror(known[i])))
			return -known[i];
	return -EIO;
}

/* The first "Error: ..." of nft's error output, on one line. */
static void first_error(const char *buf, char *out, size_t len)
{
	const char *e = buf ? strstr(buf, "Error: ") : NULL;
	if (!e) {
		snprintf(out, len, "%s", buf && *buf ? buf : "failed without a message");
	} else {
		e += strlen("Error: ");
		snprintf(out, len, "%.*s", (int)strcspn(e, "\n"), e);
	}
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
}

/* Run cmd in nat's namespace. *ret_out (optional) gets a copy of nft's output. */
static int run(struct hk_nat *nat, const char *cmd, unsigned flags, char **ret_out,
	       const char *what, struct hk_err *err)
{
	int self, r = ns_enter(nat, &self, err);
	if (r < 0)
		return r;
	nft_ctx_output_set_flags(nat->nft, flags);
	int rc = nft_run_cmd_from_buffer(nat->nft, cmd);
	ns_leave(self);
	const char *out = nft_ctx_get_output_buffer(nat->nft);
	const char *ebuf = nft_ctx_get_error_buffer(nat->nft);
	if (rc != 0) {
		char msg[256];
		first_error(ebuf, msg, sizeof(msg));
		return hk_err_set(err, errno_of(msg), "nftables: %s: %s", what, msg);
	}
	if (ret_out) {
		*ret_out = strdup(out ? out : "");
		if (!*ret_out)
			return hk_err_sys(err, -ENOMEM, "nftables");
	}
	return 0;
}

/* ---- validation ------------------------------------------------------------------------ */

int hk_nat_check_name(const char *s, const char *what, struct hk_err *err)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > HK_NAT_NAME_MAX)
		return hk_err_usage(err, "%s must be 1..%d bytes long", what, HK_NAT_NAME_MAX);
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return hk_err_usage(
				err, "%s '%s': only letters, digits, '_', '.' and '-' are allowed",
				what, s);
	return 0;
}

/* An interface name that also is safe inside an nft string: no quote, backslash, wildcard. */
static int check_ifname(const char *s, struct hk_err *err)
{
	int r = hk_parse_ifname(s, err);
	if (r < 0)
		return r;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-@+=", *p))
			return hk_err_usage(
				err, "interface name '%s': character '%c' is not supported here", s,
				*p);
	return 0;
}

static int check_subnet(const struct hk_prefix *p, int family, const char *what, struct hk_err *err)
{
	if (p->family == 0)
		return 0;
	if (p->family != family)
		return hk_err_usage(err, "%s: wrong address family", what);
	struct hk_prefix m = *p;
	hk_prefix_mask(&m);
	if (memcmp(&m.addr, &p->addr, sizeof(m.addr)))
		return hk_err_usage(err, "%s has host bits set", what);
	return 0;
}

static const char *addr_str(const struct hk_prefix *p, char *buf, size_t len)
{
	inet_ntop(p->family, p->addr.raw, buf, (socklen_t)len);
	return buf;
}

static bool is_any(const struct hk_prefix *p)
{
	static const uint8_t zero[16];
	return p->family == 0 || !memcmp(p->addr.raw, zero, p->family == AF_INET ? 4 : 16);
}

static int check_port(const struct hk_nat_port *p, struct hk_err *err)
{
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return hk_err_usage(err, "published port: protocol must be tcp or udp");
	if (!p->host_port || !p->ct_port)
		return hk_err_usage(err, "published port: port 0 is not allowed");
	if (p->ct_ip.family != AF_INET && p->ct_ip.family != AF_INET6)
		return hk_err_usage(err, "published port: no container address");
	if (is_any(&p->ct_ip))
		return hk_err_usage(err, "published port: container address is unspecified");
	if (p->host_ip.family && p->host_ip.family != p->ct_ip.family)
		return hk_err_usage(
			err, "published port %u: host and container addresses differ in family",
			p->host_port);
	if (p->host_ip.family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&p->host_ip.addr.v6))
		return hk_err_usage(err,
				    "published port %u: ::1 cannot be forwarded (the kernel never "
				    "routes it off the host); use 127.0.0.1",
				    p->host_port);
	return 0;
}

/* ---- listing ----------------------------------------------------------------------------- */

struct listing {
	bool exists;
	struct hk_nat_rule *rules; /* tagged rules */
	size_t n, cap;
	size_t n_total; /* every rule, tagged or not */
};

static void listing_free(struct listing *l)
{
	free(l->rules);
}

/* "hako:NET" or "hako:NET:OWNER" -> r->net, r->owner; false for anything else. */
static bool parse_tag(const char *c, size_t len, struct hk_nat_rule *r)
{
	if (len < 6 || strncmp(c, "hako:", 5))
		return false;
	c += 5;
	len -= 5;
	const char *colon = memchr(c, ':', len);
	size_t nl = colon ? (size_t)(colon - c) : len;
	size_t ol = colon ? len - nl - 1 : 0;
	if (!nl || nl > HK_NAT_NAME_MAX || ol > HK_NAT_NAME_MAX || (colon && !ol))
		return false;
	memcpy(r->net, c, nl);
	r->net[nl] = '\0';
	if (colon)
		memcpy(r->owner, colon + 1, ol);
	r->owner[ol] = '\0';
	return true;
}

static int listing_add(struct listing *l, const struct hk_nat_rule *r, struct hk_err *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct hk_nat_rule *v = realloc(l->rules, cap * sizeof(*v));
		if (!v)
			return hk_err_sys(err, -ENOMEM, "nat: listing");
		l->rules = v;
		l->cap = cap;
	}
	l->rules[l->n++] = *r;
	return 0;
}

/* One line of `list table` with handles, leading whitespace skipped. */
static int parse_line(struct listing *l, const char *s, char *chain, size_t chain_len,
		      struct hk_err *err)
{
	if (!strncmp(s, "chain ", 6)) {
		snprintf(chain, chain_len, "%.*s", (int)strcspn(s + 6, " {"), s + 6);
		return 0;
	}
	if (!strncmp(s, "set ", 4) || !strncmp(s, "map ", 4) || !strncmp(s, "table ", 6) ||
	    !strncmp(s, "flowtable ", 10) || !strncmp(s, "counter ", 8) ||
	    !strncmp(s, "quota ", 6)) {
		chain[0] = '\0';
		return 0;
	}
	const char *h = strstr(s, " # handle ");
	if (!chain[0] || !h)
		return 0;
	l->n_total++;
	struct hk_nat_rule r = { .handle = strtoull(h + 10, NULL, 10) };
	snprintf(r.chain, sizeof(r.chain), "%s", chain);
	const char *c = strstr(s, " comment \"");
	if (!c || c > h)
		return 0;
	c += 10;
	const char *end = memchr(c, '"', (size_t)(h - c));
	if (!end || !parse_tag(c, (size_t)(end - c), &r))
		return 0;
	return listing_add(l, &r, err);
}

static int list_table(struct hk_nat *nat, struct listing *l, struct hk_err *err)
{
	*l = (struct listing){ 0 };
	_cleanup_free_ char *out = NULL;
	/* one run, not "list tables" first: each run fills libnftables' cache from the kernel
	 * again (a CNI ADD or DEL is a few such runs); a missing table is nft's ENOENT */
	struct hk_err e2 = { 0 };
	int r = run(nat, "list table " T, NFT_CTX_OUTPUT_HANDLE, &out, "list table " T, &e2);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		*err = e2;
		return r;
	}
	l->exists = true;
	char chain[32] = "";
	for (char *save = NULL, *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == '\t' || *line == ' ')
			line++;
		r = parse_line(l, line, chain, sizeof(chain), err);
		if (r < 0) {
			listing_free(l);
			return r;
		}
	}
	return 0;
}

/* ---- transactions -------------------------------------------------------------------- */

static const char ensure_cmds[] =
	"add table " T "\n"
	"add set " T " bridges { type ifname; }\n"
	"add chain " T " prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
	"add chain " T " output { type nat hook output priority -100; policy accept; }\n"
	"add chain " T
	" postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
	"add chain " T " forward { type filter hook forward priority filter; policy accept; }\n"
	"add chain " T " input { type filter hook input priority filter; policy accept; }\n";

/* Which listed rules a change replaces or removes. owner NULL: every rule of net. */
struct match {
	const char *net;
	const char *owner;
};

static bool matches(const struct hk_nat_rule *r, const struct match *m)
{
	return !strcmp(r->net, m->net) && (!m->owner || !strcmp(r->owner, m->owner));
}

/*
 * One nftables transaction: when adding, make sure the table exists, delete the rules m
 * matches and add the rules in cmds; when removing, delete the rules m matches and run cmds
 * (may be NULL), or delete the whole table if that would leave it without rules.
 */
static int apply(struct hk_nat *nat, const struct match *m, bool adding, const char *cmds,
		 const char *what, struct hk_err *err)
{
	struct listing l;
	int r = list_table(nat, &l, err);
	if (r < 0)
		return hk_err_prefix(err, "%s", what);
	if (!l.exists && !adding)
		return 0;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, deleted = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		listing_free(&l);
		return hk_err_sys(err, -ENOMEM, "%s", what);
	}
	if (adding)
		fputs(ensure_cmds, f);
	for (size_t i = 0; i < l.n; i++) {
		if (!matches(&l.rules[i], m))
			continue;
		fprintf(f, "delete rule " T " %s handle %llu\n", l.rules[i].chain,
			(unsigned long long)l.rules[i].handle);
		deleted++;
	}
	bool drop_table = !adding && l.n_total == deleted;
	if (cmds && !drop_table)
		fputs(cmds, f);
	listing_free(&l);
	if (fclose(f) != 0)
		return hk_err_sys(err, -ENOMEM, "%s", what);
	if (drop_table)
		return run(nat, "delete table " T "\n", 0, NULL, what, err);
	if (!len)
		return 0;
	return run(nat, buf, 0, NULL, what, err);
}

/* ---- sysctls ------------------------------------------------------------------------------ */

/* Read the sysctl at path (in nat's namespace) into *ret_old and write val unless equal. */
static int sysctl_set(struct hk_nat *nat, const char *path, char val, char *ret_old,
		      struct hk_err *err)
{
	int self, r = ns_enter(nat, &self, err);
	if (r < 0)
		return r;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	ns_leave(self);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open %s", path);
	char old = 0;
	if (read(fd, &old, 1) != 1) {
		r = hk_err_sys(err, errno ? -errno : -EIO, "read %s", path);
	} else if (old != val && pwrite(fd, &val, 1, 0) != 1) {
		r = hk_err_sys(err, -errno, "write %s", path);
	}
	close(fd);
	if (r == 0 && ret_old)
		*ret_old = old;
	return r;
}

int hk_nat_forwarding_ensure(struct hk_nat *nat, int family, bool *ret_changed, struct hk_err *err)
{
	const char *path = family == AF_INET6 ? "/proc/sys/net/ipv6/conf/all/forwarding"
					      : "/proc/sys/net/ipv4/ip_forward";
	if (family != AF_INET && family != AF_INET6)
		return hk_err_usage(err, "forwarding: family must be IPv4 or IPv6");
	char old = '0';
	int r = sysctl_set(nat, path, '1', &old, err);
	if (r < 0)
		return hk_err_prefix(err, "enable forwarding");
	if (ret_changed)
		*ret_changed = old != '1';
	return 0;
}

/* ---- networks ----------------------------------------------------------------------------- */

static int check_net(const struct hk_nat_net *net, struct hk_err *err)
{
	int r = hk_nat_check_name(net->name, "network name", err);
	if (r < 0 || (r = check_ifname(net->bridge, err)) < 0)
		return r;
	if ((r = check_subnet(&net->subnet4, AF_INET, "IPv4 subnet", err)) < 0 ||
	    (r = check_subnet(&net->subnet6, AF_INET6, "IPv6 subnet", err)) < 0)
		return r;
	return 0;
}

/* The rules of one family's subnet: masquerade out, and hairpin. */
static void net_subnet_rules(FILE *f, const struct hk_nat_net *net, const struct hk_prefix *s,
			     const char *tag)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *fam = s->family == AF_INET ? "ip" : "ip6";
	hk_prefix_str(s, buf, sizeof(buf));
	if (!net->no_masq)
		fprintf(f,
			"add rule " T
			" postrouting %s saddr %s oifname != \"%s\" masquerade comment \"%s\"\n",
			fam, buf, net->bridge, tag);
	fprintf(f,
		"add rule " T " postrouting oifname \"%s\" %s saddr %s ct status dnat masquerade "
		"comment \"%s\"\n",
		net->bridge, fam, buf, tag);
}

static int net_rules(const struct hk_nat_net *net, char **ret, struct hk_err *err)
{
	char tag[HK_NAT_NAME_MAX + 8];
	snprintf(tag, sizeof(tag), "hako:%s", net->name);
	const char *b = net->bridge;
	size_t len;
	FILE *f = open_memstream(ret, &len);
	if (!f)
		return hk_err_sys(err, -ENOMEM, "nat");
	fprintf(f, "add element " T " bridges { \"%s\" }\n", b);
	if (net->internal) {
		fprintf(f,
			"add rule " T
			" forward iifname \"%s\" oifname != \"%s\" drop comment \"%s\"\n",
			b, b, tag);
		fprintf(f,
			"add rule " T
			" forward oifname \"%s\" iifname != \"%s\" drop comment \"%s\"\n",
			b, b, tag);
	} else {
		fprintf(f,
			"add rule " T " forward iifname \"%s\" oifname != \"%s\" oifname @bridges "
			"ct status ! dnat drop comment \"%s\"\n",
			b, b, tag);
		if (net->subnet4.family)
			net_subnet_rules(f, net, &net->subnet4, tag);
		if (net->subnet6.family)
			net_subnet_rules(f, net, &net->subnet6, tag);
	}
	if (!net->internal && net->subnet4.family) {
		fprintf(f,
			"add rule " T " postrouting oifname \"%s\" ip saddr 127.0.0.0/8 masquerade "
			"comment \"%s\"\n",
			b, tag);
		fprintf(f,
			"add rule " T
			" input iifname \"%s\" ip daddr 127.0.0.0/8 ct state new,invalid "
			"drop comment \"%s\"\n",
			b, tag);
	}
	if (fclose(f) != 0)
		return hk_err_sys(err, -ENOMEM, "nat");
	return 0;
}

int hk_nat_network_add(struct hk_nat *nat, const struct hk_nat_net *net, struct hk_err *err)
{
	int r = check_net(net, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *cmds = NULL;
	if ((r = net_rules(net, &cmds, err)) < 0)
		return r;
	char path[96], old = '1';
	bool localnet = !net->internal && net->subnet4.family;
	if (localnet) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet",
			 net->bridge);
		r = sysctl_set(nat, path, '1', &old, err);
		if (r == -ENOENT)
			return hk_err_set(err, -ENOENT, "network '%s': bridge '%s' does not exist",
					  net->name, net->bridge);
		if (r < 0)
			return hk_err_prefix(err, "network '%s'", net->name);
	}
	struct match m = { .net = net->name, .owner = "" };
	r = apply(nat, &m, true, cmds, "add rules", err);
	if (r < 0) {
		if (localnet && old != '1')
			sysctl_set(nat, path, old, NULL, &(struct hk_err){ 0 });
		return hk_err_prefix(err, "network '%s'", net->name);
	}
	return 0;
}

int hk_nat_network_del(struct hk_nat *nat, const struct hk_nat_net *net, struct hk_err *err)
{
	int r = hk_nat_check_name(net->name, "network name", err);
	if (r < 0 || (r = check_ifname(net->bridge, err)) < 0)
		return r;
	/* Adding the element first makes its deletion succeed whether or not it was there. */
	char cmds[256];
	snprintf(cmds, sizeof(cmds),
		 "add element " T " bridges { \"%s\" }\ndelete element " T " bridges { \"%s\" }\n",
		 net->bridge, net->bridge);
	struct match m = { .net = net->name, .owner = NULL };
	r = apply(nat, &m, false, cmds, "remove rules", err);
	if (r < 0)
		return hk_err_prefix(err, "network '%s'", net->name);
	return 0;
}

/* ---- published ports ---------------------------------------------------------------------- */

static void port_rule(FILE *f, const char *chain, const struct hk_nat_port *p, const char *tag)
{
	char h[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];
	bool v4 = p->ct_ip.family == AF_INET;
	const char *proto = p->proto == IPPROTO_TCP ? "tcp" : "udp";
	fprintf(f, "add rule " T " %s ", chain);
	if (is_any(&p->host_ip))
		fprintf(f, "meta nfproto %s fib daddr type local ", v4 ? "ipv4" : "ipv6");
	else
		fprintf(f, "%s daddr %s ", v4 ? "ip" : "ip6", addr_str(&p->host_ip, h, sizeof(h)));
	addr_str(&p->ct_ip, c, sizeof(c));
	fprintf(f, "%s dport %u dnat %s to %s%s%s:%u comment \"%s\"\n", proto, p->host_port,
		v4 ? "ip" : "ip6", v4 ? "" : "[", c, v4 ? "" : "]", p->ct_port, tag);
}

int hk_nat_ports_add(struct hk_nat *nat, const char *net, const char *owner,
		     const struct hk_nat_port *ports, size_t n, struct hk_err *err)
{
	int r = hk_nat_check_name(net, "network name", err);
	if (r < 0 || (r = hk_nat_check_name(owner, "port owner", err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = check_port(&ports[i], err)) < 0)
			return r;
	char tag[2 * HK_NAT_NAME_MAX + 8];
	snprintf(tag, sizeof(tag), "hako:%s:%s", net, owner);
	_cleanup_free_ char *cmds = NULL;
	size_t len;
	FILE *f = open_memstream(&cmds, &len);
	if (!f)
		return hk_err_sys(err, -ENOMEM, "nat");
	for (size_t i = 0; i < n; i++) {
		port_rule(f, "prerouting", &ports[i], tag);
		port_rule(f, "output", &ports[i], tag);
	}
	if (fclose(f) != 0)
		return hk_err_sys(err, -ENOMEM, "nat");
	struct match m = { .net = net, .owner = owner };
	r = apply(nat, &m, true, cmds, "add rules", err);
	if (r < 0)
		return hk_err_prefix(err, "network '%s': ports of '%s'", net, owner);
	return 0;
}

int hk_nat_ports_del(struct hk_nat *nat, const char *net, const char *owner, struct hk_err *err)
{
	int r = hk_nat_check_name(net, "network name", err);
	if (r < 0 || (r = hk_nat_check_name(owner, "port owner", err)) < 0)
		return r;
	struct match m = { .net = net, .owner = owner };
	r = apply(nat, &m, false, NULL, "remove rules", err);
	if (r < 0)
		return hk_err_prefix(err, "network '%s': ports of '%s'", net, owner);
	return 0;
}
