#!/bin/bash
# kill -9 of hako in the middle of `network connect`, `network disconnect` and
# `run --network NET -p ...`: after the next command every attachment is either complete
# (lease, host veth on the bridge, eth<N> with its address in the container, nft port rules,
# peers' /etc/hosts) or entirely gone (no lease, no veth on the host or in the container, nft
# ruleset as before, no hosts line); and in the middle of `network create`, `network rm`,
# `network prune` (a create is rolled back, an rm finished: no row, bridge or nft rule left).
# Exact steps through the HAKO_TEST_KILL_AT test hook, then kills at random delays
# (HAKO_NET_CRASH_N of each, default 15).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

if ! have_kind veth || ! have_kind bridge; then
	skip "kill -9 during connect/run" "kernel lacks veth or bridge"
	exit 0
fi
if ! have_test_hooks; then
	skip "kill -9 at exact steps" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
	exit 0
fi
N=${HAKO_NET_CRASH_N:-15}
SUB=10.231.7
nft_orig=$(nft -s list ruleset)
on_exit "h rm -f a b >/dev/null 2>&1; h network rm kn"
h network create kn --subnet $SUB.0/24 >/dev/null || { not_ok "network create"; exit 1; }
web b kn || { not_ok "container b"; exit 1; }
h run -d --name a --network new --rootfs "$R" -- sleep 1000 >/dev/null || { not_ok "container a"; exit 1; }
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
	st=$(h ps -a --format '{{.ID}} {{.Names}} {{.State}}' | awk '$2 == "r" {print $3}')
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

# 5. `network create`, `network rm`, `network prune` and the default network's creation by
# `run` killed at each step: the next command (network ls, ps, run, network create, ...)
# rolls a half-made network back and finishes a half-removed one. Oracles: the row
# (sqlite3), the bridge (ip -j link), hako's rules and set element (nft -j list table) and
# the whole ruleset (nft -s list ruleset), compared with the state before.
# sig NAME BRIDGE: "ROWSTATE/LINK/RULES/ELEM": row "-" (none), "ok" (complete) or its state;
# link "-", "up" or "down"; RULES 1 if any rule is tagged hako:NAME[:...]; ELEM the bridge in
# the bridges set (0/1)
sig() {
	local row link rules elem
	row=$(sqlite3 "$ROOT/state/hako.db" "select 'r' || state from networks where name='$1'")
	row=${row:--}
	[ "$row" = r ] && row=ok
	link=$(ip -j link show dev "$2" 2>/dev/null |
		jq -r '.[0].flags | if index("UP") then "up" else "down" end')
	rules=$(nft -j list table inet hako 2>/dev/null | jq --arg t "hako:$1" '[.nftables[] |
		select(.rule) | .rule.comment // "" | select(. == $t or startswith($t + ":"))] |
		if length > 0 then 1 else 0 end')
	elem=$(nft -j list set inet hako bridges 2>/dev/null | jq --arg b "$2" '[.nftables[] |
		select(.set) | .set.elem // [] | .[] | select(. == $b)] | length')
	echo "${row#r}/${link:--}/${rules:-0}/${elem:-0}"
}
# net_gone NAME BRIDGE BASE: "gone" or what is left
net_gone() {
	local s
	s=$(sig "$1" "$2")
	[ "$s" = "-/-/0/0" ] || { echo "left: $s"; return; }
	[ "$(nft -s list ruleset)" = "$3" ] || { echo "nft ruleset differs"; return; }
	echo gone
}
# net_steps BASE: every step of create and rm (and prune), each followed by another next
# command; BASE: the ruleset without the network
NEXT=("network ls" "ps" "run --rm --network new --rootfs $R -- true" "-j network ls" "network inspect kn"
	"network disconnect kn a" "network prune -f" "network create kh --subnet 10.231.8.0/24")
# step_repaired WHAT STEP:WANT BASE ARGS...: hako ARGS killed at STEP must leave kh as WANT
# (sig), and the next command (the next of NEXT) must leave it gone; problems go to $bad
K=0
step_repaired() {
	local what=$1 want=${2#*:} step=${2%%:*} base=$3 mid next s
	shift 3
	bad="$bad$(kill_at "$step" "$@")"
	mid=$(sig kh hk-kh)
	[ "$mid" = "$want" ] || bad="$bad [$what killed at $step left $mid, not $want]"
	next=${NEXT[K++ % ${#NEXT[@]}]}
	h $next >/dev/null 2>&1
	case $next in
	"network create"*) [ "$(sig kh hk-kh)" = ok/up/1/1 ] ||
		bad="$bad [$step, then $next: $(sig kh hk-kh)]"
		h network rm kh >/dev/null ;;
	esac
	s=$(net_gone kh hk-kh "$base")
	[ "$s" = gone ] || bad="$bad [$what killed at $step, then $next: $s]"
}
net_steps() {
	local base=$1 step verb
	bad=
	for step in network-recorded:creating/-/0/0 network-bridged:creating/down/0/0 \
		network-ruled:creating/down/1/1 network-up:creating/up/1/1; do
		step_repaired create "$step" "$base" network create kh --subnet 10.231.8.0/24
	done
	is "create killed at 4 steps: rolled back by the next command" "$bad" ""
	bad=$(kill_at network-created network create kh --subnet 10.231.8.0/24)
	h network ls >/dev/null
	is "create killed after it was complete: kept" "$bad$(sig kh hk-kh)" ok/up/1/1
	for verb in "rm kh" prune; do
		bad=
		for step in network-rm-marked:removing/up/1/1 network-rm-unruled:removing/up/0/0 \
			network-rm-unbridged:removing/-/0/0; do
			[ "$(sig kh hk-kh)" = ok/up/1/1 ] ||
				h network create kh --subnet 10.231.8.0/24 >/dev/null
			step_repaired "${verb% *}" "$step" "$base" network $verb
		done
		is "network ${verb% *} killed at 3 steps: finished by the next command" "$bad" ""
	done
	# at random delays: complete or gone after the next command, never in between (a create
	# takes about 10 ms here, an rm about 50: the delays cover both)
	bad= seen=
	for i in $(seq $((N / 2 + 1))); do
		for verb in create rm; do
			[ $verb = rm ] && [ "$(sig kh hk-kh)" != ok/up/1/1 ] && continue
			if [ $verb = create ]; then
				"$HAKO" --root "$ROOT" network create kh --subnet 10.231.8.0/24 \
					>/dev/null 2>&1 &
				hp=$!
				sleep "0.0$(printf %02d $((RANDOM % 16)))"
			else
				"$HAKO" --root "$ROOT" network rm kh >/dev/null 2>&1 &
				hp=$!
				sleep "0.0$(printf %02d $((RANDOM % 70)))"
			fi
			kill -9 $hp 2>/dev/null
			wait $hp 2>/dev/null
			mid=$(sig kh hk-kh)
			mid=${mid%%/*}
			h network ls >/dev/null
			s=$(sig kh hk-kh)
			seen="$seen $verb:${s%%/*}$([ "$mid" = ok ] || [ "$mid" = - ] || echo +)"
			case $s in ok/up/1/1 | -/-/0/0) ;; *) bad="$bad [$i: $verb: $s]" ;; esac
		done
		[ "$(sig kh hk-kh)" = ok/up/1/1 ] && h network rm kh >/dev/null
		s=$(net_gone kh hk-kh "$base")
		[ "$s" = gone ] || bad="$bad [$i: $s]"
	done
	is "create and rm killed at random points: complete or gone each time" "$bad" ""
	echo "outcomes (+: killed half-way):$seen" | diag
}
net_steps "$nft_base"
# a complete network whose bridge vanished (a reboot): its next use makes it again
h network create kh --subnet 10.231.8.0/24 >/dev/null
ip link del hk-kh
check "connect to a network whose bridge vanished" h network connect kh a
is "its bridge is back, up, with its rules" "$(sig kh hk-kh)" ok/up/1/1
h network disconnect kh a
check "network rm kh" h network rm kh
# the default network, made by run --network bridge
bad=$(kill_at network-ruled run --rm --network bridge --rootfs "$R" -- true)
is "run killed while making the default network: half-made" "$bad$(sig bridge hako0)" \
	creating/down/1/1
h network ls >/dev/null
is "rolled back by the next command" "$(net_gone bridge hako0 "$nft_base")" gone
check "the next run --network bridge" h run --rm --network bridge --rootfs "$R" -- true
is "the default network is complete" "$(sig bridge hako0)" ok/up/1/1
bad=$(kill_at network-rm-unruled network rm bridge)
check "run --network bridge after an rm killed half-way" \
	h run --rm --network bridge --rootfs "$R" -- true
is "the default network is complete again" "$(sig bridge hako0)" ok/up/1/1
check "network rm bridge" h network rm bridge
is "no trace of the default network" "$(net_gone bridge hako0 "$nft_base")" gone

# 6. every lease is free after rm; nft back to the original state after network rm
h rm -f a b >/dev/null
is "no lease left" "$(h -j network inspect kn | jq '.[0].containers | length')" 0
check "network rm" h network rm kn
is "nft list ruleset back to its original state" "$(nft -s list ruleset)" "$nft_orig"
is "no veth left" "$(ip -o link show | grep -c ': hk')" 0

# 7. the same with no other network: hako's table is made by the killed create and must be
# gone again (nft list ruleset back to the original)
is "no hako table now" "$(nft list tables | grep -c 'inet hako')" 0
net_steps "$nft_orig"
is "nft list ruleset back to its original state at the end" "$(nft -s list ruleset)" "$nft_orig"
is "no bridge left" "$(ip -j link show type bridge | jq length)" 0
is "no network row left" "$(sqlite3 "$ROOT/state/hako.db" 'select count(*) from networks')" 0
