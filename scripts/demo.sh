#!/bin/bash
# The seed documents' scenarios, done with hako (run as root on Debian 12):
#  1. two network namespaces joined by a veth pair, 192.168.0.1/24 <-> .2, ping (tutorial)
#  2. three namespaces on one Linux bridge, all pinging each other (translated article)
#  3. naming the network namespace of a running process (the Docker blog post)
#  4. tap and macvtap devices, and every namespace listed like lsns
#  5. the simple container of the talk: containers test01 and test02 with their own hostnames,
#     each running a web server (busybox httpd), on one bridge, reached from the host and from
#     each other
# Everything is made under names starting with "hkdemo" (plus the containers test01, test02
# and their network namespaces) and removed at the end. Scenarios 1-4 keep their bridge in a
# namespace of their own; scenario 5 is "reachable from the host", so its bridge hkdemo-br0
# (10.200.0.1/24) is made in the host's root namespace, and removed at the end (the demo
# refuses to start if 10.200.0.0/24 is already routed here). Containers use the busybox
# rootfs from scripts/mkrootfs-busybox.sh (offline, Debian's busybox-static).
# HAKO_BUILD=DIR builds in DIR instead of ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh curl
build=${HAKO_BUILD:-build}
./scripts/build.sh "$build"
H=$(cd "$build" && pwd)/hako
demo_tmp=/var/tmp/hkdemo
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

sleeper=
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null || true
	for c in test01 test02; do
		# only the demo's own containers (its rootfs), never a user's test01
		case $($H -j inspect "$c" 2>/dev/null) in *"\"$demo_tmp/rootfs\""*) $H rm -f "$c" >/dev/null ;; esac
	done
	ip link show hkdemo-br0 >/dev/null 2>&1 && $H link del hkdemo-br0
	rm -rf "$demo_tmp"
	for n in $($H -j netns list | python3 -c 'import json,sys; [print(x["name"]) for x in json.load(sys.stdin)]' 2>/dev/null); do
		case $n in hkdemo*) $H netns del "$n" ;; esac
	done
}
trap cleanup EXIT
cleanup

say "1. two namespaces and a veth pair (the tutorial)"
run $H netns add hkdemo-ns01
run $H netns add hkdemo-ns02
run $H link add ns01-veth0 type veth peer name ns02-veth0
run $H link set ns01-veth0 netns hkdemo-ns01
run $H link set ns02-veth0 netns hkdemo-ns02
run $H -n hkdemo-ns01 addr add 192.168.0.1/24 dev ns01-veth0
run $H -n hkdemo-ns02 addr add 192.168.0.2/24 dev ns02-veth0
run $H -n hkdemo-ns01 link set ns01-veth0 up
run $H -n hkdemo-ns02 link set ns02-veth0 up
run ip netns list
run $H -n hkdemo-ns01 addr show
run $H netns exec hkdemo-ns01 ping -c 3 192.168.0.2

say "2. three namespaces on one bridge (the bridge lives in namespace hkdemo-sw)"
run $H netns add hkdemo-sw
run $H -n hkdemo-sw link add br0 type bridge
run $H -n hkdemo-sw link set br0 up
for i in 1 2 3; do
	run $H netns add hkdemo-h$i
	run $H -n hkdemo-sw link add h$i-br master br0 up type veth peer name eth0 netns hkdemo-h$i
	run $H -n hkdemo-h$i addr add 10.0.0.$i/24 dev eth0
	run $H -n hkdemo-h$i link set eth0 up
done
run $H -n hkdemo-sw link show master br0
for i in 1 2 3; do for j in 1 2 3; do
	[ $i = $j ] && continue
	run $H netns exec hkdemo-h$i ping -c 1 -W 2 10.0.0.$j
done; done

say "3. name the network namespace of a running process (the Docker scenario)"
unshare -n sleep 600 &
sleeper=$!
sleep 0.2
run $H netns attach hkdemo-proc $sleeper
run ip netns exec hkdemo-proc ip link show
run $H netns identify $sleeper

say "4. tap and macvtap, and every namespace like lsns"
run $H -n hkdemo-sw link add tap0 type tap
run $H -n hkdemo-sw link add up0 type veth peer name up1
run $H -n hkdemo-sw link add mvt0 link up0 type macvtap mode bridge
run $H -n hkdemo-sw link show
run $H ns list -t net


say "5. two containers on one bridge, each with a web server (the talk's simple container)"
for c in test01 test02; do
	if $H inspect "$c" >/dev/null 2>&1; then
		echo "demo: a container named $c exists and is not the demo's; remove it first" >&2
		exit 1
	fi
done
if ip route show 10.200.0.0/24 | grep -q . || ip -o addr show | grep -q ' 10\.200\.0\.'; then
	echo "demo: 10.200.0.0/24 is already in use on this host; not touching it" >&2
	exit 1
fi
run ./scripts/mkrootfs-busybox.sh "$demo_tmp/rootfs"
run $H link add hkdemo-br0 type bridge
run $H addr add 10.200.0.1/24 dev hkdemo-br0
run $H link set hkdemo-br0 up
i=0
for c in test01 test02; do
	i=$((i + 1))
	mkdir -p "$demo_tmp/www-$c"
	echo "hello from $c" >"$demo_tmp/www-$c/index.html"
	# a new pid/net/uts/ipc/mnt/cgroup namespace each; the net one is named /run/netns/<name>
	# and holds only lo (--network new: the talk wires it by hand; without it, hako joins
	# the default bridge network, as docker does)
	run $H run -d --name $c --hostname $c --network new -v "$demo_tmp/www-$c:/www:ro" \
		--rootfs "$demo_tmp/rootfs" -- httpd -f -p 80 -h /www
	# wire its network namespace with hako's own link commands, as the talk does with ip(8)
	run $H link add $c-br master hkdemo-br0 up type veth peer name eth0 netns $c
	run $H -n $c addr add 10.200.0.1$i/24 dev eth0
	run $H -n $c link set eth0 up
	run $H -n $c route add default via 10.200.0.1
done
run $H ps
run $H link show master hkdemo-br0
run $H exec test01 -- hostname
run $H exec test02 -- hostname
run $H exec test01 -- ip -4 -o addr show dev eth0
run ss -N test01 -tl
run ip netns exec test02 ss -tlp
run $H exec test01 -- ps
say "5b. reached from the host (curl) and from each other (busybox wget inside)"
run curl -sS --max-time 5 http://10.200.0.11/
run curl -sS --max-time 5 http://10.200.0.12/
run $H exec test01 -- timeout 5 wget -qO- http://10.200.0.12/
run $H exec test02 -- timeout 5 wget -qO- http://10.200.0.11/
run $H exec test02 -- ping -c 2 -W 2 10.200.0.11
# (busybox 1.35's wget -T crashes, so busybox timeout bounds it instead)
run $H stop -t 2 test01 test02
run $H ps -a
run $H rm test01 test02

say "done: everything named hkdemo*, test01 and test02 is removed now"
