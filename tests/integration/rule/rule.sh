#!/bin/bash
# hako rule: the same rules made with ip in one namespace and with hako in another give
# equal `ip -j -d rule show` dumps (both families); `hako -j rule show` agrees with
# `ip -j rule show` key by key; del, flush, filters, batch undo and bad input.
. "$HAKO_SRC/tests/lib/lib.sh"
S=$(uniq_suffix)
A=ruleip$S B=rulehk$S
ip netns add "$A"
on_exit ip netns del "$A"
ip netns add "$B"
on_exit ip netns del "$B"
J="python3 $HAKO_SRC/tests/lib/jsondiff.py"
dump() { ip -n "$1" -d -j rule show; ip -n "$1" -6 -d -j rule show; }
rules=(
	"from 10.0.0.0/8 fwmark 0x10/0xff table 100 pref 100"
	"not to 10.1.0.0/16 iif lo blackhole pref 200"
	"goto 32766 pref 50"
	"from 10.9.9.9 lookup 300 pref 300"
	"fwmark 7 unreachable pref 400"
	"oif lo prohibit pref 500"
	"from all nop pref 600"
	"to 10.2.0.0/16 table main suppress_prefixlength 0 pref 700"
	"tos 0x10 table 70000 pref 800"
	"iif v0 table 5"
	"ipproto tcp sport 80 dport 1000-2000 uidrange 100-200 protocol static table 5 pref 10"
	"ipproto 200 sport 5-6 table 5 pref 11"
)
for r in "${rules[@]}"; do
	ip -n "$A" rule add $r
	check "add: $r" "$HAKO" -n "$B" rule add $r
done
ip -n "$A" -6 rule add from 2001:db8::/32 table 5 pref 900
check "add IPv6 (family from the prefix)" "$HAKO" -n "$B" rule add from 2001:db8::/32 table 5 pref 900
ip -n "$A" -6 rule add to 2001:db8:1::1 prohibit pref 901
check "add IPv6 with the global -6" "$HAKO" -n "$B" -6 rule add to 2001:db8:1::1 prohibit pref 901
dump "$A" >"$HAKO_TEST_TMP/a.json"
dump "$B" >"$HAKO_TEST_TMP/b.json"
check "ip -j -d rule show: equal dumps (ip's namespace and hako's)" \
	$J same "$HAKO_TEST_TMP/a.json" "$HAKO_TEST_TMP/b.json"
"$HAKO" -n "$B" -j -4 rule show >"$HAKO_TEST_TMP/h4.json"
ip -n "$B" -j -d rule show >"$HAKO_TEST_TMP/i4.json"
check "hako -j -4 rule show vs ip -j -d rule show: shared keys equal" \
	$J shared "$HAKO_TEST_TMP/h4.json" "$HAKO_TEST_TMP/i4.json"
"$HAKO" -n "$B" -j rule show -6 >"$HAKO_TEST_TMP/h6.json"
ip -n "$B" -6 -j -d rule show >"$HAKO_TEST_TMP/i6.json"
check "hako -j rule show -6 vs ip -6 -j -d rule show" \
	$J shared "$HAKO_TEST_TMP/h6.json" "$HAKO_TEST_TMP/i6.json"
is "show: both families by default" \
	"$("$HAKO" -n "$B" -j rule show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
	"$(($(ip -n "$B" -j rule show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') + $(ip -n "$B" -6 -j rule show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')))"
is "show pref 300 (a filter)" "$("$HAKO" -n "$B" rule show pref 300 | tail -n +2 | awk '{print $1, $2, $7}')" "300 10.9.9.9 300"
is "human: an inverted rule says not" "$("$HAKO" -n "$B" rule show pref 200 | tail -n +2 | awk '{print $2, $3, $4}')" "not all 10.1.0.0/16"
is "ls and lst are list" "$("$HAKO" -n "$B" rule lst table 100 | wc -l) $("$HAKO" -n "$B" rule ls table 100 | wc -l)" "2 2"
check_fail "add twice: exists" 1 "File exists" "$HAKO" -n "$B" rule add from 10.9.9.9 lookup 300 pref 300
# del: the same on both sides, then equal again
for r in "pref 300" "not to 10.1.0.0/16 iif lo blackhole" "fwmark 0x10/0xff table 100"; do
	ip -n "$A" rule del $r
	check "del: $r" "$HAKO" -n "$B" rule del $r
