#!/bin/bash
# An IPv6 "internet" under the tunnel (the endpoint [ADDR]:PORT), IPv4 inside it; hako in A,
# wireguard-go in B (or hako when wireguard-go is missing).
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
ip -n A addr add fd00:2::1/64 dev inet nodad
ip -n B addr add fd00:2::2/64 dev inet nodad
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = [fd00:2::2]:51821"
check "tunnel up with an IPv6 endpoint" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
if have_wggo; then
	wggo_up B wgb || not_ok "wireguard-go up"
	nsx B wg set wgb private-key "$WORK/b.key" listen-port 51821 peer "$(pub a)" allowed-ips 10.9.0.1/32
	nsx B ip addr add 10.9.0.2/24 dev wgb
	nsx B ip link set wgb up
	peer="wg show wgb"
else
	conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" \
		"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
	"$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
	peer=
fi
check "ping through the tunnel over IPv6" nsx A ping -c 3 -i 0.2 -W 2 10.9.0.2
is "hako's endpoint, as wg shows it" "$("$HAKO" -j tunnel show ta | python3 -c 'import json,sys; print(json.load(sys.stdin)["peers"][0]["endpoint"])')" "[fd00:2::2]:51821"
if [ -n "$peer" ]; then
	is "wireguard-go learnt hako's IPv6 endpoint" "$(nsx B $peer endpoints | cut -f2)" "[fd00:2::1]:51820"
fi
