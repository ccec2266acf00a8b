#!/bin/bash
# iproute2's output options, compared with ip itself on the same devices: -br (text and
# JSON) for link and addr, -s/-s -s (ip -s -j's stats64), -j one line and -p pretty, a peer
# in another namespace named (link-netns), vxlan's lower device by name in -d -j, M-DOWN and
# NO-CARRIER as ip derives them.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
a=oa$s b=ob$s
ip netns add "$a" && ip netns add "$b"
on_exit ip netns del "$a"
on_exit ip netns del "$b"
ip -n "$a" link add v0 type veth peer name v1
ip -n "$a" link set v0 up
ip -n "$a" addr add 10.61.0.1/24 dev v0
ip -n "$a" addr add fd61::1/64 dev v0 nodad
ip -n "$a" link add p0 type veth peer name p1 netns "$b"
ip -n "$a" link add vx0 type vxlan id 42 dstport 4789 local 10.61.0.1 dev v0
ip -n "$a" link set lo up
ip netns exec "$a" ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null
hk() { "$HAKO" -n "$a" "$@"; }

is "-br link: as ip -br link" "$(hk -br link)" "$(ip -n "$a" -br link)"
is "-br -j link: as ip -br -j link" "$(hk -br -j link)" "$(ip -n "$a" -br -j link)"
is "-br addr: as ip -br addr" "$(hk -br addr)" "$(ip -n "$a" -br addr)"
is "-br -j addr: as ip -br -j addr" "$(hk -br -j addr)" "$(ip -n "$a" -br -j addr)"
is "-br addr show dev v0" "$(hk -br addr show dev v0)" "$(ip -n "$a" -br addr show dev v0)"
is "the long spelling -brief" "$(hk -brief link show lo)" "$(ip -n "$a" -br link show lo)"
# a control: -br changes the output (the comparison above is not of two tables)
[ "$(hk link show lo | head -1 | awk '{print $1}')" = INDEX ] && ok "control: without -br, the table" ||
	not_ok "control: without -br"

# flags as ip derives them (NO-CARRIER: up without carrier; M-DOWN: its peer is down)
is "flags of v0 as ip's" "$(hk -j link show v0 | jq -c '.[0].flags')" \
	"$(ip -n "$a" -j link show v0 | jq -c '.[0].flags')"

# -s: the counters (lo carried the pings), as ip -s -j
is "-s -j: stats64 of lo as ip -s -j" "$(hk -s -j link show lo | jq -c '.[0].stats64')" \
	"$(ip -n "$a" -s -j link show lo | jq -c '.[0].stats64')"
# (carrier_changes is not a stats64 counter: ip and hako take it from the link message)
is "-s -s -j: the extra counters" "$(hk -s -s -j link show lo | jq -c '.[0].stats64 | [.rx, .tx] | map(keys) | add | sort')" \
	"$(ip -n "$a" -s -s -j link show lo | jq -c '.[0].stats64 | [.rx, .tx] | map(keys) | add | sort')"
is "-s -s -j: tx.carrier_changes of v0 (up, then its peer down) as ip's" \
	"$(hk -s -s -j link show v0 | jq -c '.[0].stats64.tx.carrier_changes')" \
	"$(ip -n "$a" -s -s -j link show v0 | jq -c '.[0].stats64.tx.carrier_changes')"
rx=$(ip -n "$a" -s -j link show lo | jq '.[0].stats64.rx.packets')
[ "$rx" -ge 4 ] && ok "lo counted the pings ($rx packets)" || not_ok "lo rx packets $rx"
is "-s: RX-PACKETS column" "$(hk -s link show lo | awk 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "RX-PACKETS") c = i} NR == 2 {print $c}')" "$rx"
is "without -s: no stats64" "$(hk -j link show lo | jq '.[0] | has("stats64")')" false

# -j is one line like ip -j; -p pretty
is "-j: one line" "$(hk -j link show lo | wc -l)" 1
[ "$(hk -j -p link show lo | wc -l)" -gt 5 ] && ok "-p: pretty" || not_ok "-p: $(hk -j -p link show lo)"
is "-p: the same JSON" "$(hk -j -p link show lo | jq -c .)" "$(hk -j link show lo | jq -c .)"

