#!/bin/bash
# hako as an OCI runtime against crun and runc, in one hyperfine run (-N, warm-ups), the same
# bundle (from `crun spec`: /bin/true, pid/network/ipc/uts/mount/cgroup namespaces, no
# seccomp), state on tmpfs:
#   RUNTIME run --bundle B ID          create + start + wait + delete, straight through
#   create, start, delete --force       the three commands an engine runs, from a sh script
#   podman run --rm --runtime RUNTIME  the same image through podman (conmon, storage, ...)
# crun 1.8.1 refuses the hybrid cgroup layout, so everything runs in a private mount namespace
# with /sys/fs/cgroup/unified unmounted (as bench/security.sh).
# Usage (root): bench/oci.sh [RUNS] (default 50). HAKO=path: a built hako.
# Writes bench/results/oci.{json,md}, oci-steps.{json,md}, oci-podman.{json,md} and
# oci-interleaved.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-50}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	if [ -z "${HAKO:-}" ]; then
		"$src/scripts/install-deps.sh" crun runc podman hyperfine jq
		build=${HAKO_BUILD:-$src/build-release}
		"$src/scripts/build.sh" "$build" --buildtype=release -Dtest_hooks=false >/dev/null
		HAKO=$(cd "$build" && pwd)/hako
	fi
	mkdir -p "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$HAKO" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
ip link set lo up
umount /sys/fs/cgroup/unified 2>/dev/null || true
work=$(mktemp -d /tmp/hako-bench-oci.XXXXXX)
mount -t tmpfs bench-oci "$work"
trap 'umount -l "$work"; rmdir "$work"' EXIT
R=$work/rootfs
"$src/scripts/mkrootfs-busybox.sh" "$R" >/dev/null
B=$work/bundle
mkdir -p "$B"
(cd "$B" && crun spec)
jq --arg r "$R" '.root = {path: $r, readonly: false} | .process.terminal = false |
	.process.args = ["/bin/true"] | .hostname = "bench" |
	.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"},
		{type: "mount"}, {type: "cgroup"}]' "$B/config.json" >"$work/c.json"
mv "$work/c.json" "$B/config.json"
ln -s "$HAKO" "$work/hako-runtime"
cd "$work"
hyperfine -N --style basic --warmup 10 --runs "$runs" \
	--export-json "$here/results/oci.json" --export-markdown "$here/results/oci.md" \
	-n "hako-runtime run" "$work/hako-runtime --root $work/h run --bundle $B b1" \
	-n "crun run" "crun --root $work/c run --bundle $B b1" \
	-n "runc run" "runc --root $work/r run --bundle $B b1"
# the three commands an engine runs (create, start, delete --force: the container may still be
# exiting), in one small shell script per runtime
for rt in hako-runtime crun runc; do
	bin=$rt
	[ "$rt" = hako-runtime ] && bin=$work/hako-runtime
	printf '#!/bin/sh\n%s --root %s create --bundle %s s1 </dev/null >/dev/null\n%s --root %s start s1\n%s --root %s delete --force s1\n' \
		"$bin" "$work/s-$rt" "$B" "$bin" "$work/s-$rt" "$bin" "$work/s-$rt" >"$work/cs-$rt"
	chmod +x "$work/cs-$rt"
done
hyperfine -N --style basic --warmup 5 --runs "$runs" \
	--export-json "$here/results/oci-steps.json" --export-markdown "$here/results/oci-steps.md" \
	-n "hako-runtime create+start+delete" "$work/cs-hako-runtime" \
	-n "crun create+start+delete" "$work/cs-crun" \
	-n "runc create+start+delete" "$work/cs-runc"
python3 "$here/interleave.py" "$runs" \
	"hako-runtime run::$work/hako-runtime --root $work/h run --bundle $B b1" \
	"crun run::crun --root $work/c run --bundle $B b1" \
	"runc run::runc --root $work/r run --bundle $B b1" >"$here/results/oci-interleaved.md"
cat "$here/results/oci-interleaved.md"
# podman: the same tree as an image, each runtime in turn
P="podman --root $work/storage --runroot $work/run --tmpdir $work/tmp --cgroup-manager cgroupfs
	--events-backend file"
tar -C "$R" -c . | $P import - localhost/bb >/dev/null
U="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=1024:1024 --network none"
hyperfine -N --style basic --warmup 3 --runs "$((runs / 5 > 5 ? runs / 5 : 5))" \
	--export-json "$here/results/oci-podman.json" --export-markdown "$here/results/oci-podman.md" \
	-n "podman run --rm (hako-runtime)" "$P --runtime $work/hako-runtime run --rm $U localhost/bb /bin/true" \
	-n "podman run --rm (crun)" "$P --runtime crun run --rm $U localhost/bb /bin/true" \
	-n "podman run --rm (runc)" "$P --runtime runc run --rm $U localhost/bb /bin/true"
