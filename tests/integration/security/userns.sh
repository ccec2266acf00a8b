#!/bin/bash
# hako run --userns: container root is an unprivileged host range. Oracles: the host's
# /proc/PID/status and ps, files on disk (stat), the kernel's uid_map, the exit statuses.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
B=100000 # the range the tests map container 0.. to
MAP=(--uidmap 0:$B:65536 --gidmap 0:$B:65536)
if ! unshare -U true 2>/dev/null; then
	skip "userns" "user namespaces are disabled on this kernel"
	exit 0
fi
# idmapped mount of the rootfs's filesystem: probed with hako itself
probe=$(h run --rm --userns "${MAP[@]}" --rootfs "$R" -- true 2>&1)
if echo "$probe" | grep -q "does not support idmapped mounts"; then
	skip "userns" "$probe"
	exit 0
fi
u() { h run --rm --userns "${MAP[@]}" --rootfs "$R" "$@"; }

is "id -u inside is 0" "$(u -- id -u 2>&1)" 0
is "uid_map inside shows the map" "$(u -- cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" \
	"0 $B 65536"
is "gid_map inside shows the map" "$(u -- cat /proc/self/gid_map 2>&1 | tr -s ' ' | sed 's/^ //')" \
	"0 $B 65536"
is "image files owned by 0 are root's inside (idmapped rootfs)" \
	"$(u -- stat -c %u:%g /bin/busybox 2>&1)" "0:0"
is "capabilities inside: the default set" \
	"$(u -- grep CapEff /proc/self/status 2>&1 | awk '{print $2}')" "00000000a80425fb"
is "seccomp and no_new_privs stay on" \
	"$(u -- sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status' 2>&1 | awk '{print $2}' |
		tr '\n' ' ')" "1 2 "

