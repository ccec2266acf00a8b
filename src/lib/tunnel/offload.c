// SPDX-License-Identifier: MIT
/*
 * The Internet checksum (RFC 1071) is summed in host order over 32-bit words into 64 bits
 * and folded; the result is stored as read, which is byte-order independent (RFC 1071 2(B)).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "offload.h"

static uint64_t sum(const uint8_t *p, size_t n, uint64_t acc)
{
	while (n >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint16_t w = 0;
		memcpy(&w, p, 1); /* the odd byte, padded with a zero byte */
		acc += w;
	}
	return acc;
}

static uint16_t fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int hk_offload_csum(uint8_t *pkt, size_t len, const struct virtio_net_hdr *h)
{
	size_t start = h->csum_start, off = h->csum_offset;
	if (start > len || start + off + 2 > len)
		return -EINVAL;
	/* the field holds the pseudo-header's sum already: sum over it and fold */
	uint16_t c = fold(sum(pkt + start, len - start, 0));
	memcpy(pkt + start + off, &c, 2);
	return 0;
}

int hk_offload_tso(const uint8_t *pkt, size_t len, size_t mss, uint8_t *out, size_t stride,
		   size_t max, size_t *lens)
{
	if (len < 20 || !mss)
		return -EINVAL;
	bool v4 = pkt[0] >> 4 == 4;
	size_t iphl = v4 ? (size_t)(pkt[0] & 15) * 4 : 40;
	if ((v4 && (iphl < 20 || pkt[9] != IPPROTO_TCP)) ||
	    (!v4 && (pkt[0] >> 4 != 6 || len < 40 || pkt[6] != IPPROTO_TCP)) || len < iphl + 20)
		return -EINVAL;
	size_t hl = iphl + (size_t)(pkt[iphl + 12] >> 4) * 4;
	if (hl > len || hl < iphl + 20)
		return -EINVAL;
	size_t payload = len - hl, n = (payload + mss - 1) / mss;
	if (!n || n > max || hl + mss > stride)
		return -EINVAL;
	uint32_t seq;
	uint16_t id;
	memcpy(&seq, pkt + iphl + 4, 4);
	memcpy(&id, pkt + 4, 2);
	seq = ntohl(seq);
	id = ntohs(id);
	/* the pseudo-header's addresses and protocol, the same for every segment */
	uint64_t pseudo = v4 ? sum(pkt + 12, 8, 0) : sum(pkt + 8, 32, 0);
	pseudo += htons(IPPROTO_TCP);
	for (size_t i = 0; i < n; i++) {
		size_t off = i * mss, plen = payload - off < mss ? payload - off : mss;
		size_t total = hl + plen;
		uint8_t *s = out + i * stride;
		memcpy(s, pkt, hl);
		memcpy(s + hl, pkt + hl + off, plen);
		if (v4) {
			uint16_t tl = htons((uint16_t)total), nid = htons((uint16_t)(id + i));
			memcpy(s + 2, &tl, 2);
			memcpy(s + 4, &nid, 2);
			memset(s + 10, 0, 2);
			uint16_t c = fold(sum(s, iphl, 0));
			memcpy(s + 10, &c, 2);
		} else {
			uint16_t pl = htons((uint16_t)(total - 40));
			memcpy(s + 4, &pl, 2);
		}
		uint8_t *tcp = s + iphl;
		uint32_t nseq = htonl(seq + (uint32_t)off);
		memcpy(tcp + 4, &nseq, 4);
		if (i + 1 < n)
			tcp[13] &= (uint8_t)~0x09; /* FIN and PSH on the last segment only */
		if (i > 0)
			tcp[13] &= (uint8_t)~0x80; /* CWR on the first only */
		memset(tcp + 16, 0, 2);
		size_t tlen = total - iphl;
		uint64_t acc = pseudo + htons((uint16_t)tlen);
		uint16_t c = fold(sum(tcp, tlen, acc));
		memcpy(tcp + 16, &c, 2);
		lens[i] = total;
	}
	return (int)n;
}

int hk_offload_uso(const uint8_t *pkt, size_t len, size_t mss, uint8_t *out, size_t stride,
		   size_t max, size_t *lens)
{
	if (len < 20 || !mss)
		return -EINVAL;
	bool v4 = pkt[0] >> 4 == 4;
	size_t iphl = v4 ? (size_t)(pkt[0] & 15) * 4 : 40;
	if ((v4 && (iphl < 20 || pkt[9] != IPPROTO_UDP)) ||
	    (!v4 && (pkt[0] >> 4 != 6 || pkt[6] != IPPROTO_UDP)) || len < iphl + 8)
		return -EINVAL;
	size_t hl = iphl + 8, payload = len - hl, n = (payload + mss - 1) / mss;
	if (!n || n > max || hl + mss > stride)
		return -EINVAL;
	uint16_t id;
	memcpy(&id, pkt + 4, 2);
	id = ntohs(id);
	uint64_t pseudo = v4 ? sum(pkt + 12, 8, 0) : sum(pkt + 8, 32, 0);
	pseudo += htons(IPPROTO_UDP);
	for (size_t i = 0; i < n; i++) {
		size_t off = i * mss, plen = payload - off < mss ? payload - off : mss;
		size_t total = hl + plen;
		uint8_t *s = out + i * stride;
		memcpy(s, pkt, hl);
		memcpy(s + hl, pkt + hl + off, plen);
		if (v4) {
			uint16_t tl = htons((uint16_t)total), nid = htons((uint16_t)(id + i));
			memcpy(s + 2, &tl, 2);
			memcpy(s + 4, &nid, 2);
			memset(s + 10, 0, 2);
			uint16_t c = fold(sum(s, iphl, 0));
			memcpy(s + 10, &c, 2);
		} else {
			uint16_t pl = htons((uint16_t)(total - 40));
			memcpy(s + 4, &pl, 2);
		}
		uint8_t *udp = s + iphl;
		uint16_t ulen = htons((uint16_t)(plen + 8));
		memcpy(udp + 4, &ulen, 2);
		memset(udp + 6, 0, 2);
		uint16_t c = fold(sum(udp, plen + 8, pseudo + ulen));
		if (!c)
			c = 0xffff; /* 0 means "no checksum" in UDP */
		memcpy(udp + 6, &c, 2);
		lens[i] = total;
	}
	return (int)n;
}

