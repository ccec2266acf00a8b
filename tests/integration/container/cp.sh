#!/bin/bash
# hako cp, both directions, running and stopped containers, with docker cp's rules; paths in
# the container resolved inside its root (openat2 RESOLVE_IN_ROOT, src/lib/container/ctcopy.c):
# symlinks planted in the container (absolute, "..", /proc magic links) never reach the host.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
RF=$T/rootfs
cp -a "$R" "$RF"
mkdir -p "$T/host" "$T/victim"
echo host-secret >"$T/victim/secret"
echo host-keep >"$T/victim/keep"
echo ct-passwd >"$RF/etc/ctfile"
ln -s "$T/victim/secret" "$RF/abs"                 # absolute, naming a host file
ln -s ../../../../../../.."$T/victim" "$RF/up"      # climbing out
ln -s "$T/victim" "$RF/absdir"                      # absolute, a host directory
ln -s /proc/1/root"$T/victim" "$RF/magic"           # a /proc magic link
mkdir -p "$RF/srv/tree/sub"
echo one >"$RF/srv/tree/a"
echo two >"$RF/srv/tree/sub/b"
ln -s a "$RF/srv/tree/link"
snap() { (cd "$T/victim" && find . -printf '%p %s %T@\n' | sort) 2>&1; }
before=$(snap)

h run -d --name web --hostname cphost --rootfs "$RF" -- sleep 300 >/dev/null ||
	not_ok "run -d"
on_exit "h rm -f web >/dev/null 2>&1"

# --- positive controls: docker cp's rules ---
check "cp CT:FILE HOSTFILE" h cp web:/etc/hostname "$T/host/hn"
is "the file's content is the container's" "$(cat "$T/host/hn")" cphost
mkdir "$T/host/d"
check "cp CT:FILE HOSTDIR (keeps the base name)" h cp web:/etc/hostname "$T/host/d"
is "HOSTDIR/hostname" "$(cat "$T/host/d/hostname")" cphost
check "cp CT:DIR HOSTNEW" h cp web:/srv/tree "$T/host/tree"
is "the tree is copied" "$(cd "$T/host/tree" && find . | sort | tr '\n' ' ')" \
	". ./a ./link ./sub ./sub/b "
is "a symlink in the tree stays a symlink" "$(readlink "$T/host/tree/link")" a
check "cp CT:DIR HOSTDIR (a subdirectory)" h cp web:/srv/tree "$T/host/d"
is "HOSTDIR/tree/sub/b" "$(cat "$T/host/d/tree/sub/b")" two
mkdir "$T/host/c"
check "cp CT:DIR/. HOSTDIR (the content)" h cp web:/srv/tree/. "$T/host/c"
is "HOSTDIR/a" "$(cat "$T/host/c/a")" one
check_fail "cp CT:FILE HOSTMISSING/ (the directory must exist)" 5 "must exist" \
	h cp web:/etc/hostname "$T/host/nodir/"
check_fail "cp CT:DIR onto a host file" 2 "cannot copy a directory onto" h cp web:/srv/tree "$T/host/hn"
check_fail "cp of a missing container path: not found" 5 "No such file" h cp web:/nonexistent "$T/host/x"
check_fail "cp of an unknown container" 5 "no such container: nosuch" h cp nosuch:/etc/hostname "$T/host/x"
check_fail "cp HOST HOST: one side must be the container" 2 "must be CT:PATH" h cp "$T/host/hn" "$T/host/hn2"
echo keep >"$T/host/dev"
check_fail "cp CT:/dev/null (a device): refused, the destination kept" 2 "not a regular file" \
	h cp web:/dev/null "$T/host/dev"
is "the destination is untouched" "$(cat "$T/host/dev")" keep
check_fail "cp --bogus" 2 "unknown option '--bogus'" h cp --bogus web:/etc/hostname "$T/host/x"

