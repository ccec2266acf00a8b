#!/bin/bash
# hako monitor: every event of a scripted sequence of changes (made with ip, the oracle) is
# seen, in order, one JSON object per line with the keys of the object's show; -t; the
# human form; -all follows a namespace added later; SIGINT and SIGTERM end it with status 0.
. "$HAKO_SRC/tests/lib/lib.sh"
S=$(uniq_suffix)
B=monhk$S
ip netns add "$B"
on_exit ip netns del "$B"
out=$HAKO_TEST_TMP/mon.json
# wait_event FILE PATTERN CMD...: run CMD (a change) until PATTERN shows in FILE (the monitor
# has started listening), at most 200 times
wait_event() {
	local f=$1 pat=$2 i
	shift 2
	for ((i = 0; i < 200; i++)); do
		"$@" >/dev/null 2>&1
		grep -q -- "$pat" "$f" && return 0
		sleep 0.05
	done
	return 1
}
probe() { ip -n "$B" rule add pref 1 table 1 && ip -n "$B" rule del pref 1; }
# a device there before the monitor starts: named in the events after its deletion too
ip -n "$B" link add p0 type veth peer name p1
ip -n "$B" addr add 10.5.0.1/24 dev p0
"$HAKO" -n "$B" -j monitor -t >"$out" 2>"$HAKO_TEST_TMP/mon.err" &
mon=$!
on_exit kill $mon
if ! wait_event "$out" '"priority":1' probe; then
	not_ok "monitor started listening"
fi
: >"$HAKO_TEST_TMP/mark"
start=$(wc -l <"$out")
ip -n "$B" link add m0 type veth peer name m1
ip -n "$B" link set m0 up
ip -n "$B" addr add 10.3.0.1/24 dev m0
ip -n "$B" route add 10.4.0.0/16 via 10.3.0.2 onlink dev m0
ip -n "$B" neigh add 10.3.0.9 lladdr 02:00:00:00:00:09 dev m0
ip -n "$B" rule add pref 5 from 10.3.0.0/24 table 5
ip -n "$B" -6 route add blackhole 2001:db8::/32
ip -n "$B" rule del pref 5
ip -n "$B" neigh del 10.3.0.9 dev m0
ip -n "$B" route del 10.4.0.0/16
ip -n "$B" addr del 10.3.0.1/24 dev m0
ip -n "$B" -6 route del blackhole 2001:db8::/32
ip -n "$B" link del m0
ip -n "$B" link del p0
# the last change seen: the monitor has caught up
wait_event "$out" '"object":"link","event":"del".*"ifname":"p0"' true
kill -INT $mon
wait $mon
is "SIGINT: exit status 0" "$?" 0
tail -n +"$((start + 1))" "$out" >"$HAKO_TEST_TMP/ev.json"
check "every event of the sequence, in order" python3 - "$HAKO_TEST_TMP/ev.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
want = [
    ('link', 'new', {'ifname': 'm0'}),
    ('addr', 'new', {'local': '10.3.0.1', 'prefixlen': 24, 'ifname': 'm0'}),
    ('route', 'new', {'dst': '10.4.0.0/16', 'gateway': '10.3.0.2', 'dev': 'm0', 'flags': ['onlink', 'linkdown']}),
    ('neigh', 'new', {'dst': '10.3.0.9', 'lladdr': '02:00:00:00:00:09', 'dev': 'm0', 'state': ['PERMANENT']}),
    ('rule', 'new', {'priority': 5, 'src': '10.3.0.0', 'srclen': 24, 'table': '5'}),
    ('route', 'new', {'dst': '2001:db8::/32', 'type': 'blackhole', 'family': 'inet6'}),
    ('rule', 'del', {'priority': 5}),
    ('neigh', 'del', {'dst': '10.3.0.9', 'dev': 'm0'}),
    ('route', 'del', {'dst': '10.4.0.0/16'}),
    ('addr', 'del', {'local': '10.3.0.1'}),
    ('route', 'del', {'dst': '2001:db8::/32', 'type': 'blackhole'}),
    ('link', 'del', {'ifname': 'm0'}),
    ('addr', 'del', {'local': '10.5.0.1', 'ifname': 'p0'}),
    ('link', 'del', {'ifname': 'p0'}),
]
i = 0
for n, (obj, what, keys) in enumerate(want):
    while i < len(ev) and not (ev[i]['object'] == obj and ev[i]['event'] == what and
                               all(ev[i].get(k) == v for k, v in keys.items())):
        i += 1
    if i == len(ev):
        print(f'event {n} not seen (after the ones before it): {obj} {what} {keys}')
        sys.exit(1)
    if 'time' not in ev[i]:
        print(f'event {n} has no time (-t)')
        sys.exit(1)
    i += 1
PY
is "stderr empty" "$(cat "$HAKO_TEST_TMP/mon.err")" ""
# the human form, SIGTERM
"$HAKO" -n "$B" monitor rule >"$HAKO_TEST_TMP/mon.txt" 2>&1 &
mon=$!
on_exit kill $mon
wait_event "$HAKO_TEST_TMP/mon.txt" "priority 1" probe
ip -n "$B" link add m2 type veth peer name m3 # not a rule: not shown
ip -n "$B" rule add pref 6 table 6
wait_event "$HAKO_TEST_TMP/mon.txt" "rule new priority 6" true
kill -TERM $mon
wait $mon
is "SIGTERM: exit status 0" "$?" 0
is "human: the rule event" "$(grep -c '^rule new priority 6 src all table 6' "$HAKO_TEST_TMP/mon.txt")" 1
is "only the objects asked for" "$(grep -vc '^rule ' "$HAKO_TEST_TMP/mon.txt")" 0
# -all: a namespace added while it runs is watched, its events say where they come from
"$HAKO" -all -j monitor rule netns >"$HAKO_TEST_TMP/all.json" 2>&1 &
mon=$!
on_exit kill $mon
probe_here() { ip rule add pref 1 table 1 && ip rule del pref 1; }
wait_event "$HAKO_TEST_TMP/all.json" '"priority":1' probe_here
N=monnew$S
ip netns add "$N"
on_exit ip netns del "$N"
probe_new() { ip -n "$N" rule add pref 9 table 9 && ip -n "$N" rule del pref 9; }
if wait_event "$HAKO_TEST_TMP/all.json" "\"netns\":\"$N\",\"object\":\"rule\"" probe_new; then
	ok "-all: events of a namespace added later, with its name"
else
	not_ok "-all: events of a namespace added later, with its name"
fi
ip netns set "$N" 42
if wait_event "$HAKO_TEST_TMP/all.json" '"object":"nsid","event":"new","nsid":42' true; then
	ok "netns: the kernel's nsid event (ip netns set NAME 42)"
else
	not_ok "netns: the kernel's nsid event (ip netns set NAME 42)"
fi
is "-all: the namespace's addition" "$(grep -c "\"object\":\"netns\",\"event\":\"new\",\"name\":\"$N\"" "$HAKO_TEST_TMP/all.json")" 1
ip netns del "$N"
wait_event "$HAKO_TEST_TMP/all.json" "\"object\":\"netns\",\"event\":\"del\",\"name\":\"$N\"" true
is "-all: the namespace's deletion" "$(grep -c "\"event\":\"del\",\"name\":\"$N\"" "$HAKO_TEST_TMP/all.json")" 1
kill -INT $mon
wait $mon
is "-all: SIGINT: exit status 0" "$?" 0
check_fail "unknown object" 2 "unexpected 'bogus'" "$HAKO" monitor bogus
check_fail "-all with -n" 2 "exclude each other" "$HAKO" -all -n "$B" monitor
