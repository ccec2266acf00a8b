#!/bin/bash
# hako as an OCI runtime (hako oci / hako-runtime), driven as an engine drives runc: a bundle
# made by `hako oci spec`, create / state / start / kill / delete, run, exec, hooks, the
# console socket. Oracles: /proc (namespaces, capabilities, status), the cgroup files,
# iproute2, python's json and a unix socket receiving the terminal.
. "$HAKO_SRC/tests/integration/oci/common.inc"
mkdir -p "$B/data"
# the rootfs: a private copy of the test busybox tree (containers write to it: mount targets,
# files), never the shared one
cp -a "$R" "$B/rootfs"
echo "from the bundle" >"$B/data/file"
check "oci spec writes config.json" o spec --bundle "$B"
check_fail "oci spec refuses to overwrite" 2 "exists: remove it first" o spec --bundle "$B"
cfg "c['root']['readonly']=False"

# --- run in the foreground: output, status, removed at the end
cfg "c['process']['args']=['sh','-c','echo out:\$(hostname); exit 7']"
out=$(cd "$B" && o run r1 </dev/null 2>&1)
rc=$?
is "run: the command's output" "$out" "out:hako"
is "run: its exit status" "$rc" 7
is "run: removed when it ends (list)" "$(o list -q)" ""

# --- create, state, start, kill, delete
cfg "c['process']['args']=['sh','-c','trap \"exit 3\" TERM; echo started >/tmp/x; cat /proc/self/status | grep CapEff; sleep 60 & wait']"
(cd "$B" && o create --pid-file "$HAKO_TEST_TMP/pid" c1 </dev/null >"$HAKO_TEST_TMP/c1.out" 2>&1)
is "create: exit 0" "$?" 0
st=$(o state c1)
is "state: created" "$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" created
pid=$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
is "state's pid is the --pid-file's" "$(cat "$HAKO_TEST_TMP/pid")" "$pid"
is "state's bundle" "$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bundle"])')" "$B"
[ -d "/proc/$pid" ] && ok "the init exists after create" || not_ok "no /proc/$pid"
[ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] &&
	ok "its own pid namespace" || not_ok "host pid namespace"
