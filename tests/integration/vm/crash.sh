#!/bin/bash
# qemu killed (kill -9): the tap goes with its fd, and the next command finds the VM dead,
# releases its lease and records it stopped, so nothing trips on it (network rm, a new VM
# with the same tap name). A hako killed half-way through vm run (test hooks): the next
# command removes the half-made VM, qemu included.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_kinds "VM crash repair" veth bridge
needs_nft "VM crash repair"
needs_tun "VM crash repair"
needs_guest "VM crash repair"

check "network" h network create --subnet 10.212.0.0/24 cnet
check "vm run" vm_run k1 --network cnet
tap=$(vm_field k1 net.device)
qpid=$(vm_field k1 pid)
kill -9 "$qpid"
for i in $(seq 50); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
is "the tap went with qemu" "$(ip -o link show "$tap" 2>/dev/null | wc -l)" 0
is "the next command finds it stopped" "$(h -j vm ls | jq -r '.[0].state')" stopped
is "its lease is released" "$(h network inspect cnet | jq -r '.[0].containers | length')" 0
check "vm rm of the dead VM" h vm rm k1
check "network rm" h network rm cnet

check "vm run with no network option" vm_run k0
is "it is on the default network" "$(vm_field k0 net.network) $(vm_field k0 net.address | cut -d. -f1,2)" "bridge 10.123"
check "vm rm" h vm rm -f k0

check "vm run --tap" vm_run k2 --tap vmtap0
kill -9 "$(vm_field k2 pid)"
sleep 0.3
check "the same tap name again after the kill" vm_run k3 --tap vmtap0
check "vm rm" h vm rm -f k2 k3
is "no tap left" "$(ip -o link show type tun 2>/dev/null | wc -l)" 0

if have_test_hooks; then
	check "network" h network create --subnet 10.212.1.0/24 cnet2
	for step in vm-leased vm-net vm-started; do
		{ HAKO_TEST_KILL_AT=$step timeout -s KILL 60 "$HAKO" --root "$ROOT" vm run --name half \
			--accel tcg --network cnet2 --kernel "$G/vmlinuz" --initrd "$G/initrd.img"; } \
			>/dev/null 2>&1
		is "killed at $step: the next command removes the half-made VM" "$(h vm ls -q)" ""
		is "killed at $step: no qemu left" \
			"$(pgrep -f "$ROOT/run/vm/.*/qemu.pid" | wc -l)" 0
		is "killed at $step: no lease, no tap" \
			"$(h network inspect cnet2 | jq -r '.[0].containers | length') $(ip -o link show master "$(h network inspect cnet2 | jq -r '.[0].bridge')" | wc -l)" "0 0"
	done
	check "network rm" h network rm cnet2
else
	skip "a hako killed half-way through vm run" "hako built without test hooks"
fi
