#!/bin/bash
# Bridge networks end to end: two containers on one network fetch each other's page by name
# and alias; a container on another network cannot reach them; a published port answers on
# 127.0.0.1 and on the host's own address, from an upstream host too, and the container sees
# the upstream client's real address; containers reach the upstream masqueraded; an
# --internal network has no way out; /etc/hosts follows connect/disconnect/rm; the
# container's resolv.conf names the embedded resolver only; nft list ruleset is back to its
# original state after everything is removed.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

needs_kinds "bridge networks" veth bridge
needs_nft "bridge networks"
up_init || { not_ok "upstream topology"; exit 1; }
up_httpd || { not_ok "upstream httpd"; exit 1; }
before=$(nft -s list ruleset)

# resolv.conf: a systemd-resolved-like host (loopback only) and no upstream list
printf 'nameserver 127.0.0.53\noptions edns0\nsearch example.test\n' >"$HAKO_TEST_TMP/resolv"
mount --bind "$HAKO_TEST_TMP/resolv" /etc/resolv.conf
on_exit umount /etc/resolv.conf

out=$(h network create --subnet 10.210.1.0/24 a 2>&1)
echo "$out" | grep -q "enabled IPv4 forwarding" && ok "forwarding enabled and said so" ||
	not_ok "forwarding message: $out"
is "ip_forward is on" "$(cat /proc/sys/net/ipv4/ip_forward)" 1
out=$(h network create --subnet 10.210.2.0/24 b 2>&1)
echo "$out" | grep -q forwarding && not_ok "said only once: $out" || ok "forwarding said only once"
check "internal network" h network create --internal --subnet 10.210.3.0/24 in

web web1 a -p 8080:80 2>"$HAKO_TEST_TMP/web1.err"
# the embedded resolver forwards from the host's side: a loopback-only host is no problem
grep -q "no nameserver" "$HAKO_TEST_TMP/web1.err" && not_ok "resolver warning: $(cat "$HAKO_TEST_TMP/web1.err")" ||
	ok "no warning for a loopback-only resolver (the embedded one forwards to it)"
web web2 a --network-alias www2
web other b
web inner in
sleep 0.3

is "web1 fetches web2 by name" "$(fetch web1 http://web2/)" web2
is "web2 fetches web1 by name" "$(fetch web2 http://web1/)" web1
is "web1 fetches web2 by alias" "$(fetch web1 http://www2/)" web2
ip1=$(h network inspect a | sed -n 's/.*"address": "\(10\.210\.1\.[0-9]*\)".*/\1/p' | head -1)
is "web1 has the first address" "$ip1" 10.210.1.2
is "eth0 in the container carries it" \
	"$(h exec web1 -- ip -4 -o addr show eth0 | awk '{print $4}')" 10.210.1.2/24
is "default route via the gateway" "$(h exec web1 -- ip route | awk '/^default/ {print $3}')" \
	10.210.1.1
[ -z "$(fetch other http://10.210.1.2/)" ] && ok "a container on another network cannot reach them" ||
	not_ok "network isolation"
[ -z "$(fetch other http://web1/)" ] && ok "nor by name" || not_ok "name isolation"

is "host reaches the published port on 127.0.0.1" "$(timeout 3 $BB wget -qO- http://127.0.0.1:8080/)" web1
is "host reaches it on its own address" "$(timeout 3 $BB wget -qO- http://198.51.100.1:8080/)" web1
is "upstream reaches it" "$(nsx up timeout 3 $BB wget -qO- http://198.51.100.1:8080/)" web1
is "the container sees the upstream client's real address" \
	"$(nsx up timeout 3 $BB wget -qO- http://198.51.100.1:8080/cgi-bin/ip)" 198.51.100.2
is "upstream sees masqueraded traffic from a container" \
	"$(fetch web1 http://198.51.100.2/cgi-bin/ip)" 198.51.100.1
[ -z "$(fetch inner http://198.51.100.2/)" ] && ok "an --internal network cannot reach the upstream" ||
	not_ok "internal network reached the upstream"
is "hako port" "$(h port web1 | awk 'NR==2 {print $1, $2, $4}')" "80 tcp 8080"
h ss -tp web1 | grep -q 'LISTEN.* 80 .*httpd' && ok "hako ss shows httpd listening on 80" ||
	not_ok "hako ss: $(h ss -tp web1)"

is "the container's only nameserver is the embedded resolver" \
	"$(h exec web1 -- grep nameserver /etc/resolv.conf)" "nameserver 127.0.0.11"
is "search line kept" "$(h exec web1 -- grep search /etc/resolv.conf)" "search example.test"

# connect / disconnect
check "connect other to a with an alias" h network connect --alias oth a other
is "other got eth1" "$(h exec other -- ip -4 -o addr show eth1 | awk '{print $4}' | cut -d. -f1-3)" 10.210.1
is "web1 fetches other by alias now" "$(fetch web1 http://oth/)" other
check "disconnect" h network disconnect a other
h exec web1 -- grep -q oth /etc/hosts && not_ok "hosts updated on disconnect" ||
	ok "hosts updated on disconnect"
h exec other -- ip link show eth1 >/dev/null 2>&1 && not_ok "eth1 gone" || ok "eth1 gone"
check "rm web2" h rm -f web2
h exec web1 -- grep -q web2 /etc/hosts && not_ok "hosts updated on rm" || ok "hosts updated on rm"

check "everything removed" h rm -f web1 other inner
check "networks removed" h network rm a b in
is "nft list ruleset back to its original state" "$(nft -s list ruleset)" "$before"
is "no bridge or veth left" "$(ip -o link show | grep -c 'hk')" 0
