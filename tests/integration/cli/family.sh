#!/bin/bash
# The global -4/-6/-0 before the group, as ip: hako -4 addr show lists what ip -4 addr shows;
# a family after the verb wins; -0 shows link-layer addresses (addr) or is refused where
# nothing is link-layer; ls and lst are
# list wherever list is a verb or alias (route ls, addr lst, link ls, netns lst ...).
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add f0 type veth peer name f1
ip link set f0 addrgenmode none up
ip link set f1 addrgenmode none up # no link-local: no DAD flag changing between two snapshots
ip addr add 10.61.0.1/24 dev f0
ip addr add 2001:db8:61::1/64 dev f0 nodad
addrs() { python3 -c '
import json, sys
print(sorted((a["local"], a["prefixlen"]) for d in json.load(sys.stdin) for a in d.get("addr_info", [d]) if "local" in a))'; }
is "hako -4 addr show = ip -4 addr show" "$("$HAKO" -j -4 addr show dev f0 | addrs)" "$(ip -j -4 addr show dev f0 | addrs)"
is "hako -6 addr show = ip -6 addr show" "$("$HAKO" -j -6 addr show dev f0 | addrs)" "$(ip -j -6 addr show dev f0 | addrs)"
is "hako addr show: both" "$("$HAKO" -j addr show dev f0 | addrs)" "$(ip -j addr show dev f0 | addrs)"
is "-4 before the group, -6 after the verb: the verb's wins" "$("$HAKO" -j -4 addr show dev f0 -6 | addrs)" "$(ip -j -6 addr show dev f0 | addrs)"
fams() { python3 -c 'import json,sys; print(sorted({d["family"] for d in json.load(sys.stdin)}))'; }
is "hako -6 route show: IPv6 only" "$("$HAKO" -j -6 route show | fams)" "['inet6']"
is "hako -4 route show: IPv4 only" "$("$HAKO" -j -4 route show | fams)" "['inet']"
is "hako -4 neigh show" "$("$HAKO" -j -4 neigh show nud all | python3 -c 'import json,sys; print(all(":" not in d["dst"] for d in json.load(sys.stdin)))')" True
check_fail "-0 route show" 2 "-0 \(link layer\)" "$HAKO" -0 route show
# -0 addr show: each device's link-layer address, as ip -0 addr lists them
is "-0 addr show dev f0: its MAC, as ip -0 addr" "$("$HAKO" -j -0 addr show dev f0 | jq -r '.[] | "\(.family) \(.local)"')" \
	"link $(ip -0 -j addr show dev f0 | jq -r '.[0].address')"
is "-0 addr show: every device with one, as ip" "$("$HAKO" -j -0 addr show | jq -r '[.[].ifname] | sort | join(",")')" \
	"$(ip -0 -j addr show | jq -r '[.[] | select(.address != null and .address != "") | .ifname] | sort | join(",")')"
"$HAKO" -0 addr show dev f0 | grep -q "^f0 *link *link/ether " && ok "-0 addr show: link/ether in the table" ||
	not_ok "-0 table: $("$HAKO" -0 addr show dev f0)"
check_fail "-5 is not an option" 2 "unknown option '-5'" "$HAKO" -5 addr show
for c in "route ls" "route lst" "addr ls" "addr lst" "link ls" "link lst" "neigh ls" "rule lst" "netns ls" "tuntap lst"; do
	set -- $c
	is "$c = $1 list" "$("$HAKO" -j $c)" "$("$HAKO" -j $1 list)"
done
check_fail "no prefix matching: route sh" 2 "unknown verb 'sh'" "$HAKO" route sh
