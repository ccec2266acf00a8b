#!/bin/bash
# Restart policies, carried out by the container's detached monitor: a kill -9 of the
# container's main process and of the `hako run` process (foreground --restart) does not
# stop them; on-failure:N gives up after N restarts; a user's stop is final; --rm with
# --restart is refused and changes nothing; `hako system boot` starts the always and
# unless-stopped ones. Oracles: /proc (pids, parents), the cgroup's cgroup.procs, the log's
# lines (one per run).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
s=$(uniq_suffix)
ipid() { h inspect "$1" 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# (ps's table is Docker's now: its JSON names the fields)
psf() { h -j ps -a | jq -r --arg n "$1" --arg f "$2" '.[] | select(.name == $n) | .[$f] // "-"'; }
state() { psf "$1" state; }
# the main process: the init's child (hako's PID 1 runs the command as its child)
mainpid() { cat /proc/"$1"/task/*/children 2>/dev/null | awk '{print $1}'; }
# wait_new NAME OLDPID: until NAME runs with another init (5 s at most)
wait_new() {
	local p
	for _ in $(seq 100); do
		p=$(ipid "$1")
		[ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$2" ] && [ -d /proc/"$p" ] &&
			[ "$(state "$1")" = running ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	return 1
}
in_cgroup() { grep -qx "$2" /sys/fs/cgroup/hako/"$1"/cgroup.procs 2>/dev/null ||
	grep -qx "$2" /sys/fs/cgroup/*/hako/"$1"/cgroup.procs 2>/dev/null; }

# --- always: kill -9 of the main process -------------------------------------------------
a=ra$s
id=$(h run -d --name "$a" --restart always --rootfs "$R" -- sh -c 'echo run; exec sleep 1000')
on_exit h rm -f "$a"
p1=$(ipid "$a")
m1=$(mainpid "$p1")
[ -n "$m1" ] && kill -9 "$m1"
if p2=$(wait_new "$a" "$p1"); then
	ok "always: restarted after kill -9 of the main process ($p1 -> $p2)"
else
	not_ok "always: not restarted after kill -9 of the main process ($(state "$a"))"
fi
in_cgroup "$id" "$p2" && ok "the new init is in the container's cgroup" || not_ok "cgroup.procs"
kill -9 "$p2" # the init itself
p3=$(wait_new "$a" "$p2") && ok "always: restarted after kill -9 of the init" ||
	not_ok "always: not restarted after kill -9 of the init"
sleep 0.2
is "one log line per run" "$(h logs "$a" | grep -c '^run$')" 3

# a user's stop is final (Docker's manually stopped)
h stop -t 1 "$a" >/dev/null
sleep 0.6
is "stop: it stays exited" "$(state "$a")" exited
is "stop: no run after it" "$(h logs "$a" | grep -c '^run$')" 3
# start clears that: the policy works again
h start "$a" >/dev/null
p4=$(wait_new "$a" "$p3") || not_ok "start after stop"
kill -9 "$(mainpid "$p4")" 2>/dev/null
wait_new "$a" "$p4" >/dev/null && ok "after start the policy restarts it again" ||
	not_ok "policy after start"

# --- the hako run process killed: the monitor is a process of its own --------------------
b=rb$s
h run --name "$b" --restart unless-stopped --rootfs "$R" -- sh -c 'echo fg; exec sleep 1000' \
	>"$HAKO_TEST_TMP/b.out" 2>&1 &
runpid=$!
on_exit h rm -f "$b"
for _ in $(seq 100); do [ "$(state "$b")" = running ] && break; sleep 0.05; done
q1=$(ipid "$b")
mon=$(awk '{print $4}' /proc/"$q1"/stat)
[ "$mon" != "$runpid" ] && ok "the monitor ($mon) is not the hako run process ($runpid)" ||
	not_ok "monitor is hako run itself"
{ kill -9 "$runpid"; wait "$runpid"; } 2>/dev/null
sleep 0.2
[ -d /proc/"$q1" ] && is "hako run killed: the container runs on" "$(state "$b")" running ||
	not_ok "hako run killed: the container died"
grep -q '^fg$' "$HAKO_TEST_TMP/b.out" && ok "foreground --restart printed the output" ||
	not_ok "foreground output: $(cat "$HAKO_TEST_TMP/b.out")"
kill -9 "$(mainpid "$q1")"
q2=$(wait_new "$b" "$q1") && ok "and restarted after kill -9 of its main process" ||
	not_ok "not restarted after hako run was killed"

# --- on-failure:2 ------------------------------------------------------------------------
c=rc$s
h run -d --name "$c" --restart on-failure:2 --rootfs "$R" -- sh -c 'echo try; exit 3' >/dev/null
on_exit h rm -f "$c"
for _ in $(seq 100); do
	[ "$(state "$c")" = exited ] && [ "$(h logs "$c" | grep -c try)" = 3 ] && break
	sleep 0.05
done
sleep 1
is "on-failure:2: three runs, then it stays exited" \
	"$(h logs "$c" | grep -c try) $(state "$c")" "3 exited"
is "on-failure:2: the exit code kept" "$(psf "$c" exit_code)" 3
is "inspect: RestartCount (the runs in the log, less the first) and HostConfig.RestartPolicy" \
	"$(h inspect -f '{{.RestartCount}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$c")" \
	"$(($(h logs "$c" | grep -c try) - 1)) on-failure 2"
