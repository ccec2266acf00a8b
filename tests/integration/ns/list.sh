#!/bin/bash
# hako ns list against lsns -J: same inodes, types and process counts; namespaces held only
# by a bind mount (ip netns add, no process) listed with their name and NPROCS 0; filters.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
ns="nsl$s"

ip netns add "$ns" || { not_ok "ip netns add $ns"; exit 1; }
on_exit ip netns del "$ns"
ino=$(stat -L -c %i "/run/netns/$ns")

# Bind-mount only: no process is in it, lsns does not see it, hako lists it by name.
out=$("$HAKO" ns list -j)
got=$(jq -c --argjson i "$ino" '[.[] | select(.ns == $i) | {type, nprocs, name, path}]' <<<"$out")
is "netns without processes listed with name and nprocs 0" "$got" \
	"[{\"type\":\"net\",\"nprocs\":0,\"name\":\"$ns\",\"path\":\"/run/netns/$ns\"}]"
# (lsns itself can fail when a process vanishes under it on a busy machine: retry)
for _ in 1 2 3 4 5; do
	lsns_has=$(lsns -J 2>/dev/null | jq --argjson i "$ino" '[.. | objects | select(.ns? == $i)] | length')
	[ -n "$lsns_has" ] && break
done
is "lsns (the oracle) does not list it" "$lsns_has" 0
"$HAKO" ns list | grep -Eq "^ *$ino +net +0 +- +- +- +$ns\$" && ok "human row for bound netns" ||
	{ not_ok "human row for bound netns"; "$HAKO" ns list | diag; }

# Two processes in a namespace: same ns/type/nprocs/pid/command as lsns.
ip netns exec "$ns" sleep 60 &
p1=$!
ip netns exec "$ns" sleep 61 &
p2=$!
on_exit kill $p1 $p2
for _ in $(seq 50); do
	[ "$(readlink /proc/$p1/ns/net)" = "net:[$ino]" ] && [ "$(readlink /proc/$p2/ns/net)" = "net:[$ino]" ] &&
		[ "$(cat /proc/$p2/comm)" = sleep ] && [ "$(cat /proc/$p1/comm)" = sleep ] && break
	sleep 0.1
done
sel='[.. | objects | select(.ns? == $i) | {ns, type, nprocs, pid, user, command}]'
want=$(lsns -J -t net | jq -c --argjson i "$ino" "$sel")
got=$("$HAKO" ns list -j -t net | jq -c --argjson i "$ino" "$sel")
is "matches lsns -J for a netns with two processes" "$got" "$want"
got=$("$HAKO" ns list -j | jq -c --argjson i "$ino" '.[] | select(.ns == $i) | [.nprocs, .name]')
is "named netns with processes keeps its name" "$got" "[2,\"$ns\"]"

# Every namespace with processes, as lsns sees it. Other programs on the machine come and
# go, so hako's set must lie between what two lsns runs around it agree on and either saw.
q='[.. | objects | select(.ns?) | [.ns, .type]] | sort'
# A namespace born and gone between the two lsns runs is seen by hako alone: try again
# (a few times) when the machine is that busy.
for try in $(seq 10); do
	a=$(lsns -J | jq -c "$q")
	got=$("$HAKO" ns list -j | jq -c '[.[] | select(.nprocs > 0) | [.ns, .type]] | sort')
	b=$(lsns -J | jq -c "$q")
	jq -en --argjson a "$a" --argjson b "$b" --argjson h "$got" \
		'(($a - ($a - $b)) - $h) == [] and ($h - ($a + $b)) == []' >/dev/null && break
done
jq -en --argjson a "$a" --argjson b "$b" --argjson h "$got" \
	'(($a - ($a - $b)) - $h) == [] and ($h - ($a + $b)) == []' >/dev/null &&
	ok "same (ns, type) set as lsns -J" ||
	{ not_ok "same (ns, type) set as lsns -J"; printf 'lsns: %s\nhako: %s\n' "$a" "$got" | diag; }
