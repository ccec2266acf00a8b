#!/bin/bash
# hako-cni driven by cnitool (libcni, from the containernetworking/cni source of the version
# Debian ships, 1.1.2; built outside the repository: CNITOOL=path/to/cnitool, else skipped)
# with a conflist naming it: add two namespaces, they ping each other, a published port
# (CAP_ARGS portMappings) answers on 127.0.0.1, check passes and fails once the address is
# removed by hand, del (twice) cleans up. cnitool 1.1.2 has no gc or status (they came with
# spec 1.1): raw calls test those (basic.sh, gc.sh).
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"
if [ ! -x "${CNITOOL:-}" ]; then
	skip "cnitool" "CNITOOL is not set to a cnitool binary (build it outside the repository)"
	exit 0
fi
BB=$(command -v busybox) || { skip "cnitool" "no busybox for httpd and wget"; exit 0; }
export NETCONFPATH=$HAKO_TEST_TMP/net.d CNI_PATH=$CNIBIN
mkdir -p "$NETCONFPATH" "$HAKO_TEST_TMP/cache"
mount -t tmpfs cni-cache /var/lib/cni 2>/dev/null || { mkdir -p /var/lib/cni && mount -t tmpfs cni-cache /var/lib/cni; }
on_exit umount /var/lib/cni
cat >"$NETCONFPATH/10-tool.conflist" <<'JSON'
{"cniVersion": "1.0.0", "name": "toolnet",
 "plugins": [{"type": "hako-cni", "bridge": "cb-tool", "isGateway": true, "ipMasq": true,
              "capabilities": {"portMappings": true},
              "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.241.0.0/24"}]],
                       "routes": [{"dst": "0.0.0.0/0"}]}}]}
JSON
mkns t1
mkns t2
r1=$(CAP_ARGS='{"portMappings": [{"hostPort": 18081, "containerPort": 80, "protocol": "tcp"}]}' \
	"$CNITOOL" add toolnet /run/netns/t1)
is "cnitool add t1" "$?" 0
r2=$("$CNITOOL" add toolnet /run/netns/t2)
is "cnitool add t2" "$?" 0
a1=$(jget "$r1" 'j["ips"][0]["address"]')
a2=$(jget "$r2" 'j["ips"][0]["address"]')
is "addresses in order" "$a1 $a2" "10.241.0.2/24 10.241.0.3/24"
check "t1 pings t2" ip netns exec t1 ping -c1 -W2 "${a2%/*}"
mkdir -p "$HAKO_TEST_TMP/www"
echo t1 >"$HAKO_TEST_TMP/www/index.html"
ip netns exec t1 "$BB" httpd -p 80 -h "$HAKO_TEST_TMP/www"
on_exit "ip netns pids t1 | xargs -r kill"
sleep 0.2
is "the published port answers on 127.0.0.1" "$(timeout 3 "$BB" wget -qO- http://127.0.0.1:18081/)" t1
check "cnitool check t1" "$CNITOOL" check toolnet /run/netns/t1
ip -n t1 addr del "$a1" dev eth0
out=$("$CNITOOL" check toolnet /run/netns/t1 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "lost its address" && ok "cnitool check fails once the address is removed" ||
	not_ok "cnitool check: $out"
check "cnitool del t1" "$CNITOOL" del toolnet /run/netns/t1
check "cnitool del t1 again" "$CNITOOL" del toolnet /run/netns/t1
check "cnitool del t2" "$CNITOOL" del toolnet /run/netns/t2
is "no attachment left" "$(ip -br link | grep -c '^hkn')" 0
[ -z "$(timeout 2 "$BB" wget -qO- http://127.0.0.1:18081/ 2>/dev/null)" ] && ok "the port is gone" || not_ok "the port still answers"
check "the network goes" h network rm toolnet
