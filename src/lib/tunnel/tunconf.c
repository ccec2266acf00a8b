// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "tunconf.h"

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int hk_endpoint_parse(const char *s, struct hk_endpoint *ret, struct hk_err *err)
{
	char host[256];
	const char *port;
	if (s[0] == '[') {
		const char *e = strchr(s, ']');
		if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host))
			return hk_err_usage(err, "endpoint '%s': expected [IPV6]:PORT", s);
		memcpy(host, s + 1, (size_t)(e - s - 1));
		host[e - s - 1] = 0;
		port = e + 2;
	} else {
		const char *c = strrchr(s, ':');
		if (!c || (size_t)(c - s) >= sizeof(host) || c == s)
			return hk_err_usage(err, "endpoint '%s': expected HOST:PORT", s);
		memcpy(host, s, (size_t)(c - s));
		host[c - s] = 0;
		port = c + 1;
	}
	uint32_t p;
	if (hk_parse_u32(port, 1, 65535, &p, "port", err) < 0)
		return hk_err_prefix(err, "endpoint '%s'", s);
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int r = getaddrinfo(host, port, &hints, &ai);
	if (r || !ai)
		return hk_err_usage(err, "endpoint '%s': cannot resolve '%s': %s", s, host,
				    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	memset(ret, 0, sizeof(*ret));
	memcpy(&ret->sa, ai->ai_addr,
	       ai->ai_addrlen < sizeof(*ret) ? ai->ai_addrlen : sizeof(*ret));
	freeaddrinfo(ai);
	return 0;
}

const char *hk_endpoint_str(const struct hk_endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	if (e->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &e->in.sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(e->in.sin_port));
	} else if (e->sa.sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&e->in6.sin6_addr)) {
		inet_ntop(AF_INET, &e->in6.sin6_addr.s6_addr[12], a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(e->in6.sin6_port));
	} else if (e->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &e->in6.sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(e->in6.sin6_port));
	} else {
		snprintf(buf, len, "(none)");
	}
	return buf;
}

static int key_value(const char *v, uint8_t out[HK_KEY_LEN], struct hk_err *err)
{
	if (hk_key_from_b64(out, v) < 0)
		return hk_err_usage(err,
				    "not a key (44 characters of base64, as wg genkey writes)");
	return 0;
}

/* "a, b, c" -> each prefix through fn */
static int prefixes(char *v, struct hk_prefix *arr, size_t *n, size_t max, bool mask,
		    struct hk_err *err)
{
	for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (*n >= max)
			return hk_err_usage(err, "more than %zu entries", max);
		struct hk_prefix p;
		if (hk_parse_prefix(tok, 0, &p, err) < 0)
			return err->code;
		if (mask)
			hk_prefix_mask(&p);
		arr[(*n)++] = p;
	}
	return 0;
}

bool hk_prefix_same(const struct hk_prefix *a, const struct hk_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr.raw, b->addr.raw, a->family == AF_INET ? 4 : 16);
}

/* wg-quick's own keys, which `wg setconf` refuses: hako does none of what they ask */
static const char *const wg_quick_only[] = { "DNS",	 "PreUp",      "PostUp", "PreDown",
					     "PostDown", "SaveConfig", NULL };

static int iface_key(struct hk_tunconf *c, const char *k, char *v, struct hk_err *err)
{
	uint32_t u;
	if (!strcasecmp(k, "PrivateKey")) {
		c->has_priv = true;
		return key_value(v, c->priv, err);
	}
	if (!strcasecmp(k, "ListenPort")) {
		if (hk_parse_u32(v, 0, 65535, &u, "ListenPort", err) < 0)
			return err->code;
		c->listen_port = (uint16_t)u;
		return 0;
	}
	if (!strcasecmp(k, "FwMark")) { /* as wg: a number (0x... hex) or "off" */
		if (strcasecmp(v, "off") &&
		    hk_parse_u32(v, 0, UINT32_MAX, &c->fwmark, "FwMark", err) < 0)
			return err->code;
		if (!strcasecmp(v, "off"))
			c->fwmark = 0;
		return 0;
	}
	if (!strcasecmp(k, "Table")) { /* wg-quick's: off (no routes) or auto (the default) */
		if (strcasecmp(v, "off") && strcasecmp(v, "auto"))
			return hk_err_usage(err,
					    "Table '%s': off or auto (hako routes into the main "
					    "table only)",
					    v);
		c->no_routes = !strcasecmp(v, "off");
		return 0;
	}
	if (!strcasecmp(k, "MTU")) {
		if (hk_parse_u32(v, 576, 65535 - 80, &u, "MTU", err) < 0)
			return err->code;
		c->mtu = u;
		return 0;
	}
	if (!strcasecmp(k, "Workers")) {
		if (hk_parse_u32(v, 1, HK_TUNCONF_WORKERS_MAX, &u, "Workers", err) < 0)
			return err->code;
		c->workers = u;
		return 0;
	}
	if (!strcasecmp(k, "Transport")) {
		if (strcasecmp(v, "udp") && strcasecmp(v, "tcp"))
			return hk_err_usage(err, "Transport '%s': udp or tcp", v);
		c->tcp = !strcasecmp(v, "tcp");
		return 0;
	}
	if (!strcasecmp(k, "Mode")) {
		if (strcasecmp(v, "tun") && strcasecmp(v, "tap"))
			return hk_err_usage(err, "Mode '%s': tun or tap", v);
		c->tap = !strcasecmp(v, "tap");
		return 0;
	}
	if (!strcasecmp(k, "Address")) {
		size_t n_before = c->n_addr;
		if (prefixes(v, c->addr, &c->n_addr, HK_TUNCONF_ADDR_MAX, false, err) < 0)
			return err->code;
		for (size_t i = n_before; i < c->n_addr; i++)
			for (size_t j = 0; j < i; j++)
				if (c->addr[i].family == c->addr[j].family &&
				    !memcmp(c->addr[i].addr.raw, c->addr[j].addr.raw,
					    c->addr[i].family == AF_INET ? 4 : 16)) {
					char b[64];
					struct hk_prefix a = c->addr[i];
					a.has_len = false;
					return hk_err_usage(err, "Address %s is listed twice",
							    hk_prefix_str(&a, b, sizeof(b)));
				}
		return 0;
	}
	for (const char *const *q = wg_quick_only; *q; q++)
		if (!strcasecmp(k, *q))
			return hk_err_usage(err,
					    "'%s' is a wg-quick key hako tunnel does not implement "
					    "(no DNS, hook or save): remove the line",
					    *q);
	return hk_err_usage(err, "unknown key '%s' in [Interface]", k);
}

