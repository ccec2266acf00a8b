#!/bin/bash
# hako-cni GC and crashes: GC frees every lease (and its veth, its published ports) that
# cni.dev/valid-attachments does not name and keeps those it names; an ADD killed half-way
# (kill -9 at a test point) is undone by the next DEL, or by the next GC; a hako container's
# lease on the same network is never collected.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/cni/common.inc"
needs_kinds "hako-cni" veth bridge
needs_nft "hako-cni"

C=$(conf gcnet 10.232.0.0/24)
gc() { cni GC "" "" "" "$(printf '%s' "$C" | python3 -c 'import json,sys; c=json.load(sys.stdin); c["cni.dev/valid-attachments"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1")"; }
leases() { h network inspect gcnet | python3 -c 'import json,sys; j=json.load(sys.stdin); j=j[0] if isinstance(j,list) else j; print(len(j.get("containers",[])))'; }
veths() { ip -br link show | awk '$1 ~ /^hkn/' | wc -l; }

for i in 1 2 3; do
	mkns g$i
	cni ADD ctr$i eth0 /run/netns/g$i "$C" >/dev/null || not_ok "ADD ctr$i"
done
is "three leases" "$(leases)" 3
is "three host veths" "$(veths)" 3
out=$(gc '[{"containerID": "ctr2", "ifname": "eth0"}]')
is "GC exits 0 and prints nothing" "$?:$out" "0:"
is "one lease left" "$(leases)" 1
is "one host veth left" "$(veths)" 1
ip -n g2 link show eth0 >/dev/null 2>&1 && ok "the kept attachment is intact" || not_ok "ctr2's eth0 gone"
ip -n g1 link show eth0 >/dev/null 2>&1 && not_ok "ctr1's eth0 collected" || ok "ctr1's eth0 collected"
out=$(gc '[{"containerID": "ctr2", "ifname": "eth0"}]')
is "GC again: nothing to do" "$?:$(leases)" "0:1"
out=$(gc '[{"containerID": 5}]')
is "a malformed valid-attachments entry: code 7" "$(jget "$out" 'j["code"]')" 7
echo "$out" | grep -q 'valid-attachments\[0\]' && ok "its path is named" || not_ok "message: $out"
is "... and nothing was collected" "$(leases)" 1

# a hako container's lease on the same network is not the runtime's to collect
. "$HAKO_SRC/tests/integration/container/common.inc"
if h run -d --name hk1 --network gcnet --rootfs "$R" /bin/sleep 60 >/dev/null 2>&1; then
	on_exit h rm -f hk1
	gc '[]' >/dev/null
	is "GC with no valid attachment keeps the hako container's lease" "$(leases)" 1
	h rm -f hk1 >/dev/null 2>&1
else
	skip "a hako container on a CNI network" "hako run failed"
	gc '[]' >/dev/null
fi
is "GC with no valid attachment frees the rest" "$(leases)" 0
is "no host veth left" "$(veths)" 0

if have_test_hooks; then
	# an ADD killed after the interface was made, before it was marked complete
	(HAKO_TEST_KILL_AT=connect-linked cni ADD k1 eth0 /run/netns/g1 "$C" >/dev/null) 2>/dev/null
	is "the killed ADD left a pending lease" \
		"$(sqlite3 "$HAKO_ROOT/state/hako.db" 'select count(*) from leases where owner_pid != 0')" 1
	is "... and its host veth" "$(veths)" 1
	out=$(cni DEL k1 eth0 /run/netns/g1 "$C")
	is "the next DEL succeeds" "$?:$out" "0:"
	is "... and nothing is left: lease" "$(leases)" 0
	is "... host veth" "$(veths)" 0
	ip -n g1 link show eth0 >/dev/null 2>&1 && not_ok "container eth0 gone" || ok "... container eth0"
	mkns g4
	(HAKO_TEST_KILL_AT=connect-linked cni ADD k4 eth0 /run/netns/g4 "$C" >/dev/null) 2>/dev/null
	is "another killed ADD" "$(veths)" 1
	gc '[]' >/dev/null
	is "an ADD killed half-way is undone by the next GC" "$(leases):$(veths)" 0:0
else
	skip "ADD killed half-way" "hako built without -Dtest_hooks=true"
fi
