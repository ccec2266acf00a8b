#!/bin/bash
# The seed's network scenarios as lab files: two namespaces joined by a veth (document 2),
# three namespaces on a bridge (document 3). Checked with ip -j and ping; after destroy,
# namespaces, links, mounts and the state DB are exactly as before.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
h lab ls >/dev/null # the state DB exists before the "before" snapshot
before=$(snapshot)

# --- two namespaces and a veth
check "deploy seed-veth.yml" h lab deploy "$FX/seed-veth.yml"
is "both namespaces exist" "$(ip netns list | awk '{print $1}' | grep '^seed1-' | sort | xargs)" \
	"seed1-ns01 seed1-ns02"
is "ns01's veth0 has 192.168.0.1/24" \
	"$(ip -n seed1-ns01 -j -4 addr show veth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" \
	192.168.0.1/24
is "veth0 of ns01 is a veth whose peer is in seed1-ns02" \
	"$(ip -n seed1-ns01 -j -d link show veth0 | jq -r '.[0].linkinfo.info_kind')" veth
is "lo is up in ns01" "$(ip -n seed1-ns01 -j link show lo | jq -r '.[0].flags | index("UP") != null')" true
check "ns01 pings ns02" nsx seed1-ns01 ping -c 2 -W 2 -i 0.2 192.168.0.2
check "no IPv6 link-local on a lab link without IPv6 (no DAD, RS, MLD)" no_ll seed1-ns01 veth0
is "lab ls -j names it running" "$(h -j lab ls | jq -r '.[] | select(.name == "seed1") | .state')" running
is "lab inspect -j: ns02's veth0 address" \
	"$(h -j lab inspect seed1 | jq -r '.[] | select(.node == "ns02") | .addresses[0]')" 192.168.0.2/24
is "lab exec runs in the node's namespace" \
	"$(h lab exec seed1 ns02 -- ip -j addr show veth0 | jq -r '.[0].addr_info[0].local')" 192.168.0.2

# --- three namespaces on a bridge
check "deploy seed-bridge.yml" h lab deploy "$FX/seed-bridge.yml"
is "three ports on br0" \
	"$(ip -n seed2-br0 -j link show master br0 | jq -r '[.[].ifname] | sort | join(",")')" p0,p1,p2
for i in 1 2 3; do
	check "net0 pings 10.0.0.$i across the bridge" nsx seed2-net0 ping -c 1 -W 2 10.0.0.$i
done
check "net2 pings net1" nsx seed2-net2 ping -c 1 -W 2 10.0.0.2
check "no IPv6 link-local on the bridge" no_ll seed2-br0 br0
dot_has() { h lab graph seed2 | grep -q '"net1" -- "br0"'; }
check "lab graph draws the bridge (dot)" dot_has
mermaid() { h lab graph seed2 --format mermaid | grep -q '^graph LR'; }
check "lab graph --format mermaid" mermaid
if command -v dot >/dev/null; then
	svg_nodes() { h lab graph seed2 --format svg | grep -c 'class="node"'; }
	is "lab graph --format svg (Graphviz): four nodes drawn" "$(svg_nodes)" 4
else
	check_fail "lab graph --format svg without Graphviz: exit 3" 3 "needs Graphviz's 'dot'" \
		h lab graph seed2 --format svg
fi
saved() { h lab save seed2 | cmp - "$FX/seed-bridge.yml"; }
check "lab save gives back the file" saved

# IPv6 where the file asks for it: the interface keeps its link-local address
f6=$(lab_file v6 <<'EOF2'
name: v6
topology:
  defaults: {kind: netns}
  nodes:
    a:
      interfaces:
        eth0: {ipv6: "2001:db8::1/64"}
        eth1: {ipv4: 10.61.0.1/24}
    b:
      interfaces:
        eth0: {addresses: ["2001:db8::2/64", 10.60.0.2/24]}
    c:
      interfaces:
        eth1: {ipv4: 10.61.0.2/24}
  links:
    - endpoints: ["a:eth0", "b:eth0"]
    - endpoints: ["a:eth1", "c:eth1"]
EOF2
)
check "deploy a lab with IPv6 addresses" h lab deploy -q "$f6"
check "a pings b over IPv6" nsx v6-a ping -6 -c 1 -W 3 2001:db8::2
is "a:eth0 (IPv6) has a link-local address" \
	"$(ip -n v6-a -j -6 addr show dev eth0 | jq -r '[.[].addr_info[] | select(.scope == "link")] | length')" 1
check "a:eth1 (IPv4 only) has no IPv6 address" no_ll v6-a eth1
check "a pings c over IPv4" nsx v6-a ping -c 1 -W 2 10.61.0.2
check "destroy v6" h lab destroy v6

# A 100-node star: from 64 namespaces up, a thread makes them while the links and node
# batches of those already made go to the kernel
star=$(
	{
		echo "name: star"
		echo "topology:"
		echo "  nodes:"
		echo "    br0: {kind: bridge}"
		for i in $(seq 1 100); do echo "    s$i: {kind: netns, interfaces: {eth0: {ipv4: 10.70.0.$i/24}}}"; done
		echo "  links:"
		for i in $(seq 1 100); do echo "    - endpoints: [\"s$i:eth0\", \"br0:p$i\"]"; done
	} | lab_file star
)
check "deploy a 100-node star" h lab deploy -q "$star"
is "100 ports on br0" "$(ip -n star-br0 -j link show master br0 | jq length)" 100
is "every node's eth0 up with its address (s1, s50, s100)" \
	"$(for i in 1 50 100; do ip -n star-s$i -j -4 addr show eth0 up | jq -r '.[0].addr_info[0].local'; done | xargs)" \
	"10.70.0.1 10.70.0.50 10.70.0.100"
check "s1 pings s100 across the bridge" nsx star-s1 ping -c 1 -W 2 10.70.0.100
check "no IPv6 link-local on s100's eth0" no_ll star-s100 eth0
is "s100's eth0: addrgenmode none" \
	"$(ip -n star-s100 -d -j link show eth0 | jq -r '.[0].inet6_addr_gen_mode')" none
check "no IPv6 link-local on a bridge port" no_ll star-br0 p100
check "destroy the star" h lab destroy star

check "destroy seed1 by name" h lab destroy seed1
check "destroy seed2 by file" h lab destroy "$FX/seed-bridge.yml"
as_before "after destroy: namespaces, links, mounts, state DB, nft as before"
check_fail "destroy of a lab that is gone: exit 5" 5 "no such lab: seed1" h lab destroy seed1
