#!/bin/bash
# -v targets are resolved inside the rootfs (openat2 RESOLVE_IN_ROOT, src/lib/container/inroot.c): a
# symlink planted in the rootfs (absolute, relative with "..", dangling) cannot aim the bind
# mount, or the directories and files made for it, at the host. The bind lands where the
# container itself sees the path, and the host's files are untouched.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
RF=$T/rootfs
cp -a "$R" "$RF"
mkdir -p "$T/victim" "$T/vol"
echo host-original >"$T/victim/keep"
echo volume >"$T/vol/marker"
echo volfile >"$T/volfile"
ln -s "$T/victim" "$RF/data"		# absolute, to an existing host directory
ln -s ../../../../../../../"$T/victim" "$RF/up" # relative, climbing out
ln -s "$T/victim2" "$RF/dang"		# dangling: the host path does not exist
snap() { (cd "$T/victim" && find . -printf '%p %s %T@\n' | sort) 2>&1; }
before=$(snap)

is "-v onto /data -> host dir: the container sees the volume at /data" \
	"$(h run --rm --rootfs "$RF" -v "$T/vol:/data" -- cat /data/marker 2>&1)" volume
is "the bind landed inside the rootfs" "$(ls "$RF/$T/victim" 2>&1)" ""
is "-v onto /up/sub -> ../../..: resolved inside the rootfs" \
	"$(h run --rm --rootfs "$RF" -v "$T/vol:/up/sub" -- cat /up/sub/marker 2>&1)" volume
is "-v of a file onto /dang/x (dangling link): the container sees it" \
	"$(h run --rm --rootfs "$RF" -v "$T/volfile:/dang/x" -- cat /dang/x 2>&1)" volfile
[ ! -e "$T/victim2" ] && ok "nothing made on the host through the dangling link" ||
	not_ok "host path $T/victim2 was created"
[ -e "$RF/$T/victim2/x" ] && ok "the file target was made inside the rootfs" ||
	not_ok "no $RF/$T/victim2/x"
is "-v ro onto /data: read-only" \
	"$(h run --rm --rootfs "$RF" -v "$T/vol:/data:ro" -- sh -c 'echo x >/data/new' 2>&1 |
		grep -c 'Read-only')" 1
is "the host directory behind the link is untouched" "$(snap)" "$before"
is "the host file keeps its content" "$(cat "$T/victim/keep")" host-original
is "no mount left on the host's directory" "$(grep -c " $T/victim" /proc/self/mountinfo)" 0

# The files hako binds onto /etc (hostname, hosts, resolv.conf): a rootfs whose /etc is a
# symlink to a host directory gets them inside the rootfs, and the host directory keeps its
# files (a symlinked resolv.conf there is not removed either).
RE=$T/rootfs-etc
cp -a "$R" "$RE"
mkdir -p "$T/hostetc"
ln -s /nonexistent "$T/hostetc/resolv.conf"
echo host-hosts >"$T/hostetc/hosts"
rm -rf "$RE/etc"
ln -s "$T/hostetc" "$RE/etc"
etcsnap() { (cd "$T/hostetc" && find . -printf '%p %y %s\n' | sort) 2>&1; }
ebefore=$(etcsnap)
is "/etc -> host dir: the container's hostname file is hako's" \
	"$(h run --rm --hostname etcprobe --rootfs "$RE" -- cat /etc/hostname 2>&1)" etcprobe
is "the host directory behind /etc is untouched" "$(etcsnap)" "$ebefore"
is "its hosts file keeps its content" "$(cat "$T/hostetc/hosts")" host-hosts
