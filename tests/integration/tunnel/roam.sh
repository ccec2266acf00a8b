#!/bin/bash
# Roaming: the peer's endpoint changes mid-stream and the other side follows from the first
# authenticated packet; both ways between hako and wireguard-go. An endpoint moves by a new
# port (`wg set ... listen-port`, as a NAT rebinding looks from the far side) and by a new
# address of hako's host. (wireguard-go keeps sending from its old source address once it
# has one, so its host's address is not the one that changes.)
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
if ! have_wggo; then
	skip "roaming" "wireguard-go or wireguard-tools not installed (scripts/install-deps.sh)"
	exit 0
fi
hosts_init || { not_ok "set up hosts"; exit 1; }
# a host "moves" by adding its new address before dropping the old one (kept as primary)
nsx A sysctl -qw net.ipv4.conf.inet.promote_secondaries=1
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = 192.0.2.2:51821"
check "tunnel up (hako, A)" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
wggo_up B wgb || not_ok "wireguard-go up"
nsx B wg set wgb private-key "$WORK/b.key" listen-port 51821 peer "$(pub a)" allowed-ips 10.9.0.1/32 endpoint 192.0.2.1:51820
nsx B ip addr add 10.9.0.2/24 dev wgb
nsx B ip link set wgb up
check "ping A -> B" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2

# wireguard-go moves to port 51829: hako learns it from B's next packet
nsx B ping -c 200 -i 0.05 10.9.0.1 >"$WORK/ping-b.txt" 2>&1 &
pp=$!
sleep 1
nsx B wg set wgb listen-port 51829
sleep 1.5
is "hako follows wireguard-go to its new port" "$(wg show ta endpoints | cut -f2)" "192.0.2.2:51829"
wait $pp
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-b.txt")
if [ "${recv:-0}" -ge 190 ]; then ok "B's ping stream survived the move ($recv/200)"; else not_ok "B's ping stream: $recv/200"; fi
check "ping A -> B at its new endpoint" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2

# hako's host moves to 192.0.2.4: wireguard-go learns it
nsx A ping -c 200 -i 0.05 10.9.0.2 >"$WORK/ping-a.txt" 2>&1 &
pp=$!
sleep 1
ip -n A addr add 192.0.2.4/24 dev inet
ip -n A addr del 192.0.2.1/24 dev inet
sleep 1.5
is "wireguard-go follows hako to its new address" "$(nsx B wg show wgb endpoints | cut -f2)" "192.0.2.4:51820"
check "ping B -> A after the move" nsx B ping -c 2 -i 0.2 -W 2 10.9.0.1
# and hako's own port (wg set on hako's socket: the UDP socket is opened again)
check "wg set ta listen-port 51828" wg set ta listen-port 51828
is "tunnel ls shows the new port" "$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print([o["listen_port"] for o in json.load(sys.stdin) if o["name"]=="ta"])')" "[51828]"
check "ping A -> B from the new port" nsx A ping -c 2 -i 0.2 -W 2 10.9.0.2
is "wireguard-go follows hako to its new port" "$(nsx B wg show wgb endpoints | cut -f2)" "192.0.2.4:51828"
wait $pp
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping-a.txt")
if [ "${recv:-0}" -ge 190 ]; then ok "A's ping stream survived the move ($recv/200)"; else not_ok "A's ping stream: $recv/200"; fi
