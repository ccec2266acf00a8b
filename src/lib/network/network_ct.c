// SPDX-License-Identifier: MIT
/*
 * Containers on hako networks: connect, disconnect, release, and the files that carry names
 * (/etc/hosts, /etc/resolv.conf, bound from RUN/<id>/ by rootfs.c and rewritten in place so
 * the bind mounts see the change).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "ifindex.h"
#include "netlink.h"
#include "store.h"
#include "nat.h"
#include "network.h"
#include "resolver.h"
#include "testpoint.h"

#define HOSTS_MARK "# hako networks\n"

/* Replace the file's content in place (it is bind mounted: a rename would not be seen).
 * Write first, then cut: a hako killed in between leaves the new text followed by a tail of
 * the old one, never an empty file (hosts_one cuts at HOSTS_MARK, so the next write heals). */
static int rewrite(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n)
		return -EIO;
	return ftruncate(fd, (off_t)n) < 0 ? -errno : 0;
}

static char *slurp(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = calloc(1, 16384);
	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	ssize_t k = read(fd, buf, 16383);
	buf[k > 0 ? k : 0] = 0;
	return buf;
}

/* The hosts file of container id: what run wrote, then one line per peer address. The text
 * is built in a memory stream (its size follows what is written: each peer may take two
 * lines of several hundred bytes); on any failure the file is left as it was. */
static int hosts_one(const struct hk_paths *p, const char *id, const struct hk_lease_row *all,
		     size_t n_all)
{
	char path[HK_PATH_MAX + 32];
	hk_ct_rundir(p, id, path, sizeof(path));
	strncat(path, "/hosts", sizeof(path) - strlen(path) - 1);
	_cleanup_free_ char *old = slurp(path);
	if (!old)
		return -ENOENT;
	char *mark = strstr(old, HOSTS_MARK);
	if (mark)
		*mark = 0;
	_cleanup_free_ char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return -ENOMEM;
	fputs(old, f);
	fputs(HOSTS_MARK, f);
	for (size_t i = 0; i < n_all; i++) {
		const struct hk_lease_row *l = &all[i];
		bool shared = !strcmp(l->ct, id);
		for (size_t j = 0; j < n_all && !shared; j++)
			shared = !strcmp(all[j].ct, id) && !strcmp(all[j].net, l->net);
		if (!shared || !l->ct_name[0])
			continue;
		const char *sep = l->aliases[0] ? " " : "";
		fprintf(f, "%s\t%s%s%s\n", l->addr, l->ct_name, sep, l->aliases);
		if (l->addr6[0])
			fprintf(f, "%s\t%s%s%s\n", l->addr6, l->ct_name, sep, l->aliases);
	}
	bool failed = ferror(f);
	if (fclose(f) != 0 || failed)
		return -ENOMEM;
	return rewrite(path, out);
}

