#!/bin/bash
# Bad input to hako's networks and published ports changes nothing: network names that could
# break out of nft's language, subnets with host bits, ::1, an unknown protocol, port 0 (each
# next to a good one that works). Removing a network whose nft table is gone is fine; hako run
# in another namespace puts its rules there and nowhere else. (The library's checks no
# command can reach, bridge names and port owners, are in tests/unit/test_nat.c.)
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
. "$HAKO_SRC/tests/integration/network/needs.inc"
nsx() { ip netns exec "$@"; }

needs_kinds "nat errors" bridge
needs_nft "nat errors"
before=$(nft -s list ruleset)
links() { ip -o link show | grep -c ' hk-'; }

check_fail "a network name with ':' is refused" 2 "only letters, digits" h network create 'a:b'
check_fail "a network name with a quote is refused" 2 "only letters, digits" h network create 'a"b'
check_fail "a subnet with host bits is refused" 2 "host bits" h network create --subnet 10.0.0.1/24 n1
is "nothing changed after bad input (nft)" "$(nft -s list ruleset)" "$before"
is "no bridge made" "$(links)" 0
is "no network recorded" "$(h network ls -q | wc -l)" 0
check "the same network with a good name and subnet is made" \
	h network create --subnet 10.0.0.0/24 --ipv6 --subnet fd00:1::/64 n1
on_exit h network rm n1
is "route_localnet set on its bridge" "$(cat /proc/sys/net/ipv4/conf/hk-n1/route_localnet)" 1

ruled=$(nft -s list ruleset)
run() { h run --rm --network n1 --rootfs "$R" "$@" -- true; }
check_fail "::1 cannot be published" 125 "::1 cannot be forwarded" run -p '[::1]:8080:80'
check_fail "an unknown protocol is refused" 125 "protocol must be tcp or udp" run -p 8080:80/sctp
check_fail "container port 0 is refused" 125 "container port 0 is out of range" run -p 8080:0
# an IPv6 host address on an IPv4-only network: refused, not a port listed with no rule
h network create --subnet 10.0.9.0/24 n4 >/dev/null
check_fail "an IPv6 host address on an IPv4-only network is refused" 125 \
	"network 'n4' gives the container no address of that host address's family" \
	h run --rm --network n4 -p '[fd00::1]:8080:80' --rootfs "$R" -- true
is "and nothing of it is left (hako ps -a)" "$(h ps -a -q | wc -l)" 0
h network rm n4 >/dev/null
is "nothing changed after bad ports" "$(nft -s list ruleset)" "$ruled"
is "no container left" "$(h ps -a -q | wc -l)" 0
check "a good port on 127.0.0.1 is published" h run -d --name good --network n1 -p 127.0.0.1:8080:80 --rootfs "$R" -- sleep 100
is "its DNAT rules are there" "$(nft list table inet hako | grep -c 'ip daddr 127.0.0.1 tcp dport 8080 dnat')" 2
check "its container removed" h rm -f good
is "and its rules with it" "$(nft -s list ruleset)" "$ruled"

nft delete table inet hako
check "removing a network whose nft table is gone is fine" h network rm n1
is "the ruleset is back" "$(nft -s list ruleset)" "$before"
is "the bridge is gone" "$(links)" 0

# hako run in another namespace: the rules land there, not in the test's own
ip netns add other
on_exit ip netns del other
nsx other ip link set lo up
ho() { nsx other "$HAKO" --root "$HAKO_TEST_TMP/root-other" "$@"; }
check "a network made by hako in another namespace" ho network create --subnet 10.0.0.0/24 n2
is "the rules landed in that namespace" "$(nsx other nft list tables | grep -c 'inet hako')" 1
is "and not in the test's own" "$(nft list tables | grep -c 'inet hako')" 0
is "route_localnet set in that namespace" "$(nsx other cat /proc/sys/net/ipv4/conf/hk-n2/route_localnet)" 1
check "removed there" ho network rm n2
is "that namespace's ruleset is empty again" "$(nsx other nft -s list ruleset)" ""
