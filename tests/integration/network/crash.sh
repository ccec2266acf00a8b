#!/bin/bash
# kill -9 of hako in the middle of `network connect`, `network disconnect` and
# `run --network NET -p ...`: after the next command every attachment is either complete
# (lease, host veth on the bridge, eth<N> with its address in the container, nft port rules,
# peers' /etc/hosts) or entirely gone (no lease, no veth on the host or in the container, nft
# ruleset as before, no hosts line). Exact steps through the HAKO_TEST_KILL_AT test hook,
# then kills at random delays (HAKO_NET_CRASH_N of each, default 15).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

if ! have_kind veth || ! have_kind bridge; then
	skip "kill -9 during connect/run" "kernel lacks veth or bridge"
	exit 0
fi
N=${HAKO_NET_CRASH_N:-15}
SUB=10.231.7
nft_orig=$(nft -s list ruleset)
on_exit "h rm -f a b >/dev/null 2>&1; h network rm kn"
h network create kn --subnet $SUB.0/24 >/dev/null || { not_ok "network create"; exit 1; }
web b kn || { not_ok "container b"; exit 1; }
h run -d --name a --rootfs "$R" -- sleep 1000 >/dev/null || { not_ok "container a"; exit 1; }
A=$(h inspect a | jq -r ".[0].id")
B=$(h inspect b | jq -r ".[0].id")
nft_base=$(nft -s list ruleset)
anet=$ROOT/run/ns/$A/net

# state CT: "gone", "complete", or what is wrong, as seen after the next command
state() {
	local id=$1 name=$2 netf=$ROOT/run/ns/$1/net j lease pend hostif addr links
	j=$(h -j network inspect kn) || { echo "inspect failed"; return; }
	lease=$(jq -r --arg id "$id" '.[0].containers[] | select(.id == $id) | .address' <<<"$j")
	pend=$(jq -r '[.[0].containers[] | select(.pending)] | length' <<<"$j")
	[ "$pend" = 0 ] || { echo "pending lease left"; return; }
	hostif=$(ip -j link show | jq -r --arg p "hk${id:0:12}" '.[] | select(.ifname | startswith($p)) | .ifname')
	links=$([ -e "$netf" ] && nsenter --net="$netf" ip -j link show |
		jq -r '[.[] | select(.ifname != "lo") | .ifname] | join(",")')
	if [ -z "$lease" ]; then
		[ -z "$hostif" ] || { echo "host veth $hostif left"; return; }
		[ -z "$links" ] || { echo "container links $links left"; return; }
		[ "$(nft -s list ruleset)" = "$nft_base" ] || { echo "nft rules left"; return; }
		grep -q "	$name\$" "$ROOT/run/$B/hosts" && { echo "b's hosts still names $name"; return; }
		echo gone
		return
	fi
	[ -n "$hostif" ] || { echo "lease $lease without host veth"; return; }
	[ "$(ip -j link show "$hostif" | jq -r '.[0].master')" = hk-kn ] ||
		{ echo "$hostif not on the bridge"; return; }
	addr=$(nsenter --net="$netf" ip -j -4 addr show eth0 2>/dev/null | jq -r '.[0].addr_info[0].local')
	[ "$addr" = "$lease" ] || { echo "lease $lease but eth0 has '$addr'"; return; }
	if [ "${3:-}" = ports ]; then
		nft list table inet hako | grep -q "hako:kn:$id" || { echo "no port rules"; return; }
	fi
	grep -q "^$lease	$name\$" "$ROOT/run/$B/hosts" || { echo "b's hosts lacks $name"; return; }
	echo complete
}

# "+" when a killed hako left a pending lease (the kill landed half-way), for the diag line
pending_n() {
	[ "$(sqlite3 "$ROOT/state/hako.db" 'select count(*) from leases where owner_pid != 0')" = 0 ] ||
		echo +
}

# kill_at STEP ARGS...: hako ARGS with the test hook; it must die of SIGKILL at STEP
kill_at() {
	local step=$1
	shift
	HAKO_TEST_KILL_AT=$step timeout -s KILL 20 "$HAKO" --root "$ROOT" "$@" >/dev/null 2>&1
	[ $? = 137 ] || echo "not killed at $step"
}

# 1. connect killed at each step: the next command (network ls) undoes it
for step in connect-leased connect-linked connect-ported connect-hosts; do
	bad=$(kill_at $step network connect -p 18080:80 kn a)
	h network ls >/dev/null
	is "connect killed at $step: undone by the next command" "$bad$(state "$A" a ports)" gone
done
# 2. disconnect killed after the link went: the next command finishes it
check "connect a" h network connect -p 18080:80 kn a
is "a complete" "$(state "$A" a ports)" complete
bad=$(kill_at disconnect-unlinked network disconnect kn a)
h ps >/dev/null
is "disconnect killed half-way: finished by the next command" "$bad$(state "$A" a)" gone
check "connect again after the repair" h network connect kn a
check "disconnect" h network disconnect kn a

