// SPDX-License-Identifier: MIT
#include "digest.h"

#include <errno.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <string.h>

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((struct hk_sha256 *)0)->state),
	       "struct hk_sha256 too small for nettle's state");

static struct sha256_ctx *st(struct hk_sha256 *h)
{
	return (struct sha256_ctx *)h->state;
}

void hk_sha256_init(struct hk_sha256 *h)
{
	sha256_init(st(h));
}

void hk_sha256_update(struct hk_sha256 *h, const void *buf, size_t len)
{
	if (len)
		sha256_update(st(h), len, buf);
}

static void format(const unsigned char *md, char out[HK_DIGEST_MAX])
{
	static const char hex[] = "0123456789abcdef";
	memcpy(out, HK_DIGEST_PREFIX, sizeof(HK_DIGEST_PREFIX) - 1);
	char *p = out + sizeof(HK_DIGEST_PREFIX) - 1;
	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		*p++ = hex[md[i] >> 4];
		*p++ = hex[md[i] & 15];
	}
	*p = '\0';
}

void hk_sha256_final(struct hk_sha256 *h, char out[HK_DIGEST_MAX])
{
	unsigned char md[SHA256_DIGEST_SIZE];
	sha256_digest(st(h), sizeof(md), md);
	format(md, out);
}

void hk_digest_buf(const void *buf, size_t len, char out[HK_DIGEST_MAX])
{
	struct hk_sha256 h;
	hk_sha256_init(&h);
	hk_sha256_update(&h, buf, len);
	hk_sha256_final(&h, out);
}

int hk_digest_check(const char *s, struct hk_err *err)
{
	if (!s)
		return hk_err_usage(err, "digest missing");
	size_t pl = sizeof(HK_DIGEST_PREFIX) - 1;
	if (strncmp(s, HK_DIGEST_PREFIX, pl) != 0)
		return hk_err_usage(err, "digest '%.80s': only sha256 digests are supported", s);
	const char *h = s + pl;
	size_t n = strspn(h, "0123456789abcdef");
	if (n != HK_SHA256_HEX || h[n] != '\0')
		return hk_err_usage(err, "digest '%.80s': want sha256: and 64 lowercase hex digits",
				    s);
	return 0;
}

bool hk_digest_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int hk_digest_b64_encode(const void *buf, size_t len, char *out, size_t outlen)
{
	if (len > SIZE_MAX / 2 || BASE64_ENCODE_RAW_LENGTH(len) + 1 > outlen)
		return -ENOSPC;
	base64_encode_raw(out, len, buf);
	out[BASE64_ENCODE_RAW_LENGTH(len)] = 0;
	return 0;
}

int hk_digest_b64_decode(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s), dl = BASE64_DECODE_LENGTH(n);
	if (dl + 1 > outlen)
		return -ENOSPC;
	struct base64_decode_ctx ctx;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &dl, (uint8_t *)out, n, s) || !base64_decode_final(&ctx))
		return -EINVAL;
	out[dl] = 0;
	return (int)dl;
}
