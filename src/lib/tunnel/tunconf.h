/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's configuration file, in the format of `wg setconf` plus wg-quick's Address and
 * MTU, so existing WireGuard configs work:
 *   [Interface] PrivateKey, ListenPort, FwMark, Address, MTU, Table (off or auto)
 *   [Peer]      PublicKey, PresharedKey, AllowedIPs, Endpoint, PersistentKeepalive
 * and two hako extensions in [Interface], which only work between hako peers: `Mode = tun|tap`
 * and `Transport = udp|tcp`; and `Workers = N` (threads and TUN queues, this end only).
 * Keys are case-insensitive, lists comma-separated, '#' starts a comment. Any error is bad
 * input, "FILE:LINE: reason" (exit 2), found before anything is created. The file holds
 * secrets, so it must be owned by root (or the caller) and not readable by group or others.
 */
#ifndef HK_TUNNEL_TUNCONF_H
#define HK_TUNNEL_TUNCONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/parse.h"
#include "crypto.h"

#define HK_TUNCONF_ADDR_MAX 16

struct hk_endpoint {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	};
};

struct hk_tunconf_peer {
	uint8_t pub[HK_KEY_LEN];
	uint8_t psk[HK_KEY_LEN];
	bool has_psk;
	struct hk_prefix *allowed;
	size_t n_allowed;
	struct hk_endpoint endpoint; /* sa_family 0: none */
	uint16_t keepalive;	     /* seconds, 0 off */
};

#define HK_TUNCONF_WORKERS_MAX 16

/* a and b are the same prefix (family, length, address) */
bool hk_prefix_same(const struct hk_prefix *a, const struct hk_prefix *b);

struct hk_tunconf {
	uint8_t priv[HK_KEY_LEN];
	bool has_priv;
	uint16_t listen_port; /* 0: any */
	uint32_t fwmark;      /* FwMark: SO_MARK on the sockets, 0: none */
	struct hk_prefix addr[HK_TUNCONF_ADDR_MAX];
	size_t n_addr;
	uint32_t mtu;	  /* 1420 unless set */
	bool no_routes;	  /* Table = off (wg-quick's): no route for AllowedIPs */
	bool tap;	  /* Mode = tap (a hako extension): Ethernet frames over a TAP device */
	bool tcp;	  /* Transport = tcp (a hako extension): messages over TCP */
	uint32_t workers; /* Workers = N (a hako setting): TUN queues and threads, 0: one per CPU */
	struct hk_tunconf_peer *peers;
	size_t n_peers;
};

/* Read path (mode and owner checked). */
int hk_tunconf_load(const char *path, struct hk_tunconf *ret, struct hk_err *err);
/* Parse an open stream; name is the FILE of the messages. */
int hk_tunconf_parse(FILE *f, const char *name, struct hk_tunconf *ret, struct hk_err *err);
/* Free and wipe the secrets. */
void hk_tunconf_free(struct hk_tunconf *c);

/* "HOST:PORT" or "[IPV6]:PORT", resolved (getaddrinfo). Bad input: -EINVAL with the reason. */
int hk_endpoint_parse(const char *s, struct hk_endpoint *ret, struct hk_err *err);
/* "IP:PORT" / "[IP6]:PORT" (a v4-mapped address is shown as IPv4). buf >= 64. */
const char *hk_endpoint_str(const struct hk_endpoint *e, char *buf, size_t len);

#endif
