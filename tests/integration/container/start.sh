#!/bin/bash
# create, start, restart, wait, rename, attach, start -a: a stopped container starts again
# with the same id, name, root (its changes kept) and network address; wait prints exit
# codes; bad input exits 2 (run/create: 125) and changes nothing. Oracles: /proc, the
# cgroup's files, ip -j in the container's named netns, the rootfs's files.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
. "$HAKO_SRC/tests/integration/network/needs.inc"
s=$(uniq_suffix)
ipid() { h inspect "$1" 2>/dev/null | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# (ps's table is Docker's now: its JSON names the fields)
psf() { h -j ps -a | jq -r --arg n "$1" --arg f "$2" '.[] | select(.name == $n) | .[$f] // "-"'; }
state() { psf "$1" state; }
exitc() { psf "$1" exit_code; }

# --- create: a row, nothing else ---------------------------------------------------------
c=cr$s
id=$(h create --name "$c" --rootfs "$R" -- sh -c 'echo started; exec sleep 1000')
on_exit h rm -f "$c"
[[ $id =~ ^[0-9a-f]{16}$ ]] && ok "create prints the id" || not_ok "create printed '$id'"
is "create: state created" "$(state "$c")" created
is "create: no process (inspect has no pid)" "$(ipid "$c")" ""
[ -z "$(cgroup_dirs "$id")" ] && ok "create: no cgroup yet" || not_ok "create: cgroup exists"
check_fail "create: the name is taken" 125 "already in use" h create --name "$c" --rootfs "$R" -- true
h start "$c" >/dev/null
p1=$(ipid "$c")
is "start: running" "$(state "$c")" running
[ -d /proc/"$p1" ] && grep -q "hako/$id" /proc/"$p1"/cgroup && ok "start: the init is in hako/$id" ||
	not_ok "start: init $p1 not in its cgroup"
is "start: the command's output in the log" "$(h logs "$c")" started
is "start of a running container: nothing to do" "$(h start "$c"; ipid "$c")" "$c
$p1"
h stop -t 1 "$c" >/dev/null
is "stop: exited 143" "$(state "$c") $(exitc "$c")" "exited 143"
h start "$c" >/dev/null
p2=$(ipid "$c")
[ "$p2" != "$p1" ] && [ -d /proc/"$p2" ] && ok "start again: a new init ($p2)" || not_ok "start again"
is "start again: the same id" "$(psf "$c" id)" "$id"
is "the log keeps both runs" "$(h logs "$c" | grep -c started)" 2

# --- restart -----------------------------------------------------------------------------
h restart -t 1 "$c" >/dev/null
p3=$(ipid "$c")
[ "$p3" != "$p2" ] && [ -d /proc/"$p3" ] && [ ! -d /proc/"$p2" ] &&
	ok "restart: the old init gone, a new one ($p3)" || not_ok "restart: $p2 -> $p3"
is "restart: running" "$(state "$c")" running
is "exec into the restarted container" "$(h exec "$c" -- sh -c 'echo $$ >/dev/null; hostname')" "$c"

# a container run in the foreground starts again detached, with its log
f=fg$s
h run --name "$f" --rootfs "$R" -- sh -c 'echo fg-run' >/dev/null
on_exit h rm -f "$f"
h start "$f" >/dev/null
is "a foreground run, started again: exit code through wait" "$(h wait "$f")" 0
is "and its output in the log now" "$(h logs "$f")" fg-run

# --- an image's root: its changes are kept across a start ----------------------------------
if h image add-dir "$R" --name bb$s >/dev/null 2>&1; then
	on_exit h image rm bb$s
	i=im$s
	h run -d --name "$i" bb$s sh -c 'echo kept >/etc/marker; exit 0' >/dev/null
	on_exit h rm -f "$i"
	h wait "$i" >/dev/null
	out=$(h start -a "$i" 2>&1; echo "rc=$?")
	cid=$(psf "$i" id)
	is "image root: the file written by the first run is still there" \
		"$(cat "$ROOT/state/ctroot/$cid/upper/etc/marker" 2>/dev/null)" kept
else
	skip "image root kept across start" "hako image add-dir failed"
fi

# --- wait ---------------------------------------------------------------------------------
w1=w1$s
w2=w2$s
h run -d --name "$w1" --rootfs "$R" -- sh -c 'sleep 0.3; exit 7' >/dev/null
h run -d --name "$w2" --rootfs "$R" -- sh -c 'exit 0' >/dev/null
on_exit h rm -f "$w1"
on_exit h rm -f "$w2"
is "wait prints each exit code in order" "$(h wait "$w1" "$w2")" "7
0"
is "wait on an exited container: its code at once" "$(timeout 5 "$HAKO" --root "$ROOT" wait "$w1")" 7
wr=wr$s
h run -d --rm --name "$wr" --rootfs "$R" -- sh -c 'sleep 0.4; exit 3' >/dev/null
is "wait on a --rm container: its code, though it is removed at its exit" "$(h wait "$wr")" 3
is "and it is removed" "$(h -j ps -a | jq --arg n "$wr" '[.[] | select(.name == $n)] | length')" 0
check_fail "wait on an unknown container" 5 "no such container" h wait "$w1" nosuch$s
out=$("$HAKO" --root "$ROOT" wait "$w1" nosuch$s 2>/dev/null)
is "wait: nothing printed when a name is unknown" "$out" ""
k=wk$s
h run -d --name "$k" --rootfs "$R" -- sleep 1000 >/dev/null
on_exit h rm -f "$k"
(sleep 0.3; h kill "$k" >/dev/null) &
is "wait: a killed container's code (128+9)" "$(h wait "$k")" 137

# --- rename -------------------------------------------------------------------------------
r1=rn$s
h run -d --name "$r1" --rootfs "$R" -- sleep 1000 >/dev/null
on_exit h rm -f "${r1}x"
rp=$(ipid "$r1")
check "rename a running container" h rename "$r1" "${r1}x"
is "rename: ps shows the new name" "$(state "${r1}x")" running
[ -e /run/netns/"${r1}x" ] && [ ! -e /run/netns/"$r1" ] &&
	ok "rename: the netns name moved" || not_ok "rename: /run/netns: $(ls /run/netns)"
is "rename: the netns is the container's" "$(ip netns identify "$rp")" "${r1}x"
is "rename: exec by the new name" "$(h exec "${r1}x" -- echo hi)" hi
check_fail "rename to a taken name" 1 "already in use" h rename "${r1}x" "$c"
check_fail "rename to an invalid name" 2 "invalid container name" h rename "${r1}x" 'a/b'
check_fail "rename: one operand" 2 "expected OLD NEW" h rename "${r1}x"
check_fail "rename an unknown container" 5 "no such container" h rename nosuch$s zz$s
is "refused renames changed nothing" "$(state "${r1}x") $(state "$c")" "running running"
h stop -t 0 "${r1}x" >/dev/null
h start "${r1}x" >/dev/null
is "a renamed container starts under its new name" "$(state "${r1}x")" running
[ -e /run/netns/"${r1}x" ] && ok "and its netns has the new name" || not_ok "netns after start"

# --- attach, start -a ----------------------------------------------------------------------
t=at$s
h run -d --name "$t" --rootfs "$R" -- sh -c 'echo early; sleep 0.6; echo late; exit 4' >/dev/null
on_exit h rm -f "$t"
sleep 0.2
out=$(h attach "$t")
rc=$?
is "attach: the output from now on, until the exit" "$out" late
is "attach: the container's exit code" "$rc" 4
check_fail "attach to a stopped container" 2 "not running" h attach "$t"
out=$(h start -a "$t")
rc=$?
is "start -a: this run's output" "$out" "early
late"
is "start -a: its exit code" "$rc" 4
ci=ci$s
h create --name "$ci" --rootfs "$R" -- sh -c 'read x; echo "got $x"; exit 5' >/dev/null
on_exit h rm -f "$ci"
out=$(echo hello | h start -a -i "$ci")
rc=$?
is "start -a -i: stdin attached" "$out" "got hello"
is "start -a -i: its exit code" "$rc" 5
ct=ct$s
h create -t -i --name "$ct" --rootfs "$R" -- sh -c 'tty; read x; echo "got $x"' >/dev/null
on_exit h rm -f "$ct"
out=$(echo hello | timeout 20 "$HAKO" --root "$ROOT" start -a -i "$ct" | tr -d '\r')
echo "$out" | grep -qx "got hello" && echo "$out" | grep -q '^/dev/' &&
	ok "start -a -i of a -t container: a terminal, stdin attached" || not_ok "start -a -i -t: $out"

# --- bad input changes nothing ------------------------------------------------------------
check_fail "start: an unknown container" 5 "no such container" h start nosuch$s
check_fail "start: no operand" 2 "missing container" h start
check_fail "start: unknown option" 2 "unknown option" h start --bogus "$c"
check_fail "restart -t x" 2 "restart -t" h restart -t x "$c"
is "still running after the refusals" "$(ipid "$c")" "$p3"

# --- the same network address on every start ----------------------------------------------
if have_kind veth && have_kind bridge && command -v nft >/dev/null; then
	h network create --subnet 10.213.$((RANDOM % 200)).0/24 ln$s >/dev/null 2>&1
	on_exit h network rm ln$s
	n1=na$s
	n2=nb$s
	h create --name "$n1" --network ln$s -p 18081:80 --rootfs "$R" -- sleep 1000 >/dev/null
	on_exit h rm -f "$n1"
	on_exit h rm -f "$n2"
	h start "$n1" >/dev/null
	a1=$(ip -n "$n1" -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"][0])')
	h stop -t 0 "$n1" >/dev/null
	nft list ruleset | grep -q 'dport 18081' && not_ok "stopped: the port's rule is still there" ||
		ok "stopped: the published port's rule is gone"
	# another container meanwhile: the address must not go to it
	h run -d --name "$n2" --network ln$s --rootfs "$R" -- sleep 1000 >/dev/null
	a2n=$(ip -n "$n2" -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"][0])')
	h rm -f "$n2" >/dev/null
	h start "$n1" >/dev/null
	# rename: the peers' /etc/hosts follow
	h run -d --name "$n2" --network ln$s --rootfs "$R" -- sleep 1000 >/dev/null
	h rename "$n1" "${n1}r"
	h exec "$n2" -- cat /etc/hosts | grep -qw "${n1}r" && ok "rename: a peer's /etc/hosts has the new name" ||
		not_ok "rename: peer hosts: $(h exec "$n2" -- cat /etc/hosts | tr '\n' ' ')"
	h rename "${n1}r" "$n1"
	h rm -f "$n2" >/dev/null
	a2=$(ip -n "$n1" -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"][0])')
	[ -n "$a1" ] && is "start again: the same address ($a1)" "$a2" "$a1" || not_ok "no address"
	echo "# meanwhile another container got $a2n"
	h restart -t 0 "$n1" >/dev/null
	a3=$(ip -n "$n1" -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"][0])')
	is "restart: the same address" "$a3" "$a1"
	nft list ruleset | grep -q 'dport 18081' && ok "restart: the published port's rule is back (nft)" ||
		not_ok "restart: no nft rule for 18081"
	# its address taken meanwhile (another container's --ip): it gets another one, said
	h stop -t 0 "$n1" >/dev/null
	h run -d --name "$n2" --network ln$s --ip "$a1" --rootfs "$R" -- sleep 1000 >/dev/null
	err=$(h start "$n1" 2>&1 >/dev/null)
	a4=$(ip -n "$n1" -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet"][0])')
	[ "$(state "$n1")" = running ] && [ -n "$a4" ] && [ "$a4" != "$a1" ] &&
		ok "address taken meanwhile: started with another ($a4)" || not_ok "taken address: $a4 ($err)"
	echo "$err" | grep -q "is taken now" && ok "and said so" || not_ok "no note: $err"
	h rm -f "$n2" >/dev/null
	# a network connected later is joined again by start, with its address
	h network create --subnet 10.214.$((RANDOM % 200)).0/24 lm$s >/dev/null 2>&1
	on_exit h network rm lm$s
	check "network connect" h network connect --alias side lm$s "$n1"
	addrs() { ip -n "$n1" -j addr | python3 -c 'import json,sys; print(" ".join(sorted(a["local"] for l in json.load(sys.stdin) if l["ifname"] != "lo" for a in l["addr_info"] if a["family"]=="inet")))'; }
	b1=$(addrs)
	h restart -t 0 "$n1" >/dev/null
	is "restart: both networks again, the same addresses ($b1)" "$(addrs)" "$b1"
	check "network disconnect" h network disconnect lm$s "$n1"
	h restart -t 0 "$n1" >/dev/null
	is "after disconnect a restart joins only its own network" "$(addrs | wc -w)" 1
	h rm -f "$n1" >/dev/null
else
	skip "the same address on every start" "no veth/bridge/nft"
fi
