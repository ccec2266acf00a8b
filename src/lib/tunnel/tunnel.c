// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "daemon.h"
#include "ifindex.h"
#include "link.h"
#include "netlink.h"
#include "netns.h"
#include "route.h"
#include "tunnel.h"
#include "uapi.h"

static void rec_path(const char *run_dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/tunnel/%s", run_dir, name);
}

/* The report a starting daemon sends its caller. */
struct report {
	int code;
	pid_t pid;
	struct hk_err err;
};

/* Whether the route for peer i's AllowedIPs j exists through the device already: an Address's
 * prefix route, or the same prefix earlier in the peer. */
static bool routed_here(const struct hk_tunconf *c, size_t i, size_t j)
{
	const struct hk_prefix *a = &c->peers[i].allowed[j];
	for (size_t k = 0; k < c->n_addr; k++) {
		struct hk_prefix p = c->addr[k];
		hk_prefix_mask(&p);
		if (hk_prefix_same(&p, a))
			return true;
	}
	for (size_t k = 0; k < j; k++)
		if (hk_prefix_same(&c->peers[i].allowed[k], a))
			return true;
	return false;
}

/* Device up with its MTU, addresses, and a route per AllowedIPs prefix. */
static int configure(const struct hk_tunnel_up *u, int netns_fd, struct hk_err *err)
{
	struct hk_nl *nl;
	int r = hk_nl_open(&nl, netns_fd, err);
	if (r < 0)
		return r;
	int index;
	struct hk_link_req lr = { 0 };
	struct hk_link_res res;
	struct hk_nlmsg m;
	snprintf(lr.name, sizeof(lr.name), "%s", u->name);
	lr.a.up = 1;
	lr.a.mtu = u->conf->mtu;
	lr.a.has_mtu = true;
	hk_link_res_init(&res);
	if ((r = hk_link_index(nl, u->name, &index, err)) < 0)
		goto out;
	res.index = index;
	if ((r = hk_link_set_msg(&lr, &res, &m, err)) < 0 ||
	    (r = hk_nl_do(nl, &m, NULL, NULL, err)) < 0)
		goto out;
	for (size_t i = 0; i < u->conf->n_addr; i++) {
		struct hk_addr_req ar = { .local = u->conf->addr[i], .scope = -1 };
		snprintf(ar.dev, sizeof(ar.dev), "%s", u->name);
		hk_addr_msg(&ar, index, RTM_NEWADDR, &m);
		if ((r = hk_nl_do(nl, &m, NULL, NULL, err)) < 0) {
			char b[64];
			hk_err_prefix(err, "address %s", hk_prefix_str(&ar.local, b, sizeof(b)));
			goto out;
		}
	}
	/* tap: frames go by Ethernet address, AllowedIPs are no routes */
	for (size_t i = 0; i < u->conf->n_peers && !u->conf->tap && !u->conf->no_routes; i++)
		for (size_t j = 0; j < u->conf->peers[i].n_allowed; j++) {
			struct hk_route_req rr = { .dst = u->conf->peers[i].allowed[j],
						   .scope = -1,
						   .proto = -1,
						   .type = RTN_UNICAST };
			rr.family = rr.dst.family;
			rr.dst.has_len = true;
			snprintf(rr.dev, sizeof(rr.dev), "%s", u->name);
			hk_route_msg(&rr, index, HK_ROUTE_ADD, &m);
			r = hk_nl_do(nl, &m, NULL, NULL, err);
			if (r == -EEXIST && routed_here(u->conf, i, j)) {
				/* the prefix route of an Address covers it already */
				hk_err_clear(err);
				r = 0;
			} else if (r == -EEXIST) {
				/* a route of the namespace's (a default route): traffic for
				 * the prefix would not go through the tunnel */
				char b[64];
				hk_err_clear(err);
				r = hk_err_set(err, -EEXIST,
					       "route %s: the namespace routes it already, not "
					       "through the tunnel; hako tunnel does not take it "
					       "over (confine with -n NETNS --socket-netns NS)",
					       hk_prefix_str(&rr.dst, b, sizeof(b)));
				goto out;
			}
			if (r < 0) {
				char b[64];
				hk_err_prefix(err, "route %s",
					      hk_prefix_str(&rr.dst, b, sizeof(b)));
				goto out;
			}
		}
out:
	hk_nl_close(nl);
	return r;
}

static int open_ns(const char *name, int *ret, struct hk_err *err)
{
	*ret = -1;
	return name ? hk_netns_open(name, ret, err) : 0;
}

