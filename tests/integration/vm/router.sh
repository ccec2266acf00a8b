#!/bin/bash
# A VM with two NICs (--tap twice: eth0, eth1) routing between two namespaces, each tap on a
# bridge of its own with a veth to one namespace (the shape of a lab's VM node between two
# nodes, a bridge per link): left pings right through the guest, which forwards. Both taps
# go with qemu after vm rm.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_kinds "VM router" veth bridge
needs_tun "VM router"
needs_guest "VM router"
s=$(uniq_suffix)
for side in l r; do
	ip netns add "$side$s"
	on_exit ip netns del "$side$s"
	ip link add "br$side$s" type bridge
	ip link set "br$side$s" up
	ip link add "v$side$s" type veth peer name eth0 netns "$side$s"
	ip link set "v$side$s" master "br$side$s" up
	ip -n "$side$s" link set eth0 up
	ip -n "$side$s" link set lo up
done
ip -n "l$s" addr add 10.216.1.2/24 dev eth0
ip -n "l$s" route add default via 10.216.1.1
ip -n "r$s" addr add 10.216.2.2/24 dev eth0
ip -n "r$s" route add default via 10.216.2.1
check "vm run with two taps" vm_run rt --tap "tl$s" --tap "tr$s" \
	--append "hako.addr=eth0,10.216.1.1/24 hako.addr=eth1,10.216.2.1/24 hako.forward=1"
for side in l r; do
	ip link set "t$side$s" master "br$side$s" up
done
is "vm inspect: eth0 and eth1 on the two taps" \
	"$(h vm inspect rt | jq -r '[.[0].net.nics[] | "\(.ifname)=\(.device)"] | join(" ")')" \
	"eth0=tl$s eth1=tr$s"
qpid=$(vm_field rt pid)
is "qemu holds two taps" "$(ls -l /proc/"$qpid"/fd 2>/dev/null | grep -c /dev/net/tun)" 2
if wait_ping 10.216.1.1 "l$s"; then ok "left reaches the router"; else not_ok "left reaches the router"; fi
if wait_log rt "hako-guest: eth1 10.216.2.1/24 up" 10; then ok "eth1 configured"; else
	not_ok "eth1 configured"
fi
check "left pings right through the VM" ip netns exec "l$s" ping -c 2 -W 3 10.216.2.2
is "the reply came through the router (TTL 63)" \
	"$(ip netns exec "l$s" ping -c 1 -W 3 10.216.2.2 | grep -o 'ttl=[0-9]*')" ttl=63
check "vm rm -f" h vm rm -f rt
is "both taps gone" "$(ip -o link show "tl$s" 2>/dev/null; ip -o link show "tr$s" 2>/dev/null)" ""
