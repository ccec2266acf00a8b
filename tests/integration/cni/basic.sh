#!/bin/bash
# hako-cni, called as a runtime calls a CNI plugin: ADD two "containers" (network
# namespaces) to one network, they ping each other over the bridge; the result names the
# interfaces and the address that ip shows; CHECK passes, and fails (with the spec's error
# object) once the address is removed by hand; DEL undoes everything and a second DEL (and a
# DEL of what was never added) succeeds; VERSION lists the spec versions; STATUS answers.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"

C=$(conf n1 10.231.0.0/24)
mkns c1
mkns c2

out=$(cni VERSION "" "" "" '{"cniVersion": "1.0.0"}')
is "VERSION answers in the asked version" "$(jget "$out" 'j["cniVersion"]')" 1.0.0
is "VERSION lists 0.3.0 to 1.1.0" "$(jget "$out" '",".join(j["supportedVersions"])')" \
	0.3.0,0.3.1,0.4.0,1.0.0,1.1.0

r1=$(cni ADD ctr1 eth0 /run/netns/c1 "$C")
rc=$?
is "ADD c1 exits 0" "$rc" 0
r2=$(cni ADD ctr2 eth0 /run/netns/c2 "$C")
is "ADD c2 exits 0" "$?" 0
a1=$(jget "$r1" 'j["ips"][0]["address"]')
a2=$(jget "$r2" 'j["ips"][0]["address"]')
is "c1 got the first address" "$a1" 10.231.0.2/24
is "c2 got the next one" "$a2" 10.231.0.3/24
is "the result's gateway" "$(jget "$r1" 'j["ips"][0]["gateway"]')" 10.231.0.1
is "the result's cniVersion" "$(jget "$r1" 'j["cniVersion"]')" 1.1.0
is "interfaces: bridge, host veth, container" \
	"$(jget "$r1" '" ".join(i["name"] for i in j["interfaces"])')" \
	"cb-n1 $(jget "$r1" 'j["interfaces"][1]["name"]') eth0"
is "the container interface's sandbox" "$(jget "$r1" 'j["interfaces"][2]["sandbox"]')" /run/netns/c1
is "ips[0].interface points at it" "$(jget "$r1" 'j["ips"][0]["interface"]')" 2
is "ip shows the address in c1" \
	"$(ip -n c1 -j addr show eth0 | jget "$(cat)" '[a["local"]+"/"+str(a["prefixlen"]) for a in j[0]["addr_info"] if a["family"]=="inet"][0]')" \
	"$a1"
is "the MAC in the result is eth0's" "$(jget "$r1" 'j["interfaces"][2]["mac"]')" \
	"$(ip -n c1 -j link show eth0 | jget "$(cat)" 'j[0]["address"]')"
is "the default route via the gateway (ipam.routes)" \
	"$(ip -n c1 -j route show default | jget "$(cat)" 'j[0]["gateway"]')" 10.231.0.1
is "the host veth is on the bridge" \
	"$(ip -j link show "$(jget "$r1" 'j["interfaces"][1]["name"]')" | jget "$(cat)" 'j[0]["master"]')" cb-n1
check "c1 pings c2" ip netns exec c1 ping -c1 -W2 "${a2%/*}"
check "c2 pings c1" ip netns exec c2 ping -c1 -W2 "${a1%/*}"
check "c1 pings the gateway" ip netns exec c1 ping -c1 -W2 10.231.0.1
is "hako network ls shows the network" "$(h network ls | awk '$1 == "n1" {print $1}')" n1