/* In the daemon: everything up to the report. */
static int daemon_setup(const struct hk_tunnel_up *u, struct hk_tundev *d, int *ret_uapi,
			struct hk_err *err)
{
	_cleanup_close_ int nsfd = -1;
	int r = open_ns(u->netns, &nsfd, err);
	if (r < 0)
		return r;
	r = open_ns(u->sock_netns ? u->sock_netns : u->netns, &d->sock_netns_fd, err);
	if (r < 0)
		return r;
	snprintf(d->name, sizeof(d->name), "%s", u->name);
	d->mtu = u->conf->mtu;
	d->fwmark = u->conf->fwmark;
	d->tap = u->conf->tap;
	d->tcp = u->conf->tcp;
	/* Workers: one per CPU unless set; a TAP device or the TCP transport keeps one (their
	 * Ethernet table and connections are one thread's) */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	d->nworkers = u->conf->workers ? u->conf->workers : (unsigned)(cpus > 0 ? cpus : 1);
	if (d->nworkers > HK_PEER_WORKERS)
		d->nworkers = HK_PEER_WORKERS;
	if (d->tap || d->tcp)
		d->nworkers = 1;
	if ((r = hk_tundev_set_key(d, u->conf->priv, err)) < 0)
		return r;
	for (size_t i = 0; i < u->conf->n_peers; i++)
		if ((r = hk_tundev_add_peer(d, &u->conf->peers[i], NULL, err)) < 0)
			return r;
	if ((r = hk_uapi_listen(u->name, ret_uapi, err)) < 0)
		return r;
	if (d->nworkers == 1)
		r = hk_tun_attach(u->name, nsfd, u->conf->tap, true, &d->tun_fd, err);
	else
		r = hk_tun_attach_queue(u->name, nsfd, true, &d->tun_fd, err);
	for (unsigned w = 1; r >= 0 && w < d->nworkers; w++)
		r = hk_tun_attach_queue(u->name, nsfd, false, &d->wtun[w], err);
	if (r < 0)
		return r;
	for (unsigned w = 0; w < d->nworkers; w++)
		fcntl(w ? d->wtun[w] : d->tun_fd, F_SETFL, O_NONBLOCK);
	if ((r = configure(u, nsfd, err)) < 0)
		return hk_err_prefix(err, "tunnel '%s'", u->name);
	if ((r = hk_tundev_bind(d, u->conf->listen_port, err)) < 0)
		return hk_err_prefix(err, "tunnel '%s'", u->name);
	return 0;
}

static void write_rec(int fd, const struct hk_tunnel_up *u, const struct hk_tundev *d)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return;
	dprintf(fd, "pid=%d\nnetns=%s\nsocket_netns=%s\nport=%u\n", (int)getpid(),
		u->netns ? u->netns : "", u->sock_netns ? u->sock_netns : "", d->port);
}

struct rec_ctx {
	const struct hk_tunnel_up *u;
	int fd;
};

static void rec_port_changed(struct hk_tundev *d, void *p)
{
	struct rec_ctx *c = p;
	write_rec(c->fd, c->u, d); /* `tunnel ls` shows the port the socket has now */
}

static void null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
}

