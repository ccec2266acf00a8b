#!/bin/bash
# lab save writes runtime changes back: after `lab link set ... down`, `... rate 10mbit`,
# `... rate none` and `lab node stop`, the saved file deployed under another name has the
# same devices up and down, the same root qdiscs and rates (ip -j, tc -j) and the same
# nodes stopped; saving that lab again gives the same file; an unchanged lab saves its file
# byte for byte.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
. "$HAKO_SRC/tests/integration/container/common.inc" # $R: a busybox rootfs; h with $ROOT
if ! unshare --net sh -c 'ip link set lo up; tc qdisc add dev lo root tbf rate 1mbit burst 4k latency 50ms' 2>/dev/null; then
	skip "lab save" "this kernel has no tbf qdisc"
	exit 0
fi
h lab ls >/dev/null
before=$(snapshot)
f=$(lab_file sv <<EOF2
# a comment, kept while nothing changes
name: sv
topology:
  defaults: {kind: netns}
  nodes:
    r1:
      interfaces:
        eth1: {ipv4: 10.61.0.1/24}
        eth2: {ipv4: 10.61.2.1/24}
      sysctls: {net.ipv4.ip_forward: 1}
      routes: ["10.61.1.0/24 via 10.61.0.2"]
    r2:
      interfaces:
        eth1: {ipv4: 10.61.0.2/24}
        eth2: {ipv4: 10.61.1.2/24}
      routes: ["10.61.2.0/24 via 10.61.0.1"]
      sysctls: {net.ipv4.ip_forward: 1}
    r3:
      interfaces:
        eth1: {ipv4: 10.61.1.3/24}
      routes: ["default via 10.61.1.2"]
    c: {kind: linux, rootfs: $R, cmd: sleep 2147483647}
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
    - endpoints: ["r2:eth2", "r3:eth1"]
      rate: 20mbit
    - endpoints: ["c:eth1", "r1:eth2"]
EOF2
)
check "deploy sv" h lab deploy -q "$f"
is "an unchanged lab saves its file byte for byte" "$(h lab save sv | md5sum)" "$(md5sum <"$f")"
check "link set sv r1:eth1 down" h lab link set sv r1:eth1 down
check "link set sv r2:eth1 rate 10mbit" h lab link set sv r2:eth1 rate 10mbit
check "link set sv r3:eth1 rate none" h lab link set sv r3:eth1 rate none
check "node stop sv c" h lab node stop sv c
saved=$HAKO_TEST_TMP/saved.yml
check "lab save sv" sh -c "'$HAKO' --root '$ROOT' lab save sv >'$saved'"
sed -i 's/^name: sv$/name: sw/' "$saved"
check "deploy the saved file as sw" h lab deploy -q "$saved"
# state LAB NODE IF: "UP|DOWN qdisc-kind rate" from ip -j and tc -j
state() {
	local up q
	up=$(ip -n "$1-$2" -j link show dev "$3" | jq -r '.[0].flags | if index(["UP"]) then "UP" else "DOWN" end')
	q=$(tc -n "$1-$2" -j qdisc show dev "$3" root | jq -r '.[0] | "\(.kind) \(.options.rate // "-")"')
	echo "$up $q"
}
for ep in r1:eth1 r1:eth2 r2:eth1 r2:eth2 r3:eth1 c:eth1; do
	n=${ep%%:*} i=${ep#*:}
	is "$ep: the same in sw as in sv ($(state sv "$n" "$i"))" "$(state sw "$n" "$i")" "$(state sv "$n" "$i")"
done
is "sv r1:eth1 is down" "$(state sv r1 eth1 | cut -d' ' -f1)" DOWN
is "sv r2:eth1 has tbf at 10 Mbit/s" "$(state sv r2 eth1 | cut -d' ' -f2-)" "tbf 1250000"
is "sv r2:eth2 keeps the file's 20 Mbit/s" "$(state sv r2 eth2 | cut -d' ' -f2-)" "tbf 2500000"
is "sv r3:eth1 has no tbf" "$(state sv r3 eth1 | cut -d' ' -f2)" noqueue
nstate() { h -j lab inspect "$1" | jq -r '[.[] | select(.node == "c")][0].state'; }
is "node c stopped in sv" "$(nstate sv)" stopped
is "node c stopped in sw" "$(nstate sw)" stopped
is "routes: r1's routes through its down eth1 are gone in both" \
	"$(ip -n sw-r1 -j route show dev eth1 | jq length) $(ip -n sv-r1 -j route show dev eth1 | jq length)" "0 0"
is "saving sw gives the same file" "$(h lab save sw)" "$(cat "$saved")"
check "node start sw c" h lab node start sw c
is "node c running in sw after start" "$(nstate sw)" running
check "link set sw r1:eth1 up" h lab link set sw r1:eth1 up
is "sw r1's route from the file is back with eth1 up" "$(ip -n sw-r1 -j route show 10.61.1.0/24 | jq -r '.[0].gateway')" 10.61.0.2
check "r3 reaches c's router through r2 and r1 in sw" ip netns exec sw-r3 ping -c 1 -W 2 10.61.2.1
f2=$(lab_file bad <<EOF2
name: bad
topology:
  nodes:
    a: {kind: netns, interfaces: {eth1: {state: sideways}}}
    b: {kind: netns}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
EOF2
)
check_fail "interface state other than up or down: exit 2" 2 "bad.yml:4:49: interface 'eth1': state: expected up or down" \
	h lab deploy "$f2"
check "destroy sv" h lab destroy sv
check "destroy sw" h lab destroy sw
as_before "after destroy, as before"
