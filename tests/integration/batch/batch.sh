#!/bin/bash
# hako -b: one process, per-line -n, batched netlink, stop at the failing line, --atomic.
. "$HAKO_SRC/tests/lib/lib.sh"
s=$(uniq_suffix)
on_exit "for n in \$(ip netns list | awk '{print \$1}'); do ip netns del \$n; done"

have_kind veth || { skip "batch tests" "the kernel has no veth"; exit 0; }

# 1. the seed's tutorial as one batch, with -n per line
cat >"$HAKO_TEST_TMP/tut.txt" <<B
# two namespaces joined by a veth pair
netns add a$s
netns add b$s
link add va type veth peer name vb netns b$s
link set va netns a$s
-n a$s addr add 192.168.0.1/24 dev va
-n b$s addr add 192.168.0.2/24 dev vb
-n a$s link set va up
-n b$s link set vb up
-n a$s link set lo up
B
check "tutorial batch runs" "$HAKO" -b "$HAKO_TEST_TMP/tut.txt"
is "namespaces exist (ip netns list)" "$(ip netns list | awk '{print $1}' | sort | tr '\n' ' ')" "a$s b$s "
is "address in a (ip -j addr)" "$(ip -n a$s -j addr show dev va | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["local"])')" "192.168.0.1"
check "ping across the pair" ip netns exec a$s ping -c 1 -W 2 192.168.0.2

# 2. batching: many creations go in fewer sendmsg() calls than requests
for i in $(seq 1 200); do echo "-n a$s link add x$i type veth peer name y$i"; done >"$HAKO_TEST_TMP/many.txt"
out=$(HAKO_NL_STATS=1 "$HAKO" -b "$HAKO_TEST_TMP/many.txt" 2>&1)
is "200 veth pairs created (plus va)" "$(ip -n a$s -o link show type veth | wc -l)" "401"
req=$(echo "$out" | sed -n 's/.*netlink: \([0-9]*\) requests in \([0-9]*\) sendmsg.*/\1/p')
snd=$(echo "$out" | sed -n 's/.*netlink: \([0-9]*\) requests in \([0-9]*\) sendmsg.*/\2/p')
if [ -n "$req" ] && [ "$req" -ge 200 ] && [ "$snd" -lt 10 ]; then ok "200 requests in $snd sendmsg calls"
else not_ok "batching: '$out'"; fi
for i in $(seq 1 200); do echo "-n a$s link del x$i"; done | "$HAKO" -b -
is "batch from stdin deletes them" "$(ip -n a$s -o link show type veth | wc -l)" "1"

# 3. a failing line: stop there; lines after it sent in the same sendmsg are undone
ip -n a$s link add dup type veth peer name dup-p
cat >"$HAKO_TEST_TMP/fail.txt" <<B
-n a$s link add f1 type veth peer name f1p
-n a$s link add f2 type veth peer name f2p
-n a$s link add dup type veth peer name f3p
-n a$s link add f4 type veth peer name f4p
-n a$s link add f5 type veth peer name f5p
B
check_fail "failing line reported" 1 "line 3: .*File exists" "$HAKO" -b "$HAKO_TEST_TMP/fail.txt"
is "lines before it stay" "$(ip -n a$s -o link show | grep -Ec ' f[12]@')" "2"
is "lines after it are not left applied" "$(ip -n a$s -o link show | grep -Ec ' f[45]p?@')" "0"
is "the failing line left nothing (f3p)" "$(ip -n a$s -o link show | grep -c ' f3p@')" "0"
ip -n a$s link del f1; ip -n a$s link del f2

# 4. --atomic: everything the batch did is rolled back, namespaces included
cat >"$HAKO_TEST_TMP/atomic.txt" <<B
netns add c$s
-n c$s link add g1 type veth peer name g1p
-n c$s link set g1 up
-n c$s addr add 10.9.0.1/24 dev g1
-n a$s link add g2 type veth peer name g2p
-n a$s link set va mtu 1400
-n a$s link add dup type veth peer name g3p
B
check_fail "atomic batch fails at line 7" 1 "rolled back.*line 7" "$HAKO" -b "$HAKO_TEST_TMP/atomic.txt" --atomic
is "its namespace is gone" "$(ip netns list | grep -c c$s)" "0"
is "its links are gone" "$(ip -n a$s -o link show | grep -c ' g2@')" "0"
is "its link changes are undone (mtu)" "$(ip -n a$s -j link show va | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')" "1500"

# 5. --atomic refuses lines it could not undo, before running anything
printf 'netns add d%s\n-n a%s link del va\n' "$s" "$s" >"$HAKO_TEST_TMP/irrev.txt"
check_fail "--atomic refuses del" 2 "line 2: .*cannot be rolled back" "$HAKO" -b "$HAKO_TEST_TMP/irrev.txt" --atomic
is "nothing ran" "$(ip netns list | grep -c d$s)" "0"

# 6. bad input in a line: usage error with the line number
printf 'netns add e%s\nlink add bad/name type veth peer name z\n' "$s" >"$HAKO_TEST_TMP/bad.txt"
check_fail "bad line is a usage error" 2 "line 2:" "$HAKO" -b "$HAKO_TEST_TMP/bad.txt"
check_fail "missing batch file" 5 "batch file" "$HAKO" -b "$HAKO_TEST_TMP/nonexistent.txt"
