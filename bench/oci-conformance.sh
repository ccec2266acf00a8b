#!/bin/bash
# The OCI runtime conformance suite (opencontainers/runtime-tools validation/) against
# several runtimes, side by side, per test. Run by hand, as root, outside CI.
#
# Usage: bench/oci-conformance.sh SUITE_DIR RUNTIME...
#   SUITE_DIR  a runtime-tools checkout where `make runtimetest validation-executables`
#              was run (this script neither fetches nor builds it; see docs/oci-conformance.md)
#   RUNTIME    path of a runtime binary (hako: a symlink named hako-runtime to build/hako);
#              prefix it with `nounified:` to run that runtime's tests in a mount namespace
#              without /sys/fs/cgroup/unified (crun 1.8 refuses hybrid cgroup hierarchies)
# Environment: OUT=DIR (default ./oci-conformance-results) receives DIR/<runtime>/<test>.tap
#              and DIR/summary.tsv; TESTS="a b" runs only those tests; TIMEOUT (s, default 300)
# Prints a markdown table: per test, the not-ok count of each runtime, followed by the
# test's exit status when it was not 0 ("2 + exit 1", "exit 1", "timeout": the test stopped,
# mostly because the runtime refused or failed to create its container).
set -uo pipefail
[ $# -ge 2 ] || {
	sed -n '4,14p' "$0" >&2
	exit 2
}
suite=$(cd "$1" && pwd) || exit 2
shift
[ -x "$suite/runtimetest" ] || {
	echo "$suite/runtimetest missing: run 'make runtimetest validation-executables' there" >&2
	exit 2
}
out=$(mkdir -p "${OUT:-oci-conformance-results}" && cd "${OUT:-oci-conformance-results}" && pwd)
timeout=${TIMEOUT:-300}
if [ -n "${TESTS:-}" ]; then
	tests=$TESTS
else
	tests=$(cd "$suite/validation" && for t in */*.t; do dirname "$t"; done)
fi

names=()
for spec in "$@"; do
	nounified=0
	rt=$spec
	case $spec in nounified:*)
		nounified=1
		rt=${spec#nounified:}
		;;
	esac
	rt=$(command -v "$rt") || {
		echo "$spec: not found" >&2
		exit 2
	}
	name=$(basename "$rt")
	names+=("$name")
	mkdir -p "$out/$name"
	for t in $tests; do
		tap=$out/$name/$t.tap
		cmd="cd '$suite' && RUNTIME='$rt' timeout $timeout validation/$t/$t.t"
		if [ $nounified = 1 ]; then
			unshare -m --propagation private sh -c \
				"umount /sys/fs/cgroup/unified 2>/dev/null; $cmd" >"$tap" 2>"$tap.err"
		else
			sh -c "$cmd" >"$tap" 2>"$tap.err"
		fi
		rc=$?
		total=$(grep -cE '^(not )?ok ' "$tap")
		notok=$(grep -cE '^not ok ' "$tap")
		# a test that could not run its container stops with a non-zero status, with or
		# without a plan: that is a failure of its own (a passing bad-input test exits 0)
		status=ok
		if [ "$rc" = 124 ]; then
			status=timeout
		elif [ "$rc" != 0 ]; then
			status="exit $rc"
		fi
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$t" "$total" "$notok" "$status"
	done
done >"$out/summary.tsv"

# the table: one row per test, one column per runtime
awk -F'\t' -v names="${names[*]}" '
BEGIN { n = split(names, rt, " ") }
{
	key = $1 SUBSEP $2
	cell[key] = ($5 == "ok") ? $4 : ($4 > 0 ? $4 " + " $5 : $5)
	if (!($2 in seen)) { seen[$2] = 1; order[++m] = $2 }
	tot[$1] += $3; bad[$1] += $4; if ($5 != "ok") broke[$1]++
}
END {
	printf "| test |"; for (i = 1; i <= n; i++) printf " %s |", rt[i]; printf "\n"
	printf "|---|"; for (i = 1; i <= n; i++) printf "---|"; printf "\n"
	for (j = 1; j <= m; j++) {
		printf "| %s |", order[j]
		for (i = 1; i <= n; i++) printf " %s |", cell[rt[i] SUBSEP order[j]]
		printf "\n"
	}
	printf "| **not ok / total** |"
	for (i = 1; i <= n; i++) printf " **%d / %d**%s |", bad[rt[i]], tot[rt[i]], broke[rt[i]] ? " + " broke[rt[i]] " stopped" : ""
	printf "\n"
}' "$out/summary.tsv"
