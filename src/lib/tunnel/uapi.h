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
/* A request is read whole, within HK_UAPI_TIMEOUT_MS of the connection's start, before
 * park stops the workers to apply it; they run again (unpark) before the answer is written:
 * a slow or silent client never holds the data path. A line over HK_UAPI_LINE_MAX bytes or
 * a request over HK_UAPI_REQUEST_MAX is answered errno=-E2BIG and the connection closed. */
#define HK_UAPI_TIMEOUT_MS 2000
#define HK_UAPI_LINE_MAX 4096
#define HK_UAPI_REQUEST_MAX (32u << 20)
struct hk_uapi_hooks {
	void (*park)(void *ctx);
	void (*unpark)(void *ctx);
	void *ctx;
};
/* Answer one connection's requests. */
void hk_uapi_serve(struct hk_tundev *d, int fd, const struct hk_uapi_hooks *h);

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
