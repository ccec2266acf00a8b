#!/bin/bash
# hako tuntap add|del|show against ip tuntap: the same devices made with ip tuntap in one
# namespace and hako tuntap in another give equal `ip -j -d link show` dumps (ifindex and
# addresses dropped); hako -j tuntap show agrees with ip -j tuntap show.
. "$HAKO_SRC/tests/lib/lib.sh"
if [ ! -c /dev/net/tun ]; then
	skip "tuntap" "no /dev/net/tun"
	exit 0
fi
S=$(uniq_suffix)
A=ttip$S B=tthk$S
for ns in "$A" "$B"; do
	ip netns add "$ns"
	on_exit ip netns del "$ns"
done
devs=("tp0 mode tap user 1000 group 100 multi_queue vnet_hdr" "tn0 mode tun pi" "tn1 mode tun user 0")
for d in "${devs[@]}"; do
	ip -n "$A" tuntap add $d
	check "tuntap add $d" "$HAKO" -n "$B" tuntap add $d
done
norm() {
	ip -n "$1" -d -j link show | python3 -c '
import json, sys
out = []
for d in json.load(sys.stdin):
    for k in ("address", "ifindex", "broadcast", "perm_address"):
        d.pop(k, None)
    out.append(d)
print(json.dumps(sorted(out, key=lambda d: d["ifname"]), sort_keys=True))'
}
is "ip -j -d link show: equal" "$(norm "$B")" "$(norm "$A")"
strip() { python3 -c '
import json, sys
print(json.dumps(sorted(json.load(sys.stdin), key=lambda d: d["ifname"]), sort_keys=True))'; }
is "hako -j tuntap show = ip -j tuntap show (filter with pi too)" \
	"$("$HAKO" -n "$B" -j tuntap show | strip)" "$(ip -n "$B" -j tuntap show | strip)"
is "tuntap ls" "$("$HAKO" -n "$B" tuntap ls | awk 'NR > 1 {print $1}' | sort | tr '\n' ' ')" "tn0 tn1 tp0 "
check_fail "tuntap add twice" 1 "already exists" "$HAKO" -n "$B" tuntap add tn0 mode tun
ip -n "$B" link add v0 type veth peer name v1
check_fail "tuntap del of a veth" 5 "no tun/tap device 'v0'" "$HAKO" -n "$B" tuntap del v0
check_fail "tuntap del with the wrong mode" 5 "no tap device 'tn0'" "$HAKO" -n "$B" tuntap del tn0 mode tap
check_fail "tuntap add without mode" 2 "missing 'mode tun\|tap'" "$HAKO" -n "$B" tuntap add tx0
check_fail "tuntap add bad mode" 2 "mode 'tup'" "$HAKO" -n "$B" tuntap add tx0 mode tup
ip -n "$A" tuntap del tp0 mode tap multi_queue
check "tuntap del tp0 mode tap" "$HAKO" -n "$B" tuntap del tp0 mode tap
ip -n "$A" tuntap del tn0 mode tun
check "tuntap del dev tn0" "$HAKO" -n "$B" tuntap del dev tn0
ip -n "$B" link del v0
is "after del: equal" "$(norm "$B")" "$(norm "$A")"
# no name: the kernel's MODE%d, as ip tuntap add mode tap names it (tap0, then tap1)
for m in tap tap tun; do
	ip -n "$A" tuntap add mode "$m"
	check "tuntap add mode $m (no name)" "$HAKO" -n "$B" tuntap add mode "$m"
done
is "the names ip gives" "$("$HAKO" -n "$B" -j tuntap show | jq -c '[.[].ifname] | sort')" \
	"$(ip -n "$A" -j tuntap show | jq -c '[.[].ifname] | sort')"
is "unnamed: equal dumps" "$(norm "$B")" "$(norm "$A")"
