#!/bin/bash
# The management network of labs with containers (containerlab's mgmt): a hako bridge
# network per lab, each linux node's eth0 on it with an address from hako's IPAM (or the
# file's mgmt-ipv4/mgmt-ipv6), reached from the host; two labs side by side get distinct
# subnets; a pinned address outside the subnet or taken is bad input (FILE:LINE:COLUMN,
# exit 2, nothing made); destroy — also after kill -9 — leaves everything as before.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
. "$HAKO_SRC/tests/integration/container/common.inc" # $R: a busybox rootfs; h with $ROOT
h lab ls >/dev/null
before=$(snapshot)
# lab_two NAME [MGMT-YAML] [NODE-A-EXTRA]: two linux nodes a, b on a veth, and a netns node
lab_two() {
	lab_file "$1" <<EOF2
name: $1
${2:-}
topology:
  kinds:
    linux: {rootfs: $R, cmd: sleep 2147483647}
  nodes:
    a: {kind: linux${3:+, $3}}
    b: {kind: linux, interfaces: {eth1: {ipv4: 10.9.0.2/24}}}
    c: {kind: netns, interfaces: {eth1: {ipv4: 10.9.1.2/24}}}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["a:eth2", "c:eth1"]
EOF2
}
f1=$(lab_two m1)
check "deploy m1 (two linux nodes, one netns node)" h lab deploy -q "$f1"
j=$(h -j lab inspect m1)
a1=$(jq -r '[.[] | select(.node == "a")][0].mgmt_ipv4' <<<"$j")
b1=$(jq -r '[.[] | select(.node == "b")][0].mgmt_ipv4' <<<"$j")
is "inspect: the netns node has no management address" \
	"$(jq -r '[.[] | select(.node == "c")][0].mgmt_ipv4' <<<"$j")" null