# a peer in another namespace: its name as ip's link-netns
is "PEER of p0 names the peer's namespace" "$(hk link show p0 | awk 'NR == 2 {print $8}')" "if$(ip -n "$b" -j link show p1 | jq '.[0].ifindex')@$b"
is "link_netns in JSON" "$(hk -j link show p0 | jq -r '.[0].link_netns')" "$b"
ip -n "$a" link show p0 | grep -q "link-netns $b" && ok "ip says link-netns $b too" ||
	not_ok "ip: $(ip -n "$a" link show p0)"

# -d: vxlan's lower device by name, as ip -d -j; the DETAILS column
is "info_data.link by name (ip -d -j)" "$(hk -j link show vx0 | jq -r '.[0].linkinfo.info_data.link')" \
	"$(ip -n "$a" -d -j link show vx0 | jq -r '.[0].linkinfo.info_data.link')"
hk -d link show vx0 | grep -q "id 42 .*dev v0" && ok "-d: DETAILS" || not_ok "-d: $(hk -d link show vx0)"
hk link show vx0 | grep -q "DETAILS" && not_ok "DETAILS without -d" || ok "no DETAILS without -d"

# `link add NAME type KIND help`: the kind's arguments (from the docs' kind table), nothing made
before=$(ip -j link | jq -c '[.[].ifname]')
for k in veth bridge tun tap macvlan macvtap vxlan vlan ipvlan dummy; do
	out=$("$HAKO" link add hx0 type "$k" help 2>&1)
	rc=$?
	[ $rc = 0 ] && echo "$out" | grep -q "^Usage: hako .*link add NAME .* type $k\b" && ok "type $k help" ||
		not_ok "type $k help: rc=$rc $out"
done
echo "$("$HAKO" link add hx0 type veth help)" | grep -q "peer \[name\] PEER" && ok "veth help names the peer" ||
	not_ok "veth help"
is "help made nothing" "$(ip -j link | jq -c '[.[].ifname]')" "$before"
check_fail "help of an unknown kind" 2 "unknown kind 'bogus'" "$HAKO" link add hx0 type bogus help

# ip -j's keys qdisc, linkmode, broadcast, and -d's counts and limits (promiscuity, min_mtu,
# num_tx_queues, gso_max_size, ...) hold ip's values; a promiscuous device counts 1
ip -n "$a" link set v1 promisc on
for o in "" "-d"; do
	# shellcheck disable=SC2086
	hk -j $o link show | jq "map(del(.linkinfo))" >"$HAKO_TEST_TMP/h.json"
	# shellcheck disable=SC2086
	ip -n "$a" -j $o link show | jq "map(del(.linkinfo))" >"$HAKO_TEST_TMP/i.json"
	check "hako -j $o link show: ip -j $o's values for the keys both have (linkinfo left out)" \
		python3 "$HAKO_SRC/tests/lib/jsondiff.py" shared "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json"
done
is "-d -j: the keys ip -d -j has (but inet6_addr_gen_mode)" \
	"$(hk -d -j link show v1 | jq -c '.[0] | keys - ["linkinfo", "link"] | sort')" \
	"$(ip -n "$a" -d -j link show v1 | jq -c '.[0] | keys - ["linkinfo", "link", "inet6_addr_gen_mode"] | sort')"
is "-d -j: promiscuity 1 on v1, as ip" "$(hk -d -j link show v1 | jq '.[0].promiscuity')" 1
is "without -d: no promiscuity key (as ip)" "$(hk -j link show v1 | jq '.[0] | has("promiscuity")')" false
ip -n "$a" link set v1 promisc off

# link show's selectors as ip link show's: up, nomaster, master BR, group G, combined
ip -n "$a" link add sb0 type bridge
ip -n "$a" link set v1 master sb0
ip -n "$a" link set p0 group 7
# ip -j leaves an empty object for each device a selector left out: the names only
names() { jq -c '[.[] | select(.ifname) | .ifname]'; }
for sel in "up" "nomaster" "master sb0" "group 7" "group default" "up nomaster" "type veth up" \
	"group 7 up" "dev v0 up" "p0 up"; do
	# shellcheck disable=SC2086
	is "link show $sel (ip -j link show)" "$(hk -j link show $sel | names)" \
		"$(ip -n "$a" -j link show $sel | names)"
	# shellcheck disable=SC2086
	is "-br link show $sel (ip -br)" "$(hk -br link show $sel)" "$(ip -n "$a" -br link show $sel)"
done
