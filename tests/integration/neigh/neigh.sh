#!/bin/bash
# hako neigh: ARP and NDP entries added, replaced, changed, deleted, flushed and shown, with
# ip neigh as the oracle; proxy entries; -n NETNS; batch rollback; bad input.
. "$HAKO_SRC/tests/lib/lib.sh"
ip link add nb0 type veth peer name nb1
ip link set nb0 up
ip link set nb1 up
ip addr add 10.77.0.1/24 dev nb0
check "add (permanent by default)" "$HAKO" neigh add 10.77.0.2 lladdr 02:00:00:00:77:02 dev nb0
is "ip neigh sees it" "$(ip neigh show 10.77.0.2 dev nb0)" "10.77.0.2 lladdr 02:00:00:00:77:02 PERMANENT "
check "add nud stale" "$HAKO" neigh add 10.77.0.3 lladdr 02:00:00:00:77:03 nud stale dev nb0
check "add IPv6" "$HAKO" neigh add fe80::77 lladdr 02:00:00:00:77:06 dev nb0
is "ip neigh: IPv6" "$(ip -6 neigh show fe80::77 dev nb0)" "fe80::77 lladdr 02:00:00:00:77:06 PERMANENT "
check_fail "add twice: exists" 1 "File exists" "$HAKO" neigh add 10.77.0.2 lladdr 02:00:00:00:77:02 dev nb0
check "replace" "$HAKO" neigh replace 10.77.0.2 lladdr 02:00:00:00:77:22 dev nb0
is "ip neigh: replaced" "$(ip neigh show 10.77.0.2 dev nb0)" "10.77.0.2 lladdr 02:00:00:00:77:22 PERMANENT "
check "change nud reachable" "$HAKO" neigh change 10.77.0.2 lladdr 02:00:00:00:77:22 nud reachable dev nb0
is "ip neigh: changed" "$(ip neigh show 10.77.0.2 dev nb0 | awk '{print $NF}')" REACHABLE
# show: the same entries as ip -j neigh, in JSON
want=$(ip -j neigh show dev nb0 | python3 -c 'import json,sys; print(sorted((e["dst"], e.get("lladdr",""), ",".join(e["state"])) for e in json.load(sys.stdin)))')
got=$("$HAKO" -j neigh show dev nb0 | python3 -c 'import json,sys; print(sorted((e["dst"], e.get("lladdr",""), ",".join(e["state"])) for e in json.load(sys.stdin)))')
is "show -j: the entries ip -j neigh shows" "$got" "$want"
is "show -4: IPv4 only" "$("$HAKO" -j neigh show dev nb0 -4 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
check "del" "$HAKO" neigh del 10.77.0.3 dev nb0
is "ip neigh: deleted" "$(ip neigh show 10.77.0.3 dev nb0)" ""
check_fail "del of a missing entry" 5 "No such file or directory" "$HAKO" neigh del 10.77.0.3 dev nb0
"$HAKO" neigh add 10.77.0.4 lladdr 02:00:00:00:77:04 nud stale dev nb0
check "flush (keeps permanent entries, as ip)" "$HAKO" neigh flush dev nb0
is "ip neigh after flush: the permanent IPv6 one and no stale" \
	"$(ip neigh show dev nb0 nud stale; ip -6 neigh show fe80::77 dev nb0 | awk '{print $1}')" "fe80::77"
check "flush nud all" "$HAKO" neigh flush dev nb0 nud all
is "ip neigh after flush nud all: nothing" "$(ip neigh show dev nb0 nud all)" ""
check "proxy add" "$HAKO" neigh add 10.77.0.9 proxy dev nb0
is "ip neigh show proxy" "$(ip neigh show proxy dev nb0)" "10.77.0.9 proxy "
"$HAKO" -j neigh show proxy >"$HAKO_TEST_TMP/pn.json"; ip -j neigh show proxy >"$HAKO_TEST_TMP/pi.json"
check "hako -j neigh show proxy agrees with ip -j key by key (proxy: null)" \
	python3 "$HAKO_SRC/tests/lib/jsondiff.py" shared "$HAKO_TEST_TMP/pn.json" "$HAKO_TEST_TMP/pi.json"
