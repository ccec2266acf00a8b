/* SPDX-License-Identifier: MIT */
/*
 * The workers of a multi-queue tunnel (Workers = N): worker 0 runs the control (handshakes,
 * timers, the configuration socket) and a data path; workers 1..N-1 only a data path. On the
 * data path nothing is locked: sessions, peers and endpoints change only in worker 0 while
 * the others are parked at a point where they hold nothing (hk_mq_park: a flag they read
 * between packets, and their eventfd to wake them); what a worker cannot do itself (a
 * handshake message, a packet with no session yet, a new endpoint) it hands to worker 0 on a
 * lock-free stack.
 */
#ifndef HK_TUNNEL_MQ_H
#define HK_TUNNEL_MQ_H

#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer.h"

/* A packet or message handed to worker 0. */
struct hk_handoff {
	struct hk_handoff *next;
	bool from_tun; /* a packet from the device (h), else a message from the socket (from) */
	struct virtio_net_hdr h;
	struct hk_endpoint from;
	size_t len;
	uint8_t data[];
};

struct hk_mq {
	unsigned n;
	int pause;  /* set by worker 0: the others park */
	int parked; /* how many are parked */
	int depth;  /* worker 0's nested parks */
	int stop;   /* the workers end */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wake[HK_PEER_WORKERS]; /* an eventfd per worker */
	struct hk_handoff *inbox;  /* to worker 0 (a Treiber stack) */
	int pending;		   /* handed over, not yet taken (at most HK_MQ_PENDING) */
};

int hk_mq_init(struct hk_mq *m, unsigned n);
void hk_mq_fini(struct hk_mq *m);
/* Worker 0: the others stop at their next check (nested calls count). */
void hk_mq_park(struct hk_mq *m);
void hk_mq_unpark(struct hk_mq *m);
/* Workers 1..N-1, between packets: wait here while parked. */
void hk_mq_check(struct hk_mq *m);
/* Wake worker w (its eventfd). */
void hk_mq_wake(struct hk_mq *m, unsigned w);
#define HK_MQ_PENDING 1024

/* A copy of len bytes at data for worker 0. false: dropped (HK_MQ_PENDING waiting already,
 * as under a flood of handshake messages, or no memory). */
bool hk_mq_handoff(struct hk_mq *m, bool from_tun, const struct virtio_net_hdr *h,
		   const struct hk_endpoint *from, const uint8_t *data, size_t len);
/* Worker 0: everything handed over, oldest first (free each). */
struct hk_handoff *hk_mq_take(struct hk_mq *m);

#endif
