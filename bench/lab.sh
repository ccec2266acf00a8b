#!/bin/bash
# A star lab: N network namespaces, each joined to one bridge by a veth pair, with lo and
# eth0 up and an address each. Deployed and destroyed by
#   hako lab     one lab file (the bridge in a namespace of its own, ports p1..pN),
#   ip -batch    the root-namespace steps in one batch, one `ip -n NS -batch -` per namespace,
#   ip loop      one ip(8) command per step (N <= 100 unless HAKO_BENCH_LOOP_MAX is raised),
#   mininet      `mn --topo single,N --switch lxbr --controller none` (N <= 100): the same
#                star on a Linux bridge (Open vSwitch, mn's default, needs a kernel module this
#                VM cannot load; a bridge is what the others make too),
# in one run, each timed three ways: deploy, destroy (the command returns), and until the
# kernel has really freed the devices (no veth left, /run/netns empty).
#
# Usage (root): bench/lab.sh [N...]        default: 10 100 1000
# Runs in a private mount+network namespace: nothing touches the host's network.
# Prints a markdown table (seconds, median of RUNS runs; HAKO_BENCH_RUNS, default 3).
# HAKO_BENCH_ONLY="hako ip-batch" runs only the contenders named (hako, ip-batch, ip-loop,
# mininet; default all).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" mininet bridge-utils bc
	[ -x "${HAKO:-$src/build/hako}" ] || "$src/scripts/build.sh" "$src/build" >/dev/null
	mkdir -p /run/netns
	exec env HAKO_BENCH_INNER=1 unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
HAKO=${HAKO:-$src/build/hako}
work=$(mktemp -d /tmp/hako-bench-lab.XXXXXX)
mount -t tmpfs bench-lab "$work"
trap 'umount -l "$work"; rm -rf "$work"' EXIT
ROOT=$work/root
RUNS=${HAKO_BENCH_RUNS:-3}
LOOP_MAX=${HAKO_BENCH_LOOP_MAX:-100}
ONLY=" ${HAKO_BENCH_ONLY:-hako ip-batch ip-loop mininet} "
want() { [[ $ONLY == *" $1 "* ]]; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000)

now() { date +%s.%N; }
wait_gone() {
	while [ -n "$(ip -o link show type veth)" ] || [ -n "$(ls /run/netns)" ] ||
		ip link show br0 >/dev/null 2>&1; do
		sleep 0.01
	done
}
# The kernel frees a namespace's insides in a worker long after its devices are gone (at
# N=1000, seconds later), under the RTNL lock: each run waits (untimed) until that is done,
# the count of network namespaces (/proc/slabinfo) steady for a second, so no run pays for
# the one before (at most a minute: other work on the machine may make namespaces too).
nns() { awk '$1 == "net_namespace" {print $2}' /proc/slabinfo 2>/dev/null; }
settle() {
	local a b i
	a=$(nns)
	for ((i = 0; i < 60; i++)); do
		sleep 1
		b=$(nns)
		[ "$b" != "$a" ] || break
		a=$b
	done
}
# run NAME UP DOWN: RUNS times; prints "NAME deploy destroy gone" medians
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
run() {
	local name=$1 up=$2 down=$3 i t0 t1 t2 t3
	local -a dep=() des=() gone=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$(now)
		bash -c "$up" >/dev/null
		t1=$(now)
		bash -c "$down" >/dev/null
		t2=$(now)
		wait_gone
		t3=$(now)
		settle
		dep+=("$(echo "$t1 - $t0" | bc)")
		des+=("$(echo "$t2 - $t1" | bc)")
		gone+=("$(echo "$t3 - $t1" | bc)")
	done
	printf '%s\t%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${dep[@]}" | median)" \
		"$(printf '%s\n' "${des[@]}" | median)" "$(printf '%s\n' "${gone[@]}" | median)"
}

echo "| N | contender | deploy (s) | destroy (s) | until freed (s) | deploy per node (ms) |"
echo "|---:|---|---:|---:|---:|---:|"
settle
for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	{
		echo "name: star"
		echo "topology:"
		echo "  nodes:"
		echo "    br0: {kind: bridge}"
		for i in $(seq 1 "$n"); do
			echo "    s$i: {kind: netns, interfaces: {eth0: {ipv4: 10.$((i / 250)).$((i % 250)).1/8}}}"
		done
		echo "  links:"
		for i in $(seq 1 "$n"); do echo "    - endpoints: [\"s$i:eth0\", \"br0:p$i\"]"; done
	} >"$d/star.yml"
	{
		echo "link add br0 type bridge"
		echo "link set br0 up"
		for i in $(seq 1 "$n"); do
			echo "netns add s$i"
			echo "link add v$i type veth peer name eth0 netns s$i"
			echo "link set v$i master br0 up"
		done
	} >"$d/ip-root.txt"
	for i in $(seq 1 "$n"); do echo "netns del s$i"; done >"$d/ip-down.txt"
	echo "link del br0" >>"$d/ip-down.txt"
	{
		echo "ip -batch $d/ip-root.txt"
		echo "for i in \$(seq 1 $n); do"
		echo '  printf "link set lo up\nlink set eth0 up\naddr add 10.%d.%d.1/8 dev eth0\n" $((i / 250)) $((i % 250)) | ip -n s$i -batch -'
		echo 'done'
	} >"$d/ip-batch-up.sh"
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
	} >"$d/ip-loop-up.sh"
	{
		echo "for i in \$(seq 1 $n); do ip netns del s\$i; done; ip link del br0"
	} >"$d/ip-loop-down.sh"
	rows=()
	if want hako; then
		rows+=("$(run "hako lab" "$HAKO --root $ROOT lab deploy -q $d/star.yml" "$HAKO --root $ROOT lab destroy star")")
	fi
	if want ip-batch; then
		rows+=("$(run "ip -batch" "bash $d/ip-batch-up.sh" "ip -batch $d/ip-down.txt")")
	fi
	if want ip-loop && [ "$n" -le "$LOOP_MAX" ]; then
		rows+=("$(run "ip loop" "bash $d/ip-loop-up.sh" "bash $d/ip-loop-down.sh")")
	fi
	if want mininet && command -v mn >/dev/null && [ "$n" -le 100 ]; then
		rows+=("$(run "mininet" "mn --topo single,$n --switch lxbr --controller none --test none 2>/dev/null" "mn -c 2>/dev/null")")
	fi
	for r in "${rows[@]}"; do
		IFS=$'\t' read -r name dep des gone <<<"$r"
		printf '| %s | %s | %.3f | %.3f | %.3f | %.2f |\n' "$n" "$name" "$dep" "$des" "$gone" \
			"$(echo "$dep * 1000 / $n" | bc -l)"
	done
done
