/* SPDX-License-Identifier: MIT */
/*
 * TUN offloads (IFF_VNET_HDR + TUNSETOFFLOAD): the kernel hands the daemon TCP super-packets
 * of up to 64 KiB (TSO) and packets whose checksum is left to finish (CSUM). Here they are
 * cut into MTU-sized segments, with the headers and checksums each segment needs, as a NIC
 * would; the daemon then seals them and sends them with one UDP GSO sendmsg.
 */
#ifndef HK_TUNNEL_OFFLOAD_H
#define HK_TUNNEL_OFFLOAD_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HK_VNET_HDR_LEN sizeof(struct virtio_net_hdr)
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* linux 5.18 uapi; Debian 12's headers lack it */
#endif

/* Finish the checksum of a packet with VIRTIO_NET_HDR_F_NEEDS_CSUM. -EINVAL when the offsets
 * do not fit the packet. */
int hk_offload_csum(uint8_t *pkt, size_t len, const struct virtio_net_hdr *h);

/* Cut a TCP/IPv4 or TCP/IPv6 super-packet into segments of at most mss payload bytes:
 * segment i is written at out + i * stride (stride >= its length), its length in lens[i].
 * Returns the count (<= max), or -EINVAL for a packet that is not plain TCP (IPv6 extension
 * headers, IPv4 options are allowed) or would need more than max segments. */
int hk_offload_tso(const uint8_t *pkt, size_t len, size_t mss, uint8_t *out, size_t stride,
		   size_t max, size_t *lens);

#endif

/* The same for a UDP super-packet (USO, VIRTIO_NET_HDR_GSO_UDP_L4): datagrams of mss payload
 * bytes, each with its own IP and UDP header and checksums. */
int hk_offload_uso(const uint8_t *pkt, size_t len, size_t mss, uint8_t *out, size_t stride,
		   size_t max, size_t *lens);

/*
 * The receive side: consecutive TCP segments of one flow, as they come out of the tunnel,
 * joined into one packet written with a GSO header, so the kernel's TCP takes 64 KiB at a
 * time instead of 45 packets (what a NIC's GRO does; the rules are Linux's tcp_gro_receive:
 * same addresses, ports, ack, window and options, contiguous sequence numbers, only ACK and
 * PSH set, a short or PSH segment ends the run).
 */
struct hk_gro {
	size_t len; /* the packet gathered so far (in buf), 0: none */
	size_t iphl, hl, mss;
	uint32_t next_seq;
	unsigned nseg;
	bool closed; /* nothing more joins it */
	uint8_t buf[65535];
};

/* Write one packet with its virtio_net_hdr. */
typedef void (*hk_gro_write_fn)(void *ctx, const struct virtio_net_hdr *h, const uint8_t *pkt,
				size_t len);
/* Add a decrypted packet: joined to the one gathered, or that one written and this one kept
 * or written. */
void hk_gro_add(struct hk_gro *g, const uint8_t *pkt, size_t len, hk_gro_write_fn fn, void *ctx);
/* Write what is gathered. */
void hk_gro_flush(struct hk_gro *g, hk_gro_write_fn fn, void *ctx);
