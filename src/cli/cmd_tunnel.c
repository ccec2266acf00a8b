// SPDX-License-Identifier: MIT
/*
 * hako tunnel: a WireGuard-compatible VPN over TUN (src/lib/tunnel). genkey/pubkey as
 * `wg genkey`/`wg pubkey`; up starts one daemon per tunnel; show reads the socket `wg show`
 * reads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "crypto.h"
#include "out.h"
#include "store.h"
#include "tunconf.h"
#include "tunnel.h"
#include "uapi.h"

static int want_args(struct hk_ctx *ctx, int argc, char **argv, int n, const char *usage)
{
	if (argc < n)
		return cmd_usage(ctx, "tunnel %s: missing argument", usage);
	if (argc > n)
		return cmd_usage(ctx, "tunnel %s: unexpected argument '%s'", usage, argv[n]);
	return 0;
}

static int run_dir(struct hk_ctx *ctx, struct hk_paths *p)
{
	return hk_paths_init(p, ctx->root, &ctx->err);
}

static int tun_genkey(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, argv, 0, "genkey");
	if (r < 0 || (r = hk_crypto_load(&ctx->err)) < 0)
		return r;
	uint8_t k[HK_KEY_LEN];
	char b[HK_KEY_B64_LEN + 1];
	if ((r = hk_x25519_genkey(k)) < 0)
		return hk_err_sys(&ctx->err, r, "random");
	hk_key_b64(b, k);
	printf("%s\n", b);
	hk_crypto_wipe(k, sizeof(k));
	hk_crypto_wipe(b, sizeof(b));
	return out_flush();
}

static int tun_pubkey(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, argv, 0, "pubkey");
	if (r < 0 || (r = hk_crypto_load(&ctx->err)) < 0)
		return r;
	char line[128] = { 0 };
	uint8_t k[HK_KEY_LEN], pub[HK_KEY_LEN];
	char b[HK_KEY_B64_LEN + 1];
	setvbuf(stdin, NULL, _IONBF, 0); /* no stdio copy of the private key */
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	line[strcspn(line, "\r\n")] = 0;
	r = hk_key_from_b64(k, line);
	hk_crypto_wipe(line, sizeof(line));
	if (r < 0)
		return hk_err_usage(&ctx->err, "tunnel pubkey: stdin is not a key (44 characters "
					       "of base64, as wg genkey writes)");
	r = hk_x25519_pub(pub, k);
	hk_crypto_wipe(k, sizeof(k));
	if (r < 0)
		return hk_err_usage(&ctx->err, "tunnel pubkey: not a usable private key");
	hk_key_b64(b, pub);
	printf("%s\n", b);
	return out_flush();
}

static int tun_up(struct hk_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SOCKNS = 256 };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket-netns", required_argument, NULL, OPT_SOCKNS },
		{},
	};
	_cleanup_(cmd_getopt_free) struct cmd_getopt g = {};
	const char *name = NULL, *file = NULL, *sockns = NULL;
	int c, r = cmd_getopt_init(ctx, &g, "tunnel up", "-:c:", opts, argc, argv);
	while (r == 0 && (c = cmd_getopt_next(&g)) != -1) {
		if (c == 1 && name)
			r = cmd_usage(ctx, "tunnel up: unexpected '%s'", optarg);
		else if (c == 1)
			name = optarg;
		else if (c == 'c')
			file = optarg;
		else if (c == OPT_SOCKNS)
			sockns = optarg;
		else
			r = cmd_getopt_bad(ctx, &g, c);
	}
	if (r < 0)
		return r;
	if (!name || !file)
		return cmd_usage(ctx,
				 "tunnel up: usage: tunnel up NAME -c FILE [--socket-netns NS]");
	struct hk_paths p;
	if ((r = run_dir(ctx, &p)) < 0)
		return r;
	struct hk_tunconf conf;
	if ((r = hk_tunconf_load(file, &conf, &ctx->err)) < 0)
		return r;
	struct hk_tunnel_up u = {
		.name = name,
		.netns = ctx->netns,
		.sock_netns = sockns,
		.run_dir = p.run,
		.conf = &conf,
	};
	pid_t pid;
	r = hk_tunnel_up(&u, &pid, &ctx->err);
	hk_tunconf_free(&conf);
	return r;
}

