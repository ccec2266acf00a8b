#!/bin/bash
# ipMasq and isGateway. ipMasq: with true, what a container sends to an upstream host leaves with the host's
# address; with false (the reference plugin's default) it keeps the container's own, which
# the upstream routes back; the nft ruleset has the masquerade rule for the first network
# only. isGateway false: the bridge has no address, the gateway is still not handed out,
# containers on it reach each other. A network recorded with one setting refuses a
# configuration with the other.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
up_init || { not_ok "upstream topology"; exit 1; }
up_httpd || { not_ok "upstream httpd"; exit 1; }
nsx up ip route add 10.245.2.0/24 via 198.51.100.1 # the route back for the unmasqueraded net

M=$(conf mq 10.245.1.0/24)
N=$(jmod "$(conf nomq 10.245.2.0/24)" 'del c["ipMasq"]')
mkns m1
mkns m2
cni ADD a1 eth0 /run/netns/m1 "$M" >/dev/null || not_ok "ADD ipMasq true"
cni ADD a2 eth0 /run/netns/m2 "$N" >/dev/null || not_ok "ADD without ipMasq"
is "ipMasq true: the upstream sees the host's address" \
	"$(ip netns exec m1 timeout 3 "$BB" wget -qO- http://198.51.100.2/cgi-bin/ip)" 198.51.100.1
is "ipMasq absent (false): the upstream sees the container's" \
	"$(ip netns exec m2 timeout 3 "$BB" wget -qO- http://198.51.100.2/cgi-bin/ip)" 10.245.2.2
rules=$(nft list table inet hako)
echo "$rules" | grep -q "ip saddr 10.245.1.0/24 oifname != \"cb-mq\" masquerade" &&
	ok "a masquerade rule for the first" || not_ok "masquerade rule for mq"
echo "$rules" | grep -q "ip saddr 10.245.2.0/24 oifname != \"cb-nomq\" masquerade" &&
	not_ok "a masquerade rule for the second" || ok "none for the second"
out=$(cni ADD a3 eth0 /run/netns/m2 "$(jmod "$N" 'c["ipMasq"] = True')")
is "the recorded network refuses ipMasq true: code 7" "$(jget "$out" 'j["code"]')" 7
echo "$out" | grep -q "has ipMasq false, the configuration says true" && ok "saying why" ||
	not_ok "message: $out"
G=$(jmod "$(conf nogw 10.245.3.0/24)" 'c["isGateway"] = False')
mkns g1
mkns g2
r1=$(cni ADD b1 eth0 /run/netns/g1 "$G")
r2=$(cni ADD b2 eth0 /run/netns/g2 "$G")
is "isGateway false: the bridge has no IPv4 address" \
	"$(ip -4 -j addr show cb-nogw | jget "$(cat)" 'len(j[0]["addr_info"]) if j else 0')" 0
is "... the gateway is not handed out" "$(jget "$r1" 'j["ips"][0]["address"]')" 10.245.3.2/24
check "... the containers reach each other" ip netns exec g1 ping -c1 -W2 10.245.3.3
out=$(cni ADD b3 eth0 /run/netns/m1 "$(jmod "$G" 'c["isGateway"] = True')")
echo "$out" | grep -q "has isGateway false, the configuration says true" &&
	ok "the recorded network refuses isGateway true" || not_ok "message: $out"
cni DEL b1 eth0 /run/netns/g1 "$G" >/dev/null
cni DEL b2 eth0 /run/netns/g2 "$G" >/dev/null
check "DEL a1" cni DEL a1 eth0 /run/netns/m1 "$M"
check "DEL a2" cni DEL a2 eth0 /run/netns/m2 "$N"
check "rm the networks" h network rm mq nomq nogw