net1=$(h -j network ls | jq -r '.[] | select(.name == "m1-mgmt") | .subnet')
ok_if() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
ok_if "network m1-mgmt exists with a subnet ($net1)" '[ -n "$net1" ]'
for n in a b; do
	addr=$(ip -n "m1-$n" -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')
	want=$(jq -r "[.[] | select(.node == \"$n\")][0].mgmt_ipv4" <<<"$j")
	is "m1 node $n: eth0 (ip -j) has inspect's address $want" "${addr%/*}" "$want"
	check "m1 node $n: the host pings $want" ping -c 1 -W 2 "$want"
	is "m1 node $n: default route via the network's gateway" \
		"$(ip -n "m1-$n" -j route show default | jq -r '.[0].dev')" eth0
done
ok_if "m1: a and b have distinct addresses ($a1, $b1)" '[ "$a1" != "$b1" ]'
is "m1: eth0 of a is the peer of a host veth on the network's bridge" \
	"$(ip -j link show master "$(h -j network ls | jq -r '.[] | select(.name == "m1-mgmt") | .bridge')" | jq length)" 2
is "inspect table shows the address in MGMT" \
	"$(h lab inspect m1 | awk 'NR > 1 && $1 == "a" {print $NF; exit}')" "$a1"
check "a container reaches the other over the management network" \
	h lab exec m1 a -- ping -c 1 -W 2 "$b1"

# a second lab beside it: another network, another subnet
f2=$(lab_two m2)
check "deploy m2 beside m1" h lab deploy -q "$f2"
net2=$(h -j network ls | jq -r '.[] | select(.name == "m2-mgmt") | .subnet')
ok_if "m1 and m2 have distinct subnets ($net1, $net2)" '[ -n "$net2" ] && [ "$net1" != "$net2" ]'
a2=$(h -j lab inspect m2 | jq -r '[.[] | select(.node == "a")][0].mgmt_ipv4')
check "the host pings m2's node a ($a2)" ping -c 1 -W 2 "$a2"

# the file's own network, subnets and pinned addresses
f3=$(lab_two m3 "mgmt: {network: m3net, ipv4-subnet: 10.77.0.0/24, ipv6-subnet: 'fd00:77::/64'}" \
	"mgmt-ipv4: 10.77.0.10, mgmt-ipv6: 'fd00:77::10'")
check "deploy m3 (mgmt.network, subnets, mgmt-ipv4/ipv6)" h lab deploy -q "$f3"
is "m3 node a: eth0 has 10.77.0.10/24 (ip -j)" \
	"$(ip -n m3-a -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" 10.77.0.10/24
is "m3 node a: eth0 has fd00:77::10/64 (ip -j)" \
	"$(ip -n m3-a -j -6 addr show dev eth0 scope global | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" fd00:77::10/64
is "inspect -j: mgmt_ipv4, mgmt_ipv6 of a" \
	"$(h -j lab inspect m3 | jq -r '[.[] | select(.node == "a")][0] | "\(.mgmt_ipv4) \(.mgmt_ipv6)"')" \
	"10.77.0.10 fd00:77::10"
check "the host pings 10.77.0.10" ping -c 1 -W 2 10.77.0.10
check "the host pings fd00:77::10" ping -6 -c 1 -W 2 fd00:77::10

# bad input: exit 2, FILE:LINE:COLUMN, nothing made
mid=$(snapshot)
bad() { # DESC MSG MGMT-YAML NODE-A-EXTRA
	local f
	f=$(lab_two bad "$3" "$4")
	check_fail "$1: exit 2" 2 "$2" h lab deploy "$f"
	is "$1: nothing made" "$(snapshot)" "$mid"
}
bad "mgmt-ipv4 outside mgmt.ipv4-subnet" "bad.yml:7:33: node 'a': mgmt-ipv4 10.78.0.1: address 10.78.0.1 is not inside subnet 10.77.0.0/24" \
	"mgmt: {network: badnet, ipv4-subnet: 10.77.0.0/24}" "mgmt-ipv4: 10.78.0.1"
bad "mgmt-ipv4 the gateway" "bad.yml:7:33: node 'a': mgmt-ipv4 10.77.0.1: address 10.77.0.1 is the gateway" \
	"mgmt: {network: badnet, ipv4-subnet: 10.77.0.0/24}" "mgmt-ipv4: 10.77.0.1"
bad "mgmt-ipv4 taken on a network joined (m1's node a's)" "bad.yml:7:33: node 'a': mgmt-ipv4 $a1: address $a1 is already in use" \
	"mgmt: {network: m1-mgmt}" "mgmt-ipv4: $a1"
bad "mgmt-ipv4 without a subnet to take it from" "bad.yml:7:33: node 'a': mgmt-ipv4 10.1.2.3: the management network 'bad-mgmt' has no IPv4 subnet" \
	"" "mgmt-ipv4: 10.1.2.3"
bad "mgmt.ipv4-subnet overlapping another network" "bad.yml:2:38: mgmt.ipv4-subnet overlaps network 'm3net'" \
	"mgmt: {network: badnet, ipv4-subnet: 10.77.0.0/16}" ""
bad "mgmt-ipv4 on a node with network-mode: none" "bad.yml:7:33: node 'a': only a linux node on the management network" \
	"" "mgmt-ipv4: 10.1.2.3, network-mode: none"
f=$(lab_file bad <<EOF2
name: bad
topology:
  nodes:
    a: {kind: linux, rootfs: $R}
    b: {kind: linux, rootfs: $R, mgmt-ipv4: 10.5.0.9}
    c: {kind: linux, rootfs: $R, mgmt-ipv4: 10.5.0.9}
  links:
    - endpoints: ["a:eth0", "b:eth1"]
EOF2
)
check_fail "a linux node's eth0 on a link: exit 2" 2 "bad.yml:8:19: node 'a': eth0 is a linux node's management interface" \
	h lab deploy "$f"
sed -i 's/a:eth0/a:eth1/' "$f"
check_fail "the same mgmt-ipv4 on two nodes: exit 2" 2 "bad.yml:6:[0-9]+: node 'c': mgmt-ipv4 10.5.0.9: already another node's" \
	h lab deploy "$f"
is "after the bad files, nothing made" "$(snapshot)" "$mid"

# network-mode: none: no management interface
f4=$(lab_two m4 "" "network-mode: none")
check "deploy m4 (a: network-mode none)" h lab deploy -q "$f4"
is "m4 node a has no eth0" "$(ip -n m4-a -j link show | jq -r '[.[].ifname | select(. == "eth0")] | length')" 0
is "m4 node b has eth0" "$(ip -n m4-b -j link show | jq -r '[.[].ifname | select(. == "eth0")] | length')" 1

for l in m4 m3 m2 m1; do
	check "destroy $l" h lab destroy "$l"
done
is "no management network left" "$(h -j network ls | jq -r '[.[] | select(.name | test("mgmt|m3net"))] | length')" 0
is "no lease left" "$(sqlite3 "$ROOT/state/hako.db" 'SELECT count(*) FROM leases')" 0
as_before "after destroy, as before (netns, links, mounts, state, nft)"

# kill -9 in the middle of the management network: destroy finishes it
if have_test_hooks; then
	for step in network-ruled lab-mgmt-net connect-linked; do
		HAKO_TEST_KILL_AT=$step h lab deploy -q "$f1" >/dev/null 2>&1
		is "deploy killed at $step (status 137)" "$?" 137
		check "killed at $step: destroy" h lab destroy m1
		h network ls >/dev/null # the next command repairs the network layer
		is "killed at $step: no network, no lease" \
			"$(h -j network ls | jq length) $(sqlite3 "$ROOT/state/hako.db" 'SELECT count(*) FROM leases')" "0 0"
		as_before "killed at $step: after destroy, as before"
	done
else
	skip "kill -9 at exact steps" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi
