#!/bin/bash
# Shared set-up for tests/integration/security/*.sh, sourced (named .bash so the runner,
# which takes */*.sh, does not run it): the container test set-up (busybox rootfs, private
# hako root) and `sx`, which runs a command in a `hako run --rm` container whose /usr is the
# host's (host_usr_rootfs, container/common.inc), so that python3 (probe.py, raw syscalls),
# capsh and findmnt are the oracles inside. The host directory $W is /w inside.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
RU=$(host_usr_rootfs) || { not_ok "the host-/usr rootfs could not be made"; exit 1; }
cp "$HAKO_SRC/tests/integration/security/probe.py" "$RU/probe.py"
PROBE=/probe.py
W=$HAKO_TEST_TMP/w
mkdir -p "$W"
# sx [RUN OPTIONS...] -- CMD [ARG...]: CMD in a new container with those `hako run` options
sx() {
	local o=()
	while [ "$1" != -- ]; do
		o+=("$1")
		shift
	done
	shift
	h run --rm "${HOST_USR[@]}" -v "$W:/w" "${o[@]}" --rootfs "$RU" -- "$@"
}
# status_field NAME [RUN OPTIONS...]: a /proc/self/status field as a command in such a
# container sees it
status_field() {
	local f=$1
	shift
	sx "$@" -- grep "^$f:" /proc/self/status | awk '{print $2}'
}
