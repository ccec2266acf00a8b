// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "peer.h"

static void keypair_free(struct hk_keypair *kp)
{
	if (!kp)
		return;
	for (unsigned w = 0; w < kp->nworkers; w++) {
		hk_aead_free(kp->send[w]);
		hk_aead_free(kp->recv[w]);
	}
	free(kp);
}

struct hk_peer *hk_peer_new(const struct hk_noise_local *local, const struct hk_tunconf_peer *cfg,
			    struct hk_err *err)
{
	struct hk_peer *p = calloc(1, sizeof(*p));
	if (!p) {
		hk_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	char b64[HK_KEY_B64_LEN + 1];
	if (hk_noise_peer_set(&p->np, local, cfg->pub, cfg->has_psk ? cfg->psk : NULL) < 0) {
		hk_key_b64(b64, cfg->pub);
		hk_err_usage(err, "peer %s: not a usable public key (low-order point)", b64);
		hk_peer_free(p);
		return NULL;
	}
	p->ep = cfg->endpoint;
	p->nworkers = 1;
	p->keepalive = cfg->keepalive;
	for (size_t i = 0; i < cfg->n_allowed; i++)
		if (hk_peer_allow(p, &cfg->allowed[i]) < 0) {
			hk_err_set(err, -ENOMEM, "out of memory");
			hk_peer_free(p);
			return NULL;
		}
	return p;
}

void hk_peer_drop_sessions(struct hk_peer *p)
{
	keypair_free(p->cur);
	keypair_free(p->prev);
	keypair_free(p->next);
	p->cur = p->prev = p->next = NULL;
}

void hk_peer_clear(struct hk_peer *p)
{
	hk_peer_drop_sessions(p);
	hk_crypto_wipe(&p->hs, sizeof(p->hs));
	p->hs_first_ms = 0;
	for (size_t i = 0; i < p->nqueue; i++)
		free(p->queue[i]);
	p->nqueue = 0;
}

void hk_peer_free(struct hk_peer *p)
{
	if (!p)
		return;
	hk_peer_clear(p);
	free(p->allowed);
	hk_crypto_wipe(p, sizeof(*p));
	free(p);
}

static uint64_t bytes(const struct hk_peer *p, int dir)
{
	uint64_t n = 0;
	for (unsigned w = 0; w < HK_PEER_WORKERS; w++)
		n += p->bytes[w].v[dir];
	return n;
}

uint64_t hk_peer_rx(const struct hk_peer *p)
{
	return bytes(p, HK_PEER_RX);
}

uint64_t hk_peer_tx(const struct hk_peer *p)
{
	return bytes(p, HK_PEER_TX);
}

struct hk_keypair *hk_peer_install(struct hk_peer *p, struct hk_session_keys *keys, uint64_t now)
{
	struct hk_keypair *kp = calloc(1, sizeof(*kp));
	bool ok = kp != NULL;
	if (kp) {
		kp->nworkers = p->nworkers ? p->nworkers : 1;
		for (unsigned w = 0; w < kp->nworkers; w++) {
			kp->send[w] = hk_aead_new(keys->send, true);
			kp->recv[w] = hk_aead_new(keys->recv, false);
			ok = ok && kp->send[w] && kp->recv[w];
		}
		kp->local_index = keys->local_index;
		kp->remote_index = keys->remote_index;
		kp->initiator = keys->initiator;
		kp->born_ms = now;
		hk_replay_init(&kp->replay);
	}
	hk_crypto_wipe(keys, sizeof(*keys));
	if (kp && !ok) {
		keypair_free(kp);
		return NULL;
	}
	if (!kp)
		return NULL;
	if (kp->initiator) {
		/* the paper's rotation: a pending next is dropped, current becomes previous */
		keypair_free(p->next);
		p->next = NULL;
		keypair_free(p->prev);
		p->prev = p->cur;
		p->cur = kp;
	} else {
		keypair_free(p->next);
		p->next = kp;
	}
	return kp;
}

void hk_peer_confirm(struct hk_peer *p)
{
	if (!p->next)
		return;
	keypair_free(p->prev);
	p->prev = p->cur;
	p->cur = p->next;
	p->next = NULL;
}

int hk_peer_enqueue(struct hk_peer *p, const uint8_t *pkt, size_t len)
{
	int dropped = 0;
	if (p->nqueue == HK_PEER_QUEUE) {
		free(p->queue[0]);
		memmove(p->queue, p->queue + 1, (HK_PEER_QUEUE - 1) * sizeof(p->queue[0]));
		memmove(p->queue_len, p->queue_len + 1,
			(HK_PEER_QUEUE - 1) * sizeof(p->queue_len[0]));
		p->nqueue--;
		dropped = 1;
	}
	uint8_t *c = malloc(len ? len : 1);
	if (!c)
		return -ENOMEM;
	memcpy(c, pkt, len);
	p->queue[p->nqueue] = c;
	p->queue_len[p->nqueue++] = len;
	return dropped;
}

static bool prefix_has(const struct hk_prefix *pfx, int family, const uint8_t *addr)
{
	if (pfx->family != family)
		return false;
	unsigned full = pfx->len / 8, rest = pfx->len % 8;
	if (memcmp(pfx->addr.raw, addr, full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (pfx->addr.raw[full] & mask) == (addr[full] & mask);
}

struct hk_peer *hk_peer_route(struct hk_peer *const *peers, size_t n, int family,
			      const uint8_t *addr)
{
	/* a linear scan: fine for the tens of prefixes a tunnel has (a trie when that changes) */
	struct hk_peer *best = NULL;
	int best_len = -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < peers[i]->n_allowed; j++) {
			const struct hk_prefix *pf = &peers[i]->allowed[j];
			if (pf->len > best_len && prefix_has(pf, family, addr)) {
				best = peers[i];
				best_len = pf->len;
			}
		}
	return best;
}

struct hk_peer *hk_peer_by_index(struct hk_peer *const *peers, size_t n, uint32_t idx,
				 struct hk_keypair **ret_kp)
{
	for (size_t i = 0; i < n; i++) {
		struct hk_keypair *v[3] = { peers[i]->cur, peers[i]->next, peers[i]->prev };
		for (int k = 0; k < 3; k++)
			if (v[k] && v[k]->local_index == idx) {
				*ret_kp = v[k];
				return peers[i];
			}
	}
	*ret_kp = NULL;
	return NULL;
}

struct hk_peer *hk_peer_by_key(struct hk_peer *const *peers, size_t n, const uint8_t *pub)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(peers[i]->np.pub, pub, HK_KEY_LEN))
			return peers[i];
	return NULL;
}

int hk_peer_allow(struct hk_peer *p, const struct hk_prefix *pfx)
{
	struct hk_prefix m = *pfx;
	hk_prefix_mask(&m);
	for (size_t i = 0; i < p->n_allowed; i++)
		if (p->allowed[i].family == m.family && p->allowed[i].len == m.len &&
		    !memcmp(p->allowed[i].addr.raw, m.addr.raw, 16))
			return 0;
	struct hk_prefix *v = realloc(p->allowed, (p->n_allowed + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->allowed = v;
	v[p->n_allowed++] = m;
	return 0;
}

void hk_peers_disallow(struct hk_peer *const *peers, size_t n, const struct hk_prefix *pfx,
		       const struct hk_peer *keep)
{
	for (size_t i = 0; i < n; i++) {
		struct hk_peer *p = peers[i];
		if (p == keep)
			continue;
		for (size_t j = 0; j < p->n_allowed;) {
			const struct hk_prefix *a = &p->allowed[j];
			if (a->family == pfx->family && a->len == pfx->len &&
			    !memcmp(a->addr.raw, pfx->addr.raw, 16))
				p->allowed[j] = p->allowed[--p->n_allowed];
			else
				j++;
		}
	}
}
