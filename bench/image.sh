#!/bin/bash
# Images, two comparisons (one hyperfine invocation each):
#  1. start from an image vs from a directory: does `hako run IMAGE` copy anything?
#       hako run --rm IMAGE /bin/true          (overlay of the image's layer + a fresh upper)
#       hako run --rm --rootfs DIR /bin/true   (the same tree as a plain directory)
#  2. importing a ~100 MB rootfs tar (busybox + a slice of the host's /usr/lib, fixed order):
#       hako image import FILE                 (extract + sha256 of the stream + store)
#       tar -xf FILE                           (extraction alone, GNU tar)
#       umoci unpack                           (the same tree as an OCI layout, one tar+gzip
#                                               layer written by umoci repack)
#     each from an empty target (--prepare removes it; page cache warm).
# Usage (root): bench/image.sh [RUNS]   default 30 runs for 1, RUNS/6 (>= 3) for 2.
# Runs in a private mount+network namespace, state on tmpfs. Writes
# bench/results/image-{run,import}.{json,md} and image-summary.md.
# HAKO=path/to/hako uses that binary; otherwise HAKO_BUILD=DIR (default ./build) is built.
# (every hako run with --network new: a namespace of its own with lo, as before the default
# bridge network; joining a network is a cost of its own, not of what is measured here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-30}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" umoci hyperfine jq
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
work=$(mktemp -d /tmp/hako-bench-image.XXXXXX)
mount -t tmpfs -o size=4g bench-image "$work"
trap 'umount -l "$work"; rmdir "$work"' EXIT
H="$HAKO --root $work/hako"

# 1. run from an image vs from a directory
R=$work/rootfs
"$src/scripts/mkrootfs-busybox.sh" "$R" >/dev/null
$H image add-dir "$R" --name bench >/dev/null
hyperfine -N --style basic --warmup 5 --runs "$runs" \
	--export-json "$here/results/image-run.json" --export-markdown "$here/results/image-run.md" \
	-n "hako run --rm IMAGE" "$H run --rm --network new bench /bin/true" \
	-n "hako run --rm --rootfs DIR" "$H run --rm --network new --rootfs $R /bin/true"

# 2. a ~100 MB rootfs tar
big=$work/big
cp -a "$R" "$big"
python3 - "$big" <<'PY'
import os, shutil, sys
dst, total, limit = sys.argv[1], 0, 100 << 20
for dirpath, dirs, files in os.walk("/usr/lib/x86_64-linux-gnu"):
    dirs.sort()
    for f in sorted(files):
        p = os.path.join(dirpath, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        t = os.path.join(dst, p.lstrip("/"))
        os.makedirs(os.path.dirname(t), exist_ok=True)
        shutil.copy2(p, t)
        total += os.path.getsize(p)
        if total >= limit:
            sys.exit(0)
PY
tar -C "$big" -cf "$work/big.tar" .
size=$(stat -c %s "$work/big.tar")
umoci init --layout "$work/oci"
umoci new --image "$work/oci:bench"
umoci unpack --image "$work/oci:bench" "$work/bundle" >/dev/null
rm -rf "$work/bundle/rootfs" && cp -a "$big" "$work/bundle/rootfs"
umoci repack --image "$work/oci:bench" "$work/bundle" >/dev/null
rm -rf "$work/bundle" "$big"
iruns=$((runs / 6 > 3 ? runs / 6 : 3))
hyperfine -N --style basic --warmup 1 --runs "$iruns" \
	--prepare "rm -rf $work/i $work/x $work/u" \
	--export-json "$here/results/image-import.json" \
	--export-markdown "$here/results/image-import.md" \
	-n "hako image import" "$HAKO --root $work/i image import $work/big.tar" \
	-n "tar -x" "sh -c 'mkdir $work/x && tar -C $work/x -xf $work/big.tar'" \
	-n "umoci unpack" "umoci unpack --image $work/oci:bench $work/u"

med() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .median' "$here/results/$1.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.1f", a * 1000 }'; }
ri=$(med image-run "hako run --rm IMAGE")
rd=$(med image-run "hako run --rm --rootfs DIR")
ih=$(med image-import "hako image import")
it=$(med image-import "tar -x")
iu=$(med image-import "umoci unpack")
{
	echo "# hako images ($(date -u +%F))"
	echo
	echo "Machine: $(nproc) CPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"Linux $(uname -r), state on tmpfs; $(hyperfine --version), $(umoci --version)."
	echo
	echo "| start | median (ms) |"
	echo "|---|---:|"
	echo "| hako run --rm IMAGE /bin/true | $(ms "$ri") |"
	echo "| hako run --rm --rootfs DIR /bin/true | $(ms "$rd") |"
	echo
	echo "IMAGE / DIR: $(ratio "$ri" "$rd") (target <= 1.10). $runs runs each."
	echo
	echo "| import of a $((size >> 20)) MiB rootfs tar | median (ms) | × tar -x |"
	echo "|---|---:|---:|"
	echo "| hako image import | $(ms "$ih") | $(ratio "$ih" "$it") |"
	echo "| tar -x | $(ms "$it") | 1.00 |"
	echo "| umoci unpack (OCI layout, tar+gzip layer) | $(ms "$iu") | $(ratio "$iu" "$it") |"
	echo
	echo "$iruns runs each."
} >"$here/results/image-summary.md"
cat "$here/results/image-summary.md"
