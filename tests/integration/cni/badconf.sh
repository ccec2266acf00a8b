#!/bin/bash
# hako-cni refuses bad input before it changes anything: the spec's error object on stdout
# (code, and a msg naming the field's path and the reason), exit 2 (4 codes: 1, 2, 4, 6, 7),
# nothing on stderr, and no bridge, network, lease, interface or nft table made. A good
# configuration is the positive control.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
mkns b1
before=$(nft -s list ruleset)

# bad DESC CODE PATTERN CONF [CMD NETNS IFNAME]
bad() {
	local desc=$1 code=$2 pat=$3 c=$4 cmd=${5:-ADD} ns=${6-/run/netns/b1} ifn=${7:-eth0}
	local out err rc
	err=$(cni "$cmd" bad1 "$ifn" "$ns" "$c" 2>&1 >"$HAKO_TEST_TMP/out")
	rc=$?
	out=$(cat "$HAKO_TEST_TMP/out")
	local got msg
	got=$(jget "$out" 'j["code"]')
	msg=$(jget "$out" 'j["msg"]')
	if [ "$rc" = "${8:-2}" ] && [ "$got" = "$code" ] && [ -z "$err" ] && echo "$msg" | grep -Eq -- "$pat"; then
		ok "$desc: code $code, exit $rc"
	else
		not_ok "$desc"
		printf '%s\n' "exit $rc, stdout: $out" "stderr: $err" "want code $code, msg ~ $pat" | diag
	fi
}

G=$(conf bnet 10.234.0.0/24)
bad "not JSON" 6 "not JSON at byte" '{"cniVersion": "1.1.0", "name": '
bad "not an object" 6 "expected a JSON object" '[1, 2]'
bad "an unknown cniVersion" 1 "cniVersion: '9.9.9' is not supported" "${G/1.1.0/9.9.9}"
bad "no name" 7 "^name: missing" '{"cniVersion": "1.1.0", "type": "hako-cni", "ipam": {"type": "host-local", "subnet": "10.234.0.0/24"}}'
bad "a subnet with /33" 7 "ipam.ranges\[0\]\[0\].subnet: '10.234.0.0/33' is not an address/length" "${G/\/24/\/33}"
bad "a subnet with host bits" 7 "ipam.ranges\[0\]\[0\].subnet: '10.234.0.9/24' has host bits set" "${G/10.234.0.0/10.234.0.9}"
bad "mtu as a string" 7 "^mtu: expected a number" "${G/\"ipMasq\"/\"mtu\": \"1500\", \"ipMasq\"}"
bad "mtu too small" 7 "^mtu: 20 is below 68" "${G/\"ipMasq\"/\"mtu\": 20, \"ipMasq\"}"
bad "a bridge name too long" 7 "^bridge: " "${G/cb-bnet/a-bridge-name-far-too-long}"
bad "promiscMode" 2 "^promiscMode: not supported" "${G/\"ipMasq\"/\"promiscMode\": true, \"ipMasq\"}"
bad "vlan" 2 "^vlan: not supported" "${G/\"ipMasq\"/\"vlan\": 5, \"ipMasq\"}"
bad "two IPv4 ranges" 2 "ipam.ranges\[1\]\[0\]: a second IPv4 range" \
	"$(jmod "$G" 'c["ipam"]["ranges"].append([{"subnet": "10.235.0.0/24"}])')"
bad "two ranges in one set" 2 "ipam.ranges\[0\]: more than one range in a set" \
	"$(jmod "$G" 'c["ipam"]["ranges"][0].append({"subnet": "10.235.0.0/24"})')"
bad "a range that is no CIDR block" 2 "rangeStart..rangeEnd must bound one CIDR block" \
	"${G/\"10.234.0.0\/24\"\}/\"10.234.0.0/24\", \"rangeStart\": \"10.234.0.10\", \"rangeEnd\": \"10.234.0.20\"\}}"
bad "a gateway outside the subnet" 7 "ipam.ranges\[0\]\[0\].gateway: 10.9.9.1 is outside" \
	"${G/\"10.234.0.0\/24\"\}/\"10.234.0.0/24\", \"gateway\": \"10.9.9.1\"\}}"
bad "a route that is no CIDR" 7 "ipam.routes\[0\].dst: 'default' is not an address/length" "${G/0.0.0.0\/0/default}"
bad "no ipam" 7 "^ipam: missing" '{"cniVersion": "1.1.0", "name": "bnet", "type": "hako-cni"}'
bad "a port without containerPort" 7 "runtimeConfig.portMappings\[0\]: hostPort and containerPort" \
	"$(conf bnet 10.234.0.0/24 ', "runtimeConfig": {"portMappings": [{"hostPort": 8080}]}')"
bad "an sctp port" 2 "runtimeConfig.portMappings\[0\].protocol: 'sctp'" \
	"$(conf bnet 10.234.0.0/24 ', "runtimeConfig": {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "sctp"}]}')"
bad "no CNI_NETNS on ADD" 4 "^CNI_NETNS: missing" "$G" ADD ""
bad "a CNI_NETNS that does not exist" 3 "^CNI_NETNS '/run/netns/nope'" "$G" ADD /run/netns/nope eth0 5
bad "a CNI_IFNAME too long" 4 "^CNI_IFNAME: " "$G" ADD /run/netns/b1 eth0-much-too-long
bad "an unknown CNI_COMMAND" 4 "^CNI_COMMAND: 'FROB'" "$G" FROB
bad "CHECK without prevResult" 7 "^prevResult: missing" "$G" CHECK
bad "GC with cniVersion 1.0.0" 1 "GC: needs cniVersion 1.1.0" "${G/1.1.0/1.0.0}" GC

ip link show cb-bnet >/dev/null 2>&1 && not_ok "no bridge was made" || ok "no bridge was made"
h network ls | grep -q bnet && not_ok "no network was recorded" || ok "no network was recorded"
is "no interface in the namespace" "$(ip -n b1 -br link | wc -l)" 1
is "nft ruleset unchanged" "$(nft -s list ruleset)" "$before"

r=$(cni ADD good eth0 /run/netns/b1 "$G")
is "positive control: the good configuration is added" "$?:$(jget "$r" 'j["ips"][0]["address"]')" 0:10.234.0.2/24
check "... and deleted" cni DEL good eth0 /run/netns/b1 "$G"
check "... and its network removed" h network rm bnet