# the host's view of the container's processes
h run -d --name un1 --userns "${MAP[@]}" --rootfs "$R" -- sleep 30 >/dev/null
on_exit h rm -f un1
pid=$(h -j inspect un1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
main=$(cat /proc/"$pid"/task/"$pid"/children | awk '{print $1}')
is "host: the init's uid is the range's first" "$(awk '/^Uid:/{print $2}' /proc/"$pid"/status)" "$B"
is "host: ps -o uid of the main process" "$(ps -o uid= -p "$main" | tr -d ' ')" "$B"
is "host: the main process's gid" "$(awk '/^Gid:/{print $2}' /proc/"$main"/status)" "$B"
is "exec sees the same ids" "$(h exec un1 sh -c 'id -u; id -g' 2>&1 | tr '\n' ' ')" "0 0 "
is "exec: /proc/self/uid_map" "$(h exec un1 cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" \
	"0 $B 65536"
epid=$(h exec un1 sh -c 'sleep 5 & echo $!; wait' >/dev/null 2>&1 &
	sleep 1; pgrep -f '^sleep 5$' | head -1)
[ -n "$epid" ] && is "host: an exec'ed process's uid" "$(awk '/^Uid:/{print $2}' /proc/"$epid"/status)" \
	"$B" || not_ok "exec'ed process not found"
is "inspect shows the maps" "$(h -j inspect un1 | python3 -c 'import json,sys
s = json.load(sys.stdin)[0]["config"]["security"]; print(s["uidmap"], s["gidmap"])')" \
	"0:$B:65536 0:$B:65536"
ns_user=$(readlink /proc/"$pid"/ns/user)
is "the user namespace is persisted for exec" "$(ls "$ROOT"/run/ns/*/user 2>/dev/null | wc -l)" 1
h rm -f un1 >/dev/null 2>&1
[ "$ns_user" != "$(readlink /proc/self/ns/user)" ] && ok "the init has its own user namespace" ||
	not_ok "the init shares the host's user namespace"

# volumes: a file made by container root lands on disk as the range's first id; a host
# root 0600 file is nobody's inside and cannot be read
V=$HAKO_TEST_TMP/vol
mkdir -p "$V/w"
chown $B:$B "$V/w"
echo secret >"$V/secret"
chmod 600 "$V/secret"
out=$(u -v "$V:/v" -- sh -c 'touch /v/w/made && stat -c %u /v/secret; cat /v/secret' 2>&1)
is "a file made on a -v volume is owned by $B on disk" "$(stat -c %u:%g "$V/w/made")" "$B:$B"
echo "$out" | grep -q "^65534$" && ok "a host root file is nobody's inside" ||
	{ not_ok "host root file owner inside"; echo "$out" | diag; }
echo "$out" | grep -q "Permission denied" && ok "container root cannot read a host 0600 root file" ||
	{ not_ok "read a host 0600 file"; echo "$out" | diag; }
# -v HOST:CT:idmap: an idmapped volume, host ids seen as the container's
I=$HAKO_TEST_TMP/idvol
mkdir -p "$I"
echo mine >"$I/own"
chmod 600 "$I/own"
is "-v :idmap: a host root 0600 file is root's inside and readable" \
	"$(u -v "$I:/v:idmap" -- sh -c 'stat -c %u /v/own; cat /v/own; touch /v/new' 2>&1 | tr '\n' ' ')" "0 mine "
is "-v :idmap: a file made inside is 0 on disk" "$(stat -c %u:%g "$I/new")" "0:0"
is "-v :idmap,ro is read-only" "$(u -v "$I:/v:idmap,ro" -- sh -c 'touch /v/x 2>&1 | grep -c Read-only')" 1
check_fail "-v :idmap without --userns refused" 125 "idmap needs --userns" \
	h run --rm -v "$I:/v:idmap" --rootfs "$R" -- true
u -- touch /made-in-root >/dev/null 2>&1
is "a file made in the idmapped rootfs is owned by 0 on disk" "$(stat -c %u "$R/made-in-root" 2>&1)" 0
rm -f "$R/made-in-root"

# a filesystem without idmapped mounts (ramfs): a clear error, nothing created; the same
# tree chowned into the range runs as it is (the documented fallback)
RF=$HAKO_TEST_TMP/ramfs
mkdir -p "$RF"
if mount -t ramfs hako-ramfs "$RF" 2>/dev/null; then
	cp -a "$R/." "$RF/"
	check_fail "ramfs rootfs: refused, naming path and filesystem" 125 \
		"idmapped mount of '$RF': its filesystem \(ramfs\) does not support idmapped mounts; chown" \
		h run --rm "${MAP[@]}" --rootfs "$RF" -- true
	is "ramfs rootfs: nothing created" "$(h ps -a -q | wc -l)" 0
	chown -R $B:$B "$RF"
	is "ramfs rootfs chowned into the range: runs, root inside" \
		"$(h run --rm "${MAP[@]}" --rootfs "$RF" -- sh -c 'id -u; touch /x' 2>&1)" 0
	is "ramfs rootfs chowned: a new file is the range's on disk" "$(stat -c %u "$RF/x")" $B
	umount "$RF"
else
	skip "ramfs fallback" "cannot mount ramfs"
fi

# the breakout battery's key items
fails() {
	local d=$1
	shift
	if out=$(u -- sh -c "$*" 2>&1); then
		not_ok "userns: $d (succeeded)"
		echo "$out" | diag
	else
		ok "userns: $d fails"
	fi
}
fails "mount a tmpfs" "mount -t tmpfs t /mnt"
fails "load a module" "insmod /nonexistent.ko"
before=$(cat /proc/sys/kernel/domainname)
fails "write /proc/sys/kernel/domainname" "echo evil > /proc/sys/kernel/domainname"
is "host domainname unchanged" "$(cat /proc/sys/kernel/domainname)" "$before"
out=$(u -- reboot -f 2>&1; echo "rc=$?")
echo "$out" | grep -q "rc=0" && [ "$(cat /proc/sys/kernel/domainname)" = "$before" ] &&
	ok "userns: reboot -f only ends the container" || ok "userns: reboot refused"
fails "unshare a mount namespace" "unshare -m true"

# options that must keep working
is "--read-only" "$(u --read-only -- sh -c 'touch /x 2>&1 | grep -c Read-only')" 1
is "--tmpfs" "$(u --read-only --tmpfs /scratch -- sh -c 'touch /scratch/x && echo ok' 2>&1)" ok
is "--net none: lo is up" "$(u --net none -- cat /sys/class/net/lo/operstate 2>&1)" unknown
is "--net host: /sys bound read-only" "$(u --net host -- sh -c 'ls /sys/class/net | grep -c ^lo$' 2>&1)" 1
ip netns add "un-t$$" && ip -n "un-t$$" link add unv0 type veth peer name unv1 &&
	is "--net netns:NAME: the named namespace's interfaces" \
		"$(u --net "netns:un-t$$" -- cat /proc/net/dev 2>&1 | grep -c 'unv[01]:')" 2
ip netns del "un-t$$" 2>/dev/null
# exec into --userns containers whose network namespace the host's user namespace owns
ip netns add "un-e$$"
h run -d --name unhost --userns "${MAP[@]}" --net host --rootfs "$R" -- sleep 60 >/dev/null 2>&1
h run -d --name unnamed --userns "${MAP[@]}" --net "netns:un-e$$" --rootfs "$R" -- sleep 60 \
	>/dev/null 2>&1
on_exit h rm -f unhost unnamed
is "exec into --userns --net host: root, the host's network" \
	"$(h exec unhost sh -c 'id -u; ls /sys/class/net | grep -c ^lo$' 2>&1 | tr '\n' ' ')" "0 1 "
is "exec into --userns --net netns:NAME: the named namespace" \
	"$(h exec unnamed sh -c 'id -u; readlink /proc/self/ns/net' 2>&1 | tr '\n' ' ')" \
	"0 $(readlink /proc/$(h inspect unnamed | jq .[0].pid)/ns/net) "
h rm -f unhost unnamed >/dev/null 2>&1
ip netns del "un-e$$"
# the default bridge network with a published port: reached from the host
h run -d --name unweb --userns "${MAP[@]}" --network bridge -p 18080:80 --rootfs "$R" -- \
	httpd -f -p 80 -h /etc >/dev/null 2>&1
on_exit h rm -f unweb
got=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	got=$(wget -q -O - http://127.0.0.1:18080/hostname 2>/dev/null || curl -s http://127.0.0.1:18080/hostname 2>/dev/null) && [ -n "$got" ] && break
	sleep 0.3
done
is "bridge network + -p: the container's httpd answers from the host" "$got" "unweb"
h rm -f unweb >/dev/null 2>&1
is "--user 1000 inside the map" "$(u --user 1000 -- id -u 2>&1)" 1000
is "--userns=host is the default (no user namespace)" \
	"$(h run --rm --userns=host --rootfs "$R" -- cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" \
	"0 0 4294967295"

# bad maps: refused before anything is created. Each runs against a fresh --root: the state
# database, the run directory, the cgroup and the network namespace all come after the
# root's directories exist, so "the root was never made" proves nothing was (the host's
# cgroup tree is shared with whatever else runs, it cannot be diffed reliably).
bad() {
	local d=$1 pat=$2 fresh=$HAKO_TEST_TMP/fresh-root
	shift 2
	check_fail "bad map refused: $d" 125 "$pat" \
		"$HAKO" --root "$fresh" run --rm --name bad1 --rootfs "$R" "$@" -- true
	[ ! -e "$fresh" ] && [ -z "$(ip netns list)" ] && ok "nothing created: $d" || {
		not_ok "something created: $d"
		{ ls -R "$fresh"; ip netns list; } 2>&1 | diag
		rm -rf "$fresh"
	}
}
bad "overlapping container ids" "overlaps" --uidmap 0:$B:100 --uidmap 50:300000:100
bad "overlapping host ids" "overlaps" --uidmap 0:$B:100 --uidmap 200:$((B + 50)):10
bad "zero length" "zero ids" --uidmap 0:$B:0
bad "out of range" "beyond" --uidmap 0:4294967290:100
bad "not a number" "expected" --gidmap 0:x:1
bad "container 0 not mapped" "container id 0 is not mapped" --uidmap 1:$B:100
maps=()
for i in $(seq 0 340); do maps+=(--uidmap "$i:$((B + i)):1"); done
bad "341 lines" "more than 340" "${maps[@]}"
if have_test_hooks; then
	HAKO_SUBUID=$HAKO_TEST_TMP/none HAKO_SUBGID=$HAKO_TEST_TMP/none \
		bad "no /etc/subuid entry" "add a line such as 'root:100000:65536'" --userns
	printf 'alice:200000:65536\nroot:%s:65536\n' $B >"$HAKO_TEST_TMP/subid"
	is "the subuid range of root is used" \
		"$(HAKO_SUBUID=$HAKO_TEST_TMP/subid HAKO_SUBGID=$HAKO_TEST_TMP/subid h run --rm --userns \
			--rootfs "$R" -- cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" "0 $B 65536"
	printf 'hako:300000:65536\nroot:%s:65536\n' $B >"$HAKO_TEST_TMP/subid2"
	is "the subuid range of hako wins over root" \
		"$(HAKO_SUBUID=$HAKO_TEST_TMP/subid2 HAKO_SUBGID=$HAKO_TEST_TMP/subid2 h run --rm --userns \
			--rootfs "$R" -- cat /proc/self/uid_map 2>&1 | tr -s ' ' | sed 's/^ //')" "0 300000 65536"
else
	skip "subuid ranges (HAKO_SUBUID)" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi
