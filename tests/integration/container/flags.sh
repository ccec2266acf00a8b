#!/bin/bash
# run's options: -e, -w, -v HOST:CT[:ro], --net none|host|netns:NAME, -i; logs -f; inspect's
# JSON keys; exec -t. Oracles: the host's view (files, readlink of namespaces, ip, jq).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
# a private copy: -v and -w create their targets in the rootfs, as Docker does
cp -a "$R" "$HAKO_TEST_TMP/rootfs"
R=$HAKO_TEST_TMP/rootfs

# -e
out=$(h run --rm -e FOO=bar -e HOME=/x -e FOO=baz --rootfs "$R" -- sh -c 'echo "$FOO $HOME"')
is "-e sets, overrides a default, last one wins" "$out" "baz /x"
out=$(HK_FROM_HOST=yes h run --rm -e HK_FROM_HOST -e HK_UNSET_VAR --rootfs "$R" -- env)
echo "$out" | grep -qx HK_FROM_HOST=yes && ! echo "$out" | grep -q HK_UNSET_VAR &&
	ok "-e KEY takes the host's value; unset KEY is skipped" || not_ok "-e KEY: $out"
check_fail "-e =x refused" 125 "expected KEY=VALUE" h run --rm -e =x --rootfs "$R" -- true

# -w
is "-w existing dir" "$(h run --rm -w /www --rootfs "$R" -- pwd)" /www
is "-w missing dir is created" "$(h run --rm -w /made/here --rootfs "$R" -- pwd)" /made/here
check_fail "-w relative refused" 125 "must be absolute" h run --rm -w rel --rootfs "$R" -- true

