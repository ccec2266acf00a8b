// SPDX-License-Identifier: MIT
#include "parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

int hk_parse_ifname(const char *s, struct hk_err *err)
{
	if (!s || !*s)
		return hk_err_usage(err, "interface name is empty");
	size_t n = strlen(s);
	if (n >= HK_IFNAMSIZ)
		return hk_err_usage(
			err, "interface name '%s' is %zu bytes long, the kernel allows at most %d",
			s, n, HK_IFNAMSIZ - 1);
	if (strchr(s, '/') || strchr(s, ':') || has_space(s))
		return hk_err_usage(
			err, "interface name '%s' must not contain '/', ':' or whitespace", s);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return hk_err_usage(err, "interface name '%s' is reserved", s);
	return 0;
}

int hk_parse_netns_name(const char *s, struct hk_err *err)
{
	if (!s || !*s)
		return hk_err_usage(err, "namespace name is empty");
	if (strlen(s) > 255)
		return hk_err_usage(err, "namespace name is longer than 255 bytes");
	if (strchr(s, '/') || has_space(s))
		return hk_err_usage(err, "namespace name '%s' must not contain '/' or whitespace",
				    s);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return hk_err_usage(err, "namespace name '%s' is not allowed", s);
	return 0;
}

int hk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret, const char *what,
		 struct hk_err *err)
{
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return hk_err_usage(err, "%s '%s' is not a number", what, s ? s : "");
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return hk_err_usage(err, "%s '%s' is not a number", what, s);
	if (v < min || v > max)
		return hk_err_usage(err, "%s %s is out of range [%u, %u]", what, s, min, max);
	*ret = (uint32_t)v;
	return 0;
}

int hk_parse_addr(const char *s, int family, struct hk_prefix *ret, struct hk_err *err)
{
	struct hk_prefix p = { 0 };
	if (!s || !*s)
		return hk_err_usage(err, "address is empty");
	if ((family == 0 || family == AF_INET) && inet_pton(AF_INET, s, &p.addr.v4) == 1) {
		p.family = AF_INET;
		p.len = 32;
	} else if ((family == 0 || family == AF_INET6) && inet_pton(AF_INET6, s, &p.addr.v6) == 1) {
		p.family = AF_INET6;
		p.len = 128;
	} else {
		return hk_err_usage(err, "'%s' is not a valid %s address", s,
				    family == AF_INET	 ? "IPv4"
				    : family == AF_INET6 ? "IPv6"
							 : "IP");
	}
	*ret = p;
	return 0;
}

int hk_parse_prefix(const char *s, int family, struct hk_prefix *ret, struct hk_err *err)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (!s || !*s)
		return hk_err_usage(err, "address is empty");
	if (strlen(s) >= sizeof(buf))
		return hk_err_usage(err, "'%s' is not a valid address or CIDR", s);
	strcpy(buf, s);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	struct hk_err sub;
	if (hk_parse_addr(buf, family, ret, &sub) < 0)
		return hk_err_usage(err, "'%s' is not a valid address or CIDR", s);
	if (slash) {
		uint32_t max = ret->family == AF_INET ? 32 : 128, len;
		if (hk_parse_u32(slash + 1, 0, max, &len, "prefix length", &sub) < 0)
			return hk_err_usage(err, "'%s': prefix length must be 0..%u", s, max);
		ret->len = (uint8_t)len;
		ret->has_len = true;
	}
	return 0;
}

int hk_parse_mac(const char *s, uint8_t ret[6], struct hk_err *err)
{
	unsigned int b[6];
	char tail;
	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return hk_err_usage(err, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
				    s ? s : "");
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) || !isxdigit((unsigned char)s[i * 3 + 1]))
			return hk_err_usage(err, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
					    s);
		ret[i] = (uint8_t)b[i];
	}
	return 0;
}

const char *hk_prefix_str(const struct hk_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(p->family, p->addr.raw, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

const char *hk_mac_str(const uint8_t *mac, size_t maclen, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < maclen && o + 3 < len; i++)
		o += snprintf(buf + o, len - o, i ? ":%02x" : "%02x", mac[i]);
	return buf;
}

bool hk_prefix_has(const struct hk_prefix *p, const uint8_t *addr)
{
	unsigned bytes = p->len / 8, rest = p->len % 8;
	if (memcmp(addr, p->addr.raw, bytes))
		return false;
	return !rest || !((addr[bytes] ^ p->addr.raw[bytes]) & (uint8_t)(0xff << (8 - rest)));
}

void hk_prefix_mask(struct hk_prefix *p)
{
	unsigned bytes = p->family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < bytes; i++) {
		int bits = (int)p->len - (int)(i * 8);
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		p->addr.raw[i] &= m;
	}
}

int hk_split_args(char *line, char **argv, int max, struct hk_err *err)
{
	int argc = 0;
	char *r = line, *w = line;
	for (;;) {
		while (isspace((unsigned char)*r))
			r++;
		if (!*r || *r == '#')
			break;
		if (argc >= max - 1)
			return hk_err_usage(err, "too many words (at most %d)", max - 1);
		argv[argc++] = w;
		char q = 0;
		for (; *r; r++) {
			if (q) {
				if (*r == q)
					q = 0;
				else if (*r == '\\' && q == '"' && r[1])
					*w++ = *++r;
				else
					*w++ = *r;
			} else if (*r == '\'' || *r == '"') {
				q = *r;
			} else if (*r == '\\' && r[1]) {
				*w++ = *++r;
			} else if (isspace((unsigned char)*r)) {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (q)
			return hk_err_usage(err, "unclosed quote");
		if (*r)
			r++;
		*w++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

int hk_next_arg(int argc, char **argv, int *i, const char **ret, struct hk_err *err)
{
	if (*i + 1 >= argc)
		return hk_err_usage(err, "'%s' needs a value", argv[*i]);
	*ret = argv[++*i];
	return 0;
}
