// SPDX-License-Identifier: MIT
/* Unit tests for the tunnel layer's pure parts: the replay window (replay.c), the crypto
 * door against known answers, a full handshake between two in-memory ends (noise.c) with
 * transport keys that match, and the config parser (tunconf.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "crypto.h"
#include "noise.h"
#include "peer.h"
#include "replay.h"
#include "tcpconn.h"
#include "tap.h"
#include "tunconf.h"

static void test_replay(void)
{
	struct hk_replay r;
	hk_replay_init(&r);
	TAP_OK(hk_replay_accept(&r, 0), "counter 0 accepted");
	TAP_OK(!hk_replay_accept(&r, 0), "counter 0 again refused");
	TAP_OK(hk_replay_accept(&r, 2), "2 accepted (a gap)");
	TAP_OK(hk_replay_accept(&r, 1), "1 accepted late, inside the window");
	TAP_OK(!hk_replay_accept(&r, 1), "1 again refused");
	TAP_OK(hk_replay_accept(&r, 10000), "a jump forward accepted");
	TAP_OK(!hk_replay_accept(&r, 10000 - HK_REPLAY_WINDOW - 1),
	       "just outside the window refused");
	TAP_OK(hk_replay_accept(&r, 10000 - HK_REPLAY_WINDOW),
	       "the oldest inside the window accepted");
	TAP_OK(!hk_replay_accept(&r, 2), "far behind refused");
	/* every counter of a long run once, in a shuffled order inside the window */
	hk_replay_init(&r);
	int bad = 0;
	for (uint64_t base = 0; base < 100000; base += 64)
		for (uint64_t i = 0; i < 64; i++) {
			uint64_t c = base + ((i * 37) % 64);
			if (!hk_replay_accept(&r, c) || hk_replay_accept(&r, c))
				bad++;
		}
	TAP_EQ_INT(bad, 0, "100000 counters out of order: each accepted exactly once");
	/* a slide across the whole ring clears old bits: counters from a block reused */
	hk_replay_init(&r);
	hk_replay_accept(&r, 5);
	hk_replay_accept(&r, 5 + 64 * HK_REPLAY_BLOCKS);
	TAP_OK(hk_replay_accept(&r, 5 + 64 * HK_REPLAY_BLOCKS - 64),
	       "a counter in a block the slide cleared is accepted");
	TAP_OK(!hk_replay_accept(&r, HK_REPLAY_LIMIT), "the message limit refused");
}

static void test_crypto(void)
{
	uint8_t h[32];
	char hex[65];
	hk_blake2s(h, "abc", 3, NULL, 0);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	TAP_EQ_STR(hex, "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
		   "BLAKE2s-256('abc') (RFC 7693)");
	/* RFC 7748 6.1: Alice's key pair */
	static const uint8_t a_priv[32] = { 0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d,
					    0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
					    0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
					    0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a };
	uint8_t pub[32];
	hk_x25519_pub(pub, a_priv);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", pub[i]);
	TAP_EQ_STR(hex, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
		   "X25519 public key (RFC 7748)");
	static const uint8_t zero[32];
	uint8_t out[32];
	TAP_EQ_INT(hk_x25519(out, a_priv, zero), -EINVAL, "DH with a low-order point refused");
	char b64[HK_KEY_B64_LEN + 1];
	uint8_t back[32];
	hk_key_b64(b64, pub);
	TAP_OK(hk_key_from_b64(back, b64) == 0 && !memcmp(back, pub, 32), "base64 round trip");
	TAP_OK(hk_key_from_b64(back, "AAAA") < 0, "short base64 refused");
	b64[10] = '*';
	TAP_OK(hk_key_from_b64(back, b64) < 0, "bad base64 character refused");
	uint8_t key[32] = { 1 }, msg[64] = "hello", ct[64 + 16], pt[64];
	struct hk_aead *s = hk_aead_new(key, true), *o = hk_aead_new(key, false);
	hk_aead_seal(s, 7, ct, msg, 64);
	TAP_OK(hk_aead_open(o, 7, pt, ct, 80) == 0 && !memcmp(pt, msg, 64), "seal then open");
	TAP_EQ_INT(hk_aead_open(o, 8, pt, ct, 80), -EBADMSG, "wrong counter refused");
	ct[3] ^= 1;
	TAP_EQ_INT(hk_aead_open(o, 7, pt, ct, 80), -EBADMSG, "flipped bit refused");
	hk_aead_free(s);
	hk_aead_free(o);
}

