#!/bin/bash
# Writing tars: export (a directory -> tar) -> import (tar -> directory) keeps the file list,
# types, modes (setuid too), owners, sizes, symlinks and hardlinks; gzip/zstd/xz; the same
# tree gives the same bytes; GNU tar reads what we write; add-dir; `image save` writes an OCI
# layout tar that skopeo accepts and that loads back (whiteouts survive).
. "$HAKO_SRC/tests/lib/lib.sh"
DRV=${HAKO_IMAGE_DRIVER:-$(dirname "$HAKO")/tests/image_driver}
command -v jq >/dev/null || { skip "round trip" "jq is not installed"; exit 0; }
W=$(mktemp -d "${HAKO_TEST_TMP:-/tmp}/rt.XXXXXX")
on_exit rm -rf "$W"
S=$W/state
src=$W/src
mkdir -p "$src/etc" "$src/tmp" "$src/private" "$src/empty" "$src/deep/$(printf 'd%.0s' {1..120})/x"
echo hello >"$src/etc/hello"
printf '#!/bin/sh\n' >"$src/tool" && chmod 755 "$src/tool"
cp "$src/tool" "$src/suid" && chmod 4755 "$src/suid"
cp "$src/tool" "$src/sgid" && chmod 2711 "$src/sgid"
chmod 1777 "$src/tmp"
chmod 700 "$src/private"
echo secret >"$src/private/none" && chmod 000 "$src/private/none"
ln -s ../etc/hello "$src/tmp/rel-link"
ln -s /etc/passwd "$src/abs-link"
ln "$src/etc/hello" "$src/etc/hello-hard"
mkfifo "$src/fifo"
long=$(printf 'n%.0s' {1..200})
echo long >"$src/$long"
echo "spaces" >"$src/name with spaces"
head -c 300000 /dev/urandom >"$src/random.bin"
chown -h 1234:5678 "$src/etc/hello" "$src/abs-link"
touch -d @1600000000 "$src/etc/hello"

# mtimes to the second: tars written by hako (like Docker's) carry whole seconds
listing() { (cd "$1" && find . -mindepth 1 -printf '%P|%y|%m|%U|%G|%l|%n|%T@\n' | sed -E 's/\.[0-9]+$//' | sort &&
	find . -type f -printf '%P\n' | sort | while read -r f; do printf '%s %s\n' "$(stat -c %s -- "$f")" "$(sha256sum <"$f" | cut -c1-16)"; done); }
listing_nt() { listing "$1" | awk -F'|' 'NF>1 && $2=="d" {$8=""} {print}' OFS='|'; }

want=$(listing_nt "$src")
for z in none gzip zstd xz; do
	opt=(); [ $z != none ] && opt=(--$z)
	check "tar ($z)" "$DRV" tar "${opt[@]}" "$src" "$W/out.$z"
	rm -rf "$W/x"
	out=$("$DRV" extract "$W/out.$z" "$W/x" 2>&1)
	is "extract ($z): compression detected" "$(printf '%s' "$out" | jq -r .compression)" "$z"
	is "round trip ($z): file list, types, modes, owners, links, sizes, content" "$(listing_nt "$W/x")" "$want"
done
is "regular file mtime kept" "$(stat -c %Y "$W/x/etc/hello")" 1600000000
mkdir "$W/p" && echo wh >"$W/p/.wh.plain" && "$DRV" tar "$W/p" "$W/p.tar" >/dev/null
"$DRV" extract "$W/p.tar" "$W/xp" >/dev/null
is "plain extract: a .wh. name is an ordinary file" "$(cat "$W/xp/.wh.plain")" wh
is "hardlink kept" "$(stat -c %i "$W/x/etc/hello")" "$(stat -c %i "$W/x/etc/hello-hard")"
a=$("$DRV" tar --gzip "$src" "$W/a.tgz" | jq -r .digest)
b=$("$DRV" tar --gzip "$src" "$W/b.tgz" | jq -r .digest)
is "same tree, same bytes (gzip)" "$a" "$b"
is "digest is the sha256 of the bytes written" "$a" "sha256:$(sha256sum <"$W/a.tgz" | cut -d' ' -f1)"
rm -rf "$W/g" && mkdir "$W/g"
check "GNU tar extracts our tar" tar -C "$W/g" --numeric-owner -xpf "$W/out.gzip"
is "GNU tar sees the same tree" "$(listing_nt "$W/g")" "$want"

