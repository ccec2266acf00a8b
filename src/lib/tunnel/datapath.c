// SPDX-License-Identifier: MIT
/* The packet path (datapath.h). */
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "datapath.h"

#define HDR_LEN HK_DP_HDR_LEN
#define GSO_MAX HK_DP_GSO_MAX
#define REKEY_AFTER_MESSAGES (1ULL << 60)
#define INIT_MIN_GAP_MS 20  /* at most 50 initiations a second from one peer */
#define UDP_GSO_BYTES 65000 /* one UDP GSO send: its datagrams together */
/* Under load: more handshake messages than this in one second (a single thread does about
 * 5000 a second here), and for the second after; then initiations must carry a cookie. */
#define LOAD_HANDSHAKES 1000
#define COOKIE_SECRET_MS 120000

/* Worker 0 changes a peer with the other workers parked (single worker: nothing to do). */
void hk_dp_park(struct hk_dp *l)
{
	if (l->mq)
		hk_mq_park(l->mq);
}

void hk_dp_unpark(struct hk_dp *l)
{
	if (l->mq)
		hk_mq_unpark(l->mq);
}

static bool usable(const struct hk_tundev *d, const struct hk_keypair *kp, uint64_t now)
{
	return kp && now - kp->born_ms < d->t.reject_after &&
	       HK_LOAD(kp->send_ctr) < HK_REPLAY_LIMIT;
}

/* The peer's endpoint as the socket takes it (NULL: none yet). */
static const struct sockaddr *endpoint_sa(struct hk_tundev *d, struct hk_peer *p,
					  struct sockaddr_in6 *a6, socklen_t *alen)
{
	if (p->ep.sa.sa_family == AF_INET && d->udp_family == AF_INET6) {
		/* the dual-stack socket takes IPv4 as v4-mapped IPv6 */
		memset(a6, 0, sizeof(*a6));
		a6->sin6_family = AF_INET6;
		a6->sin6_port = p->ep.in.sin_port;
		a6->sin6_addr.s6_addr[10] = a6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&a6->sin6_addr.s6_addr[12], &p->ep.in.sin_addr, 4);
		*alen = sizeof(*a6);
		return (const struct sockaddr *)a6;
	}
	if (p->ep.sa.sa_family == AF_INET) {
		*alen = sizeof(struct sockaddr_in);
		return &p->ep.sa;
	}
	if (p->ep.sa.sa_family == AF_INET6) {
		*alen = sizeof(struct sockaddr_in6);
		return &p->ep.sa;
	}
	return NULL; /* no endpoint yet: the peer must reach us first */
}

/* Counted and timed for the timers (workers share these: relaxed atomics). */
static void sent_bytes(struct hk_peer *p, unsigned w, size_t len, uint64_t now)
{
	/* written only when they change: a line two workers write on every packet would
	 * bounce between their CPUs */
	if (HK_LOAD(p->last_sent_ms) != now)
		HK_STORE(p->last_sent_ms, now);
	if (HK_LOAD(p->keepalive_due_ms))
		HK_STORE(p->keepalive_due_ms, 0);
	p->bytes[w].v[HK_PEER_TX] += len; /* this worker's own line */
}

/* Transport = tcp: over the peer's connection, made when there is none (it must have an
 * endpoint then). */
static void send_tcp(struct hk_tundev *d, struct hk_peer *p, const void *buf, size_t len,
		     uint64_t now)
{
	if (!p->conn) {
		if (!p->ep.sa.sa_family)
			return;
		struct hk_tcpconn *c = hk_tcpconn_connect(d->sock_netns_fd, &p->ep);
		if (!c || hk_tundev_conn_add(d, c) < 0)
			return;
		c->peer = p;
		c->born_ms = now;
		p->conn = c;
	}
	int r = hk_tcpconn_send(p->conn, buf, len);
	if (r == -ENOBUFS && p->conn->tlen < HK_TCPCONN_TXMAX / 2)
		return; /* dropped, as a datagram would be */
	if (r < 0) {
		/* broken, or 1 MiB queued that the other end does not take: a new connection
		 * on the next send */
		hk_tundev_conn_drop(d, p->conn);
		return;
	}
	sent_bytes(p, 0, len, now); /* one worker over TCP */
}

