#!/bin/bash
# The OCI runtime's state is runc-style: a file per container under --root (no database), a
# name taken by a symlink. Eight creates of one id at once: exactly one wins, the others say
# why (control: eight different ids all made). hako's own commands read the same root. A
# create killed between the name and the row leaves a stale name, taken over next; one that
# ends while another command's repair pass holds its old row is kept. A row cut short is
# reported, and removed by delete --force with its processes and cgroup. A row
# file others could have written is refused, with the reason (control: the same file fixed).
# Oracles: ls/stat/readlink, jq on the files, the runtime's list and state.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
cfg "c['process']['args']=['sleep','60']"

(cd "$B" && o create s1 </dev/null >/dev/null 2>&1)
is "create: made" "$(o state s1 | jq -r .status)" created
id=$(readlink "$OR/state/names/s1")
[[ "$id" =~ ^[0-9a-f]{16}$ ]] && ok "names/s1: a symlink to a 16-hex id" || not_ok "names/s1 -> '$id'"
f=$OR/state/containers/$id.json
is "its row: a file named by the id, root's, mode 0600" "$(stat -c '%u %a' "$f")" "0 600"
is "the row: the name, the state, the init" "$(jq -r '[.name, .state, .pid] | join(" ")' "$f")" \
	"s1 created $(o state s1 | jq -r .pid)"
[ -e "$OR/state/hako.db" ] && not_ok "a database made for an OCI container" ||
	ok "no database: nothing but the containers' files"
is "hako's own ps reads the same root" "$("$HAKO" --root "$OR" ps -a --format '{{.Names}}')" s1
is "... and inspect" "$("$HAKO" --root "$OR" inspect --format '{{.Name}}' s1)" /s1
[ -e "$OR/state/hako.db" ] && not_ok "hako ps or inspect made a database" ||
	ok "... neither makes a database (no network, image or VM table read from nothing)"

# --- one id, eight creates at once: one wins; control: eight ids, eight made
for i in $(seq 8); do
	(cd "$B" && o create race </dev/null >"$HAKO_TEST_TMP/race.$i" 2>&1; echo $? >"$HAKO_TEST_TMP/race.$i.rc") &
done
wait
wins=0 why=0
for i in $(seq 8); do
	[ "$(cat "$HAKO_TEST_TMP/race.$i.rc")" = 0 ] && wins=$((wins + 1))
	grep -q "container name 'race' is already in use\|container 'race' already exists" "$HAKO_TEST_TMP/race.$i" &&
		why=$((why + 1))
done
is "eight creates of one id: one made" "$wins" 1
is "... the seven others refused, saying the id is taken" "$why" 7
is "... one row, one name" "$(ls "$OR/state/names" | grep -c '^race$') $(jq -r .name "$OR"/state/containers/*.json | grep -c '^race$')" "1 1"
for i in $(seq 8); do
	(cd "$B" && o create "par$i" </dev/null >/dev/null 2>&1; echo $? >"$HAKO_TEST_TMP/par.$i.rc") &
done
wait
is "control: eight ids at once, eight made" "$(cat "$HAKO_TEST_TMP"/par.*.rc | grep -c '^0$')" 8
is "... eight listed" "$(o list -q | grep -c '^par')" 8
for i in $(seq 8); do o delete --force "par$i"; done
is "delete: their files and names gone" "$(ls "$OR/state/names" | grep -c '^par')" 0

# --- a create killed between the name and the row: the stale name is no container, and is
# taken over by the next create of that id
(cd "$B" && HAKO_TEST_KILL_AT=ctfiles-named "$HAKO" oci --root "$OR" create k1 </dev/null >/dev/null 2>&1)
is "killed at ctfiles-named: the name made, no row" \
	"$([ -L "$OR/state/names/k1" ] && echo name) $(jq -r .name "$OR"/state/containers/*.json | grep -c '^k1$')" "name 0"