/* A prefix of p's new AllowedIPs from n_before on that an earlier peer of c has too: wg
 * would silently move it to the later peer, taking it from the one the file gave it first. */
static int allowed_unique(const struct hk_tunconf *c, const struct hk_tunconf_peer *p,
			  size_t n_before, struct hk_err *err)
{
	for (size_t i = n_before; i < p->n_allowed; i++)
		for (const struct hk_tunconf_peer *q = c->peers; q < p; q++)
			for (size_t j = 0; j < q->n_allowed; j++)
				if (hk_prefix_same(&p->allowed[i], &q->allowed[j])) {
					char b[64];
					return hk_err_usage(
						err, "AllowedIPs %s is [Peer] %zu's already",
						hk_prefix_str(&p->allowed[i], b, sizeof(b)),
						(size_t)(q - c->peers) + 1);
				}
	return 0;
}

static int peer_key(struct hk_tunconf *c, struct hk_tunconf_peer *p, const char *k, char *v,
		    struct hk_err *err)
{
	uint32_t u;
	if (!strcasecmp(k, "PublicKey"))
		return key_value(v, p->pub, err);
	if (!strcasecmp(k, "PresharedKey")) {
		p->has_psk = true;
		return key_value(v, p->psk, err);
	}
	if (!strcasecmp(k, "Endpoint"))
		return hk_endpoint_parse(v, &p->endpoint, err);
	if (!strcasecmp(k, "PersistentKeepalive")) {
		if (!strcasecmp(v, "off")) {
			p->keepalive = 0;
			return 0;
		}
		if (hk_parse_u32(v, 0, 65535, &u, "PersistentKeepalive", err) < 0)
			return err->code;
		p->keepalive = (uint16_t)u;
		return 0;
	}
	if (!strcasecmp(k, "AllowedIPs")) {
		size_t room = p->n_allowed + 1;
		for (const char *ch = v; *ch; ch++)
			room += *ch == ',';
		struct hk_prefix *a = realloc(p->allowed, room * sizeof(*a));
		if (!a)
			return hk_err_set(err, -ENOMEM, "out of memory");
		p->allowed = a;
		size_t n_before = p->n_allowed;
		int r = prefixes(v, p->allowed, &p->n_allowed, room, true, err);
		return r < 0 ? r : allowed_unique(c, p, n_before, err);
	}
	return hk_err_usage(err, "unknown key '%s' in [Peer]", k);
}

static int add_peer(struct hk_tunconf *c, struct hk_err *err)
{
	struct hk_tunconf_peer *v = realloc(c->peers, (c->n_peers + 1) * sizeof(*v));
	if (!v)
		return hk_err_set(err, -ENOMEM, "out of memory");
	c->peers = v;
	memset(&v[c->n_peers++], 0, sizeof(*v));
	return 0;
}

