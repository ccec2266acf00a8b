#!/bin/bash
# The seed tutorial: two namespaces and a veth pair made with ip, the addresses added with
# `hako -n NS addr add`, checked with `ip -j addr` and ping.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
on_exit "ip netns del ns01$s; ip netns del ns02$s"
have_kind veth || { skip "seed tutorial" "the kernel has no veth"; exit 0; }

ip netns add ns01$s && ip netns add ns02$s
ip link add ns01-veth0 type veth peer name ns02-veth0
ip link set ns01-veth0 netns ns01$s
ip link set ns02-veth0 netns ns02$s

check "hako addr add 192.168.0.1/24 in ns01" "$HAKO" -n ns01$s addr add 192.168.0.1/24 dev ns01-veth0
check "hako addr add 192.168.0.2/24 in ns02" "$HAKO" -n ns02$s addr add 192.168.0.2/24 dev ns02-veth0
ip -n ns01$s link set ns01-veth0 up
ip -n ns02$s link set ns02-veth0 up

local_of() { # NS DEV: "local/prefixlen" of the inet addresses, from ip -j
	ip -n "$1" -j addr show dev "$2" | python3 -c '
import json, sys
print(" ".join(a["local"] + "/" + str(a["prefixlen"]) for l in json.load(sys.stdin)
      for a in l["addr_info"] if a["family"] == "inet"))'
}
is "ip -j addr sees 192.168.0.1/24" "$(local_of ns01$s ns01-veth0)" "192.168.0.1/24"
is "ip -j addr sees 192.168.0.2/24" "$(local_of ns02$s ns02-veth0)" "192.168.0.2/24"
check "ns01 pings 192.168.0.2" ip netns exec ns01$s ping -c 1 -W 1 192.168.0.2
check "ns02 pings 192.168.0.1" ip netns exec ns02$s ping -c 1 -W 1 192.168.0.1

# hako's own view agrees with ip's
got=$("$HAKO" -n ns01$s -j addr show dev ns01-veth0 | python3 -c '
import json, sys
print(" ".join(a["local"] + "/" + str(a["prefixlen"]) + ":" + a["ifname"] + ":" + a["scope"]
      for a in json.load(sys.stdin) if a["family"] == "inet"))')
is "hako -j addr show matches" "$got" "192.168.0.1/24:ns01-veth0:global"
out=$("$HAKO" -n ns01$s addr show ns01-veth0)
if printf '%s\n' "$out" | grep -Eq '^ns01-veth0 +inet +192\.168\.0\.1/24 +global'; then ok "human table row"
else not_ok "human table row"; printf '%s\n' "$out" | diag; fi
