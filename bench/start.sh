#!/bin/bash
# Start latency (issue 19): a container that runs /bin/true and exits, side by side in one
# hyperfine run per cgroup layout, every runtime's state on tmpfs, the same busybox rootfs:
#   hako run --rm --network new --rootfs R -- /bin/true
#                                              default isolation (caps, seccomp, masks,
#                                              cgroup limits, the netns persisted and named);
#                                              --network new: a namespace of its own with lo,
#                                              as the OCI runtimes' bundles have (the default
#                                              bridge network, veth and DNS resolver are a
#                                              network's cost, not the runtime's)
#   crun run, crun --cgroup-manager=disabled run, runc run
#                                              an OCI bundle from `crun spec`/`runc spec`,
#                                              readonly false, terminal false, the same six
#                                              namespaces (pid, net, ipc, uts, mnt, cgroup)
#   bwrap --unshare-all --bind R / --proc /proc --dev /dev /bin/true
#   floor: unshare -fpmnui --mount-proc=R/proc chroot R /bin/true
#
# Three layouts, each in a mount namespace of its own:
#   v1      /sys/fs/cgroup/unified unmounted: Debian 12's crun 1.8.1 refuses the hybrid
#           layout ("cgroups in hybrid mode not supported"), so the peers run here
#   hybrid  the host's layout as it is (v1 controllers + the unified v2 tree): hako, floor
#   v2      /sys/fs/cgroup a cgroup2 mount (pure v2): hako, crun disabled, floor (crun with
#           cgroups fails there: it raises RLIMIT_MEMLOCK for its v2 device filter, and this
#           machine's sessions have no CAP_SYS_RESOURCE: "setrlimit (RLIM_MEMLOCK): Operation
#           not permitted")
# then, per layout, the CPU time per start (hyperfine's user + system, children included)
# and hako's peak RSS (/usr/bin/time -v), and on the hybrid layout 1000 starts in a row
# (wall time of each; the 1000th against the 10th, and the medians of the first and last
# hundred).
#
# The v1 layout is also measured interleaved (bench/interleave.py: one run of each command
# in turn, RUNS rounds), which a shared machine's changing load disturbs less.
#
# Usage (root): bench/start.sh [RUNS]     default RUNS 200
# Runs inside a private mount+network namespace: nothing touches the host's network,
# /run/netns or cgroup mounts. Writes bench/results/start-{v1,hybrid,v2}.{json,md},
# start-1000.txt and start-summary.md. HAKO_BUILD=DIR: build (release) in DIR instead of
# ./build-rel. HAKO_BASE=BINARY: another hako (an older build) in the v1 layout's run too.
# The machine may be shared: compare within one run (the ratios), not across.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-200}
nseq=${HAKO_BENCH_SEQ:-1000} # the starts in a row
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" crun runc bubblewrap hyperfine time jq
	build=${HAKO_BUILD:-$src/build-rel}
	"$src/scripts/build.sh" "$build" -Dbuildtype=release -Dtest_hooks=false >/dev/null
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$(cd "$build" && pwd)/hako" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
work=$(mktemp -d /tmp/hako-bench-start.XXXXXX)
mount -t tmpfs bench-start "$work"
trap 'umount -l "$work" && rmdir "$work"' EXIT
R=$work/rootfs
"$src/scripts/mkrootfs-busybox.sh" "$R" >/dev/null

bundle() { # RUNTIME DIR
	mkdir -p "$2"
	(cd "$2" && "$1" spec)
	jq --arg r "$R" '.root = {path: $r, readonly: false} | .process.terminal = false |
		.process.args = ["/bin/true"] | .hostname = "bench" |
		.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"},
			{type: "mount"}, {type: "cgroup"}]' "$2/config.json" >"$2/c.json"
	mv "$2/c.json" "$2/config.json"
}
bundle crun "$work/crun"
bundle runc "$work/runc"

