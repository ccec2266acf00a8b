#!/bin/bash
# The seed tutorial: two namespaces joined by a veth pair, checked with ip -j and ping.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
a=na$s b=nb$s
ip netns add "$a" && ip netns add "$b"
on_exit ip netns del "$a"
on_exit ip netns del "$b"

check "veth pair, one end per namespace" \
	"$HAKO" link add va mtu 1400 netns "$a" type veth peer name vb mtu 1400 netns "$b"
is "no end left in the caller's namespace" "$(ip -j link show type veth | jq length)" 0
is "va is a veth in $a" "$(ip -n "$a" -j -d link show va | jq -r '.[0].linkinfo.info_kind')" veth
is "vb is a veth in $b" "$(ip -n "$b" -j -d link show vb | jq -r '.[0].linkinfo.info_kind')" veth
is "mtu of both ends" "$(ip -n "$a" -j link show va | jq '.[0].mtu'),$(ip -n "$b" -j link show vb | jq '.[0].mtu')" 1400,1400
# the peer of va is vb: va's link_index is vb's ifindex, in another namespace
vb_idx=$(ip -n "$b" -j link show vb | jq '.[0].ifindex')
is "peer of va is vb" "$(ip -n "$a" -j link show va | jq '.[0].link_index')" "$vb_idx"
is "hako show names the peer's index" "$("$HAKO" -n "$a" -j link show va | jq '.[0].link_index')" "$vb_idx"

check "va up" "$HAKO" -n "$a" link set va up
check "vb up" "$HAKO" -n "$b" link set dev vb up
is "va is UP" "$(ip -n "$a" -j link show va | jq -r '.[0].flags | index("UP") != null')" true
ip -n "$a" addr add 192.168.0.1/24 dev va
ip -n "$b" addr add 192.168.0.2/24 dev vb
check "ping across the veth" ip netns exec "$a" ping -c 1 -W 2 192.168.0.2

# -n NS link add: both ends inside the namespace
check "-n NS link add" "$HAKO" -n "$a" link add x0 type veth peer name x1
is "both ends in $a" "$(ip -n "$a" -j link show type veth | jq -r '[.[].ifname] | sort | join(",")')" va,x0,x1
is "x0's peer shown" "$("$HAKO" -n "$a" -j link show x0 | jq -r '.[0].link')" x1
check "link del removes both ends" "$HAKO" -n "$a" link delete x0
is "x1 gone too" "$(ip -n "$a" -j link show type veth | jq -r '[.[].ifname] | join(",")')" va

# veth created here, peer sent away; delete by the alias
check "peer netns only" "$HAKO" link add h0 type veth peer name h1 netns "$a"
is "h0 here, h1 in $a" "$(ip -j link show h0 | jq -r '.[0].ifname'),$(ip -n "$a" -j link show h1 | jq -r '.[0].ifname')" h0,h1
check "del h0" "$HAKO" link del h0
is "h1 gone" "$(ip -n "$a" -j link show type veth | jq length)" 1

# a name collision right after a namespace delete: retried while the old device dies
fails=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	ip netns add "t$s"
	ip link add c0 type veth peer name c1 netns "t$s"
	ip netns del "t$s"
	"$HAKO" link add c0 type veth peer name c2 2>/dev/null || fails=$((fails + 1))
	ip link del c0 2>/dev/null
done
is "link add after netns del never collides" "$fails" 0
ip link add c0 type veth peer name c1
check_fail "a real collision fails at once" 1 "'c0' or 'c9' already exists" "$HAKO" link add c0 type veth peer name c9
ip link del c0
