#!/bin/bash
# addr show's selectors, differentially against ip address show on the same addresses:
# up, scope S|all, to PREFIX, label PATTERN and the CONFFLAGs (permanent, dynamic, primary,
# secondary, temporary, [-]nodad, noprefixroute, ...); -br (text and -j) picks the devices
# ip -br picks and prints a peer as ip does (LOCAL peer PEER/LEN, JSON address); addr flush
# with a selector deletes only what it selects.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add as0 type veth peer name as1
ip link add as2 type veth peer name as3
for d in as0 as1 as2 as3; do ip link set "$d" addrgenmode none; done
ip link set as0 up
ip link set as1 up
ip addr add 10.1.1.1/24 dev as0 label as0:1
ip addr add 10.1.1.2/24 dev as0
ip addr add 10.1.2.1/24 brd + dev as0 valid_lft 100 preferred_lft 50
ip addr add 10.1.3.1 peer 10.1.3.2 dev as0
ip addr add 10.2.0.1/16 dev as1 label as1:x
ip addr add 2001:db8::1/64 dev as0 nodad
ip addr add 2001:db8:1::1/64 dev as0 nodad noprefixroute
ip addr add 2001:db8:2::1/64 dev as1 nodad
ip addr add 10.3.0.1/16 dev as2 # as2 is down: up leaves it out
# the addresses (local) ip -j lists with the selectors, and hako's flat array's
ipl() { ip -j addr show "$@" | jq -c '[.[] | .addr_info[]? | select(.local) | .local] | sort'; }
hkl() { "$HAKO" -j addr show "$@" | jq -c '[.[].local] | sort'; }
for sel in "" "scope global" "scope link" "scope host" "scope all" "to 10.1.0.0/16" \
	"to 10.1.1.2" "to 2001:db8::/32" "label as0:*" "label as1*" "label as0" "as0 label as0*" \
	"permanent" "dynamic" "primary" "secondary" "temporary" "nodad" "-nodad" "noprefixroute" \
	"dev as0 scope global primary" "deprecated" "-deprecated" "home" "up" "up scope global" \
	"dev as2 up"; do
	# shellcheck disable=SC2086
	is "addr show $sel (ip -j addr show)" "$(hkl $sel)" "$(ipl $sel)"
done
# -br: the same lines as ip -br, for selectors ip's brief output handles (not label)
for sel in "" "scope global" "scope link" "to 10.1.0.0/16" "to 2001:db8::/32" "dynamic" "dev as0" \
	"up" "up scope global"; do
	# shellcheck disable=SC2086
	is "-br addr show $sel (ip -br)" "$("$HAKO" -br addr show $sel)" "$(ip -br addr show $sel)"
done
# ip -br -j leaves an empty object for each address it filtered out: compare without them
brj() { jq -c 'map(.addr_info |= map(select(.local)))'; }
for sel in "" "scope global" "to 10.1.0.0/16"; do
	# shellcheck disable=SC2086
	is "-br -j addr show $sel (ip -br -j)" "$("$HAKO" -br -j addr show $sel | brj)" \
		"$(ip -br -j addr show $sel | brj)"
done
is "-br -4: only devices with an IPv4 address (ip -br -4)" "$("$HAKO" -4 -br addr)" "$(ip -4 -br addr)"
check_fail "a bad scope" 2 "scope 'frob'" "$HAKO" addr show scope frob
check_fail "a bad prefix" 2 "'frob' is not a valid address" "$HAKO" addr show to frob
check "flush dev as0 secondary" "$HAKO" addr flush dev as0 secondary
is "ip: the secondary gone, the primaries stay" "$(ipl dev as0 scope global)" \
	'["10.1.1.1","10.1.2.1","10.1.3.1","2001:db8:1::1","2001:db8::1"]'
check "flush dev as0 -6 scope global" "$HAKO" addr flush dev as0 -6 scope global
is "ip: IPv6 gone, IPv4 stays" "$(ipl dev as0)" '["10.1.1.1","10.1.2.1","10.1.3.1"]'
