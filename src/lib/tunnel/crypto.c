// SPDX-License-Identifier: MIT
/*
 * The only user of libcrypto and libsodium. Measured here (docs/tunnel.md): OpenSSL 3's
 * ChaCha20-Poly1305 seals 1.35 GB/s at 1400 bytes and 4.3 GB/s at 64 KiB, libsodium 0.86 and
 * 1.36, nettle 0.26 and 0.26; OpenSSL also has BLAKE2s (hash and BLAKE2SMAC) and X25519, so
 * it does everything but XChaCha20-Poly1305, which only libsodium has. Both are dlopen'ed
 * (dl_crypto.c) on first use: only the tunnel commands load them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "crypto.h"
#include "dl_crypto.h"

int hk_crypto_load(struct hk_err *err)
{
	return hk_dl_crypto(err);
}

void hk_crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

bool hk_crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int hk_crypto_random(void *p, size_t n)
{
	uint8_t *b = p;
	while (n) {
		ssize_t r = getrandom(b, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

int hk_x25519_genkey(uint8_t sk[HK_KEY_LEN])
{
	int r = hk_crypto_random(sk, HK_KEY_LEN);
	if (r < 0)
		return r;
	/* clamped as `wg genkey` prints it (X25519 clamps again on use) */
	sk[0] &= 248;
	sk[31] = (sk[31] & 127) | 64;
	return 0;
}

int hk_x25519_pub(uint8_t pub[HK_KEY_LEN], const uint8_t sk[HK_KEY_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, HK_KEY_LEN);
	size_t len = HK_KEY_LEN;
	int ok = k && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == HK_KEY_LEN;
	EVP_PKEY_free(k);
	return ok ? 0 : -EINVAL;
}

int hk_x25519(uint8_t out[HK_KEY_LEN], const uint8_t sk[HK_KEY_LEN], const uint8_t pub[HK_KEY_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, HK_KEY_LEN);
	EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, HK_KEY_LEN);
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
	size_t len = HK_KEY_LEN;
	int ok = c && p && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, p) == 1 &&
		 EVP_PKEY_derive(c, out, &len) == 1 && len == HK_KEY_LEN;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(p);
	EVP_PKEY_free(k);
	if (!ok) {
		memset(out, 0, HK_KEY_LEN);
		return -EINVAL;
	}
	uint8_t acc = 0;
	for (int i = 0; i < HK_KEY_LEN; i++)
		acc |= out[i];
	return acc ? 0 : -EINVAL;
}

void hk_blake2s(uint8_t out[HK_HASH_LEN], const void *a, size_t alen, const void *b, size_t blen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int len = HK_HASH_LEN;
	if (!c || EVP_DigestInit_ex(c, EVP_blake2s256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, a, alen) != 1 || (b && EVP_DigestUpdate(c, b, blen) != 1) ||
	    EVP_DigestFinal_ex(c, out, &len) != 1)
		abort(); /* only an allocation can fail: nothing sane to go on with */
	EVP_MD_CTX_free(c);
}

void hk_blake2s_mac(uint8_t out[HK_MAC_LEN], const uint8_t *key, size_t keylen, const void *data,
		    size_t len)
{
	size_t size = HK_MAC_LEN, outlen = 0;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_size_t("size", &size), OSSL_PARAM_END };
	if (!EVP_Q_mac(NULL, "BLAKE2SMAC", NULL, NULL, params, key, keylen, data, len, out,
		       HK_MAC_LEN, &outlen) ||
	    outlen != HK_MAC_LEN)
		abort();
}

static void hmac(uint8_t out[HK_HASH_LEN], const uint8_t key[HK_HASH_LEN], const void *data,
		 size_t len)
{
	size_t outlen = 0;
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "BLAKE2S-256", NULL, key, HK_HASH_LEN, data, len, out,
		       HK_HASH_LEN, &outlen) ||
	    outlen != HK_HASH_LEN)
		abort();
}

void hk_kdf(uint8_t *const outs[], int n, const uint8_t ck[HK_HASH_LEN], const void *in,
	    size_t inlen)
{
	uint8_t prk[HK_HASH_LEN], t[HK_HASH_LEN + 1];
	hmac(prk, ck, in, inlen);
	size_t tlen = 0;
	for (int i = 0; i < n; i++) {
		t[tlen] = (uint8_t)(i + 1);
		hmac(t, prk, t, tlen + 1);
		tlen = HK_HASH_LEN;
		memcpy(outs[i], t, HK_HASH_LEN);
	}
	hk_crypto_wipe(prk, sizeof(prk));
	hk_crypto_wipe(t, sizeof(t));
}

struct hk_aead {
	EVP_CIPHER_CTX *c;
	bool seal;
};

static void nonce_of(uint8_t nonce[12], uint64_t ctr)
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(ctr >> (8 * i));
}

struct hk_aead *hk_aead_new(const uint8_t key[HK_KEY_LEN], bool seal)
{
	struct hk_aead *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->seal = seal;
	a->c = EVP_CIPHER_CTX_new();
	if (!a->c || EVP_CipherInit_ex(a->c, EVP_chacha20_poly1305(), NULL, key, NULL, seal) != 1) {
		hk_aead_free(a);
		return NULL;
	}
	return a;
}