/* Close every descriptor the daemon inherited from its caller but a and b. */
static void close_inherited(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static _Noreturn void daemon_main(const struct hk_tunnel_up *u, int lock_fd, int report_fd)
{
	close_inherited(lock_fd, report_fd);
	struct hk_tundev d;
	struct report rep = { .pid = getpid() };
	int uapi = -1;
	char sock[128];
	hk_tundev_init(&d);
	rep.code = daemon_setup(u, &d, &uapi, &rep.err);
	if (!rep.code)
		write_rec(lock_fd, u, &d);
	ssize_t w = write(report_fd, &rep, sizeof(rep));
	close(report_fd);
	hk_uapi_path(u->name, sock, sizeof(sock));
	if (rep.code || w != (ssize_t)sizeof(rep)) {
		if (uapi >= 0)
			unlink(sock); /* ours: bound by this start */
		_exit(1);
	}
	null_stdio();
	struct rec_ctx rc = { .u = u, .fd = lock_fd };
	d.port_changed = rec_port_changed;
	d.port_ctx = &rc;
	struct hk_err err = { 0 };
	int r = hk_daemon_run(&d, uapi, &err);
	unlink(sock);
	/* the device and sockets go before the record: `down` returns when the record is gone,
	 * and an `up` right after must find the name and port free */
	hk_tundev_destroy(&d);
	char rec[4096];
	rec_path(u->run_dir, u->name, rec, sizeof(rec));
	unlink(rec);
	_exit(r < 0 ? 1 : 0);
}

static int take_record(const char *run_dir, const char *name, int *ret_fd, struct hk_err *err)
{
	char dir[4096], path[4096];
	snprintf(dir, sizeof(dir), "%s/tunnel", run_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return hk_err_sys(err, -errno, "mkdir %s", dir);
	rec_path(run_dir, name, path, sizeof(path));
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return hk_err_set(err, -EEXIST, "tunnel '%s' is already up", name);
		return hk_err_sys(err, -errno, "lock %s", path);
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int hk_tunnel_up(const struct hk_tunnel_up *u, pid_t *ret_pid, struct hk_err *err)
{
	int r = hk_parse_ifname(u->name, err);
	if (r < 0)
		return hk_err_prefix(err, "tunnel");
	_cleanup_close_ int lock = -1;
	if ((r = take_record(u->run_dir, u->name, &lock, err)) < 0)
		return r;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return hk_err_sys(err, -errno, "pipe");
	pid_t child = fork();
	if (child < 0) {
		r = hk_err_sys(err, -errno, "fork");
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (child == 0) {
		/* double fork: the daemon is nobody's child but init's */
		close(p[0]);
		setsid();
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 1 : 0);
		daemon_main(u, lock, p[1]);
	}
	close(p[1]);
	int st;
	waitpid(child, &st, 0);
	struct report rep;
	ssize_t n;
	do
		n = read(p[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	char path[4096];
	rec_path(u->run_dir, u->name, path, sizeof(path));
	if (n != (ssize_t)sizeof(rep)) {
		unlink(path);
		return hk_err_set(err, -EIO, "tunnel '%s': the daemon died while starting",
				  u->name);
	}
	if (rep.code < 0) {
		unlink(path);
		*err = rep.err;
		return rep.code;
	}
	*ret_pid = rep.pid;
	return 0;
}

static bool rec_read(const char *run_dir, const char *name, struct hk_tunnel_rec *ret)
{
	char path[4096], line[256];
	rec_path(run_dir, name, path, sizeof(path));
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->name, sizeof(ret->name), "%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	/* a lock we can share is one nobody holds exclusively: the daemon is gone */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		ret->alive = errno == EWOULDBLOCK;
	else
		flock(fd, LOCK_UN);
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return true;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "pid=", 4))
			ret->pid = atoi(line + 4);
		else if (!strncmp(line, "netns=", 6))
			snprintf(ret->netns, sizeof(ret->netns), "%.63s", line + 6);
		else if (!strncmp(line, "socket_netns=", 13))
			snprintf(ret->sock_netns, sizeof(ret->sock_netns), "%.63s", line + 13);
		else if (!strncmp(line, "port=", 5))
			ret->port = (unsigned)atoi(line + 5);
	}
	fclose(f);
	return true;
}

static void clear_dead(const char *run_dir, const char *name)
{
	char path[4096];
	int fd;
	struct hk_err e = { 0 };
	if (hk_uapi_connect(name, &fd, &e) == 0)
		close(fd);
	else if (e.code == -ECONNREFUSED) {
		hk_uapi_path(name, path, sizeof(path));
		unlink(path);
	}
	rec_path(run_dir, name, path, sizeof(path));
	unlink(path);
}

int hk_tunnel_down(const char *run_dir, const char *name, struct hk_err *err)
{
	struct hk_tunnel_rec rec;
	int r = hk_parse_ifname(name, err);
	if (r < 0)
		return hk_err_prefix(err, "tunnel");
	if (!rec_read(run_dir, name, &rec))
		return hk_err_set(err, -ENOENT, "tunnel '%s' does not exist", name);
	if (!rec.alive) {
		clear_dead(run_dir, name);
		return 0;
	}
	if (rec.pid <= 0 || kill(rec.pid, SIGTERM) < 0)
		return hk_err_sys(err, -ESRCH, "tunnel '%s': signal pid %d", name, (int)rec.pid);
	for (int i = 0; i < 350; i++) {
		if (i == 250)
			kill(rec.pid, SIGKILL); /* 5 s without an answer */
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (!rec_read(run_dir, name, &rec) || !rec.alive) {
			clear_dead(run_dir, name);
			return 0;
		}
	}
	return hk_err_set(err, -ETIMEDOUT, "tunnel '%s': pid %d does not stop", name, (int)rec.pid);
}

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct hk_tunnel_rec *)a)->name,
		      ((const struct hk_tunnel_rec *)b)->name);
}

int hk_tunnel_list(const char *run_dir, struct hk_tunnel_rec **ret, size_t *ret_n,
		   struct hk_err *err)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tunnel", run_dir);
	*ret = NULL;
	*ret_n = 0;
	_cleanup_closedir_ DIR *dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : hk_err_sys(err, -errno, "open %s", dir);
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= 16)
			continue;
		struct hk_tunnel_rec *v = realloc(*ret, (*ret_n + 1) * sizeof(*v));
		if (!v)
			return hk_err_set(err, -ENOMEM, "out of memory");
		*ret = v;
		if (rec_read(run_dir, de->d_name, &v[*ret_n]))
			(*ret_n)++;
	}
	if (*ret_n)
		qsort(*ret, *ret_n, sizeof(**ret), cmp_rec);
	return 0;
}
