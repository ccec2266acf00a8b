/* SPDX-License-Identifier: MIT */
/*
 * WireGuard's cross-platform userspace configuration protocol (wireguard.com/xplatform), on
 * /var/run/wireguard/NAME.sock as wireguard-go serves it, so `wg show|set|showconf NAME`
 * drive a hako tunnel: "get=1\n\n" answers key=value lines, "set=1\n...\n\n" applies them;
 * both end with "errno=N\n\n". hako adds "hako_get=1", the drop counters, which `wg` never
 * asks for.
 */
#ifndef HK_TUNNEL_UAPI_H
#define HK_TUNNEL_UAPI_H

#include <stddef.h>

#include "base/err.h"
#include "tundev.h"

#define HK_UAPI_DIR "/var/run/wireguard"

/* --- the daemon's side --- */
/* Bind and listen on the socket of name (the directory made 0700 when missing). A socket
 * file nobody listens on (a daemon killed with -9) is replaced; a live one: -EEXIST. */
int hk_uapi_listen(const char *name, int *ret_fd, struct hk_err *err);
/* A connection of the configuration socket, served by the daemon's event loop without ever
 * waiting on it: a request is gathered as it comes (non-blocking reads); once whole, park
 * stops the workers to apply it, unpark lets them run again, and the answer is written. A
 * connection has HK_UAPI_TIMEOUT_MS from its start; a line over HK_UAPI_LINE_MAX bytes or a
 * request over HK_UAPI_REQUEST_MAX is answered errno=-E2BIG and the connection closed. */
#define HK_UAPI_TIMEOUT_MS 2000
#define HK_UAPI_LINE_MAX 4096
#define HK_UAPI_REQUEST_MAX (32u << 20)
struct hk_uapi_hooks {
	void (*park)(void *ctx);
	void (*unpark)(void *ctx);
	void *ctx;
};
struct hk_uapi_client {
	int fd;
	char *b;
	size_t len, cap, scanned, line_start;
	bool eof;
	uint64_t deadline_ms;
};
/* c for the accepted, non-blocking fd (c owns it). */
void hk_uapi_client_init(struct hk_uapi_client *c, int fd);
/* Read what the client has sent and answer its whole requests: 0 to wait for more, -1 when
 * the connection is done (close it). */
int hk_uapi_client_run(struct hk_tundev *d, struct hk_uapi_client *c,
		       const struct hk_uapi_hooks *h);
/* Past its time. */
bool hk_uapi_client_expired(const struct hk_uapi_client *c);
/* Close the fd, wipe and free the buffer; c->fd is -1 after. */
void hk_uapi_client_close(struct hk_uapi_client *c);

/* --- the client's side --- */
void hk_uapi_path(const char *name, char *buf, size_t len);
/* Connect: -ENOENT no socket file, -ECONNREFUSED nobody listens (a dead daemon). */
int hk_uapi_connect(const char *name, int *ret_fd, struct hk_err *err);

struct hk_uapi_peer {
	uint8_t pub[HK_KEY_LEN];
	bool has_psk;
	struct hk_endpoint ep;
	uint16_t keepalive;
	int64_t hs_sec, hs_nsec;
	uint64_t rx, tx;
	struct hk_prefix *allowed;
	size_t n_allowed;
};

struct hk_uapi_state {
	uint8_t pub[HK_KEY_LEN];
	bool has_key;
	uint16_t port;
	uint32_t fwmark;
	struct hk_uapi_peer *peers;
	size_t n_peers;
	struct hk_tun_drops drops;
};

/* get=1 and hako_get=1 on the socket of name. */
int hk_uapi_get(const char *name, struct hk_uapi_state *ret, struct hk_err *err);
void hk_uapi_state_free(struct hk_uapi_state *s);

#endif
