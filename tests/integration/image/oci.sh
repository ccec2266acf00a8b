#!/bin/bash
# OCI image layout (built here: two layers, a whiteout, an opaque directory) and a docker-save
# archive load with verified digests; the merged view (overlay, and the copy fallback) is
# right; digest/size/diff_id mismatches and a missing blob are refused; concurrent imports
# of one layer store it once.
. "$HAKO_SRC/tests/lib/lib.sh"
DRV=${HAKO_IMAGE_DRIVER:-$(dirname "$HAKO")/tests/image_driver}
for t in python3 jq; do
	command -v $t >/dev/null || { skip "oci layout" "$t is not installed"; exit 0; }
done
W=$(mktemp -d "${HAKO_TEST_TMP:-/tmp}/oci.XXXXXX")
on_exit "umount -l '$W/m1' '$W/m2'; rm -rf '$W'"
S=$W/state

python3 - "$W" <<'PY'
import gzip, hashlib, io, json, os, shutil, sys, tarfile
W = sys.argv[1]

def tar_bytes(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for kind, name, *rest in entries:
            ti = tarfile.TarInfo(name); ti.mtime = 1700000000
            data = None
            if kind == "dir":
                ti.type = tarfile.DIRTYPE; ti.mode = rest[0] if rest else 0o755
            elif kind == "sym":
                ti.type = tarfile.SYMTYPE; ti.linkname = rest[0]
            else:
                data = rest[0]; ti.size = len(data); ti.mode = rest[1] if len(rest) > 1 else 0o644
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return b.getvalue()

l1 = tar_bytes([("dir", "etc/"), ("file", "etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
                ("file", "etc/gone", b"bye\n"), ("dir", "opq/"), ("file", "opq/old1", b"1"),
                ("dir", "opq/olddir/"), ("file", "opq/olddir/x", b"x"),
                ("dir", "keep/"), ("dir", "keep/sub/"), ("file", "keep/sub/file", b"kept\n"),
                ("sym", "keep/link", "sub/file"), ("file", "bin-tool", b"#!/bin/sh\n", 0o755)])
l2 = tar_bytes([("dir", "etc/"), ("file", "etc/.wh.gone", b""),
                ("file", "etc/passwd", b"root:x:0:0::/root:/bin/sh\nuser:x:1000:1000::/home:/bin/sh\n"),
                ("dir", "opq/"), ("file", "opq/.wh..wh..opq", b""), ("file", "opq/new", b"new\n"),
                ("file", "suid", b"#!/bin/sh\n", 0o4755), ("file", "sgid", b"x", 0o2755)])
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
l1gz = gzip.compress(l1, mtime=0)

def layout(root, l2blob, l2mt, diff2=None, ref="demo:1.0"):
    os.makedirs(root + "/blobs/sha256", exist_ok=True)
    def put(b):
        open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/bin:/bin", "GREETING=hello world"], "Cmd": ["/bin/sh", "-c", "echo hi"],
                   "Entrypoint": ["/bin/entry"], "WorkingDir": "/srv", "User": "1000:1000",
                   "ExposedPorts": {"8080/tcp": {}}},
        "rootfs": {"type": "layers", "diff_ids": [sha(l1), diff2 or sha(l2)]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(l1gz), "size": len(l1gz)},
                   {"mediaType": l2mt, "digest": put(l2blob), "size": len(l2blob)}]}).encode()
    idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": put(man), "size": len(man), "annotations": {"org.opencontainers.image.ref.name": ref}}]}
    open(root + "/index.json", "w").write(json.dumps(idx))
    open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
    return man

L2T = "application/vnd.oci.image.layer.v1.tar"
layout(W + "/good", l2, L2T)
with tarfile.open(W + "/good.tar", "w") as t:
    t.add(W + "/good", arcname=".")
