#!/bin/bash
# Bad lab files: a YAML syntax error, an unknown kind, a link to a node that does not exist,
# a duplicate endpoint, an interface name over 15 characters, an address that collides, a
# route through a device the node lacks, a name already taken: each is exit 2 with
# FILE:LINE:COLUMN (or the name) and the reason, and nothing is created. A delay on a kernel
# without netem is exit 3, nothing deployed. Positive control: the fixed file deploys.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
h lab ls >/dev/null
before=$(snapshot)

# bad DESC STATUS PATTERN: stdin is the file; deploy must fail so and change nothing
bad() {
	local f
	f=$(lab_file bad)
	check_fail "$1" "$2" "$3" h lab deploy "$f"
	as_before "$1: nothing created"
}

F=$HAKO_TEST_TMP/bad.yml
bad "YAML syntax error" 2 "^hako: $F:5:8: did not find expected" <<'EOF2'
name: e1
topology:
  nodes:
    a: {kind: netns
  links: []
EOF2
bad "unknown kind" 2 "^hako: $F:5:13: unknown kind 'router'" <<'EOF2'
name: e2
topology:
  nodes:
    a:
      kind: router
EOF2
bad "link to a node that does not exist" 2 "^hako: $F:7:29: endpoint 'b:eth0': no such node 'b'" <<'EOF2'
name: e3
topology:
  nodes:
    a:
      kind: netns
  links:
    - endpoints: ["a:eth0", "b:eth0"]
EOF2
bad "duplicate endpoint" 2 "^hako: $F:10:19: endpoint 'a:eth0' is already used by the link at line 9" <<'EOF2'
name: e4
topology:
  defaults: {kind: netns}
  nodes:
    a:
    b:
    c:
  links:
    - endpoints: ["a:eth0", "b:eth0"]
    - endpoints: ["a:eth0", "c:eth0"]
EOF2
bad "interface name over 15 characters" 2 "^hako: $F:8:29: endpoint 'b:eth0123456789abc': interface name 'eth0123456789abc' is 16 bytes long" <<'EOF2'
name: e5
topology:
  defaults: {kind: netns}
  nodes:
    a:
    b:
  links:
    - endpoints: ["a:eth0", "b:eth0123456789abc"]
EOF2
bad "colliding address" 2 "^hako: $F:10:9: node 'b': interface 'eth0': address 10.9.0.1/24 collides with a:eth0" <<'EOF2'
name: e6
topology:
  defaults: {kind: netns}
  nodes:
    a:
      interfaces:
        eth0: {ipv4: 10.9.0.1/24}
    b:
      interfaces:
        eth0: {ipv4: 10.9.0.1/24}
  links:
    - endpoints: ["a:eth0", "b:eth0"]
EOF2
bad "route through a device the node lacks" 2 "^hako: $F:7:11: node 'a': route 'default dev eth9': no interface 'eth9'" <<'EOF2'
name: e7
topology:
  defaults: {kind: netns}
  nodes:
    a:
      routes:
        - default dev eth9
    b:
  links:
    - endpoints: ["a:eth0", "b:eth0"]
EOF2
bad "a sysctl outside the namespace" 2 "only a network namespace's own" <<'EOF2'
name: e8
topology:
  nodes:
    a:
      kind: netns
      sysctls: {kernel.panic: 1}
EOF2
bad "a rate that is not one" 2 "^hako: $F:8:47: rate: rate 'fast': not a number" <<'EOF2'
name: e9
topology:
  defaults: {kind: netns}
  nodes:
    a:
    b:
  links:
    - {endpoints: ["a:eth0", "b:eth0"], rate: fast}
EOF2

# a namespace name the lab would make is taken: exit 2, nothing made, the other one kept
ip netns add e10-b
before2=$(snapshot)
lab_file good >/dev/null <<'EOF2'
name: e10
topology:
  defaults: {kind: netns}
  nodes:
    a:
    b:
  links:
    - endpoints: ["a:eth0", "b:eth0"]
EOF2
check_fail "a namespace the lab would make exists" 2 "network namespace 'e10-b' already exists" \
	h lab deploy "$HAKO_TEST_TMP/good.yml"
is "nothing created, the existing namespace kept" "$(snapshot)" "$before2"
ip netns del e10-b
check "positive control: the same file deploys" h lab deploy -q "$HAKO_TEST_TMP/good.yml"
check_fail "deploying it twice: exit 2" 2 "lab 'e10' already exists" h lab deploy "$HAKO_TEST_TMP/good.yml"
check "destroy" h lab destroy e10

# a failure half way (the kernel refuses a route: its gateway is on no link): exit 1 naming
# the file's line, and everything made before it is removed again
f=$(lab_file half <<'EOF2'
name: e12
topology:
  defaults: {kind: netns}
  nodes:
    a:
      interfaces:
        eth0: {ipv4: 10.12.0.1/24}
      routes: ["10.99.0.0/24 via 10.98.0.1"]
    b:
  links:
    - endpoints: ["a:eth0", "b:eth0"]
EOF2
)
check_fail "a route the kernel refuses: exit 1" 1 "^hako: $HAKO_TEST_TMP/half.yml:8: node 'a': route '10.99.0.0/24 via 10.98.0.1': .*unreachable" \
	h lab deploy "$f"
as_before "the half-made lab is gone again"
# the same half way in a 100-node star, whose namespaces a thread makes while the links and
# node batches go on: the refused route is node s90's
f=$(
	{
		echo "name: e13"
		echo "topology:"
		echo "  nodes:"
		echo "    br0: {kind: bridge}"
		for i in $(seq 1 100); do
			r=
			[ "$i" = 90 ] && r=', routes: ["10.99.0.0/24 via 10.98.0.1"]'
			echo "    s$i: {kind: netns, interfaces: {eth0: {ipv4: 10.13.0.$i/24}}$r}"
		done
		echo "  links:"
		for i in $(seq 1 100); do echo "    - endpoints: [\"s$i:eth0\", \"br0:p$i\"]"; done
	} | lab_file star-half
)
check_fail "a 100-node star with a route the kernel refuses: exit 1" 1 "node 's90': route '10.99.0.0/24 via 10.98.0.1': .*unreachable" \
	h lab deploy "$f"
as_before "the half-made star is gone again"

# delay needs netem
if unshare --net sh -c 'ip link set lo up; tc qdisc add dev lo root netem delay 1ms' 2>/dev/null; then
	skip "delay without netem: exit 3" "this kernel has netem"
else
	bad "delay on a kernel without netem: exit 3, nothing deployed" 3 \
		"^hako: $F:9:14: delay, jitter, loss and corrupt need the netem qdisc, which this kernel lacks" <<'EOF2'
name: e11
topology:
  defaults: {kind: netns}
  nodes:
    a:
    b:
  links:
    - endpoints: ["a:eth0", "b:eth0"]
      delay: 10ms
EOF2
fi
as_before "after everything: as before"
