#!/bin/bash
# hako oci: sd_notify through the runtime (NOTIFY_SOCKET), as crun and runc relay it
# (podman's --sdnotify=container, a systemd unit of Type=notify). Oracles: a datagram socket
# of python3's on the host side (what it received), the container's own view (its
# environment, mountinfo, ls), the host's file modes; ct_probe sends as sd_notify(3) does.
. "$HAKO_SRC/tests/integration/oci/common.inc"
oci_bundle
cp "$HAKO_CT_PROBE" "$B/rootfs/probe"
T=$HAKO_TEST_TMP
# listen NAME SOCKET: a host socket of the test's, bound before this returns; what it
# receives goes to $T/NAME.got, a datagram a line (it stops after 30 s without one)
listen() {
	python3 -c '
import socket, sys
p, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + p[1:] if p.startswith("@") else p)
open(out + ".ready", "w").close()
s.settimeout(30)
with open(out, "wb") as f:
    try:
        while True:
            f.write(s.recv(4096) + b"\n"); f.flush()
    except socket.timeout:
        pass' "$2" "$T/$1.got" &
	on_exit "kill $! 2>/dev/null"
	for i in $(seq 100); do [ -e "$T/$1.got.ready" ] && break; sleep 0.05; done
}
got() { tr '\n' '|' <"$T/$1.got" 2>/dev/null; }
# wait_got NAME: until the listener has received something (5 s at most)
wait_got() { for i in $(seq 100); do [ -s "$T/$1.got" ] && break; sleep 0.05; done; }
run_env() { (cd "$B" && env NOTIFY_SOCKET="$1" "$HAKO" oci --root "$OR" run "$2" </dev/null 2>&1); }

# --- the control: without NOTIFY_SOCKET the process's environment is the config's, and
# nothing is bound
cfg "c['process']['args']=['sh','-c','echo \"[\$NOTIFY_SOCKET]\"; grep -c notify /proc/self/mountinfo']"
is "control: no NOTIFY_SOCKET, no notify mount in the container" "$(run_out c0 | tr '\n' ' ')" "[] 0 "

# --- run: the directory, the environment, the socket, and READY=1 relayed
listen r1 "$T/host.sock"
cfg "c['process']['args']=['sh','-c','echo \$NOTIFY_SOCKET; ls \$(dirname \$NOTIFY_SOCKET); grep -c \" $T/host.sock \" /proc/self/mountinfo; /probe notify STATUS=starting; /probe notify MAINPID=9 READY=1 STATUS=up; touch \$(dirname \$NOTIFY_SOCKET)/x 2>&1 | grep -o Read-only']"
out=$(run_env "$T/host.sock" n1)
is "run: the process's NOTIFY_SOCKET is DIR/notify, the socket is there, DIR is a mount, sends work, DIR is read-only" \
	"$(echo "$out" | tr '\n' ' ')" "$T/host.sock/notify notify 1 ok ok Read-only "
wait_got r1
is "run: only READY=1 reached the host's socket (crun's relay), once" "$(got r1)" "READY=1|"
is "run: its run directory is gone after it" "$(ls "$OR/run" | grep -vc -e '^ns$' -e '^events.log$')" 0
# the config's own NOTIFY_SOCKET is replaced, not doubled
cfg "c['process']['env'].append('NOTIFY_SOCKET=/elsewhere'); c['process']['args']=['sh','-c','env | grep -c ^NOTIFY_SOCKET=; echo \$NOTIFY_SOCKET']"
is "run: the config's NOTIFY_SOCKET is replaced" "$(run_env "$T/host.sock" n2 | tr '\n' ' ')" "1 $T/host.sock/notify "
cfg "c['process']['env'].pop()"

# --- an abstract socket: the container gets /run/notify (crun's place)
listen a1 "@hako-test-notify-$$"
cfg "c['process']['args']=['sh','-c','echo \$NOTIFY_SOCKET; /probe notify READY=1']"
is "abstract: the process's NOTIFY_SOCKET is /run/notify/notify" \
	"$(run_env "@hako-test-notify-$$" n3 | tr '\n' ' ')" "/run/notify/notify ok "
wait_got a1
is "abstract: READY=1 reached the abstract socket" "$(got a1)" "READY=1|"

