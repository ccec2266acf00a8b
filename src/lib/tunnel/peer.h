/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's peers: their keys and sessions, endpoint, counters and the packets waiting for
 * a handshake; and the cryptokey routing table (AllowedIPs: the peer a packet goes to, and
 * the check that a decrypted packet came from an address its peer may use).
 */
#ifndef HK_TUNNEL_PEER_H
#define HK_TUNNEL_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/parse.h"
#include "noise.h"
#include "replay.h"
#include "tcpconn.h"
#include "tunconf.h"

/* Fields the workers of a multi-queue tunnel share while they run (daemon.c): counters and
 * times, read and written whole, relaxed (no order is needed: the timers read them later). */
#define HK_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define HK_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define HK_ADD(x, v) __atomic_fetch_add(&(x), (v), __ATOMIC_RELAXED)

#define HK_PEER_WORKERS 16 /* HK_TUNCONF_WORKERS_MAX */

/* One session: a pair of transport keys from one handshake. A cipher context is not shared by
 * threads: one pair per worker (send[w], recv[w]). */
struct hk_keypair {
	struct hk_aead *send[HK_PEER_WORKERS], *recv[HK_PEER_WORKERS];
	unsigned nworkers;
	uint32_t local_index, remote_index;
	uint64_t send_ctr; /* taken by HK_ADD: every worker seals with its own nonces */
	/* the replay window is checked by one worker at a time: a peer's datagrams come to one
	 * socket (SO_REUSEPORT hashes its address), this flag covers the moment it roams */
	uint8_t replay_busy;
	struct hk_replay replay;
	uint64_t born_ms;
	bool initiator;
};

#define HK_PEER_QUEUE 32
#define HK_PKT_MAX 65536

struct hk_peer {
	struct hk_noise_peer np;
	struct hk_handshake hs;
	uint64_t hs_sent_ms;  /* last initiation sent */
	uint64_t hs_first_ms; /* first initiation of this attempt, 0: none */
	uint8_t last_ts[HK_TAI64N_LEN];
	uint64_t last_init_ms; /* last initiation accepted from the peer */
	struct hk_keypair *cur, *prev, *next;
	struct hk_endpoint ep;
	struct hk_prefix *allowed;
	size_t n_allowed;
	uint16_t keepalive; /* persistent keepalive, seconds */
	uint64_t last_sent_ms, last_recv_ms;
	uint64_t keepalive_due_ms;	/* data received, nothing sent back yet: 0 none */
	uint64_t unanswered_ms;		/* data sent, nothing received since: 0 none */
	struct timespec last_handshake; /* wall clock */
	/* bytes by worker (only worker w adds to bytes[w]; hk_peer_rx/tx sum them): 128 bytes
	 * apart, two workers' counters never share a cache line */
	struct {
		uint64_t v[16];
	} bytes[HK_PEER_WORKERS];
	unsigned nworkers;	 /* cipher contexts per session (the tunnel's workers) */
	uint8_t want_hs;	 /* a worker asks the first one for a handshake (HK_STORE) */
	struct hk_tcpconn *conn; /* Transport = tcp: its connection (owned by the tundev) */
	/* packets waiting for a session */
	uint8_t *queue[HK_PEER_QUEUE];
	size_t queue_len[HK_PEER_QUEUE];
	size_t nqueue;
};

#define HK_PEER_RX 0
#define HK_PEER_TX 1

/* A peer for cfg under local (allowed IPs copied). NULL on failure with err set. */
struct hk_peer *hk_peer_new(const struct hk_noise_local *local, const struct hk_tunconf_peer *cfg,
			    struct hk_err *err);
void hk_peer_free(struct hk_peer *p);
/* Bytes received and sent, all workers (read with the workers parked). */
uint64_t hk_peer_rx(const struct hk_peer *p);
uint64_t hk_peer_tx(const struct hk_peer *p);
/* Install a new session from keys (wiped); it becomes next (responder: until the first data
 * packet confirms it) or current (initiator). NULL on allocation failure. */
struct hk_keypair *hk_peer_install(struct hk_peer *p, struct hk_session_keys *keys, uint64_t now);
/* The responder's next session confirmed by a data packet: it becomes current. */
void hk_peer_confirm(struct hk_peer *p);
/* Drop the sessions only. */
void hk_peer_drop_sessions(struct hk_peer *p);
/* Drop every session and queued packet. */
void hk_peer_clear(struct hk_peer *p);
/* Queue a copy of pkt (the oldest is dropped when full: returns 1 then). */
int hk_peer_enqueue(struct hk_peer *p, const uint8_t *pkt, size_t len);

/* Longest-prefix match of an IPv4/IPv6 address over all peers' AllowedIPs. */
struct hk_peer *hk_peer_route(struct hk_peer *const *peers, size_t n, int family,
			      const uint8_t *addr);
/* A session of any peer with local index idx (kp set), NULL if none. */
struct hk_peer *hk_peer_by_index(struct hk_peer *const *peers, size_t n, uint32_t idx,
				 struct hk_keypair **ret_kp);
struct hk_peer *hk_peer_by_key(struct hk_peer *const *peers, size_t n, const uint8_t *pub);
/* Set / add allowed prefixes (masked). */
int hk_peer_allow(struct hk_peer *p, const struct hk_prefix *pfx);
/* Remove pfx from every peer but keep (AllowedIPs are unique across peers, as in wg). */
void hk_peers_disallow(struct hk_peer *const *peers, size_t n, const struct hk_prefix *pfx,
		       const struct hk_peer *keep);

#endif
