#!/bin/bash
# Persistent tun/tap devices like `ip tuntap add`: flags, owner and group checked in sysfs
# and with ip -d.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
# sysfs shows the namespace it was mounted in: mount one for ours (private mount ns).
mount -t sysfs sysfs /sys
on_exit umount /sys
check "tap with owner, group, multi_queue" "$HAKO" link add tp0 mtu 1400 up type tap owner 1234 group 4321 multi_queue
# IFF_TAP 0x2 | IFF_NO_PI 0x1000 | IFF_MULTI_QUEUE 0x100 | IFF_PERSIST 0x800
is "tun_flags" "$(cat /sys/class/net/tp0/tun_flags)" 0x1902
is "owner" "$(cat /sys/class/net/tp0/owner)" 1234
is "group" "$(cat /sys/class/net/tp0/group)" 4321
d=$(ip -j -d link show tp0)
is "ip -d: tap, persistent, multi_queue" "$(jq -r '.[0].linkinfo.info_data | "\(.type) \(.persist) \(.multi_queue) \(.pi)"' <<<"$d")" "tap true true false"
is "mtu and up applied" "$(jq -r '.[0] | "\(.mtu) \(.flags | index("UP") != null)"' <<<"$d")" "1400 true"
is "hako show kind tap" "$("$HAKO" -j link show type tap | jq -r '.[0].linkinfo.info_data.type')" tap
check "tun without options" "$HAKO" link add tn0 type tun
is "tun_flags of a plain tun" "$(cat /sys/class/net/tn0/tun_flags)" 0x1801
is "show type tun finds only tn0" "$("$HAKO" -j link show type tun | jq -r '[.[].ifname] | join(",")')" tn0
check_fail "same name again: exists, and the old one is kept" 1 "already exists" "$HAKO" link add tp0 type tap
is "tp0 still multi_queue" "$(cat /sys/class/net/tp0/tun_flags)" 0x1902
check "del tap" "$HAKO" link del tp0
is "tap gone" "$(ip -j link show type tun | jq -r '[.[].ifname] | join(",")')" tn0

# in another namespace: the tun fd is opened inside it
ip netns add "t$s"
on_exit ip netns del "t$s"
check "tap in a namespace (-n)" "$HAKO" -n "t$s" link add tq0 type tap owner 1000
check "tap created into a namespace (netns)" "$HAKO" link add tq1 netns "t$s" type tap
is "both in t$s" "$(ip -n "t$s" -j link show type tun | jq -r '[.[].ifname] | join(",")')" tq0,tq1
is "not here" "$(ip -j link show type tun | jq -r '[.[].ifname] | join(",")')" tn0
check_fail "bad owner name" 2 "no such user" "$HAKO" link add tq2 type tap owner no-such-user-xyz
# a failing second step (bad mtu) removes the half-made device
check_fail "tap with an mtu the kernel refuses" 1 "configure" "$HAKO" link add tq3 mtu 70000 type tap
is "no half-made tap left" "$(ip link show tq3 >/dev/null 2>&1 && echo present || echo absent)" absent
