#!/bin/bash
# macvlan networks: a container gets a macvlan child of --parent, created in its namespace as
# eth0, and reaches the upstream host directly on the parent's network, without a bridge and
# without NAT (the upstream sees the container's own address).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

have_macvlan() {
	ip link add mvprobe0 type veth peer name mvprobe1 2>/dev/null || return 1
	ip link add mvprobe2 link mvprobe0 type macvlan 2>/dev/null
	local r=$?
	ip link del mvprobe0 2>/dev/null
	return $r
}
if ! have_macvlan; then
	skip "macvlan networks" "kernel lacks veth or macvlan"
	exit 0
fi
up_init || { not_ok "upstream topology"; exit 1; }
up_httpd || { not_ok "upstream httpd"; exit 1; }
before=$(nft -s list ruleset)
check "macvlan network on the uplink" h network create --driver macvlan --parent uplink \
	--subnet 198.51.100.0/24 --gateway 198.51.100.2 --ip-range 198.51.100.128/25 lan
h run -d --name m1 --network lan --rootfs "$R" -- sleep 100 >/dev/null
is "eth0 is a macvlan" "$(ip netns exec m1 ip -d -o link show eth0 | grep -o 'macvlan mode bridge')" \
	"macvlan mode bridge"
is "address from the ip-range" "$(h exec m1 -- ip -4 -o addr show eth0 | awk '{print $4}')" \
	198.51.100.128/24
is "upstream reached directly, sees the container's own address" \
	"$(fetch m1 http://198.51.100.2/cgi-bin/ip)" 198.51.100.128
is "no bridge on the host" "$(ip -o link show type bridge | wc -l)" 0
is "no nft rules for a macvlan network" "$(nft -s list ruleset)" "$before"
check "container removed" h rm -f m1
check "network removed" h network rm lan
is "uplink untouched, no macvlan left" "$(ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')" \
	"lo uplink@if2 "
