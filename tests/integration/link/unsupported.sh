#!/bin/bash
# vlan, ipvlan, dummy: verified where the kernel has them; otherwise exit 3 with
# "the kernel has no <kind> support" and nothing created.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add low0 type veth peer name low1
before=$(ip -j link | jq -c '[.[].ifname]')
try() { # KIND NAME ARGS... : ORACLE-JQ WANT
	local kind=$1 name=$2 q=$3 want=$4
	shift 4
	if have_kind "$kind"; then
		check "$kind created" "$HAKO" link add "$name" type "$kind" "$@"
		is "$kind verified with ip -d" "$(ip -d -j link show "$name" | jq -r "$q")" "$want"
		ip link del "$name"
	else
		check_fail "$kind: exit 3, says the kernel lacks it" 3 "the kernel has no $kind support" \
			"$HAKO" link add "$name" type "$kind" "$@"
		skip "$kind verified with ip -d" "the kernel has no $kind support (have_kind)"
	fi
}
try vlan vl0 '.[0].linkinfo.info_data | "\(.id) \(.protocol)"' "10 802.1ad" link low0 id 10 protocol 802.1ad
try ipvlan iv0 '.[0].linkinfo.info_data.mode' l3 link low0 mode l3
try dummy dm0 '.[0].linkinfo.info_kind' dummy
is "nothing created" "$(ip -j link | jq -c '[.[].ifname]')" "$before"
