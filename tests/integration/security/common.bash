#!/bin/bash
# Shared set-up for tests/integration/security/*.sh, sourced (named .bash so the runner,
# which takes */*.sh, does not run it). Finds the secure_exec driver (tests/tools/secure_exec.c)
# and the raw syscall probe.
. "$HAKO_SRC/tests/lib/lib.sh"
SECX=${HAKO_SECURE_EXEC:-$(dirname "$HAKO")/tests/secure_exec}
PROBE="$HAKO_SRC/tests/integration/security/probe.py"
if [ ! -x "$SECX" ]; then
	echo "1..0 # SKIP secure_exec driver not built ($SECX)"
	trap - EXIT
	exit 0
fi
# field NAME: a /proc/self/status field as seen by a command under secure_exec OPTS...
status_field() {
	local f=$1
	shift
	"$SECX" "$@" -- grep "^$f:" /proc/self/status | awk '{print $2}'
}
