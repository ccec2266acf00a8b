#!/bin/bash
# Container start-to-exit, side by side in one hyperfine run:
#   hako run --rm --rootfs R -- /bin/true
#   crun run / runc run   an OCI bundle of the same rootfs, the same namespaces (pid, net, ipc,
#                         uts, mnt, cgroup), config.json from `crun spec` / `runc spec` with
#                         readonly false, terminal false, args /bin/true
#   bwrap --unshare-all   --bind R / --proc /proc --dev /dev /bin/true
#   floor                 unshare -fpmnui --mount-proc=R/proc chroot R /bin/true
# plus the peak RSS of the hako process (/usr/bin/time -v).
#
# Debian 12's crun 1.8.1 refuses a hybrid cgroup v1+v2 layout outright ("cgroups in hybrid
# mode not supported"), so the comparison runs inside a private mount namespace where
# /sys/fs/cgroup/unified is unmounted: every contender sees the same v1-only layout there.
# hako works on the hybrid layout as it is: a second, hako-only hyperfine run measures it
# there (and with its state on disk instead of tmpfs).
#
# Usage (root): bench/run.sh [RUNS]      default RUNS 300
# Runs inside a private mount+network namespace: nothing touches the host's network or
# /run/netns. Writes bench/results/run.{json,md}, run-hybrid.{json,md} and run-summary.md.
# HAKO_BUILD=DIR: build (release) in DIR instead of ./build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-300}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" crun runc bubblewrap hyperfine time jq
	build=${HAKO_BUILD:-$src/build}
	"$src/scripts/build.sh" "$build" -Dbuildtype=release >/dev/null
	mkdir -p /run/netns "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$(cd "$build" && pwd)/hako" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
mount -t tmpfs bench-netns /run/netns
ip link set lo up
work=$(mktemp -d /tmp/hako-bench-run.XXXXXX)
disk=/var/tmp/hako-bench-disk # hako's default state is on disk (/var/lib/hako)
mount -t tmpfs bench-run "$work" # state of every runtime on tmpfs (crun's and runc's is /run)
cleanup() {
	umount -l "$disk/run/ns" 2>/dev/null || true
	rm -rf "$disk"
	umount -l "$work" && rmdir "$work"
}
trap cleanup EXIT
R=$work/rootfs
"$src/scripts/mkrootfs-busybox.sh" "$R" >/dev/null

# OCI bundles: same rootfs (absolute path), same namespaces as hako's default
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

cat >"$work/hybrid.sh" <<EOF
hyperfine -N --style basic --warmup 20 --runs $runs \\
	--export-json "$here/results/run-hybrid.json" --export-markdown "$here/results/run-hybrid.md" \\
	-n "hako (hybrid cgroups, state on tmpfs)" "$HAKO --root $work/hako-hybrid run --rm --network new --rootfs $R -- /bin/true" \\
	-n "hako (hybrid cgroups, state on disk)" "$HAKO --root $disk run --rm --network new --rootfs $R -- /bin/true"
EOF

# the peers' cgroup layout: v1 only (see above)
inner() {
	umount /sys/fs/cgroup/unified
	cd "$work"
	hyperfine -N --style basic --warmup 20 --runs "$runs" \
		--export-json "$here/results/run.json" --export-markdown "$here/results/run.md" \
		-n "hako run" "$HAKO --root $work/hako run --rm --network new --rootfs $R -- /bin/true" \
		-n "crun run" "crun --root $work/crun-state run --bundle $work/crun benchc" \
		-n "runc run" "runc --root $work/runc-state run --bundle $work/runc benchr" \
		-n "bwrap --unshare-all" "bwrap --unshare-all --bind $R / --proc /proc --dev /dev /bin/true" \
		-n "floor: unshare -fpmnui chroot" "unshare -fpmnui --mount-proc=$R/proc chroot $R /bin/true"
	/usr/bin/time -v "$HAKO" --root "$work/hako" run --rm --network new --rootfs "$R" -- /bin/true \
		2>"$work/time-v.txt"
}
export -f inner
export work here runs R HAKO
unshare --mount --propagation private -- bash -c inner
# hako alone on the host's hybrid layout as it is
bash "$work/hybrid.sh"
/usr/bin/time -v "$HAKO" --root "$work/hako-hybrid" run --rm --network new --rootfs "$R" -- /bin/true \
	2>"$work/time-v-hybrid.txt"
umount -l "$disk/run/ns" 2>/dev/null || true
rm -rf "$disk"

rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
{
	echo "# hako run vs crun, runc, bwrap, and the floor ($(date -u +%F))"
	echo
	echo "Machine: $(nproc) CPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
		"Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")."
	echo "Versions: $(crun --version | head -1), $(runc --version | head -1)," \
		"$(bwrap --version), $(hyperfine --version), $runs runs each after 20 warm-ups."
	echo
	echo "| command | median (ms) | mean ± σ (ms) | CPU user + sys, mean (ms) | median × hako's |"
	echo "|---|---:|---:|---:|---:|"
	jq -r 'def ms: . * 1000 * 100 | round / 100;
		(.results[] | select(.command == "hako run") | .median) as $h | .results[] |
		"| \(.command) | \(.median | ms) | \(.mean | ms) ± \(.stddev | ms) | \(.user | ms) + \(.system | ms) | \(.median / $h * 100 | round / 100) |"' \
		"$here/results/run.json"
	echo
	jq -r '(.results[] | select(.command == "hako run") | .median) as $h | .results[] |
		select(.command != "hako run") |
		"- hako / \(.command): \($h / .median * 100 | round / 100)"' "$here/results/run.json"
	echo
	echo "hako on the host's hybrid layout (cgroups v1 + unified v2, as the host is):"
	echo
	jq -r '.results[] | "- \(.command): median \(.median * 1000 * 100 | round / 100) ms, CPU user + sys \((.user + .system) * 1000 * 100 | round / 100) ms"' \
		"$here/results/run-hybrid.json"
	echo
	echo "Peak RSS of the hako process (/usr/bin/time -v, maximum resident set size):" \
		"$(rss "$work/time-v.txt") KiB (v1-only layout), $(rss "$work/time-v-hybrid.txt") KiB (hybrid)."
} >"$here/results/run-summary.md"
cat "$here/results/run-summary.md"
