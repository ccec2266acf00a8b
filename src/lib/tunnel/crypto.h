/* SPDX-License-Identifier: MIT */
/*
 * The one door to the cryptographic libraries (docs/tunnel.md says why these): OpenSSL 3's
 * libcrypto for X25519, ChaCha20-Poly1305, BLAKE2s (hash and keyed MAC), HMAC-BLAKE2s and
 * base64; libsodium for XChaCha20-Poly1305 only (cookie replies), which OpenSSL lacks.
 * Nothing here is a primitive of its own: each function is one library call or the
 * WireGuard paper's composition of them (HKDF over HMAC).
 */
#ifndef HK_TUNNEL_CRYPTO_H
#define HK_TUNNEL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HK_KEY_LEN 32
#define HK_HASH_LEN 32
#define HK_TAG_LEN 16
#define HK_MAC_LEN 16
#define HK_XNONCE_LEN 24
#define HK_KEY_B64_LEN 44 /* without the NUL */

struct hk_err;
/* Load the libraries (dlopen, once per process): call it before any other function here.
 * 0, or -ENOENT/-EIO with err set (class unsupported: exit 3). */
int hk_crypto_load(struct hk_err *err);

/* Zero secret memory in a way the compiler cannot drop. */
void hk_crypto_wipe(void *p, size_t n);
/* Constant-time equality of n bytes. */
bool hk_crypto_equal(const void *a, const void *b, size_t n);
/* Cryptographically random bytes (getrandom). 0 or a negative errno. */
int hk_crypto_random(void *p, size_t n);

/* A fresh clamped X25519 private key. */
int hk_x25519_genkey(uint8_t sk[HK_KEY_LEN]);
/* The public key of sk. 0 or -EINVAL. */
int hk_x25519_pub(uint8_t pub[HK_KEY_LEN], const uint8_t sk[HK_KEY_LEN]);
/* The shared secret; -EINVAL when it is all zero (a low-order point), as WireGuard requires. */
int hk_x25519(uint8_t out[HK_KEY_LEN], const uint8_t sk[HK_KEY_LEN], const uint8_t pub[HK_KEY_LEN]);

/* BLAKE2s-256 of a || b (b may be NULL). */
void hk_blake2s(uint8_t out[HK_HASH_LEN], const void *a, size_t alen, const void *b, size_t blen);
/* Keyed BLAKE2s with a 16-byte output (WireGuard's MAC). */
void hk_blake2s_mac(uint8_t out[HK_MAC_LEN], const uint8_t *key, size_t keylen, const void *data,
		    size_t len);
/* HKDF over HMAC-BLAKE2s, n outputs (1..3) of 32 bytes each into outs[]. */
void hk_kdf(uint8_t *const outs[], int n, const uint8_t ck[HK_HASH_LEN], const void *in,
	    size_t inlen);

/* One-shot ChaCha20-Poly1305 (IETF, nonce = 4 zero bytes || counter little-endian), for
 * handshakes. out holds len + 16 (seal) or len - 16 (open). open: 0 or -EBADMSG. */
int hk_aead_seal1(uint8_t *out, const uint8_t key[HK_KEY_LEN], uint64_t ctr, const void *in,
		  size_t len, const void *ad, size_t adlen);
int hk_aead_open1(uint8_t *out, const uint8_t key[HK_KEY_LEN], uint64_t ctr, const void *in,
		  size_t len, const void *ad, size_t adlen);

/* A keyed ChaCha20-Poly1305 context for one direction of a session: the key schedule is done
 * once, each packet only sets its nonce. */
struct hk_aead;
struct hk_aead *hk_aead_new(const uint8_t key[HK_KEY_LEN], bool seal);
void hk_aead_free(struct hk_aead *a);
/* In place is allowed (out == in). seal writes len + 16 bytes; open returns -EBADMSG. */
int hk_aead_seal(struct hk_aead *a, uint64_t ctr, uint8_t *out, const uint8_t *in, size_t len);
int hk_aead_open(struct hk_aead *a, uint64_t ctr, uint8_t *out, const uint8_t *in, size_t len);

/* XChaCha20-Poly1305 (cookie replies). */
int hk_xaead_seal(uint8_t *out, const uint8_t key[HK_KEY_LEN], const uint8_t nonce[HK_XNONCE_LEN],
		  const void *in, size_t len, const void *ad, size_t adlen);
int hk_xaead_open(uint8_t *out, const uint8_t key[HK_KEY_LEN], const uint8_t nonce[HK_XNONCE_LEN],
		  const void *in, size_t len, const void *ad, size_t adlen);

/* Keys as `wg` writes them: base64 of 32 bytes (44 characters). decode: 0 or -EINVAL. */
void hk_key_b64(char out[HK_KEY_B64_LEN + 1], const uint8_t key[HK_KEY_LEN]);
int hk_key_from_b64(uint8_t key[HK_KEY_LEN], const char *s);

#endif
