/* SPDX-License-Identifier: MIT */
/*
 * The state of one running tunnel (owned by its daemon): identity, peers, descriptors, drop
 * counters; and the changes the configuration protocol (uapi.c) and start-up apply to it.
 */
#ifndef HK_TUNNEL_TUNDEV_H
#define HK_TUNNEL_TUNDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "peer.h"
#include "timers.h"

/* Packets dropped, by reason (`tunnel show`). */
struct hk_tun_drops {
	uint64_t bad_mac;	/* handshake message with a wrong mac1 */
	uint64_t bad_handshake; /* did not decrypt, stale timestamp, flood */
	uint64_t unknown_peer;	/* initiation from a key that is not a peer */
	uint64_t unknown_index; /* data/response for no session of ours */
	uint64_t bad_auth;	/* data that did not authenticate (tampered) */
	uint64_t replay;	/* counter already seen or too old */
	uint64_t bad_source;	/* inner source address not in the peer's AllowedIPs */
	uint64_t no_peer;	/* from the device, to an address no peer has */
	uint64_t malformed;	/* too short, unknown type */
	uint64_t queue;		/* waiting for a handshake, queue full */
	uint64_t cookie;	/* handshake answered by a cookie reply (under load) */
};

/* Tap mode: the peer behind an Ethernet address, learnt from the frames it sends. */
#define HK_TUNDEV_MACS 256
#define HK_TUNDEV_CONNS 64
struct hk_mac_entry {
	uint8_t mac[6];
	struct hk_peer *peer;
};

struct hk_tundev {
	char name[16];
	bool tap; /* Ethernet frames over a TAP device (hako peers only) */
	bool tcp; /* messages over TCP (hako peers only): udp_fd is the TCP listener */
	int epfd; /* the daemon's epoll, where new connections go (-1: none yet) */
	struct hk_tcpconn *conns[HK_TUNDEV_CONNS];
	size_t nconns;
	struct hk_mac_entry macs[HK_TUNDEV_MACS];
	size_t n_macs, mac_next;
	struct hk_noise_local local;
	bool has_key;
	struct hk_peer **peers;
	size_t n_peers;
	int tun_fd, udp_fd;
	/* Workers = N: worker w > 0 reads TUN queue wtun[w] and socket wudp[w] (SO_REUSEPORT on
	 * one port); worker 0 has tun_fd and udp_fd */
	unsigned nworkers;
	int wtun[HK_PEER_WORKERS], wudp[HK_PEER_WORKERS];
	int sock_netns_fd; /* where the UDP socket lives (-1: the daemon's own) */
	int udp_family;
	uint16_t port;
	uint32_t fwmark;
	/* called after `wg set listen-port` moved the socket (tunnel.c rewrites the record) */
	void (*port_changed)(struct hk_tundev *d, void *ctx);
	void *port_ctx;
	uint32_t mtu;
	struct hk_timers t;
	struct hk_tun_drops drops;
};

void hk_tundev_init(struct hk_tundev *d);
/* Close, free and wipe everything. */
void hk_tundev_destroy(struct hk_tundev *d);
/* Set (NULL: remove) the private key; every peer's sessions are dropped. */
int hk_tundev_set_key(struct hk_tundev *d, const uint8_t *priv, struct hk_err *err);
/* Add a peer (its AllowedIPs leave any other peer). ret_peer may be NULL. */
int hk_tundev_add_peer(struct hk_tundev *d, const struct hk_tunconf_peer *cfg,
		       struct hk_peer **ret_peer, struct hk_err *err);
void hk_tundev_remove_peer(struct hk_tundev *d, struct hk_peer *p);
/* Tap mode: remember that mac is behind p; the peer behind mac (NULL: unknown). */
void hk_tundev_mac_learn(struct hk_tundev *d, const uint8_t mac[6], struct hk_peer *p);
struct hk_peer *hk_tundev_mac_peer(const struct hk_tundev *d, const uint8_t mac[6]);
/* Transport = tcp: keep c (registered with d->epfd) or close it when the table is full;
 * forget and close one (its peer let go of it). */
int hk_tundev_conn_add(struct hk_tundev *d, struct hk_tcpconn *c);
void hk_tundev_conn_drop(struct hk_tundev *d, struct hk_tcpconn *c);
struct hk_tcpconn *hk_tundev_conn_by_fd(const struct hk_tundev *d, int fd);
/* (Re)open the UDP socket (Transport = tcp: the TCP listener) on port (0: any) in d->sock_netns_fd;
 * d->udp_fd and d->port; with workers, one socket each on that port (d->wudp). */
int hk_tundev_bind(struct hk_tundev *d, uint16_t port, struct hk_err *err);
/* SO_MARK m (0: none) on every worker's socket and on sockets opened later. */
int hk_tundev_set_fwmark(struct hk_tundev *d, uint32_t m);

#endif
