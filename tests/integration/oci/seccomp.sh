#!/bin/bash
# hako oci: linux.seccomp with a seccomp agent (SCMP_ACT_NOTIFY, listenerPath). The runtime
# sends the agent the container process's state with the filter's notification fd; the
# agent (seccomp_agent.py, python's socket and ioctl: an oracle independent of hako) answers
# the notified calls. Refusals: NOTIFY without listenerPath, NOTIFY as the default action,
# a listenerPath for `hako run`, an agent that is not listening (nothing left behind).
. "$HAKO_SRC/tests/integration/oci/common.inc"
A=$HAKO_TEST_TMP/agent
oci_bundle
# agent SOCK OUT ERRNO: started in the background, waited for until it listens
agent() {
	rm -f "$1" "$2" "$2.ready" "$2.answered"
	timeout 40 python3 "$HAKO_SRC/tests/integration/oci/seccomp_agent.py" "$1" "$2" "$3" &
	agent_pid=$!
	for i in $(seq 100); do [ -e "$2.ready" ] && break; sleep 0.05; done
}
j() { python3 -c "import json,sys; m=json.load(open('$1')); print($2)"; }

# --- the positive control: without the agent's rule, mkdir works
cfg "c['process']['args']=['sh','-c','mkdir /made && echo made; ls -l /proc/self/fd 2>/dev/null | grep -c seccomp']"
out=$(cd "$B" && o run a0 </dev/null 2>&1)
is "without a seccomp agent: mkdir works" "$(echo $out)" "made 0"

# --- mkdir notified: the agent's answer (ENOSPC, 28) is what the command sees
rm -rf "$B/rootfs/made"
cfg "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'$A.sock','listenerMetadata':'meta-1','syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_NOTIFY'}]}"
agent "$A.sock" "$A.json" 28
cfg "c['process']['args']=['sh','-c','mkdir /made; echo status \$?; ls -l /proc/self/fd 2>/dev/null | grep -c seccomp']"
out=$(cd "$B" && o run a1 </dev/null 2>&1)
wait "$agent_pid"
case "$out" in
*"No space left on device"*"status 1"*) ok "SCMP_ACT_NOTIFY: mkdir fails with the agent's errno (ENOSPC)" ;;
*) not_ok "SCMP_ACT_NOTIFY: mkdir: $out" ;;
esac
is "the notification fd is not open in the container's process" "$(echo "$out" | tail -1)" 0
[ ! -e "$B/rootfs/made" ] && ok "nothing made" || not_ok "/made was made"
is "the agent answered the call(s)" "$([ "$(cat "$A.json.answered" 2>/dev/null)" -ge 1 ] && echo yes)" yes
is "the agent got one fd" "$(j "$A.json" "m['nfds']")" 1
is "the state: fds" "$(j "$A.json" "m['fds']")" "['seccompFd']"
is "the state: metadata" "$(j "$A.json" "m['metadata']")" meta-1
is "the state: ociVersion" "$(j "$A.json" "m['ociVersion']")" 0.2.0
is "the state: the container's id, status creating, bundle" \
	"$(j "$A.json" "m['state']['id'], m['state']['status'], m['state']['bundle']")" "a1 creating $B"
is "the state: pid is the init's, the command's process (PID 1 inside, as runc's)" "$(j "$A.json" "m['pid'] == m['state']['pid'] and m['pid'] > 0")" True

# --- create + start: the fd goes to the agent at create; the agent answers after start
agent "$A.sock" "$A.json" 13
cfg "c['process']['args']=['sh','-c','mkdir /made 2>/out; echo \$? >>/out']"
(cd "$B" && o create c1 </dev/null >/dev/null 2>&1)
is "create: exit 0" "$?" 0
for i in $(seq 50); do [ -e "$A.json" ] && break; sleep 0.1; done
is "create: the agent has the state before start" "$(j "$A.json" "m['state']['status'], m['nfds']")" "creating 1"
pid=$(j "$A.json" "m['pid']")
grep -q "^NSpid:.*[[:space:]]1$" /proc/$pid/status && ok "the state's pid is the command's process (PID 1 inside)" ||
	not_ok "pid $pid: $(grep NSpid /proc/$pid/status)"
check "start" o start c1
wait "$agent_pid"
for i in $(seq 50); do [ -s "$B/rootfs/out" ] && break; sleep 0.1; done
case "$(cat "$B/rootfs/out")" in
*"Permission denied"*1) ok "create + start: mkdir fails with the agent's EACCES" ;;
*) not_ok "create + start: $(cat "$B/rootfs/out")" ;;
esac
check "delete" o delete --force c1

# --- exec: the exec'd process's filter fd goes to the agent too (its state: running)
agent "$A.sock" "$A.json" 28
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run -d e1 </dev/null >/dev/null 2>&1)
is "run -d: exit 0" "$?" 0
for i in $(seq 50); do [ -e "$A.json" ] && break; sleep 0.1; done
kill "$agent_pid" 2>/dev/null
wait "$agent_pid" 2>/dev/null
agent "$A.sock" "$A.json" 13
out=$(o exec e1 sh -c 'mkdir /made; echo status $?' </dev/null 2>&1)
case "$out" in
*"Permission denied"*"status 1"*) ok "exec: mkdir fails with the second agent's EACCES" ;;
*) not_ok "exec: $out" ;;
esac
is "exec: the agent got the state (running) and one fd" "$(j "$A.json" "m['state']['status'], m['nfds'], m['metadata']")" "running 1 meta-1"
check "delete --force" o delete --force e1
wait "$agent_pid"

# --- refusals, each with nothing created
cfg "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]}"
check_fail "SCMP_ACT_NOTIFY without listenerPath is refused" 2 \
	"listenerPath: missing: SCMP_ACT_NOTIFY needs a seccomp agent" o run -b "$B" r1
cfg "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'$A.sock'}"
check_fail "SCMP_ACT_NOTIFY as the default action is refused" 2 \
	"SCMP_ACT_NOTIFY cannot be the default action" o run -b "$B" r2
rm -f "$A.sock"
cfg "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'$A.sock','syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]}"
check_fail "no agent listening: create fails" 1 "linux.seccomp.listenerPath '$A.sock': No such file or directory" o create -b "$B" r3
is "nothing left (list)" "$(o list -q)" ""
[ -z "$(ls "$OR/run" 2>/dev/null | grep -v '^ns$\|^events.log$')" ] && ok "no run directory left" || not_ok "left: $(ls "$OR/run")"
python3 -c "import json; c=json.load(open('$B/config.json')); json.dump(c['linux']['seccomp'], open('$HAKO_TEST_TMP/prof.json','w'))"
check_fail "hako run refuses a profile with listenerPath" 125 "listenerPath: a seccomp agent gets its descriptor from \`hako oci\` only" \
	h run --rm --security-opt seccomp="$HAKO_TEST_TMP/prof.json" "$R" true
