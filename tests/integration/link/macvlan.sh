#!/bin/bash
# macvlan and macvtap on a veth parent; modes checked with ip -d -j; /dev/tapN.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
ip link add par0 type veth peer name par1
for m in private vepa bridge source; do
	check "macvlan mode $m" "$HAKO" link add "mv$m" type macvlan link par0 mode "$m"
	is "mode $m" "$(ip -d -j link show "mv$m" | jq -r '.[0].linkinfo.info_data.mode')" "$m"
	is "lower device par0" "$(ip -j link show "mv$m" | jq -r '.[0].link')" par0
	is "hako shows the mode" "$("$HAKO" -j link show "mv$m" | jq -r '.[0].linkinfo.info_data.mode')" "$m"
done
ip netns add "m$s"
on_exit ip netns del "m$s"
check "macvlan created into a namespace" "$HAKO" link add mvn link par0 netns "m$s" type macvlan mode bridge
is "mvn in m$s" "$(ip -n "m$s" -j -d link show mvn | jq -r '.[0].linkinfo.info_kind')" macvlan

ip link add par2 type veth peer name par3
check "macvtap mode passthru" "$HAKO" link add mt0 type macvtap link par2 mode passthru
is "macvtap kind and mode" "$(ip -d -j link show mt0 | jq -r '.[0].linkinfo | "\(.info_kind) \(.info_data.mode)"')" "macvtap passthru"
idx=$(ip -j link show mt0 | jq '.[0].ifindex')
# devtmpfs creates /dev/tapN by itself (no udev needed); N is the ifindex. The index is
# per namespace, so compare the node's device number with sysfs rather than trust the name.
mount -t sysfs sysfs /sys
on_exit umount /sys
if [ -c "/dev/tap$idx" ] && [ "$(cat "/sys/class/net/mt0/macvtap/tap$idx/dev")" = "$(stat -c '%t:%T' "/dev/tap$idx" | { IFS=: read -r ma mi; echo "$((16#$ma)):$((16#$mi))"; })" ]; then
	ok "/dev/tap$idx is mt0's character device"
else
	not_ok "/dev/tap$idx is mt0's character device"
	ls -l /dev/tap* /sys/class/net/mt0/macvtap 2>&1 | diag
fi
check "del macvtap" "$HAKO" link del mt0
is "/dev/tap$idx removed" "$([ -e "/dev/tap$idx" ] && echo present || echo gone)" gone
check_fail "macvlan on a missing parent" 5 "lower device 'nopar' does not exist" "$HAKO" link add mvx type macvlan link nopar mode bridge
check_fail "macvlan without link" 2 "missing 'link DEV'" "$HAKO" link add mvx type macvlan mode bridge