int hk_network_hosts_update(struct hk_store *st, const struct hk_paths *p, const char *net,
			    struct hk_err *err)
{
	struct hk_lease_row *all;
	size_t n;
	int r = hk_netstore_leases(st, NULL, NULL, &all, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (!net || !strcmp(all[i].net, net))
			hosts_one(p, all[i].ct, all, n);
	free(all);
	return 0;
}

static bool loopback_ns(const char *line)
{
	char a[64];
	if (sscanf(line, "nameserver %63s", a) != 1)
		return false;
	return !strncmp(a, "127.", 4) || !strcmp(a, "::1");
}

/* Append the lines of file to out that are not nameservers on loopback (nor, with only,
 * of another keyword than only's); count the nameservers kept and dropped. */
static void resolv_filter(const char *file, const char *only, char *out, size_t cap, int *kept,
			  int *dropped)
{
	_cleanup_free_ char *text = slurp(file);
	for (char *save, *line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool ns = !strncmp(line, "nameserver", 10);
		if (only && strncmp(line, only, strlen(only)))
			continue;
		if (ns && loopback_ns(line)) {
			(*dropped)++;
			continue;
		}
		*kept += ns;
		size_t o = strlen(out);
		snprintf(out + o, cap - o, "%s\n", line);
	}
}

/* "KEYWORD w1 w2...\n" from a space separated list. */
static void resolv_list(const char *kw, const char *list, char *out, size_t cap)
{
	size_t o = strlen(out);
	snprintf(out + o, cap - o, "%s %s\n", kw, list);
}

/*
 * A container's resolv.conf. Without the embedded resolver: the --dns servers, else the
 * host's, without loopback resolvers (127.0.0.53 of systemd-resolved, a local dnsmasq): the
 * container has its own loopback. With only such resolvers, systemd-resolved's upstream list
 * (/run/systemd/resolve/resolv.conf) is used, as Docker does; failing that the container gets
 * no nameserver and a warning. hako never puts a public resolver there by itself. With it:
 * nameserver 127.0.0.11 only (it forwards to those). search and options: --dns-search and
 * --dns-option, else the host's.
 */
void hk_network_resolv_text(const struct hk_dns_conf *d, bool embedded, char *out, size_t cap,
			    struct hk_net_notes *notes)
{
	int kept = 0, dropped = 0;
	out[0] = 0;
	if (embedded) {
		snprintf(out, cap, "nameserver %s\n", HK_RESOLVER_ADDR);
	} else if (d && d->servers && d->servers[0]) {
		_cleanup_free_ char *copy = strdup(d->servers);
		for (char *save, *w = copy ? strtok_r(copy, " ", &save) : NULL; w;
		     w = strtok_r(NULL, " ", &save))
			resolv_list("nameserver", w, out, cap);
	} else {
		resolv_filter("/etc/resolv.conf", "nameserver", out, cap, &kept, &dropped);
		if (dropped && !kept) {
			resolv_filter("/run/systemd/resolve/resolv.conf", "nameserver", out, cap,
				      &kept, &dropped);
			if (!kept && notes)
				snprintf(notes->resolv, sizeof(notes->resolv),
					 "the host's resolvers are on loopback only, which a "
					 "container cannot reach: its /etc/resolv.conf has no "
					 "nameserver");
		}
	}
	if (d && d->search && d->search[0])
		resolv_list("search", d->search, out, cap);
	else
		resolv_filter("/etc/resolv.conf", "search", out, cap, &kept, &dropped);
	if (d && d->options && d->options[0])
		resolv_list("options", d->options, out, cap);
	else
		resolv_filter("/etc/resolv.conf", "options", out, cap, &kept, &dropped);
}

void hk_network_ct_resolv(const struct hk_paths *p, const char *id, char *out, size_t cap)
{
	char path[HK_PATH_MAX + 32];
	hk_ct_rundir(p, id, path, sizeof(path));
	strncat(path, "/resolv.conf", sizeof(path) - strlen(path) - 1);
	_cleanup_free_ char *text = slurp(path);
	snprintf(out, cap, "%s", text ? text : "");
}

/* The container's resolv.conf on its first network: the embedded resolver's; --dns servers
 * become the resolver's upstream (RUN/<id>/dns.upstream). */
static int resolv_write(const struct hk_paths *p, const char *id, const struct hk_dns_conf *d,
			struct hk_net_notes *notes, struct hk_err *err)
{
	char out[8192], path[HK_PATH_MAX + 32];
	hk_ct_rundir(p, id, path, sizeof(path));
	strncat(path, "/dns.upstream", sizeof(path) - strlen(path) - 1);
	if (d && d->servers && d->servers[0]) {
		hk_network_resolv_text(
			&(struct hk_dns_conf){ .servers = d->servers, .search = "", .options = "" },
			false, out, sizeof(out), NULL);
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, out, strlen(out)) != (ssize_t)strlen(out))
			return hk_err_sys(err, -errno, "'%s'", path);
	}
	hk_network_resolv_text(d, true, out, sizeof(out), notes);
	hk_ct_rundir(p, id, path, sizeof(path));
	strncat(path, "/resolv.conf", sizeof(path) - strlen(path) - 1);
	rewrite(path, out);
	return 0;
}

/* Refuse a host port some process on the host holds already (as Docker's proxy would). */
static int port_free(const struct hk_port_row *pr, struct hk_err *err)
{
	bool udp = !strcmp(pr->proto, "udp");
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	struct hk_prefix a = { 0 };
	struct hk_err e;
	if (pr->host_ip[0] && hk_parse_addr(pr->host_ip, 0, &a, &e) < 0)
		return 0;
	if (a.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(pr->host_port);
		memcpy(&s6->sin6_addr, a.addr.raw, 16);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(pr->host_port);
		if (a.family)
			memcpy(&s4->sin_addr, a.addr.raw, 4);
		len = sizeof(*s4);
	}
	_cleanup_close_ int fd =
		socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) == 0 || errno != EADDRINUSE)
		return 0;
	hk_err_usage(err, "host port %s%s%u/%s is already in use on the host", pr->host_ip,
		     pr->host_ip[0] ? ":" : "", pr->host_port, pr->proto);
	err->code = -EADDRINUSE;
	return -EADDRINUSE;
}

static int ports_nat(const struct hk_net_row *n, const struct hk_lease_row *l,
		     const struct hk_port_row *ports, size_t np, struct hk_err *err)
{
	struct hk_nat_port *np_ = calloc(np * 2 + 1, sizeof(*np_));
	if (!np_)
		return hk_err_sys(err, -ENOMEM, "ports");
	size_t k = 0;
	struct hk_err e;
	for (size_t i = 0; i < np; i++) {
		size_t before = k;
		for (int v6 = 0; v6 < 2; v6++) {
			struct hk_nat_port *q = &np_[k];
			const char *ct = v6 ? l->addr6 : l->addr;
			if (!ct[0] || hk_parse_addr(ct, v6 ? AF_INET6 : AF_INET, &q->ct_ip, &e) < 0)
				continue;
			if (ports[i].host_ip[0] &&
			    (hk_parse_addr(ports[i].host_ip, 0, &q->host_ip, &e) < 0 ||
			     q->host_ip.family != q->ct_ip.family))
				continue;
			q->proto = !strcmp(ports[i].proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
			q->host_port = ports[i].host_port;
			q->ct_port = ports[i].ct_port;
			k++;
		}
		if (k == before) { /* a host address of a family the container has none of */
			free(np_);
			return hk_err_usage(err,
					    "port %s:%u:%u/%s: network '%s' gives the container no "
					    "address of that host address's family",
					    ports[i].host_ip, ports[i].host_port, ports[i].ct_port,
					    ports[i].proto, n->name);
		}
	}
	_cleanup_nat_ struct hk_nat *nat = NULL;
	int r = hk_nat_open(&nat, -1, err);
	if (r == 0)
		r = hk_nat_ports_add(nat, n->name, l->ct, np_, k, err);
	free(np_);
	return r;
}

static void pick_ifnames(struct hk_store *st, const struct hk_net_row *n, const char *id,
			 struct hk_lease_row *l)
{
	struct hk_lease_row *mine = NULL;
	size_t nm = 0;
	struct hk_err e;
	hk_netstore_leases(st, NULL, id, &mine, &nm, &e);
	for (int k = 0; k < 10; k++) {
		char want[16];
		snprintf(want, sizeof(want), "eth%d", k);
		bool used = false;
		for (size_t i = 0; i < nm; i++)
			used |= !strcmp(mine[i].ifname, want);
		if (!used) {
			strcpy(l->ifname, want);
			if (n->bridge[0])
				snprintf(l->hostif, sizeof(l->hostif), "hk%.12s%d", id, k);
			break;
		}
	}
	free(mine);
}

static int ct_netns(const struct hk_paths *p, const char *id, struct hk_err *err)
{
	char path[HK_PATH_MAX + 16];
	hk_ct_nsdir(p, id, path, sizeof(path));
	strncat(path, "/net", sizeof(path) - strlen(path) - 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? fd : hk_err_sys(err, -errno, "container network namespace '%s'", path);
}

/* Undo one attachment (complete or half-made): published ports, the interface (the host's
 * veth end takes its peer along; a macvlan child is deleted in the container), the lease
 * and its ports rows, the peers' /etc/hosts. What is already gone is no error. */
static int detach_one(struct hk_store *st, const struct hk_paths *p, const struct hk_lease_row *l,
		      int nsfd, bool ports, struct hk_err *err)
{
	int r = 0;
	/* closed at the end: closing an nftables socket right after its commit waits for the
	 * kernel (about 9 ms here), which overlaps with the link deletion's own wait this way */
	_cleanup_nat_ struct hk_nat *nat = NULL;
	if (ports) {
		r = hk_nat_open(&nat, -1, err);
		if (r == 0)
			r = hk_nat_ports_del(nat, l->net, l->ct, err);
	}
	if (r == 0 && l->hostif[0])
		r = hk_netattach_del(l->hostif, err);
	else if (r == 0 && nsfd >= 0)
		r = hk_netattach_ct_del(nsfd, l->ifname, err);
	hk_test_point("disconnect-unlinked");
	if (r == 0)
		r = hk_netstore_release(st, l->net, l->ct, err);
	if (r == 0)
		r = hk_network_hosts_update(st, p, l->net, err);
	return r;
}

/* The container's own hosts file loses the peers of the networks it left. */
static void hosts_self(struct hk_store *st, const struct hk_paths *p, const char *id)
{
	struct hk_lease_row *rest;
	size_t nr;
	struct hk_err e;
	if (hk_netstore_leases(st, NULL, NULL, &rest, &nr, &e) == 0) {
		hosts_one(p, id, rest, nr);
		free(rest);
	}
}

/* Host ports for ports asked without one (-p CTPORT, -P): one the kernel gives as free
 * (bind to port 0) that no published port of hako has either. */
int hk_network_ports_pick(struct hk_store *st, struct hk_port_row *ports, size_t n,
			  struct hk_err *err)
{
	struct hk_port_row *all = NULL;
	size_t na = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= ports[i].host_port == 0;
	if (!any)
		return 0;
	int r = hk_netstore_ports(st, NULL, &all, &na, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		bool udp = !strcmp(ports[i].proto, "udp");
		for (int tries = 0; ports[i].host_port == 0 && tries < 64; tries++) {
			_cleanup_close_ int fd =
				socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
			struct sockaddr_in a = { .sin_family = AF_INET };
			socklen_t len = sizeof(a);
			if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
			    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
				r = hk_err_sys(err, -errno, "a free host port");
				break;
			}
			uint16_t v = ntohs(a.sin_port);
			bool taken = false;
			for (size_t k = 0; k < na; k++)
				taken |= all[k].host_port == v &&
					 !strcmp(all[k].proto, ports[i].proto);
			for (size_t k = 0; k < n; k++)
				taken |= ports[k].host_port == v &&
					 !strcmp(ports[k].proto, ports[i].proto);
			if (!taken)
				ports[i].host_port = v;
		}
		if (r == 0 && ports[i].host_port == 0)
			r = hk_err_set(err, -EADDRINUSE, "no free host port for %u/%s",
				       ports[i].ct_port, ports[i].proto);
	}
	free(all);
	return r;
}

/* Who is attached: a hako container (x NULL: its namespace, eth<k>, hosts files) or what x
 * describes (hk_network_attach_ext). */
struct who {
	const char *id, *name;
	int nsfd;
	const struct hk_net_ext *x;
};

/*
 * A connect is recorded as a pending lease (owner: this process) before any kernel object
 * exists, and marked complete as its last step; everything in between carries names derived
 * from the lease (host veth hk<id><k>, eth<k>, nft tag hako:NET:CT), so a hako killed
 * anywhere in between leaves nothing that hk_network_reconcile cannot find and undo.
 */
static int connect_locked(struct hk_store *st, const struct hk_paths *p, const struct who *w,
			  const struct hk_net_attach *a, struct hk_lease_row *ret,
			  struct hk_net_notes *notes, struct hk_err *err)
{
	struct hk_net_row n;
	int r = hk_network_ensure_locked(st, a->net, &n, notes, err);
	if (r < 0)
		return r;
	if (a->n_ports && (n.internal || strcmp(n.driver, "bridge")))
		return hk_err_usage(err,
				    "network '%s': ports can only be published on a bridge "
				    "network with a way out",
				    n.name);
	/* -p CTPORT and -P: a host port picked now (ports[] is what is recorded) */
	struct hk_port_row ports[HK_NET_PORTS_MAX];
	if (a->n_ports > HK_NET_PORTS_MAX)
		return hk_err_usage(err, "too many published ports (at most %d)", HK_NET_PORTS_MAX);
	if (a->n_ports)
		memcpy(ports, a->ports, a->n_ports * sizeof(*ports));
	r = hk_network_ports_pick(st, ports, a->n_ports, err);
	for (size_t i = 0; r == 0 && i < a->n_ports; i++)
		r = port_free(&ports[i], err);
	if (r < 0)
		return r;
	struct hk_lease_row l = { 0 };
	snprintf(l.net, sizeof(l.net), "%s", n.name);
	snprintf(l.ct, sizeof(l.ct), "%s", w->id);
	snprintf(l.aliases, sizeof(l.aliases), "%s", a->aliases ? a->aliases : "");
	if (w->x) {
		snprintf(l.ifname, sizeof(l.ifname), "%s", w->x->ifname);
		if (n.bridge[0])
			snprintf(l.hostif, sizeof(l.hostif), "%s", w->x->hostif);
	} else {
		pick_ifnames(st, &n, w->id, &l);
	}
	if (!l.ifname[0])
		return hk_err_usage(err, "container '%s' is on too many networks", w->name);
	if (a->ip6)
		snprintf(l.addr6, sizeof(l.addr6), "%s", a->ip6);
	l.owner_pid = getpid();
	l.owner_start = hk_proc_start_time(l.owner_pid);
	bool first = !w->x && !strcmp(l.ifname, "eth0");
	r = hk_netstore_lease(st, &l, a->ip, ports, a->n_ports, err);
	if (r < 0)
		return r;
	hk_test_point("connect-leased");
	r = hk_netattach_ct(&n, &l, w->nsfd, w->x, err);
	hk_test_point("connect-linked");
	if (r == 0 && a->n_ports)
		r = ports_nat(&n, &l, ports, a->n_ports, err);
	hk_test_point("connect-ported");
	if (r == 0 && first)
		r = resolv_write(p, w->id, a->dns, notes, err);
	if (r == 0 && !w->x)
		r = hk_network_hosts_update(st, p, n.name, err);
	hk_test_point("connect-hosts");
	if (r == 0 && !w->x)
		r = hk_resolver_start(p, w->id, w->nsfd, err);
	if (r == 0)
		r = hk_netstore_set_owner(st, n.name, w->id, 0, 0, err);
	if (r < 0) {
		struct hk_err e;
		detach_one(st, p, &l, w->nsfd, a->n_ports > 0, &e);
		return hk_err_prefix(err, "network '%s'", n.name);
	}
	if (ret) {
		*ret = l;
		ret->owner_pid = 0;
		ret->owner_start = 0;
	}
	return 0;
}

int hk_network_connect(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c,
		       const struct hk_net_attach *a, struct hk_net_notes *notes,
		       struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	_cleanup_close_ int nsfd = ct_netns(p, c->id, err);
	if (nsfd < 0)
		return nsfd;
	struct who w = { .id = c->id, .name = c->name, .nsfd = nsfd };
	return connect_locked(st, p, &w, a, NULL, notes, err);
}

int hk_network_attach_ext(struct hk_store *st, const struct hk_paths *p,
			  const struct hk_net_attach *a, const struct hk_net_ext *x,
			  struct hk_lease_row *ret, struct hk_net_notes *notes, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	struct who w = { .id = x->id, .name = x->id, .nsfd = x->netns_fd, .x = x };
	return connect_locked(st, p, &w, a, ret, notes, err);
}

int hk_network_detach_ext(struct hk_store *st, const struct hk_paths *p, const char *net,
			  const char *id, int netns_fd, const char *ifname, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	int r = hk_netstore_leases(st, net, id, &l, &n, err);
	if (r == 0 && n) {
		pid_t self = getpid();
		r = hk_netstore_set_owner(st, net, id, self, hk_proc_start_time(self), err);
		struct hk_port_row *ports = NULL;
		size_t np = 0;
		struct hk_err e;
		if (hk_netstore_ports(st, id, &ports, &np, &e) < 0)
			np = 1; /* unknown: look in nftables anyway */
		free(ports);
		if (r == 0)
			r = detach_one(st, p, &l[0], netns_fd, np > 0, err);
	} else if (r == 0 && netns_fd >= 0 && ifname && ifname[0]) {
		r = hk_netattach_ct_del(netns_fd, ifname, err);
	}
	free(l);
	return r;
}

/* A container on no network any more has no resolver: its resolv.conf names the host's
 * servers again (a container that is going away has no file left to rewrite). */
static void resolver_settle(struct hk_store *st, const struct hk_paths *p, const char *id)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_netstore_leases(st, NULL, id, &l, &n, &e) == 0 && n == 0) {
		bool alive;
		bool had = hk_resolver_recorded(p, id, &alive);
		hk_resolver_stop(p, id);
		char out[8192], path[HK_PATH_MAX + 32];
		hk_ct_rundir(p, id, path, sizeof(path));
		strncat(path, "/resolv.conf", sizeof(path) - strlen(path) - 1);
		if (had && access(path, F_OK) == 0) {
			hk_network_resolv_text(NULL, false, out, sizeof(out), NULL);
			rewrite(path, out);
		}
	}
	free(l);
}

