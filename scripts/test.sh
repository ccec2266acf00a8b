#!/bin/bash
# Install what is missing, build, and run every test: unit + integration, first in a normal
# build, then in an ASan/UBSan build. Needs root (integration tests make namespaces).
# Ends with the line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
total_pass=0 total_fail=0 total_skip=0

# build BUILDDIR [meson options]: scripts/build.sh passes options at the first setup only,
# so an existing build directory is reconfigured with them (test_hooks on an older one).
build() {
	local dir=$1
	if [ -f "$dir/build.ninja" ] && [ $# -gt 1 ]; then
		meson setup --reconfigure "$@" >/dev/null || return 1
	fi
	./scripts/build.sh "$@"
}

run_suite() { # BUILDDIR LABEL [meson options]
	local dir=$1 label=$2
	shift 2
	if ! build "$dir" "$@"; then
		# say why: scripts/build.sh sends ninja's output to /dev/null
		echo "$label: BUILD FAILED"
		ninja -C "$dir" 2>&1 | grep -E 'error|FAILED' | head -20
		total_fail=$((total_fail + 1))
		return
	fi
	echo "== $label"
	meson test -C "$dir" --print-errorlogs --num-processes 2 >"$dir/test-summary.txt" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-summary.txt" | sed 's/^ *//'
	# per-test TAP counts from meson's JSON log
	read -r p f s < <(python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get("stdout", "")
    for l in out.splitlines():
        if l.startswith("ok "):
            if "# SKIP" in l: s += 1
            else: p += 1
        elif l.startswith("not ok "):
            f += 1
    if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and "not ok" not in out:
        f += 1  # crashed, timed out or printed no TAP
print(p, f, s)
PY
)
	if [ "$f" -gt 0 ]; then
		grep -E 'not ok|^#' "$dir/meson-logs/testlog.txt" | head -80
	fi
	echo "$label: $p passed, $f failed, $s skipped"
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
}

# -O3 finds warnings (maybe-uninitialized) that the default build does not: compile it too,
# first, without the test hooks (security/test_hooks.sh checks this binary ignores them)
if build build-release --buildtype=release -Dtest_hooks=false; then
	echo "release build (-O3, -Werror): compiled"
else
	echo "release build (-O3, -Werror): FAILED"
	total_fail=$((total_fail + 1))
fi
run_suite build "normal build" -Dtest_hooks=true
# the format of every C file (.clang-format), as committed
if clang-format --dry-run -Werror $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'examples/*.c' \
	'include/*.h') 2>/dev/null; then
	total_pass=$((total_pass + 1))
else
	echo "clang-format: FAILED (run: clang-format -i on the files it names)"
	clang-format --dry-run $(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'examples/*.c' \
		'include/*.h') 2>&1 | grep warning: | head -20
	total_fail=$((total_fail + 1))
fi
# the library's layering (docs/architecture.md): sources and the normal build's compile flags
if python3 scripts/check-layers.py --build build; then
	total_pass=$((total_pass + 1))
else
	echo "layering check: FAILED"
	total_fail=$((total_fail + 1))
fi
if [ "${HAKO_SKIP_ASAN:-0}" != 1 ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_suite build-asan "ASan/UBSan build" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dtest_hooks=true
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
