#!/bin/bash
# ipMasq: with true, what a container sends to an upstream host leaves with the host's
# address; with false (the reference plugin's default) it keeps the container's own, which
# the upstream routes back; the nft ruleset has the masquerade rule for the first network
# only. A network recorded with one setting refuses a configuration with the other.
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
check "DEL a1" cni DEL a1 eth0 /run/netns/m1 "$M"
check "DEL a2" cni DEL a2 eth0 /run/netns/m2 "$N"
check "rm the networks" h network rm mq nomq
