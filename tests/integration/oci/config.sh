#!/bin/bash
# config.json fields the OCI conformance suite (runtime-tools validation/) checks, as hako
# honours them: the five capability sets, the config's own masked and read-only paths,
# namespaces joined by path (ipc, uts, pid, mount), linux.cgroupsPath, exact cpu quota and
# period, linux.resources.devices in order, the default mounts' sources and order. Oracles:
# /proc/<pid>/status and ns links, /proc/self/mountinfo inside, the cgroup files, unshare(1).
. "$HAKO_SRC/tests/integration/oci/common.inc"
mkdir -p "$B/rootfs"
mount --bind "$R" "$B/rootfs"
on_exit umount "$B/rootfs"
check "oci spec" o spec --bundle "$B"
state_pid() { o state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }
cfg "c['root']['readonly']=False; c['mounts'].append({'destination':'/scratch','type':'tmpfs','source':'tmpfs','options':['size=1m']})"

# --- the five capability sets, exactly; ambient ones survive the exec of a non-root user
S="['CAP_KILL','CAP_NET_BIND_SERVICE']"
cfg "c['process']['user']={'uid':1000,'gid':1000}; c['process']['capabilities']={k:$S for k in ['bounding','effective','inheritable','permitted','ambient']}; \
c['process']['args']=['sh','-c','grep ^Cap /proc/self/status']"
is "five sets as given, kept by a non-root user (ambient)" "$(run_out k1 | awk '{print $1 $2}' | tr '\n' ' ')" \
	"CapInh:0000000000000420 CapPrm:0000000000000420 CapEff:0000000000000420 CapBnd:0000000000000420 CapAmb:0000000000000420 "
cfg "c['process']['capabilities']['ambient']=[]; c['process']['capabilities']['inheritable']=[]"
is "without ambient a non-root user keeps none" "$(run_out k2 | awk '/CapEff|CapBnd/ {print $1 $2}' | tr '\n' ' ')" \
	"CapEff:0000000000000000 CapBnd:0000000000000420 "
# a name this kernel has no capability for is skipped with a warning naming it (the spec's
# MUST since 1.1, as runc and crun), the others apply; a value that is no string is refused;
# an ambient capability that is not inheritable is not raised (the kernel cannot), as runc
# and crun, whose own `spec` asks for such ones
cfg "c['process']['capabilities']['bounding'].append('CAP_BOGUS'); c['process']['capabilities']['effective'].append('cap_bogus')"
out=$(run_out k3)
is "unknown capabilities: a warning each, with its path; the known ones apply" \
	"$(echo "$out" | grep -c "hako: warning: config.json: process.capabilities.bounding\[2\]: 'CAP_BOGUS' is not a capability this kernel knows: ignored") $(echo "$out" | grep -c "effective\[2\]: 'cap_bogus' is not a capability") $(echo "$out" | awk '/CapEff|CapBnd/ {print $1 $2}' | tr '\n' ' ')" \
	"1 1 CapEff:0000000000000000 CapBnd:0000000000000420 "
cfg "c['process']['capabilities']['bounding'][2]=7"
check_fail "a capability that is no string is refused with its path" 2 \
	"process.capabilities.bounding\[2\]: expected a string" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create k5 </dev/null"
cfg "c['process']['capabilities']['bounding'].pop(); c['process']['capabilities']['effective'].pop(); c['process']['capabilities']['ambient']=['CAP_KILL']; \
c['process']['capabilities']['inheritable']=[]; c['process']['args']=['grep','-E','CapBnd|CapAmb','/proc/self/status']"
is "ambient without inheritable is not raised, the rest applies" "$(run_out k4 | grep Cap | awk '{print $1 $2}' | tr '\n' ' ')" \
	"CapBnd:0000000000000420 CapAmb:0000000000000000 "
cfg "c['process']['user']={'uid':0,'gid':0}; c['process'].pop('capabilities')"

