#!/bin/bash
# hako route add|del|replace|show|get: IPv4 and IPv6, default via, host route, metric,
# table, replace; bad input changes nothing; an empty namespace shows nothing.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
on_exit "ip netns del r$s; ip link del hr0"
have_kind veth || { skip "route tests" "the kernel has no veth"; exit 0; }

# An empty namespace: no routes, not an error.
ip netns add r$s
out=$("$HAKO" -n r$s route show 2>&1); rc=$?
is "empty namespace: route show exits 0" "$rc" "0"
is "empty namespace: route show prints nothing" "$out" ""
is "empty namespace: -j route show is []" "$("$HAKO" -n r$s -j route show | tr -d ' \n')" "[]"

ip link add hr0 type veth peer name hr1
ip link set hr0 up; ip link set hr1 up
ip addr add 10.40.0.1/24 dev hr0
ip addr add 2001:db8:40::1/64 dev hr0 nodad

# routes [ARGS]: "dst gateway dev metric" per route, sorted, from ip -j route
routes() {
	ip -j "$@" | python3 -c '
import json, sys
r = [" ".join(str(x.get(k, "-")) for k in ("dst", "gateway", "dev", "metric")) for x in json.load(sys.stdin)
     if x.get("protocol") != "kernel"]
print(",".join(sorted(r)))'
}

check "default via GW" "$HAKO" route add default via 10.40.0.254
is "default route (ip -j route)" "$(routes route show)" "default 10.40.0.254 hr0 -"
check "host /32 route" "$HAKO" route add 10.41.0.7/32 dev hr0
check "route with metric" "$HAKO" route add 10.42.0.0/16 via 10.40.0.2 metric 50
check "route in table 100" "$HAKO" route add 10.43.0.0/16 via 10.40.0.3 table 100
check "IPv6 default via" "$HAKO" route add default via 2001:db8:40::fe
is "main table (ip -j route)" "$(routes route show)" "10.41.0.7 - hr0 -,10.42.0.0/16 10.40.0.2 hr0 50,default 10.40.0.254 hr0 -"
is "table 100 (ip -j route)" "$(routes route show table 100)" "10.43.0.0/16 10.40.0.3 hr0 -"
is "IPv6 (ip -j -6 route)" "$(routes -6 route show)" "default 2001:db8:40::fe hr0 1024"
is "host route scope link (ip -j)" "$(ip -j route show 10.41.0.7 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["scope"])')" "link"

# hako's own view
got=$("$HAKO" -j route show table 100 | python3 -c '
import json, sys
for x in json.load(sys.stdin):
    print(x["dst"], x["gateway"], x["dev"], x["protocol"], x["scope"], x["table"], x["type"], x["family"])')
is "hako -j route show table 100" "$got" "10.43.0.0/16 10.40.0.3 hr0 boot global 100 unicast inet"
is "hako route show: 3 IPv4 non-kernel routes" "$("$HAKO" route show -4 | grep -c boot)" "3"
is "hako route list table all includes table 100" "$("$HAKO" route list table all | grep -c '^10.43.0.0/16 ')" "1"
is "hako route show dev hr1: nothing" "$("$HAKO" route show dev hr1 -4)" ""
is "route get via the default" "$("$HAKO" -j route get 10.99.1.1 | python3 -c 'import json,sys; x=json.load(sys.stdin)[0]; print(x["gateway"], x["dev"])')" "10.40.0.254 hr0"
is "route get matches ip route get" "$("$HAKO" -j route get 10.42.1.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["gateway"])')" \
	"$(ip -j route get 10.42.1.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["gateway"])')"

# replace
check "replace changes the gateway" "$HAKO" route replace 10.42.0.0/16 via 10.40.0.9 metric 50
check "replace creates when absent" "$HAKO" route replace 10.44.0.0/16 via 10.40.0.9
is "after replace (ip -j route)" "$(routes route show)" "10.41.0.7 - hr0 -,10.42.0.0/16 10.40.0.9 hr0 50,10.44.0.0/16 10.40.0.9 hr0 -,default 10.40.0.254 hr0 -"

# failures and bad input: nothing changes
# Routes the kernel adds by itself (link-local, local and multicast routes appearing when
# linkwatch marks a link usable, a moment after `up`) are not ours: compare the others.
user_routes() { ip -j -"$1" route show table all | jq -c 'map(select(.protocol != "kernel"))'; }
before4=$(user_routes 4); before6=$(user_routes 6)
check_fail "duplicate: File exists" 1 "File exists" "$HAKO" route add 10.41.0.7/32 dev hr0
check_fail "unreachable gateway" 1 "route add 10.45.0.0/16 via 10.99.9.9 dev hr0: .*Network is unreachable" "$HAKO" route add 10.45.0.0/16 via 10.99.9.9 dev hr0
check_fail "bad prefix /33" 2 "prefix length" "$HAKO" route add 10.45.0.0/33 dev hr0
check_fail "gateway not an address" 2 "via: 'gw1' is not a valid" "$HAKO" route add default via gw1
check_fail "mixed families" 2 "does not match" "$HAKO" route add 10.45.0.0/16 via 2001:db8:40::fe
check_fail "nonexistent device" 5 "device 'eth9' does not exist" "$HAKO" route add 10.45.0.0/16 dev eth9
check_fail "unknown keyword" 2 "unknown keyword 'frob'" "$HAKO" route add 10.45.0.0/16 dev hr0 frob
check_fail "host bits set" 2 "did you mean 10.45.0.0/16" "$HAKO" route add 10.45.0.1/16 dev hr0
check_fail "bad metric" 2 "metric" "$HAKO" route add 10.45.0.0/16 dev hr0 metric -1
check_fail "get with no address" 2 "one address" "$HAKO" route get
is "failures changed nothing (ip -j route, v4)" "$(user_routes 4)" "$before4"
is "failures changed nothing (ip -j route, v6)" "$(user_routes 6)" "$before6"

# del
check "del with metric" "$HAKO" route del 10.42.0.0/16 metric 50
check "del from table 100" "$HAKO" route del 10.43.0.0/16 table 100
check "del default" "$HAKO" route del default via 10.40.0.254
check "del IPv6 default" "$HAKO" route delete default via 2001:db8:40::fe
is "after del (ip -j route)" "$(routes route show)" "10.41.0.7 - hr0 -,10.44.0.0/16 10.40.0.9 hr0 -"
is "table 100 empty (ip -j route)" "$(routes route show table 100)" ""
check_fail "del of an absent route" 5 "route del 10.42.0.0/16" "$HAKO" route del 10.42.0.0/16

# batch: route add after addr add of the same line set; --atomic rollback removes both
cat >"$HAKO_TEST_TMP/b.txt" <<B
-n r$s addr add 127.0.0.1/8 dev lo
addr add 10.50.0.1/24 dev hr0
route add 10.51.0.0/16 via 10.50.0.2
route add 10.52.0.0/16 via 10.50.0.2 table 100
route add 10.41.0.7/32 dev hr0
B
check_fail "atomic batch fails on the duplicate route" 1 "line 5: .*File exists" "$HAKO" -b "$HAKO_TEST_TMP/b.txt" --atomic
is "rolled back: routes (ip -j route)" "$(routes route show)" "10.41.0.7 - hr0 -,10.44.0.0/16 10.40.0.9 hr0 -"
is "rolled back: table 100" "$(routes route show table 100)" ""
is "rolled back: address" "$(ip -j addr show dev hr0 | grep -c 10.50.0.1)" "0"
