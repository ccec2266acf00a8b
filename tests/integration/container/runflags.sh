#!/bin/bash
# Docker's run/create flags: --entrypoint, --env-file, --label, --ulimit, --device, --sysctl,
# --shm-size, --stop-signal, --stop-timeout, --cidfile, --init, --security-opt
# apparmor=unconfined/label=disable, --user NAME[:GROUP] from the container's own
# /etc/passwd. Oracles: /proc/self/limits, /proc/sys, df of /dev/shm, stat of the device
# node, id, the cidfile; refusals exit 125 and leave no container.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
s=$(uniq_suffix)
none_named() { [ "$(h -j ps -a | jq --arg n "$1" '[.[] | select(.name == $n)] | length')" = 0 ]; }

# --entrypoint
is "--entrypoint with --rootfs: ENTRYPOINT CMD..." \
	"$(h run --rm --entrypoint echo --rootfs "$R" -- a b)" "a b"
if h image add-dir "$R" --name ep$s >/dev/null 2>&1; then
	on_exit h image rm ep$s
	is "--entrypoint with an image: the image's Cmd dropped" \
		"$(h run --rm --entrypoint /bin/echo ep$s x y)" "x y"
	is "--entrypoint '' with a command" "$(h run --rm --entrypoint '' ep$s echo z)" z
	# --user NAME from the image's /etc/passwd
	is "--user NAME with an image" "$(h run --rm --user nobody ep$s id -u)" \
		"$(awk -F: '$1 == "nobody" {print $3}' "$R/etc/passwd")"
else
	skip "--entrypoint with an image" "hako image add-dir failed"
fi

# --env-file (and -e wins over it)
printf '# comment\n\nA=1\nB=two words\nC=from-file\nHAKO_T_HOST\n' >"$HAKO_TEST_TMP/env"
out=$(HAKO_T_HOST=hostval h run --rm --env-file "$HAKO_TEST_TMP/env" -e C=from-e --rootfs "$R" \
	-- sh -c 'echo "$A|$B|$C|$HAKO_T_HOST"')
is "--env-file: values, -e wins, KEY from the host" "$out" "1|two words|from-e|hostval"
check_fail "--env-file: missing file" 125 "env-file" h run --rm --env-file /nonexistent/x --rootfs "$R" -- true
printf 'BAD KEY=1\n' >"$HAKO_TEST_TMP/env2"
check_fail "--env-file: a bad line" 125 "line 1" h run --rm --env-file "$HAKO_TEST_TMP/env2" --rootfs "$R" -- true
# the file is read once: a start later does not need it
cp "$HAKO_TEST_TMP/env" "$HAKO_TEST_TMP/env3"
h create --name ef$s --env-file "$HAKO_TEST_TMP/env3" --rootfs "$R" -- sh -c 'echo "$B"' >/dev/null
on_exit h rm -f ef$s
rm "$HAKO_TEST_TMP/env3"
is "--env-file: kept for start after the file is gone" "$(h start -a ef$s)" "two words"

# --label
h run -d --name lb$s --label a=b -l c --rootfs "$R" -- true >/dev/null
on_exit h rm -f lb$s
is "--label in inspect's config" \
	"$(h inspect lb$s | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["labels"])')" \
	"{'a': 'b', 'c': ''}"

# --ulimit
is "--ulimit nofile=512:1024" "$(h run --rm --ulimit nofile=512:1024 --rootfs "$R" -- sh -c 'ulimit -n; ulimit -Hn')" "512
1024"
is "--ulimit core=0" "$(h run --rm --ulimit core=0 --rootfs "$R" -- sh -c 'ulimit -c')" 0
hard=$(ulimit -Hn)
if grep -q '^CapEff:.*' /proc/self/status && capsh --has-p=cap_sys_resource 2>/dev/null; then
	skip "--ulimit above the hard limit" "hako has CAP_SYS_RESOURCE here: it may raise it"
else
	check_fail "--ulimit above hako's hard limit (no CAP_SYS_RESOURCE)" 125 "CAP_SYS_RESOURCE" \
		h run --rm --name ul$s --ulimit nofile=$((hard + 1)) --rootfs "$R" -- true
	none_named ul$s && ok "and nothing was made" || not_ok "a container was left"
fi
check_fail "--ulimit bogus" 125 "expected NAME=SOFT" h run --rm --ulimit bogus=1 --rootfs "$R" -- true
check_fail "--ulimit soft above hard" 125 "soft limit is above" h run --rm --ulimit nofile=10:5 --rootfs "$R" -- true

# --sysctl: namespaced only
is "--sysctl net.ipv4.ip_unprivileged_port_start" \
	"$(h run --rm --sysctl net.ipv4.ip_unprivileged_port_start=80 --rootfs "$R" -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" 80
is "--sysctl kernel.shmmni" "$(h run --rm --sysctl kernel.shmmni=2048 --rootfs "$R" -- cat /proc/sys/kernel/shmmni)" 2048
before=$(cat /proc/sys/kernel/shmmni)
is "the host's kernel.shmmni untouched" "$(cat /proc/sys/kernel/shmmni)" "$before"
check_fail "--sysctl kernel.pid_max refused" 125 "only namespaced sysctls" \
	h run --rm --name sc$s --sysctl kernel.pid_max=100000 --rootfs "$R" -- true
