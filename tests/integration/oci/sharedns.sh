#!/bin/bash
# An OCI config that lists no namespace: the container inherits the runtime's (the spec's
# MUST, runtime-tools' linux_ns_itype), as runc and crun do. Its rootfs is then a chroot on
# RUN/<id>/root in the runtime's mount namespace, every mount of the container under it and
# detached at delete; the host's names, mounts and processes are left as they were.
# Oracles: /proc/PID/{ns,root}, findmnt, hostname(1), ps through /proc, the cgroup files.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
echo marker >"$B/rootfs/marker"
host_name=$(hostname)
mounts_before=$(findmnt -rn | wc -l)
ns_of() { for n in cgroup ipc mnt net pid uts; do readlink "/proc/$1/ns/$n"; done | tr '\n' ' '; }
pid_of() { o state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }

# --- refused: a hostname or domainname without a uts namespace would rename the host's
cfg "c['linux']['namespaces']=[]"
check_fail "a hostname without a uts namespace is refused" 2 \
	"config.json: hostname: needs a uts namespace in linux.namespaces" o create --bundle "$B" bad1
cfg "c.pop('hostname', None); c['domainname']='example.org'"
check_fail "a domainname without a uts namespace is refused" 2 \
	"config.json: domainname: needs a uts namespace in linux.namespaces" o create --bundle "$B" bad2
is "refused: nothing created" "$(o list -q)" ""
is "refused: the host's name unchanged" "$(hostname)" "$host_name"

# --- no namespace listed: every one is the runtime's
cfg "c.pop('domainname', None); c['process']['args']=['sh','-c','echo pid:\$\$ name:\$(hostname) \$(cat /marker); sleep 60 & echo \$! >/child; wait']"
(cd "$B" && o create c1 </dev/null >"$HAKO_TEST_TMP/c1.out" 2>&1)
is "create: exit 0" "$?" 0
pid=$(pid_of c1)
is "its namespaces are this process's (cgroup ipc mnt net pid uts)" "$(ns_of "$pid")" "$(ns_of $$)"
[ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/$$/ns/user)" ] && ok "and its user namespace" ||
	not_ok "user namespace differs"