/* A disconnect first marks the leases pending (owner: this process): a hako killed half-way
 * leaves them for hk_network_reconcile, which finishes the job. */
int hk_network_disconnect(struct hk_store *st, const struct hk_paths *p, const char *ct_id,
			  const char *net, struct hk_err *err)
{
	bool idle;
	int r = hk_netstore_idle(st, &idle, err);
	if (r < 0 || idle)
		return r;
	struct hk_lease_row *l;
	size_t n;
	r = hk_netstore_leases(st, net, ct_id, &l, &n, err);
	if (r < 0)
		return r;
	if (n == 0) {
		free(l);
		return 0;
	}
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0) {
		free(l);
		return lock;
	}
	pid_t self = getpid();
	r = hk_netstore_set_owner(st, net, ct_id, self, hk_proc_start_time(self), err);
	struct hk_err e;
	int nsfd = ct_netns(p, ct_id, &e);
	struct hk_port_row *ports = NULL;
	size_t np = 0;
	if (hk_netstore_ports(st, ct_id, &ports, &np, &e) < 0)
		np = 1; /* unknown: look in nftables anyway */
	free(ports);
	for (size_t i = 0; i < n && r == 0; i++)
		r = detach_one(st, p, &l[i], nsfd, np > 0, err);
	if (nsfd >= 0)
		close(nsfd);
	if (r == 0)
		hosts_self(st, p, ct_id);
	free(l);
	if (r == 0)
		resolver_settle(st, p, ct_id);
	return r;
}

