/* SPDX-License-Identifier: MIT */
/*
 * Content digests as OCI writes them: "sha256:<64 lowercase hex>". sha256 comes from
 * nettle (SHA-NI where the CPU has it; libarchive already loads libnettle); only digest.c
 * includes it.
 */
#ifndef HK_DIGEST_H
#define HK_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HK_SHA256_HEX 64
#define HK_DIGEST_PREFIX "sha256:"
/* "sha256:" + 64 hex + NUL */
#define HK_DIGEST_MAX (7 + HK_SHA256_HEX + 1)

/* A running sha256; opaque storage big enough for nettle's state (checked in digest.c). */
struct hk_sha256 {
	_Alignas(16) unsigned char state[128];
};

void hk_sha256_init(struct hk_sha256 *h);
void hk_sha256_update(struct hk_sha256 *h, const void *buf, size_t len);
/* Finish and format "sha256:<hex>" into out (HK_DIGEST_MAX bytes). */
void hk_sha256_final(struct hk_sha256 *h, char out[HK_DIGEST_MAX]);

/* sha256 of a buffer, formatted. */
void hk_digest_buf(const void *buf, size_t len, char out[HK_DIGEST_MAX]);

/* Is s a well-formed "sha256:<64 lowercase hex>"? Only sha256 is accepted: it is what OCI
 * and Docker write, and anything else (sha512, upper case) would let two spellings name one
 * blob. On failure err says why ("digest 'X': ..."). */
int hk_digest_check(const char *s, struct hk_err *err);

/* The hex part of a checked digest (s + 7). */
static inline const char *hk_digest_hex(const char *s)
{
	return s + sizeof(HK_DIGEST_PREFIX) - 1;
}

/* Same content? (exact string compare of two checked digests) */
bool hk_digest_eq(const char *a, const char *b);

/* base64 (RFC 4648, padded) of len bytes into out (at least 4 * ((len + 2) / 3) + 1 bytes);
 * -ENOSPC when it does not fit. Registry credentials are stored this way (auth.json). */
int hk_digest_b64_encode(const void *buf, size_t len, char *out, size_t outlen);
/* Decode NUL-terminated s into out (NUL-terminated); -EINVAL when s is not base64, -ENOSPC
 * when out is too small. Returns the decoded length. */
int hk_digest_b64_decode(const char *s, char *out, size_t outlen);

#endif
