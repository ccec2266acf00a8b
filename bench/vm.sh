#!/bin/bash
# Time from starting a VM to the guest answering ping, the test guest of scripts/mkguest.sh
# on a tap in a bridge, same accelerator, memory and qemu options for every contender:
#   hako     hako vm run --network NET (tap made and plugged by hako, IPAM lease, ip= param)
#   floor    by hand: ip tuntap add + ip link set master/up + qemu-system-x86_64 with
#            -netdev tap,ifname=...,script=no (the guest given the same ip= by hand)
#   libvirt  virt-install --import, when virt-install and a libvirtd are there (not on the
#            reference machine: skipped, and said so)
# Runs alternate (hako, floor, hako, ...); each ends with the VM removed. The clock starts
# right before the command and stops at the first echo reply (ping every 50 ms).
# Usage (root): bench/vm.sh [RUNS] [ACCEL]   default 5 runs, accel tcg (kvm: if /dev/kvm)
# Runs in a private mount+network namespace, state on tmpfs. Writes bench/results/vm.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-5}
accel=${2:-tcg}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" jq
	if [ -z "${HAKO:-}" ]; then
		build=${HAKO_BUILD:-$src/build}
		"$src/scripts/build.sh" "$build" -Dbuildtype=release >/dev/null
		HAKO=$(cd "$build" && pwd)/hako
	fi
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$HAKO" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
work=$(mktemp -d /tmp/hako-bench-vm.XXXXXX)
mount -t tmpfs bench-vm "$work"
trap 'umount -l "$work"; rmdir "$work"' EXIT
H="$HAKO --root $work/hako"
G=$("$src/scripts/mkguest.sh" --cached)
$H network create --subnet 10.214.0.0/24 bnet >/dev/null 2>&1
br=$($H network inspect bnet | jq -r '.[0].bridge')

now() { date +%s.%N; }
# ping ADDR until the first reply (50 ms apart, 120 s at most)
answered() { ping -q -n -c 1 -i 0.05 -w 120 "$1" >/dev/null; }

hako_once() {
	local t0 t1
	t0=$(now)
	$H vm run --name b --network bnet --accel "$accel" --memory 192 \
		--kernel "$G/vmlinuz" --initrd "$G/initrd.img" --append quiet >/dev/null
	answered 10.214.0.2
	t1=$(now)
	$H vm rm -f b >/dev/null
	echo "$t1 - $t0" | bc
}

floor_once() {
	local t0 t1 cpu=max
	[ "$accel" = kvm ] && cpu=host
	t0=$(now)
	ip tuntap add tapb mode tap vnet_hdr
	ip link set tapb master "$br" up
	qemu-system-x86_64 -name b -machine "pc,accel=$accel" -cpu "$cpu" -m 192 -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-chardev "pty,id=con0,logfile=$work/floor.log" -serial chardev:con0 \
		-kernel "$G/vmlinuz" -initrd "$G/initrd.img" \
		-append "console=ttyS0 quiet ip=10.214.0.3::10.214.0.1:255.255.255.0::eth0:off" \
		-netdev tap,id=net0,ifname=tapb,script=no,downscript=no \
		-device virtio-net-pci,netdev=net0,mac=52:54:00:00:be:01 \
		-pidfile "$work/floor.pid" -daemonize >/dev/null 2>&1
	answered 10.214.0.3
	t1=$(now)
	local pid
	pid=$(cat "$work/floor.pid")
	kill "$pid"
	# gone, or a zombie its new parent has not reaped yet
	while [ -n "$(awk '$3 != "Z"' /proc/"$pid"/stat 2>/dev/null)" ]; do sleep 0.05; done
	ip tuntap del tapb mode tap 2>/dev/null || true
	echo "$t1 - $t0" | bc
}

declare -a th tf
for ((i = 0; i < runs; i++)); do
	th+=("$(hako_once)")
	tf+=("$(floor_once)")
	echo "run $((i + 1)): hako ${th[-1]} s, floor ${tf[-1]} s" >&2
done
$H network rm bnet >/dev/null
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1; s+=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f s | %.2f s | %.2f-%.2f s", m, s/NR, a[1], a[NR]}'; }
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
libvirt="not measured: virt-install/libvirtd not installed"
if command -v virt-install >/dev/null && virsh -c qemu:///system version >/dev/null 2>&1; then
	libvirt="not measured: a libvirtd is there but this script does not drive it yet"
fi
{
	echo "accel $accel, $runs runs each, guest: scripts/mkguest.sh ($(basename "$G"))"
	echo
	echo "| contender | median | mean | range |"
	echo "|---|---:|---:|---:|"
	echo "| hako vm run --network | $(stats "${th[@]}") |"
	echo "| ip tuntap + qemu-system-x86_64 (floor) | $(stats "${tf[@]}") |"
	echo
	echo "ratio hako / floor (medians): $(echo "scale=3; $(med "${th[@]}") / $(med "${tf[@]}")" | bc)"
	echo "libvirt virt-install --import: $libvirt"
} | tee "$here/results/vm.md"
