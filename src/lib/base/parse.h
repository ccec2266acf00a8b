/* SPDX-License-Identifier: MIT */
/* Pure parsers and name checks: no kernel state, no allocation. All return 0 or -EINVAL
 * and fill err with one line saying what was wrong. */
#ifndef HK_PARSE_H
#define HK_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define HK_IFNAMSIZ 16 /* including the NUL, as the kernel's IFNAMSIZ */

/* An IPv4 or IPv6 address with an optional prefix length. */
struct hk_prefix {
	int family;   /* AF_INET or AF_INET6 */
	uint8_t len;  /* prefix length; 32/128 when none was given */
	bool has_len; /* a "/len" was written */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} addr;
};

/* Interface names: 1..15 bytes, no '/', ':', whitespace, not "." or "..". */
int hk_parse_ifname(const char *s, struct hk_err *err);

/* Network namespace names, as iproute2 accepts them: 1..255 bytes, no '/', not "." or "..",
 * no whitespace. */
int hk_parse_netns_name(const char *s, struct hk_err *err);

/* Unsigned integer in [min, max], decimal or 0x-hex, whole string. */
int hk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret, const char *what,
		 struct hk_err *err);

/* "ADDR" or "ADDR/LEN" (IPv4 or IPv6). family 0 accepts both. */
int hk_parse_prefix(const char *s, int family, struct hk_prefix *ret, struct hk_err *err);

/* An address without prefix. */
int hk_parse_addr(const char *s, int family, struct hk_prefix *ret, struct hk_err *err);

/* "aa:bb:cc:dd:ee:ff" */
int hk_parse_mac(const char *s, uint8_t ret[6], struct hk_err *err);

/* Format helpers. buf must hold INET6_ADDRSTRLEN + 4. */
const char *hk_prefix_str(const struct hk_prefix *p, char *buf, size_t len);
const char *hk_mac_str(const uint8_t *mac, size_t maclen, char *buf, size_t len);

/* Zero the host bits of p (10.0.0.7/24 -> 10.0.0.0/24). */
void hk_prefix_mask(struct hk_prefix *p);

/* Do the first p->len bits of the address addr (16 bytes of raw, an IPv4 one in the first
 * 4) equal p's? The family is the caller's to compare. */
bool hk_prefix_has(const struct hk_prefix *p, const uint8_t *addr);

/* Split a line into argv in place, honouring single and double quotes and backslash.
 * '#' at the start of a word begins a comment. Returns argc or -EINVAL on an unclosed quote. */
int hk_split_args(char *line, char **argv, int max, struct hk_err *err);

/* The value after the keyword argv[*i] (iproute2 grammar): *ret, with *i moved onto it, or a
 * usage error "'KEYWORD' needs a value". */
int hk_next_arg(int argc, char **argv, int *i, const char **ret, struct hk_err *err);

#endif