got=$("$HAKO" ns list -j | jq -c '[.[].ns]')
is "sorted by inode" "$got" "$(printf '%s' "$got" | jq -c 'sort')"

# Our own mount namespace, counted the same as lsns (both tools count themselves and bash). Only
# the mount namespace is private to this test and its own processes (run-one.sh made it): the
# host's namespaces are shared with every process on the machine, whose number keeps changing.
for t in mnt; do
	i=$(stat -L -c %i /proc/self/ns/$t)
	# each tool alone in its $(...), so no jq of a pipeline is counted by one and not the other
	want=$(lsns -J -t $t)
	want=$(jq -c --argjson i "$i" '[.. | objects | select(.ns? == $i) | .nprocs]' <<<"$want")
	got=$("$HAKO" ns list -j -t $t)
	got=$(jq -c --argjson i "$i" '[.[] | select(.ns == $i) | .nprocs]' <<<"$got")
	is "nprocs of our $t namespace as lsns" "$got" "$want"
done

# -t filter: only that type; repeated -t: the union.
got=$("$HAKO" ns list -j -t net | jq -c '[.[].type] | unique')
is "-t net lists only net namespaces" "$got" '["net"]'
got=$("$HAKO" ns list -j -t net -t uts | jq -c '[.[].type] | unique')
is "-t net -t uts lists both" "$got" '["net","uts"]'

# -p PID: exactly that process's namespaces (8 types), as lsns -p.
want=$(lsns -J -p $p1 | jq -c '[.. | objects | select(.ns?) | .ns] | sort')
got=$("$HAKO" ns list -j -p $p1 | jq -c '[.[].ns] | sort')
is "-p PID lists the namespaces of PID as lsns -p" "$got" "$want"
got=$("$HAKO" ns list -j -p $p1 -t net | jq -c '[.[].ns]')
is "-p PID -t net" "$got" "[$ino]"