# --- the config's masked and read-only paths (not hako's lists)
cfg "c['linux']['maskedPaths']=['/etc/passwd','/proc/sys/kernel']; c['linux']['readonlyPaths']=['/scratch']; \
c['process']['args']=['sh','-c','echo passwd:\$(wc -c </etc/passwd); echo kernel:\$(ls /proc/sys/kernel | wc -l); touch /scratch/x 2>&1 | grep -o Read-only; echo timer:\$(head -c1 /proc/timer_list | wc -c)']"
is "masked file and directory, read-only path, an unlisted default path open" "$(run_out m1 | tr '\n' ' ')" \
	"passwd:0 kernel:0 Read-only timer:1 "
cfg "c['linux']['maskedPaths']=['relative']"
check_fail "a relative masked path is refused" 2 "linux.maskedPaths\[0\]: an absolute path is required" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create m2 </dev/null"
cfg "c['linux'].pop('maskedPaths'); c['linux'].pop('readonlyPaths')"

# --- the default mounts: sources as runc's config names them, /sys after /dev
cfg "c['process']['args']=['sh','-c','awk \"{print \\\$5, \\\$(NF-1)}\" /proc/self/mountinfo | grep -E \"^/(dev|dev/shm|sys) \" | tr \"\\n\" \" \"']"
is "/dev (tmpfs), /dev/shm (shm), then /sys (sysfs)" "$(run_out d1)" "/dev tmpfs /dev/shm shm /sys sysfs "

# --- mounts in the config's order; one source bound twice, read-only once
mkdir -p "$HAKO_TEST_TMP/src"
cfg "c['mounts']+=[{'destination':'/m1','source':'$HAKO_TEST_TMP/src','options':['bind','ro']},{'destination':'/t2','type':'tmpfs','source':'tmpfs','options':['strictatime','size=1m']},{'destination':'/m3','source':'$HAKO_TEST_TMP/src','options':['rbind']}]; \
c['process']['args']=['sh','-c','awk \"\\\$5 ~ /^\\/(m1|t2|m3)\$/ {print \\\$5, substr(\\\$6,1,2)}\" /proc/self/mountinfo | tr \"\\n\" \" \"']"
is "bind, tmpfs, bind in order; the source twice, ro then rw" "$(run_out o1)" "/m1 ro /t2 rw /m3 rw "
cfg "c['mounts']=c['mounts'][:-3]"

# --- linux.devices, domainname, rootfsPropagation
cfg "c['linux']['devices']=[{'path':'/dev/net/tun9','type':'c','major':10,'minor':200,'fileMode':0o620,'uid':5,'gid':6},{'path':'/dev/fifo1','type':'p'}]; \
c['domainname']='example.org'; c['linux']['rootfsPropagation']='shared'; \
c['process']['args']=['sh','-c','stat -c \"%F %t:%T %a %u:%g\" /dev/net/tun9; stat -c %F /dev/fifo1; echo \$(cat /proc/sys/kernel/domainname); grep -cE \"^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / [^ ]+ shared:\" /proc/self/mountinfo']"
is "device nodes as given, domainname, a shared root" "$(run_out v1 | tr '\n' ' ')" \
	"character special file a:c8 620 5:6 fifo example.org 1 "
cfg "c['linux']['devices']=[{'path':'/dev/../etc/x','type':'c','major':1,'minor':3}]"
check_fail "a device path with '..' is refused" 2 "linux.devices\[0\].path: '/dev/../etc/x': an absolute path to a file is required" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create v2 </dev/null"
cfg "c['linux'].pop('devices'); c.pop('domainname'); c['linux'].pop('rootfsPropagation')"

