// SPDX-License-Identifier: MIT
/*
 * A tunnel's event loop: epoll over the TUN device, the UDP socket (or the TCP listener and
 * its connections), the configuration socket and a signalfd; the packet path is datapath.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/testpoint.h"
#include "daemon.h"
#include "datapath.h"
#include "uapi.h"

#define HDR_LEN HK_DP_HDR_LEN
#define GSO_MAX HK_DP_GSO_MAX
#define RX_BATCH HK_DP_RX_BATCH

static uint64_t now_ms(void)
{
	return hk_timers_now();
}

static int epoll_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void drain_tun(struct hk_dp *l)
{
	for (int i = 0; i < 256; i++) {
		struct virtio_net_hdr h;
		struct iovec iov[2] = { { &h, sizeof(h) }, { l->tx + HDR_LEN, HK_PKT_MAX } };
		ssize_t n = readv(l->d->tun_fd, iov, 2);
		if (n <= (ssize_t)sizeof(h))
			return;
		hk_datapath_from_tun(l, &h, (size_t)n - sizeof(h), now_ms());
	}
}

static void drain_udp(struct hk_dp *l)
{
	struct hk_endpoint from[RX_BATCH];
	struct mmsghdr mm[RX_BATCH];
	struct iovec iov[RX_BATCH];
	char cbuf[RX_BATCH][CMSG_SPACE(sizeof(int))];
	for (int round = 0; round < 16; round++) {
		for (int i = 0; i < RX_BATCH; i++) {
			iov[i] = (struct iovec){ l->rx[i], sizeof(l->rx[i]) };
			mm[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							 .msg_namelen = sizeof(from[i]),
							 .msg_iov = &iov[i],
							 .msg_iovlen = 1,
							 .msg_control = cbuf[i],
							 .msg_controllen = sizeof(cbuf[i]) };
			memset(&from[i], 0, sizeof(from[i]));
		}
		int got = recvmmsg(l->d->udp_fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			break;
		uint64_t now = now_ms();
		for (int i = 0; i < got; i++) {
			struct msghdr *mh = &mm[i].msg_hdr;
			size_t n = mm[i].msg_len, gso = n;
			/* UDP GRO: datagrams of gso bytes each (the last may be shorter) */
			for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
				if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
					int g;
					memcpy(&g, CMSG_DATA(c), sizeof(g));
					if (g > 0)
						gso = (size_t)g;
				}
			for (size_t off = 0; off < n; off += gso) {
				size_t len = n - off < gso ? n - off : gso;
				hk_datapath_from_udp(l, l->rx[i] + off, len, &from[i], now);
			}
		}
		if (got < RX_BATCH)
			break;
	}
	hk_datapath_flush(l);
}

static void on_conn_msg(void *ctx, uint8_t *msg, size_t len)
{
	struct hk_dp *l = ctx;
	hk_datapath_from_udp(l, msg, len, &l->cur_conn->addr, now_ms());
}

