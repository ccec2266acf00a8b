// SPDX-License-Identifier: MIT
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/nsswitch.h"
#include "tundev.h"

void hk_tundev_init(struct hk_tundev *d)
{
	memset(d, 0, sizeof(*d));
	d->tun_fd = d->udp_fd = d->sock_netns_fd = d->epfd = -1;
	d->mtu = 1420;
	d->nworkers = 1;
	for (unsigned w = 0; w < HK_PEER_WORKERS; w++)
		d->wtun[w] = d->wudp[w] = -1;
	hk_timers_init(&d->t);
}

void hk_tundev_destroy(struct hk_tundev *d)
{
	while (d->nconns)
		hk_tundev_conn_drop(d, d->conns[0]);
	for (size_t i = 0; i < d->n_peers; i++)
		hk_peer_free(d->peers[i]);
	free(d->peers);
	if (d->tun_fd >= 0)
		close(d->tun_fd);
	if (d->udp_fd >= 0)
		close(d->udp_fd);
	if (d->sock_netns_fd >= 0)
		close(d->sock_netns_fd);
	for (unsigned w = 0; w < HK_PEER_WORKERS; w++) {
		if (d->wtun[w] >= 0)
			close(d->wtun[w]);
		if (d->wudp[w] >= 0)
			close(d->wudp[w]);
	}
	hk_crypto_wipe(d, sizeof(*d));
	d->tun_fd = d->udp_fd = d->sock_netns_fd = -1;
}

int hk_tundev_set_key(struct hk_tundev *d, const uint8_t *priv, struct hk_err *err)
{
	if (!priv) {
		hk_crypto_wipe(&d->local, sizeof(d->local));
		d->has_key = false;
	} else if (hk_noise_local_set(&d->local, priv) < 0) {
		return hk_err_usage(err, "not a usable private key");
	} else {
		d->has_key = true;
		/* a peer with the new key's public key goes, as in the kernel: no peer is us */
		struct hk_peer *self = hk_peer_by_key(d->peers, d->n_peers, d->local.pub);
		if (self)
			hk_tundev_remove_peer(d, self);
	}
	for (size_t i = 0; i < d->n_peers; i++) {
		struct hk_peer *p = d->peers[i];
		uint8_t pub[HK_KEY_LEN], psk[HK_KEY_LEN];
		memcpy(pub, p->np.pub, HK_KEY_LEN);
		memcpy(psk, p->np.psk, HK_KEY_LEN);
		hk_peer_clear(p);
		/* a zero shared secret (a low-order key) fails every handshake, as it should */
		hk_noise_peer_set(&p->np, &d->local, pub, psk);
		hk_crypto_wipe(psk, sizeof(psk));
	}
	return 0;
}

int hk_tundev_add_peer(struct hk_tundev *d, const struct hk_tunconf_peer *cfg,
		       struct hk_peer **ret_peer, struct hk_err *err)
{
	struct hk_peer **v = realloc(d->peers, (d->n_peers + 1) * sizeof(*v));
	if (!v)
		return hk_err_set(err, -ENOMEM, "out of memory");
	d->peers = v;
	struct hk_peer *p = hk_peer_new(&d->local, cfg, err);
	if (!p)
		return err->code;
	p->nworkers = d->nworkers;
	for (size_t i = 0; i < p->n_allowed; i++)
		hk_peers_disallow(d->peers, d->n_peers, &p->allowed[i], p);
	d->peers[d->n_peers++] = p;
	if (ret_peer)
		*ret_peer = p;
	return 0;
}

void hk_tundev_mac_learn(struct hk_tundev *d, const uint8_t mac[6], struct hk_peer *p)
{
	for (size_t i = 0; i < d->n_macs; i++)
		if (!memcmp(d->macs[i].mac, mac, 6)) {
			d->macs[i].peer = p; /* moved behind another peer */
			return;
		}
	/* full: the oldest entry goes (a ring) */
	size_t i = d->n_macs < HK_TUNDEV_MACS ? d->n_macs++ : d->mac_next++ % HK_TUNDEV_MACS;
	memcpy(d->macs[i].mac, mac, 6);
	d->macs[i].peer = p;
}

struct hk_peer *hk_tundev_mac_peer(const struct hk_tundev *d, const uint8_t mac[6])
{
	for (size_t i = 0; i < d->n_macs; i++)
		if (!memcmp(d->macs[i].mac, mac, 6))
			return d->macs[i].peer;
	return NULL;
}

int hk_tundev_conn_add(struct hk_tundev *d, struct hk_tcpconn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.fd = c->fd };
	if (d->nconns == HK_TUNDEV_CONNS || epoll_ctl(d->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		hk_tcpconn_free(c);
		return -ENOBUFS;
	}
	d->conns[d->nconns++] = c;
	return 0;
}

