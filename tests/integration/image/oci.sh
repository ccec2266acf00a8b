#!/bin/bash
# `hako image load` of an OCI image layout (built here: two layers, a whiteout, an opaque
# directory) and a docker-save archive, with verified digests; the layers in the store (overlay
# whiteouts: char 0/0, trusted.overlay.opaque); the merged view of a container (overlay, and
# the copy fallback) is right; digest/size/diff_id mismatches and a missing blob are refused
# and leave nothing; concurrent imports of one layer store it once. (Flattening with whiteouts
# applied, a library mode no command uses alone, is in tests/unit/test_archive.c.)
. "$HAKO_SRC/tests/lib/lib.sh"
for t in python3 jq; do
	command -v $t >/dev/null || { skip "oci layout" "$t is not installed"; exit 0; }
done
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
S=$ROOT/state
# a second, fresh hako root for the refusals
ROOT2=$HAKO_TEST_TMP/root2
h2() { "$HAKO" --root "$ROOT2" "$@"; }

python3 - "$W" "$R/bin/busybox" <<'PY'
import gzip, hashlib, io, json, os, shutil, sys, tarfile
W, BB = sys.argv[1], sys.argv[2]

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
            elif kind == "busybox":
                data = open(BB, "rb").read(); ti.size = len(data); ti.mode = 0o755
            else:
                data = rest[0]; ti.size = len(data); ti.mode = rest[1] if len(rest) > 1 else 0o644
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return b.getvalue()

