#!/bin/bash
# route show's selectors, differentially against ip route show on the same routes: a PREFIX
# (exact), root/match/exact PREFIX, default, via/src PREFIX, scope S, combined with table,
# dev and type; route flush with a selector deletes what show lists with it.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add sl0 type veth peer name sl1
ip link set sl0 up
ip link set sl1 up
ip addr add 10.1.1.1/24 dev sl0
ip route add 10.9.0.0/16 via 10.1.1.2
ip route add 10.9.5.0/24 via 10.1.1.3 src 10.1.1.1
ip route add 10.0.0.0/8 dev sl0
ip route add default via 10.1.1.254
ip route add 10.7.0.0/16 nexthop via 10.1.1.2 nexthop via 10.1.1.3
ip route add blackhole 10.6.0.0/16
# dsts ARGS: the sorted destinations ip -j route show ARGS (IPv4) lists
dsts() { jq -c '[.[].dst] | sort'; }
for sel in "10.9.0.0/16" "exact 10.9.0.0/16" "to 10.9.0.0/16" "10.9.5.7" "default" \
	"root 10.9.0.0/16" "root 10.0.0.0/8" "root 10.9.0.0" "root 0.0.0.0/0" \
	"match 10.9.5.7" "match 10.9.0.0/16" "match default" \
	"via 10.1.1.2" "via 10.1.1.0/24" "src 10.1.1.1" "src 10.1.1.0/24" \
	"scope link" "scope global" "table local root 10.1.1.0/24" "scope host table local" \
	"dev sl0 via 10.1.1.3" "type blackhole scope global"; do
	# shellcheck disable=SC2086
	is "route show $sel (ip -j route show)" "$("$HAKO" -4 -j route show $sel | dsts)" \
		"$(ip -j route show $sel | dsts)"
done
check_fail "a bad prefix after root" 2 "'frob' is not a valid address" "$HAKO" route show root frob
check_fail "a prefix length too long" 2 "prefix length must be 0..32" "$HAKO" route show 10.0.0.0/33
check_fail "an unknown word" 2 "unknown keyword 'frob'" "$HAKO" route show frob
check "flush root 10.9.0.0/16" "$HAKO" route flush root 10.9.0.0/16
is "ip route: 10.9/16 and 10.9.5/24 gone, the rest stays" "$(ip -j route show | dsts)" \
	'["10.0.0.0/8","10.1.1.0/24","10.6.0.0/16","10.7.0.0/16","default"]'
