// SPDX-License-Identifier: MIT
/*
 * A tunnel's event loop: epoll over the TUN device, the UDP socket (or the TCP listener and
 * its connections), the configuration socket and a signalfd; the packet path is datapath.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
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

/* Workers 1..N-1 stop here, between packets, while worker 0 changes peers. */
static void check(struct hk_dp *l)
{
	if (l->id)
		hk_mq_check(l->mq);
}

static void drain_tun(struct hk_dp *l)
{
	for (int i = 0; i < 256; i++) {
		struct virtio_net_hdr h;
		struct iovec iov[2] = { { &h, sizeof(h) }, { l->tx + HDR_LEN, HK_PKT_MAX } };
		check(l);
		ssize_t n = readv(l->tun_fd, iov, 2);
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
		check(l);
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
		int got = recvmmsg(l->udp_fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
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

static void worker_socket(struct hk_dp *l, int fd)
{
	int one = 1;
	setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	epoll_add(l->ep, fd); /* the old one left the set when it was closed */
	l->udp_fd = fd;
}

/* Worker 0: what the others handed over, with them parked. */
static void take_handoffs(struct hk_dp *l)
{
	uint64_t v;
	if (read(l->mq->wake[0], &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	struct hk_handoff *h = hk_mq_take(l->mq), *next;
	if (!h)
		return;
	hk_dp_park(l);
	uint64_t now = now_ms();
	for (; h; h = next) {
		next = h->next;
		if (h->from_tun) {
			memcpy(l->tx + HDR_LEN, h->data, h->len);
			hk_datapath_from_tun(l, &h->h, h->len, now);
		} else {
			hk_datapath_from_udp(l, h->data, h->len, &h->from, now);
		}
		free(h);
	}
	hk_datapath_flush(l);
	hk_dp_unpark(l);
}

/* Workers 1..N-1: the data path of one TUN queue and one socket. */
static void *worker_main(void *arg)
{
	struct hk_dp *l = arg;
	for (;;) {
		hk_mq_check(l->mq);
		if (__atomic_load_n(&l->mq->stop, __ATOMIC_ACQUIRE))
			return NULL;
		struct epoll_event ev[4];
		int n = epoll_wait(l->ep, ev, 4, -1);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			uint64_t v;
			if (fd == l->mq->wake[l->id]) {
				if (read(fd, &v, sizeof(v)) < 0)
					continue; /* woken already */
			} else if (fd == l->tun_fd) {
				drain_tun(l);
			} else if (fd == l->udp_fd) {
				drain_udp(l);
			}
		}
	}
}

struct uapi_ctx {
	struct hk_dp *l;
	int ep, udp, wudp[HK_PEER_WORKERS];
};

static void uapi_park(void *p)
{
	struct uapi_ctx *u = p;
	u->udp = u->l->d->udp_fd;
	memcpy(u->wudp, u->l->d->wudp, sizeof(u->wudp));
	hk_dp_park(u->l);
}

static void uapi_unpark(void *p)
{
	struct uapi_ctx *u = p;
	struct hk_dp *l = u->l;
	if (l->d->udp_fd != u->udp && l->d->udp_fd >= 0) {
		epoll_add(u->ep, l->d->udp_fd); /* listen_port changed: a new socket */
		l->udp_fd = l->d->udp_fd;
		int one = 1;
		setsockopt(l->udp_fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	}
	for (unsigned w = 1; l->mq && w < l->mq->n; w++)
		if (l->d->wudp[w] != u->wudp[w]) /* and the workers' */
			worker_socket(l->workers[w], l->d->wudp[w]);
	hk_dp_unpark(l);
	uint64_t now = now_ms();
	for (size_t i = 0; i < l->d->n_peers; i++)
		if (l->d->peers[i]->keepalive && !l->d->peers[i]->last_sent_ms)
			hk_datapath_keepalive(l, l->d->peers[i], now);
}

/* Configuration socket clients: served as their bytes come, never waited on */
#define UAPI_CLIENTS 16

static void uapi_run(struct hk_dp *l, int ep, struct hk_uapi_client *c)
{
	struct uapi_ctx u = { .l = l, .ep = ep };
	struct hk_uapi_hooks h = { .park = uapi_park, .unpark = uapi_unpark, .ctx = &u };
	if (hk_uapi_client_run(l->d, c, &h) < 0)
		hk_uapi_client_close(c);
}

static void uapi_close_all(struct hk_uapi_client *cl)
{
	for (unsigned k = 0; k < UAPI_CLIENTS; k++)
		if (cl[k].fd >= 0)
			hk_uapi_client_close(&cl[k]);
}

static void uapi_accept(struct hk_dp *l, int ep, int uapi_fd, struct hk_uapi_client *cl)
{
	for (;;) {
		int fd = accept4(uapi_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct hk_uapi_client *c = NULL, *oldest = &cl[0];
		for (unsigned i = 0; i < UAPI_CLIENTS && !c; i++) {
			if (cl[i].fd < 0)
				c = &cl[i];
			else if (cl[i].deadline_ms < oldest->deadline_ms)
				oldest = &cl[i];
		}
		if (!c) { /* all taken: the oldest makes room */
			hk_uapi_client_close(oldest);
			c = oldest;
		}
		hk_uapi_client_init(c, fd);
		if (epoll_add(ep, fd) < 0) {
			hk_uapi_client_close(c);
			continue;
		}
		uapi_run(l, ep, c); /* what came with the connection */
	}
}

static int run(struct hk_dp *l, int uapi_fd, struct hk_err *err);

static struct hk_dp *dp_new(struct hk_tundev *d, unsigned id)
{
	struct hk_dp *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->d = d;
	l->id = id;
	l->ep = -1;
	const char *fl = hk_test_getenv("HAKO_TEST_TUNNEL_UNDER_LOAD");
	l->force_load = fl && !strcmp(fl, "1");
	l->seg_stride = HDR_LEN + ((d->mtu + 15) & ~(size_t)15) + HK_TAG_LEN;
	/* the cutter writes at + HDR_LEN; tap mode keeps a frame's copy there (< 64 KiB) */
	l->seg = malloc(GSO_MAX * l->seg_stride + HDR_LEN);
	if (!l->seg) {
		free(l);
		return NULL;
	}
	l->tun_fd = id ? d->wtun[id] : d->tun_fd;
	l->udp_fd = id ? d->wudp[id] : d->udp_fd;
	int one = 1;
	setsockopt(l->udp_fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	return l;
}

static void dp_free(struct hk_dp *l)
{
	if (!l)
		return;
	if (l->ep >= 0)
		close(l->ep);
	free(l->seg);
	hk_crypto_wipe(l->cookie_secret, sizeof(l->cookie_secret));
	free(l);
}

int hk_daemon_run(struct hk_tundev *d, int uapi_fd, struct hk_err *err)
{
	/* blocked in every thread (they inherit it): the signalfd takes them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct hk_mq mq;
	struct hk_dp *w[HK_PEER_WORKERS] = { 0 };
	pthread_t th[HK_PEER_WORKERS];
	unsigned n = d->nworkers ? d->nworkers : 1, started = 1;
	int r = n > 1 ? hk_mq_init(&mq, n) : 0;
	if (r < 0) {
		r = hk_err_sys(err, r, "tunnel '%s': eventfd", d->name);
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		if (!(w[i] = dp_new(d, i))) {
			r = hk_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
	w[0]->workers = w;
	for (; started < n; started++) {
		struct hk_dp *l = w[started];
		l->mq = &mq;
		l->ep = epoll_create1(EPOLL_CLOEXEC);
		if (l->ep < 0 || (r = epoll_add(l->ep, l->tun_fd)) < 0 ||
		    (r = epoll_add(l->ep, l->udp_fd)) < 0 ||
		    (r = epoll_add(l->ep, mq.wake[started])) < 0 ||
		    (r = -pthread_create(&th[started], NULL, worker_main, l)) < 0) {
			r = hk_err_sys(err, r < 0 ? r : -errno, "tunnel '%s': worker %u", d->name,
				       started);
			goto out;
		}
	}
	if (n > 1)
		w[0]->mq = &mq;
	r = run(w[0], uapi_fd, err);
out:
	if (n > 1) {
		__atomic_store_n(&mq.stop, 1, __ATOMIC_RELEASE);
		for (unsigned i = 1; i < started; i++)
			hk_mq_wake(&mq, i);
		for (unsigned i = 1; i < started; i++)
			pthread_join(th[i], NULL);
	}
	for (unsigned i = 0; i < n; i++)
		dp_free(w[i]);
	if (n > 1)
		hk_mq_fini(&mq);
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
	    (r = epoll_add(ep, uapi_fd)) < 0 || (r = epoll_add(ep, sfd)) < 0 ||
	    (l->mq && (r = epoll_add(ep, l->mq->wake[0])) < 0))
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
	struct hk_uapi_client cl[UAPI_CLIENTS];
	for (unsigned k = 0; k < UAPI_CLIENTS; k++)
		cl[k].fd = -1, cl[k].b = NULL;
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(ep, ev, 8, (int)period);
		if (n < 0 && errno != EINTR) {
			r = hk_err_sys(err, -errno, "tunnel '%s': epoll_wait", d->name);
			uapi_close_all(cl);
			return r;
		}
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == sfd) {
				uapi_close_all(cl);
				return 0;
			}
			struct hk_tcpconn *c;
			if (fd == d->tun_fd)
				drain_tun(l);
			else if (fd == d->udp_fd && d->tcp)
				accept_conns(l);
			else if (fd == d->udp_fd)
				drain_udp(l);
			else if (fd == uapi_fd)
				uapi_accept(l, ep, uapi_fd, cl);
			else if (l->mq && fd == l->mq->wake[0])
				take_handoffs(l);
			else if ((c = hk_tundev_conn_by_fd(d, fd)))
				conn_event(l, c, ev[i].events);
			else
				for (unsigned k = 0; k < UAPI_CLIENTS; k++)
					if (cl[k].fd == fd)
						uapi_run(l, ep, &cl[k]);
		}
		now = now_ms();
		if (now - last_tick >= period) {
			last_tick = now;
			for (unsigned k = 0; k < UAPI_CLIENTS; k++)
				if (cl[k].fd >= 0 && hk_uapi_client_expired(&cl[k]))
					hk_uapi_client_close(&cl[k]);
			for (size_t i = 0; i < d->n_peers; i++)
				hk_datapath_tick(l, d->peers[i], now);
		}
	}
}
