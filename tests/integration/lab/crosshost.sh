#!/bin/bash
# A lab over two hosts: each host deploys its half of the same file (lab deploy --host
# NAME), and the link between a node on each becomes a VXLAN tunnel between the hosts'
# addresses. The two "hosts" are network namespaces joined by a veth, each hako with its
# own --root (its own state DB); pings cross the tunnel; each destroy removes its half.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
if ! ip link add "vx$$" type vxlan id 1 dstport 4789 2>/dev/null; then
	skip "cross-host links" "kernel lacks vxlan"
	exit 0
fi
ip link del "vx$$"
ip netns add hostA && on_exit ip netns del hostA
ip netns add hostB && on_exit ip netns del hostB
ip link add u0 netns hostA type veth peer name u0 netns hostB
ip -n hostA addr add 192.0.2.1/24 dev u0 && ip -n hostA link set u0 up
ip -n hostB addr add 192.0.2.2/24 dev u0 && ip -n hostB link set u0 up
ha() { nsenter --net=/run/netns/hostA "$HAKO" --root "$HAKO_TEST_TMP/rootA" "$@"; }
hb() { nsenter --net=/run/netns/hostB "$HAKO" --root "$HAKO_TEST_TMP/rootB" "$@"; }
ha lab ls >/dev/null
hb lab ls >/dev/null
before=$(snapshot)
f=$(lab_file xh <<'EOF2'
name: xh
topology:
  hosts:
    a: {address: 192.0.2.1}
    b: {address: 192.0.2.2}
  defaults: {kind: netns}
  nodes:
    n1:
      host: a
      interfaces:
        eth0: {ipv4: 10.40.0.1/24}
    n2:
      host: b
      interfaces:
        eth0: {ipv4: 10.40.0.2/24}
    n3:
      host: b
      interfaces:
        eth0: {ipv4: 10.40.1.2/24}
        eth1: {ipv4: 10.40.1.1/24}
  links:
    - endpoints: ["n1:eth0", "n2:eth0"]
    - endpoints: ["n3:eth0", "n3:eth1"]
EOF2
)
check_fail "a lab over hosts without --host: exit 2" 2 "spans 2 hosts: deploy it with --host NAME" \
	ha lab deploy "$f"
check_fail "--host that the file does not name: exit 2" 2 "no host 'c'" ha lab deploy --host c "$f"
check "host a deploys its half" ha lab deploy -q --host a "$f"
check "host b deploys its half" hb lab deploy -q --host b "$f"
is "both halves made: n1 (host a), n2 and n3 (host b)" "$(ip netns list | awk '{print $1}' | grep '^xh-' | sort | xargs)" "xh-n1 xh-n2 xh-n3"
is "n1's eth0 is a VXLAN to 192.0.2.2, VNI 4096" \
	"$(ip -n xh-n1 -j -d link show eth0 | jq -r '.[0].linkinfo | "\(.info_kind) \(.info_data.id) \(.info_data.remote)"')" \
	"vxlan 4096 192.0.2.2"
check "n1 (host a) pings n2 (host b) through the tunnel" nsx xh-n1 ping -c 2 -i 0.2 -W 2 10.40.0.2
is "inspect on host a: n2 is remote" \
	"$(ha -j lab inspect xh | jq -r '.[] | select(.node == "n2") | .state')" remote
check_fail "link set on a remote node: exit 2" 2 "runs on host 'b', not here" \
	ha lab link set xh n2:eth0 down
check "host a destroys its half" ha lab destroy xh
is "host b's half is untouched" "$(ip netns list | awk '{print $1}' | grep '^xh-' | sort | xargs)" "xh-n2 xh-n3"
check "host b destroys its half" hb lab destroy xh
as_before "after destroy, as before"
