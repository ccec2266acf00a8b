#!/bin/bash
# hako ns enter: like nsenter, by -t PID or by persisted path; pid namespace via fork with
# the exit status propagated; 126/127 for commands; bad input refused before any setns.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
ns="nse$s"
tmp=${HAKO_TEST_TMP:-/tmp}

wait_ns() { # PID TYPE: until PID's TYPE namespace differs from ours
	for _ in $(seq 50); do
		[ -e /proc/$1/ns/$2 ] && [ "$(readlink /proc/$1/ns/$2)" != "$(readlink /proc/self/ns/$2)" ] && return 0
		sleep 0.1
	done
	return 1
}

# --net=/run/netns/NAME: a fresh namespace has only lo.
ip netns add "$ns" && on_exit ip netns del "$ns"
got=$("$HAKO" ns enter --net=/run/netns/"$ns" -- ip -j link | jq -c '[.[].ifname]')
is "--net=/run/netns/NAME: only lo" "$got" '["lo"]'
got=$("$HAKO" ns enter --net=/run/netns/"$ns" -- readlink /proc/self/ns/net)
is "--net=PATH: in that namespace" "$got" "net:[$(stat -L -c %i /run/netns/$ns)]"

# -t PID --uts: the hostname set inside, same as nsenter says.
unshare --uts sh -c 'hostname inner; exec sleep 60' &
pu=$!
on_exit kill $pu
wait_ns $pu uts
for _ in $(seq 30); do [ "$(nsenter -t $pu --uts hostname)" = inner ] && break; sleep 0.1; done
is "-t PID --uts -- hostname" "$("$HAKO" ns enter -t $pu --uts -- hostname)" inner
is "same as nsenter" "$("$HAKO" ns enter -t $pu --uts -- hostname)" "$(nsenter -t $pu --uts hostname)"
is "-t PID --all -- hostname" "$("$HAKO" ns enter -t $pu --all -- hostname)" inner
is "host name outside unchanged" "$(hostname)" "$(nsenter -t 1 --uts hostname 2>/dev/null || hostname)"

# --pid: fork, the child is in the pid namespace (with --mnt, its /proc).
unshare --pid --fork --mount-proc sleep 60 &
pp=$!
on_exit kill $pp
pc=
for _ in $(seq 50); do
	pc=$(pgrep -P $pp sleep) && wait_ns "$pc" pid && break
	sleep 0.1
done
got=$("$HAKO" ns enter -t "$pc" --pid --mnt -- sh -c 'cut -d" " -f1 /proc/self/stat')
[ -n "$got" ] && [ "$got" -le 10 ] && ok "--pid: small pid inside ($got)" || not_ok "--pid: small pid inside ($got)"
got=$("$HAKO" ns enter -t "$pc" --pid --mnt -- ps -e -o pid= | sort -n | head -1 | tr -d ' ')
is "--pid --mnt: ps sees the namespace's init" "$got" 1
got=$("$HAKO" ns enter -t "$pc" --pid -- readlink /proc/self/ns/pid)
is "--pid: child's pid namespace is the target's" "$got" "$(readlink /proc/$pc/ns/pid)"
"$HAKO" ns enter -t "$pc" --pid -- sh -c 'exit 7'
is "--pid: exit status propagated" "$?" 7
"$HAKO" ns enter -t "$pc" --pid -- sh -c 'kill -TERM $$'
is "--pid: killed by a signal -> 128+signal" "$?" 143
"$HAKO" ns enter --net=/run/netns/"$ns" -- sh -c 'exit 3'
is "exit status without fork" "$?" 3

# A user namespace: enter it and be root inside.
if unshare --user --map-root-user true 2>/dev/null; then
	unshare --user --map-root-user sleep 60 &
	pn=$!
	on_exit kill $pn
	wait_ns $pn user
	got=$("$HAKO" ns enter -t $pn --user -- sh -c 'readlink /proc/self/ns/user; id -u')
	is "--user: in the user namespace, uid 0" "$got" "$(readlink /proc/$pn/ns/user)"$'\n'0
else
	skip "--user" "user namespaces unavailable"
fi

# -w: the target's working directory; -r=DIR then -w=DIR.
mkdir -p "$tmp/wd$s"
(cd "$tmp/wd$s" && exec sleep 60) &
pw=$!
on_exit kill $pw
sleep 0.2
is "-w: the target's cwd" "$("$HAKO" ns enter -t $pw --uts -w -- pwd)" "$tmp/wd$s"
is "-w=DIR" "$("$HAKO" ns enter --net=/run/netns/$ns -w=/proc -- pwd)" /proc

# Default command: $SHELL.
got=$(echo 'readlink /proc/self/ns/net' | SHELL=/bin/sh "$HAKO" ns enter --net=/run/netns/"$ns")
is "no command: runs \$SHELL" "$got" "net:[$(stat -L -c %i /run/netns/$ns)]"

# Commands: not found 127, not executable 126 (with and without fork).
printf 'x\n' >"$tmp/noexec$s"
check_fail "command not found -> 127" 127 "nosuchcmd" "$HAKO" ns enter --net=/run/netns/"$ns" -- nosuchcmd$s
check_fail "not executable -> 126" 126 "Permission denied" "$HAKO" ns enter --net=/run/netns/"$ns" -- "$tmp/noexec$s"
check_fail "not found with --pid -> 127" 127 "nosuchcmd" "$HAKO" ns enter -t "$pc" --pid -- nosuchcmd$s

# Bad input: one line, documented status, and nothing ran.
m="$tmp/ran$s"
check_fail "nonexistent PID" 5 "process 999999999 does not exist" "$HAKO" ns enter -t 999999999 --net -- touch "$m"
check_fail "bad path" 5 "net namespace: open '/nonexistent$s': No such file or directory" \
	"$HAKO" ns enter --net=/nonexistent$s -- touch "$m"
check_fail "not a namespace file" 2 "'/etc/hostname' is not a namespace file" \
	"$HAKO" ns enter --uts=/etc/hostname -- touch "$m"
check_fail "wrong namespace type" 2 "uts namespace: '/run/netns/$ns' is a net namespace" \
	"$HAKO" ns enter --uts=/run/netns/"$ns" -- touch "$m"
check_fail "bad path after a good one changes nothing" 5 "open '/nonexistent$s'" \
	"$HAKO" ns enter --net=/run/netns/"$ns" --uts=/nonexistent$s -- touch "$m"
check_fail "--net without PATH or -t" 2 "--net needs a file" "$HAKO" ns enter --net -- touch "$m"
check_fail "no namespace" 2 "no namespace given" "$HAKO" ns enter -- touch "$m"
check_fail "--all without -t" 2 "--all needs -t PID" "$HAKO" ns enter --all -- touch "$m"
check_fail "unknown option" 2 "unknown option '--bogus'" "$HAKO" ns enter --bogus -- touch "$m"
check_fail "bad -t" 2 "PID 'abc' is not a number" "$HAKO" ns enter -t abc --net -- touch "$m"
[ ! -e "$m" ] && ok "no command ran on bad input" || not_ok "no command ran on bad input"