# -v
vol=$HAKO_TEST_TMP/vol
mkdir -p "$vol/sub"
echo data >"$vol/f"
mount -t tmpfs sub "$vol/sub"
on_exit umount "$vol/sub"
echo subdata >"$vol/sub/s"
out=$(h run --rm -v "$vol:/v" --rootfs "$R" -- sh -c 'cat /v/f /v/sub/s; echo w >/v/new')
is "-v rw: reads the host's files (and submounts)" "$out" "data
subdata"
is "-v rw: writes reach the host" "$(cat "$vol/new" 2>&1)" w
out=$(h run --rm -v "$vol:/v:ro" --rootfs "$R" -- sh -c '
	exec 2>&1; echo x >/v/f; echo x >/v/sub/s; touch /v/t; cat /v/f')
echo "$out" | grep -c "Read-only file system" | grep -qx 3 &&
	ok "-v :ro: writes fail with EROFS, submounts too" || not_ok "-v :ro: $out"
is "-v :ro: host files unchanged" "$(cat "$vol/f" "$vol/sub/s"; ls "$vol")" "data
subdata
f
new
sub"
out=$(h run --rm -v "$vol:/v:ro" --rootfs "$R" -- cat /proc/self/mountinfo |
	awk '$5 == "/v" || $5 == "/v/sub" {split($6, o, ","); print $5, o[1]}')
is "-v :ro: mountinfo says ro (recursively)" "$out" "/v ro
/v/sub ro"
check_fail "-v missing host path" 125 "volume" h run --rm -v /nonexistent-hk:/v --rootfs "$R" -- true
check_fail "-v relative" 125 "absolute" h run --rm -v "$vol:v" --rootfs "$R" -- true
check_fail "-v bad option" 125 "unknown option" h run --rm -v "$vol:/v:rx" --rootfs "$R" -- true

# --net
hostnet=$(readlink /proc/self/ns/net)
is "--net host: the caller's namespace" \
	"$(h run --rm --net host --rootfs "$R" -- readlink /proc/self/ns/net)" "$hostnet"
out=$(h run --rm --name nn1 --net none --rootfs "$R" -- sh -c 'readlink /proc/self/ns/net; ip -o link | wc -l')
[ "$(echo "$out" | head -1)" != "$hostnet" ] && [ "$(echo "$out" | tail -1)" = 1 ] &&
	ok "--net none: own namespace, only lo" || not_ok "--net none: $out"
ip netns add hkflags
on_exit ip netns del hkflags
ip -n hkflags link add hkv0 type veth peer name hkv1
want=$(ip netns exec hkflags readlink /proc/self/ns/net)
out=$(h run --rm --net netns:hkflags --rootfs "$R" -- sh -c 'readlink /proc/self/ns/net; ip -o link show hkv0 >/dev/null && echo seen')
is "--net netns:NAME: joins /run/netns/NAME" "$out" "$want
seen"
h run -d --name nsct --net netns:hkflags --rootfs "$R" -- sleep 100 >/dev/null
[ ! -e /run/netns/nsct ] && ok "--net netns:NAME: no /run/netns/<ct> name made" || not_ok "netns name made"
h rm -f nsct >/dev/null
ip netns list | grep -qw hkflags && ok "--net netns:NAME: rm keeps the user's namespace" ||
	not_ok "rm removed the user's namespace"
check_fail "--net netns:missing" 125 "missing" h run --rm --net netns:missing --rootfs "$R" -- true
check_fail "--net bogus" 125 "expected none, host or netns:NAME" h run --rm --net bogus --rootfs "$R" -- true

# -i
is "-i: stdin reaches the command" "$(printf 'one\ntwo\n' | h run --rm -i --rootfs "$R" -- wc -l)" 2
is "without -i stdin is /dev/null" "$(echo one | h run --rm --rootfs "$R" -- wc -l)" 0

# logs -f: follows until the container exits (bounded by timeout)
h run -d --name lg --rootfs "$R" -- sh -c 'echo l1; sleep 0.4; echo l2; sleep 0.4; echo l3' >/dev/null
out=$(timeout 5 "$HAKO" --root "$ROOT" logs -f lg)
rc=$?
is "logs -f: every line, returns when the container exits" "$rc:$(echo $out)" "0:l1 l2 l3"
h run -d --name lg2 --rootfs "$R" -- sh -c 'echo a; sleep 1000' >/dev/null
out=$(timeout 1 "$HAKO" --root "$ROOT" logs -f lg2)
is "logs -f on a running container keeps following (timeout ends it)" "$?:$out" "124:a"

# inspect: the documented keys, with jq as the oracle
if command -v jq >/dev/null; then
	# a running container: exit_code and finished are absent (docs/json.md)
	want="id name state pid hostname net rootfs command created started auto_remove tty detach ns_dir cgroup log_path config Id Name State Config NetworkSettings HostConfig"
	keys=" $(h inspect lg2 | jq -r '.[0] | keys_unsorted | join(" ")') "
	miss=
	for k in $want; do case $keys in *" $k "*) ;; *) miss="$miss $k" ;; esac; done
	is "inspect: every documented key is there" "$miss" ""
	ckeys=" $(h inspect lg2 | jq -r '.[0].config | keys | join(" ")') "
	miss=
	for k in env interactive mounts workdir; do case $ckeys in *" $k "*) ;; *) miss="$miss $k" ;; esac; done
	is "inspect: config keys env, interactive, mounts, workdir" "$miss" ""
	# every key inspect emits (other parts add theirs) is documented somewhere in docs/
	undoc=
	for k in $keys $ckeys; do
		cat "$HAKO_SRC"/docs/*.md "$HAKO_SRC"/docs/parts/*.md | grep -qw -- "$k" || undoc="$undoc $k"
	done
	is "inspect: every key it emits is documented (docs/)" "$undoc" ""
	table=$(sed -n '/^## JSON keys/,$p' "$HAKO_SRC/docs/parts/container.md")
	miss=
	for k in $want; do echo "$table" | grep -q "^| [a-z_, ]*\b$k\b" || miss="$miss $k"; done
	is "inspect: the table in docs/parts/container.md lists every key" "$miss" ""
	out=$(h run -d --name ins -e K=V -w /www -v "$vol:/v:ro" --rootfs "$R" -- sleep 100 >/dev/null
		h inspect ins | jq -c '.[0] | [.state, (.pid > 0), .config.workdir,
			(.config.env | index("K=V") != null), .config.mounts[0].readonly, .command]')
	is "inspect: values" "$out" '["running",true,"/www",true,true,["sleep","100"]]'
	is "inspect of an unknown container: 5" "$(h inspect nosuch >/dev/null 2>&1; echo $?)" 5
	h rm -f ins >/dev/null
else
	skip "inspect keys" "jq not installed"
fi

# exec -t: a terminal from the container's own devpts, window size passed (script(1))
if command -v script >/dev/null; then
	out=$(script -qec "stty cols 81 rows 27; $HAKO --root $ROOT exec -t lg2 -- sh -c 'tty; stty size; test -t 0 && echo tty0'" /dev/null | tr -d '\r')
	is "exec -t: a pty in /dev/pts, stdin a tty, window size" "$out" "/dev/pts/0
27 81
tty0"
	out=$(script -qec "$HAKO --root $ROOT exec -t lg2 -- sh -c 'exit 7'" /dev/null; echo "rc=$?")
	is "exec -t: exit status" "$(echo "$out" | tr -d '\r' | tail -1)" "rc=7"
	is "exec without -t: no tty" "$(h exec lg2 -- sh -c 'test -t 0 || echo notty')" notty
else
	skip "exec -t" "script(1) not installed"
fi
# option syntax (getopt_long): --opt=VALUE as --opt VALUE, bundles, options end at the first
# operand (the command's own flags follow it), long options spelt in full
out=$(h run --rm --name=eqname --hostname=eqhost --env=EQ=1 --workdir=/www --rootfs="$R" -- \
	sh -c 'echo "$(hostname) $EQ $(pwd)"')
is "--name= --hostname= --env= --workdir= --rootfs=" "$out" "eqhost 1 /www"
is "--rootfs DIR CMD -c ...: -c is the command's" "$(h run --rm --rootfs "$R" sh -c 'echo own')" own
h run -di --name=eqct --memory=64m --rootfs "$R" -- sleep 100 >/dev/null
out=$(h inspect eqct | grep -oE '"(detach|interactive|memory)": [a-z0-9]+' | sort | tr '\n' ' ')
is "-di bundled, --memory=64m" "$out" '"detach": true "interactive": true "memory": 67108864 '
is "exec CT CMD -d: -d is the command's" "$(h exec eqct ls -d /www)" /www
is "exec -eK=V (attached value)" "$(h exec -eEQ=2 eqct sh -c 'echo $EQ')" 2
# exec starts as Docker's: the container's environment and working directory, -e/-w over them
h run -d --name=envct -e RUNV=1 -e SHARED=run -w /www --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f envct
main=$(pgrep -P "$(h inspect -f '{{.State.Pid}}' envct)" sleep)
is "exec: the main process's environment (/proc/PID/environ), TERM aside" \
	"$(h exec envct env | grep -v '^PWD=\|^SHLVL=' | sort)" "$(tr '\0' '\n' <"/proc/$main/environ" | sort)"
is "exec: run's -e, HOSTNAME, run's -w" \
	"$(h exec envct sh -c 'echo "$RUNV $SHARED $HOSTNAME $(pwd)"')" "1 run envct /www"
is "exec -e over the container's, -w over its workdir" \
	"$(h exec -e SHARED=exec -w / envct sh -c 'echo "$RUNV $SHARED $(pwd)"')" "1 exec /"
is "exec -e KEY: hako's value; an unset KEY left out" \
	"$(HK_FROM_HOST=yes h exec -e HK_FROM_HOST -e HK_UNSET_VAR envct sh -c 'echo "$HK_FROM_HOST ${HK_UNSET_VAR-unset}"')" \
	"yes unset"
check_fail "exec -e '=x': refused, naming it" 125 "-e '=x': expected KEY=VALUE or KEY" h exec -e =x envct true
h rm -f envct >/dev/null
# exec -u (Docker's): numbers or the container's own names, over the container's user
h run -d --name=usrct -u nobody --rootfs "$R" -- sleep 100 >/dev/null
on_exit h rm -f usrct
is "exec: the container's user (run -u nobody)" "$(h exec usrct id -u)" 65534
is "exec -u root: uid 0 and the container's capabilities (CapEff)" \
	"$(h exec -u root usrct sh -c 'id -u; grep CapEff /proc/self/status' | tr -s '\t\n' '  ')" \
	"0 CapEff: 00000000a80425fb "
is "exec --user=1234:5678" "$(h exec --user=1234:5678 usrct sh -c 'echo $(id -u) $(id -g)')" "1234 5678"
is "exec -u nobody:nogroup: names from the container's /etc" "$(h exec -u nobody:nogroup usrct sh -c 'echo $(id -u) $(id -g)')" \
	"65534 $(awk -F: '$1 == "nogroup" {print $3}' "$R/etc/group")"
check_fail "exec -u bogus: refused, naming it" 125 "no user 'bogus' in the container's /etc/passwd" \
	h exec -u bogus usrct true
# exec -d: started, not waited for; the command is the container init's child (reaped there)
ipid=$(h inspect -f '{{.State.Pid}}' usrct)
check "exec -d" h exec -d usrct sh -c 'sleep 0.5; echo done >/tmp/d'
dpid=$(pgrep -P "$ipid" -f 'sleep 0.5')
[ -n "$dpid" ] && ok "exec -d: its command's parent is the container's init (/proc)" ||
	not_ok "exec -d: no child of the init runs it: $(ps -o pid,ppid,stat,args --ppid "$ipid")"
for _ in $(seq 30); do h exec usrct test -e /tmp/d && break; sleep 0.1; done
is "exec -d: it ran to its end" "$(h exec usrct cat /tmp/d)" done
procs=$(cat "$(cgroup_dirs "$(h inspect -f '{{.Id}}' usrct)" | head -1)/cgroup.procs" | sort -u)
states=$(for t in $procs; do awk '/^State:/ {print $2}' /proc/"$t"/status 2>/dev/null; done | tr -d '\n')
is "exec -d: no zombie left in the container (the cgroup's processes: init, sleep)" "$states" SS
check_fail "exec -d of a missing command: 127, named" 127 "'nosuchcmd': executable file not found" \
	h exec -d usrct nosuchcmd
check_fail "exec -d -t: refused" 125 "-d with -t" h exec -d -t usrct true
h rm -f usrct >/dev/null
check "stop --time=1" h stop --time=1 eqct
check "rm --force" h rm --force eqct
mkdir -p "$HAKO_TEST_TMP/keep" && echo kept >"$HAKO_TEST_TMP/keep/f"
# --mount (Docker's long form of -v and --tmpfs); oracles: the container's own mount table
is "--mount type=bind,src=,dst=,readonly: the host's file, read-only" \
	"$(h run --rm --mount type=bind,src="$HAKO_TEST_TMP/keep",dst=/k,readonly --rootfs "$R" -- \
		sh -c 'cat /k/f; grep " /k " /proc/mounts | grep -c "[ ,]ro[ ,]"')" "$(printf 'kept\n1')"
h run --rm --mount type=bind,source="$HAKO_TEST_TMP/keep",target=/k --rootfs "$R" -- sh -c 'echo w >/k/w'
is "--mount type=bind,source=,target=: writable, the write on the host" "$(cat "$HAKO_TEST_TMP/keep/w")" w
is "--mount type=tmpfs,target=,tmpfs-size=1m: a tmpfs of 1 MiB (df)" \
	"$(h run --rm --mount type=tmpfs,target=/tt,tmpfs-size=1m --rootfs "$R" -- df /tt | awk 'NR == 2 {print $1, $2}')" \
	"tmpfs 1024"
check_fail "--mount type=volume: refused (no named volumes)" 125 "hako has no named volumes" \
	h run --rm --mount type=volume,source=v,target=/v --rootfs "$R" -- true
check_fail "--mount of a missing bind source: refused (Docker's)" 125 "bind source path .* does not exist" \
	h run --rm --mount type=bind,source=/nonexistent-$$,target=/v --rootfs "$R" -- true
check_fail "--mount with an unknown key: refused, naming it" 125 "unknown key 'bogus'" \
	h run --rm --mount type=bind,source=/tmp,target=/v,bogus=1 --rootfs "$R" -- true
check_fail "-v vol1:/data (a named volume): refused, saying so" 125 "'vol1' would be a named volume: hako has none" \
	h run --rm -v vol1:/data --rootfs "$R" -- true
check_fail "-v rel/dir:/data: refused, both paths absolute" 125 "both paths must be absolute" \
	h run --rm -v rel/dir:/data --rootfs "$R" -- true
h run -d --name=rmv -v "$HAKO_TEST_TMP/keep:/k" --rootfs "$R" -- sleep 100 >/dev/null
is "rm -fv (Docker's -v): removed, the bind's host directory kept" \
	"$(h rm -fv rmv):$(h ps -aq --filter name=rmv | wc -l):$(cat "$HAKO_TEST_TMP/keep/f")" "rmv:0:kept"
check_fail "an abbreviated option is refused" 125 "unknown option '--hostn'" \
	h run --rm --hostn x --rootfs "$R" -- true
check_fail "a value given to a flag is refused" 125 "--rm takes no value" \
	h run --rm=yes --rootfs "$R" -- true
check_fail "a missing value" 125 "--name needs a value" h run --rm --rootfs "$R" --name
check_fail "an unknown short option in a bundle" 125 "unknown option '-x'" \
	h run -dix --rootfs "$R" -- true
check_fail "ps: an unknown option" 2 "unknown option '--bogus'" h ps --bogus
check_fail "kill --signal=BOGUS" 2 "unknown signal 'BOGUS'" h kill --signal=BOGUS nosuch
h rm -f lg lg2 >/dev/null
is "nothing left" "$(h ps -a -q | wc -l)" 0