echo from-host >"$T/host/up.txt"
check "cp HOSTFILE CT:DIR/" h cp "$T/host/up.txt" web:/tmp/
is "the container sees it" "$(h exec web -- cat /tmp/up.txt 2>&1)" from-host
is "owned by root in the container (no -a)" "$(h exec web -- stat -c %u:%g /tmp/up.txt)" 0:0
chown 1234:1234 "$T/host/up.txt"
check "cp -a HOSTFILE CT:NEWNAME" h cp -a "$T/host/up.txt" web:/tmp/renamed
is "-a keeps the owner" "$(h exec web -- stat -c %u:%g /tmp/renamed)" 1234:1234
check "cp HOSTDIR CT:/opt/new" h cp "$T/host/tree" web:/opt/new
is "the tree is in the container" "$(h exec web -- cat /opt/new/sub/b 2>&1)" two

# --- the attacks: what a container planted is resolved inside it, or refused ---
check "cp CT:/abs (a symlink to a host file): the link itself is copied" \
	h cp web:/abs "$T/host/abs"
[ -L "$T/host/abs" ] && ok "a symlink, not the host file's content" || not_ok "not a link"
check_fail "cp -L CT:/abs: followed inside the container, where it does not exist" 5 "No such file" \
	h cp -L web:/abs "$T/host/abs2"
[ ! -e "$T/host/abs2" ] && ok "nothing copied from the host's file" || not_ok "abs2 exists"
check_fail "cp CT:/up/secret (../../..): clamped at the container's root" 5 "No such file" \
	h cp web:/up/secret "$T/host/up2"
check_fail "cp CT:/absdir/secret (absolute dir link)" 5 "No such file" h cp web:/absdir/secret "$T/host/s3"
check_fail "cp CT:/magic/secret (/proc/1/root): refused, the magic link named" 1 \
	"'/magic/secret': a /proc magic link" h cp web:/magic/secret "$T/host/m"
[ ! -e "$T/host/m" ] && ok "nothing copied through the magic link" || not_ok "m exists"
check_fail "cp HOSTFILE CT:/absdir/ (write through an absolute dir link)" 5 "must exist" \
	h cp "$T/host/up.txt" web:/absdir/
check_fail "cp HOSTFILE CT:/magic/new: refused, the magic link named" 1 "magic link" \
	h cp "$T/host/up.txt" web:/magic/new
check "cp HOSTFILE CT:/abs (onto the planted link): the link is replaced" \
	h cp "$T/host/up.txt" web:/abs
is "in the container /abs is now the file" "$(h exec web -- cat /abs 2>&1)" from-host
is "the host's files are untouched" "$(snap)" "$before"
is "the host's secret keeps its content" "$(cat "$T/victim/secret")" host-secret

# --- "-": a tar, out (Docker's entries) and in (libarchive, hkarchive.h) ---
is "cp CT:DIR -: the directory under its name (tar -t)" \
	"$(h cp web:/srv/tree - | tar -tf - | sed 's,/$,,' | sort | tr '\n' ' ')" \
	"tree tree/a tree/link tree/sub tree/sub/b "
is "cp CT:DIR/ -: the same" \
	"$(h cp web:/srv/tree/ - | tar -tf - | sed 's,/$,,' | sort | tr '\n' ' ')" \
	"tree tree/a tree/link tree/sub tree/sub/b "
is "cp CT:DIR/. -: its content" \
	"$(h cp web:/srv/tree/. - | tar -tf - | sed 's,^\./,,; s,/$,,' | sort | grep . | tr '\n' ' ')" \
	"a link sub sub/b "
is "cp CT:FILE -: one entry, its content" \
	"$(h cp web:/srv/tree/sub/b - | tar -tf -) $(h cp web:/srv/tree/sub/b - | tar -xOf -)" "b two"
is "cp CT:SYMLINK -: the symlink itself" \
	"$(h cp web:/srv/tree/link - | tar -tvf - | awk '{print substr($1, 1, 1), $NF}')" "l a"