done
check_fail "del of a missing rule" 5 "No such file or directory" "$HAKO" -n "$B" rule del pref 12345
dump "$A" >"$HAKO_TEST_TMP/a.json"
dump "$B" >"$HAKO_TEST_TMP/b.json"
check "after del: equal dumps" $J same "$HAKO_TEST_TMP/a.json" "$HAKO_TEST_TMP/b.json"
# flush, as ip rule flush: all but priority 0 (also 32766 and 32767)
ip -n "$A" rule flush
check "flush" "$HAKO" -n "$B" rule flush -4
dump "$A" >"$HAKO_TEST_TMP/a.json"
dump "$B" >"$HAKO_TEST_TMP/b.json"
check "after flush -4: equal dumps" $J same "$HAKO_TEST_TMP/a.json" "$HAKO_TEST_TMP/b.json"
is "flush left only the local rule" "$(ip -n "$B" -j rule show)" '[{"priority":0,"src":"all","table":"local"}]'
# batch: the add of line 1 is undone with --atomic when line 2 is bad
printf 'rule add from 10.5.0.0/16 table 9 pref 55\nrule add from 10.6.0.0/16 table bogus\n' >"$HAKO_TEST_TMP/b"
check_fail "batch --atomic: a bad second line" 2 "line 2" "$HAKO" -n "$B" -b "$HAKO_TEST_TMP/b" --atomic
is "batch --atomic: line 1 undone" "$(ip -n "$B" rule show pref 55)" ""
# bad input changes nothing
check_fail "bad prefix" 2 "from" "$HAKO" -n "$B" rule add from 10.0.0.300/8 table 5
check_fail "families disagree" 2 "IPv4" "$HAKO" -n "$B" rule add from 10.0.0.0/8 to 2001:db8::/32 table 5
check_fail "table and an action" 2 "exclude each other" "$HAKO" -n "$B" rule add from 10.0.0.0/8 table 5 blackhole
check_fail "unknown keyword" 2 "unexpected 'bogus'" "$HAKO" -n "$B" rule add bogus
check_fail "-0 is link layer" 2 "-0" "$HAKO" -n "$B" -0 rule show
is "nothing added by bad input" "$(ip -n "$B" rule show | wc -l)" 1
# show's from/to selectors as ip rule show's: the rules whose prefix lies inside the one given
for r in "from 10.0.0.0/8 table 100 pref 100" "from 10.1.2.3 table 100 pref 101" \
	"from 10.3.0.0/16 pref 102 blackhole" "to 10.2.0.0/16 table 200 pref 103" "to 10.2.3.0/24 table 9 pref 104"; do
	ip -n "$B" rule add $r
done
for sel in "from 10.0.0.0/8" "from 10.1.2.3" "from 10.0.0.0/8 table 100" "to 10.0.0.0/8" \
	"to 10.2.3.0/24" "from 0.0.0.0/0" "from 11.0.0.0/8"; do
	# shellcheck disable=SC2086
	is "rule show $sel (ip -4 -j rule show)" "$("$HAKO" -n "$B" -4 -j rule show $sel | jq -c '[.[].priority]')" \
		"$(ip -n "$B" -4 -j rule show $sel | jq -c '[.[].priority]')"
done
check "flush from 10.0.0.0/8" "$HAKO" -n "$B" rule flush from 10.0.0.0/8
is "ip: the from rules inside 10/8 gone, the to rules stay" "$(ip -n "$B" -4 -j rule show | jq -c '[.[].priority]')" \
	"[0,103,104]"