#define TCP_ACK 0x10
#define TCP_PSH 0x08

/* A TCP segment that may join or start a run: its header lengths and sequence number. */
static bool gro_tcp(const uint8_t *p, size_t len, size_t *iphl, size_t *hl, uint32_t *seq)
{
	if (len >= 20 && p[0] == 0x45) {
		/* no options, not a fragment (only DF may be set) */
		if (p[9] != IPPROTO_TCP || (p[6] & 0xbf) || p[7])
			return false;
		*iphl = 20;
	} else if (len >= 40 && p[0] >> 4 == 6 && p[6] == IPPROTO_TCP) {
		*iphl = 40;
	} else {
		return false;
	}
	if (len < *iphl + 20)
		return false;
	const uint8_t *t = p + *iphl;
	*hl = *iphl + (size_t)(t[12] >> 4) * 4;
	if (*hl < *iphl + 20 || *hl >= len || (t[13] & ~TCP_PSH) != TCP_ACK)
		return false;
	memcpy(seq, t + 4, 4);
	*seq = ntohl(*seq);
	return true;
}

static bool gro_joins(const struct hk_gro *g, const uint8_t *p, size_t iphl, size_t hl,
		      uint32_t seq, size_t plen)
{
	const uint8_t *q = g->buf;
	if (g->closed || iphl != g->iphl || hl != g->hl || seq != g->next_seq || plen > g->mss ||
	    g->len + plen > sizeof(g->buf) || g->nseg >= 64)
		return false;
	if (iphl == 20) {
		/* tos, flags, ttl, protocol, addresses */
		if (p[1] != q[1] || p[6] != q[6] || p[8] != q[8] || memcmp(p + 12, q + 12, 8))
			return false;
	} else if (memcmp(p, q, 4) || p[7] != q[7] || memcmp(p + 8, q + 8, 32)) {
		return false;
	}
	const uint8_t *a = p + iphl, *b = q + iphl;
	/* ports; ack; data offset and window (flags checked by gro_tcp); options */
	return !memcmp(a, b, 4) && !memcmp(a + 8, b + 8, 5) && !memcmp(a + 14, b + 14, 2) &&
	       !memcmp(a + 20, b + 20, hl - iphl - 20);
}

void hk_gro_flush(struct hk_gro *g, hk_gro_write_fn fn, void *ctx)
{
	if (!g->len)
		return;
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };
	if (g->nseg > 1) {
		uint8_t *p = g->buf, *t = p + g->iphl;
		size_t tlen = g->len - g->iphl;
		uint64_t acc;
		if (g->iphl == 20) {
			uint16_t tl = htons((uint16_t)g->len);
			memcpy(p + 2, &tl, 2);
			memset(p + 10, 0, 2);
			uint16_t c = fold(sum(p, 20, 0));
			memcpy(p + 10, &c, 2);
			acc = sum(p + 12, 8, 0);
			h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		} else {
			uint16_t pl = htons((uint16_t)tlen);
			memcpy(p + 4, &pl, 2);
			acc = sum(p + 8, 32, 0);
			h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
		}
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum, uncomplemented */
		acc += htons(IPPROTO_TCP) + htons((uint16_t)tlen);
		uint16_t c = (uint16_t)~fold(acc);
		memcpy(t + 16, &c, 2);
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.hdr_len = (uint16_t)g->hl;
		h.gso_size = (uint16_t)g->mss;
		h.csum_start = (uint16_t)g->iphl;
		h.csum_offset = 16;
	}
	fn(ctx, &h, g->buf, g->len);
	g->len = 0;
}

void hk_gro_add(struct hk_gro *g, const uint8_t *pkt, size_t len, hk_gro_write_fn fn, void *ctx)
{
	size_t iphl, hl;
	uint32_t seq;
	if (!gro_tcp(pkt, len, &iphl, &hl, &seq)) {
		hk_gro_flush(g, fn, ctx);
		struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };
		fn(ctx, &h, pkt, len);
		return;
	}
	size_t plen = len - hl;
	bool psh = pkt[iphl + 13] & TCP_PSH;
	if (g->len && gro_joins(g, pkt, iphl, hl, seq, plen)) {
		memcpy(g->buf + g->len, pkt + hl, plen);
		g->len += plen;
		g->nseg++;
		g->next_seq = seq + (uint32_t)plen;
		if (psh)
			g->buf[g->iphl + 13] |= TCP_PSH;
		g->closed = psh || plen < g->mss;
		return;
	}
	hk_gro_flush(g, fn, ctx);
	memcpy(g->buf, pkt, len);
	g->len = len;
	g->iphl = iphl;
	g->hl = hl;
	g->mss = plen;
	g->nseg = 1;
	g->next_seq = seq + (uint32_t)plen;
	g->closed = psh;
}