static void test_handshake(void)
{
	uint8_t ki[32], kr[32], psk[32] = { 9 };
	struct hk_noise_local li, lr;
	struct hk_noise_peer pi, pr; /* pi: i's view of r; pr: r's view of i */
	hk_x25519_genkey(ki);
	hk_x25519_genkey(kr);
	hk_noise_local_set(&li, ki);
	hk_noise_local_set(&lr, kr);
	TAP_OK(hk_noise_peer_set(&pi, &li, lr.pub, psk) == 0 &&
		       hk_noise_peer_set(&pr, &lr, li.pub, psk) == 0,
	       "peers set");
	struct hk_handshake hi, hr;
	struct hk_msg_init mi;
	TAP_OK(hk_noise_init_create(&li, &pi, &hi, 0x11, 1, &mi) == 0, "initiation created");
	TAP_OK(hk_noise_mac1_ok(&lr, &mi, sizeof(mi)), "mac1 checks at the responder");
	TAP_OK(!hk_noise_mac1_ok(&li, &mi, sizeof(mi)), "mac1 is for the responder only");
	uint8_t got[32], ts[12];
	TAP_OK(hk_noise_init_consume1(&lr, &mi, &hr, got) == 0 && !memcmp(got, li.pub, 32),
	       "responder decrypts the initiator's static key");
	TAP_OK(hk_noise_init_consume2(&pr, &mi, &hr, ts) == 0, "and the timestamp");
	struct hk_msg_resp mr;
	struct hk_session_keys sr, si;
	TAP_OK(hk_noise_resp_create(&pr, &hr, 0x22, 1, &mr, &sr) == 0, "response created");
	TAP_OK(hk_noise_resp_consume(&li, &pi, &hi, &mr, &si) == 0, "initiator accepts it");
	TAP_OK(!memcmp(si.send, sr.recv, 32) && !memcmp(si.recv, sr.send, 32),
	       "transport keys agree");
	TAP_OK(si.remote_index == 0x22 && sr.remote_index == 0x11, "indexes exchanged");
	/* a wrong preshared key: the response does not decrypt */
	struct hk_noise_peer bad = pi;
	bad.psk[0] ^= 1;
	hk_noise_init_create(&li, &bad, &hi, 0x33, 1, &mi);
	hk_noise_init_consume1(&lr, &mi, &hr, got);
	hk_noise_init_consume2(&pr, &mi, &hr, ts);
	hk_noise_resp_create(&pr, &hr, 0x44, 1, &mr, &sr);
	TAP_EQ_INT(hk_noise_resp_consume(&li, &bad, &hi, &mr, &si), -EBADMSG,
		   "a different preshared key fails the handshake");
	mi.stat[0] ^= 1;
	TAP_EQ_INT(hk_noise_init_consume1(&lr, &mi, &hr, got), -EBADMSG,
		   "a tampered initiation is refused");
}

static int parse(const char *text, struct hk_tunconf *c, struct hk_err *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = hk_tunconf_parse(f, "t.conf", c, e);
	fclose(f);
	return r;
}

static void test_conf(void)
{
	struct hk_tunconf c;
	struct hk_err e = { 0 };
	const char *ok = "# comment\n[Interface]\nPrivateKey = "
			 "YKH0OpDRb12KWIYjuWvLdHa0U1oa7kLYfb1Lr4+2r1o=\n"
			 "listenport=51820\nAddress = 10.0.0.1/24, fd00::1/64\nMTU = 1380\n\n"
			 "[Peer]\nPublicKey = dpSKSmt4IFtnc9b57GIerSCQCktbT7mei/b/o28UmCI=\n"
			 "AllowedIPs = 10.0.0.7/24,::/0\nEndpoint = [::1]:51821\n"
			 "PersistentKeepalive = 25\n";
	TAP_EQ_INT(parse(ok, &c, &e), 0, "a full config parses");
	TAP_EQ_INT(c.listen_port, 51820, "ListenPort (keys are case-insensitive)");
	TAP_EQ_INT((int)c.n_addr, 2, "two addresses");
	TAP_EQ_INT((int)c.mtu, 1380, "MTU");
	TAP_EQ_INT((int)c.n_peers, 1, "one peer");
	char b[64];
	TAP_EQ_STR(hk_prefix_str(&c.peers[0].allowed[0], b, sizeof(b)), "10.0.0.0/24",
		   "AllowedIPs masked to the prefix");
	TAP_EQ_STR(hk_endpoint_str(&c.peers[0].endpoint, b, sizeof(b)), "[::1]:51821", "endpoint");
	TAP_EQ_INT(c.peers[0].keepalive, 25, "keepalive");
	hk_tunconf_free(&c);
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "[Interface]\nFoo = 1\n", "t.conf:2: unknown key 'Foo' in [Interface]" },
		{ "PrivateKey = x\n", "t.conf:1: 'PrivateKey' outside of a section" },
		{ "[Interface]\nPrivateKey = abc\n", "t.conf:2: not a key" },
		{ "[Interfaces]\n", "t.conf:1: expected [Interface], [Peer] or KEY = VALUE" },
		{ "[Interface]\nMode = l2\n", "t.conf:2: Mode 'l2': tun or tap" },
		{ "[Interface]\nTransport = quic\n", "t.conf:2: Transport 'quic': udp or tcp" },
		{ "[Interface]\nListenPort = 1\n", "t.conf: [Interface] has no PrivateKey" },
		{ "[Interface]\nPrivateKey = YKH0OpDRb12KWIYjuWvLdHa0U1oa7kLYfb1Lr4+2r1o=\n[Peer]\n"
		  "PublicKey = 2IeWfIfUGDri/ZoW9Sfpirf34hsMxLIY1xiyjqe4QQE=\n",
		  "t.conf: [Peer] 1 has this interface's own public key" },
		{ "[Interface]\nPrivateKey = YKH0OpDRb12KWIYjuWvLdHa0U1oa7kLYfb1Lr4+2r1o=\nDNS = "
		  "1.1.1.1\n",
		  "t.conf:3: 'DNS' is a wg-quick key" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hk_err_clear(&e);
		int r = parse(bad[i].text, &c, &e);
		TAP_OK(r == -EINVAL && !strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)),
		       "bad config %zu: %s (got '%s')", i, bad[i].msg, e.msg);
	}
}

