#!/bin/bash
# Cookie replies under load: a hako tunnel forced "under load" (HAKO_TEST_TUNNEL_UNDER_LOAD,
# test builds only) answers an initiation without a valid mac2 with a cookie reply; the
# initiator — wireguard-go, or hako — retries with mac2 and the handshake completes.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
if ! have_test_hooks; then
	skip "cookie replies under load" "hako built without test hooks"
	exit 0
fi
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b && keypair c
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" \
	"[Peer]" "PublicKey = $(pub c)" "AllowedIPs = 10.9.0.3/32"
check "tunnel up in A, under load" env HAKO_TEST_TUNNEL_UNDER_LOAD=1 "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
drops() { "$HAKO" -j tunnel show ta | python3 -c "import json,sys; print(json.load(sys.stdin)['drops']['$1'])"; }

if have_wggo; then
	wggo_up B wgb || not_ok "wireguard-go up"
	nsx B wg set wgb private-key "$WORK/b.key" listen-port 51821 peer "$(pub a)" allowed-ips 10.9.0.1/32 endpoint 192.0.2.1:51820
	nsx B ip addr add 10.9.0.2/24 dev wgb
	nsx B ip link set wgb up
	check "wireguard-go -> hako under load: the handshake completes (after the cookie)" nsx B ping -c 1 -w 20 10.9.0.1
	c=$(drops cookie)
	if [ "$c" -ge 1 ]; then ok "hako answered with a cookie reply ($c)"; else not_ok "cookie replies sent: $c"; fi
else
	skip "wireguard-go under load" "wireguard-go not installed"
fi

c0=$(drops cookie)
conf "$WORK/c.conf" "[Interface]" "PrivateKey = $(key c)" "ListenPort = 51822" "Address = 10.9.0.3/24" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32" "Endpoint = 192.0.2.1:51820"
check "tunnel up in B (hako, initiator)" "$HAKO" -n B tunnel up tc -c "$WORK/c.conf"
check "hako -> hako under load: the handshake completes (after the cookie)" nsx B ping -c 1 -w 20 10.9.0.1
c1=$(drops cookie)
if [ "$c1" -gt "$c0" ]; then ok "a cookie reply went to the hako initiator ($c0 -> $c1)"; else not_ok "cookie replies: $c0 -> $c1"; fi