check_fail "--sysctl net.* with --network host refused" 125 "network host" \
	h run --rm --network host --sysctl net.ipv4.ip_forward=1 --rootfs "$R" -- true
none_named sc$s && ok "refused sysctl: nothing made" || not_ok "a container was left"

# --shm-size
kb=$(h run --rm --shm-size 128m --rootfs "$R" -- df -k /dev/shm | awk 'NR == 2 {print $2}')
is "--shm-size 128m: /dev/shm is 131072 KiB" "$kb" 131072
kb=$(h run --rm --rootfs "$R" -- df -k /dev/shm | awk 'NR == 2 {print $2}')
is "default /dev/shm: 65536 KiB" "$kb" 65536
check_fail "--shm-size bogus" 125 "shm-size" h run --rm --shm-size lots --rootfs "$R" -- true

# --device
out=$(h run --rm --device /dev/null:/dev/mynull --rootfs "$R" -- sh -c 'stat -c "%t:%T %F" /dev/mynull; echo x >/dev/mynull && echo written')
is "--device /dev/null:/dev/mynull: the same node, usable" "$out" "$(stat -c '%t:%T %F' /dev/null)
written"
check_fail "--device of a regular file" 125 "not a character or block device" \
	h run --rm --device /etc/passwd --rootfs "$R" -- true
check_fail "--device outside /dev in the container" 125 "under /dev/" \
	h run --rm --device /dev/null:/etc/null --rootfs "$R" -- true

# --stop-signal, --stop-timeout
h run -d --name ss$s --stop-signal USR1 --stop-timeout 1 --rootfs "$R" \
	-- sh -c 'trap "echo got-usr1; exit 0" USR1; trap "" TERM; while :; do sleep 0.1; done' >/dev/null
on_exit h rm -f ss$s
sleep 0.3
h stop ss$s >/dev/null
is "--stop-signal USR1: stop sends it" "$(h logs ss$s)" got-usr1
h run -d --name st$s --stop-timeout 1 --rootfs "$R" -- sh -c 'trap "" TERM; sleep 1000 & wait; sleep 1000' >/dev/null
on_exit h rm -f st$s
sleep 0.3 # its trap set
t0=$(date +%s%N)
h stop st$s >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ] && ok "--stop-timeout 1: KILL after 1 s (${ms} ms)" ||
	not_ok "--stop-timeout 1: stop took ${ms} ms"

# --cidfile
cid=$HAKO_TEST_TMP/cid
id=$(h run -d --name cf$s --cidfile "$cid" --rootfs "$R" -- sleep 1000)
on_exit h rm -f cf$s
is "--cidfile holds the id" "$(cat "$cid")" "$id"
check_fail "--cidfile exists: refused" 125 "file exists" \
	h run -d --name cg$s --cidfile "$cid" --rootfs "$R" -- true
none_named cg$s && ok "existing cidfile: nothing made" || not_ok "a container was left"
h restart -t 0 cf$s >/dev/null && is "a restart does not rewrite it" "$(cat "$cid")" "$id"

# --init: hako's init is PID 1 anyway
out=$(h run --rm --init --rootfs "$R" -- sh -c 'echo $$ $(cat /proc/1/comm)')
case $out in
"2 "*init*) ok "--init: PID 1 is hako's init, the command its child ($out)" ;;
*) not_ok "--init: $out" ;;
esac

# --security-opt that turn off what hako does not apply
check "--security-opt apparmor=unconfined" h run --rm --security-opt apparmor=unconfined --rootfs "$R" -- true
check "--security-opt label=disable" h run --rm --security-opt label=disable --rootfs "$R" -- true
check_fail "--security-opt bogus" 125 "expected seccomp" h run --rm --security-opt bogus --rootfs "$R" -- true

# --user NAME[:GROUP] from the rootfs's own /etc/passwd
u=$(awk -F: '$1 == "nobody" {print $3":"$4}' "$R/etc/passwd")
if [ -n "$u" ]; then
	is "--user nobody (rootfs)" "$(h run --rm --user nobody --rootfs "$R" -- sh -c 'echo $(id -u):$(id -g)')" "$u"
	g0=$(awk -F: '$3 == 0 {print $1; exit}' "$R/etc/group")
	[ -n "$g0" ] && is "--user nobody:$g0" "$(h run --rm --user nobody:$g0 --rootfs "$R" -- id -g)" 0
else
	skip "--user nobody" "the test rootfs has no nobody user"
fi
check_fail "--user with an unknown name" 125 "no user 'nosuchuser'" \
	h run --rm --user nosuchuser --rootfs "$R" -- true
# a symlinked /etc/passwd pointing at the host's is not followed
evil=$HAKO_TEST_TMP/evil
cp -a "$R" "$evil" && rm "$evil/etc/passwd" && ln -s /etc/passwd "$evil/etc/passwd"
check_fail "--user through a symlinked /etc/passwd: refused" 125 "cannot be read safely" \
	h run --rm --user root --rootfs "$evil" -- true
