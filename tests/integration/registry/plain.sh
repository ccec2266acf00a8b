#!/bin/bash
# hako pull from a real registry over plain HTTP: an image skopeo pushed (from an OCI layout
# made here) comes out with the same layer digests and the same file tree as skopeo's own
# copy; a second pull fetches nothing; a multi-platform index gives this machine's entry;
# by digest; bad references, unknown tags and registries: one line, documented statuses.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
start_registry plain
mklayout "$W/one"
check "skopeo pushes the image" sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$REG/test/one:1"

out=$(h pull --tls-verify=false "$REG/test/one:1" 2>"$W/progress")
rc=$?
is "hako pull exits 0" "$rc" 0
is "prints the image id" "$(echo "$out" | grep -c '^sha256:[0-9a-f]\{64\}$')" 1
is "named as Docker names it" "$(h -j image ls | python3 -c 'import json,sys; print([r["name"] for r in json.load(sys.stdin)])')" "['$REG/test/one:1']"
grep -q "resolved $REG/test/one:1" "$W/progress" && grep -q "unpacking 2 layers" "$W/progress"
is "progress: one line per event when not a terminal" "$?" 0
sk inspect --raw --tls-verify=false "docker://$REG/test/one:1" | layer_digests >"$W/want"
hako_layer_blobs "$REG/test/one:1" >"$W/got"
is "layer digests as the registry has them (skopeo inspect)" "$(cat "$W/got")" "$(cat "$W/want")"
hako_tree "$REG/test/one:1" "$W/t-hako"
skopeo_tree "$REG/test/one:1" "$W/t-sk"
is "file tree as skopeo's copy untarred" "$(tree_view "$W/t-hako")" "$(tree_view "$W/t-sk")"
is "config: Cmd kept" "$(h image inspect "$REG/test/one:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["config"]["Cmd"])')" "['/bin/tool']"

# warm: nothing fetched
h pull --tls-verify=false "$REG/test/one:1" >/dev/null 2>"$W/progress2"
is "second pull: up to date (the name holds that manifest)" "$(grep -c "$REG/test/one:1: up to date" "$W/progress2")" 1
is "second pull: nothing downloaded" "$(grep -c downloading "$W/progress2")" 0
sk copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$REG/test/one:1" "docker://$REG/test/one:2" >/dev/null
h pull --tls-verify=false "$REG/test/one:2" >/dev/null 2>"$W/progress3"
is "the same image under another tag: every blob already stored" "$(grep -c 'already stored' "$W/progress3")" 3
is "nothing downloaded" "$(grep -c downloading "$W/progress3")" 0
is "one image, two names" "$(h -j image ls | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), len(set(x["id"] for x in r)))')" "2 1"
is "-q: nothing on stderr" "$(h pull -q --tls-verify=false "$REG/test/one:1" 2>&1 >/dev/null)" ""
is "-j: {id, name}" "$(h -j pull --tls-verify=false "$REG/test/one:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" "$REG/test/one:1"

# Docker's schema 2 (skopeo --format v2s2): media types and digests as the registry has them
mklayout "$W/docker" # another image (its own random blob): an image's kept blobs are its first source's
check "skopeo pushes a Docker v2 schema 2 manifest" sk copy -q --format v2s2 --dest-tls-verify=false "oci:$W/docker" "docker://$REG/test/docker:1"
is "it is one" "$(sk inspect --raw --tls-verify=false "docker://$REG/test/docker:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mediaType"])')" \
	application/vnd.docker.distribution.manifest.v2+json
check "hako pulls it" h pull -q --tls-verify=false "$REG/test/docker:1"
is "layer digests as the registry has them" "$(hako_layer_blobs "$REG/test/docker:1")" \
	"$(sk inspect --raw --tls-verify=false "docker://$REG/test/docker:1" | layer_digests)"
is "the kept manifest keeps its media type" "$(h image inspect "$REG/test/docker:1" | python3 -c 'import json,sys; print([b["media_type"] for b in json.load(sys.stdin)[0]["blobs"] if b["kind"] == "manifest"][0])')" \
	application/vnd.docker.distribution.manifest.v2+json

