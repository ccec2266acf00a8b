#!/bin/bash
# Pulling a ~100 MB (compressed) five-layer image from a registry on 127.0.0.1 (Debian's
# docker-registry, plain HTTP) into an empty store, in one hyperfine run:
#     hako pull                    (download, verify, unpack: layers in parallel)
#     skopeo copy docker:// oci:   (download and verify into an OCI layout; no unpack)
#     podman pull                  (download, verify, unpack into its overlay storage)
# then again with every layer present (warm: hako pull, podman pull).
# Usage (root): bench/pull.sh [RUNS] (default 5 cold, 20 warm). Runs in a private mount and
# network namespace, every store on tmpfs. Writes bench/results/pull-{cold,warm}.{json,md}
# and pull-summary.md. HAKO=path/to/hako uses that binary; otherwise HAKO_BUILD=DIR (default
# ./build) is built as a release.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
runs=${1:-5}
if [ -z "${HAKO_BENCH_INNER:-}" ]; then
	"$src/scripts/install-deps.sh" hyperfine jq podman
	if [ -z "${HAKO:-}" ]; then
		build=${HAKO_BUILD:-$src/build}
		"$src/scripts/build.sh" "$build" -Dbuildtype=release >/dev/null
		HAKO=$(cd "$build" && pwd)/hako
	fi
	mkdir -p "$here/results"
	exec env HAKO_BENCH_INNER=1 HAKO="$HAKO" \
		unshare --mount --net --propagation private -- "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d /tmp/hako-bench-pull.XXXXXX)
mount -t tmpfs -o size=6g bench-pull "$work"
cleanup() {
	if [ -n "${regpid:-}" ]; then kill "$regpid" 2>/dev/null; wait "$regpid" 2>/dev/null || true; fi
	umount -R -l "$work" || true
	rmdir "$work" || true
}
trap cleanup EXIT

# the registry
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REG=127.0.0.1:$port
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $REG
YML
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
regpid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://$REG/v2/" && break; sleep 0.1; done

# the image: five layers of files from /usr (sorted, so the same every run), tar+gzip
python3 - "$work/layout" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
root = sys.argv[1]
os.makedirs(root + "/blobs/sha256")
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
def put(b):
    open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
files = []
for top in ("/usr/lib", "/usr/share", "/usr/bin"):
    for dp, ds, fs in os.walk(top):
        ds.sort()
        for f in sorted(fs):
            p = os.path.join(dp, f)
            if not os.path.islink(p) and os.path.isfile(p):
                files.append(p)
layers, diff_ids, cur, size, compressed = [], [], [], 0, 0
def flush():
    global cur, size, compressed
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for p in cur:
            try:
                t.add(p, arcname=p.lstrip("/"), recursive=False)
            except OSError:
                pass
    raw = b.getvalue()
    gz = gzip.compress(raw, compresslevel=6, mtime=0)
    diff_ids.append(sha(raw))
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(gz), "size": len(gz)})
    compressed += len(gz)
    cur, size = [], 0
for p in files:
    cur.append(p); size += os.path.getsize(p)
    if size >= 60 << 20:
        flush()
        if len(layers) == 5 or compressed >= 100 << 20:
            break
if cur and len(layers) < 5:
    flush()
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": layers}).encode()
open(root + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(man), "size": len(man)}]}))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
print("%d layers, %.1f MiB compressed" % (len(layers), compressed / 2**20), file=sys.stderr)
PY
printf '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/policy.json"
skopeo --policy "$work/policy.json" copy -q --dest-tls-verify=false "oci:$work/layout" "docker://$REG/bench/img:1"
mb=$(du -sm "$work/registry" | cut -f1)

P="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
H="$HAKO --root $work/hako"
SK="skopeo --policy $work/policy.json copy -q --src-tls-verify=false docker://$REG/bench/img:1"
hyperfine -N --style basic --warmup 1 --runs "$runs" \
	--export-json "$here/results/pull-cold.json" --export-markdown "$here/results/pull-cold.md" \
	-n "hako pull" --prepare "rm -rf $work/hako" "$H pull -q --tls-verify=false $REG/bench/img:1" \
	-n "skopeo copy (OCI dir)" --prepare "rm -rf $work/sk" "$SK oci:$work/sk:img" \
	-n "podman pull" --prepare "sh -c '$P rmi -af >/dev/null 2>&1; rm -rf $work/podman $work/podman-run'" \
	"$P pull -q --tls-verify=false $REG/bench/img:1"
$H pull -q --tls-verify=false "$REG/bench/img:1" >/dev/null
$P pull -q --tls-verify=false "$REG/bench/img:1" >/dev/null
hyperfine -N --style basic --warmup 3 --runs $((runs * 4)) \
	--export-json "$here/results/pull-warm.json" --export-markdown "$here/results/pull-warm.md" \
	-n "hako pull (warm)" "$H pull -q --tls-verify=false $REG/bench/img:1" \
	-n "podman pull (warm)" "$P pull -q --tls-verify=false $REG/bench/img:1"
$P rmi -af >/dev/null 2>&1 || true

med() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .median' "$here/results/$1.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.1f", a * 1000 }'; }
hc=$(med pull-cold "hako pull")
sc=$(med pull-cold "skopeo copy (OCI dir)")
pc=$(med pull-cold "podman pull")
hw=$(med pull-warm "hako pull (warm)")
pw=$(med pull-warm "podman pull (warm)")
{
	echo "# hako pull ($(date -u +%F))"
	echo
	echo "Machine: $(nproc) CPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"Linux $(uname -r), stores on tmpfs, registry (docker-registry, HTTP) on 127.0.0.1;" \
		"$(hyperfine --version), $(skopeo --version), $(podman --version)."
	echo "Image: $(jq '.layers | length' "$work/layout/blobs/sha256/$(jq -r '.manifests[0].digest[7:]' "$work/layout/index.json")") layers, ${mb} MiB in the registry."
	echo
	echo "| cold pull (empty store) | median (ms) | × podman |"
	echo "|---|---:|---:|"
	echo "| hako pull | $(ms "$hc") | $(ratio "$hc" "$pc") |"
	echo "| skopeo copy to an OCI dir (no unpack) | $(ms "$sc") | $(ratio "$sc" "$pc") |"
	echo "| podman pull | $(ms "$pc") | 1.00 |"
	echo
	echo "| warm pull (every layer present) | median (ms) |"
	echo "|---|---:|"
	echo "| hako pull | $(ms "$hw") |"
	echo "| podman pull | $(ms "$pw") |"
	echo
	echo "Targets: cold hako/podman <= 0.60 (here $(ratio "$hc" "$pc")), warm hako < 50 ms" \
		"(here $(ms "$hw")). $runs cold runs, $((runs * 4)) warm runs each."
} >"$here/results/pull-summary.md"
cat "$here/results/pull-summary.md"
