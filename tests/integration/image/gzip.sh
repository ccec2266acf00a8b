#!/bin/bash
# gzip integrity (archive_gz.c): the CRC32 and ISIZE trailer of every member is checked, so a
# corrupted, truncated or padded-with-garbage .tar.gz is refused with one "gzip: ..." line and
# leaves no image row, layer directory, blob or temporary file behind; multi-member gzip and
# trailing zeros (as gzip(1) accepts them) import. The same reader serves image load: an OCI
# layer whose manifest digest matches its corrupted bytes is still refused by the CRC check.
# Every input is built here from a fixed seed: the test is deterministic.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/image/cli_common.inc"
command -v python3 >/dev/null || { skip "image gzip" "python3 is not installed"; exit 0; }

G=$W/gz
mkdir -p "$G/bad"
python3 - "$G" <<'PY'
import gzip, hashlib, io, json, os, random, sys, tarfile
G = sys.argv[1]
rnd = random.Random(6)
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
def tarbytes(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for n, d in files:
            ti = tarfile.TarInfo(n); ti.size = len(d); ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(d))
    return b.getvalue()
text = "".join("line %d of a compressible file\n" % i for i in range(4000)).encode()
tar = tarbytes([("srv/text", text), ("srv/random", rnd.randbytes(40000))])
gz = gzip.compress(tar, mtime=0)           # 10-byte header, no name: body is gz[10:-8]
def w(name, b): open(os.path.join(G, name), "wb").write(b)
w("tar.sha", (sha(tar) + "\n").encode())
w("good.tar.gz", gz)
w("good.sha", (sha(gz) + "\n").encode())
cut = 12345                                # not on a 512-byte tar block boundary
multi = gzip.compress(tar[:cut], mtime=0) + gzip.compress(tar[cut:], mtime=0)
w("multi.tar.gz", multi)
w("multi.sha", (sha(multi) + "\n").encode())
w("zeros.tar.gz", gz + bytes(1024))
b = bytearray(gz); b[-8] ^= 0x01; w("crc.tar.gz", b)            # CRC32, first byte
b = bytearray(gz); b[-1] ^= 0x80; w("isize.tar.gz", b)          # ISIZE, last byte
for off in (2, 10, 11, len(gz) // 2, len(gz) - 8, len(gz) - 4, len(gz) - 1):
    w("trunc-%d.tar.gz" % off, gz[:off])
w("garbage.tar.gz", gz + b"not gzip")
w("garbage2.tar.gz", multi + b"\x1f\x00junk")
w("zeros-then-garbage.tar.gz", gz + bytes(64) + b"x")
# 30 single-byte corruptions of the deflate body (not its last byte: that one may end in
# padding bits deflate never reads)
for i, pos in enumerate(sorted(rnd.sample(range(10, len(gz) - 9), 30))):
    b = bytearray(gz); b[pos] ^= rnd.randrange(1, 256)
    w("bad/%02d-at-%d.tar.gz" % (i, pos), b)
# stored (level 0) deflate: a flipped byte in the second tar header reaches the tar parser
# first; the gzip stream is still read to its trailer, and its error is the one reported
st = bytearray(gzip.compress(tar, compresslevel=0, mtime=0))
st[st.index(b"srv/random\0") + 148] ^= 0x11  # the header's checksum field (stored verbatim)
w("tarhdr.tar.gz", st)
# an OCI layout whose gzip layer has a broken CRC: the manifest names the corrupted blob, so
# the blob digest and size check pass and only gzip's own check can refuse it
root = os.path.join(G, "layout")
os.makedirs(root + "/blobs/sha256")
def put(b):
    open(root + "/blobs/sha256/" + sha(b)[7:], "wb").write(b); return sha(b)
bad = bytearray(gz); bad[-6] ^= 0x10; bad = bytes(bad)
cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": [sha(tar)]}, "os": "linux",
                  "architecture": "amd64", "config": {}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(bad), "size": len(bad)}]}).encode()
idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": put(man), "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "badcrc:1"}}]}
open(root + "/index.json", "w").write(json.dumps(idx))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

