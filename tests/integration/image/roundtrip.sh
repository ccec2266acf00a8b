#!/bin/bash
# Tars through the CLI: `hako image import` of GNU tar's output (none, gzip, zstd, xz) keeps
# the file list, types, modes (setuid too), owners, sizes, symlinks, hardlinks and mtimes, and
# its diff_id is the sha256 of the uncompressed tar; `hako image save` writes a layer tar that
# GNU tar reads back as the same tree, deterministically (the same bytes each time), with
# blobs named by their sha256, as an OCI layout that skopeo accepts and that loads back with
# its whiteouts; add-dir and the import of hako's own tar of the tree give the same layer.
# (The writer's zstd/xz output and the plain, no-whiteout extraction are library parts no
# command uses: tests/unit/test_archive.c.)
. "$HAKO_SRC/tests/lib/lib.sh"
for t in jq python3; do
	command -v $t >/dev/null || { skip "round trip" "$t is not installed"; exit 0; }
done
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
S=$ROOT/state
ROOT2=$HAKO_TEST_TMP/root2
h2() { "$HAKO" --root "$ROOT2" "$@"; }
src=$W/src
mkdir -p "$src/bin" "$src/etc" "$src/tmp" "$src/private" "$src/empty" "$src/deep/$(printf 'd%.0s' {1..120})/x"
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
cp "$R/bin/busybox" "$src/bin/busybox" && ln -s busybox "$src/bin/sh"

# mtimes to the second: tars written by hako (like Docker's) carry whole seconds
listing() { (cd "$1" && find . -mindepth 1 -printf '%P|%y|%m|%U|%G|%l|%n|%T@\n' | sed -E 's/\.[0-9]+$//' | sort &&
	find . -type f -printf '%P\n' | sort | while read -r f; do printf '%s %s\n' "$(stat -c %s -- "$f")" "$(sha256sum <"$f" | cut -c1-16)"; done); }
listing_nt() { listing "$1" | awk -F'|' 'NF>1 && $2=="d" {$8=""} {print}' OFS='|'; }

# layer_dir IMAGE [N] [h|h2]: the directory of layer N (default 0) of IMAGE
layer_dir() {
	local st=$S
	[ "${3:-h}" = h2 ] && st=$ROOT2/state
	echo "$st/layers/sha256/$(${3:-h} image inspect "$1" | jq -r ".[0].layers[${2:-0}].diff_id" | cut -d: -f2)"
}

want=$(listing_nt "$src")
tar -C "$src" --numeric-owner -cpf "$W/gnu.none" .
for z in gzip zstd xz; do $z -c <"$W/gnu.none" >"$W/gnu.$z"; done
for z in none gzip zstd xz; do
	check "import GNU tar's tar ($z)" h image import "$W/gnu.$z" --name "rt:$z"
	case $z in
	gzip | zstd) is "import ($z): detected and kept as a tar+$z layer blob" \
		"$(h image inspect "rt:$z" | jq -r '.[0].blobs[]|select(.kind=="layer")|.media_type')" \
		"application/vnd.oci.image.layer.v1.tar+$z" ;;
	*) is "import ($z): read, no blob kept" "$(h image inspect "rt:$z" | jq '.[0].blobs|length')" 0 ;;
	esac
	is "import ($z): diff_id = sha256 of the uncompressed tar" \
		"$(h image inspect "rt:$z" | jq -r '.[0].layers[0].diff_id')" "sha256:$(sha256sum <"$W/gnu.none" | cut -d' ' -f1)"
	is "round trip ($z): file list, types, modes, owners, links, sizes, content" "$(listing_nt "$(layer_dir "rt:$z")")" "$want"
	[ $z = xz ] || h image rm "rt:$z" >/dev/null
done
L=$(layer_dir rt:xz)
is "regular file mtime kept" "$(stat -c %Y "$L/etc/hello")" 1600000000
is "hardlink kept" "$(stat -c %i "$L/etc/hello")" "$(stat -c %i "$L/etc/hello-hard")"
h image rm rt:xz >/dev/null

