// SPDX-License-Identifier: MIT
/*
 * Noise_IKpsk2 as WireGuard's paper writes it (section 5.4.2-5.4.4). Names follow the paper:
 * C the chaining key, H the hash, E ephemeral, S static, Q the preshared key.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "noise.h"

static const char CONSTRUCTION[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char IDENTIFIER[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
static const char LABEL_MAC1[] = "mac1----";
static const char LABEL_COOKIE[] = "cookie--";
#define COOKIE_VALID_MS 120000 /* REKEY_AFTER_TIME: a cookie is used this long */

static void mix_hash(uint8_t h[HK_HASH_LEN], const void *data, size_t len)
{
	hk_blake2s(h, h, HK_HASH_LEN, data, len);
}

/* C = KDF1(C, in) */
static void mix_key1(uint8_t ck[HK_HASH_LEN], const void *in, size_t len)
{
	uint8_t *outs[1] = { ck };
	hk_kdf(outs, 1, ck, in, len);
}

/* (C, k) = KDF2(C, in) */
static void mix_key2(uint8_t ck[HK_HASH_LEN], uint8_t k[HK_KEY_LEN], const void *in, size_t len)
{
	uint8_t *outs[2] = { ck, k };
	hk_kdf(outs, 2, ck, in, len);
}

static void initial_state(uint8_t ck[HK_HASH_LEN], uint8_t h[HK_HASH_LEN],
			  const uint8_t resp_pub[HK_KEY_LEN])
{
	hk_blake2s(ck, CONSTRUCTION, strlen(CONSTRUCTION), NULL, 0);
	hk_blake2s(h, ck, HK_HASH_LEN, IDENTIFIER, strlen(IDENTIFIER));
	mix_hash(h, resp_pub, HK_KEY_LEN);
}

int hk_noise_local_set(struct hk_noise_local *l, const uint8_t priv[HK_KEY_LEN])
{
	memcpy(l->priv, priv, HK_KEY_LEN);
	int r = hk_x25519_pub(l->pub, priv);
	if (r < 0)
		return r;
	hk_blake2s(l->mac1_key, LABEL_MAC1, 8, l->pub, HK_KEY_LEN);
	hk_blake2s(l->cookie_key, LABEL_COOKIE, 8, l->pub, HK_KEY_LEN);
	return 0;
}

int hk_noise_peer_set(struct hk_noise_peer *p, const struct hk_noise_local *l,
		      const uint8_t pub[HK_KEY_LEN], const uint8_t *psk)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->pub, pub, HK_KEY_LEN);
	if (psk)
		memcpy(p->psk, psk, HK_KEY_LEN);
	hk_blake2s(p->mac1_key, LABEL_MAC1, 8, pub, HK_KEY_LEN);
	hk_blake2s(p->cookie_key, LABEL_COOKIE, 8, pub, HK_KEY_LEN);
	return hk_x25519(p->ss, l->priv, pub);
}

void hk_tai64n(uint8_t out[HK_TAI64N_LEN])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t s = htobe64(0x400000000000000aULL + (uint64_t)ts.tv_sec);
	uint32_t ns = htobe32((uint32_t)ts.tv_nsec);
	memcpy(out, &s, 8);
	memcpy(out + 8, &ns, 4);
}

/* mac1 (and mac2 with a fresh cookie) of an outgoing handshake message of len bytes. */
static void add_macs(struct hk_noise_peer *p, void *m, size_t len, uint64_t now_ms)
{
	uint8_t *b = m;
	hk_blake2s_mac(b + len - 2 * HK_MAC_LEN, p->mac1_key, HK_HASH_LEN, b, len - 2 * HK_MAC_LEN);
	memcpy(p->last_mac1, b + len - 2 * HK_MAC_LEN, HK_MAC_LEN);
	if (p->cookie_ms && now_ms - p->cookie_ms < COOKIE_VALID_MS)
		hk_blake2s_mac(b + len - HK_MAC_LEN, p->cookie, HK_MAC_LEN, b, len - HK_MAC_LEN);
	else
		memset(b + len - HK_MAC_LEN, 0, HK_MAC_LEN);
}

bool hk_noise_mac1_ok(const struct hk_noise_local *l, const void *m, size_t len)
{
	uint8_t mac[HK_MAC_LEN];
	const uint8_t *b = m;
	hk_blake2s_mac(mac, l->mac1_key, HK_HASH_LEN, b, len - 2 * HK_MAC_LEN);
	return hk_crypto_equal(mac, b + len - 2 * HK_MAC_LEN, HK_MAC_LEN);
}

