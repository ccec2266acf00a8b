#!/bin/bash
# The seed documents' network scenarios, done entirely with hako and checked with
# independent tools (ip, ping, /sys, /dev, lsns):
#   1. the tutorial: two namespaces, a veth pair, 192.168.0.1/24 <-> .2, ping
#   2. the bridge: three namespaces on one bridge, all ping each other
#   3. tap and macvtap devices with the right flags and device nodes
#   4. the Docker scenario: name the netns of a process started with unshare -n
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
on_exit "for n in \$(ip netns list | awk '{print \$1}'); do ip netns del \$n; done"
have_kind veth && have_kind bridge || { skip "seed scenarios" "the kernel lacks veth or bridge"; exit 0; }
H=$HAKO

# 1. tutorial
check "netns add ns01" $H netns add ns01$s
check "netns add ns02" $H netns add ns02$s
is "ip netns list sees both" "$(ip netns list | awk '{print $1}' | grep -c "^ns0[12]$s$")" 2
check "veth pair" $H link add a$s type veth peer name b$s
check "move one end" $H link set a$s netns ns01$s
check "move the other" $H link set b$s netns ns02$s
check "address 1" $H -n ns01$s addr add 192.168.0.1/24 dev a$s
check "address 2" $H -n ns02$s addr add 192.168.0.2/24 dev b$s
check "up 1" $H -n ns01$s link set a$s up
check "up 2" $H -n ns02$s link set b$s up
is "ip sees the address" "$(ip -n ns01$s -j addr show dev a$s | jq -r '.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"')" "192.168.0.1/24"
is "ip sees the peer in ns02" "$(ip -n ns02$s -j link show b$s | jq -r '.[0].link_type')" "ether"
check "ping 192.168.0.2 from ns01" ip netns exec ns01$s ping -c 2 -W 2 192.168.0.2
check "hako netns exec runs ping too" $H netns exec ns02$s ping -c 1 -W 2 192.168.0.1

# 2. three namespaces on one bridge (the bridge in a namespace of its own)
check "switch namespace" $H netns add sw$s
check "bridge" $H -n sw$s link add br0 type bridge
check "bridge up" $H -n sw$s link set br0 up
for i in 1 2 3; do
	check "host $i" $H netns add h$i$s
	check "port $i" $H -n sw$s link add p$i master br0 up type veth peer name eth0 netns h$i$s
	check "addr $i" $H -n h$i$s addr add 10.0.0.$i/24 dev eth0
	check "eth0 up $i" $H -n h$i$s link set eth0 up
done
is "ip sees three ports on br0" "$(ip -n sw$s -j link show master br0 | jq length)" 3
for i in 1 2 3; do for j in 1 2 3; do
	[ $i = $j ] && continue
	check "h$i pings h$j" ip netns exec h$i$s ping -c 1 -W 2 10.0.0.$j
done; done

# 3. tap (persistent, like ip tuntap) and macvtap on a veth
check "tap" $H -n sw$s link add tap0 type tap multi_queue
flags=$(ip netns exec sw$s cat /sys/class/net/tap0/tun_flags)
# IFF_TAP 0x2 | IFF_NO_PI 0x1000 | IFF_MULTI_QUEUE 0x100
if [ $((flags & 0x2)) -ne 0 ] && [ $((flags & 0x1000)) -ne 0 ] && [ $((flags & 0x100)) -ne 0 ]; then
	ok "tap flags $flags: tap, no_pi, multi_queue"
else not_ok "tap flags $flags"; fi
check "uplink veth" $H -n sw$s link add up0 type veth peer name up1
check "macvtap" $H -n sw$s link add mvt0 link up0 type macvtap mode bridge
idx=$(ip netns exec sw$s cat /sys/class/net/mvt0/ifindex)
is "ip -d sees macvtap mode bridge" "$(ip -n sw$s -d -j link show mvt0 | jq -r '.[0].linkinfo.info_data.mode')" bridge
if [ -c /dev/tap$idx ]; then ok "/dev/tap$idx exists"; else
	# the char device exists in sysfs even when no devtmpfs/udev made a node
	[ -e /sys/class/net/mvt0/macvtap/tap$idx/dev ] && ok "macvtap char device tap$idx in sysfs (no devtmpfs node here)" ||
		not_ok "macvtap device tap$idx"
fi

# 4. Docker scenario: name the network namespace of a running process
unshare -n sleep 300 &
pid=$!
on_exit kill $pid
for _ in $(seq 50); do [ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
check "netns attach" $H netns attach proc$s $pid
is "ip netns exec sees only lo" "$(ip netns exec proc$s ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo "
is "identify names it" "$($H netns identify $pid)" "proc$s"
is "lsns sees the same namespace" "$(lsns -J -p $pid -t net | jq -r '.namespaces[0].ns')" "$(stat -L -c %i /run/netns/proc$s)"
check "hako ns list shows the name" sh -c "$H ns list -t net | grep -q 'proc$s'"
