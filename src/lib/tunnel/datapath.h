/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's packet path (single-threaded, driven by daemon.c's event loop): from the
 * device, a packet is routed to its peer by destination (AllowedIPs; tap mode: by learnt
 * Ethernet address), sealed in place behind the 16-byte data header and sent (TSO/USO
 * super-packets cut and sent by UDP GSO); from the socket, a message is dispatched by type,
 * data is opened in place, checked against the replay window and its peer's AllowedIPs, and
 * written to the device (TCP runs joined). Handshakes, cookies, timers. No allocation on the
 * path except for the few packets that wait for a handshake.
 * Workers = N: one hk_dp per worker, each with its TUN queue and socket (mq.h says what only
 * worker 0 does and how the others are parked meanwhile).
 */
#ifndef HK_TUNNEL_DATAPATH_H
#define HK_TUNNEL_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "mq.h"
#include "offload.h"
#include "tcpconn.h"
#include "tundev.h"

#define HK_DP_HDR_LEN 16 /* struct hk_msg_data */
#define HK_DP_GSO_MAX 64 /* segments of one TSO packet */
#define HK_DP_RX_BATCH 16

struct hk_dp {
	struct hk_tundev *d;
	unsigned id;		/* the worker (0: the one that also runs the control) */
	struct hk_mq *mq;	/* NULL: a single worker */
	int tun_fd, udp_fd;	/* this worker's TUN queue and socket */
	int ep;			/* its epoll (workers 1..N-1) */
	struct hk_dp **workers; /* worker 0: all of them */
	bool force_load;	/* test builds: HAKO_TEST_TUNNEL_UNDER_LOAD=1 */
	uint64_t load_window_ms, load_until_ms;
	unsigned load_count;
	uint8_t cookie_secret[HK_KEY_LEN];
	uint64_t cookie_secret_ms;
	bool no_gso; /* the socket refused UDP_SEGMENT once: one datagram per send */
	struct hk_tcpconn *cur_conn; /* Transport = tcp: the connection being read */
	uint8_t *seg; /* HK_DP_GSO_MAX slots of seg_stride bytes: TSO segments, sealed in place */
	size_t seg_stride;
	/* from the device (the packet at HK_DP_HDR_LEN, room for padding and tag after it) */
	uint8_t tx[HK_DP_HDR_LEN + HK_PKT_MAX + 2 * HK_TAG_LEN];
	/* the packets decrypted in one round, joined for the device */
	struct hk_gro gro;
	/* from the socket, HK_DP_RX_BATCH per recvmmsg (with UDP GRO each up to 64 KiB of datagrams
	 * of one size) */
	uint8_t rx[HK_DP_RX_BATCH][HK_PKT_MAX + 2 * HK_TAG_LEN];
};

/* One packet read from the device: its header, len bytes at dp->tx + HK_DP_HDR_LEN. */
void hk_datapath_from_tun(struct hk_dp *dp, const struct virtio_net_hdr *h, size_t len,
			  uint64_t now);
/* One message from the socket (or a TCP connection: dp->cur_conn). */
void hk_datapath_from_udp(struct hk_dp *dp, uint8_t *msg, size_t len,
			  const struct hk_endpoint *from, uint64_t now);
/* The timers of peer p. */
void hk_datapath_tick(struct hk_dp *dp, struct hk_peer *p, uint64_t now);
/* A keepalive to p now (a handshake first when there is no session). */
void hk_datapath_keepalive(struct hk_dp *dp, struct hk_peer *p, uint64_t now);
/* Worker 0: park the other workers around a change of peers or sessions (nested: counted). */
void hk_dp_park(struct hk_dp *dp);
void hk_dp_unpark(struct hk_dp *dp);
/* Write what the TCP joiner gathered to the device. */
void hk_datapath_flush(struct hk_dp *dp);

#endif
