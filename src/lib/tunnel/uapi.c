// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "uapi.h"

void hk_uapi_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.sock", HK_UAPI_DIR, name);
}

static int sock_addr(const char *name, struct sockaddr_un *a, struct hk_err *err)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	hk_uapi_path(name, a->sun_path, sizeof(a->sun_path));
	if (strlen(a->sun_path) + 1 >= sizeof(a->sun_path))
		return hk_err_usage(err, "tunnel '%s': name too long", name);
	return 0;
}

int hk_uapi_connect(const char *name, int *ret_fd, struct hk_err *err)
{
	struct sockaddr_un a;
	int r = sock_addr(name, &a, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return hk_err_sys(err, -errno, "socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		r = -errno;
		if (r == -ENOENT)
			return hk_err_set(err, r, "tunnel '%s' does not exist", name);
		if (r == -ECONNREFUSED)
			return hk_err_set(err, r, "tunnel '%s': its daemon is dead", name);
		return hk_err_sys(err, r, "tunnel '%s': connect %s", name, a.sun_path);
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int hk_uapi_listen(const char *name, int *ret_fd, struct hk_err *err)
{
	struct sockaddr_un a;
	int r = sock_addr(name, &a, err);
	if (r < 0)
		return r;
	if (mkdir(HK_UAPI_DIR, 0700) < 0 && errno != EEXIST)
		return hk_err_sys(err, -errno, "mkdir %s", HK_UAPI_DIR);
	int probe;
	struct hk_err e2 = { 0 };
	r = hk_uapi_connect(name, &probe, &e2);
	if (r == 0) {
		close(probe);
		/* hako's own tunnels of the name are refused by their record's lock before */
		return hk_err_set(
			err, -EEXIST,
			"tunnel '%s': %s is in use (a WireGuard daemon of that name, such "
			"as wireguard-go, or a hako tunnel of another HAKO_ROOT)",
			name, a.sun_path);
	}
	if (r == -ECONNREFUSED)
		unlink(a.sun_path); /* left by a daemon that was killed */
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return hk_err_sys(err, -errno, "socket");
	mode_t old = umask(077);
	r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0)
		return hk_err_sys(err, -errno, "bind %s", a.sun_path);
	if (listen(fd, 16) < 0)
		return hk_err_sys(err, -errno, "listen %s", a.sun_path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* --- the daemon's side --- */

static void hex(FILE *o, const char *key, const uint8_t *k)
{
	fprintf(o, "%s=", key);
	for (int i = 0; i < HK_KEY_LEN; i++)
		fprintf(o, "%02x", k[i]);
	fputc('\n', o);
}

static int unhex(uint8_t out[HK_KEY_LEN], const char *s)
{
	if (strlen(s) != 2 * HK_KEY_LEN)
		return -EINVAL;
	for (int i = 0; i < HK_KEY_LEN; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void get(const struct hk_tundev *d, FILE *o)
{
	static const uint8_t zero[HK_KEY_LEN];
	if (d->has_key)
		hex(o, "private_key", d->local.priv);
	fprintf(o, "listen_port=%u\n", d->port);
	if (d->fwmark)
		fprintf(o, "fwmark=%u\n", d->fwmark);
	for (size_t i = 0; i < d->n_peers; i++) {
		const struct hk_peer *p = d->peers[i];
		char ep[96];
		hex(o, "public_key", p->np.pub);
		if (memcmp(p->np.psk, zero, HK_KEY_LEN))
			hex(o, "preshared_key", p->np.psk);
		fprintf(o, "protocol_version=1\n");
		if (p->ep.sa.sa_family)
			fprintf(o, "endpoint=%s\n", hk_endpoint_str(&p->ep, ep, sizeof(ep)));
		fprintf(o, "last_handshake_time_sec=%lld\nlast_handshake_time_nsec=%ld\n",
			(long long)p->last_handshake.tv_sec, (long)p->last_handshake.tv_nsec);
		fprintf(o, "tx_bytes=%" PRIu64 "\nrx_bytes=%" PRIu64 "\n", hk_peer_tx(p),
			hk_peer_rx(p));
		fprintf(o, "persistent_keepalive_interval=%u\n", p->keepalive);
		for (size_t j = 0; j < p->n_allowed; j++) {
			char b[INET6_ADDRSTRLEN + 8];
			struct hk_prefix a = p->allowed[j];
			a.has_len = true;
			fprintf(o, "allowed_ip=%s\n", hk_prefix_str(&a, b, sizeof(b)));
		}
	}
}

#define DROPS(X)                                                                                   \
	X(bad_mac)                                                                                 \
	X(bad_handshake)                                                                           \
	X(unknown_peer)                                                                            \
	X(unknown_index)                                                                           \
	X(bad_auth) X(replay) X(bad_source) X(no_peer) X(malformed) X(queue) X(cookie)

static void get_hako(const struct hk_tundev *d, FILE *o)
{
#define P(n) fprintf(o, "drop_" #n "=%" PRIu64 "\n", d->drops.n);
	DROPS(P)
#undef P
}

struct set_state {
	struct hk_tundev *d;
	struct hk_peer *p;
	bool skip; /* removed, or update_only on a new peer: ignore its lines */
	bool created;
};

static int set_iface(struct set_state *s, const char *k, const char *v)
{
	struct hk_tundev *d = s->d;
	struct hk_err e = { 0 };
	uint8_t key[HK_KEY_LEN];
	if (!strcmp(k, "private_key")) {
		static const uint8_t zero[HK_KEY_LEN];
		if (unhex(key, v) < 0)
			return -EINVAL;
		int r = hk_tundev_set_key(d, memcmp(key, zero, HK_KEY_LEN) ? key : NULL, &e);
		hk_crypto_wipe(key, sizeof(key));
		return r;
	}
	if (!strcmp(k, "listen_port")) {
		uint32_t port;
		if (hk_parse_u32(v, 0, 65535, &port, "port", &e) < 0)
			return -EINVAL;
		if (port == d->port && port)
			return 0;
		if (hk_tundev_bind(d, (uint16_t)port, &e) < 0)
			return -EADDRINUSE;
		if (d->port_changed)
			d->port_changed(d, d->port_ctx);
		return 0;
	}
	if (!strcmp(k, "fwmark")) {
		uint32_t m;
		if (hk_parse_u32(v, 0, UINT32_MAX, &m, "fwmark", &e) < 0)
			return -EINVAL;
		return hk_tundev_set_fwmark(d, m);
	}
	if (!strcmp(k, "replace_peers")) {
		if (strcmp(v, "true"))
			return -EINVAL;
		while (d->n_peers)
			hk_tundev_remove_peer(d, d->peers[0]);
		return 0;
	}
	if (!strcmp(k, "public_key")) {
		if (unhex(key, v) < 0)
			return -EINVAL;
		s->skip = s->created = false;
		if (d->has_key && !memcmp(key, d->local.pub, HK_KEY_LEN)) {
			s->p = NULL; /* our own key: ignored, as the kernel and wireguard-go do */
			s->skip = true;
			return 0;
		}
		s->p = hk_peer_by_key(d->peers, d->n_peers, key);
		if (!s->p) {
			struct hk_tunconf_peer cfg = { 0 };
			memcpy(cfg.pub, key, HK_KEY_LEN);
			if (hk_tundev_add_peer(d, &cfg, &s->p, &e) < 0)
				return -EINVAL;
			s->created = true;
		}
		return 0;
	}
	return -EPROTO;
}

static int set_peer(struct set_state *s, const char *k, const char *v)
{
	struct hk_peer *p = s->p;
	struct hk_err e = { 0 };
	if (!strcmp(k, "update_only")) {
		if (s->created) {
			hk_tundev_remove_peer(s->d, p);
			s->p = NULL;
			s->skip = true;
		}
		return 0;
	}
	if (!strcmp(k, "remove")) {
		if (!strcmp(v, "true")) {
			hk_tundev_remove_peer(s->d, p);
			s->p = NULL;
			s->skip = true;
		}
		return 0;
	}
	if (!strcmp(k, "preshared_key"))
		return unhex(p->np.psk, v);
	if (!strcmp(k, "endpoint"))
		return hk_endpoint_parse(v, &p->ep, &e) < 0 ? -EINVAL : 0;
	if (!strcmp(k, "persistent_keepalive_interval")) {
		uint32_t n;
		if (hk_parse_u32(v, 0, 65535, &n, "keepalive", &e) < 0)
			return -EINVAL;
		p->keepalive = (uint16_t)n;
		return 0;
	}
	if (!strcmp(k, "replace_allowed_ips")) {
		if (!strcmp(v, "true"))
			p->n_allowed = 0;
		return 0;
	}
	if (!strcmp(k, "allowed_ip")) {
		struct hk_prefix pf;
		if (hk_parse_prefix(v, 0, &pf, &e) < 0)
			return -EINVAL;
		hk_prefix_mask(&pf);
		hk_peers_disallow(s->d->peers, s->d->n_peers, &pf, p);
		return hk_peer_allow(p, &pf);
	}
	if (!strcmp(k, "protocol_version"))
		return strcmp(v, "1") ? -EPROTONOSUPPORT : 0;
	return -EPROTO;
}

static int set_line(struct set_state *s, char *line)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return -EPROTO;
	*eq = 0;
	const char *k = line, *v = eq + 1;
	if (!strcmp(k, "public_key") || !s->p) {
		if (s->skip && strcmp(k, "public_key"))
			return 0;
		return set_iface(s, k, v);
	}
	return set_peer(s, k, v);
}

/* Answer the one request in (its lines up to the blank line that ends it) into o; the errno
 * it reports. */
static int handle(struct hk_tundev *d, FILE *in, FILE *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;
	if ((n = getline(&line, &cap, in)) <= 0) {
		free(line);
		return -EPROTO;
	}
	line[strcspn(line, "\n")] = 0;
	if (!strcmp(line, "get=1") || !strcmp(line, "hako_get=1")) {
		if (line[0] == 'h')
			get_hako(d, o);
		else
			get(d, o);
	} else if (!strcmp(line, "set=1")) {
		struct set_state s = { .d = d };
		while ((n = getline(&line, &cap, in)) > 0 && strcmp(line, "\n")) {
			line[strcspn(line, "\n")] = 0;
			if (!r)
				r = set_line(&s, line);
		}
	} else {
		r = -EPROTO;
	}
	if (line)
		hk_crypto_wipe(line, cap);
	free(line);
	return r;
}

/* Read what fd has into c: the length of a whole request at the start of c->b (up to its
 * blank line, or to the end of the stream), 0 to wait for more, -ESHUTDOWN at the end of the
 * stream with nothing read, -E2BIG for a line or a request over the limits. */
static ssize_t read_request(struct hk_uapi_client *c)
{
	for (;;) {
		for (; c->scanned < c->len; c->scanned++) {
			size_t i = c->scanned;
			if (c->b[i] != '\n')
				continue;
			if (i == c->line_start && i > 0) { /* the blank line */
				c->scanned = c->line_start = i + 1;
				return (ssize_t)(i + 1);
			}
			c->line_start = i + 1;
		}
		if (c->eof)
			return c->len ? (ssize_t)(c->scanned = c->line_start = c->len) : -ESHUTDOWN;
		if (c->len - c->line_start > HK_UAPI_LINE_MAX || c->len > HK_UAPI_REQUEST_MAX)
			return -E2BIG;
		if (c->cap - c->len < 4096) {
			size_t ncap = c->cap ? 2 * c->cap : 8192;
			char *nb = malloc(ncap);
			if (!nb)
				return -ENOMEM;
			if (c->b) {
				memcpy(nb, c->b, c->len);
				hk_crypto_wipe(c->b, c->cap);
				free(c->b);
			}
			c->b = nb;
			c->cap = ncap;
		}
		ssize_t n = recv(c->fd, c->b + c->len, c->cap - c->len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			c->eof = true;
		c->len += (size_t)n;
	}
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The answer, written whole unless the client stops reading for HK_UAPI_TIMEOUT_MS. */
static void reply(int fd, const char *out, size_t len)
{
	uint64_t deadline = mono_ms() + HK_UAPI_TIMEOUT_MS;
	for (size_t off = 0; off < len;) {
		ssize_t w = send(fd, out + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		uint64_t now = mono_ms();
		if (w == 0 || (errno != EAGAIN && errno != EINTR) || now >= deadline)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		poll(&pfd, 1, (int)(deadline - now));
	}
}

void hk_uapi_client_init(struct hk_uapi_client *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->deadline_ms = mono_ms() + HK_UAPI_TIMEOUT_MS;
}

bool hk_uapi_client_expired(const struct hk_uapi_client *c)
{
	return mono_ms() >= c->deadline_ms;
}

int hk_uapi_client_run(struct hk_tundev *d, struct hk_uapi_client *c, const struct hk_uapi_hooks *h)
{
	for (;;) {
		ssize_t n = read_request(c);
		if (n == 0)
			return 0;
		if (n == -E2BIG) {
			char msg[32];
			reply(c->fd, msg,
			      (size_t)snprintf(msg, sizeof(msg), "errno=%d\n\n", -E2BIG));
		}
		if (n < 0)
			return -1;
		FILE *in = fmemopen(c->b, (size_t)n, "r");
		char *out = NULL;
		size_t outlen = 0;
		FILE *o = in ? open_memstream(&out, &outlen) : NULL;
		if (!o) {
			if (in)
				fclose(in);
			return -1;
		}
		h->park(h->ctx); /* the request is all here: the workers stop only to apply it */
		int r = handle(d, in, o);
		h->unpark(h->ctx);
		fclose(in);
		fprintf(o, "errno=%d\n\n", r);
		fclose(o);
		reply(c->fd, out, outlen);
		hk_crypto_wipe(out, outlen); /* get=1 carries the private key, set=1 may */
		free(out);
		hk_crypto_wipe(c->b, (size_t)n);
		memmove(c->b, c->b + n, c->len - (size_t)n);
		c->len -= (size_t)n;
		c->scanned -= (size_t)n;
		c->line_start -= (size_t)n;
		if (r == -EPROTO || (c->eof && !c->len))
			return -1;
	}
}

void hk_uapi_client_close(struct hk_uapi_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->b)
		hk_crypto_wipe(c->b, c->cap);
	free(c->b);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* --- the client's side --- */

static int request(const char *name, const char *req, FILE **ret, struct hk_err *err)
{
	int fd;
	int r = hk_uapi_connect(name, &fd, err);
	if (r < 0)
		return r;
	size_t len = strlen(req);
	if (write(fd, req, len) != (ssize_t)len) {
		r = hk_err_sys(err, -errno, "tunnel '%s': write request", name);
		close(fd);
		return r;
	}
	shutdown(fd, SHUT_WR);
	*ret = fdopen(fd, "r");
	if (!*ret) {
		close(fd);
		return hk_err_sys(err, -errno, "fdopen");
	}
	return 0;
}

static int get_line(struct hk_uapi_state *s, char *k, char *v)
{
	struct hk_uapi_peer *p = s->n_peers ? &s->peers[s->n_peers - 1] : NULL;
	struct hk_err e = { 0 };
	uint8_t key[HK_KEY_LEN];
	if (!strcmp(k, "private_key")) {
		int r = unhex(key, v);
		if (!r)
			r = hk_x25519_pub(s->pub, key);
		s->has_key = r == 0;
		hk_crypto_wipe(key, sizeof(key));
		hk_crypto_wipe(v, strlen(v));
	} else if (!strcmp(k, "listen_port")) {
		s->port = (uint16_t)atoi(v);
	} else if (!strcmp(k, "fwmark")) {
		s->fwmark = (uint32_t)strtoul(v, NULL, 10);
	} else if (!strcmp(k, "public_key")) {
		struct hk_uapi_peer *np = realloc(s->peers, (s->n_peers + 1) * sizeof(*np));
		if (!np)
			return -ENOMEM;
		s->peers = np;
		p = &np[s->n_peers++];
		memset(p, 0, sizeof(*p));
		return unhex(p->pub, v);
	} else if (!p) {
		return 0;
	} else if (!strcmp(k, "preshared_key")) {
		p->has_psk = true;
		hk_crypto_wipe(v, strlen(v));
	} else if (!strcmp(k, "endpoint")) {
		hk_endpoint_parse(v, &p->ep, &e);
	} else if (!strcmp(k, "last_handshake_time_sec")) {
		p->hs_sec = strtoll(v, NULL, 10);
	} else if (!strcmp(k, "last_handshake_time_nsec")) {
		p->hs_nsec = strtoll(v, NULL, 10);
	} else if (!strcmp(k, "tx_bytes")) {
		p->tx = strtoull(v, NULL, 10);
	} else if (!strcmp(k, "rx_bytes")) {
		p->rx = strtoull(v, NULL, 10);
	} else if (!strcmp(k, "persistent_keepalive_interval")) {
		p->keepalive = (uint16_t)atoi(v);
	} else if (!strcmp(k, "allowed_ip")) {
		struct hk_prefix *a = realloc(p->allowed, (p->n_allowed + 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->allowed = a;
		if (hk_parse_prefix(v, 0, &a[p->n_allowed], &e) == 0)
			p->n_allowed++;
	}
	return 0;
}

static int drop_line(struct hk_uapi_state *s, const char *k, const char *v)
{
	uint64_t n = strtoull(v, NULL, 10);
#define D(x)                                                                                       \
	if (!strcmp(k, "drop_" #x))                                                                \
		s->drops.x = n;
	DROPS(D)
#undef D
	return 0;
}

static int run_get(const char *name, const char *req, struct hk_uapi_state *s, bool hako,
		   struct hk_err *err)
{
	FILE *f;
	int r = request(name, req, &f, err);
	if (r < 0)
		return r;
	char *line = NULL;
	size_t cap = 0;
	int status = -EPROTO;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			break;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		if (!strcmp(line, "errno")) {
			status = atoi(eq + 1);
			continue;
		}
		r = hako ? drop_line(s, line, eq + 1) : get_line(s, line, eq + 1);
		if (r < 0)
			break;
	}
	if (line)
		hk_crypto_wipe(line, cap);
	free(line);
	fclose(f);
	if (r < 0)
		return hk_err_sys(err, r, "tunnel '%s': reading its state", name);
	if (status)
		return hk_err_sys(err, status < 0 ? status : -EPROTO, "tunnel '%s': get", name);
	return 0;
}

int hk_uapi_get(const char *name, struct hk_uapi_state *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	int r = hk_crypto_load(err);
	if (r < 0)
		return r;
	r = run_get(name, "get=1\n\n", ret, false, err);
	if (r == 0 && (r = run_get(name, "hako_get=1\n\n", ret, true, err)) < 0) {
		/* get=1 answered, hako's own request not: another WireGuard daemon's socket */
		hk_err_clear(err);
		r = hk_err_set(
			err, -ENOENT,
			"tunnel '%s' does not exist (%s/%s.sock is another WireGuard daemon's: "
			"wg show %s)",
			name, HK_UAPI_DIR, name, name);
	}
	if (r < 0)
		hk_uapi_state_free(ret);
	return r;
}

void hk_uapi_state_free(struct hk_uapi_state *s)
{
	for (size_t i = 0; i < s->n_peers; i++)
		free(s->peers[i].allowed);
	free(s->peers);
	memset(s, 0, sizeof(*s));
}