# layer store: import computes the diff_id the writer reported
dig=$("$DRV" tar --zstd "$src" "$W/l.tzst")
out=$("$DRV" import "$S" "$W/l.tzst")
ID=$(printf '%s' "$out" | jq -r .diff_id)
is "import: diff_id = sha256 of the uncompressed tar" "$ID" "$(printf '%s' "$dig" | jq -r .diff_id)"
is "import: the layer holds the tree" "$(listing_nt "$S/layers/sha256/${ID#sha256:}")" "$want"
out=$("$DRV" add-dir "$S" "$src")
is "add-dir: same tree, same layer id" "$(printf '%s' "$out" | jq -r '[.diff_id,.stored]|join(" ")')" "$ID false"

# a layer with whiteouts (overlay form in the store)
python3 - "$W/wh.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for n, d in (("etc/", None), ("etc/.wh.hello", b""), ("tmp/", None), ("tmp/.wh..wh..opq", b""), ("tmp/fresh", b"f\n")):
        ti = tarfile.TarInfo(n)
        if d is None: ti.type = tarfile.DIRTYPE; ti.mode = 0o755
        else: ti.size = len(d)
        t.addfile(ti, io.BytesIO(d) if d is not None else None)
PY
ID2=$("$DRV" import "$S" "$W/wh.tar" | jq -r .diff_id)
cat >"$W/cfg.json" <<'J'
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin","X=1"],"Cmd":["/tool"],"WorkingDir":"/etc","ExposedPorts":{"80/tcp":{}}}}
J
check "save OCI layout tar" "$DRV" save "$S" "$W/img.tar" --ref demo:latest --config "$W/cfg.json" "$ID" "$ID2"
is "save: staging removed" "$(ls -A "$S/layers/tmp" | wc -l)" 0
is "save: OCI layout files" "$(tar -tf "$W/img.tar" | grep -cE '^(oci-layout|index.json|blobs/sha256/[0-9a-f]{64})$')" 6
if command -v skopeo >/dev/null; then
	out=$(skopeo inspect "oci-archive:$W/img.tar" 2>&1)
	is "skopeo inspect accepts it" "$(printf '%s' "$out" | jq -r '[(.Layers|length),.Os,.Architecture,(.Env|join(","))]|join(" ")' 2>&1)" \
		"2 linux amd64 PATH=/bin,X=1"
	out=$(skopeo inspect --config "oci-archive:$W/img.tar" 2>&1)
	is "skopeo reads the config" "$(printf '%s' "$out" | jq -r '[.config.Cmd[0],.config.WorkingDir,(.rootfs.diff_ids|length)]|join(" ")' 2>&1)" "/tool /etc 2"
	check "skopeo copies it (every blob verified)" skopeo copy --quiet "oci-archive:$W/img.tar" "dir:$W/skopeo-dir"
else
	skip "skopeo inspect accepts it" "skopeo is not installed (scripts/install-deps.sh installs it)"
fi
out=$("$DRV" load "$W/s2" "$W/img.tar" 2>&1)
is "saved image loads back" "$(printf '%s' "$out" | jq -r '[.ref,(.layers|length),(.cmd|join(" "))]|join(",")' 2>&1)" "demo:latest,2,/tool"
L1=$(printf '%s' "$out" | jq -r '.layers[0].diff_id')
L2=$(printf '%s' "$out" | jq -r '.layers[1].diff_id')
is "loaded layer 1 = the tree" "$(listing_nt "$W/s2/layers/sha256/${L1#sha256:}")" "$want"
is "whiteout survives save/load" "$(stat -c '%F %t:%T' "$W/s2/layers/sha256/${L2#sha256:}/etc/hello")" "character special file 0:0"
is "opaque dir survives save/load" "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$W/s2/layers/sha256/${L2#sha256:}/tmp")" y