root=$(readlink /proc/$pid/root)
case "$root" in "$OR"/run/*/root) ok "its root: a chroot on RUN/<id>/root ($root)" ;;
*) not_ok "its root is '$root'" ;; esac
n=$(findmnt -rn -o TARGET | grep -c "^$root")
[ "$n" -ge 5 ] && ok "its mounts are under its root ($n)" || not_ok "only $n mounts under $root"
is "no mount of the container outside its root" "$(findmnt -rn -o TARGET | grep -v "^$root" | grep -v "^$OR/run/ns" | wc -l)" "$mounts_before"
check "start" o start c1
for i in $(seq 50); do [ -s "$B/rootfs/child" ] && break; sleep 0.1; done
is "the command: the host's pid and name, the rootfs's files" "$(cat "$HAKO_TEST_TMP/c1.out")" \
	"pid:$pid name:$host_name marker"
is "the host's name unchanged" "$(hostname)" "$host_name"
is "exec: in the chroot" "$(o exec c1 cat /marker </dev/null 2>&1)" marker
is "exec: the masked /proc/timer_list is empty in the container" \
	"$(o exec c1 sh -c 'wc -c </proc/timer_list' </dev/null 2>&1)" 0
[ -z "$(findmnt -rn /proc/timer_list)" ] && [ "$(wc -c </proc/timer_list)" -gt 0 ] &&
	ok "the host's /proc/timer_list is not masked" || not_ok "host /proc/timer_list masked"
[ -z "$(findmnt -rn /proc/sys)" ] && ok "the host's /proc/sys is not made read-only" || not_ok "host /proc/sys remounted"

# --- no pid namespace: killing the process leaves its child; delete removes it (cgroup)
child=$(cat "$B/rootfs/child")
[ -d "/proc/$child" ] && ok "control: its child ($child) runs" || not_ok "no child"
check "kill KILL" o kill c1 KILL
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
is "state: stopped" "$(o state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" stopped
kill -0 "$child" 2>/dev/null && ok "its child outlives it (no pid namespace of its own)" ||
	not_ok "child gone with the process"
check "delete" o delete c1
for i in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
kill -0 "$child" 2>/dev/null && not_ok "delete: the child still runs" || ok "delete: the child is gone"
is "delete: no mount left under its root" "$(findmnt -rn -o TARGET | grep -c "^$root")" 0
[ ! -e "$root" ] && ok "delete: RUN/<id>/root removed" || not_ok "$root left"

# --- created then deleted with --force (an engine giving up): nothing left
(cd "$B" && o create c2 </dev/null >/dev/null 2>&1)
root=$(readlink /proc/$(pid_of c2)/root)
[ -n "$root" ] && ok "control: c2 created, root $root" || not_ok "c2 not created"
check "delete --force of a created one" o delete --force c2
is "no mount left under its root" "$(findmnt -rn -o TARGET | grep -c "^$root")" 0
is "the host's mounts as before" "$(findmnt -rn | wc -l)" "$mounts_before"

# --- a hostile rootfs, in the host's mount namespace: a /proc symlink is refused, an /etc
# symlink to a host directory is resolved inside the root (hako's /etc files land there)
mkdir -p "$HAKO_TEST_TMP/hostdir"
mv "$B/rootfs/proc" "$B/rootfs/proc.real"
ln -s "$HAKO_TEST_TMP/hostdir" "$B/rootfs/proc"
cfg "c['process']['args']=['true']"
check_fail "a /proc symlink in the rootfs is refused" 1 "/proc is a symbolic link: refused" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' run h1 </dev/null"
rm "$B/rootfs/proc" && mv "$B/rootfs/proc.real" "$B/rootfs/proc"
mv "$B/rootfs/etc" "$B/rootfs/etc.real"
ln -s "$HAKO_TEST_TMP/hostdir" "$B/rootfs/etc"
is "control: an /etc symlink out of the root: the run works" "$(run_out h2; echo "rc=$?")" "rc=0"
is "the host directory it names is untouched" "$(ls -A "$HAKO_TEST_TMP/hostdir")" ""
[ -f "$B/rootfs$HAKO_TEST_TMP/hostdir/hostname" ] && ok "hako's /etc files were made inside the root" ||
	not_ok "no $B/rootfs$HAKO_TEST_TMP/hostdir/hostname"
rm "$B/rootfs/etc" && mv "$B/rootfs/etc.real" "$B/rootfs/etc"
is "the host's mounts as before" "$(findmnt -rn | grep -v "^$OR/run/ns" | wc -l)" "$mounts_before"

# --- positive control: with a uts namespace listed, the config's hostname is the container's
cfg "c['linux']['namespaces']=[{'type':'uts'},{'type':'mount'}]; c['hostname']='inner'; c['process']['args']=['hostname']"
is "control: a uts namespace listed: the config's hostname" "$(run_out c3)" inner
is "control: the host's name unchanged" "$(hostname)" "$host_name"

# --- no cgroup namespace: its cgroup mount binds the container's own directories (the host's
# whole hierarchies would be shown otherwise), as in a user namespace
cfg "c['linux']['namespaces']=[{'type':'mount'},{'type':'pid'}]; c.pop('hostname', None)
c['mounts'].append({'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid','noexec','nodev','ro']})
c['process']['args']=['sh','-c','grep :pids: /proc/self/cgroup; grep -qx 1 /sys/fs/cgroup/pids/cgroup.procs && echo has1; ls /sys/fs/cgroup/pids | grep -c ^hako']"
out=$(run_out c4)
case "$(echo "$out" | head -1)" in *:pids:/?*) ok "no cgroup namespace: /proc/self/cgroup shows the host's path" ;;
*) not_ok "cgroup path: $out" ;; esac
is "its /sys/fs/cgroup/pids is its own cgroup: its process 1 in it, no 'hako' below" \
	"$(echo "$out" | tail -2 | tr '\n' ' ')" "has1 0 "
cfg "c['linux']['namespaces'].append({'type':'cgroup'})"
is "control: with a cgroup namespace listed, its cgroup is its root" "$(run_out c5 | head -1)" "$(grep :pids: /proc/self/cgroup | cut -d: -f1,2):/"

# --- kill -9 of `create` after the mounts were made, the row still "creating": the next
# command removes the process, the mounts under its root and its run directory
if have_test_hooks; then
	cfg "c['linux']['namespaces']=[]; c.pop('hostname', None); c['mounts']=[m for m in c['mounts'] if m['destination']!='/sys/fs/cgroup']
c['process']['args']=['sleep','100']"
	(cd "$B" && HAKO_TEST_KILL_AT=ct-spawned "$HAKO" oci --root "$OR" create k1 </dev/null >/dev/null 2>&1)
	is "create killed at ct-spawned: exit 137" "$?" 137
	n=$(findmnt -rn -o TARGET | grep -c "^$OR/run/[0-9a-f]*/root")
	[ "$n" -ge 5 ] && ok "control: its mounts are there ($n)" || not_ok "only $n mounts"
	is "the next command (list) shows nothing" "$(o list -q)" ""
	is "and took its mounts away" "$(findmnt -rn -o TARGET | grep -c "^$OR/run/[0-9a-f]*/root")" 0
	is "and its run directory" "$(ls "$OR/run" | grep -c '^[0-9a-f]\{16\}$')" 0
	is "the host's mounts as before" "$(findmnt -rn | grep -v "^$OR/run/ns" | wc -l)" "$(echo "$mounts_before")"
else
	skip "kill -9 of create" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi
