#!/bin/bash
# netns set / list-id against ip: the same ids given with ip from one namespace and with hako
# from another read back equal (ip -j netns list-id); hako -j netns list-id agrees with ip;
# -all netns exec runs in every named namespace with ip's "netns: NAME" headers.
. "$HAKO_SRC/tests/lib/lib.sh"
S=$(uniq_suffix)
VA=idva$S VB=idvb$S T=idt$S T2=idu$S
for ns in "$VA" "$VB" "$T" "$T2"; do
	ip netns add "$ns"
	on_exit ip netns del "$ns"
done
ip -n "$VA" netns set "$T" 7
check "netns set NAME 7" "$HAKO" -n "$VB" netns set "$T" 7
ip -n "$VA" netns set "$T2" auto
check "netns set NAME auto" "$HAKO" -n "$VB" netns set "$T2" auto
is "ip -j netns list-id: equal from both" "$(ip -n "$VB" -j netns list-id)" "$(ip -n "$VA" -j netns list-id)"
want=$(ip -n "$VB" -j netns list-id | python3 -c 'import json,sys; print(sorted((d["nsid"], d.get("name")) for d in json.load(sys.stdin)))')
got=$("$HAKO" -n "$VB" -j netns list-id | python3 -c 'import json,sys; print(sorted((d["nsid"], d.get("name")) for d in json.load(sys.stdin)))')
is "hako -j netns list-id = ip -j netns list-id" "$got" "$want"
is "human list-id: ip's lines" "$("$HAKO" -n "$VB" netns list-id | sort)" "$(ip -n "$VB" netns list-id | sort)"
check_fail "set an id twice" 1 "already has a nsid" "$HAKO" -n "$VB" netns set "$T" 9
check_fail "bad id" 2 "NSID" "$HAKO" -n "$VB" netns set "$T" -3
check_fail "missing namespace" 5 "does not exist" "$HAKO" -n "$VB" netns set nosuch$S 3
# -all netns exec: every namespace, ip's headers
"$HAKO" -all netns exec sh -c 'readlink /proc/self/ns/net' >"$HAKO_TEST_TMP/h.txt"
is "-all netns exec: exit 0" "$?" 0
ip -all netns exec sh -c 'readlink /proc/self/ns/net' >"$HAKO_TEST_TMP/i.txt"
pairs() { awk '/^netns: / {n = $2; next} NF {print n, $0}' "$1" | sort; }
is "-all netns exec: the same namespaces and outputs as ip -all netns exec" "$(pairs "$HAKO_TEST_TMP/h.txt")" "$(pairs "$HAKO_TEST_TMP/i.txt")"
is "-all netns exec: 4 namespaces" "$(grep -c '^netns: ' "$HAKO_TEST_TMP/h.txt")" 4
is "-all netns exec: an empty line before each header, as ip" "$(grep -c '^$' "$HAKO_TEST_TMP/h.txt")" 4
check_fail "-all netns exec false: every one failed" 1 "'false' failed in 4 namespaces, first in " "$HAKO" --all-netns netns exec false
check_fail "-all netns exec without a command" 2 "missing command" "$HAKO" -all netns exec