check_fail "cp CT:MISSING -" 5 "No such file" h cp web:/srv/tree/nosuch -
h exec web -- mkdir -p /opt/fromtar
check "cp - CT:DIR (a tar on stdin)" sh -c "tar -C '$T/host/tree' -cf - . | '$HAKO' --root '$ROOT' cp - web:/opt/fromtar"
is "its files are in the container" "$(h exec web -- cat /opt/fromtar/sub/b 2>&1)" two
python3 - "$T/evil.tar" "$T/victim" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    l = tarfile.TarInfo("lnk"); l.type = tarfile.SYMTYPE; l.linkname = sys.argv[2]; t.addfile(l)
    d = b"pwned\n"; f = tarfile.TarInfo("lnk/secret"); f.size = len(d); t.addfile(f, io.BytesIO(d))
PY
check_fail "cp - CT:DIR with a tar whose symlink aims at the host: refused" 2 "'lnk' is a symlink" \
	sh -c "'$HAKO' --root '$ROOT' cp - web:/opt/fromtar <'$T/evil.tar'"
python3 - "$T/up.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    d = b"pwned\n"; f = tarfile.TarInfo("../../../../../../tmp/hako-cp-escape"); f.size = len(d)
    t.addfile(f, io.BytesIO(d))
PY
check_fail "cp - CT:DIR with a '..' name: refused" 2 "\.\." \
	sh -c "'$HAKO' --root '$ROOT' cp - web:/opt/fromtar <'$T/up.tar'"
[ ! -e /tmp/hako-cp-escape ] && ok "nothing written outside" || not_ok "/tmp/hako-cp-escape exists"
is "the host's secret is untouched by the tars" "$(cat "$T/victim/secret")" host-secret
check_fail "cp CT:/magic/ - : refused" 1 "magic link" sh -c "'$HAKO' --root '$ROOT' cp web:/magic/ - >/dev/null"
is "cp CT:/magic - : the symlink itself, not followed" \
	"$(h cp web:/magic - | tar -tvf - | awk '{print substr($1, 1, 1), $NF}')" "l /proc/1/root$T/victim"
check_fail "cp CT:FILE/ -: a directory is needed" 1 "Not a directory" \
	sh -c "'$HAKO' --root '$ROOT' cp web:/etc/hostname/ - >/dev/null"

# --- a stopped container: its rootfs ---
h stop -t 1 web >/dev/null 2>&1
check "cp CT:FILE from a stopped container" h cp web:/etc/ctfile "$T/host/stopped"
is "its content" "$(cat "$T/host/stopped")" ct-passwd
check "cp HOSTFILE CT: into a stopped container" h cp "$T/host/hn" web:/srv/hn
is "it is in the rootfs" "$(cat "$RF/srv/hn")" cphost
check_fail "stopped: cp CT:/up/secret is still clamped" 5 "No such file" h cp web:/up/secret "$T/host/s4"
is "the host's files are still untouched" "$(snap)" "$before"

# --- a --userns container: files land owned by its root (host 100000 through its mapping) ---
UB=100000
URF=$T/rootfs-userns
cp -a "$R" "$URF"
if ! unshare -U true 2>/dev/null; then
	skip "cp into a --userns container" "user namespaces are disabled on this kernel"
elif ! out=$(h run -d --name un1 --userns --uidmap 0:$UB:65536 --gidmap 0:$UB:65536 \
	--rootfs "$URF" -- sleep 300 2>&1); then
	skip "cp into a --userns container" "$out"
else
	on_exit "h rm -f un1 >/dev/null 2>&1"
	check "cp HOSTFILE CT: into a running --userns container" h cp "$T/host/up.txt" un1:/tmp/u
	is "owned by the container's root inside" "$(h exec un1 -- stat -c %u:%g /tmp/u 2>&1)" 0:0
	upid=$(h inspect -f '{{.State.Pid}}' un1)
	is "... which the host sees as $UB (its process's view)" "$(stat -c %u:%g "/proc/$upid/root/tmp/u")" \
		"$UB:$UB"
	check "cp CT:FILE HOST from it" h cp un1:/tmp/u "$T/host/fromuserns"
	is "its content" "$(cat "$T/host/fromuserns")" from-host
fi
