#!/bin/bash
# hako push to a real registry, read back with skopeo (inspect, copy to a directory):
# an image pulled from the registry keeps its digests; an image made by hako (bootstrap)
# is uploaded in several chunks and its tree survives; blobs the registry has are not
# uploaded again; a blob of another repository is mounted; bad input.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
start_registry push
mklayout "$W/one"
sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$REG/src/one:1" >/dev/null
h pull -q --tls-verify=false "$REG/src/one:1" >/dev/null

out=$(h push --tls-verify=false "$REG/src/one:1" "$REG/dst/one:2" 2>"$W/progress")
is "push a pulled image: exit 0" "$?" 0
want=$(sk inspect --raw --tls-verify=false "docker://$REG/src/one:1")
got=$(sk inspect --raw --tls-verify=false "docker://$REG/dst/one:2")
is "the manifest is the one pulled, byte for byte" "$got" "$want"
is "prints its digest" "$out" "sha256:$(printf '%s' "$got" | sha256sum | cut -d' ' -f1)"
is "the layers were mounted from the source repository" "$(grep -c 'layer .*mounted from another repository' "$W/progress")" 2

bb=${BUSYBOX:-/bin/busybox}
if [ -x "$bb" ] && HAKO_BUSYBOX=$bb h image bootstrap busybox made:1 >/dev/null 2>&1; then
	out=$(HAKO_PUSH_CHUNK=65536 h push --tls-verify=false made:1 "$REG/made/bb:1" 2>"$W/progress2")
	is "push an image hako made, in 64 KiB chunks: exit 0" "$?" 0
	is "uploaded (config and layer)" "$(grep -c uploading "$W/progress2")" 2
	is "skopeo inspect: the config hako stored" "$(sk inspect --tls-verify=false "docker://$REG/made/bb:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Env"])')" \
		"$(h image inspect made:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["config"]["Env"])')"
	skopeo_tree "$REG/made/bb:1" "$W/t-sk"
	hako_tree made:1 "$W/t-hako"
	is "skopeo copy to a directory: the same file tree" "$(tree_view "$W/t-sk")" "$(tree_view "$W/t-hako")"
	h push --tls-verify=false made:1 "$REG/made/bb:1" >/dev/null 2>"$W/progress3"
	is "again: every blob already in the registry, none uploaded" "$(grep -c 'already in the registry' "$W/progress3"):$(grep -c uploading "$W/progress3")" "2:0"
	id=$(h image inspect made:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	check "reset" h image rm made:1
	is "pull it back: the same image id" "$(h pull -q --tls-verify=false "$REG/made/bb:1")" "$id"
else
	skip "push of a bootstrapped image" "no static busybox at $bb"
fi

check_fail "no such image: exit 5" 5 "no-such" h push --tls-verify=false no-such:1 "$REG/x/y:1"
check_fail "a destination by digest: exit 2" 2 "a tag, not a digest" h push --tls-verify=false "$REG/src/one:1" "$REG/x/y@sha256:$(printf x | sha256sum | cut -d' ' -f1)"
check_fail "a malformed destination: exit 2" 2 "invalid" h push --tls-verify=false "$REG/src/one:1" 'Bad//Dest'
check_fail "no IMAGE: exit 2" 2 "expected IMAGE" h push
