#!/bin/bash
# Published ports through the CLI (`hako run --network NET -p`): DNAT that keeps the client's
# address (TCP, UDP, IPv6), reachable from an upstream host, from the host itself on its own
# address, on the bridge address and on 127.0.0.1, from a container of the same network
# (hairpin, which hako sets on the bridge port) and of another network; ports bound to one
# host address; a container cannot reach the host's 127.0.0.1 services through
# route_localnet; exact removal per container (rm, disconnect), and the ruleset back to its
# original state.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

needs_kinds "nat ports" veth bridge
needs_nft "nat ports"

topo_init || { not_ok "topology"; exit 1; }
before=$(nft -s list ruleset)
net net0 0 v6 && ok "net0 created" || { not_ok "net0 created"; exit 1; }
net net2 2 && ok "net2 created" || { not_ok "net2 created"; exit 1; }
ct ct0 net0 0 2 -p 8080:80 -p 5353:5353/udp -- "tcp 80" "udp 5353" &&
	ok "ct0 runs with its ports published" || { not_ok "ct0 runs"; exit 1; }
ct ct0b net0 0 3 -p 198.51.100.1:8081:80 -p 127.0.0.1:8082:80 -- "tcp 80" &&
	ok "ct0b runs with ports bound to one address" || { not_ok "ct0b runs"; exit 1; }
ct ct2 net2 2 2 -- || { not_ok "ct2 runs"; exit 1; }
serve - tcp 9999 || exit 1
topo_ready || { not_ok "topology ready for IPv6"; exit 1; }
id0=$(ctid ct0)
id0b=$(ctid ct0b)

expect_peer "upstream reaches the port; the container sees the upstream's address" \
	198.51.100.2 up tcp 198.51.100.1 8080
expect_peer "UDP port, client address kept" 198.51.100.2 up udp 198.51.100.1 5353
expect_peer "IPv6 port, client address kept" fd00:51::2 up tcp fd00:51::1 8080
expect_peer "the host reaches it on 127.0.0.1 (masqueraded to the gateway)" 10.123.0.1 \
	- tcp 127.0.0.1 8080
expect_peer "the host reaches it on its own uplink address" 198.51.100.1 - tcp 198.51.100.1 8080
expect_peer "the host reaches it on the bridge address" 10.123.0.1 - tcp 10.123.0.1 8080
# With br_netfilter loaded (bridge-nf-call-iptables=1) the DNAT happens on the bridge and the
# frame must go back out of the port it came in: that needs hairpin mode on the container's
# port, which hako sets when it attaches a container (as Docker does).
is "hairpin mode on both container ports of the bridge" \
	"$(ip -d -o link show master hk-net0 | grep -c 'hairpin on')" 2
expect_peer "hairpin: the container reaches its own published port" 10.123.0.1 \
	ct0 tcp 198.51.100.1 8080
expect_peer "hairpin: a neighbour on the same network reaches it" 10.123.0.1 \
	ct0b tcp 198.51.100.1 8080
# It leaves its own network, so its network's masquerade applies (as with Docker).
expect_peer "a container of another network reaches it, masqueraded" 10.123.0.1 \
	ct2 tcp 198.51.100.1 8080
refuse "but not the container directly" ct2 tcp 10.123.0.2 80

expect_peer "port on the uplink address: reachable there" 198.51.100.2 up tcp 198.51.100.1 8081
refuse "port on the uplink address: not on the bridge address" - tcp 10.123.0.1 8081
expect_peer "port on 127.0.0.1: reachable there" 10.123.0.1 - tcp 127.0.0.1 8082
refuse "port on 127.0.0.1: not from upstream" up tcp 198.51.100.1 8082

# CVE-2020-8558: with route_localnet on the bridge, a container must still not reach the
# host's loopback services by sending to 127.0.0.x through its gateway. The attacker's
# routes are set from outside, in the container's namespace (/run/netns/ct0), with every
# privilege a container could not have; the positive control: the host's service answers
# on 127.0.0.1 from the host itself.
expect_peer "the host's 127.0.0.1 service answers the host" 127.0.0.1 - tcp 127.0.0.1 9999
if nsx ct0 ip route del 127.0.0.0/8 dev lo table local 2>/dev/null &&
	nsx ct0 sysctl -qw net.ipv4.conf.eth0.route_localnet=1 net.ipv4.conf.all.route_localnet=1 &&
	nsx ct0 ip route add 127.0.0.5/32 via 10.123.0.1 dev eth0 src 10.123.0.2; then
	refuse "a container cannot reach the host's 127.0.0.5 through route_localnet" \
		ct0 tcp 127.0.0.5 9999
else
	skip "a container cannot reach the host's loopback" "could not route 127/8 out of ct0"
fi

# tcp 8080 and udp 5353, each for IPv4 and IPv6, in prerouting and output
is "ct0's ports are in the ruleset" "$(rules net0 "$id0")" 8
check "ct0 removed" h rm -f ct0
refuse "upstream no longer reaches the removed port" up tcp 198.51.100.1 8080
refuse "nor does the host on 127.0.0.1" - tcp 127.0.0.1 8080
is "ct0 has no rule left" "$(rules net0 "$id0")" 0
is "ct0b's ports are still there" "$(rules net0 "$id0b")" 4
expect_peer "and still work" 198.51.100.2 up tcp 198.51.100.1 8081
check "ct0b disconnected from net0" h network disconnect net0 ct0b
is "its ports went with the attachment" "$(rules net0 "$id0b")" 0
refuse "ct0b's port no longer answers" up tcp 198.51.100.1 8081
check "everything removed" h rm -f ct0b ct2
check "networks removed" h network rm net0 net2
is "no rule of net0 left" "$(rules net0)" 0
is "nft list ruleset is back to its original state" "$(nft -s list ruleset)" "$before"