check_fail "... state: no such container" 5 "container 'k1' does not exist|no such container" o state k1
(cd "$B" && o create k1 </dev/null >/dev/null 2>&1)
is "... a create of that id: made" "$(o state k1 | jq -r .status)" created
is "... the name now points to its row" "$(jq -r .name "$OR/state/containers/$(readlink "$OR/state/names/k1").json")" k1
check "... and it deletes" o delete --force k1

# --- a create that ends while another command's repair pass holds its row as it was
# ("creating", its owner alive when listed, gone when judged): the row is read again, and the
# container kept
(cd "$B" && HAKO_TEST_DELAY_AT=ct-spawned:700 "$HAKO" oci --root "$OR" create slow </dev/null >/dev/null 2>&1) &
creator=$!
sleep 0.3
HAKO_TEST_DELAY_AT=reconcile-listed:1500 "$HAKO" oci --root "$OR" list -q >/dev/null 2>&1
wait $creator
is "a create finished during another's repair pass: kept" "$(o state slow 2>&1 | jq -r .status 2>&1)" created
o delete --force slow

# --- a row cut short (a crash before the kernel wrote it: rows are not fsync'ed, as runc's
# state.json), in a cgroup of the config's: state and delete say why; delete --force removes
# the container, its processes killed in the cgroup its oci.json names (oracles: the kernel's
# cgroup directories and /proc, ls)
cg=hakotest-$$
on_exit "for d in /sys/fs/cgroup/*/$cg /sys/fs/cgroup/$cg; do rmdir \$d/p1 \$d 2>/dev/null; done"
cfg "c['linux']['cgroupsPath']='/$cg/p1'"
(cd "$B" && o run -d p1 </dev/null >/dev/null 2>&1)
pid=$(o state p1 | jq -r .pid)
pid_id=$(readlink "$OR/state/names/p1")
: >"$OR/state/containers/$pid_id.json"
check_fail "a row cut short: state says why" 1 "container 'p1': container state 'containers/$pid_id.json': not a container's record" o state p1
check_fail "... delete says why" 1 "not a container's record" o delete p1
is "... list leaves it out" "$(o list -q | grep -c '^p1$')" 0
out=$(o delete --force p1 2>&1)
is "... delete --force: removed, with a warning" "$?:$out" "0:hako: warning: container 'p1': container state 'containers/$pid_id.json': not a container's record: removed"
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done # reaped by its parent
[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && ok "... its process killed" || not_ok "... its process ($pid) is alive"
is "... its row, name, run directory and cgroups gone" \
	"$(ls "$OR/state/containers" "$OR/state/names" "$OR/run" | grep -c "p1\|$pid_id") $(ls -d /sys/fs/cgroup/*/$cg/p1 2>/dev/null | wc -l)" "0 0"
(cd "$B" && o create p1 </dev/null >/dev/null 2>&1)
is "... and the id is free again" "$(o state p1 | jq -r .status)" created
o delete --force p1
cfg "c['linux'].pop('cgroupsPath')"

# --- a row others could have written is not believed
chmod 0620 "$f"
check_fail "a group-writable row: refused" 4 "writable by group or others" o state s1
chmod 0600 "$f"
is "control: the same row, fixed" "$(o state s1 | jq -r .status)" created
# ... nor its oci.json (its hooks are run, its cgroup's processes killed by a purge)
m=$OR/run/$id/oci.json
mode=$(stat -c %a "$m")
chmod g+w "$m"
check_fail "a group-writable oci.json: refused" 4 "container state '$m': writable by group or others" o state s1
check_fail "... list says why too" 4 "writable by group or others" o list
chmod "$mode" "$m"
is "control: the same oci.json, fixed" "$(o state s1 | jq -r .status)" created
check "delete --force" o delete --force s1
is "nothing left of s1" "$(ls "$OR/state/names" "$OR/state/containers" | grep -c "s1\|$id")" 0