# --- create + start: start returns once READY=1 is relayed, not before
listen s1 "$T/start.sock"
mkfifo "$B/rootfs/go"
cfg "c['process']['args']=['sh','-c','echo up >/up; read x </go; /probe notify READY=1; exec sleep 60']"
(cd "$B" && NOTIFY_SOCKET="$T/start.sock" o create s1 </dev/null >/dev/null 2>&1)
is "create with NOTIFY_SOCKET: exit 0" "$?" 0
NOTIFY_SOCKET="$T/start.sock" "$HAKO" oci --root "$OR" start s1 >"$T/start.out" 2>&1 &
spid=$!
for i in $(seq 100); do [ -e "$B/rootfs/up" ] && break; sleep 0.05; done
[ -e "$B/rootfs/up" ] && kill -0 $spid 2>/dev/null && [ ! -s "$T/s1.got" ] &&
	ok "start: still waiting while the container has not sent READY=1" ||
	not_ok "start returned before READY=1 ($(cat "$T/start.out"))"
echo go >"$B/rootfs/go"
wait $spid
is "start: exit 0 once READY=1 came" "$?" 0
is "start: READY=1 relayed to the host's socket" "$(got s1)" "READY=1|"
is "start: the container runs" "$(o state s1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" running
check "delete --force" o delete --force s1
is "delete: its run directory is gone" "$(ls "$OR/run" | grep -vc -e '^ns$' -e '^events.log$')" 0

# --- start returns when the process ends without READY=1
cfg "c['process']['args']=['true']"
(cd "$B" && NOTIFY_SOCKET="$T/start.sock" o create s2 </dev/null >/dev/null 2>&1)
NOTIFY_SOCKET="$T/start.sock" timeout 20 "$HAKO" oci --root "$OR" start s2
is "start: exit 0 when the process ends without READY=1" "$?" 0
is "start: nothing more relayed" "$(got s1)" "READY=1|"
check "delete" o delete s2
# created without NOTIFY_SOCKET: start has nothing to relay and does not wait
(cd "$B" && o create s3 </dev/null >/dev/null 2>&1)
cfg "c['process']['args']=['sleep','60']"
check "start with NOTIFY_SOCKET of a container created without: not waited for" \
	env NOTIFY_SOCKET="$T/start.sock" timeout 20 "$HAKO" oci --root "$OR" start s3
o delete --force s3 >/dev/null 2>&1

# --- hostile: the directory is the container's too; what is under the socket's name is
# replaced, never followed (a symlink planted there aiming at a host file)
echo secret >"$T/victim"
chmod 600 "$T/victim"
cfg "c['process']['args']=['sh','-c','/probe notify READY=1; exec sleep 60']"
(cd "$B" && NOTIFY_SOCKET="$T/start.sock" o create s4 </dev/null >/dev/null 2>&1)
d=$(ls -d "$OR"/run/*/notify | head -1)
ln -s "$T/victim" "$d/notify"
check "start with a symlink planted as the socket" env NOTIFY_SOCKET="$T/start.sock" timeout 20 "$HAKO" oci --root "$OR" start s4
is "the host file it aimed at is untouched (mode, type, content)" \
	"$(stat -c '%a %F' "$T/victim") $(cat "$T/victim")" "600 regular file secret"
is "the socket replaced the symlink" "$(stat -c %F "$d/notify")" socket
wait_got s1
is "READY=1 relayed" "$(got s1)" "READY=1|READY=1|"
o delete --force s4 >/dev/null 2>&1

# --- a user namespace (container root unprivileged on the host) and a non-root user reach
# the socket too
listen u1 "$T/userns.sock"
cfg "c['linux']['namespaces'].append({'type':'user'}); \
c['linux']['uidMappings']=[{'containerID':0,'hostID':200000,'size':65536}]; c['linux']['gidMappings']=[{'containerID':0,'hostID':300000,'size':65536}]; \
c['process']['args']=['/probe','notify','READY=1']"
is "user namespace: the send works" "$(run_env "$T/userns.sock" u1)" ok
wait_got u1
is "user namespace: READY=1 relayed" "$(got u1)" "READY=1|"
cfg "c['linux']['namespaces'].pop(); c['linux'].pop('uidMappings'); c['linux'].pop('gidMappings'); \
c['process']['user']={'uid':1000,'gid':1000}"
listen u2 "$T/user.sock"
is "uid 1000: the send works" "$(run_env "$T/user.sock" u2)" ok
wait_got u2
is "uid 1000: READY=1 relayed" "$(got u2)" "READY=1|"
cfg "c['process']['user']={'uid':0,'gid':0}"

# --- bad input: a path that cannot be a socket address in the container; nothing created
long=$T/$(printf 'x%.0s' $(seq 110))
check_fail "NOTIFY_SOCKET too long for a socket address: refused" 2 \
	"NOTIFY_SOCKET: .*too long for a socket address" \
	sh -c "cd '$B' && NOTIFY_SOCKET='$long' '$HAKO' oci --root '$OR' create b1 </dev/null"
is "nothing created" "$(o list -q | grep -c b1)" 0
