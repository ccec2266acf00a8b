#!/bin/bash
# Published ports (src/lib/network/nat.c through tests/tools/nat_driver): DNAT that keeps the
# client's address (TCP, UDP, IPv6), reachable from an upstream host, from the host itself on
# its own address, on the bridge address and on 127.0.0.1, from a container of the same
# network (hairpin) and of another network; ports bound to one host address; a container
# cannot reach the host's 127.0.0.1 services through route_localnet; exact removal per owner
# and per network, and the ruleset back to its original state.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

needs_kinds "nat ports" veth bridge
needs_nft "nat ports"

topo_init || { not_ok "topology"; exit 1; }
topo_bridge hkbr0 0
topo_bridge hkbr2 2
topo_ct ct0 hkbr0 0 2
topo_ct ct0b hkbr0 0 3
topo_ct ct2 hkbr2 2 2
topo_ready || { not_ok "topology ready for IPv6"; exit 1; }
before=$(nsx host nft -s list ruleset)
drv forward 4 >/dev/null
drv forward 6 >/dev/null
check "net0 added" drv net-add net0 hkbr0 v4 10.123.0.0/24 v6 fd68:616b:6f00::/64
check "net2 added" drv net-add net2 hkbr2 v4 10.123.2.0/24
serve ct0 tcp 80 || exit 1
serve ct0 udp 5353 || exit 1
serve ct0b tcp 80 || exit 1
serve host tcp 9999 || exit 1

check "ports of ct0 published" drv ports-add net0 ct0 tcp,-,8080,10.123.0.2,80 \
	udp,-,5353,10.123.0.2,5353 tcp,-,8080,fd68:616b:6f00::2,80
expect_peer "upstream reaches the port; the container sees the upstream's address" \
	198.51.100.2 up tcp 198.51.100.1 8080
expect_peer "UDP port, client address kept" 198.51.100.2 up udp 198.51.100.1 5353
expect_peer "IPv6 port, client address kept" fd00:51::2 up tcp fd00:51::1 8080
expect_peer "the host reaches it on 127.0.0.1 (masqueraded to the gateway)" 10.123.0.1 \
	host tcp 127.0.0.1 8080
expect_peer "the host reaches it on its own uplink address" 198.51.100.1 host tcp 198.51.100.1 8080
expect_peer "the host reaches it on the bridge address" 10.123.0.1 host tcp 10.123.0.1 8080
# With br_netfilter loaded (bridge-nf-call-iptables=1) the DNAT happens on the bridge and the
# frame must go back out of the port it came in: that needs hairpin mode on the container's
# port, which whoever attaches containers sets (as Docker does). Without br_netfilter the
# packet is routed and comes back from the bridge device, hairpin or not.
nsx host ip link set h-ct0 type bridge_slave hairpin on
expect_peer "hairpin: the container reaches its own published port" 10.123.0.1 \
	ct0 tcp 198.51.100.1 8080
expect_peer "hairpin: a neighbour on the same network reaches it" 10.123.0.1 \
	ct0b tcp 198.51.100.1 8080
# It leaves its own network, so its network's masquerade applies (as with Docker).
expect_peer "a container of another network reaches it, masqueraded" 10.123.0.1 \
	ct2 tcp 198.51.100.1 8080
refuse "but not the container directly" ct2 tcp 10.123.0.2 80

check "ports bound to one address" drv ports-add net0 ct0b tcp,198.51.100.1,8081,10.123.0.3,80 \
	tcp,127.0.0.1,8082,10.123.0.3,80
expect_peer "port on the uplink address: reachable there" 198.51.100.2 up tcp 198.51.100.1 8081
refuse "port on the uplink address: not on the bridge address" host tcp 10.123.0.1 8081
expect_peer "port on 127.0.0.1: reachable there" 10.123.0.1 host tcp 127.0.0.1 8082
refuse "port on 127.0.0.1: not from upstream" up tcp 198.51.100.1 8082

# CVE-2020-8558: with route_localnet on the bridge, a container must still not reach the
# host's loopback services by sending to 127.0.0.x through its gateway.
if nsx ct0 ip route del 127.0.0.0/8 dev lo table local 2>/dev/null &&
	nsx ct0 sysctl -qw net.ipv4.conf.eth0.route_localnet=1 net.ipv4.conf.all.route_localnet=1 &&
	nsx ct0 ip route add 127.0.0.5/32 via 10.123.0.1 dev eth0 src 10.123.0.2; then
	refuse "a container cannot reach the host's 127.0.0.5 through route_localnet" \
		ct0 tcp 127.0.0.5 9999
else
	skip "a container cannot reach the host's loopback" "could not route 127/8 out of ct0"
fi

check "ct0's ports removed" drv ports-del net0 ct0
refuse "upstream no longer reaches the removed port" up tcp 198.51.100.1 8080
refuse "nor does the host on 127.0.0.1" host tcp 127.0.0.1 8080
is "ct0 has no rule left" "$(drv list | grep -c ' net0 ct0$')" 0
is "ct0b's ports are still there" "$(drv list | grep -c ' net0 ct0b$')" 4
expect_peer "and still work" 198.51.100.2 up tcp 198.51.100.1 8081
check "net0 removed (with the ports on it)" drv net-del net0 hkbr0
is "no rule of net0 left" "$(drv list | grep -c ' net0 ')" 0
refuse "ct0b's port went with its network" up tcp 198.51.100.1 8081
check "net2 removed" drv net-del net2 hkbr2
is "nft list ruleset is back to its original state" "$(nsx host nft -s list ruleset)" "$before"
