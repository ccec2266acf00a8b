#!/bin/bash
# hako <-> Debian's wireguard-go, each side initiating; a rekey with hako's timers shortened
# (HAKO_TEST_TUNNEL_TIME_DIV, test builds only); wg set against hako's socket.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
if ! have_wggo; then
	skip "hako <-> wireguard-go" "wireguard-go or wireguard-tools not installed (scripts/install-deps.sh)"
	exit 0
fi
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a1 && keypair b1 && keypair a2 && keypair b2

# pair 1: hako in A initiates (it has the endpoint), wireguard-go in B answers
conf "$WORK/a1.conf" "[Interface]" "PrivateKey = $(key a1)" "ListenPort = 51820" "Address = 10.9.1.1/24" \
	"[Peer]" "PublicKey = $(pub b1)" "AllowedIPs = 10.9.1.2/32" "Endpoint = 192.0.2.2:51821"
div=
have_test_hooks && div=30
check "tunnel up (hako, A)" env ${div:+HAKO_TEST_TUNNEL_TIME_DIV=$div} "$HAKO" -n A tunnel up ta1 -c "$WORK/a1.conf"
wggo_up B wg1 || not_ok "wireguard-go wg1 up"
check_fail "hako tunnel up of wireguard-go's name: exit 1, its socket in use" 1 "^hako: tunnel 'wg1': /var/run/wireguard/wg1.sock is in use \(a WireGuard daemon" "$HAKO" -n A tunnel up wg1 -c "$WORK/a1.conf"
is "... nothing made in A" "$(ip -n A -o link show wg1 2>/dev/null)" ""
check_fail "hako tunnel show of wireguard-go's socket: no such tunnel, exit 5" 5 "^hako: tunnel 'wg1' does not exist \(/var/run/wireguard/wg1.sock is another WireGuard daemon's" "$HAKO" tunnel show wg1
nsx B wg set wg1 private-key "$WORK/b1.key" listen-port 51821 peer "$(pub a1)" allowed-ips 10.9.1.1/32
nsx B ip addr add 10.9.1.2/24 dev wg1
nsx B ip link set wg1 up
check "ping hako -> wireguard-go (hako initiates)" nsx A ping -c 3 -i 0.2 -W 3 10.9.1.2
is "wireguard-go learnt hako's endpoint" "$(nsx B wg show wg1 endpoints | cut -f2)" "192.0.2.1:51820"
# TCP from hako to wireguard-go: hako cuts the kernel's 64 KiB TSO packets itself, and
# wireguard-go (no offloads) hands each segment to B's kernel, which checks every checksum
if command -v iperf3 >/dev/null; then
	nsx B iperf3 -s -1 -D -B 10.9.1.2
	sleep 0.3
	csum0=$(nsx B nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ {print $2}')
	out=$(nsx A iperf3 -c 10.9.1.2 -t 2 -J 2>&1)
	mb=$(printf '%s' "$out" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]) // 1000000)' 2>/dev/null)
	csum1=$(nsx B nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ {print $2}')
	if [ "${mb:-0}" -gt 10 ] && [ "$csum0" = "$csum1" ]; then ok "iperf3 hako -> wireguard-go: $mb MB, no checksum errors"
	else not_ok "iperf3 hako -> wireguard-go: ${mb:-?} MB, TcpInCsumErrors $csum0 -> $csum1"; fi
else
	skip "iperf3 hako -> wireguard-go" "iperf3 not installed"
fi

# pair 2: wireguard-go in B initiates, hako in A has no endpoint for it
conf "$WORK/a2.conf" "[Interface]" "PrivateKey = $(key a2)" "ListenPort = 51822" "Address = 10.9.2.1/24" \
	"[Peer]" "PublicKey = $(pub b2)" "AllowedIPs = 10.9.2.2/32"
check "tunnel up (hako, A, no endpoint)" "$HAKO" -n A tunnel up ta2 -c "$WORK/a2.conf"
wggo_up B wg2 || not_ok "wireguard-go wg2 up"
nsx B wg set wg2 private-key "$WORK/b2.key" listen-port 51823 peer "$(pub a2)" allowed-ips 10.9.2.1/32 endpoint 192.0.2.1:51822
nsx B ip addr add 10.9.2.2/24 dev wg2
nsx B ip link set wg2 up
check "ping wireguard-go -> hako (wireguard-go initiates)" nsx B ping -c 3 -i 0.2 -W 3 10.9.2.1
is "hako learnt wireguard-go's endpoint (wg show)" "$(wg show ta2 endpoints | cut -f2)" "192.0.2.2:51823"

# wg set against hako: a persistent keepalive, then read back by wg and by hako
check "wg set ta2 persistent-keepalive" wg set ta2 peer "$(pub b2)" persistent-keepalive 7
is "wg show ta2 persistent-keepalive" "$(wg show ta2 persistent-keepalive | cut -f2)" "7"
is "hako tunnel show sees it" "$("$HAKO" -j tunnel show ta2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["peers"][0]["persistent_keepalive"])')" "7"
check "wg set ta2: a second allowed prefix" wg set ta2 peer "$(pub b2)" allowed-ips 10.9.2.2/32,10.9.22.0/24
is "wg showconf ta2: AllowedIPs" "$(wg showconf ta2 | sed -n 's/^AllowedIPs = //p')" "10.9.2.2/32, 10.9.22.0/24"

if [ -n "$div" ]; then
	# REKEY_AFTER_TIME / 30 = 4 s: pinging for 10 s crosses at least two rekeys, without loss
	h1=$(nsx B wg show wg1 latest-handshakes | cut -f2)
	out=$(nsx A ping -c 50 -i 0.2 -W 2 10.9.1.2 2>&1)
	h2=$(nsx B wg show wg1 latest-handshakes | cut -f2)
	loss=$(printf '%s' "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
	if [ "$h2" -gt "$h1" ] && [ "${loss%.*}" -le 4 ]; then
		ok "rekey: new handshake ($h1 -> $h2), ${loss}% loss"
	else
		not_ok "rekey: handshakes $h1 -> $h2, loss $loss%"
	fi
else
	skip "rekey with shortened timers" "hako built without test hooks"
fi
