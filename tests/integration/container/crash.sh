#!/bin/bash
# kill -9 of hako: the next command repairs the state.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
"$HAKO" --root "$ROOT" run --name crash1 --rootfs "$R" -- sleep 1000 &
hp=$!
for i in $(seq 50); do h ps --format '{{.Names}}' | grep -qx crash1 && break; sleep 0.05; done
id=$(h inspect crash1 | sed -n 's/.*"id": "\(.*\)".*/\1/p')
kill -9 $hp
wait $hp 2>/dev/null
sleep 0.2
is "after kill -9 of hako run: exited" "$(h ps -a --format '{{.ID}} {{.Names}} {{.State}}' | awk '$2 == "crash1" {print $3}')" exited
[ -z "$(grep "$id" /proc/self/mountinfo)" ] && ok "ns mounts repaired" || not_ok "ns mounts left"
[ ! -e /run/netns/crash1 ] && ok "netns name repaired" || not_ok "netns left"
h rm crash1 >/dev/null
[ -z "$(cgroup_dirs "$id")" ] && ok "cgroup removed" || not_ok "cgroup left"

# kill -9 of `hako run` at many points of its start: the next command leaves either no row
# or an exited one, and nothing of the container (mounts, netns name, cgroup) in any case.
db=$ROOT/state/hako.db
bad=
for d in 0 0.001 0.002 0.004 0.006 0.008 0.01 0.015 0.02 0.03 0.05; do
	"$HAKO" --root "$ROOT" run --name kr --rootfs "$R" -- sleep 1000 >/dev/null 2>&1 &
	hp=$!
	sleep $d
	kill -9 $hp 2>/dev/null
	wait $hp 2>/dev/null
	id=$(sqlite3 "$db" "select id from containers where name='kr'" 2>/dev/null)
	sleep 0.05 # the init dies with its parent (PDEATHSIG) asynchronously
	st=$(h ps -a --format '{{.ID}} {{.Names}} {{.State}}' | awk '$2 == "kr" {print $3}')
	case $st in "" | exited) ;; *) bad="$bad d=$d:state=$st" ;; esac
	[ -n "$id" ] && [ -n "$(grep "$id" /proc/self/mountinfo; cgroup_dirs "$id")" ] && bad="$bad d=$d:left"
	[ -e /run/netns/kr ] && bad="$bad d=$d:netns"
	h rm -f kr >/dev/null 2>&1
done
is "kill -9 of hako run at 11 points: repaired each time" "$bad" ""

# kill -9 of `hako rm -f`: right after it recorded its intent (state "removing", simulated
# with sqlite3 since rm is too quick to catch there; once with the monitor alive, once with
# the monitor killed too) and at random points. The next command finishes the removal (no
# mounts, netns name, cgroup, run dir, row); killed before the intent, nothing changed.
bad=
for d in intent intent-nomon 0 0.002 0.005 0.01 0.02; do
	id=$(h run -d --name kd --rootfs "$R" -- sleep 1000)
	case $d in
	intent*)
		mon=$(sqlite3 "$db" "select owner_pid from containers where id='$id'")
		[ $d = intent-nomon ] && kill -9 "$mon"
		sqlite3 "$db" "update containers set state='removing' where id='$id'"
		;;
	*)
		"$HAKO" --root "$ROOT" rm -f kd >/dev/null 2>&1 &
		hp=$!
		[ $d = 0 ] || sleep $d
		kill -9 $hp 2>/dev/null
		wait $hp 2>/dev/null
		;;
	esac
	before=$(sqlite3 "$db" "select state from containers where id='$id'" 2>/dev/null)
	h ps -a >/dev/null # the next command
	after=$(sqlite3 "$db" "select state from containers where id='$id'" 2>/dev/null)
	if [ "$before" = running ]; then
		[ "$after" = running ] || bad="$bad d=$d:$before->$after"
		h rm -f kd >/dev/null
	elif [ -n "$after" ]; then
		bad="$bad d=$d:row($before->$after)"
	fi
	[ -n "$(grep "$id" /proc/self/mountinfo; cgroup_dirs "$id")" ] && bad="$bad d=$d:left"
	[ -e /run/netns/kd ] && bad="$bad d=$d:netns"
	[ -e "$ROOT/run/$id" ] && bad="$bad d=$d:rundir"
	echo "# rm killed at $d: state before the next command: ${before:-gone}"
done
is "kill -9 of hako rm: the next command finished the removal" "$bad" ""
is "no rows left" "$(sqlite3 "$db" 'select count(*) from containers')" 0
