#!/bin/bash
# The image config's User as the default user of `hako run IMAGE` and `hako exec`: numbers
# as they are, names through the image's own /etc/passwd and /etc/group (a top layer's
# passwd shadows the lower one; the host's is never read); --user wins.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "image user" "python3 is not installed"; exit 0; }

# one layout per User value: busybox, then a layer with its own passwd/group
python3 - "$W" "$R" <<'PY'
import hashlib, io, json, os, sys, tarfile
W, R = sys.argv[1], sys.argv[2]
def add(t, name, data, mode=0o644):
    ti = tarfile.TarInfo(name); ti.mtime = 1700000000; ti.mode = mode; ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
b1 = io.BytesIO()
with tarfile.open(fileobj=b1, mode="w", format=tarfile.PAX_FORMAT) as t:
    t.add(R, arcname=".")
b2 = io.BytesIO()
with tarfile.open(fileobj=b2, mode="w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo("etc"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
    add(t, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n# a comment\n"
        b"app:x:1234:2345:App:/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
    add(t, "etc/group", b"root:x:0:\nstaff:x:3456:app\napp:x:2345:\n")
l1, l2 = b1.getvalue(), b2.getvalue()
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
for i, user in enumerate(["app", "app:staff", "1234", "4321", "4321:77", "65534:staff",
                          "daemon", "app:nosuch", ""]):
    root = "%s/u%d" % (W, i)
    os.makedirs(root + "/blobs/sha256")
    def put(b):
        open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
    c = {"Cmd": ["/bin/sh", "-c", "echo $(id -u):$(id -g)"]}
    if user:
        c["User"] = user
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": c,
        "rootfs": {"type": "layers", "diff_ids": [sha(l1), sha(l2)]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": put(l), "size": len(l)}
                   for l in (l1, l2)]}).encode()
    idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": put(man), "size": len(man)}]}
    open(root + "/index.json", "w").write(json.dumps(idx))
    open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

for i in 0 1 2 3 4 5 6 7 8; do
	h image load "$W/u$i" --name "u$i" >/dev/null 2>&1 || echo "load u$i failed"
done
is "User name: uid and primary group from the image's passwd" "$(h run --rm --net none u0)" "1234:2345"
is "User name:group: group from the image's /etc/group" "$(h run --rm --net none u1)" "1234:3456"
is "numeric User with a passwd entry: its group" "$(h run --rm --net none u2)" "1234:2345"
is "numeric User without an entry: group 0" "$(h run --rm --net none u3)" "4321:0"
is "numeric USER:GROUP" "$(h run --rm --net none u4)" "4321:77"
is "numeric user, named group" "$(h run --rm --net none u5)" "65534:3456"
is "no User: root" "$(h run --rm --net none u8)" "0:0"
is "--user wins over the image's User" "$(h run --rm --net none --user 5:6 u0)" "5:6"

# a name the host knows (daemon) but the image does not: refused, nothing left
before=$(h -j ps -a | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
h run --rm --net none u6 >"$W/out" 2>&1; st=$?
is "a name only the host has: exit 125 (hako's own failure)" "$st" 125
check "the error names the user and the image's passwd" grep -q "daemon.*image's /etc/passwd" "$W/out"
h run --rm --net none u7 >"$W/out" 2>&1; st=$?
is "unknown group: exit 125" "$st" 125
check "the error names the group" grep -q "nosuch.*/etc/group" "$W/out"
is "no container left by the refusals" "$(h -j ps -a | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "$before"

# exec into a container of that image runs as its user too
h run -d --name ux --net none u1 /bin/sh -c 'sleep 30' >/dev/null
is "exec uses the image's user" "$(h exec ux /bin/sh -c 'echo $(id -u):$(id -g)')" "1234:3456"
is "the container's command runs as 1234" \
	"$(h exec ux /bin/sh -c 'for p in /proc/[0-9]*; do grep -qx sleep $p/comm && stat -c %u $p; done')" \
	"1234"
h rm -f ux >/dev/null 2>&1