# --- no network namespace listed: the runtime's own; unimplemented resources refused
cfg "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='network']; c['process']['args']=['sleep','60']"
(cd "$B" && o run -d h1 </dev/null >/dev/null 2>&1)
is "no network entry: the runtime's network namespace" "$(readlink /proc/$(state_pid h1)/ns/net)" "$(readlink /proc/self/ns/net)"
check "delete --force" o delete --force h1
cfg "c['linux']['namespaces'].append({'type':'network'}); c['linux']['resources']={'blockIO':{'weight':500}}"
check_fail "linux.resources.blockIO is refused" 2 "linux.resources.blockIO: not supported by hako" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create b1 </dev/null"
cfg "c['linux'].pop('resources')"

# --- a new user namespace with the config's mappings (the rootfs idmapped, as --userns)
cfg "c['linux']['namespaces'].append({'type':'user'}); \
c['linux']['uidMappings']=[{'containerID':0,'hostID':200000,'size':65536}]; c['linux']['gidMappings']=[{'containerID':0,'hostID':300000,'size':65536}]; \
c['process']['args']=['sh','-c','echo \$(cat /proc/self/uid_map /proc/self/gid_map) \$(id -u) \$(stat -c %u /bin/busybox)']"
is "uid and gid maps as given, root inside owns the rootfs" "$(run_out u1)" "0 200000 65536 0 300000 65536 0 0"
cfg "c['linux']['namespaces'].pop()"
check_fail "mappings without a user namespace are refused" 2 "linux.uidMappings: given without a user namespace" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create u2 </dev/null"
cfg "c['linux'].pop('uidMappings'); c['linux'].pop('gidMappings')"

# --- poststart sees the container running, even when its command has already exited
cat >"$HAKO_TEST_TMP/hook" <<'H'
#!/bin/sh
sleep 0.5; python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["status"], s.get("pid", 0) > 0)' >"$1"
H
chmod +x "$HAKO_TEST_TMP/hook"
cfg "c['process']['args']=['true']; c['hooks']={'poststart':[{'path':'$HAKO_TEST_TMP/hook','args':['hook','$HAKO_TEST_TMP/ps.out']}]}"
(cd "$B" && o run p1 </dev/null >/dev/null 2>&1)
is "poststart's state: running, with the pid" "$(cat "$HAKO_TEST_TMP/ps.out")" "running True"
cfg "c.pop('hooks')"

