// SPDX-License-Identifier: MIT
/*
 * The packet path, single-threaded: from the device, a packet is routed to its peer by
 * destination (AllowedIPs), sealed in place behind the 16-byte data header and sent; from the
 * socket, a message is dispatched by type, data is opened in place, checked against the
 * replay window and its peer's AllowedIPs, and written to the device. No allocation on the
 * path except for the few packets that wait for a handshake.
 */
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "daemon.h"
#include "uapi.h"

#define HDR_LEN 16 /* struct hk_msg_data */
#define REKEY_AFTER_MESSAGES (1ULL << 60)
#define INIT_MIN_GAP_MS 20 /* at most 50 initiations a second from one peer */

struct loop {
	struct hk_tundev *d;
	uint8_t buf[HDR_LEN + HK_PKT_MAX + 2 * HK_TAG_LEN];
};

static uint64_t now_ms(void)
{
	return hk_timers_now();
}

static bool usable(const struct hk_tundev *d, const struct hk_keypair *kp, uint64_t now)
{
	return kp && now - kp->born_ms < d->t.reject_after && kp->send_ctr < HK_REPLAY_LIMIT;
}

static void send_to(struct hk_tundev *d, struct hk_peer *p, const void *buf, size_t len,
		    uint64_t now)
{
	struct sockaddr_in6 a6;
	const struct sockaddr *sa = &p->ep.sa;
	socklen_t alen;
	if (p->ep.sa.sa_family == AF_INET && d->udp_family == AF_INET6) {
		/* the dual-stack socket takes IPv4 as v4-mapped IPv6 */
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = p->ep.in.sin_port;
		a6.sin6_addr.s6_addr[10] = a6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&a6.sin6_addr.s6_addr[12], &p->ep.in.sin_addr, 4);
		sa = (const struct sockaddr *)&a6;
		alen = sizeof(a6);
	} else if (p->ep.sa.sa_family == AF_INET) {
		alen = sizeof(struct sockaddr_in);
	} else if (p->ep.sa.sa_family == AF_INET6) {
		alen = sizeof(struct sockaddr_in6);
	} else {
		return; /* no endpoint yet: the peer must reach us first */
	}
	if (sendto(d->udp_fd, buf, len, 0, sa, alen) < 0)
		return; /* like a lost packet: the timers retry */
	p->last_sent_ms = now;
	p->keepalive_due_ms = 0;
	p->tx_bytes += len;
}

static uint32_t new_index(struct hk_tundev *d)
{
	for (;;) {
		uint32_t i;
		struct hk_keypair *kp;
		hk_crypto_random(&i, sizeof(i));
		bool used = hk_peer_by_index(d->peers, d->n_peers, i, &kp) != NULL;
		for (size_t k = 0; k < d->n_peers && !used; k++)
			used = d->peers[k]->hs.initiated && d->peers[k]->hs.local_index == i;
		if (!used)
			return i;
	}
}

static void initiate(struct hk_tundev *d, struct hk_peer *p, uint64_t now, bool retry)
{
	if (!d->has_key || !p->ep.sa.sa_family)
		return;
	if (!retry && p->hs.initiated && now - p->hs_sent_ms < d->t.rekey_timeout)
		return;
	struct hk_msg_init m;
	if (hk_noise_init_create(&d->local, &p->np, &p->hs, new_index(d), now, &m) < 0)
		return;
	send_to(d, p, &m, sizeof(m), now);
	p->hs_sent_ms = now;
	if (!p->hs_first_ms)
		p->hs_first_ms = now;
}

/* Seal pkt (len bytes at l->buf + HDR_LEN, room after it) for p's current session. */
static void send_data(struct loop *l, struct hk_peer *p, size_t len, uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_keypair *kp = p->cur;
	size_t padded = (len + 15) & ~(size_t)15;
	if (len <= d->mtu && padded > d->mtu)
		padded = d->mtu;
	memset(l->buf + HDR_LEN + len, 0, padded - len);
	struct hk_msg_data *m = (struct hk_msg_data *)l->buf;
	uint64_t ctr = kp->send_ctr++;
	m->type = htole32(HK_MSG_DATA);
	m->receiver = htole32(kp->remote_index);
	m->counter = htole64(ctr);
	if (hk_aead_seal(kp->send, ctr, m->data, m->data, padded) < 0)
		return;
	send_to(d, p, l->buf, HDR_LEN + padded + HK_TAG_LEN, now);
	if (len && !p->unanswered_ms)
		p->unanswered_ms = now;
	if (kp->initiator &&
	    (now - kp->born_ms >= d->t.rekey_after || kp->send_ctr >= REKEY_AFTER_MESSAGES))
		initiate(d, p, now, false);
}

