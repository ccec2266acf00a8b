#!/bin/bash
# link set: up/down, mtu, address, name, master/nomaster, netns; show filters and JSON;
# batch mode (-b --atomic) puts every changed link back exactly.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
ip netns add "s$s"
on_exit ip netns del "s$s"
ip link add v0 type veth peer name v1
ip link add br0 type bridge
check "set up, mtu, address" "$HAKO" link set v0 up mtu 1300 address 02:00:00:00:00:0a
is "applied" "$(ip -j link show v0 | jq -r '.[0] | "\(.mtu) \(.address) \(.flags | index("UP") != null)"')" "1300 02:00:00:00:00:0a true"
check "rename" "$HAKO" link set v0 name w0
is "renamed" "$(ip -j link show w0 | jq -r '.[0].ifname')" w0
check "down" "$HAKO" link set w0 down
is "down" "$(ip -j link show w0 | jq -r '.[0].flags | index("UP") != null')" false
check "move to a namespace" "$HAKO" link set v1 netns "s$s"
is "v1 in s$s" "$(ip -n "s$s" -j link show v1 | jq -r '.[0].ifname')" v1
is "w0's peer is now in another namespace" "$("$HAKO" -j link show w0 | jq '.[0] | has("link_netnsid")')" true

# show: table columns and filters
out=$("$HAKO" link show)
is "table header" "$(head -1 <<<"$out" | tr -s ' ')" "INDEX NAME KIND STATE MTU MAC MASTER PEER FLAGS"
is "show type bridge" "$("$HAKO" -j link show type bridge | jq -r '[.[].ifname] | join(",")')" br0
is "list alias" "$("$HAKO" -j link list w0 | jq -r '.[0].ifname')" w0
is "JSON keys" "$("$HAKO" -j link show w0 | jq -r '.[0] | keys | sort | join(",")')" \
	"address,broadcast,flags,group,ifindex,ifname,link_index,link_netns,link_netnsid,link_type,linkinfo,linkmode,mtu,operstate,qdisc,txqlen"

# batch: an atomic batch that fails on its last line is undone, link set included
ip link add b0 type veth peer name b1
ip link set b0 up mtu 1450
ip link set b0 master br0
want=$(ip -j link | jq -c '[.[] | {ifname, mtu, address, flags, master}]')
want_ns=$(ip -n "s$s" -j link | jq -c '[.[].ifname]')
printf '%s\n' \
	"link add n0 type veth peer name n1" \
	"link set b0 down mtu 1280 nomaster name c0 address 02:00:00:00:00:0b" \
	"link set b1 netns s$s" \
	"link set c0 up" \
	"link add t0 type tap" \
	"link set n0 name n9" \
	"link add br0 type bridge" >"$HAKO_TEST_TMP/batch"
check_fail "atomic batch fails on line 7" 1 "line 7" "$HAKO" -b "$HAKO_TEST_TMP/batch" --atomic
is "every link back as it was" "$(ip -j link | jq -c '[.[] | {ifname, mtu, address, flags, master}]')" "$want"
is "nothing left in s$s" "$(ip -n "s$s" -j link | jq -c '[.[].ifname]')" "$want_ns"

# the same without --atomic: lines before the failure stay
printf '%s\n' "link add k0 type veth peer name k1" "link set k0 mtu 1400 netns s$s" "link add k0 type bridge" "link set w0 mtu 99999999" >"$HAKO_TEST_TMP/batch2"
check_fail "plain batch stops at line 4" 1 "line 4" "$HAKO" -b "$HAKO_TEST_TMP/batch2"
is "k0 moved and kept" "$(ip -n "s$s" -j link show k0 | jq -r '.[0].mtu')" 1400
is "the bridge k0 of line 3 kept" "$(ip -j -d link show k0 | jq -r '.[0].linkinfo.info_kind')" bridge