int hk_network_ct_release(struct hk_store *st, const struct hk_paths *p, const char *ct_id,
			  struct hk_err *err)
{
	int r = hk_network_disconnect(st, p, ct_id, NULL, err);
	hk_resolver_stop(p, ct_id); /* the container is going away: its resolver too */
	return r;
}

/* Any pending lease whose owner is gone? (Outside the lock: only decides whether to look.) */
static int orphans(struct hk_store *st, bool *ret, struct hk_err *err)
{
	struct hk_lease_row *l;
	size_t n;
	int r = hk_netstore_pending(st, &l, &n, err);
	if (r < 0)
		return r;
	*ret = false;
	for (size_t i = 0; i < n; i++)
		*ret |= !hk_proc_alive(l[i].owner_pid, l[i].owner_start);
	free(l);
	return 0;
}

static int reconcile_leases(struct hk_store *st, const struct hk_paths *p, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	/* Leases become pending and complete only under the lock: with it held, every pending
	 * lease but our own belongs to a hako that died (or gave up) half-way. */
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	int r = hk_netstore_pending(st, &l, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (l[i].owner_pid == getpid())
			continue;
		struct hk_err e;
		int nsfd = ct_netns(p, l[i].ct, &e);
		r = detach_one(st, p, &l[i], nsfd, true, err);
		if (nsfd >= 0)
			close(nsfd);
		if (r == 0) {
			hosts_self(st, p, l[i].ct);
			resolver_settle(st, p, l[i].ct);
		} else
			hk_err_prefix(err, "repair of container %.12s on network '%s'", l[i].ct,
				      l[i].net);
	}
	free(l);
	return r;
}