static int tun_down(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, argv, 1, "down NAME");
	struct hk_paths p;
	if (r < 0 || (r = run_dir(ctx, &p)) < 0)
		return r;
	return hk_tunnel_down(p.run, argv[0], &ctx->err);
}

static int tun_ls(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, argv, 0, "ls");
	struct hk_paths p;
	if (r < 0 || (r = run_dir(ctx, &p)) < 0)
		return r;
	_cleanup_free_ struct hk_tunnel_rec *v = NULL;
	size_t n;
	if ((r = hk_tunnel_list(p.run, &v, &n, &ctx->err)) < 0)
		return r;
	static const struct out_col cols[] = {
		{ "NAME", "name", false, false },
		{ "STATE", "state", false, false },
		{ "PID", "pid", true, false },
		{ "PORT", "listen_port", true, false },
		{ "NETNS", "netns", false, false },
		{ "SOCKET-NETNS", "socket_netns", false, false },
	};
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		out_row(t);
		out_str(t, 0, v[i].name);
		out_str(t, 1, v[i].alive ? "up" : "dead");
		if (v[i].pid > 0)
			out_int(t, 2, v[i].pid);
		if (v[i].port)
			out_int(t, 3, v[i].port);
		out_str(t, 4, v[i].netns[0] ? v[i].netns : NULL);
		out_str(t, 5, v[i].sock_netns[0] ? v[i].sock_netns : NULL);
	}
	r = out_table_print(t, ctx->json, false);
	out_table_free(t);
	return r;
}

static void ago(char *buf, size_t len, int64_t sec)
{
	if (!sec) {
		snprintf(buf, len, "never");
		return;
	}
	int64_t d = (int64_t)time(NULL) - sec;
	snprintf(buf, len, "%" PRId64 "s ago", d < 0 ? 0 : d);
}

static struct json_object *drops_json(const struct hk_tun_drops *d)
{
	struct json_object *o = json_object_new_object();
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define K(x) { #x, offsetof(struct hk_tun_drops, x) }
		K(bad_mac),   K(bad_handshake), K(unknown_peer), K(unknown_index),
		K(bad_auth),  K(replay),	K(bad_source),	 K(no_peer),
		K(malformed), K(queue),		K(cookie),
#undef K
	};
	for (size_t i = 0; i < HK_ARRAY_SIZE(keys); i++) {
		uint64_t v;
		memcpy(&v, (const char *)d + keys[i].off, sizeof(v));
		json_object_object_add(o, keys[i].key, json_object_new_int64((int64_t)v));
	}

	return o;
}

static struct json_object *peer_json(const struct hk_uapi_peer *p)
{
	struct json_object *po = json_object_new_object(), *a = json_object_new_array();
	char key[HK_KEY_B64_LEN + 1], ep[96], buf[64];
	hk_key_b64(key, p->pub);
	json_object_object_add(po, "public_key", json_object_new_string(key));
	if (p->ep.sa.sa_family)
		json_object_object_add(
			po, "endpoint",
			json_object_new_string(hk_endpoint_str(&p->ep, ep, sizeof(ep))));
	for (size_t j = 0; j < p->n_allowed; j++)
		json_object_array_add(
			a, json_object_new_string(hk_prefix_str(&p->allowed[j], buf, sizeof(buf))));
	json_object_object_add(po, "allowed_ips", a);
	json_object_object_add(po, "latest_handshake", json_object_new_int64(p->hs_sec));
	json_object_object_add(po, "rx_bytes", json_object_new_int64((int64_t)p->rx));
	json_object_object_add(po, "tx_bytes", json_object_new_int64((int64_t)p->tx));
	json_object_object_add(po, "persistent_keepalive", json_object_new_int(p->keepalive));
	return po;
}