/* Transport = tcp: new connections on the listener. */
static void accept_conns(struct hk_dp *l)
{
	for (int i = 0; i < 64; i++) {
		struct hk_endpoint a;
		socklen_t alen = sizeof(a);
		memset(&a, 0, sizeof(a));
		int fd = accept4(l->d->udp_fd, &a.sa, &alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct hk_tcpconn *c = hk_tcpconn_accepted(fd, &a);
		if (c)
			hk_tundev_conn_add(l->d, c);
	}
}

static void conn_event(struct hk_dp *l, struct hk_tcpconn *c, uint32_t events)
{
	int r = 0;
	if (events & EPOLLOUT)
		r = hk_tcpconn_flush(c) < 0 ? -1 : 0;
	if (!r && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		l->cur_conn = c;
		c->busy = true;
		r = hk_tcpconn_read(c, on_conn_msg, l);
		c->busy = false;
		l->cur_conn = NULL;
		hk_datapath_flush(l);
	}
	if (r < 0 || c->dead)
		hk_tundev_conn_drop(l->d, c);
}

static void serve_uapi(struct hk_dp *l, int ep, int uapi_fd)
{
	int c = accept4(uapi_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	int udp = l->d->udp_fd;
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	hk_uapi_serve(l->d, c);
	close(c);
	if (l->d->udp_fd != udp && l->d->udp_fd >= 0)
		epoll_add(ep, l->d->udp_fd); /* listen_port changed: a new socket */
	uint64_t now = now_ms();
	for (size_t i = 0; i < l->d->n_peers; i++)
		if (l->d->peers[i]->keepalive && !l->d->peers[i]->last_sent_ms)
			hk_datapath_keepalive(l, l->d->peers[i], now);
}

static int run(struct hk_dp *l, int uapi_fd, struct hk_err *err);

int hk_daemon_run(struct hk_tundev *d, int uapi_fd, struct hk_err *err)
{
	_cleanup_free_ struct hk_dp *l = calloc(1, sizeof(*l));
	if (!l)
		return hk_err_set(err, -ENOMEM, "out of memory");
	l->d = d;
	const char *fl = hk_test_getenv("HAKO_TEST_TUNNEL_UNDER_LOAD");
	l->force_load = fl && !strcmp(fl, "1");
	l->seg_stride = HDR_LEN + ((d->mtu + 15) & ~(size_t)15) + HK_TAG_LEN;
	/* the cutter writes at + HDR_LEN; tap mode keeps a frame's copy there (< 64 KiB) */
	l->seg = malloc(GSO_MAX * l->seg_stride + HDR_LEN);
	if (!l->seg)
		return hk_err_set(err, -ENOMEM, "out of memory");
	int one = 1;
	setsockopt(d->udp_fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	int r = run(l, uapi_fd, err);
	free(l->seg);
	hk_crypto_wipe(l->cookie_secret, sizeof(l->cookie_secret));
	return r;
}

static int run(struct hk_dp *l, int uapi_fd, struct hk_err *err)
{
	struct hk_tundev *d = l->d;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0)
		return hk_err_sys(err, -errno, "tunnel '%s': event loop", d->name);
	int r;
	d->epfd = ep;
	l->no_gso = d->tcp; /* over TCP one message at a time */
	if ((r = epoll_add(ep, d->tun_fd)) < 0 || (r = epoll_add(ep, d->udp_fd)) < 0 ||
	    (r = epoll_add(ep, uapi_fd)) < 0 || (r = epoll_add(ep, sfd)) < 0)
		return hk_err_sys(err, r, "tunnel '%s': epoll", d->name);
	uint64_t period = d->t.rekey_timeout / 5, last_tick = 0;
	if (period > 100)
		period = 100;
	if (period < 10)
		period = 10;
	uint64_t now = now_ms();
	for (size_t i = 0; i < d->n_peers; i++)
		if (d->peers[i]->keepalive)
			hk_datapath_keepalive(l, d->peers[i], now);
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(ep, ev, 8, (int)period);
		if (n < 0 && errno != EINTR)
			return hk_err_sys(err, -errno, "tunnel '%s': epoll_wait", d->name);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == sfd)
				return 0;
			struct hk_tcpconn *c;
			if (fd == d->tun_fd)
				drain_tun(l);
			else if (fd == d->udp_fd && d->tcp)
				accept_conns(l);
			else if (fd == d->udp_fd)
				drain_udp(l);
			else if (fd == uapi_fd)
				serve_uapi(l, ep, uapi_fd);
			else if ((c = hk_tundev_conn_by_fd(d, fd)))
				conn_event(l, c, ev[i].events);
		}
		now = now_ms();
		if (now - last_tick >= period) {
			last_tick = now;
			for (size_t i = 0; i < d->n_peers; i++)
				hk_datapath_tick(l, d->peers[i], now);
		}
	}
}
