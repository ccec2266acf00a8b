#!/bin/bash
# hako's NAT for networks through the CLI (`hako network create`, containers on them):
# forwarding switched on once and said so, masquerade towards an upstream host (IPv4 and
# IPv6), --internal networks without a way out, no traffic between different networks, rules
# applied again without duplicates when a network's bridge went down, and `nft list ruleset`
# back to its original state (a foreign table untouched) once every network is removed.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

needs_kinds "nat masquerade" veth bridge
needs_nft "nat masquerade"

topo_init || { not_ok "topology"; exit 1; }
nft -f - <<'NFT'
table inet other {
	chain keep {
		type filter hook forward priority 10; policy accept;
		counter
	}
}
NFT
on_exit nft delete table inet other
before=$(nft -s list ruleset)
serve up tcp 7000 || exit 1

is "IPv4 forwarding off before any network" "$(cat /proc/sys/net/ipv4/ip_forward)" 0
net net0 0 v6 || { not_ok "net0 created"; exit 1; }
ok "net0 created"
is "forwarding switched on, and said so" "$(grep -c 'enabled IPv4 forwarding' "$TMPD/net.net0")" 1
is "ip_forward is on" "$(cat /proc/sys/net/ipv4/ip_forward)" 1
is "IPv6 forwarding on for the --ipv6 network" "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" 1
# (not through check: net registers its clean-up, which a subshell would lose)
net net1 1 v6 --internal && ok "net1 created (internal)" || not_ok "net1 created (internal)"
net net2 2 && ok "net2 created" || not_ok "net2 created"
is "forwarding already on: said only once" "$(cat "$TMPD/net.net1" "$TMPD/net.net2" | grep -c forwarding)" 0

# Baseline (the positive control for the refusals below): plain namespaces on bridges of the
# test's own, where no hako rule applies, reach each other, and the upstream, which has no
# route back, cannot answer them.
for n in 0 2; do
	ip link add "rawbr$n" type bridge && ip addr add "10.124.$n.1/24" dev "rawbr$n" && ip link set "rawbr$n" up
	nodad_ns "raw$n"
	ip link add "h-raw$n" type veth peer name eth0 netns "raw$n"
	ip link set "h-raw$n" master "rawbr$n" up
	nsx "raw$n" ip addr add "10.124.$n.2/24" dev eth0
	nsx "raw$n" ip link set eth0 up
	nsx "raw$n" ip route add default via "10.124.$n.1"
	on_exit ip link del "rawbr$n"
done
serve raw2 tcp 7003 || exit 1
expect_peer "baseline: bridges forward to each other without hako's rules" 10.124.0.2 raw0 tcp 10.124.2.2 7003
refuse "baseline: upstream cannot answer without masquerade" raw0 tcp 198.51.100.2 7000

ct ct0 net0 0 2 -- "tcp 7001" || { not_ok "ct0 started"; exit 1; }
ct ct1 net1 1 2 -- "tcp 7002" || { not_ok "ct1 started"; exit 1; }
ct ct2 net2 2 2 -- "tcp 7003" || { not_ok "ct2 started"; exit 1; }
topo_ready || { not_ok "topology ready for IPv6"; exit 1; }

expect_peer "upstream sees the masqueraded IPv4 source" 198.51.100.1 ct0 tcp 198.51.100.2 7000
expect_peer "upstream sees the masqueraded IPv6 source" fd00:51::1 ct0 tcp fd00:51::2 7000
expect_peer "second network masqueraded too" 198.51.100.1 ct2 tcp 198.51.100.2 7000
refuse "internal network cannot reach upstream (IPv4)" ct1 tcp 198.51.100.2 7000
refuse "internal network cannot reach upstream (IPv6)" ct1 tcp fd00:51::2 7000
refuse "net0 cannot reach net2" ct0 tcp 10.123.2.2 7003
refuse "net2 cannot reach net0" ct2 tcp 10.123.0.2 7001
refuse "net0 cannot reach the internal net1" ct0 tcp 10.123.1.2 7002
refuse "internal net1 cannot reach net0" ct1 tcp 10.123.0.2 7001
expect_peer "the host still reaches a container" 10.123.0.1 - tcp 10.123.0.2 7001
expect_peer "the host still reaches an internal container" 10.123.1.1 - tcp 10.123.1.2 7002
serve - tcp 7009 || exit 1
expect_peer "an internal container still reaches the host, its gateway" 10.123.1.2 ct1 tcp 10.123.1.1 7009

is "route_localnet set on the bridge" "$(cat /proc/sys/net/ipv4/conf/hk-net0/route_localnet)" 1
is "route_localnet not set on an internal bridge" "$(cat /proc/sys/net/ipv4/conf/hk-net1/route_localnet)" 0
is "route_localnet not set on all" "$(cat /proc/sys/net/ipv4/conf/all/route_localnet)" 0
is "the foreign table is untouched" "$(nft list table inet other | grep -c counter)" 1

n0=$(rules net0)
check "ct0 removed" h rm -f ct0
check "net0 removed" h network rm net0
is "no net0 rule left (there were $n0)" "$(rules net0)" 0
expect_peer "net2 unaffected by net0's removal" 198.51.100.1 ct2 tcp 198.51.100.2 7000
check_fail "removing it again: no such network" 5 "net0" h network rm net0

# A network whose bridge is down (as after a reboot) is applied again on its next use; the
# rules are replaced, not added twice.
n2=$(rules net2)
ip link set hk-net2 down
check "the next use of net2 applies it again" h run --rm --network net2 --rootfs "$R" -- true
is "the bridge is up again" "$(ip -o link show hk-net2 | grep -c ',UP')" 1
is "re-applying replaces the rules, not duplicates them" "$(rules net2)" "$n2"
expect_peer "and net2 masquerades as before" 198.51.100.1 ct2 tcp 198.51.100.2 7000

check "containers removed" h rm -f ct1 ct2
check "net1 and net2 removed" h network rm net1 net2
is "nft list ruleset is back to its original state" "$(nft -s list ruleset)" "$before"
is "hako's table is gone" "$(nft list tables | grep -c hako)" 0
