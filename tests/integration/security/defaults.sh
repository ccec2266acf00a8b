#!/bin/bash
# `hako run` / `hako exec` security state as /proc/self/status shows it inside, against the
# documented defaults (docs/parts/security.md): CapEff = Docker's 14, NoNewPrivs 1, Seccomp 2
# (filter); the options that change it; --read-only/--tmpfs; --user; errors before anything
# is created.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
ct() { h run --rm --rootfs "$R" "$@"; }
st() { ct "$@" -- grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | awk '{printf "%s ", $2}'; }
DEF=00000000a80425fb
is "defaults: CapEff CapBnd NoNewPrivs Seccomp" "$(st)" "$DEF $DEF 1 2 "
all=$(printf '%016x' $(( $(grep CapBnd /proc/self/status | awk '{print "0x"$2}') )))
is "--privileged: every capability, no seccomp" "$(st --privileged)" "$all $all 1 0 "
is "--cap-drop ALL" "$(st --cap-drop ALL)" "0000000000000000 0000000000000000 1 2 "
is "--cap-drop ALL --cap-add NET_RAW" "$(st --cap-drop ALL --cap-add NET_RAW)" \
	"0000000000002000 0000000000002000 1 2 "
is "--cap-add NET_ADMIN --cap-drop chown" "$(st --cap-add NET_ADMIN --cap-drop chown)" \
	"00000000a80435fa 00000000a80435fa 1 2 "
is "--security-opt no-new-privileges=false" \
	"$(st --security-opt no-new-privileges=false)" "$DEF $DEF 0 2 "
is "--security-opt seccomp=unconfined" "$(st --security-opt seccomp=unconfined)" "$DEF $DEF 1 0 "
# a Docker-format profile from a file: deny mkdir with EPERM, allow the rest
cat >"$HAKO_TEST_TMP/p.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
J
out=$(ct --security-opt "seccomp=$HAKO_TEST_TMP/p.json" -- mkdir /tmp/d-$$ 2>&1)
echo "$out" | grep -q "Operation not permitted" && ok "seccomp=FILE applies the profile" ||
	not_ok "seccomp=FILE: $out"
# the default filter: blocked in effect (raw unshare of a user namespace)
out=$(ct -- unshare -U true 2>&1)
echo "$out" | grep -q "Operation not permitted" && ok "default seccomp: unshare(CLONE_NEWUSER) EPERM" ||
	not_ok "default seccomp: $out"
# the compiled default filter is cached on disk
n=$(ls "$ROOT/state/seccomp/"*.bpf 2>/dev/null | wc -l)
[ "$n" -ge 1 ] && ok "compiled filters cached under STATE/seccomp ($n)" || not_ok "no cache"

# --user
is "--user 1000:1001" "$(ct --user 1000:1001 -- sh -c 'echo $(id -u):$(id -g) $(grep CapEff /proc/self/status | cut -f2)')" \
	"1000:1001 0000000000000000"
check_fail "--user garbage" 125 "expected UID" ct --user 1:2:3 -- true
check_fail "--user with a name the rootfs lacks" 125 "no user 'bob'" ct --user bob -- true

# --read-only, --tmpfs
out=$(ct --read-only --tmpfs /scratch --tmpfs /run:size=1m,mode=1777 -- sh -c '
	exec 2>&1; touch /x; touch /scratch/y && echo tmpfs-ok; echo h >/etc/hostname2;
	grep -E " /(scratch|run) " /proc/self/mountinfo | cut -d" " -f5,6')
echo "$out" | grep -q "touch: /x: Read-only file system" && ok "--read-only: / refuses writes" ||
	not_ok "--read-only: $out"
echo "$out" | grep -q tmpfs-ok && ok "--tmpfs: writable" || not_ok "--tmpfs: $out"
echo "$out" | grep -q "/scratch rw,nosuid,nodev,noexec" && ok "--tmpfs default flags nosuid,nodev,noexec" ||
	not_ok "--tmpfs flags: $out"
check_fail "--tmpfs relative" 125 "absolute PATH" ct --tmpfs scratch -- true
check_fail "--tmpfs bad option" 125 "unknown option" ct --tmpfs /s:bogus -- true

# exec: the same caps, no_new_privs, seccomp as the container
h run -d --name ex-$$ --cap-drop ALL --cap-add KILL --rootfs "$R" -- sleep 30 >/dev/null
out=$(h exec "ex-$$" -- grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | awk '{printf "%s ", $2}')
is "exec: the container's caps, no_new_privs and seccomp" "$out" "0000000000000020 1 2 "
h rm -f "ex-$$" >/dev/null

# errors before anything is created
check_fail "unknown capability" 125 "unknown capability 'FOO'" ct --cap-add FOO -- true
echo '{"defaultAction": ' >"$HAKO_TEST_TMP/bad.json"
check_fail "malformed seccomp file" 125 "seccomp profile .*bad.json" \
	ct --security-opt "seccomp=$HAKO_TEST_TMP/bad.json" -- true
check_fail "unknown --security-opt" 125 "expected seccomp=" ct --security-opt bogus=x -- true
check_fail "--userns=VALUE refused clearly" 125 "expected --userns or --userns=host" \
	ct --userns=private -- true
# (events.log: the events of the containers run above, kept as docker keeps them)
is "nothing was created" "$(h ps -a -q | wc -l) $(ls "$ROOT/run" | grep -Evc '^(ns|events\.log)$')" "0 0"
