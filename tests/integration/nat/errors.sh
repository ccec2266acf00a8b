#!/bin/bash
# Bad input to the NAT library changes nothing: names that could break out of nft's
# language, prefixes with host bits, bad ports, ::1, a missing bridge. Also the -N path
# (operating on another namespace from outside it) and hk_nat_clear.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

needs_kinds "nat errors" bridge
needs_nft "nat errors"
ip netns add host
on_exit ip netns del host
nsx host ip link add hkbr0 type bridge
before=$(nsx host nft -s list ruleset)

check_fail "a quote in a bridge name is refused" 2 "character '\"' is not supported" \
	drv net-add n1 'br"x' v4 10.0.0.0/24
check_fail "a wildcard bridge name is refused" 2 "character '\*'" drv net-add n1 'br*' v4 10.0.0.0/24
check_fail "a too long bridge name is refused" 2 "at most 15" drv net-add n1 abcdefghijklmnop
check_fail "a network name with ':' is refused" 2 "only letters, digits" drv net-add 'a:b' hkbr0
check_fail "a network name with a quote is refused" 2 "only letters, digits" drv net-add 'a"b' hkbr0
check_fail "a subnet with host bits is refused" 2 "host bits" drv net-add n1 hkbr0 v4 10.0.0.1/24
check_fail "a missing bridge is reported" 5 "bridge 'nope' does not exist" drv net-add n1 nope v4 10.0.0.0/24
check_fail "::1 cannot be published" 2 "::1 cannot be forwarded" \
	drv ports-add n1 c1 tcp,::1,8080,fd00::2,80
check_fail "mixed families are refused" 2 "differ in family" drv ports-add n1 c1 tcp,10.0.0.1,8080,fd00::2,80
check_fail "an unknown protocol is refused" 2 "tcp or udp" drv ports-add n1 c1 sctp,-,8080,10.0.0.2,80
check_fail "an owner with ':' is refused" 2 "port owner" drv ports-add n1 'c:1' tcp,-,8080,10.0.0.2,80
check_fail "an unspecified container address is refused" 2 "unspecified" drv ports-add n1 c1 tcp,-,8080,0.0.0.0,80
is "nothing changed after bad input" "$(nsx host nft -s list ruleset)" "$before"
is "route_localnet untouched" "$(nsx host cat /proc/sys/net/ipv4/conf/hkbr0/route_localnet)" 0

check "removing from a missing table is fine" drv ports-del n1 c1
check "operating on a namespace from outside (-N)" "$D" -N host net-add n1 hkbr0 v4 10.0.0.0/24
is "the rules landed in that namespace" "$(nsx host nft list tables | grep -c 'inet hako')" 1
is "and not in the test's own" "$(nft list tables | grep -c 'inet hako')" 0
is "route_localnet set in that namespace" "$(nsx host cat /proc/sys/net/ipv4/conf/hkbr0/route_localnet)" 1
check "ports added from outside" "$D" -N host ports-add n1 c1 tcp,-,80,10.0.0.2,80
check "clear removes hako's table" "$D" -N host clear
is "the ruleset is back" "$(nsx host nft -s list ruleset)" "$before"
check "clear without a table is fine" "$D" -N host clear
