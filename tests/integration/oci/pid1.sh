#!/bin/bash
# hako oci: the container's process is its PID 1, as runc and crun make it (no hako-init;
# `hako run` keeps hako-init: the positive control that the checks below tell the two
# apart). Oracles: the host's /proc (cmdline, status's NSpid, fd), files the process writes
# from its own signal handler, the shell's exit status; hako's state only as the thing
# checked against them.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
state_pid() { o state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("pid", 0))'; }
nspid_last() { awk '/^NSpid:/ {print $NF}' "/proc/$1/status"; }

# --- the positive control: hako run's PID 1 is hako-init, its command PID 2
out=$(h run --rm --rootfs "$R" -- sh -c 'tr "\0" " " </proc/1/cmdline; echo "| $$"' 2>&1)
is "control: hako run's PID 1 is hako-init, the command PID 2" "$out" "hako-init 2 | 2"

# --- run: /proc/1 is the command itself, its own pid 1
cfg "c['process']['args']=['sh','-c','tr \"\\\\0\" \" \" </proc/1/cmdline; echo \"| \$\$\"']"
out=$(cd "$B" && o run r1 </dev/null 2>&1)
is "run: /proc/1/cmdline is the command's args, and its \$\$ is 1" "$out" "sh -c tr \"\\0\" \" \" </proc/1/cmdline; echo \"| \$\$\" | 1"

# --- create: state.pid is the process (before start: the set-up process, PID 1 inside)
cfg "c['process']['args']=['sh','-c','trap \"echo USR1 >/got; exit 5\" USR1; echo up >/up; while :; do sleep 0.1; done']; \
	c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO'}]}"
rm -f "$B/rootfs/got" "$B/rootfs/up"
(cd "$B" && o create --pid-file "$HAKO_TEST_TMP/pid" c1 </dev/null >/dev/null 2>&1)
is "create: exit 0" "$?" 0
pid=$(state_pid c1)
is "create: --pid-file is state.pid" "$(cat "$HAKO_TEST_TMP/pid")" "$pid"
is "create: state.pid is PID 1 of its pid namespace" "$(nspid_last "$pid")" 1
check "start" o start c1
for i in $(seq 50); do [ -e "$B/rootfs/up" ] && break; sleep 0.1; done
is "start: state.pid is unchanged" "$(state_pid c1)" "$pid"
is "start: state.pid runs the command (host's /proc/PID/cmdline)" \
	"$(tr '\0' ' ' </proc/$pid/cmdline | cut -d' ' -f1-3)" "sh -c trap"
is "start: still PID 1 inside" "$(nspid_last "$pid")" 1
# CVE-2019-5736: PID 1's executable is the command's file, never hako's binary
ex=$(readlink /proc/$pid/exe)
[ "${ex##*/}" = busybox ] && [ "$ex" != "$(readlink -f "$HAKO")" ] &&
	ok "start: PID 1's exe is the command's file ($ex), not hako" || not_ok "PID 1's exe: '$ex'"
# no host fd in PID 1: its fds are 0-2 only (stdio on /dev/null and the caller's pipes)
is "start: PID 1 holds fds 0-2 only" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" "0 1 2 "
is "start: no_new_privs and seccomp applied to PID 1" \
	"$(awk '/^NoNewPrivs:|^Seccomp:/ {printf "%s ", $2}' /proc/$pid/status)" "1 2 "
is "start: the default capabilities only (CapEff)" "$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)" \
	"$(o exec c1 sh -c 'awk "/^CapEff:/ {print \$2}" /proc/self/status')"
is "start: the masked paths in PID 1's root (/proc/keys on /dev/null; the host's is a regular file)" \
	"$(stat -c '%F %t:%T' /proc/$pid/root/proc/keys) $(stat -c %F /proc/keys)" "character special file 1:3 regular empty file"
is "exec: /proc/1 in the container is the command" \
	"$(o exec c1 sh -c 'tr "\0" " " </proc/1/cmdline | cut -d" " -f1-3')" "sh -c trap"
# the signal reaches the process directly: its own handler writes the file
[ ! -e "$B/rootfs/got" ] && ok "control: no USR1 handled before the kill" || not_ok "got before kill"
check "kill USR1" o kill c1 USR1
for i in $(seq 50); do [ -e "$B/rootfs/got" ] && break; sleep 0.1; done
is "kill USR1: the command's own handler ran" "$(cat "$B/rootfs/got" 2>/dev/null)" USR1
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
is "its handler's exit ended the container" "$(o state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" stopped
check "delete" o delete c1
cfg "del c['linux']['seccomp']"

# --- kill without a handler: the kernel protects a namespace's init from it (as with runc);
# KILL is always delivered
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run -d k1 </dev/null >/dev/null 2>&1)
pid=$(state_pid k1)
check "kill TERM (sleep has no handler)" o kill k1 TERM
sleep 0.3
kill -0 "$pid" 2>/dev/null && ok "PID 1 without a handler for TERM is not killed by it" ||
	not_ok "sleep as PID 1 ended on TERM"
check "kill KILL" o kill k1 KILL
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && not_ok "still alive after KILL" || ok "KILL ends it"
check "delete" o delete k1

# --- the exit status of the process is run's (the shell's $? the oracle)
cfg "c['process']['args']=['sh','-c','exit 7']"
(cd "$B" && o run e1 </dev/null >/dev/null 2>&1)
is "run: the process's exit status 7" "$?" 7
cfg "c['process']['args']=['true']"
(cd "$B" && o run e2 </dev/null >/dev/null 2>&1)
is "control: run of true: 0" "$?" 0
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run e3 </dev/null >/dev/null 2>&1) &
rp=$!
for i in $(seq 50); do [ "$(state_pid e3 2>/dev/null)" -gt 0 ] 2>/dev/null && break; sleep 0.1; done
pid=$(state_pid e3)
kill -KILL "$pid"
wait "$rp"
is "run: a process killed by KILL: 137" "$?" 137

# --- hooks: the state's pid is the process, PID 1 of its namespace (create, and run, where
# it was 0 before the row was marked running); the hook reads the host's /proc itself
cat >"$HAKO_TEST_TMP/hook" <<'H'
#!/bin/sh
p=$(python3 -c 'import json,sys; print(json.load(sys.stdin).get("pid", 0))')
echo "$1 $p $(awk '/^NSpid:/ {print $NF}' /proc/$p/status 2>/dev/null)" >>"$HOOKLOG"
H
chmod +x "$HAKO_TEST_TMP/hook"
export HOOKLOG=$HAKO_TEST_TMP/hooks.log
hk() { echo "{'path':'$HAKO_TEST_TMP/hook','args':['hook','$1'],'env':['HOOKLOG=$HOOKLOG','PATH=/usr/bin:/bin']}"; }
cfg "c['process']['args']=['true']; c['hooks']={'createRuntime':[$(hk createRuntime)],'prestart':[$(hk prestart)]}"
(cd "$B" && o create h1 </dev/null >/dev/null 2>&1)
pid=$(state_pid h1)
is "create: the hooks' state.pid is the process's, PID 1 inside" "$(tr '\n' ';' <"$HOOKLOG")" \
	"createRuntime $pid 1;prestart $pid 1;"
check "delete of created h1" o delete h1
: >"$HOOKLOG"
(cd "$B" && o run h2 </dev/null >/dev/null 2>&1)
is "run: the hooks' state.pid is the process's (not 0), PID 1 inside" \
	"$(awk '$2 > 0 && $3 == 1 {print $1}' "$HOOKLOG" | tr '\n' ' ')" "createRuntime prestart "
cfg "c.pop('hooks')"

# --- LISTEN_PID is the process's own pid: 1 (sd_listen_fds compares it with getpid())
cfg "c['process']['args']=['sh','-c','echo \$LISTEN_PID \$\$ \$LISTEN_FDS; cat <&3']"
echo three >"$HAKO_TEST_TMP/f3"
out=$(cd "$B" && LISTEN_FDS=1 o run l1 </dev/null 3<"$HAKO_TEST_TMP/f3" 2>&1)
is "socket activation: LISTEN_PID=1, the process's \$\$, its fd 3" "$(echo $out)" "1 1 1 three"
is "nothing left" "$(o list -q)" ""
