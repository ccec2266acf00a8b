#!/bin/bash
# Dual-stack bridge network: --ipv6 --subnet CIDR6 gives every container an IPv6 address and
# default route too; containers reach each other over IPv6 by name.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/network/common.inc"

needs_kinds "ipv6 networks" veth bridge
sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
check "dual-stack network" h network create --subnet 10.210.4.0/24 --ipv6 \
	--subnet fd68:616b:6f00:4::/64 d
check_fail "IPv6 subnet without --ipv6" 2 "needs --ipv6" \
	h network create --subnet fd68:616b:6f00:5::/64 e
web w6a d
web w6b d
is "IPv6 address" "$(h exec w6a -- ip -6 -o addr show eth0 scope global | awk '{print $4}')" \
	fd68:616b:6f00:4::2/64
is "IPv6 default route" "$(h exec w6a -- ip -6 route | awk '/^default/ {print $3}')" \
	fd68:616b:6f00:4::1
h exec w6a -- grep -q "^fd68:616b:6f00:4::3	w6b" /etc/hosts && ok "hosts lists the IPv6 address" ||
	not_ok "hosts: $(h exec w6a -- cat /etc/hosts)"
is "fetch over IPv6" "$(fetch w6a 'http://[fd68:616b:6f00:4::3]/')" w6b
h rm -f w6a w6b >/dev/null
check "removed" h network rm d
