#!/bin/bash
# Two hako tunnels on two hosts: ping and iperf3 through them, the device, addresses and routes
# checked with ip -j, `wg show` against hako's socket, the state in `tunnel show -j`.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/32, fd00:9::1/128" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32, fd00:9::2/128" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/32, fd00:9::2/128" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32, fd00:9::1/128"

check "tunnel up in A" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
check "tunnel up in B" "$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
is "device ta in A is a tun, up" "$(ip -n A -j link show ta | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["link_type"], "UP" in l["flags"], l["mtu"])')" "none True 1420"
is "addresses of ta" "$(ip -n A -j addr show ta | python3 -c 'import json,sys; print(sorted(a["local"]+"/"+str(a["prefixlen"]) for a in json.load(sys.stdin)[0]["addr_info"] if a["scope"] == "global"))')" "['10.9.0.1/32', 'fd00:9::1/128']"
is "route to the peer's AllowedIPs via ta" "$(ip -n A -j route show dev ta | python3 -c 'import json,sys; print([r["dst"] for r in json.load(sys.stdin)])')" "['10.9.0.2']"
check "ping A -> B through the tunnel" nsx A ping -c 3 -i 0.2 -W 2 10.9.0.2
check "ping B -> A through the tunnel (IPv6)" nsx B ping -6 -c 3 -i 0.2 -W 2 fd00:9::1
if command -v iperf3 >/dev/null; then
	nsx B iperf3 -s -1 -D -B 10.9.0.2 --logfile "$WORK/iperf.log"
	sleep 0.3
	out=$(nsx A iperf3 -c 10.9.0.2 -t 2 -J 2>&1)
	bps=$(printf '%s' "$out" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' 2>/dev/null)
	if [ -n "$bps" ] && [ "$bps" -gt 1000000 ]; then ok "iperf3 through the tunnel: $((bps / 1000000)) Mbit/s"; else not_ok "iperf3 through the tunnel"; echo "$out" | tail -5 | diag; fi
else
	skip "iperf3 through the tunnel" "iperf3 not installed"
fi
if have_wggo; then
	out=$(wg show ta dump)
	is "wg show ta: the peer and its endpoint" "$(echo "$out" | sed -n 2p | cut -f1,3,4)" "$(pub b)	192.0.2.2:51821	10.9.0.2/32,fd00:9::2/128"
	is "wg show ta: our public key and port" "$(echo "$out" | sed -n 1p | cut -f2,3)" "$(pub a)	51820"
	hs=$(wg show ta latest-handshakes | cut -f2)
	if [ "${hs:-0}" -gt 0 ]; then ok "wg show: a latest handshake"; else not_ok "wg show: a latest handshake ($hs)"; fi
else
	skip "wg show against hako" "wireguard-tools not installed"
fi
is "tunnel show -j: peer rx > 0" "$("$HAKO" -j tunnel show ta | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["peers"][0]["rx_bytes"] > 0, o["public_key"] == open("'"$WORK/a.pub"'").read().strip())')" "True True"
is "tunnel ls: both up" "$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print(sorted((o["name"], o["state"]) for o in json.load(sys.stdin)))')" "[('ta', 'up'), ('tb', 'up')]"
check "tunnel down ta" "$HAKO" tunnel down ta
is "device ta gone" "$(ip -n A -o link show ta 2>/dev/null)" ""
is "socket file gone" "$(ls /run/wireguard)" "tb.sock"

