#!/bin/bash
# The bridge scenario: three namespaces on one bridge, each pings the others.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
check "bridge with stp_state and forward_delay" "$HAKO" link add br0 up type bridge stp_state 0 forward_delay 400
is "bridge kind" "$(ip -j -d link show br0 | jq -r '.[0].linkinfo.info_kind')" bridge
is "forward_delay" "$(ip -j -d link show br0 | jq '.[0].linkinfo.info_data.forward_delay')" 400
for i in 1 2 3; do
	ip netns add "n$i$s"
	on_exit ip netns del "n$i$s"
	check "port $i with master at creation" "$HAKO" link add "p$i" master br0 up type veth peer name "e$i" netns "n$i$s"
	check "e$i up" "$HAKO" -n "n$i$s" link set "e$i" up
	ip -n "n$i$s" addr add "10.9.0.$i/24" dev "e$i"
done
is "three ports on br0" "$(ip -j link show master br0 | jq -r '[.[].ifname] | join(",")')" p1,p2,p3
is "hako show master br0" "$("$HAKO" -j link show master br0 | jq -r '[.[].ifname] | join(",")')" p1,p2,p3
is "hako show master column" "$("$HAKO" link show p1 | awk 'NR==2 {print $7}')" br0
is "slave kind in JSON" "$("$HAKO" -j link show p1 | jq -r '.[0].linkinfo.info_slave_kind')" bridge
for i in 1 2 3; do for j in 1 2 3; do
	[ "$i" = "$j" ] && continue
	check "n$i pings n$j over the bridge" ip netns exec "n$i$s" ping -c 1 -W 3 "10.9.0.$j"
done; done
check "nomaster" "$HAKO" link set p3 nomaster
is "p3 left the bridge" "$(ip -j link show p3 | jq -r '.[0].master // "none"')" none
check "master again" "$HAKO" link set p3 master br0
is "p3 back on br0" "$(ip -j link show p3 | jq -r '.[0].master')" br0
check_fail "nonexistent master" 5 "master 'nobr' does not exist" "$HAKO" link set p3 master nobr
