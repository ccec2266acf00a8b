#!/bin/bash
# Blobs kept as received: an OCI layout made here (by "another tool": its own key order,
# fields hako does not use, a gzip and a plain layer) loaded, saved and loaded again keeps
# the manifest, config and layer digests and the image id (checked with skopeo too); a
# docker-save archive keeps its config and layers; a gzip import keeps its input; image rm
# and prune leave no blob, layer or row behind.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "image keep" "python3 is not installed"; exit 0; }

python3 - "$W" "$R" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
W, R = sys.argv[1], sys.argv[2]
b1 = io.BytesIO()
with tarfile.open(fileobj=b1, mode="w", format=tarfile.GNU_FORMAT) as t:
    t.add(R, arcname="./")          # "./" names, GNU format: not what hako writes
b2 = io.BytesIO()
with tarfile.open(fileobj=b2, mode="w", format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo("srv/hello"); ti.size = 6; ti.mtime = 1234567890; ti.uname = "someone"
    t.addfile(ti, io.BytesIO(b"hello\n"))
l1, l2 = b1.getvalue(), b2.getvalue()
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
l1gz = gzip.compress(l1, compresslevel=6, mtime=42)
root = W + "/layout"
os.makedirs(root + "/blobs/sha256")
def put(b):
    open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
cfg = json.dumps({"rootfs": {"diff_ids": [sha(l1), sha(l2)], "type": "layers"},
    "os": "linux", "architecture": "amd64", "author": "another tool",
    "history": [{"created_by": "step 1"}, {"created_by": "step 2"}],
    "config": {"Cmd": ["/bin/cat", "/srv/hello"], "Labels": {"x": "y"}}}, indent=1).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(l1gz), "size": len(l1gz)},
               {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": put(l2), "size": len(l2)}],
    "annotations": {"made.by": "test"}}, indent=2).encode()
idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": put(man), "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "other:1"}}]}
open(root + "/index.json", "w").write(json.dumps(idx))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(W + "/orig.txt", "w").write("\n".join([sha(man), sha(cfg), sha(l1gz), sha(l2)]) + "\n")
# the same image as docker save writes it (config <hex>.json, uncompressed layers)
d = W + "/dsave"
os.makedirs(d + "/l1"); os.makedirs(d + "/l2")
open(d + "/l1/layer.tar", "wb").write(l1); open(d + "/l2/layer.tar", "wb").write(l2)
open(d + "/" + sha(cfg)[7:] + ".json", "wb").write(cfg)
open(d + "/manifest.json", "w").write(json.dumps([{"Config": sha(cfg)[7:] + ".json",
    "RepoTags": ["dock:1"], "Layers": ["l1/layer.tar", "l2/layer.tar"]}]))
PY

# digests of an OCI layout tar: manifest, config, layers (one per line)
digests() {
	rm -rf "$W/x" && mkdir "$W/x" && tar -C "$W/x" -xf "$1" && python3 - "$W/x" <<'PY'
import json, sys
r = sys.argv[1]
m = json.load(open(r + "/index.json"))["manifests"][0]["digest"]
man = json.load(open(r + "/blobs/sha256/" + m[7:]))
print("\n".join([m, man["config"]["digest"]] + [l["digest"] for l in man["layers"]]))
PY
}

id=$(h image load "$W/layout" 2>&1)
check "load the layout" test "${id#sha256:}" != "$id"
is "it runs" "$(h run --rm --net none other:1)" "hello"
is "inspect lists the kept blobs" \
	"$(h image inspect other:1 | python3 -c 'import json,sys; print(" ".join(b["kind"] + ":" + b["digest"][7:15] for b in json.load(sys.stdin)[0]["blobs"]))')" \
	"$(python3 -c 'import sys; d=[l[7:15] for l in open(sys.argv[1]).read().split()]; print("config:%s layer:%s layer:%s manifest:%s" % (d[1], d[2], d[3], d[0]))' "$W/orig.txt")"
