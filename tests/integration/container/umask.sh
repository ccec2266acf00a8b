#!/bin/bash
# The umask of a container's processes is 0022 (Docker's, runc's and crun's default) or what
# the config asks (an OCI process.user.umask), never the operator's: under umask 077 a
# container once got 0077, and the mount points hako made in its tree were 0700 (a non-root
# user could not reach its volume). Oracles: the shell's `umask` and stat(1) inside, ls on the
# host.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
T=$HAKO_TEST_TMP
R2=$T/rootfs
cp -a "$R/." "$R2"
mkdir -p "$T/vol"
is "control: the operator's umask here is 0077" "$(umask 077; sh -c umask)" 0077

is "run: the command's umask is 0022; a mount point hako made (and its parent) is 755" \
	"$(umask 077; h run --rm --network none -v "$T/vol:/new/dir/vol" --rootfs "$R2" -- sh -c 'umask; stat -c "%a" /new /new/dir' | tr '\n' ' ')" \
	"0022 755 755 "
is "run: as seen from the host too" "$(stat -c %a "$R2/new/dir")" 755
is "run -u 1000: 0022, and the volume's mount point reachable" \
	"$(umask 077; h run --rm --network none -u 1000 -v "$T/vol:/new/dir/vol" --rootfs "$R2" -- sh -c 'umask; ls -d /new/dir/vol' 2>&1 | tr '\n' ' ')" \
	"0022 /new/dir/vol "
(umask 077; h run -d --name u1 --network none --rootfs "$R2" -- sleep 60 >/dev/null)
on_exit "\"$HAKO\" --root \"$ROOT\" rm -f u1"
is "exec: 0022" "$(umask 077; h exec u1 sh -c umask)" 0022
h rm -f u1 >/dev/null 2>&1

# the OCI runtime: 0022 unless process.user.umask
B=$T/bundle
OR=$T/ociroot
mkdir -p "$B"
cp -a "$R/." "$B/rootfs"
"$HAKO" oci spec --bundle "$B"
cfgj() { python3 -c "import json; c=json.load(open('$B/config.json')); $1; json.dump(c, open('$B/config.json','w'))"; }
orun() { (umask 077; cd "$B" && "$HAKO" oci --root "$OR" run "$1" </dev/null 2>&1); }
cfgj "c['root']['readonly']=False; c['process']['terminal']=False; c['process']['cwd']='/made/here'; c['process']['args']=['sh','-c','umask; stat -c %a /made /made/here']"
is "oci run: 0022 by default; the process.cwd made is 755" "$(orun o1 | tr '\n' ' ')" "0022 755 755 "
cfgj "c['process']['user']['umask']=23"
is "oci run: process.user.umask 0027 (23)" "$(orun o2 | head -1)" 0027
cfgj "c['process']['user']['umask']=4096"
check_fail "oci: a umask above 0777 is refused with its path" 2 "process.user.umask: 4096 is not a umask" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create o3 </dev/null"
