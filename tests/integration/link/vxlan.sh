#!/bin/bash
# vxlan: id, remote, local, dstport, dev, ttl checked with ip -d -j.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add und0 type veth peer name und1
ip addr add 10.77.0.1/24 dev und0
check "vxlan with remote/local/dstport/dev/ttl" \
	"$HAKO" link add vx0 type vxlan id 42 remote 10.77.0.2 local 10.77.0.1 dstport 4789 dev und0 ttl 16
d=$(ip -d -j link show vx0 | jq -c '.[0].linkinfo.info_data')
is "id" "$(jq .id <<<"$d")" 42
is "remote" "$(jq -r .remote <<<"$d")" 10.77.0.2
is "local" "$(jq -r .local <<<"$d")" 10.77.0.1
is "dstport" "$(jq .port <<<"$d")" 4789
is "ttl" "$(jq .ttl <<<"$d")" 16
is "dev" "$(jq -r .link <<<"$d")" und0
h=$("$HAKO" -j link show vx0 | jq -c '.[0].linkinfo.info_data')
is "hako show: id remote port" "$(jq -r '"\(.id) \(.remote) \(.port)"' <<<"$h")" "42 10.77.0.2 4789"
check "vxlan with a multicast group" "$HAKO" link add vx1 type vxlan id 43 group 239.1.1.1 dev und0 dstport 4790
is "group" "$(ip -d -j link show vx1 | jq -r '.[0].linkinfo.info_data.group')" 239.1.1.1
check "vxlan over IPv6" "$HAKO" link add vx2 type vxlan id 44 remote fd00::2 dstport 4791
is "remote6" "$(ip -d -j link show vx2 | jq -r '.[0].linkinfo.info_data.remote6 // .[0].linkinfo.info_data.remote')" fd00::2
check_fail "vxlan without id" 2 "missing 'id N'" "$HAKO" link add vx3 type vxlan remote 10.0.0.1
check_fail "vxlan on a missing dev" 5 "dev 'nodev' does not exist" "$HAKO" link add vx3 type vxlan id 5 dev nodev
