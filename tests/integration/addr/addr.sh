#!/bin/bash
# hako addr add|del|show|flush: IPv4 and IPv6, options, bad input changes nothing, batch.
. "$HAKO_SRC/tests/lib/lib.sh"
on_exit "ip link del ha0"
have_kind veth || { skip "addr tests" "the kernel has no veth"; exit 0; }
ip link add ha0 type veth peer name ha1
ip link set ha0 up; ip link set ha1 up

# addrs DEV: sorted "family local/prefixlen" list from ip -j (link-local v6 left out)
addrs() {
	ip -j addr show dev "$1" | python3 -c '
import json, sys
r = [a["family"] + " " + a["local"] + "/" + str(a["prefixlen"]) for l in json.load(sys.stdin)
     for a in l["addr_info"] if not a["local"].startswith("fe80")]
print(",".join(sorted(r)))'
}
addr_field() { # DEV LOCAL KEY
	ip -j addr show dev "$1" | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    for a in l["addr_info"]:
        if a["local"] == sys.argv[1]: print(a.get(sys.argv[2], "-"))' "$2" "$3"
}

check "add IPv4" "$HAKO" addr add 10.20.0.1/24 dev ha0
check "add IPv4 secondary with broadcast + and label" "$HAKO" addr add 10.20.0.9/24 dev ha0 broadcast + label ha0:x
is "broadcast + computed (ip -j)" "$(addr_field ha0 10.20.0.9 broadcast)" "10.20.0.255"
is "label set (ip -j)" "$(addr_field ha0 10.20.0.9 label)" "ha0:x"
check "add IPv6 nodad" "$HAKO" addr add 2001:db8:20::1/64 dev ha0 nodad
is "IPv6 nodad flag (ip -j)" "$(addr_field ha0 2001:db8:20::1 nodad)" "True"
is "IPv6 usable at once (not tentative)" "$(addr_field ha0 2001:db8:20::1 tentative)" "-"
check "add with scope link and noprefixroute" "$HAKO" addr add 10.21.0.1/24 dev ha0 scope link noprefixroute
is "scope link (ip -j)" "$(addr_field ha0 10.21.0.1 scope)" "link"
is "no prefix route for noprefixroute" "$(ip -j route show 10.21.0.0/24 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "0"
is "all addresses present" "$(addrs ha0)" "inet 10.20.0.1/24,inet 10.20.0.9/24,inet 10.21.0.1/24,inet6 2001:db8:20::1/64"

# hako's view: -j keys
got=$("$HAKO" -j addr show dev ha0 | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a["local"] == "10.20.0.9":
        print(a["ifname"], a["family"], a["cidr"], a["prefixlen"], a["scope"], a["broadcast"], a["label"], "secondary" in a["flags"])')
is "hako -j addr keys" "$got" "ha0 inet 10.20.0.9/24 24 global 10.20.0.255 ha0:x True"
is "hako addr list (alias) shows 4 rows + header" "$("$HAKO" addr list dev ha0 | grep -vc fe80)" "5"

# duplicates and bad input: nothing changes
# The kernel clears "tentative" on link-local addresses by itself (DAD finishing): not ours.
addr_state() { ip -j addr show | jq -c 'map(.addr_info |= map(del(.tentative, .dadfailed)))'; }
before=$(addr_state)
check_fail "duplicate: File exists" 1 "addr add 10.20.0.1/24 dev ha0: .*File exists" "$HAKO" addr add 10.20.0.1/24 dev ha0
check_fail "bad CIDR /33" 2 "10.0.0.1/33" "$HAKO" addr add 10.0.0.1/33 dev ha0
check_fail "bad IPv6 /129" 2 "prefix length" "$HAKO" addr add 2001:db8::1/129 dev ha0
check_fail "not an address" 2 "not a valid address" "$HAKO" addr add 10.0.0.300/24 dev ha0
check_fail "nonexistent device" 5 "addr add 10.0.0.1/24 dev eth9: device 'eth9' does not exist" "$HAKO" addr add 10.0.0.1/24 dev eth9
check_fail "unknown keyword" 2 "unknown keyword 'frob'" "$HAKO" addr add 10.0.0.1/24 dev ha0 frob
check_fail "missing dev" 2 "missing 'dev DEV'" "$HAKO" addr add 10.0.0.1/24
check_fail "name too long" 2 "" "$HAKO" addr add 10.0.0.1/24 dev abcdefghijklmnopq
check_fail "nonexistent netns" 5 "" "$HAKO" -n nosuchns addr add 10.0.0.1/24 dev ha0
is "bad input changed nothing (ip -j addr)" "$(addr_state)" "$before"

# del
check "del IPv4 secondary" "$HAKO" addr del 10.20.0.9/24 dev ha0
check "del IPv6" "$HAKO" addr delete 2001:db8:20::1/64 dev ha0
is "deleted (ip -j)" "$(addrs ha0)" "inet 10.20.0.1/24,inet 10.21.0.1/24"
check_fail "del of an absent address fails" 1 "addr del 10.20.0.9/24 dev ha0: " "$HAKO" addr del 10.20.0.9/24 dev ha0

# flush (primaries and secondaries)
ip addr add 10.20.0.2/24 dev ha0
check "flush dev" "$HAKO" addr flush dev ha0
is "flushed (ip -j)" "$(addrs ha0)" ""
check_fail "flush without dev" 2 "missing 'dev DEV'" "$HAKO" addr flush

# batch: adds queued; a failing line leaves nothing of the lines after it
printf '%s\n' "addr add 10.30.0.1/24 dev ha0" "addr add 10.30.0.2/24 dev ha0" "addr add 2001:db8:30::1/64 dev ha0 nodad" \
	>"$HAKO_TEST_TMP/ok.txt"
check "batch of addr add" "$HAKO" -b "$HAKO_TEST_TMP/ok.txt"
is "batch added all (ip -j)" "$(addrs ha0)" "inet 10.30.0.1/24,inet 10.30.0.2/24,inet6 2001:db8:30::1/64"
printf '%s\n' "addr add 10.31.0.1/24 dev ha0" "addr add 10.30.0.1/24 dev ha0" "addr add 10.31.0.3/24 dev ha0" \
	>"$HAKO_TEST_TMP/atomic.txt"
check_fail "atomic batch fails on the duplicate" 1 "line 2: .*File exists" "$HAKO" -b "$HAKO_TEST_TMP/atomic.txt" --atomic
is "atomic batch rolled back (ip -j)" "$(addrs ha0)" "inet 10.30.0.1/24,inet 10.30.0.2/24,inet6 2001:db8:30::1/64"
