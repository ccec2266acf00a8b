#!/bin/bash
# link set's iproute2 attributes, differentially against ip: promisc, txqueuelen, alias, arp,
# multicast, allmulticast, group set with ip in one namespace and with hako in another give
# equal `ip -j -d link show` (ifindex-like fields and addresses dropped); hako -j link show
# agrees with ip -j on the shared keys; netns PID moves to that process's namespace (a
# number that names no namespace, as ip); batch --atomic restores the attributes.
. "$HAKO_SRC/tests/lib/lib.sh"
S=$(uniq_suffix)
A=lsip$S B=lshk$S
for ns in "$A" "$B"; do
	ip netns add "$ns"
	on_exit ip netns del "$ns"
	ip -n "$ns" link add v0 type veth peer name v1
done
norm() {
	ip -n "$1" -d -j link show v0 | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
for k in ("address", "ifindex", "link_index", "broadcast", "inet6_addr_gen_mode", "perm_address"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
sets=("promisc on" "txqueuelen 500" "arp off" "multicast off" "allmulticast on" "group 7" "up"
	"promisc off" "arp on" "group default")
for c in "${sets[@]}"; do
	ip -n "$A" link set v0 $c
	check "link set v0 $c" "$HAKO" -n "$B" link set v0 $c
	is "after '$c': ip -j -d link show equal" "$(norm "$B")" "$(norm "$A")"
done
ip -n "$A" link set v0 alias "an alias"
check "link set v0 alias 'an alias'" "$HAKO" -n "$B" link set v0 alias "an alias"
is "after alias: ip -j -d link show equal" "$(norm "$B")" "$(norm "$A")"
"$HAKO" -n "$B" -j link show v0 >"$HAKO_TEST_TMP/h.json"
ip -n "$B" -j link show v0 >"$HAKO_TEST_TMP/i.json"
# flags: ip adds NO-CARRIER, M-DOWN, LOWER_UP (the output side: not here)
python3 - "$HAKO_TEST_TMP/h.json" "$HAKO_TEST_TMP/i.json" <<'PY' && ok "hako -j link show vs ip -j: shared keys" || not_ok "hako -j link show vs ip -j: shared keys"
import json, sys
h, i = (json.load(open(p))[0] for p in sys.argv[1:3])
bad = [k for k in set(h) & set(i) if k != 'flags' and h[k] != i[k]]
bad += [] if set(h['flags']) <= set(i['flags']) else ['flags']
print(bad) if bad else None
sys.exit(1 if bad else 0)
PY
ip -n "$A" link set v0 alias ""
check "alias '' removes it" "$HAKO" -n "$B" link set v0 alias ""
is "after alias '': equal" "$(norm "$B")" "$(norm "$A")"
# netns PID: a number that names no namespace is a process
P=lspid$S
ip netns add "$P"
on_exit ip netns del "$P"
ip netns exec "$P" sleep 60 &
sp=$!
on_exit kill $sp
for ((i = 0; i < 100; i++)); do
	[ "$(readlink /proc/$sp/ns/net)" = "$(ip netns exec "$P" readlink /proc/self/ns/net)" ] && break
	sleep 0.05
done
check "link set v1 netns PID" "$HAKO" -n "$B" link set v1 netns "$sp"
is "v1 is in the process's namespace" "$(ip -n "$P" -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifname"])')" v1
check_fail "netns of a missing PID" 5 "no process 999999999" "$HAKO" -n "$B" link set v0 netns 999999999
# batch --atomic: the attributes of line 1 come back when line 2 fails
printf 'link set v0 promisc on txqueuelen 77 alias x group 3 multicast on\nlink set v0 mtu 1\n' >"$HAKO_TEST_TMP/b"
before=$(norm "$B")
check_fail "batch --atomic: a bad second line" 2 "line 2" "$HAKO" -n "$B" -b "$HAKO_TEST_TMP/b" --atomic
is "batch --atomic: promisc, txqueuelen, alias, group, multicast restored" "$(norm "$B")" "$before"
# bad input: one line with the keywords
check_fail "promisc needs on|off" 2 "promisc 'yes': expected on or off" "$HAKO" -n "$B" link set v0 promisc yes
check_fail "unknown keyword lists the keywords" 2 "unexpected 'bogus' \(expected up, down, .*promisc" "$HAKO" -n "$B" link set v0 bogus
check_fail "txqueuelen not a number" 2 "txqueuelen" "$HAKO" -n "$B" link set v0 txqueuelen x