prev1=$(printf '%s' "$C" | python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$r1")
out=$(cni CHECK ctr1 eth0 /run/netns/c1 "$prev1")
is "CHECK passes after ADD" "$?:$out" "0:"
ip -n c1 addr del "$a1" dev eth0
out=$(cni CHECK ctr1 eth0 /run/netns/c1 "$prev1")
rc=$?
[ "$rc" -ne 0 ] && ok "CHECK fails once the address is removed by hand (exit $rc)" ||
	not_ok "CHECK passed without the address"
is "its error object: code 999 (a failure with no well-known code)" "$(jget "$out" 'j["code"]')" 999
echo "$out" | grep -q "lost its address ${a1%/*}" && ok "the message says which address" ||
	not_ok "CHECK message: $out"
out=$(cni CHECK ctrX eth0 /run/netns/c1 "$prev1")
is "CHECK of an unknown container: code 3" "$(jget "$out" 'j["code"]')" 3

hostif=$(jget "$r1" 'j["interfaces"][1]["name"]')
check "DEL c1" cni DEL ctr1 eth0 /run/netns/c1 "$C"
ip link show "$hostif" >/dev/null 2>&1 && not_ok "the host veth is gone" || ok "the host veth is gone"
ip -n c1 link show eth0 >/dev/null 2>&1 && not_ok "eth0 is gone from c1" || ok "eth0 is gone from c1"
out=$(cni DEL ctr1 eth0 /run/netns/c1 "$C")
is "a second DEL succeeds and prints nothing" "$?:$out" "0:"
out=$(cni DEL never eth0 "" "$C")
is "a DEL of what was never added (no netns) succeeds" "$?:$out" "0:"
r3=$(cni ADD ctr3 eth0 /run/netns/c1 "$C")
is "the freed address is not handed out at once (sequential)" "$(jget "$r3" 'j["ips"][0]["address"]')" 10.231.0.4/24
check "DEL c3" cni DEL ctr3 eth0 /run/netns/c1 "$C"
check "DEL c2" cni DEL ctr2 eth0 /run/netns/c2 "$C"
is "no lease left" "$(h network inspect n1 | grep -c '"address"')" 0

# a static address: the "ips" capability, CNI_ARGS IP=, one outside the subnet
r=$(cni ADD st1 eth0 /run/netns/c1 "$(jmod "$C" 'c["runtimeConfig"] = {"ips": ["10.231.0.77/24"]}')")
is "runtimeConfig.ips gives a static address" "$(jget "$r" 'j["ips"][0]["address"]')" 10.231.0.77/24
r=$(CNI_ARGS="IgnoreUnknown=1;IP=10.231.0.78;K8S_POD_NAME=x" cni ADD st2 eth0 /run/netns/c2 "$C")
is "so does CNI_ARGS IP=" "$(jget "$r" 'j["ips"][0]["address"]')" 10.231.0.78/24
is "... the namespace has it" "$(ip -n c2 -4 -o addr show eth0 | awk '{print $4}')" 10.231.0.78/24
mkns c3
out=$(CNI_ARGS="IP=10.99.0.5" cni ADD st3 eth0 /run/netns/c3 "$C")
is "an address outside the subnet: code 7" "$(jget "$out" 'j["code"]')" 7
cni DEL st2 eth0 /run/netns/c2 "$C" >/dev/null
# DEL after the runtime removed the namespace: the host side and the lease go all the same
cni ADD gone eth0 /run/netns/c3 "$C" >/dev/null
is "(one more attachment)" "$(ip -br link | grep -c '^hkn')" 2
ip netns del c3
out=$(cni DEL gone eth0 /run/netns/c3 "$C")
is "DEL with the namespace gone succeeds" "$?:$out" "0:"
is "... and its host veth is gone (st1's stays)" "$(ip -br link | grep -c '^hkn')" 1
cni DEL st1 eth0 /run/netns/c1 "$C" >/dev/null
is "... nor lease" "$(h network inspect n1 | grep -c '"address"')" 0

# a CNI_NETNS path that is no namespace (the runtime's bind mount gone, the file left)
touch "$HAKO_TEST_TMP/stale"
out=$(cni ADD stale eth0 "$HAKO_TEST_TMP/stale" "$C")
is "ADD into a file that is no namespace: code 3" "$(jget "$out" 'j["code"]')" 3
echo "$out" | grep -q "is not a network namespace" && ok "... saying so" || not_ok "message: $out"
out=$(cni DEL stale eth0 "$HAKO_TEST_TMP/stale" "$C")
is "DEL with it succeeds" "$?:$out" "0:"

out=$(cni STATUS "" "" "" "$C")
is "STATUS: ready (exit 0, no output)" "$?:$out" "0:"
out=$(cni STATUS "" "" "" "${C/1.1.0/1.0.0}")
is "STATUS with cniVersion 1.0.0: code 1" "$(jget "$out" 'j["code"]')" 1

check "hako network rm removes the bridge and its rules" h network rm n1
ip link show cb-n1 >/dev/null 2>&1 && not_ok "bridge gone" || ok "bridge gone"
