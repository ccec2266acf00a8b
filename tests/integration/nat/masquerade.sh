#!/bin/bash
# hako's NAT for networks (src/lib/network/nat.c through tests/tools/nat_driver): masquerade towards
# an upstream host (IPv4 and IPv6), --internal networks without a way out, no traffic between
# different networks, idempotent re-adding, and `nft list ruleset` back to its original state
# (a foreign table untouched) once every network is removed.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

needs_kinds "nat masquerade" veth bridge
needs_nft "nat masquerade"

topo_init || { not_ok "topology"; exit 1; }
for n in 0 1 2; do topo_bridge "hkbr$n" $n; topo_ct "ct$n" "hkbr$n" $n 2; done
topo_ready || { not_ok "topology ready for IPv6"; exit 1; }
nsx host nft -f - <<'NFT'
table inet other {
	chain keep {
		type filter hook forward priority 10; policy accept;
		counter
	}
}
NFT
before=$(nsx host nft -s list ruleset)

is "forwarding switched on" "$(drv forward 4)" changed
is "forwarding already on" "$(drv forward 4)" unchanged
drv forward 6 >/dev/null
serve up tcp 7000 || exit 1
for n in 0 1 2; do serve "ct$n" tcp 700$((n + 1)) || exit 1; done
expect_peer "baseline: bridges forward to each other before hako's rules" 10.123.0.2 ct0 tcp 10.123.2.2 7003
refuse "baseline: upstream cannot answer without masquerade" ct0 tcp 198.51.100.2 7000

check "net0 added" drv net-add net0 hkbr0 v4 10.123.0.0/24 v6 fd68:616b:6f00::/64
check "net1 added (internal)" drv net-add net1 hkbr1 v4 10.123.1.0/24 v6 fd68:616b:6f00:1::/64 internal
check "net2 added" drv net-add net2 hkbr2 v4 10.123.2.0/24
expect_peer "upstream sees the masqueraded IPv4 source" 198.51.100.1 ct0 tcp 198.51.100.2 7000
expect_peer "upstream sees the masqueraded IPv6 source" fd00:51::1 ct0 tcp fd00:51::2 7000
expect_peer "second network masqueraded too" 198.51.100.1 ct2 tcp 198.51.100.2 7000
refuse "internal network cannot reach upstream (IPv4)" ct1 tcp 198.51.100.2 7000
refuse "internal network cannot reach upstream (IPv6)" ct1 tcp fd00:51::2 7000
refuse "net0 cannot reach net2" ct0 tcp 10.123.2.2 7003
refuse "net2 cannot reach net0" ct2 tcp 10.123.0.2 7001
refuse "net0 cannot reach the internal net1" ct0 tcp 10.123.1.2 7002
refuse "internal net1 cannot reach net0" ct1 tcp 10.123.0.2 7001
expect_peer "the host still reaches a container" 10.123.0.1 host tcp 10.123.0.2 7001
expect_peer "the host still reaches an internal container" 10.123.1.1 host tcp 10.123.1.2 7002

is "route_localnet set on the bridge" "$(nsx host cat /proc/sys/net/ipv4/conf/hkbr0/route_localnet)" 1
is "route_localnet not set on an internal bridge" "$(nsx host cat /proc/sys/net/ipv4/conf/hkbr1/route_localnet)" 0
is "route_localnet not set on all" "$(nsx host cat /proc/sys/net/ipv4/conf/all/route_localnet)" 0

n1=$(drv list | grep -c ' net0 -$')
check "re-adding a network succeeds" drv net-add net0 hkbr0 v4 10.123.0.0/24 v6 fd68:616b:6f00::/64
is "re-adding replaces, not duplicates" "$(drv list | grep -c ' net0 -$')" "$n1"
is "the foreign table is untouched" "$(nsx host nft list table inet other | grep -c counter)" 1

check "net0 removed" drv net-del net0 hkbr0
refuse "no masquerade once net0 is gone" ct0 tcp 198.51.100.2 7000
expect_peer "net2 unaffected by net0's removal" 198.51.100.1 ct2 tcp 198.51.100.2 7000
is "no net0 rule left" "$(drv list | grep -c ' net0 ')" 0
check "removing it again is not an error" drv net-del net0 hkbr0
check "net1 removed" drv net-del net1 hkbr1
check "net2 removed" drv net-del net2 hkbr2
is "nft list ruleset is back to its original state" "$(nsx host nft -s list ruleset)" "$before"
is "hako's table is gone" "$(nsx host nft list tables | grep -c hako)" 0