# the writer: add-dir copies the tree, save writes it as a tar+gzip layer
check "add-dir" h image add-dir "$src" --name rt:dir
ID=$(h image inspect rt:dir | jq -r '.[0].layers[0].diff_id')
is "add-dir: the layer holds the tree" "$(listing_nt "$(layer_dir rt:dir)")" "$want"
check "save" h image save rt:dir -o "$W/dir1.tar"
sleep 1 # a timestamp in the layer would now differ
check "save again" h image save rt:dir -o "$W/dir2.tar"
mkdir "$W/o1" "$W/o2" && tar -C "$W/o1" -xf "$W/dir1.tar" && tar -C "$W/o2" -xf "$W/dir2.tar"
blob=$(jq -r '.layers[0].digest' "$W/o1/blobs/sha256/$(jq -r '.manifests[0].digest' "$W/o1/index.json" | cut -d: -f2)" | cut -d: -f2)
is "same tree, same bytes (gzip layer, saved twice)" "$(cmp "$W/o1/blobs/sha256/$blob" "$W/o2/blobs/sha256/$blob" && echo same)" same
bad=0
for f in "$W"/o1/blobs/sha256/*; do [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "${f##*/}" ] || bad=$((bad + 1)); done
is "every blob is named by the sha256 of its bytes" "$bad" 0
is "the layer is the gzip of a tar whose sha256 is the layer's diff_id" "sha256:$(zcat "$W/o1/blobs/sha256/$blob" | sha256sum | cut -d' ' -f1)" "$ID"
rm -rf "$W/g" && mkdir "$W/g"
check "GNU tar extracts our tar" tar -C "$W/g" --numeric-owner -xpzf "$W/o1/blobs/sha256/$blob"
is "GNU tar sees the same tree" "$(listing_nt "$W/g")" "$want"
layers=$(ls "$S/layers/sha256" | wc -l)
check "import of hako's own tar of the tree" h image import "$W/o1/blobs/sha256/$blob" --name rt:again
is "add-dir and import: same tree, same layer id" "$(h image inspect rt:again | jq -r '.[0].layers[0].diff_id')" "$ID"
is "stored once" "$(ls "$S/layers/sha256" | wc -l)" "$layers"

# a layer with whiteouts (overlay form in the store), made by commit, through save and load
h run --name wc --net none rt:dir /bin/sh -c 'rm /etc/hello && rm -r /tmp && mkdir -m 1777 /tmp && echo f >/tmp/fresh' >/dev/null
check "commit a deletion and a replaced directory" h commit wc rt:wh
h rm wc >/dev/null
ID2=$(h image inspect rt:wh | jq -r '.[0].layers[1].diff_id')
is "the upper layer holds a whiteout" "$(stat -c '%F %t:%T' "$S/layers/sha256/${ID2#sha256:}/etc/hello")" "character special file 0:0"
check "save OCI layout tar" h image save rt:wh -o "$W/img.tar"
is "save: staging removed" "$(ls -A "$S/layers/tmp" | wc -l)" 0
is "save: OCI layout files" "$(tar -tf "$W/img.tar" | grep -cE '^(\./)?(oci-layout|index.json|blobs/sha256/[0-9a-f]{64})$')" 6
if command -v skopeo >/dev/null; then
	arch=$(h image inspect rt:wh | jq -r '.[0].config.architecture')
	out=$(skopeo inspect "oci-archive:$W/img.tar" 2>&1)
	is "skopeo inspect accepts it" "$(printf '%s' "$out" | jq -r '[(.Layers|length),.Os,.Architecture]|join(" ")' 2>&1)" \
		"2 linux $arch"
	out=$(skopeo inspect --config "oci-archive:$W/img.tar" 2>&1)
	is "skopeo reads the config" "$(printf '%s' "$out" | jq -r '.rootfs.diff_ids|join(" ")' 2>&1)" "$ID $ID2"
	check "skopeo copies it (every blob verified)" skopeo copy --quiet "oci-archive:$W/img.tar" "dir:$W/skopeo-dir"
else
	skip "skopeo inspect accepts it" "skopeo is not installed (scripts/install-deps.sh installs it)"
fi
check "saved image loads back (another root)" h2 image load "$W/img.tar"
is "loaded: name and layers" "$(h2 image inspect rt:wh | jq -r '[.[0].tags[0],(.[0].layers|length)]|join(",")' 2>&1)" "rt:wh,2"
is "loaded layer 1 = the tree" "$(listing_nt "$(layer_dir rt:wh 0 h2)")" "$want"
L2=$(layer_dir rt:wh 1 h2)
is "whiteout survives save/load" "$(stat -c '%F %t:%T' "$L2/etc/hello")" "character special file 0:0"
is "opaque dir survives save/load" "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$L2/tmp")" y
is "a container of the loaded image sees the changes" \
	"$(h2 run --rm --net none rt:wh /bin/sh -c 'ls /tmp; test -e /etc/hello || echo gone' 2>&1 | tr '\n' ' ')" "fresh gone "
