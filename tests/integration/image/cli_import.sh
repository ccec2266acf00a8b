#!/bin/bash
# hako image import / run IMAGE / export -> import round trip / two containers isolated /
# image rm refused while used / rm + prune leave no layer files and no rows.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "image cli" "python3 is not installed"; exit 0; }

tar -C "$R" -cf "$W/rootfs.tar" .
gzip -1 -c "$W/rootfs.tar" >"$W/rootfs.tar.gz"
id=$(h image import "$W/rootfs.tar" --name bb:1 2>&1)
check "import a rootfs tar" test "${id#sha256:}" != "$id"
id2=$(h image import - --name bbgz <"$W/rootfs.tar.gz" 2>&1)
check "import gzip from stdin" test "${id2#sha256:}" != "$id2"
is "image ls lists both names" "$(h -j image ls | python3 -c 'import json,sys; print(" ".join(sorted(r["name"] for r in json.load(sys.stdin))))')" "bb:1 bbgz:latest"
is "same content: one layer stored" "$(ls "$ROOT/state/layers/sha256" | wc -l)" 1
is "run a command from the image" "$(h run --rm --net none bb:1 cat /www/index.html)" "hello from hako"
check_fail "run without command, image has no Cmd -> 125" 125 "no Cmd or Entrypoint" \
	h run --rm --net none bb:1
check_fail "unknown image -> 125" 125 "no such image: nope" h run --rm --net none nope true
check_fail "bad name refused" 2 "invalid image name" h image import "$W/rootfs.tar" --name 'Bad Name'
# options: --name=VALUE, before FILE; --allow-devices deprecated (accepted, no effect); names
# spelt in full
h image import --name=bb:eq --allow-devices "$W/rootfs.tar" >/dev/null
is "import --name=NAME before FILE, with --allow-devices" \
	"$(h image ls | awk '$1 == "bb:eq" {print $1}')" bb:eq
h image rm bb:eq >/dev/null
check_fail "--name=VALUE is checked as --name VALUE" 2 "invalid image name 'Bad Name'" \
	h image import "$W/rootfs.tar" --name='Bad Name'
check_fail "an abbreviated option is refused" 2 "unknown option '--na'" \
	h image import "$W/rootfs.tar" --na bb:x
check_fail "--allow-devices=VALUE refused" 2 "--allow-devices takes no value" \
	h image import "$W/rootfs.tar" --allow-devices=yes

# two containers from one image: private writes, image untouched
h run -d --name c1 --net none bb:1 sh -c 'echo one >/mine; sleep 1000' >/dev/null
h run -d --name c2 --net none bb:1 sh -c 'echo two >/mine; sleep 1000' >/dev/null
sleep 0.3
is "c1 sees its own write" "$(h exec c1 cat /mine)" one
is "c2 sees its own write" "$(h exec c2 cat /mine)" two
is "a new container does not see them" "$(h run --rm --net none bb:1 sh -c 'cat /mine 2>&1 || true')" \
	"cat: can't open '/mine': No such file or directory"
