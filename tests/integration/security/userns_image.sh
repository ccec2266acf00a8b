#!/bin/bash
# hako run --userns IMAGE: the overlay root is built on idmapped layers. Image files owned
# by 0 are root's inside; what the container writes lands in its upper layer in the
# image's ids (0 on disk), not in the host range; the image's layers are not chowned.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
B=100000
MAP=(--uidmap 0:$B:65536)
if ! unshare -U true 2>/dev/null; then
	skip "userns image" "user namespaces are disabled on this kernel"
	exit 0
fi
h image add-dir "$R" --name bb:1 >/dev/null || { not_ok "image add-dir"; exit 1; }
out=$(h run --name ui1 --userns "${MAP[@]}" bb:1 sh -c \
	'id -u; stat -c %u:%g /bin/busybox; mkdir /made; touch /made/f /bin/f; stat -c %u /made/f; cat /proc/self/uid_map' 2>&1)
rc=$?
if echo "$out" | grep -q "does not support idmapped mounts"; then
	skip "userns image" "$out"
	h rm -f ui1 >/dev/null 2>&1
	exit 0
fi
is "run IMAGE --userns exits 0" "$rc" 0
is "inside: uid 0, image files root's, new files root's" \
	"$(echo "$out" | head -3 | tr '\n' ' ')" "0 0:0 0 "
is "inside: the map" "$(echo "$out" | tail -1 | tr -s ' ' | sed 's/^ //')" "0 $B 65536"
id=$(h -j inspect ui1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
up=$ROOT/state/ctroot/$id/upper
is "upper layer: a new directory is 0:0 on disk" "$(stat -c %u:%g "$up/made" 2>&1)" "0:0"
is "upper layer: a new file is 0 on disk" "$(stat -c %u "$up/made/f" 2>&1)" 0
is "upper layer: a copied-up directory keeps 0" "$(stat -c %u "$up/bin" 2>&1)" 0
lay=$(find "$ROOT/state" -path '*layers*' -name busybox -type f 2>/dev/null | head -1)
[ -n "$lay" ] && is "the image layer is not chowned" "$(stat -c %u "$lay")" 0 ||
	skip "image layer owner" "layer path not found"
h rm -f ui1 >/dev/null 2>&1
is "rm: the overlay is gone" "$(findmnt -rn -o TARGET | grep -c "ctroot/$id" )" 0
