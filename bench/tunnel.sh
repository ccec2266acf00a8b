#!/bin/bash
# Tunnel throughput: iperf3 between two namespaces ("hosts" A and B joined by a veth), through
#   veth       the bare link (the ceiling)
#   hako       hako tunnel (WireGuard protocol, src/lib/tunnel), with 1 worker and with the
#              default (a worker per CPU: multi-queue TUN)
#   wg-go      Debian's wireguard-go (the userspace WireGuard reference)
#   ovpn-gcm   OpenVPN 2.6, UDP, AES-256-GCM (TLS mode with self-signed certs + peer-fingerprint)
#   ovpn-chacha  OpenVPN 2.6, UDP, CHACHA20-POLY1305
# each with 1 TCP stream and 4 streams, SECS seconds each, all in one run. Reported: Gb/s,
# CPU seconds of the tunnel daemons (both ends) per GB moved, the median ping RTT during the
# 1-stream run, and the daemons' peak RSS (VmHWM).
#
# Usage (root): bench/tunnel.sh [SECS]     default 20
# Runs inside a private mount+network namespace: nothing touches the host's network.
# Writes bench/results/tunnel.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" iperf3 wireguard-go wireguard-tools openvpn >/dev/null
	if [ -z "${HAKO:-}" ]; then
		"$src/scripts/build.sh" "$src/build-release" -Dbuildtype=release >/dev/null
		export HAKO=$src/build-release/hako
	fi
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
[ -d /run/wireguard ] || { mkdir /run/wireguard && trap_rmdir=1; }
mount -t tmpfs -o mode=700 bench-wg /run/wireguard
ip link set lo up
HAKO=${HAKO:-$src/build/hako}
secs=${1:-20}
work=$(mktemp -d /tmp/hako-bench-tun.XXXXXX)
chmod 700 "$work"
export HAKO_ROOT=$work/root
pids=()
cleanup() {
	set +e
	for t in ha hb; do "$HAKO" tunnel down $t >/dev/null 2>&1; done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.3
	ip netns del A 2>/dev/null
	ip netns del B 2>/dev/null
	umount /run/wireguard
	[ -n "${trap_rmdir:-}" ] && rmdir /run/wireguard
	rm -rf "$work"
}
trap cleanup EXIT
nsx() { ip netns exec "$@"; }

ip netns add A
ip netns add B
ip -n A link add inet type veth peer name inet netns B
ip -n A addr add 192.0.2.1/24 dev inet
ip -n B addr add 192.0.2.2/24 dev inet
for n in A B; do ip -n $n link set inet up; ip -n $n link set lo up; done
nsx B iperf3 -s -D --logfile "$work/iperf-server.log" --pidfile "$work/iperf.pid"
sleep 0.3
pids+=("$(cat "$work/iperf.pid")")