# nothing of a refused import may remain: rows, layer dirs, blobs, temporary files
leftovers() {
	echo "$(ls -A "$ROOT/state/layers/sha256" "$ROOT/state/layers/blobs/sha256" \
		"$ROOT/state/layers/tmp" 2>/dev/null | grep -vc ':$\|^$') $(db_rows)"
}
refused() { # DESC FILE PATTERN
	check_fail "$1" 2 "$3" h image import "$2" --name evil
	is "$1: nothing left behind" "$(leftovers)" "0 0"
}
inspect() { # IMAGE -> "diff_id blob_digest"
	h image inspect "$1" | python3 -c 'import json,sys; i = json.load(sys.stdin)[0]
print(i["layers"][0]["diff_id"], " ".join(b["digest"] for b in i["blobs"]))'
}

# the store exists before the first refusal is checked (an empty import creates nothing)
h image ls >/dev/null

refused "CRC byte flipped in the trailer" "$G/crc.tar.gz" "gzip: data corrupted \(CRC mismatch\)$"
refused "ISIZE byte flipped in the trailer" "$G/isize.tar.gz" "gzip: length mismatch"
for f in "$G"/trunc-*.tar.gz; do
	n=${f##*/trunc-}
	refused "truncated at ${n%.tar.gz} bytes" "$f" "gzip: truncated"
done
refused "trailing garbage after a member" "$G/garbage.tar.gz" \
	"gzip: trailing garbage after member 1$"
refused "trailing garbage after two members" "$G/garbage2.tar.gz" \
	"gzip: trailing garbage after member 2$"
refused "garbage after trailing zeros" "$G/zeros-then-garbage.tar.gz" \
	"gzip: trailing garbage after member 1$"
refused "a corrupted tar header: the gzip error (the cause) is reported" "$G/tarhdr.tar.gz" \
	"gzip: data corrupted \(CRC mismatch\)$"
n=0
for f in "$G"/bad/*.tar.gz; do
	err=$(h image import "$f" --name evil 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
		printf '%s' "$err" | grep -q "gzip: " && [ "$(leftovers)" = "0 0" ]; then
		n=$((n + 1))
	else
		printf '%s\n' "  ${f##*/}: exit $rc, $err, left: $(leftovers)" | diag
	fi
done
is "30 single-byte corruptions of the deflate body: each refused by gzip, nothing left" "$n" 30

check_fail "OCI layer with a bad CRC (digest matches the bytes) refused" 2 \
	"layer 1: gzip: data corrupted \(CRC mismatch\)$" h image load "$G/layout"
is "OCI load refused: nothing left behind" "$(leftovers)" "0 0"

# the valid ones: digests over the bytes as received, diff_id over the inflated tar (both
# inputs hold the same tar, so the same image: each is checked on an empty store)
tar_sha=$(cat "$G/tar.sha")
check "multi-member gzip (cat a.gz b.gz) imports" h image import "$G/multi.tar.gz" --name multi
is "multi: diff_id is the tar's sha256, the kept blob the input's" "$(inspect multi)" \
	"$tar_sha $(cat "$G/multi.sha")"
h image rm multi >/dev/null
h image prune >/dev/null
check "a valid tar.gz imports" h image import "$G/good.tar.gz" --name good
is "good: diff_id is the tar's sha256, the kept blob the input's" "$(inspect good)" \
	"$tar_sha $(cat "$G/good.sha")"
check "trailing zeros after the last member are ignored (as gzip(1) does)" \
	h image import "$G/zeros.tar.gz" --name zeros
is "zeros: the same diff_id" "$(inspect zeros | cut -d' ' -f1)" "$tar_sha"
check "stdin: multi-member gzip imports" sh -c "\"$HAKO\" --root \"$ROOT\" image import - \
	--name multi2 <\"$G/multi.tar.gz\""
is "one layer stored for all" "$(ls "$ROOT/state/layers/sha256" | wc -l)" 1
python3 -c 'import sys; sys.stdout.write("".join("line %d of a compressible file\n" % i for i in range(4000)))' >"$G/text"
is "the stored layer holds the file" \
	"$(cmp "$G/text" "$ROOT/state/layers/sha256/${tar_sha#sha256:}/srv/text" && echo same)" same
h image rm good zeros multi2 >/dev/null
h image prune >/dev/null
is "rm + prune: nothing left" "$(leftovers)" "0 0"