# on a terminal: one line per blob, redrawn in place (script(1) gives it a pty)
if command -v script >/dev/null; then
	h image rm "$REG/test/one:1" >/dev/null && h image rm "$REG/test/one:2" >/dev/null
	script -qec "REGISTRY_AUTH_FILE=$W/auth.json '$HAKO' --root '$ROOT' pull --tls-verify=false $REG/test/one:1" /dev/null >"$W/tty" 2>&1
	is "terminal: exit 0" "$?" 0
	is "terminal: config and both layers drawn as done (or already stored)" \
		"$(tr '\r' '\n' <"$W/tty" | grep -oE '(config|layer [12]/2) +[0-9a-f]{12}  (done|already stored)' | awk '{print $1 ($1 == "layer" ? " " $2 : "")}' | sort -u | tr '\n' ,)" \
		"config,layer 1/2,layer 2/2,"
	ups=$(grep -c $'\033\\[3A' "$W/tty")
	ok_ups=no
	[ "$ups" -gt 0 ] && ok_ups=yes
	is "terminal: the three lines are redrawn in place (cursor up 3)" "$ok_ups" yes
else
	skip "progress on a terminal" "script (util-linux) is not installed"
fi

# a multi-platform index: this machine's entry
arch=$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
mklayout "$W/multi" s390x "$arch" ppc64le
check "skopeo pushes an index of 3 platforms" sk copy -q --all --dest-tls-verify=false "oci:$W/multi" "docker://$REG/test/multi:1"
h pull -q --tls-verify=false "$REG/test/multi:1" >/dev/null
hako_tree "$REG/test/multi:1" "$W/t-multi"
is "the index entry for linux/$arch" "$(cat "$W/t-multi/arch")" "$arch"
is "config of linux/$arch" "$(h image inspect "$REG/test/multi:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["architecture"])')" "$arch"
mklayout "$W/foreign" s390x ppc64le
sk copy -q --all --dest-tls-verify=false "oci:$W/foreign" "docker://$REG/test/foreign:1" >/dev/null
check_fail "an index without this platform: exit 5, says what it has" 5 "no image for linux/$arch.*linux/s390x, linux/ppc64le" \
	h pull -q --tls-verify=false "$REG/test/foreign:1"

# by digest
dg=$(sk inspect --raw --tls-verify=false "docker://$REG/test/one:1" | sha256sum | cut -d' ' -f1)
id1=$(h image inspect "$REG/test/one:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
is "pull by digest: the same image" "$(h pull -q --tls-verify=false "$REG/test/one@sha256:$dg")" "$id1"
check_fail "a digest the registry does not have: exit 5" 5 "not found \(404\)" \
	h pull -q --tls-verify=false "$REG/test/one@sha256:$(printf x | sha256sum | cut -d' ' -f1)"

# bad input and failures
n0=$(ls "$ROOT/state/layers/sha256" | wc -l)
check_fail "malformed reference: exit 2, one line" 2 "invalid image name" h pull 'Bad//Ref'
check_fail "bad digest: exit 2" 2 "invalid reference" h pull "$REG/x@sha256:abc"
check_fail "bad tag: exit 2" 2 "invalid image tag" h pull "$REG/x:-bad"
check_fail "unknown tag: exit 5" 5 "manifest: not found \(404\)" h pull -q --tls-verify=false "$REG/test/one:nope"
check_fail "unknown repository: exit 5" 5 "not found \(404\)" h pull -q --tls-verify=false "$REG/test/nothing:1"
check_fail "no registry there: exit 1" 1 "Couldn't connect|Connection refused" h pull -q --tls-verify=false "127.0.0.1:$(free_port)/x:1"
check_fail "plain HTTP without --tls-verify=false: a TLS failure, exit 1" 1 "TLS; --tls-verify=false" h pull -q "$REG/test/one:1"
check_fail "no REF: exit 2" 2 "expected an image reference" h pull
check_fail "bad --tls-verify value: exit 2" 2 "'true' or 'false'" h pull --tls-verify=maybe "$REG/test/one:1"
is "failures stored no layer" "$(ls "$ROOT/state/layers/sha256" | wc -l)" "$n0"

# four pulls of one image at once into an empty store: each gets it, one image, one copy
R2=$HAKO_TEST_TMP/root-concurrent
pids=
for i in 1 2 3 4; do
	"$HAKO" --root "$R2" pull -q --tls-verify=false "$REG/test/multi:1" >"$W/conc$i" 2>&1 &
	pids="$pids $!"
done
wait $pids # not the registry's
is "four concurrent pulls: the same id each" "$(sort -u "$W"/conc[1-4] | wc -l):$(grep -c '^sha256:' "$W"/conc[1-4] | grep -c ':1$')" "1:4"
is "one image" "$("$HAKO" --root "$R2" -j image ls | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
is "each layer stored once" "$(ls "$R2/state/layers/sha256" | wc -l)" 2
