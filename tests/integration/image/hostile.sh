#!/bin/bash
# Hostile archives (built here with python3's tarfile) given to `hako image import`: each is
# refused with one clear line, exit 2, and nothing is written outside the store's temporary
# directory (a canary directory stays byte-identical, nothing named pwned appears anywhere in
# the test's tmpfs, which holds the hako root), and no image, layer or temporary file is left.
# The limits no command sets (--max-bytes, --max-entries, a ratio floor) and the whiteout
# modes are in tests/unit/test_archive.c.
. "$HAKO_SRC/tests/lib/lib.sh"
for t in python3 jq; do
	command -v $t >/dev/null || { skip "hostile archives" "$t is not installed"; exit 0; }
done
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
mkdir -p "$W/canary" "$W/arc"
echo precious >"$W/canary/file"
canary_state() { (cd "$W" && find canary -printf '%p %y %m %s %l\n' | sort && cat canary/file); }
before=$(canary_state)

python3 - "$W" <<'PY'
import gzip, io, os, random, sys, tarfile
W = sys.argv[1]
rnd = random.Random(1)  # fixed inputs where a refusal depends on the bytes
A = os.path.join(W, "arc")
canary = os.path.join(W, "canary")

def mk(name, entries, mode="w"):
    with tarfile.open(os.path.join(A, name), mode, format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e[1])
            data = None
            if e[0] == "file":
                data = e[2] if len(e) > 2 else b"pwned\n"
                ti.size = len(data)
            elif e[0] == "dir":
                ti.type = tarfile.DIRTYPE; ti.mode = 0o755
            elif e[0] == "sym":
                ti.type = tarfile.SYMTYPE; ti.linkname = e[2]
            elif e[0] == "hard":
                ti.type = tarfile.LNKTYPE; ti.linkname = e[2]
            elif e[0] in ("chr", "blk"):
                ti.type = tarfile.CHRTYPE if e[0] == "chr" else tarfile.BLKTYPE
                ti.devmajor, ti.devminor = e[2], e[3]
                ti.mode = e[4] if len(e) > 4 else 0o644
            t.addfile(ti, io.BytesIO(data) if data is not None else None)

mk("dotdot.tar", [("file", "ok"), ("file", "../canary/pwned")])
mk("dotdot-mid.tar", [("dir", "a/"), ("file", "a/../../canary/pwned")])
mk("absolute.tar", [("file", canary + "/pwned")])
mk("symlink-abs.tar", [("sym", "link", canary), ("file", "link/pwned")])
mk("symlink-rel.tar", [("sym", "link", "../canary"), ("file", "link/pwned")])
mk("symlink-dir.tar", [("sym", "link", canary), ("dir", "link/sub/"), ("file", "link/sub/pwned")])
mk("symlink-chain.tar", [("dir", "d/"), ("sym", "d/up", ".."), ("sym", "d/x", "up/up/canary"),
                         ("file", "d/x/pwned")])
mk("symlink-then-file.tar", [("sym", "file", canary + "/file"), ("file", "file", b"overwritten\n")])
mk("hardlink-out.tar", [("hard", "hl", "../canary/file")])
mk("hardlink-abs.tar", [("hard", "hl", canary + "/file")])
mk("hardlink-via-symlink.tar", [("sym", "link", canary), ("hard", "hl", "link/file")])
mk("device.tar", [("chr", "null", 1, 3), ("blk", "sda", 8, 0, 0o660),
                  ("chr", "suid", 1, 5, 0o7666)])
mk("whiteout-device.tar", [("chr", "gone", 0, 0)])
mk("whiteout-bad.tar", [("file", ".wh..")])
mk("two.tar", [("file", "one"), ("file", "two")])

# a decompression bomb: 96 MiB of zeros, gzip -9 (~1000:1)
with tarfile.open(os.path.join(A, "bomb.tar.gz"), "w:gz", compresslevel=9) as t:
    class Zeros:
        def __init__(self, n): self.n = n
        def read(self, k=-1):
            k = self.n if k < 0 else min(k, self.n); self.n -= k; return bytes(k)
    ti = tarfile.TarInfo("zeros"); ti.size = 96 << 20
    t.addfile(ti, Zeros(ti.size))

# a valid gzip tar of incompressible data, then a truncated and a corrupted copy (refused
# whatever the bytes: by inflate, or by the CRC32 check when the corruption inflates)
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w") as t:
    data = rnd.randbytes(256 << 10)
    ti = tarfile.TarInfo("random"); ti.size = len(data); ti.mtime = 1700000000
    t.addfile(ti, io.BytesIO(data))
