#!/bin/bash
# Libraries only some commands need are dlopen'ed on first use (base/dl.h): libsmartcols by
# the table printer (src/cli/dl_scols.c). With it unloadable, a table is one error line
# naming it (exit 3, unsupported), and everything else still works: -j, a command that prints
# no table, hako-runtime. The library is hidden in a private mount namespace of the command
# alone (an empty file bound over it); the same commands with it there are the control.
. "$HAKO_SRC/tests/lib/lib.sh"
lib=$(ldconfig -p | awk '$1 == "libsmartcols.so.1" && /x86-64/ {print $NF; exit}')
lib=$(readlink -f "$lib")
[ -f "$lib" ] || { skip "libsmartcols hidden" "libsmartcols.so.1 not found by ldconfig"; exit 0; }
empty=$HAKO_TEST_TMP/empty
: >"$empty"
hidden() { unshare -m --propagation private -- sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$empty" "$lib" "$@"; }

"$HAKO" link show lo | grep -Eq '^ *INDEX +NAME' && ok "control: the table of link show" ||
	not_ok "control: no table header"
check_fail "a table without libsmartcols: one line naming the library and why (exit 3)" 3 \
	"^hako: libsmartcols\.so\.1 is needed for tables \(-j prints JSON without it\) and cannot be loaded: .*(too short|invalid ELF)" \
	hidden "$HAKO" link show lo
is "-j without libsmartcols" "$(hidden "$HAKO" -j link show lo | jq -r '.[0].ifname')" lo
is "a command without a table, without libsmartcols" "$(hidden "$HAKO" --version | head -1)" \
	"$("$HAKO" --version | head -1)"
ln -s "$HAKO" "$HAKO_TEST_TMP/hako-runtime"
is "hako-runtime list -q without libsmartcols" \
	"$(hidden "$HAKO_TEST_TMP/hako-runtime" --root "$HAKO_TEST_TMP/oci" list -q; echo "rc=$?")" "rc=0"
# the library is not even mapped by a command that prints no table (ldd: not a dependency)
if ldd "$HAKO" | grep -q libsmartcols; then not_ok "hako is linked against libsmartcols"; else
	ok "libsmartcols is no dependency of the hako binary (dlopen'ed)"; fi