[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
	ok "its own network namespace" || not_ok "host network namespace"
sleep 0.3
is "create: the command has not run yet" "$(cat "$HAKO_TEST_TMP/c1.out")" ""
check "start" o start c1
for i in $(seq 50); do [ -s "$HAKO_TEST_TMP/c1.out" ] && break; sleep 0.1; done
is "start: the command runs (CapEff of the 3 default capabilities)" \
	"$(awk '{print $2}' "$HAKO_TEST_TMP/c1.out")" 0000000020000420
is "state: running" "$(o state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" running
check_fail "start twice is refused" 2 "only a created container can be started" o start c1
cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
[ -n "$cg" ] && [ -d "/sys/fs/cgroup/pids$cg" ] && ok "its pids cgroup $cg" || not_ok "no pids cgroup: $(cat /proc/$pid/cgroup)"
is "ps: the command (the state's pid) and its sleep" "$(o ps --format json c1 | python3 -c 'import json,sys; p=json.load(sys.stdin); print(len(p), '"$pid"' in p)')" "2 True"
check_fail "delete of a running container is refused" 2 "not stopped: running" o delete c1
check "kill TERM (the command's trap: it has a handler, as PID 1 needs)" o kill c1 TERM
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
is "state: stopped" "$(o state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" stopped
check_fail "kill of a stopped container is refused" 2 "is not running" o kill c1 KILL
check "delete" o delete c1
check_fail "state after delete: not found" 5 "container 'c1' does not exist" o state c1
check "delete --force of a missing container succeeds (as runc)" o delete --force c1
[ -n "$cg" ] && [ ! -d "/sys/fs/cgroup/pids$cg" ] && ok "its cgroup is gone" || not_ok "cgroup $cg left"
is "no namespace mount left" "$(findmnt -rn -o TARGET | grep -c "$OR")" 0

# --- created, then delete (the engine gave up before start): killed and removed, as runc
# (delete.go: Created -> destroy) and crun; then the same with --force
for f in "" --force; do
	(cd "$B" && o create c2 </dev/null >/dev/null 2>&1)
	pid=$(o state c2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
	[ -d "/proc/$pid" ] && ok "control: created c2's process runs" || not_ok "no /proc/$pid"
	check "delete $f of a created container" o delete $f c2
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && not_ok "delete $f: its process still runs" || ok "delete $f: its process is gone"
	check_fail "delete $f: state: not found" 5 "container 'c2' does not exist" o state c2
	[ -n "$cg" ] && [ ! -d "/sys/fs/cgroup/pids$cg" ] && ok "delete $f: its cgroup is gone" || not_ok "cgroup '$cg' left"
done

# --- delete --regex (crun's): every container whose id matches, and only those
cfg "c['process']['args']=['sleep','60']"
for id in rx-a rx-b keep-rx; do (cd "$B" && o run -d $id </dev/null >/dev/null 2>&1); done
pids=$(for id in rx-a rx-b keep-rx; do o state $id | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; done)
out=$(o delete --regex '^rx-' 2>&1)
is "delete --regex of running ones without --force: exit 0 (as crun), a warning each" \
	"$?:$(echo "$out" | grep -c "warning: cannot delete container 'rx-.' that is not stopped: running")" 0:2
is "delete --regex refused: all three still listed" "$(o list -q | sort | tr '\n' ' ')" "keep-rx rx-a rx-b "
check_fail "delete --regex: an invalid expression" 2 "delete --regex" o delete --regex '('
check_fail "delete --regex: one expression" 2 "one regular expression" o delete --regex a b
check "delete -f --regex '^rx-'" o delete -f --regex '^rx-'
is "delete --regex: keep-rx (not matching ^rx-) alone is left" "$(o list -q)" keep-rx
for i in $(seq 50); do
	n=0; for p in $pids; do kill -0 $p 2>/dev/null && n=$((n + 1)); done
	[ $n -le 1 ] && break; sleep 0.1
done
is "delete --regex: one of the three processes runs (keep-rx's)" "$n" 1
check "delete --regex matching nothing: exit 0" o delete --regex '^nothing$'
check "delete -f --regex 'rx' (anywhere in the id)" o delete -f --regex rx
is "nothing left" "$(o list -q)" ""

# --- exec
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run -d e1 </dev/null >/dev/null 2>&1)
is "exec: runs in the container" "$(o exec e1 hostname </dev/null 2>&1)" hako
is "exec --user" "$(o exec --user 1000:1000 e1 id -u </dev/null 2>&1)" 1000
check_fail "exec --tty --detach without --console-socket: refused, says what to do" 2 \
	"exec --tty --detach: use --console-socket SOCK to receive its terminal" o exec -t -d e1 true
echo '{"args":["sh","-c","pwd; echo $A; exit 3"],"env":["A=from-process","PATH=/bin"],"cwd":"/tmp"}' >"$HAKO_TEST_TMP/p.json"
out=$(o exec --process "$HAKO_TEST_TMP/p.json" e1 </dev/null 2>&1)
rc=$?
is "exec --process: cwd, env" "$(echo $out)" "/tmp from-process"
is "exec --process: status" "$rc" 3
# a process file's values typed as config.json's: refused with the path, nothing run (a null
# argument once truncated the command, "uid": "x" or -1 ran it as root)
pf=$HAKO_TEST_TMP/pbad.json
for c in '{"args":[null]}|args\[0\]: expected a string' \
	'{"args":["echo",null,"x"]}|args\[1\]: expected a string' \
	'{"args":["true"],"env":[5]}|env\[0\]: expected a string' \
	'{"args":["true"],"env":["NOEQUALS"]}|env\[0\]: .NOEQUALS.: expected KEY=VALUE' \
	'{"args":["true"],"user":{"uid":"x"}}|user.uid: .x. is not a user or group id' \
	'{"args":["true"],"user":{"uid":-1}}|user.uid: .-1. is not a user or group id' \
	'{"args":["true"],"user":{"uid":5,"additionalGids":[4294967296]}}|user.additionalGids\[0\]: .4294967296. is not a user or group id' \
	'{"args":["true"],"cwd":"tmp"}|cwd: an absolute path is required' \
	'{"args":["true"],"terminal":"yes"}|terminal: expected a boolean'; do
	echo "${c%%|*}" >"$pf"
	check_fail "exec --process ${c%%|*}: refused" 2 "--process $pf: ${c#*|}" o exec --process "$pf" e1
done
echo '{"args":["id","-u"],"user":{"uid":4294967294}}' >"$pf"
is "exec --process: the largest id is one (positive control)" "$(o exec --process "$pf" e1 </dev/null 2>&1)" 4294967294
out=$(o exec e1 /nonexistent </dev/null 2>&1)
is "exec of a missing command: 127" "$?" 127
echo "$out" | grep -q "exec ./nonexistent.: executable file not found in container" &&
	ok "exec of a missing command: says why" || not_ok "exec of a missing command: '$out'"
out=$(o exec --cwd /proc/self/fd/3 e1 pwd </dev/null 2>&1)
is "exec --cwd /proc/self/fd/3: refused" "$?" 125
echo "$out" | grep -q "working directory '/proc/self/fd/3': refused: it resolves through a /proc magic link" &&
	ok "exec --cwd /proc/self/fd/3: refused as a magic link" || not_ok "exec --cwd magic link: '$out'"
check "pause" o pause e1
pid=$(o state e1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
fcg=$(awk -F: '$2 ~ /(^|,)freezer(,|$)/ {print $3}' /proc/$pid/cgroup)
is "state: paused" "$(o state e1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" paused
if [ -n "$fcg" ]; then
	is "the freezer says FROZEN" "$(cat /sys/fs/cgroup/freezer$fcg/freezer.state)" FROZEN
else
	is "cgroup.events says frozen" "$(grep frozen /sys/fs/cgroup/unified$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup)/cgroup.events 2>/dev/null || grep frozen /sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' /proc/$pid/cgroup)/cgroup.events)" "frozen 1"
fi
check_fail "pause twice is refused" 2 "is paused, not running" o pause e1
check "resume" o resume e1
is "state: running again" "$(o state e1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" running
o pause e1
check "delete --force of a paused container" o delete --force e1

# --- a process frozen in another v1 freezer cgroup (crun's test_delete does it, to make a
# delete hang): delete --force moves it back into its own thawed one, and it dies
fz=/sys/fs/cgroup/freezer/hako-test-frozen-$$
if [ -n "$fcg" ] && mkdir "$fz" 2>/dev/null; then
	on_exit "echo THAWED >$fz/freezer.state; for p in \$(cat $fz/cgroup.procs); do kill -9 \$p; done; rmdir $fz"
	(cd "$B" && o run -d e2 </dev/null >/dev/null 2>&1)
	pid=$(o state e2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
	echo "$pid" >"$fz/cgroup.procs"
	echo FROZEN >"$fz/freezer.state"
	for i in $(seq 100); do [ "$(cat $fz/freezer.state)" = FROZEN ] && break; sleep 0.05; done
	kill -9 "$pid"
	[ "$(cat $fz/freezer.state)" = FROZEN ] && [ -d "/proc/$pid" ] &&
		ok "control: frozen in $fz, SIGKILL leaves it there" || not_ok "not frozen: $(cat $fz/freezer.state)"
	check "delete --force of a container whose process is frozen elsewhere" o delete --force e2
	for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
	[ ! -d "/proc/$pid" ] && ok "its process is gone" || not_ok "process $pid left: $(grep State /proc/$pid/status)"
	[ -n "$cg" ] && [ ! -d "/sys/fs/cgroup/pids$cg" ] && ok "its cgroups are gone" || not_ok "cgroup '$cg' left"
	check_fail "state: not found" 5 "container 'e2' does not exist" o state e2
else
	skip "a process frozen elsewhere" "no v1 freezer hierarchy here"
fi

# --- the config: mounts, read-only root, network namespace by path, resources, seccomp
ip netns add "ocins$$"
on_exit ip netns del "ocins$$"
cfg "c['root']['readonly']=True; c['process']['args']=['sh','-c','cat /data/file; touch /x 2>&1 | grep -o \"Read-only\"; sh -c \"echo w >/data/file\" 2>&1 | grep -o \"Read-only\"; mount | grep -c \" /scratch type tmpfs\"; mkdir /scratch/d 2>&1 | grep -o \"not permitted\"']; \
c['mounts'].append({'destination':'/data','type':'bind','source':'data','options':['rbind','ro']}); \
c['mounts'].append({'destination':'/scratch','type':'tmpfs','source':'tmpfs','options':['size=1m']}); \
c['linux']['namespaces']=[n if n['type']!='network' else {'type':'network','path':'/run/netns/ocins$$'} for n in c['linux']['namespaces']]; \
c['linux']['resources']={'memory':{'limit':67108864},'pids':{'limit':64}}; \
c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir','mkdirat'],'action':'SCMP_ACT_ERRNO'}]}"
out=$(cd "$B" && o run m1 </dev/null 2>&1)
is "bind mount from the bundle, read-only root and bind, tmpfs, seccomp" "$(echo $out)" \
	"from the bundle Read-only Read-only 1 not permitted"
cfg "c['process']['args']=['sleep','60']"
(cd "$B" && o run -d n1 </dev/null >/dev/null 2>&1)
pid=$(o state n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
is "the network namespace joined by path" "$(stat -L -c %i /proc/$pid/ns/net)" "$(stat -L -c %i /run/netns/ocins$$)"
mcg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/$pid/cgroup)
is "linux.resources.memory.limit in its cgroup" \
	"$(cat /sys/fs/cgroup/memory$mcg/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup$mcg/memory.max)" 67108864
pcg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
is "linux.resources.pids.limit in its cgroup" "$(cat /sys/fs/cgroup/pids$pcg/pids.max 2>/dev/null || cat /sys/fs/cgroup$pcg/pids.max)" 64
check "delete --force" o delete --force n1

# --- hooks: the state on stdin, in order
hook_setup
cfg "c['process']['args']=['sleep','5']; c['hooks']={'createRuntime':[$(hook_json createRuntime)],'prestart':[$(hook_json prestart)],'poststart':[$(hook_json poststart)],'poststop':[$(hook_json poststop)]}"
(cd "$B" && o create k1 </dev/null >/dev/null 2>&1) && o start k1 && o delete --force k1
is "hooks ran in the spec's order with the state" "$(cat "$HOOKLOG" | tr '\n' ';')" \
	"createRuntime k1 created;prestart k1 created;poststart k1 running;poststop k1 stopped;"
cfg "c.pop('hooks')"

# --- the terminal through --console-socket
cfg "c['process']['terminal']=True; c['process']['args']=['sh','-c','[ -t 0 ] && [ -t 1 ] && echo terminal; sleep 1']"
cat >"$HAKO_TEST_TMP/console.py" <<'P'
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 64, 1)
out = b""
try:
    while b"\n" not in out:
        out += os.read(fds[0], 64)
except OSError:
    pass
print(out.decode().strip())
P
python3 "$HAKO_TEST_TMP/console.py" "$HAKO_TEST_TMP/console.sock" >"$HAKO_TEST_TMP/console.out" &
cpid=$!
for i in $(seq 50); do [ -S "$HAKO_TEST_TMP/console.sock" ] && break; sleep 0.1; done
(cd "$B" && o create --console-socket "$HAKO_TEST_TMP/console.sock" t1 </dev/null >/dev/null 2>&1)
is "create with a terminal" "$?" 0
o start t1
wait $cpid
is "the container's terminal reached the console socket" "$(tail -1 "$HAKO_TEST_TMP/console.out")" terminal
o delete --force t1
cfg "c['process']['terminal']=False"
check_fail "a terminal without --console-socket is refused" 2 "process.terminal is true: use --console-socket SOCK" \
	sh -c "cd '$B' && python3 -c \"import json; c=json.load(open('config.json')); c['process']['terminal']=True; json.dump(c,open('config.json','w'))\" && '$HAKO' oci --root '$OR' create t2 </dev/null"
cfg "c['process']['terminal']=False"

# --- bad input: the field's path, exit 2, nothing created
cfg "c['linux']['personality']={'domain':'LINUX32'}"
check_fail "a spec field hako does not implement is refused with its path" 2 \
	"config.json: linux.personality: not supported" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create b1 </dev/null"
# a field the spec does not define is ignored, as the spec requires
cfg "c['linux'].pop('personality'); c['process']['bogus']=1; c['bogus']={'x':1}"
(cd "$B" && o create u1 </dev/null >/dev/null 2>&1)
is "unknown fields are ignored" "$(o state u1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" created
o delete --force u1
cfg "c['process'].pop('bogus'); c.pop('bogus'); c['linux']['namespaces'].append({'type':'ipc','path':'/proc/self/ns/uts'})"
check_fail "a namespace path of another type is refused" 2 "linux.namespaces\[6\].path: '/proc/self/ns/uts' is not a namespace of type ipc" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create b2 </dev/null"
cfg "c['linux']['namespaces'].pop(); c['process']['args']=[]"
check_fail "empty args are refused" 2 "process.args: at least one" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create b3 </dev/null"
check_fail "a bad id is refused" 2 "invalid container id" o create --bundle "$B" 'a/b'
check_fail "a missing bundle" 5 "bundle '/nonexistent'" o create --bundle /nonexistent b4
if [ "$(cat /proc/1/comm)" = systemd ]; then
	check_fail "--systemd-cgroup is refused (exit 3)" 3 "does not implement the systemd cgroup driver" \
		"$HAKO" oci --systemd-cgroup list
else
	check_fail "--systemd-cgroup is refused: systemd is not PID 1 (exit 3)" 3 "systemd is not PID 1 on this host" \
		"$HAKO" oci --systemd-cgroup list
fi
check_fail "crun's --cgroup-manager: only cgroupfs" 2 "only cgroupfs is supported" \
	"$HAKO" oci --cgroup-manager disabled list
is "nothing was created by the refusals" "$(o list -q)" ""
# the --log file gets the error as runc writes it
"$HAKO" oci --root "$OR" --log "$HAKO_TEST_TMP/log" --log-format json state nosuch 2>/dev/null
is "--log --log-format json: the error" \
	"$(python3 -c 'import json,sys; l=json.loads(open(sys.argv[1]).readline()); print(l["level"], l["msg"])' "$HAKO_TEST_TMP/log")" \
	"error container 'nosuch' does not exist"
# as hako-runtime (argv[0]), with runc's global options
ln -s "$HAKO" "$HAKO_TEST_TMP/hako-runtime"
is "hako-runtime is the runtime (features)" \
	"$("$HAKO_TEST_TMP/hako-runtime" --root "$OR" features | python3 -c 'import json,sys; print(json.load(sys.stdin)["ociVersionMax"])')" 1.1.0
is "--version: runc's shape, crun's feature line" "$("$HAKO_TEST_TMP/hako-runtime" --version | sed -n '2,3p' | tr '\n' ' ')" \
	"spec: 1.1.0 +CAP +SECCOMP +SYSTEMD "

# --- what crun's own tests (docs/oci-conformance.md) found: crun's --config, process.cwd
# made when missing, HOME from the rootfs's /etc/passwd, exec's environment from the
# container's, exec --cap, additionalGids of --process, IPC sysctls need an ipc namespace,
# a bind of the host's /dev
cp "$B/config.json" "$B/other.json"
python3 -c "import json; c=json.load(open('$B/other.json')); c['process']['args']=['sh','-c','pwd; echo \$HOME']; \
c['process']['cwd']='/made/here'; c['process']['env']=['PATH=/bin','A=1']; c['process']['user']={'uid':0,'gid':0}; \
json.dump(c, open('$B/other.json','w'))"
echo "root:x:0:0:root:/roothome:/bin/sh" >"$HAKO_TEST_TMP/passwd"
cp "$B/rootfs/etc/passwd" "$HAKO_TEST_TMP/passwd.orig" 2>/dev/null
cp "$HAKO_TEST_TMP/passwd" "$B/rootfs/etc/passwd"
is "run --config FILE; a missing cwd is made; HOME from /etc/passwd" \
	"$(cd "$B" && o run --config other.json c1 </dev/null 2>&1 | tr '\n' ' ')" "/made/here /roothome "
python3 -c "import json; c=json.load(open('$B/other.json')); c['process']['args']=['sleep','60']; c['process']['cwd']='/'; \
c['process']['capabilities']={k:[] for k in ['bounding','effective','permitted']}; json.dump(c, open('$B/other.json','w'))"
(cd "$B" && o run -d --config other.json x1 </dev/null >/dev/null 2>&1)
is "exec: the container's environment, -e replacing a variable" \
	"$(o exec -e A=2 x1 sh -c 'echo $A $PATH' </dev/null 2>&1)" "2 /bin"
is "exec --cap CAP_KILL: bounding, effective, permitted" \
	"$(o exec --cap CAP_KILL x1 grep -E 'CapPrm|CapEff|CapBnd' /proc/self/status </dev/null | awk '{print $2}' | tr '\n' ' ')" \
	"0000000000000020 0000000000000020 0000000000000020 "
echo '{"args":["id","-G"],"user":{"uid":0,"gid":0,"additionalGids":[432,433]},"cwd":"/"}' >"$HAKO_TEST_TMP/pg.json"
is "exec --process: user.additionalGids" "$(o exec --process "$HAKO_TEST_TMP/pg.json" x1 </dev/null 2>&1)" "0 432 433"
# an exec's no_new_privs, as runc's: the container's (x1's config: on) unless --no-new-privs[=BOOL]
# or --process's noNewPrivileges says otherwise; oracle: the kernel's /proc/PID/status
nnp() { o exec "$@" grep NoNewPrivs /proc/self/status </dev/null 2>&1 | awk '{print $NF}'; }
nnp_json() { echo "{\"args\":[\"grep\",\"NoNewPrivs\",\"/proc/self/status\"],\"cwd\":\"/\",\"noNewPrivileges\":$1}" >"$HAKO_TEST_TMP/pn.json"; }
is "exec: the container's no_new_privs (on)" "$(nnp x1)" 1
is "exec --no-new-privs=false: off, as runc's" "$(nnp --no-new-privs=false x1)" 0
nnp_json false
is "exec --process, noNewPrivileges false: off" "$(nnp --process "$HAKO_TEST_TMP/pn.json" x1)" 0
check_fail "exec --no-new-privs=maybe: refused, says why" 2 "--no-new-privs='maybe': expected true or false" \
	o exec --no-new-privs=maybe x1 true
nnp_json '"yes"'
check_fail "exec --process, noNewPrivileges not a boolean: refused, says why" 2 "noNewPrivileges: expected a boolean" \
	o exec --process "$HAKO_TEST_TMP/pn.json" x1
o delete --force x1
python3 -c "import json; c=json.load(open('$B/other.json')); c['process']['noNewPrivileges']=False; json.dump(c, open('$B/nnp.json','w'))"
(cd "$B" && o run -d --config nnp.json x1 </dev/null >/dev/null 2>&1)
is "exec: the container's no_new_privs (off)" "$(nnp x1)" 0
is "exec --no-new-privs: on" "$(nnp --no-new-privs x1)" 1
nnp_json true
is "exec --process, noNewPrivileges true: on" "$(nnp --process "$HAKO_TEST_TMP/pn.json" x1)" 1
o delete --force x1
[ -f "$HAKO_TEST_TMP/passwd.orig" ] && cp "$HAKO_TEST_TMP/passwd.orig" "$B/rootfs/etc/passwd"
python3 -c "import json; c=json.load(open('$B/other.json')); c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='ipc']; \
c['linux']['sysctl']={'kernel.msgmax':'8192'}; json.dump(c, open('$B/other.json','w'))"
check_fail "an IPC sysctl without an ipc namespace is refused" 2 "needs an ipc namespace" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create --config other.json s1 </dev/null"
python3 -c "import json; c=json.load(open('$B/other.json')); c['linux'].pop('sysctl'); c['process']['args']=['ls','/dev/kmsg']; \
c['mounts'].append({'destination':'/dev','type':'bind','source':'/dev','options':['rbind','rw']}); json.dump(c, open('$B/other.json','w'))"
is "a bind of the host's /dev" "$(cd "$B" && o run --config other.json d1 </dev/null 2>&1)" /dev/kmsg
is "nothing left" "$(o list -q)" ""
# a failing prestart hook under `run`: the create is undone, and only the container is
# killed (never kill(0), the caller's process group: crun's test_hooks caught it)
python3 -c "import json; c=json.load(open('$B/other.json')); c['mounts'].pop(); c['process']['args']=['true']; \
c['hooks']={'prestart':[{'path':'/bin/false'}]}; json.dump(c, open('$B/other.json','w'))"
out=$(setsid bash -c "cd '$B' && '$HAKO' oci --root '$OR' run --config other.json h1 </dev/null 2>&1; echo \"rc=\$? caller alive\"")
is "run with a failing prestart hook: refused, its caller alive" "$out" \
	"hako: hooks.prestart[0] '/bin/false': exited with status 1
rc=1 caller alive"
is "nothing left by the failed run" "$(o list -q)" ""
# a hook without env gets the runtime's environment (runc's and crun's); with env, only that
python3 -c "import json; c=json.load(open('$B/other.json')); c['hooks']={'prestart':[ \
{'path':'/bin/sh','args':['sh','-c','echo \"inherit:\$HAKO_HOOK_MARK\" >>$HAKO_TEST_TMP/hookenv']}, \
{'path':'/bin/sh','args':['sh','-c','echo \"given:\$HAKO_HOOK_MARK\" >>$HAKO_TEST_TMP/hookenv'],'env':['A=1']}]}; \
json.dump(c, open('$B/other.json','w'))"
(cd "$B" && HAKO_HOOK_MARK=seen "$HAKO" oci --root "$OR" run --config other.json h2 </dev/null >/dev/null 2>&1)
is "hooks: the runtime's environment without env, only env with it" "$(cat "$HAKO_TEST_TMP/hookenv" 2>/dev/null | tr '\n' ' ')" \
	"inherit:seen given: "

# --- an id that begins another container's hako id is free to take (a lookup by exact name)
cfg "c['process']['args']=['true']"
(cd "$B" && o create p1 </dev/null >/dev/null 2>&1)
rid=$("$HAKO" --root "$OR" inspect --format '{{.Id}}' p1)
q=${rid:0:5}
# (the created container keeps create's stdout and stderr, as runc's does: a file, not a pipe)
(cd "$B" && o create "$q" </dev/null >"$HAKO_TEST_TMP/create.out" 2>&1)
is "oci create <a prefix of another's id>: accepted" "$?|$(cat "$HAKO_TEST_TMP/create.out")" "0|"
is "oci state of that id: its own" "$(o state "$q" | jq -r .id)" "$q"
(cd "$B" && o create p1 </dev/null >"$HAKO_TEST_TMP/create.out" 2>&1)
is "oci create <taken id>: refused, with the reason" "$(cat "$HAKO_TEST_TMP/create.out")" \
	"hako: container 'p1' already exists"
o delete --force "$q"
o delete --force p1

# --- a bad id is refused with the reason, before anything is looked up (an empty id once
# crashed state and delete: their clean-up freed what the refused lookup never set)
for v in state delete kill start pause; do
	check_fail "oci $v '': refused" 2 "invalid container id ''" o $v ""
done
check_fail "oci delete --force '../x': refused" 2 "invalid container id '../x'" o delete --force ../x
