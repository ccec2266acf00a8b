/* SPDX-License-Identifier: MIT */
/*
 * The WireGuard handshake (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, the paper's section 5.4,
 * byte for byte as the Linux kernel and wireguard-go do it): the message layouts, the
 * initiation and response in both roles, mac1/mac2 and cookie replies, TAI64N. Pure
 * computation over the crypto door: no sockets, no clocks except hk_tai64n().
 */
#ifndef HK_TUNNEL_NOISE_H
#define HK_TUNNEL_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"

enum {
	HK_MSG_INIT = 1,
	HK_MSG_RESP = 2,
	HK_MSG_COOKIE = 3,
	HK_MSG_DATA = 4,
};

#define HK_TAI64N_LEN 12

struct hk_msg_init {
	uint32_t type; /* little-endian: the type byte then 3 zero bytes */
	uint32_t sender;
	uint8_t eph[HK_KEY_LEN];
	uint8_t stat[HK_KEY_LEN + HK_TAG_LEN];
	uint8_t ts[HK_TAI64N_LEN + HK_TAG_LEN];
	uint8_t mac1[HK_MAC_LEN];
	uint8_t mac2[HK_MAC_LEN];
} __attribute__((packed));

struct hk_msg_resp {
	uint32_t type;
	uint32_t sender;
	uint32_t receiver;
	uint8_t eph[HK_KEY_LEN];
	uint8_t empty[HK_TAG_LEN];
	uint8_t mac1[HK_MAC_LEN];
	uint8_t mac2[HK_MAC_LEN];
} __attribute__((packed));

struct hk_msg_cookie {
	uint32_t type;
	uint32_t receiver;
	uint8_t nonce[HK_XNONCE_LEN];
	uint8_t cookie[HK_MAC_LEN + HK_TAG_LEN];
} __attribute__((packed));

struct hk_msg_data {
	uint32_t type;
	uint32_t receiver;
	uint64_t counter; /* little-endian */
	uint8_t data[];
} __attribute__((packed));

/* This end's identity. */
struct hk_noise_local {
	uint8_t priv[HK_KEY_LEN];
	uint8_t pub[HK_KEY_LEN];
	uint8_t mac1_key[HK_HASH_LEN];	 /* HASH("mac1----" || pub): checks incoming mac1 */
	uint8_t cookie_key[HK_HASH_LEN]; /* HASH("cookie--" || pub) */
};

/* What a peer's handshakes need from its configuration. */
struct hk_noise_peer {
	uint8_t pub[HK_KEY_LEN];
	uint8_t psk[HK_KEY_LEN];
	uint8_t ss[HK_KEY_LEN];		 /* DH(local priv, peer pub), precomputed */
	uint8_t mac1_key[HK_HASH_LEN];	 /* HASH("mac1----" || peer pub) */
	uint8_t cookie_key[HK_HASH_LEN]; /* HASH("cookie--" || peer pub) */
	uint8_t cookie[HK_MAC_LEN];	 /* from the last cookie reply */
	uint64_t cookie_ms;		 /* when it came (0: none) */
	uint8_t last_mac1[HK_MAC_LEN];	 /* of the last handshake message sent */
};

/* A handshake in progress (either role). */
struct hk_handshake {
	bool initiated; /* we sent an initiation, waiting for the response */
	uint32_t local_index, remote_index;
	uint8_t e_priv[HK_KEY_LEN];
	uint8_t e_remote[HK_KEY_LEN];
	uint8_t hash[HK_HASH_LEN];
	uint8_t ck[HK_HASH_LEN];
};

/* The transport keys a finished handshake yields. */
struct hk_session_keys {
	uint8_t send[HK_KEY_LEN];
	uint8_t recv[HK_KEY_LEN];
	uint32_t local_index, remote_index;
	bool initiator;
};

int hk_noise_local_set(struct hk_noise_local *l, const uint8_t priv[HK_KEY_LEN]);
/* Fill p's derived fields for pub and psk (NULL: none). -EINVAL when DH gives zero. */
int hk_noise_peer_set(struct hk_noise_peer *p, const struct hk_noise_local *l,
		      const uint8_t pub[HK_KEY_LEN], const uint8_t *psk);

void hk_tai64n(uint8_t out[HK_TAI64N_LEN]);

/* Initiator: a fresh initiation with sender index local_index; mac1/mac2 are set. */
int hk_noise_init_create(const struct hk_noise_local *l, struct hk_noise_peer *p,
			 struct hk_handshake *hs, uint32_t local_index, uint64_t now_ms,
			 struct hk_msg_init *m);
/* Responder, step 1: decrypt the initiator's static key into ret_pub (the caller finds the
 * peer), keeping the state in hs. Step 2: with the peer, decrypt the timestamp. -EBADMSG on
 * any failure. */
int hk_noise_init_consume1(const struct hk_noise_local *l, const struct hk_msg_init *m,
			   struct hk_handshake *hs, uint8_t ret_pub[HK_KEY_LEN]);
int hk_noise_init_consume2(const struct hk_noise_peer *p, const struct hk_msg_init *m,
			   struct hk_handshake *hs, uint8_t ret_ts[HK_TAI64N_LEN]);
/* Responder: the response to hs, and the session keys. */
int hk_noise_resp_create(struct hk_noise_peer *p, struct hk_handshake *hs, uint32_t local_index,
			 uint64_t now_ms, struct hk_msg_resp *m, struct hk_session_keys *ret);
/* Initiator: the response to hs (already matched by receiver index). */
int hk_noise_resp_consume(const struct hk_noise_local *l, const struct hk_noise_peer *p,
			  struct hk_handshake *hs, const struct hk_msg_resp *m,
			  struct hk_session_keys *ret);
/* mac1 of a received handshake message (len bytes, the macs at its end) is ours. */
bool hk_noise_mac1_ok(const struct hk_noise_local *l, const void *m, size_t len);
/* Under load (the responder's side of cookies): the cookie of a source address, a keyed MAC
 * of its bytes (address and port) under secret, which changes every two minutes. */
void hk_noise_cookie_of(uint8_t out[HK_MAC_LEN], const uint8_t secret[HK_KEY_LEN], const void *src,
			size_t srclen);
/* mac2 of a received handshake message of len bytes is right for cookie. */
bool hk_noise_mac2_ok(const uint8_t cookie[HK_MAC_LEN], const void *m, size_t len);
/* The cookie reply to a handshake message of len bytes (its sender index first after the type,
 * its mac1 at the end), carrying cookie, sealed with our cookie key. */
int hk_noise_cookie_reply(const struct hk_noise_local *l, const void *m, size_t len,
			  const uint8_t cookie[HK_MAC_LEN], struct hk_msg_cookie *ret);
/* A cookie reply for the handshake whose last mac1 p remembers: store the cookie. */
int hk_noise_cookie_consume(struct hk_noise_peer *p, const struct hk_msg_cookie *m,
			    uint64_t now_ms);

#endif
