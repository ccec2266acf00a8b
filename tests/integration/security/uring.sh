#!/bin/bash
# io_uring is refused by the default seccomp profile, as by Docker since Engine 25.0
# (moby#46762): io_uring_setup fails with EPERM in a default container, as a non-root user
# with no capabilities, in `hako exec`, and with the compiled program taken from the on-disk
# cache (STATE/seccomp). The positive control: the same call with
# `--security-opt seccomp=unconfined` makes a ring, so it is the filter that refuses.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
PROBE=${HAKO_CT_PROBE:-$(dirname "$HAKO")/tests/ct_probe}
if [ ! -x "$PROBE" ]; then
	skip "io_uring probes" "ct_probe not built ($PROBE)"
	exit 0
fi
cp -a "$R" "$HAKO_TEST_TMP/rootfs"
R=$HAKO_TEST_TMP/rootfs
cp "$PROBE" "$R/bin/ct_probe"
# refused DESC OPTS...: io_uring_setup in a container run with OPTS fails with EPERM
refused() {
	local d=$1 out rc
	shift
	out=$(h run --rm --rootfs "$R" "$@" -- ct_probe io_uring_setup 2>&1)
	rc=$?
	if [ $rc = 1 ] && [ "$out" = "Operation not permitted" ]; then
		ok "$d: io_uring_setup refused with EPERM"
	else
		not_ok "$d: io_uring_setup refused with EPERM"
		printf '%s\n' "exit $rc" "$out" | diag
	fi
}

refused "default container"
refused "default container, the program from the disk cache"
ls "$ROOT"/state/seccomp/*.bpf >/dev/null 2>&1 && ok "the compiled program is cached" ||
	not_ok "the compiled program is cached"
refused "--user 1000 --cap-drop ALL" --user 1000 --cap-drop ALL
refused "--cap-add SYS_ADMIN (no capability opens it)" --cap-add SYS_ADMIN

n=uring$(uniq_suffix)
h run -d --name "$n" --rootfs "$R" -- sleep 1000 >/dev/null
on_exit "$HAKO --root $ROOT rm -f $n"
out=$(h exec "$n" -- ct_probe io_uring_setup 2>&1)
is "exec into a default container: io_uring_setup refused" "$out" "Operation not permitted"
is "exec still works" "$(h exec "$n" -- echo hi 2>&1)" hi
h rm -f "$n" >/dev/null 2>&1

# Positive control: without the filter the kernel makes the ring (unless it disables
# io_uring itself, which would also answer EPERM and prove nothing).
host=$("$PROBE" io_uring_setup 2>&1)
dis=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)
if [ "$host" != ok ] || [ "$dis" != 0 ]; then
	skip "unconfined: io_uring_setup makes a ring" \
		"the host's kernel refuses io_uring (host: $host; kernel.io_uring_disabled=$dis)"
else
	is "unconfined: io_uring_setup makes a ring (the filter is what refuses)" \
		"$(h run --rm --rootfs "$R" --security-opt seccomp=unconfined -- ct_probe io_uring_setup 2>&1)" ok
fi
