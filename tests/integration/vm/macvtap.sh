#!/bin/bash
# A VM on a macvtap (bridge mode) over one end of a veth pair, pinging a namespace at the
# other end: the seed's "macvtap on a physical interface" picture, with the veth as the
# interface. hako creates the macvtap, opens its /dev/tapN and hands the fd to qemu (as
# libvirt does); `ip -d link` shows it; ping in both directions; gone after `vm rm`.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

have_macvtap() {
	ip link add mvtprobe0 type veth peer name mvtprobe1 2>/dev/null || return 1
	ip link add mvtprobe2 link mvtprobe0 type macvtap 2>/dev/null
	local r=$?
	ip link del mvtprobe0 2>/dev/null
	return $r
}
if ! have_macvtap; then
	skip "VM on a macvtap" "kernel lacks veth or macvtap"
	exit 0
fi
needs_guest "VM on a macvtap"
far=far$(uniq_suffix)
ip netns add "$far"
on_exit ip netns del "$far"
ip link add lowr0 type veth peer name eth0 netns "$far"
ip link set lowr0 up
ip -n "$far" addr add 192.0.2.1/24 dev eth0
ip -n "$far" link set eth0 up
ip -n "$far" link set lo up

check "vm run --macvtap" vm_run m1 --macvtap lowr0 \
	--append "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:off hako.ping=192.0.2.1"
dev=$(vm_field m1 net.device)
mac=$(vm_field m1 net.mac)
is "ip -d link: a macvtap in bridge mode on lowr0" \
	"$(ip -d -j link show "$dev" | jq -r '.[0] | "\(.linkinfo.info_kind) \(.linkinfo.info_data.mode) \(.link) \(.address)"')" \
	"macvtap bridge lowr0 $mac"
qpid=$(vm_field m1 pid)
is "qemu holds the macvtap's character device" \
	"$(ls -l /proc/"$qpid"/fd 2>/dev/null | grep -c "/dev/.hako-vm-.*(deleted)")" 1
if wait_ping 192.0.2.10 "$far"; then ok "the far namespace pings the VM"; else
	not_ok "the far namespace pings the VM"
fi
if wait_log m1 "hako-guest: ping 192.0.2.1 ok" 20; then ok "the VM pings the far namespace"; else
	not_ok "the VM pings the far namespace"
fi
is "the far end learnt the VM's MAC" \
	"$(ip -n "$far" -j neigh show 192.0.2.10 | jq -r '.[0].lladdr')" "$mac"
is "no /dev node left" "$(ls -a /dev | grep -c '^\.hako-vm-')" 0
check "vm rm -f" h vm rm -f m1
is "the macvtap is gone" "$(ip -o link show "$dev" 2>/dev/null | wc -l)" 0
is "lowr0 untouched" "$(ip -j link show lowr0 | jq -r '.[0].operstate')" UP