# layer 2 blob altered (same size) -> digest mismatch
man = layout(W + "/baddigest", l2, L2T)
p = W + "/baddigest/blobs/sha256/" + sha(l2)[7:]
b = bytearray(open(p, "rb").read()); b[600] ^= 1; open(p, "wb").write(b)
# manifest blob altered
layout(W + "/badmanifest", l2, L2T)
p = W + "/badmanifest/blobs/sha256/" + sha(man)[7:]
open(p, "ab").write(b" ")
# config says another diff_id for layer 2
layout(W + "/baddiffid", l2, L2T, diff2=sha(b"something else"))
# layer 2 blob missing
layout(W + "/missing", l2, L2T)
os.unlink(W + "/missing/blobs/sha256/" + sha(l2)[7:])
# docker save: manifest.json, <hex>.json config, <id>/layer.tar
d = W + "/docker"
os.makedirs(d + "/l1"); os.makedirs(d + "/l2")
open(d + "/l1/layer.tar", "wb").write(l1); open(d + "/l2/layer.tar", "wb").write(l2)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/true"]},
                  "rootfs": {"type": "layers", "diff_ids": [sha(l1), sha(l2)]}}).encode()
open(d + "/" + sha(cfg)[7:] + ".json", "wb").write(cfg)
open(d + "/manifest.json", "w").write(json.dumps([{"Config": sha(cfg)[7:] + ".json",
    "RepoTags": ["demo:docker"], "Layers": ["l1/layer.tar", "l2/layer.tar"]}]))
with tarfile.open(W + "/docker.tar", "w") as t:
    t.add(d, arcname=".")
open(W + "/l1.tar", "wb").write(l1)
open(W + "/l2.tar", "wb").write(l2)
open(W + "/ids", "w").write(sha(l1) + " " + sha(l2) + "\n")
PY
read -r ID1 ID2 <"$W/ids"

out=$("$DRV" load "$S" "$W/good" 2>&1)
check "load OCI layout directory" test -n "$(printf '%s' "$out" | jq -e .layers 2>/dev/null)"
is "ref from the annotation" "$(printf '%s' "$out" | jq -r .ref)" "demo:1.0"
is "layers stored by diff_id" "$(printf '%s' "$out" | jq -r '[.layers[].diff_id]|join(" ")')" "$ID1 $ID2"
is "config Env" "$(printf '%s' "$out" | jq -c .env)" '["PATH=/usr/bin:/bin","GREETING=hello world"]'
is "config Cmd/Entrypoint" "$(printf '%s' "$out" | jq -c '[.cmd,.entrypoint]')" '[["/bin/sh","-c","echo hi"],["/bin/entry"]]'
is "config WorkingDir/User/ExposedPorts" "$(printf '%s' "$out" | jq -c '[.workdir,.user,.exposed_ports]')" '["/srv","1000:1000",["8080/tcp"]]'
out=$("$DRV" load "$S" "$W/good.tar" 2>&1)
is "load OCI layout tar: layers already there" "$(printf '%s' "$out" | jq -c '[.layers[].stored]')" "[false,false]"
is "unpacked tar removed afterwards" "$(ls -A "$S/layers/tmp" | wc -l)" 0

# the layer dirs: overlay-form whiteouts
is "whiteout stored as char 0/0" "$(stat -c '%F %t:%T' "$S/layers/sha256/${ID2#sha256:}/etc/gone")" \
	"character special file 0:0"
is "opaque dir xattr" "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$S/layers/sha256/${ID2#sha256:}/opq" 2>&1)" "y"

view() { (cd "$1" && find . -printf '%p %y %m %l\n' | sort && find . -type f -printf '%p %s\n' | sort); }
mkdir -p "$W/m1" "$W/u1" "$W/w1" "$W/m2" "$W/u2" "$W/w2"
is "overlay mount" "$("$DRV" mount "$S" "$W/m1" "$W/u1" "$W/w1" --overlay "$ID1" "$ID2" 2>&1)" overlay
is "merged: whiteout hides etc/gone" "$(test -e "$W/m1/etc/gone" && echo present || echo absent)" absent
is "merged: opaque dir shows only the top layer" "$(ls -A "$W/m1/opq" | tr '\n' ' ')" "new "
is "merged: upper file wins" "$(grep -c : "$W/m1/etc/passwd")" 2
is "merged: lower-only files stay" "$(cat "$W/m1/keep/sub/file")" kept
is "merged: symlink" "$(readlink "$W/m1/keep/link")" sub/file
is "merged: setuid/setgid kept" "$(stat -c %a "$W/m1/suid") $(stat -c %a "$W/m1/sgid")" "4755 2755"
is "copy fallback" "$("$DRV" mount "$S" "$W/m2" "$W/u2" "$W/w2" --copy "$ID1" "$ID2" 2>&1)" copy
is "copy fallback: same view as overlay" "$(view "$W/m2")" "$(view "$W/m1")"
"$DRV" extract --whiteouts apply "$W/l1.tar" "$W/flat" >/dev/null &&
	"$DRV" extract --whiteouts apply "$W/l2.tar" "$W/flat" >/dev/null
is "flattening (whiteouts applied): same view as overlay" "$(view "$W/flat")" "$(view "$W/m1")"
echo scribble >"$W/m1/etc/new-in-ct"
is "writes land in the upper dir only" \
	"$(cat "$W/u1/etc/new-in-ct"):$(ls "$S/layers/sha256/${ID2#sha256:}/etc" | tr '\n' ' ')" "scribble:gone passwd "

out=$("$DRV" load "$S" "$W/docker.tar" 2>&1)
is "docker save archive loads" "$(printf '%s' "$out" | jq -r '[.docker,.ref,(.cmd|join(" "))]|join(",")')" "true,demo:docker,/bin/true"
is "docker save: same diff_ids, stored once" "$(printf '%s' "$out" | jq -r '[.layers[].stored]|join(",")')" "false,false"

fresh() { rm -rf "$W/s2"; }
fresh
check_fail "layer digest mismatch refused" 2 "layer 1: digest mismatch: expected sha256:" "$DRV" load "$W/s2" "$W/baddigest"
fresh
check_fail "manifest digest mismatch refused" 2 "manifest sha256:[0-9a-f]+: size mismatch|manifest: digest mismatch" "$DRV" load "$W/s2" "$W/badmanifest"
fresh
check_fail "diff_id mismatch refused" 2 "layer 1: diff_id mismatch" "$DRV" load "$W/s2" "$W/baddiffid"
is "failed import leaves no tmp dir" "$(ls -A "$W/s2/layers/tmp" | wc -l)" 0
is "failed layer is not stored" "$("$DRV" ls "$W/s2" | grep -c "$ID2")" 0
fresh
check_fail "missing layer blob refused" 2 "layer 1: blob 'blobs/sha256/[0-9a-f]+' is missing" "$DRV" load "$W/s2" "$W/missing"
check_fail "not an image" 2 "not an OCI image layout or docker-save archive" "$DRV" load "$W/s2" "$W/l1.tar"
check_fail "unknown ref" 5 "no image named 'nope'" "$DRV" load "$W/s2" "$W/good" --ref nope

# concurrent imports of the same layer: stored once, all succeed
fresh
pids=()
for i in 1 2 3 4 5 6; do "$DRV" import "$W/s2" "$W/l1.tar" >"$W/imp.$i" 2>&1 & pids+=($!); done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
is "concurrent imports all succeed" "$rc" 0
is "stored exactly once" "$(cat "$W"/imp.* | jq -r 'select(.stored)|.diff_id' | wc -l) $("$DRV" ls "$W/s2")" "1 $ID1"
is "no leftovers (tmp, locks)" "$(ls -A "$W/s2/layers/tmp" "$W/s2/layers/locks" | grep -vc ':$\|^$')" 0
check "rm layer" "$DRV" rm "$W/s2" "$ID1"
is "no layer files remain" "$(find "$W/s2/layers" -mindepth 2 | wc -l)" 0
check_fail "rm unknown layer" 5 "no such layer" "$DRV" rm "$W/s2" "$ID1"