void hk_aead_free(struct hk_aead *a)
{
	if (!a)
		return;
	EVP_CIPHER_CTX_free(a->c); /* clears the key schedule */
	free(a);
}

static int aead_run(struct hk_aead *a, uint64_t ctr, uint8_t *out, const uint8_t *in, size_t len,
		    const void *ad, size_t adlen)
{
	uint8_t nonce[12];
	int l = 0;
	nonce_of(nonce, ctr);
	if (len > INT32_MAX || EVP_CipherInit_ex(a->c, NULL, NULL, NULL, nonce, a->seal) != 1)
		return -EINVAL;
	if (adlen && EVP_CipherUpdate(a->c, NULL, &l, ad, (int)adlen) != 1)
		return -EINVAL;
	if (a->seal) {
		if ((len && EVP_CipherUpdate(a->c, out, &l, in, (int)len) != 1) ||
		    EVP_CipherFinal_ex(a->c, out + len, &l) != 1 ||
		    EVP_CIPHER_CTX_ctrl(a->c, EVP_CTRL_AEAD_GET_TAG, HK_TAG_LEN, out + len) != 1)
			return -EINVAL;
		return 0;
	}
	if (len < HK_TAG_LEN)
		return -EBADMSG;
	size_t plen = len - HK_TAG_LEN;
	uint8_t tag[HK_TAG_LEN];
	memcpy(tag, in + plen, HK_TAG_LEN);
	if (EVP_CIPHER_CTX_ctrl(a->c, EVP_CTRL_AEAD_SET_TAG, HK_TAG_LEN, tag) != 1 ||
	    (plen && EVP_CipherUpdate(a->c, out, &l, in, (int)plen) != 1) ||
	    EVP_CipherFinal_ex(a->c, out + plen, &l) != 1)
		return -EBADMSG;
	return 0;
}

int hk_aead_seal(struct hk_aead *a, uint64_t ctr, uint8_t *out, const uint8_t *in, size_t len)
{
	return aead_run(a, ctr, out, in, len, NULL, 0);
}

int hk_aead_open(struct hk_aead *a, uint64_t ctr, uint8_t *out, const uint8_t *in, size_t len)
{
	return aead_run(a, ctr, out, in, len, NULL, 0);
}

static int aead1(bool seal, uint8_t *out, const uint8_t key[HK_KEY_LEN], uint64_t ctr,
		 const void *in, size_t len, const void *ad, size_t adlen)
{
	struct hk_aead *a = hk_aead_new(key, seal);
	if (!a)
		return -ENOMEM;
	int r = aead_run(a, ctr, out, in, len, ad, adlen);
	hk_aead_free(a);
	return r;
}

int hk_aead_seal1(uint8_t *out, const uint8_t key[HK_KEY_LEN], uint64_t ctr, const void *in,
		  size_t len, const void *ad, size_t adlen)
{
	return aead1(true, out, key, ctr, in, len, ad, adlen);
}

int hk_aead_open1(uint8_t *out, const uint8_t key[HK_KEY_LEN], uint64_t ctr, const void *in,
		  size_t len, const void *ad, size_t adlen)
{
	return aead1(false, out, key, ctr, in, len, ad, adlen);
}

int hk_xaead_seal(uint8_t *out, const uint8_t key[HK_KEY_LEN], const uint8_t nonce[HK_XNONCE_LEN],
		  const void *in, size_t len, const void *ad, size_t adlen)
{
	unsigned long long outlen;
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out, &outlen, in, len, ad, adlen, NULL,
							  nonce, key) == 0
		       ? 0
		       : -EINVAL;
}

int hk_xaead_open(uint8_t *out, const uint8_t key[HK_KEY_LEN], const uint8_t nonce[HK_XNONCE_LEN],
		  const void *in, size_t len, const void *ad, size_t adlen)
{
	unsigned long long outlen;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, &outlen, NULL, in, len, ad, adlen,
							  nonce, key) == 0
		       ? 0
		       : -EBADMSG;
}

void hk_key_b64(char out[HK_KEY_B64_LEN + 1], const uint8_t key[HK_KEY_LEN])
{
	EVP_EncodeBlock((unsigned char *)out, key, HK_KEY_LEN);
}

int hk_key_from_b64(uint8_t key[HK_KEY_LEN], const char *s)
{
	/* 32 bytes are 43 characters and one '=': EVP_DecodeBlock keeps the pad as a zero byte */
	uint8_t buf[36];
	if (strlen(s) != HK_KEY_B64_LEN || s[43] != '=' || s[42] == '=')
		return -EINVAL;
	int r = EVP_DecodeBlock(buf, (const unsigned char *)s, HK_KEY_B64_LEN);
	if (r != 33) {
		hk_crypto_wipe(buf, sizeof(buf));
		return -EINVAL;
	}
	memcpy(key, buf, HK_KEY_LEN);
	hk_crypto_wipe(buf, sizeof(buf));
	return 0;
}
