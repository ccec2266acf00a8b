#!/bin/bash
# Route types, multipath and route get, differentially against ip: the same routes made with
# ip in one namespace and with hako in another give equal `ip -j -d route show` dumps (all
# tables, both families); hako -j route show / route get agree with ip -j key by key.
. "$HAKO_SRC/tests/lib/lib.sh"
S=$(uniq_suffix)
A=rtip$S B=rthk$S
J="python3 $HAKO_SRC/tests/lib/jsondiff.py"
for ns in "$A" "$B"; do
	ip netns add "$ns"
	on_exit ip netns del "$ns"
	ip -n "$ns" link add d0 type veth peer name e0
	ip -n "$ns" link add d1 type veth peer name e1
	# no link-local addresses: their MAC-derived local routes would differ between the two
	for d in d0 d1 e0 e1; do ip -n "$ns" link set "$d" addrgenmode none up; done
	ip -n "$ns" addr add 10.0.0.1/24 dev d0
	ip -n "$ns" addr add 10.1.0.1/24 dev d1
	ip -n "$ns" addr add 2001:db8:1::1/64 dev d0 nodad
	ip -n "$ns" addr add 2001:db8:2::1/64 dev d1 nodad
done
dump() { ip -n "$1" -d -j route show table all; ip -n "$1" -6 -d -j route show table all; }
routes=(
	"blackhole 10.8.0.0/16"
	"unreachable 10.7.0.0/16 metric 5"
	"prohibit 10.6.0.0/16 table 100"
	"throw 10.5.0.0/16 table 100"
	"local 10.4.4.4 dev d0"
	"broadcast 10.0.0.255 dev d0 table 100"
	"unicast 10.3.0.0/16 via 10.0.0.2"
	"10.9.0.0/16 nexthop via 10.0.0.2 dev d0 weight 2 nexthop via 10.1.0.2 dev d1"
	"10.10.0.0/16 table 100 nexthop via 10.0.0.3 dev d0 nexthop via 10.1.0.3 dev d1 weight 5"
	"2001:db8:9::/48 nexthop via 2001:db8:1::2 dev d0 nexthop via 2001:db8:2::2 dev d1 weight 3"
	"blackhole 2001:db8:8::/48"
	"prohibit 2001:db8:7::/48"
	"default via 10.0.0.254 onlink dev d1 table 200"
)
for r in "${routes[@]}"; do
	ip -n "$A" route add $r
	check "add: $r" "$HAKO" -n "$B" route add $r
done
dump "$A" >"$HAKO_TEST_TMP/a.json"
dump "$B" >"$HAKO_TEST_TMP/b.json"
check "ip -j -d route show table all: equal dumps" $J same "$HAKO_TEST_TMP/a.json" "$HAKO_TEST_TMP/b.json"
for t in main 100 local; do
	"$HAKO" -n "$B" -j -4 route show table $t >"$HAKO_TEST_TMP/h.json"
	ip -n "$B" -j -d route show table $t >"$HAKO_TEST_TMP/i.json"
	check "hako -j -4 route show table $t vs ip -j -d: shared keys (type, nexthops ...)" \
		$J shared "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json"
done
# an IPv6 route's router preference (pref, RTA_PREF), as ip -j shows it for every one
ip -n "$A" -6 route add 2001:db8:5::/48 via 2001:db8:1::2 pref high
check "add ... pref high" "$HAKO" -n "$B" route add 2001:db8:5::/48 via 2001:db8:1::2 pref high
check_fail "pref bogus" 2 "pref 'bogus': expected low, medium or high" \
	"$HAKO" -n "$B" route add 2001:db8:6::/48 via 2001:db8:1::2 pref bogus
"$HAKO" -n "$B" -j route show -6 >"$HAKO_TEST_TMP/h.json"
ip -n "$B" -6 -j -d route show >"$HAKO_TEST_TMP/i.json"
check "hako -j route show -6 vs ip -6 -j -d: shared keys" $J shared "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json"
is "pref: the keys as ip -j's (high for the one added so)" "$(jq -c '[.[].pref]' "$HAKO_TEST_TMP/h.json")" \
	"$(jq -c '[.[].pref]' "$HAKO_TEST_TMP/i.json")"
is "route get mark 7: the mark echoed, as ip -j" "$("$HAKO" -n "$B" -j route get 10.0.0.7 mark 7 | jq -c '.[0].mark')" 7
is "TYPE column: blackhole shown" "$("$HAKO" -n "$B" route show | awk '$1 == "10.8.0.0/16" {print $8}')" blackhole
is "NEXTHOPS column: every hop" "$("$HAKO" -n "$B" route show | grep '^10.9.0.0/16' | grep -o 'via .*')" \
	"via 10.0.0.2 dev d0 weight 2, via 10.1.0.2 dev d1 weight 1"
is "show type blackhole: the blackhole routes only" "$("$HAKO" -n "$B" -j route show type blackhole table all | python3 -c 'import json,sys; print(sorted(d["dst"] for d in json.load(sys.stdin)))')" \
	"$(ip -n "$B" -j route show type blackhole table all | python3 -c 'import json,sys; print(sorted(d["dst"] for d in json.load(sys.stdin)))')"
