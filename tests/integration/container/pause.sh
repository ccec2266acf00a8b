#!/bin/bash
# hako pause / unpause: the container's cgroup frozen and thawed (the freezer's own state as
# the oracle, and a counter that stops counting), Docker's refusals, stop and kill of a
# paused container.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
RF=$HAKO_TEST_TMP/rootfs
cp -a "$R" "$RF" # the counter writes into the root: a copy, not the shared tree
id=$(h run -d --name p1 --rootfs "$RF" -- sh -c 'i=0; while true; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done')
[ -n "$id" ] && ok "run -d" || not_ok "run -d"
pid=$(h inspect p1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
frozen() {
	local f=$(awk -F: '$2 ~ /(^|,)freezer(,|$)/ {print $3}' /proc/$pid/cgroup)
	if [ -n "$f" ]; then cat /sys/fs/cgroup/freezer$f/freezer.state
	else grep -q 'frozen 1' /sys/fs/cgroup/unified$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup)/cgroup.events && echo FROZEN || echo THAWED; fi
}
sleep 0.3
check "pause" h pause p1
is "the freezer: FROZEN" "$(frozen)" FROZEN
is "ps: paused" "$(h ps --format '{{.ID}} {{.Names}} {{.State}}' | awk '$2 == "p1" {print $3}')" paused
check_fail "exec into a paused container is refused (125, as Docker)" 125 "is paused; unpause it before exec" h exec p1 true
a=$(cat /proc/$pid/root/tmp/n)
sleep 0.4
b=$(cat /proc/$pid/root/tmp/n)
is "a paused container does not run" "$b" "$a"
check_fail "pause twice" 2 "already paused" h pause p1
check "unpause" h unpause p1
is "the freezer: THAWED" "$(frozen)" THAWED
sleep 0.4
c=$(cat /proc/$pid/root/tmp/n)
[ "$c" -gt "$b" ] && ok "it runs again ($b -> $c)" || not_ok "counter $b -> $c"
check_fail "unpause of a running one" 2 "is not paused" h unpause p1
h pause p1
start=$(date +%s%N)
check "stop of a paused container" h stop -t 5 p1
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 4000 ] && ok "it got its TERM at once (${ms} ms), not the KILL after 5 s" || not_ok "stop took ${ms} ms"
check_fail "pause of a stopped container" 2 "is not running" h pause p1
h run -d --name p2 --rootfs "$RF" -- sleep 60 >/dev/null
h pause p2
check "kill of a paused container" h kill p2
for i in $(seq 50); do h ps --format '{{.Names}}' | grep -qx p2 || break; sleep 0.1; done
is "killed" "$(h ps -q | grep -c .)" 0
h rm p1 p2 >/dev/null

# a container dying (its main process killed, the exit not recorded yet): stop returns once
# it is stopped (ps says Exited, as after Docker's stop), and a pause in that window leaves a
# container that unpause thaws, never a frozen one nothing can end
bad=0
for i in 1 2 3 4 5; do
	h run -d --name d$i --rootfs "$R" -- sleep 100 >/dev/null
	h kill -s TERM d$i >/dev/null
	h stop d$i >/dev/null
	st=$(h ps -a --filter name=d$i --format '{{.State}}')
	[ "$st" = exited ] || { bad=1; echo "d$i: stop returned with state '$st'" | diag; }
	h rm -f d$i >/dev/null
done
is "kill then stop: stopped (exited) when stop returns, 5 times" "$bad" 0
bad=0
for i in 1 2 3 4 5; do
	h run -d --name q$i --rootfs "$R" -- sleep 100 >/dev/null
	h kill -s TERM q$i >/dev/null
	h pause q$i >/dev/null 2>&1
	h unpause q$i >/dev/null 2>&1
	for t in $(seq 50); do [ "$(h ps -a --filter name=q$i --format '{{.State}}')" = exited ] && break; sleep 0.1; done
	st=$(h ps -a --filter name=q$i --format '{{.State}}')
	[ "$st" = exited ] || { bad=1; echo "q$i: '$st' after kill, pause, unpause" | diag; }
	h rm -f q$i >/dev/null
done
is "kill, pause, unpause: it ends (exited), 5 times" "$bad" 0