good = gzip.compress(tb.getvalue(), mtime=0)
open(os.path.join(A, "good.tar.gz"), "wb").write(good)
open(os.path.join(A, "truncated.tar.gz"), "wb").write(good[: len(good) // 2])
bad = bytearray(good)
for i in range(len(bad) // 2, len(bad) // 2 + 64):
    bad[i] ^= 0x5A
open(os.path.join(A, "corrupted.tar.gz"), "wb").write(bytes(bad))
open(os.path.join(A, "notatar.bin"), "wb").write(rnd.randbytes(4096))
open(os.path.join(A, "empty.tar"), "wb").write(b"")
# a plain tar cut inside a file's data
with tarfile.open(os.path.join(A, "good.tar"), "w") as t:
    ti = tarfile.TarInfo("data"); ti.size = 100000
    t.addfile(ti, io.BytesIO(rnd.randbytes(100000)))
open(os.path.join(A, "truncated.tar"), "wb").write(open(os.path.join(A, "good.tar"), "rb").read()[:50000])
PY

# the directory of layer N (default 0) of IMAGE in the store
layer_dir() {
	echo "$ROOT/state/layers/sha256/$(h image inspect "$1" | jq -r ".[0].layers[${2:-0}].diff_id" | cut -d: -f2)"
}
# what a failed import must not leave: images, layers, temporary files
store_state() { echo "$(h image ls -q 2>/dev/null | wc -l) $(ls -A "$ROOT/state/layers/sha256" 2>/dev/null | wc -l) $(ls -A "$ROOT/state/layers/tmp" 2>/dev/null | wc -l)"; }
h image ls >/dev/null
store_before=$(store_state)

refuse() { # NAME PATTERN
	local name=$1 pat=$2
	check_fail "$name refused" 2 "$pat" h image import "$W/arc/$name" --name hostile:1
	is "$name: canary untouched" "$(canary_state)" "$before"
	is "$name: nothing named pwned anywhere" "$(find "$HAKO_TEST_TMP" -name pwned | wc -l)" 0
	is "$name: no image, layer or temporary file left" "$(store_state)" "$store_before"
}

refuse dotdot.tar "'\.\.' component refused"
refuse dotdot-mid.tar "'\.\.' component refused"
refuse absolute.tar "absolute path refused"
refuse symlink-abs.tar "entry 'link/pwned': refused: 'link' is a symlink"
refuse symlink-rel.tar "refused: .*symlink"
refuse symlink-dir.tar "refused: .*symlink"
refuse symlink-chain.tar "refused: .*symlink"
refuse hardlink-out.tar "hardlink target.*'\.\.' component refused"
refuse hardlink-abs.tar "hardlink target.*absolute path refused"
refuse hardlink-via-symlink.tar "refused: .*symlink"
refuse whiteout-device.tar "entry 'gone': char 0:0 device node refused \(overlayfs takes it for a whiteout"
refuse whiteout-bad.tar "invalid whiteout name"
refuse bomb.tar.gz "compression ratio above 200:1"
refuse truncated.tar.gz "gzip: truncated"
refuse corrupted.tar.gz "gzip: data corrupted"
refuse truncated.tar "Truncated|truncated"
refuse notatar.bin "Unrecognized archive format|not a tar"
refuse empty.tar "empty input"

# a later file of the same name replaces a symlink instead of writing through it
check "symlink then file: accepted" h image import "$W/arc/symlink-then-file.tar" --name ok:1
t=$(layer_dir ok:1)
is "symlink then file: the file replaced the link" "$(stat -c %F "$t/file"):$(cat "$t/file")" \
	"regular file:overwritten"
is "symlink then file: canary untouched" "$(canary_state)" "$before"

# device nodes are kept, as Docker keeps them (the container's device rules decide what
# opens); set-id and sticky bits are dropped from them
check "device nodes extract" h image import "$W/arc/device.tar" --name ok:2
t=$(layer_dir ok:2)
is "char device node created" "$(stat -c '%F %t:%T %a' "$t/null")" "character special file 1:3 644"
is "block device node created" "$(stat -c '%F %t:%T %a' "$t/sda")" "block special file 8:0 660"
is "set-id and sticky bits dropped from a device" "$(stat -c '%t:%T %a' "$t/suid")" "1:5 666"

# the good archive still extracts (the battery is not refusing everything)
check "good.tar.gz extracts" h image import "$W/arc/good.tar.gz" --name ok:3
is "good.tar.gz content" "$(stat -c %s "$(layer_dir ok:3)/random")" 262144
check "good.tar (plain) extracts" h image import "$W/arc/good.tar" --name ok:4
is "good.tar content" "$(stat -c %s "$(layer_dir ok:4)/data")" 100000