static void keepalive(struct loop *l, struct hk_peer *p, uint64_t now)
{
	if (usable(l->d, p->cur, now))
		send_data(l, p, 0, now);
	else
		initiate(l->d, p, now, false);
}

static void flush_queue(struct loop *l, struct hk_peer *p, uint64_t now)
{
	for (size_t i = 0; i < p->nqueue; i++) {
		memcpy(l->buf + HDR_LEN, p->queue[i], p->queue_len[i]);
		send_data(l, p, p->queue_len[i], now);
		free(p->queue[i]);
	}
	p->nqueue = 0;
}

/* The address family and destination (or source) of an IP packet; 0 when malformed. */
static int ip_addr(const uint8_t *pkt, size_t len, bool dst, const uint8_t **ret, size_t *ret_len)
{
	if (len >= 20 && pkt[0] >> 4 == 4) {
		*ret = pkt + (dst ? 16 : 12);
		*ret_len = (size_t)pkt[2] << 8 | pkt[3];
		return AF_INET;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		*ret = pkt + (dst ? 24 : 8);
		*ret_len = 40 + ((size_t)pkt[4] << 8 | pkt[5]);
		return AF_INET6;
	}
	return 0;
}

static void from_tun(struct loop *l, size_t len, uint64_t now)
{
	struct hk_tundev *d = l->d;
	const uint8_t *dst;
	size_t iplen;
	int fam = ip_addr(l->buf + HDR_LEN, len, true, &dst, &iplen);
	struct hk_peer *p = fam ? hk_peer_route(d->peers, d->n_peers, fam, dst) : NULL;
	if (!p) {
		d->drops.no_peer++;
		return;
	}
	if (usable(d, p->cur, now)) {
		send_data(l, p, len, now);
		return;
	}
	if (hk_peer_enqueue(p, l->buf + HDR_LEN, len) != 0)
		d->drops.queue++;
	initiate(d, p, now, false);
}

static void set_endpoint(struct hk_peer *p, const struct hk_endpoint *from)
{
	p->ep = *from; /* roaming: the last authenticated source wins */
}

static void handshake_done(struct hk_peer *p)
{
	clock_gettime(CLOCK_REALTIME, &p->last_handshake);
}

static void on_init(struct loop *l, const struct hk_msg_init *m, const struct hk_endpoint *from,
		    uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_handshake hs;
	uint8_t pub[HK_KEY_LEN], ts[HK_TAI64N_LEN];
	if (!d->has_key || !hk_noise_mac1_ok(&d->local, m, sizeof(*m))) {
		d->drops.bad_mac++;
		return;
	}
	if (hk_noise_init_consume1(&d->local, m, &hs, pub) < 0) {
		d->drops.bad_handshake++;
		goto out;
	}
	struct hk_peer *p = hk_peer_by_key(d->peers, d->n_peers, pub);
	if (!p) {
		d->drops.unknown_peer++;
		goto out;
	}
	if (hk_noise_init_consume2(&p->np, m, &hs, ts) < 0 ||
	    memcmp(ts, p->last_ts, HK_TAI64N_LEN) <= 0 ||
	    (p->last_init_ms && now - p->last_init_ms < INIT_MIN_GAP_MS)) {
		d->drops.bad_handshake++; /* undecryptable, a replayed initiation, or a flood */
		goto out;
	}
	memcpy(p->last_ts, ts, HK_TAI64N_LEN);
	p->last_init_ms = now;
	set_endpoint(p, from);
	struct hk_msg_resp r;
	struct hk_session_keys keys;
	if (hk_noise_resp_create(&p->np, &hs, new_index(d), now, &r, &keys) < 0)
		goto out;
	if (hk_peer_install(p, &keys, now))
		send_to(d, p, &r, sizeof(r), now);
out:
	hk_crypto_wipe(&hs, sizeof(hs));
}

static struct hk_peer *by_handshake(struct hk_tundev *d, uint32_t idx)
{
	for (size_t i = 0; i < d->n_peers; i++)
		if (d->peers[i]->hs.initiated && d->peers[i]->hs.local_index == idx)
			return d->peers[i];
	return NULL;
}

static void on_resp(struct loop *l, const struct hk_msg_resp *m, const struct hk_endpoint *from,
		    uint64_t now)
{
	struct hk_tundev *d = l->d;
	if (!d->has_key || !hk_noise_mac1_ok(&d->local, m, sizeof(*m))) {
		d->drops.bad_mac++;
		return;
	}
	struct hk_peer *p = by_handshake(d, le32toh(m->receiver));
	if (!p) {
		d->drops.unknown_index++;
		return;
	}
	struct hk_session_keys keys;
	if (hk_noise_resp_consume(&d->local, &p->np, &p->hs, m, &keys) < 0) {
		d->drops.bad_handshake++;
		return;
	}
	if (!hk_peer_install(p, &keys, now))
		return;
	p->hs_first_ms = 0;
	handshake_done(p);
	set_endpoint(p, from);
	p->last_recv_ms = now;
	uint64_t sent = p->last_sent_ms;
	flush_queue(l, p, now);
	if (p->last_sent_ms == sent)
		send_data(l, p, 0, now); /* the responder waits for a first data message */
}

static void on_cookie(struct loop *l, const struct hk_msg_cookie *m, uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_keypair *kp;
	uint32_t idx = le32toh(m->receiver);
	struct hk_peer *p = by_handshake(d, idx);
	if (!p)
		p = hk_peer_by_index(d->peers, d->n_peers, idx, &kp);
	if (!p) {
		d->drops.unknown_index++;
		return;
	}
	if (hk_noise_cookie_consume(&p->np, m, now) < 0)
		d->drops.bad_handshake++;
}

static void on_data(struct loop *l, size_t len, const struct hk_endpoint *from, uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_msg_data *m = (struct hk_msg_data *)l->buf;
	struct hk_keypair *kp;
	struct hk_peer *p = hk_peer_by_index(d->peers, d->n_peers, le32toh(m->receiver), &kp);
	if (!p || now - kp->born_ms >= d->t.reject_after) {
		d->drops.unknown_index++;
		return;
	}
	uint64_t ctr = le64toh(m->counter);
	size_t clen = len - HDR_LEN;
	if (hk_aead_open(kp->recv, ctr, m->data, m->data, clen) < 0) {
		d->drops.bad_auth++;
		return;
	}
	if (!hk_replay_accept(&kp->replay, ctr)) {
		d->drops.replay++;
		return;
	}
	if (kp == p->next) {
		hk_peer_confirm(p);
		handshake_done(p);
	}
	set_endpoint(p, from);
	p->last_recv_ms = now;
	p->unanswered_ms = 0;
	p->rx_bytes += len;
	if (kp->initiator &&
	    now - kp->born_ms >= d->t.reject_after - d->t.keepalive - d->t.rekey_timeout)
		initiate(d, p, now, false);
	size_t plen = clen - HK_TAG_LEN;
	if (!plen)
		return; /* a keepalive */
	if (!p->keepalive_due_ms)
		p->keepalive_due_ms = now + d->t.keepalive;
	const uint8_t *src;
	size_t iplen;
	int fam = ip_addr(m->data, plen, false, &src, &iplen);
	if (!fam || iplen > plen) {
		d->drops.malformed++;
		return;
	}
	if (hk_peer_route(d->peers, d->n_peers, fam, src) != p) {
		d->drops.bad_source++;
		return;
	}
	if (write(d->tun_fd, m->data, iplen) < 0)
		return; /* the device is down or full: dropped like the kernel's own */
}

static void from_udp(struct loop *l, size_t len, const struct hk_endpoint *from, uint64_t now)
{
	uint32_t type;
	if (len < 4) {
		l->d->drops.malformed++;
		return;
	}
	memcpy(&type, l->buf, 4);
	type = le32toh(type);
	if (type == HK_MSG_DATA && len >= HDR_LEN + HK_TAG_LEN)
		on_data(l, len, from, now);
	else if (type == HK_MSG_INIT && len == sizeof(struct hk_msg_init))
		on_init(l, (const struct hk_msg_init *)l->buf, from, now);
	else if (type == HK_MSG_RESP && len == sizeof(struct hk_msg_resp))
		on_resp(l, (const struct hk_msg_resp *)l->buf, from, now);
	else if (type == HK_MSG_COOKIE && len == sizeof(struct hk_msg_cookie))
		on_cookie(l, (const struct hk_msg_cookie *)l->buf, now);
	else
		l->d->drops.malformed++;
}

static void tick_peer(struct loop *l, struct hk_peer *p, uint64_t now)
{
	struct hk_tundev *d = l->d;
	if (p->hs.initiated && now - p->hs_sent_ms >= d->t.rekey_timeout) {
		if (now - p->hs_first_ms >= d->t.rekey_attempt) {
			/* gave up: the queue goes, the next packet starts again */
			hk_crypto_wipe(&p->hs, sizeof(p->hs));
			p->hs_first_ms = 0;
			for (size_t i = 0; i < p->nqueue; i++)
				free(p->queue[i]);
			p->nqueue = 0;
		} else {
			initiate(d, p, now, true);
		}
	}
	if (p->keepalive_due_ms && now >= p->keepalive_due_ms) {
		p->keepalive_due_ms = 0;
		if (usable(d, p->cur, now))
			send_data(l, p, 0, now);
	}
	if (p->unanswered_ms && now - p->unanswered_ms >= d->t.keepalive + d->t.rekey_timeout) {
		p->unanswered_ms = 0;
		initiate(d, p, now, false);
	}
	if (p->keepalive && now - p->last_sent_ms >= (uint64_t)p->keepalive * 1000)
		keepalive(l, p, now);
	if (p->cur && now - p->cur->born_ms >= 3 * d->t.reject_after)
		hk_peer_drop_sessions(p); /* unused three times REJECT_AFTER_TIME, as the kernel */
}

static int epoll_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void drain_tun(struct loop *l)
{
	for (int i = 0; i < 256; i++) {
		ssize_t n = read(l->d->tun_fd, l->buf + HDR_LEN, HK_PKT_MAX);
		if (n <= 0)
			return;
		from_tun(l, (size_t)n, now_ms());
	}
}

static void drain_udp(struct loop *l)
{
	for (int i = 0; i < 256; i++) {
		struct hk_endpoint from;
		socklen_t alen = sizeof(from);
		memset(&from, 0, sizeof(from));
		ssize_t n = recvfrom(l->d->udp_fd, l->buf, sizeof(l->buf), 0, &from.sa, &alen);
		if (n < 0)
			return;
		from_udp(l, (size_t)n, &from, now_ms());
	}
}

static void serve_uapi(struct loop *l, int ep, int uapi_fd)
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
			keepalive(l, l->d->peers[i], now);
}

int hk_daemon_run(struct hk_tundev *d, int uapi_fd, struct hk_err *err)
{
	_cleanup_free_ struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return hk_err_set(err, -ENOMEM, "out of memory");
	l->d = d;
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
			keepalive(l, d->peers[i], now);
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(ep, ev, 8, (int)period);
		if (n < 0 && errno != EINTR)
			return hk_err_sys(err, -errno, "tunnel '%s': epoll_wait", d->name);
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;
			if (fd == sfd)
				return 0;
			if (fd == d->tun_fd)
				drain_tun(l);
			else if (fd == d->udp_fd)
				drain_udp(l);
			else if (fd == uapi_fd)
				serve_uapi(l, ep, uapi_fd);
		}
		now = now_ms();
		if (now - last_tick >= period) {
			last_tick = now;
			for (size_t i = 0; i < d->n_peers; i++)
				tick_peer(l, d->peers[i], now);
		}
	}
}
