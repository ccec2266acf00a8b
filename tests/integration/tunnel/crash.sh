#!/bin/bash
# kill -9 of a tunnel's daemon: the device (and with it its addresses and routes) goes with
# the process; `tunnel ls` shows the tunnel dead; the next `up` of the name is not tripped
# by the socket file or record left behind; `down` of a dead tunnel clears what is left.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.5.0/24"
check "up t1" "$HAKO" tunnel up t1 -c "$WORK/a.conf"
pid=$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
is "the route to AllowedIPs" "$(ip -j route show 10.9.5.0/24 | python3 -c 'import json,sys; print([r["dev"] for r in json.load(sys.stdin)])')" "['t1']"
kill -9 "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
sleep 0.1
is "device gone with the daemon" "$(ip -o link show t1 2>/dev/null)" ""
is "route gone" "$(ip route show 10.9.5.0/24)" ""
is "tunnel ls: dead" "$("$HAKO" tunnel ls | awk 'NR > 1 {print $1, $2}')" "t1 dead"
check_fail "show of a dead tunnel: its daemon is dead" 1 "tunnel 't1': its daemon is dead" "$HAKO" tunnel show t1
check "up t1 again over the leftovers" "$HAKO" tunnel up t1 -c "$WORK/a.conf"
is "tunnel ls: up" "$("$HAKO" tunnel ls | awk 'NR > 1 {print $1, $2}')" "t1 up"
if command -v wg >/dev/null; then is "wg sees it" "$(wg show t1 listen-port 2>&1)" "51820"
else skip "wg sees it" "wireguard-tools not installed"; fi
pid=$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
kill -9 "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
check "down of a dead tunnel clears it" "$HAKO" tunnel down t1
is "nothing left" "$(ls /run/wireguard; ls "$HAKO_ROOT/run/tunnel"; ip -o link show t1 2>/dev/null)" ""
