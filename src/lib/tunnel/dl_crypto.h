/* SPDX-License-Identifier: MIT */
/*
 * libcrypto (OpenSSL 3) and libsodium, loaded with dlopen() by crypto.c's door on first use
 * (hk_crypto_load), so that only the tunnel commands load them. Include this instead of the
 * libraries' headers; the macros keep call sites unchanged.
 */
#ifndef HK_DL_CRYPTO_H
#define HK_DL_CRYPTO_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "base/err.h"

#define HK_DL_SSL_SONAME "libcrypto.so.3"
#define HK_DL_SODIUM_SONAME "libsodium.so.23"

/* every symbol the callers use: add a new one here and below */
#define HK_DL_SSL_SYMS(X)                                                                          \
	X(CRYPTO_memcmp)                                                                           \
	X(EVP_CIPHER_CTX_ctrl)                                                                     \
	X(EVP_CIPHER_CTX_free)                                                                     \
	X(EVP_CIPHER_CTX_new)                                                                      \
	X(EVP_CipherFinal_ex)                                                                      \
	X(EVP_CipherInit_ex)                                                                       \
	X(EVP_CipherUpdate)                                                                        \
	X(EVP_DecodeBlock)                                                                         \
	X(EVP_DigestFinal_ex)                                                                      \
	X(EVP_DigestInit_ex)                                                                       \
	X(EVP_DigestUpdate)                                                                        \
	X(EVP_EncodeBlock)                                                                         \
	X(EVP_MD_CTX_free)                                                                         \
	X(EVP_MD_CTX_new)                                                                          \
	X(EVP_PKEY_CTX_free)                                                                       \
	X(EVP_PKEY_CTX_new)                                                                        \
	X(EVP_PKEY_derive)                                                                         \
	X(EVP_PKEY_derive_init)                                                                    \
	X(EVP_PKEY_derive_set_peer)                                                                \
	X(EVP_PKEY_free)                                                                           \
	X(EVP_PKEY_get_raw_public_key)                                                             \
	X(EVP_PKEY_new_raw_private_key)                                                            \
	X(EVP_PKEY_new_raw_public_key)                                                             \
	X(EVP_Q_mac)                                                                               \
	X(EVP_blake2s256)                                                                          \
	X(EVP_chacha20_poly1305)                                                                   \
	X(OPENSSL_cleanse)                                                                         \
	X(OSSL_PARAM_construct_end)                                                                \
	X(OSSL_PARAM_construct_size_t)

#define HK_DL_SODIUM_SYMS(X)                                                                       \
	X(sodium_init)                                                                             \
	X(crypto_aead_xchacha20poly1305_ietf_encrypt)                                              \
	X(crypto_aead_xchacha20poly1305_ietf_decrypt)

struct hk_dl_crypto {
#define HK_DL_FIELD(n) __typeof__(&n) n;
	HK_DL_SSL_SYMS(HK_DL_FIELD)
	HK_DL_SODIUM_SYMS(HK_DL_FIELD)
#undef HK_DL_FIELD
};

/* filled once by hk_dl_crypto() (dl_crypto.c) */
extern struct hk_dl_crypto hk_dl_crypto_syms;

/* Load both libraries on first use (thread-safe, once per process); 0, or -ENOENT with err
 * set to one line naming the library. */
int hk_dl_crypto(struct hk_err *err);

#ifndef HK_DL_IMPL
#define CRYPTO_memcmp (hk_dl_crypto_syms.CRYPTO_memcmp)
#define EVP_CIPHER_CTX_ctrl (hk_dl_crypto_syms.EVP_CIPHER_CTX_ctrl)
#define EVP_CIPHER_CTX_free (hk_dl_crypto_syms.EVP_CIPHER_CTX_free)
#define EVP_CIPHER_CTX_new (hk_dl_crypto_syms.EVP_CIPHER_CTX_new)
#define EVP_CipherFinal_ex (hk_dl_crypto_syms.EVP_CipherFinal_ex)
#define EVP_CipherInit_ex (hk_dl_crypto_syms.EVP_CipherInit_ex)
#define EVP_CipherUpdate (hk_dl_crypto_syms.EVP_CipherUpdate)
#define EVP_DecodeBlock (hk_dl_crypto_syms.EVP_DecodeBlock)
#define EVP_DigestFinal_ex (hk_dl_crypto_syms.EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (hk_dl_crypto_syms.EVP_DigestInit_ex)
#define EVP_DigestUpdate (hk_dl_crypto_syms.EVP_DigestUpdate)
#define EVP_EncodeBlock (hk_dl_crypto_syms.EVP_EncodeBlock)
#define EVP_MD_CTX_free (hk_dl_crypto_syms.EVP_MD_CTX_free)
#define EVP_MD_CTX_new (hk_dl_crypto_syms.EVP_MD_CTX_new)
#define EVP_PKEY_CTX_free (hk_dl_crypto_syms.EVP_PKEY_CTX_free)
#define EVP_PKEY_CTX_new (hk_dl_crypto_syms.EVP_PKEY_CTX_new)
#define EVP_PKEY_derive (hk_dl_crypto_syms.EVP_PKEY_derive)
#define EVP_PKEY_derive_init (hk_dl_crypto_syms.EVP_PKEY_derive_init)
#define EVP_PKEY_derive_set_peer (hk_dl_crypto_syms.EVP_PKEY_derive_set_peer)
#define EVP_PKEY_free (hk_dl_crypto_syms.EVP_PKEY_free)
#define EVP_PKEY_get_raw_public_key (hk_dl_crypto_syms.EVP_PKEY_get_raw_public_key)
#define EVP_PKEY_new_raw_private_key (hk_dl_crypto_syms.EVP_PKEY_new_raw_private_key)
#define EVP_PKEY_new_raw_public_key (hk_dl_crypto_syms.EVP_PKEY_new_raw_public_key)
#define EVP_Q_mac (hk_dl_crypto_syms.EVP_Q_mac)
#define EVP_blake2s256 (hk_dl_crypto_syms.EVP_blake2s256)
#define EVP_chacha20_poly1305 (hk_dl_crypto_syms.EVP_chacha20_poly1305)
#define OPENSSL_cleanse (hk_dl_crypto_syms.OPENSSL_cleanse)
#define OSSL_PARAM_construct_end (hk_dl_crypto_syms.OSSL_PARAM_construct_end)
#define OSSL_PARAM_construct_size_t (hk_dl_crypto_syms.OSSL_PARAM_construct_size_t)
#define sodium_init (hk_dl_crypto_syms.sodium_init)
#define crypto_aead_xchacha20poly1305_ietf_encrypt                                                 \
	(hk_dl_crypto_syms.crypto_aead_xchacha20poly1305_ietf_encrypt)
#define crypto_aead_xchacha20poly1305_ietf_decrypt                                                 \
	(hk_dl_crypto_syms.crypto_aead_xchacha20poly1305_ietf_decrypt)
#endif

#endif
