#!/bin/bash
# -d, persisted namespaces, exec, kill, stop, rm: nothing left behind.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
n=ct$(uniq_suffix)
id=$(h run -d --name "$n" --rootfs "$R" -- sh -c 'echo hello-log; exec httpd -f -p 80 -h /www')
[ -n "$id" ] && ok "run -d prints the id" || not_ok "run -d prints the id"
on_exit h rm -f "$n"
pid=$(h inspect "$n" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
is "ps shows it running" "$(h ps --format '{{.ID}} {{.Names}} {{.State}}' | awk -v n="$n" '$2 == n {print $3}')" running

inside=$(h exec "$n" -- sh -c 'for x in cgroup ipc mnt net pid uts; do readlink /proc/self/ns/$x; done')
outside=$(for x in cgroup ipc mnt net pid uts; do readlink /proc/$pid/ns/$x; done)
is "exec'ed process is in all the init's namespaces" "$inside" "$outside"
is "exec sees the container's hostname" "$(h exec "$n" -- hostname)" "$n"
grep -q "hako/$id" /proc/$pid/cgroup && ok "init is in its cgroup" || not_ok "init is in its cgroup"
is "exec'ed process joins the cgroup" "$(h exec "$n" -- cat /proc/self/cgroup | grep -c '::/$')" 1

nsdir=$ROOT/run/ns/$id
out=$(nsenter --net="$nsdir/net" ip -o link show lo)
echo "$out" | grep -q "UP" && ok "nsenter --net=<persisted path> works" || not_ok "nsenter: $out"
ip netns list | grep -qw "$n" && ok "netns is named in /run/netns" || not_ok "netns named"
out=$(ip netns exec "$n" ip -o link show)
# no --network: the default network "bridge" (Docker's default), so lo and eth0
is "ip netns exec CT ip link shows lo and eth0" \
	"$(echo "$out" | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | tr '\n' ' ')" "lo eth0 "
is "web server answers inside" "$(h exec "$n" -- wget -qO- http://127.0.0.1/)" "hello from hako"
is "logs" "$(h logs "$n")" "hello-log"
check_fail "duplicate name" 125 "already in use" h run -d --name "$n" --rootfs "$R" -- true

h kill -s TERM "$n" >/dev/null
# kill only sends the signal: the container's monitor records the exit (up to 10 s under load)
for _ in $(seq 100); do
	[ "$(h -j ps -a | jq -r --arg n "$n" '.[] | select(.name == $n) | .state')" = exited ] && break
	sleep 0.1
done
is "kill -s TERM -> exited 143" "$(h -j ps -a | jq -r --arg n "$n" '.[] | select(.name == $n) | "\(.state) \(.exit_code)"')" "exited 143"
check_fail "exec into a stopped container" 125 "not running" h exec "$n" -- true
[ -z "$(grep "$nsdir" /proc/self/mountinfo)" ] && ok "exited: ns files released" || not_ok "ns released"

m=st$(uniq_suffix)
h run -d --name "$m" --rootfs "$R" -- sh -c 'trap "" TERM; sleep 1000 & wait; sleep 1000' >/dev/null
on_exit h rm -f "$m"
start=$(date +%s%N)
h stop -t 1 "$m" >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "stop escalates to KILL -> 137" "$(h -j ps -a | jq -r --arg n "$m" '.[] | select(.name == $n) | "\(.state) \(.exit_code)"')" "exited 137"
[ "$ms" -ge 900 ] && [ "$ms" -lt 3000 ] && ok "stop -t 1 took ${ms} ms" || not_ok "stop took ${ms} ms"

mid=$(h run -d --name rmme --rootfs "$R" -- sleep 1000)
h rm -f rmme "$n" "$m" >/dev/null
is "rm: no rows" "$(h ps -a -q | wc -l)" 0
[ -z "$(grep -E "$id|$mid" /proc/self/mountinfo)" ] && ok "rm: nothing in mountinfo" || not_ok "rm: mountinfo"
[ ! -e "/run/netns/rmme" ] && [ ! -e "/run/netns/$n" ] && ok "rm: nothing in /run/netns" || not_ok "rm: /run/netns"
[ -z "$(cgroup_dirs "$id"; cgroup_dirs "$mid")" ] && ok "rm: no cgroup" || not_ok "rm: cgroup left"
[ ! -e "$ROOT/run/$mid" ] && ok "rm: run dir gone" || not_ok "rm: run dir left"
if command -v sqlite3 >/dev/null; then
	is "rm: no DB row" "$(sqlite3 "$ROOT/state/hako.db" 'select count(*) from containers')" 0
fi

# several containers, one unknown: the others are still done (Docker's rm, stop, kill of
# several), each failure named on stderr, the exit status the failure's
h run -d --name m1$n --rootfs "$R" -- sleep 100 >/dev/null
h run -d --name m2$n --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f m1$n m2$n
out=$(h stop -t 1 nosuch1 m1$n 2>"$HAKO_TEST_TMP/m.err")
is "stop nosuch m1: m1 stopped (printed, exited), exit 5" \
	"$?:$out:$(h inspect -f '{{.State.Status}}' m1$n)" "5:m1$n:exited"
is "... the unknown one named on stderr" "$(cat "$HAKO_TEST_TMP/m.err")" "hako: no such container: nosuch1"
out=$(h start nosuch1 m1$n 2>/dev/null)
is "start nosuch m1: m1 started (printed, running), exit 5" \
	"$?:$out:$(h inspect -f '{{.State.Status}}' m1$n)" "5:m1$n:running"
out=$(h rm -f nosuch1 m1$n nosuch2 m2$n 2>"$HAKO_TEST_TMP/m.err")
is "rm -f nosuch1 m1 nosuch2 m2: both removed, exit 5" "$?:$(echo $out):$(h ps -aq | wc -l)" "5:m1$n m2$n:0"
is "... each unknown one named once" "$(sort "$HAKO_TEST_TMP/m.err" | tr '\n' '|')" \
	"hako: no such container: nosuch1|hako: no such container: nosuch2|"