is "show proto kernel: as ip" "$("$HAKO" -n "$B" -j -4 route show proto kernel | python3 -c 'import json,sys; print(sorted(d["dst"] for d in json.load(sys.stdin)))')" \
	"$(ip -n "$B" -j route show proto kernel | python3 -c 'import json,sys; print(sorted(d["dst"] for d in json.load(sys.stdin)))')"
check_fail "show type bogus" 2 "type 'bogus'" "$HAKO" -n "$B" route show type bogus
is "route ls is route show" "$("$HAKO" -n "$B" route ls)" "$("$HAKO" -n "$B" route show)"
is "hako -4 route show: IPv4 only" "$("$HAKO" -n "$B" -4 -j route show | grep -c inet6)" 0
# route get: from, oif (dev), src (prefsrc) as ip shows it; the table the route was found in
# (local for a local address, 100 through a rule), as ip asks for it (RTM_F_LOOKUP_TABLE)
ip -n "$B" rule add to 10.10.0.0/16 table 100 pref 100
for q in "10.9.1.1" "10.3.2.1" "10.0.0.5 from 10.1.0.1" "10.0.0.5 oif d0" "2001:db8:9::5" \
	"2001:db8:1::5 from 2001:db8:2::1" "to 10.0.0.7 mark 7" "10.0.0.1" "10.4.4.4" "10.10.1.1" \
	"10.0.0.5 dev d0"; do
	"$HAKO" -n "$B" -j route get $q >"$HAKO_TEST_TMP/h.json"
	ip -n "$B" -j route get $q >"$HAKO_TEST_TMP/i.json"
	check "route get $q: shared keys with ip -j route get" $J shared "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json"
done
# iif: as if the packet came in on d1 (forwarding on)
ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1
"$HAKO" -n "$B" -j route get 10.9.1.1 from 10.1.0.7 iif d1 >"$HAKO_TEST_TMP/h.json"
ip -n "$B" -j route get 10.9.1.1 from 10.1.0.7 iif d1 >"$HAKO_TEST_TMP/i.json"
check "route get ... from ... iif d1: shared keys with ip" $J shared "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json"
is "route get iif: a forwarded route via the multipath hops" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[0]; print(d["dev"] in ("d0","d1"), d["from"])' "$HAKO_TEST_TMP/h.json")" "True 10.1.0.7"
is "route get shows prefsrc" "$("$HAKO" -n "$B" -j route get 10.9.1.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["prefsrc"])')" 10.0.0.1
is "route get: found in table 100 through the rule, as ip says" \
	"$("$HAKO" -n "$B" -j route get 10.10.1.1 | jq -r '.[0].table')" "$(ip -n "$B" -j route get 10.10.1.1 | jq -r '.[0].table')"
is "route get of a local address: table local" "$("$HAKO" -n "$B" -j route get 10.0.0.1 | jq -r '.[0].table')" local
is "route get from: the from key" "$("$HAKO" -n "$B" -j route get 10.0.0.5 from 10.1.0.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["from"])')" 10.1.0.1
# del of typed and multipath routes, then equal again
for r in "blackhole 10.8.0.0/16" "local 10.4.4.4 dev d0" "10.9.0.0/16" "prohibit 2001:db8:7::/48"; do
	ip -n "$A" route del $r
	check "del: $r" "$HAKO" -n "$B" route del $r
done
dump "$A" >"$HAKO_TEST_TMP/a.json"
dump "$B" >"$HAKO_TEST_TMP/b.json"
check "after del: equal dumps" $J same "$HAKO_TEST_TMP/a.json" "$HAKO_TEST_TMP/b.json"
# batch --atomic undoes a multipath add
printf 'route add 10.20.0.0/16 nexthop via 10.0.0.2 dev d0 nexthop via 10.1.0.2 dev d1\nroute add 10.21.0.0/16 via bogus\n' >"$HAKO_TEST_TMP/b"
check_fail "batch --atomic: a bad second line" 2 "line 2" "$HAKO" -n "$B" -b "$HAKO_TEST_TMP/b" --atomic
is "batch --atomic: the multipath route was undone" "$(ip -n "$B" route show 10.20.0.0/16)" ""
# bad input
check_fail "nexthop without via or dev" 2 "a nexthop needs" "$HAKO" -n "$B" route add 10.30.0.0/16 nexthop weight 2
check_fail "weight out of range" 2 "weight" "$HAKO" -n "$B" route add 10.30.0.0/16 nexthop via 10.0.0.2 weight 300
check_fail "via outside nexthop" 2 "inside each 'nexthop'" "$HAKO" -n "$B" route add 10.30.0.0/16 via 10.0.0.2 nexthop via 10.1.0.2
check_fail "mixed families" 2 "does not match" "$HAKO" -n "$B" route add 10.30.0.0/16 nexthop via 2001:db8:1::2
check_fail "get: two addresses" 2 "unexpected '10.0.0.2'" "$HAKO" -n "$B" route get 10.0.0.1 10.0.0.2
check_fail "get: unknown iif" 5 "does not exist" "$HAKO" -n "$B" route get 10.0.0.1 iif nosuch
is "nothing added by bad input" "$(ip -n "$B" route show 10.30.0.0/16)" ""