/* A resolver that died (kill -9) while its container runs on a network: started again. */
static void reconcile_resolvers(struct hk_store *st, const struct hk_paths *p)
{
	struct hk_lease_row *l = NULL;
	size_t n = 0;
	struct hk_err e;
	if (hk_netstore_leases(st, NULL, NULL, &l, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		bool alive, seen = false;
		for (size_t k = 0; k < i; k++)
			seen |= !strcmp(l[k].ct, l[i].ct);
		if (seen || !hk_resolver_recorded(p, l[i].ct, &alive) || alive)
			continue;
		struct hk_ct_row c;
		if (hk_store_get(st, l[i].ct, &c, &e) < 0)
			continue;
		bool running = !strcmp(c.state, HK_CT_RUNNING) && hk_proc_alive(c.pid, c.pid_start);
		hk_ct_row_free(&c);
		int nsfd = running ? ct_netns(p, l[i].ct, &e) : -1;
		if (nsfd >= 0) {
			hk_resolver_start(p, l[i].ct, nsfd, &e);
			close(nsfd);
		}
	}
	free(l);
}

int hk_network_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err)
{
	bool idle, any;
	int r = hk_netstore_idle(st, &idle, err);
	if (r < 0 || idle)
		return r;
	r = orphans(st, &any, err);
	if (r == 0 && any)
		r = reconcile_leases(st, p, err);
	if (r == 0)
		reconcile_resolvers(st, p);
	return r < 0 ? r : hk_network_reconcile_nets(st, p, err);
}

int hk_network_ports_free(const struct hk_port_row *ports, size_t n, struct hk_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = port_free(&ports[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

int hk_network_ports_nat(const struct hk_net_row *n, const struct hk_lease_row *l,
			 const struct hk_port_row *ports, size_t np, struct hk_err *err)
{
	return ports_nat(n, l, ports, np, err);
}

int hk_network_detach_locked(struct hk_store *st, const struct hk_paths *p,
			     const struct hk_lease_row *l, bool ports, struct hk_err *err)
{
	return detach_one(st, p, l, -1, ports, err);
}