# 3. connect killed at random delays
bad=
seen=
for i in $(seq "$N"); do
	"$HAKO" --root "$ROOT" network connect -p 18080:80 kn a >/dev/null 2>&1 & # not h: $! is hako
	hp=$!
	sleep "0.0$((RANDOM % 60))"
	kill -9 $hp 2>/dev/null
	wait $hp 2>/dev/null
	mid=$(pending_n)
	s=$(state "$A" a ports)
	seen="$seen ${s%% *}$mid"
	case $s in
	gone) ;;
	complete) h network disconnect kn a >/dev/null 2>&1 || bad="$bad [$i: disconnect failed]"
		s=$(state "$A" a)
		[ "$s" = gone ] || bad="$bad [$i: after disconnect: $s]" ;;
	*) bad="$bad [$i: $s]" ;;
	esac
done
is "connect killed at $N random points: complete or gone each time" "$bad" ""
echo "outcomes (+: killed half-way):$seen" | diag

# 4. `hako run --network kn -p` killed at each step and at random delays: the container and
# its attachment are gone after the next command (or it runs, complete)
# host veths of hako other than b's
stray_veths() {
	ip -j link show | jq -r --arg b "hk${B:0:12}" '.[] | .ifname |
		select(startswith("hk") and (startswith("hk-") or startswith($b) | not))'
}
RUN_R=("$HAKO" --root "$ROOT" run --name r --network kn -p 18081:80 --rootfs "$R" -- sleep 1000)
r_state() {
	local id st
	id=$(sqlite3 "$ROOT/state/hako.db" "select id from containers where name='r'" 2>/dev/null)
	sleep 0.05 # the init dies with its parent (PDEATHSIG) asynchronously
	st=$(h ps -a | awk '$2 == "r" {print $3}')
	if [ -z "$id" ]; then
		[ "$(nft -s list ruleset)" = "$nft_base" ] || { echo "no container but nft rules left"; return; }
		[ -z "$(stray_veths)" ] || { echo "veths left: $(stray_veths)"; return; }
		echo gone
		return
	fi
	case $st in
	exited | "") state "$id" r ;;
	running) state "$id" r ports ;;
	*) echo "state $st" ;;
	esac
}
bad=
seen=
for step in connect-leased connect-linked connect-ported connect-hosts; do
	{ HAKO_TEST_KILL_AT=$step timeout -s KILL 20 "${RUN_R[@]}"; } >/dev/null 2>&1
	s=$(r_state)
	[ "$s" = gone ] || bad="$bad [$step: $s]"
	h rm -f r >/dev/null 2>&1
done
for i in $(seq "$N"); do
	"${RUN_R[@]}" >/dev/null 2>&1 &
	hp=$!
	sleep "0.0$((RANDOM % 90))"
	kill -9 $hp 2>/dev/null
	wait $hp 2>/dev/null
	mid=$(pending_n)
	s=$(r_state)
	seen="$seen ${s%% *}$mid"
	case $s in gone | complete) ;; *) bad="$bad [$i: $s]" ;; esac
	h rm -f r >/dev/null 2>&1
	s=$(state x r)
	[ "$s" = gone ] || bad="$bad [$i: after rm: $s]"
done
is "run --network -p killed at 4 steps and $N random points: repaired each time" "$bad" ""
echo "outcomes (+: killed half-way):$seen" | diag

# 5. a network whose creation was killed after its bridge, before its nft rules (the bridge
# is set up last): its next use completes it; the same for the default network made by run
nft_rules() { nft list table inet hako 2>/dev/null | grep -c "comment \"hako:$1\""; }
bad=$(kill_at network-bridged network create kh --subnet 10.231.8.0/24)
is "create killed at network-bridged: bridge down, no rules yet" \
	"$bad$(ip -j link show hk-kh | jq -r '.[0].flags | index("UP") == null') $(nft_rules kh)" "true 0"
check "connect to it" h network connect kh a
[ "$(nft_rules kh)" -gt 0 ] && ok "its nft rules are made on that use" || not_ok "no rules for kh"
is "its bridge is up" "$(ip -j link show hk-kh | jq -r '.[0].flags | index("UP") != null')" true
h network disconnect kh a
check "network rm kh" h network rm kh
bad=$(kill_at network-bridged run --rm --network bridge --rootfs "$R" -- true)
is "run killed while making the default network: no rules yet" "$bad$(nft_rules hako)" 0
check "the next run --network bridge" h run --rm --network bridge --rootfs "$R" -- true
[ "$(nft_rules hako)" -gt 0 ] && ok "the default network has its nft rules" ||
	not_ok "no rules for the default network"
check "network rm hako" h network rm hako

# 6. every lease is free after rm; nft back to the original state after network rm
h rm -f a b >/dev/null
is "no lease left" "$(h -j network inspect kn | jq '.[0].containers | length')" 0
check "network rm" h network rm kn
is "nft list ruleset back to its original state" "$(nft -s list ruleset)" "$nft_orig"
is "no veth left" "$(ip -o link show | grep -c ': hk')" 0
