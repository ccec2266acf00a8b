#!/bin/sh
# Build a small offline test rootfs from Debian's busybox-static package:
#   scripts/mkrootfs-busybox.sh DIR
#   scripts/mkrootfs-busybox.sh --cached      (prints the path of a shared, keyed copy)
# No downloads: it uses /bin/busybox (or $BUSYBOX) as installed by `apt-get install
# busybox-static`. DIR gets busybox with its applet symlinks, /etc/passwd, /etc/group, the
# usual empty directories (/mnt, /opt, /home, /run, ...), and /www for httpd.
#
# --cached: the tests' copy, $HAKO_ROOTFS_CACHE_DIR (default /var/tmp)/hako-test-rootfs-KEY,
# KEY the first 16 hex digits of the sha256 of this script's and busybox's sha256 sums: a
# change to either makes a new tree, never a stale one reused. Built into a temporary
# directory and renamed into place under a lock, so concurrent tests never see a half-built
# tree and build it once. A tree that no longer matches the manifest written when it was
# made (a test wrote into it) is rebuilt.
set -eu
usage="usage: mkrootfs-busybox.sh DIR | --cached"
dir=${1:?$usage}
bb=${BUSYBOX:-/bin/busybox}
if ! "$bb" --list >/dev/null 2>&1 || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
	# file(1) may be missing: fall back to ldd's verdict
	if ldd "$bb" 2>&1 | grep -q '=>'; then
		echo "mkrootfs-busybox: $bb is not a static busybox (apt-get install busybox-static)" >&2
		exit 1
	fi
fi
if [ "$dir" = --cached ]; then
	base=${HAKO_ROOTFS_CACHE_DIR:-/var/tmp}
	mkdir -p "$base"
	key=$({ sha256sum <"$0" && sha256sum <"$bb"; } | sha256sum | cut -c1-16)
	cache=$base/hako-test-rootfs-$key
	# what the tree holds (paths, types, modes, file sizes, link targets): kept beside it,
	# where no container writes, and compared on every use, so a tree a test changed (a
	# mount target made in it, a file written) is rebuilt rather than handed on
	manifest() { (cd "$1" && find . -printf '%y %m %p %l %s\n' | awk '$1 == "d" {$NF = ""} 1' | sort | sha256sum | cut -c1-64); }
	if [ ! -d "$cache" ] || [ "$(cat "$cache.manifest" 2>/dev/null)" != "$(manifest "$cache")" ]; then
		exec 9>"$base/hako-test-rootfs.lock"
		flock 9
		if [ ! -d "$cache" ] || [ "$(cat "$cache.manifest" 2>/dev/null)" != "$(manifest "$cache")" ]; then
			rm -rf "$cache".tmp.* # what died before (the lock is ours)
			# a replaced tree may still be a running container's root (another test's, at
			# the same time): it goes only half an hour after it was replaced
			now=$(date +%s)
			for old in "$cache".stale.*; do
				t=${old#"$cache".stale.}
				t=${t%%.*}
				[ -e "$old" ] && [ "$t" -lt $((now - 1800)) ] 2>/dev/null && rm -rf "$old"
			done
			tmp=$(mktemp -d "$cache.tmp.XXXXXX")
			chmod 755 "$tmp"
			if ! BUSYBOX=$bb "$0" "$tmp" >/dev/null; then
				rm -rf "$tmp"
				exit 1
			fi
			manifest "$tmp" >"$cache.manifest.tmp"
			[ -d "$cache" ] && mv -T "$cache" "$cache.stale.$now.$$"
			mv -T "$tmp" "$cache"
			mv -f "$cache.manifest.tmp" "$cache.manifest"
		fi
		exec 9>&-
	fi
	echo "$cache"
	exit 0
fi
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root www var/log mnt opt home run
chmod 1777 tmp
cp "$bb" bin/busybox
chmod 755 bin/busybox
for applet in $(bin/busybox --list-full); do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$(dirname "$applet")"
	ln -sf /bin/busybox "$applet"
done
cat >etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >etc/group <<'G'
root:x:0:
nogroup:x:65534:
G
echo 'hello from hako' >www/index.html
echo "rootfs ready: $dir"