/* In a sanitized build, undefined behaviour stops this test as it stops a daemon under
 * scripts/test.sh (UBSAN_OPTIONS=halt_on_error=1), however the test is run. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/* The TCP transport's framing over a socketpair: what one end queues arrives whole and in
 * order at the other, however the stream is cut. */
struct got {
	size_t n, bytes;
	bool bad;
};

static void on_msg(void *ctx, uint8_t *msg, size_t len)
{
	struct got *g = ctx;
	/* message i: i % 251 + 1 bytes, each (i + k) & 0xff */
	size_t i = g->n++;
	if (len != i % 251 + 1)
		g->bad = true;
	for (size_t k = 0; k < len && !g->bad; k++)
		g->bad = msg[k] != (uint8_t)(i + k);
	g->bytes += len;
}

static void test_tcpconn(void)
{
	int sv[2];
	struct hk_endpoint ep = { 0 };
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		TAP_OK(0, "socketpair");
		return;
	}
	struct hk_tcpconn *a = hk_tcpconn_accepted(sv[0], &ep),
			  *b = hk_tcpconn_accepted(sv[1], &ep);
	/* an accepted connection that never sent has no send buffer: writable, nothing to do
	 * (this was memmove(NULL, NULL, 0), which UBSan halts on: the daemon died) */
	TAP_EQ_INT(hk_tcpconn_flush(a), 0, "flush with nothing ever queued");
	struct got g = { 0 };
	/* one frame cut inside its length and inside its body */
	uint8_t frame[2 + 5] = { 0, 5, 4, 5, 6, 7, 8 }; /* message 4 */
	for (size_t cut = 0; cut < sizeof(frame); cut++) {
		g = (struct got){ .n = 4 };
		TAP_OK(write(sv[0], frame, cut) == (ssize_t)cut, "first %zu bytes written", cut);
		hk_tcpconn_read(b, on_msg, &g);
		size_t before = g.n;
		TAP_OK(write(sv[0], frame + cut, sizeof(frame) - cut) ==
			       (ssize_t)(sizeof(frame) - cut),
		       "rest written");
		hk_tcpconn_read(b, on_msg, &g);
		TAP_OK(before == 4 && g.n == 5 && g.bytes == 5 && !g.bad,
		       "a frame cut after %zu bytes arrives once, whole", cut);
	}
	/* short writes: a small socket buffer, messages queued behind a partly sent one */
	int small = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	g = (struct got){ 0 };
	uint8_t msg[256];
	size_t sent = 0, queued_seen = 0;
	for (size_t i = 0; i < 4000; i++) {
		size_t len = i % 251 + 1;
		for (size_t k = 0; k < len; k++)
			msg[k] = (uint8_t)(i + k);
		if (hk_tcpconn_send(a, msg, len) < 0)
			break;
		sent++;
		queued_seen += a->tlen > 0;
		if (i % 500 == 0)
			hk_tcpconn_read(b, on_msg, &g); /* the far end takes some, not all */
	}
	for (int k = 0; k < 1000 && (a->tlen || g.n < sent); k++) {
		hk_tcpconn_flush(a);
		hk_tcpconn_read(b, on_msg, &g);
	}
	TAP_OK(queued_seen > 0, "some sends were short (queued %zu times)", queued_seen);
	TAP_OK(g.n == sent && !g.bad, "%zu messages sent through short writes, %zu arrived intact",
	       sent, g.n);
	hk_tcpconn_free(a);
	hk_tcpconn_free(b);
}

int main(void)
{
	struct hk_err e = { 0 };
	if (hk_crypto_load(&e) < 0) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	test_replay();
	test_crypto();
	test_handshake();
	test_conf();
	test_tcpconn();
	return tap_done();
}
