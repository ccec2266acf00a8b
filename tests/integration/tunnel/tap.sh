#!/bin/bash
# Mode = tap (a hako extension, hako <-> hako only): Ethernet frames over TAP devices, one
# bridge on each host with the tap and a "machine" (namespace) on it; the two machines share
# one L2 segment across the tunnel (ARP, then ping), each bridge learns the far machine's
# address on its tap.
. "$HAKO_SRC/tests/integration/tunnel/common.inc"
hosts_init || { not_ok "set up hosts"; exit 1; }
for h in A B; do
	ip netns add m$h && on_exit ip netns del m$h
	ip -n $h link add br0 type bridge && ip -n $h link set br0 up
	ip -n $h link add eth0 netns m$h type veth peer name port0
	ip -n $h link set port0 master br0 && ip -n $h link set port0 up
	ip -n m$h link set eth0 up && ip -n m$h link set lo up
done
ip -n mA addr add 10.7.0.1/24 dev eth0
ip -n mB addr add 10.7.0.2/24 dev eth0
keypair a && keypair b
conf "$WORK/a.conf" "[Interface]" "PrivateKey = $(key a)" "ListenPort = 51820" "Mode = tap" \
	"[Peer]" "PublicKey = $(pub b)" "AllowedIPs = 0.0.0.0/0" "Endpoint = 192.0.2.2:51821"
conf "$WORK/b.conf" "[Interface]" "PrivateKey = $(key b)" "ListenPort = 51821" "Mode = tap" \
	"[Peer]" "PublicKey = $(pub a)" "AllowedIPs = 0.0.0.0/0"
# B first: A's tap sends frames of its own (IPv6 router solicitations) as soon as it is up,
# and its first initiation must find B listening (else the retry comes 5 s later)
check "tap tunnel up in B" "$HAKO" -n B tunnel up lb -c "$WORK/b.conf"
check "tap tunnel up in A" "$HAKO" -n A tunnel up la -c "$WORK/a.conf"
is "the device is a tap" "$(ip -n A -d -j link show la | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["link_type"], l["linkinfo"]["info_data"]["type"])')" "ether tap"
is "no routes for AllowedIPs in tap mode" "$(ip -n A -j route show dev la)" "[]"
ip -n A link set la master br0
ip -n B link set lb master br0
check "machine A pings machine B across the tunnel (one L2 segment)" nsx mA ping -c 3 -i 0.2 -W 3 10.7.0.2
macB=$(ip -n mB -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
is "bridge in A learnt machine B's MAC on the tap" "$(bridge -n A -j fdb show br br0 | python3 -c 'import json,sys; print([f["ifname"] for f in json.load(sys.stdin) if f.get("mac") == "'"$macB"'"])')" "['la']"
is "an IPv6 link-local ping works too (multicast neighbour discovery)" \
	"$(nsx mA ping -6 -c 1 -w 10 "$(ip -n mB -j addr show eth0 | python3 -c 'import json,sys; print([a["local"] for a in json.load(sys.stdin)[0]["addr_info"] if a["family"]=="inet6"][0])')%eth0" >/dev/null 2>&1 && echo ok)" "ok"
