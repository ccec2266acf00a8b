#!/bin/bash
# Helpers for integration tests (TAP). Source it first thing:
#   . "$HAKO_SRC/tests/lib/lib.sh"
# The script already runs in a private mount+net namespace (run-one.sh) with a private
# /run/netns. Register extra cleanup with `on_exit CMD...`; it runs even on failure.
set -u
HAKO=${HAKO:?HAKO must point at the hako binary}
T_N=0
T_FAILED=0
T_CLEANUP=()

on_exit() { T_CLEANUP+=("$*"); }

t_finish() {
	local rc=$1 i
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUP[$i]}" >/dev/null 2>&1 || true
	done
	# A script that stops with a non-zero status is a failure even if it printed none.
	if [ "$rc" -ne 0 ] && [ "$T_FAILED" -eq 0 ]; then
		not_ok "the test script exited with status $rc"
	fi
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}
trap 't_finish $?; exit $?' EXIT

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }
diag() { sed 's/^/#   /'; }

# check DESC CMD...: CMD must succeed.
check() {
	local desc=$1
	shift
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "  command: $*" "  exit: $rc" "$out" | diag
	fi
}

# check_fail DESC STATUS PATTERN CMD...: CMD must exit with STATUS and print one line on
# stderr matching PATTERN (grep -E), nothing on stdout.
check_fail() {
	local desc=$1 want=$2 pat=$3
	shift 3
	local out err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && printf '%s' "$err" | grep -Eq -- "$pat" && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "  command: $*" "  exit: $rc (want $want)" "  stderr: $err" "  pattern: $pat" | diag
	fi
}

# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"
		printf '%s\n' "  got:  $2" "  want: $3" | diag
	fi
}

# Was $HAKO built with its test hooks (meson -Dtest_hooks=true, as scripts/test.sh builds it)?
# HAKO_TEST_KILL_AT, HAKO_SUBUID/SUBGID and HAKO_LAYERS exist only there (testpoint.h).
have_test_hooks() { grep -aq HAKO_TEST_KILL_AT "$HAKO"; }

# Does this kernel support link kind $1? Probed in the test's own namespace.
have_kind() {
	local n="probe$$"
	case $1 in
	veth) ip link add "$n" type veth peer name "${n}p" 2>/dev/null ;;
	vlan) ip link add "${n}l" type veth peer name "${n}q" 2>/dev/null &&
		ip link add "$n" link "${n}l" type vlan id 5 2>/dev/null; local r=$?; ip link del "${n}l" 2>/dev/null; return $r ;;
	*) ip link add "$n" type "$1" 2>/dev/null ;;
	esac
	local r=$?
	ip link del "$n" 2>/dev/null
	return $r
}

# A unique suffix for names in this run.
uniq_suffix() { printf '%x' $$; }