int hk_noise_init_create(const struct hk_noise_local *l, struct hk_noise_peer *p,
			 struct hk_handshake *hs, uint32_t local_index, uint64_t now_ms,
			 struct hk_msg_init *m)
{
	uint8_t k[HK_KEY_LEN], dh[HK_KEY_LEN], ts[HK_TAI64N_LEN];
	int r;
	memset(hs, 0, sizeof(*hs));
	memset(m, 0, sizeof(*m));
	m->type = htole32(HK_MSG_INIT);
	m->sender = htole32(local_index);
	hs->local_index = local_index;
	initial_state(hs->ck, hs->hash, p->pub);
	if ((r = hk_x25519_genkey(hs->e_priv)) < 0 || (r = hk_x25519_pub(m->eph, hs->e_priv)) < 0)
		goto out;
	mix_key1(hs->ck, m->eph, HK_KEY_LEN);
	mix_hash(hs->hash, m->eph, HK_KEY_LEN);
	if ((r = hk_x25519(dh, hs->e_priv, p->pub)) < 0)
		goto out;
	mix_key2(hs->ck, k, dh, HK_KEY_LEN);
	if ((r = hk_aead_seal1(m->stat, k, 0, l->pub, HK_KEY_LEN, hs->hash, HK_HASH_LEN)) < 0)
		goto out;
	mix_hash(hs->hash, m->stat, sizeof(m->stat));
	mix_key2(hs->ck, k, p->ss, HK_KEY_LEN);
	hk_tai64n(ts);
	if ((r = hk_aead_seal1(m->ts, k, 0, ts, HK_TAI64N_LEN, hs->hash, HK_HASH_LEN)) < 0)
		goto out;
	mix_hash(hs->hash, m->ts, sizeof(m->ts));
	add_macs(p, m, sizeof(*m), now_ms);
	hs->initiated = true;
out:
	hk_crypto_wipe(k, sizeof(k));
	hk_crypto_wipe(dh, sizeof(dh));
	return r;
}

int hk_noise_init_consume1(const struct hk_noise_local *l, const struct hk_msg_init *m,
			   struct hk_handshake *hs, uint8_t ret_pub[HK_KEY_LEN])
{
	uint8_t k[HK_KEY_LEN], dh[HK_KEY_LEN];
	int r = -EBADMSG;
	memset(hs, 0, sizeof(*hs));
	hs->remote_index = le32toh(m->sender);
	memcpy(hs->e_remote, m->eph, HK_KEY_LEN);
	initial_state(hs->ck, hs->hash, l->pub);
	mix_key1(hs->ck, m->eph, HK_KEY_LEN);
	mix_hash(hs->hash, m->eph, HK_KEY_LEN);
	if (hk_x25519(dh, l->priv, m->eph) < 0)
		goto out;
	mix_key2(hs->ck, k, dh, HK_KEY_LEN);
	if (hk_aead_open1(ret_pub, k, 0, m->stat, sizeof(m->stat), hs->hash, HK_HASH_LEN) < 0)
		goto out;
	mix_hash(hs->hash, m->stat, sizeof(m->stat));
	r = 0;
out:
	hk_crypto_wipe(k, sizeof(k));
	hk_crypto_wipe(dh, sizeof(dh));
	return r;
}

int hk_noise_init_consume2(const struct hk_noise_peer *p, const struct hk_msg_init *m,
			   struct hk_handshake *hs, uint8_t ret_ts[HK_TAI64N_LEN])
{
	uint8_t k[HK_KEY_LEN];
	mix_key2(hs->ck, k, p->ss, HK_KEY_LEN);
	int r = hk_aead_open1(ret_ts, k, 0, m->ts, sizeof(m->ts), hs->hash, HK_HASH_LEN);
	hk_crypto_wipe(k, sizeof(k));
	if (r < 0)
		return -EBADMSG;
	mix_hash(hs->hash, m->ts, sizeof(m->ts));
	return 0;
}

/* Both roles end alike: (T1, T2) = KDF2(C, ""); the initiator sends with T1. */
static void derive(struct hk_handshake *hs, bool initiator, struct hk_session_keys *ret)
{
	uint8_t *outs[2] = { initiator ? ret->send : ret->recv, initiator ? ret->recv : ret->send };
	hk_kdf(outs, 2, hs->ck, NULL, 0);
	ret->local_index = hs->local_index;
	ret->remote_index = hs->remote_index;
	ret->initiator = initiator;
	hk_crypto_wipe(hs, sizeof(*hs));
}

/* The psk part shared by both roles: C = KDF1(C, DH(E, E')), C = KDF1(C, DH(., S)) done by
 * the caller; here (C, t, k) = KDF3(C, Q), H = HASH(H || t). */
static void mix_psk(struct hk_handshake *hs, const uint8_t psk[HK_KEY_LEN], uint8_t k[HK_KEY_LEN])
{
	uint8_t t[HK_HASH_LEN];
	uint8_t *outs[3] = { hs->ck, t, k };
	hk_kdf(outs, 3, hs->ck, psk, HK_KEY_LEN);
	mix_hash(hs->hash, t, HK_HASH_LEN);
	hk_crypto_wipe(t, sizeof(t));
}

