#!/bin/bash
# Image names follow Docker's reference grammar (security review finding 13): a docker-save
# archive whose RepoTags entry is `a/../../b:1` (or another name outside the grammar) is
# refused with one line and exit status 2, and nothing is stored (no image, no layer, no
# row); `--name` and `image tag` are refused the same way. Positive control: the same
# archive with a valid RepoTags entry loads under that name, and with --name under that.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "image names" "python3 is not installed"; exit 0; }

# dsave DIR TAG: a docker-save directory (manifest.json, config, one layer of a small file)
# whose RepoTags is [TAG]; DIR.tar is the same as a tar
dsave() {
	python3 - "$1" "$2" <<'PY'
import hashlib, io, json, os, sys, tarfile
d, tag = sys.argv[1], sys.argv[2]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo("hello"); ti.size = 6
    t.addfile(ti, io.BytesIO(b"hello\n"))
layer = b.getvalue()
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/hello"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
ch = hashlib.sha256(cfg).hexdigest()
os.makedirs(d)
open(d + "/layer.tar", "wb").write(layer)
open(d + "/" + ch + ".json", "wb").write(cfg)
json.dump([{"Config": ch + ".json", "RepoTags": [tag], "Layers": ["layer.tar"]}],
          open(d + "/manifest.json", "w"))
with tarfile.open(d + ".tar", "w") as t:
    for n in sorted(os.listdir(d)):
        t.add(d + "/" + n, arcname=n)
PY
}
# what the store holds: image rows, layer directories
stored() {
	printf '%s %s' "$(db_rows)" "$(find "$ROOT/state/layers" -mindepth 2 -not -path '*/tmp/*' \
		-not -path '*/locks/*' | wc -l)"
}

h image ls >/dev/null # the state database exists
before=$(stored)
i=0
for bad in 'a/../../b:1' '../x:1' 'a//b:1' 'A/b:1' '-a:1' 'a:' 'Upper:1' \
	"$(printf 'x\033[2J:1')"; do
	i=$((i + 1))
	dsave "$W/bad$i" "$bad"
	check_fail "load of RepoTags $(printf %q "$bad") refused" 2 \
		"RepoTags: invalid image (name|tag) '[^[:cntrl:]]*'" h image load "$W/bad$i"
	check_fail "the same as a tar" 2 "RepoTags: invalid image (name|tag)" \
		h image load "$W/bad$i.tar"
done
is "nothing stored" "$(stored)" "$before"
is "image ls: no image" "$(h -j image ls | jq length)" 0

check_fail "--name a/../b refused" 2 "invalid image name 'a/../b'" \
	h image load "$W/bad1" --name a/../b
check_fail "import --name a/../../b:1 refused" 2 "invalid image name 'a/../../b'" \
	h image import "$W/bad1/layer.tar" --name a/../../b:1
is "still nothing stored" "$(stored)" "$before"

# Positive controls: a valid RepoTags entry names the image; --name overrides a bad one.
dsave "$W/good" "registry.example.com:5000/team/app:1.0"
check "load of a valid RepoTags entry" h image load "$W/good"
[ "$(stored)" != "$before" ] && ok "control: a load is seen by the store count" ||
	not_ok "control: a load is seen by the store count"
is "named by its RepoTags" "$(h -j image ls | jq -r '.[].name')" \
	"registry.example.com:5000/team/app:1.0"
check "a bad RepoTags entry with --name" h image load "$W/bad1" --name good/name:2
is "named by --name" "$(h -j image ls | jq -r '.[].name' | grep -c '^good/name:2$')" 1
check_fail "image tag to a/../c refused" 2 "invalid image name 'a/../c'" \
	h image tag good/name:2 a/../c
check "image tag to x/y.z__w:3" h image tag good/name:2 x/y.z__w:3
h image rm registry.example.com:5000/team/app:1.0 good/name:2 x/y.z__w:3 >/dev/null
