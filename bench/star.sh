#!/bin/bash
# Build and tear down a "star": N network namespaces, each joined to one bridge by a veth
# pair, with an address and lo/eth0 up in each namespace. Three ways, side by side in one
# hyperfine run: a loop of ip(8) commands, ip -batch (plus one `ip -n NS -batch` per
# namespace, since an iproute2 batch cannot switch namespace per line), and hako -b in the
# same order as ip -batch and in per-namespace order.
#
# Usage (root): bench/star.sh [N...]        default: 10 100 1000
# Runs inside a private mount+network namespace: nothing touches the host's network.
# Writes bench/results/star-N.json and .md (hyperfine exports).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" hyperfine
	"$src/scripts/build.sh" "$src/build" -Dbuildtype=release >/dev/null
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
HAKO=${HAKO:-$src/build/hako}
work=$(mktemp -d /tmp/hako-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000)

for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	# Wait until the kernel has really destroyed the devices of deleted namespaces (it does
	# so asynchronously), so the next run can reuse the names. Same for every contender.
	wait_gone='while [ -n "$(ip -o link show type veth)" ]; do sleep 0.02; done'
	{
		echo "ip link add br0 type bridge; ip link set br0 up"
		echo "for i in \$(seq 1 $n); do"
		echo '  ip netns add s$i'
		echo '  ip link add v$i type veth peer name eth0 netns s$i'
		echo '  ip link set v$i master br0 up'
		echo '  ip -n s$i link set lo up'
		echo '  ip -n s$i link set eth0 up'
		echo '  ip -n s$i addr add 10.$((i / 250)).$((i % 250)).1/8 dev eth0'
		echo 'done'
		echo "for i in \$(seq 1 $n); do ip netns del s\$i; done"
		echo "ip link del br0; $wait_gone"
	} >"$d/ip-loop.sh"
	{
		echo "link add br0 type bridge"
		echo "link set br0 up"
		for i in $(seq 1 "$n"); do
			echo "netns add s$i"
			echo "link add v$i type veth peer name eth0 netns s$i"
			echo "link set v$i master br0 up"
		done
	} >"$d/ip-batch-root.txt"
	for i in $(seq 1 "$n"); do echo "netns del s$i"; done >"$d/ip-batch-down.txt"
	echo "link del br0" >>"$d/ip-batch-down.txt"
	{
		echo "ip -batch $d/ip-batch-root.txt"
		echo "for i in \$(seq 1 $n); do"
		echo '  printf "link set lo up\nlink set eth0 up\naddr add 10.%d.%d.1/8 dev eth0\n" $((i / 250)) $((i % 250)) | ip -n s$i -batch -'
		echo 'done'
		echo "ip -batch $d/ip-batch-down.txt; $wait_gone"
	} >"$d/ip-batch.sh"
	# hako, same order as the ip -batch contender: everything in the root namespace first,
	# then each namespace's own settings (one file, -n per line).
	{
		echo "link add br0 type bridge"
		echo "link set br0 up"
		for i in $(seq 1 "$n"); do
			echo "netns add s$i"
			echo "link add v$i master br0 up type veth peer name eth0 netns s$i"
		done
		for i in $(seq 1 "$n"); do
			echo "-n s$i link set lo up"
			echo "-n s$i link set eth0 up"
			echo "-n s$i addr add 10.$((i / 250)).$((i % 250)).1/8 dev eth0"
		done
	} >"$d/hako-up.txt"
	# hako, one namespace completely after the other: the order a person writes by hand.
	{
		echo "link add br0 type bridge"
		echo "link set br0 up"
		for i in $(seq 1 "$n"); do
			echo "netns add s$i"
			echo "link add v$i master br0 up type veth peer name eth0 netns s$i"
			echo "-n s$i link set lo up"
			echo "-n s$i link set eth0 up"
			echo "-n s$i addr add 10.$((i / 250)).$((i % 250)).1/8 dev eth0"
		done
	} >"$d/hako-up-interleaved.txt"
	for i in $(seq 1 "$n"); do echo "netns del s$i"; done >"$d/hako-down.txt"
	echo "link del br0" >>"$d/hako-down.txt"
	echo "$HAKO -b $d/hako-up.txt && $HAKO -b $d/hako-down.txt; $wait_gone" >"$d/hako.sh"
	echo "$HAKO -b $d/hako-up-interleaved.txt && $HAKO -b $d/hako-down.txt; $wait_gone" >"$d/hako-il.sh"

	runs=10 warmup=1
	[ "$n" -ge 100 ] && runs=5
	[ "$n" -ge 1000 ] && runs=2 warmup=0
	hyperfine --shell=bash --runs "$runs" --warmup "$warmup" \
		--export-json "$here/results/star-$n.json" --export-markdown "$here/results/star-$n.md" \
		-n "ip loop (N=$n)" "bash $d/ip-loop.sh" \
		-n "ip -batch (N=$n)" "bash $d/ip-batch.sh" \
		-n "hako -b (N=$n)" "bash $d/hako.sh" \
		-n "hako -b, per-namespace order (N=$n)" "bash $d/hako-il.sh"
done
