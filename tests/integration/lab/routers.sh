#!/bin/bash
# A chain of five routers with static routes and forwarding (sysctls in the file): r1 pings
# r5 end to end and traceroute shows every hop; the same file deployed under another lab
# name next to it (the same node names in two labs); runtime changes: a link down breaks
# the path and up restores it, a node stopped and started again.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
h lab ls >/dev/null
before=$(snapshot)
check "deploy chain5.yml" h lab deploy "$FX/chain5.yml"
# a node the file says nothing about keeps what any new namespace gets (the kernel copies the
# initial namespace's ip_forward: 1 on a host where something enabled forwarding)
fresh=$(unshare -n sysctl -n net.ipv4.ip_forward)
is "ip_forward set in r3 only where the file says" \
	"$(nsx chain-r3 sysctl -n net.ipv4.ip_forward),$(nsx chain-r1 sysctl -n net.ipv4.ip_forward)" "1,$fresh"
is "r3's routes" "$(ip -n chain-r3 -j -4 route show | jq -r '[.[] | select(.gateway) | "\(.dst) via \(.gateway)"] | sort | join(";")')" \
	"10.0.1.0/24 via 10.0.2.1;default via 10.0.3.2"
check "r1 pings r5 across four links" nsx chain-r1 ping -c 2 -i 0.2 -W 2 10.0.4.2
BB=${BUSYBOX:-/bin/busybox}
if "$BB" traceroute --help 2>&1 | grep -qi usage; then
	hops=$(nsx chain-r1 "$BB" traceroute -n -q 1 -w 2 -m 8 10.0.4.2 2>/dev/null |
		awk 'NR > 0 && $2 ~ /^[0-9.]+$/ {print $2}' | xargs)
	is "traceroute r1 -> r5 shows each hop" "$hops" "10.0.1.2 10.0.2.2 10.0.3.2 10.0.4.2"
else
	skip "traceroute shows each hop" "no busybox traceroute"
fi

# the same topology again under another name: same node names, its own namespaces
sed 's/^name: chain$/name: chain2/' "$FX/chain5.yml" >"$HAKO_TEST_TMP/chain2.yml"
check "deploy the same file as lab chain2, next to chain" h lab deploy "$HAKO_TEST_TMP/chain2.yml"
is "two labs listed" "$(h -j lab ls | jq -r '[.[].name] | join(",")')" chain,chain2
check "chain2's r1 pings its r5" nsx chain2-r1 ping -c 1 -W 2 10.0.4.2
check "chain's r1 still pings its r5" nsx chain-r1 ping -c 1 -W 2 10.0.4.2
check "destroy chain2" h lab destroy chain2
check "chain untouched by chain2's destroy" nsx chain-r1 ping -c 1 -W 2 10.0.4.2

# runtime changes
check "link set chain r3:eth1 down" h lab link set chain r3:eth1 down
is "r3's eth1 is down (ip -j)" "$(ip -n chain-r3 -j link show eth1 | jq -r '.[0].flags | index("UP") == null')" true
if nsx chain-r1 ping -c 1 -W 1 -q 10.0.4.2 >/dev/null 2>&1; then
	not_ok "no path while r3:eth1 is down"
else
	ok "no path while r3:eth1 is down"
fi
check "link set chain r3:eth1 up" h lab link set chain r3:eth1 up
check "the path is back" nsx chain-r1 ping -c 1 -W 3 10.0.4.2
check "node stop chain r4" h lab node stop chain r4
is "inspect: r4's interfaces down" \
	"$(h -j lab inspect chain | jq -r '[.[] | select(.node == "r4") | .link] | unique | join(",")')" DOWN
check "node start chain r4" h lab node start chain r4
check "the path is back after node start" nsx chain-r1 ping -c 1 -W 3 10.0.4.2
check_fail "link set on an endpoint that is not in the lab" 2 "no endpoint 'r9:eth1'" \
	h lab link set chain r9:eth1 down
check "destroy chain" h lab destroy chain
as_before "after destroy: as before"
