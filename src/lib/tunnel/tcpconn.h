/* SPDX-License-Identifier: MIT */
/*
 * The TCP transport (`Transport = tcp`, a hako extension for networks that block UDP; only
 * between hako peers): WireGuard's messages, unchanged, over a TCP connection, each behind a
 * 2-byte big-endian length. A connection belongs to the peer whose message first
 * authenticates on it; a full send buffer drops the message, as a lost datagram would be,
 * so the timers and TCP inside the tunnel behave as over UDP.
 */
#ifndef HK_TUNNEL_TCPCONN_H
#define HK_TUNNEL_TCPCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunconf.h"

#define HK_TCPCONN_TXMAX (1 << 20)

struct hk_peer;

struct hk_tcpconn {
	int fd;
	bool connecting; /* connect() in progress */
	bool busy;	 /* being read: a drop only marks it dead, the reader frees it */
	bool dead;
	struct hk_peer *peer;	 /* NULL until a message authenticates */
	uint64_t born_ms;	 /* when it was made (ms, monotonic) */
	struct hk_endpoint addr; /* the other end */
	uint8_t *rx;
	size_t rlen;
	uint8_t *tx;
	size_t tlen;
};

/* A connection to ep from a socket made in netns_fd (-1: ours); non-blocking, connecting. */
struct hk_tcpconn *hk_tcpconn_connect(int netns_fd, const struct hk_endpoint *ep);
/* An accepted one. */
struct hk_tcpconn *hk_tcpconn_accepted(int fd, const struct hk_endpoint *addr);
void hk_tcpconn_free(struct hk_tcpconn *c);
/* Queue one message and write what can be written. 0, or -ENOBUFS (dropped: too much
 * queued), or another negative errno: the connection is broken. */
int hk_tcpconn_send(struct hk_tcpconn *c, const void *msg, size_t len);
/* Write what is queued: 0 all out, 1 some left (wait for EPOLLOUT), < 0 broken. */
int hk_tcpconn_flush(struct hk_tcpconn *c);
/* Read what arrived and hand each whole message to fn. 0, or < 0: closed or broken. */
int hk_tcpconn_read(struct hk_tcpconn *c, void (*fn)(void *ctx, uint8_t *msg, size_t len),
		    void *ctx);

#endif