is "the proxy key is null" "$("$HAKO" -j neigh show proxy | jq -c '[.[] | has("proxy"), .proxy]')" "[true,null]"
check "proxy del" "$HAKO" neigh del 10.77.0.9 proxy dev nb0
is "proxy gone" "$(ip neigh show proxy dev nb0)" ""
# -n NETNS
ns=nbns$(uniq_suffix)
ip netns add "$ns"
on_exit ip netns del "$ns"
ip link set nb1 netns "$ns"
ip -n "$ns" link set nb1 up
check "-n NETNS add" "$HAKO" -n "$ns" neigh add 10.77.0.1 lladdr 02:00:00:00:77:01 dev nb1
is "ip -n sees it there" "$(ip -n "$ns" neigh show dev nb1 | awk '{print $1, $3}')" "10.77.0.1 02:00:00:00:77:01"
# batch: stops before a bad line; --atomic undoes the lines before it too
printf 'neigh add 10.77.0.5 lladdr 02:00:00:00:77:05 dev nb0\nneigh add 10.77.0.6 lladdr zz dev nb0\n' >"$HAKO_TEST_TMP/b"
check_fail "batch: a bad second line" 2 "line 2" "$HAKO" -b "$HAKO_TEST_TMP/b"
is "batch: the first line's entry stays" "$(ip neigh show 10.77.0.5 dev nb0 | awk '{print $1}')" 10.77.0.5
"$HAKO" neigh del 10.77.0.5 dev nb0
check_fail "batch --atomic: a bad second line" 2 "line 2" "$HAKO" -b "$HAKO_TEST_TMP/b" --atomic
is "batch --atomic: the first line's entry was undone" "$(ip neigh show 10.77.0.5 dev nb0)" ""
# bad input changes nothing
check_fail "bad lladdr" 2 "'zz' is not a MAC address" "$HAKO" neigh add 10.77.0.7 lladdr zz dev nb0
check_fail "bad state" 2 "nud 'bogus': expected" "$HAKO" neigh add 10.77.0.7 lladdr 02:00:00:00:77:07 nud bogus dev nb0
check_fail "no dev" 2 "missing 'dev DEV'" "$HAKO" neigh add 10.77.0.7 lladdr 02:00:00:00:77:07
check_fail "unknown device" 5 "device 'nosuch' does not exist" "$HAKO" neigh add 10.77.0.7 dev nosuch
check_fail "flush without dev or to" 2 "flush needs 'dev DEV' or 'to PREFIX'" "$HAKO" neigh flush
is "nothing was added by bad input" "$(ip neigh show 10.77.0.7)" ""
# show's selectors as ip neigh show's: [to] PREFIX (a bare address: that entry), with dev;
# a router entry's router key is null as in ip -j; flush to PREFIX without dev
"$HAKO" neigh add 10.77.0.8 lladdr 02:00:00:00:77:08 dev nb0 router
"$HAKO" neigh add 10.77.1.9 lladdr 02:00:00:00:77:09 dev nb0
for sel in "" "10.77.0.8" "to 10.77.0.0/24" "10.77.0.0/16 dev nb0" "to fe80::/64" "10.77.9.9"; do
	# shellcheck disable=SC2086
	is "neigh show $sel (ip -j neigh show)" "$("$HAKO" -j neigh show $sel | jq -c '[.[].dst] | sort')" \
		"$(ip -j neigh show $sel | jq -c '[.[].dst] | sort')"
done
"$HAKO" -j neigh show 10.77.0.8 >"$HAKO_TEST_TMP/rn.json"; ip -j neigh show 10.77.0.8 >"$HAKO_TEST_TMP/ri.json"
check "a router entry agrees with ip -j key by key (router: null)" \
	python3 "$HAKO_SRC/tests/lib/jsondiff.py" shared "$HAKO_TEST_TMP/rn.json" "$HAKO_TEST_TMP/ri.json"
check "flush to 10.77.0.0/24 nud all" "$HAKO" neigh flush to 10.77.0.0/24 nud all
is "ip neigh: 10.77.0.8 gone, 10.77.1.9 stays" "$(ip neigh show nud all | awk '/^10\.77\./ {print $1}')" 10.77.1.9
