#!/bin/sh
# Build a small offline test rootfs from Debian's busybox-static package:
#   scripts/mkrootfs-busybox.sh DIR
# No downloads: it uses /bin/busybox as installed by `apt-get install busybox-static`.
# DIR gets busybox with its applet symlinks, /etc/passwd, /etc/group, and /www for httpd.
set -eu
dir=${1:?usage: mkrootfs-busybox.sh DIR}
bb=${BUSYBOX:-/bin/busybox}
if ! "$bb" --list >/dev/null 2>&1 || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
	# file(1) may be missing: fall back to ldd's verdict
	if ldd "$bb" 2>&1 | grep -q '=>'; then
		echo "mkrootfs-busybox: $bb is not a static busybox (apt-get install busybox-static)" >&2
		exit 1
	fi
fi
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root www var/log
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
