#!/bin/bash
# Stand-in images for containerlab's lab-examples/frr01 (tests/fixtures/lab/containerlab-frr01),
# whose own images (quay.io/frrouting/frr, wbitt/network-multitool) cannot be pulled here: one
# Debian root (mmdebstrap: frr, iproute2, iputils-ping, procps) loaded into a hako root twice,
# under the names the file uses —
#   quay.io/frrouting/frr:10.5.1       its command starts FRR's daemons as FRR's image does
#                                      (/etc/frr/daemons under watchfrr, /etc/frr/frr.conf
#                                      loaded by vtysh -b), then waits;
#   wbitt/network-multitool:3.22.2     its command waits (the PCs: ip, ping).
# The root's tarball is cached under the sha256 of this script, which holds everything that
# makes it (suite, packages, hooks): HAKO_FRR_CACHE, default /var/cache/hako/frr01. The
# mirror is HAKO_DEBIAN_MIRROR (default deb.debian.org); only a cache miss needs it.
#
# Usage (root): scripts/mkimage-frr.sh HAKO_ROOT      HAKO: the binary (default build/hako)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
root=${1:?usage: mkimage-frr.sh HAKO_ROOT}
HAKO=${HAKO:-$src/build/hako}
suite=bookworm
pkgs=frr,iproute2,iputils-ping,procps
mirror=${HAKO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${HAKO_FRR_CACHE:-/var/cache/hako/frr01}
key=$(sha256sum "$here/mkimage-frr.sh" | cut -c1-16)
tar=$cache/frr01-$key.tar
mkdir -p "$cache"
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -s "$tar" ]; then
	command -v mmdebstrap >/dev/null || {
		echo "mkimage-frr: mmdebstrap is not installed (scripts/install-deps.sh)" >&2
		exit 3
	}
	cat >"$work/frr-start" <<'EOS'
#!/bin/sh
# FRR's daemons as FRR's own image starts them (docker-start): watchfrr over the daemons
# /etc/frr/daemons enables, the integrated /etc/frr/frr.conf loaded; then wait.
mkdir -p /var/run/frr /var/log/frr /var/tmp/frr
chown frr:frr /var/run/frr /var/log/frr /var/tmp/frr
/usr/lib/frr/frrinit.sh start
exec sleep 2147483647
EOS
	echo "mkimage-frr: building the root (mmdebstrap $suite: $pkgs)" >&2
	mmdebstrap --quiet --variant=minbase --include="$pkgs" \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--customize-hook="copy-in $work/frr-start /usr/local/bin" \
		--customize-hook='chmod 755 "$1/usr/local/bin/frr-start"' \
		"$suite" "$work/root.tar" "$mirror"
	mv "$work/root.tar" "$tar"
fi
# an OCI layout per image: the same layer (hard-linked), its own config
ld=$(sha256sum "$tar" | cut -d' ' -f1)
ls=$(stat -c %s "$tar")
layout() { # DIR CMD-JSON
	local d=$1 b=$1/blobs/sha256 cd cs md ms
	mkdir -p "$b"
	ln "$tar" "$b/$ld" 2>/dev/null || cp "$tar" "$b/$ld"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":%s,"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$2" "$ld" >"$d/config"
	cd=$(sha256sum "$d/config" | cut -d' ' -f1)
	cs=$(stat -c %s "$d/config")
	mv "$d/config" "$b/$cd"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' "$cd" "$cs" "$ld" "$ls" >"$d/manifest"
	md=$(sha256sum "$d/manifest" | cut -d' ' -f1)
	ms=$(stat -c %s "$d/manifest")
	mv "$d/manifest" "$b/$md"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$md" "$ms" >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
}
layout "$work/frr" '["/usr/local/bin/frr-start"]'
layout "$work/pc" '["sleep","2147483647"]'
"$HAKO" --root "$root" image load "$work/frr" --name quay.io/frrouting/frr:10.5.1 >/dev/null
"$HAKO" --root "$root" image load "$work/pc" --name wbitt/network-multitool:3.22.2 >/dev/null
echo "mkimage-frr: quay.io/frrouting/frr:10.5.1 and wbitt/network-multitool:3.22.2 in $root" >&2
