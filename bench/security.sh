#!/bin/bash
# The cost of the default isolation, in one hyperfine run (-N, warm-ups), same busybox rootfs,
# state on tmpfs, a container that runs /bin/true and exits:
#   hako run --rm                   defaults: 14 caps, no_new_privs, seccomp (cached on disk),
#                                   masks, device allowlist, exec trampoline in a sealed memfd
#   hako run --rm --privileged      all caps, no seccomp, no masks, no device allowlist
#   hako run --rm, seccomp compiled each run (the on-disk cache removed before each run)
#   hako run --rm --security-opt seccomp=unconfined   the defaults without seccomp (what
#                                   loading the filter costs)
#   crun run                        an OCI bundle from `crun spec` (crun's default spec: its
#                                   default caps, masked paths, no seccomp), args /bin/true
# crun 1.8.1 refuses the hybrid cgroup layout, so everything runs in a private mount
# namespace with /sys/fs/cgroup/unified unmounted (as bench/run.sh).
# Usage (root): bench/security.sh [RUNS]  (default 100). HAKO=path: a built hako. On a shared
# machine `nice -n -15 bench/security.sh` keeps the other load from preempting the runs (all
# commands alike).
# Writes bench/results/security.{json,md} and security-interleaved.md.
# (every hako run with --network new: a namespace of its own with lo, as before the default
# bridge network; joining a network is a cost of its own, not of what is measured here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-100}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	if [ -z "${HAKO:-}" ]; then
		"$src/scripts/install-deps.sh" crun hyperfine jq
		build=${HAKO_BUILD:-$src/build}
		"$src/scripts/build.sh" "$build" -Dbuildtype=release >/dev/null
		HAKO=$(cd "$build" && pwd)/hako
	fi
	mkdir -p "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$HAKO" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
mkdir -p /run/netns
mount -t tmpfs bench-netns /run/netns
ip link set lo up
umount /sys/fs/cgroup/unified 2>/dev/null || true
work=$(mktemp -d /tmp/hako-bench-sec.XXXXXX)
mount -t tmpfs bench-sec "$work"
trap 'umount -l "$work"; rmdir "$work"' EXIT
R=$work/rootfs
"$src/scripts/mkrootfs-busybox.sh" "$R" >/dev/null
mkdir -p "$work/crun"
(cd "$work/crun" && crun spec)
jq --arg r "$R" '.root = {path: $r, readonly: false} | .process.terminal = false |
	.process.args = ["/bin/true"] | .hostname = "bench" |
	.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"},
		{type: "mount"}, {type: "cgroup"}]' "$work/crun/config.json" >"$work/c.json"
mv "$work/c.json" "$work/crun/config.json"
H="$HAKO --root $work/hako"
cd "$work"
# --prepare is per command, in order: only the third clears the seccomp cache
hyperfine -N --style basic --warmup 10 --runs "$runs" \
	--export-json "$here/results/security.json" --export-markdown "$here/results/security.md" \
	--prepare true --prepare true --prepare "rm -rf $work/hako/state/seccomp" \
	--prepare true --prepare true \
	-n "hako run (defaults)" "$H run --rm --network new --rootfs $R -- /bin/true" \
	-n "hako run --privileged" "$H run --rm --network new --privileged --rootfs $R -- /bin/true" \
	-n "hako run (defaults, seccomp compiled each run)" "$H run --rm --network new --rootfs $R -- /bin/true" \
	-n "hako run (defaults, seccomp=unconfined)" \
	"$H run --rm --network new --security-opt seccomp=unconfined --rootfs $R -- /bin/true" \
	-n "crun run (crun spec)" "crun --root $work/crun-state run --bundle $work/crun benchs"
# the same three hako variants and crun again, interleaved run by run (bench/interleave.py,
# which also reports CPU time): on a shared machine the load drifts during a hyperfine run by
# more than the ~1 ms measured here
python3 "$here/interleave.py" "$runs" \
	"hako run (defaults)::$H run --rm --network new --rootfs $R -- /bin/true" \
	"hako run --privileged::$H run --rm --network new --privileged --rootfs $R -- /bin/true" \
	"hako run (defaults, seccomp=unconfined)::$H run --rm --network new --security-opt seccomp=unconfined --rootfs $R -- /bin/true" \
	"crun run (crun spec)::crun --root $work/crun-state run --bundle $work/crun benchs" \
	>"$here/results/security-interleaved.md"
cat "$here/results/security-interleaved.md"
jq -r 'def ms: . * 1000 * 100 | round / 100; .results[] |
	"| \(.command) | \(.median | ms) | \(.mean | ms) ± \(.stddev | ms) | \(.user | ms) + \(.system | ms) |"' \
	"$here/results/security.json"