# one layout: LAYOUT then NAME COMMAND pairs; hako's state in $work/hako-LAYOUT
layout() {
	local l=$1
	shift
	local args=()
	while [ $# -gt 0 ]; do
		args+=(-n "$1" "$2")
		shift 2
	done
	hyperfine -N --style basic --warmup 20 --runs "$runs" \
		--export-json "$here/results/start-$l.json" \
		--export-markdown "$here/results/start-$l.md" "${args[@]}" >/dev/null
	/usr/bin/time -v "$HAKO" --root "$work/hako-$l" run --rm --network new --rootfs "$R" -- /bin/true \
		2>"$work/time-$l.txt"
}
hako_cmd() { echo "$HAKO --root $work/hako-$1 run --rm --network new --rootfs $R -- /bin/true"; }
floor="unshare -fpmnui --mount-proc=$R/proc chroot $R /bin/true"
export -f layout hako_cmd
export work here runs R HAKO floor nseq HAKO_BASE

unshare --mount --propagation private -- bash -c '
	umount /sys/fs/cgroup/unified
	base=()
	[ -n "${HAKO_BASE:-}" ] && base=("hako (HAKO_BASE)" \
		"$HAKO_BASE --root $work/hako-base run --rm --network new --rootfs $R -- /bin/true")
	layout v1 hako "$(hako_cmd v1)" "${base[@]}" \
		"crun run" "crun --root $work/crun-state run --bundle $work/crun benchc" \
		"crun run, cgroups disabled" \
		"crun --cgroup-manager=disabled --root $work/crun-state run --bundle $work/crun benchd" \
		"runc run" "runc --root $work/runc-state run --bundle $work/runc benchr" \
		"bwrap --unshare-all" "bwrap --unshare-all --bind $R / --proc /proc --dev /dev /bin/true" \
		floor "$floor"
	# the same commands in turn, round after round: a shared machine'"'"'s drifting load hits
	# them alike (hyperfine runs each command'"'"'s runs in one block)
	ib=()
	[ -n "${HAKO_BASE:-}" ] && ib=("hako (HAKO_BASE)::$HAKO_BASE --root $work/hako-ibase run --rm --network new --rootfs $R -- /bin/true")
	python3 "$here/interleave.py" "$runs" "hako::$(hako_cmd v1i)" "${ib[@]}" \
		"crun run::crun --root $work/crun-state run --bundle $work/crun benchic" \
		"crun run, cgroups disabled::crun --cgroup-manager=disabled --root $work/crun-state run --bundle $work/crun benchid" \
		"bwrap --unshare-all::bwrap --unshare-all --bind $R / --proc /proc --dev /dev /bin/true" \
		"floor::$floor" >"$here/results/start-v1-interleaved.md"'
layout hybrid hako "$(hako_cmd hybrid)" floor "$floor"
unshare --mount --propagation private -- bash -c '
	umount -R /sys/fs/cgroup
	mount -t cgroup2 bench-cgroup2 /sys/fs/cgroup
	layout v2 hako "$(hako_cmd v2)" \
		"crun run, cgroups disabled" \
		"crun --cgroup-manager=disabled --root $work/crun-state run --bundle $work/crun benchd" \
		floor "$floor"'

# 1000 starts in a row (hybrid layout), the wall time of each in ms
cmd=$(hako_cmd seq)
for i in $(seq "$nseq"); do
	t0=$EPOCHREALTIME
	$cmd
	t1=$EPOCHREALTIME
	echo "$i $(((${t1/./} - ${t0/./}) / 10)) " # 10 µs units
done >"$here/results/start-1000.txt"

rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$1.txt"; }
table() { # LAYOUT
	jq -r 'def ms: . * 1000 * 100 | round / 100;
		(.results[] | select(.command == "hako") | .median) as $h |
		(.results[] | select(.command == "floor") | .median) as $f | .results[] |
		"| \(.command) | \(.median | ms) | \(.mean | ms) ± \(.stddev | ms) | \((.user + .system) | ms) | \(.median / $h * 100 | round / 100) | \(.median / $f * 100 | round / 100) |"' \
		"$here/results/start-$1.json"
}
ratios() { # LAYOUT
	jq -r '(.results[] | select(.command == "hako") | .median) as $h | [.results[] |
		select(.command != "hako") | "hako / \(.command) \($h / .median * 100 | round / 100)"] |
		join(", ")' "$here/results/start-$1.json"
}
{
	echo "# Start latency: hako run --rm vs crun, runc, bwrap and the floor ($(date -u '+%F %H:%M') UTC)"
	echo
	echo "Machine: $(nproc) CPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	echo "Versions: $(crun --version | head -1), $(runc --version | head -1)," \
		"$(bwrap --version), $(hyperfine --version); $runs runs each after 20 warm-ups."
	for l in v1 hybrid v2; do
		echo
		echo "## Layout $l (peak RSS of hako: $(rss "$l") KiB)"
		echo
		echo "| command | median (ms) | mean ± σ (ms) | CPU user + sys (ms) | × hako | × floor |"
		echo "|---|---:|---:|---:|---:|---:|"
		table "$l"
		echo
		echo "Medians: $(ratios "$l")."
	done
	echo
	echo "## Layout v1, interleaved (bench/interleave.py: the commands in turn, $runs rounds)"
	echo
	cat "$here/results/start-v1-interleaved.md"
	echo
	echo "## $nseq starts in a row (hybrid layout)"
	echo
	awk '{ t[$1] = $2 / 100 } END {
		printf "10th start %.2f ms, last (%d) %.2f ms (ratio %.2f)\n", t[10], NR, t[NR], t[NR] / t[10] }' \
		"$here/results/start-1000.txt"
	med() { sed -n "$1,$2p" "$here/results/start-1000.txt" | awk '{print $2 / 100}' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	a=$(med 1 $((nseq / 10))) b=$(med $((nseq - nseq / 10 + 1)) "$nseq")
	echo
	echo "median of the first tenth of the starts: $a ms, of the last tenth: $b ms" \
		"(ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }'))"
} >"$here/results/start-summary.md"
cat "$here/results/start-summary.md"