c1=$(h inspect c1 | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | head -1)
is "container root is an overlay (no copy)" "$(findmnt -n -o FSTYPE "$ROOT/state/ctroot/$c1/merged")" overlay
check_fail "image rm refused while a container uses it" 1 "used by container 'c[12]'" h image rm "$id"
# -f (docker rmi -f): by id, every name goes and the image stays for its containers; -f is
# an option, not an image; by one of several names, just that name (as without -f)
short=${id#sha256:}
short=${short:0:12}
names=$(h -j image ls | jq -r --arg i "$short" '.[] | select(.id == $i) | .name // empty')
h image tag bb:1 bb:forced >/dev/null
check "image rm -f NAME of several: untagged" h image rm -f bb:forced
is "image rm -f ID of a used image: silent" "$(h image rm -f "$id" 2>&1)" ""
is "its names are gone" "$(h -j image ls | jq -r --arg i "$short" '[.[] | select(.id == $i) | .name // empty] | join(",")')" ""
is "the image stays (by id) while c1 uses it" "$(h -j image ls | jq --arg i "$short" '[.[] | select(.id == $i)] | length')" 1
is "c1 still runs" "$(h exec c1 cat /mine)" one
for n in $names; do h image tag "$id" "$n" >/dev/null; done
h rm -f c1 c2 >/dev/null
is "hako rm removes the container's upper dir" "$(ls "$ROOT/state/ctroot" | wc -l)" 0

# export -> import round trip
h run --name ex --net none bb:1 sh -c 'echo changed >/etc/motd; chmod 4711 /etc/motd; rm /www/index.html; mkdir -m 750 /newdir'
h export ex >"$W/ex.tar"
check "export writes a tar" tar -tf "$W/ex.tar"
eid=$(h image import "$W/ex.tar" --name exported 2>&1)
h run --name ex2 --net none exported true
e2=$(h inspect ex2 | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | head -1)
h export ex2 >"$W/ex2.tar"
mkdir -p "$W/x1" "$W/x2"
tar -C "$W/x1" -xpf "$W/ex.tar" && tar -C "$W/x2" -xpf "$W/ex2.tar"
is "round trip: same file list, types, modes, owners" "$(tree_view "$W/x2" | md5sum)" "$(tree_view "$W/x1" | md5sum)"
is "export -> import: the change is there" "$(tree_view "$W/x1" | grep -E '^(etc/motd|newdir|www/index.html) ' | cut -d' ' -f1-3 | tr '\n' ';')" \
	"etc/motd f 4711;newdir d 750;"
is "export of the import is byte-identical" "$(cmp "$W/ex.tar" "$W/ex2.tar" && echo same)" same
h rm ex ex2 >/dev/null

# the copy fallback (where overlayfs cannot be mounted): HAKO_LAYERS=copy forces it
if have_test_hooks; then
	HAKO_LAYERS=copy h run --name cp --net none bb:1 sh -c 'rm /www/index.html; echo c >/copied'
	cp=$(h inspect cp | sed -n 's/.*"id": "\([0-9a-f]*\)".*/\1/p' | head -1)
	is "copy fallback: root is a bind mount, not an overlay" "$(findmnt -n -o FSTYPE "$ROOT/state/ctroot/$cp/merged")" tmpfs
	h commit cp copied >/dev/null
	is "copy fallback: commit gives a one-layer image" "$(h image inspect copied | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["layers"]))')" 1
	is "copy fallback: the committed image has the change and the deletion" \
		"$(h run --rm --net none copied sh -c 'cat /copied; test -e /www/index.html || echo gone')" "$(printf 'c\ngone')"
	h rm cp >/dev/null
	h image rm copied >/dev/null
else
	skip "copy fallback (HAKO_LAYERS=copy)" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi

# rm + prune: nothing left
h image rm bb:1 >/dev/null
is "image rm: layers still used by other images stay" "$(ls "$ROOT/state/layers/sha256" | wc -l)" 2
check "image rm by name" h image rm bbgz exported
h image prune >/dev/null
is "no layer directory left" "$(ls -A "$ROOT/state/layers/sha256" | wc -l)" 0
is "no image rows left" "$(db_rows)" 0
is "no temporary files left" "$(ls -A "$ROOT/state/layers/tmp" | wc -l)" 0

# hostile archives through the CLI: refused, nothing written outside, nothing left behind
python3 - "$W" <<'PY'
import io, sys, tarfile
W = sys.argv[1]
def mk(name, entries):
    with tarfile.open(W + "/" + name, "w") as t:
        for n, kind, arg in entries:
            ti = tarfile.TarInfo(n)
            if kind == "sym":
                ti.type = tarfile.SYMTYPE; ti.linkname = arg; t.addfile(ti)
            else:
                ti.size = len(arg); t.addfile(ti, io.BytesIO(arg))
mk("dotdot.tar", [("ok", "file", b"1"), ("../escaped", "file", b"x")])
mk("symlink.tar", [("ok", "file", b"1"), ("lnk", "sym", W), ("lnk/escaped", "file", b"x")])
PY
head -c 20000 "$W/rootfs.tar.gz" >"$W/truncated.tar.gz"
check_fail "'..' entry refused" 2 "\\.\\." h image import "$W/dotdot.tar" --name evil
check_fail "file through a symlink refused" 2 "symlink" h image import "$W/symlink.tar" --name evil
check_fail "truncated gzip refused" 2 "truncated|unexpected|corrupt|EOF|end of" h image import "$W/truncated.tar.gz" --name evil
is "nothing written outside" "$(ls "$W"/escaped "$HAKO_TEST_TMP"/escaped 2>/dev/null | wc -l)" 0
is "failed imports leave no layer, temporary file or row" \
	"$(ls -A "$ROOT/state/layers/sha256" "$ROOT/state/layers/tmp" | grep -vc ':$\|^$') $(db_rows)" "0 0"

# the progress bar (a terminal's, forced with HAKO_PROGRESS): the input's size is known, so
# the percentage, the total and the time left are shown; from stdin there is no total
mkdir -p "$W/big"
head -c 24M /dev/urandom >"$W/big/blob"
tar -C "$W/big" -cf "$W/big.tar" .
out=$(HAKO_PROGRESS=1 h image import "$W/big.tar" --name big:1 2>&1 >/dev/null | tr '\r' '\n')
echo "$out" | grep -Eq '\[[=> ]+\] +[0-9]+% [0-9.]+/24\.0 MiB .* ETA [0-9]+:[0-9]{2}' &&
	ok "import of a file: a bar with percent, size and ETA" || not_ok "progress: $out"
out=$(HAKO_PROGRESS=1 h image import - --name big:2 <"$W/big.tar" 2>&1 >/dev/null | tr '\r' '\n')
echo "$out" | grep -q "MiB read" && ! echo "$out" | grep -q "ETA" &&
	ok "from stdin: no size, no percentage" || not_ok "stdin progress: $out"
is "without a terminal, no progress" "$(h image import "$W/big.tar" --name big:3 2>&1 >/dev/null)" ""
