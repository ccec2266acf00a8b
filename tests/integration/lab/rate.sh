#!/bin/bash
# A link with `rate: 10mbit`: tbf on both ends (tc -j qdisc), and iperf3 between the two
# namespaces measures 8 to 11 Mbit/s; `lab link set ... rate` changes it at runtime, `rate
# none` removes it.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
if ! unshare --net sh -c 'ip link set lo up; tc qdisc add dev lo root tbf rate 1mbit burst 4k latency 50ms' 2>/dev/null; then
	skip "rate links" "this kernel has no tbf qdisc"
	exit 0
fi
h lab ls >/dev/null
before=$(snapshot)
check "deploy rate.yml" h lab deploy -q "$FX/rate.yml"
tbf_rate() { tc -n "$1" -j qdisc show dev eth0 | jq -r '.[] | select(.kind == "tbf") | .options.rate'; }
is "tbf at 10 Mbit/s on a's end" "$(tbf_rate rate-a)" 1250000
is "tbf at 10 Mbit/s on b's end" "$(tbf_rate rate-b)" 1250000
if command -v iperf3 >/dev/null; then
	nsx rate-b iperf3 -s -1 -B 10.20.0.2 >/dev/null 2>&1 &
	srv=$!
	on_exit "kill $srv"
	sleep 0.5
	bps=$(nsx rate-a iperf3 -c 10.20.0.2 -t 4 -J 2>/dev/null | jq -r '.end.sum_received.bits_per_second')
	mbit=$(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e6 }')
	if awk -v m="$mbit" 'BEGIN { exit !(m >= 8 && m <= 11) }'; then
		ok "iperf3 a -> b: $mbit Mbit/s (8..11)"
	else
		not_ok "iperf3 a -> b: $mbit Mbit/s, want 8..11"
	fi
	wait $srv 2>/dev/null
else
	skip "iperf3 measures 8..11 Mbit/s" "no iperf3 (apt-get install iperf3)"
fi
check "link set rate a:eth0 rate 20mbit" h lab link set rate a:eth0 rate 20mbit
is "tbf at 20 Mbit/s on a's end" "$(tbf_rate rate-a)" 2500000
check "link set rate a:eth0 rate none" h lab link set rate a:eth0 rate none
is "no tbf left on a's end" "$(tbf_rate rate-a)" ""
check "destroy" h lab destroy rate
as_before "after destroy, as before"
