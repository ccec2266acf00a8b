#!/bin/bash
# Endpoints on the host: a declared `kind: host` node with an address on its end, and an
# undeclared "host:IF" endpoint; the host's devices are made, reachable, refused when the
# name is taken (exit 2, nothing made), and removed by destroy.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
h lab ls >/dev/null
before=$(snapshot)
f=$(lab_file hostlab <<'EOF2'
name: hl
topology:
  nodes:
    hv:
      kind: host
      interfaces:
        hl0: {ipv4: 10.50.0.1/24}
    a:
      kind: netns
      interfaces:
        eth0: {ipv4: 10.50.0.2/24}
        eth1: {ipv4: 10.50.1.2/24}
  links:
    - endpoints: ["hv:hl0", "a:eth0"]
    - endpoints: ["a:eth1", "host:hl1"]
EOF2
)
ip link add hl1 type veth peer name hl1p
check_fail "a host device name already taken: exit 2" 2 "the host already has a device 'hl1'" \
	h lab deploy "$f"
ip link del hl1
check "deploy with host endpoints" h lab deploy -q "$f"
is "hl0 on the host has 10.50.0.1/24" \
	"$(ip -j -4 addr show hl0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" 10.50.0.1/24
is "hl1 made on the host" \
	"$(ip -j link show hl1 | jq -r '.[0].ifname')" hl1
check "the host pings a across hl0" ping -c 1 -W 2 10.50.0.2
check "destroy" h lab destroy hl
as_before "after destroy, as before (hl0 and hl1 gone)"