static void send_to(struct hk_dp *l, struct hk_peer *p, const void *buf, size_t len, uint64_t now)
{
	struct hk_tundev *d = l->d;
	if (d->tcp) {
		send_tcp(d, p, buf, len, now);
		return;
	}
	struct sockaddr_in6 a6;
	socklen_t alen;
	const struct sockaddr *sa = endpoint_sa(d, p, &a6, &alen);
	if (!sa || sendto(l->udp_fd, buf, len, 0, sa, alen) < 0)
		return; /* like a lost packet: the timers retry */
	sent_bytes(p, l->id, len, now);
}

/* Like send_to, bytes of datagrams of gso bytes each (the last may be shorter). */
static int send_to_gso(struct hk_dp *l, struct hk_peer *p, const void *buf, size_t bytes,
		       uint16_t gso, uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct sockaddr_in6 a6;
	socklen_t alen;
	const struct sockaddr *sa = endpoint_sa(d, p, &a6, &alen);
	if (!sa)
		return 0;
	char cbuf[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = bytes };
	struct msghdr mh = { .msg_name = (void *)sa,
			     .msg_namelen = alen,
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	if (sendmsg(l->udp_fd, &mh, 0) < 0) {
		if (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT || errno == EOPNOTSUPP)
			return -errno; /* no UDP GSO on this path */
		return 0;	       /* like a lost packet */
	}
	sent_bytes(p, l->id, bytes, now);
	return 0;
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

static void initiate(struct hk_dp *l, struct hk_peer *p, uint64_t now, bool retry)
{
	struct hk_tundev *d = l->d;
	if (l->id) {
		HK_STORE(p->want_hs, 1); /* worker 0's: its next tick */
		return;
	}
	if (!d->has_key || !p->ep.sa.sa_family)
		return;
	if (!retry && p->hs.initiated && now - p->hs_sent_ms < d->t.rekey_timeout)
		return;
	struct hk_msg_init m;
	if (hk_noise_init_create(&d->local, &p->np, &p->hs, new_index(d), now, &m) < 0)
		return;
	send_to(l, p, &m, sizeof(m), now);
	p->hs_sent_ms = now;
	if (!p->hs_first_ms)
		p->hs_first_ms = now;
}

static size_t padded_len(const struct hk_tundev *d, size_t len)
{
	if (d->tap)
		return len; /* a frame has no length field to find its end by: never padded */
	size_t padded = (len + 15) & ~(size_t)15;
	return len <= d->mtu && padded > d->mtu ? d->mtu : padded;
}

/* Seal the packet of len bytes at msg + HDR_LEN (room after it) as a data message of kp;
 * its length, 0 on failure. */
static size_t seal(struct hk_dp *l, struct hk_keypair *kp, uint8_t *msg, size_t len)
{
	struct hk_tundev *d = l->d;
	size_t padded = padded_len(d, len);
	memset(msg + HDR_LEN + len, 0, padded - len);
	struct hk_msg_data *m = (struct hk_msg_data *)msg;
	uint64_t ctr = HK_ADD(kp->send_ctr, 1);
	m->type = htole32(HK_MSG_DATA);
	m->receiver = htole32(kp->remote_index);
	m->counter = htole64(ctr);
	if (hk_aead_seal(kp->send[l->id], ctr, m->data, m->data, padded) < 0)
		return 0;
	return HDR_LEN + padded + HK_TAG_LEN;
}

static void sent_data(struct hk_dp *l, struct hk_peer *p, struct hk_keypair *kp, bool data,
		      uint64_t now)
{
	struct hk_tundev *d = l->d;
	if (data && !HK_LOAD(p->unanswered_ms))
		HK_STORE(p->unanswered_ms, now);
	if (kp->initiator && (now - kp->born_ms >= d->t.rekey_after ||
			      HK_LOAD(kp->send_ctr) >= REKEY_AFTER_MESSAGES))
		initiate(l, p, now, false);
}

/* Seal and send the packet of len bytes at l->tx + HDR_LEN for p's current session. */
static void send_data(struct hk_dp *l, struct hk_peer *p, size_t len, uint64_t now)
{
	struct hk_keypair *kp = p->cur;
	size_t n = seal(l, kp, l->tx, len);
	if (n)
		send_to(l, p, l->tx, n, now);
	sent_data(l, p, kp, len > 0, now);
}

void hk_datapath_keepalive(struct hk_dp *l, struct hk_peer *p, uint64_t now)
{
	if (usable(l->d, p->cur, now))
		send_data(l, p, 0, now);
	else
		initiate(l, p, now, false);
}

static void flush_queue(struct hk_dp *l, struct hk_peer *p, uint64_t now)
{
	for (size_t i = 0; i < p->nqueue; i++) {
		memcpy(l->tx + HDR_LEN, p->queue[i], p->queue_len[i]);
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

/* msgs: n sealed messages of stride bytes each (the last last_len) to p, by UDP GSO. */
static void send_gso(struct hk_dp *l, struct hk_peer *p, uint8_t *msgs, size_t stride, size_t n,
		     size_t last_len, uint64_t now)
{
	size_t per = UDP_GSO_BYTES / stride;
	for (size_t i = 0; i < n;) {
		size_t k = n - i < per ? n - i : per;
		size_t bytes = (k - 1) * stride + (i + k == n ? last_len : stride);
		if (l->no_gso || k == 1) {
			for (size_t j = 0; j < k; j++)
				send_to(l, p, msgs + (i + j) * stride,
					i + j + 1 == n ? last_len : stride, now);
		} else {
			if (send_to_gso(l, p, msgs + i * stride, bytes, (uint16_t)stride, now) <
			    0) {
				l->no_gso = true;
				continue; /* the same chunk again, one datagram at a time */
			}
		}
		i += k;
	}
}

/* A TSO or USO packet (len bytes at l->tx + HDR_LEN): cut, sealed in place, sent in one go. */
static void from_tun_gso(struct hk_dp *l, struct hk_peer *p, const struct virtio_net_hdr *h,
			 size_t len, uint64_t now)
{
	struct hk_tundev *d = l->d;
	size_t lens[GSO_MAX];
	int n = h->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4
			? hk_offload_uso(l->tx + HDR_LEN, len, h->gso_size, l->seg + HDR_LEN,
					 l->seg_stride, GSO_MAX, lens)
			: hk_offload_tso(l->tx + HDR_LEN, len, h->gso_size, l->seg + HDR_LEN,
					 l->seg_stride, GSO_MAX, lens);
	/* a segment longer than the MTU would not fit its slot once sealed (the kernel cuts
	 * to the device's MTU: never seen) */
	if (n <= 0 || lens[0] > d->mtu) {
		HK_ADD(d->drops.malformed, 1);
		return;
	}
	struct hk_keypair *kp = p->cur;
	if (!usable(d, kp, now)) {
		for (int i = 0; i < n; i++)
			if (hk_peer_enqueue(p, l->seg + i * l->seg_stride + HDR_LEN, lens[i]) != 0)
				HK_ADD(d->drops.queue, 1);
		initiate(l, p, now, false);
		return;
	}
	/* every full segment seals to the same length: that is the GSO size */
	size_t stride = 0, last = 0;
	for (int i = 0; i < n; i++) {
		uint8_t *msg = l->seg + (size_t)i * l->seg_stride;
		size_t m = seal(l, kp, msg, lens[i]);
		if (!m)
			return;
		if (i == 0)
			stride = m;
		last = m;
		if (i > 0 && stride != l->seg_stride)
			memmove(l->seg + (size_t)i * stride, msg, m); /* close the gaps */
	}
	send_gso(l, p, l->seg, stride, (size_t)n, last, now);
	sent_data(l, p, kp, true, now);
}

/* Send the packet at l->tx + HDR_LEN to p, or queue it and start a handshake. */
static void to_peer(struct hk_dp *l, struct hk_peer *p, size_t len, uint64_t now)
{
	if (usable(l->d, p->cur, now)) {
		send_data(l, p, len, now);
		return;
	}
	if (hk_peer_enqueue(p, l->tx + HDR_LEN, len) != 0)
		HK_ADD(l->d->drops.queue, 1);
	initiate(l, p, now, false);
}

/* Tap mode: a frame goes to the peer its destination was learnt behind; broadcast, multicast
 * and unknown destinations to every peer (a bridge's flooding). */
static void from_tap(struct hk_dp *l, size_t len, uint64_t now)
{
	struct hk_tundev *d = l->d;
	const uint8_t *f = l->tx + HDR_LEN;
	if (len < 14) {
		HK_ADD(d->drops.malformed, 1);
		return;
	}
	struct hk_peer *p = f[0] & 1 ? NULL : hk_tundev_mac_peer(d, f);
	if (p) {
		to_peer(l, p, len, now);
		return;
	}
	if (!d->n_peers) {
		HK_ADD(d->drops.no_peer, 1);
		return;
	}
	memcpy(l->seg, f, len); /* sealing works in place: a copy per peer */
	for (size_t i = 0; i < d->n_peers; i++) {
		memcpy(l->tx + HDR_LEN, l->seg, len);
		to_peer(l, d->peers[i], len, now);
	}
}

void hk_datapath_from_tun(struct hk_dp *l, const struct virtio_net_hdr *h, size_t len, uint64_t now)
{
	if (l->d->tap) {
		from_tap(l, len, now);
		return;
	}
	struct hk_tundev *d = l->d;
	uint8_t *pkt = l->tx + HDR_LEN;
	const uint8_t *dst;
	size_t iplen;
	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE && (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    hk_offload_csum(pkt, len, h) < 0) {
		HK_ADD(d->drops.malformed, 1);
		return;
	}
	int fam = ip_addr(pkt, len, true, &dst, &iplen);
	struct hk_peer *p = fam ? hk_peer_route(d->peers, d->n_peers, fam, dst) : NULL;
	if (!p) {
		HK_ADD(d->drops.no_peer, 1);
		return;
	}
	if (l->id && !usable(d, p->cur, now)) {
		struct virtio_net_hdr hh = *h; /* the checksum is done */
		if (hh.gso_type == VIRTIO_NET_HDR_GSO_NONE)
			hh.flags &= (uint8_t)~VIRTIO_NET_HDR_F_NEEDS_CSUM;
		/* worker 0 queues it and shakes hands */
		if (!hk_mq_handoff(l->mq, true, &hh, NULL, pkt, len))
			HK_ADD(d->drops.queue, 1);
		return;
	}
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		from_tun_gso(l, p, h, len, now);
		return;
	}
	if (usable(d, p->cur, now)) {
		send_data(l, p, len, now);
		return;
	}
	if (hk_peer_enqueue(p, pkt, len) != 0)
		HK_ADD(d->drops.queue, 1);
	initiate(l, p, now, false);
}

static bool same_endpoint(const struct hk_endpoint *a, const struct hk_endpoint *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port &&
		       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return a->in6.sin6_port == b->in6.sin6_port &&
	       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16);
}

static void set_endpoint(struct hk_dp *l, struct hk_peer *p, const struct hk_endpoint *from)
{
	if (!same_endpoint(&p->ep, from)) {
		/* roaming: the last authenticated source wins (the other workers read it) */
		hk_dp_park(l);
		p->ep = *from;
		hk_dp_unpark(l);
	}
	struct hk_tcpconn *c = l->cur_conn;
	if (!c || p->conn == c)
		return;
	/* the connection this message authenticated on is now the peer's; an older one goes
	 * (never the one being read: that is c) */
	if (c->peer && c->peer != p && c->peer->conn == c)
		c->peer->conn = NULL;
	struct hk_tcpconn *old = p->conn;
	c->peer = p;
	p->conn = c;
	if (old)
		hk_tundev_conn_drop(l->d, old);
}

static void handshake_done(struct hk_peer *p)
{
	clock_gettime(CLOCK_REALTIME, &p->last_handshake);
}

static void on_init(struct hk_dp *l, const struct hk_msg_init *m, const struct hk_endpoint *from,
		    uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_handshake hs;
	uint8_t pub[HK_KEY_LEN], ts[HK_TAI64N_LEN];
	if (hk_noise_init_consume1(&d->local, m, &hs, pub) < 0) {
		HK_ADD(d->drops.bad_handshake, 1);
		goto out;
	}
	struct hk_peer *p = hk_peer_by_key(d->peers, d->n_peers, pub);
	if (!p) {
		HK_ADD(d->drops.unknown_peer, 1);
		goto out;
	}
	if (hk_noise_init_consume2(&p->np, m, &hs, ts) < 0 ||
	    memcmp(ts, p->last_ts, HK_TAI64N_LEN) <= 0 ||
	    (p->last_init_ms && now - p->last_init_ms < INIT_MIN_GAP_MS)) {
		HK_ADD(d->drops.bad_handshake,
		       1); /* undecryptable, a replayed initiation, or a flood */
		goto out;
	}
	memcpy(p->last_ts, ts, HK_TAI64N_LEN);
	p->last_init_ms = now;
	set_endpoint(l, p, from);
	struct hk_msg_resp r;
	struct hk_session_keys keys;
	if (hk_noise_resp_create(&p->np, &hs, new_index(d), now, &r, &keys) < 0)
		goto out;
	if (hk_peer_install(p, &keys, now))
		send_to(l, p, &r, sizeof(r), now);
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

static void on_resp(struct hk_dp *l, const struct hk_msg_resp *m, const struct hk_endpoint *from,
		    uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_peer *p = by_handshake(d, le32toh(m->receiver));
	if (!p) {
		HK_ADD(d->drops.unknown_index, 1);
		return;
	}
	struct hk_session_keys keys;
	if (hk_noise_resp_consume(&d->local, &p->np, &p->hs, m, &keys) < 0) {
		HK_ADD(d->drops.bad_handshake, 1);
		return;
	}
	if (!hk_peer_install(p, &keys, now))
		return;
	p->hs_first_ms = 0;
	handshake_done(p);
	set_endpoint(l, p, from);
	p->last_recv_ms = now;
	uint64_t sent = p->last_sent_ms;
	flush_queue(l, p, now);
	if (p->last_sent_ms == sent)
		send_data(l, p, 0, now); /* the responder waits for a first data message */
}

static void on_cookie(struct hk_dp *l, const struct hk_msg_cookie *m, uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_keypair *kp;
	uint32_t idx = le32toh(m->receiver);
	struct hk_peer *p = by_handshake(d, idx);
	if (!p)
		p = hk_peer_by_index(d->peers, d->n_peers, idx, &kp);
	if (!p) {
		HK_ADD(d->drops.unknown_index, 1);
		return;
	}
	if (hk_noise_cookie_consume(&p->np, m, now) < 0)
		HK_ADD(d->drops.bad_handshake, 1);
}

/* Authenticated by the AEAD, a packet's inner checksums need no check (as the kernel's
 * WireGuard marks its packets CHECKSUM_UNNECESSARY): the header says DATA_VALID, or for a
 * joined TCP run NEEDS_CSUM, which the kernel's TCP takes as checked too. */
static void tun_write(void *ctx, const struct virtio_net_hdr *h, const uint8_t *pkt, size_t len)
{
	struct hk_dp *l = ctx;
	struct iovec iov[2] = { { (void *)h, sizeof(*h) }, { (void *)pkt, len } };
	if (writev(l->tun_fd, iov, 2) < 0)
		return; /* the device is down or full: dropped like the kernel's own */
}

static void on_data(struct hk_dp *l, uint8_t *msg, size_t len, const struct hk_endpoint *from,
		    uint64_t now)
{
	struct hk_tundev *d = l->d;
	struct hk_msg_data *m = (struct hk_msg_data *)msg;
	struct hk_keypair *kp;
	struct hk_peer *p = hk_peer_by_index(d->peers, d->n_peers, le32toh(m->receiver), &kp);
	if (!p || now - kp->born_ms >= d->t.reject_after) {
		HK_ADD(d->drops.unknown_index, 1);
		return;
	}
	if (l->id && (kp == p->next || !same_endpoint(&p->ep, from))) {
		/* a session to confirm or a new endpoint: worker 0 changes the peer */
		if (!hk_mq_handoff(l->mq, false, NULL, from, msg, len))
			HK_ADD(d->drops.queue, 1);
		return;
	}
	uint64_t ctr = le64toh(m->counter);
	size_t clen = len - HDR_LEN;
	if (hk_aead_open(kp->recv[l->id], ctr, m->data, m->data, clen) < 0) {
		HK_ADD(d->drops.bad_auth, 1);
		return;
	}
	while (__atomic_test_and_set(&kp->replay_busy, __ATOMIC_ACQUIRE))
		; /* only while the peer roams from one worker's socket to another's */
	bool fresh = hk_replay_accept(&kp->replay, ctr);
	__atomic_clear(&kp->replay_busy, __ATOMIC_RELEASE);
	if (!fresh) {
		HK_ADD(d->drops.replay, 1);
		return;
	}
	if (kp == p->next) {
		hk_dp_park(l);
		hk_peer_confirm(p);
		handshake_done(p);
		hk_dp_unpark(l);
	}
	set_endpoint(l, p, from);
	if (HK_LOAD(p->last_recv_ms) != now)
		HK_STORE(p->last_recv_ms, now);
	if (HK_LOAD(p->unanswered_ms))
		HK_STORE(p->unanswered_ms, 0);
	p->bytes[l->id].v[HK_PEER_RX] += len;
	if (kp->initiator &&
	    now - kp->born_ms >= d->t.reject_after - d->t.keepalive - d->t.rekey_timeout)
		initiate(l, p, now, false);
	size_t plen = clen - HK_TAG_LEN;
	if (!plen)
		return; /* a keepalive */
	if (!HK_LOAD(p->keepalive_due_ms))
		HK_STORE(p->keepalive_due_ms, now + d->t.keepalive);
	if (d->tap) {
		if (plen < 14) {
			HK_ADD(d->drops.malformed, 1);
			return;
		}
		if (!(m->data[6] & 1))
			hk_tundev_mac_learn(d, m->data + 6, p);
		struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };
		tun_write(l, &h, m->data, plen);
		return;
	}
	const uint8_t *src;
	size_t iplen;
	int fam = ip_addr(m->data, plen, false, &src, &iplen);
	if (!fam || iplen > plen) {
		HK_ADD(d->drops.malformed, 1);
		return;
	}
	if (hk_peer_route(d->peers, d->n_peers, fam, src) != p) {
		HK_ADD(d->drops.bad_source, 1);
		return;
	}
	hk_gro_add(&l->gro, m->data, iplen, tun_write, l);
}

static bool under_load(struct hk_dp *l, uint64_t now)
{
	if (now - l->load_window_ms >= 1000) {
		l->load_window_ms = now;
		l->load_count = 0;
	}
	if (++l->load_count > LOAD_HANDSHAKES)
		l->load_until_ms = now + 1000;
	return l->force_load || now < l->load_until_ms;
}

/* mac1, then under load mac2: a handshake message without a valid cookie for its source is
 * answered with a cookie reply and dropped. True: go on with it. */
static bool handshake_gate(struct hk_dp *l, const uint8_t *msg, size_t len,
			   const struct hk_endpoint *from, uint64_t now)
{
	struct hk_tundev *d = l->d;
	if (!d->has_key || !hk_noise_mac1_ok(&d->local, msg, len)) {
		HK_ADD(d->drops.bad_mac, 1);
		return false;
	}
	if (!under_load(l, now))
		return true;
	if (!l->cookie_secret_ms || now - l->cookie_secret_ms >= COOKIE_SECRET_MS) {
		hk_crypto_random(l->cookie_secret, sizeof(l->cookie_secret));
		l->cookie_secret_ms = now;
	}
	/* the source: address and port as they came (v4-mapped for IPv4 on the v6 socket) */
	uint8_t src[18], cookie[HK_MAC_LEN];
	size_t srclen;
	if (from->sa.sa_family == AF_INET6) {
		memcpy(src, &from->in6.sin6_addr, 16);
		memcpy(src + 16, &from->in6.sin6_port, 2);
		srclen = 18;
	} else {
		memcpy(src, &from->in.sin_addr, 4);
		memcpy(src + 4, &from->in.sin_port, 2);
		srclen = 6;
	}
	hk_noise_cookie_of(cookie, l->cookie_secret, src, srclen);
	if (hk_noise_mac2_ok(cookie, msg, len))
		return true;
	struct hk_msg_cookie r;
	if (hk_noise_cookie_reply(&d->local, msg, len, cookie, &r) == 0 && l->cur_conn)
		hk_tcpconn_send(l->cur_conn, &r, sizeof(r));
	else if (!l->cur_conn)
		sendto(d->udp_fd, &r, sizeof(r), 0, &from->sa,
		       from->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						      : sizeof(struct sockaddr_in));
	HK_ADD(d->drops.cookie, 1);
	return false;
}

void hk_datapath_from_udp(struct hk_dp *l, uint8_t *msg, size_t len, const struct hk_endpoint *from,
			  uint64_t now)
{
	uint32_t type;
	if (len < 4) {
		HK_ADD(l->d->drops.malformed, 1);
		return;
	}
	memcpy(&type, msg, 4);
	type = le32toh(type);
	if (type == HK_MSG_DATA && len >= HDR_LEN + HK_TAG_LEN) {
		on_data(l, msg, len, from, now);
		return;
	}
	if (l->id) {
		if (!hk_mq_handoff(l->mq, false, NULL, from, msg, len))
			HK_ADD(l->d->drops.queue, 1);
		return;
	}
	hk_dp_park(l);
	if (type == HK_MSG_INIT && len == sizeof(struct hk_msg_init)) {
		if (handshake_gate(l, msg, len, from, now))
			on_init(l, (const struct hk_msg_init *)msg, from, now);
	} else if (type == HK_MSG_RESP && len == sizeof(struct hk_msg_resp)) {
		if (handshake_gate(l, msg, len, from, now))
			on_resp(l, (const struct hk_msg_resp *)msg, from, now);
	} else if (type == HK_MSG_COOKIE && len == sizeof(struct hk_msg_cookie))
		on_cookie(l, (const struct hk_msg_cookie *)msg, now);
	else
		HK_ADD(l->d->drops.malformed, 1);
	hk_dp_unpark(l);
}

void hk_datapath_tick(struct hk_dp *l, struct hk_peer *p, uint64_t now)
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
			initiate(l, p, now, true);
		}
	}
	uint64_t due = HK_LOAD(p->keepalive_due_ms), unanswered = HK_LOAD(p->unanswered_ms);
	if (due && now >= due) {
		HK_STORE(p->keepalive_due_ms, 0);
		if (usable(d, p->cur, now))
			send_data(l, p, 0, now);
	}
	if (unanswered && now - unanswered >= d->t.keepalive + d->t.rekey_timeout) {
		HK_STORE(p->unanswered_ms, 0);
		initiate(l, p, now, false);
	}
	if (p->keepalive && now - HK_LOAD(p->last_sent_ms) >= (uint64_t)p->keepalive * 1000)
		hk_datapath_keepalive(l, p, now);
	/* a connection still not made after REKEY_TIMEOUT: the next send makes a new one */
	if (p->conn && p->conn->connecting && p->conn->born_ms &&
	    now - p->conn->born_ms >= d->t.rekey_timeout && !p->conn->busy)
		hk_tundev_conn_drop(d, p->conn);
	if (HK_LOAD(p->want_hs)) { /* a worker's rekey (its session is old) */
		HK_STORE(p->want_hs, 0);
		initiate(l, p, now, false);
	}
	if (p->cur && now - p->cur->born_ms >= 3 * d->t.reject_after) {
		hk_dp_park(l);
		hk_peer_drop_sessions(p); /* unused three times REJECT_AFTER_TIME, as the kernel */
		hk_dp_unpark(l);
	}
}

void hk_datapath_flush(struct hk_dp *l)
{
	hk_gro_flush(&l->gro, tun_write, l);
}