check "save it" h image save other:1 -o "$W/s1.tar"
is "saved manifest, config and layer digests are the original ones" \
	"$(digests "$W/s1.tar")" "$(cat "$W/orig.txt")"
if command -v skopeo >/dev/null; then
	is "skopeo sees the original manifest digest" \
		"$(skopeo inspect "oci-archive:$W/s1.tar" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')" \
		"$(head -1 "$W/orig.txt")"
	is "skopeo sees the original layers" \
		"$(skopeo inspect "oci-archive:$W/s1.tar" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["Layers"]))')" \
		"$(tail -2 "$W/orig.txt")"
else
	skip "skopeo inspect" "skopeo is not installed"
	skip "skopeo layers" "skopeo is not installed"
fi
h image rm other:1 >/dev/null && h image prune >/dev/null
is "load of the saved archive: the same image id" "$(h image load "$W/s1.tar" 2>&1)" "$id"
check "save again" h image save other:1 -o "$W/s2.tar"
is "second round trip: same digests" "$(digests "$W/s2.tar")" "$(cat "$W/orig.txt")"
size=$(h -j image inspect other:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["size"])')
blobs=$(du -cb "$ROOT/state/layers/blobs/sha256/"* | tail -1 | cut -f1)
check "the image's size counts its kept blobs ($size >= $blobs)" test "$size" -ge "$blobs"

# docker save: config and layers kept, an OCI manifest made for them
did=$(h image load "$W/dsave" 2>&1)
is "docker-save load: the same image as the OCI layout" "$did" "$id"
h image rm other:1 dock:1 >/dev/null; h image prune >/dev/null
did=$(h image load "$W/dsave" 2>&1)
check "save the docker-save image" h image save dock:1 -o "$W/s3.tar"
digests "$W/s3.tar" >"$W/d3.txt"
is "docker-save: config digest kept" "$(sed -n 2p "$W/d3.txt")" "$(sed -n 2p "$W/orig.txt")"
is "docker-save: layers kept (uncompressed, their diff_ids)" "$(tail -2 "$W/d3.txt")" \
	"$(h image inspect dock:1 | python3 -c 'import json,sys; print("\n".join(l["diff_id"] for l in json.load(sys.stdin)[0]["layers"]))')"
is "and loads back as the same image" "$(h image rm dock:1 >/dev/null; h image prune >/dev/null; h image load "$W/s3.tar" 2>&1)" "$did"

# a gzip import keeps its input: save -> load gives the same image
tar -C "$R" -czf "$W/r.tgz" .
iid=$(h image import "$W/r.tgz" --name imp:1 2>&1)
check "save the imported image" h image save imp:1 -o "$W/s4.tar"
is "its layer blob is the imported file" "$(digests "$W/s4.tar" | tail -1)" "sha256:$(sha256sum <"$W/r.tgz" | cut -d' ' -f1)"
h image rm imp:1 >/dev/null; h image prune >/dev/null
is "gzip import -> save -> load: same image id" "$(h image load "$W/s4.tar" 2>&1)" "$iid"

# commit layers are hako's own tars: save writes the same bytes again
h run --name c1 --net none dock:1 /bin/sh -c 'echo more >/srv/more' >/dev/null
cid=$(h commit c1 com:1 2>&1)
h rm c1 >/dev/null
check "save the committed image" h image save com:1 -o "$W/s5.tar"
h image rm com:1 >/dev/null; h image prune >/dev/null
is "commit -> save -> load: same image id" "$(h image load "$W/s5.tar" 2>&1)" "$cid"

for i in $(h -j image ls | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'); do
	h image rm "$i" >/dev/null 2>&1
done
h image prune >/dev/null
is "after rm + prune: no layer, no blob, no row" \
	"$(ls -A "$ROOT/state/layers/sha256" | wc -l) $(ls -A "$ROOT/state/layers/blobs/sha256" | wc -l) $(db_rows)" "0 0 0"