# A namespace held only by an open fd (its process gone) shows up with --fds, not without;
# an fd opened through a bind mount (it reads as the path) is recognised too.
unshare --uts sleep 60 &
p3=$!
on_exit kill $p3
for _ in $(seq 50); do [ "$(readlink /proc/$p3/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.1; done
uino=$(stat -L -c %i /proc/$p3/ns/uts)
exec 8</proc/$p3/ns/uts 7</run/netns/"$ns"
kill $p3; wait $p3 2>/dev/null
got=$("$HAKO" ns list -j --fds -t uts | jq -c --argjson i "$uino" '[.[] | select(.ns == $i) | [.nprocs, .fd_pid]]')
is "--fds lists a uts namespace held only by an fd" "$got" "[[0,$$]]"
got=$("$HAKO" ns list -j -t uts | jq -c --argjson i "$uino" '[.[] | select(.ns == $i)]')
is "without --fds it is not listed (as lsns)" "$got" "[]"
got=$("$HAKO" ns list -j --fds -t net | jq -c --argjson i "$ino" '[.[] | select(.ns == $i) | .fd_pid]')
is "--fds: an fd opened through /run/netns/NAME" "$got" "[$$]"
exec 7<&- 8<&-

# Bad input.
check_fail "unknown type" 2 "unknown namespace type 'bogus'" "$HAKO" ns list -t bogus
check_fail "nonexistent PID" 5 "process 999999999 does not exist" "$HAKO" ns list -p 999999999
check_fail "PID not a number" 2 "PID 'abc' is not a number" "$HAKO" ns list -p abc
check_fail "unknown option" 2 "unknown option" "$HAKO" ns list --bogus

# -o, -r, NETNSID and NSFS (lsns's columns), and the terminal width (libsmartcols).
ip netns set "$ns" 42
is "-o NS,TYPE,NAME: those columns, in that order" \
	"$("$HAKO" ns list -o NS,TYPE,NAME -t net | awk 'NR == 1 {print $1, $2, $3}')" "NS TYPE NAME"
got=$("$HAKO" ns list -o ns,netnsid,nsfs -t net | awk -v i="$ino" '$1 == i {print $2, $3}')
is "NETNSID (as ip netns list-id) and NSFS of a bound namespace" "$got" "42 /run/netns/$ns"
want=$(lsns -n -o NS,NETNSID -t net | awk -v i="$ino" '$1 == i {print $2}')
[ -z "$want" ] || is "NETNSID agrees with lsns where lsns lists it" "$got" "$want /run/netns/$ns"
got=$("$HAKO" ns list -j -o NS,NETNSID,NSFS -t net | jq -c --argjson i "$ino" '.[] | select(.ns == $i)')
is "-j -o: only those keys; nsfs an array" "$got" "{\"ns\":$ino,\"netnsid\":42,\"nsfs\":[\"/run/netns/$ns\"]}"
# a network namespace with no id here: lsns's "unassigned" (this test's own namespace)
self=$(stat -L -c %i /proc/self/ns/net)
is "NETNSID of one without an id: unassigned, as lsns" \
	"$("$HAKO" ns list -n -o NS,NETNSID -t net | awk -v i="$self" '$1 == i {print $2}')" \
	"$(lsns -n -o NS,NETNSID -t net | awk -v i="$self" '$1 == i {print $2}')"
is "... and no key in JSON" "$("$HAKO" ns list -j -o NS,NETNSID -t net | jq -c --argjson i "$self" '.[] | select(.ns == $i)')" \
	"{\"ns\":$self}"
is "+LIST appends to the default columns" \
	"$("$HAKO" ns list -o +NETNSID -t net | head -1 | tr -s ' ' | sed 's/^ //')" \
	"NS TYPE NPROCS PID USER COMMAND NAME NETNSID"
got=$("$HAKO" ns list -r -n -t net -p $p1 | head -1)
case "$got" in *' '*' '*) ok "-r: one space between columns: $got" ;; *) not_ok "-r: '$got'" ;; esac
echo "$got" | grep -q '  ' && not_ok "-r aligned the columns: $got" || ok "-r: no alignment"
check_fail "-o with an unknown column names it and the choices" 2 \
	"unknown column 'bogus' .columns: NS, TYPE, NPROCS" "$HAKO" ns list -o NS,bogus
# on an 80-column terminal, a long command line is cut, and NAME stays on screen
bash -c 'exec -a "$(printf "x%.0s" $(seq 300))" sleep 60' &
long=$!
on_exit kill $long
"$HAKO" netns attach "long$ns" $long
on_exit "$HAKO" netns del "long$ns"
out=$(COLUMNS=80 script -qec "\"$HAKO\" ns list -o NS,TYPE,COMMAND,NAME -t net" /dev/null | tr -d '\r')
line=$(echo "$out" | grep "long$ns")
[ -n "$line" ] && [ "${#line}" -le 80 ] && ok "width 80: NAME shown, line ${#line} wide" ||
	not_ok "width 80: '$line' (${#line})"
[ "$("$HAKO" ns list -o NS,COMMAND,NAME -t net | grep "long$ns" | wc -c)" -gt 300 ] &&
	ok "piped, nothing is cut" || not_ok "piped output cut"
# lsns's -u/--notruncate: on the terminal too, nothing is cut; -l and -W (lsns's list format
# and no wrapping, what hako always does) are accepted
out=$(COLUMNS=80 script -qec "\"$HAKO\" ns list -u -o NS,TYPE,COMMAND,NAME -t net" /dev/null | tr -d '\r')
line=$(echo "$out" | grep "long$ns")
[ "${#line}" -gt 300 ] && ok "-u at width 80: the command whole" || not_ok "-u: '$line' (${#line})"
is "-l -W --nowrap --notruncate: the same rows as without" \
	"$("$HAKO" ns list -l -W --nowrap --notruncate -n -o NS,NAME -t net | sort)" \
	"$("$HAKO" ns list -n -o NS,NAME -t net | sort)"