static int show_json(const char *name, const struct hk_uapi_state *s)
{
	char key[HK_KEY_B64_LEN + 1];
	struct json_object *o = json_object_new_object(), *peers = json_object_new_array();
	json_object_object_add(o, "name", json_object_new_string(name));
	if (s->has_key) {
		hk_key_b64(key, s->pub);
		json_object_object_add(o, "public_key", json_object_new_string(key));
	}
	json_object_object_add(o, "listen_port", json_object_new_int(s->port));
	json_object_object_add(o, "drops", drops_json(&s->drops));
	for (size_t i = 0; i < s->n_peers; i++)
		json_object_array_add(peers, peer_json(&s->peers[i]));
	json_object_object_add(o, "peers", peers);
	return out_json_print(o);
}

static int show_human(const char *name, const struct hk_uapi_state *s)
{
	static const struct out_col cols[] = {
		{ "PEER", "public_key", false, false },
		{ "ENDPOINT", "endpoint", false, false },
		{ "ALLOWED-IPS", "allowed_ips", false, false },
		{ "HANDSHAKE", "latest_handshake", false, false },
		{ "RX", "rx_bytes", true, false },
		{ "TX", "tx_bytes", true, false },
		{ "KEEPALIVE", "persistent_keepalive", true, false },
	};
	char key[HK_KEY_B64_LEN + 1] = "(none)";
	if (s->has_key)
		hk_key_b64(key, s->pub);
	const struct hk_tun_drops *d = &s->drops;
	printf("tunnel: %s\n  public key: %s\n  listening port: %u\n", name, key, s->port);
	printf("  dropped: bad_mac %" PRIu64 ", bad_handshake %" PRIu64 ", unknown_peer %" PRIu64
	       ", unknown_index %" PRIu64 ", bad_auth %" PRIu64 ", replay %" PRIu64
	       ", bad_source %" PRIu64 ", no_peer %" PRIu64 ", malformed %" PRIu64
	       ", queue %" PRIu64 ", cookie %" PRIu64 "\n\n",
	       d->bad_mac, d->bad_handshake, d->unknown_peer, d->unknown_index, d->bad_auth,
	       d->replay, d->bad_source, d->no_peer, d->malformed, d->queue, d->cookie);
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	for (size_t i = 0; i < s->n_peers; i++) {
		const struct hk_uapi_peer *p = &s->peers[i];
		char ep[96], ips[1024] = "", buf[64];
		out_row(t);
		hk_key_b64(key, p->pub);
		out_str(t, 0, key);
		if (p->ep.sa.sa_family)
			out_str(t, 1, hk_endpoint_str(&p->ep, ep, sizeof(ep)));
		for (size_t j = 0; j < p->n_allowed; j++) {
			size_t l = strlen(ips);
			snprintf(ips + l, sizeof(ips) - l, "%s%s", j ? "," : "",
				 hk_prefix_str(&p->allowed[j], buf, sizeof(buf)));
		}
		out_str(t, 2, p->n_allowed ? ips : NULL);
		ago(buf, sizeof(buf), p->hs_sec);
		out_str(t, 3, buf);
		out_int(t, 4, (int64_t)p->rx);
		out_int(t, 5, (int64_t)p->tx);
		out_int(t, 6, p->keepalive);
	}
	int r = out_table_print(t, false, false);
	out_table_free(t);
	return r;
}

static int tun_show(struct hk_ctx *ctx, int argc, char **argv)
{
	int r = want_args(ctx, argc, argv, 1, "show NAME");
	if (r < 0)
		return r;
	struct hk_uapi_state s;
	if ((r = hk_uapi_get(argv[0], &s, &ctx->err)) < 0)
		return r;
	r = ctx->json ? show_json(argv[0], &s) : show_human(argv[0], &s);
	hk_uapi_state_free(&s);
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "genkey", NULL, tun_genkey }, { "pubkey", NULL, tun_pubkey }, { "up", NULL, tun_up },
	{ "down", NULL, tun_down },	{ "ls", "list", tun_ls },	{ "show", NULL, tun_show },
};

int cmd_tunnel(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "tunnel", verbs, HK_ARRAY_SIZE(verbs), "ls", argc, argv);
}
