#!/bin/bash
# An OCI run in the foreground: its namespaces are not bound under RUN/ns (nothing outlives
# its init), exec joins them through /proc/<init>/ns; an OCI container's new network
# namespace is not named under /run/netns (runc's and crun's behaviour), so an `ip netns add`
# of the same name is no conflict. Controls: a detached create (bound, exec through the
# binds), and after a kill -9 of the foreground runtime, exec and delete --force still work.
# run's hooks in order, with and without one before the start (the go given early).
# Oracles: findmnt (nsfs mounts), /proc/<pid>/ns links, iproute2's ip netns.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
nsfs_under_root() { findmnt -rn -o TARGET,FSTYPE | awk -v r="$OR" 'index($1, r) == 1 && $2 == "nsfs"' | wc -l; }
state_of() { o state "$1" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["status"], s.get("pid", 0))'; }
wait_running() {
	local i st
	for i in $(seq 100); do
		st=$(state_of "$1")
		[ "${st% *}" = running ] && { echo "${st#* }"; return 0; }
		sleep 0.1
	done
	return 1
}

# --- a foreground run: no namespace bound, exec joins through /proc
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && exec "$HAKO" oci --root "$OR" run f1 </dev/null >/dev/null 2>&1) &
runner=$!
on_exit "kill -9 $runner 2>/dev/null"
pid=$(wait_running f1) && ok "run: the container runs" || not_ok "run: f1 never ran: $(o list 2>&1)"
is "run in the foreground: no namespace bound under the root" "$(nsfs_under_root)" 0
[ -e /run/netns/f1 ] && not_ok "run: /run/netns/f1 made" || ok "run: its network namespace is not named under /run/netns"
ip netns list | grep -qw f1 && not_ok "ip netns lists f1" || ok "ip netns does not list it"
for ns in net mnt uts ipc pid cgroup; do
	is "exec joins the init's $ns namespace (through /proc)" \
		"$(o exec f1 readlink /proc/self/ns/$ns </dev/null 2>&1)" "$(readlink /proc/$pid/ns/$ns)"
done
[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
	ok "its network namespace is its own" || not_ok "the host's network namespace"
check "kill the foreground run's container" o kill f1 KILL
wait $runner
is "the foreground run ends with the KILL's status" "$?" 137
is "removed at its end (list)" "$(o list -q)" ""
is "no namespace mount left" "$(nsfs_under_root)" 0

# --- a container id that is also an ip netns name: no conflict
name=ocifg$$
ip netns add "$name"
on_exit "ip netns del $name 2>/dev/null"
theirs=$(stat -L -c %i "/run/netns/$name")
cfg "c['process']['args']=['readlink','/proc/self/ns/net']"
out=$(run_out "$name")
is "run ID where /run/netns/ID exists: exit 0" "$?" 0
case "$out" in "net:[$theirs]") not_ok "the container was put in the existing namespace" ;;
net:*) ok "the container has a namespace of its own" ;;
*) not_ok "run $name: '$out'" ;;
esac
is "the existing /run/netns/ID is left as it was" "$(stat -L -c %i "/run/netns/$name" 2>&1)" "$theirs"
check "ip netns exec still enters it" ip netns exec "$name" true

# --- control: a detached create binds its namespaces; exec goes through the binds
cfg "c['process']['args']=['sleep','60']"
check "create d1" sh -c "cd '$B' && exec '$HAKO' oci --root '$OR' create d1 </dev/null >/dev/null 2>&1"
check "start d1" o start d1
pid=$(wait_running d1) || not_ok "d1 never ran"
[ "$(nsfs_under_root)" -ge 5 ] && ok "create: its namespaces are bound under the root" ||
	not_ok "create: $(nsfs_under_root) nsfs mounts under the root"
[ -e /run/netns/d1 ] && not_ok "create: /run/netns/d1 made" || ok "create: not named under /run/netns either"
is "exec into the created container" "$(o exec d1 readlink /proc/self/ns/net </dev/null 2>&1)" "$(readlink /proc/$pid/ns/net)"
check "delete --force d1" o delete --force d1
is "delete: its namespace mounts are gone" "$(nsfs_under_root)" 0

# --- the foreground runtime killed: its container lives on, exec and delete --force work
(cd "$B" && exec "$HAKO" oci --root "$OR" run k1 </dev/null >/dev/null 2>&1) &
runner=$!
pid=$(wait_running k1) || not_ok "k1 never ran"
kill -9 "$runner"
wait "$runner" 2>/dev/null
kill -0 "$pid" 2>/dev/null && ok "the runtime killed -9: the container's init lives on" || not_ok "init $pid gone"
is "exec after the runtime was killed" "$(o exec k1 readlink /proc/self/ns/uts </dev/null 2>&1)" "$(readlink /proc/$pid/ns/uts)"
check "delete --force cleans it" o delete --force k1
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && not_ok "init $pid still there" || ok "its init is gone"
is "nothing left under the root (list)" "$(o list -q)" ""
is "no namespace mount left at the end" "$(nsfs_under_root)" 0

# --- run's hooks: without a hook before the start the command goes as soon as it is
# assembled (while the runtime records it); poststart still sees it running, poststop
# stopped. With a prestart hook the go waits for it: prestart, poststart, poststop.
hook_setup
cfg "c['process']['args']=['echo','ran']; c['hooks']={'poststart':[$(hook_json poststart)],'poststop':[$(hook_json poststop)]}"
: >"$HOOKLOG"
is "run with poststart and poststop hooks only: its command's output" "$(run_out h1)" ran
is "run without a hook before the start: poststart sees it running, then poststop stopped" \
	"$(tr '\n' ';' <"$HOOKLOG")" "poststart h1 running;poststop h1 stopped;"
cfg "c['hooks']['prestart']=[$(hook_json prestart)]"
: >"$HOOKLOG"
is "run with a prestart hook: its command's output" "$(run_out h2)" ran
is "run with a prestart hook: prestart, poststart, poststop in that order" \
	"$(cut -d' ' -f1 "$HOOKLOG" | tr '\n' ';')" "prestart;poststart;poststop;"
cfg "c.pop('hooks')"
is "no container left after the hooks' runs" "$(o list -q)" ""