l1 = tar_bytes([("dir", "etc/"), ("file", "etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
                ("file", "etc/gone", b"bye\n"), ("dir", "opq/"), ("file", "opq/old1", b"1"),
                ("dir", "opq/olddir/"), ("file", "opq/olddir/x", b"x"),
                ("dir", "keep/"), ("dir", "keep/sub/"), ("file", "keep/sub/file", b"kept\n"),
                ("sym", "keep/link", "sub/file"), ("file", "bin-tool", b"#!/bin/sh\n", 0o755),
                ("dir", "bin/"), ("busybox", "bin/busybox"), ("sym", "bin/sh", "busybox"),
                ("file", "bin/entry", b'#!/bin/sh\nexec "$@"\n', 0o755), ("dir", "tmp/", 0o1777)])
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

id=$(h image load "$W/good" 2>&1)
check "load OCI layout directory" test "${id#sha256:}" != "$id"
cfg() { h image inspect demo:1.0 | jq -c ".[0].config.config | $1"; }
is "ref from the annotation" "$(h -j image ls | jq -r '.[].name')" "demo:1.0"
is "layers stored by diff_id" "$(h image inspect demo:1.0 | jq -r '[.[0].layers[].diff_id]|join(" ")')" "$ID1 $ID2"
is "config Env" "$(cfg .Env)" '["PATH=/usr/bin:/bin","GREETING=hello world"]'
is "config Cmd/Entrypoint" "$(cfg '[.Cmd,.Entrypoint]')" '[["/bin/sh","-c","echo hi"],["/bin/entry"]]'
is "config WorkingDir/User/ExposedPorts" "$(cfg '[.WorkingDir,.User,(.ExposedPorts|keys)]')" '["/srv","1000:1000",["8080/tcp"]]'
is "load OCI layout tar: the same image" "$(h image load "$W/good.tar" 2>&1)" "$id"
is "load OCI layout tar: layers already there" "$(ls "$S/layers/sha256" | wc -l)" 2
is "unpacked tar removed afterwards" "$(ls -A "$S/layers/tmp" | wc -l)" 0

# the layer dirs: overlay-form whiteouts
is "whiteout stored as char 0/0" "$(stat -c '%F %t:%T' "$S/layers/sha256/${ID2#sha256:}/etc/gone")" \
	"character special file 0:0"
is "opaque dir xattr" "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$S/layers/sha256/${ID2#sha256:}/opq" 2>&1)" "y"

# the merged view inside a container of the image (as root: the image's User is 1000)
inct() { h run --rm --net none --user 0 demo:1.0 sh -c "$1" 2>&1; }
is "merged: whiteout hides etc/gone" "$(inct 'test -e /etc/gone && echo present || echo absent')" absent
is "merged: opaque dir shows only the top layer" "$(inct 'ls -A /opq | tr "\n" " "')" "new "
is "merged: upper file wins" "$(inct 'grep -c : /etc/passwd')" 2
is "merged: lower-only files stay" "$(inct 'cat /keep/sub/file')" kept
is "merged: symlink" "$(inct 'readlink /keep/link')" sub/file
is "merged: setuid/setgid kept" "$(inct 'stat -c %a /suid; stat -c %a /sgid' | tr '\n' ' ')" "4755 2755 "
h run -d --name ov --net none --user 0 demo:1.0 sleep 1000 >/dev/null
on_exit h rm -f ov cp
ov=$(h inspect ov | jq -r '.[0].id')
is "overlay mount" "$(findmnt -n -o FSTYPE "$S/ctroot/$ov/merged")" overlay
view() { tar -tvf "$1" | awk '{print $1, $2, $3, $6, $7, $8}' | sed 's/ *$//' | LC_ALL=C sort -k4; }
if have_test_hooks; then
	HAKO_LAYERS=copy h run -d --name cp --net none --user 0 demo:1.0 sleep 1000 >/dev/null
	cp=$(h inspect cp | jq -r '.[0].id')
	is "copy fallback: not an overlay" "$(findmnt -n -o FSTYPE "$S/ctroot/$cp/merged" | grep -c overlay)" 0
	h export ov >"$W/ov.tar" && h export cp >"$W/cp.tar"
	is "copy fallback: same view as overlay (hako export, read by GNU tar)" "$(view "$W/cp.tar")" "$(view "$W/ov.tar")"
	is "and the view is the image's" "$(view "$W/ov.tar" | grep -cE ' (opq/new|keep/link -> sub/file|suid)$')" 3
	h rm -f cp >/dev/null
else
	skip "copy fallback" "HAKO_LAYERS needs a test build (meson -Dtest_hooks=true)"
fi
h exec ov sh -c 'echo scribble >/etc/new-in-ct'
is "writes land in the upper dir only" \
	"$(cat "$S/ctroot/$ov/upper/etc/new-in-ct"):$(ls "$S/layers/sha256/${ID2#sha256:}/etc" | tr '\n' ' ')" "scribble:gone passwd "
h rm -f ov >/dev/null

id=$(h image load "$W/docker.tar" 2>&1)
is "docker save archive loads" "$(h image inspect demo:docker | jq -r '[.[0].tags[0],(.[0].config.config.Cmd|join(" "))]|join(",")')" "demo:docker,/bin/true"
is "docker save: kept as a docker-save config blob" "$(h image inspect demo:docker | jq -r '[.[0].blobs[].kind]|join(",")')" "config,layer,layer"
is "docker save: same diff_ids, stored once" "$(ls "$S/layers/sha256" | wc -l)" 2

fresh() { rm -rf "$ROOT2"; }
leftovers() { echo "$(h2 -j image ls | jq length) $(ls -A "$ROOT2/state/layers/sha256" "$ROOT2/state/layers/tmp" | grep -vc ':$\|^$')"; }
fresh
check_fail "layer digest mismatch refused" 2 "layer 2: digest mismatch: expected sha256:" h2 image load "$W/baddigest"
is "digest mismatch: no image, layer or temporary file left" "$(leftovers)" "0 0"
fresh
check_fail "manifest digest mismatch refused" 2 "manifest sha256:[0-9a-f]+: size mismatch|manifest: digest mismatch" h2 image load "$W/badmanifest"
fresh
check_fail "diff_id mismatch refused" 2 "layer 2: diff_id mismatch" h2 image load "$W/baddiffid"
is "failed import leaves no tmp dir" "$(ls -A "$ROOT2/state/layers/tmp" | wc -l)" 0
is "failed layer is not stored" "$(ls "$ROOT2/state/layers/sha256" | grep -c "${ID2#sha256:}")" 0
fresh
# (layers are counted from 1 in every message, as above: the missing one is the second)
check_fail "missing layer blob refused" 2 "layer 2: blob 'blobs/sha256/[0-9a-f]+' is missing" h2 image load "$W/missing"
check_fail "not an image" 2 "not an OCI image layout or docker-save archive" h2 image load "$W/l1.tar"
check "the good layout loads into the same root (positive control)" h2 image load "$W/good"

# concurrent imports of the same layer: stored once, all succeed
fresh
pids=()
for i in 1 2 3 4 5 6; do h2 image import "$W/l1.tar" --name "c$i:1" >"$W/imp.$i" 2>&1 & pids+=($!); done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
is "concurrent imports all succeed" "$rc" 0
is "every import printed its image id" "$(cat "$W"/imp.* | grep -c '^sha256:[0-9a-f]\{64\}$')" 6
is "the layer is stored exactly once" "$(ls "$ROOT2/state/layers/sha256")" "${ID1#sha256:}"
is "no leftovers (tmp, locks)" "$(ls -A "$ROOT2/state/layers/tmp" "$ROOT2/state/layers/locks" | grep -vc ':$\|^$')" 0
check "rm the image (all its names)" h2 image rm c1:1 c2:1 c3:1 c4:1 c5:1 c6:1
is "no layer files remain" "$(find "$ROOT2/state/layers" -mindepth 2 -not -type d | wc -l)" 0
check_fail "rm unknown image" 5 "no such image" h2 image rm c1:1
