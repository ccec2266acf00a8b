#!/bin/bash
# The container's PID 1 (hako-init) and the main process that ends before it is ready: the
# exit status still comes back. HAKO_TEST_DELAY_AT=init-become:MS holds the set-up process
# just before it turns into hako-init, so the main process has ended by then, every time.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
if have_test_hooks; then
	for ms in 200 600; do
		out=$(HAKO_TEST_DELAY_AT=init-become:$ms timeout -k 5 30 "$HAKO" --root "$ROOT" run --rm \
			--rootfs "$R" -- sh -c 'exit 3' 2>&1)
		is "main ended $ms ms before hako-init waited: its status comes back" "$?" 3
	done
	out=$(HAKO_TEST_DELAY_AT=init-become:300 timeout -k 5 30 "$HAKO" --root "$ROOT" run --rm \
		--rootfs "$R" -- sh -c 'sleep 2 & exit 0' 2>&1)
	is "an orphan of such a main is reaped too, the run ends" "$?" 0
else
	skip "hako-init after an early exit" "$HAKO has no test hooks (meson -Dtest_hooks=true)"
fi
# without the hook: quick exits in a row, each status back (no lost SIGCHLD)
bad=""
for i in $(seq 15); do
	timeout -k 5 30 "$HAKO" --root "$ROOT" run --rm --rootfs "$R" -- sh -c "exit $i" >/dev/null 2>&1
	rc=$?
	[ $rc = "$i" ] || bad="$bad $i:$rc"
done
[ -z "$bad" ] && ok "15 quick runs: every exit status comes back" || not_ok "exit statuses:$bad"
is "no container left" "$(h ps -a -q | wc -l)" 0
