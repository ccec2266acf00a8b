#!/bin/bash
# hako-cni with an IPv4 and an IPv6 range (ranges [[v4], [v6]]), as the reference bridge
# plugin does dual stack: the result lists both addresses (with the gateways), the namespace
# has both, the two namespaces reach each other over IPv6; and ten ADDs at once on one
# network get ten different addresses (hako's lock and SQLite's transaction), undone by ten
# DELs at once.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
if [ ! -e /proc/sys/net/ipv6 ]; then
	skip "IPv6" "the kernel has no IPv6"
	exit 0
fi
C=$(jmod "$(conf six 10.242.0.0/24)" 'c["ipam"]["ranges"].append([{"subnet": "fd42:6b6f::/64"}]); c["ipam"]["routes"].append({"dst": "::/0"})')
mkns s1
mkns s2
r1=$(cni ADD x1 eth0 /run/netns/s1 "$C")
r2=$(cni ADD x2 eth0 /run/netns/s2 "$C")
is "the result lists both families" "$(jget "$r1" '" ".join(i["address"] for i in j["ips"])')" \
	"10.242.0.2/24 fd42:6b6f::2/64"
is "... with the IPv6 gateway" "$(jget "$r1" 'j["ips"][1]["gateway"]')" fd42:6b6f::1
is "the namespace has the IPv6 address" \
	"$(ip -n s1 -j addr show eth0 | jget "$(cat)" '[a["local"] for a in j[0]["addr_info"] if a["family"]=="inet6" and a["scope"]=="global"][0]')" \
	fd42:6b6f::2
is "the IPv6 default route" "$(ip -n s1 -6 -j route show default | jget "$(cat)" 'j[0]["gateway"]')" fd42:6b6f::1
check "s1 reaches s2 over IPv6" ip netns exec s1 ping -6 -c1 -W3 fd42:6b6f::3
check "DEL s1" cni DEL x1 eth0 /run/netns/s1 "$C"
check "DEL s2" cni DEL x2 eth0 /run/netns/s2 "$C"

# ten at once
P=$(conf par 10.243.0.0/24)
for i in $(seq 10); do mkns q$i; done
for i in $(seq 10); do cni ADD p$i eth0 /run/netns/q$i "$P" >"$HAKO_TEST_TMP/p$i.json" & done
wait
addrs=$(for i in $(seq 10); do jget "$(cat "$HAKO_TEST_TMP/p$i.json")" 'j["ips"][0]["address"]'; done | sort -u | grep -c '^10\.243\.0\.')
is "ten concurrent ADDs: ten different addresses" "$addrs" 10
is "ten host veths" "$(ip -br link | grep -c '^hkn')" 10
for i in $(seq 10); do cni DEL p$i eth0 /run/netns/q$i "$P" & done
wait
is "ten concurrent DELs: nothing left" "$(ip -br link | grep -c '^hkn')" 0
is "... no lease" "$(sqlite3 "$HAKO_ROOT/state/hako.db" 'select count(*) from leases')" 0
