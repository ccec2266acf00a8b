#!/bin/bash
# hako run in the foreground: namespaces, PID 1, exit statuses, fds, zombies.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"

out=$(h run --rm --hostname box1 --rootfs "$R" -- hostname)
is "hostname inside is the container's" "$out" "box1"
[ "$(hostname)" != box1 ] && ok "hostname outside unchanged" || not_ok "hostname outside unchanged"

out=$(h run --rm --rootfs "$R" -- ps -o pid,comm)
pids=$(echo "$out" | awk 'NR > 1 {print $1}' | tr '\n' ' ')
is "ps inside sees PID 1 and only its own processes" "$pids" "1 2 "

fds=$(h run --rm --rootfs "$R" -- ls /proc/1/fd | tr '\n' ' ')
is "no hako fd in the container's init (/proc/1/fd inside)" "$fds" "0 1 2 "
# seen from the host: the init's and the main process's fds (3 is the caller's own)
h run -d --name fds --rootfs "$R" -- sleep 1000 3</dev/null >/dev/null
init=$(h inspect fds | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
main=$(cat /proc/$init/task/$init/children | tr -d ' ')
is "init has only 0 1 2" "$(ls /proc/$init/fd | tr '\n' ' ')" "0 1 2 "
is "main process has only 0 1 2" "$(ls /proc/$main/fd | tr '\n' ' ')" "0 1 2 "
h rm -f fds >/dev/null

h run --rm --rootfs "$R" -- sh -c 'exit 3'
is "exit 3 -> 3" "$?" 3
h run --rm --rootfs "$R" -- sh -c 'kill -TERM $$'
is "killed by TERM -> 143" "$?" 143
check_fail "command not found -> 127" 127 "executable file not found in container" \
	h run --rm --rootfs "$R" -- /nonexistent
check_fail "not executable -> 126" 126 "Permission denied" h run --rm --rootfs "$R" -- /etc/passwd
check_fail "missing rootfs -> 125, one line" 125 "rootfs" h run --rm --rootfs /nonexistent -- true
check_fail "invalid hostname" 125 "invalid hostname" h run --rm --hostname 'a b' --rootfs "$R" -- true

out=$(h run --rm --rootfs "$R" -- sh -c 'mount | grep -c " /dev/"; ls /dev | tr "\n" " "')
echo "$out" | grep -q "console\|null" && ok "minimal /dev" || not_ok "minimal /dev: $out"
h run --rm --rootfs "$R" -- sh -c 'echo x > /sys/kernel/uevent_helper' 2>/dev/null
[ $? -ne 0 ] && ok "/sys is read-only" || not_ok "/sys is read-only"
out=$(h run --rm --hostname hh --rootfs "$R" -- cat /etc/hostname)
is "/etc/hostname provided" "$out" "hh"

# orphans: the subshell's sleep is re-parented to PID 1, which must reap it
h run -d --name zomb --rootfs "$R" -- sh -c '(sleep 0.1 &); (sleep 0.1 &); exec sleep 1000' >/dev/null
sleep 0.6
st=$(h top zomb | awk 'NR>1 {print $3}' | tr -d '\n')
case $st in *Z*) not_ok "orphans are reaped (states: $st)" ;; *) ok "orphans are reaped" ;; esac
h rm -f zomb >/dev/null

is "--rm leaves no rows" "$(h ps -a -q | wc -l)" 0
[ -z "$(grep "$ROOT/run/ns/" /proc/self/mountinfo)" ] && ok "no ns mounts left" || not_ok "no ns mounts left"

# a foreground --rm: its namespaces are not bound (the netns name is); exec, nsenter through
# RUN/ns/<id>/net, rename and ss work as for the others
h run --rm --name fgrm --network new --rootfs "$R" -- sleep 1000 >/dev/null 2>&1 &
fg=$!
for _ in $(seq 300); do
	[ "$(h -j ps | jq -r '.[] | select(.name == "fgrm") | .state')" = running ] && break
	sleep 0.1
done
id=$(h -j inspect fgrm | jq -r '.[0].id')
pid=$(h -j inspect fgrm | jq -r '.[0].pid')
is "foreground --rm: RUN/ns/<id>/net is its netns name" "$(readlink "$ROOT/run/ns/$id/net")" \
	/run/netns/fgrm
[ -z "$(grep "$ROOT/run/ns" /proc/self/mountinfo)" ] && ok "foreground --rm: no ns mounts" ||
	not_ok "foreground --rm: ns mounts"
inside=$(h exec fgrm -- sh -c 'for x in cgroup ipc mnt net pid uts; do readlink /proc/self/ns/$x; done')
outside=$(for x in cgroup ipc mnt net pid uts; do readlink /proc/$pid/ns/$x; done)
is "foreground --rm: exec joins all the init's namespaces" "$inside" "$outside"
is "foreground --rm: nsenter --net=RUN/ns/<id>/net" \
	"$(nsenter --net="$ROOT/run/ns/$id/net" readlink /proc/self/ns/net)" "$(readlink /proc/$pid/ns/net)"
h rename fgrm fgrm2 >/dev/null
is "foreground --rm: renamed, net follows the name" "$(readlink "$ROOT/run/ns/$id/net")" \
	/run/netns/fgrm2
h ss fgrm2 >/dev/null && ok "foreground --rm: ss" || not_ok "foreground --rm: ss"
h kill fgrm2 >/dev/null
wait $fg
[ ! -e "$ROOT/run/ns/$id" ] && [ ! -e /run/netns/fgrm2 ] && [ ! -e /run/netns/fgrm ] &&
	ok "foreground --rm: nothing left" || not_ok "foreground --rm: left $(ls "$ROOT/run/ns" /run/netns)"

# -t: a real pty, window size passed through (script(1) gives this test a terminal)
if command -v script >/dev/null; then
	out=$(script -qec "stty cols 91 rows 33; $HAKO --root $ROOT run --rm -t --rootfs $R -- sh -c 'stty size; exit 4'" /dev/null | tr -d '\r')
	is "-t: window size inside" "$out" "33 91"
else
	skip "-t" "script(1) not installed"
fi