void hk_tundev_conn_drop(struct hk_tundev *d, struct hk_tcpconn *c)
{
	if (c->busy) {
		c->dead = true; /* its reader (the daemon's loop) drops it when done */
		return;
	}
	for (size_t i = 0; i < d->nconns; i++)
		if (d->conns[i] == c) {
			d->conns[i] = d->conns[--d->nconns];
			break;
		}
	if (c->peer && c->peer->conn == c)
		c->peer->conn = NULL;
	hk_tcpconn_free(c); /* closing the fd takes it out of the epoll set */
}

struct hk_tcpconn *hk_tundev_conn_by_fd(const struct hk_tundev *d, int fd)
{
	for (size_t i = 0; i < d->nconns; i++)
		if (d->conns[i]->fd == fd)
			return d->conns[i];
	return NULL;
}

void hk_tundev_remove_peer(struct hk_tundev *d, struct hk_peer *p)
{
	for (size_t i = 0; i < d->nconns; i++)
		if (d->conns[i]->peer == p)
			d->conns[i]->peer = NULL;
	for (size_t i = 0; i < d->n_macs; i++)
		if (d->macs[i].peer == p)
			d->macs[i].peer = NULL;
	for (size_t i = 0; i < d->n_peers; i++)
		if (d->peers[i] == p) {
			d->peers[i] = d->peers[--d->n_peers];
			hk_peer_free(p);
			return;
		}
}

static int udp_socket(int family, uint16_t port, uint32_t fwmark, bool tcp, bool reuseport,
		      struct hk_err *err)
{
	int fd = socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int zero = 0, big = 4 << 20;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	/* bigger buffers absorb bursts; FORCE works as root, the plain one caps at rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (fwmark)
		setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark));
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a = { 0 };
	socklen_t alen;
	if (family == AF_INET6) {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(port);
		alen = sizeof(a.in6);
	} else {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(port);
		alen = sizeof(a.in);
	}
	int one = 1;
	if (tcp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* workers: a socket each on one port; the kernel hashes a peer's address to one of them,
	 * so a peer's datagrams stay in order on one worker */
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, alen) < 0 || (tcp && listen(fd, 64) < 0)) {
		int e = -errno;
		close(fd);
		return hk_err_sys(err, e, "bind %s port %u", tcp ? "TCP" : "UDP", port);
	}
	return fd;
}

int hk_tundev_set_fwmark(struct hk_tundev *d, uint32_t m)
{
	d->fwmark = m;
	for (unsigned w = 0; w < d->nworkers; w++) {
		int fd = w ? d->wudp[w] : d->udp_fd;
		if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &m, sizeof(m)) < 0)
			return -errno;
	}
	return 0;
}

int hk_tundev_bind(struct hk_tundev *d, uint16_t port, struct hk_err *err)
{
	int old, r = hk_thread_netns_enter(d->sock_netns_fd, &old, err);
	if (r < 0)
		return r;
	bool rp = d->nworkers > 1 && !d->tcp;
	int family = AF_INET6;
	int fd = udp_socket(family, port, d->fwmark, d->tcp, rp, err);
	if (fd == -EAFNOSUPPORT) {
		family = AF_INET;
		fd = udp_socket(family, port, d->fwmark, d->tcp, rp, err);
	}
	struct sockaddr_in6 a;
	socklen_t alen = sizeof(a);
	if (fd >= 0 && getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		close(fd);
		fd = hk_err_sys(err, -errno, "getsockname");
	}
	int w_fd[HK_PEER_WORKERS];
	unsigned nw = 1;
	for (; fd >= 0 && rp && nw < d->nworkers; nw++) {
		w_fd[nw] = udp_socket(family, ntohs(a.sin6_port), d->fwmark, false, true, err);
		if (w_fd[nw] < 0)
			break;
	}
	hk_thread_netns_leave(old);
	if (fd >= 0 && rp && nw < d->nworkers) {
		while (--nw > 0)
			close(w_fd[nw]);
		close(fd);
		return err->code;
	}
	if (fd < 0)
		return err->code ? err->code : hk_err_sys(err, fd, "UDP socket");
	if (d->udp_fd >= 0)
		close(d->udp_fd);
	d->udp_fd = fd;
	for (unsigned w = 1; rp && w < d->nworkers; w++) {
		if (d->wudp[w] >= 0)
			close(d->wudp[w]);
		d->wudp[w] = w_fd[w];
	}
	d->udp_family = family;
	d->port = ntohs(a.sin6_port); /* same offset in sockaddr_in */
	return 0;
}