cpu_of() { # total utime+stime seconds of pids
	local t=0 p
	for p in "$@"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "$t $(getconf CLK_TCK)" | awk '{printf "%.3f", $1 / $2}'
}
rss_of() { # peak RSS in MiB, summed
	local t=0 p
	for p in "$@"; do t=$((t + $(awk '/VmHWM/ {print $2}' "/proc/$p/status"))); done
	echo "$t" | awk '{printf "%.1f", $1 / 1024}'
}
# run NAME DST PIDS...: two iperf3 runs (1 and 4 streams) with pings during the first
results=()
# iperf OUT ARGS...: iperf3 -J from A, again (up to 3 times) when the server was still busy
iperf() {
	local out=$1 i
	shift
	for i in 1 2 3; do
		nsx A iperf3 "$@" -J >"$out" 2>&1 || true
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))["end"]["sum_received"]' "$out" 2>/dev/null && return 0
		sleep 2
	done
	echo "iperf3 $* failed: $(tail -3 "$out")" >&2
	return 1
}
run() {
	local name=$1 dst=$2
	shift 2
	local dpids=("$@") p gb1 gb4 c0 c1 bytes rtt
	sleep 1
	c0=$([ ${#dpids[@]} -gt 0 ] && cpu_of "${dpids[@]}" || echo 0)
	nsx A ping -i 0.2 -c $((secs * 5)) -q "$dst" >"$work/ping.txt" 2>&1 &
	local pp=$!
	iperf "$work/1.json" -c "$dst" -t "$secs"
	wait $pp || true
	sleep 1
	iperf "$work/4.json" -c "$dst" -t "$secs" -P 4
	c1=$([ ${#dpids[@]} -gt 0 ] && cpu_of "${dpids[@]}" || echo 0)
	gb1=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' "$work/1.json")
	gb4=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' "$work/4.json")
	bytes=$(python3 -c 'import json,sys; print(sum(json.load(open(f))["end"]["sum_received"]["bytes"] for f in sys.argv[1:]))' "$work/1.json" "$work/4.json")
	rtt=$(sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$work/ping.txt")
	local cpg=-
	[ ${#dpids[@]} -gt 0 ] && cpg=$(echo "$c0 $c1 $bytes" | awk '{printf "%.2f", ($2 - $1) / ($3 / 1e9)}')
	local rss=-
	[ ${#dpids[@]} -gt 0 ] && rss=$(rss_of "${dpids[@]}")
	results+=("| $name | $gb1 | $gb4 | $cpg | ${rtt:--} | $rss |")
	echo "${results[-1]}" >&2
}

run veth 192.0.2.2

# hako, twice: one worker (one TUN queue, one thread: the design before multi-queue) and the
# default, a worker per CPU (multi-queue TUN, a thread and a SO_REUSEPORT socket per queue)
for s in a b; do (umask 077 && "$HAKO" tunnel genkey >"$work/$s.key" && "$HAKO" tunnel pubkey <"$work/$s.key" >"$work/$s.pub"); done
for workers in 1 default; do
	w=
	[ $workers = 1 ] && w='Workers = 1\n'
	(umask 077 && printf "[Interface]\nPrivateKey = %s\nListenPort = 51820\nAddress = 10.10.0.1/24\n$w[Peer]\nPublicKey = %s\nAllowedIPs = 10.10.0.2/32\nEndpoint = 192.0.2.2:51820\n" "$(cat "$work/a.key")" "$(cat "$work/b.pub")" >"$work/a.conf")
	(umask 077 && printf "[Interface]\nPrivateKey = %s\nListenPort = 51820\nAddress = 10.10.0.2/24\n$w[Peer]\nPublicKey = %s\nAllowedIPs = 10.10.0.1/32\n" "$(cat "$work/b.key")" "$(cat "$work/a.pub")" >"$work/b.conf")
	"$HAKO" -n A tunnel up ha -c "$work/a.conf"
	"$HAKO" -n B tunnel up hb -c "$work/b.conf"
	nsx A ping -c 2 -W 2 10.10.0.2 >/dev/null
	hp=$("$HAKO" -j tunnel ls | python3 -c 'import json,sys; print(" ".join(str(o["pid"]) for o in json.load(sys.stdin)))')
	name="hako, 1 worker"
	[ $workers = default ] && name="hako, $(ls /proc/"${hp%% *}"/task | wc -l) workers"
	# shellcheck disable=SC2086
	run "$name" 10.10.0.2 $hp
	"$HAKO" tunnel down ha
	"$HAKO" tunnel down hb
done

# wireguard-go
# one mount namespace: the socket names (/run/wireguard/NAME.sock) must differ
wgp=
for n in A B; do
	# ip netns exec and env exec: $! is wireguard-go itself (foreground)
	ip netns exec $n env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go wg$n >/dev/null 2>&1 &
	pids+=($!)
	wgp="$wgp $!"
done
for _ in $(seq 100); do [ -S /run/wireguard/wgA.sock ] && [ -S /run/wireguard/wgB.sock ] && break; sleep 0.05; done
nsx A wg set wgA private-key "$work/a.key" listen-port 51821 peer "$(cat "$work/b.pub")" allowed-ips 10.11.0.2/32 endpoint 192.0.2.2:51821
nsx B wg set wgB private-key "$work/b.key" listen-port 51821 peer "$(cat "$work/a.pub")" allowed-ips 10.11.0.1/32
nsx A ip addr add 10.11.0.1/24 dev wgA
nsx B ip addr add 10.11.0.2/24 dev wgB
nsx A ip link set wgA up
nsx B ip link set wgB up
nsx A ping -c 2 -W 2 10.11.0.2 >/dev/null
# shellcheck disable=SC2086
run wg-go 10.11.0.2 $wgp
kill $wgp
sleep 0.5

# OpenVPN: TLS mode, self-signed certificates checked by fingerprint (no CA), UDP
for s in a b; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$s" \
		-keyout "$work/$s.pem.key" -out "$work/$s.pem" 2>/dev/null
	openssl x509 -in "$work/$s.pem" -noout -fingerprint -sha256 | sed 's/.*=//' >"$work/$s.fp"
done
ovpn() { # NS ME PEER ROLE LOCAL REMOTE CIPHER
	local extra=(--tls-server --dh none)
	[ "$4" = client ] && extra=(--tls-client --remote 192.0.2.2 1194)
	ip netns exec "$1" openvpn --dev tun --dev-type tun --proto udp --port 1194 --topology p2p \
		--ifconfig "$5" "$6" --cert "$work/$2.pem" --key "$work/$2.pem.key" \
		--peer-fingerprint "$(cat "$work/$3.fp")" --data-ciphers "$7" --cipher "$7" \
		--verb 0 --mute-replay-warnings "${extra[@]}" >"$work/ovpn-$1.log" 2>&1 &
	pids+=($!)
	op="$op $!"
}
for c in AES-256-GCM CHACHA20-POLY1305; do
	op=
	ovpn B b a server 10.12.0.2 10.12.0.1 $c
	ovpn A a b client 10.12.0.1 10.12.0.2 $c
	for _ in $(seq 100); do nsx A ping -c 1 -W 1 10.12.0.2 >/dev/null 2>&1 && break; sleep 0.2; done
	name=ovpn-gcm
	[ $c = CHACHA20-POLY1305 ] && name=ovpn-chacha
	# shellcheck disable=SC2086
	run $name 10.12.0.2 $op
	kill $op
	sleep 1
done

{
	echo "Tunnel throughput, iperf3 ${secs} s per run, $(nproc) CPUs, $(uname -r), $(date -u +%F)"
	echo
	echo "| path | 1 stream Gb/s | 4 streams Gb/s | daemon CPU s/GB | ping under load ms | daemons' peak RSS MiB |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${results[@]}"
} | tee "$here/results/tunnel.md"
