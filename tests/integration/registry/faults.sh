#!/bin/bash
# Failures in transit, made by a proxy in front of a real registry: a connection cut
# mid-blob (resumed with a Range request, same image), a corrupted byte (refused with one
# line, nothing stored; the same pull without the fault then works), 429 answers (retried),
# a pull killed with SIGKILL half-way (the next pull works and reuses the complete blobs).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/registry/common.inc"
start_registry faults
mklayout "$W/one"
sk copy -q --dest-tls-verify=false "oci:$W/one" "docker://$REG/test/one:1" >/dev/null
want=$(sk inspect --raw --tls-verify=false "docker://$REG/test/one:1" | layer_digests)
big=$(echo "$want" | head -1)
blobs() { ls "$ROOT/state/layers/blobs/sha256" 2>/dev/null; }
names() { h -j image ls | python3 -c 'import json,sys; print(" ".join(r.get("name","-") for r in json.load(sys.stdin)))'; }

# corrupt: refused, nothing stored
start_proxy corrupt
check_fail "a corrupted byte: exit 1, digest mismatch" 1 "layer 1 .*digest mismatch: expected $big" \
	h pull -q --tls-verify=false "$PREG/test/one:1"
is "no image row" "$(names)" ""
is "the corrupted blob is not in the blob store" "$(blobs | grep -c "${big#sha256:}")" 0
diff1=$(sk inspect --config --tls-verify=false "docker://$REG/test/one:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rootfs"]["diff_ids"][0][7:])')
is "no layer directory from it" "$(ls "$ROOT/state/layers/sha256" 2>/dev/null | grep -c "$diff1")" 0
check "positive control: the same pull without the fault works" h pull -q --tls-verify=false "$REG/test/one:1"
is "and stores the blob" "$(blobs | grep -c "${big#sha256:}")" 1
check "reset" h image rm "$REG/test/one:1"

# a blob longer than its descriptor, a manifest not matching its digest, 503 after retries
start_proxy long
check_fail "a blob longer than its descriptor: exit 1" 1 "layer 1 .*larger than the [0-9]+ bytes its descriptor says" \
	h pull -q --tls-verify=false "$PREG/test/one:1"
is "not stored" "$(blobs | grep -c "${big#sha256:}")" 0
start_proxy badmanifest
check_fail "a manifest whose digest does not match: exit 1" 1 "manifest: digest mismatch: the registry says sha256:" \
	h pull -q --tls-verify=false "$PREG/test/one:1"
dg=$(sk inspect --raw --tls-verify=false "docker://$REG/test/one:1" | sha256sum | cut -d' ' -f1)
check_fail "by digest: a manifest not matching the digest asked for: exit 1" 1 "manifest: digest mismatch: asked for sha256:$dg" \
	h pull -q --tls-verify=false "$PREG/test/one@sha256:$dg"
start_proxy 503
check_fail "503 on every try: exit 1 after the retries" 1 "registry answered 503" \
	h pull -q --tls-verify=false "$PREG/test/one:1"
is "tried five times (1 + 4 retries)" "$(grep -c "GET .*blobs/$big" "$PLOG")" 5
is "no image after all that" "$(names)" ""

# cut: resumed with Range
start_proxy cut
out=$(h pull --tls-verify=false "$PREG/test/one:1" 2>&1 >/dev/null)
is "a connection cut mid-blob: the pull succeeds" "$?" 0
echo "$out" | grep -q "layer 1 $big: retrying at byte [1-9]"
is "says it resumes" "$?" 0
is "the second request asks for the rest (Range)" "$(grep -c "GET .*blobs/$big bytes=[1-9][0-9]*-" "$PLOG")" 1
is "layer digests as the registry has them" "$(hako_layer_blobs "$PREG/test/one:1")" "$want"
hako_tree "$PREG/test/one:1" "$W/t-cut"
skopeo_tree "$REG/test/one:1" "$W/t-sk"
is "file tree as skopeo's" "$(tree_view "$W/t-cut")" "$(tree_view "$W/t-sk")"
check "reset" h image rm "$PREG/test/one:1"

# 429: retried
start_proxy 429
out=$(h pull --tls-verify=false "$PREG/test/one:1" 2>&1 >/dev/null)
is "429 twice per blob: the pull succeeds" "$?" 0
is "retried (two per blob, three blobs)" "$(echo "$out" | grep -c "retrying.*server busy")" 6
is "each blob asked three times" "$(grep -c "GET .*blobs/$big" "$PLOG")" 3
check "reset" h image rm "$PREG/test/one:1"

# a slow registry: progress on a terminal is redrawn while the big layer comes (bytes grow)
start_proxy delay
if command -v script >/dev/null; then
	script -qec "REGISTRY_AUTH_FILE=$W/auth.json '$HAKO' --root '$ROOT' pull --tls-verify=false $PREG/test/one:1" /dev/null >"$W/tty" 2>&1
	is "slow pull on a terminal: exit 0" "$?" 0
	n=$(tr '\r' '\n' <"$W/tty" | grep -oE 'layer 1/2 +[0-9a-f]{12}  [0-9.]+ MiB of [0-9.]+ MiB  [0-9.]+ MiB/s' | awk '{print $4}' | sort -u | wc -l)
	ok_n=no
	[ "$n" -ge 3 ] && ok_n=yes
	is "the big layer's bytes drawn at several points ($n), with a rate" "$ok_n" yes
	tr '\r' '\n' <"$W/tty" | grep -q 'ETA [0-9]*s'
	is "and an ETA" "$?" 0
	check "reset" h image rm "$PREG/test/one:1"
else
	skip "progress on a terminal" "script (util-linux) is not installed"
fi

# kill -9 half-way through the big layer, then pull again
h pull -q --tls-verify=false "$PREG/test/one:1" >/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do
	grep -q "blobs/$big" "$PLOG" && break
	sleep 0.05
done
sleep 0.3
{ kill -9 $pid; wait $pid; } 2>/dev/null
is "killed mid-pull: no image" "$(names)" ""
is "killed mid-pull: no partial blob under its digest" "$(blobs | grep -c "${big#sha256:}")" 0
out=$(h pull --tls-verify=false "$REG/test/one:1" 2>&1 >/dev/null)
is "the next pull works" "$?" 0
is "and reuses the complete blobs (the config at least)" "$(echo "$out" | grep -c 'config 0 .*already stored')" 1
is "named" "$(names)" "$REG/test/one:1"
