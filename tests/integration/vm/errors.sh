#!/bin/bash
# Bad input to vm run: one line, the documented status, nothing made (no row, no device, no
# lease, no run directory). qemu itself is not needed: HAKO_QEMU points at a stand-in, except
# for the "no qemu" case. A positive control: the same command with a real file is accepted
# up to qemu (the stand-in fails, and that is reported and undone too).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"

export HAKO_QEMU=/bin/false
K=$HAKO_TEST_TMP/vmlinuz
echo kernel >"$K"
h network create --subnet 10.213.0.0/24 enet >/dev/null 2>&1
links() { ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' '; }
before=$(links)

check_fail "no qemu" 3 "qemu .*/nonexistent/qemu" env HAKO_QEMU=/nonexistent/qemu "$HAKO" --root "$ROOT" vm run --kernel "$K"
check_fail "no qemu on PATH" 3 "qemu is not installed" env -u HAKO_QEMU PATH=/nonexistent "$HAKO" --root "$ROOT" vm run --kernel "$K"
check_fail "missing kernel" 5 "kernel '/nonexistent/vmlinuz'.*No such file" h vm run --kernel /nonexistent/vmlinuz
check_fail "missing initrd" 5 "initrd '/nonexistent/initrd'" h vm run --kernel "$K" --initrd /nonexistent/initrd
check_fail "missing disk" 5 "disk '/nonexistent/disk.img'" h vm run /nonexistent/disk.img
check_fail "unknown network" 5 "no such network: nonet" h vm run --network nonet --kernel "$K"
ip link add vmbusy0 type veth peer name vmbusy1
check_fail "tap name in use" 2 "tap 'vmbusy0': a device of that name already exists" h vm run --tap vmbusy0 --kernel "$K"
check_fail "macvtap lower missing" 5 "--macvtap 'nolower0': no such device" h vm run --macvtap nolower0 --kernel "$K"
check_fail "--network and --macvtap" 2 "exclude each other" h vm run --network enet --macvtap lo --kernel "$K"
check_fail "a bad tap name" 2 "--tap: interface name 'a b'" h vm run --tap "a b" --kernel "$K"
check_fail "a tap twice" 2 "--tap 't0' given twice" h vm run --tap t0 --tap t0 --kernel "$K"
check_fail "kernel and disk" 2 "one of them" h vm run --kernel "$K" "$K"
check_fail "neither" 2 "one of them" h vm run
check_fail "-p without a hako network" 2 "need a hako network" h vm run --tap t0 -p 8080:80 --kernel "$K"
check_fail "bad -p" 2 "-p" h vm run -p 99999:80 --kernel "$K"
check_fail "bad accel" 2 "--accel 'xen'" h vm run --accel xen --kernel "$K"
check_fail "bad memory" 2 "--memory 'lots'" h vm run --memory lots --kernel "$K"
check_fail "bad name" 2 "vm name 'a/b'" h vm run --name a/b --kernel "$K"
check_fail "unknown vm" 5 "no such vm: nosuch" h vm inspect nosuch
check_fail "console of an unknown vm" 5 "no such vm: nosuch" h vm console nosuch
ip link del vmbusy0
# positive control: valid input reaches qemu (a stand-in that fails), which is undone too
check_fail "qemu's failure reported" 1 "vm 'ok1': qemu failed" h vm run --name ok1 --network enet --kernel "$K"
is "nothing recorded" "$(h vm ls -q)" ""
is "no lease" "$(h network inspect enet | jq -r '.[0].containers | length')" 0
is "no device left" "$(links)" "$before"
is "no run directory left" "$(ls "$ROOT/run/vm" 2>/dev/null | wc -l)" 0