int hk_noise_resp_create(struct hk_noise_peer *p, struct hk_handshake *hs, uint32_t local_index,
			 uint64_t now_ms, struct hk_msg_resp *m, struct hk_session_keys *ret)
{
	uint8_t k[HK_KEY_LEN], dh[HK_KEY_LEN];
	int r;
	memset(m, 0, sizeof(*m));
	m->type = htole32(HK_MSG_RESP);
	m->sender = htole32(local_index);
	m->receiver = htole32(hs->remote_index);
	hs->local_index = local_index;
	if ((r = hk_x25519_genkey(hs->e_priv)) < 0 || (r = hk_x25519_pub(m->eph, hs->e_priv)) < 0)
		goto out;
	mix_key1(hs->ck, m->eph, HK_KEY_LEN);
	mix_hash(hs->hash, m->eph, HK_KEY_LEN);
	if ((r = hk_x25519(dh, hs->e_priv, hs->e_remote)) < 0)
		goto out;
	mix_key1(hs->ck, dh, HK_KEY_LEN);
	if ((r = hk_x25519(dh, hs->e_priv, p->pub)) < 0)
		goto out;
	mix_key1(hs->ck, dh, HK_KEY_LEN);
	mix_psk(hs, p->psk, k);
	if ((r = hk_aead_seal1(m->empty, k, 0, NULL, 0, hs->hash, HK_HASH_LEN)) < 0)
		goto out;
	mix_hash(hs->hash, m->empty, sizeof(m->empty));
	add_macs(p, m, sizeof(*m), now_ms);
	derive(hs, false, ret);
out:
	hk_crypto_wipe(k, sizeof(k));
	hk_crypto_wipe(dh, sizeof(dh));
	return r;
}

int hk_noise_resp_consume(const struct hk_noise_local *l, const struct hk_noise_peer *p,
			  struct hk_handshake *hs, const struct hk_msg_resp *m,
			  struct hk_session_keys *ret)
{
	struct hk_handshake t = *hs; /* a bad response leaves the handshake as it was */
	uint8_t k[HK_KEY_LEN], dh[HK_KEY_LEN];
	int r = -EBADMSG;
	t.remote_index = le32toh(m->sender);
	mix_key1(t.ck, m->eph, HK_KEY_LEN);
	mix_hash(t.hash, m->eph, HK_KEY_LEN);
	if (hk_x25519(dh, t.e_priv, m->eph) < 0)
		goto out;
	mix_key1(t.ck, dh, HK_KEY_LEN);
	if (hk_x25519(dh, l->priv, m->eph) < 0)
		goto out;
	mix_key1(t.ck, dh, HK_KEY_LEN);
	mix_psk(&t, p->psk, k);
	uint8_t none[1];
	if (hk_aead_open1(none, k, 0, m->empty, sizeof(m->empty), t.hash, HK_HASH_LEN) < 0)
		goto out;
	mix_hash(t.hash, m->empty, sizeof(m->empty));
	derive(&t, true, ret);
	hk_crypto_wipe(hs, sizeof(*hs));
	r = 0;
out:
	hk_crypto_wipe(&t, sizeof(t));
	hk_crypto_wipe(k, sizeof(k));
	hk_crypto_wipe(dh, sizeof(dh));
	return r;
}

int hk_noise_cookie_consume(struct hk_noise_peer *p, const struct hk_msg_cookie *m, uint64_t now_ms)
{
	uint8_t cookie[HK_MAC_LEN];
	if (hk_xaead_open(cookie, p->cookie_key, m->nonce, m->cookie, sizeof(m->cookie),
			  p->last_mac1, HK_MAC_LEN) < 0)
		return -EBADMSG;
	memcpy(p->cookie, cookie, HK_MAC_LEN);
	p->cookie_ms = now_ms ? now_ms : 1;
	return 0;
}

void hk_noise_cookie_of(uint8_t out[HK_MAC_LEN], const uint8_t secret[HK_KEY_LEN], const void *src,
			size_t srclen)
{
	hk_blake2s_mac(out, secret, HK_KEY_LEN, src, srclen);
}

bool hk_noise_mac2_ok(const uint8_t cookie[HK_MAC_LEN], const void *m, size_t len)
{
	uint8_t mac[HK_MAC_LEN];
	const uint8_t *b = m;
	hk_blake2s_mac(mac, cookie, HK_MAC_LEN, b, len - HK_MAC_LEN);
	return hk_crypto_equal(mac, b + len - HK_MAC_LEN, HK_MAC_LEN);
}

int hk_noise_cookie_reply(const struct hk_noise_local *l, const void *m, size_t len,
			  const uint8_t cookie[HK_MAC_LEN], struct hk_msg_cookie *ret)
{
	const uint8_t *b = m;
	memset(ret, 0, sizeof(*ret));
	ret->type = htole32(HK_MSG_COOKIE);
	memcpy(&ret->receiver, b + 4, 4); /* the sender index of both handshake messages */
	int r = hk_crypto_random(ret->nonce, sizeof(ret->nonce));
	if (r < 0)
		return r;
	return hk_xaead_seal(ret->cookie, l->cookie_key, ret->nonce, cookie, HK_MAC_LEN,
			     b + len - 2 * HK_MAC_LEN, HK_MAC_LEN);
}
