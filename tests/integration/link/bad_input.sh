#!/bin/bash
# Bad input: the right exit status, one line on stderr, and nothing created (ip -j link
# is identical before and after).
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
ip netns add "b$s"
on_exit ip netns del "b$s"
ip link add base0 type veth peer name base1
snap() { ip -j link | jq -c '[.[] | {ifname, mtu, flags: (.flags - ["LOWER_UP", "NO-CARRIER", "M-DOWN"]), master}]'; ip -n "b$s" -j link | jq -c '[.[].ifname]'; }
before=$(snap)
check_fail "16-byte name" 2 "name" "$HAKO" link add abcdefghijklmnop type bridge
check_fail "name with /" 2 "name" "$HAKO" link add a/b type bridge
check_fail "name with a space" 2 "name" "$HAKO" link add "a b" type bridge
check_fail "16-byte peer name" 2 "peer name" "$HAKO" link add ok0 type veth peer name abcdefghijklmnop
check_fail "unknown kind" 2 "unknown link kind 'wormhole'" "$HAKO" link add ok0 type wormhole
check_fail "missing type" 2 "missing 'type KIND'" "$HAKO" link add ok0
check_fail "unknown verb" 2 "unknown verb" "$HAKO" link frob
check_fail "nonexistent master" 5 "master 'nobr' does not exist" "$HAKO" link add ok0 master nobr type veth peer name ok1
check_fail "nonexistent netns" 5 "nons" "$HAKO" link add ok0 netns nons type bridge
check_fail "nonexistent peer netns" 5 "nons" "$HAKO" link add ok0 type veth peer name ok1 netns nons
check_fail "nonexistent -n netns" 5 "nons" "$HAKO" -n nons link add ok0 type bridge
check_fail "nonexistent lower device" 5 "lower device 'nodev' does not exist" "$HAKO" link add ok0 type macvlan link nodev
check_fail "set on a missing device" 5 "device 'nodev' does not exist" "$HAKO" link set nodev up
check_fail "del of a missing device" 5 "device 'nodev' does not exist" "$HAKO" link del nodev
check_fail "show of a missing device" 5 "device 'nodev' does not exist" "$HAKO" link show nodev
check_fail "set with nothing to change" 2 "nothing to change" "$HAKO" link set base0
check_fail "set to a bad new name" 2 "name" "$HAKO" link set base0 name abcdefghijklmnop
check_fail "bad mtu" 2 "mtu" "$HAKO" link set base0 mtu 12
check_fail "bad mac" 2 "" "$HAKO" link set base0 address 02:00:zz:00:00:01
check_fail "master and netns together" 2 "cannot be combined" "$HAKO" link set base0 master x netns "b$s"
check_fail "set netns to a missing namespace" 5 "nons" "$HAKO" link set base0 netns nons
check_fail "same name as an existing device" 1 "already exists" "$HAKO" link add base0 type bridge
is "nothing changed (ip -j link before/after)" "$(snap)" "$before"
