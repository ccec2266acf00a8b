#!/bin/bash
# sockdiag.c: listening TCP and bound UDP sockets of a namespace through NETLINK_SOCK_DIAG,
# with their owning process, checked against ss(8) from iproute2 as the oracle.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

ip netns add sd
on_exit ip netns del sd
nsx sd ip link set lo up
serve sd tcp 4711 || exit 1
pid=$(nsx sd ss -Htlpn 'sport = :4711' | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
serve sd udp 4712 || exit 1
upid=$(nsx sd ss -Hulpn 'sport = :4712' | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
serve sd tcp 4713 127.0.0.1 || exit 1
v4pid=$(nsx sd ss -Htlpn 'sport = :4713' | sed -n 's/.*pid=\([0-9]*\).*/\1/p')

out=$("$D" -N sd ss)
printf '%s\n' "$out" | diag
is "TCP listener listed with its pid and name" "$(echo "$out" | grep '^tcp LISTEN :: 4711 ')" \
	"tcp LISTEN :: 4711 $pid python3"
is "UDP socket listed with its pid" "$(echo "$out" | grep '^udp UNCONN :: 4712 ')" \
	"udp UNCONN :: 4712 $upid python3"
is "IPv4 listener on 127.0.0.1 listed" "$(echo "$out" | grep ' 4713 ')" \
	"tcp LISTEN 127.0.0.1 4713 $v4pid python3"
is "ss agrees: the pid is the server's" "$v4pid" "$(cat "$TMPD/pid.sd.tcp.4713")"
is "same count as ss -tuln" "$(echo "$out" | grep -c .)" "$(nsx sd ss -Htuln | grep -c .)"
is "the test's own namespace has none of them" "$("$D" ss | grep -c ' 471[123] ')" 0
inside=$(nsx sd "$D" ss | grep -c ' 471[123] ')
is "listing from inside the namespace gives the same" "$inside" 3
