#!/bin/bash
# kill -9 of hako in the middle of `lab deploy` (at exact steps, through HAKO_TEST_KILL_AT):
# the record it wrote first lets `lab destroy` remove everything, and lets the next deploy
# of the same file start clean; kill -9 in the middle of `lab destroy`: the next destroy
# finishes it. Each time namespaces, links, mounts and the state DB end as before.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/lab/common.inc"
if ! have_test_hooks; then
	skip "kill -9 at exact steps" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
	exit 0
fi
h lab ls >/dev/null
before=$(snapshot)
F=$FX/seed-bridge.yml
for step in lab-recorded lab-netns lab-links lab-configured; do
	HAKO_TEST_KILL_AT=$step h lab deploy "$F" >/dev/null 2>&1
	rc=$?
	is "deploy killed at $step (status 137)" "$rc" 137
	is "killed at $step: the record says deploying" \
		"$(h -j lab ls | jq -r '.[] | select(.name == "seed2") | .state')" deploying
	check "killed at $step: destroy" h lab destroy seed2
	as_before "killed at $step: after destroy, as before"
done

HAKO_TEST_KILL_AT=lab-links h lab deploy "$F" >/dev/null 2>&1
check "after a deploy killed at lab-links, the next deploy cleans up and succeeds" \
	h lab deploy -q "$F"
check "and the lab works" nsx seed2-net0 ping -c 1 -W 2 10.0.0.3
HAKO_TEST_KILL_AT=lab-destroy h lab destroy seed2 >/dev/null 2>&1
is "destroy killed half way (status 137)" "$?" 137
is "the record says destroying" "$(h -j lab ls | jq -r '.[0].state')" destroying
check "the next destroy finishes the half-gone lab" h lab destroy seed2
as_before "after destroy, as before"
