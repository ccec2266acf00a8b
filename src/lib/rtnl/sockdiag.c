// SPDX-License-Identifier: MIT
#include "sockdiag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/vec.h"
#include "netlink.h"

enum { ST_LISTEN = 10 }; /* the kernel's TCP_LISTEN */

const char *hk_sockdiag_state_str(uint8_t state)
{
	static const char *const names[] = {
		[1] = "ESTAB",	    [2] = "SYN-SENT",  [3] = "SYN-RECV", [4] = "FIN-WAIT-1",
		[5] = "FIN-WAIT-2", [6] = "TIME-WAIT", [7] = "UNCONN",	 [8] = "CLOSE-WAIT",
		[9] = "LAST-ACK",   [10] = "LISTEN",   [11] = "CLOSING", [12] = "NEW-SYN-RECV",
	};
	if (state < HK_ARRAY_SIZE(names) && names[state])
		return names[state];
	return "UNKNOWN";
}

struct collect {
	struct hk_sock *v;
	size_t n, cap;
	int proto;
	size_t start; /* first entry of the current dump, for restarts */
};

static void fill_addr(struct hk_prefix *p, int family, const __be32 *a)
{
	*p = (struct hk_prefix){ .family = family, .len = family == AF_INET ? 32 : 128 };
	memcpy(p->addr.raw, a, family == AF_INET ? 4 : 16);
}

static int on_msg(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct collect *c = data;
	if (!nlh) { /* the dump restarted: drop what this dump collected */
		c->n = c->start;
		return 0;
	}
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return 0;
	const struct inet_diag_msg *m = hk_nlmsg_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return 0;
	if (hk_vec_grow(&c->v, c->n, &c->cap, 64) < 0)
		return hk_err_sys(err, -ENOMEM, "sock_diag");
	struct hk_sock *s = &c->v[c->n++];
	*s = (struct hk_sock){
		.proto = c->proto,
		.family = m->idiag_family,
		.state = m->idiag_state,
		.local_port = ntohs(m->id.idiag_sport),
		.peer_port = ntohs(m->id.idiag_dport),
		.ifindex = m->id.idiag_if,
		.uid = m->idiag_uid,
		.inode = m->idiag_inode,
		.rqueue = m->idiag_rqueue,
		.wqueue = m->idiag_wqueue,
	};
	fill_addr(&s->local, m->idiag_family, m->id.idiag_src);
	fill_addr(&s->peer, m->idiag_family, m->id.idiag_dst);
	return 0;
}

static int dump(struct hk_nl *nl, int family, int proto, uint32_t states, struct collect *c,
		struct hk_err *err)
{
	struct hk_nlmsg m;
	struct inet_diag_req_v2 *req;
	hk_nlmsg_init(&m, SOCK_DIAG_BY_FAMILY, 0, sizeof(*req), (void **)&req);
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)proto;
	req->idiag_states = states;
	c->proto = proto;
	c->start = c->n;
	int r = hk_nl_dump(nl, &m, on_msg, c, err);
	if (r < 0)
		return hk_err_prefix(err, "sock_diag: %s %s", proto == IPPROTO_TCP ? "tcp" : "udp",
				     family == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

/* ---- owners ------------------------------------------------------------------------------ */

static int cmp_inode(const void *a, const void *b)
{
	const struct hk_sock *x = a, *y = b;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	buf[0] = '\0';
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Match each fd of pid that is a socket against v (sorted by inode). */
static void scan_pid(pid_t pid, struct hk_sock *v, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	_cleanup_closedir_ DIR *d = opendir(path);
	if (!d)
		return; /* gone, or not ours to see */
	char comm[16] = "";
	struct dirent *e;
	while ((e = readdir(d))) {
		char link[320], target[64];
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		unsigned long long ino;
		if (sscanf(target, "socket:[%llu]", &ino) != 1)
			continue;
		struct hk_sock key = { .inode = ino };
		struct hk_sock *s = bsearch(&key, v, n, sizeof(*v), cmp_inode);
		if (!s)
			continue;
		if (!comm[0])
			read_comm(pid, comm, sizeof(comm));
		if (s->n_users < HK_SOCKDIAG_USERS_MAX) {
			struct hk_sock_user *u = &s->users[s->n_users];
			u->pid = pid;
			u->fd = atoi(e->d_name);
			memcpy(u->comm, comm, sizeof(u->comm));
		}
		s->n_users++;
	}
}

static int find_owners(struct hk_sock *v, size_t n, struct hk_err *err)
{
	qsort(v, n, sizeof(*v), cmp_inode);
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return hk_err_sys(err, -errno, "open /proc");
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		scan_pid((pid_t)pid, v, n);
	}
	return 0;
}

/* ---- listing ------------------------------------------------------------------------------ */

static int cmp_sock(const void *a, const void *b)
{
	const struct hk_sock *x = a, *y = b;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->local_port != y->local_port)
		return x->local_port < y->local_port ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = memcmp(x->local.addr.raw, y->local.addr.raw, 16);
	if (c)
		return c;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

int hk_sockdiag_list(int netns_fd, unsigned flags, struct hk_sock **ret, size_t *ret_n,
		     struct hk_err *err)
{
	struct hk_nl *nl _cleanup_nl_ = NULL;
	int r = hk_nl_open_proto(&nl, NETLINK_SOCK_DIAG, netns_fd, err);
	if (r < 0)
		return r;
	struct collect c = { 0 };
	static const int families[] = { AF_INET, AF_INET6 };
	for (size_t i = 0; i < HK_ARRAY_SIZE(families) && r == 0; i++) {
		if (flags & HK_SOCKDIAG_TCP)
			r = dump(nl, families[i], IPPROTO_TCP, 1u << ST_LISTEN, &c, err);
		if (r == 0 && (flags & HK_SOCKDIAG_UDP))
			r = dump(nl, families[i], IPPROTO_UDP, ~0u, &c, err);
	}
	if (r == 0 && (flags & HK_SOCKDIAG_PROCS) && c.n)
		r = find_owners(c.v, c.n, err);
	if (r < 0) {
		free(c.v);
		return r;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), cmp_sock);
	*ret = c.v;
	*ret_n = c.n;
	return 0;
}
