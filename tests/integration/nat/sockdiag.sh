#!/bin/bash
# `hako ss -t -u -p CT` (sockdiag.c): listening TCP and bound UDP sockets of a container's
# network namespace through NETLINK_SOCK_DIAG, with their owning process, checked against
# ss(8) from iproute2 run in the same namespace (/run/netns/CT) as the oracle.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/nat/topology.inc"

# sdct NAME SERVER...: a container with a namespace of its own (no network) running them
sdct() {
	local name=$1 cmd= s
	shift
	for s in "$@"; do cmd+="python3 /peer.py serve $s & "; done
	h run -d --name "$name" "${HOST_USR[@]}" --rootfs "$RU" -- sh -c "${cmd}exec sleep 1000000" >/dev/null ||
		return 1
	on_exit h rm -f "$name"
	local i
	for i in $(seq 100); do
		[ "$(h logs "$name" 2>/dev/null | grep -c ready)" = $# ] && return 0
		sleep 0.05
	done
	return 1
}
sdct sd "tcp 4711" "udp 4712" "tcp 4713 127.0.0.1" || { not_ok "container sd runs its servers"; exit 1; }
sdct quiet || { not_ok "container quiet runs"; exit 1; }
spid() { nsx sd ss -H"$1"lpn "sport = :$2" | sed -n 's/.*pid=\([0-9]*\).*/\1/p'; }
pid=$(spid t 4711)
upid=$(spid u 4712)
v4pid=$(spid t 4713)

out=$(h ss -t -u -p sd)
printf '%s\n' "$out" | diag
# PROTO STATE ADDR PORT PROCESS of the line for PORT
line() { echo "$out" | awk -v p="$1" '$6 == p {print $1, $2, $5, $6, $7}'; }
is "TCP listener listed with its pid and name" "$(line 4711)" "tcp LISTEN :: 4711 users:(\"python3\",pid=$pid,fd=3)"
is "UDP socket listed with its pid" "$(line 4712)" "udp UNCONN :: 4712 users:(\"python3\",pid=$upid,fd=3)"
is "IPv4 listener on 127.0.0.1 listed" "$(line 4713)" "tcp LISTEN 127.0.0.1 4713 users:(\"python3\",pid=$v4pid,fd=3)"
is "ss agrees: the pid is the container's server" \
	"$(cat /proc/"$v4pid"/comm) $([ "$(readlink /proc/"$v4pid"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] && echo in-its-pid-ns)" \
	"python3 in-its-pid-ns"
is "same count as ss -tuln" "$(echo "$out" | tail -n +2 | grep -c .)" "$(nsx sd ss -Htuln | grep -c .)"
is "-t alone: TCP only" "$(h ss -t sd | tail -n +2 | awk '{print $1}' | sort -u)" tcp
is "another container's listing has none of them" "$(h ss -t -u -p quiet | grep -c ' 471[123] ')" 0
check_fail "an unknown container" 5 "nope" h ss nope
