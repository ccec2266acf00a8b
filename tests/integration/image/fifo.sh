#!/bin/bash
# FIFOs where an image has files hako reads (security review, finding 9): a FIFO etc/passwd
# read for the image's User, a FIFO index.json or blob of an OCI layout (directory and tar),
# a FIFO layer of a docker-save archive. Opening a FIFO for reading waits for a writer, so
# these hung `hako run` (unkillably: its signals were already blocked) and `image load`.
# Each is now refused quickly with the reason ("... is not a regular file"); the same images
# with regular files work (positive controls).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "FIFOs in images" "python3 is not installed"; exit 0; }

python3 - "$W" "$R" <<'PY'
import hashlib, io, json, os, shutil, sys, tarfile
W, R = sys.argv[1], sys.argv[2]
sha = lambda b: hashlib.sha256(b).hexdigest()

def tar_bytes(fill):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        fill(t)
    return b.getvalue()

def etc_layer(passwd_fifo):
    def fill(t):
        ti = tarfile.TarInfo("etc"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
        ti = tarfile.TarInfo("etc/passwd"); ti.mode = 0o644
        if passwd_fifo:
            ti.type = tarfile.FIFOTYPE; t.addfile(ti)
        else:
            data = b"root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1001::/:/bin/sh\n"
            ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    return tar_bytes(fill)

base = tar_bytes(lambda t: t.add(R, arcname="."))

# docker save layout (see docker's image/spec/v1.2.md): manifest.json, config, layer tars
def docker_save(out, cfg, layers, tag, fifo_layer=None):
    os.makedirs(out)
    names = []
    for i, l in enumerate(layers):
        names.append("layer%d.tar" % i)
        if i == fifo_layer:
            os.mkfifo(os.path.join(out, names[-1]))
        else:
            open(os.path.join(out, names[-1]), "wb").write(l)
    c = json.dumps({"architecture": "amd64", "os": "linux", "config": cfg,
                    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(l) for l in layers]}}).encode()
    open(os.path.join(out, sha(c) + ".json"), "wb").write(c)
    json.dump([{"Config": sha(c) + ".json", "RepoTags": [tag], "Layers": names}],
              open(os.path.join(out, "manifest.json"), "w"))

cfg = {"User": "bob", "Cmd": ["/bin/sh", "-c", "echo $(id -u):$(id -g)"]}
docker_save(W + "/passwd-fifo", cfg, [base, etc_layer(True)], "fifo:passwd")
docker_save(W + "/passwd-file", cfg, [base, etc_layer(False)], "fifo:control")
docker_save(W + "/layer-fifo", cfg, [base, etc_layer(False)], "fifo:layer", fifo_layer=1)

# OCI layouts: WHAT is the name made a FIFO (none for the control)
def oci(out, what):
    os.makedirs(out + "/blobs/sha256")
    def put(b):
        open(out + "/blobs/sha256/" + sha(b), "wb").write(b)
        return {"digest": "sha256:" + sha(b), "size": len(b)}
    layer = etc_layer(False)
    c = json.dumps({"architecture": "amd64", "os": "linux", "config": cfg,
                    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(l) for l in (base, layer)]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **put(c)),
        "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar", **put(l)) for l in (base, layer)]}).encode()
    md = put(man)
    idx = {"schemaVersion": 2, "manifests": [dict(mediaType="application/vnd.oci.image.manifest.v1+json", **md)]}
    open(out + "/index.json", "w").write(json.dumps(idx))
    open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
    victim = {"index": out + "/index.json", "blob": out + "/blobs/sha256/" + md["digest"][7:],
              "layer": out + "/blobs/sha256/" + sha(layer)}.get(what)
    if victim:
        os.remove(victim); os.mkfifo(victim)

for what in ("index", "blob", "layer", "control"):
    d = "%s/oci-%s" % (W, what)
    oci(d, what)
    # the same layout as a tar (FIFOs stored as FIFO entries)
    with tarfile.open(d + ".tar", "w", format=tarfile.PAX_FORMAT) as t:
        for n in sorted(os.listdir(d)):
            t.add(os.path.join(d, n), arcname=n)
PY
[ -p "$W/passwd-fifo/layer1.tar" ] || [ -f "$W/passwd-fifo/layer1.tar" ] || {
	not_ok "test images made"
	exit 1
}

# timeout -k: the old hako blocked TERM before the open, so only KILL ended it (rc 137)
T="timeout -k 5 20"

# hako run with User=bob: the image's /etc/passwd is a FIFO
check "docker-save image with a FIFO /etc/passwd loads" h image load "$W/passwd-fifo"
start=$SECONDS
check_fail "run: a FIFO /etc/passwd is refused with the reason" 125 \
	"the image's /etc/passwd is not a regular file" $T "$HAKO" --root "$ROOT" run --rm --net none fifo:passwd
is "run: refused quickly (not after the timeout)" "$((SECONDS - start < 15))" 1
is "run: no container left behind" "$(h ps -a -q | wc -l)" 0
check "image rm is not blocked behind a run" $T "$HAKO" --root "$ROOT" image rm fifo:passwd

# positive control: the same image with a regular /etc/passwd
check "control image loads" h image load "$W/passwd-file"
is "control: User bob from the image's passwd" "$($T "$HAKO" --root "$ROOT" run --rm --net none fifo:control)" \
	"1000:1001"

# docker-save archive whose layer file is a FIFO
check_fail "load: a FIFO docker-save layer is refused with the reason" 2 \
	"layer0?1.*is not a regular file" $T "$HAKO" --root "$ROOT" image load "$W/layer-fifo"

# OCI layouts, as a directory and as a tar
for form in "" .tar; do
	f=${form:-" dir"} tag=${form:+tar}
	check_fail "load (oci$f): a FIFO index.json is refused with the reason" 2 \
		"'index.json' is not a regular file" $T "$HAKO" --root "$ROOT" image load "$W/oci-index$form"
	check_fail "load (oci$f): a FIFO manifest blob is refused with the reason" 2 \
		"'blobs/sha256/[0-9a-f]{64}' is not a regular file" \
		$T "$HAKO" --root "$ROOT" image load "$W/oci-blob$form"
	check_fail "load (oci$f): a FIFO layer blob is refused with the reason" 2 \
		"blob 'blobs/sha256/[0-9a-f]{64}' is not a regular file" \
		$T "$HAKO" --root "$ROOT" image load "$W/oci-layer$form"
	check "load (oci$f): control layout loads" $T "$HAKO" --root "$ROOT" image load \
		--name "oci-control:${tag:-dir}" "$W/oci-control$form"
done
is "control: User bob from an OCI layout's regular passwd" \
	"$($T "$HAKO" --root "$ROOT" run --rm --net none oci-control:dir)" 1000:1001
is "nothing stored by the refused loads" \
	"$(h -j image ls | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" 3
is "no temporary directory left" "$(find "$ROOT" -path '*tmp*' -mindepth 3 -name 'oci-*' | wc -l)" 0