static int check_peers(const struct hk_tunconf *c, const char *name, struct hk_err *err)
{
	static const uint8_t zero[HK_KEY_LEN];
	uint8_t self[HK_KEY_LEN];
	if (hk_x25519_pub(self, c->priv) < 0)
		return hk_err_usage(err, "%s: PrivateKey: not a usable key", name);
	for (size_t i = 0; i < c->n_peers; i++) {
		if (!memcmp(c->peers[i].pub, zero, HK_KEY_LEN))
			return hk_err_usage(err, "%s: [Peer] %zu has no PublicKey", name, i + 1);
		if (!memcmp(c->peers[i].pub, self, HK_KEY_LEN))
			return hk_err_usage(err,
					    "%s: [Peer] %zu has this interface's own public key",
					    name, i + 1);
		uint8_t ss[HK_KEY_LEN];
		int bad = hk_x25519(ss, c->priv, c->peers[i].pub);
		hk_crypto_wipe(ss, sizeof(ss));
		if (bad < 0)
			return hk_err_usage(err,
					    "%s: [Peer] %zu: PublicKey is not a usable public key "
					    "(low-order point)",
					    name, i + 1);
		for (size_t j = 0; j < i; j++)
			if (!memcmp(c->peers[i].pub, c->peers[j].pub, HK_KEY_LEN))
				return hk_err_usage(err,
						    "%s: [Peer] %zu repeats the PublicKey of %zu",
						    name, i + 1, j + 1);
	}
	return 0;
}

int hk_tunconf_parse(FILE *f, const char *name, struct hk_tunconf *c, struct hk_err *err)
{
	enum { NONE, IFACE, PEER } sec = NONE;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, r = 0, mtu_line = 0, v6_line = 0;
	memset(c, 0, sizeof(*c));
	c->mtu = 1420;
	if ((r = hk_crypto_load(err)) < 0)
		return r;
	while (getline(&line, &cap, f) > 0) { /* a line of any length, as wg reads */
		lineno++;
		char *h = strchr(line, '#');
		if (h)
			*h = 0;
		char *s = trim(line);
		if (!*s)
			continue;
		if (!strcasecmp(s, "[Interface]")) {
			sec = IFACE;
			continue;
		}
		if (!strcasecmp(s, "[Peer]")) {
			sec = PEER;
			if ((r = add_peer(c, err)) < 0)
				break;
			continue;
		}
		char *eq = strchr(s, '=');
		if (s[0] == '[' || !eq) {
			r = hk_err_usage(err, "expected [Interface], [Peer] or KEY = VALUE");
		} else {
			*eq = 0;
			char *k = trim(s), *v = trim(eq + 1);
			if (sec == NONE)
				r = hk_err_usage(err, "'%s' outside of a section", k);
			else if (!*v)
				r = hk_err_usage(err, "'%s' has no value", k);
			else if (sec == IFACE) {
				size_t n_addr = c->n_addr;
				r = iface_key(c, k, v, err);
				if (!strcasecmp(k, "MTU"))
					mtu_line = lineno;
				for (size_t i = n_addr; !r && i < c->n_addr && !v6_line; i++)
					if (c->addr[i].family == AF_INET6)
						v6_line = lineno;
			} else
				r = peer_key(c, &c->peers[c->n_peers - 1], k, v, err);
		}
		if (r < 0) {
			hk_err_prefix(err, "%s:%d", name, lineno);
			break;
		}
	}
	if (line)
		hk_crypto_wipe(line, cap);
	free(line);
	if (!r && ferror(f))
		r = hk_err_sys(err, -EIO, "%s: read", name);
	if (!r && !c->has_priv)
		r = hk_err_usage(err, "%s: [Interface] has no PrivateKey", name);
	if (!r && v6_line && c->mtu < 1280) /* the kernel would refuse the address */
		r = hk_err_usage(
			err,
			"%s:%d: MTU %u is below 1280, the least an IPv6 Address (line %d) needs",
			name, mtu_line, c->mtu, v6_line);
	if (!r)
		r = check_peers(c, name, err);
	if (r < 0)
		hk_tunconf_free(c);
	return r;
}

int hk_tunconf_load(const char *path, struct hk_tunconf *ret, struct hk_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return hk_err_sys(err, errno == ENOENT ? -ENOENT : -errno, "config '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return hk_err_sys(err, -errno, "config '%s': stat", path);
	if (!S_ISREG(st.st_mode))
		return hk_err_usage(err, "config '%s': not a regular file", path);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return hk_err_usage(err, "config '%s': holds private keys but is owned by uid %u",
				    path, (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return hk_err_usage(
			err,
			"config '%s': holds private keys but is readable or writable by "
			"group or others (mode %04o); chmod 600 it",
			path, (unsigned)(st.st_mode & 07777));
	FILE *f = fdopen(fd, "r");
	if (!f)
		return hk_err_sys(err, -errno, "config '%s'", path);
	TAKE_FD(fd);
	setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer left holding the keys */
	int r = hk_tunconf_parse(f, path, ret, err);
	fclose(f);
	return r;
}

void hk_tunconf_free(struct hk_tunconf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_peers; i++)
		free(c->peers[i].allowed);
	if (c->peers)
		hk_crypto_wipe(c->peers, c->n_peers * sizeof(*c->peers));
	free(c->peers);
	hk_crypto_wipe(c, sizeof(*c));
}
