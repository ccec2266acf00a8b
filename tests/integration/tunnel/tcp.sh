#!/bin/bash
# Transport = tcp (a hako extension, hako <-> hako only): with every UDP packet dropped on the
# "internet" (nftables in B), a UDP tunnel cannot complete its handshake (the control) and a
# TCP tunnel between the same hosts carries ping and iperf3.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
if ! command -v nft >/dev/null; then
	skip "TCP transport" "nft not installed"
	exit 0
fi
# In the sanitized build, undefined behaviour stops a daemon (as under scripts/test.sh): a
# daemon that dies shows below as pings that get no reply and as "dead" in tunnel ls.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1"
hosts_init || { not_ok "set up hosts"; exit 1; }
nsx B nft -f - <<'NFT' || not_ok "nft rules in B"
table inet blockudp {
	chain in { type filter hook input priority 0; meta l4proto udp drop; }
}
NFT
keypair a && keypair b
div=
have_test_hooks && div=10
for t in udp tcp; do
	[ $t = udp ] && n=0 || n=1
	conf "$WORK/a$t.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 5182$n" "Address = 10.9.$n.1/24" "Transport = $t" \
		"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.$n.2/32" "Endpoint = 192.0.2.2:5183$n"
	conf "$WORK/b$t.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 5183$n" "Address = 10.9.$n.2/24" "Transport = $t" \
		"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.$n.1/32"
	check "$t tunnel up in B" "$HAKO" -n B tunnel up b$t -c "$WORK/b$t.conf"
	# shortened timers (test builds): a lost session is noticed in a second, not 15 s
	check "$t tunnel up in A" env ${div:+HAKO_TEST_TUNNEL_TIME_DIV=$div} "$HAKO" -n A tunnel up a$t -c "$WORK/a$t.conf"
done
if nsx A ping -c 2 -i 0.3 -W 1 10.9.0.2 >/dev/null 2>&1; then not_ok "control: the UDP tunnel must not pass (UDP is blocked)"
else ok "control: the UDP tunnel is blocked"; fi
check "ping through the TCP tunnel" nsx A ping -c 3 -i 0.2 -W 3 10.9.1.2
is "B sees A over TCP (ss)" "$(nsx B ss -Htn state established "sport = :51831" | wc -l)" "1"
if command -v iperf3 >/dev/null; then
	nsx B iperf3 -s -1 -D -B 10.9.1.2
	sleep 0.3
	out=$(nsx A iperf3 -c 10.9.1.2 -t 2 -J 2>&1)
	mb=$(printf '%s' "$out" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]) // 1000000)' 2>/dev/null)
	if [ "${mb:-0}" -gt 10 ]; then ok "iperf3 through the TCP tunnel: $mb MB in 2 s"; else not_ok "iperf3 through the TCP tunnel: ${mb:-?} MB"; echo "$out" | tail -3 | diag; fi
fi
is "the peer's endpoint is the TCP connection's" "$("$HAKO" -j tunnel show atcp | python3 -c 'import json,sys; print(json.load(sys.stdin)["peers"][0]["endpoint"])')" "192.0.2.2:51831"
# the far end restarts: its connection breaks, A connects again and shakes hands anew
check "B's TCP tunnel down" "$HAKO" tunnel down btcp
check "and up again" "$HAKO" -n B tunnel up btcp -c "$WORK/btcp.conf"
check "ping through the TCP tunnel after B's restart" nsx A ping -c 1 -w 25 10.9.1.2
is "both TCP daemons still running" "$("$HAKO" tunnel ls | awk '$1 ~ /tcp$/ {print $1, $2}' | sort | tr '\n' ' ')" "atcp up btcp up "