d=rd$s
h run -d --name "$d" --restart on-failure --rootfs "$R" -- sh -c 'echo ok; exit 0' >/dev/null
on_exit h rm -f "$d"
sleep 0.8
is "on-failure: exit 0 is not restarted" "$(h logs "$d" | grep -c ok) $(state "$d")" "1 exited"
is "inspect: on-failure without N: MaximumRetryCount 0, RestartCount 0" \
	"$(h inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.RestartCount}}' "$d")" \
	"on-failure 0 0"

# wait on a container with a policy: its first exit's code (Docker's), the policy going on
g=rg$s
h run -d --name "$g" --restart always --rootfs "$R" -- sh -c 'sleep 0.3; exit 5' >/dev/null
on_exit h rm -f "$g"
is "wait: the first exit's code" "$(timeout 20 "$HAKO" --root "$ROOT" wait "$g")" 5
sleep 0.5
[ "$(h logs "$g" 2>/dev/null | wc -l)" -ge 0 ] && [ "$(state "$g")" != exited ] &&
	ok "and the policy goes on ($(state "$g"))" || not_ok "policy stopped: $(state "$g") $(h ps -a | grep "$g") $(h logs "$g" | wc -l)"
h rm -f "$g" >/dev/null

# update --restart (Docker's): a -d container without a policy gets one, its monitor follows
# it at the next exit; no again: it stays exited
u=ru$s
h run -d --name "$u" --rootfs "$R" -- sh -c 'echo run; sleep 0.5; exit 2' >/dev/null
on_exit h rm -f "$u"
check "update --restart always" h update --restart always "$u"
for _ in $(seq 100); do [ "$(h logs "$u" | grep -c run)" -ge 2 ] && break; sleep 0.05; done
is "update --restart always: run again by its monitor (a second line in the log)" \
	"$(h logs "$u" | grep -c run)" 2
check "update --restart no" h update --restart no "$u"
for _ in $(seq 100); do [ "$(state "$u")" = exited ] && break; sleep 0.05; done
n=$(h logs "$u" | grep -c run)
sleep 1.5
is "update --restart no: it stays exited, no run after" "$(state "$u") $(h logs "$u" | grep -c run)" "exited $n"
is "inspect shows the policy" "$(h inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$u")" no
h rm -f "$u" >/dev/null
h run -d --rm --name "$u" --rootfs "$R" -- sleep 100 >/dev/null
check_fail "update --restart always of a --rm container: refused" 2 "with --rm" \
	h update --restart always "$u"
is "... and changed nothing" "$(h inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$u")" no
check_fail "update --restart bogus" 2 "update: --restart 'bogus'" h update --restart bogus "$u"
h rm -f "$u" >/dev/null

# --- bad input: refused, nothing made ----------------------------------------------------
check_fail "--rm with --restart always" 125 "conflicting options: --restart always and --rm" \
	h run -d --rm --restart always --name bad$s --rootfs "$R" -- true
check_fail "--restart bogus" 125 "--restart 'bogus'" \
	h run -d --restart bogus --name bad$s --rootfs "$R" -- true
check_fail "--restart always:3" 125 "maximum retry count" \
	h run -d --restart always:3 --name bad$s --rootfs "$R" -- true
is "nothing made by the refused runs" "$(h -j ps -a | jq --arg n "bad$s" '[.[] | select(.name == $n)] | length')" 0
h run --rm --restart no --rootfs "$R" -- true && ok "--rm with --restart no is fine" ||
	not_ok "--rm with --restart no"

# --- system boot -------------------------------------------------------------------------
# as after a reboot: every init and monitor gone (kill -9 of the monitors, whose inits die
# with them); b (unless-stopped, not stopped by a user) and a (always, stopped by a user
# below) are started; c (on-failure) and e (unless-stopped, stopped by a user) are not
e=re$s
h run -d --name "$e" --restart unless-stopped --rootfs "$R" -- sleep 1000 >/dev/null
on_exit h rm -f "$e"
h stop -t 0 "$a" "$e" >/dev/null
pb=$(ipid "$b")
kill -9 "$(awk '{print $4}' /proc/"$pb"/stat)"
for _ in $(seq 100); do [ -d /proc/"$pb" ] || break; sleep 0.05; done
out=$(h system boot)
is "system boot starts always and unless-stopped (not stopped by a user)" \
	"$(echo "$out" | sort | tr '\n' ' ')" "$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ')"
is "system boot: states" "$(state "$a") $(state "$b") $(state "$c") $(state "$e")" \
	"running running exited exited"
check_fail "system boot takes no operand" 2 "unexpected argument" h system boot x

# hako restart keeps the policy: a kill -9 afterwards is restarted again
pa=$(ipid "$a")
h restart -t 0 "$a" >/dev/null
pb2=$(wait_new "$a" "$pa") && ok "restart of an always container: a new init" || not_ok "restart"
kill -9 "$(mainpid "$pb2")" 2>/dev/null
wait_new "$a" "$pb2" >/dev/null && ok "after hako restart the policy still restarts it" ||
	not_ok "policy after hako restart"
# rm -f while the policy would restart it: gone for good, no monitor left behind
h rm -f "$a" >/dev/null
sleep 0.5
is "rm -f of a policy container: no row comes back" "$(h -j ps -a | jq --arg n "$a" '[.[] | select(.name == $n)] | length')" 0
# every container removed: no monitor (a hako process of this root) is left
h rm -f "$b" "$c" "$d" "$e" >/dev/null
sleep 0.5
left=$(pgrep -f -- "--root $ROOT" | grep -vx $$ | tr '\n' ' ')
[ -z "$left" ] && ok "no monitor left after rm -f" || not_ok "processes left: $left $(ps -o pid,args -p ${left// /,} 2>/dev/null)"