# --- namespaces joined by path
unshare --ipc --uts --mount --pid --fork sleep 60 &
upid=$!
on_exit kill "$upid"
for i in $(seq 50); do [ "$(readlink /proc/$upid/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.1; done
cfg "c['process']['args']=['sleep','60']; \
c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type'] not in ('ipc','uts','pid','mount')] + \
[{'type':'ipc','path':'/proc/$upid/ns/ipc'},{'type':'uts','path':'/proc/$upid/ns/uts'},{'type':'pid','path':'/proc/$upid/ns/pid_for_children'},{'type':'mount','path':'/proc/$upid/ns/mnt'}]"
(cd "$B" && o run -d j1 </dev/null >/dev/null 2>&1)
is "run -d with namespaces joined by path" "$?" 0
pid=$(state_pid j1)
for ns in ipc uts mnt; do
	is "the $ns namespace joined" "$(readlink /proc/$pid/ns/$ns)" "$(readlink /proc/$upid/ns/$ns)"
done
is "the pid namespace joined" "$(readlink /proc/$pid/ns/pid)" "$(readlink /proc/$upid/ns/pid_for_children)"
check "delete --force" o delete --force j1
cfg "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if 'path' not in n] + [{'type':t} for t in ('ipc','uts','pid','mount')]"

# --- linux.cgroupsPath, exact cpu quota and period, device rules in order
top=hakotest$$
rm_top() { rmdir /sys/fs/cgroup/*/"$top" /sys/fs/cgroup/"$top" 2>/dev/null; true; }
on_exit rm_top
cfg "c['linux']['cgroupsPath']='/$top/c1'; c['linux']['resources']={'cpu':{'quota':30001,'period':70000},'pids':{'limit':50}, \
'devices':[{'allow':False,'access':'rwm'},{'allow':True,'type':'c','major':10,'minor':229,'access':'rwm'},{'allow':True,'type':'b','major':8,'minor':0,'access':'r'}]}"
(cd "$B" && o run -d g1 </dev/null >/dev/null 2>&1)
is "run -d with cgroupsPath" "$?" 0
pid=$(state_pid g1)
pcg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' /proc/$pid/cgroup)
is "the init is in the cgroupsPath" "$pcg" "/$top/c1"
if [ -d /sys/fs/cgroup/cpu/$top/c1 ]; then
	is "cpu quota and period as given" "$(cat /sys/fs/cgroup/cpu/$top/c1/cpu.cfs_quota_us /sys/fs/cgroup/cpu/$top/c1/cpu.cfs_period_us | tr '\n' ' ')" "30001 70000 "
else
	is "cpu.max as given" "$(cat /sys/fs/cgroup/$top/c1/cpu.max)" "30001 70000"
fi
if [ -f /sys/fs/cgroup/devices/$top/c1/devices.list ]; then
	is "the device rules first, in order" "$(head -2 /sys/fs/cgroup/devices/$top/c1/devices.list | tr '\n' ' ')" "c 10:229 rwm b 8:0 r "
else
	skip "device rules" "no v1 devices controller"
fi
is "ps reads the cgroupsPath (the process, PID 1)" "$(o ps --format json g1 | python3 -c 'import json,sys; print(json.load(sys.stdin))')" "[$pid]"
check "delete --force" o delete --force g1
[ ! -d "/sys/fs/cgroup/pids/$top/c1" ] && [ ! -d "/sys/fs/cgroup/$top/c1" ] && ok "its cgroup is removed" || not_ok "cgroup left"
cfg "c['linux']['cgroupsPath']='../escape'"
check_fail "a cgroupsPath with .. is refused" 2 "linux.cgroupsPath: '../escape' is not a cgroup path" \
	sh -c "cd '$B' && '$HAKO' oci --root '$OR' create g2 </dev/null"
is "nothing left" "$(o list -q)" ""

# --- the config's cgroup mount: /sys/fs/cgroup as the container's cgroup namespace sees it
# (its own cgroup at each hierarchy's root), read-only unless "rw"
cfg "c['mounts']=[m for m in c['mounts'] if m['destination']!='/sys/fs/cgroup']+[{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid','noexec','nodev','ro']}]; \
c['linux'].pop('cgroupsPath',None); c['linux']['resources']={'pids':{'limit':123}}; \
c['process']['args']=['sh','-c','f=/sys/fs/cgroup/pids/pids.max; [ -e \$f ] || f=/sys/fs/cgroup/pids.max; cat \$f; (echo 7 >\$f) 2>&1 | grep -o Read-only']"
is "cgroup mount: the container's own pids.max, read-only" "$(run_out cm1 | tr '\n' ' ')" "123 Read-only "
# with a user namespace (v1 hierarchies cannot be mounted there): the container's own cgroup
# directories bound, read-only; writable with "rw" (as container root: EACCES, they are the
# host's root's, which the positive control shows as a different error)
cfg "c['linux']['namespaces'].append({'type':'user'}); \
c['linux']['uidMappings']=[{'containerID':0,'hostID':200000,'size':65536}]; c['linux']['gidMappings']=[{'containerID':0,'hostID':300000,'size':65536}]; \
c['process']['args']=['sh','-c','f=/sys/fs/cgroup/pids/pids.max; [ -e \$f ] || f=/sys/fs/cgroup/pids.max; cat \$f; (echo 7 >\$f) 2>&1 | grep -oE \"Read-only|Permission denied\"; grep -c \" /sys/fs/cgroup\" /proc/self/mountinfo']"
out=$(run_out cm2 | tr '\n' ' ')
case "$out" in
"123 Read-only "[1-9]*) ok "cgroup mount with a user namespace: its own pids.max, read-only" ;;
*) not_ok "cgroup mount with a user namespace: $out" ;;
esac
cfg "c['mounts'][-1]['options']=['nosuid','noexec','nodev','rw']"
is "cgroup mount rw with a user namespace: not read-only (the host's root owns the files)" \
	"$(run_out cm3 | head -2 | tr '\n' ' ')" "123 Permission denied "
cfg "c['linux']['namespaces'].pop(); c['linux'].pop('uidMappings'); c['linux'].pop('gidMappings'); c['mounts'][-1]['options']=['nosuid','noexec','nodev','ro']"

# --- hostile values where a string, an array or an object is due: refused with the field's
# path, exit 2, nothing created (each once crashed create: a null mount option and a bad
# mount after a good bind were a segfault, a non-array hook kind json-c's abort)
bad() { # bad NAME PYTHON: config.json with PYTHON applied, as $B/NAME.json
	python3 -c "import json; c=json.load(open('$B/config.json')); $2; json.dump(c, open('$B/$1.json','w'))"
}
bad b1 "c['mounts'].append({'destination':'/m','source':'/tmp','options':['bind',None]})"
bad b2 "c['mounts']+=[{'destination':'/m','source':'/tmp','options':['bind']},{'destination':'rel','source':'/tmp','options':['bind']}]"
bad b3 "c['hooks']={'createContainer':5}"
bad b4 "c['hooks']={'prestart':[{'path':'/bin/true','args':['true',None]}]}"
bad b5 "c['hooks']={'poststop':['/bin/true']}"
bad b6 "c['hooks']={'prestart':[{'path':'true'}]}"
bad b7 "c['hooks']={'prestart':[{'path':'/bin/true','timeout':0}]}"
bad b8 "c['process']['user']={'uid':-1,'gid':0}"
bad b9 "c['process']['user']={'uid':0,'gid':0,'additionalGids':['wheel']}"
bad b10 "c['linux']['devices']=[{'path':'/dev/x1','type':'c','major':1,'minor':3,'uid':2**40}]"
bad b11 "c['linux'].setdefault('resources',{})['cpu']={'quota':2**64,'period':70000}"
bad b12 "c['linux'].setdefault('resources',{})['cpu']={'quota':50000,'period':5}"
want=("mounts\[[0-9]+\].options\[1\]: expected a string"
	"mounts\[[0-9]+\].destination: an absolute path is required"
	"hooks.createContainer: expected array"
	"hooks.prestart\[0\].args\[1\]: expected a string"
	"hooks.poststop\[0\]: expected an object"
	"hooks.prestart\[0\].path: an absolute path is required"
	"hooks.prestart\[0\].timeout: must be greater than zero"
	"process.user.uid: '-1' is not a user or group id"
	"process.user.additionalGids\[0\]: 'wheel' is not a user or group id"
	"linux.devices\[0\].uid: '1099511627776' is not a user or group id"
	"linux.resources.cpu.quota: 9223372036854775807 is out of range"
	"linux.resources.cpu.period: 5 is out of range")
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	check_fail "hostile config b$i: refused with its path" 2 "${want[$((i - 1))]}" \
		sh -c "cd '$B' && '$HAKO' oci --root '$OR' create --config b$i.json bad$i </dev/null"
done
is "hostile configs: nothing created" "$(o list -q | grep -c '^bad')" 0
# the positive control: the same kinds of values, well typed, are accepted
bad g1 "c['mounts'].append({'destination':'/m','source':'/tmp','options':['bind','ro']}); \
c['hooks']={'prestart':[{'path':'/bin/true','args':['true','x'],'env':['A=1'],'timeout':5}],'poststop':[{'path':'/bin/true'}]}; \
c['linux'].setdefault('resources',{})['cpu']={'quota':17592186044415,'period':1000000}"
check "well-typed mounts and hooks: created" sh -c "cd '$B' && '$HAKO' oci --root '$OR' create --config g1.json good1 </dev/null >/dev/null 2>&1"
o delete --force good1
