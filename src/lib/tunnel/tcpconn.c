// SPDX-License-Identifier: MIT
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/nsswitch.h"
#include "tcpconn.h"

#define RX_MAX (2 + 65535)

static struct hk_tcpconn *conn_new(int fd, const struct hk_endpoint *addr)
{
	struct hk_tcpconn *c = calloc(1, sizeof(*c));
	if (c)
		c->rx = malloc(RX_MAX);
	if (!c || !c->rx) {
		if (c)
			free(c);
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->addr = *addr;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

struct hk_tcpconn *hk_tcpconn_connect(int netns_fd, const struct hk_endpoint *ep)
{
	struct hk_err err = { 0 };
	int old;
	if (hk_thread_netns_enter(netns_fd, &old, &err) < 0)
		return NULL;
	int fd = socket(ep->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	hk_thread_netns_leave(old);
	if (fd < 0)
		return NULL;
	socklen_t alen = ep->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						      : sizeof(struct sockaddr_in);
	if (connect(fd, &ep->sa, alen) < 0 && errno != EINPROGRESS) {
		close(fd);
		return NULL;
	}
	struct hk_tcpconn *c = conn_new(fd, ep);
	if (c)
		c->connecting = true;
	return c;
}

struct hk_tcpconn *hk_tcpconn_accepted(int fd, const struct hk_endpoint *addr)
{
	return conn_new(fd, addr);
}

void hk_tcpconn_free(struct hk_tcpconn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->rx);
	free(c->tx);
	free(c);
}

int hk_tcpconn_flush(struct hk_tcpconn *c)
{
	if (c->connecting) {
		int e = 0;
		socklen_t l = sizeof(e);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e)
			return -(e ? e : errno);
		struct sockaddr_storage a;
		l = sizeof(a);
		if (getpeername(c->fd, (struct sockaddr *)&a, &l) < 0)
			return errno == ENOTCONN ? 1 : -errno; /* still connecting */
		c->connecting = false;
	}
	size_t off = 0;
	while (off < c->tlen) {
		ssize_t n = send(c->fd, c->tx + off, c->tlen - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	/* only when something went out: an accepted connection that never sent has no buffer
	 * (tx NULL), and memmove(NULL, NULL, 0) is undefined (UBSan, halting, kills the daemon
	 * at its first EPOLLOUT) */
	if (off) {
		memmove(c->tx, c->tx + off, c->tlen - off);
		c->tlen -= off;
	}
	return c->tlen ? 1 : 0;
}

int hk_tcpconn_send(struct hk_tcpconn *c, const void *msg, size_t len)
{
	if (len > 65535)
		return -EMSGSIZE;
	if (c->tlen + 2 + len > HK_TCPCONN_TXMAX)
		return -ENOBUFS;
	if (!c->tx && !(c->tx = malloc(HK_TCPCONN_TXMAX)))
		return -ENOBUFS;
	c->tx[c->tlen] = (uint8_t)(len >> 8);
	c->tx[c->tlen + 1] = (uint8_t)len;
	memcpy(c->tx + c->tlen + 2, msg, len);
	c->tlen += 2 + len;
	int r = hk_tcpconn_flush(c);
	return r < 0 ? r : 0;
}

int hk_tcpconn_read(struct hk_tcpconn *c, void (*fn)(void *ctx, uint8_t *msg, size_t len),
		    void *ctx)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->rx + c->rlen, RX_MAX - c->rlen, MSG_DONTWAIT);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c->rlen += (size_t)n;
		size_t off = 0;
		while (c->rlen - off >= 2) {
			size_t len = (size_t)c->rx[off] << 8 | c->rx[off + 1];
			if (c->rlen - off - 2 < len)
				break;
			fn(ctx, c->rx + off + 2, len);
			off += 2 + len;
			if (c->dead)
				return -ECONNRESET; /* dropped by what fn did */
		}
		memmove(c->rx, c->rx + off, c->rlen - off);
		c->rlen -= off;
	}
}
