#!/bin/bash
# hako-cni's portMappings capability: a published port reaches the "container" (a network
# namespace running busybox httpd) from the host on 127.0.0.1 and on the bridge's address;
# a second attachment asking for the same host port is refused and leaves nothing; DEL
# removes the port's nft rules; with the network removed the ruleset is as before.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
BB=$(command -v busybox) || { skip "portMappings" "no busybox for httpd and wget"; exit 0; }
before=$(nft -s list ruleset)

PM=', "capabilities": {"portMappings": true}, "runtimeConfig": {"portMappings": [{"hostPort": 18080, "containerPort": 80, "protocol": "tcp"}]}'
C=$(conf pnet 10.233.0.0/24 "$PM")
mkns p1
mkns p2
mkdir -p "$HAKO_TEST_TMP/www"
echo p1 >"$HAKO_TEST_TMP/www/index.html"
r1=$(cni ADD pc1 eth0 /run/netns/p1 "$C")
is "ADD with a port mapping" "$?" 0
ip netns exec p1 "$BB" httpd -p 80 -h "$HAKO_TEST_TMP/www"
on_exit "ip netns pids p1 | xargs -r kill"
sleep 0.2
is "the host reaches it on 127.0.0.1:18080" "$(timeout 3 "$BB" wget -qO- http://127.0.0.1:18080/)" p1
is "... and on the bridge's address" "$(timeout 3 "$BB" wget -qO- http://10.233.0.1:18080/)" p1
id=$(nft -j list table inet hako | python3 -c 'import json,sys; print(sorted({r["rule"].get("comment","") for r in (x for x in json.load(sys.stdin)["nftables"] if "rule" in x) if r["rule"].get("comment","").startswith("hako:pnet:")})[0])')
[ -n "$id" ] && ok "its nft rules carry the attachment's tag ($id)" || not_ok "no tagged port rule"

out=$(cni ADD pc2 eth0 /run/netns/p2 "$C")
rc=$?
[ "$rc" -ne 0 ] && ok "a second attachment with the same host port is refused (exit $rc)" ||
	not_ok "same host port published twice"
echo "$out" | grep -q "18080" && ok "the error names the port" || not_ok "message: $out"
ip -n p2 link show eth0 >/dev/null 2>&1 && not_ok "nothing made for it" || ok "nothing made for it"

check "DEL" cni DEL pc1 eth0 /run/netns/p1 "$C"
nft list table inet hako 2>/dev/null | grep -q "$id" && not_ok "port rules removed" || ok "port rules removed"
[ -z "$(timeout 2 "$BB" wget -qO- http://127.0.0.1:18080/ 2>/dev/null)" ] && ok "the port no longer answers" ||
	not_ok "the port still answers"
check "the network goes" h network rm pnet
is "nft ruleset is back to what it was" "$(nft -s list ruleset)" "$before"
