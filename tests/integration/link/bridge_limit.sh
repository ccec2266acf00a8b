#!/bin/bash
# The kernel's limit of 1023 ports per bridge (BR_MAX_PORTS 1024, port 0 reserved): the
# 1024th port is refused with a message naming the limit, and nothing is left behind.
. "$HAKO_SRC/tests/lib/lib.sh"
check "bridge" "$HAKO" link add br0 type bridge
for i in $(seq 1 1023); do echo "link add p$i master br0 type veth peer name q$i"; done >"$HAKO_TEST_TMP/ports"
check "1023 ports in one batch" "$HAKO" -b "$HAKO_TEST_TMP/ports"
is "1023 ports" "$(ip -j link show master br0 | jq length)" 1023
check_fail "the 1024th port is refused" 1 "at most 1023 ports per bridge" \
	"$HAKO" link add p1024 master br0 type veth peer name q1024
is "no half-made veth" "$(ip link show q1024 >/dev/null 2>&1 && echo present || echo absent)" absent
ip link add x0 type veth peer name x1
check_fail "enslaving an existing device is refused too" 1 "at most 1023 ports" "$HAKO" link set x0 master br0
is "x0 has no master" "$(ip -j link show x0 | jq -r '.[0].master // "none"')" none
