#!/bin/bash
# A lab with a `kind: vm` node: two netns nodes and a VM routing between them (left—rt—right,
# the test guest of scripts/mkguest.sh under TCG). The VM's namespace holds, per interface,
# the veth end and the guest NIC's tap on a bridge; the guest gets the file's addresses and
# forwards (sysctls: net.ipv4.ip_forward: 1). left pings right through the guest (TTL 63);
# lab inspect shows the node as a vm, running; destroy — and destroy after hako was killed
# (-9) with qemu started, or with the VM up, or after qemu was killed (-9) — leaves namespaces, links, mounts, qemu
# processes and the state DB as before. Bad input: no kernel (FILE:LINE:COLUMN, exit 2), a
# kernel that is not there (exit 5), no qemu (exit 3), each changing nothing.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_tun "lab vm node"
needs_guest "lab vm node"
h lab ls >/dev/null
before=$(snapshot)
qemus() { pgrep -f "$ROOT/run/vm/" | wc -l; }
is "no qemu of this test before" "$(qemus)" 0
ln -s "$G" "$HAKO_TEST_TMP/guest" # the file names the guest relative to its directory
F=$(lab_file vmlab <<'EOF'
name: vmlab
topology:
  nodes:
    left:
      kind: netns
      interfaces: {eth0: {ipv4: 10.217.1.2/24}}
      routes: ["default via 10.217.1.1"]
    rt:
      kind: vm
      kernel: guest/vmlinuz
      initrd: guest/initrd.img
      accel: tcg
      memory: 192
      interfaces:
        eth0: {ipv4: 10.217.1.1/24}
        eth1: {ipv4: 10.217.2.1/24}
      sysctls: {net.ipv4.ip_forward: 1}
    right:
      kind: netns
      interfaces: {eth0: {ipv4: 10.217.2.2/24}}
      routes: ["default via 10.217.2.1"]
  links:
    - endpoints: ["left:eth0", "rt:eth0"]
    - endpoints: ["rt:eth1", "right:eth0"]
EOF
)
check "deploy a lab with a vm node" h lab deploy -q "$F"
is "one qemu runs" "$(qemus)" 1
is "vm ls: the node's VM, running" "$(h -j vm ls | jq -r '[.[] | "\(.name) \(.state)"] | join(",")')" \
	"vmlab-rt running"
is "its NICs are the taps in the node's namespace" \
	"$(h vm inspect vmlab-rt | jq -r '[.[0].net.nics[] | "\(.ifname)=\(.device)"] | join(" ")')" \
	"eth0=eth0-tap eth1=eth1-tap"
for i in 0 1; do
	is "bridge eth$i-br holds the veth end and the tap (ip -j)" \
		"$(ip -n vmlab-rt -j link show master "eth$i-br" | jq -r '[.[] | "\(.ifname) \(.flags | index("UP") != null)"] | sort | join(",")')" \
		"eth$i true,eth$i-tap true"
done
is "the veth ends carry no address (the guest has them)" \
	"$(ip -n vmlab-rt -j addr show | jq '[.[] | select(.ifname != "lo") | .addr_info[]] | length')" 0
is "the taps and bridges live in the node's namespace, not the host's" \
	"$(ip -o link show | grep -c -e '-tap' -e '-br')" 0
is "lab inspect: rt is a vm, running" \
	"$(h -j lab inspect vmlab | jq -r '[.[] | select(.node == "rt") | "\(.kind) \(.state)"] | unique | join(",")')" \
	"vm running"
is "lab inspect: rt's addresses are the guest's" \
	"$(h -j lab inspect vmlab | jq -r '[.[] | select(.node == "rt") | "\(.interface)=\(.addresses | join(" "))"] | join(",")')" \
	"eth0=10.217.1.1/24,eth1=10.217.2.1/24"
if wait_ping 10.217.1.1 vmlab-left; then ok "left reaches the guest"; else not_ok "left reaches the guest"; fi
if wait_log vmlab-rt "hako-guest: eth1 10.217.2.1/24 up" 20; then ok "the guest configured eth1"; else
	not_ok "the guest configured eth1"
fi
check "left pings right through the VM" nsx vmlab-left ping -c 2 -W 3 10.217.2.2
is "the reply came through the router (TTL 63)" \
	"$(nsx vmlab-left ping -c 1 -W 3 10.217.2.2 | grep -o 'ttl=[0-9]*')" ttl=63
check "destroy" h lab destroy vmlab
is "no qemu left" "$(qemus)" 0
is "no VM left" "$(h -j vm ls | jq length)" 0
as_before "after destroy: as before"

# qemu killed (-9) under a running lab: the next command finds it, inspect says stopped
check "deploy again" h lab deploy -q "$F"
P=$(vm_field vmlab-rt pid)
kill -9 "$P"
# gone or a zombie: a killed qemu spends a while in D (exiting) with its cmdline already
# empty, so pgrep stops seeing it before it is dead
gone() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$st" ] || [ "$st" = Z ]
}
for ((i = 0; i < 100; i++)); do gone "$P" && break; sleep 0.1; done
is "qemu killed: lab inspect says rt is stopped" \
	"$(h -j lab inspect vmlab | jq -r '[.[] | select(.node == "rt") | .state] | unique | join(",")')" \
	stopped
check "destroy after qemu was killed" h lab destroy vmlab
is "no VM left" "$(h -j vm ls | jq length)" 0
as_before "after destroy: as before"

if have_test_hooks; then
	for step in vm-net vm-started lab-vms; do
		HAKO_TEST_KILL_AT=$step h lab deploy -q "$F" >/dev/null 2>&1
		is "deploy killed at $step (status 137)" "$?" 137
		check "killed at $step: destroy" h lab destroy vmlab
		is "killed at $step: no qemu left" "$(qemus)" 0
		is "killed at $step: no VM left" "$(h -j vm ls | jq length)" 0
		as_before "killed at $step: after destroy, as before"
	done
else
	skip "kill -9 in the middle of deploy" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi

# bad input: nothing made
sed '/kernel: guest/d' "$F" >"$HAKO_TEST_TMP/nokernel.yml"
check_fail "a vm node without a kernel" 2 "nokernel.yml:9:13: node 'rt': kind vm needs a kernel" \
	h lab deploy "$HAKO_TEST_TMP/nokernel.yml"
sed 's|kernel: guest/vmlinuz|kernel: guest/nope|' "$F" >"$HAKO_TEST_TMP/nofile.yml"
check_fail "a kernel that is not there" 5 "node 'rt': kernel '$HAKO_TEST_TMP/guest/nope'" \
	h lab deploy "$HAKO_TEST_TMP/nofile.yml"
HAKO_QEMU=/nonexistent/qemu check_fail "no qemu" 3 "qemu '/nonexistent/qemu'" h lab deploy "$F"
sed 's|memory: 192|memory: 192\n      exec: ["ip a"]|' "$F" >"$HAKO_TEST_TMP/exec.yml"
check_fail "exec on a vm node" 2 "a vm node takes no exec" h lab deploy "$HAKO_TEST_TMP/exec.yml"
sed 's|kind: netns|kind: netns\n      kernel: x|' "$F" >"$HAKO_TEST_TMP/netnskernel.yml"
check_fail "kernel on a netns node" 2 "node 'left': kernel is for kind vm, not netns" \
	h lab deploy "$HAKO_TEST_TMP/netnskernel.yml"
as_before "after the refused deploys: as before"
