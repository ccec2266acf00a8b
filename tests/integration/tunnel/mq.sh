#!/bin/bash
# Workers = N (multi-queue TUN, a thread per queue, a socket per thread on one port): the
# device has N queues (ip -d), the daemon N threads (/proc), four iperf3 streams get through,
# the byte counters of `tunnel show` agree across the two ends and with iperf3, and a bad
# Workers value is refused before anything is made.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Address = 10.9.0.1/24" "Workers = 3" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 10.9.0.2/32" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Address = 10.9.0.2/24" "Workers = 2" "FwMark = 0x51" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 10.9.0.1/32"
conf "$WORK/bad.conf" "[Interface]" "PrivateKey = $(key a)" "Workers = 17"
out=$("$HAKO" -n A tunnel up tbad -c "$WORK/bad.conf" 2>&1)
is "Workers = 17 refused (exit 2)" "$?" "2"
case $out in *bad.conf:3:*Workers*) ok "the reason names the file, line and key";; *) not_ok "reason: $out";; esac
is "nothing made for it" "$(ip -n A -o link show tbad 2>/dev/null)" ""

check "tunnel up in A (3 workers)" "$HAKO" -n A tunnel up ta -c "$WORK/a.conf"
check "tunnel up in B (2 workers)" "$HAKO" -n B tunnel up tb -c "$WORK/b.conf"
pid_of() { "$HAKO" -j tunnel ls | python3 -c 'import json,sys; print([o["pid"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]][0])' "$1"; }
is "A's daemon runs 3 threads" "$(ls /proc/"$(pid_of ta)"/task | wc -l)" "3"
is "B's daemon runs 2 threads" "$(ls /proc/"$(pid_of tb)"/task | wc -l)" "2"
queues=$(ip -n A -d link show ta | grep -o 'multi_queue numqueues [0-9]*')
is "ta is a multi-queue tun with 3 queues (ip -d)" "$queues" "multi_queue numqueues 3"
is "A's 3 UDP sockets share port 51820 (ss)" "$(nsx A ss -Huan "sport = :51820" | wc -l)" "3"
# FwMark (a wg setconf key) and `wg set fwmark` mark every worker's socket
is "FwMark = 0x51: both of B's sockets marked (ss -e)" "$(nsx B ss -Huean "sport = :51821" 2>/dev/null | grep -c 'fwmark:0x51 ')" "2"
is "wg show tb fwmark" "$(nsx B wg show tb fwmark)" "0x51"
check "wg set ta fwmark 0x1234" nsx A wg set ta fwmark 0x1234
is "all 3 of A's sockets marked" "$(nsx A ss -Huean "sport = :51820" 2>/dev/null | grep -c 'fwmark:0x1234 ')" "3"
check "wg set ta fwmark off" nsx A wg set ta fwmark off
is "none of A's sockets marked" "$(nsx A ss -Huean "sport = :51820" 2>/dev/null | grep -c fwmark)" "0"
check "ping A -> B" nsx A ping -c 3 -i 0.2 -W 2 10.9.0.2
check "ping B -> A" nsx B ping -c 3 -i 0.2 -W 2 10.9.0.1
if command -v iperf3 >/dev/null; then
	nsx B iperf3 -s -1 -D -B 10.9.0.2 --logfile "$WORK/iperf.log"
	sleep 0.3
	out=$(nsx A iperf3 -c 10.9.0.2 -t 2 -P 4 -J 2>&1)
	got=$(printf '%s' "$out" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))' 2>/dev/null)
	if [ "${got:-0}" -gt 1000000 ]; then ok "iperf3, 4 streams: $((got / 1000000)) MB"; else not_ok "iperf3, 4 streams"; echo "$out" | tail -5 | diag; fi
	sleep 0.5
	# each end counts what it sent and received (WireGuard messages, headers included):
	# A's tx is what B received (UDP may lose a little under load, never gain), and more than
	# the streams' payload
	read -r atx arx < <("$HAKO" -j tunnel show ta | python3 -c 'import json,sys; p=json.load(sys.stdin)["peers"][0]; print(p["tx_bytes"], p["rx_bytes"])')
	read -r btx brx < <("$HAKO" -j tunnel show tb | python3 -c 'import json,sys; p=json.load(sys.stdin)["peers"][0]; print(p["tx_bytes"], p["rx_bytes"])')
	if [ "$brx" -le "$atx" ] && [ $((brx * 100)) -ge $((atx * 98)) ] && [ "$atx" -gt "${got:-0}" ]; then
		ok "A tx $atx, B rx $brx (iperf3 payload ${got:-?})"
	else not_ok "A tx $atx, B rx $brx, iperf3 ${got:-?}"; fi
	if [ "$arx" -le "$btx" ] && [ $((arx * 100)) -ge $((btx * 98)) ]; then ok "B tx $btx, A rx $arx"
	else not_ok "B tx $btx, A rx $arx"; fi
else
	skip "iperf3 through the tunnel" "iperf3 not installed"
fi
drops=$("$HAKO" -j tunnel show tb | python3 -c 'import json,sys; d=json.load(sys.stdin)["drops"]; print(d["replay"], d["bad_auth"])')
is "B: no replay or authentication drops across workers" "$drops" "0 0"
check "tunnel down in A" "$HAKO" tunnel down ta
is "device ta gone" "$(ip -n A -o link show ta 2>/dev/null)" ""
